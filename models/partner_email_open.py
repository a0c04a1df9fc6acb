from odoo import api, fields, models
from odoo.tools import SQL

# Prefixes the statement of a hit. The hit's commit does not wait for its WAL to reach the
# disk: a crash of the database server (not of Odoo) can lose the hits acknowledged in its
# last moments (at most three times wal_writer_delay, 0.6 s by default), never a send, an
# email, nor any other write. Without it, every open and click of a production server
# waits for a disk flush of its own.
HIT_ASYNC_COMMIT = SQL("SET LOCAL synchronous_commit TO off;")
# One statement per open: append the open, nothing else. A hit never updates nor locks a
# row another hit may write (the send's first open time is derived from the opens), so
# concurrent opens never wait on nor fail over each other. Nothing is written for a send
# that no longer exists. A person's open of a mailing email is left for the sync job,
# which reports it to the mailing's statistics through Odoo's own methods.
_OPEN_SQL = """
    INSERT INTO partner_email_open (
        send_id, partner_id, opened_at, is_machine, machine_reason, sync_pending)
    SELECT id, partner_id, (statement_timestamp() AT TIME ZONE 'UTC'),
           %(machine_reason)s IS NOT NULL, %(machine_reason)s,
           mailing_trace_id IS NOT NULL AND %(machine_reason)s IS NULL
      FROM partner_email_send
     WHERE id = %(send_id)s
"""


class PartnerEmailOpen(models.Model):
    """One open of a tracked email. Append-only, so that concurrent opens of the same
    email never update a shared row."""

    _name = "partner.email.open"
    _description = "Tracked Email Open"
    _order = "opened_at desc, id desc"
    _log_access = False

    send_id = fields.Many2one(
        "partner.email.send", string="Email", required=True, index=True, ondelete="cascade"
    )
    # Stored so that a contact's last open is one index lookup, however long its history.
    # Deleted with the contact, as through its send: with "set null", PostgreSQL could clear
    # the contact of an open its send's deletion was removing, and refuse the deletion.
    partner_id = fields.Many2one(
        related="send_id.partner_id", string="Contact", store=True, ondelete="cascade"
    )
    opened_at = fields.Datetime(string="Opened", required=True, default=fields.Datetime.now)
    is_machine = fields.Boolean(string="Machine", readonly=True)
    machine_reason = fields.Char(readonly=True)
    sync_pending = fields.Boolean(readonly=True)

    _sync_pending_idx = models.Index("(id) WHERE sync_pending")
    _partner_person_opened_at_idx = models.Index("(partner_id, opened_at DESC) WHERE is_machine IS NOT TRUE")

    @api.model
    def _record_open(self, send_id, machine_reason=None):
        """Record an open of send ``send_id`` (from a verified token), a machine's when
        ``machine_reason`` is given."""
        self.env.cr.execute(
            SQL("%s %s", HIT_ASYNC_COMMIT, SQL(_OPEN_SQL, send_id=send_id, machine_reason=machine_reason))
        )
