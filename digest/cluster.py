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

Two outlets' own write-ups of one event share few of these; for them a logistic model
over event signals (`digest.story_signals`, fitted on judged pairs) decides, on candidates
found by the article's rarest words (IDF from the ANT pool), only across outlets and
never where both leads name different Latin names. A rewrite match ranks above it.

Candidates come from inverted indexes (lead shingle -> articles, title word -> articles)
so that a new article is compared only with articles that share something with it, not
with the whole window. Hashes are CRC-32 (deterministic across processes); no clock is
read: times come from the articles themselves.
"""

from __future__ import annotations

import heapq
import math
import re
import zlib
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from itertools import pairwise
from typing import TypeVar

from .arabic import tokenize
from .relevance import light_stem
from .story_followup import FollowUpGuard, contradicts
from .story_signals import EventProfile, EventSignals, cosine, features, names_conflict

_Key = TypeVar("_Key", int, str)

LEAD_WORDS = 60
LEAD_CHARS = 600  # where event numbers are looked for
EVENT_MIN = 0.35  # IDF cosine of lead words for independently written reports...
EVENT_HOURS = 12.0  # ...published at most this far apart
RARE_WORD_POSTINGS = 30
NORM_REFRESH = 500  # a lead word this rare helps find candidates
_YEAR = re.compile(r"^(19|20)\d\d$")
MAX_BODY_WORDS = 600  # longer bodies add little to the resemblance estimate
MAX_BODY_CHARS = 8000  # ...and are not read further (600 content words: <= 5,100 in ANT)
SKETCH_SIZE = 64
MAX_POSTINGS = 400  # a shingle or title word shared by more articles is not a signal
MAX_CANDIDATES = 10  # verified per new article, most shared keys first
MIN_SHARED_KEYS = 3  # lead shingles + title words a candidate must share
_STEM_CACHE_LIMIT = 100_000
# Independently written reports (issue #14): candidates found by the pool-rare words
# they share, judged by the fitted event model (digest.story_signals).
PROFILE_CHARS = 400  # body characters whose Latin names and numbers the model sees
EVENT_CANDIDATES = 4  # checked by the model per new article, most shared rarity first
EVENT_CANDIDATE_MIN_IDF = 3.0  # a word in more than ~5 % of pool articles finds nothing
EVENT_POSTINGS = 100  # nor does a word that many window articles share
EVENT_QUERY_WORDS = 24  # the article's rarest words looked up for candidates
EVENT_MIN_SHARED = 2.0 * EVENT_CANDIDATE_MIN_IDF  # summed IDF a candidate must share
# LSA cosine below which the model is not asked: of the 673 tune pairs none that the
# model joins is under 0.6 (median of all pairs 0.80), and most window candidates are.
EVENT_MIN_MEANING = 0.5

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


_NEGATORS = frozenset(("لم", "لن"))  # always verbal negation (normalised spelling)
_NEGATOR_LA = "لا"  # verbal only before an imperfect verb («لا يريد»), not «لا حرب»
_IMPERFECT = ("ي", "ت", "ن", "ا")  # the imperfect's prefixes (أ normalised to ا)


def _negated(title: str, stems: dict[str, str] | None) -> frozenset[str]:
    """Stems of the title's words that follow a verbal negator («لم يسلم نفسه», «لا
    يريد»): a headline that says something did not happen, for the follow-up guard.
    «لا» before a noun («لا حرب تجارية») denies a thing, not an action another headline
    states (a tune pair: «تستبعد نشوب حرب» / «لا حرب», one statement), so it is not
    counted."""
    tokens = tokenize(title)
    out = set()
    for before, token in pairwise(tokens):
        if before in _NEGATORS or (before == _NEGATOR_LA and token.startswith(_IMPERFECT)):
            out.update(content_words(token, stems))
    return frozenset(out)


def _hash(text: str) -> int:
    return zlib.crc32(text.encode("utf-8"))


def _shingles(hashes: list[int]) -> set[int]:
    """Word-bigram shingles from per-word hashes (a single word is its own shingle)."""
    if len(hashes) < 2:
        return set(hashes)
    return {(a * 1_000_003 ^ b) & 0xFFFFFFFF for a, b in pairwise(hashes)}


def _numbers(text: str) -> set[str]:
    """Numbers that identify an event (39 workers, 116 arrests); not years, not 1 digit."""
    return {
        token
        for token in tokenize(text)
        if token.isdigit() and 2 <= len(token) <= 9 and not _YEAR.match(token)
    }


@dataclass(frozen=True)
class StoryFingerprint:
    """What the clusterer keeps of an article."""

    title_words: frozenset[str]
    lead: frozenset[int]
    sketch: frozenset[int]  # the k smallest body shingle hashes (bottom-k MinHash)
    words: frozenset[str] = frozenset()  # title + lead content words and numbers
    negated: frozenset[str] = frozenset()  # title stems right after لم / لن / لا

    @classmethod
    def of(cls, title: str, text: str, stems: dict[str, str] | None = None) -> StoryFingerprint:
        title_words = content_words(title, stems)
        body_words = content_words(text[:MAX_BODY_CHARS], stems)[:MAX_BODY_WORDS]
        title_hashes = [_hash(word) for word in title_words]
        body_hashes = [_hash(word) for word in body_words]
        lead = _shingles(title_hashes) | _shingles(body_hashes[:LEAD_WORDS])
        body = _shingles(body_hashes) or lead
        words = set(title_words) | set(body_words[:LEAD_WORDS])
        words |= _numbers(title + " " + text[:LEAD_CHARS])
        return cls(
            frozenset(title_words),
            frozenset(lead),
            frozenset(heapq.nsmallest(SKETCH_SIZE, body)),
            frozenset(words),
            _negated(title, stems),
        )


@dataclass(frozen=True)
class Similarity:
    lead: float
    body: float
    title: float
    rare_title: float = 0.0  # title overlap weighted by word rarity (IDF in the window)
    shared_title_words: int = 0
    event: float = 0.0  # IDF-weighted cosine of title + lead words and numbers
    hours_apart: float | None = None

    def same_story(self) -> bool:
        """The decision rule (see digest.eval.clusters for how it was measured).

        A rewrite keeps the lead or most of the body; an outlet that wrote its own text
        about the same event shares most of the rare words of the headline, or many rare
        words and numbers of the lead within a few hours."""
        return self.rewrite() or (
            self.event >= EVENT_MIN
            and self.hours_apart is not None
            and self.hours_apart <= EVENT_HOURS
        )

    def rewrite(self) -> bool:
        """The rules for one text rewritten (shared lead, body or most of the headline)."""
        if self.lead >= 0.5 or self.body >= 0.45:
            return True
        if self.title >= 0.5 and (self.lead >= 0.25 or self.body >= 0.2):
            return True
        return self.rare_title >= 0.68 and self.shared_title_words >= 4

    @property
    def strength(self) -> float:
        return max(self.lead, self.body, self.event) + 0.5 * max(self.title, self.rare_title)


def _overlap(a: frozenset[object], b: frozenset[object]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def sketch_jaccard(a: StoryFingerprint, b: StoryFingerprint) -> float:
    """Bottom-k estimate: of the k smallest hashes of the union, the share in both."""
    size = min(len(a.sketch), len(b.sketch))
    both = a.sketch & b.sketch
    if not both:
        return 0.0
    threshold = sorted(a.sketch | b.sketch)[size - 1]
    return sum(1 for value in both if value <= threshold) / size


def _weighted(words: frozenset[str], weight: Callable[[str], float]) -> float:
    return sum(map(weight, words))


def similarity(
    a: StoryFingerprint,
    b: StoryFingerprint,
    idf: Callable[[str], float] | None = None,
    *,
    word_idf: Callable[[str], float] | None = None,
    hours_apart: float | None = None,
    norm_a: float | None = None,
    norm_b: float | None = None,
) -> Similarity:
    """Compare two fingerprints. `idf` weighs title words and `word_idf` lead words
    (all 1.0 when not given); `hours_apart` is the gap between their publication times.
    The lead-word cosine (`event`) is only computed when it can decide: articles at most
    EVENT_HOURS apart that the other signals do not already join. `norm_a` may pass the
    precomputed weight of `a.words`, `norm_b` that of `b.words`."""
    weight = idf or _uniform
    shared = a.title_words & b.title_words
    rare = 0.0
    if shared:
        smaller = min(_weighted(a.title_words, weight), _weighted(b.title_words, weight))
        rare = _weighted(shared, weight) / smaller if smaller else 0.0
    score = Similarity(
        lead=_overlap(a.lead, b.lead),
        body=sketch_jaccard(a, b),
        title=_overlap(a.title_words, b.title_words),
        rare_title=rare,
        shared_title_words=len(shared),
        hours_apart=hours_apart,
    )
    if hours_apart is None or hours_apart > EVENT_HOURS or score.same_story():
        return score
    common = a.words & b.words
    if not common:
        return score
    lead_weight = word_idf or _uniform
    if norm_a is None:
        norm_a = _weighted(a.words, lead_weight)
    if norm_b is None:
        norm_b = _weighted(b.words, lead_weight)
    norm = math.sqrt(norm_a * norm_b)
    return replace(score, event=_weighted(common, lead_weight) / norm if norm else 0.0)


def _uniform(word: str) -> float:
    return 1.0


@dataclass(frozen=True)
class _Stored:
    article_id: int
    cluster_id: int
    published: datetime | None
    fingerprint: StoryFingerprint
    profile: EventProfile | None
    source: str | None = None


class StoryClusterer:
    """Assigns each new article to the cluster of an earlier article of the same story
    within `window`, keeping at most `max_items` recent articles. Pure and deterministic:
    the same sequence of `add` calls gives the same cluster ids. Not thread-safe: one
    pipeline owns it."""

    def __init__(
        self,
        window: timedelta = timedelta(days=2),
        max_items: int = 3000,
        signals: EventSignals | None = None,
        follow_up: FollowUpGuard | None = None,
    ) -> None:
        """`signals`: pool tables, LSA vectors and the event model for independently
        written reports (`EventSignals.shipped()`); None (the default): only the
        rewrite rules and the window's lead-word rule. Out of fold in the stream on the
        1,146 tune pairs (each fold's own model and guard) it adds 15 of 591 same-event
        joins to the rules' 248 but 3 different pairs to their 10 (apart 0.977, under the
        0.98 floor) and costs ~0.5 ms more per add, so the bot does not use it
        (docs/stories.md). `follow_up`: the guard that keeps a report
        and its sequel apart (`digest.story_followup`; the bot passes
        `FollowUpGuard.shipped()`), applied to every join, the model's included; None:
        no guard."""
        if max_items < 1:
            raise ValueError("max_items must be at least 1")
        self.window = window
        self.max_items = max_items
        self.signals = signals
        self.follow_up = follow_up
        self._items: OrderedDict[int, _Stored] = OrderedDict()
        self._by_shingle: dict[int, set[int]] = {}
        self._by_title_word: dict[str, set[int]] = {}
        self._by_word: dict[str, set[int]] = {}
        # Lead-word weight of each stored article, refreshed every NORM_REFRESH additions
        # (document frequencies drift slowly; recomputing per comparison is the hot spot).
        self._norms: dict[int, tuple[int, float]] = {}
        self._added = 0
        self._stems: dict[str, str] = {}
        self._skeletons: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self._items)

    def add(
        self,
        article_id: int,
        title: str,
        text: str,
        published: datetime | None,
        source: str | None = None,
    ) -> int:
        """Remember an article; returns its cluster id: the article id of the first story
        of its cluster (its own id when it is a new story). Adding an id again returns
        the cluster it already has. `source` names the outlet (any stable string, e.g.
        the feed's host): the event model only joins reports of two different outlets
        (None: unknown, treated as different)."""
        known = self._items.get(article_id)
        if known is not None:
            return known.cluster_id
        fingerprint, profile = self.fingerprint(title, text)
        match = self.best_match(fingerprint, published, profile, source)
        cluster_id = match.cluster_id if match is not None else article_id
        self._store(_Stored(article_id, cluster_id, published, fingerprint, profile, source))
        return cluster_id

    def fingerprint(self, title: str, text: str) -> tuple[StoryFingerprint, EventProfile | None]:
        """What the clusterer keeps of an article: rewrite fingerprint and event profile
        (None without the event model)."""
        fingerprint = StoryFingerprint.of(title, text, self._stems)
        if self.signals is None:
            return fingerprint, None
        profile = EventProfile.of(
            fingerprint.title_words,
            fingerprint.words,
            tokenize(title) + tokenize(text[:PROFILE_CHARS]),
            self.signals,
            self._skeletons,
        )
        return fingerprint, profile

    def best_match(
        self,
        fingerprint: StoryFingerprint,
        published: datetime | None,
        profile: EventProfile | None = None,
        source: str | None = None,
    ) -> _Stored | None:
        """The most similar stored article of the same story, if any: a rewrite by the
        rules of `Similarity.same_story`, or (with `profile`, dates on both sides and two
        different sources) an independent report of the same event by the event model.
        The model was fitted on pairs from two outlets; two articles of one outlet about
        one subject are mostly a story and its follow-up, which it must not join."""
        title_weights: dict[str, float] = {}
        word_weights: dict[str, float] = {}
        stored = len(self._items) + 1
        own_norm: float | None = None

        def idf(word: str) -> float:
            value = title_weights.get(word)
            if value is None:
                count = len(self._by_title_word.get(word, ()))
                value = title_weights[word] = math.log(1.0 + stored / (count + 1))
            return value

        def word_idf(word: str) -> float:
            value = word_weights.get(word)
            if value is None:
                count = len(self._by_word.get(word, ()))
                value = word_weights[word] = math.log(1.0 + stored / (count + 1))
            return value

        # Rewrites rank above independent reports (tier 1 vs 0): once a rewrite is found
        # the event candidates and the model, the costly part, are skipped.
        best: tuple[int, float, int] | None = None
        best_item: _Stored | None = None

        def consider(candidate_id: int, lead_rule: bool) -> None:
            """`lead_rule`: also try the window-IDF lead cosine rule (`event`); the
            event candidates are judged by the rewrite rules and the model only."""
            nonlocal best, best_item, own_norm
            item = self._items[candidate_id]
            if not self._in_window(item.published, published):
                return
            hours = None
            if published is not None and item.published is not None:
                hours = abs((published - item.published).total_seconds()) / 3600
            if lead_rule and hours is not None and hours <= EVENT_HOURS and own_norm is None:
                own_norm = sum(map(word_idf, fingerprint.words))
            score = similarity(
                fingerprint,
                item.fingerprint,
                idf,
                word_idf=word_idf,
                hours_apart=hours if lead_rule else None,
                norm_a=own_norm,
                norm_b=self._norm(item, word_idf) if lead_rule else None,
            )
            strength, tier = score.strength, 0
            if score.rewrite():
                tier = 1
            elif (
                profile is not None
                and item.profile is not None
                and names_conflict(profile, item.profile)
            ):
                return  # two products or two teams, however alike the wording
            elif not score.same_story():
                if (
                    self.signals is None
                    or profile is None
                    or item.profile is None
                    or hours is None
                    or (best is not None and best[0] == 1)
                ):
                    return
                if source and source == item.source:
                    return
                if cosine(profile.meaning, item.profile.meaning) < EVENT_MIN_MEANING:
                    return  # cheap gate before the model (see EVENT_MIN_MEANING)
                signals = features(profile, item.profile, hours, score.body, self.signals)
                probability = self.signals.model.probability(signals)
                if probability < self.signals.model.threshold:
                    return
                strength = max(strength, probability)
            if self.follow_up is not None and self._follow_up(
                fingerprint, published, item, hours, max(score.lead, score.body)
            ):
                return
            # Strongest first; among equals the earliest (smallest id) for determinism.
            key = (tier, strength, -candidate_id)
            if best is None or key > best:
                best, best_item = key, item

        candidates = self._candidates(fingerprint)
        for candidate_id in candidates:
            consider(candidate_id, lead_rule=True)
        if profile is not None and published is not None and (best is None or best[0] == 0):
            seen = set(candidates)
            for candidate_id in self._event_candidates(fingerprint, profile):
                if candidate_id not in seen:
                    consider(candidate_id, lead_rule=False)
        return best_item

    def _follow_up(
        self,
        fingerprint: StoryFingerprint,
        published: datetime | None,
        item: _Stored,
        hours: float | None,
        copied: float,
    ) -> bool:
        """The follow-up guard's veto on joining this article to `item` (the later
        one's headline against the earlier one's title + lead)."""
        assert self.follow_up is not None
        if published is not None and item.published is not None and published < item.published:
            later, earlier = item.fingerprint, fingerprint
        else:
            later, earlier = fingerprint, item.fingerprint
        if self.follow_up.keeps_apart(later.title_words, earlier.words, hours, copied):
            return True
        if self.follow_up.polarity and contradicts(
            later.title_words, later.negated, earlier.title_words, earlier.negated
        ):
            return True
        head = self._items.get(item.cluster_id)
        if not self.follow_up.story_head or head is None or head is item:
            return False
        # Joined through another article: the story's first report must not be one
        # this article follows up either.
        hours = None
        if published is not None and head.published is not None:
            hours = abs((published - head.published).total_seconds()) / 3600
        return self.follow_up.keeps_apart(
            fingerprint.title_words, head.fingerprint.words, hours, copied
        )

    def _norm(self, item: _Stored, word_idf: Callable[[str], float]) -> float:
        generation = self._added // NORM_REFRESH
        cached = self._norms.get(item.article_id)
        if cached is None or cached[0] != generation:
            cached = (generation, sum(map(word_idf, item.fingerprint.words)))
            self._norms[item.article_id] = cached
        return cached[1]

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
        for word in fingerprint.words - fingerprint.title_words:
            ids = self._by_word.get(word)
            if ids and len(ids) <= RARE_WORD_POSTINGS:
                shared.update(ids)
        ranked = heapq.nsmallest(
            MAX_CANDIDATES,
            (item for item in shared.items() if item[1] >= MIN_SHARED_KEYS),
            key=lambda kv: (-kv[1], kv[0]),
        )
        return [article_id for article_id, _ in ranked]

    def _event_candidates(self, fingerprint: StoryFingerprint, profile: EventProfile) -> list[int]:
        """Stored articles sharing the most pool-rare title + lead words with this one
        (summed IDF, from the profile's weights), for reports that share words but
        hardly any word pairs."""
        idf = profile.weights
        shared: dict[int, float] = {}
        get = shared.get
        # The rarest words only: they find the same event, and they bound the work.
        rarest = heapq.nlargest(
            EVENT_QUERY_WORDS, ((idf[word], word) for word in fingerprint.words if word in idf)
        )
        for weight, word in rarest:
            if weight < EVENT_CANDIDATE_MIN_IDF:
                break
            ids = self._by_word.get(word)
            if not ids or len(ids) > EVENT_POSTINGS:
                continue
            for article_id in ids:
                shared[article_id] = get(article_id, 0.0) + weight
        ranked = heapq.nsmallest(
            EVENT_CANDIDATES,
            (item for item in shared.items() if item[1] >= EVENT_MIN_SHARED),
            key=lambda kv: (-kv[1], kv[0]),
        )
        return [article_id for article_id, _ in ranked]

    def _store(self, item: _Stored) -> None:
        self._items[item.article_id] = item
        self._added += 1
        for shingle in item.fingerprint.lead:
            self._by_shingle.setdefault(shingle, set()).add(item.article_id)
        for word in item.fingerprint.title_words:
            self._by_title_word.setdefault(word, set()).add(item.article_id)
        for word in item.fingerprint.words:
            self._by_word.setdefault(word, set()).add(item.article_id)
        while len(self._items) > self.max_items:
            self._remove(next(iter(self._items)))

    def _remove(self, article_id: int) -> None:
        item = self._items.pop(article_id)
        self._norms.pop(article_id, None)
        _unindex(self._by_shingle, item.fingerprint.lead, article_id)
        _unindex(self._by_title_word, item.fingerprint.title_words, article_id)
        _unindex(self._by_word, item.fingerprint.words, article_id)


def _unindex(index: dict[_Key, set[int]], keys: Iterable[_Key], article_id: int) -> None:
    for key in keys:
        ids = index.get(key)
        if ids is not None:
            ids.discard(article_id)
            if not ids:
                del index[key]
