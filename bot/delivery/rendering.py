"""Rendering stories for a platform: the `Renderer` type, a platform's route, packing a
digest into parcels, and the renderers for the bundled Telegram and Discord formatters."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, tzinfo

from bot.chat import ChatSender, OutgoingMessage
from bot.pacing import (
    RateLimiter,
)
from digest.models import (
    Story,
)

log = logging.getLogger(__name__)


Renderer = Callable[[Sequence[Story], str | None, str, tzinfo], list[OutgoingMessage]]
"""(stories, header, language, zone) -> messages, split within the platform's limits;
times are shown in `zone`, the chat's timezone."""


@dataclass(frozen=True)
class PlatformRoute:
    """How one platform delivers: its sender, its story renderer and its rate limiter."""

    sender: ChatSender
    render: Renderer
    limiter: RateLimiter


@dataclass(frozen=True)
class Parcel:
    """Messages that together carry some stories: their outbox rows are marked sent when
    the last of these messages was accepted."""

    article_ids: tuple[int, ...]
    messages: tuple[OutgoingMessage, ...]
    # An instant post of one story with no header: its message can be re-rendered from
    # the story alone, so it may be edited later (bot.story_edits).
    single: bool = False


def pack_parcels(
    stories: Sequence[Story],
    header: str | None,
    render: Renderer,
    language: str,
    zone: tzinfo = UTC,
) -> list[Parcel]:
    """Split a digest into parcels, each as few messages as the renderer needs for it:
    stories are added to a parcel while the renderer does not need another message for
    them. Knowing which message carries which story lets a digest that fails half-way
    resume without repeating the stories already accepted."""
    parcels: list[Parcel] = []
    chunk: list[Story] = []
    messages: list[OutgoingMessage] = []
    baseline = 0
    for story in stories:
        head = header if not parcels else None
        if not chunk:
            chunk, messages = [story], render([story], head, language, zone)
            baseline = len(messages)
            continue
        trial = render([*chunk, story], head, language, zone)
        if parcels:
            trial = _continued(trial)
        if len(trial) <= baseline:
            chunk.append(story)
            messages = trial
            continue
        parcels.append(Parcel(tuple(s.article_id for s in chunk), tuple(messages)))
        chunk, messages = [story], _continued(render([story], None, language, zone))
        baseline = len(messages)
    if chunk:
        parcels.append(Parcel(tuple(s.article_id for s in chunk), tuple(messages)))
    return parcels


def _continued(messages: list[OutgoingMessage]) -> list[OutgoingMessage]:
    """Messages after a digest's first parcel: the rest of the same digest (a Discord
    forum keeps the whole digest in one post)."""
    return [replace(m, continues_post=True) for m in messages]


# --- renderers for the bundled formatters -------------------------------------------------


TELEGRAM_CAPTION_LIMIT = 1024  # UTF-16 units of visible caption text (Bot API sendPhoto)


def telegram_renderer(
    stories: Sequence[Story], header: str | None, language: str, zone: tzinfo = UTC
) -> list[OutgoingMessage]:
    """Telegram HTML messages (digest.format.render_telegram); link previews stay off
    for digests and on for a single instant story."""
    from digest.format import render_telegram
    from digest.format.telegram import visible_utf16_len

    preview_off = header is not None or len(stories) != 1
    messages = [
        OutgoingMessage(text=html, disable_preview=preview_off)
        for html in render_telegram(stories, header=header, language=language, zone=zone)
    ]
    image = stories[0].image_url if header is None and len(stories) == 1 else None
    if image and messages:
        first = messages[0]
        if len(messages) == 1 and visible_utf16_len(first.text) <= TELEGRAM_CAPTION_LIMIT:
            # The story as the photo's caption: one message, the image first.
            messages[0] = replace(first, photo_url=image, preview_url=image)
        else:
            # Too long for a caption: the text, with the image as its preview above it.
            messages[0] = replace(first, disable_preview=False, preview_url=image)
    return messages


def discord_renderer(topic_colours: Mapping[str, int] | None = None) -> Renderer:
    """Discord payloads (digest.format.render_discord): content plus up to 10 embeds."""
    from digest.format import render_discord

    def render(
        stories: Sequence[Story], header: str | None, language: str, zone: tzinfo = UTC
    ) -> list[OutgoingMessage]:
        payloads = render_discord(
            stories, header=header, language=language, topic_colours=topic_colours, zone=zone
        )
        # A forum post's title: the story's own for one story, the digest's header
        # (count and date on one line) for a digest; later messages continue that post.
        if header is not None:
            title = " · ".join(line.strip() for line in header.splitlines() if line.strip())
        elif len(stories) == 1:
            # The embed's title: the story's, with the bidi isolates the formatter adds.
            embeds = payloads[0].get("embeds") if payloads else None
            title = str((embeds[0] if embeds else {}).get("title") or stories[0].title)
        else:
            title = ""
        topics = tuple(dict.fromkeys(topic for story in stories for topic in story.topics))
        return [
            OutgoingMessage(
                text=str(payload.get("content") or ""),
                embeds=tuple(payload.get("embeds") or ()),
                post_title=title or None,
                post_topics=topics,
                continues_post=index > 0,
            )
            for index, payload in enumerate(payloads)
        ]

    return render
