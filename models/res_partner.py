from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

HISTORY_GROUP = "partner_email_history.group_partner_email_history_user"
HISTORY_MANAGER_GROUP = "partner_email_history.group_partner_email_history_manager"
# Rows each list of the Emails page loads: the page reads the latest ones through the
# (partner, date) indexes, so it costs the same for a contact with years of history. The
# complete history is one click away in the stand-alone lists.
EMAIL_PAGE_LIMIT = 80
# The contact's button and the page count up to this number, then show "1000+", as Odoo's
# list pager does: counting a long history exactly would cost more than the rest of the form.
EMAIL_BUTTON_COUNT_LIMIT = 1000
# Non-stored fields the web client changes on the Emails page to choose what its lists show
# (through onchange): choosing never saves the contact.
EMAIL_PAGE_FILTER_FIELDS = {
    "email_selected_send_id",
    "email_page_campaigns_only",
    "email_page_machine_clicks",
}
EMAIL_PAGE_LIST_FIELDS = {
    "email_page_send_ids",
    "email_filtered_click_ids",
    "email_page_note_ids",
    "email_page_totals",
}


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
        domain="[('partner_id', 'child_of', id)]",
        groups=HISTORY_GROUP,
    )
    email_page_campaigns_only = fields.Boolean(
        string="Campaign Emails Only", store=False, groups=HISTORY_GROUP
    )
    email_page_machine_clicks = fields.Boolean(
        string="Show Machine Clicks", store=False, groups=HISTORY_GROUP
    )
    email_filtered_click_ids = fields.Many2many(
        "partner.email.click",
        string="Links Clicked (filtered)",
        compute="_compute_email_filtered_click_ids",
        groups=HISTORY_GROUP,
    )
    email_page_totals = fields.Json(
        string="Emails Page Totals",
        compute="_compute_email_page_totals",
        groups=HISTORY_GROUP,
        help="How many rows each list of the Emails page would show without its limit "
        "(up to the count limit), to say what the page leaves to the full lists.",
    )

    # One compute per count: a view showing one of them does not pay for counting the others.
    @api.depends("email_send_ids")
    def _compute_email_send_count(self):
        self._compute_email_history_count("partner.email.send", "email_send_count")

    @api.depends("email_click_ids")
    def _compute_email_click_count(self):
        self._compute_email_history_count("partner.email.click", "email_click_count")

    @api.depends("connection_note_ids")
    def _compute_connection_note_count(self):
        self._compute_email_history_count("partner.connection.note", "connection_note_count")

    @api.depends("email_send_ids", "connection_note_ids", "email_page_campaigns_only")
    def _compute_email_page_lists(self):
        for partner in self:
            partner.email_page_send_ids = partner._email_page_records(
                "partner.email.send", partner._email_page_send_domain()
            )
            partner.email_page_note_ids = partner._email_page_records("partner.connection.note")

    @api.depends("email_selected_send_id", "email_click_ids", "email_page_machine_clicks")
    def _compute_email_filtered_click_ids(self):
        for partner in self:
            partner.email_filtered_click_ids = partner._email_page_records(
                "partner.email.click", partner._email_page_click_domain()
            )

    @api.depends(
        "email_send_ids",
        "email_click_ids",
        "connection_note_ids",
        "email_selected_send_id",
        "email_page_campaigns_only",
        "email_page_machine_clicks",
    )
    def _compute_email_page_totals(self):
        for partner in self:
            partner.email_page_totals = {
                "sends": partner._email_page_count("partner.email.send", partner._email_page_send_domain()),
                "clicks": partner._email_page_count(
                    "partner.email.click", partner._email_page_click_domain()
                ),
                "notes": partner._email_page_count("partner.connection.note"),
                "limit": EMAIL_PAGE_LIMIT,
                "count_limit": EMAIL_BUTTON_COUNT_LIMIT,
                "is_company": bool(partner.is_company),
            }

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
        # Choosing what the Emails page shows only filters its lists, but onchange() demands
        # write access on the contact. A reader gets those lists computed without the write
        # check, limited to their own fields, once its reads are verified; the lists are still
        # searched with the reader's rights (_email_page_records).
        if not set(field_names) <= EMAIL_PAGE_FILTER_FIELDS or not self or self.has_access("write"):
            return super().onchange(values, field_names, fields_spec)
        self.check_access("read")
        self.env["partner.email.send"].browse(values.get("email_selected_send_id") or []).check_access("read")
        safe_spec = {
            name: self._email_page_safe_spec(name, spec)
            for name, spec in fields_spec.items()
            if name in EMAIL_PAGE_LIST_FIELDS
        }
        return super(ResPartner, self.sudo()).onchange(values, field_names, safe_spec)

    def _email_page_safe_spec(self, name, spec):
        field = self._fields[name]
        if field.type != "many2many":
            return {}
        comodel_fields = self.env[field.comodel_name]._fields
        return {
            **spec,
            "fields": {
                sub: {"fields": {"display_name": {}}} if sub_spec.get("fields") else {}
                for sub, sub_spec in (spec.get("fields") or {}).items()
                if sub in comodel_fields
            },
        }

    def _email_page_partner_domain(self):
        """The contacts whose history this contact's Emails page shows: a company's page
        rolls up its people's."""
        self.ensure_one()
        if self.is_company:
            return [("partner_id", "child_of", self._origin.id)]
        return [("partner_id", "=", self._origin.id)]

    def _email_page_partners(self):
        """The contacts of ``_email_page_partner_domain``, as records."""
        self.ensure_one()
        return self.search([("id", "child_of", self._origin.id)]) if self.is_company else self._origin

    def _email_page_send_domain(self):
        return [("campaign_id", "!=", False)] if self.email_page_campaigns_only else []

    def _email_page_click_domain(self):
        selected = self.email_selected_send_id
        return [
            *([("send_id", "=", selected.id)] if selected else []),
            *([] if self.email_page_machine_clicks else [("is_machine", "=", False)]),
        ]

    def _email_page_records(self, model, domain=()):
        if not self._origin:
            return self.env[model]
        # sudo(False): a reader's onchange runs as superuser; the lists keep the reader's rules
        return (
            self.env[model]
            .sudo(False)
            .search([*self._email_page_partner_domain(), *domain], limit=EMAIL_PAGE_LIMIT)
        )

    def _email_page_count(self, model, domain=()):
        if not self._origin:
            return 0
        return (
            self.env[model]
            .sudo(False)
            .search_count([*self._email_page_partner_domain(), *domain], limit=EMAIL_BUTTON_COUNT_LIMIT + 1)
        )

    def get_email_history_button_counts(self):
        """What each contact's *Emails Sent* button shows: ``{partner id: {"sent": label,
        "failed": label or False}}``, False for a contact no email was sent to. The web client
        asks once the contact's form is shown, so that opening a contact reads none of its
        history; one query per contact, with the reader's rules."""
        if not self.env.user.has_group(HISTORY_GROUP):
            raise AccessError(self.env._("Only Email History users may count a contact's emails."))
        self.check_access("read")
        return {partner.id: partner._email_button_counts() for partner in self}

    def _email_button_counts(self):
        sent, failed = self._email_send_counts()
        if not sent + failed:
            return False
        return {
            "sent": self._email_count_label(sent),
            "failed": self._email_count_label(failed) if failed else False,
        }

    def _email_send_counts(self):
        """(sent, failed): the contact's emails that left and those that failed, each counted up
        to the count limit + 1, with the reader's rules: one query, read from one index."""
        if not self._origin:
            return 0, 0
        # sudo(False): the counts keep the reader's rules, as the page's lists
        sends = self.env["partner.email.send"].sudo(False)
        sends.flush_model(["partner_id", "state", "company_id"])
        query = sends._search(self._email_page_partner_domain())
        failed = SQL("%s = %s", SQL.identifier(sends._table, "state"), "failed")

        def capped_count(condition):
            return SQL(
                "SELECT count(*) FROM (SELECT FROM %s WHERE (%s) AND %s LIMIT %s) capped",
                query.from_clause,
                query.where_clause,
                condition,
                EMAIL_BUTTON_COUNT_LIMIT + 1,
            )

        [counts] = self.env.execute_query(
            SQL("SELECT (%s), (%s)", capped_count(SQL("NOT %s", failed)), capped_count(failed))
        )
        return counts

    @staticmethod
    def _email_count_label(count):
        return f"{EMAIL_BUTTON_COUNT_LIMIT}+" if count > EMAIL_BUTTON_COUNT_LIMIT else str(count)

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
