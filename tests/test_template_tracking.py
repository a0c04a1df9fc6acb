from markupsafe import Markup

from odoo.addons.mail.tests.common import MailCommon
from odoo.tests import new_test_user, tagged

from ..tools import PLACEHOLDER
from .customer_common import CustomerMixin
from .email_history_common import USER_GROUP

TRACKER_IMAGE = "https://tracker.example.net/open.gif"


class TemplateTrackingCase(CustomerMixin, MailCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.reader = new_test_user(cls.env, "history_reader", groups=f"base.group_user,{USER_GROUP}")
        cls.customer_2 = cls.env["res.partner"].create(
            {"name": "John Customer", "email": "john.customer@example.com"}
        )
        cls.template = cls.env["mail.template"].create(
            {
                "name": "Spring offer",
                "model_id": cls.env["ir.model"]._get_id("res.partner"),
                "subject": "An offer for {{ object.name }}",
                "email_from": "sales@example.com",
                "partner_to": "{{ object.id }}",
                "body_html": "<p>Dear <t t-out='object.name'/>, <b>our spring offer</b></p>"
                f"<p><img src='{TRACKER_IMAGE}' alt='Spring'/><img src='/web/image/res.company/1/logo'/></p>",
            }
        )

    def _sends(self, partners):
        return self.env["partner.email.send"].search([("partner_id", "in", partners.ids)])

    def _process_queue_later(self):
        """Send the queued emails as the mail queue does, from what the database holds."""
        self.env.invalidate_all()
        with self.mock_mail_gateway():
            self.env["mail.mail"].process_email_queue()


@tagged("post_install", "-at_install")
class TestTemplateTracking(TemplateTrackingCase):
    def test_queued_template_email_keeps_its_template(self):
        mail = self.env["mail.mail"].browse(self.template.send_mail(self.customer.id))
        self.assertEqual(mail.state, "outgoing")
        self.assertFalse(self._sends(self.customer), "nothing recorded before it is sent")

        self._process_queue_later()
        send = self._sends(self.customer)
        self.assertRecordValues(
            send, [{"mail_mail_id": mail.id, "state": "sent", "template_id": self.template.id}]
        )
        sent = [email for email in self._mails if self.customer.email in email["email_to"][0]]
        self.assertEqual([email["subject"] for email in sent], ["An offer for Jane Customer"])

    def test_template_email_sent_at_once(self):
        with self.mock_mail_gateway():
            mail_id = self.template.send_mail(self.customer.id, force_send=True)
        self.assertEqual(len(self._mails), 1)
        self.assertRecordValues(
            self._sends(self.customer),
            [{"mail_mail_id": mail_id, "state": "sent", "template_id": self.template.id}],
        )

    def test_template_email_values_given_by_the_caller_win(self):
        other = self.template.copy({"name": "Other offer"})
        mail = self.env["mail.mail"].browse(
            self.template.send_mail(self.customer.id, email_values={"email_history_template_id": other.id})
        )
        self.assertEqual(mail.email_history_template_id, other)

    def test_composer_comment_mode_with_template(self):
        composer = (
            self.env["mail.compose.message"]
            .with_context(
                default_composition_mode="comment",
                default_model="res.partner",
                default_res_ids=self.customer.ids,
                default_template_id=self.template.id,
            )
            .create({})
        )
        with self.mock_mail_gateway():
            composer.action_send_mail()
        send = self._sends(self.customer)
        self.assertRecordValues(send, [{"state": "sent", "template_id": self.template.id}])
        self.assertEqual(send.mail_message_id.email_history_template_id, self.template)

    def test_composer_mass_mode_with_template_queued(self):
        self.env["ir.config_parameter"].sudo().set_param("mail.mail.force.send.limit", 1)
        customers = self.customer | self.customer_2
        composer = (
            self.env["mail.compose.message"]
            .with_context(
                default_composition_mode="mass_mail",
                default_model="res.partner",
                default_res_ids=customers.ids,
                default_template_id=self.template.id,
            )
            .create({})
        )
        self.assertFalse(composer.force_send, "more emails than the limit: they are queued")
        composer.action_send_mail()
        self.assertFalse(self._sends(customers))

        self._process_queue_later()
        sends = self._sends(customers)
        self.assertEqual(sends.partner_id, customers)
        self.assertEqual(sends.mapped("template_id"), self.template)
        self.assertEqual(set(sends.mapped("state")), {"sent"})

    def test_message_post_with_source_template(self):
        with self.mock_mail_gateway():
            message = self.customer.message_post_with_source(
                self.template, message_type="comment", subtype_xmlid="mail.mt_comment"
            )
        self.assertEqual(message.email_history_template_id, self.template)
        self.assertRecordValues(
            self._sends(self.customer),
            [{"mail_message_id": message.id, "state": "sent", "template_id": self.template.id}],
        )

    def test_plain_chatter_message_after_a_template_email_has_no_template(self):
        with self.mock_mail_gateway():
            self.template.send_mail(self.customer.id, force_send=True)
            message = self.customer.message_post(
                body=Markup("<p>Just a word</p>"),
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=self.customer.ids,
            )
        send = self._sends(self.customer).filtered(lambda send: send.mail_message_id == message)
        self.assertEqual(len(send), 1)
        self.assertFalse(send.template_id)
        self.assertEqual(send.with_user(self.reader).preview_html, "<p>Just a word</p>")

    def test_template_preview_is_generic_and_holds_back_remote_images(self):
        with self.mock_mail_gateway():
            self.template.send_mail(self.customer.id, force_send=True)
        self.assertIn(f'src="{TRACKER_IMAGE}"', self._mails[0]["body"], "the email itself is untouched")

        preview = self._sends(self.customer).with_user(self.reader).preview_html
        self.assertIn(f"Dear {PLACEHOLDER}, <b>our spring offer</b>", preview, "not one contact's rendering")
        self.assertNotIn("Jane", preview)
        self.assertNotIn("t-out", preview)
        self.assertNotIn(f' src="{TRACKER_IMAGE}"', preview)
        self.assertIn(f'data-remote-src="{TRACKER_IMAGE}"', preview, "kept for the user to load")
        self.assertIn('src="/web/image/res.company/1/logo"', preview, "this Odoo's images load")

    def test_deleted_template_leaves_the_send(self):
        with self.mock_mail_gateway():
            message = self.customer.message_post_with_source(
                self.template, message_type="comment", subtype_xmlid="mail.mt_comment"
            )
        send = self._sends(self.customer)
        self.template.unlink()
        self.assertFalse(send.template_id)
        self.assertFalse(message.email_history_template_id)
        self.assertIn("our spring offer", send.preview_html, "the message's body, as sent")


@tagged("post_install", "-at_install")
class TestMailingPreview(TemplateTrackingCase):
    """Runs only on a database where mass_mailing is installed beside the addon."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if "mailing.mailing" not in cls.env:
            return
        cls.mailing = cls.env["mailing.mailing"].create(
            {
                "name": "Spring newsletter",
                "subject": "Our spring collection",
                "body_html": "<div><p>Hello <t t-out='object.name'>friend</t>, discover our collection.</p>"
                f"<img src='{TRACKER_IMAGE}'/></div>",
                "mailing_model_id": cls.env["ir.model"]._get_id("res.partner"),
                "mailing_domain": repr([("id", "in", cls.customer.ids)]),
            }
        )

    def setUp(self):
        super().setUp()
        if "mailing.mailing" not in self.env:
            self.skipTest("mass_mailing not installed: its integration is tested on a database with it")

    def test_mailing_send_previews_the_mailing_body(self):
        with self.mock_mail_gateway():
            self.mailing.action_send_mail()
        send = self._sends(self.customer)
        self.assertEqual(len(send), 1)
        self.assertTrue(send.mailing_trace_id)

        preview = send.with_user(self.reader).preview_html
        self.assertIn("Hello friend, discover our collection.", preview)
        self.assertNotIn("Jane", preview)
        self.assertNotIn(f' src="{TRACKER_IMAGE}"', preview)
        self.assertIn(f'data-remote-src="{TRACKER_IMAGE}"', preview)
