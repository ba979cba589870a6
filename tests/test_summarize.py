"""Extractive summarizer: bullets are clean sentences of the article."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from digest.arabic import normalize, tokenize
from digest.ports import Summarizer
from digest.sentences import quotes_balanced, segment
from digest.summarize import ExtractiveSummarizer
from digest.summarize.boilerplate import is_boilerplate, looks_like_code, strip_dateline
from digest.summarize.connectives import strip_connective
from digest.summarize.cutting import clause_opener_parts, safe_leading_part
from digest.summarize.dependent import depends_on_previous


@pytest.fixture
def seed(fixtures: Path) -> tuple[str, str]:
    text = (fixtures / "summarize" / "deepseek-article.ar.txt").read_text(encoding="utf-8")
    title, _, body = text.partition("\n")
    return title, body


def _article_words(text: str) -> str:
    return " ".join(tokenize(text))


def test_implements_the_port() -> None:
    summarizer: Summarizer = ExtractiveSummarizer()
    assert summarizer.name == "extractive"


def test_seed_article_gives_3_to_5_real_sentences_not_headings(seed: tuple[str, str]) -> None:
    title, body = seed
    bullets = ExtractiveSummarizer().summarize(title, body)
    assert 3 <= len(bullets) <= 5
    headings = {s.text for s in segment(body) if s.heading}
    article = _article_words(body)
    for bullet in bullets:
        assert bullet not in headings
        assert len(bullet) <= 300
        assert quotes_balanced(bullet)
        assert bullet.endswith((".", "!", "؟", "?", "…"))
        # the bullet is text of the article (a leading connective may have been dropped,
        # a long sentence cut to its leading clause)
        assert _article_words(bullet) in article
    assert len(set(bullets)) == len(bullets)


def test_seed_article_with_title_as_first_line(seed: tuple[str, str]) -> None:
    title, body = seed
    bullets = ExtractiveSummarizer().summarize("", f"{title}\n{body}")
    assert 3 <= len(bullets) <= 5
    assert all(not b.startswith("نموذج الذكاء الاصطناعي الصيني") for b in bullets)


def test_bullets_follow_article_order(seed: tuple[str, str]) -> None:
    title, body = seed
    bullets = ExtractiveSummarizer().summarize(title, body)
    folded = _article_words(body)
    positions = [folded.index(_article_words(b)) for b in bullets]
    assert positions == sorted(positions)


def test_leading_connectives_are_stripped() -> None:
    assert strip_connective("وأظهرت اختبارات مستقلة أن النموذج تفوق.") == (
        "أظهرت اختبارات مستقلة أن النموذج تفوق."
    )
    assert strip_connective("كما كشف المختبر عن نموذج جديد.") == "كشف المختبر عن نموذج جديد."
    assert strip_connective("ومن جهة أخرى، أعلنت الشركة عن أرباح.") == "أعلنت الشركة عن أرباح."
    assert strip_connective("وقد توفي في فيينا.") == "قد توفي في فيينا."
    assert strip_connective("فقد أشار الباحث إلى ذلك.") == "قد أشار الباحث إلى ذلك."
    assert strip_connective("والنتيجة كانت مدهشة.") == "النتيجة كانت مدهشة."
    # words that merely begin with waw/fa stay whole
    assert strip_connective("وادي السيليكون قلق.") == "وادي السيليكون قلق."
    assert strip_connective("والده كان معلمه الأول.") == "والده كان معلمه الأول."
    assert strip_connective("فيينا عاصمة الموسيقى.") == "فيينا عاصمة الموسيقى."
    assert strip_connective("However, the chips shipped.", "en") == "The chips shipped."


def test_the_conjunction_leaves_common_news_verbs_but_not_words_that_begin_with_waw() -> None:
    assert strip_connective("وذكرت الشركة أن المبيعات ارتفعت.") == "ذكرت الشركة أن المبيعات ارتفعت."
    assert strip_connective("ونُشرت الدراسة في دورية علمية.") == "نُشرت الدراسة في دورية علمية."
    assert strip_connective("ويتيح التحديث ميزات جديدة.") == "يتيح التحديث ميزات جديدة."
    assert strip_connective("فذكرت الصحيفة أن الهاتف تأخر.") == "ذكرت الصحيفة أن الهاتف تأخر."
    assert strip_connective("ولتفعيل الميزة افتح الإعدادات.") == "لتفعيل الميزة افتح الإعدادات."
    assert strip_connective("وللمرة الأولى تعمل الشريحة.") == "للمرة الأولى تعمل الشريحة."
    # "ووصف" is و + "وصف"; "وصف" (described), "وردت", "واصل", "وسائل", "وفقا" are words
    # of their own whose first letter is و, and "وبذلك" needs the previous sentence
    assert strip_connective("ووصف المدير الخطوة بأنها مثيرة.") == "وصف المدير الخطوة بأنها مثيرة."
    for whole in (
        "وصف المدير الخطوة بأنها مثيرة.",
        "وردت أنباء عن تأجيل الإطلاق.",
        "واصل الفريق العمل على التطبيق.",
        "وسائل التواصل الاجتماعي تنتشر بسرعة.",
        "وفقا للتقرير تراجعت المبيعات.",
        "وادي السيليكون يراقب الصفقة.",
        "والي المدينة افتتح المعرض.",
        "وليد يعمل في الشركة منذ سنوات.",
    ):
        assert strip_connective(whole) == whole
    # with or without its و, "بذلك" needs the previous sentence
    assert depends_on_previous(tokenize(strip_connective("وبذلك أصبح الهاتف الأسرع في السوق.")))


def test_connective_sentence_becomes_a_standalone_bullet() -> None:
    text = (
        "أطلقت شركة إنفيديا معالجها الجديد للذكاء الاصطناعي في معرض كبير.\n"
        "وأظهرت اختبارات مستقلة أن المعالج الجديد أسرع بكثير من الجيل السابق للشركة.\n"
        "كما أعلنت الشركة عن خطط لزيادة إنتاج المعالجات الجديدة هذا العام في مصانعها.\n"
        "ويتوقع المحللون ارتفاع مبيعات الشركة بشكل كبير خلال الأشهر المقبلة."
    )
    bullets = ExtractiveSummarizer().summarize("إنفيديا تطلق معالجا جديدا", text)
    assert len(bullets) == 3
    assert not any(b.startswith(("كما ", "وأظهرت")) for b in bullets)


def test_boilerplate_is_never_a_bullet() -> None:
    text = (
        "أعلنت شركة آبل عن هاتف جديد يدعم ميزات الذكاء الاصطناعي المتقدمة.\n"
        "اقرأ أيضا: سامسونج تطلق هاتفها الجديد المنافس في الأسواق العالمية.\n"
        "ويأتي الهاتف بمعالج أسرع وبطارية أكبر من الجيل السابق بحسب الشركة.\n"
        "جميع الحقوق محفوظة لموقع التقنية العربية 2025.\n"
        "فيسبوك تويتر واتساب\n"
        "ويبدأ بيع الهاتف في الأسواق الشهر المقبل بسعر يبدأ من 999 دولارا.\n"
        "وتتوقع الشركة مبيعات قياسية للهاتف في الربع الأول من العام المقبل."
    )
    bullets = ExtractiveSummarizer().summarize("آبل تعلن عن هاتف جديد", text)
    assert 3 <= len(bullets) <= 5
    assert not any(is_boilerplate(b) for b in bullets)
    assert not any("اقرأ" in b or "الحقوق" in b or "فيسبوك" in b for b in bullets)


def test_duplicate_sentences_give_one_bullet() -> None:
    repeated = "أعلنت الشركة عن نموذج جديد للذكاء الاصطناعي يعمل على الهواتف."
    text = "\n".join(
        [
            repeated,
            "ويعمل النموذج دون اتصال بالإنترنت ويحافظ على خصوصية بيانات المستخدمين.",
            repeated,
            "وتخطط الشركة لإتاحة النموذج مجانا للمطورين خلال الأشهر الثلاثة المقبلة.",
            "ويدعم النموذج اللغة العربية إلى جانب أكثر من عشرين لغة أخرى حول العالم.",
        ]
    )
    bullets = ExtractiveSummarizer().summarize("نموذج جديد", text)
    folded = [normalize(b) for b in bullets]
    assert len(folded) == len(set(folded))
    assert sum("اعلنت الشركه عن نموذج جديد" in b for b in folded) == 1


def test_overlong_sentence_is_cut_to_a_clean_clause() -> None:
    long_sentence = (
        "أعلنت الشركة الصينية الناشئة، التي تأسست قبل عامين فقط في مدينة هانغتشو، "
        "عن نموذج لغوي جديد مفتوح المصدر يتفوق على النماذج الأميركية في اختبارات البرمجة "
        "والرياضيات، وذلك رغم القيود المفروضة على تصدير الرقائق المتقدمة إلى الصين، "
        "مما أثار قلق المستثمرين في وادي السيليكون وأدى إلى تراجع أسهم شركات الرقائق."
    )
    assert len(long_sentence) > 220
    text = "\n".join(
        [
            long_sentence,
            "ويعمل النموذج على معالجات أقل قوة من تلك المستخدمة في الولايات المتحدة.",
            "وتقول الشركة إن تكلفة تدريب النموذج لم تتجاوز ستة ملايين دولار أميركي.",
        ]
    )
    bullets = ExtractiveSummarizer().summarize("نموذج صيني جديد", text)
    assert all(len(b) <= 300 for b in bullets)
    first = bullets[0]
    assert first.endswith(".")
    assert long_sentence.startswith(first[:-1])


# one long sentence without a comma, as EASC's news articles have them
_COMMALESS = (
    "وقال المتحدث باسم الشركة إن الدراسة تهدف إلى الاستجابة لمطالب المستثمرين الذين يعانون "
    "من عدم السماح لهم بالتوسع في مراكز البيانات حيث يملكون العديد من المشروعات الجاهزة "
    "في المدن الكبرى غير أنهم لا يستطيعون تنفيذها بسبب نقص الطاقة الكهربائية في غالبية "
    "المواقع التي يرغبون الاستثمار فيها خلال الأعوام الخمسة المقبلة."
)


def test_commaless_long_sentence_is_cut_before_a_clause_opener() -> None:
    assert len(_COMMALESS) > 220 and "،" not in _COMMALESS
    parts = clause_opener_parts(_COMMALESS, 220)
    # the longest part that fits ends before "بسبب" (the last opener within 220)
    assert max(parts, key=len) == _COMMALESS[: _COMMALESS.index(" بسبب")] + "."
    assert all(len(p) <= 220 and _COMMALESS.startswith(p[:-1]) for p in parts)
    # a tighter limit falls back to an earlier opener ("غير أن" ends at 185 characters)
    assert max(clause_opener_parts(_COMMALESS, 150), key=len) == (
        _COMMALESS[: _COMMALESS.index(" حيث")] + "."
    )


def test_no_cut_without_opener_or_with_too_few_words() -> None:
    assert clause_opener_parts(" ".join(["كلمة"] * 80), 220) == []
    few = "قال إنه لن يحضر حيث " + " ".join(["كلمة"] * 60)
    assert safe_leading_part(few, 220, clause_opener_parts(few, 220)) is None


def test_commaless_lead_sentence_still_makes_a_bullet() -> None:
    text = "\n".join(
        [
            _COMMALESS,
            "ويعمل النموذج على معالجات أقل قوة من تلك المستخدمة في الولايات المتحدة.",
            "وتقول الشركة إن تكلفة تدريب النموذج لم تتجاوز ستة ملايين دولار أميركي.",
        ]
    )
    bullets = ExtractiveSummarizer().summarize("", text)
    # the leading "و" is dropped as for every bullet, then the cut is made
    stripped = strip_connective(_COMMALESS)
    assert bullets[0] == (
        stripped
        if len(stripped) <= 300
        else safe_leading_part(stripped, 300, clause_opener_parts(stripped, 300))
    )
    assert all(len(b) <= 300 for b in bullets)


def test_english_article() -> None:
    text = (
        "Nvidia unveiled its new Blackwell chips for artificial intelligence on Monday. "
        "The company said the chips are four times faster than the previous H100 generation. "
        "However, analysts warned that supply will remain tight until late 2025. "
        "Shares of Nvidia rose 3.5 percent in early trading in New York. "
        "The U.S. government is reviewing export rules for the chips."
    )
    bullets = ExtractiveSummarizer().summarize("Nvidia unveils Blackwell", text, language="en")
    assert 3 <= len(bullets) <= 5
    assert all(b[0].isupper() for b in bullets)
    assert not any(b.startswith("However") for b in bullets)
    sentences = [
        "Nvidia unveiled its new Blackwell chips for artificial intelligence on Monday.",
        "The company said the chips are four times faster than the previous H100 generation.",
        "Analysts warned that supply will remain tight until late 2025.",
        "Shares of Nvidia rose 3.5 percent in early trading in New York.",
        "The U.S. government is reviewing export rules for the chips.",
    ]
    assert set(bullets) <= set(sentences)


def test_odd_input_never_raises() -> None:
    summarizer = ExtractiveSummarizer()
    assert summarizer.summarize("", "") == ()
    assert summarizer.summarize("عنوان", "   \n\n") == ()
    assert summarizer.summarize("x", "... ؟؟ !!") == ()
    one = summarizer.summarize("", "جملة واحدة فقط في هذا النص القصير جدا.")
    assert one == ("جملة واحدة فقط في هذا النص القصير جدا.",)


def test_select_respects_budgets(seed: tuple[str, str]) -> None:
    title, body = seed
    summarizer = ExtractiveSummarizer()
    three = summarizer.select(title, body, max_sentences=3)
    assert len(three) == 3
    assert [s.index for s in three] == sorted(s.index for s in three)
    budget = 40
    chosen = summarizer.select(title, body, max_tokens=budget)
    lengths = [len(tokenize(s.text)) for s in chosen]
    assert sum(lengths) >= budget
    # the budget was not yet reached before the last sentence was added
    assert sum(lengths) - max(lengths) < budget


def test_bullets_respect_a_token_budget(seed: tuple[str, str]) -> None:
    title, body = seed
    summarizer = ExtractiveSummarizer()
    picked = summarizer.bullets(title, body, max_tokens=30)
    lengths = [len(tokenize(bullet)) for _, bullet in picked]
    assert sum(lengths) >= 30
    assert sum(lengths) - lengths[-1] < 30
    shipped = set(summarizer.summarize(title, body))
    # the first bullets under a budget are the best bullets of the shipped summary
    assert picked[0][1] in shipped


def test_questions_list_intros_headline_repeats_and_notes_are_not_bullets() -> None:
    title = "آبل تطلق هاتفا جديدا بمعالج أسرع"
    text = "\n".join(
        [
            "ملاحظة: نُشر هذا المقال للمرة الأولى على مدونة الكاتب.",
            "آبل تطلق هاتفا جديدا بمعالج أسرع.",
            "هل يستحق الهاتف الجديد سعره المرتفع؟",
            "أطلقت شركة آبل هاتفها الجديد الذي يعمل بمعالج أسرع من الجيل السابق بكثير.",
            "وتأتي أبرز مزايا الهاتف الجديد كما يلي:",
            "يبدأ بيع الهاتف في الأسواق العالمية الشهر المقبل بسعر يبدأ من 999 دولارا.",
            "وتتوقع الشركة مبيعات قياسية للهاتف الجديد في الربع الأول من العام المقبل.",
            "ويدعم الهاتف الشحن السريع وبطارية تدوم يومين كاملين حسب اختبارات الشركة.",
            "ويمكن للمستخدمين حجز الهاتف مسبقا من موقع الشركة عبر الخطوات التالية.",
        ]
    )
    bullets = ExtractiveSummarizer().summarize(title, text)
    assert 3 <= len(bullets) <= 5
    assert not any(b.endswith(("؟", ":")) for b in bullets)
    assert not any("الخطوات التالية" in b for b in bullets)
    assert not any("ملاحظة" in b or "نُشر" in b for b in bullets)
    assert "آبل تطلق هاتفا جديدا بمعالج أسرع." not in bullets


def test_a_question_is_used_when_nothing_else_is_left() -> None:
    text = (
        "هل يستحق الهاتف الجديد من شركة آبل سعره المرتفع في الأسواق؟\n"
        "أطلقت شركة آبل هاتفها الجديد الذي يعمل بمعالج أسرع من الجيل السابق.\n"
        "يبدأ بيع الهاتف في الأسواق العالمية الشهر المقبل بسعر 999 دولارا."
    )
    bullets = ExtractiveSummarizer().summarize("هاتف جديد", text)
    assert len(bullets) == 3


_FUZZ_WORDS = st.sampled_from(
    [
        "الشركة",
        "أعلنت",
        "وأظهرت",
        "كما",
        "نموذج",
        "GPT-4o",
        "3.5",
        "01.ai",
        "U.S.",
        "“",
        "”",
        "«",
        "»",
        '"',
        "،",
        "؛",
        ".",
        "؟",
        "!",
        "...",
        "\n",
        "اقرأ أيضا",
        "©",
        "و",
        "ف",
        ":",
        "-",
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_FUZZ_WORDS, max_size=120), st.sampled_from(["ar", "en", "fr"]))
def test_fuzz_summaries_are_always_well_formed(words: list[str], language: str) -> None:
    text = " ".join(words)
    bullets = ExtractiveSummarizer().summarize("عنوان", text, language=language)
    assert len(bullets) <= 5
    for bullet in bullets:
        assert 0 < len(bullet) <= 300
        assert quotes_balanced(bullet)
        assert bullet == bullet.strip()


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "دمشق، سوريا (CNN) -- أكدت جهات معارضة أن الفصائل سيطرت.",
            "أكدت جهات معارضة أن الفصائل سيطرت.",
        ),
        ("المدينة نيوز :- بلغت حصيلة الوفيات خمسين ألفا.", "بلغت حصيلة الوفيات خمسين ألفا."),
        (
            "القاهرة (د.ب.أ) -- أعلنت الشركة عن تطبيق جديد للدفع.",
            "أعلنت الشركة عن تطبيق جديد للدفع.",
        ),
        # a single dash or a colon is text, not a dateline
        ("أكد الوزير - في مؤتمر صحفي - أن الخطة جاهزة.", None),
        ("قال سليمان: محسن كان العقل المدبر للبرنامج.", None),
        ("نص -- قصير.", None),  # nothing worth keeping after it
    ],
)
def test_a_leading_dateline_is_dropped(sentence: str, expected: str | None) -> None:
    assert strip_dateline(sentence) == (expected or sentence)


def test_bullets_never_start_with_a_dateline() -> None:
    text = (
        "القاهرة (د.ب.أ) -- أعلنت الشركة المصرية عن إطلاق تطبيق جديد للدفع الإلكتروني اليوم. "
        "ويتيح التطبيق للمستخدمين تحويل الأموال بين الحسابات خلال ثوان معدودة. "
        "وتتوقع الشركة أن يصل عدد المستخدمين إلى مليون مستخدم خلال العام الأول. "
        "ويأتي إطلاق التطبيق ضمن خطة الحكومة للتحول الرقمي في البلاد."
    )
    bullets = ExtractiveSummarizer().summarize("تطبيق جديد للدفع الإلكتروني", text)
    assert bullets and not any("--" in b or "القاهرة" in b for b in bullets)
    assert any(b.startswith("أعلنت الشركة المصرية") for b in bullets)


def test_sentences_that_lean_on_the_previous_one_are_last_resorts() -> None:
    # "أما X فـ..." needs both halves: "أما" is not stripped
    amma = "أما في شهر سبتمبر فحصل تباطؤ في استخدام النظام الجديد."
    assert strip_connective(amma) == amma
    text = " ".join(
        [
            "أظهرت بيانات حديثة تراجع الإقبال على نظام التشغيل الجديد خلال شهره الثاني.",
            amma,
            "مما يعني أن النظام ما زال أقل انتشارا من الإصدارات السابقة بكثير.",
            "وحصل الإصدار الجديد في أغسطس على نسبة خمسة في المئة من سوق أنظمة التشغيل.",
            "وتسعى الشركة إلى استخدام النظام الجديد لدخول سوق الهواتف الذكية من جديد.",
            "وتتوقع الشركة أن يرتفع عدد المستخدمين مع إطلاق التحديث الكبير المقبل.",
        ]
    )
    bullets = ExtractiveSummarizer().summarize("تراجع الإقبال على النظام الجديد", text)
    assert len(bullets) >= 3
    assert not any(b.startswith(("أما", "في شهر سبتمبر", "مما")) for b in bullets)
    since = "إذ تنتقل الصورة الشخصية في التصميم الجديد إلى منتصف الشاشة."
    shown = ExtractiveSummarizer().summarize("تصميم جديد", " ".join([since, text]))
    assert since not in shown
    chips = [
        "بدأ آلاف الأشخاص في السويد باستخدام شرائح توضع تحت جلد اليد لفتح الأبواب.",
        "وبذلك تحل الشرائح محل المفاتيح والبطاقات التي يحملها الشخص في محفظته كل يوم.",
        "وتعمل الشريحة عند تمرير اليد فوق قارئ مخصص عند الباب أو في القطار.",
        "ويؤكد مصممو الشرائح أنها لا تبث أي معلومات إلا عند تمرير اليد فوق القارئ.",
        "وتبلغ تكلفة زرع الشريحة نحو مئة وخمسين دولارا في العيادات المتخصصة.",
    ]
    shown = ExtractiveSummarizer().summarize("شرائح تحت الجلد بدل المفاتيح", " ".join(chips))
    assert len(shown) == 3
    assert not any(b.startswith(("وبذلك", "بذلك")) for b in shown)  # "thereby"


def test_kama_meaning_as_is_kept() -> None:
    # "كما" is "also" before a verb, but "as" in "كما هو الحال" / "كما قال": kept there
    assert strip_connective("كما أعلنت الشركة عن هاتف جديد اليوم.") == (
        "أعلنت الشركة عن هاتف جديد اليوم."
    )
    for sentence in (
        "كما هو الحال كل بضع عقود، تطفو إلى السطح لغة برمجة جديدة.",
        "كما قال الوزير فإن الخطة جاهزة للتنفيذ.",
    ):
        assert strip_connective(sentence) == sentence
    # only the conjunction goes: "كما" meaning "as" stays
    assert strip_connective("وكما هو معروف فإن النظام قديم جدا.") == (
        "كما هو معروف فإن النظام قديم جدا."
    )


def test_program_code_is_never_a_bullet() -> None:
    code = "var [a, b, c] = [1, 2, 3]; a == 1 // true b == 2 // true ما الذي يحدث هنا؟"
    assert looks_like_code(code)
    assert not looks_like_code("أعلنت الشركة (آبل) عن هاتف جديد بسعر 999 دولارا.")
    text = " ".join(
        [
            "يتيح الإصدار الجديد من اللغة كتابة الشيفرة بطريقة أقصر وأوضح من قبل.",
            code,
            "ويدعم الإصدار ميزة التفكيك التي تسهل التعامل مع المصفوفات والكائنات.",
            "وتعمل المتصفحات الحديثة على دعم هذه الميزات خلال الأشهر المقبلة.",
        ]
    )
    bullets = ExtractiveSummarizer().summarize("ما الجديد في الإصدار القادم", text)
    assert bullets and not any("==" in b or "var" in b for b in bullets)


def test_a_conjunction_typed_apart_is_dropped_and_relative_clauses_are_last_resorts() -> None:
    assert strip_connective("و في الأثناء حصلت الصحيفة على الوثائق.") == (
        "في الأثناء حصلت الصحيفة على الوثائق."
    )
    text = " ".join(
        [
            "حصلت الصحيفة على وثائق تكشف تمويل برامج تلفزيونية من جهات أجنبية.",
            "و التي جعلت مقدم البرنامج يخرج عن طوره ويقاطع الحلقة على الهواء.",
            "وتضمنت الوثيقة الأولى مبالغ سنوية مخصصة لاشتراكات في صحف محلية.",
            "وتضمنت الوثيقة الثانية أسماء الموظفين الذين تلقوا هذه المبالغ.",
            "ونفى المسؤولون صحة الوثائق وقالوا إنها مزورة بالكامل.",
        ]
    )
    bullets = ExtractiveSummarizer().summarize("وثائق تكشف تمويل برامج", text)
    assert len(bullets) >= 3
    assert not any(b.startswith(("و التي", "التي")) for b in bullets)


def test_hashtag_markers_are_dropped_from_bullets() -> None:
    text = " ".join(
        [
            "أضاف تطبيق #واتساب دعما لتشغيل مقاطع الفيديو من #إنستغرام داخل التطبيق.",
            "وتعد الوظيفة الجديدة جزءا من أحدث إصدار للتطبيق بلغة C# على الهواتف.",
            "ويتيح التحديث للمستخدمين مشاهدة المقاطع دون مغادرة المحادثة.",
        ]
    )
    bullets = ExtractiveSummarizer().summarize("واتساب يدعم الفيديو", text)
    assert any("تطبيق واتساب دعما" in b and "من إنستغرام" in b for b in bullets)
    assert not any(" #" in b for b in bullets)
    assert any("C#" in b for b in bullets)
