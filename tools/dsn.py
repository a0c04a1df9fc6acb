"""Read delivery status notifications (RFC 3464) and other bounces (pure, no ORM)."""

import email.parser
import re
from dataclasses import dataclass

from odoo.tools import html2plaintext

DSN_CONTENT_TYPES = ("message/delivery-status", "message/global-delivery-status")
EXCERPT_MAX_LINES = 10
EXCERPT_MAX_CHARS = 1000
_ADDRESS_TYPE_RE = re.compile(r"^[\w.-]+\s*;\s*")
_BLOCK_SEPARATOR_RE = re.compile(r"\r?\n[ \t]*\r?\n")


@dataclass(frozen=True)
class RecipientStatus:
    """The delivery status of one recipient, as the reporting server wrote it."""

    final_recipient: str
    original_recipient: str
    action: str
    status: str
    diagnostic_code: str

    @property
    def addresses(self):
        return {address for address in (self.final_recipient, self.original_recipient) if address}

    @property
    def is_failed(self):
        # "failed" means the server gave up, even with a 4.x.x status (e.g. a queue
        # lifetime expired); only without an action does the status class decide.
        return self.action == "failed" or (not self.action and self.status.startswith("5"))

    @property
    def is_delayed(self):
        return self.action == "delayed" or (not self.action and self.status.startswith("4"))

    @property
    def server_text(self):
        """``Status Diagnostic-Code``, e.g. ``5.1.1 smtp; 550 5.1.1 <a@b>: User unknown``."""
        return " ".join(text for text in (self.status, self.diagnostic_code) if text)


def recipient_statuses(message):
    """Return the :class:`RecipientStatus` of every recipient reported by the
    ``message/delivery-status`` part of ``message`` (an ``email.message.Message``),
    in report order; ``[]`` when it has no such part."""
    part = next((part for part in message.walk() if part.get_content_type() in DSN_CONTENT_TYPES), None)
    if part is None:
        return []
    return [
        RecipientStatus(
            final_recipient=_address(_field(fields, "Final-Recipient")),
            original_recipient=_address(_field(fields, "Original-Recipient")),
            action=_field(fields, "Action").lower(),
            status=_field(fields, "Status"),
            diagnostic_code=_field(fields, "Diagnostic-Code"),
        )
        # the first block describes the whole message, the next ones a recipient each
        for fields in _field_blocks(part)[1:]
        if _field(fields, "Final-Recipient") or _field(fields, "Original-Recipient")
    ]


def bounce_excerpt(message):
    """Return the first lines of the human-readable part of ``message`` (the explanation
    a server writes above the returned email), or ``""`` when it has none."""
    parts = sorted(_human_parts(message), key=lambda part: part.get_content_type() != "text/plain")
    for part in parts:
        text = _text(part)
        if part.get_content_type() == "text/html":
            text = html2plaintext(text)
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        if lines:
            return "\n".join(lines[:EXCERPT_MAX_LINES])[:EXCERPT_MAX_CHARS]
    return ""


def _field_blocks(part):
    payload = part.get_payload()
    if part.get_content_type() == "message/delivery-status" and isinstance(payload, list):
        return payload
    # Python reads other status parts (the global variant) as one embedded email whose
    # headers are the first block: back to their text, split into blocks
    text = "".join(block.as_string() for block in payload) if isinstance(payload, list) else _text(part)
    parser = email.parser.HeaderParser()
    return [parser.parsestr(block) for block in _BLOCK_SEPARATOR_RE.split(text.strip())]


def _field(fields, name):
    """The field ``name`` of a status block, unfolded, ``""`` when absent."""
    return " ".join(str(fields.get(name) or "").split())


def _address(value):
    """``rfc822; <raj@example.com>`` -> ``raj@example.com``."""
    return _ADDRESS_TYPE_RE.sub("", value).strip().strip("<>").strip()


def _human_parts(part):
    """The text parts of ``part``, outside the returned email and the status report."""
    content_type = part.get_content_type()
    if part.get_content_maintype() == "message" or content_type == "text/rfc822-headers":
        return
    if part.is_multipart():
        for subpart in part.get_payload():
            yield from _human_parts(subpart)
    elif content_type in ("text/plain", "text/html"):
        yield part


def _text(part):
    payload = part.get_payload(decode=True) or b""
    return payload.decode(part.get_content_charset() or "utf-8", errors="replace")
