import datetime
from contextlib import closing

from psycopg2.extensions import ISOLATION_LEVEL_REPEATABLE_READ, TRANSACTION_STATUS_INTRANS

from odoo import SUPERUSER_ID, api, sql_db
from odoo.tests import TransactionCase, tagged

from ..controllers.main import hit_transaction, record_hits
from ..tools import OPEN, Hit


@tagged("post_install", "-at_install")
class TestHitTransaction(TransactionCase):
    """A hit's statement (the click's read, or its write in tests and when too many hits
    wait) commits on its own when the request's cursor has no transaction under
    way, as in production (a test's cursor always has one: the routes' tests cannot show it)."""

    def setUp(self):
        super().setUp()
        self.database = sql_db.db_connect(self.env.cr.dbname)
        with closing(self.database.cursor()) as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            send = env["partner.email.send"].create(
                {"partner_id": env.ref("base.partner_admin").id, "subject": "Hit", "state": "sent"}
            )
            # the hit runs on a connection of its own: it must see the send committed
            cr.commit()  # pylint: disable=invalid-commit
        self.send_id = send.id
        self.addCleanup(self._delete_send)

    def _delete_send(self):
        with closing(self.database.cursor()) as cr:
            cr.execute("DELETE FROM partner_email_send WHERE id = %s", [self.send_id])
            cr.commit()  # pylint: disable=invalid-commit

    def _open(self, env):
        record_hits(env, [Hit(OPEN, self.send_id, None, None, datetime.datetime(2026, 12, 3, 9, 0))])

    def _committed_opens(self):
        with closing(self.database.cursor()) as cr:
            cr.execute("SELECT count(*) FROM partner_email_open WHERE send_id = %s", [self.send_id])
            return cr.fetchone()[0]

    def test_hit_commits_alone_and_the_connection_goes_back_as_odoo_left_it(self):
        with closing(self.database.cursor()) as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            with hit_transaction(cr):
                self._open(env)
            self.assertEqual(self._committed_opens(), 1, "committed without a commit")
            connection = cr._cnx
            self.assertFalse(connection.autocommit)
            self.assertEqual(connection.isolation_level, ISOLATION_LEVEL_REPEATABLE_READ)
            self.assertIs(connection.readonly, False)
            cr.execute("SHOW transaction_isolation")
            self.assertEqual(cr.fetchone()[0], "repeatable read")
            self.assertEqual(connection.info.transaction_status, TRANSACTION_STATUS_INTRANS)
            cr.rollback()

    def test_hit_joins_a_transaction_under_way(self):
        with closing(self.database.cursor()) as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            cr.execute("SELECT 1")
            with hit_transaction(cr):
                self._open(env)
            cr.rollback()
        self.assertEqual(self._committed_opens(), 0, "rolled back with the transaction it joined")
