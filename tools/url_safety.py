"""What a tracked link may redirect to, and what of it a user may read (pure)."""

import functools
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that grant access to something: portal and signup tokens, signed hashes,
# partner ids of signed links, database names of magic links.
_SECRET_PARAM_NAMES = frozenset(
    ("access_token", "token", "auth_signup_token", "signup_token", "hash", "pid", "signature", "db")
)
_SECRET_PARAM_RE = re.compile(r"token|secret|key|password|passwd|hash|sig", re.IGNORECASE)
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


def is_secret_param(name):
    """Whether a query parameter called ``name`` may carry a secret."""
    return name.lower() in _SECRET_PARAM_NAMES or bool(_SECRET_PARAM_RE.search(name))


def has_secret(url):
    """Whether ``url`` carries a query parameter that may grant access."""
    return any(is_secret_param(name) for name, _value in _query_items(url))


@functools.lru_cache(maxsize=1024)
def redact_url(url):
    """``url`` without the query parameters that may grant access (and without fragment
    parameters of the same kind): what a user may read of a link. Cached: the links of an
    email to many contacts are the same for each."""
    parts = urlsplit(url)
    query = [(name, value) for name, value in _query_items(url) if not is_secret_param(name)]
    fragment = parts.fragment
    if "=" in fragment:
        pairs = parse_qsl(fragment, keep_blank_values=True)
        if any(is_secret_param(name) for name, _value in pairs):
            fragment = urlencode([(n, v) for n, v in pairs if not is_secret_param(n)])
    if len(query) == len(_query_items(url)) and fragment == parts.fragment:
        return url
    return urlunsplit(parts._replace(query=urlencode(query), fragment=fragment))


def is_redirect_target(url):
    """Whether ``url`` may be the target of a tracked link: an absolute http(s) URL with a
    host and no control character (a header value werkzeug and browsers accept as is)."""
    if not isinstance(url, str) or not url or _CONTROL_RE.search(url):
        return False
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def _query_items(url):
    return parse_qsl(urlsplit(url).query, keep_blank_values=True)
