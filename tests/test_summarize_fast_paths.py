"""The summarizer's fast paths give what the plain computations they stand for give.

* `normalize_word` skips the general normalisation for words of plain Arabic letters;
* `strip_connective` decides from the first word alone that no leading phrase matches;
* the splitter drops a space before a final stop without the regex;
* `tokenize_many` turns common separators into spaces before splitting;
* the search's shortlist sorts instead of calling `heapq.nlargest`;
* a first letter that begins no phrase, a first token that begins no dependent opening,
  one plain word swapped for another, a word in two sentences, log1p of small numbers:
  the summarizer's later shortcuts (same bullets on all EASC and ANT texts).

These tests check the facts the shortcuts rest on, character by character where the set
is small, and compare with the plain computation on generated text otherwise.
"""

from __future__ import annotations

import heapq
import math
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
from digest.sentences import (
    _SPACE_BEFORE_STOP,
    _TERMINATORS,
    Sentence,
    _drop_space_before_stop,
)
from digest.summarize.connectives import (
    _AR_LEADING_PHRASES,
    _AR_NO_PHRASE_LETTERS,
    _AR_PHRASE_START,
    _may_open_with_phrase,
    strip_connective,
)
from digest.summarize.dependent import _DEPENDENT_FIRST, _DEPENDENT_START
from digest.summarize.extractive import _tokens_after_edit
from digest.summarize.scoring import (
    _LOG1P,
    _LOG1P_TABLE,
    _SHORTLIST,
    Candidate,
    Features,
    _shared_tails,
    shortlist,
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
@example("وبالإضافة, أخرى")  # the comma after the first word was lost
def test_strip_connective_never_raises_and_keeps_the_ending(text: str) -> None:
    stripped = strip_connective(text)
    assert text.rstrip().endswith(stripped.rstrip()) or not stripped.strip()


def test_leading_phrases_are_still_stripped() -> None:
    assert strip_connective("وفي هذا السياق، أعلنت الشركة عن نموذج جديد") == (
        "أعلنت الشركة عن نموذج جديد"
    )
    assert strip_connective("كما أن الشركة أعلنت عن نموذج جديد") == "الشركة أعلنت عن نموذج جديد"
    # "كما قال …،": "as", not "also"; with its «إن» before any comma the verb of saying
    # has its own words and «كما» is "also" (a tune reader marked «كما يقول موقع cnet
    # إنه …» as a leading connective)
    assert (
        strip_connective("كما قال الوزير، فإن النموذج جديد") == "كما قال الوزير، فإن النموذج جديد"
    )
    assert strip_connective("كما قال الوزير إن النموذج جديد") == "قال الوزير إن النموذج جديد"
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


@given(st.text(_SPLITTER_TAIL_ALPHABET, min_size=1, max_size=30))
@example("كلمة.")
@example("كلمة ..")
@example("x .")
def test_a_piece_ending_in_one_stop_after_a_word_keeps_its_space(text: str) -> None:
    # the splitter skips _drop_space_before_stop for such pieces
    if text[-1:] in _TERMINATORS and text[-2:-1] not in _TERMINATORS and not text[-2:-1].isspace():
        assert _drop_space_before_stop(text) == text


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
    assert shortlist(candidates) == [candidates[i] for i in sorted(ranked)]


def test_a_first_letter_that_begins_no_phrase_rules_every_phrase_out() -> None:
    # the letter stays first in the normalised text, so no phrase can match there
    for letter in _AR_NO_PHRASE_LETTERS:
        assert normalize(letter)[:1] not in {normalize(p)[:1] for p in _AR_LEADING_PHRASES}
        for phrase in _AR_LEADING_PHRASES:
            text = f"{letter}{phrase} الشركة"
            assert not _AR_PHRASE_START.match(normalize(text[:60]))
            assert not _may_open_with_phrase(text.partition(" ")[0])


@given(
    st.lists(
        st.sampled_from(
            [
                "مما",
                "ما",
                "يعني",
                "هو",
                "وهو",
                "الذي",
                "الأمر",
                "إذ",
                "حيث",
                "بذلك",
                "شركة",
                "أعلنت",
                "هذا",
                "التي",
            ]
        ),
        min_size=1,
        max_size=3,
    )
)
def test_dependent_openings_need_their_first_word(words: list[str]) -> None:
    tokens = tokenize(" ".join(words))
    if _DEPENDENT_START.match(" ".join(tokens[:3])):
        assert tokens[0] in _DEPENDENT_FIRST


@given(
    st.text(
        st.sampled_from([*"وأإفكلابتةى", "\u064e", "\u0640", "«", "1", "x"]),
        min_size=1,
        max_size=6,
    )
)
@example("وأضاف")
@example("وَأضاف")
def test_a_plain_word_swapped_for_another_keeps_the_other_tokens(first: str) -> None:
    sentence = f"{first} المدير إن الشركة ستطلق «النموذج» قريبا."
    edited = f"{first[1:] or 'ف'} المدير إن الشركة ستطلق «النموذج» قريبا."
    assert _tokens_after_edit(sentence, tokenize(sentence), edited) == tokenize(edited)


@given(
    st.lists(st.tuples(st.integers(0, 3), st.integers(1, 3)), min_size=2, max_size=4),
    st.lists(st.floats(0.0, 1.0), min_size=4, max_size=4),
)
@example([(0, 1), (1, 1)], [0.0005, 0.0004, 0.0, 0.0])
@example([(0, 1), (1, 1)], [0.03, 0.02, 0.0, 0.0])
def test_the_unrolled_tail_of_a_word_in_two_sentences_is_the_loop(
    where: list[tuple[int, int]], probabilities: list[float]
) -> None:
    # the general loop, as _shared_tails runs it for every other word
    mean, total = 0.0, 0
    for i, count in where:
        mean += probabilities[i] * count
        total += count
    term = below = math.exp(-mean)
    tail: list[float] = []
    for k in range(1, min(12, total) + 1):
        if below > 0.999:
            break
        tail.append(1.0 - below)
        term *= mean / k
        below += term
    assert _shared_tails({"w": where}, probabilities) == {"w": tail}


def test_log1p_table_is_log1p() -> None:
    assert all(_LOG1P[n] == math.log1p(n) for n in range(_LOG1P_TABLE))


def test_a_comma_after_the_dropped_conjunction_stays() -> None:
    # Found by the property above: "ومن," lost its comma with the و.
    assert strip_connective("ومن, أخرى") == "من, أخرى"
    assert strip_connective("وتتراوح، الأسعار بين") == "تتراوح، الأسعار بين"
