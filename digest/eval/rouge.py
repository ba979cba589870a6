"""ROUGE-1/2/L F1 with an Arabic-aware tokenizer.

rouge-score's default tokenizer keeps only ``[a-z0-9]`` and so drops every Arabic word;
here tokens come from `digest.arabic.normalize` (diacritics, tatweel, alef/ya/ta-marbuta
forms folded, Arabic-Indic digits), split on anything that is not a letter or digit.
No stemming. ROUGE-L is the LCS over the whole token sequences (rouge-score's
``rougeL``), computed bit-parallel so that an eval over hundreds of pairs stays fast.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from ..arabic import normalize

__all__ = [
    "RougeScores",
    "lcs_length",
    "mean_scores",
    "rouge",
    "rouge_multi",
    "rouge_tokens",
    "rouge_tokens_scores",
]

_WORD = re.compile(r"[^\W_]+")


def rouge_tokens(text: str) -> list[str]:
    """Normalised word tokens: runs of letters/digits after Arabic normalisation."""
    return _WORD.findall(normalize(text))


@dataclass(frozen=True)
class RougeScores:
    """F1 scores in [0, 1]."""

    rouge1: float
    rouge2: float
    rougeL: float  # the metric's usual name

    def scaled(self) -> tuple[float, float, float]:
        """The three scores x100, as papers print them."""
        return (self.rouge1 * 100, self.rouge2 * 100, self.rougeL * 100)


def _f1(overlap: int, candidate_total: int, reference_total: int) -> float:
    if not overlap or not candidate_total or not reference_total:
        return 0.0
    precision = overlap / candidate_total
    recall = overlap / reference_total
    return 2 * precision * recall / (precision + recall)


def _ngrams(tokens: Sequence[str], n: int) -> Counter[tuple[str, ...]]:
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def _rouge_n(candidate: Sequence[str], reference: Sequence[str], n: int) -> float:
    cand = _ngrams(candidate, n)
    ref = _ngrams(reference, n)
    overlap = sum((cand & ref).values())  # clipped counts
    return _f1(overlap, sum(cand.values()), sum(ref.values()))


def lcs_length(a: Sequence[str], b: Sequence[str]) -> int:
    """Length of the longest common subsequence (Hyyrö's bit-vector algorithm)."""
    if not a or not b:
        return 0
    masks: dict[str, int] = {}
    for i, token in enumerate(a):
        masks[token] = masks.get(token, 0) | (1 << i)
    full = (1 << len(a)) - 1
    v = full
    for token in b:
        u = v & masks.get(token, 0)
        v = ((v + u) | (v - u)) & full
    return len(a) - v.bit_count()


def rouge_tokens_scores(candidate: Sequence[str], reference: Sequence[str]) -> RougeScores:
    """ROUGE F1 of two token sequences."""
    return RougeScores(
        rouge1=_rouge_n(candidate, reference, 1),
        rouge2=_rouge_n(candidate, reference, 2),
        rougeL=_f1(lcs_length(candidate, reference), len(candidate), len(reference)),
    )


def rouge(candidate: str, reference: str) -> RougeScores:
    """ROUGE-1/2/L F1 of a candidate summary against one reference."""
    return rouge_tokens_scores(rouge_tokens(candidate), rouge_tokens(reference))


def mean_scores(scores: Sequence[RougeScores]) -> RougeScores:
    """Arithmetic mean of each score (zeros for an empty sequence)."""
    if not scores:
        return RougeScores(0.0, 0.0, 0.0)
    n = len(scores)
    return RougeScores(
        sum(s.rouge1 for s in scores) / n,
        sum(s.rouge2 for s in scores) / n,
        sum(s.rougeL for s in scores) / n,
    )


def rouge_multi(candidate: str, references: Sequence[str]) -> RougeScores:
    """Mean ROUGE F1 over several references (EASC has five per article)."""
    tokens = rouge_tokens(candidate)
    return mean_scores([rouge_tokens_scores(tokens, rouge_tokens(ref)) for ref in references])
