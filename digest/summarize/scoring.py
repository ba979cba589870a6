"""What the extractive summarizer scores sentences with: the inclusion model (how
likely a human extract keeps a sentence), the candidates' features, the scoring terms
of tokens (stemmed, stopwords left out) and the search's state (`Coverage`: each
candidate's expected gain in clipped unigram overlap with such an extract).

Pure functions and small value types; `digest.summarize.extractive` runs the search."""

from __future__ import annotations

import collections
import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from ..arabic import tokenize
from ..sentences import Sentence

__all__ = [
    "STOPWORDS",
    "TIE",
    "Candidate",
    "Coverage",
    "Features",
    "InclusionModel",
    "TermCache",
    "content_tokens",
    "shortlist",
    "stem_token",
    "word_counts",
]

# log1p of small whole numbers (positions, counts), looked up instead of computed: the
# same floats, at a fraction of the cost of two calls per sentence
_LOG1P_TABLE = 512
_LOG1P = tuple(math.log1p(n) for n in range(_LOG1P_TABLE))


@dataclass(frozen=True)
class InclusionModel:
    """How likely a human extract is to keep a sentence: a logistic model over its
    position, length, similarity to the headline and centrality. The coefficients were
    fit on the tune half of EASC dev by ``bench/fit_inclusion.py`` (the report half was
    not read). Position is smooth on purpose: EASC annotators' every-other-sentence
    habit is an artefact of that corpus, not of news."""

    bias: float = -0.91
    first: float = 0.56  # the lead sentence
    log_position: float = -0.12  # per log(1 + position among candidates)
    relative_position: float = -1.17  # position / number of candidates
    log_count: float = 0.0  # log(1 + number of candidates)
    length: float = 0.11  # per min(tokens, 80) / 40
    # similarity to the title (to the lead sentence when untitled); its likelihood fit,
    # not searched: EASC has no titles
    headline: float = 0.57
    centrality: float = 1.63  # how much the sentence's terms recur in the others
    # Length of the expected extract the summary is matched against, as a share of the
    # article (set by the search; EASC's references keep about a third).
    extract_share: float = 0.21
    min_tokens: int = 4  # sentences with fewer content tokens are not candidates

    def probability(self, f: Features, count: int) -> float:
        """P(a human extract keeps the sentence), for one of `count` candidates."""
        index = f.rank_index
        z = (
            self.bias
            + self.first * (index == 0)
            + self.log_position * (_LOG1P[index] if index < _LOG1P_TABLE else math.log1p(index))
            + self.relative_position * index / count
            + self.log_count * (_LOG1P[count] if count < _LOG1P_TABLE else math.log1p(count))
            + self.length * min(f.tokens, 80) / 40
            + self.headline * f.headline_sim
            + self.centrality * f.centrality
        )
        return 1.0 / (1.0 + math.exp(-z))

    def probabilities(self, features: Sequence[Features]) -> list[float]:
        """`probability(f, len(features))` of each of `features` (an article's
        candidates): the same sums in the same order, so the same floats, with the
        coefficients and the article's constant terms looked up once, not per sentence."""
        count = len(features)
        exp = math.exp
        bias, first, log_position = self.bias, self.first, self.log_position
        relative_position, length = self.relative_position, self.length
        headline, centrality = self.headline, self.centrality
        by_count = self.log_count * (_LOG1P[count] if count < _LOG1P_TABLE else math.log1p(count))
        out: list[float] = []
        for f in features:
            index = f.rank_index
            z = (
                bias
                + first * (index == 0)
                + log_position * (_LOG1P[index] if index < _LOG1P_TABLE else math.log1p(index))
                + relative_position * index / count
                + by_count
                + length * min(f.tokens, 80) / 40
                + headline * f.headline_sim
                + centrality * f.centrality
            )
            out.append(1.0 / (1.0 + exp(-z)))
        return out


class Features(NamedTuple):
    """What a candidate sentence's inclusion probability is computed from.
    A NamedTuple, not a dataclass: dozens are built per article and this is hot."""

    sentence: Sentence
    rank_index: int  # position among candidates
    # cosine of the sets of content terms with the title's; untitled: with the lead
    # sentence's (0 for the lead itself)
    headline_sim: float
    # for each of its content terms, the share of the other sentences holding it; mean
    centrality: float
    content_terms: int
    tokens: int  # all word tokens (for length budgets)
    words: list[str]  # the sentence's normalised tokens


class Candidate(NamedTuple):
    """A sentence with the probability that a human extract keeps it."""

    features: Features
    probability: float

    @property
    def sentence(self) -> Sentence:
        return self.features.sentence

    @property
    def tokens(self) -> int:
        return self.features.tokens


# Without a token budget (3-5 bullets), only this many of the likeliest sentences are
# searched: on EASC's tune half ROUGE-1 is the same within 0.3, at about half the cost.
_SHORTLIST = 12
_MAX_CACHED_TERMS = 200_000
# Search values closer than this are a tie (the earlier candidate wins): far above the
# rounding noise of sums of a few hundred terms below 1 (~1e-15), far below any real
# difference between two sentences' values.
TIE = 1e-12
# Counts beyond this are not modelled (a summary rarely repeats a word more often).
_MAX_COUNT = 12
# the C helper behind `Counter.update` (collections defines a pure-Python one where the
# C module lacks it): counts an iterable's items into a mapping
_count_elements: Callable[[dict[str, int], Iterable[str]], None] = collections._count_elements  # type: ignore[attr-defined]


def word_counts(words: Iterable[str]) -> dict[str, int]:
    """`dict(Counter(words))`: how often each word occurs, counted into a plain dict by
    the C helper behind `Counter.update` (in CPython's `collections`, with a pure-Python
    fallback there), without `Counter`'s constructor and its abstract-base-class check
    of the argument, which cost about three times the counting of a sentence's words."""
    counts: dict[str, int] = {}
    _count_elements(counts, words)
    return counts


def _shared_tails(
    postings: dict[str, list[tuple[int, int]]], probabilities: Sequence[float]
) -> dict[str, list[float]]:
    """For each word w found in several sentences (postings: word -> [(sentence number,
    count in it), ...]): [P(R_w >= 1), P(R_w >= 2), ...], where R_w is how often w occurs
    in a random extract that keeps sentence i with probability p_i, independently.

    Such words (function words, the article's main names) get the tail of a Poisson law
    with the same mean: on EASC's tune half this scores like the exact Poisson-binomial
    sums (within 0.2 ROUGE-1) at a fraction of the cost. (A word of one sentence needs
    no tail: its P(R >= k) is that sentence's p up to its count, see `Coverage`.)"""
    tails: dict[str, list[float]] = {}
    exp = math.exp
    for word, where in postings.items():
        if len(where) == 2 and where[0][1] == 1 and where[1][1] == 1:
            # most shared words: once in each of two sentences. The loop below, unrolled
            # (the same operations in the same order, so the same floats)
            mean = 0.0 + probabilities[where[0][0]] + probabilities[where[1][0]]
            term = exp(-mean)
            if term > 0.999:
                tails[word] = []
            else:
                second = term + term * mean
                tails[word] = [1.0 - term] if second > 0.999 else [1.0 - term, 1.0 - second]
            continue
        mean = 0.0
        total = 0
        for i, count in where:
            mean += probabilities[i] * count
            total += count
        term = exp(-mean)
        below = term
        tail: list[float] = []
        for k in range(1, min(_MAX_COUNT, total) + 1):
            if below > 0.999:
                break  # the rest of the tail is negligible: a shorter list is faster
            tail.append(1.0 - below)
            term *= mean / k
            below += term
        tails[word] = tail
    return tails


def _gain(
    items: Iterable[tuple[str, int]], have: Mapping[str, int], tails: dict[str, list[float]]
) -> float:
    """Expected extra overlap (clipped unigram matches) from adding these word counts
    to a summary that already holds `have` (absent words: none)."""
    total = 0.0
    for word, count in items:
        tail = tails.get(word)
        if tail:
            held = have.get(word, 0)
            total += sum(tail[held : held + count])
    return total


def shortlist(candidates: Sequence[Candidate]) -> list[Candidate]:
    """The `_SHORTLIST` likeliest candidates, in article order: what a search without a
    token budget looks at. A few bullets from a long article: the least likely sentences
    almost never win, and leaving them out roughly halves the cost."""
    if len(candidates) <= _SHORTLIST:
        return list(candidates)
    probabilities = [c.probability for c in candidates]
    # heapq.nlargest is documented as this sort (ties: the earlier sentence first);
    # the sort with a C key function is cheaper than nlargest calling a lambda
    by_probability = sorted(range(len(candidates)), key=probabilities.__getitem__, reverse=True)
    return [candidates[i] for i in sorted(by_probability[:_SHORTLIST])]


class Coverage:
    """The search's state: each candidate's expected gain in clipped unigram overlap if
    it were added now, kept up to date as sentences are chosen.

    A word found in one sentence only adds p_i per occurrence to that sentence's gain,
    whatever else is chosen, so only words shared by sentences need tails and updates
    (choosing a sentence changes the gains of just the candidates sharing its words)."""

    def __init__(self, texts: Sequence[Sequence[str]], probabilities: Sequence[float]) -> None:
        self.texts = texts
        self.probabilities = probabilities
        # plain dicts (`word_counts`): one per candidate, Counter's constructor would cost more
        # than the counting
        self.counters = counters = list(map(word_counts, texts))
        seen: set[str] = set()
        shared: set[str] = set()
        for counter in counters:
            # in-place set methods keep this in C; `seen |= counter.keys()` would copy
            # the growing set on every sentence
            shared.update(seen.intersection(counter))
            seen.update(counter)
        self.shared = shared
        self.shared_in = [shared.intersection(counter) for counter in counters]
        postings: dict[str, list[tuple[int, int]]] = {word: [] for word in shared}
        # each candidate's counts of its shared words, in the order its set yields them
        # (read in C once, for the postings and for the gains below)
        shared_counts = [
            list(map(counter.__getitem__, words))
            for counter, words in zip(counters, self.shared_in, strict=True)
        ]
        for i, (words, counts) in enumerate(zip(self.shared_in, shared_counts, strict=True)):
            for word, count in zip(words, counts, strict=True):
                postings[word].append((i, count))
        self.postings = postings
        self.tails = tails = _shared_tails(postings, probabilities)
        # shared words' counts in the summary so far (a dict, not a Counter: `get` runs
        # in C, a Counter's missing key calls Python's __missing__)
        self.have: dict[str, int] = {}
        self.gains: list[float] = []
        for i, (words, counts) in enumerate(zip(self.shared_in, shared_counts, strict=True)):
            gain = 0.0
            for word, count in zip(words, counts, strict=True):
                tail = tails[word]
                # most shared words occur once in a sentence: skip the slice and sum
                gain += tail[0] if count == 1 and tail else sum(tail[:count])
            # the tokens of words no other candidate holds (an int: exact in any order)
            single = len(texts[i]) - sum(counts)
            self.gains.append(gain + probabilities[i] * single)

    def prefix_gain(self, i: int, tokens: int) -> float:
        """The gain of only the first `tokens` tokens of candidate i."""
        part = Counter(self.texts[i][:tokens])
        shared = [(word, n) for word, n in part.items() if word in self.shared]
        single = sum(part.values()) - sum(n for _, n in shared)
        return _gain(shared, self.have, self.tails) + self.probabilities[i] * single

    def choose(self, chosen: int) -> None:
        """Add candidate `chosen` to the summary and update the others' gains."""
        have, gains, tails, postings = self.have, self.gains, self.tails, self.postings
        counter = self.counters[chosen]
        for word in self.shared_in[chosen]:
            added = counter[word]
            held = have.get(word, 0)
            have[word] = now = held + added
            tail = tails[word]
            size = len(tail)
            if held >= size:
                continue  # the word's expected matches are used up already
            # what a sentence holding the word once loses (most postings): computed once
            once = tail[held] - (tail[now] if now < size else 0.0)
            for i, count in postings[word]:
                if count == 1:
                    gains[i] -= once
                else:
                    gains[i] -= sum(tail[held : held + count]) - sum(tail[now : now + count])


_AR_STOPWORDS_RAW = """
في من على إلى الى عن مع أن ان إن لا ما لم لن قد كان كانت يكون تكون هو هي هم هن هذا هذه ذلك
تلك هؤلاء التي الذي الذين اللذين اللتين اللاتي كل بعض غير بين حتى أو او ثم كما لكن بل إذا اذا
حيث عند عندما منذ خلال بعد قبل أي اي أيضا ايضا فقط جدا تم وقد وكان وكانت وهو وهي وفي ومن وعلى
وإلى وان وأن وإن ولا ولم ذات ذو هناك هنا كذلك إلا الا أما اما لدى لقد فيه فيها منه منها عليه
عليها إليه به بها له لها لهم عنه عنها أنه انه أنها انها إنه انها وقال قال قالت يمكن وذلك وهذا
ضمن نحو مثل دون لدي ليس ليست عام أكثر اكثر أقل اقل حول عبر تحت فوق أمام لأن لان بأن بان كأن
ف و ب ل ك يا نحن أنا انت أنت هما وما وهذه فإن فان مما بما كلما سوف سي أمس اليوم
"""
_EN_STOPWORDS_RAW = """
a an the and or but if then of to in on at by for with from as is are was were be been being
it its this that these those he she they we you i his her their our your not no do does did
has have had will would can could should may might also than so such into about over after
before under more most other some any each which who whom whose what when where why how all
there here said says just only very up out new one two
"""
# Function words (Arabic and English, normalised tokens): they have no scoring term, and
# references.py, leaning.py and anchors.py pass them over as no name or anchor word
STOPWORDS = frozenset(tokenize(_AR_STOPWORDS_RAW) + tokenize(_EN_STOPWORDS_RAW))

_AR_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال")


@lru_cache(maxsize=1 << 16)
def stem_token(token: str) -> str:
    """Light prefix stripping so that "الشركة" and "والشركة" match: the token without a
    leading «وال/بال/كال/فال/لل/ال» when at least three letters are left, otherwise the
    token itself. The scoring term of a content token, and the key under which
    references.py and leaning.py compare names."""
    for prefix in _AR_PREFIXES:
        if token.startswith(prefix) and len(token) - len(prefix) >= 3:
            return token[len(prefix) :]
    return token


def content_tokens(text: str) -> list[str]:
    """Stemmed tokens without stopwords, for similarity scoring."""
    return _content(tokenize(text))


@lru_cache(maxsize=1 << 16)
def _content_term(token: str) -> str:
    """The scoring term of a token, or "" for stopwords and one-letter tokens."""
    if token in STOPWORDS or len(token) < 2:
        return ""
    return stem_token(token)


def _content(words: Sequence[str]) -> list[str]:
    # map() over the cached function and filter() keep the per-token work in C
    return list(filter(None, map(_content_term, words)))


class TermCache(dict[str, str]):
    """token -> scoring term ("" for stopwords and one-letter tokens), filled on first
    use: `__getitem__` stays the dict's C lookup, and only a token not seen before
    runs Python. Bounded: a bot runs for months."""

    def __missing__(self, word: str) -> str:
        if len(self) > _MAX_CACHED_TERMS:
            self.clear()
        term = self[word] = _content_term(word)
        return term
