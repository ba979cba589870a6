"""Delivery: who gets which story, when digests are due, and the outbox worker.

Flow (crash-safe by construction, see `DeliveryWorker`):

* instant chats: when the pipeline stores announceable articles it calls
  `DeliveryPlanner.enqueue_instant(articles)`, which writes (chat, article) rows to the
  outbox (`Storage.enqueue`, unique per pair) due now;
* scheduled chats: a minute job calls `DeliveryPlanner.enqueue_due_digests()`; for each
  chat from `due_digest_chats` it queues the matching stories not delivered before, then
  records `last_digest_at` (queue first, so a crash in between only repeats a no-op);
* the `DeliveryWorker` drains due outbox rows, sends them through the platform's
  `ChatSender` under the `RateLimiter`, and marks each row sent right after the platform
  accepted the message that carries it.

The decisions (`plan_recipients`, `matches`, `due_digest_chats`, `digest_window_start`,
`retry_delay`) are pure functions.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta, tzinfo
from typing import Protocol
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from digest.clock import Clock
from digest.models import (
    Article,
    ChatRef,
    ChatSettings,
    DeliveryMode,
    Feed,
    Platform,
    Source,
    Story,
)
from digest.ports import Storage
from digest.topics import subscription_reasons

DELIVERY_PLATFORMS: frozenset[Platform] = frozenset({Platform.TELEGRAM, Platform.DISCORD})

# --- pure decisions ---------------------------------------------------------------------


def matches(settings: ChatSettings, article: Article) -> tuple[str, ...]:
    """Why `article` is for this chat ("topic:ai", "kw:DeepSeek", "all-technology"); empty
    when it is not. Articles that are not technology never match."""
    if not article.is_tech:
        return ()
    return subscription_reasons(
        settings.topics, settings.keywords, article.topics, article.title, article.text
    )


def plan_recipients(
    article: Article,
    chats: Iterable[ChatSettings],
    *,
    modes: Collection[DeliveryMode] = (DeliveryMode.INSTANT,),
    platforms: Collection[Platform] = DELIVERY_PLATFORMS,
) -> list[ChatRef]:
    """The chats that should receive `article` now: not paused, in one of `modes`
    (instant by default; scheduled chats get it with their digest), on a delivering
    platform, and subscribed to something the article is about. Articles seen on a
    feed's first fetch (announce=False) go nowhere."""
    if not article.announce:
        return []
    return [
        settings.chat
        for settings in chats
        if settings.paused_reason is None
        and settings.mode in modes
        and settings.chat.platform in platforms
        and matches(settings, article)
    ]


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
    settings: ChatSettings, articles: Iterable[Article], *, limit: int
) -> list[Article]:
    """The announceable articles (newest first as given) that match the chat, at most
    `limit`, returned oldest first so a digest reads in order."""
    chosen = [a for a in articles if a.announce and matches(settings, a)][:limit]
    chosen.reverse()
    return chosen


# --- stories -----------------------------------------------------------------------------


class StoryLoader(Protocol):
    def stories(self, articles: Sequence[Article]) -> list[Story]:
        """One Story per article, in the same order."""
        ...


def site_name(url: str) -> str:
    host = urlsplit(url).hostname or url
    return host.removeprefix("www.")


def story_from_article(article: Article, feed: Feed | None) -> Story:
    """A Story for an article; the source is named after its feed (name, then title,
    then host name)."""
    name = (feed.name or feed.title if feed else None) or site_name(article.feed_url)
    return Story(
        article_id=article.id,
        title=article.title,
        url=article.canonical_url or article.url,
        bullets=article.bullets,
        published=article.published or article.fetched_at,
        source=Source(name=name, url=article.url or article.canonical_url),
        topics=tuple(m.topic for m in article.topics if not m.topic.startswith("kw:")),
        language=article.language,
    )


class FeedStoryLoader:
    """Builds stories from articles, naming sources from the stored feeds."""

    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    def stories(self, articles: Sequence[Article]) -> list[Story]:
        feeds: dict[str, Feed | None] = {}
        out = []
        for article in articles:
            if article.feed_url not in feeds:
                feeds[article.feed_url] = self._feed(article.feed_url)
            out.append(story_from_article(article, feeds[article.feed_url]))
        return out

    def _feed(self, url: str) -> Feed | None:
        from digest.errors import NotFoundError

        try:
            return self._storage.get_feed(url)
        except NotFoundError:
            return None


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

    def enqueue_instant(self, articles: Iterable[Article]) -> int:
        """Queue newly stored articles for every instant chat that wants them; returns the
        number of new outbox rows."""
        chats = self._storage.get_chats()
        now = self._clock.now()
        by_chat: dict[ChatRef, list[int]] = {}
        for article in articles:
            for chat in plan_recipients(article, chats, platforms=self._platforms):
                by_chat.setdefault(chat, []).append(article.id)
        return sum(self._storage.enqueue(c, ids, due_at=now) for c, ids in by_chat.items())

    def digest_articles(self, settings: ChatSettings, now: datetime) -> list[Article]:
        """Candidate articles for the chat's next digest (oldest first); the outbox
        decides which of them are new for the chat."""
        since = digest_window_start(
            settings.last_digest_at,
            now,
            lookback=self._limits.lookback,
            overlap=self._limits.overlap,
            max_age=self._limits.max_age,
        )
        recent = self._storage.get_articles(
            since=since, announce=True, limit=self._limits.scan_limit
        )
        wanted = select_digest_articles(settings, recent, limit=len(recent))
        # Already delivered ones go before the cap so that they do not crowd out news.
        fresh = [a for a in wanted if not self._storage.was_delivered(settings.chat, a.id)]
        return fresh[-self._limits.max_stories :] if self._limits.max_stories > 0 else []

    def enqueue_digest(self, settings: ChatSettings) -> int:
        """Queue one chat's digest now and record it as done; returns new rows."""
        now = self._clock.now()
        articles = self.digest_articles(settings, now)
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
        return sum(self.enqueue_digest(settings) for settings in due_digest_chats(chats, now))
