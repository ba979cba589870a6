"""Issue #13 point 5: what is appended to or glued into an article without being its
text (related stories after the body, photo captions and credits) never becomes a
bullet. Constructed Arabic articles through the real summarizer."""

from __future__ import annotations

import pytest

from digest.sentences import segment
from digest.summarize import ExtractiveSummarizer
from digest.summarize.boilerplate import (
    body_sentences,
    is_boilerplate,
    is_list_item,
    strip_caption,
)

_HUAWEI = "هواوي تكشف عن شريحة ذكاء اصطناعي جديدة"
_BODY = (
    "كشفت شركة هواوي الصينية اليوم عن شريحة جديدة للذكاء الاصطناعي تنافس بها منتجات إنفيديا.\n"
    "وقالت الشركة إن الشريحة الجديدة أسرع بمرتين من الجيل السابق وتستهلك طاقة أقل بكثير.\n"
    "وتأمل هواوي أن تبيع الشريحة لشركات الحوسبة السحابية داخل الصين خلال العام المقبل.\n"
)
_OTHER_STORY = (
    "اتهم العقيد المتحدث باسم التحالف الحوثيين بإطلاق صواريخ باليستية على مدينة جازان الحدودية.\n"
    "وقال العقيد إن قوات الدفاع الجوي اعترضت الصواريخ قبل وصولها إلى أهدافها في المدينة.\n"
    "وأكد العقيد أن التحالف سيرد بحزم على أي تهديد جديد يستهدف المدن والقرى الحدودية.\n"
)


def _bullets(title: str, text: str, count: int | None = None) -> tuple[str, ...]:
    return ExtractiveSummarizer().summarize(title, text, max_bullets=count)


def test_related_stories_after_a_heading_are_not_the_article() -> None:
    bullets = _bullets(_HUAWEI, _BODY + "مواضيع ذات صلة\n" + _OTHER_STORY)
    assert len(bullets) == 3
    assert not any("العقيد" in bullet for bullet in bullets)
    assert any("أسرع بمرتين" in bullet for bullet in bullets)


@pytest.mark.parametrize(
    "heading", ["RELATED STORIES", "MORE STORIES", "Related Stories", "More articles"]
)
def test_a_related_stories_heading_in_any_case_ends_the_body(heading: str) -> None:
    # an all-caps English heading: the cheap pre-check of the whole article once looked
    # for lowercase hints only («elated», «ore »), so the case-insensitive heading test
    # behind it never ran and the other story became bullets
    bullets = _bullets(_HUAWEI, _BODY + heading + "\n" + _OTHER_STORY)
    assert 3 <= len(bullets) <= 5
    assert not any("العقيد" in bullet for bullet in bullets)
    assert any("أسرع بمرتين" in bullet for bullet in bullets)


def test_a_read_also_link_does_not_end_the_body() -> None:
    # BBC and CNN put «اقرأ أيضا: <headline>» and «اقرأ المزيد» between paragraphs of
    # the body, which goes on after them
    lines = _BODY.splitlines()
    text = "\n".join([lines[0], lines[1], "اقرأ أيضا: إنفيديا تعلن نتائج قياسية", lines[2]])
    kept = [s.text for s in body_sentences(segment(text), text) if not s.heading]
    assert kept == [s.text for s in segment(_BODY)]


def test_related_stories_after_a_heading_with_links_are_cut_off() -> None:
    text = _BODY + "أخبار متعلقة: " + _OTHER_STORY
    kept = [s.text for s in body_sentences(segment(text), text)]
    assert kept == [s.text for s in segment(_BODY)]


def test_a_photo_caption_is_no_bullet() -> None:
    title = "سامسونج تطلق هاتف جالاكسي إس 30 بكاميرا جديدة"
    text = (
        "أعلنت شركة سامسونج اليوم عن هاتفها الجديد جالاكسي إس 30 في مؤتمر كبير بمدينة سيول.\n"
        # a caption that repeats the headline: the search would pick it first
        "الصورة: سامسونج تطلق هاتف جالاكسي إس 30 بكاميرا جديدة خلال مؤتمر في سيول.\n"
        "(صورة: رويترز) ويأتي هاتف جالاكسي إس 30 بكاميرا محسنة وبطارية أكبر من سابقه.\n"
        "وقالت الشركة إن الهاتف سيطرح في الأسواق الشهر المقبل بسعر يبدأ من 900 دولار.\n"
        "ويتوقع محللون أن ترتفع مبيعات سامسونج من الهواتف بنسبة كبيرة هذا العام (Getty Images).\n"
    )
    bullets = _bullets(title, text, 5)
    assert not any("صورة" in bullet or "Getty" in bullet for bullet in bullets)
    # the sentences the captions were glued to are kept, without them
    assert "يأتي هاتف جالاكسي إس 30 بكاميرا محسنة وبطارية أكبر من سابقه." in bullets
    assert any(bullet.endswith("بنسبة كبيرة هذا العام.") for bullet in bullets)


def test_captions_and_credits_by_form() -> None:
    for caption in (
        "الصورة: الرئيس التنفيذي للشركة خلال المؤتمر الصحفي في سيول.",
        "صورة أرشيفية: مقر الشركة في مدينة شنتشن الصينية.",
        "مصدر الصورة Getty Images",
        "تصوير: أحمد محمد",
        "AFP/Getty Images",
    ):
        assert is_boilerplate(caption), caption
    for sentence in (
        "وقالت الشركة إن صورة السوق تغيرت كثيرا خلال العام الماضي.",
        "تستطيع الكاميرا التقاط صورة كل ثانية في الإضاءة المنخفضة.",
    ):
        assert not is_boilerplate(sentence), sentence
        assert strip_caption(sentence) == sentence
    assert strip_caption("AFP/Getty Images أعلنت الشركة عن نتائجها المالية أمس.") == (
        "أعلنت الشركة عن نتائجها المالية أمس."
    )


def test_an_inline_list_item_is_no_bullet() -> None:
    # «5. مجموعة موندليز الدولية (…).» and «• اضغط على مفتاح …» were bullets on the tune
    # half (readers' broken clause and leaning bullet): the splitter makes each item of
    # a list written inline a sentence, which alone says nothing
    text = (
        _BODY + "وجاءت الشركات الأكثر استخداما للشريحة في التجارب على النحو التالي: "
        "1. شركة علي بابا للحوسبة السحابية. 2. شركة تينسنت للألعاب والتواصل. "
        "3. شركة بايدو لمحركات البحث الذكية وخدمات الخرائط والسيارات ذاتية القيادة.\n"
        "لتجربة الشريحة اتبع الخطوات: • افتح منصة هواوي السحابية. "
        "• اضغط على زر شريحة الذكاء الاصطناعي الجديدة لتشغيلها فورا.\n"
    )
    bullets = _bullets(_HUAWEI, text, 5)
    assert len(bullets) >= 3, bullets
    assert not any(is_list_item(b) for b in bullets), bullets
    assert not any(b.startswith("•") or "علي بابا" in b or "تينسنت" in b for b in bullets)
    assert not is_list_item("5 - 7 في المئة من المستخدمين غادروا المنصة.")


_CNN_BODY = (
    "دبي، الإمارات العربية المتحدة (CNN) -- يحتفل تويتر اليوم بعيد الميلاد الحادي عشر"
    " للهاشتاغ، الرمز الذي غيّر الحوارات والمحادثات عبر تويتر.\n"
    "ويرجع أول استخدام للهاشتاغ إلى تغريدة للخبير التقني كريس ميسينا، الذي اقترح الرمز"
    " لجمع المحادثات حول موضوع واحد.\n"
    "وأطلق تويتر هاشتاغ خاصا احتفاء بهذا اليوم، وشارك فيه ملايين المستخدمين حول العالم.\n"
    "وقالت الشركة إن المستخدمين يكتبون أكثر من مئة مليون هاشتاغ على تويتر كل يوم.\n"
)
# CNN's teasers for other stories after the body (bullets-40i, CN-technology-137)
_CNN_TEASERS = (
    "كشفت شركة أبل في مؤتمرها السنوي عن ثلاثة هواتف جديدة بأسعار تبدأ من ألف دولار.\n"
    "هل تذكر أيام وقوفك لساعات طويلة أمام المقاصب وسط زحمة عيد الأضحى؟ حسناً، يبدو أن"
    " هذه الأيام قد ولّت مع انتشار تطبيقات المقاصب الذكية.\n"
    "في كل عام، يطلق مجمع يونيكود قائمة جديدة برموز الإيموجي لمستخدمي الأجهزة.\n"
)


def test_cnn_teasers_of_other_stories_after_the_body_are_cut_off() -> None:
    # room for eight bullets: only the body's four sentences are there to show
    bullets = _bullets("الهاشتاغ على تويتر يحتفل بعيد ميلاده", _CNN_BODY + _CNN_TEASERS, 8)
    assert len(bullets) == 4
    for other in ("حسناً", "المقاصب", "أبل", "يونيكود"):
        assert not any(other in bullet for bullet in bullets), bullets
    text = _CNN_BODY + _CNN_TEASERS
    assert [s.text for s in body_sentences(segment(text), text)] == [
        s.text for s in segment(_CNN_BODY)
    ]
    kept = [s.text for s in body_sentences(segment(_CNN_BODY + _CNN_TEASERS), _CNN_TEASERS)]
    assert kept == [s.text for s in segment(_CNN_BODY + _CNN_TEASERS)]  # not a CNN page


# a teaser whose question is answered by a statement, then other stories' one-sentence
# leads (bullets-40p, CN-technology-126: a Bahraini fish-app teaser was kept as a bullet)
_CNN_LEAD_TEASERS = (
    "هل تدمن على استخدام فيسبوك أو انستغرام، وتقضي ساعات طويلة عليهما؟ سيتغير ذلك من اليوم"
    " فصاعدا، فقد أعلنت فيسبوك عن أدوات جديدة تحد من الإدمان على استخدام المنصتين.\n"
    "قطعت شركة هواوي الصينية شوطاً كبيراً في سوق الهواتف الذكية، لتتفوق بذلك على شركة آبل.\n"
    "بعد رؤيته لمعاناة صيادي الأسماك، قرر رائد الأعمال البحريني محمد طريف إنشاء تطبيق للصيادين.\n"
)


def test_cnn_question_teaser_answered_by_a_statement_and_the_leads_after_it_are_cut() -> None:
    text = _CNN_BODY + _CNN_LEAD_TEASERS
    assert [s.text for s in body_sentences(segment(text), text)] == [
        s.text for s in segment(_CNN_BODY)
    ]
    bullets = _bullets("الهاشتاغ على تويتر يحتفل بعيد ميلاده", text, 8)
    assert len(bullets) == 4
    for other in ("تدمن", "هواوي", "الصيادين", "الإدمان"):
        assert not any(other in bullet for bullet in bullets), bullets


def test_a_cnn_promo_headline_between_the_body_paragraphs_is_no_bullet() -> None:
    # bullets-40o, CN-technology-44: «إذا كنتم تخافون السيارات ذاتية القيادة..» was a
    # bullet; the body goes on after the promo, a closed sentence stays
    lines = _CNN_BODY.splitlines()
    promo = "إذا كنتم تخافون السيارات ذاتية القيادة.. هذا هو الحل"
    text = "\n".join([lines[0], lines[1], promo, lines[2], lines[3]]) + "\n"
    kept = [s.text for s in body_sentences(segment(text), text)]
    assert kept == [s.text for s in segment(_CNN_BODY)]
    bullets = _bullets("الهاشتاغ على تويتر يحتفل بعيد ميلاده", text, 8)
    assert len(bullets) == 4
    assert not any("تخافون" in bullet or "الحل" in bullet for bullet in bullets), bullets
    closed = "إذا كنتم تحبون الهاشتاغ.. فهذا يومكم."
    text = "\n".join([lines[0], lines[1], closed, lines[2], lines[3]]) + "\n"
    assert len(body_sentences(segment(text), text)) == len(segment(text))


def test_an_interview_question_and_its_answer_stay() -> None:
    # a question answered by a statement (an interview) is the body, not a teaser
    text = _CNN_BODY + (
        "هل يشكل التمويل عقبة أمام الشركات الناشئة في المنطقة؟ يعد الوصول إلى التمويل"
        " عقبة كبيرة أمام الشركات الناشئة في جميع أنحاء العالم.\n"
    )
    kept = body_sentences(segment(text), text)
    assert kept[-1].text.startswith("يعد الوصول إلى التمويل")


def test_a_reply_to_a_question_is_not_shown_without_it() -> None:
    # «حسناً، …», «نعم، …» answer the question before them; a question is no bullet, so
    # neither is its reply
    bullets = _bullets(
        "طائرات بدون طيار لإيصال الطعام في دبي",
        "تختبر شركات توصيل الطعام في دبي طائرات بدون طيار لإيصال الوجبات إلى المكاتب.\n"
        "هل يمكن أن تصلك وجبتك بطائرة؟\n"
        "نعم، بطائرة صغيرة تهبط على شرفة المكتب خلال دقائق من الطلب.\n"
        "وتقول الشركات إن الطائرات تقطع المسافة في ربع الوقت الذي تحتاجه الدراجات النارية.\n"
        "وتصل خدمات توصيل الطعام إلى مستويات عالية في دبي وتجذب أكبر اللاعبين في القطاع.\n"
        "وتخطط البلدية لتنظيم مسارات الطائرات فوق الأحياء السكنية بحلول العام المقبل.\n",
    )
    assert len(bullets) >= 3
    assert not any(bullet.startswith("نعم") for bullet in bullets), bullets
