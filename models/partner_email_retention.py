import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

RETENTION_DAYS_PARAM = "partner_email_history.event_retention_days"
DEFAULT_RETENTION_DAYS = 730
PURGE_BATCH_SIZE = 10000
# (model, date column) of the events the retention deletes; sends and notes stay.
EXPIRING_EVENTS = (("partner.email.open", "opened_at"), ("partner.email.click", "clicked_at"))

# One batch: the next expired events in primary key order, except each send's earliest
# event not made by a machine, which dates the send's first open. Only the deleted rows are
# locked, and the tracking routes only insert into these tables: they never wait on a purge.
_PURGE_BATCH_SQL = """
    DELETE FROM %(table)s
     WHERE id IN (
        SELECT event.id
          FROM %(table)s event
         WHERE event.id > %(after_id)s
           AND %(event_date)s < %(cutoff)s
           AND (event.is_machine IS TRUE OR EXISTS (
                SELECT 1
                  FROM %(table)s earlier
                 WHERE earlier.send_id = event.send_id
                   AND earlier.is_machine IS NOT TRUE
                   AND (%(earlier_date)s, earlier.id) < (%(event_date)s, event.id)))
         ORDER BY event.id
         LIMIT %(limit)s)
    RETURNING id
"""


class PartnerEmailRetention(models.AbstractModel):
    _name = "partner.email.retention"
    _description = "Email History Retention"

    @api.model
    def _purge_expired_events(self, batch_size=PURGE_BATCH_SIZE):
        """Delete the opens and clicks older than the retention period, ``batch_size`` rows
        per transaction, and report each batch to the cron's progress. Stops when the
        cron's time is up: the cron then runs again soon and goes on."""
        days = self._get_retention_days()
        if not days:
            return
        cutoff = fields.Datetime.now() - timedelta(days=days)
        for model_name, _date_column in EXPIRING_EVENTS:
            self.env[model_name].flush_model()
        ir_cron = self.env["ir.cron"]
        for position, (model_name, date_column) in enumerate(EXPIRING_EVENTS, start=1):
            after_id = 0
            while True:
                deleted_ids = self._purge_batch(model_name, date_column, cutoff, after_id, batch_size)
                self.env[model_name].invalidate_model()
                finished = len(deleted_ids) < batch_size
                # the count left is unknown until a batch comes back short: "another batch"
                remaining = 0 if finished and position == len(EXPIRING_EVENTS) else batch_size
                if not ir_cron._commit_progress(len(deleted_ids), remaining=remaining) and remaining:
                    return
                if finished:
                    break
                after_id = max(deleted_ids)
        self.env["partner.email.send"].invalidate_model(["open_ids", "click_ids"])

    @api.model
    def _purge_batch(self, model_name, date_column, cutoff, after_id, limit):
        """Delete the next ``limit`` expired events of ``model_name`` after ``after_id``,
        return their ids."""
        table = self.env[model_name]._table
        self.env.cr.execute(
            SQL(
                _PURGE_BATCH_SQL,
                table=SQL.identifier(table),
                event_date=SQL.identifier("event", date_column),
                earlier_date=SQL.identifier("earlier", date_column),
                after_id=after_id,
                cutoff=cutoff,
                limit=limit,
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _get_retention_days(self):
        """Days opens and clicks are kept, 0 for ever (also when the parameter is not a
        positive number: nothing is deleted on a mistyped setting)."""
        value = self.env["ir.config_parameter"].sudo().get_param(RETENTION_DAYS_PARAM, DEFAULT_RETENTION_DAYS)
        try:
            return max(int(value), 0)
        except ValueError:
            _logger.warning("Email history: retention of %r days is not a number, events are kept", value)
            return 0
