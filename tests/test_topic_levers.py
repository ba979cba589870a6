"""digest.eval.topic_levers: the leave-one-sheet-out evaluation of learned topic levers
(issue 15 point 4, topics12). Real classifier and catalogue; tiny synthetic verdicts."""

from __future__ import annotations

from digest.eval.topic_levers import (
    accepted,
    auc,
    fit_logistic,
    fit_nb,
    group_of,
    tag_features,
    words,
)
from digest.topics import LexiconClassifier, TopicCatalog, default_topics_path


def test_a_sheet_and_its_second_reading_are_one_group() -> None:
    # never train on the other reading of the sheet being scored
    assert group_of("topics-pool-judge-420-second") == "topics-pool-judge-420"
    assert group_of("topics-60e") == "topics-60e"


def test_acceptance_keeps_a_storys_best_tag_unless_very_sure() -> None:
    rated = [("ai", 0.3), ("science", 0.1)]
    assert accepted(rated, 0.5) == ["ai"]  # 0.3 >= 0.5 / 3: the best tag stays
    assert accepted([("ai", 0.1), ("science", 0.05)], 0.5) == []  # very sure: none
    assert accepted([("ai", 0.9), ("phones", 0.6)], 0.5) == ["ai", "phones"]
    assert accepted([], 0.5) == []


def test_logistic_learns_a_separating_feature_and_weighs_classes_equally() -> None:
    examples = [({"bias": 1.0, "lead": 1.0}, True)] * 30 + [({"bias": 1.0}, False)] * 3
    model = fit_logistic(examples, epochs=200)
    assert model.probability({"bias": 1.0, "lead": 1.0}) > 0.8
    assert model.probability({"bias": 1.0}) < 0.2


def test_naive_bayes_ranks_the_topic_whose_words_the_story_uses() -> None:
    model = fit_nb(
        [(words("هاتف ذكي جديد", "هاتف ذكي بكاميرا"), "phones")] * 3
        + [(words("صاروخ فضاء", "وكالة الفضاء ترسل صاروخا"), "space")] * 3
    )
    assert model.posterior(words("صاروخ جديد", "الفضاء"))[0][0] == "space"


def test_tag_features_describe_each_tag_and_judged_untagged_topics() -> None:
    classifier = LexiconClassifier(TopicCatalog.load(default_topics_path()))
    title = "آبل تطلق هاتف آيفون جديد"
    text = "أعلنت آبل عن هاتف آيفون جديد بشريحة أسرع. الهاتف يصل الأسبوع المقبل."
    tags = [m.topic for m in classifier.classify(title, text)]
    found = tag_features(classifier, title, text, others=("space",))
    assert [topic for topic, _ in found] == [*tags, "space"]
    first = found[0][1]
    assert first["first"] == 1.0 and first["untagged"] == 0.0 and first["spec_title"] > 0
    assert found[-1][1]["untagged"] == 1.0 and found[-1][1]["log_score"] == 0.0


def test_tags_of_an_older_code_are_rated_in_their_order() -> None:
    classifier = LexiconClassifier(TopicCatalog.load(default_topics_path()))
    title = "آبل تطلق هاتف آيفون جديد"
    text = "أعلنت آبل عن هاتف آيفون جديد بشريحة أسرع."
    found = tag_features(classifier, title, text, as_tags=("space", "phones"))
    assert [topic for topic, _ in found] == ["space", "phones"]
    assert found[0][1]["first"] == 1.0 and found[1][1]["rank"] == 1.0
    assert all(f["untagged"] == 0.0 and f["n_tags"] == 2.0 for _, f in found)
    assert found[1][1]["log_score"] > found[0][1]["log_score"] == 0.0


def test_auc_counts_the_pairs_a_model_orders_right() -> None:
    assert auc([(0.9, True), (0.1, False)]) == 1.0
    assert auc([(0.1, True), (0.9, False)]) == 0.0
    assert auc([(0.5, True), (0.5, False), (0.7, True)]) == 0.75


def test_the_shipped_model_is_fitted_on_the_sheets_before_its_fresh_tests() -> None:
    from digest.eval.topic_levers import TRAINED_THROUGH, training_sheets
    from digest.eval.topic_sheet import BLIND_SHEETS

    names = [name for _, name in training_sheets()]
    assert names[-1] == TRAINED_THROUGH
    # every later sheet (read on the shipped model) is left out, every earlier one is in
    later = [name for _, name in BLIND_SHEETS][len(names) :]
    assert "topics-pool-judge-480" in later and not set(later) & set(names)
    assert names == [name for _, name in BLIND_SHEETS][: len(names)]
