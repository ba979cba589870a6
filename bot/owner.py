"""The bot owner's commands (issue #16 point 3): whoever runs the bot lists their user
ids in NEWSDIGEST_OWNER_IDS (Telegram and/or Discord user ids, comma separated; an
entry "telegram:123" or "discord:456" counts on that platform only). Owners may use
`/stats` and `/feeds disable|enable <url>`; for everyone else these do not exist (the
answer is the unknown-command one, so the commands are not advertised).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from bot.i18n import count_phrase, t
from bot.reply_text import echo, reason_text
from digest.chat_feed_storage import OWNER_DISABLED
from digest.errors import NotFoundError
from digest.models import ChatKind, ChatRef, Platform
from digest.ports import Storage
from digest.stories import source_name

OWNER_COMMANDS = frozenset({"stats"})


def parse_owner_ids(raw: str) -> frozenset[str]:
    """NEWSDIGEST_OWNER_IDS as a set of "id" or "platform:id" entries. Raises ValueError
    naming a bad entry."""
    found = set()
    for entry in raw.replace(",", " ").split():
        platform, sep, user = entry.partition(":")
        if not sep:
            platform, user = "", entry
        if platform not in ("", "telegram", "discord") or not user.lstrip("-").isdigit():
            raise ValueError(f"not a user id: {entry[:40]!r}")
        found.add(f"{platform}:{user}" if platform else user)
    return frozenset(found)


def is_owner(owner_ids: Iterable[str], platform: Platform, user_id: str) -> bool:
    """Whether the user (a platform user id) is one of the bot's owners."""
    ids = frozenset(owner_ids)
    return bool(user_id) and (user_id in ids or f"{platform.value}:{user_id}" in ids)


def telegram_owner_chats(owner_ids: Iterable[str]) -> list[ChatRef]:
    """The owners the bot can write to first: Telegram users (plain or "telegram:"
    ids), whose private chat with the bot has their user id. (Discord: see
    `discord_owner_users`.)"""
    chats = []
    for entry in sorted(owner_ids):
        platform, sep, user = entry.partition(":")
        if not sep:
            platform, user = "telegram", entry
        if platform == "telegram" and not user.startswith("-"):
            chats.append(ChatRef(Platform.TELEGRAM, user, ChatKind.PRIVATE))
    return chats


def discord_owner_users(owner_ids: Iterable[str]) -> list[ChatRef]:
    """The owners on Discord, as private chats whose id is the user id (told by DM):
    "discord:" entries, and plain ids of 17 or more digits (Discord ids are snowflakes
    of 17-20 digits; Telegram user ids are far shorter)."""
    users = []
    for entry in sorted(owner_ids):
        platform, sep, user = entry.partition(":")
        if not sep:
            platform, user = ("discord" if len(entry) >= 17 else ""), entry
        if platform == "discord" and user.isdigit():
            users.append(ChatRef(Platform.DISCORD, user, ChatKind.PRIVATE))
    return users


def owner_chats(owner_ids: Iterable[str], platforms: Iterable[Platform]) -> list[ChatRef]:
    """Where the owners are told about the operator's feeds that stop: their Telegram
    private chats and Discord DMs, on the platforms that run."""
    running = set(platforms)
    chats = []
    if Platform.TELEGRAM in running:
        chats += telegram_owner_chats(owner_ids)
    if Platform.DISCORD in running:
        chats += discord_owner_users(owner_ids)
    return chats


def stats_lines(storage: Storage, now: datetime, lang: str, *, failing_max: int = 10) -> list[str]:
    """The owner's /stats: chats, feeds (the operator's and the chats' own), stories
    sent in the last 24 hours, and the feeds failing now."""
    chats = storage.get_chats(include_paused=True)
    paused = sum(1 for c in chats if c.paused_reason is not None)
    by_platform = {p: sum(1 for c in chats if c.chat.platform is p) for p in Platform}
    feeds = storage.get_feeds()
    public = [f for f in feeds if f.public]
    own = [f for f in feeds if not f.public]
    failing = sorted(
        (f for f in feeds if f.enabled and f.error_count > 0), key=lambda f: -f.error_count
    )
    lines = [
        t(
            "stats_chats",
            lang,
            count=len(chats),
            telegram=by_platform[Platform.TELEGRAM],
            discord=by_platform[Platform.DISCORD],
            paused=paused,
        ),
        t(
            "stats_feeds",
            lang,
            public=sum(1 for f in public if f.enabled),
            own=sum(1 for f in own if f.enabled),
            disabled=sum(1 for f in feeds if not f.enabled),
            failing=len(failing),
        ),
        t("stats_sent", lang, count=storage.count_sent(now - timedelta(hours=24))),
    ]
    for feed in failing[:failing_max]:
        lines.append(
            t(
                "health_failing_line",
                lang,
                name=f"{source_name(feed, feed.url)} — {feed.url}",
                error=reason_text(feed.last_error, lang),
                count=count_phrase(feed.error_count, "failures", lang),
            )
        )
    return lines


def switch_feed(storage: Storage, action: str, url: str, lang: str) -> str:
    """`/feeds disable|enable <url>`: the answer text. Raises ValueError for another
    action."""
    try:
        if action == "disable":
            storage.disable_feed(url, OWNER_DISABLED)
            return t("feed_owner_disabled", lang, url=echo(url))
        if action == "enable":
            storage.enable_feed(url)
            return t("feed_owner_enabled", lang, url=echo(url))
    except NotFoundError:
        return t("feed_unknown", lang, url=echo(url))
    raise ValueError(action)
