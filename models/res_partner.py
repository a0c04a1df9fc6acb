from odoo import api, fields, models

HISTORY_GROUP = "partner_email_history.group_partner_email_history_user"
HISTORY_MANAGER_GROUP = "partner_email_history.group_partner_email_history_manager"
# Rows each list of the Emails page loads: the page reads the latest ones through the
# (partner, date) indexes, so it costs the same for a contact with years of history. The
# complete history is one click away in the stand-alone lists.
EMAIL_PAGE_LIMIT = 80
# The contact's button counts emails up to this number, then shows "1000+", as Odoo's list
# pager does: counting a long history exactly would cost more than the rest of the form.
EMAIL_BUTTON_COUNT_LIMIT = 1000


class ResPartner(models.Model):
    _inherit = "res.partner"

    email_tracking_opt_out = fields.Boolean(
        string="Do not track emails",
        help="Emails to this contact get no open pixel and no tracked links. They are still "
        "listed on the contact's Emails page, with their outcome.",
    )
    email_send_ids = fields.One2many(
        "partner.email.send", "partner_id", string="Campaign Emails Sent", groups=HISTORY_GROUP
    )
    email_click_ids = fields.One2many(
        "partner.email.click", "partner_id", string="Links Clicked", groups=HISTORY_GROUP
    )
    connection_note_ids = fields.One2many(
        "partner.connection.note", "partner_id", string="Connection Notes", groups=HISTORY_GROUP
    )
    email_send_count = fields.Integer(
        string="Emails Sent", compute="_compute_email_send_count", groups=HISTORY_GROUP
    )
    email_send_count_label = fields.Char(
        string="Emails Sent Label", compute="_compute_email_send_count_label", groups=HISTORY_GROUP
    )
    email_click_count = fields.Integer(
        string="Links Clicked Count", compute="_compute_email_click_count", groups=HISTORY_GROUP
    )
    connection_note_count = fields.Integer(
        string="Connection Notes Count", compute="_compute_connection_note_count", groups=HISTORY_GROUP
    )
    email_page_send_ids = fields.Many2many(
        "partner.email.send",
        string="Latest Emails Sent",
        compute="_compute_email_page_lists",
        groups=HISTORY_GROUP,
    )
    email_page_note_ids = fields.Many2many(
        "partner.connection.note",
        string="Latest Connection Notes",
        compute="_compute_email_page_lists",
        groups=HISTORY_GROUP,
    )
    email_selected_send_id = fields.Many2one(
        "partner.email.send",
        string="Selected Email",
        store=False,
        domain="[('partner_id', '=', id)]",
        groups=HISTORY_GROUP,
    )
    email_filtered_click_ids = fields.Many2many(
        "partner.email.click",
        string="Links Clicked (filtered)",
        compute="_compute_email_filtered_click_ids",
        groups=HISTORY_GROUP,
    )

    # One compute per count: a view showing one of them does not pay for counting the others.
    @api.depends("email_send_ids")
    def _compute_email_send_count(self):
        self._compute_email_history_count("partner.email.send", "email_send_count")

    @api.depends("email_send_ids")
    def _compute_email_send_count_label(self):
        sends = self.env["partner.email.send"]
        for partner in self:
            count = partner._origin and sends.search_count(
                [("partner_id", "=", partner._origin.id)], limit=EMAIL_BUTTON_COUNT_LIMIT + 1
            )
            partner.email_send_count_label = (
                f"{EMAIL_BUTTON_COUNT_LIMIT}+" if count > EMAIL_BUTTON_COUNT_LIMIT else str(count or "")
            )

    @api.depends("email_click_ids")
    def _compute_email_click_count(self):
        self._compute_email_history_count("partner.email.click", "email_click_count")

    @api.depends("connection_note_ids")
    def _compute_connection_note_count(self):
        self._compute_email_history_count("partner.connection.note", "connection_note_count")

    @api.depends("email_send_ids", "connection_note_ids")
    def _compute_email_page_lists(self):
        for partner in self:
            partner.email_page_send_ids = partner._email_page_records("partner.email.send")
            partner.email_page_note_ids = partner._email_page_records("partner.connection.note")

    @api.depends("email_selected_send_id", "email_click_ids")
    def _compute_email_filtered_click_ids(self):
        for partner in self:
            selected = partner.email_selected_send_id
            partner.email_filtered_click_ids = partner._email_page_records(
                "partner.email.click", [("send_id", "=", selected.id)] if selected else []
            )

    def write(self, vals):
        # Email history managers record a contact's objection to tracking even when they may
        # not edit contacts: that one field, on contacts they can read.
        if (
            set(vals) == {"email_tracking_opt_out"}
            and self.env.user.has_group(HISTORY_MANAGER_GROUP)
            and not self.has_access("write")
        ):
            self.check_access("read")
            return super(ResPartner, self.sudo()).write(vals)
        return super().write(vals)

    def onchange(self, values, field_names, fields_spec):
        # Selecting a message on the Emails page only filters the Links Clicked list, but
        # onchange() demands write access on the contact. A reader gets that list computed
        # without the write check, limited to the click fields, once its reads are verified.
        if field_names != ["email_selected_send_id"] or not self or self.has_access("write"):
            return super().onchange(values, field_names, fields_spec)
        self.check_access("read")
        self.env["partner.email.send"].browse(values.get("email_selected_send_id") or []).check_access("read")
        click_spec = fields_spec.get("email_filtered_click_ids") or {}
        click_fields = self.env["partner.email.click"]._fields
        safe_spec = {
            "email_filtered_click_ids": {
                **click_spec,
                "fields": {
                    name: {"fields": {"display_name": {}}} if spec.get("fields") else {}
                    for name, spec in (click_spec.get("fields") or {}).items()
                    if name in click_fields
                },
            }
        }
        return super(ResPartner, self.sudo()).onchange(values, field_names, safe_spec)

    def _email_page_records(self, model, domain=()):
        if not self._origin:
            return self.env[model]
        return self.env[model].search([("partner_id", "=", self._origin.id), *domain], limit=EMAIL_PAGE_LIMIT)

    def _compute_email_history_count(self, model, field):
        counts = dict(
            self.env[model]._read_group([("partner_id", "in", self._origin.ids)], ["partner_id"], ["__count"])
        )
        for partner in self:
            partner[field] = counts.get(partner._origin, 0)

    def _email_history_untracked_reason(self, connection_type, company):
        """Why an email of ``connection_type`` sent for ``company`` to this contact must not
        be tracked, or None when it may be: the single consent policy of the sending code."""
        self.ensure_one()
        if not self.env["mail.mail"]._email_history_tracking_enabled():
            return self.env._("email tracking is turned off")
        if self.email_tracking_opt_out:
            return self.env._("contact opted out")
        if connection_type == "individual" and company and not company.email_history_track_individual:
            return self.env._("individual emails are not tracked for this company")
        return None
