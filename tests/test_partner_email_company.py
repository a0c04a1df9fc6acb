from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged

from ..tools import CLICK, Hit
from .email_history_common import USER_GROUP

HISTORY_MODELS = (
    "partner.email.send",
    "partner.email.open",
    "partner.email.click",
    "partner.connection.note",
)


@tagged("post_install", "-at_install")
class TestSendingCompany(TransactionCase):
    """A contact shared by all companies (no company) gets an email from company A and one
    from company B: each company's users read their own company's history of it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "Company B"})
        cls.contact = cls.env["res.partner"].create(
            {"name": "Shared Customer", "email": "shared@example.com"}
        )
        cls.history_a = cls._history(cls.company_a, "From A")
        cls.history_b = cls._history(cls.company_b, "From B")
        cls.history_none = cls._history(cls.env["res.company"], "From nowhere")
        cls.user_a, cls.user_b = (
            new_test_user(
                cls.env,
                login,
                groups=f"base.group_user,{USER_GROUP}",
                company_id=company.id,
                company_ids=[company.id],
            )
            for login, company in (("history_user_a", cls.company_a), ("history_user_b", cls.company_b))
        )

    @classmethod
    def _history(cls, company, subject):
        """{model: record} of one email sent for ``company`` to the shared contact."""
        send = cls.env["partner.email.send"].create(
            {"partner_id": cls.contact.id, "subject": subject, "state": "sent", "company_id": company.id}
        )
        return {
            "partner.email.send": send,
            "partner.email.open": cls.env["partner.email.open"].create({"send_id": send.id}),
            "partner.email.click": cls.env["partner.email.click"].create(
                {"send_id": send.id, "url": "https://www.example.com"}
            ),
            "partner.connection.note": cls.env["partner.connection.note"].create(
                {"partner_id": cls.contact.id, "send_id": send.id, "title": subject, "company_id": company.id}
            ),
        }

    def test_each_company_reads_its_own_history(self):
        for user, own, foreign in (
            (self.user_a, self.history_a, self.history_b),
            (self.user_b, self.history_b, self.history_a),
        ):
            for model in HISTORY_MODELS:
                with self.subTest(user=user.login, model=model):
                    visible = self.env[model].with_user(user).search([("id", "in", self._ids(model))])
                    self.assertEqual(visible, own[model] + self.history_none[model])
                    with self.assertRaises(AccessError):
                        foreign[model].with_user(user).read(["id"])

    def test_emails_page_and_reports_follow(self):
        contact = self.contact.with_user(self.user_a)
        self.assertEqual(contact.email_page_send_ids.mapped("subject"), ["From nowhere", "From A"])
        self.assertEqual(contact.email_send_count, 2)
        self.assertEqual(
            contact.get_email_history_button_counts(),
            {contact.id: {"sent": "2", "failed": False}},
            "the Emails Sent button counts the emails of the reader's companies",
        )
        self.assertEqual(
            contact.email_click_ids,
            self.history_a["partner.email.click"] + self.history_none["partner.email.click"],
        )
        groups = (
            self.env["partner.email.send"]
            .with_user(self.user_b)
            ._read_group([("partner_id", "=", self.contact.id)], ["company_id"], ["__count"])
        )
        self.assertEqual(dict(groups), {self.company_b: 1, self.env["res.company"]: 1})

    def test_click_of_a_tracking_hit_keeps_its_company(self):
        send = self.history_b["partner.email.send"]
        send._store_links({send.id: ["https://www.example.com/b"]})
        self.env["partner.email.click"]._record_clicks([Hit(CLICK, send.id, 0, None, fields.Datetime.now())])
        click = send.click_ids.filtered(lambda c: c.url == "https://www.example.com/b")
        self.assertEqual(click.company_id, self.company_b)
        self.assertFalse(click.with_user(self.user_a).search([("id", "=", click.id)]))
        self.assertEqual(click.with_user(self.user_b).search([("id", "=", click.id)]), click)

    def test_summary_counts_the_readers_companies(self):
        figures = self.env["partner.email.month"]
        for refreshed in (False, True):
            self.assertEqual(self.contact.email_history_summary()["sent"], 3)
            for user in (self.user_a, self.user_b):
                with self.subTest(refreshed=refreshed, user=user.login):
                    summary = self.contact.with_user(user).email_history_summary()
                    self.assertEqual(summary["sent"], 2, "its own company's email and the one without")
            while figures._refresh_stale_months():
                pass

    def test_user_of_both_companies_reads_both(self):
        user = new_test_user(
            self.env,
            "history_user_ab",
            groups=f"base.group_user,{USER_GROUP}",
            company_id=self.company_a.id,
            company_ids=[self.company_a.id, self.company_b.id],
        )
        sends = (
            self.env["partner.email.send"]
            .with_user(user)
            .with_context(allowed_company_ids=[self.company_a.id, self.company_b.id])
        )
        self.assertEqual(len(sends.search([("partner_id", "=", self.contact.id)])), 3)

    def test_contact_company_rule_still_applies(self):
        self.contact.company_id = self.company_b
        self.assertFalse(
            self.env["partner.email.send"]
            .with_user(self.user_a)
            .search([("partner_id", "=", self.contact.id)]),
            "a contact of company B hides even what company A sent it",
        )

    def test_company_of_document(self):
        notes = self.env["partner.connection.note"]
        document = self.env["res.partner"].create({"name": "Acme B", "company_id": self.company_b.id})
        self.assertEqual(notes._email_history_company_of("res.partner", document.id), self.company_b)
        self.assertFalse(notes._email_history_company_of("res.partner", self.contact.id), "no company")
        self.assertFalse(notes._email_history_company_of("res.country", self.env.ref("base.be").id))
        self.assertFalse(notes._email_history_company_of("no.such.model", 1))
        self.assertFalse(notes._email_history_company_of("res.partner", False))
        document.unlink()
        self.assertFalse(notes._email_history_company_of("res.partner", document.id))

    def test_note_of_send_gets_its_company(self):
        send_ids = self.env["partner.email.send"]._record_sends(
            [
                {
                    "mail_mail_id": 1,
                    "partner_id": self.contact.id,
                    "subject": "Hello",
                    "connection_type": "individual",
                    "company_id": self.company_b.id,
                }
            ]
        )
        send = self.env["partner.email.send"].browse(send_ids[(1, self.contact.id)])
        note = self.env["partner.connection.note"].search([("send_id", "=", send.id)])
        self.assertEqual(note.company_id, self.company_b)

    def _ids(self, model):
        return [history[model].id for history in (self.history_a, self.history_b, self.history_none)]


@tagged("post_install", "-at_install")
class TestPartnerMergeAndLookup(TransactionCase):
    def test_send_is_found_by_its_normalized_address(self):
        partner = self.env["res.partner"].create({"name": "Jane Customer", "email": "jane@example.com"})
        send = self.env["partner.email.send"].create(
            {"partner_id": partner.id, "email_to": '"Jane Customer" <Jane@Example.com>'}
        )
        self.assertEqual(send.email_normalized, "jane@example.com")
        partner.email = "jane.new@example.com"
        self.assertEqual(
            self.env["partner.email.send"].search([("email_normalized", "=", "jane@example.com")]),
            send,
            "an address the contact no longer has still finds what was sent to it",
        )

    def test_merged_contact_keeps_history_and_objection(self):
        partners = self.env["res.partner"].create(
            [
                {"name": "Jane Customer", "email": "jane@example.com"},
                {"name": "Jane C.", "email": "jane@example.com"},
            ]
        )
        duplicate, survivor = partners
        duplicate.email_tracking_opt_out = True
        send = self.env["partner.email.send"].create({"partner_id": duplicate.id, "subject": "Offer"})
        click = self.env["partner.email.click"].create({"send_id": send.id, "url": "https://www.example.com"})
        open_ = self.env["partner.email.open"].create({"send_id": send.id})
        note = self.env["partner.connection.note"].create({"partner_id": duplicate.id, "send_id": send.id})

        wizard = self.env["base.partner.merge.automatic.wizard"].create(
            {"partner_ids": [Command.set(partners.ids)], "dst_partner_id": survivor.id}
        )
        wizard.action_merge()
        self.env.invalidate_all()

        self.assertFalse(duplicate.exists())
        for record in (send, click, open_, note):
            self.assertTrue(record.exists(), f"{record._name} kept")
        for record in (send, click, note):
            self.assertEqual(record.partner_id, survivor, f"{record._name} follows the merge")
        self.assertEqual(survivor.email_send_ids, send)
        self.assertEqual(survivor.email_click_ids, click)
        self.assertEqual(survivor.connection_note_ids, note)
        self.assertTrue(survivor.email_tracking_opt_out, "an objection survives the merge")
