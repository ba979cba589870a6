"""Fakes (not mocks) for the platform-neutral bot parts: a PlatformGate with a table of
admins and managed targets, a ChatSender that records what it sends and raises scripted
platform errors, a sleeper that moves a FakeClock, helpers that store articles, and a
database left at an old schema revision."""

from __future__ import annotations

import asyncio
import heapq
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo

from bot.chat import OutgoingMessage
from digest.clock import FakeClock
from digest.errors import DeliveryError
from digest.models import ChatKind, ChatRef, Entry, FeedConfig, Platform, Story, TopicMatch
from digest.ports import Storage
from digest.topics import Topic, TopicCatalog

FEED_URL = "https://tech.example/feed"


def small_catalog() -> TopicCatalog:
    return TopicCatalog.from_topics(
        [
            Topic(
                "ai",
                "الذكاء الاصطناعي",
                "Artificial intelligence",
                0x7C3AED,
                aliases=("ai", "ذكاء اصطناعي", "machine learning"),
            ),
            Topic("security", "الأمن السيبراني", "Cybersecurity", 0xDC2626, aliases=("أمن",)),
            Topic("phones", "الهواتف الذكية", "Smartphones", 0x0EA5E9, aliases=("هواتف",)),
        ]
    )


def tg(chat_id: str, kind: ChatKind = ChatKind.PRIVATE) -> ChatRef:
    return ChatRef(Platform.TELEGRAM, chat_id, kind)


def dc(chat_id: str) -> ChatRef:
    return ChatRef(Platform.DISCORD, chat_id, ChatKind.CHANNEL)


def add_feed(storage: Storage, url: str = FEED_URL, name: str = "تقنية اليوم") -> None:
    storage.sync_feeds([FeedConfig(url=url, name=name)])


def add_article(
    storage: Storage,
    title: str,
    *,
    at: datetime,
    topics: Sequence[str] = (),
    text: str = "",
    announce: bool = True,
    is_tech: bool = True,
    url: str | None = None,
    feed_url: str = FEED_URL,
    image_url: str | None = None,
) -> int:
    """Store one summarised article and return its id."""
    link = url or f"https://tech.example/{abs(hash((title, at)))}"
    article = storage.add_article(
        Entry(
            feed_url=feed_url, title=title, url=link, guid=link, published=at, image_url=image_url
        ),
        keys=[link],
        text=text or title,
        canonical_url=link,
        fetched_at=at,
        bullets=(f"{title}: النقطة الأولى", "النقطة الثانية", "النقطة الثالثة"),
        summary_method="test",
        topics=tuple(TopicMatch(topic=slug, score=1.0) for slug in topics),
        is_tech=is_tech,
        announce=announce,
    )
    assert article is not None
    return article.id


@dataclass
class FakeGate:
    """Answers PlatformGate questions from tables set up by the test."""

    admins: dict[ChatRef, set[str]] = field(default_factory=dict)
    # "@channel" -> (chat, users who administer it)
    targets: dict[str, tuple[ChatRef, set[str]]] = field(default_factory=dict)
    admin_checks: list[tuple[ChatRef, str]] = field(default_factory=list)

    async def is_admin(self, chat: ChatRef, user_id: str) -> bool:
        self.admin_checks.append((chat, user_id))
        if chat.kind is ChatKind.PRIVATE:
            return True
        return user_id in self.admins.get(chat, set())

    async def resolve_target(self, ref: str, user_id: str) -> ChatRef:
        if ref not in self.targets:
            raise LookupError(ref)
        chat, admins = self.targets[ref]
        if user_id not in admins:
            raise PermissionError("you are not an admin there")
        return chat


@dataclass
class SentMessage:
    chat: ChatRef
    message: OutgoingMessage
    at: datetime


class FakeSender:
    """Records accepted messages; raises the scripted error for a chat (one per send,
    in order) before accepting anything else there."""

    def __init__(self, clock: FakeClock | None = None) -> None:
        self.clock = clock
        self.sent: list[SentMessage] = []
        self.failures: dict[str, list[DeliveryError]] = {}
        self.fail_on_attempt: dict[int, DeliveryError] = {}  # 1-based, over all chats
        self.attempts = 0

    def fail(self, chat_id: str, *errors: DeliveryError) -> None:
        self.failures.setdefault(chat_id, []).extend(errors)

    async def send(self, chat: ChatRef, message: OutgoingMessage) -> str:
        self.attempts += 1
        if self.attempts in self.fail_on_attempt:
            raise self.fail_on_attempt.pop(self.attempts)
        queued = self.failures.get(chat.chat_id)
        if queued:
            raise queued.pop(0)
        now = self.clock.now() if self.clock else datetime.min
        self.sent.append(SentMessage(chat, message, now))
        return str(len(self.sent))

    def texts(self, chat_id: str) -> list[str]:
        return [s.message.text for s in self.sent if s.chat.chat_id == chat_id]


class VirtualSleeper:
    """`sleep` in virtual time for many concurrent tasks: the clock jumps to the earliest
    wake-up only once every other task had a chance to run (or to go to sleep too)."""

    def __init__(self, clock: FakeClock, idle_spins: int = 5) -> None:
        self.clock = clock
        self.idle_spins = idle_spins
        self._sleepers: list[tuple[datetime, int, asyncio.Future[None]]] = []
        self._seq = 0
        self._driver: asyncio.Task[None] | None = None

    async def __call__(self, seconds: float) -> None:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        self._seq += 1
        wake = self.clock.now() + timedelta(seconds=max(seconds, 0.0))
        heapq.heappush(self._sleepers, (wake, self._seq, future))
        if self._driver is None or self._driver.done():
            self._driver = loop.create_task(self._drive())
        await future

    async def _drive(self) -> None:
        while self._sleepers:
            for _ in range(self.idle_spins):
                await asyncio.sleep(0)
            wake, _, future = heapq.heappop(self._sleepers)
            if wake > self.clock.now():
                self.clock.set(wake)
            if not future.done():
                future.set_result(None)


class FakeSleeper:
    """An injectable `sleep` that moves the fake clock instead of waiting."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.slept: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.clock.advance(max(seconds, 0.0))


def plain_renderer(
    stories: Sequence[Story], header: str | None, language: str, zone: tzinfo = UTC
) -> list[OutgoingMessage]:
    """A renderer that puts at most three stories in a message, header first: enough
    structure to test how the worker maps messages back to outbox rows."""
    lines = [f"# {header}"] if header else []
    messages: list[OutgoingMessage] = []
    for index, story in enumerate(stories):
        if index and index % 3 == 0:
            messages.append(OutgoingMessage(text="\n".join(lines)))
            lines = []
        lines.append(f"[{story.article_id}] {story.title}")
    if lines:
        messages.append(OutgoingMessage(text="\n".join(lines)))
    return messages


def database_at_revision(url: str, revision: str, *statements: str) -> None:
    """Bring the database at `url` to the Alembic schema `revision` (not the newest) and
    run `statements` in it: what an older version of the bot left behind, for a test
    that `SqlStorage.from_url` migrates it."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine

    from digest.database import MIGRATIONS

    engine = create_engine(url)
    try:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, revision)
            for statement in statements:
                conn.exec_driver_sql(statement)
    finally:
        engine.dispose()
