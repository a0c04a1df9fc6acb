"""`bench/run --profile`: where the time of our pixel and our click goes.

py-spy samples the Odoo workers (wall time, waits included) while wrk loads one route; the
samples of a request are grouped by the most specific part a frame of their stack names (our
SQL, commit, token, User-Agent classification, response, route code; the rest is the
framework). Wall time: on a loaded machine, waits for the CPU inflate round trips.
pg_stat_statements (the private cluster is restarted with it, then restored) gives the
database's side of each statement: time, buffers and WAL per call.
Uses the databases of a `BENCH_KEEP=1 make bench` run when they exist, else prepares them.
Bench tooling only: never imported by Odoo. A command-line tool: it prints its results.
"""

# pylint: disable=print-used
import collections
import os
import shutil
import subprocess

import psycopg2
from cluster import durable_commits, statement_statistics

import bench

PROFILE_SECONDS = int(os.environ.get("BENCH_PROFILE_SECONDS", "10"))
PROFILE_CONNECTIONS = int(os.environ.get("BENCH_PROFILE_CONNECTIONS", "8"))
PROFILED = (("our_pixel", "rot"), ("our_click", "rot"), ("bare", "one"))
WRITER_MARKER = "write_buffered_hits ("  # the thread writing the queued hits, while it writes
# (marker in a "function (file:line)" frame, part), the most specific first
PARTS = [
    ("tracking_token.py", "token (HMAC)"),
    ("machine_hits.py", "User-Agent classification"),
    ("partner_email_machine_agent.py", "User-Agent classification"),
    ("_get_token_secret", "token key lookup"),
    (WRITER_MARKER, "hit writer thread: batches of hits"),
    ("._link_target (", "our SQL statement: the click's target"),
    ("._record (", "hit queued"),
    ("Cursor.commit (sql_db.py", "commit"),
    ("Cursor.rollback (sql_db.py", "rollback, cursor close"),
    ("check_signaling (orm/registry.py", "framework: registry signaling query"),
    ("db_list (http.py", "framework: database list"),
    ("ConnectionPool.borrow (sql_db.py", "framework: connection from the pool"),
    ("run_wsgi.<locals>.write (werkzeug/serving.py", "response: headers and body written"),
    ("Response", "response: object built"),
    ("controllers/main.py", "route code"),
    ("(http.py", "framework: odoo.http dispatch, environment"),
    ("(orm/", "framework: registry, environment"),
    ("(werkzeug/", "framework: werkzeug request parsing"),
    ("(http/server.py", "framework: HTTP server"),
    ("(socketserver.py", "framework: HTTP server"),
]
REQUEST_MARKER = "process_request (service/server.py"
MAX_QUERY = 90


def part_of(stack):
    """The first part of PARTS (in list order) that a frame of ``stack`` names."""
    for marker, part in PARTS:
        if any(marker in frame for frame in stack):
            return part
    return "other (in a request)"


def parse_raw(path):
    """{part: samples} of the samples taken while a worker served a request or wrote hits."""
    parts = collections.Counter()
    with open(path, encoding="utf-8") as f:
        for line in f:
            stack, _space, count = line.rstrip("\n").rpartition(" ")
            frames = stack.split(";")
            if not any(REQUEST_MARKER in frame or WRITER_MARKER in frame for frame in frames):
                continue  # waiting for a request, or the master process
            parts[part_of(frames)] += int(count)
    return parts


def record(server, seconds, out):
    cmd = [
        "py-spy",
        "record",
        "--pid",
        str(server.proc.pid),
        "--subprocesses",
        "--idle",
        "--rate",
        "250",
        "--duration",
        str(seconds),
        "--format",
        "raw",
        "--output",
        out,
    ]
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def statements(db):
    with psycopg2.connect(dbname=db) as conn, conn.cursor() as cr:
        cr.execute(
            """SELECT calls, mean_exec_time, shared_blks_hit / calls, shared_blks_read / calls,
                      shared_blks_dirtied / calls, wal_records / calls, wal_bytes / calls,
                      regexp_replace(query, '\\s+', ' ', 'g')
                 FROM pg_stat_statements JOIN pg_database d ON d.oid = dbid
                WHERE d.datname = %s AND calls > 100
             ORDER BY total_exec_time DESC LIMIT 6""",
            [db],
        )
        return cr.fetchall()


def reset_statements(db):
    with psycopg2.connect(dbname=db) as conn, conn.cursor() as cr:
        cr.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        cr.execute("SELECT pg_stat_statements_reset()")


def profile(label):
    lines = ["", f"PROFILE ({label}): --workers={bench.WORKERS}, wrk -c{PROFILE_CONNECTIONS}, 1,000 tokens"]
    server = bench.Server(bench.DB_TRACK)
    try:
        server.wait_ready()
        for target, mode in PROFILED:
            paths = os.path.join(bench.WORK, f"{target}_{mode}.txt")
            bench.wrk(paths, 2, PROFILE_CONNECTIONS)  # warm-up
            reset_statements(bench.DB_TRACK)
            out = os.path.join(bench.WORK, f"pyspy_{target}_{label.split()[0]}.txt")
            spy = record(server, PROFILE_SECONDS, out)
            result = bench.wrk(paths, PROFILE_SECONDS + 1, PROFILE_CONNECTIONS)
            spy.wait()
            parts = parse_raw(out) if os.path.exists(out) else {}
            total = sum(parts.values()) or 1
            lines.append(
                f"{target}: {result.get('rps', 0):.0f} req/s; worker wall time in requests, {total} samples:"
            )
            for part, samples in parts.most_common():
                lines.append(f"   {100 * samples / total:5.1f}%  {part}")
            lines.append("   database side (pg_stat_statements, per call):")
            lines.append(
                f"   {'calls':>7} {'mean ms':>8} {'blk hit':>8} {'blk read':>8} {'dirtied':>8}"
                f" {'WAL rec':>8} {'WAL B':>7}  statement"
            )
            for calls, mean, hit, read, dirtied, wal_records, wal_bytes, query in statements(bench.DB_TRACK):
                lines.append(
                    f"   {calls:>7} {mean:>8.3f} {hit:>8.1f} {read:>8.1f} {dirtied:>8.1f}"
                    f" {wal_records:>8.1f} {wal_bytes:>7.0f}  {query[:MAX_QUERY]}"
                )
    finally:
        server.stop()
    print("\n".join(lines), flush=True)


def _database_exists(name):
    with psycopg2.connect(dbname="postgres") as conn, conn.cursor() as cr:
        cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return bool(cr.fetchone())


def main():
    if not shutil.which("py-spy"):
        raise SystemExit("bench --profile: py-spy is required (pip install py-spy)")
    if os.environ.get("BENCH_PRIVATE_CLUSTER") != "1":
        raise SystemExit("bench --profile: restarts the private cluster; not with PGHOST set")
    os.makedirs(bench.WORK, exist_ok=True)
    prepared = os.path.exists(os.path.join(bench.WORK, "our_pixel_rot.txt"))
    if not (prepared and _database_exists(bench.DB_TRACK)):
        bench.drop_databases()
        bench.prepare_databases()
        bench.orm_task(bench.DB_TRACK, "load-setup", bench.WORK)
    with statement_statistics(bench.log):
        profile("the cluster as configured")
        if os.environ.get("BENCH_DURABLE", "1") != "0":
            with durable_commits(bench.log):
                profile("durable commits")
