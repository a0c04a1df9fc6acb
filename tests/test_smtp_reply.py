from odoo.tests import BaseCase

from ..tools import with_server_reply


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
