"""Arabic normalisation and tokenisation (used by topics, dedup, clustering, ROUGE)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from digest.arabic import (
    detect_language,
    is_arabic,
    normalize,
    strip_diacritics,
    tokenize,
    tokenize_many,
)


def test_normalize_folds_spelling_variants() -> None:
    assert normalize("أإآٱ") == "اااا"
    assert normalize("مستشفى") == "مستشفي"
    assert normalize("مدرسة") == "مدرسه"
    assert normalize("مؤتمر شاطئ") == "موتمر شاطي"
    assert normalize("کتاب ی") == "كتاب ي"  # Persian kaf and ya


def test_normalize_drops_diacritics_tatweel_and_invisible_marks() -> None:
    assert normalize("مُحَمَّدٌ") == "محمد"
    assert normalize("الـــذكاء") == "الذكاء"
    assert normalize("\u200fنص\u200b\ufeff") == "نص"
    assert strip_diacritics("عَرَبِيّ") == "عربي"


def test_normalize_digits_case_and_presentation_forms() -> None:
    assert normalize("٢٠٢٥ و۱۲") == "2025 و12"
    assert normalize("DeepSeek GPT-4o") == "deepseek gpt-4o"
    assert normalize("\ufefb") == "لا"  # lam-alef ligature, via NFKC


def test_tokenize_keeps_latin_names_whole() -> None:
    assert tokenize("أطلقت 01.ai نموذج GPT-4o، و Llama 3.1!") == [
        "اطلقت",
        "01.ai",
        "نموذج",
        "gpt-4o",
        "و",
        "llama",
        "3.1",
    ]


def test_language_detection() -> None:
    assert detect_language("أعلنت شركة DeepSeek عن نموذج") == "ar"
    assert detect_language("Nvidia unveiled new chips") == "en"
    assert not is_arabic("")


@given(st.lists(st.text(alphabet="أبةى ـَ٣a.-\u200f", max_size=20), max_size=8))
def test_tokenize_many_equals_tokenize_each(texts: list[str]) -> None:
    assert tokenize_many(texts) == [tokenize(text) for text in texts]
