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
from typing import Any

from ..errors import ConfigError

DATA_FILE = "topic_acceptance.json"
Features = dict[str, float]  # an (article, tag) pair's features: `classifier.tag_features`


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
