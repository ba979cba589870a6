"""`newsdigest feeds import FILE.opml [--chat PLATFORM:ID]` and `newsdigest feeds export
[--chat PLATFORM:ID] [--out FILE]` (bot.cli), issue #16 point 2.

With --chat: a chat's own sources, through the same bot.opml.OpmlFeeds the chats use
(same checks, quota and global limit; nothing fetched, the running bot's poller reads
the new feeds); every entry is reported, refused ones with their reason.

Without --chat: the operator's feeds. They live in config/feeds.yaml (the database
follows that file at every start), so `import` does not write the database: it prints
the accepted entries as feeds.yaml lines to paste there, and the refused ones on stderr
(operator feeds may be on private hosts when fetch.allow_private_feeds is on, so only
the scheme, host and duplicates are checked). `export` writes the configured feeds
that are enabled.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

from digest.discover import normalize_url
from digest.errors import NotFoundError
from digest.models import ChatKind, ChatRef, Platform
from digest.opml import OpmlFeed, read_opml, write_opml
from digest.stories import source_name

from .bootstrap import Services
from .opml import REFUSED, OpmlFeeds, plan_entries, result_text
from .runtime import build_opml, build_own_feeds

CLI_USER = "cli"


def parse_chat(value: str, known: list[ChatRef]) -> ChatRef:
    """ "telegram:123" / "discord:456" as a ChatRef; a Telegram forum topic is
    "telegram:<group id>/<topic id>" (its storage key). The stored chat's kind when the
    bot knows the chat, else a guess from the id (Telegram: negative ids are groups).
    Raises ValueError."""
    platform_name, sep, key = value.partition(":")
    if not sep or platform_name not in ("telegram", "discord") or not key:
        raise ValueError(f"--chat must be telegram:<id> or discord:<id>, not {value[:40]!r}")
    chat_id, slash, thread = key.partition("/")
    topic = platform_name == "telegram" and chat_id.startswith("-") and thread.isdigit()
    if not chat_id.lstrip("-").isdigit() or (slash and not topic):
        raise ValueError(f"not a chat id: {key[:40]!r}")
    platform = Platform(platform_name)
    for chat in known:
        # By key: a group and its forum topics share the chat_id.
        if chat.platform is platform and chat.key == key:
            return chat
    if platform is Platform.DISCORD:
        return ChatRef(platform, chat_id, ChatKind.CHANNEL)
    kind = ChatKind.GROUP if chat_id.startswith("-") else ChatKind.PRIVATE
    return ChatRef.from_key(platform, key, kind)


async def cmd_feeds_opml(services: Services, args: argparse.Namespace) -> int:
    chat = None
    if args.chat is not None:
        known = [c.chat for c in services.storage.get_chats(include_paused=True)]
        try:
            chat = parse_chat(args.chat, known)
        except ValueError as error:
            print(f"newsdigest: {error}", file=sys.stderr)
            return 2
    if args.action == "import":
        if not args.url:
            print("newsdigest: feeds import FILE.opml [--chat PLATFORM:ID]", file=sys.stderr)
            return 2
        data = Path(args.url).read_bytes()
        if chat is None:
            return _operator_import(services, data)
        opml = build_opml(services, build_own_feeds(services))
        result = await opml.import_opml(chat, data, user_id=CLI_USER)
        print(result_text(result, "en"))
        return 1 if result.outcomes and len(result.having(REFUSED)) == len(result.outcomes) else 0
    document = _export(services, chat)
    if args.out is not None:
        args.out.write_bytes(document)
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(document)
        sys.stdout.buffer.flush()
    return 0


def _export(services: Services, chat: ChatRef | None) -> bytes:
    now = services.clock.now()
    if chat is not None:
        opml: OpmlFeeds = build_opml(services, build_own_feeds(services))
        try:
            title = services.storage.get_chat(chat).title or f"newsdigest {chat.chat_id}"
        except NotFoundError:
            title = f"newsdigest {chat.chat_id}"
        return opml.export_opml(chat, title=title)
    feeds = [
        OpmlFeed(feed.url, source_name(feed, feed.url))
        for feed in services.storage.get_feeds(enabled=True)
        if feed.public and "://" in feed.url  # local sample files are no one else's
    ]
    return write_opml("newsdigest", feeds, created=now)


def _operator_import(services: Services, data: bytes) -> int:
    document = read_opml(data)
    configured = [normalize_url(f.url) for f in services.settings.feeds]
    lines = []
    refused = 0
    for entry, url, reason in plan_entries(document.entries, configured):
        if reason:
            refused += 1
            print(f"refused: {entry.url or entry.title or '-'}: {reason}", file=sys.stderr)
            continue
        item = {"url": url, "name": entry.title} if entry.title else {"url": url}
        lines.append(yaml.safe_dump([item], allow_unicode=True, sort_keys=False).rstrip())
    if lines:
        print("# Paste under `feeds:` in config/feeds.yaml:")
        print("\n".join("  " + line.replace("\n", "\n  ") for line in lines))
    print(f"{len(lines)} feeds to add, {refused} refused", file=sys.stderr)
    return 0 if lines or not document.entries else 1
