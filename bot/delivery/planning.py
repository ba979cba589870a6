"""Delivery planning: who gets which story and when digests are due.

The decisions (`plan_recipients`, `matches`, `due_digest_chats`, `digest_window_start`) are
pure functions; `DeliveryPlanner` writes their results to the outbox (see `bot.delivery`).
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta, tzinfo
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.i18n import t
from bot.story_edits import EditLimits, plan_source_edits
from digest.clock import Clock
from digest.errors import (
    NotFoundError,
)
from digest.exclusions import (
    Verdict,
    chat_terms,
    decide,
    exclusion_rule,
    found_terms,
    term_rule,
)
from digest.models import (
    Article,
    ChatRef,
    ChatSettings,
    DeliveryMode,
    Platform,
    Story,
)
from digest.patterns import is_pattern, pattern_hits
from digest.ports import Storage
from digest.topics import ALL_TECHNOLOGY, subscription_reasons

log = logging.getLogger(__name__)


DELIVERY_PLATFORMS: frozenset[Platform] = frozenset({Platform.TELEGRAM, Platform.DISCORD})

# --- pure decisions ---------------------------------------------------------------------


def matches(settings: ChatSettings, article: Article) -> tuple[str, ...]:
    """Why `article` is for this chat ("topic:ai", "kw:DeepSeek", "all-technology"); empty
    when it is not. Articles that are not technology never match, nor do those the chat
    excluded (digest.exclusions)."""
    if not article.is_tech or exclusion_rule(settings, article) is not None:
        return ()
    plain = frozenset(k for k in settings.keywords if not is_pattern(k))
    reasons = subscription_reasons(
        settings.topics, plain, article.topics, article.title, article.text
    )
    patterns = settings.keywords - plain
    if not patterns:
        return reasons
    found = pattern_hits(patterns, article.title, article.bullets)
    if reasons == (ALL_TECHNOLOGY,):  # patterns only: not "all technology"
        reasons = ()
    return reasons + tuple(term_rule(term) for term in sorted(found))


class Matcher:
    """`matches` for many chats at once. Searching an article's text for keywords is the
    costly part, so it runs once per article for the union of every chat's keywords and
    patterns, followed or excluded (`digest.exclusions.found_terms`); each chat is then
    decided by `digest.exclusions.decide`: not excluded, and it follows nothing (all
    technology), one of the article's topics, or one of its keywords or patterns."""

    def __init__(self, chats: Iterable[ChatSettings]) -> None:
        # Followed and excluded keywords and patterns alike (digest.exclusions).
        self._keywords = frozenset(k for c in chats for k in chat_terms(c))
        # Keyed by the (frozen, hashable) article itself, not its id: callers may build
        # articles that are not stored yet.
        self._hits: dict[Article, frozenset[str]] = {}

    def hits(self, article: Article) -> frozenset[str]:
        found = self._hits.get(article)
        if found is None:
            found = found_terms(article, self._keywords)
            self._hits[article] = found
        return found

    def _found(self, settings: ChatSettings, article: Article) -> frozenset[str] | None:
        """The article's hits for this chat's terms; None for a chat this matcher was not
        built for (`decide` then searches itself)."""
        terms = chat_terms(settings)
        if not terms:
            return frozenset()
        return self.hits(article) if terms <= self._keywords else None

    def verdict(self, settings: ChatSettings, article: Article, **where: bool) -> Verdict:
        """`digest.exclusions.decide` with the hits searched once per article."""
        return decide(settings, article, found=self._found(settings, article), **where)

    def excluded(self, settings: ChatSettings, article: Article) -> bool:
        """Whether the chat excluded the article (a topic, keyword or pattern)."""
        if not (settings.excluded_topics or settings.excluded_keywords):
            return False
        return exclusion_rule(settings, article, self._found(settings, article)) is not None

    def matches(self, settings: ChatSettings, article: Article) -> bool:
        return self.verdict(settings, article).deliver


def own_feed_item(article: Article) -> bool:
    """Whether an article goes to the chats that added its feed themselves: every
    summarised item does (also one that is not technology or joined a story told by
    another source); a feed's first-fetch backlog and over-budget items (no bullets)
    do not."""
    return bool(article.bullets)


def plan_recipients(
    article: Article,
    chats: Iterable[ChatSettings],
    *,
    modes: Collection[DeliveryMode] = (DeliveryMode.INSTANT,),
    platforms: Collection[Platform] = DELIVERY_PLATFORMS,
    matcher: Matcher | None = None,
    owners: Collection[ChatRef] = frozenset(),
    private: bool = False,
    own_only: Collection[ChatRef] = frozenset(),
) -> list[ChatRef]:
    """The chats that should receive `article` now: not paused, in one of `modes`
    (instant by default; scheduled chats get it with their digest), on a delivering
    platform, and subscribed to something the article is about. Articles seen on a
    feed's first fetch (announce=False) and non-technology articles go nowhere. Pass one
    `Matcher` when planning many articles for the same chats.

    `owners`: the chats that added the article's feed themselves (/addfeed); they get
    every item of it (`own_feed_item`). `private`: the feed is one only chats added,
    so nobody else gets it. `own_only`: chats that follow no topic or keyword but have
    own feeds: those are their subscriptions (not "all technology")."""
    candidates = [
        settings
        for settings in chats
        if settings.paused_reason is None
        and settings.mode in modes
        and settings.chat.platform in platforms
    ]
    matcher = matcher or Matcher(candidates)
    owned = (
        [s.chat for s in candidates if s.chat in owners and not matcher.excluded(s, article)]
        if own_feed_item(article)
        else []
    )
    if private or not article.announce or not article.is_tech:
        return owned
    taken = set(owned)
    return owned + [
        s.chat
        for s in candidates
        if s.chat not in taken and s.chat not in own_only and matcher.matches(s, article)
    ]


def only_own_feeds(
    chats: Iterable[ChatSettings], owners: Mapping[str, Collection[ChatRef]]
) -> frozenset[ChatRef]:
    """Chats whose subscriptions are only the sources they added: no topic, no keyword,
    and at least one own feed. A chat that follows nothing at all gets all technology."""
    having = {chat for followers in owners.values() for chat in followers}
    return frozenset(c.chat for c in chats if c.chat in having and not (c.topics or c.keywords))


def publication_order(articles: Iterable[Article]) -> list[Article]:
    """Oldest first, the order a chat should read them in: by publication time (the
    fetch time for an item without one), then by id. A feed lists its items newest
    first, and they are stored — and were posted — in that order."""
    return sorted(articles, key=lambda a: (a.published or a.fetched_at, a.id))


def chat_zone(name: str | None) -> tzinfo:
    """The chat's timezone; an unknown stored name falls back to UTC rather than failing
    every minute in the scheduler."""
    if not name:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def parse_hhmm(value: str) -> time | None:
    """'08:30' -> time(8, 30); None when it is not a valid 24-hour HH:MM."""
    hours, sep, minutes = value.partition(":")
    if not sep or not (hours.isdigit() and minutes.isdigit()) or len(minutes) != 2:
        return None
    h, m = int(hours), int(minutes)
    return time(h, m) if 0 <= h <= 23 and 0 <= m <= 59 else None


def last_scheduled_time(schedule_time: str, timezone: str, now: datetime) -> datetime | None:
    """The latest moment at or before `now` (aware UTC) when the chat's local clock showed
    `schedule_time`, as aware UTC. A time skipped by a DST jump counts at the jump (02:30
    on a spring-forward night fires at 03:30 local); a time repeated when clocks go back
    counts once, at its first occurrence. None for an invalid time."""
    at = parse_hhmm(schedule_time)
    if at is None:
        return None
    zone = chat_zone(timezone)
    local_day = now.astimezone(zone).date()
    for days_back in range(3):
        day = local_day - timedelta(days=days_back)
        # fold=0: the first of two repeated wall times; for a skipped one, zoneinfo uses
        # the offset before the jump, which lands just after it in real time.
        candidate = datetime.combine(day, at, tzinfo=zone).astimezone(UTC)
        # Compare in UTC: aware datetimes sharing a tzinfo compare as naive wall times.
        if candidate <= now.astimezone(UTC):
            return candidate
    return None  # unreachable for valid zones; kept for type completeness


def due_digest_chats(chats: Iterable[ChatSettings], now: datetime) -> list[ChatSettings]:
    """Scheduled, unpaused chats whose local digest time has passed since their last
    digest (a chat that never had one is due at its first scheduled time)."""
    due = []
    for settings in chats:
        if settings.mode is not DeliveryMode.SCHEDULED or settings.paused_reason is not None:
            continue
        if not settings.schedule_time:
            continue
        moment = last_scheduled_time(settings.schedule_time, settings.timezone, now)
        if moment is None:
            continue
        if settings.last_digest_at is None or settings.last_digest_at < moment:
            due.append(settings)
    return due


def digest_window_start(
    last_digest_at: datetime | None,
    now: datetime,
    *,
    lookback: timedelta = timedelta(hours=24),
    overlap: timedelta = timedelta(minutes=30),
    max_age: timedelta = timedelta(days=7),
) -> datetime:
    """Oldest fetch time a digest looks at. It reaches back past the last digest by
    `overlap` (an article fetched just before the last digest but stored just after it is
    not missed) and at least `lookback` (a chat that just subscribed gets the last day),
    never more than `max_age`. The outbox keeps it from repeating anything."""
    start = now - lookback
    if last_digest_at is not None:
        start = min(start, last_digest_at - overlap)
    return max(start, now - max_age)


def select_digest_articles(
    settings: ChatSettings,
    articles: Iterable[Article],
    *,
    limit: int,
    matcher: Matcher | None = None,
) -> list[Article]:
    """The announceable articles (newest first as given) that match the chat, at most
    `limit`, returned oldest first so a digest reads in order."""
    matcher = matcher or Matcher([settings])
    chosen = [a for a in articles if a.announce and matcher.matches(settings, a)][:limit]
    chosen.reverse()
    return chosen


def digest_title(count: int, language: str, settings: ChatSettings, now: datetime) -> str:
    """A digest's header: the count line, then the chat's local date."""
    from digest.format.labels import format_date

    day = now.astimezone(chat_zone(settings.timezone)).date()
    return t("digest_header", language, count=count) + "\n" + format_date(day, language)


# --- stories -----------------------------------------------------------------------------


class StoryLoader(Protocol):
    def stories(self, articles: Sequence[Article]) -> list[Story]:
        """One Story per article, in the same order."""
        ...


# --- planning (writes the outbox) ---------------------------------------------------------


@dataclass(frozen=True)
class DigestLimits:
    max_stories: int = 30
    lookback: timedelta = timedelta(hours=24)
    overlap: timedelta = timedelta(minutes=30)
    max_age: timedelta = timedelta(days=7)
    scan_limit: int = 2000  # newest articles examined per digest


class DeliveryPlanner:
    """Writes (chat, article) rows to the outbox for instant posts and due digests."""

    def __init__(
        self,
        storage: Storage,
        clock: Clock,
        limits: DigestLimits | None = None,
        *,
        platforms: Collection[Platform] = DELIVERY_PLATFORMS,
    ) -> None:
        self._storage = storage
        self._clock = clock
        self._limits = limits or DigestLimits()
        self._platforms = frozenset(platforms)
        self._edit_limits = EditLimits()

    def enqueue_instant(self, articles: Iterable[Article]) -> int:
        """Queue newly stored articles for every instant chat that wants them, and the
        edits that add a report's source to a story posted before
        (bot.story_edits.plan_source_edits); returns the number of new outbox rows."""
        articles = list(articles)
        chats = [
            c
            for c in self._storage.get_chats()
            if c.mode is DeliveryMode.INSTANT and c.chat.platform in self._platforms
        ]
        matcher = Matcher(chats)
        now = self._clock.now()
        owners = self._storage.own_feed_chats()
        private = self._storage.private_feed_urls()
        own_only = only_own_feeds(chats, owners)
        by_chat: dict[ChatRef, list[int]] = {}
        # Rows in publication order: a drain that reads only part of a chat's rows
        # still starts with the oldest.
        for article in publication_order(articles):
            own = owners.get(article.feed_url, frozenset())
            for chat in plan_recipients(
                article,
                chats,
                platforms=self._platforms,
                matcher=matcher,
                owners=own,
                private=article.feed_url in private,
                own_only=own_only,
            ):
                if chat in own and self._story_already_told(chat, article):
                    continue
                by_chat.setdefault(chat, []).append(article.id)
        posts = sum(self._storage.enqueue(c, ids, due_at=now) for c, ids in by_chat.items())
        # After the posts: a report that is posted to a chat is not an edit there too.
        return posts + plan_source_edits(
            self._storage, articles, now, platforms=self._platforms, limits=self._edit_limits
        )

    def _story_already_told(self, chat: ChatRef, article: Article) -> bool:
        """An own feed's item that joined a story (cluster) the chat already received
        from another source is not posted again: the story lists it as a source."""
        if article.announce or article.cluster_id in (None, article.id):
            return False
        cluster = self._storage.get_cluster(article.cluster_id or article.id)
        return any(self._storage.was_delivered(chat, a.id) for a in cluster if a.id != article.id)

    def enqueue_article_ids(self, article_ids: Iterable[int]) -> int:
        """`enqueue_instant` for the ids a poll stored (PollReport.new_article_ids);
        ids no longer stored are skipped."""
        articles = []
        for article_id in article_ids:
            try:
                articles.append(self._storage.get_article(article_id))
            except NotFoundError:
                continue
        return self.enqueue_instant(articles) if articles else 0

    def _window(self, settings: ChatSettings, now: datetime) -> datetime:
        return digest_window_start(
            settings.last_digest_at,
            now,
            lookback=self._limits.lookback,
            overlap=self._limits.overlap,
            max_age=self._limits.max_age,
        )

    def digest_articles(
        self,
        settings: ChatSettings,
        now: datetime,
        *,
        recent: Sequence[Article] | None = None,
        matcher: Matcher | None = None,
    ) -> list[Article]:
        """The articles of the chat's next digest, oldest first: announceable, matching,
        fetched in its window (`digest_window_start`) and not delivered to it before;
        the newest `max_stories` of them. `recent` (newest first) may be passed when
        planning many chats, to read the articles once."""
        since = self._window(settings, now)
        if recent is None:
            recent = self._storage.get_articles(
                since=since, announce=True, limit=self._limits.scan_limit
            )
        private = self._storage.private_feed_urls()
        in_window = [a for a in recent if a.fetched_at > since and a.feed_url not in private]
        wanted = select_digest_articles(settings, in_window, limit=len(in_window), matcher=matcher)
        own = self._storage.get_chat_feeds(settings.chat)
        if own and not (settings.topics or settings.keywords):
            wanted = []  # its own sources are what it follows (see only_own_feeds)
        wanted = self._with_own_feeds(settings.chat, since, wanted)
        if settings.excluded_topics or settings.excluded_keywords:
            # Exclusions hold for the chat's own sources too (digest.exclusions).
            wanted = [a for a in wanted if exclusion_rule(settings, a) is None]
        # Already delivered ones go before the cap so that they do not crowd out news.
        fresh = [a for a in wanted if not self._storage.was_delivered(settings.chat, a.id)]
        return fresh[-self._limits.max_stories :] if self._limits.max_stories > 0 else []

    def _with_own_feeds(
        self, chat: ChatRef, since: datetime, wanted: list[Article]
    ) -> list[Article]:
        """`wanted` (oldest first) plus every item of the chat's own feeds in the window,
        still oldest first."""
        own = self._storage.get_chat_feeds(chat)
        if not own:
            return wanted
        chosen = {a.id: a for a in wanted}
        for chat_feed in own:
            found = self._storage.get_articles(
                feed_url=chat_feed.feed_url, since=since, limit=self._limits.scan_limit
            )
            for article in found:
                if own_feed_item(article) and not self._story_already_told(chat, article):
                    chosen.setdefault(article.id, article)
        return sorted(chosen.values(), key=lambda a: (a.fetched_at, a.id))

    def enqueue_digest(
        self,
        settings: ChatSettings,
        *,
        recent: Sequence[Article] | None = None,
        matcher: Matcher | None = None,
    ) -> int:
        """Queue one chat's digest now and record it as done; returns new rows."""
        now = self._clock.now()
        articles = self.digest_articles(settings, now, recent=recent, matcher=matcher)
        added = self._storage.enqueue(settings.chat, [a.id for a in articles], due_at=now)
        # After the enqueue: a crash before this line makes the next run re-plan the same
        # (deduplicated) rows instead of skipping a digest.
        current = self._storage.get_chat(settings.chat)
        self._storage.save_chat(replace(current, last_digest_at=now))
        return added

    def enqueue_due_digests(self) -> int:
        """Queue the digest of every chat whose scheduled time has come."""
        now = self._clock.now()
        chats = [c for c in self._storage.get_chats() if c.chat.platform in self._platforms]
        due = due_digest_chats(chats, now)
        if not due:
            return 0
        # Read the widest window once and search keywords once per article.
        since = min(self._window(settings, now) for settings in due)
        recent = self._storage.get_articles(
            since=since, announce=True, limit=self._limits.scan_limit
        )
        matcher = Matcher(due)
        return sum(
            self.enqueue_digest(settings, recent=recent, matcher=matcher) for settings in due
        )
