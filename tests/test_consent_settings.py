from odoo.exceptions import AccessError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged

from ..models.mail_mail import TRACKING_ENABLED_PARAM
from ..models.partner_email_retention import RETENTION_DAYS_PARAM
from .email_history_common import MANAGER_GROUP, USER_GROUP


@tagged("post_install", "-at_install")
class TestConsentSettings(TransactionCase):
    def _save_settings(self, **values):
        self.env["res.config.settings"].create(values).execute()

    def _settings(self):
        return self.env["res.config.settings"].create({})

    def _param(self, key):
        return self.env["ir.config_parameter"].get_param(key)

    def test_defaults(self):
        settings = self._settings()
        self.assertTrue(settings.email_history_tracking_enabled)
        self.assertEqual(settings.email_history_event_retention_days, 730)
        self.assertTrue(settings.email_history_track_individual)
        self.assertEqual(self.env["partner.email.retention"]._get_retention_days(), 730)

    def test_tracking_off_is_really_off(self):
        self._save_settings(email_history_tracking_enabled=False)
        self.assertEqual(self._param(TRACKING_ENABLED_PARAM), "False")
        self.assertFalse(self.env["mail.mail"]._email_history_tracking_enabled())
        self.assertFalse(self._settings().email_history_tracking_enabled)
        self._save_settings(email_history_tracking_enabled=False)
        self.assertFalse(self.env["mail.mail"]._email_history_tracking_enabled(), "saving again keeps it off")
        self._save_settings(email_history_tracking_enabled=True)
        self.assertTrue(self.env["mail.mail"]._email_history_tracking_enabled())
        self.assertTrue(self._settings().email_history_tracking_enabled)

    def test_retention_days_saved(self):
        self._save_settings(email_history_event_retention_days=90)
        self.assertEqual(self._param(RETENTION_DAYS_PARAM), "90")
        self.assertEqual(self._settings().email_history_event_retention_days, 90)
        self.assertEqual(self.env["partner.email.retention"]._get_retention_days(), 90)

    def test_zero_days_means_for_ever(self):
        self._save_settings(email_history_event_retention_days=0)
        self.assertEqual(self._param(RETENTION_DAYS_PARAM), "0")
        self.assertEqual(self._settings().email_history_event_retention_days, 0)
        self.assertEqual(self.env["partner.email.retention"]._get_retention_days(), 0)

    def test_negative_days_refused(self):
        with self.assertRaises(ValidationError):
            self._save_settings(email_history_event_retention_days=-1)

    def test_settings_and_contact_form_show_the_switches(self):
        settings_arch = self.env["res.config.settings"].get_views([(False, "form")])["views"]["form"]["arch"]
        for field_name in (
            "email_history_tracking_enabled",
            "email_history_track_individual",
            "email_history_event_retention_days",
        ):
            self.assertIn(f'name="{field_name}"', settings_arch)
        partner_arch = self.env["res.partner"].get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertEqual(
            partner_arch.count('name="email_tracking_opt_out"'), 2, "preferences and Emails page"
        )

    def test_company_switch(self):
        self._save_settings(email_history_track_individual=False)
        self.assertFalse(self.env.company.email_history_track_individual)
        self.assertFalse(self._settings().email_history_track_individual)


@tagged("post_install", "-at_install")
class TestTrackingPolicy(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contact = cls.env["res.partner"].create({"name": "Jane Customer", "email": "jane@example.com"})
        cls.company = cls.env.company

    def _reason(self, connection_type="individual", company=None):
        return self.contact._email_history_untracked_reason(
            connection_type, self.company if company is None else company
        )

    def test_tracked_by_default(self):
        for connection_type in ("individual", "campaign", "notification"):
            with self.subTest(connection_type=connection_type):
                self.assertIsNone(self._reason(connection_type))

    def test_opted_out_contact_is_never_tracked(self):
        self.contact.email_tracking_opt_out = True
        for connection_type in ("individual", "campaign", "notification"):
            with self.subTest(connection_type=connection_type):
                self.assertEqual(self._reason(connection_type), "contact opted out")

    def test_company_switch_leaves_only_individual_emails_untracked(self):
        self.company.email_history_track_individual = False
        self.assertEqual(self._reason("individual"), "individual emails are not tracked for this company")
        self.assertIsNone(self._reason("campaign"))
        self.assertIsNone(self._reason("notification"))
        other = self.env["res.company"].create({"name": "Other Company"})
        self.assertIsNone(self._reason("individual", other), "the switch is per company")
        self.assertIsNone(self._reason("individual", self.env["res.company"]))

    def test_tracking_off_everywhere(self):
        self.env["ir.config_parameter"].set_param(TRACKING_ENABLED_PARAM, "False")
        self.assertEqual(self._reason("campaign"), "email tracking is turned off")

    def test_contact_editors_set_the_objection(self):
        editor = new_test_user(
            self.env, "contact_editor", groups="base.group_user,base.group_partner_manager"
        )
        self.contact.with_user(editor).email_tracking_opt_out = True
        self.assertTrue(self.contact.email_tracking_opt_out)
        manager = new_test_user(
            self.env, "history_consent_manager", groups=f"base.group_user,{MANAGER_GROUP}"
        )
        self.contact.with_user(manager).email_tracking_opt_out = False
        self.assertFalse(self.contact.email_tracking_opt_out)
        with self.assertRaises(AccessError, msg="only that field, not the contact"):
            self.contact.with_user(manager).write({"email_tracking_opt_out": True, "name": "Changed"})
        reader = new_test_user(self.env, "history_consent_reader", groups=f"base.group_user,{USER_GROUP}")
        with self.assertRaises(AccessError, msg="a reader of the history does not decide"):
            self.contact.with_user(reader).email_tracking_opt_out = True
