"""Clause-safe cutting (issue #13 point 1): a long sentence is shown as a leading part
only when that part is complete and the dropped rest changes nothing it says."""

from __future__ import annotations

import pytest

from digest.summarize import ExtractiveSummarizer
from digest.summarize.cutting import cut_is_safe

OTHERS = [
    "أعلن نادي ليفربول الإنجليزي عن تشكيلته الرسمية لمباراة الأمس أمام فريق مانشستر سيتي.",
    "حضر المباراة أكثر من خمسين ألف متفرج في ملعب أنفيلد الشهير بمدينة ليفربول.",
    "يحتل ليفربول المركز الثاني في جدول ترتيب الدوري الإنجليزي الممتاز هذا الموسم.",
]


def _bullets(long_sentence: str, *, max_chars: int = 120) -> tuple[str, ...]:
    text = " ".join([OTHERS[0], long_sentence, *OTHERS[1:]])
    return ExtractiveSummarizer(max_chars=max_chars).summarize("ليفربول يفوز", text)


@pytest.mark.parametrize(
    ("sentence", "broken_end"),
    [
        # the outcome after «قبل أن»: without it the reader believes the match was drawn
        (
            "سجل محمد صلاح هدفا رائعا وأدرك التعادل لليفربول في الدقيقة السادسة والخمسين "
            "من المباراة قبل أن يؤكد فيرمينو فوز ليفربول بهدف ثان في الدقائق الأخيرة من اللقاء.",
            "في الدقيقة السادسة والخمسين من المباراة.",
        ),
        # a condition without its consequence
        (
            "قالت الشركة المالكة للنادي في بيان رسمي صدر صباح اليوم في حال فشل المفاوضات "
            "مع اللاعب الشاب، فإنه سيرحل عن الفريق في نهاية الموسم الحالي دون أي مقابل مالي.",
            "مع اللاعب الشاب.",
        ),
        # the topic of «أما» without what is said about it
        (
            "ارتفعت مبيعات قمصان النادي في بريطانيا بنسبة كبيرة خلال الشهر الماضي وحده، "
            "أما في مصر، فقد نفدت القمصان التي تحمل اسم صلاح من جميع المتاجر خلال أيام قليلة.",
            "أما في مصر.",
        ),
        # an apposition set off by commas, the clause's complement after it (blind sheet
        # bullets-40e, AL-technology-337)
        (
            "كشفت فيسبوك أنها تتعاون مع التحقيقات الجارية حول كيفية حصول شركة الاستشارات "
            "السياسية، كامبريدج أناليتيكا، على معلومات شخصية تخص 87 مليون مستخدم من الموقع.",
            "شركة الاستشارات السياسية.",
        ),
        # a verb of describing without its complement
        (
            "انتقد مدرب الفريق المنافس قرارات حكم المباراة بشدة في المؤتمر الصحفي ووصفها "
            'بأنها "غير مقبولة على الإطلاق" مطالبا الاتحاد الإنجليزي بفتح تحقيق عاجل في الأمر.',
            "ووصفها.",
        ),
        # «فأصبح» with only an attribution after it: its predicate was dropped (judged
        # broken on sheet 40f, AL-technology-288)
        (
            "يبدو أن الشركة تقف حاليا وراء تكرار التلاعب بمثل إنجليزي شهير فأصبح وفق ما قرأت "
            "الصحيفة في بعض وسائل الإعلام العالمية، منها موقع صحيفة صنداي تايمز البريطانية، "
            "عبارة جديدة تماما عن التفاح.",
            "في بعض وسائل الإعلام العالمية.",
        ),
        # the consequence «لذلك …» is the sentence's point: no cut before it
        (
            "وجدت الشركة أن من الأفضل أن يمتد العمر بزبائنها لكي يشتروا منها المزيد من "
            "الأجهزة، وهي قاعدة معروفة من بديهيات التسويق، لذلك بدأت تنصح بعدم الغلو "
            "وبتقليل الاستخدام اليومي لأجهزتها.",
            "من بديهيات التسويق.",
        ),
        # an attribution with «و» fronts what it attributes: a cut after it keeps the
        # source and drops the claim (blind sheet bullets-40q, SK-technology-1423)
        (
            "قال مدرب الفريق إن اللاعبين قدموا أداء رائعا، وأضاف: "
            '"ربما كنا الأفضل في الشوط الثاني" وبحسب الإحصاءات الرسمية للمباراة، '
            "استحوذ ليفربول على الكرة بنسبة سبعين في المئة من وقت اللقاء.",
            "وبحسب الإحصاءات الرسمية للمباراة.",
        ),
    ],
)
def test_no_bullet_drops_what_the_clause_needs(sentence: str, broken_end: str) -> None:
    """The sentence is shown whole, cut where nothing it needs is lost, or not at all."""
    bullets = _bullets(sentence)
    assert len(bullets) >= 3
    assert not any(b.endswith(broken_end) for b in bullets)


def test_a_safe_comma_cut_is_still_made() -> None:
    sentence = (
        "أعلنت شركة آبل عن هاتف آيفون الجديد في مؤتمر كبير عقدته في كاليفورنيا مساء الثلاثاء، "
        "وسط حضور مئات الصحفيين والمطورين من مختلف دول العالم الذين جاؤوا لمتابعة الحدث."
    )
    bullets = _bullets(sentence)
    assert any(b.endswith("مساء الثلاثاء.") for b in bullets)


@pytest.mark.parametrize(
    ("kept", "dropped", "safe"),
    [
        ("أكد المدير التنفيذي للشركة أن", "المبيعات ارتفعت", False),
        ("أكد المدير التنفيذي للشركة أن المبيعات", "ارتفعت بنسبة كبيرة", False),
        ("أعلنت الشركة عن هاتف جديد في مؤتمر كبير", "وسط حضور كبير", True),
        ("ارتفعت المبيعات في بريطانيا، أما في مصر", "فقد نفدت", False),
        ("لا يقوم الناس بقراءة الأذونات، وإذا كنت قلقا بشأن خصوصيتك", "يجب أن تعرف", False),
        ("تسمى الميزة مجموعات الاشتراك، وأوضح أليكس ديفي", "مدير المنتجات: نحن", False),
        ("أدرك صلاح التعادل لليفربول في الدقيقة 56", "قبل أن يؤكد فيرمينو الفوز", False),
        ("أطلقت الشركة تطبيقها الجديد في الأسواق", "لكنه لم يحقق النجاح", False),
        ("ومن المتوقع أن يؤدي التوسع في المصنع", "إلى مضاعفة قدرات الشركة", False),
        ("أعلنت الشركة عن تعاونها مع شركة ناشئة", "كارفي، في مجال السيارات", False),
        ("حصلت الشركة الناشئة على تمويل جديد", "(أ ف ب)، بأن قيمته كبيرة", False),
        ("بدأت المحادثة في الصباح الباكر", "وهذا حدث بالفعل لنا، على الرغم من ذلك", True),
        ("تقف الشركة وراء مثل شهير فأصبح وفق ما قرأت الصحيفة", "عبارة جديدة", False),
        ("تأكدت الشركة من الأمر، وهي قاعدة معروفة", "لذلك بدأت تنصح", False),
        ("تأكدت الشركة من الأمر تماما", "وهي قاعدة معروفة، لذلك بدأت تنصح", False),
        ('وأضاف: "ربما يكن أقل ميلا إلى الذكور" وبحسب الدراسة', "تفضل الإناث البقاء", False),
        ("تفضل الإناث البقاء في مجموعة واحدة، وفقا للدراسة", "بينما ينتشر الذكور", True),
    ],
)
def test_cut_is_safe(kept: str, dropped: str, safe: bool) -> None:
    assert cut_is_safe(kept, dropped) is safe


def test_sentences_up_to_300_characters_stay_whole() -> None:
    sentence = (
        "أوضحت فيسبوك أنها لن تحصل على أي رسوم اشتراك خاصة بها أثناء فترة الاختبار، ولكن نظرا "
        "إلى أن ميزة الدفع تتم من خلال نظامي التشغيل آي أو إس وأندرويد، فإن الأنظمة التشغيلية "
        "تحصل على نسبة 30 في المئة خلال العام الأول من الاشتراك."
    )
    assert 220 < len(sentence) <= 300
    text = " ".join([OTHERS[0], sentence, *OTHERS[1:]])
    bullets = ExtractiveSummarizer().summarize("فيسبوك", text)
    assert sentence in bullets
