"""The generic preview of an email for the readers of the history (pure: no ORM, no I/O).

Two steps, around Odoo's sanitizer: ``generic_preview`` turns the QWeb source of a
template or mailing into the content every recipient gets, and ``block_remote_content``
holds back what a browser would fetch from another server when showing it (a tracking
pixel hidden in a template must not fire when a user opens the preview).
"""

import re

from lxml import etree, html

PLACEHOLDER = "…"
# A fetching attribute held back moves to this prefix + its name, e.g. data-remote-src;
# the preview's "Show images" moves it back.
REMOTE_PREFIX = "data-remote-"

_OUTPUT_DIRECTIVES = ("t-out", "t-esc", "t-raw", "t-field")
_OTHER_BRANCH_DIRECTIVES = ("t-elif", "t-else")
_MUSTACHE_RE = re.compile(r"\{\{.*?\}\}", re.DOTALL)
# The attributes a browser fetches from, on any element (href only off links).
_FETCHING_ATTRIBUTES = ("src", "srcset", "poster", "background", "lowsrc", "dynsrc")
_LINK_TAGS = ("a", "area")
_LINK_ATTRIBUTES = ("href", "xlink:href")
# What makes a style declaration load an image. Any backslash counts: a CSS escape can
# spell "url(" or a scheme without writing it.
_CSS_FETCH_RE = re.compile(r"\\|url\s*\(|image(?:-set)?\s*\(", re.IGNORECASE)
# Ignored by browsers inside a URL (whitespace, control characters).
_URL_IGNORED_RE = re.compile(r"[\x00-\x20\x7f]+")
_SCHEME_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_LOCAL_SCHEMES = ("data", "cid")


def generic_preview(source: str) -> str:
    """The content of the QWeb ``source`` of a template as every recipient gets it, not
    one contact's rendering: a placeholder shows its default text, else ``PLACEHOLDER``
    (as does a ``{{ … }}`` expression); of a conditional, its first branch only (a preview
    cannot know which one a contact gets, and all of them one after the other would read
    as one odd email); variables set for the rendering are left out. The QWeb tags and
    attributes left are the sanitizer's to remove."""
    if not source or not source.strip():
        return source

    def summarize(parent):
        for element in list(parent.iterchildren(etree.Element)):
            if "t-set" in element.attrib or any(name in element.attrib for name in _OTHER_BRANCH_DIRECTIVES):
                _drop(element)
                continue
            if any(name in element.attrib for name in _OUTPUT_DIRECTIVES) and not _has_content(element):
                element.text = PLACEHOLDER
            element.tail = _MUSTACHE_RE.sub(PLACEHOLDER, element.tail or "")
            summarize(element)
        parent.text = _MUSTACHE_RE.sub(PLACEHOLDER, parent.text or "")

    return _edit_fragment(source, summarize)


def block_remote_content(body: str) -> str:
    """``body`` (sanitized HTML) with every image or other resource a browser would fetch
    from another server held back: each such attribute moved to ``REMOTE_PREFIX`` + its
    name (a style loses its declarations that load something, kept whole in
    ``data-remote-style``). Relative addresses (this Odoo) and ``data:`` images stay."""
    if not body or not body.strip():
        return body

    def block(root):
        for element in root.iter(etree.Element):
            names = _FETCHING_ATTRIBUTES + (() if element.tag in _LINK_TAGS else _LINK_ATTRIBUTES)
            for name in names:
                value = element.get(name)
                if value is None:
                    continue
                if _is_remote_set(value) if name == "srcset" else _is_remote(value):
                    element.set(REMOTE_PREFIX + name, value)
                    del element.attrib[name]
            style = element.get("style")
            if style and _CSS_FETCH_RE.search(style):
                element.set(REMOTE_PREFIX + "style", style)
                kept = [part for part in style.split(";") if part.strip() and not _CSS_FETCH_RE.search(part)]
                if kept:
                    element.set("style", ";".join(kept))
                else:
                    del element.attrib["style"]

    return _edit_fragment(body, block)


def _is_remote(url):
    """Whether a browser would fetch ``url`` from another server (read as browsers do)."""
    url = _URL_IGNORED_RE.sub("", url).replace("\\", "/")
    if url.startswith("//"):
        return True
    scheme = _SCHEME_RE.match(url)
    return bool(scheme) and scheme[1].lower() not in _LOCAL_SCHEMES


def _is_remote_set(srcset):
    return any(_is_remote(candidate.strip().split(" ")[0]) for candidate in srcset.split(","))


def _has_content(element):
    return bool((element.text or "").strip()) or len(element) > 0


def _drop(element):
    """Remove ``element`` and its content, keeping the text that follows it."""
    parent = element.getparent()
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _edit_fragment(fragment, edit):
    """``fragment`` parsed as HTML (as Odoo parses a QWeb body), edited in place by
    ``edit(root)`` and serialised again."""
    root = html.fragment_fromstring(fragment, create_parent="div")
    edit(root)
    serialized = html.tostring(root, encoding="unicode")
    return serialized[len("<div>") : -len("</div>")]
