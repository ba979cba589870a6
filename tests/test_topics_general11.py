"""General rules (issue 15, topics11) found on the blind verdicts of the fifth fresh pool sheet
(topics-pool-judge-360) and checked on every other blind verdict first (`python -m
digest.eval.topic_sheet known`). The stories are written here in their shape, never copied."""

from __future__ import annotations

from digest.topics import LexiconClassifier
from tests.conftest import tags

# A platform's story whose body names carriers in passing: «الإنترنت» in the title is an
# idiom («يشعل الإنترنت»), a word telecom and internet-services share.
IDIOM_TITLE = "تويتر يشعل الإنترنت بتغريدة غامضة عن التغريد المدفوع"
IDIOM_TEXT = (
    "أثارت تغريدة نشرها حساب تويتر الرسمي جدلا واسعا على مواقع التواصل الاجتماعي، إذ لمحت "
    "إلى أن التغريد قد يصبح مدفوعا. وتساءل مستخدمو تويتر عن مستقبل حساباتهم، وقال محللون إن "
    "تويتر قد يتفق مع شركات الاتصالات أو مع شركة اتصالات كبرى أو مع مزودي خدمة الإنترنت "
    "لبيع باقات للتغريد، وإن تغريدة الشركة كانت مزحة على الأرجح."
)


def test_a_generic_word_two_topics_share_does_not_name_a_further_topic(
    classifier: LexiconClassifier,
) -> None:
    # topics-pool-judge-360, both readers: telecom no on «تويتر يشعل الإنترنت» and on using
    # Google Maps «دون إنترنت»; telecom came as a further topic named in the title by
    # «الإنترنت» (generic in telecom and internet-services) with three body hits
    assert tags(classifier, IDIOM_TITLE, IDIOM_TEXT) == ["social-media"]


def test_a_generic_word_of_one_topic_still_names_a_further_topic(
    classifier: LexiconClassifier,
) -> None:
    # guard: «ثغرة» is cybersecurity's own generic word: «فيسبوك تصلح ثغرة» stays a
    # security story too
    title = "فيسبوك تصلح ثغرة كشفت رسائل المستخدمين"
    text = (
        "أعلنت فيسبوك أنها أصلحت ثغرة في تطبيق ماسنجر على فيسبوك سمحت لقراصنة بقراءة رسائل "
        "المستخدمين. وقال خبراء إن الاختراق استغل ثغرة أمنية قديمة، وإن القراصنة لم يصلوا إلى "
        "كلمات المرور، ونصحت فيسبوك مستخدميها بتحديث التطبيق."
    )
    assert sorted(tags(classifier, title, text)) == ["cybersecurity", "social-media"]


MAPS_TEXT = (
    "يعتمد ملايين المستخدمين على تطبيق خرائط غوغل في التنقل، لكن التطبيق يحتاج إلى اتصال "
    "دائم. ويمكن تنزيل خريطة منطقة كاملة في خرائط غوغل مسبقا، ثم استخدام التطبيق في السفر. "
    "وتبقى خرائط غوغل قادرة على رسم الطريق للسيارة، وتشبه في ذلك خرائط أبل."
)


def test_a_software_product_named_with_its_maker_is_the_product(
    classifier: LexiconClassifier,
) -> None:
    # topics-pool-judge-360, both readers: big tech no on using Google Maps offline
    # (software yes), as «غوغل كروم» and «غوغل بلاي» were already
    assert tags(classifier, "طرق لاستخدام خرائط غوغل في السفر", MAPS_TEXT) == ["software"]
    assert tags(classifier, "How to use Google Maps abroad", "Google Maps app guide.") == [
        "software"
    ]


def test_the_maker_doing_something_in_the_title_stays_big_tech(
    classifier: LexiconClassifier,
) -> None:
    # guard: the company itself in the title («غوغل تضيف») is still a company story
    assert "big-tech" in tags(classifier, "غوغل تضيف ميزات جديدة إلى خرائط غوغل", MAPS_TEXT)


def test_a_study_of_drinking_and_eating_is_a_health_study(
    classifier: LexiconClassifier,
) -> None:
    # topics-pool-judge-360, both readers: science no, health-tech listed on studies of the
    # body told in research words and everyday ones: losing fluids and thinking, not drinking
    # water at the wheel, spices that get teenagers to eat vegetables
    fluids = (
        "كشفت دراسة جديدة أجراها باحثون في جامعة أمريكية أن فقدان السوائل يشوش التفكير، "
        "وأن الرياضيين الذين خسروا السوائل بعد التمرين أخطأوا أكثر في مهام الانتباه. وقال "
        "الباحثون إن نقص السوائل يبطئ الدماغ ويرهق الجسم."
    )
    assert tags(classifier, "نقص السوائل يبطئ التفكير", fluids) == ["health-tech"]
    water = (
        "وجدت دراسة أجرتها جامعة بريطانية أن عدم شرب الماء يضعف التركيز أثناء القيادة، "
        "وأن السائقين الذين قللوا شرب المياه ارتكبوا أخطاء أكثر، ومن الآثار التعب والصداع."
    )
    assert tags(classifier, "قلة شرب المياه تضعف التركيز على الطريق", water) == ["health-tech"]
    vegetables = (
        "وجدت دراسة أن إضافة التوابل إلى الخضروات تقنع طلاب المدارس بتناولها. وقدم باحثون في "
        "جامعة أمريكية الخضروات بتوابل ومن دونها لمئة طالب، ففضل أكثرهم الخضروات المتبلة، "
        "وقالوا إن ذلك يفيد صحة المراهقين."
    )
    assert tags(classifier, "التوابل تحبب المراهقين في الخضروات", vegetables) == ["health-tech"]


def test_a_climate_study_with_water_words_stays_science(classifier: LexiconClassifier) -> None:
    # guard: drinking water in a climate story does not make it a health story
    text = (
        "وجدت دراسة أجراها باحثون في جامعة أوروبية أن تغير المناخ يقلص الأنهار، وأن ملايين "
        "الناس سيجدون صعوبة في شرب المياه النظيفة مع الاحتباس الحراري وذوبان الجليد، وأن "
        "المناخ الأكثر حرارة يهدد الزراعة."
    )
    assert tags(classifier, "تغير المناخ يقلص الأنهار", text) == ["science"]
