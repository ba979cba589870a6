"""Grouped folds for cross-validating on judged story pairs: pairs linked by a shared
article always fall in one fold, so that no article is both fitted and scored. Used by
both the follow-up guard's and the event model's cross-validation
(`digest.eval.story_guard`, `digest.eval.story_model`)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from .story_pair_scores import JudgedPair

FOLDS = 10


def grouped_folds(pairs: Sequence[JudgedPair], folds: int = FOLDS) -> dict[str, int]:
    """pair id -> fold; pairs linked by shared articles share a fold (hash of the
    group's smallest pair id)."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for p in pairs:
        parent[root(p.id_a)] = root(p.id_b)
    groups: dict[str, list[str]] = {}
    for p in pairs:
        groups.setdefault(root(p.id_a), []).append(p.pair_id)
    fold = {}
    for ids in groups.values():
        k = int(hashlib.sha1(min(ids).encode()).hexdigest()[:8], 16) % folds
        fold.update(dict.fromkeys(ids, k))
    return fold
