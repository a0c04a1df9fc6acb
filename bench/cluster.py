"""Settings of the private PostgreSQL cluster for a part of `make bench`: it runs with fsync
and synchronous_commit off (scripts/pg.sh); durable_commits turns them on (with
full_page_writes, as on a production server), statement_statistics loads pg_stat_statements
(for bench/run --profile). Both restart the cluster and always put back what was there,
even after an error. A bench killed meanwhile leaves a note that the next
bench run restores first. crash_and_restart stops the cluster as a crash would.
Bench tooling only: never imported by Odoo.
"""

import contextlib
import glob
import json
import os
import subprocess

import psycopg2

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# one note per block of settings under way (blocks may nest): what to put back
PENDING_NOTES = os.path.join(REPO, ".run", "bench-cluster-restore-*.json")
DURABLE = {"fsync": "on", "synchronous_commit": "on", "full_page_writes": "on"}
STATEMENT_STATS = {"shared_preload_libraries": "pg_stat_statements"}
# the only settings this module changes (their names are never taken from outside input)
MANAGED = (*DURABLE, *STATEMENT_STATS)


def _admin_cursor_execute(statements):
    conn = psycopg2.connect(dbname="postgres")
    try:
        conn.autocommit = True  # ALTER SYSTEM cannot run in a transaction
        with conn.cursor() as cr:
            results = []
            for statement, params in statements:
                cr.execute(statement, params)
                results.append(cr.fetchall() if cr.description else None)
            return results
    finally:
        conn.close()


def _auto_conf_values(names):
    """What ALTER SYSTEM had set for ``names`` before the bench: {name: value or None}."""
    (rows,) = _admin_cursor_execute(
        [
            (
                "SELECT name, setting FROM pg_file_settings WHERE name = ANY(%s) "
                "AND sourcefile LIKE %s AND applied",
                [list(names), "%postgresql.auto.conf"],
            )
        ]
    )
    found = dict(rows)
    return {name: found.get(name) for name in names}


def _apply(values):
    """ALTER SYSTEM SET (or RESET, for None) each of ``values``, then restart the cluster."""
    _admin_cursor_execute(
        [
            ("ALTER SYSTEM RESET " + name, None)
            if value is None
            else ("ALTER SYSTEM SET " + name + " = %s", [value])
            for name, value in values.items()
            if name in MANAGED
        ]
    )
    _restart("stop")
    wanted = {name: value for name, value in values.items() if value is not None}
    (rows,) = _admin_cursor_execute(
        [("SELECT name, setting FROM pg_settings WHERE name = ANY(%s)", [list(wanted)])]
    )
    if dict(rows) != wanted:
        raise SystemExit(f"bench: the cluster did not take {wanted}: it has {dict(rows)}")


def _restart(how):
    """Stop the private cluster (``how``: pg.sh's stop or crash), then start it."""
    pg = os.path.join(REPO, "scripts", "pg.sh")
    # pg.sh leaves the cluster alone when PGHOST is set, as it is for the bench's own clients
    env = {key: value for key, value in os.environ.items() if key != "PGHOST"}
    subprocess.run([pg, how], check=True, capture_output=True, env=env)
    subprocess.run([pg, "start"], check=True, capture_output=True, env=env)


def crash_and_restart():
    """Kill the private cluster as a crash would (no checkpoint, unflushed WAL lost), then
    start it: PostgreSQL recovers from the WAL on disk."""
    _restart("crash")


def durable_commits(log):
    """The private cluster with durable commits for the duration of the block."""
    return temporary_settings(DURABLE, log)


def statement_statistics(log):
    """The private cluster with pg_stat_statements loaded for the duration of the block."""
    return temporary_settings(STATEMENT_STATS, log)


@contextlib.contextmanager
def temporary_settings(values, log):
    """The private cluster restarted with ``values`` for the duration of the block."""
    previous = _auto_conf_values(values)
    note = PENDING_NOTES.replace("*", "-".join(sorted(values)))
    with open(note, "w", encoding="utf-8") as f:
        json.dump(previous, f)
    try:
        _apply(values)
        yield
    finally:
        log("restoring the private cluster's settings")
        _apply(previous)
        with contextlib.suppress(FileNotFoundError):
            os.remove(note)


def restore_interrupted(log):
    """Put back the settings a killed bench left changed."""
    for note in glob.glob(PENDING_NOTES):
        log(f"a previous bench was interrupted: restoring the cluster's settings from {note}")
        with open(note, encoding="utf-8") as f:
            _apply(json.load(f))
        os.remove(note)
