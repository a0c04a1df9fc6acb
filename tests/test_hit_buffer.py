import datetime
import threading

import psycopg2

from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from ..controllers.main import write_buffered_hits
from ..tools import CLICK, OPEN, Hit, HitBuffer

AT = datetime.datetime(2026, 12, 3, 9, 30, 15, 250000)
LOGGER = "odoo.addons.partner_email_history.tools.hit_buffer"


def _open(send_id, machine_reason=None):
    return Hit(OPEN, send_id, None, machine_reason, AT)


class RecordingWriter:
    """A batch writer that records its batches, failing first with the errors it is given."""

    def __init__(self, *errors):
        self.errors = list(errors)
        self.batches = []
        self.written = threading.Event()

    def __call__(self, dbname, hits):
        if self.errors:
            raise self.errors.pop(0)
        self.batches.append((dbname, list(hits)))
        self.written.set()


@tagged("post_install", "-at_install")
class TestHitBuffer(TransactionCase):
    """The hits a process answered, written in batches by a thread of its own."""

    def _buffer(self, writer, **kwargs):
        return HitBuffer(writer, retry_errors=(psycopg2.OperationalError,), **kwargs)

    def test_flush_writes_each_database_in_arrival_order(self):
        writer = RecordingWriter()
        hits = self._buffer(writer, interval=60)
        for hit in (_open(1), _open(2), _open(3)):
            self.assertTrue(hits.add("db_a" if hit.send_id != 2 else "db_b", hit))
        self.assertTrue(hits.flush())
        self.assertEqual(sorted(writer.batches), [("db_a", [_open(1), _open(3)]), ("db_b", [_open(2)])])
        self.assertTrue(hits.flush())
        self.assertEqual(len(writer.batches), 2, "nothing is written twice")

    def test_one_unreachable_database_keeps_the_others_written(self):
        writer = RecordingWriter(psycopg2.OperationalError("server closed the connection"))
        hits = self._buffer(writer, interval=60)
        hits.add("db_down", _open(1))
        hits.add("db_up", _open(2))
        with mute_logger(LOGGER):
            self.assertFalse(hits.flush())
        self.assertEqual(writer.batches, [("db_up", [_open(2)])])
        self.assertTrue(hits.flush())
        self.assertEqual(writer.batches[1:], [("db_down", [_open(1)])])

    def test_unreachable_database_keeps_the_hits_in_order(self):
        writer = RecordingWriter(psycopg2.OperationalError("server closed the connection"))
        hits = self._buffer(writer, interval=60)
        hits.add("db", _open(1))
        with mute_logger(LOGGER):
            self.assertFalse(hits.flush())
        hits.add("db", _open(2))
        self.assertTrue(hits.flush())
        self.assertEqual(writer.batches, [("db", [_open(1), _open(2)])])

    def test_hit_that_cannot_be_written_costs_the_others_nothing(self):
        writer = RecordingWriter()

        def write(dbname, hits):
            if any(hit.send_id == 2 for hit in hits):
                raise psycopg2.IntegrityError("send 2 was deleted meanwhile")
            writer(dbname, hits)

        hits = self._buffer(write, interval=60)
        for send_id in (1, 2, 3):
            hits.add("db", _open(send_id))
        with self.assertLogs(LOGGER, "ERROR") as logs:
            self.assertTrue(hits.flush())
        self.assertEqual(len(logs.output), 1)
        self.assertIn("send 2", logs.output[0])
        self.assertEqual(writer.batches, [("db", [_open(1)]), ("db", [_open(3)])])
        self.assertTrue(hits.flush())
        self.assertEqual(len(writer.batches), 2, "the hit that failed is not tried again")

    def test_full_buffer_refuses_until_written(self):
        writer = RecordingWriter()
        hits = self._buffer(writer, interval=60, limit=2)
        self.assertTrue(hits.add("db", _open(1)))
        self.assertTrue(hits.add("db", _open(2)))
        self.assertFalse(hits.add("db", _open(3)), "the route then writes its hit itself")
        hits.flush()
        self.assertTrue(hits.add("db", _open(3)))

    def test_thread_writes_without_being_asked(self):
        writer = RecordingWriter()
        hits = self._buffer(writer, interval=0.01)
        hits.add("db", _open(1))
        self.assertTrue(writer.written.wait(10), "the writer thread wrote the hit")
        self.assertEqual(writer.batches, [("db", [_open(1)])])


@tagged("post_install", "-at_install")
class TestBufferedHitsWriter(TransactionCase):
    """The batch writer the buffer of every Odoo process uses, through a cursor of its own."""

    def setUp(self):
        super().setUp()
        self.partner = self.env["res.partner"].create({"name": "Ada Reader", "email": "ada@example.com"})
        self.send = self.env["partner.email.send"].create(
            {"partner_id": self.partner.id, "subject": "Spring offers", "state": "sent"}
        )
        self.send._store_links(
            {self.send.id: ["https://shop.example.com/spring?access_token=S3CRET", "javascript:alert(1)"]}
        )
        self.registry_enter_test_mode()

    def test_batch_records_opens_and_clicks_of_existing_sends_only(self):
        gone = self.env["partner.email.send"].create({"partner_id": self.partner.id, "subject": "Gone"})
        gone_id = gone.id
        gone.unlink()
        write_buffered_hits(
            self.env.cr.dbname,
            [
                _open(self.send.id),
                _open(self.send.id, "Apple Mail Privacy Protection"),
                _open(gone_id),
                Hit(CLICK, self.send.id, 0, None, AT),
                Hit(CLICK, self.send.id, 1, None, AT),  # no longer a safe target
                Hit(CLICK, self.send.id, 7, None, AT),  # no such link
                Hit(CLICK, gone_id, 0, None, AT),
            ],
        )
        self.env.invalidate_all()
        opens = self.send.open_ids.sorted("id")
        self.assertEqual(opens.mapped("opened_at"), [AT, AT])
        self.assertEqual(opens.mapped("machine_reason"), [False, "Apple Mail Privacy Protection"])
        self.assertEqual(opens.mapped("is_machine"), [False, True])
        self.assertEqual(opens.partner_id, self.partner)
        click = self.send.click_ids
        self.assertEqual(len(click), 1)
        self.assertEqual((click.link_index, click.clicked_at), (0, AT))
        self.assertEqual(click.url, "https://shop.example.com/spring")
        self.assertFalse(self.env["partner.email.open"].search_count([("send_id", "=", gone_id)]))
