"""Words that point back to an earlier sentence (digest.summarize.references): what
counts as a back reference and what does not."""

from __future__ import annotations

from digest.arabic import tokenize
from digest.summarize.references import (
    demonstrative_nouns,
    grounded,
    person_nouns,
    speaker_reference,
    stems,
)


def test_demonstratives_with_their_noun_point_back_unless_named_before() -> None:
    assert demonstrative_nouns(tokenize("تم تطوير هذا التطبيق من قبل طلاب")) == ["تطبيق"]
    assert demonstrative_nouns(tokenize("تطلب هذه النوعية من المواقع مقابلا")) == ["نوعيه"]
    # named before the demonstrative in the same sentence
    assert demonstrative_nouns(tokenize("أطلقت الشركة تطبيقا جديدا ويتيح هذا التطبيق")) == []
    # the time of the sentence itself, an idiom, a relative pronoun: no back reference
    assert demonstrative_nouns(tokenize("زادت المبيعات هذا العام بنسبة كبيرة")) == []
    assert demonstrative_nouns(tokenize("تؤثر عوامل كثيرة بما في ذلك الجينات")) == []
    assert demonstrative_nouns(tokenize("تحدث عن هؤلاء الذين فقدوا وظائفهم")) == []
    # but «that time» points back
    assert demonstrative_nouns(tokenize("منذ ذلك الوقت أوقفت أوبر سياراتها")) == ["وقت"]


def test_a_speaker_named_only_by_a_noun_or_one_name() -> None:
    assert speaker_reference(tokenize("يوضح الباحث، أن الإنسان استخدم اللغة")) == "باحث"
    assert speaker_reference(tokenize("أضاف الموقع أن المبرمج يعيش في بلد")) == "موقع"
    assert speaker_reference(tokenize("قال كولمان في إفادة للصحفيين")) == "كولمان"
    # named in full, a group, the article's company, no verb of saying: none
    assert speaker_reference(tokenize("قال الباحث جون سميث إن النتائج مهمة")) is None
    assert speaker_reference(tokenize("قالت شركة غوغل إن الخدمة آمنة")) is None
    assert speaker_reference(tokenize("قال الباحثون إن النتائج مهمة")) is None
    assert speaker_reference(tokenize("قالت الشركة إن الخدمة آمنة")) is None
    assert speaker_reference(tokenize("ارتفعت المبيعات في الربع الأخير")) is None


def test_grounded_meets_a_nouns_other_forms() -> None:
    shown = stems(tokenize("أطلق طلاب تطبيقا جديدا لمساعدة السائقين"))
    assert grounded("تطبيق", shown)
    assert not grounded("نموذج", shown)


def test_a_definite_noun_for_a_person() -> None:
    assert person_nouns(tokenize("يفسر الزوجان، وهما ينظران إلى بعضهما، سبب ذلك")) == ["زوجان"]
    assert person_nouns(tokenize("قالت الباحثة إن النتائج مهمة")) == ["باحثه"]
    # a relative clause after the noun (and its adjectives) tells who
    assert person_nouns(tokenize("يرى الرجل الذي طور السيارات أن المستقبل قريب")) == []
    # a speaker with a description but no name yet
    assert speaker_reference(tokenize("تقول أماندا، البالغة من العمر 35 عاما، إن")) == "اماندا"
