#!/usr/bin/env python3
"""Run Odoo's own mail suites with and without the addon; print what fails only with it.

``scripts/run_odoo_tests.py [--suites=test_mail,test_mass_mailing,test_mail_full]``

Two throwaway databases. On the first, the addon is installed alone, then the suites' modules
with ``--test-enable`` (Odoo runs a ``test_*`` module's tests right after installing its
dependencies, so the addon must be there before, as in a real database where it was installed
first). On the second, the suites' modules are installed without the addon. The logs (kept in
``.run/test-odoo-*.log``) are compared: the script prints the tests that fail or error only with
the addon, the other error lines logged only with it, the tests that fail only without it, and
last one plain line of counts. It exits 1 when some test fails only with the addon. The three
suites take about 25 minutes on 2 cores.
"""

import argparse
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUN_DIR = ROOT / ".run"
ADDONS_DIR = RUN_DIR / "addons"
MODULE = "partner_email_history"
DEFAULT_SUITES = "test_mail,test_mass_mailing,test_mail_full"

LOG_LINE_RE = re.compile(
    r"^\d{4}-\d\d-\d\d [\d:,]+ \d+ (?P<level>[A-Z]+) \S+ (?P<logger>[\w.]+): (?P<message>.*)$"
)
TEST_PROBLEM_RE = re.compile(r"^(FAIL|ERROR): (?P<test>.+)$")
SUMMARY_RE = re.compile(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database")
# Odoo's verdict lines, which only repeat the failures listed test by test.
VERDICT_RE = re.compile(r"when loading database|^At least one test failed|^Module \S+: \d+ failures")
NUMBER_RE = re.compile(r"\d+")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def odoo(database, *args, log_path):
    command = [
        sys.executable,
        "-m",
        "odoo",
        f"--addons-path={ADDONS_DIR}",
        f"--data-dir={RUN_DIR / 'data'}",
        "-d",
        database,
        *args,
        "--stop-after-init",
        "--workers=0",
        "--max-cron-threads=0",
        f"--http-port={free_port()}",
        "--http-interface=127.0.0.1",
    ]
    with open(log_path, "a", encoding="utf-8") as log:
        return subprocess.run(command, check=False, stdout=log, stderr=subprocess.STDOUT).returncode


def drop(database):
    subprocess.run(
        [sys.executable, "-m", "odoo", "db", f"--addons-path={ADDONS_DIR}", "drop", database],
        check=False,
        capture_output=True,
    )


def run_variant(name, suites, with_addon):
    """Install the suites (after the addon when ``with_addon``) with their tests; return the log."""
    database = f"peh_odoo_{name}_{os.getpid()}"
    log_path = RUN_DIR / f"test-odoo-{name}.log"
    log_path.write_text("", encoding="utf-8")
    drop(database)
    try:
        if with_addon:
            print(f"== {name}: installing {MODULE} on {database}", flush=True)
            if odoo(database, "-i", MODULE, log_path=log_path):
                sys.exit(f"== {name}: {MODULE} failed to install, see {log_path}")
        print(f"== {name}: installing and testing {', '.join(suites)}", flush=True)
        tags = ",".join(f"/{suite}" for suite in suites)
        returncode = odoo(
            database, "-i", ",".join(suites), "--test-enable", f"--test-tags={tags}", log_path=log_path
        )
    finally:
        drop(database)
    text = log_path.read_text(encoding="utf-8", errors="replace")
    summary = next((m for m in reversed(list(SUMMARY_RE.finditer(text)))), None)
    if not summary:
        sys.exit(f"== {name}: no test summary (odoo exited {returncode}), see {log_path}")
    failed, errors, total = summary.groups()
    print(f"== {name}: {failed} failed, {errors} error(s) of {total} tests (log: {log_path})", flush=True)
    return text


def problems(log_text):
    """Return (failing tests, other error lines) of a log, as sets of comparable strings."""
    tests, others = set(), set()
    for line in log_text.splitlines():
        match = LOG_LINE_RE.match(line)
        if not match or match["level"] not in {"ERROR", "CRITICAL"}:
            continue
        module = match["logger"].removeprefix("odoo.addons.")
        test = TEST_PROBLEM_RE.match(match["message"])
        if test:
            tests.add(f"{module}: {test['test']}")
        elif not VERDICT_RE.search(match["message"]):
            # Record ids and counters differ between the two databases.
            others.add(f"{module}: {NUMBER_RE.sub('N', match['message'])}")
    return tests, others


def print_list(title, items):
    if items:
        print(f"{title} ({len(items)}):")
        for item in sorted(items):
            print(f"  {item}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--suites", default=DEFAULT_SUITES, help=f"comma-separated (default: {DEFAULT_SUITES})"
    )
    suites = [suite for suite in parser.parse_args().suites.split(",") if suite]
    ADDONS_DIR.mkdir(parents=True, exist_ok=True)
    link = ADDONS_DIR / MODULE
    if not link.is_symlink() or link.resolve() != ROOT:
        link.unlink(missing_ok=True)
        link.symlink_to(ROOT)

    with_tests, with_others = problems(run_variant("with_addon", suites, with_addon=True))
    without_tests, without_others = problems(run_variant("without_addon", suites, with_addon=False))
    only_with = with_tests - without_tests
    print_list("Tests failing only with the addon", only_with)
    print_list("Other error lines only with the addon", with_others - without_others)
    print_list("Tests failing only without the addon", without_tests - with_tests)
    print(
        f"{len(only_with)} test(s) fail only with the addon, {len(with_tests & without_tests)} "
        f"in both runs, {len(without_tests - with_tests)} only without it ({', '.join(suites)})"
    )
    return 1 if only_with else 0


if __name__ == "__main__":
    sys.exit(main())
