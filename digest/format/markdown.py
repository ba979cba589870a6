"""Stories as Markdown (CommonMark), for files, READMEs and issue trackers."""

from __future__ import annotations

import re
from collections.abc import Sequence

from digest.format._story import format_time, story_parts
from digest.format._text import clean_inline
from digest.format.bidi import (
    bidi_safe,
    directed_line,
    isolate_runs,
    language_direction,
    line_direction,
    line_mark,
)
from digest.format.labels import label, list_separator
from digest.models import Story

_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")
# At the start of a line these open a list, a rule, a setext heading or a code fence.
_ORDERED_START = re.compile(r"^(\s*\d+)([.)])")
_MARKER_START = re.compile(r"^(\s*)([-+=~])")


def escape_markdown(text: str) -> str:
    """Backslash-escape what Markdown would read as syntax, inline or at line start."""
    text = _SPECIAL.sub(r"\\\1", text)
    text = _ORDERED_START.sub(r"\1\\\2", text)
    return _MARKER_START.sub(r"\1\\\2", text)


def _link(text: str, url: str | None) -> str:
    if not url:
        return text
    return f"[{text}](<{url.replace('<', '%3C').replace('>', '%3E')}>)"


def render_markdown(stories: Sequence[Story], *, header: str | None, language: str) -> str:
    """A Markdown document: the header as `#`, each story as `##` with bullets."""
    out: list[str] = []
    if header:
        for raw in header.split("\n"):
            text = clean_inline(raw)
            if text:
                out.append("# " + escape_markdown(bidi_safe(text, language)))
        out.append("")
    if not stories:
        out.append(escape_markdown(bidi_safe(label("no_new", language), language)))
    for story in stories:
        parts = story_parts(story, language)
        title = directed_line(parts.title, line_direction(parts.title, parts.language))
        out.append("## " + _link(escape_markdown(title), parts.url))
        out.append("")
        for bullet in parts.bullets:
            line = directed_line(bullet, line_direction(bullet, parts.language))
            out.append("- " + escape_markdown(line))
        if parts.coverage:
            out.append("")
            out.append(escape_markdown(bidi_safe(parts.coverage, language)))
        if parts.sources:
            direction = language_direction(language)
            key = "sources" if len(parts.sources) > 1 else "source"
            names = list_separator(language).join(
                _link(escape_markdown(isolate_runs(s.name, direction)), s.url)
                for s in parts.sources
            )
            when = ""
            if parts.published:
                when = " · " + isolate_runs(format_time(parts.published), direction)
            head = label(key, language)
            mark = line_mark(isolate_runs(head, direction), direction)
            out.append("")
            out.append(f"{mark}*{escape_markdown(head)}: {names}{escape_markdown(when)}*")
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"
