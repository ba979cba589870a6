"""What of a headline the bullets must show (issue #13 point 2): its figures («42 %»)
and its names («هواوي», «Apple»), when a sentence of the article gives them. Pure
functions over the title and the article's tokens; `ExtractiveSummarizer` brings in the
sentence (`search.anchor_title`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from ..arabic import tokenize
from .scoring import STOPWORDS

__all__ = ["title_anchors"]

# A test (bullet text, bullet tokens) -> whether the bullet gives one thing of the headline
Anchor = Callable[[str, Iterable[str]], bool]

# A figure of a headline: digits, with decimals ("1.5", "42")
_TITLE_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
# The article, alone or after a preposition or conjunction ("لل" is ل + ال)
_DEFINITE = ("ال", "وال", "بال", "كال", "فال", "لل")
# Endings of a feminine noun (ة, normalised ه), a plural, a pronoun: not names
_NOT_A_NAME_ENDING = ("ه", "ات", "ون", "ين")
# One-letter prefixes glued to a name in running text: «لهواوي», «بأبل», «وسامسونج»
_NAME_PREFIXES = ("و", "ب", "ل", "ف", "ك")


def _is_latin(token: str) -> bool:
    return token.isascii() and any(ch.isalpha() for ch in token)


def title_names(title: str, article_words: Sequence[Sequence[str]]) -> list[str]:
    """The headline's names, normalised: a Latin-script word of the title that the
    article uses («apple», «ps4»), or an Arabic one that the article uses three times or more
    and that has the form of a name: no article and never written with one in the text
    (names take none: «هواوي», «سامسونغ», «جاويد», while «استخدام» meets «الاستخدام»),
    no ending of a feminine noun, a plural or a pronoun (ة/ه، ات، ون، ين). Stopwords and
    words of under three letters are no names. `article_words`: the tokens of each
    sentence searched."""
    names: list[str] = []
    everything: set[str] | None = None
    for token in dict.fromkeys(tokenize(title)):
        if token in STOPWORDS or len(token) < 3 or token.isdigit():
            continue
        latin = _is_latin(token)
        if not latin and (token.startswith(_DEFINITE) or token.endswith(_NOT_A_NAME_ENDING)):
            continue
        # only the title's few words are counted (list.count runs in C)
        count = sum(words.count(token) for words in article_words)
        if latin:
            if count:
                names.append(token)
        elif count >= 3:
            if everything is None:
                everything = {word for words in article_words for word in words}
            if everything.isdisjoint(prefix + token for prefix in _DEFINITE):
                names.append(token)
    return names


def _holds_name(name: str) -> Anchor:
    glued = frozenset(prefix + name for prefix in _NAME_PREFIXES) | {name}

    def holds(_text: str, tokens: Iterable[str]) -> bool:
        return not glued.isdisjoint(tokens)

    return holds


def _holds_number(number: str) -> Anchor:
    pattern = re.compile(rf"(?<![\d.,]){re.escape(number)}(?![\d]|[.,]\d)")

    def holds(text: str, _tokens: Iterable[str]) -> bool:
        return pattern.search(text) is not None

    return holds


def title_anchors(title: str, article_words: Sequence[Sequence[str]]) -> list[tuple[bool, Anchor]]:
    """(is a name, test) pairs; a test (bullet text, bullet tokens) tells whether the
    bullet gives one thing of the headline: each of its figures, then each of its names
    (`title_names`)."""
    anchors: list[tuple[bool, Anchor]] = []
    if any(ch.isdigit() for ch in title):
        for number in dict.fromkeys(_TITLE_NUMBER.findall(title)):
            anchors.append((False, _holds_number(number)))
    anchors.extend((True, _holds_name(name)) for name in title_names(title, article_words))
    return anchors
