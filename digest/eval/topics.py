"""Evaluate the technology relevance filter and the topic lexicons on an ANT-format corpus.

Reports precision/recall/F1 of "technology" vs the rest on the held-out part of the fixed
split (digest.relevance.is_held_out, about 30 % of the ANT pool; no choice was made on
it: the model is fitted on the rest minus a validation part, and threshold and title-name
topics are chosen on that validation part), for full text, for title + the first 300
characters (a teaser feed) and for title + feed abstract, overall and per outlet, and
whether the targets of issue 15 are met.

    python -m digest.eval.topics [--corpus ../shared/corpora/ant/pool.jsonl] [--model PATH]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..relevance import (
    CorpusRecord,
    Scores,
    TechRelevanceModel,
    load_default_model,
    load_model,
    read_corpus,
    split,
    views,
)
from ..topics import LexiconClassifier, TopicCatalog, default_topics_path

VIEWS = ("full text", "teaser", "abstract")
VIEW_LABELS = {
    "full text": "full text",
    "teaser": "title + first 300 characters",
    "abstract": "title + feed abstract",
}


@dataclass(frozen=True)
class Targets:
    """Issue 15's targets on the held-out part."""

    f1_full: float = 0.93
    f1_teaser: float = 0.91
    precision: float = 0.92  # full text and teaser
    outlet_f1: float = 0.85  # every outlet with at least `outlet_min` technology items
    outlet_min: int = 30


def _line(name: str, scores: Scores) -> str:
    if scores.tp + scores.fn == 0:
        negatives = scores.fp + scores.tn
        return f"  {name:<24} no technology articles; false positives {scores.fp}/{negatives}"
    return (
        f"  {name:<24} P={scores.precision:.3f} R={scores.recall:.3f} F1={scores.f1:.3f}"
        f"  (tp={scores.tp} fp={scores.fp} fn={scores.fn} tn={scores.tn})"
    )


def _verdicts(
    results: dict[str, tuple[Scores, dict[str, Scores]]], targets: Targets
) -> list[tuple[str, bool]]:
    full, teaser = results["full text"][0], results["teaser"][0]
    out = [
        (f"F1 full text >= {targets.f1_full} (is {full.f1:.3f})", full.f1 >= targets.f1_full),
        (f"F1 teaser >= {targets.f1_teaser} (is {teaser.f1:.3f})", teaser.f1 >= targets.f1_teaser),
        (
            f"precision >= {targets.precision} on both (is {full.precision:.3f} / "
            f"{teaser.precision:.3f})",
            min(full.precision, teaser.precision) >= targets.precision,
        ),
    ]
    for view in ("full text", "teaser"):
        weak = [
            f"{source} {scores.f1:.3f}"
            for source, scores in sorted(results[view][1].items())
            if scores.tp + scores.fn >= targets.outlet_min and scores.f1 < targets.outlet_f1
        ]
        out.append(
            (
                f"{view}: no outlet with >= {targets.outlet_min} technology items under F1 "
                f"{targets.outlet_f1}" + (f" (under: {', '.join(weak)})" if weak else ""),
                not weak,
            )
        )
    return out


def evaluate_records(
    records: Sequence[CorpusRecord],
    classifier: LexiconClassifier,
    model: TechRelevanceModel,
    targets: Targets = Targets(),
) -> str:
    """The report for already-selected test records."""
    out: list[str] = []
    coverage: Counter[str] = Counter()
    tech_total = sum(record.is_tech for record in records)
    results: dict[str, tuple[Scores, dict[str, Scores]]] = {}
    for view in VIEWS:
        overall = Scores()
        lexicon_only = Scores()
        per_source: dict[str, Scores] = {}
        started = time.perf_counter()
        for record in records:
            text = views(record)[view]
            evidence = classifier.evidence(record.title, text)
            predicted = model.probability(record.title, text, evidence) >= model.threshold
            overall = overall.add(predicted, record.is_tech)
            lexicon_only = lexicon_only.add(bool(evidence.topics), record.is_tech)
            per_source[record.source] = per_source.get(record.source, Scores()).add(
                predicted, record.is_tech
            )
            if view == "full text" and record.is_tech:
                coverage.update(match.topic for match in evidence.topics[:1])
                coverage["(any topic)"] += bool(evidence.topics)
        elapsed = (time.perf_counter() - started) / max(1, len(records)) * 1000
        results[view] = (overall, per_source)
        out.append(f"{VIEW_LABELS[view]} ({len(records)} articles, {elapsed:.1f} ms each):")
        out.append(_line("filter (model+lexicon)", overall))
        out.append(_line("lexicon only", lexicon_only))
        for source in sorted(per_source):
            out.append(_line(f"  {source}", per_source[source]))
    out.append("targets (issue 15) on this held-out part:")
    for text, met in _verdicts(results, targets):
        out.append(f"  [{'met' if met else 'NOT MET'}] {text}")
    out.append(f"topic coverage of the {tech_total} technology articles (full text, first topic):")
    any_topic = coverage.pop("(any topic)", 0)
    out.append(f"  with at least one topic: {any_topic} ({any_topic / max(1, tech_total):.0%})")
    out.append("  " + ", ".join(f"{topic} {count}" for topic, count in coverage.most_common()))
    return "\n".join(out)


def run_topic_eval(corpus: Path, topics: Path | None = None, model_path: Path | None = None) -> str:
    """Printable P/R/F1 of the technology filter on the held-out part of `corpus`."""
    records = read_corpus(corpus)
    train_part, test_part = split(records)
    catalog = TopicCatalog.load(topics or default_topics_path())
    model = load_model(model_path) if model_path else load_default_model()
    classifier = LexiconClassifier(catalog)
    header = [
        f"technology relevance on {corpus}",
        f"split: {model.metadata.get('split', 'digest.relevance.is_held_out')}",
        "choices (threshold, title-name topics, options) were made on the validation part of "
        "the training side; the held-out part below was used for none of them",
        f"train side {len(train_part)} / held out {len(test_part)} articles "
        f"({sum(r.is_tech for r in test_part)} technology held out); "
        f"model: {len(model.weights)} weights, threshold {model.threshold}, "
        f"title-name topics {', '.join(sorted(model.title_topics)) or '-'}",
    ]
    return "\n".join([*header, evaluate_records(test_part, classifier, model)])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m digest.eval.topics")
    parser.add_argument("--corpus", type=Path, default=Path("../shared/corpora/ant/pool.jsonl"))
    parser.add_argument("--topics", type=Path, default=None)
    parser.add_argument("--model", type=Path, default=None, help="default: the shipped model")
    args = parser.parse_args(argv)
    print(run_topic_eval(args.corpus, args.topics, args.model))
    return 0


if __name__ == "__main__":
    sys.exit(main())
