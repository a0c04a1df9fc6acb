from datetime import datetime

from dateutil.relativedelta import relativedelta

from odoo.tests import TransactionCase, tagged
from odoo.tools import convert_file

DEMO_FILE = "demo/partner_email_history_demo.xml"
DEMO_PARTNERS = ("demo_partner_emma", "demo_partner_raj", "demo_partner_sofia")


@tagged("post_install", "-at_install")
class TestPartnerEmailDemo(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        module = cls.env["ir.module.module"]._get("partner_email_history")
        if not module.demo:
            # database without demo data: load the file here, so its content is checked anyway
            convert_file(cls.env, "partner_email_history", DEMO_FILE, {}, mode="init")
        cls.partners = cls.env["res.partner"].browse(
            [cls.env.ref(f"partner_email_history.{xmlid}").id for xmlid in DEMO_PARTNERS]
        )
        cls.sends = cls.partners.email_send_ids
        cls.notes = cls.partners.connection_note_ids

    def test_every_demo_contact_has_a_history(self):
        for partner in self.partners:
            with self.subTest(partner=partner.name):
                self.assertGreaterEqual(partner.email_send_count, 3)
                self.assertTrue(partner.email_click_ids)
                self.assertTrue(partner.connection_note_ids.filtered(lambda n: n.direction == "received"))

    def test_campaign_sends_over_several_months(self):
        campaign_sends = self.sends.filtered("campaign_id")
        self.assertGreaterEqual(len(campaign_sends.campaign_id), 3)
        now = datetime.now()
        sent_at = campaign_sends.mapped("sent_at")
        self.assertLess(min(sent_at), now - relativedelta(months=4))
        self.assertGreater(max(sent_at), now - relativedelta(months=1))
        self.assertTrue(all(date < now for date in sent_at + self.notes.mapped("date")))

    def test_opens_match_first_open(self):
        opened = self.sends.filtered("open_ids")
        self.assertTrue(opened.filtered(lambda send: send.open_count > 1), "some emails opened twice")
        for send in self.sends:
            with self.subTest(send=send.display_name):
                first_open = min(send.open_ids.mapped("opened_at"), default=False)
                self.assertEqual(send.opened_at, first_open)
                if first_open:
                    self.assertGreater(first_open, send.sent_at)
                    self.assertEqual(send.state, "sent")

    def test_clicks_on_links_of_their_email(self):
        clicks = self.partners.email_click_ids
        self.assertGreaterEqual(len(set(clicks.mapped("url"))), 4)
        for click in clicks:
            with self.subTest(url=click.url):
                self.assertGreaterEqual(click.clicked_at, click.send_id.opened_at)

    def test_failed_sends_carry_the_server_answer(self):
        reasons = self.sends.filtered(lambda send: send.state == "failed").mapped("failure_reason")
        self.assertIn("550 5.1.1 <r.patel@example.com>: Recipient address rejected: User unknown", reasons)
        self.assertIn("421 4.7.0 Try again later, closing connection.", reasons)

    def test_notes_of_every_connection_type(self):
        connection_types = self.env["partner.connection.note"]._fields["connection_type"].get_values(self.env)
        self.assertEqual(set(self.notes.mapped("connection_type")), set(connection_types))
        self.assertEqual(set(self.notes.mapped("direction")), {"sent", "received"})
        for note in self.notes.filtered("send_id"):
            with self.subTest(note=note.title):
                self.assertEqual(note.partner_id, note.send_id.partner_id)
                self.assertEqual(note.title, note.send_id.subject)
                self.assertEqual(note.connection_type, note.send_id.connection_type)
        self.assertEqual(self.notes.send_id, self.sends, "every tracked email has its connection note")
