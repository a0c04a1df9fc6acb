from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from ..tools import OPEN, Hit
from .email_history_common import EmailHistoryCase


@tagged("post_install", "-at_install")
class TestEmailPageEngagement(EmailHistoryCase):
    """A person's last open and click, the Emails page's summary, switches, company roll-up
    and live poll."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.now = fields.Datetime.now()
        # the common opens and clicks happened now; move them to a known past
        cls.open.opened_at = cls.now - relativedelta(days=200)
        (cls.sale_click | cls.shop_click | cls.quote_click).clicked_at = cls.now - relativedelta(days=150)

    def _open(self, send, days_ago, machine=None):
        return self.env["partner.email.open"].create(
            {
                "send_id": send.id,
                "opened_at": self.now - relativedelta(days=days_ago),
                "is_machine": bool(machine),
                "machine_reason": machine,
            }
        )

    def test_last_open_and_click_are_a_persons(self):
        self._open(self.campaign_send, 10)
        self._open(self.campaign_send, 1, machine="Apple Mail Privacy Protection")
        self.env["partner.email.click"].create(
            {
                "send_id": self.campaign_send.id,
                "url": "https://www.example.com/scan",
                "clicked_at": self.now,
                "is_machine": True,
                "machine_reason": "link scanner: 2 links within 1 s",
            }
        )
        self.partner.invalidate_recordset()
        self.assertEqual(self.partner.email_last_opened_at, self.now - relativedelta(days=10))
        self.assertEqual(self.partner.email_last_clicked_at, self.now - relativedelta(days=150))

    def test_a_click_is_an_open(self):
        self.assertEqual(self.partner.email_last_opened_at, self.now - relativedelta(days=150))

    def test_search_opened_in_the_last_90_days(self):
        other = self.env["res.partner"].create({"name": "Quiet Contact"})
        other_send = self.env["partner.email.send"].create({"partner_id": other.id, "state": "sent"})
        self._open(other_send, 5, machine="Apple Mail Privacy Protection")
        Partner = self.env["res.partner"]
        last_90_days = [("email_last_opened_at", ">=", self.now - relativedelta(days=90))]
        scope = [("id", "in", (self.partner | other).ids)]
        self.assertFalse(Partner.search([*scope, *last_90_days]), "a machine's open does not count")
        self._open(self.campaign_send, 30)
        self.assertEqual(Partner.search([*scope, *last_90_days]), self.partner)
        self.assertEqual(
            Partner.search([*scope, ("email_last_opened_at", "<", self.now - relativedelta(days=90))]),
            self.env["res.partner"],
            "the last open, not any open, is compared",
        )
        self.assertEqual(Partner.search([*scope, ("email_last_opened_at", "=", False)]), other)
        self.assertEqual(Partner.search([*scope, ("email_last_clicked_at", "!=", False)]), self.partner)
        self.assertEqual(
            Partner.search([*scope, ("email_last_clicked_at", "<=", self.now - relativedelta(days=100))]),
            self.partner,
        )

    def test_summary_figures_and_months(self):
        summary = self.partner.with_user(self.history_user).email_history_summary()
        self.assertEqual(
            {key: summary[key] for key in ("sent", "delivered", "failed", "opened", "clicked")},
            {"sent": 2, "delivered": 1, "failed": 1, "opened": 1, "clicked": 1},
            "opened and clicked count delivered emails: the failed one's click is not a delivery",
        )
        self.assertEqual(summary["opened_rate"], 100)
        self.assertEqual(len(summary["months"]), 12)
        this_month = summary["months"][-1]
        self.assertEqual((this_month["sent"], this_month["opened"], this_month["clicked"]), (2, 1, 1))

    def test_summary_costs_the_same_for_a_long_history(self):
        def queries_of_summary():
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            self.partner.email_history_summary()
            return self.env.cr.sql_log_count - before

        short = queries_of_summary()
        self.env["partner.email.send"].create(
            [{"partner_id": self.partner.id, "state": "sent", "subject": f"News {i}"} for i in range(300)]
        )
        self.assertEqual(queries_of_summary(), short)

    def test_poll_sees_a_new_open_of_this_contact_only(self):
        first = self.partner.email_history_poll()
        self.assertFalse(first["changed"])
        cursor = first["cursor"]
        self.assertFalse(self.partner.email_history_poll(cursor)["changed"])
        other = self.env["res.partner"].create({"name": "Someone Else"})
        self._open(self.env["partner.email.send"].create({"partner_id": other.id}), 0)
        self.assertFalse(self.partner.email_history_poll(cursor)["changed"])
        self.env["partner.email.open"]._record_opens(
            [Hit(OPEN, self.campaign_send.id, None, None, fields.Datetime.now())]
        )
        polled = self.partner.email_history_poll(cursor)
        self.assertTrue(polled["changed"])
        self.assertFalse(self.partner.email_history_poll(polled["cursor"])["changed"])

    def test_campaign_switch_and_machine_clicks(self):
        machine_click = self.env["partner.email.click"].create(
            {
                "send_id": self.campaign_send.id,
                "url": "https://www.example.com/unsubscribe",
                "is_machine": True,
                "machine_reason": "link scanner: 2 links within 1 s",
            }
        )
        partner = self.partner.with_user(self.history_user)
        self.assertEqual(partner.email_page_send_ids, self.campaign_send | self.individual_send)
        self.assertNotIn(machine_click, partner.email_filtered_click_ids)
        self.assertEqual(partner.email_page_totals["clicks"], 3)
        result = partner.onchange(
            {"email_page_campaigns_only": True, "email_page_machine_clicks": True},
            ["email_page_campaigns_only", "email_page_machine_clicks"],
            {
                "email_page_send_ids": {"fields": {"display_name": {}}},
                "email_filtered_click_ids": {"fields": {"url": {}, "machine_reason": {}}},
                "email_page_totals": {},
            },
        )["value"]
        unlinked = {command[1] for command in result["email_page_send_ids"] if command[0] == 3}
        self.assertEqual(unlinked, {self.individual_send.id})
        linked = {command[1]: command[2] for command in result["email_filtered_click_ids"] if command[0] == 4}
        self.assertEqual(linked[machine_click.id]["machine_reason"], "link scanner: 2 links within 1 s")
        self.assertEqual(
            (result["email_page_totals"]["sends"], result["email_page_totals"]["clicks"]), (1, 4)
        )

    def _button_counts(self, partners, user=None):
        return partners.with_user(user or self.history_user).get_email_history_button_counts()

    def test_button_counts_failures_apart(self):
        self.assertEqual(self._button_counts(self.partner), {self.partner.id: {"sent": "1", "failed": "1"}})
        self.campaign_send.state = "failed"
        self.assertEqual(self._button_counts(self.partner)[self.partner.id], {"sent": "0", "failed": "2"})
        (self.campaign_send | self.individual_send).state = "outgoing"
        self.assertEqual(
            self._button_counts(self.partner)[self.partner.id],
            {"sent": "2", "failed": False},
            "an email waiting to be sent is counted as sent, never as failed",
        )

    def test_button_counts_of_several_contacts(self):
        """A contact no email was sent to gets no button; a new contact has no email yet."""
        quiet = self.env["res.partner"].create({"name": "Quiet Contact", "email": "quiet@example.com"})
        self.assertEqual(
            self._button_counts(self.partner | quiet),
            {self.partner.id: {"sent": "1", "failed": "1"}, quiet.id: False},
        )
        new_contact = self.env["res.partner"].with_user(self.history_user).new({"name": "Draft"})
        self.assertEqual(list(new_contact.get_email_history_button_counts().values()), [False])

    def test_button_counts_in_one_query(self):
        """Once the contact is read (the form read it), the button's RPC costs one query,
        whatever the contact's history."""
        partner = self.partner.with_user(self.history_user)
        self._button_counts(self.partner)  # warms the rules and the contact
        with self.assertQueryCount(1):
            self.assertEqual(
                partner.get_email_history_button_counts()[partner.id], {"sent": "1", "failed": "1"}
            )
        self.env["partner.email.send"].create([{"partner_id": self.partner.id, "state": "sent"}] * 50)
        self._button_counts(self.partner)
        with self.assertQueryCount(1):
            counts = partner.get_email_history_button_counts()
        self.assertEqual(counts[partner.id]["sent"], "51")

    def test_button_counts_need_the_history_group(self):
        employee = new_test_user(self.env, "history_employee", groups="base.group_user")
        self.assertTrue(self.partner.with_user(employee).has_access("read"))
        with self.assertRaises(AccessError):
            self._button_counts(self.partner, employee)

    def test_button_counts_only_readable_contacts(self):
        other_company = self.env["res.company"].create({"name": "Other Company"})
        hidden = self.env["res.partner"].create({"name": "Hidden", "company_id": other_company.id})
        self.env["partner.email.send"].create({"partner_id": hidden.id, "state": "sent"})
        with self.assertRaises(AccessError):
            self._button_counts(hidden)

    def test_company_page_rolls_up_its_people(self):
        company = self.env["res.partner"].create({"name": "Jane's Company", "is_company": True})
        self.partner.parent_id = company
        own = self.env["partner.email.send"].create({"partner_id": company.id, "subject": "To the company"})
        company = company.with_user(self.history_user)
        self.assertEqual(company.email_page_send_ids, own | self.campaign_send | self.individual_send)
        self.assertEqual(company.email_page_totals["sends"], 3)
        self.assertEqual(len(company.email_filtered_click_ids), 3)
        self.assertEqual(company.email_history_summary()["sent"], 2, "the outgoing one is not counted")
        self.assertEqual(
            self.partner.email_page_send_ids, self.campaign_send | self.individual_send, "not the other way"
        )
