"""Words that point back to an earlier sentence (digest.summarize.references): what
counts as a back reference and what does not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from digest.arabic import tokenize
from digest.summarize import ExtractiveSummarizer
from digest.summarize.references import (
    demonstrative_nouns,
    grounded,
    institution_nouns,
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


def test_a_name_the_cut_dropped_is_not_used_by_a_later_bullet() -> None:
    """Sheet 40f (AL-technology-333): the lead's cut dropped «مبادرة J5» and a later
    bullet said «جاء تشكيل مبادرة J5 …» about an initiative the reader never met."""
    text = " ".join(
        [
            "تحالفت مصلحة الضرائب الأميركية مع السلطات الضريبية في أستراليا وكندا وهولندا "
            "من أجل مكافحة الجريمة الضريبية وغسيل الأموال باستخدام العملات الرقمية المشفرة، "
            "وذلك ضمن مبادرة جديدة لمكافحة الجرائم العالمية تحمل اسم J5 للإنفاذ الضريبي.",
            "تقوم الوكالات الضريبية بمشاركة المعلومات والبيانات وإجراء تحقيقات مشتركة "
            "لتنمية الجهود الدولية.",
            "يشارك في الجهود المشتركة ست وكالات حكومية من البلدان الخمسة في ثلاث قارات.",
            "جاء تشكيل مبادرة J5 لمكافحة الجريمة الضريبية استجابة لنداء منظمة التعاون "
            "الاقتصادي والتنمية لمكافحة غسيل الأموال بالعملات الرقمية المشفرة.",
            "قال رئيس دائرة التحقيقات الجنائية إن المجرمين يستغلون نقاط الضعف في النظام "
            "الضريبي لتحقيق مكاسبهم الشخصية.",
            "زادت السلطات في جميع أنحاء العالم جهودها في مكافحة الجرائم ذات الصلة بالعملات "
            "الرقمية المشفرة.",
            "صادرت السلطات الأوروبية ملايين الدولارات من العملات المشفرة في مداهمات ضد "
            "بائعي المخدرات.",
            "تحقق وزارة العدل الأميركية حاليا في التلاعب بسوق العملات الرقمية المشفرة.",
            "تجد سلطات إنفاذ القانون صعوبة كبيرة في مكافحة عمليات التهرب الضريبي بسبب سهولة "
            "نقل العملات دوليا.",
        ]
    )
    bullets = ExtractiveSummarizer(max_chars=160).summarize("تحالف ضريبي دولي", text)
    assert len(bullets) >= 3
    shown_whole = any("J5" in b and b.startswith("تحالفت") for b in bullets)
    assert shown_whole or not any("J5" in b for b in bullets), bullets


def _bullets(title: str, *sentences: str) -> tuple[str, ...]:
    return ExtractiveSummarizer().summarize(title, "\n".join(sentences))


def test_an_institution_called_by_its_noun_alone_comes_with_the_sentence_naming_it() -> None:
    # bullets-40i, SK-technology-22: «نقلا عن اللجنة أن …» was shown, the sentence that
    # named «اللجنة الوطنية للصحة» was not. It is now shown before it, in the place of
    # the least likely pick
    shown = _bullets(
        "أول إصابة بشرية بسلالة جديدة من إنفلونزا الطيور في الصين",
        "سجلت الصين أول إصابة بشرية بسلالة جديدة من فيروس إنفلونزا الطيور لامرأة في إقليم"
        " ساحلي لكنها تعافت.",
        "وتتزايد حالات الإصابة بإنفلونزا الطيور في فصل الشتاء.",
        "وقال مركز الوقاية الصحية في هونغ كونغ في بيان إن اللجنة الوطنية للصحة في البر"
        " الرئيسي الصيني أبلغته بالحالة.",
        "وذكرت حكومة هونغ كونغ نقلا عن اللجنة أن هذه هي أول إصابة بشرية بالسلالة الجديدة في"
        " العالم.",
        "وكانت المرأة تبلغ من العمر 68 عاما ونقلت إلى المستشفى في الأول من يناير وخرجت في 22"
        " يناير.",
        "يذكر أن سلالة أخرى من فيروس إنفلونزا الطيور أكثر شيوعا في الصين بين البشر.",
        "ومنذ عام 2013 لقي 600 شخص على الأقل حتفهم في الصين بسبب تلك السلالة.",
    )
    at = next(k for k, bullet in enumerate(shown) if "نقلا عن اللجنة" in bullet)
    assert at > 0 and "اللجنة الوطنية للصحة" in shown[at - 1], shown
    assert institution_nouns(tokenize("ذكرت الحكومة نقلا عن اللجنة أن الإصابة الأولى")) == ["لجنه"]
    assert institution_nouns(tokenize("قالت اللجنة الوطنية إن الإصابة الأولى")) == []
    assert institution_nouns(tokenize("أيدت المحكمة العليا الحكم")) == []


def test_a_surname_needs_the_sentence_that_named_him_even_right_after_a_bullet() -> None:
    # bullets-40i, BB-technology-354: «كتب توربا …» followed a shown bullet that does
    # not name him, and counted as grounded by it; «أندرو توربا» is named only in a
    # sentence that is not shown (a list introduction here)
    shown = _bullets(
        "مايكروسوفت تحذف مشاركات معادية للسامية من حساب على غاب",
        "حذفت شبكة غاب الاجتماعية منشورين معاديين للسامية بعدما هددت مايكروسوفت بإزالة"
        " الموقع من خدمتها السحابية.",
        "وقال مؤسس غاب، أندرو توربا، في بيان نشره على الموقع ما يلي:",
        "وتصف الشبكة الاجتماعية نفسها بأنها منصة لحرية التعبير، لكن كثيرا من التعليقات"
        " عليها يعكس آراء اليمين المتطرف.",
        "وكتب توربا على الموقع أن مايكروسوفت منحت غاب مهلة 48 ساعة لحذف المنشورين أو حجب"
        " الخدمة لأسابيع.",
        "وأرسلت بي بي سي طلبا إلى غاب للتعليق على القرار.",
        "ورفعت غاب العام الماضي دعوى قضائية ضد غوغل بعد حذف تطبيقها من متجر غوغل بلاي.",
    )
    assert len(shown) == 3
    assert not any("توربا" in bullet for bullet in shown), shown
    # a definite noun for a person followed by the name introduces her
    assert person_nouns(tokenize("قالت الأم إيما شاردلو هدسون إنها ترضع ابنتها")) == []


ANT_POOL = Path(__file__).resolve().parent.parent.parent / "shared/corpora/ant/pool.jsonl"


@pytest.mark.skipif(not ANT_POOL.exists(), reason="ANT pool corpus not beside the repository")
def test_a_demonstrative_after_another_items_bullet_is_not_grounded_by_it() -> None:
    """Blind sheet bullets-40q, AL-technology-271: in a list of five apps whose names
    were headings (stripped), «مع هذا التطبيق …» (the pet app) was shown right after
    the Homestyler bullet and read as its feature. What it points at is the sentence
    before it in the article, which is not shown; a plural title («5 تطبيقات») names
    no single app."""
    with ANT_POOL.open(encoding="utf-8") as handle:
        record = next(r for r in map(json.loads, handle) if r["id"] == "AL-technology-271-20180528")
    assert "مع هذا التطبيق" in record["text"]
    bullets = ExtractiveSummarizer().summarize(record["title"], record["text"])
    assert len(bullets) >= 3
    assert not any("هذا التطبيق" in b for b in bullets)
