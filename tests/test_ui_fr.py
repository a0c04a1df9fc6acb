from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestEmailHistoryUiFrench(HttpCase):
    """The Emails page of a demo contact for a user working in French.

    Skipped without Chromium, like every browser test: scripts/run_tests.py fails on that skip.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(["partner_email_history"], ["fr_FR"])
        cls.env.ref("base.user_admin").lang = "fr_FR"
        cls.partner = cls.env.ref("partner_email_history.demo_partner_raj")

    def test_emails_page_tour_in_french(self):
        self.start_tour(
            f"/odoo/res.partner/{self.partner.id}", "partner_email_history_fr_tour", login="admin"
        )
