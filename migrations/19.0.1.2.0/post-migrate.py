from odoo.addons.partner_email_history.models.partner_email_month import stale_months_insert
from odoo.tools import SQL


def migrate(cr, version):
    # the monthly figures are new: every month of the emails sent so far is stale, and the
    # tracking sync job computes them
    cr.execute(stale_months_insert(SQL("SELECT partner_id, sent_at FROM partner_email_send")))
    # the rule is not updated by the module's data (noupdate): it reads the click's own company
    cr.execute(
        """UPDATE ir_rule SET domain_force = %s
            WHERE id = (SELECT res_id FROM ir_model_data
                         WHERE module = 'partner_email_history'
                           AND name = 'partner_email_click_rule_sending_company')""",
        ["['|', ('company_id', '=', False), ('company_id', 'in', company_ids)]"],
    )
