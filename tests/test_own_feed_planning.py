"""Who gets the items of a chat's own feed (issue #16), on a real SQLite storage: every
item to the chats that added it (instantly or in their digest), merged with a story
they already have, none to other chats, and the source never named to them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.delivery import DeliveryPlanner
from digest.clock import FakeClock
from digest.models import ChatKind, ChatRef, ChatSettings, DeliveryMode, FeedConfig, Platform
from digest.storage import SqlStorage
from digest.stories import StoryBuilder
from tests.fakes import FEED_URL, add_article, add_feed, database_at_revision

T0 = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
OWN = "https://blog.example/feed.xml"
OWNER = ChatRef(Platform.TELEGRAM, "11")
OTHER = ChatRef(Platform.TELEGRAM, "22")


@pytest.fixture
def storage(tmp_path: Path) -> Iterator[SqlStorage]:
    store = SqlStorage.from_url(f"sqlite:///{tmp_path / 'nd.sqlite3'}")
    add_feed(store)  # the operator's feed
    store.save_chat(ChatSettings(chat=OWNER))  # all technology
    store.save_chat(ChatSettings(chat=OTHER))  # all technology
    store.add_chat_feed(OWNER, OWN, title="مدونة", language="ar", at=T0)
    try:
        yield store
    finally:
        store.close()


def queued(storage: SqlStorage, chat: ChatRef) -> set[int]:
    rows = storage.pending_deliveries(now=T0 + timedelta(days=1), limit=100, chat=chat)
    return {r.article_id for r in rows}


def test_every_item_of_an_own_feed_goes_to_its_chat_only(storage: SqlStorage) -> None:
    planner = DeliveryPlanner(storage, FakeClock(T0))
    own = add_article(storage, "خبر من المدونة", at=T0, feed_url=OWN, is_tech=False)
    public = add_article(storage, "خبر تقني عام", at=T0, feed_url=FEED_URL)
    planner.enqueue_article_ids([own, public])
    # not technology, still the owner's: every item of its own feed
    assert queued(storage, OWNER) == {own}  # own feeds narrow "all technology"
    assert queued(storage, OTHER) == {public}


def test_an_own_item_joining_a_story_is_merged_not_repeated(storage: SqlStorage) -> None:
    planner = DeliveryPlanner(storage, FakeClock(T0))
    storage.save_chat(ChatSettings(chat=OWNER, topics=frozenset({"ai"})))
    head = add_article(storage, "نموذج ذكاء اصطناعي جديد", at=T0, topics=["ai"])
    planner.enqueue_article_ids([head])
    rows = storage.pending_deliveries(now=T0, limit=10, chat=OWNER)
    storage.mark_sent([r.id for r in rows], at=T0)
    joined = add_article(storage, "النموذج الجديد", at=T0, feed_url=OWN, announce=False)
    storage.set_placement(joined, cluster_id=head, announce=False)
    lone = add_article(storage, "تدوينة أخرى", at=T0, feed_url=OWN, announce=False)
    storage.set_placement(lone, cluster_id=head + 1000, announce=False)  # another story
    planner.enqueue_article_ids([joined, lone])
    assert queued(storage, OWNER) == {lone}  # the story it joined was already told
    assert storage.get_articles_by_ids([joined])[0].cluster_id == head


def test_a_scheduled_chat_gets_its_own_items_in_the_digest(storage: SqlStorage) -> None:
    storage.save_chat(
        ChatSettings(
            chat=OWNER, mode=DeliveryMode.SCHEDULED, schedule_time="08:00", last_digest_at=T0
        )
    )
    storage.save_chat(
        ChatSettings(
            chat=OTHER, mode=DeliveryMode.SCHEDULED, schedule_time="08:00", last_digest_at=T0
        )
    )
    own = add_article(storage, "تدوينة", at=T0 + timedelta(hours=1), feed_url=OWN)
    public = add_article(storage, "خبر عام", at=T0 + timedelta(hours=2))
    planner = DeliveryPlanner(storage, FakeClock(T0 + timedelta(days=1)))
    assert planner.enqueue_due_digests() == 2
    assert queued(storage, OWNER) == {own}
    assert queued(storage, OTHER) == {public}


def test_a_private_source_is_not_named_under_another_chats_story(storage: SqlStorage) -> None:
    head = add_article(storage, "خبر", at=T0)
    joined = add_article(storage, "الخبر نفسه", at=T0, feed_url=OWN, announce=False)
    storage.set_placement(joined, cluster_id=head, announce=False)
    storage.set_placement(head, cluster_id=head, announce=True)
    story = StoryBuilder(storage).story(storage.get_article(head))
    assert story.other_sources == ()
    storage.sync_feeds([FeedConfig(url=OWN, name="مدونة")])  # the operator lists it
    story = StoryBuilder(storage).story(storage.get_article(head))
    # Named now (the fuller report leads the story, issue #14: either may come first).
    assert sorted([story.source.name, *(s.name for s in story.other_sources)]) == sorted(
        ["تقنية اليوم", "مدونة"]
    )


def test_a_database_of_revision_0001_gets_public_feeds(tmp_path: Path) -> None:
    """Feeds stored before chats could add any were the operator's: public after the
    upgrade (server default), and the chat_feeds table exists."""
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    database_at_revision(
        url,
        "0001",
        "INSERT INTO feeds (url, enabled, tech_only, language, error_count) "
        "VALUES ('https://old.example/rss', 1, 0, 'ar', 0)",
    )
    store = SqlStorage.from_url(url)
    try:
        assert store.get_feed("https://old.example/rss").public
        assert store.get_chat_feeds(ChatRef(Platform.TELEGRAM, "1", ChatKind.PRIVATE)) == []
    finally:
        store.close()
