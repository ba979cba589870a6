"""The summarizer's shortcuts of the speed14 pass (issue #13, speed) give what the plain
computations they stand for give; the bullets and sentence probabilities were compared
byte for byte on the 3,948 EASC dev and ANT golden articles (three hash seeds) before
and after each one.

* `ExtractiveSummarizer.features` and `rank` build their named tuples with
  `tuple.__new__` (in C), not by calling the class: the same tuples of the same type.
* `may_be_boilerplate` looks for "(" before the two three-character marks.
"""

from __future__ import annotations

import math

from hypothesis import example, given
from hypothesis import strategies as st

from digest.summarize import ExtractiveSummarizer, boilerplate
from digest.summarize.boilerplate import may_be_boilerplate
from digest.summarize.scoring import Candidate, Features, content_tokens

_ARTICLE = (
    "أعلنت شركة سامسونغ اليوم عن هاتفها الجديد غالاكسي إس 9 في مؤتمر برشلونة للهواتف. "
    "وقالت الشركة إن الهاتف يأتي بكاميرا مزدوجة وشاشة أكبر من الجيل السابق بكثير. "
    "ويبدأ بيع الهاتف في الأسواق العالمية الشهر المقبل بسعر يقارب ألف دولار أمريكي. "
    "وقالت الشركة إن الهاتف يأتي بكاميرا مزدوجة وشاشة أكبر من الجيل السابق بكثير. "
    "ويرى محللون أن الهاتف الجديد سينافس آيفون إكس بقوة في الأسواق خلال العام الجاري. "
    "وتراجعت مبيعات سامسونغ من الهواتف الذكية في الربع الأخير من العام الماضي."
)


def _features_plain(
    summarizer: ExtractiveSummarizer, title: str, features: list[Features]
) -> list[Features]:
    """The features rebuilt by calling `Features`, from the fields `features` computed
    (the sets of terms recomputed through the plain `content_tokens`)."""
    terms = [set(content_tokens(f.sentence.text)) for f in features]
    untitled = not title.strip()
    headline = terms[0] if untitled else set(content_tokens(title))
    df: dict[str, int] = {}
    for kept in terms:
        for term in kept:
            df[term] = df.get(term, 0) + 1
    others = max(1, len(features) - 1)
    out = []
    for index, (f, own) in enumerate(zip(features, terms, strict=True)):
        size = len(own)
        central = (sum(df[t] for t in own) - size) / (others * size) if size else 0.0
        similar = (
            len(own & headline) / math.sqrt(size * len(headline)) if size and headline else 0.0
        )
        out.append(
            Features(
                f.sentence,
                index,
                0.0 if untitled and index == 0 else similar,
                central,
                f.content_terms,
                len(f.words),
                f.words,
            )
        )
    return out


def test_features_and_candidates_are_the_named_tuples() -> None:
    summarizer = ExtractiveSummarizer()
    for title in ("سامسونغ تطلق غالاكسي إس 9", ""):
        features = summarizer.features(title, _ARTICLE)
        assert len(features) == 5  # the repeated sentence is left out
        assert all(type(f) is Features for f in features)
        assert features == _features_plain(summarizer, title, features)
        ranked = summarizer.rank(title, _ARTICLE)
        assert all(type(c) is Candidate for c in ranked)
        plain = list(map(Candidate, features, summarizer.model.probabilities(features)))
        assert ranked == plain
        assert [c.sentence for c in ranked] == [f.sentence for f in features]


def _may_be_boilerplate_plain(text: str) -> bool:
    return "©" in text or "(c)" in text or "(C)" in text


@given(st.text(alphabet="(c)C© اب", max_size=12))
@example("حقوق النشر (c) 2020")
@example("(C)")
@example("( c)")
@example("c)")
@example("©")
@example("(")
@example("")
def test_may_be_boilerplate_is_the_plain_test(text: str) -> None:
    assert may_be_boilerplate(text) == _may_be_boilerplate_plain(text)


def _has_related_hint_plain(text: str) -> bool:
    return any(hint in text for hint in boilerplate._RELATED_HINTS)


@given(st.text(alphabet="صلةيهمكمتعلقةمشابهة elatedore RELATDOM", max_size=16))
@example("مواضيع ذات صلة")
@example("قد يهمك")
@example("related stories")
@example("More news")
@example("RELATED STORIES")
@example("MORE NEWS")
@example("ELATED")
@example("MORE")
@example("more")
@example("elate")
@example("")
def test_related_hint_is_the_plain_test(text: str) -> None:
    assert boilerplate._has_related_hint(text) == _has_related_hint_plain(text)
