"""Right-to-left rules of digest.format.bidi, checked on Unicode bidi classes."""

from __future__ import annotations

import unicodedata

import pytest

from digest.format.bidi import (
    LRI,
    LRM,
    PDI,
    RLI,
    RLM,
    Direction,
    bidi_safe,
    line_direction,
    ltr_line,
    rtl_line,
    strip_bidi_controls,
)
from tests.format_checks import check_isolates


def classes(text: str) -> list[str]:
    return [unicodedata.bidirectional(ch) for ch in text]


def outside_isolates(line: str) -> str:
    out, depth = [], 0
    for ch in line:
        if ch in (LRI, RLI):
            depth += 1
        elif ch == PDI:
            depth -= 1
        elif depth == 0:
            out.append(ch)
    return "".join(out)


def isolated_runs(line: str) -> list[str]:
    runs, current, depth = [], [], 0
    for ch in line:
        if ch in (LRI, RLI):
            depth, current = 1, []
        elif ch == PDI:
            depth = 0
            runs.append("".join(current))
        elif depth:
            current.append(ch)
    return runs


def assert_rtl_safe(original: str, out: str) -> None:
    """The invariants rtl_line promises for one line."""
    assert strip_bidi_controls(out) == strip_bidi_controls(original)
    check_isolates(out)
    assert classes(out[:1])[0] in {"R", "AL"}, "an RTL line must open with a strong RTL char"
    assert "L" not in classes(outside_isolates(out)), "a Latin letter escaped its isolate"
    for run in isolated_runs(out):
        assert not {"R", "AL"} & set(classes(run))


ARABIC_LINES = [
    "DeepSeek تطلق نموذجا جديدا",
    "GPT-4o يتراجع أمام المنافسين",
    "2025 عام الذكاء الاصطناعي",
    "• أعلنت شركة DeepSeek عن نموذج R1",
    "تعاونت 01.ai مع Nvidia H800 في التدريب.",
    "زوروا https://example.com/a?b=1&c=2 للمزيد",
    "أعلنت DeepSeek، في 2025-01-20، عن نموذجها",
    "(OpenAI) و«Anthropic» تتنافسان",
    "سعر السهم ارتفع 5% إلى 120.5 دولار",
    "لـDeepSeek وبـGPT-4o نماذج",
]


@pytest.mark.parametrize("line", ARABIC_LINES)
def test_arabic_lines_keep_every_invariant(line: str) -> None:
    assert_rtl_safe(line, rtl_line(line))


def test_line_starting_with_latin_name_gets_rlm_and_isolate() -> None:
    out = rtl_line("DeepSeek تطلق نموذجا جديدا")
    assert out.startswith(RLM + LRI + "DeepSeek" + PDI + " ")


def test_lines_starting_with_digit_or_bullet_get_rlm() -> None:
    assert rtl_line("2025 عام الذكاء").startswith(RLM + "2025 ")
    assert rtl_line("• عنوان الخبر").startswith(RLM + "• ")


def test_line_starting_with_arabic_letter_gets_no_mark() -> None:
    assert rtl_line("أعلنت الشركة") == "أعلنت الشركة"


def test_mixed_latin_digit_punctuation_runs_are_isolated_whole() -> None:
    out = rtl_line("تعاونت 01.ai مع GPT-4o وNvidia H800")
    assert isolated_runs(out) == ["01.ai", "GPT-4o", "Nvidia H800"]


def test_url_is_one_run_and_sentence_punctuation_stays_outside() -> None:
    out = rtl_line("اقرأ https://example.com/a?b=1، ثم (DeepSeek).")
    assert isolated_runs(out) == ["https://example.com/a?b=1", "DeepSeek"]
    assert PDI + "،" in out and PDI + ")." in out


def test_arabic_comma_after_latin_run_is_not_pulled_into_it() -> None:
    # Without the isolate, W7 would make "2025" left-to-right and join it with DeepSeek.
    out = rtl_line("أعلنت DeepSeek، 2025 عام")
    assert out == "أعلنت " + LRI + "DeepSeek" + PDI + "، 2025 عام"


def test_dates_are_kept_as_written() -> None:
    out = rtl_line("في 2025-01-20 أعلنت")
    assert isolated_runs(out) == ["2025-01-20"]


def test_trailing_number_joins_a_latin_name_but_a_leading_one_does_not() -> None:
    assert isolated_runs(rtl_line("أطلقت Meta نموذج Llama 3 الجديد")) == ["Meta", "Llama 3"]
    assert isolated_runs(rtl_line("عام 2025 DeepSeek")) == ["DeepSeek"]


def test_stray_controls_from_feeds_are_removed_before_ours() -> None:
    feed_text = "\u202eأعلنت\u202c \u200eDeepSeek\u200f \u2067عن\u2069 نموذج\ufeff"
    out = rtl_line(feed_text)
    assert "\u202e" not in out and "\u202c" not in out and "\ufeff" not in out
    assert out == "أعلنت " + LRI + "DeepSeek" + PDI + " عن نموذج"


def test_english_text_stays_ltr_and_untouched() -> None:
    text = "DeepSeek releases R1, beating GPT-4o on 2025-01-20."
    assert bidi_safe(text, "en") == text
    assert ltr_line(text) == text


def test_arabic_words_in_english_line_are_isolated_rtl() -> None:
    out = bidi_safe("The startup ديب سيك released R1", "en")
    assert out == "The startup " + RLI + "ديب سيك" + PDI + " released R1"


def test_english_line_starting_with_arabic_gets_lrm() -> None:
    out = ltr_line("ديب سيك released R1")
    assert out.startswith(LRM + RLI)


def test_line_direction_prefers_the_language_script() -> None:
    # Many Latin letters, a few Arabic words: still an Arabic line in an Arabic digest.
    assert line_direction("DeepSeek R1 GPT-4o MMLU benchmarks في", "ar") is Direction.RTL
    assert line_direction("DeepSeek releases R1", "ar") is Direction.LTR
    assert line_direction("DeepSeek الصينية", "en") is Direction.LTR
    assert line_direction("أعلنت الشركة", "en") is Direction.RTL
    assert line_direction("2025 — 42", "ar") is Direction.RTL
    assert line_direction("2025 — 42", "en") is Direction.LTR


def test_bidi_safe_treats_each_line_on_its_own() -> None:
    out = bidi_safe("DeepSeek تطلق نموذجا\nDeepSeek launches a model\n", "ar")
    first, second, last = out.split("\n")
    assert first.startswith(RLM)
    assert second == "DeepSeek launches a model"
    assert last == ""


def test_rtl_blocks_hold_every_rtl_character() -> None:
    from digest.format.bidi import _RTL_BLOCKS

    outside = [
        hex(cp)
        for cp in range(0x110000)
        if unicodedata.bidirectional(chr(cp)) in {"R", "AL", "AN"}
        and not any(low <= cp <= high for low, high in _RTL_BLOCKS)
        and chr(cp) not in {RLM}
    ]
    assert outside == []
