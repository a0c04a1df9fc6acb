from odoo import api, fields, models
from odoo.tools import SQL

_FIGURES = ("sent", "delivered", "failed", "opened", "clicked", "last_opened_at", "last_clicked_at")


def month_figures_query(sends, months):
    """The figures of the emails of ``sends`` (a query of sends with their id, partner_id,
    company_id, sent_at and state) sent in the contact-months of ``months`` (a query of
    partner_id, month), per contact, company and month. Opened and clicked count delivered
    emails a person opened or clicked; a person's click is an open."""
    return SQL(
        """SELECT send.partner_id, send.company_id, months.month,
                  count(*) FILTER (WHERE send.state != 'outgoing') AS sent,
                  count(*) FILTER (WHERE send.state = 'sent') AS delivered,
                  count(*) FILTER (WHERE send.state = 'failed') AS failed,
                  count(*) FILTER (WHERE send.state = 'sent'
                                     AND GREATEST(opened.at, clicked.at) IS NOT NULL) AS opened,
                  count(*) FILTER (WHERE send.state = 'sent' AND clicked.at IS NOT NULL) AS clicked,
                  max(GREATEST(opened.at, clicked.at)) AS last_opened_at,
                  max(clicked.at) AS last_clicked_at
             FROM (%s) months
             JOIN (%s) send ON send.partner_id = months.partner_id
                           AND send.sent_at >= months.month
                           AND send.sent_at < months.month + interval '1 month'
             LEFT JOIN LATERAL (SELECT max(opened_at) AS at FROM partner_email_open
                                 WHERE send_id = send.id AND is_machine IS NOT TRUE) opened ON TRUE
             LEFT JOIN LATERAL (SELECT max(clicked_at) AS at FROM partner_email_click
                                 WHERE send_id = send.id AND is_machine IS NOT TRUE) clicked ON TRUE
         GROUP BY send.partner_id, send.company_id, months.month""",
        months,
        sends,
    )


# The contact-months of ``partners`` whose stored figures are not up to date: marked stale,
# or with opens or clicks the sync job has not handled yet.
_STALE_MONTHS_SQL = """
    SELECT partner_id, month FROM partner_email_month_stale WHERE partner_id IN %(partners)s
     UNION
    SELECT send.partner_id, date_trunc('month', send.sent_at)::date
      FROM partner_email_open event JOIN partner_email_send send ON send.id = event.send_id
     WHERE event.sync_pending AND event.partner_id IN %(partners)s
     UNION
    SELECT send.partner_id, date_trunc('month', send.sent_at)::date
      FROM partner_email_click event JOIN partner_email_send send ON send.id = event.send_id
     WHERE event.sync_pending AND event.partner_id IN %(partners)s
"""


def stale_months_insert(sends):
    """The statement marking stale the contact-months of ``sends`` (a query of partner_id,
    sent_at)."""
    return SQL(
        """INSERT INTO partner_email_month_stale (partner_id, month)
           SELECT DISTINCT partner_id, date_trunc('month', sent_at)::date FROM (%s) sends""",
        sends,
    )


class PartnerEmailMonth(models.Model):
    """The figures of a contact's emails of one month, per sending company: what the summary
    of the Emails page adds up, a dozen rows for 100,000 emails as for 200. The tracking
    sync job recomputes the contact-months marked stale (``partner.email.month.stale``);
    the summary computes those, and the months with opens or clicks not synced yet, itself.
    Rows add up: a merged contact's rows simply join the surviving contact's."""

    _name = "partner.email.month"
    _description = "Email History: Monthly Figures of a Contact"
    _order = "month desc"
    _log_access = False

    partner_id = fields.Many2one(
        "res.partner", string="Contact", required=True, readonly=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", readonly=True, ondelete="cascade")
    month = fields.Date(required=True, readonly=True)
    sent = fields.Integer(readonly=True)
    delivered = fields.Integer(readonly=True)
    failed = fields.Integer(readonly=True)
    opened = fields.Integer(readonly=True)
    clicked = fields.Integer(readonly=True)
    last_opened_at = fields.Datetime(string="Last Opened", readonly=True)
    last_clicked_at = fields.Datetime(string="Last Clicked", readonly=True)

    _partner_month_idx = models.Index("(partner_id, month)")

    @api.model
    def _refresh_stale_months(self, batch_size=1000):
        """Recompute the figures of the next ``batch_size`` stale contact-months; return
        how many were refreshed."""
        rows = self.env.execute_query(
            SQL(
                """DELETE FROM partner_email_month_stale
                    WHERE id IN (SELECT id FROM partner_email_month_stale ORDER BY id LIMIT %s)
                RETURNING partner_id, month""",
                batch_size,
            )
        )
        if not rows:
            return 0
        partner_ids, months = zip(*set(rows), strict=True)
        self.env.cr.execute(
            SQL(
                """WITH months AS (SELECT * FROM unnest(%s::int4[], %s::date[]) AS m(partner_id, month)),
                   dropped AS (DELETE FROM partner_email_month figures USING months
                                WHERE figures.partner_id = months.partner_id AND figures.month = months.month)
                   INSERT INTO partner_email_month (partner_id, company_id, month, %s)
                   %s""",
                list(partner_ids),
                list(months),
                SQL(", ").join(SQL.identifier(figure) for figure in _FIGURES),
                month_figures_query(SQL("SELECT * FROM partner_email_send"), SQL("SELECT * FROM months")),
            )
        )
        self.invalidate_model()
        return len(rows)

    @api.model
    def _count_stale_months(self):
        return self.env.execute_query(SQL("SELECT count(*) FROM partner_email_month_stale"))[0][0]

    @api.model
    def _read_figures(self, partner_ids):
        """``[(month, sent, delivered, failed, opened, clicked, last opened, last clicked)]``
        of the contacts ``partner_ids``, per month and company, as the current user may read
        them: stored, or computed for the months whose figures are not up to date."""
        if not partner_ids:
            return []
        for model in ("partner.email.send", "partner.email.open", "partner.email.click"):
            self.env[model].flush_model()
        # two statements: PostgreSQL plans the computation for the stale months only when
        # there are some (its estimate for a long history would otherwise cost a JIT compile)
        stale = self.env.execute_query(SQL(_STALE_MONTHS_SQL, partners=tuple(partner_ids)))
        stale_months = SQL(
            "SELECT * FROM unnest(%s::int4[], %s::date[]) AS m(partner_id, month)",
            [partner_id for partner_id, _month in stale],
            [month for _partner_id, month in stale],
        )
        figures = SQL(", ").join(SQL.identifier(figure) for figure in _FIGURES)
        stored = self._search([("partner_id", "in", partner_ids)]).select(
            *(SQL.identifier(self._table, column) for column in ("partner_id", "month", *_FIGURES))
        )
        query = SQL(
            """SELECT month, %s FROM (%s) stored
                WHERE NOT EXISTS (SELECT 1 FROM (%s) stale WHERE stale.partner_id = stored.partner_id
                                                               AND stale.month = stored.month)""",
            figures,
            stored,
            stale_months,
        )
        if stale:
            sends = (
                self.env["partner.email.send"]
                ._search([("partner_id", "in", partner_ids)])
                .select(
                    *(
                        SQL.identifier("partner_email_send", column)
                        for column in ("id", "partner_id", "company_id", "sent_at", "state")
                    )
                )
            )
            query = SQL(
                "%s UNION ALL SELECT month, %s FROM (%s) live",
                query,
                figures,
                month_figures_query(sends, stale_months),
            )
        return self.env.execute_query(query)


class PartnerEmailMonthStale(models.Model):
    """Contact-months whose figures changed: appended, never updated, by whatever changes an
    email's outcome or its opens and clicks, so that concurrent senders never wait on each
    other; emptied by the sync job when it refreshes them."""

    _name = "partner.email.month.stale"
    _description = "Email History: Monthly Figures to Refresh"
    _log_access = False

    partner_id = fields.Many2one(
        "res.partner", string="Contact", required=True, index=True, ondelete="cascade"
    )
    month = fields.Date(required=True)


class PartnerEmailEvent(models.AbstractModel):
    """What opens and clicks share: a change made through the ORM marks the figures of their
    emails' months stale (the routes' hits are marked when the sync job handles them)."""

    _name = "partner.email.event"
    _description = "Email History: Open or Click"

    @api.model_create_multi
    def create(self, vals_list):
        events = super().create(vals_list)
        events.send_id._mark_months_stale()
        return events

    def write(self, vals):
        sends = self.send_id
        result = super().write(vals)
        (sends | self.send_id)._mark_months_stale()
        return result

    def unlink(self):
        self.send_id._mark_months_stale()
        return super().unlink()
