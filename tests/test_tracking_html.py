from odoo.tests import BaseCase

from ..tools import add_tracking, remove_tracking

PIXEL = "https://odoo.example.com/email_history/o/PIXEL.gif"


CLICK_PREFIX = "https://odoo.example.com/email_history/c/"


def click_url(index, url=None):
    return f"https://odoo.example.com/email_history/c/CLICK{index}"


class TestTrackingHtml(BaseCase):
    def track(self, body, **kwargs):
        return add_tracking(body, PIXEL, click_url, **kwargs)

    def test_document_pixel_at_end_of_body_and_links_rewritten(self):
        body = (
            "<!DOCTYPE html><html><head><style>p {color: red}</style></head><body>"
            "<p>Hello <a href='https://shop.example.com/sale?a=1&amp;b=2'>sale</a></p>"
            "<p><a href='http://blog.example.com/'>blog</a> "
            "<a href=' https://shop.example.com/sale?a=1&amp;b=2 '>again</a></p>"
            "<footer>bye</footer></body></html>"
        )
        tracked, urls = self.track(body)
        self.assertEqual(urls, ["https://shop.example.com/sale?a=1&b=2", "http://blog.example.com/"])
        self.assertTrue(tracked.startswith("<!DOCTYPE html>"))
        self.assertIn("<style>p {color: red}</style>", tracked)
        self.assertEqual(tracked.count(PIXEL), 1)
        self.assertRegex(tracked, rf"<footer>bye</footer><img src=\"{PIXEL}\"[^>]*></body></html>$")
        self.assertEqual(tracked.count(click_url(0)), 2, "the same URL keeps one index")
        self.assertEqual(tracked.count(click_url(1)), 1)
        self.assertNotIn("shop.example.com", tracked)
        self.assertNotIn("blog.example.com", tracked)

    def test_fragment_pixel_appended(self):
        tracked, urls = self.track("Hi<p>one <a href='https://example.com'>x</a></p>tail")
        self.assertEqual(urls, ["https://example.com"])
        self.assertTrue(tracked.startswith("Hi<p>one "))
        self.assertIn(f"<a href='{click_url(0)}'>x</a></p>tail<img src=\"{PIXEL}\"", tracked)
        self.assertEqual(tracked.count("<img"), 1)

    def test_links_left_alone(self):
        untouched = [
            "mailto:jane@example.com",
            "tel:+3225550100",
            "#section-2",
            "/shop/relative",
            "shop/no-scheme",
            "ftp://files.example.com/doc.pdf",
            "javascript:void(0)",
            "https://odoo.example.com/unsubscribe_from_list",
            "https://odoo.example.com/view",
            "https://odoo.example.com/mailing/3/unsubscribe?email=a%40b.c&hash_token=x",
            "https://odoo.example.com/mailing/3/view?email=a%40b.c&hash_token=x",
            "https://odoo.example.com/mail/unfollow?model=res.partner&res_id=1",
            "https://odoo.example.com/r/Ab3x",
            "https://odoo.example.com/r/Ab3x/m/12",
            "https://odoo.example.com/email_history/c/alreadyTRACKED",
            "https://other-db.example.com/email_history/c/alreadyTRACKED",
        ]
        links = "".join(f'<a href="{href}">l{i}</a>' for i, href in enumerate(untouched))
        body = f"<p>{links}</p>"
        tracked, urls = self.track(body)
        self.assertEqual(urls, [])
        for href in untouched:
            self.assertIn(f'href="{href}"', tracked, "as the source wrote it")
        self.assertEqual(tracked.count(PIXEL), 1)

    def test_unsafe_and_portal_links_left_alone(self):
        untouched = [
            "https://shop.example.com/a&#13;&#10;Set-Cookie:x=1",
            "https://shop.example.com/tab&#9;inside",
            "https:///no-host",
            "https://odoo.example.com/my/orders/7?access_token=abc",
            "https://odoo.example.com/mail/view?model=sale.order&amp;res_id=7&amp;access_token=abc",
            "https://odoo.example.com/web/signup?signup_token=abc",
        ]
        tracked, urls = self.track("".join(f'<a href="{href}">x</a>' for href in untouched))
        self.assertEqual(urls, [])
        self.assertNotIn(CLICK_PREFIX, tracked)

    def test_external_link_with_secret_tracked(self):
        tracked, urls = self.track('<a href="https://pay.example.com/?access_token=abc&amp;ref=7">pay</a>')
        self.assertEqual(
            urls, ["https://pay.example.com/?access_token=abc&ref=7"], "the target is kept whole"
        )
        self.assertIn(click_url(0), tracked)

    def test_own_paths_on_another_host_are_tracked(self):
        tracked, urls = self.track('<a href="https://www.example.org/view">our page</a>')
        self.assertEqual(urls, ["https://www.example.org/view"])
        self.assertIn(click_url(0), tracked)

    def test_plain_text_unchanged(self):
        for body in ("", "Hello, see https://example.com", False):
            self.assertEqual(self.track(body), (body, []))

    def test_body_kept_as_written(self):
        body = (
            "<?xml version='1.0' encoding='utf-8'?>\n<!DOCTYPE html><html><body>"
            '<!--[if mso]><v:roundrect href="https://shop.example.com/mso"/><![endif]-->'
            "<p title=\"a > b\" data-href='https://x.example.com/'>caf&eacute; &amp; tea \x00</p>"
            "<a class=btn href=https://shop.example.com/x?a=1&b=2 >unquoted</a>"
            "<A HREF='/mail/unfollow?model=a&res_id=1&pid=2&token=t'>unfollow</A>"
            "</BODY></html>"
        )
        tracked, urls = self.track(body)
        self.assertEqual(urls, ["https://shop.example.com/x?a=1&b=2"])
        expected = body.replace("https://shop.example.com/x?a=1&b=2", f'"{click_url(0)}"').replace(
            "</BODY>",
            f'<img src="{PIXEL}" alt="" width="1" height="1" style="border:0;width:1px;height:1px;"></BODY>',
        )
        self.assertEqual(tracked, expected, "only the tracked href and the pixel change")

    def test_replaces_another_tracking_layer(self):
        body = (
            "<html><body><p><a href='https://odoo.example.com/r/Ab3x/m/7'>offer</a>"
            "<img src='https://odoo.example.com/mail/track/7/tok/blank.gif'/>after</p>"
            "<img src='https://cdn.example.com/logo.png'/></body></html>"
        )
        originals = {"https://odoo.example.com/r/Ab3x/m/7": "https://shop.example.com/offer"}
        tracked, urls = self.track(
            body, unwrap=originals.get, drop_images={"https://odoo.example.com/mail/track/7/tok/blank.gif"}
        )
        self.assertEqual(urls, ["https://shop.example.com/offer"])
        self.assertNotIn("/r/Ab3x", tracked)
        self.assertNotIn("/mail/track/", tracked)
        self.assertIn("</a>after</p>", tracked, "text after the dropped pixel is kept")
        self.assertIn("https://cdn.example.com/logo.png", tracked)
        self.assertEqual(tracked.count("<img"), 2)

    def test_remove_another_tracking_layer(self):
        body = (
            "<p><a href='https://odoo.example.com/r/Ab3x/m/7'>offer</a> <a href='https://blog.example.com/'>blog</a>"
            "<img src='https://odoo.example.com/mail/track/7/tok/blank.gif'/></p>"
        )
        originals = {"https://odoo.example.com/r/Ab3x/m/7": "https://shop.example.com/offer?a=1&b=2"}
        cleaned = remove_tracking(
            body, originals.get, {"https://odoo.example.com/mail/track/7/tok/blank.gif"}
        )
        self.assertEqual(
            cleaned,
            "<p><a href='https://shop.example.com/offer?a=1&amp;b=2'>offer</a> "
            "<a href='https://blog.example.com/'>blog</a></p>",
        )
