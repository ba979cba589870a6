"""Same-event signals for independently written reports (issue #14).

Two outlets that report one event in their own words share few word bigrams, so the
rewrite signals of `digest.cluster` miss them. This module scores such pairs with a small
logistic model over event signals, fitted on the judged *tune* pairs
(``python -m digest.eval.story_model``) and shipped as coefficients:

* ``lead_cos`` / ``title_cos``: cosine of title + lead (resp. title) stems, each stem
  weighted by its IDF in the ANT pool (``digest/data/story_df.txt.gz``: document
  frequencies of stems, counts only, no text), so that names and rare event words count
  and "said", "minister" do not;
* ``title_in_lead``: the smaller of the two IDF shares of one title's stems found in the
  other article's title + lead (a headline is a summary of the event);
* ``title_grams``: the same containment over character 4-grams of the titles' words, which
  survives Arabic morphology the light stemmer leaves ("يسرق"/"سرق", "أسراراً"/"أسرار");
* ``names``: Latin names and numbers (not years) both leads contain;
* ``hours``: log(1 + hours between the two publications);
* ``body``: the clusterer's MinHash estimate of body resemblance.

Everything here is pure and deterministic; nothing reads a clock or the network.
"""

from __future__ import annotations

import gzip
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources

DF_FILE = "story_df.txt.gz"
MODEL_FILE = "story_model.json"
UNSEEN_DF = 2  # a stem below the table's floor (df < 3) is treated as this rare
GRAM = 4
GRAM_CACHE_LIMIT = 100_000
TITLE_GRAM_MIN_WORD = 3  # shorter words (particles) add only noise to the grams
FEATURES = ("lead_cos", "title_cos", "title_in_lead", "title_grams", "names", "hours", "body")
_YEAR = re.compile(r"^(19|20)\d\d$")
_LATIN_STOP = frozenset("the of and in on to for a an is are with by at from as".split())  # noqa: SIM905


@dataclass(frozen=True)
class PoolIdf:
    """IDF of stems from document frequencies in a reference pool: ln(N / df), computed
    once per stem when the table is read (the clusterer asks for it on every add)."""

    documents: int
    weights: Mapping[str, float]

    def idf(self, stem: str) -> float:
        """ln(N / df); stems missing from the table (rarer than its floor) get UNSEEN_DF."""
        weight = self.weights.get(stem)
        return weight if weight is not None else math.log(self.documents / UNSEEN_DF)

    @classmethod
    def parse(cls, lines: Sequence[str]) -> PoolIdf:
        """Format: ``# documents N`` first, then ``df<TAB>stem stem ...`` lines."""
        header = lines[0].split()
        if header[:2] != ["#", "documents"]:
            raise ValueError("story df table: first line must be '# documents N'")
        documents = int(header[2])
        weights: dict[str, float] = {}
        for line in lines[1:]:
            if not line.strip() or line.startswith("#"):
                continue
            count, _, stems = line.partition("\t")
            value = math.log(documents / max(int(count), UNSEEN_DF))
            for stem in stems.split():
                weights[stem] = value
        return cls(documents, weights)

    @classmethod
    def shipped(cls) -> PoolIdf:
        """The table shipped as package data (built by digest.eval.story_model --df)."""
        resource = resources.files("digest").joinpath("data", DF_FILE)
        text = gzip.decompress(resource.read_bytes()).decode("utf-8")
        return cls.parse(text.splitlines())


@dataclass(frozen=True)
class EventModel:
    """Logistic model: P(same event) = sigmoid(bias + sum(w_i * feature_i))."""

    weights: tuple[float, ...]
    bias: float
    threshold: float  # decision threshold on the probability, chosen on tune pairs

    def probability(self, features: Sequence[float]) -> float:
        z = self.bias + sum(w * x for w, x in zip(self.weights, features, strict=True))
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    def same_event(self, features: Sequence[float]) -> bool:
        return self.probability(features) >= self.threshold

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> EventModel:
        names = data.get("features")
        if names != list(FEATURES):
            raise ValueError(f"story model features {names!r} != {list(FEATURES)!r}")
        weights = data["weights"]
        bias, threshold = data["bias"], data["threshold"]
        if not isinstance(weights, list) or not isinstance(bias, int | float):
            raise ValueError("story model: weights must be a list, bias a number")
        if not isinstance(threshold, int | float):
            raise ValueError("story model: threshold must be a number")
        return cls(tuple(float(w) for w in weights), float(bias), float(threshold))

    @classmethod
    def shipped(cls) -> EventModel:
        resource = resources.files("digest").joinpath("data", MODEL_FILE)
        data = json.loads(resource.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError("story model: not a JSON object")
        return cls.from_json(data)


@dataclass(frozen=True)
class EventSignals:
    """The pool IDF and the fitted model, injected into the clusterer together."""

    idf: PoolIdf
    model: EventModel

    @classmethod
    def shipped(cls) -> EventSignals:
        return cls(PoolIdf.shipped(), EventModel.shipped())


@dataclass(frozen=True)
class EventProfile:
    """What the event signals keep of one article (stems from `digest.cluster`)."""

    title: frozenset[str]
    lead: frozenset[str]  # title + lead stems
    names: frozenset[str]
    title_grams: frozenset[str]
    lead_grams: frozenset[str]
    title_square: float  # sum of squared IDF of `title` (cosine norm)
    lead_square: float
    title_mass: float  # sum of IDF of `title`

    @classmethod
    def of(
        cls,
        title_stems: frozenset[str],
        lead_stems: frozenset[str],
        title_tokens: Sequence[str],
        lead_tokens: Sequence[str],
        idf: PoolIdf,
        gram_cache: dict[str, tuple[str, ...]] | None = None,
    ) -> EventProfile:
        """`lead_tokens`: tokens of the title plus the start of the body (the caller
        bounds them); `gram_cache` keeps token -> character grams across articles."""
        lead = title_stems | lead_stems
        weight = idf.idf
        cache = gram_cache if gram_cache is not None else {}
        return cls(
            title_stems,
            lead,
            names_in(lead_tokens),
            _grams(title_tokens, cache),
            _grams(lead_tokens, cache),
            sum(weight(s) ** 2 for s in title_stems),
            sum(weight(s) ** 2 for s in lead),
            sum(weight(s) for s in title_stems),
        )


def names_in(tokens: Sequence[str]) -> frozenset[str]:
    """Latin names (iPhone, H800) and numbers of 2-9 digits that are not years, among
    `tokens` (from `digest.arabic.tokenize`)."""
    out = set()
    for token in tokens:
        if token.isdigit():
            if 2 <= len(token) <= 9 and not _YEAR.match(token):
                out.add(token)
        elif _latin_name(token):
            out.add(token)
    return frozenset(out)


def _latin_name(token: str) -> bool:
    return (
        token.isascii()
        and len(token) >= 2
        and token not in _LATIN_STOP
        and any(ch.isalpha() for ch in token)
    )


def names_conflict(a: EventProfile, b: EventProfile) -> bool:
    """Both leads name something in Latin letters (a product, a team, a company) and
    none of it is shared: two products or two matches, not one event told twice. A veto
    for reports that are not rewrites (tune pairs: 3 of 4 such pairs were different)."""
    latin_a = {name for name in a.names if not name.isdigit()}
    latin_b = {name for name in b.names if not name.isdigit()}
    return bool(latin_a) and bool(latin_b) and not latin_a & latin_b


def _grams(tokens: Sequence[str], cache: dict[str, tuple[str, ...]]) -> frozenset[str]:
    out: set[str] = set()
    for token in tokens:
        grams = cache.get(token)
        if grams is None:
            grams = ()
            if len(token) >= TITLE_GRAM_MIN_WORD:
                padded = f"_{token}_"
                grams = tuple(padded[i : i + GRAM] for i in range(len(padded) - GRAM + 1))
            if len(cache) < GRAM_CACHE_LIMIT:
                cache[token] = grams
        out.update(grams)
    return frozenset(out)


def _cos(a: frozenset[str], b: frozenset[str], na: float, nb: float, idf: PoolIdf) -> float:
    common = a & b
    if not common or na <= 0 or nb <= 0:
        return 0.0
    return sum(idf.idf(s) ** 2 for s in common) / math.sqrt(na * nb)


def _contained(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a) if a else 0.0


def features(
    a: EventProfile, b: EventProfile, hours_apart: float, body: float, idf: PoolIdf
) -> tuple[float, ...]:
    """The model's inputs for one pair, in the order of FEATURES. Symmetric in a, b."""
    in_b = sum(idf.idf(s) for s in a.title & b.lead) / a.title_mass if a.title_mass else 0.0
    in_a = sum(idf.idf(s) for s in b.title & a.lead) / b.title_mass if b.title_mass else 0.0
    grams = min(_contained(a.title_grams, b.lead_grams), _contained(b.title_grams, a.lead_grams))
    return (
        _cos(a.lead, b.lead, a.lead_square, b.lead_square, idf),
        _cos(a.title, b.title, a.title_square, b.title_square, idf),
        min(in_a, in_b),
        grams,
        math.log1p(len(a.names & b.names)),
        math.log1p(max(0.0, hours_apart)),
        body,
    )
