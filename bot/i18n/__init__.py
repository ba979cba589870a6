"""Every user-facing bot text, in Arabic (the default) and English.

`t(key, lang, **kw)` looks a text up and fills its ``{placeholders}``; a language we do
not have falls back to Arabic. Command descriptions here feed Telegram's setMyCommands
and Discord's localisations, so both platforms describe commands the same way.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

from bot.i18n.commands import (
    DESCRIPTIONS,
    DISCORD_COMMANDS,
    DISCORD_NAMES,
    TELEGRAM_COMMANDS,
    USAGE,
    USAGE_DISCORD,
)
from bot.i18n.messages import MESSAGES
from bot.i18n.replies import BUTTON_TEXTS, COUNTED, REPLY_TEXTS

__all__ = [
    "DEFAULT_LANGUAGE",
    "DISCORD_COMMANDS",
    "LANGUAGES",
    "TELEGRAM_COMMANDS",
    "arabic_plural_form",
    "command_description",
    "command_descriptions",
    "count_phrase",
    "has_usage",
    "language_name",
    "message_keys",
    "normalize_language",
    "pick_language",
    "rtl_safe",
    "t",
    "usage",
]

LANGUAGES: tuple[str, ...] = ("ar", "en")
DEFAULT_LANGUAGE = "ar"

_RLM = "\u200f"
_ARABIC_LETTER = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
_STRONG_LTR = re.compile("[A-Za-z0-9/@#<]")


def arabic_plural_form(count: int) -> int:
    """Which Arabic form a count takes (CLDR categories): 0 one (1), 1 two (2), 2 few
    (n % 100 in 3..10: ثوانٍ), 3 many (n % 100 in 11..99: ثانية), 4 other (0, 100-102,
    200-202...: ثانية)."""
    n = abs(count)
    if n == 1:
        return 0
    if n == 2:
        return 1
    if 3 <= n % 100 <= 10:
        return 2
    if 11 <= n % 100 <= 99:
        return 3
    return 4


def count_phrase(count: int, noun: str, lang: str | None) -> str:
    """'10 ثوانٍ', '11 ثانية', '2 ثانيتان', '1 second', '5 seconds': the number and the
    noun in the form that agrees with it (KeyError for an unknown noun)."""
    forms = COUNTED[noun]
    if lang == "en":
        one, other = forms["en"]
        return f"{count} {one if abs(count) == 1 else other}"
    return f"{count} {forms['ar'][arabic_plural_form(count)]}"


def language_name(code: str, lang: str | None) -> str:
    """The name of language `code` ('ar'/'en') in `lang`: 'الإنجليزية', 'English'."""
    key = f"language_name_{code}"
    return t(key, lang) if key in REPLY_TEXTS else code


def t(key: str, lang: str | None, **kw: object) -> str:
    """The text `key` in `lang` (Arabic when the language is unknown), placeholders filled.

    Raises KeyError for a key that does not exist: a typo must fail in tests, not show
    a raw key to a user.
    """
    if key in MESSAGES:
        entry = MESSAGES[key]
    else:
        entry = REPLY_TEXTS[key] if key in REPLY_TEXTS else BUTTON_TEXTS[key]
    return entry.get(lang or DEFAULT_LANGUAGE, entry[DEFAULT_LANGUAGE]).format(**kw)


def usage(
    command: str,
    lang: str | None,
    prefix: str = "/",
    *,
    shown_as: str | None = None,
    platform: str = "telegram",
) -> str:
    """The usage line of a command that takes arguments (KeyError for others).
    `shown_as` is the name users type when it differs (Discord's "subscriptions");
    `platform` "discord" picks Discord's form where it differs."""
    entry = (USAGE_DISCORD.get(command) if platform == "discord" else None) or USAGE[command]
    text = entry.get(lang or DEFAULT_LANGUAGE, entry[DEFAULT_LANGUAGE])
    return text.format(p=prefix, cmd=prefix + (shown_as or command))


def has_usage(command: str) -> bool:
    return command in USAGE


def command_description(command: str, lang: str | None) -> str:
    """The short menu description of a command (KeyError for an unknown command)."""
    entry = DESCRIPTIONS[command]
    return entry.get(lang or DEFAULT_LANGUAGE, entry[DEFAULT_LANGUAGE])


def command_descriptions(lang: str, *, platform: str = "telegram") -> list[tuple[str, str]]:
    """(name, description) pairs in menu order: Telegram's setMyCommands list, or
    Discord's /news subcommands."""
    names = DISCORD_COMMANDS if platform == "discord" else TELEGRAM_COMMANDS
    return [(name, command_description(DISCORD_NAMES.get(name, name), lang)) for name in names]


def message_keys() -> frozenset[str]:
    """Every text key (for completeness tests and tooling)."""
    return frozenset(MESSAGES) | frozenset(REPLY_TEXTS) | frozenset(BUTTON_TEXTS)


def normalize_language(code: str | None) -> str | None:
    """'en-US', 'EN', 'english', 'عربي' -> 'en'/'ar'; None for anything we do not speak."""
    if not code:
        return None
    value = code.strip().casefold().replace("_", "-")
    if value in _LANGUAGE_NAMES:
        return _LANGUAGE_NAMES[value]
    primary = value.split("-", 1)[0]
    return primary if primary in LANGUAGES else None


_LANGUAGE_NAMES: Mapping[str, str] = MappingProxyType(
    {
        "arabic": "ar",
        "عربي": "ar",
        "عربى": "ar",
        "العربية": "ar",
        "العربيه": "ar",
        "عربية": "ar",
        "english": "en",
        "انجليزي": "en",
        "إنجليزي": "en",
        "الانجليزية": "en",
        "الإنجليزية": "en",
        "انكليزي": "en",
    }
)


def pick_language(chat_setting: str | None, user_language_hint: str | None) -> str:
    """The reply language: the chat's explicit choice, else the user's client language
    when we speak it, else Arabic."""
    return (
        normalize_language(chat_setting)
        or normalize_language(user_language_hint)
        or DEFAULT_LANGUAGE
    )


def rtl_safe(text: str, lang: str) -> str:
    """Start every Arabic-reply line that opens with a Latin letter, digit or command
    (``/subscribe ...``) with a right-to-left mark, so clients do not lay it out LTR."""
    if lang != "ar":
        return text
    lines = []
    for line in text.split("\n"):
        stripped = line.lstrip()
        first_strong = next(
            (c for c in stripped if _ARABIC_LETTER.match(c) or _STRONG_LTR.match(c)), ""
        )
        needs_mark = bool(first_strong) and not _ARABIC_LETTER.match(first_strong)
        lines.append(_RLM + line if needs_mark and not line.startswith(_RLM) else line)
    return "\n".join(lines)
