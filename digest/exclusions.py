"""Whether a story goes to a chat, and which rule decided: the pure decision.

A chat follows topics, keywords and patterns (`ChatSettings.topics`, `.keywords`; a
keyword written ``/…/`` is a pattern, `digest.patterns`) and excludes the same kinds of
terms (`ChatSettings.excluded_topics`, `.excluded_keywords`). Exclusions win: a story
that matches one is not delivered to that chat, whatever else it matches, also when it
comes from a source the chat added itself.

Terms are matched as subscriptions always were: a topic when the classifier gave the
story that topic; a keyword in the title or text with Arabic spelling folded and
attached prefixes allowed (`digest.topics.keyword_hits`); a pattern on the normalised
title and bullets (`digest.patterns.pattern_hits`).

Rules are short strings, stable for logs and `newsdigest why`:
"exclude:topic:<slug>", "exclude:kw:<keyword>", "exclude:pattern:/…/" (blocked);
"own-feed", "topic:<slug>", "kw:<keyword>", "pattern:/…/", "all-technology" (delivered);
"not-technology", "private-feed", "no-match" (not delivered, nothing excluded it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from digest.models import Article, ChatSettings
from digest.patterns import is_pattern, pattern_hits
from digest.topics import ALL_TECHNOLOGY, keyword_hits

EXCLUDED = "exclude:"
OWN_FEED = "own-feed"
NOT_TECHNOLOGY = "not-technology"
PRIVATE_FEED = "private-feed"
NO_MATCH = "no-match"
OWN_FEEDS_ONLY = "only-own-feeds"  # no prefix of another rule (describe)


@dataclass(frozen=True)
class Verdict:
    """The decision for one (story, chat): deliver or not, and the rule that decided."""

    deliver: bool
    rule: str

    @property
    def excluded(self) -> bool:
        return self.rule.startswith(EXCLUDED)


def term_rule(term: str) -> str:
    """The rule name of a keyword or pattern term: "kw:DeepSeek" or "pattern:/…/"."""
    return f"pattern:{term}" if is_pattern(term) else f"kw:{term}"


def found_terms(article: Article, terms: Iterable[str]) -> frozenset[str]:
    """The keyword and pattern terms (as written) that the article matches. Computing
    this once for the union of many chats' terms and passing it to `decide` is what
    makes planning one story for many chats cheap."""
    wanted = frozenset(terms)
    if not wanted:
        return frozenset()
    keywords = [t for t in wanted if not is_pattern(t)]
    hits = set(keyword_hits(keywords, article.title, article.text)) if keywords else set()
    return frozenset(hits) | pattern_hits(wanted, article.title, article.bullets)


def chat_terms(settings: ChatSettings) -> frozenset[str]:
    """Every keyword and pattern a chat follows or excludes."""
    return settings.keywords | settings.excluded_keywords


def exclusion_rule(
    settings: ChatSettings, article: Article, found: frozenset[str] | None = None
) -> str | None:
    """The exclusion that blocks `article` for this chat, or None. `found`: the
    article's `found_terms` for a set of terms that holds this chat's (computed here
    when not given)."""
    for match in article.topics:
        if match.topic in settings.excluded_topics:
            return f"{EXCLUDED}topic:{match.topic}"
    if not settings.excluded_keywords:
        return None
    if found is None:
        found = found_terms(article, settings.excluded_keywords)
    hit = sorted(settings.excluded_keywords & found)
    return f"{EXCLUDED}{term_rule(hit[0])}" if hit else None


def decide(
    settings: ChatSettings,
    article: Article,
    *,
    found: frozenset[str] | None = None,
    own_feed: bool = False,
    private_feed: bool = False,
    own_feeds_only: bool = False,
) -> Verdict:
    """Whether `article` goes to the chat described by `settings`, and why.

    Order: an exclusion blocks first; then an item of a source the chat added
    (`own_feed`) goes; an item of a source only other chats added (`private_feed`) or a
    story that is not technology does not; then the chat's subscriptions decide: no
    topic and no keyword means all technology (but nothing else when `own_feeds_only`:
    the chat has sources of its own, which are then what it follows); else the first
    subscribed topic of the story (strongest first), then keywords and patterns
    (sorted). Delivery mode and pauses are not looked at: they say when, not what.
    `found` as in `exclusion_rule`."""
    if found is None:
        found = found_terms(article, chat_terms(settings))
    blocked = exclusion_rule(settings, article, found)
    if blocked is not None:
        return Verdict(False, blocked)
    if own_feed:
        return Verdict(True, OWN_FEED)
    if private_feed:
        return Verdict(False, PRIVATE_FEED)
    if not article.is_tech:
        return Verdict(False, NOT_TECHNOLOGY)
    if not settings.topics and not settings.keywords:
        if own_feeds_only:
            return Verdict(False, OWN_FEEDS_ONLY)
        return Verdict(True, ALL_TECHNOLOGY)
    for match in article.topics:
        if match.topic in settings.topics:
            return Verdict(True, f"topic:{match.topic}")
    hit = sorted(settings.keywords & found)
    if hit:
        return Verdict(True, term_rule(hit[0]))
    return Verdict(False, NO_MATCH)


_RULE_WORDS = (
    (EXCLUDED + "topic:", "excluded topic"),
    (EXCLUDED + "kw:", "excluded keyword"),
    (EXCLUDED + "pattern:", "excluded pattern"),
    ("topic:", "followed topic"),
    ("kw:", "followed keyword"),
    ("pattern:", "followed pattern"),
    (OWN_FEED, "a source the chat added itself"),
    (ALL_TECHNOLOGY, "the chat follows all technology news"),
    (NOT_TECHNOLOGY, "not a technology story"),
    (PRIVATE_FEED, "a source only other chats added"),
    (NO_MATCH, "no followed topic, keyword or pattern matched"),
    (OWN_FEEDS_ONLY, "the chat follows only the sources it added"),
)


def describe(verdict: Verdict) -> str:
    """One line for people (`newsdigest why --chat`): 'delivered: followed topic ai'."""
    state = "delivered" if verdict.deliver else "not delivered"
    for prefix, words in _RULE_WORDS:
        if verdict.rule.startswith(prefix):
            term = verdict.rule[len(prefix) :]
            return f"{state}: {words}" + (f" {term}" if term else "")
    return f"{state}: {verdict.rule}"
