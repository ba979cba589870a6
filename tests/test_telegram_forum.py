"""Telegram forum topics end to end: python-telegram-bot against tests/fake_telegram.py,
the real CommandService, DeliveryPlanner and DeliveryWorker on SQLite.

A topic of a forum supergroup is a subscription target of its own (bot.telegram.forum):
commands typed in it change it, stories go into it, a deleted or closed topic pauses it
alone and the group's General topic is told."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from bot.chat import OutgoingMessage
from bot.delivery import TELEGRAM_LIMITS, DeliveryPlanner, DeliveryWorker, RateLimit, RateLimiter
from bot.telegram.sender import TelegramSender, make_bot
from digest.clock import FakeClock, SystemClock
from digest.errors import ChatNotFound
from digest.models import ChatKind, ChatRef, ChatSettings, DeliveryMode, Platform
from digest.storage import SqlStorage
from tests.fake_telegram import FakeTelegram, SentMessage
from tests.test_telegram import (
    ALICE,
    BOB,
    GROUP,
    START,
    TOKEN,
    World,
    add_article,
    open_world,
    populate,
    relaxed_fake_limits,
    visible,
)

AI_TOPIC = 42
PHONES_TOPIC = 43


def topic(thread_id: int) -> ChatRef:
    return ChatRef(Platform.TELEGRAM, str(GROUP), ChatKind.GROUP, thread_id)


GROUP_REF = ChatRef(Platform.TELEGRAM, str(GROUP), ChatKind.GROUP)


async def ask_in(
    world: World, thread_id: int | None, text: str, *, user: int = ALICE
) -> list[SentMessage]:
    """Alice (an admin) types a command in a topic of the forum group (None: General)."""
    before = len(world.server.messages_to(GROUP))
    handled = world.bot.commands_handled
    world.server.push_command(GROUP, user, text, thread_id=thread_id)
    await world.server.wait_until(lambda: world.bot.commands_handled > handled)
    return world.server.messages_to(GROUP)[before:]


def forum(fake: FakeTelegram) -> None:
    populate(fake)
    fake.add_topic(GROUP, AI_TOPIC, "الذكاء الاصطناعي")
    fake.add_topic(GROUP, PHONES_TOPIC, "Phones")
    fake.set_member(GROUP, ALICE, "administrator")
    fake.set_member(GROUP, BOB, "member")


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    relaxed = RateLimiter(
        replace(TELEGRAM_LIMITS, group=RateLimit(1000, 60.0), private=RateLimit(100, 1.0)),
        SystemClock(),
    )
    async with FakeTelegram(TOKEN, limits=relaxed_fake_limits()) as fake:
        forum(fake)
        async with open_world(fake, tmp_path / "bot.db", limiter=relaxed) as opened:
            yield opened


def worker(world: World) -> DeliveryWorker:
    return DeliveryWorker(
        world.storage,
        {Platform.TELEGRAM: world.bot.route},
        world.clock,
        on_pause=world.bot.on_pause,
    )


async def test_commands_typed_in_a_topic_change_that_topic_only(world: World) -> None:
    replies = await ask_in(world, AI_TOPIC, "/subscribe ai")
    await ask_in(world, PHONES_TOPIC, "/subscribe phones")
    await ask_in(world, PHONES_TOPIC, "/schedule 08:00 Asia/Riyadh")
    assert {m.message_thread_id for m in replies} == {AI_TOPIC}  # answered in the topic
    ai, phones = world.storage.get_chat(topic(AI_TOPIC)), world.storage.get_chat(topic(42 + 1))
    assert ai.topics == {"ai"} and ai.mode is DeliveryMode.INSTANT
    assert phones.topics == {"phones"}
    assert (phones.mode, phones.schedule_time) == (DeliveryMode.SCHEDULED, "08:00")
    assert ai.title == "الذكاء الاصطناعي"  # the topic's name, from Telegram's update
    assert not world.storage.has_chat(GROUP_REF)  # General (the group) is untouched
    # Changing a topic is for the group's admins, as changing the group.
    refused = await ask_in(world, AI_TOPIC, "/unsubscribe ai", user=BOB)
    assert [m.message_thread_id for m in refused] == [AI_TOPIC]
    assert world.storage.get_chat(topic(AI_TOPIC)).topics == {"ai"}
    mysubs = visible(await ask_in(world, AI_TOPIC, "/mysubs"))
    assert "الذكاء الاصطناعي" in mysubs and "phones" not in mysubs.casefold()


async def test_stories_and_digests_are_posted_into_their_topics(world: World) -> None:
    await ask_in(world, AI_TOPIC, "/subscribe ai")
    await ask_in(world, PHONES_TOPIC, "/subscribe phones")
    await ask_in(world, None, "/subscribe security")  # General: the group itself
    ai = add_article(world.storage, 1, topics=("ai",))
    phones = add_article(world.storage, 2, topics=("phones",))
    before = len(world.server.messages_to(GROUP))
    queued = DeliveryPlanner(world.storage, world.clock).enqueue_instant([ai, phones])
    assert queued == 2
    report = await worker(world).drain()
    assert report.sent == 2
    posts = world.server.messages_to(GROUP)[before:]
    where = {m.message_thread_id: visible([m]) for m in posts}
    assert set(where) == {AI_TOPIC, PHONES_TOPIC}
    assert "خبر رقم 1 " in where[AI_TOPIC] and "خبر رقم 2 " in where[PHONES_TOPIC]
    assert world.storage.was_delivered(topic(AI_TOPIC), ai.id)
    assert not world.storage.was_delivered(GROUP_REF, ai.id)
    # A scheduled topic gets its digest in the topic.
    await ask_in(world, AI_TOPIC, "/schedule 07:00")
    add_article(world.storage, 3, topics=("ai",), at=world.clock.now())
    world.clock.advance(timedelta(hours=2))
    assert DeliveryPlanner(world.storage, world.clock).enqueue_due_digests() == 1
    before = len(world.server.messages_to(GROUP))
    await worker(world).drain()
    digest = world.server.messages_to(GROUP)[before:]
    assert digest and {m.message_thread_id for m in digest} == {AI_TOPIC}
    assert "خبر رقم 3 " in visible(digest) and "خبر رقم 1 " not in visible(digest)


@pytest.mark.parametrize(
    ("state", "reason_en"),
    [("closed", "the topic was closed"), ("deleted", "the topic was deleted")],
)
async def test_a_closed_or_deleted_topic_pauses_only_itself_and_general_is_told(
    world: World, state: str, reason_en: str
) -> None:
    await ask_in(world, AI_TOPIC, "/subscribe ai")
    await ask_in(world, AI_TOPIC, "/lang en")
    await ask_in(world, PHONES_TOPIC, "/subscribe ai")
    await ask_in(world, None, "/subscribe ai")
    world.server.set_topic_state(GROUP, AI_TOPIC, state)
    first, second = add_article(world.storage, 1), add_article(world.storage, 2)
    before = len(world.server.messages_to(GROUP))
    DeliveryPlanner(world.storage, world.clock).enqueue_instant([first, second])
    report = await worker(world).drain()
    assert report.paused_chats == 1
    paused = world.storage.get_chat(topic(AI_TOPIC))
    assert paused.paused_reason is not None
    assert world.storage.get_chat(topic(PHONES_TOPIC)).paused_reason is None
    assert world.storage.get_chat(GROUP_REF).paused_reason is None
    posts = world.server.messages_to(GROUP)[before:]
    # The other topic and General got both stories; General also got the notice.
    assert sum(m.message_thread_id == PHONES_TOPIC for m in posts) == 2
    general = [visible([m]) for m in posts if m.message_thread_id is None]
    notices = [text for text in general if "⚠️" in text]
    assert len(general) == 3 and len(notices) == 1
    assert "«الذكاء الاصطناعي» (#42)" in notices[0] and reason_en in notices[0]
    assert "/subscribe" in notices[0]
    # Reopened, a command typed in the topic resumes it; nothing else was touched.
    world.server.set_topic_state(GROUP, AI_TOPIC, "open")
    if state == "closed":
        await ask_in(world, AI_TOPIC, "/subscribe ai")
        assert world.storage.get_chat(topic(AI_TOPIC)).paused_reason is None


async def test_removing_the_bot_pauses_the_group_and_its_topics(world: World) -> None:
    await ask_in(world, AI_TOPIC, "/subscribe ai")
    await ask_in(world, PHONES_TOPIC, "/subscribe phones")
    world.server.push_bot_status(GROUP, "kicked", by_user=ALICE)
    await world.server.wait_until(
        lambda: all(
            world.storage.get_chat(topic(t)).paused_reason for t in (AI_TOPIC, PHONES_TOPIC)
        )
    )
    world.server.push_bot_status(GROUP, "member", by_user=ALICE)
    await world.server.wait_until(
        lambda: (
            not any(
                world.storage.get_chat(topic(t)).paused_reason for t in (AI_TOPIC, PHONES_TOPIC)
            )
        )
    )


async def test_topic_errors_are_a_paused_target_not_a_rejected_message(
    world: World,
) -> None:
    bot = make_bot(TOKEN, world.server.api_url, read_timeout=2.0)
    async with bot:
        sender = TelegramSender(bot)
        world.server.set_topic_state(GROUP, AI_TOPIC, "closed")
        with pytest.raises(ChatNotFound, match=r"(?i)topic_closed"):
            await sender.send(topic(AI_TOPIC), _text("x"))
        world.server.set_topic_state(GROUP, AI_TOPIC, "deleted")
        with pytest.raises(ChatNotFound, match=r"(?i)message thread not found"):
            await sender.send(topic(AI_TOPIC), _text("x"))
        with pytest.raises(ChatNotFound, match=r"(?i)message thread not found"):
            await sender.send(topic(999), _text("x"))
        await sender.send(topic(PHONES_TOPIC), _text("ok"))
    assert world.server.messages[-1].message_thread_id == PHONES_TOPIC


def _text(text: str) -> OutgoingMessage:
    return OutgoingMessage(text=text)


def test_a_topic_is_its_own_settings_row_beside_the_group(tmp_path: Path) -> None:
    storage = SqlStorage.from_url(f"sqlite:///{tmp_path / 'k.db'}")
    try:
        storage.save_chat(ChatSettings(chat=GROUP_REF, topics=frozenset({"security"})))
        storage.save_chat(ChatSettings(chat=topic(AI_TOPIC), topics=frozenset({"ai"})))
        rows = {s.chat: s.topics for s in storage.get_chats()}
        assert rows == {GROUP_REF: {"security"}, topic(AI_TOPIC): {"ai"}}
        story = add_article(storage, 7).id
        assert storage.enqueue(topic(AI_TOPIC), [story], due_at=START) == 1
        assert storage.enqueue(GROUP_REF, [story], due_at=START) == 1  # its own outbox row
        [row] = storage.pending_deliveries(now=START, limit=10, chat=topic(AI_TOPIC))
        assert row.chat == topic(AI_TOPIC)
        storage.pause_chat(topic(AI_TOPIC), "topic closed")
        assert [s.chat for s in storage.get_chats()] == [GROUP_REF]
        moved = storage.migrate_chat(topic(AI_TOPIC), "-1009")
        assert moved.thread_id == AI_TOPIC and moved.key == "-1009/42"
        assert storage.get_chat(moved).topics == {"ai"}
    finally:
        storage.close()


async def test_a_groups_topics_share_its_rate_limit() -> None:
    clock = FakeClock(START)
    limiter = RateLimiter(TELEGRAM_LIMITS, clock)
    for thread in range(20):  # 20 a minute to a group, whichever topics they go to
        assert limiter.chat_delay(topic(thread + 1)) == 0.0
        await limiter.acquire(topic(thread + 1))
        clock.advance(timedelta(seconds=0.1))
    assert limiter.chat_delay(GROUP_REF) > 50
    assert limiter.chat_delay(topic(77)) > 50


async def test_mysubs_in_general_lists_the_topics_with_their_own_subscriptions(
    world: World,
) -> None:
    await ask_in(world, AI_TOPIC, "/subscribe ai DeepSeek")
    await ask_in(world, PHONES_TOPIC, "/subscribe phones")
    await ask_in(world, None, "/lang en")
    text = visible(await ask_in(world, None, "/mysubs"))
    assert "topics with subscriptions of their own" in text
    assert "«الذكاء الاصطناعي» (#42): Artificial intelligence, DeepSeek" in text
    assert "«Phones» (#43):" in text
    # Inside a topic, /mysubs is about that topic only.
    inside = visible(await ask_in(world, PHONES_TOPIC, "/mysubs"))
    assert "#42" not in inside and "DeepSeek" not in inside


async def test_a_new_topic_starts_with_its_groups_language_and_timezone(world: World) -> None:
    await ask_in(world, None, "/lang en")
    await ask_in(world, None, "/schedule 07:00 Asia/Riyadh")
    reply = visible(await ask_in(world, AI_TOPIC, "/subscribe ai"))
    assert "Artificial intelligence" in reply  # Alice's client is Arabic; the group is not
    ai = world.storage.get_chat(topic(AI_TOPIC))
    assert (ai.language, ai.timezone, ai.mode) == ("en", "Asia/Riyadh", DeliveryMode.INSTANT)
