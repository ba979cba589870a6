"""The summarizer's fast paths give what the plain computations they stand for give.

* `normalize_word` skips the general normalisation for words of plain Arabic letters;
* `strip_connective` decides from the first word alone that no leading phrase matches;
* the splitter drops a space before a final stop without the regex;
* `tokenize_many` turns common separators into spaces before splitting;
* the search's shortlist sorts instead of calling `heapq.nlargest`.

These tests check the facts the shortcuts rest on, character by character where the set
is small, and compare with the plain computation on generated text otherwise.
"""

from __future__ import annotations

import heapq
import unicodedata

from hypothesis import example, given
from hypothesis import strategies as st

from digest.arabic import (
    _DROP,
    _PLAIN_ARABIC_WORD,
    _TOKEN,
    normalize,
    normalize_word,
    tokenize,
    tokenize_many,
)
from digest.sentences import _SPACE_BEFORE_STOP, Sentence, _drop_space_before_stop
from digest.summarize.extractive import (
    _AR_LEADING_PHRASES,
    _AR_PHRASE_START,
    _SHORTLIST,
    Candidate,
    Features,
    _may_open_with_phrase,
    _shortlist,
    strip_connective,
)

_PLAIN_LETTERS = [chr(c) for c in range(0x0621, 0x064B) if chr(c) != "\u0640"]

# Plain letters, their folded variants, diacritics, tatweel, Persian forms, presentation
# forms, compatibility spaces and commas, invisible marks, Latin capitals and digits:
# everything the shortcuts must either handle or hand over to `normalize`.
_WORD_ALPHABET = st.sampled_from(
    list("ابتجدسكلمنهويةىأإآؤئءع")
    + list("\u064b\u064e\u0651\u0652\u0653\u0654\u0655\u0670\u0640")
    + list("کیھٱ")
    + list("\ufefb\ufe8d\ufee3")  # presentation forms (NFKC folds them)
    + list("\u00a0\u2009\ufe50\uff0c،,")  # spaces and commas in compatibility forms
    + list("\u200f\u200c\ufeff")
    + list("AZaz09٣۴")
)
_PHRASE_WORDS = sorted({word for phrase in _AR_LEADING_PHRASES for word in phrase.split()})


def test_plain_letters_are_their_own_normal_form_alone_and_in_pairs() -> None:
    for letter in _PLAIN_LETTERS:
        assert _PLAIN_ARABIC_WORD.fullmatch(letter)
        assert unicodedata.normalize("NFKC", letter) == letter
        assert letter.casefold() == letter
        assert not _DROP.search(letter)
        for other in _PLAIN_LETTERS:
            assert unicodedata.normalize("NFKC", letter + other) == letter + other


@given(st.text(_WORD_ALPHABET, max_size=12))
@example("والشركة")
@example("فَضلاً")
@example("إلى")
@example("")
def test_normalize_word_is_normalize(word: str) -> None:
    assert normalize_word(word) == normalize(word)


# Texts that start with phrase words (alone, glued, with odd marks in between) so that
# the phrase pattern matches often and nearly matches more often.
_PIECE = st.one_of(
    st.sampled_from(_PHRASE_WORDS),
    st.text(_WORD_ALPHABET, min_size=1, max_size=6),
    st.sampled_from([" ", "  ", "،", ",", " ، ", "\u00a0", "\u064e", "\u0640", "ال"]),
)


@given(st.lists(_PIECE, max_size=10).map("".join))
@example("كما أن الشركة")
@example("كما، قال")
@example("وفي\u00a0هذا السياق قال")
@example("ك\u0640ما أن")
@example("\u200fكما أن")
@example("فضلاً عن ذلك، أعلنت")
def test_no_phrase_matches_where_the_first_word_rules_it_out(text: str) -> None:
    first = text.partition(" ")[0]
    if _AR_PHRASE_START.match(normalize(text[:60])):
        assert _may_open_with_phrase(first)


def test_a_long_first_word_is_left_to_the_pattern() -> None:
    assert _may_open_with_phrase("ا" * 60)


@given(st.lists(_PIECE, max_size=10).map("".join))
def test_strip_connective_never_raises_and_keeps_the_ending(text: str) -> None:
    stripped = strip_connective(text)
    assert text.rstrip().endswith(stripped.rstrip()) or not stripped.strip()


def test_leading_phrases_are_still_stripped() -> None:
    assert strip_connective("وفي هذا السياق، أعلنت الشركة عن نموذج جديد") == (
        "أعلنت الشركة عن نموذج جديد"
    )
    assert strip_connective("كما أن الشركة أعلنت عن نموذج جديد") == "الشركة أعلنت عن نموذج جديد"
    # "كما قال": "as", not "also"
    assert strip_connective("كما قال الوزير إن النموذج جديد") == "كما قال الوزير إن النموذج جديد"
    assert strip_connective("والشركة أعلنت عن نموذج جديد") == "الشركة أعلنت عن نموذج جديد"


_SPLITTER_TAIL_ALPHABET = st.sampled_from(
    list("ابx ") + list(".!?؟…۔") + list("”»\"')]’“«(") + list(" \t\u00a0\u2009\x0b\u2028")
)


@given(st.text(_SPLITTER_TAIL_ALPHABET, max_size=30))
@example("كلمة .")
@example("كلمة ..»)")
@example("x .).")
@example("x )")
def test_space_before_stop_is_dropped_like_the_regex(text: str) -> None:
    assert _drop_space_before_stop(text) == _SPACE_BEFORE_STOP.sub(r"\1", text)


_TOKEN_TEXT_ALPHABET = st.sampled_from(
    list("ابةىa9٣_") + list(". . .--") + list("،,\"():؛؟!«»%'/") + list(" \n\t\u00a0")
)


@given(st.lists(st.text(_TOKEN_TEXT_ALPHABET, max_size=40), max_size=5))
@example(["بون. قدم", "a.b. -c- d..", "x،y,z(1)"])
@example(["نهاية.", "..", ". ."])
def test_tokenizers_with_separators_as_spaces_are_the_regex(texts: list[str]) -> None:
    expected = [_TOKEN.findall(normalize(text).replace("_", " ")) for text in texts]
    assert tokenize_many(texts) == expected
    assert [tokenize(text) for text in texts] == expected


@given(st.lists(st.sampled_from([0.1, 0.25, 0.5, 0.5, 0.75, 0.9]), max_size=30))
def test_shortlist_keeps_what_nlargest_keeps_ties_included(probabilities: list[float]) -> None:
    candidates = [
        Candidate(Features(Sentence(f"s{i}", i, 0, True), i, 0.0, 0.0, 4, 4, ["w"]), probability)
        for i, probability in enumerate(probabilities)
    ]
    ranked = heapq.nlargest(
        _SHORTLIST, range(len(candidates)), key=lambda i: candidates[i].probability
    )
    assert _shortlist(candidates) == [candidates[i] for i in sorted(ranked)]


def test_a_comma_after_the_dropped_conjunction_stays() -> None:
    # Found by the property above: "ومن," lost its comma with the و.
    assert strip_connective("ومن, أخرى") == "من, أخرى"
    assert strip_connective("وتتراوح، الأسعار بين") == "تتراوح، الأسعار بين"
