"""Stories for a terminal: `rich` output for people, plain text for pipes and files."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.style import Style
from rich.text import Text

from digest.format._story import StoryParts, format_time, story_parts
from digest.format._text import clean_inline
from digest.format.bidi import (
    directed_line,
    isolate_runs,
    language_direction,
    line_direction,
    line_mark,
)
from digest.format.labels import label, list_separator
from digest.models import Story

BULLET = "• "


def _header_lines(header: str | None, language: str) -> list[str]:
    if not header:
        return []
    lines = (clean_inline(raw) for raw in header.split("\n"))
    return [directed_line(line, line_direction(line, language)) for line in lines if line]


def _title_line(parts: StoryParts) -> str:
    return directed_line(parts.title, line_direction(parts.title, parts.language))


def _bullet_lines(parts: StoryParts) -> list[str]:
    return [
        directed_line(BULLET + bullet, line_direction(bullet, parts.language))
        for bullet in parts.bullets
    ]


def _source_line(parts: StoryParts, language: str) -> str:
    """'المصادر: A، B · 2026-12-01 08:30 UTC' ("" when the story names no source)."""
    if not parts.sources and not parts.published:
        return ""
    direction = language_direction(language)
    key = "sources" if len(parts.sources) > 1 else "source"
    text = label(key, language) + ": "
    text += list_separator(language).join(isolate_runs(s.name, direction) for s in parts.sources)
    if parts.published:
        text += " · " + isolate_runs(format_time(parts.published), direction)
    return line_mark(text, direction) + text


def _read_more_line(url: str, language: str) -> str:
    """'اقرأ المزيد: URL' with the URL isolated so it reads left to right."""
    direction = language_direction(language)
    text = label("read_more", language) + ": " + isolate_runs(url, direction)
    return line_mark(text, direction) + text


def render_plain(stories: Sequence[Story], *, header: str | None, language: str) -> str:
    """The digest as plain text: title, bullets, source line, "read more" URL line; a
    blank line between stories."""
    blocks: list[str] = []
    head = _header_lines(header, language)
    if head:
        blocks.append("\n".join(head))
    if not stories:
        no_new = label("no_new", language)
        blocks.append(directed_line(no_new, line_direction(no_new, language)))
    for story in stories:
        parts = story_parts(story, language)
        lines = [_title_line(parts), *_bullet_lines(parts)]
        if parts.coverage:
            lines.append(directed_line(parts.coverage, language_direction(language)))
        source = _source_line(parts, language)
        if source:
            lines.append(source)
        if parts.url:
            lines.append(_read_more_line(parts.url, language))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def render_console(
    stories: Sequence[Story],
    *,
    header: str | None,
    language: str,
    console: Console | None = None,
) -> None:
    """Print the digest with rich: bold linked titles, bullets, dim source lines."""
    console = console or Console()
    for line in _header_lines(header, language):
        console.print(Text(line, style="bold underline"))
    if header:
        console.print()
    if not stories:
        no_new = label("no_new", language)
        console.print(Text(directed_line(no_new, line_direction(no_new, language)), style="italic"))
        return
    for story in stories:
        parts = story_parts(story, language)
        console.print(Text(_title_line(parts), style=Style(bold=True, link=parts.url)))
        for line in _bullet_lines(parts):
            console.print(Text(line))
        if parts.coverage:
            coverage = directed_line(parts.coverage, language_direction(language))
            console.print(Text(coverage, style="bold"))
        source = _source_line(parts, language)
        if source:
            console.print(Text(source, style="dim"))
        if parts.url:
            console.print(
                Text(_read_more_line(parts.url, language), style=Style(dim=True, link=parts.url))
            )
        console.print()
