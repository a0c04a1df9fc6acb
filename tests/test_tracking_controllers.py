from datetime import timedelta
from urllib.parse import quote

from odoo.tests import HttpCase, tagged

from ..controllers.main import PIXEL_GIF
from .customer_common import CustomerMixin, PersonBrowserMixin

OFFER_URL = "https://shop.example.com/offer?utm_source=mail&a=1&b=two%20words#top"
NEWS_URL = "https://blog.example.com/news"


@tagged("post_install", "-at_install")
class TestTrackingControllers(CustomerMixin, PersonBrowserMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.send, cls.other_send = cls.env["partner.email.send"].create(
            [
                {
                    "partner_id": cls.customer.id,
                    "campaign_id": cls.campaign.id,
                    "subject": subject,
                    "state": "sent",
                    "connection_type": "campaign",
                }
                for subject in ("Spring offers", "Summer offers")
            ]
        )
        cls.env["partner.email.send"]._store_links(
            {send.id: [OFFER_URL, NEWS_URL] for send in cls.send + cls.other_send}
        )

    def _open(self, token):
        return self.url_open(f"/email_history/o/{token}.gif")

    def _click(self, token):
        return self.url_open(f"/email_history/c/{token}", allow_redirects=False)

    def _recorded(self):
        self.env.invalidate_all()
        sends = self.send + self.other_send
        return {
            "opens": len(sends.open_ids),
            "clicks": len(sends.click_ids),
            "opened_at": sends.mapped("opened_at"),
        }

    def assertPixel(self, response):
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "image/gif")
        self.assertEqual(response.headers["Cache-Control"], "no-store")
        self.assertEqual(response.content, PIXEL_GIF)
        self.assertNotIn("Set-Cookie", response.headers)

    def test_open_records_first_time_and_count(self):
        self.assertPixel(self._open(self.send._get_open_token()))
        self.env.invalidate_all()
        self.assertTrue(self.send.opened_at)
        self.assertEqual(self.send.open_count, 1)
        self.assertFalse(self.other_send.opened_at)

        # an open long ago stays the first one
        self.env["partner.email.open"].create({"send_id": self.send.id, "opened_at": "2026-01-02 03:04:05"})
        self.assertPixel(self._open(self.send._get_open_token()))
        self.env.invalidate_all()
        self.assertEqual(self.send.open_count, 3)
        self.assertEqual(str(self.send.opened_at), "2026-01-02 03:04:05")

    def test_click_redirects_records_and_opens(self):
        response = self._click(self.send._get_click_token(0))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(response.headers["Location"], OFFER_URL)
        self.assertEqual(response.headers["Cache-Control"], "no-store")
        self.env.invalidate_all()
        click = self.send.click_ids
        self.assertRecordValues(
            click, [{"url": OFFER_URL, "partner_id": self.customer.id, "campaign_id": self.campaign.id}]
        )
        self.assertTrue(click.clicked_at)
        self.assertEqual(self.send.opened_at, click.clicked_at, "a person's click means the email was opened")
        self.assertEqual(self.send.open_count, 0, "the opens counted are the pixel's")

        click.clicked_at = click.clicked_at - timedelta(minutes=1)  # a person reads before clicking again
        response = self._click(self.send._get_click_token(1))
        self.assertEqual(response.headers["Location"], NEWS_URL)
        self.env.invalidate_all()
        self.assertEqual(sorted(self.send.click_ids.mapped("url")), [NEWS_URL, OFFER_URL])
        self.assertFalse(any(self.send.click_ids.mapped("is_machine")))
        self.assertEqual(self.send.click_count, 2)

    def test_invalid_tokens_record_nothing(self):
        open_token = self.send._get_open_token()
        click_token = self.send._get_click_token(0)
        invalid = {
            "forged": open_token[:-22] + "A" * 22,
            "truncated": open_token[:-1],
            "empty": "",
            "oversized": "a" * 10_000,
            "non-ascii": quote("é") + open_token[1:],
            "other send's signature": self.other_send._get_open_token()[:-22] + open_token[-22:],
            "with a slash": f"{open_token}/x",
        }
        before = self._recorded()
        for label, token in invalid.items():
            with self.subTest(label):
                self.assertPixel(self._open(token))
                response = self._click(token.replace(open_token, click_token))
                self.assertEqual(response.status_code, 404)
                self.assertEqual(response.headers["Content-Type"], "text/plain; charset=utf-8")
                self.assertNotIn("Location", response.headers)
        self.assertPixel(self._open(click_token))
        self.assertEqual(self._click(open_token).status_code, 404)
        self.assertEqual(self._recorded(), before)

    def test_click_never_redirects_elsewhere(self):
        token = self.send._get_click_token(0)
        for query in ("?url=https://evil.example.com", "?redirect=https://evil.example.com&next=//evil"):
            response = self.url_open(f"/email_history/c/{token}{query}", allow_redirects=False)
            self.assertEqual(response.headers["Location"], OFFER_URL)
        # a signed index with no link behind it, or a deleted email: 404, nothing recorded
        before = self._recorded()
        self.assertEqual(self._click(self.send._get_click_token(2)).status_code, 404)
        deleted = self.send.copy()
        deleted._store_links({deleted.id: ["https://shop.example.com/"]})
        deleted_token = deleted._get_click_token(0)
        deleted.unlink()
        self.assertEqual(self._click(deleted_token).status_code, 404)
        self.assertPixel(self._open(self.other_send.browse(deleted.id)._get_open_token()))
        self.assertEqual(self._recorded(), before)
