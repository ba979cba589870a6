"""`newsdigest cluster --batch`: run a stream of articles through the story clusterer.

Input: JSON Lines, one article per line, ``{"id", "title", "text", "published" (ISO 8601),
"source"[, "url"]}``, processed in the order given, as the running bot adds articles
to its clusterer when it stores them. Output: one line ``{"id", "story"}`` per article,
``story`` being the id of the first article of that story (its own id for a new story).

Lines come from `digest.jsonl.jsonl_lines` (split at "\\n" only, never at U+2028/U+2029
inside JSON strings). A line that is not a valid article is reported with its line
number and left out of the output; the others are still clustered.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from .pipeline import StoryClusterer


@dataclass(frozen=True)
class BatchArticle:
    id: str | int
    title: str
    text: str
    published: datetime
    source: str | None = None  # the outlet: the event model only joins two outlets


@dataclass(frozen=True)
class BatchProblem:
    line: int
    reason: str


def parse_article(line: str) -> BatchArticle:
    """One input line as an article; raises ValueError saying what is wrong."""
    try:
        item = json.loads(line)
    except ValueError as exc:
        raise ValueError(f"not JSON: {exc}") from None
    if not isinstance(item, dict):
        raise ValueError("not a JSON object")
    article_id = item.get("id")
    if isinstance(article_id, bool) or not isinstance(article_id, str | int) or article_id == "":
        raise ValueError('"id" must be a non-empty string or an integer')
    for key in ("title", "text"):
        if not isinstance(item.get(key, ""), str):
            raise ValueError(f'"{key}" must be a string')
    title, text = item.get("title") or "", item.get("text") or ""
    if not (title.strip() or text.strip()):
        raise ValueError("neither title nor text")
    published = item.get("published")
    if not isinstance(published, str):
        raise ValueError('"published" must be an ISO 8601 date-time string')
    try:
        moment = datetime.fromisoformat(published)
    except ValueError:
        raise ValueError(f'"published" is not ISO 8601: {published[:40]!r}') from None
    if moment.tzinfo is None:  # naive times are read as UTC, as feeds without a zone are
        moment = moment.replace(tzinfo=UTC)
    source = item.get("source")
    if source is not None and not isinstance(source, str):
        raise ValueError('"source" must be a string')
    return BatchArticle(article_id, title, text, moment.astimezone(UTC), source or None)


def cluster_stream(
    lines: Iterable[tuple[int, str]],
    clusterer: StoryClusterer,
    *,
    write: Callable[[dict[str, object]], None],
) -> list[BatchProblem]:
    """Add each article to `clusterer` in order and write ``{"id", "story"}`` for it.
    Returns the lines left out (bad JSON or fields, an id seen before)."""
    problems: list[BatchProblem] = []
    ids: list[str | int] = []
    index_of: dict[str | int, int] = {}
    for number, line in lines:
        try:
            article = parse_article(line)
        except ValueError as exc:
            problems.append(BatchProblem(number, str(exc)))
            continue
        if article.id in index_of:
            problems.append(BatchProblem(number, f"id {article.id!r} seen before"))
            continue
        # The clusterer knows articles by integer handles (database ids in the bot).
        handle = len(ids)
        ids.append(article.id)
        index_of[article.id] = handle
        story = clusterer.add(
            handle, article.title, article.text, article.published, article.source
        )
        write({"id": article.id, "story": ids[story]})
    return problems
