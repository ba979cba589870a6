"""Lead images: from the feed item (media:content, media:thumbnail, image enclosures), else
from the article page (og:image, twitter:image); https only; stored with the article."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.settings import DEFAULT_CONFIG_DIR
from digest.clock import FakeClock
from digest.extract import extract_article
from digest.images import entry_image, safe_image_url
from digest.models import FeedConfig
from digest.parse import parse_feed
from digest.pipeline import ExtractedPage, Pipeline, PipelineSettings
from digest.storage import SqlStorage
from digest.summarize import ExtractiveSummarizer
from digest.topics import LexiconClassifier, TopicCatalog
from tests.fakes import add_article
from tests.test_pipeline import ITEM_AI, FakeFetcher

FEED = "https://news.example/feed"


def media_feed(*items: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"'
        ' xmlns:media="http://search.yahoo.com/mrss/"><channel><title>أخبار</title>'
        f"<link>https://news.example/</link>{''.join(items)}</channel></rss>"
    ).encode()


def item(n: int, extra: str) -> str:
    return (
        f"<item><title>خبر {n}</title><link>https://news.example/{n}</link>"
        f"<description>نص الخبر {n}</description>{extra}</item>"
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://cdn.example/a.jpg", "https://cdn.example/a.jpg"),
        ("  https://cdn.example/a.jpg\n", "https://cdn.example/a.jpg"),
        ("/img/a.png", "https://news.example/img/a.png"),  # relative to an https page
        ("http://cdn.example/a.jpg", None),  # platforms fetch it: https only
        ("javascript:alert(1)", None),
        ("data:image/png;base64,AAAA", None),
        ("https://user:pw@cdn.example/a.jpg", None),
        ("https://cdn.example/a b.jpg", None),
        ("https://cdn.example/" + "a" * 3000, None),
        (None, None),
        (42, None),
    ],
)
def test_safe_image_url(value: object, expected: str | None) -> None:
    assert safe_image_url(value, "https://news.example/story") == expected


def test_feed_items_give_their_image_in_order_of_preference() -> None:
    feed = parse_feed(
        media_feed(
            item(1, '<media:content url="https://cdn.example/1.jpg" medium="image"/>'),
            item(2, '<media:thumbnail url="https://cdn.example/2-thumb.jpg"/>'),
            item(3, '<enclosure url="https://cdn.example/3.png" type="image/png" length="1"/>'),
            item(4, '<enclosure url="https://cdn.example/4.mp3" type="audio/mpeg" length="1"/>'),
            item(5, '<media:content url="http://cdn.example/5.jpg" medium="image"/>'),
            item(
                6,
                '<media:content url="https://cdn.example/6.mp4" medium="video"/>'
                '<media:thumbnail url="https://cdn.example/6.jpg"/>',
            ),
            item(7, ""),
        ),
        url=FEED,
    )
    assert [e.image_url for e in feed.entries] == [
        "https://cdn.example/1.jpg",
        "https://cdn.example/2-thumb.jpg",
        "https://cdn.example/3.png",
        None,  # audio
        None,  # http
        "https://cdn.example/6.jpg",  # the video's thumbnail
        None,
    ]


def test_a_flood_of_media_elements_is_bounded() -> None:
    """Only the first 20 media elements are looked at, however many a feed sends."""
    plain = [{"url": f"http://x.example/{n}.jpg", "medium": "image"} for n in range(20)]
    late = {"url": "https://x.example/late.jpg", "medium": "image"}
    assert entry_image({"media_content": [*plain, late]}) is None
    assert entry_image({"media_content": [*plain[1:], late]}) == late["url"]


def test_pages_give_og_image_then_twitter_image() -> None:
    page = (
        '<html><head><meta property="og:image" content="http://insecure.example/a.jpg">'
        '<meta name="twitter:image" content="/media/lead.webp"></head>'
        "<body><article><p>" + "نص المقال. " * 80 + "</p></article></body></html>"
    )
    article = extract_article(page, url="https://site.example/news/1")
    assert article.image_url == "https://site.example/media/lead.webp"
    secure = page.replace("http://insecure", "https://secure")
    assert extract_article(secure, url=None).image_url == "https://secure.example/a.jpg"


async def test_a_teaser_item_takes_its_pages_image_and_storage_keeps_it(tmp_path: Path) -> None:
    storage = SqlStorage.from_url(f"sqlite:///{tmp_path / 'i.sqlite3'}")
    storage.add_feed(FeedConfig(FEED))
    fetcher = FakeFetcher()
    title, link, _text = ITEM_AI
    teaser = (
        f"<item><title>{title}</title><link>{link}</link><description>قصير</description></item>"
    )
    with_own = item(9, '<media:thumbnail url="https://cdn.example/own.jpg"/>')
    fetcher.serve(FEED, media_feed(teaser, with_own))
    pages: list[str] = []

    async def loader(url: str) -> ExtractedPage:
        pages.append(url)
        return ExtractedPage(
            title=title, text=ITEM_AI[2] * 3, image_url="https://cdn.example/page.jpg"
        )

    pipeline = Pipeline(
        storage=storage,
        fetcher=fetcher,
        summarizer=ExtractiveSummarizer(),
        classifier=LexiconClassifier(TopicCatalog.load(DEFAULT_CONFIG_DIR / "topics.yaml")),
        clock=FakeClock(datetime(2026, 5, 1, tzinfo=UTC)),
        settings=PipelineSettings(announce_backlog=True),
        page_loader=loader,
        rng=random.Random(1),
    )
    await pipeline.poll()
    images = {a.url: a.image_url for a in storage.get_articles(announce=True)}
    assert images[link] == "https://cdn.example/page.jpg"  # from the page it had to read
    assert images["https://news.example/9"] == "https://cdn.example/own.jpg"  # the feed's own wins
    storage.close()


async def test_a_story_shows_its_articles_image_else_another_reports(tmp_path: Path) -> None:
    from dataclasses import replace

    from digest.stories import StoryBuilder

    storage = SqlStorage.from_url(f"sqlite:///{tmp_path / 's.sqlite3'}")
    storage.add_feed(FeedConfig(FEED))
    now = datetime(2026, 5, 1, tzinfo=UTC)

    def add(n: int, image: str | None) -> int:
        url = f"https://news.example/{n}"
        return add_article(storage, f"خبر {n}", at=now, url=url, feed_url=FEED, image_url=image)

    first, second = add(1, None), add(2, "https://cdn.example/2.jpg")
    storage.set_placement(first, cluster_id=first, announce=True)
    storage.set_placement(second, cluster_id=first, announce=False)
    alone = add(3, None)
    storage.set_placement(alone, cluster_id=alone, announce=True)
    builder = StoryBuilder(storage)
    stories = builder.stories(storage.get_articles_by_ids([first, alone]))
    assert [s.image_url for s in stories] == ["https://cdn.example/2.jpg", None]
    own = replace(storage.get_article(second), cluster_id=None)
    assert builder.story(own).image_url == "https://cdn.example/2.jpg"
    storage.close()


def test_json_output_carries_the_image_and_reads_it_back() -> None:
    from digest.format.jsonfmt import parse_json, render_json
    from digest.models import Source, Story

    story = Story(
        1, "عنوان", None, ("نقطة",), None, Source("مصدر", None), image_url="https://c/x.jpg"
    )
    (back,) = parse_json(render_json([story]))
    assert back == story and '"image": "https://c/x.jpg"' in render_json([story])
    with pytest.raises(ValueError, match="bad image url"):
        parse_json('[{"id": 1, "title": "t", "source": {"name": "s"}, "image": 5}]')
