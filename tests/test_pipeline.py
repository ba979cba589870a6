"""The pipeline's phases on real storage (SQLite), the real summarizer and classifier,
and a fake fetcher that serves documents from a dict (the HTTP fetcher has its own tests)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.settings import DEFAULT_CONFIG_DIR
from digest.clock import FakeClock
from digest.errors import FeedGoneError, FetchError
from digest.models import FeedConfig, FetchResult, FetchStatus
from digest.pipeline import (
    ExtractedPage,
    FeedOutcome,
    Pipeline,
    PipelineSettings,
    backoff_seconds,
    should_announce,
)
from digest.storage import SqlStorage
from digest.summarize import ExtractiveSummarizer
from digest.topics import LexiconClassifier, TopicCatalog

SEED_FEED = DEFAULT_CONFIG_DIR / "samples" / "seed.xml"
FEED = "https://news.example/feed"


def rss(*items: tuple[str, str, str]) -> bytes:
    body = "".join(
        f"<item><title>{t}</title><link>{link}</link><guid>{link}</guid>"
        f"<description>{d}</description></item>"
        for t, link, d in items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>أخبار</title><link>https://news.example/</link>{body}</channel></rss>"
    ).encode()


ITEM_AI = (
    "شركة ناشئة تطلق نموذج ذكاء اصطناعي جديد",
    "https://news.example/ai-model",
    "أطلقت شركة ناشئة نموذج ذكاء اصطناعي جديدا يعمل على الهواتف الذكية. "
    "ويستطيع النموذج ترجمة النصوص وتلخيصها دون اتصال بالإنترنت. "
    "وقالت الشركة إن النموذج يستهلك طاقة أقل من النماذج المنافسة. "
    "وسيتاح النموذج للمطورين مجانا خلال الشهر المقبل.",
)
ITEM_SPORT = (
    "المنتخب يفوز في مباراة كرة القدم الودية",
    "https://news.example/football",
    "فاز المنتخب الوطني في مباراة ودية لكرة القدم أمس. وسجل المهاجم هدفين في الشوط الثاني. "
    "ويستعد الفريق للبطولة القارية الشهر المقبل. وأشاد المدرب بأداء اللاعبين.",
)


@dataclass
class FakeFetcher:
    """Serves canned responses per URL; an Exception value is raised instead."""

    responses: dict[str, FetchResult | Exception] = field(default_factory=dict)
    calls: list[tuple[str, str | None, str | None]] = field(default_factory=list)

    def serve(self, url: str, content: bytes, **kw: object) -> None:
        self.responses[url] = FetchResult(
            requested_url=url, status=FetchStatus.OK, http_status=200, content=content, **kw
        )  # type: ignore[arg-type]

    async def fetch(self, url: str, *, etag: str | None, last_modified: str | None) -> FetchResult:
        self.calls.append((url, etag, last_modified))
        response = self.responses[url]
        if isinstance(response, Exception):
            raise response
        return response


@pytest.fixture
def storage(tmp_path: Path) -> SqlStorage:
    return SqlStorage.from_url(f"sqlite:///{tmp_path / 'p.sqlite3'}")


@pytest.fixture
def classifier() -> LexiconClassifier:
    return LexiconClassifier(TopicCatalog.load(DEFAULT_CONFIG_DIR / "topics.yaml"))


def make_pipeline(
    storage: SqlStorage,
    fetcher: FakeFetcher,
    classifier: LexiconClassifier,
    clock: FakeClock,
    **settings: object,
) -> Pipeline:
    return Pipeline(
        storage=storage,
        fetcher=fetcher,
        summarizer=ExtractiveSummarizer(),
        classifier=classifier,
        clock=clock,
        settings=PipelineSettings(**settings),  # type: ignore[arg-type]
        rng=random.Random(1),
    )


async def test_first_fetch_remembers_then_posts_only_new(
    storage: SqlStorage, classifier: LexiconClassifier
) -> None:
    clock = FakeClock(datetime(2026, 5, 1, tzinfo=UTC))
    fetcher = FakeFetcher()
    fetcher.serve(FEED, rss(ITEM_AI), etag='"v1"')
    storage.add_feed(FeedConfig(FEED))
    pipeline = make_pipeline(storage, fetcher, classifier, clock)

    first = await pipeline.poll()
    assert len(first.new_article_ids) == 1
    assert storage.get_articles(announce=True) == []  # backlog: seen, not posted
    [remembered] = storage.get_articles()
    assert remembered.bullets == () and remembered.summary_method == "none"  # not summarized

    clock.advance(timedelta(minutes=20))
    fetcher.serve(FEED, rss(ITEM_SPORT, ITEM_AI), etag='"v2"')
    second = await pipeline.poll()
    assert second.feeds[0].seen == 1  # the old item is recognised
    posted = storage.get_articles(announce=True)
    assert [a.title for a in posted] == [ITEM_SPORT[0]]
    assert fetcher.calls[-1] == (FEED, '"v1"', None)  # conditional GET with stored validator


async def test_backlog_feed_announces_and_second_run_finds_nothing(
    storage: SqlStorage, classifier: LexiconClassifier
) -> None:
    clock = FakeClock()
    url = str(SEED_FEED)
    fetcher = FakeFetcher()
    fetcher.serve(url, SEED_FEED.read_bytes())
    storage.add_feed(FeedConfig(url, name="newsdigest"))
    pipeline = make_pipeline(storage, fetcher, classifier, clock, backlog_feeds=frozenset({url}))

    report = await pipeline.poll()
    [article_id] = report.new_article_ids
    article = storage.get_article(article_id)
    assert article.announce and "DeepSeek" in article.title
    assert 3 <= len(article.bullets) <= 5
    assert all(
        b.rstrip(".") in article.text.replace("\n", " ") or b in article.text
        for b in article.bullets
    )
    assert "ai" in [m.topic for m in article.topics]
    story = pipeline.story(article)
    assert story.source.name == "newsdigest" and story.bullets == article.bullets

    again = await pipeline.poll()
    assert again.new_article_ids == () and again.feeds[0].outcome is FeedOutcome.UNCHANGED


async def test_not_modified_keeps_validators(
    storage: SqlStorage, classifier: LexiconClassifier
) -> None:
    fetcher = FakeFetcher()
    fetcher.serve(FEED, rss(ITEM_AI), etag='"v1"', last_modified="Fri, 01 May 2026 00:00:00 GMT")
    storage.add_feed(FeedConfig(FEED))
    pipeline = make_pipeline(storage, fetcher, classifier, FakeClock())
    await pipeline.poll()
    fetcher.responses[FEED] = FetchResult(
        requested_url=FEED, status=FetchStatus.NOT_MODIFIED, http_status=304
    )
    report = await pipeline.poll()
    assert report.feeds[0].outcome is FeedOutcome.UNCHANGED
    feed = storage.get_feed(FEED)
    assert (feed.etag, feed.last_modified) == ('"v1"', "Fri, 01 May 2026 00:00:00 GMT")


async def test_permanent_redirect_moves_feed_without_reposting(
    storage: SqlStorage, classifier: LexiconClassifier
) -> None:
    fetcher = FakeFetcher()
    fetcher.serve(FEED, rss(ITEM_AI))
    storage.add_feed(FeedConfig(FEED))
    pipeline = make_pipeline(storage, fetcher, classifier, FakeClock())
    await pipeline.poll()
    new_url = "https://news.example/rss"
    fetcher.serve(FEED, rss(ITEM_AI), permanent_redirect=new_url, final_url=new_url)
    report = await pipeline.poll()
    assert report.feeds[0].moved_to == new_url and report.new_article_ids == ()
    assert [f.url for f in storage.get_feeds()] == [new_url]


async def test_gone_feed_is_disabled(storage: SqlStorage, classifier: LexiconClassifier) -> None:
    fetcher = FakeFetcher({FEED: FeedGoneError(FEED, "HTTP 410 Gone")})
    storage.add_feed(FeedConfig(FEED))
    report = await make_pipeline(storage, fetcher, classifier, FakeClock()).poll()
    assert report.feeds[0].outcome is FeedOutcome.DISABLED
    assert not storage.get_feed(FEED).enabled


async def test_failures_back_off_then_disable_and_other_feeds_go_on(
    storage: SqlStorage, classifier: LexiconClassifier
) -> None:
    clock = FakeClock()
    good = "https://good.example/feed"
    fetcher = FakeFetcher({FEED: FetchError(FEED, "timed out")})
    fetcher.serve(good, rss(ITEM_AI))
    storage.sync_feeds([FeedConfig(FEED), FeedConfig(good)])
    pipeline = make_pipeline(storage, fetcher, classifier, clock, max_failures=3)

    delays = []
    for _ in range(2):
        report = await pipeline.poll()
        outcomes = {f.url: f.outcome for f in report.feeds}
        assert outcomes[FEED] is FeedOutcome.ERROR and outcomes[good] is not FeedOutcome.ERROR
        feed = storage.get_feed(FEED)
        assert feed.next_fetch_at is not None
        delays.append((feed.next_fetch_at - clock.now()).total_seconds())
    assert delays[1] > delays[0]  # exponential
    report = await pipeline.poll([FEED])
    assert report.feeds[0].outcome is FeedOutcome.DISABLED
    feed = storage.get_feed(FEED)
    assert not feed.enabled and "3 failures" in (feed.disabled_reason or "")


async def test_malformed_feed_is_a_feed_error_not_a_crash(
    storage: SqlStorage, classifier: LexiconClassifier
) -> None:
    fetcher = FakeFetcher()
    fetcher.serve(FEED, b"<html><body>not a feed</body></html>")
    storage.add_feed(FeedConfig(FEED))
    report = await make_pipeline(storage, fetcher, classifier, FakeClock()).poll()
    assert report.feeds[0].outcome is FeedOutcome.ERROR
    assert "ParseError" in (storage.get_feed(FEED).last_error or "")


async def test_tech_only_feed_keeps_tech_stories(
    storage: SqlStorage, classifier: LexiconClassifier
) -> None:
    fetcher = FakeFetcher()
    fetcher.serve(FEED, rss(ITEM_AI, ITEM_SPORT))
    storage.add_feed(FeedConfig(FEED, tech_only=True))
    pipeline = make_pipeline(
        storage, fetcher, classifier, FakeClock(), backlog_feeds=frozenset({FEED})
    )
    await pipeline.poll()
    assert [a.title for a in storage.get_articles(announce=True)] == [ITEM_AI[0]]
    assert len(storage.get_articles()) == 2  # the sport item is remembered, not posted


async def test_summarize_url_uses_the_strict_loader(
    storage: SqlStorage, classifier: LexiconClassifier
) -> None:
    seen: list[str] = []

    async def loader(url: str) -> ExtractedPage:
        seen.append(url)
        return ExtractedPage(title=ITEM_AI[0], text=ITEM_AI[2])

    pipeline = Pipeline(
        storage=storage,
        fetcher=FakeFetcher(),
        summarizer=ExtractiveSummarizer(),
        classifier=classifier,
        clock=FakeClock(),
        url_page_loader=loader,
    )
    story = await pipeline.summarize_url("https://elsewhere.example/a")
    assert seen == ["https://elsewhere.example/a"]
    assert story.title == ITEM_AI[0] and 3 <= len(story.bullets) <= 5
    assert story.source.name == "elsewhere.example"


def test_decisions() -> None:
    rng = random.Random(0)
    samples = [backoff_seconds(n, base=60, cap=3600, rng=rng) for n in range(1, 10)]
    assert 30 <= samples[0] <= 60 and all(s <= 3600 for s in samples)
    assert samples[-1] >= 1800  # capped but still long
    assert not should_announce(
        first_fetch=True, backlog=False, tech_only=False, is_tech=True, joins_cluster=False
    )
    assert should_announce(
        first_fetch=True, backlog=True, tech_only=False, is_tech=True, joins_cluster=False
    )
    assert not should_announce(
        first_fetch=False, backlog=False, tech_only=True, is_tech=False, joins_cluster=False
    )
    assert not should_announce(
        first_fetch=False, backlog=False, tech_only=False, is_tech=True, joins_cluster=True
    )


async def test_same_story_from_two_feeds_is_one_entry_with_both_sources(
    storage: SqlStorage, classifier: LexiconClassifier
) -> None:
    from digest.cluster import StoryClusterer

    other = "https://other.example/rss"
    fetcher = FakeFetcher()
    fetcher.serve(FEED, rss(ITEM_AI))
    rewrite = (ITEM_AI[0], "https://other.example/2026/ai-model", ITEM_AI[2])
    fetcher.serve(other, rss(rewrite))
    storage.sync_feeds([FeedConfig(FEED, name="أخبار أ"), FeedConfig(other, name="أخبار ب")])
    pipeline = Pipeline(
        storage=storage,
        fetcher=fetcher,
        summarizer=ExtractiveSummarizer(),
        classifier=classifier,
        clock=FakeClock(),
        settings=PipelineSettings(backlog_feeds=frozenset({FEED, other})),
        clusterer=StoryClusterer(window=timedelta(days=2)),
    )
    await pipeline.poll([FEED])
    await pipeline.poll([other])
    posted = storage.get_articles(announce=True)
    assert [a.feed_url for a in posted] == [FEED]  # one post for the story
    story = pipeline.story(posted[0])
    assert story.source.name == "أخبار أ"
    assert [s.name for s in story.other_sources] == ["أخبار ب"]
