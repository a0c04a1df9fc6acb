#!/usr/bin/env python3
"""Build the addon's wheel: ``scripts/build_dist.py [OUT_DIR]`` (default: ``dist``).

whool names the wheel after the folder it builds and packs every file git tracks in it, while
this repository's root is both the addon and its development tooling. So the addon's files (as
they are in the working tree, tracked or not ignored by git) are copied without the tooling into
a temporary folder named after the addon, outside any git repository, and the wheel is built
from there: ``odoo_addon_partner_email_history-<manifest version>-py3-none-any.whl``, whatever
this checkout's folder is called. Prints the wheel's path.
"""

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULE = "partner_email_history"
# Top-level entries of the repository that are development tooling, not part of the addon
# (top-level dot files, such as linter configurations, are left out too).
DEV_ONLY = {
    "Makefile",
    "bench",
    "eslint.config.mjs",
    "package-lock.json",
    "package.json",
    "ruff.toml",
    "scripts",
}


def addon_files():
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    for name in filter(None, listed.split("\0")):
        top = name.split("/", 1)[0]
        if top.startswith(".") or top in DEV_ONLY or not (ROOT / name).is_file():
            continue
        yield name


def stage_addon(parent, *extra_files):
    """Copy the addon's files (and ``extra_files``) into ``parent``/partner_email_history."""
    stage = Path(parent) / MODULE
    for name in [*addon_files(), *extra_files]:
        (stage / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, stage / name)
    return stage


def build_wheel(out_dir):
    """Build the wheel into ``out_dir`` and return its path."""
    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="peh-dist-") as tmp:
        stage, wheels = stage_addon(tmp, "pyproject.toml"), Path(tmp) / "wheels"
        pip_wheel = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation"]
        subprocess.run(
            [*pip_wheel, "--wheel-dir", str(wheels), str(stage)],
            cwd=tmp,
            check=True,
        )
        (wheel,) = wheels.glob("*.whl")
        return Path(shutil.move(wheel, out_dir / wheel.name))


if __name__ == "__main__":
    print(build_wheel(sys.argv[1] if len(sys.argv) > 1 else ROOT / "dist"))
