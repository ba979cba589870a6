"""Build the pool IDF table and fit the same-event model on the TUNE pairs (issue #14).

    python -m digest.eval.story_model --df      # digest/data/story_df.txt.gz from the pool
    python -m digest.eval.story_model --fit [--threshold P]   # digest/data/story_model.json

The df table holds, for every stem the clusterer keeps of an article (title + lead content
words, `digest.cluster.StoryFingerprint`) that occurs in at least `MIN_DF` pool articles,
the number of pool articles containing it: document statistics, no text. The model is a
logistic regression (L2, standardised inputs, plain gradient descent: deterministic) over
`digest.story_signals.FEATURES` of the judged pairs of the *tune* half only; the report
half is never read here. The threshold is a choice made on the tune half in the stream
(`python -m digest.eval.story_pair_scores`) and written with the coefficients.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import sys
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

from ..cluster import StoryClusterer, StoryFingerprint, sketch_jaccard
from ..story_signals import (
    DF_FILE,
    FEATURES,
    MODEL_FILE,
    EventModel,
    EventSignals,
    PoolIdf,
    features,
)
from .story_pair_scores import LABELS, judge, read_labels
from .story_pairs import DEFAULT_OUT as CANDIDATES
from .story_pairs import DEFAULT_POOL, Article, read_candidates, read_pool

DATA = Path(__file__).resolve().parents[1] / "data"
MIN_DF = 3
L2 = 1.0
STEPS = 4000
RATE = 0.5
DEFAULT_THRESHOLD = 0.86


def build_df(articles: Sequence[Article], out: Path = DATA / DF_FILE) -> int:
    """Write the df table; returns how many stems it holds."""
    stems: dict[str, str] = {}
    df: Counter[str] = Counter()
    for article in articles:
        fingerprint = StoryFingerprint.of(article.title, article.text, stems)
        df.update(fingerprint.title_words | fingerprint.words)
    by_count: dict[int, list[str]] = defaultdict(list)
    for stem, count in df.items():
        if count >= MIN_DF:
            by_count[count].append(stem)
    lines = [f"# documents {len(articles)} (ANT pool; stems with df >= {MIN_DF})"]
    lines += [f"{count}\t{' '.join(sorted(by_count[count]))}" for count in sorted(by_count)]
    out.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode("utf-8"), mtime=0))
    return sum(len(v) for v in by_count.values())


def pair_features(a: Article, b: Article, clusterer: StoryClusterer) -> tuple[float, ...]:
    """The features the clusterer computes for this pair (same code path)."""
    fa, pa = clusterer.fingerprint(a.title, a.text)
    fb, pb = clusterer.fingerprint(b.title, b.text)
    assert pa is not None and pb is not None and clusterer.signals is not None
    hours = abs((a.published - b.published).total_seconds()) / 3600
    return features(pa, pb, hours, sketch_jaccard(fa, fb), clusterer.signals.idf)


def fit(rows: Sequence[Sequence[float]], labels: Sequence[bool]) -> tuple[list[float], float]:
    """L2 logistic regression; returns weights and bias in the original feature units."""
    n, k = len(rows), len(rows[0])
    mean = [sum(r[j] for r in rows) / n for j in range(k)]
    sd = [math.sqrt(sum((r[j] - mean[j]) ** 2 for r in rows) / n) or 1.0 for j in range(k)]
    z = [[(r[j] - mean[j]) / sd[j] for j in range(k)] for r in rows]
    y = [1.0 if label else 0.0 for label in labels]
    w, b = [0.0] * k, 0.0
    for _ in range(STEPS):
        grad, grad_b = [L2 * wj / n for wj in w], 0.0
        for row, target in zip(z, y, strict=True):
            s = b + sum(wj * xj for wj, xj in zip(w, row, strict=True))
            err = 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, s)))) - target
            grad_b += err / n
            for j in range(k):
                grad[j] += err * row[j] / n
        w = [wj - RATE * g for wj, g in zip(w, grad, strict=True)]
        b -= RATE * grad_b
    weights = [w[j] / sd[j] for j in range(k)]
    return weights, b - sum(weights[j] * mean[j] for j in range(k))


def fit_tune(pool: Path, threshold: float, out: Path = DATA / MODEL_FILE) -> str:
    judging = judge(read_candidates(CANDIDATES), read_labels(LABELS))
    tune = [p for p in judging.pairs if p.split == "tune"]
    wanted = {i for p in tune for i in (p.id_a, p.id_b)}
    articles = {a.id: a for a in read_pool(pool) if a.id in wanted}
    # The model being fitted must not be needed to compute its own inputs.
    blank = EventModel((0.0,) * len(FEATURES), 0.0, 1.0)
    clusterer = StoryClusterer(
        window=timedelta(days=2), signals=EventSignals(PoolIdf.shipped(), blank)
    )
    rows = [pair_features(articles[p.id_a], articles[p.id_b], clusterer) for p in tune]
    weights, bias = fit(rows, [p.same for p in tune])
    model = {
        "about": "P(same event) of two reports; fitted on the tune pairs by"
        " digest.eval.story_model (issue #14)",
        "features": list(FEATURES),
        "weights": [round(w, 5) for w in weights],
        "bias": round(bias, 5),
        "threshold": threshold,
        "tune_pairs": len(tune),
    }
    out.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
    return json.dumps(model)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="build the df table / fit the story model")
    parser.add_argument("--pool", type=Path, default=DEFAULT_POOL)
    parser.add_argument("--df", action="store_true", help="rebuild the df table")
    parser.add_argument("--fit", action="store_true", help="fit the model on tune pairs")
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    args = parser.parse_args(argv)
    if args.df:
        print(f"{build_df(read_pool(args.pool))} stems written to {DATA / DF_FILE}")
    if args.fit:
        print(fit_tune(args.pool, args.threshold))
    return 0


if __name__ == "__main__":
    sys.exit(main())
