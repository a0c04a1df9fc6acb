from odoo.tests import BaseCase

from ..tools import PLACEHOLDER, REMOTE_PREFIX, block_remote_content, generic_preview


class TestGenericPreview(BaseCase):
    def test_placeholders_show_their_default_else_a_mark(self):
        self.assertEqual(
            generic_preview(
                "<p>Dear <t t-out='object.name'>customer</t>, from <span t-esc='user.name'/>"
                " on {{ object.date }}</p>"
            ),
            f'<p>Dear <t t-out="object.name">customer</t>, from <span t-esc="user.name">{PLACEHOLDER}</span>'
            f" on {PLACEHOLDER}</p>",
        )

    def test_first_branch_of_a_conditional_and_no_variables(self):
        self.assertEqual(
            generic_preview(
                "<div><t t-set='total' t-value='42'/><t t-if='object.lang == \"fr\"'>Bonjour</t>"
                "<t t-elif='object.lang == \"nl\"'>Hallo</t><t t-else=''>Hello</t> and welcome"
                "<p t-foreach='object.child_ids' t-as='child'>A contact</p></div>"
            ),
            "<div><t t-if='object.lang == \"fr\"'>Bonjour</t> and welcome"
            '<p t-foreach="object.child_ids" t-as="child">A contact</p></div>',
        )

    def test_self_closing_qweb_tags_do_not_swallow_what_follows(self):
        self.assertEqual(
            generic_preview("<t t-set='x' t-value='1'/><p>Kept</p>"),
            "<p>Kept</p>",
        )

    def test_empty_source(self):
        self.assertEqual(generic_preview(""), "")
        self.assertFalse(generic_preview(False))


class TestBlockRemoteContent(BaseCase):
    def test_remote_images_held_back(self):
        self.assertEqual(
            block_remote_content(
                '<p><img src="https://tracker.example.net/p.gif" width="1" alt="x">'
                '<img src="/web/image/42"><img src="data:image/gif;base64,R0lGOD=="></p>'
            ),
            f'<p><img width="1" alt="x" {REMOTE_PREFIX}src="https://tracker.example.net/p.gif">'
            '<img src="/web/image/42"><img src="data:image/gif;base64,R0lGOD=="></p>',
        )

    def test_addresses_read_as_a_browser_does(self):
        for src in (
            "http://tracker.example.net/p.gif",
            "//tracker.example.net/p.gif",
            " \t//tracker.example.net/p.gif",
            "\\\\tracker.example.net/p.gif",
            "/\\tracker.example.net/p.gif",
            "ht\ttps://tracker.example.net/p.gif",
            "HTTPS://tracker.example.net/p.gif",
            "ftp://tracker.example.net/p.gif",
        ):
            with self.subTest(src=src):
                blocked = block_remote_content(f'<img src="{src}">')
                self.assertNotIn(' src="', blocked)
                self.assertIn(f"{REMOTE_PREFIX}src=", blocked)
        for src in ("/web/image/1", "images/logo.png", "cid:logo", "#top"):
            with self.subTest(src=src):
                self.assertEqual(block_remote_content(f'<img src="{src}">'), f'<img src="{src}">')

    def test_every_fetching_attribute(self):
        blocked = block_remote_content(
            '<table background="https://e.example/bg.png"><tr><td>x</td></tr></table>'
            '<img srcset="/a.png 1x, https://e.example/b.png 2x">'
            '<video poster="https://e.example/v.png"><source src="https://e.example/v.mp4"></video>'
            '<svg><image href="https://e.example/s.png"></image></svg>'
            '<a href="https://shop.example.com/offer">offer</a>'
        )
        for attribute in ("background", "srcset", "poster", "src", "href"):
            self.assertIn(f"{REMOTE_PREFIX}{attribute}=", blocked)
        self.assertNotRegex(blocked, r'(?<![\w-])(?:src|srcset|poster|background|href)="[^"]*e\.example')
        self.assertIn('<a href="https://shop.example.com/offer">offer</a>', blocked, "links are not fetched")

    def test_styles_lose_only_what_loads(self):
        self.assertEqual(
            block_remote_content(
                '<td style="color:red; background-image:url(https://e.example/bg.png); padding:4px">x</td>'
            ),
            '<td style="color:red; padding:4px" '
            f'{REMOTE_PREFIX}style="color:red; background-image:url(https://e.example/bg.png); padding:4px">'
            "x</td>",
        )
        for style in (
            "background-image:image-set('https://e.example/a.png' 1x)",
            "background:\\75 rl(https://e.example/a.png)",
            'background-image:url("/web/image/1")',  # CSS can spell an address in many ways: any url()
        ):
            with self.subTest(style=style):
                blocked = block_remote_content(f'<p style="{style}">x</p>')
                self.assertNotIn(' style="', blocked)
                self.assertIn(f"{REMOTE_PREFIX}style=", blocked)

    def test_nothing_remote_is_unchanged(self):
        body = '<p style="color:red">Hi <b>there</b> <img src="/logo.png"></p>tail'
        self.assertEqual(block_remote_content(body), body)
        self.assertEqual(block_remote_content(""), "")
