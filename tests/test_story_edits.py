"""A story posted once gains the sources that report it later, by editing the sent message
(issue #14): the planner queues an edit row per chat, the DeliveryWorker edits the message
through the real python-telegram-bot / discord.py against the loopback fakes, and nothing
is ever posted twice. Edits that cannot be made are dropped without touching the post."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import discord
import pytest

from bot.chat import OutgoingMessage
from bot.delivery import (
    DISCORD_LIMITS,
    TELEGRAM_LIMITS,
    DeliveryPlanner,
    DeliveryWorker,
    PlatformRoute,
    RateLimiter,
    discord_renderer,
    telegram_renderer,
)
from bot.discord.sender import DiscordSender, WebhookTarget
from bot.settings import DEFAULT_CONFIG_DIR
from bot.story_edits import EditLimits, edit_chats, edit_decision
from bot.telegram.sender import TelegramSender, make_bot
from digest.clock import FakeClock
from digest.cluster import StoryClusterer
from digest.models import (
    ChatKind,
    ChatRef,
    ChatSettings,
    Delivery,
    DeliveryAction,
    DeliveryMode,
    DeliveryState,
    FeedConfig,
    Platform,
    SentMessage,
)
from digest.pipeline import Pipeline, PipelineSettings
from digest.storage import SqlStorage
from digest.summarize import ExtractiveSummarizer
from digest.topics import LexiconClassifier, TopicCatalog
from tests import test_discord as discord_base
from tests.fake_discord import CHANNEL_ID, WEBHOOK_URL, FakeDiscord
from tests.fake_telegram import FakeTelegram, RateLimits
from tests.fakes import FEED_URL, add_article, add_feed, tg
from tests.test_pipeline import FakeFetcher

fake = discord_base.fake  # the fake Discord fixture (points discord.py at it)
client = discord_base.client

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ALICE = 7001
OTHER_FEED = "https://other.example/rss"
THIRD_FEED = "https://third.example/rss"
IMAGE = "https://cdn.example/lead.jpg"


class World:
    """One SQLite outbox, a planner and a worker whose Telegram route is the real sender."""

    def __init__(
        self, storage: SqlStorage, routes: dict[Platform, PlatformRoute], clock: FakeClock
    ):
        self.storage = storage
        self.clock = clock
        self.planner = DeliveryPlanner(storage, clock, platforms=tuple(routes))
        self.worker = DeliveryWorker(storage, routes, clock, random=lambda: 0.5, sleep=self.sleep)

    async def sleep(self, seconds: float) -> None:  # pacing waits in the fake clock's time
        self.clock.advance(timedelta(seconds=seconds))

    def story(
        self, title: str, feed_url: str = FEED_URL, *, joins: int | None = None, **kw: object
    ) -> int:
        """Store a report as the pipeline places it: a new story, or one joining `joins`."""
        article_id = add_article(
            self.storage,
            title,
            at=self.clock.now(),
            topics=("ai",),
            feed_url=feed_url,
            **kw,  # type: ignore[arg-type]
        )
        self.storage.set_placement(
            article_id, cluster_id=joins or article_id, announce=joins is None
        )
        return article_id

    def plan(self, *article_ids: int) -> int:
        return self.planner.enqueue_article_ids(article_ids)


def named_sources(text: str) -> set[str]:
    """The outlets a post's «المصادر: …» / «المصدر: …» line names."""
    for line in text.splitlines():
        head, sep, rest = line.partition(": ")
        if sep and head.strip("\u200f") in ("المصادر", "المصدر"):
            return {name.strip() for name in rest.split(" · ")[0].split("، ")}
    return set()


def storage_with_feeds() -> SqlStorage:
    storage = SqlStorage.from_url("sqlite:///:memory:")
    add_feed(storage, FEED_URL, "تقنية اليوم")
    add_feed(storage, OTHER_FEED, "عالم التقنية")
    add_feed(storage, THIRD_FEED, "البوابة")
    return storage


@pytest.fixture
async def telegram() -> AsyncIterator[tuple[FakeTelegram, World]]:
    # The worker paces in the fake clock's time, the fake server counts real time: its
    # per-chat limit is lifted so that a post and its edit a "fake hour" apart pass.
    limits = RateLimits(private_per_second=100)
    async with FakeTelegram("6666:EDITS-test-token-abcdefghijklmnopq", limits=limits) as server:
        server.add_user(ALICE, language_code="ar")
        server.add_chat(ALICE, "private")
        async with make_bot(server.token, server.api_url, read_timeout=2.0) as bot:
            clock = FakeClock(T0)
            world = World(storage_with_feeds(), {}, clock)
            limiter = RateLimiter(TELEGRAM_LIMITS, clock, world.sleep)
            route = PlatformRoute(TelegramSender(bot), telegram_renderer, limiter)
            world = World(world.storage, {Platform.TELEGRAM: route}, clock)
            world.storage.save_chat(ChatSettings(tg(str(ALICE)), topics=frozenset({"ai"})))
            yield server, world
            world.storage.close()


async def test_a_further_outlet_edits_the_sent_post_instead_of_posting_again(
    telegram: tuple[FakeTelegram, World],
) -> None:
    server, world = telegram
    first = world.story("آبل تعلن هاتفها الجديد")
    assert world.plan(first) == 1
    assert (await world.worker.drain()).sent == 1
    (post,) = server.messages_to(ALICE)
    assert "المصدر: تقنية اليوم" in post.plain_text

    world.clock.advance(timedelta(hours=2))
    second = world.story("هاتف آبل الجديد رسميًا", OTHER_FEED, joins=first)
    assert world.plan(second) == 1  # one edit row, no post
    report = await world.worker.drain()
    assert report.sent == 1 and report.failed == 0
    (edited,) = server.messages_to(ALICE)  # still one message: edited, not posted again
    assert edited.message_id == post.message_id
    assert "المصادر: تقنية اليوم، عالم التقنية" in edited.plain_text
    assert [c.method for c in server.calls if c.method.startswith("edit")] == ["editMessageText"]

    # A third outlet: one more edit; the same report again: nothing (the outbox key).
    third = world.story("آبل تكشف الهاتف", THIRD_FEED, joins=first)
    assert world.plan(third) == 1
    assert world.plan(second, third) == 0
    await world.worker.drain()
    (final,) = server.messages_to(ALICE)
    assert "المصادر: تقنية اليوم، عالم التقنية، البوابة" in final.plain_text
    assert len(server.edits) == 2
    assert (await world.worker.drain()).handled == 0


async def test_a_report_arriving_before_the_post_went_out_is_named_in_it(
    telegram: tuple[FakeTelegram, World],
) -> None:
    server, world = telegram
    first = world.story("إنفيديا تكشف شريحة")
    world.plan(first)
    second = world.story("شريحة إنفيديا الجديدة", OTHER_FEED, joins=first)
    world.plan(second)  # the edit row waits for the post, which is built with both
    report = await world.worker.drain()
    assert report.failed == 0
    (post,) = server.messages_to(ALICE)
    assert named_sources(post.plain_text) == {"تقنية اليوم", "عالم التقنية"}
    assert server.edits == []  # the edit found the text already there ("not modified")
    rows = world.storage.story_posts([first, second])
    assert [(d.article_id, d.state) for d, _ in rows] == [(first, DeliveryState.SENT)]


async def test_a_photo_post_gets_its_caption_edited(telegram: tuple[FakeTelegram, World]) -> None:
    server, world = telegram
    first = world.story("سامسونج تطلق جهازًا", image_url=IMAGE)
    world.plan(first)
    await world.worker.drain()
    (post,) = server.messages_to(ALICE)
    assert post.photo == IMAGE
    second = world.story("جهاز سامسونج الجديد", OTHER_FEED, joins=first)
    world.plan(second)
    await world.worker.drain()
    (edited,) = server.messages_to(ALICE)
    assert edited.photo == IMAGE and "عالم التقنية" in edited.plain_text
    assert [c.method for c in server.calls if c.method.startswith("edit")] == ["editMessageCaption"]


async def test_an_edit_that_fails_for_good_is_dropped_and_nothing_else_breaks(
    telegram: tuple[FakeTelegram, World],
) -> None:
    server, world = telegram
    first = world.story("غوغل تحدّث محركها")
    world.plan(first)
    await world.worker.drain()
    (post,) = server.messages_to(ALICE)
    server.deleted_messages.add(post.message_id)  # deleted by an admin meanwhile
    world.plan(world.story("تحديث محرك غوغل", OTHER_FEED, joins=first))
    news = world.story("خبر آخر تمامًا")
    world.plan(news)
    report = await world.worker.drain()
    assert report.sent == 1 and report.failed == 1  # the new story went out
    assert len(server.messages_to(ALICE)) == 2 and server.edits == []
    (failed,) = [d for d, _ in world.storage.story_posts([first]) if d.state is DeliveryState.SENT]
    assert failed.article_id == first  # the post itself stays sent
    assert world.storage.get_chat(tg(str(ALICE))).paused_reason is None


async def test_posts_in_a_digest_and_old_posts_are_not_edited(
    telegram: tuple[FakeTelegram, World],
) -> None:
    server, world = telegram
    first = world.story("مايكروسوفت تعلن")
    world.plan(first)
    await world.worker.drain()
    world.clock.advance(timedelta(hours=49))  # past the 48-hour edit window
    assert world.plan(world.story("إعلان مايكروسوفت", OTHER_FEED, joins=first)) == 0

    digest_chat = tg("7002")
    server.add_chat(7002, "private")
    world.storage.save_chat(
        ChatSettings(digest_chat, mode=DeliveryMode.SCHEDULED, schedule_time="08:00")
    )
    a, b = world.story("خبر أول"), world.story("خبر ثانٍ")
    world.storage.enqueue(digest_chat, [a, b], due_at=world.clock.now())
    await world.worker.drain()
    assert world.plan(world.story("الخبر الأول مرة أخرى", OTHER_FEED, joins=a)) == 0
    # A digest of a single story is one message too, but with the digest's header.
    c = world.story("خبر وحيد")
    world.storage.enqueue(digest_chat, [c], due_at=world.clock.now())
    await world.worker.drain()
    assert world.plan(world.story("الخبر الوحيد مرة أخرى", OTHER_FEED, joins=c)) == 0
    assert server.edits == []


class RecordingSender:
    """Records when each send and edit happens, in the fake clock's time."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.events: list[tuple[str, datetime]] = []

    async def send(self, chat: ChatRef, message: OutgoingMessage) -> str:
        self.events.append(("send", self.clock.now()))
        return str(len(self.events))

    async def edit(
        self, chat: ChatRef, message_id: str, message: OutgoingMessage, *, photo: bool = False
    ) -> None:
        self.events.append(("edit", self.clock.now()))


class PostOnlySender:
    async def send(self, chat: ChatRef, message: OutgoingMessage) -> str:
        return "1"


def recording_world(sender: object) -> World:
    clock = FakeClock(T0)
    world = World(storage_with_feeds(), {}, clock)
    limiter = RateLimiter(TELEGRAM_LIMITS, clock, world.sleep)
    route = PlatformRoute(sender, telegram_renderer, limiter)  # type: ignore[arg-type]
    world = World(world.storage, {Platform.TELEGRAM: route}, clock)
    world.storage.save_chat(ChatSettings(tg("1")))
    return world


async def test_edits_are_paced_with_sends() -> None:
    clock_holder = FakeClock(T0)
    sender = RecordingSender(clock_holder)
    world = recording_world(sender)
    sender.clock = world.clock
    first = world.story("خبر")
    world.plan(first)
    await world.worker.drain()
    world.plan(world.story("الخبر نفسه", OTHER_FEED, joins=first))
    await world.worker.drain()
    (send, at_send), (edit, at_edit) = sender.events
    assert (send, edit) == ("send", "edit")
    assert at_edit - at_send >= timedelta(seconds=1)  # Telegram: 1 message/s per private chat
    world.storage.close()


async def test_a_platform_that_cannot_edit_drops_the_edit_only() -> None:
    world = recording_world(PostOnlySender())
    first = world.story("خبر")
    world.plan(first)
    world.plan(world.story("الخبر نفسه", OTHER_FEED, joins=first))
    report = await world.worker.drain()
    assert (report.sent, report.failed) == (1, 1)
    with world.storage.engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT action, state, last_error FROM deliveries").all()
    assert sorted((r[0], r[1]) for r in rows) == [("edit", "failed"), ("post", "sent")]
    world.storage.close()


def delivery(state: DeliveryState, article_id: int = 1, chat: str = "1") -> Delivery:
    return Delivery(
        id=article_id,
        chat=tg(chat),
        article_id=article_id,
        state=state,
        created_at=T0,
        due_at=T0,
    )


def sent(alone: bool = True, at: datetime = T0) -> SentMessage:
    return SentMessage(delivery_id=1, message_id="5", sent_at=at, alone=alone, photo=False)


def test_edit_decisions() -> None:
    window = EditLimits().window
    now = T0 + timedelta(hours=1)
    posted = (delivery(DeliveryState.SENT), sent())
    assert edit_chats(9, [posted], now, window) == [tg("1")]
    assert edit_chats(9, [(delivery(DeliveryState.SENT), sent(alone=False))], now, window) == []
    assert edit_chats(9, [(delivery(DeliveryState.FAILED), None)], now, window) == []
    assert edit_chats(9, [(delivery(DeliveryState.PENDING), None)], now, window) == [tg("1")]
    late = T0 + timedelta(hours=48, seconds=1)
    assert edit_chats(9, [posted], late, window) == []
    assert edit_decision([posted], now, window).kind == "edit"
    assert edit_decision([(delivery(DeliveryState.PENDING), None)], now, window).kind == "wait"
    assert edit_decision([], now, window).kind == "drop"
    assert edit_decision([(delivery(DeliveryState.SENT), None)], now, window).kind == "drop"


# --- Discord --------------------------------------------------------------------------


def discord_world(sender: DiscordSender) -> World:
    clock = FakeClock(T0)
    storage = storage_with_feeds()
    world = World(storage, {}, clock)
    limiter = RateLimiter(DISCORD_LIMITS, clock, world.sleep)
    route = PlatformRoute(sender, discord_renderer(), limiter)
    world = World(storage, {Platform.DISCORD: route}, clock)
    storage.save_chat(
        ChatSettings(ChatRef(Platform.DISCORD, CHANNEL_ID, ChatKind.CHANNEL), language="ar")
    )
    return world


async def test_discord_bot_message_is_edited_to_name_the_new_source(
    fake: FakeDiscord, client: discord.Client
) -> None:
    world = discord_world(DiscordSender(client))
    first = world.story("آبل تعلن هاتفها الجديد")
    world.plan(first)
    await world.worker.drain()
    (message,) = fake.messages[CHANNEL_ID]
    assert "عالم التقنية" not in message["embeds"][0]["footer"]["text"]
    world.plan(world.story("هاتف آبل", OTHER_FEED, joins=first))
    report = await world.worker.drain()
    assert report.failed == 0
    (edit,) = fake.edits
    assert (edit["message_id"], edit["via"]) == (message["id"], "bot")
    (message,) = fake.messages[CHANNEL_ID]  # still one message
    assert "المصادر: تقنية اليوم، عالم التقنية" in message["embeds"][0]["footer"]["text"]
    world.storage.close()


async def test_discord_webhook_message_is_edited_through_its_webhook(fake: FakeDiscord) -> None:
    async def lookup(chat: ChatRef) -> WebhookTarget | None:
        return WebhookTarget(WEBHOOK_URL)

    sender = DiscordSender(None, webhooks=lookup)
    try:
        world = discord_world(sender)
        first = world.story("إنفيديا تكشف شريحة")
        world.plan(first)
        await world.worker.drain()
        (posted,) = fake.webhook_posts.values()
        world.plan(world.story("شريحة إنفيديا", OTHER_FEED, joins=first))
        await world.worker.drain()
        (edit,) = fake.edits
        assert edit["via"] != "bot" and edit["message_id"] == posted["id"]
        assert "عالم التقنية" in posted["embeds"][0]["footer"]["text"]
        rows = world.storage.pending_deliveries(now=world.clock.now(), limit=10)
        assert rows == []
        actions = {
            d.action for d, _ in world.storage.story_posts([first])
        }  # the post row stays a post
        assert actions == {DeliveryAction.POST}
        world.storage.close()
    finally:
        await sender.aclose()


SAMPLES = DEFAULT_CONFIG_DIR / "samples"
REWRITES = DEFAULT_CONFIG_DIR.parent / "tests" / "fixtures" / "stories" / "rewrites.xml"


async def test_pipeline_to_telegram_posts_each_story_once_and_edits_in_the_rewrite(
    telegram: tuple[FakeTelegram, World],
) -> None:
    """The whole path: the bundled seed feed, then a feed rewriting its story (and three
    stories of its own) polled by the real pipeline and clusterer, planned and sent to an
    instant chat: four posts, and the seed's post edited to name the second outlet."""
    server, world = telegram
    seed, rewrites = "https://seed.example/rss", "https://rewrites.example/rss"
    world.storage.sync_feeds(
        [FeedConfig(seed, name="نشرة البذرة"), FeedConfig(rewrites, name="منصة إعادة الصياغة")]
    )
    world.storage.save_chat(ChatSettings(tg(str(ALICE))))  # all technology
    fetcher = FakeFetcher()
    fetcher.serve(seed, (SAMPLES / "seed.xml").read_bytes())
    fetcher.serve(rewrites, REWRITES.read_bytes())
    pipeline = Pipeline(
        storage=world.storage,
        fetcher=fetcher,
        summarizer=ExtractiveSummarizer(),
        classifier=LexiconClassifier(TopicCatalog.load(DEFAULT_CONFIG_DIR / "topics.yaml")),
        clock=world.clock,
        settings=PipelineSettings(backlog_feeds=frozenset({seed, rewrites})),
        clusterer=StoryClusterer(window=timedelta(days=2)),
    )
    await pipeline.poll([seed], plan=world.planner.enqueue_article_ids)
    await world.worker.drain()
    (post,) = server.messages_to(ALICE)
    assert named_sources(post.plain_text) == {"نشرة البذرة"}
    await pipeline.poll([rewrites], plan=world.planner.enqueue_article_ids)
    report = await world.worker.drain()
    assert report.failed == 0
    messages = server.messages_to(ALICE)
    assert len(messages) == 4  # the DeepSeek rewrite was not posted again
    assert messages[0].message_id == post.message_id
    assert named_sources(messages[0].plain_text) == {"نشرة البذرة", "منصة إعادة الصياغة"}
    assert len(server.edits) == 1
