from odoo import models


class PartnerEmailSend(models.Model):
    _inherit = "partner.email.send"

    # The contact's "Emails Sent" button counts its sent and failed emails (up to a limit) from
    # this index alone: company_id is the column of the multi-company rule.
    _partner_state_idx = models.Index("(partner_id, state, company_id)")
