from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

# A click is left to settle this long before it is reported: the other clicks of a link
# scanner's burst have arrived by then.
_SETTLE = SQL("interval '2 seconds'")
# A send still outgoing this long after its creation lost its outcome (the outcome step
# failed, or the process died after sending): it is reconciled with its email's state.
OUTCOME_LOST_AFTER = timedelta(minutes=15)


class PartnerEmailTrackingSync(models.AbstractModel):
    """What the tracking routes leave for later, so that a hit stays a plain insert: the
    clicks of a link scanner's burst, the mailing statistics of Odoo (through its
    own methods, so that its hooks run), sends whose outcome was not recorded, and the
    monthly figures of the contacts' emails."""

    _name = "partner.email.tracking.sync"
    _description = "Email History: Tracking Synchronization"

    @api.model
    def _cron_sync(self, batch_size=1000):
        """Scheduled every minute: catch up in batches, committing after each one."""
        self._in_batches(lambda: self._sync_batch(batch_size), self._count_pending)
        self._reconcile_outgoing(batch_size)
        figures = self.env["partner.email.month"]
        self._in_batches(lambda: figures._refresh_stale_months(batch_size), figures._count_stale_months)

    @api.model
    def _in_batches(self, do_batch, count_remaining):
        """Run ``do_batch`` (returning how many items it handled) until it handles none,
        nothing remains or the cron's time is up, committing each batch as progress."""
        while done := do_batch():
            remaining = count_remaining()
            if self.env["ir.cron"]._commit_progress(done, remaining=remaining) <= 0 or not remaining:
                break

    @api.model
    def _count_pending(self):
        return self.env.execute_query(
            SQL(
                """SELECT (SELECT count(*) FROM partner_email_open WHERE sync_pending)
                        + (SELECT count(*) FROM partner_email_click WHERE sync_pending)"""
            )
        )[0][0]

    @api.model
    def _sync_batch(self, batch_size=1000):
        """Handle up to ``batch_size`` pending opens and as many settled pending clicks;
        return how many were handled."""
        self._mark_scanner_bursts(batch_size)
        opens = self.env.execute_query(
            SQL(
                """SELECT event.id, event.send_id, send.mailing_trace_id, event.is_machine
                     FROM partner_email_open event
                     JOIN partner_email_send send ON send.id = event.send_id
                    WHERE event.sync_pending
                 ORDER BY event.id LIMIT %s""",
                batch_size,
            )
        )
        clicks = self.env.execute_query(
            SQL(
                """SELECT event.id, event.send_id, send.mailing_trace_id, event.is_machine,
                          send.link_tracker_codes ->> event.link_index
                     FROM partner_email_click event
                     JOIN partner_email_send send ON send.id = event.send_id
                    WHERE event.sync_pending
                      AND event.clicked_at < (statement_timestamp() AT TIME ZONE 'UTC') - %s
                 ORDER BY event.id LIMIT %s""",
                _SETTLE,
                batch_size,
            )
        )
        if "mailing.trace" in self.env:
            self._report_to_mailings(
                [trace_id for _id, _send_id, trace_id, is_machine in opens if trace_id and not is_machine],
                [
                    (trace_id, code)
                    for _id, _send_id, trace_id, is_machine, code in clicks
                    if trace_id and not is_machine
                ],
            )
        for table, events in (("partner_email_open", opens), ("partner_email_click", clicks)):
            if events:
                self.env.cr.execute(
                    SQL(
                        "UPDATE %s SET sync_pending = FALSE WHERE id IN %s",
                        SQL.identifier(table),
                        tuple(event[0] for event in events),
                    )
                )
        self.env["partner.email.send"].browse({event[1] for event in opens + clicks})._mark_months_stale()
        return len(opens) + len(clicks)

    @api.model
    def _mark_scanner_bursts(self, batch_size):
        """Two or more different links of one email clicked within a second are a link
        scanner's: mark every click of such a burst, with the number of links."""
        self.env["partner.email.click"].flush_model()
        self.env.cr.execute(
            SQL(
                """UPDATE partner_email_click click
                      SET is_machine = TRUE, machine_reason = format(%s, burst.links)
                     FROM (SELECT pending.id,
                                  (SELECT count(DISTINCT other.link_index)
                                     FROM partner_email_click other
                                    WHERE other.send_id = pending.send_id
                                      AND other.clicked_at BETWEEN pending.clicked_at - interval '1 second'
                                                               AND pending.clicked_at + interval '1 second'
                                  ) AS links
                             FROM partner_email_click pending
                            WHERE pending.sync_pending AND pending.is_machine IS NOT TRUE
                         ORDER BY pending.id LIMIT %s) burst
                    WHERE click.id = burst.id AND burst.links > 1""",
                self.env._("link scanner: %s links within 1 s"),
                batch_size,
            )
        )
        self.env["partner.email.click"].invalidate_model(["is_machine", "machine_reason"])

    @api.model
    def _report_to_mailings(self, opened_trace_ids, clicks):
        """Report a person's opens and clicks to the mailing statistics as Odoo's own
        routes do: ``opened_trace_ids`` are mailing trace ids, ``clicks`` ``(trace id,
        link tracker code or None)``."""
        traces = self.env["mailing.trace"].sudo()
        traces.browse(opened_trace_ids).exists().set_opened()
        for trace_id, code in clicks:
            if not (
                code and self.env["link.tracker.click"].sudo().add_click(code, mailing_trace_id=trace_id)
            ):
                traces.browse(trace_id).exists().set_opened().set_clicked()

    @api.model
    def _reconcile_outgoing(self, batch_size=1000):
        """Give sends whose outcome was never recorded the final state of their email: its
        mail.mail when it still exists, else its notification (a mail.mail is deleted once
        sent, or once refused for a bad address)."""
        sends = (
            self.env["partner.email.send"]
            .sudo()
            .search(
                [
                    ("state", "=", "outgoing"),
                    ("create_date", "<", fields.Datetime.now() - OUTCOME_LOST_AFTER),
                ],
                limit=batch_size,
            )
        )
        if not sends:
            return
        mail_by_id = {
            mail.id: mail
            for mail in self.env["mail.mail"].sudo().browse(set(sends.mapped("mail_mail_id"))).exists()
        }
        notifications = (
            self.env["mail.notification"]
            .sudo()
            .search(
                [
                    ("mail_message_id", "in", sends.mail_message_id.ids),
                    ("res_partner_id", "in", sends.partner_id.ids),
                    ("notification_status", "in", ("exception", "bounce")),
                ]
            )
        )
        failures = {
            (n.mail_message_id.id, n.res_partner_id.id): n.failure_reason or n.failure_type
            for n in notifications
        }
        outcomes = {}
        for send in sends:
            mail = mail_by_id.get(send.mail_mail_id)
            failure = failures.get((send.mail_message_id.id, send.partner_id.id))
            if mail and mail.state == "outgoing":
                continue  # still queued: its own send will record the outcome
            if mail and mail.state in ("exception", "cancel"):
                outcomes[send.id] = ("failed", mail.failure_reason or failure or mail.state)
            elif failure:
                outcomes[send.id] = ("failed", failure)
            else:
                outcomes[send.id] = ("sent", False)
        sends._write_outcomes(outcomes)
