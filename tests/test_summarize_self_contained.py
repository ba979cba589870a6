"""Bullets that stand on their own (issue #13 points 3-5), through the real summarizer
on constructed Arabic text: a leading و dropped by the conjunction lexicon when what
follows is a word in its own right, kept when it is the word's own letter; openings
that answer the sentence before («بينما»، «ذلك»، «هذه الخطوة») shown only with that
sentence; calls to action never shown, with or without a conjunction glued to them."""

from __future__ import annotations

from digest.arabic import tokenize
from digest.summarize import ExtractiveSummarizer
from digest.summarize.connectives import strip_connective
from digest.summarize.cutting import cut_is_safe
from digest.summarize.dependent import announces_next, depends_on_previous, fa_leans
from digest.summarize.lexicon import ConjunctionLexicon, conjunction_lexicon
from digest.summarize.residue import conjunction_removable, is_call_to_action, quote_leans_back


def _summary(*sentences: str, title: str = "") -> tuple[str, ...]:
    return ExtractiveSummarizer().summarize(title, "\n".join(sentences))


def test_the_lexicon_drops_a_conjunction_the_article_alone_cannot_tell() -> None:
    # "ينظر", "استطاع", "نوّه" never occur alone in this article: the lexicon knows them
    shown = _summary(
        "أعلنت شركة سامسونج اليوم عن هاتفها الجديد جالاكسي في مؤتمر صحفي كبير بالعاصمة.",
        "وينظر المحللون إلى الهاتف الجديد على أنه منافس قوي لهواتف آبل في الأسواق العالمية.",
        "واستطاع الهاتف السابق أن يحقق مبيعات كبيرة تجاوزت عشرة ملايين وحدة خلال شهرين.",
        "ونوّه المدير التنفيذي للشركة بأهمية الذكاء الاصطناعي في تطوير كاميرا الهاتف.",
    )
    assert len(shown) == 3
    assert not any(bullet.startswith("و") for bullet in shown), shown
    assert any(bullet.startswith("ينظر المحللون") for bullet in shown)
    assert any(bullet.startswith("استطاع الهاتف") for bullet in shown)


def test_a_waw_that_is_the_words_own_letter_stays() -> None:
    for sentence in (
        "وجدت الدراسة أن الطلاب يقضون خمس ساعات يوميا أمام الشاشات.",
        "وحدة الأبحاث في الجامعة أشرفت على جمع البيانات من ألفي طالب.",
        "واحد من كل ثلاثة طلاب يستخدم الهاتف قبل النوم مباشرة.",
        "وجده الباحثون في سجلات المستشفى بعد بحث طويل.",
        "واين روني يعود إلى الملاعب بعد غياب طويل.",
    ):
        assert strip_connective(sentence) == sentence
    # و before a word whose own first letter is و: only the conjunction goes
    assert strip_connective("وواجهت الشركة انتقادات واسعة بسبب التحديث.") == (
        "واجهت الشركة انتقادات واسعة بسبب التحديث."
    )


def test_the_lexicon_is_read_from_the_package_and_parsed_strictly() -> None:
    lexicon = conjunction_lexicon()
    assert "وينظر" in lexicon.conjunction and "وجدت" in lexicon.own
    assert conjunction_removable("وينظر") and not conjunction_removable("وجدت")
    parsed = ConjunctionLexicon.parse(["# comment", "conjunction\tوكان ويشمل", "own\tوجدت"])
    assert parsed == ConjunctionLexicon(frozenset({"وكان", "ويشمل"}), frozenset({"وجدت"}))
    try:
        ConjunctionLexicon.parse(["other\tword"])
    except ValueError:
        pass
    else:
        raise AssertionError("a line of another kind must be refused")


def test_a_whereas_sentence_is_not_a_bullet_when_plain_ones_are_left() -> None:
    shown = _summary(
        "أطلقت شركة غوغل تحديثا جديدا لمتصفح كروم يحسن سرعة تحميل الصفحات على الهواتف.",
        "يقول مهندسو الشركة إن التحديث يقلل استهلاك البطارية بنسبة عشرين في المئة تقريبا.",
        "بينما يرى خبراء آخرون أن الفرق لن يلاحظه معظم المستخدمين في الاستخدام اليومي.",
        "ويتوفر التحديث الجديد لمستخدمي أندرويد وآيفون ابتداء من الأسبوع المقبل في كل الدول.",
    )
    assert len(shown) == 3
    assert not any(bullet.startswith("بينما") for bullet in shown), shown


def test_a_sentence_leaning_on_one_that_is_not_shown_is_left_out() -> None:
    shown = _summary(
        "قالت شركة آبل إنها ستطلق نظام التشغيل الجديد للهواتف في سبتمبر المقبل.",
        "يتضمن النظام ميزات جديدة للخصوصية وتحسينات في سرعة الهواتف القديمة.",
        "هذه الخطوة تأتي بعد انتقادات واسعة لسياسة الشركة في جمع بيانات المستخدمين.",
        "صورة أرشيفية",
        "ذلك وفقا لاستطلاع رأي أجرته وكالة رويترز بين المستخدمين في عشر دول.",
    )
    # "ذلك" points back past a caption: never shown; "هذه الخطوة" only after its sentence
    assert not any(bullet.startswith("ذلك") for bullet in shown), shown
    for position, bullet in enumerate(shown):
        if bullet.startswith("هذه الخطوة"):
            assert position > 0 and shown[position - 1].startswith("يتضمن النظام")


def test_a_leaning_sentence_comes_with_the_sentence_it_leans_on() -> None:
    shown = _summary(
        "هل يستطيع الذكاء الاصطناعي أن يكتب رواية كاملة دون مساعدة؟",
        "نشرت جامعة ستانفورد تقريرا جديدا عن قدرات النماذج اللغوية الكبيرة في الكتابة.",
        "لكنها لا تزال بعيدة عن كتابة رواية كاملة بحسب التقرير الذي نشرته الجامعة.",
    )
    leaning = [k for k, bullet in enumerate(shown) if bullet.startswith("لكنها")]
    for position in leaning:
        assert position > 0 and shown[position - 1].startswith("نشرت جامعة ستانفورد")


def test_calls_to_action_are_never_bullets() -> None:
    for line in (
        "تابع آخر الأخبار التقنية عبر تطبيق البوابة على هاتفك.",
        "شاهد الآن على موقع القناة المؤتمر كاملا.",
        "حمّل التطبيق من متجر غوغل بلاي مجانا.",
        "للمزيد من الأخبار زوروا موقعنا.",
    ):
        assert is_call_to_action(line), line
    for line in (
        "شاهد آلاف الأشخاص فيلما نشرته الشركة على يوتيوب.",
        "تابع الباحثون النساء عبر استبيانات لمدة ثماني سنوات.",
    ):
        assert not is_call_to_action(line), line
    shown = _summary(
        "أعلنت شركة هواوي عن هاتف جديد بكاميرا ثلاثية في حفل أقيم في باريس أمس.",
        "وتابعوا آخر أخبار الهواتف الذكية عبر تطبيقنا المجاني على متجر غوغل بلاي.",
        "يأتي الهاتف بشاشة كبيرة وبطارية تدوم يومين كاملين حسب بيان الشركة.",
        "تابع آخر الأخبار التقنية عبر تطبيق البوابة على هاتفك.",
        "وسيباع الهاتف في الأسواق الأوروبية ابتداء من الشهر المقبل بسعر منافس.",
    )
    assert not any(is_call_to_action(bullet) for bullet in shown), shown
    assert not any("تطبيق" in bullet for bullet in shown), shown


_LONG_SPEAKER = (
    "وفي حديث لوكالة الأنباء المحلية، قال مدير إدارة أنظمة التحصيل الآلي بقطاع خدمات "
    'الدعم التقني المؤسسي في هيئة الطرق والمواصلات، خالد العوضي: "يمثل التاكسي الذاتي '
    "إحدى وسائل التنقل المستقبلية في الإمارة، ويندرج ضمن استراتيجية المدينة الرامية إلى "
    'تحويل ربع رحلات التنقل إلى رحلات ذاتية القيادة بحلول عام 2030 المقبل".'
)


def test_a_cut_never_keeps_a_speaker_without_his_words() -> None:
    assert len(_LONG_SPEAKER) > 300
    # the last clause kept is a verb of saying and its (long) speaker: the words are gone
    assert not cut_is_safe(
        "تصبح الميزة متاحة لكل المجموعات، وأوضح أليكس ديفي Alex Devey", "مدير المنتجات: «…»"
    )
    assert not cut_is_safe(
        "في حديث للوكالة، قال مدير إدارة أنظمة التحصيل الآلي في هيئة الطرق والمواصلات",
        'خالد العوضي: "يمثل التاكسي …"',
    )
    # with the words said («إن …» or after a colon) the cut is a whole statement
    assert cut_is_safe("أعلنت الشركة عن هاتف، وقال المدير إن الهاتف سيباع قريبا", "بحسب البيان")
    shown = _summary(
        "أطلقت هيئة الطرق والمواصلات التشغيل التجريبي لأول تاكسي ذاتي القيادة في المنطقة.",
        _LONG_SPEAKER,
        "يعمل التاكسي بالكهرباء ويحمل أربعة ركاب ويسير بسرعة لا تتجاوز ستين كيلومترا.",
        "تخطط الهيئة لتوسيع التجربة لتشمل أحياء جديدة في المدينة خلال العام المقبل.",
    )
    assert not any(bullet.endswith("والمواصلات.") for bullet in shown), shown


def test_a_speaker_named_only_by_a_noun_that_refers_back_is_not_shown_alone() -> None:
    # «أوضح المصدر أن …», «ذكرت الصحيفة أنها …»: which source or paper, the sentence
    # before says; after a caption that sentence cannot be shown with it
    shown = _summary(
        "كشف موقع متخصص في أخبار التقنية أن شركة سامسونغ تستعد لإطلاق ثلاثة هواتف جديدة.",
        "ستطرح الهواتف الجديدة في الأسواق العالمية خلال شهر سبتمبر المقبل بأسعار مختلفة.",
        "صورة أرشيفية",
        "أوضح المصدر، أن أحد الهواتف سيكون بشاشة كبيرة تصل مساحتها إلى سبع بوصات كاملة.",
        "ذكرت الصحيفة أنها اطلعت على صور مسربة للهواتف الجديدة من مصانع الشركة في فيتنام.",
        "تأمل سامسونغ أن تستعيد حصتها في سوق الهواتف الذكية بعد تراجع مبيعاتها العام الماضي.",
    )
    assert len(shown) >= 3, shown
    assert not any(bullet.startswith(("أوضح المصدر", "ذكرت الصحيفة")) for bullet in shown), shown


def test_a_speaker_who_is_only_the_verbs_pronoun_is_not_shown_alone() -> None:
    # «أشار إلى أنه …», «اعتبر أن …»: who spoke, only the sentence before says; after a
    # caption that sentence cannot be shown with them
    shown = _summary(
        "أعلن رجل الأعمال ريتشارد برانسون أنه يتدرب للمشاركة في أول رحلة سياحية إلى الفضاء.",
        "تخطط شركته فيرجن غلاكتك لإطلاق رحلاتها التجارية الأولى قبل نهاية العام الجاري.",
        "صورة أرشيفية",
        "أشار إلى أنه زاد تدريبات التنس أربعة أضعاف يوميا حتى يكون جسده ملائما للرحلة.",
        "اعتبر أن التكنولوجيا الحديثة تسمح اليوم بنقل السياح إلى الفضاء بأمان وبتكلفة أقل.",
        "حصلت فيرجن غلاكتك على أول رخصة لتسيير الرحلات الفضائية من إدارة الطيران الأميركية.",
    )
    assert len(shown) >= 3, shown
    assert not any(bullet.startswith(("أشار إلى", "اعتبر أن")) for bullet in shown), shown


_LEANING_OPENINGS = (
    # a pronoun for subject once «ف» is dropped
    "فهو يعمل على تطوير روبوت ذكي قادر على مساعدة المسنين في منازلهم بمدينة طوكيو.",
    # «فإن» stranded once «وبالتالي» is dropped
    "وبالتالي فإن الروبوت الذكي سيساعد المسنين في منازلهم بمدينة طوكيو ابتداء من العام.",
    # the particle «قد» before a verb of saying whose speaker is only a pronoun
    "وقد قال إن الروبوت الذكي سيساعد المسنين في منازلهم بمدينة طوكيو ابتداء من العام.",
    # a plural pronoun for speaker
    "وأضافوا أن الروبوت الذكي سيساعد المسنين في منازلهم بمدينة طوكيو ابتداء من العام.",
    # «another case»: the case before is in the sentence not shown
    "وفي حالة أخرى، ساعد الروبوت الذكي المسنين في منازلهم بمدينة طوكيو لعدة أسابيع.",
    # «ثم …»: the next step of a story; dropping «ثم» would leave a verb without its subject
    "ثم بدأ العمل على تطوير روبوت ذكي يساعد المسنين في منازلهم بمدينة طوكيو منذ سنوات.",
    # a short negation: what is not, the sentence before says
    "لا يصل الروبوت الذكي إلى المسنين في منازلهم.",
    # «كما أنها …»: dropping «كما أن» would leave a verb without its subject
    "كما أنها تعمل على تطوير روبوت ذكي قادر على مساعدة المسنين في منازلهم بمدينة طوكيو.",
)


def test_openings_leaning_on_a_sentence_not_shown_are_left_out() -> None:
    for leaning in _LEANING_OPENINGS:
        shown = _summary(
            "كشفت جامعة طوكيو عن روبوت ذكي جديد يساعد المسنين في أداء مهامهم اليومية.",
            "تعمل المهندسة اليابانية يوكي تاناكا منذ سنوات على مشروع الروبوت في مختبرها.",
            "صورة أرشيفية",
            leaning,
            "تأمل الجامعة أن تبدأ إنتاج الروبوت على نطاق تجاري خلال السنوات الخمس المقبلة.",
            "يبلغ عدد المسنين في اليابان أكثر من ثلاثين مليون شخص بحسب الإحصاءات الرسمية.",
            title="روبوت ذكي يساعد المسنين في منازلهم بطوكيو",
        )
        assert len(shown) >= 3, shown
        core = leaning.split("الروبوت" if "الروبوت" in leaning else "روبوت")[1][:20]
        assert not any(core in bullet for bullet in shown), (leaning, shown)


def test_also_before_a_verb_of_saying_with_its_words_is_dropped() -> None:
    # «كما يقول موقع X إنه …» is "also", not "as": the rest is a sentence of its own
    assert strip_connective("كما يقول موقع cnet إنه ينظر دائما لآبل كطائفة.") == (
        "يقول موقع cnet إنه ينظر دائما لآبل كطائفة."
    )
    assert strip_connective("كما قال الوزير، فإن الخطة جاهزة للتنفيذ.").startswith("كما")
    # «أن» right after the speaker's comma: still "also"
    assert strip_connective('كما ذكرت صحيفة "ديلي ميل"، أن الطائرة تحمل عشرين طنا.') == (
        'ذكرت صحيفة "ديلي ميل"، أن الطائرة تحمل عشرين طنا.'
    )


def test_a_demonstrative_inside_the_sentence_needs_its_noun_shown_before() -> None:
    # «تم تطوير هذا التطبيق …»: which app, only «ابتكر طلاب تطبيقا.» says, and a caption
    # keeps the two apart
    shown = _summary(
        "يواجه سائقو سيارات الأجرة من الصم في كوريا الجنوبية صعوبة كبيرة في التواصل مع الركاب.",
        "يعمل في كوريا الجنوبية أكثر من مئتي سائق أصم في شركات سيارات الأجرة الكبرى.",
        "تأمل شركات سيارات الأجرة في سيول أن توظف مزيدا من السائقين الصم خلال العام المقبل.",
        "ابتكر طلاب تطبيقا.",
        "صورة أرشيفية",
        "تم تطوير هذا التطبيق لمساعدة سائقي سيارات الأجرة الصم في كوريا الجنوبية على التواصل.",
        title="طلاب يساعدون سائقي سيارات الأجرة الصم في كوريا الجنوبية",
    )
    assert len(shown) >= 3, shown
    for k, bullet in enumerate(shown):
        if "هذا التطبيق" in bullet:
            assert any("تطبيق" in before for before in shown[:k]), shown


def test_a_demonstrative_whose_noun_the_title_names_is_shown() -> None:
    # the title above the bullets says which app: «تم تطوير هذا التطبيق …» reads well
    shown = _summary(
        "يواجه سائقو سيارات الأجرة من الصم في كوريا الجنوبية صعوبة كبيرة في التواصل مع الركاب.",
        "يعمل في كوريا الجنوبية أكثر من مئتي سائق أصم في شركات سيارات الأجرة الكبرى.",
        "تأمل شركات سيارات الأجرة في سيول أن توظف مزيدا من السائقين الصم خلال العام المقبل.",
        "ابتكر طلاب تطبيقا.",
        "صورة أرشيفية",
        "تم تطوير هذا التطبيق لمساعدة سائقي سيارات الأجرة الصم في كوريا الجنوبية على التواصل.",
        title="تطبيق يساعد سائقي سيارات الأجرة الصم في كوريا الجنوبية",
    )
    assert any(bullet.startswith("تم تطوير هذا التطبيق") for bullet in shown), shown


def test_a_speaker_introduced_in_a_sentence_not_shown_is_not_shown_alone() -> None:
    # «قال كولمان …»: who Coleman is, only an unshown sentence says
    shown = _summary(
        "أعلنت شركة تويتر عن تغييرات في صفحتها الرئيسية لإبراز الأخبار العاجلة للمستخدمين.",
        "ستظهر الأخبار العاجلة في أعلى الصفحة الرئيسية لتويتر بحسب اهتمامات كل مستخدم.",
        "ولد كيث كولمان في مدينة بوسطن ودرس الهندسة في جامعة ستانفورد قبل سنوات طويلة.",
        "صورة أرشيفية",
        "قال كولمان في إفادة للصحفيين إن تويتر تريد أن تكون مصدر الأخبار العاجلة الأول.",
        "تواجه الشركة منافسة متزايدة من فيسبوك في سوق الأخبار العاجلة.",
        title="تويتر تريد أن تكون مصدر الأخبار العاجلة الأول",
    )
    assert len(shown) >= 3, shown
    for k, bullet in enumerate(shown):
        if bullet.startswith("قال كولمان"):
            assert any("كولمان" in before for before in shown[:k]), shown


def test_a_speaker_named_in_a_bullet_before_is_shown() -> None:
    # the same quote when the bullet before it introduces Coleman: grounded, kept
    shown = _summary(
        "أعلنت شركة تويتر عن تغييرات في صفحتها الرئيسية لإبراز الأخبار العاجلة للمستخدمين.",
        "ذكر كيث كولمان نائب رئيس تويتر للمنتجات أن الأخبار العاجلة ستظهر في مقدمة الصفحة.",
        "صورة أرشيفية",
        "قال كولمان في إفادة للصحفيين إن الشركة تريد أن يكون تويتر مصدر الأخبار العاجلة الأول.",
        "يستخدم تويتر أكثر من ثلاثمئة مليون شخص حول العالم كل شهر بحسب أرقام الشركة.",
        "تواجه الشركة منافسة متزايدة من فيسبوك في سوق الأخبار العاجلة والإعلانات.",
        title="تويتر تريد أن تكون مصدر الأخبار العاجلة الأول",
    )
    assert any(bullet.startswith("قال كولمان") for bullet in shown), shown


def test_a_couple_introduced_in_a_sentence_not_shown_is_not_shown_alone() -> None:
    # «يفسر الزوجان …»: which couple, only the sentence before the caption says
    shown = _summary(
        "خلصت دراسة بريطانية إلى أن كثيرا من الأزواج يعيشون حياة سعيدة دون مشاكل.",
        "نشرت النتائج على موقع للاستشارات العائلية يزوره الآلاف.",
        "أحمد وسارة زوجان منذ ست سنوات في لندن.",
        "صورة أرشيفية",
        "يفسر الزوجان سعادة الأزواج في الدراسة البريطانية بأن الحياة الزوجية السعيدة "
        "تحتاج إلى صبر.",
        "يرى باحثون أن الأمر يحتاج إلى تأكيد في بلدان كثيرة.",
        title="دراسة بريطانية عن سعادة الأزواج والحياة الزوجية",
    )
    assert len(shown) >= 3, shown
    for k, bullet in enumerate(shown):
        if bullet.startswith("يفسر الزوجان"):
            assert any("زوجان" in before for before in shown[:k]), shown


def test_more_conjunctions_by_the_words_shape() -> None:
    # a feminine perfect verb of the third form («فاعلت»), and ف before «ال»
    assert strip_connective("وفاجأت الطفلة الجميع الشهر الماضي").startswith("فاجأت")
    assert strip_connective("وطالبت الشركة بالتعويض عن الأضرار").startswith("طالبت")
    assert strip_connective("فالهدف من هذه التحديثات هو الوضوح").startswith("الهدف")
    # plurals with ا before their ت, a word whose و is its own, a name: whole
    assert strip_connective("وكالات الأنباء نقلت الخبر اليوم").startswith("وكالات")
    assert strip_connective("واجهت الشركة مشكلات كثيرة هذا العام").startswith("واجهت")
    assert strip_connective("فالنسيا فازت على برشلونة أمس").startswith("فالنسيا")
    # و before the preposition لـ/بـ when the article uses the rest alone
    assert conjunction_removable("ولعده", {"عده"})
    assert not conjunction_removable("وليده", {"يده"})


def test_conjunctions_before_derived_verbs_defective_verbs_and_prepositions() -> None:
    # tune readers' and the fourth blind sheet's connectives: «وارتقعت» (misspelt, so no
    # lexicon knows it), «وأدى», «ولمزيد» were kept
    assert strip_connective("وارتقعت أسعار الهواتف الذكية هذا العام").startswith("ارتقعت")
    assert strip_connective("واستطاعت الشركة أن تبيع مليون جهاز").startswith("استطاعت")
    assert strip_connective("وأدى حظر العناوين إلى منع المستخدمين").startswith("أدى")
    assert strip_connective("ولمزيد من البحث أجرت الباحثة دراسة").startswith("لمزيد")
    # words whose و is their own stay whole
    assert strip_connective("وادي السيليكون يشهد نموا كبيرا").startswith("وادي")
    assert strip_connective("ولاية كاليفورنيا تقرر حظر التطبيق").startswith("ولاية")
    assert strip_connective("وليد عبد الله قال إن الشركة").startswith("وليد")
    assert strip_connective("واجهت الشركة مشكلات كثيرة هذا العام").startswith("واجهت")


def test_a_sentence_that_only_announces_the_next_one_is_no_bullet() -> None:
    # «لكن المهمة لم تنته عند هذا الحد» was a last bullet on the fourth blind sheet: the
    # outcome it announces is in the next sentence
    text = "\n".join(
        [
            "أطلقت وكالة الفضاء مهمة المسبار الجديد إلى المريخ لدراسة التربة والمياه.",
            "وصل المسبار إلى مدار المريخ بعد رحلة استمرت سبعة أشهر في الفضاء.",
            "هبطت مركبة المسبار بسلام على سطح المريخ وأرسلت أول صورها.",
            "ومهمة المسبار إلى المريخ لم تنته عند هذا الحد.",
            "فقد بدأت المركبة حفر التربة بحثا عن آثار المياه تحت سطح المريخ.",
            "يأمل العلماء أن تكشف العينات عن ماضي المريخ.",
        ]
    )
    shown = ExtractiveSummarizer().summarize("مهمة المسبار إلى المريخ لم تنته", text, max_bullets=5)
    assert len(shown) >= 3, shown
    assert not any(bullet.endswith("عند هذا الحد.") for bullet in shown), shown
    assert announces_next(tokenize("وليس هذا كل شيء."))
    assert not announces_next(tokenize("أعلنت الشركة أن الأزمة المالية التي تمر بها لم تنته بعد."))


def test_a_list_item_after_kadhalik_is_not_left_without_a_verb() -> None:
    # dropping «وكذلك» left the verbless fragment «مبنى سكني للطلاب …» as a bullet
    # (bullets4's report): the item leans on the sentence that opened the list
    text = "\n".join(
        [
            "افتتحت جامعة الملك سعود اليوم مجمعا تقنيا جديدا بتكلفة مليار ريال.",
            "يضم المجمع مختبرات للذكاء الاصطناعي ومركزا للبيانات يعمل بالطاقة الشمسية.",
            "وكذلك مبنى سكني للطلاب يتسع لألف طالب في الحرم الجامعي الجديد للمجمع التقني.",
            "قال مدير الجامعة إن المجمع سيخدم الباحثين من مختلف الكليات.",
            "ينتظر أن تبدأ الدراسة في المجمع مطلع العام المقبل.",
        ]
    )
    shown = ExtractiveSummarizer().summarize(
        "جامعة الملك سعود تفتتح مجمعا تقنيا للطلاب", text, max_bullets=3
    )
    assert len(shown) == 3, shown
    assert not any(bullet.startswith("مبنى") for bullet in shown), shown
    # a verb after it: «كذلك» is "also", dropped
    assert strip_connective("وكذلك أعلنت الشركة عن هاتف جديد.") == "أعلنت الشركة عن هاتف جديد."
    assert strip_connective("كذلك يمكن للمستخدم حذف الرسائل.") == "يمكن للمستخدم حذف الرسائل."


def test_an_especially_opening_leans_on_the_sentence_before() -> None:
    # «خصوصا على كوكب تصل فيه الحرارة إلى 460 درجة مئوية …» was a bullet (a tune
    # reader's broken clause): the rest of a question split at its «؟»
    text = "\n".join(
        [
            "تخطط وكالة ناسا لإرسال مركبة جوالة إلى كوكب الزهرة بحلول عام 2030.",
            "ستعمل المركبة الجوالة على دراسة سطح الزهرة وغلافه الجوي لمدة شهرين.",
            "لكن إلكترونيات المركبة لن تتحمل الحرارة، فكيف ستحقق ناسا ذلك؟ خصوصا على كوكب "
            "الزهرة الذي تصل فيه الحرارة إلى 460 درجة مئوية.",
            "طور مهندسو ناسا رقائق من كربيد السيليكون تعمل في درجات الحرارة العالية.",
            "يأمل العلماء أن تكشف المركبة أسرار الغلاف الجوي للزهرة.",
        ]
    )
    shown = ExtractiveSummarizer().summarize(
        "ناسا تخطط لإرسال مركبة جوالة إلى كوكب الزهرة", text, max_bullets=5
    )
    assert len(shown) >= 3, shown
    assert not any(bullet.startswith("خصوصا") for bullet in shown), shown


def test_a_short_quote_opening_with_a_demonstrative_is_not_shown_alone() -> None:
    """Sheet 40f (SK-technology-1406): «قال …: "هذه هي كل العينات …"» was shown without
    the sentence its «هذه» points at."""
    text = " ".join(
        [
            "قال خبراء في مكتب الطب الجنائي في مدينة نيويورك إنهم يستخدمون تقنية جديدة في تحليل "
            "الحمض النووي تساعد في التعرف على مزيد من ضحايا هجمات سبتمبر.",
            "بلغ عدد ضحايا الهجوم على برجي مركز التجارة العالمي 2753 قتيلا، منهم أكثر من ألف "
            "لم يتم التعرف عليهم.",
            "تمكن مكتب الطب الجنائي باستخدام التقنية الجديدة من التعرف على رفات موظف مالي كان "
            "يعمل في البرج الجنوبي.",
            "يقع مبنى المكتب في حي مانهاتن قرب نهر هدسون ويعمل فيه عشرات الموظفين من مختلف "
            "الأعمار.",
            'قال مارك ديزاير الذي يقود فريق التعرف على ضحايا الهجمات: "هذه هي كل عينات '
            'الحمض النووي التي حاولنا تحليلها بالتقنية الجديدة".',
            "أوضح فريق المعمل الجنائي خطوات تقنية تحليل الحمض النووي الحديثة التي يجري "
            "تطبيقها على بقايا عظام الضحايا.",
            "افتتح المتحف التذكاري في موقع البرجين قبل سنوات ويزوره ملايين السياح كل عام.",
            "تقام مراسم إحياء الذكرى كل عام بحضور أسر الضحايا ومسؤولين من المدينة.",
            "يشارك في المراسم رجال الإطفاء الذين شاركوا في عمليات الإنقاذ يومها.",
        ]
    )
    title = "تقنية جديدة للتعرف على ضحايا هجمات سبتمبر في المعمل الجنائي"
    bullets = ExtractiveSummarizer().summarize(title, text)
    assert len(bullets) >= 3
    for i, bullet in enumerate(bullets):
        if '"هذه هي' in bullet:
            assert i > 0 and "حي مانهاتن" in bullets[i - 1], bullets


def test_quote_leans_back() -> None:
    assert quote_leans_back('قال المدير: "هذه هي كل العينات".')
    assert quote_leans_back("أضاف: «وتلك مشكلة كبيرة»")
    long_quote = "هذه التقنية تسمح لنا بالتعرف على عشرات الضحايا الذين لم نتمكن من التعرف عليهم"
    assert not quote_leans_back(f'قال المدير: "{long_quote} في السنوات الماضية رغم الجهود".')
    assert not quote_leans_back('قال المدير: "نعمل على هذه العينات".')
    assert not quote_leans_back('ظهرت رسالة نصها: "هذا اختبار لنظام الإنذار".')


def test_kama_completed_by_fa_inna_is_kept_whole() -> None:
    # «وكما بات معلوما للجميع فإن …» became «بات معلوما للجميع فإن …» (bullets-40g's
    # broken clause): «كما» is "as" there, the «فإن» completes the clause it opens
    text = "\n".join(
        [
            "يسرق المتسللون البيانات من الأجهزة دون أن يتركوا أثرا في معظم الأحيان.",
            "وكما بات معلوما للجميع فإن أجهزة الحاسب والهواتف وكاميرات الويب عرضة للمتسللين.",
            "تبطئ البرامج الضارة الأجهزة وتجعلها تتجمد أو تتعطل باستمرار.",
            "ينصح الخبراء بتحديث برامج الحماية وتغيير كلمات المرور بانتظام.",
        ]
    )
    shown = ExtractiveSummarizer().summarize("علامات تدل على أن جهازك مخترق", text)
    assert len(shown) >= 3, shown
    assert not any(bullet.startswith("بات") for bullet in shown), shown
    assert strip_connective("وكما بات معلوما للجميع فإن النظام قديم.") == (
        "كما بات معلوما للجميع فإن النظام قديم."
    )
    # a «فإن» that answers a clause opened inside the sentence, or «فان» (a name): "also"
    assert strip_connective("كما أكد أنه رغم وجود تطبيقات كثيرة، فإنه يمكن إساءة استخدامها.") == (
        "أكد أنه رغم وجود تطبيقات كثيرة، فإنه يمكن إساءة استخدامها."
    )
    assert strip_connective("كما اتهم فان دير زوان بالكذب على المحققين.") == (
        "اتهم فان دير زوان بالكذب على المحققين."
    )
    # "also" before a verb, no «فإن» after it: dropped as before
    assert strip_connective("كما باتت الشركة تقدم الخدمة مجانا.") == (
        "باتت الشركة تقدم الخدمة مجانا."
    )


def test_lakin_before_its_accusative_noun_is_kept() -> None:
    # «لكن حكما قضائيا …» lost «لكن» (bullets-40g's broken clause): «لكنّ» governs the
    # accusative «حكما», so it stays and the sentence leans on the one before
    text = "\n".join(
        [
            "رفض مكتب براءات الاختراع في الهند طلبا لتسجيل براءة جهاز جديد.",
            "قال المكتب إن الجهاز يخالف النظام والأخلاق العامة في البلاد.",
            "تقدمت الشركة الكندية بالطلب لمنع بيع نسخ مقلدة من المنتج.",
            "وتعمل الشركة في مجال الأجهزة الطبية منذ عشر سنوات في كندا.",
            "لكن حكما قضائيا، صدر في عام 2011، نص على أن هذه الأجهزة ليست أدوات خليعة.",
        ]
    )
    shown = ExtractiveSummarizer().summarize("الهند ترفض تسجيل براءة جهاز", text, max_bullets=5)
    assert len(shown) >= 3, shown
    assert not any(bullet.startswith("حكما") for bullet in shown), shown
    assert strip_connective("لكن حكماً قضائياً صدر أمس.") == "لكن حكماً قضائياً صدر أمس."
    assert strip_connective("لكن عددا من الخبراء شككوا.") == "لكن عددا من الخبراء شككوا."
    # a name ending in ا, or an adverb («بدلا من»): dropped as before
    assert strip_connective("لكن بدلا من ذلك اختارت الشركة الانتظار.") == (
        "بدلا من ذلك اختارت الشركة الانتظار."
    )
    assert strip_connective("لكن روسيا أعلنت رفضها.") == "روسيا أعلنت رفضها."


def test_lakin_before_a_definite_plural_in_the_accusative_is_kept() -> None:
    # bullets-40h: «لكن الباحثين … طوروا» lost «لكن», leaving «الباحثين» as a subject
    # (it would need «الباحثون»); kept, the sentence leans on the one before
    text = "\n".join(
        [
            "أعلن فريق من جامعة أمريكية عن نتائج تجربة جديدة لعلاج مرض ألزهايمر.",
            "استخدم العلماء في التجربة أجساما مضادة على فئران مصابة بالمرض.",
            "لم تنجح المحاولات السابقة في إبطاء المرض لدى المرضى في السنوات الماضية.",
            "وشارك في الدراسة باحثون من ثلاث دول أوروبية وآسيوية.",
            "لكن الباحثين في الجامعة طوروا طريقة جديدة تمنع تكون اللويحات في الدماغ.",
        ]
    )
    shown = ExtractiveSummarizer().summarize("علاج جديد لألزهايمر", text, max_bullets=5)
    assert len(shown) >= 3, shown
    assert not any(bullet.startswith("الباحثين") for bullet in shown), shown
    assert strip_connective("لكن الباحثين طوروا طريقة جديدة.") == (
        "لكن الباحثين طوروا طريقة جديدة."
    )
    # a short definite word in «ين» that is no plural («الصين»), or a name: dropped as before
    assert strip_connective("لكن الصين أعلنت رفضها.") == "الصين أعلنت رفضها."
    assert strip_connective("لكن البحرين أعلنت رفضها.") == "البحرين أعلنت رفضها."


def test_a_quoted_topic_before_a_double_dot_stays_with_its_sentence() -> None:
    # bullets-40i, SK-technology-1411: «"اللسان المُشعر الأسود"..» was a bullet of its
    # own and «مشهد قد يثير …» one without its subject; a later bullet naming the same
    # three-word term is no repeated fact
    shown = _summary(
        '"اللسان المُشعر الأسود".. مشهد قد يثير الخوف والقلق لدى رؤيته، إلا أنه في الواقع'
        " حالة طبية قد تصيب أي شخص، وهي قابلة للعلاج.",
        'وعلى الرغم من اسم الحالة "اللسان المُشعر الأسود"، فإن الشعر لا ينمو فعليا على'
        " اللسان، وإنما تطول نتوءات صغيرة عليه وتتحول إلى اللون الأسود.",
        "ويمكن أن يصل طول النتوءات، التي عادة ما تكون أقل من ملليمتر واحد، إلى ما بين 12"
        " و18 ملليمترا.",
        "ويحدث ذلك بسبب تناول بعض الأدوية والتدخين وسوء نظافة الفم وبعض الحالات الطبية.",
        title='"اللسان المُشعر الأسود".. حالة طبية قد تصيبك',
    )
    assert shown[0].startswith('"اللسان المُشعر الأسود".. مشهد قد يثير'), shown
    assert not any(bullet.startswith("مشهد") for bullet in shown), shown
    assert any(bullet.startswith("على الرغم من اسم الحالة") for bullet in shown), shown


def test_a_narrative_fa_indama_leans_on_the_sentence_before() -> None:
    # bullets-40i, BB-technology-164: «فعندما زار السيناتور …» goes on with the sentence
    # before («وأطلق … السيناتور …»); with its «ف» dropped it read as a sentence of its
    # own about a senator nobody introduced. Here the sentence before is a question and
    # is not shown, so neither is the one leaning on it
    shown = _summary(
        "يحتفل العالم اليوم بيوم الأرض للمرة الثامنة والأربعين منذ انطلاقه في الولايات المتحدة.",
        "وأطلق السيناتور نيلسون يوم الأرض لأول مرة عام 1970 بعد ما شاهده من تلوث مياه المحيط؟",
        "فعندما زار السيناتور ولاية كاليفورنيا عام 1969 شاهد كميات النفط الكبيرة التي تلوث"
        " مياه المحيط قرب السواحل.",
        "وتركز احتفالات يوم الأرض هذا العام على التلوث البلاستيكي في المحيطات والبحار.",
        "وتشارك في الاحتفالات منظمات بيئية ومدارس وجامعات في مختلف أنحاء العالم.",
        "ويدعو المنظمون سكان العالم إلى تقليل استخدام البلاستيك في حياتهم اليومية.",
        title="ما هو يوم الأرض؟",
    )
    assert len(shown) == 3
    assert not any("عندما زار" in bullet for bullet in shown), shown
    assert fa_leans("فعندما زار السيناتور الولاية شاهد التلوث.")
    assert fa_leans("فمنذ الثاني من فبراير بدأت الشركة ببيع البطارية.")
    assert not fa_leans("فإذا كنت ترغب في مشاركة الهاتف، يجب أن تثق بالشخص.")
    assert not fa_leans("فتحت الشركة متجرا جديدا عندما زار الرئيس المدينة.")


def test_illa_annahu_is_dropped_before_an_impersonal_verb_and_leans_otherwise() -> None:
    # bullets-40i, AL-technology-289: «إلا أنه يجب الانتباه إلى …» kept its connective;
    # the «ه» there refers to no one, so the rest reads the same on its own
    shown = _summary(
        "تعتبر الميموجي من المزايا الجديدة التي دخلت إلى هواتف آيفون مع التحديث الأخير.",
        "وتتيح الميزة إنشاء صور شخصية مخصصة ومفصلة باستخدام كاميرا تتبع الوجه في الهاتف.",
        "إلا أنه يجب الانتباه إلى أن الميزة متاحة فقط على الهواتف التي تعمل بالتحديث الجديد.",
        "ويقتصر الإصدار التجريبي الأول حاليا على مطوري البرامج في أنحاء العالم.",
        title="هكذا تنشئ ميموجي على آيفون",
    )
    assert any(bullet.startswith("يجب الانتباه إلى أن الميزة") for bullet in shown), shown
    assert not any(bullet.startswith("إلا") for bullet in shown), shown
    # «إلا أنه أضاف …»: "but he added", who the sentence before says
    assert strip_connective("إلا أنه أضاف في تصريح أن البحث صعب.").startswith("إلا أنه")
    assert depends_on_previous(tokenize("إلا أنه أضاف في تصريح أن البحث صعب."))
    assert strip_connective("إلا أن الشركة نفت ذلك في بيان.") == "الشركة نفت ذلك في بيان."
