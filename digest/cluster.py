"""Cross-source story clustering: the same story from several feeds becomes one entry.

Each article is reduced to normalised, lightly stemmed content words (stop words
dropped). Three signals compare two articles:

* lead containment: word-bigram shingles of the title plus the first `LEAD_WORDS` content
  words of the body, |A ∩ B| / min(|A|, |B|). Rewrites of one wire story keep most of
  the lead, and a feed that carries only a summary still contains the lead of a feed that
  carries the full text.
* body resemblance: a bottom-k MinHash sketch (k = `SKETCH_SIZE`) of all body shingles,
  an estimate of their Jaccard similarity that ignores paragraph order.
* title overlap: |A ∩ B| / min(|A|, |B|) of title content words.

Candidates come from inverted indexes (lead shingle -> articles, title word -> articles)
so that a new article is compared only with articles that share something with it, not
with the whole window. Hashes are CRC-32 (deterministic across processes); no clock is
read: times come from the articles themselves.
"""

from __future__ import annotations

import heapq
import math
import zlib
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise
from typing import TypeVar

from .arabic import tokenize
from .relevance import light_stem

_Key = TypeVar("_Key", int, str)

LEAD_WORDS = 60
MAX_BODY_WORDS = 600  # longer bodies add little to the resemblance estimate
SKETCH_SIZE = 64
MAX_POSTINGS = 400  # a shingle or title word shared by more articles is not a signal
MAX_CANDIDATES = 25  # verified per new article, most shared keys first
MIN_SHARED_KEYS = 3  # lead shingles + title words a candidate must share
_STEM_CACHE_LIMIT = 100_000

# Function words (normalised spelling) that say nothing about the story.
STOP_WORDS = frozenset(
    """
    في من الي علي عن مع ان او ثم ما لا لم لن قد كان كانت يكون تكون هذا هذه ذلك تلك هو هي هم
    هما نحن انه انها التي الذي الذين اللذين اللتين كل بعض غير بين بعد قبل حتي عند منذ خلال
    حول ضد دون عبر لدي لكن بل اذا اذ حيث كما اي ايضا فقط جدا اكثر اقل يوم اليوم امس اول قال
    قالت وقال وقالت اضاف واضاف اكد واكد اشار واشار وفق وفقا بحسب حسب نحو مثل عام عاما تم يتم
    وتم وهو وهي وقد وكان وكانت وفي ومن والتي والذي فيه فيها منه منها عليه عليها اليه له لها
    به بها لهم بهم عنه عنها هناك هنا الا سوف ليس ليست بان لان كي لكي او ام the a an of to in
    on for and or is are was were be by with at from as that this it its
    """.split()  # noqa: SIM905 - a word list reads better as text
)


def _strip_particle(token: str) -> str:
    """Drop an attached ب ل ف ك from a long word ("بنموذج" -> "نموذج"). Words that
    really start with these letters lose them too, but on both sides of a comparison."""
    if len(token) >= 5 and token[0] in "بلفك" and not token.startswith(("لل", "بال", "فال", "كال")):
        return token[1:]
    return token


def content_words(text: str, stems: dict[str, str] | None = None) -> list[str]:
    """Light stems of the words of `text` that carry meaning (no stop words, no 1-letter
    tokens, no bare numbers). `stems` caches token -> stem ("" for a dropped token)."""
    cache = stems if stems is not None else {}
    words = []
    for token in tokenize(text):
        stem = cache.get(token)
        if stem is None:
            stem = ""
            if token not in STOP_WORDS and len(token) >= 2 and not token.isdigit():
                stem = light_stem(_strip_particle(token))
                stem = "" if stem in STOP_WORDS else stem
            if len(cache) < _STEM_CACHE_LIMIT:
                cache[token] = stem
        if stem:
            words.append(stem)
    return words


def _hash(text: str) -> int:
    return zlib.crc32(text.encode("utf-8"))


def _shingles(hashes: list[int]) -> set[int]:
    """Word-bigram shingles from per-word hashes (a single word is its own shingle)."""
    if len(hashes) < 2:
        return set(hashes)
    return {(a * 1_000_003 ^ b) & 0xFFFFFFFF for a, b in pairwise(hashes)}


@dataclass(frozen=True)
class StoryFingerprint:
    """What the clusterer keeps of an article."""

    title_words: frozenset[str]
    lead: frozenset[int]
    sketch: frozenset[int]  # the k smallest body shingle hashes (bottom-k MinHash)

    @classmethod
    def of(cls, title: str, text: str, stems: dict[str, str] | None = None) -> StoryFingerprint:
        title_words = content_words(title, stems)
        body_words = content_words(text, stems)[:MAX_BODY_WORDS]
        title_hashes = [_hash(word) for word in title_words]
        body_hashes = [_hash(word) for word in body_words]
        lead = _shingles(title_hashes) | _shingles(body_hashes[:LEAD_WORDS])
        body = _shingles(body_hashes) or lead
        return cls(
            frozenset(title_words), frozenset(lead), frozenset(heapq.nsmallest(SKETCH_SIZE, body))
        )


@dataclass(frozen=True)
class Similarity:
    lead: float
    body: float
    title: float
    rare_title: float = 0.0  # title overlap weighted by word rarity (IDF in the window)
    shared_title_words: int = 0

    def same_story(self) -> bool:
        """The decision rule (see digest.eval.clusters for how it was measured).

        A rewrite keeps the lead or most of the body; an outlet that wrote its own text
        about the same event still shares most of the rare words of the headline."""
        if self.lead >= 0.5 or self.body >= 0.45:
            return True
        if self.title >= 0.5 and (self.lead >= 0.25 or self.body >= 0.2):
            return True
        return self.rare_title >= 0.68 and self.shared_title_words >= 4

    @property
    def strength(self) -> float:
        return max(self.lead, self.body) + 0.5 * max(self.title, self.rare_title)


def _overlap(a: frozenset[object], b: frozenset[object]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def _sketch_jaccard(a: StoryFingerprint, b: StoryFingerprint) -> float:
    """Bottom-k estimate: of the k smallest hashes of the union, the share in both."""
    size = min(len(a.sketch), len(b.sketch))
    both = a.sketch & b.sketch
    if not both:
        return 0.0
    threshold = sorted(a.sketch | b.sketch)[size - 1]
    return sum(1 for value in both if value <= threshold) / size


def similarity(
    a: StoryFingerprint, b: StoryFingerprint, idf: Callable[[str], float] | None = None
) -> Similarity:
    """Compare two fingerprints; `idf` weighs title words (all 1.0 when not given)."""
    weight = idf or (lambda word: 1.0)
    shared = a.title_words & b.title_words
    rare = 0.0
    if shared:
        smaller = min(sum(map(weight, a.title_words)), sum(map(weight, b.title_words)))
        rare = sum(map(weight, shared)) / smaller if smaller else 0.0
    return Similarity(
        lead=_overlap(a.lead, b.lead),
        body=_sketch_jaccard(a, b),
        title=_overlap(a.title_words, b.title_words),
        rare_title=rare,
        shared_title_words=len(shared),
    )


@dataclass(frozen=True)
class _Stored:
    article_id: int
    cluster_id: int
    published: datetime | None
    fingerprint: StoryFingerprint


class StoryClusterer:
    """Assigns each new article to the cluster of an earlier article of the same story
    within `window`, keeping at most `max_items` recent articles. Pure and deterministic:
    the same sequence of `add` calls gives the same cluster ids. Not thread-safe: one
    pipeline owns it."""

    def __init__(self, window: timedelta = timedelta(days=2), max_items: int = 3000) -> None:
        if max_items < 1:
            raise ValueError("max_items must be at least 1")
        self.window = window
        self.max_items = max_items
        self._items: OrderedDict[int, _Stored] = OrderedDict()
        self._by_shingle: dict[int, set[int]] = {}
        self._by_title_word: dict[str, set[int]] = {}
        self._stems: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self._items)

    def add(self, article_id: int, title: str, text: str, published: datetime | None) -> int:
        """Remember an article; returns its cluster id: the article id of the first story
        of its cluster (its own id when it is a new story). Adding an id again returns
        the cluster it already has."""
        known = self._items.get(article_id)
        if known is not None:
            return known.cluster_id
        fingerprint = StoryFingerprint.of(title, text, self._stems)
        match = self.best_match(fingerprint, published)
        cluster_id = match.cluster_id if match is not None else article_id
        self._store(_Stored(article_id, cluster_id, published, fingerprint))
        return cluster_id

    def best_match(
        self, fingerprint: StoryFingerprint, published: datetime | None
    ) -> _Stored | None:
        """The most similar stored article of the same story, if any."""
        best: tuple[float, int] | None = None
        best_item: _Stored | None = None
        weights: dict[str, float] = {}

        def idf(word: str) -> float:
            value = weights.get(word)
            if value is None:
                value = weights[word] = self._idf(word)
            return value

        for candidate_id in self._candidates(fingerprint):
            item = self._items[candidate_id]
            if not self._in_window(item.published, published):
                continue
            score = similarity(fingerprint, item.fingerprint, idf)
            if not score.same_story():
                continue
            # Strongest first; among equals the earliest (smallest id) for determinism.
            key = (score.strength, -candidate_id)
            if best is None or key > best:
                best, best_item = key, item
        return best_item

    def _idf(self, word: str) -> float:
        """Rarity of a title word among the stored articles."""
        count = len(self._by_title_word.get(word, ()))
        return math.log(1.0 + (len(self._items) + 1) / (count + 1))

    def forget_before(self, moment: datetime) -> int:
        """Drop articles published before `moment` (articles without a date stay until
        pushed out by `max_items`). Returns how many were dropped."""
        old = [
            item.article_id
            for item in self._items.values()
            if item.published is not None and item.published < moment
        ]
        for article_id in old:
            self._remove(article_id)
        return len(old)

    # --- internals ------------------------------------------------------------------

    def _in_window(self, earlier: datetime | None, later: datetime | None) -> bool:
        if earlier is None or later is None:
            return True
        return abs(later - earlier) <= self.window

    def _candidates(self, fingerprint: StoryFingerprint) -> list[int]:
        shared: Counter[int] = Counter()
        for shingle in fingerprint.lead:
            ids = self._by_shingle.get(shingle)
            if ids and len(ids) <= MAX_POSTINGS:
                shared.update(ids)
        for word in fingerprint.title_words:
            ids = self._by_title_word.get(word)
            if ids and len(ids) <= MAX_POSTINGS:
                shared.update(ids)
        ranked = heapq.nsmallest(
            MAX_CANDIDATES,
            (item for item in shared.items() if item[1] >= MIN_SHARED_KEYS),
            key=lambda kv: (-kv[1], kv[0]),
        )
        return [article_id for article_id, _ in ranked]

    def _store(self, item: _Stored) -> None:
        self._items[item.article_id] = item
        for shingle in item.fingerprint.lead:
            self._by_shingle.setdefault(shingle, set()).add(item.article_id)
        for word in item.fingerprint.title_words:
            self._by_title_word.setdefault(word, set()).add(item.article_id)
        while len(self._items) > self.max_items:
            self._remove(next(iter(self._items)))

    def _remove(self, article_id: int) -> None:
        item = self._items.pop(article_id)
        _unindex(self._by_shingle, item.fingerprint.lead, article_id)
        _unindex(self._by_title_word, item.fingerprint.title_words, article_id)


def _unindex(index: dict[_Key, set[int]], keys: Iterable[_Key], article_id: int) -> None:
    for key in keys:
        ids = index.get(key)
        if ids is not None:
            ids.discard(article_id)
            if not ids:
                del index[key]
