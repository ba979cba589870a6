"""Ports: the interfaces the core depends on. Adapters implement them.

Storage conventions (as in lemon24/reader): all datetimes are aware UTC; methods say
what they raise; nothing here returns ORM objects, only frozen domain types.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Protocol

from .models import (
    Article,
    ChatFeed,
    ChatRef,
    ChatSettings,
    Delivery,
    DeliveryAction,
    Entry,
    Feed,
    FeedConfig,
    FetchResult,
    SentMessage,
    TopicMatch,
)


class Fetcher(Protocol):
    async def fetch(self, url: str, *, etag: str | None, last_modified: str | None) -> FetchResult:
        """Conditional GET of one feed.

        Raises: FetchError (retry later), FeedGoneError (410), FeedNotFoundError (404),
        BlockedAddressError (private address not allowed).
        """
        ...


class Summarizer(Protocol):
    name: str

    def summarize(self, title: str, text: str, *, language: str = "ar") -> tuple[str, ...]:
        """Return 3-5 bullets (fewer only when the text has fewer sentences). Never raises
        on odd text; an empty text gives ()."""
        ...


class TopicClassifier(Protocol):
    def classify(self, title: str, text: str) -> tuple[TopicMatch, ...]:
        """Topics for an article, strongest first, each with the terms that matched."""
        ...

    def is_technology(self, title: str, text: str) -> bool:
        """The tech relevance filter, for feeds marked tech_only."""
        ...


class Storage(Protocol):
    """Persistent state. Implementations: digest.storage.SqlStorage (SQLite, PostgreSQL)."""

    # feeds
    def sync_feeds(self, configs: Iterable[FeedConfig]) -> None:
        """Add configured feeds that are missing; update name/tech_only/enabled of the rest.
        Feeds disabled by the system (410, too many failures) stay disabled."""
        ...

    def add_feed(self, config: FeedConfig) -> Feed:
        """Add one feed (idempotent: an existing feed keeps its state); returns it."""
        ...

    def enable_feed(self, url: str) -> None:
        """Re-enable a feed and forget its error run. Raises NotFoundError."""
        ...

    def remove_feed(self, url: str) -> None:
        """Forget a feed; its articles stay. Raises NotFoundError."""
        ...

    def get_feed(self, url: str) -> Feed:
        """Raises NotFoundError."""
        ...

    def get_feeds(self, *, enabled: bool | None = None) -> list[Feed]: ...

    def record_fetch_success(
        self,
        url: str,
        *,
        at: datetime,
        etag: str | None,
        last_modified: str | None,
        title: str | None,
        next_fetch_at: datetime | None = None,
        warning: str | None = None,
    ) -> None:
        """Store conditional-GET validators and clear the error run. Raises NotFoundError."""
        ...

    def record_fetch_error(
        self, url: str, *, at: datetime, error: str, next_fetch_at: datetime | None
    ) -> int:
        """Count one more failure in a row; returns the new count. Raises NotFoundError."""
        ...

    def move_feed(self, old_url: str, new_url: str) -> None:
        """A permanent redirect: the feed now lives at new_url (articles keep their feed).
        Raises NotFoundError."""
        ...

    def disable_feed(self, url: str, reason: str) -> None:
        """Raises NotFoundError."""
        ...

    def claim_due_feeds(
        self, *, now: datetime, owner: str, lease_seconds: float, limit: int
    ) -> list[Feed]:
        """Enabled feeds whose next_fetch_at has passed and whose lease is free, leased to
        `owner` so that another process does not poll them at the same time."""
        ...

    def release_feed(self, url: str, owner: str) -> None: ...

    def feed_lease_owners(self) -> list[str]:
        """Owners holding a feed lease (run out or not), sorted."""
        ...

    def release_feed_leases(self, owner: str) -> int:
        """End every feed lease of `owner` (a process known to be gone); returns how
        many feeds were leased to it."""
        ...

    # articles
    def has_article(self, keys: Sequence[str]) -> bool:
        """True if any identity key (see digest.identity.article_keys) is already stored."""
        ...

    def add_article(
        self,
        entry: Entry,
        *,
        keys: Sequence[str],
        text: str,
        canonical_url: str | None,
        fetched_at: datetime,
        bullets: tuple[str, ...],
        summary_method: str,
        topics: tuple[TopicMatch, ...],
        is_tech: bool,
        announce: bool,
        cluster_id: int | None = None,
    ) -> Article | None:
        """Store a new article; returns None (and stores nothing) if any key exists."""
        ...

    def remember_entries(
        self, items: Sequence[tuple[Entry, Sequence[str], str | None]], *, fetched_at: datetime
    ) -> list[int]:
        """Store a feed's backlog (never posted, not summarized) in one transaction;
        entries already stored are skipped. Returns the new ids."""
        ...

    def get_article(self, article_id: int) -> Article:
        """Raises NotFoundError."""
        ...

    def get_articles_by_ids(self, ids: Sequence[int]) -> list[Article]:
        """Articles in the order of `ids`; missing ids are skipped."""
        ...

    def get_cluster(self, cluster_id: int) -> list[Article]:
        """Every article of one story cluster (same story, several sources), oldest first."""
        ...

    def find_article(self, url: str) -> Article | None:
        """By URL or canonical URL."""
        ...

    def get_articles(
        self,
        *,
        since: datetime | None = None,
        announce: bool | None = None,
        limit: int | None = None,
        feed_url: str | None = None,
    ) -> list[Article]:
        """Newest first (by fetched_at, then id)."""
        ...

    def set_summary(self, article_id: int, bullets: tuple[str, ...], method: str) -> None: ...

    def set_topics(self, article_id: int, topics: tuple[TopicMatch, ...]) -> None: ...

    def set_placement(self, article_id: int, *, cluster_id: int | None, announce: bool) -> None:
        """Record the article's story cluster and whether it may be posted.
        Raises NotFoundError."""
        ...

    def set_reading_url(self, article_id: int, url: str) -> None:
        """Remember the article's reading page (made once, reused). Raises NotFoundError."""
        ...

    # chats
    def get_chat(self, chat: ChatRef) -> ChatSettings:
        """Settings of a chat; a chat never seen gets defaults (not stored until saved)."""
        ...

    def has_chat(self, chat: ChatRef) -> bool:
        """Whether the chat has a stored row. A stored chat may equal the defaults (one
        that follows "all technology" in Arabic, delivered instantly), so comparing
        get_chat() with ChatSettings(chat=...) cannot tell."""
        ...

    def save_chat(self, settings: ChatSettings) -> None: ...

    def get_chats(self, *, include_paused: bool = False) -> list[ChatSettings]: ...

    def pause_chat(self, chat: ChatRef, reason: str) -> None: ...

    def resume_chat(self, chat: ChatRef) -> None: ...

    def migrate_chat(self, chat: ChatRef, new_chat_id: str) -> ChatRef:
        """Move settings and delivery history to a new chat id; returns the new ref."""
        ...

    # chats' own feeds (/addfeed; digest.chat_feed_storage)
    def add_chat_feed(
        self,
        chat: ChatRef,
        url: str,
        *,
        title: str | None,
        language: str,
        at: datetime,
        added_by: str | None = None,
    ) -> bool:
        """The chat follows the feed at `url`; the feed is created (not public: only its
        chats see its items) when missing, and re-enabled when the system had disabled a
        feed only chats follow. Returns False when the chat already had it."""
        ...

    def remove_chat_feed(self, chat: ChatRef, url: str) -> bool:
        """The chat stops following `url`; a non-public feed nobody follows any more is
        disabled (no longer polled; kept, so its items stay private). Returns False when
        the chat did not have it."""
        ...

    def get_chat_feeds(self, chat: ChatRef) -> list[ChatFeed]:
        """The chat's own feeds, in the order they were added."""
        ...

    def feed_followers(self, url: str) -> list[ChatFeed]:
        """Every chat that added the feed at `url`."""
        ...

    def own_feed_chats(self) -> dict[str, frozenset[ChatRef]]:
        """Feed URL -> the chats that added it (every chat feed)."""
        ...

    def private_feed_urls(self) -> frozenset[str]:
        """Feeds that only chats added (not listed by the operator)."""
        ...

    def get_chat_feed_quota(self, chat: ChatRef) -> int | None:
        """The chat's own-feed limit set by the bot's owner; None: the default."""
        ...

    def set_chat_feed_quota(self, chat: ChatRef, max_feeds: int | None) -> None:
        """Set (None: forget) the chat's own-feed limit."""
        ...

    def count_sent(self, since: datetime) -> int:
        """Outbox rows (stories) sent since `since`, over all chats."""
        ...

    def mark_chat_feed_told(self, chat: ChatRef, url: str) -> bool:
        """Record that the chat was told its feed stopped; False if it already was."""
        ...

    # outbox
    def enqueue(
        self,
        chat: ChatRef,
        article_ids: Sequence[int],
        *,
        due_at: datetime,
        action: DeliveryAction = DeliveryAction.POST,
    ) -> int:
        """Queue (chat, article) pairs not queued before; returns how many were new.
        `action` EDIT: edit the message of the story each article joined (one more
        source) instead of posting it."""
        ...

    def record_sent_message(
        self,
        delivery_ids: Sequence[int],
        *,
        at: datetime,
        message_id: str,
        alone: bool,
        photo: bool = False,
    ) -> None:
        """Remember the platform message that carried these rows (before `mark_sent`)."""
        ...

    def story_posts(
        self, article_ids: Sequence[int], *, chat: ChatRef | None = None
    ) -> list[tuple[Delivery, SentMessage | None]]:
        """Post rows (any state) of these articles (in `chat` when given), each with the
        message that carried it once sent; oldest first."""
        ...

    def pending_deliveries(
        self, *, now: datetime, limit: int, chat: ChatRef | None = None
    ) -> list[Delivery]:
        """Due, unsent deliveries, oldest first."""
        ...

    def count_pending(self, chat: ChatRef | None = None) -> int:
        """Deliveries waiting in the outbox (for /health and metrics); only `chat`'s
        when given."""
        ...

    def unqueued_article_ids(
        self, chat: ChatRef, *, feed_urls: Sequence[str] | None = None
    ) -> list[int]:
        """Ids of the announced articles never queued for `chat`, oldest first (only
        those of `feed_urls` when given), without any cap."""
        ...

    def mark_sent(self, delivery_ids: Sequence[int], *, at: datetime) -> None: ...

    def mark_retry(self, delivery_ids: Sequence[int], *, error: str, due_at: datetime) -> None: ...

    def mark_failed(self, delivery_ids: Sequence[int], *, error: str) -> None: ...

    def was_delivered(self, chat: ChatRef, article_id: int) -> bool: ...

    def close(self) -> None: ...
