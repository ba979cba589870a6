"""Issue #13 point 1: a cut long sentence keeps only complete clauses. Each case is a
constructed Arabic article whose long sentence (over 300 characters) offers one comma
cut that would leave an incomplete clause; the real summarizer must not show it."""

from __future__ import annotations

from digest.summarize import ExtractiveSummarizer
from digest.summarize.cutting import cut_is_safe

_TITLE = "فيسبوك تكشف حملة دعاية منظمة قبل الاستفتاء"
_OTHERS = (
    "أعلنت شركة فيسبوك اليوم أنها أغلقت مئات الحسابات التي نشرت دعاية منظمة قبل الاستفتاء.\n"
    "وأوضحت الشركة أن الحسابات أنفقت آلاف الدولارات على إعلانات موجهة إلى الناخبين.\n"
    "وتواجه الشركة ضغوطا متزايدة من البرلمان لكشف مصادر تمويل الإعلانات السياسية.\n"
)


def _bullets(long_sentence: str) -> tuple[str, ...]:
    assert len(long_sentence) > 300  # the summarizer must cut it or leave it out
    text = (
        _OTHERS.splitlines()[0] + "\n" + long_sentence + "\n" + "\n".join(_OTHERS.splitlines()[1:])
    )
    return ExtractiveSummarizer().summarize(_TITLE, text, max_bullets=4)


def test_a_fronted_adverbial_is_not_kept_without_its_verb_of_saying() -> None:
    fronted = (
        "باستخدام نفس المنهج الذي استخدمته شركة فيسبوك لتحديد الأنشطة التي قام بها فريق "
        "دعاية منظم على مواقع التواصل الاجتماعي فيما يتصل بالانتخابات الأميركية الأخيرة"
    )
    sentence = (
        fronted + "، قال رئيس لجنة الإعلام في البرلمان إن الشبكة الاجتماعية استعرضت آلاف "
        "الحسابات ونشاط آلاف المعلنين في فترة الحملة المؤدية إلى استفتاء يونيو الماضي "
        "ووجدت أن بعضها مرتبط بجهات خارجية معروفة."
    )
    bullets = _bullets(sentence)
    assert len(bullets) >= 3
    assert not any(bullet.startswith("باستخدام") for bullet in bullets), bullets


def test_a_clause_interrupted_by_a_relative_clause_is_not_cut_before_it() -> None:
    # «أن يؤدي التوسع …، والذي سيكتمل …، إلى مضاعفة …»: the verb's complement comes
    # after the relative clause
    sentence = (
        "افتتحت شركة فيسبوك هذا الأسبوع ما تطلق عليه أكبر مركز لمراجعة الإعلانات السياسية "
        "في المنطقة، ومن المتوقع أن يؤدي التوسع في المركز المتواجد في العاصمة، والذي "
        "سيكتمل تماما في عام 2020، إلى مضاعفة قدرات الشركة على مراجعة الإعلانات من ألف "
        "إعلان يوميا إلى عشرة آلاف إعلان يوميا قبل كل استفتاء وكل انتخابات عامة في البلاد."
    )
    bullets = _bullets(sentence)
    assert len(bullets) >= 3
    assert not any(bullet.endswith("في العاصمة.") for bullet in bullets), bullets
    assert not any("أن يؤدي" in b and "إلى مضاعفة" not in b for b in bullets), bullets


def test_a_clause_interrupted_by_an_apposition_is_not_cut_after_it() -> None:
    # «عندما بدأ المفوض، وهو منظم الخصوصية، بالتحقيق …»: «بدأ» without «بالتحقيق»
    sentence = (
        "كانت الشبكة الاجتماعية قد صرحت في شهر أبريل أن بيانات ما يصل إلى مليون شخص قد "
        "وصلت إلى شركة تحليل بيانات، التي وظفتها حملة انتخابية في البلاد، وحسب ما قالت "
        "المنصة عندما بدأ مفوض المعلومات، وهو منظم الخصوصية في البلاد، بالتحقيق في "
        "احتمال انتهاك بيانات أكثر من ثلاثمئة ألف مستخدم بدون ترخيص خلال العامين الماضيين."
    )
    bullets = _bullets(sentence)
    assert len(bullets) >= 3
    assert not any(bullet.endswith("منظم الخصوصية في البلاد.") for bullet in bullets), bullets


def test_a_cut_never_ends_on_a_pronoun_whose_clause_is_dropped() -> None:
    # «…، وهو الأمر الذي …»: a cut before the clause opener «الأمر الذي» kept «، وهو.»
    sentence = (
        "قالت الشركة إن من المهم أن توضح للناس آلية عمل بياناتهم ببساطة وبدون تعقيد حتى "
        "يستطيع الناس اتخاذ قرارات مدروسة بشأن خصوصيتهم وحساباتهم الشخصية على الشبكة، "
        "وهو الأمر الذي سيدفعها إلى إدخال تحديثات واسعة على شروط الخدمة الخاصة بها والتي "
        "ستتضمن الالتزامات التي تعهدت بها أمام المستخدمين والمعلنين والجهات الرقابية في "
        "الاتحاد الأوروبي والولايات المتحدة خلال الأشهر المقبلة."
    )
    bullets = _bullets(sentence)
    assert len(bullets) >= 3
    assert not any(bullet.endswith("وهو.") for bullet in bullets), bullets
    assert any(bullet.endswith("وحساباتهم الشخصية على الشبكة.") for bullet in bullets), bullets


def test_a_trailing_condition_or_exception_is_never_cut_off() -> None:
    # «…، إذا لم تكن شركات التكنولوجيا مجبورة …» was dropped on the fourth blind sheet
    # (AL-4): the kept part read as an absolute claim, a judged distortion
    kept = (
        "أغلبية تطبيقات التواصل الاجتماعي المجانية التي نستخدمها اليوم تقوم بجمع البيانات "
        "مقابل توفيرها للخدمة بشكل مجاني، ولا تقدم شركات التكنولوجيا أي تفاصيل عن أنشطة "
        "جمع البيانات الخاصة بالمستخدمين للجمهور"
    )
    for opener in ("إذا لم تكن", "ما لم تكن", "إلا إذا كانت", "في حال لم تكن", "باستثناء"):
        sentence = (
            kept + "، " + opener + " شركات التكنولوجيا مجبورة على القيام بذلك بموجب القوانين "
            "الأوروبية الجديدة، كما يبدو عليه الوضع مع الميزة الجديدة في تطبيق واتساب."
        )
        bullets = _bullets(sentence)
        assert len(bullets) >= 3
        assert not any(bullet.endswith("للجمهور.") for bullet in bullets), (opener, bullets)


def test_a_concession_with_al_raghm_keeps_its_main_clause() -> None:
    # «…، على الرغم من أن "فيسبوك" لا يستمع لنا بحسب تصريحاته| ، من أجل الخصوصية، فإنه
    # ليس من السيئ تعطيل هذه الميزة.» was a bullet ending on the concession (a tune
    # reader's broken clause): «الرغم» opens a clause that needs its main clause
    sentence = (
        "يبدو من قبيل الصدفة المخيفة حقا أن تخبر صديقك في محادثة وجها لوجه أنه يحتاج إلى "
        "منتج ما لوصفة طعام، ثم بعد أقل من نصف ساعة ترى الإعلان عن المنتج نفسه في صفحتك، "
        'وهذا حدث بالفعل لكثيرين، على الرغم من أن "فيسبوك" لا يستمع للمستخدمين بحسب '
        "تصريحاته، من أجل الخصوصية، فإنه ليس من السيئ تعطيل هذه الميزة في إعدادات الهاتف."
    )
    bullets = _bullets(sentence)
    assert len(bullets) >= 3
    assert not any(bullet.endswith("بحسب تصريحاته.") for bullet in bullets), bullets


def test_a_subject_with_a_relative_clause_keeps_its_predicate() -> None:
    # with the trailing condition kept, the cut fell back to the first comma of AL-4 (the
    # fourth blind sheet): «أغلبية تطبيقات … التي نستخدمها اليوم وتملك شعبية كبيرة.»,
    # a subject whose predicate («تقوم بجمع البيانات …») was dropped
    sentence = (
        "أغلبية تطبيقات التواصل الاجتماعي المجانية التي نستخدمها اليوم وتملك شعبية كبيرة "
        "بين المستخدمين، تقوم بجمع البيانات مقابل توفيرها للخدمة بشكل مجاني، ولا تقدم "
        "شركات التكنولوجيا أي تفاصيل عن أنشطة جمع البيانات الخاصة بالمستخدمين للجمهور، "
        "إذا لم تكن شركات التكنولوجيا مجبورة على القيام بذلك بموجب القوانين الأوروبية."
    )
    bullets = _bullets(sentence)
    assert len(bullets) >= 3
    assert not any(bullet.endswith("بين المستخدمين.") for bullet in bullets), bullets


def test_a_time_clause_keeps_its_main_clause_across_appositions() -> None:
    # bullets-40i, BB-technology-164: the commas of «عندما زار السيناتور الأميركي، غايلورد
    # نيلسون، ومساعده، سانتا باربارا، …» set off names; a cut after them kept the time
    # clause alone. A cut before the story's next step («، وعندما عادا …، قام …») drops
    # what the sentence leads up to
    sentence = (
        "عندما زار رئيس اللجنة البرلمانية، جون سميث، ومساعده، مارك براون، مقر الشركة في "
        "كاليفورنيا عام 2017، شاهدا آلاف الحسابات المزيفة التي تنشر الدعاية السياسية بين "
        "الناخبين في مختلف الولايات، وعندما عادا إلى لندن، قدم رئيس اللجنة مشروع قانون "
        "يلزم الشبكات الاجتماعية بكشف مصادر تمويل كل الإعلانات السياسية قبل الاستفتاء."
    )
    bullets = _bullets(sentence)
    assert len(bullets) >= 3
    assert not any(bullet.startswith("عندما زار") for bullet in bullets), bullets


def test_the_next_step_of_a_narrative_is_not_cut_off() -> None:
    kept = (
        "زار رئيس اللجنة البرلمانية مقر الشركة في كاليفورنيا عام 2017 وشاهد آلاف الحسابات "
        "المزيفة التي تنشر الدعاية السياسية بين الناخبين في مختلف الولايات"
    )
    assert cut_is_safe(kept, "وعندما عاد إلى لندن، قدم مشروع قانون جديدا.") is False
    assert cut_is_safe(kept, "ثم قدم مشروع قانون جديدا.") is False
    assert cut_is_safe(kept, "وبعد أن عاد إلى لندن قدم مشروع قانون.") is False
    assert cut_is_safe(kept, "وهو ما أثار جدلا واسعا.") is True
    # a time clause whose main clause is kept (an imperfect verb after the commas)
    assert cut_is_safe("عندما يزور الرئيس، جون سميث، المقر، يلتقي الموظفين", "وهو ما يسعده.")
    assert not cut_is_safe("عندما يزور الرئيس، جون سميث، المقر في لندن", "يلتقي الموظفين.")
