"""Tag acceptance (issue 15, point 4; topics13): a logistic model over the features of an
(article, tag) pair that predicts a blind reader's yes, dropping the further tags it rates
under a threshold.

The weights and the threshold ship in ``digest/data/topic_acceptance.json`` (no corpus text),
trained by ``make train-topics`` (``python -m digest.eval.topic_levers --train``) on the blind
verdicts of tests/fixtures/judged, given to the tags each sheet was read with; the threshold
is chosen by a rule fixed in advance over an inner leave-one-sheet-out (docs/topics-and-filter.md).
The relevance filter never sees this: its features stay the lexicons' raw matches
(`LexiconEvidence.topics`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ConfigError
from .rules import _score, _without

if TYPE_CHECKING:
    from .classifier import LexiconClassifier

DATA_FILE = "topic_acceptance.json"
Features = dict[str, float]


def tag_features(
    classifier: LexiconClassifier,
    title: str,
    text: str,
    others: Sequence[str] = (),
    *,
    as_tags: Sequence[str] | None = None,
) -> list[tuple[str, Features]]:
    """(topic, features) of each tag the classifier's lexicon rules give the article, in
    their order, then of each topic of `others` they do not tag (as if it were one more tag:
    for training on verdicts given to tags of older code). With `as_tags`, those topics in
    that order are the tags instead (the tags an older code gave: scores from the current
    lexicons). Reads the classifier's counts (`LexiconClassifier.counts`)."""
    evidence = classifier.evidence(title, text)
    tags = evidence.tags
    extra = [slug for slug in dict.fromkeys(others) if slug not in {m.topic for m in tags}]
    if as_tags is not None:
        tags, extra = (), list(dict.fromkeys(as_tags))
    if not tags and not extra:
        return []
    counted = classifier.counts(title, text)
    in_title, in_body, in_lead = counted.in_title, counted.in_body, counted.in_lead
    subjects = counted.subjects
    pairs = [(m.topic, m.score, len(m.terms), True) for m in tags]
    for slug in extra:
        ignored = classifier._not.get(slug, frozenset())
        score, terms = _score(
            _without(ignored, in_title.get(slug, {})), _without(ignored, in_body.get(slug, {}))
        )
        pairs.append((slug, score, len(terms), as_tags is not None))
    first = (pairs[0][1] if pairs[0][3] else 0.0) or 1.0
    n_tags = sum(1 for pair in pairs if pair[3])
    found: list[tuple[str, Features]] = []
    for rank, (slug, score, n_terms, tagged) in enumerate(pairs):
        ignored = classifier._not.get(slug, frozenset())
        title_counts = _without(ignored, in_title.get(slug, {}))
        body_counts = _without(ignored, in_body.get(slug, {}))
        lead_counts = _without(ignored, in_lead.get(slug, {}))
        generic = classifier._generic.get(slug, frozenset())
        spec_title = sum(1 for t in title_counts if t not in generic)
        gen_title = sum(1 for t in title_counts if t in generic)
        spec_body = sum(1 for t in body_counts if t not in generic)
        gen_body = sum(1 for t in body_counts if t in generic)
        repeats = sum(1 for c in body_counts.values() if c >= 2)
        f: Features = {
            "bias": 1.0,
            "topic:" + slug: 1.0,
            "log_score": math.log1p(score),
            "share": score / first,
            "first": 1.0 if rank == 0 else 0.0,
            "rank": float(rank),
            "n_tags": float(n_tags),
            "spec_title": min(spec_title, 3) / 3,
            "gen_title": min(gen_title, 3) / 3,
            "spec_body": math.log1p(spec_body),
            "gen_body": math.log1p(gen_body),
            "lead": math.log1p(sum(lead_counts.values())),
            "repeats": math.log1p(repeats),
            "no_title": 1.0 if not title_counts else 0.0,
            "only_generic_title": 1.0 if gen_title and not spec_title else 0.0,
            "subject": 1.0 if slug in subjects else 0.0,
            "other_subject": 1.0 if subjects - {slug} else 0.0,
            "fallback": 1.0 if not evidence.topics and as_tags is None else 0.0,
            "n_terms": math.log1p(n_terms),
            "untagged": 0.0 if tagged else 1.0,
            "tech": math.log1p(evidence.tech_score),
        }
        found.append((slug, f))
    return found


def probability(weights: Mapping[str, float], features: Mapping[str, float]) -> float:
    """The logistic of the weighted features (a missing weight counts 0; pure)."""
    z = sum(weights.get(name, 0.0) * value for name, value in features.items())
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def accepted(
    rated: Sequence[tuple[str, float]], threshold: float, empty_share: float = 1 / 3
) -> list[str]:
    """The tags kept: those rated at least `threshold`, and the best-rated one unless it is
    rated under `empty_share` of the threshold (a story with tags keeps one unless the
    model is very sure). Order kept (pure)."""
    if not rated:
        return []
    best = max(rated, key=lambda pair: pair[1])
    return [
        topic
        for topic, p in rated
        if p >= threshold or (topic == best[0] and p >= threshold * empty_share)
    ]


@dataclass(frozen=True)
class TagAcceptance:
    """The shipped acceptance model: feature weights, the threshold under which a tag is
    dropped, and the share of it under which even a story's best-rated tag is (`accepted`)."""

    weights: Mapping[str, float]
    threshold: float
    empty_share: float = 1 / 3
    source: str = ""

    def probability(self, features: Mapping[str, float]) -> float:
        return probability(self.weights, features)

    def kept(self, rated: Sequence[tuple[str, float]]) -> list[str]:
        return accepted(rated, self.threshold, self.empty_share)

    def to_json(self) -> dict[str, Any]:
        return {
            "threshold": self.threshold,
            "empty_share": self.empty_share,
            "weights": {name: round(w, 6) for name, w in sorted(self.weights.items())},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any], source: str = "") -> TagAcceptance:
        try:
            weights = {str(k): float(v) for k, v in data["weights"].items()}
            threshold = float(data["threshold"])
            empty_share = float(data.get("empty_share", 1 / 3))
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise ConfigError(f"{source}: invalid tag acceptance model: {error}") from error
        return cls(weights, threshold, empty_share, source)


def load_acceptance(path: Path) -> TagAcceptance:
    """A tag acceptance model from a JSON file (ConfigError when unreadable)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ConfigError(f"{path}: cannot load tag acceptance model: {error}") from error
    return TagAcceptance.from_json(data, source=str(path))


def load_default_acceptance() -> TagAcceptance:
    """The model shipped as package data (digest/data/topic_acceptance.json)."""
    resource = resources.files("digest").joinpath("data", DATA_FILE)
    try:
        data = json.loads(resource.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ConfigError(f"digest/data/{DATA_FILE}: cannot load: {error}") from error
    return TagAcceptance.from_json(data, source=f"digest/data/{DATA_FILE}")
