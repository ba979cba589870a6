"""Issue #13 point 3, bullets-40s/40t: bullets that lean on a sentence not shown. A bare
demonstrative among the opening words («يمكن القيام بذلك …», «واحتاجوا لتحقيق ذلك …»),
a time that points back («كان المريخ حينها …»), «على سبيل المثال» and «بالنسبة للفئة
الأخيرة» openings: such a bullet is shown only with the sentence before it, or not at all.
The articles (their first paragraphs, enough to reproduce the sheet's bullets) are in
tests/fixtures/summarize/leaning-40st.json."""

from __future__ import annotations

import json
import pathlib

import pytest

from digest.arabic import tokenize
from digest.summarize import ExtractiveSummarizer
from digest.summarize.dependent import depends_on_previous
from digest.summarize.residue import leans_on_previous

_FIXTURE = pathlib.Path(__file__).parent / "fixtures" / "summarize" / "leaning-40st.json"


def _article(article_id: str) -> tuple[str, str]:
    record = json.loads(_FIXTURE.read_text(encoding="utf-8"))[article_id]
    return record["title"], record["text"]


def _summary(article_id: str) -> tuple[str, ...]:
    return ExtractiveSummarizer().summarize(*_article(article_id))


@pytest.mark.parametrize(
    ("article_id", "leaning"),
    [
        # «كان المريخ حينها على بعد 56.7 مليون كيلومتر»: «حينها» is the eclipse of a
        # sentence not shown (bullets-40t)
        ("SK-technology-1211-20180731", "حينها"),
        # «يمكن القيام بذلك عبر تفعيل نظام النسخ الاحتياطي» (bullets-40s)
        ("SK-technology-1530-20181002", "القيام بذلك"),
        # «على سبيل المثال، تعرفت الخوارزميات …», «بالنسبة للفئة الأخيرة، …» (bullets-40t)
        ("BB-technology-218-20180516", "سبيل المثال"),
        ("BB-technology-218-20180516", "للفئة الأخيرة"),
    ],
)
def test_a_bullet_pointing_back_is_not_shown_without_its_sentence(
    article_id: str, leaning: str
) -> None:
    shown = _summary(article_id)
    assert 3 <= len(shown) <= 5, shown
    assert not any(leaning in bullet for bullet in shown), shown


def test_the_subject_and_demonstrative_of_a_dropped_sentence() -> None:
    # bullets-40s BB-technology-272: «واحتاجوا لتحقيق ذلك الى إعطاء خلايا …» (the
    # researchers and their goal are in the sentence before); «الى» is no definite noun
    shown = _summary("BB-technology-272-20180614")
    assert 3 <= len(shown) <= 5, shown
    assert not any("لتحقيق ذلك" in bullet for bullet in shown), shown
    assert depends_on_previous(tokenize("واحتاجوا لتحقيق ذلك الى إعطاء خلايا في الحبل الشوكي."))


@pytest.mark.parametrize(
    "sentence",
    [
        "يمكن القيام بذلك عبر تفعيل نظام النسخ الاحتياطي.",
        "نفت فيسبوك ذلك وقالت إن معرفة البيانات ستسمح للمستخدمين بالوصول.",
        "سرقت أجهزة الكمبيوتر تلك خلال أربع مداهمات لمراكز بيانات.",
        "كان المريخ حينها على بعد 56.7 مليون كيلومتر من الأرض.",
        "ادعت آنذاك أن الشخصية لا تشبهها.",
        "على سبيل المثال، سيضبط أندرويد إضاءة الشاشة بدراسة تعديلاتك.",
        "بالنسبة للفئة الأخيرة، تقدر الشركة أن عدد الحسابات المزيفة يتراوح بين 3 و4 في المائة.",
        "وكانت الأخيرة قد أعلنت عن هاتف جديد.",
    ],
)
def test_openings_that_point_back(sentence: str) -> None:
    assert depends_on_previous(tokenize(sentence))


@pytest.mark.parametrize(
    "sentence",
    [
        # a demonstrative before its definite noun names what it means (references.py
        # decides whether that noun was named before)
        "يشمل هذا التطبيق أدوات جديدة للمصورين.",
        "تطلق الشركة هذا العام هاتفا جديدا.",
        # «بما في ذلك»: "including"
        "تجمع الشركة البيانات بما في ذلك الموقع والصور.",
        # «الأخيرة» after a noun: "last" or "recent"
        "تراجعت المبيعات للمرة الأخيرة منذ عام 2004.",
        "ارتفعت الأسعار في الآونة الأخيرة بنسبة 20 في المائة.",
        "في الأخير، أعلنت الشركة عن هاتف جديد.",
    ],
)
def test_openings_that_stand_alone(sentence: str) -> None:
    assert not depends_on_previous(tokenize(sentence))


def test_a_verb_of_writing_without_its_subject_is_shown_after_the_one_naming_him() -> None:
    # bullets-40s BB-technology-288: «كتب في تغريدة : "ينبغي لمطعم ريد هين …"» (who
    # wrote? Trump, named by the sentence before: «علق الرئيس ترامب قائلا …»)
    shown = _summary("BB-technology-288-20180626")
    assert 3 <= len(shown) <= 5, shown
    # not shown, or right after the bullet naming him
    assert all(
        "ترامب" in before
        for before, bullet in zip(("", *shown), shown, strict=False)
        if bullet.startswith("كتب في تغريدة")
    ), shown


@pytest.mark.parametrize(
    ("sentence", "leans"),
    [
        ('كتب في تغريدة : "ينبغي لمطعم ريد هين أن يركز أكثر".', True),
        ('كتب في تغريدة على تويتر "إذا نقل هذا البحث للاستخدام".', True),
        ("أوضحت خلال اتصال هاتفي أن ناسا ستعمل مع شركات خاصة.", True),
        ("قالت الشركة في بيان إن الهاتف سيطرح في مايو.", False),
        ("علق الرئيس ترامب قائلا إنه لا ينبغي ذلك.", False),
        # the speaker after where he spoke: a name, not a pronoun
        ("قال في هذا الصدد وزير الاتصالات إن الشبكة ستعمل.", False),
    ],
)
def test_a_verb_of_saying_whose_speaker_is_its_pronoun(sentence: str, leans: bool) -> None:
    assert leans_on_previous(sentence) is leans


def test_a_plural_verb_opening_a_sentence_leans_on_the_group_named_before() -> None:
    # tune half SK-technology-1118: «وجدوا اثني عشر قمرا صغيرا.» (who? the astronomers
    # of the sentence before, not shown with it); a verb before its subject is
    # singular («قال الباحثون …»), so a plural one has a pronoun for subject
    shown = _summary("SK-technology-1118-20180717")
    assert 3 <= len(shown) <= 5, shown
    assert not any(bullet.startswith("وجدوا") for bullet in shown), shown
    # bullets-40r SK-technology-114: «يعلقون آمالهم …» (the researchers' sentence dropped)
    shown = _summary("SK-technology-114-20180301")
    assert 3 <= len(shown) <= 5, shown
    assert not any(bullet.startswith("يعلقون") for bullet in shown), shown


@pytest.mark.parametrize(
    ("sentence", "leans"),
    [
        ("وجدوا اثني عشر قمرا صغيرا.", True),
        ("فحصوا الحمض النووي الميكروبي من فضلاتها.", True),
        ("واحتاجوا إلى إعطاء خلايا في الحبل الشوكي طقما جديدا من التعليمات.", True),
        ("قال الباحثون إنهم وجدوا اثني عشر قمرا صغيرا.", False),
        ("يعلقون آمالهم على الدواء الجديد.", True),
        ("ويقولون إن الهاتف الجديد أسرع.", True),
        ("سيعملون على تطوير الهاتف.", True),
        # «يتعاون», «يكون»: the root's «ن»; «يمنيون»: a nisba plural
        ("يتعاون الفريق مع الشركة.", False),
        ("يكون الهاتف متاحا في مايو.", False),
        ("يمنيون يتظاهرون في صنعاء.", False),
        # a teaser's imperative to its readers, and a noun
        ("تعرفوا إلى أكبر روبوت في العالم.", False),
        ("الأسوأ أن الشركة لم ترد على الرسائل حتى الآن.", False),
    ],
)
def test_a_plural_pronoun_subject(sentence: str, leans: bool) -> None:
    assert depends_on_previous(tokenize(sentence)) is leans


@pytest.mark.parametrize(
    ("article_id", "reference", "introduction"),
    [
        # bullets-40r SK-technology-804: «حسب المسؤولة فانه …» after a bullet that never
        # told of her («أوضحت مسؤولة في وزارة الصحة …» was not shown)
        ("SK-technology-804-20180601", "حسب المسؤولة", "أوضحت مسؤولة"),
        # bullets-40r SK-technology-89: «قالت القناة نقلا عن …» («نقلا عن» is no part of
        # a name) without «قالت قناة (دبليو.كيه.آر.إن) …»
        ("SK-technology-89-20180226", "قالت القناة", "قالت قناة"),
    ],
)
def test_a_speaker_named_by_a_noun_is_shown_after_the_sentence_introducing_him(
    article_id: str, reference: str, introduction: str
) -> None:
    shown = _summary(article_id)
    assert 3 <= len(shown) <= 5, shown
    assert all(
        before.startswith(introduction)
        for before, bullet in zip(("", *shown), shown, strict=False)
        if bullet.startswith(reference)
    ), shown
