"""SqlStorage on real SQLite (memory and file), and on PostgreSQL when
NEWSDIGEST_TEST_POSTGRES_URL names a server (set by .ci/run when one is available)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from digest.errors import ConfigError, NotFoundError
from digest.models import (
    ChatKind,
    ChatRef,
    DeliveryMode,
    DeliveryState,
    Entry,
    FeedConfig,
    Platform,
    TopicMatch,
)
from digest.storage import SqlStorage, metadata
from tests.fakes import database_at_revision

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
FEED = "https://example.org/feed"

BACKENDS = ["sqlite-memory", "sqlite-file"]
if os.environ.get("NEWSDIGEST_TEST_POSTGRES_URL"):
    BACKENDS.append("postgresql")


@pytest.fixture(params=BACKENDS)
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SqlStorage]:
    if request.param == "sqlite-memory":
        store = SqlStorage.from_url("sqlite:///:memory:")
    elif request.param == "sqlite-file":
        store = SqlStorage.from_url(f"sqlite:///{tmp_path / 'nd.sqlite3'}")
    else:
        store = SqlStorage.from_url(os.environ["NEWSDIGEST_TEST_POSTGRES_URL"])
        metadata.drop_all(store.engine)
        metadata.create_all(store.engine)
    yield store
    if request.param == "postgresql":
        metadata.drop_all(store.engine)
    store.close()


def entry(n: int, *, feed: str = FEED, title: str | None = None) -> Entry:
    return Entry(
        feed_url=feed,
        title=title or f"خبر رقم {n}",
        url=f"https://example.org/a/{n}",
        guid=f"guid-{n}",
        summary="ملخص",
        published=T0,
    )


def add(storage: SqlStorage, n: int, **kw: object) -> int:
    e = entry(n)
    article = storage.add_article(
        e,
        keys=[f"url:{e.url}", f"guid:{e.feed_url}|{e.guid}"],
        text="نص المقال",
        canonical_url=e.url,
        fetched_at=T0 + timedelta(minutes=n),
        bullets=("نقطة أولى.", "نقطة ثانية."),
        summary_method="extractive",
        topics=(TopicMatch("ai", 2.0, ("ذكاء",)),),
        is_tech=True,
        announce=bool(kw.get("announce", True)),
    )
    assert article is not None
    return article.id


def test_feeds_sync_keeps_state_and_system_disable(storage: SqlStorage) -> None:
    storage.sync_feeds([FeedConfig(FEED, name="Example"), FeedConfig("file:///x.xml")])
    storage.record_fetch_success(
        FEED, at=T0, etag='"abc"', last_modified="Sun, 01 Mar 2026 12:00:00 GMT", title="T"
    )
    storage.sync_feeds([FeedConfig(FEED, name="Renamed", tech_only=True)])
    feed = storage.get_feed(FEED)
    assert (feed.name, feed.tech_only, feed.etag, feed.title) == ("Renamed", True, '"abc"', "T")
    assert feed.last_success_at == T0 and feed.last_success_at.tzinfo is not None

    storage.disable_feed(FEED, "410 Gone")
    storage.sync_feeds([FeedConfig(FEED, name="Renamed")])
    assert not storage.get_feed(FEED).enabled  # config alone does not revive a gone feed
    storage.enable_feed(FEED)
    assert storage.get_feed(FEED).enabled
    assert [f.url for f in storage.get_feeds(enabled=True)] == sorted([FEED, "file:///x.xml"])


def test_fetch_error_run_counts_and_resets(storage: SqlStorage) -> None:
    storage.add_feed(FeedConfig(FEED))
    assert storage.record_fetch_error(FEED, at=T0, error="timeout", next_fetch_at=T0) == 1
    assert storage.record_fetch_error(FEED, at=T0, error="timeout", next_fetch_at=T0) == 2
    assert storage.get_feed(FEED).last_error == "timeout"
    storage.record_fetch_success(FEED, at=T0, etag=None, last_modified=None, title=None)
    assert storage.get_feed(FEED).error_count == 0


def test_missing_feed_raises_not_found(storage: SqlStorage) -> None:
    with pytest.raises(NotFoundError):
        storage.get_feed("https://nowhere.example/feed")
    with pytest.raises(NotFoundError):
        storage.record_fetch_error(
            "https://nowhere.example/feed", at=T0, error="x", next_fetch_at=None
        )


def test_article_dedup_on_any_key(storage: SqlStorage) -> None:
    storage.add_feed(FeedConfig(FEED))
    first = add(storage, 1)
    assert storage.has_article(["url:https://example.org/a/1"])
    again = storage.add_article(
        entry(1),
        keys=["url:https://other.example/x", "guid:https://example.org/feed|guid-1"],
        text="",
        canonical_url=None,
        fetched_at=T0,
        bullets=(),
        summary_method="x",
        topics=(),
        is_tech=True,
        announce=True,
    )
    assert again is None
    stored = storage.get_article(first)
    assert stored.bullets == ("نقطة أولى.", "نقطة ثانية.")
    assert stored.topics == (TopicMatch("ai", 2.0, ("ذكاء",)),)
    assert stored.fetched_at.tzinfo is not None
    assert storage.find_article("https://example.org/a/1") == stored


def test_move_feed_keeps_identity(storage: SqlStorage) -> None:
    storage.add_feed(FeedConfig(FEED))
    add(storage, 1)
    new = "https://example.org/new-feed"
    storage.move_feed(FEED, new)
    assert storage.get_feed(new).url == new
    with pytest.raises(NotFoundError):
        storage.get_feed(FEED)
    assert storage.has_article([f"guid:{new}|guid-1"])
    assert not storage.has_article([f"guid:{FEED}|guid-1"])


def test_articles_listing_order_and_filters(storage: SqlStorage) -> None:
    storage.add_feed(FeedConfig(FEED))
    ids = [add(storage, n, announce=n != 2) for n in range(1, 4)]
    listed = storage.get_articles()
    assert [a.id for a in listed] == list(reversed(ids))
    assert [a.id for a in storage.get_articles(announce=True)] == [ids[2], ids[0]]
    assert [a.id for a in storage.get_articles(since=T0 + timedelta(minutes=1))] == [
        ids[2],
        ids[1],
    ]
    assert [a.id for a in storage.get_articles_by_ids([ids[2], 999, ids[0]])] == [ids[2], ids[0]]


def test_chat_settings_round_trip_pause_and_migrate(storage: SqlStorage) -> None:
    group = ChatRef(Platform.TELEGRAM, "-100", ChatKind.GROUP)
    assert storage.get_chat(group).topics == frozenset()  # defaults, not stored
    assert storage.get_chats() == []
    settings = replace(
        storage.get_chat(group),
        topics=frozenset({"ai", "phones"}),
        keywords=frozenset({"DeepSeek"}),
        mode=DeliveryMode.SCHEDULED,
        schedule_time="08:30",
        timezone="Asia/Riyadh",
        language="en",
    )
    storage.save_chat(settings)
    assert storage.get_chat(group) == settings

    storage.add_feed(FeedConfig(FEED))
    article_id = add(storage, 1)
    storage.enqueue(group, [article_id], due_at=T0)
    storage.pause_chat(group, "403 blocked")
    assert storage.get_chats() == []
    assert storage.get_chats(include_paused=True)[0].paused_reason == "403 blocked"
    storage.resume_chat(group)

    new = storage.migrate_chat(group, "-100200")
    assert new.chat_id == "-100200"
    assert storage.get_chat(new).topics == frozenset({"ai", "phones"})
    assert [d.chat for d in storage.pending_deliveries(now=T0, limit=10)] == [new]
    assert storage.get_chat(group).topics == frozenset()


def test_outbox_at_most_once(storage: SqlStorage) -> None:
    chat = ChatRef(Platform.DISCORD, "42", ChatKind.CHANNEL)
    storage.add_feed(FeedConfig(FEED))
    a, b = add(storage, 1), add(storage, 2)
    assert storage.enqueue(chat, [a, b, a], due_at=T0) == 2
    assert storage.enqueue(chat, [a, b], due_at=T0) == 0  # never queued twice
    due = storage.pending_deliveries(now=T0, limit=10)
    assert [d.article_id for d in due] == [a, b]
    assert storage.count_pending() == 2

    storage.mark_retry([due[1].id], error="429", due_at=T0 + timedelta(seconds=30))
    assert [d.article_id for d in storage.pending_deliveries(now=T0, limit=10)] == [a]
    storage.mark_sent([due[0].id], at=T0)
    assert storage.was_delivered(chat, a) and not storage.was_delivered(chat, b)
    later = storage.pending_deliveries(now=T0 + timedelta(minutes=1), limit=10)
    assert [(d.article_id, d.attempts) for d in later] == [(b, 1)]
    storage.mark_failed([later[0].id], error="400 bad")
    assert storage.pending_deliveries(now=T0 + timedelta(hours=1), limit=10) == []
    assert storage.count_pending() == 0
    assert later[0].state is DeliveryState.PENDING


def test_feed_leases(storage: SqlStorage) -> None:
    storage.sync_feeds([FeedConfig(f"https://example.org/{i}") for i in range(4)])
    one = storage.claim_due_feeds(now=T0, owner="p1", lease_seconds=60, limit=3)
    two = storage.claim_due_feeds(now=T0, owner="p2", lease_seconds=60, limit=3)
    assert len(one) == 3 and len(two) == 1
    assert not {f.url for f in one} & {f.url for f in two}
    # A lease expires, so a crashed poller does not hold feeds forever.
    again = storage.claim_due_feeds(
        now=T0 + timedelta(seconds=61), owner="p2", lease_seconds=60, limit=10
    )
    assert len(again) == 4
    storage.release_feed(one[0].url, "p2")
    storage.record_fetch_success(
        one[0].url,
        at=T0,
        etag=None,
        last_modified=None,
        title=None,
        next_fetch_at=T0 + timedelta(hours=1),
    )
    later = storage.claim_due_feeds(
        now=T0 + timedelta(seconds=62), owner="p3", lease_seconds=60, limit=10
    )
    assert one[0].url not in {f.url for f in later}


def test_all_feed_leases_of_one_owner_end_together(storage: SqlStorage) -> None:
    storage.sync_feeds([FeedConfig(f"https://example.org/{i}") for i in range(5)])
    assert storage.feed_lease_owners() == []
    storage.claim_due_feeds(now=T0, owner="host:7", lease_seconds=600, limit=3)
    storage.claim_due_feeds(now=T0, owner="host:8", lease_seconds=600, limit=10)
    assert storage.feed_lease_owners() == ["host:7", "host:8"]
    assert storage.release_feed_leases("host:7") == 3
    assert storage.release_feed_leases("host:7") == 0
    assert storage.feed_lease_owners() == ["host:8"]
    # the freed feeds are due at once for anyone; host:8's two stay leased
    freed = storage.claim_due_feeds(now=T0, owner="host:9", lease_seconds=600, limit=10)
    assert len(freed) == 3


def test_naive_datetimes_are_refused(storage: SqlStorage) -> None:
    storage.add_feed(FeedConfig(FEED))
    with pytest.raises(Exception, match="naive"):
        storage.record_fetch_success(
            FEED, at=datetime(2026, 1, 1), etag=None, last_modified=None, title=None
        )


def test_migrations_match_the_tables(storage: SqlStorage) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with storage.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
        version = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    assert diff == []
    assert version == "0006"


def test_a_database_at_the_first_revision_gains_image_urls_and_keeps_its_rows(
    tmp_path: Path,
) -> None:
    from sqlalchemy import create_engine, inspect

    url = f"sqlite:///{tmp_path / 'v1.sqlite3'}"
    database_at_revision(
        url,
        "0001",
        "INSERT INTO articles (feed_url, title, text, fetched_at, language, bullets,"
        " topics, is_tech, announce) VALUES ('f', 'old story', '', '2026-01-01 00:00:00',"
        " 'ar', '[]', '[]', 1, 1)",
    )
    engine = create_engine(url)
    assert "image_url" not in {c["name"] for c in inspect(engine).get_columns("articles")}
    engine.dispose()
    store = SqlStorage.from_url(url)
    (old,) = store.get_articles(announce=True, limit=5)
    assert old.title == "old story" and old.image_url is None
    store.close()


def test_database_made_before_migrations_is_stamped(tmp_path: Path) -> None:
    from sqlalchemy import create_engine

    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    metadata.create_all(create_engine(url))
    store = SqlStorage.from_url(url)
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == "0006"
    store.add_feed(FeedConfig(FEED))
    assert store.get_feed(FEED).url == FEED


def test_sqlite_file_in_a_folder_that_does_not_exist_yet(tmp_path: Path) -> None:
    """Created inside the data folder, or when asked; anywhere else a ConfigError names
    the missing folder and nothing is created (issue 12, item 18)."""
    path = tmp_path / "data" / "new" / "nd.sqlite3"
    store = SqlStorage.from_url(f"sqlite:///{path}", create_folder_within=tmp_path / "data")
    store.add_feed(FeedConfig(FEED))
    assert path.exists() and store.get_feed(FEED).url == FEED
    store.close()

    elsewhere = tmp_path / "elsewhere" / "dir" / "nd.sqlite3"
    with pytest.raises(ConfigError, match=f"folder {elsewhere.parent} does not exist"):
        SqlStorage.from_url(f"sqlite:///{elsewhere}", create_folder_within=tmp_path / "data")
    assert not (tmp_path / "elsewhere").exists()

    asked = SqlStorage.from_url(f"sqlite:///{elsewhere}", create_folder=True)
    asked.close()
    assert elsewhere.exists()


def test_remember_entries_in_one_go(storage: SqlStorage) -> None:
    storage.add_feed(FeedConfig(FEED))
    known = add(storage, 1)
    items = [
        (entry(n), [f"url:https://example.org/a/{n}"], f"https://example.org/a/{n}")
        for n in (1, 2, 3)
    ]
    new = storage.remember_entries(items, fetched_at=T0)
    assert len(new) == 2 and known not in new  # item 1 was stored already
    for article in storage.get_articles_by_ids(new):
        assert not article.announce and article.bullets == ()
        assert article.cluster_id == article.id and article.summary_method == "none"
    assert storage.find_article("https://example.org/a/3") is not None
    assert storage.remember_entries(items, fetched_at=T0) == []


def test_two_processes_syncing_the_same_feeds_at_once(
    storage: SqlStorage, request: pytest.FixtureRequest
) -> None:
    """Two `newsdigest run` starting together both add the configured feeds."""
    import threading

    if storage.engine.url.database in (None, "", ":memory:"):
        pytest.skip("one in-memory database cannot be opened twice")
    other = SqlStorage.from_url(storage.engine.url.render_as_string(hide_password=False))
    configs = [FeedConfig(f"https://example.org/{i}.xml") for i in range(50)]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def sync(store: SqlStorage) -> None:
        barrier.wait()
        try:
            store.sync_feeds(configs)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=sync, args=(s,)) for s in (storage, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    other.close()
    assert errors == []
    assert len(storage.get_feeds()) == 50
