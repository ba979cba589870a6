"""Issue #12, item 1, end to end: the 200-byte feed description that made
`_SOCIAL` backtrack for ever goes through the real `newsdigest digest` path (a child
process, so that a hang is a timeout and not a stuck test run), next to a normal feed
whose stories must still come out; and the per-article time budget of the pipeline."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from digest.clock import FakeClock
from digest.models import FeedConfig
from digest.pipeline import (
    OVER_BUDGET,
    Pipeline,
    PipelineSettings,
    bounded_text,
)
from digest.storage import SqlStorage
from digest.summarize import ExtractiveSummarizer
from digest.topics import LexiconClassifier
from tests.test_pipeline import FEED, ITEM_AI, ITEM_SPORT, FakeFetcher, rss

ROOT = Path(__file__).resolve().parent.parent
HOSTILE_DESCRIPTION = "x.&amp;lt;?" * 16 + "ls&amp;lt;"


def test_the_reported_description_does_not_stall_newsdigest_digest(
    tmp_path: Path, fixtures: Path
) -> None:
    hostile = fixtures / "hostile" / "redos-description.xml"
    assert HOSTILE_DESCRIPTION in hostile.read_text(encoding="utf-8")
    normal = fixtures / "cli" / "two-items.xml"
    env = {
        **os.environ,
        "NEWSDIGEST_DATABASE_URL": f"sqlite:///{tmp_path / 'd.sqlite3'}",
    }
    env.pop("NEWSDIGEST_CONFIG", None)
    command = [sys.executable, "-m", "bot.cli", "digest", "--format", "json"]
    command += ["--feed", str(hostile), "--feed", str(normal)]
    try:
        done = subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )
    except subprocess.TimeoutExpired:
        pytest.fail("newsdigest digest did not finish in 120 s on the hostile description")
    assert done.returncode == 0, done.stderr[-2000:]
    titles = {story["title"] for story in json.loads(done.stdout)}
    assert "تطبيق جديد لتعلم البرمجة على الهاتف" in titles  # the other feed is not starved
    assert "ثغرة أمنية في متصفح شهير تدفع لتحديث عاجل" in titles


class _SlowOn(ExtractiveSummarizer):
    """The real summarizer, on a clock that moves `seconds` while it summarises the
    article titled `title` (a stand-in for a pathological article)."""

    def __init__(self, clock: FakeClock, title: str, seconds: float) -> None:
        super().__init__()
        self._clock, self._title, self._seconds = clock, title, seconds

    def summarize(
        self, title: str, text: str, *, language: str = "ar", max_bullets: int | None = None
    ) -> tuple[str, ...]:
        if title == self._title:
            self._clock.advance(self._seconds)
        return super().summarize(title, text, language=language, max_bullets=max_bullets)


async def test_an_article_over_its_budget_is_stored_unannounced_and_the_others_go_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from bot.settings import DEFAULT_CONFIG_DIR
    from digest.topics import TopicCatalog

    storage = SqlStorage.from_url(f"sqlite:///{tmp_path / 'b.sqlite3'}")
    clock = FakeClock(datetime(2026, 5, 1, tzinfo=UTC))
    fetcher = FakeFetcher()
    fetcher.serve(FEED, rss(ITEM_AI, ITEM_SPORT))
    storage.add_feed(FeedConfig(FEED))
    pipeline = Pipeline(
        storage=storage,
        fetcher=fetcher,
        summarizer=_SlowOn(clock, ITEM_AI[0], seconds=90),
        classifier=LexiconClassifier(TopicCatalog.load(DEFAULT_CONFIG_DIR / "topics.yaml")),
        clock=clock,
        settings=PipelineSettings(announce_backlog=True, article_budget=timedelta(seconds=60)),
    )

    with caplog.at_level("WARNING", logger="digest.pipeline"):
        report = await pipeline.poll()

    assert len(report.new_article_ids) == 2
    by_title = {a.title: a for a in storage.get_articles()}
    slow, other = by_title[ITEM_AI[0]], by_title[ITEM_SPORT[0]]
    assert slow.summary_method == OVER_BUDGET and slow.bullets == () and not slow.announce
    assert other.bullets and other.announce  # the next article had its own budget
    assert any("over its 60 s budget" in r.getMessage() for r in caplog.records)
    # remembered: the next poll does not process it again
    clock.advance(timedelta(minutes=20))
    again = await pipeline.poll()
    assert again.new_article_ids == ()


def test_bounded_text_cuts_at_a_sentence_end() -> None:
    text = "جملة أولى قصيرة. " * 10_000
    cut = bounded_text(text, 1000)
    assert len(cut) <= 1000 and cut.endswith(".")
    assert bounded_text("قصير.", 1000) == "قصير."
    assert len(bounded_text("x" * 5000, 1000)) == 1000  # no sentence end: a hard cut


class _Recording(ExtractiveSummarizer):
    """The real summarizer, remembering the length of each text it was given."""

    def __init__(self) -> None:
        super().__init__()
        self.lengths: list[int] = []

    def summarize(
        self, title: str, text: str, *, language: str = "ar", max_bullets: int | None = None
    ) -> tuple[str, ...]:
        self.lengths.append(len(text))
        return super().summarize(title, text, language=language, max_bullets=max_bullets)


async def test_an_article_text_is_bounded_for_the_summary(tmp_path: Path) -> None:
    from bot.settings import DEFAULT_CONFIG_DIR
    from digest.pipeline import ExtractedPage
    from digest.topics import TopicCatalog

    huge = ITEM_AI[2] + " " + "جملة إضافية طويلة عن التطبيق الجديد. " * 20_000

    async def load(url: str) -> ExtractedPage:
        return ExtractedPage(title=ITEM_AI[0], text=huge)

    storage = SqlStorage.from_url(f"sqlite:///{tmp_path / 'h.sqlite3'}")
    clock = FakeClock(datetime(2026, 5, 1, tzinfo=UTC))
    fetcher = FakeFetcher()
    fetcher.serve(FEED, rss((ITEM_AI[0], ITEM_AI[1], "تشويقة قصيرة.")))
    storage.add_feed(FeedConfig(FEED))
    summarizer = _Recording()
    pipeline = Pipeline(
        storage=storage,
        fetcher=fetcher,
        summarizer=summarizer,
        classifier=LexiconClassifier(TopicCatalog.load(DEFAULT_CONFIG_DIR / "topics.yaml")),
        clock=clock,
        settings=PipelineSettings(announce_backlog=True, max_article_chars=50_000),
        page_loader=load,
    )
    assert len(huge) > 500_000

    await pipeline.poll()  # a teaser item: its page is the full text
    story = await pipeline.summarize_url("https://elsewhere.example/a")  # /summary

    assert len(summarizer.lengths) == 2 and max(summarizer.lengths) <= 50_000
    [article] = storage.get_articles()
    assert len(article.text) <= 50_000 and article.bullets
    assert story.bullets
