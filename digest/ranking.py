"""How important a story is, for ordering digests, /latest and /top (issue #14).

A story matters more when more outlets covered it, when it is recent and when it is about
what the chat follows. `importance` turns those three facts into one number:

    importance = COVERAGE · log2(outlets) + RECENCY · 0.5 ** (age / half_life)
                 + INTEREST · min(matched, 2) / 2

* coverage: 0 for one outlet, 1 for two, 2 for four: each further outlet adds less (the
  fifth site repeating a story says less than the second);
* recency: 1 for a story published now, ½ after one half-life (12 h), ¼ after two;
  a story "from the future" (a feed's clock ahead of ours) counts as now;
* interest: the chat's topics and keywords the story matches (0, 1, 2 or more), so a
  story about two things the chat follows comes before one about a single thing.

With the default weights (1, 1, 0.5) a story two outlets covered 12 hours ago (1 + 0.5)
ranks above a single-outlet story published now (0 + 1), while three outlets a day ago
(1.58 + 0.25) come just after two outlets now (1 + 1): coverage leads, and a day of age
costs about as much as one outlet fewer. Ties go to the newer story, then the smaller key.

Everything here is pure: the caller passes `now` (from its injected clock).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from .models import Story

T = TypeVar("T")


@dataclass(frozen=True)
class RankWeights:
    """The weights of `importance` (see the module docstring)."""

    coverage: float = 1.0
    recency: float = 1.0
    interest: float = 0.5
    half_life: timedelta = timedelta(hours=12)


DEFAULT_WEIGHTS = RankWeights()


@dataclass(frozen=True)
class StoryFacts:
    """What ranking knows of one story."""

    outlets: int  # distinct outlets that reported it (at least 1)
    published: datetime | None  # None: unknown, counted as old (recency 0)
    matched: int = 0  # the chat's topics and keywords it matches


def importance(facts: StoryFacts, now: datetime, weights: RankWeights = DEFAULT_WEIGHTS) -> float:
    """The story's score (higher first); see the module docstring for the formula."""
    coverage = math.log2(max(1, facts.outlets))
    recency = 0.0
    if facts.published is not None:
        published = facts.published
        if published.tzinfo is None:
            published = published.replace(tzinfo=UTC)
        age = max(0.0, (now - published).total_seconds())
        half_life = max(1.0, weights.half_life.total_seconds())
        recency = 0.5 ** (age / half_life)
    interest = min(max(0, facts.matched), 2) / 2
    return weights.coverage * coverage + weights.recency * recency + weights.interest * interest


def rank(
    items: Sequence[T],
    facts: Callable[[T], StoryFacts],
    now: datetime,
    *,
    key: Callable[[T], int] | None = None,
    weights: RankWeights = DEFAULT_WEIGHTS,
) -> list[T]:
    """`items` most important first. Equal scores: the newer first, then the smaller
    `key` (e.g. the article id), so the order is deterministic."""
    floor = datetime.min.replace(tzinfo=UTC)

    def order(indexed: tuple[int, T]) -> tuple[float, float, int]:
        index, item = indexed
        known = facts(item)
        published = known.published or floor
        if published.tzinfo is None:
            published = published.replace(tzinfo=UTC)
        tie = key(item) if key is not None else index
        return (-importance(known, now, weights), -published.timestamp(), tie)

    return [item for _, item in sorted(enumerate(items), key=order)]


def story_outlets(story: Story) -> int:
    """How many outlets a story names: its source and its other sources, by name."""
    return len({story.source.name, *(s.name for s in story.other_sources)})


def story_facts(story: Story, matched: int = 0) -> StoryFacts:
    """The ranking facts of a built story (`matched`: the caller's interest count)."""
    return StoryFacts(outlets=story_outlets(story), published=story.published, matched=matched)


def rank_stories(
    stories: Sequence[Story],
    now: datetime,
    *,
    interest: Callable[[Story], int] | None = None,
    weights: RankWeights = DEFAULT_WEIGHTS,
) -> list[Story]:
    """Built stories most important first; `interest` counts the chat's topics and
    keywords a story matches (none: 0 for all). Ties: newer, then smaller article id."""
    return rank(
        stories,
        lambda s: story_facts(s, interest(s) if interest is not None else 0),
        now,
        key=lambda s: s.article_id,
        weights=weights,
    )
