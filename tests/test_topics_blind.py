"""Topic rules found from the blind judges' verdicts (topics6): every example is written for
the test in the shape of a story the blind sheets judged, never copied from the corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from digest.errors import ConfigError
from digest.topics import LexiconClassifier, TopicCatalog, default_topics_path


@pytest.fixture(scope="module")
def classifier() -> LexiconClassifier:
    return LexiconClassifier(TopicCatalog.load(default_topics_path()))


def tags(classifier: LexiconClassifier, title: str, text: str) -> list[str]:
    return [match.topic for match in classifier.classify(title, text)]


@pytest.mark.parametrize(
    ("title", "text", "expected"),
    [
        # Data use and privacy scandals are no hacking (60e, pool 660: judged no 3 of 3) ...
        (
            "سرقة بيانات المرضى تلاحق غوغل في بريطانيا",
            "تواجه غوغل دعوى بسبب استخدام بيانات المرضى، وقالت غوغل إن المستشفيات وافقت، "
            "وترد غوغل بأن البيانات استخدمت لتطبيق طبي.",
            ["big-tech"],
        ),
        (
            "رغم فضيحة سرقة البيانات ارتفاع قوي في أرباح فيسبوك",
            "أعلنت فيسبوك أرباحا قياسية رغم فضيحة انتهاك الخصوصية، وقالت فيسبوك إن عدد "
            "المستخدمين زاد، وارتفع سهم فيسبوك.",
            ["social-media"],
        ),
        # ... protecting your own privacy is (60d: the judge listed cybersecurity missing)
        (
            "بعد فضيحة تطبيق لياقة..هكذا تحمي خصوصيتك",
            "كشف تطبيق للياقة مواقع جنود، وننصحك بخطوات حماية الخصوصية على هاتف ذكي، "
            "وتعطيل مشاركة الموقع في التطبيق.",
            ["cybersecurity"],
        ),
        # «بديل» (alternative) is no Dell, «كوكب الأرض» no space: an environment study
        (
            "كيف يفقد العالم مساحة ملعب كرة قدم كل ثانية؟",
            "كشفت دراسة أن كوكب الأرض يخسر غاباته، وأن كوكبنا يفقد مساحات بسبب الاحتباس "
            "الحراري، وتظهر صور أقمار صناعية حجم الخسارة على كوكب الأرض، ولا بديل عن حماية "
            "البيئة.",
            ["science"],
        ),
    ],
)
def test_privacy_scandals_alternatives_and_planet_earth(
    classifier: LexiconClassifier, title: str, text: str, expected: list[str]
) -> None:
    assert tags(classifier, title, text) == expected


def test_tech_company_words_are_generic_startups_evidence() -> None:
    # A second «generic:» key of startups had replaced its first list: these never counted.
    startups = TopicCatalog.load(default_topics_path()).get("startups")
    assert startups is not None
    assert {"شركات التكنولوجيا", "تمويل"} <= set(startups.lexicon_generic)


def test_a_key_given_twice_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "topics.yaml"
    path.write_text(
        "topics:\n"
        "  - slug: t\n    name_ar: اختبار\n    name_en: Test\n    colour: 0x123456\n"
        "    aliases: [t]\n"
        "    lexicon:\n      ar: [كلمة]\n      generic: [أولى]\n      generic: [ثانية]\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="given twice"):
        TopicCatalog.load(path)
