import re
from unittest.mock import patch

from odoo.addons.mail.tests.common import MailCommon
from odoo.tests import HttpCase, tagged

from ..models.mail_mail import TRACKING_ENABLED_PARAM
from ..tools import CLICK_PATH, OPEN_PATH
from .customer_common import PersonBrowserMixin

SHOP_URL = "https://shop.example.com/spring?ref=newsletter"


@tagged("post_install", "-at_install")
class TestMassMailingTracking(MailCommon, PersonBrowserMixin, HttpCase):
    """Runs only on a database where mass_mailing is installed beside the addon."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if "mailing.mailing" not in cls.env:
            return
        cls.contacts = cls.env["res.partner"].create(
            [{"name": f"Contact {i}", "email": f"contact{i}@example.com"} for i in range(3)]
        )
        cls.campaign = cls.env["utm.campaign"].create({"title": "Spring Sale"})
        cls.mailing = cls.env["mailing.mailing"].create(
            {
                "name": "Spring newsletter",
                "subject": "Our spring collection",
                "body_html": f"<div><p>Hello, discover <a href='{SHOP_URL}'>the collection</a>.</p>"
                "<p><a href='/unsubscribe_from_list'>Unsubscribe</a></p></div>",
                "mailing_model_id": cls.env["ir.model"]._get_id("res.partner"),
                "mailing_domain": repr([("id", "in", cls.contacts.ids)]),
                "campaign_id": cls.campaign.id,
            }
        )

    def setUp(self):
        super().setUp()
        if "mailing.mailing" not in self.env:
            self.skipTest("mass_mailing not installed: its integration is tested on a database with it")

    def _send_mailing(self):
        with self.mock_mail_gateway():
            self.mailing.action_send_mail()
        return self.env["partner.email.send"].search([("partner_id", "in", self.contacts.ids)])

    def test_mailing_creates_campaign_sends_with_one_tracking_layer(self):
        sends = self._send_mailing()
        self.assertEqual(len(sends), 3)
        self.assertEqual(sends.partner_id, self.contacts)
        for send in sends:
            self.assertRecordValues(
                send,
                [
                    {
                        "connection_type": "campaign",
                        "campaign_id": self.campaign.id,
                        "subject": "Our spring collection",
                        "state": "sent",
                        "link_urls": [SHOP_URL],
                        "untracked_reason": False,
                    }
                ],
            )
        self.assertEqual(len(self._mails), 3)
        for sent in self._mails:
            body = sent["body"]
            send = sends.filtered(lambda s, sent=sent: s.partner_id.email in sent["email_to"][0])
            self.assertEqual(body.count("<img"), 1, "exactly one pixel")
            self.assertIn(f"{OPEN_PATH}{send._get_open_token()}.gif", body)
            self.assertNotIn("/mail/track/", body, "no second pixel from mass_mailing")
            self.assertEqual(
                re.findall(r'href="[^"]*/email_history/c/([^"?]+)', body), [send._get_click_token(0)]
            )
            self.assertNotRegex(body, r"/r/\w+", "links are not also wrapped by the link tracker")
            self.assertRegex(
                body,
                rf'href="[^"]*/mailing/{self.mailing.id}/\w*unsubscribe\?',
                "the unsubscribe link is Odoo's, untracked",
            )

    def _settle_and_sync(self):
        """Let the clicks settle (a scanner's burst has arrived) and run the sync job."""
        self.env.cr.execute("UPDATE partner_email_click SET clicked_at = clicked_at - interval '1 minute'")
        self.env["partner.email.tracking.sync"]._sync_batch()
        self.env.invalidate_all()

    def _mailing_numbers(self, mailing):
        mailing.invalidate_recordset()
        link = self.env["link.tracker"].search([("mass_mailing_id", "=", mailing.id), ("url", "=", SHOP_URL)])
        traces = mailing.mailing_trace_ids
        return {
            "opened": mailing.opened,
            "clicked": mailing.clicked,
            "opened_ratio": mailing.opened_ratio,
            "clicks_ratio": mailing.clicks_ratio,
            "link clicks": link.count,
            "tracker clicks with trace": self.env["link.tracker.click"].search_count(
                [("mass_mailing_id", "=", mailing.id), ("mailing_trace_id", "!=", False)]
            ),
            "statuses": sorted(traces.mapped("trace_status")),
            "clicked traces": len(traces.filtered("links_click_datetime")),
        }

    def test_open_and_click_seen_by_both(self):
        sends = self._send_mailing()
        traces = self.env["mailing.trace"].search([("mass_mailing_id", "=", self.mailing.id)])
        self.assertEqual(sorted(traces.mapped("mail_mail_id_int")), sorted(sends.mapped("mail_mail_id")))
        self.assertEqual(sorted(sends.mapped("mailing_trace_id")), sorted(traces.ids))
        opened, clicked, untouched = sends

        self.url_open(f"{OPEN_PATH}{opened._get_open_token()}.gif")
        response = self.url_open(f"{CLICK_PATH}{clicked._get_click_token(0)}", allow_redirects=False)
        self.assertEqual(response.headers["Location"], SHOP_URL)
        Trace = type(self.env["mailing.trace"])
        with patch.object(Trace, "set_clicked", autospec=True, side_effect=Trace.set_clicked) as set_clicked:
            self._settle_and_sync()
        set_clicked.assert_called()

        self.assertEqual(opened.open_count, 1)
        self.assertTrue(opened.opened_at)
        self.assertEqual(clicked.click_ids.url, SHOP_URL)
        self.assertTrue(clicked.opened_at)
        self.assertFalse(untouched.opened_at)
        trace_of = {trace.mail_mail_id_int: trace for trace in traces}
        self.assertEqual(trace_of[opened.mail_mail_id].trace_status, "open")
        self.assertTrue(trace_of[opened.mail_mail_id].open_datetime)
        self.assertFalse(trace_of[opened.mail_mail_id].links_click_datetime)
        self.assertEqual(trace_of[clicked.mail_mail_id].trace_status, "open")
        self.assertTrue(trace_of[clicked.mail_mail_id].links_click_datetime)
        self.assertEqual(trace_of[untouched.mail_mail_id].trace_status, "sent")
        self.assertEqual((self.mailing.opened, self.mailing.clicked), (2, 1))
        self.assertEqual(self.campaign.click_count, 1)

        # The same mailing tracked by Odoo alone gives the same numbers.
        self.env["ir.config_parameter"].set_param(TRACKING_ENABLED_PARAM, "0")
        odoo_mailing = self.mailing.copy({"name": "Spring newsletter, Odoo's tracking"})
        with self.mock_mail_gateway():
            odoo_mailing.action_send_mail()
        bodies = {sent["email_to"][0]: sent["body"] for sent in self._mails}
        opener, clicker = (bodies[next(to for to in bodies if c.email in to)] for c in self.contacts[:2])
        self.url_open(re.search(r'src="([^"]*/mail/track/[^"]+)"', opener)[1])
        odoo_click = re.search(r'href="([^"]*/r/\w+/m/\d+)"', clicker)[1]
        self.assertEqual(self.url_open(odoo_click, allow_redirects=False).status_code, 301)
        self.env.invalidate_all()
        self.assertEqual(self._mailing_numbers(self.mailing), self._mailing_numbers(odoo_mailing))

    def test_machine_open_does_not_open_the_trace(self):
        sends = self._send_mailing()
        self.url_open(f"{OPEN_PATH}{sends[0]._get_open_token()}.gif", headers={"User-Agent": "Mozilla/5.0"})
        self._settle_and_sync()
        self.assertFalse(sends[0].opened_at)
        self.assertEqual(self.mailing.mailing_trace_ids.mapped("trace_status"), ["sent"] * 3)

    def test_opted_out_contact_untracked_by_any_layer(self):
        objecting = self.contacts[0]
        objecting.email_tracking_opt_out = True
        sends = self._send_mailing()
        send = sends.filtered(lambda s: s.partner_id == objecting)
        self.assertEqual(send.state, "sent", "still listed")
        self.assertEqual(send.untracked_reason, "contact opted out")
        [body] = [sent["body"] for sent in self._mails if objecting.email in sent["email_to"][0]]
        self.assertNotIn("/email_history/", body)
        self.assertNotIn("/mail/track/", body, "no pixel of Odoo's either")
        self.assertNotRegex(body, r"/r/\w+", "no link tracker link either")
        self.assertIn(SHOP_URL.replace("&", "&amp;"), body, "the link as written")
        others = (sends - send).filtered(lambda s: s.link_urls == [SHOP_URL])
        self.assertEqual(len(others), 2, "the other contacts are tracked")
