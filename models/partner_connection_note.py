from odoo import api, fields, models

CONNECTION_TYPES = [
    ("campaign", "Marketing Campaign"),
    ("individual", "Individual Email"),
    ("notification", "Notification"),
    ("esignature", "e-Signature"),
    ("payment", "Payment"),
]
HIGHLIGHTED_CONNECTION_TYPES = ("esignature", "payment")


class PartnerConnectionNote(models.Model):
    _name = "partner.connection.note"
    _description = "Contact Connection Note"
    _order = "date desc, id desc"
    _rec_name = "title"

    partner_id = fields.Many2one("res.partner", string="Contact", required=True, ondelete="cascade")
    date = fields.Datetime(string="Date/Time", required=True, default=fields.Datetime.now)
    direction = fields.Selection(
        [("sent", "Sent"), ("received", "Received")], string="Sent/Rcvd", required=True, default="sent"
    )
    connection_type = fields.Selection(CONNECTION_TYPES, required=True, default="individual")
    company_id = fields.Many2one(
        "res.company",
        index=True,
        readonly=True,
        help="The company the email was exchanged for: the company of its document, else the "
        "company it was sent from.",
    )
    title = fields.Char()
    send_id = fields.Many2one(
        "partner.email.send", string="Tracked Email", index="btree_not_null", ondelete="set null"
    )
    mail_message_id = fields.Many2one(
        "mail.message", string="Message", index="btree_not_null", ondelete="set null"
    )
    opened_at = fields.Datetime(related="send_id.opened_at", string="Opened")
    state = fields.Selection(related="send_id.state")
    failure_reason = fields.Text(related="send_id.failure_reason")
    is_highlighted = fields.Boolean(compute="_compute_is_highlighted")

    # Also the index of partner_id alone (one2many of the contact, cascade on its deletion).
    _partner_date_idx = models.Index("(partner_id, date DESC, id DESC)")

    @api.depends("connection_type")
    def _compute_is_highlighted(self):
        for note in self:
            note.is_highlighted = note.connection_type in HIGHLIGHTED_CONNECTION_TYPES

    @api.model
    def _email_history_company_of(self, model_name, res_id):
        """The company of document ``res_id`` of ``model_name`` (its ``company_id``), empty
        when the model is unknown, has no company field or the document does not exist."""
        field = self.env[model_name]._fields.get("company_id") if model_name in self.env else None
        if not res_id or not field or field.comodel_name != "res.company":
            return self.env["res.company"]
        return self.env[model_name].sudo().browse(res_id).exists().company_id
