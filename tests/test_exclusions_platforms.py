"""/exclude and /include end to end (issue #17): typed in the real python-telegram-bot
and discord.py adapters against the loopback fakes, with the real CommandService on
SQLite, and the stories delivered (or not) by the real DeliveryWorker."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import discord
import pytest

import tests.test_discord as discord_tests
import tests.test_telegram as telegram_tests
from bot import i18n
from bot.delivery import DeliveryPlanner, DeliveryWorker
from bot.discord.app import DiscordBot
from digest.clock import FakeClock
from digest.models import ChatKind, ChatRef, Platform
from digest.storage import SqlStorage
from tests.fake_discord import ADMIN_USER_ID, CHANNEL_ID, MEMBER_USER_ID, FakeDiscord
from tests.fakes import add_article
from tests.test_discord import T0, original_edits, run_command
from tests.test_telegram import (
    ALICE,
    BOB,
    FEED_URL,
    GROUP,
    START,
    World,
    private,
    visible,
    worker_for,
)

# The adapters' fixtures, shared with their own test modules.
fake = discord_tests.fake
storage = discord_tests.storage
real_bot = discord_tests.real_bot
world = telegram_tests.world

DISCORD_CHAT = ChatRef(Platform.DISCORD, CHANNEL_ID, ChatKind.CHANNEL)


# --- Telegram --------------------------------------------------------------------------


async def test_telegram_exclusion_blocks_instant_posts_and_include_restores_them(
    world: World,
) -> None:
    await world.ask(ALICE, ALICE, "/subscribe ai")
    # "بيتكوين" names the topic crypto; "نتفليكس" is a keyword; then a pattern.
    reply = await world.ask_text(ALICE, ALICE, "/exclude بيتكوين نتفليكس /ايفون ?1[0-9]/")
    assert "العملات الرقمية" in reply and "نتفليكس" in reply and "/ايفون ?1[0-9]/" in reply
    settings = world.settings(ALICE)
    assert settings.excluded_topics == {"crypto"}
    assert settings.excluded_keywords == {"نتفليكس", "/ايفون ?1[0-9]/"}
    mysubs = await world.ask_text(ALICE, ALICE, "/mysubs")
    assert "المستبعد:" in mysubs and "العملات الرقمية" in mysubs

    planner = DeliveryPlanner(world.storage, world.clock)
    worker = worker_for(world)
    stories = (
        ("DeepSeek تطلق نموذجًا", ["ai"]),
        ("البيتكوين يرتفع", ["ai", "crypto"]),
        ("ونتفليكس تعتمد الذكاء الاصطناعي", ["ai"]),
        ("آيفون 16 يصل", ["ai"]),
    )
    ids = [
        add_article(world.storage, title, at=START, topics=topics, feed_url=FEED_URL)
        for title, topics in stories
    ]
    assert planner.enqueue_instant([world.storage.get_article(i) for i in ids]) == 1
    before = len(world.server.messages_to(ALICE))
    assert (await worker.drain()).sent == 1
    posted = visible(world.server.messages_to(ALICE)[before:])
    assert "DeepSeek تطلق نموذجًا" in posted
    assert all(title not in posted for title, _ in stories[1:])

    await world.ask(ALICE, ALICE, "/include all")
    world.clock.advance(timedelta(minutes=1))
    later = add_article(
        world.storage, "بيتكوين من جديد", at=world.clock.now(), topics=["ai"], feed_url=FEED_URL
    )
    assert planner.enqueue_instant([world.storage.get_article(later)]) == 1
    before = len(world.server.messages_to(ALICE))
    assert (await worker.drain()).sent == 1
    assert "بيتكوين من جديد" in visible(world.server.messages_to(ALICE)[before:])


async def test_telegram_bad_pattern_and_group_rights(world: World) -> None:
    arabic = await world.ask_text(ALICE, ALICE, "/exclude /(a/")
    assert arabic.startswith(i18n.t("bad_pattern", "ar", value="/(a/", reason="missing ): (a"))
    english = await world.ask_text(BOB, BOB, "/exclude /x{1001}/")
    assert english.startswith("The pattern /x{1001}/ is not valid: invalid repetition size")
    assert not world.storage.has_chat(private(ALICE))
    # A member of a group may not change what the group receives.
    world.server.set_member(GROUP, BOB, "member")
    refused = await world.ask_text(GROUP, BOB, "/exclude crypto")
    assert refused == i18n.t("admins_only", "en")
    group = ChatRef(Platform.TELEGRAM, str(GROUP), ChatKind.GROUP)
    assert not world.storage.has_chat(group)
    world.server.set_member(GROUP, BOB, "administrator")
    await world.ask(GROUP, BOB, "/exclude crypto")
    assert world.storage.get_chat(group).excluded_topics == {"crypto"}


# --- Discord ---------------------------------------------------------------------------


async def answer_text(fake: FakeDiscord, command: str, options: dict[str, Any], **kw: Any) -> str:
    interaction_id, first = await run_command(fake, command, options, **kw)
    if first["type"] == 5:
        return str((await original_edits(fake, interaction_id))[0]["content"])
    return str(first["data"]["content"])


async def test_discord_news_exclude_and_include(
    fake: FakeDiscord, real_bot: DiscordBot, storage: SqlStorage
) -> None:
    english = {"user_id": ADMIN_USER_ID, "locale": "en-US"}
    await run_command(fake, "subscribe", {"topic_or_keyword": "ai"}, **english)
    refused = await answer_text(
        fake, "exclude", {"topic_or_keyword": "crypto"}, user_id=MEMBER_USER_ID, locale="en-US"
    )
    assert refused == discord.utils.escape_markdown(i18n.t("admins_only_discord", "en"))
    assert storage.get_chat(DISCORD_CHAT).excluded_keywords == frozenset()

    bad = await answer_text(fake, "exclude", {"topic_or_keyword": "/(?=x)/"}, **english)
    assert "invalid perl operator: (?=" in bad
    await answer_text(fake, "exclude", {"topic_or_keyword": "crypto /bit ?coin/"}, **english)
    assert storage.get_chat(DISCORD_CHAT).excluded_keywords == {"crypto", "/bit ?coin/"}
    listing = await answer_text(fake, "subscriptions", {}, **english)
    assert "Excluded:" in listing and "crypto" in listing

    clock = FakeClock(T0)
    worker = DeliveryWorker(storage, {Platform.DISCORD: real_bot.route}, clock)
    planner = DeliveryPlanner(storage, clock)
    kept = add_article(
        storage, "DeepSeek تطلق نموذجًا", at=T0, topics=["ai"], url="https://t.example/1"
    )
    blocked = add_article(storage, "Bitcoin يرتفع", at=T0, topics=["ai"], url="https://t.example/2")
    assert planner.enqueue_instant([storage.get_article(i) for i in (kept, blocked)]) == 1
    assert (await worker.drain()).sent == 1
    links = [e.get("url") for m in fake.messages.get(CHANNEL_ID, []) for e in m["embeds"]]
    assert links == ["https://t.example/1"]

    await answer_text(fake, "include", {"topic_or_keyword": "/BIT ?COIN/"}, **english)
    assert storage.get_chat(DISCORD_CHAT).excluded_keywords == {"crypto"}


@pytest.mark.parametrize("command", ["exclude", "include"])
async def test_discord_subcommands_are_registered(
    fake: FakeDiscord, real_bot: DiscordBot, command: str
) -> None:
    (news,) = fake.synced_commands
    subcommand = {o["name"]: o for o in news["options"]}[command]
    assert subcommand["description"] == i18n.command_description(command, "ar")
    options = {o["name"]: o for o in subcommand["options"]}
    assert options["topic_or_keyword"]["required"] is True
    assert options["channel"]["required"] is False
