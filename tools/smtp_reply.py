"""Bring the SMTP server's own reply to the front of a send failure text (pure)."""

import ast
import re

from odoo.tools import LazyTranslate, email_normalize

_lt = LazyTranslate(__name__)

# an SMTP reply as smtplib exceptions print it: (550, b'5.1.1 <x@y>: User unknown')
_REPLY = r"\((\d{3}), (b'(?:[^'\\]|\\.)*'|b\"(?:[^\"\\]|\\.)*\")"
_SMTP_REPLY_RE = re.compile(_REPLY + r"\)")
# a refused recipient as SMTPRecipientsRefused prints it: 'bea@x': (550, b'...')
_REFUSED_RECIPIENT_RE = re.compile(r"'([^'\s]+@[^'\s]+)': " + _REPLY + r"\)")


def _decoded(code, raw):
    try:
        return f"{code} {ast.literal_eval(raw).decode(errors='replace')}"
    except (ValueError, SyntaxError):
        return None


def with_server_reply(failure_reason):
    """Return ``failure_reason`` (Odoo's failure text) led by the SMTP replies it quotes,
    decoded (``550 5.1.1 ...``), one a line; unchanged when it quotes none."""
    replies = [
        reply
        for reply in (_decoded(*match) for match in _SMTP_REPLY_RE.findall(failure_reason or ""))
        if reply
    ]
    return "\n".join([*replies, "", failure_reason]) if replies else failure_reason


def recipient_failure_text(failure_reason, email_to, lang="en_US"):
    """The failure text of the send to ``email_to`` of an email that failed with Odoo's
    ``failure_reason``: what the server said to that recipient first, then, after a blank
    line, Odoo's whole text (the technical detail). When the server refused other
    recipients of the email but not this one, the email still did not leave for this one:
    the first line says which recipient was refused and why, so that nobody concludes that
    this recipient's address is wrong. That line is in ``lang``."""
    refused = [
        (address, reply)
        for address, code, raw in _REFUSED_RECIPIENT_RE.findall(failure_reason or "")
        if (reply := _decoded(code, raw))
    ]
    own = email_normalize(email_to or "")
    own_replies = [reply for address, reply in refused if email_normalize(address) == own]
    if own_replies:
        return "\n".join([*own_replies, "", failure_reason])
    if not refused:
        return with_server_reply(failure_reason)
    others = "; ".join(f"{address}: {reply}" for address, reply in refused)
    summary = _lt(
        "not sent: the server refused another recipient of this email, %(refused)s", refused=others
    )._translate(lang)
    return f"{summary}\n\n{failure_reason}"
