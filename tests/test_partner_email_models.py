from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from ..models.res_partner import EMAIL_BUTTON_COUNT_LIMIT, EMAIL_PAGE_LIMIT
from .email_history_common import EmailHistoryCase


@tagged("post_install", "-at_install")
class TestPartnerEmailModels(EmailHistoryCase):
    def test_partner_relations_and_counts(self):
        partner = self.partner
        self.assertEqual(partner.email_send_ids, self.campaign_send | self.individual_send)
        self.assertEqual(partner.email_click_ids, self.sale_click | self.shop_click | self.quote_click)
        self.assertEqual(partner.connection_note_ids, self.campaign_note | self.individual_note)
        self.assertEqual(
            (partner.email_send_count, partner.email_click_count, partner.connection_note_count), (2, 3, 2)
        )

        self.env["partner.email.click"].create(
            {"send_id": self.individual_send.id, "url": "https://www.example.com/terms"}
        )
        self.env["partner.connection.note"].create(
            {"partner_id": partner.id, "direction": "received", "title": "Re: Your quotation"}
        )
        self.assertEqual(
            (partner.email_click_count, partner.connection_note_count),
            (4, 3),
            "counts follow records created after a first read",
        )

    def test_send_relations(self):
        self.assertEqual(self.campaign_send.click_ids, self.sale_click | self.shop_click)
        self.assertEqual(self.campaign_send.open_ids, self.open)
        self.assertEqual((self.campaign_send.open_count, self.campaign_send.click_count), (1, 2))
        self.assertEqual((self.individual_send.open_count, self.individual_send.click_count), (0, 1))

    def test_click_related_fields(self):
        self.assertEqual(self.sale_click.partner_id, self.partner)
        self.assertEqual(self.sale_click.campaign_id, self.campaign)
        self.assertFalse(self.quote_click.campaign_id)
        self.assertTrue(self.sale_click.clicked_at, "a click is timestamped by default")

    def test_note_shows_its_send(self):
        note = self.individual_note
        self.assertEqual(note.state, "failed")
        self.assertIn("User unknown", note.failure_reason)
        self.assertEqual(note.opened_at, self.quote_click.clicked_at, "a person's click means it was opened")
        self.assertEqual(self.campaign_note.opened_at, self.campaign_send.opened_at)
        self.assertEqual(self.campaign_send.opened_at, self.open.opened_at)
        self.assertEqual(note.direction, "sent", "a note is an outgoing email by default")

    def test_note_highlighted_types(self):
        note = self.campaign_note
        highlighted = {}
        for connection_type in ("campaign", "individual", "notification", "esignature", "payment"):
            note.connection_type = connection_type
            highlighted[connection_type] = note.is_highlighted
        self.assertEqual(
            highlighted,
            {
                "campaign": False,
                "individual": False,
                "notification": False,
                "esignature": True,
                "payment": True,
            },
        )

    def test_send_display_name(self):
        self.assertEqual(self.campaign_send.display_name, "Spring Sale: Our spring sale starts now")
        self.assertEqual(self.individual_send.display_name, "Your quotation")
        self.campaign.title = "Summer Sale"
        self.assertEqual(self.campaign_send.display_name, "Summer Sale: Our spring sale starts now")

    def test_selected_message_filters_clicks(self):
        partner = self.partner
        all_clicks = self.sale_click | self.shop_click | self.quote_click
        self.assertEqual(partner.email_filtered_click_ids, all_clicks, "no selection: every click")

        partner.email_selected_send_id = self.campaign_send
        self.assertEqual(partner.email_filtered_click_ids, self.sale_click | self.shop_click)

        partner.email_selected_send_id = self.individual_send
        self.assertEqual(partner.email_filtered_click_ids, self.quote_click)

        partner.email_selected_send_id = False
        self.assertEqual(partner.email_filtered_click_ids, all_clicks)

    def test_selected_message_filters_clicks_in_form(self):
        """The web client sets the selection through onchange, on a partner it does not save."""
        view = self.env["ir.ui.view"].create(
            {
                "name": "partner email history selection test",
                "model": "res.partner",
                "mode": "primary",
                "arch": """
                <form>
                    <field name="name"/>
                    <field name="email_selected_send_id"/>
                    <field name="email_filtered_click_ids"/>
                </form>""",
            }
        )
        staff = self.history_user
        staff.group_ids += self.env.ref("base.group_partner_manager")
        form = Form(self.partner.with_user(staff), view=view)
        all_clicks = self.sale_click | self.shop_click | self.quote_click
        self.assertEqual(form.email_filtered_click_ids[:], all_clicks)

        form.email_selected_send_id = self.campaign_send
        self.assertEqual(form.email_filtered_click_ids[:], self.sale_click | self.shop_click)

        form.email_selected_send_id = self.individual_send
        self.assertEqual(form.email_filtered_click_ids[:], self.quote_click)

        form.email_selected_send_id = self.env["partner.email.send"]
        self.assertEqual(form.email_filtered_click_ids[:], all_clicks)

    def test_partner_deletion_cascades(self):
        sends = self.partner.email_send_ids
        records = (sends, sends.open_ids, sends.click_ids, self.partner.connection_note_ids)
        self.assertTrue(all(records))
        self.partner.unlink()
        for record in records:
            self.assertFalse(record.exists(), f"{record._name} deleted with its contact")

    def test_send_deletion_keeps_note(self):
        """A note is the trace of an exchanged email: it outlives its tracking record."""
        self.individual_send.unlink()
        self.assertTrue(self.individual_note.exists())
        self.assertFalse(self.individual_note.send_id)
        self.assertFalse(self.quote_click.exists())

    def test_reader_selects_message_without_write_access(self):
        """A reader of the contact (no Contact Creation) can still filter its links."""
        reader = self.partner.with_user(self.history_user)
        self.assertFalse(reader.has_access("write"))
        click_spec = {
            "fields": {
                "url": {},
                "send_id": {"fields": {"display_name": {}, "partner_id": {"fields": {"email": {}}}}},
            }
        }
        result = reader.onchange(
            {
                "email_selected_send_id": self.individual_send.id,
                "email_filtered_click_ids": [Command.set((self.sale_click | self.shop_click).ids)],
            },
            ["email_selected_send_id"],
            {"email_selected_send_id": {}, "email_filtered_click_ids": click_spec},
        )
        commands = result["value"]["email_filtered_click_ids"]
        self.assertEqual(
            {command[1] for command in commands if command[0] == 3},
            {self.sale_click.id, self.shop_click.id},
            "the other message's links leave the list",
        )
        linked = {command[1]: command[2] for command in commands if command[0] == 4}
        self.assertEqual(set(linked), {self.quote_click.id})
        self.assertEqual(linked[self.quote_click.id]["url"], "https://www.example.com/quote")
        self.assertEqual(
            set(linked[self.quote_click.id]["send_id"]),
            {"id", "display_name"},
            "nothing beyond the click fields is read without the user's own rights",
        )

    def test_reader_cannot_select_message_of_unreadable_contact(self):
        outsider = new_test_user(self.env, "history_no_group", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.partner.with_user(outsider).onchange(
                {"email_selected_send_id": self.campaign_send.id},
                ["email_selected_send_id"],
                {"email_filtered_click_ids": {"fields": {"url": {}}}},
            )

    def test_page_lists_are_bounded_to_the_latest(self):
        sends = self.env["partner.email.send"].create(
            [
                {
                    "partner_id": self.partner.id,
                    "subject": f"Newsletter {day}",
                    "sent_at": fields.Datetime.now() - relativedelta(days=day),
                }
                for day in range(1, EMAIL_PAGE_LIMIT + 2)
            ]
        )
        page = self.partner.email_page_send_ids
        self.assertEqual(len(page), EMAIL_PAGE_LIMIT)
        self.assertIn(self.campaign_send, page, "today's email is among the latest")
        self.assertNotIn(sends[-1], page, "the oldest email is left to the full list")
        self.assertEqual(self.partner.email_send_count, EMAIL_PAGE_LIMIT + 3)
        self.assertEqual(
            self.partner.get_email_history_button_counts()[self.partner.id],
            {"sent": str(EMAIL_PAGE_LIMIT + 2), "failed": "1"},
            "the button counts every email, not only the page's",
        )

    def test_button_count_stops_at_its_limit(self):
        self.env["partner.email.send"].create(
            [{"partner_id": self.partner.id, "subject": "Newsletter"}] * EMAIL_BUTTON_COUNT_LIMIT
        )
        self.env["partner.email.send"].create(
            [{"partner_id": self.partner.id, "subject": "Bounced", "state": "failed"}]
            * EMAIL_BUTTON_COUNT_LIMIT
        )
        self.assertEqual(self.partner.email_send_count, 2 * EMAIL_BUTTON_COUNT_LIMIT + 2)
        self.assertEqual(
            self.partner.get_email_history_button_counts()[self.partner.id],
            {"sent": f"{EMAIL_BUTTON_COUNT_LIMIT}+", "failed": f"{EMAIL_BUTTON_COUNT_LIMIT}+"},
        )

    def test_connection_type_model_is_normalized_and_checked(self):
        ConnectionType = self.env["partner.email.connection.type"]
        mapping = ConnectionType.create({"model_name": "  Res.Partner ", "connection_type": "payment"})
        self.assertEqual(mapping.model_name, "res.partner")
        self.assertEqual(mapping.model_id, self.env["ir.model"]._get("res.partner"))
        for name in ("", "   ", "not.a.model!!", "no.such.model"):
            with self.subTest(name=name), self.assertRaises(ValidationError):
                ConnectionType.create({"model_name": name, "connection_type": "payment"})
        picked = ConnectionType.create(
            {"model_id": self.env["ir.model"]._get_id("utm.source"), "connection_type": "campaign"}
        )
        self.assertEqual(picked.model_name, "utm.source", "picked from the list of models")
