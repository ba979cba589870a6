"""Property tests: whatever the feed text, Telegram and Discord output stays within the
platform limits, is well formed, and loses no story and no character of its bullets."""

from __future__ import annotations

import os
import re
import unicodedata
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from digest.format.bidi import (
    Direction,
    directed_line,
    isolate_runs,
    rtl_line,
    strip_bidi_controls,
)
from digest.format.discord import render_discord
from digest.format.telegram import render_telegram
from digest.models import Source, Story
from tests.format_checks import (
    assert_subsequence,
    check_discord_payloads,
    check_isolates,
    discord_text,
    utf16_units,
    visible_text,
)

TRICKY = [
    *"<>&\"';/\\*_~`|[]()«»،؛؟.-+%#@ \n\t\r",
    *"\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff\u200b\u200d",
    "&amp;",
    "&lt;",
    "<b>",
    "</a>",
    '<a href="x">',
    "😀",
    "👩‍💻",
    "𝕏",
    "\U0001f1f8\U0001f1e6",
    "DeepSeek",
    "GPT-4o",
    "01.ai",
    "H800",
    "2025-01-20",
    "https://e.com/?a=1&b=2",
    "ديب سيك",
    "الذكاء الاصطناعي",
    "ٱلْعَرَبِيَّة",
    "١٢٣",
    "ـــ",
]
pieces = st.one_of(
    st.sampled_from(TRICKY),
    st.text(st.characters(codec="utf-8"), max_size=8),
    st.text(st.characters(min_codepoint=0x600, max_codepoint=0x6FF), min_size=1, max_size=12),
)
texts = st.lists(pieces, max_size=40).map("".join)
urls = st.one_of(
    st.none(),
    st.sampled_from(['https://e.com/a?b=1&c="2"', "javascript:alert(1)", "http://x/<y>"]),
    texts.map(lambda t: "https://example.com/" + t),
)


@st.composite
def stories(draw: st.DrawFn) -> Story:
    return Story(
        article_id=draw(st.integers(0, 10**6)),
        title=draw(texts),
        url=draw(urls),
        bullets=tuple(draw(st.lists(st.one_of(texts, st.just("كلمة " * 400)), max_size=6))),
        published=draw(st.one_of(st.none(), st.just(datetime(2026, 1, 2, 3, 4, tzinfo=UTC)))),
        source=Source(draw(texts), draw(urls)),
        topics=tuple(draw(st.lists(st.sampled_from(["ai", "chips", "x"]), max_size=2))),
        other_sources=tuple(
            Source(name, url) for name, url in draw(st.lists(st.tuples(texts, urls), max_size=3))
        ),
        language=draw(st.sampled_from(["ar", "en"])),
    )


story_lists = st.lists(stories(), min_size=0, max_size=12)
# NEWSDIGEST_FUZZ_EXAMPLES=2000 for a deep run; the default keeps the suite quick.
EXAMPLES = int(os.environ.get("NEWSDIGEST_FUZZ_EXAMPLES", "30"))
fuzz = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def expected_text(story: Story) -> list[str]:
    """Text that must survive whole: the bullets (titles may be shortened with "…")."""
    return [strip_bidi_controls(b) for b in story.bullets]


@fuzz
@given(
    story_lists,
    st.one_of(st.none(), texts),
    st.sampled_from(["ar", "en"]),
    st.sampled_from([1024, 4096]),
)
def test_telegram_output_is_valid_and_complete(
    batch: list[Story], header: str | None, language: str, limit: int
) -> None:
    messages = render_telegram(batch, header=header, language=language, limit=limit)
    for message in messages:
        assert utf16_units(message) <= limit
        assert message.strip()
        text = visible_text(message)  # asserts tags balance, only allowed tags/entities
        for line in text.split("\n"):
            check_isolates(line)
    assert_subsequence(
        [b for s in batch for b in expected_text(s)], "".join(visible_text(m) for m in messages)
    )
    # Every story's title line is there, in order (titles start the story blocks).
    joined = "\n".join(visible_text(m) for m in messages)
    assert_subsequence([strip_bidi_controls(s.title)[:5] for s in batch], joined)


@fuzz
@given(story_lists, st.one_of(st.none(), texts), st.sampled_from(["ar", "en"]))
def test_discord_output_is_within_limits_and_complete(
    batch: list[Story], header: str | None, language: str
) -> None:
    payloads = render_discord(
        batch, header=header, language=language, topic_colours={"ai": 0xFF0000, "chips": 0x00FF00}
    )
    check_discord_payloads(payloads)
    embeds = [e for p in payloads for e in p["embeds"]]
    assert len(embeds) >= len(batch)
    assert_subsequence([b for s in batch for b in expected_text(s)], discord_text(payloads))
    titles = "\n".join(e["title"] for e in embeds)
    assert_subsequence([strip_bidi_controls(s.title)[:5] for s in batch], titles)


@settings(max_examples=EXAMPLES * 4, deadline=None)
@given(texts)
def test_bidi_rules_hold_for_any_text(text: str) -> None:
    for direction in Direction:
        out = directed_line(text, direction)
        assert strip_bidi_controls(out) == strip_bidi_controls(text)
        for line in out.split("\n"):
            check_isolates(line)
        assert isolate_runs(isolate_runs(text, direction), direction) == isolate_runs(
            text, direction
        )
    # Every paragraph of an Arabic rendering opens with a strong RTL character and keeps
    # each Latin letter inside an isolate.
    for paragraph in re.split("\r\n|[\n\r\x1c-\x1e\x85\u2029]", rtl_line(text)):
        check_isolates(paragraph)
        if paragraph.strip():
            assert unicodedata.bidirectional(paragraph[0]) in {"R", "AL"}
        outside = re.sub("[\u2066\u2067].*?\u2069", "", paragraph)
        assert "L" not in {unicodedata.bidirectional(ch) for ch in outside}
