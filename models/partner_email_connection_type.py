from odoo import api, fields, models, tools

from .partner_connection_note import CONNECTION_TYPES


class PartnerEmailConnectionType(models.Model):
    """Which connection type an email gets from the model of its source document, so that
    e.g. e-signature or payment emails are told apart without code (see ``_classify``)."""

    _name = "partner.email.connection.type"
    _description = "Email Connection Type by Source Model"
    _order = "model_name"
    _rec_name = "model_name"

    model_name = fields.Char(
        string="Source Model", required=True,
        help="Technical name of the model the email comes from, e.g. sign.request. "
             "The model does not need to be installed.")
    connection_type = fields.Selection(CONNECTION_TYPES, required=True)
    active = fields.Boolean(default=True)

    _model_name_unique = models.Constraint(
        "UNIQUE(model_name)", "A source model can have only one connection type.")

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        self.env.registry.clear_cache()
        return records

    def write(self, vals):
        res = super().write(vals)
        self.env.registry.clear_cache()
        return res

    def unlink(self):
        res = super().unlink()
        self.env.registry.clear_cache()
        return res

    @api.model
    def _classify(self, model_names):
        """Connection type of the first of ``model_names`` (most specific first) that is
        configured, or False."""
        mapping = self._get_mapping()
        return next((mapping[name] for name in model_names if name in mapping), False)

    @api.model
    @tools.ormcache()
    def _get_mapping(self):
        return {
            record.model_name: record.connection_type
            for record in self.sudo().search([])
        }
