from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import hit_arrays

# One statement per batch of opens (see tools/hit_buffer.py): append them in their order of
# arrival, nothing else. A hit never updates nor locks a row another hit may write (the
# send's first open time is derived from the opens), so concurrent writers never wait on
# nor fail over each other.
# Nothing is written for a send that no longer exists. Every open is left for the sync job,
# which reports a person's open of a mailing email to the mailing's statistics through
# Odoo's own methods, and refreshes the monthly figures of the contact's emails.
_OPENS_SQL = """
    INSERT INTO partner_email_open (
        send_id, partner_id, opened_at, is_machine, machine_reason, sync_pending)
    SELECT send.id, send.partner_id, hit.at, hit.machine_reason IS NOT NULL, hit.machine_reason,
           TRUE
      FROM unnest(%(send_ids)s::int4[], %(ats)s::timestamp[], %(machine_reasons)s::varchar[])
           WITH ORDINALITY AS hit (send_id, at, machine_reason, arrival)
      JOIN partner_email_send send ON send.id = hit.send_id
  ORDER BY hit.arrival
"""


class PartnerEmailOpen(models.Model):
    """One open of a tracked email. Append-only, so that concurrent opens of the same
    email never update a shared row."""

    _name = "partner.email.open"
    _inherit = ["partner.email.event"]
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
    def _record_opens(self, hits):
        """Record the opens ``hits`` (``tools.hit_buffer.Hit``, from verified tokens)."""
        self.env.cr.execute(SQL(_OPENS_SQL, **hit_arrays(hits)))
