"""Chat commands, written once for Telegram and Discord.

Adapters turn an update/interaction into an `Invocation`, call
`CommandService.handle(invocation, gate)` and render the `Reply`. Parsing of arguments
lives in pure functions (`parse_schedule`, `parse_count`, `parse_url`, `split_targets`,
`parse_subscription_terms`) that raise `BadArgument` with the text key to show.

Permissions: reading commands are for everyone; commands that change a chat
(subscribe, unsubscribe, schedule, lang) need `gate.is_admin` in groups and channels
(private chats: always allowed). A managed target (`@channel`, `<#123>`) is resolved with
`gate.resolve_target`, which itself checks that the user administers it.
"""

from __future__ import annotations

import difflib
import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import lru_cache
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.chat import Invocation, PlatformGate, Reply
from bot.delivery import (
    DeliveryPlanner,
    DigestLimits,
    StoryLoader,
    chat_zone,
    digest_title,
    matches,
)
from bot.i18n import (
    LANGUAGES,
    TELEGRAM_COMMANDS,
    command_descriptions,
    has_usage,
    normalize_language,
    pick_language,
    rtl_safe,
    t,
    usage,
)
from digest.arabic import normalize
from digest.clock import Clock
from digest.errors import (
    BlockedAddressError,
    FeedNotFoundError,
    FetchError,
    NewsdigestError,
    ParseError,
)
from digest.models import ChatKind, ChatRef, ChatSettings, DeliveryMode, Platform, Story
from digest.ports import Storage
from digest.stories import StoryBuilder, source_name
from digest.topics import TopicCatalog

log = logging.getLogger(__name__)

SummarizeUrl = Callable[[str], Awaitable[Story]]

_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_FAR_FUTURE = timedelta(days=3650)

CHANGING_COMMANDS = frozenset({"subscribe", "unsubscribe", "schedule", "lang"})
COMMAND_ALIASES = {
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


class BadArgument(ValueError):
    """A command argument is wrong; `key` names the i18n text, `values` fill it."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


# --- pure parsing ------------------------------------------------------------------------

_INSTANT_WORDS = frozenset({"instant", "now", "live", "فوري", "فورا", "فورًا", "مباشر"})
_OFF_WORDS = frozenset({"off", "stop", "none", "ايقاف", "إيقاف", "توقف", "اوقف", "أوقف"})
_ALL_WORDS = frozenset({"all", "everything", "الكل", "كل", "الجميع", "*"})
_AM = frozenset({"am", "a.m.", "ص", "صباحا", "صباحًا", "صباح"})
_PM = frozenset({"pm", "p.m.", "م", "مساء", "مساءً", "مساءا", "مساءًا", "ظهرا", "ظهرًا"})
_TIME = re.compile(r"^(\d{1,2})(?:[:.٫h](\d{2}))?\s*([^\d\s]*)$")
_OFFSET = re.compile(r"^(?:utc|gmt|توقيت غرينتش)?\s*([+-])\s*(\d{1,2})(?::?(00))?$")
_TARGET = re.compile(r"^(@[A-Za-z0-9_]{2,}|<#\d+>|-100\d+|(?:https?://)?t\.me/[A-Za-z0-9_]{2,})$")
_TERM_SEPARATORS = re.compile("[,،;؛]")

# Arabic city names people type instead of IANA names (ambiguous ones such as
# "عمان" (Amman/Oman) and "طرابلس" (Tripoli, Libya/Lebanon) are left out on purpose).
_ARABIC_CITY_ZONES = {
    "الرياض": "Asia/Riyadh",
    "السعودية": "Asia/Riyadh",
    "مكة": "Asia/Riyadh",
    "جدة": "Asia/Riyadh",
    "القاهرة": "Africa/Cairo",
    "مصر": "Africa/Cairo",
    "دبي": "Asia/Dubai",
    "ابوظبي": "Asia/Dubai",
    "أبوظبي": "Asia/Dubai",
    "الامارات": "Asia/Dubai",
    "الإمارات": "Asia/Dubai",
    "الدوحة": "Asia/Qatar",
    "قطر": "Asia/Qatar",
    "الكويت": "Asia/Kuwait",
    "المنامة": "Asia/Bahrain",
    "البحرين": "Asia/Bahrain",
    "مسقط": "Asia/Muscat",
    "بيروت": "Asia/Beirut",
    "لبنان": "Asia/Beirut",
    "دمشق": "Asia/Damascus",
    "سوريا": "Asia/Damascus",
    "بغداد": "Asia/Baghdad",
    "العراق": "Asia/Baghdad",
    "الاردن": "Asia/Amman",
    "الأردن": "Asia/Amman",
    "غزة": "Asia/Gaza",
    "الخرطوم": "Africa/Khartoum",
    "السودان": "Africa/Khartoum",
    "تونس": "Africa/Tunis",
    "الجزائر": "Africa/Algiers",
    "الرباط": "Africa/Casablanca",
    "الدار البيضاء": "Africa/Casablanca",
    "المغرب": "Africa/Casablanca",
    "صنعاء": "Asia/Aden",
    "اليمن": "Asia/Aden",
    "نواكشوط": "Africa/Nouakchott",
    "موريتانيا": "Africa/Nouakchott",
    "ليبيا": "Africa/Tripoli",
    "غرينتش": "UTC",
}


def western_digits(text: str) -> str:
    """Arabic-Indic and Persian digits as ASCII digits."""
    return text.translate(_ARABIC_DIGITS)


def parse_count(args: Sequence[str], *, default: int, minimum: int = 1, maximum: int) -> int:
    """The optional count argument of /latest. Raises BadArgument('bad_count')."""
    if not args:
        return default
    raw = western_digits(args[0].strip())
    if len(args) > 1 or not raw.isdigit() or not minimum <= int(raw) <= maximum:
        raise BadArgument("bad_count", min=minimum, max=maximum)
    return int(raw)


def parse_time(text: str, meridiem: str | None = None) -> str:
    """'8:30', '٠٨:٣٠', '8.30 pm', '9 م' -> 'HH:MM' (24-hour). Raises BadArgument('bad_time')."""
    value = western_digits(text.strip()).casefold()
    match = _TIME.match(value)
    if not match:
        raise BadArgument("bad_time", value=text)
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    suffix = match.group(3) or (meridiem or "").casefold()
    if suffix and suffix not in _AM and suffix not in _PM:
        raise BadArgument("bad_time", value=text)
    if suffix:
        if not 1 <= hour <= 12:
            raise BadArgument("bad_time", value=text)
        hour = hour % 12 + (12 if suffix in _PM else 0)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise BadArgument("bad_time", value=text)
    return f"{hour:02d}:{minute:02d}"


@lru_cache(maxsize=1)
def _zone_names() -> dict[str, str]:
    """Lower-cased IANA names and unique city parts ('cairo') -> canonical name."""
    names: dict[str, str] = {}
    cities: dict[str, set[str]] = {}
    for name in available_timezones():
        names[name.casefold()] = name
        city = name.rsplit("/", 1)[-1].casefold()
        cities.setdefault(city, set()).add(name)
        cities.setdefault(city.replace("_", " "), set()).add(name)
    for city, zones in cities.items():
        if len(zones) == 1 and city not in names:
            names[city] = next(iter(zones))
    return names


def parse_timezone(text: str) -> str:
    """An IANA timezone name as stored in ChatSettings.timezone. Accepts exact names in
    any case ('asia/riyadh'), city names ('Cairo', 'الرياض'), 'UTC' and whole-hour offsets
    ('UTC+3', '+03:00'). Raises BadArgument('bad_timezone')."""
    raw = " ".join(western_digits(text).split())
    if not raw:
        raise BadArgument("bad_timezone", value=text)
    folded = raw.casefold()
    if folded in {"utc", "gmt", "z"}:
        return "UTC"
    offset = _OFFSET.match(folded.replace(" ", ""))
    if offset:
        sign, hours = offset.group(1), int(offset.group(2))
        if hours == 0:
            return "UTC"
        if hours > 14:
            raise BadArgument("bad_timezone", value=text)
        # POSIX Etc zones have the sign inverted: UTC+3 is Etc/GMT-3.
        return f"Etc/GMT{'-' if sign == '+' else '+'}{hours}"
    for key in (raw, normalize(raw)):
        if key in _ARABIC_CITY_ZONES:
            return _ARABIC_CITY_ZONES[key]
    normalized_cities = {normalize(k): v for k, v in _ARABIC_CITY_ZONES.items()}
    if normalize(raw) in normalized_cities:
        return normalized_cities[normalize(raw)]
    name = _zone_names().get(folded) or _zone_names().get(folded.replace(" ", "_"))
    if name is None:
        raise BadArgument("bad_timezone", value=text)
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise BadArgument("bad_timezone", value=text) from error
    return name


@dataclass(frozen=True)
class ScheduleRequest:
    mode: DeliveryMode
    time: str | None = None  # "HH:MM" for scheduled
    timezone: str | None = None  # None: keep the chat's timezone


def parse_schedule(args: Sequence[str]) -> ScheduleRequest:
    """'08:30 [timezone]' | 'instant' | 'off'. Raises BadArgument (usage, bad_time,
    bad_timezone)."""
    if not args:
        raise BadArgument("usage")
    first = args[0].strip().casefold()
    if first in _INSTANT_WORDS or normalize(first) in {normalize(w) for w in _INSTANT_WORDS}:
        if len(args) > 1:
            raise BadArgument("usage")
        return ScheduleRequest(DeliveryMode.INSTANT)
    if first in _OFF_WORDS or normalize(first) in {normalize(w) for w in _OFF_WORDS}:
        if len(args) > 1:
            raise BadArgument("usage")
        return ScheduleRequest(DeliveryMode.OFF)
    rest = list(args[1:])
    meridiem = None
    if rest and rest[0].casefold() in _AM | _PM:
        meridiem = rest.pop(0)
    at = parse_time(args[0], meridiem)
    zone = parse_timezone(" ".join(rest)) if rest else None
    return ScheduleRequest(DeliveryMode.SCHEDULED, at, zone)


def parse_url(args: Sequence[str]) -> str:
    """The one link argument of /summary. Raises BadArgument('usage' or 'bad_url')."""
    if len(args) != 1:
        raise BadArgument("usage")
    raw = args[0].strip().strip("<>")
    if "://" not in raw and re.match(r"^(www\.)?[\w-]+(\.[\w-]+)+(/|$)", raw):
        raw = "https://" + raw
    parts = urlsplit(raw)
    if parts.scheme not in {"http", "https"} or not parts.hostname or " " in raw:
        raise BadArgument("bad_url")
    return raw


def is_target_ref(arg: str) -> bool:
    """True for a managed-chat reference: '@channel', a Discord '<#123>' mention, a
    Telegram channel id ('-100…') or a t.me link."""
    return bool(_TARGET.match(arg.strip()))


def split_targets(args: Sequence[str]) -> tuple[str | None, tuple[str, ...]]:
    """Separate the managed target (at most one) from the other arguments. Raises
    BadArgument('one_target_only')."""
    targets = [a.strip() for a in args if is_target_ref(a)]
    rest = tuple(a for a in args if not is_target_ref(a))
    if len(targets) > 1:
        raise BadArgument("one_target_only")
    ref = targets[0] if targets else None
    if ref and "t.me/" in ref:
        ref = "@" + ref.rsplit("/", 1)[-1]
    return ref, rest


@dataclass(frozen=True)
class SubscriptionTerms:
    topics: tuple[str, ...]  # slugs, in the order given
    keywords: tuple[str, ...]  # as typed
    everything: bool = False  # "all"


def parse_subscription_terms(args: Sequence[str], catalog: TopicCatalog) -> SubscriptionTerms:
    """Topics and keywords in `/subscribe` arguments. Topic names may span words
    ("الذكاء الاصطناعي"): the longest run of words naming a topic wins. Commas (, ،)
    separate phrases: an unknown phrase between commas is one keyword ("open source");
    without commas every unknown word is its own keyword."""
    text = " ".join(args).strip()
    if not text:
        return SubscriptionTerms((), ())
    if text.casefold() in _ALL_WORDS or normalize(text) in {normalize(w) for w in _ALL_WORDS}:
        return SubscriptionTerms((), (), everything=True)
    groups = [g.split() for g in _TERM_SEPARATORS.split(text)]
    groups = [g for g in groups if g]
    phrases = len(groups) > 1
    topics: list[str] = []
    keywords: list[str] = []
    for words in groups:
        unknown: list[str] = []
        i = 0
        while i < len(words):
            for j in range(len(words), i, -1):
                topic = catalog.resolve(" ".join(words[i:j]))
                if topic is not None:
                    break
            else:
                unknown.append(words[i])
                i += 1
                continue
            if unknown:
                keywords.extend([" ".join(unknown)] if phrases else unknown)
                unknown = []
            topics.append(topic.slug)
            i = j
        if unknown:
            keywords.extend([" ".join(unknown)] if phrases else unknown)
    return SubscriptionTerms(tuple(dict.fromkeys(topics)), tuple(dict.fromkeys(keywords)))


def clean_keyword(keyword: str, max_length: int) -> str | None:
    """A keyword as stored, or None when it is not usable (too short/long, no letter or
    digit, or looks like a command/mention)."""
    value = " ".join(keyword.split()).strip("\"'«»“”")
    if not 2 <= len(value) <= max_length:
        return None
    if value.startswith(("/", "@", "<")) or not any(c.isalnum() for c in value):
        return None
    return value


def _same_keyword(a: str, b: str) -> bool:
    return normalize(a) == normalize(b)


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
    ) -> None:
        self._storage = storage
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
            handler = getattr(self, f"_cmd_{name}", None) if name in KNOWN_COMMANDS else None
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

    # helpers --------------------------------------------------------------------------

    @staticmethod
    def _is_pristine(settings: ChatSettings) -> bool:
        return settings == ChatSettings(chat=settings.chat)

    def _reply_language(self, settings: ChatSettings, inv: Invocation) -> str:
        if self._is_pristine(settings):
            return self._fallback_language(inv)
        return pick_language(settings.language, self._limits.default_language)

    def _fallback_language(self, inv: Invocation) -> str:
        """For a chat that chose nothing yet: the user's client language when we speak
        it, else the operator's default language."""
        return pick_language(inv.user_language, self._limits.default_language)

    @staticmethod
    def _text(text: str, lang: str, *, ephemeral: bool = False) -> Reply:
        return Reply(text=rtl_safe(text, lang), language=lang, ephemeral=ephemeral)

    def _unknown(self, name: str, lang: str, prefix: str) -> Reply:
        lines = [t("unknown_command", lang, p=prefix, name=name)]
        close = difflib.get_close_matches(name.casefold(), KNOWN_COMMANDS, n=1, cutoff=0.6)
        if close:
            lines.append(t("did_you_mean", lang, p=prefix, name=close[0]))
        return self._text("\n".join(lines), lang, ephemeral=True)

    def _bad_argument(self, name: str, bad: BadArgument, lang: str, prefix: str) -> Reply:
        lines = [] if bad.key == "usage" else [t(bad.key, lang, p=prefix, **bad.values)]
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
                # Adapters may explain the refusal in the chat's language.
                reason_in = getattr(denied, "reason_in", None)
                reason = reason_in(lang) if callable(reason_in) else str(denied)
                text = t("target_denied", lang, target=ref, reason=reason)
                return None, self._text(text, lang, ephemeral=True)
            except LookupError:
                return None, self._text(t("target_unknown", lang, target=ref), lang, ephemeral=True)
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
        return settings

    def _resume_note(self, before: ChatSettings, lang: str) -> list[str]:
        return [t("resumed", lang)] if before.paused_reason is not None else []

    def _topic_label(self, slug: str, lang: str) -> str:
        topic = self._catalog.get(slug)
        return topic.name(lang) if topic else slug

    def _join(self, items: Sequence[str], lang: str) -> str:
        return t("list_separator", lang).join(items)

    def _settings_lines(self, settings: ChatSettings, lang: str, prefix: str) -> list[str]:
        lines = []
        if settings.mode is DeliveryMode.SCHEDULED and settings.schedule_time:
            lines.append(
                t("mode_scheduled", lang, time=settings.schedule_time, tz=settings.timezone)
            )
        elif settings.mode is DeliveryMode.OFF:
            lines.append(t("mode_off", lang, p=prefix))
        else:
            lines.append(t("mode_instant", lang))
        lines.append(t("language_line", settings.language))
        if settings.paused_reason:
            lines.append(t("paused_line", lang, reason=settings.paused_reason))
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
    ) -> tuple[ChatRef, SubscriptionTerms, ChatSettings] | Reply:
        """What /subscribe and /unsubscribe change: the target chat (this one, or a
        channel named first), the parsed terms and the target's settings; a Reply when
        the caller may not change that chat. Raises BadArgument without terms."""
        ref, rest = split_targets(inv.args)
        if not rest:
            raise BadArgument("usage")
        target, refusal = await self._target(inv, gate, ref, lang, changing=True)
        if refusal is not None or target is None:
            return refusal or self._text(t("internal_error", lang), lang)
        terms = parse_subscription_terms(rest, self._catalog)
        if not (terms.topics or terms.keywords or terms.everything):
            raise BadArgument("usage")
        return target, terms, self._load_for_change(target, lang)

    async def _cmd_subscribe(
        self, inv: Invocation, gate: PlatformGate, settings: ChatSettings, lang: str, p: str
    ) -> Reply:
        request = await self._subscription_request(inv, gate, lang)
        if isinstance(request, Reply):
            return request
        target, terms, before = request
        current = replace(before, paused_reason=None)
        lines: list[str] = []
        if terms.everything:
            # No topics and no keywords means "all technology" (digest.topics).
            current = replace(current, topics=frozenset(), keywords=frozenset())
            if current.mode is DeliveryMode.OFF:
                current = replace(current, mode=DeliveryMode.INSTANT)
            lines.append(t("subscribed_topics", lang, items=self._topic_label_all(lang)))
        else:
            lines += self._add_terms(terms, before, lang, p)
            good_keywords, _ = self._split_keywords(terms.keywords)
            if not terms.topics and not good_keywords:
                # Nothing usable: saving now would make a new chat follow everything.
                lines.append(t("usage", lang, usage=usage("subscribe", lang, p)))
                return self._text("\n".join(lines), lang, ephemeral=True)
            current = self._apply_terms(terms, current)
            if len(current.topics) + len(current.keywords) > self._limits.max_subscriptions:
                return self._text(
                    t("too_many_subscriptions", lang, max=self._limits.max_subscriptions, p=p),
                    lang,
                    ephemeral=True,
                )
            following_before = bool(before.topics or before.keywords)
            if current.mode is DeliveryMode.OFF and not following_before:
                current = replace(current, mode=DeliveryMode.INSTANT)
        self._storage.save_chat(current)
        if target != inv.chat:
            lines.append(t("for_target", lang, target=current.title or target.chat_id))
        lines += self._resume_note(before, lang)
        if current.mode is DeliveryMode.OFF:
            lines.append(t("mode_off", lang, p=p))
        return self._text("\n".join(lines), lang)

    def _topic_label_all(self, lang: str) -> str:
        return t("all_technology", lang)

    def _add_terms(
        self, terms: SubscriptionTerms, before: ChatSettings, lang: str, p: str
    ) -> list[str]:
        lines = []
        new_topics = [s for s in terms.topics if s not in before.topics]
        old_topics = [s for s in terms.topics if s in before.topics]
        good, bad = self._split_keywords(terms.keywords)
        new_keywords = [k for k in good if not any(_same_keyword(k, o) for o in before.keywords)]
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
                    items=self._join(bad, lang),
                    max=self._limits.keyword_max_length,
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
            elif not any(_same_keyword(cleaned, g) for g in good):
                good.append(cleaned)
        return good, bad

    def _apply_terms(self, terms: SubscriptionTerms, settings: ChatSettings) -> ChatSettings:
        good, _ = self._split_keywords(terms.keywords)
        keywords = set(settings.keywords)
        for keyword in good:
            if not any(_same_keyword(keyword, k) for k in keywords):
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
        target, terms, before = request
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
            found = [k for k in keywords if _same_keyword(k, keyword)]
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
            lines.append(t("not_subscribed", lang, items=self._join(missing, lang)))
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
        label = f" ({current.title or target.chat_id})" if target != inv.chat else ""
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
            else:
                lines.append(t("mysubs_topics", lang, items=self._topic_label_all(lang)))
        if not self._is_pristine(current):
            lines += self._settings_lines(current, lang, p)
        return self._text("\n".join(lines), lang)

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
        stories = tuple(self._stories.stories(articles))
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
        recent = self._storage.get_articles(limit=max(200, count * 20))
        recent = [a for a in recent if a.is_tech]
        following = bool(settings.topics or settings.keywords)
        chosen = [a for a in recent if matches(settings, a)][:count] if following else []
        header_key = "latest_header_matching"
        if not chosen:
            # Nothing matches yet: the latest of everything is more useful than silence.
            chosen, header_key = recent[:count], "latest_header"
        if not chosen:
            return self._text(t("latest_nothing", lang), lang)
        stories = tuple(self._stories.stories(chosen))
        return Reply(
            stories=stories,
            header=t(header_key, lang, count=len(stories)),
            language=lang,
            timezone=settings.timezone,
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
            wait = int(cooldown - (now - last).total_seconds()) + 1
            return self._text(t("summary_cooldown", lang, seconds=wait), lang, ephemeral=True)
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
            text = t("summary_fetch_failed", lang, reason=error.reason)
            return self._text(text, lang, ephemeral=True)
        except ParseError:
            return self._text(t("summary_parse_failed", lang), lang, ephemeral=True)
        except NewsdigestError as error:
            return self._text(t("summary_failed", lang, reason=str(error)), lang, ephemeral=True)
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
            text = t("schedule_set", lang, time=request.time, tz=zone)
        elif request.mode is DeliveryMode.INSTANT:
            text = t("schedule_instant", lang)
        else:
            text = t("schedule_off", lang, p=p)
        self._storage.save_chat(current)
        if request.mode is DeliveryMode.OFF:
            self._drop_pending(target, "delivery turned off")
        lines = [text]
        if target != inv.chat:
            lines.append(t("for_target", lang, target=current.title or target.chat_id))
        lines += self._resume_note(before, lang)
        return self._text("\n".join(lines), lang)

    async def _cmd_feeds(
        self, inv: Invocation, gate: PlatformGate, settings: ChatSettings, lang: str, p: str
    ) -> Reply:
        feeds = self._storage.get_feeds(enabled=True)
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

    async def _cmd_health(
        self, inv: Invocation, gate: PlatformGate, settings: ChatSettings, lang: str, p: str
    ) -> Reply:
        feeds = self._storage.get_feeds()
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
            lines.append(t("health_last_success", lang, when=f"{when} {settings.timezone}"))
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
                    error=feed.last_error or "?",
                    count=feed.error_count,
                )
            )
        for feed in disabled[:limit]:
            name = source_name(feed, feed.url)
            reason = feed.disabled_reason or "-"
            lines.append(t("health_disabled_line", lang, name=name, reason=reason))
        if feeds and not failing and not disabled:
            lines.append(t("health_all_ok", lang))
        return self._text("\n".join(lines), lang)

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
        # The invoking chat's replies switch too when it is the one that changed.
        reply_lang = chosen if target == inv.chat else lang
        lines = [t("lang_set", chosen)]
        if target != inv.chat:
            lines.append(t("for_target", reply_lang, target=before.title or target.chat_id))
        lines += self._resume_note(before, reply_lang)
        return self._text("\n".join(lines), reply_lang)


def shown_name(command: str, prefix: str) -> str:
    """The name users type for a command: Discord calls "mysubs" "subscriptions"."""
    return "subscriptions" if command == "mysubs" and prefix != "/" else command


def command_prefix(platform: Platform) -> str:
    """How users type commands: '/x' on Telegram, '/news x' on Discord."""
    return "/news " if platform is Platform.DISCORD else "/"
