from odoo import models


class MailComposeMessage(models.TransientModel):
    _inherit = "mail.compose.message"

    def _prepare_mail_values(self, res_ids):
        """The emails (mass mode) or messages (comment mode) of a composer with a template
        remember it."""
        mail_values_all = super()._prepare_mail_values(res_ids)
        if self.template_id:
            for mail_values in mail_values_all.values():
                mail_values["email_history_template_id"] = self.template_id.id
        return mail_values_all
