from markupsafe import Markup

from odoo.addons.mail.tests.common import MailCommon
from odoo.tests import tagged

from ..tools import CLICK_PATH, OPEN_PATH
from .customer_common import CustomerMixin

SHOP_URL = "https://shop.example.com/offer"
BODY = Markup(f'<p>Here is your offer: <a href="{SHOP_URL}">shop</a></p>')


@tagged("post_install", "-at_install")
class TestConsentTracking(CustomerMixin, MailCommon):
    """Consent decided in the sending path: a chatter email written by a user and a
    campaign email, each to the contact, read as they leave the mail server."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.document = cls.env["res.partner"].create({"name": "Acme Corp"})

    def _post_chatter_email(self):
        with self.mock_mail_gateway():
            message = self.document.with_user(self.user_employee).message_post(
                body=BODY,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=self.customer.ids,
            )
        return self._sent_send([("mail_message_id", "=", message.id)])

    def _send_campaign_email(self):
        with self.mock_mail_gateway():
            self.env["mail.mail"].create(
                {
                    "body_html": BODY,
                    "subject": "Spring",
                    "model": "utm.campaign",
                    "res_id": self.campaign.id,
                    "recipient_ids": [(4, self.customer.id)],
                }
            ).send()
        return self._sent_send([("subject", "=", "Spring")])

    def _sent_send(self, domain):
        """The send of ``domain`` recorded for the customer (it is listed), and the body the
        customer received."""
        send = self.env["partner.email.send"].search([("partner_id", "=", self.customer.id), *domain])
        self.assertEqual(len(send), 1, "the email is listed on the contact")
        self.assertEqual(send.state, "sent")
        [body] = [mail["body"] for mail in self._mails if self.customer.email in str(mail["email_to"])]
        return send, body

    def assertUntracked(self, body):
        self.assertNotIn(OPEN_PATH, body, "no pixel")
        self.assertNotIn(CLICK_PATH, body, "no tracked link")
        self.assertIn(f'href="{SHOP_URL}"', body, "the link as written")

    def test_opted_out_contact_is_listed_untracked(self):
        self.customer.email_tracking_opt_out = True
        send, body = self._post_chatter_email()
        self.assertEqual(send.connection_type, "individual")
        self.assertFalse(send.link_urls)
        self.assertUntracked(body)

        self._mails.clear()
        send.unlink()
        send, body = self._send_campaign_email()
        self.assertEqual(send.connection_type, "campaign")
        self.assertUntracked(body)

    def test_company_switch_off_leaves_individual_emails_untracked(self):
        self.user_employee.company_id.email_history_track_individual = False
        send, body = self._post_chatter_email()
        self.assertEqual(send.connection_type, "individual")
        self.assertEqual(send.company_id, self.user_employee.company_id)
        self.assertFalse(send.link_urls)
        self.assertUntracked(body)

        self._mails.clear()
        send, body = self._send_campaign_email()
        self.assertEqual(send.connection_type, "campaign")
        self.assertIn(OPEN_PATH, body, "campaigns are still tracked")
        self.assertIn(CLICK_PATH, body)
        self.assertEqual(send.link_urls, [SHOP_URL])

    def test_sending_company_is_the_documents_else_the_senders(self):
        other_company = self.env["res.company"].create({"name": "Other Company"})
        self.user_employee.company_ids |= other_company
        send, _body = self._post_chatter_email()
        self.assertEqual(send.company_id, self.user_employee.company_id, "no company on the document")
        note = self.env["partner.connection.note"].search([("send_id", "=", send.id)])
        self.assertEqual(note.company_id, send.company_id)

        send.unlink()
        self._mails.clear()
        self.document.company_id = other_company
        send, _body = self._post_chatter_email()
        self.assertEqual(send.company_id, other_company, "the company of the document")
