"""Issue #13, bullets-40j's broken clauses: a leading «لكنّ/إلا أنّ/غير أنّ/كما أنّ» that
governs a noun whose written form shows the accusative is kept (the sentence then leans
on the one before); elsewhere it is dropped as before."""

from __future__ import annotations

from digest.summarize import ExtractiveSummarizer
from digest.summarize.connectives import strip_connective


def test_illa_anna_before_a_construct_plural_in_ya_is_kept() -> None:
    # bullets-40j #37, SK-technology-10: «إلا أن منتقدي التطبيق يرون …» became «منتقدي
    # التطبيق يرون …» (without «أنّ» the subject would be «منتقدو»)
    text = "\n".join(
        [
            'تجاهلت شركة "فيسبوك" الانتقادات التي وجهت لها، ورفضت سحب تطبيق مراسلات'
            ' الأطفال الجديد "ماسنجر كيدز".',
            "ويسمح التطبيق الذي صدر مؤخرا على جميع الهواتف الذكية، للأطفال دون الـ 13 عاما"
            " بمراسلة أصدقائهم وعائلاتهم، ويمنع ظهور أي إعلانات، كما يمنح الصلاحية للوالدين"
            " بالتحكم في قائمة من يمكن التحدث لهم.",
            'إلا أن منتقدي التطبيق يرون أنه "فخ" يجذب الأطفال للانخراط في مجتمع وسائل'
            ' التواصل الضار، ويربطهم بـ"فيسبوك" أكثر من اللازم.',
            "وقالت حملة أميركية تهدف لمنع استخدام الأطفال في أهداف تجارية، إنه"
            ' "من المقلق أن فيسبوك يسوق بقوة لماسنجر كيدز للمزيد من الأطفال".',
            'وتقول "فيسبوك" إنها استعانت بآراء مجموعة من الخبراء التربويين، بينهم أكاديميون'
            " وأولياء أمور، قبل إطلاق التطبيق، إلا أن منتقدين يقولون إن أكثر من نصف هؤلاء"
            ' الخبراء لديهم "روابط مالية" بالشركة.',
        ]
    )
    title = 'رغم الانتقادات.. فيسبوك تتمسك بـ"تطبيق الأطفال"'
    shown = ExtractiveSummarizer().summarize(title, text)
    assert len(shown) >= 3, shown
    assert not any(bullet.startswith("منتقدي") for bullet in shown), shown
    assert strip_connective("غير أن مستخدمي أجهزة أندرويد باتوا يملكون حلولا.") == (
        "غير أن مستخدمي أجهزة أندرويد باتوا يملكون حلولا."
    )
    assert strip_connective("لكن منتقدين للحكومة يقولون إن الرئيس يأمل في ذلك.") == (
        "لكن منتقدين للحكومة يقولون إن الرئيس يأمل في ذلك."
    )
    # a noun whose case does not show, or a verb: the particle is dropped as before
    assert strip_connective("إلا أن الدراسة تقول إن النتائج أولية.") == (
        "الدراسة تقول إن النتائج أولية."
    )
    assert strip_connective("إلا أن خبراء في جامعات عدة يعتقدون ذلك.") == (
        "خبراء في جامعات عدة يعتقدون ذلك."
    )
    assert strip_connective("لكن تقول الشركة إنها لن تخزن البيانات.") == (
        "تقول الشركة إنها لن تخزن البيانات."
    )


def test_lakin_before_an_adverb_and_its_delayed_accusative_noun_is_kept() -> None:
    # bullets-40j #20, BB-technology-176: «ولكن هناك غموضا …» became «هناك غموضا …»
    # (an accusative with no governor: «هناك غموض» without «لكنّ»)
    text = "\n".join(
        [
            "فرضت الحكومة البريطانية قواعد ستطبق قريبا تفرض على متابعي المواقع الإباحية"
            " إثبات أن أعمارهم تتجاوز 18 عاما.",
            "وقد يعني ذلك الإفصاح عن عنوان البريد الإلكتروني أو كشف تفاصيل بطاقة الائتمان.",
            "وستطلب الحكومة البريطانية من كافة المواقع الإباحية إضافة برنامج للتحقق من سن"
            " المستخدم. وتقول إن الهدف من ذلك هو حماية الأطفال.",
            "ولكن هناك غموضا بشأن سبل فرض تلك القواعد التي قد تهدد خصوصية المستخدم.",
            "هناك العديد من الشركات طورت برامح للتحقق من العمر.",
            "وقد طورت شركة مايندغيك، صاحبة عدد من أكبر المواقع الإباحية في العالم، برنامجها"
            " للتحقق من السن حيث أنتجت بطاقة هوية للعمر من المتوقع أن يسجل بها ما يتراوح"
            " بين 20 و25 مليون مستخدم في بريطانيا.",
            "وفي عام 2016 تم الكشف عن 800 ألف اسم مسجل في مايندغيك في عملية قرصنة تعرضت لها"
            " الشركة.",
        ]
    )
    title = "قواعد جديدة لمشاهدة المواقع الإباحية في بريطانيا"
    shown = ExtractiveSummarizer().summarize(title, text, max_bullets=5)
    assert len(shown) >= 3, shown
    assert not any(bullet.startswith("هناك غموضا") for bullet in shown), shown
    assert strip_connective("لكن ثمة تباينا في سلوك المرء خلال هذه الفترة.") == (
        "لكن ثمة تباينا في سلوك المرء خلال هذه الفترة."
    )
    assert strip_connective("كما أن هناك خطرا حقيقيا يتمثل في الاصطدام.") == (
        "كما أن هناك خطرا حقيقيا يتمثل في الاصطدام."
    )
    assert strip_connective("لكن لدى الشركة خططا أخرى للعام المقبل.") == (
        "لكن لدى الشركة خططا أخرى للعام المقبل."
    )
    # the noun after the adverb shows no case, or a comma closes the phrase: dropped
    assert strip_connective("لكن هناك العديد من الشركات طورت برامج.") == (
        "هناك العديد من الشركات طورت برامج."
    )
    assert strip_connective("لكن في المقابل، عندما يتعرض الإنسان لإصابة يتألم.") == (
        "في المقابل، عندما يتعرض الإنسان لإصابة يتألم."
    )
    assert strip_connective("لكن من يضمن ألا يفعل أحدهم الشيء نفسه؟") == (
        "من يضمن ألا يفعل أحدهم الشيء نفسه؟"
    )
