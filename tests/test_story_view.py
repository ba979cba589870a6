"""What readers see of a story several outlets reported (issue #14): listed once, every
outlet named («المصادر: …» / "Sources: …") in Telegram HTML, Discord embeds and plain
text, with the bullets of the most complete report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from digest.format import render_discord, render_plain, render_telegram
from digest.models import Entry, TopicMatch
from digest.storage import SqlStorage
from digest.stories import StoryBuilder, most_complete
from tests.fakes import FEED_URL, add_feed

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
OTHER_FEED = "https://other.example/rss"


def report(
    storage: SqlStorage, title: str, bullets: int, text: str, feed_url: str, joins: int | None
) -> int:
    link = f"https://{abs(hash(title))}.example/a"
    article = storage.add_article(
        Entry(feed_url=feed_url, title=title, url=link, guid=link, published=T0),
        keys=[link],
        text=text,
        canonical_url=link,
        fetched_at=T0,
        bullets=tuple(f"{title}: نقطة {n}" for n in range(bullets)),
        summary_method="test",
        topics=(TopicMatch("ai", 1.0),),
        is_tech=True,
        announce=joins is None,
    )
    assert article is not None
    storage.set_placement(article.id, cluster_id=joins or article.id, announce=joins is None)
    return article.id


def merged_story_storage() -> tuple[SqlStorage, int, int]:
    storage = SqlStorage.from_url("sqlite:///:memory:")
    add_feed(storage, FEED_URL, "تقنية اليوم")
    add_feed(storage, OTHER_FEED, "عالم التقنية")
    teaser = report(storage, "آبل تعلن هاتفًا", 2, "مقدمة قصيرة.", FEED_URL, None)
    full = report(
        storage, "آبل تكشف هاتفها الجديد بالتفصيل", 4, "نص كامل. " * 40, OTHER_FEED, teaser
    )
    return storage, teaser, full


def test_a_merged_story_shows_the_most_complete_report_and_every_outlet() -> None:
    storage, teaser, full = merged_story_storage()
    (story,) = StoryBuilder(storage).stories([storage.get_article(teaser)])
    assert story.article_id == teaser  # still the outbox row's story
    assert story.title == "آبل تكشف هاتفها الجديد بالتفصيل"
    assert len(story.bullets) == 4 and story.url == storage.get_article(full).url
    assert [story.source.name, *(s.name for s in story.other_sources)] == [
        "عالم التقنية",
        "تقنية اليوم",
    ]
    storage.close()


def test_most_complete_prefers_more_bullets_then_longer_text() -> None:
    storage, teaser, full = merged_story_storage()
    articles = [storage.get_article(teaser), storage.get_article(full)]
    assert most_complete(articles).id == full
    assert most_complete(articles[:1]).id == teaser
    storage.close()


def test_every_format_names_all_outlets_once() -> None:
    storage, teaser, _full = merged_story_storage()
    stories = StoryBuilder(storage).stories([storage.get_article(teaser)])
    (html,) = render_telegram(stories, header="ملخص", language="ar")
    assert html.count("<b><a ") == 1 and "آبل تعلن هاتفًا" not in html  # one entry
    assert "المصادر: " in html and "عالم التقنية" in html and "تقنية اليوم" in html
    plain = render_plain(stories, header=None, language="ar")
    assert "المصادر: عالم التقنية، تقنية اليوم" in plain
    english = render_plain(stories, header=None, language="en")
    # Arabic names in an English line are isolated (U+2067 ... U+2069): RTL-safe.
    assert "Sources: \u2067عالم التقنية\u2069, \u2067تقنية اليوم\u2069" in english
    (payload,) = render_discord(stories, header=None, language="ar")
    (embed,) = payload["embeds"]
    assert embed["footer"]["text"].startswith("المصادر: عالم التقنية، تقنية اليوم")
    (english_payload,) = render_discord(stories, header=None, language="en")
    assert "Sources: " in english_payload["embeds"][0]["footer"]["text"]
    storage.close()


def test_a_report_in_another_language_does_not_lead() -> None:
    storage, teaser, _full = merged_story_storage()
    link = "https://en.example/a"
    english = storage.add_article(
        Entry(
            feed_url=OTHER_FEED,
            title="Apple phone",
            url=link,
            guid=link,
            published=T0,
            language="en",
        ),
        keys=[link],
        text="Long English text. " * 80,
        canonical_url=link,
        fetched_at=T0 + timedelta(minutes=1),
        bullets=tuple(f"point {n}" for n in range(5)),
        summary_method="test",
        topics=(),
        is_tech=True,
        announce=False,
    )
    assert english is not None
    storage.set_placement(english.id, cluster_id=teaser, announce=False)
    (story,) = StoryBuilder(storage).stories([storage.get_article(teaser)])
    assert story.title == "آبل تكشف هاتفها الجديد بالتفصيل"
    storage.close()
