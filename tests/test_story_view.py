"""What readers see of a story several outlets reported (issue #14): listed once, every
outlet named («المصادر: …» / "Sources: …") in Telegram HTML, Discord embeds and plain
text, with the bullets of the most complete report."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.cli import main
from bot.settings import DEFAULT_CONFIG_DIR
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


SAMPLES = DEFAULT_CONFIG_DIR / "samples"
REWRITES = DEFAULT_CONFIG_DIR.parent / "tests" / "fixtures" / "stories" / "rewrites.xml"


def test_a_digest_of_the_bundled_feeds_and_their_rewrites_merges_the_stories(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The bundled sample feeds (4 stories) plus a feed of rewrites of 3 of them and one
    story of its own, through the CLI and the bot's own clusterer: 5 entries, the 3 told
    twice listed once with both outlets and ranked first."""
    monkeypatch.setenv("NEWSDIGEST_DATABASE_URL", f"sqlite:///{tmp_path / 'd.sqlite3'}")
    monkeypatch.delenv("NEWSDIGEST_CONFIG", raising=False)
    feeds = [SAMPLES / "seed.xml", SAMPLES / "explainers.xml", REWRITES]
    argv = ["digest", *(a for f in feeds for a in ("--feed", str(f))), "--format", "json"]
    assert main(argv) == 0
    stories = json.loads(capsys.readouterr().out)
    assert len(stories) == 5
    outlets = [{s["source"]["name"], *(o["name"] for o in s["other_sources"])} for s in stories]
    assert [len(o) for o in outlets] == [2, 2, 2, 1, 1]  # the merged stories first
    assert all("منصة إعادة الصياغة" in o for o in outlets[:3])
    titles = " ".join(s["title"] for s in stories)
    assert "DeepSeek" in titles and "5G" in titles and "المصادقة الثنائية" in titles
    # The rewrite of the 2FA explainer says more: its bullets lead that story.
    (two_factor,) = [s for s in stories if "المصادقة الثنائية" in s["title"]]
    assert two_factor["url"] == "https://rewrites.example/guides/2fa"

    assert main([*argv[:-2], "--all", "--format", "console"]) == 0
    plain = capsys.readouterr().out
    assert plain.count("المصادر: ") == 3 and plain.count("المصدر: ") == 2
