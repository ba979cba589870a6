"""Topic rules found from the blind verdicts of the topics7 sheets (topics-pool-judge-180 and
earlier): every example is written for the test in the shape of a story the blind sheets
judged, never copied from the corpus."""

from __future__ import annotations

import pytest

from digest.topics import LexiconClassifier, TopicCatalog, default_topics_path


@pytest.fixture(scope="module")
def classifier() -> LexiconClassifier:
    return LexiconClassifier(TopicCatalog.load(default_topics_path()))


def tags(classifier: LexiconClassifier, title: str, text: str) -> list[str]:
    return [match.topic for match in classifier.classify(title, text)]


def test_wireless_charging_is_no_telecom_network(classifier: LexiconClassifier) -> None:
    # judge-180, both judges: telecom no on Apple's wireless charger (phones and big tech yes)
    title = "لماذا تأخرت آبل في إطلاق شاحنها اللاسلكي؟"
    text = (
        "قالت آبل إن الشحن اللاسلكي لهواتف آيفون تأخر بسبب عقبات تقنية، وإن الشاحن "
        "اللاسلكي يشحن الآيفون والساعة معا، وإن مستقبل آبل لاسلكي بلا أسلاك، وإن الشحن "
        "اللاسلكي يعمل مع آيفون الجديد، وإن الشحن اللاسلكي أبطأ من السلكي."
    )
    assert "telecom" not in tags(classifier, title, text)
    assert tags(classifier, title, text)[0] == "phones"
