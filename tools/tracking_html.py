"""Add open and click tracking to the HTML body of one email (pure: no ORM, no I/O).

The body is edited in place, not parsed and serialised again: only the ``href`` values of
tracked links change and one pixel is added, so everything else reaches the customer as
the source wrote it (entities, quoting, whitespace, conditional comments for Outlook).
"""

import functools
import html
import re
from collections.abc import Callable, Collection
from urllib.parse import quote, urlsplit

from .tracking_token import CLICK, make_token, sign_target
from .url_safety import has_secret, is_redirect_target

OPEN_PATH = "/email_history/o/"
CLICK_PATH = "/email_history/c/"

_TAG_RE = re.compile(r"<[a-zA-Z!/?]")
# a start tag, its quoted attribute values may hold ">"
_ATTRIBUTES = r"""(?:[^>"']|"[^"]*"|'[^']*')*"""
_LINK_TAG_RE = re.compile(rf"<(?:a|area)\b{_ATTRIBUTES}>", re.IGNORECASE)
_IMG_TAG_RE = re.compile(rf"<img\b{_ATTRIBUTES}>", re.IGNORECASE)
_BODY_END_RE = re.compile(r"</body\s*>", re.IGNORECASE)
# A target longer than this stays out of its link: the link stays a reasonable length.
MAX_TARGET_IN_LINK = 1000


def _attribute_re(name):
    return re.compile(rf"""(?<![\w-])({name}\s*=\s*)(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.IGNORECASE)


_HREF_RE = _attribute_re("href")
_SRC_RE = _attribute_re("src")
# Odoo's own links on the email's host that must reach Odoo untouched: unfollow,
# unsubscribe and view-online links (placeholders and personalised forms), and
# link tracker short links (already a redirect layer).
_ODOO_OWN_PATH_RE = re.compile(
    r"^/(?:unsubscribe_from_list|view|mail/unfollow|mail/mailing/"
    r"|mailing/\d+/(?:unsubscribe|unsubscribe_oneclick|confirm_unsubscribe|view)(?:$|[/?])"
    r"|r/[^/]+(?:/m/\d+)?/?$)"
)


def click_link(base_url, secret, send_id, index, target):
    """The tracked link of ``target``, link ``index`` of send ``send_id``: its token and,
    signed apart, the target itself, so that the click route answers without reading the
    database. A target carrying a secret stays out (out of the server's request log too),
    as does a very long one: their click reads the stored target."""
    link = f"{base_url}{CLICK_PATH}{make_token(secret, CLICK, send_id, index)}"
    quoted_target = _quoted_target(target)
    if quoted_target is None:
        return link
    return f"{link}?u={quoted_target}&s={sign_target(secret, send_id, index, target)}"


@functools.lru_cache(maxsize=1024)
def _quoted_target(target):
    """``target`` as the value of the link's ``u`` parameter, or None when it stays out of
    the link; cached, as an email to many contacts has the same links for each."""
    if has_secret(target) or len(target) > MAX_TARGET_IN_LINK:
        return None
    return quote(target, safe=":/")


def add_tracking(
    body: str,
    pixel_url: str,
    click_url: Callable[[int, str], str],
    unwrap: Callable[[str], str | None] | None = None,
    drop_images: Collection[str] = (),
) -> tuple[str, list[str]]:
    """Return ``(body, urls)``: ``body`` with one open pixel at the end of its ``<body>``
    and every trackable ``http(s)`` link replaced by ``click_url(index, url)``, where
    ``index`` is the position of the link's original ``url`` in ``urls`` (one entry per
    distinct URL).

    Links left alone: non-http(s) schemes (mailto:, tel:, ...), relative links and
    #anchors, URLs with control characters, links already rewritten to a click route, and
    Odoo's own links on the tracking host (unfollow, unsubscribe, view online, link tracker,
    and any link carrying an access token: a portal link must reach the customer as written).

    ``unwrap(href)`` gives the original URL of a link of another tracking layer (else
    None), so that ours tracks it instead of stacking on it; ``drop_images`` lists image
    sources of that layer's pixel, removed. A plain-text body comes back unchanged.
    """
    if not body or not _TAG_RE.search(body):
        return body, []
    own_netloc = urlsplit(pixel_url).netloc.lower()
    urls = []
    indexes = {}

    def track(href):
        url = _trackable_url((unwrap and unwrap(href)) or href, own_netloc)
        if url is None:
            return None
        if url not in indexes:
            indexes[url] = len(urls)
            urls.append(url)
        return click_url(indexes[url], url)

    body = _drop_images(_rewrite_links(body, track), drop_images)
    pixel = (
        f'<img src="{html.escape(pixel_url)}" alt="" width="1" height="1" '
        'style="border:0;width:1px;height:1px;">'
    )
    ends = list(_BODY_END_RE.finditer(body))
    if not ends:
        return body + pixel, urls
    end = ends[-1].start()
    return body[:end] + pixel + body[end:], urls


def remove_tracking(body: str, unwrap: Callable[[str], str | None], drop_images: Collection[str] = ()) -> str:
    """Return ``body`` with the links of another tracking layer back to their original URL
    (``unwrap(href)``, else None) and that layer's pixel (``drop_images``) removed: the
    email of a contact who objects to tracking. A plain-text body comes back unchanged."""
    if not body or not _TAG_RE.search(body):
        return body
    return _drop_images(_rewrite_links(body, unwrap), drop_images)


def _rewrite_links(body, new_href):
    """``body`` with the ``href`` of each link replaced by ``new_href(href)`` (the value
    decoded), or kept when it returns None."""

    def rewrite_attribute(match):
        quoted = match[2] if match[2] is not None else match[3]
        href = html.unescape(quoted if quoted is not None else match[4]).strip()
        replacement = new_href(href)
        if replacement is None:
            return match[0]
        quote = "'" if match[3] is not None else '"'
        return f"{match[1]}{quote}{html.escape(replacement, quote=True)}{quote}"

    return _LINK_TAG_RE.sub(lambda tag: _HREF_RE.sub(rewrite_attribute, tag[0], count=1), body)


def _drop_images(body, sources):
    if not sources:
        return body

    def keep_or_drop(tag):
        src = _SRC_RE.search(tag[0])
        value = src and html.unescape(next(group for group in src.groups()[1:] if group is not None))
        return "" if value in sources else tag[0]

    return _IMG_TAG_RE.sub(keep_or_drop, body)


@functools.lru_cache(maxsize=1024)
def _trackable_url(href, own_netloc):
    """``href`` when it is a link to track, else None; cached, as an email to many contacts
    has the same links for each."""
    if not is_redirect_target(href):
        return None
    parts = urlsplit(href)
    if parts.path.startswith((CLICK_PATH, OPEN_PATH)):
        return None
    if parts.netloc.lower() == own_netloc and (_ODOO_OWN_PATH_RE.match(parts.path) or has_secret(href)):
        return None
    return href
