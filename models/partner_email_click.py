from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import hit_arrays

# One statement per batch of clicks (see tools/hit_buffer.py): append them, each showing its
# link without the link's secrets. Nothing is written for a send or a link that no longer
# exists, nor when the target is no longer a safe redirect (the route checks it in Python
# too): http(s), then a host, and no control character. The scheme is compared as text, not
# with a regular expression: PostgreSQL's case-insensitive match took about 40 % of the
# database time of a click (pgbench, batches of 50: 65 to 69 µs a click with it, 39 to 41
# without). It only inserts, as the opens do. A link scanner's burst (several links of one
# email within a second) is marked by the sync job.
_CLICKS_SQL = """
    INSERT INTO partner_email_click (
        send_id, partner_id, campaign_id, company_id, url, link_index, clicked_at,
        is_machine, machine_reason, sync_pending, create_date, write_date)
    SELECT send.id, send.partner_id, send.campaign_id, send.company_id, send.link_urls ->> hit.link_index,
           hit.link_index, hit.at, hit.machine_reason IS NOT NULL, hit.machine_reason, TRUE,
           hit.at, hit.at
      FROM unnest(%(send_ids)s::int4[], %(link_indexes)s::int4[], %(ats)s::timestamp[],
                  %(machine_reasons)s::varchar[])
           WITH ORDINALITY AS hit (send_id, link_index, at, machine_reason, arrival)
      JOIN partner_email_send send ON send.id = hit.send_id
     CROSS JOIN LATERAL (SELECT send.link_targets ->> hit.link_index AS url) target
     WHERE substr(target.url, CASE WHEN lower(left(target.url, 8)) = 'https://' THEN 9
                                   WHEN lower(left(target.url, 7)) = 'http://' THEN 8 END, 1)
           NOT IN ('', '/', '?', '#')
       AND target.url !~ '[[:cntrl:]]'
  ORDER BY hit.arrival
"""


class PartnerEmailClick(models.Model):
    _name = "partner.email.click"
    _inherit = ["partner.email.event"]
    _description = "Tracked Email Link Click"
    _order = "clicked_at desc, id desc"
    _rec_name = "url"

    send_id = fields.Many2one("partner.email.send", string="Email", required=True, ondelete="cascade")
    # Deleted with the contact, as through its send (see partner.email.open).
    partner_id = fields.Many2one(
        related="send_id.partner_id", string="Contact", store=True, ondelete="cascade"
    )
    campaign_id = fields.Many2one(
        related="send_id.campaign_id", string="Campaign", store=True, index="btree_not_null"
    )
    # Stored, so that the sending company's rule reads the click alone: joined to the sends,
    # the plan of a long history's latest clicks depended on the table's statistics.
    company_id = fields.Many2one(related="send_id.company_id", store=True)
    url = fields.Char(string="URL", required=True, help="The link clicked, without its access tokens.")
    link_index = fields.Integer(readonly=True)
    clicked_at = fields.Datetime(string="Clicked", required=True, default=fields.Datetime.now)
    is_machine = fields.Boolean(string="Machine", readonly=True)
    machine_reason = fields.Char(readonly=True)
    sync_pending = fields.Boolean(readonly=True)

    # Also the index of partner_id alone (one2many of the contact, cascade on its deletion).
    _partner_clicked_at_idx = models.Index("(partner_id, clicked_at DESC, id DESC)")
    _sync_pending_idx = models.Index("(id) WHERE sync_pending")
    # Also the index of send_id alone; the sync job's burst check reads a second of a send.
    _send_clicked_at_idx = models.Index("(send_id, clicked_at)")

    @api.model
    def _record_clicks(self, hits):
        """Record the clicks ``hits`` (``tools.hit_buffer.Hit``, from verified tokens)."""
        self.env.cr.execute(SQL(_CLICKS_SQL, **hit_arrays(hits)))
