from odoo.tests import BaseCase, TransactionCase, tagged

from ..models.partner_email_send import RECENT_LINK_TARGETS
from ..tools import ExpiringCache


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


class TestExpiringCache(BaseCase):
    def test_entries_expire(self):
        clock = FakeClock()
        cache = ExpiringCache(size=10, ttl=60, clock=clock)
        cache.put("a", (1,))
        clock.now += 59
        self.assertEqual(cache.get("a"), (1,))
        clock.now += 1
        self.assertIsNone(cache.get("a"))

    def test_oldest_forgotten_when_full(self):
        cache = ExpiringCache(size=2, ttl=60, clock=FakeClock())
        for key in "abc":
            cache.put(key, key.upper())
        self.assertEqual([cache.get(key) for key in "abc"], [None, "B", "C"])
        cache.clear()
        self.assertIsNone(cache.get("c"))


@tagged("post_install", "-at_install")
class TestRecentLinkTargets(TransactionCase):
    """A link scanner (or a person) clicking several links of one email reads its targets once."""

    def setUp(self):
        super().setUp()
        RECENT_LINK_TARGETS.clear()
        self.addCleanup(RECENT_LINK_TARGETS.clear)
        partner = self.env["res.partner"].create({"name": "Ada Reader", "email": "ada@example.com"})
        self.sends = self.env["partner.email.send"]
        self.send = self.sends.create({"partner_id": partner.id, "subject": "Spring offers", "state": "sent"})
        self.send._store_links({self.send.id: ["https://shop.example.com/a", "https://shop.example.com/b"]})

    def test_targets_of_one_email_read_once(self):
        with self.assertQueryCount(1):
            self.assertEqual(self.sends._get_link_target(self.send.id, 0), "https://shop.example.com/a")
        with self.assertQueryCount(0):
            self.assertEqual(self.sends._get_link_target(self.send.id, 1), "https://shop.example.com/b")
            self.assertIsNone(self.sends._get_link_target(self.send.id, 2), "no such link")

    def test_missing_email_is_not_remembered(self):
        missing_id = self.send.id + 1000
        with self.assertQueryCount(2):
            self.assertIsNone(self.sends._get_link_target(missing_id, 0))
            self.assertIsNone(self.sends._get_link_target(missing_id, 0))
