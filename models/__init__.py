from . import partner_email_send
from . import partner_email_open
from . import partner_email_click
from . import partner_connection_note
from . import partner_email_connection_type
from . import res_partner
from . import mail_mail
from . import mail_thread
