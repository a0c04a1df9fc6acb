from odoo.addons.partner_email_history.models.partner_email_month import stale_months_insert
from odoo.tools import SQL


def migrate(cr, version):
    # the monthly figures are new: every month of the emails sent so far is stale, and the
    # tracking sync job computes them
    cr.execute(stale_months_insert(SQL("SELECT partner_id, sent_at FROM partner_email_send")))
