"""Salience (issue 15, topics9): a topic met only in passing — no term in the title or the
lead, no term said twice — does not tag. The blind errors of topics-pool-judge-240 it answers
(phones on an audiobook app «available on iOS and Android», social-media on a deepfake story
that names Reddit once) are written here in the shape of those stories, never copied."""

from __future__ import annotations

import pytest

from digest.topics import LexiconClassifier, TopicCatalog
from tests.conftest import tags

FILLER = (
    "وقال المدير التنفيذي إن الفريق عمل عامين كاملين مع دور النشر والمؤلفين لإعداد المحتوى. "
    "وأضاف أن الهدف هو الوصول إلى القراء في كل مكان وتقديم تجربة استماع ممتعة لهم. "
    "وأشار إلى أن المكتبة تضم روايات وكتبا في التاريخ والأدب والتنمية الذاتية. "
    "وتوقع أن يتضاعف عدد المشتركين خلال العام المقبل مع إضافة عناوين جديدة كل شهر، "
    "وأن تتوسع الخدمة إلى بلدان أخرى في المنطقة بعد نجاح المرحلة الأولى من المشروع. "
)


APP_TITLE = "منصة عربية جديدة للكتب المسموعة تنطلق من دبي"
APP_TEXT = (
    "أطلقت شركة ناشئة في دبي منصة للكتب المسموعة باللغة العربية تضم ألف كتاب. "
    + FILLER
    + "ويمكن تنزيل التطبيق على الهواتف الذكية العاملة بنظامي iOS وأندرويد."
)


def test_a_device_named_once_as_where_an_app_runs_does_not_tag(
    classifier: LexiconClassifier,
) -> None:
    # judge-240, both judges: phones no on an audiobook app available on iOS and Android
    assert "phones" not in tags(classifier, APP_TITLE, APP_TEXT)
    passing = classifier.evidence(APP_TITLE, APP_TEXT).passing
    assert [match.topic for match in passing] == ["phones"]
    assert "iOS" in passing[0].terms  # `newsdigest why` shows what was passed over


def test_a_platform_named_once_in_a_story_about_something_else_does_not_tag(
    classifier: LexiconClassifier,
) -> None:
    # judge-240, both judges: social-media no on deepfake videos (Reddit named once)
    title = "مقاطع مزيفة بوجوه ممثلات تثير القلق"
    text = (
        "انتشرت مقاطع فيديو مزيفة تركب فيها وجوه ممثلات مشهورات على أجساد نساء أخريات. "
        + FILLER
        + "وبدأت هذه المقاطع في منتدى على موقع ريديت ثم انتقلت إلى شبكات التواصل الاجتماعي."
    )
    assert "social-media" not in tags(classifier, title, text)


@pytest.mark.parametrize(
    ("title", "text", "topic"),
    [
        # the same words in the lead are what the story is about
        (
            APP_TITLE,
            "أصبح تطبيق الكتب المسموعة متاحا على الهواتف الذكية بنظامي iOS وأندرويد. " + FILLER,
            "phones",
        ),
        # ... and so is a term said twice in the body
        (
            "مقاطع مزيفة بوجوه ممثلات تثير القلق",
            "انتشرت مقاطع فيديو مزيفة بوجوه ممثلات. "
            + FILLER
            + "وحذف موقع ريديت المنتدى الذي نشرها، وقال ريديت إنه سيحذف كل مقطع مشابه.",
            "social-media",
        ),
    ],
)
def test_a_term_in_the_lead_or_said_twice_still_tags(
    classifier: LexiconClassifier, title: str, text: str, topic: str
) -> None:
    assert topic in [match.topic for match in classifier.evidence(title, text).tags], (
        classifier.evidence(title, text)
    )


@pytest.mark.parametrize(
    ("title", "text", "expected", "absent"),
    [
        # judge-240, both judges: big tech no on children's apps in Google Play collecting
        # data (software listed): the store is a product named with its maker, like Chrome
        (
            'تطبيقات أطفال على "غوغل بلاي" تجمع بياناتهم',
            "وجد باحثون أن آلاف التطبيقات المخصصة للأطفال على متجر غوغل بلاي تجمع بيانات "
            "الصغار دون موافقة أهلهم، وأن التطبيقات ترسل البيانات إلى شركات إعلان.",
            "software",
            "big-tech",
        ),
        # Apple's store told as Apple's stays an Apple story
        (
            'انخفاض عدد التطبيقات على "متجر أبل" لأول مرة',
            "تراجع عدد التطبيقات في متجر أبل لأول مرة منذ إطلاقه، بعد أن حذفت أبل آلاف "
            "التطبيقات القديمة من المتجر.",
            "big-tech",
            None,
        ),
    ],
)
def test_google_play_is_a_software_store(
    classifier: LexiconClassifier, title: str, text: str, expected: str, absent: str | None
) -> None:
    found = tags(classifier, title, text)
    assert expected in found
    assert absent not in found


BAT_TITLE = "علماء يرسمون الخريطة الجينية لخفاش يتغذى على الدم"
BAT_TEXT = (
    "رسم علماء خريطة كاملة لجينوم الخفاش مصاص الدماء، وقارن الباحثون جيناته بجينات خفافيش "
    "تأكل الفاكهة والحشرات. ويعيش الخفاش على نظام غذائي من الدم وحده، وهو غذاء فقير في "
    "الفيتامينات، ويعرضه للأمراض المنقولة بالدم. ويخترق الخفاش الجلد بأسنانه الحادة، وتحمي "
    "جيناته الجسم من الأمراض. وقالت باحثة في الجامعة إن النظام الغذائي للخفاش غريب جدا، "
    "وإن الأمراض لا تصيبه رغم نظامه الغذائي، وإن الفيتامينات في دمه قليلة."
)


def test_an_animal_study_with_health_words_is_biology(classifier: LexiconClassifier) -> None:
    # judge-240, both judges: health-tech no on a vampire bat's genome (science listed)
    assert tags(classifier, BAT_TITLE, BAT_TEXT) == ["science"]


def test_a_study_that_names_people_is_still_a_health_study(
    classifier: LexiconClassifier,
) -> None:
    # a study that names people as well is a health study (60e, both judges: health-tech
    # listed for a hot-bath study on 14 men, science no)
    text = BAT_TEXT.replace("للخفاش غريب جدا", "للمرضى غريب جدا")
    assert tags(classifier, BAT_TITLE, text) == ["health-tech"]


def test_a_subject_word_needs_letters() -> None:
    from digest.errors import ConfigError

    topic = {
        "slug": "x",
        "name_ar": "س",
        "name_en": "X",
        "colour": 1,
        "aliases": ["x"],
        "subject": ["..."],
        "lexicon": {"ar": ["سين"]},
    }
    with pytest.raises(ConfigError, match=r"subject\[0\]"):
        TopicCatalog.parse({"topics": [topic]})


def test_a_plane_named_by_its_maker_is_transport(classifier: LexiconClassifier) -> None:
    # judge-240, both judges: ev listed on Airbus's Beluga XL cargo plane, which had no tag
    title = 'إنفوغرافيك.. "الحوت الأبيض" يحلق'
    text = (
        "أطلقت شركة إيرباص طائرة الشحن العملاقة الجديدة في أول رحلة تجريبية لها. والطائرة "
        "أكبر طائرة نقل تصنعها إيرباص في أوروبا، وستنقل طائرات إيرباص أجنحة الطائرات بين "
        "المصانع."
    )
    assert tags(classifier, title, text) == ["ev"]


def test_a_nuclear_weapons_programme_is_defence(classifier: LexiconClassifier) -> None:
    # judge-240, both judges: defence listed on North Korea acquiring technology for its
    # nuclear and missile programmes, which had no tag
    title = "استخبارات: دولة استخدمت سفارتها لشراء تكنولوجيا نووية"
    text = (
        "قال رئيس جهاز الاستخبارات إن الدولة استخدمت سفارتها للحصول على معدات لبرامجها "
        "النووية والصاروخية، وإنها تختار معدات تصلح للاستخدام المدني والعسكري، وإن صواريخها "
        "تهدد جيرانها."
    )
    assert tags(classifier, title, text) == ["defence"]


def test_a_phobia_is_mental_health_wherever_it_is_treated(classifier: LexiconClassifier) -> None:
    # judge-240, both judges: science no on a zoo's course for the fear of spiders (health-tech
    # listed); the zoo is where, the phobia what
    title = 'حديقة حيوانات تعالج "رهاب الثعابين"'
    text = (
        "تنظم حديقة الحيوان دورات لعلاج رهاب الثعابين، وتقول الحديقة إن المرضى يتعلمون "
        "الاقتراب من الحيوانات، وإن العلاج يخفف القلق، وإن الحيوانات في الحديقة غير مؤذية."
    )
    assert tags(classifier, title, text) == ["health-tech"]
