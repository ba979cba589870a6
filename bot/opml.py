"""OPML import and export of a chat's own sources (issue #16 point 2), for the command
line (bot.cli), Telegram (a document sent to the bot, /export) and Discord
(/news feed import|export).

Import, decided here: an OPML file may list hundreds of feeds, so nothing is fetched
while the chat waits. Each entry is checked (an address at all, http(s) only, a host,
not a private or local address by the strict policy, not twice in the file by its
canonical URL, not already followed, within the chat's quota and the bot's global
limit), the accepted ones are added like /addfeed adds a feed (`add_chat_feed`: one
row per feed, the chat's row), and the poller fetches them at its next round. Their
first poll stores the items already there as seen (no flood of old items), as for any
new feed; a feed that does not work fails there and is disabled after the usual failure
run, and the chat is told (FeedStopNotices). The answer lists every refused entry with
its reason (in chats at most `ImportLimits.listed`, with the count of the rest; the
command line lists all).

Addresses are checked in document order, `check_concurrency` at a time, and only until
the quota is filled: a 10,000-entry file for a chat with 20 places resolves about 20
host names, not 10,000.

Export: the chat's own sources as OPML 2.0, each with its title and, as categories,
the topics the chat follows (the slugs /subscribe takes).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot.chat import IncomingFile, OutgoingFile, Reply
from bot.i18n import rtl_safe, t
from bot.reply_text import echo
from digest.clock import Clock
from digest.discover import normalize_url
from digest.errors import BlockedAddressError, FeedError, NotFoundError
from digest.models import ChatRef, Feed
from digest.netguard import WEB_SCHEMES
from digest.opml import (
    MAX_OPML_BYTES,
    MAX_OUTLINES,
    OpmlEntry,
    OpmlError,
    OpmlFeed,
    read_opml,
    write_opml,
)
from digest.ports import Storage
from digest.stories import source_name

AddressCheck = Callable[[str], Awaitable[None]]
"""Checks a URL against the strict address policy (resolving its host): raises
BlockedAddressError (private, local, not http(s)) or FetchError (does not resolve)."""

ADDED = "added"
ALREADY = "already"
REFUSED = "refused"

# Why an entry was refused: the i18n key is "opml_reason_<reason>".
REASONS = ("empty", "scheme", "not_url", "duplicate", "private", "unresolved", "quota", "total")


@dataclass(frozen=True)
class ImportLimits:
    max_bytes: int = MAX_OPML_BYTES
    max_outlines: int = MAX_OUTLINES
    check_concurrency: int = 8
    check_timeout_seconds: float = 10.0  # one address check (DNS)
    listed: int = 60  # refused entries listed in a chat's answer (all on the command line)


@dataclass(frozen=True)
class EntryOutcome:
    """What became of one OPML entry: `status` ADDED, ALREADY or REFUSED (`reason` one
    of REASONS); `url` is the canonical address for ADDED/ALREADY, as written else."""

    url: str
    title: str
    status: str
    reason: str = ""


@dataclass(frozen=True)
class ImportResult:
    title: str  # the OPML file's own title
    outcomes: tuple[EntryOutcome, ...]

    def having(self, status: str) -> list[EntryOutcome]:
        return [o for o in self.outcomes if o.status == status]


def screen_entry(entry: OpmlEntry) -> tuple[str, str]:
    """(canonical URL, "") for an entry that may be a web feed, ("", reason) else: no
    address, not http(s) (javascript:, file:, data:...), no host. Pure: no lookups."""
    raw = entry.url.strip()
    if not raw:
        return "", "empty"
    try:
        parts = urlsplit(raw)
        _ = parts.port  # raises ValueError for a port that is not a number
    except ValueError:
        return "", "not_url"
    if parts.scheme.lower() not in WEB_SCHEMES:
        return "", "scheme" if parts.scheme else "not_url"
    if not parts.hostname or any(c.isspace() for c in raw):
        return "", "not_url"
    return normalize_url(raw), ""


def plan_entries(
    entries: Sequence[OpmlEntry], followed: Iterable[str]
) -> list[tuple[OpmlEntry, str, str]]:
    """Each entry with its canonical URL and a refusal reason ("" when it is a
    candidate): the syntax checks of `screen_entry`, then "duplicate" for a URL seen
    earlier in the file and status ALREADY (as reason "already") for one the chat
    follows. Pure."""
    known = set(followed)
    seen: set[str] = set()
    planned = []
    for entry in entries:
        url, reason = screen_entry(entry)
        if not reason:
            if url in seen:
                reason = "duplicate"
            elif url in known:
                reason = ALREADY
            seen.add(url)
        planned.append((entry, url, reason))
    return planned


class OpmlFeeds:
    """Import into and export from one chat's own sources."""

    def __init__(
        self,
        storage: Storage,
        clock: Clock,
        check_address: AddressCheck,
        *,
        quota: Callable[[ChatRef], int],
        max_total: int,
        limits: ImportLimits | None = None,
    ) -> None:
        self._storage = storage
        self._clock = clock
        self._check = check_address
        self._quota = quota
        self._max_total = max_total
        self._limits = limits or ImportLimits()

    @property
    def limits(self) -> ImportLimits:
        return self._limits

    async def import_opml(self, chat: ChatRef, data: bytes, *, user_id: str) -> ImportResult:
        """Read `data` and add its acceptable feeds to `chat` (none fetched here).
        Raises OpmlError when the file is refused as a whole."""
        # In a thread: 10,000 outlines take ~0.3 s to parse, the bot keeps answering.
        document = await asyncio.to_thread(
            read_opml,
            data,
            max_bytes=self._limits.max_bytes,
            max_outlines=self._limits.max_outlines,
        )
        current = self._storage.get_chat_feeds(chat)
        planned = plan_entries(document.entries, (c.feed_url for c in current))
        room = max(0, self._quota(chat) - len(current))
        polled = sum(1 for f in self._storage.get_feeds(enabled=True) if not f.public)
        total_room = max(0, self._max_total - polled)
        decided: dict[int, tuple[str, str]] = {}
        candidates = [i for i, (_, _, reason) in enumerate(planned) if not reason]
        accepted: list[int] = []
        position = 0
        while position < len(candidates) and len(accepted) < room and total_room > 0:
            batch = candidates[position : position + self._limits.check_concurrency]
            position += len(batch)
            reasons = await asyncio.gather(*(self._address_reason(planned[i][1]) for i in batch))
            for index, reason in zip(batch, reasons, strict=True):
                new_feed = self._known(planned[index][1]) is None
                if reason:
                    decided[index] = (REFUSED, reason)
                elif len(accepted) >= room:
                    decided[index] = (REFUSED, "quota")
                elif new_feed and total_room <= 0:
                    decided[index] = (REFUSED, "total")
                else:
                    total_room -= 1 if new_feed else 0
                    accepted.append(index)
        for index in candidates:
            if index not in decided and index not in accepted:
                decided[index] = (REFUSED, "quota" if len(accepted) >= room else "total")
        now = self._clock.now()
        for index in accepted:
            entry, url, _ = planned[index]
            self._storage.add_chat_feed(
                chat, url, title=entry.title or None, language="ar", at=now, added_by=user_id
            )
            decided[index] = (ADDED, "")
        outcomes = []
        for index, (entry, url, reason) in enumerate(planned):
            if reason == ALREADY:
                status, why = ALREADY, ""
            elif reason:
                status, why = REFUSED, reason
            else:
                status, why = decided[index]
            shown = url if status != REFUSED or why in ("quota", "total") else entry.url
            outcomes.append(EntryOutcome(shown or entry.url, entry.title, status, why))
        return ImportResult(document.title, tuple(outcomes))

    def _known(self, url: str) -> Feed | None:
        try:
            return self._storage.get_feed(url)
        except NotFoundError:
            return None

    async def _address_reason(self, url: str) -> str:
        try:
            async with asyncio.timeout(self._limits.check_timeout_seconds):
                await self._check(url)
        except BlockedAddressError:
            return "private"
        except (FeedError, TimeoutError):
            return "unresolved"
        return ""

    async def import_reply(
        self, chat: ChatRef, file: IncomingFile, *, user_id: str, lang: str
    ) -> Reply:
        """/import with a file: the size the platform announced is checked before the
        download, the download is bounded, then `import_opml`; the answer in `lang`."""
        limit = self._limits.max_bytes
        if file.size is not None and file.size > limit:
            return _text(too_large_text(limit, lang), lang, ephemeral=True)
        try:
            data = await file.read(limit)
            result = await self.import_opml(chat, data, user_id=user_id)
        except ValueError:  # the download went past the limit
            return _text(too_large_text(limit, lang), lang, ephemeral=True)
        except OpmlError as error:
            return _text(refusal_text(error, lang), lang, ephemeral=True)
        return _text(result_text(result, lang, listed=self._limits.listed), lang)

    def export_reply(self, chat: ChatRef, *, lang: str, p: str) -> Reply:
        """/export: the chat's OPML file with a caption, or why there is none."""
        count = len(self._storage.get_chat_feeds(chat))
        if not count:
            return _text(t("opml_export_none", lang, p=p), lang, ephemeral=True)
        title = self._storage.get_chat(chat).title or f"newsdigest {chat.chat_id}"
        document = self.export_opml(chat, title=title)
        caption = rtl_safe(t("opml_export_caption", lang, count=count), lang)
        return Reply(
            text=caption, language=lang, file=OutgoingFile(export_filename(chat), document)
        )

    def export_opml(self, chat: ChatRef, *, title: str) -> bytes:
        """The chat's own sources as an OPML 2.0 document."""
        topics = tuple(sorted(self._storage.get_chat(chat).topics))
        feeds = []
        for chat_feed in self._storage.get_chat_feeds(chat):
            feed = self._known(chat_feed.feed_url)
            name = chat_feed.title or source_name(feed, chat_feed.feed_url)
            feeds.append(OpmlFeed(chat_feed.feed_url, name, topics))
        return write_opml(title, feeds, created=self._clock.now())


def _text(text: str, lang: str, *, ephemeral: bool = False) -> Reply:
    return Reply(text=rtl_safe(text, lang), language=lang, ephemeral=ephemeral)


def export_filename(chat: ChatRef) -> str:
    """The exported file's name: newsdigest-<platform>-<chat id>.opml."""
    safe = "".join(c for c in chat.chat_id if c.isalnum() or c == "-")[:40]
    return f"newsdigest-{chat.platform.value}-{safe}.opml"


def refusal_text(error: OpmlError, lang: str) -> str:
    """Why a whole file was refused, worded for the chat."""
    values: dict[str, object] = {}
    if error.code == "too_large":
        values["megabytes"] = max(1, error.limit // (1024 * 1024))
    if error.code == "too_many":
        values["limit"] = error.limit
    return t(f"opml_refused_{error.code}", lang, **values)


def too_large_text(limit: int, lang: str) -> str:
    """The refusal of a file the platform says is larger than `limit` bytes (before
    downloading it)."""
    return refusal_text(OpmlError("too_large", "", limit=limit), lang)


def result_text(result: ImportResult, lang: str, *, listed: int | None = None) -> str:
    """The import report: counts, the feeds added, and every refused entry with its
    reason (at most `listed` of them, then how many more)."""
    added, already, refused = (result.having(s) for s in (ADDED, ALREADY, REFUSED))
    lines = [
        t(
            "opml_imported",
            lang,
            total=len(result.outcomes),
            added=len(added),
            already=len(already),
            refused=len(refused),
        )
    ]
    if not result.outcomes:
        lines = [t("opml_empty", lang)]
    if added:
        lines.append(t("opml_added_header", lang))
        shown_added = added if listed is None else added[:listed]
        lines += [f"• {echo(o.title or source_name(None, o.url))} — {o.url}" for o in shown_added]
        if len(added) > len(shown_added):
            lines.append(t("opml_more", lang, count=len(added) - len(shown_added)))
        lines.append(t("opml_added_note", lang))
    if refused:
        lines.append(t("opml_refused_header", lang))
        shown = refused if listed is None else refused[:listed]
        for outcome in shown:
            what = echo(outcome.url or outcome.title or "—", 120)
            lines.append(f"• {what}: {t('opml_reason_' + outcome.reason, lang)}")
        if len(refused) > len(shown):
            lines.append(t("opml_more", lang, count=len(refused) - len(shown)))
    return rtl_safe("\n".join(lines), lang)
