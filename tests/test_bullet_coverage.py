"""Bullets keep the news and every article gets some (issue #13 points 2 and 6)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from digest.summarize import ExtractiveSummarizer

ANT_DEV = Path(__file__).resolve().parent.parent.parent / "shared/corpora/ant/dev.jsonl"


def _ant(article_id: str) -> dict[str, str]:
    with ANT_DEV.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            if record["id"] == article_id:
                return record
    raise KeyError(article_id)


@pytest.mark.skipif(not ANT_DEV.exists(), reason="ANT dev corpus not beside the repository")
def test_the_lead_sentence_is_kept() -> None:
    # a tune-part article whose lead the search used to leave out for a later sentence
    record = _ant("SK-technology-940-20180620")
    lead = record["text"].split("\n")[0].strip()
    assert lead.startswith("ستتوقف شركة")
    assert lead in ExtractiveSummarizer().summarize(record["title"], record["text"])


def test_a_poem_gets_its_first_lines_not_a_bare_title() -> None:
    poem = "\n".join(
        [
            "يا ليل الصب متى غده",
            "أقيام الساعة موعده",
            "رقد السمار فأرقه",
            "أسف للبين يردده",
            "فبكاه النجم ورق له",
            "مما يرعاه ويرصده",
        ]
    )
    lines = ExtractiveSummarizer().summarize("قصيدة يا ليل الصب", poem)
    assert lines == ("يا ليل الصب متى غده", "أقيام الساعة موعده", "رقد السمار فأرقه")


def test_one_sentence_with_odd_quote_marks_is_shown_as_written() -> None:
    text = (
        "كشفت شركة سامسونغ النقاب عن أحدث هواتفها المحمولة ”Galaxy Note 9” ولكنها لا تبدو "
        "مختلفة تماما عن سابقتها “Note 8” بالشكل، ولكن الجهاز الجديد يحتوي على بعض الميزات "
        "المتطورة بما فيها بطارية لطول اليوم وكاميرا أفضل."
    )
    shown = text.replace("”", '"').replace("“", '"')  # the marks made to pair up
    assert ExtractiveSummarizer().summarize("سامسونغ تكشف عن هاتفها", text) == (shown,)


def test_one_fact_is_not_told_twice() -> None:
    text = "\n".join(
        [
            "توصل بحث لإحدى منظمات رعاية الأطفال إلى أن قرابة 22 في المئة من الفتيات في سن "
            "14 عاما في بريطانيا عرضن أنفسهن للإيذاء.",
            "أجرت الجمعية البريطانية المسح على أحد عشر ألف طفل في مختلف أنحاء البلاد العام الماضي.",
            "قالت الجمعية إن 22 في المئة من الفتيات في هذا العمر قلن إنهن فعلن ذلك عمدا.",
            "تطالب الجمعية الحكومة بتمويل خدمات الصحة النفسية في المدارس بشكل عاجل وكاف.",
            "يرى خبراء أن الضغوط المدرسية ووسائل التواصل الاجتماعي من أهم أسباب المشكلة.",
        ]
    )
    bullets = ExtractiveSummarizer().summarize("الإيذاء بين الفتيات في بريطانيا", text)
    assert len(bullets) >= 3
    assert sum("22 في المئة" in b for b in bullets) == 1


def test_the_headline_figure_is_in_the_bullets() -> None:
    body = [
        "أعلنت شركة سامسونج عن هاتفها الجديد القابل للطي في مؤتمر كبير عقدته في سيول اليوم.",
        "يأتي الهاتف الجديد بشاشة كبيرة تنفتح مثل الكتاب وبطارية تدوم يومين كاملين.",
        "تخطط الشركة لطرح الهاتف الجديد في الأسواق الآسيوية أولا ثم في أوروبا وأميركا.",
        "قال مدير الشركة إن الفريق عمل على تصميم الهاتف الجديد أكثر من ثلاث سنوات.",
        "تتوقع الشركة أن يحقق الهاتف الجديد مبيعات كبيرة في الأشهر الأولى بعد طرحه.",
        "يبلغ سعر الهاتف الجديد نحو ألفي دولار في النسخة الأساسية منه.",
        "أظهر استطلاع أن 42 في المئة من المشترين يفضلون الشاشات المرنة.",
        "ينافس الهاتف الجديد أجهزة هواوي وموتورولا القابلة للطي في السوق.",
    ]
    title = "42 % يفضلون الشاشات المرنة.. سامسونج تطلق هاتفها القابل للطي"
    bullets = ExtractiveSummarizer().summarize(title, "\n".join(body))
    assert body[6] in bullets
    assert bullets[0] == body[0]  # the lead stays
