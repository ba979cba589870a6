"""Technology relevance filter: is this story from a general news feed about technology?

A logistic-regression model over normalised, lightly stemmed Arabic unigrams and bigrams
(body and title), title unigrams, and the catalogue lexicon's evidence (which topics
matched in the article and in the title, how many generic technology words). It is trained
at build time from the ANT pool (``make train-relevance``, i.e. ``python -m
digest.relevance train --corpus ../shared/corpora/ant/pool.jsonl``) and shipped as
``digest/data/tech_relevance.json``: feature weights only, no corpus text.

Split (deterministic, by a hash of the id): a record is held out for the report when
``int(sha1("newsdigest-relevance|" + id), 16) % 10 < 3`` (about 30 %, never used for any
choice); of the rest, ``int(sha1("newsdigest-relevance-validation|" + id), 16) % 10 < 2``
is the validation part on which the threshold and the title-name topics are chosen, and
the model is fitted on the remainder. Each training record is used three times: title +
body, title + the first 300 characters of the body (what a teaser feed gives) and title +
feed abstract, so one model serves full-text and summary-only feeds.

A specific catalogue term in the title of a "title-name" topic (a company, product or
platform name: Facebook, iPhone, Google ...), when that topic is also tagged for the whole
article with at least `title_min_score`, lifts the probability to at least the threshold
unless the model gives less than `title_min_probability`: political or legal vocabulary
in the body cannot outweigh the name (issue 15: «"فضيحة فيسبوك" تتسع.. والكونغرس يستدعي
زوكربرغ» had p = 0.17).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import Any

from .arabic import tokenize
from .errors import ConfigError
from .jsonl import jsonl_lines
from .topics import LexiconClassifier, LexiconEvidence, TopicCatalog, default_topics_path

FORMAT_VERSION = 1
DATA_FILE = "tech_relevance.json"
SPLIT_SALT = "newsdigest-relevance|"
TEST_SHARE = 3  # tenths of the corpus held out
VALIDATION_SALT = "newsdigest-relevance-validation|"
VALIDATION_SHARE = 2  # tenths of the training side used to choose threshold and rules
TEASER_CHARS = 300  # what a teaser feed gives: the title and the start of the text
TECH_LABEL = "technology"


def teaser(text: str) -> str:
    """The first TEASER_CHARS characters of an article body."""
    return text[:TEASER_CHARS]


# --- features -------------------------------------------------------------------------

_PREFIXES = ("وبال", "فبال", "وال", "فال", "بال", "كال", "ولل", "لل", "ال")
_SUFFIXES = ("هما", "كما", "ها", "هم", "ات", "ان", "ون", "ين", "يه", "ه", "ي")
_TECH_SCORE_STEPS = (2, 4, 8, 16)


def light_stem(token: str) -> str:
    """A light Arabic stem of a normalised token (one prefix, one suffix), for features.
    Latin tokens and digits are returned unchanged."""
    if not token or not "\u0621" <= token[0] <= "\u064a":
        return token
    for prefix in _PREFIXES:
        if token.startswith(prefix) and len(token) - len(prefix) >= 3:
            token = token[len(prefix) :]
            break
    else:
        if token[0] == "و" and len(token) >= 5:
            token = token[1:]
    for suffix in _SUFFIXES:
        if token.endswith(suffix) and len(token) - len(suffix) >= 3:
            return token[: -len(suffix)]
    return token


def features(title: str, text: str, evidence: LexiconEvidence | None) -> list[str]:
    """Sorted, de-duplicated feature names of one article."""
    found: set[str] = set()
    title_stems = [light_stem(token) for token in tokenize(title)]
    body_stems = [light_stem(token) for token in tokenize(text)]
    found.update("t:" + stem for stem in title_stems)
    for stems in (title_stems, body_stems):
        found.update(stems)
        found.update(f"{a} {b}" for a, b in pairwise(stems))
    if evidence is not None:
        found.update("lex:" + match.topic for match in evidence.topics)
        found.update("tlex:" + topic for topic in evidence.title_topics)
        if evidence.topics:
            found.add("lex:any")
        found.update(
            f"lex:tech>={step}" for step in _TECH_SCORE_STEPS if evidence.tech_score >= step
        )
    return sorted(found)


# --- the model ------------------------------------------------------------------------


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@dataclass(frozen=True)
class TechRelevanceModel:
    """Logistic regression over `features`, input scaled by 1/sqrt(number of features of
    the article, known or not) so that a headline and a long article get comparable
    scores. Counting unknown features too keeps training and use consistent however much
    the shipped file is pruned (with the known-only count, one surviving weight such as
    "at" decided an English sports headline alone)."""

    bias: float
    weights: Mapping[str, float]
    threshold: float = 0.5
    metadata: Mapping[str, Any] = field(default_factory=dict)
    # Topics whose specific term in the title decides "technology" (see module docstring).
    title_topics: frozenset[str] = frozenset()
    title_min_score: float = 6.0  # the topic's score in the whole article (title hit = 3)
    title_min_probability: float = 0.1  # below this the model is sure enough to overrule

    def probability(self, title: str, text: str, evidence: LexiconEvidence | None = None) -> float:
        """P(technology); at least `threshold` when the title names a title-name topic
        (see `names_in_title`)."""
        p = self.probability_of(features(title, text, evidence))
        if evidence is not None and self.names_in_title(evidence, p):
            return max(p, self.threshold)
        return p

    def names_in_title(self, evidence: LexiconEvidence, p: float) -> bool:
        """The title-name rule: a title-name topic has a specific term in the title, the
        article is tagged with it at `title_min_score` or more, and p is not below
        `title_min_probability`."""
        if p < self.title_min_probability or not self.title_topics:
            return False
        scores = {match.topic: match.score for match in evidence.topics}
        return any(
            topic in self.title_topics and scores.get(topic, 0.0) >= self.title_min_score
            for topic in evidence.title_topics
        )

    def probability_of(self, names: Sequence[str]) -> float:
        known = [self.weights[name] for name in names if name in self.weights]
        if not known:
            return _sigmoid(self.bias)
        return _sigmoid(self.bias + sum(known) / math.sqrt(len(names)))

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT_VERSION,
            "kind": "logistic-regression",
            "bias": round(self.bias, 4),
            "threshold": self.threshold,
            "title_topics": sorted(self.title_topics),
            "title_min_score": self.title_min_score,
            "title_min_probability": self.title_min_probability,
            "metadata": dict(self.metadata),
            "weights": {name: round(weight, 3) for name, weight in sorted(self.weights.items())},
        }

    @classmethod
    def from_json(cls, data: Any, *, source: str = "<memory>") -> TechRelevanceModel:
        """Raises ConfigError if the data is not a model of this format."""
        if not isinstance(data, dict) or data.get("format") != FORMAT_VERSION:
            raise ConfigError(f"{source}: not a tech relevance model of format {FORMAT_VERSION}")
        weights = data.get("weights")
        bias = data.get("bias")
        threshold = data.get("threshold", 0.5)
        if not isinstance(weights, dict) or not isinstance(bias, (int, float)):
            raise ConfigError(f"{source}: weights (mapping) and bias (number) are required")
        if not all(isinstance(value, (int, float)) for value in weights.values()):
            raise ConfigError(f"{source}: weights: every weight must be a number")
        if not isinstance(threshold, (int, float)) or not 0.0 < threshold < 1.0:
            raise ConfigError(f"{source}: threshold: expected a number between 0 and 1")
        metadata = data.get("metadata", {})
        title_topics = data.get("title_topics", [])
        if not isinstance(title_topics, list) or not all(isinstance(t, str) for t in title_topics):
            raise ConfigError(f"{source}: title_topics: expected a list of topic slugs")
        min_score = data.get("title_min_score", 6.0)
        min_probability = data.get("title_min_probability", 0.1)
        if not isinstance(min_score, (int, float)) or not isinstance(min_probability, (int, float)):
            raise ConfigError(f"{source}: title_min_score/title_min_probability: expected numbers")
        return cls(
            float(bias),
            {str(name): float(value) for name, value in weights.items()},
            float(threshold),
            metadata if isinstance(metadata, dict) else {},
            frozenset(title_topics),
            float(min_score),
            float(min_probability),
        )

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(self.to_json(), ensure_ascii=False, separators=(",", ":"))
        path.write_text(text + "\n", encoding="utf-8")


def load_model(path: Path) -> TechRelevanceModel:
    """Raises ConfigError (naming the file) if it is missing or not a model."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(f"{path}: cannot read relevance model: {error}") from error
    except ValueError as error:
        raise ConfigError(f"{path}: invalid JSON: {error}") from error
    return TechRelevanceModel.from_json(data, source=str(path))


def load_default_model() -> TechRelevanceModel:
    """The model shipped as package data (digest/data/tech_relevance.json)."""
    resource = resources.files("digest").joinpath("data", DATA_FILE)
    try:
        data = json.loads(resource.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ConfigError(
            f"digest/data/{DATA_FILE}: cannot load relevance model: {error}"
        ) from error
    return TechRelevanceModel.from_json(data, source=f"digest/data/{DATA_FILE}")


def default_classifier(topics_path: Path | None = None) -> LexiconClassifier:
    """Catalogue lexicons plus the shipped relevance model."""
    catalog = TopicCatalog.load(topics_path or default_topics_path())
    return LexiconClassifier(catalog, load_default_model())


# --- corpus, split and training ------------------------------------------------------


@dataclass(frozen=True)
class CorpusRecord:
    id: str
    source: str
    title: str
    abstract: str
    text: str
    is_tech: bool


def read_corpus(path: Path) -> list[CorpusRecord]:
    """ANT-format JSON lines. Raises ConfigError naming the line of a bad record."""
    records = []
    try:
        lines = list(jsonl_lines(path))
    except OSError as error:
        raise ConfigError(f"{path}: cannot read corpus: {error}") from error
    for number, line in lines:
        try:
            row = json.loads(line)
            records.append(
                CorpusRecord(
                    id=str(row["id"]),
                    source=str(row.get("source", "?")),
                    title=str(row.get("title") or ""),
                    abstract=str(row.get("abstract") or ""),
                    text=str(row.get("text") or ""),
                    is_tech=row["label"] == TECH_LABEL,
                )
            )
        except (ValueError, KeyError, TypeError) as error:
            raise ConfigError(f"{path}:{number}: bad corpus record: {error}") from error
    return records


def is_held_out(record_id: str) -> bool:
    """The fixed train/test split (about 30 % test)."""
    digest = hashlib.sha1((SPLIT_SALT + record_id).encode("utf-8")).hexdigest()
    return int(digest, 16) % 10 < TEST_SHARE


def split(records: Iterable[CorpusRecord]) -> tuple[list[CorpusRecord], list[CorpusRecord]]:
    """(training side, held-out report part)."""
    train: list[CorpusRecord] = []
    test: list[CorpusRecord] = []
    for record in records:
        (test if is_held_out(record.id) else train).append(record)
    return train, test


def is_validation(record_id: str) -> bool:
    """Part of the training side kept for choices (about 20 % of it); never held out."""
    digest = hashlib.sha1((VALIDATION_SALT + record_id).encode("utf-8")).hexdigest()
    return int(digest, 16) % 10 < VALIDATION_SHARE


def split_validation(
    train_side: Iterable[CorpusRecord],
) -> tuple[list[CorpusRecord], list[CorpusRecord]]:
    """(fit part, validation part) of the training side."""
    fit: list[CorpusRecord] = []
    validation: list[CorpusRecord] = []
    for record in train_side:
        (validation if is_validation(record.id) else fit).append(record)
    return fit, validation


def views(record: CorpusRecord) -> dict[str, str]:
    """The texts one article is judged on: full text, teaser, feed abstract."""
    return {"full text": record.text, "teaser": teaser(record.text), "abstract": record.abstract}


@dataclass(frozen=True)
class TrainingOptions:
    min_df: int = 5  # a feature must occur in this many training examples
    l2: float = 1e-4
    epochs: int = 3  # validation F1 of 3 and 6 epochs within 0.004; 3 is half the time
    learning_rate: float = 0.5
    # Drop weights this small from the shipped file: 1.0 keeps ~57k of ~150k weights
    # (~1.4 MB) with validation F1 within 0.005 of keeping all (3.6 MB).
    prune_below: float = 1.0
    seed: int = 20180218
    # A topic decides by a title hit when, on the fit part, at least this share of the
    # articles with one of its specific terms in the title are technology.
    title_topic_share: float = 0.7
    title_topic_min: int = 10  # ... and at least this many such articles


def _examples(
    records: Sequence[CorpusRecord], classifier: LexiconClassifier
) -> Iterator[tuple[list[str], bool]]:
    for record in records:
        for text in views(record).values():
            evidence = classifier.evidence(record.title, text)
            yield features(record.title, text, evidence), record.is_tech


def choose_title_topics(
    records: Sequence[CorpusRecord], classifier: LexiconClassifier, options: TrainingOptions
) -> frozenset[str]:
    """Topics whose specific term in a title almost always means technology in `records`."""
    seen: Counter[str] = Counter()
    tech: Counter[str] = Counter()
    for record in records:
        for topic in classifier.evidence(record.title, "").title_topics:
            seen[topic] += 1
            tech[topic] += record.is_tech
    return frozenset(
        topic
        for topic, count in seen.items()
        if count >= options.title_topic_min and tech[topic] / count >= options.title_topic_share
    )


def train(
    records: Sequence[CorpusRecord],
    classifier: LexiconClassifier,
    options: TrainingOptions = TrainingOptions(),
) -> TechRelevanceModel:
    """Fit the model (AdaGrad on log loss with L2). Deterministic for the same input."""
    examples = list(_examples(records, classifier))
    frequency = Counter(name for names, _ in examples for name in names)
    vocabulary = {name for name, count in frequency.items() if count >= options.min_df}
    data = [
        ([name for name in names if name in vocabulary], label, 1.0 / math.sqrt(max(1, len(names))))
        for names, label in examples
    ]
    weights: dict[str, float] = dict.fromkeys(vocabulary, 0.0)
    squared: dict[str, float] = dict.fromkeys(vocabulary, 1e-8)
    bias, bias_squared = 0.0, 1e-8
    rng = random.Random(options.seed)
    for _ in range(options.epochs):
        rng.shuffle(data)
        for names, label, scale in data:
            z = bias + scale * sum(weights[name] for name in names)
            error = _sigmoid(z) - (1.0 if label else 0.0)
            for name in names:
                gradient = error * scale + options.l2 * weights[name]
                squared[name] += gradient * gradient
                weights[name] -= options.learning_rate * gradient / math.sqrt(squared[name])
            bias_squared += error * error
            bias -= options.learning_rate * error / math.sqrt(bias_squared)
    kept = {name: weight for name, weight in weights.items() if abs(weight) >= options.prune_below}
    metadata = {
        "trained_on": "ANT corpus v2.1 pool (technology vs the rest)",
        "split": f"held out when int(sha1('{SPLIT_SALT}' + id), 16) % 10 < {TEST_SHARE}; "
        f"validation (choices) when int(sha1('{VALIDATION_SALT}' + id), 16) % 10 < "
        f"{VALIDATION_SHARE}",
        "train_records": len(records),
        "features": "light-stemmed unigrams+bigrams, title unigrams, catalogue lexicon hits "
        "(article and title)",
        "options": options.__dict__,
    }
    title_topics = choose_title_topics(records, classifier, options)
    return TechRelevanceModel(bias, kept, 0.5, metadata, title_topics)


@dataclass(frozen=True)
class Choice:
    """What `choose_settings` picked on the validation part, and the scores there."""

    threshold: float
    title_min_score: float
    full_text: Scores
    teaser: Scores

    def summary(self) -> str:
        return (
            f"threshold {self.threshold}, title-name rule >= {self.title_min_score:g}; "
            "validation full text "
            f"P={self.full_text.precision:.3f} R={self.full_text.recall:.3f} "
            f"F1={self.full_text.f1:.3f}, teaser P={self.teaser.precision:.3f} "
            f"R={self.teaser.recall:.3f} F1={self.teaser.f1:.3f}"
        )


# Candidates for the title-name rule's minimum topic score (title hit 3 + body hits). Issue
# 15 requires the rule, so "off" is no candidate; nor is 9 (title + six body hits): the
# validation part preferred it by 0.002 (lower of the two F1), but it lets a political body
# outweigh a name the article repeats three times («عطل في تويتر ...», tests/test_relevance).
TITLE_MIN_SCORES = (3.0, 6.0)


def choose_settings(
    model: TechRelevanceModel,
    validation: Sequence[CorpusRecord],
    classifier: LexiconClassifier,
    *,
    min_precision: float = 0.925,
) -> Choice:
    """The threshold (0.20..0.85) and title-name minimum score (TITLE_MIN_SCORES) that
    maximise the lower of the full-text and teaser F1 on `validation` while both keep
    `min_precision` (if none does: the best F1)."""
    scored: dict[str, list[tuple[float, LexiconEvidence, bool]]] = {"full text": [], "teaser": []}
    for record in validation:
        for name, rows in scored.items():
            text = views(record)[name]
            evidence = classifier.evidence(record.title, text)
            raw = model.probability_of(features(record.title, text, evidence))
            rows.append((raw, evidence, record.is_tech))
    best: tuple[tuple[bool, float], Choice] | None = None
    for min_score in TITLE_MIN_SCORES:
        candidate = replace(model, title_min_score=min_score)
        named = {
            name: [candidate.names_in_title(evidence, raw) for raw, evidence, _ in rows]
            for name, rows in scored.items()
        }
        for step in range(20, 86):
            threshold = step / 100
            results = []
            for name, rows in scored.items():
                scores = Scores()
                for (raw, _, actual), lifted in zip(rows, named[name], strict=True):
                    scores = scores.add(lifted or raw >= threshold, actual)
                results.append(scores)
            key = (all(s.precision >= min_precision for s in results), min(s.f1 for s in results))
            if best is None or key > best[0]:
                best = (key, Choice(threshold, min_score, results[0], results[1]))
    assert best is not None
    return best[1]


@dataclass(frozen=True)
class Scores:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, predicted: bool, actual: bool) -> Scores:
        return Scores(
            self.tp + (predicted and actual),
            self.fp + (predicted and not actual),
            self.fn + (not predicted and actual),
            self.tn + (not predicted and not actual),
        )

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m digest.relevance")
    sub = parser.add_subparsers(dest="command", required=True)
    cmd = sub.add_parser("train", help="train the model from an ANT-format corpus")
    cmd.add_argument("--corpus", type=Path, default=Path("../shared/corpora/ant/pool.jsonl"))
    cmd.add_argument("--topics", type=Path, default=default_topics_path())
    cmd.add_argument("--out", type=Path, default=Path(__file__).parent / "data" / DATA_FILE)
    args = parser.parse_args(argv)
    records = read_corpus(args.corpus)
    train_side, test_part = split(records)
    fit_part, validation = split_validation(train_side)
    classifier = LexiconClassifier(TopicCatalog.load(args.topics))
    chooser = train(fit_part, classifier)
    choice = choose_settings(chooser, validation, classifier)
    # The choices made, the shipped weights are refitted on the whole training side
    # (fit + validation), with the chosen threshold and title-name rule.
    model = replace(
        train(train_side, classifier),
        threshold=choice.threshold,
        title_topics=chooser.title_topics,
        title_min_score=choice.title_min_score,
    )
    model = replace(model, metadata={**model.metadata, "validation": choice.summary()})
    model.save(args.out)
    size = args.out.stat().st_size
    print(f"chosen on validation: {choice.summary()}")
    print(
        f"threshold {choice.threshold} and title-name topics {sorted(model.title_topics)} chosen "
        f"on {len(validation)} validation records (model fitted on the other "
        f"{len(fit_part)}); shipped weights refitted on all {len(train_side)} records of the "
        f"training side; {len(test_part)} held out for the report"
    )
    print(f"wrote {args.out}: {len(model.weights)} weights, {size / 1024:.0f} KiB")
    print("evaluate with: python -m digest.eval.topics --corpus", args.corpus)
    return 0


if __name__ == "__main__":
    sys.exit(_main())
