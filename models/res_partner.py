from odoo import api, fields, models

HISTORY_GROUP = "partner_email_history.group_partner_email_history_user"


class ResPartner(models.Model):
    _inherit = "res.partner"

    email_send_ids = fields.One2many(
        "partner.email.send", "partner_id", string="Campaign Emails Sent", groups=HISTORY_GROUP)
    email_click_ids = fields.One2many(
        "partner.email.click", "partner_id", string="Links Clicked", groups=HISTORY_GROUP)
    connection_note_ids = fields.One2many(
        "partner.connection.note", "partner_id", string="Connection Notes", groups=HISTORY_GROUP)
    email_send_count = fields.Integer(
        string="Emails Sent", compute="_compute_email_history_counts", groups=HISTORY_GROUP)
    email_click_count = fields.Integer(
        string="Links Clicked Count", compute="_compute_email_history_counts", groups=HISTORY_GROUP)
    connection_note_count = fields.Integer(
        string="Connection Notes Count", compute="_compute_email_history_counts",
        groups=HISTORY_GROUP)
    email_selected_send_id = fields.Many2one(
        "partner.email.send", string="Selected Email", store=False,
        domain="[('partner_id', '=', id)]", groups=HISTORY_GROUP)
    email_filtered_click_ids = fields.Many2many(
        "partner.email.click", string="Links Clicked (filtered)",
        compute="_compute_email_filtered_click_ids", groups=HISTORY_GROUP)

    @api.depends("email_send_ids", "email_click_ids", "connection_note_ids")
    def _compute_email_history_counts(self):
        for model, field in (
            ("partner.email.send", "email_send_count"),
            ("partner.email.click", "email_click_count"),
            ("partner.connection.note", "connection_note_count"),
        ):
            counts = dict(self.env[model]._read_group(
                [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]))
            for partner in self:
                partner[field] = counts.get(partner, 0)

    @api.depends("email_selected_send_id", "email_click_ids")
    def _compute_email_filtered_click_ids(self):
        for partner in self:
            selected = partner.email_selected_send_id
            partner.email_filtered_click_ids = (
                selected.click_ids if selected else partner.email_click_ids)
