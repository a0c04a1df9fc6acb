import logging
import re
import unittest
from pathlib import Path
from urllib.parse import quote

from odoo.addons.web.tests.test_js import unit_test_error_checker
from odoo.tests import HttpCase, new_test_user, tagged

from .email_history_common import USER_GROUP

SERVER_RESPONSE = "550 5.1.1 <ann.tour@example.com>: Recipient address rejected: User unknown"
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
        cls.partner = cls.env["res.partner"].create({"name": "Ann Tour", "email": "ann.tour@example.com"})
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
        hello, newsletter, failed = cls.env["partner.email.send"].create(
            [
                {**common, "subject": "Hello", "state": "sent", "sent_at": "2025-03-01 09:00:00"},
                {**common, "subject": "Newsletter", "state": "sent", "sent_at": "2025-03-05 09:00:00"},
                {
                    **common,
                    "subject": "Last chance",
                    "state": "failed",
                    "sent_at": "2025-03-08 09:00:00",
                    "failure_reason": SERVER_RESPONSE,
                },
            ]
        )
        cls.env["partner.email.click"].create(
            [
                {"send_id": hello.id, "url": "https://www.example.com/spring"},
                {"send_id": hello.id, "url": "https://www.example.com/spring/shoes"},
                {"send_id": newsletter.id, "url": "https://www.example.com/newsletter"},
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
        self._run_in_browser(
            self.start_tour,
            f"/odoo/res.partner/{self.partner.id}",
            "partner_email_history_tour",
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
