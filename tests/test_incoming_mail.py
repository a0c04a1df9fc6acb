from odoo.addons.mail.tests.common import MailCommon
from odoo.tests import tagged
from odoo.tools import mute_logger

from .customer_common import CustomerMixin

INCOMING = """Return-Path: <{email_from}>
From: {author} <{email_from}>
To: {to}
Subject: {subject}
Date: Tue, 14 Apr 2026 09:30:00 +0000
Message-ID: <{msg_id}@mail.example.com>
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"

Hello, I have a question about my order.
"""


@tagged("post_install", "-at_install")
class TestIncomingMail(CustomerMixin, MailCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.document = cls.env["res.partner"].create({"name": "Acme Corp"})

    def _receive(self, author, email_from, msg_id, subject="Question about my order"):
        message = INCOMING.format(
            author=author,
            email_from=email_from,
            to=f"catchall@{self.alias_domain}",
            subject=subject,
            msg_id=msg_id,
        )
        with self.mock_mail_gateway():
            self.env["mail.thread"].message_process("res.partner", message, thread_id=self.document.id)
        return self.env["mail.message"].search([("message_id", "=", f"<{msg_id}@mail.example.com>")])

    def _notes(self, partner):
        return self.env["partner.connection.note"].search([("partner_id", "=", partner.id)])

    def test_email_from_contact_creates_received_note(self):
        message = self._receive("Jane Customer", self.customer.email, "q1")
        self.assertEqual(message.author_id, self.customer)
        self.assertRecordValues(
            self._notes(self.customer),
            [
                {
                    "direction": "received",
                    "connection_type": "individual",
                    "title": "Question about my order",
                    "mail_message_id": message.id,
                    "date": message.date,
                    "send_id": False,
                }
            ],
        )

    def test_source_model_gives_connection_type(self):
        self.env["partner.email.connection.type"].create(
            {"model_name": "res.partner", "connection_type": "payment"}
        )
        self._receive("Jane Customer", self.customer.email, "q2")
        self.assertEqual(self._notes(self.customer).connection_type, "payment")

    def test_email_from_internal_user_or_unknown_sender_no_note(self):
        message = self._receive("Ernest Employee", self.partner_employee.email, "q3")
        self.assertEqual(message.author_id, self.partner_employee)
        self.assertFalse(self._notes(self.partner_employee))
        with mute_logger("odoo.addons.mail.models.mail_thread"):
            message = self._receive("Nobody", "nobody.known@example.com", "q4")
        self.assertFalse(message.author_id)
        self.assertFalse(self.env["partner.connection.note"].search([("mail_message_id", "=", message.id)]))
