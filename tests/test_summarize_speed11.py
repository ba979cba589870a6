"""The summarizer's shortcuts of the speed11 pass (issue #13, speed) give what the plain
computations they stand for give; the bullets, selections and sentence probabilities
were compared byte for byte on the 3,948 EASC dev and ANT golden articles (two hash
seeds) before and after each one.

* `word_counts` (the search's per-candidate counts and the article's term frequencies)
  is `Counter`, counted into a plain dict without Counter's constructor.
"""

from __future__ import annotations

from collections import Counter

from hypothesis import example, given
from hypothesis import strategies as st

from digest.summarize import references
from digest.summarize.scoring import word_counts

_WORDS = st.sampled_from(["في", "الشركة", "من", "هاتف", "", "a", "A", "ـ", "شركة"])


@given(st.lists(_WORDS, max_size=40))
@example([])
@example(["في", "في", "في"])
def test_word_counts_are_the_counter(words: list[str]) -> None:
    counts = word_counts(words)
    assert type(counts) is dict
    assert counts == Counter(words)
    # the same insertion order: the search iterates over these
    assert list(counts) == list(Counter(words))
    assert word_counts(iter(words)) == counts


# `speaker_reference` and `person_nouns` as they were before their pre-checks (one C set
# test over the words they look at, returning at once when none can match)
def _speaker_reference_plain(tokens: list[str]) -> str | None:
    start = 1 if tokens and tokens[0] in references._BEFORE_VERB else 0
    for i in range(start, min(start + 3, len(tokens) - 1)):
        if tokens[i] not in references._SAYING_ALL:
            continue
        return _REAL_SPEAKER(tokens)  # the first verb of saying: the loop decides as now
    return None


def _person_nouns_plain(tokens: list[str]) -> list[str]:
    for i in range(min(3, len(tokens))):
        if tokens[i] in references._PERSONS:
            return _REAL_PERSONS(tokens)
    return []


_REAL_SPEAKER = references.speaker_reference
_REAL_PERSONS = references.person_nouns
_REFERENCE_WORDS = st.sampled_from(
    ["قال", "وقالت", "قد", "الباحث", "الرجل", "كولمان", "إن", "أن", "في", "الشركة", "جون"]
)


@given(st.lists(_REFERENCE_WORDS, max_size=8))
@example(["قد", "قال", "الباحث", "إن"])
@example(["قال", "الباحث"])
@example(["يفسر", "الرجل", "سعادة"])
@example([])
def test_speaker_and_person_pre_checks_give_the_plain_loops(tokens: list[str]) -> None:
    assert references.speaker_reference(tokens) == _speaker_reference_plain(tokens)
    assert references.person_nouns(tokens) == _person_nouns_plain(tokens)
