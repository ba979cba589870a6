"""The displayable parts of a Story, cleaned once for every formatter."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from urllib.parse import quote, urlsplit, urlunsplit

from digest.format._text import clean_inline
from digest.format.bidi import strip_bidi_controls
from digest.format.labels import covered_by, label
from digest.models import Source, Story

MAX_URL_LENGTH = 2048
_BAD_URL_CHAR = re.compile("[\\s\x00-\x1f\x7f-\x9f\ud800-\udfff]")


# Characters a URL may hold as they are; anything else is percent-encoded as UTF-8.
_URL_SAFE = "/?#[]@!$&'()*+,;=%:~-._"


def safe_url(url: str | None) -> str | None:
    """`url` as an ASCII absolute http(s) URL fit for a link, else None.

    Telegram rejects messages whose links are not valid URLs, Discord embeds want
    well-formed URLs and a javascript: link must never be rendered, so anything else
    is shown without a link. Arabic paths are percent-encoded and Arabic host names
    turned into IDNA ("xn--"), so every client links the same address."""
    if not url:
        return None
    url = strip_bidi_controls(url).strip()
    if not url or len(url) > MAX_URL_LENGTH or _BAD_URL_CHAR.search(url):
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port  # ValueError for a bad port
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not host:
        return None
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            return None
    userinfo = parts.netloc.rpartition("@")[0]
    netloc = (quote(userinfo, safe=_URL_SAFE) + "@" if userinfo else "") + (
        f"[{host}]" if ":" in host else host
    )
    if port is not None:
        netloc += f":{port}"
    rest = urlunsplit(("", "", parts.path, parts.query, parts.fragment))
    ascii_url = f"{parts.scheme.lower()}://{netloc}{quote(rest, safe=_URL_SAFE)}"
    return ascii_url if len(ascii_url) <= MAX_URL_LENGTH else None


@dataclass(frozen=True)
class StoryParts:
    title: str
    url: str | None
    bullets: tuple[str, ...]
    sources: tuple[Source, ...]  # the main source first, names cleaned, urls safe
    published: datetime | None
    language: str
    image_url: str | None = None  # https only (digest.images), shown by platforms that can
    reading_url: str | None = None
    coverage: str = ""  # «تناقلتها 3 مصادر» when the story asks for it (/top), else ""


def story_parts(story: Story, language: str, zone: tzinfo = UTC) -> StoryParts:
    """Clean a story's text; `language` names the untitled placeholder; the publication
    time is shown in `zone` (a chat's timezone; stories are stored in UTC)."""
    title = clean_inline(story.title) or label("untitled", language)
    bullets = tuple(b for b in (clean_inline(b) for b in story.bullets) if b)
    sources = []
    for source in (story.source, *story.other_sources):
        name = clean_inline(source.name)
        url = safe_url(source.url)
        if name or url:
            sources.append(Source(name=name or (url or ""), url=url))
    published = story.published.astimezone(zone) if story.published else None
    return StoryParts(
        title=title,
        url=safe_url(story.url),
        bullets=bullets,
        sources=tuple(sources),
        published=published,
        language=story.language,
        image_url=safe_url(story.image_url) if story.image_url else None,
        reading_url=safe_url(story.reading_url),
        coverage=covered_by(story.coverage, language) if story.coverage > 0 else "",
    )


def format_time(moment: datetime) -> str:
    """A time for footers and source lines, in the zone it carries: "2026-12-01 08:30
    UTC", "2026-12-01 11:30 +03" (naive times are taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.strftime("%Y-%m-%d %H:%M ") + (moment.tzname() or "UTC")
