"""What every command group shares: `CommandLimits`, the command tables, and
`CommandBase`, which holds the service's state (storage, catalogue, clock, limits and the
services built from them) and the helpers the commands use. Imports nothing from the
other modules of bot.commands."""

from __future__ import annotations

import difflib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.chat import Invocation, PlatformGate, Reply
from bot.command_args import BadArgument
from bot.delivery import (
    DeliveryPlanner,
    DigestLimits,
    StoryLoader,
)
from bot.exclusions import ExclusionLimits, Exclusions
from bot.i18n import (
    TELEGRAM_COMMANDS,
    has_usage,
    language_name,
    pick_language,
    rtl_safe,
    t,
    usage,
)
from bot.opml import OpmlFeeds
from bot.own_feeds import OwnFeeds
from bot.owner import is_owner
from bot.reply_text import (
    echo,
    echo_list,
    join_items,
    reason_text,
    refusal_reason,
    timezone_label,
)
from digest.clock import Clock
from digest.models import (
    ChatKind,
    ChatRef,
    ChatSettings,
    DeliveryMode,
    Platform,
    Story,
)
from digest.ports import Storage
from digest.stories import StoryBuilder
from digest.topics import TopicCatalog

SummarizeUrl = Callable[[str], Awaitable[Story]]

_FAR_FUTURE = timedelta(days=3650)

CHANGING_COMMANDS = frozenset(
    {
        "subscribe",
        "unsubscribe",
        "exclude",
        "include",
        "schedule",
        "lang",
        "images",
        "addfeed",
        "removefeed",
        "import",
    }
)
# What /images accepts (case and Arabic spelling folded by `_images_choice`).
IMAGES_ON = frozenset({"on", "yes", "true", "1", "تشغيل", "نعم", "تفعيل"})
IMAGES_OFF = frozenset({"off", "no", "false", "0", "إيقاف", "ايقاف", "لا", "تعطيل"})
COMMAND_ALIASES = {
    "feed add": "addfeed",
    "feed remove": "removefeed",
    "feed list": "myfeeds",
    "feed import": "import",
    "feed export": "export",
    "delfeed": "removefeed",
    "feeds_mine": "myfeeds",
    "subscriptions": "mysubs",
    "subs": "mysubs",
    "sub": "subscribe",
    "unsub": "unsubscribe",
    "language": "lang",
    "status": "health",
    "summarize": "summary",
    "summarise": "summary",
}
# Every command the service answers: the full Telegram menu (Discord's are a subset
# under other names, mapped by COMMAND_ALIASES).
KNOWN_COMMANDS = TELEGRAM_COMMANDS


@dataclass(frozen=True)
class CommandLimits:
    """Tunable limits of the commands (the composition root fills them from settings)."""

    latest_default: int = 5
    latest_max: int = 20
    max_subscriptions: int = 50
    keyword_max_length: int = 64
    digest_max_stories: int = 30
    digest_lookback_hours: float = 24.0
    summary_cooldown_seconds: float = 10.0
    feeds_list_max: int = 30
    health_list_max: int = 10
    default_timezone: str = "UTC"
    default_language: str = "ar"  # replies where neither chat nor client says otherwise
    owner_ids: frozenset[str] = frozenset()  # NEWSDIGEST_OWNER_IDS (bot.owner)


class CommandBase:
    """The state every command group shares (storage, catalogue, clock, limits and the
    services built from them) and the helpers they use: reply language, target
    resolution and the admin check, loading a chat for a change, reply pieces."""

    def __init__(
        self,
        storage: Storage,
        topics: TopicCatalog,
        summarize_url: SummarizeUrl,
        clock: Clock,
        limits: CommandLimits | None = None,
        *,
        stories: StoryLoader | None = None,
        own_feeds: OwnFeeds | None = None,
        opml: OpmlFeeds | None = None,
    ) -> None:
        self._storage = storage
        self._own_feeds = own_feeds
        self._opml = opml
        self._catalog = topics
        self._summarize_url = summarize_url
        self._clock = clock
        self._limits = limits or CommandLimits()
        self._stories = stories or StoryBuilder(storage)
        self._planner = DeliveryPlanner(
            storage,
            clock,
            DigestLimits(
                max_stories=self._limits.digest_max_stories,
                lookback=timedelta(hours=self._limits.digest_lookback_hours),
            ),
        )
        self._last_summary: dict[tuple[str, str], datetime] = {}
        self._exclusions = Exclusions(
            storage,
            topics,
            clock,
            ExclusionLimits(
                max_exclusions=self._limits.max_subscriptions,
                keyword_max_length=self._limits.keyword_max_length,
            ),
        )

    # helpers --------------------------------------------------------------------------

    def _is_owner(self, inv: Invocation) -> bool:
        return is_owner(self._limits.owner_ids, inv.chat.platform, inv.user_id)

    def _is_pristine(self, settings: ChatSettings) -> bool:
        """A chat never saved. Not `settings == ChatSettings(chat=...)`: a chat that
        follows "all technology" with the default settings is stored and equal to that."""
        return not self._storage.has_chat(settings.chat)

    def _reply_language(self, settings: ChatSettings, inv: Invocation) -> str:
        if self._is_pristine(settings):
            group = self._stored_group(settings.chat)
            if group is not None:  # a new forum topic speaks its group's language
                return pick_language(group.language, self._limits.default_language)
            return self._fallback_language(inv)
        return pick_language(settings.language, self._limits.default_language)

    def _stored_group(self, chat: ChatRef) -> ChatSettings | None:
        """The group a forum topic belongs to, when the group has settings."""
        if chat.thread_id is None or not self._storage.has_chat(chat.whole_chat):
            return None
        return self._storage.get_chat(chat.whole_chat)

    def _fallback_language(self, inv: Invocation) -> str:
        """For a chat that chose nothing yet: the user's client language when we speak
        it, else the operator's default language."""
        return pick_language(inv.user_language, self._limits.default_language)

    @staticmethod
    def _text(text: str, lang: str, *, ephemeral: bool = False) -> Reply:
        return Reply(text=rtl_safe(text, lang), language=lang, ephemeral=ephemeral)

    def _unknown(self, name: str, lang: str, prefix: str) -> Reply:
        # A plain command name stays as typed so that clients still link "/name"; anything
        # else (long, non-ASCII, controls) is echoed cut and isolated.
        plain = name.isascii() and name.isidentifier() and len(name) <= 32
        lines = [t("unknown_command", lang, p=prefix, name=name if plain else echo(name))]
        close = difflib.get_close_matches(name.casefold(), KNOWN_COMMANDS, n=1, cutoff=0.6)
        if close:
            lines.append(t("did_you_mean", lang, p=prefix, name=close[0]))
        return self._text("\n".join(lines), lang, ephemeral=True)

    def _bad_argument(self, name: str, bad: BadArgument, lang: str, prefix: str) -> Reply:
        # What the user typed comes back cut and isolated (bot.reply_text.echo).
        values = {k: echo(v) if isinstance(v, str) else v for k, v in bad.values.items()}
        lines = [] if bad.key == "usage" else [t(bad.key, lang, p=prefix, **values)]
        if has_usage(name):
            line = usage(name, lang, prefix, shown_as=shown_name(name, prefix))
            lines.append(t("usage", lang, usage=line))
        elif not lines:
            lines.append(t("no_arguments", lang, p=prefix, name=name))
        return self._text("\n".join(lines), lang, ephemeral=True)

    async def _target(
        self,
        inv: Invocation,
        gate: PlatformGate,
        ref: str | None,
        lang: str,
        *,
        changing: bool,
    ) -> tuple[ChatRef | None, Reply | None]:
        """The chat a command acts on, or a refusal to send instead."""
        if ref is not None:
            try:
                return await gate.resolve_target(ref, inv.user_id), None
            except PermissionError as denied:
                reason = refusal_reason(denied, ref, lang)
                text = t("target_denied", lang, target=echo(ref), reason=reason)
                return None, self._text(text, lang, ephemeral=True)
            except LookupError:
                text = t("target_unknown", lang, target=echo(ref))
                return None, self._text(text, lang, ephemeral=True)
        private = inv.chat.kind is ChatKind.PRIVATE
        if changing and not private and not await gate.is_admin(inv.chat, inv.user_id):
            refusal = (
                "admins_only_discord" if inv.chat.platform is Platform.DISCORD else "admins_only"
            )
            return None, self._text(t(refusal, lang), lang, ephemeral=True)
        return inv.chat, None

    def _load_for_change(self, chat: ChatRef, lang: str) -> ChatSettings:
        settings = self._storage.get_chat(chat)
        if self._is_pristine(settings):
            # First save: remember the language the user has been answered in.
            settings = replace(settings, language=lang)
            group = self._stored_group(chat)
            if group is not None:  # a new forum topic starts with its group's clock
                settings = replace(settings, timezone=group.timezone, images=group.images)
        return settings

    def _resume_note(self, before: ChatSettings, lang: str) -> list[str]:
        return [t("resumed", lang)] if before.paused_reason is not None else []

    def _join(self, items: Sequence[str], lang: str) -> str:
        return join_items(items, lang)

    def _echo_list(self, items: Sequence[str], lang: str) -> str:
        return echo_list(items, lang)

    @staticmethod
    def _target_name(ref: str | None, settings: ChatSettings) -> str:
        """How a managed chat is named in a reply: as the user named it ('@technews_ar',
        a Discord mention), else by its title, else by its id."""
        if ref is not None and not ref.lstrip("-").isdigit():
            return echo(ref)
        return echo(settings.title or settings.chat.chat_id)

    def _settings_lines(self, settings: ChatSettings, lang: str, prefix: str) -> list[str]:
        lines = []
        if settings.mode is DeliveryMode.SCHEDULED and settings.schedule_time:
            tz = timezone_label(settings.timezone)
            lines.append(t("mode_scheduled", lang, time=settings.schedule_time, tz=tz))
        elif settings.mode is DeliveryMode.OFF:
            lines.append(t("mode_off", lang, p=prefix))
        else:
            lines.append(t("mode_instant", lang))
        lines.append(t("language_line", lang, language=language_name(settings.language, lang)))
        state = "images_state_off" if settings.images is False else "images_state_on"
        lines.append(t("images_line", lang, state=t(state, lang)))
        if settings.paused_reason:
            reason = reason_text(settings.paused_reason, lang)
            lines.append(t("paused_line", lang, reason=reason))
        return lines

    def _drop_pending(self, chat: ChatRef, error: str) -> None:
        """Stop queued-but-unsent deliveries of a chat that turned delivery off."""
        now = self._clock.now()
        while True:
            rows = self._storage.pending_deliveries(now=now + _FAR_FUTURE, limit=500, chat=chat)
            if not rows:
                return
            self._storage.mark_failed([r.id for r in rows], error=error)


def shown_name(command: str, prefix: str) -> str:
    """The name users type for a command: Discord calls "mysubs" "subscriptions"."""
    return "subscriptions" if command == "mysubs" and prefix != "/" else command


def command_prefix(platform: Platform) -> str:
    """How users type commands: '/x' on Telegram, '/news x' on Discord."""
    return "/news " if platform is Platform.DISCORD else "/"
