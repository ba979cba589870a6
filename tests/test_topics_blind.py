"""Topic rules found from the blind judges' verdicts (topics6): every example is written for
the test in the shape of a story the blind sheets judged, never copied from the corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from digest.errors import ConfigError
from digest.topics import LexiconClassifier, TopicCatalog, default_topics_path
from tests.conftest import tags


@pytest.mark.parametrize(
    ("title", "text", "expected"),
    [
        # Data use and privacy scandals are no hacking (60e, pool 660: judged no 3 of 3) ...
        (
            "سرقة بيانات المرضى تلاحق غوغل في بريطانيا",
            "تواجه غوغل دعوى بسبب استخدام بيانات المرضى، وقالت غوغل إن المستشفيات وافقت، "
            "وترد غوغل بأن البيانات استخدمت لتطبيق طبي.",
            ["big-tech"],
        ),
        (
            "رغم فضيحة سرقة البيانات ارتفاع قوي في أرباح فيسبوك",
            "أعلنت فيسبوك أرباحا قياسية رغم فضيحة انتهاك الخصوصية، وقالت فيسبوك إن عدد "
            "المستخدمين زاد، وارتفع سهم فيسبوك.",
            ["social-media"],
        ),
        # ... protecting your own privacy is (60d: the judge listed cybersecurity missing)
        (
            "بعد فضيحة تطبيق لياقة..هكذا تحمي خصوصيتك",
            "كشف تطبيق للياقة مواقع جنود، وننصحك بخطوات حماية الخصوصية على هاتف ذكي، "
            "وتعطيل مشاركة الموقع في التطبيق.",
            ["cybersecurity"],
        ),
        # «بديل» (alternative) is no Dell, «كوكب الأرض» no space: an environment study
        (
            "كيف يفقد العالم مساحة ملعب كرة قدم كل ثانية؟",
            "كشفت دراسة أن كوكب الأرض يخسر غاباته، وأن كوكبنا يفقد مساحات بسبب الاحتباس "
            "الحراري، وتظهر صور أقمار صناعية حجم الخسارة على كوكب الأرض، ولا بديل عن حماية "
            "البيئة.",
            ["science"],
        ),
    ],
)
def test_privacy_scandals_alternatives_and_planet_earth(
    classifier: LexiconClassifier, title: str, text: str, expected: list[str]
) -> None:
    assert tags(classifier, title, text) == expected


def test_tech_company_words_are_generic_startups_evidence() -> None:
    # A second «generic:» key of startups had replaced its first list: these never counted.
    startups = TopicCatalog.load(default_topics_path()).get("startups")
    assert startups is not None
    assert {"شركات التكنولوجيا", "تمويل"} <= set(startups.lexicon_generic)


def test_a_key_given_twice_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "topics.yaml"
    path.write_text(
        "topics:\n"
        "  - slug: t\n    name_ar: اختبار\n    name_en: Test\n    colour: 0x123456\n"
        "    aliases: [t]\n"
        "    lexicon:\n      ar: [كلمة]\n      generic: [أولى]\n      generic: [ثانية]\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="given twice"):
        TopicCatalog.load(path)


@pytest.mark.parametrize(
    ("title", "text", "expected"),
    [
        # Health told in everyday words had no topic or went to science on its research words
        (
            "القيلولة.. الحل السحري لذاكرة أقوى",
            "تقول دراسة إن القيلولة بعد الظهر تقوي الذاكرة، وإن النوم القصير يريح الدماغ.",
            ["health-tech"],
        ),
        (
            "ابتكار جهاز يوقف الشخير",
            "طور علماء جهازا صغيرا يوقف الشخير أثناء النوم، وقال الباحثون إن الشخير يزعج الملايين.",
            ["health-tech"],
        ),
        (
            "أول تحذير للشركة المصنعة لسيجارة إلكترونية جديدة",
            "حذرت السلطات الشركة المصنعة من أن التبغ المسخن ليس آمنا، وقالت إن التبغ يضر بالصحة.",
            ["health-tech"],
        ),
        (
            "خبراء: الوضع المثالي للجلوس مجرد وهم",
            "يقول أخصائي العلاج الطبيعي إن الجلوس المنحني لا يسبب آلام الظهر بالضرورة، ويؤكد "
            "جراح أن الحركة أهم من وضعية الجسم.",
            ["health-tech"],
        ),
        (
            "الأطفال الذين يسمعون أصواتا مفزعة",
            "تشير دراسة جديدة إلى أن طفلا من كل 12 يسمع أصواتا، وقال باحثون في جامعة إن "
            "الهلاوس السمعية شائعة، وينصح طبيب بعدم تجاهلها، ويقول الأطباء إن العلاج ممكن.",
            ["health-tech"],
        ),
        (
            "كيف تمشي نصف ساعة في حوض الاستحمام؟",
            "كشفت دراسة حديثة أجراها باحثون في جامعة بريطانية أن الماء الساخن يحرق 130 سعرة "
            "حرارية، وراقب العلماء مستوى السكر في الدم، وقال الباحثون إن سعرات حرارية تحرق.",
            ["health-tech"],
        ),
        # A bomber is a weapon, UFOs are space, forests and human remains are science
        (
            "قاذفة قنابل صينية تقلب المعايير القتالية",
            "كشفت الصين عن قاذفة جديدة للأغراض العسكرية تحمل صواريخ، وقال باحثون إنها سريعة.",
            ["defence"],
        ),
        (
            "الكونغرس يحقق حول أجسام طائرة غريبة",
            "طلب أعضاء في الكونغرس معلومات عن الأجسام الطائرة المجهولة التي رآها طيارون.",
            ["space"],
        ),
        (
            "العالم يفقد غاباته بسرعة",
            "كشفت دراسة أن الكوكب خسر ملايين الهكتارات من الغابات، بحسب صور أقمار صناعية، "
            "وأن تراجع الغابات يزيد الانبعاثات والاحتباس الحراري والتصحر، وأن الكوكب يفقد "
            "الغابات بسرعة.",
            ["science"],
        ),
        (
            "كيف بدت ملامح وجه القديس فالنتاين؟",
            "أعاد مصمم رسم الوجه من رفات القديس، بعد مسح ضوئي للجمجمة أجراه باحثون في جامعة.",
            ["science"],
        ),
        (
            "الدبور الياباني يفتك بملايين النحل",
            "هاجمت دبابير يابانية عملاقة خلايا النحل، وقتلت ملايين من النحل في أيام.",
            ["science"],
        ),
        # Tech exhibitions are tech business, hackathons innovation contests
        (
            "أكثر من 100 دولة تشارك في جايتكس بدبي",
            "انطلق أسبوع جايتكس للتقنية بمشاركة آلاف العارضين من شركات التقنية.",
            ["startups"],
        ),
        (
            "هاكاثون الحج يدخل غينيس",
            "دخل هاكاثون الحج موسوعة غينيس بمشاركة آلاف المبرمجين، وتنافس المشاركون في "
            "الهاكاثون على جوائز.",
            ["inventions"],
        ),
    ],
)
def test_stories_reach_the_topic_the_blind_judges_named(
    classifier: LexiconClassifier, title: str, text: str, expected: list[str]
) -> None:
    assert tags(classifier, title, text) == expected


def test_an_inventors_mask_with_insects_in_passing_stays_inventions(
    classifier: LexiconClassifier,
) -> None:
    # A guard (passes before too): insects are generic for science, so one mention in an
    # invention story with a scientist's word is no field (the pool 600 sheet: inventions yes).
    assert tags(
        classifier,
        "قناع يمكن البشر من العيش في أعماق البحار",
        "ابتكر مصمم قناعا يستخرج الأكسجين من الماء، ونال المخترع براءة اختراع، وقال إن فكرته "
        "جاءت من الحشرات.",
    ) == ["inventions"]


@pytest.mark.parametrize(
    ("title", "text", "absent"),
    [
        # «تقنية جديدة» (a new technology) says nothing of science: a chip under the skin
        # that replaces keys was science by the title fallback (60e: no, gadgets missing).
        (
            "خبر سار.. تقنية جديدة تخلصك من مفاتيحك إلى الأبد",
            "زرع آلاف السويديين شريحة تحت الجلد، وتقول إحداهن إن التقنية الجديدة غيرت حياتها، "
            "ويدرس الأحياء القريبة استخدامها.",
            "science",
        ),
        # A Lenovo phone measured against the iPhone is a phones story, not big tech (60e)
        (
            "لينوفو يهزم آيفون بميزة غير مسبوقة",
            "كشفت لينوفو عن هاتف ذكي بشاشة تغطي الواجهة كلها، وقالت إن الهاتف يتفوق على آيفون.",
            "big-tech",
        ),
        # A product named with its maker is the product (pool 600: software yes, big tech no)
        (
            "برنامج يهدد بيانات مستخدمي غوغل كروم",
            "حذر خبراء من إضافة لمتصفح غوغل كروم تسرق البيانات، ودعوا مستخدمي غوغل كروم إلى "
            "حذفها من المتصفح.",
            "big-tech",
        ),
    ],
)
def test_new_technology_lenovo_and_chrome_are_not_science_or_big_tech(
    classifier: LexiconClassifier, title: str, text: str, absent: str
) -> None:
    found = tags(classifier, title, text)
    assert absent not in found


def test_lenovo_and_chrome_keep_their_own_topics(classifier: LexiconClassifier) -> None:
    assert tags(
        classifier,
        "لينوفو يهزم آيفون بميزة غير مسبوقة",
        "كشفت لينوفو عن هاتف ذكي بشاشة تغطي الواجهة كلها، وقالت إن الهاتف يتفوق على آيفون.",
    ) == ["phones"]
    assert (
        tags(
            classifier,
            "برنامج يهدد بيانات مستخدمي غوغل كروم",
            "حذر خبراء من إضافة لمتصفح غوغل كروم تسرق البيانات، ودعوا مستخدمي غوغل كروم إلى "
            "حذفها من المتصفح.",
        )[0]
        == "software"
    )


@pytest.mark.parametrize(
    ("title", "text", "expected"),
    [
        # A hackathon in the title stays an innovation contest when the body names phones
        # more (the tuners' readings: phones judged no on such a story)
        (
            "هاكاثون الحج يكسر الرقم القياسي كأكبر هاكاثون في العالم",
            "شارك آلاف المبرمجين في الهاكاثون، وطوروا تطبيقات للهواتف الذكية، وقدمت هواوي "
            "هواتف ذكية للفائزين، واستخدم المشاركون هاتف ذكي لعرض أفكارهم، وقالت هواوي إنها "
            "ستدعم الفائزين.",
            ["inventions"],
        ),
        # ... but gives way to a topic the title names too, by an everyday word
        (
            "ألماني يخترع أول وسادة هوائية تحمي الهواتف",
            "اخترع طالب ألماني وسادة تحمي الهواتف الذكية عند السقوط، وتنفتح الوسادة حول الهاتف "
            "الذكي، ويقول إن الهواتف الذكية تنكسر كثيرا، ويأمل أن تتبناها سامسونغ.",
            ["phones"],
        ),
        # A car shown at GITEX is a car story; the exhibition itself is tech business
        (
            "وحش ذكي يزأر في جيتكس",
            "عرضت شركة سيارة ذكية مصفحة في المعرض، والسيارة الذكية مزودة بكاميرات، وتسير "
            "السيارة بسرعة كبيرة، وتقول الشركة إن السيارات من هذا النوع قليلة.",
            ["ev"],
        ),
        (
            "أكثر من 100 دولة تشارك في جايتكس بدبي",
            "انطلق أسبوع جايتكس للتقنية بمشاركة آلاف العارضين، ويعرض المعرض أحدث التقنيات.",
            ["startups"],
        ),
    ],
)
def test_a_title_topic_holds_and_exhibitions_tag_by_their_title(
    classifier: LexiconClassifier, title: str, text: str, expected: list[str]
) -> None:
    assert tags(classifier, title, text) == expected


def test_title_holds_must_be_a_boolean() -> None:
    with pytest.raises(ConfigError, match="title_holds"):
        TopicCatalog.parse(
            {
                "topics": [
                    {
                        "slug": "t",
                        "name_ar": "اختبار",
                        "name_en": "Test",
                        "colour": 0x123456,
                        "aliases": ["t"],
                        "lexicon": {"ar": ["كلمة"]},
                        "title_holds": "yes",
                    }
                ]
            }
        )


def test_bringing_the_internet_somewhere_is_telecom(classifier: LexiconClassifier) -> None:
    # Facebook's Aquila drone (60e, both judges: telecom missing, social-media no).
    found = tags(
        classifier,
        "فيسبوك تتخلى عن مشروع أكويلا لمد شبكات إنترنت جوية",
        "أعلنت فيسبوك وقف مشروع طائرة تمد الإنترنت إلى المناطق النائية، وقالت فيسبوك إنها "
        "ستعمل مع شركات أخرى لتوفير الإنترنت، وكانت فيسبوك قد اختبرت الطائرة.",
    )
    assert "telecom" in found


@pytest.mark.parametrize(
    ("title", "text"),
    [
        # a body study told with research words is health-tech (48f: science judged no 4 of 4):
        # standing at work, weighed by its health words only (the fallback gives way too) ...
        (
            "ماذا يفعل الجلوس الطويل في المكتب",
            "أشارت دراسة حديثة إلى أن الجلوس الطويل يضر بالصحة، ويقول الباحثون إن صحة "
            "الموظفين تتراجع، وينصح الأطباء بالحركة تفاديا للمشكلات الصحية.",
        ),
        # ... the immune system and grey hair, in mice ...
        (
            "هل تسرع الاستجابة المناعية الشيب؟",
            "أظهرت دراسة على الفئران أن الاستجابة المناعية المفرطة قد تؤدي إلى الشيب، وقال "
            "باحثين في جامعة إن الخلايا الجذعية في الجلد تتأثر، وإن الجينات تلعب دورا.",
        ),
        # ... an organ of the human body ...
        (
            "اكتشاف عضو جديد في جسم الإنسان",
            "يقول العلماء إنهم اكتشفوا عضوا جديدا في جسم الإنسان تحت الجلد، ويقول العلماء إنه "
            "يحيط بالعضلات في الجسم كله وبأعضاء جسم الإنسان، وهو أكبر من الجلد، وقال أستاذ "
            "أمراض إنه يغطي جزءا كبيرا من الجسم.",
        ),
        # ... the warning signs before suicide
        (
            "تنبيه علمي.. إشارات تسبق الانتحار",
            "كشفت دراسة أن من يقدمون على الانتحار يظهرون علامات قبل ذلك، ووجدت دراسة أن "
            "كثيرين منهم عانوا اضطرابات النوم.",
        ),
    ],
)
def test_studies_of_the_human_body_are_health_tech_not_science(
    classifier: LexiconClassifier, title: str, text: str
) -> None:
    assert tags(classifier, title, text) == ["health-tech"]


def test_a_newspaper_and_natural_gas_are_no_health_words(classifier: LexiconClassifier) -> None:
    # «صحيفة» (a newspaper) and «الطبيعي» (natural) began like the stems «صحي*», «طبي*»: a
    # story on Saturn's moon had health-tech once the fallback gave way to health words
    text = (
        "ذكرت صحيفة بريطانية أن اللقاح مصنوع من الغاز الطبيعي، وقالت الصحيفة إن لقاح "
        "الإنفلونزا يجرب على نطاق صحي وطبي واسع."
    )
    plain = text.replace("صحيفة", "وكالة").replace("الطبيعي", "المسال")
    (match,) = classifier.classify("لقاح جديد ضد الإنفلونزا", text)
    (same,) = classifier.classify("لقاح جديد ضد الإنفلونزا", plain)
    assert match.topic == same.topic == "health-tech" and match.score == same.score


@pytest.mark.parametrize(
    ("title", "text", "expected"),
    [
        # LG is not in the big-tech group (48f: big tech no; gadgets listed)
        (
            '"إل جي" تكشف عن ساعتها الهجينة',
            "كشفت إل جي عن ساعة تجمع بين العقارب والشاشة، وتنافس إل جي بها الساعات الذكية، "
            "وتعمل مع الساعات الذكية الأخرى على شاشة صغيرة.",
            ["gadgets"],
        ),
        # a password named in the title is a security story, the phone its object (48f)
        (
            "صورة تكشف كلمة سر هاتف مغني شهير",
            "ظهرت كلمة السر على هاتف المغني في صورة، وحذر خبراء الأمن الإلكتروني من أن "
            "القراصنة يستغلون ذلك، وأن هاتف آيفون بلا قرصنة يبقى عرضة للخطر، وأن الهاتف "
            "يحتاج حماية.",
            ["cybersecurity"],
        ),
        # «حملة» (a campaign) is no pregnancy (pool judge-60: health-tech no)
        (
            "بريطانيا تشن حملة إلكترونية على متطرفين",
            "قالت الحكومة إن الحملة استهدفت شبكات المتطرفين، وإن الحملة مستمرة في حرب "
            "أعصاب، وإن حملات أخرى ستتبع عبر الإنترنت.",
            [],
        ),
        # iris scanning is biometrics, as face recognition: ai, not the eye (pool judge-60)
        (
            'مطار يقر استخدام "العين" بدلا من جواز السفر',
            "يعتمد المطار مسح قزحية العين للتأكد من الهوية، ويقرأ النظام قزحية العين عند "
            "البوابة، بعد تجربة قراءة قزحية العين للموظفين.",
            ["ai"],
        ),
        # a founder's gift is no company story (pool judge-60: big tech no, health-tech listed)
        (
            'بيل غيتس يتبرع بملايين لـ"بعوض مفيد"',
            "تبرع مؤسس مايكروسوفت بيل غيتس لمشروع يحارب مرض الملاريا، وتقلل التقنية البعوض "
            "الناقل لمرض زيكا، وتركز على الملاريا.",
            ["health-tech"],
        ),
        # a passenger tunnel is transport; the platform it was shown on is no story (judge-60)
        (
            'هل يفي نفق "السرعة الفائقة" بوعوده؟',
            "يعد إيلون ماسك بنقل الركاب في نفق تحفره شركته بورينغ كامبني، وتحدث ماسك عن "
            "النفق عبر وسائل التواصل الاجتماعي، ونشر الفيديو على إنستغرام، ثم على إنستغرام "
            "في تغريدة، وقال إن سيارات تسلا ستسير في النفق، وإن السيارات أسرع فيه.",
            ["ev"],
        ),
    ],
)
def test_the_other_blind_errors_of_the_topics6_sheets(
    classifier: LexiconClassifier, title: str, text: str, expected: list[str]
) -> None:
    assert tags(classifier, title, text) == expected


@pytest.mark.parametrize(
    ("title", "text", "expected"),
    [
        # a charger that caught fire is no phone story (48f: phones no) ...
        (
            'حريق في حافلة إثر انفجار "شاحن هاتف"',
            "اشتعلت النار في حافلة بعد انفجار شاحن كان موصولا بهاتف أحد الركاب، وقال السائق "
            "إن الشاحن انفجر فجأة، وإن الهاتف احترق، وإن شاحن الهاتف كان رخيصا.",
            [],
        ),
        # ... wireless charging is a phone feature: it stays phones
        (
            "لماذا تأخر الشاحن اللاسلكي للهواتف؟",
            "تعمل الشركات على الشحن اللاسلكي منذ سنوات، ويحتاج الشحن اللاسلكي إلى هاتف "
            "يدعمه، وتقول الشركات إن الهواتف الجديدة تدعم الشاحن اللاسلكي.",
            ["phones"],
        ),
    ],
)
def test_a_charger_is_a_phone_story_only_when_charging_is(
    classifier: LexiconClassifier, title: str, text: str, expected: list[str]
) -> None:
    assert tags(classifier, title, text) == expected
