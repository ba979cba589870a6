"""Subscription matching: why an article reaches a chat (its topics, its keywords, or all
technology) and which free keywords occur in an article."""

from __future__ import annotations

from collections.abc import Iterable

from ..models import TopicMatch
from ..patterns import is_pattern
from .lexicon import _Lexicon, _term_words, _token_forms

ALL_TECHNOLOGY = "all-technology"


def subscription_reasons(
    topics: frozenset[str],
    keywords: frozenset[str],
    article_topics: tuple[TopicMatch, ...],
    title: str,
    text: str,
) -> tuple[str, ...]:
    """Why an (already technology-filtered) article matches a chat's subscriptions.

    Returns "topic:<slug>" for each subscribed topic the article has (in the article's
    order, strongest first) and "kw:<keyword>" for each keyword found in title or text
    (sorted). Empty means no match. A chat with neither topics nor keywords follows all
    technology: the result is ("all-technology",).
    """
    if not topics and not keywords:
        return (ALL_TECHNOLOGY,)
    reasons = [f"topic:{match.topic}" for match in article_topics if match.topic in topics]
    if keywords:
        found = keyword_hits(keywords, title, text)
        reasons.extend(f"kw:{keyword}" for keyword in found)
    return tuple(dict.fromkeys(reasons))


def keyword_hits(keywords: Iterable[str], title: str, text: str) -> tuple[str, ...]:
    """The keywords (as given) that occur in title or text, sorted. Arabic keywords match
    with attached prefixes (و ف ب ك ل ال ...); Latin ones as whole words, any case."""
    # A ``/…/`` term is a pattern (digest.patterns), never a literal keyword.
    labels = {label: _clean_keyword(label) for label in keywords if not is_pattern(label)}
    lexicon = _Lexicon({"": [cleaned for cleaned in labels.values() if cleaned]})
    cache: dict[str, frozenset[str]] = {}
    found = set(lexicon.count(_token_forms(title, suffixes=False, cache=cache)).get("", {}))
    found |= set(lexicon.count(_token_forms(text, suffixes=False, cache=cache)).get("", {}))
    # The lexicon counts spelling variants of one term once, under the first of them
    # ("أبل" and "ابل" of two chats): every label with the same words was found too.
    words = {cleaned: _term_words(cleaned) for cleaned in labels.values() if cleaned}
    found_words = {words[cleaned] for cleaned in found}
    return tuple(
        sorted(
            label
            for label, cleaned in labels.items()
            if cleaned and (cleaned in found or words[cleaned] in found_words)
        )
    )


def _clean_keyword(keyword: str) -> str:
    # A user keyword is literal: "*" is not a stem marker and "#" is decoration.
    return keyword.replace("*", " ").replace("#", " ").strip()
