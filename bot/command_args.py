"""Pure parsing of command arguments (no storage, no platform): each function raises
`BadArgument` with the i18n key of the text to show and the values that fill it.

Arguments are hostile input: every pattern here is anchored and free of nested
quantifiers (linear time), and what a user typed is echoed back only through
bot.reply_text.echo.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from digest.arabic import normalize
from digest.models import DeliveryMode
from digest.patterns import (
    PATTERN_MAX_LENGTH,
    PATTERNS_PER_CHAT,
    PatternError,
    compile_pattern,
    is_pattern,
    split_patterns,
)
from digest.topics import TopicCatalog, alias_key

_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


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
    without commas every unknown word is its own keyword. Words that are only
    separators ("-", "#") are dropped. Linear in the number of words: a run tried as a
    topic name is at most as long as the catalogue's longest name (trying every run
    made a 400-word argument take 8 s, blocking the bot's event loop). A term written
    ``/…/`` is a pattern (`digest.patterns.split_patterns`), kept with the keywords as
    typed; `check_patterns` validates it."""
    text = " ".join(args).strip()
    if not text:
        return SubscriptionTerms((), ())
    if text.casefold() in _ALL_WORDS or normalize(text) in {normalize(w) for w in _ALL_WORDS}:
        return SubscriptionTerms((), (), everything=True)
    # Patterns (/…/) first: they may hold spaces and commas (digest.patterns).
    patterns, text = split_patterns(text)
    groups = [[w for w in g.split() if alias_key(w)] for g in _TERM_SEPARATORS.split(text)]
    groups = [g for g in groups if g]
    span = longest_topic_name(catalog)
    phrases = len(groups) > 1
    topics: list[str] = []
    keywords: list[str] = []
    for words in groups:
        unknown: list[str] = []
        i = 0
        while i < len(words):
            for j in range(min(len(words), i + span), i, -1):
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
    return SubscriptionTerms(
        tuple(dict.fromkeys(topics)), tuple(dict.fromkeys([*patterns, *keywords]))
    )


def longest_topic_name(catalog: TopicCatalog) -> int:
    """The most words a topic's slug, name or alias has, as /subscribe compares them."""
    names = (
        name
        for topic in catalog.topics
        for name in (topic.slug, topic.name_ar, topic.name_en, *topic.aliases)
    )
    return max((len(alias_key(name).split()) for name in names), default=1)


def clean_keyword(keyword: str, max_length: int) -> str | None:
    """A keyword as stored, or None when it is not usable (too short/long, no letter or
    digit, or looks like a command/mention)."""
    value = " ".join(keyword.split()).strip("\"'«»“”")
    if is_pattern(value):  # checked by check_patterns, with its own limit
        return value if len(value) <= PATTERN_MAX_LENGTH + 2 else None
    if not 2 <= len(value) <= max_length:
        return None
    if value.startswith(("/", "@", "<")) or not any(c.isalnum() for c in value):
        return None
    return value


def check_patterns(terms: Sequence[str]) -> None:
    """Compile every ``/…/`` term of `terms` with RE2; the first that cannot be used
    raises BadArgument('bad_pattern') naming it and the problem (RE2's message). More
    patterns than a chat may keep raise BadArgument('too_many_patterns') before any is
    compiled (one message could hold hundreds)."""
    patterns = [term for term in terms if is_pattern(term)]
    if len(patterns) > PATTERNS_PER_CHAT:
        raise BadArgument("too_many_patterns", max=PATTERNS_PER_CHAT)
    for term in patterns:
        try:
            compile_pattern(term)
        except PatternError as error:
            raise BadArgument("bad_pattern", value=term, reason=error.problem) from error


def same_keyword(a: str, b: str) -> bool:
    """Whether two keywords are the same once Arabic spelling variants are folded."""
    return normalize(a) == normalize(b)
