#!/usr/bin/env python3
"""`make bench`: tracking routes under load (as configured and with durable commits), first
hits of fresh sends, the send path (time and SQL queries), the Emails page at scale.

Run through bench/run (which starts the project's PostgreSQL). Loopback only, bounded
in time; creates its own databases and drops them at the end. Environment knobs:
BENCH_DB_PREFIX, BENCH_HTTP_PORT, BENCH_GEVENT_PORT, BENCH_SECONDS, BENCH_ROUNDS,
BENCH_THREADS, BENCH_CONNECTIONS (comma-separated: one route table column each),
BENCH_DURABLE (0: skip the durable-commit table), BENCH_FRESH_SENDS, BENCH_FRESH_CONNECTIONS,
BENCH_FRESH_HITS, BENCH_SEND_ROUNDS, BENCH_PAGE_ROUNDS, BENCH_QUERY_SIZES, BENCH_PAGE_TIMEOUT,
BENCH_KEEP (1: keep the databases). `bench/run --profile` profiles the routes instead (bench/profile.py).
Bench tooling only: never imported by Odoo. A command-line tool: it prints its results.
"""

# pylint: disable=print-used
import itertools
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request

import psycopg2
from cluster import durable_commits, restore_interrupted

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH_DIR)
WORK = os.path.join(REPO, ".run", "bench")
ADDONS_PATH = ",".join([os.path.join(REPO, ".run", "addons"), os.path.join(BENCH_DIR, "addons")])
PREFIX = os.environ.get("BENCH_DB_PREFIX", "peh_bench")
HTTP_PORT = int(os.environ.get("BENCH_HTTP_PORT", "18069"))
GEVENT_PORT = int(os.environ.get("BENCH_GEVENT_PORT", "18072"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "3"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "12"))
THREADS = int(os.environ.get("BENCH_THREADS", "2"))
CONNECTIONS = [int(c) for c in os.environ.get("BENCH_CONNECTIONS", "8,16").split(",")]
DURABLE = os.environ.get("BENCH_DURABLE", "1") != "0"
FRESH_SENDS = int(os.environ.get("BENCH_FRESH_SENDS", "1000"))
FRESH_CONNECTIONS = int(os.environ.get("BENCH_FRESH_CONNECTIONS", "50"))
FRESH_HITS = int(os.environ.get("BENCH_FRESH_HITS", "2"))  # open+click pairs per send and thread
SEND_ROUNDS = int(os.environ.get("BENCH_SEND_ROUNDS", "3"))
PAGE_ROUNDS = int(os.environ.get("BENCH_PAGE_ROUNDS", "3"))
KEEP = os.environ.get("BENCH_KEEP") == "1"
DB_BASE = f"{PREFIX}_base"  # Odoo with mass_mailing, without the addon
DB_TRACK = f"{PREFIX}_track"  # the same plus partner_email_history and the floor addon
DATA_DIR = os.path.join(WORK, "data")
WORKERS = 2

# (target, label, SQL counting the events its hits record, expected status)
TARGETS = [
    ("our_pixel", "our open pixel", "SELECT count(*) FROM partner_email_open", 200),
    ("our_click", "our click redirect", "SELECT count(*) FROM partner_email_click", 302),
    # a link whose target carries a secret: not in the link, read from the database
    ("our_click_stored", "our click, stored target", "SELECT count(*) FROM partner_email_click", 302),
    (
        "odoo_pixel",
        "Odoo mass_mailing pixel",
        "SELECT count(*) FROM mailing_trace WHERE trace_status = 'open' AND mail_mail_id_int < 20000000",
        200,
    ),  # orm_tasks.py numbers the emails of our sends from 20,000,001
    ("odoo_r", "Odoo /r/<code>", "SELECT count(*) FROM link_tracker_click", 301),
]
FLOOR = ("floor", "floor (auth=public)", None, 200)
BARE = ("bare", "bare floor (auth=none)", None, 200)
OURS = ("our_pixel", "our_click")
# events that record only the first hit of a token: loss cannot be counted per hit
FIRST_HIT_ONLY = {"odoo_pixel"}
# one line per failed attempt (odoo/service/model.py retrying()); the "bad query" line that
# precedes it is not counted, so a retry counts once
RETRY_RE = re.compile(r"tries left, try again in|maximum number of tries reached")
# a log record starts with its timestamp; "bad query" records carry the failed SQL
RECORD_START_RE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ ", re.MULTILINE)
BAD_QUERY_RE = re.compile(r" ERROR \S+ odoo\.sql_db: bad query")
OUR_TABLES_RE = re.compile(r"partner_email_\w+")


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def verdict(met):
    return "[met]" if met else "[MISSED]"


def odoo_cmd(db, *args):
    return [
        "odoo",
        "-d",
        db,
        f"--addons-path={ADDONS_PATH}",
        f"--data-dir={DATA_DIR}",
        "--http-interface=127.0.0.1",
        f"--http-port={HTTP_PORT}",
        f"--gevent-port={GEVENT_PORT}",
        "--max-cron-threads=0",
        *args,
    ]


def run(cmd, logfile, **kwargs):
    with open(logfile, "a", encoding="utf-8") as out:
        proc = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, check=False, **kwargs)
    if proc.returncode:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}; see {logfile}")


def orm_task(db, task, *args):
    logfile = os.path.join(WORK, f"orm_{task}_{db}.log")
    cmd = [sys.executable, os.path.join(BENCH_DIR, "orm_tasks.py"), db, ADDONS_PATH, task, *map(str, args)]
    proc = subprocess.run(
        cmd, capture_output=True, text=True, check=False, env={**os.environ, "BENCH_DATA_DIR": DATA_DIR}
    )
    with open(logfile, "w", encoding="utf-8") as out:
        out.write(proc.stdout + proc.stderr)
    for line in proc.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            return json.loads(line[len("BENCH_JSON ") :])
    raise SystemExit(f"task {task} on {db} failed; see {logfile}:\n{proc.stderr[-3000:]}")


def drop_databases():
    for db in (DB_TRACK, DB_BASE):
        subprocess.run(["dropdb", "--if-exists", "--force", db], check=False, capture_output=True)
    shutil.rmtree(os.path.join(DATA_DIR, "filestore"), ignore_errors=True)


def prepare_databases():
    install_log = os.path.join(WORK, "install.log")
    log(f"installing {DB_BASE} (contacts, mass_mailing)")
    run(odoo_cmd(DB_BASE, "-i", "contacts,mass_mailing,link_tracker", "--stop-after-init"), install_log)
    subprocess.run(["createdb", "-T", DB_BASE, DB_TRACK], check=True)
    filestore = os.path.join(DATA_DIR, "filestore")
    if os.path.isdir(os.path.join(filestore, DB_BASE)):
        shutil.copytree(os.path.join(filestore, DB_BASE), os.path.join(filestore, DB_TRACK))
    log(f"installing partner_email_history and the floor addon on {DB_TRACK}")
    run(
        odoo_cmd(
            DB_TRACK, "-i", "partner_email_history,partner_email_history_bench_floor", "--stop-after-init"
        ),
        install_log,
    )


# ---------------------------------------------------------------------------
# Part 1: routes under load; part 2: first hits of fresh sends
# ---------------------------------------------------------------------------


class Server:
    def __init__(self, db, workers=WORKERS):
        self.logfile = os.path.join(WORK, "server.log")
        self.proc = subprocess.Popen(
            odoo_cmd(
                db,
                # -d without --db-filter: Odoo then knows the database without listing them;
                # a filter makes it open a new connection to "postgres" for every request
                f"--workers={workers}",
                "--db_maxconn=32",
                "--limit-request=10000000",
                "--limit-time-real=600",
                "--limit-time-cpu=600",
                f"--logfile={self.logfile}",
                "--log-level=info",
                "--log-handler=werkzeug:WARNING",
            ),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

    def wait_ready(self, path="/email_history_bench/floor.gif", timeout=90):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"server exited; see {self.logfile}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{HTTP_PORT}{path}", timeout=5) as resp:
                    if resp.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        raise SystemExit(f"server not ready after {timeout}s; see {self.logfile}")

    def log_size(self):
        return os.path.getsize(self.logfile) if os.path.exists(self.logfile) else 0

    def log_since(self, offset):
        with open(self.logfile, encoding="utf-8", errors="replace") as f:
            f.seek(offset)
            return f.read()

    def problems_since(self, offset):
        """(serialization-failure retries, bad queries on our tables, all bad queries)."""
        text = self.log_since(offset)
        retries = len(RETRY_RE.findall(text))
        starts = [match.start() for match in RECORD_START_RE.finditer(text)] + [len(text)]
        records = (text[start:end] for start, end in itertools.pairwise(starts))
        bad = [record for record in records if BAD_QUERY_RE.search(record.splitlines()[0])]
        return retries, sum(1 for record in bad if OUR_TABLES_RE.search(record)), len(bad)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)  # its own session: the server and its workers
                self.proc.wait()


def wrk(paths_file, seconds, connections, once=False):
    """Run wrk with rotate.lua; ``once``: walk the list once (then stop it early)."""
    done_prefix = os.path.join(WORK, "wrk_done_")
    cmd = [
        "wrk",
        f"-t{THREADS}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        os.path.join(BENCH_DIR, "rotate.lua"),
        f"http://127.0.0.1:{HTTP_PORT}",
        "--",
        paths_file,
        *(["once", str(-(-connections // THREADS)), done_prefix] if once else []),
    ]
    done_files = [f"{done_prefix}{thread_no}" for thread_no in range(1, THREADS + 1)]
    for path in done_files:
        if os.path.exists(path):
            os.remove(path)
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True) as proc:
        deadline = time.time() + seconds
        while once and proc.poll() is None and time.time() < deadline:
            if all(os.path.exists(path) for path in done_files):
                proc.send_signal(signal.SIGINT)  # wrk stops its threads and reports
                break
            time.sleep(0.2)
        out = proc.communicate()[0]
    if proc.returncode:
        raise SystemExit(f"wrk failed ({proc.returncode}): {' '.join(cmd)}")
    line = next(line for line in out.splitlines() if line.startswith("BENCH_RESULT "))
    result = {key: int(value) for key, value in (item.split("=") for item in line.split()[1:])}
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def db_count(db, sql):
    with psycopg2.connect(dbname=db) as conn, conn.cursor() as cr:
        cr.execute(sql)
        return cr.fetchone()[0]


def route_runs(targets):
    runs = [(target, mode) for target in targets for mode in ("one", "rot")]
    runs += [("floor", "one"), ("bare", "one")]
    return [(target, mode, conns) for conns in CONNECTIONS for target, mode in runs]


def run_routes(server, targets=tuple(target for target, *_ in TARGETS)):
    """Every (target, tokens, connections) once per round, ROUNDS rounds, each round starting
    one run further, so that a passing load spike does not favour one target."""
    runs = route_runs(targets)
    specs = {spec[0]: spec for spec in (*TARGETS, FLOOR, BARE)}
    stats = {
        run_key: {"rounds": [], "ok": 0, "events": 0, "lost": 0, "late": 0, "retries": 0, "bad": 0}
        for run_key in runs
    }
    log("warming up every target")
    for target, mode, _conns in runs[: len(runs) // len(CONNECTIONS)]:
        wrk(os.path.join(WORK, f"{target}_{mode}.txt"), 1, max(CONNECTIONS))
    for round_no in range(ROUNDS):
        shift = round_no * len(runs) // ROUNDS
        order = runs[shift:] + runs[:shift]
        log(f"round {round_no + 1}/{ROUNDS}: {len(order)} runs x {SECONDS}s")
        for target, mode, conns in order:
            _name, _label, count_sql, status = specs[target]
            before = db_count(DB_TRACK, count_sql) if count_sql else 0
            offset = server.log_size()
            result = wrk(os.path.join(WORK, f"{target}_{mode}.txt"), SECONDS, conns)
            time.sleep(0.5)  # let requests in flight at the cut-off commit
            after = db_count(DB_TRACK, count_sql) if count_sql else 0
            stat = stats[(target, mode, conns)]
            stat["rounds"].append(result)
            ok = result[f"s{status}"]
            stat["ok"] += ok
            stat["bad"] += (
                result["requests"]
                - ok
                + result["err_connect"]
                + result["err_read"]
                + result["err_write"]
                + result["err_timeout"]
            )
            stat["retries"] += server.problems_since(offset)[0]
            if count_sql:
                events = after - before
                stat["events"] += events
                if target not in FIRST_HIT_ONLY:
                    stat["lost"] += max(0, ok - events)
                    stat["late"] += max(0, events - ok)
    return stats


def route_table(stats, title):
    header = (
        f"{'target':<26}{'tokens':>7}{'conns':>6}{'best req/s':>11}{'spread':>8}{'x floor':>8}{'x bare':>7}"
        f"{'med x':>7}{'p99 ms':>8}{'ok resp':>9}"
        f"{'db events':>10}{'lost':>6}{'late':>6}{'retries':>8}{'bad':>5}"
    )
    lines = ["", title, header, "-" * len(header)]
    best = {key: max(r["rps"] for r in stat["rounds"]) for key, stat in stats.items()}
    ratios, medians = {}, {}
    for conns in CONNECTIONS:
        floor_rps, bare_rps = best[("floor", "one", conns)], best[("bare", "one", conns)]
        floor_rounds = stats[("floor", "one", conns)]["rounds"]
        for target, label, _sql, _status in (*TARGETS, FLOOR, BARE):
            for mode in ("one", "rot"):
                stat = stats.get((target, mode, conns))
                if not stat:
                    continue
                best_round = max(stat["rounds"], key=lambda r: r["rps"])
                rps = best_round["rps"]
                spread = (rps - min(r["rps"] for r in stat["rounds"])) / rps * 100
                ratio = rps / floor_rps
                ratios[(target, mode, conns)] = ratio
                # the same round's floor ran at most one round's length before or after this run
                median = medians[(target, mode, conns)] = statistics.median(
                    own["rps"] / same_round["rps"]
                    for own, same_round in zip(stat["rounds"], floor_rounds, strict=True)
                )
                tokens = "1" if mode == "one" else "1000"
                floor = target in ("floor", "bare")
                events = "-" if floor else str(stat["events"])
                lost = "n/a" if target in FIRST_HIT_ONLY else ("-" if floor else str(stat["lost"]))
                late = "-" if target in FIRST_HIT_ONLY or floor else str(stat["late"])
                lines.append(
                    f"{label:<26}{tokens:>7}{conns:>6}{rps:>11.0f}{spread:>7.0f}%{ratio:>7.2f}x"
                    f"{rps / bare_rps:>6.2f}x{median:>6.2f}x"
                    f"{best_round['lat_p99_us'] / 1000:>8.1f}"
                    f"{stat['ok']:>9}{events:>10}{lost:>6}{late:>6}{stat['retries']:>8}{stat['bad']:>5}"
                )
    ours = [(t, m, c) for t in OURS for m in ("one", "rot") for c in CONNECTIONS]
    lost = sum(stats[k]["lost"] for k in ours)
    retries = sum(stats[k]["retries"] for k in ours)
    worst = min(ratios[k] for k in ours)
    lines.append(
        f"  TARGETS: our pixel & click >= 1.00x floor in every row: worst {worst:.2f}x "
        f"{verdict(worst >= 1.0)}; lost 0: {lost} {verdict(lost == 0)}; "
        f"retries 0: {retries} {verdict(retries == 0)}"
    )
    lines.append(
        f"  not a target: the median of each row's ratios to the floor of the same round, "
        f"worst {min(medians[k] for k in ours):.2f}x for our pixel & click"
    )
    stored = [ratio for (target, _mode, _conns), ratio in ratios.items() if target == "our_click_stored"]
    if stored:
        lines.append(
            f"  not a target: the click of a link whose target stays stored (it carries a secret), "
            f"worst {min(stored):.2f}x floor (it reads the target: a fifth round trip)"
        )
    return lines, {"worst": worst, "lost": lost, "retries": retries, "ratios": ratios}


ROUTE_NOTES = [
    "  x floor: vs a plain public route at the same connections (the target's reference); x bare: vs an",
    "  auth='none' route without session, as light as Odoo serves; best = the round with the most req/s",
    "  (its p99 shown); med x = the median, over the rounds, of the row's req/s over the floor's in the",
    "  same round (where a row usually sits; the targets read the best rounds); spread = (best-worst)/best;",
    "  ok resp = 200 (pixels, floors), 302 (our click), 301 (Odoo /r/); lost = ok responses without a",
    "  recorded event; late = events of requests in flight at wrk's cut-off; every request has a mail",
    "  client's User-Agent (classified as a person's); our sends belong to a mailing (a person's hit is",
    "  left to the sync job); Odoo's pixel records only a trace's first open, so its loss is n/a;",
    "  retries = serialization-failure retries in the server log; bad = other statuses, socket errors,",
    "  timeouts.",
]


def cluster_settings():
    with psycopg2.connect(dbname="postgres") as conn, conn.cursor() as cr:
        cr.execute(
            "SELECT name, setting FROM pg_settings WHERE name IN "
            "('fsync', 'synchronous_commit', 'full_page_writes') ORDER BY name"
        )
        return ", ".join(f"{name}={setting}" for name, setting in cr.fetchall())


def with_server(func):
    server = Server(DB_TRACK)
    try:
        server.wait_ready()
        return func(server)
    finally:
        server.stop()


def run_fresh(server):
    """First hits of FRESH_SENDS sends never hit before, FRESH_CONNECTIONS connections walking
    one list together: the open and click hits of one send arrive at once."""
    log(f"fresh sends: {FRESH_SENDS} new sends, {FRESH_CONNECTIONS} connections")
    fresh = orm_task(DB_TRACK, "fresh-setup", WORK, FRESH_SENDS, FRESH_HITS)
    offset = server.log_size()
    result = wrk(os.path.join(WORK, "fresh.txt"), 120, FRESH_CONNECTIONS, once=True)
    time.sleep(1)
    retries, bad_ours, bad_all = server.problems_since(offset)
    ids = f"BETWEEN {fresh['first_id']} AND {fresh['last_id']}"
    opens = db_count(DB_TRACK, f"SELECT count(*) FROM partner_email_open WHERE send_id {ids}")
    clicks = db_count(DB_TRACK, f"SELECT count(*) FROM partner_email_click WHERE send_id {ids}")
    machine = db_count(
        DB_TRACK,
        f"""SELECT (SELECT count(*) FROM partner_email_open WHERE send_id {ids} AND is_machine)
                 + (SELECT count(*) FROM partner_email_click WHERE send_id {ids} AND is_machine)""",
    )
    unopened = db_count(
        DB_TRACK,
        f"""SELECT count(*) FROM partner_email_send send WHERE id {ids}
              AND NOT EXISTS (SELECT 1 FROM partner_email_open o
                               WHERE o.send_id = send.id AND o.is_machine IS NOT TRUE)""",
    )
    expected = FRESH_SENDS * FRESH_HITS * THREADS
    return {
        **result,
        "opens": opens,
        "clicks": clicks,
        "machine": machine,
        "unopened": unopened,
        "expected": expected,
        "retries": retries,
        "bad_ours": bad_ours,
        "bad_all": bad_all,
        "lost": max(0, result["s200"] - opens) + max(0, result["s302"] - clicks),
    }


def format_fresh(fresh):
    answered = fresh["s200"] + fresh["s302"] + fresh["s404"] + fresh["s_other"]
    lines = [
        "",
        f"2. FIRST HITS OF FRESH SENDS: {FRESH_SENDS} sends never hit before, wrk -t{THREADS} "
        f"-c{FRESH_CONNECTIONS}, --workers={WORKERS}; every thread walks one list once, send after send,",
        f"   {FRESH_HITS} x (open, click) per send and thread ({fresh['expected']} opens and "
        f"{fresh['expected']} clicks sent), so the hits of one send arrive together",
        f"{'sent':>6}{'answered':>9}{'200 pixel':>10}{'302 click':>10}{'other':>6}{'db opens':>9}"
        f"{'db clicks':>10}{'lost':>5}{'machine':>8}{'unopened':>9}{'retries':>8}"
        f"{'bad q ours':>11}{'bad q all':>10}",
    ]
    lines.append("-" * len(lines[-1]))
    lines.append(
        f"{fresh['issued']:>6}{answered:>9}{fresh['s200']:>10}{fresh['s302']:>10}"
        f"{fresh['s404'] + fresh['s_other']:>6}{fresh['opens']:>9}{fresh['clicks']:>10}{fresh['lost']:>5}"
        f"{fresh['machine']:>8}{fresh['unopened']:>9}{fresh['retries']:>8}{fresh['bad_ours']:>11}"
        f"{fresh['bad_all']:>10}"
    )
    lines += [
        "  sent - answered = requests that got no response (Odoo's listen queue holds 8 per worker: a",
        "  connection beyond it can time out before a worker reads it; the server never saw the request);",
        "  lost = ok responses without a recorded event; machine = events classified as a machine's",
        "  (expected 0); unopened = fresh sends without a person's open (so no first open time);",
        "  bad q = 'bad query' ERROR records in the server log (ours: on partner_email_* tables).",
    ]
    met = {
        "retries": fresh["retries"] == 0,
        "lost": fresh["lost"] == 0 and fresh["unopened"] == 0 and fresh["machine"] == 0,
        "bad": fresh["bad_all"] == 0,
    }
    lines.append(
        f"  TARGETS: 0 retries: {fresh['retries']} {verdict(met['retries'])}; 0 lost, every send "
        f"opened: {fresh['lost']} lost, {fresh['unopened']} unopened {verdict(met['lost'])}; "
        f"0 bad queries: {fresh['bad_all']} {verdict(met['bad'])}"
    )
    return lines


# ---------------------------------------------------------------------------
# Parts 3 and 4
# ---------------------------------------------------------------------------


def run_send():
    """Best time per mode over SEND_ROUNDS alternated calls: without the addon, then with it
    (tracking off, then on), so that a passing load spike does not favour one mode."""
    send = None
    for round_no in range(SEND_ROUNDS):
        for db in (DB_BASE, DB_TRACK):
            log(f"send path {round_no + 1}/{SEND_ROUNDS} on {db}")
            result = orm_task(db, "send")
            if send is None:
                send = {**result, "modes": {}}
            for mode, figures in result["modes"].items():
                best = send["modes"].get(mode)
                if best is None or figures["seconds"] < best["seconds"]:
                    send["modes"][mode] = figures
    log("send path: SQL queries per batch")
    send["queries"] = {}
    for db in (DB_BASE, DB_TRACK):
        result = orm_task(db, "send-queries")
        send["sizes"] = result["sizes"]
        send["queries"].update(result["counts"])
    return send


MODE_TITLES = {"no addon": "Odoo without the addon", "off": "addon, tracking off", "on": "addon, tracking on"}


def format_send(send):
    modes = send["modes"]
    lines = [
        "",
        f"3. SEND PATH: one mail.mail to {send['recipients']} recipient partners, "
        f"{send['links']} links each (SMTP captured), best of {SEND_ROUNDS} alternated rounds",
        f"{'mode':<28}{'total s':>9}{'ms/recipient':>14}{'emails':>8}{'tracked sends':>15}{'vs off':>8}",
    ]
    lines.append("-" * len(lines[-1]))
    off = modes.get("off") or modes["no addon"]
    for label in ("no addon", "off", "on"):
        mode = modes.get(label)
        if not mode:
            continue
        lines.append(
            f"{MODE_TITLES[label]:<28}{mode['seconds']:>9.2f}{mode['ms_per_recipient']:>14.2f}"
            f"{mode['sent']:>8}{mode['tracked']:>15}{mode['seconds'] / off['seconds']:>7.2f}x"
        )
    ratio = modes["on"]["seconds"] / off["seconds"]
    ratio_bare = modes["on"]["seconds"] / modes["no addon"]["seconds"]
    lines.append(
        f"  TARGETS: tracking on <= 1.25x off: {ratio:.2f}x {verdict(ratio <= 1.25)} "
        f"(on vs Odoo without the addon: {ratio_bare:.2f}x)"
    )
    query_lines, growth = format_send_queries(send)
    return lines + query_lines, ratio, ratio_bare, growth


def format_send_queries(send):
    sizes, queries = send["sizes"], send["queries"]
    columns = [(shape, size) for shape in ("mails", "recipients") for size in sizes]
    heads = [f"{size} mail{'s' if size > 1 else ''}" for size in sizes]
    heads += [f"1 to {size}" for size in sizes]
    lines = [
        "",
        "   SQL queries of one send() call (the same body; warm caches): N mails to one contact each "
        "(a mail queue batch),",
        "   then one mail to N contacts (a notification to followers); extra = with the addon minus "
        "Odoo alone",
        f"{'mode':<28}" + "".join(f"{head:>11}" for head in heads),
    ]
    lines.append("-" * len(lines[-1]))
    base = queries["no addon"]
    for label in ("no addon", "off", "on"):
        counts = queries.get(label)
        if not counts:
            continue
        lines.append(
            f"{MODE_TITLES[label]:<28}"
            + "".join(f"{counts[f'{shape}_{size}']['queries']:>11}" for shape, size in columns)
        )
        if label != "no addon":
            lines.append(
                f"{'  extra':<28}"
                + "".join(
                    f"{counts[f'{shape}_{size}']['queries'] - base[f'{shape}_{size}']['queries']:>+11}"
                    for shape, size in columns
                )
            )
    growth = {}
    for shape in ("mails", "recipients"):
        extra = [
            queries["on"][f"{shape}_{size}"]["queries"] - base[f"{shape}_{size}"]["queries"] for size in sizes
        ]
        growth[shape] = extra[-1] - extra[0]
    lines.append(
        f"  TARGETS: extra queries constant per batch (tracking on, {sizes[-1]} emails vs {sizes[0]}): "
        f"{growth['mails']:+d} over {sizes[-1]} mails {verdict(growth['mails'] <= 0)}, "
        f"{growth['recipients']:+d} over {sizes[-1]} recipients {verdict(growth['recipients'] <= 0)}"
    )
    return lines, growth


def run_page():
    """The contact form on the same contacts without the addon and with it, best of PAGE_ROUNDS
    alternated rounds (so that a passing load spike does not favour one database), then the
    Emails tab."""
    log("Emails page at scale: the contact form without the addon")
    without = orm_task(DB_BASE, "page")
    log("Emails page at scale: generating history with SQL, then the form and the tab")
    page = orm_task(DB_TRACK, "page")
    rounds = {DB_BASE: [without["form"]], DB_TRACK: [page["form"]]}
    for round_no in range(1, PAGE_ROUNDS):
        for db in (DB_BASE, DB_TRACK):
            log(f"contact form {round_no + 1}/{PAGE_ROUNDS} on {db}")
            rounds[db].append(orm_task(db, "page-form")["form"])
    best = {
        db: {label: min((form[label] for form in forms), key=lambda m: m["ms"]) for label in forms[0]}
        for db, forms in rounds.items()
    }
    return {
        **page,
        "form": best[DB_TRACK],
        "form_without": best[DB_BASE],
        "form_fields_without": without["form_fields"],
    }


# The Emails tab of a contact with a long history costs what a short one's does: its lists
# read the same latest rows, its summary the same monthly figures (issues 9 and 11).
TAB_BOUND = 1.5
PAGE_CONTACTS = {"empty": "no history", "small": "{small} sends", "big": "{big} sends"}
TAB_STEPS = {
    "button": "Emails Sent button, after the form is shown",
    "summary": "summary: email_history_summary",
    "lists": "the lists' form: web_read",
    "poll": "live poll (every 4 s): email_history_poll",
    "select a send": "click a sent email: onchange",
}


def format_form(page):
    counts = page["counts"]
    lines = [
        "",
        f"4. EMAILS PAGE AT SCALE: partner with {counts['partner_email_send']} sends, "
        f"{counts['partner_email_click']} clicks, {counts['partner_email_open']} opens, "
        f"{counts['partner_connection_note']} notes (SQL, {page['generation_s']:.0f}s) vs an empty "
        f"partner (and a small one: {page['small_sends']} sends);",
        "   admin user, RPCs as the web client sends them, best of up to 20 (form, in each of "
        f"{PAGE_ROUNDS} alternated rounds) or 5 (tab) cold-ORM-cache calls",
        f"4a. Opening the contact: the form's web_read ({page['form_fields_without']} fields in Odoo "
        f"without the addon, {page['form_fields']} with it), the same contact in both databases",
        f"{'contact':<26}{'without ms':>11}{'with ms':>9}{'x':>7}{'without q':>10}{'with q':>8}{'x':>7}"
        f"{'with KB':>8}",
    ]
    lines.append("-" * len(lines[-1]))
    worst_time = worst_queries = 0.0
    for label, template in PAGE_CONTACTS.items():
        without, with_addon = page["form_without"][label], page["form"][label]
        time_ratio = with_addon["ms"] / without["ms"]
        query_ratio = with_addon["queries"] / without["queries"]
        worst_time, worst_queries = max(worst_time, time_ratio), max(worst_queries, query_ratio)
        title = template.format(small=page["small_sends"], big=counts["partner_email_send"])
        lines.append(
            f"{title:<26}{without['ms']:>11.1f}{with_addon['ms']:>9.1f}{time_ratio:>6.2f}x"
            f"{without['queries']:>10}{with_addon['queries']:>8}{query_ratio:>6.2f}x{with_addon['kb']:>8.1f}"
        )
    met = worst_time <= 1.1 and worst_queries <= 1.1
    lines.append(
        f"  TARGETS: form with history <= 1.1x without the addon: time worst {worst_time:.2f}x, "
        f"queries worst {worst_queries:.2f}x {verdict(met)}"
    )
    return lines, worst_time, worst_queries


def format_page(page):
    lines, form_time, form_queries = format_form(page)
    lines += [
        "4b. Once the form is shown: its Emails Sent button; the Emails tab, only when shown",
        f"{'step':<48}{'empty ms':>9}{'small ms':>9}{'big ms':>10}{'big/empty':>10}{'big/small':>10}"
        f"{'empty q':>8}{'small q':>8}{'big q':>7}{'big ids':>8}{'big KB':>7}",
    ]
    lines.append("-" * len(lines[-1]))
    worst_time = 0.0
    growing = []
    for row in page["rows"]:
        empty, small, big = row["empty"], row["small"], row["big"]
        time_ratio = big["ms"] / max(empty["ms"], 0.01)
        bounded_ratio = big["ms"] / max(small["ms"], 0.01)
        worst_time = max(worst_time, bounded_ratio)
        if big["queries"] > small["queries"] or big.get("timeout"):
            growing.append(row["step"])
        over = ">" if big.get("timeout") else ""
        lines.append(
            f"{TAB_STEPS[row['step']]:<48}{empty['ms']:>9.1f}{small['ms']:>9.1f}"
            f"{over + format(big['ms'], '.1f'):>10}{over + format(time_ratio, '.1f') + 'x':>10}"
            f"{over + format(bounded_ratio, '.2f') + 'x':>10}"
            f"{empty['queries']:>8}{small['queries']:>8}{over + str(big['queries']):>7}"
            f"{'?' if over else big['ids']:>8}{'?' if over else format(big['kb'], '.0f'):>7}"
        )
    lines.append(
        "  the tab mounts its summary and the lists' own form (its three subtabs, the latest 80 rows "
        "of each); the poll: with the cursor of the previous one;"
    )
    lines.append(
        "  click a sent email: selects the partner's latest send (the empty partner, having none, "
        "clears the selection);"
    )
    lines.append(
        "  big ids / KB: x2many ids and JSON size of the answer for the big partner; "
        f"'>' = abandoned after {page['timeout_s']:.0f}s."
    )
    lines.append(
        f"  TARGETS: {page['big_sends']:,} emails cost what {page['small_sends']} do (big <= "
        f"{TAB_BOUND}x small): worst {worst_time:.2f}x {verdict(worst_time <= TAB_BOUND)}; "
        f"query count not growing with history (big <= small): "
        f"{'growing in ' + ', '.join(growing) if growing else 'flat'} {verdict(not growing)}"
    )
    return lines, (form_time, form_queries), worst_time, len(growing)


def stop_on_sigterm(signum, frame):
    raise SystemExit(f"bench: stopped by signal {signum}")


def emit(lines):
    print("\n".join(lines), flush=True)


def load_part(results, summary):
    log("creating 1,000 sends, mailing traces and link trackers")
    orm_task(DB_TRACK, "load-setup", WORK)
    settings = cluster_settings()

    def routes_then_fresh(server):
        stats = run_routes(server)
        return stats, run_fresh(server)

    stats, fresh = with_server(routes_then_fresh)
    title = (
        f"1a. TRACKING ROUTES UNDER LOAD, the cluster as configured ({settings}); --workers={WORKERS}, "
        f"wrk -t{THREADS}, {ROUNDS} interleaved rounds x {SECONDS}s"
    )
    lines, fast = route_table(stats, title)
    emit(lines + ROUTE_NOTES)
    results["routes"] = {"_".join(map(str, key)): stat for key, stat in stats.items()}
    summary["routes"] = fast
    if DURABLE and os.environ.get("BENCH_PRIVATE_CLUSTER") == "1":
        import crash  # noqa: PLC0415 (imports this module: only when the part runs)

        log("durable commits: restarting the private cluster with fsync, synchronous_commit on")
        with durable_commits(log):
            settings = cluster_settings()
            # ours and the floors only, to keep the bench short: Odoo's own routes are in 1a
            stats = with_server(lambda server: run_routes(server, OURS))
            crashes = crash.run(log)
        title = f"1b. THE SAME WITH DURABLE COMMITS ({settings}; restored afterwards: {cluster_settings()})"
        lines, durable = route_table(stats, title)
        emit(lines + crash.report(*crashes))
        results["routes_durable"] = {"_".join(map(str, key)): stat for key, stat in stats.items()}
        results["crashes"] = crashes
        summary["durable"] = {**durable, "crash_lost": crash.lost_after_flush(crashes[0])}
    else:
        emit(["", "1b. DURABLE COMMITS: skipped (BENCH_DURABLE=0, or not the project's private cluster)"])
    emit(format_fresh(fresh))
    results["fresh"] = fresh
    summary["fresh"] = fresh


def main():
    signal.signal(signal.SIGTERM, stop_on_sigterm)  # still stop the server and drop the databases
    started = time.time()
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    restore_interrupted(log)
    drop_databases()
    results, summary = {}, {}
    try:
        prepare_databases()
        print(
            f"make bench: {os.cpu_count()} CPUs, {os.uname().sysname} {os.uname().release}, "
            f"load average {'/'.join(f'{load:.1f}' for load in os.getloadavg())} before the load",
            flush=True,
        )
        load_part(results, summary)
        results["send"] = run_send()
        send_lines, send_ratio, send_ratio_bare, growth = format_send(results["send"])
        emit(send_lines)
        results["page"] = run_page()
        page_lines, page_form, page_time, page_growing = format_page(results["page"])
        emit(page_lines)
    finally:
        with open(os.path.join(WORK, "results.json"), "w", encoding="utf-8") as f:
            json.dump(results, f, indent=1, default=str)
        if not KEEP:
            drop_databases()
    routes = summary["routes"]
    durable = summary.get("durable")
    fresh = summary["fresh"]
    durable_text = (
        f"durable worst={durable['worst']:.2f}x lost={durable['lost']} retries={durable['retries']} "
        f"lost in a crash after the WAL flush={durable['crash_lost']}"
        if durable
        else "durable skipped"
    )
    print(
        f"\nSUMMARY: routes worst={routes['worst']:.2f}x floor lost={routes['lost']} "
        f"retries={routes['retries']} | {durable_text} | fresh sends: retries={fresh['retries']} "
        f"lost={fresh['lost']} unopened={fresh['unopened']} bad queries={fresh['bad_all']} | "
        f"send on/off={send_ratio:.2f}x on/no-addon={send_ratio_bare:.2f}x extra-query growth "
        f"mails={growth['mails']:+d} recipients={growth['recipients']:+d} | "
        f"form with/without addon time={page_form[0]:.2f}x queries={page_form[1]:.2f}x | "
        f"tab big/small time={page_time:.2f}x steps with growing queries={page_growing} | "
        f"{time.time() - started:.0f}s, load average {os.getloadavg()[0]:.1f} after"
    )


if __name__ == "__main__":
    if "--profile" in sys.argv[1:]:
        import profile_routes

        profile_routes.main()
    else:
        main()
