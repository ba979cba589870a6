"""Stories as Discord message payloads: one embed per story.

Each payload is `{"content": str, "embeds": [embed, ...]}` with embeds as the Discord
API takes them (title, url, description, footer.text, timestamp, color). Limits (Discord
counts characters; we count UTF-16 code units, which is never fewer): title 256,
description 4096, footer 2048, content 2000, at most 10 embeds and 6000 characters of
embed text (title + description + footer + field names/values + author name) per
message. A digest header is its own first message. Messages are cut between stories; a
story whose bullets exceed one embed continues in further embeds titled "… (تابع)",
with its footer on the last one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, tzinfo
from functools import partial
from typing import Any

from digest.format._story import StoryParts, format_time, story_parts
from digest.format._text import clean_inline, split_rendered, truncate, utf16_len
from digest.format.bidi import Direction, isolate_runs, line_direction, line_mark
from digest.format.labels import label, list_separator
from digest.models import Story

CONTENT_LIMIT = 2000
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FOOTER_LIMIT = 2048
FOOTER_BUDGET = 512  # our footers stay short so the bullets get the room
EMBEDS_PER_MESSAGE = 10
MESSAGE_EMBED_CHARS = 6000
BULLET = "• "

# A URL (up to a space or backslash) is left whole so Discord still links it.
_MARKDOWN = re.compile(r"((?i:https?)://[^\s\\]+)|([\\*_~`|\[\]])")


_ORDERED_START = re.compile(r"^(\s*\d+)([.)])")
_MARKER_START = re.compile(r"^(\s*)([-+#>])")


def escape_markdown(text: str) -> str:
    """Backslash-escape Discord markdown in text (URLs are left whole so they link), and
    a heading, quote or list marker that would open a line."""
    text = _MARKDOWN.sub(lambda m: m.group(1) or "\\" + m.group(2), text)
    text = _ORDERED_START.sub(r"\1\\\2", text)
    return _MARKER_START.sub(r"\1\\\2", text)


def embed_size(embed: Mapping[str, Any]) -> int:
    """Characters of an embed that count towards Discord's 6000 per message."""
    total = utf16_len(str(embed.get("title", ""))) + utf16_len(str(embed.get("description", "")))
    footer = embed.get("footer")
    if isinstance(footer, Mapping):
        total += utf16_len(str(footer.get("text", "")))
    author = embed.get("author")
    if isinstance(author, Mapping):
        total += utf16_len(str(author.get("name", "")))
    for field in embed.get("fields", ()) or ():
        total += utf16_len(str(field.get("name", ""))) + utf16_len(str(field.get("value", "")))
    return total


def _line(text: str, direction: Direction, prefix: str = "", markdown: bool = True) -> str:
    visible = isolate_runs(prefix + text, direction)
    return line_mark(visible, direction) + (escape_markdown(visible) if markdown else visible)


def _title(parts: StoryParts, suffix: str = "") -> str:
    direction = line_direction(parts.title, parts.language)

    def render(text: str) -> str:
        return _line(text + suffix, direction, markdown=False)

    return render(truncate(parts.title, lambda t: utf16_len(render(t)) <= TITLE_LIMIT))


def _footer(parts: StoryParts, language: str) -> str:
    """'source · 2026-12-01 08:30 UTC', or for a story several outlets told
    'المصادر: source، other · …' ("Sources: …"); empty when there is neither."""
    items = []
    if parts.sources:
        names = list_separator(language).join(s.name for s in parts.sources)
        if len(parts.sources) > 1:
            names = label("sources", language) + ": " + names
        items.append(names)
    if parts.published:
        items.append(format_time(parts.published))
    text = " · ".join(items)
    if not text:
        return ""
    direction = line_direction(text, language)

    def render(t: str) -> str:
        return _line(t, direction, markdown=False)

    return render(truncate(text, lambda t: utf16_len(render(t)) <= FOOTER_BUDGET))


def _colour(story: Story, topic_colours: Mapping[str, int] | None) -> int | None:
    if not topic_colours:
        return None
    for topic in story.topics:
        if topic in topic_colours:
            return int(topic_colours[topic]) & 0xFFFFFF
    return None


def _story_embeds(
    story: Story,
    language: str,
    topic_colours: Mapping[str, int] | None,
    zone: tzinfo,
    *,
    with_image: bool = False,
) -> list[dict[str, Any]]:
    parts = story_parts(story, language, zone)
    title = _title(parts)
    continued_title = _title(parts, " " + label("continued", language))
    footer = _footer(parts, language)
    colour = _colour(story, topic_colours)
    room = min(
        DESCRIPTION_LIMIT,
        MESSAGE_EMBED_CHARS - max(utf16_len(title), utf16_len(continued_title)) - utf16_len(footer),
    )
    lines: list[str] = []
    if parts.coverage:
        lines.append(_line(parts.coverage, line_direction(parts.coverage, language)))
    for bullet in parts.bullets:
        direction = line_direction(bullet, parts.language)
        pieces = split_rendered(bullet, partial(_line, direction=direction, prefix=BULLET), room)
        lines += [_line(p, direction, BULLET if n == 0 else "") for n, p in enumerate(pieces)]
    descriptions: list[str] = []
    current = ""
    for line in lines:
        candidate = f"{current}\n{line}" if current else line
        if current and utf16_len(candidate) > room:
            descriptions.append(current)
            current = line
        else:
            current = candidate
    if current or not descriptions:
        descriptions.append(current)
    embeds: list[dict[str, Any]] = []
    for n, description in enumerate(descriptions):
        embed: dict[str, Any] = {"title": title if n == 0 else continued_title}
        if n == 0 and parts.url:
            embed["url"] = parts.url
        if description:
            embed["description"] = description
        if colour is not None:
            embed["color"] = colour
        embeds.append(embed)
    if parts.image_url and with_image:
        embeds[0]["image"] = {"url": parts.image_url}
    last = embeds[-1]
    if footer:
        last["footer"] = {"text": footer}
    if parts.published:
        last["timestamp"] = parts.published.isoformat()
    return embeds


def _header_lines(text: str, language: str) -> list[str]:
    lines: list[str] = []
    for raw in text.split("\n"):
        clean = clean_inline(raw)
        if not clean:
            continue
        direction = line_direction(clean, language)

        def bold(piece: str, direction: Direction = direction) -> str:
            visible = isolate_runs(piece, direction)
            return f"{line_mark(visible, direction)}**{escape_markdown(visible)}**"

        lines += [bold(p) for p in split_rendered(clean, bold, CONTENT_LIMIT)]
    return lines


def _content_messages(lines: list[str]) -> list[dict[str, Any]]:
    """Pack lines (each at most CONTENT_LIMIT) into content-only messages."""
    messages: list[dict[str, Any]] = []
    current = ""
    for line in lines:
        candidate = f"{current}\n{line}" if current else line
        if current and utf16_len(candidate) > CONTENT_LIMIT:
            messages.append({"content": current, "embeds": []})
            current = line
        else:
            current = candidate
    if current:
        messages.append({"content": current, "embeds": []})
    return messages


def render_discord(
    stories: Sequence[Story],
    *,
    header: str | None,
    language: str,
    topic_colours: Mapping[str, int] | None = None,
    zone: tzinfo = UTC,
) -> list[dict[str, Any]]:
    """Render stories as Discord message payloads within every Discord limit; times in
    footers are shown in `zone` (the chat's timezone).

    The header is a separate first message (content only). No stories and no header
    gives []; no stories with a header gives the header and "لا جديد"."""
    head = _header_lines(header, language) if header is not None else []
    if not stories:
        if not head:
            return []
        no_new = label("no_new", language)
        return _content_messages([*head, _line(no_new, line_direction(no_new, language))])
    messages = _content_messages(head)
    current: list[dict[str, Any]] = []
    size = 0
    for story in stories:
        # The lead image in instant posts; a digest stays a compact list.
        embeds = _story_embeds(story, language, topic_colours, zone, with_image=header is None)
        story_size = sum(embed_size(e) for e in embeds)
        fits_whole = len(embeds) <= EMBEDS_PER_MESSAGE and story_size <= MESSAGE_EMBED_CHARS
        if (
            current
            and fits_whole
            and (
                len(current) + len(embeds) > EMBEDS_PER_MESSAGE
                or size + story_size > MESSAGE_EMBED_CHARS
            )
        ):
            messages.append({"content": "", "embeds": current})
            current, size = [], 0
        for embed in embeds:
            esize = embed_size(embed)
            if current and (
                len(current) >= EMBEDS_PER_MESSAGE or size + esize > MESSAGE_EMBED_CHARS
            ):
                messages.append({"content": "", "embeds": current})
                current, size = [], 0
            current.append(embed)
            size += esize
    if current:
        messages.append({"content": "", "embeds": current})
    return messages
