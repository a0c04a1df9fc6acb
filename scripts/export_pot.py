#!/usr/bin/env python3
"""Export the addon's translation template with Odoo: ``scripts/export_pot.py [FILE]``.

Installs the addon as it is distributed (a copy of its files, so that Odoo's scan of the code
does not wander into the checkout's ``.run`` folder, which links back to the checkout) without
demo data on a throwaway database of the project's PostgreSQL, runs ``odoo i18n export`` on it
and writes the template to FILE (default: the committed ``i18n/partner_email_history.pot``).
When only the header's dates changed, the file is left as it was, so a regeneration without new
strings leaves the tree unchanged.
"""

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from build_dist import MODULE, ROOT, stage_addon

POT_PATH = ROOT / "i18n" / f"{MODULE}.pot"
DATE_LINE_RE = re.compile(r'^"(POT-Creation-Date|PO-Revision-Date): .*\\n"\n', re.MULTILINE)


def without_dates(text):
    return DATE_LINE_RE.sub("", text)


def odoo(addons_dir, *args):
    command = [sys.executable, "-m", "odoo", f"--addons-path={addons_dir}", *args]
    process = subprocess.run(command, check=False, capture_output=True, text=True)
    if process.returncode:
        sys.exit(f"{' '.join(command)} failed:\n{process.stdout[-3000:]}{process.stderr[-3000:]}")


def drop(addons_dir, database):
    subprocess.run(
        [sys.executable, "-m", "odoo", "db", f"--addons-path={addons_dir}", "drop", database],
        check=False,
        capture_output=True,
    )


def export_pot():
    """Return the template Odoo exports for the addon as it is in this checkout."""
    database = f"peh_pot_{os.getpid()}"
    with tempfile.TemporaryDirectory(prefix="peh-pot-") as tmp:
        addons_dir = stage_addon(Path(tmp) / "addons").parent
        drop(addons_dir, database)
        try:
            odoo(
                addons_dir,
                f"--data-dir={Path(tmp) / 'data'}",
                "-d",
                database,
                "-i",
                MODULE,
                "--stop-after-init",
                "--no-http",
                "--max-cron-threads=0",
                "--log-level=warn",
            )
            output = Path(tmp) / f"{MODULE}.pot"
            odoo(addons_dir, "i18n", "export", "-d", database, "-o", str(output), MODULE)
            return output.read_text(encoding="utf-8")
        finally:
            drop(addons_dir, database)


def main():
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else POT_PATH
    fresh = export_pot()
    current = target.read_text(encoding="utf-8") if target.exists() else ""
    if without_dates(fresh) == without_dates(current):
        print(f"{target}: up to date")
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(fresh, encoding="utf-8")
    print(f"{target}: written")


if __name__ == "__main__":
    main()
