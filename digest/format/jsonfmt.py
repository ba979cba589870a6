"""Stories as JSON: a list of plain objects, UTF-8 text kept readable."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from digest.models import Source, Story


def _source(source: Source) -> dict[str, Any]:
    return {"name": source.name, "url": source.url}


def story_to_dict(story: Story) -> dict[str, Any]:
    """One story as a JSON-ready dict; `published` is ISO 8601 in UTC or None."""
    published = story.published.astimezone(UTC).isoformat() if story.published else None
    return {
        "id": story.article_id,
        "title": story.title,
        "url": story.url,
        "bullets": list(story.bullets),
        "published": published,
        "source": _source(story.source),
        "other_sources": [_source(s) for s in story.other_sources],
        "topics": list(story.topics),
        "language": story.language,
        "image": story.image_url,
    }


def render_json(stories: Sequence[Story]) -> str:
    """Stories as a JSON array (ensure_ascii=False, indented)."""
    return json.dumps([story_to_dict(s) for s in stories], ensure_ascii=False, indent=2)


def _parse_source(raw: Any) -> Source:
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
        raise ValueError(f"bad source: {raw!r}")
    url = raw.get("url")
    if url is not None and not isinstance(url, str):
        raise ValueError(f"bad source url: {url!r}")
    return Source(name=raw["name"], url=url)


def _image(raw: Any) -> str | None:
    if raw is not None and not isinstance(raw, str):
        raise ValueError(f"bad image url: {raw!r}")
    return raw


def story_from_dict(raw: Any) -> Story:
    """The inverse of `story_to_dict`; ValueError names what is wrong."""
    if not isinstance(raw, dict):
        raise ValueError("a story must be a JSON object")
    try:
        published = raw.get("published")
        when = datetime.fromisoformat(published).astimezone(UTC) if published else None
        return Story(
            article_id=int(raw["id"]),
            title=str(raw["title"]),
            url=raw.get("url"),
            bullets=tuple(str(b) for b in raw.get("bullets", ())),
            published=when,
            source=_parse_source(raw["source"]),
            topics=tuple(str(t) for t in raw.get("topics", ())),
            other_sources=tuple(_parse_source(s) for s in raw.get("other_sources", ())),
            language=str(raw.get("language", "ar")),
            image_url=_image(raw.get("image")),
        )
    except (KeyError, TypeError) as exc:
        raise ValueError(f"bad story object: {exc}") from exc


def parse_json(text: str) -> list[Story]:
    """Read stories written by `render_json`."""
    data = json.loads(text)
    if not isinstance(data, list):
        raise ValueError("expected a JSON array of stories")
    return [story_from_dict(item) for item in data]
