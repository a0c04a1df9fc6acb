"""Tracking hits answered at once and written to the database in batches.

A pixel or a link answers from memory; a thread of the process writes the hits received
meanwhile with one statement per batch, so that a hit costs its route no query of its own.
What a crash can lose: the hits of the last ``interval`` received by a process killed
without a chance to stop (SIGKILL, out of memory). A stopping process writes what it holds;
a database that cannot be reached keeps the hits waiting, and a full buffer makes the
route write its hit itself. No ORM: the caller gives the function that writes a batch.
"""

import atexit
import collections
import logging
import os
import threading
import time

_logger = logging.getLogger(__name__)

# (kind, send_id, link index or None, machine reason or None, naive UTC datetime)
Hit = collections.namedtuple("Hit", "kind send_id index machine_reason at")


def hit_arrays(hits):
    """The columns of ``hits``, one list each: the parameters of a batch statement."""
    return {
        "send_ids": [hit.send_id for hit in hits],
        "link_indexes": [hit.index for hit in hits],
        "ats": [hit.at for hit in hits],
        "machine_reasons": [hit.machine_reason for hit in hits],
    }


class HitBuffer:
    """Hits per database, written by ``write(dbname, hits)`` every ``interval`` seconds.

    ``retry_errors``: exceptions after which a batch is kept to be written again (the
    database is unreachable); a batch failing otherwise is written hit by hit, and a hit
    that still fails is logged and dropped, since writing it again would fail again. At
    most ``limit`` hits wait: ``add`` then refuses.
    """

    def __init__(self, write, interval=0.1, limit=50_000, retry_errors=(), max_backoff=5.0):
        self._write = write
        self._interval = interval
        self._limit = limit
        self._retry_errors = retry_errors
        self._max_backoff = max_backoff
        self._reset()
        os.register_at_fork(after_in_child=self._reset)
        atexit.register(self.flush)

    def _reset(self):
        """A forked process starts empty, without the parent's thread."""
        self._lock = threading.Lock()
        self._pending = collections.defaultdict(list)
        self._count = 0
        self._thread = None

    def add(self, dbname, hit):
        """Queue ``hit`` for ``dbname``; False when the buffer is full (nothing queued)."""
        with self._lock:
            if self._count >= self._limit:
                return False
            self._pending[dbname].append(hit)
            self._count += 1
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="email history hits", daemon=True)
                self._thread.start()
        return True

    def flush(self):
        """Write every waiting hit now; True when nothing is left waiting."""
        written = [self._write_batch(dbname, hits) for dbname, hits in self._take().items()]
        return all(written)

    def _take(self):
        with self._lock:
            batches, self._pending, self._count = self._pending, collections.defaultdict(list), 0
        return batches

    def _give_back(self, dbname, hits):
        with self._lock:
            self._pending[dbname][:0] = hits
            self._count += len(hits)

    def _write_batch(self, dbname, hits):
        try:
            self._write(dbname, hits)
        except self._retry_errors as error:
            _logger.warning("Email history: %s tracking hits wait for the database: %s", len(hits), error)
            self._give_back(dbname, hits)
            return False
        except Exception:
            if len(hits) > 1:  # one hit that cannot be written does not cost the others theirs
                written = [self._write_batch(dbname, [hit]) for hit in hits]
                return all(written)
            _logger.exception("Email history: could not record a tracking hit of send %s", hits[0].send_id)
        return True

    def _run(self):
        delay = self._interval
        while True:
            time.sleep(delay)
            # an unreachable database is tried again less and less often
            delay = self._interval if self.flush() else min(delay * 2, self._max_backoff)
