"""Add open and click tracking to the HTML body of one email (pure: no ORM, no I/O)."""

import re
from collections.abc import Callable, Collection
from urllib.parse import urlsplit

import lxml.html
from lxml import etree

from .url_safety import has_secret, is_redirect_target

OPEN_PATH = "/email_history/o/"
CLICK_PATH = "/email_history/c/"

_TAG_RE = re.compile(r"<[a-zA-Z!/?]")
_DOCUMENT_RE = re.compile(r"<(?:html|body)[\s>]", re.IGNORECASE)
_DOCTYPE_RE = re.compile(r"^\s*(<!DOCTYPE[^>]*>)", re.IGNORECASE)
# characters lxml silently drops or refuses: a body carrying them would not survive a parse
_UNPARSABLE_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Odoo's own links on the email's host that must reach Odoo untouched: unfollow,
# unsubscribe and view-online links (placeholders and personalised forms), and
# link tracker short links (already a redirect layer).
_ODOO_OWN_PATH_RE = re.compile(
    r"^/(?:unsubscribe_from_list|view|mail/unfollow|mail/mailing/"
    r"|mailing/\d+/(?:unsubscribe|unsubscribe_oneclick|confirm_unsubscribe|view)(?:$|[/?])"
    r"|r/[^/]+(?:/m/\d+)?/?$)"
)


def add_tracking(
    body: str,
    pixel_url: str,
    click_url: Callable[[int], str],
    unwrap: Callable[[str], str | None] | None = None,
    drop_images: Collection[str] = (),
) -> tuple[str, list[str]]:
    """Return ``(body, urls)``: ``body`` with one open pixel at the end of its ``<body>``
    and every trackable ``http(s)`` link replaced by ``click_url(index)``, where ``index``
    is the position of the link's original URL in ``urls`` (one entry per distinct URL).

    Links left alone: non-http(s) schemes (mailto:, tel:, ...), relative links and
    #anchors, URLs with control characters, links already rewritten to a click route, and
    Odoo's own links on the tracking host (unfollow, unsubscribe, view online, link tracker,
    and any link carrying an access token: a portal link must reach the customer as written).

    ``unwrap(href)`` gives the original URL of a link of another tracking layer (else
    None), so that ours tracks it instead of stacking on it; ``drop_images`` lists image
    sources of that layer's pixel, removed. A plain-text body comes back unchanged, as does a body
    lxml cannot parse faithfully (then ``urls`` is empty).
    """
    parsed = _parse(body)
    if parsed is None:
        return body, []
    root, container, is_document = parsed
    own_netloc = urlsplit(pixel_url).netloc.lower()
    urls = []
    indexes = {}
    for node in root.iter("a", "area"):
        href = (node.get("href") or "").strip()
        url = _trackable_url((unwrap and unwrap(href)) or href, own_netloc)
        if url is None:
            continue
        if url not in indexes:
            indexes[url] = len(urls)
            urls.append(url)
        node.set("href", click_url(indexes[url]))
    _drop_images(root, drop_images)
    etree.SubElement(
        container,
        "img",
        {
            "src": pixel_url,
            "alt": "",
            "width": "1",
            "height": "1",
            "style": "border:0;width:1px;height:1px;",
        },
    )
    return _serialize(root, body, is_document), urls


def remove_tracking(body: str, unwrap: Callable[[str], str | None], drop_images: Collection[str] = ()) -> str:
    """Return ``body`` with the links of another tracking layer back to their original URL
    (``unwrap(href)``, else None) and that layer's pixel (``drop_images``) removed: the
    email of a contact who objects to tracking. Unparsable or plain-text bodies come back
    unchanged."""
    parsed = _parse(body)
    if parsed is None:
        return body
    root, _container, is_document = parsed
    for node in root.iter("a", "area"):
        original = unwrap((node.get("href") or "").strip())
        if original:
            node.set("href", original)
    _drop_images(root, drop_images)
    return _serialize(root, body, is_document)


def _parse(body):
    """``(root, container of the pixel, is_document)`` of an HTML ``body``, or None when
    it is plain text or cannot be parsed faithfully."""
    if not body or not _TAG_RE.search(body) or _UNPARSABLE_RE.search(body):
        return None
    try:
        if _DOCUMENT_RE.search(body):
            root = lxml.html.document_fromstring(body)
            container = root.find("body")
            return root, root if container is None else container, True
        root = lxml.html.fragment_fromstring(body, create_parent="div")
        return root, root, False
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None


def _drop_images(root, sources):
    for node in list(root.iter("img")):
        if node.get("src") in sources:
            node.drop_tree()


def _trackable_url(href, own_netloc):
    if not is_redirect_target(href):
        return None
    parts = urlsplit(href)
    if parts.path.startswith((CLICK_PATH, OPEN_PATH)):
        return None
    if parts.netloc.lower() == own_netloc and (_ODOO_OWN_PATH_RE.match(parts.path) or has_secret(href)):
        return None
    return href


def _serialize(root, source, is_document):
    if is_document:
        doctype = _DOCTYPE_RE.match(source)
        html = etree.tostring(root, encoding="unicode", method="html")
        return f"{doctype[1]}\n{html}" if doctype else html
    return (root.text or "") + "".join(
        etree.tostring(child, encoding="unicode", method="html") for child in root
    )
