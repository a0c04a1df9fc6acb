from odoo.tests import BaseCase

from ..tools import is_redirect_target, redact_url


class TestUrlSafety(BaseCase):
    def test_secrets_removed_from_what_users_read(self):
        cases = {
            "https://a.example.com/my/orders/7?access_token=x&report_type=pdf": (
                "https://a.example.com/my/orders/7?report_type=pdf"
            ),
            "https://a.example.com/mail/view?model=sale.order&res_id=7&access_token=x&pid=3&hash=h": (
                "https://a.example.com/mail/view?model=sale.order&res_id=7"
            ),
            "https://a.example.com/web/signup?db=prod&signup_token=x&redirect=%2Fmy": (
                "https://a.example.com/web/signup?redirect=%2Fmy"
            ),
            "https://a.example.com/x?api_key=k&ApiSecret=s&session_sig=z&page=2": "https://a.example.com/x?page=2",
            "https://a.example.com/reset#token=abc&step=2": "https://a.example.com/reset#step=2",
            "https://a.example.com/plain?page=2&q=a+b": "https://a.example.com/plain?page=2&q=a+b",
            "https://a.example.com/": "https://a.example.com/",
        }
        for url, shown in cases.items():
            with self.subTest(url=url):
                self.assertEqual(redact_url(url), shown)

    def test_redirect_targets(self):
        for url in ("https://a.example.com/x?y=1", "http://a.example.com", "HTTPS://A.example.com:8443/p q"):
            with self.subTest(url=url):
                self.assertTrue(is_redirect_target(url))
        for url in (
            None,
            "",
            "javascript:alert(1)",
            "data:text/html,x",
            "//evil.example.com/",
            "/relative",
            "https:///nohost",
            "https://a.example.com/\r\nSet-Cookie: x",
            "https://a.example.com/\x00",
            "https://a.example.com:99999999/",
            "ftp://a.example.com/",
        ):
            with self.subTest(url=url):
                self.assertFalse(is_redirect_target(url))
