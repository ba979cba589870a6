"""The splitter's and tokenizer's fast paths give what their regex definitions give.

`digest.sentences` and `digest.arabic` replace some regex scans by substring tests,
`str.find` and `str.isalnum` because those run several times faster on Arabic text;
these tests compare each fast path with the regex it stands for, on generated text, and
pin the clean-up shortcuts (nothing to clean, CRLF, wide lines) by their effect.
"""

from __future__ import annotations

import dataclasses
import re
import sys

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from digest.arabic import _TOKEN, _tokens, arabic_ratio, tokenize, tokenize_many
from digest.sentences import (
    _ARABIC_LETTER,
    _ARABIC_LETTER_NAMES,
    _CLAUSE_CUT,
    _CLOSERS,
    _CLOSING,
    _CONTINUES_AFTER_ELLIPSIS,
    _DOTTED_LETTER_NAMES,
    _FINAL,
    _INITIALS,
    _INVISIBLE,
    _INVISIBLE_OR_ODD_SPACE,
    _LATIN_ABBREVIATIONS,
    _LETTER,
    _MISPLACED_STOP,
    _MULTI_SPACE,
    _ODD_SPACE,
    _OPENS_SENTENCE,
    _TERMINATOR_RUN,
    Sentence,
    _clean_text,
    _dotted_initials,
    _glued_initial,
    _has_letters,
    _has_misplaced_stop,
    _in_glued_acronym,
    _in_spaced_acronym,
    _is_arabic_letter,
    _is_boundary,
    _is_spelt_initial,
    _is_terminated,
    _letters_after,
    _letters_before,
    _name_goes_on,
    _new_sentence,
    _next_word,
    _paragraphs,
    _terminator_runs,
    clauses,
    quotes_balanced,
    segment,
    split_sentences,
)

# Letters, digits, every terminator, closers, quotes, joiners and several whitespace
# characters, so that runs, glued stops and token joins all occur in short texts.
_SPLITTER_ALPHABET = st.sampled_from(
    list("ابتجدسكلمنهوي")
    + list("aAzZ09٣")
    + list(".!?؟…۔")
    + list("”»\"')]’“«(")
    + list(" \n\t\u00a0\u2009\u200f\u00ad\x0b\u2028")
    + list("،؛:-")
)
_TOKEN_ALPHABET = st.sampled_from(
    list("ابتجدسكلمنهويةى")
    + list("aBz09٣")
    + list(".-.-،,؛:()«»\"'/%")
    + list(" \n\t\u00a0\u2009\x0b\u2028\u0651\u0640")
)


@given(st.text(_SPLITTER_ALPHABET, max_size=120))
@example("..! x؟؟ …۔.")
@example(".")
def test_terminator_runs_are_the_regex_runs(text: str) -> None:
    assert _terminator_runs(text) == [run.span() for run in _TERMINATOR_RUN.finditer(text)]


@given(st.text(_SPLITTER_ALPHABET, max_size=120))
@example(".الناشر")
@example("كتب\x0b.الناشر")
@example("كتب.الناشر")
def test_misplaced_stop_check_is_the_regex(text: str) -> None:
    assert _has_misplaced_stop(text) == bool(_MISPLACED_STOP.search(text))


@given(st.text(_TOKEN_ALPHABET, max_size=120))
@example("gpt-4o. 01.ai، (بون) a..b -x- ١٢.٥")
def test_chunked_tokens_are_the_regex_tokens(text: str) -> None:
    assert _tokens(text) == _TOKEN.findall(text)


def _plain_letters_before(text: str, pos: int) -> str:
    start = pos
    while start > 0 and _is_arabic_letter(text[start - 1]):
        start -= 1
    return text[start:pos]


def _plain_letters_after(text: str, end: int) -> str:
    stop = end
    while stop < len(text) and _is_arabic_letter(text[stop]):
        stop += 1
    return text[end:stop]


def _plain_in_glued_acronym(text: str, pos: int, end: int) -> bool:
    """`_in_glued_acronym` as it was, with whole letter runs found per character."""
    left = _plain_letters_before(text, pos)
    right = _plain_letters_after(text, end)
    if not left or not right:
        return False
    if not (left in _DOTTED_LETTER_NAMES or (right in _DOTTED_LETTER_NAMES and len(left) <= 4)):
        return False
    if right in _DOTTED_LETTER_NAMES:
        return True
    if left in _DOTTED_LETTER_NAMES and text[end + len(right) : end + len(right) + 1] in _CLOSING:
        return True
    return (
        len(right) <= 5
        and right not in _OPENS_SENTENCE
        and not right.startswith(("ال", "و"))
        and not (right[0] == "ف" and len(right) > 3)
    )


# Letter names, short words and long runs glued by stops, so that every branch of
# _in_glued_acronym (a name on either side, a long run cut short, a closer) is reached
_GLUED_PIECES = st.sampled_from(
    [
        *sorted(_DOTTED_LETTER_NAMES),
        *["وقال", "فيه", "فقال", "الذكاء", "للذكاء", "سبورتس", "ب", "عنالذكاءالاصطناعي"],
        *[".", ".", ".", " ", ")", "»", "a", "3", "ـ"],
    ]
)


@given(st.lists(_GLUED_PIECES, max_size=12))
@example(["عنالذكاءالاصطناعي", ".", "سي"])
@example(["سي", ".", "إن", ".", "إن"])
@example(["(", "آي", ".", "في", ")"])
def test_glued_acronym_with_bounded_runs_is_the_plain_check(pieces: list[str]) -> None:
    text = "".join(pieces)
    for pos, char in enumerate(text):
        assert _letters_after(text, pos) == _plain_letters_after(text, pos)
        for limit in (1, 3, 7):
            assert _letters_before(text, pos, limit) == _plain_letters_before(text, pos)[-limit:]
        if char == ".":
            assert _in_glued_acronym(text, pos, pos + 1) == _plain_in_glued_acronym(
                text, pos, pos + 1
            )


_EVERY_CHARACTER = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c < 0xE000)


def test_string_methods_are_the_regex_classes_for_every_character() -> None:
    # the fast paths rely on str.isalnum == [^\W_], str.isspace == \s, alphabetic
    # characters being letters, and _is_arabic_letter == _ARABIC_LETTER
    everything = _EVERY_CHARACTER
    assert re.findall(r"[^\W_]", everything) == [c for c in everything if c.isalnum()]
    assert re.findall(r"\s", everything) == [c for c in everything if c.isspace()]
    assert re.findall(r"\d", everything) == [c for c in everything if c.isdecimal()]
    assert set(_LETTER.findall(everything)) >= {c for c in everything if c.isalpha()}
    assert _ARABIC_LETTER.findall(everything) == [c for c in everything if _is_arabic_letter(c)]
    assert not _is_arabic_letter("")


def test_everything_the_clean_up_removes_is_unprintable() -> None:
    # _clean_text skips the substitutions when every line is printable
    everything = _EVERY_CHARACTER
    either = _INVISIBLE_OR_ODD_SPACE.findall(everything)
    assert either == sorted(_INVISIBLE.findall(everything) + _ODD_SPACE.findall(everything))
    assert not any(c.isprintable() for c in [*either, "\r"])


@given(
    st.lists(
        _SPLITTER_ALPHABET | st.sampled_from(["\r", "\r\n", "   ", "\u200b", "\u3000"]),
        max_size=80,
    ).map("".join)
)
def test_clean_text_is_the_regex_clean_up(text: str) -> None:
    expected = _MULTI_SPACE.sub(" ", _ODD_SPACE.sub(" ", _INVISIBLE.sub("", text)))
    expected = expected.replace("\r\n", "\n").replace("\r", "\n")
    assert _clean_text(text) == expected


@given(st.text(_SPLITTER_ALPHABET, max_size=40))
@example("")
@example("وانتهى.» \u2028")
@example(":) ")
def test_terminated_check_is_the_regex(text: str) -> None:
    assert _is_terminated(text) == bool(_FINAL.search(text[-16:]))


@given(st.text(_SPLITTER_ALPHABET, max_size=40))
def test_letter_check_is_the_regex(text: str) -> None:
    assert _has_letters(text) == bool(_LETTER.search(text))


def _balanced_by_depth(text: str) -> bool:
    """quotes_balanced as its docstring states it: an even number of straight double
    quotes, and for each pair a depth that never goes below zero and ends at zero (when
    only one of the curly marks is used, for both ends, an even number of them)."""
    if text.count('"') % 2:
        return False
    pairs = [("«", "»"), ("(", ")"), ("[", "]")]
    if ("“" in text) != ("”" in text):
        # one curly mark used for both ends ("“زلاتان“"): they must pair up
        if (text.count("“") + text.count("”")) % 2:
            return False
    else:
        pairs.append(("“", "”"))
    for opener, closer in pairs:
        depth = 0
        for ch in text:
            depth += (ch == opener) - (ch == closer)
            if depth < 0:
                return False
        if depth:
            return False
    return True


@given(st.text(st.sampled_from(list('اب “”«»()[]"')), max_size=40))
@example(")(")
@example("«(»)")
@example("“اب“")
@example("“اب“ب“")
@example("”اب”")
def test_quotes_balanced_is_the_depth_count(text: str) -> None:
    assert quotes_balanced(text) == _balanced_by_depth(text)


@given(st.text(st.sampled_from(list("،؛;,،,") + list("1٣ab") + list("  \t\n\u00a0")), max_size=30))
@example("1,  2")
@example("1, 2, x")
@example(", x")
def test_clauses_are_the_pieces_of_the_regex_split(text: str) -> None:
    expected = [part.strip() for part in _CLAUSE_CUT.split(text)]
    assert clauses(text) == [part for part in expected if part]


@given(st.lists(st.text(_TOKEN_ALPHABET, max_size=30), max_size=8))
def test_tokenize_many_equals_tokenize_each_with_line_breaks(texts: list[str]) -> None:
    assert tokenize_many(texts) == [tokenize(text) for text in texts]


@given(st.text(_TOKEN_ALPHABET | st.sampled_from(list("ءۓۺۿ\u066dٮxYپ")), max_size=80))
def test_arabic_ratio_counts_letters_one_by_one(text: str) -> None:
    arabic = sum(
        "\u0621" <= c <= "\u064a" or "\u066e" <= c <= "\u06d3" or "\u06fa" <= c <= "\u06ff"
        for c in text
    )
    latin = sum(c.isascii() and c.isalpha() for c in text)
    assert arabic_ratio(text) == (arabic / (arabic + latin) if arabic + latin else 0.0)


def test_tokens_keep_joined_names_and_drop_loose_joiners() -> None:
    assert tokenize("أطلقت 01.ai نموذج GPT-4o. -جديد- ذكي..") == [
        "اطلقت",
        "01.ai",
        "نموذج",
        "gpt-4o",
        "جديد",
        "ذكي",
    ]


@given(st.text(_SPLITTER_ALPHABET, max_size=200))
def test_crlf_and_cr_line_ends_split_like_lf(text: str) -> None:
    expected = segment(text)
    assert segment(text.replace("\n", "\r\n")) == expected
    assert segment(text.replace("\n", "\r")) == expected


@given(st.text(_SPLITTER_ALPHABET, max_size=200))
def test_odd_spaces_and_invisible_marks_split_like_plain_spaces(text: str) -> None:
    plain = re.sub("[\u200f\u00ad]", "", text)
    plain = re.sub("[\t\u00a0\u2009]", " ", plain)
    assert segment(text) == segment(plain)


def test_text_with_a_line_wider_than_160_characters_is_not_unwrapped() -> None:
    wide = "كلمة " * 40 + "وانتهى"
    text = f"سطر أول بلا نقطة\n{wide}\n\nسطر ثالث بلا نقطة"
    assert _paragraphs(text) == ["سطر أول بلا نقطة", wide, "سطر ثالث بلا نقطة"]
    assert [s.paragraph for s in segment(text)] == [0, 1, 2]


def test_lower_case_word_after_a_stop_and_unusual_spaces_continues_the_sentence() -> None:
    # the first character after the spaces decides, whatever kind of space it is
    assert split_sentences("He met the team. \x0band they agreed. Then he left.") == [
        "He met the team. \x0band they agreed.",
        "Then he left.",
    ]
    assert split_sentences("He met the team. \x0bThey agreed.") == [
        "He met the team.",
        "They agreed.",
    ]


def test_letterless_pieces_are_glued_to_a_neighbour() -> None:
    # a leading number joins the first sentence, a stray one the sentence before it
    assert split_sentences("2020. بدأ العمل. 3. ثم انتهى.") == [
        "2020. بدأ العمل. 3.",
        "ثم انتهى.",
    ]
    assert split_sentences("2020. 3.") == []


@given(st.text(max_size=8), st.integers(), st.integers(), st.booleans(), st.booleans())
def test_new_sentence_is_the_dataclass_constructor(
    text: str, index: int, paragraph: int, terminated: bool, heading: bool
) -> None:
    # segment() builds its sentences by setting the slots directly: same class, same
    # fields, equal and hashed alike, and still frozen
    fast = _new_sentence(text, index, paragraph, terminated, heading)
    plain = Sentence(text, index, paragraph, terminated, heading)
    assert type(fast) is Sentence
    assert dataclasses.astuple(fast) == dataclasses.astuple(plain)
    assert fast == plain and hash(fast) == hash(plain)
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.text = "x"  # type: ignore[misc]


def _plain_is_boundary(text: str, pos: int, end: int) -> bool:
    """`_is_boundary` as it was: every check in turn, for every stop."""
    n = len(text)
    if end >= n:
        return True
    nxt = text[end]
    if end - pos == 1 and text[pos] == ".":
        if nxt.isspace():
            # the word before the stop (paragraphs hold single spaces only, see
            # _paragraphs)
            word = text[text.rfind(" ", 0, pos) + 1 : pos].lstrip("(\"'“«")
            bare = word.casefold()
            if bare in _LATIN_ABBREVIATIONS:
                return False
            # U.S. / J. Smith / e.g. : single Latin letters between dots (such words
            # have an odd length and are ASCII: cheap tests before the regex)
            if len(word) % 2 and word.isascii() and _INITIALS.fullmatch(word):
                return False
            # د. / م. as a standalone word: Arabic title abbreviations
            if len(word) == 1 and _is_arabic_letter(word):
                return False
            if word in _ARABIC_LETTER_NAMES and _is_spelt_initial(text, pos - len(word), end):
                return False
            if word in _DOTTED_LETTER_NAMES and _in_spaced_acronym(text, pos - len(word), end):
                return False
            if "." in word and _dotted_initials(word) and _name_goes_on(text, end):
                return False  # «هارفارد تي.إتش. تشان»: glued initials, then the surname
            # the first character after the spaces (without copying the rest of the text)
            after = end + 1
            while after < n and text[after].isspace():
                after += 1
            following = text[after : after + 1]
            if following and following in "،,؛;":
                return False  # 'Kinect". ، مرة أمام': a stray stop, the sentence goes on
            # English sentences start with a capital; a lower-case word continues
            return not (following.isascii() and following.islower())
        # glued: "البواب.يقوم" is a boundary, "3.5", "01.ai", "example.com" are not
        # "الإنسان .وللناي": a stop typed after a space and glued to the next sentence
        prev = text[pos - 1] if pos > 0 else ""
        if (
            _is_arabic_letter(prev)
            and _is_arabic_letter(nxt)
            and not (text[pos - 2] if pos > 1 else " ").isalpha()
            and not (text[end + 1] if end + 1 < n else " ").isalpha()
        ):
            return False  # د.ب.أ / أ.ف.ب: a news agency's dotted initials
        if _in_glued_acronym(text, pos, end):
            return False
        if _glued_initial(text, pos, end):
            return False
        return _is_arabic_letter(nxt) and (
            _is_arabic_letter(prev) or prev.isdigit() or prev.isspace() or prev in _CLOSERS
        )
    if nxt.isspace():
        if text[pos] in ".…" and text[end - 1] in ".…" and (end - pos >= 3 or text[pos] == "…"):
            return _next_word(text, end) not in _CONTINUES_AFTER_ELLIPSIS
        return True
    return _is_arabic_letter(nxt)


# Words before and after stops: Latin abbreviations and initials, Arabic words and
# letter names, digits, closers, odd spaces, and the characters casefold maps to ASCII
_BOUNDARY_PIECES = st.sampled_from(
    [
        *sorted(_ARABIC_LETTER_NAMES)[:8],
        *["بي", "إن", "سي", "تي.إتش", "د", "م", "البواب", "يقوم", "لكن", "وقال", "تشان"],
        *["Dr", "U.S", "e.g", "J", "the", "The", "ſt", "K", "3", "01", "ai"],
        *[".", ".", ".", "..", "...", "…", "؟", " ", " ", "  ", "\u00a0", "\n"],
        *[")", "»", '"', "«", "(", "،", ",", "ـ", "\u064b", "٣"],
    ]
)


@given(st.lists(_BOUNDARY_PIECES, max_size=14))
@example(["البواب", ".", "يقوم"])
@example(["3", ".", "5"])
@example(["Dr", ".", " ", "يقوم"])
@example(["The", ".", " ", "aB"])
@example(["U.S", ".", " ", "Army"])
@example(["البواب", ")", ".", "يقوم"])
@example(["3", ".", "يقوم"])
@example(["بي", ".", " ", "إن", ".", " ", "سي"])
@example(["ſt", ".", " ", "the"])
@example(["هارفارد", " ", "تي.إتش", ".", " ", "تشان"])
def test_boundary_shortcuts_are_the_plain_checks(pieces: list[str]) -> None:
    # _is_boundary skips the abbreviation checks for words opening with an Arabic-block
    # character and decides glued stops without an Arabic letter on both sides at once
    text = "".join(pieces)
    for pos, end in _terminator_runs(text):
        assert _is_boundary(text, pos, end) == _plain_is_boundary(text, pos, end)


def test_arabic_block_casefolds_to_itself() -> None:
    # why a word opening with U+0600-U+06FF is never a Latin abbreviation
    block = "".join(map(chr, range(0x600, 0x700)))
    assert all(char.casefold() == char and not char.isascii() for char in block)
    assert all(word.isascii() for word in _LATIN_ABBREVIATIONS)
