import base64

import werkzeug.utils

from odoo import http
from odoo.http import Response, request

from ..tools import CLICK, OPEN, parse_token

# 1x1 transparent GIF
PIXEL_GIF = base64.b64decode(b"R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
NO_STORE = "no-store"


class EmailHistoryTracking(http.Controller):
    """Open pixel and click redirect of tracked emails: the hottest routes of the addon.

    Stateless and as light as Odoo allows: no user, no session, no CSRF; the token is
    verified in memory (HMAC, constant-time) before the database is touched, then one
    SQL statement records the event. Invalid tokens record nothing.
    """

    @http.route(
        ["/email_history/o/.gif", "/email_history/o/<path:token>.gif"],
        type="http",
        auth="none",
        methods=["GET"],
        csrf=False,
        save_session=False,
        readonly=False,
    )
    def email_history_open(self, token="", **kwargs):
        """Always the same transparent GIF, whatever the token."""
        found = parse_token(request.env["partner.email.send"]._get_token_secret(), OPEN, token)
        if found:
            request.env["partner.email.open"]._record_open(found[0])
        return Response(
            PIXEL_GIF, status=200, headers=[("Content-Type", "image/gif"), ("Cache-Control", NO_STORE)]
        )

    @http.route(
        ["/email_history/c/", "/email_history/c/<path:token>"],
        type="http",
        auth="none",
        methods=["GET"],
        csrf=False,
        save_session=False,
        readonly=False,
    )
    def email_history_click(self, token="", **kwargs):
        """Redirect to the URL stored for the link of a valid token, else a plain 404."""
        found = parse_token(request.env["partner.email.send"]._get_token_secret(), CLICK, token)
        url = found and request.env["partner.email.send"]._record_click(*found)
        if not url:
            return Response(
                "Not Found", status=404, mimetype="text/plain", headers=[("Cache-Control", NO_STORE)]
            )
        response = werkzeug.utils.redirect(url, code=302, Response=Response)
        response.headers["Cache-Control"] = NO_STORE
        return response
