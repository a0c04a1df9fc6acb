import logging
import re
import threading
import unittest
from pathlib import Path
from unittest.mock import patch
from urllib.parse import quote

import requests
from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.addons.web.tests.test_js import unit_test_error_checker
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import TEST_CURSOR_COOKIE_NAME

from ..models.res_partner import EMAIL_PAGE_LIMIT
from .email_history_common import USER_GROUP

SERVER_RESPONSE = "550 5.1.1 <ann.tour@example.com>: Recipient address rejected: User unknown"
ODOO_FAILURE = (
    "Mail Delivery Failed\nMail delivery failed via SMTP server 'localhost'.\nSMTPRecipientsRefused: "
    "{'ann.tour@example.com': "
    "(550, b'5.1.1 <ann.tour@example.com>: Recipient address rejected: User unknown')}"
)
# a mail client's User-Agent: its pixel hit is a person's open
PERSON_USER_AGENT = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Thunderbird/128.3.0"
OLDER_EMAILS = EMAIL_PAGE_LIMIT + 5
HOOT_TESTS_DIR = Path(__file__).parents[1] / "static" / "tests"
# exact-match filter (quoted) on the full names of this addon's Hoot tests
HOOT_FILTER = quote('"@partner_email_history/"')


class _RecordsMessages(logging.Handler):
    def __init__(self):
        super().__init__()
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@tagged("post_install", "-at_install")
class TestEmailHistoryUi(HttpCase):
    """The Emails page in headless Chromium: Hoot unit tests of the widgets and a tour."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # selecting a message runs an onchange on the contact, which needs "Contact Creation"
        cls.history_user = new_test_user(
            cls.env, "email_history_tour", groups=f"base.group_user,{USER_GROUP}"
        )
        cls.company = cls.env["res.partner"].create({"name": "Tour Company", "is_company": True})
        cls.partner = cls.env["res.partner"].create(
            {"name": "Ann Tour", "email": "ann.tour@example.com", "parent_id": cls.company.id}
        )
        campaign = cls.env["utm.campaign"].create({"title": "Spring Sale"})
        template = cls.env["mail.template"].create(
            {
                "name": "Spring Sale announcement",
                "model_id": cls.env["ir.model"]._get_id("res.partner"),
                "subject": "Hello",
                "body_html": "<p>Dear customer, our spring sale starts now.</p>",
            }
        )
        common = {
            "partner_id": cls.partner.id,
            "campaign_id": campaign.id,
            "connection_type": "campaign",
            "email_to": cls.partner.email,
            "template_id": template.id,
        }
        now = fields.Datetime.now()
        hello, newsletter, failed, cls.reminder = cls.env["partner.email.send"].create(
            [
                {**common, "subject": "Hello", "state": "sent", "sent_at": now - relativedelta(days=9)},
                {**common, "subject": "Newsletter", "state": "sent", "sent_at": now - relativedelta(days=5)},
                {
                    **common,
                    "subject": "Last chance",
                    "state": "failed",
                    "sent_at": now - relativedelta(days=2),
                    "failure_reason": f"{SERVER_RESPONSE}\n\n{ODOO_FAILURE}",
                },
                {**common, "subject": "Reminder", "state": "sent", "sent_at": now - relativedelta(days=1)},
            ]
        )
        cls.env["partner.email.send"].create(
            [
                {
                    "partner_id": cls.partner.id,
                    "subject": f"Older email {index}",
                    "state": "sent",
                    "sent_at": now - relativedelta(days=30, hours=index),
                }
                for index in range(OLDER_EMAILS)
            ]
        )
        cls.env["partner.email.click"].create(
            [
                {"send_id": hello.id, "url": "https://www.example.com/spring"},
                {"send_id": hello.id, "url": "https://www.example.com/spring/shoes"},
                {"send_id": newsletter.id, "url": "https://www.example.com/newsletter"},
                {
                    "send_id": hello.id,
                    "url": "https://www.example.com/unsubscribe",
                    "is_machine": True,
                    "machine_reason": "link scanner: 2 links within 1 s",
                },
            ]
        )
        cls.env["partner.connection.note"].create(
            [
                {
                    "partner_id": cls.partner.id,
                    "connection_type": "campaign",
                    "title": failed.subject,
                    "send_id": failed.id,
                },
                {"partner_id": cls.partner.id, "connection_type": "payment", "title": "Receipt"},
            ]
        )

    def _run_in_browser(self, browser_call, *args, **kwargs):
        # Odoo skips browser tests when Chromium or websocket-client is missing; a skipped
        # UI test must not pass silently.
        try:
            browser_call(*args, **kwargs)
        except unittest.SkipTest as skip:
            self.fail(
                "The browser tests need Chromium (Debian package 'chromium') and the python "
                f"package 'websocket-client': {skip}"
            )

    def test_emails_page_tour(self):
        """The tour ends by waiting for Reminder's open to appear. The open happens here, as a
        mail client would make it, once the user asked for campaigns only and the page polled
        since: the poll's cursor is then older than the open, so the next poll must see it."""
        partner_class = type(self.env["res.partner"])
        poll, onchange = partner_class.email_history_poll, partner_class.onchange
        campaigns_only, polled_after = threading.Event(), threading.Event()

        def spy_onchange(partner, values, field_names, fields_spec):
            if "email_page_campaigns_only" in field_names and values.get("email_page_campaigns_only"):
                campaigns_only.set()
            return onchange(partner, values, field_names, fields_spec)

        def spy_poll(partner, cursor=None):
            result = poll(partner, cursor)
            if cursor and campaigns_only.is_set():
                polled_after.set()
            return result

        pixel_url = f"{self.base_url()}/email_history/o/{self.reminder._get_open_token()}.gif"

        def open_reminder():
            # a plain request, as a mail client's, that the test server accepts: url_open
            # manages the test lock of the test's own thread and cannot run beside the browser
            if polled_after.wait(timeout=60):
                requests.get(
                    pixel_url,
                    headers={"User-Agent": PERSON_USER_AGENT},
                    cookies={TEST_CURSOR_COOKIE_NAME: self.http_request_key},
                    timeout=30,
                )

        opener = threading.Thread(target=open_reminder)
        with (
            patch.object(partner_class, "email_history_poll", spy_poll),
            patch.object(partner_class, "onchange", spy_onchange),
        ):
            opener.start()
            try:
                self._run_in_browser(
                    self.start_tour,
                    f"/odoo/res.partner/{self.partner.id}",
                    "partner_email_history_tour",
                    login=self.history_user.login,
                )
            finally:
                polled_after.set()
                opener.join()
        self.assertTrue(self.reminder.open_ids, "the page showed an open that happened during the tour")

    def test_company_roll_up_tour(self):
        self._run_in_browser(
            self.start_tour,
            f"/odoo/res.partner/{self.company.id}",
            "partner_email_history_company_tour",
            login=self.history_user.login,
        )

    def test_hoot_unit_tests(self):
        expected = sum(
            len(re.findall(r"^test\(", path.read_text(encoding="utf-8"), re.MULTILINE))
            for path in HOOT_TESTS_DIR.glob("**/*.test.js")
        )
        browser_logger = self._logger.getChild("browser")
        messages = _RecordsMessages()
        browser_logger.addHandler(messages)
        try:
            self._run_in_browser(
                self.browser_js,
                f"/web/tests?headless&loglevel=2&preset=desktop&timeout=15000&filter={HOOT_FILTER}",
                "",
                "",
                login="admin",
                timeout=600,
                success_signal="[HOOT] Test suite succeeded",
                error_checker=unit_test_error_checker,
            )
        finally:
            browser_logger.removeHandler(messages)
        passed = [
            int(count)
            for message in messages.messages
            for count in re.findall(r"Passed (\d+) tests", message)
        ]
        self.assertEqual(passed, [expected], "every Hoot test of the addon must run and pass")
