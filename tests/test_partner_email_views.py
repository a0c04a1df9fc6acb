import re
from contextlib import contextmanager
from unittest.mock import patch

from lxml import etree

from odoo.sql_db import Cursor
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL
from odoo.tools.safe_eval import safe_eval

from .email_history_common import EmailHistoryCase

MODULE = "partner_email_history"
LISTS_VIEW = f"{MODULE}.res_partner_view_form_email_history"
HISTORY_TABLE_RE = re.compile(r"\bpartner_(email|connection)_")
SUBTABS = {
    "email_history_sends": ("Campaign Emails Sent", "email_page_send_ids"),
    "email_history_clicks": ("Links Clicked", "email_filtered_click_ids"),
    "email_history_notes": ("Connection Notes", "email_page_note_ids"),
}
ACTIONS = {
    "partner_email_history.partner_email_send_action": "partner.email.send",
    "partner_email_history.partner_email_click_action": "partner.email.click",
    "partner_email_history.partner_connection_note_action": "partner.connection.note",
}


@tagged("post_install", "-at_install")
class TestPartnerEmailViews(EmailHistoryCase):
    def _partner_views(self, user, view_ref=None):
        partners = self.env["res.partner"].with_user(user)
        if view_ref:
            return partners.with_context(form_view_ref=view_ref).get_views([(False, "form")])
        return partners.get_views([(self.env.ref("base.view_partner_form").id, "form")])

    def _partner_form(self, user, view_ref=None):
        return etree.fromstring(self._partner_views(user, view_ref)["views"]["form"]["arch"])

    def _arch(self, model, view_type, user=None):
        views = self.env[model].with_user(user or self.history_user).get_views([(False, view_type)])
        return etree.fromstring(views["views"][view_type]["arch"])

    def test_partner_form_emails_page(self):
        arch = self._partner_form(self.history_user)
        pages = arch.xpath("//page[@name='email_history']")
        self.assertEqual(len(pages), 1)
        page = pages[0]
        self.assertEqual(page.get("string"), "Emails")
        self.assertTrue(
            arch.xpath("//page[@name='internal_notes']/following-sibling::page[@name='email_history']"),
            "the Emails page comes after Internal Notes",
        )
        self.assertEqual(
            [node.get("name") for node in page.xpath("./widget")],
            ["email_history_summary", "email_history_lists"],
            "the page shows its summary, then its lists, each loading its own data",
        )
        lists = self._partner_form(self.history_user, LISTS_VIEW)
        for name, (label, field_name) in SUBTABS.items():
            with self.subTest(subtab=name):
                subtab = lists.xpath(f"/form/notebook/page[@name='{name}']")
                self.assertEqual(len(subtab), 1)
                self.assertEqual(subtab[0].get("string"), label)
                self.assertTrue(subtab[0].xpath(f".//field[@name='{field_name}']"))

    def test_opening_a_contact_reads_no_email_history(self):
        """The web client reads the fields of a form's arch (get_views' fields) when it opens a
        record: of the addon's fields, the contact's form asks only for the consent column. The
        Emails Sent button asks for its counts once the form is shown, the Emails page loads its
        lists from their own view once shown."""
        partner_fields = self.env["res.partner"]._fields
        addon_fields = {name for name, field in partner_fields.items() if field._module == MODULE}
        page_lists = {"email_page_send_ids", "email_filtered_click_ids", "email_page_note_ids"}
        self.assertTrue(page_lists | {"email_send_count", "email_page_totals"} <= addon_fields)
        for user in (self.history_user, self.env.ref("base.user_admin")):
            with self.subTest(user=user.login):
                form_fields = set(self._partner_views(user)["models"]["res.partner"]["fields"])
                self.assertEqual(form_fields & addon_fields, {"email_tracking_opt_out"})
                lists_fields = set(self._partner_views(user, LISTS_VIEW)["models"]["res.partner"]["fields"])
                self.assertTrue(page_lists | {"email_page_totals", "email_selected_send_id"} <= lists_fields)

    def test_opening_a_contact_queries_no_email_history(self):
        """The form's web_read runs the queries of the same form without the addon's fields,
        none of them on the history's tables."""
        partner = self.partner.with_user(self.history_user)
        form_fields = self._partner_views(self.history_user)["models"]["res.partner"]["fields"]
        spec = {
            name: {"fields": {"display_name": {}}} if partner._fields[name].relational else {}
            for name in [*form_fields, "display_name"]
        }
        addon_fields = {name for name, field in partner._fields.items() if field._module == MODULE}
        queries = {}
        for label, fields_spec in (
            ("without the addon's fields", {name: spec[name] for name in spec.keys() - addon_fields}),
            ("with them", spec),
        ):
            partner.web_read(fields_spec)  # warms the caches of rules, translations and users
            self.env.invalidate_all()
            with self._recorded_queries() as queries[label]:
                partner.web_read(fields_spec)
        self.assertTrue(queries["with them"])
        self.assertEqual(len(queries["with them"]), len(queries["without the addon's fields"]))
        self.assertFalse([query for query in queries["with them"] if HISTORY_TABLE_RE.search(query)])

    @contextmanager
    def _recorded_queries(self):
        queries = []
        execute = Cursor.execute

        def recording_execute(cursor, query, params=None, log_exceptions=True):
            queries.append(query.code if isinstance(query, SQL) else query)
            return execute(cursor, query, params, log_exceptions)

        self.env.flush_all()
        with patch.object(Cursor, "execute", recording_execute):
            yield queries

    def test_partner_form_hides_page_without_group(self):
        employee = new_test_user(self.env, "history_employee", groups="base.group_user")
        arch = self._partner_form(employee)
        self.assertTrue(arch.xpath("//page[@name='internal_notes']"))
        self.assertFalse(arch.xpath("//page[@name='email_history']"))
        self.assertFalse(arch.xpath("//widget[@name='email_history_button']"))

    def test_actions_load_all_their_views(self):
        for xmlid, model in ACTIONS.items():
            action = self.env.ref(xmlid)
            self.assertEqual(action.res_model, model)
            view_types = action.view_mode.split(",")
            with self.subTest(action=xmlid):
                views = (
                    self.env[model]
                    .with_user(self.history_user)
                    .get_views([(False, view_type) for view_type in [*view_types, "search"]])
                )
                self.assertEqual(set(views["views"]), {*view_types, "search"})

    def test_status_column_and_failed_rows(self):
        for model in ("partner.email.send", "partner.connection.note"):
            with self.subTest(model=model):
                arch = self._arch(model, "list")
                self.assertEqual(arch.get("decoration-danger"), "state == 'failed'")
                self.assertTrue(arch.xpath("//field[@name='state'][@widget='email_history_status']"))

    def test_note_rows_grey_or_blue(self):
        arch = self._arch("partner.connection.note", "list")
        self.assertIn("is_highlighted", arch.get("decoration-info"))
        self.assertIn("not is_highlighted", arch.get("decoration-muted"))

    def _filter_domain(self, model, name):
        arch = self._arch(model, "search")
        nodes = arch.xpath(f"//filter[@name='{name}']")
        self.assertEqual(len(nodes), 1, f"search view of {model} has filter {name}")
        return safe_eval(nodes[0].get("domain"))

    def _search_filter(self, model, name):
        domain = self._filter_domain(model, name)
        return self.env[model].search([*domain, ("partner_id", "=", self.partner.id)])

    def test_send_search_filters(self):
        self.assertEqual(self._search_filter("partner.email.send", "filter_failed"), self.individual_send)
        self.assertEqual(
            self._search_filter("partner.email.send", "filter_opened"),
            self.campaign_send + self.individual_send,
        )
        self.assertEqual(self._search_filter("partner.email.send", "filter_campaign"), self.campaign_send)
        self.campaign_send.open_ids.unlink()
        self.campaign_send.click_ids.unlink()
        self.assertEqual(
            self._search_filter("partner.email.send", "filter_not_opened"),
            self.campaign_send,
            "a failed email is not counted as not opened",
        )

    def test_group_by_filters(self):
        expected = {
            "partner.email.send": {
                "group_by_campaign": "campaign_id",
                "group_by_connection_type": "connection_type",
            },
            "partner.email.click": {"group_by_campaign": "campaign_id", "group_by_partner": "partner_id"},
            "partner.connection.note": {"group_by_connection_type": "connection_type"},
        }
        for model, group_bys in expected.items():
            arch = self._arch(model, "search")
            for name, field_name in group_bys.items():
                with self.subTest(model=model, filter=name):
                    node = arch.xpath(f"//filter[@name='{name}']")[0]
                    self.assertEqual(safe_eval(node.get("context"))["group_by"], field_name)
                    self.assertTrue(
                        self.env[model]._read_group(
                            [("partner_id", "=", self.partner.id)], [field_name], ["__count"]
                        )
                    )

    def test_menu_visible_to_history_users_only(self):
        menu = self.env.ref("partner_email_history.partner_email_history_menu")
        self.assertEqual(menu.parent_id, self.env.ref("contacts.menu_contacts"))
        children = menu.child_id
        self.assertEqual([child.action.res_model for child in children], list(ACTIONS.values()))
        employee = new_test_user(self.env, "history_employee", groups="base.group_user")
        menus = self.env["ir.ui.menu"]
        self.assertTrue(set((menu | children).ids) <= menus.with_user(self.history_user)._visible_menu_ids())
        self.assertFalse(set((menu | children).ids) & menus.with_user(employee)._visible_menu_ids())
