from datetime import datetime

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .email_history_common import MANAGER_GROUP, USER_GROUP, EmailHistoryCase

CHANGES = {
    "partner.email.send": {"subject": "Changed"},
    "partner.email.open": {"opened_at": datetime(2024, 1, 1, 8, 30)},
    "partner.email.click": {"url": "https://www.example.com/changed"},
    "partner.connection.note": {"title": "Changed"},
}


@tagged("post_install", "-at_install")
class TestPartnerEmailAccess(EmailHistoryCase):
    def _records(self):
        return {
            "partner.email.send": self.campaign_send,
            "partner.email.open": self.open,
            "partner.email.click": self.sale_click,
            "partner.connection.note": self.campaign_note,
        }

    def test_groups(self):
        self.assertTrue(self.history_user.has_group(USER_GROUP))
        self.assertFalse(self.history_user.has_group(MANAGER_GROUP))
        self.assertTrue(self.history_manager.has_group(USER_GROUP), "managers are users")
        admin = new_test_user(self.env, "history_settings_admin", groups="base.group_system")
        self.assertTrue(admin.has_group(MANAGER_GROUP), "Settings implies Email History: Manager")
        employee = new_test_user(self.env, "history_employee", groups="base.group_user")
        self.assertFalse(employee.has_group(USER_GROUP), "email history is granted explicitly")

    def test_without_group_nothing_is_readable(self):
        outsiders = (
            new_test_user(self.env, "history_employee", groups="base.group_user"),
            new_test_user(self.env, "history_portal", groups="base.group_portal"),
            self.env.ref("base.public_user"),
        )
        for user in outsiders:
            for model, record in self._records().items():
                with self.subTest(user=user.login, model=model), self.assertRaises(AccessError):
                    record.with_user(user).read(["id"])
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.partner.with_user(user).read(["email_send_ids"])
            with self.subTest(user=user.login, button="Emails Sent"), self.assertRaises(AccessError):
                self.partner.with_user(user).get_email_history_button_counts()

    def test_user_reads_but_cannot_change(self):
        for model, record in self._records().items():
            as_user = record.with_user(self.history_user)
            with self.subTest(model=model):
                self.assertTrue(as_user.read(["id"]))
                with self.assertRaises(AccessError):
                    as_user.write(CHANGES[model])
                with self.assertRaises(AccessError):
                    as_user.unlink()
                with self.assertRaises(AccessError):
                    as_user.copy()
        partner = self.partner.with_user(self.history_user)
        self.assertEqual(partner.email_send_count, 2)
        self.assertEqual(partner.email_click_ids, self.partner.email_click_ids)

    def test_manager_has_full_access(self):
        for model, record in self._records().items():
            as_manager = record.with_user(self.history_manager)
            with self.subTest(model=model):
                as_manager.write(CHANGES[model])
                self.assertEqual({fname: as_manager[fname] for fname in CHANGES[model]}, CHANGES[model])
                new_record = as_manager.copy()
                self.assertTrue(new_record.exists())
                new_record.unlink()
                self.assertFalse(new_record.exists())

    def test_other_company_contacts_are_hidden(self):
        main_company = self.env.company
        other_company = self.env["res.company"].create({"name": "Other Company"})
        other_partner = self.env["res.partner"].create(
            {"name": "Other Customer", "company_id": other_company.id}
        )
        other_send = self.env["partner.email.send"].create(
            {"partner_id": other_partner.id, "subject": "Hello", "state": "sent"}
        )
        other_open = self.env["partner.email.open"].create({"send_id": other_send.id})
        other_click = self.env["partner.email.click"].create(
            {"send_id": other_send.id, "url": "https://www.example.com/other"}
        )
        other_note = self.env["partner.connection.note"].create(
            {"partner_id": other_partner.id, "send_id": other_send.id, "title": "Hello"}
        )
        self.partner.company_id = main_company
        other_records = (other_send, other_open, other_click, other_note)

        main_user = new_test_user(
            self.env,
            "history_main_user",
            groups=f"base.group_user,{USER_GROUP}",
            company_id=main_company.id,
            company_ids=[main_company.id],
        )
        for record in other_records:
            with self.subTest(model=record._name):
                model = self.env[record._name].with_user(main_user)
                self.assertFalse(model.search([("id", "=", record.id)]))
                with self.assertRaises(AccessError):
                    record.with_user(main_user).read(["id"])
                self.assertTrue(model.search([]), "own company's history stays visible")

        other_user = new_test_user(
            self.env,
            "history_other_user",
            groups=f"base.group_user,{USER_GROUP}",
            company_id=other_company.id,
            company_ids=[other_company.id],
        )
        for record in other_records:
            with self.subTest(model=record._name):
                self.assertEqual(
                    self.env[record._name].with_user(other_user).search([("id", "in", record.ids)]), record
                )
