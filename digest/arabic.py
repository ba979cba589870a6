"""Arabic text normalisation and tokenisation.

`normalize` is for matching and scoring only (dedup keys, topic lexicons, ROUGE); text
shown to users is never normalised.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

# Harakat, tanwin, shadda, sukun, superscript alef, Quranic marks.
_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_TATWEEL = "\u0640"
# Bidi controls and zero-width characters that sneak into feed text.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_LETTER_MAP = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ة": "ه",
        "ؤ": "و",
        "ئ": "ي",
        # Persian/Urdu forms seen in Arabic feeds
        "ک": "ك",
        "ی": "ي",
        "ې": "ي",
        "ھ": "ه",
    }
)
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_TOKEN = re.compile(r"[^\W_]+(?:[.\-][^\W_]+)*")
# Runs of Arabic / Latin letters: arabic_ratio adds up run lengths, which makes one
# string per word instead of one per letter (several times faster on a whole article).
_ARABIC_LETTERS = re.compile("[\u0621-\u064a\u066e-\u06d3\u06fa-\u06ff]+")
_LATIN_LETTERS = re.compile("[A-Za-z]+")


def strip_diacritics(text: str) -> str:
    """Remove harakat and tatweel, keep everything else."""
    return _DIACRITICS.sub("", text).replace(_TATWEEL, "")


# Everything `normalize` drops, as one character class (regex substitution runs in C).
_DROP = re.compile(
    "[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640"
    "\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)
# (variant, folded) pairs; str.replace per present variant beats str.translate with a
# dict, which costs ~0.3 us per character for non-ASCII text.
_FOLD_PAIRS = tuple(
    (chr(key), value if isinstance(value, str) else chr(value))
    for table in (_LETTER_MAP, _DIGITS)
    for key, value in table.items()
)


def normalize(text: str) -> str:
    """Fold Arabic spelling variants for matching: diacritics, tatweel, alef/hamza forms,
    alef maqsura -> ya, ta marbuta -> ha, Persian letters, Arabic-Indic digits, case."""
    if not text.isascii():
        if not unicodedata.is_normalized("NFKC", text):
            text = unicodedata.normalize("NFKC", text)
        text = _DROP.sub("", text)
        for variant, folded in _FOLD_PAIRS:
            if variant in text:
                text = text.replace(variant, folded)
    return text.casefold()


# Arabic letters hamza..yeh without tatweel: no diacritics, no compatibility forms, no
# case, and no two of them compose, so normalising a word made only of these is just
# the letter folding (tests check this character by character and pair by pair).
_PLAIN_ARABIC_WORD = re.compile("[\u0621-\u063f\u0641-\u064a]+")
_PLAIN_FOLD_PAIRS = tuple(
    (variant, folded) for variant, folded in _FOLD_PAIRS if _PLAIN_ARABIC_WORD.fullmatch(variant)
)


def normalize_word(word: str) -> str:
    """`normalize(word)`, about twice as fast for a word of plain Arabic letters (most
    words): for code that normalises a sentence's words one at a time."""
    if _PLAIN_ARABIC_WORD.fullmatch(word):
        for variant, folded in _PLAIN_FOLD_PAIRS:
            if variant in word:
                word = word.replace(variant, folded)
        return word
    return normalize(word)


# Characters turned into spaces before splitting (see _folded_for_tokens).
_SEPARATORS = ("،", ",", '"', "(", ")", ":", "؛", "؟", "!", "«", "»", "%")


def _tokens(folded: str) -> list[str]:
    """``_TOKEN.findall(folded)`` for text without underscores, about twice as fast.

    A token never spans whitespace, so the tokens of the text are those of its
    whitespace-separated chunks; most chunks are one word (``str.isalnum`` is the
    regex's ``[^\\W_]``) or one word and a punctuation mark (``بون.``), and only the
    rest need the regex."""
    chunks = folded.split()
    if "".join(chunks).isalnum():  # only words: one check in C instead of one per chunk
        return chunks
    tokens: list[str] = []
    append = tokens.append  # bound once: this loop runs for every word of an article
    find_tokens = _TOKEN.findall
    for chunk in chunks:
        if chunk.isalnum():
            append(chunk)
        elif chunk[:-1].isalnum():  # the last character is not a word character
            append(chunk[:-1])
        else:
            tokens += find_tokens(chunk)
    return tokens


def _folded_for_tokens(text: str) -> str:
    """The normalised text with underscores and the common characters that never belong
    to a token (neither word characters nor the joiners "." and "-"; a stop before a
    space or at a line end joins nothing) made spaces: every token stays as it is, and
    most lines become plain words, which `_tokens` splits in one C call."""
    folded = normalize(text).replace("_", " ")
    for mark in _SEPARATORS:
        if mark in folded:
            folded = folded.replace(mark, " ")
    return folded.replace(". ", "  ").replace(".\n", " \n").rstrip(".")


def tokenize(text: str) -> list[str]:
    """Normalised word tokens; Latin names such as ``gpt-4o`` or ``01.ai`` stay whole."""
    return _tokens(_folded_for_tokens(text))


def tokenize_many(texts: Sequence[str]) -> list[list[str]]:
    """`tokenize` of each text, normalising them in one pass (several times faster for
    the many short sentences of an article)."""
    if not texts:
        return []
    joined = "\n".join(texts)
    if joined.count("\n") != len(texts) - 1:  # a text with a line break of its own
        return [tokenize(text) for text in texts]
    return [_tokens(line) for line in _folded_for_tokens(joined).split("\n")]


def arabic_ratio(text: str) -> float:
    """Share of letters that are Arabic (0.0 for text without letters)."""
    arabic = sum(map(len, _ARABIC_LETTERS.findall(text)))
    latin = sum(map(len, _LATIN_LETTERS.findall(text)))
    total = arabic + latin
    return arabic / total if total else 0.0


def is_arabic(text: str) -> bool:
    """True when most letters are Arabic."""
    return arabic_ratio(text) >= 0.5


def detect_language(text: str) -> str:
    """'ar' or 'en' (the two languages the summariser and replies support)."""
    return "ar" if is_arabic(text) else "en"
