"""Evaluate the technology relevance filter and the topic lexicons on an ANT-format corpus.

Reports precision/recall/F1 of "technology" vs the rest on the held-out part of the fixed
split (digest.relevance.is_held_out, about 30 %; the shipped model never saw it), for full
text and for title + feed abstract, overall and per source, for the shipped filter
(model + lexicon) and for the lexicons alone.

    python -m digest.eval.topics --corpus ../shared/corpora/ant/dev.jsonl
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from ..relevance import (
    CorpusRecord,
    Scores,
    TechRelevanceModel,
    load_default_model,
    read_corpus,
    split,
)
from ..topics import LexiconClassifier, TopicCatalog, default_topics_path

VIEWS = (("full text", "text"), ("title+abstract", "abstract"))


def _line(name: str, scores: Scores) -> str:
    if scores.tp + scores.fn == 0:
        negatives = scores.fp + scores.tn
        return f"  {name:<24} no technology articles; false positives {scores.fp}/{negatives}"
    return (
        f"  {name:<24} P={scores.precision:.3f} R={scores.recall:.3f} F1={scores.f1:.3f}"
        f"  (tp={scores.tp} fp={scores.fp} fn={scores.fn} tn={scores.tn})"
    )


def evaluate_records(
    records: Sequence[CorpusRecord],
    classifier: LexiconClassifier,
    model: TechRelevanceModel,
) -> str:
    """The report for already-selected test records."""
    out: list[str] = []
    coverage: Counter[str] = Counter()
    tech_total = sum(record.is_tech for record in records)
    for view_name, attribute in VIEWS:
        overall = Scores()
        lexicon_only = Scores()
        per_source: dict[str, Scores] = {}
        started = time.perf_counter()
        for record in records:
            text = getattr(record, attribute)
            evidence = classifier.evidence(record.title, text)
            predicted = model.probability(record.title, text, evidence) >= model.threshold
            overall = overall.add(predicted, record.is_tech)
            lexicon_only = lexicon_only.add(bool(evidence.topics), record.is_tech)
            per_source[record.source] = per_source.get(record.source, Scores()).add(
                predicted, record.is_tech
            )
            if attribute == "text" and record.is_tech:
                coverage.update(match.topic for match in evidence.topics[:1])
                coverage["(any topic)"] += bool(evidence.topics)
        elapsed = (time.perf_counter() - started) / max(1, len(records)) * 1000
        out.append(f"{view_name} ({len(records)} articles, {elapsed:.1f} ms each):")
        out.append(_line("filter (model+lexicon)", overall))
        out.append(_line("lexicon only", lexicon_only))
        for source in sorted(per_source):
            out.append(_line(f"  {source}", per_source[source]))
    out.append(f"topic coverage of the {tech_total} technology articles (full text, first topic):")
    any_topic = coverage.pop("(any topic)", 0)
    out.append(f"  with at least one topic: {any_topic} ({any_topic / max(1, tech_total):.0%})")
    out.append("  " + ", ".join(f"{topic} {count}" for topic, count in coverage.most_common()))
    return "\n".join(out)


def run_topic_eval(corpus: Path, topics: Path | None = None) -> str:
    """Printable P/R/F1 of the technology filter on the held-out part of `corpus`."""
    records = read_corpus(corpus)
    train_part, test_part = split(records)
    catalog = TopicCatalog.load(topics or default_topics_path())
    model = load_default_model()
    classifier = LexiconClassifier(catalog)
    header = [
        f"technology relevance on {corpus}",
        f"split: {model.metadata.get('split', 'digest.relevance.is_held_out')}",
        f"train {len(train_part)} / test {len(test_part)} articles "
        f"({sum(r.is_tech for r in test_part)} technology in test); "
        f"model: {len(model.weights)} weights, threshold {model.threshold}",
    ]
    return "\n".join([*header, evaluate_records(test_part, classifier, model)])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m digest.eval.topics")
    parser.add_argument("--corpus", type=Path, default=Path("../shared/corpora/ant/dev.jsonl"))
    parser.add_argument("--topics", type=Path, default=None)
    args = parser.parse_args(argv)
    print(run_topic_eval(args.corpus, args.topics))
    return 0


if __name__ == "__main__":
    sys.exit(main())
