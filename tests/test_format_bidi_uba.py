"""The bidi rules checked against a real implementation of the Unicode Bidirectional
Algorithm: GNU FriBidi (libfribidi, part of the base system, loaded with ctypes) says
where each character of a line is displayed. Skipped where the library is missing."""

from __future__ import annotations

import ctypes
import ctypes.util
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from digest.format.bidi import LRI, LRM, PDI, RLI, RLM, bidi_safe, rtl_line

_PATH = ctypes.util.find_library("fribidi")
pytestmark = pytest.mark.skipif(_PATH is None, reason="libfribidi not installed")

PAR_ON = 0x40  # FRIBIDI_PAR_ON: base direction from the first strong character (P2/P3)
PAR_RTL = 0x111


def display(text: str) -> tuple[list[int], bool]:
    """Visual position of each character and whether the paragraph came out RTL."""
    assert _PATH is not None
    lib = ctypes.CDLL(_PATH)
    n = len(text)
    logical = (ctypes.c_uint32 * n)(*map(ord, text))
    visual = (ctypes.c_uint32 * n)()
    to_visual = (ctypes.c_int * n)()
    base = ctypes.c_uint32(PAR_ON)
    assert lib.fribidi_log2vis(logical, n, ctypes.byref(base), visual, to_visual, None, None)
    return list(to_visual), base.value == PAR_RTL


def items(line: str) -> list[tuple[range, bool]]:
    """Logical ranges of what a reader sees as units: each isolate's content (LTR) and
    each run of non-space characters outside isolates."""
    found: list[tuple[range, bool]] = []
    for match in re.finditer(
        f"[{LRI}{RLI}]([^{PDI}]*){PDI}|[^\\s{LRI}{RLI}{PDI}{RLM}{LRM}]+", line
    ):
        if match.group()[0] in (LRI, RLI):
            found.append((range(match.start(1), match.end(1)), True))
        else:
            found.append((range(match.start(), match.end()), False))
    return [(span, iso) for span, iso in found if len(span)]


def assert_reads_right_to_left(line: str) -> None:
    positions, rtl = display(line)
    assert rtl, f"shown left-to-right: {line!r}"
    previous_min = None
    for span, isolated in items(line):
        shown = [positions[i] for i in span]
        if isolated:  # Latin runs read left to right, contiguous, in written order
            assert shown == list(range(shown[0], shown[0] + len(shown))), line
        assert max(shown) - min(shown) == len(shown) - 1, f"unit torn apart in {line!r}"
        if previous_min is not None:
            assert max(shown) < previous_min, f"units out of right-to-left order: {line!r}"
        previous_min = min(shown)


@pytest.mark.parametrize(
    "line",
    [
        "DeepSeek تطلق نموذجا جديدا",
        "شركة 01.ai الصينية",
        "أعلنت DeepSeek، 2025 عام التحول",
        "في 2025-01-20 أعلنت (OpenAI) عن GPT-4o.",
        "• يتفوق على Nvidia H800 بسعر 5.6 مليون",
        "زوروا https://example.com/a?b=1&c=2، ثم عودوا",
        "لـDeepSeek وبـGPT-4o نماذج",
    ],
)
def test_processed_lines_display_right_to_left(line: str) -> None:
    assert_reads_right_to_left(rtl_line(line))


def test_the_same_lines_unprocessed_are_scrambled() -> None:
    # What the rules are for: a real bidi implementation gets these wrong untouched.
    _, rtl = display("DeepSeek تطلق نموذجا جديدا")
    assert not rtl  # the whole Arabic line would be laid out left to right
    positions, _ = display("شركة 01.ai الصينية")
    shown = [positions[i] for i in range(5, 10)]  # "01.ai"
    assert shown != sorted(shown)  # shown as "ai.01"
    line = "أعلنت DeepSeek، 2025 عام"
    positions, _ = display(line)
    comma, year = line.index("،"), line.index("2025")
    assert positions[year] > positions[comma]  # the year jumps before the comma


ARABIC = ["أعلنت", "شركة", "نموذج", "الجديد", "في", "لـ", "وبـ", "عام"]
LATIN = [
    "DeepSeek",
    "GPT-4o",
    "01.ai",
    "H800",
    "Nvidia H800",
    "https://e.com/a?b=1",
    "2025-01-20",
    "C++",
    "iPhone 16 Pro",
    "R1",
    "-5",
    "+966",
]
NUMBERS = ["2025", "3.5", "17%", "١٢٣", "1,000"]
GLUE = [" ", " ", " ", "، ", ". ", " (", ") ", " «", "» ", ": ", " — "]


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(["", "• ", "(", "«", "— ", "1. ", "\u200f", "\u202e"]),
    st.lists(
        st.tuples(st.sampled_from(ARABIC + LATIN + NUMBERS), st.sampled_from(GLUE)),
        min_size=1,
        max_size=10,
    ).filter(lambda words: any(w in ARABIC for w, _ in words)),
)
def test_any_mixed_arabic_line_reads_right_to_left(
    start: str, words: list[tuple[str, str]]
) -> None:
    line = start + "".join(word + glue for word, glue in words).strip()
    assert_reads_right_to_left(rtl_line(line))


@pytest.mark.parametrize(
    "line",
    [
        "The startup ديب سيك released R1",
        "ديب سيك released R1 in 2025",
        "Sources: البوابة التقنية, TechCrunch",
    ],
)
def test_english_lines_with_arabic_display_left_to_right(line: str) -> None:
    out = bidi_safe(line, "en")
    positions, rtl = display(out)
    assert not rtl
    previous_max = None
    for span, isolated in items(out):
        shown = [positions[i] for i in span]
        if isolated:  # Arabic runs read right to left, contiguous
            assert shown == list(range(shown[0], shown[0] - len(shown), -1)), out
        assert max(shown) - min(shown) == len(shown) - 1
        if previous_max is not None:
            assert min(shown) > previous_max, f"units out of left-to-right order: {out!r}"
        previous_max = max(shown)


def test_every_line_of_a_telegram_digest_reads_right_to_left() -> None:
    from digest.format.telegram import render_telegram
    from tests.format_checks import make_story, visible_text

    story = make_story(1, title="DeepSeek تطلق R1", other_sources=[("TechCrunch", None)])
    [message] = render_telegram([story], header="ملخص أخبار التقنية — 1 ديسمبر 2026", language="ar")
    lines = [line for line in visible_text(message).split("\n") if line]
    assert len(lines) == 6  # header, title, three bullets, sources
    for line in lines:
        assert_reads_right_to_left(line)


def test_every_line_of_a_discord_embed_reads_right_to_left() -> None:
    from digest.format.discord import render_discord
    from tests.format_checks import make_story

    story = make_story(1, title="GPT-4o أمام DeepSeek R1", other_sources=[("TechCrunch", None)])
    [payload] = render_discord([story], header=None, language="ar")
    embed = payload["embeds"][0]
    lines = [embed["title"], embed["footer"]["text"], *embed["description"].split("\n")]
    assert len(lines) == 5
    for line in lines:
        assert_reads_right_to_left(line)
