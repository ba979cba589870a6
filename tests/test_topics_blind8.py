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


@pytest.mark.parametrize(
    ("title", "text", "expected"),
    [
        # removing fake accounts and intrusive spam is moderation, not security (judge-180,
        # both judges: cybersecurity no); «متسلل» is an infiltrator of any kind
        (
            "فيسبوك تحذف ملايين الحسابات المزيفة وتشطب محتوى متسللا",
            "حذفت فيسبوك ملايين الحسابات المزيفة في ستة أشهر، وقالت فيسبوك إن المتسللين "
            "إلى الموقع بأسماء مزورة كثر، وإن فيسبوك شطبت رسائل مزعجة.",
            ["social-media"],
        ),
        # ... intruders who break into systems stay a security story
        (
            "متسللون يخترقون شبكة مستشفى",
            "تمكن متسللون من اختراق شبكة المستشفى وسرقة ملفات، وقال خبراء إن الاختراق تم عبر "
            "ثغرة أمنية في البريد.",
            ["cybersecurity"],
        ),
    ],
)
def test_an_infiltrator_alone_is_no_hacker(
    classifier: LexiconClassifier, title: str, text: str, expected: list[str]
) -> None:
    assert tags(classifier, title, text) == expected
