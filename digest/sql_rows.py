"""What the `SqlStorage` mixins share (digest/chat_storage.py, chat_feed_storage.py,
outbox_storage.py and sent_message_storage.py): the base declaring the methods
`digest.storage.SqlStorage` provides them, and the chat columns of the per-chat tables
(`platform`, `chat_id` holding `ChatRef.key`, `kind`)."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

from sqlalchemy import ColumnElement, Table, and_
from sqlalchemy.engine import Connection, Row

from .models import ChatKind, ChatRef, Platform


class SqlRows:
    """Base of the `SqlStorage` mixins; `SqlStorage` implements these methods."""

    def _tx(self) -> AbstractContextManager[Connection]:
        """One transaction; raises StorageError when the database fails."""
        raise NotImplementedError

    def _insert_ignoring_duplicates(self, table: Table) -> Any:
        """INSERT that does nothing when the primary key exists (both dialects)."""
        raise NotImplementedError


def chat_of_row(row: Row[Any]) -> ChatRef:
    """The chat a row with `platform`, `chat_id` and `kind` columns belongs to (a forum
    topic's rows name the topic: `chat_id` holds `ChatRef.key`)."""
    return ChatRef.from_key(Platform(row.platform), row.chat_id, ChatKind(row.kind))


def chat_where(table: Table, chat: ChatRef) -> ColumnElement[bool]:
    """The rows of `chat` itself in a table keyed by `platform` and `chat_id` (a forum
    topic's own rows, not its group's)."""
    return and_(table.c.platform == chat.platform.value, table.c.chat_id == chat.key)
