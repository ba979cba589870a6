"""SQLAlchemy 2 storage: SQLite by default, PostgreSQL for larger installs.

Implements `digest.ports.Storage`. SQLAlchemy Core is used rather than the ORM so that
rows map straight onto the frozen domain types and nothing mutable leaks out. Every
datetime goes in and comes out as an aware UTC datetime.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Dialect,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
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
from .chat_storage import ChatRows, define_chats
from .database import json_text, migrate, prepare_parent_folder, sqlite_pragmas
from .database import reason as _reason
from .errors import ConfigError, NotFoundError, StorageError
from .models import (
    Article,
    Entry,
    Feed,
    FeedConfig,
    TopicMatch,
)
from .outbox_storage import OutboxRows, define_deliveries, delivery_from_row
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

chats = define_chats(metadata, UTCDateTime)

chat_feeds = define_chat_feeds(metadata, UTCDateTime)
chat_feed_quotas = define_chat_feed_quotas(metadata)

deliveries = define_deliveries(metadata, UTCDateTime)

sent_messages = define_sent_messages(metadata, UTCDateTime)


def _topics_to_json(topics: tuple[TopicMatch, ...]) -> str:
    return json_text([{"topic": m.topic, "score": m.score, "terms": list(m.terms)} for m in topics])


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
        "bullets": json_text(list(bullets)),
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


class SqlStorage(ChatFeedRows, SentMessageRows, OutboxRows, ChatRows):
    """`digest.ports.Storage` on SQLAlchemy Core.

    Raises StorageError (wrapping the driver's error) when the database fails, and
    NotFoundError where a method says so.
    """

    _feeds_table = feeds
    _chat_feeds_table = chat_feeds
    _chats_table = chats
    _deliveries_table = deliveries
    _articles_table = articles
    _quotas_table = chat_feed_quotas
    _sent_messages_table = sent_messages
    _delivery_row = staticmethod(delivery_from_row)

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
        self._update_article(article_id, bullets=json_text(list(bullets)), summary_method=method)

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
