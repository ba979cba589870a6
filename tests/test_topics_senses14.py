"""Word-sense rules (issue 15, topics14) for error classes that recur across fresh blind pool
sheets (topics-pool-judge-420 and -480), checked first on every other blind verdict (`python -m
digest.eval.topic_sheet known`). The stories are written here in their shape, never copied."""

from __future__ import annotations

from digest.topics import LexiconClassifier
from tests.conftest import tags


def test_a_scientific_breakthrough_is_no_hacking(classifier: LexiconClassifier) -> None:
    # 480, both readers: cybersecurity no on «اختراق علمي» (a probe nearing the sun), space wanted
    title = "علماء يسعون إلى اختراق علمي بالاقتراب من الشمس"
    text = (
        "يأمل العلماء في تحقيق اختراق علمي كبير عبر إرسال مسبار يقترب من الشمس أكثر من أي "
        "مركبة سبقته، لدراسة الاقتراب من الشمس وأسرار حرارتها الهائلة."
    )
    assert tags(classifier, title, text) == ["space"]


def test_piercing_a_hard_material_is_no_hacking(classifier: LexiconClassifier) -> None:
    # 420, both readers: cybersecurity no on a water jet's «اختراق» of cement
    title = "شاهد كيف يتم اختراق الجدار بمسدس مائي في ثوان"
    text = (
        "يظهر مقطع مصور مسدسا مائيا عالي الضغط يقطع الإسمنت في ثوان، ويقول صانعوه إن اختراق "
        "الجدار لم يعد يحتاج إلى أدوات الحفر التقليدية."
    )
    assert "cybersecurity" not in tags(classifier, title, text)


def test_breaching_an_account_stays_hacking(classifier: LexiconClassifier) -> None:
    # the sense rule must leave the hacking sense alone
    title = "اختراق حسابات آلاف المستخدمين وتسريب كلمات المرور"
    text = "أعلنت الشركة عن اختراق خوادمها وتسريب كلمات المرور الخاصة بآلاف الحسابات."
    assert tags(classifier, title, text)[0] == "cybersecurity"


def test_the_first_stars_of_the_universe_are_space(classifier: LexiconClassifier) -> None:
    # 480, both readers: space wanted on the universe's first stars, science given
    title = "رصد أدلة على النجوم الأولى في الكون المبكر"
    text = (
        "قال باحثون إن دراسة جديدة رصدت إشارة من النجوم الأولى التي ظهرت بعد الانفجار العظيم، "
        "وإن النتائج تساعد العلماء على فهم الكون المبكر."
    )
    assert tags(classifier, title, text)[0] == "space"


def test_an_attack_carried_out_over_the_internet_is_security(
    classifier: LexiconClassifier,
) -> None:
    # 480, both readers: internet-services no on hackers breaking into routers, cybersecurity
    # wanted; «عبر الإنترنت» in the title named internet-services first
    title = "تحذير رسمي: هجوم جديد على الأجهزة المنزلية عبر الإنترنت"
    text = (
        "حذرت السلطات من أن متسللين اخترقوا آلاف أجهزة التوجيه في المنازل والشركات، وإن بوسعهم "
        "سرقة معلومات المستخدمين. وقالت إن الهجمات الإلكترونية استخدمت برمجيات خبيثة، وإن "
        "المتسللين أعدوا موقع إلكتروني لإصدار الأوامر، وطلبت من المستخدمين تحديث أجهزتهم."
    )
    assert tags(classifier, title, text) == ["cybersecurity"]


def test_streaming_over_the_internet_stays_internet_services(
    classifier: LexiconClassifier,
) -> None:
    # the longer phrase wins over «عبر الإنترنت»
    title = "نمو البث عبر الإنترنت في العالم العربي"
    text = "قالت شركات إن البث عبر الإنترنت ينمو بسرعة، وإن خدمات البث تجذب ملايين المستخدمين."
    assert tags(classifier, title, text)[0] == "internet-services"


def test_contaminated_food_is_a_health_story(classifier: LexiconClassifier) -> None:
    # 420, both readers: health-tech wanted on contaminated food and on expiry dates, untagged
    title = "أغذية ملوثة تثير قلق المستهلكين"
    text = (
        "غزت الأسواق أغذية ملوثة مستوردة، واشترى المواطنون أدوات لتحليل ما يشترونه، ودعت "
        "السلطات إلى التأكد من سلامة الغذاء قبل الشراء."
    )
    assert tags(classifier, title, text) == ["health-tech"]


def test_heading_the_ball_is_a_health_study(classifier: LexiconClassifier) -> None:
    # 420, both readers: health-tech wanted on a study of heading the ball, science given
    title = "ضربات الرأس خطر على لاعبي كرة القدم"
    text = (
        "قال باحثون في دراسة حديثة إن ضربات الرأس المتكررة تضعف التركيز والذاكرة لدى اللاعبين، "
        "وإن الباحثين فحصوا مئات اللاعبين الهواة."
    )
    assert tags(classifier, title, text)[0] == "health-tech"
