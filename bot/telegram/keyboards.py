"""Telegram's /topics keyboard: a chat's settings -> an inline keyboard, and the codec of
the callback data its buttons carry. Pure: no Bot API calls, no storage.

Telegram's limits (Bot API: InlineKeyboardButton, answerCallbackQuery): callback_data is
1-64 bytes, an answer's text 0-200 characters; a keyboard of more than 100 buttons is
refused and clients show at most 8 buttons in a row. Here every callback_data is at most
64 bytes (a slug too long for it is sent as a short hash of itself), a row holds at most
5 buttons and a keyboard at most 20 topics (a larger catalogue gets pages), so the whole
keyboard stays under 40 buttons.

A button says what it does, not "toggle": "follow ai" or "unfollow ai", as the keyboard
showed it. Tapping an old keyboard twice, or two admins tapping at once, cannot undo
each other: the second "follow ai" finds ai followed and changes nothing.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.commands import TopicPanel
from bot.i18n import LANGUAGES, language_name, rtl_safe, t
from bot.reply_text import timezone_label
from digest.models import DeliveryMode
from digest.topics import Topic

# The layout version of callback data: a keyboard sent by another version is stale.
CALLBACK_PREFIX = "nd1"
MAX_CALLBACK_BYTES = 64  # Telegram: callback_data is 1-64 bytes
MAX_ANSWER_CHARS = 200  # Telegram: answerCallbackQuery text is 0-200 characters
MAX_KEYBOARD_BUTTONS = 100  # Telegram refuses larger inline keyboards
MAX_ROW_BUTTONS = 8  # what clients show in one row
TOPICS_PER_ROW = 2  # Arabic topic names are long: two a row stay readable on phones
TOPICS_PER_PAGE = 20
MAX_BUTTON_TEXT = 40  # longer names are cut: clients would cut them anyway
DIGEST_TIMES = ("06:00", "08:00", "12:00", "18:00", "21:00")
DEFAULT_DIGEST_TIME = "08:00"
SUBSCRIBED = "✅"


class TapKind(StrEnum):
    """What a button does (one letter in the callback data)."""

    FOLLOW = "f"
    UNFOLLOW = "u"
    INSTANT = "i"
    DAILY = "d"  # value: "HH:MM"
    OFF = "o"
    LANGUAGE = "l"  # value: "ar" | "en"
    PAGE = "p"  # only shows another page of topics


@dataclass(frozen=True)
class Tap:
    """One decoded button: what to do, with what, and the page of topics it was on."""

    kind: TapKind
    value: str = ""  # topic slug, "HH:MM" or a language code
    page: int = 0

    def command(self) -> tuple[str, tuple[str, ...]] | None:
        """The typed command this tap stands for (name, arguments), for the taps that are
        one: delivery mode and language. None for topics (CommandService.set_topics) and
        paging (no change)."""
        if self.kind is TapKind.INSTANT:
            return "schedule", ("instant",)
        if self.kind is TapKind.DAILY:
            return "schedule", (self.value,)
        if self.kind is TapKind.OFF:
            return "schedule", ("off",)
        if self.kind is TapKind.LANGUAGE:
            return "lang", (self.value,)
        return None


@dataclass(frozen=True)
class Stale:
    """Callback data that cannot be acted on: `reason` is "keyboard" (another layout
    version, or not ours) or "topic" (the topic left the catalogue); the i18n text is
    stale_<reason>."""

    reason: str


@dataclass(frozen=True)
class Button:
    text: str
    data: str


Keyboard = tuple[tuple[Button, ...], ...]

_DATA = re.compile(r"^nd1:([fuidolp]):(#[0-9a-f]{10}|[a-z0-9-]{0,56}):(\d{1,3})$")
_HASH_LENGTH = 10


def _slug_hash(slug: str) -> str:
    return "#" + hashlib.sha256(slug.encode()).hexdigest()[:_HASH_LENGTH]


def _topic_ref(slug: str, page: int) -> str:
    """The slug itself when the data stays within 64 bytes, else its short hash."""
    plain = f"{CALLBACK_PREFIX}:f:{slug}:{page}"
    return slug if len(plain.encode()) <= MAX_CALLBACK_BYTES else _slug_hash(slug)


def encode(tap: Tap) -> str:
    """The callback_data of a button (at most 64 bytes)."""
    if tap.kind in (TapKind.FOLLOW, TapKind.UNFOLLOW):
        value = _topic_ref(tap.value, tap.page)
    elif tap.kind is TapKind.DAILY:
        value = tap.value.replace(":", "")
    else:
        value = tap.value
    data = f"{CALLBACK_PREFIX}:{tap.kind.value}:{value}:{tap.page}"
    if len(data.encode()) > MAX_CALLBACK_BYTES:  # cannot happen with the refs above
        raise ValueError(f"callback data over {MAX_CALLBACK_BYTES} bytes: {data!r}")
    return data


def decode(data: str | None, topics: Sequence[Topic]) -> Tap | Stale:
    """The tap a callback_data stands for, checked against today's catalogue; Stale for
    data of another layout (or not ours) and for a topic no longer in the catalogue.
    Linear in the data's length, which is checked first (hostile input)."""
    if not data or len(data.encode()) > MAX_CALLBACK_BYTES:
        return Stale("keyboard")
    match = _DATA.match(data)
    if match is None:
        return Stale("keyboard")
    kind, value, page = TapKind(match.group(1)), match.group(2), int(match.group(3))
    if kind in (TapKind.FOLLOW, TapKind.UNFOLLOW):
        found = next(
            (topic for topic in topics if value in (topic.slug, _slug_hash(topic.slug))), None
        )
        return Tap(kind, found.slug, page) if found is not None else Stale("topic")
    if kind is TapKind.DAILY:
        if not (len(value) == 4 and value.isdigit()):
            return Stale("keyboard")
        hours, minutes = int(value[:2]), int(value[2:])
        if hours > 23 or minutes > 59:
            return Stale("keyboard")
        return Tap(kind, f"{hours:02d}:{minutes:02d}", page)
    if kind is TapKind.LANGUAGE:
        return Tap(kind, value, page) if value in LANGUAGES else Stale("keyboard")
    return Tap(kind, "", page) if not value else Stale("keyboard")


# --- rendering ---------------------------------------------------------------------


def page_count(topic_count: int) -> int:
    return max(1, -(-topic_count // TOPICS_PER_PAGE))


def clamp_page(page: int, topic_count: int) -> int:
    """A page that exists (an old keyboard may name one the catalogue no longer has)."""
    return min(max(page, 0), page_count(topic_count) - 1)


def _label(text: str, *, chosen: bool = False) -> str:
    if len(text) > MAX_BUTTON_TEXT:
        text = text[: MAX_BUTTON_TEXT - 1].rstrip() + "…"
    return f"{SUBSCRIBED} {text}" if chosen else text


def panel_keyboard(panel: TopicPanel, page: int = 0) -> Keyboard:
    """The keyboard of `panel` on `page`: topics two a row (✅ on those followed), then
    delivery mode (instant / daily at a time / off), the digest times when daily, the
    reply language, and previous/next when the topics need more than one page."""
    lang = panel.language
    settings = panel.settings
    page = clamp_page(page, len(panel.topics))
    shown = panel.topics[page * TOPICS_PER_PAGE : (page + 1) * TOPICS_PER_PAGE]
    rows: list[tuple[Button, ...]] = []
    topic_buttons = []
    for topic in shown:
        followed = topic.slug in settings.topics
        kind = TapKind.UNFOLLOW if followed else TapKind.FOLLOW
        data = encode(Tap(kind, topic.slug, page))
        topic_buttons.append(Button(_label(topic.name(lang), chosen=followed), data))
    for start in range(0, len(topic_buttons), TOPICS_PER_ROW):
        rows.append(tuple(topic_buttons[start : start + TOPICS_PER_ROW]))
    mode = settings.mode if panel.saved else None  # a chat never saved receives nothing
    daily_at = settings.schedule_time or DEFAULT_DIGEST_TIME
    rows.append(
        (
            Button(
                _label(t("button_instant", lang), chosen=mode is DeliveryMode.INSTANT),
                encode(Tap(TapKind.INSTANT, page=page)),
            ),
            Button(
                _label(
                    t("button_daily", lang, time=daily_at),
                    chosen=mode is DeliveryMode.SCHEDULED,
                ),
                encode(Tap(TapKind.DAILY, daily_at, page)),
            ),
            Button(
                _label(t("button_off", lang), chosen=mode is DeliveryMode.OFF),
                encode(Tap(TapKind.OFF, page=page)),
            ),
        )
    )
    if mode is DeliveryMode.SCHEDULED:
        rows.append(
            tuple(
                Button(
                    _label(at, chosen=at == settings.schedule_time),
                    encode(Tap(TapKind.DAILY, at, page)),
                )
                for at in DIGEST_TIMES
            )
        )
    rows.append(
        tuple(
            Button(
                _label(language_name(code, code), chosen=panel.saved and code == lang),
                encode(Tap(TapKind.LANGUAGE, code, page)),
            )
            for code in LANGUAGES
        )
    )
    pages = page_count(len(panel.topics))
    if pages > 1:
        nav = []
        if page > 0:
            nav.append(Button(t("button_previous", lang), encode(Tap(TapKind.PAGE, page=page - 1))))
        if page < pages - 1:
            nav.append(Button(t("button_next", lang), encode(Tap(TapKind.PAGE, page=page + 1))))
        rows.append(tuple(nav))
    return tuple(rows)


def panel_text(panel: TopicPanel, page: int = 0, status: str | None = None) -> str:
    """The plain text above the keyboard: what to do, what the chat receives now, and
    `status` (the reply of the last tap) at the end."""
    lang = panel.language
    settings = panel.settings
    lines = [t("panel_header", lang)]
    if panel.following_all:
        lines.append(t("panel_following_all", lang))
    if settings.keywords:
        keywords = t("list_separator", lang).join(sorted(settings.keywords))
        lines.append(t("mysubs_keywords", lang, items=keywords))
    if panel.saved:
        if settings.mode is DeliveryMode.SCHEDULED and settings.schedule_time:
            tz = timezone_label(settings.timezone)
            lines.append(t("mode_scheduled", lang, time=settings.schedule_time, tz=tz))
        elif settings.mode is DeliveryMode.OFF:
            lines.append(t("mode_off", lang, p="/"))
        else:
            lines.append(t("mode_instant", lang))
    pages = page_count(len(panel.topics))
    if pages > 1:
        lines.append(
            t("panel_page", lang, count=clamp_page(page, len(panel.topics)) + 1, total=pages)
        )
    if status:
        lines += ["", status]
    return rtl_safe("\n".join(lines), lang)


def to_markup(keyboard: Keyboard) -> InlineKeyboardMarkup:
    """The keyboard as python-telegram-bot sends it."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.text, callback_data=b.data) for b in row] for row in keyboard]
    )


def answer_text(text: str) -> str:
    """A text cut to what answerCallbackQuery shows (200 characters)."""
    text = " ".join(text.split())
    return text if len(text) <= MAX_ANSWER_CHARS else text[: MAX_ANSWER_CHARS - 1] + "…"
