import html
import re
import smtplib
from unittest.mock import patch

from markupsafe import Markup
from psycopg2.errors import LockNotAvailable

from odoo.addons.mail.tests.common import MailCommon
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL, mute_logger

from ..models.mail_mail import TRACKING_ENABLED_PARAM
from ..tools import CLICK_PATH, OPEN_PATH, click_link
from .customer_common import CustomerMixin
from .email_history_common import USER_GROUP

BODY = (
    "<div><p>Hello, see <a href='https://shop.example.com/sale?a=1&amp;b=2'>our sale</a> "
    "and <a href='https://blog.example.com/news'>our news</a>.</p>"
    "<p><a href='mailto:help@example.com'>mail us</a> <a href='tel:+3225550100'>call us</a> "
    "<a href='#terms'>terms</a></p></div>"
)
URLS = ["https://shop.example.com/sale?a=1&b=2", "https://blog.example.com/news"]


@tagged("post_install", "-at_install")
class TestMailTracking(CustomerMixin, MailCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer_2 = cls.env["res.partner"].create(
            {"name": "John Customer", "email": "john.customer@example.com"}
        )
        cls.base_url = cls.env["ir.config_parameter"].get_param("web.base.url")

    def _send_mail(self, body=BODY, **values):
        mail = (
            self.env["mail.mail"]
            .sudo()
            .create(
                {
                    "body_html": body,
                    "email_from": "sales@example.com",
                    "subject": "Spring offers",
                    "recipient_ids": [(4, self.customer.id)],
                    **values,
                }
            )
        )
        with self.mock_mail_gateway():
            mail.send()
        return mail

    def _sent_body(self, email):
        bodies = [sent["body"] for sent in self._mails if any(email in to for to in sent["email_to"])]
        self.assertEqual(len(bodies), 1, f"one email sent to {email}")
        return bodies[0]

    def _sends(self, mail):
        return self.env["partner.email.send"].search([("mail_mail_id", "=", mail.id)])

    def _tokens(self, body):
        return re.findall(r"/email_history/[oc]/([^\"'.?]+)", body)

    def test_send_to_partner_is_tracked(self):
        mail = self._send_mail()
        send = self._sends(mail)
        self.assertEqual(len(send), 1)
        self.assertRecordValues(
            send,
            [
                {
                    "partner_id": self.customer.id,
                    "subject": "Spring offers",
                    "email_to": "jane.customer@example.com",
                    "state": "sent",
                    "failure_reason": False,
                    "link_urls": URLS,
                }
            ],
        )
        body = self._sent_body(self.customer.email)
        self.assertEqual(body.count(OPEN_PATH), 1, "one pixel")
        self.assertEqual(body.count("<img"), 1)
        self.assertIn(f'<img src="{self.base_url}{OPEN_PATH}{send._get_open_token()}.gif"', body)
        secret = send._get_token_secret()
        for index, url in enumerate(URLS):
            link = click_link(self.base_url, secret, send.id, index, url)
            self.assertIn(f"href='{html.escape(link)}'", body)
            self.assertTrue(link.startswith(f"{self.base_url}{CLICK_PATH}{send._get_click_token(index)}?u="))
        self.assertNotIn("href='https://", body.replace(f"href='{self.base_url}", ""), "every link is ours")
        for untouched in ("href='mailto:help@example.com'", "href='tel:+3225550100'", "href='#terms'"):
            self.assertIn(untouched, body)
        self.assertEqual(body.count(CLICK_PATH), 2)

        note = send.env["partner.connection.note"].search([("send_id", "=", send.id)])
        self.assertRecordValues(
            note,
            [
                {
                    "partner_id": self.customer.id,
                    "direction": "sent",
                    "title": "Spring offers",
                    "connection_type": send.connection_type,
                    "mail_message_id": mail.mail_message_id.id,
                }
            ],
        )

    def test_plain_text_alternative_keeps_original_links(self):
        self._send_mail()
        [sent] = self._mails
        self.assertNotIn(OPEN_PATH, sent["body_alternative"], "no pixel address in plain text")
        self.assertNotIn(CLICK_PATH, sent["body_alternative"])
        self.assertIn("shop.example.com", sent["body_alternative"])

    def test_two_partners_get_distinct_tokens(self):
        mail = self._send_mail(recipient_ids=[(6, 0, (self.customer + self.customer_2).ids)])
        sends = self._sends(mail)
        self.assertEqual(sends.partner_id, self.customer + self.customer_2)
        tokens = [set(self._tokens(self._sent_body(partner.email))) for partner in sends.partner_id]
        self.assertEqual([len(t) for t in tokens], [3, 3], "one pixel and two links each")
        self.assertFalse(tokens[0] & tokens[1])
        for send in sends:
            body = self._sent_body(send.partner_id.email)
            self.assertEqual(
                set(self._tokens(body)),
                {f"{send._get_open_token()}", send._get_click_token(0), send._get_click_token(1)},
            )

    def test_smtp_refusal_fails_with_server_text(self):
        reply = b"5.1.1 <jane.customer@example.com>: Recipient address rejected: User unknown"
        refusal = smtplib.SMTPRecipientsRefused({"jane.customer@example.com": (550, reply)})
        mail = (
            self.env["mail.mail"]
            .sudo()
            .create(
                {
                    "body_html": BODY,
                    "email_from": "sales@example.com",
                    "subject": "Spring offers",
                    "recipient_ids": [(4, self.customer.id)],
                }
            )
        )
        with (
            self.mock_mail_gateway(),
            patch.object(self.testing_smtp_session, "send_message", side_effect=refusal),
            mute_logger("odoo.addons.mail.models.mail_mail"),
        ):
            mail.send(raise_exception=False)
        self.assertEqual(mail.state, "exception")
        send = self._sends(mail)
        self.assertEqual(send.state, "failed")
        self.assertTrue(send.failure_reason.startswith(f"550 {reply.decode()}\n"), send.failure_reason)
        self.assertIn(mail.failure_reason, send.failure_reason, "Odoo's own failure text is kept")

    def test_portal_links_reach_the_customer_and_no_reader(self):
        portal = f"{self.base_url}/mail/view?model=res.partner&amp;res_id=7&amp;access_token=S3CRET"
        pay = "https://pay.example.com/checkout?order=7&amp;access_token=S3CRET2"
        mail = self._send_mail(body=f"<p><a href='{portal}'>View</a> <a href='{pay}'>Pay</a></p>")
        body = self._sent_body(self.customer.email)
        self.assertIn(f"href='{portal}'", body, "the portal button as Odoo wrote it")
        self.assertNotIn("S3CRET2", body, "an external link is tracked")
        reader = new_test_user(self.env, "history_reader", groups=f"base.group_user,{USER_GROUP}")
        send = self._sends(mail).with_user(reader)
        self.assertEqual(send.link_urls, ["https://pay.example.com/checkout?order=7"])
        self.assertNotIn("S3CRET", str(send.read()))

    def test_chatter_email_without_subject_titled_from_its_words(self):
        with self.mock_mail_gateway():
            self.customer.message_post(
                body=Markup("<p>Hello Jane, here is the <b>quotation</b> we talked about this morning.</p>"),
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=self.customer.ids,
            )
            self.customer.message_post(
                body=Markup("<p>See you soon</p>"),
                subject="Our meeting",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=self.customer.ids,
            )
        sends = self.env["partner.email.send"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(
            sorted(sends.mapped("subject")),
            ["Hello Jane, here is the quotation we talked…", "Our meeting"],
        )

    def test_retried_mail_keeps_one_send(self):
        refusal = smtplib.SMTPRecipientsRefused({"jane.customer@example.com": (450, b"4.2.1 Mailbox busy")})
        mail = (
            self.env["mail.mail"]
            .sudo()
            .create({"body_html": BODY, "subject": "Spring offers", "recipient_ids": [(4, self.customer.id)]})
        )
        with (
            self.mock_mail_gateway(),
            patch.object(self.testing_smtp_session, "send_message", side_effect=refusal),
            mute_logger("odoo.addons.mail.models.mail_mail"),
        ):
            mail.send(raise_exception=False)
        failed = self._sends(mail)
        self.assertEqual(failed.state, "failed")
        mail.mark_outgoing()  # Odoo's Retry
        with self.mock_mail_gateway():
            mail.send()
        send = self._sends(mail)
        self.assertEqual(send, failed, "one send per email and contact")
        self.assertRecordValues(send, [{"state": "sent", "failure_reason": False}])
        self.assertEqual(len(self.env["partner.connection.note"].search([("send_id", "=", send.id)])), 1)
        tokens = set(self._tokens(self._sent_body(self.customer.email)))
        self.assertIn(send._get_open_token(), tokens, "the retried email tracks the same send")

    def test_invalid_address_fails(self):
        self.customer.email = "not-an-email"
        mail = self._send_mail()
        send = self._sends(mail)
        self.assertEqual(send.state, "failed")
        self.assertEqual(send.failure_reason, mail.failure_reason)
        self.assertTrue(send.failure_reason)

    def test_tracking_error_still_sends(self):
        with (
            patch(
                "odoo.addons.partner_email_history.models.mail_mail.add_tracking",
                side_effect=ValueError("broken tracking"),
            ),
            mute_logger("odoo.addons.partner_email_history.models.mail_mail"),
        ):
            mail = self._send_mail()
        self.assertEqual(mail.state, "sent")
        body = self._sent_body(self.customer.email)
        self.assertIn("https://shop.example.com/sale?a=1&amp;b=2", body)
        self.assertNotIn("/email_history/", body)
        send = self._sends(mail)
        self.assertRecordValues(
            send, [{"state": "sent", "untracked_reason": "tracking failed", "link_urls": False}]
        )
        note = self.env["partner.connection.note"].search([("send_id", "=", send.id)])
        self.assertEqual(note.direction, "sent", "and its connection note")

    def test_database_error_in_tracking_still_sends(self):
        with (
            patch.object(
                type(self.env["partner.email.send"]),
                "_record_sends",
                side_effect=lambda *a, **k: self.env.cr.execute("SELECT 1/0"),
            ),
            mute_logger("odoo.addons.partner_email_history.models.mail_mail", "odoo.sql_db"),
        ):
            mail = self._send_mail()
        self.assertEqual(mail.state, "sent")
        self.assertNotIn("/email_history/", self._sent_body(self.customer.email))

    def test_lock_held_elsewhere_never_holds_the_email(self):
        seen = []

        def wait_for_a_lock(sends, vals_list):
            seen.append(self.env.execute_query(SQL("SHOW lock_timeout"))[0][0])
            raise LockNotAvailable("canceling statement due to lock timeout")

        with (
            patch.object(type(self.env["partner.email.send"]), "_record_sends", wait_for_a_lock),
            mute_logger("odoo.addons.partner_email_history.models.mail_mail"),
        ):
            mail = self._send_mail()
        self.assertEqual(seen, ["3s"], "the history's statements give up on a lock after 3 s")
        self.assertEqual(self.env.execute_query(SQL("SHOW lock_timeout"))[0][0], "0", "and only they")
        self.assertEqual(mail.state, "sent")
        self.assertFalse(self._sends(mail), "unlisted, but sent")
        self.assertNotIn("/email_history/", self._sent_body(self.customer.email))

    def test_internal_user_untouched(self):
        mail = self._send_mail(recipient_ids=[(6, 0, self.partner_employee.ids)])
        self.assertIn("https://shop.example.com/sale", self._sent_body(self.partner_employee.email))
        self.assertNotIn("/email_history/", self._sent_body(self.partner_employee.email))
        self.assertFalse(self._sends(mail))

    def test_email_to_only_untracked(self):
        mail = self._send_mail(recipient_ids=False, email_to="someone@example.com")
        self.assertNotIn("/email_history/", self._sent_body("someone@example.com"))
        self.assertFalse(self._sends(mail))

    def test_email_to_beside_partner(self):
        mail = self._send_mail(email_to="someone@example.com")
        self.assertNotIn("/email_history/", self._sent_body("someone@example.com"))
        self.assertIn(OPEN_PATH, self._sent_body(self.customer.email))
        self.assertEqual(self._sends(mail).partner_id, self.customer)

    def test_plain_text_no_pixel(self):
        mail = self._send_mail(body="Hello, see https://shop.example.com/sale")
        self.assertNotIn("/email_history/", self._sent_body(self.customer.email))
        send = self._sends(mail)
        self.assertEqual(send.state, "sent", "a plain text email is still listed")
        self.assertFalse(send.link_urls)

    def test_tracking_switched_off(self):
        self.env["ir.config_parameter"].set_param(TRACKING_ENABLED_PARAM, "0")
        mail = self._send_mail()
        self.assertNotIn("/email_history/", self._sent_body(self.customer.email))
        self.assertEqual(self._sends(mail).state, "sent", "emails are still listed")

    def test_base_url_of_source_document(self):
        record = self.customer_2
        with patch.object(type(record), "get_base_url", lambda rec: "https://www.shop.example.com"):
            mail = self._send_mail(model=record._name, res_id=record.id)
        body = self._sent_body(self.customer.email)
        send = self._sends(mail)
        self.assertIn(f"https://www.shop.example.com{OPEN_PATH}{send._get_open_token()}.gif", body)
        self.assertIn(f"https://www.shop.example.com{CLICK_PATH}{send._get_click_token(0)}", body)


@tagged("post_install", "-at_install")
class TestMailClassification(CustomerMixin, MailCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.document = cls.env["res.partner"].create({"name": "Acme Corp"})
        cls.template = cls.env["mail.template"].create(
            {
                "name": "Acme notice",
                "model_id": cls.env["ir.model"]._get_id("res.partner"),
                "subject": "Notice about {{ object.name }}",
                "body_html": "<p>Your account was updated.</p>",
            }
        )

    def _sends(self):
        return self.env["partner.email.send"].search([("partner_id", "=", self.customer.id)])

    def test_chatter_message_by_user_is_individual(self):
        with self.mock_mail_gateway():
            self.document.with_user(self.user_employee).message_post(
                body="<p>Here is your offer: <a href='https://shop.example.com'>shop</a></p>",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=self.customer.ids,
            )
        send = self._sends()
        self.assertEqual(send.connection_type, "individual")
        self.assertEqual(send.state, "sent")
        self.assertIn(OPEN_PATH, self._mails[0]["body"])

    def test_automated_template_mail_is_notification(self):
        with self.mock_mail_gateway():
            self.template.send_mail(self.customer.id, force_send=True)
        self.assertEqual(self._sends().connection_type, "notification")

    def test_campaign_document_is_campaign(self):
        with self.mock_mail_gateway():
            self.env["mail.mail"].create(
                {
                    "body_html": "<p>Spring is here</p>",
                    "subject": "Spring",
                    "model": "utm.campaign",
                    "res_id": self.campaign.id,
                    "recipient_ids": [(4, self.customer.id)],
                }
            ).send()
        self.assertRecordValues(
            self._sends(), [{"connection_type": "campaign", "campaign_id": self.campaign.id}]
        )

    def test_source_model_mapping(self):
        mail = self.env["mail.mail"].create({"body_html": "<p>x</p>", "subject": "x"})
        connection_types = self.env["partner.email.connection.type"]
        for model_name, expected in (
            ("sign.request", "esignature"),
            ("payment.transaction", "payment"),
            ("res.partner", "notification"),
        ):
            mail.model = model_name
            self.assertEqual(connection_types._classify_mail(mail)[0], expected, model_name)
        # an administrator maps another model: data, not code
        connection_types.create({"model_name": "res.partner", "connection_type": "payment"})
        self.assertEqual(connection_types._classify_mail(mail)[0], "payment")
        self.env.ref("partner_email_history.partner_email_connection_type_sign_request").active = False
        mail.model = "sign.request"
        self.assertEqual(connection_types._classify_mail(mail)[0], "notification")


@tagged("post_install", "-at_install")
class TestEmailPreview(CustomerMixin, MailCommon):
    """The popover's preview: the email's generic content, as readers of the history see it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.reader = new_test_user(cls.env, "history_reader", groups=f"base.group_user,{USER_GROUP}")

    def _post(self, document):
        with self.mock_mail_gateway():
            message = document.message_post(
                body=Markup("<p>Here is <a href='https://shop.example.com/offer'>your offer</a></p>"),
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=self.customer.ids,
            )
        return message, self.env["partner.email.send"].search([("partner_id", "=", self.customer.id)])

    def test_chatter_email_previews_its_message(self):
        message, send = self._post(self.env["res.partner"].create({"name": "Acme Corp"}))
        self.assertIn(OPEN_PATH, self._mails[0]["body"], "the email sent was tracked")

        preview = send.with_user(self.reader).preview_html
        self.assertEqual(preview, message.body)
        self.assertIn('<a href="https://shop.example.com/offer">your offer</a>', preview)
        self.assertNotIn("/email_history/", preview)

    def test_template_comes_first(self):
        _message, send = self._post(self.customer)
        send.template_id = self.env["mail.template"].create(
            {
                "name": "Offer",
                "model_id": self.env["ir.model"]._get_id("res.partner"),
                "body_html": "<p>Dear <t t-out='object.name'>customer</t>, <b>our offer</b></p>",
            }
        )
        preview = send.with_user(self.reader).preview_html
        self.assertEqual(preview, "<p>Dear customer, <b>our offer</b></p>", "its placeholders as text")

        send.template_id.body_html = False
        self.assertIn("https://shop.example.com/offer", send.preview_html, "else the message")

    def test_preview_is_sanitized(self):
        message, send = self._post(self.customer)
        # a body stored by another way than the ORM, e.g. imported
        self.env.cr.execute(
            "UPDATE mail_message SET body = %s WHERE id = %s",
            ["<p onclick='steal()'>Offer</p><script>steal()</script>", message.id],
        )
        self.env.invalidate_all()
        self.assertEqual(send.with_user(self.reader).preview_html, "<p>Offer</p>")
