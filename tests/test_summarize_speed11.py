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
