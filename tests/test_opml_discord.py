"""Issue #16 on Discord: /news feed import <attachment> and /news feed export (a file
response), /news owner stats|feed|quota for NEWSDIGEST_OWNER_IDS, and the stop notices
(a channel's own feed: the channel; an operator feed: the owners by DM). discord.py
against the loopback fake (attachment options, multipart file responses, DMs), with the
real CommandService, OwnFeeds and OpmlFeeds and the loopback feed site."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import discord

from bot import i18n
from bot.bootstrap import Services, bootstrap
from bot.discord.app import DiscordBot
from bot.opml import too_large_text
from bot.own_feeds import FeedStopNotices
from bot.owner import owner_chats
from bot.runtime import build_commands, build_tell
from bot.settings import load_settings
from digest.format.bidi import strip_bidi_controls
from digest.models import ChatKind, ChatRef, FeedConfig, Platform
from digest.opml import read_opml
from tests import test_discord
from tests.fake_discord import (
    ADMIN_USER_ID,
    CHANNEL_ID,
    MEMBER_USER_ID,
    OWNER_USER_ID,
    FakeDiscord,
)
from tests.feed_sites import Answer, FeedSites, feed_sites, forabi_feed
from tests.test_bootstrap import settings_file
from tests.test_opml import BILLION_LAUGHS
from tests.test_opml_telegram import OTHER, opml_of
from tests.test_own_feeds import FEED, FEED_TITLE

HERE = ChatRef(Platform.DISCORD, CHANNEL_ID, ChatKind.CHANNEL)


fake = test_discord.fake  # discord.py pointed at the fake, restored after the test


@dataclass
class World:
    fake: FakeDiscord
    sites: FeedSites
    services: Services
    bot: DiscordBot

    async def command(
        self,
        group: str,
        sub: str,
        options: dict[str, Any] | None = None,
        *,
        user_id: str = ADMIN_USER_ID,
        attachment: tuple[str, bytes, int | None] | None = None,
    ) -> tuple[str, dict[str, Any]]:
        """Run /news <group> <sub>; returns what the user sees and the first answer."""
        fake = self.fake
        payload = fake.interaction_payload(sub, options, user_id=user_id)
        inner = payload["data"]["options"][0]
        payload["data"]["options"] = [{"name": group, "type": 2, "options": [inner]}]
        if attachment is not None:
            name, content, size = attachment
            fake.attachment_option(payload, "file", name, content, size=size)
        interaction_id = await fake.inject_interaction(payload)
        answers = await fake.interaction_answers(interaction_id, timeout=30)
        parts = [a.get("content") or "" for a in answers]
        return strip_bidi_controls("\n".join(parts)), answers[0]


@asynccontextmanager
async def world(fake: FakeDiscord, tmp_path: Path) -> AsyncIterator[World]:
    settings = load_settings(
        settings_file(
            tmp_path,
            "fetch:\n  allowed_hosts: ['127.0.0.1']\nown_feeds:\n  cooldown_seconds: 0\n",
        ),
        env={"NEWSDIGEST_OWNER_IDS": f"discord:{OWNER_USER_ID}"},
    )
    async with feed_sites() as sites:
        services = bootstrap(settings)
        service = build_commands(services)
        bot = DiscordBot(fake.token, service, guild_ready_timeout=0.05, owner_commands=True)
        await bot.start(ready_timeout=20)
        try:
            yield World(fake, sites, services, bot)
        finally:
            await bot.stop()
            await services.aclose()


def md(text: str) -> str:
    return discord.utils.escape_markdown(text)


async def test_import_and_export_on_discord(fake: FakeDiscord, tmp_path: Path) -> None:
    async with world(fake, tmp_path) as w:
        feed, other = w.sites.local(FEED), w.sites.local(OTHER)
        content = opml_of(feed, other, "file:///etc/passwd")
        storage = w.services.storage

        refused, _ = await w.command(
            "feed", "import", user_id=MEMBER_USER_ID, attachment=("a.opml", content, None)
        )
        assert md(i18n.t("admins_only_discord", "en")) in refused
        assert fake.attachment_downloads == []  # refused before downloading

        big, _ = await w.command("feed", "import", attachment=("a.opml", content, 6 << 20))
        assert md(too_large_text(5 << 20, "en")) in big
        assert fake.attachment_downloads == []

        laughs, _ = await w.command(
            "feed", "import", attachment=("lol.opml", BILLION_LAUGHS.encode(), None)
        )
        assert md(i18n.t("opml_refused_doctype", "en")) in laughs

        answer, _ = await w.command("feed", "import", attachment=("a.opml", content, None))
        assert md(i18n.t("opml_imported", "en", total=3, added=2, already=0, refused=1)) in answer
        assert [c.feed_url for c in storage.get_chat_feeds(HERE)] == [feed, other]
        assert w.sites.requests == []  # the poller reads them, not the command

        uploads = len(fake.uploads)
        text, first = await w.command("feed", "export")
        assert md(i18n.t("opml_export_caption", "en", count=2)) in text
        [upload] = fake.uploads[uploads:]
        assert upload["filename"] == f"newsdigest-discord-{CHANNEL_ID}.opml"
        assert [e.url for e in read_opml(upload["content"]).entries] == [feed, other]
        assert first["attachments"][0]["filename"] == upload["filename"]


async def test_owner_commands_and_stop_notices_on_discord(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    async with world(fake, tmp_path) as w:
        sites, storage = w.sites, w.services.storage
        sites.serve(FEED, Answer(forabi_feed(sites)))
        feed = sites.local(FEED)
        added, _ = await w.command("feed", "add", {"url": feed})
        assert FEED_TITLE in added

        refused, _ = await w.command("owner", "stats", user_id=MEMBER_USER_ID)
        assert refused == md(i18n.t("owner_only", "en"))
        stats, _ = await w.command("owner", "stats", user_id=OWNER_USER_ID)
        assert "Discord 1" in stats and "added by chats 1" in stats

        await w.command("owner", "feed", {"action": "disable", "url": feed}, user_id=MEMBER_USER_ID)
        assert storage.get_feed(feed).enabled
        off, _ = await w.command(
            "owner", "feed", {"action": "disable", "url": feed}, user_id=OWNER_USER_ID
        )
        assert off == md(i18n.t("feed_owner_disabled", "en", url=feed))
        assert not storage.get_feed(feed).enabled
        await w.command("owner", "feed", {"action": "enable", "url": feed}, user_id=OWNER_USER_ID)
        assert storage.get_feed(feed).enabled

        quota, _ = await w.command(
            "owner", "quota", {"channel_id": CHANNEL_ID, "limit": "1"}, user_id=OWNER_USER_ID
        )
        assert quota == md(i18n.t("feed_owner_quota", "en", chat=CHANNEL_ID, limit=1))
        bad, _ = await w.command(
            "owner", "quota", {"channel_id": CHANNEL_ID, "limit": "many"}, user_id=OWNER_USER_ID
        )
        assert bad == md(i18n.t("owner_usage_discord", "en", p="/news "))
        (news,) = fake.synced_commands
        owner_group = next(o for o in news["options"] if o["name"] == "owner")
        assert {o["name"] for o in owner_group["options"]} == {"stats", "feed", "quota"}
        sites.serve(OTHER, Answer(forabi_feed(sites)))
        full, _ = await w.command("feed", "add", {"url": sites.local(OTHER)})
        assert md(i18n.t("feed_quota", "en", limit=1, p="/news ")) in full

        # The channel's own feed and an operator feed both answer 410 Gone.
        operator = "https://operator.example/feed.xml"
        storage.sync_feeds([FeedConfig(url=sites.local(operator), name="مدونة المشغّل")])
        sites.serve(FEED, Answer(b"", status=410))
        sites.serve(operator, Answer(b"", status=410))
        notices = FeedStopNotices(
            storage,
            build_tell({Platform.DISCORD: w.bot.route}, send_dm=w.bot.send_dm),
            owners=owner_chats(w.services.settings.owner_ids, [Platform.DISCORD]),
        )
        report = await w.services.pipeline.poll([feed, sites.local(operator)])
        assert await notices.after_poll(report.feeds) == 2
        [told] = fake.messages[CHANNEL_ID][-1:]
        assert FEED_TITLE in told["content"] and "/news feed add url:" in told["content"]
        [dm] = [c for c, user in fake.dm_channels.items() if user == OWNER_USER_ID]
        owner_text = fake.messages[dm][-1]["content"]
        assert "مدونة المشغّل" in owner_text and "/feeds enable" in owner_text
        assert await notices.after_poll(report.feeds) == 1  # the channel: once; owners: per poll
