"""Sentence splitter: Arabic punctuation, headings, glued stops, quotes, abbreviations."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from digest.sentences import (
    clauses,
    quotes_balanced,
    segment,
    split_sentences,
)


def test_arabic_question_mark_and_exclamation_end_sentences() -> None:
    assert split_sentences("هل وصل النموذج؟ نعم وصل! وانتهى الأمر.") == [
        "هل وصل النموذج؟",
        "نعم وصل!",
        "وانتهى الأمر.",
    ]


def test_arabic_comma_and_semicolon_do_not_end_sentences() -> None:
    text = "أعلنت الشركة، المتخصصة في الرقائق، عن نموذج جديد؛ وهو الأسرع حتى الآن."
    assert split_sentences(text) == [text]


def test_glued_sentences_are_split() -> None:
    assert split_sentences("جلس البواب.يقوم الرجل بعمله كل يوم.") == [
        "جلس البواب.",
        "يقوم الرجل بعمله كل يوم.",
    ]
    # a year glued to the next sentence, as in EASC
    assert split_sentences("حصل على الجائزة عام 1959.أتم دراسته مبكرا.") == [
        "حصل على الجائزة عام 1959.",
        "أتم دراسته مبكرا.",
    ]


def test_decimals_dotted_names_and_abbreviations_are_not_boundaries() -> None:
    text = "تفوق Claude Sonnet 3.5 وشركة 01.ai ونموذج GPT-4o على نماذج U.S. المنافسة."
    assert split_sentences(text) == [text]
    assert split_sentences("Dr. Smith met the U.S. team. They agreed.") == [
        "Dr. Smith met the U.S. team.",
        "They agreed.",
    ]
    assert split_sentences("قال د. أحمد إن النتائج جيدة. ثم غادر.") == [
        "قال د. أحمد إن النتائج جيدة.",
        "ثم غادر.",
    ]


def test_ellipsis_ends_a_sentence_and_stays_with_it() -> None:
    assert split_sentences("انتظر الجميع... ثم جاء الخبر.") == ["انتظر الجميع...", "ثم جاء الخبر."]
    assert split_sentences("انتظر الجميع… ثم جاء الخبر.") == ["انتظر الجميع…", "ثم جاء الخبر."]


def test_stops_inside_quotes_keep_the_quote_whole() -> None:
    text = "قال ناديلا: “إن ما أنجزته DeepSeek مدهش. علينا أخذه بجدية”. ثم غادر المنصة."
    parts = split_sentences(text)
    assert parts == [
        "قال ناديلا: “إن ما أنجزته DeepSeek مدهش. علينا أخذه بجدية”.",
        "ثم غادر المنصة.",
    ]
    assert all(quotes_balanced(p) for p in parts)
    assert split_sentences('قال: "هذا جيد. وذاك أيضا." ثم غادر.') == [
        'قال: "هذا جيد. وذاك أيضا."',
        "ثم غادر.",
    ]
    assert split_sentences("شعارهم «الحاجة أم الاختراع. دائما» كما قالوا. انتهى.") == [
        "شعارهم «الحاجة أم الاختراع. دائما» كما قالوا.",
        "انتهى.",
    ]


def test_unclosed_quote_does_not_swallow_the_paragraph() -> None:
    parts = split_sentences("قال “هذا كلام بلا نهاية. وهذه جملة ثانية. وثالثة.")
    assert len(parts) == 3


def test_headlines_without_final_punctuation_are_headings(fixtures: Path) -> None:
    text = (fixtures / "summarize" / "deepseek-article.ar.txt").read_text(encoding="utf-8")
    sentences = segment(text)
    headings = [s.text for s in sentences if s.heading]
    assert headings[0].startswith("نموذج الذكاء الاصطناعي الصيني")
    assert "إنجاز لافت بتكلفة منخفضة" in headings
    assert "«الحاجة أمّ الاختراق»" in headings
    body = [s for s in sentences if not s.heading]
    assert all(s.terminated for s in body)
    # the paragraph with two sentences is split, the others stay whole
    assert any(s.text.startswith("المثير للاهتمام أن النموذج") for s in body)
    assert [s.index for s in sentences] == list(range(len(sentences)))


def test_a_single_unpunctuated_line_is_a_sentence_not_a_heading() -> None:
    (only,) = segment("الشركة تطلق نموذجا جديدا")
    assert not only.heading
    assert not only.terminated


def test_hard_wrapped_text_is_unwrapped() -> None:
    text = (
        "أكدت السعودية حرصها على ضرورة تعزيز الإصلاحات في هيكل النظام المالي الدولي من\n"
        "أجل دعم جهود البلدان النامية لتحقيق نمو اقتصادي مصحوب بالمساواة الاجتماعية.\n"
        " وقال وزير الخارجية في كلمة ألقاها نيابة عن خادم الحرمين الشريفين مساء أمس أمام\n"
        "مؤتمر قمة دول أمريكا الجنوبية ودول الجامعة العربية المنعقد في برازيليا اليوم.\n"
        "ونجحت الدول العربية في استخدام هذه القمة منبرا للدفاع عن القضية الفلسطينية\n"
        "والمطالبة بسيادة العراق.\n"
    )
    sentences = segment(text)
    assert [s.text.split()[0] for s in sentences] == ["أكدت", "وقال", "ونجحت"]
    assert "الدولي من أجل دعم" in sentences[0].text
    assert not any(s.heading for s in sentences)


def test_invisible_marks_and_list_markers_are_removed() -> None:
    text = "تتكون\u200f,\u200f عند التبخر.\n- البند الأول من القائمة.\n• البند الثاني."
    assert split_sentences(text) == [
        "تتكون, عند التبخر.",
        "البند الأول من القائمة.",
        "البند الثاني.",
    ]


def test_empty_and_punctuation_only_text() -> None:
    assert split_sentences("") == []
    assert split_sentences(" \n\n ... \n") == []


def test_clauses_cut_at_arabic_comma_and_semicolon_but_not_thousands() -> None:
    assert clauses("أولا، ثانيا؛ ثالثا بلغ 1,000 دولار, رابعا") == [
        "أولا،",
        "ثانيا؛",
        "ثالثا بلغ 1,000 دولار,",
        "رابعا",
    ]


@given(st.text(alphabet='ابتثجح .،؟!\n"«»“”0123456789abc', max_size=200))
def test_splitter_never_loses_letters(text: str) -> None:
    joined = "".join(split_sentences(text))
    letters = [c for c in text if c.isalpha()]
    assert [c for c in joined if c.isalpha()] == letters


def test_stop_typed_after_a_space_and_glued_to_the_next_sentence() -> None:
    assert split_sentences("أجمل الأصوات بالنسبة للإنسان .وللناي ستة ثقوب.") == [
        "أجمل الأصوات بالنسبة للإنسان.",
        "وللناي ستة ثقوب.",
    ]


def test_visual_order_stops_are_put_back_at_the_end() -> None:
    # pages stored in visual order move the final stop in front of a word
    text = "تستعد الشركة لتطوير خانة الصور على موقعها، .لتتيح للمستخدمين تعيين صورة متحركة"
    assert split_sentences(text) == [
        "تستعد الشركة لتطوير خانة الصور على موقعها، لتتيح للمستخدمين تعيين صورة متحركة."
    ]
    assert split_sentences(".كذلك تعمل الشركة على خدمة جديدة") == [
        "كذلك تعمل الشركة على خدمة جديدة."
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Visit https://example.com/path.html for details. Then call us.",
            ["Visit https://example.com/path.html for details.", "Then call us."],
        ),
        (
            "Email john.doe@example.com today. Thanks!",
            ["Email john.doe@example.com today.", "Thanks!"],
        ),
        (
            "Apple Inc. released iOS 17.2 at 10.30 a.m. today. It fixes bugs.",
            ["Apple Inc. released iOS 17.2 at 10.30 a.m. today.", "It fixes bugs."],
        ),
        (
            "زار الموقع www.example.com أمس. ثم غادر.",
            ["زار الموقع www.example.com أمس.", "ثم غادر."],
        ),
        (
            "ارتفع السهم 2.5% (أي ما يعادل 3 دولارات). وانخفض المؤشر.",
            ["ارتفع السهم 2.5% (أي ما يعادل 3 دولارات).", "وانخفض المؤشر."],
        ),
        ("الإصدار 2.0.1 متاح الآن!! جربه.", ["الإصدار 2.0.1 متاح الآن!!", "جربه."]),
    ],
)
def test_urls_versions_times_and_brackets(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_dotted_initials_of_news_agencies_are_not_boundaries() -> None:
    text = "القاهرة (د.ب.أ) -- أعلنت الشركة عن تطبيق جديد. باريس - أ.ف.ب: قال الرئيس إنه جاهز."
    assert [s.text for s in segment(text)] == [
        "القاهرة (د.ب.أ) -- أعلنت الشركة عن تطبيق جديد.",
        "باريس - أ.ف.ب: قال الرئيس إنه جاهز.",
    ]
    # a stop glued between two words still ends a sentence
    assert [s.text for s in segment("وصل البواب.يقوم بعمله كل يوم.")] == [
        "وصل البواب.",
        "يقوم بعمله كل يوم.",
    ]


def test_one_curly_mark_for_both_ends_counts_as_a_pair() -> None:
    assert quotes_balanced("فاز “زلاتان ابراهيموفيتش “ بالكرة الذهبية.")
    assert not quotes_balanced("فاز “زلاتان بالكرة الذهبية.")
    assert not quotes_balanced("فاز “زلاتان“ بالكرة “الذهبية.")
    assert not quotes_balanced("فاز ”زلاتان“ بالكرة.")  # both marks: the strict order


def test_a_stray_stop_before_a_comma_does_not_end_the_sentence() -> None:
    text = 'اختبروا ألعاب فيديو مثل "Xbox Kinect". ، مرة أمام الناس ومرة وحدهم. ثم قارنوا.'
    assert [s.text for s in segment(text)] == [
        'اختبروا ألعاب فيديو مثل "Xbox Kinect". ، مرة أمام الناس ومرة وحدهم.',
        "ثم قارنوا.",
    ]


def test_a_middle_initial_spelt_in_arabic_is_not_a_boundary() -> None:
    # «إليزابيث آر. كلويت» was split into a fragment and an orphan «كلويت …» bullet
    text = "وقامت الدكتورة إليزابيث آر. كلويت وزملاؤها في جامعة ساوثامبتون بتقييم الدراسات."
    assert split_sentences(text) == [text]
    assert split_sentences("اغتيل الرئيس جون إف. كنيدي عام 1963. ثم تولى نائبه.") == [
        "اغتيل الرئيس جون إف. كنيدي عام 1963.",
        "ثم تولى نائبه.",
    ]
    # an acronym's last letter, or a letter before a conjunction or a particle, ends it
    assert split_sentences("شاهدت الخبر على بي بي سي. وكان ذلك مفاجئا.") == [
        "شاهدت الخبر على بي بي سي.",
        "وكان ذلك مفاجئا.",
    ]
    assert split_sentences("وصل أحمد إتش. ويبلغ من العمر ثلاثين عاما.") == [
        "وصل أحمد إتش.",
        "ويبلغ من العمر ثلاثين عاما.",
    ]
    assert split_sentences("اشترى فيتامين سي. لقد كان غاليا.") == [
        "اشترى فيتامين سي.",
        "لقد كان غاليا.",
    ]


def test_an_ellipsis_before_but_does_not_end_the_sentence() -> None:
    # «… عن المألوف... لكنهم شطحوا …»: the clause before is not a statement of its own
    text = "خرج البعض في مدينة آخن عن المألوف... لكنهم ربما شطحوا قليلا. ثم عادوا."
    assert split_sentences(text) == [
        "خرج البعض في مدينة آخن عن المألوف... لكنهم ربما شطحوا قليلا.",
        "ثم عادوا.",
    ]
    assert split_sentences("انتظر الجميع… ولكن الخبر لم يأت.") == [
        "انتظر الجميع… ولكن الخبر لم يأت."
    ]


def test_a_dotted_acronym_spelt_in_arabic_is_not_a_boundary() -> None:
    # «بي.أوت.كيو» cut two judged bullets off at its dots (bullets-40d, SK-1111), and
    # «آي.أو.إس» shredded a lead (SK-833)
    text = "وأظهرت التحقيقات أن وقف التردد لم يؤثر على بث كيان بي.أوت.كيو المقرصن للمباريات."
    assert split_sentences(text) == [text]
    text = "أعلنت أبل عن تحديث (آي.أو.إس 12) قالت إنه يساعد أجهزة مثل (آي.فون 6) على العمل."
    assert split_sentences(text) == [text]
    text = "قال مسؤول لقناة سي.إن.إن إن الشركة ستعلن النتائج غدا. ثم انتهى المؤتمر."
    assert split_sentences(text) == [
        "قال مسؤول لقناة سي.إن.إن إن الشركة ستعلن النتائج غدا.",
        "ثم انتهى المؤتمر.",
    ]
    # written with spaces: «بي. إن. سبورتس»
    text = 'وتتعمق الثقة بأن "بي. إن. سبورتس وهي قناة تابعة لشبكة الجزيرة، تقف خلف المزاعم.'
    assert split_sentences(text) == [text]
    # a sentence glued after an acronym's last letter, or after a spaced acronym, still
    # ends there
    assert split_sentences("شاهدت الخبر على بي بي سي.وقال المذيع إنه مهم.") == [
        "شاهدت الخبر على بي بي سي.",
        "وقال المذيع إنه مهم.",
    ]
    assert split_sentences("نقلت الخبر قناة سي. إن. إن. وأكدت أنها تتابعه.") == [
        "نقلت الخبر قناة سي. إن. إن.",
        "وأكدت أنها تتابعه.",
    ]
    assert split_sentences("وصل البواب.يقوم بعمله.") == ["وصل البواب.", "يقوم بعمله."]


def test_a_double_dot_after_an_opening_topic_is_a_headline_separator() -> None:
    # «"اللسان المُشعر الأسود".. مشهد قد يثير …» was split into a bare fragment and a
    # sentence without its subject (bullets-40i, SK-technology-1411)
    assert split_sentences('"اللسان المُشعر الأسود".. مشهد قد يثير الخوف. ثم يزول.') == [
        '"اللسان المُشعر الأسود".. مشهد قد يثير الخوف.',
        "ثم يزول.",
    ]
    assert split_sentences("العلاج بالجراثيم .. هذه الكائنات تعيش داخل أجسادنا.") == [
        "العلاج بالجراثيم .. هذه الكائنات تعيش داخل أجسادنا."
    ]
    assert split_sentences('"هدية" .. بهذه الكلمة وصف المتحدث النبأ.') == [
        '"هدية" .. بهذه الكلمة وصف المتحدث النبأ.'
    ]


def test_a_double_dot_between_statements_still_ends_the_sentence() -> None:
    # a statement before «..» (more than a short topic), a bare word (a discourse marker
    # «ثانيا..»), or a «..» later in the paragraph: the sentence ends there as before
    assert split_sentences("هذا ليس سهلا على أحد منا .. هذه هي الحياة.") == [
        "هذا ليس سهلا على أحد منا..",
        "هذه هي الحياة.",
    ]
    assert split_sentences("ثانيا.. احتشاء عضلة القلب الحاد.") == [
        "ثانيا..",
        "احتشاء عضلة القلب الحاد.",
    ]
    assert split_sentences("وصل الوفد أمس. العلاج بالجراثيم .. هذه الكائنات تعيش.") == [
        "وصل الوفد أمس.",
        "العلاج بالجراثيم..",
        "هذه الكائنات تعيش.",
    ]
    # a long quote before «..» is a statement of its own
    quote = '"' + " ".join(["كلمة"] * 13) + '"'
    assert split_sentences(f"{quote}.. هكذا قال الوزير.")[-1] == "هكذا قال الوزير."
