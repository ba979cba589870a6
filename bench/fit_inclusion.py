"""Fit the extractive summarizer's `InclusionModel` on the TUNE half of EASC dev.

Each candidate sentence (as `ExtractiveSummarizer.features` sees it) gets as target
the share of the article's five references that keep it; a logistic regression with
that fractional target and a small L2 penalty gives the coefficients, which are
printed as the `InclusionModel(...)` to paste into `digest/summarize/extractive.py`.
`extract_share` is the references' mean share of the article's tokens. The report
half is never read: `newsdigest eval summaries` reports on it.

Earlier experiments (in git history as ``bench/summary_learning.py``) ranked sentences
by such learned scores directly and did no better than Lead; the gain comes from using
the probabilities in the expected-ROUGE search of `ExtractiveSummarizer.coverage_order`.

Run: ``python bench/fit_inclusion.py [--corpus ../shared/corpora/easc/dev.jsonl]``
"""

from __future__ import annotations

import argparse
import math
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from digest.eval.rouge import rouge_tokens  # noqa: E402
from digest.eval.summaries import (  # noqa: E402
    BUDGETS,
    EvalArticle,
    _contains,
    evaluate,
    lead_method,
    load_corpus,
    ours_sentences_method,
    split_corpus,
)
from digest.summarize.extractive import (  # noqa: E402
    ExtractiveSummarizer,
    Features,
    InclusionModel,
)

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "easc" / "dev.jsonl"
# InclusionModel's coefficients, in the order of `row`
NAMES = (
    "first",
    "log_position",
    "relative_position",
    "log_count",
    "length",
    "headline",
    "centrality",
)


def row(f: Features, count: int) -> list[float]:
    """The feature values `InclusionModel.probability` multiplies, in NAMES order."""
    return [
        float(f.rank_index == 0),
        math.log1p(f.rank_index),
        f.rank_index / count,
        math.log1p(count),
        min(f.tokens, 80) / 40,
        f.headline_sim,
        f.centrality,
    ]


def fit(x: np.ndarray, y: np.ndarray, *, l2: float = 0.01, steps: int = 4000) -> np.ndarray:
    """Logistic regression with fractional targets; returns [bias, *coefficients] on
    the raw feature scale (standardised inside for a well-conditioned descent)."""
    mean, std = x.mean(0), x.std(0) + 1e-9
    z = np.hstack([np.ones((len(x), 1)), (x - mean) / std])
    w = np.zeros(z.shape[1])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-z @ w))
        grad = z.T @ (p - y) / len(y) + l2 * np.r_[0.0, w[1:]]
        w -= 0.5 * grad
    coefficients = w[1:] / std
    bias = w[0] - float(coefficients @ mean)
    result: np.ndarray = np.r_[bias, coefficients]
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument(
        "--search", action="store_true", help="then coordinate-search the tune half's ROUGE-1"
    )
    parser.add_argument(
        "--half",
        choices=("tune", "report"),
        default="tune",
        help="fit on this half (report: only to check how much the choice of half matters)",
    )
    args = parser.parse_args()
    halves = split_corpus(load_corpus(args.corpus))
    tune = halves[0] if args.half == "tune" else halves[1]
    summarizer = ExtractiveSummarizer()
    rows: list[list[float]] = []
    targets: list[float] = []
    shares: list[float] = []
    for article in tune:
        features = summarizer.features(article.title, article.text)
        references = [Counter(rouge_tokens(ref)) for ref in article.references]
        article_tokens = sum(f.tokens for f in features) or 1
        for f in features:
            rows.append(row(f, len(features)))
            targets.append(sum(_contains(f.sentence, r) for r in references) / len(references))
        shares += [sum(r.values()) / article_tokens for r in references]
    w = fit(np.array(rows), np.array(targets))
    fitted: dict[str, Any] = {
        name: round(float(v), 2) for name, v in zip(NAMES, w[1:], strict=True)
    }
    model = replace(
        InclusionModel(),
        bias=round(float(w[0]), 2),
        extract_share=round(float(np.mean(shares)), 2),
        **fitted,
    )
    print(f"fit on the {args.half} half: {len(tune)} articles, {len(rows)} candidate sentences")
    print("InclusionModel(")
    for field in fields(model):
        print(f"    {field.name}={getattr(model, field.name)!r},")
    print(")")
    _show(model, tune, args.half)
    if args.search:
        model = search(model, tune)
        print(f"after coordinate search on the {args.half} half's ROUGE-1:")
        for field in fields(model):
            print(f"    {field.name}={getattr(model, field.name)!r},")
        _show(model, tune, args.half)
    return 0


def _objective(model: InclusionModel, articles: Sequence[EvalArticle]) -> float:
    """Mean ROUGE-1 F1 over both eval budgets."""
    method = ours_sentences_method(ExtractiveSummarizer(model))
    return sum(evaluate(articles, method, budget).rouge1 for budget in BUDGETS) / len(BUDGETS)


def search(model: InclusionModel, articles: Sequence[EvalArticle]) -> InclusionModel:
    """Coordinate ascent on the tune half's ROUGE-1: each coefficient in turn tries a
    few steps up and down and keeps the best; three rounds. The likelihood fit is a
    good start but not the best for the search: what matters is the probabilities'
    order and spread, not their calibration."""
    best = _objective(model, articles)
    for step in (0.4, 0.2, 0.1):
        # `headline` keeps its likelihood fit: EASC has no titles, so searching it would
        # set the product's title weight from lead-sentence similarity alone
        for name in ("bias", *(n for n in NAMES if n != "headline"), "extract_share"):
            for delta in (-2 * step, -step, step, 2 * step):
                value = round(
                    getattr(model, name) + (delta / 4 if name == "extract_share" else delta), 2
                )
                if name == "extract_share" and not 0.05 <= value <= 0.9:
                    continue
                trial = replace(model, **{name: value})
                score = _objective(trial, articles)
                if score > best + 1e-6:
                    model, best = trial, score
    return model


def _show(model: InclusionModel, articles: Sequence[EvalArticle], half: str) -> None:
    print(f"{half} half, ROUGE-1 F1 x100, in-sample (the other half: newsdigest eval summaries):")
    method = ours_sentences_method(ExtractiveSummarizer(model))
    for budget in BUDGETS:
        ours = 100 * evaluate(articles, method, budget).rouge1
        lead = 100 * evaluate(articles, lead_method, budget).rouge1
        print(f"  {budget.name:<18} ours {ours:5.1f}  Lead {lead:5.1f}  ({ours - lead:+.1f})")


if __name__ == "__main__":
    sys.exit(main())
