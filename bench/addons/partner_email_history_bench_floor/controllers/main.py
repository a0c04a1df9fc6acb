import base64

from odoo import http
from odoo.http import Response

# 1x1 transparent GIF, the same payload size as a tracking pixel.
FLOOR_GIF = base64.b64decode(b"R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


def _gif():
    return Response(FLOOR_GIF, mimetype="image/gif", headers={"Cache-Control": "no-store"})


class BenchFloor(http.Controller):
    """What a route costs before doing any work: the bench compares the tracking routes
    with these. Neither touches a table."""

    @http.route("/email_history_bench/floor.gif", type="http", auth="public", methods=["GET"])
    def floor_gif(self, **kwargs):
        """The framework floor: a plain public route."""
        return _gif()

    @http.route(
        "/email_history_bench/bare.gif",
        type="http",
        auth="none",
        methods=["GET"],
        csrf=False,
        save_session=False,
    )
    def bare_gif(self, **kwargs):
        """The bare floor: no user and no session, the lightest route Odoo serves."""
        return _gif()

    @http.route(
        "/email_history_bench/done",
        type="http",
        auth="none",
        methods=["GET"],
        csrf=False,
        save_session=False,
    )
    def done(self, **kwargs):
        """What a load client asks once it has sent all its requests: 204, counted apart."""
        return Response(status=204)
