"""Replies rendered for Discord: text split at 2,000 characters, stories as embeds."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import discord

from bot.chat import Reply
from bot.delivery import (
    chat_zone,
)
from bot.discord.sender import (
    MAX_CONTENT,
)
from digest.format.discord import render_discord

# --- reply rendering -----------------------------------------------------------------

Payload = Mapping[str, Any]  # {"content": str, "embeds": [embed dicts]}
ReplyRenderer = Callable[[Reply], Sequence[Payload]]


def split_text(text: str, limit: int = MAX_CONTENT) -> list[str]:
    """Split text into chunks of at most `limit` characters, at line breaks where possible,
    else at spaces, else hard."""
    chunks: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit + 1)
        if cut <= 0:
            cut = rest.rfind(" ", 0, limit + 1)
        if cut <= 0:  # no separator: cut hard and keep every character
            chunks.append(rest[:limit])
            rest = rest[limit:]
            continue
        chunks.append(rest[:cut])
        rest = rest[cut + 1 :]  # drop only the separator we cut at
    if rest.strip():
        chunks.append(rest)
    return chunks


def render_reply(
    reply: Reply, *, topic_colours: Mapping[str, int] | None = None
) -> list[dict[str, Any]]:
    """The default ReplyRenderer: text as message content (markdown escaped, split at 2000
    characters), stories as embeds via digest.format.discord.render_discord."""
    payloads: list[dict[str, Any]] = [
        {"content": chunk, "embeds": []}
        for chunk in split_text(discord.utils.escape_markdown(reply.text))
    ]
    if reply.stories:
        payloads.extend(
            dict(p)
            for p in render_discord(
                list(reply.stories),
                header=reply.header,
                language=reply.language,
                topic_colours=dict(topic_colours or {}),
                zone=chat_zone(reply.timezone),
            )
        )
    return payloads
