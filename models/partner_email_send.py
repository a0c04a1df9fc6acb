from odoo import api, fields, models
from odoo.tools import SQL, email_normalize

from ..tools import CLICK, OPEN, make_token
from .partner_connection_note import CONNECTION_TYPES

# One statement per click: read the link's URL from the send, append the click (its
# stored related fields filled here), and on a first open set opened_at once and append
# that open. Nothing is written when the send or the link does not exist.
# "SKIP LOCKED": a concurrent hit setting opened_at already records the first open.
_CLICK_SQL = """
    WITH link AS (
        SELECT id, partner_id, campaign_id, mail_mail_id, link_urls ->> %(index)s AS url
          FROM partner_email_send
         WHERE id = %(send_id)s
    ), click AS (
        INSERT INTO partner_email_click (
            send_id, partner_id, campaign_id, url, clicked_at, create_date, write_date)
        SELECT id, partner_id, campaign_id, url, %(now)s, %(now)s, %(now)s
          FROM link
         WHERE url IS NOT NULL
    ), first_open AS (
        UPDATE partner_email_send SET opened_at = %(now)s
         WHERE id = (
            SELECT send.id
              FROM partner_email_send send
              JOIN link ON link.id = send.id AND link.url IS NOT NULL
             WHERE send.opened_at IS NULL
               FOR UPDATE OF send SKIP LOCKED)
        RETURNING id
    ), open_row AS (
        INSERT INTO partner_email_open (send_id, opened_at)
        SELECT id, %(now)s FROM first_open
    )%(mailing_trace)s
    SELECT url FROM link
"""
# With mass_mailing: the click also shows in the mailing's statistics (first click time).
_CLICK_TRACE_SQL = """, trace AS (
        UPDATE mailing_trace trace
           SET trace_status = CASE WHEN trace.trace_status IN ('open', 'reply')
                                   THEN trace.trace_status ELSE 'open' END,
               open_datetime = CASE WHEN trace.trace_status IN ('open', 'reply')
                                    THEN trace.open_datetime ELSE %(now)s END,
               links_click_datetime = COALESCE(trace.links_click_datetime, %(now)s),
               write_date = %(now)s
         WHERE trace.id IN (
            SELECT mt.id
              FROM mailing_trace mt
              JOIN link ON mt.mail_mail_id_int = link.mail_mail_id AND link.url IS NOT NULL
             WHERE mt.links_click_datetime IS NULL OR mt.trace_status NOT IN ('open', 'reply')
               FOR UPDATE OF mt SKIP LOCKED)
    )"""


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
    opened_at = fields.Datetime(string="Opened", readonly=True)
    open_count = fields.Integer(string="Opens", compute="_compute_open_count")
    click_count = fields.Integer(string="Clicks", compute="_compute_click_count")
    state = fields.Selection(
        [("outgoing", "Outgoing"), ("sent", "Sent"), ("failed", "Failed")], required=True, default="outgoing"
    )
    failure_reason = fields.Text(string="Server Response", readonly=True)
    template_id = fields.Many2one("mail.template", ondelete="set null")
    preview_html = fields.Html(
        string="Preview",
        compute="_compute_preview_html",
        sanitize_style=True,
        help="The email's generic content, without the contact's tracking pixel and links: "
        "the body of its template, else of its message.",
    )
    mail_message_id = fields.Many2one(
        "mail.message", string="Message", index="btree_not_null", ondelete="set null"
    )
    mail_mail_id = fields.Integer(string="Outgoing Mail", index="btree_not_null", readonly=True)
    connection_type = fields.Selection(CONNECTION_TYPES, required=True, default="individual")
    company_id = fields.Many2one(
        "res.company",
        index=True,
        readonly=True,
        help="The company the email was sent for: the company of its document, else the "
        "company it was sent from.",
    )
    link_urls = fields.Json(string="Tracked Links", readonly=True)
    open_ids = fields.One2many("partner.email.open", "send_id", string="Open Events")
    click_ids = fields.One2many("partner.email.click", "send_id", string="Links Clicked")

    # Also the index of partner_id alone (one2many of the contact, cascade on its deletion).
    _partner_sent_at_idx = models.Index("(partner_id, sent_at DESC, id DESC)")

    @api.depends("email_to")
    def _compute_email_normalized(self):
        for send in self:
            send.email_normalized = email_normalize(send.email_to or "")

    @api.depends("campaign_id.title", "subject")
    def _compute_display_name(self):
        for send in self:
            subject = send.subject or self.env._("(no subject)")
            send.display_name = f"{send.campaign_id.title}: {subject}" if send.campaign_id else subject

    @api.depends("open_ids")
    def _compute_open_count(self):
        self._set_event_count("partner.email.open", "open_count")

    @api.depends("click_ids")
    def _compute_click_count(self):
        self._set_event_count("partner.email.click", "click_count")

    @api.depends("template_id.body_html", "mail_message_id.body")
    def _compute_preview_html(self):
        # sudo: what was sent to the contact is part of its history, whatever the reader's
        # access to the template or to the document the message was posted on
        for send, send_sudo in zip(self, self.sudo(), strict=True):
            send.preview_html = send_sudo.template_id.body_html or send_sudo.mail_message_id.body

    def _set_event_count(self, event_model, field_name):
        """Set ``field_name`` to the number of ``event_model`` records of each send."""
        counts = dict(
            self.env[event_model]._read_group([("send_id", "in", self.ids)], ["send_id"], ["__count"])
        )
        for send in self:
            send[field_name] = counts.get(send, 0)

    @api.model
    def _create_with_notes(self, vals_list, mail_message_id=False):
        """Create sends (state outgoing) and their connection notes (direction sent)."""
        sends = self.create(vals_list)
        self.env["partner.connection.note"].create(
            [
                {
                    "partner_id": send.partner_id.id,
                    "date": send.sent_at,
                    "direction": "sent",
                    "connection_type": send.connection_type,
                    "company_id": send.company_id.id,
                    "title": send.subject,
                    "send_id": send.id,
                    "mail_message_id": mail_message_id,
                }
                for send in sends
            ]
        )
        return sends

    def _get_open_token(self):
        self.ensure_one()
        return make_token(self._get_token_secret(), OPEN, self.id)

    def _get_click_token(self, index):
        self.ensure_one()
        return make_token(self._get_token_secret(), CLICK, self.id, index)

    @api.model
    def _get_token_secret(self):
        return self.env["ir.config_parameter"].sudo().get_param("database.secret")

    def _mark_sent(self):
        self.write({"state": "sent", "sent_at": fields.Datetime.now(), "failure_reason": False})

    def _mark_failed(self, failure_reason):
        self.write({"state": "failed", "failure_reason": failure_reason})

    @api.model
    def _record_click(self, send_id, index):
        """Record a click on link ``index`` of send ``send_id`` (from a verified token) and
        return the link's URL, or None when there is no such link (nothing recorded)."""
        now = SQL("(now() AT TIME ZONE 'UTC')")
        mailing_trace = SQL(_CLICK_TRACE_SQL, now=now) if "mailing.trace" in self.env else SQL()
        self.env.cr.execute(
            SQL(_CLICK_SQL, send_id=send_id, index=index, now=now, mailing_trace=mailing_trace)
        )
        row = self.env.cr.fetchone()
        self.env.invalidate_all()
        return row[0] if row else None
