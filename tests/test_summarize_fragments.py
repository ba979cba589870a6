"""bullets-40k/40l's leaning bullets of ours (issue #13 point 3), through the real
summarizer on the sheet articles (title, text; the opening paragraphs): a sentence that
only continues the one before it is shown with it or not at all."""

from __future__ import annotations

from digest.arabic import tokenize
from digest.summarize import ExtractiveSummarizer
from digest.summarize.connectives import depends_on_previous
from tests.test_summarize_complements import _SK_541

_SK_786 = (
    'إيران.. "انحدار إلكتروني" برعاية نظام الملالي',
    "\n".join(
        [
            "\ufeffرغم أن التضييق على الحريات أمر ليس بالجديد على النظام الإيراني، إلا "
            "أن الإيرانيين لم يكونوا قلقين يوما على حريتهم أكثر من هذه الأيام.",
            "ويرجع ذلك إلى أن الإجراءات بهذا الشأن تضاعفت في الفترة الأخيرة. ليواصل "
            "نظام الملالي انحداره في مجال الحريات الإلكترونية.",
            "قامت السلطات في الثلاثين من أبريل الماضي بحظر تطبيق تليغرام للمراسلات، "
            "لكنها في المقابل ربما غضت الطرف عن العديد من الوسائل التقنية التي مكنت "
            "المستخدمين من الوصول سرا إلى وسائل التواصل الاجتماعي.",
            "ومع تصاعد التوتر بين الولايات المتحدة وإيران عقب قرار الرئيس الأميركي "
            "بالانسحاب من الاتفاق النووي، انتهز النظام الإيراني ذلك لتضييق الخناق "
            "على الإيرانيين.",
            "حيث تشير تقارير إلى قيام السلطات بإغلاق الوكلاء، والأدوات الأخرى، التي "
            "ساعدت المستخدمين على تجاوز القيود المفروضة للوصول إلى وسائل التواصل "
            "الاجتماعي.",
        ]
    ),
)


def test_a_purpose_verb_opening_is_not_a_bullet_of_its_own() -> None:
    # bullets-40k #8: «… تضاعفت في الفترة الأخيرة. ليواصل نظام الملالي انحداره …»
    bullets = ExtractiveSummarizer().summarize(*_SK_786)
    assert len(bullets) >= 3
    assert not any(b.startswith("ليواصل") for b in bullets), bullets
    assert depends_on_previous(tokenize("لتتمكن الشركة بذلك من دخول السوق الأوروبية."))
    # «لـ» + a noun or a name opens a sentence of its own
    for sentence in (
        "لشركة آبل متجر جديد في دبي.",
        "لتطوير التطبيق استعانت الشركة بمهندسين من الهند.",
        "لينوفو تطلق حاسوبا جديدا.",
        "ليبيا تحظر تطبيق تليغرام.",
    ):
        assert not depends_on_previous(tokenize(sentence)), sentence


def test_a_bare_plural_demonstrative_after_the_verb_leans_on_the_sentence_before() -> None:
    # bullets-40k #38: «ويأمل مطورو هذه التقنية … ويبحث هؤلاء حاليا في …» showed «يبحث
    # هؤلاء حاليا …» without the sentence naming «هؤلاء»
    bullets = ExtractiveSummarizer().summarize(*_SK_541)
    assert len(bullets) >= 3
    assert not any(b.startswith("يبحث هؤلاء") for b in bullets), bullets
    assert depends_on_previous(tokenize("انضم هؤلاء لبرنامج مراقبة صحية عام 2002."))
    # before its noun it names whom it means
    assert not depends_on_previous(tokenize("انضم هؤلاء الباحثون لبرنامج مراقبة صحية."))
