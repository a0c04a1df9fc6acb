def migrate(cr, version):
    # the click's company is now stored: filled here in one statement rather than by the ORM
    # record by record once the column exists
    cr.execute("ALTER TABLE partner_email_click ADD COLUMN IF NOT EXISTS company_id int4")
    cr.execute(
        """UPDATE partner_email_click click SET company_id = send.company_id
             FROM partner_email_send send
            WHERE send.id = click.send_id AND send.company_id IS NOT NULL"""
    )
