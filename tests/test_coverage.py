"""The extractive summarizer's search: expected ROUGE-1 against a random human extract."""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Sequence

from hypothesis import example, given, settings
from hypothesis import strategies as st

from digest.arabic import tokenize
from digest.sentences import Sentence
from digest.summarize.connectives import strip_connective
from digest.summarize.extractive import ExtractiveSummarizer, _tokens_after_edit
from digest.summarize.scoring import (
    _MAX_CACHED_TERMS,
    TIE,
    Candidate,
    Features,
    InclusionModel,
    _gain,
    _shared_tails,
    content_tokens,
)


def _candidates(words: Sequence[Sequence[str]], probabilities: Sequence[float]) -> list[Candidate]:
    out = []
    for index, (tokens, p) in enumerate(zip(words, probabilities, strict=True)):
        sentence = Sentence(" ".join(tokens) + ".", index=index, paragraph=0, terminated=True)
        features = Features(sentence, index, 0.0, 0.0, len(tokens), len(tokens), list(tokens))
        out.append(Candidate(features, p))
    return out


def _tails(
    probabilities: Sequence[float], counts: Sequence[Counter[str]]
) -> dict[str, list[float]]:
    """The tails of every word, as the search's state (`Coverage`) keeps them implicitly:
    [P(R_w >= 1), P(R_w >= 2), ...] for R_w, how often w occurs in a random extract that
    keeps sentence i with probability p_i. Exact for a word of one sentence (p up to
    its count); a Poisson law with the same mean for words of several sentences."""
    postings: dict[str, list[tuple[int, int]]] = {}
    for i, counter in enumerate(counts):
        for word, count in counter.items():
            postings.setdefault(word, []).append((i, count))
    tails = _shared_tails(
        {word: where for word, where in postings.items() if len(where) > 1}, probabilities
    )
    for word, where in postings.items():
        if len(where) == 1:
            i, count = where[0]
            tails[word] = [probabilities[i]] * count
    return tails


def test_tails_of_a_word_in_one_sentence_are_its_probability() -> None:
    tails = _tails([0.3, 0.8], [Counter({"a": 2, "b": 1}), Counter({"c": 1})])
    assert tails == {"a": [0.3, 0.3], "b": [0.3], "c": [0.8]}


def test_tails_of_a_recurring_word_follow_a_poisson_law_with_its_mean() -> None:
    tails = _tails([0.5, 0.5], [Counter({"w": 1}), Counter({"w": 1})])
    # mean 1: P(R >= 1) = 1 - e^-1, P(R >= 2) = 1 - 2 e^-1; R never exceeds 2 counts
    assert len(tails["w"]) == 2
    assert math.isclose(tails["w"][0], 1 - math.exp(-1))
    assert math.isclose(tails["w"][1], 1 - 2 * math.exp(-1))


def _expected_overlap_by_enumeration(
    chosen: Sequence[int], words: Sequence[Sequence[str]], probabilities: Sequence[float]
) -> float:
    """E[clipped unigram overlap] of the chosen sentences with an extract that keeps
    sentence i with probability p_i, by enumerating all 2^n extracts."""
    summary = Counter(w for i in chosen for w in words[i])
    total = 0.0
    for kept in itertools.product((0, 1), repeat=len(words)):
        weight = math.prod(p if k else 1 - p for p, k in zip(probabilities, kept, strict=True))
        extract = Counter(w for i, k in enumerate(kept) if k for w in words[i])
        total += weight * sum((summary & extract).values())
    return total


def test_search_matches_enumeration_when_words_are_not_shared() -> None:
    # no word occurs in two sentences, so the tails are exact and the greedy search must
    # pick what enumerating every possible extract says is best at each step
    words = [
        ["a1", "a2", "a3", "a4"],
        ["b1", "b2", "b3", "b4", "b5", "b6", "b7", "b8"],
        ["c1", "c1", "c2", "c3", "c4"],
        ["d1", "d2", "d3"],
        ["e1", "e2", "e3", "e4", "e5", "e6"],
    ]
    probabilities = [0.9, 0.3, 0.6, 0.5, 0.4]
    summarizer = ExtractiveSummarizer(InclusionModel(extract_share=0.4))
    order = list(summarizer.coverage_order(_candidates(words, probabilities)))
    expected_extract = 0.4 * sum(map(len, words))
    chosen: list[int] = []
    for step in order:
        used = sum(len(words[i]) for i in chosen)

        def value(i: int, used: int = used) -> float:
            overlap = _expected_overlap_by_enumeration([*chosen, i], words, probabilities)
            return overlap / (used + len(words[i]) + expected_extract)

        rest = [i for i in range(len(words)) if i not in chosen]
        assert step == max(rest, key=value)
        chosen.append(step)
    assert sorted(order) == list(range(len(words)))


def _reference_order(
    words: Sequence[Sequence[str]],
    probabilities: Sequence[float],
    share: float,
    max_tokens: int | None,
    refused: frozenset[int],
) -> list[int]:
    """The same greedy search written plainly: every gain recomputed at every step."""
    tails = _tails(probabilities, [Counter(w) for w in words])
    expected_extract = max_tokens if max_tokens is not None else share * sum(map(len, words))
    have: Counter[str] = Counter()
    overlap, used, order = 0.0, 0, []
    remaining = [i for i in range(len(words)) if words[i]]
    while remaining:
        values = []
        for i in remaining:
            size = len(words[i])
            if max_tokens is None:
                value = (overlap + _gain(Counter(words[i]).items(), have, tails)) / (
                    used + size + expected_extract
                )
            else:
                fits = min(size, max(1, max_tokens - used))
                value = _gain(Counter(words[i][:fits]).items(), have, tails) / fits
            values.append(value)
        # a tie within TIE (sums of the same terms in another order) goes to the
        # earlier sentence: the first value that no later one beats by more than TIE
        best_value = max(values)
        best = remaining.pop(next(k for k, v in enumerate(values) if v >= best_value - TIE))
        if best in refused:
            continue
        order.append(best)
        overlap += _gain(Counter(words[best]).items(), have, tails)
        have.update(words[best])
        used += len(words[best])
    return order


_VOCABULARY = st.sampled_from(["في", "من", "شركة", "ديب", "سيك", "نموذج", "a", "b", "c", "d"])


@settings(max_examples=60, deadline=None)
@given(
    words=st.lists(st.lists(_VOCABULARY, min_size=1, max_size=9), min_size=1, max_size=7),
    seed=st.integers(0, 10_000),
    budget=st.one_of(st.none(), st.integers(1, 30)),
    refuse=st.sets(st.integers(0, 6), max_size=2),
)
# an exact tie (each sentence: من twice, شركة, one word of its own, same p) that the
# plain recount, summing in word order, used to break by its last bit
@example(
    words=[["من", "شركة", "في", "من"], ["من", "من", "ديب", "شركة"]],
    seed=0,
    budget=None,
    refuse=set(),
)
def test_incremental_search_equals_the_plain_one(
    words: list[list[str]], seed: int, budget: int | None, refuse: set[int]
) -> None:
    probabilities = [((seed * (i + 3)) % 97) / 100 + 0.01 for i in range(len(words))]
    summarizer = ExtractiveSummarizer(InclusionModel(extract_share=0.3))
    order = list(
        summarizer.coverage_order(
            _candidates(words, probabilities),
            max_tokens=budget,
            accept=lambda i: i not in refuse,
        )
    )
    assert order == _reference_order(words, probabilities, 0.3, budget, frozenset(refuse))


def test_a_sentence_repeating_a_chosen_one_comes_after_a_new_one() -> None:
    words = [
        ["ديب", "سيك", "تطلق", "نموذجا", "جديدا"],
        ["ديب", "سيك", "تطلق", "نموذجا", "جديدا", "اليوم"],
        ["الأسهم", "تتراجع", "في", "الأسواق", "الأمريكية"],
    ]
    order = list(ExtractiveSummarizer().coverage_order(_candidates(words, [0.9, 0.6, 0.6])))
    # one of the near-duplicates first; then the new sentence before the other one
    assert order[0] in {0, 1}
    assert order[1] == 2


def test_inclusion_probability_falls_with_position_and_rises_with_headline_similarity() -> None:
    model = InclusionModel()
    sentence = Sentence("نص.", index=0, paragraph=0, terminated=True)

    def p(position: int, headline: float = 0.2) -> float:
        return model.probability(
            Features(sentence, position, headline, 0.3, 10, 20, ["نص"] * 20), count=20
        )

    by_position = [p(i) for i in range(20)]
    assert by_position == sorted(by_position, reverse=True)
    assert all(0.0 < value < 1.0 for value in by_position)
    assert p(5, headline=0.8) > p(5, headline=0.1)


_WORDS = st.sampled_from(
    [
        "وأوضح",
        "وقال",
        "كما",
        "وفي",
        "هذا",
        "السياق،",
        "الشركة",
        "DeepSeek",
        "GPT-4o",
        "3.5",
        "«نموذج»",
    ]
)


@settings(max_examples=200, deadline=None)
@given(words=st.lists(_WORDS, min_size=1, max_size=12))
def test_bullet_tokens_are_the_tokens_of_the_bullet_text(words: list[str]) -> None:
    # bullets reuse the sentence's tokens after a leading connective is dropped; they
    # must be exactly what tokenizing the bullet's own text gives
    sentence = " ".join(words) + "."
    summarizer = ExtractiveSummarizer()
    made = summarizer._bullet(sentence, "ar", tokenize(sentence))
    if made is not None:
        text, tokens = made
        assert tokens == tokenize(text)


def test_edited_start_reuses_the_tokens_of_the_rest() -> None:
    sentence = "وفي هذا السياق، أعلنت DeepSeek عن GPT-4o منافس."
    edited = strip_connective(sentence)
    assert edited == "أعلنت DeepSeek عن GPT-4o منافس."
    assert _tokens_after_edit(sentence, tokenize(sentence), edited) == tokenize(edited)
    # an edit at the end cannot reuse anything and is tokenized afresh
    assert _tokens_after_edit(sentence, tokenize(sentence), "أعلنت DeepSeek.") == tokenize(
        "أعلنت DeepSeek."
    )


def test_term_cache_gives_the_uncached_terms_and_stays_bounded() -> None:
    summarizer = ExtractiveSummarizer()

    def cached_terms(words: list[str]) -> list[str]:
        # the scoring terms through the cache, stopwords ("") left out
        return list(filter(None, summarizer._terms_of(words)))

    words = tokenize("وأعلنت الشركة في بيان أن الشركة ستطلق النموذج الجديد")
    assert cached_terms(words) == content_tokens(" ".join(words))
    assert cached_terms(words) == content_tokens(" ".join(words))  # cached
    summarizer._terms.update({f"w{i}": f"w{i}" for i in range(_MAX_CACHED_TERMS + 1)})
    assert cached_terms(tokenize("جديدة")) == content_tokens("جديدة")
    assert len(summarizer._terms) == 1
