#!/usr/bin/env python3
"""Build the addon's wheel into a temporary folder and check its name and content.

Fails when the name is not ``odoo_addon_partner_email_history-<manifest version>-py3-none-any.whl``,
when a file the addon needs is missing (manifest, data, demo and image files, assets, packages,
translations, LICENSE), or when anything else than the addon and its metadata is packed
(development tooling, caches, dot files).
"""

import ast
import fnmatch
import re
import sys
import tempfile
import zipfile
from email.parser import HeaderParser

from build_dist import MODULE, ROOT, build_wheel

ADDON_PREFIX = f"odoo/addons/{MODULE}/"
FORBIDDEN_RE = re.compile(
    r"(^|/)(\.[^/]+|__pycache__|node_modules|bench|scripts|Makefile|pyproject\.toml|ruff\.toml"
    r"|package(-lock)?\.json|eslint\.config\.mjs)(/|$)|\.pyc$"
)


def required_files(manifest):
    yield from ["__init__.py", "__manifest__.py", "LICENSE", "README.md", f"i18n/{MODULE}.pot"]
    yield from manifest.get("data", [])
    yield from manifest.get("demo", [])
    yield from manifest.get("images", [])
    imported = ast.parse((ROOT / "__init__.py").read_text(encoding="utf-8"))
    for node in ast.walk(imported):
        if isinstance(node, ast.ImportFrom) and node.level == 1 and not node.module:
            yield from (f"{alias.name}/__init__.py" for alias in node.names)


def problems_of(wheel, manifest):
    expected_name = f"odoo_addon_{MODULE}-{manifest['version']}-py3-none-any.whl"
    if wheel.name != expected_name:
        yield f"wheel named {wheel.name}, expected {expected_name}"
    dist_info = f"odoo_addon_{MODULE}-{manifest['version']}.dist-info/"
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata = HeaderParser().parsestr(archive.read(dist_info + "METADATA").decode())
    if metadata["Name"] != f"odoo-addon-{MODULE}" or metadata["License"] != manifest["license"]:
        yield f"unexpected metadata: Name {metadata['Name']}, License {metadata['License']}"
    addon = {name.removeprefix(ADDON_PREFIX) for name in names if name.startswith(ADDON_PREFIX)}
    yield from (
        f"outside the addon: {name}" for name in names if not name.startswith((ADDON_PREFIX, dist_info))
    )
    yield from (f"development file packed: {name}" for name in sorted(addon) if FORBIDDEN_RE.search(name))
    yield from (f"missing: {name}" for name in required_files(manifest) if name not in addon)
    for bundle, globs in manifest.get("assets", {}).items():
        for pattern in globs:
            local = pattern.removeprefix(f"{MODULE}/")
            if not fnmatch.filter(addon, local.replace("**/", "*")):
                yield f"asset {pattern} of {bundle} matches no file"


def main():
    manifest = ast.literal_eval((ROOT / "__manifest__.py").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory(prefix="peh-check-dist-") as tmp:
        wheel = build_wheel(tmp)
        problems = list(problems_of(wheel, manifest))
    for problem in problems:
        print(f"check_dist: {problem}")
    print(f"check_dist: {wheel.name}: {'FAILED' if problems else 'ok'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
