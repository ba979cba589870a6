"""Ranking stories by importance (issue #14): the pure scoring of digest.ranking, the
order of /latest and digests, and /top with «تناقلتها N مصادر» through the real command
service, storage and renderers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.commands import CommandService
from bot.delivery import telegram_renderer
from bot.i18n import t
from digest.format import render_discord, render_plain
from digest.format.labels import covered_by
from digest.models import Source, Story
from digest.ranking import RankWeights, StoryFacts, importance, rank, rank_stories
from digest.storage import SqlStorage
from tests import test_commands as base
from tests.fakes import FEED_URL, FakeGate, add_article, add_feed

storage = base.storage
clock = base.clock
summarizer = base.summarizer
service = base.service
gate = base.gate
run = base.run
T0 = base.T0

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def test_importance_grows_with_outlets_recency_and_interest() -> None:
    fresh = StoryFacts(outlets=1, published=NOW)
    assert importance(fresh, NOW) == pytest.approx(1.0)
    assert importance(StoryFacts(2, NOW), NOW) == pytest.approx(2.0)
    assert importance(StoryFacts(4, NOW), NOW) == pytest.approx(3.0)  # log2: less per outlet
    assert importance(StoryFacts(1, NOW - timedelta(hours=12)), NOW) == pytest.approx(0.5)
    assert importance(StoryFacts(1, NOW, matched=1), NOW) == pytest.approx(1.25)
    assert importance(StoryFacts(1, NOW, matched=5), NOW) == pytest.approx(1.5)  # capped at 2
    assert importance(StoryFacts(1, None), NOW) == pytest.approx(0.0)  # unknown time: old
    assert importance(StoryFacts(1, NOW + timedelta(hours=3)), NOW) == pytest.approx(1.0)
    # Two outlets 12 hours ago beat one outlet now; a day costs about one outlet.
    assert importance(StoryFacts(2, NOW - timedelta(hours=12)), NOW) > importance(fresh, NOW)
    weights = RankWeights(coverage=0.0, recency=1.0, interest=0.0)
    assert importance(StoryFacts(8, NOW), NOW, weights) == pytest.approx(1.0)


def test_rank_orders_by_score_then_newer_then_key() -> None:
    items = {
        1: StoryFacts(1, NOW - timedelta(hours=1)),
        2: StoryFacts(3, NOW - timedelta(hours=6)),
        3: StoryFacts(1, NOW - timedelta(hours=1)),
        4: StoryFacts(1, NOW),
    }
    assert rank(list(items), items.__getitem__, NOW, key=lambda k: k) == [2, 4, 1, 3]
    assert rank([], items.__getitem__, NOW) == []


def story(article_id: int, outlets: int, hours_ago: float, topics: tuple[str, ...] = ()) -> Story:
    names = [f"مصدر {n}" for n in range(outlets)]
    return Story(
        article_id=article_id,
        title=f"خبر {article_id}",
        url=None,
        bullets=("نقطة",),
        published=NOW - timedelta(hours=hours_ago),
        source=Source(names[0], None),
        other_sources=tuple(Source(n, None) for n in names[1:]),
        topics=topics,
    )


def test_rank_stories_counts_named_outlets_and_the_chats_interest() -> None:
    stories = [story(1, 1, 0), story(2, 3, 5), story(3, 1, 0, ("ai",))]
    assert [s.article_id for s in rank_stories(stories, NOW)] == [2, 1, 3]  # tie: smaller id
    liked = rank_stories(stories, NOW, interest=lambda s: 2 if "ai" in s.topics else 0)
    assert [s.article_id for s in liked] == [2, 3, 1]
    # Interest outweighs a little age among stories covered alike.
    older_liked = [story(1, 1, 0), story(3, 1, 4, ("ai",))]
    interested = rank_stories(older_liked, NOW, interest=lambda s: 2 if "ai" in s.topics else 0)
    assert [s.article_id for s in interested] == [3, 1]


def test_covered_by_agrees_with_the_number() -> None:
    assert covered_by(1, "ar") == "نشرها مصدر واحد"
    assert covered_by(2, "ar") == "تناقلها مصدران"
    assert covered_by(3, "ar") == "تناقلتها 3 مصادر"
    assert covered_by(10, "ar") == "تناقلتها 10 مصادر"
    assert covered_by(11, "ar") == "تناقلها 11 مصدرًا"
    assert covered_by(1, "en") == "Covered by 1 source"
    assert covered_by(4, "en") == "Covered by 4 sources"


def add_story(
    storage: SqlStorage, title: str, outlets: list[str], *, at: datetime, topics: tuple[str, ...]
) -> int:
    """A story reported by each feed of `outlets`, placed as the pipeline places them."""
    first = add_article(storage, title, at=at, topics=topics, feed_url=outlets[0])
    storage.set_placement(first, cluster_id=first, announce=True)
    for n, feed in enumerate(outlets[1:], 1):
        other = add_article(
            storage, f"{title} ({n})", at=at + timedelta(minutes=n), topics=topics, feed_url=feed
        )
        storage.set_placement(other, cluster_id=first, announce=False)
    return first


FEEDS = [FEED_URL, "https://b.example/rss", "https://c.example/rss", "https://d.example/rss"]


@pytest.fixture
def newsroom(storage: SqlStorage) -> dict[str, int]:
    for n, url in enumerate(FEEDS[1:], 1):
        add_feed(storage, url, f"موقع {n}")
    return {
        "big": add_story(storage, "حدث كبير", FEEDS, at=T0 - timedelta(hours=6), topics=("ai",)),
        "two": add_story(storage, "حدث ثانٍ", FEEDS[:2], at=T0 - timedelta(hours=3), topics=()),
        "fresh": add_story(storage, "خبر طازج", FEEDS[:1], at=T0 - timedelta(minutes=5), topics=()),
        "old": add_story(storage, "حدث قديم", FEEDS, at=T0 - timedelta(days=3), topics=("ai",)),
    }


async def test_latest_orders_the_latest_stories_by_importance(
    service: CommandService, gate: FakeGate, newsroom: dict[str, int]
) -> None:
    reply = await run(service, gate, "latest", "3")
    assert [s.article_id for s in reply.stories] == [
        newsroom["big"],
        newsroom["two"],
        newsroom["fresh"],
    ]


async def test_top_shows_todays_most_covered_stories_with_their_counts(
    service: CommandService, gate: FakeGate, newsroom: dict[str, int]
) -> None:
    reply = await run(service, gate, "top")
    ids = [s.article_id for s in reply.stories]
    assert ids == [newsroom["big"], newsroom["two"], newsroom["fresh"]]  # not the 3-day-old one
    assert [s.coverage for s in reply.stories] == [4, 2, 1]
    assert reply.header == t("top_header", "ar", count=3, stories="")
    (html,) = [m.text for m in telegram_renderer(list(reply.stories), reply.header, "ar")]
    assert "تناقلتها 4 مصادر" in html and "تناقلها مصدران" in html
    plain = render_plain(list(reply.stories), header=reply.header, language="ar")
    assert "تناقلتها 4 مصادر" in plain
    embeds = [
        e
        for p in render_discord(list(reply.stories), header=None, language="en")
        for e in p["embeds"]
    ]
    assert "Covered by 4 sources" in embeds[0]["description"]
    one = await run(service, gate, "top", "1", language="en")
    assert [s.article_id for s in one.stories] == [newsroom["big"]]
    assert one.header == "Most covered today: 1 story"


async def test_top_with_nothing_today(service: CommandService, gate: FakeGate) -> None:
    reply = await run(service, gate, "top")
    assert reply.text == t("top_nothing", "ar") and not reply.stories
    bad = await run(service, gate, "top", "99")
    assert "top" in bad.text  # the usage line
