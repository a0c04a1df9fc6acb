from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .mail_mail import TRACKING_ENABLED_PARAM
from .partner_email_retention import DEFAULT_RETENTION_DAYS, RETENTION_DAYS_PARAM


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    email_history_tracking_enabled = fields.Boolean(
        string="Track Opens and Clicks",
        config_parameter=TRACKING_ENABLED_PARAM,
        default=True,
    )
    email_history_event_retention_days = fields.Integer(
        string="Keep Opens and Clicks (days)",
        config_parameter=RETENTION_DAYS_PARAM,
        default=DEFAULT_RETENTION_DAYS,
    )
    email_history_track_individual = fields.Boolean(
        related="company_id.email_history_track_individual", readonly=False
    )

    @api.constrains("email_history_event_retention_days")
    def _check_email_history_event_retention_days(self):
        if any(settings.email_history_event_retention_days < 0 for settings in self):
            raise ValidationError(
                self.env._("Opens and clicks are kept a number of days, 0 for ever: it cannot be negative.")
            )

    def set_values(self):
        res = super().set_values()
        # Odoo deletes a parameter set to False or 0, and a missing parameter means its default
        # (tracking on, 730 days): "off" and "keep for ever" are stored as explicit values.
        params = self.env["ir.config_parameter"].sudo()
        if not self.email_history_tracking_enabled:
            params.set_param(TRACKING_ENABLED_PARAM, "False")
        if not self.email_history_event_retention_days:
            params.set_param(RETENTION_DAYS_PARAM, "0")
        return res
