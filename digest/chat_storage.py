"""Chat settings: the `chats` table and the `SqlStorage` methods that read, save, pause
and migrate a chat (a mixin, as digest/chat_feed_storage.py, digest/outbox_storage.py and
digest/sent_message_storage.py, so that digest/storage.py does not grow).

A chat has a row once it saved settings (`has_chat`); `get_chat` answers the defaults
for any other. A forum topic is a chat of its own (`ChatRef.key` holds its thread id).
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    MetaData,
    String,
    Table,
    Text,
    and_,
    delete,
    select,
    update,
)
from sqlalchemy.engine import Connection, Row

from .database import json_text
from .models import ChatRef, ChatSettings, DeliveryMode
from .sql_rows import SqlRows, chat_of_row, chat_where


def define_chats(metadata: MetaData, datetime_type: Any) -> Table:
    """The `chats` table: one row per chat (or forum topic) that saved settings."""
    return Table(
        "chats",
        metadata,
        Column("platform", String(16), primary_key=True),
        Column("chat_id", String(64), primary_key=True),
        Column("kind", String(16), nullable=False),
        Column("language", String(8), nullable=False, default="ar"),
        Column("topics", Text, nullable=False, default="[]"),
        Column("keywords", Text, nullable=False, default="[]"),
        Column("mode", String(16), nullable=False, default="instant"),
        Column("schedule_time", String(5)),
        Column("timezone", String(64), nullable=False, default="UTC"),
        Column("paused_reason", Text),
        Column("last_digest_at", datetime_type),
        Column("webhook_url", Text),
        Column("title", Text),
        Column("images", Boolean),  # None: the default (images in instant posts)
        Column("excluded_topics", Text, nullable=False, default="[]", server_default="[]"),
        Column("excluded_keywords", Text, nullable=False, default="[]", server_default="[]"),
    )


def chat_from_row(row: Row[Any]) -> ChatSettings:
    """The `ChatSettings` a `chats` row stands for."""
    return ChatSettings(
        chat=chat_of_row(row),
        language=row.language,
        topics=frozenset(json.loads(row.topics or "[]")),
        keywords=frozenset(json.loads(row.keywords or "[]")),
        mode=DeliveryMode(row.mode),
        schedule_time=row.schedule_time,
        timezone=row.timezone,
        paused_reason=row.paused_reason,
        last_digest_at=row.last_digest_at,
        webhook_url=row.webhook_url,
        title=row.title,
        images=None if row.images is None else bool(row.images),
        excluded_topics=frozenset(json.loads(row.excluded_topics or "[]")),
        excluded_keywords=frozenset(json.loads(row.excluded_keywords or "[]")),
    )


class ChatRows(SqlRows):
    """The chat-settings half of `digest.storage.SqlStorage` (see digest.ports.Storage)."""

    _chats_table: Table
    _deliveries_table: Table

    def _migrate_chat_feeds(  # provided by ChatFeedRows
        self, conn: Connection, chat: ChatRef, new_ref: ChatRef
    ) -> None:
        raise NotImplementedError

    def _chat_where(self, chat: ChatRef) -> Any:
        return chat_where(self._chats_table, chat)

    def get_chat(self, chat: ChatRef) -> ChatSettings:
        chats = self._chats_table
        with self._tx() as conn:
            row = conn.execute(select(chats).where(self._chat_where(chat))).first()
        if row is None:
            return ChatSettings(chat=chat)
        settings = chat_from_row(row)
        # The caller knows the chat's current kind better than our stored copy.
        return settings if settings.chat == chat else replace(settings, chat=chat)

    def has_chat(self, chat: ChatRef) -> bool:
        chats = self._chats_table
        with self._tx() as conn:
            row = conn.execute(select(chats.c.chat_id).where(self._chat_where(chat))).first()
        return row is not None

    def save_chat(self, settings: ChatSettings) -> None:
        chats = self._chats_table
        values = {
            "kind": settings.chat.kind.value,
            "language": settings.language,
            "topics": json_text(sorted(settings.topics)),
            "keywords": json_text(sorted(settings.keywords)),
            "mode": settings.mode.value,
            "schedule_time": settings.schedule_time,
            "timezone": settings.timezone,
            "paused_reason": settings.paused_reason,
            "last_digest_at": settings.last_digest_at,
            "webhook_url": settings.webhook_url,
            "title": settings.title,
            "images": settings.images,
            "excluded_topics": json_text(sorted(settings.excluded_topics)),
            "excluded_keywords": json_text(sorted(settings.excluded_keywords)),
        }
        with self._tx() as conn:
            result = conn.execute(
                update(chats).where(self._chat_where(settings.chat)).values(**values)
            )
            if result.rowcount == 0:
                inserted = conn.execute(
                    self._insert_ignoring_duplicates(chats).values(
                        platform=settings.chat.platform.value,
                        chat_id=settings.chat.key,
                        **values,
                    )
                )
                if inserted.rowcount == 0:  # another process created the row just now
                    conn.execute(
                        update(chats).where(self._chat_where(settings.chat)).values(**values)
                    )

    def get_chats(self, *, include_paused: bool = False) -> list[ChatSettings]:
        chats = self._chats_table
        query = select(chats).order_by(chats.c.platform, chats.c.chat_id)
        if not include_paused:
            query = query.where(chats.c.paused_reason.is_(None))
        with self._tx() as conn:
            return [chat_from_row(r) for r in conn.execute(query)]

    def pause_chat(self, chat: ChatRef, reason: str) -> None:
        settings = self.get_chat(chat)
        self.save_chat(replace(settings, paused_reason=reason))

    def resume_chat(self, chat: ChatRef) -> None:
        settings = self.get_chat(chat)
        self.save_chat(replace(settings, paused_reason=None))

    def migrate_chat(self, chat: ChatRef, new_chat_id: str) -> ChatRef:
        """Move a chat's settings, outbox rows and own feeds to its new id (a Telegram
        group upgraded to a supergroup); a forum topic keeps its thread id."""
        chats = self._chats_table
        deliveries = self._deliveries_table
        new_ref = replace(chat, chat_id=new_chat_id)
        with self._tx() as conn:
            old = conn.execute(select(chats).where(self._chat_where(chat))).first()
            if old is not None:
                conn.execute(delete(chats).where(self._chat_where(new_ref)))
                conn.execute(
                    update(chats).where(self._chat_where(chat)).values(chat_id=new_ref.key)
                )
            # Deliveries move too, except pairs the new chat already has (at most once).
            existing = {
                r.article_id
                for r in conn.execute(
                    select(deliveries.c.article_id).where(
                        and_(
                            deliveries.c.platform == chat.platform.value,
                            deliveries.c.chat_id == new_ref.key,
                        )
                    )
                )
            }
            old_where = chat_where(deliveries, chat)
            if existing:
                conn.execute(
                    delete(deliveries).where(old_where, deliveries.c.article_id.in_(existing))
                )
            conn.execute(update(deliveries).where(old_where).values(chat_id=new_ref.key))
            self._migrate_chat_feeds(conn, chat, new_ref)
        return new_ref
