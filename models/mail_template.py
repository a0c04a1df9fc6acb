from odoo import models


class MailTemplate(models.Model):
    _inherit = "mail.template"

    def send_mail_batch(
        self, res_ids, force_send=False, raise_exception=False, email_values=None, email_layout_xmlid=False
    ):
        email_values = {"email_history_template_id": self.id, **(email_values or {})}
        return super().send_mail_batch(
            res_ids,
            force_send=force_send,
            raise_exception=raise_exception,
            email_values=email_values,
            email_layout_xmlid=email_layout_xmlid,
        )
