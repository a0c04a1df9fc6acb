from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    email_history_track_individual = fields.Boolean(
        string="Track Individual Emails",
        default=True,
        help="Add open and link tracking to the one-to-one emails users write to contacts on "
        "behalf of this company. When off they are still listed on the contact's Emails page, "
        "untracked. Campaigns and notifications are tracked either way.",
    )
