from odoo.tests import BaseCase

from ..tools.email_title import title_from_body


class TestEmailTitle(BaseCase):
    def test_first_words_with_ellipsis(self):
        body = "<p>Hello Tom,</p><p>here is the <b>quotation</b> we talked about on the phone today.</p>"
        self.assertEqual(title_from_body(body), "Hello Tom, here is the quotation we talked…")

    def test_short_body_whole(self):
        self.assertEqual(title_from_body("<p>Thanks!</p>"), "Thanks!")

    def test_no_text(self):
        for body in ("", False, None, "<p><br></p>", "<img src='x.png'/>"):
            with self.subTest(body=body):
                self.assertEqual(title_from_body(body), "")
