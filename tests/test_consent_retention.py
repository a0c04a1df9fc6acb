from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.tests import TransactionCase, tagged

from ..models.partner_email_retention import RETENTION_DAYS_PARAM

RETENTION_MODULE = "odoo.addons.partner_email_history.models.partner_email_retention"


@tagged("post_install", "-at_install")
class TestEmailHistoryRetention(TransactionCase):
    """Events of a send 800 days old (default retention: 730 days): a machine's open before
    the first human open, a second open, a machine's click and a second click expire; the
    first human open and click stay, and so do the recent events, the sends and the notes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        now = fields.Datetime.now()
        old = now - timedelta(days=800)
        recent = now - timedelta(days=10)
        partner = cls.env["res.partner"].create({"name": "Jane Customer", "email": "jane@example.com"})
        cls.send, cls.other_send = cls.env["partner.email.send"].create(
            [
                {"partner_id": partner.id, "subject": "Spring", "sent_at": old, "state": "sent"},
                {"partner_id": partner.id, "subject": "Summer", "sent_at": old, "state": "sent"},
            ]
        )
        cls.note = cls.env["partner.connection.note"].create(
            {"partner_id": partner.id, "send_id": cls.send.id, "date": old, "title": "Spring"}
        )
        opens = cls.env["partner.email.open"].create(
            [
                {"send_id": cls.send.id, "opened_at": old, "is_machine": True},
                {"send_id": cls.send.id, "opened_at": old + timedelta(minutes=5)},
                {"send_id": cls.send.id, "opened_at": old + timedelta(hours=1)},
                {"send_id": cls.send.id, "opened_at": recent},
                {"send_id": cls.other_send.id, "opened_at": old + timedelta(days=2)},
            ]
        )
        cls.machine_open, cls.first_open, cls.second_open, cls.recent_open, cls.other_first_open = opens
        clicks = cls.env["partner.email.click"].create(
            [
                {
                    "send_id": cls.send.id,
                    "url": "https://a.example.com",
                    "clicked_at": old,
                    "is_machine": True,
                },
                {
                    "send_id": cls.send.id,
                    "url": "https://b.example.com",
                    "clicked_at": old + timedelta(hours=2),
                },
                {
                    "send_id": cls.send.id,
                    "url": "https://c.example.com",
                    "clicked_at": old + timedelta(hours=3),
                },
                {"send_id": cls.send.id, "url": "https://d.example.com", "clicked_at": recent},
            ]
        )
        cls.machine_click, cls.first_click, cls.second_click, cls.recent_click = clicks
        cls.send.opened_at = cls.first_open.opened_at
        cls.expired = cls.machine_open + cls.second_open, cls.machine_click + cls.second_click

    def _events(self):
        self.env.invalidate_all()
        domain = [("send_id", "in", (self.send + self.other_send).ids)]
        return self.env["partner.email.open"].search(domain), self.env["partner.email.click"].search(domain)

    def _purge(self, time_left=float("inf"), **kwargs):
        """Run the purge outside a cron; returns the mock of the cron's progress API."""
        with patch.object(
            self.registry["ir.cron"], "_commit_progress", autospec=True, return_value=time_left
        ) as progress:
            self.env["partner.email.retention"]._purge_expired_events(**kwargs)
        return progress

    def test_daily_cron_deletes_expired_events_and_keeps_the_rest(self):
        cron = self.env.ref("partner_email_history.ir_cron_email_history_retention")
        self.assertEqual((cron.interval_number, cron.interval_type, cron.active), (1, "days", True))
        opens_before, clicks_before = self._events()
        with self.enter_registry_test_mode():
            cron.method_direct_trigger()
        opens, clicks = self._events()
        self.assertEqual(opens, opens_before - self.expired[0])
        self.assertEqual(opens & self.send.open_ids, self.first_open + self.recent_open)
        self.assertIn(self.other_first_open, opens, "each send keeps its own first open")
        self.assertEqual(clicks, clicks_before - self.expired[1])
        self.assertEqual(clicks & self.send.click_ids, self.first_click + self.recent_click)
        self.assertTrue(self.send.exists() and self.other_send.exists() and self.note.exists())
        self.assertEqual(self.send.opened_at, self.first_open.opened_at)
        progress = self.env["ir.cron.progress"].search([("cron_id", "=", cron.id)])
        self.assertEqual(sum(progress.mapped("done")), 4, "each deletion is reported to the cron")
        self.assertFalse(progress.filtered("remaining"))

    def test_batches_report_progress_until_done(self):
        progress = self._purge(batch_size=1)
        reported = [(call.args[1], call.kwargs["remaining"]) for call in progress.call_args_list]
        # opens: two batches of one, a short batch; then the same for clicks, the last one done
        self.assertEqual(reported, [(1, 1), (1, 1), (0, 1), (1, 1), (1, 1), (0, 0)])
        opens, clicks = self._events()
        self.assertFalse(opens & self.expired[0])
        self.assertFalse(clicks & self.expired[1])

    def test_stops_when_the_cron_time_is_up(self):
        progress = self._purge(time_left=0, batch_size=1)
        self.assertEqual(progress.call_count, 1)
        self.assertEqual(progress.call_args.kwargs["remaining"], 1, "the cron runs again to go on")
        opens, clicks = self._events()
        self.assertEqual(len(opens & self.expired[0]), 1, "one batch of one open deleted")
        self.assertEqual(clicks & self.expired[1], self.expired[1])

    def test_zero_days_keeps_everything(self):
        self.env["ir.config_parameter"].set_param(RETENTION_DAYS_PARAM, "0")
        before = self._events()
        progress = self._purge()
        self.assertEqual(self._events(), before)
        self.assertFalse(progress.called)

    def test_shorter_period_deletes_more(self):
        self.env["ir.config_parameter"].set_param(RETENTION_DAYS_PARAM, "5")
        self._purge()
        opens, clicks = self._events()
        self.assertEqual(opens, self.first_open + self.other_first_open, "10 days is older than 5")
        self.assertEqual(clicks, self.first_click)

    def test_mistyped_period_keeps_everything(self):
        self.env["ir.config_parameter"].set_param(RETENTION_DAYS_PARAM, "two years")
        before = self._events()
        with self.assertLogs(RETENTION_MODULE, "WARNING"):
            self._purge()
        self.assertEqual(self._events(), before)
