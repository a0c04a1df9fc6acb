from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL

from .email_event_search import event_time_domain
from .res_partner import EMAIL_PAGE_LIMIT, HISTORY_GROUP

SUMMARY_MONTHS = 12

# Every time a person (not a machine) opened an email of a contact: its opens, and its
# clicks, since a person's click implies an open.
_PERSON_OPENS = SQL(
    """SELECT partner_id, opened_at AS event_at FROM partner_email_open WHERE is_machine IS NOT TRUE
       UNION ALL
       SELECT partner_id, clicked_at FROM partner_email_click WHERE is_machine IS NOT TRUE"""
)
_PERSON_CLICKS = SQL(
    "SELECT partner_id, clicked_at AS event_at FROM partner_email_click WHERE is_machine IS NOT TRUE"
)


class ResPartner(models.Model):
    _inherit = "res.partner"

    email_last_opened_at = fields.Datetime(
        string="Last Email Opened",
        compute="_compute_email_last_events",
        search="_search_email_last_opened_at",
        groups=HISTORY_GROUP,
        help="The last time this contact (a person, not a mail privacy proxy or a scanner) "
        "opened one of its tracked emails or clicked one of their links.",
    )
    email_last_clicked_at = fields.Datetime(
        string="Last Email Link Clicked",
        compute="_compute_email_last_events",
        search="_search_email_last_clicked_at",
        groups=HISTORY_GROUP,
        help="The last time this contact (a person, not a link scanner) clicked a link of one "
        "of its tracked emails.",
    )

    @api.depends("email_send_ids.open_ids", "email_click_ids")
    def _compute_email_last_events(self):
        last_events = self._email_last_event_times()
        for partner in self:
            opened_at, clicked_at = last_events.get(partner._origin.id, (False, False))
            partner.email_last_opened_at = opened_at or False
            partner.email_last_clicked_at = clicked_at or False

    def _email_last_event_times(self):
        """``{partner id: (last open, last click)}`` of a person, a click being an open too:
        one index lookup per contact and kind, however long its history."""
        if not self._origin.ids:
            return {}
        self._flush_email_events()
        rows = self.env.execute_query(
            SQL(
                """SELECT partner.id, GREATEST(opened.at, clicked.at), clicked.at
                     FROM unnest(%s::int4[]) AS partner(id)
                     LEFT JOIN LATERAL (
                          SELECT max(opened_at) AS at FROM partner_email_open
                           WHERE partner_id = partner.id AND is_machine IS NOT TRUE) opened ON TRUE
                     LEFT JOIN LATERAL (
                          SELECT max(clicked_at) AS at FROM partner_email_click
                           WHERE partner_id = partner.id AND is_machine IS NOT TRUE) clicked ON TRUE""",
                list(self._origin.ids),
            )
        )
        return {partner_id: (opened_at, clicked_at) for partner_id, opened_at, clicked_at in rows}

    def _search_email_last_opened_at(self, operator, value):
        return self._search_email_last_event(_PERSON_OPENS, operator, value)

    def _search_email_last_clicked_at(self, operator, value):
        return self._search_email_last_event(_PERSON_CLICKS, operator, value)

    def _search_email_last_event(self, events, operator, value):
        """Contacts whose last event of ``events`` compares to ``value``, in one subquery."""
        self._flush_email_events()
        return event_time_domain(events, "partner_id", "max", operator, value)

    def email_history_summary(self):
        """What the top of the Emails page shows: the contact's (or, for a company, its
        people's) emails of the last 12 months, month by month, with its last open and click.
        Read from the monthly figures: as cheap for 100,000 emails as for 200."""
        self.ensure_one()
        self.check_access("read")
        month_start = fields.Datetime.now().date().replace(day=1)
        months = [month_start - relativedelta(months=back) for back in range(SUMMARY_MONTHS - 1, -1, -1)]
        partners = self._email_page_partners()
        by_month = defaultdict(lambda: [0] * 5)
        last_opened = last_clicked = None
        for month, *counts, opened_at, clicked_at in self.env["partner.email.month"]._read_figures(
            partners.ids
        ):
            if month >= months[0]:
                by_month[month] = [
                    total + count for total, count in zip(by_month[month], counts, strict=True)
                ]
            last_opened = max(filter(None, (last_opened, opened_at)), default=None)
            last_clicked = max(filter(None, (last_clicked, clicked_at)), default=None)
        sent, delivered, failed, opened, clicked = (
            sum(counts[index] for counts in by_month.values()) for index in range(5)
        )
        return {
            "sent": sent,
            "delivered": delivered,
            "failed": failed,
            "opened": opened,
            "clicked": clicked,
            "opened_rate": round(100 * opened / delivered) if delivered else 0,
            "clicked_rate": round(100 * clicked / delivered) if delivered else 0,
            "last_opened_at": fields.Datetime.to_string(last_opened) if last_opened else False,
            "last_clicked_at": fields.Datetime.to_string(last_clicked) if last_clicked else False,
            "months": [
                {
                    "month": fields.Date.to_string(month),
                    "sent": by_month[month][0],
                    "opened": by_month[month][3],
                    "clicked": by_month[month][4],
                }
                for month in months
            ],
        }

    def email_history_poll(self, cursor=None):
        """Whether this contact's (or its people's) history changed since ``cursor`` (what
        the previous call returned), and the new cursor: the Emails page polls this while it
        is shown. Bounded: only events newer than the cursor and the latest emails are read."""
        self.ensure_one()
        self.check_access("read")
        partner_ids = tuple(self._email_page_partners().ids)
        self.env["partner.email.send"].flush_model()
        self._flush_email_events()
        [(open_id, click_id, send_id, written)] = self.env.execute_query(
            SQL(
                """SELECT (SELECT COALESCE(max(id), 0) FROM partner_email_open),
                          (SELECT COALESCE(max(id), 0) FROM partner_email_click),
                          (SELECT COALESCE(max(id), 0) FROM partner_email_send),
                          (SELECT max(write_date) FROM (
                               SELECT write_date FROM partner_email_send WHERE partner_id IN %s
                                ORDER BY sent_at DESC, id DESC LIMIT %s) latest)""",
                partner_ids,
                EMAIL_PAGE_LIMIT,
            )
        )
        new_cursor = {
            "open": open_id,
            "click": click_id,
            "send": send_id,
            "written": fields.Datetime.to_string(written) if written else False,
        }
        if not cursor:
            return {"cursor": new_cursor, "changed": False}
        [(changed,)] = self.env.execute_query(
            SQL(
                """SELECT EXISTS(SELECT 1 FROM partner_email_open o
                                   JOIN partner_email_send s ON s.id = o.send_id
                                  WHERE o.id > %s AND s.partner_id IN %s)
                       OR EXISTS(SELECT 1 FROM partner_email_click WHERE id > %s AND partner_id IN %s)
                       OR EXISTS(SELECT 1 FROM partner_email_send WHERE id > %s AND partner_id IN %s)""",
                int(cursor.get("open") or 0),
                partner_ids,
                int(cursor.get("click") or 0),
                partner_ids,
                int(cursor.get("send") or 0),
                partner_ids,
            )
        )
        return {"cursor": new_cursor, "changed": changed or new_cursor["written"] != cursor.get("written")}

    def _flush_email_events(self):
        """Write pending events, so that the raw SQL over them sees every one."""
        self.env["partner.email.open"].flush_model()
        self.env["partner.email.click"].flush_model()
