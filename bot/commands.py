"""Chat commands, written once for Telegram and Discord.

Adapters turn an update/interaction into an `Invocation`, call
`CommandService.handle(invocation, gate)` and render the `Reply`. Parsing of arguments
lives in pure functions in bot.command_args (`parse_schedule`, `parse_count`, `parse_url`,
`split_targets`, `parse_subscription_terms`, re-exported here) that raise `BadArgument`
with the text key to show. What users typed comes back in replies only through
bot.reply_text.echo (cut, isolated), and error reasons only as bot.i18n texts
(bot.reply_text.reason_text).

Permissions: reading commands are for everyone; commands that change a chat
(subscribe, unsubscribe, schedule, lang) need `gate.is_admin` in groups and channels
(private chats: always allowed). A managed target (`@channel`, `<#123>`) is resolved with
`gate.resolve_target`, which itself checks that the user administers it.
"""

from __future__ import annotations

import difflib
import logging
import math
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.chat import Invocation, PlatformGate, Reply
from bot.command_args import (
    BadArgument,
    ScheduleRequest,
    SubscriptionTerms,
    check_patterns,
    clean_keyword,
    is_target_ref,
    parse_count,
    parse_schedule,
    parse_subscription_terms,
    parse_time,
    parse_timezone,
    parse_url,
    same_keyword,
    split_targets,
    western_digits,
)
from bot.delivery import (
    DeliveryPlanner,
    DigestLimits,
    StoryLoader,
    chat_zone,
    digest_title,
    matches,
)
from bot.exclusions import Change, ExclusionLimits, Exclusions, pattern_count
from bot.forum_topics import group_topics, topic_label
from bot.i18n import (
    LANGUAGES,
    TELEGRAM_COMMANDS,
    command_descriptions,
    count_phrase,
    has_usage,
    language_name,
    normalize_language,
    pick_language,
    rtl_safe,
    t,
    usage,
)
from bot.opml import OpmlFeeds
from bot.own_feeds import OwnFeeds
from bot.owner import OWNER_COMMANDS, is_owner, stats_lines, switch_feed
from bot.reply_text import ECHO_ITEMS, echo, reason_text, refusal_reason, timezone_label
from bot.top_stories import rank_for_chat, top_stories
from digest.clock import Clock
from digest.errors import (
    BlockedAddressError,
    FeedNotFoundError,
    FetchError,
    NewsdigestError,
    ParseError,
)
from digest.exclusions import exclusion_rule
from digest.models import (
    Article,
    ChatKind,
    ChatRef,
    ChatSettings,
    DeliveryMode,
    Platform,
    Story,
)
from digest.ports import Storage
from digest.stories import StoryBuilder, source_name
from digest.topics import Topic, TopicCatalog

# The argument parsers live in bot.command_args; they are re-exported here, where
# callers have always found them.
__all__ = [
    "BadArgument",
    "CommandLimits",
    "CommandService",
    "ScheduleRequest",
    "SubscriptionTerms",
    "TopicPanel",
    "clean_keyword",
    "command_prefix",
    "is_target_ref",
    "latest_by_story",
    "parse_count",
    "parse_schedule",
    "parse_subscription_terms",
    "parse_time",
    "parse_timezone",
    "parse_url",
    "shown_name",
    "split_targets",
    "western_digits",
]

log = logging.getLogger(__name__)

SummarizeUrl = Callable[[str], Awaitable[Story]]

_FAR_FUTURE = timedelta(days=3650)
MAX_LISTED_TOPICS = 20  # forum topics listed by /mysubs in General (a reply stays short)

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


def latest_by_story(articles: Sequence[Article], count: int) -> list[Article]:
    """At most `count` stories for /latest from `articles` (newest first), one article
    per story as /digest posts them: an article whose story (cluster) is already shown
    is left out (the story lists it among its other sources), and so is one without
    bullets (remembered on a feed's first fetch, never summarised) so that no story is
    shown empty; an older summarised article of its story may still stand for it."""
    chosen: list[Article] = []
    shown: set[int] = set()
    for article in articles:
        story = article.cluster_id if article.cluster_id is not None else article.id
        if story in shown or not article.bullets:
            continue
        shown.add(story)
        chosen.append(article)
        if len(chosen) >= count:
            break
    return chosen


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


# --- the service --------------------------------------------------------------------------


class CommandService:
    """Executes chat commands against storage; platform questions go to the gate."""

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

    def _topic_label(self, slug: str, lang: str) -> str:
        topic = self._catalog.get(slug)
        return topic.name(lang) if topic else slug

    def _join(self, items: Sequence[str], lang: str) -> str:
        return t("list_separator", lang).join(items)

    def _echo_list(self, items: Sequence[str], lang: str) -> str:
        """What the user typed, listed back: each item cut, at most ECHO_ITEMS of them."""
        shown = [echo(item) for item in items[:ECHO_ITEMS]]
        if len(items) > ECHO_ITEMS:
            shown.append("…")
        return self._join(shown, lang)

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

    async def _cmd_topics(
        self, inv: Invocation, gate: PlatformGate, settings: ChatSettings, lang: str, p: str
    ) -> Reply:
        if not self._catalog.topics:
            return self._text(t("topics_empty", lang), lang)
        lines = [t("topics_header", lang)]
        for topic in self._catalog.topics:
            mark = "✓" if topic.slug in settings.topics else "•"
            lines.append(f"{mark} {topic.name(lang)} — {topic.slug}")
        lines.append("")
        lines.append(t("topics_footer", lang, p=p))
        return self._text("\n".join(lines), lang)

    async def _subscription_request(
        self, inv: Invocation, gate: PlatformGate, lang: str
    ) -> tuple[ChatRef, SubscriptionTerms, ChatSettings, str | None] | Reply:
        """What /subscribe and /unsubscribe change: the target chat (this one, or a
        channel named first), the parsed terms, the target's settings and the target as
        the user named it; a Reply when the caller may not change that chat. Raises
        BadArgument without terms."""
        ref, rest = split_targets(inv.args)
        if not rest:
            raise BadArgument("usage")
        target, refusal = await self._target(inv, gate, ref, lang, changing=True)
        if refusal is not None or target is None:
            return refusal or self._text(t("internal_error", lang), lang)
        terms = parse_subscription_terms(rest, self._catalog)
        if not (terms.topics or terms.keywords or terms.everything):
            raise BadArgument("usage")
        return target, terms, self._load_for_change(target, lang), ref

    async def _cmd_subscribe(
        self, inv: Invocation, gate: PlatformGate, settings: ChatSettings, lang: str, p: str
    ) -> Reply:
        request = await self._subscription_request(inv, gate, lang)
        if isinstance(request, Reply):
            return request
        target, terms, before, ref = request
        check_patterns(terms.keywords)  # a /…/ term RE2 refuses: say why, change nothing
        current = replace(before, paused_reason=None)
        lines: list[str] = []
        if terms.everything:
            # No topics and no keywords means "all technology" (digest.topics).
            current = replace(current, topics=frozenset(), keywords=frozenset())
            if current.mode is DeliveryMode.OFF:
                current = replace(current, mode=DeliveryMode.INSTANT)
            lines.append(t("subscribed_topics", lang, items=self._topic_label_all(lang)))
        elif len(terms.topics) + len(terms.keywords) > self._limits.max_subscriptions:
            # More terms than may ever be followed: refuse before comparing them pairwise.
            return self._too_many(lang, p)
        else:
            lines += self._add_terms(terms, before, lang, p)
            good_keywords, _ = self._split_keywords(terms.keywords)
            if not terms.topics and not good_keywords:
                # Nothing usable: saving now would make a new chat follow everything.
                lines.append(t("usage", lang, usage=usage("subscribe", lang, p)))
                return self._text("\n".join(lines), lang, ephemeral=True)
            current = self._apply_terms(terms, current)
            if len(current.topics) + len(current.keywords) > self._limits.max_subscriptions:
                return self._too_many(lang, p)
            if pattern_count(current) > self._exclusions.limits.patterns_per_chat:
                limit = self._exclusions.limits.patterns_per_chat
                text = t("too_many_patterns", lang, max=limit, p=p)
                return self._text(text, lang, ephemeral=True)
            following_before = bool(before.topics or before.keywords)
            if current.mode is DeliveryMode.OFF and not following_before:
                current = replace(current, mode=DeliveryMode.INSTANT)
        self._storage.save_chat(current)
        if target != inv.chat:
            lines.append(t("for_target", lang, target=self._target_name(ref, current)))
        lines += self._resume_note(before, lang)
        if current.mode is DeliveryMode.OFF:
            lines.append(t("mode_off", lang, p=p))
        return self._text("\n".join(lines), lang)

    def _too_many(self, lang: str, p: str) -> Reply:
        text = t("too_many_subscriptions", lang, max=self._limits.max_subscriptions, p=p)
        return self._text(text, lang, ephemeral=True)

    def _topic_label_all(self, lang: str) -> str:
        return t("all_technology", lang)

    def _add_terms(
        self, terms: SubscriptionTerms, before: ChatSettings, lang: str, p: str
    ) -> list[str]:
        lines = []
        new_topics = [s for s in terms.topics if s not in before.topics]
        old_topics = [s for s in terms.topics if s in before.topics]
        good, bad = self._split_keywords(terms.keywords)
        new_keywords = [k for k in good if not any(same_keyword(k, o) for o in before.keywords)]
        old_keywords = [k for k in good if k not in new_keywords]
        if new_topics:
            labels = [self._topic_label(s, lang) for s in new_topics]
            lines.append(t("subscribed_topics", lang, items=self._join(labels, lang)))
        if new_keywords:
            lines.append(t("subscribed_keywords", lang, items=self._join(new_keywords, lang)))
        if old_topics or old_keywords:
            labels = [self._topic_label(s, lang) for s in old_topics] + old_keywords
            lines.append(t("already_subscribed", lang, items=self._join(labels, lang)))
        if bad:
            lines.append(
                t(
                    "bad_keyword",
                    lang,
                    items=self._echo_list(bad, lang),
                    max=count_phrase(self._limits.keyword_max_length, "characters", lang),
                )
            )
        return lines

    def _split_keywords(self, keywords: Sequence[str]) -> tuple[list[str], list[str]]:
        good: list[str] = []
        bad: list[str] = []
        for keyword in keywords:
            cleaned = clean_keyword(keyword, self._limits.keyword_max_length)
            if cleaned is None:
                bad.append(keyword)
            elif not any(same_keyword(cleaned, g) for g in good):
                good.append(cleaned)
        return good, bad

    def _apply_terms(self, terms: SubscriptionTerms, settings: ChatSettings) -> ChatSettings:
        good, _ = self._split_keywords(terms.keywords)
        keywords = set(settings.keywords)
        for keyword in good:
            if not any(same_keyword(keyword, k) for k in keywords):
                keywords.add(keyword)
        return replace(
            settings,
            topics=settings.topics | set(terms.topics),
            keywords=frozenset(keywords),
        )

    async def _cmd_unsubscribe(
        self, inv: Invocation, gate: PlatformGate, settings: ChatSettings, lang: str, p: str
    ) -> Reply:
        request = await self._subscription_request(inv, gate, lang)
        if isinstance(request, Reply):
            return request
        target, terms, before, _ = request
        if terms.everything:
            # Clearing everything must stop posts: an empty list would mean "all tech".
            self._storage.save_chat(
                replace(before, topics=frozenset(), keywords=frozenset(), mode=DeliveryMode.OFF)
            )
            self._drop_pending(target, "unsubscribed from everything")
            return self._text(t("unsubscribed_all", lang), lang)
        removed: list[str] = []
        missing: list[str] = []
        topics = set(before.topics)
        keywords = set(before.keywords)
        for slug in terms.topics:
            (removed if slug in topics else missing).append(self._topic_label(slug, lang))
            topics.discard(slug)
        for keyword in terms.keywords:
            found = [k for k in keywords if same_keyword(k, keyword)]
            if found:
                keywords.difference_update(found)
                removed.append(found[0])
            else:
                missing.append(keyword)
        lines = []
        if removed:
            lines.append(t("unsubscribed", lang, items=self._join(removed, lang)))
            updated = replace(before, topics=frozenset(topics), keywords=frozenset(keywords))
            if not topics and not keywords:
                # The last one went: stop rather than silently switch to "all technology".
                updated = replace(updated, mode=DeliveryMode.OFF)
                self._drop_pending(target, "unsubscribed from everything")
            self._storage.save_chat(updated)
        if missing:
            lines.append(t("not_subscribed", lang, items=self._echo_list(missing, lang)))
        return self._text("\n".join(lines), lang, ephemeral=not removed)

    async def _cmd_mysubs(
        self, inv: Invocation, gate: PlatformGate, settings: ChatSettings, lang: str, p: str
    ) -> Reply:
        ref, rest = split_targets(inv.args)
        if rest:
            raise BadArgument("usage")
        target, refusal = await self._target(inv, gate, ref, lang, changing=False)
        if refusal is not None or target is None:
            return refusal or self._text(t("internal_error", lang), lang)
        current = settings if target == inv.chat else self._storage.get_chat(target)
        label = f" ({self._target_name(ref, current)})" if target != inv.chat else ""
        lines = [t("mysubs_header", lang, target=label)]
        following = bool(current.topics or current.keywords)
        if current.topics:
            labels = [self._topic_label(s, lang) for s in sorted(current.topics)]
            lines.append(t("mysubs_topics", lang, items=self._join(labels, lang)))
        if current.keywords:
            lines.append(
                t("mysubs_keywords", lang, items=self._join(sorted(current.keywords), lang))
            )
        if not following:
            if current.mode is DeliveryMode.OFF or self._is_pristine(current):
                lines.append(t("mysubs_none", lang, p=p))
            elif self._storage.get_chat_feeds(target):
                # Its own sources are what it follows (bot.delivery.only_own_feeds), not
                # "all technology": say so, or the reader expects stories that never come.
                lines.append(t("mysubs_own_only", lang, p=p))
            else:
                lines.append(t("mysubs_topics", lang, items=self._topic_label_all(lang)))
        excluded = self._exclusions.summary_line(current, lang)
        if excluded is not None:
            lines.append(excluded)
        if not self._is_pristine(current):
            lines += self._settings_lines(current, lang, p)
        lines += self._forum_topic_lines(target, lang)
        return self._text("\n".join(lines), lang)

    async def _cmd_exclude(
        self, inv: Invocation, gate: PlatformGate, settings: ChatSettings, lang: str, p: str
    ) -> Reply:
        """/exclude <topic|keyword|/pattern/ ...> (bot.exclusions)."""
        request = await self._subscription_request(inv, gate, lang)
        if isinstance(request, Reply):
            return request
        target, terms, before, ref = request
        change = self._exclusions.exclude(before, terms, lang, p, new=self._is_pristine(before))
        return self._exclusion_reply(inv, target, ref, change, lang, p)

    async def _cmd_include(
        self, inv: Invocation, gate: PlatformGate, settings: ChatSettings, lang: str, p: str
    ) -> Reply:
        """/include <topic|keyword|/pattern/|all>: undo /exclude (bot.exclusions)."""
        request = await self._subscription_request(inv, gate, lang)
        if isinstance(request, Reply):
            return request
        target, terms, before, ref = request
        change = self._exclusions.include(before, terms, lang)
        return self._exclusion_reply(inv, target, ref, change, lang, p)

    def _exclusion_reply(
        self,
        inv: Invocation,
        target: ChatRef,
        ref: str | None,
        change: Change,
        lang: str,
        p: str,
    ) -> Reply:
        lines = list(change.lines)
        if change.settings is not None:
            self._storage.save_chat(change.settings)
            dropped = self._exclusions.drop_excluded(target, change.settings)
            if dropped:
                stories = count_phrase(dropped, "stories", lang)
                lines.append(t("excluded_queue", lang, stories=stories))
            if target != inv.chat:
                lines.append(t("for_target", lang, target=self._target_name(ref, change.settings)))
            if change.settings.mode is DeliveryMode.OFF:
                lines.append(t("mode_off", lang, p=p))
        return self._text("\n".join(lines), lang, ephemeral=change.ephemeral)

    def _forum_topic_lines(self, chat: ChatRef, lang: str) -> list[str]:
        """A forum group's General topic also lists the topics that have settings of
        their own (bot.forum_topics), at most MAX_LISTED_TOPICS of them."""
        if chat.kind is not ChatKind.GROUP or chat.thread_id is not None:
            return []
        topics = group_topics(self._storage, chat)
        if not topics:
            return []
        lines = ["", t("mysubs_forum_topics", lang)]
        for settings in topics[:MAX_LISTED_TOPICS]:
            labels = [self._topic_label(s, lang) for s in sorted(settings.topics)]
            items = self._join([*labels, *sorted(settings.keywords)], lang)
            if not items:
                items = self._topic_label_all(lang)
            paused = " ⏸" if settings.paused_reason else ""
            lines.append(f"• {topic_label(settings)}{paused}: {items}")
        if len(topics) > MAX_LISTED_TOPICS:
            lines.append("…")
        return lines

    async def _cmd_digest(
        self, inv: Invocation, gate: PlatformGate, settings: ChatSettings, lang: str, p: str
    ) -> Reply:
        """Send now: the matching stories this chat has not received, since its last
        digest. They are recorded in the outbox as delivered to this chat at once, so the
        scheduled digest and instant posts never repeat them."""
        if inv.args:
            raise BadArgument("usage")
        now = self._clock.now()
        articles = self._planner.digest_articles(settings, now)
        if articles:
            self._storage.enqueue(inv.chat, [a.id for a in articles], due_at=now)
            wanted = {a.id for a in articles}
            rows = self._storage.pending_deliveries(
                now=now, limit=len(wanted) + 1000, chat=inv.chat
            )
            rows = [r for r in rows if r.article_id in wanted]
            in_outbox = {r.article_id for r in rows}
            articles = [a for a in articles if a.id in in_outbox]
            self._storage.mark_sent([r.id for r in rows], at=now)
        if not self._is_pristine(settings):
            current = self._storage.get_chat(inv.chat)
            self._storage.save_chat(replace(current, last_digest_at=now))
        if not articles:
            return self._text(t("digest_nothing", lang, p=p), lang)
        stories = tuple(rank_for_chat(self._stories.stories(articles), articles, settings, now))
        return Reply(
            stories=stories,
            header=digest_title(len(stories), lang, settings, now),
            language=lang,
            timezone=settings.timezone,
        )

    async def _cmd_latest(
        self, inv: Invocation, gate: PlatformGate, settings: ChatSettings, lang: str, p: str
    ) -> Reply:
        count = parse_count(
            inv.args, default=self._limits.latest_default, maximum=self._limits.latest_max
        )
        # Announceable articles only, as /digest: a feed's first-fetch backlog (never
        # summarised) cannot crowd the stories out, and a story that joined an older
        # one is shown with it (as its other source), not on its own.
        recent = self._storage.get_articles(announce=True, limit=max(200, count * 20))
        # Feeds only some chats added are theirs alone (bot.own_feeds).
        private = self._storage.private_feed_urls()
        recent = [
            a
            for a in recent
            if a.is_tech and a.feed_url not in private and exclusion_rule(settings, a) is None
        ]
        following = bool(settings.topics or settings.keywords)
        wanted = [a for a in recent if matches(settings, a)] if following else []
        chosen = latest_by_story(wanted, count)
        header_key = "latest_header_matching"
        if not chosen:
            # Nothing matches yet: the latest of everything is more useful than silence.
            chosen, header_key = latest_by_story(recent, count), "latest_header"
        if not chosen:
            return self._text(t("latest_nothing", lang), lang)
        # The latest stories, most important first (outlets, recency, interests).
        built = self._stories.stories(chosen)
        stories = tuple(rank_for_chat(built, chosen, settings, self._clock.now()))
        return Reply(
            stories=stories,
            header=t(
                header_key,
                lang,
                count=len(stories),
                stories=count_phrase(len(stories), "stories", lang),
            ),
            language=lang,
            timezone=settings.timezone,
        )

    async def _cmd_top(
        self, inv: Invocation, gate: PlatformGate, settings: ChatSettings, lang: str, p: str
    ) -> Reply:
        """Today's most-covered stories (bot.top_stories.top_stories)."""
        count = parse_count(
            inv.args, default=self._limits.latest_default, maximum=self._limits.latest_max
        )
        stories = top_stories(self._storage, self._stories, settings, self._clock.now(), count)
        if not stories:
            return self._text(t("top_nothing", lang), lang)
        header = t(
            "top_header",
            lang,
            count=len(stories),
            stories=count_phrase(len(stories), "stories", lang),
        )
        return Reply(
            stories=tuple(stories), header=header, language=lang, timezone=settings.timezone
        )

    async def _cmd_summary(
        self, inv: Invocation, gate: PlatformGate, settings: ChatSettings, lang: str, p: str
    ) -> Reply:
        url = parse_url(inv.args)
        now = self._clock.now()
        key = (inv.chat.platform.value, inv.user_id)
        last = self._last_summary.get(key)
        cooldown = self._limits.summary_cooldown_seconds
        if last is not None and (now - last).total_seconds() < cooldown:
            # Whole seconds left, rounded up (10.0 left is "10", not "11").
            wait = max(1, math.ceil(cooldown - (now - last).total_seconds()))
            seconds = count_phrase(wait, "seconds", lang)
            return self._text(t("summary_cooldown", lang, seconds=seconds), lang, ephemeral=True)
        self._last_summary[key] = now
        if len(self._last_summary) > 1000:
            # Forget users whose cooldown is over, so the table stays small.
            horizon = now - timedelta(seconds=cooldown)
            for old in [k for k, at in self._last_summary.items() if at < horizon]:
                del self._last_summary[old]
        try:
            story = await self._summarize_url(url)
        except BlockedAddressError:
            return self._text(t("summary_blocked", lang), lang, ephemeral=True)
        except FeedNotFoundError:
            return self._text(t("summary_not_found", lang), lang, ephemeral=True)
        except FetchError as error:
            if error.status in (404, 410):
                return self._text(t("summary_not_found", lang), lang, ephemeral=True)
            text = t("summary_fetch_failed", lang, reason=reason_text(error.reason, lang))
            return self._text(text, lang, ephemeral=True)
        except ParseError:
            return self._text(t("summary_parse_failed", lang), lang, ephemeral=True)
        except NewsdigestError as error:
            reason = reason_text(getattr(error, "reason", None) or str(error), lang)
            return self._text(t("summary_failed", lang, reason=reason), lang, ephemeral=True)
        return Reply(stories=(story,), language=lang, timezone=settings.timezone)

    async def _cmd_schedule(
        self, inv: Invocation, gate: PlatformGate, settings: ChatSettings, lang: str, p: str
    ) -> Reply:
        ref, rest = split_targets(inv.args)
        if not rest:
            raise BadArgument("usage")
        request = parse_schedule(rest)  # validate before asking the platform anything
        target, refusal = await self._target(inv, gate, ref, lang, changing=True)
        if refusal is not None or target is None:
            return refusal or self._text(t("internal_error", lang), lang)
        before = self._load_for_change(target, lang)
        current = replace(before, paused_reason=None, mode=request.mode)
        now = self._clock.now()
        if request.mode is DeliveryMode.SCHEDULED:
            zone = request.timezone or (
                before.timezone
                if before.timezone != "UTC" or before.schedule_time
                else self._limits.default_timezone
            )
            # The schedule counts from now: setting 08:00 at 10:00 means tomorrow 08:00.
            # Digest contents reach back on their own (bot.delivery.digest_window_start).
            current = replace(current, schedule_time=request.time, timezone=zone)
            if (
                before.mode is not DeliveryMode.SCHEDULED
                or before.schedule_time != request.time
                or before.timezone != zone
            ):
                current = replace(current, last_digest_at=now)
            # The zone as the user knows it: "UTC+3", not the stored "Etc/GMT-3".
            text = t("schedule_set", lang, time=request.time, tz=timezone_label(zone))
        elif request.mode is DeliveryMode.INSTANT:
            text = t("schedule_instant", lang)
        else:
            text = t("schedule_off", lang, p=p)
        self._storage.save_chat(current)
        if request.mode is DeliveryMode.OFF:
            self._drop_pending(target, "delivery turned off")
        lines = [text]
        if target != inv.chat:
            lines.append(t("for_target", lang, target=self._target_name(ref, current)))
        lines += self._resume_note(before, lang)
        return self._text("\n".join(lines), lang)

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

    async def _cmd_health(
        self, inv: Invocation, gate: PlatformGate, settings: ChatSettings, lang: str, p: str
    ) -> Reply:
        feeds = [f for f in self._storage.get_feeds() if f.public]  # as /feeds
        disabled = [f for f in feeds if not f.enabled]
        failing = [f for f in feeds if f.enabled and f.error_count > 0]
        ok = len(feeds) - len(disabled) - len(failing)
        lines = [
            t(
                "health_summary",
                lang,
                total=len(feeds),
                ok=ok,
                failing=len(failing),
                disabled=len(disabled),
            )
        ]
        zone = chat_zone(settings.timezone)
        successes = [f.last_success_at for f in feeds if f.last_success_at is not None]
        if successes:
            when = max(successes).astimezone(zone).strftime("%Y-%m-%d %H:%M")
            tz = timezone_label(settings.timezone)
            lines.append(t("health_last_success", lang, when=f"{when} {tz}"))
        elif feeds:
            lines.append(t("health_never", lang))
        limit = self._limits.health_list_max
        for feed in sorted(failing, key=lambda f: -f.error_count)[:limit]:
            name = source_name(feed, feed.url)
            lines.append(
                t(
                    "health_failing_line",
                    lang,
                    name=name,
                    error=reason_text(feed.last_error, lang),
                    count=count_phrase(feed.error_count, "failures", lang),
                )
            )
        for feed in disabled[:limit]:
            name = source_name(feed, feed.url)
            reason = reason_text(feed.disabled_reason, lang) if feed.disabled_reason else "-"
            lines.append(t("health_disabled_line", lang, name=name, reason=reason))
        if feeds and not failing and not disabled:
            lines.append(t("health_all_ok", lang))
        return self._text("\n".join(lines), lang)

    async def _cmd_images(
        self, inv: Invocation, gate: PlatformGate, settings: ChatSettings, lang: str, p: str
    ) -> Reply:
        """/images on|off: the story's image in instant posts (shown by default)."""
        ref, rest = split_targets(inv.args)
        if len(rest) != 1:
            raise BadArgument("usage")
        word = rest[0].strip().casefold()
        if word not in IMAGES_ON | IMAGES_OFF:
            raise BadArgument("bad_images")
        show = word in IMAGES_ON
        target, refusal = await self._target(inv, gate, ref, lang, changing=True)
        if refusal is not None or target is None:
            return refusal or self._text(t("internal_error", lang), lang)
        before = self._storage.get_chat(target)
        updated = replace(before, images=show)
        if self._is_pristine(before):
            # As with /lang: choosing how posts look is not asking for posts.
            updated = replace(updated, mode=DeliveryMode.OFF)
        self._storage.save_chat(updated)
        key = "images_on" if show else "images_off"
        if target == inv.chat:
            line = t(key, lang)
        else:
            line = t(f"{key}_target", lang, target=self._target_name(ref, before))
        return self._text(line, lang)

    async def _cmd_lang(
        self, inv: Invocation, gate: PlatformGate, settings: ChatSettings, lang: str, p: str
    ) -> Reply:
        ref, rest = split_targets(inv.args)
        if len(rest) != 1:
            raise BadArgument("usage")
        chosen = normalize_language(rest[0])
        if chosen is None or chosen not in LANGUAGES:
            raise BadArgument("bad_language")
        target, refusal = await self._target(inv, gate, ref, lang, changing=True)
        if refusal is not None or target is None:
            return refusal or self._text(t("internal_error", lang), lang)
        before = self._storage.get_chat(target)
        updated = replace(before, language=chosen, paused_reason=None)
        if self._is_pristine(before):
            # Saving a chat makes it a recipient; with no subscriptions that would mean
            # "all technology". Choosing a language is not asking for posts.
            updated = replace(updated, mode=DeliveryMode.OFF)
        self._storage.save_chat(updated)
        # The invoking chat's replies switch too when it is the one that changed; for a
        # managed chat the whole reply stays in the invoking chat's language.
        if target == inv.chat:
            reply_lang = chosen
            lines = [t("lang_set", chosen)]
        else:
            reply_lang = lang
            name = self._target_name(ref, before)
            language = language_name(chosen, lang)
            lines = [t("lang_set_target", lang, target=name, language=language)]
        lines += self._resume_note(before, reply_lang)
        return self._text("\n".join(lines), reply_lang)


def shown_name(command: str, prefix: str) -> str:
    """The name users type for a command: Discord calls "mysubs" "subscriptions"."""
    return "subscriptions" if command == "mysubs" and prefix != "/" else command


def command_prefix(platform: Platform) -> str:
    """How users type commands: '/x' on Telegram, '/news x' on Discord."""
    return "/news " if platform is Platform.DISCORD else "/"
