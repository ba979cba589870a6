"""`newsdigest classify --batch IN.jsonl --out OUT.jsonl`: the technology filter and the
topics of many articles, through the classifier the pipeline uses.

IN holds one JSON object per line: ``{"id", "title", "text"}`` (title may be missing).
OUT gets one line per good input line, in order:
``{"id", "tech": bool, "tech_score": 0..1, "topics": [slug, ...]}`` (topics strongest
first). A bad line is reported (file:line) and skipped; the others are still written.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from .jsonl import jsonl_lines
from .ports import TopicClassifier

MAX_LINE_CHARS = 2_000_000  # one article; a longer line is refused, not parsed


@dataclass(frozen=True)
class BatchResult:
    written: int
    skipped: int


def classify_one(classifier: TopicClassifier, title: str, text: str) -> dict[str, Any]:
    """The output fields of one article: what the pipeline stores (topics from
    `classify`, the decision from `is_technology`) plus the model's probability when the
    classifier has one (``technology_probability``), else 1.0/0.0 for the decision."""
    topics = [match.topic for match in classifier.classify(title, text)]
    tech = classifier.is_technology(title, text)
    probability: Callable[[str, str], float | None] | None = getattr(
        classifier, "technology_probability", None
    )
    score = probability(title, text) if probability is not None else None
    if score is None:
        score = 1.0 if tech else 0.0
    return {"tech": tech, "tech_score": round(score, 4), "topics": topics}


def _parse(line: str) -> tuple[Any, str, str]:
    if len(line) > MAX_LINE_CHARS:
        raise ValueError(f"line longer than {MAX_LINE_CHARS} characters")
    item = json.loads(line)
    if not isinstance(item, dict):
        raise TypeError("expected a JSON object")
    title = item.get("title") or ""
    text = item["text"]
    if not isinstance(title, str) or not isinstance(text, str):
        raise TypeError("title and text must be strings")
    return item.get("id"), title, text


def classify_batch(
    classifier: TopicClassifier, src: Path, dst: Path, errors: TextIO
) -> BatchResult:
    """Classify every line of `src` into `dst` (overwritten). Bad lines are named on
    `errors` and skipped. Raises OSError if a file cannot be read or written."""
    written = skipped = 0
    with dst.open("w", encoding="utf-8") as out:
        for number, line in jsonl_lines(src):
            try:
                record_id, title, text = _parse(line)
            except (ValueError, KeyError, TypeError) as error:
                print(f"newsdigest: {src}:{number}: skipped: {error}", file=errors)
                skipped += 1
                continue
            row = {"id": record_id, **classify_one(classifier, title, text)}
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            written += 1
    return BatchResult(written, skipped)
