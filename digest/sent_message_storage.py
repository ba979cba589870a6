"""Which platform message carried each sent post, for editing it later (issue #14): the
`sent_messages` table and the `SqlStorage` methods that use it (a mixin, so that
digest/storage.py does not grow).

A post row of the outbox that the platform accepted gets its `sent_messages` row just
before it is marked sent (`mark_sent` stays the one step that settles a row), so a sent
post always has its message id; a crash between the two leaves the row pending, and the
resend replaces the id. Edit rows are outbox rows too (`deliveries.action = 'edit'`, see
bot.story_edits); they get no `sent_messages` row.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    delete,
    insert,
    select,
)
from sqlalchemy.engine import Row

from .models import ChatRef, Delivery, DeliveryAction, SentMessage
from .sql_rows import SqlRows


def define_sent_messages(metadata: MetaData, datetime_type: Any) -> Table:
    """The `sent_messages` table: one row per sent post (outbox row)."""
    return Table(
        "sent_messages",
        metadata,
        Column(
            "delivery_id",
            Integer,
            ForeignKey("deliveries.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        Column("message_id", String(64), nullable=False),
        Column("sent_at", datetime_type, nullable=False),
        Column("alone", Boolean, nullable=False),
        Column("photo", Boolean, nullable=False),
    )


def _sent_from_row(row: Row[Any]) -> SentMessage:
    return SentMessage(
        delivery_id=row.delivery_id,
        message_id=row.message_id,
        sent_at=row.sent_at,
        alone=bool(row.alone),
        photo=bool(row.photo),
    )


class SentMessageRows(SqlRows):
    """The sent-message half of `digest.storage.SqlStorage` (see digest.ports.Storage)."""

    _deliveries_table: Table
    _sent_messages_table: Table

    @staticmethod
    def _delivery_row(row: Row[Any]) -> Delivery:  # provided by SqlStorage
        raise NotImplementedError

    def record_sent_message(
        self,
        delivery_ids: Sequence[int],
        *,
        at: datetime,
        message_id: str,
        alone: bool,
        photo: bool = False,
    ) -> None:
        """Remember `message_id` as the message that carried these rows (the last message
        of their parcel, where the sources line is), replacing what a send before a crash
        recorded. Called right before `mark_sent`."""
        if not delivery_ids:
            return
        table = self._sent_messages_table
        with self._tx() as conn:
            conn.execute(delete(table).where(table.c.delivery_id.in_(list(delivery_ids))))
            conn.execute(
                insert(table),
                [
                    {
                        "delivery_id": i,
                        "message_id": message_id,
                        "sent_at": at,
                        "alone": alone,
                        "photo": photo,
                    }
                    for i in delivery_ids
                ],
            )

    def story_posts(
        self, article_ids: Sequence[int], *, chat: ChatRef | None = None
    ) -> list[tuple[Delivery, SentMessage | None]]:
        """The post rows (any state) of these articles, in `chat` only when given, each
        with the message that carried it once sent; oldest row first."""
        if not article_ids:
            return []
        table, sent = self._deliveries_table, self._sent_messages_table
        query = (
            select(table, *[c.label(f"sent_{c.name}") for c in sent.c])
            .select_from(table.outerjoin(sent, sent.c.delivery_id == table.c.id))
            .where(
                table.c.article_id.in_(list(article_ids)),
                table.c.action == DeliveryAction.POST.value,
            )
            .order_by(table.c.id)
        )
        if chat is not None:
            query = query.where(
                table.c.platform == chat.platform.value, table.c.chat_id == chat.chat_id
            )
        found: list[tuple[Delivery, SentMessage | None]] = []
        with self._tx() as conn:
            for row in conn.execute(query):
                message = None
                if row.sent_delivery_id is not None:
                    message = SentMessage(
                        delivery_id=row.sent_delivery_id,
                        message_id=row.sent_message_id,
                        sent_at=row.sent_sent_at,
                        alone=bool(row.sent_alone),
                        photo=bool(row.sent_photo),
                    )
                found.append((self._delivery_row(row), message))
        return found

    def sent_message(self, delivery_id: int) -> SentMessage | None:
        """The message that carried a sent post, if known."""
        sent = self._sent_messages_table
        with self._tx() as conn:
            row = conn.execute(select(sent).where(sent.c.delivery_id == delivery_id)).first()
        return _sent_from_row(row) if row is not None else None
