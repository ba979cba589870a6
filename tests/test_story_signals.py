"""Event signals for independently written reports (issue #14): the shipped df table and
model, the names veto, and the clusterer on the judged TUNE pairs of the ANT pool."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest

from digest.cluster import StoryClusterer, sketch_jaccard
from digest.eval.story_pair_scores import (
    LABELS,
    event_model_clusterer,
    judge,
    read_labels,
    score,
    stream_stories,
)
from digest.eval.story_pairs import DEFAULT_OUT, DEFAULT_POOL, Article, read_candidates, read_pool
from digest.story_signals import (
    FEATURES,
    EventModel,
    EventSignals,
    PoolIdf,
    features,
    names_conflict,
)
from tests.test_cluster import OTHER_LAUNCH, OWN_REPORT_A, OWN_REPORT_B

T0 = datetime(2018, 3, 1, 9, tzinfo=UTC)


def test_the_df_table_parses_and_rare_stems_weigh_most() -> None:
    idf = PoolIdf.parse(["# documents 1000", "3\tسامسونغ galaxy", "400\tشرك"])
    assert idf.idf("galaxy") == pytest.approx(math.log(1000 / 3))
    assert idf.idf("never-seen") == pytest.approx(math.log(1000 / 2))  # below the floor
    assert idf.idf("شرك") < idf.idf("سامسونغ")
    with pytest.raises(ValueError):
        PoolIdf.parse(["3\tgalaxy"])


def test_the_shipped_table_and_model_load() -> None:
    signals = EventSignals.shipped()
    assert signals.idf.documents == 26074 and len(signals.idf.weights) > 10_000
    assert len(signals.model.weights) == len(FEATURES) and 0.5 <= signals.model.threshold < 1
    with pytest.raises(ValueError):
        EventModel.from_json(
            {"features": ["lead_cos"], "weights": [1.0], "bias": 0, "threshold": 1}
        )


def test_features_are_symmetric_and_the_same_event_scores_higher() -> None:
    clusterer = StoryClusterer(signals=EventSignals.shipped())
    (fa, a), (fb, b), (fc, c) = (
        clusterer.fingerprint(*doc) for doc in (OWN_REPORT_A, OWN_REPORT_B, OTHER_LAUNCH)
    )
    assert clusterer.signals is not None and a is not None and b is not None and c is not None
    idf = clusterer.signals.idf
    ab = features(a, b, 3.0, sketch_jaccard(fa, fb), idf)
    assert ab == features(b, a, 3.0, sketch_jaccard(fb, fa), idf)
    model = clusterer.signals.model
    assert model.probability(ab) > model.probability(
        features(a, c, 3.0, sketch_jaccard(fa, fc), idf)
    )
    assert not names_conflict(a, b)  # Galaxy Z Fold both times
    assert names_conflict(a, c)  # Galaxy Z Fold and Mix Flip


def test_the_pair_scores_use_the_clusterer_they_are_given() -> None:
    # An empty StoryClusterer has len() 0: `clusterer or default` used to drop it.
    articles = [
        Article("a", "CNN", "technology", T0, *OWN_REPORT_A),
        Article("b", "BBC", "technology", T0 + timedelta(hours=20), *OWN_REPORT_B),
    ]
    model = StoryClusterer(signals=EventSignals.shipped())
    assert stream_stories(articles, model)["b"] == "a"  # the shipped model joins them
    assert stream_stories(articles)["b"] == "b"  # the bot's clusterer (no model) does not
    never = EventSignals.shipped()
    never = EventSignals(never.idf, EventModel(never.model.weights, never.model.bias, 1.01))
    together = stream_stories(articles, StoryClusterer(signals=never))
    assert together["b"] == "b"  # the model that never joins was used: b stays apart


@pytest.mark.skipif(not DEFAULT_POOL.exists(), reason="needs ../shared/corpora/ant/pool.jsonl")
def test_the_model_keeps_precision_on_the_tune_pairs_and_loses_no_join() -> None:
    """All pairs of the first sample (the tune set now) as one stream, as
    `digest.eval.story_pair_scores`: the bot's rules join 108/254 with 2 wrong merges; the
    model (threshold chosen by cross-validation for precision >= 0.97) must keep precision
    >= 0.97 and join at least what the rules join. The fresh report set is only measured
    by the eval, never asserted on here (it is not for tuning)."""
    judging = judge(read_candidates(DEFAULT_OUT), read_labels(LABELS))
    wanted = {i for p in judging.pairs for i in (p.id_a, p.id_b)}
    articles = [a for a in read_pool(DEFAULT_POOL) if a.id in wanted]
    with_model = stream_stories(articles, event_model_clusterer())
    rules = stream_stories(articles)
    s = score(judging.pairs, lambda p: with_model[p.id_a] == with_model[p.id_b])
    r = score(judging.pairs, lambda p: rules[p.id_a] == rules[p.id_b])
    assert s.precision >= 0.97
    assert s.joined_same >= r.joined_same
    assert s.joined_different <= r.joined_different + 1


def test_the_threshold_is_the_lowest_that_holds_the_precision_floor_out_of_fold() -> None:
    from digest.eval.story_model import PRECISION_FLOOR, choose_threshold

    table = [(0.8, 150, 10, 254), (0.9, 130, 5, 254), (0.98, 111, 2, 254), (0.99, 109, 2, 254)]
    assert 130 / 135 < PRECISION_FLOOR <= 111 / 113
    assert choose_threshold(table) == 0.98
    assert choose_threshold([(0.9, 10, 5, 20)]) == 1.0  # none holds: the model joins nothing
