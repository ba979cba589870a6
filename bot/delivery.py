"""Delivery: who gets which story, when digests are due, and the outbox worker.

Flow (crash-safe by construction, see `DeliveryWorker`):

* instant chats: when the pipeline stores announceable articles it calls
  `DeliveryPlanner.enqueue_instant(articles)`, which writes (chat, article) rows to the
  outbox (`Storage.enqueue`, unique per pair) due now;
* scheduled chats: a minute job calls `DeliveryPlanner.enqueue_due_digests()`; for each
  chat from `due_digest_chats` it queues the matching stories not delivered before, then
  records `last_digest_at` (queue first, so a crash in between only repeats a no-op);
* the `DeliveryWorker` drains due outbox rows, sends them through the platform's
  `ChatSender` under the `RateLimiter`, in send turns handed to chats as their own pacing
  allows (`bot.pacing.SendSlots`), and marks each row sent right after the platform
  accepted the message that carries it.

A process killed at any point (SIGKILL) loses nothing: every row stays pending until
marked sent. What it can repeat is a message the platform accepted in the moment before
the row was marked (at most one per chat being served concurrently). The Telegram Bot
API cannot tell a bot whether its last message arrived, so there that window cannot
close; each message carries a ``dedupe_key`` from its rows (``outbox_message_key``), which
the Discord sender turns into a message nonce with ``enforce_nonce``, closing it there for
a resend within Discord's nonce window.

The decisions (`plan_recipients`, `matches`, `due_digest_chats`, `digest_window_start`,
`retry_delay`) are pure functions.
"""

from __future__ import annotations

import asyncio
import logging
import random as _random
from collections.abc import Awaitable, Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time, timedelta, tzinfo
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.chat import ChatSender, OutgoingMessage, outbox_message_key
from bot.i18n import t
from bot.pacing import DISCORD_LIMITS as DISCORD_LIMITS
from bot.pacing import TELEGRAM_LIMITS as TELEGRAM_LIMITS
from bot.pacing import RateLimit as RateLimit
from bot.pacing import RateLimiter as RateLimiter
from bot.pacing import RateLimits as RateLimits
from bot.pacing import SendSlots, Sleep
from bot.story_edits import EditLimits, SourceEdits, plan_source_edits
from bot.top_stories import rank_for_chat
from digest.clock import Clock
from digest.errors import (
    ChatForbidden,
    ChatMigrated,
    ChatNotFound,
    DeliveryError,
    MessageRejected,
    NotFoundError,
    RetryAfter,
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
    Delivery,
    DeliveryAction,
    DeliveryMode,
    Platform,
    Story,
)
from digest.patterns import is_pattern, pattern_hits
from digest.ports import Storage
from digest.stories import StoryBuilder
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


# --- the outbox worker -------------------------------------------------------------------


class ReadingPagesPort(Protocol):
    """Makes the reading pages of long articles (bot.telegraph.ReadingPages)."""

    async def ensure(self, article_ids: Sequence[int]) -> None:
        """Make the missing pages of these articles; never raises (failures are logged and
        the posts go out without the link)."""
        ...


Renderer = Callable[[Sequence[Story], str | None, str, tzinfo], list[OutgoingMessage]]
"""(stories, header, language, zone) -> messages, split within the platform's limits;
times are shown in `zone`, the chat's timezone."""


@dataclass(frozen=True)
class PlatformRoute:
    """How one platform delivers: its sender, its story renderer and its rate limiter."""

    sender: ChatSender
    render: Renderer
    limiter: RateLimiter


@dataclass(frozen=True)
class RetryPolicy:
    base_seconds: float = 5.0
    max_seconds: float = 3600.0
    max_attempts: int = 12  # then the rows are marked failed (kept for the record)
    max_inline_wait: float = 60.0  # RetryAfter up to this long is waited out in place
    max_inline_retries: int = 5
    no_route_seconds: float = 3600.0  # rows of a platform that is not running


def retry_delay(attempts: int, policy: RetryPolicy, random: Callable[[], float]) -> float:
    """Exponential backoff with "equal jitter": half the step is fixed, half random, so
    retries of many chats spread out but never come sooner than half the step."""
    step = min(policy.max_seconds, policy.base_seconds * 2.0 ** min(max(attempts, 0), 60))
    return step / 2 + random() * step / 2


@dataclass(frozen=True)
class Parcel:
    """Messages that together carry some stories: their outbox rows are marked sent when
    the last of these messages was accepted."""

    article_ids: tuple[int, ...]
    messages: tuple[OutgoingMessage, ...]
    # An instant post of one story with no header: its message can be re-rendered from
    # the story alone, so it may be edited later (bot.story_edits).
    single: bool = False


def pack_parcels(
    stories: Sequence[Story],
    header: str | None,
    render: Renderer,
    language: str,
    zone: tzinfo = UTC,
) -> list[Parcel]:
    """Split a digest into parcels, each as few messages as the renderer needs for it:
    stories are added to a parcel while the renderer does not need another message for
    them. Knowing which message carries which story lets a digest that fails half-way
    resume without repeating the stories already accepted."""
    parcels: list[Parcel] = []
    chunk: list[Story] = []
    messages: list[OutgoingMessage] = []
    baseline = 0
    for story in stories:
        head = header if not parcels else None
        if not chunk:
            chunk, messages = [story], render([story], head, language, zone)
            baseline = len(messages)
            continue
        trial = render([*chunk, story], head, language, zone)
        if parcels:
            trial = _continued(trial)
        if len(trial) <= baseline:
            chunk.append(story)
            messages = trial
            continue
        parcels.append(Parcel(tuple(s.article_id for s in chunk), tuple(messages)))
        chunk, messages = [story], _continued(render([story], None, language, zone))
        baseline = len(messages)
    if chunk:
        parcels.append(Parcel(tuple(s.article_id for s in chunk), tuple(messages)))
    return parcels


def _continued(messages: list[OutgoingMessage]) -> list[OutgoingMessage]:
    """Messages after a digest's first parcel: the rest of the same digest (a Discord
    forum keeps the whole digest in one post)."""
    return [replace(m, continues_post=True) for m in messages]


@dataclass
class DrainReport:
    """What one drain did (counts of outbox rows, and messages accepted)."""

    sent: int = 0
    messages: int = 0
    retried: int = 0
    failed: int = 0
    paused_chats: int = 0
    migrated_chats: int = 0
    settled: set[int] = field(default_factory=set, repr=False)  # row ids given a new state

    def add(self, other: DrainReport) -> None:
        for name in ("sent", "messages", "retried", "failed", "paused_chats", "migrated_chats"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.settled |= other.settled

    @property
    def handled(self) -> int:
        return self.sent + self.retried + self.failed


OnPause = Callable[[ChatSettings, str], Awaitable[None]]
Claim = Callable[[datetime, int], Sequence[Delivery]]
"""(now, limit) -> due rows leased to this process, for several processes sharing one
database (PostgreSQL: ``FOR UPDATE SKIP LOCKED``, lease by moving ``due_at`` ahead)."""
Release = Callable[[Sequence[Delivery]], None]
"""(rows as the claim returned them) -> their lease ends: due again at once, for any
process (``SqlStorage.release_deliveries``)."""


class DeliveryWorker:
    """Sends due outbox rows, at most once per (chat, article).

    Rows are grouped per chat. Instant chats get one message (or more, for a long story)
    per story — unless more than `collapse_backlog` stories wait for the chat at once,
    which are then packed like a digest; scheduled chats get one digest: a header and
    the stories. A row is marked
    sent right after the platform accepted the last message carrying it, so a crash
    repeats at most the one message in flight, and nothing is lost:

    * RetryAfter: that chat waits (in place up to `max_inline_wait`, else its rows are
      rescheduled for then); other chats go on.
    * ChatForbidden / ChatNotFound: the chat is paused (`Storage.pause_chat`) and its
      rows are marked failed with the reason (kept for the record, never retried blindly).
    * ChatMigrated: the chat and its rows move to the new id (`Storage.migrate_chat`)
      and the rows are sent there.
    * TransientDeliveryError (and unknown errors): rows are retried with exponential
      backoff and jitter; after `max_attempts` they are marked failed.
    * MessageRejected: the rows of that message are marked failed; the rest go on.
    """

    def __init__(
        self,
        storage: Storage,
        routes: Mapping[Platform, PlatformRoute],
        clock: Clock,
        *,
        stories: StoryLoader | None = None,
        policy: RetryPolicy | None = None,
        batch_size: int = 200,
        concurrency: int = 16,
        max_rounds: int = 50,
        random: Callable[[], float] | None = None,
        sleep: Sleep | None = None,
        on_pause: OnPause | None = None,
        collapse_backlog: int | None = 8,
        claim: Claim | None = None,
        release: Release | None = None,
        reading_pages: ReadingPagesPort | None = None,
    ) -> None:
        self._storage = storage
        self._reading_pages = reading_pages
        self._routes = dict(routes)
        self._clock = clock
        self._stories = stories or StoryBuilder(storage)
        self._policy = policy or RetryPolicy()
        self._batch_size = batch_size
        self._concurrency = max(1, concurrency)
        self._max_rounds = max_rounds
        self._random = random or _random.random
        self._sleep = sleep or asyncio.sleep
        self._on_pause = on_pause
        self._collapse_backlog = collapse_backlog
        self._claim = claim
        self._edits = SourceEdits(storage, clock)
        self._release = release

    async def drain(self) -> DrainReport:
        """Deliver due rows until none is due (at most `max_rounds` reads of the outbox).

        The outbox is read `batch_size` rows at a time and read again as soon as no more
        than half a batch is still unsent, not only when a whole batch is done: a burst
        keeps enough chats on the go to use the overall rate while each one waits for
        its own pacing (3 stories to each of many private chats would otherwise end every
        batch with a few chats sending once a second). One task serves a chat at a time;
        rows read for a chat still being served follow in order. A row is handed out at
        most once per drain, so rows left unsettled cannot make it spin.

        With leases (`claim`), every leased row that this drain will not deliver is given
        back (`release`) at once rather than left out of reach of every drain for the
        whole lease: a row a chat task left unsettled, and a row handed out before that
        is leased again (retried, and due again while the drain goes on)."""
        total = DrainReport()
        slots = SendSlots(self._concurrency, self._sleep)
        running: dict[ChatRef, tuple[asyncio.Task[None], DrainReport, list[Delivery]]] = {}
        following: dict[ChatRef, list[Delivery]] = {}
        seen: set[int] = set()
        left_over = 0  # rows of finished chat tasks they did not settle (still pending)
        reads = 0
        more = True  # whether a read may find rows not seen yet
        found = True  # whether the last read found any

        def start(chat: ChatRef, rows: list[Delivery]) -> None:
            report = DrainReport()
            task = asyncio.ensure_future(self._serve_chat(chat, rows, report, slots))
            running[chat] = (task, report, rows)

        def held() -> set[int]:
            """Rows handed out that no chat task has settled yet."""
            ids = {r.id for _, report, rows in running.values() for r in rows}
            ids.difference_update(*(report.settled for _, report, _ in running.values()))
            return ids.union(r.id for rows in following.values() for r in rows)

        try:
            while True:
                in_hand = sum(max(0, len(rows) - len(r.settled)) for _, r, rows in running.values())
                in_hand += sum(len(rows) for rows in following.values())
                if more and reads < self._max_rounds and in_hand <= self._batch_size // 2:
                    reads += 1
                    want = self._batch_size - in_hand
                    rows = self._read_due(want, in_hand + left_over, seen, held)
                    # Fewer than asked: nothing else is due now (or other processes
                    # claimed it); read again once every chat task has finished.
                    more = len(rows) >= want
                    found = bool(rows)
                    for chat, chat_rows in _by_chat(rows).items():
                        seen.update(r.id for r in chat_rows)
                        if chat in running:
                            following.setdefault(chat, []).extend(chat_rows)
                        else:
                            start(chat, chat_rows)
                    continue
                if not running:
                    if found and not more and reads < self._max_rounds:
                        more = True  # rows may have come due (or been queued) meanwhile
                        continue
                    break
                # Wake when a chat task ends or a parcel settles (a slot is released).
                slots.released.clear()
                progress = asyncio.ensure_future(slots.released.wait())
                tasks = [task for task, _, _ in running.values()]
                await asyncio.wait([*tasks, progress], return_when=asyncio.FIRST_COMPLETED)
                progress.cancel()
                for chat in [c for c, (task, _, _) in running.items() if task.done()]:
                    task, report, handed = running.pop(chat)
                    # _serve_chat contains every Exception; what is left (SystemExit,
                    # KeyboardInterrupt) means the process is going down: so does the drain.
                    if not task.cancelled() and task.exception() is not None:
                        raise task.exception()  # type: ignore[misc]
                    total.add(report)
                    unsettled = [r for r in handed if r.id not in report.settled]
                    left_over += len(unsettled)
                    if self._claim is not None:
                        self._give_back(unsettled)
                    later = following.pop(chat, [])
                    if report.migrated_chats:
                        # Read before the move, they name the old chat: forget them, a
                        # later read returns them as they are now.
                        seen.difference_update(r.id for r in later)
                        if self._claim is not None:
                            self._give_back(later)
                        later = []
                    # A digest sends every due row of its chat, also rows read meanwhile.
                    later = [r for r in later if r.id not in report.settled]
                    if later:
                        start(chat, later)
        finally:
            # Cancelled (shutdown): stop the chat tasks too; their rows stay pending.
            for task, _, _ in running.values():
                task.cancel()
            if running:
                await asyncio.gather(*(t for t, _, _ in running.values()), return_exceptions=True)
            if self._claim is not None:
                # Leased rows not sent go back to the other processes now, not in 10
                # minutes (a restart of one of several). The crash window is unchanged:
                # a message in flight at the cancel is repeated either way, sooner here
                # (within Discord's nonce window, which then drops the repeat).
                self._give_back(
                    [
                        r
                        for _, rep, rows in running.values()
                        for r in rows
                        if r.id not in rep.settled
                    ]
                    + [r for rows in following.values() for r in rows]
                )
        return total

    def _read_due(
        self, want: int, unsettled: int, seen: set[int], held: Callable[[], set[int]]
    ) -> list[Delivery]:
        """Up to `want` due rows not handed out yet. The plain outbox read also returns
        the `unsettled` rows still being delivered (they are pending until marked), so it
        asks for that many more. A claim leases rows: one handed out before in this drain
        comes back only once its lease ended, i.e. it was retried (or given back) and is
        due again; it is given back for the next drain (or another process), and one
        still `held()` by a chat task (a lease that ran out while it was being
        delivered) keeps the renewed lease."""
        now = self._clock.now()
        if self._claim is None:
            rows = self._storage.pending_deliveries(now=now, limit=want + unsettled)
            return [r for r in rows if r.id not in seen][:want]
        rows = list(self._claim(now, want))
        again = [r for r in rows if r.id in seen]
        if again:
            in_hand = held()
            self._give_back([r for r in again if r.id not in in_hand])
        return [r for r in rows if r.id not in seen][:want]

    def _give_back(self, rows: Sequence[Delivery]) -> None:
        """End the lease of claimed rows this drain will not deliver, so they do not wait
        for it to run out (with no `release`, they do)."""
        if not rows or self._release is None:
            return
        try:
            self._release(rows)
        except Exception:  # the lease running out is the fallback
            log.exception(
                "could not give back %s; due again when their lease ends",
                _stories(len(rows), "leased "),
            )

    async def deliver(self, rows: Sequence[Delivery]) -> DrainReport:
        """Deliver these outbox rows (grouped per chat, chats concurrently)."""
        slots = SendSlots(self._concurrency, self._sleep)
        by_chat = _by_chat(rows)
        reports = [DrainReport() for _ in by_chat]
        await asyncio.gather(
            *(
                self._serve_chat(chat, chat_rows, report, slots)
                for (chat, chat_rows), report in zip(by_chat.items(), reports, strict=True)
            )
        )
        total = DrainReport()
        for report in reports:
            total.add(report)
        return total

    async def _serve_chat(
        self, chat: ChatRef, rows: list[Delivery], report: DrainReport, slots: SendSlots
    ) -> None:
        """`_deliver_chat`, with a bug in it contained to this chat."""
        try:
            edits = [r for r in rows if r.action is DeliveryAction.EDIT]
            posts = [r for r in rows if r.action is not DeliveryAction.EDIT]
            if posts:
                await self._deliver_chat(chat, posts, report, slots, depth=0)
            if edits:  # after the posts, whose message ids they need
                await self._deliver_edits(chat, edits, report, slots)
        except Exception:
            # A bug must not stop other chats' deliveries; the rows not settled yet are
            # retried (never those already sent: that would repeat them).
            log.exception("delivery to %s failed unexpectedly", chat)
            leftover = [r for r in rows if r.id not in report.settled]
            try:
                self._retry(leftover, "internal error", report)
            except Exception:
                log.exception("could not reschedule deliveries to %s", chat)

    # one chat --------------------------------------------------------------------------

    async def _deliver_chat(
        self,
        chat: ChatRef,
        rows: list[Delivery],
        report: DrainReport,
        slots: SendSlots,
        *,
        depth: int,
    ) -> None:
        # One chat prepares at a time, with a turn of the event loop after each: the
        # storage reads and rendering of a batch's chats interleave with the sends of
        # the chats already prepared instead of holding them all up at the start.
        if self._reading_pages is not None and chat.platform is Platform.TELEGRAM:
            # Before the (synchronous) preparation reads the articles: long ones get
            # their reading page made once, and the posts link it.
            await self._reading_pages.ensure([r.article_id for r in rows])
        async with slots.preparing():
            prepared = self._prepare_chat(chat, rows, report)
        if prepared is None:
            return
        settings, route, row_of, parcels = prepared
        for index, parcel in enumerate(parcels):
            parcel_rows = [row_of[a] for a in parcel.article_ids if a in row_of]
            remaining = [row_of[a] for p in parcels[index:] for a in p.article_ids if a in row_of]
            later = sum(len(p.messages) for p in parcels[index + 1 :])
            outcome = await self._send_parcel(chat, parcel, route, report, slots, later)
            if outcome.kind == "sent":
                self._mark_sent(parcel, parcel_rows, outcome)
                report.sent += len(parcel_rows)
                report.settled.update(r.id for r in parcel_rows)
            elif outcome.kind == "rejected":
                self._fail(parcel_rows, f"rejected: {outcome.error}", report)
                log.warning(
                    "dropped %s for %s: the platform rejected the message (%s); "
                    "not retried, the chat's other stories go on",
                    _stories(len(parcel_rows)),
                    chat_label(chat),
                    outcome.error,
                )
            elif outcome.kind == "forbidden":
                self._storage.pause_chat(chat, outcome.error)
                report.paused_chats += 1
                self._fail(remaining, f"chat paused: {outcome.error}", report)
                log.warning(
                    "paused delivery to %s: %s; %s dropped; %s",
                    chat_label(chat),
                    outcome.error,
                    _stories(len(remaining), "queued "),
                    resumed_by(chat),
                )
                await self._notify_pause(settings, outcome.error)
                return
            elif outcome.kind == "migrated" and outcome.new_chat_id and depth < 2:
                new_chat = self._storage.migrate_chat(chat, outcome.new_chat_id)
                report.migrated_chats += 1
                # Only this task's rows: others of the chat are another read's to deliver
                # (sending them here too could send them twice).
                own = {r.id for r in row_of.values()}
                moved = [
                    r
                    for r in self._storage.pending_deliveries(
                        now=self._clock.now(), limit=10_000, chat=new_chat
                    )
                    if r.id in own
                ]
                if moved:
                    await self._deliver_chat(new_chat, moved, report, slots, depth=depth + 1)
                return
            elif outcome.kind == "later" and outcome.due_at is not None:
                self._storage.mark_retry(
                    [r.id for r in remaining], error=outcome.error, due_at=outcome.due_at
                )
                report.retried += len(remaining)
                report.settled.update(r.id for r in remaining)
                return
            else:
                self._retry(remaining, outcome.error, report)
                return

    def _prepare_chat(
        self, chat: ChatRef, rows: list[Delivery], report: DrainReport
    ) -> tuple[ChatSettings, PlatformRoute, dict[int, Delivery], list[Parcel]] | None:
        """Read the chat and its stories and render its parcels; None when there is
        nothing to send (rows it cannot send are settled here, with the reason)."""
        settings = self._storage.get_chat(chat)
        if settings.paused_reason is not None:
            self._fail(rows, f"chat paused: {settings.paused_reason}", report)
            log.warning(
                "dropped %s for %s: delivery is paused (%s); %s",
                _stories(len(rows), "queued "),
                chat_label(chat),
                settings.paused_reason,
                resumed_by(chat),
            )
            return None
        if settings.mode is DeliveryMode.OFF:
            self._fail(rows, "delivery turned off", report)
            log.info(
                "dropped %s for %s: delivery turned off there",
                _stories(len(rows), "queued "),
                chat_label(chat),
            )
            return None
        route = self._routes.get(chat.platform)
        if route is None:
            due = self._clock.now() + timedelta(seconds=self._policy.no_route_seconds)
            self._storage.mark_retry(
                [r.id for r in rows], error=f"{chat.platform} is not running", due_at=due
            )
            report.retried += len(rows)
            report.settled.update(r.id for r in rows)
            return None
        if settings.mode is DeliveryMode.SCHEDULED and self._claim is None:
            # The whole digest at once, even if the batch cut it (its posts: edit rows
            # are the edit step's). Not with leases: rows this process did not lease may
            # be another's to send (rows of the digest it leases later follow as a second
            # part).
            rows = [
                r
                for r in self._storage.pending_deliveries(
                    now=self._clock.now(), limit=10_000, chat=chat
                )
                if r.action is not DeliveryAction.EDIT
            ] or rows
        row_of = {r.article_id: r for r in rows}
        articles = []
        for article_id in list(row_of):
            try:
                article = self._storage.get_article(article_id)
            except NotFoundError:
                self._fail([row_of.pop(article_id)], "article no longer stored", report)
                continue
            if exclusion_rule(settings, article) is not None:
                # Planned before the chat excluded it (/exclude drops such rows too, but
                # a poll may have read the chat's settings just before the change).
                self._fail([row_of.pop(article_id)], "excluded by the chat", report)
                continue
            articles.append(article)
        if not articles:
            return None
        stories = self._stories.stories(publication_order(articles))
        if settings.images is False:  # /images off
            stories = [replace(story, image_url=None) for story in stories]
        language = settings.language
        zone = chat_zone(settings.timezone)
        try:
            if settings.mode is DeliveryMode.SCHEDULED:
                # Most important first (bot.top_stories: outlets, recency, interests).
                stories = rank_for_chat(stories, articles, settings, self._clock.now())
                header = digest_title(len(stories), language, settings, self._clock.now())
                parcels = pack_parcels(stories, header, route.render, language, zone)
            elif self._collapse_backlog is not None and len(stories) > self._collapse_backlog:
                # A pile-up (after downtime or a burst of news) in an instant chat: a few
                # packed messages instead of dozens, which would also take a group
                # (20 messages a minute) many minutes to get.
                header = t("backlog_header", language, count=len(stories))
                parcels = pack_parcels(stories, header, route.render, language, zone)
            else:
                parcels = [
                    Parcel(
                        (s.article_id,), tuple(route.render([s], None, language, zone)), single=True
                    )
                    for s in stories
                ]
        except Exception as error:
            # Rendering the same stories again would fail the same way.
            log.exception("rendering for %s failed", chat)
            self._fail(list(row_of.values()), f"render failed: {error}", report)
            return None

        return settings, route, row_of, parcels

    async def _send_parcel(
        self,
        chat: ChatRef,
        parcel: Parcel,
        route: PlatformRoute,
        report: DrainReport,
        slots: SendSlots,
        later: int = 0,
    ) -> _Outcome:
        """Send a parcel's messages in order. The chat holds a slot from its first
        message until the parcel's last one was accepted (its rows are marked sent right
        after): only that many accepted-but-unmarked messages can exist at once.
        `later` counts the chat's messages in the parcels after this one: chats with
        more to send get slots first (SendSlots.take)."""
        index = 0
        waits = 0
        holding = False
        message_ids: list[str] = []
        try:
            while index < len(parcel.messages):
                if not holding:
                    remaining = len(parcel.messages) - index + later
                    await slots.take(route.limiter, chat, remaining)
                    holding = True
                await slots.send_turn(route.limiter, chat)
                count = len(parcel.messages)
                key = outbox_message_key(chat, parcel.article_ids, index, count)
                try:
                    message_id = await route.sender.send(
                        chat, replace(parcel.messages[index], dedupe_key=key)
                    )
                except RetryAfter as error:
                    route.limiter.block(chat, error.seconds)
                    # A 429 may be about the whole bot: hold everything back briefly too.
                    route.limiter.block_all(min(error.seconds, 1.0))
                    waits += 1
                    if (
                        error.seconds <= self._policy.max_inline_wait
                        and waits <= self._policy.max_inline_retries
                    ):
                        if index == 0:
                            # Nothing of this parcel is out yet: wait without the slot.
                            slots.release()
                            holding = False
                        continue  # then the same message again
                    due = self._clock.now() + timedelta(seconds=error.seconds)
                    return _Outcome("later", error.reason, due_at=due)
                except ChatMigrated as error:
                    return _Outcome("migrated", error.reason, new_chat_id=error.new_chat_id)
                except (ChatForbidden, ChatNotFound) as error:
                    return _Outcome("forbidden", error.reason)
                except MessageRejected as error:
                    return _Outcome("rejected", error.reason)
                except DeliveryError as error:  # TransientDeliveryError and anything unnamed
                    return _Outcome("retry", error.reason)
                except Exception as error:
                    log.exception("sender for %s raised a non-delivery error", chat.platform)
                    return _Outcome("retry", f"{type(error).__name__}: {error}")
                report.messages += 1
                index += 1
                if isinstance(message_id, str) and message_id:
                    message_ids.append(message_id)
            return _Outcome("sent", message_ids=tuple(message_ids))
        finally:
            if holding:
                slots.release()

    # outcomes ------------------------------------------------------------------------

    def _mark_sent(self, parcel: Parcel, rows: Sequence[Delivery], outcome: _Outcome) -> None:
        """Mark a parcel's rows sent, with the id of the message that carries their
        sources line (the last one) when the platform gave it: a story posted alone in
        one message can then gain sources by an edit (bot.story_edits)."""
        ids = [r.id for r in rows]
        now = self._clock.now()
        if outcome.message_ids and len(outcome.message_ids) == len(parcel.messages):
            self._storage.record_sent_message(
                ids,
                at=now,
                message_id=outcome.message_ids[-1],
                alone=parcel.single and len(parcel.messages) == 1,
                photo=parcel.messages[-1].photo_url is not None,
            )
        self._storage.mark_sent(ids, at=now)

    async def _deliver_edits(
        self, chat: ChatRef, rows: Sequence[Delivery], report: DrainReport, slots: SendSlots
    ) -> None:
        """A chat's edit rows (bot.story_edits.SourceEdits), settled like posts."""
        route = self._routes.get(chat.platform)
        if route is None:
            due = self._clock.now() + timedelta(seconds=self._policy.no_route_seconds)
            self._later(rows, f"{chat.platform} is not running", due, report)
            return

        def sent(done: Sequence[Delivery]) -> None:
            self._storage.mark_sent([r.id for r in done], at=self._clock.now())
            report.sent += len(done)
            report.messages += len(done)
            report.settled.update(r.id for r in done)

        await self._edits.deliver(
            chat,
            rows,
            route,
            slots,
            sent=sent,
            fail=lambda failed, error: self._fail(failed, error, report),
            retry=lambda again, error: self._retry(again, error, report),
            later=lambda again, error, due: self._later(again, error, due, report),
        )

    def _later(
        self, rows: Sequence[Delivery], error: str, due: datetime, report: DrainReport
    ) -> None:
        if rows:
            self._storage.mark_retry([r.id for r in rows], error=error, due_at=due)
            report.retried += len(rows)
            report.settled.update(r.id for r in rows)

    def _fail(self, rows: Sequence[Delivery], error: str, report: DrainReport) -> None:
        if rows:
            self._storage.mark_failed([r.id for r in rows], error=error)
            report.failed += len(rows)
            report.settled.update(r.id for r in rows)

    def _retry(self, rows: Sequence[Delivery], error: str, report: DrainReport) -> None:
        if not rows:
            return
        attempts = max(r.attempts for r in rows)
        if attempts + 1 >= self._policy.max_attempts:
            self._fail(rows, f"gave up after {attempts + 1} attempts: {error}", report)
            log.warning(
                "dropped %s for %s: gave up after %d attempts (%s)",
                _stories(len(rows)),
                chat_label(rows[0].chat),
                attempts + 1,
                error,
            )
            return
        delay = retry_delay(attempts, self._policy, self._random)
        due = self._clock.now() + timedelta(seconds=delay)
        self._storage.mark_retry([r.id for r in rows], error=error, due_at=due)
        report.retried += len(rows)
        report.settled.update(r.id for r in rows)

    async def _notify_pause(self, settings: ChatSettings, reason: str) -> None:
        if self._on_pause is None:
            return
        try:
            await self._on_pause(settings, reason)
        except Exception:
            log.exception("pause notification for %s failed", settings.chat)


def _by_chat(rows: Iterable[Delivery]) -> dict[ChatRef, list[Delivery]]:
    by_chat: dict[ChatRef, list[Delivery]] = {}
    for row in rows:
        by_chat.setdefault(row.chat, []).append(row)
    return by_chat


def chat_label(chat: ChatRef) -> str:
    """How logs name a chat: platform, kind and id, "<id>/<thread>" for a forum topic
    (ids are not secrets; titles and webhook URLs stay out of logs)."""
    return f"{chat.platform.value} {chat.kind.value} {chat.key}"


def _stories(count: int, qualifier: str = "") -> str:
    return f"{count} {qualifier}{'story' if count == 1 else 'stories'}"


def resumed_by(chat: ChatRef) -> str:
    """What lifts a delivery pause, for the log line that reports it (the commands that
    clear `paused_reason`)."""
    if chat.platform is Platform.DISCORD:
        return "resumes when an admin runs /news subscribe or /news schedule in that channel"
    return (
        "resumes on /start or any settings command in that chat, or when the bot is "
        "unblocked or added back"
    )


@dataclass(frozen=True)
class _Outcome:
    kind: str  # sent | rejected | forbidden | migrated | later | retry
    error: str = ""
    new_chat_id: str | None = None
    due_at: datetime | None = None
    message_ids: tuple[str, ...] = ()  # of the messages sent, when kind is "sent"


# --- renderers for the bundled formatters -------------------------------------------------


TELEGRAM_CAPTION_LIMIT = 1024  # UTF-16 units of visible caption text (Bot API sendPhoto)


def telegram_renderer(
    stories: Sequence[Story], header: str | None, language: str, zone: tzinfo = UTC
) -> list[OutgoingMessage]:
    """Telegram HTML messages (digest.format.render_telegram); link previews stay off
    for digests and on for a single instant story."""
    from digest.format import render_telegram
    from digest.format.telegram import visible_utf16_len

    preview_off = header is not None or len(stories) != 1
    messages = [
        OutgoingMessage(text=html, disable_preview=preview_off)
        for html in render_telegram(stories, header=header, language=language, zone=zone)
    ]
    image = stories[0].image_url if header is None and len(stories) == 1 else None
    if image and messages:
        first = messages[0]
        if len(messages) == 1 and visible_utf16_len(first.text) <= TELEGRAM_CAPTION_LIMIT:
            # The story as the photo's caption: one message, the image first.
            messages[0] = replace(first, photo_url=image, preview_url=image)
        else:
            # Too long for a caption: the text, with the image as its preview above it.
            messages[0] = replace(first, disable_preview=False, preview_url=image)
    return messages


def discord_renderer(topic_colours: Mapping[str, int] | None = None) -> Renderer:
    """Discord payloads (digest.format.render_discord): content plus up to 10 embeds."""
    from digest.format import render_discord

    def render(
        stories: Sequence[Story], header: str | None, language: str, zone: tzinfo = UTC
    ) -> list[OutgoingMessage]:
        payloads = render_discord(
            stories, header=header, language=language, topic_colours=topic_colours, zone=zone
        )
        # A forum post's title: the story's own for one story, the digest's header
        # (count and date on one line) for a digest; later messages continue that post.
        if header is not None:
            title = " · ".join(line.strip() for line in header.splitlines() if line.strip())
        elif len(stories) == 1:
            # The embed's title: the story's, with the bidi isolates the formatter adds.
            embeds = payloads[0].get("embeds") if payloads else None
            title = str((embeds[0] if embeds else {}).get("title") or stories[0].title)
        else:
            title = ""
        topics = tuple(dict.fromkeys(topic for story in stories for topic in story.topics))
        return [
            OutgoingMessage(
                text=str(payload.get("content") or ""),
                embeds=tuple(payload.get("embeds") or ()),
                post_title=title or None,
                post_topics=topics,
                continues_post=index > 0,
            )
            for index, payload in enumerate(payloads)
        ]

    return render
