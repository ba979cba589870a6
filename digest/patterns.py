"""Chats' regular-expression terms: a subscription or exclusion written ``/…/``.

A user's pattern is hostile input. It is compiled with RE2 (google-re2), whose matching
time is linear in the text for every pattern (no backtracking, no look-around, no
back-references), never with Python's ``re``. Its length is bounded
(`PATTERN_MAX_LENGTH`) and so is how many a chat keeps (`PATTERNS_PER_CHAT`, enforced
by the commands). Linear time can still have a large factor: RE2 runs in time
proportional to text length times program size, and a small pattern can compile to a
large program (``[^a]{500}x``: 4,005 instructions, 137 ms on 3,000 characters). So a
compiled program may have at most `PROGRAM_MAX_SIZE` instructions (measured worst case at
that size: about 25 ms on 3,000 characters), RE2's memory budget is `_MAX_MEMORY`, and
the text searched is cut at `TEXT_MAX_LENGTH` characters.

Patterns are matched on the *normalised* title and bullets of a story
(`pattern_text`): Arabic spelling variants folded and everything case-folded, as
keywords are. The pattern's own non-ASCII runs are folded the same way
(`fold_pattern`), so ``/أبل/`` matches "ابل" and "أبل"; its ASCII part (syntax,
escapes such as ``\\D`` and ``\\W``) is kept as written and matched ignoring case.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import re2

from digest.arabic import normalize

PATTERN_MAX_LENGTH = 200  # characters between the slashes
PATTERNS_PER_CHAT = 10  # subscriptions and exclusions together
PROGRAM_MAX_SIZE = 1000  # RE2 instructions ("\\w+": 13, "ايفون ?1[0-9]": 18)
TEXT_MAX_LENGTH = 3000  # characters of title and bullets searched
_MAX_MEMORY = 1 << 17  # bytes of RE2 memory per pattern
_SEPARATORS = frozenset(",،;؛")


class PatternError(ValueError):
    """A pattern that cannot be used; `problem` says why (RE2's message, or the limit)."""

    def __init__(self, term: str, problem: str) -> None:
        super().__init__(f"{term}: {problem}")
        self.term = term
        self.problem = problem


def is_pattern(term: str) -> bool:
    """Whether a stored or typed term is a pattern: ``/…/`` with something inside."""
    return len(term) >= 3 and term.startswith("/") and term.endswith("/")


def split_patterns(text: str) -> tuple[list[str], str]:
    """The ``/…/`` terms of a command's argument text, and the text without them.

    A pattern starts with "/" at the start of a word and ends at the next unescaped
    "/" that ends a word (followed by a space, a separator or the end), so a pattern may
    hold spaces and commas (``/open ?ai|deep ?seek/``, ``/x{1,3}/``). A "/" that is never
    closed is left in the text (it then reads as a bad keyword). Linear in the text: a
    scan that finds no closing slash ends the search, since no later start can find one
    either."""
    found: list[str] = []
    rest: list[str] = []
    i, n = 0, len(text)
    last = 0
    while i < n:
        if text[i] == "/" and (i == 0 or text[i - 1].isspace() or text[i - 1] in _SEPARATORS):
            end = _closing_slash(text, i + 1)
            if end is None:
                break
            if end > i + 1:
                rest.append(text[last:i])
                found.append(text[i : end + 1])
                last = i = end + 1
                continue
        i += 1
    rest.append(text[last:])
    return found, " ".join(part for part in (p.strip() for p in rest) if part)


def _closing_slash(text: str, start: int) -> int | None:
    i, n = start, len(text)
    while i < n:
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if char == "/" and (i + 1 == n or text[i + 1].isspace() or text[i + 1] in _SEPARATORS):
            return i
        i += 1
    return None


def fold_pattern(source: str) -> str:
    """The pattern as matched against normalised text: its runs of non-ASCII characters
    normalised (`digest.arabic.normalize`), its ASCII characters untouched (case is
    ignored when matching, and folding ASCII would turn ``\\D`` into ``\\d``)."""
    out: list[str] = []
    run: list[str] = []
    for char in source:
        if char.isascii():
            if run:
                out.append(normalize("".join(run)))
                run = []
            out.append(char)
        else:
            run.append(char)
    if run:
        out.append(normalize("".join(run)))
    return "".join(out)


@dataclass(frozen=True)
class Pattern:
    """A compiled pattern term; `term` is how the chat wrote it (with the slashes)."""

    term: str
    _regexp: Any  # re2._Regexp (google-re2 ships no type information)

    def search(self, text: str) -> bool:
        """Whether the pattern occurs in `text` (already normalised: `pattern_text`)."""
        return self._regexp.search(text) is not None


def compile_pattern(term: str) -> Pattern:
    """Compile a ``/…/`` term with RE2. Raises PatternError naming the problem: too
    long, empty, or RE2's own message ("missing ): (a", "invalid perl operator: (?=")."""
    if not is_pattern(term):
        raise PatternError(term, "not written /…/")
    return _compiled(term)


@lru_cache(maxsize=4096)
def _compiled(term: str) -> Pattern:
    # Cached: the same few chat patterns are matched against every new story.
    source = term[1:-1]
    if len(source) > PATTERN_MAX_LENGTH:
        raise PatternError(term, f"longer than {PATTERN_MAX_LENGTH} characters")
    if not source.strip():
        raise PatternError(term, "empty pattern")
    options = re2.Options()
    options.log_errors = False  # the problem is reported to the user, not to stderr
    options.case_sensitive = False
    options.max_mem = _MAX_MEMORY
    try:
        regexp = re2.compile(fold_pattern(source), options)
    except re2.error as error:
        raise PatternError(term, _message(error)) from error
    size = int(regexp.programsize)
    if size > PROGRAM_MAX_SIZE:
        problem = f"too complex (RE2 program size {size}, at most {PROGRAM_MAX_SIZE})"
        raise PatternError(term, problem)
    return Pattern(term, regexp)


def _message(error: Exception) -> str:
    raw = error.args[0] if error.args else str(error)
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    return text or "invalid pattern"


def pattern_text(title: str, bullets: Sequence[str]) -> str:
    """What patterns are matched against: the normalised title and bullets, one a line,
    at most `TEXT_MAX_LENGTH` characters (a feed's title is not bounded otherwise)."""
    parts = (normalize(part[:TEXT_MAX_LENGTH]) for part in (title, *bullets))
    return "\n".join(parts)[:TEXT_MAX_LENGTH]


def pattern_hits(terms: Iterable[str], title: str, bullets: Sequence[str]) -> frozenset[str]:
    """The pattern terms (as written) that occur in the story's title or bullets. Terms
    that are not patterns, or do not compile (never stored by the commands), are
    skipped."""
    text: str | None = None
    found: set[str] = set()
    for term in terms:
        if not is_pattern(term):
            continue
        try:
            pattern = _compiled(term)
        except PatternError:
            continue
        if text is None:
            text = pattern_text(title, bullets)
        if pattern.search(text):
            found.add(term)
    return frozenset(found)
