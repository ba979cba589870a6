"""Issue #13 point 2: the headline's names are in the bullets when the text has them."""

from __future__ import annotations

from digest.arabic import tokenize
from digest.summarize import ExtractiveSummarizer
from digest.summarize.anchors import title_names


def test_a_name_of_the_title_is_brought_into_the_bullets() -> None:
    title = "غوغل تطلق مساعدها الذكي Gemini في الدول العربية"
    text = (
        "أطلقت شركة غوغل اليوم مساعدها الذكي الجديد في عدد من الدول العربية بعد أشهر من الاختبار.\n"
        "وقالت غوغل إن المساعد الذكي يفهم اللهجات العربية المختلفة ويجيب عن أسئلة المستخدمين.\n"
        "ويعمل المساعد الذكي على الهواتف الذكية والحواسيب اللوحية التي تعمل بنظام أندرويد.\n"
        "وتتنافس غوغل مع شركات أخرى على سوق المساعدات الذكية في المنطقة العربية منذ سنوات.\n"
        "ويحمل المساعد اسم Gemini في كل اللغات التي يدعمها.\n"
    )
    bullets = ExtractiveSummarizer().summarize(title, text, max_bullets=3)
    assert len(bullets) == 3
    assert any("Gemini" in bullet for bullet in bullets)
    # it took the place of the search's last pick, never the lead's
    assert bullets[0].startswith("أطلقت شركة غوغل")


def test_names_of_a_title_by_their_form() -> None:
    sentences = [
        tokenize("كشفت هواوي عن شريحة جديدة، وقالت هواوي إن الاستخدام سيبدأ قريبا."),
        tokenize("وتصنع هواوي الهواتف، ويمكن استخدام الشريحة في الحواسيب."),
        tokenize("وتأمل الشركة أن يزيد استخدام الشريحة في الصين، ولهواوي مصانع كثيرة."),
        tokenize("وتعتمد الشركة على استخدام الشريحة في مراكز البيانات."),
    ]
    names = title_names("هواوي تكشف عن استخدام شريحة جديدة في Apple", sentences)
    # «هواوي»: three times, never with «ال»; «استخدام» also meets «الاستخدام»; «شريحة»
    # has the ending of a feminine noun; «Apple» is not in the text
    assert names == ["هواوي"]
