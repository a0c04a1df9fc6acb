import json
import secrets

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, email_normalize, html_sanitize

from ..tools import CLICK, OPEN, ExpiringCache, block_remote_content, generic_preview, make_token, redact_url
from .email_event_search import event_time_domain
from .partner_connection_note import CONNECTION_TYPES
from .partner_email_month import stale_months_insert

TOKEN_KEY_PARAM = "partner_email_history.token_key"
# The link targets of the emails clicked lately, per process: a link scanner or a person
# clicking several links of one email reads them once. The targets of an email never change
# once it is sent; the links of a deleted email keep leading to their targets for a minute.
RECENT_LINK_TARGETS = ExpiringCache(size=10_000, ttl=60)
# A person's opens and clicks of each send: the first one is when it was opened.
_PERSON_EVENTS = SQL(
    """SELECT send_id, opened_at AS event_at FROM partner_email_open WHERE is_machine IS NOT TRUE
        UNION ALL
       SELECT send_id, clicked_at FROM partner_email_click WHERE is_machine IS NOT TRUE"""
)

# What the monthly figures of a contact's emails are made of (see partner.email.month), and
# what moves an email to another contact-month (whose figures it then leaves).
_MONTH_FIGURES_FIELDS = frozenset({"partner_id", "company_id", "sent_at", "state"})
_CONTACT_MONTH_FIELDS = frozenset({"partner_id", "sent_at"})
# The columns of a send given at send time, with their SQL types.
_SEND_COLUMNS = (
    ("mail_mail_id", "int4"),
    ("partner_id", "int4"),
    ("campaign_id", "int4"),
    ("subject", "varchar"),
    ("email_to", "varchar"),
    ("email_normalized", "varchar"),
    ("connection_type", "varchar"),
    ("mail_message_id", "int4"),
    ("mailing_trace_id", "int4"),
    ("company_id", "int4"),
    ("template_id", "int4"),
)
# One statement per batch of emails: the sends not recorded by an earlier try of the same
# email (a retry keeps its send, the latest one if an older version of the addon made
# several), and a connection note for each new send.
_RECORD_SENDS_SQL = """
    WITH wanted (%(columns)s) AS (VALUES %(rows)s),
    existing AS (
        SELECT DISTINCT ON (send.mail_mail_id, send.partner_id) send.mail_mail_id, send.partner_id, send.id
          FROM partner_email_send send
          JOIN wanted USING (mail_mail_id, partner_id)
      ORDER BY send.mail_mail_id, send.partner_id, send.id DESC
    ), new_send AS (
        INSERT INTO partner_email_send (
            %(columns)s, state, sent_at, create_uid, create_date, write_uid, write_date)
        SELECT %(wanted_columns)s, 'outgoing', %(now)s, %(uid)s, %(now)s, %(uid)s, %(now)s
          FROM wanted
         WHERE NOT EXISTS (SELECT 1 FROM existing
                            WHERE existing.mail_mail_id = wanted.mail_mail_id
                              AND existing.partner_id = wanted.partner_id)
     RETURNING *
    ), new_note AS (
        INSERT INTO partner_connection_note (
            partner_id, date, direction, connection_type, company_id, title, send_id,
            mail_message_id, create_uid, create_date, write_uid, write_date)
        SELECT partner_id, sent_at, 'sent', connection_type, company_id, subject, id,
               mail_message_id, %(uid)s, %(now)s, %(uid)s, %(now)s
          FROM new_send
    )
    SELECT mail_mail_id, partner_id, id FROM new_send
     UNION ALL
    SELECT mail_mail_id, partner_id, id FROM existing
"""


class PartnerEmailSend(models.Model):
    _name = "partner.email.send"
    _description = "Tracked Email Sent to a Contact"
    _order = "sent_at desc, id desc"

    partner_id = fields.Many2one("res.partner", string="Contact", required=True, ondelete="cascade")
    campaign_id = fields.Many2one("utm.campaign", index="btree_not_null", ondelete="set null")
    subject = fields.Char()
    email_to = fields.Char(string="Recipient Address")
    # Also how privacy_lookup (when installed) finds the emails sent to an address.
    email_normalized = fields.Char(
        string="Normalized Recipient Address", compute="_compute_email_normalized", store=True
    )
    sent_at = fields.Datetime(string="Sent", default=fields.Datetime.now)
    # Derived from the events, never written by a hit: a tracking route only inserts rows.
    opened_at = fields.Datetime(
        string="Opened",
        compute="_compute_opened_at",
        search="_search_opened_at",
        help="The first time a person opened the email or clicked one of its links.",
    )
    open_count = fields.Integer(string="Opens", compute="_compute_event_counts")
    click_count = fields.Integer(string="Clicks", compute="_compute_event_counts")
    state = fields.Selection(
        [("outgoing", "Outgoing"), ("sent", "Sent"), ("failed", "Failed")], required=True, default="outgoing"
    )
    failure_reason = fields.Text(string="Server Response", readonly=True)
    deferred_reason = fields.Text(
        string="Deferred",
        readonly=True,
        help="What the receiving server answered when it delayed delivery and kept retrying.",
    )
    untracked_reason = fields.Char(
        string="Not Tracked",
        readonly=True,
        help="Why this email left without open and click tracking, when it did.",
    )
    template_id = fields.Many2one("mail.template", ondelete="set null")
    preview_html = fields.Html(
        string="Preview",
        compute="_compute_preview_html",
        # sanitized by the compute, before it holds back remote images in attributes
        # that the sanitizer would drop
        sanitize=False,
        help="The email's generic content, without the contact's tracking pixel and links: "
        "the body of its mailing, else of its template, else of its message. Remote images "
        "are held back until asked for.",
    )
    mail_message_id = fields.Many2one(
        "mail.message", string="Message", index="btree_not_null", ondelete="set null"
    )
    mail_mail_id = fields.Integer(string="Outgoing Mail", index="btree_not_null", readonly=True)
    mailing_trace_id = fields.Integer(readonly=True)
    connection_type = fields.Selection(CONNECTION_TYPES, required=True, default="individual")
    company_id = fields.Many2one(
        "res.company",
        index=True,
        readonly=True,
        help="The company the email was sent for: the company of its document, else the "
        "company it was sent from.",
    )
    # The links as users may read them (without access tokens). The targets the redirect
    # needs, secrets included, live in the column link_targets, which no field exposes.
    link_urls = fields.Json(string="Tracked Links", readonly=True, copy=False)
    open_ids = fields.One2many("partner.email.open", "send_id", string="Open Events")
    click_ids = fields.One2many("partner.email.click", "send_id", string="Links Clicked")

    # Also the index of partner_id alone (one2many of the contact, cascade on its deletion).
    _partner_sent_at_idx = models.Index("(partner_id, sent_at DESC, id DESC)")
    # The contact's "Emails Sent" button counts its sent and failed emails (up to a limit) from
    # this index alone: company_id is the column of the multi-company rule.
    _partner_state_idx = models.Index("(partner_id, state, company_id)")
    _outgoing_idx = models.Index("(create_date) WHERE state = 'outgoing'")

    def init(self):
        res = super().init()
        self.env.cr.execute(
            SQL(
                "ALTER TABLE partner_email_send ADD COLUMN IF NOT EXISTS link_targets jsonb,"
                " ADD COLUMN IF NOT EXISTS link_tracker_codes jsonb"
            )
        )
        return res

    @api.model_create_multi
    def create(self, vals_list):
        self._check_links_not_written(vals_list)
        sends = super().create(vals_list)
        sends._mark_months_stale()
        return sends

    def write(self, vals):
        self._check_links_not_written([vals])
        if not _CONTACT_MONTH_FIELDS.isdisjoint(vals):
            self._mark_months_stale()
        result = super().write(vals)
        if not _MONTH_FIGURES_FIELDS.isdisjoint(vals):
            self._mark_months_stale()
        return result

    def unlink(self):
        self._mark_months_stale()
        return super().unlink()

    def _mark_months_stale(self):
        """Mark the figures of the months of these emails stale (see partner.email.month)."""
        if not self.ids:
            return
        self.flush_recordset(["partner_id", "sent_at"])
        self.env.cr.execute(
            stale_months_insert(
                SQL("SELECT partner_id, sent_at FROM partner_email_send WHERE id IN %s", tuple(self.ids))
            )
        )

    @api.model
    def _check_links_not_written(self, vals_list):
        if any("link_urls" in vals for vals in vals_list):
            raise UserError(
                self.env._("The tracked links of an email are set when it is sent and cannot be changed.")
            )

    @api.depends("email_to")
    def _compute_email_normalized(self):
        for send in self:
            send.email_normalized = email_normalize(send.email_to or "")

    @api.depends("campaign_id.title", "subject")
    def _compute_display_name(self):
        for send in self:
            subject = send.subject or self.env._("(no subject)")
            send.display_name = f"{send.campaign_id.title}: {subject}" if send.campaign_id else subject

    @api.depends("open_ids", "click_ids")
    def _compute_event_counts(self):
        opens = self._person_event_stats("partner.email.open")
        clicks = self._person_event_stats("partner.email.click")
        for send in self:
            send.open_count = opens.get(send.id, (0, None))[0]
            send.click_count = clicks.get(send.id, (0, None))[0]

    @api.depends("open_ids", "click_ids")
    def _compute_opened_at(self):
        opens = self._person_event_stats("partner.email.open")
        clicks = self._person_event_stats("partner.email.click")
        for send in self:
            times = [stats[send.id][1] for stats in (opens, clicks) if send.id in stats]
            send.opened_at = min(times, default=False)

    def _person_event_stats(self, event_model):
        """``{send id: (count, first time)}`` of the events of ``event_model`` a person made."""
        if not self.ids:
            return {}
        table = self.env[event_model]._table
        time_column = "opened_at" if event_model == "partner.email.open" else "clicked_at"
        self.env[event_model].flush_model(["send_id", time_column, "is_machine"])
        rows = self.env.execute_query(
            SQL(
                """SELECT send_id, count(*), min(%s) FROM %s
                    WHERE send_id IN %s AND is_machine IS NOT TRUE GROUP BY send_id""",
                SQL.identifier(time_column),
                SQL.identifier(table),
                tuple(self.ids),
            )
        )
        return {send_id: (count, first) for send_id, count, first in rows}

    def _search_opened_at(self, operator, value):
        self.env["partner.email.open"].flush_model()
        self.env["partner.email.click"].flush_model()
        return event_time_domain(_PERSON_EVENTS, "send_id", "min", operator, value)

    @api.depends("template_id.body_html", "mail_message_id.body", "mailing_trace_id")
    def _compute_preview_html(self):
        # sudo: what was sent to the contact is part of its history, whatever the reader's
        # access to the mailing, the template or the document the message was posted on
        traces = self.env["mailing.trace"].sudo() if "mailing.trace" in self.env else None
        for send, send_sudo in zip(self, self.sudo(), strict=True):
            mailing = (
                traces.browse(send.mailing_trace_id).exists().mass_mailing_id
                if traces is not None and send.mailing_trace_id
                else None
            )
            source = (mailing and mailing.body_html) or send_sudo.template_id.body_html
            body = generic_preview(source) if source else send_sudo.mail_message_id.body
            send.preview_html = body and block_remote_content(
                html_sanitize(body, sanitize_attributes=True, sanitize_style=True)
            )

    @api.model
    def _record_sends(self, vals_list):
        """Record the sends of ``vals_list`` (one per email and contact: ``mail_mail_id``,
        ``partner_id`` and the other columns of ``_SEND_COLUMNS``), state outgoing, with
        their connection notes, in one statement; an email tried before keeps the send it
        already has. Return ``{(mail_mail_id, partner_id): send id}``."""
        if not vals_list:
            return {}
        for vals in vals_list:
            vals["email_normalized"] = email_normalize(vals.get("email_to") or "") or None
        rows = SQL(", ").join(
            SQL(
                "(%s)",
                SQL(", ").join(
                    SQL("%s::%s", vals.get(column) or None, SQL(sql_type))
                    for column, sql_type in _SEND_COLUMNS
                ),
            )
            for vals in vals_list
        )
        columns = SQL(", ").join(SQL.identifier(column) for column, _type in _SEND_COLUMNS)
        rows = self.env.execute_query(
            SQL(
                _RECORD_SENDS_SQL,
                rows=rows,
                columns=columns,
                wanted_columns=SQL(", ").join(
                    SQL.identifier("wanted", column) for column, _type in _SEND_COLUMNS
                ),
                uid=self.env.uid,
                now=SQL("(now() AT TIME ZONE 'UTC')"),
            )
        )
        return {(mail_mail_id, partner_id): send_id for mail_mail_id, partner_id, send_id in rows}

    def _store_links(self, targets_by_send, codes_by_send=None):
        """Store the tracked links of sends: ``{send id: [target URL, ...]}``, and the link
        tracker code each link replaced (``{send id: [code or None, ...]}``). Users read the
        links without their secrets (``link_urls``); the targets are kept for the redirect."""
        codes_by_send = codes_by_send or {}
        # an email to many contacts has the same links for each: their JSON is built once
        links_json = {}
        for targets in targets_by_send.values():
            if (key := tuple(targets)) not in links_json:
                links_json[key] = (json.dumps(targets), json.dumps([redact_url(url) for url in targets]))
        rows = [
            SQL(
                "(%s, %s::jsonb, %s::jsonb, %s::jsonb)",
                send_id,
                *links_json[tuple(targets)],
                json.dumps(codes_by_send[send_id]) if send_id in codes_by_send else None,
            )
            for send_id, targets in targets_by_send.items()
        ]
        if not rows:
            return
        self.env.cr.execute(
            SQL(
                """UPDATE partner_email_send send
                      SET link_targets = v.targets, link_urls = v.urls, link_tracker_codes = v.codes
                     FROM (VALUES %s) AS v(id, targets, urls, codes)
                    WHERE send.id = v.id""",
                SQL(", ").join(rows),
            )
        )
        self.browse(targets_by_send).invalidate_recordset(["link_urls"])

    def _write_outcomes(self, outcomes, untracked=None):
        """Write, in one statement, ``{send id: (state, failure reason)}`` (a sent email
        gets its send time, a retried one loses its earlier failure) and ``{send id: why
        it left untracked}``."""
        untracked = untracked or {}
        rows = [
            SQL(
                "(%s, %s::varchar, %s::text, %s::varchar)",
                send_id,
                *(value or None for value in outcomes.get(send_id, (None, None))),
                untracked.get(send_id),
            )
            for send_id in outcomes.keys() | untracked.keys()
        ]
        if not rows:
            return
        # the figures of the months the emails leave and enter are stale, in the same statement
        self.env.cr.execute(
            SQL(
                """WITH written AS (
                   UPDATE partner_email_send send
                      SET state = COALESCE(v.state, send.state),
                          failure_reason = CASE WHEN v.state IS NULL THEN send.failure_reason
                                                ELSE v.reason END,
                          sent_at = CASE WHEN v.state = 'sent' THEN %s ELSE send.sent_at END,
                          deferred_reason = CASE WHEN v.state IS NULL THEN send.deferred_reason END,
                          untracked_reason = COALESCE(v.untracked, send.untracked_reason),
                          write_date = %s
                     FROM (VALUES %s) AS v(id, state, reason, untracked)
                     JOIN partner_email_send before ON before.id = v.id
                    WHERE send.id = v.id
                RETURNING send.partner_id, send.sent_at, before.sent_at AS sent_at_before)
                %s""",
                SQL("(now() AT TIME ZONE 'UTC')"),
                SQL("(now() AT TIME ZONE 'UTC')"),
                SQL(", ").join(rows),
                stale_months_insert(
                    SQL(
                        "SELECT partner_id, sent_at FROM written"
                        " UNION ALL SELECT partner_id, sent_at_before FROM written"
                    )
                ),
            )
        )
        self.browse(outcomes.keys() | untracked.keys()).invalidate_recordset(
            ["state", "failure_reason", "deferred_reason", "sent_at", "untracked_reason", "write_date"]
        )

    def _get_open_token(self):
        self.ensure_one()
        return make_token(self._get_token_secret(), OPEN, self.id)

    def _get_click_token(self, index):
        self.ensure_one()
        return make_token(self._get_token_secret(), CLICK, self.id, index)

    @api.model
    def _get_token_secret(self):
        """The key of the tracking tokens: the addon's own, so that it is copied with the
        database and survives a restore as a copy (which renews ``database.secret``)."""
        return self.env["ir.config_parameter"].sudo().get_param(TOKEN_KEY_PARAM)

    @api.model
    def _init_token_key(self):
        """Create the token key once. A database that already sent tracked emails signed
        them with ``database.secret``: it becomes the key, so that no link already sent dies."""
        params = self.env["ir.config_parameter"].sudo()
        if params.get_param(TOKEN_KEY_PARAM):
            return
        key = params.get_param("database.secret") if self.sudo().search_count([], limit=1) else None
        params.set_param(TOKEN_KEY_PARAM, key or secrets.token_urlsafe(32))

    def _mark_failed(self, failure_reason):
        self.write({"state": "failed", "failure_reason": failure_reason})

    def _mark_deferred(self, deferred_reason):
        """A delay notice: a failed send stays failed, any other is left sent."""
        self.filtered(lambda send: send.state != "failed").write({"deferred_reason": deferred_reason})

    @api.model
    def _get_link_target(self, send_id, index):
        """The target URL of link ``index`` of send ``send_id``, or None; records nothing."""
        key = (self.env.cr.dbname, send_id)
        targets = RECENT_LINK_TARGETS.get(key)
        if targets is None:
            rows = self.env.execute_query(
                SQL("SELECT link_targets FROM partner_email_send WHERE id = %s", send_id)
            )
            if not rows:
                return None
            targets = tuple(rows[0][0] or ())
            RECENT_LINK_TARGETS.put(key, targets)
        return targets[index] if index < len(targets) else None
