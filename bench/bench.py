#!/usr/bin/env python3
"""`make bench`: tracking routes under load, the send path, the Emails page at scale.

Run through bench/run (which starts the project's PostgreSQL). Loopback only, bounded
in time; creates its own databases and drops them at the end. Environment knobs:
BENCH_DB_PREFIX, BENCH_HTTP_PORT, BENCH_GEVENT_PORT, BENCH_SECONDS, BENCH_ROUNDS,
BENCH_THREADS, BENCH_CONNECTIONS, BENCH_SEND_ROUNDS, BENCH_PAGE_TIMEOUT, BENCH_KEEP (1: keep
the databases).
Bench tooling only: never imported by Odoo. A command-line tool: it prints its results.
"""

# pylint: disable=print-used
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request

import psycopg2

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH_DIR)
WORK = os.path.join(REPO, ".run", "bench")
ADDONS_PATH = ",".join([os.path.join(REPO, ".run", "addons"), os.path.join(BENCH_DIR, "addons")])
PREFIX = os.environ.get("BENCH_DB_PREFIX", "peh_bench")
HTTP_PORT = int(os.environ.get("BENCH_HTTP_PORT", "18069"))
GEVENT_PORT = int(os.environ.get("BENCH_GEVENT_PORT", "18072"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
THREADS = int(os.environ.get("BENCH_THREADS", "2"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
SEND_ROUNDS = int(os.environ.get("BENCH_SEND_ROUNDS", "2"))
KEEP = os.environ.get("BENCH_KEEP") == "1"
DB_BASE = f"{PREFIX}_base"  # Odoo with mass_mailing, without the addon
DB_TRACK = f"{PREFIX}_track"  # the same plus partner_email_history and the floor addon
DATA_DIR = os.path.join(WORK, "data")

# (target, label, SQL counting the events its hits record, expected status)
TARGETS = [
    ("our_pixel", "our open pixel", "SELECT count(*) FROM partner_email_open", 200),
    ("our_click", "our click redirect", "SELECT count(*) FROM partner_email_click", 302),
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
# events that record only the first hit of a token: loss cannot be counted per hit
FIRST_HIT_ONLY = {"odoo_pixel"}
# one line per failed attempt (odoo/service/model.py retrying()); the "bad query" line that
# precedes it is not counted, so a retry counts once
RETRY_RE = re.compile(r"tries left, try again in|maximum number of tries reached")


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
    cmd = [sys.executable, os.path.join(BENCH_DIR, "orm_tasks.py"), db, ADDONS_PATH, task, *args]
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
# Part 1
# ---------------------------------------------------------------------------


class Server:
    def __init__(self, db):
        self.logfile = os.path.join(WORK, "server.log")
        self.proc = subprocess.Popen(
            odoo_cmd(
                db,
                f"--db-filter=^{db}$",
                "--workers=2",
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

    def wait_ready(self, path, timeout=90):
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

    def retries_since(self, offset):
        with open(self.logfile, encoding="utf-8", errors="replace") as f:
            f.seek(offset)
            return sum(1 for line in f if RETRY_RE.search(line))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)  # its own session: the server and its workers
                self.proc.wait()


def wrk(paths_file, seconds):
    cmd = [
        "wrk",
        f"-t{THREADS}",
        f"-c{CONNECTIONS}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        os.path.join(BENCH_DIR, "rotate.lua"),
        f"http://127.0.0.1:{HTTP_PORT}",
        "--",
        paths_file,
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    line = next(line for line in out.splitlines() if line.startswith("BENCH_RESULT "))
    result = {key: int(value) for key, value in (item.split("=") for item in line.split()[1:])}
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def db_count(db, sql):
    with psycopg2.connect(dbname=db) as conn, conn.cursor() as cr:
        cr.execute(sql)
        return cr.fetchone()[0]


def run_load():
    log("creating 1,000 sends, mailing traces and link trackers")
    setup = orm_task(DB_TRACK, "load-setup", WORK)
    runs = [(target, mode) for target, *_ in TARGETS for mode in ("one", "rot")]
    runs += [("floor", "one"), ("bare", "one")]
    specs = {spec[0]: spec for spec in (*TARGETS, FLOOR, BARE)}
    stats = {
        run_key: {"rounds": [], "ok": 0, "events": 0, "lost": 0, "late": 0, "retries": 0, "bad": 0}
        for run_key in runs
    }
    server = Server(DB_TRACK)
    try:
        server.wait_ready("/email_history_bench/floor.gif")
        log("warming up every target")
        for target, mode in runs:
            wrk(os.path.join(WORK, f"{target}_{mode}.txt"), 1)
        for round_no in range(ROUNDS):
            order = runs[round_no % len(runs) :] + runs[: round_no % len(runs)]
            log(f"round {round_no + 1}/{ROUNDS}: {len(order)} targets x {SECONDS}s")
            for target, mode in order:
                _name, _label, count_sql, status = specs[target]
                before = db_count(DB_TRACK, count_sql) if count_sql else 0
                offset = server.log_size()
                result = wrk(os.path.join(WORK, f"{target}_{mode}.txt"), SECONDS)
                time.sleep(1)  # let requests in flight at the cut-off commit
                after = db_count(DB_TRACK, count_sql) if count_sql else 0
                stat = stats[(target, mode)]
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
                stat["retries"] += server.retries_since(offset)
                if count_sql:
                    events = after - before
                    stat["events"] += events
                    if target not in FIRST_HIT_ONLY:
                        stat["lost"] += max(0, ok - events)
                        stat["late"] += max(0, events - ok)
    finally:
        server.stop()
    return setup, stats


def format_load(stats):
    floor_rps = max(r["rps"] for r in stats[("floor", "one")]["rounds"])
    bare_rps = max(r["rps"] for r in stats[("bare", "one")]["rounds"])
    header = (
        f"{'target':<26}{'tokens':>7}{'best req/s':>11}{'spread':>8}{'x floor':>8}{'x bare':>7}"
        f"{'p99 ms':>8}{'ok resp':>9}{'db events':>10}{'lost':>6}{'late':>6}{'retries':>8}{'bad':>5}"
    )
    lines = [
        "",
        f"1. TRACKING ROUTES UNDER LOAD (--workers=2, wrk -t{THREADS} -c{CONNECTIONS}, "
        f"{ROUNDS} interleaved rounds x {SECONDS}s)",
        header,
        "-" * len(header),
    ]
    ratios = {}
    for target, label, _sql, _status in (*TARGETS, FLOOR, BARE):
        for mode in ("one", "rot"):
            stat = stats.get((target, mode))
            if not stat:
                continue
            best_round = max(stat["rounds"], key=lambda r: r["rps"])
            best = best_round["rps"]
            spread = (best - min(r["rps"] for r in stat["rounds"])) / best * 100
            ratio = best / floor_rps
            ratios[(target, mode)] = ratio
            p99 = best_round["lat_p99_us"] / 1000
            tokens = "1" if mode == "one" else "1000"
            floor = target in ("floor", "bare")
            events = "-" if floor else str(stat["events"])
            lost = "n/a" if target in FIRST_HIT_ONLY else ("-" if floor else str(stat["lost"]))
            late = "-" if target in FIRST_HIT_ONLY or floor else str(stat["late"])
            lines.append(
                f"{label:<26}{tokens:>7}{best:>11.0f}{spread:>7.0f}%{ratio:>7.2f}x"
                f"{best / bare_rps:>6.2f}x{p99:>8.1f}"
                f"{stat['ok']:>9}{events:>10}{lost:>6}{late:>6}{stat['retries']:>8}{stat['bad']:>5}"
            )
    lines.append(
        "  x floor: vs a plain public route (the target's reference); x bare: vs an auth='none' "
        "route without session, as light as Odoo serves;"
    )
    lines.append(
        "  best = the round with the most req/s (its p99 latency shown); spread = (best-worst)/best;"
    )
    lines.append("  ok resp = 200 (pixels, floors), 302 (our click), 301 (Odoo /r/);")
    lines.append(
        "  lost = ok responses without a recorded event; late = events from requests in flight at "
        "wrk's cut-off;"
    )
    lines.append(
        "  our sends belong to a mailing: our routes also update its mailing.trace, as in production;"
    )
    lines.append(
        "  Odoo's pixel records only a trace's first open (db events = traces newly opened), so its "
        "loss is n/a;"
    )
    lines.append(
        "  retries = serialization-failure retries in the server log; bad = other statuses, "
        "socket errors, timeouts."
    )
    ours = [(t, m) for t in ("our_pixel", "our_click") for m in ("one", "rot")]
    lost = sum(stats[k]["lost"] for k in ours)
    retries_rot = sum(stats[(t, "rot")]["retries"] for t in ("our_pixel", "our_click"))
    worst = min(ratios[k] for k in ours)
    lines.append(
        f"  TARGETS: our pixel & click >= 1.00x floor in (i) and (ii): worst {worst:.2f}x "
        f"{verdict(worst >= 1.0)}; lost events 0: {lost} {verdict(lost == 0)}; "
        f"retries 0 in (ii): {retries_rot} {verdict(retries_rot == 0)}"
    )
    return lines, ratios, lost, retries_rot


# ---------------------------------------------------------------------------
# Parts 2 and 3
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
    return send


def format_send(send):
    modes = send["modes"]
    lines = [
        "",
        f"2. SEND PATH: one mail.mail to {send['recipients']} recipient partners, "
        f"{send['links']} links each (SMTP captured), best of {SEND_ROUNDS} alternated rounds",
        f"{'mode':<28}{'total s':>9}{'ms/recipient':>14}{'emails':>8}{'tracked sends':>15}{'vs off':>8}",
    ]
    lines.append("-" * len(lines[-1]))
    off = modes.get("off") or modes["no addon"]
    for label in ("no addon", "off", "on"):
        mode = modes.get(label)
        if not mode:
            continue
        title = {
            "no addon": "Odoo without the addon",
            "off": "addon, tracking off",
            "on": "addon, tracking on",
        }[label]
        lines.append(
            f"{title:<28}{mode['seconds']:>9.2f}{mode['ms_per_recipient']:>14.2f}{mode['sent']:>8}"
            f"{mode['tracked']:>15}{mode['seconds'] / off['seconds']:>7.2f}x"
        )
    ratio = modes["on"]["seconds"] / off["seconds"]
    ratio_bare = modes["on"]["seconds"] / modes["no addon"]["seconds"]
    lines.append(
        f"  TARGETS: tracking on <= 1.25x off: {ratio:.2f}x {verdict(ratio <= 1.25)} "
        f"(on vs Odoo without the addon: {ratio_bare:.2f}x)"
    )
    return lines, ratio, ratio_bare


def format_page(page):
    counts = page["counts"]
    lines = [
        "",
        f"3. EMAILS PAGE AT SCALE: partner with {counts['partner_email_send']} sends, "
        f"{counts['partner_email_click']} clicks, {counts['partner_email_open']} opens, "
        f"{counts['partner_connection_note']} notes (SQL, {page['generation_s']:.0f}s) vs an empty "
        f"partner (and a small one: {page['small_sends']} sends);",
        "   admin user, RPCs as the web client sends them, best of up to 5 cold-ORM-cache calls",
        f"{'step':<48}{'empty ms':>9}{'small ms':>9}{'big ms':>10}{'big/empty':>10}"
        f"{'empty q':>8}{'small q':>8}{'big q':>7}{'big ids':>8}{'big KB':>7}",
    ]
    lines.append("-" * len(lines[-1]))
    worst_time = 0.0
    growing = []
    for row in page["rows"]:
        empty, small, big = row["empty"], row["small"], row["big"]
        time_ratio = big["ms"] / max(empty["ms"], 0.01)
        worst_time = max(worst_time, time_ratio)
        if big["queries"] > small["queries"] or big.get("timeout"):
            growing.append(row["step"])
        if row["step"] == "form":
            step = "open the partner form: web_read"
        elif row["kind"] == "onchange":
            step = "click a sent email: onchange"
        else:
            step = f"tab {row['step'].removeprefix('email_history_')}: {row['kind']} {row['field'] or ''}"
        over = ">" if big.get("timeout") else ""
        lines.append(
            f"{step:<48}{empty['ms']:>9.1f}{small['ms']:>9.1f}{over + format(big['ms'], '.1f'):>10}"
            f"{over + format(time_ratio, '.1f') + 'x':>10}{empty['queries']:>8}{small['queries']:>8}"
            f"{over + str(big['queries']):>7}{'?' if over else big['ids']:>8}"
            f"{'?' if over else format(big['kb'], '.0f'):>7}"
        )
    lines.append(
        "  a tab whose x2many is in the form specification was loaded by the form's web_read "
        "(shown: that field's part alone);"
    )
    lines.append("  a lazy tab is measured as the web_search_read (limit 40) the client sends when it opens;")
    lines.append(
        "  click a sent email: selects the partner's latest send (the empty partner, having none, "
        "clears the selection);"
    )
    lines.append(
        "  big ids / KB: x2many ids and JSON size of the answer for the big partner; "
        f"'>' = abandoned after {page['timeout_s']:.0f}s."
    )
    if not page["has_emails_page"]:
        lines.append("  WARNING: the partner form has no page named email_history")
    lines.append(
        f"  TARGETS: big <= 2x empty: worst {worst_time:.1f}x {verdict(worst_time <= 2.0)}; "
        f"query count not growing with history (big <= small): "
        f"{'growing in ' + ', '.join(growing) if growing else 'flat'} {verdict(not growing)}"
    )
    return lines, worst_time, len(growing)


def stop_on_sigterm(signum, frame):
    raise SystemExit(f"bench: stopped by signal {signum}")


def main():
    signal.signal(signal.SIGTERM, stop_on_sigterm)  # still stop the server and drop the databases
    started = time.time()
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    drop_databases()
    results = {}
    try:
        prepare_databases()
        print(
            f"make bench: {os.cpu_count()} CPUs, {os.uname().sysname} {os.uname().release}, "
            f"load average {os.getloadavg()[0]:.1f} before the load",
            flush=True,
        )
        _setup, stats = run_load()
        load_lines, ratios, lost, retries_rot = format_load(stats)
        print("\n".join(load_lines), flush=True)
        results["load"] = {f"{t}_{m}": stat for (t, m), stat in stats.items()}
        results["send"] = run_send()
        send_lines, send_ratio, send_ratio_bare = format_send(results["send"])
        print("\n".join(send_lines), flush=True)
        log("Emails page at scale: generating history with SQL")
        results["page"] = orm_task(DB_TRACK, "page")
        page_lines, page_time, page_growing = format_page(results["page"])
        print("\n".join(page_lines), flush=True)
    finally:
        with open(os.path.join(WORK, "results.json"), "w", encoding="utf-8") as f:
            json.dump(results, f, indent=1, default=str)
        if not KEEP:
            drop_databases()
    summary = " ".join(
        f"{t}({'i' if m == 'one' else 'ii'})={r:.2f}x"
        for (t, m), r in ratios.items()
        if t not in ("floor", "bare")
    )
    print(
        f"\nSUMMARY vs floor: {summary} | lost={lost} retries(ii)={retries_rot} | "
        f"send on/off={send_ratio:.2f}x on/no-addon={send_ratio_bare:.2f}x | "
        f"page big/empty time={page_time:.1f}x steps with growing queries={page_growing} | "
        f"{time.time() - started:.0f}s"
    )


if __name__ == "__main__":
    main()
