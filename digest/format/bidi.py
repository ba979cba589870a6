"""Right-to-left-safe text for chat messages.

Telegram, Discord and terminals pick each line's direction from its first strong
character, and the Unicode bidi algorithm then reorders Latin names and numbers inside
Arabic text in ways that scramble a line ("01.ai" shown as "ai.01", "DeepSeek، 2025"
pulling the Arabic comma and the year into a left-to-right run). The rules here are
applied to every line we render, to plain text before it is escaped for HTML or
Markdown (the marks and isolates are ordinary characters for the escapers).

Rules
-----
0. Cleaning. Bidi controls that arrive from feeds are removed first (LRM, RLM, ALM, the
   embeddings/overrides LRE RLE LRO RLO PDF, the isolates LRI RLI FSI PDI, and a stray
   BOM), so only our own marks remain and an unbalanced override from a feed can never
   leak into the rest of a message. ZWJ/ZWNJ are kept: they shape Arabic and emoji.

1. Line direction (`line_direction`). The language's own script wins when it is present
   at all: with language "ar" a line holding any strong right-to-left letter is RTL; with
   any other language a line holding any strong left-to-right letter is LTR. A line in the
   other script only takes that script's direction; a line without letters takes the
   language's direction.

2. Runs (`isolate_runs`). A line is cut into words at whitespace and at characters of the
   line's own direction (so "لـDeepSeek" yields the word "DeepSeek"). Opening brackets and
   quotes are trimmed from a word's start and closing brackets, quotes and sentence
   punctuation (. , ، ; ؛ : ! ? ؟ …) from its end; what is left is its core.
   In an RTL line a core is
     - *Latin* if it holds a strong L character and no R/AL/AN one (DeepSeek, GPT-4o,
       01.ai, https://example.com/a?b=1),
     - a *code* if it holds European digits and a + or - sign and no letters
       (2025-01-20, -5, +966), which the algorithm would otherwise show reversed,
     - a *number* if it holds European digits only (with . , : % etc.).
   A run starts at a Latin or code core and takes in following Latin, code and number
   words when only whitespace within the line separates the cores ("Nvidia H800",
   "Llama 3"); a run never spans a line or paragraph break. Every run
   is wrapped in LRI ... PDI (U+2066 ... U+2069), so inside it keeps its written order
   and from outside it is one neutral object that neither drags neighbouring digits
   into left-to-right order nor moves punctuation. A leading number is not taken into a
   run ("2025 DeepSeek" keeps right-to-left word order, as the algorithm would show it).
   In an LTR line the mirror image applies: words holding R/AL letters and no L letter
   are Arabic words; consecutive ones form a run wrapped in RLI ... PDI.

3. Line marks (`line_mark`). An RTL line starts with RLM (U+200F) unless its first
   character is itself a strong RTL letter: a line starting with a Latin name, a digit,
   a bullet sign, a bracket or an isolate gets the mark, so no viewer can choose
   left-to-right for it. An LTR line starts with LRM (U+200E) when its first strong
   character (looking inside isolates too, as simple viewers do) is not L, or when it
   has none.

`rtl_line`, `ltr_line` and `bidi_safe` apply the rules to each paragraph of a text (split
at bidi paragraph separators: LF, CR, U+001C-001E, U+0085, U+2029).

Guarantees, checked by the tests: removing the marks and isolates from the output gives
back the cleaned input; isolates are balanced and never nested; in an RTL line no L
character stands outside an isolate; every RTL line starts with a strong RTL character;
and GNU FriBidi (a full implementation of the Unicode bidi algorithm) displays every
such line right to left with each Latin run contiguous and in its written order
(tests/test_format_bidi_uba.py).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

LRM = "\u200e"
RLM = "\u200f"
ALM = "\u061c"
LRI = "\u2066"
RLI = "\u2067"
FSI = "\u2068"
PDI = "\u2069"

_CONTROLS = frozenset(
    "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
)
_PARAGRAPH_BREAK = re.compile("(\r\n|[\n\r\x1c-\x1e\x85\u2029])")
_CONTROLS_RE = re.compile("[" + "".join(sorted(_CONTROLS)) + "]")
_OPENERS = frozenset("([{«‹“‘„\"'¿¡")
_CLOSERS = frozenset(")]}»›”’\"'.,،;؛:!?؟…۔")
_RTL_STRONG = frozenset({"R", "AL"})
# Every R, AL and AN character lies in these blocks (Hebrew to Arabic Extended, the
# presentation forms, and the historic/RTL astral blocks); test_format_bidi checks it.
_RTL_BLOCKS = (
    (0x0590, 0x08FF),
    (0xFB1D, 0xFDFF),
    (0xFE70, 0xFEFF),
    (0x10800, 0x10FFF),
    (0x1E800, 0x1EFFF),
)


def _char_class(classes: set[str]) -> str:
    """A regex character class body (as ranges) of the RTL-block chars in `classes`."""
    ranges: list[list[int]] = []
    for low, high in _RTL_BLOCKS:
        for cp in range(low, high + 1):
            if unicodedata.bidirectional(chr(cp)) not in classes:
                continue
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1][1] = cp
            else:
                ranges.append([cp, cp])
    return "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)


_RTL_OWN = _char_class({"R", "AL", "AN"})
_RTL_SEPARATORS = re.compile(f"[\\s{_RTL_OWN}]+")
_ANY_RTL_STRONG = re.compile(f"[{_char_class(set(_RTL_STRONG))}]")
_NOT_L_FAST = re.compile(
    "[\\s\x00-@\\[-`{-\x7f"
    + _char_class({"R", "AL", "AN", "NSM", "CS", "ON", "ET", "EN", "BN"})
    + "]+"
)
_SIGNS = frozenset({"ES"})  # + - and their variants


class Direction(StrEnum):
    RTL = "rtl"
    LTR = "ltr"


def strip_bidi_controls(text: str) -> str:
    """Remove every explicit bidi control (and BOM) from `text`."""
    return _CONTROLS_RE.sub("", text)


def language_direction(language: str) -> Direction:
    """The base direction of a language code ("ar", "ar-EG", "fa", "he", "ur" are RTL)."""
    primary = language.split("-")[0].split("_")[0].lower()
    return (
        Direction.RTL if primary in {"ar", "fa", "he", "ur", "ps", "ckb", "yi"} else Direction.LTR
    )


def line_direction(text: str, language: str) -> Direction:
    """Direction of one line: the language's own script wins when present (rule 1)."""
    has_rtl = _ANY_RTL_STRONG.search(text) is not None
    # Only what is left after removing RTL-block characters, spaces and ASCII non-letters
    # can be strong L; look at that remainder character by character.
    rest = _NOT_L_FAST.sub("", text)
    has_ltr = any(unicodedata.bidirectional(ch) == "L" for ch in rest)
    base = language_direction(language)
    if base is Direction.RTL:
        return Direction.RTL if has_rtl or not has_ltr else Direction.LTR
    return Direction.LTR if has_ltr or not has_rtl else Direction.RTL


@dataclass(frozen=True)
class _Word:
    lead: str
    core: str
    trail: str
    kind: str  # "foreign" | "code" | "number" | "plain"


def _is_own(ch: str, direction: Direction) -> bool:
    cls = unicodedata.bidirectional(ch)
    if direction is Direction.RTL:
        return cls in {"R", "AL", "AN"}
    return cls == "L"


def _classify(core: str, direction: Direction) -> str:
    classes = {unicodedata.bidirectional(ch) for ch in core}
    if direction is Direction.RTL:
        if "L" in classes:
            return "foreign"
        if "EN" in classes:
            return "code" if classes & _SIGNS else "number"
        return "plain"
    if classes & _RTL_STRONG:
        return "foreign"
    return "plain"


def _word(piece: str, direction: Direction) -> _Word:
    start, end = 0, len(piece)
    while start < end and piece[start] in _OPENERS:
        start += 1
    while end > start and piece[end - 1] in _CLOSERS:
        end -= 1
    core = piece[start:end]
    return _Word(piece[:start], core, piece[end:], _classify(core, direction))


def _segments(text: str, direction: Direction) -> list[str | _Word]:
    """Cut into whitespace/own-direction strings and words (everything else)."""
    out: list[str | _Word] = []
    if direction is Direction.RTL:
        start = 0
        for match in _RTL_SEPARATORS.finditer(text):
            if match.start() > start:
                out.append(_word(text[start : match.start()], direction))
            out.append(match.group())
            start = match.end()
        if len(text) > start:
            out.append(_word(text[start:], direction))
        return out
    start = 0
    in_word = False
    for index, ch in enumerate(text):
        separator = ch.isspace() or _is_own(ch, direction)
        if separator == in_word:  # a boundary between a word and separators
            if index > start:
                chunk = text[start:index]
                out.append(_word(chunk, direction) if in_word else chunk)
            start = index
            in_word = not separator
    if len(text) > start:
        chunk = text[start:]
        out.append(_word(chunk, direction) if in_word else chunk)
    return out


def _is_blank(gap: str) -> bool:
    """Whitespace within one line (a run never spans a paragraph or line break)."""
    return gap.isspace() and not any(
        ch == "\u2028" or unicodedata.bidirectional(ch) == "B" for ch in gap
    )


def isolate_runs(text: str, direction: Direction) -> str:
    """Clean `text` and wrap its opposite-direction runs in isolates (rules 0 and 2)."""
    text = strip_bidi_controls(text)
    if direction is Direction.LTR and not _ANY_RTL_STRONG.search(text):
        return text  # nothing to isolate: the common case of an English line
    segments = _segments(text, direction)
    opener = LRI if direction is Direction.RTL else RLI
    starts = {"foreign", "code"} if direction is Direction.RTL else {"foreign"}
    joins = {"foreign", "code", "number"} if direction is Direction.RTL else {"foreign"}
    out: list[str] = []
    i = 0
    while i < len(segments):
        seg = segments[i]
        if isinstance(seg, str) or seg.kind not in starts:
            out.append(seg if isinstance(seg, str) else seg.lead + seg.core + seg.trail)
            i += 1
            continue
        run = [seg.core]
        last = seg
        j = i + 1
        # Take in `space word` pairs while only whitespace separates the cores.
        while j + 1 < len(segments):
            gap, nxt = segments[j], segments[j + 1]
            if not (isinstance(gap, str) and _is_blank(gap) and isinstance(nxt, _Word)):
                break
            if last.trail or nxt.lead or nxt.kind not in joins:
                break
            run += [gap, nxt.core]
            last = nxt
            j += 2
        out.append(seg.lead + opener + "".join(run) + PDI + last.trail)
        i = j
    return "".join(out)


def _first_strong(text: str) -> str | None:
    for ch in text:
        cls = unicodedata.bidirectional(ch)
        if cls in _RTL_STRONG or cls == "L":
            return cls
    return None


def line_mark(text: str, direction: Direction) -> str:
    """The mark a line needs at its start ("" when none) (rule 3)."""
    if not text:
        return ""
    if direction is Direction.RTL:
        return "" if unicodedata.bidirectional(text[0]) in _RTL_STRONG else RLM
    return "" if _first_strong(text) == "L" else LRM


def directed_line(text: str, direction: Direction) -> str:
    """One line made safe for `direction`: cleaned, runs isolated, start marked."""
    isolated = isolate_runs(text, direction)
    if not isolated.strip():
        return isolated
    return line_mark(isolated, direction) + isolated


def _per_paragraph(text: str, make: Callable[[str], str]) -> str:
    """Apply `make` to each paragraph, keeping the separators (bidi class B) as they are."""
    parts = _PARAGRAPH_BREAK.split(text)
    # Odd indexes hold the separators captured by the split.
    return "".join(part if n % 2 else make(part) for n, part in enumerate(parts))


def rtl_line(text: str) -> str:
    """Make text right-to-left safe, paragraph by paragraph (for Arabic lines)."""
    return _per_paragraph(text, lambda line: directed_line(line, Direction.RTL))


def ltr_line(text: str) -> str:
    """Make text left-to-right safe, paragraph by paragraph (for English lines)."""
    return _per_paragraph(text, lambda line: directed_line(line, Direction.LTR))


def bidi_safe(text: str, language: str) -> str:
    """Make every line of `text` safe, each in its own direction (rule 1)."""
    return _per_paragraph(text, lambda line: directed_line(line, line_direction(line, language)))
