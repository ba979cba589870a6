"""Coverage (issue 15, topics10): technology stories that had no topic, or only a wrong one,
because a topic's own vocabulary was missing from its lexicon. Each case is a general term of
the topic (not one article's words), found among the uncovered blind verdicts (`python -m
digest.eval.topic_sheet known --list`); the stories are written here in their shape, never
copied."""

from __future__ import annotations

import pytest

from digest.topics import LexiconClassifier, TopicCatalog, default_topics_path


@pytest.fixture(scope="module")
def classifier() -> LexiconClassifier:
    return LexiconClassifier(TopicCatalog.load(default_topics_path()))


def tags(classifier: LexiconClassifier, title: str, text: str) -> list[str]:
    return [match.topic for match in classifier.classify(title, text)]


def test_a_deepfake_is_an_ai_story(classifier: LexiconClassifier) -> None:
    # judge-240, both judges: ai listed on fake porn videos («الزيف العميق»), untagged
    title = "فيديوهات الزيف العميق تقلق الممثلات"
    text = (
        "تنتشر على الإنترنت مقاطع فيديو مركبة بوجوه ممثلات، وتقول خبيرة إن أدوات التزييف "
        "العميق صارت في متناول الجميع وإن كشف هذه المقاطع يزداد صعوبة."
    )
    assert tags(classifier, title, text) == ["ai"]
    assert tags(classifier, "Deepfakes worry actresses", "") == ["ai"]
