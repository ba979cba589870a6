"""Extractive summarizer: picks 3-5 sentences of the article as bullets.

How it chooses (tuned on one half of EASC dev, reported on the other):

1. `InclusionModel` gives each candidate sentence the probability that a human extract
   keeps it: a logistic model over position (smooth: first sentence, log position,
   relative position), length, similarity to the title (or to the lead sentence when
   untitled) and centrality (how much its words recur in the other sentences).
2. `ExtractiveSummarizer.coverage_order` then searches greedily for the sentences that
   maximise the expected ROUGE-1 F1 against such a random extract: a word's expected
   matches are clipped by how often the extract is likely to hold it. This favours
   sentences that carry the article's recurring content, and it is the redundancy
   control (a sentence repeating chosen words gains little), so no MMR step is needed.

Why not rank by the probabilities: annotators' choices beyond the first sentence are
hard to predict (features beyond position explain about 2 % more of their variance),
and ranking by such learned scores did no better than Lead; optimising the expected
overlap does, clearly at the 3-sentence budget, a little at the references' length
(numbers: ``newsdigest eval summaries``). Pure Python, about 1 ms per article
(``bench/summarize.py``).

Sentences up to 300 characters are shown whole. Longer ones become their longest leading
part cut at a comma clause or, for the long comma-less sentences of Arabic news, just
before a clause opener such as حيث / وذلك / مشيرا, but only where the cut is safe
(`digest.summarize.cutting`: no condition without its consequence, no «أنّ» without
its predicate, no outcome after «قبل أن» or exception dropped); with no safe cut the
sentence is not a bullet and another one is picked.

Bullets come out in the article's order, not by score: news sentences often lean on
what came before them (who "the company" is), so the original order reads best.

The parts, one module each: `scoring` (the model, features, scoring terms and the
search's state), `boilerplate` (what is not article text), `connectives` (leading
connectives dropped), `dependent` and `leaning` (openings that lean on the sentence
before), `cutting` (safe cuts), `residue` (what must not be left in a bullet, and what
the eval counts), `search` (the search and the lead and headline anchors). This module
makes the bullets and runs the search over them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Iterator, Sequence
from itertools import chain, filterfalse, repeat
from operator import attrgetter, itemgetter

from ..arabic import detect_language, normalize_word, tokenize, tokenize_many
from ..sentences import Sentence, quotes_balanced, segment
from .boilerplate import (
    BOILERPLATE_TOKENS,
    LIST_INTRO_ENDINGS,
    body_sentences,
    is_boilerplate,
    is_list_item,
    is_reply,
    looks_like_code,
    may_be_boilerplate,
    strip_caption,
    strip_dateline,
)
from .connectives import strip_connective
from .cutting import clause_opener_parts, comma_parts, safe_leading_part
from .dependent import announces_next, fa_leans
from .leaning import background_goes_on, but_what_happened, candidate_before, leans_back
from .references import first_dropped_name, first_ungrounded, refers_to_someone
from .residue import (
    CALL_TO_ACTION_TOKENS,
    fact_keys,
    is_call_to_action,
    strip_agency_dateline,
    unhash,
)
from .scoring import (
    Candidate,
    Features,
    InclusionModel,
    TermCache,
    content_tokens,
    shortlist,
    word_counts,
)
from .search import anchor_lead, anchor_title, coverage_order
from .tables import TableLabels

__all__ = [
    "Candidate",
    "ExtractiveSummarizer",
    "Features",
    "InclusionModel",
    "content_tokens",
    "is_boilerplate",
    "looks_like_code",
    "strip_connective",
    "strip_dateline",
]

_STRAY_EDGE_QUOTES = '"“”«»'
# `tuple.__new__(NamedTupleClass, fields)`: the named tuple built in C, without the
# Python-level `__new__` that calling the class runs (the same tuple; per sentence)
_new_tuple = tuple.__new__
# a candidate's token count and sentence, read in C (a generator expression costs a frame
# step each, the `Candidate.sentence` property a Python call)
_TOKEN_COUNT = attrgetter("features.tokens")
_SENTENCE = attrgetter("features.sentence")
_HEADING = attrgetter("heading")
_TEXT = attrgetter("text")


def _tokens_after_edit(sentence: str, words: list[str], edited: str) -> list[str]:
    """`tokenize(edited)`, reusing `words` (the sentence's tokens) when only the start
    of the sentence was changed (a connective dropped): tokens never span a space, so
    what follows the changed first word keeps its tokens."""
    head, space, tail = edited.partition(" ")
    if space and sentence.endswith(" " + tail):
        dropped = sentence[: len(sentence) - len(tail) - 1]
        if _PLAIN_WORD.fullmatch(dropped) and _PLAIN_WORD.fullmatch(head):
            # one plain Arabic word for another ("وأضاف" -> "أضاف", most edits): each is
            # one token, its normalised form
            return [normalize_word(head), *words[1:]]
        # both short pieces in one normalisation pass (it costs as much as the tokens)
        dropped_words, head_words = tokenize_many([dropped, head])
        return head_words + words[len(dropped_words) :]
    return tokenize(edited)


# A word of plain Arabic letters (no diacritics, tatweel or marks): its only token is
# `normalize_word` of it
_PLAIN_WORD = re.compile("[\u0621-\u063f\u0641-\u064a]+")


def _plain(text: str, tokens: list[str], terminated: bool) -> bool:
    """A bullet that stands on its own: a terminated statement, not a question, not a
    list introduction, not code, not leaning on the sentence before it."""
    return (
        terminated
        and not _is_question(text)
        and not text.endswith((":", "："))
        and not (tokens and tokens[-1] in LIST_INTRO_ENDINGS)
        and not looks_like_code(text)
        and not leans_back(text, tokens)
    )


def _is_question(text: str) -> bool:
    return text.rstrip("\"”»’') ").endswith(("?", "؟"))


def _fix_edge_quotes(text: str) -> str:
    """Drop a quote mark left dangling at either end of a sentence."""
    if quotes_balanced(text):
        return text
    trimmed = text
    if trimmed[:1] in _STRAY_EDGE_QUOTES:
        trimmed = trimmed[1:].lstrip()
    if not quotes_balanced(trimmed) and trimmed[-1:] in _STRAY_EDGE_QUOTES:
        trimmed = trimmed[:-1].rstrip()
    if not quotes_balanced(trimmed) and len(trimmed) > 1 and trimmed[-2] in _STRAY_EDGE_QUOTES:
        # 'text".' -> 'text.'
        trimmed = trimmed[:-2].rstrip() + trimmed[-1]
    return trimmed


class _ArticleWords(Collection[str]):
    """The article's normalised tokens as a set, built on first use: most articles'
    bullets never ask (only a leading و/ف that no rule settles does)."""

    def __init__(self, candidates: Sequence[Candidate]) -> None:
        self._candidates = candidates
        self._words: set[str] | None = None

    def _set(self) -> set[str]:
        if self._words is None:
            self._words = set(chain.from_iterable(c.features.words for c in self._candidates))
        return self._words

    def __contains__(self, word: object) -> bool:
        return word in self._set()

    def __iter__(self) -> Iterator[str]:
        return iter(self._set())

    def __len__(self) -> int:
        return len(self._set())

    def __bool__(self) -> bool:
        return bool(self._candidates)


def _straight_quotes(text: str) -> str:
    """Curly double quotes turned the wrong way ('”Galaxy Note 9”') made straight, so
    that they pair up; other text is returned as it is."""
    if quotes_balanced(text) or not ("”" in text or "“" in text):
        return text
    return text.replace("”", '"').replace("“", '"')


def _looks_like_verse(text: str) -> bool:
    """Most of the first lines are short and end without a stop: a poem or a list of
    captions, whose lines the splitter joins into one long unterminated sentence."""
    lines = [line.strip() for line in text[:4000].splitlines() if line.strip()][:20]
    if len(lines) < 4:
        return False
    short = sum(1 for line in lines if len(line) <= 80 and not line.endswith(_STOPS))
    return short >= 0.7 * len(lines)


_STOPS = (".", "!", "?", "؟", "…")


class ExtractiveSummarizer:
    """The default summarizer (digest.ports.Summarizer). Never raises on odd text."""

    name = "extractive"
    # True: the search's pick after the bullets are full is drawn at once, as it was
    # before it was deferred (tests compare the two; the bullets are the same)
    _draw_next_pick_at_once = False

    def __init__(
        self,
        model: InclusionModel | None = None,
        *,
        min_bullets: int = 3,
        max_bullets: int = 5,
        max_chars: int = 300,
    ) -> None:
        self.model = model or InclusionModel()
        self.min_bullets = min_bullets
        self.max_bullets = max_bullets
        self.max_chars = max_chars
        # token -> scoring term ("" for stopwords): a dict is several times cheaper per
        # token than the lru_cache behind _content_term, and this runs per token
        self._terms = TermCache()

    # -- ranking ----------------------------------------------------------------------

    def features(self, title: str, text: str) -> list[Features]:
        """Candidate sentences of the article with their features, in article order.
        Headings, boilerplate, duplicates and tiny sentences are left out."""
        sentences = list(filterfalse(_HEADING, body_sentences(segment(text), text)))
        symbols = may_be_boilerplate(text)
        # rows of a specification table pasted into the text («الوزن سامسونغ …: 163 غرام»)
        table = TableLabels(text)
        is_row = table.is_row if table else None  # (asked once: most articles hold none)
        seen: set[tuple[str, ...]] = set()
        kept: list[tuple[Sentence, set[str], list[str], int]] = []
        token_lists = tokenize_many(list(map(_TEXT, sentences)))
        # the cache's C lookup per token; only a token not seen before calls Python
        term_of = self._terms.__getitem__
        no_boilerplate_word = BOILERPLATE_TOKENS.isdisjoint
        for sentence, words in zip(sentences, token_lists, strict=True):
            key = tuple(words)
            if key in seen:
                continue
            if (symbols or not no_boilerplate_word(words)) and is_boilerplate(sentence.text):
                continue
            if is_row is not None and is_row(sentence.text):
                continue
            seen.add(key)
            # stopwords map to "": counted out and discarded (cheaper than filtering)
            mapped = list(map(term_of, words))
            terms = set(mapped)
            terms.discard("")
            kept.append((sentence, terms, words, len(mapped) - mapped.count("")))
        informative = [k for k in kept if k[3] >= self.model.min_tokens]
        # short texts: rather short sentences than fewer than min_bullets
        kept = (
            informative if len(informative) >= self.min_bullets else [k for k in kept if k[3] >= 2]
        )
        if not kept:
            return []
        count = len(kept)
        df = word_counts(chain.from_iterable(map(itemgetter(1), kept)))
        others = max(1, count - 1)
        untitled = not title.strip()
        if untitled:
            headline = kept[0][1]
        else:
            # `set(content_tokens(title))`: its terms through the term cache
            headline = set(map(term_of, tokenize(title)))
            headline.discard("")
        out: list[Features] = []
        in_df = df.__getitem__
        headline_size = len(headline)
        sqrt = math.sqrt
        for index, (sentence, terms, words, n_terms) in enumerate(kept):
            size = len(terms)
            # share of the other sentences that hold each of its terms, on average
            central = (sum(map(in_df, terms)) - size) / (others * size) if size else 0.0
            common = len(terms & headline)
            similar = common / sqrt(size * headline_size) if size and headline_size else 0.0
            out.append(
                _new_tuple(
                    Features,
                    (
                        sentence,
                        index,
                        0.0 if untitled and index == 0 else similar,
                        central,
                        n_terms,
                        len(words),
                        words,
                    ),
                )
            )
        return out

    def _terms_of(self, words: list[str]) -> list[str]:
        """The scoring term of each token ("" for stopwords), through the term cache."""
        return list(map(self._terms.__getitem__, words))

    def rank(self, title: str, text: str) -> list[Candidate]:
        """Candidates with their inclusion probabilities, in article order."""
        features = self.features(title, text)
        # (feature, probability) pairs made Candidates in C: `Candidate(...)` is a
        # Python-level __new__, `tuple.__new__` of the same fields the same tuple
        pairs = zip(features, self.model.probabilities(features), strict=True)
        return list(map(_new_tuple, repeat(Candidate), pairs))

    def coverage_order(
        self,
        candidates: Sequence[Candidate],
        *,
        words: Sequence[Sequence[str]] | None = None,
        max_tokens: int | None = None,
        accept: Callable[[int], bool] | None = None,
        article_tokens: int | None = None,
    ) -> Iterator[int]:
        """`search.coverage_order` with this summarizer's model: indexes into
        `candidates`, lazily, in the order the greedy expected-overlap search adds them."""
        return coverage_order(
            self.model,
            candidates,
            words=words,
            max_tokens=max_tokens,
            accept=accept,
            article_tokens=article_tokens,
        )

    def pick(
        self,
        candidates: Sequence[Candidate],
        *,
        max_sentences: int | None = None,
        max_tokens: int | None = None,
    ) -> list[Candidate]:
        """The search's picks among `candidates` (all of an article's), best first,
        within a budget of sentences and/or word tokens (the last one may cross the
        token budget). Without a token budget only the likeliest are searched."""
        article_tokens = sum(map(_TOKEN_COUNT, candidates))
        pool = shortlist(candidates) if max_tokens is None else list(candidates)
        chosen: list[Candidate] = []
        used = 0
        for i in self.coverage_order(pool, max_tokens=max_tokens, article_tokens=article_tokens):
            if max_sentences is not None and len(chosen) >= max_sentences:
                break
            if max_tokens is not None and used >= max_tokens:
                break
            chosen.append(pool[i])
            used += pool[i].tokens
        return chosen

    def select(
        self,
        title: str,
        text: str,
        *,
        max_sentences: int | None = None,
        max_tokens: int | None = None,
        article_order: bool = True,
    ) -> list[Sentence]:
        """Best sentences, whole, within a budget of sentences and/or word tokens (the
        last sentence may cross the token budget); in article order, or best first with
        ``article_order=False``. For evals."""
        chosen = self.pick(
            self.rank(title, text), max_sentences=max_sentences, max_tokens=max_tokens
        )
        if article_order:
            chosen.sort(key=lambda c: c.sentence.index)
        return [c.sentence for c in chosen]

    # -- bullets ----------------------------------------------------------------------

    def _bullet(
        self,
        sentence: str,
        language: str,
        words: list[str] | None = None,
        article_words: Collection[str] = (),
    ) -> tuple[str, list[str]] | None:
        """The sentence made readable on its own, with its tokens; None if it can't be.
        `words` are the sentence's tokens when known (reused if the text is unchanged);
        `article_words` the article's tokens (see `strip_connective`)."""
        text = strip_connective(
            strip_agency_dateline(strip_dateline(strip_caption(sentence))), language, article_words
        )
        if "#" in text or "_" in text:
            # "#الأخبار_المضللة" reads "الأخبار المضللة" ("C#", "snake_case" stay)
            text = unhash(text)
        balanced = quotes_balanced(text)
        if not balanced:
            text = _fix_edge_quotes(text)
        if len(text) <= self.max_chars:
            shortened: str | None = text
        else:
            # the longest leading part that is a complete statement and whose dropped
            # rest changes nothing it says (digest.summarize.cutting); none: no bullet
            parts = comma_parts(text, self.max_chars)
            if language == "ar":
                parts += clause_opener_parts(text, self.max_chars)
            shortened = safe_leading_part(text, self.max_chars, parts)
        if shortened is None:
            return None
        # most sentences are kept whole and were balanced already: no second check
        if not (balanced and shortened is text) and not quotes_balanced(shortened):
            return None
        if words is None:
            words = tokenize(shortened)
        elif shortened != sentence:
            words = _tokens_after_edit(sentence, words, shortened)
        if len(words) < 4:
            return None
        return shortened, words

    def _bullet_count(self, candidates: int) -> int:
        if candidates < 8:
            wanted = self.min_bullets
        elif candidates < 16:
            wanted = self.min_bullets + 1
        else:
            wanted = self.max_bullets
        return max(self.min_bullets, min(self.max_bullets, wanted))

    def _plain_bullet(
        self, candidate: Candidate, language: str, article_words: Collection[str]
    ) -> tuple[str, list[str]] | None:
        """`candidate`'s bullet when it reads on its own as a plain statement (`_plain`:
        no question, a terminated sentence); None otherwise."""
        made = self._bullet(
            candidate.sentence.text, language, candidate.features.words, article_words
        )
        if made is None or not _plain(made[0], made[1], candidate.sentence.terminated):
            return None
        return made

    def _with_the_sentence_before(
        self,
        index: int,
        ranked: Sequence[Candidate],
        picked: list[tuple[int, str, set[str]]],
        add: Callable[[int, str, list[str]], None],
        wanted: int | None,
        language: str,
        article_words: Collection[str],
    ) -> bool:
        """Whether the bullet of sentence `index`, which leans on the sentence before it
        («لكنه …», «هذه الخطوة …», «وأضاف: …»), can be shown: that sentence is a bullet
        already, or it makes a plain bullet and there is room for both (it is then
        added). Otherwise the leaning sentence is not shown at all (issue #13 point 3)."""
        before = candidate_before(index, ranked)
        if before is None:
            return False
        if any(shown == before.sentence.index for shown, _, _ in picked):
            return True
        if wanted is not None and wanted - len(picked) < 2:
            return False
        made = self._plain_bullet(before, language, article_words)
        if made is None:
            return False
        count = len(picked)
        add(before.sentence.index, *made)
        return len(picked) > count

    def _swap_in_the_sentence_before(
        self,
        bad: int,
        ranked: Sequence[Candidate],
        picked: list[tuple[int, str, set[str]]],
        add: Callable[[int, str, list[str]], None],
        language: str,
        article_words: Collection[str],
        title_tokens: list[str],
        shown_tokens: dict[int, list[str]],
    ) -> bool:
        """Show the sentence before bullet `bad` in the place of the least likely pick
        (never the lead), when that sentence names the speaker, person or institution
        `bad` refers to («… اللجنة الوطنية للصحة …» before «نقلا عن اللجنة أن …»,
        bullets-40i SK-technology-22). Whether the swap grounds `bad` is checked
        (`first_ungrounded` no longer names it); otherwise nothing changes and False is returned."""
        before = candidate_before(bad, ranked)
        if before is None or any(k == bad - 1 for k, _, _ in picked):
            return False
        if not refers_to_someone(shown_tokens[bad]):
            return False  # a demonstrative or a dropped name: the bullet is skipped
        lead = ranked[0].sentence.index
        victims = [e for e in picked if e[0] not in (bad, lead)]
        if not victims:
            return False
        made = self._plain_bullet(before, language, article_words)
        if made is None:
            return False
        # the pick the model least expects a reader's extract to keep gives way
        likely = {c.sentence.index: c.probability for c in ranked}
        victim = min(victims, key=lambda e: likely.get(e[0], 0.0))
        picked.remove(victim)
        count = len(picked)
        add(bad - 1, *made)
        if len(picked) > count:
            again = first_ungrounded(
                [(k, shown_tokens[k]) for k, _, _ in picked], ranked, title_tokens
            )
            if again is None or again > bad:
                return True
            picked.pop()
        picked.append(victim)
        return False

    def bullets(
        self,
        title: str,
        text: str,
        *,
        language: str = "ar",
        max_bullets: int | None = None,
        max_tokens: int | None = None,
    ) -> list[tuple[int, str]]:
        """(sentence position, bullet) pairs, best first, within a budget of bullets
        and/or word tokens (the last bullet may cross the token budget; without any
        budget, the 3-5 of `summarize`). Bullets are what users see: leading connectives
        dropped, over-long sentences cut to a clean leading clause, no duplicates."""
        if not text or not text.strip():
            return []
        if language not in {"ar", "en"}:
            language = detect_language(text)
        candidates = ranked = self.rank(title, text)
        article_tokens = sum(map(_TOKEN_COUNT, candidates))
        article_words = _ArticleWords(candidates)
        wanted = max_bullets
        if wanted is None and max_tokens is None:
            wanted = self._bullet_count(len(candidates))
        if max_tokens is None:
            candidates = shortlist(candidates)  # long sentences are cut only for these
        picked: list[tuple[int, str, set[str]]] = []
        shown_tokens: dict[int, list[str]] = {}  # each bullet's tokens, in order
        # (sentence position, bullet, tokens, whether it leans on the sentence before)
        second_choice: list[tuple[int, str, list[str], bool]] = []
        used = 0
        title_tokens = tokenize(title) if title else []
        title_words = set(title_tokens)

        def room() -> bool:
            if wanted is not None and len(picked) >= wanted:
                return False
            return max_tokens is None or used < max_tokens

        def add(index: int, bullet: str, tokens: list[str]) -> None:
            nonlocal used
            words = set(tokens)
            facts = fact_keys(bullet) if picked else frozenset()
            for _, shown, other in picked:
                common = len(words & other)
                # Jaccard similarity; the union's size from the sizes (no third set)
                if common / max(1, len(words) + len(other) - common) >= 0.7:
                    return
                if facts and not facts.isdisjoint(fact_keys(shown)):
                    return  # the same quantity or quotation: one fact told twice
            picked.append((index, bullet, words))
            shown_tokens[index] = tokens
            used += len(tokens)

        made: dict[int, tuple[str, list[str]]] = {}
        cut: dict[int, tuple[str, list[str]] | None] = {}
        # A long sentence is worth what its bullet shows: its cut leading clause.
        # Other bullets are made as the search reaches them (only a few are needed).
        words: list[list[str]] = []
        for i, candidate in enumerate(candidates):
            if len(candidate.sentence.text) > self.max_chars:
                shown = self._bullet(
                    candidate.sentence.text, language, candidate.features.words, article_words
                )
                cut[i] = shown
                words.append(shown[1] if shown is not None else [])
            else:
                words.append(candidate.features.words)

        def usable(i: int) -> bool:
            """Make the bullet. List introductions, code and headline repeats are
            refused; questions, unpunctuated lines (list items, captions) and sentences
            that lean on the previous one are put aside as second choices."""
            candidate = candidates[i]
            bullet = (
                cut[i]
                if i in cut
                else self._bullet(
                    candidate.sentence.text, language, candidate.features.words, article_words
                )
            )
            if bullet is None:
                return False
            text, tokens = bullet
            if text.endswith((":", "：")) or (tokens and tokens[-1] in LIST_INTRO_ENDINGS):
                return False  # introduces a list that is not part of the bullet
            if is_list_item(text):
                return False  # «5. مجموعة موندليز …», «• اضغط على …»: an inline list's item
            if announces_next(tokens):
                return False  # «لكن المهمة لم تنته عند هذا الحد.»: the news is in the next one
            if looks_like_code(text):
                return False  # a line of a program (tutorials in tech feeds)
            if not CALL_TO_ACTION_TOKENS.isdisjoint(tokens) and is_call_to_action(text):
                return False  # «وتابعوا …» reads as one once its conjunction is dropped
            if title_words and sum(map(title_words.__contains__, tokens)) >= 0.8 * len(tokens):
                return False  # repeats the headline
            # and, beyond the bullet's own words: a «ف» opening the article's sentence
            # (dropped from the bullet), a reply, an anecdote's turn, a dated background
            # passage going on from the sentence before
            leans = (
                leans_back(text, tokens)
                or fa_leans(candidate.sentence.text)
                or is_reply(text)
                or but_what_happened(candidate.sentence.text)
                or background_goes_on(candidate, ranked)
            )
            if leans or _is_question(text) or not candidate.sentence.terminated:
                second_choice.append((candidate.sentence.index, text, tokens, leans))
                return False
            made[i] = (text, tokens)
            return True

        search = self.coverage_order(
            candidates,
            words=words,
            max_tokens=max_tokens,
            accept=usable,
            article_tokens=article_tokens,
        )
        pending: list[int] = []  # the search's pick that found no room
        # Once the bullets are full, the search's next pick (which `usable` makes, and
        # which updates the search first) is drawn only when something reads what it
        # leaves (`made`, `second_choice`, `pending`): most articles never need it. Drawn
        # then, before that read, it leaves the same state as drawn at once (`usable`
        # reads neither the bullets nor what it left before).
        undrawn = False
        while room():
            pick = next(search, None)
            if pick is None:
                break
            add(candidates[pick].sentence.index, *made[pick])
        else:
            undrawn = True

        def draw() -> None:
            nonlocal undrawn
            if undrawn:
                undrawn = False
                pick = next(search, None)
                if pick is not None:
                    pending.append(pick)

        def usable_drawn(i: int) -> bool:
            draw()
            return usable(i)

        def refill_picks() -> Iterator[tuple[int, str, list[str]]]:
            draw()
            for i in chain(pending, search):
                yield (candidates[i].sentence.index, *made[i])

        if self._draw_next_pick_at_once:
            draw()

        if max_tokens is None and candidates:
            anchor_lead(candidates, picked, made, usable_drawn, add, wanted)
            if title:
                anchor_title(title, candidates, picked, made, usable_drawn, add, wanted)
            refill = refill_picks()
            sentence_text = {s.index: s.text for s in map(_SENTENCE, ranked)}
            for _ in range(len(candidates)):
                bad = first_ungrounded(
                    [(k, shown_tokens[k]) for k, _, _ in picked], ranked, title_tokens
                )
                if bad is None:
                    # a name the cut of an earlier bullet dropped («مبادرة J5»)
                    bad = first_dropped_name([(k, b) for k, b, _ in picked], sentence_text)
                if bad is None:
                    break
                if self._swap_in_the_sentence_before(
                    bad, ranked, picked, add, language, article_words, title_tokens, shown_tokens
                ):
                    continue
                # pointing at something only an unshown sentence names: not shown
                # alone (a last resort with the sentence before), the next pick instead
                entry = next(e for e in picked if e[0] == bad)
                picked.remove(entry)
                draw()  # (its second choices come before this one)
                second_choice.append((bad, entry[1], tokenize(entry[1]), True))
                for index, bullet, tokens in refill:
                    count = len(picked)
                    if all(index != k for k, _, _ in picked) and index != bad:
                        add(index, bullet, tokens)
                    if len(picked) > count:
                        break
        floor = min(wanted, self.min_bullets) if wanted is not None else None
        if floor is None or len(picked) < floor:
            draw()  # second choices will be read
        for index, bullet, tokens, leans in second_choice:
            if floor is not None and len(picked) >= floor:
                break
            if not room():
                break
            if leans and not self._with_the_sentence_before(
                index, ranked, picked, add, wanted, language, article_words
            ):
                continue  # never shown without the sentence it leans on
            add(index, bullet.rstrip("،,;؛ "), tokens)
        if not picked and max_tokens is None:
            # nothing passed the checks (one sentence with odd quote marks, say): the
            # first sentences as written, whole, rather than a bare title
            for candidate in candidates:
                whole = _straight_quotes(
                    strip_agency_dateline(strip_dateline(candidate.sentence.text))
                )
                if (
                    len(whole) <= self.max_chars
                    and quotes_balanced(whole)
                    and not looks_like_code(whole)
                    and room()
                ):
                    add(candidate.sentence.index, whole, tokenize(whole))
        return [(index, bullet) for index, bullet, _ in picked]

    def summarize(
        self,
        title: str,
        text: str,
        *,
        language: str = "ar",
        max_bullets: int | None = None,
    ) -> tuple[str, ...]:
        """3-5 bullets: sentences (or leading clauses) of the article, article order.
        A text without sentences to pick (a poem, a gallery's captions) gets its first
        lines as written, so that it is never posted as a bare title."""
        picked = self.bullets(title, text, language=language, max_bullets=max_bullets)
        if not picked or (len(picked) < self.min_bullets and _looks_like_verse(text)):
            # verse: its lines, not a run of lines that the splitter joined
            return self._first_lines(text, max_bullets or self.min_bullets) or tuple(
                bullet for _, bullet in sorted(picked)
            )
        return tuple(bullet for _, bullet in sorted(picked))

    def _first_lines(self, text: str, count: int) -> tuple[str, ...]:
        """Up to `count` first lines of the text (boilerplate, code and lines over
        max_chars left out; short fragments of under three words too)."""
        lines: list[str] = []
        for line in text[: 40 * self.max_chars].splitlines():
            line = " ".join(line.split())
            if is_list_item(line) and line[:2] in ("- ", "– ", "* "):
                line = line[2:]  # the writer's own item mark: shown, it would read «- - …»
            if len(lines) >= count:
                break
            if (
                len(tokenize(line)) < 3
                or len(line) > self.max_chars
                or not quotes_balanced(line)
                or looks_like_code(line)
                or is_boilerplate(line)
            ):
                continue
            lines.append(line)
        return tuple(lines)
