#!/usr/bin/env python3
"""Fail when the committed translation template differs from what Odoo exports now.

The header's creation and revision dates are ignored. On a difference, prints it and the
command that regenerates the template (``make pot``).
"""

import difflib
import sys

from export_pot import POT_PATH, export_pot, without_dates


def main():
    committed = POT_PATH.read_text(encoding="utf-8") if POT_PATH.exists() else ""
    fresh = export_pot()
    diff = list(
        difflib.unified_diff(
            without_dates(committed).splitlines(),
            without_dates(fresh).splitlines(),
            f"{POT_PATH.name} (committed)",
            f"{POT_PATH.name} (exported now)",
            lineterm="",
        )
    )
    if diff:
        print("\n".join(diff[:80] + ([f"... {len(diff) - 80} more lines"] if len(diff) > 80 else [])))
        print(f"check_pot: {POT_PATH.name} is out of date: run `make pot` and commit it")
        return 1
    print(f"check_pot: {POT_PATH.name}: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
