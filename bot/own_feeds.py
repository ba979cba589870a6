"""Sources a chat adds itself (issue #16): /addfeed, /removefeed, /myfeeds on Telegram,
/news feed add|remove|list on Discord. bot.commands resolves the target chat and checks
that the user may change it (admins only in groups and channels), then calls
`OwnFeeds`.

Adding: the link may be a feed or a web page (digest.discover finds the feed). It is
fetched once, through the fetcher for chat users' URLs (the strict address policy on
every hop), and that fetch is also the feed's first poll (`Pipeline.adopt`): its items
are remembered as seen, and from then on every new item goes to the chat with its
schedule (bot.delivery). The answer shows the feed's title and its three newest items
summarised, or why it could not be added, in the chat's language.

Limits: `max_per_chat` own feeds per chat; `max_total` feeds only chats added, over
all chats (each one is polled at the poll interval like any feed).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from bot.chat import Reply
from bot.command_args import western_digits
from bot.i18n import count_phrase, rtl_safe, t
from bot.reply_text import echo, reason_text
from digest.clock import Clock
from digest.discover import DiscoveredFeed, NotAFeedError, discover_feed, normalize_url
from digest.errors import (
    BlockedAddressError,
    DeliveryError,
    FeedGoneError,
    FeedNotFoundError,
    FetchError,
    NewsdigestError,
    NotFoundError,
)
from digest.models import ChatFeed, ChatRef, Feed, FetchResult, ParsedFeed, Platform, Story
from digest.pipeline import FeedOutcome, FeedReport
from digest.ports import Fetcher, Storage
from digest.stories import source_name

log = logging.getLogger(__name__)


class FeedReader(Protocol):
    """What adding a feed needs from digest.pipeline.Pipeline."""

    async def adopt(self, feed: Feed, result: FetchResult) -> object:
        """Store a first fetch made here, so that the poll does not repeat it."""
        ...

    async def preview(self, parsed: ParsedFeed, count: int = 3) -> list[Story]:
        """The newest items of a feed, summarised, not stored."""
        ...


@dataclass(frozen=True)
class OwnFeedLimits:
    enabled: bool = True
    max_per_chat: int = 20
    max_total: int = 2000
    discovery_timeout_seconds: float = 60.0
    preview_items: int = 3
    cooldown_seconds: float = 10.0  # between two /addfeed of one user (each fetches)
    list_max: int = 50  # lines of /myfeeds (max_per_chat is usually lower)


class OwnFeeds:
    """The chat-feed commands, after bot.commands checked who may use them."""

    def __init__(
        self,
        storage: Storage,
        fetcher: Fetcher,
        reader: FeedReader,
        clock: Clock,
        limits: OwnFeedLimits | None = None,
    ) -> None:
        self._storage = storage
        self._fetcher = fetcher
        self._reader = reader
        self._clock = clock
        self._limits = limits or OwnFeedLimits()
        self._last_add: dict[tuple[str, str], datetime] = {}

    @property
    def limits(self) -> OwnFeedLimits:
        return self._limits

    async def _fetch(self, url: str) -> FetchResult:
        return await self._fetcher.fetch(url, etag=None, last_modified=None)

    @staticmethod
    def _text(text: str, lang: str, *, ephemeral: bool = False) -> Reply:
        return Reply(text=rtl_safe(text, lang), language=lang, ephemeral=ephemeral)

    async def add(
        self, chat: ChatRef, url: str, *, user_id: str, lang: str, p: str, target: str = ""
    ) -> Reply:
        """Find, read and add the feed at `url` for `chat`. `target` names a managed
        chat in the reply (" for @channel"), empty for the chat itself."""
        if not self._limits.enabled:
            return self._text(t("own_feeds_off", lang), lang, ephemeral=True)
        wait = self._cooldown(chat, user_id)
        if wait:
            seconds = count_phrase(wait, "seconds", lang)
            return self._text(t("feed_cooldown", lang, seconds=seconds), lang, ephemeral=True)
        current = self._storage.get_chat_feeds(chat)
        quota = self.quota(chat)
        if len(current) >= quota and not _names_one_of(url, current):
            text = t("feed_quota", lang, limit=quota, p=p)
            return self._text(text, lang, ephemeral=True)
        try:
            found = await discover_feed(
                url, self._fetch, deadline=self._limits.discovery_timeout_seconds
            )
        except NewsdigestError as error:
            return self._text(self._refusal(error, lang), lang, ephemeral=True)
        feed_url = normalize_url(found.url)
        title = found.parsed.title or source_name(None, feed_url)
        known = self._known_feed(feed_url)
        if any(c.feed_url == feed_url for c in current) and (known is None or known.enabled):
            return self._text(t("feed_already", lang, title=echo(title), target=target), lang)
        # (A stopped feed of the chat that reads again is added anew: re-enabled.)
        # Feeds only chats added that are polled (one nobody follows any more is not).
        polled = [f for f in self._storage.get_feeds(enabled=True) if not f.public]
        if known is None and len(polled) >= self._limits.max_total:
            return self._text(t("feed_total_quota", lang), lang, ephemeral=True)
        self._storage.add_chat_feed(
            chat,
            feed_url,
            title=title,
            language=(found.parsed.language or "ar")[:2],
            at=self._clock.now(),
            added_by=user_id,
        )
        if known is None or known.last_success_at is None:
            await self._adopt(feed_url, found)
        stories = tuple(await self._reader.preview(found.parsed, self._limits.preview_items))
        key = "feed_added" if stories else "feed_added_empty"
        header = rtl_safe(t(key, lang, title=echo(title), target=target), lang)
        return Reply(stories=stories, header=header, language=lang)

    def quota(self, chat: ChatRef) -> int:
        """How many own feeds the chat may follow: the owner's setting, else the default."""
        owner_set = self._storage.get_chat_feed_quota(chat)
        return self._limits.max_per_chat if owner_set is None else owner_set

    def _cooldown(self, chat: ChatRef, user_id: str) -> int:
        """Whole seconds this user must still wait before adding again (0: go ahead);
        records the attempt otherwise. Each /addfeed fetches up to seven URLs."""
        now = self._clock.now()
        key = (chat.platform.value, user_id)
        cooldown = self._limits.cooldown_seconds
        last = self._last_add.get(key)
        if last is not None and (now - last).total_seconds() < cooldown:
            return max(1, math.ceil(cooldown - (now - last).total_seconds()))
        self._last_add[key] = now
        if len(self._last_add) > 1000:
            horizon = now - timedelta(seconds=cooldown)
            for old in [k for k, at in self._last_add.items() if at < horizon]:
                del self._last_add[old]
        return 0

    def _known_feed(self, url: str) -> Feed | None:
        try:
            return self._storage.get_feed(url)
        except NotFoundError:
            return None

    async def _adopt(self, feed_url: str, found: DiscoveredFeed) -> None:
        """The fetch just made is the feed's first poll (not fetched again)."""
        try:
            await self._reader.adopt(self._storage.get_feed(feed_url), found.result)
        except NewsdigestError:
            # The feed is added either way; the next poll reads it.
            log.exception("could not store the first fetch of %s", feed_url)

    @staticmethod
    def _refusal(error: NewsdigestError, lang: str) -> str:
        """Why a link could not be added, worded for the chat."""
        if isinstance(error, BlockedAddressError):
            return t("feed_blocked", lang)
        if isinstance(error, FeedNotFoundError):
            return t("feed_not_found", lang)
        if isinstance(error, FeedGoneError):
            return t("feed_gone", lang)
        if isinstance(error, NotAFeedError):
            return t("feed_not_a_feed", lang)
        if isinstance(error, FetchError) and error.status == 404:
            return t("feed_not_found", lang)
        reason = getattr(error, "reason", None) or str(error)
        return t("feed_fetch_failed", lang, reason=reason_text(reason, lang))

    def remove(self, chat: ChatRef, which: str, *, lang: str, p: str, target: str = "") -> Reply:
        """Remove one of the chat's feeds, named by its link or its /myfeeds number."""
        current = self._storage.get_chat_feeds(chat)
        chosen = pick_feed(current, which)
        if chosen is None or not self._storage.remove_chat_feed(chat, chosen.feed_url):
            text = t("feed_not_followed", lang, what=echo(which), p=p)
            return self._text(text, lang, ephemeral=True)
        title = chosen.title or source_name(None, chosen.feed_url)
        return self._text(t("feed_removed", lang, title=echo(title), target=target), lang)

    def listing(self, chat: ChatRef, *, lang: str, p: str, target: str = "") -> Reply:
        """The chat's own feeds, numbered (the numbers /removefeed takes)."""
        current = self._storage.get_chat_feeds(chat)
        if not current:
            return self._text(t("myfeeds_none", lang, p=p), lang)
        header = t(
            "myfeeds_header",
            lang,
            target=target,
            count=len(current),
            limit=self.quota(chat),
        )
        lines = [header]
        for number, chat_feed in enumerate(current[: self._limits.list_max], start=1):
            feed = self._known_feed(chat_feed.feed_url)
            title = chat_feed.title or source_name(feed, chat_feed.feed_url)
            line = f"{number}. {echo(title)} — {chat_feed.feed_url}"
            if feed is not None and not feed.enabled:
                reason = reason_text(feed.disabled_reason, lang)
                line += f" ({t('myfeeds_stopped', lang, reason=reason)})"
            lines.append(line)
        return self._text("\n".join(lines), lang)


def _names_one_of(url: str, feeds: list[ChatFeed]) -> bool:
    """Whether `url` is (as typed) one of the chat's feeds: adding it again is not one
    more feed, so the quota does not refuse it."""
    return pick_feed(feeds, url) is not None and not url.strip().isdigit()


def pick_feed(feeds: list[ChatFeed], which: str) -> ChatFeed | None:
    """The feed `which` names: its number in the list (1-based), or its link as stored
    or as typed (normalised the same way)."""
    which = which.strip().strip("<>")
    if western_digits(which).isdigit():
        which = western_digits(which)
        index = int(which) - 1
        return feeds[index] if 0 <= index < len(feeds) else None
    wanted = {which}
    if "://" in which:
        wanted.add(normalize_url(which))
    for chat_feed in feeds:
        if chat_feed.feed_url in wanted or normalize_url(chat_feed.feed_url) in wanted:
            return chat_feed
    return None


Tell = Callable[[ChatRef, str], Awaitable[None]]
"""Sends a plain text (not yet escaped for the platform) to a chat; raises DeliveryError."""

_FEED_COMMANDS = {
    Platform.TELEGRAM: ("/addfeed", "/removefeed"),
    Platform.DISCORD: ("/news feed add url:", "/news feed remove feed:"),
}


class FeedStopNotices:
    """Issue #16 point 4: when a feed is disabled (a failure run, or 410 Gone), every
    chat that added it is told once, in its language, with how to add it again or remove
    it. "Once" is kept in storage (chat_feeds.told_disabled, cleared when the chat adds
    the feed again), marked before sending: a crash may lose a notice, never repeat it.
    A feed of the operator's (public) that is disabled is told to the bot's `owners`
    (private chats, in `owner_language`); it is disabled by one poll only, so once."""

    def __init__(
        self,
        storage: Storage,
        tell: Tell,
        *,
        owners: Iterable[ChatRef] = (),
        owner_language: str = "ar",
    ) -> None:
        self._storage = storage
        self._tell = tell
        self._owners = tuple(owners)
        self._owner_language = owner_language

    async def after_poll(self, reports: Iterable[FeedReport]) -> int:
        """Tell the chats of the feeds this poll disabled; returns notices sent."""
        sent = 0
        for report in reports:
            if report.outcome is not FeedOutcome.DISABLED:
                continue
            try:
                feed = self._storage.get_feed(report.url)
            except NotFoundError:
                continue
            if feed.public:
                sent += await self._tell_owners(feed)
            for follower in self._storage.feed_followers(report.url):
                if not self._storage.mark_chat_feed_told(follower.chat, report.url):
                    continue
                text = self._notice(feed, follower)
                try:
                    await self._tell(follower.chat, text)
                except DeliveryError as exc:
                    log.info("chat %s not told its feed stopped: %s", follower.chat, exc)
                    continue
                sent += 1
        return sent

    async def _tell_owners(self, feed: Feed) -> int:
        lang = self._owner_language
        text = t(
            "feed_stopped_owner",
            lang,
            title=echo(source_name(feed, feed.url)),
            url=feed.url,
            reason=reason_text(feed.disabled_reason or feed.last_error, lang),
        )
        sent = 0
        for owner in self._owners:
            try:
                await self._tell(owner, rtl_safe(text, lang))
            except DeliveryError as exc:  # the owner never started the bot, or blocked it
                log.info("owner %s not told that %s stopped: %s", owner.chat_id, feed.url, exc)
                continue
            sent += 1
        return sent

    def _notice(self, feed: Feed, follower: ChatFeed) -> str:
        lang = self._storage.get_chat(follower.chat).language
        add, remove = _FEED_COMMANDS.get(follower.chat.platform, _FEED_COMMANDS[Platform.TELEGRAM])
        text = t(
            "feed_stopped_notice",
            lang,
            title=echo(follower.title or source_name(feed, feed.url)),
            url=feed.url,
            reason=reason_text(feed.disabled_reason or feed.last_error, lang),
            add=add,
            remove=remove,
        )
        return rtl_safe(text, lang)
