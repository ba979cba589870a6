"""Issue #13, bullets-40v: a bullet that reads as the article's news but tells a dated
background event (a distortion), «الأمر» standing for a sentence not shown, and a
hashtag glued to «و» («و#الصور»). The articles (whole, from the ANT pool) are in
tests/fixtures/summarize/leaning-40uv.json."""

from __future__ import annotations

import json
import pathlib

import pytest

from digest.arabic import tokenize
from digest.summarize import ExtractiveSummarizer
from digest.summarize.leaning import (
    back_period,
    background_goes_on,
    but_what_happened,
    candidate_before,
    continues_background,
    opens_against_before,
    surname_subject,
    the_matter_leans,
)
from digest.summarize.residue import unhash

_FIXTURE = pathlib.Path(__file__).parent / "fixtures" / "summarize" / "leaning-40uv.json"


def _summary(article_id: str) -> tuple[str, ...]:
    record = json.loads(_FIXTURE.read_text(encoding="utf-8"))[article_id]
    return ExtractiveSummarizer().summarize(record["title"], record["text"])


def test_a_sentence_going_on_with_a_dated_background_is_not_shown_as_the_news() -> None:
    # «واستمرت عملية السرقة من السبت إلى الاثنين …» is the 2016 theft's weekend («وكان
    # القراصنة استخدموا في 28 مايو 2016 …» before it); shown after the bullets on the
    # planned attack without that sentence, it read as the planned attack's
    bullets = _summary("SK-technology-1331-20180815")
    assert 3 <= len(bullets) <= 5
    weekend = [k for k, b in enumerate(bullets) if "من السبت إلى الاثنين" in b]
    if weekend:
        assert weekend[0] > 0 and "2016" in bullets[weekend[0] - 1]


@pytest.mark.parametrize(
    ("sentence", "before", "leans"),
    [
        (
            "واستمرت عملية السرقة من السبت إلى الاثنين.",
            "وكان القراصنة استخدموا في 28 مايو 2016 برمجيات خبيثة.",
            True,
        ),
        (
            "وعانت طائرة فيسبوك في إحدى الاختبارات من تحطم في أحد الأجنحة.",
            "وكان المشروع، الذي أعلن عنه أول مرة في عام 2014، قد أخفق في التحليق.",
            True,
        ),
        # the source speaking now, the present, a new time: the article's news again
        (
            "وقال موقع يوتيوب إنه بحاجة إلى بذل المزيد من الجهد.",
            "وفي عام 2015، اشتكت منظمتان معنيتان بسلامة الأطفال.",
            False,
        ),
        (
            "ويريد فيسبوك أن يطبق خوارزميات جديدة.",
            "وكان فيسبوك قد تقدم بطلب في يونيو 2016.",
            False,
        ),
        (
            "وفي الشهر الماضي أطلقت الشركة هاتفا جديدا.",
            "وكانت الشركة أطلقت في 2016 هاتفا.",
            False,
        ),
        # its own year; a background without one
        ("واستمرت العملية حتى عام 2017.", "وكان القراصنة هاجموا في 2016 بنوكا.", False),
        ("واستمرت عملية السرقة يومين.", "وكان القراصنة هاجموا بنوكا.", False),
        ("واستمرت عملية السرقة يومين.", "وأعلنت الشرطة في 2016 القبض عليهم.", False),
    ],
)
def test_continues_background(sentence: str, before: str, leans: bool) -> None:
    assert continues_background(sentence, before) is leans


def test_background_goes_on_reads_only_the_candidate_right_before() -> None:
    # the dated background, the sentence that goes on with it, then a heading (no
    # candidate: a heading, too short to score) before a sentence that would go on with it
    text = (
        "أعلن البنك المركزي اليوم عن خطة جديدة لحماية أنظمة الدفع من الهجمات الإلكترونية.\n"
        "وكان القراصنة استخدموا في 28 مايو 2016 ثغرة في نظام التحويلات الدولية للبنوك.\n"
        "واستمرت عملية السرقة من السبت إلى الاثنين دون أن يلاحظها أحد من الموظفين.\n"
        "تفاصيل\n"
        "واستمرت التحقيقات شهورا طويلة قبل أن تعلن الشرطة القبض على المتهمين الرئيسيين.\n"
    )
    ranked = ExtractiveSummarizer().rank("البنك المركزي يحمي أنظمة الدفع", text)
    by_text = {c.sentence.text[:12]: c for c in ranked}
    first, background, going_on = ranked[0], ranked[1], ranked[2]
    assert candidate_before(first.sentence.index, ranked) is None
    assert candidate_before(going_on.sentence.index, ranked) is background
    assert background_goes_on(going_on, ranked)
    assert not background_goes_on(background, ranked)
    after_heading = by_text["واستمرت التح"]
    assert candidate_before(after_heading.sentence.index, ranked) is None
    assert not background_goes_on(after_heading, ranked)


def test_the_matter_of_a_sentence_not_shown_is_no_bullet() -> None:
    # «وعادة ما يكون الأمر غير مؤلما …»: «الأمر» is the thickened nails of the sentence
    # before (bullets-40v)
    bullets = _summary("SK-technology-245-20180324")
    assert 3 <= len(bullets) <= 5
    assert not any("يكون الأمر غير" in b for b in bullets)


@pytest.mark.parametrize(
    ("sentence", "leans"),
    [
        ("وعادة ما يكون الأمر غير مؤلم لكنه يشير إلى مشاكل في القلب.", True),
        ("الأمر ليس صدفة، ولكن ذلك يندرج ضمن استراتيجيات الشركات.", True),
        ("كشفت فيسبوك عن الأمر في مدونة، الجمعة.", True),
        ("الأمر الذي دفع الشركة إلى سحب الهاتف.", True),
        ("في بادئ الأمر، كان يوتيوب يضع مقاطع الفيديو وفقا للترتيب الزمني.", False),
        ("العجيب في الأمر أن التعلم العميق وصل لمجال الطب.", False),
        ("يستغرق الأمر حوالي أسبوعين حتى يتم تنفيذ طلبك.", False),
        ("عندما يتعلق الأمر بالخصوصية، تتشدد أوروبا.", False),
        ("وقع ترامب الأمر التنفيذي يوم الجمعة.", False),
        ("أعلنت الشركة عن هاتف جديد.", False),
    ],
)
def test_the_matter_leans(sentence: str, leans: bool) -> None:
    assert the_matter_leans(tokenize(sentence)) is leans


def test_a_hashtag_glued_to_a_conjunction_loses_its_marker() -> None:
    # «ملفات تعريف الارتباط و#الصور المخزنة مؤقتًا» (bullets-40v AL-technology-140)
    bullets = _summary("AL-technology-140-20180403")
    assert any("والصور المخزنة" in b for b in bullets)
    assert not any("#" in b for b in bullets)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ملفات الارتباط و#الصور المخزنة", "ملفات الارتباط والصور المخزنة"),
        ("(و#الصور)", "(والصور)"),
        ("شركات مثل غوغل و#فيسبوك", "شركات مثل غوغل وفيسبوك"),
        ("لغة C# الشهيرة", "لغة C# الشهيرة"),
        ("كلمة#وسم", "كلمة#وسم"),
    ],
)
def test_unhash_after_a_prefix(text: str, expected: str) -> None:
    assert unhash(text) == expected


@pytest.mark.parametrize(
    ("article_id", "leaning"),
    [
        # «خلال هذه الفترة، تم تشخيص إصابة 1489 شخصا …»: the study's three decades
        # (bullets-40u)
        ("SK-technology-1527-20181003", "خلال هذه الفترة"),
        # «قسم الباحثون بعدها المشاركين …»: after tests the bullets do not tell
        ("SK-technology-881-20180611", "بعدها"),
        # «وفقًا لـ "آي بي إم"، فهذه ليست سوى البداية»: "this" is a sentence not shown
        ("AL-technology-107-20180319", "فهذه"),
    ],
)
def test_a_period_or_thing_told_before_is_no_bullet(article_id: str, leaning: str) -> None:
    bullets = _summary(article_id)
    assert 3 <= len(bullets) <= 5
    assert not any(leaning in b for b in bullets)


@pytest.mark.parametrize(
    ("sentence", "leans"),
    [
        ("خلال هذه الفترة، تم تشخيص إصابة 1489 شخصا بالخرف.", True),
        ("وبعد مرور تلك الفترة ينبغي إعادة توصيل الجهاز.", True),
        ("قسم الباحثون بعدها المشاركين إلى خمس مجموعات.", True),
        ("وفقًا لـ آي بي إم، فهذه ليست سوى البداية.", True),
        ("وفقًا لـ آي بي إم، فهذه الخطوة ليست سوى البداية.", False),
        ("تنتشر الإنفلونزا في هذه الأيام بين الأطفال.", False),
        ("خلال الفترة المقبلة ستطلق الشركة هاتفا.", False),
        ("إذا ارتفعت الحرارة فهذا يعني أن الجهاز معطل.", False),
    ],
)
def test_back_period(sentence: str, leans: bool) -> None:
    assert back_period(tokenize(sentence)) is leans


@pytest.mark.parametrize(
    ("sentence", "leans"),
    [
        ("في المقابل، عندما يتعرض الإنسان لإصابة، تكون الخلايا نسيجا.", True),
        ("بالمقابل، قال الخبراء إن النتائج توضح أهمية نمط الحياة.", True),
        ("كما يتضح، فإن النساء أكثر عرضة للإصابة بالخرف.", True),
        ("في المقابلة التي تبثها المحطة، قال ماسن إن الأنشطة زادت.", False),
        ("كما أعلنت الشركة عن هاتف جديد.", False),
    ],
)
def test_opens_against_before(sentence: str, leans: bool) -> None:
    assert opens_against_before(tokenize(sentence)) is leans


def test_the_turn_of_an_anecdote_is_not_shown_without_its_start() -> None:
    # «لكن ما ظهر في الترجمة أن "النساء العجائز هنا جميلات للغاية"»: a friend meant to
    # say Russian women are beautiful, told in the sentence before (bullets-40v)
    bullets = _summary("SK-technology-1055-20180706")
    assert 3 <= len(bullets) <= 5
    assert not any(b.startswith("ما ظهر") for b in bullets)


@pytest.mark.parametrize(
    ("sentence", "leans"),
    [
        ('لكن ما ظهر في الترجمة أن "النساء العجائز هنا جميلات للغاية".', True),
        ("ولكن ما حدث بعد ذلك فاجأ الجميع.", True),
        ("لكن ما يصعب تفسيره هو ارتفاع نسبة الإصابة عند النساء.", False),
        ("ولكن ما هو هاكاثون الحج؟", False),
        ("لكن الشركة لم تعلن موعد الإطلاق.", False),
    ],
)
def test_but_what_happened(sentence: str, leans: bool) -> None:
    assert but_what_happened(sentence) is leans


def test_a_surname_introduced_in_a_sentence_not_shown_is_no_bullet_alone() -> None:
    # «حاول باراكيلاس التوقف عن استخدام تطبيق فيسبوك …»: «ساندي باراكيلاس» is
    # introduced by a sentence no bullet shows (bullets-40u)
    bullets = _summary("BB-technology-304-20180706")
    assert 3 <= len(bullets) <= 5
    for k, bullet in enumerate(bullets):
        if bullet.startswith("حاول باراكيلاس"):
            assert any("ساندي باراكيلاس" in b for b in bullets[:k])


@pytest.mark.parametrize(
    ("sentence", "surname"),
    [
        ("حاول باراكيلاس التوقف عن استخدام تطبيق فيسبوك.", True),
        ("قررت غاغا التحدث أمام العالم.", True),
        ("قال ساندي باراكيلاس إن التطبيقات تشبه آلة القمار.", False),
        ("أعلنت غوغل عن هاتف جديد.", False),
        ("تعد متلازمة الأيض مزيجا من الاضطرابات.", False),
        ("وفقا للسيناريو المخيف، فإن زلزالا قد يدمر المدينة.", False),
    ],
)
def test_surname_subject(sentence: str, surname: bool) -> None:
    assert bool(surname_subject(tokenize(sentence))) is surname


def test_in_other_words_leans() -> None:
    assert opens_against_before(tokenize("بعبارة أخرى ، لمنع آلام الظهر، علينا الحركة."))
    assert not opens_against_before(tokenize("بعبارة واضحة، الهاتف سريع."))
