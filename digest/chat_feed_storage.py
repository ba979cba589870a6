"""Storage of the feeds chats add themselves (/addfeed): the `chat_feeds` table and the
`SqlStorage` methods that use it (a mixin, so that digest/storage.py does not grow).

A chat's own feed is an ordinary row of `feeds` (polled once however many chats added
it) plus one `chat_feeds` row per chat. A feed that only chats added has
``feeds.public = false``: its items go to those chats only. When the last chat removes
it, the feed row goes too (it is no longer polled); a feed the operator lists stays.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
    delete,
    func,
    select,
    update,
)
from sqlalchemy.engine import Connection, Row

from .models import ChatFeed, ChatRef
from .sql_rows import SqlRows, chat_of_row, chat_where

NO_FOLLOWERS = "no chat follows it any more"
"""The disabled_reason of a feed only chats added, once the last of them removed it."""


OWNER_DISABLED = "disabled by the bot's owner"
"""The disabled_reason of a feed the owner switched off (/feeds disable): a chat adding
it again does not switch it back on."""


def define_chat_feeds(metadata: MetaData, datetime_type: Any) -> Table:
    """The `chat_feeds` table (one row per chat and feed it added)."""
    return Table(
        "chat_feeds",
        metadata,
        Column("platform", String(16), primary_key=True),
        Column("chat_id", String(64), primary_key=True),
        Column("feed_url", String(2048), primary_key=True),
        Column("kind", String(16), nullable=False),
        Column("title", Text),
        Column("added_at", datetime_type, nullable=False),
        Column("added_by", String(64)),
        Column("told_disabled", Boolean, nullable=False, default=False),
        Index("ix_chat_feeds_feed_url", "feed_url"),
    )


def define_chat_feed_quotas(metadata: MetaData) -> Table:
    """`chat_feed_quotas`: a chat's own-feed limit when the owner changed it."""
    return Table(
        "chat_feed_quotas",
        metadata,
        Column("platform", String(16), primary_key=True),
        Column("chat_id", String(64), primary_key=True),
        Column("max_feeds", Integer, nullable=False),
    )


def _chat_feed_from_row(row: Row[Any]) -> ChatFeed:
    return ChatFeed(
        chat=chat_of_row(row),
        feed_url=row.feed_url,
        added_at=row.added_at,
        title=row.title,
        added_by=row.added_by,
        told_disabled=bool(row.told_disabled),
    )


class ChatFeedRows(SqlRows):
    """The chat-feed half of `digest.storage.SqlStorage` (see digest.ports.Storage)."""

    _feeds_table: Table
    _chat_feeds_table: Table
    _deliveries_table: Table
    _quotas_table: Table

    def _chat_feed_where(self, chat: ChatRef, url: str | None = None) -> Any:
        table = self._chat_feeds_table
        where = chat_where(table, chat)
        return where if url is None else and_(where, table.c.feed_url == url)

    def add_chat_feed(
        self,
        chat: ChatRef,
        url: str,
        *,
        title: str | None,
        language: str,
        at: datetime,
        added_by: str | None = None,
    ) -> bool:
        feeds, rows = self._feeds_table, self._chat_feeds_table
        with self._tx() as conn:
            feed = conn.execute(select(feeds).where(feeds.c.url == url)).first()
            if feed is None:
                conn.execute(
                    self._insert_ignoring_duplicates(feeds).values(
                        url=url,
                        name=None,
                        title=title,
                        enabled=True,
                        tech_only=False,
                        language=language,
                        error_count=0,
                        public=False,
                    )
                )
            elif not feed.public and not feed.enabled and feed.disabled_reason != OWNER_DISABLED:
                # stopped (failures, 410), or nobody followed it
                # It was just fetched and read: a chat's feed the system had disabled
                # (failures, 410) works again.
                conn.execute(
                    update(feeds)
                    .where(feeds.c.url == url)
                    .values(enabled=True, disabled_reason=None, error_count=0, next_fetch_at=None)
                )
            result = conn.execute(
                self._insert_ignoring_duplicates(rows).values(
                    platform=chat.platform.value,
                    chat_id=chat.key,
                    feed_url=url,
                    kind=chat.kind.value,
                    title=title,
                    added_at=at,
                    added_by=added_by,
                    told_disabled=False,
                )
            )
            added = bool(result.rowcount)
            if not added:
                conn.execute(
                    update(rows)
                    .where(self._chat_feed_where(chat, url))
                    .values(told_disabled=False, title=title)
                )
            return added

    def remove_chat_feed(self, chat: ChatRef, url: str) -> bool:
        feeds, rows = self._feeds_table, self._chat_feeds_table
        with self._tx() as conn:
            removed = conn.execute(delete(rows).where(self._chat_feed_where(chat, url))).rowcount
            if not removed:
                return False
            left = conn.execute(
                select(func.count()).select_from(rows).where(rows.c.feed_url == url)
            ).scalar()
            if not left:
                # Nobody follows it any more: stop polling a feed only chats wanted. The
                # row stays (not public), so that its stored items stay its chats' only.
                conn.execute(
                    update(feeds)
                    .where(and_(feeds.c.url == url, feeds.c.public.is_(False)))
                    .values(enabled=False, disabled_reason=NO_FOLLOWERS)
                )
            return True

    def get_chat_feeds(self, chat: ChatRef) -> list[ChatFeed]:
        rows = self._chat_feeds_table
        query = (
            select(rows)
            .where(self._chat_feed_where(chat))
            .order_by(rows.c.added_at, rows.c.feed_url)
        )
        with self._tx() as conn:
            return [_chat_feed_from_row(r) for r in conn.execute(query)]

    def feed_followers(self, url: str) -> list[ChatFeed]:
        rows = self._chat_feeds_table
        query = select(rows).where(rows.c.feed_url == url).order_by(rows.c.added_at)
        with self._tx() as conn:
            return [_chat_feed_from_row(r) for r in conn.execute(query)]

    def own_feed_chats(self) -> dict[str, frozenset[ChatRef]]:
        rows = self._chat_feeds_table
        found: dict[str, set[ChatRef]] = {}
        with self._tx() as conn:
            for row in conn.execute(select(rows)):
                chat = chat_of_row(row)
                found.setdefault(row.feed_url, set()).add(chat)
        return {url: frozenset(chats) for url, chats in found.items()}

    def private_feed_urls(self) -> frozenset[str]:
        feeds = self._feeds_table
        with self._tx() as conn:
            urls = conn.execute(select(feeds.c.url).where(feeds.c.public.is_(False))).scalars()
            return frozenset(urls)

    def get_chat_feed_quota(self, chat: ChatRef) -> int | None:
        quotas = self._quotas_table
        with self._tx() as conn:
            value = conn.execute(
                select(quotas.c.max_feeds).where(
                    quotas.c.platform == chat.platform.value, quotas.c.chat_id == chat.chat_id
                )
            ).scalar()
        return None if value is None else int(value)

    def set_chat_feed_quota(self, chat: ChatRef, max_feeds: int | None) -> None:
        quotas = self._quotas_table
        where = and_(quotas.c.platform == chat.platform.value, quotas.c.chat_id == chat.chat_id)
        with self._tx() as conn:
            conn.execute(delete(quotas).where(where))
            if max_feeds is not None:
                conn.execute(
                    quotas.insert().values(
                        platform=chat.platform.value, chat_id=chat.chat_id, max_feeds=max_feeds
                    )
                )

    def count_sent(self, since: datetime) -> int:
        """Messages' outbox rows sent since `since` (the owner's /stats)."""
        rows = self._deliveries_table
        with self._tx() as conn:
            count = conn.execute(
                select(func.count())
                .select_from(rows)
                .where(rows.c.state == "sent", rows.c.sent_at >= since)
            ).scalar()
        return int(count or 0)

    def mark_chat_feed_told(self, chat: ChatRef, url: str) -> bool:
        """Record that the chat was told its feed stopped; False if it already was."""
        rows = self._chat_feeds_table
        with self._tx() as conn:
            result = conn.execute(
                update(rows)
                .where(self._chat_feed_where(chat, url), rows.c.told_disabled.is_(False))
                .values(told_disabled=True)
            )
            return bool(result.rowcount)

    def _move_chat_feeds(self, conn: Connection, old_url: str, new_url: str) -> None:
        """A feed moved (permanent redirect): its chats follow it (inside move_feed)."""
        rows = self._chat_feeds_table
        existing = {
            (r.platform, r.chat_id)
            for r in conn.execute(select(rows).where(rows.c.feed_url == new_url))
        }
        for row in conn.execute(select(rows).where(rows.c.feed_url == old_url)).all():
            if (row.platform, row.chat_id) in existing:
                conn.execute(
                    delete(rows).where(
                        and_(
                            rows.c.platform == row.platform,
                            rows.c.chat_id == row.chat_id,
                            rows.c.feed_url == old_url,
                        )
                    )
                )
        conn.execute(update(rows).where(rows.c.feed_url == old_url).values(feed_url=new_url))

    def _migrate_chat_feeds(self, conn: Connection, chat: ChatRef, new_ref: ChatRef) -> None:
        """A chat got a new id (Telegram group -> supergroup): its feeds move too."""
        rows = self._chat_feeds_table
        taken = {
            r.feed_url for r in conn.execute(select(rows).where(self._chat_feed_where(new_ref)))
        }
        if taken:
            conn.execute(
                delete(rows).where(self._chat_feed_where(chat), rows.c.feed_url.in_(taken))
            )
        conn.execute(update(rows).where(self._chat_feed_where(chat)).values(chat_id=new_ref.key))
