"""Can a learned sentence scorer beat Lead on EASC? A reproducible check.

Trains on the TUNE half only, with 5-fold cross-validation inside it (folds by article),
and prints ROUGE-1 F1 x100 of each learned scorer on the held-out folds next to Lead on
the same articles, at both eval budgets (top-3 sentences, reference length), scored by
`digest.eval.summaries.evaluate` exactly as in the summary eval. The report half is not
read. Learners (numpy, a dev dependency):

* pointwise ridge regression: target = share of the five references that keep the
  sentence;
* pairwise logistic ranking inside each article (pairs whose targets differ by >= 0.4);
* position only (the same ridge regression on position features alone).

Features: absolute/relative position, first sentence, paragraph start, first paragraph,
relative paragraph index, length, similarity to the lead sentence, TF-IDF centrality,
share of numbers/Latin tokens, digits, question, unterminated line, similarity to the
neighbouring sentences. Deliberately NOT: sentence parity or position inside the
paragraph beyond "first" (Wikipedia annotators' every-other-sentence habit is an
artefact of the corpus, not summary quality).

Run: ``python bench/summary_learning.py [--corpus ../shared/corpora/easc/dev.jsonl]``
"""

from __future__ import annotations

import argparse
import math
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from digest.eval.rouge import rouge_tokens  # noqa: E402
from digest.eval.summaries import (  # noqa: E402
    BUDGETS,
    EvalArticle,
    Method,
    evaluate,
    lead_method,
    load_corpus,
    split_corpus,
)
from digest.sentences import Sentence  # noqa: E402
from digest.summarize.extractive import ExtractiveSummarizer, Features, Weights  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "easc" / "dev.jsonl"
POSITION = ["first", "inverse", "relative", "log"]
FEATURES = [
    *POSITION,
    "paragraph_start",
    "first_paragraph",
    "paragraph_relative",
    "log_tokens",
    "short",
    "lead_sim",
    "centrality",
    "entities",
    "digits",
    "question",
    "terminated",
    "previous_sim",
    "next_sim",
]

Scorer = Callable[[np.ndarray], np.ndarray]


def _cos(a: Features, b: Features) -> float:
    if not a.norm or not b.norm:
        return 0.0
    return sum(a.vector[t] * b.vector[t] for t in a.vector.keys() & b.vector.keys()) / (
        a.norm * b.norm
    )


def _kept_share(sentence: Sentence, references: Sequence[Counter[str]]) -> float:
    tokens = Counter(rouge_tokens(sentence.text[:255]))
    total = sum(tokens.values())
    if not total:
        return 0.0
    kept = sum(1 for ref in references if sum((tokens & ref).values()) >= 0.8 * total)
    return kept / len(references)


class Table:
    """Per-article candidates, feature matrix and targets."""

    def __init__(self, articles: Sequence[EvalArticle]) -> None:
        summarizer = ExtractiveSummarizer(Weights(centrality=1.0, entities=1.0, lead=1.0))
        self.rows: dict[str, tuple[list[Features], np.ndarray, np.ndarray]] = {}
        for article in articles:
            fs = summarizer.features(article.title, article.text)
            if not fs:
                continue
            refs = [Counter(rouge_tokens(r)) for r in article.references]
            n = len(fs)
            first_paragraph = fs[0].sentence.paragraph
            paragraphs = max(1, fs[-1].sentence.paragraph - first_paragraph)
            matrix = []
            for k, f in enumerate(fs):
                row = {
                    "first": float(k == 0),
                    "inverse": 1 / (1 + k),
                    "relative": k / max(1, n - 1),
                    "log": math.log1p(k),
                    "paragraph_start": float(f.paragraph_start),
                    "first_paragraph": float(f.sentence.paragraph == first_paragraph),
                    "paragraph_relative": (f.sentence.paragraph - first_paragraph) / paragraphs,
                    "log_tokens": math.log1p(f.tokens),
                    "short": float(f.tokens < 8),
                    "lead_sim": 1.0 if k == 0 else f.lead_sim,
                    "centrality": f.centrality,
                    "entities": min(1.0, 4 * f.entities),
                    "digits": float(any(w.isdigit() for w in f.words)),
                    "question": float(f.sentence.text.rstrip().endswith(("؟", "?"))),
                    "terminated": float(f.sentence.terminated),
                    "previous_sim": _cos(f, fs[k - 1]) if k else 0.0,
                    "next_sim": _cos(f, fs[k + 1]) if k + 1 < n else 0.0,
                }
                matrix.append([row[name] for name in FEATURES])
            targets = np.array([_kept_share(f.sentence, refs) for f in fs])
            self.rows[article.id] = (fs, np.array(matrix), targets)

    def stack(self, ids: Sequence[str], columns: list[int]) -> tuple[np.ndarray, np.ndarray]:
        xs = [self.rows[i][1][:, columns] for i in ids if i in self.rows]
        ys = [self.rows[i][2] for i in ids if i in self.rows]
        return np.vstack(xs), np.concatenate(ys)

    def pairs(self, ids: Sequence[str], columns: list[int]) -> tuple[np.ndarray, np.ndarray]:
        xs: list[np.ndarray] = []
        ys: list[float] = []
        for i in ids:
            if i not in self.rows:
                continue
            _, matrix, targets = self.rows[i]
            for a in range(len(targets)):
                for b in range(a + 1, len(targets)):
                    if abs(targets[a] - targets[b]) >= 0.4:
                        xs.append(matrix[a, columns] - matrix[b, columns])
                        ys.append(1.0 if targets[a] > targets[b] else 0.0)
        return np.array(xs), np.array(ys)


def ridge(x: np.ndarray, y: np.ndarray, lam: float) -> Scorer:
    mu, sd = x.mean(0), x.std(0) + 1e-9
    z = np.hstack([(x - mu) / sd, np.ones((len(x), 1))])
    penalty = lam * np.eye(z.shape[1])
    penalty[-1, -1] = 0.0
    w = np.linalg.solve(z.T @ z + penalty, z.T @ y)
    return lambda m: ((m - mu) / sd) @ w[:-1] + w[-1]


def pairwise_logistic(x: np.ndarray, y: np.ndarray, lam: float) -> Scorer:
    sd = x.std(0) + 1e-9
    z = x / sd
    w = np.zeros(z.shape[1])
    for _ in range(50):  # Newton steps
        p = 1 / (1 + np.exp(-(z @ w)))
        grad = z.T @ (p - y) + lam * w
        hess = (z.T * (p * (1 - p))) @ z + lam * np.eye(len(w))
        w -= np.linalg.solve(hess, grad)
    return lambda m: (m / sd) @ w


Learner = Callable[[Table, list[str], list[int]], Scorer]


class RidgeLearner:
    def __init__(self, lam: float) -> None:
        self.lam = lam

    def __call__(self, table: Table, ids: list[str], columns: list[int]) -> Scorer:
        return ridge(*table.stack(ids, columns), self.lam)


class PairwiseLearner:
    def __init__(self, lam: float) -> None:
        self.lam = lam

    def __call__(self, table: Table, ids: list[str], columns: list[int]) -> Scorer:
        return pairwise_logistic(*table.pairs(ids, columns), self.lam)


def scorer_method(table: Table, columns: list[int], scorer: Scorer) -> Method:
    """Rank the candidates by predicted score; same budgets as every eval method."""

    def method(
        article: EvalArticle,
        sentences: list[Sentence],
        max_sentences: int | None,
        max_tokens: int | None,
    ) -> list[tuple[int, str]]:
        fs, matrix, _ = table.rows[article.id]
        scores = scorer(matrix[:, columns])
        order = sorted(range(len(fs)), key=lambda k: (-scores[k], k))
        chosen: list[tuple[int, str]] = []
        used = 0
        for k in order:
            if max_sentences is not None and len(chosen) >= max_sentences:
                break
            if max_tokens is not None and used >= max_tokens:
                break
            chosen.append((fs[k].sentence.index, fs[k].sentence.text))
            used += fs[k].tokens
        return chosen

    return method


def cross_validate(
    table: Table,
    articles: Sequence[EvalArticle],
    learner: Learner,
    columns: list[int],
    folds: int,
) -> list[float]:
    """ROUGE-1 x100 per budget over the held-out folds (article-weighted)."""
    totals = [0.0 for _ in BUDGETS]
    usable = [a for a in articles if a.id in table.rows]
    for fold in range(folds):
        test = [a for j, a in enumerate(usable) if j % folds == fold]
        train = [a.id for j, a in enumerate(usable) if j % folds != fold]
        method = scorer_method(table, columns, learner(table, train, columns))
        for b, budget in enumerate(BUDGETS):
            totals[b] += evaluate(test, method, budget).rouge1 * len(test)
    return [100 * t / len(usable) for t in totals]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args(argv)
    tune, _ = split_corpus(load_corpus(args.corpus))  # the report half is never read
    table = Table(tune)
    usable = [a for a in tune if a.id in table.rows]
    every = list(range(len(FEATURES)))
    position = [FEATURES.index(name) for name in POSITION]
    print(f"Learned sentence scorers, {args.folds}-fold CV inside the tune half ({len(usable)})")
    print(f"  {'method':<38}" + "".join(f"{b.name:>20}" for b in BUDGETS))
    lead = [100 * evaluate(usable, lead_method, b).rouge1 for b in BUDGETS]
    print(f"  {'Lead':<38}" + "".join(f"{v:>20.1f}" for v in lead))
    runs: list[tuple[str, Learner, list[int]]] = []
    for lam in (1.0, 100.0):
        runs.append((f"ridge, position only, lambda={lam:g}", RidgeLearner(lam), position))
        runs.append((f"ridge, all features, lambda={lam:g}", RidgeLearner(lam), every))
    for lam in (10.0, 1000.0):
        runs.append((f"pairwise logistic, lambda={lam:g}", PairwiseLearner(lam), every))
    for name, learner, columns in runs:
        scores = cross_validate(table, usable, learner, columns, args.folds)
        print(f"  {name:<38}" + "".join(f"{v:>20.1f}" for v in scores))
    return 0


if __name__ == "__main__":
    sys.exit(main())
