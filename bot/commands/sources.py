"""Where stories come from: /feeds (the operator's feeds), a chat's own sources
(/addfeed, /removefeed, /myfeeds: bot.own_feeds; /import, /export: bot.opml) and the
owner's commands (/stats, /feeds disable|enable|quota, Discord's /news owner: bot.owner)."""

from __future__ import annotations

from dataclasses import replace

from bot.chat import Invocation, PlatformGate, Reply
from bot.command_args import (
    BadArgument,
    parse_url,
    split_targets,
    western_digits,
)
from bot.commands.base import CommandBase
from bot.i18n import t
from bot.own_feeds import OwnFeeds
from bot.owner import stats_lines, switch_feed
from bot.reply_text import echo
from digest.models import (
    ChatRef,
    ChatSettings,
    DeliveryMode,
    Platform,
)
from digest.stories import source_name


class SourceCommands(CommandBase):
    """/feeds, /addfeed, /removefeed, /myfeeds, /import, /export and the owner's
    /stats, /feeds disable|enable|quota and Discord's /news owner."""

    async def _cmd_feeds(
        self, inv: Invocation, gate: PlatformGate, settings: ChatSettings, lang: str, p: str
    ) -> Reply:
        if inv.args and self._is_owner(inv):
            return await self._owner_feed_switch(inv, lang, p)
        # The operator's feeds: one a chat added itself is that chat's (/myfeeds).
        feeds = [f for f in self._storage.get_feeds(enabled=True) if f.public]
        if not feeds:
            return self._text(t("feeds_none", lang), lang)
        shown = feeds[: self._limits.feeds_list_max]
        lines = [t("feeds_header", lang, count=len(feeds))]
        for feed in shown:
            name = source_name(feed, feed.url)
            lines.append(f"• {name} — {feed.url}")
        if len(feeds) > len(shown):
            lines.append(t("feeds_more", lang, count=len(feeds) - len(shown)))
        return self._text("\n".join(lines), lang)

    async def _own_feed_target(
        self, inv: Invocation, gate: PlatformGate, lang: str, *, changing: bool
    ) -> tuple[OwnFeeds | None, ChatRef | None, str, tuple[str, ...], Reply | None]:
        """The service, target chat, its name for replies (" (@channel)") and the
        remaining arguments of an own-feed command; or a reply that refuses."""
        ref, rest = split_targets(inv.args)
        if self._own_feeds is None or not self._own_feeds.limits.enabled:
            return None, None, "", rest, self._text(t("own_feeds_off", lang), lang, ephemeral=True)
        target, refusal = await self._target(inv, gate, ref, lang, changing=changing)
        if refusal is not None or target is None:
            return None, None, "", rest, refusal or self._text(t("internal_error", lang), lang)
        label = ""
        if target != inv.chat:
            label = f" ({self._target_name(ref, self._storage.get_chat(target))})"
        return self._own_feeds, target, label, rest, None

    async def _cmd_addfeed(
        self, inv: Invocation, gate: PlatformGate, settings: ChatSettings, lang: str, p: str
    ) -> Reply:
        _ref, rest = split_targets(inv.args)
        url = parse_url(rest)  # validate before asking the platform anything
        own, target, label, _rest, refusal = await self._own_feed_target(
            inv, gate, lang, changing=True
        )
        if own is None or target is None:
            return refusal or self._text(t("internal_error", lang), lang)
        self._follow_own_sources(target, lang)
        return await own.add(target, url, user_id=inv.user_id, lang=lang, p=p, target=label)

    def _follow_own_sources(self, target: ChatRef, lang: str) -> None:
        """A chat that follows nothing yet (never saved, or unsubscribed from all) asks
        for its own sources: their items come at once. Following only own sources is
        not "all technology" (bot.delivery.plan_recipients)."""
        before = self._load_for_change(target, lang)
        if not self._storage.has_chat(target) or (
            before.mode is DeliveryMode.OFF and not (before.topics or before.keywords)
        ):
            self._storage.save_chat(replace(before, mode=DeliveryMode.INSTANT))

    async def _cmd_import(
        self, inv: Invocation, gate: PlatformGate, settings: ChatSettings, lang: str, p: str
    ) -> Reply:
        """An OPML file of sources for the chat (bot.opml); without a file, how to send
        one. The platform's size is checked before anything is downloaded."""
        if inv.file is None:
            discord = inv.chat.platform is Platform.DISCORD
            key = "opml_import_how_discord" if discord else "opml_import_how"
            return self._text(t(key, lang, p=p), lang, ephemeral=True)
        own, target, _label, _rest, refusal = await self._own_feed_target(
            inv, gate, lang, changing=True
        )
        if own is None or target is None or self._opml is None:
            return refusal or self._text(t("own_feeds_off", lang), lang, ephemeral=True)
        reply = await self._opml.import_reply(target, inv.file, user_id=inv.user_id, lang=lang)
        if self._storage.get_chat_feeds(target):
            self._follow_own_sources(target, lang)
        return reply

    async def _cmd_export(
        self, inv: Invocation, gate: PlatformGate, settings: ChatSettings, lang: str, p: str
    ) -> Reply:
        """The chat's own sources as an OPML 2.0 file."""
        own, target, _label, rest, refusal = await self._own_feed_target(
            inv, gate, lang, changing=False
        )
        if own is None or target is None or self._opml is None:
            return refusal or self._text(t("own_feeds_off", lang), lang, ephemeral=True)
        if rest:
            raise BadArgument("usage")
        return self._opml.export_reply(target, lang=lang, p=p)

    async def _cmd_owner(
        self, inv: Invocation, gate: PlatformGate, settings: ChatSettings, lang: str, p: str
    ) -> Reply:
        """Discord's /news owner stats|feed|quota: the owner commands Telegram has as
        /stats and /feeds ..., refused in words for everyone else (Discord shows every
        subcommand to everyone)."""
        if not self._is_owner(inv):
            return self._text(t("owner_only", lang), lang, ephemeral=True)
        if inv.args[:1] == ("stats",):
            return await self._cmd_stats(inv, gate, settings, lang, p)
        return await self._owner_feed_switch(inv, lang, p)  # disable|enable|quota ...

    async def _cmd_removefeed(
        self, inv: Invocation, gate: PlatformGate, settings: ChatSettings, lang: str, p: str
    ) -> Reply:
        own, target, label, rest, refusal = await self._own_feed_target(
            inv, gate, lang, changing=True
        )
        if own is None or target is None:
            return refusal or self._text(t("internal_error", lang), lang)
        if len(rest) != 1:
            raise BadArgument("usage")
        return own.remove(target, rest[0], lang=lang, p=p, target=label)

    async def _cmd_myfeeds(
        self, inv: Invocation, gate: PlatformGate, settings: ChatSettings, lang: str, p: str
    ) -> Reply:
        own, target, label, rest, refusal = await self._own_feed_target(
            inv, gate, lang, changing=False
        )
        if own is None or target is None:
            return refusal or self._text(t("internal_error", lang), lang)
        if rest:
            raise BadArgument("usage")
        return own.listing(target, lang=lang, p=p, target=label)

    async def _cmd_stats(
        self, inv: Invocation, gate: PlatformGate, settings: ChatSettings, lang: str, p: str
    ) -> Reply:
        """The owner's statistics (only reached by owners: see handle)."""
        lines = stats_lines(self._storage, self._clock.now(), lang)
        return self._text("\n".join(lines), lang, ephemeral=True)

    async def _owner_feed_switch(self, inv: Invocation, lang: str, p: str) -> Reply:
        """`/feeds disable|enable <url>`, for the bot's owners only."""
        if len(inv.args) == 3 and inv.args[0].casefold() == "quota":
            return self._owner_quota(inv, lang, p)
        if len(inv.args) != 2 or inv.args[0].casefold() not in ("disable", "enable"):
            return self._owner_usage(inv, lang, p)
        action, url = inv.args[0].casefold(), inv.args[1].strip("<>")
        return self._text(switch_feed(self._storage, action, url, lang), lang, ephemeral=True)

    def _owner_usage(self, inv: Invocation, lang: str, p: str) -> Reply:
        discord = inv.chat.platform is Platform.DISCORD  # /news owner ... (bot.discord.app)
        key = "owner_usage_discord" if discord else "feeds_owner_usage"
        return self._text(t(key, lang, p=p), lang, ephemeral=True)

    def _owner_quota(self, inv: Invocation, lang: str, p: str) -> Reply:
        """`/feeds quota <chat id> <n|default>`: a chat's own-feed limit (owners only)."""
        chat_id, value = inv.args[1], western_digits(inv.args[2]).casefold()
        if not chat_id.lstrip("-").isdigit() or not (value.isdigit() or value == "default"):
            return self._owner_usage(inv, lang, p)
        chat = ChatRef(inv.chat.platform, chat_id)
        self._storage.set_chat_feed_quota(chat, None if value == "default" else int(value))
        limit: int | str = self._own_feeds.quota(chat) if self._own_feeds else value
        text = t("feed_owner_quota", lang, chat=echo(chat_id), limit=limit)
        return self._text(text, lang, ephemeral=True)
