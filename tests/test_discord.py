"""The Discord adapter against a fake Discord on 127.0.0.1: discord.py makes real REST calls
and holds a real gateway websocket; only its REST base and default gateway point at the fake."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import discord
import pytest
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot import i18n
from bot.chat import Invocation, OutgoingMessage, PlatformGate, Reply
from bot.commands import CommandLimits, CommandService
from bot.delivery import (
    DISCORD_LIMITS,
    DeliveryWorker,
    PlatformRoute,
    RateLimiter,
    discord_renderer,
)
from bot.discord.app import DiscordBot
from bot.discord.gate import SLOW_COMMANDS, invite_url
from bot.discord.render import split_text
from bot.discord.sender import DiscordSender, TokenRedactor, WebhookTarget
from digest.clock import FakeClock
from digest.errors import (
    ChatForbidden,
    ChatNotFound,
    ConfigError,
    MessageRejected,
    RetryAfter,
    TransientDeliveryError,
)
from digest.models import ChatKind, ChatRef, ChatSettings, DeliveryMode, Platform, Source, Story
from digest.storage import SqlStorage
from tests.fake_discord import (
    ADMIN_USER_ID,
    APP_ID,
    CHANNEL_ID,
    GUILD_ID,
    LOCKED_CHANNEL_ID,
    MEMBER_USER_ID,
    OTHER_GUILD_CHANNEL_ID,
    OWNER_USER_ID,
    SECOND_CHANNEL_ID,
    WEBHOOK_ID,
    WEBHOOK_TOKEN,
    WEBHOOK_URL,
    FakeDiscord,
)
from tests.fakes import FakeSleeper, add_article, add_feed, small_catalog

EPHEMERAL = 64


@pytest.fixture
async def fake(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    """The one place discord.py is pointed at the fake (restored after the test)."""
    async with FakeDiscord() as server:
        monkeypatch.setattr(Route, "BASE", server.api_base)
        monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(server.gateway_url))
        yield server


@dataclass
class ProbeService:
    """A stand-in CommandService that records what the adapter passed and what the gate
    answered, and echoes it back, so the test sees the adapter's mapping end to end."""

    invocations: list[Invocation] = field(default_factory=list)
    admin_answers: list[bool] = field(default_factory=list)
    target_results: list[str] = field(default_factory=list)
    reply: Reply | None = None

    async def handle(self, inv: Invocation, gate: PlatformGate) -> Reply:
        self.invocations.append(inv)
        admin = await gate.is_admin(inv.chat, inv.user_id)
        self.admin_answers.append(admin)
        for arg in inv.args:
            if arg.startswith("<#"):
                try:
                    ref = await gate.resolve_target(arg, inv.user_id)
                    self.target_results.append(f"ok {ref.chat_id}")
                except PermissionError as exc:
                    self.target_results.append(f"refused {exc}")
                except LookupError as exc:
                    self.target_results.append(f"unknown {exc}")
        if self.reply is not None:
            return self.reply
        return Reply(text=f"{inv.name} {' '.join(inv.args)} admin={admin}")


@pytest.fixture
def probe() -> ProbeService:
    return ProbeService()


@pytest.fixture
async def bot(fake: FakeDiscord, probe: ProbeService) -> AsyncIterator[DiscordBot]:
    discord_bot = DiscordBot(fake.token, probe, guild_ready_timeout=0.05)
    await discord_bot.start(ready_timeout=20)
    try:
        yield discord_bot
    finally:
        await discord_bot.stop()


async def run_command(
    fake: FakeDiscord, command: str, options: dict[str, Any] | None = None, **kw: Any
) -> tuple[str, dict[str, Any]]:
    payload = fake.interaction_payload(command, options, **kw)
    interaction_id = await fake.inject_interaction(payload)
    return interaction_id, await fake.wait_for_response(interaction_id)


async def original_edits(fake: FakeDiscord, interaction_id: str) -> list[dict[str, Any]]:
    """The edits of the deferred answer ("thinking…" replaced by the real reply)."""
    token = f"itoken-{interaction_id}"
    edits: list[dict[str, Any]] = await fake.wait_for(lambda: fake.original_edits.get(token))
    return edits


# --- login, READY, command sync ------------------------------------------------------


async def test_login_identifies_without_privileged_intents(
    fake: FakeDiscord, bot: DiscordBot
) -> None:
    assert bot.client.user is not None and str(bot.client.user.id) == APP_ID
    assert [r.path for r in fake.requests[:2]] == ["/users/@me", "/oauth2/applications/@me"]
    identify = fake.identify_payloads[0]
    assert identify["token"] == fake.token
    intents = discord.Intents._from_value(identify["intents"])
    assert intents.guilds
    assert not (intents.members or intents.presences or intents.message_content)
    assert bot.client.get_guild(int(GUILD_ID)) is not None  # GUILD_CREATE reached the cache


async def test_commands_are_synced_under_news_with_arabic_and_english(
    fake: FakeDiscord, bot: DiscordBot
) -> None:
    assert len(fake.requests_to("PUT", rf"/applications/{APP_ID}/commands")) == 1
    (news,) = fake.synced_commands
    assert news["name"] == "news"
    subcommands = {o["name"]: o for o in news["options"]}
    # "feed add|remove|list" are the subcommands of one group, /news feed (issue #16).
    names = {n.split()[0] for n in i18n.DISCORD_COMMANDS}
    assert set(subcommands) == names - {"webhook"}  # webhook needs a chat store
    feed_group = subcommands.pop("feed")
    feed_subs = {o["name"]: o for o in feed_group["options"]}
    assert set(feed_subs) == {"add", "remove", "list", "import", "export"}
    import_options = {o["name"]: o for o in feed_subs["import"]["options"]}
    assert import_options["file"]["type"] == 11 and import_options["file"]["required"] is True
    assert feed_subs["add"]["description"] == i18n.command_description("addfeed", "ar")
    add_options = {o["name"]: o for o in feed_subs["add"]["options"]}
    assert add_options["url"]["required"] is True and add_options["channel"]["type"] == 7
    for name, sub in subcommands.items():
        assert sub["description"] == i18n.command_description(name, "ar")
        assert sub["description_localizations"]["en-US"] == i18n.command_description(name, "en")
        assert sub["description_localizations"]["en-GB"] == i18n.command_description(name, "en")
        assert 1 <= len(sub["description"]) <= 100
    assert news["description_localizations"]["en-US"]
    options = {
        name: {o["name"]: o for o in sub.get("options", [])} for name, sub in subcommands.items()
    }
    assert options["subscribe"]["topic_or_keyword"]["required"] is True
    assert options["subscribe"]["channel"]["type"] == 7 and not options["subscribe"]["channel"].get(
        "required"
    )
    assert options["schedule"]["value"]["required"] is True
    assert "channel" in options["schedule"]
    latest_n = options["latest"]["n"]
    assert (latest_n["type"], latest_n["min_value"], latest_n["max_value"]) == (4, 1, 20)
    assert options["summary"]["url"]["required"] is True
    assert {c["value"] for c in options["lang"]["language"]["choices"]} == {"ar", "en"}
    assert options["subscribe"]["channel"]["description_localizations"]["en-US"]
    # Channel pickers offer text, announcement, thread and forum channels only: no voice
    # (2), category (4), stage (13) or media (16) channel the bot cannot post in.
    channel_options = [o for opts in options.values() for n, o in opts.items() if n == "channel"]
    # subscribe, unsubscribe, exclude, include, subscriptions, schedule, images
    assert len(channel_options) == 7
    for option in channel_options:
        assert option["type"] == 7 and sorted(option["channel_types"]) == [0, 5, 10, 11, 12, 15]


# --- commands ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "options", "name", "args"),
    [
        ("help", None, "help", ()),
        ("topics", None, "topics", ()),
        ("subscribe", {"topic_or_keyword": "ai"}, "subscribe", ("ai",)),
        ("subscribe", {"topic_or_keyword": "DeepSeek أمن"}, "subscribe", ("DeepSeek", "أمن")),
        ("unsubscribe", {"topic_or_keyword": "all"}, "unsubscribe", ("all",)),
        ("subscriptions", None, "mysubs", ()),
        ("latest", {"n": 5}, "latest", ("5",)),
        ("latest", None, "latest", ()),
        ("top", {"n": 3}, "top", ("3",)),
        ("top", None, "top", ()),
        ("schedule", {"value": "08:30 Asia/Riyadh"}, "schedule", ("08:30", "Asia/Riyadh")),
        ("schedule", {"value": "instant"}, "schedule", ("instant",)),
        ("feeds", None, "feeds", ()),
        ("lang", {"language": "en"}, "lang", ("en",)),
        ("health", None, "health", ()),
    ],
)
async def test_each_command_becomes_an_invocation_and_gets_an_answer(
    fake: FakeDiscord,
    bot: DiscordBot,
    probe: ProbeService,
    command: str,
    options: dict[str, Any] | None,
    name: str,
    args: tuple[str, ...],
) -> None:
    interaction_id, response = await run_command(fake, command, options, locale="en-US")
    (inv,) = probe.invocations
    assert inv == Invocation(
        chat=ChatRef(Platform.DISCORD, CHANNEL_ID, ChatKind.CHANNEL),
        user_id=MEMBER_USER_ID,
        name=name,
        args=args,
        user_language="en-US",
    )
    if name in SLOW_COMMANDS:  # "thinking…" first, then the answer edits it
        assert response["type"] == 5
        token = f"itoken-{interaction_id}"
        answer = (await fake.wait_for(lambda: fake.original_edits.get(token)))[0]
    else:
        assert response["type"] == 4  # answered directly
        answer = response["data"]
    assert answer["content"].startswith(name)
    assert answer["allowed_mentions"] == {"parse": []}


async def test_slow_commands_defer_then_edit_the_original_answer(
    fake: FakeDiscord, bot: DiscordBot, probe: ProbeService
) -> None:
    for command, options in (("summary", {"url": "https://aitnews.com/x"}), ("digest", None)):
        interaction_id, first = await run_command(fake, command, options)
        assert first["type"] == 5  # "thinking…"
        edits = await original_edits(fake, interaction_id)
        assert edits[0]["content"].startswith(command)
    assert [i.args for i in probe.invocations] == [("https://aitnews.com/x",), ()]


async def test_a_quick_command_that_turns_out_slow_is_deferred(
    fake: FakeDiscord, probe: ProbeService
) -> None:
    class SlowService:
        """Answers only once Discord has been told "thinking…"."""

        async def handle(self, inv: Invocation, gate: PlatformGate) -> Reply:
            await fake.wait_for(lambda: fake.interaction_callbacks)
            return Reply(text="finally")

    discord_bot = DiscordBot(fake.token, SlowService(), guild_ready_timeout=0.05, defer_after=0.01)
    await discord_bot.start(ready_timeout=20)
    try:
        interaction_id, first = await run_command(fake, "feeds")
        edits = await original_edits(fake, interaction_id)
    finally:
        await discord_bot.stop()
    assert first["type"] == 5
    assert edits[0]["content"] == "finally"


async def test_ephemeral_reply_after_defer_replaces_the_thinking_message(
    fake: FakeDiscord, bot: DiscordBot, probe: ProbeService
) -> None:
    probe.reply = Reply(text="bad url", ephemeral=True)
    interaction_id, first = await run_command(fake, "summary", {"url": "nope"})
    token = f"itoken-{interaction_id}"
    followups = await fake.wait_for(lambda: fake.followups.get(token))
    assert first["type"] == 5
    assert fake.requests_to("DELETE", rf"/webhooks/{APP_ID}/{token}/messages/@original")
    assert followups[0]["content"] == "bad url"
    assert followups[0]["flags"] & EPHEMERAL


async def test_ephemeral_replies_are_flagged(
    fake: FakeDiscord, bot: DiscordBot, probe: ProbeService
) -> None:
    probe.reply = Reply(text="only for you", ephemeral=True)
    _, response = await run_command(fake, "topics")
    assert response["data"]["flags"] & EPHEMERAL


async def test_long_text_is_split_into_a_response_and_follow_ups(
    fake: FakeDiscord, bot: DiscordBot, probe: ProbeService
) -> None:
    lines = [f"سطر رقم {i} " + "ن" * 80 for i in range(60)]  # ~5400 characters
    probe.reply = Reply(text="\n".join(lines))
    interaction_id, response = await run_command(fake, "feeds")
    token = f"itoken-{interaction_id}"
    followups = await fake.wait_for(
        lambda: len(fake.followups.get(token, [])) >= 2 and fake.followups[token]
    )
    contents = [response["data"]["content"], *(f["content"] for f in followups)]
    assert all(len(c) <= 2000 for c in contents)
    assert "\n".join(contents).split("\n") == lines  # nothing lost, split at line breaks


async def test_arabic_locale_hint_is_passed_on(
    fake: FakeDiscord, bot: DiscordBot, probe: ProbeService
) -> None:
    await run_command(fake, "help", locale="ar")
    assert probe.invocations[0].user_language == "ar"


async def test_direct_message_is_a_private_chat_where_everyone_is_admin(
    fake: FakeDiscord, bot: DiscordBot, probe: ProbeService
) -> None:
    dm_channel = "900000000000007001"
    await run_command(
        fake, "subscribe", {"topic_or_keyword": "ai"}, guild_id=None, channel_id=dm_channel
    )
    assert probe.invocations[0].chat == ChatRef(Platform.DISCORD, dm_channel, ChatKind.PRIVATE)
    assert probe.admin_answers == [True]


# --- permissions ---------------------------------------------------------------------


async def test_manage_channels_makes_an_admin_plain_members_are_not(
    fake: FakeDiscord, bot: DiscordBot, probe: ProbeService
) -> None:
    await run_command(fake, "subscribe", {"topic_or_keyword": "ai"}, user_id=MEMBER_USER_ID)
    await run_command(fake, "subscribe", {"topic_or_keyword": "ai"}, user_id=ADMIN_USER_ID)
    assert probe.admin_answers == [False, True]


async def test_manage_server_alone_makes_an_admin(
    fake: FakeDiscord, bot: DiscordBot, probe: ProbeService
) -> None:
    from tests.fake_discord import MANAGE_GUILD, MEMBER_PERMISSIONS

    guild = fake.guilds[GUILD_ID]
    guild.roles.append(
        dict(
            guild.roles[0],
            id="900000000000000120",
            name="server-mods",
            position=3,
            permissions=str(MEMBER_PERMISSIONS | MANAGE_GUILD),
        )
    )
    guild.members[MEMBER_USER_ID]["roles"] = ["900000000000000120"]
    await run_command(fake, "schedule", {"value": "off"}, user_id=MEMBER_USER_ID)
    assert probe.admin_answers == [True]


async def test_channel_option_targets_that_channel_when_allowed(
    fake: FakeDiscord, bot: DiscordBot, probe: ProbeService
) -> None:
    _, response = await run_command(
        fake,
        "subscribe",
        {"topic_or_keyword": "ai", "channel": SECOND_CHANNEL_ID},
        user_id=ADMIN_USER_ID,
    )
    (inv,) = probe.invocations
    assert inv.chat == ChatRef(Platform.DISCORD, SECOND_CHANNEL_ID, ChatKind.CHANNEL)
    assert probe.admin_answers == [True]  # computed for #ai-news from the guild cache
    assert response["type"] == 4


async def test_channel_option_naming_a_thread_is_answered(
    fake: FakeDiscord, bot: DiscordBot, probe: ProbeService
) -> None:
    """`/news subscribe ai channel:#a-thread` (README: a thread is a channel of its own).
    Found trying it as a new user (docs/new_user_run.md): the fake resolved a thread
    option without the fields Discord sends (parent_id, owner_id, thread_metadata, ...),
    so discord.py failed on it and the command was never answered; no test had sent one.
    Here the thread is new to the bot's cache (made after READY): the answer is the
    adapter's own check of the rights a thread needs. `newsdigest run` with the thread
    known at start subscribed it and posted there (docs/new_user_run.md)."""
    thread = fake.add_thread(CHANNEL_ID, "ai-thread")
    _, response = await run_command(
        fake, "subscribe", {"topic_or_keyword": "ai", "channel": thread}, user_id=ADMIN_USER_ID
    )
    content = response["data"]["content"]
    assert f"<#{thread}>" in content and "Send Messages in Threads" in content
    assert probe.invocations == []


async def test_channel_option_refused_for_members_and_where_the_bot_cannot_post(
    fake: FakeDiscord, bot: DiscordBot, probe: ProbeService
) -> None:
    _, as_member = await run_command(
        fake, "schedule", {"value": "08:00", "channel": SECOND_CHANNEL_ID}, user_id=MEMBER_USER_ID
    )
    _, locked = await run_command(
        fake, "schedule", {"value": "08:00", "channel": LOCKED_CHANNEL_ID}, user_id=ADMIN_USER_ID
    )
    assert probe.invocations == []  # refused before any command logic ran
    assert as_member["data"]["flags"] & EPHEMERAL
    assert "Manage Channels" in as_member["data"]["content"]
    assert locked["data"]["flags"] & EPHEMERAL
    assert "Send Messages" in locked["data"]["content"]


async def test_channel_option_refusals_are_worded_in_the_users_language(
    fake: FakeDiscord, bot: DiscordBot, probe: ProbeService
) -> None:
    _, as_member = await run_command(
        fake,
        "schedule",
        {"value": "08:00", "channel": SECOND_CHANNEL_ID},
        user_id=MEMBER_USER_ID,
        locale="ar",
    )
    _, locked = await run_command(
        fake,
        "schedule",
        {"value": "08:00", "channel": LOCKED_CHANNEL_ID},
        user_id=ADMIN_USER_ID,
        locale="ar",
    )
    assert probe.invocations == []
    member_text, locked_text = as_member["data"]["content"], locked["data"]["content"]
    assert "تحتاج صلاحية Manage Channels أو Manage Server" in member_text
    assert "امنح البوت" in locked_text and "Send Messages" in locked_text
    for text in (member_text, locked_text):  # no English sentence inside the Arabic reply
        assert "you need" not in text and "give the bot" not in text


async def test_subscribing_a_channel_the_bot_cannot_post_in_is_refused(
    fake: FakeDiscord, bot: DiscordBot, probe: ProbeService
) -> None:
    _, refused = await run_command(
        fake,
        "subscribe",
        {"topic_or_keyword": "ai"},
        user_id=ADMIN_USER_ID,
        channel_id=LOCKED_CHANNEL_ID,
        locale="en-US",
    )
    _, unsubscribe = await run_command(
        fake,
        "unsubscribe",
        {"topic_or_keyword": "ai"},
        user_id=ADMIN_USER_ID,
        channel_id=LOCKED_CHANNEL_ID,
    )
    assert refused["data"]["flags"] & EPHEMERAL
    assert "Send Messages" in refused["data"]["content"]
    assert [i.name for i in probe.invocations] == ["unsubscribe"]  # leaving is always allowed
    assert unsubscribe["type"] == 4


def test_invite_link_asks_for_the_needed_permissions_only() -> None:
    link = yarl.URL(invite_url(APP_ID))
    assert link.host == "discord.com"
    assert link.query["client_id"] == APP_ID
    assert set(link.query["scope"].split()) == {"bot", "applications.commands"}
    wanted = discord.Permissions(int(link.query["permissions"]))
    assert wanted.send_messages and wanted.embed_links and wanted.view_channel
    assert not (wanted.administrator or wanted.manage_channels or wanted.mention_everyone)


async def test_resolve_target_checks_server_and_existence(
    fake: FakeDiscord, bot: DiscordBot, probe: ProbeService
) -> None:
    refs = [
        f"<#{SECOND_CHANNEL_ID}>",
        f"<#{OTHER_GUILD_CHANNEL_ID}>",
        "<#900000000000000999>",
        "<#x>",
    ]
    await run_command(
        fake, "subscribe", {"topic_or_keyword": " ".join(refs)}, user_id=ADMIN_USER_ID
    )
    ok, other_server, unknown, garbage = probe.target_results
    assert ok == f"ok {SECOND_CHANNEL_ID}"
    assert other_server.startswith("refused") and "another server" in other_server
    assert unknown.startswith("unknown")
    assert garbage.startswith("unknown")


# --- sender --------------------------------------------------------------------------


@pytest.fixture
async def client(fake: FakeDiscord) -> AsyncIterator[discord.Client]:
    """A logged-in client without gateway: enough for REST delivery."""
    c = discord.Client(intents=discord.Intents(guilds=True), max_ratelimit_timeout=30)
    await c.login(fake.token)
    try:
        yield c
    finally:
        await c.close()


CHAT = ChatRef(Platform.DISCORD, CHANNEL_ID, ChatKind.CHANNEL)
STORY_EMBED: dict[str, object] = {
    "title": "DeepSeek تطلق نموذجًا جديدًا",
    "url": "https://aitnews.com/deepseek",
    "description": "\u200f• النقطة الأولى\n\u200f• النقطة الثانية",
    "color": 0x3498DB,
    "footer": {"text": "البوابة العربية للأخبار التقنية"},
    "timestamp": "2026-01-01T08:00:00+00:00",
}


async def test_sender_posts_content_and_embeds_without_mentions(
    fake: FakeDiscord, client: discord.Client
) -> None:
    sender = DiscordSender(client)
    message_id = await sender.send(
        CHAT, OutgoingMessage(text="@everyone ملخص", embeds=[STORY_EMBED])
    )
    (sent,) = fake.messages[CHANNEL_ID]
    assert sent["id"] == message_id
    assert sent["content"] == "@everyone ملخص"
    assert sent["embeds"][0]["title"] == STORY_EMBED["title"]
    assert sent["embeds"][0]["color"] == 0x3498DB
    (request,) = fake.requests_to("POST", rf"/channels/{CHANNEL_ID}/messages")
    assert request.body["allowed_mentions"] == {"parse": []}
    assert not request.body.get("flags")  # embeds are not suppressed


async def test_sender_translates_forbidden_and_not_found(
    fake: FakeDiscord, client: discord.Client
) -> None:
    sender = DiscordSender(client)
    locked = ChatRef(Platform.DISCORD, LOCKED_CHANNEL_ID, ChatKind.CHANNEL)
    with pytest.raises(ChatForbidden, match="50013"):
        await sender.send(locked, OutgoingMessage(text="x"))
    fake.fail(
        "POST", rf"/channels/{CHANNEL_ID}/messages", 403, code=50001, message="Missing Access"
    )
    with pytest.raises(ChatForbidden, match="50001"):
        await sender.send(CHAT, OutgoingMessage(text="x"))
    fake.delete_channel(SECOND_CHANNEL_ID)
    gone = ChatRef(Platform.DISCORD, SECOND_CHANNEL_ID, ChatKind.CHANNEL)
    with pytest.raises(ChatNotFound, match="10003"):
        await sender.send(gone, OutgoingMessage(text="x"))
    assert CHANNEL_ID not in fake.messages


async def test_short_rate_limit_is_waited_out_without_loss_or_duplicate(
    fake: FakeDiscord, client: discord.Client
) -> None:
    fake.fail("POST", rf"/channels/{CHANNEL_ID}/messages", 429, retry_after=0.05)
    await DiscordSender(client).send(CHAT, OutgoingMessage(text="once"))
    assert [m["content"] for m in fake.messages[CHANNEL_ID]] == ["once"]
    assert [r.status for r in fake.requests_to("POST", rf"/channels/{CHANNEL_ID}/messages")] == [
        429,
        200,
    ]


async def test_long_rate_limit_raises_retry_after(
    fake: FakeDiscord, client: discord.Client
) -> None:
    fake.fail("POST", rf"/channels/{CHANNEL_ID}/messages", 429, retry_after=120.0)
    with pytest.raises(RetryAfter) as caught:
        await DiscordSender(client).send(CHAT, OutgoingMessage(text="later"))
    assert caught.value.seconds == 120.0
    assert CHANNEL_ID not in fake.messages


async def test_cloudflare_style_429_raises_retry_after_from_header(
    fake: FakeDiscord, client: discord.Client
) -> None:
    fake.fail("POST", rf"/channels/{CHANNEL_ID}/messages", 429, retry_after=7.0, via_header=False)
    with pytest.raises(RetryAfter) as caught:
        await DiscordSender(client).send(CHAT, OutgoingMessage(text="later"))
    assert caught.value.seconds == 7.0


async def test_server_errors_and_network_failures_are_transient(
    fake: FakeDiscord, client: discord.Client
) -> None:
    fake.fail("POST", rf"/channels/{CHANNEL_ID}/messages", 503)
    with pytest.raises(TransientDeliveryError):
        await DiscordSender(client).send(CHAT, OutgoingMessage(text="x"))
    await fake.stop()  # nobody listens any more
    with pytest.raises(TransientDeliveryError, match="network"):
        await DiscordSender(client).send(CHAT, OutgoingMessage(text="x"))


async def test_oversized_embed_is_rejected_by_discord_validation(
    fake: FakeDiscord, client: discord.Client
) -> None:
    too_long = dict(STORY_EMBED, description="ن" * 4097)
    with pytest.raises(MessageRejected, match="50035"):
        await DiscordSender(client).send(CHAT, OutgoingMessage(embeds=[too_long]))
    with pytest.raises(MessageRejected):
        await DiscordSender(client).send(CHAT, OutgoingMessage(embeds=[STORY_EMBED] * 11))
    assert CHANNEL_ID not in fake.messages


# --- webhook delivery ----------------------------------------------------------------


async def test_webhook_delivery_uses_custom_name_and_avatar_without_login(
    fake: FakeDiscord,
) -> None:
    target = WebhookTarget(
        WEBHOOK_URL, username="أخبار التقنية", avatar_url="https://example.org/a.png"
    )

    async def lookup(chat: ChatRef) -> WebhookTarget | None:
        return target if chat == CHAT else None

    sender = DiscordSender(None, webhooks=lookup)
    try:
        message_id = await sender.send(CHAT, OutgoingMessage(text="ملخص", embeds=[STORY_EMBED]))
    finally:
        await sender.aclose()
    (sent,) = fake.webhook_messages
    assert message_id
    assert sent["username"] == "أخبار التقنية"
    assert sent["avatar_url"] == "https://example.org/a.png"
    assert sent["embeds"][0]["title"] == STORY_EMBED["title"]
    assert sent["_query"]["wait"] in ("1", "true")
    assert sent["allowed_mentions"] == {"parse": []}
    assert not fake.requests_to("GET", "/users/@me")  # no bot login needed
    assert CHANNEL_ID not in fake.messages


async def test_webhook_rate_limits_are_waited_out_or_raised(fake: FakeDiscord) -> None:
    async def lookup(chat: ChatRef) -> WebhookTarget | None:
        return WebhookTarget(WEBHOOK_URL)

    sender = DiscordSender(None, webhooks=lookup)
    webhook_path = rf"/webhooks/{WEBHOOK_ID}/{WEBHOOK_TOKEN}"
    try:
        fake.fail("POST", webhook_path, 429, retry_after=0.05)
        await sender.send(CHAT, OutgoingMessage(text="once"))
        fake.fail("POST", webhook_path, 429, retry_after=9.0, via_header=False)
        with pytest.raises(RetryAfter) as caught:
            await sender.send(CHAT, OutgoingMessage(text="later"))
    finally:
        await sender.aclose()
    assert [m["content"] for m in fake.webhook_messages] == ["once"]
    assert caught.value.seconds == 9.0


async def test_deleted_webhook_is_chat_not_found(fake: FakeDiscord) -> None:
    fake.known_webhooks.clear()

    async def lookup(chat: ChatRef) -> WebhookTarget | None:
        return WebhookTarget(WEBHOOK_URL)

    sender = DiscordSender(None, webhooks=lookup)
    try:
        with pytest.raises(ChatNotFound, match="10015"):
            await sender.send(CHAT, OutgoingMessage(text="x"))
    finally:
        await sender.aclose()


# --- secrets -------------------------------------------------------------------------


async def test_bot_and_webhook_tokens_never_reach_the_logs(
    fake: FakeDiscord, probe: ProbeService, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)

    async def lookup(chat: ChatRef) -> WebhookTarget | None:
        return WebhookTarget(WEBHOOK_URL) if chat.chat_id == SECOND_CHANNEL_ID else None

    discord_bot = DiscordBot(fake.token, probe, webhooks=lookup, guild_ready_timeout=0.05)
    await discord_bot.start(ready_timeout=20)
    try:
        await discord_bot.sender.send(CHAT, OutgoingMessage(text="bot message"))
        webhook_chat = ChatRef(Platform.DISCORD, SECOND_CHANNEL_ID, ChatKind.CHANNEL)
        await discord_bot.sender.send(webhook_chat, OutgoingMessage(text="webhook message"))
        logging.getLogger("discord.http").debug("leak attempt: Bot %s", fake.token)
    finally:
        await discord_bot.stop()
    assert fake.webhook_messages and fake.messages[CHANNEL_ID]
    assert "/webhooks/" in caplog.text  # discord.py did log the webhook request...
    assert WEBHOOK_TOKEN not in caplog.text  # ...without its token
    assert fake.token not in caplog.text
    assert "[REDACTED]" in caplog.text


def test_redactor_rewrites_messages_arguments_and_tracebacks() -> None:
    redactor = TokenRedactor("s3cr3t.token")
    redactor.add_secret("webhooktoken" * 6)
    try:
        raise RuntimeError("failed with s3cr3t.token")
    except RuntimeError:
        import sys

        record = logging.LogRecord(
            "discord.http",
            logging.ERROR,
            __file__,
            1,
            "auth %s and %s",
            ("s3cr3t.token", "webhooktoken" * 6),
            sys.exc_info(),
        )
    assert redactor.filter(record)
    assert record.getMessage() == "auth [REDACTED] and [REDACTED]"
    assert record.exc_text is not None and "s3cr3t" not in record.exc_text


def test_split_text_keeps_every_line_and_respects_the_limit() -> None:
    text = "\n".join(["a" * 30] * 10) + "\n" + "b" * 95
    chunks = split_text(text, limit=100)
    assert all(len(c) <= 100 for c in chunks)
    assert "".join(chunks).replace("\n", "") == text.replace("\n", "")


# --- /news webhook -------------------------------------------------------------------


@pytest.fixture
def storage(tmp_path: Path) -> Iterator[SqlStorage]:
    store = SqlStorage.from_url(f"sqlite:///{tmp_path / 'newsdigest.db'}")
    try:
        yield store
    finally:
        store.close()


@pytest.fixture
async def store_bot(
    fake: FakeDiscord, probe: ProbeService, storage: SqlStorage
) -> AsyncIterator[DiscordBot]:
    discord_bot = DiscordBot(fake.token, probe, chat_store=storage, guild_ready_timeout=0.05)
    await discord_bot.start(ready_timeout=20)
    try:
        yield discord_bot
    finally:
        await discord_bot.stop()


async def webhook_answer(fake: FakeDiscord, options: dict[str, Any], **kw: Any) -> str:
    interaction_id, first = await run_command(fake, "webhook", options, **kw)
    assert first["type"] == 5 and first["data"]["flags"] & EPHEMERAL  # the URL stays private
    content: str = (await original_edits(fake, interaction_id))[0]["content"]
    return content


async def test_webhook_command_sets_up_webhook_delivery_with_name_and_avatar(
    fake: FakeDiscord, store_bot: DiscordBot, storage: SqlStorage, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    options = {
        "url": WEBHOOK_URL,
        "name": "أخبار التقنية",
        "avatar_url": "https://example.org/a.png",
    }
    answer = await webhook_answer(fake, options, user_id=ADMIN_USER_ID, locale="en-US")
    assert f"<#{CHANNEL_ID}>" in answer and "webhook" in answer
    stored = storage.get_chat(CHAT).webhook_url
    assert stored is not None
    assert WebhookTarget.from_setting(stored) == WebhookTarget(
        WEBHOOK_URL, "أخبار التقنية", "https://example.org/a.png"
    )
    await store_bot.sender.send(CHAT, OutgoingMessage(text="via webhook", embeds=[STORY_EMBED]))
    (sent,) = fake.webhook_messages
    assert (sent["content"], sent["username"]) == ("via webhook", "أخبار التقنية")
    assert CHANNEL_ID not in fake.messages  # not posted by the bot as well
    assert WEBHOOK_TOKEN not in caplog.text  # not even from the logged gateway payload


async def test_webhook_command_refusals(
    fake: FakeDiscord, store_bot: DiscordBot, storage: SqlStorage
) -> None:
    as_member = await webhook_answer(
        fake, {"url": WEBHOOK_URL}, user_id=MEMBER_USER_ID, locale="en-US"
    )
    not_a_webhook = await webhook_answer(
        fake, {"url": "https://example.org/hook"}, user_id=ADMIN_USER_ID, locale="en-US"
    )
    bad_name = await webhook_answer(
        fake, {"url": WEBHOOK_URL, "name": "Discord News"}, user_id=ADMIN_USER_ID, locale="en-US"
    )
    fake.known_webhooks.clear()
    deleted = await webhook_answer(
        fake, {"url": WEBHOOK_URL}, user_id=ADMIN_USER_ID, locale="en-US"
    )
    assert "Manage Channels" in as_member
    assert "not a webhook link" in not_a_webhook
    assert "discord" in bad_name
    assert "does not know that webhook" in deleted
    assert storage.get_chat(CHAT).webhook_url is None


async def test_webhook_off_goes_back_to_bot_delivery(
    fake: FakeDiscord, store_bot: DiscordBot, storage: SqlStorage
) -> None:
    await webhook_answer(fake, {"url": WEBHOOK_URL}, user_id=ADMIN_USER_ID)
    assert storage.get_chat(CHAT).webhook_url == WEBHOOK_URL
    refused = await webhook_answer(fake, {"url": "off"}, user_id=MEMBER_USER_ID)
    assert storage.get_chat(CHAT).webhook_url == WEBHOOK_URL
    await webhook_answer(fake, {"url": "off"}, user_id=ADMIN_USER_ID)
    assert storage.get_chat(CHAT).webhook_url is None
    assert refused != ""
    await store_bot.sender.send(CHAT, OutgoingMessage(text="bot again"))
    assert [m["content"] for m in fake.messages[CHANNEL_ID]] == ["bot again"]


# --- with the real CommandService and storage ----------------------------------------

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def summarize_url(url: str) -> Story:
    """The summarize-one-URL callable of the command service, without any network."""
    return Story(
        article_id=0,
        title="مقال عند الطلب عن DeepSeek",
        url=url,
        bullets=("النقطة الأولى", "النقطة الثانية", "النقطة الثالثة"),
        published=None,
        source=Source("aitnews.com", url),
    )


@pytest.fixture
async def real_bot(fake: FakeDiscord, storage: SqlStorage) -> AsyncIterator[DiscordBot]:
    add_feed(storage)
    catalog = small_catalog()
    service = CommandService(storage, catalog, summarize_url, FakeClock(T0), CommandLimits())
    colours = {slug: topic.colour for slug in catalog.slugs if (topic := catalog.get(slug))}
    discord_bot = DiscordBot(
        fake.token,
        service,
        topic_colours=colours,
        chat_store=storage,
        guild_ready_timeout=0.05,
    )
    await discord_bot.start(ready_timeout=20)
    try:
        yield discord_bot
    finally:
        await discord_bot.stop()


@pytest.mark.parametrize(
    ("command", "options"),
    [
        ("help", None),
        ("topics", None),
        ("subscribe", {"topic_or_keyword": "ai DeepSeek"}),
        ("unsubscribe", {"topic_or_keyword": "all"}),
        ("subscriptions", None),
        ("digest", None),
        ("latest", {"n": 3}),
        ("summary", {"url": "https://aitnews.com/deepseek"}),
        ("schedule", {"value": "instant"}),
        ("feeds", None),
        ("lang", {"language": "en"}),
        ("health", None),
    ],
)
async def test_every_command_runs_through_the_real_service(
    fake: FakeDiscord,
    real_bot: DiscordBot,
    storage: SqlStorage,
    command: str,
    options: dict[str, Any] | None,
) -> None:
    add_article(storage, "DeepSeek تطلق نموذجًا", at=T0, topics=["ai"], url="https://t.example/1")
    interaction_id, first = await run_command(fake, command, options, user_id=ADMIN_USER_ID)
    if first["type"] == 5:
        token = f"itoken-{interaction_id}"
        answer = (await original_edits(fake, interaction_id))[0]
        answers = [answer, *fake.followups.get(token, [])]
    else:
        answers = [first["data"]]
    text = " ".join(a.get("content") or "" for a in answers)
    embeds = [e for a in answers for e in a.get("embeds") or []]
    assert text or embeds
    for lang in ("ar", "en"):
        assert discord.utils.escape_markdown(i18n.t("internal_error", lang)) not in text
        assert i18n.t("admins_only", lang) not in text
        assert discord.utils.escape_markdown(i18n.t("admins_only_discord", lang)) not in text
    if command == "summary":
        assert embeds[0]["url"] == "https://aitnews.com/deepseek"


async def test_members_may_read_but_not_change_a_channel(
    fake: FakeDiscord, real_bot: DiscordBot, storage: SqlStorage
) -> None:
    _, topics = await run_command(fake, "topics", user_id=MEMBER_USER_ID, locale="en-US")
    _, subscribe = await run_command(
        fake, "subscribe", {"topic_or_keyword": "ai"}, user_id=MEMBER_USER_ID, locale="en-US"
    )
    _, schedule = await run_command(
        fake, "schedule", {"value": "08:00"}, user_id=MEMBER_USER_ID, locale="en-US"
    )
    assert i18n.t("topics_header", "en") in topics["data"]["content"]
    for refused in (subscribe, schedule):
        assert refused["data"]["content"] == discord.utils.escape_markdown(
            i18n.t("admins_only_discord", "en")
        )
        assert "Manage Channels" in refused["data"]["content"]  # Discord's name for the right
        assert refused["data"]["flags"] & EPHEMERAL
    assert storage.get_chat(CHAT).topics == frozenset()
    assert storage.get_chat(CHAT).schedule_time is None


async def test_admin_subscribes_this_channel_and_schedules_another(
    fake: FakeDiscord, real_bot: DiscordBot, storage: SqlStorage
) -> None:
    await run_command(fake, "subscribe", {"topic_or_keyword": "ai"}, user_id=ADMIN_USER_ID)
    await run_command(
        fake,
        "schedule",
        {"value": "08:30 Asia/Riyadh", "channel": SECOND_CHANNEL_ID},
        user_id=ADMIN_USER_ID,
    )
    assert storage.get_chat(CHAT).topics == frozenset({"ai"})
    second = storage.get_chat(ChatRef(Platform.DISCORD, SECOND_CHANNEL_ID, ChatKind.CHANNEL))
    assert (second.schedule_time, second.timezone) == ("08:30", "Asia/Riyadh")
    assert second.mode is DeliveryMode.SCHEDULED
    assert storage.get_chat(CHAT).schedule_time is None


async def test_latest_twenty_stories_arrive_as_embeds_within_discord_limits(
    fake: FakeDiscord, real_bot: DiscordBot, storage: SqlStorage
) -> None:
    titles = [f"خبر تقني رقم {i}: DeepSeek و GPT-4o " + "ت" * 150 for i in range(20)]
    for i, title in enumerate(titles):
        add_article(
            storage,
            title,
            at=T0 - timedelta(minutes=i),
            topics=["ai"],
            url=f"https://t.example/{i}",
        )
    interaction_id, first = await run_command(fake, "latest", {"n": 20}, user_id=MEMBER_USER_ID)
    assert first["type"] == 5
    token = f"itoken-{interaction_id}"
    edits = await original_edits(fake, interaction_id)
    wanted = {f"https://t.example/{i}" for i in range(20)}

    def links() -> set[str]:
        bodies = [*edits, *fake.followups.get(token, [])]
        return {e.get("url") for b in bodies for e in b.get("embeds") or []}

    await fake.wait_for(lambda: links() >= wanted)
    bodies = [*edits, *fake.followups[token]]
    # The fake answers 400 to any message over Discord's limits; all were accepted.
    assert all(r.status < 400 for r in fake.requests if "/webhooks/" in r.path)
    assert all(len(b.get("embeds") or []) <= 10 for b in bodies)
    assert len(bodies) >= 3  # header, then 20 embeds need at least two more messages
    assert links() == wanted


async def test_digest_of_25_long_stories_is_split_into_valid_messages(
    fake: FakeDiscord, client: discord.Client
) -> None:
    stories = [
        Story(
            article_id=i,
            title=f"عنوان طويل جدًا للخبر {i} عن DeepSeek " + "ع" * 300,
            url=f"https://aitnews.com/{i}",
            bullets=tuple(f"النقطة {j} " + "ن" * 900 for j in range(5)),
            published=T0,
            source=Source("البوابة العربية للأخبار التقنية", "https://aitnews.com"),
            topics=("ai",),
        )
        for i in range(25)
    ]
    messages = discord_renderer({"ai": 0x7C3AED})(stories, "ملخص اليوم", "ar")
    sender = DiscordSender(client)
    for message in messages:
        await sender.send(CHAT, message)
    sent = fake.messages[CHANNEL_ID]
    assert len(sent) == len(messages) > 3
    assert sent[0]["content"] and not sent[0]["embeds"]  # the header comes first
    links = {e.get("url") for m in sent for e in m["embeds"]}
    assert {f"https://aitnews.com/{i}" for i in range(25)} <= links  # every story arrived


# --- telling admins about a paused channel --------------------------------------------


async def test_pause_notice_goes_to_the_system_channel(
    fake: FakeDiscord, probe: ProbeService
) -> None:
    fake.guilds[GUILD_ID].system_channel_id = SECOND_CHANNEL_ID
    discord_bot = DiscordBot(fake.token, probe, guild_ready_timeout=0.05)
    await discord_bot.start(ready_timeout=20)
    try:
        locked = ChatRef(Platform.DISCORD, LOCKED_CHANNEL_ID, ChatKind.CHANNEL)
        await discord_bot.on_pause(
            ChatSettings(chat=locked, language="en"), "403 Missing Permissions"
        )
    finally:
        await discord_bot.stop()
    (notice,) = fake.messages[SECOND_CHANNEL_ID]
    assert f"<#{LOCKED_CHANNEL_ID}>" in notice["content"]
    assert "403 Missing Permissions" in notice["content"]
    assert "Send Messages" in notice["content"]


async def test_pause_notice_falls_back_to_a_dm_to_the_owner(
    fake: FakeDiscord, bot: DiscordBot
) -> None:
    locked = ChatRef(Platform.DISCORD, LOCKED_CHANNEL_ID, ChatKind.CHANNEL)
    await bot.on_pause(ChatSettings(chat=locked, language="ar"), "403 Missing Permissions")
    ((dm_id, owner),) = fake.dm_channels.items()
    assert owner == OWNER_USER_ID
    (notice,) = fake.messages[dm_id]
    assert f"<#{LOCKED_CHANNEL_ID}>" in notice["content"] and "Arabic Tech" in notice["content"]
    assert set(fake.messages) == {dm_id}  # nothing posted in the server itself


# --- lifecycle and robustness --------------------------------------------------------


async def test_gateway_drop_is_resumed_and_commands_keep_working(
    fake: FakeDiscord, bot: DiscordBot, probe: ProbeService
) -> None:
    await fake.drop_connections(code=4000)
    await fake.wait_for(lambda: any(f.get("op") == 6 for f in fake.gateway_frames))
    await fake.wait_for(lambda: fake.connected)
    _, response = await run_command(fake, "help")
    assert response["data"]["content"].startswith("help")
    assert len(fake.identify_payloads) == 1  # resumed, not a new session


async def test_unknown_subcommand_and_failing_service_get_a_polite_answer(
    fake: FakeDiscord, bot: DiscordBot, probe: ProbeService
) -> None:
    _, unknown = await run_command(fake, "bogus", locale="en-US")
    assert unknown["data"]["content"] == i18n.t("unknown_command", "en", p="/news ", name="bogus")
    assert unknown["data"]["flags"] & EPHEMERAL

    async def broken(inv: Invocation, gate: PlatformGate) -> Reply:
        raise RuntimeError("bug")

    probe.handle = broken  # type: ignore[method-assign]
    _, failed = await run_command(fake, "topics", locale="en-US")
    assert failed["data"]["content"] == discord.utils.escape_markdown(
        i18n.t("internal_error", "en")
    )
    assert failed["data"]["flags"] & EPHEMERAL


async def test_rejected_token_is_a_config_error(fake: FakeDiscord, probe: ProbeService) -> None:
    discord_bot = DiscordBot("wrong-token", probe)
    with pytest.raises(ConfigError, match="NEWSDIGEST_DISCORD_TOKEN"):
        await discord_bot.start(ready_timeout=20)
    await discord_bot.stop()
    assert not fake.identify_payloads


async def test_api_base_url_finds_the_gateway_and_is_restored_on_stop(probe: ProbeService) -> None:
    default_base = Route.BASE
    default_gateway = DiscordWebSocket.DEFAULT_GATEWAY
    async with FakeDiscord() as proxy:
        discord_bot = DiscordBot(
            proxy.token, probe, api_base_url=proxy.api_base, guild_ready_timeout=0.05
        )
        await discord_bot.start(ready_timeout=20)
        try:
            assert proxy.requests_to("GET", "/gateway/bot")
            assert proxy.identify_payloads  # connected to the gateway /gateway/bot named
        finally:
            await discord_bot.stop()
    assert (default_base, default_gateway) == (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)


# --- the delivery worker through the real Discord sender ------------------------------


class Outbox:
    """Real SQLite outbox + DeliveryWorker whose Discord route is our DiscordSender."""

    def __init__(
        self,
        db_url: str,
        sender: DiscordSender,
        clock: FakeClock,
        on_pause: Any = None,
        route: PlatformRoute | None = None,
    ):
        self.storage = SqlStorage.from_url(db_url)
        self.clock = clock
        sleeper = FakeSleeper(clock)
        route = route or PlatformRoute(
            sender, discord_renderer({"ai": 0x7C3AED}), RateLimiter(DISCORD_LIMITS, clock, sleeper)
        )
        self.worker = DeliveryWorker(
            self.storage,
            {Platform.DISCORD: route},
            clock,
            random=lambda: 0.5,
            sleep=sleeper,
            on_pause=on_pause,
        )

    def queue(self, chat: ChatRef, article_ids: list[int]) -> int:
        return self.storage.enqueue(chat, article_ids, due_at=self.clock.now())


def story_links(fake: FakeDiscord, channel_id: str) -> list[str]:
    return [
        e["url"] for m in fake.messages.get(channel_id, []) for e in m["embeds"] if e.get("url")
    ]


def seed(storage: SqlStorage, count: int) -> list[int]:
    add_feed(storage)
    storage.save_chat(ChatSettings(chat=CHAT, topics=frozenset({"ai"})))
    return [
        add_article(
            storage,
            f"خبر {i} عن DeepSeek",
            at=T0 - timedelta(minutes=i),
            topics=["ai"],
            url=f"https://t.example/{i}",
        )
        for i in range(count)
    ]


async def test_at_most_once_per_channel_and_article_across_a_restart(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    db_url = f"sqlite:///{tmp_path / 'outbox.db'}"
    clock = FakeClock(T0)
    first_client = discord.Client(intents=discord.Intents(guilds=True))
    await first_client.login(fake.token)
    try:
        outbox = Outbox(db_url, DiscordSender(first_client), clock)
        ids = seed(outbox.storage, 4)
        assert outbox.queue(CHAT, ids) == 4
        # The second message hits a server error: the rest of the channel's rows wait.
        fake.fail("POST", rf"/channels/{CHANNEL_ID}/messages", 503, after=1)
        report = await outbox.worker.drain()
        assert report.sent == 1 and report.retried == 3
        outbox.storage.close()
    finally:
        await first_client.close()

    # Restart: new process state, same database file. The pipeline re-queues everything.
    clock.advance(3600)
    second_client = discord.Client(intents=discord.Intents(guilds=True))
    await second_client.login(fake.token)
    try:
        restarted = Outbox(db_url, DiscordSender(second_client), clock)
        assert restarted.queue(CHAT, ids) == 0  # unique per (channel, article)
        await restarted.worker.drain()
        await restarted.worker.drain()
        restarted.storage.close()
    finally:
        await second_client.close()
    links = story_links(fake, CHANNEL_ID)
    assert sorted(links) == sorted(f"https://t.example/{i}" for i in range(4))  # each once


async def test_rate_limits_lose_nothing_and_repeat_nothing(
    fake: FakeDiscord, client: discord.Client, tmp_path: Path
) -> None:
    clock = FakeClock(T0)
    outbox = Outbox(f"sqlite:///{tmp_path / 'o.db'}", DiscordSender(client), clock)
    ids = seed(outbox.storage, 3)
    outbox.queue(CHAT, ids)
    fake.fail("POST", rf"/channels/{CHANNEL_ID}/messages", 429, retry_after=0.05)  # waited out
    fake.fail("POST", rf"/channels/{CHANNEL_ID}/messages", 429, retry_after=600.0)  # too long
    await outbox.worker.drain()
    assert len(story_links(fake, CHANNEL_ID)) < 3  # some wait for the long rate limit
    clock.advance(601)
    await outbox.worker.drain()
    assert sorted(story_links(fake, CHANNEL_ID)) == sorted(
        f"https://t.example/{i}" for i in range(3)
    )
    assert outbox.storage.count_pending() == 0
    outbox.storage.close()


async def test_forbidden_or_deleted_channel_is_paused_and_admins_are_told(
    fake: FakeDiscord, bot: DiscordBot, tmp_path: Path
) -> None:
    clock = FakeClock(T0)
    outbox = Outbox(
        f"sqlite:///{tmp_path / 'p.db'}", bot.sender, clock, on_pause=bot.on_pause, route=bot.route
    )
    ids = seed(outbox.storage, 2)
    locked = ChatRef(Platform.DISCORD, LOCKED_CHANNEL_ID, ChatKind.CHANNEL)
    gone = ChatRef(Platform.DISCORD, SECOND_CHANNEL_ID, ChatKind.CHANNEL)
    for chat in (locked, gone):
        outbox.storage.save_chat(ChatSettings(chat=chat, topics=frozenset({"ai"}), language="en"))
        outbox.queue(chat, ids)
    fake.delete_channel(SECOND_CHANNEL_ID)
    report = await outbox.worker.drain()
    assert report.paused_chats == 2
    assert outbox.storage.get_chat(locked).paused_reason
    assert outbox.storage.get_chat(gone).paused_reason
    assert outbox.storage.count_pending() == 0  # nothing retried blindly
    notices = [m["content"] for dm in fake.dm_channels for m in fake.messages.get(dm, [])]
    assert any(f"<#{LOCKED_CHANNEL_ID}>" in n for n in notices)
    outbox.storage.close()


@pytest.mark.parametrize("locale", ["en-US", "ar"])
async def test_help_is_written_for_discord(
    fake: FakeDiscord, real_bot: DiscordBot, locale: str
) -> None:
    interaction_id, first = await run_command(fake, "help", locale=locale)
    text = first["data"]["content"] if first["type"] == 4 else ""
    if not text:
        text = (await original_edits(fake, interaction_id))[0]["content"]
    lang = "en" if locale == "en-US" else "ar"
    footer = discord.utils.escape_markdown(i18n.t("help_footer_discord", lang, p="/news "))

    def whole_help() -> str | None:
        # A help longer than one message (2,000 characters) goes on in follow-ups.
        sent = fake.followups.get(f"itoken-{interaction_id}", [])
        joined = "\n".join([text, *(m.get("content") or "" for m in sent)])
        return joined if footer in joined else None

    text = await fake.wait_for(whole_help)
    assert footer in text
    assert "/news webhook" in text and "Manage Channels" in text
    for telegram_only in (i18n.t("help_footer", lang, p="/news "), "@channel", "@القناة"):
        assert telegram_only not in text  # no "manage a channel from a private chat"
