"""Output formats: Telegram HTML, Discord embeds, Markdown, JSON, console and plain text.

Every formatter takes Stories and returns data (strings or payload dicts); none of them
imports a chat library. Text is made right-to-left safe by `digest.format.bidi`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from digest.format.console import render_console, render_plain
from digest.format.discord import render_discord
from digest.format.jsonfmt import parse_json, render_json
from digest.format.markdown import render_markdown
from digest.format.telegram import render_telegram
from digest.models import Story

FORMATS = ("console", "telegram", "discord", "markdown", "json")
MESSAGE_BREAK = "\n\n-----\n\n"  # between Telegram messages when printed

__all__ = [
    "FORMATS",
    "parse_json",
    "render",
    "render_console",
    "render_discord",
    "render_json",
    "render_markdown",
    "render_plain",
    "render_telegram",
]


def render(
    stories: Sequence[Story], fmt: str, *, header: str | None = None, language: str = "ar"
) -> str:
    """Render for printing in one of FORMATS (ValueError for anything else).

    "console" gives the plain-text digest (call `render_console` to print with rich),
    "telegram" the HTML messages separated by MESSAGE_BREAK, "discord" the message
    payloads as a JSON array."""
    if fmt == "console":
        return render_plain(stories, header=header, language=language)
    if fmt == "telegram":
        return MESSAGE_BREAK.join(render_telegram(stories, header=header, language=language)) + "\n"
    if fmt == "discord":
        payloads = render_discord(stories, header=header, language=language)
        return json.dumps(payloads, ensure_ascii=False, indent=2) + "\n"
    if fmt == "markdown":
        return render_markdown(stories, header=header, language=language)
    if fmt == "json":
        return render_json(stories) + "\n"
    raise ValueError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")
