"""JSON, Markdown, console/plain text, labels and the `render` dispatch."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

import pytest
from rich.console import Console

from digest.format import FORMATS, render
from digest.format.bidi import RLM
from digest.format.console import render_console, render_plain
from digest.format.jsonfmt import parse_json, render_json
from digest.format.labels import digest_header, label
from digest.format.markdown import render_markdown
from tests.format_checks import make_story


def test_json_round_trip_keeps_every_field() -> None:
    cairo = timezone(timedelta(hours=2))
    stories = [
        make_story(1, other_sources=[("TechCrunch", "https://tc.example"), ("بلا رابط", None)]),
        make_story(2, url=None, topics=[], language="en"),
    ]
    stories[1] = replace(stories[1], published=None)
    stories.append(replace(stories[0], published=datetime(2026, 1, 2, 12, tzinfo=cairo)))
    text = render_json(stories)
    assert parse_json(text) == stories
    data = json.loads(text)
    assert [d["id"] for d in data] == [1, 2, 1]
    assert data[2]["published"] == "2026-01-02T10:00:00+00:00"  # stored in UTC
    assert data[0]["other_sources"][1] == {"name": "بلا رابط", "url": None}
    assert "ديب سيك" in text  # ensure_ascii=False


def test_json_rejects_what_it_cannot_read() -> None:
    with pytest.raises(ValueError):
        parse_json('{"id": 1}')
    with pytest.raises(ValueError):
        parse_json('[{"id": 1}]')


def test_markdown_has_headings_links_bullets_and_escapes() -> None:
    story = make_story(1, title="نموذج [جديد] *مهم*", bullets=["DeepSeek_V3 يتفوق"])
    text = render_markdown([story], header="ملخص", language="ar")
    lines = text.split("\n")
    assert lines[0] == "# ملخص"
    assert lines[2] == f"## [نموذج \\[جديد\\] \\*مهم\\*](<{story.url}>)"
    assert lines[4].startswith("- " + RLM) and "DeepSeek\\_V3" in lines[4]
    assert "[البوابة التقنية](<https://aitnews.example/>)" in text
    assert "لا جديد" in render_markdown([], header=None, language="ar")


def test_plain_text_digest() -> None:
    story = make_story(3, other_sources=[("TechCrunch", None)])
    text = render_plain([story], header="ملخص", language="ar")
    blocks = text.rstrip("\n").split("\n\n")
    assert blocks[0] == "ملخص"
    lines = blocks[1].split("\n")
    assert lines[0] == story.title
    assert [line.startswith(RLM + "• ") for line in lines[1:4]] == [True] * 3
    assert lines[4].startswith("المصادر: البوابة التقنية، ")
    assert lines[5] == f"اقرأ المزيد: \u2066{story.url}\u2069"


def test_rich_console_prints_title_bullets_and_source() -> None:
    out = io.StringIO()
    console = Console(file=out, width=120, color_system=None, force_terminal=False)
    story = make_story(4)
    render_console([story], header="ملخص", language="ar", console=console)
    text = out.getvalue()
    assert story.title in text
    assert "نموذج R1 الجديد" in text.replace("\u2066", "").replace("\u2069", "")
    assert "المصدر: البوابة التقنية" in text
    out.truncate(0)
    render_console([], header=None, language="en", console=console)
    assert "No new stories" in out.getvalue()


def test_labels_and_header() -> None:
    assert digest_header(date(2026, 12, 1), "ar") == "ملخص أخبار التقنية — 1 ديسمبر 2026"
    assert digest_header(date(2026, 1, 5), "en") == "Tech news digest — 5 January 2026"
    assert label("read_more", "ar-EG") == "اقرأ المزيد"
    assert label("sources", "fr") == "Sources"


@pytest.mark.parametrize("fmt", FORMATS)
def test_render_dispatches_every_format(fmt: str) -> None:
    story = make_story(5)
    text = render([story], fmt, header="ملخص")
    assert isinstance(text, str) and story.title in text
    if fmt in {"json", "discord"}:
        json.loads(text)


def test_render_rejects_unknown_format() -> None:
    with pytest.raises(ValueError, match="unknown format 'html'"):
        render([], "html")


def test_markdown_escapes_line_start_markers() -> None:
    from digest.format.markdown import escape_markdown

    assert escape_markdown("1. first") == "1\\. first"
    assert escape_markdown("- dash") == "\\- dash"
    assert escape_markdown("a - b 1. c") == "a - b 1. c"
    story = make_story(1, bullets=["1. first point", "# not a heading"], language="en")
    text = render_markdown([story], header=None, language="en")
    assert "\n- 1\\. first point\n" in text and "\n- \\# not a heading\n" in text
