from odoo import api, fields, models
from odoo.tools import SQL

# One statement per open: append the open, set the send's first open time once.
# "SKIP LOCKED": a concurrent open setting opened_at already records the first open, so
# two opens never wait on nor fail over the same row. Nothing is written for a send
# that no longer exists.
_OPEN_SQL = """
    WITH send AS (
        SELECT id, mail_mail_id FROM partner_email_send WHERE id = %(send_id)s
    ), open_row AS (
        INSERT INTO partner_email_open (send_id, opened_at)
        SELECT id, %(now)s FROM send
    ), first_open AS (
        UPDATE partner_email_send SET opened_at = %(now)s
         WHERE id = (
            SELECT id FROM partner_email_send
             WHERE id = %(send_id)s AND opened_at IS NULL
               FOR UPDATE SKIP LOCKED)
    )%(mailing_trace)s
    SELECT 1
"""
# With mass_mailing: the open also shows in the mailing's statistics.
_OPEN_TRACE_SQL = """, trace AS (
        UPDATE mailing_trace SET trace_status = 'open', open_datetime = %(now)s, write_date = %(now)s
         WHERE id IN (
            SELECT mt.id
              FROM mailing_trace mt
              JOIN send ON mt.mail_mail_id_int = send.mail_mail_id
             WHERE mt.trace_status NOT IN ('open', 'reply')
               FOR UPDATE OF mt SKIP LOCKED)
    )"""


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
    opened_at = fields.Datetime(string="Opened", required=True, default=fields.Datetime.now)
    is_machine = fields.Boolean(readonly=True)

    @api.model
    def _record_open(self, send_id):
        """Record an open of send ``send_id`` (from a verified token)."""
        now = SQL("(now() AT TIME ZONE 'UTC')")
        mailing_trace = SQL(_OPEN_TRACE_SQL, now=now) if "mailing.trace" in self.env else SQL()
        self.env.cr.execute(SQL(_OPEN_SQL, send_id=send_id, now=now, mailing_trace=mailing_trace))
        self.env.invalidate_all()
