"""SQLAlchemy 2 storage: SQLite by default, PostgreSQL for larger installs.

Implements `digest.ports.Storage`. SQLAlchemy Core is used rather than the ORM so that
rows map straight onto the frozen domain types and nothing mutable leaks out. Every
datetime goes in and comes out as an aware UTC datetime.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    bindparam,
    create_engine,
    delete,
    event,
    func,
    insert,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.engine import Connection, Engine, Row
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.types import TypeDecorator

from .chat_feed_storage import ChatFeedRows, define_chat_feed_quotas, define_chat_feeds
from .database import migrate, prepare_parent_folder, sqlite_pragmas
from .database import reason as _reason
from .errors import ConfigError, NotFoundError, StorageError
from .models import (
    Article,
    ChatKind,
    ChatRef,
    ChatSettings,
    Delivery,
    DeliveryAction,
    DeliveryMode,
    DeliveryState,
    Entry,
    Feed,
    FeedConfig,
    Platform,
    TopicMatch,
)
from .sent_message_storage import SentMessageRows, define_sent_messages


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC, returns aware UTC; refuses naive input so mistakes surface early."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to storage; use aware UTC datetimes")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


metadata = MetaData()

feeds = Table(
    "feeds",
    metadata,
    Column("url", String(2048), primary_key=True),
    Column("name", String(512)),
    Column("title", Text),
    Column("enabled", Boolean, nullable=False, default=True),
    Column("tech_only", Boolean, nullable=False, default=False),
    Column("language", String(16), nullable=False, default="ar"),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("last_fetched_at", UTCDateTime),
    Column("last_success_at", UTCDateTime),
    Column("last_error", Text),
    Column("error_count", Integer, nullable=False, default=0),
    Column("next_fetch_at", UTCDateTime),
    Column("disabled_reason", Text),
    Column("lease_owner", String(128)),
    Column("lease_until", UTCDateTime),
    # False: a feed only chats added (/addfeed); see digest.models.Feed.public.
    Column("public", Boolean, nullable=False, default=True, server_default=true()),
)

articles = Table(
    "articles",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("feed_url", String(2048), nullable=False, index=True),
    Column("title", Text, nullable=False),
    Column("url", Text),
    Column("canonical_url", String(2048), index=True),
    Column("guid", Text),
    Column("text", Text, nullable=False, default=""),
    Column("published", UTCDateTime),
    Column("fetched_at", UTCDateTime, nullable=False, index=True),
    Column("language", String(16), nullable=False, default="ar"),
    Column("bullets", Text, nullable=False, default="[]"),
    Column("summary_method", String(64)),
    Column("topics", Text, nullable=False, default="[]"),
    Column("is_tech", Boolean, nullable=False, default=True),
    Column("announce", Boolean, nullable=False, default=True),
    Column("cluster_id", Integer, index=True),
    Column("image_url", Text),
    Column("reading_url", Text),  # the article's Telegraph page, made once (bot.telegraph)
)

article_keys = Table(
    "article_keys",
    metadata,
    Column("key", String(2400), primary_key=True),
    Column(
        "article_id",
        Integer,
        ForeignKey("articles.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
)

chats = Table(
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
    Column("last_digest_at", UTCDateTime),
    Column("webhook_url", Text),
    Column("title", Text),
    Column("images", Boolean),  # None: the default (images in instant posts)
    Column("excluded_topics", Text, nullable=False, default="[]", server_default="[]"),
    Column("excluded_keywords", Text, nullable=False, default="[]", server_default="[]"),
)

chat_feeds = define_chat_feeds(metadata, UTCDateTime)
chat_feed_quotas = define_chat_feed_quotas(metadata)

deliveries = Table(
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
    Column("created_at", UTCDateTime, nullable=False),
    Column("due_at", UTCDateTime, nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text),
    Column("sent_at", UTCDateTime),
    # post | edit (DeliveryAction): an edit row names the further report of a story
    Column("action", String(8), nullable=False, default="post", server_default="post"),
    UniqueConstraint("platform", "chat_id", "article_id", name="uq_delivery_once"),
    Index("ix_deliveries_due", "state", "due_at"),
)

sent_messages = define_sent_messages(metadata, UTCDateTime)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _topics_to_json(topics: tuple[TopicMatch, ...]) -> str:
    return _dumps([{"topic": m.topic, "score": m.score, "terms": list(m.terms)} for m in topics])


def _topics_from_json(raw: str) -> tuple[TopicMatch, ...]:
    return tuple(
        TopicMatch(topic=d["topic"], score=float(d["score"]), terms=tuple(d.get("terms", ())))
        for d in json.loads(raw or "[]")
    )


def _article_values(
    entry: Entry,
    *,
    text: str,
    canonical_url: str | None,
    fetched_at: datetime,
    bullets: tuple[str, ...],
    summary_method: str,
    topics: tuple[TopicMatch, ...],
    is_tech: bool,
    announce: bool,
) -> dict[str, Any]:
    """The `articles` columns for a new article."""
    return {
        "feed_url": entry.feed_url,
        "title": entry.title,
        "url": entry.url,
        "canonical_url": canonical_url,
        "guid": entry.guid,
        "text": text,
        "published": entry.published,
        "fetched_at": fetched_at,
        "language": entry.language or "ar",
        "bullets": _dumps(list(bullets)),
        "summary_method": summary_method,
        "topics": _topics_to_json(topics),
        "is_tech": is_tech,
        "announce": announce,
        "image_url": entry.image_url,
    }


def _feed_from_row(row: Row[Any]) -> Feed:
    return Feed(
        url=row.url,
        name=row.name,
        title=row.title,
        enabled=bool(row.enabled),
        tech_only=bool(row.tech_only),
        language=row.language,
        etag=row.etag,
        last_modified=row.last_modified,
        last_fetched_at=row.last_fetched_at,
        last_success_at=row.last_success_at,
        last_error=row.last_error,
        error_count=row.error_count,
        next_fetch_at=row.next_fetch_at,
        disabled_reason=row.disabled_reason,
        public=bool(row.public),
    )


def _article_from_row(row: Row[Any]) -> Article:
    return Article(
        id=row.id,
        feed_url=row.feed_url,
        title=row.title,
        url=row.url,
        canonical_url=row.canonical_url,
        guid=row.guid,
        text=row.text,
        published=row.published,
        fetched_at=row.fetched_at,
        language=row.language,
        bullets=tuple(json.loads(row.bullets or "[]")),
        summary_method=row.summary_method,
        topics=_topics_from_json(row.topics),
        is_tech=bool(row.is_tech),
        announce=bool(row.announce),
        cluster_id=row.cluster_id,
        image_url=row.image_url,
        reading_url=row.reading_url,
    )


def _chat_from_row(row: Row[Any]) -> ChatSettings:
    return ChatSettings(
        chat=ChatRef.from_key(Platform(row.platform), row.chat_id, ChatKind(row.kind)),
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


def _delivery_from_row(row: Row[Any]) -> Delivery:
    return Delivery(
        id=row.id,
        chat=ChatRef.from_key(Platform(row.platform), row.chat_id, ChatKind(row.kind)),
        article_id=row.article_id,
        state=DeliveryState(row.state),
        created_at=row.created_at,
        due_at=row.due_at,
        attempts=row.attempts,
        last_error=row.last_error,
        sent_at=row.sent_at,
        action=DeliveryAction(row.action),
    )


def _chat_where(chat: ChatRef) -> Any:
    return and_(chats.c.platform == chat.platform.value, chats.c.chat_id == chat.key)


class SqlStorage(ChatFeedRows, SentMessageRows):
    """`digest.ports.Storage` on SQLAlchemy Core.

    Raises StorageError (wrapping the driver's error) when the database fails, and
    NotFoundError where a method says so.
    """

    _feeds_table = feeds
    _chat_feeds_table = chat_feeds
    _deliveries_table = deliveries
    _quotas_table = chat_feed_quotas
    _sent_messages_table = sent_messages
    _delivery_row = staticmethod(_delivery_from_row)

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._is_sqlite = engine.dialect.name == "sqlite"
        if self._is_sqlite:
            event.listen(engine, "connect", sqlite_pragmas)
        try:
            migrate(engine)
        except SQLAlchemyError as exc:
            raise StorageError(f"cannot open database: {_reason(exc)}") from exc

    @classmethod
    def from_url(
        cls, url: str, *, create_folder_within: Path | None = None, create_folder: bool = False
    ) -> SqlStorage:
        """Open (and create the schema of) the database at a SQLAlchemy URL. A SQLite
        file's missing folder is created when it lies inside `create_folder_within` or
        when `create_folder` is true; otherwise ConfigError names it. A URL that cannot
        be used (unknown kind, driver not installed) is a ConfigError too; StorageError
        when the database itself fails."""
        kwargs: dict[str, Any] = {"future": True}
        if (url.startswith("sqlite") and ":memory:" in url) or url == "sqlite://":
            from sqlalchemy.pool import StaticPool

            # One shared connection, so an in-memory database survives between calls.
            kwargs.update(poolclass=StaticPool, connect_args={"check_same_thread": False})
        elif url.startswith("sqlite"):
            kwargs.update(connect_args={"check_same_thread": False, "timeout": 30})
            prepare_parent_folder(url, create_within=create_folder_within, create=create_folder)
        try:
            engine = create_engine(url, **kwargs)
        except SQLAlchemyError as exc:
            raise ConfigError(f"database_url: bad database URL: {_reason(exc)}") from exc
        except (ImportError, ValueError) as exc:  # a driver not installed, a bad port
            raise ConfigError(f"database_url: bad database URL: {exc}") from exc
        return cls(engine)

    @property
    def engine(self) -> Engine:
        return self._engine

    @contextmanager
    def _tx(self) -> Iterator[Connection]:
        try:
            with self._engine.begin() as conn:
                yield conn
        except SQLAlchemyError as exc:
            raise StorageError(_reason(exc)) from exc

    def close(self) -> None:
        self._engine.dispose()

    # --- feeds ------------------------------------------------------------------------

    def sync_feeds(self, configs: Iterable[FeedConfig]) -> None:
        with self._tx() as conn:
            for cfg in configs:
                row = conn.execute(select(feeds).where(feeds.c.url == cfg.url)).first()
                if row is None:
                    # Another process starting at the same moment may insert it first.
                    conn.execute(
                        self._insert_ignoring_duplicates(feeds).values(
                            url=cfg.url,
                            name=cfg.name,
                            enabled=cfg.enabled,
                            tech_only=cfg.tech_only,
                            language=cfg.language,
                            error_count=0,
                            public=True,
                        )
                    )
                    continue
                values: dict[str, Any] = {
                    "name": cfg.name,
                    "tech_only": cfg.tech_only,
                    "language": cfg.language,
                    # Listed by the operator: shown to every chat, even if chats added it.
                    "public": True,
                }
                # A feed the system disabled (410, failure run) stays off until an operator
                # re-enables it explicitly; config can still switch a feed off.
                if row.disabled_reason is None or not cfg.enabled:
                    values["enabled"] = cfg.enabled
                conn.execute(update(feeds).where(feeds.c.url == cfg.url).values(**values))

    def _insert_ignoring_duplicates(self, table: Table) -> Any:
        """INSERT that does nothing when the primary key exists (both dialects)."""
        if self._is_sqlite:
            from sqlalchemy.dialects.sqlite import insert as sqlite_insert

            return sqlite_insert(table).on_conflict_do_nothing()
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table).on_conflict_do_nothing()

    def add_feed(self, config: FeedConfig) -> Feed:
        """Add one feed (idempotent); returns it."""
        self.sync_feeds([config])
        return self.get_feed(config.url)

    def enable_feed(self, url: str) -> None:
        """Re-enable a feed and forget its error run. Raises NotFoundError."""
        self._update_feed(
            url, enabled=True, disabled_reason=None, error_count=0, next_fetch_at=None
        )

    def remove_feed(self, url: str) -> None:
        """Forget a feed (its articles stay). Raises NotFoundError."""
        with self._tx() as conn:
            if conn.execute(delete(feeds).where(feeds.c.url == url)).rowcount == 0:
                raise NotFoundError(f"no feed {url}")

    def get_feed(self, url: str) -> Feed:
        with self._tx() as conn:
            row = conn.execute(select(feeds).where(feeds.c.url == url)).first()
        if row is None:
            raise NotFoundError(f"no feed {url}")
        return _feed_from_row(row)

    def get_feeds(self, *, enabled: bool | None = None) -> list[Feed]:
        query = select(feeds).order_by(feeds.c.url)
        if enabled is not None:
            query = query.where(feeds.c.enabled == enabled)
        with self._tx() as conn:
            return [_feed_from_row(r) for r in conn.execute(query)]

    def _update_feed(self, url: str, **values: Any) -> None:
        with self._tx() as conn:
            result = conn.execute(update(feeds).where(feeds.c.url == url).values(**values))
            if result.rowcount == 0:
                raise NotFoundError(f"no feed {url}")

    def record_fetch_success(
        self,
        url: str,
        *,
        at: datetime,
        etag: str | None,
        last_modified: str | None,
        title: str | None,
        next_fetch_at: datetime | None = None,
        warning: str | None = None,
    ) -> None:
        values: dict[str, Any] = {
            "etag": etag,
            "last_modified": last_modified,
            "last_fetched_at": at,
            "last_success_at": at,
            "last_error": warning,
            "error_count": 0,
            "next_fetch_at": next_fetch_at,
        }
        if title:
            values["title"] = title
        self._update_feed(url, **values)

    def record_fetch_error(
        self, url: str, *, at: datetime, error: str, next_fetch_at: datetime | None
    ) -> int:
        with self._tx() as conn:
            result = conn.execute(
                update(feeds)
                .where(feeds.c.url == url)
                .values(
                    last_fetched_at=at,
                    last_error=error,
                    error_count=feeds.c.error_count + 1,
                    next_fetch_at=next_fetch_at,
                )
            )
            if result.rowcount == 0:
                raise NotFoundError(f"no feed {url}")
            count = conn.execute(select(feeds.c.error_count).where(feeds.c.url == url)).scalar()
        return int(count or 0)

    def move_feed(self, old_url: str, new_url: str) -> None:
        if old_url == new_url:
            return
        with self._tx() as conn:
            old = conn.execute(select(feeds).where(feeds.c.url == old_url)).first()
            if old is None:
                raise NotFoundError(f"no feed {old_url}")
            if conn.execute(select(feeds.c.url).where(feeds.c.url == new_url)).first():
                # Two configured URLs now point at one feed: keep the target, drop the alias.
                conn.execute(delete(feeds).where(feeds.c.url == old_url))
            else:
                conn.execute(update(feeds).where(feeds.c.url == old_url).values(url=new_url))
            conn.execute(
                update(articles).where(articles.c.feed_url == old_url).values(feed_url=new_url)
            )
            self._move_chat_feeds(conn, old_url, new_url)
            # Per-feed identity keys embed the feed URL; rewrite them so that items seen at
            # the old address are still recognised at the new one.
            for prefix in ("guid:", "title:"):
                old_prefix = f"{prefix}{old_url}|"
                rows = conn.execute(
                    select(article_keys).where(article_keys.c.key.startswith(old_prefix))
                ).all()
                for row in rows:
                    new_key = f"{prefix}{new_url}|{row.key[len(old_prefix) :]}"
                    conn.execute(delete(article_keys).where(article_keys.c.key == row.key))
                    exists = conn.execute(
                        select(article_keys.c.key).where(article_keys.c.key == new_key)
                    ).first()
                    if not exists:
                        conn.execute(
                            insert(article_keys).values(key=new_key, article_id=row.article_id)
                        )

    def disable_feed(self, url: str, reason: str) -> None:
        self._update_feed(url, enabled=False, disabled_reason=reason)

    def claim_due_feeds(
        self, *, now: datetime, owner: str, lease_seconds: float, limit: int
    ) -> list[Feed]:
        from datetime import timedelta

        until = now + timedelta(seconds=lease_seconds)
        due = and_(
            feeds.c.enabled.is_(True),
            or_(feeds.c.next_fetch_at.is_(None), feeds.c.next_fetch_at <= now),
            or_(
                feeds.c.lease_until.is_(None),
                feeds.c.lease_until <= now,
                feeds.c.lease_owner == owner,
            ),
        )
        query = select(feeds).where(due).order_by(feeds.c.next_fetch_at, feeds.c.url).limit(limit)
        if not self._is_sqlite:
            # Several processes may poll one PostgreSQL database: each takes different rows.
            query = query.with_for_update(skip_locked=True)
        with self._tx() as conn:
            rows = conn.execute(query).all()
            urls = [r.url for r in rows]
            if urls:
                conn.execute(
                    update(feeds)
                    .where(feeds.c.url.in_(urls))
                    .values(lease_owner=owner, lease_until=until)
                )
        return [_feed_from_row(r) for r in rows]

    def release_feed(self, url: str, owner: str) -> None:
        with self._tx() as conn:
            conn.execute(
                update(feeds)
                .where(and_(feeds.c.url == url, feeds.c.lease_owner == owner))
                .values(lease_owner=None, lease_until=None)
            )

    def feed_lease_owners(self) -> list[str]:
        query = (
            select(feeds.c.lease_owner)
            .where(feeds.c.lease_owner.is_not(None))
            .distinct()
            .order_by(feeds.c.lease_owner)
        )
        with self._tx() as conn:
            return [owner for (owner,) in conn.execute(query)]

    def release_feed_leases(self, owner: str) -> int:
        with self._tx() as conn:
            result = conn.execute(
                update(feeds)
                .where(feeds.c.lease_owner == owner)
                .values(lease_owner=None, lease_until=None)
            )
            return int(result.rowcount or 0)

    # --- articles ---------------------------------------------------------------------

    def has_article(self, keys: Sequence[str]) -> bool:
        if not keys:
            return False
        with self._tx() as conn:
            row = conn.execute(
                select(article_keys.c.key).where(article_keys.c.key.in_(list(keys))).limit(1)
            ).first()
        return row is not None

    def add_article(
        self,
        entry: Entry,
        *,
        keys: Sequence[str],
        text: str,
        canonical_url: str | None,
        fetched_at: datetime,
        bullets: tuple[str, ...],
        summary_method: str,
        topics: tuple[TopicMatch, ...],
        is_tech: bool,
        announce: bool,
        cluster_id: int | None = None,
    ) -> Article | None:
        unique_keys = list(dict.fromkeys(keys))
        try:
            with self._engine.begin() as conn:
                if (
                    unique_keys
                    and conn.execute(
                        select(article_keys.c.key)
                        .where(article_keys.c.key.in_(unique_keys))
                        .limit(1)
                    ).first()
                ):
                    return None
                inserted = conn.execute(
                    insert(articles).values(
                        **_article_values(
                            entry,
                            text=text,
                            canonical_url=canonical_url,
                            fetched_at=fetched_at,
                            bullets=bullets,
                            summary_method=summary_method,
                            topics=topics,
                            is_tech=is_tech,
                            announce=announce,
                        ),
                        cluster_id=cluster_id,
                    )
                ).inserted_primary_key
                if inserted is None:
                    raise StorageError("insert returned no primary key")
                article_id = inserted[0]
                if unique_keys:
                    conn.execute(
                        insert(article_keys),
                        [{"key": k, "article_id": article_id} for k in unique_keys],
                    )
        except IntegrityError:
            # Another process stored the same story between our check and insert.
            return None
        except SQLAlchemyError as exc:
            raise StorageError(_reason(exc)) from exc
        return self.get_article(int(article_id))

    def remember_entries(
        self, items: Sequence[tuple[Entry, Sequence[str], str | None]], *, fetched_at: datetime
    ) -> list[int]:
        """Store (entry, identity keys, canonical URL) that are never to be posted (a
        feed's backlog) in one transaction: no summary, not announced, each its own
        cluster. Entries whose keys are already stored are skipped. Returns the new ids.
        Another process storing the same entries meanwhile (a key conflict) makes the
        whole batch run again, which then skips what that process stored."""
        for _attempt in range(3):
            try:
                return self._remember_entries(items, fetched_at=fetched_at)
            except StorageError as exc:
                if not isinstance(exc.__cause__, IntegrityError):
                    raise
        return self._remember_entries(items, fetched_at=fetched_at)

    def _remember_entries(
        self, items: Sequence[tuple[Entry, Sequence[str], str | None]], *, fetched_at: datetime
    ) -> list[int]:
        with self._tx() as conn:
            all_keys = list({k for _entry, keys, _canonical in items for k in keys})
            taken: set[str] = set()
            for start in range(0, len(all_keys), 500):  # stay under bound-parameter limits
                chunk = all_keys[start : start + 500]
                taken.update(
                    conn.execute(
                        select(article_keys.c.key).where(article_keys.c.key.in_(chunk))
                    ).scalars()
                )
            fresh: list[tuple[Entry, list[str], str | None]] = []
            for entry, keys, canonical in items:
                unique_keys = list(dict.fromkeys(keys))
                if taken.intersection(unique_keys):
                    continue
                taken.update(unique_keys)  # a feed repeating an item in one document
                fresh.append((entry, unique_keys, canonical))
            if not fresh:
                return []
            rows = [
                _article_values(
                    entry,
                    text=entry.content or entry.summary,
                    canonical_url=canonical,
                    fetched_at=fetched_at,
                    bullets=(),
                    summary_method="none",
                    topics=(),
                    is_tech=True,
                    announce=False,
                )
                for entry, _keys, canonical in fresh
            ]
            new_ids = [
                int(i)
                for i in conn.execute(
                    insert(articles).returning(articles.c.id, sort_by_parameter_order=True),
                    rows,
                ).scalars()
            ]
            conn.execute(
                update(articles).where(articles.c.id.in_(new_ids)).values(cluster_id=articles.c.id)
            )
            key_rows = [
                {"key": key, "article_id": article_id}
                for article_id, (_entry, keys, _canonical) in zip(new_ids, fresh, strict=True)
                for key in keys
            ]
            if key_rows:
                conn.execute(insert(article_keys), key_rows)
        return new_ids

    def get_article(self, article_id: int) -> Article:
        with self._tx() as conn:
            row = conn.execute(select(articles).where(articles.c.id == article_id)).first()
        if row is None:
            raise NotFoundError(f"no article {article_id}")
        return _article_from_row(row)

    def get_articles_by_ids(self, ids: Sequence[int]) -> list[Article]:
        """Articles in the order of `ids`; missing ids are skipped."""
        if not ids:
            return []
        with self._tx() as conn:
            rows = conn.execute(select(articles).where(articles.c.id.in_(list(ids)))).all()
        by_id = {r.id: _article_from_row(r) for r in rows}
        return [by_id[i] for i in ids if i in by_id]

    def find_article(self, url: str) -> Article | None:
        with self._tx() as conn:
            row = conn.execute(
                select(articles)
                .where(or_(articles.c.url == url, articles.c.canonical_url == url))
                .order_by(articles.c.id)
                .limit(1)
            ).first()
        return _article_from_row(row) if row else None

    def get_articles(
        self,
        *,
        since: datetime | None = None,
        announce: bool | None = None,
        limit: int | None = None,
        feed_url: str | None = None,
    ) -> list[Article]:
        query = select(articles).order_by(articles.c.fetched_at.desc(), articles.c.id.desc())
        if since is not None:
            query = query.where(articles.c.fetched_at > since)
        if announce is not None:
            query = query.where(articles.c.announce == announce)
        if feed_url is not None:
            query = query.where(articles.c.feed_url == feed_url)
        if limit is not None:
            query = query.limit(limit)
        with self._tx() as conn:
            return [_article_from_row(r) for r in conn.execute(query)]

    def get_cluster(self, cluster_id: int) -> list[Article]:
        """Every article of one story cluster, oldest first."""
        with self._tx() as conn:
            rows = conn.execute(
                select(articles)
                .where(or_(articles.c.cluster_id == cluster_id, articles.c.id == cluster_id))
                .order_by(articles.c.id)
            ).all()
        return [_article_from_row(r) for r in rows]

    def count_articles(self) -> int:
        with self._tx() as conn:
            return int(conn.execute(select(func.count()).select_from(articles)).scalar() or 0)

    def set_summary(self, article_id: int, bullets: tuple[str, ...], method: str) -> None:
        self._update_article(article_id, bullets=_dumps(list(bullets)), summary_method=method)

    def set_placement(self, article_id: int, *, cluster_id: int | None, announce: bool) -> None:
        """Record the article's story cluster and whether it may be posted.
        Raises NotFoundError."""
        self._update_article(article_id, cluster_id=cluster_id, announce=announce)

    def set_reading_url(self, article_id: int, url: str) -> None:
        """Remember the article's reading page (made once, reused). Raises NotFoundError."""
        self._update_article(article_id, reading_url=url)

    def set_topics(self, article_id: int, topics: tuple[TopicMatch, ...]) -> None:
        self._update_article(article_id, topics=_topics_to_json(topics))

    def _update_article(self, article_id: int, **values: Any) -> None:
        with self._tx() as conn:
            result = conn.execute(
                update(articles).where(articles.c.id == article_id).values(**values)
            )
            if result.rowcount == 0:
                raise NotFoundError(f"no article {article_id}")

    # --- chats ------------------------------------------------------------------------

    def get_chat(self, chat: ChatRef) -> ChatSettings:
        with self._tx() as conn:
            row = conn.execute(select(chats).where(_chat_where(chat))).first()
        if row is None:
            return ChatSettings(chat=chat)
        settings = _chat_from_row(row)
        # The caller knows the chat's current kind better than our stored copy.
        return settings if settings.chat == chat else replace(settings, chat=chat)

    def has_chat(self, chat: ChatRef) -> bool:
        with self._tx() as conn:
            row = conn.execute(select(chats.c.chat_id).where(_chat_where(chat))).first()
        return row is not None

    def save_chat(self, settings: ChatSettings) -> None:
        values = {
            "kind": settings.chat.kind.value,
            "language": settings.language,
            "topics": _dumps(sorted(settings.topics)),
            "keywords": _dumps(sorted(settings.keywords)),
            "mode": settings.mode.value,
            "schedule_time": settings.schedule_time,
            "timezone": settings.timezone,
            "paused_reason": settings.paused_reason,
            "last_digest_at": settings.last_digest_at,
            "webhook_url": settings.webhook_url,
            "title": settings.title,
            "images": settings.images,
            "excluded_topics": _dumps(sorted(settings.excluded_topics)),
            "excluded_keywords": _dumps(sorted(settings.excluded_keywords)),
        }
        with self._tx() as conn:
            result = conn.execute(update(chats).where(_chat_where(settings.chat)).values(**values))
            if result.rowcount == 0:
                inserted = conn.execute(
                    self._insert_ignoring_duplicates(chats).values(
                        platform=settings.chat.platform.value,
                        chat_id=settings.chat.key,
                        **values,
                    )
                )
                if inserted.rowcount == 0:  # another process created the row just now
                    conn.execute(update(chats).where(_chat_where(settings.chat)).values(**values))

    def get_chats(self, *, include_paused: bool = False) -> list[ChatSettings]:
        query = select(chats).order_by(chats.c.platform, chats.c.chat_id)
        if not include_paused:
            query = query.where(chats.c.paused_reason.is_(None))
        with self._tx() as conn:
            return [_chat_from_row(r) for r in conn.execute(query)]

    def pause_chat(self, chat: ChatRef, reason: str) -> None:
        settings = self.get_chat(chat)
        self.save_chat(replace(settings, paused_reason=reason))

    def resume_chat(self, chat: ChatRef) -> None:
        settings = self.get_chat(chat)
        self.save_chat(replace(settings, paused_reason=None))

    def migrate_chat(self, chat: ChatRef, new_chat_id: str) -> ChatRef:
        """Move a chat's settings, outbox rows and own feeds to its new id (a Telegram
        group upgraded to a supergroup); a forum topic keeps its thread id."""
        new_ref = replace(chat, chat_id=new_chat_id)
        with self._tx() as conn:
            old = conn.execute(select(chats).where(_chat_where(chat))).first()
            if old is not None:
                conn.execute(delete(chats).where(_chat_where(new_ref)))
                conn.execute(update(chats).where(_chat_where(chat)).values(chat_id=new_ref.key))
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
            old_where = and_(
                deliveries.c.platform == chat.platform.value,
                deliveries.c.chat_id == chat.key,
            )
            if existing:
                conn.execute(
                    delete(deliveries).where(old_where, deliveries.c.article_id.in_(existing))
                )
            conn.execute(update(deliveries).where(old_where).values(chat_id=new_ref.key))
            self._migrate_chat_feeds(conn, chat, new_ref)
        return new_ref

    # --- outbox -----------------------------------------------------------------------

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

    def pending_deliveries(
        self, *, now: datetime, limit: int, chat: ChatRef | None = None
    ) -> list[Delivery]:
        query = (
            select(deliveries)
            .where(
                deliveries.c.state == DeliveryState.PENDING.value,
                deliveries.c.due_at <= now,
            )
            .order_by(deliveries.c.due_at, deliveries.c.id)
            .limit(limit)
        )
        if chat is not None:
            query = query.where(
                deliveries.c.platform == chat.platform.value,
                deliveries.c.chat_id == chat.key,
            )
        with self._tx() as conn:
            return [_delivery_from_row(r) for r in conn.execute(query)]

    def claim_deliveries(
        self, *, now: datetime, limit: int, lease_seconds: float
    ) -> list[Delivery]:
        """Due pending rows, leased to the caller: their due time moves `lease_seconds`
        ahead in the same transaction, so another process draining this database does
        not take them too (PostgreSQL: FOR UPDATE SKIP LOCKED). Marking a row sent,
        retried or failed ends its lease; rows of a process that died become due again
        when the lease runs out."""
        from datetime import timedelta

        query = (
            select(deliveries)
            .where(
                deliveries.c.state == DeliveryState.PENDING.value,
                deliveries.c.due_at <= now,
            )
            .order_by(deliveries.c.due_at, deliveries.c.id)
            .limit(limit)
        )
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
        return [_delivery_from_row(r) for r in rows]

    def release_deliveries(self, rows: Sequence[Delivery]) -> None:
        """End the lease of rows `claim_deliveries` returned that the caller will not
        deliver now: each is due again at the due time it had when claimed (`rows` as
        the claim returned them), for this or another process to claim at once instead
        of when the lease runs out. A row settled since it was claimed is left as it is:
        sent or failed (state), or retried (`mark_retry` counted an attempt)."""
        if not rows:
            return
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
        query = (
            select(func.count())
            .select_from(deliveries)
            .where(deliveries.c.state == DeliveryState.PENDING.value)
        )
        if chat is not None:
            query = query.where(
                deliveries.c.platform == chat.platform.value,
                deliveries.c.chat_id == chat.key,
            )
        with self._tx() as conn:
            return int(conn.execute(query).scalar() or 0)

    def unqueued_article_ids(
        self, chat: ChatRef, *, feed_urls: Sequence[str] | None = None
    ) -> list[int]:
        """Ids of the announced articles never queued for `chat` (in any state), oldest
        first; only those of `feed_urls` when given. No cap: a long absence must not
        leave stories behind."""
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
        with self._tx() as conn:
            conn.execute(
                update(deliveries).where(deliveries.c.id.in_(list(delivery_ids))).values(**values)
            )

    def was_delivered(self, chat: ChatRef, article_id: int) -> bool:
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
