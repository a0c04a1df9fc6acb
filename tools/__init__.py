from .dsn import bounce_excerpt, recipient_statuses
from .email_preview import PLACEHOLDER, REMOTE_PREFIX, block_remote_content, generic_preview
from .email_title import title_from_body
from .expiring_cache import ExpiringCache
from .hit_buffer import Hit, HitBuffer, hit_arrays
from .smtp_reply import recipient_failure_text, with_server_reply
from .tracking_html import CLICK_PATH, OPEN_PATH, add_tracking, click_link, remove_tracking
from .tracking_token import CLICK, OPEN, is_signed_target, make_token, parse_token
from .url_safety import is_redirect_target, redact_url
from .machine_hits import (
    ANY_HIT,
    CLICK_HIT,
    CONTAINS,
    EXACT,
    OPEN_HIT,
    AgentRule,
    build_matcher,
    classify_hit,
)
