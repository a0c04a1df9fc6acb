from datetime import timedelta
from unittest.mock import patch

import psycopg2

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from ..models.partner_email_send import RECENT_LINK_TARGETS, TOKEN_KEY_PARAM
from ..tools import CLICK, OPEN, Hit, click_link, make_token, parse_token
from .customer_common import CustomerMixin, PersonBrowserMixin
from .email_history_common import USER_GROUP

PAY_URL = "https://pay.example.com/checkout?order=7&access_token=S3CRET-PAY&utm_source=mail"
PAY_URL_SHOWN = "https://pay.example.com/checkout?order=7&utm_source=mail"
SHOP_URL = "https://shop.example.com/new"


@tagged("post_install", "-at_install")
class TestTrustworthyLinks(CustomerMixin, PersonBrowserMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.send = cls.env["partner.email.send"].create(
            {"partner_id": cls.customer.id, "subject": "Your order", "state": "sent"}
        )
        cls.send._store_links({cls.send.id: [PAY_URL, SHOP_URL]})
        cls.reader = new_test_user(cls.env, "history_reader", groups=f"base.group_user,{USER_GROUP}")

    def _click(self, index=0, method="GET"):
        return self.url_open(
            f"/email_history/c/{self.send._get_click_token(index)}", allow_redirects=False, method=method
        )

    def _events(self):
        self.env.invalidate_all()
        return len(self.send.open_ids), len(self.send.click_ids)

    def _set_target(self, index, url):
        """What no user can do: change a link's target once its email is sent. The change is
        seen once the process forgets the targets it read (at most a minute)."""
        RECENT_LINK_TARGETS.clear()
        self.env.cr.execute(
            """UPDATE partner_email_send SET link_targets = jsonb_set(link_targets, %s, to_jsonb(%s::text))
                WHERE id = %s""",
            [f"{{{index}}}", url, self.send.id],
        )

    def test_history_users_read_no_secret(self):
        response = self._click(0)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(response.headers["Location"], PAY_URL, "the customer lands on the full link")
        send = self.send.with_user(self.reader)
        self.assertEqual(send.link_urls, [PAY_URL_SHOWN, SHOP_URL])
        self.assertEqual(send.click_ids.url, PAY_URL_SHOWN)
        self.assertNotIn("S3CRET", str(send.read()))
        self.assertNotIn("S3CRET", str(send.click_ids.read()))
        self.assertNotIn(
            "link_targets", self.env["partner.email.send"]._fields, "no field exposes the targets"
        )

    def _link(self, index, target=None, secret=None):
        """The link of ``index`` as sent, or with another ``target``, signed with ``secret``."""
        key = secret or self.send._get_token_secret()
        link = click_link(
            "", key, self.send.id, index, target or self.send.sudo()._get_link_target(self.send.id, index)
        )
        return (
            link
            if secret is None
            else link.replace(make_token(key, CLICK, self.send.id, index), self.send._get_click_token(index))
        )

    def test_link_carries_its_target_unless_secret(self):
        self.assertNotIn("?", self._link(0), "a target with an access token stays out of the link")
        link = self._link(1)
        self.assertIn("?u=", link)
        with patch.object(
            type(self.env["partner.email.send"]), "_get_link_target", side_effect=AssertionError
        ):
            response = self.url_open(link, allow_redirects=False)
        self.assertEqual(
            response.headers.get("Location"), SHOP_URL, "redirected without reading the database"
        )
        self.assertEqual(self._events(), (0, 1))

    def test_link_target_changed_in_the_link_is_ignored(self):
        tampered = self._link(1).replace("shop.example.com", "evil.example.com")
        self.assertIn("evil.example.com", tampered)
        response = self.url_open(tampered, allow_redirects=False)
        self.assertEqual(response.headers.get("Location"), SHOP_URL, "the stored target, not the link's")
        other_key = self._link(1, target="https://evil.example.com/", secret="a key of another database")
        self.assertEqual(self.url_open(other_key, allow_redirects=False).headers.get("Location"), SHOP_URL)

    def test_signed_unsafe_target_is_refused(self):
        for target in (
            "javascript:alert(1)",
            "//evil.example.com",
            "https://shop.example.com/\r\nSet-Cookie: a=b",
        ):
            with self.subTest(target):
                self.assertEqual(
                    self.url_open(self._link(1, target=target), allow_redirects=False).status_code, 404
                )
        self.assertEqual(self._events(), (0, 0))

    def test_links_cannot_be_written(self):
        for send in (self.send, self.send.sudo()):
            with self.assertRaises(UserError):
                send.write({"link_urls": ["javascript:alert(1)"]})
        with self.assertRaises(UserError):
            self.env["partner.email.send"].create(
                {"partner_id": self.customer.id, "link_urls": ["https://evil.example.com"]}
            )

    def test_links_outlive_a_new_database_secret(self):
        token = self.send._get_click_token(1)
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("database.secret", "renewed by a restore as a copy")
        response = self.url_open(f"/email_history/c/{token}", allow_redirects=False)
        self.assertEqual(response.headers.get("Location"), SHOP_URL)

    def test_upgrade_keeps_links_signed_with_database_secret(self):
        params = self.env["ir.config_parameter"].sudo()
        old_token = make_token(params.get_param("database.secret"), OPEN, self.send.id)
        params.search([("key", "=", TOKEN_KEY_PARAM)]).unlink()
        self.env["partner.email.send"]._init_token_key()
        self.assertEqual(parse_token(self.send._get_token_secret(), OPEN, old_token), (self.send.id, 0))
        self.url_open(f"/email_history/o/{old_token}.gif")
        self.assertEqual(self._events(), (1, 0))

    def test_fresh_key_is_random(self):
        params = self.env["ir.config_parameter"].sudo()
        params.search([("key", "=", TOKEN_KEY_PARAM)]).unlink()
        self.env["partner.email.send"].search([]).unlink()
        self.env["partner.email.send"]._init_token_key()
        key = params.get_param(TOKEN_KEY_PARAM)
        self.assertGreaterEqual(len(key), 32)
        self.assertNotEqual(key, params.get_param("database.secret"))

    def test_tampered_or_unsafe_target_refused(self):
        for url in (
            "javascript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "//evil.example.com/",
            "https://shop.example.com/a\r\nSet-Cookie: x=1",
            "https:///no-host",
        ):
            with self.subTest(url=url):
                self._set_target(1, url)
                with mute_logger("odoo.addons.partner_email_history.controllers.main"):
                    response = self._click(1)
                self.assertEqual(response.status_code, 404)
                self.assertNotIn("Location", response.headers)
        self.assertEqual(self._events(), (0, 0), "a refused link records nothing")

    def test_writer_skips_a_target_made_unsafe_after_the_hit(self):
        """The route checked the target; the batch written up to 100 ms later checks it again,
        as stored then, and leaves out a click whose target is no longer a safe redirect."""
        clicks = self.env["partner.email.click"]
        for url, recorded in (
            ("HTTPS://Shop.Example.com/new", True),
            ("http://shop.example.com", True),
            ("javascript:alert(1)", False),
            ("//evil.example.com/", False),
            ("https:///no-host", False),
            ("http://?no-host", False),
            ("https://", False),
            ("ftp://files.example.com/", False),
            ("https://shop.example.com/a\r\nSet-Cookie: x=1", False),
        ):
            with self.subTest(url=url):
                self._set_target(1, url)
                before = self._events()[1]
                clicks._record_clicks([Hit(CLICK, self.send.id, 1, None, fields.Datetime.now())])
                self.assertEqual(self._events()[1] - before, int(recorded))

    def test_only_get_records(self):
        for method in ("HEAD", "OPTIONS"):
            with self.subTest(method=method):
                pixel = self.url_open(f"/email_history/o/{self.send._get_open_token()}.gif", method=method)
                self.assertLess(pixel.status_code, 300)
                click = self._click(0, method=method)
                self.assertIn(click.status_code, (200, 204, 302))
        self.assertEqual(self._events(), (0, 0))
        self.assertEqual(self._click(0).status_code, 302)
        self.assertEqual(self._events(), (0, 1))

    def test_click_still_redirects_when_recording_fails(self):
        Click = type(self.env["partner.email.click"])
        with (
            patch.object(Click, "_record_clicks", side_effect=psycopg2.OperationalError("lock timeout")),
            mute_logger("odoo.addons.partner_email_history.controllers.main"),
        ):
            response = self._click(1)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(response.headers["Location"], SHOP_URL)
        self.assertEqual(self._events(), (0, 0))

    def test_scanner_burst_is_machine(self):
        self._click(0)
        self._click(1)
        self.env.invalidate_all()
        first, second = self.send.click_ids.sorted("id")
        self.assertFalse(first.is_machine or second.is_machine, "a person's until the sync job runs")
        self.env.cr.execute(
            "UPDATE partner_email_click SET clicked_at = clicked_at - interval '1 minute' WHERE send_id = %s",
            [self.send.id],
        )
        self.env["partner.email.tracking.sync"]._sync_batch()
        self.env.invalidate_all()
        self.assertTrue(first.is_machine and second.is_machine, "the sync job marks every click of the burst")
        self.assertIn("2 links", first.machine_reason)
        self.assertFalse(self.send.opened_at, "machines do not open emails")
        self.assertEqual(self.send.click_count, 0)
        self.assertFalse(first.sync_pending or second.sync_pending)

    def test_person_clicks_one_link_twice(self):
        self._click(0)
        self.send.click_ids.clicked_at -= timedelta(seconds=0.5)
        self._click(0)
        self.env.invalidate_all()
        self.assertEqual(self.send.click_ids.mapped("is_machine"), [False, False])
        self.assertEqual(self.send.click_count, 2)


@tagged("post_install", "-at_install")
class TestOutcomeReconciliation(CustomerMixin, HttpCase):
    def test_lost_outcomes_reconciled(self):
        mail = (
            self.env["mail.mail"]
            .sudo()
            .create(
                {
                    "body_html": "<p>Hi</p>",
                    "email_to": "x@example.com",
                    "state": "exception",
                    "failure_reason": "boom",
                }
            )
        )
        gone, failed, queued = self.env["partner.email.send"].create(
            [
                {"partner_id": self.customer.id, "subject": "Gone", "mail_mail_id": 999_999_999},
                {"partner_id": self.customer.id, "subject": "Failed", "mail_mail_id": mail.id},
                {"partner_id": self.customer.id, "subject": "Recent", "mail_mail_id": 999_999_998},
            ]
        )
        self.env.cr.execute(
            "UPDATE partner_email_send SET create_date = create_date - interval '1 hour' WHERE id IN %s",
            [(gone.id, failed.id)],
        )
        self.env["partner.email.tracking.sync"]._reconcile_outgoing()
        self.env.invalidate_all()
        self.assertEqual(gone.state, "sent", "a deleted mail.mail was sent")
        self.assertEqual((failed.state, failed.failure_reason), ("failed", "boom"))
        self.assertEqual(queued.state, "outgoing", "too recent: its send may still be running")
