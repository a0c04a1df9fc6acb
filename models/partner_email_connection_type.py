from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError

from .partner_connection_note import CONNECTION_TYPES


class PartnerEmailConnectionType(models.Model):
    """Which connection type an email gets from the model of its source document, so that
    e.g. e-signature or payment emails are told apart without code; owns the classification
    of the emails sent (``_classify_mail``) and received (``_classify_received``)."""

    _name = "partner.email.connection.type"
    _inherit = ["partner.email.cached.setting.mixin"]
    _description = "Email Connection Type by Source Model"
    _order = "model_name"
    _rec_name = "model_name"

    model_id = fields.Many2one(
        "ir.model",
        string="Source Model",
        compute="_compute_model_id",
        inverse="_inverse_model_id",
        domain=[("transient", "=", False)],
        help="The kind of document the emails come from, e.g. Payments.",
    )
    model_name = fields.Char(
        string="Technical Name",
        required=True,
        help="Technical name of the model the email comes from, e.g. sign.request. The defaults "
        "also name models of apps that are not installed: they apply once the app is.",
    )
    connection_type = fields.Selection(CONNECTION_TYPES, required=True)
    active = fields.Boolean(default=True)

    _model_name_unique = models.Constraint(
        "UNIQUE(model_name)", "A source model can have only one connection type."
    )

    @api.depends("model_name")
    def _compute_model_id(self):
        for mapping in self:
            mapping.model_id = self.env["ir.model"]._get(mapping.model_name) if mapping.model_name else False

    def _inverse_model_id(self):
        for mapping in self.filtered("model_id"):
            mapping.model_name = mapping.model_id.model

    @api.constrains("model_name")
    def _check_model_name(self):
        if self.env.context.get("install_mode"):
            return  # the module's own defaults name optional apps' models
        for mapping in self:
            if mapping.model_name not in self.env:
                raise ValidationError(
                    self.env._("“%(name)s” is not a model of this database.", name=mapping.model_name)
                )

    @api.model
    def _normalized(self, vals):
        if vals.get("model_id") and not vals.get("model_name"):
            vals = {**vals, "model_name": self.env["ir.model"].browse(vals["model_id"]).model}
        if isinstance(vals.get("model_name"), str):
            vals = {**vals, "model_name": vals["model_name"].strip().lower()}
        return vals

    @api.model_create_multi
    def create(self, vals_list):
        return super().create([self._normalized(vals) for vals in vals_list])

    def write(self, vals):
        return super().write(self._normalized(vals))

    @api.model
    def _classify_mail(self, mail, record=None):
        """``(connection_type, utm.campaign)`` of the outgoing ``mail`` (a mail.mail) whose
        source document is ``record``: by the model of its source (configured here), else
        individual when an internal user wrote it, campaign when it carries a campaign,
        notification otherwise."""
        mailing = mail._email_history_mailing()
        if mailing:
            campaign = mailing.campaign_id
        elif record and record._name == "utm.campaign":
            campaign = record
        elif record and getattr(record._fields.get("campaign_id"), "comodel_name", None) == "utm.campaign":
            campaign = record.campaign_id
        else:
            campaign = self.env["utm.campaign"]
        source_models = (["mailing.mailing"] if mailing else []) + ([mail.model] if mail.model else [])
        connection_type = self._classify(source_models)
        if connection_type:
            return connection_type, campaign
        if mail.message_type == "comment" and not all(mail.author_id.sudo().user_ids.mapped("share")):
            return "individual", campaign
        return ("campaign" if campaign else "notification"), campaign

    @api.model
    def _classify_received(self, model_name):
        """Connection type of an email received by a document of ``model_name``: written
        by a contact, individual unless the model is configured here."""
        return self._classify([model_name]) or "individual"

    @api.model
    def _classify(self, model_names):
        """Connection type of the first of ``model_names`` (most specific first) that is
        configured, or False."""
        mapping = self._get_mapping()
        return next((mapping[name] for name in model_names if name in mapping), False)

    @api.model
    @tools.ormcache()
    def _get_mapping(self):
        return {record.model_name: record.connection_type for record in self.sudo().search([])}
