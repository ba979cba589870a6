"""Discord forum channels and threads through the real DiscordBot, DiscordSender,
DeliveryWorker and SQLite outbox against tests/fake_discord.py: a story becomes a post
with its title and the forum's tags for its topics, a digest one post, missing rights are
refused at subscribe time and pause the forum (with a notice) at send time."""

from __future__ import annotations

import functools
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import discord
import pytest

from bot.chat import OutgoingMessage
from bot.delivery import discord_renderer, pack_parcels
from bot.discord.app import DiscordBot
from bot.discord.forum import TopicNames, pick_tags, post_name
from bot.discord.gate import missing_permissions_in
from digest.clock import FakeClock
from digest.format.bidi import strip_bidi_controls
from digest.models import ChatKind, ChatRef, ChatSettings, DeliveryMode, Platform, Source, Story
from digest.storage import SqlStorage
from digest.topics import TopicCatalog
from tests import test_discord as base
from tests.conftest import ROOT
from tests.fake_discord import (
    ADMIN_USER_ID,
    CHANNEL_ID,
    EMBED_LINKS,
    SEND_MESSAGES,
    SEND_MESSAGES_IN_THREADS,
    FakeDiscord,
)
from tests.fakes import add_article, add_feed
from tests.test_discord import T0, Outbox, ProbeService, original_edits, run_command

fake = base.fake
probe = base.probe

FORUM_ID = "900000000000000104"
LOCKED_FORUM_ID = "900000000000000105"  # the bot may create posts, not write in them
FORUM = ChatRef(Platform.DISCORD, FORUM_ID, ChatKind.CHANNEL)
TAGS = [("الذكاء الاصطناعي", False), ("Smartphones", False), ("Staff picks", True), ("Misc", False)]


@functools.cache
def catalog() -> TopicCatalog:
    return TopicCatalog.load(ROOT / "config" / "topics.yaml")


def names() -> dict[str, tuple[str, ...]]:
    return {t.slug: (t.name_ar, t.name_en, *t.aliases) for t in catalog().topics}


@dataclass
class Forum:
    fake: FakeDiscord
    bot: DiscordBot
    store: SqlStorage
    outbox: Outbox

    def tag_ids(self, *tag_names: str) -> list[str]:
        channel = self.fake.find_channel(FORUM_ID)
        assert channel is not None
        by_name = {t["name"]: t["id"] for t in channel["available_tags"]}
        return [by_name[n] for n in tag_names]


@pytest.fixture
async def forum(fake: FakeDiscord, probe: ProbeService, tmp_path: Path) -> AsyncIterator[Forum]:
    fake.add_forum(FORUM_ID, "tech-forum", TAGS)
    fake.add_forum(LOCKED_FORUM_ID, "locked-forum", TAGS, bot_allow=0)
    db_url = f"sqlite:///{tmp_path / 'f.db'}"
    store = SqlStorage.from_url(db_url)
    bot = DiscordBot(
        fake.token,
        probe,
        chat_store=store,
        topic_names=names(),
        guild_ready_timeout=0.05,
        logger=logging.getLogger("newsdigest.discord"),
    )
    await bot.start(ready_timeout=20)
    outbox = Outbox(db_url, bot.sender, FakeClock(T0), on_pause=bot.on_pause, route=bot.route)
    try:
        yield Forum(fake, bot, store, outbox)
    finally:
        await bot.stop()
        outbox.storage.close()
        store.close()


def post_bodies(fake: FakeDiscord, forum_id: str = FORUM_ID) -> list[dict[str, Any]]:
    return [r.body for r in fake.requests_to("POST", rf"/channels/{forum_id}/threads")]


def seed_forum(storage: SqlStorage, stories: list[tuple[str, list[str]]], **kw: Any) -> list[int]:
    add_feed(storage)
    storage.save_chat(ChatSettings(chat=FORUM, **kw))
    return [
        add_article(
            storage, title, at=T0 - timedelta(minutes=i), topics=topics, url=f"https://t.ex/{i}"
        )
        for i, (title, topics) in enumerate(stories)
    ]


async def test_each_story_becomes_a_post_with_its_title_and_topic_tags(forum: Forum) -> None:
    ids = seed_forum(
        forum.outbox.storage,
        [
            ("DeepSeek تطلق نموذجًا جديدًا", ["ai", "phones"]),
            ("إطلاق صاروخ جديد", ["space"]),
        ],
    )
    assert forum.outbox.queue(FORUM, ids) == 2
    report = await forum.outbox.worker.drain()
    assert report.sent == 2
    bodies = post_bodies(forum.fake)
    by_name = {strip_bidi_controls(b["name"]): b for b in bodies}
    assert set(by_name) == {"DeepSeek تطلق نموذجًا جديدًا", "إطلاق صاروخ جديد"}
    # The Arabic name of "ai" and the English name of "phones"; the moderated tag never.
    assert by_name["DeepSeek تطلق نموذجًا جديدًا"]["applied_tags"] == forum.tag_ids(
        "الذكاء الاصطناعي", "Smartphones"
    )
    assert by_name["إطلاق صاروخ جديد"]["applied_tags"] == []  # no tag named like "space"
    post = by_name["DeepSeek تطلق نموذجًا جديدًا"]
    first = post["message"]
    assert first["embeds"][0]["title"] == post["name"]  # as the formatter wrote it
    assert "النقطة الأولى" in first["embeds"][0]["description"]
    assert first["allowed_mentions"] == {"parse": []}
    assert len(forum.fake.posts_in(FORUM_ID)) == 2
    # Nothing was posted to the forum itself (it takes posts only).
    assert forum.fake.requests_to("POST", rf"/channels/{FORUM_ID}/messages") == []
    assert all(forum.outbox.storage.was_delivered(FORUM, i) for i in ids)


async def test_a_digest_is_one_post_and_its_later_messages_go_into_it(forum: Forum) -> None:
    stories = [(f"خبر {i} عن DeepSeek", ["ai"]) for i in range(14)]  # two messages of embeds
    ids = seed_forum(
        forum.outbox.storage,
        stories,
        mode=DeliveryMode.SCHEDULED,
        schedule_time="08:00",
        language="en",
    )
    forum.outbox.queue(FORUM, ids)
    report = await forum.outbox.worker.drain()
    assert report.sent == 14 and report.messages >= 2
    [body] = post_bodies(forum.fake)
    [post] = forum.fake.posts_in(FORUM_ID)
    assert "14 stories · " in body["name"]  # the digest's header on one line
    assert body["applied_tags"] == forum.tag_ids("الذكاء الاصطناعي")
    later = forum.fake.requests_to("POST", rf"/channels/{post['id']}/messages")
    assert len(later) == report.messages - 1  # the rest of the digest, inside the post
    embeds = len(body["message"]["embeds"]) + sum(len(r.body["embeds"]) for r in later)
    assert embeds == 14


async def test_subscribing_a_forum_checks_create_posts_and_send_in_posts(
    forum: Forum, probe: ProbeService
) -> None:
    _, ok = await run_command(
        forum.fake,
        "subscribe",
        {"topic_or_keyword": "ai", "channel": FORUM_ID},
        user_id=ADMIN_USER_ID,
    )
    assert [inv.chat for inv in probe.invocations] == [FORUM]
    assert ok["type"] == 4
    _, locked = await run_command(
        forum.fake,
        "subscribe",
        {"topic_or_keyword": "ai", "channel": LOCKED_FORUM_ID},
        user_id=ADMIN_USER_ID,
    )
    assert len(probe.invocations) == 1  # refused before any command logic ran
    assert "Send Messages in Posts" in locked["data"]["content"]
    assert "Create Posts" not in locked["data"]["content"]  # that one it has


async def test_the_gate_names_what_a_forum_or_thread_lacks(forum: Forum) -> None:
    forum.fake.set_overwrites(FORUM_ID, bot_allow=0, bot_deny=SEND_MESSAGES)
    forum_channel = forum.bot.client.get_channel(int(FORUM_ID))
    assert isinstance(forum_channel, discord.ForumChannel)
    assert missing_permissions_in(forum_channel, discord.Permissions(0)) == [
        "View Channel",
        "Create Posts",
        "Send Messages in Posts",
        "Embed Links",
    ]
    thread = forum.fake.add_thread(CHANNEL_ID, "discussion")
    resolved = await forum.bot.client.fetch_channel(int(thread))
    perms = discord.Permissions(SEND_MESSAGES | EMBED_LINKS | (1 << 10))
    assert missing_permissions_in(resolved, perms) == ["Send Messages in Threads"]
    perms = discord.Permissions(SEND_MESSAGES_IN_THREADS | EMBED_LINKS | (1 << 10))
    assert missing_permissions_in(resolved, perms) == []


async def test_losing_create_posts_pauses_the_forum_and_tells_the_admins(forum: Forum) -> None:
    ids = seed_forum(forum.outbox.storage, [("DeepSeek", ["ai"])], language="en")
    forum.store.save_chat(ChatSettings(chat=FORUM, topics=frozenset({"ai"}), language="en"))
    forum.fake.set_overwrites(FORUM_ID, bot_allow=SEND_MESSAGES_IN_THREADS, bot_deny=SEND_MESSAGES)
    forum.outbox.queue(FORUM, ids)
    report = await forum.outbox.worker.drain()
    assert report.paused_chats == 1
    assert "Missing Permissions" in (forum.outbox.storage.get_chat(FORUM).paused_reason or "")

    # No system channel in the fake server: the owner is told in a DM.
    def notices() -> list[str]:
        return [
            m["content"]
            for channel, sent in forum.fake.messages.items()
            if channel in forum.fake.dm_channels
            for m in sent
        ]

    [notice] = await forum.fake.wait_for(notices)
    assert "Create Posts" in notice and f"<#{FORUM_ID}>" in notice and "forum" in notice


async def test_a_thread_is_a_target_like_a_channel(forum: Forum) -> None:
    thread = forum.fake.add_thread(CHANNEL_ID, "ai-thread")
    forum.fake.set_overwrites(CHANNEL_ID, bot_allow=SEND_MESSAGES_IN_THREADS, bot_deny=0)
    chat = ChatRef(Platform.DISCORD, thread, ChatKind.CHANNEL)
    add_feed(forum.outbox.storage)
    forum.outbox.storage.save_chat(ChatSettings(chat=chat, topics=frozenset({"ai"})))
    story = add_article(forum.outbox.storage, "DeepSeek", at=T0, topics=["ai"])
    forum.outbox.queue(chat, [story])
    assert (await forum.outbox.worker.drain()).sent == 1
    [sent] = forum.fake.messages[thread]
    assert sent["embeds"][0]["title"] == "DeepSeek"
    assert post_bodies(forum.fake) == []


# --- the pure parts ------------------------------------------------------------------


def _tag(tag_id: int, name: str, moderated: bool = False) -> discord.ForumTag:
    tag = discord.ForumTag(name=name, moderated=moderated)
    tag.id = tag_id
    return tag


def test_tags_match_slug_arabic_or_english_name_normalised() -> None:
    topic_names = TopicNames.of(names())
    tags = [
        _tag(1, "الذكاء الإصطناعي"),  # hamza spelled otherwise
        _tag(2, "PHONES"),  # the slug, another case
        _tag(3, "Cybersecurity", moderated=True),
        _tag(4, "Misc"),
    ]
    picked = pick_tags(["ai", "phones", "cybersecurity", "ai"], tags, topic_names)
    assert [t.id for t in picked] == [1, 2]
    assert pick_tags(["space"], tags, topic_names) == []
    # A forum that requires a tag gets its first usable one rather than refusing the post.
    assert [t.id for t in pick_tags(["space"], tags, topic_names, require_tag=True)] == [1]
    many = [_tag(i, f"t{i}") for i in range(10)]
    lots = TopicNames.of({f"t{i}": () for i in range(10)})
    assert len(pick_tags([f"t{i}" for i in range(10)], many, lots)) == 5


def test_post_names_fit_discord() -> None:
    long = "ع" * 300
    assert len(post_name(OutgoingMessage(post_title=long))) == 100
    assert post_name(OutgoingMessage(embeds=({"title": "From embed"},))) == "From embed"
    assert post_name(OutgoingMessage(text="line one\nline two")) == "line one"
    assert post_name(OutgoingMessage()) == "📰"


def test_a_digest_after_its_first_parcel_continues_its_post() -> None:
    render = discord_renderer()
    stories = [
        Story(
            article_id=i,
            title=f"خبر {i}",
            url=f"https://t.ex/{i}",
            bullets=("أ", "ب"),
            published=T0,
            source=Source("t.ex", "https://t.ex"),
            topics=("ai",),
        )
        for i in range(23)
    ]
    parcels = pack_parcels(stories, "3 stories\nMonday", render, "en")
    messages = [m for p in parcels for m in p.messages]
    assert len(messages) >= 3
    assert messages[0].post_title == "3 stories · Monday" and not messages[0].continues_post
    assert all(m.continues_post for m in messages[1:])
    assert all(m.post_topics == ("ai",) for m in messages)
    single = render(stories[:1], None, "ar")
    assert strip_bidi_controls(single[0].post_title or "") == "خبر 0"
    assert not single[0].continues_post


async def test_a_forum_gets_no_webhook_and_an_old_one_is_not_used(forum: Forum) -> None:
    hook_id, token = "900000000000009005", "f" * 68
    forum.fake.known_webhooks[hook_id] = {"token": token, "channel_id": FORUM_ID, "name": "F"}
    url = f"https://discord.com/api/webhooks/{hook_id}/{token}"
    interaction_id, _ = await run_command(
        forum.fake, "webhook", {"url": url}, user_id=ADMIN_USER_ID, locale="en-US"
    )
    [edit] = await original_edits(forum.fake, interaction_id)
    assert "is a forum" in edit["content"]
    assert forum.store.get_chat(FORUM).webhook_url is None
    # A webhook stored for a forum anyway (by hand, or before) is passed by: posts are made.
    ids = seed_forum(forum.outbox.storage, [("DeepSeek", ["ai"])], webhook_url=url)
    forum.outbox.queue(FORUM, ids)
    assert (await forum.outbox.worker.drain()).sent == 1
    assert len(post_bodies(forum.fake)) == 1 and forum.fake.webhook_messages == []
