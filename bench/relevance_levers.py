"""Measure training levers of the technology filter on the VALIDATION part only.

    python bench/relevance_levers.py [--corpus ../shared/corpora/ant/pool.jsonl]
        [--only baseline,nbsvm,...]

Each lever is trained on the fit part (digest.relevance.split_validation) and scored on
the validation part carved from the training side, exactly like `make train-relevance`
chooses its settings: the threshold (0.20..0.85) that maximises the lower of the full-text
and teaser F1 while both keep precision >= 0.925, with the title-name rule at >= 6. The
held-out part is never read. Levers:

* baseline: the shipped recipe (AdaGrad logistic regression, all three views);
* nbsvm-*: NB-SVM (Wang & Manning 2012): binary features scaled by the naive-Bayes
  log-count ratio r = log((p/|p|)/(q/|q|)), smoothing 1, then the same regression (the
  product w*r folds back into one weight per feature, so the shipped format would not
  change), at learning rates 0.5 / 0.2 / 0.1;
* cw-*: class weight on technology examples (0.7, 1.5);
* teaser-model: a second model trained on the teaser and abstract views, used for texts
  of at most 300 characters, with its own threshold (best teaser F1 on validation).

Measured 2026-12-07 (fit 14,645 / validation 3,554 records, 310 technology): baseline
min F1 0.899 (full 0.910, teaser 0.899); NB-SVM 0.860 / 0.884 / 0.871; class weight 1.5
0.893, 0.7 0.894; teaser model 0.899 at its best threshold (not better); averaging the
baseline and NB-SVM 0.2 weights 0.889 and extra training views (title + first 150 / 600
characters, title alone) 0.879 were scratch runs, not in this script. Differences of
0.003 are one article of 310. None adopted.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from digest.relevance import (  # noqa: E402 - after the path set-up above
    CorpusRecord,
    Scores,
    TrainingOptions,
    choose_title_topics,
    features,
    read_corpus,
    split,
    split_validation,
    views,
)
from digest.topics import (  # noqa: E402
    LexiconClassifier,
    LexiconEvidence,
    TopicCatalog,
    default_topics_path,
)

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "ant" / "pool.jsonl"
ALL_VIEWS = ("full text", "teaser", "abstract")
SHORT_VIEWS = ("teaser", "abstract")
Featured = list[tuple[CorpusRecord, dict[str, tuple[list[str], LexiconEvidence]]]]


@dataclass(frozen=True)
class Lever:
    nb: bool = False
    learning_rate: float = 0.5
    class_weight: float = 1.0
    teaser_model: bool = False


LEVERS = {
    "baseline": Lever(),
    "nbsvm-0.5": Lever(nb=True),
    "nbsvm-0.2": Lever(nb=True, learning_rate=0.2),
    "nbsvm-0.1": Lever(nb=True, learning_rate=0.1),
    "cw-0.7": Lever(class_weight=0.7),
    "cw-1.5": Lever(class_weight=1.5),
    "teaser-model": Lever(teaser_model=True),
}


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def featurize(records: Sequence[CorpusRecord], classifier: LexiconClassifier) -> Featured:
    out: Featured = []
    for record in records:
        row = {}
        for name, text in views(record).items():
            evidence = classifier.evidence(record.title, text)
            row[name] = (features(record.title, text, evidence), evidence)
        out.append((record, row))
    return out


def fit(
    examples: list[tuple[list[str], bool]], lever: Lever, options: TrainingOptions
) -> tuple[float, dict[str, float]]:
    """The shipped training loop (digest.relevance.train) with the lever's changes."""
    frequency = Counter(name for names, _ in examples for name in names)
    vocabulary = {name for name, count in frequency.items() if count >= options.min_df}
    ratio = dict.fromkeys(vocabulary, 1.0)
    if lever.nb:
        positive: Counter[str] = Counter()
        negative: Counter[str] = Counter()
        for names, label in examples:
            (positive if label else negative).update(n for n in names if n in vocabulary)
        p_total = sum(positive[n] + 1.0 for n in vocabulary)
        q_total = sum(negative[n] + 1.0 for n in vocabulary)
        ratio = {
            n: math.log(((positive[n] + 1.0) / p_total) / ((negative[n] + 1.0) / q_total))
            for n in vocabulary
        }
    data = [
        ([n for n in names if n in vocabulary], label, 1.0 / math.sqrt(max(1, len(names))))
        for names, label in examples
    ]
    weights = dict.fromkeys(vocabulary, 0.0)
    squared = dict.fromkeys(vocabulary, 1e-8)
    bias, bias_squared = 0.0, 1e-8
    rng = random.Random(options.seed)
    for _ in range(options.epochs):
        rng.shuffle(data)
        for names, label, scale in data:
            z = bias + scale * sum(weights[n] * ratio[n] for n in names)
            error = (sigmoid(z) - (1.0 if label else 0.0)) * (lever.class_weight if label else 1.0)
            for n in names:
                gradient = error * scale * ratio[n] + options.l2 * weights[n]
                squared[n] += gradient * gradient
                weights[n] -= lever.learning_rate * gradient / math.sqrt(squared[n])
            bias_squared += error * error
            bias -= lever.learning_rate * error / math.sqrt(bias_squared)
    folded = {n: weights[n] * ratio[n] for n in vocabulary}
    return bias, {n: w for n, w in folded.items() if abs(w) >= options.prune_below}


def probability(model: tuple[float, dict[str, float]], names: list[str]) -> float:
    bias, weights = model
    known = [weights[n] for n in names if n in weights]
    return sigmoid(bias + sum(known) / math.sqrt(len(names))) if known else sigmoid(bias)


def measure(
    name: str, lever: Lever, fit_part: Featured, validation: Featured, title_topics: frozenset[str]
) -> str:
    options = TrainingOptions()

    def examples(names: Sequence[str]) -> list[tuple[list[str], bool]]:
        return [(row[v][0], record.is_tech) for record, row in fit_part for v in names]

    main = fit(examples(ALL_VIEWS), lever, options)
    short = fit(examples(SHORT_VIEWS), lever, options) if lever.teaser_model else None
    rows: dict[str, list[tuple[float, bool, bool, str]]] = {"full text": [], "teaser": []}
    for record, row in validation:
        for view, kept in rows.items():
            names, evidence = row[view]
            text = views(record)[view]
            p = probability(short if short and len(text) <= 300 else main, names)
            scores = {m.topic: m.score for m in evidence.topics}
            named = p >= 0.1 and any(
                t in title_topics and scores.get(t, 0.0) >= 6.0 for t in evidence.title_topics
            )
            kept.append((p, named, record.is_tech, record.source))

    def scored(view: str, threshold: float, source: str | None = None) -> Scores:
        out = Scores()
        for p, named, actual, outlet in rows[view]:
            if source is None or outlet == source:
                out = out.add(named or p >= threshold, actual)
        return out

    best: tuple[tuple[bool, float], float] | None = None
    for step in range(20, 86):
        full, teaser = scored("full text", step / 100), scored("teaser", step / 100)
        key = (min(full.precision, teaser.precision) >= 0.925, min(full.f1, teaser.f1))
        if best is None or key > best[0]:
            best = (key, step / 100)
    assert best is not None
    threshold = best[1]
    full, teaser = scored("full text", threshold), scored("teaser", threshold)
    outlets = sorted({source for *_, source in rows["full text"]})
    per_outlet = ", ".join(
        f"{s} {scored('full text', threshold, s).f1:.3f}/{scored('teaser', threshold, s).f1:.3f}"
        for s in outlets
        if scored("full text", threshold, s).tp + scored("full text", threshold, s).fn
    )
    line = (
        f"{name:<13} threshold {threshold:.2f}  full P={full.precision:.3f} "
        f"F1={full.f1:.3f}  teaser P={teaser.precision:.3f} F1={teaser.f1:.3f}  "
        f"min F1 {min(full.f1, teaser.f1):.3f}  weights {len(main[1])}"
        f"{f'+{len(short[1])}' if short else ''}\n    per outlet (full/teaser F1): {per_outlet}"
    )
    if short:
        best_teaser = max(scored("teaser", s / 100).f1 for s in range(10, 90))
        line += f"\n    teaser model at its own best threshold: teaser F1 {best_teaser:.3f}"
    return line


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--only", default=",".join(LEVERS), help="comma-separated lever names")
    args = parser.parse_args()
    train_side, _ = split(read_corpus(args.corpus))  # the held-out part is not used
    fit_records, validation_records = split_validation(train_side)
    classifier = LexiconClassifier(TopicCatalog.load(default_topics_path()))
    title_topics = choose_title_topics(fit_records, classifier, TrainingOptions())
    fit_part = featurize(fit_records, classifier)
    validation = featurize(validation_records, classifier)
    print(f"fit {len(fit_part)} / validation {len(validation)} records")
    for name in args.only.split(","):
        print(measure(name, LEVERS[name], fit_part, validation, title_topics), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
