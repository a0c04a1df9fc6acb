from odoo.tests import BaseCase

from ..tools import CLICK, OPEN, is_signed_target, make_token, parse_token
from ..tools.tracking_token import sign_target

SECRET = "a-database-secret"


class TestTrackingToken(BaseCase):
    def test_round_trip(self):
        self.assertEqual(parse_token(SECRET, OPEN, make_token(SECRET, OPEN, 42)), (42, 0))
        self.assertEqual(parse_token(SECRET, CLICK, make_token(SECRET, CLICK, 42, 3)), (42, 3))
        self.assertEqual(parse_token(SECRET, CLICK, make_token(SECRET, CLICK, 10**12, 0)), (10**12, 0))

    def test_tokens_are_distinct_and_url_safe(self):
        tokens = {make_token(SECRET, OPEN, send_id) for send_id in range(1, 50)}
        tokens |= {
            make_token(SECRET, CLICK, send_id, index) for send_id in range(1, 50) for index in range(3)
        }
        self.assertEqual(len(tokens), 49 * 4)
        for token in tokens:
            self.assertRegex(token, r"^[0-9a-zA-Z_-]+$")

    def test_invalid_tokens(self):
        open_token = make_token(SECRET, OPEN, 42)
        click_token = make_token(SECRET, CLICK, 42, 1)
        invalid = {
            "forged": "16" + "A" * 22,
            "truncated": open_token[:-1],
            "empty": "",
            "oversized": open_token + "a" * 10_000,
            "non-ascii": "é" + open_token[1:],
            "other secret": make_token("another-secret", OPEN, 42),
            "other id, same signature": "17" + open_token[2:],
            "leading zero": "0" + open_token,
            "none": None,
        }
        for label, token in invalid.items():
            with self.subTest(label):
                self.assertIsNone(parse_token(SECRET, OPEN, token))
        self.assertIsNone(parse_token(SECRET, CLICK, open_token), "an open token is no click token")
        self.assertIsNone(parse_token(SECRET, OPEN, click_token), "a click token is no open token")
        other_index = click_token.replace("-1", "-2", 1)
        self.assertIsNone(parse_token(SECRET, CLICK, other_index), "the link index is signed")

    def test_signed_target(self):
        url = "https://shop.example.com/new?a=1"
        signature = sign_target(SECRET, 42, 1, url)
        self.assertTrue(is_signed_target(SECRET, 42, 1, url, signature))
        for label, args in {
            "other target": (SECRET, 42, 1, url + "&b=2", signature),
            "other link": (SECRET, 42, 2, url, signature),
            "other email": (SECRET, 43, 1, url, signature),
            "other secret": ("another-secret", 42, 1, url, signature),
            "no target": (SECRET, 42, 1, None, signature),
            "no signature": (SECRET, 42, 1, url, None),
            "non-ascii signature": (SECRET, 42, 1, url, "é" + signature[1:]),
            "a click token as signature": (SECRET, 42, 1, url, make_token(SECRET, CLICK, 42, 1)[-22:]),
        }.items():
            with self.subTest(label):
                self.assertFalse(is_signed_target(*args))

    def test_tokens_keep_their_signature(self):
        # links already in inboxes: the signed message of a token never changes
        self.assertEqual(make_token("k", OPEN, 42), "16LNRfEbCXdsjbpqOCT9IEbg")
        self.assertEqual(make_token("k", CLICK, 42, 3), "16-3hhUeA2QlzHV098XFjMUd6Q")
