"""A small fake of Discord's REST API and gateway on 127.0.0.1, for adapter tests.

discord.py talks to it for real: HTTP requests go to ``FakeDiscord.api_base`` (tests point
``discord.http.Route.BASE`` there) and the websocket to ``FakeDiscord.gateway_url``. The fake
validates what Discord validates for the things we send (message and embed limits), can be told
to fail (403/404/429/5xx), and records every request and gateway frame for assertions. Like
Discord it deduplicates messages sent with ``enforce_nonce`` and answers 404 code 10015 for a
deleted webhook. Messages can be edited (PATCH) by their author only: the bot's through
``/channels/{id}/messages/{id}``, a webhook's through the webhook (``edits`` records them).
Forum channels (``add_forum``: type 15 with ``available_tags``) take posts
(``POST /channels/{id}/threads`` with a starter message) under Discord's rules: Create Posts
(the Send Messages bit), a name of 1-100 characters, at most 5 known tags, moderated tags only
with Manage Threads, a tag when the forum requires one. Threads (``add_thread``, or a post) are
channels whose permissions are their parent's, posting there needs Send Messages in Threads.

Autocomplete (interaction type 4, answered with callback type 8) and message components
(type 3: a select menu's choice, answered with 7 "update the message", 6 "deferred update"
or 4 "new message") are delivered with ``autocomplete_payload`` / ``component_payload``;
answers are checked against Discord's limits (25 choices of 1-100 characters; 5 action
rows, 25 options, 100-character custom_id/label/value/description).
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import itertools
import json
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

API_PREFIX = "/api/v10"

APP_ID = "900000000000000001"
BOT_USER_ID = APP_ID  # Discord bots share the application's id
GUILD_ID = "900000000000000100"
OTHER_GUILD_ID = "900000000000000200"
CHANNEL_ID = "900000000000000101"  # #news, the bot may post
SECOND_CHANNEL_ID = "900000000000000102"  # #ai-news, the bot may post
LOCKED_CHANNEL_ID = "900000000000000103"  # bot may not send messages here
OTHER_GUILD_CHANNEL_ID = "900000000000000201"
ADMIN_USER_ID = "900000000000001001"
OWNER_USER_ID = "900000000000001999"
MEMBER_USER_ID = "900000000000001002"

# Permission bits (https://discord.com/developers/docs/topics/permissions)
ADMINISTRATOR = 1 << 3
MANAGE_CHANNELS = 1 << 4
MANAGE_GUILD = 1 << 5
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
EMBED_LINKS = 1 << 14
READ_MESSAGE_HISTORY = 1 << 16
MANAGE_THREADS = 1 << 34
SEND_MESSAGES_IN_THREADS = 1 << 38
USE_APPLICATION_COMMANDS = 1 << 31
MEMBER_PERMISSIONS = VIEW_CHANNEL | SEND_MESSAGES | READ_MESSAGE_HISTORY | USE_APPLICATION_COMMANDS
BOT_PERMISSIONS = VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS | READ_MESSAGE_HISTORY

# Discord's documented limits for one message
MAX_CONTENT = 2000
MAX_EMBEDS = 10
MAX_TITLE = 256
MAX_DESCRIPTION = 4096
MAX_FOOTER = 2048
MAX_AUTHOR = 256
MAX_FIELDS = 25
MAX_FIELD_NAME = 256
MAX_FIELD_VALUE = 1024
MAX_EMBED_TOTAL = 6000

FORUM_CHANNEL_ID = "900000000000000104"  # added by add_forum(): #tech-forum
THREAD_TYPES = frozenset({10, 11, 12})
FORUM_REQUIRE_TAG = 1 << 4  # channel flag: a post must have a tag
MAX_THREAD_NAME = 100
MAX_APPLIED_TAGS = 5
MAX_CHOICES = 25
MAX_ROWS = 5
MAX_SELECT_OPTIONS = 25
MAX_COMPONENT_TEXT = 100
MAX_PLACEHOLDER = 150

WEBHOOK_ID = "900000000000009001"
WEBHOOK_TOKEN = "w" * 68
WEBHOOK_URL = f"https://discord.com/api/webhooks/{WEBHOOK_ID}/{WEBHOOK_TOKEN}"

_ERRORS: dict[int, tuple[int, str]] = {
    400: (50035, "Invalid Form Body"),
    401: (0, "401: Unauthorized"),
    403: (50013, "Missing Permissions"),
    404: (10003, "Unknown Channel"),
    500: (0, "500: Internal Server Error"),
    502: (0, "502: Bad Gateway"),
    503: (0, "503: Service Unavailable"),
}


@dataclass
class Failure:
    """Answer the next ``times`` requests matching ``method`` and ``path`` (regex) with an error."""

    method: str
    path: str
    status: int
    code: int | None = None
    message: str | None = None
    retry_after: float | None = None
    is_global: bool = False
    times: int = 1
    via_header: bool = True  # Discord's real 429s carry "Via"; Cloudflare bans do not
    after: int = 0  # let this many matching requests through first


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any
    status: int = 200


@dataclass
class Guild:
    id: str
    name: str
    owner_id: str
    system_channel_id: str | None = None
    channels: dict[str, dict[str, Any]] = field(default_factory=dict)
    roles: list[dict[str, Any]] = field(default_factory=list)
    members: dict[str, dict[str, Any]] = field(default_factory=dict)


def _multipart(raw: bytes, content_type: str) -> tuple[Any, list[tuple[str, bytes]]]:
    """A multipart/form-data body as Discord reads it: the JSON of ``payload_json`` and
    the uploaded files (filename, bytes) of ``files[n]``."""
    message = email.message_from_bytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + raw, policy=email.policy.HTTP
    )
    body: Any = {}
    files: list[tuple[str, bytes]] = []
    for part in message.iter_parts():  # type: ignore[attr-defined]
        name = part.get_param("name", header="content-disposition")
        content = part.get_payload(decode=True) or b""
        if name == "payload_json":
            body = json.loads(content)
        elif str(name).startswith("files["):
            files.append((part.get_filename() or "", content))
    return body, files


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    # Discord answers exactly "application/json" (no charset); discord.py only parses JSON then.
    return web.Response(
        body=json.dumps(body).encode(),
        status=status,
        headers={**(headers or {}), "Content-Type": "application/json"},
    )


def _user(user_id: str, name: str, *, bot: bool = False) -> dict[str, Any]:
    return {
        "id": user_id,
        "username": name,
        "global_name": name,
        "discriminator": "0",
        "avatar": None,
        "bot": bot,
        "public_flags": 0,
    }


def _member(user: dict[str, Any], roles: list[str]) -> dict[str, Any]:
    return {
        "user": user,
        "roles": roles,
        "joined_at": "2025-01-01T00:00:00+00:00",
        "deaf": False,
        "mute": False,
        "flags": 0,
        "nick": None,
    }


def _text_channel(
    channel_id: str, guild_id: str, name: str, position: int, overwrites: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "id": channel_id,
        "type": 0,
        "guild_id": guild_id,
        "name": name,
        "position": position,
        "permission_overwrites": overwrites,
        "nsfw": False,
        "parent_id": None,
        "topic": None,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "flags": 0,
    }


def embed_problems(payload: dict[str, Any]) -> dict[str, str]:
    """Discord's checks on a message body; returns {json path: reason} for each violation."""
    problems: dict[str, str] = {}
    content = payload.get("content") or ""
    if len(content) > MAX_CONTENT:
        problems["content"] = f"Must be {MAX_CONTENT} or fewer in length."
    embeds = payload.get("embeds") or []
    if len(embeds) > MAX_EMBEDS:
        problems["embeds"] = f"Must be {MAX_EMBEDS} or fewer in length."
    total = 0
    for i, embed in enumerate(embeds):
        title = embed.get("title") or ""
        description = embed.get("description") or ""
        footer = (embed.get("footer") or {}).get("text") or ""
        author = (embed.get("author") or {}).get("name") or ""
        fields = embed.get("fields") or []
        if len(title) > MAX_TITLE:
            problems[f"embeds.{i}.title"] = f"Must be {MAX_TITLE} or fewer in length."
        if len(description) > MAX_DESCRIPTION:
            problems[f"embeds.{i}.description"] = f"Must be {MAX_DESCRIPTION} or fewer in length."
        if len(footer) > MAX_FOOTER:
            problems[f"embeds.{i}.footer.text"] = f"Must be {MAX_FOOTER} or fewer in length."
        if len(author) > MAX_AUTHOR:
            problems[f"embeds.{i}.author.name"] = f"Must be {MAX_AUTHOR} or fewer in length."
        if len(fields) > MAX_FIELDS:
            problems[f"embeds.{i}.fields"] = f"Must be {MAX_FIELDS} or fewer in length."
        for j, fld in enumerate(fields):
            if len(fld.get("name") or "") > MAX_FIELD_NAME:
                problems[f"embeds.{i}.fields.{j}.name"] = "Too long."
            if len(fld.get("value") or "") > MAX_FIELD_VALUE:
                problems[f"embeds.{i}.fields.{j}.value"] = "Too long."
        url = embed.get("url")
        if url is not None and not re.match(r"^https?://", url):
            problems[f"embeds.{i}.url"] = "Not a well formed URL."
        colour = embed.get("color")
        if colour is not None and not (0 <= int(colour) <= 0xFFFFFF):
            problems[f"embeds.{i}.color"] = "Int value should be less than or equal to 16777215."
        total += len(title) + len(description) + len(footer) + len(author)
        total += sum(len(f.get("name") or "") + len(f.get("value") or "") for f in fields)
    if total > MAX_EMBED_TOTAL:
        problems["embeds"] = f"Embed size exceeds maximum size of {MAX_EMBED_TOTAL}"
    if not content and not embeds:
        problems["content"] = "Cannot send an empty message"
    return problems


def _too_long(value: Any, limit: int, *, minimum: int = 1) -> bool:
    return not isinstance(value, str) or not minimum <= len(value) <= limit


def component_problems(payload: dict[str, Any]) -> dict[str, str]:
    """Discord's checks on a message's components (action rows holding one select menu
    each, as we send them); returns {json path: reason} for each violation."""
    problems: dict[str, str] = {}
    rows = payload.get("components") or []
    if len(rows) > MAX_ROWS:
        problems["components"] = f"Must be {MAX_ROWS} or fewer in length."
    for i, row in enumerate(rows):
        if row.get("type") != 1:
            problems[f"components.{i}.type"] = "Top-level components must be action rows."
            continue
        inner = row.get("components") or []
        if not inner:
            problems[f"components.{i}.components"] = "Must be 1 or more in length."
        selects = [c for c in inner if c.get("type") == 3]
        if selects and len(inner) > 1:
            problems[f"components.{i}.components"] = "A select menu must be alone in its row."
        for j, select in enumerate(selects):
            where = f"components.{i}.components.{j}"
            options = select.get("options") or []
            if _too_long(select.get("custom_id"), MAX_COMPONENT_TEXT):
                problems[f"{where}.custom_id"] = "Must be between 1 and 100 in length."
            if not 1 <= len(options) <= MAX_SELECT_OPTIONS:
                problems[f"{where}.options"] = "Must be between 1 and 25 in length."
            placeholder = select.get("placeholder")
            if placeholder is not None and _too_long(placeholder, MAX_PLACEHOLDER):
                problems[f"{where}.placeholder"] = "Must be 150 or fewer in length."
            low, high = select.get("min_values", 1), select.get("max_values", 1)
            if not (0 <= low <= high <= MAX_SELECT_OPTIONS and 1 <= high <= max(1, len(options))):
                problems[f"{where}.max_values"] = "Invalid min_values/max_values."
            values = [o.get("value") for o in options]
            if len(set(values)) != len(values):
                problems[f"{where}.options"] = "Option values must be unique."
            if sum(bool(o.get("default")) for o in options) > high:
                problems[f"{where}.options"] = "More defaults than max_values."
            for k, option in enumerate(options):
                for key in ("label", "value"):
                    if _too_long(option.get(key), MAX_COMPONENT_TEXT):
                        problems[f"{where}.options.{k}.{key}"] = "Must be 1 to 100 long."
                description = option.get("description")
                if description is not None and _too_long(description, MAX_COMPONENT_TEXT):
                    problems[f"{where}.options.{k}.description"] = "Must be 100 or fewer."
    return problems


def choice_problems(data: dict[str, Any]) -> dict[str, str]:
    """Discord's checks on an autocomplete answer (callback type 8)."""
    problems: dict[str, str] = {}
    choices = data.get("choices")
    if not isinstance(choices, list) or len(choices) > MAX_CHOICES:
        problems["data.choices"] = f"Must be {MAX_CHOICES} or fewer in length."
        return problems
    for i, choice in enumerate(choices):
        if _too_long(choice.get("name"), MAX_COMPONENT_TEXT):
            problems[f"data.choices.{i}.name"] = "Must be between 1 and 100 in length."
        value = choice.get("value")
        if isinstance(value, str) and len(value) > MAX_COMPONENT_TEXT:
            problems[f"data.choices.{i}.value"] = "Must be 100 or fewer in length."
    return problems


class FakeDiscord:
    """Fake REST + gateway. Use ``async with FakeDiscord() as fake``."""

    def __init__(self, *, token: str = "fake-bot-token.abc.def") -> None:
        self.token = token
        self.requests: list[Recorded] = []
        self.failures: list[Failure] = []
        self.messages: dict[str, list[dict[str, Any]]] = {}  # channel id -> created messages
        self.webhook_messages: list[dict[str, Any]] = []  # executed webhooks (delivery mode)
        self.webhook_posts: dict[str, dict[str, Any]] = {}  # message id -> as created/edited
        # Accepted message edits: {"channel_id", "message_id", "via": "bot"|webhook id, "body"}
        self.edits: list[dict[str, Any]] = []
        self.interaction_callbacks: dict[str, list[dict[str, Any]]] = {}  # interaction id -> bodies
        self.followups: dict[str, list[dict[str, Any]]] = {}  # interaction token -> messages
        self.original_edits: dict[str, list[dict[str, Any]]] = {}  # interaction token -> edits
        self.synced_commands: list[dict[str, Any]] = []
        # Files the bot uploaded (multipart payload_json + files[n]): path, filename, content.
        self.uploads: list[dict[str, Any]] = []
        # Attachments users "uploaded" (served at /attachments/<id>/<name>), and fetches.
        self.attachments: dict[str, bytes] = {}
        self.attachment_downloads: list[str] = []
        self.identify_payloads: list[dict[str, Any]] = []
        self.gateway_frames: list[dict[str, Any]] = []  # every frame the client sent
        self.heartbeats = 0
        # Like Discord: a message created with enforce_nonce is remembered per (author,
        # nonce) for `nonce_window` seconds; the same nonce again returns that message.
        self.nonce_window = 300.0
        self._nonces: dict[tuple[str, str], tuple[float, dict[str, Any]]] = {}
        # webhook id -> its token, channel and name (as created in the channel's settings)
        self.known_webhooks: dict[str, dict[str, str]] = {
            WEBHOOK_ID: {"token": WEBHOOK_TOKEN, "channel_id": CHANNEL_ID, "name": "Tech News"}
        }
        self.bot_user = _user(BOT_USER_ID, "newsdigest", bot=True)
        self.users = {
            ADMIN_USER_ID: _user(ADMIN_USER_ID, "admin"),
            MEMBER_USER_ID: _user(MEMBER_USER_ID, "member"),
            OWNER_USER_ID: _user(OWNER_USER_ID, "owner"),
        }
        self.dm_channels: dict[str, str] = {}  # DM channel id -> the user it talks to
        self.guilds: dict[str, Guild] = {}
        self._build_world()
        self._ids = itertools.count(950000000000000000)
        self._seq = itertools.count(1)
        self._sockets: list[web.WebSocketResponse] = []
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # --- the world -------------------------------------------------------------------

    def _build_world(self) -> None:
        everyone: dict[str, Any] = {
            "id": GUILD_ID,
            "name": "@everyone",
            "permissions": str(MEMBER_PERMISSIONS),
            "position": 0,
            "color": 0,
            "hoist": False,
            "managed": False,
            "mentionable": False,
            "flags": 0,
        }
        mods = dict(
            everyone,
            id="900000000000000110",
            name="mods",
            position=1,
            permissions=str(MEMBER_PERMISSIONS | MANAGE_CHANNELS),
        )
        bot_role = dict(
            everyone,
            id="900000000000000111",
            name="newsdigest",
            position=2,
            managed=True,
            permissions=str(BOT_PERMISSIONS),
        )
        deny_send = [
            {"id": bot_role["id"], "type": 0, "allow": "0", "deny": str(SEND_MESSAGES)},
        ]
        guild = Guild(id=GUILD_ID, name="Arabic Tech", owner_id=OWNER_USER_ID)
        guild.roles = [everyone, mods, bot_role]
        for cid, name, pos, ow in (
            (CHANNEL_ID, "news", 0, []),
            (SECOND_CHANNEL_ID, "ai-news", 1, []),
            (LOCKED_CHANNEL_ID, "announcements", 2, deny_send),
        ):
            guild.channels[cid] = _text_channel(cid, GUILD_ID, name, pos, ow)
        guild.members[BOT_USER_ID] = _member(self.bot_user, [bot_role["id"]])
        guild.members[ADMIN_USER_ID] = _member(self.users[ADMIN_USER_ID], [mods["id"]])
        guild.members[MEMBER_USER_ID] = _member(self.users[MEMBER_USER_ID], [])
        other = Guild(id=OTHER_GUILD_ID, name="Elsewhere", owner_id="900000000000002999")
        other.roles = [dict(everyone, id=OTHER_GUILD_ID)]
        other.channels[OTHER_GUILD_CHANNEL_ID] = _text_channel(
            OTHER_GUILD_CHANNEL_ID, OTHER_GUILD_ID, "general", 0, []
        )
        other.members[BOT_USER_ID] = _member(self.bot_user, [])
        self.guilds = {GUILD_ID: guild, OTHER_GUILD_ID: other}

    def find_channel(self, channel_id: str) -> dict[str, Any] | None:
        for guild in self.guilds.values():
            if channel_id in guild.channels:
                return guild.channels[channel_id]
        return None

    def add_forum(
        self,
        channel_id: str = FORUM_CHANNEL_ID,
        name: str = "tech-forum",
        tags: Sequence[tuple[str, bool]] = (),
        *,
        require_tag: bool = False,
        bot_allow: int = SEND_MESSAGES_IN_THREADS,
        bot_deny: int = 0,
    ) -> dict[str, Any]:
        """A forum channel in the main guild with tags (name, moderated); the bot's role
        gets `bot_allow` / `bot_deny` there (Send Messages in Posts by default, which the
        bot role lacks server-wide). Returns the channel; its tags have ids."""
        guild = self.guilds[GUILD_ID]
        bot_role = guild.members[BOT_USER_ID]["roles"][0]
        overwrites = [{"id": bot_role, "type": 0, "allow": str(bot_allow), "deny": str(bot_deny)}]
        channel = _text_channel(channel_id, GUILD_ID, name, len(guild.channels), overwrites)
        channel.update(
            type=15,
            flags=FORUM_REQUIRE_TAG if require_tag else 0,
            available_tags=[
                {
                    "id": self.next_id(),
                    "name": tag,
                    "moderated": moderated,
                    "emoji_id": None,
                    "emoji_name": None,
                }
                for tag, moderated in tags
            ],
            default_auto_archive_duration=1440,
            default_thread_rate_limit_per_user=0,
            default_reaction_emoji=None,
            default_sort_order=None,
            default_forum_layout=0,
        )
        guild.channels[channel_id] = channel
        return channel

    def set_overwrites(self, channel_id: str, *, bot_allow: int, bot_deny: int) -> None:
        """Change what the bot's role may do in one channel (a server admin's edit)."""
        guild = self.guilds[GUILD_ID]
        bot_role = guild.members[BOT_USER_ID]["roles"][0]
        guild.channels[channel_id]["permission_overwrites"] = [
            {"id": bot_role, "type": 0, "allow": str(bot_allow), "deny": str(bot_deny)}
        ]

    def add_thread(self, parent_id: str, name: str, *, applied_tags: Sequence[str] = ()) -> str:
        """A public thread (a forum post, or a thread of a text channel); returns its id."""
        parent = self.find_channel(parent_id)
        assert parent is not None
        thread_id = self.next_id()
        self.guilds[parent["guild_id"]].channels[thread_id] = {
            "id": thread_id,
            "type": 11,
            "guild_id": parent["guild_id"],
            "parent_id": parent_id,
            "name": name,
            "owner_id": BOT_USER_ID,
            "applied_tags": list(applied_tags),
            "message_count": 0,
            "member_count": 1,
            "rate_limit_per_user": 0,
            "last_message_id": None,
            "flags": 0,
            "thread_metadata": {
                "archived": False,
                "auto_archive_duration": 1440,
                "archive_timestamp": "2026-01-01T00:00:00+00:00",
                "locked": False,
            },
            "permission_overwrites": [],
        }
        return thread_id

    def posts_in(self, forum_id: str) -> list[dict[str, Any]]:
        """The threads (posts) of a forum, oldest first."""
        return [
            c
            for g in self.guilds.values()
            for c in g.channels.values()
            if c.get("parent_id") == forum_id and c["type"] in THREAD_TYPES
        ]

    def delete_channel(self, channel_id: str) -> None:
        """The channel is gone: REST answers 404 Unknown Channel from now on."""
        for guild in self.guilds.values():
            guild.channels.pop(channel_id, None)

    def delete_webhook(self, webhook_id: str) -> None:
        """Someone deleted the webhook in the channel's settings: executing or fetching it
        answers 404 Unknown Webhook (code 10015) from now on, like Discord."""
        self.known_webhooks.pop(webhook_id, None)

    def permissions(self, guild_id: str, user_id: str, channel_id: str | None = None) -> int:
        """Discord's permission computation (base role permissions, then channel overwrites)."""
        guild = self.guilds[guild_id]
        if user_id == guild.owner_id:
            return (1 << 53) - 1
        member = guild.members.get(user_id)
        role_ids = set(member["roles"]) if member else set()
        perms = 0
        for role in guild.roles:
            if role["id"] == guild_id or role["id"] in role_ids:
                perms |= int(role["permissions"])
        if perms & ADMINISTRATOR:
            return (1 << 53) - 1
        if channel_id is None:
            return perms
        channel = guild.channels[channel_id]
        if channel["type"] in THREAD_TYPES:  # a thread has its parent's permissions
            channel = guild.channels[channel["parent_id"]]
        overwrites = channel["permission_overwrites"]
        for ow in overwrites:
            if ow["id"] == guild_id:
                perms = (perms & ~int(ow["deny"])) | int(ow["allow"])
        allow = deny = 0
        for ow in overwrites:
            if ow["type"] == 0 and ow["id"] in role_ids:
                allow |= int(ow["allow"])
                deny |= int(ow["deny"])
        perms = (perms & ~deny) | allow
        for ow in overwrites:
            if ow["type"] == 1 and ow["id"] == user_id:
                perms = (perms & ~int(ow["deny"])) | int(ow["allow"])
        return perms

    # --- failure injection -----------------------------------------------------------

    def fail(
        self,
        method: str,
        path: str,
        status: int,
        *,
        code: int | None = None,
        message: str | None = None,
        retry_after: float | None = None,
        is_global: bool = False,
        times: int = 1,
        via_header: bool = True,
        after: int = 0,
    ) -> None:
        """Make the next ``times`` matching requests fail. ``path`` is a regex on the path
        after /api/v10 (e.g. ``r"/channels/\\d+/messages"``)."""
        self.failures.append(
            Failure(
                method,
                path,
                status,
                code,
                message,
                retry_after,
                is_global,
                times,
                via_header,
                after,
            )
        )

    def _take_failure(self, method: str, path: str) -> Failure | None:
        for failure in self.failures:
            if failure.times > 0 and failure.method == method and re.fullmatch(failure.path, path):
                if failure.after > 0:
                    failure.after -= 1
                    continue
                failure.times -= 1
                return failure
        return None

    @staticmethod
    def error_response(failure: Failure) -> web.Response:
        if failure.status == 429:
            retry_after = failure.retry_after if failure.retry_after is not None else 1.0
            body: dict[str, Any] = {
                "message": "You are being rate limited.",
                "retry_after": retry_after,
                "global": failure.is_global,
                "code": 0,
            }
            headers = {
                "Retry-After": str(max(1, round(retry_after))),
                "X-RateLimit-Limit": "5",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset-After": str(retry_after),
                "X-RateLimit-Bucket": "fakebucket",
                "X-RateLimit-Scope": "global" if failure.is_global else "user",
            }
            if failure.is_global:
                headers["X-RateLimit-Global"] = "true"
            if failure.via_header:
                headers["Via"] = "1.1 google"
            return _json(body, status=429, headers=headers)
        code, message = _ERRORS.get(failure.status, (0, f"{failure.status}: error"))
        body = {
            "code": failure.code if failure.code is not None else code,
            "message": failure.message or message,
        }
        return _json(body, status=failure.status)

    # --- waiting ---------------------------------------------------------------------

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 10.0) -> Any:
        """Wait until ``predicate()`` is truthy (re-checked on every request/frame)."""

        async def _wait() -> Any:
            async with self._changed:
                while True:
                    result = predicate()
                    if result:
                        return result
                    await self._changed.wait()

        return await asyncio.wait_for(_wait(), timeout)

    # --- lifecycle -------------------------------------------------------------------

    async def __aenter__(self) -> FakeDiscord:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def start(self) -> None:
        app = web.Application(middlewares=[self._middleware])
        app.router.add_get("/gateway", self._gateway)
        app.router.add_get("/attachments/{id}/{name}", self._attachment)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    # --- REST ------------------------------------------------------------------------

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        response: web.StreamResponse = await handler(request)
        await self._notify()
        return response

    def next_id(self) -> str:
        return str(next(self._ids))

    def requests_to(self, method: str, path_regex: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == method and re.fullmatch(path_regex, r.path)]

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        body: Any = None
        if request.can_read_body:
            raw = await request.read()
            ctype = request.headers.get("Content-Type", "")
            if ctype.startswith("application/json"):
                body = json.loads(raw)
            elif ctype.startswith("multipart/"):
                body, files = _multipart(raw, ctype)
                for filename, content in files:
                    self.uploads.append({"path": path, "filename": filename, "content": content})
            else:
                body = raw.decode("utf-8", "replace")
        record = Recorded(request.method, path, dict(request.query), dict(request.headers), body)
        self.requests.append(record)
        response = await self._answer(request.method, path, request, record)
        record.status = response.status
        return response

    def _authorised(self, request: web.Request) -> bool:
        return request.headers.get("Authorization") == f"Bot {self.token}"

    async def _answer(
        self, method: str, path: str, request: web.Request, record: Recorded
    ) -> web.Response:
        failure = self._take_failure(method, path)
        if failure is not None:
            return self.error_response(failure)
        body = record.body

        # Interaction callbacks and webhooks are authorised by their token, not the bot's.
        m = re.fullmatch(r"/interactions/(\d+)/([^/]+)/callback", path)
        if m and method == "POST":
            return self._interaction_callback(m.group(1), m.group(2), body)
        m = re.fullmatch(r"/webhooks/(\d+)/([^/]+)(/messages/(@original|\d+))?", path)
        if m:
            return self._webhook(method, m.group(1), m.group(2), m.group(4), body, request)

        if not self._authorised(request):
            return _json({"message": "401: Unauthorized", "code": 0}, status=401)
        if method == "GET" and path == "/users/@me":
            return _json(self.bot_user)
        m = re.fullmatch(r"/users/(\d+)", path)
        if m and method == "GET":
            user = self.users.get(m.group(1))
            if user is None:
                return self.error_response(Failure("GET", path, 404, 10013, "Unknown User"))
            return _json(user)
        if method == "POST" and path == "/users/@me/channels":
            recipient = str(body["recipient_id"])
            if recipient not in self.users:
                return self.error_response(Failure("POST", path, 400, 50007, "Cannot DM"))
            dm_id = next((c for c, u in self.dm_channels.items() if u == recipient), None)
            if dm_id is None:
                dm_id = self.next_id()
                self.dm_channels[dm_id] = recipient
            return _json(
                {
                    "id": dm_id,
                    "type": 1,
                    "recipients": [self.users[recipient]],
                    "last_message_id": None,
                }
            )
        if method == "GET" and path == "/oauth2/applications/@me":
            return _json(self._application())
        if method == "GET" and path in ("/gateway", "/gateway/bot"):
            return _json(
                {
                    "url": self.gateway_url,
                    "shards": 1,
                    "session_start_limit": {
                        "total": 1000,
                        "remaining": 999,
                        "reset_after": 0,
                        "max_concurrency": 1,
                    },
                }
            )
        m = re.fullmatch(rf"/applications/{APP_ID}/commands", path)
        if m and method == "PUT":
            self.synced_commands = [dict(c, id=self.next_id(), application_id=APP_ID) for c in body]
            for c in self.synced_commands:
                c.setdefault("version", "1")
            return _json(self.synced_commands)
        if m and method == "GET":
            return _json(self.synced_commands)
        m = re.fullmatch(r"/channels/(\d+)", path)
        if m and method == "GET":
            channel = self.find_channel(m.group(1))
            if channel is None:
                return self.error_response(Failure("GET", path, 404))
            return _json(channel)
        m = re.fullmatch(r"/channels/(\d+)/messages", path)
        if m and method == "POST":
            return self._create_message(m.group(1), body)
        m = re.fullmatch(r"/channels/(\d+)/messages/(\d+)", path)
        if m and method == "PATCH":
            return self._edit_message(m.group(1), m.group(2), body)
        m = re.fullmatch(r"/channels/(\d+)/threads", path)
        if m and method == "POST":
            return self._create_forum_post(m.group(1), body)
        m = re.fullmatch(r"/guilds/(\d+)", path)
        if m and method == "GET":
            guild = self.guilds.get(m.group(1))
            if guild is None:
                return self.error_response(Failure("GET", path, 404, 10004, "Unknown Guild"))
            return _json(self._guild_payload(guild))
        m = re.fullmatch(r"/guilds/(\d+)/channels", path)
        if m and method == "GET":
            guild = self.guilds.get(m.group(1))
            if guild is None:
                return self.error_response(Failure("GET", path, 404, 10004, "Unknown Guild"))
            return _json(list(guild.channels.values()))
        m = re.fullmatch(r"/guilds/(\d+)/members/(\d+)", path)
        if m and method == "GET":
            guild = self.guilds.get(m.group(1))
            member = guild.members.get(m.group(2)) if guild else None
            if member is None:
                return self.error_response(Failure("GET", path, 404, 10007, "Unknown Member"))
            return _json(member)
        return _json({"message": "404: Not Found", "code": 0}, status=404)

    def _application(self) -> dict[str, Any]:
        return {
            "id": APP_ID,
            "name": "newsdigest",
            "icon": None,
            "description": "",
            "bot_public": True,
            "bot_require_code_grant": False,
            "owner": _user("900000000000001999", "owner"),
            "verify_key": "0" * 64,
            "flags": 0,
            "interactions_endpoint_url": None,
            "summary": "",
            "team": None,
        }

    def _guild_payload(self, guild: Guild, *, full: bool = False) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "id": guild.id,
            "name": guild.name,
            "owner_id": guild.owner_id,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "roles": guild.roles,
            "emojis": [],
            "features": [],
            "mfa_level": 0,
            "system_channel_id": guild.system_channel_id,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "vanity_url_code": None,
            "description": None,
            "banner": None,
            "premium_tier": 0,
            "preferred_locale": "en-US",
            "public_updates_channel_id": None,
            "nsfw_level": 0,
            "stickers": [],
            "premium_progress_bar_enabled": False,
        }
        if full:
            payload.update(
                {
                    "channels": list(guild.channels.values()),
                    "threads": [],
                    # Without the privileged members intent only the bot itself is sent.
                    "members": [guild.members[BOT_USER_ID]],
                    "member_count": len(guild.members),
                    "voice_states": [],
                    "presences": [],
                    "joined_at": "2025-01-01T00:00:00+00:00",
                    "large": False,
                    "unavailable": False,
                    "stage_instances": [],
                    "guild_scheduled_events": [],
                }
            )
        return payload

    def _message(
        self, channel_id: str, body: dict[str, Any], author: dict[str, Any]
    ) -> dict[str, Any]:
        return {
            "id": self.next_id(),
            "channel_id": channel_id,
            "author": author,
            "content": body.get("content") or "",
            "timestamp": "2026-01-01T00:00:00+00:00",
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": body.get("embeds") or [],
            "pinned": False,
            "type": 0,
            "flags": body.get("flags") or 0,
        }

    def _validation_error(self, problems: dict[str, str]) -> web.Response:
        errors: dict[str, Any] = {}
        for path, reason in problems.items():
            node = errors
            for part in path.split("."):
                node = node.setdefault(part, {})
            node["_errors"] = [{"code": "BASE_TYPE_BAD_LENGTH", "message": reason}]
        return _json({"code": 50035, "message": "Invalid Form Body", "errors": errors}, status=400)

    def _create_message(self, channel_id: str, body: dict[str, Any]) -> web.Response:
        if channel_id in self.dm_channels:
            problems = embed_problems(body)
            if problems:
                return self._validation_error(problems)
            message = self._message(channel_id, body, self.bot_user)
            self.messages.setdefault(channel_id, []).append(message)
            return _json(message)
        channel = self.find_channel(channel_id)
        if channel is None:
            return self.error_response(Failure("POST", "", 404))
        perms = self.permissions(channel["guild_id"], BOT_USER_ID, channel_id)
        if not perms & VIEW_CHANNEL:
            return self.error_response(Failure("POST", "", 403, 50001, "Missing Access"))
        needed = SEND_MESSAGES_IN_THREADS if channel["type"] in THREAD_TYPES else SEND_MESSAGES
        if not perms & needed or channel["type"] == 15:  # a forum takes posts only
            return self.error_response(Failure("POST", "", 403, 50013, "Missing Permissions"))
        problems = embed_problems(body)
        if problems:
            return self._validation_error(problems)
        existing = self._same_nonce(body)
        if existing is not None:
            return _json(existing)
        message = self._message(channel_id, body, self.bot_user)
        self.messages.setdefault(channel_id, []).append(message)
        self._remember_nonce(body, message)
        return _json(message)

    def _edit_message(self, channel_id: str, message_id: str, body: dict[str, Any]) -> web.Response:
        """Like Discord: 404 Unknown Message (10008) for a message not in the channel,
        403 (50005) for one another author (a webhook, a user) wrote; the same limits
        as a new message."""
        message = next(
            (m for m in self.messages.get(channel_id, []) if m["id"] == message_id), None
        )
        if message is None:
            webhook_post = self.webhook_posts.get(message_id)
            if webhook_post is not None and webhook_post["channel_id"] == channel_id:
                return self.error_response(
                    Failure(
                        "PATCH", "", 403, 50005, "Cannot edit a message authored by another user"
                    )
                )
            return self.error_response(Failure("PATCH", "", 404, 10008, "Unknown Message"))
        merged = {**message, **{k: v for k, v in body.items() if k in ("content", "embeds")}}
        problems = embed_problems(merged)
        if problems:
            return self._validation_error(problems)
        message.update(content=merged.get("content") or "", embeds=merged.get("embeds") or [])
        message["edited_timestamp"] = "2026-01-01T00:01:00+00:00"
        self.edits.append(
            {"channel_id": channel_id, "message_id": message_id, "via": "bot", "body": body}
        )
        return _json(message)

    def _create_forum_post(self, channel_id: str, body: dict[str, Any]) -> web.Response:
        """POST /channels/{forum}/threads: a post (thread) with its starter message."""
        forum = self.find_channel(channel_id)
        if forum is None:
            return self.error_response(Failure("POST", "", 404))
        if forum["type"] != 15:
            return self.error_response(
                Failure("POST", "", 400, 50024, "Cannot execute action on this channel type")
            )
        perms = self.permissions(forum["guild_id"], BOT_USER_ID, channel_id)
        if not perms & VIEW_CHANNEL:
            return self.error_response(Failure("POST", "", 403, 50001, "Missing Access"))
        if not perms & SEND_MESSAGES:  # "Create Posts"
            return self.error_response(Failure("POST", "", 403, 50013, "Missing Permissions"))
        name = body.get("name") or ""
        message = body.get("message") or {}
        problems = {f"message.{k}": v for k, v in embed_problems(message).items()}
        if not 1 <= len(name) <= MAX_THREAD_NAME:
            problems["name"] = f"Must be between 1 and {MAX_THREAD_NAME} in length."
        tags = [str(t) for t in body.get("applied_tags") or []]
        known = {t["id"]: t for t in forum.get("available_tags") or []}
        if len(tags) > MAX_APPLIED_TAGS or any(t not in known for t in tags):
            problems["applied_tags"] = "Invalid tags."
        if problems:
            return self._validation_error(problems)
        if any(known[t]["moderated"] for t in tags) and not perms & MANAGE_THREADS:
            return self.error_response(Failure("POST", "", 403, 50013, "Missing Permissions"))
        if not tags and forum.get("flags", 0) & FORUM_REQUIRE_TAG:
            return self.error_response(
                Failure(
                    "POST",
                    "",
                    400,
                    40067,
                    "A tag is required to create a forum post in this channel",
                )
            )
        thread_id = self.add_thread(channel_id, name, applied_tags=tags)
        thread = self.find_channel(thread_id)
        assert thread is not None
        starter = self._message(thread_id, message, self.bot_user)
        starter["id"] = thread_id  # as Discord: a post's starter message has the post's id
        self.messages.setdefault(thread_id, []).append(starter)
        thread["message_count"] = 1
        return _json({**thread, "message": starter})

    def _same_nonce(self, body: dict[str, Any]) -> dict[str, Any] | None:
        """The message created before with this nonce (enforce_nonce, same author, within
        the window), which Discord returns instead of creating a second one."""
        nonce = body.get("nonce")
        if not body.get("enforce_nonce") or nonce is None:
            return None
        seen = self._nonces.get((self.bot_user["id"], str(nonce)))
        if seen is None or time.monotonic() - seen[0] > self.nonce_window:
            return None
        return seen[1]

    def _remember_nonce(self, body: dict[str, Any], message: dict[str, Any]) -> None:
        nonce = body.get("nonce")
        if body.get("enforce_nonce") and nonce is not None:
            message["nonce"] = str(nonce)
            self._nonces[(self.bot_user["id"], str(nonce))] = (time.monotonic(), message)

    def _interaction_callback(self, interaction_id: str, token: str, body: Any) -> web.Response:
        data = body.get("data") or {}
        problems: dict[str, str] = {}
        if body.get("type") == 4:
            problems = embed_problems(data)
        if body.get("type") in (4, 7):
            problems.update(component_problems(data))
        if body.get("type") == 8:
            problems = choice_problems(data)
        if problems:
            return self._validation_error(problems)
        self.interaction_callbacks.setdefault(interaction_id, []).append(body)
        message_id = self.next_id()
        response: dict[str, Any] = {
            "interaction": {
                "id": interaction_id,
                "type": 2,
                "response_message_id": message_id,
                "response_message_loading": body.get("type") == 5,
                "response_message_ephemeral": bool((data.get("flags") or 0) & 64),
            },
        }
        if body.get("type") in (4, 5):
            msg = self._message(CHANNEL_ID, data, self.bot_user)
            msg["id"] = message_id
            response["resource"] = {"type": body["type"], "message": msg}
        return _json(response)

    def _webhook(
        self,
        method: str,
        webhook_id: str,
        token: str,
        message_ref: str | None,
        body: Any,
        request: web.Request,
    ) -> web.Response:
        is_interaction = webhook_id == APP_ID
        known = self.known_webhooks.get(webhook_id)
        if not is_interaction and (known is None or known["token"] != token):
            return self.error_response(Failure(method, "", 404, 10015, "Unknown Webhook"))
        if method in ("POST", "PATCH"):
            problems = embed_problems(body or {})
            problems.update(component_problems(body or {}))
            username = (body or {}).get("username") or ""
            if re.search("discord|clyde", username, re.IGNORECASE) or len(username) > 80:
                problems["username"] = "Username cannot contain 'discord' or 'clyde'"
            if problems:
                return self._validation_error(problems)
        author = dict(self.bot_user)
        if not is_interaction:
            author = _user(webhook_id, (body or {}).get("username") or "Captain Hook", bot=True)
        if method == "POST" and message_ref is None:
            channel_id = known["channel_id"] if known is not None else CHANNEL_ID
            message = self._message(channel_id, body, author)
            message["webhook_id"] = webhook_id
            if not is_interaction:
                self.webhook_posts[message["id"]] = message
            if is_interaction:
                self.followups.setdefault(token, []).append(body)
            else:
                self.webhook_messages.append(dict(body, _query=dict(request.query)))
            if request.query.get("wait") in ("true", "1", "True"):
                return _json(message)
            return web.Response(status=204)
        if method == "PATCH" and message_ref is not None:
            if is_interaction:
                self.original_edits.setdefault(token, []).append(body)
                message = self._message(CHANNEL_ID, body, author)
                return _json(message)
            # A webhook edits only the messages it posted itself.
            posted = self.webhook_posts.get(message_ref)
            if posted is None or posted.get("webhook_id") != webhook_id:
                return self.error_response(Failure(method, "", 404, 10008, "Unknown Message"))
            posted.update(
                {k: v for k, v in (body or {}).items() if k in ("content", "embeds")},
                edited_timestamp="2026-01-01T00:01:00+00:00",
            )
            self.edits.append(
                {
                    "channel_id": posted["channel_id"],
                    "message_id": message_ref,
                    "via": webhook_id,
                    "body": body,
                }
            )
            return _json(posted)
        if method == "GET" and known is not None:
            channel = self.find_channel(known["channel_id"]) or {}
            return _json(
                {
                    "id": webhook_id,
                    "type": 1,
                    "token": token,
                    "name": known["name"],
                    "avatar": None,
                    "channel_id": known["channel_id"],
                    "guild_id": channel.get("guild_id"),
                    "application_id": None,
                }
            )
        return web.Response(status=204)

    # --- gateway ---------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets.append(ws)
        await ws.send_json({"op": 10, "d": {"heartbeat_interval": 41250}, "s": None, "t": None})
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                frame = json.loads(msg.data)
                self.gateway_frames.append(frame)
                await self._on_frame(ws, frame)
                await self._notify()
        finally:
            self._sockets.remove(ws)
        return ws

    async def _dispatch(self, ws: web.WebSocketResponse, event: str, data: Any) -> None:
        await ws.send_json({"op": 0, "t": event, "s": next(self._seq), "d": data})

    async def _on_frame(self, ws: web.WebSocketResponse, frame: dict[str, Any]) -> None:
        op = frame.get("op")
        if op == 1:
            self.heartbeats += 1
            await ws.send_json({"op": 11, "d": None, "s": None, "t": None})
        elif op == 2:
            self.identify_payloads.append(frame["d"])
            if frame["d"].get("token") != self.token:
                await ws.close(code=4004, message=b"Authentication failed.")
                return
            await self._dispatch(
                ws,
                "READY",
                {
                    "v": 10,
                    "user": self.bot_user,
                    "guilds": [{"id": gid, "unavailable": True} for gid in self.guilds],
                    "session_id": "fake-session",
                    "resume_gateway_url": self.gateway_url,
                    "shard": [0, 1],
                    "application": {"id": APP_ID, "flags": 0},
                    "private_channels": [],
                    "relationships": [],
                },
            )
            for guild in self.guilds.values():
                await self._dispatch(ws, "GUILD_CREATE", self._guild_payload(guild, full=True))
        elif op == 6:
            await self._dispatch(ws, "RESUMED", {})

    @property
    def connected(self) -> int:
        """How many gateway websockets are open."""
        return len(self._sockets)

    async def drop_connections(self, code: int = 4000) -> None:
        """Close every gateway socket as Discord does on a server restart; discord.py
        should reconnect and RESUME."""
        for ws in list(self._sockets):
            await ws.close(code=code, message=b"Unknown error")

    async def wait_until_identified(self, timeout: float = 10.0) -> None:
        await self.wait_for(lambda: self.identify_payloads and self._sockets, timeout)

    # --- interactions ----------------------------------------------------------------

    def interaction_payload(
        self,
        command: str,
        options: dict[str, Any] | None = None,
        *,
        user_id: str = MEMBER_USER_ID,
        channel_id: str = CHANNEL_ID,
        guild_id: str | None = GUILD_ID,
        locale: str = "en-US",
        group: str = "news",
    ) -> dict[str, Any]:
        """A slash-command INTERACTION_CREATE payload for ``/news <command> [options]``.

        Channel options (values naming a known channel id) get ``resolved.channels``;
        ``member.permissions`` and ``app_permissions`` are computed from the fake guild.
        """
        interaction_id = self.next_id()
        sub_options: list[dict[str, Any]] = []
        resolved_channels: dict[str, Any] = {}
        for name, value in (options or {}).items():
            # (A string option that only holds a channel id, like /news owner quota's
            # channel_id, stays a string.)
            if name != "channel_id" and isinstance(value, str) and self.find_channel(value):
                channel = self.find_channel(value)
                assert channel is not None
                sub_options.append({"name": name, "type": 7, "value": value})
                perms = self.permissions(channel["guild_id"], user_id, value)
                resolved_channels[value] = {
                    "id": value,
                    "name": channel["name"],
                    "type": channel["type"],
                    "permissions": str(perms),
                    "guild_id": channel["guild_id"],
                }
                if channel["type"] in THREAD_TYPES:
                    # As Discord resolves a thread option (discord.py's AppCommandThread
                    # reads these).
                    resolved_channels[value].update(
                        {
                            key: channel[key]
                            for key in (
                                "parent_id",
                                "owner_id",
                                "member_count",
                                "message_count",
                                "thread_metadata",
                            )
                        }
                    )
            elif isinstance(value, bool):
                sub_options.append({"name": name, "type": 5, "value": value})
            elif isinstance(value, int):
                sub_options.append({"name": name, "type": 4, "value": value})
            else:
                sub_options.append({"name": name, "type": 3, "value": value})
        data: dict[str, Any] = {
            "id": "900000000000005000",
            "name": group,
            "type": 1,
            "options": [{"name": command, "type": 1, "options": sub_options}],
        }
        if resolved_channels:
            data["resolved"] = {"channels": resolved_channels}
        user = self.users.get(user_id, _user(user_id, "someone"))
        payload: dict[str, Any] = {
            "id": interaction_id,
            "application_id": APP_ID,
            "type": 2,
            "token": f"itoken-{interaction_id}",
            "version": 1,
            "data": data,
            "locale": locale,
            "attachment_size_limit": 8 * 1024 * 1024,
            "entitlements": [],
            "authorizing_integration_owners": {"0": guild_id or "0"},
            "context": 0 if guild_id else 1,
        }
        if guild_id is not None:
            guild = self.guilds[guild_id]
            channel = guild.channels[channel_id]
            member = dict(guild.members.get(user_id) or _member(user, []))
            member["permissions"] = str(self.permissions(guild_id, user_id, channel_id))
            payload.update(
                guild_id=guild_id,
                guild_locale="en-US",
                channel_id=channel_id,
                channel=dict(channel),
                member=member,
                app_permissions=str(self.permissions(guild_id, BOT_USER_ID, channel_id)),
                guild={"id": guild_id, "locale": "en-US", "features": []},
            )
        else:
            payload.update(
                channel_id=channel_id,
                channel={"id": channel_id, "type": 1, "recipients": [user]},
                user=user,
                app_permissions=str(BOT_PERMISSIONS),
            )
        return payload

    def autocomplete_payload(
        self, command: str, options: dict[str, Any], focused: str, **kw: Any
    ) -> dict[str, Any]:
        """An autocomplete interaction (type 4): the user is typing option `focused` of
        ``/news <command>``; Discord sends the options typed so far, the focused one
        marked."""
        payload = self.interaction_payload(command, options, **kw)
        payload["type"] = 4
        for option in payload["data"]["options"][0]["options"]:
            if option["name"] == focused:
                option["focused"] = True
        return payload

    def component_payload(
        self,
        custom_id: str,
        values: list[str],
        message: dict[str, Any],
        *,
        user_id: str = MEMBER_USER_ID,
        channel_id: str = CHANNEL_ID,
        guild_id: str | None = GUILD_ID,
        locale: str = "en-US",
    ) -> dict[str, Any]:
        """A select-menu interaction (type 3): `values` chosen in the menu `custom_id`
        of the bot's `message` (its JSON as the bot sent it, with components)."""
        payload = self.interaction_payload(
            "topics", None, user_id=user_id, channel_id=channel_id, guild_id=guild_id, locale=locale
        )
        payload["type"] = 3
        payload["data"] = {"custom_id": custom_id, "component_type": 3, "values": values}
        payload["message"] = message
        return payload

    def message_json(self, data: dict[str, Any], channel_id: str = CHANNEL_ID) -> dict[str, Any]:
        """The bot's message showing `data` (an interaction answer's content and
        components), as Discord sends it back with a component interaction."""
        message = self._message(channel_id, data, self.bot_user)
        message["components"] = data.get("components") or []
        return message

    async def inject_interaction(self, payload: dict[str, Any]) -> str:
        """Send INTERACTION_CREATE on every open gateway socket; returns the interaction id."""
        for ws in list(self._sockets):
            await self._dispatch(ws, "INTERACTION_CREATE", payload)
        return str(payload["id"])

    def attachment_option(
        self,
        payload: dict[str, Any],
        name: str,
        filename: str,
        content: bytes,
        *,
        size: int | None = None,
    ) -> dict[str, Any]:
        """Add an attachment option `name` to an interaction payload (type 11, with its
        ``resolved.attachments`` entry) served by this fake at its URL; `size` is the
        size Discord announces (default: the real one)."""
        attachment_id = self.next_id()
        self.attachments[attachment_id] = content
        url = f"http://127.0.0.1:{self.port}/attachments/{attachment_id}/{filename}"
        data = payload["data"]
        inner = data["options"][0]
        while inner.get("options") and inner["options"][0].get("type") in (1, 2):
            inner = inner["options"][0]
        inner.setdefault("options", []).append({"name": name, "type": 11, "value": attachment_id})
        data.setdefault("resolved", {}).setdefault("attachments", {})[attachment_id] = {
            "id": attachment_id,
            "filename": filename,
            "size": len(content) if size is None else size,
            "url": url,
            "proxy_url": url,
            "content_type": "application/xml",
        }
        return payload

    async def _attachment(self, request: web.Request) -> web.Response:
        content = self.attachments.get(request.match_info["id"])
        if content is None:
            return web.Response(status=404)
        self.attachment_downloads.append(request.match_info["id"])
        return web.Response(body=content, content_type="application/octet-stream")

    async def wait_for_response(self, interaction_id: str, timeout: float = 10.0) -> dict[str, Any]:
        """The first callback body the client posted for this interaction."""
        bodies = await self.wait_for(
            lambda: self.interaction_callbacks.get(interaction_id), timeout
        )
        first: dict[str, Any] = bodies[0]
        return first

    async def interaction_answers(
        self, interaction_id: str, timeout: float = 10.0
    ) -> list[dict[str, Any]]:
        """What the user sees of an interaction: the first callback's data, or when it
        deferred ("thinking…", type 5) the first edit of that answer and the follow-ups
        (an ephemeral deferred answer comes as a follow-up). `timeout` is for the first
        callback; a deferred answer may take up to 60 seconds."""
        first = await self.wait_for_response(interaction_id, timeout)
        if first["type"] != 5:
            return [first["data"]]
        token = f"itoken-{interaction_id}"
        await self.wait_for(
            lambda: self.original_edits.get(token) or self.followups.get(token), timeout=60
        )
        return [*self.original_edits.get(token, [])[:1], *self.followups.get(token, [])]
