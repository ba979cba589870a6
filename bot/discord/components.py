"""Discord's topic menu and topic autocompletion, pure: a chat's settings -> select menus
(and the custom_id codec their interactions carry back), typed text -> autocomplete
choices. No Discord calls, no storage.

Discord's limits (components, autocomplete): a select menu has at most 25 options, a
message at most 5 action rows; custom_id, option labels, values and descriptions are at
most 100 characters; an autocomplete answer has at most 25 choices whose names and
values are 1-100 characters. A catalogue of more than 25 topics gets one menu per 25 (up
to 125 topics; the rest stay reachable with /news subscribe and autocompletion).

A menu's custom_id names its part of the catalogue and a fingerprint of the slugs in it:
a menu sent before the catalogue changed is stale (its choices could now mean other
topics) and is answered so, changing nothing.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.commands import TopicPanel
from bot.i18n import rtl_safe, t
from digest.topics import Topic, alias_key

MENU_PREFIX = "nd1:topics:"
MAX_OPTIONS = 25  # Discord: options of one select menu
MAX_MENUS = 5  # Discord: action rows of one message, one select each
MAX_TEXT = 100  # Discord: custom_id, label, value, description; choice name and value
MAX_CHOICES = 25  # Discord: choices of one autocomplete answer
MAX_TYPED = 100  # what autocompletion looks at of the typed text (hostile input)
MAX_CONTENT = 2000  # Discord: message content

_MENU_ID = re.compile(r"^nd1:topics:(\d{1,2}):([0-9a-f]{8})$")


@dataclass(frozen=True)
class Option:
    label: str
    value: str
    description: str | None
    default: bool  # preselected: the chat follows this topic


@dataclass(frozen=True)
class Menu:
    """One multi-select menu: a part of the catalogue, its followed topics preselected."""

    custom_id: str
    placeholder: str
    options: tuple[Option, ...]

    @property
    def max_values(self) -> int:
        return len(self.options)


@dataclass(frozen=True)
class Selection:
    """What a submitted menu asks for: follow exactly `wanted` among `among`."""

    among: frozenset[str]
    wanted: frozenset[str]


@dataclass(frozen=True)
class StaleMenu:
    """A menu interaction that cannot be acted on (another version, catalogue changed)."""


def _cut(text: str, limit: int = MAX_TEXT) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _value(slug: str) -> str:
    """An option's value: the slug, or its hash when a slug is over 100 characters."""
    return slug if len(slug) <= MAX_TEXT else "#" + hashlib.sha256(slug.encode()).hexdigest()[:16]


def _fingerprint(topics: Sequence[Topic]) -> str:
    joined = "\n".join(topic.slug for topic in topics)
    return hashlib.sha256(joined.encode()).hexdigest()[:8]


def _parts(topics: Sequence[Topic]) -> list[Sequence[Topic]]:
    return [topics[i : i + MAX_OPTIONS] for i in range(0, len(topics), MAX_OPTIONS)][:MAX_MENUS]


def topic_menus(panel: TopicPanel) -> list[Menu]:
    """The select menus of `panel`: at most 5 of at most 25 topics, named in the
    chat's language, the followed ones preselected; any number may be chosen (none
    too: that unsubscribes from the menu's topics)."""
    lang = panel.language
    parts = _parts(panel.topics)
    menus = []
    for index, part in enumerate(parts):
        options = tuple(
            Option(
                label=_cut(topic.name(lang)),
                value=_value(topic.slug),
                description=_cut(topic.slug),
                default=topic.slug in panel.settings.topics,
            )
            for topic in part
        )
        where = f"{index + 1}/{len(parts)}" if len(parts) > 1 else "1-" + str(len(part))
        menus.append(
            Menu(
                custom_id=f"{MENU_PREFIX}{index}:{_fingerprint(part)}",
                placeholder=_cut(t("menu_placeholder", lang, value=where), 150),
                options=options,
            )
        )
    return menus


def menu_text(panel: TopicPanel, status: str | None = None) -> str:
    """The message above the menus: what to do, "all technology" when it applies, and
    `status` (the reply to the last choice). Plain text: the caller escapes markdown."""
    lang = panel.language
    lines = [t("menu_header", lang)]
    if panel.following_all:
        lines.append(t("panel_following_all", lang))
    if status:
        lines += ["", status]
    return _cut(rtl_safe("\n".join(lines), lang), MAX_CONTENT)


def is_menu_id(custom_id: str) -> bool:
    """Whether a component interaction belongs to our menus (any version)."""
    return custom_id.startswith("nd")


def decode_selection(
    custom_id: str, values: Sequence[str], topics: Sequence[Topic]
) -> Selection | StaleMenu:
    """The selection a menu interaction carries, checked against today's catalogue."""
    match = _MENU_ID.match(custom_id) if len(custom_id) <= MAX_TEXT else None
    if match is None:
        return StaleMenu()
    parts = _parts(topics)
    index = int(match.group(1))
    if index >= len(parts) or _fingerprint(parts[index]) != match.group(2):
        return StaleMenu()
    by_value = {_value(topic.slug): topic.slug for topic in parts[index]}
    if len(values) > len(by_value) or any(v not in by_value for v in values):
        return StaleMenu()
    return Selection(
        among=frozenset(by_value.values()),
        wanted=frozenset(by_value[v] for v in values),
    )


# --- autocompletion -----------------------------------------------------------------


def _choice_name(topic: Topic, language: str) -> str:
    # Arabic clients see the Arabic name and the slug (what others type); English
    # clients the English name.
    return topic.name_en if language == "en" else f"{topic.name_ar} ({topic.slug})"


def topic_choices(
    topics: Sequence[Topic],
    typed: str,
    language: str,
    *,
    extra: Sequence[str] = (),
) -> list[tuple[str, str]]:
    """Autocomplete choices (name, value) for a topic_or_keyword option: the topics
    whose slug, names or aliases contain the last word typed (those that start with it
    first), then `extra` terms (a chat's keywords, for /news unsubscribe) that do. Earlier
    words stay in the value, so "ai phon" completes to "ai phones". Linear in the typed
    text, which is cut to 100 characters first."""
    typed = typed[:MAX_TYPED]
    if not typed or typed[-1].isspace():  # a new word starts: complete from nothing
        head, last = typed, ""
    else:
        head, _, last = typed.rpartition(" ")
    key = alias_key(last)
    starts: list[tuple[str, str]] = []
    contains: list[tuple[str, str]] = []
    for topic in topics:
        names = (topic.slug, topic.name_ar, topic.name_en, *topic.aliases)
        keys = [alias_key(name) for name in names]
        if key and not any(key in k for k in keys):
            continue
        choice = (_choice_name(topic, language), topic.slug)
        (starts if not key or any(k.startswith(key) for k in keys) else contains).append(choice)
    for term in extra:
        if not key or key in alias_key(term):
            contains.append((term, term))
    choices = []
    for name, value in (starts + contains)[:MAX_CHOICES]:
        full = f"{head.strip()} {value}".strip()
        shown = f"{head.strip()} {name}".strip()
        if len(full) > MAX_TEXT:  # no room for what came before: the term alone
            full, shown = value, name
        if 1 <= len(full) <= MAX_TEXT:
            choices.append((_cut(shown), full))
    return choices
