from odoo.tests import TransactionCase, new_test_user

USER_GROUP = "partner_email_history.group_partner_email_history_user"
MANAGER_GROUP = "partner_email_history.group_partner_email_history_manager"


class EmailHistoryCase(TransactionCase):
    """One contact with a campaign email (two clicks, one open), an individual email
    (one click) and a connection note for each."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.history_user = new_test_user(cls.env, "history_user", groups=f"base.group_user,{USER_GROUP}")
        cls.history_manager = new_test_user(
            cls.env, "history_manager", groups=f"base.group_user,{MANAGER_GROUP}"
        )
        cls.partner = cls.env["res.partner"].create(
            {"name": "Jane Customer", "email": "jane.customer@example.com"}
        )
        cls.campaign = cls.env["utm.campaign"].create({"title": "Spring Sale"})
        cls.campaign_send, cls.individual_send = cls.env["partner.email.send"].create(
            [
                {
                    "partner_id": cls.partner.id,
                    "campaign_id": cls.campaign.id,
                    "connection_type": "campaign",
                    "subject": "Our spring sale starts now",
                    "state": "sent",
                },
                {
                    "partner_id": cls.partner.id,
                    "connection_type": "individual",
                    "subject": "Your quotation",
                    "state": "failed",
                    "failure_reason": (
                        "550 5.1.1 <jane.customer@example.com>: Recipient address rejected: User unknown"
                    ),
                },
            ]
        )
        cls.open = cls.env["partner.email.open"].create({"send_id": cls.campaign_send.id})
        cls.sale_click, cls.shop_click, cls.quote_click = cls.env["partner.email.click"].create(
            [
                {"send_id": cls.campaign_send.id, "url": "https://www.example.com/sale"},
                {"send_id": cls.campaign_send.id, "url": "https://www.example.com/shop"},
                {"send_id": cls.individual_send.id, "url": "https://www.example.com/quote"},
            ]
        )
        cls.campaign_note, cls.individual_note = cls.env["partner.connection.note"].create(
            [
                {
                    "partner_id": cls.partner.id,
                    "connection_type": "campaign",
                    "title": cls.campaign_send.subject,
                    "send_id": cls.campaign_send.id,
                },
                {
                    "partner_id": cls.partner.id,
                    "connection_type": "individual",
                    "title": cls.individual_send.subject,
                    "send_id": cls.individual_send.id,
                },
            ]
        )
