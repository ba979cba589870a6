"""`CommandService`: the one object adapters call. Dispatches a command to its
`_cmd_<name>` method (the groups it inherits: see the package docstring), answers
unknown commands and bad arguments, gives buttons and menus their entry points
(`topic_panel`, `may_change`, `set_topics`) and answers /start and /help."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, replace

from bot.chat import Invocation, PlatformGate, Reply
from bot.command_args import BadArgument
from bot.commands.base import COMMAND_ALIASES, KNOWN_COMMANDS, command_prefix
from bot.commands.chat_settings import ChatSettingsCommands
from bot.commands.reading import ReadingCommands
from bot.commands.sources import SourceCommands
from bot.commands.subscriptions import SubscriptionCommands
from bot.i18n import (
    command_descriptions,
    has_usage,
    t,
    usage,
)
from bot.owner import OWNER_COMMANDS
from digest.errors import NewsdigestError
from digest.models import (
    ChatSettings,
    DeliveryMode,
    Platform,
)
from digest.topics import Topic

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TopicPanel:
    """What a topic keyboard (bot.telegram.keyboards) or select menu
    (bot.discord.components) shows for one chat: its settings as stored now, the
    language replies to it use, the catalogue's topics, and whether it was ever saved
    (a chat never saved receives nothing, whatever its default settings say)."""

    settings: ChatSettings
    language: str
    topics: tuple[Topic, ...]
    saved: bool

    @property
    def following_all(self) -> bool:
        """Saved, delivering, no topic and no keyword: "all technology" (digest.topics)."""
        s = self.settings
        return self.saved and not (s.topics or s.keywords) and s.mode is not DeliveryMode.OFF


class CommandService(SubscriptionCommands, ReadingCommands, SourceCommands, ChatSettingsCommands):
    """Executes chat commands against storage; platform questions go to the gate."""

    # public ---------------------------------------------------------------------------

    async def handle(self, inv: Invocation, gate: PlatformGate) -> Reply:
        """Run one command and say what to answer. Never raises for user mistakes or
        platform refusals; an unexpected failure is logged and answered politely."""
        # Blank arguments (double spaces, empty Discord options) are not arguments.
        inv = replace(inv, args=tuple(a.strip() for a in inv.args if a.strip()))
        name = COMMAND_ALIASES.get(inv.name.casefold().strip(), inv.name.casefold().strip())
        prefix = command_prefix(inv.chat.platform)
        lang = self._fallback_language(inv)
        try:
            settings = self._storage.get_chat(inv.chat)
            lang = self._reply_language(settings, inv)
            known = (
                name in KNOWN_COMMANDS
                or (name in OWNER_COMMANDS and self._is_owner(inv))
                or (name == "owner" and inv.chat.platform is Platform.DISCORD)
            )
            handler = getattr(self, f"_cmd_{name}", None) if known else None
            if handler is None:
                return self._unknown(inv.name, lang, prefix)
            reply: Reply = await handler(inv, gate, settings, lang, prefix)
        except BadArgument as bad:
            return self._bad_argument(name, bad, lang, prefix)
        except NewsdigestError:
            log.exception("command %s failed", name)
            return self._text(t("internal_error", lang), lang, ephemeral=True)
        except Exception:
            log.exception("command %s failed unexpectedly", name)
            return self._text(t("internal_error", lang), lang, ephemeral=True)
        return reply

    # buttons and menus: the same commands, tapped instead of typed ----------------------

    def topic_panel(self, inv: Invocation) -> TopicPanel:
        """The chat's topic choices as a keyboard or menu shows them (reads only)."""
        settings = self._storage.get_chat(inv.chat)
        return TopicPanel(
            settings=settings,
            language=self._reply_language(settings, inv),
            topics=self._catalog.topics,
            saved=not self._is_pristine(settings),
        )

    async def may_change(self, inv: Invocation, gate: PlatformGate) -> Reply | None:
        """None when `inv.user_id` may change `inv.chat` (the admin check of the changing
        commands), else the refusal to show. Lets a button answer a refusal as an alert
        before anything else happens; the command run afterwards checks again."""
        settings = self._storage.get_chat(inv.chat)
        lang = self._reply_language(settings, inv)
        try:
            _target, refusal = await self._target(inv, gate, None, lang, changing=True)
        except PermissionError:  # the platform could not be asked right now
            return self._text(t("refused_unavailable", lang), lang, ephemeral=True)
        return refusal

    async def set_topics(
        self, inv: Invocation, gate: PlatformGate, wanted: Iterable[str], among: Iterable[str]
    ) -> Reply:
        """Make `inv.chat` follow exactly the topics `wanted` among the topics `among` (a
        keyboard toggle: one topic; a select menu: its options); other topics and the
        keywords stay. Runs the typed commands: /subscribe with the topics to add, then
        /unsubscribe with those to drop, in that order, so that going from one topic to
        another never passes through "follows nothing" (which turns delivery off and
        drops the chat's queued stories, some of which the new topic may still want).
        Slugs not in the catalogue are ignored (a stale menu)."""
        settings = self._storage.get_chat(inv.chat)
        lang = self._reply_language(settings, inv)
        scope = set(among)
        chosen = set(wanted) & scope
        slugs = self._catalog.slugs  # catalogue order, so that replies list them stably
        add = tuple(s for s in slugs if s in chosen and s not in settings.topics)
        drop = tuple(s for s in slugs if s in scope - chosen and s in settings.topics)
        replies = [
            await self.handle(replace(inv, name=name, args=args), gate)
            for name, args in (("subscribe", add), ("unsubscribe", drop))
            if args
        ]
        if not replies:
            return self._text(t("panel_unchanged", lang), lang, ephemeral=True)
        return Reply(
            text="\n".join(r.text for r in replies if r.text),
            language=replies[-1].language,
            ephemeral=all(r.ephemeral for r in replies),
        )

    # commands -------------------------------------------------------------------------

    async def _cmd_start(
        self, inv: Invocation, gate: PlatformGate, settings: ChatSettings, lang: str, p: str
    ) -> Reply:
        lines = [t("welcome", lang, p=p)]
        if settings.paused_reason is not None:
            # The user talks to us again (e.g. unblocked the bot): deliveries may resume.
            self._storage.save_chat(replace(settings, paused_reason=None))
            lines.append(t("resumed", lang))
        return self._text("\n".join(lines), lang)

    async def _cmd_help(
        self, inv: Invocation, gate: PlatformGate, settings: ChatSettings, lang: str, p: str
    ) -> Reply:
        platform = "discord" if inv.chat.platform is Platform.DISCORD else "telegram"
        lines = [t("help_header", lang)]
        for name, description in command_descriptions(lang, platform=platform):
            command = COMMAND_ALIASES.get(name, name)
            line = f"{p}{name} — {description}"
            if has_usage(command):
                line += "\n    " + usage(command, lang, p, shown_as=name, platform=platform)
            lines.append(line)
        lines.append("")
        lines.append(
            t("help_footer_discord" if platform == "discord" else "help_footer", lang, p=p)
        )
        return self._text("\n".join(lines), lang, ephemeral=True)
