"""/exclude and /include: what a chat does not want, whatever it follows (issue #17).

The commands in bot.commands only check who may change the chat and hand over here.
Terms are parsed like /subscribe's (`parse_subscription_terms`: topic names in either
language, keywords folded for Arabic spelling, ``/…/`` patterns compiled with RE2 by
`check_patterns`); matching is `digest.exclusions`.

Nothing wanted is lost: excluding removes from the chat's outbox only the queued stories
that the new exclusions block (`drop_excluded`); every other queued story is still sent.
The outbox worker checks exclusions again when it sends (bot.delivery), for a story
queued by a poll that read the settings just before they changed. /include changes what
is planned from then on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import timedelta

from bot.command_args import BadArgument, SubscriptionTerms, check_patterns, clean_keyword
from bot.command_args import same_keyword as same_term
from bot.i18n import count_phrase, t, usage
from bot.reply_text import echo, echo_list, join_items
from digest.clock import Clock
from digest.errors import NotFoundError
from digest.exclusions import exclusion_rule
from digest.models import ChatRef, ChatSettings, DeliveryMode
from digest.patterns import PATTERNS_PER_CHAT, is_pattern
from digest.ports import Storage
from digest.topics import TopicCatalog

_FAR_FUTURE = timedelta(days=3650)
_QUEUE_SCAN = 5000  # queued rows of one chat examined by /exclude


@dataclass(frozen=True)
class ExclusionLimits:
    max_exclusions: int = 50
    keyword_max_length: int = 64
    patterns_per_chat: int = PATTERNS_PER_CHAT


@dataclass(frozen=True)
class Change:
    """What a command did: the reply lines, and the settings to save (None: nothing)."""

    lines: tuple[str, ...]
    settings: ChatSettings | None = None
    ephemeral: bool = False


def pattern_count(settings: ChatSettings) -> int:
    """The chat's patterns, followed and excluded together (the per-chat limit)."""
    return sum(1 for term in settings.keywords | settings.excluded_keywords if is_pattern(term))


class Exclusions:
    """Applies /exclude and /include to a chat's settings and outbox."""

    def __init__(
        self,
        storage: Storage,
        catalog: TopicCatalog,
        clock: Clock,
        limits: ExclusionLimits | None = None,
    ) -> None:
        self._storage = storage
        self._catalog = catalog
        self._clock = clock
        self.limits = limits or ExclusionLimits()

    # replies ---------------------------------------------------------------------------

    def summary_line(self, settings: ChatSettings, lang: str) -> str | None:
        """The /mysubs line listing the chat's exclusions, or None without any."""
        items = [self._catalog.label(s, lang) for s in sorted(settings.excluded_topics)]
        items += [echo(k) for k in sorted(settings.excluded_keywords)]
        return t("mysubs_excluded", lang, items=join_items(items, lang)) if items else None

    # commands --------------------------------------------------------------------------

    def exclude(
        self, before: ChatSettings, terms: SubscriptionTerms, lang: str, p: str, *, new: bool
    ) -> Change:
        """Add exclusions. `new`: the chat was never saved (it then stays silent, as
        with /lang: excluding is not asking for posts). Raises BadArgument for a bad
        pattern or no terms."""
        if terms.everything:
            return Change((t("cannot_exclude_all", lang, p=p),), ephemeral=True)
        check_patterns(terms.keywords)
        good, bad = self._split_keywords(terms.keywords)
        topics = [s for s in terms.topics if s not in before.excluded_topics]
        old_topics = [s for s in terms.topics if s in before.excluded_topics]
        keywords = [k for k in good if not _holds(before.excluded_keywords, k)]
        old_keywords = [k for k in good if k not in keywords]
        label = self._catalog.label
        lines: list[str] = []
        if topics or keywords:
            labels = [label(s, lang) for s in topics] + [echo(k) for k in keywords]
            lines.append(t("excluded_added", lang, items=join_items(labels, lang)))
        if old_topics or old_keywords:
            labels = [label(s, lang) for s in old_topics] + [echo(k) for k in old_keywords]
            lines.append(t("already_excluded", lang, items=join_items(labels, lang)))
        if bad:
            limit = count_phrase(self.limits.keyword_max_length, "characters", lang)
            lines.append(t("bad_keyword", lang, items=echo_list(bad, lang), max=limit))
        if not topics and not keywords:
            if not lines:
                raise BadArgument("usage")
            if not (old_topics or old_keywords):  # only unusable keywords
                lines.append(t("usage", lang, usage=usage("exclude", lang, p)))
            return Change(tuple(lines), ephemeral=True)
        updated = replace(
            before,
            excluded_topics=before.excluded_topics | frozenset(topics),
            excluded_keywords=before.excluded_keywords | frozenset(keywords),
        )
        total = len(updated.excluded_topics) + len(updated.excluded_keywords)
        if total > self.limits.max_exclusions:
            text = t("too_many_exclusions", lang, max=self.limits.max_exclusions, p=p)
            return Change((text,), ephemeral=True)
        if pattern_count(updated) > self.limits.patterns_per_chat:
            text = t("too_many_patterns", lang, max=self.limits.patterns_per_chat, p=p)
            return Change((text,), ephemeral=True)
        if new:
            updated = replace(updated, mode=DeliveryMode.OFF)
        return Change(tuple(lines), updated)

    def include(self, before: ChatSettings, terms: SubscriptionTerms, lang: str) -> Change:
        """Remove exclusions ("all": every one). Future stories are planned without them."""
        if terms.everything:
            updated = replace(before, excluded_topics=frozenset(), excluded_keywords=frozenset())
            return Change((t("included_all", lang),), updated)
        removed: list[str] = []
        missing: list[str] = []
        topics = set(before.excluded_topics)
        keywords = set(before.excluded_keywords)
        for slug in terms.topics:
            label = self._catalog.label(slug, lang)
            (removed if slug in topics else missing).append(label)
            topics.discard(slug)
        for keyword in terms.keywords:
            found = [k for k in keywords if same_term(k, keyword)]
            keywords.difference_update(found)
            (removed if found else missing).append(echo(found[0]) if found else keyword)
        lines = []
        if removed:
            lines.append(t("included", lang, items=join_items(removed, lang)))
        if missing:
            lines.append(t("not_excluded", lang, items=echo_list(missing, lang)))
        if not removed:
            return Change(tuple(lines), ephemeral=True)
        updated = replace(
            before, excluded_topics=frozenset(topics), excluded_keywords=frozenset(keywords)
        )
        return Change(tuple(lines), updated)

    def drop_excluded(self, chat: ChatRef, settings: ChatSettings) -> int:
        """Mark failed the chat's queued (unsent) rows whose story `settings` now
        excludes; the rest stay queued. Returns how many were dropped."""
        rows = self._storage.pending_deliveries(
            now=self._clock.now() + _FAR_FUTURE, limit=_QUEUE_SCAN, chat=chat
        )
        blocked: list[int] = []
        for row in rows:
            try:
                article = self._storage.get_article(row.article_id)
            except NotFoundError:
                continue
            if exclusion_rule(settings, article) is not None:
                blocked.append(row.id)
        if blocked:
            self._storage.mark_failed(blocked, error="excluded by the chat")
        return len(blocked)

    def _split_keywords(self, keywords: Sequence[str]) -> tuple[list[str], list[str]]:
        good: list[str] = []
        bad: list[str] = []
        for keyword in keywords:
            cleaned = clean_keyword(keyword, self.limits.keyword_max_length)
            if cleaned is None:
                bad.append(keyword)
            elif not _holds(good, cleaned):
                good.append(cleaned)
        return good, bad


def _holds(terms: Sequence[str] | frozenset[str], term: str) -> bool:
    return any(same_term(term, other) for other in terms)
