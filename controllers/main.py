import base64
import contextlib
import logging

import psycopg2
import werkzeug.utils
from psycopg2.extensions import TRANSACTION_STATUS_IDLE

from odoo import http
from odoo.http import Response, request

from ..tools import CLICK, CLICK_HIT, OPEN, OPEN_HIT, is_redirect_target, parse_token

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


@contextlib.contextmanager
def hit_transaction(cr):
    """Run the hit's one statement as a transaction of its own when the request has none
    under way (always, outside tests): one round trip to the database instead of three
    (BEGIN, the statement, COMMIT), the largest cost of a hit beyond the framework's. The
    session characteristics are set to the server's defaults first, so that switching to
    autocommit sends nothing to the server; the connection goes back as Odoo left it."""
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
    verified in memory (HMAC, constant-time) before the database is touched, then one
    SQL statement records the event. Invalid tokens record nothing.
    """

    @http.route(["/email_history/o/.gif", "/email_history/o/<path:token>.gif"], **TRACKING_ROUTE)
    def email_history_open(self, token="", **kwargs):
        """Always the same transparent GIF, whatever the token."""
        found = parse_token(request.env["partner.email.send"]._get_token_secret(), OPEN, token)
        if found and request.httprequest.method == "GET":
            machine_reason = self._machine_reason(OPEN_HIT)
            with hit_transaction(request.env.cr):
                request.env["partner.email.open"]._record_open(found[0], machine_reason)
        return Response(
            PIXEL_GIF, status=200, headers=[("Content-Type", "image/gif"), ("Cache-Control", NO_STORE)]
        )

    @http.route(["/email_history/c/", "/email_history/c/<path:token>"], **TRACKING_ROUTE)
    def email_history_click(self, token="", **kwargs):
        """Redirect to the target stored for the link of a valid token, else a plain 404."""
        found = parse_token(request.env["partner.email.send"]._get_token_secret(), CLICK, token)
        url = found and self._click_target(*found)
        if not is_redirect_target(url):
            if url:
                _logger.warning("Email history: refused to redirect link %s of send %s", found[1], found[0])
            return Response(
                "Not Found", status=404, mimetype="text/plain", headers=[("Cache-Control", NO_STORE)]
            )
        response = werkzeug.utils.redirect(url, code=302, Response=Response)
        response.headers["Cache-Control"] = NO_STORE
        return response

    def _click_target(self, send_id, index):
        """Record the click (a GET only) and return its target. A failure to record never
        costs the customer the page: it is logged and the link still leads to its target."""
        sends = request.env["partner.email.send"]
        if request.httprequest.method != "GET":
            return sends._get_link_target(send_id, index)
        machine_reason = self._machine_reason(CLICK_HIT)
        try:
            with hit_transaction(request.env.cr):
                return sends._record_click(send_id, index, machine_reason)
        except psycopg2.Error:
            _logger.exception("Email history: could not record a click on link %s of send %s", index, send_id)
            request.env.cr.rollback()
            return sends._get_link_target(send_id, index)

    def _machine_reason(self, kind):
        """Why the hit of this request is a machine's, or None for a person."""
        return request.env["partner.email.machine.agent"]._classify_hit(
            kind, request.httprequest.headers.get("User-Agent")
        )
