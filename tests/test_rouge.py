"""ROUGE scorer against hand-computed cases."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from digest.eval.rouge import lcs_length, mean_scores, rouge, rouge_multi, rouge_tokens


def _dp_lcs(a: list[str], b: list[str]) -> int:
    table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i, x in enumerate(a, 1):
        for j, y in enumerate(b, 1):
            table[i][j] = (
                table[i - 1][j - 1] + 1 if x == y else max(table[i - 1][j], table[i][j - 1])
            )
    return table[-1][-1]


def test_tokenizer_keeps_arabic_and_folds_spelling_variants() -> None:
    assert rouge_tokens("أحمدُ في المدرسة، والـمكتبة!") == ["احمد", "في", "المدرسه", "والمكتبه"]
    assert rouge_tokens("GPT-4o و ٣ نماذج") == ["gpt", "4o", "و", "3", "نماذج"]


def test_hand_computed_unigram_bigram_and_lcs() -> None:
    # candidate: القط على السجادة (3 tokens); reference: القط جلس على السجادة (4 tokens)
    scores = rouge("القط على السجادة", "القط جلس على السجادة")
    # R1: 3 shared unigrams, P = 3/3, R = 3/4 -> F1 = 6/7
    assert scores.rouge1 == pytest.approx(6 / 7)
    # R2: shared bigram (على السجادة) only, P = 1/2, R = 1/3 -> F1 = 0.4
    assert scores.rouge2 == pytest.approx(0.4)
    # RL: LCS = القط على السجادة = 3 -> same as R1
    assert scores.rougeL == pytest.approx(6 / 7)


def test_normalisation_makes_hamza_and_diacritic_variants_match() -> None:
    scores = rouge("أعلنت الشركةُ", "اعلنت الشركه")
    assert (scores.rouge1, scores.rouge2, scores.rougeL) == (1.0, 1.0, 1.0)


def test_counts_are_clipped() -> None:
    # candidate repeats a word three times, the reference has it once: overlap 1
    scores = rouge("في في في", "في")
    assert scores.rouge1 == pytest.approx(2 * (1 / 3) * 1 / (1 / 3 + 1))


def test_lcs_respects_order() -> None:
    scores = rouge("أ ب ج د", "د ج ب أ")
    assert scores.rouge1 == 1.0
    assert scores.rouge2 == 0.0
    assert scores.rougeL == pytest.approx(0.25)  # LCS of length 1 out of 4 and 4


def test_empty_texts_score_zero() -> None:
    assert rouge("", "نص").rouge1 == 0.0
    assert rouge("نص", "").rougeL == 0.0
    assert rouge("...", "!!!").rouge2 == 0.0


def test_multi_reference_is_the_mean() -> None:
    multi = rouge_multi("القط على السجادة", ["القط على السجادة", "كلب"])
    assert multi.rouge1 == pytest.approx(0.5)
    assert mean_scores([]).rouge1 == 0.0
    assert multi.scaled()[0] == pytest.approx(50.0)


@given(
    st.lists(st.sampled_from("abcde"), max_size=40),
    st.lists(st.sampled_from("abcde"), max_size=40),
)
def test_bit_parallel_lcs_equals_dynamic_programming(a: list[str], b: list[str]) -> None:
    assert lcs_length(a, b) == _dp_lcs(a, b)
