"""Part 1c of `make bench`: what a crash of the database server loses of the hits Odoo
acknowledged, with durable commits. Each Odoo process writes the hits it answered in
batches (tools/hit_buffer.py) and keeps them while the database cannot be reached. Two
crashes (pg_ctl stop -m immediate: the WAL not yet written is lost, as in a power cut of
the database server):
- once the WAL is flushed past the last acknowledged hit: nothing may be lost;
- in the middle of the load: what Odoo's own reaction loses. Its prefork server stops at
  once, killing its workers, when it must start a process (its bus process exits on the
  crash) and cannot reach the database: the hits a worker had not yet written die with it.
Bench tooling only: never imported by Odoo.
"""

import contextlib
import os
import threading
import time

import psycopg2
from cluster import crash_and_restart

import bench

EVENTS_SQL = "SELECT (SELECT count(*) FROM partner_email_open) + (SELECT count(*) FROM partner_email_click)"
OPENS_SQL = "SELECT count(*) FROM partner_email_open"


def _paths(target):
    return os.path.join(bench.WORK, f"{target}_rot.txt")


def _wait_wal_flushed(timeout=10):
    """True once the WAL is on disk up to where it was written when called."""
    with contextlib.closing(psycopg2.connect(dbname=bench.DB_TRACK)) as conn:
        conn.autocommit = True
        with conn.cursor() as cr:
            cr.execute("SELECT pg_current_wal_insert_lsn()")
            written = cr.fetchone()[0]
            deadline = time.time() + timeout
            while time.time() < deadline:
                cr.execute("SELECT pg_current_wal_flush_lsn() >= %s::pg_lsn", [written])
                if cr.fetchone()[0]:
                    return True
                time.sleep(0.05)
    return False


def crash_after_flush(connections):
    """Load both routes, stop Odoo, wait for the WAL flush, crash, count again."""
    before = bench.db_count(bench.DB_TRACK, EVENTS_SQL)
    server = bench.Server(bench.DB_TRACK)
    acknowledged = 0
    try:
        server.wait_ready()
        for target in ("our_pixel", "our_click"):
            result = bench.wrk(_paths(target), bench.SECONDS, connections)
            acknowledged += result["s200"] + result["s302"]
    finally:
        server.stop()
    flushed = _wait_wal_flushed()
    recorded = bench.db_count(bench.DB_TRACK, EVENTS_SQL) - before
    crash_and_restart()
    kept = bench.db_count(bench.DB_TRACK, EVENTS_SQL) - before
    return {"acknowledged": acknowledged, "recorded": recorded, "kept": kept, "flushed": flushed}


def crash_under_load(connections, seconds=4):
    """Crash the database server halfway through a load of the open pixel."""
    before = bench.db_count(bench.DB_TRACK, OPENS_SQL)
    server = bench.Server(bench.DB_TRACK)
    results = []
    try:
        server.wait_ready()
        path = _paths("our_pixel")
        load = threading.Thread(target=lambda: results.append(bench.wrk(path, seconds, connections)))
        load.start()
        time.sleep(seconds / 2)
        crash_and_restart()
        load.join()
    finally:
        server.stop()
    kept = bench.db_count(bench.DB_TRACK, OPENS_SQL) - before
    return {"acknowledged": results[0]["s200"], "kept": kept}


def run(log):
    connections = max(bench.CONNECTIONS)
    log("durable commits: crashing the database server after the WAL flush")
    flushed = crash_after_flush(connections)
    log("durable commits: crashing the database server under load")
    under_load = crash_under_load(connections)
    return flushed, under_load


def lost_after_flush(flushed):
    """Acknowledged hits never recorded, plus recorded ones gone after the crash (requests in
    flight when wrk stopped are recorded without being counted as acknowledged)."""
    return max(0, flushed["acknowledged"] - flushed["recorded"]) + flushed["recorded"] - flushed["kept"]


def lost_under_load(under_load):
    return max(0, under_load["acknowledged"] - under_load["kept"])


def report(flushed, under_load):
    lost = lost_after_flush(flushed)
    window_lost = lost_under_load(under_load)
    met = flushed["flushed"] and lost == 0
    return [
        "",
        "1c. A CRASH OF THE DATABASE SERVER, durable commits (pg_ctl stop -m immediate, then recovery)",
        f"  after the WAL flush: {flushed['acknowledged']} hits acknowledged (our pixel and click), "
        f"{flushed['recorded']} recorded, {flushed['kept']} after recovery: lost {lost}",
        f"  in the middle of a load of the pixel: {under_load['acknowledged']} acknowledged, "
        f"{under_load['kept']} after recovery: lost {window_lost} (not yet written when Odoo's server "
        "stopped itself, see bench/crash.py)",
        f"  TARGETS: no hit acknowledged before the last WAL flush lost: {lost} {bench.verdict(met)}",
    ]
