from unittest.mock import patch

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.tests import tagged
from odoo.tools import SQL

from ..tools import CLICK, OPEN, Hit
from .email_history_common import EmailHistoryCase

FIGURES = ("sent", "delivered", "failed", "opened", "clicked", "last_opened_at", "last_clicked_at")


@tagged("post_install", "-at_install")
class TestMonthFigures(EmailHistoryCase):
    """The summary of the Emails page reads the stored monthly figures of a contact, and
    computes itself the months whose figures are not up to date: it never shows stale
    figures, and the sync job's refresh changes none of them."""

    def _refresh(self):
        figures = self.env["partner.email.month"]
        while figures._refresh_stale_months(batch_size=2):
            pass
        self.assertFalse(figures._count_stale_months())

    def _summary(self, partner=None):
        summary = (partner or self.partner).email_history_summary()
        return {key: summary[key] for key in FIGURES}

    def _stale(self):
        return set(self.env.execute_query(SQL("SELECT partner_id, month FROM partner_email_month_stale")))

    def test_refreshed_figures_are_the_live_ones(self):
        this_month = fields.Date.today().replace(day=1)
        self.assertIn((self.partner.id, this_month), self._stale(), "new emails mark their month")
        live = self._summary()
        self._refresh()
        self.assertEqual(self._summary(), live)
        [stored] = self.env["partner.email.month"].search([("partner_id", "=", self.partner.id)])
        self.assertEqual(
            (stored.month, stored.sent, stored.delivered, stored.failed, stored.opened, stored.clicked),
            (this_month, 2, 1, 1, 1, 1),
        )

    def test_summary_reads_the_stored_figures_until_they_change(self):
        self._refresh()
        self.env.cr.execute(
            "UPDATE partner_email_month SET sent = 41, delivered = 40 WHERE partner_id = %s",
            [self.partner.id],
        )
        self.env["partner.email.month"].invalidate_model()
        self.assertEqual(
            (self._summary()["sent"], self._summary()["delivered"]), (41, 40), "nothing recomputed"
        )
        self.individual_send._write_outcomes({self.individual_send.id: ("sent", False)})
        self.assertEqual(
            (self._summary()["sent"], self._summary()["delivered"], self._summary()["failed"]),
            (2, 2, 0),
            "a retried email marks its month stale, and the summary computes it",
        )

    def test_retried_email_leaves_its_old_month(self):
        two_months_ago = fields.Datetime.now() - relativedelta(months=2)
        self.individual_send.sent_at = two_months_ago
        self._refresh()
        months = self.partner.email_history_summary()["months"]
        self.assertEqual([month["sent"] for month in months[-3:]], [1, 0, 1])
        self.individual_send._write_outcomes({self.individual_send.id: ("sent", False)})
        self.assertEqual(
            self._stale(),
            {
                (self.partner.id, two_months_ago.date().replace(day=1)),
                (self.partner.id, fields.Date.today().replace(day=1)),
            },
        )
        self._refresh()
        summary = self.partner.email_history_summary()
        self.assertEqual([month["sent"] for month in summary["months"][-3:]], [0, 0, 2])
        self.assertEqual((summary["delivered"], summary["failed"]), (2, 0))

    def test_hits_count_before_the_sync_job_and_after(self):
        other_send = self.env["partner.email.send"].create({"partner_id": self.partner.id, "state": "sent"})
        self._refresh()
        before = self._summary()
        self.env["partner.email.open"]._record_opens(
            [Hit(OPEN, other_send.id, None, None, fields.Datetime.now())]
        )
        live = self._summary()
        self.assertEqual((live["sent"], live["opened"]), (before["sent"], before["opened"] + 1))
        self.env["partner.email.tracking.sync"]._sync_batch()
        self.assertTrue(self._stale(), "the sync job marks the month of what it synced")
        self._refresh()
        self.assertEqual(self._summary(), live)

    def test_machine_hits_count_nowhere(self):
        fresh = self.env["partner.email.send"].create({"partner_id": self.partner.id, "state": "sent"})
        fresh._store_links({fresh.id: ["https://www.example.com/offer"]})
        self._refresh()
        before = self._summary()
        now = fields.Datetime.now()
        self.env["partner.email.open"]._record_opens(
            [Hit(OPEN, fresh.id, None, "Apple Mail Privacy Protection", now)]
        )
        self.env["partner.email.click"]._record_clicks([Hit(CLICK, fresh.id, 0, "bot: Googlebot", now)])
        fresh.invalidate_recordset()
        self.assertEqual((len(fresh.open_ids), len(fresh.click_ids)), (1, 1), "both hits are recorded")
        self.assertEqual(self._summary(), before)

    def test_cron_refreshes_the_figures(self):
        self._record_open_now()
        with patch.object(
            self.registry["ir.cron"], "_commit_progress", autospec=True, return_value=float("inf")
        ):
            self.env["partner.email.tracking.sync"]._cron_sync()
        self.assertFalse(self._stale())
        self.assertFalse(self.env["partner.email.open"].search([("sync_pending", "=", True)]))

    def _record_open_now(self):
        self.env["partner.email.open"]._record_opens(
            [Hit(OPEN, self.campaign_send.id, None, None, fields.Datetime.now())]
        )

    def test_deleted_email_leaves_the_figures(self):
        self._refresh()
        self.individual_send.unlink()
        self.assertEqual((self._summary()["sent"], self._summary()["failed"]), (1, 0))

    def test_merged_contact_adds_up_both_histories(self):
        duplicate = self.env["res.partner"].create({"name": "Jane C.", "email": self.partner.email})
        self.env["partner.email.send"].create({"partner_id": duplicate.id, "state": "sent"})
        self._refresh()
        expected = self._summary()
        expected.update(sent=expected["sent"] + 1, delivered=expected["delivered"] + 1)
        wizard = self.env["base.partner.merge.automatic.wizard"].create(
            {"partner_ids": [Command.set((duplicate | self.partner).ids)], "dst_partner_id": self.partner.id}
        )
        wizard.action_merge()
        self.env.invalidate_all()
        self.assertEqual(self._summary(), expected)
        self._refresh()
        self.assertEqual(self._summary(), expected)
