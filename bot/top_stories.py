"""Stories in order of importance for one chat (digests, /digest, /latest) and the day's
most-covered stories (/top), on top of the pure scoring in digest.ranking (issue #14)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol

from digest.errors import NotFoundError
from digest.models import Article, ChatSettings, Story
from digest.ports import Storage
from digest.ranking import RankWeights, StoryFacts, rank, rank_stories, story_outlets
from digest.stories import feed_lookup, source_name
from digest.topics import subscription_reasons

# /top: coverage decides (10 per doubling of outlets); recency (at most 1) and interest
# (at most 0.5) only order stories covered alike.
_COVERAGE_FIRST = RankWeights(coverage=10.0, recency=1.0, interest=0.5)


class StoryLoader(Protocol):
    def stories(self, articles: Sequence[Article]) -> list[Story]: ...


def interest(settings: ChatSettings, article: Article) -> int:
    """How many of the chat's topics and keywords `article` matches (0 for a chat that
    follows everything: then nothing is preferred)."""
    if not (settings.topics or settings.keywords):
        return 0
    reasons = subscription_reasons(
        settings.topics, settings.keywords, article.topics, article.title, article.text
    )
    return sum(1 for r in reasons if r.startswith(("topic:", "kw:")))


def rank_for_chat(
    stories: Sequence[Story], articles: Iterable[Article], settings: ChatSettings, now: datetime
) -> list[Story]:
    """`stories` (built from `articles`) most important first for this chat
    (digest.ranking.rank_stories: outlets, recency, the chat's topics and keywords)."""
    by_id = {a.id: a for a in articles}

    def matched(story: Story) -> int:
        article = by_id.get(story.article_id)
        return interest(settings, article) if article is not None else 0

    return rank_stories(stories, now, interest=matched)


@dataclass(frozen=True)
class TopLimits:
    window: timedelta = timedelta(hours=24)  # "today": the last 24 hours
    scan_limit: int = 3000  # newest reports read


def top_stories(
    storage: Storage,
    loader: StoryLoader,
    settings: ChatSettings,
    now: datetime,
    count: int,
    limits: TopLimits | None = None,
) -> list[Story]:
    """The `count` stories of the last `window` that the most outlets reported, each with
    its coverage set (shown as «تناقلتها N مصادر»). Reports are grouped by story
    (cluster) and counted by outlet name; stories are ordered by digest.ranking with
    coverage first, so among equally covered stories the newer and the chat's own
    interests come first. Only technology stories of feeds everybody sees; one report per
    story stands for it (the announced one, as /latest), only summarised ones."""
    limits = limits or TopLimits()
    private = storage.private_feed_urls()
    reports = [
        a
        for a in storage.get_articles(since=now - limits.window, limit=limits.scan_limit)
        if a.is_tech and a.feed_url not in private
    ]
    feed = feed_lookup(storage)

    def outlet(feed_url: str) -> str:
        return source_name(feed(feed_url), feed_url)

    outlets: dict[int, set[str]] = {}
    leads: dict[int, Article] = {}
    for report in reports:
        story = report.cluster_id if report.cluster_id is not None else report.id
        outlets.setdefault(story, set()).add(outlet(report.feed_url))
        if report.announce and report.bullets:
            leads[story] = report
    for story in outlets:
        if story not in leads:  # its announced report is older than the window
            try:
                first = storage.get_article(story)
            except NotFoundError:
                continue
            if first.announce and first.bullets and first.feed_url not in private:
                leads[story] = first
    chosen = rank(
        list(leads),
        lambda story: StoryFacts(
            outlets=len(outlets[story]),
            published=leads[story].published or leads[story].fetched_at,
            matched=interest(settings, leads[story]),
        ),
        now,
        key=lambda story: story,
        weights=_COVERAGE_FIRST,
    )[:count]
    built = loader.stories([leads[story] for story in chosen])
    # The count readers see is that of the outlets the story names.
    return [replace(s, coverage=story_outlets(s)) for s in built]
