"""The outbox: the `deliveries` table and the `SqlStorage` methods that queue, claim and
settle its rows (a mixin, as digest/chat_feed_storage.py and digest/sent_message_storage.py,
so that digest/storage.py does not grow).

A row is one (chat, article) pair, queued at most once (`uq_delivery_once`); a process
leases due rows by moving their due time ahead (`claim_deliveries`) and settles each as
sent, retried or failed, or gives back the ones it will not send (`release_deliveries`).
Migrating a chat to a new id moves its rows (digest.chat_storage).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    bindparam,
    func,
    select,
    update,
)
from sqlalchemy.engine import Row
from sqlalchemy.sql import Select

from .models import ChatRef, Delivery, DeliveryAction, DeliveryState
from .sql_rows import SqlRows, chat_of_row, chat_where


def define_deliveries(metadata: MetaData, datetime_type: Any) -> Table:
    """The `deliveries` table: the outbox, one row per chat and article."""
    return Table(
        "deliveries",
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("platform", String(16), nullable=False),
        Column("chat_id", String(64), nullable=False),
        Column("kind", String(16), nullable=False),
        Column(
            "article_id",
            Integer,
            ForeignKey("articles.id", ondelete="CASCADE"),
            nullable=False,
        ),
        Column("state", String(16), nullable=False, default="pending"),
        Column("created_at", datetime_type, nullable=False),
        Column("due_at", datetime_type, nullable=False),
        Column("attempts", Integer, nullable=False, default=0),
        Column("last_error", Text),
        Column("sent_at", datetime_type),
        # post | edit (DeliveryAction): an edit row names the further report of a story
        Column("action", String(8), nullable=False, default="post", server_default="post"),
        UniqueConstraint("platform", "chat_id", "article_id", name="uq_delivery_once"),
        Index("ix_deliveries_due", "state", "due_at"),
    )


def delivery_from_row(row: Row[Any]) -> Delivery:
    """The `Delivery` a `deliveries` row stands for."""
    return Delivery(
        id=row.id,
        chat=chat_of_row(row),
        article_id=row.article_id,
        state=DeliveryState(row.state),
        created_at=row.created_at,
        due_at=row.due_at,
        attempts=row.attempts,
        last_error=row.last_error,
        sent_at=row.sent_at,
        action=DeliveryAction(row.action),
    )


class OutboxRows(SqlRows):
    """The outbox half of `digest.storage.SqlStorage` (see digest.ports.Storage)."""

    _deliveries_table: Table
    _articles_table: Table
    _is_sqlite: bool  # SQLite has no FOR UPDATE SKIP LOCKED

    def enqueue(
        self,
        chat: ChatRef,
        article_ids: Sequence[int],
        *,
        due_at: datetime,
        action: DeliveryAction = DeliveryAction.POST,
    ) -> int:
        """Queue each (chat, article) pair once; returns how many were new. Safe when
        several processes queue the same pairs at once: the unique (platform, chat,
        article) key decides, a pair already queued is skipped (ON CONFLICT DO NOTHING)
        instead of failing the whole batch. Any number of ids (inserted in chunks).
        `action`: post the articles' stories, or edit the story each one joined."""
        deliveries = self._deliveries_table
        ids = list(dict.fromkeys(article_ids))
        added = 0
        with self._tx() as conn:
            for start in range(0, len(ids), 500):  # stay under bound-parameter limits
                rows = [
                    {
                        "platform": chat.platform.value,
                        "chat_id": chat.key,
                        "kind": chat.kind.value,
                        "article_id": i,
                        "state": DeliveryState.PENDING.value,
                        "created_at": due_at,
                        "due_at": due_at,
                        "attempts": 0,
                        "action": action.value,
                    }
                    for i in ids[start : start + 500]
                ]
                statement = self._insert_ignoring_duplicates(deliveries).returning(deliveries.c.id)
                added += len(conn.execute(statement, rows).all())
        return added

    def _due_query(self, now: datetime, limit: int) -> Select[Any]:
        """The pending rows due by `now`, earliest due first (then oldest), at most `limit`."""
        deliveries = self._deliveries_table
        return (
            select(deliveries)
            .where(
                deliveries.c.state == DeliveryState.PENDING.value,
                deliveries.c.due_at <= now,
            )
            .order_by(deliveries.c.due_at, deliveries.c.id)
            .limit(limit)
        )

    def pending_deliveries(
        self, *, now: datetime, limit: int, chat: ChatRef | None = None
    ) -> list[Delivery]:
        deliveries = self._deliveries_table
        query = self._due_query(now, limit)
        if chat is not None:
            query = query.where(chat_where(deliveries, chat))
        with self._tx() as conn:
            return [delivery_from_row(r) for r in conn.execute(query)]

    def claim_deliveries(
        self, *, now: datetime, limit: int, lease_seconds: float
    ) -> list[Delivery]:
        """Due pending rows, leased to the caller: their due time moves `lease_seconds`
        ahead in the same transaction, so another process draining this database does
        not take them too (PostgreSQL: FOR UPDATE SKIP LOCKED). Marking a row sent,
        retried or failed ends its lease; rows of a process that died become due again
        when the lease runs out."""
        deliveries = self._deliveries_table
        query = self._due_query(now, limit)
        if not self._is_sqlite:
            query = query.with_for_update(skip_locked=True)
        with self._tx() as conn:
            rows = conn.execute(query).all()
            if rows:
                conn.execute(
                    update(deliveries)
                    .where(deliveries.c.id.in_([r.id for r in rows]))
                    .values(due_at=now + timedelta(seconds=lease_seconds))
                )
        return [delivery_from_row(r) for r in rows]

    def release_deliveries(self, rows: Sequence[Delivery]) -> None:
        """End the lease of rows `claim_deliveries` returned that the caller will not
        deliver now: each is due again at the due time it had when claimed (`rows` as
        the claim returned them), for this or another process to claim at once instead
        of when the lease runs out. A row settled since it was claimed is left as it is:
        sent or failed (state), or retried (`mark_retry` counted an attempt)."""
        if not rows:
            return
        deliveries = self._deliveries_table
        statement = (
            update(deliveries)
            .where(
                deliveries.c.id == bindparam("row_id"),
                deliveries.c.state == DeliveryState.PENDING.value,
                deliveries.c.attempts == bindparam("claimed_attempts"),
            )
            .values(due_at=bindparam("claimed_due_at"))
        )
        params = [
            {"row_id": r.id, "claimed_attempts": r.attempts, "claimed_due_at": r.due_at}
            for r in rows
        ]
        with self._tx() as conn:
            conn.execute(statement, params)

    def count_pending(self, chat: ChatRef | None = None) -> int:
        deliveries = self._deliveries_table
        query = (
            select(func.count())
            .select_from(deliveries)
            .where(deliveries.c.state == DeliveryState.PENDING.value)
        )
        if chat is not None:
            query = query.where(chat_where(deliveries, chat))
        with self._tx() as conn:
            return int(conn.execute(query).scalar() or 0)

    def unqueued_article_ids(
        self, chat: ChatRef, *, feed_urls: Sequence[str] | None = None
    ) -> list[int]:
        """Ids of the announced articles never queued for `chat` (in any state), oldest
        first; only those of `feed_urls` when given. No cap: a long absence must not
        leave stories behind."""
        deliveries = self._deliveries_table
        articles = self._articles_table
        queued = (
            select(deliveries.c.id)
            .where(
                deliveries.c.platform == chat.platform.value,
                deliveries.c.chat_id == chat.key,
                deliveries.c.article_id == articles.c.id,
            )
            .exists()
        )
        query = (
            select(articles.c.id)
            .where(articles.c.announce.is_(True), ~queued)
            .order_by(articles.c.fetched_at, articles.c.id)
        )
        if feed_urls is not None:
            query = query.where(articles.c.feed_url.in_(list(feed_urls)))
        with self._tx() as conn:
            return [int(i) for i in conn.execute(query).scalars()]

    def mark_sent(self, delivery_ids: Sequence[int], *, at: datetime) -> None:
        self._set_deliveries(
            delivery_ids, state=DeliveryState.SENT.value, sent_at=at, last_error=None
        )

    def mark_retry(self, delivery_ids: Sequence[int], *, error: str, due_at: datetime) -> None:
        if not delivery_ids:
            return
        deliveries = self._deliveries_table
        with self._tx() as conn:
            conn.execute(
                update(deliveries)
                .where(deliveries.c.id.in_(list(delivery_ids)))
                .values(
                    due_at=due_at,
                    last_error=error,
                    attempts=deliveries.c.attempts + 1,
                    state=DeliveryState.PENDING.value,
                )
            )

    def mark_failed(self, delivery_ids: Sequence[int], *, error: str) -> None:
        self._set_deliveries(delivery_ids, state=DeliveryState.FAILED.value, last_error=error)

    def _set_deliveries(self, delivery_ids: Sequence[int], **values: Any) -> None:
        if not delivery_ids:
            return
        deliveries = self._deliveries_table
        with self._tx() as conn:
            conn.execute(
                update(deliveries).where(deliveries.c.id.in_(list(delivery_ids))).values(**values)
            )

    def was_delivered(self, chat: ChatRef, article_id: int) -> bool:
        deliveries = self._deliveries_table
        with self._tx() as conn:
            row = conn.execute(
                select(deliveries.c.id).where(
                    deliveries.c.platform == chat.platform.value,
                    deliveries.c.chat_id == chat.key,
                    deliveries.c.article_id == article_id,
                    deliveries.c.state == DeliveryState.SENT.value,
                )
            ).first()
        return row is not None
