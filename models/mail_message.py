from odoo import fields, models


class MailMessage(models.Model):
    """The template a message was rendered from is the message's: one rendering for all of
    its emails. Kept here, the outgoing ``mail.mail`` reads it through its message (until it
    is sent by the mail queue, in another transaction), and ``message_post`` stores it as
    any other message value (composer in comment mode, ``message_post_with_source``)."""

    _inherit = "mail.message"

    email_history_template_id = fields.Many2one(
        "mail.template",
        string="Rendered From Template",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
    )
