import base64
import contextlib
import datetime
import logging

import psycopg2
import werkzeug.utils
from psycopg2.extensions import TRANSACTION_STATUS_IDLE

from odoo import SUPERUSER_ID, api, http, modules
from odoo.http import Response, request
from odoo.modules.registry import Registry

from ..tools import (
    CLICK,
    CLICK_HIT,
    OPEN,
    OPEN_HIT,
    Hit,
    HitBuffer,
    is_redirect_target,
    is_signed_target,
    parse_token,
)

_logger = logging.getLogger(__name__)

# 1x1 transparent GIF
PIXEL_GIF = base64.b64decode(b"R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
NO_STORE = "no-store"
# Only a GET is a person's (or a machine's) open or click: HEAD and OPTIONS come from link
# checkers and CORS preflights, and are answered without recording anything.
METHODS = ["GET", "HEAD", "OPTIONS"]
# No user, no session, no CSRF: a mail client's request, answered as fast as Odoo allows.
TRACKING_ROUTE = {
    "type": "http",
    "auth": "none",
    "methods": METHODS,
    "csrf": False,
    "save_session": False,
    "readonly": False,
}


def record_hits(env, hits):
    """Write ``hits`` (``Hit``) with ``env``'s cursor: one statement per kind."""
    opens = [hit for hit in hits if hit.kind == OPEN]
    clicks = [hit for hit in hits if hit.kind == CLICK]
    if opens:
        env["partner.email.open"]._record_opens(opens)
    if clicks:
        env["partner.email.click"]._record_clicks(clicks)


def write_buffered_hits(dbname, hits):
    """The buffer's writer: a batch of ``dbname`` in a transaction of its own."""
    with Registry(dbname).cursor() as cr:
        record_hits(api.Environment(cr, SUPERUSER_ID, {}), hits)


# The hits of this process, answered and not yet written (see tools/hit_buffer.py).
HITS = HitBuffer(write_buffered_hits, retry_errors=(psycopg2.OperationalError, psycopg2.InterfaceError))


@contextlib.contextmanager
def hit_transaction(cr):
    """Run one statement of a hit as a transaction of its own when the request has none
    under way (always, outside tests): one round trip to the database instead of three
    (BEGIN, the statement, COMMIT). The session characteristics are set to the server's
    defaults first, so that switching to autocommit sends nothing to the server; the
    connection goes back as Odoo left it."""
    connection = cr._cnx
    if connection.info.transaction_status != TRANSACTION_STATUS_IDLE:
        yield
        return
    isolation_level, readonly = connection.isolation_level, connection.readonly
    connection.set_session(isolation_level="DEFAULT", readonly="DEFAULT")
    connection.autocommit = True
    try:
        yield
    finally:
        connection.autocommit = False
        connection.set_session(
            isolation_level="DEFAULT" if isolation_level is None else isolation_level,
            readonly="DEFAULT" if readonly is None else readonly,
        )


class EmailHistoryTracking(http.Controller):
    """Open pixel and click redirect of tracked emails: the hottest routes of the addon.

    Stateless and as light as Odoo allows: no user, no session, no CSRF; the token is
    verified in memory (HMAC, constant-time) before the database is touched, and the hit is
    queued for this process's writer. Invalid tokens record nothing.
    """

    @http.route(["/email_history/o/.gif", "/email_history/o/<path:token>.gif"], **TRACKING_ROUTE)
    def email_history_open(self, token="", **kwargs):
        """Always the same transparent GIF, whatever the token."""
        found = parse_token(request.env["partner.email.send"]._get_token_secret(), OPEN, token)
        if found and request.httprequest.method == "GET":
            self._record(Hit(OPEN, found[0], None, self._machine_reason(OPEN_HIT), _utc_now()))
        return Response(
            PIXEL_GIF, status=200, headers=[("Content-Type", "image/gif"), ("Cache-Control", NO_STORE)]
        )

    @http.route(["/email_history/c/", "/email_history/c/<path:token>"], **TRACKING_ROUTE)
    def email_history_click(self, token="", u=None, s=None, **kwargs):
        """Redirect to the target of the link of a valid token, else a plain 404: the target
        signed in the link (``u``, its signature ``s``), else the one stored at send time."""
        secret = request.env["partner.email.send"]._get_token_secret()
        found = parse_token(secret, CLICK, token)
        url = found and (u if is_signed_target(secret, *found, u, s) else self._link_target(*found))
        if not is_redirect_target(url):
            if url:
                _logger.warning("Email history: refused to redirect link %s of send %s", found[1], found[0])
            return Response(
                "Not Found", status=404, mimetype="text/plain", headers=[("Cache-Control", NO_STORE)]
            )
        if request.httprequest.method == "GET":
            self._record(Hit(CLICK, *found, self._machine_reason(CLICK_HIT), _utc_now()))
        response = werkzeug.utils.redirect(url, code=302, Response=Response)
        response.headers["Cache-Control"] = NO_STORE
        return response

    def _link_target(self, send_id, index):
        with hit_transaction(request.env.cr):
            return request.env["partner.email.send"]._get_link_target(send_id, index)

    def _record(self, hit):
        """Queue the hit; write it at once in tests (their transaction is invisible to the
        writer's) or when too many hits wait. A failure to write never costs the customer
        the pixel or the page: it is logged."""
        if not modules.module.current_test and HITS.add(request.db, hit):
            return
        try:
            with hit_transaction(request.env.cr):
                record_hits(request.env, [hit])
        except psycopg2.Error:
            _logger.exception("Email history: could not record a hit of send %s", hit.send_id)
            request.env.cr.rollback()

    def _machine_reason(self, kind):
        """Why the hit of this request is a machine's, or None for a person."""
        return request.env["partner.email.machine.agent"]._classify_hit(
            kind, request.httprequest.headers.get("User-Agent")
        )


def _utc_now():
    # with its microseconds (fields.Datetime.now() drops them): bursts are told within a second
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
