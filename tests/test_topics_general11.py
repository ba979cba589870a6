"""General rules (issue 15, topics11) found on the blind verdicts of the fifth fresh pool sheet
(topics-pool-judge-360) and checked on every other blind verdict first (`python -m
digest.eval.topic_sheet known`). The stories are written here in their shape, never copied."""

from __future__ import annotations

import pytest

from digest.topics import LexiconClassifier, TopicCatalog, default_topics_path


@pytest.fixture(scope="module")
def classifier() -> LexiconClassifier:
    return LexiconClassifier(TopicCatalog.load(default_topics_path()))


def tags(classifier: LexiconClassifier, title: str, text: str) -> list[str]:
    return [match.topic for match in classifier.classify(title, text)]


# A platform's story whose body names carriers in passing: «الإنترنت» in the title is an
# idiom («يشعل الإنترنت»), a word telecom and internet-services share.
IDIOM_TITLE = "تويتر يشعل الإنترنت بتغريدة غامضة عن التغريد المدفوع"
IDIOM_TEXT = (
    "أثارت تغريدة نشرها حساب تويتر الرسمي جدلا واسعا على مواقع التواصل الاجتماعي، إذ لمحت "
    "إلى أن التغريد قد يصبح مدفوعا. وتساءل مستخدمو تويتر عن مستقبل حساباتهم، وقال محللون إن "
    "تويتر قد يتفق مع شركات الاتصالات أو مع شركة اتصالات كبرى أو مع مزودي خدمة الإنترنت "
    "لبيع باقات للتغريد، وإن تغريدة الشركة كانت مزحة على الأرجح."
)


def test_a_generic_word_two_topics_share_does_not_name_a_further_topic(
    classifier: LexiconClassifier,
) -> None:
    # topics-pool-judge-360, both readers: telecom no on «تويتر يشعل الإنترنت» and on using
    # Google Maps «دون إنترنت»; telecom came as a further topic named in the title by
    # «الإنترنت» (generic in telecom and internet-services) with three body hits
    assert tags(classifier, IDIOM_TITLE, IDIOM_TEXT) == ["social-media"]


def test_a_generic_word_of_one_topic_still_names_a_further_topic(
    classifier: LexiconClassifier,
) -> None:
    # guard: «ثغرة» is cybersecurity's own generic word: «فيسبوك تصلح ثغرة» stays a
    # security story too
    title = "فيسبوك تصلح ثغرة كشفت رسائل المستخدمين"
    text = (
        "أعلنت فيسبوك أنها أصلحت ثغرة في تطبيق ماسنجر على فيسبوك سمحت لقراصنة بقراءة رسائل "
        "المستخدمين. وقال خبراء إن الاختراق استغل ثغرة أمنية قديمة، وإن القراصنة لم يصلوا إلى "
        "كلمات المرور، ونصحت فيسبوك مستخدميها بتحديث التطبيق."
    )
    assert sorted(tags(classifier, title, text)) == ["cybersecurity", "social-media"]
