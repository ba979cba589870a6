"""Domain types. Frozen dataclasses; every datetime is timezone-aware UTC."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

# --- feeds ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedConfig:
    """A feed as configured by the operator (config/feeds.yaml)."""

    url: str
    name: str | None = None
    enabled: bool = True
    tech_only: bool = False  # general news feed: keep only technology stories
    language: str = "ar"
    # A bundled sample (config/samples): polled by `demo` and the tests; `run` leaves it
    # out unless the settings ask for it (poll.sample_feeds).
    sample: bool = False


@dataclass(frozen=True)
class Feed:
    """A feed as stored, with its fetch state."""

    url: str
    name: str | None = None
    title: str | None = None
    enabled: bool = True
    tech_only: bool = False
    language: str = "ar"
    etag: str | None = None
    last_modified: str | None = None
    last_fetched_at: datetime | None = None
    last_success_at: datetime | None = None
    last_error: str | None = None
    error_count: int = 0
    next_fetch_at: datetime | None = None
    disabled_reason: str | None = None
    # False: added by chats only (/addfeed), not listed by the operator. Its items go
    # only to the chats that added it, and it is fetched with the strict address policy.
    public: bool = True


class FetchStatus(StrEnum):
    OK = "ok"
    NOT_MODIFIED = "not_modified"


@dataclass(frozen=True)
class FetchResult:
    """What the fetch phase got for one feed (errors are raised, not returned)."""

    requested_url: str
    status: FetchStatus
    http_status: int | None = None
    content: bytes = b""
    content_type: str | None = None
    final_url: str | None = None  # after redirects
    permanent_redirect: str | None = None  # set only when every hop was 301/308
    etag: str | None = None
    last_modified: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Entry:
    """One item as parsed from a feed, before dedup and summarising."""

    feed_url: str
    title: str
    url: str | None = None
    guid: str | None = None
    summary: str = ""  # plain text of the feed's description
    content: str = ""  # plain text of full content, when the feed carries it
    published: datetime | None = None
    author: str | None = None
    language: str | None = None
    image_url: str | None = None  # lead image, https only (digest.images)


@dataclass(frozen=True)
class ParsedFeed:
    url: str
    title: str | None
    link: str | None
    language: str | None
    entries: tuple[Entry, ...]
    warnings: tuple[str, ...] = ()  # recoverable problems (bozo), shown in feed status


# --- articles ------------------------------------------------------------------------


@dataclass(frozen=True)
class TopicMatch:
    """A topic assigned to an article, with the terms that caused it (for `why`)."""

    topic: str  # slug from config/topics.yaml, or "kw:<keyword>"
    score: float
    terms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Article:
    """A stored, deduplicated article."""

    id: int
    feed_url: str
    title: str
    url: str | None
    canonical_url: str | None
    guid: str | None
    text: str
    published: datetime | None
    fetched_at: datetime
    language: str = "ar"
    bullets: tuple[str, ...] = ()
    summary_method: str | None = None
    topics: tuple[TopicMatch, ...] = ()
    is_tech: bool = True
    announce: bool = True  # False: seen on a feed's first fetch, never posted
    cluster_id: int | None = None
    image_url: str | None = None  # lead image (feed item, else the page), https only
    reading_url: str | None = None  # its reading page (Telegraph), once made


@dataclass(frozen=True)
class Source:
    name: str
    url: str | None


@dataclass(frozen=True)
class Story:
    """One digest entry: an article, its bullets and every source that carried it."""

    article_id: int
    title: str
    url: str | None
    bullets: tuple[str, ...]
    published: datetime | None
    source: Source
    topics: tuple[str, ...] = ()
    other_sources: tuple[Source, ...] = ()
    language: str = "ar"
    image_url: str | None = None
    reading_url: str | None = None  # a reading page inside Telegram (Telegraph), if made
    # Outlets that covered the story, shown as «تناقلتها N مصادر» (/top); 0: not shown.
    coverage: int = 0


# --- chats and subscriptions ---------------------------------------------------------


class Platform(StrEnum):
    TELEGRAM = "telegram"
    DISCORD = "discord"
    CONSOLE = "console"  # the CLI's own "chat": what `newsdigest digest` already printed


class ChatKind(StrEnum):
    PRIVATE = "private"
    GROUP = "group"
    CHANNEL = "channel"


class DeliveryMode(StrEnum):
    INSTANT = "instant"
    SCHEDULED = "scheduled"
    OFF = "off"


@dataclass(frozen=True)
class ChatRef:
    """Where messages go: a Telegram chat/channel (or one forum topic of a group) or a
    Discord channel (a Discord thread is a channel of its own, with its own id).

    A Telegram forum topic is a subscription target like any chat: its own settings row,
    outbox rows and pause, stored under `key` ("<chat_id>/<thread_id>"). What is about the
    group as a whole (admin rights, the platform's per-chat rate limits) uses
    `whole_chat`. The General topic is the group itself (thread_id None)."""

    platform: Platform
    chat_id: str
    kind: ChatKind = ChatKind.PRIVATE
    thread_id: int | None = None  # Telegram message_thread_id of a forum topic

    @property
    def whole_chat(self) -> ChatRef:
        """The group a topic belongs to (the chat itself when it is no topic)."""
        return self if self.thread_id is None else replace(self, thread_id=None)

    @property
    def key(self) -> str:
        """How storage names this target: the chat id, or "<chat_id>/<thread_id>"."""
        return self.chat_id if self.thread_id is None else f"{self.chat_id}/{self.thread_id}"

    @classmethod
    def from_key(cls, platform: Platform, key: str, kind: ChatKind) -> ChatRef:
        """The inverse of `key`. Chat ids never contain '/' (numbers, @names), so the
        split cannot be ambiguous; a part after '/' that is no number stays in chat_id."""
        chat_id, sep, thread = key.partition("/")
        if sep and thread.isdigit():
            return cls(platform, chat_id, kind, int(thread))
        return cls(platform, key, kind)


@dataclass(frozen=True)
class ChatSettings:
    """Per-chat state: what it follows and how it wants it."""

    chat: ChatRef
    language: str = "ar"
    topics: frozenset[str] = frozenset()
    keywords: frozenset[str] = frozenset()
    mode: DeliveryMode = DeliveryMode.INSTANT
    schedule_time: str | None = None  # "HH:MM" in `timezone`, for scheduled mode
    timezone: str = "UTC"
    paused_reason: str | None = None  # set when the platform forbade us (403, gone)
    last_digest_at: datetime | None = None
    webhook_url: str | None = None  # Discord webhook delivery, optional
    title: str | None = None
    images: bool | None = None  # the story's image in instant posts; None: the default (on)
    # What the chat does not want, whatever it follows (/exclude; digest.exclusions):
    # topic slugs, and keywords or ``/…/`` patterns as for `keywords`.
    excluded_topics: frozenset[str] = frozenset()
    excluded_keywords: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ChatFeed:
    """A feed a chat added itself (/addfeed): every item of it goes to that chat."""

    chat: ChatRef
    feed_url: str
    added_at: datetime
    title: str | None = None
    added_by: str | None = None  # the platform user id of whoever added it
    told_disabled: bool = False  # the chat was told that the feed stopped (once)


class DeliveryState(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # gave up (message rejected); kept for the record


class DeliveryAction(StrEnum):
    POST = "post"  # post the article's story
    # Edit the message that carried the story the article joined, to name its source
    # (bot.story_edits); the row's article is the further report.
    EDIT = "edit"


@dataclass(frozen=True)
class Delivery:
    """One (chat, article) in the outbox. Unique per pair: at most one is ever sent."""

    id: int
    chat: ChatRef
    article_id: int
    state: DeliveryState
    created_at: datetime
    due_at: datetime
    attempts: int = 0
    last_error: str | None = None
    sent_at: datetime | None = None
    action: DeliveryAction = DeliveryAction.POST


@dataclass(frozen=True)
class SentMessage:
    """The platform message that carried a sent post (one outbox row)."""

    delivery_id: int
    message_id: str
    sent_at: datetime
    alone: bool  # the row's story was the only one and fit in this one message
    photo: bool  # Telegram: sent as a photo, the story is its caption
