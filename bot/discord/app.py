"""`DiscordBot`: the Discord side of ``newsdigest run``: slash commands under ``/news``,
the sender, the gateway client."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, Protocol

import discord
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot import i18n
from bot.chat import IncomingFile, Invocation, PlatformGate, Reply
from bot.delivery import (
    DISCORD_LIMITS,
    PlatformRoute,
    RateLimiter,
    discord_renderer,
)
from bot.discord.files import discord_file
from bot.discord.forum import FORUM_TYPES, TopicNames
from bot.discord.gate import (
    _NEEDS_POSTING,
    DEFER_AFTER_SECONDS,
    SLOW_COMMANDS,
    ChannelOption,
    DiscordGate,
    chat_of,
    invite_url,
    missing_permissions_in,
    missing_post_permissions,
    refusal_text,
)
from bot.discord.menus import TopicMenus, TopicPanels
from bot.discord.render import ReplyRenderer, render_reply
from bot.discord.sender import (
    _NO_MENTIONS,
    ChatStore,
    DiscordSender,
    TokenRedactor,
    WebhookLookup,
    WebhookTarget,
    stored_webhooks,
)
from bot.discord.slash import NewsCommands, build_news_group
from bot.discord.texts import (
    I18nTranslator,
    _discord_text,
    _locale_code,
    _resumed,
)
from digest.clock import SystemClock
from digest.errors import (
    ChatForbidden,
    ChatNotFound,
    ConfigError,
    DeliveryError,
    MessageRejected,
)
from digest.models import ChatRef, ChatSettings, Platform


class CommandHandler(Protocol):
    """What the adapter needs from bot.commands.CommandService."""

    async def handle(self, inv: Invocation, gate: PlatformGate) -> Reply: ...


class _NewsClient(discord.Client):
    def __init__(self, bot: DiscordBot, **options: Any) -> None:
        super().__init__(**options)
        self._bot = bot
        self.tree: app_commands.CommandTree[_NewsClient] = app_commands.CommandTree(self)

    async def setup_hook(self) -> None:
        await self._bot._setup(self.tree)

    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        # Slash commands and autocompletion go to the tree; menu choices come here.
        if interaction.type is discord.InteractionType.component:
            await self._bot._on_component(interaction)


class DiscordBot:
    """The Discord side of ``newsdigest run``: slash commands and the sender."""

    def __init__(
        self,
        token: str,
        command_service: CommandHandler,
        renderer: ReplyRenderer | None = None,
        *,
        topic_colours: Mapping[str, int] | None = None,
        topic_names: Mapping[str, Sequence[str]] | None = None,
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
        owner_commands: bool = False,
        panels: TopicPanels | None = None,
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
        # With the CommandService as `panels`: /news topics answers with select menus,
        # topic options autocomplete (bot.discord.menus).
        self._menus: TopicMenus | None = None
        if panels is not None:
            self._menus = TopicMenus(
                self._client, panels, defer_after=defer_after, logger=self._log
            )
        if webhooks is None and chat_store is not None:
            webhooks = stored_webhooks(chat_store)
        self._client.tree.add_command(
            build_news_group(
                NewsCommands(
                    run=self._run,
                    menus=self._menus,
                    owner_commands=owner_commands,
                    webhook=self._webhook_command if chat_store is not None else None,
                )
            )
        )
        self._client.tree.error(self._on_tree_error)
        self._sender = DiscordSender(
            self._client,
            webhooks=webhooks,
            redactor=self._redactor,
            on_dead_webhook=self._on_dead_webhook,
            logger=self._log,
            # Forum channels: a post's tags are those named like its topics.
            topic_names=TopicNames.of(topic_names or {}),
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

    async def send_dm(self, user_id: str, text: str) -> None:
        """A direct message to a Discord user (the owners' notices). Raises ChatForbidden
        when Discord refuses (DMs closed, no shared server, unknown user)."""
        try:
            user = self._client.get_user(int(user_id)) or await self._client.fetch_user(
                int(user_id)
            )
            await user.send(text, allowed_mentions=_NO_MENTIONS)
        except (ValueError, discord.HTTPException) as exc:
            raise ChatForbidden(user_id, f"cannot DM this user: {exc}") from None

    @property
    def menus(self) -> TopicMenus | None:
        return self._menus

    async def _on_component(self, interaction: discord.Interaction[Any]) -> None:
        if self._menus is not None:
            await self._menus.on_component(interaction)

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
        with contextlib.suppress(ValueError):
            channel = self._client.get_channel(int(settings.chat.chat_id))
            if not had_webhook and getattr(channel, "type", None) in FORUM_TYPES:
                key = "paused_notice_forum"  # Discord names the rights differently there
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
        if getattr(self._client.get_channel(channel_id), "type", None) in FORUM_TYPES:
            # A forum webhook needs a post name per message; the bot posts there itself.
            await answer("webhook_forum", channel=f"<#{channel_id}>")
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
        file: IncomingFile | None = None,
    ) -> Invocation:
        """The platform-neutral Invocation of a slash command."""
        here = chat_of(interaction.channel_id or 0, in_guild=interaction.guild_id is not None)
        return Invocation(
            chat=target or here,
            user_id=str(interaction.user.id),
            name=name,
            args=tuple(args),
            user_language=_locale_code(interaction.locale),
            file=file,
        )

    async def _run(
        self,
        interaction: discord.Interaction[Any],
        name: str,
        args: Sequence[str] = (),
        channel: ChannelOption | None = None,
        *,
        file: IncomingFile | None = None,
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
            missing = missing_permissions_in(interaction.channel, interaction.app_permissions)
            if missing and not (name == "schedule" and tuple(args) == ("off",)):
                here = f"<#{interaction.channel_id}>"
                reason = _discord_text("bot_cannot_post", language, missing=", ".join(missing))
                text = i18n.t("target_denied", language, target=here, reason=reason)
                await self._respond(interaction, Reply(text=text, ephemeral=True), deferred=False)
                return
        inv = self.invocation_for(interaction, name, args, target, file)
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
        if reply.file is not None:
            await self._respond_file(interaction, reply, content, deferred=deferred)
            return
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

    async def _respond_file(
        self,
        interaction: discord.Interaction[Any],
        reply: Reply,
        content: str | None,
        *,
        deferred: bool,
    ) -> None:
        """A reply with a file (/news feed export): the text with the file attached."""
        assert reply.file is not None
        file = discord_file(reply.file)
        try:
            if deferred:
                await interaction.edit_original_response(
                    content=content, attachments=[file], allowed_mentions=_NO_MENTIONS
                )
            else:
                await interaction.response.send_message(
                    content=content,
                    file=file,
                    ephemeral=reply.ephemeral,
                    allowed_mentions=_NO_MENTIONS,
                )
        except discord.HTTPException as exc:
            self._log.warning("discord: could not send a file: %s", self._redactor.redact(str(exc)))

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
