from odoo import models


class PartnerEmailSend(models.Model):
    _inherit = "partner.email.send"

    # The contact's "Emails Sent" button counts its failed emails apart (up to a limit): without
    # this index, that count would read every email of a contact with many and few failures.
    _partner_failed_idx = models.Index("(partner_id) WHERE state = 'failed'")
