"""`DiscordGate`: the PlatformGate questions answered from Discord's permission data, and
the channel references commands accept."""

from __future__ import annotations

import re
from typing import Any

import aiohttp
import discord
from discord import app_commands

from bot import i18n
from bot.discord.forum import FORUM_TYPES, forum_post_permissions, thread_post_permissions
from bot.discord.texts import _DISCORD_TEXTS, _discord_text
from bot.reply_text import echo, refusal_reason
from digest.models import ChatKind, ChatRef, Platform

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
SLOW_COMMANDS = frozenset({"summary", "digest", "latest", "top", "addfeed"})
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


def missing_permissions_in(channel: object, permissions: discord.Permissions) -> list[str]:
    """`missing_post_permissions` for the kind of channel it is: a forum needs Create
    Posts and Send Messages in Posts, a thread Send Messages in Threads
    (bot.discord.forum)."""
    kind = getattr(channel, "type", None)
    if kind in FORUM_TYPES:
        return forum_post_permissions(permissions)
    if kind in _THREAD_TYPES:
        return thread_post_permissions(permissions)
    return missing_post_permissions(permissions)


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


_TEXT_CHANNELS = (discord.TextChannel, discord.Thread, discord.ForumChannel)
_THREAD_TYPES = frozenset(
    {
        discord.ChannelType.news_thread,
        discord.ChannelType.public_thread,
        discord.ChannelType.private_thread,
    }
)

# What a `channel` option offers: channels the bot can post stories in -- text (0),
# announcement (5), threads (10, 11, 12) and forums (15: a post per story, see
# bot.discord.forum). Not voice (2), categories (4), stage (13) or media (16).
POSTABLE_CHANNEL_TYPES = (
    discord.ChannelType.text,
    discord.ChannelType.news,
    discord.ChannelType.news_thread,
    discord.ChannelType.public_thread,
    discord.ChannelType.private_thread,
    discord.ChannelType.forum,
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
        if not isinstance(channel, _TEXT_CHANNELS) or channel.type not in POSTABLE_CHANNEL_TYPES:
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
        missing = missing_permissions_in(channel, channel.permissions_for(me))
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
