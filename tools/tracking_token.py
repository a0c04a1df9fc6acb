"""Signed tracking tokens: a compact id part followed by a 128-bit HMAC-SHA256 signature.

No token is stored: a token is valid when its signature, keyed by the database secret,
matches its id part. A link's target may travel with its token, signed apart, so that the
click needs no database. Pure functions (the caller passes the secret).
"""

import base64
import hmac
import re

OPEN = "o"
CLICK = "c"
TARGET = "u"
SIGNATURE_LENGTH = 22  # base64url characters of a 16-byte (128-bit) signature
MAX_TOKEN_LENGTH = 64
# canonical base36 ids (no leading zero), so that one send has exactly one token
_ID_PART_RE = {
    OPEN: re.compile(r"([1-9a-z][0-9a-z]{0,12})"),
    CLICK: re.compile(r"([1-9a-z][0-9a-z]{0,12})-(0|[1-9a-z][0-9a-z]{0,4})"),
}
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def make_token(secret, kind, send_id, index=0):
    """Token of an open (``kind`` OPEN) or of the click on link ``index`` (``kind`` CLICK)."""
    id_part = _base36(send_id) if kind == OPEN else f"{_base36(send_id)}-{_base36(index)}"
    return id_part + _signature(secret, kind, send_id, index)


def parse_token(secret, kind, token):
    """``(send_id, index)`` of a valid token of ``kind``, else None (never raises)."""
    if (
        not isinstance(token, str)
        or not token.isascii()
        or not (SIGNATURE_LENGTH < len(token) <= MAX_TOKEN_LENGTH)
    ):
        return None
    id_part, signature = token[:-SIGNATURE_LENGTH], token[-SIGNATURE_LENGTH:]
    match = _ID_PART_RE[kind].fullmatch(id_part)
    if not match:
        return None
    send_id = int(match[1], 36)
    index = int(match[2], 36) if kind == CLICK else 0
    if not hmac.compare_digest(signature, _signature(secret, kind, send_id, index)):
        return None
    return send_id, index


def sign_target(secret, send_id, index, url):
    """Signature of ``url`` as the target of link ``index`` of send ``send_id``."""
    return _signature(secret, TARGET, send_id, index, url)


def is_signed_target(secret, send_id, index, url, signature):
    """Whether ``signature`` signs ``url`` as the target of link ``index`` of ``send_id``."""
    return (
        isinstance(url, str)
        and isinstance(signature, str)
        and signature.isascii()
        and hmac.compare_digest(signature, sign_target(secret, send_id, index, url))
    )


def _signature(secret, *parts):
    message = ":".join(("partner_email_history", *map(str, parts))).encode()
    digest = hmac.digest(secret.encode(), message, "sha256")[:16]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _base36(number):
    if number < 0:
        raise ValueError("ids are positive")
    digits = ""
    while True:
        number, remainder = divmod(number, 36)
        digits = _DIGITS[remainder] + digits
        if not number:
            return digits
