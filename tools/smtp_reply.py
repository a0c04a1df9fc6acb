"""Bring the SMTP server's own reply to the front of a send failure text (pure)."""

import ast
import re

# an SMTP reply as smtplib exceptions print it: (550, b'5.1.1 <x@y>: User unknown')
_SMTP_REPLY_RE = re.compile(r"\((\d{3}), (b'(?:[^'\\]|\\.)*'|b\"(?:[^\"\\]|\\.)*\")\)")


def with_server_reply(failure_reason):
    """Return ``failure_reason`` (Odoo's failure text) led by the SMTP replies it quotes,
    decoded (``550 5.1.1 ...``), one a line; unchanged when it quotes none."""
    replies = []
    for code, raw in _SMTP_REPLY_RE.findall(failure_reason or ""):
        try:
            replies.append(f"{code} {ast.literal_eval(raw).decode(errors='replace')}")
        except (ValueError, SyntaxError):
            continue
    return "\n".join([*replies, "", failure_reason]) if replies else failure_reason
