import logging

from odoo import api, fields, models
from odoo.tools import email_normalize, email_normalize_all
from odoo.tools.mail import email_re

from ..tools import bounce_excerpt, recipient_statuses

_logger = logging.getLogger(__name__)


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    def _get_message_create_valid_field_names(self):
        """A message posted from a template (composer, ``message_post_with_source``) keeps it."""
        return super()._get_message_create_valid_field_names() | {"email_history_template_id"}

    @api.model
    def _message_route_process(self, message, message_dict, routes):
        """An email received through the mail gateway from a contact (not an internal
        user) becomes a received connection note on that contact."""
        thread_id = super()._message_route_process(message, message_dict, routes)
        if routes:
            try:
                with self.env.cr.savepoint(flush=False):
                    self._email_history_note_received(message_dict, routes[0][0], thread_id)
                    self.env["partner.connection.note"].flush_model()
            except Exception:
                _logger.exception(
                    "Email history: could not note the email %s received", message_dict.get("message_id")
                )
        return thread_id

    @api.model
    def _routing_handle_bounce(self, email_message, message_dict):
        """A bounce of an email sent to contacts fails their sends; a delay notice only
        notes the server's answer on them."""
        result = super()._routing_handle_bounce(email_message, message_dict)
        try:
            with self.env.cr.savepoint(flush=False):
                self._email_history_record_bounce(email_message, message_dict)
                self.env["partner.email.send"].flush_model()
        except Exception:
            _logger.exception("Email history: could not record the bounce %s", message_dict.get("message_id"))
        return result

    @api.model
    def _email_history_record_bounce(self, email_message, message_dict):
        bounced_message = message_dict.get("bounced_message")
        if not bounced_message:
            return
        sends = self.env["partner.email.send"].sudo().search([("mail_message_id", "=", bounced_message.id)])
        if not sends:
            return
        statuses = recipient_statuses(email_message)
        excerpt = bounce_excerpt(email_message) or message_dict.get("subject")
        for status in statuses:
            addresses = {email_normalize(address) for address in status.addresses}
            recipient_sends = sends.filtered(lambda send, addresses=addresses: _addresses(send) & addresses)
            if status.is_failed:
                recipient_sends._mark_failed(status.server_text or excerpt)
            elif status.is_delayed:
                recipient_sends._mark_deferred(status.server_text or excerpt)
        if not statuses:
            self._email_history_bounced_without_report(sends, message_dict, excerpt)._mark_failed(excerpt)

    @api.model
    def _email_history_bounced_without_report(self, sends, message_dict, excerpt):
        """The sends a bounce without delivery status report is about: those of the partner
        Odoo found, else those whose address the bounce's text names, else the only one."""
        partners = message_dict.get("bounced_partner")
        if partners:
            return sends.filtered(lambda send: send.partner_id in partners)
        named = {email_normalize(address) for address in email_re.findall(excerpt)}
        return sends.filtered(lambda send: _addresses(send) & named) or (
            sends if len(sends) == 1 else sends.browse()
        )

    @api.model
    def _email_history_note_received(self, message_dict, model_name, thread_id):
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
                "company_id": self.env["partner.connection.note"]
                ._email_history_company_of(model_name, thread_id)
                .id,
            }
        )


def _addresses(send):
    """The normalized addresses a send went to."""
    return {*email_normalize_all(send.email_to or ""), send.partner_id.email_normalized} - {False}
