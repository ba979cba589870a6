"""A fake Telegram Bot API server on 127.0.0.1 for tests.

python-telegram-bot talks to it over real HTTP (``Bot(base_url=f"{server.api_url}/bot")``).
It behaves like the real Bot API where our code depends on it:

* ``/bot<token>/<method>`` with form or JSON parameters; a wrong token gets 401.
* ``getUpdates`` long-polls a queue that tests fill with ``push_command`` / ``push_update``.
* ``sendMessage`` validates HTML like Telegram (allowed tags only, matching end tags, known
  entities), measures the parsed text in UTF-16 units (4096 max) and enforces the flood
  limits: 30 messages/s overall, 1/s per private chat, 20/min per group or channel. Over a
  limit the answer is 429 with ``parameters.retry_after``; rejected sends do not count.
* ``editMessageText`` / ``editMessageCaption`` edit one of the messages it accepted (same
  checks and limits; "message is not modified" for the same text; "message to edit not
  found" for an unknown or `deleted_messages` id); every accepted edit is in ``edits``.
* Forum supergroups (``add_topic``): commands typed in a topic carry message_thread_id,
  is_topic_message and the topic's creation message (with its name); sends into a
  deleted or unknown topic get 400 "message thread not found", into a closed one
  400 TOPIC_CLOSED (``set_topic_state``); the group's flood limit covers all its topics.
* Inline keyboards: ``sendMessage`` and the edits check ``reply_markup`` as Telegram does
  (callback_data 1-64 bytes, at most 100 buttons, 8 a row); ``push_callback_query`` delivers
  a tap on a message's button; ``answerCallbackQuery`` (once per query, text up to 200
  characters), ``editMessageText`` and ``editMessageReplyMarkup`` answer like the Bot API
  ("message is not modified", "message can't be edited" for messages marked too old,
  "message to edit not found"). Edits update ``server.messages`` in place.
* Per chat, tests can make it answer 403 (blocked, kicked), 400 with
  ``migrate_to_chat_id``, 400 "chat not found", or 5xx, and set member statuses for admin
  checks. Posts to a channel need the bot to be an admin with can_post_messages, posts to
  a group need it to be a member, as on Telegram.

Every accepted message is recorded in ``server.messages``; every call in ``server.calls``.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import math
import re
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from html.entities import name2codepoint
from typing import Any

from aiohttp import web

MAX_MESSAGE_UTF16 = 4096
MAX_CAPTION_UTF16 = 1024
GROUP_ANONYMOUS_BOT = 1087968824  # the user Telegram shows for anonymous group admins

ALLOWED_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "a",
    "code",
    "pre",
    "blockquote",
    "tg-spoiler",
    "span",
    "tg-emoji",
}
NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


class EntityParseError(ValueError):
    """The text is not valid Telegram HTML; the message mimics the Bot API's description."""


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


_TAG_NAME = re.compile(r"[A-Za-z][A-Za-z0-9-]*")
_ATTR = re.compile(r"\s*([A-Za-z-]+)\s*(?:=\s*(\"[^\"]*\"|'[^']*'|[^\s\"'>]+))?")
_ENTITY = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]*);")


def _decode_entity(text: str, index: int) -> tuple[str, int]:
    """Decode the entity starting at text[index] == '&'; returns (char, next index)."""
    match = _ENTITY.match(text, index)
    if match is None:
        raise EntityParseError(
            "Bad Request: can't parse entities: Unsupported entity or unescaped '&' "
            f"at byte offset {_byte_offset(text, index)}"
        )
    body = match.group(1)
    if body.startswith("#"):
        code = int(body[2:], 16) if body[1:2] in ("x", "X") else int(body[1:])
        if code == 0 or code > 0x10FFFF:
            raise EntityParseError(
                f"Bad Request: can't parse entities: Invalid character code at byte offset "
                f"{_byte_offset(text, index)}"
            )
        return chr(code), match.end()
    if body in NAMED_ENTITIES:
        return NAMED_ENTITIES[body], match.end()
    # Telegram knows only lt/gt/amp/quot by name; anything else (&nbsp;) is an error here so
    # that our escaping bugs surface. name2codepoint is consulted only to word the error.
    known = "known HTML" if body in name2codepoint else "unknown"
    raise EntityParseError(
        f"Bad Request: can't parse entities: Unsupported {known} entity &{body}; "
        f"at byte offset {_byte_offset(text, index)}"
    )


def _decode_attr(raw: str) -> str:
    if raw[:1] in ('"', "'"):
        raw = raw[1:-1]
    out: list[str] = []
    i = 0
    while i < len(raw):
        if raw[i] == "&":
            char, i = _decode_entity(raw, i)
            out.append(char)
        else:
            out.append(raw[i])
            i += 1
    return "".join(out)


def parse_telegram_html(text: str) -> str:
    """Parse Telegram-flavoured HTML and return the visible plain text.

    Raises EntityParseError with a Bot-API-like description for unsupported tags, unmatched
    or missing end tags, bad attributes, bare '<' or '&'.
    """
    out: list[str] = []
    stack: list[tuple[str, int]] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "&":
            char, i = _decode_entity(text, i)
            out.append(char)
            continue
        if ch == ">":
            # Telegram tolerates a bare '>' in text, so do we.
            out.append(ch)
            i += 1
            continue
        if ch != "<":
            out.append(ch)
            i += 1
            continue
        start = i
        close = text.find(">", i)
        if close == -1:
            raise EntityParseError(
                "Bad Request: can't parse entities: Unclosed start tag at byte offset "
                f"{_byte_offset(text, start)}"
            )
        inner = text[i + 1 : close]
        if inner.startswith("/"):
            name = inner[1:].strip().lower()
            if not stack:
                raise EntityParseError(
                    f'Bad Request: can\'t parse entities: Unexpected end tag "{name}" at byte '
                    f"offset {_byte_offset(text, start)}"
                )
            open_name, _ = stack.pop()
            if name != open_name:
                raise EntityParseError(
                    "Bad Request: can't parse entities: Unmatched end tag at byte offset "
                    f'{_byte_offset(text, start)}, expected "</{open_name}>", found "</{name}>"'
                )
            i = close + 1
            continue
        name_match = _TAG_NAME.match(inner)
        if name_match is None:
            raise EntityParseError(
                "Bad Request: can't parse entities: Unsupported start tag at byte offset "
                f"{_byte_offset(text, start)}"
            )
        name = name_match.group(0).lower()
        if name not in ALLOWED_TAGS:
            raise EntityParseError(
                f'Bad Request: can\'t parse entities: Unsupported start tag "{name}" at byte '
                f"offset {_byte_offset(text, start)}"
            )
        attrs: dict[str, str] = {}
        rest = inner[name_match.end() :].rstrip()
        if rest.endswith("/"):
            raise EntityParseError(
                "Bad Request: can't parse entities: Self-closing tags are not supported at "
                f"byte offset {_byte_offset(text, start)}"
            )
        pos = 0
        while pos < len(rest):
            attr = _ATTR.match(rest, pos)
            if attr is None or attr.end() == pos:
                raise EntityParseError(
                    "Bad Request: can't parse entities: Expected equal sign in declaration of "
                    f"an attribute of the tag at byte offset {_byte_offset(text, start)}"
                )
            attrs[attr.group(1).lower()] = _decode_attr(attr.group(2) or "")
            pos = attr.end()
            while pos < len(rest) and rest[pos].isspace():
                pos += 1
        if name == "a" and not attrs.get("href"):
            raise EntityParseError(
                'Bad Request: can\'t parse entities: Tag "a" must have attribute "href" at '
                f"byte offset {_byte_offset(text, start)}"
            )
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise EntityParseError(
                'Bad Request: can\'t parse entities: Tag "span" must have class "tg-spoiler" '
                f"at byte offset {_byte_offset(text, start)}"
            )
        stack.append((name, start))
        i = close + 1
    if stack:
        name, where = stack[-1]
        raise EntityParseError(
            "Bad Request: can't parse entities: Can't find end tag corresponding to start tag "
            f'"{name}" at byte offset {_byte_offset(text, where)}'
        )
    return "".join(out)


# --- state ---------------------------------------------------------------------------


@dataclass
class FakeUser:
    id: int
    first_name: str = "User"
    username: str | None = None
    language_code: str | None = None
    is_bot: bool = False

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "is_bot": self.is_bot,
            "first_name": self.first_name,
        }
        if self.username:
            data["username"] = self.username
        if self.language_code:
            data["language_code"] = self.language_code
        return data


@dataclass
class FakeTopic:
    """A forum topic: its name and whether it is open, closed or deleted."""

    name: str
    state: str = "open"  # open | closed | deleted


@dataclass
class FakeChat:
    id: int
    type: str  # private | group | supergroup | channel
    title: str | None = None
    username: str | None = None  # without "@"
    is_forum: bool = False  # a supergroup with topics
    topics: dict[int, FakeTopic] = field(default_factory=dict)  # message_thread_id -> topic

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        if self.type == "private":
            data["first_name"] = self.title or "User"
        else:
            data["title"] = self.title or f"Chat {self.id}"
        if self.username:
            data["username"] = self.username
        if self.is_forum:
            data["is_forum"] = True
        return data


@dataclass(frozen=True)
class SentMessage:
    """One message the fake accepted."""

    message_id: int
    chat_id: int
    text: str  # as sent (HTML when parse_mode is HTML)
    plain_text: str  # after entity parsing
    parse_mode: str | None
    disable_web_page_preview: bool | None
    link_preview_options: dict[str, Any] | None
    at: float  # time.monotonic() when accepted
    message_thread_id: int | None = None  # forum topic
    photo: str | None = None  # sendPhoto: the photo URL; `text` is then the caption
    reply_markup: dict[str, Any] | None = None  # an inline keyboard, as sent or last edited
    edits: int = 0  # how often it was edited since

    @property
    def preview_disabled(self) -> bool:
        if self.link_preview_options is not None:
            return bool(self.link_preview_options.get("is_disabled"))
        return bool(self.disable_web_page_preview)


@dataclass(frozen=True)
class SentDocument:
    """A file the bot sent with sendDocument."""

    chat_id: int
    file_name: str
    content: bytes
    caption: str  # after entity parsing
    message_thread_id: int | None = None


@dataclass(frozen=True)
class Call:
    method: str
    params: dict[str, Any]
    status: int
    at: float
    response: dict[str, Any]


@dataclass
class _Failure:
    status: int
    description: str
    parameters: dict[str, Any] | None = None
    remaining: int | None = None  # None: until cleared


@dataclass
class RateLimits:
    """Flood limits as Telegram documents them. Telegram does not count to the
    millisecond; `tolerance` forgives that much arrival jitter per window (0.05 s: a
    client above ~30.5 msg/s overall is still refused)."""

    global_per_second: int = 30
    private_per_second: int = 1
    group_per_minute: int = 20
    tolerance: float = 0.05


@dataclass
class _Window:
    limit: int
    seconds: float
    times: deque[float] = field(default_factory=deque)

    def wait_needed(self, now: float, tolerance: float) -> float:
        """Seconds until one more message fits; 0 if it fits now."""
        horizon = self.seconds - tolerance
        while self.times and now - self.times[0] >= horizon:
            self.times.popleft()
        if len(self.times) < self.limit:
            return 0.0
        return self.times[0] + horizon - now

    def add(self, now: float) -> None:
        self.times.append(now)


_ALWAYS_STRING = {"text", "parse_mode", "chat_id", "language_code", "callback_query_id"}
MAX_CALLBACK_DATA_BYTES = 64
MAX_KEYBOARD_BUTTONS = 100
MAX_ROW_BUTTONS = 8
MAX_CALLBACK_ANSWER = 200
# Telegram drops an unanswered callback query after a few seconds (the client stops its
# spinner); an answer after that is refused as "query is too old".
CALLBACK_ANSWER_SECONDS = 10.0


def keyboard_problem(markup: Any) -> str | None:
    """What Telegram says about an inline keyboard, or None when it is accepted."""
    if markup is None:
        return None
    rows = markup.get("inline_keyboard") if isinstance(markup, dict) else None
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        return "Bad Request: can't parse reply keyboard markup JSON object"
    buttons = [button for row in rows for button in row]
    if len(buttons) > MAX_KEYBOARD_BUTTONS:
        return "Bad Request: reply markup is too long"
    if any(len(row) > MAX_ROW_BUTTONS for row in rows):
        return "Bad Request: too many buttons in a row"
    for button in buttons:
        if not isinstance(button, dict) or not str(button.get("text") or "").strip():
            return "Bad Request: text buttons are unallowed in the inline keyboard"
        data = button.get("callback_data")
        if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA_BYTES:
            return "Bad Request: BUTTON_DATA_INVALID"
    return None


@dataclass
class _CallbackQuery:
    user_id: int
    chat_id: int
    message_id: int
    data: str
    at: float  # time.monotonic() when pushed
    answered: dict[str, Any] | None = None  # the answerCallbackQuery parameters
    answered_after: float | None = None  # seconds from the tap to the answer


def _decode_params(raw: dict[str, str]) -> dict[str, Any]:
    """PTB sends form fields; non-string values are JSON encoded, strings are raw."""
    params: dict[str, Any] = {}
    for key, value in raw.items():
        if key in _ALWAYS_STRING:
            params[key] = value
            continue
        try:
            params[key] = json.loads(value)
        except (ValueError, TypeError):
            params[key] = value
    return params


class FakeTelegram:
    """The fake Bot API. Use as ``async with FakeTelegram(token) as server:``."""

    def __init__(
        self,
        token: str = "123456:TEST-token-abcdefghijklmnopqrstuvwxyz",
        *,
        bot_username: str = "newsdigest_test_bot",
        limits: RateLimits | None = None,
    ) -> None:
        self.token = token
        bot_id = int(token.split(":", 1)[0]) if token.split(":", 1)[0].isdigit() else 1
        self.bot_user = FakeUser(bot_id, first_name="News Digest", username=bot_username)
        self.bot_user.is_bot = True
        self.limits = limits or RateLimits()
        self.chats: dict[int, FakeChat] = {}
        self.users: dict[int, FakeUser] = {}
        # (chat_id, user_id) -> ChatMember JSON without "user"
        self.members: dict[tuple[int, int], dict[str, Any]] = {}
        self.messages: list[SentMessage] = []  # as they are now (edits applied)
        self.edits: list[SentMessage] = []  # each accepted edit, as the message became
        self.deleted_messages: set[int] = set()  # ids whose edits answer "not found"
        self.calls: list[Call] = []
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.rate_limited: list[Call] = []  # every 429 we answered
        self._failures: dict[int | None, _Failure] = {}
        self._stall: dict[int, float] = {}
        self.refused_photos: set[str] = set()  # sendPhoto answers 400 for these URLs
        # Documents users sent (file_id -> bytes), what the bot downloaded, what it sent.
        self.files: dict[str, bytes] = {}
        self.downloads: list[str] = []  # file_ids fetched from /file/bot<token>/...
        self.documents: list[SentDocument] = []
        self._global_window = _Window(self.limits.global_per_second, 1.0)
        self._chat_windows: dict[int, _Window] = {}
        self._updates: list[dict[str, Any]] = []
        self.callback_queries: dict[str, _CallbackQuery] = {}  # id -> the tap and its answer
        self.uneditable: set[tuple[int, int]] = set()  # (chat, message) too old to edit
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self._new_update = asyncio.Event()
        self._closing = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # --- lifecycle -------------------------------------------------------------------

    @property
    def api_url(self) -> str:
        """Base URL to give the bot (PTB: ``base_url=f"{api_url}/bot"``)."""
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.*}", self._download)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        self._closing.set()
        self._new_update.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeTelegram:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # --- test set-up -----------------------------------------------------------------

    def add_chat(
        self,
        chat_id: int,
        kind: str = "private",
        *,
        title: str | None = None,
        username: str | None = None,
    ) -> FakeChat:
        chat = FakeChat(chat_id, kind, title=title, username=username)
        self.chats[chat_id] = chat
        if kind in ("group", "supergroup"):
            self.set_member(chat_id, self.bot_user.id, "member")
        return chat

    def add_user(
        self, user_id: int, *, language_code: str | None = None, first_name: str = "User"
    ) -> FakeUser:
        user = FakeUser(user_id, first_name=first_name, language_code=language_code)
        self.users[user_id] = user
        if user_id not in self.chats:
            self.add_chat(user_id, "private", title=first_name)
        return user

    def set_member(
        self, chat_id: int, user_id: int, status: str, *, can_post_messages: bool = True
    ) -> None:
        """status: creator | administrator | member | restricted | left | kicked."""
        self.members[(chat_id, user_id)] = {
            "status": status,
            "can_post_messages": can_post_messages,
        }

    def block(
        self, chat_id: int, description: str = "Forbidden: bot was blocked by the user"
    ) -> None:
        self._failures[chat_id] = _Failure(403, description)

    def kick_bot(self, chat_id: int) -> None:
        """The bot was removed from a group or channel: posts there get 403."""
        self.set_member(chat_id, self.bot_user.id, "kicked")

    def migrate(self, chat_id: int, new_chat_id: int) -> None:
        """The group became a supergroup: sends to the old id fail with migrate_to_chat_id."""
        old = self.chats.get(chat_id)
        self.add_chat(new_chat_id, "supergroup", title=old.title if old else None)
        self._failures[chat_id] = _Failure(
            400,
            "Bad Request: group chat was upgraded to a supergroup chat",
            {"migrate_to_chat_id": new_chat_id},
        )

    def add_topic(self, chat_id: int, thread_id: int, name: str) -> FakeTopic:
        """Make `chat_id` a forum supergroup (if it is not yet) with an open topic."""
        chat = self.chats[chat_id]
        chat.is_forum = True
        topic = chat.topics[thread_id] = FakeTopic(name)
        return topic

    def set_topic_state(self, chat_id: int, thread_id: int, state: str) -> None:
        """open | closed | deleted: sends into a closed topic get 400 TOPIC_CLOSED, into
        a deleted one 400 "message thread not found", as the Bot API answers."""
        self.chats[chat_id].topics[thread_id].state = state

    def delete_chat(self, chat_id: int) -> None:
        self.chats.pop(chat_id, None)

    def fail(self, chat_id: int | None, status: int = 500, *, times: int | None = 1) -> None:
        """Answer the next `times` sends (to chat_id, or to any chat if None) with `status`."""
        self._failures[chat_id] = _Failure(
            status, f"Internal Server Error ({status})", remaining=times
        )

    def throttle(self, chat_id: int, retry_after: int = 1, *, times: int = 1) -> None:
        """Answer the next `times` sends to chat_id with 429 and this retry_after (flood
        control Telegram applied for reasons of its own, e.g. another bot process)."""
        self._failures[chat_id] = _Failure(
            429,
            f"Too Many Requests: retry after {retry_after}",
            {"retry_after": retry_after},
            remaining=times,
        )

    def stall(self, chat_id: int, seconds: float) -> None:
        """Delay answers to sends to this chat (to provoke client timeouts)."""
        self._stall[chat_id] = seconds

    def clear_failures(self, chat_id: int | None = None) -> None:
        self._failures.pop(chat_id, None)
        if chat_id is not None:
            self._stall.pop(chat_id, None)

    def push_update(self, update: dict[str, Any]) -> int:
        update_id = next(self._update_ids)
        self._updates.append({"update_id": update_id, **update})
        self._new_update.set()
        return update_id

    def push_command(
        self,
        chat_id: int,
        user_id: int,
        text: str,
        *,
        thread_id: int | None = None,
        anonymous: bool = False,
    ) -> int:
        """Queue a message as typed by `user_id` in `chat_id`; a leading /command gets a
        bot_command entity as Telegram sets it. `anonymous`: an anonymous group admin,
        shown as GroupAnonymousBot with the group as sender_chat. Returns the message id."""
        chat = self.chats[chat_id]
        user = self.users.get(user_id) or self.add_user(user_id)
        if anonymous:
            user = FakeUser(GROUP_ANONYMOUS_BOT, first_name="Group", username="GroupAnonymousBot")
            user.is_bot = True
        message_id = next(self._message_ids)
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": chat.to_json(),
            "from": user.to_json(),
            "text": text,
        }
        if anonymous:
            message["sender_chat"] = chat.to_json()
        if thread_id is not None:  # typed in a forum topic
            message.update({"message_thread_id": thread_id, "is_topic_message": True})
            topic = chat.topics.get(thread_id)
            if topic is not None:
                # As Telegram does: a message in a topic replies to the topic's creation.
                message["reply_to_message"] = {
                    "message_id": thread_id,
                    "date": int(time.time()),
                    "chat": chat.to_json(),
                    "message_thread_id": thread_id,
                    "is_topic_message": True,
                    "forum_topic_created": {"name": topic.name, "icon_color": 7322096},
                }
        command = re.match(r"/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?", text)
        if command:
            message["entities"] = [
                {"type": "bot_command", "offset": 0, "length": utf16_len(command.group(0))}
            ]
        self.push_update({"message": message})
        return message_id

    def push_document(
        self,
        chat_id: int,
        user_id: int,
        file_name: str,
        content: bytes,
        *,
        caption: str | None = None,
        reply_to_bot: bool = False,
        declared_size: int | None = None,
        mime_type: str = "text/x-opml",
    ) -> str:
        """Queue a document as sent by `user_id` (with an optional caption, or as a
        reply to a message of the bot); getFile and the file URL serve `content`.
        `declared_size`: the size Telegram announces (default: the real one). Returns
        the file_id."""
        chat = self.chats[chat_id]
        user = self.users.get(user_id) or self.add_user(user_id)
        message_id = next(self._message_ids)
        file_id = f"doc-{message_id}"
        self.files[file_id] = content
        size = len(content) if declared_size is None else declared_size
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": chat.to_json(),
            "from": user.to_json(),
            "document": {
                "file_id": file_id,
                "file_unique_id": f"u-{file_id}",
                "file_name": file_name,
                "mime_type": mime_type,
                "file_size": size,
            },
        }
        if caption is not None:
            message["caption"] = caption
            command = re.match(r"/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?", caption)
            if command:
                message["caption_entities"] = [
                    {"type": "bot_command", "offset": 0, "length": utf16_len(command.group(0))}
                ]
        if reply_to_bot:
            message["reply_to_message"] = {
                "message_id": next(self._message_ids),
                "date": int(time.time()),
                "chat": chat.to_json(),
                "from": self.bot_user.to_json(),
                "text": "…",
            }
        self.push_update({"message": message})
        return file_id

    def push_bot_status(
        self, chat_id: int, status: str, *, by_user: int, can_post_messages: bool = True
    ) -> int:
        """The bot's membership changed (blocked, kicked, added back): Telegram sends a
        my_chat_member update. Also updates what getChatMember answers."""
        chat = self.chats[chat_id]
        old = self._member_json(chat, self.bot_user.id)
        self.set_member(chat_id, self.bot_user.id, status, can_post_messages=can_post_messages)
        new = self._member_json(chat, self.bot_user.id)
        user = self.users.get(by_user) or self.add_user(by_user)
        return self.push_update(
            {
                "my_chat_member": {
                    "chat": chat.to_json(),
                    "from": user.to_json(),
                    "date": int(time.time()),
                    "old_chat_member": old,
                    "new_chat_member": new,
                }
            }
        )

    def push_migration(self, chat_id: int, new_chat_id: int, *, by_user: int) -> None:
        """A group became a supergroup: the old group gets a message with
        migrate_to_chat_id, the new one with migrate_from_chat_id; sends to the old id fail."""
        self.migrate(chat_id, new_chat_id)
        user = self.users.get(by_user) or self.add_user(by_user)
        for where, key, value in (
            (chat_id, "migrate_to_chat_id", new_chat_id),
            (new_chat_id, "migrate_from_chat_id", chat_id),
        ):
            self.push_update(
                {
                    "message": {
                        "message_id": next(self._message_ids),
                        "date": int(time.time()),
                        "chat": self.chats[where].to_json(),
                        "from": user.to_json(),
                        key: value,
                    }
                }
            )

    def push_callback_query(
        self, chat_id: int, user_id: int, message_id: int, data: str, *, inaccessible: bool = False
    ) -> str:
        """Queue a tap by `user_id` on a button of the bot's message `message_id` in
        `chat_id` carrying `data`. `inaccessible`: Telegram no longer shows the message to
        the bot (deleted, or too old), so the update carries only its chat and id with
        date 0. Returns the callback query id."""
        chat = self.chats[chat_id]
        user = self.users.get(user_id) or self.add_user(user_id)
        query_id = str(next(self._update_ids) * 1000 + 7)
        if inaccessible:
            message: dict[str, Any] = {"chat": chat.to_json(), "message_id": message_id, "date": 0}
        else:
            sent = self.message(chat_id, message_id)
            message = {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": chat.to_json(),
                "from": self.bot_user.to_json(),
                "text": sent.plain_text,
            }
            if sent.reply_markup is not None:
                message["reply_markup"] = sent.reply_markup
            if sent.message_thread_id is not None:
                message.update(
                    {"message_thread_id": sent.message_thread_id, "is_topic_message": True}
                )
        self.callback_queries[query_id] = _CallbackQuery(
            user_id, chat_id, message_id, data, time.monotonic()
        )
        self.push_update(
            {
                "callback_query": {
                    "id": query_id,
                    "from": user.to_json(),
                    "chat_instance": str(chat_id),
                    "data": data,
                    "message": message,
                }
            }
        )
        return query_id

    def message(self, chat_id: int, message_id: int) -> SentMessage:
        """The bot's message as it stands now (after edits). KeyError if never sent."""
        for sent in self.messages:
            if sent.chat_id == chat_id and sent.message_id == message_id:
                return sent
        raise KeyError((chat_id, message_id))

    # --- assertions helpers ----------------------------------------------------------

    def messages_to(self, chat_id: int) -> list[SentMessage]:
        return [m for m in self.messages if m.chat_id == chat_id]

    async def wait_for_messages(
        self, count: int, *, chat_id: int | None = None, timeout: float = 10.0
    ) -> list[SentMessage]:
        """Wait until at least `count` messages were accepted (to chat_id, if given)."""

        def current() -> list[SentMessage]:
            return self.messages if chat_id is None else self.messages_to(chat_id)

        deadline = time.monotonic() + timeout
        while len(current()) < count:
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"expected {count} messages to {chat_id}, got {len(current())}: "
                    f"{[m.plain_text[:80] for m in current()]}; calls: "
                    f"{[(c.method, c.status) for c in self.calls[-10:]]}"
                )
            await asyncio.sleep(0.01)
        return current()

    async def wait_until(self, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError("condition not reached in time")
            await asyncio.sleep(0.01)

    # --- HTTP ------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        started = time.monotonic()
        method = request.match_info["method"]
        raw: dict[str, str] = {}
        if request.content_type == "application/json":
            body = await request.json()
            raw = {k: v if isinstance(v, str) else json.dumps(v) for k, v in body.items()}
        uploads: dict[str, tuple[str, bytes]] = {}
        if request.content_type != "application/json" and request.can_read_body:
            form = await request.post()
            raw = {k: v for k, v in form.items() if isinstance(v, str)}
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    uploads[key] = (value.filename or "", value.file.read())
        raw.update({k: v for k, v in request.query.items()})
        params = _decode_params(raw)
        if uploads:
            params["_uploads"] = uploads
        if request.match_info["token"] != self.token:
            response = self._error(401, "Unauthorized")
        else:
            handler = getattr(self, f"_api_{method}", None)
            if handler is None:
                response = self._error(404, "Not Found")
            else:
                response = await handler(params)
        body = json.loads(response.body) if isinstance(response.body, bytes) else {}
        call = Call(method, params, response.status, started, body)
        self.calls.append(call)
        if response.status == 429:
            self.rate_limited.append(call)
        return response

    @staticmethod
    def _ok(result: Any) -> web.Response:
        return web.json_response({"ok": True, "result": result})

    @staticmethod
    def _error(
        status: int, description: str, parameters: dict[str, Any] | None = None
    ) -> web.Response:
        body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
        if parameters:
            body["parameters"] = parameters
        return web.json_response(body, status=status)

    def _chat_from_param(self, value: Any) -> FakeChat | None:
        if isinstance(value, str) and value.startswith("@"):
            wanted = value[1:].lower()
            return next(
                (c for c in self.chats.values() if (c.username or "").lower() == wanted), None
            )
        try:
            return self.chats.get(int(value))
        except (TypeError, ValueError):
            return None

    # --- methods ---------------------------------------------------------------------

    async def _api_getMe(self, params: dict[str, Any]) -> web.Response:
        data = self.bot_user.to_json()
        data.update(
            {
                "can_join_groups": True,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
            }
        )
        return self._ok(data)

    async def _api_deleteWebhook(self, params: dict[str, Any]) -> web.Response:
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return self._ok(True)

    async def _api_close(self, params: dict[str, Any]) -> web.Response:
        return self._ok(True)

    async def _api_logOut(self, params: dict[str, Any]) -> web.Response:
        return self._ok(True)

    async def _api_getUpdates(self, params: dict[str, Any]) -> web.Response:
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)
        if offset:
            # Telegram forgets every update before the confirmed offset.
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        deadline = time.monotonic() + timeout
        while not self._updates and not self._closing.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            self._new_update.clear()
            try:
                await asyncio.wait_for(self._new_update.wait(), remaining)
            except TimeoutError:
                break
        return self._ok(self._updates[:limit])

    async def _api_setMyCommands(self, params: dict[str, Any]) -> web.Response:
        commands = params.get("commands")
        if not isinstance(commands, list) or not commands:
            return self._error(400, "Bad Request: commands must be a non-empty list")
        for command in commands:
            name = command.get("command", "")
            description = command.get("description", "")
            if not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                return self._error(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(description) <= 256:
                return self._error(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        key = (self._scope_key(params), str(params.get("language_code") or ""))
        self.commands[key] = commands
        return self._ok(True)

    async def _api_getMyCommands(self, params: dict[str, Any]) -> web.Response:
        key = (self._scope_key(params), str(params.get("language_code") or ""))
        return self._ok(self.commands.get(key, []))

    async def _api_deleteMyCommands(self, params: dict[str, Any]) -> web.Response:
        key = (self._scope_key(params), str(params.get("language_code") or ""))
        self.commands.pop(key, None)
        return self._ok(True)

    @staticmethod
    def _scope_key(params: dict[str, Any]) -> str:
        scope = params.get("scope")
        return scope.get("type", "default") if isinstance(scope, dict) else "default"

    async def _api_getChat(self, params: dict[str, Any]) -> web.Response:
        chat = self._chat_from_param(params.get("chat_id"))
        if chat is None:
            return self._error(400, "Bad Request: chat not found")
        data = chat.to_json()
        data.update(
            {
                "accent_color_id": 0,
                "max_reaction_count": 11,
                "accepted_gift_types": {
                    "unlimited_gifts": False,
                    "limited_gifts": False,
                    "unique_gifts": False,
                    "premium_subscription": False,
                    "gifts_from_channels": False,
                },
            }
        )
        return self._ok(data)

    def _member_json(self, chat: FakeChat, user_id: int) -> dict[str, Any]:
        user = self.bot_user if user_id == self.bot_user.id else self.users.get(user_id)
        user_json = (user or FakeUser(user_id)).to_json()
        state = self.members.get((chat.id, user_id), {"status": "left"})
        status = state["status"]
        data: dict[str, Any] = {"status": status, "user": user_json}
        if status == "creator":
            data["is_anonymous"] = False
        elif status == "administrator":
            data.update(
                {
                    "can_be_edited": False,
                    "is_anonymous": False,
                    "can_manage_chat": True,
                    "can_delete_messages": True,
                    "can_manage_video_chats": True,
                    "can_restrict_members": True,
                    "can_promote_members": False,
                    "can_change_info": True,
                    "can_invite_users": True,
                    "can_post_stories": False,
                    "can_edit_stories": False,
                    "can_delete_stories": False,
                }
            )
            if chat.type == "channel":
                data["can_post_messages"] = state["can_post_messages"]
                data["can_edit_messages"] = False
        elif status == "restricted":
            flags = [
                "can_change_info",
                "can_invite_users",
                "can_pin_messages",
                "can_send_polls",
                "can_send_other_messages",
                "can_add_web_page_previews",
                "can_manage_topics",
                "can_send_audios",
                "can_send_documents",
                "can_send_photos",
                "can_send_videos",
                "can_send_video_notes",
                "can_send_voice_notes",
            ]
            data.update({flag: False for flag in flags})
            data.update({"is_member": True, "can_send_messages": False, "until_date": 0})
        elif status == "kicked":
            data["until_date"] = 0
        return data

    async def _api_getChatMember(self, params: dict[str, Any]) -> web.Response:
        chat = self._chat_from_param(params.get("chat_id"))
        if chat is None:
            return self._error(400, "Bad Request: chat not found")
        bot_state = self.members.get((chat.id, self.bot_user.id))
        if chat.type == "channel" and (bot_state is None or bot_state["status"] != "administrator"):
            # Telegram: a bot that is not an admin of a channel cannot see its members.
            return self._error(403, "Forbidden: bot is not a member of the channel chat")
        try:
            user_id = int(params.get("user_id"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return self._error(400, "Bad Request: invalid user_id specified")
        return self._ok(self._member_json(chat, user_id))

    async def _api_getChatAdministrators(self, params: dict[str, Any]) -> web.Response:
        chat = self._chat_from_param(params.get("chat_id"))
        if chat is None:
            return self._error(400, "Bad Request: chat not found")
        bot_status = self.members.get((chat.id, self.bot_user.id), {}).get("status")
        if chat.type == "channel" and bot_status != "administrator":
            return self._error(403, "Forbidden: bot is not a member of the channel chat")
        if chat.type != "private" and bot_status in (None, "left", "kicked"):
            return self._error(403, f"Forbidden: bot is not a member of the {chat.type} chat")
        admins = [
            self._member_json(chat, user_id)
            for (chat_id, user_id), state in self.members.items()
            if chat_id == chat.id and state["status"] in ("creator", "administrator")
        ]
        return self._ok(admins)

    async def _api_answerCallbackQuery(self, params: dict[str, Any]) -> web.Response:
        query = self.callback_queries.get(str(params.get("callback_query_id")))
        now = time.monotonic()
        if query is None or query.answered is not None or now - query.at > CALLBACK_ANSWER_SECONDS:
            return self._error(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        text = params.get("text")
        if text is not None and len(str(text)) > MAX_CALLBACK_ANSWER:
            return self._error(400, "Bad Request: MESSAGE_TOO_LONG")
        query.answered = params
        query.answered_after = now - query.at
        return self._ok(True)

    def _injected_failure(self, chat_key: int | None) -> web.Response | None:
        """The failure a test set for this chat (or for every chat), counted down."""
        failure = self._failures.get(chat_key) or self._failures.get(None)
        if failure is None:
            return None
        if failure.remaining is not None:
            failure.remaining -= 1
            if failure.remaining <= 0:
                self._failures = {k: v for k, v in self._failures.items() if v is not failure}
        return self._error(failure.status, failure.description, failure.parameters)

    def _over_flood_limits(self, chat: FakeChat, now: float) -> web.Response | None:
        """429 when a message now would pass the global or the chat's limit; otherwise the
        message is counted against both."""
        chat_window = self._chat_window(chat)
        wait = max(
            self._global_window.wait_needed(now, self.limits.tolerance),
            chat_window.wait_needed(now, self.limits.tolerance),
        )
        if wait > 0:
            retry_after = max(1, math.ceil(wait))
            return self._error(
                429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
            )
        self._global_window.add(now)
        chat_window.add(now)
        return None

    def _not_modified(self) -> web.Response:
        return self._error(
            400,
            "Bad Request: message is not modified: specified new message content and"
            " reply markup are exactly the same as a current content and reply markup"
            " of the message",
        )

    def _message_json(
        self, chat: FakeChat, message: SentMessage, *, edited: bool = False
    ) -> dict[str, Any]:
        """A message as the Bot API returns it (a photo with its caption, or text)."""
        result: dict[str, Any] = {
            "message_id": message.message_id,
            "date": int(time.time()),
            "chat": chat.to_json(),
            "from": self.bot_user.to_json(),
        }
        if edited:
            result["edit_date"] = int(time.time())
        if message.photo is not None:
            result["photo"] = [
                {
                    "file_id": f"photo-{message.message_id}",
                    "file_unique_id": f"u{message.message_id}",
                    "width": 800,
                    "height": 450,
                }
            ]
            if message.plain_text:
                result["caption"] = message.plain_text
        else:
            result["text"] = message.plain_text
        if message.reply_markup is not None:
            result["reply_markup"] = message.reply_markup
        return result

    def _editable(self, params: dict[str, Any]) -> tuple[int, SentMessage] | web.Response:
        chat = self._chat_from_param(params.get("chat_id"))
        try:
            message_id = int(params.get("message_id"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return self._error(400, "Bad Request: message identifier is not specified")
        if chat is None:
            return self._error(400, "Bad Request: chat not found")
        index = next(
            (
                i
                for i, m in enumerate(self.messages)
                if m.chat_id == chat.id and m.message_id == message_id
            ),
            None,
        )
        if index is None or message_id in self.deleted_messages:
            return self._error(400, "Bad Request: message to edit not found")
        if (chat.id, message_id) in self.uneditable:
            return self._error(400, "Bad Request: message can't be edited")
        problem = keyboard_problem(params.get("reply_markup"))
        if problem is not None:
            return self._error(400, problem)
        return index, self.messages[index]

    def _edited(self, index: int, updated: SentMessage) -> web.Response:
        before = self.messages[index]
        if (updated.text, updated.reply_markup) == (before.text, before.reply_markup):
            return self._not_modified()
        edited = replace(updated, edits=before.edits + 1)
        self.messages[index] = edited
        return self._ok(self._message_json(self.chats[edited.chat_id], edited, edited=True))

    async def _api_editMessageReplyMarkup(self, params: dict[str, Any]) -> web.Response:
        found = self._editable(params)
        if isinstance(found, web.Response):
            return found
        index, before = found
        markup = params.get("reply_markup")
        updated = replace(before, reply_markup=markup if isinstance(markup, dict) else None)
        return self._edited(index, updated)

    async def _api_sendChatAction(self, params: dict[str, Any]) -> web.Response:
        return self._ok(True)

    async def _api_getFile(self, params: dict[str, Any]) -> web.Response:
        """Like Telegram: a bot may download files up to 20 MB."""
        file_id = str(params.get("file_id") or "")
        content = self.files.get(file_id)
        if content is None:
            return self._error(400, "Bad Request: invalid file_id")
        if len(content) > 20 * 1024 * 1024:
            return self._error(400, "Bad Request: file is too big")
        return self._ok(
            {
                "file_id": file_id,
                "file_unique_id": f"u-{file_id}",
                "file_size": len(content),
                "file_path": f"documents/{file_id}",
            }
        )

    async def _download(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.Response(status=401)
        file_id = request.match_info["path"].rsplit("/", 1)[-1]
        content = self.files.get(file_id)
        if content is None:
            return web.Response(status=404)
        self.downloads.append(file_id)
        return web.Response(body=content, content_type="application/octet-stream")

    async def _api_sendDocument(self, params: dict[str, Any]) -> web.Response:
        """A file upload (multipart) with an optional HTML caption (1,024 units)."""
        uploads = params.get("_uploads") or {}
        if not uploads:
            return self._error(400, "Bad Request: there is no document in the request")
        chat = self._chat_from_param(params.get("chat_id"))
        if chat is None:
            return self._error(400, "Bad Request: chat not found")
        refusal = self._posting_refusal(chat)
        if refusal is not None:
            return refusal
        caption = params.get("caption") or ""
        try:
            plain = parse_telegram_html(caption) if params.get("parse_mode") == "HTML" else caption
        except EntityParseError as exc:
            return self._error(400, str(exc))
        if utf16_len(plain) > MAX_CAPTION_UTF16:
            return self._error(400, "Bad Request: message caption is too long")
        name, content = next(iter(uploads.values()))
        self.documents.append(
            SentDocument(chat.id, name, content, plain, params.get("message_thread_id"))
        )
        message_id = next(self._message_ids)
        return self._ok(
            {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": chat.to_json(),
                "from": self.bot_user.to_json(),
                "document": {
                    "file_id": f"sent-{message_id}",
                    "file_unique_id": f"u-sent-{message_id}",
                    "file_name": name,
                    "file_size": len(content),
                },
                "caption": plain,
            }
        )

    async def _api_sendMessage(self, params: dict[str, Any]) -> web.Response:
        return await self._accept(params, params.get("text"), limit=MAX_MESSAGE_UTF16)

    async def _api_sendPhoto(self, params: dict[str, Any]) -> web.Response:
        """A photo by URL with an optional HTML caption (at most 1,024 UTF-16 units after
        parsing). URLs in `refused_photos` are refused as Telegram refuses an image it
        cannot fetch or read."""
        photo = params.get("photo")
        if not isinstance(photo, str) or not photo.startswith(("https://", "http://")):
            return self._error(400, "Bad Request: wrong file identifier/HTTP URL specified")
        return await self._accept(
            params, params.get("caption") or "", limit=MAX_CAPTION_UTF16, photo=photo
        )

    async def _api_editMessageText(self, params: dict[str, Any]) -> web.Response:
        """Edit the text of one of the bot's text messages, as Telegram does: the same
        HTML checks and 4,096-unit limit as sendMessage; a photo has no text to edit; the
        same text again is 400 "message is not modified". Edits count towards the flood
        limits like sends (Telegram does not document otherwise; conservative)."""
        return self._edit(params, params.get("text"), caption=False)

    async def _api_editMessageCaption(self, params: dict[str, Any]) -> web.Response:
        """Edit a photo's caption (1,024 units); a text message has no caption."""
        return self._edit(params, params.get("caption") or "", caption=True)

    def _edit(self, params: dict[str, Any], text: object, *, caption: bool) -> web.Response:
        chat = self._chat_from_param(params.get("chat_id"))
        injected = self._injected_failure(chat.id if chat is not None else None)
        if injected is not None:
            return injected
        found = self._editable(params)
        if isinstance(found, web.Response):
            return found
        index, old = found
        markup = params.get("reply_markup")
        markup = markup if isinstance(markup, dict) else None  # none given: keyboard removed
        if caption and old.photo is None:
            return self._error(400, "Bad Request: there is no caption in the message to edit")
        if not caption and old.photo is not None:
            return self._error(400, "Bad Request: there is no text in the message to edit")
        if not isinstance(text, str):
            return self._error(400, "Bad Request: message text is empty")
        parse_mode = params.get("parse_mode")
        try:
            plain = parse_telegram_html(text) if parse_mode == "HTML" else text
        except EntityParseError as exc:
            return self._error(400, str(exc))
        limit = MAX_CAPTION_UTF16 if caption else MAX_MESSAGE_UTF16
        if not caption and not plain.strip():
            return self._error(400, "Bad Request: message text is empty")
        if utf16_len(plain) > limit:
            what = "message caption" if caption else "message"
            return self._error(400, f"Bad Request: {what} is too long")
        if (text, markup) == (old.text, old.reply_markup):
            return self._not_modified()
        now = time.monotonic()
        flooded = self._over_flood_limits(chat, now)
        if flooded is not None:
            return flooded
        link_preview = params.get("link_preview_options")
        edited = replace(
            old,
            text=text,
            plain_text=plain,
            parse_mode=parse_mode,
            link_preview_options=link_preview
            if isinstance(link_preview, dict)
            else old.link_preview_options,
            reply_markup=markup,
            edits=old.edits + 1,
        )
        self.messages[index] = edited
        self.edits.append(edited)
        return self._ok(self._message_json(chat, edited, edited=True))

    async def _accept(
        self, params: dict[str, Any], text: object, *, limit: int, photo: str | None = None
    ) -> web.Response:
        chat_param = params.get("chat_id")
        chat = self._chat_from_param(chat_param)
        chat_key = chat.id if chat is not None else None
        if chat_key is not None and chat_key in self._stall:
            await asyncio.sleep(self._stall[chat_key])
        injected = self._injected_failure(chat_key)
        if injected is not None:
            return injected
        if chat is None:
            return self._error(400, "Bad Request: chat not found")
        problem = keyboard_problem(params.get("reply_markup"))
        if problem is not None:
            return self._error(400, problem)
        refusal = self._posting_refusal(chat) or self._topic_refusal(chat, params)
        if refusal is not None:
            return refusal
        if photo is not None and photo in self.refused_photos:
            return self._error(400, "Bad Request: wrong type of the web page content")
        if not isinstance(text, str):
            return self._error(400, "Bad Request: message text is empty")
        parse_mode = params.get("parse_mode")
        if parse_mode not in (None, "HTML"):
            return self._error(400, f"Bad Request: unsupported parse_mode {parse_mode}")
        try:
            plain = parse_telegram_html(text) if parse_mode == "HTML" else text
        except EntityParseError as exc:
            return self._error(400, str(exc))
        if photo is None and not plain.strip():
            return self._error(400, "Bad Request: message text is empty")
        if utf16_len(plain) > limit:
            what = "message caption" if photo is not None else "message"
            return self._error(400, f"Bad Request: {what} is too long")
        now = time.monotonic()
        flooded = self._over_flood_limits(chat, now)
        if flooded is not None:
            return flooded
        link_preview = params.get("link_preview_options")
        message = SentMessage(
            message_id=next(self._message_ids),
            chat_id=chat.id,
            text=text,
            plain_text=plain,
            parse_mode=parse_mode,
            disable_web_page_preview=params.get("disable_web_page_preview"),
            link_preview_options=link_preview if isinstance(link_preview, dict) else None,
            at=now,
            message_thread_id=params.get("message_thread_id"),
            photo=photo,
            reply_markup=params.get("reply_markup")
            if isinstance(params.get("reply_markup"), dict)
            else None,
        )
        self.messages.append(message)
        return self._ok(self._message_json(chat, message))

    def _posting_refusal(self, chat: FakeChat) -> web.Response | None:
        """Telegram refuses posts where the bot is not (or no longer) allowed to post."""
        state = self.members.get((chat.id, self.bot_user.id))
        status = state["status"] if state else None
        if chat.type == "channel":
            if status != "administrator":
                return self._error(403, "Forbidden: bot is not a member of the channel chat")
            if not state or not state["can_post_messages"]:
                return self._error(
                    400, "Bad Request: need administrator rights in the channel chat"
                )
        elif chat.type in ("group", "supergroup"):
            if status == "kicked":
                return self._error(403, f"Forbidden: bot was kicked from the {chat.type} chat")
            if status in (None, "left"):
                return self._error(403, f"Forbidden: bot is not a member of the {chat.type} chat")
            if status == "restricted":
                return self._error(400, "Bad Request: not enough rights to send text messages")
        return None

    def _topic_refusal(self, chat: FakeChat, params: dict[str, Any]) -> web.Response | None:
        """In a forum, message_thread_id must name an open topic. The General topic (1)
        cannot be named: a message without a thread id goes there. (Outside forums the id
        of a reply thread is accepted as is.)"""
        thread = params.get("message_thread_id")
        if thread is None or not chat.is_forum:
            return None
        topic = chat.topics.get(int(thread))
        if topic is None or topic.state == "deleted":
            return self._error(400, "Bad Request: message thread not found")
        if topic.state == "closed":
            return self._error(400, "Bad Request: TOPIC_CLOSED")
        return None

    def _chat_window(self, chat: FakeChat) -> _Window:
        window = self._chat_windows.get(chat.id)
        if window is None:
            if chat.type == "private":
                window = _Window(self.limits.private_per_second, 1.0)
            else:
                window = _Window(self.limits.group_per_minute, 60.0)
            self._chat_windows[chat.id] = window
        return window
