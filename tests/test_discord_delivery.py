"""Discord delivery through the real DeliveryWorker, SQLite outbox and DiscordSender against
the fake Discord: a deleted webhook, the message nonce that closes the crash window, and the
log lines of pauses and dropped messages."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from dataclasses import replace
from pathlib import Path

import discord
import pytest

from bot.chat import OutgoingMessage
from bot.discord.app import DiscordBot
from bot.discord.sender import DiscordSender
from digest.clock import FakeClock
from digest.errors import MessageRejected
from digest.models import ChatKind, ChatRef, ChatSettings, Platform
from digest.storage import SqlStorage
from tests import test_discord as base
from tests.fake_discord import (
    ADMIN_USER_ID,
    CHANNEL_ID,
    LOCKED_CHANNEL_ID,
    OWNER_USER_ID,
    WEBHOOK_ID,
    WEBHOOK_URL,
    FakeDiscord,
)
from tests.test_discord import (
    CHAT,
    T0,
    Outbox,
    ProbeService,
    original_edits,
    run_command,
    seed,
    story_links,
)

# The fixtures of tests/test_discord.py (the fake Discord, a probe command service).
fake = base.fake
probe = base.probe

LOCKED = ChatRef(Platform.DISCORD, LOCKED_CHANNEL_ID, ChatKind.CHANNEL)
LOCKED_WEBHOOK_ID = "900000000000009003"
LOCKED_WEBHOOK_TOKEN = "v" * 68
LOCKED_WEBHOOK_URL = f"https://discord.com/api/webhooks/{LOCKED_WEBHOOK_ID}/{LOCKED_WEBHOOK_TOKEN}"


class Setup:
    """A started DiscordBot whose chat store and outbox share one SQLite file."""

    def __init__(self, bot: DiscordBot, store: SqlStorage, outbox: Outbox) -> None:
        self.bot = bot
        self.store = store
        self.outbox = outbox


@pytest.fixture
async def setup(fake: FakeDiscord, probe: ProbeService, tmp_path: Path) -> AsyncIterator[Setup]:
    db_url = f"sqlite:///{tmp_path / 'd.db'}"
    store = SqlStorage.from_url(db_url)
    bot = DiscordBot(
        fake.token,
        probe,
        chat_store=store,
        guild_ready_timeout=0.05,
        logger=logging.getLogger("newsdigest.discord"),
    )
    await bot.start(ready_timeout=20)
    outbox = Outbox(db_url, bot.sender, FakeClock(T0), on_pause=bot.on_pause, route=bot.route)
    try:
        yield Setup(bot, store, outbox)
    finally:
        await bot.stop()
        outbox.storage.close()
        store.close()


def warnings_about(caplog: pytest.LogCaptureFixture, channel_id: str) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.levelno >= logging.WARNING and channel_id in r.getMessage()
    ]


# --- a deleted webhook ---------------------------------------------------------------


async def test_deleted_webhook_is_dropped_and_the_bot_posts_the_stories_itself(
    fake: FakeDiscord, setup: Setup, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    storage = setup.outbox.storage
    ids = seed(storage, 3)
    storage.save_chat(replace(storage.get_chat(CHAT), webhook_url=WEBHOOK_URL, language="en"))
    setup.outbox.queue(CHAT, ids[:1])
    await setup.outbox.worker.drain()
    assert len(fake.webhook_messages) == 1  # the webhook works at first

    fake.delete_webhook(WEBHOOK_ID)  # an admin deletes it in the channel's settings
    setup.outbox.queue(CHAT, ids[1:])
    report = await setup.outbox.worker.drain()

    assert (report.sent, report.failed, report.paused_chats) == (2, 0, 0)
    assert sorted(story_links(fake, CHANNEL_ID)) == ["https://t.example/1", "https://t.example/2"]
    after = storage.get_chat(CHAT)
    assert after.webhook_url is None and after.paused_reason is None
    assert storage.count_pending() == 0
    # Discord was asked through the dead webhook once; the second story went to the bot directly.
    dead = [r for r in fake.requests if f"/webhooks/{WEBHOOK_ID}/" in r.path and r.status == 404]
    assert len(dead) == 1
    ((dm_id, owner),) = fake.dm_channels.items()  # the server has no system channel
    assert owner == OWNER_USER_ID
    (notice,) = fake.messages[dm_id]
    assert f"<#{CHANNEL_ID}>" in notice["content"] and "deleted" in notice["content"]
    assert "/news webhook" in notice["content"]
    (logged,) = warnings_about(caplog, CHANNEL_ID)
    assert "10015" in logged and "/news webhook" in logged


async def test_deleted_webhook_where_the_bot_may_not_post_asks_for_a_new_webhook(
    fake: FakeDiscord, setup: Setup, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    fake.known_webhooks[LOCKED_WEBHOOK_ID] = {
        "token": LOCKED_WEBHOOK_TOKEN,
        "channel_id": LOCKED_CHANNEL_ID,
        "name": "News",
    }
    storage = setup.outbox.storage
    ids = seed(storage, 2)
    storage.save_chat(
        ChatSettings(
            chat=LOCKED, topics=frozenset({"ai"}), language="en", webhook_url=LOCKED_WEBHOOK_URL
        )
    )
    fake.delete_webhook(LOCKED_WEBHOOK_ID)
    setup.outbox.queue(LOCKED, ids)
    report = await setup.outbox.worker.drain()

    assert report.paused_chats == 1
    paused = storage.get_chat(LOCKED)
    assert paused.paused_reason is not None and "webhook deleted" in paused.paused_reason
    ((dm_id, owner),) = fake.dm_channels.items()
    assert owner == OWNER_USER_ID
    (notice,) = fake.messages[dm_id]
    assert "/news webhook off" in notice["content"] and "new webhook" in notice["content"]
    assert "/news subscribe" not in notice["content"]  # it would only fail again
    (logged,) = [m for m in warnings_about(caplog, LOCKED_CHANNEL_ID) if "paused channel" in m]
    assert "resumes" in logged and "/news webhook off" in logged and "403" in logged

    # The admin answers with /news webhook off in that channel: the channel resumes.
    interaction_id, _ = await run_command(
        fake, "webhook", {"url": "off"}, user_id=ADMIN_USER_ID, channel_id=LOCKED_CHANNEL_ID
    )
    answer = (await original_edits(fake, interaction_id))[0]["content"]
    assert "resumed" in answer
    assert storage.get_chat(LOCKED).paused_reason is None


async def test_setting_a_new_webhook_resumes_a_paused_channel(
    fake: FakeDiscord, setup: Setup
) -> None:
    setup.store.save_chat(ChatSettings(chat=CHAT, paused_reason="webhook deleted (404)"))
    interaction_id, _ = await run_command(
        fake, "webhook", {"url": WEBHOOK_URL}, user_id=ADMIN_USER_ID
    )
    answer = (await original_edits(fake, interaction_id))[0]["content"]
    assert "resumed" in answer
    after = setup.store.get_chat(CHAT)
    assert after.paused_reason is None and after.webhook_url == WEBHOOK_URL


# --- the crash window: a message nonce -----------------------------------------------


class KilledAfterSend(BaseException):
    """The process dies right after Discord accepted a message, before its outbox row is
    marked sent (what SIGKILL does at the worst moment)."""


class DiesAfterFirstSend:
    """A ChatSender that sends through the real DiscordSender, then 'dies'."""

    def __init__(self, inner: DiscordSender) -> None:
        self.inner = inner

    async def send(self, chat: ChatRef, message: OutgoingMessage) -> str:
        await self.inner.send(chat, message)
        raise KilledAfterSend


async def test_a_message_resent_after_a_crash_is_not_posted_twice(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    db_url = f"sqlite:///{tmp_path / 'crash.db'}"
    clock = FakeClock(T0)
    first = discord.Client(intents=discord.Intents(guilds=True))
    await first.login(fake.token)
    try:
        outbox = Outbox(db_url, DiesAfterFirstSend(DiscordSender(first)), clock)  # type: ignore[arg-type]
        ids = seed(outbox.storage, 2)
        outbox.queue(CHAT, ids)
        with pytest.raises(KilledAfterSend):
            await outbox.worker.drain()
        assert len(story_links(fake, CHANNEL_ID)) == 1  # Discord has it, the row is pending
        assert outbox.storage.count_pending() == 2
        outbox.storage.close()
    finally:
        await first.close()

    second = discord.Client(intents=discord.Intents(guilds=True))  # the restarted process
    await second.login(fake.token)
    try:
        restarted = Outbox(db_url, DiscordSender(second), clock)
        report = await restarted.worker.drain()
        assert report.sent == 2 and restarted.storage.count_pending() == 0
        restarted.storage.close()
    finally:
        await second.close()
    assert sorted(story_links(fake, CHANNEL_ID)) == sorted(
        f"https://t.example/{i}" for i in range(2)
    )  # each once
    posts = fake.requests_to("POST", rf"/channels/{CHANNEL_ID}/messages")
    nonces: Sequence[str] = [p.body["nonce"] for p in posts]
    assert len(posts) == 3 and nonces[0] == nonces[1] != nonces[2]
    assert all(p.body["enforce_nonce"] is True and len(p.body["nonce"]) <= 25 for p in posts)


async def test_fake_discord_keeps_nonces_only_for_its_window(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    """The fake's dedupe is Discord's: same nonce within the window = the same message;
    after the window a new message (so the crash test above proves the nonce is stable)."""
    client = discord.Client(intents=discord.Intents(guilds=True))
    await client.login(fake.token)
    try:
        sender = DiscordSender(client)
        message = OutgoingMessage(text="x", dedupe_key="k")
        first = await sender.send(CHAT, message)
        assert await sender.send(CHAT, message) == first
        fake.nonce_window = 0.0
        assert await sender.send(CHAT, message) != first
        await sender.send(CHAT, OutgoingMessage(text="no key"))
        await sender.send(CHAT, OutgoingMessage(text="no key"))
    finally:
        await client.close()
    assert [m["content"] for m in fake.messages[CHANNEL_ID]] == ["x", "x", "no key", "no key"]


# --- log lines of dropped messages -----------------------------------------------------


async def test_a_rejected_message_is_logged_once_with_channel_and_reason(
    fake: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    client = discord.Client(intents=discord.Intents(guilds=True))
    await client.login(fake.token)
    try:
        sender = DiscordSender(client, logger=logging.getLogger("newsdigest.discord"))
        with pytest.raises(MessageRejected):
            await sender.send(CHAT, OutgoingMessage(embeds=[{"title": "t" * 300}]))
    finally:
        await client.close()
    (logged,) = warnings_about(caplog, CHANNEL_ID)
    assert "rejected" in logged and "50035" in logged


async def test_a_webhook_token_discord_rejects_counts_as_a_dead_webhook(
    fake: FakeDiscord, setup: Setup
) -> None:
    """401 Invalid Webhook Token (50027) is the webhook's fault, not the bot token's: the
    story goes out from the bot, and /news webhook refuses that URL as unknown."""
    storage = setup.outbox.storage
    ids = seed(storage, 1)
    storage.save_chat(replace(storage.get_chat(CHAT), webhook_url=WEBHOOK_URL))
    webhook_path = rf"/webhooks/{WEBHOOK_ID}/\w+"
    fake.fail("POST", webhook_path, 401, code=50027, message="Invalid Webhook Token")
    setup.outbox.queue(CHAT, ids)
    report = await setup.outbox.worker.drain()
    assert report.sent == 1 and story_links(fake, CHANNEL_ID) == ["https://t.example/0"]
    assert storage.get_chat(CHAT).webhook_url is None

    fake.fail("GET", webhook_path, 401, code=50027, message="Invalid Webhook Token")
    interaction_id, _ = await run_command(
        fake, "webhook", {"url": WEBHOOK_URL}, user_id=ADMIN_USER_ID
    )
    answer = (await original_edits(fake, interaction_id))[0]["content"]
    assert "does not know that webhook" in answer
