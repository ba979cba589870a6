"""Issue #16 on Discord: /news feed add|list|remove through discord.py against the
loopback fake, with the real CommandService and OwnFeeds (bootstrap's parts) and the
loopback feed site (see tests/test_own_feeds.py for the Telegram side)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import discord

from bot import i18n
from bot.bootstrap import bootstrap
from bot.commands import CommandService
from bot.discord.app import DiscordBot
from bot.runtime import build_own_feeds
from bot.settings import load_settings
from digest.format.bidi import strip_bidi_controls
from digest.models import ChatKind, ChatRef, Platform
from tests import test_discord
from tests.fake_discord import (
    ADMIN_USER_ID,
    CHANNEL_ID,
    MEMBER_USER_ID,
    SECOND_CHANNEL_ID,
    FakeDiscord,
)
from tests.feed_sites import Answer, feed_sites, forabi_feed
from tests.test_bootstrap import settings_file
from tests.test_own_feeds import FEED, FEED_TITLE, PAGE, page_linking

HERE = ChatRef(Platform.DISCORD, CHANNEL_ID, ChatKind.CHANNEL)
OTHER = ChatRef(Platform.DISCORD, SECOND_CHANNEL_ID, ChatKind.CHANNEL)


fake = test_discord.fake  # discord.py pointed at the fake, restored after the test


async def feed_command(
    fake: FakeDiscord, sub: str, options: dict[str, Any] | None = None, **kw: Any
) -> str:
    """Run /news feed <sub> and return what the user sees (deferred answers included)."""
    payload = fake.interaction_payload(sub, options, **kw)
    inner = payload["data"]["options"][0]
    payload["data"]["options"] = [{"name": "feed", "type": 2, "options": [inner]}]
    interaction_id = await fake.inject_interaction(payload)
    answers = await fake.interaction_answers(interaction_id)
    parts = []
    for answer in answers:
        parts.append(answer.get("content") or "")
        for embed in answer.get("embeds") or []:
            parts += [embed.get("title") or "", embed.get("description") or ""]
    return strip_bidi_controls("\n".join(parts))


async def test_feed_add_list_remove_on_discord(fake: FakeDiscord, tmp_path: Path) -> None:
    settings = load_settings(
        settings_file(
            tmp_path,
            "fetch:\n  allowed_hosts: ['127.0.0.1']\nown_feeds:\n  cooldown_seconds: 0\n",
        ),
        env={},
    )
    async with feed_sites() as sites:
        sites.serve(PAGE, Answer(page_linking("/blog.example/feed.xml"), "text/html"))
        sites.serve(FEED, Answer(forabi_feed(sites)))
        services = bootstrap(settings)
        service = CommandService(
            services.storage,
            services.catalog,
            services.pipeline.summarize_url,
            services.clock,
            stories=services.pipeline,
            own_feeds=build_own_feeds(services),
        )
        bot = DiscordBot(fake.token, service, guild_ready_timeout=0.05)
        await bot.start(ready_timeout=20)
        try:
            page = sites.local(PAGE)
            refused = await feed_command(fake, "add", {"url": page}, user_id=MEMBER_USER_ID)
            assert discord.utils.escape_markdown(i18n.t("admins_only_discord", "en")) in refused
            assert services.storage.get_chat_feeds(HERE) == []

            added = await feed_command(fake, "add", {"url": page}, user_id=ADMIN_USER_ID)
            assert FEED_TITLE in added and "Added" in added
            # another channel, picked with the channel option
            await feed_command(
                fake, "add", {"url": page, "channel": SECOND_CHANNEL_ID}, user_id=ADMIN_USER_ID
            )
            feed_url = sites.local(FEED)
            assert [c.feed_url for c in services.storage.get_chat_feeds(OTHER)] == [feed_url]
            assert sites.requests.count("/blog.example/feed.xml") == 2  # one per /feed add

            listing = await feed_command(fake, "list", user_id=MEMBER_USER_ID)
            assert FEED_TITLE in listing and "1." in listing

            removed = await feed_command(fake, "remove", {"feed": "1"}, user_id=ADMIN_USER_ID)
            assert "Removed" in removed
            assert services.storage.get_chat_feeds(HERE) == []
            # the other channel still follows it, so it is still polled
            assert services.storage.get_feed(feed_url).enabled
        finally:
            await bot.stop()
            await services.aclose()
