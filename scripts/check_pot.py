#!/usr/bin/env python3
"""Fail when the committed translation template differs from what Odoo exports now, or when a
translation in ``i18n/`` does not translate every entry of that template.

The template's header dates are ignored. On a difference, prints it and the command that
regenerates the template (``make pot``). A translation fails on an entry of the template it
lacks or leaves empty, a fuzzy or obsolete entry, a placeholder (``%s``, ``%(name)s``, ``{}``)
or HTML tag it does not keep, and a header without its language, plural forms or UTF-8 charset.
It is checked first: it needs no database.
"""

import difflib
import re
import sys

import polib
from export_pot import POT_PATH, export_pot, without_dates

# what must survive translation unchanged: printf and format placeholders, and HTML tags
KEPT_RE = re.compile(r"%(?:\([a-z_]+\))?[sd]|\{[^{}]*\}|</?[a-z][^>]*>")
REQUIRED_HEADERS = {"Language": "", "Plural-Forms": "nplurals=", "Content-Type": "charset=UTF-8"}


def kept_parts(text):
    return sorted(KEPT_RE.findall(text))


def translation_problems(po, template_ids):
    problems = [
        f"header {name} is missing or lacks {needle!r}"
        for name, needle in REQUIRED_HEADERS.items()
        if not po.metadata.get(name) or needle not in po.metadata[name]
    ]
    entries = {(entry.msgctxt, entry.msgid): entry for entry in po if not entry.obsolete}
    for key in template_ids:
        entry = entries.get(key)
        if entry is None:
            problems.append(f"missing: {key[1]!r}")
        elif not entry.msgstr:
            problems.append(f"untranslated: {key[1]!r}")
        elif entry.fuzzy:
            problems.append(f"fuzzy: {key[1]!r}")
        elif kept_parts(entry.msgid) != kept_parts(entry.msgstr):
            problems.append(f"placeholders or tags differ: {key[1]!r} -> {entry.msgstr!r}")
    problems += [f"obsolete: {entry.msgid!r}" for entry in po.obsolete_entries()]
    problems += [f"not in the template: {key[1]!r}" for key in entries.keys() - set(template_ids)]
    return problems


def check_translations():
    """Return the number of translations with problems, printing each problem."""
    template_ids = [(entry.msgctxt, entry.msgid) for entry in polib.pofile(str(POT_PATH))]
    failed = 0
    for path in sorted(POT_PATH.parent.glob("*.po")):
        problems = translation_problems(polib.pofile(str(path)), template_ids)
        for problem in problems:
            print(f"check_pot: {path.name}: {problem}")
        if problems:
            failed += 1
        else:
            print(f"check_pot: {path.name}: {len(template_ids)} of {len(template_ids)} entries translated")
    if failed:
        print(
            "check_pot: complete the translations: msgmerge --update --no-fuzzy-matching "
            f"i18n/LANG.po i18n/{POT_PATH.name}, translate every new entry, drop the obsolete ones"
        )
    return failed


def check_template():
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


def main():
    failed_translations = check_translations()
    failed_template = check_template()
    return 1 if failed_translations or failed_template else 0


if __name__ == "__main__":
    sys.exit(main())
