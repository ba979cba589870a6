"""Same-event signals for independently written reports (issue #14).

Two outlets that report one event in their own words share few word bigrams, so the
rewrite signals of `digest.cluster` miss them. This module scores such pairs with a small
logistic model over event signals, fitted on the judged *tune* pairs
(``python -m digest.eval.story_model``) and shipped as coefficients:

* ``title_in_lead``: the smaller of the two IDF shares of one title's stems found in the
  other article's title + lead (a headline is a summary of the event); IDF from the ANT
  pool (``digest/data/story_df.txt.gz``: document frequencies of stems, no text);
* ``hours``: log(1 + hours between the two publications);
* ``body``: the clusterer's MinHash estimate of body resemblance;
* ``lsa_cos``: cosine of the two articles' LSA vectors (IDF-weighted sum of the vectors
  of their rarest title + lead stems, ``digest/data/story_lsa.txt.gz``): reports in
  different words about one event;
* ``skeleton_title_in_lead`` / ``skeleton_cos``: ``title_in_lead`` and the IDF cosine of
  title + lead over consonant skeletons (`skeleton`: ترامب/ترمب, غوغل/جوجل meet), IDF of
  skeletons from ``digest/data/story_skeleton_df.txt.gz``;
* ``missing_rare``: the pool IDF (/10) of the rarest headline skeleton the other report
  lacks: another person, team or place makes another event (hard negatives).

Everything here is pure and deterministic; nothing reads a clock or the network.
"""

from __future__ import annotations

import base64
import gzip
import heapq
import itertools
import json
import math
import operator
import re
import struct
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources

DF_FILE = "story_df.txt.gz"
SKELETON_DF_FILE = "story_skeleton_df.txt.gz"
LSA_FILE = "story_lsa.txt.gz"
MODEL_FILE = "story_model.json"
UNSEEN_DF = 2  # a stem below the table's floor (df < 3) is treated as this rare
VECTOR_STEMS = 64  # the rarest title + lead stems that make an article's LSA vector
SKELETON_CACHE_LIMIT = 100_000
FEATURES = (
    "title_in_lead",
    "hours",
    "body",
    "lsa_cos",
    "skeleton_title_in_lead",
    "missing_rare",
    "skeleton_cos",
)
_VOWELS = frozenset("اويءئؤ")
_HARD_G = str.maketrans({"غ": "ج", "ق": "ج"})
_SHIFT_128 = bytes((value + 128) & 0xFF for value in range(256))  # int8 byte -> value + 128
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
        return self.weights.get(stem, self.unseen)

    @property
    def unseen(self) -> float:
        """The IDF of a stem missing from the table: ln(N / UNSEEN_DF)."""
        return math.log(self.documents / UNSEEN_DF)

    def lookup(self, stems: Iterable[str]) -> dict[str, float]:
        """stem -> `idf(stem)` for many stems at once (one bound lookup: the clusterer
        asks for ~100 per article)."""
        get, unseen = self.weights.get, self.unseen
        return {stem: get(stem, unseen) for stem in stems}

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
    def shipped(cls, name: str = DF_FILE) -> PoolIdf:
        """A table shipped as package data (built by digest.eval.story_model --df): the
        stems' (DF_FILE) or their skeletons' (SKELETON_DF_FILE)."""
        resource = resources.files("digest").joinpath("data", name)
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


class StemVectors:
    """LSA vectors of pool stems (``digest/data/story_lsa.txt.gz``, trained by
    ``python -m digest.eval.story_lsa``): a JSON line ``{"dims", ...}``, then one line
    per stem, ``stem<TAB>scale<TAB>base64 of its int8 row``; a stem's vector is its int8
    row times its scale.

    Why packed integers: an article's vector sums up to VECTOR_STEMS rows of `dims`
    numbers, too slow one float at a time in Python for a clusterer's add. Each row is
    kept as one integer with a LANE-bit lane per dimension holding row + 128 (never
    negative), each stem's weight x scale is rounded to an integer of at most WEIGHT_BITS
    bits, and the weighted sum is one integer multiply-add per stem; the lanes cannot
    overflow (VECTOR_STEMS x 2**WEIGHT_BITS x 255 < 2**LANE). The lanes are read back
    once, minus 128 x the weights' sum. Read-only after construction."""

    LANE = 32  # bits: struct's "I"
    WEIGHT_BITS = 10

    def __init__(self, dims: int, rows: Mapping[str, tuple[float, bytes]]) -> None:
        """`rows`: stem -> (scale, its `dims` int8 values as bytes); packed here, once."""
        self.dims = dims
        width = self.LANE // 8
        packed: dict[str, tuple[float, int]] = {}
        lanes = bytearray(dims * width)
        for stem, (scale, row) in rows.items():
            lanes[::width] = row.translate(_SHIFT_128)
            packed[stem] = (scale, int.from_bytes(lanes, "little"))
        self._packed = packed

    def __contains__(self, stem: str) -> bool:
        return stem in self._packed

    def vector(self, weighted: Iterable[tuple[str, float]]) -> tuple[float, ...]:
        """The unit-length sum of weight x vector over `weighted` (stem, weight >= 0)
        pairs, at most VECTOR_STEMS of them; stems without a vector add nothing; all
        zeros when none has one."""
        rows = []
        for stem, weight in weighted:
            found = self._packed.get(stem)
            if found is not None and weight > 0:
                rows.append((weight * found[0], found[1]))
        if not rows or len(rows) > VECTOR_STEMS:
            if not rows:
                return (0.0,) * self.dims
            raise ValueError(f"at most {VECTOR_STEMS} stems make a vector")
        top = max(factor for factor, _ in rows)
        unit = ((1 << self.WEIGHT_BITS) - 1) / top
        total = offset = 0
        for factor, packed in rows:
            whole = round(factor * unit)
            total += whole * packed
            offset += whole
        lanes = struct.unpack(f"<{self.dims}I", total.to_bytes(self.dims * 4, "little"))
        values = list(map(operator.sub, lanes, itertools.repeat(128 * offset)))
        norm = math.hypot(*values)
        if not norm:
            return (0.0,) * self.dims
        return tuple(map(operator.mul, values, itertools.repeat(1.0 / norm)))

    @classmethod
    def parse(cls, text: str) -> StemVectors:
        lines = text.splitlines()
        dims = int(json.loads(lines[0])["dims"])
        rows: dict[str, tuple[float, bytes]] = {}
        for line in lines[1:]:
            if not line:
                continue
            stem, scale, code = line.split("\t")
            row = base64.b64decode(code)
            if len(row) != dims:
                raise ValueError(f"story vectors: {stem!r} has {len(row)} values, not {dims}")
            rows[stem] = (float(scale), row)
        return cls(dims, rows)

    @classmethod
    def shipped(cls) -> StemVectors:
        resource = resources.files("digest").joinpath("data", LSA_FILE)
        return cls.parse(gzip.decompress(resource.read_bytes()).decode("utf-8"))


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    """Dot product of two unit (or zero) vectors."""
    return float(sum(map(operator.mul, a, b)))


def skeleton(stem: str) -> str:
    """A stem's consonant skeleton, so that transliterations of one name meet: the first
    letter, then the letters without long vowels and hamza seats (ا و ي ء ئ ؤ), with
    غ and ق written ج (ترامب/ترمب, نتنياهو/نتانياهو, ميونيخ/ميونخ, تلغرام/تليغرام,
    غوغل/جوجل). Latin stems, digits and skeletons shorter than 3 letters: the stem."""
    if not stem or not "\u0621" <= stem[0] <= "\u064a":
        return stem
    folded = (stem[0] + "".join(ch for ch in stem[1:] if ch not in _VOWELS)).translate(_HARD_G)
    return folded if len(folded) >= 3 else stem


@dataclass(frozen=True)
class EventSignals:
    """The pool IDF tables, the stem vectors and the fitted model, injected into the
    clusterer together."""

    idf: PoolIdf
    model: EventModel
    vectors: StemVectors
    skeleton_idf: PoolIdf

    @classmethod
    def shipped(cls) -> EventSignals:
        return cls(
            PoolIdf.shipped(),
            EventModel.shipped(),
            StemVectors.shipped(),
            PoolIdf.shipped(SKELETON_DF_FILE),
        )


@dataclass(frozen=True)
class EventProfile:
    """What the event signals keep of one article (stems from `digest.cluster`)."""

    title: frozenset[str]
    lead: frozenset[str]  # title + lead stems
    names: frozenset[str]
    title_mass: float  # sum of IDF of `title`
    skeleton_title: frozenset[str]
    skeleton_lead: frozenset[str]
    skeleton_square: float  # sum of squared skeleton IDF of `skeleton_lead` (cosine norm)
    skeleton_mass: float  # sum of skeleton IDF of `skeleton_title`
    meaning: tuple[float, ...]  # unit LSA vector of title + lead
    # Pool IDF of each stem of `lead` and of each skeleton of `skeleton_lead`, looked up
    # once here: a pair's features only add them up.
    weights: Mapping[str, float] = field(default_factory=dict, compare=False)
    skeleton_weights: Mapping[str, float] = field(default_factory=dict, compare=False)

    @classmethod
    def of(
        cls,
        title_stems: frozenset[str],
        lead_stems: frozenset[str],
        lead_tokens: Sequence[str],
        signals: EventSignals,
        skeletons: dict[str, str] | None = None,
    ) -> EventProfile:
        """`lead_tokens`: tokens of the title plus the start of the body (the caller
        bounds them); `skeletons` caches stem -> skeleton across articles."""
        lead = title_stems | lead_stems
        cache = skeletons if skeletons is not None else {}
        # One lookup pass; the few stems not seen before are folded below.
        known = dict(zip(lead, map(cache.get, lead), strict=True))
        folded: dict[str, str] = {}
        for stem, found in known.items():
            if found is None:
                found = skeleton(stem)
                if len(cache) < SKELETON_CACHE_LIMIT:
                    cache[stem] = found
            folded[stem] = found
        skeleton_title = frozenset(folded[s] for s in title_stems)
        skeleton_lead = frozenset(folded.values())
        weights = signals.idf.lookup(lead)
        skeleton_weights = signals.skeleton_idf.lookup(skeleton_lead)
        # The rarest stems carry the event; the common ones only blur the vector.
        weighted = heapq.nlargest(VECTOR_STEMS, weights.items(), key=_second)
        return cls(
            title_stems,
            lead,
            names_in(lead_tokens),
            sum(weights[s] for s in title_stems),
            skeleton_title,
            skeleton_lead,
            sum(w * w for w in skeleton_weights.values()),
            sum(skeleton_weights[s] for s in skeleton_title),
            signals.vectors.vector(weighted),
            weights,
            skeleton_weights,
        )


def _second(item: tuple[str, float]) -> float:
    return item[1]


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


def features(
    a: EventProfile, b: EventProfile, hours_apart: float, body: float, signals: EventSignals
) -> tuple[float, ...]:
    """The model's inputs for one pair, in the order of FEATURES. Symmetric in a, b.
    (`signals` is the one the profiles were made with; their weights come from it.)"""
    aw, bw, asw, bsw = a.weights, b.weights, a.skeleton_weights, b.skeleton_weights
    in_b = sum(aw[s] for s in a.title & b.lead) / a.title_mass if a.title_mass else 0.0
    in_a = sum(bw[s] for s in b.title & a.lead) / b.title_mass if b.title_mass else 0.0
    sk_b = a.skeleton_title & b.skeleton_lead
    sk_a = b.skeleton_title & a.skeleton_lead
    sk_in_b = sum(asw[s] for s in sk_b) / a.skeleton_mass if a.skeleton_mass else 0.0
    sk_in_a = sum(bsw[s] for s in sk_a) / b.skeleton_mass if b.skeleton_mass else 0.0
    # The rarest headline word the other report does not have: another name, place, team.
    missing = max(
        max((asw[s] for s in a.skeleton_title - sk_b), default=0.0),
        max((bsw[s] for s in b.skeleton_title - sk_a), default=0.0),
    )
    common = a.skeleton_lead & b.skeleton_lead
    norm = math.sqrt(a.skeleton_square * b.skeleton_square)
    skeleton_cos = sum(asw[s] * asw[s] for s in common) / norm if common and norm else 0.0
    return (
        min(in_a, in_b),
        math.log1p(max(0.0, hours_apart)),
        body,
        cosine(a.meaning, b.meaning),
        min(sk_in_a, sk_in_b),
        missing / 10.0,
        skeleton_cos,
    )
