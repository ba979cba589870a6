"""The summarizer's per-token caches (issue #13, speed) give what the computations
they stand for give: the bullets were compared byte for byte on the golden set (EASC
dev, ANT technology and 1,000 other pool articles, two hash seeds) before and after.

* `references._token_key` is a dict with `__missing__` (the lookup in C) in place of
  an lru_cache: the same key for every token, and bounded."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from digest.arabic import tokenize
from digest.summarize import references
from digest.summarize.references import _key, _token_key
from digest.summarize.scoring import stem_token

_ARABIC_WORDS = st.text(alphabet="اأإآبتثجحخدذرسشصضطظعغفقكلمنهويىةءؤئ", min_size=1, max_size=9)


@given(st.lists(st.one_of(_ARABIC_WORDS, st.text(min_size=1, max_size=6)), max_size=30))
def test_a_cached_token_key_is_the_key_of_the_stem(tokens: list[str]) -> None:
    for token in tokens + tokens:  # the second time from the cache
        assert _token_key(token) == _key(stem_token(token))


def test_the_token_key_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(references, "_MAX_CACHED_KEYS", 4)
    cache = references._TOKEN_KEYS
    words = tokenize("والشركات التطبيقات الباحثون للهواتف بالمدينة كالمعتاد فالنوعية")
    for word in words:
        assert _token_key(word) == _key(stem_token(word))
        assert len(cache) <= 4
    assert [_token_key(word) for word in words] == [
        "شرك",
        "تطبيق",
        "باحث",
        "هواتف",
        "مدين",
        "معتاد",
        "نوعي",
    ]
