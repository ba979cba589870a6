"""The bullets' search: `coverage_order`, the greedy search for the sentences that
maximise the expected ROUGE-1 F1 against a human extract (see
`digest.summarize.extractive` for why), and the anchors that then bring in what a
reader misses most: the lead (`anchor_lead`) and the headline's figures and names
(`anchor_title`). Moved out of `extractive`, which makes the bullets and runs these.

Pure functions over the candidates and the bullets picked so far; the bullets are made
and checked by the caller's `usable` and `add`."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence

from .anchors import title_anchors
from .residue import fact_keys
from .scoring import TIE, Candidate, Coverage, InclusionModel

__all__ = ["anchor_lead", "anchor_title", "coverage_order"]


def coverage_order(
    model: InclusionModel,
    candidates: Sequence[Candidate],
    *,
    words: Sequence[Sequence[str]] | None = None,
    max_tokens: int | None = None,
    accept: Callable[[int], bool] | None = None,
    article_tokens: int | None = None,
) -> Iterator[int]:
    """Indexes into `candidates`, lazily, in the order a greedy search adds them to
    maximise the summary's expected ROUGE-1 F1 against a human extract that keeps
    each sentence with its probability (`model`, an `InclusionModel`, sets the
    expected extract's share of the article).

    Overlap is clipped per word, so a sentence repeating what is already chosen
    gains little: this is the redundancy control (no separate MMR step), and a
    sentence made of the article's recurring words gains more than one of rare
    details. `words` are what each candidate contributes (default: the sentence's
    tokens; bullets pass their cut text). With `max_tokens`, candidates are ranked
    by expected overlap per token and the last one counts only up to the budget.
    Values within `TIE` of each other are a tie, won by the earlier candidate.
    `accept` may turn the search's pick down (it is then dropped without counting
    as chosen, and the search goes on). `article_tokens`: the article's length when
    `candidates` are only part of it (it sets the expected extract's length)."""
    if not candidates:
        return
    expected_extract = (
        max_tokens
        if max_tokens is not None
        else model.extract_share
        * (
            article_tokens
            if article_tokens is not None
            else sum(c.features.tokens for c in candidates)
        )
    )
    texts = words if words is not None else [c.features.words for c in candidates]
    coverage = Coverage(texts, [c.probability for c in candidates])
    lengths = [len(w) for w in texts]
    overlap = 0.0
    used = 0
    gains = coverage.gains  # updated in place by coverage.choose
    remaining = [i for i in range(len(candidates)) if lengths[i]]
    while remaining:
        # A later candidate wins only by more than TIE: values equal in exact
        # arithmetic differ in their last bits with the order the terms were summed
        # (the incremental gains here, a plain recount elsewhere), and such a tie
        # goes to the earlier sentence, not to rounding noise.
        best_position, beat = -1, -math.inf
        room = max_tokens - used if max_tokens is not None else 0
        for position, i in enumerate(remaining):
            size = lengths[i]
            if max_tokens is None:
                value = (overlap + gains[i]) / (used + size + expected_extract)
            elif size <= room:
                value = gains[i] / size
            else:  # only the part within the budget counts
                fits = max(1, room)
                value = coverage.prefix_gain(i, fits) / fits
            if value > beat:
                best_position, beat = position, value + TIE
        best = remaining.pop(best_position)
        if accept is not None and not accept(best):
            continue
        yield best
        overlap += gains[best]
        used += lengths[best]
        coverage.choose(best)


def anchor_lead(
    candidates: Sequence[Candidate],
    picked: list[tuple[int, str, set[str]]],
    made: dict[int, tuple[str, list[str]]],
    usable: Callable[[int], bool],
    add: Callable[[int, str, list[str]], None],
    wanted: int | None,
) -> None:
    """Keep the lead: news puts the news itself in its first sentence, and a reader
    misses it more than any other. When the search left out the article's first
    candidate and it makes a plain bullet (not a question, a teaser or a sentence
    leaning on another), it takes the place of the search's last pick."""
    lead = candidates[0]
    if lead.features.rank_index != 0 or any(i == lead.sentence.index for i, *_ in picked):
        return
    if 0 not in made and not usable(0):
        return
    facts = fact_keys(made[0][0])
    # a bullet telling the lead's fact again gives way to the lead
    clash = [k for k, (_, shown, _) in enumerate(picked) if facts & fact_keys(shown)]
    if clash:
        dropped: tuple[int, str, set[str]] | None = picked.pop(clash[0])
    elif wanted is not None and len(picked) >= wanted:
        dropped = picked.pop()
    else:
        dropped = None
    before = len(picked)
    add(lead.sentence.index, *made[0])
    if len(picked) == before and dropped is not None:
        picked.append(dropped)  # the lead repeats a bullet: keep the search's pick


def anchor_title(
    title: str,
    candidates: Sequence[Candidate],
    picked: list[tuple[int, str, set[str]]],
    made: dict[int, tuple[str, list[str]]],
    usable: Callable[[int], bool],
    add: Callable[[int, str, list[str]], None],
    wanted: int | None,
) -> None:
    """The headline's figures («42 %», «90 دقيقة») and names («هواوي», «Apple»;
    `anchors.title_names`) in the bullets: for each that no bullet gives, the first
    plain bullet holding it takes the place of the search's last pick (never the
    lead's, and for a name never a bullet brought in for the headline)."""
    lead_index = candidates[0].sentence.index
    anchored: set[int] = set()
    for is_name, holds in title_anchors(title, [c.features.words for c in candidates]):
        if any(holds(bullet, words) for _, bullet, words in picked):
            continue
        taken = {index for index, _, _ in picked}
        kept = {lead_index, *anchored} if is_name else {lead_index}
        for i, candidate in enumerate(candidates):
            sentence = candidate.sentence
            if sentence.index in taken or not holds(sentence.text, candidate.features.words):
                continue
            if i not in made and not usable(i):
                continue
            if not holds(*made[i]):
                continue  # the figure or name was in the part a cut left out
            dropped = None
            if wanted is not None and len(picked) >= wanted:
                last = max(
                    (k for k, (index, _, _) in enumerate(picked) if index not in kept),
                    default=None,
                )
                if last is None:
                    return
                dropped = picked.pop(last)
            before = len(picked)
            add(sentence.index, *made[i])
            if len(picked) == before and dropped is not None:
                picked.append(dropped)
            else:
                anchored.add(sentence.index)
            break
