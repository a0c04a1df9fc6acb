#!/usr/bin/env python3
"""Run the addon's Odoo test suite on throwaway databases and print one verdict.

Two runs: the addon alone, then the addon beside mass_mailing (its optional integration).
Each run installs on a fresh database with demo data and ``--test-enable``, restricted to this
addon's tests. The script fails when a run fails to install, when any test fails or errors,
when no test ran, or when a test is skipped for a reason other than mass_mailing being absent
in the first run (Odoo skips browser tests, and still exits 0, when Chromium is missing).
It prints Odoo's summary of each run and last ``N passed, N failed, N skipped``.
"""

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

RUNS = [
    ("alone", [MODULE], re.compile(r"mass_mailing")),
    ("with_mass_mailing", [MODULE, "mass_mailing"], None),
]
SUMMARY_RE = re.compile(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database")
SKIP_RE = re.compile(r"skipped (\S+.*?) : (.*)$")
# Odoo's own lines worth showing: each test started, problems, skips, browser verdicts, summary.
SHOWN_RE = re.compile(
    r"(: Starting \S+\.test_| (ERROR|CRITICAL) |FAIL:|skipped |Traceback|"
    r"tour succeeded|\[HOOT\] (Passed|Failed)|when loading database)"
)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def odoo(*args, log_path=None):
    command = [sys.executable, "-m", "odoo", *args]
    if log_path is None:
        return subprocess.run(command, check=False, capture_output=True, text=True)
    with open(log_path, "w", encoding="utf-8") as log:
        return subprocess.run(command, check=False, stdout=log, stderr=subprocess.STDOUT)


def run_suite(name, modules, allowed_skip):
    database = f"peh_test_{name}_{os.getpid()}"
    log_path = RUN_DIR / f"test-{name}.log"
    print(f"== {name}: installing {', '.join(modules)} on {database}", flush=True)
    common = [f"--addons-path={ADDONS_DIR}", f"--data-dir={RUN_DIR / 'data'}", "-d", database]
    odoo("db", *common[:2], "drop", database)
    try:
        process = odoo(
            *common,
            "-i",
            ",".join(modules),
            "--with-demo",
            "--test-enable",
            f"--test-tags=/{MODULE}",
            "--stop-after-init",
            "--workers=0",
            f"--http-port={free_port()}",
            "--http-interface=127.0.0.1",
            "--max-cron-threads=0",
            log_path=log_path,
        )
    finally:
        odoo("db", *common[:2], "drop", database)
    lines = log_path.read_text(encoding="utf-8", errors="replace").splitlines()
    in_traceback = False
    for line in lines:
        in_traceback = in_traceback and (line[:1].isspace() or not line[:4].isdigit())
        if SHOWN_RE.search(line) or in_traceback:
            print(line.split(" odoo.addons.", 1)[-1] if " INFO " in line else line)
            in_traceback = in_traceback or " ERROR " in line or " CRITICAL " in line

    problems = []
    summary = next((m for line in reversed(lines) if (m := SUMMARY_RE.search(line))), None)
    failed, errors, total = (int(g) for g in summary.groups()) if summary else (0, 0, 0)
    skips = [m.groups() for line in lines if (m := SKIP_RE.search(line))]
    bad_skips = [s for s in skips if not (allowed_skip and allowed_skip.search(s[1]))]
    if process.returncode == 255:
        problems.append("the module failed to install (odoo exited 255)")
    elif process.returncode:
        problems.append(f"odoo exited {process.returncode}")
    if not summary or not total:
        problems.append("no test ran")
    if bad_skips:
        problems.append(
            f"{len(bad_skips)} test(s) skipped: "
            + "; ".join(f"{test} ({reason})" for test, reason in bad_skips)
        )
    for problem in problems:
        print(f"== {name}: FAILED: {problem}")
    print(f"== {name}: log in {log_path}", flush=True)
    failed_count = failed + errors + (1 if problems and not failed + errors else 0)
    return total - failed - errors - len(skips), failed_count, len(skips), not problems


def main():
    ADDONS_DIR.mkdir(parents=True, exist_ok=True)
    link = ADDONS_DIR / MODULE
    if not link.is_symlink() or link.resolve() != ROOT:
        link.unlink(missing_ok=True)
        link.symlink_to(ROOT)
    passed = failed = skipped = 0
    success = True
    for name, modules, allowed_skip in RUNS:
        run_passed, run_failed, run_skipped, run_ok = run_suite(name, modules, allowed_skip)
        passed += run_passed
        failed += run_failed
        skipped += run_skipped
        success &= run_ok
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 0 if success and not failed and passed else 1


if __name__ == "__main__":
    sys.exit(main())
