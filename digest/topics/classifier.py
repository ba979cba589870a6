"""`LexiconClassifier` and `LexiconEvidence`: an article's topics from the catalogue lexicons,
with the decision rules that choose among them (defers_to, defers_to_generic, other_sense,
subject, title_holds) and what `newsdigest why` explains."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from ..models import TopicMatch
from .acceptance import Features, TagAcceptance
from .catalog import TopicCatalog
from .lexicon import _CACHE_LIMIT, _Lexicon, _term_words, _token_forms
from .rules import (
    BODY_SECONDARY_SHARE,
    DEFER_GENERIC_SHARE,
    DEFER_SHARE,
    FALLBACK_SCORE,
    LEAD_WORDS,
    MIN_TOPIC_SCORE,
    SECONDARY_SHARE,
    TITLE_FALLBACK_SCORE,
    _has_specific,
    _passing,
    _score,
    _sense_phrases,
    _surface,
    _title_fallback,
    _without,
)


class RelevanceModel(Protocol):
    """A technology-vs-rest model (digest.relevance.TechRelevanceModel)."""

    @property
    def threshold(self) -> float: ...

    def probability(
        self, title: str, text: str, evidence: LexiconEvidence | None = None
    ) -> float: ...


@dataclass(frozen=True)
class LexiconEvidence:
    """What the lexicons found in one article (input to the relevance filter)."""

    topics: tuple[TopicMatch, ...]
    tech_score: float  # weighted hits of generic technology words
    # Topics with a specific (not generic) term in the title: a company, product or
    # platform name there is strong evidence whatever vocabulary the body uses.
    title_topics: tuple[str, ...] = ()
    # The topic of a story no topic reaches the bar for, on weaker specific evidence
    # (FALLBACK_SCORE); only when `topics` is empty. Not a feature of the relevance filter:
    # `topics` stays what the filter was trained on.
    fallback: TopicMatch | None = None
    # Topics left out as passing mentions (LEAD_WORDS: no term in the title or the lead, none
    # said twice), so that `newsdigest why` can say why a named platform did not tag.
    passing: tuple[TopicMatch, ...] = ()

    @property
    def tags(self) -> tuple[TopicMatch, ...]:
        """The article's topics: `topics`, else the fallback topic, else none."""
        if self.topics or self.fallback is None:
            return self.topics
        return (self.fallback,)


@dataclass(frozen=True)
class RatedTag:
    """A tag of the lexicon rules with the tag acceptance model's probability that a reader
    agrees, and whether it is kept (`newsdigest why`)."""

    match: TopicMatch
    probability: float
    kept: bool
    threshold: float  # the model's: a tag rated under it is dropped (a best tag only far under)


@dataclass(frozen=True)
class LexiconCounts:
    """Term counts of one article per topic (label -> occurrences) in the title, the body
    and its lead (LEAD_WORDS), the topics whose subject it names, and the generic
    technology words in the title and the body."""

    in_title: Mapping[str, Mapping[str, int]]
    in_body: Mapping[str, Mapping[str, int]]
    in_lead: Mapping[str, Mapping[str, int]]
    subjects: frozenset[str]
    tech_title: Mapping[str, int]
    tech_body: Mapping[str, int]


class LexiconClassifier:
    """digest.ports.TopicClassifier from the catalogue lexicons, optionally combined with a
    trained relevance model for `is_technology` and a tag acceptance model (`acceptance`,
    digest.topics.acceptance) that drops the further tags a reader would likely reject."""

    def __init__(
        self,
        catalog: TopicCatalog,
        relevance: RelevanceModel | None = None,
        *,
        min_score: float = MIN_TOPIC_SCORE,
        secondary_share: float = SECONDARY_SHARE,
        body_secondary_share: float = BODY_SECONDARY_SHARE,
        defer_share: float = DEFER_SHARE,
        fallback_score: float = FALLBACK_SCORE,
        title_fallback_score: float = TITLE_FALLBACK_SCORE,
        defer_generic_share: float = DEFER_GENERIC_SHARE,
        lead_words: int = LEAD_WORDS,
        acceptance: TagAcceptance | None = None,
    ) -> None:
        self.catalog = catalog
        self.relevance = relevance
        self.acceptance = acceptance
        self._min_score = min_score
        self._secondary_share = secondary_share
        self._body_secondary_share = body_secondary_share
        self._defer_share = defer_share
        self._fallback_score = fallback_score
        self._title_fallback_score = title_fallback_score
        self._defer_generic_share = defer_generic_share
        self._lead_words = lead_words
        # Generic and specific terms share one group per topic, so that the longest phrase
        # at a position wins ("إنترنت الأشياء" over "إنترنت").
        self._lexicon = _Lexicon(
            {
                topic.slug: topic.lexicon
                + topic.lexicon_generic
                + topic.lexicon_not
                + _sense_phrases(topic)
                for topic in catalog.topics
            }
        )
        self._not = {
            topic.slug: frozenset(topic.lexicon_not + _sense_phrases(topic))
            for topic in catalog.topics
        }
        # The lexicon counts spelling variants of one term under one label: senses compare
        # the compiled words, not the labels.
        self._words = {
            label: _term_words(label)
            for topic in catalog.topics
            for label in (*topic.lexicon, *topic.lexicon_generic, *_sense_phrases(topic))
        }
        self._senses = {
            topic.slug: tuple(
                (
                    frozenset(_term_words(term) for term in terms),
                    frozenset(_term_words(phrase) for phrase in phrases),
                )
                for terms, phrases in topic.lexicon_other_sense
            )
            for topic in catalog.topics
            if topic.lexicon_other_sense
        }
        self._generic = {
            topic.slug: frozenset(topic.lexicon_generic) - frozenset(topic.lexicon)
            for topic in catalog.topics
        }
        # Generic words of two or more topics («الإنترنت»: telecom and internet-services; «ابتكار»:
        # startups and inventions): in a title they name neither topic as a further tag.
        counted: dict[str, int] = {}
        for topic in catalog.topics:
            for label in frozenset(topic.lexicon_generic):
                counted[label] = counted.get(label, 0) + 1
        self._shared = frozenset(label for label, count in counted.items() if count > 1)
        self._defers_to = {topic.slug: frozenset(topic.defers_to) for topic in catalog.topics}
        self._title_holds = frozenset(topic.slug for topic in catalog.topics if topic.title_holds)
        self._subject = _Lexicon({topic.slug: topic.subject for topic in catalog.topics})
        self._has_subject = frozenset(topic.slug for topic in catalog.topics if topic.subject)
        self._defers_to_generic = {
            topic.slug: topic.defers_to_generic
            for topic in catalog.topics
            if topic.defers_to_generic
        }
        self._tech = _Lexicon({"": catalog.technology_terms})
        self._forms: dict[str, frozenset[str]] = {}
        self._last: tuple[str, str, LexiconEvidence] | None = None
        self._counted: tuple[str, str, LexiconCounts] | None = None

    def classify(self, title: str, text: str) -> tuple[TopicMatch, ...]:
        """Topics strongest first; terms are the matched lexicon entries, title hits first.
        A topic tags with at least `min_score`, and a topic after the first only with at least
        `secondary_share` of the first one's score; when none does, the strongest with a
        specific score of at least `fallback_score` tags alone, else the one named in the
        title by generic words with at least `title_fallback_score`. With an `acceptance`
        model, only the tags it keeps (`rated`); the relevance filter still sees them all."""
        tags = self.evidence(title, text).tags
        if self.acceptance is None or not tags:
            return tags
        kept = {rated.match.topic for rated in self.rated(title, text) if rated.kept}
        return tuple(match for match in tags if match.topic in kept)

    def rated(self, title: str, text: str) -> tuple[RatedTag, ...]:
        """The lexicon rules' tags (`LexiconEvidence.tags`, in order) with the acceptance
        model's probability and verdict; () without a model or a tag."""
        acceptance = self.acceptance
        tags = self.evidence(title, text).tags
        if acceptance is None or not tags:
            return ()
        by_topic = {match.topic: match for match in tags}
        rated = [
            (slug, acceptance.probability(features))
            for slug, features in tag_features(self, title, text)
        ]
        kept = set(acceptance.kept(rated))
        return tuple(
            RatedTag(by_topic[slug], p, slug in kept, acceptance.threshold) for slug, p in rated
        )

    def evidence(self, title: str, text: str) -> LexiconEvidence:
        """Topic matches and the generic technology score of one article."""
        last = self._last
        if last is not None and last[0] == title and last[1] == text:
            return last[2]  # the pipeline asks classify() then is_technology()
        found = self._evidence(title, text)
        self._last = (title, text, found)
        return found

    def counts(self, title: str, text: str) -> LexiconCounts:
        """The lexicon term counts of one article (the last article's are kept: `rated`
        reads them again after `evidence`)."""
        last = self._counted
        if last is not None and last[0] == title and last[1] == text:
            return last[2]
        if len(self._forms) >= _CACHE_LIMIT:
            self._forms.clear()
        title_forms = _token_forms(title, suffixes=True, cache=self._forms)
        body_forms = _token_forms(text, suffixes=True, cache=self._forms)
        found = LexiconCounts(
            self._lexicon.count(title_forms),
            self._lexicon.count(body_forms),
            self._lexicon.count(body_forms[: self._lead_words]),
            frozenset((*self._subject.count(title_forms), *self._subject.count(body_forms))),
            self._tech.count(title_forms).get("", {}),
            self._tech.count(body_forms).get("", {}),
        )
        self._counted = (title, text, found)
        return found

    def _evidence(self, title: str, text: str) -> LexiconEvidence:
        counted = self.counts(title, text)
        in_title, in_body, in_lead = counted.in_title, counted.in_body, counted.in_lead
        # the topics whose subject (Topic.subject) the article names
        subjects = counted.subjects
        candidates: list[tuple[float, TopicMatch]] = []
        weak: list[tuple[float, TopicMatch]] = []  # below min_score, for the fallback
        title_topics = []
        named = []  # topics with any term in the title, generic ones included
        headed = []  # ... not counting generic words two topics share («الإنترنت»)
        titled: list[TopicMatch] = []  # named in the title by generic words only
        generic_only: dict[str, TopicMatch] = {}  # topics with generic evidence only
        passing: list[TopicMatch] = []  # topics met only in passing (LEAD_WORDS), for `why`
        for topic in self.catalog.topics:
            ignored = self._not[topic.slug] | self._other_sense(
                topic.slug, in_title.get(topic.slug, {}), in_body.get(topic.slug, {})
            )
            title_counts = _without(ignored, in_title.get(topic.slug, {}))
            body_counts = _without(ignored, in_body.get(topic.slug, {}))
            if _has_specific(self._generic[topic.slug], title_counts, {}):
                title_topics.append(topic.slug)
            if title_counts:
                named.append(topic.slug)
            if _without(self._shared, title_counts):
                headed.append(topic.slug)
            generic = self._generic[topic.slug]
            if not title_counts and _passing(
                body_counts, _without(ignored, in_lead.get(topic.slug, {}))
            ):
                score, terms = _score(title_counts, body_counts)
                # only what could have tagged is worth explaining: a specific term, two hits
                if score >= self._fallback_score and _has_specific(generic, {}, body_counts):
                    shown = tuple(_surface(term, title, text) for term in terms)
                    passing.append(TopicMatch(topic.slug, score, shown))
                continue
            if not _has_specific(generic, title_counts, body_counts):
                score, terms = _score(title_counts, body_counts)
                if score >= self._min_score:
                    shown = tuple(_surface(term, title, text) for term in terms)
                    generic_only[topic.slug] = TopicMatch(topic.slug, score, shown)
                if (
                    title_counts
                    and score >= self._title_fallback_score
                    and sum(body_counts.values()) >= 2
                    and len(terms) >= 2
                ):
                    shown = tuple(_surface(term, title, text) for term in terms)
                    titled.append(TopicMatch(topic.slug, score, shown))
                continue  # generic words alone never tag, save as `_title_fallback`
            score, terms = _score(title_counts, body_counts)
            specific, _ = _score(_without(generic, title_counts), _without(generic, body_counts))
            if score >= self._min_score or specific >= self._fallback_score:
                shown = tuple(_surface(term, title, text) for term in terms)
                found = (specific, TopicMatch(topic.slug, score, shown))
                (candidates if score >= self._min_score else weak).append(found)
        candidates = self._taken_over(candidates, generic_only, frozenset(named))
        matches = self._chosen(
            self._undeferred(candidates, subjects, frozenset(title_topics), frozenset(named)),
            frozenset(named),
            frozenset(headed),
        )
        fallback = None
        if not matches and weak:
            # the fallback gives way like a tag does: a standing-at-work study's two research
            # words are no science story when its health words outweigh them (48f)
            weak = self._taken_over(weak, generic_only, frozenset())
            fallback = self._chosen(self._undeferred(weak, subjects), frozenset())[0]
        if not matches and fallback is None:
            fallback = _title_fallback(titled)
        tech_score, _ = _score(counted.tech_title, counted.tech_body)
        return LexiconEvidence(
            tuple(matches), tech_score, tuple(title_topics), fallback, tuple(passing)
        )

    def _other_sense(
        self, slug: str, title_counts: Mapping[str, int], body_counts: Mapping[str, int]
    ) -> frozenset[str]:
        """The matched labels of the topic that a phrase of `Topic.lexicon_other_sense`, met
        in the title or the body, shows to be used in another sense in this article."""
        senses = self._senses.get(slug)
        if not senses:
            return frozenset()
        found = {label: self._words.get(label) for label in (*title_counts, *body_counts)}
        voided: set[str] = set()
        for terms, phrases in senses:
            if any(words in phrases for words in found.values()):
                voided.update(label for label, words in found.items() if words in terms)
        return frozenset(voided)

    def _taken_over(
        self,
        candidates: Sequence[tuple[float, TopicMatch]],
        generic_only: Mapping[str, TopicMatch],
        in_title: frozenset[str],
    ) -> list[tuple[float, TopicMatch]]:
        """The candidates, plus a `defers_to_generic` topic met in generic words only when
        it scores at least `defer_generic_share` of the strongest candidate's score and that
        candidate defers to it (which `_undeferred` then applies): a sleep study's «النوم»
        and «الأطباء» outweigh science's «باحثون»."""
        ranked = self._chosen(candidates, in_title)
        if not ranked:
            return list(candidates)
        first = ranked[0]
        for other in self._defers_to_generic.get(first.topic, ()):
            found = generic_only.get(other)
            if found is not None and found.score >= self._defer_generic_share * first.score:
                return [*candidates, (0.0, found)]
        return list(candidates)

    def _undeferred(
        self,
        candidates: Sequence[tuple[float, TopicMatch]],
        subjects: frozenset[str],
        in_title: frozenset[str] = frozenset(),
        named: frozenset[str] = frozenset(),
    ) -> list[tuple[float, TopicMatch]]:
        """The candidates without those that defer (`Topic.defers_to`) to a candidate with
        at least `defer_share` of their score: a study about a disease is health-tech, not
        also science, even when its research words give science the higher score; a science
        story that names a disease or NASA in passing stays science. A `title_holds` topic
        with a specific term in the title (`in_title`) gives way only to one the title names
        too (`named`, generic words included: «تحمي الهواتف» in an inventor's story). A topic
        whose subject (`Topic.subject`) the article names (`subjects`) keeps its place against
        one with a subject the article does not name."""
        score = {match.topic: match.score for _, match in candidates}

        def gives_way(topic: str, other: str) -> bool:
            if topic in self._title_holds and topic in in_title and other not in named:
                return False
            if topic in subjects and other in self._has_subject and other not in subjects:
                return False
            return score.get(other, 0.0) >= self._defer_share * score[topic]

        return [
            pair
            for pair in candidates
            if not any(
                gives_way(pair[1].topic, other) for other in self._defers_to.get(pair[1].topic, ())
            )
        ]

    def _chosen(
        self,
        candidates: Sequence[tuple[float, TopicMatch]],
        in_title: frozenset[str],
        headed: frozenset[str] | None = None,
    ) -> list[TopicMatch]:
        """The tags among (specific score, match) candidates, strongest first.

        Topics named in the title (`in_title`) come first: a Telegram outage story that
        compares Amazon's, Google's and Apple's outages in its body is a social-media story,
        not a big-tech one. Then ranked by the score in which generic words count at most as
        much as the specific terms (then the whole score): generic words («مستخدمين»,
        «الخدمة», «هاتف») say little about what a story is about, so they may support a topic
        but not make it the story's main one. A further topic tags only
        - with a specific score of `min_score` of its own (a specific term in the title, or
          three in the body): a topic that needs generic words to pass the bar is a side
          remark (researchers and a university in a security story, a phone in a WhatsApp
          how-to);
        - with at least `secondary_share` of the first one's score when a term of it (a
          generic one too: «ثغرة» in «فيسبوك تصلح ثغرة») is in the title (`in_title`), else
          `body_secondary_share` (by default never): the title says what the story is about,
          a topic met only in the body is a side remark (phones in an Android how-to of a
          Snapchat story, gadgets on an Apple event preview). With `headed`, that title test
          uses `headed` instead: the topics named in the title by other than a generic word
          two topics share («الإنترنت» is telecom's and internet-services': «تويتر يشعل
          الإنترنت» is an idiom, «خرائط غوغل دون إنترنت» no network story); the order still
          follows `in_title`."""
        ranked = sorted(
            candidates,
            key=lambda pair: (
                pair[1].topic not in in_title,
                -min(pair[1].score, 2 * pair[0]),
                -pair[1].score,
                pair[1].topic,
            ),
        )
        if not ranked:
            return []
        first = ranked[0][1]
        return [first] + [
            match
            for specific, match in ranked[1:]
            if specific >= self._min_score
            and match.score
            >= first.score
            * (
                self._secondary_share
                if match.topic in (in_title if headed is None else headed)
                else self._body_secondary_share
            )
        ]

    def technology_probability(self, title: str, text: str) -> float | None:
        """The relevance model's probability that the article is about technology (None
        without a model), e.g. for `newsdigest why`."""
        if self.relevance is None:
            return None
        return self.relevance.probability(title, text, self.evidence(title, text))

    def is_technology(self, title: str, text: str) -> bool:
        """Trained model when one is configured (see digest.relevance); otherwise any
        catalogue topic matched."""
        evidence = self.evidence(title, text)
        if self.relevance is not None:
            probability = self.relevance.probability(title, text, evidence)
            return probability >= self.relevance.threshold
        return bool(evidence.topics)


def tag_features(
    classifier: LexiconClassifier,
    title: str,
    text: str,
    others: Sequence[str] = (),
    *,
    as_tags: Sequence[str] | None = None,
) -> list[tuple[str, Features]]:
    """(topic, features) of each tag the classifier's lexicon rules give the article, in
    their order, then of each topic of `others` they do not tag (as if it were one more tag:
    for training on verdicts given to tags of older code). With `as_tags`, those topics in
    that order are the tags instead (the tags an older code gave: scores from the current
    lexicons). Reads the classifier's counts (`LexiconClassifier.counts`) and its lexicons'
    `not` and generic sets; here beside the classifier so that the acceptance model
    (acceptance.py) needs nothing of it."""
    evidence = classifier.evidence(title, text)
    tags = evidence.tags
    extra = [slug for slug in dict.fromkeys(others) if slug not in {m.topic for m in tags}]
    if as_tags is not None:
        tags, extra = (), list(dict.fromkeys(as_tags))
    if not tags and not extra:
        return []
    counted = classifier.counts(title, text)
    in_title, in_body, in_lead = counted.in_title, counted.in_body, counted.in_lead
    subjects = counted.subjects
    pairs = [(m.topic, m.score, len(m.terms), True) for m in tags]
    for slug in extra:
        ignored = classifier._not.get(slug, frozenset())
        score, terms = _score(
            _without(ignored, in_title.get(slug, {})), _without(ignored, in_body.get(slug, {}))
        )
        pairs.append((slug, score, len(terms), as_tags is not None))
    first = (pairs[0][1] if pairs[0][3] else 0.0) or 1.0
    n_tags = sum(1 for pair in pairs if pair[3])
    found: list[tuple[str, Features]] = []
    for rank, (slug, score, n_terms, tagged) in enumerate(pairs):
        ignored = classifier._not.get(slug, frozenset())
        title_counts = _without(ignored, in_title.get(slug, {}))
        body_counts = _without(ignored, in_body.get(slug, {}))
        lead_counts = _without(ignored, in_lead.get(slug, {}))
        generic = classifier._generic.get(slug, frozenset())
        spec_title = sum(1 for t in title_counts if t not in generic)
        gen_title = sum(1 for t in title_counts if t in generic)
        spec_body = sum(1 for t in body_counts if t not in generic)
        gen_body = sum(1 for t in body_counts if t in generic)
        repeats = sum(1 for c in body_counts.values() if c >= 2)
        f: Features = {
            "bias": 1.0,
            "topic:" + slug: 1.0,
            "log_score": math.log1p(score),
            "share": score / first,
            "first": 1.0 if rank == 0 else 0.0,
            "rank": float(rank),
            "n_tags": float(n_tags),
            "spec_title": min(spec_title, 3) / 3,
            "gen_title": min(gen_title, 3) / 3,
            "spec_body": math.log1p(spec_body),
            "gen_body": math.log1p(gen_body),
            "lead": math.log1p(sum(lead_counts.values())),
            "repeats": math.log1p(repeats),
            "no_title": 1.0 if not title_counts else 0.0,
            "only_generic_title": 1.0 if gen_title and not spec_title else 0.0,
            "subject": 1.0 if slug in subjects else 0.0,
            "other_subject": 1.0 if subjects - {slug} else 0.0,
            "fallback": 1.0 if not evidence.topics and as_tags is None else 0.0,
            "n_terms": math.log1p(n_terms),
            "untagged": 0.0 if tagged else 1.0,
            "tech": math.log1p(evidence.tech_score),
        }
        found.append((slug, f))
    return found
