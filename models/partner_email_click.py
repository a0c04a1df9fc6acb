from odoo import fields, models


class PartnerEmailClick(models.Model):
    _name = "partner.email.click"
    _description = "Tracked Email Link Click"
    _order = "clicked_at desc, id desc"
    _rec_name = "url"

    send_id = fields.Many2one("partner.email.send", string="Email", required=True, ondelete="cascade")
    # Deleted with the contact, as through its send (see partner.email.open).
    partner_id = fields.Many2one(
        related="send_id.partner_id", string="Contact", store=True, ondelete="cascade"
    )
    campaign_id = fields.Many2one(
        related="send_id.campaign_id", string="Campaign", store=True, index="btree_not_null"
    )
    company_id = fields.Many2one(related="send_id.company_id")
    url = fields.Char(string="URL", required=True, help="The link clicked, without its access tokens.")
    link_index = fields.Integer(readonly=True)
    clicked_at = fields.Datetime(string="Clicked", required=True, default=fields.Datetime.now)
    is_machine = fields.Boolean(string="Machine", readonly=True)
    machine_reason = fields.Char(readonly=True)
    sync_pending = fields.Boolean(readonly=True)

    # Also the index of partner_id alone (one2many of the contact, cascade on its deletion).
    _partner_clicked_at_idx = models.Index("(partner_id, clicked_at DESC, id DESC)")
    _sync_pending_idx = models.Index("(id) WHERE sync_pending")
    # Also the index of send_id alone; the click route's burst check reads the last second only.
    _send_clicked_at_idx = models.Index("(send_id, clicked_at)")
