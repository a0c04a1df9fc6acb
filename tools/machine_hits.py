"""Tell an open or click made by a person from one made by a machine, by its User-Agent
(pure: no ORM, no I/O).

A matcher is compiled once from an ordered list of rules; classifying a hit then costs a
dictionary lookup and one regular expression scan. The first rule in the list that matches
decides, wherever its fragment sits in the User-Agent, so that specific rules listed first
win over generic words listed last.
"""

import re
from typing import NamedTuple

OPEN_HIT = "open"
CLICK_HIT = "click"
ANY_HIT = "both"
CONTAINS = "contains"
EXACT = "exact"
# real User-Agents stay far below this; a longer one is only scanned this far
MAX_SCANNED_LENGTH = 1024


class AgentRule(NamedTuple):
    """``pattern`` is a User-Agent fragment (``match`` CONTAINS) or a whole User-Agent
    (``match`` EXACT), compared ignoring case; ``kind`` is OPEN_HIT, CLICK_HIT or ANY_HIT; a rule
    with ``is_person`` marks a fetch made for a person (an image proxy), else the hit is
    a machine's, described by ``reason``."""

    pattern: str
    reason: str
    kind: str = ANY_HIT
    match: str = CONTAINS
    is_person: bool = False


class _KindMatcher(NamedTuple):
    exact: dict  # lower-cased whole User-Agent -> rule position
    # Any fragment at all? A plain alternation of literals, because Python's regex engine
    # then skips ahead on the fragments' first characters: capturing groups around the
    # alternatives (to tell which one matched) make the scan some 40 times slower.
    contains: re.Pattern | None
    fragments: tuple  # (rule position, lower-cased fragment), in rule order


class HitMatcher(NamedTuple):
    """Compiled rules, built by ``build_matcher``; immutable, safe to share."""

    by_kind: dict  # OPEN_HIT / CLICK_HIT -> _KindMatcher
    outcomes: tuple  # rule position -> reason, or None for a person
    no_user_agent_reason: str


def build_matcher(rules, no_user_agent_reason="no user agent"):
    """Compile ``rules`` (AgentRule, first match wins) into a HitMatcher; a hit without a
    User-Agent is a machine's, described by ``no_user_agent_reason``."""
    rules = [rule for rule in rules if rule.pattern.strip()]
    outcomes = tuple(None if rule.is_person else rule.reason for rule in rules)
    by_kind = {kind: _compile_kind(rules, kind) for kind in (OPEN_HIT, CLICK_HIT)}
    return HitMatcher(by_kind, outcomes, no_user_agent_reason)


def _compile_kind(rules, kind):
    exact, fragments = {}, []
    for position, rule in enumerate(rules):
        if rule.kind not in (kind, ANY_HIT):
            continue
        pattern = rule.pattern.strip().lower()
        if rule.match == EXACT:
            exact.setdefault(pattern, position)
        else:
            fragments.append((position, pattern))
    contains = (
        re.compile("|".join(re.escape(pattern) for _position, pattern in fragments)) if fragments else None
    )
    return _KindMatcher(exact, contains, tuple(fragments))


def classify_hit(kind, user_agent, matcher):
    """``None`` when the ``kind`` hit (OPEN_HIT or CLICK_HIT) with ``user_agent`` is a person's,
    else the short reason it is a machine's."""
    user_agent = (user_agent or "").strip()
    if not user_agent:
        return matcher.no_user_agent_reason
    rules = matcher.by_kind[kind]
    user_agent = user_agent[:MAX_SCANNED_LENGTH].lower()
    best = rules.exact.get(user_agent)
    if rules.contains and rules.contains.search(user_agent):
        # the leftmost fragment found need not be the first listed: rank them
        position = next(position for position, pattern in rules.fragments if pattern in user_agent)
        best = position if best is None else min(best, position)
    return None if best is None else matcher.outcomes[best]
