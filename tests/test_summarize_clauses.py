"""Issue #13 point 1: a cut long sentence keeps only complete clauses. Each case is a
constructed Arabic article whose long sentence (over 300 characters) offers one comma
cut that would leave an incomplete clause; the real summarizer must not show it."""

from __future__ import annotations

from digest.summarize import ExtractiveSummarizer

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
