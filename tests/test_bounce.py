import email
import email.policy
import itertools
from unittest.mock import patch

from odoo.addons.mail.tests.common import MailCommon
from odoo.tests import BaseCase, tagged
from odoo.tools import mute_logger

from ..models.partner_email_send import PartnerEmailSend
from ..tools import bounce_excerpt, recipient_statuses
from .customer_common import CustomerMixin

REPORT = """From: Mail Delivery System <MAILER-DAEMON@mx.example.net>
To: {to}
Subject: {subject}
Date: Tue, 14 Apr 2026 09:40:00 +0000
Message-ID: <{report_id}@mx.example.net>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="report-boundary"

--report-boundary
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx.example.net.

Your message could not be delivered to one or more recipients.

--report-boundary
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net
Arrival-Date: Tue, 14 Apr 2026 09:30:00 +0000
{recipients}
--report-boundary
Content-Type: text/rfc822-headers

{original_headers}
--report-boundary--
"""

RECIPIENT = """
Final-Recipient: rfc822; {address}
Original-Recipient: rfc822;<{address}>
Action: {action}
Status: {status}
Diagnostic-Code: {diagnostic}
"""

PLAIN_BOUNCE = """From: MAILER-DAEMON@mx.example.net
To: {to}
Subject: Returned mail: see transcript for details
Date: Tue, 14 Apr 2026 09:45:00 +0000
Message-ID: <plain-{report_id}@mx.example.net>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="plain-boundary"

--plain-boundary
Content-Type: text/plain; charset=utf-8

Hi. This is the mail delivery program at mx.example.net.
I could not deliver your message to the following address:

<{address}>: mailbox is full, quota exceeded

--plain-boundary
Content-Type: message/rfc822

{original_headers}

Hello, the original body.
--plain-boundary--
"""

ORIGINAL_HEADERS = """From: {email_from}
To: {email_to}
Subject: {subject}
Message-Id: {message_id}"""

UNKNOWN_USER = (
    "smtp; 550 5.1.1 <{address}>: Recipient address rejected:\n    User unknown in virtual mailbox table"
)
MAILBOX_BUSY = "smtp; 451 4.4.1 <{address}>: try again later"
_report_ids = itertools.count()


class BounceMixin:
    """Builds bounces of an email that was really sent (captured by mock_mail_gateway)."""

    def _sent_email(self, address):
        return next(sent for sent in self._mails if any(address in to for to in sent["email_to"]))

    def _original_headers(self, sent):
        return ORIGINAL_HEADERS.format(
            email_from=sent["email_from"],
            email_to=", ".join(sent["email_to"]),
            subject=sent["subject"],
            message_id=sent["message_id"],
        )

    def _recipient(self, address, action="failed", status="5.1.1", diagnostic=UNKNOWN_USER):
        return RECIPIENT.format(
            address=address, action=action, status=status, diagnostic=diagnostic.format(address=address)
        )

    def _process(self, raw):
        self.env["mail.thread"].sudo().message_process(False, raw)
        self.env.invalidate_all()

    def _bounce_report(self, sent, *recipients, subject="Undelivered Mail Returned to Sender"):
        self._process(
            REPORT.format(
                to=f"{self.alias_bounce}@{self.alias_domain}",
                subject=subject,
                report_id=next(_report_ids),
                recipients="".join(recipients),
                original_headers=self._original_headers(sent),
            )
        )

    def _bounce_plain(self, sent, address):
        self._process(
            PLAIN_BOUNCE.format(
                to=f"{self.alias_bounce}@{self.alias_domain}",
                report_id=next(_report_ids),
                address=address,
                original_headers=self._original_headers(sent),
            )
        )


@tagged("post_install", "-at_install")
class TestBounce(BounceMixin, CustomerMixin, MailCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer_2 = cls.env["res.partner"].create({"name": "Raj Patel", "email": "raj@example.com"})
        cls.document = cls.env["res.partner"].create({"name": "Acme Corp"})
        cls.template = cls.env["mail.template"].create(
            {
                "name": "Order shipped",
                "model_id": cls.env["ir.model"]._get_id("res.partner"),
                "subject": "Your order has shipped",
                "body_html": "<p>Your order is on its way.</p>",
                "partner_to": "{{ object.id }}",
            }
        )

    def _post_to_both(self):
        with self.mock_mail_gateway():
            message = self.document.message_post(
                body="<p>Here is your offer.</p>",
                subject="Your offer",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=(self.customer + self.customer_2).ids,
            )
        sends = self.env["partner.email.send"].search([("mail_message_id", "=", message.id)])
        jane_send = sends.filtered(lambda send: send.partner_id == self.customer)
        raj_send = sends - jane_send
        self.assertEqual((len(jane_send), len(raj_send)), (1, 1))
        self.assertEqual(sends.mapped("state"), ["sent", "sent"])
        return message, jane_send, raj_send

    def _send_template(self):
        with self.mock_mail_gateway():
            self.template.send_mail(self.customer.id, force_send=True)
        send = self.env["partner.email.send"].search([("partner_id", "=", self.customer.id)])
        self.assertRecordValues(send, [{"state": "sent", "subject": "Your order has shipped"}])
        return send

    def _note(self, send):
        return self.env["partner.connection.note"].search([("send_id", "=", send.id)])

    def test_permanent_failure_fails_that_contact_only(self):
        message, jane_send, raj_send = self._post_to_both()
        self._bounce_report(self._sent_email(self.customer.email), self._recipient(self.customer.email))

        expected = (
            "5.1.1 smtp; 550 5.1.1 <jane.customer@example.com>: Recipient address rejected: "
            "User unknown in virtual mailbox table"
        )
        self.assertRecordValues(
            jane_send, [{"state": "failed", "failure_reason": expected, "deferred_reason": False}]
        )
        self.assertRecordValues(self._note(jane_send), [{"state": "failed", "failure_reason": expected}])
        self.assertRecordValues(raj_send, [{"state": "sent", "failure_reason": False}])
        self.assertEqual(self._note(raj_send).state, "sent")
        # Odoo's own bounce processing went on
        notifications = message.notification_ids
        self.assertEqual(
            notifications.filtered(lambda n: n.res_partner_id == self.customer).notification_status, "bounce"
        )
        self.assertEqual(self.customer.message_bounce, 1)

    def test_one_report_for_two_recipients(self):
        _message, jane_send, raj_send = self._post_to_both()
        self._bounce_report(
            self._sent_email(self.customer.email),
            self._recipient(self.customer.email),
            self._recipient(self.customer_2.email, "delayed", "4.4.1", MAILBOX_BUSY),
        )
        self.assertEqual(jane_send.state, "failed")
        self.assertRecordValues(
            raj_send,
            [
                {
                    "state": "sent",
                    "failure_reason": False,
                    "deferred_reason": "4.4.1 smtp; 451 4.4.1 <raj@example.com>: try again later",
                }
            ],
        )

    def test_template_email_deferred_then_bounced(self):
        send = self._send_template()
        sent = self._sent_email(self.customer.email)
        delayed = self._recipient(self.customer.email, "delayed", "4.4.1", MAILBOX_BUSY)

        self._bounce_report(sent, delayed, subject="Delayed Mail (still being retried)")
        deferral = "4.4.1 smtp; 451 4.4.1 <jane.customer@example.com>: try again later"
        self.assertRecordValues(
            send, [{"state": "sent", "failure_reason": False, "deferred_reason": deferral}]
        )
        self.assertEqual(self._note(send).state, "sent")

        self._bounce_report(sent, self._recipient(self.customer.email))
        self.assertEqual(send.state, "failed")
        self.assertIn("User unknown", send.failure_reason)

        self._bounce_report(sent, delayed, subject="Delayed Mail (still being retried)")
        self.assertEqual(send.state, "failed", "a later deferral does not revive a failed email")

    def test_bounce_without_report_fails_with_its_text(self):
        _message, jane_send, raj_send = self._post_to_both()
        self._bounce_plain(self._sent_email(self.customer_2.email), self.customer_2.email)

        self.assertRecordValues(
            raj_send,
            [
                {
                    "state": "failed",
                    "failure_reason": "Hi. This is the mail delivery program at mx.example.net.\n"
                    "I could not deliver your message to the following address:\n"
                    "<raj@example.com>: mailbox is full, quota exceeded",
                }
            ],
        )
        self.assertEqual(jane_send.state, "sent", "the bounce names another recipient")

    def test_bounce_without_report_of_a_single_recipient(self):
        send = self._send_template()
        self._bounce_plain(self._sent_email(self.customer.email), "postmaster@example.com")
        self.assertEqual(send.state, "failed")
        self.assertIn("mailbox is full", send.failure_reason)

    def test_report_without_status_keeps_its_explanation(self):
        send = self._send_template()
        recipient = f"\nFinal-Recipient: rfc822; {self.customer.email}\nAction: failed\n"
        self._bounce_report(self._sent_email(self.customer.email), recipient)
        self.assertRecordValues(
            send,
            [
                {
                    "state": "failed",
                    "failure_reason": "This is the mail system at host mx.example.net.\n"
                    "Your message could not be delivered to one or more recipients.",
                }
            ],
        )

    def test_bounce_of_another_email_changes_nothing(self):
        send = self._send_template()
        sent = dict(self._sent_email(self.customer.email), message_id="<unknown-1@elsewhere.example.com>")
        self._bounce_report(sent, self._recipient(self.customer.email))
        self.assertRecordValues(send, [{"state": "sent", "failure_reason": False}])

    def test_history_error_never_breaks_odoo_bounce_processing(self):
        message, jane_send, _raj_send = self._post_to_both()
        with (
            patch.object(PartnerEmailSend, "_mark_failed", side_effect=RuntimeError("boom")),
            self.assertLogs("odoo.addons.partner_email_history.models.mail_thread", "ERROR") as logs,
        ):
            self._bounce_report(self._sent_email(self.customer.email), self._recipient(self.customer.email))
        self.assertIn("could not record the bounce", logs.output[0])
        self.assertEqual(jane_send.state, "sent")
        self.assertIn("bounce", message.notification_ids.mapped("notification_status"))


@tagged("post_install", "-at_install")
class TestMassMailingBounce(BounceMixin, MailCommon):
    """Runs only on a database where mass_mailing is installed beside the addon."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if "mailing.mailing" not in cls.env:
            return
        cls.contacts = cls.env["res.partner"].create(
            [{"name": f"Contact {i}", "email": f"contact{i}@example.com"} for i in range(2)]
        )
        cls.mailing = cls.env["mailing.mailing"].create(
            {
                "name": "Spring newsletter",
                "subject": "Our spring collection",
                "body_html": "<p>Hello, discover our spring collection.</p>",
                "mailing_model_id": cls.env["ir.model"]._get_id("res.partner"),
                "mailing_domain": repr([("id", "in", cls.contacts.ids)]),
            }
        )

    def setUp(self):
        super().setUp()
        if "mailing.mailing" not in self.env:
            self.skipTest("mass_mailing not installed: its integration is tested on a database with it")

    def test_mailing_bounce_fails_the_send_and_odoo_traces_it(self):
        with self.mock_mail_gateway():
            self.mailing.action_send_mail()
        sends = self.env["partner.email.send"].search([("partner_id", "in", self.contacts.ids)])
        bounced, delivered = (
            sends.filtered(lambda s, c=contact: s.partner_id == c) for contact in self.contacts
        )
        self.assertEqual(sends.mapped("state"), ["sent", "sent"])

        with mute_logger("odoo.addons.mail.models.mail_thread"):
            self._bounce_report(
                self._sent_email(self.contacts[0].email), self._recipient(self.contacts[0].email)
            )

        self.assertRecordValues(
            bounced,
            [
                {
                    "state": "failed",
                    "failure_reason": "5.1.1 smtp; 550 5.1.1 <contact0@example.com>: Recipient address "
                    "rejected: User unknown in virtual mailbox table",
                }
            ],
        )
        self.assertEqual(delivered.state, "sent")
        traces = self.env["mailing.trace"].search([("mass_mailing_id", "=", self.mailing.id)])
        trace_of = {trace.mail_mail_id_int: trace for trace in traces}
        self.assertEqual(trace_of[bounced.mail_mail_id].trace_status, "bounce")
        self.assertEqual(trace_of[delivered.mail_mail_id].trace_status, "sent")


def _parse(raw, policy=email.policy.SMTP):
    return email.message_from_string(raw, policy=policy)


class TestDsnParsing(BaseCase):
    def _report(self, *recipients, status_part="Content-Type: message/delivery-status"):
        raw = REPORT.format(
            to="bounce@example.com",
            subject="Undelivered",
            report_id=1,
            recipients="".join(recipients),
            original_headers="Message-Id: <original@example.com>\nSubject: Hello",
        )
        return raw.replace("Content-Type: message/delivery-status", status_part)

    def test_every_recipient_in_report_order(self):
        raw = self._report(
            RECIPIENT.format(
                address="Raj@Example.com",
                action="Failed",
                status="5.1.1",
                diagnostic=UNKNOWN_USER.format(address="Raj@Example.com"),
            ),
            RECIPIENT.format(address="ann@example.com", action="delayed", status="4.4.1", diagnostic="x"),
        )
        for policy in (email.policy.SMTP, email.policy.compat32):
            with self.subTest(policy=policy):
                first, second = recipient_statuses(_parse(raw, policy))
                self.assertEqual(
                    (first.final_recipient, first.original_recipient, first.action, first.status),
                    ("Raj@Example.com", "Raj@Example.com", "failed", "5.1.1"),
                )
                self.assertEqual(
                    first.diagnostic_code,
                    "smtp; 550 5.1.1 <Raj@Example.com>: Recipient address rejected: User unknown in virtual "
                    "mailbox table",
                )
                self.assertTrue(first.is_failed)
                self.assertFalse(first.is_delayed)
                self.assertEqual(first.addresses, {"Raj@Example.com"})
                self.assertEqual(second.server_text, "4.4.1 x")
                self.assertTrue(second.is_delayed)
                self.assertFalse(second.is_failed)

    def test_action_decides_then_status_class(self):
        block = "\nFinal-Recipient: rfc822; a@example.com\n{fields}\n"
        cases = [
            ("Action: failed\nStatus: 4.4.7", True, False),  # the server gave up retrying
            ("Action: delayed\nStatus: 4.4.1", False, True),
            ("Status: 5.2.2", True, False),
            ("Status: 4.2.2", False, True),
            ("Action: delivered\nStatus: 2.0.0", False, False),
            ("Action: relayed\nStatus: 2.0.0", False, False),
        ]
        for fields, is_failed, is_delayed in cases:
            with self.subTest(fields=fields):
                [status] = recipient_statuses(_parse(self._report(block.format(fields=fields))))
                self.assertEqual((status.is_failed, status.is_delayed), (is_failed, is_delayed))

    def test_server_text_without_diagnostic(self):
        raw = self._report("\nFinal-Recipient: rfc822; a@example.com\nAction: failed\nStatus: 5.0.0\n")
        [status] = recipient_statuses(_parse(raw))
        self.assertEqual((status.server_text, status.original_recipient), ("5.0.0", ""))

    def test_global_report_read_from_its_text(self):
        raw = self._report(
            RECIPIENT.format(
                address="zoë@example.com", action="failed", status="5.1.1", diagnostic="smtp; 550"
            ),
            status_part="Content-Type: message/global-delivery-status; charset=utf-8",
        )
        [status] = recipient_statuses(_parse(raw))
        self.assertEqual((status.final_recipient, status.server_text), ("zoë@example.com", "5.1.1 smtp; 550"))

    def test_no_report(self):
        self.assertEqual(recipient_statuses(_parse(PLAIN_BOUNCE)), [])
        self.assertEqual(recipient_statuses(_parse("Subject: hi\n\nhello\n")), [])

    def test_excerpt_is_the_explanation_not_the_returned_email(self):
        raw = PLAIN_BOUNCE.format(
            to="bounce@example.com",
            report_id=1,
            address="raj@example.com",
            original_headers="Subject: Hello\nContent-Type: text/plain",
        )
        self.assertEqual(
            bounce_excerpt(_parse(raw)),
            "Hi. This is the mail delivery program at mx.example.net.\n"
            "I could not deliver your message to the following address:\n"
            "<raj@example.com>: mailbox is full, quota exceeded",
        )
        self.assertEqual(
            bounce_excerpt(_parse(self._report())),
            "This is the mail system at host mx.example.net.\n"
            "Your message could not be delivered to one or more recipients.",
        )

    def test_excerpt_of_html_and_long_text(self):
        html = "Content-Type: text/html\n\n<p>Delivery <b>failed</b>:</p><p>no such user</p>\n"
        self.assertEqual(bounce_excerpt(_parse(html)), "Delivery *failed*:\nno such user")
        long_text = "Subject: x\n\n" + "\n".join(f"line {i}" for i in range(30))
        self.assertEqual(bounce_excerpt(_parse(long_text)).splitlines(), [f"line {i}" for i in range(10)])
        self.assertEqual(bounce_excerpt(_parse("Subject: x\n\n\n")), "")
