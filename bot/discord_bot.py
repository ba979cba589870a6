"""The Discord adapter: slash commands under ``/news``, a ChatSender and a PlatformGate.

Commands are written once in ``bot.commands.CommandService``; this module only turns an
interaction into an ``Invocation``, answers the gate's questions from Discord's permission
data, and renders the ``Reply`` (text as message content, stories as embeds).

discord.py keeps its REST base (``discord.http.Route.BASE``) and default gateway
(``DiscordWebSocket.DEFAULT_GATEWAY``) as class attributes, so a custom ``api_base_url``
applies to the whole process: one Discord bot per process.

Discord has no Arabic client locale, so command descriptions are registered with the
Arabic text as the default and English as the ``en-US``/``en-GB`` localisation.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any, Protocol

import aiohttp
import discord
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot import i18n
from bot.chat import Invocation, PlatformGate, Reply
from bot.delivery import (
    DISCORD_LIMITS,
    PlatformRoute,
    RateLimiter,
    chat_zone,
    discord_renderer,
)
from bot.discord_sender import (
    _NO_MENTIONS,
    DEFAULT_RETRY_SECONDS,
    MAX_CONTENT,
    MAX_EMBEDS_PER_MESSAGE,
    ChatStore,
    DiscordSender,
    TokenRedactor,
    WebhookLookup,
    WebhookTarget,
    parse_webhook_url,
    stored_webhooks,
    translate_error,
)
from bot.reply_text import echo, refusal_reason
from digest.clock import SystemClock
from digest.errors import (
    ChatForbidden,
    ChatNotFound,
    ConfigError,
    DeliveryError,
    MessageRejected,
)
from digest.format.discord import render_discord
from digest.models import ChatKind, ChatRef, ChatSettings, Platform

# The delivery side lives in bot.discord_sender; these names stay importable from here.
__all__ = [
    "DEFAULT_RETRY_SECONDS",
    "MAX_CONTENT",
    "MAX_EMBEDS_PER_MESSAGE",
    "SLOW_COMMANDS",
    "ChatStore",
    "DiscordBot",
    "DiscordGate",
    "DiscordSender",
    "TokenRedactor",
    "WebhookLookup",
    "WebhookTarget",
    "invite_url",
    "parse_webhook_url",
    "render_reply",
    "split_text",
    "stored_webhooks",
    "translate_error",
]

# Permissions the bot needs where it posts: View Channel, Send Messages, Embed Links,
# Read Message History. Manage Webhooks is only needed to create webhooks, which we
# leave to the server's admins. Used in the README's invite link.
BOT_PERMISSIONS = discord.Permissions(
    view_channel=True, send_messages=True, embed_links=True, read_message_history=True
)


def invite_url(application_id: int | str) -> str:
    """The link a server admin opens to add the bot with the permissions it needs."""
    return discord.utils.oauth_url(
        int(application_id),
        permissions=BOT_PERMISSIONS,
        scopes=("bot", "applications.commands"),
    )


_CHANNEL_REF = re.compile(r"^(?:<#(\d{15,21})>|(\d{15,21}))$")

# Commands that may take long (fetch, summarise, query many stories): answer "thinking…"
# at once instead of risking Discord's 3-second limit.
SLOW_COMMANDS = frozenset({"summary", "digest", "latest", "addfeed"})
# Commands after which the bot will post in the channel: it must be able to.
_NEEDS_POSTING = frozenset({"subscribe", "schedule", "addfeed"})
# Others are answered directly when the command service is quick, deferred otherwise.
DEFER_AFTER_SECONDS = 2.0


# --- gate ----------------------------------------------------------------------------


class TargetRefused(PermissionError):
    """A channel named in a command may not be managed. `code` lets the command layer pick
    a text: not_admin | other_server | bot_cannot_post | not_text | unavailable;
    `reason_in(lang)` words it for the user (the English message is for logs)."""

    def __init__(self, target: str, code: str, message: str, **values: str) -> None:
        super().__init__(message)
        self.target = target
        self.code = code
        self.values = values

    def reason_in(self, lang: str) -> str:
        key = f"refused_{self.code}"
        if key in _DISCORD_TEXTS:
            return _discord_text(key, lang, target=self.target, **self.values)
        if key in i18n.message_keys():  # not_text, unavailable: the shared texts
            return i18n.t(key, lang, target=echo(self.target))
        return i18n.t("refused_other", lang, target=echo(self.target))


class TargetNotFound(LookupError):
    """Discord does not know the channel named in the arguments (or the bot cannot see it)."""

    def __init__(self, target: str, message: str, *, visible: bool = True) -> None:
        super().__init__(message)
        self.target = target
        self.visible = visible  # False: a channel id the bot cannot see

    def reason_in(self, lang: str) -> str:
        key = "target_not_a_channel" if self.visible else "target_not_seen"
        return _discord_text(key, lang, target=echo(self.target))


def refusal_text(error: Exception, target: str, lang: str) -> str:
    """Why a channel option was refused, in `lang` (never the exception's English)."""
    reason_in = getattr(error, "reason_in", None)
    if callable(reason_in):
        return str(reason_in(lang))
    if isinstance(error, PermissionError):
        return refusal_reason(error, target, lang)
    return i18n.t("refused_unavailable", lang)


def can_manage(permissions: discord.Permissions) -> bool:
    """Manage Channels or Manage Server (Administrator implies both) = may change what a
    channel receives."""
    return bool(
        permissions.administrator or permissions.manage_channels or permissions.manage_guild
    )


def missing_post_permissions(permissions: discord.Permissions) -> list[str]:
    """What the bot lacks to post story embeds (empty when it can)."""
    needed = {
        "View Channel": permissions.view_channel,
        "Send Messages": permissions.send_messages,
        "Embed Links": permissions.embed_links,
    }
    return [name for name, ok in needed.items() if not ok]


def parse_channel_ref(ref: str) -> int | None:
    """'<#123…>' or a bare channel id → the id; None for anything else."""
    match = _CHANNEL_REF.match(ref.strip())
    if not match:
        return None
    return int(match.group(1) or match.group(2))


def chat_of(channel_id: int, in_guild: bool) -> ChatRef:
    return ChatRef(
        Platform.DISCORD, str(channel_id), ChatKind.CHANNEL if in_guild else ChatKind.PRIVATE
    )


_TEXT_CHANNELS = (discord.TextChannel, discord.Thread)

# What a `channel` option offers: channels the bot can post stories in -- text (0),
# announcement (5) and threads (10, 11, 12). Not voice (2), categories (4), stage (13),
# forums (15) or media (16): forums need a post (thread) per message, which the sender
# does not create, so they stay out until it does.
POSTABLE_CHANNEL_TYPES = (
    discord.ChannelType.text,
    discord.ChannelType.news,
    discord.ChannelType.news_thread,
    discord.ChannelType.public_thread,
    discord.ChannelType.private_thread,
)

AnyChannel = app_commands.AppCommandChannel | app_commands.AppCommandThread


class PostableChannel(app_commands.Transformer):
    """The type of every ``channel`` option: Discord's picker offers only
    POSTABLE_CHANNEL_TYPES. The value passes through unchanged; DiscordGate.resolve_target
    still refuses anything else (a client may send any channel id)."""

    @property
    def type(self) -> discord.AppCommandOptionType:
        return discord.AppCommandOptionType.channel

    @property
    def channel_types(self) -> list[discord.ChannelType]:
        return list(POSTABLE_CHANNEL_TYPES)

    async def transform(self, interaction: discord.Interaction[Any], value: Any, /) -> Any:
        return value


ChannelOption = app_commands.Transform[AnyChannel, PostableChannel]


class DiscordGate:
    """PlatformGate for one interaction: Discord sends the invoker's permissions with it,
    and the guild cache (guilds intent) answers for other channels of the same server."""

    def __init__(self, interaction: discord.Interaction[Any], client: discord.Client) -> None:
        self._interaction = interaction
        self._client = client

    async def is_admin(self, chat: ChatRef, user_id: str) -> bool:
        """DMs: always. Server channels: Manage Channels or Manage Server there."""
        if chat.kind is ChatKind.PRIVATE:
            return True
        interaction = self._interaction
        if interaction.guild_id is None:
            return False
        if str(interaction.channel_id) == chat.chat_id and str(interaction.user.id) == user_id:
            return can_manage(interaction.permissions)
        try:
            channel = await self._channel(int(chat.chat_id))
            member = await self._member(user_id)
        except (TargetNotFound, TargetRefused, ValueError):
            return False
        if channel is None or member is None or channel.guild.id != interaction.guild_id:
            return False
        return can_manage(channel.permissions_for(member))

    async def resolve_target(self, ref: str, user_id: str) -> ChatRef:
        """'<#id>' or an id of a channel in this server → ChatRef, if the user may manage
        it and the bot can post there. Raises TargetNotFound or TargetRefused."""
        channel_id = parse_channel_ref(ref)
        if channel_id is None:
            raise TargetNotFound(ref, f"{ref!r} is not a channel: mention it like #news")
        interaction = self._interaction
        if interaction.guild_id is None:
            raise TargetRefused(ref, "other_server", "name a channel from a server, not a DM")
        channel = await self._channel(channel_id)
        if channel is None:
            raise TargetNotFound(
                ref, f"I cannot see <#{channel_id}>; check the bot is invited", visible=False
            )
        if channel.guild.id != interaction.guild_id:
            raise TargetRefused(ref, "other_server", "that channel is in another server")
        if not isinstance(channel, _TEXT_CHANNELS):
            raise TargetRefused(ref, "not_text", f"<#{channel_id}> is not a text channel")
        member = await self._member(user_id)
        if member is None or not can_manage(channel.permissions_for(member)):
            raise TargetRefused(
                ref,
                "not_admin",
                f"you need Manage Channels or Manage Server in <#{channel_id}>",
            )
        me = channel.guild.me
        if me is None:
            raise TargetRefused(ref, "unavailable", "could not check the bot's permissions")
        missing = missing_post_permissions(channel.permissions_for(me))
        if missing:
            raise TargetRefused(
                ref,
                "bot_cannot_post",
                f"give the bot {', '.join(missing)} in <#{channel_id}>",
                missing=", ".join(missing),
            )
        return chat_of(channel_id, in_guild=True)

    async def _channel(self, channel_id: int) -> discord.abc.GuildChannel | discord.Thread | None:
        guild = self._interaction.guild
        cached = guild.get_channel_or_thread(channel_id) if guild is not None else None
        if cached is None:
            cached = self._client.get_channel(channel_id)  # type: ignore[assignment]
        if cached is not None:
            return (
                cached if isinstance(cached, (discord.abc.GuildChannel, discord.Thread)) else None
            )
        try:
            fetched = await self._client.fetch_channel(channel_id)
        except discord.NotFound:
            return None
        except discord.Forbidden:
            return None
        except (discord.HTTPException, aiohttp.ClientError) as exc:
            raise TargetRefused(str(channel_id), "unavailable", "Discord did not answer") from exc
        if isinstance(fetched, (discord.abc.GuildChannel, discord.Thread)):
            return fetched
        return None

    async def _member(self, user_id: str) -> discord.Member | None:
        user = self._interaction.user
        if isinstance(user, discord.Member) and str(user.id) == user_id:
            return user
        guild = self._interaction.guild
        if guild is None:
            return None
        member = guild.get_member(int(user_id))
        if member is not None:
            return member
        try:
            return await guild.fetch_member(int(user_id))
        except discord.HTTPException:
            return None


# --- reply rendering -----------------------------------------------------------------

Payload = Mapping[str, Any]  # {"content": str, "embeds": [embed dicts]}
ReplyRenderer = Callable[[Reply], Sequence[Payload]]


def split_text(text: str, limit: int = MAX_CONTENT) -> list[str]:
    """Split text into chunks of at most `limit` characters, at line breaks where possible,
    else at spaces, else hard."""
    chunks: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit + 1)
        if cut <= 0:
            cut = rest.rfind(" ", 0, limit + 1)
        if cut <= 0:  # no separator: cut hard and keep every character
            chunks.append(rest[:limit])
            rest = rest[limit:]
            continue
        chunks.append(rest[:cut])
        rest = rest[cut + 1 :]  # drop only the separator we cut at
    if rest.strip():
        chunks.append(rest)
    return chunks


def render_reply(
    reply: Reply, *, topic_colours: Mapping[str, int] | None = None
) -> list[dict[str, Any]]:
    """The default ReplyRenderer: text as message content (markdown escaped, split at 2000
    characters), stories as embeds via digest.format.discord.render_discord."""
    payloads: list[dict[str, Any]] = [
        {"content": chunk, "embeds": []}
        for chunk in split_text(discord.utils.escape_markdown(reply.text))
    ]
    if reply.stories:
        payloads.extend(
            dict(p)
            for p in render_discord(
                list(reply.stories),
                header=reply.header,
                language=reply.language,
                topic_colours=dict(topic_colours or {}),
                zone=chat_zone(reply.timezone),
            )
        )
    return payloads


# --- the bot -------------------------------------------------------------------------


class CommandHandler(Protocol):
    """What the adapter needs from bot.commands.CommandService."""

    async def handle(self, inv: Invocation, gate: PlatformGate) -> Reply: ...


_ENGLISH_LOCALES = frozenset({discord.Locale.american_english, discord.Locale.british_english})

# Texts only Discord shows (the group and its options); command descriptions come from
# bot.i18n. (Arabic default, English localisation.)
_GROUP_DESCRIPTION = ("أخبار التقنية العربية في نقاط", "Arabic tech news in key points")
_OPTION_TEXTS: Mapping[str, tuple[str, str]] = {
    "topic_or_keyword": (
        "موضوع (مثل ai) أو كلمة مفتاحية أو all",
        "A topic (like ai), a keyword, or all",
    ),
    "channel": ("القناة المقصودة (الافتراضي: هذه القناة)", "Which channel (default: this one)"),
    "value": ("HH:MM [المنطقة الزمنية] أو instant أو off", "HH:MM [timezone], instant or off"),
    "n": ("عدد الأخبار من 1 إلى 20", "How many stories, 1-20"),
    "url": ("رابط المقال", "The article's link"),
    "feed_url": ("رابط الموقع أو خلاصة RSS", "The site's or RSS feed's link"),
    "feed_ref": ("الرابط أو رقمه في القائمة", "The link, or its number in the list"),
    "language": ("لغة الردود", "Reply language"),
    "images_state": ("صورة الخبر في المنشورات الفورية", "The story's image in instant posts"),
    "webhook_url": (
        "رابط الـ webhook من إعدادات القناة، أو off للإيقاف",
        "The webhook link from the channel's settings, or off",
    ),
    "webhook_name": ("اسم يظهر على الرسائل (اختياري)", "Name shown on the posts (optional)"),
    "webhook_avatar": ("رابط https لصورة (اختياري)", "An https image link (optional)"),
}
# Texts only the Discord adapter shows (/news webhook, pause notices).
_DISCORD_TEXTS: Mapping[str, tuple[str, str]] = {
    "webhook_set": (
        "ستصل أخبار {channel} عبر الـ webhook من الآن.{resumed}",
        "Stories for {channel} now go through the webhook.{resumed}",
    ),
    "webhook_off": (
        "أُوقف النشر عبر webhook في هذه القناة؛ سينشر البوت بنفسه.{resumed}",
        "Webhook delivery is off for this channel; the bot posts itself.{resumed}",
    ),
    "webhook_bad_url": (
        "هذا ليس رابط webhook. انسخه من إعدادات القناة ← التكامل ← Webhooks.",
        "That is not a webhook link. Copy it from Channel settings → Integrations → Webhooks.",
    ),
    "webhook_unknown": (
        "لا يعرف Discord هذا الـ webhook (ربما حُذف).",
        "Discord does not know that webhook (was it deleted?).",
    ),
    "webhook_unavailable": (
        "تعذّر التحقق من الـ webhook الآن؛ حاول لاحقًا.",
        "Could not check the webhook right now; try again later.",
    ),
    # Why a channel option was refused (TargetRefused / TargetNotFound.reason_in).
    "refused_not_admin": (
        "تحتاج صلاحية Manage Channels أو Manage Server في {target}",
        "you need Manage Channels or Manage Server in {target}",
    ),
    "refused_bot_cannot_post": (
        "امنح البوت {missing} في {target}",
        "give the bot {missing} in {target}",
    ),
    "refused_other_server": (
        "{target} ليست من قنوات هذا الخادم؛ اختر قناة من الخادم نفسه",
        "{target} is not a channel of this server; pick one from this server",
    ),
    "target_not_a_channel": (
        "{target} ليست قناة؛ اذكرها هكذا: #news",
        "{target} is not a channel: mention it like #news",
    ),
    "target_not_seen": (
        "لا أرى {target}؛ تأكد أن البوت مدعو ويستطيع رؤيتها",
        "I cannot see {target}; check that the bot is invited and can view it",
    ),
    "webhook_refused": ("لا يمكن استخدام {channel}: {reason}", "Cannot use {channel}: {reason}"),
    "webhook_admins_only": (
        "تغيير طريقة النشر متاح لمن يملك صلاحية إدارة القنوات فقط.",
        "Only members with Manage Channels can change how this channel is posted to.",
    ),
    "webhook_bad_avatar": (
        "رابط الصورة يجب أن يبدأ بـ https://",
        "The avatar link must start with https://",
    ),
    "webhook_bad_name": (
        "لا يقبل Discord اسمًا يحتوي على discord أو clyde.",
        "Discord does not accept names containing 'discord' or 'clyde'.",
    ),
    "paused_notice": (
        "توقّف نشر الأخبار في {channel} على خادم «{server}»: {reason}\n"
        "أصلحوا صلاحيات البوت هناك (عرض القناة، إرسال الرسائل، تضمين الروابط)، ثم شغّلوا"
        " /news subscribe أو /news schedule في تلك القناة لاستئناف النشر.",
        "newsdigest stopped posting to {channel} on “{server}”: {reason}\n"
        "Give the bot View Channel, Send Messages and Embed Links there, then run"
        " /news subscribe or /news schedule in that channel to resume.",
    ),
    "paused_notice_webhook": (
        "توقّف نشر الأخبار في {channel} على خادم «{server}»: {reason}\n"
        "لاستئناف النشر: أنشئوا webhook جديدًا في إعدادات القناة ← التكامل ← Webhooks وشغّلوا"
        " /news webhook بالرابط الجديد، أو أعطوا البوت صلاحيات عرض القناة وإرسال الرسائل"
        " وتضمين الروابط هناك ثم شغّلوا /news webhook off في تلك القناة.",
        "newsdigest stopped posting to {channel} on “{server}”: {reason}\n"
        "To resume, create a new webhook (Channel settings → Integrations → Webhooks) and run"
        " /news webhook with its URL, or give the bot View Channel, Send Messages and Embed"
        " Links there and run /news webhook off in that channel.",
    ),
    "webhook_dropped_notice": (
        "حُذف الـ webhook الذي كانت أخبار {channel} على خادم «{server}» تُنشر عبره ({reason})،"
        " فصار البوت ينشرها بنفسه ولم يضِع شيء. لاستعمال webhook من جديد أنشئوا واحدًا وشغّلوا"
        " /news webhook بالرابط الجديد.",
        "The webhook that posted the news in {channel} on “{server}” was deleted ({reason});"
        " the bot posts there itself now and nothing was lost. To use a webhook again, create"
        " one and run /news webhook with its URL.",
    ),
    "bot_cannot_post": ("أعطوا البوت صلاحيات: {missing}", "give the bot {missing}"),
    "webhook_guild_only": ("الـ webhooks متاحة في الخوادم فقط.", "Webhooks only exist in servers."),
}


def _resumed(before: ChatSettings, lang: str) -> str:
    """The "deliveries resume" line for an answer, when the channel was paused."""
    return "\n" + i18n.t("resumed", lang) if before.paused_reason is not None else ""


def _discord_text(key: str, lang: str, **values: object) -> str:
    ar, en = _DISCORD_TEXTS[key]
    return i18n.rtl_safe((en if lang == "en" else ar).format(**values), lang)


def _text(ar: str, en: str) -> app_commands.locale_str:
    return app_commands.locale_str(ar, en=en)


def _command_text(name: str) -> app_commands.locale_str:
    return _text(i18n.command_description(name, "ar"), i18n.command_description(name, "en"))


def _option_text(name: str) -> app_commands.locale_str:
    ar, en = _OPTION_TEXTS[name]
    return _text(ar, en)


class I18nTranslator(app_commands.Translator):
    """Gives Discord the English text of each description for English clients; every
    other locale sees the Arabic default (Discord has no Arabic locale)."""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        if locale in _ENGLISH_LOCALES:
            english = string.extras.get("en")
            return str(english) if english else None
        return None


class _NewsClient(discord.Client):
    def __init__(self, bot: DiscordBot, **options: Any) -> None:
        super().__init__(**options)
        self._bot = bot
        self.tree: app_commands.CommandTree[_NewsClient] = app_commands.CommandTree(self)

    async def setup_hook(self) -> None:
        await self._bot._setup(self.tree)


def _locale_code(locale: object) -> str:
    value = getattr(locale, "value", locale)
    return str(value)


class DiscordBot:
    """The Discord side of ``newsdigest run``: slash commands and the sender."""

    def __init__(
        self,
        token: str,
        command_service: CommandHandler,
        renderer: ReplyRenderer | None = None,
        *,
        topic_colours: Mapping[str, int] | None = None,
        limiter: RateLimiter | None = None,
        api_base_url: str | None = None,
        gateway_url: str | None = None,
        logger: logging.Logger | None = None,
        webhooks: WebhookLookup | None = None,
        chat_store: ChatStore | None = None,
        sync_commands: bool = True,
        max_ratelimit_timeout: float = 30.0,
        guild_ready_timeout: float = 2.0,
        defer_after: float = DEFER_AFTER_SECONDS,
    ) -> None:
        if not token:
            raise ConfigError("NEWSDIGEST_DISCORD_TOKEN is empty")
        self._token = token
        self._service = command_service
        self._colours = dict(topic_colours or {})
        self._render = renderer or functools.partial(render_reply, topic_colours=self._colours)
        self._limiter = limiter or RateLimiter(DISCORD_LIMITS, SystemClock())
        self._api_base_url = api_base_url.rstrip("/") if api_base_url else None
        self._gateway_url = gateway_url
        self._log = logger or logging.getLogger(__name__)
        self._sync = sync_commands
        self._defer_after = defer_after
        self._redactor = TokenRedactor(token)
        self._client = _NewsClient(
            self,
            intents=discord.Intents(guilds=True),  # no privileged intents needed
            max_ratelimit_timeout=max_ratelimit_timeout,
            guild_ready_timeout=guild_ready_timeout,
            allowed_mentions=_NO_MENTIONS,
        )
        self._chat_store = chat_store
        if webhooks is None and chat_store is not None:
            webhooks = stored_webhooks(chat_store)
        self._client.tree.add_command(self._build_group())
        self._client.tree.error(self._on_tree_error)
        self._sender = DiscordSender(
            self._client,
            webhooks=webhooks,
            redactor=self._redactor,
            on_dead_webhook=self._on_dead_webhook,
            logger=self._log,
        )
        self._connect_task: asyncio.Task[None] | None = None
        self._saved_bases: tuple[str, yarl.URL] | None = None
        self.synced: list[app_commands.AppCommand] = []

    @property
    def sender(self) -> DiscordSender:
        return self._sender

    @property
    def route(self) -> PlatformRoute:
        """What the DeliveryWorker needs for Discord: this bot's sender, the Discord story
        renderer (with the topic colours) and the rate limiter."""
        return PlatformRoute(
            sender=self._sender, render=discord_renderer(self._colours), limiter=self._limiter
        )

    @property
    def client(self) -> discord.Client:
        return self._client

    @property
    def tree(self) -> app_commands.CommandTree[Any]:
        return self._client.tree

    # --- lifecycle -------------------------------------------------------------------

    async def start(self, *, ready_timeout: float = 60.0) -> None:
        """Log in, sync the slash commands, connect to the gateway and wait for READY.
        Raises ConfigError for a rejected token."""
        self._redactor.install([self._log])
        if self._api_base_url is not None:
            self._saved_bases = (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)
            Route.BASE = self._api_base_url
        try:
            await self._client.login(self._token)
        except discord.LoginFailure:
            await self._client.close()
            raise ConfigError("Discord rejected NEWSDIGEST_DISCORD_TOKEN") from None
        if self._gateway_url is not None:
            DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self._gateway_url)
        elif self._api_base_url is not None:
            # A self-hosted proxy tells us its gateway like Discord does.
            _, url, _ = await self._client.http.get_bot_gateway()
            DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(url)
        self._connect_task = asyncio.create_task(self._client.connect(reconnect=True))
        ready = asyncio.create_task(self._client.wait_until_ready())
        done, _ = await asyncio.wait(
            {ready, self._connect_task},
            timeout=ready_timeout,
            return_when=asyncio.FIRST_COMPLETED,
        )
        if ready not in done:
            ready.cancel()
            if self._connect_task in done:
                self._connect_task.result()  # re-raise why the gateway failed
            raise TimeoutError("Discord gateway did not send READY")
        self._log.info(
            "discord: connected as %s; invite link: %s",
            self._client.user,
            invite_url(self._client.application_id or 0),
        )

    async def stop(self) -> None:
        await self._client.close()
        if self._connect_task is not None:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await self._connect_task
            self._connect_task = None
        await self._sender.aclose()
        if self._saved_bases is not None:
            Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = self._saved_bases
            self._saved_bases = None
        self._redactor.uninstall()

    async def _setup(self, tree: app_commands.CommandTree[Any]) -> None:
        await tree.set_translator(I18nTranslator())
        if self._sync:
            self.synced = await tree.sync()
            self._log.info("discord: synced %d application command(s)", len(self.synced))

    # --- commands --------------------------------------------------------------------

    def _build_group(self) -> app_commands.Group:
        group = app_commands.Group(name="news", description=_text(*_GROUP_DESCRIPTION))
        run = self._run

        @group.command(name="help", description=_command_text("help"))
        async def help_(interaction: discord.Interaction[Any]) -> None:
            await run(interaction, "help")

        @group.command(name="topics", description=_command_text("topics"))
        async def topics(interaction: discord.Interaction[Any]) -> None:
            await run(interaction, "topics")

        @group.command(name="subscribe", description=_command_text("subscribe"))
        @app_commands.describe(
            topic_or_keyword=_option_text("topic_or_keyword"), channel=_option_text("channel")
        )
        async def subscribe(
            interaction: discord.Interaction[Any],
            topic_or_keyword: str,
            channel: ChannelOption | None = None,
        ) -> None:
            await run(interaction, "subscribe", topic_or_keyword.split(), channel)

        @group.command(name="unsubscribe", description=_command_text("unsubscribe"))
        @app_commands.describe(
            topic_or_keyword=_option_text("topic_or_keyword"), channel=_option_text("channel")
        )
        async def unsubscribe(
            interaction: discord.Interaction[Any],
            topic_or_keyword: str,
            channel: ChannelOption | None = None,
        ) -> None:
            await run(interaction, "unsubscribe", topic_or_keyword.split(), channel)

        @group.command(name="subscriptions", description=_command_text("subscriptions"))
        @app_commands.describe(channel=_option_text("channel"))
        async def subscriptions(
            interaction: discord.Interaction[Any],
            channel: ChannelOption | None = None,
        ) -> None:
            await run(interaction, "mysubs", (), channel)

        @group.command(name="digest", description=_command_text("digest"))
        async def digest(interaction: discord.Interaction[Any]) -> None:
            await run(interaction, "digest")

        @group.command(name="latest", description=_command_text("latest"))
        @app_commands.describe(n=_option_text("n"))
        async def latest(
            interaction: discord.Interaction[Any],
            n: app_commands.Range[int, 1, 20] | None = None,
        ) -> None:
            await run(interaction, "latest", () if n is None else (str(n),))

        @group.command(name="summary", description=_command_text("summary"))
        @app_commands.describe(url=_option_text("url"))
        async def summary(interaction: discord.Interaction[Any], url: str) -> None:
            await run(interaction, "summary", (url.strip(),))

        @group.command(name="schedule", description=_command_text("schedule"))
        @app_commands.describe(value=_option_text("value"), channel=_option_text("channel"))
        async def schedule(
            interaction: discord.Interaction[Any],
            value: str,
            channel: ChannelOption | None = None,
        ) -> None:
            await run(interaction, "schedule", value.split(), channel)

        @group.command(name="feeds", description=_command_text("feeds"))
        async def feeds(interaction: discord.Interaction[Any]) -> None:
            await run(interaction, "feeds")

        feed = app_commands.Group(name="feed", description=_command_text("myfeeds"), parent=group)

        @feed.command(name="add", description=_command_text("addfeed"))
        @app_commands.describe(url=_option_text("feed_url"), channel=_option_text("channel"))
        async def feed_add(
            interaction: discord.Interaction[Any],
            url: str,
            channel: ChannelOption | None = None,
        ) -> None:
            await run(interaction, "addfeed", (url.strip(),), channel)

        @feed.command(name="remove", description=_command_text("removefeed"))
        @app_commands.describe(feed=_option_text("feed_ref"), channel=_option_text("channel"))
        async def feed_remove(
            interaction: discord.Interaction[Any],
            feed: str,
            channel: ChannelOption | None = None,
        ) -> None:
            await run(interaction, "removefeed", (feed.strip(),), channel)

        @feed.command(name="list", description=_command_text("myfeeds"))
        @app_commands.describe(channel=_option_text("channel"))
        async def feed_list(
            interaction: discord.Interaction[Any],
            channel: ChannelOption | None = None,
        ) -> None:
            await run(interaction, "myfeeds", (), channel)

        @group.command(name="lang", description=_command_text("lang"))
        @app_commands.describe(language=_option_text("language"))
        @app_commands.choices(
            language=[
                app_commands.Choice(name=_text("العربية", "Arabic"), value="ar"),
                app_commands.Choice(name=_text("English", "English"), value="en"),
            ]
        )
        async def lang(interaction: discord.Interaction[Any], language: str) -> None:
            await run(interaction, "lang", (language,))

        @group.command(name="images", description=_command_text("images"))
        @app_commands.describe(state=_option_text("images_state"), channel=_option_text("channel"))
        @app_commands.choices(
            state=[
                app_commands.Choice(name=_text("تشغيل", "on"), value="on"),
                app_commands.Choice(name=_text("إيقاف", "off"), value="off"),
            ]
        )
        async def images(
            interaction: discord.Interaction[Any], state: str, channel: ChannelOption | None = None
        ) -> None:
            await run(interaction, "images", (state,), channel)

        @group.command(name="health", description=_command_text("health"))
        async def health(interaction: discord.Interaction[Any]) -> None:
            await run(interaction, "health")

        if self._chat_store is not None:

            @group.command(name="webhook", description=_command_text("webhook"))
            @app_commands.describe(
                url=_option_text("webhook_url"),
                name=_option_text("webhook_name"),
                avatar_url=_option_text("webhook_avatar"),
            )
            async def webhook(
                interaction: discord.Interaction[Any],
                url: str,
                name: app_commands.Range[str, 1, 80] | None = None,
                avatar_url: str | None = None,
            ) -> None:
                await self._webhook_command(interaction, url.strip(), name, avatar_url)

        return group

    async def on_pause(self, settings: ChatSettings, reason: str) -> None:
        """bot.delivery's OnPause: log the pause once and tell the server's admins that a
        channel stopped receiving news, why, and what resumes it (see `_tell_admins`).
        `settings` are the channel's settings before the pause: a channel that was posted
        to through a webhook is told it may also set a new webhook."""
        if settings.chat.platform is not Platform.DISCORD:
            return
        had_webhook = settings.webhook_url is not None
        if had_webhook:
            resume = (
                "an admin sets a new webhook with /news webhook <url>, or gives the bot View"
                " Channel, Send Messages and Embed Links there and runs /news webhook off there"
            )
        else:
            resume = (
                "an admin gives the bot View Channel, Send Messages and Embed Links there and"
                " runs /news subscribe or /news schedule there"
            )
        self._log.warning(
            "discord: paused channel %s: %s; resumes when %s",
            settings.chat.chat_id,
            self._redactor.redact(reason),
            resume,
        )
        key = "paused_notice_webhook" if had_webhook else "paused_notice"
        await self._tell_admins(settings, key, reason, notify_in_channel=False)

    async def _on_dead_webhook(
        self, chat: ChatRef, target: WebhookTarget, reason: str, error: DeliveryError | None
    ) -> None:
        """DiscordSender's DeadWebhook: drop the webhook from the channel's settings (only
        if it is still the one that died: an admin may have set a new one meanwhile) and,
        unless the channel is being paused (its pause notice says what to do), tell the
        admins that the bot posts there itself now."""
        if self._chat_store is None:
            return
        settings = self._chat_store.get_chat(chat)
        current = settings.webhook_url
        if current is None or WebhookTarget.from_setting(current).url != target.url:
            return
        self._chat_store.save_chat(replace(settings, webhook_url=None))
        if isinstance(error, (ChatForbidden, ChatNotFound)):
            return
        await self._tell_admins(settings, "webhook_dropped_notice", reason, notify_in_channel=True)

    async def _tell_admins(
        self, settings: ChatSettings, key: str, reason: str, *, notify_in_channel: bool
    ) -> None:
        """Send the text `key` about a channel to the server's admins: in the server's
        system channel when the bot may post there (and it is not the channel itself,
        unless `notify_in_channel`), else in a DM to the server owner. A deleted channel or
        a server the bot left cannot be told (logged only)."""
        try:
            channel = self._client.get_channel(int(settings.chat.chat_id))
        except ValueError:
            return
        guild = getattr(channel, "guild", None)
        if not isinstance(guild, discord.Guild):
            self._log.info("discord: %s about %s: no server to tell", key, settings.chat.chat_id)
            return
        text = _discord_text(
            key,
            settings.language,
            channel=f"<#{settings.chat.chat_id}>",
            server=guild.name,
            reason=self._redactor.redact(reason),
        )
        system = guild.system_channel
        me = guild.me
        if (
            system is not None
            and (notify_in_channel or system.id != int(settings.chat.chat_id))
            and me is not None
            and not missing_post_permissions(system.permissions_for(me))
        ):
            with contextlib.suppress(discord.HTTPException):
                await system.send(text, allowed_mentions=_NO_MENTIONS)
                return
        if guild.owner_id is None:
            return
        try:
            owner = guild.owner or await self._client.fetch_user(guild.owner_id)
            await owner.send(text, allowed_mentions=_NO_MENTIONS)
        except discord.HTTPException as exc:  # DMs closed: nothing more we can do
            self._log.info("discord: could not tell the owner of %s: %s", guild.id, exc)

    async def _webhook_command(
        self,
        interaction: discord.Interaction[Any],
        url: str,
        name: str | None,
        avatar_url: str | None,
    ) -> None:
        """/news webhook <url|off> [name] [avatar_url]: deliver this channel's stories
        through a webhook (admins only). The webhook decides the channel."""
        assert self._chat_store is not None
        store = self._chat_store
        lang = i18n.pick_language(None, _locale_code(interaction.locale))
        gate = DiscordGate(interaction, self._client)
        user_id = str(interaction.user.id)

        async def answer(key: str, **values: object) -> None:
            text = _discord_text(key, lang, **values)
            await interaction.edit_original_response(content=text, allowed_mentions=_NO_MENTIONS)

        await interaction.response.defer(ephemeral=True, thinking=True)  # never show the URL
        if interaction.guild_id is None:
            await answer("webhook_guild_only")
            return
        if url.casefold() == "off":
            here = chat_of(interaction.channel_id or 0, in_guild=True)
            if not await gate.is_admin(here, user_id):
                await answer("webhook_admins_only")
                return
            before = store.get_chat(here)
            # Turning the webhook off is how an admin answers a dead webhook: resume too.
            store.save_chat(replace(before, webhook_url=None, paused_reason=None))
            await answer("webhook_off", resumed=_resumed(before, lang))
            return
        if name is not None and re.search(r"discord|clyde", name, re.IGNORECASE):
            await answer("webhook_bad_name")  # Discord refuses such webhook names
            return
        if avatar_url is not None and not avatar_url.startswith("https://"):
            await answer("webhook_bad_avatar")
            return
        try:
            channel_id = await self._sender.webhook_channel(url)
        except MessageRejected:
            await answer("webhook_bad_url")
            return
        except ChatNotFound:
            await answer("webhook_unknown")
            return
        except DeliveryError:
            await answer("webhook_unavailable")
            return
        try:
            target = await gate.resolve_target(f"<#{channel_id}>", user_id)
        except (PermissionError, LookupError) as exc:
            reason = refusal_text(exc, f"<#{channel_id}>", lang)
            await answer("webhook_refused", channel=f"<#{channel_id}>", reason=reason)
            return
        setting = WebhookTarget(url, username=name, avatar_url=avatar_url).to_setting()
        before = store.get_chat(target)
        store.save_chat(replace(before, webhook_url=setting, paused_reason=None))
        await answer("webhook_set", channel=f"<#{channel_id}>", resumed=_resumed(before, lang))

    def invocation_for(
        self,
        interaction: discord.Interaction[Any],
        name: str,
        args: Sequence[str],
        target: ChatRef | None,
    ) -> Invocation:
        """The platform-neutral Invocation of a slash command."""
        here = chat_of(interaction.channel_id or 0, in_guild=interaction.guild_id is not None)
        return Invocation(
            chat=target or here,
            user_id=str(interaction.user.id),
            name=name,
            args=tuple(args),
            user_language=_locale_code(interaction.locale),
        )

    async def _run(
        self,
        interaction: discord.Interaction[Any],
        name: str,
        args: Sequence[str] = (),
        channel: ChannelOption | None = None,
    ) -> None:
        gate = DiscordGate(interaction, self._client)
        language = i18n.pick_language(None, _locale_code(interaction.locale))
        target: ChatRef | None = None
        if channel is not None and channel.id != interaction.channel_id:
            try:
                target = await gate.resolve_target(f"<#{channel.id}>", str(interaction.user.id))
            except (PermissionError, LookupError) as exc:
                where = f"<#{channel.id}>"
                reason = refusal_text(exc, where, language)
                text = i18n.t("target_denied", language, target=where, reason=reason)
                await self._respond(interaction, Reply(text=text, ephemeral=True), deferred=False)
                return
        if target is None and name in _NEEDS_POSTING and interaction.guild_id is not None:
            # Subscribing a channel the bot cannot post in would only end in a pause.
            missing = missing_post_permissions(interaction.app_permissions)
            if missing and not (name == "schedule" and tuple(args) == ("off",)):
                here = f"<#{interaction.channel_id}>"
                reason = _discord_text("bot_cannot_post", language, missing=", ".join(missing))
                text = i18n.t("target_denied", language, target=here, reason=reason)
                await self._respond(interaction, Reply(text=text, ephemeral=True), deferred=False)
                return
        inv = self.invocation_for(interaction, name, args, target)
        task = asyncio.create_task(self._handle(inv, gate, language))
        deferred = name in SLOW_COMMANDS
        if not deferred:
            done, _ = await asyncio.wait({task}, timeout=self._defer_after)
            deferred = task not in done
        if deferred:
            try:
                await interaction.response.defer(thinking=True)
            except discord.HTTPException as exc:
                # Too late (the interaction expired): the command still completes, the
                # user just sees "The application did not respond".
                self._log.warning("discord: could not defer /news %s: %s", name, exc)
                await task
                return
        reply = await task
        await self._respond(interaction, reply, deferred=deferred)

    async def _handle(self, inv: Invocation, gate: PlatformGate, language: str) -> Reply:
        try:
            return await self._service.handle(inv, gate)
        except Exception:
            self._log.exception("discord: /news %s failed", inv.name)
            return Reply(text=i18n.t("internal_error", language), ephemeral=True, language=language)

    async def _respond(
        self, interaction: discord.Interaction[Any], reply: Reply, *, deferred: bool
    ) -> None:
        payloads = list(self._render(reply)) or [{"content": "✅", "embeds": []}]
        first, rest = payloads[0], payloads[1:]
        content = str(first.get("content") or "") or None
        embeds = [discord.Embed.from_dict(dict(e)) for e in first.get("embeds") or []]
        ephemeral = reply.ephemeral
        try:
            if not deferred:
                await interaction.response.send_message(
                    content=content,
                    embeds=embeds,
                    ephemeral=ephemeral,
                    allowed_mentions=_NO_MENTIONS,
                )
            elif ephemeral:
                # The "thinking…" message is public; an ephemeral answer replaces it.
                await interaction.delete_original_response()
                rest = payloads
            else:
                await interaction.edit_original_response(
                    content=content, embeds=embeds, allowed_mentions=_NO_MENTIONS
                )
            for payload in rest:
                await interaction.followup.send(
                    content=str(payload.get("content") or "") or discord.utils.MISSING,
                    embeds=[discord.Embed.from_dict(dict(e)) for e in payload.get("embeds") or []],
                    ephemeral=ephemeral,
                    allowed_mentions=_NO_MENTIONS,
                )
        except discord.HTTPException as exc:
            self._log.warning(
                "discord: could not answer /news %s: %s",
                interaction.command.name if interaction.command else "?",
                self._redactor.redact(str(exc)),
            )

    async def _on_tree_error(
        self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError
    ) -> None:
        language = i18n.pick_language(None, _locale_code(interaction.locale))
        if isinstance(error, app_commands.CommandNotFound):
            # A client with a stale command list (after an upgrade) used a removed one.
            text = i18n.t("unknown_command", language, p="/news ", name=error.name)
        else:
            text = i18n.t("internal_error", language)
        self._log.warning("discord: interaction failed: %s", self._redactor.redact(str(error)))
        if not interaction.response.is_done():
            with contextlib.suppress(discord.HTTPException):
                await interaction.response.send_message(text, ephemeral=True)
