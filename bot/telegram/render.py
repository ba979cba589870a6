"""Replies rendered for Telegram: text split at the 4,096 UTF-16 limit, stories as HTML."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo
from typing import Protocol

from bot.chat import Reply
from bot.delivery import (
    chat_zone,
)
from bot.i18n import rtl_safe
from bot.telegram.sender import MAX_MESSAGE_UTF16
from digest.format.telegram import escape_html, render_telegram
from digest.models import Story

# --- replies -------------------------------------------------------------------------


class StoryRenderer(Protocol):
    def __call__(
        self, stories: Sequence[Story], *, header: str | None, language: str, zone: tzinfo
    ) -> list[str]: ...


def split_plain_text(text: str, limit: int = MAX_MESSAGE_UTF16) -> list[str]:
    """Cut plain text into chunks of at most `limit` UTF-16 units, at line breaks where
    possible (a single over-long line is cut between characters, never inside a pair)."""
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        while utf16_len(line) > limit:
            cut = _utf16_prefix(line, limit)
            if current:
                chunks.append(current)
                current = ""
            chunks.append(line[:cut])
            line = line[cut:]
        candidate = f"{current}\n{line}" if current else line
        if utf16_len(candidate) <= limit:
            current = candidate
        else:
            chunks.append(current)
            current = line
    if current.strip():
        chunks.append(current)
    return [chunk for chunk in chunks if chunk.strip()]


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _utf16_prefix(text: str, limit: int) -> int:
    """Longest prefix length (in code points) that fits in `limit` UTF-16 units."""
    used = 0
    for index, char in enumerate(text):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > limit:
            return index
    return len(text)


class TelegramReplyRenderer:
    """Reply → HTML messages: the plain text escaped, RTL-safe and split under the limit,
    then the stories through the Telegram story formatter."""

    def __init__(
        self, story_renderer: StoryRenderer = render_telegram, limit: int = MAX_MESSAGE_UTF16
    ) -> None:
        self._render_stories = story_renderer
        self._limit = limit

    def render(self, reply: Reply) -> list[str]:
        messages: list[str] = []
        if reply.text.strip():
            text = rtl_safe(reply.text.strip(), reply.language)
            # Telegram counts the text after entity parsing, i.e. the plain text.
            messages += [escape_html(chunk) for chunk in split_plain_text(text, self._limit)]
        if reply.stories or (reply.header and not reply.text.strip()):
            messages += self._render_stories(
                reply.stories,
                header=reply.header,
                language=reply.language,
                zone=chat_zone(reply.timezone),
            )
        return messages
