import logging

from odoo import api, fields, models

_logger = logging.getLogger(__name__)


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    @api.model
    def _message_route_process(self, message, message_dict, routes):
        """An email received through the mail gateway from a contact (not an internal
        user) becomes a received connection note on that contact."""
        thread_id = super()._message_route_process(message, message_dict, routes)
        if routes:
            try:
                with self.env.cr.savepoint():
                    self._email_history_note_received(message_dict, routes[0][0])
            except Exception:
                _logger.exception(
                    "Email history: could not note the email %s received", message_dict.get("message_id")
                )
        return thread_id

    @api.model
    def _email_history_note_received(self, message_dict, model_name):
        author = self.env["res.partner"].sudo().browse(message_dict.get("author_id")).exists()
        if not author or not author.partner_share:
            return
        message = (
            self.env["mail.message"]
            .sudo()
            .search(
                [
                    ("message_id", "=", message_dict.get("message_id")),
                    ("message_type", "=", "email"),
                ],
                limit=1,
            )
            if message_dict.get("message_id")
            else self.env["mail.message"]
        )
        self.env["partner.connection.note"].sudo().create(
            {
                "partner_id": author.id,
                "date": message_dict.get("date") or fields.Datetime.now(),
                "direction": "received",
                "connection_type": self.env["partner.email.connection.type"]._classify_received(model_name),
                "title": message_dict.get("subject"),
                "mail_message_id": message.id,
            }
        )
