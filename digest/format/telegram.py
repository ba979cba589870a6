"""Stories as Telegram messages in HTML parse mode.

Escaping is strict: text and attribute values only ever hold the entities &lt; &gt;
&amp; and &quot;, and the only tags written are <b> and <a href="...">. Each message is
at most `limit` UTF-16 code units (4096, Telegram's limit). Telegram measures the text
after parsing tags and entities, which is never longer than the raw HTML, so measuring
the raw HTML keeps a safe margin. A message also holds at most 100 entities (tags),
since Telegram ignores formatting after the 100th, and only a story's first ten sources
are linked. Messages are cut between stories; a story too long
for one message is cut between its lines (title, bullets, sources), never inside a tag
or an entity, and its continuation starts with its title and "(تابع)".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, tzinfo
from functools import partial
from html import unescape as unescape_html

from digest.format._story import StoryParts, format_time, story_parts
from digest.format._text import clean_inline, split_rendered, truncate, utf16_len
from digest.format.bidi import (
    Direction,
    isolate_runs,
    language_direction,
    line_direction,
    line_mark,
)
from digest.format.labels import label, list_separator
from digest.models import Story

TELEGRAM_LIMIT = 4096
ALLOWED_TAGS = frozenset({"b", "i", "u", "s", "a", "code", "pre", "blockquote"})
BULLET = "• "
MIN_LIMIT = 1024
# Telegram applies only the first 100 entities of a message and drops the rest.
MAX_ENTITIES = 100
MAX_LINKED_SOURCES = 10  # further sources are named without a link
SOURCE_NAME_MAX = 256
SHORT_TITLE_MAX = 80  # title repeated at the top of a continued story


def escape_html(text: str) -> str:
    """Escape text for Telegram HTML: & < > become &amp; &lt; &gt;."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_attr(text: str) -> str:
    """Escape an attribute value written between double quotes."""
    return escape_html(text).replace('"', "&quot;")


def _link(html_text: str, url: str | None) -> str:
    return f'<a href="{escape_attr(url)}">{html_text}</a>' if url else html_text


def _title_line(parts: StoryParts, title: str, url: str | None) -> str:
    direction = line_direction(title, parts.language)
    visible = isolate_runs(title, direction)
    return f"{line_mark(visible, direction)}<b>{_link(escape_html(visible), url)}</b>"


def _plain_line(text: str, direction: Direction, prefix: str = "") -> str:
    visible = isolate_runs(prefix + text, direction)
    return line_mark(visible, direction) + escape_html(visible)


def _continued_line(parts: StoryParts, language: str) -> str:
    direction = line_direction(parts.title, parts.language)
    short = truncate(parts.title, lambda t: len(t) <= SHORT_TITLE_MAX)
    visible_title = isolate_runs(short, direction)
    rest = " " + label("continued", language)
    mark = line_mark(visible_title + rest, direction)
    return f"{mark}<b>{escape_html(visible_title)}</b>{escape_html(rest)}"


def _source_lines(parts: StoryParts, language: str, budget: int) -> list[str]:
    """'المصادر: A، B · time', packed into as many lines as the budget needs."""
    if not parts.sources:
        return []
    direction = language_direction(language)
    key = "sources" if len(parts.sources) > 1 else "source"
    head = label(key, language) + ": "
    fragments = []
    for n, source in enumerate(parts.sources):
        name = truncate(source.name, lambda n: len(n) <= SOURCE_NAME_MAX)
        url = source.url if n < MAX_LINKED_SOURCES else None
        fragments.append(_link(escape_html(isolate_runs(name, direction)), url))
    tail = ""
    if parts.published:
        tail = escape_html(" · " + isolate_runs(format_time(parts.published), direction))
    separator = escape_html(list_separator(language))
    # Marks depend only on the line's first visible character: the label's.
    mark = line_mark(isolate_runs(head, direction), direction)
    lines: list[str] = []
    current: list[str] = []

    def render(frags: list[str], end: str) -> str:
        return mark + escape_html(head) + separator.join(frags) + end

    for fragment in fragments:
        if current and utf16_len(render([*current, fragment], tail)) > budget:
            lines.append(render(current, ""))
            current = []
        current.append(fragment)
    lines.append(render(current, tail))
    return lines


def _story_lines(parts: StoryParts, language: str, limit: int, budget: int) -> list[str]:
    """Lines of one story: the title line takes at most a third of `limit` (shortened
    with "…", unlinked if even its URL is too long), every other line fits `budget`."""
    title_budget = limit // 3
    url = parts.url
    if url and utf16_len(_title_line(parts, "x", url)) > title_budget // 2:
        url = None
    title = truncate(parts.title, lambda t: utf16_len(_title_line(parts, t, url)) <= title_budget)
    lines = [_title_line(parts, title, url)]
    for bullet in parts.bullets:
        direction = line_direction(bullet, parts.language)
        pieces = split_rendered(
            bullet, partial(_plain_line, direction=direction, prefix=BULLET), budget
        )
        for n, piece in enumerate(pieces):
            lines.append(_plain_line(piece, direction, BULLET if n == 0 else ""))
    if parts.coverage:
        lines.append(_plain_line(parts.coverage, language_direction(language)))
    lines += _source_lines(parts, language, budget)
    if parts.reading_url:
        lines.append(_reading_line(parts.reading_url, language))
    return lines


def _reading_line(url: str, language: str) -> str:
    """'اقرأ داخل تيليغرام' linked to the story's reading page (Telegraph opens in the app)."""
    text = label("read_in_telegram", language)
    direction = language_direction(language)
    visible = isolate_runs(text, direction)
    return line_mark(visible, direction) + _link(escape_html(visible), url)


def visible_utf16_len(html: str) -> int:
    """UTF-16 length of what Telegram shows of `html` (tags dropped, entities decoded):
    what its 1,024-unit photo caption limit counts."""
    return utf16_len(unescape_html(_TAG.sub("", html)))


def _header_lines(header: str, language: str, budget: int) -> list[str]:
    lines = []
    for raw in header.split("\n"):
        text = clean_inline(raw)
        if not text:
            continue
        direction = line_direction(text, language)

        def bold(piece: str, direction: Direction = direction) -> str:
            visible = isolate_runs(piece, direction)
            return f"{line_mark(visible, direction)}<b>{escape_html(visible)}</b>"

        pieces = split_rendered(text, bold, budget)
        lines += [bold(piece) for piece in pieces]
    return lines


# [^<>]: the rendered HTML never holds a raw "<" in text or attributes, so this is
# the same match; a run of "<" without ">" is no longer rescanned from each "<".
_TAG = re.compile(r"<[^<>]*>")
# What Telegram turns into entities by itself: links, e-mail addresses, #hashtags,
# $cashtags, @mentions and /commands. Counted generously, so the estimate is an upper
# bound in practice.
# The part after "@" is read up to the next "@" (with \S+ a run of "@" was rescanned
# from each of them: quadratic); it may be empty, so "a@@.b" still counts.
_AUTO_ENTITY = re.compile(r"(?:https?://|www\.)\S|\S@[^\s@]*\.\w|(?<![\w/])[#$@/][^\W\d_]")


def entity_count(html: str) -> int:
    """Entities a message will hold: one per start tag (text never holds a raw "<"),
    plus those Telegram finds by itself in the text."""
    tags = html.count("<") - html.count("</")
    return tags + len(_AUTO_ENTITY.findall(_TAG.sub(" ", html)))


def _fits(html: str, limit: int) -> bool:
    return utf16_len(html) <= limit and entity_count(html) <= MAX_ENTITIES


def _chunks(lines: list[str], continued: str | None, limit: int) -> list[str]:
    """Cut lines into blocks of at most `limit`, between lines; every block after the
    first starts with `continued` when given."""
    blocks: list[str] = []
    current: list[str] = []
    for line in lines:
        if current and not _fits("\n".join([*current, line]), limit):
            blocks.append("\n".join(current))
            current = [continued] if continued is not None else []
        current.append(line)
    blocks.append("\n".join(current))
    return blocks


def _pack(blocks: list[str], limit: int) -> list[str]:
    """Greedily put blocks (each at most `limit`) into messages, blank line between."""
    messages: list[str] = []
    current = ""
    for block in blocks:
        if current and _fits(current + "\n\n" + block, limit):
            current += "\n\n" + block
        else:
            if current:
                messages.append(current)
            current = block
    if current:
        messages.append(current)
    return messages


def render_telegram(
    stories: Sequence[Story],
    *,
    header: str | None,
    language: str,
    limit: int = TELEGRAM_LIMIT,
    zone: tzinfo = UTC,
) -> list[str]:
    """Render stories as Telegram HTML messages, each at most `limit` UTF-16 units.

    The header (bold) opens the first message. No stories and no header gives [];
    no stories with a header gives the header and "لا جديد" / "No new stories". Times
    are shown in `zone` (the chat's timezone)."""
    if limit < MIN_LIMIT:
        raise ValueError(f"limit must be at least {MIN_LIMIT}")
    blocks: list[str] = []
    if header is not None:
        head = _header_lines(header, language, limit)
        if head:
            blocks += _chunks(head, None, limit)
    if not stories:
        if not blocks:
            return []
        blocks.append(_plain_line(label("no_new", language), language_direction(language)))
    for story in stories:
        parts = story_parts(story, language, zone)
        continued = _continued_line(parts, language)
        lines = _story_lines(parts, language, limit, limit - utf16_len(continued) - 1)
        blocks += _chunks(lines, continued, limit)
    return _pack(blocks, limit)
