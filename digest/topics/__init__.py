"""Topics: the catalogue (config/topics.yaml), the lexicon topic classifier and subscription
matching; this package re-exports the public names of its modules.

- `catalog`: `Topic`, `TopicCatalog`, alias resolution, YAML loading and validation;
- `lexicon`: normalised word forms and the one-pass term counter;
- `rules`: the classifier's measured thresholds and pure scoring helpers;
- `acceptance`: `TagAcceptance`, the learned model that drops tags a reader would reject;
- `classifier`: `LexiconClassifier`, `LexiconEvidence` and the rules choosing the tags;
- `subscriptions`: why an article reaches a chat, keyword matching.
"""

from __future__ import annotations

from .acceptance import TagAcceptance, load_acceptance, load_default_acceptance
from .catalog import Topic, TopicCatalog, alias_key, default_topics_path
from .classifier import LexiconClassifier, LexiconEvidence, RatedTag, RelevanceModel
from .lexicon import word_forms
from .rules import (
    BODY_CAP,
    BODY_SECONDARY_SHARE,
    DEFER_GENERIC_SHARE,
    DEFER_SHARE,
    FALLBACK_SCORE,
    LEAD_WORDS,
    MIN_TOPIC_SCORE,
    SECONDARY_SHARE,
    TITLE_FALLBACK_SCORE,
    TITLE_WEIGHT,
)
from .subscriptions import ALL_TECHNOLOGY, keyword_hits, subscription_reasons

__all__ = [
    "ALL_TECHNOLOGY",
    "BODY_CAP",
    "BODY_SECONDARY_SHARE",
    "DEFER_GENERIC_SHARE",
    "DEFER_SHARE",
    "FALLBACK_SCORE",
    "LEAD_WORDS",
    "MIN_TOPIC_SCORE",
    "SECONDARY_SHARE",
    "TITLE_FALLBACK_SCORE",
    "TITLE_WEIGHT",
    "LexiconClassifier",
    "LexiconEvidence",
    "RatedTag",
    "RelevanceModel",
    "TagAcceptance",
    "Topic",
    "TopicCatalog",
    "alias_key",
    "default_topics_path",
    "keyword_hits",
    "load_acceptance",
    "load_default_acceptance",
    "subscription_reasons",
    "word_forms",
]
