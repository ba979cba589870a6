"""Boilerplate in bullets (issue #13 point 5): datelines with any dash and agency tags,
hashtags, calls to action and app promos."""

from __future__ import annotations

import pytest

from digest.summarize import ExtractiveSummarizer
from digest.summarize.residue import (
    has_dateline,
    has_hashtag,
    is_call_to_action,
    strip_agency_dateline,
    unhash,
)

BODY = [
    "تستعد شركة سبيس إكس لإطلاق صاروخ جديد يحمل قمرا صناعيا للاتصالات من فلوريدا.",
    "يبلغ وزن القمر الصناعي أكثر من ستة أطنان ويعمل بالطاقة الشمسية بالكامل.",
    "تأمل الشركة أن يوفر القمر اتصالا سريعا بالإنترنت للمناطق النائية في العالم.",
    "أجلت الشركة الإطلاق مرتين في الشهر الماضي بسبب سوء الأحوال الجوية في المنطقة.",
]


def _summary(first: str, *extra: str) -> tuple[str, ...]:
    text = "\n".join([first, *BODY, *extra])
    return ExtractiveSummarizer().summarize("سبيس إكس تطلق قمرا صناعيا", text)


@pytest.mark.parametrize(
    "dateline",
    [
        "نيويورك، الولايات المتحدة (CNN)— ",
        "نيويورك، الولايات المتحدة (CNN) – ",
        "واشنطن (رويترز) - ",
        "باريس (أ ف ب) - ",
        "(CNN)-- ",
    ],
)
def test_datelines_with_any_dash_and_agency_tags_are_dropped(dateline: str) -> None:
    lead = "أعلنت شركة سبيس إكس عن موعد إطلاق صاروخها الجديد من قاعدة كيب كانافيرال الجوية."
    bullets = _summary(dateline + lead)
    assert lead in bullets
    assert not any(has_dateline(b) for b in bullets)


def test_a_dash_inside_the_text_is_not_a_dateline() -> None:
    text = "ارتفع سعر السهم بنسبة 5 - 7 في المئة خلال تداولات يوم الاثنين في بورصة نيويورك."
    assert strip_agency_dateline(text) == text


def test_hashtags_read_as_words() -> None:
    lead = "حذرت السلطات من #الأخبار_المضللة حول موعد إطلاق الصاروخ على مواقع التواصل الاجتماعي."
    bullets = _summary(lead)
    assert "حذرت السلطات من الأخبار المضللة حول موعد إطلاق الصاروخ" in bullets[0]
    assert not any(has_hashtag(b) for b in bullets)
    assert unhash("لغة C# و snake_case") == "لغة C# و snake_case"


def test_calls_to_action_and_app_promos_are_no_bullets() -> None:
    promo = "تابعوا عملية الإطلاق مباشرة على موقع الشركة وحملوا تطبيقها الرسمي على هواتفكم الذكية."
    bullets = _summary(BODY[0], promo, promo.replace("تابعوا", "شاهدوا"))
    assert promo not in bullets
    assert not any("تابعوا" in b or "شاهدوا" in b for b in bullets)


def test_a_leading_conjunction_is_dropped_when_the_article_uses_the_word_alone() -> None:
    lead = "ويشمل العرض الجديد للشركة إطلاق صاروخين في الشهر المقبل من قاعدة فلوريدا."
    later = "يشمل برنامج الشركة أيضا رحلات مأهولة إلى محطة الفضاء الدولية في العام المقبل."
    bullets = _summary(lead, later)
    assert lead[1:] in bullets  # "يشمل العرض ..."


def test_a_first_letter_that_belongs_to_the_word_stays() -> None:
    lead = "فتحت الشركة مصنعا جديدا لإنتاج محركات الصواريخ في ولاية تكساس الأميركية هذا العام."
    later = "يقع المصنع تحت إشراف وكالة الفضاء الأميركية ناسا منذ افتتاحه في الشهر الماضي."
    assert lead in _summary(lead, later)


@pytest.mark.parametrize(
    "leaning",
    [
        'وأضاف: "نحن فخورون جدا بهذا الإنجاز الكبير الذي حققه فريق المهندسين في الشركة".',
        "مع ذلك تقول الشركة إن موعد الإطلاق قد يتغير بحسب حالة الطقس في المنطقة.",
        "هذه الأمور ليست بالضرورة سببا لتأجيل الإطلاق مرة أخرى في الأسابيع المقبلة.",
    ],
)
def test_bullets_that_lean_on_a_sentence_not_shown_are_last_resorts(leaning: str) -> None:
    bullets = _summary(leaning, *BODY)
    assert not any(b.startswith(leaning[:12]) or leaning[1:13] in b[:14] for b in bullets)


@pytest.mark.parametrize(
    ("sentence", "shown"),
    [
        (
            "هذا وارتفعت أسهم الشركة إلى 44 في المئة بعد ساعات قليلة من صدور الحكم.",
            "ارتفعت أسهم الشركة إلى 44 في المئة بعد ساعات قليلة من صدور الحكم.",
        ),
        (
            "وتتراوح دورة حياة معظم العناكب ما بين خمس سنوات وعشرين سنة في البرية.",
            "تتراوح دورة حياة معظم العناكب ما بين خمس سنوات وعشرين سنة في البرية.",
        ),
        (
            "وتيرة النمو في سوق الهواتف الذكية تتباطأ في الصين هذا العام بشكل كبير.",
            "وتيرة النمو في سوق الهواتف الذكية تتباطأ في الصين هذا العام بشكل كبير.",
        ),
    ],
)
def test_newswire_joins_and_conjunction_before_a_verb(sentence: str, shown: str) -> None:
    from digest.summarize.connectives import strip_connective

    assert strip_connective(sentence) == shown


def test_a_hashtag_marker_typed_after_the_word_is_dropped() -> None:
    # «ووفقًا لموقع ABetaInfo# لوحظ …» left a stray "#" in both lists of the fourth
    # blind sheet (AL-4): right-to-left typing puts the marker after the word
    lead = (
        "ووفقا لموقع SpaceNews# فإن شركة سبيس إكس حددت موعد إطلاق صاروخها الجديد من "
        "قاعدة كيب كانافيرال الجوية."
    )
    bullets = _summary(lead)
    assert any("لموقع SpaceNews فإن" in b for b in bullets), bullets
    assert not any(has_hashtag(b) for b in bullets)
    assert unhash("بلغة C# أو F#.") == "بلغة C# أو F#."


BODY_LEAD = "أعلنت شركة سبيس إكس عن موعد إطلاق صاروخها الجديد من قاعدة كيب كانافيرال الجوية."


def _short(*extra: str) -> tuple[str, ...]:
    """An article of three sentences and `extra`: the extra lines are needed to fill
    a fourth bullet, so a line that is no bullet shows."""
    text = "\n".join([BODY_LEAD, *BODY[:2], *extra])
    return ExtractiveSummarizer().summarize("سبيس إكس تطلق قمرا صناعيا", text, max_bullets=5)


@pytest.mark.parametrize(
    "call",
    ["شاهد تجربة أبو صلاح!", "شاهدوا الفيديو كاملا:", "تابع التفاصيل هنا", "اقرأ أيضا عن الهاتف"],
)
def test_a_short_imperative_to_watch_or_read_is_no_bullet(call: str) -> None:
    """Blind sheet bullets-40e, CN-technology-2: «شاهد تجربة أبو صلاح!» was a bullet."""
    bullets = _short(call)
    assert len(bullets) >= 3
    assert call not in bullets


def test_a_past_verb_that_looks_like_an_imperative_stays() -> None:
    sentence = "شاهد ملايين المستخدمين حول العالم البث المباشر لعملية الإطلاق عبر الإنترنت."
    assert not is_call_to_action(sentence)
    assert not is_call_to_action("تابع الباحثون حالة المرضى لمدة خمس سنوات متتالية.")


def test_dash_list_items_are_no_bullets() -> None:
    """Blind sheet bullets-40e, SK-technology-1435: «- قمع المشاعر …», items of a list
    written inline, became bullets (rendered «- - قمع …»)."""
    items = [
        "القلق الشديد إزاء الوقوع في الحب أو إقامة علاقة.",
        "قمع المشاعر والعواطف داخل الإنسان قدر الإمكان.",
        "التجنب بشكل كبير للأماكن التي يمكن أن يتواجد فيها العشاق والأزواج.",
    ]
    bullets = _short(" ".join("- " + item for item in items))
    assert len(bullets) >= 3
    assert not any(b.lstrip().startswith(("-", "–", "*")) for b in bullets)
    assert not any(item in bullets for item in items[1:])
