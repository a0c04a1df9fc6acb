from odoo.tests import BaseCase

from ..tools import with_server_reply
from ..tools.smtp_reply import recipient_failure_text


class TestSmtpReply(BaseCase):
    def test_refused_recipient_reply_leads(self):
        reason = "{'jane@example.com': (550, b'5.1.1 <jane@example.com>: Recipient address rejected')}"
        self.assertEqual(
            with_server_reply(reason), f"550 5.1.1 <jane@example.com>: Recipient address rejected\n\n{reason}"
        )

    def test_every_reply_decoded_in_order(self):
        reason = (
            "{'a@example.com': (552, b\"5.2.2 Jane's mailbox is full\"), "
            r"'b@example.com': (550, b'caf\xc3\xa9 \'closed\' \xff')}"
        )
        self.assertEqual(
            with_server_reply(reason).split("\n"),
            ["552 5.2.2 Jane's mailbox is full", "550 café 'closed' \ufffd", "", reason],
        )

    def test_text_without_reply_unchanged(self):
        for reason in ("Invalid email address 'not-an-email'", "mail_email_invalid", "", False, None):
            with self.subTest(reason=reason):
                self.assertIs(with_server_reply(reason), reason)

    def test_unreadable_reply_skipped(self):
        broken = r"(550, b'bad \x4 escape')"
        self.assertEqual(with_server_reply(broken), broken)
        reason = f"{broken} (421, b'4.7.0 Try again later')"
        self.assertEqual(with_server_reply(reason), f"421 4.7.0 Try again later\n\n{reason}")


class TestRecipientFailureText(BaseCase):
    DUMP = (
        "Mail Delivery Failed\nMail delivery failed via SMTP server 'None'.\n"
        "SMTPRecipientsRefused: {'bea@example.com': "
        "(550, b'5.1.1 <bea@example.com>: Recipient address rejected')}"
    )

    def test_own_refusal_leads(self):
        text = recipient_failure_text(self.DUMP, "Bea <BEA@example.com>")
        self.assertEqual(text, f"550 5.1.1 <bea@example.com>: Recipient address rejected\n\n{self.DUMP}")

    def test_another_recipient_refused(self):
        text = recipient_failure_text(self.DUMP, "tom@example.com")
        self.assertEqual(
            text.split("\n\n", 1),
            [
                "not sent: the server refused another recipient of this email, bea@example.com: "
                "550 5.1.1 <bea@example.com>: Recipient address rejected",
                self.DUMP,
            ],
        )
        self.assertNotIn("tom@example.com", text.split("\n\n", 1)[0])

    def test_only_own_reply_when_several_refused(self):
        dump = (
            "SMTPRecipientsRefused: {'a@example.com': (550, b'5.1.1 no a'), "
            "'b@example.com': (552, b'5.2.2 b is full')}"
        )
        self.assertEqual(recipient_failure_text(dump, "b@example.com"), f"552 5.2.2 b is full\n\n{dump}")

    def test_failure_without_recipient_unchanged_or_led_by_reply(self):
        self.assertEqual(
            recipient_failure_text("Invalid email address", "tom@example.com"), "Invalid email address"
        )
        dump = "SMTPDataError: (554, b'5.7.1 Message rejected as spam')"
        self.assertEqual(
            recipient_failure_text(dump, "tom@example.com"), f"554 5.7.1 Message rejected as spam\n\n{dump}"
        )
        self.assertIs(recipient_failure_text(False, "tom@example.com"), False)
