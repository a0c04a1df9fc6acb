from odoo.tests import HttpCase, tagged

from .customer_common import CustomerMixin, PersonBrowserMixin

GMAIL_PROXY = "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)"
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
LINKS = ["https://shop.example.com/a", "https://shop.example.com/b", "https://shop.example.com/c"]


@tagged("post_install", "-at_install")
class TestMachineTracking(CustomerMixin, PersonBrowserMixin, HttpCase):
    """People and machines told apart as each hit arrives, through the real routes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.send = cls.env["partner.email.send"].create(
            {"partner_id": cls.customer.id, "subject": "New season", "state": "sent"}
        )
        cls.send._store_links({cls.send.id: LINKS})

    def _open(self, user_agent):
        self.url_open(
            f"/email_history/o/{self.send._get_open_token()}.gif", headers={"User-Agent": user_agent}
        )
        self.env.invalidate_all()
        return self.send.open_ids.sorted("id")[-1]

    def _click(self, index, user_agent=None):
        headers = {"User-Agent": user_agent} if user_agent else {}
        url = f"/email_history/c/{self.send._get_click_token(index)}"
        response = self.url_open(url, allow_redirects=False, headers=headers)
        self.assertEqual(response.headers.get("Location"), LINKS[index], "machines reach the page too")
        self.env.invalidate_all()
        return self.send.click_ids.sorted("id")[-1]

    def test_apple_privacy_prefetch_is_no_open(self):
        prefetch = self._open("Mozilla/5.0")
        self.assertRecordValues(
            prefetch, [{"is_machine": True, "machine_reason": "Apple Mail Privacy Protection"}]
        )
        self.assertFalse(self.send.opened_at)
        self.assertEqual(self.send.open_count, 0, "a person's opens only")

    def test_image_proxy_is_the_person(self):
        opened = self._open(GMAIL_PROXY)
        self.assertFalse(opened.is_machine)
        self.assertEqual(self.send.opened_at, opened.opened_at)
        self.assertEqual(self.send.open_count, 1)

    def test_bots_and_libraries_click_as_machines(self):
        for user_agent, reason in ((GOOGLEBOT, "Googlebot"), ("python-requests/2.32.3", "python-requests")):
            with self.subTest(user_agent=user_agent):
                click = self._click(0, user_agent)
                self.assertTrue(click.is_machine)
                self.assertIn(reason, click.machine_reason)
        self.assertEqual(self.send.click_count, 0)
        self.assertFalse(self.send.opened_at)

    def test_three_links_at_once_are_a_scanner(self):
        clicks = [self._click(index) for index in range(3)]
        self.assertEqual([click.is_machine for click in clicks], [False] * 3, "left to the sync job")
        self.env.cr.execute(
            "UPDATE partner_email_click SET clicked_at = clicked_at - interval '1 minute' WHERE send_id = %s",
            [self.send.id],
        )
        self.env["partner.email.tracking.sync"]._sync_batch()
        self.env.invalidate_all()
        self.assertEqual(self.send.click_ids.mapped("is_machine"), [True] * 3)
        reasons = set(self.send.click_ids.mapped("machine_reason"))
        self.assertEqual(reasons, {"link scanner: 3 links within 1 s"})
        self.assertFalse(self.send.opened_at)
