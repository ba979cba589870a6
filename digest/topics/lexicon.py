"""Lexicon matching: normalised word forms, compiled terms and the one-pass term counter.

Matching works on `digest.arabic.tokenize` output (normalised: no diacritics or tatweel, folded
alef, ya and ta-marbuta forms) and strips attached Arabic prefixes (و ف ب ك ل ال and
combinations) so that "وبالذكاء" matches "ذكاء". Lexicon matching also folds common suffixes
(ه ها ات ين ون ...); free keywords only fold prefixes, because a user's keyword is usually a name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..arabic import tokenize

# --- normalised word forms -----------------------------------------------------------

# Attached proclitics, longest first. "لل" is ل + ال with the alef dropped.
_PREFIXES = (
    "وبال",
    "فبال",
    "وكال",
    "ولل",
    "فلل",
    "وال",
    "فال",
    "بال",
    "كال",
    "لل",
    "ال",
    "وب",
    "ول",
    "وك",
    "فب",
    "فل",
    "فك",
    "و",
    "ف",
    "ب",
    "ك",
    "ل",
)
# Attached pronouns and plural/dual endings (normalised spelling: ة -> ه, ى -> ي).
_SUFFIXES = (
    "هما",
    "كما",
    "تان",
    "تين",
    "ها",
    "هم",
    "هن",
    "كم",
    "نا",
    "ات",
    "ان",
    "ين",
    "ون",
    "يه",
    "ه",
    "ي",
    "ك",
    "ا",  # the accusative's alef (tanween fath, diacritic dropped): «ذكاءً اصطناعيًا», «هاتفا ذكيا»
)
_MIN_STEM = 2  # letters that must remain after stripping
_ARABIC_LEAD = re.compile("^[\u0621-\u064a]{1,4}(?=[a-z0-9])")
_LATIN = re.compile("[a-z0-9]")


def _is_latin(word: str) -> bool:
    return bool(_LATIN.match(word))


def _without_prefixes(token: str) -> set[str]:
    forms = {token}
    for prefix in _PREFIXES:
        if token.startswith(prefix) and len(token) - len(prefix) >= _MIN_STEM:
            forms.add(token[len(prefix) :])
    # A word that itself begins with alef-lam («إلكتروني», «ألعاب», «ألياف» normalise to
    # «الكتروني», «العاب», «الياف») loses those letters in a compiled term, as an article
    # would (_compile_term); after a real article («الإلكتروني», «وبالألعاب») the text token
    # must lose them too, or «الهجوم الإلكتروني» never matches «هجوم إلكتروني».
    forms.update([form[2:] for form in forms if form != token and _strips_like_a_term(form)])
    return forms


def _strips_like_a_term(word: str, *, stem: bool = False) -> bool:
    """Whether `_compile_term` drops the leading «ال» of this (non-Latin) term word: the
    article is stripped from text tokens as well; but a three-letter word starting with
    alef keeps it unless the term is starred: «الأرق» bare («ارق») is also «فارق» (ف + ارق)."""
    return (
        word.startswith("ال")
        and len(word) - 2 >= 3
        and not (len(word) == 5 and word[2] == "ا" and not stem)
    )


def _without_suffixes(form: str) -> set[str]:
    forms = {form}
    for suffix in _SUFFIXES:
        if form.endswith(suffix) and len(form) - len(suffix) >= _MIN_STEM:
            base = form[: -len(suffix)]
            forms.add(base)
            if base.endswith("ت") and suffix not in ("ات", "تان", "تين"):
                forms.add(base[:-1] + "ه")  # شركتها -> شركة
            if suffix in ("ات", "تان", "تين"):
                forms.add(base + "ه")  # تقنيات -> تقنية
    return forms


def _latin_forms(token: str) -> set[str]:
    token = _ARABIC_LEAD.sub("", token)  # "وgpt-4o" -> "gpt-4o"
    forms = {token}
    if token.endswith("s") and len(token) > 3:
        forms.add(token[:-1])
    for index, char in enumerate(token):
        if char == "-" and index > 0:
            forms.add(token[:index])  # "gpt-4o" also counts as "gpt"
    return forms


def word_forms(token: str, *, suffixes: bool = True) -> frozenset[str]:
    """Every form a normalised token may stand for, the token itself included."""
    if _LATIN.search(token) and (_is_latin(token) or _ARABIC_LEAD.match(token)):
        return frozenset(_latin_forms(token))
    forms = _without_prefixes(token)
    if suffixes:
        forms = {variant for form in forms for variant in _without_suffixes(form)}
    return frozenset(forms)


# --- compiled lexicons ---------------------------------------------------------------


@dataclass(frozen=True)
class _Word:
    key: str
    stem: bool  # "برمج*": any form starting with key

    def matches(self, forms: frozenset[str]) -> bool:
        if self.stem:
            return any(form.startswith(self.key) for form in forms)
        return self.key in forms


@dataclass(frozen=True)
class _Term:
    group: str  # topic slug (or "" for a single-group lexicon)
    label: str  # as written in the catalogue or by the user
    words: tuple[_Word, ...]

    @property
    def specificity(self) -> tuple[int, int, str]:
        """Longer phrases, then longer words ("gpt-4o" over "gpt") win at one position."""
        return (len(self.words), sum(len(word.key) for word in self.words), self.label)


def _compile_term(label: str, group: str = "") -> _Term | None:
    words: list[_Word] = []
    for raw in label.split():
        stem = raw.endswith("*")
        pieces = tokenize(raw.rstrip("*"))
        for index, piece in enumerate(pieces):
            key = piece
            if not _is_latin(key) and _strips_like_a_term(key, stem=stem):
                key = key[2:]
            words.append(_Word(key, stem and index == len(pieces) - 1))
    return _Term(group, label, tuple(words)) if words else None


_CACHE_LIMIT = 50_000  # distinct tokens remembered per lexicon


class _Lexicon:
    """Terms of several groups (topics) indexed by their first word, so that a text is
    scanned once for all groups. Within a group, the longest phrase at a position wins
    and its tokens do not start shorter matches."""

    def __init__(self, groups: Mapping[str, Iterable[str]]) -> None:
        self._exact: dict[str, list[_Term]] = {}
        self._stems: dict[str, list[_Term]] = {}
        seen: set[tuple[str, tuple[_Word, ...]]] = set()
        for group, labels in groups.items():
            for label in labels:
                term = _compile_term(label, group)
                if term is None or (group, term.words) in seen:
                    continue  # spelling variants of one term count once
                seen.add((group, term.words))
                first = term.words[0]
                index = self._stems if first.stem else self._exact
                index.setdefault(first.key, []).append(term)
        self._stem_lengths = sorted({len(key) for key in self._stems})
        self._cache: dict[frozenset[str], tuple[_Term, ...]] = {}

    def count(self, tokens: Sequence[frozenset[str]]) -> dict[str, dict[str, int]]:
        """Occurrences of each term label, per group, in a sequence of token forms."""
        counts: dict[str, dict[str, int]] = {}
        covered_until: dict[str, int] = {}
        for position, forms in enumerate(tokens):
            best: dict[str, _Term] = {}
            for term in self._candidates(forms):
                if position < covered_until.get(term.group, 0):
                    continue
                if position + len(term.words) > len(tokens):
                    continue
                current = best.get(term.group)
                if current is not None and term.specificity <= current.specificity:
                    continue
                if all(
                    word.matches(tokens[position + offset])
                    for offset, word in enumerate(term.words[1:], start=1)
                ):
                    best[term.group] = term
            for group, term in best.items():
                group_counts = counts.setdefault(group, {})
                group_counts[term.label] = group_counts.get(term.label, 0) + 1
                covered_until[group] = position + len(term.words)
        return counts

    def _candidates(self, forms: frozenset[str]) -> tuple[_Term, ...]:
        cached = self._cache.get(forms)
        if cached is not None:
            return cached
        found: dict[int, _Term] = {}
        for form in forms:
            for term in self._exact.get(form, ()):
                found[id(term)] = term
            for length in self._stem_lengths:
                if length > len(form):
                    break
                for term in self._stems.get(form[:length], ()):
                    found[id(term)] = term
        result = tuple(sorted(found.values(), key=lambda term: term.specificity, reverse=True))
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[forms] = result
        return result


def _token_forms(
    text: str, *, suffixes: bool, cache: dict[str, frozenset[str]]
) -> list[frozenset[str]]:
    out = []
    for token in tokenize(text):
        forms = cache.get(token)
        if forms is None:
            forms = word_forms(token, suffixes=suffixes)
            cache[token] = forms
        out.append(forms)
    return out


def _term_words(keyword: str) -> tuple[_Word, ...] | None:
    term = _compile_term(keyword)
    return term.words if term is not None else None
