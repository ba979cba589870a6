"""More of the summarizer's shortcuts (issue #13, speed) give what the computations
they stand for give; the bullets were compared byte for byte on all EASC dev and ANT
technology texts before and after each one.

* `InclusionModel.probabilities` is `probability` for a whole article, coefficients
  looked up once;
* `strip_caption` skips its regex for a sentence with no bracket and no Getty credit;
* `_latin_words` skips its loop for a text with no Latin letter, and
  `first_dropped_name` returns at once when no bullet holds one;
* `cut_is_safe` and `safe_leading_part` count words only up to the number they compare
  with, and look for the consequence markers only when one of their cores is there;
  `_opens_unfinished` tests the word pairs with `isdisjoint` instead of a generator;
* `demonstrative_nouns` returns at once when no demonstrative is in its window;
* `bullets` draws the search's next pick, once the bullets are full, only when
  something reads what it leaves.

As in `test_summarize_fast_paths`: the facts the shortcuts rest on, and the plain
computation compared with the shortcut on generated text.
"""

from __future__ import annotations

import itertools
import json
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from digest.sentences import Sentence
from digest.summarize import ExtractiveSummarizer
from digest.summarize.boilerplate import _INLINE_CAPTION, strip_caption
from digest.summarize.cutting import (
    _CONSEQUENCE_MARKERS,
    _NEEDS_MAIN_CLAUSE,
    _NEEDS_MAIN_PAIRS,
    _opens_unfinished,
)
from digest.summarize.references import (
    _DEMONSTRATIVE_WINDOW,
    _DEMONSTRATIVES,
    _dropped_part,
    _latin_words,
    demonstrative_nouns,
    first_dropped_name,
)
from digest.summarize.scoring import Features, InclusionModel

_SENTENCE = Sentence("نص.", index=0, paragraph=0, terminated=True)


@given(
    st.lists(
        st.tuples(
            st.floats(0.0, 1.0),  # headline similarity
            st.floats(0.0, 1.0),  # centrality
            st.integers(0, 200),  # tokens
        ),
        min_size=1,
        max_size=40,
    ),
    st.sampled_from([InclusionModel(), InclusionModel(log_count=0.3, first=-0.2)]),
)
def test_probabilities_of_an_article_are_probability_of_each(
    rows: list[tuple[float, float, int]], model: InclusionModel
) -> None:
    features = [
        Features(_SENTENCE, index, headline, central, tokens, tokens, [])
        for index, (headline, central, tokens) in enumerate(rows)
    ]
    # the same floats, not merely close ones: the search breaks ties on them
    assert model.probabilities(features) == [model.probability(f, len(rows)) for f in features]


def test_probabilities_beyond_the_log_table_are_probability() -> None:
    model = InclusionModel(log_count=0.3)
    features = [Features(_SENTENCE, index, 0.1, 0.2, 9, 9, []) for index in range(600)]
    assert model.probabilities(features) == [model.probability(f, 600) for f in features]


_CAPTION_ALPHABET = st.sampled_from(
    list("صورةتصويرالأرشيف ")
    + list("()[]:：/.")
    + list("GgEeTtYyIiMmAaSsPpHhOo ")
    + ["getty images", "Getty Images", "GETTY IMAGES", "صورة:", "(صورة: رويترز)"]
)


@given(st.lists(_CAPTION_ALPHABET, max_size=30).map("".join))
@example("يأتي هذا (صورة: رويترز) بعد الصورة")
@example("صور العام الجاري Getty Images")
@example("صورة GETTY IMAGES")
def test_a_caption_needs_a_bracket_or_a_getty_credit(text: str) -> None:
    # what strip_caption's second pre-check rests on
    if "(" not in text and "[" not in text and "getty" not in text.casefold():
        assert _INLINE_CAPTION.search(text) is None


def test_a_sentence_with_the_word_picture_and_no_caption_is_kept() -> None:
    text = "نشرت الوكالة صورة للقمر الصناعي أثناء إطلاقه من القاعدة."
    assert strip_caption(text) == text
    # and a bracketed caption is still cut off
    assert strip_caption("(صورة: رويترز) يأتي هذا بعد إعلان الشركة عن نتائجها") == (
        "يأتي هذا بعد إعلان الشركة عن نتائجها"
    )


def _latin_words_plain(text: str) -> set[str]:
    out: set[str] = set()
    for word in text.split():
        if word.isascii() and any(c.isalpha() for c in word):
            word = word.strip(".,;:!?\"'()[]«»“”،؛").lower()
            if len(word) >= 2:
                out.add(word)
    return out


@given(st.text(st.sampled_from(list("ابت سمJ5iPhoneé1-.,«»() \u00a0\u2009")), max_size=40))
@example("مبادرة J5 الجديدة")
@example("مبادرة ١٢٣ الجديدة")
def test_latin_words_without_a_latin_letter_are_none(text: str) -> None:
    assert _latin_words(text) == _latin_words_plain(text)


_SPACES = st.sampled_from([" ", "  ", "\t", "\n", "\u00a0", "\u2009", "\u3000", "\x1c"])


@given(
    st.lists(st.one_of(_SPACES, st.sampled_from(["كلمة", "a", "،", "."])), max_size=20).map(
        "".join
    ),
    st.integers(1, 8),
)
def test_counting_words_up_to_a_bound_is_counting_them_all(text: str, bound: int) -> None:
    assert (len(text.split(maxsplit=bound)) < bound) == (len(text.split()) < bound)


def test_every_consequence_marker_holds_one_of_the_pre_checked_cores() -> None:
    for marker in _CONSEQUENCE_MARKERS:
        assert "لذ" in marker or "لهذا" in marker or "وبالتالي" in marker


_CLAUSE_WORDS = st.sampled_from(
    [*sorted({word for pair in _NEEDS_MAIN_PAIRS for word in pair}), "الشركة", "أعلنت", "حال"]
)


@given(st.lists(_CLAUSE_WORDS, max_size=12))
@example(["الشركة", "في", "حال"])
def test_unfinished_clause_pairs_are_found_as_by_the_generator(clause: list[str]) -> None:
    pairs = list(pairwise(clause))
    expected = not _NEEDS_MAIN_CLAUSE.isdisjoint(clause) or any(
        pair in _NEEDS_MAIN_PAIRS for pair in pairs
    )
    assert _opens_unfinished(clause) == expected


_DEMONSTRATIVE_TOKENS = st.sampled_from(
    [*sorted(_DEMONSTRATIVES), "التطبيق", "العام", "الشركة", "في", "قال", "إن"]
)


@given(st.lists(_DEMONSTRATIVE_TOKENS, max_size=12))
@example(["قال", "هذا", "التطبيق"])
@example(["هذا"])
@example([])
def test_no_demonstrative_in_the_window_points_at_nothing(tokens: list[str]) -> None:
    window = tokens[1 : min(len(tokens) - 1, _DEMONSTRATIVE_WINDOW)]
    if _DEMONSTRATIVES.isdisjoint(window):
        assert demonstrative_nouns(tokens) == []
    # a demonstrative before a definite noun in the window is still found (unless the
    # word before names the noun, or makes «في ذلك» "including")
    if (
        window[:1]
        and window[0] in _DEMONSTRATIVES
        and tokens[2] == "التطبيق"
        and tokens[0] not in {"في", "التطبيق"}
    ):
        assert demonstrative_nouns(tokens)[:1] == ["تطبيق"]


def _first_dropped_name_plain(
    bullets: list[tuple[int, str]], sentences: dict[int, str]
) -> int | None:
    dropped: set[str] = set()
    shown: set[str] = set()
    for index, text in sorted(bullets):
        words = _latin_words_plain(text)
        if not (words & dropped).issubset(shown):
            return index
        shown |= words
        sentence = sentences.get(index, "")
        if len(sentence) > len(text):
            dropped |= _latin_words_plain(_dropped_part(sentence, text)) - shown
    return None


_BULLET_PIECES = st.sampled_from(["مبادرة", "J5", "الشركة", "أعلنت", "IRS-CI", "،", "."])


@given(
    st.lists(
        st.tuples(st.lists(_BULLET_PIECES, min_size=1, max_size=6), st.lists(_BULLET_PIECES)),
        min_size=1,
        max_size=4,
    )
)
@example([(["أعلنت", "الشركة", "."], ["J5"]), (["مبادرة", "J5", "."], [])])
@example([(["أعلنت", "الشركة", "."], ["مبادرة"]), (["أعلنت", "مبادرة", "."], [])])
def test_a_dropped_name_is_found_as_without_the_pre_check(
    parts: list[tuple[list[str], list[str]]],
) -> None:
    bullets = [(i, " ".join(shown)) for i, (shown, _) in enumerate(parts)]
    sentences = {
        i: " ".join(shown).rstrip(". ") + (" " + " ".join(rest) if rest else "") + "."
        for i, (shown, rest) in enumerate(parts)
    }
    assert first_dropped_name(bullets, sentences) == _first_dropped_name_plain(bullets, sentences)


class _DrawingAtOnce(ExtractiveSummarizer):
    _draw_next_pick_at_once = True


_ANT_DEV = Path(__file__).resolve().parent.parent.parent / "shared/corpora/ant/dev.jsonl"


@pytest.mark.skipif(not _ANT_DEV.exists(), reason="needs ../shared/corpora/ant/dev.jsonl")
def test_the_deferred_pick_gives_the_bullets_of_the_pick_drawn_at_once() -> None:
    # the search's next pick once the bullets are full is drawn only when the lead or
    # headline anchors, a refill after an ungrounded bullet, or the second choices read
    # what it leaves; drawn then, the bullets are those of drawing it at once
    deferred, at_once = ExtractiveSummarizer(), _DrawingAtOnce()
    with _ANT_DEV.open(encoding="utf-8") as lines:
        records = [json.loads(line) for line in itertools.islice(lines, 600)]
    for record in records:
        title, text = record.get("title", ""), record["text"]
        assert deferred.summarize(title, text) == at_once.summarize(title, text)
        assert deferred.summarize("", text) == at_once.summarize("", text)
        assert deferred.bullets(title, text, max_tokens=60) == at_once.bullets(
            title, text, max_tokens=60
        )
