"""The conjunction lexicon (issue #13 point 4): words starting with و that are the
conjunction glued to a word in its own right («ويشمل» = و + «يشمل», «واستطاع»،
«ونوّه»), and words whose first letter is their own although what follows it is a
word too («وجدت»، «وحدة»، «واحد»). Counted once on the ANT pool without its dev split
by ``bench/build_conjunction_lexicon.py``; shipped as ``digest/data/conjunction_lexicon.txt.gz``
(normalised words). Words it does not know are left to the article (see
`digest.summarize.residue.conjunction_removable`).

Also `wordset`, the small word lists the rule modules (connectives.py, dependent.py)
write as one string; it lives here, below both, so that neither imports the other."""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from functools import cache
from importlib import resources

__all__ = ["ConjunctionLexicon", "conjunction_lexicon", "wordset"]

LEXICON_FILE = "conjunction_lexicon.txt.gz"


def wordset(words: str) -> frozenset[str]:
    """The words of `words`, split on white space, as a set (taken as written: callers
    normalise first where they need normalised words)."""
    return frozenset(words.split())


@dataclass(frozen=True)
class ConjunctionLexicon:
    """Normalised words: `conjunction` = و + a word; `own` = و is the word's own letter."""

    conjunction: frozenset[str] = frozenset()
    own: frozenset[str] = frozenset()

    @classmethod
    def parse(cls, lines: list[str]) -> ConjunctionLexicon:
        """Lines "conjunction<TAB>words ..." and "own<TAB>words ..."; "#" starts a
        comment. Raises ValueError on another line."""
        kinds: dict[str, frozenset[str]] = {}
        for line in lines:
            if not line.strip() or line.startswith("#"):
                continue
            kind, tab, words = line.partition("\t")
            if not tab or kind not in {"conjunction", "own"}:
                raise ValueError(f"conjunction lexicon: bad line {line[:40]!r}")
            kinds[kind] = frozenset(words.split())
        return cls(kinds.get("conjunction", frozenset()), kinds.get("own", frozenset()))


@cache
def conjunction_lexicon() -> ConjunctionLexicon:
    """The shipped lexicon, read once (immutable). Raises OSError, ValueError."""
    resource = resources.files("digest").joinpath("data", LEXICON_FILE)
    text = gzip.decompress(resource.read_bytes()).decode("utf-8")
    return ConjunctionLexicon.parse(text.splitlines())
