"""Coverage (issue 15, topics10): technology stories that had no topic, or only a wrong one,
because a topic's own vocabulary was missing from its lexicon. Each case is a general term of
the topic (not one article's words), found among the uncovered blind verdicts (`python -m
digest.eval.topic_sheet known --list`); the stories are written here in their shape, never
copied."""

from __future__ import annotations

from digest.topics import LexiconClassifier
from tests.conftest import tags


def test_a_deepfake_is_an_ai_story(classifier: LexiconClassifier) -> None:
    # judge-240, both judges: ai listed on fake porn videos («الزيف العميق»), untagged
    title = "فيديوهات الزيف العميق تقلق الممثلات"
    text = (
        "تنتشر على الإنترنت مقاطع فيديو مركبة بوجوه ممثلات، وتقول خبيرة إن أدوات التزييف "
        "العميق صارت في متناول الجميع وإن كشف هذه المقاطع يزداد صعوبة."
    )
    assert tags(classifier, title, text) == ["ai"]
    assert tags(classifier, "Deepfakes worry actresses", "") == ["ai"]


def test_a_word_beginning_with_alef_lam_matches_after_the_article(
    classifier: LexiconClassifier,
) -> None:
    # «إلكتروني» normalises to «الكتروني», whose «ال» a compiled term drops like an article:
    # «الهجوم الإلكتروني» (with the article) never matched the term «هجوم إلكتروني»
    title = "بنك عربي يتعرض للهجوم الإلكتروني الأكبر في تاريخه"
    text = "قال البنك إن أنظمته تعطلت ساعات وإن بيانات العملاء لم تتأثر."
    assert tags(classifier, title, text) == ["cybersecurity"]
    evidence = classifier.evidence(title, text)
    assert evidence.topics[0].terms == ("هجوم إلكتروني",)


def test_an_alef_lam_root_keeps_its_letters_without_an_article() -> None:
    # only letters after a real prefix are dropped again: «الم» (pain) is no «م», and «الأرق»
    # keeps its alef (a five-letter word the compiled term keeps whole)
    from digest.topics.lexicon import word_forms

    assert "كتروني" in word_forms("الالكتروني")
    assert "كتروني" in word_forms("والالكتروني")
    assert "م" not in word_forms("الالم")
    assert "رق" not in word_forms("الارق")


def test_wildlife_told_by_the_animals_name_is_science(classifier: LexiconClassifier) -> None:
    # pool blind-600: science listed on a fisherman's rare crab, untagged (the crab's
    # «سرطان» rightly counts nothing for health-tech); tune half: a shark sighting and an
    # odd fish had no topic
    crab = (
        'صياد يعيد سلطعونا "شفافا" إلى البحر',
        "أمسك صياد بسرطان بحري نادر قرب الساحل، والتقط له صورا ثم أعاده إلى الماء لصغر حجمه.",
    )
    shark = (
        "رصد قرش أبيض قرب شواطئ جزيرة سياحية",
        "شاهد غواصون سمكة قرش ضخمة تسبح قرب الجزيرة، وقال خبراء الحياة البحرية إنها نادرة هناك.",
    )
    for title, text in (crab, shark):
        assert tags(classifier, title, text) == ["science"]


def test_named_diseases_and_medical_choices_are_health_tech(
    classifier: LexiconClassifier,
) -> None:
    # topics-60: health-tech listed on constant hunger (the thyroid), untagged; tune half:
    # hepatitis from frozen fruit and choosing a baby's sex had health-tech's everyday words
    # only, so no topic
    hunger = (
        "لماذا نشعر بالجوع بعد الأكل مباشرة؟",
        "يقول خبراء التغذية إن السبب قد يكون خللا في الغدة الدرقية أو قلة النوم أو التوتر.",
    )
    hepatitis = (
        "فاكهة مجمدة ملوثة تتسبب في وفاة امرأة",
        "توفيت امرأة بعد إصابتها بالتهاب الكبد الفيروسي، وقالت السلطات إن المرض انتقل "
        "من عبوات فاكهة مجمدة.",
    )
    for title, text in (hunger, hepatitis):
        assert tags(classifier, title, text) == ["health-tech"]


def test_an_app_launch_is_a_software_story(classifier: LexiconClassifier) -> None:
    # judge-240, both judges: software listed on an audiobook app's launch, untagged («تطبيق»
    # alone is generic; iOS and Android named once are passing)
    title = "منصة عربية جديدة للقصص المسموعة للأطفال"
    text = (
        "أعلنت شركة في عمان إطلاق تطبيق للقصص المسموعة يضم خمسمئة قصة للأطفال، ويمكن "
        "تنزيل التطبيق مجانا، وقالت الشركة إن آلاف العائلات جربت التطبيق قبل إطلاقه."
    )
    assert tags(classifier, title, text) == ["software"]


def test_a_drone_without_the_preposition_is_a_gadget(classifier: LexiconClassifier) -> None:
    # «طائرة دون طيار» (no «بـ» or «من») is as common as «طائرة بدون طيار»; the compiled term
    # keeps «بدون» whole, so it never matched
    title = "طائرة دون طيار تنقذ السباحين من الغرق"
    text = "أطلقت البلدية طائرة دون طيار تحمل أطواق نجاة إلى السباحين في الشواطئ العامة."
    assert tags(classifier, title, text) == ["gadgets"]


def test_a_chip_under_the_skin_is_a_gadget_not_hardware(classifier: LexiconClassifier) -> None:
    # judge-300, both judges: hardware no on employers' implanted tracking chips, gadgets
    # listed; topics-60e: gadgets listed on a chip under the skin that replaces keys, untagged
    title = "شركات تراقب موظفيها بأدوات جديدة"
    text = (
        "بدأت شركات تراقب موظفيها برقاقة تزرع تحت الجلد وبأساور في المعصم. وقالت شركة إن "
        "عشرات الموظفين وافقوا على زراعة رقاقة في أيديهم، وإن الرقاقة تفتح الأبواب، وإن "
        "الرقاقة لا تحدد مكان الموظف."
    )
    assert tags(classifier, title, text) == ["gadgets"]
    # ... chips in a computer stay hardware
    chips = "رقاقة جديدة تسرع الحواسيب", "كشفت الشركة عن رقاقة أسرع بمرتين للحواسيب المحمولة."
    assert tags(classifier, *chips) == ["hardware"]
