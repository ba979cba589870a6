"""Text helpers shared by the formatters: cleaning, length in UTF-16 units, fitting."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from digest.format.bidi import strip_bidi_controls

_WHITESPACE = re.compile(r"\s+")
_CONTROL_CHARS = re.compile("[\x00-\x1f\x7f-\x9f]")  # Unicode category Cc
_SURROGATES = re.compile("[\ud800-\udfff]")  # lone surrogates cannot be encoded
ELLIPSIS = "…"


def utf16_len(text: str) -> int:
    """Length as Telegram and Discord (JavaScript) count it: UTF-16 code units."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def clean_inline(text: str) -> str:
    """One line of display text: bidi controls, control characters and lone surrogates
    removed, every run of whitespace (newlines included) turned into one space."""
    text = _SURROGATES.sub("", strip_bidi_controls(text))
    return _WHITESPACE.sub(" ", _CONTROL_CHARS.sub(" ", text)).strip()


def fits_prefix(text: str, fits: Callable[[str], bool]) -> int:
    """Largest n such that fits(text[:n]) holds (binary search; 0 when nothing fits)."""
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if fits(text[:mid]):
            lo = mid
        else:
            hi = mid - 1
    return lo


def truncate(text: str, fits: Callable[[str], bool]) -> str:
    """`text` itself when it fits, else its longest prefix that fits with an ellipsis."""
    if fits(text):
        return text
    n = fits_prefix(text, lambda prefix: fits(prefix.rstrip() + ELLIPSIS))
    return text[:n].rstrip() + ELLIPSIS if n else ""


_ZWJ = "\u200d"


def _joins_previous(ch: str) -> bool:
    """Characters that belong to the character before them: combining marks, variation
    selectors, emoji modifiers, ZWJ."""
    cp = ord(ch)
    return (
        unicodedata.category(ch) in {"Mn", "Mc", "Me"}
        or ch == _ZWJ
        or 0xFE00 <= cp <= 0xFE0F
        or 0x1F3FB <= cp <= 0x1F3FF
        or 0xE0020 <= cp <= 0xE007F  # emoji tag sequences
    )


def _cluster_boundary(word: str, n: int) -> int:
    """Move a cut at `n` back so it does not split a letter from its marks, an emoji ZWJ
    sequence or a flag (pair of regional indicators); `n` itself when no earlier cut is
    clean."""
    cut = n
    while 0 < cut < len(word) and (_joins_previous(word[cut]) or word[cut - 1] == _ZWJ):
        cut -= 1
    if 0 < cut < len(word) and _is_regional(word[cut]) and _is_regional(word[cut - 1]):
        # Flags pair up from the start of the run of regional indicators.
        start = cut
        while start > 0 and _is_regional(word[start - 1]):
            start -= 1
        if (cut - start) % 2:
            cut -= 1
    return cut if cut > 0 else n


def _is_regional(ch: str) -> bool:
    return 0x1F1E6 <= ord(ch) <= 0x1F1FF


def split_to_fit(text: str, fits: Callable[[str], bool]) -> list[str]:
    """Cut cleaned `text` into pieces that each satisfy `fits`, at spaces when possible
    and between characters otherwise. Joining the pieces with spaces gives `text` back
    (up to the spaces at the cuts). `fits` must accept any single character."""
    if fits(text):
        return [text] if text else []
    pieces: list[str] = []
    words = text.split(" ")
    i = 0
    while i < len(words):
        if fits(" ".join(words[i:])):
            pieces.append(" ".join(words[i:]))
            break
        # Binary search the number of whole words that fit.
        lo, hi = 0, len(words) - i
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if fits(" ".join(words[i : i + mid])):
                lo = mid
            else:
                hi = mid - 1
        if lo:
            pieces.append(" ".join(words[i : i + lo]))
            i += lo
            continue
        word = words[i]
        n = fits_prefix(word, fits)
        if n == 0:
            raise ValueError("budget too small for a single character")
        n = _cluster_boundary(word, n)
        pieces.append(word[:n])
        words[i] = word[n:]
        if not words[i]:
            i += 1
    return [piece for piece in pieces if piece]


def split_rendered(text: str, render: Callable[[str], str], budget: int) -> list[str]:
    """Cut `text` into pieces whose rendering is at most `budget` UTF-16 units."""
    return split_to_fit(text, lambda piece: utf16_len(render(piece)) <= budget)
