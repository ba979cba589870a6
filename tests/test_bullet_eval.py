"""`newsdigest eval bullets`: the blind sheet, its key, reading a filled sheet, and the
automatic defect counts (issue #13 point 8)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from bot.cli import main as cli_main
from digest.eval.bullets import (
    SheetArticle,
    automatic_defects,
    lead3,
    load_technology,
    read_answers,
    read_ids,
    split_tune_judge,
    write_sheet,
)
from digest.summarize import ExtractiveSummarizer

SENTENCES = [
    "أعلنت شركة سامسونج عن هاتف جديد قابل للطي في مؤتمر عقدته في سيول اليوم.",
    "يأتي الهاتف بشاشة كبيرة تنفتح مثل الكتاب وبطارية تدوم يومين كاملين.",
    "تخطط الشركة لطرح الهاتف في الأسواق الآسيوية أولا ثم في أوروبا.",
    "قال مدير الشركة إن الفريق عمل على تصميم المفصل أكثر من ثلاث سنوات.",
    "تتوقع الشركة أن تبيع مليون جهاز في الأشهر الستة الأولى بعد الطرح.",
    "يبلغ سعر الهاتف نحو ألفي دولار في النسخة الأساسية منه.",
]


def _corpus(tmp_path: Path, count: int = 30) -> Path:
    path = tmp_path / "ant.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for i in range(count):
            label = "technology" if i % 3 else "sport"
            # each article starts differently so that ours and Lead-3 can differ
            text = "\n".join(SENTENCES[i % 2 :] + SENTENCES[: i % 2])
            record = {"id": f"T-{i}", "label": label, "title": f"هاتف سامسونج {i}", "text": text}
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def test_split_is_by_id_and_stable() -> None:
    articles = [SheetArticle(f"id-{i}", "t", "x") for i in range(400)]
    tune, judge = split_tune_judge(articles)
    assert len(tune) + len(judge) == 400
    assert 150 < len(tune) < 250  # about half
    again_tune, _ = split_tune_judge(reversed(articles))
    assert {a.id for a in again_tune} == {a.id for a in tune}


def test_lead3_is_the_first_three_sentences() -> None:
    assert lead3(" ".join(SENTENCES)) == SENTENCES[:3]


def test_sheet_key_and_answers_cover_judge_articles_only(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path)
    sheet = tmp_path / "sheet.md"
    answers, key = write_sheet(corpus, sheet, n=8)
    tune, judge = split_tune_judge(load_technology(corpus))
    with key.open(encoding="utf-8") as handle:
        key_rows = list(csv.DictReader(handle))
    ids = [row["id"] for row in key_rows]
    assert ids and len(ids) == min(8, len(judge))
    assert set(ids) <= {a.id for a in judge}
    assert not set(ids) & {a.id for a in tune}
    assert all({row["A"], row["B"]} == {"ours", "lead3"} for row in key_rows)
    text = sheet.read_text(encoding="utf-8")
    assert "ours" not in text and "lead3" not in text.lower()  # blind
    assert text.count("**A**") == len(ids) == text.count("**B**")
    assert SENTENCES[2] in text
    with answers.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["id", "preferred", "defects_A", "defects_B", "note"]
    assert [r[0] for r in rows[1:]] == ids


def test_a_fresh_sheet_leaves_out_the_articles_of_a_judged_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = _corpus(tmp_path, count=90)
    first_answers, first_key = write_sheet(corpus, tmp_path / "first.md", n=10)
    first = read_ids(first_answers)
    assert len(first) == 10 and read_ids(first_key) == first
    _, key = write_sheet(corpus, tmp_path / "second.md", n=10, skip=first_answers)
    second = read_ids(key)
    assert len(second) == 10 and not second & first
    # without --skip the same sheet comes back (the choice is by a hash of the id)
    _, again = write_sheet(corpus, tmp_path / "again.md", n=10)
    assert read_ids(again) == first
    # the command line: --skip takes the answers of the judged sheet
    sheet = tmp_path / "cli.md"
    args = ["eval", "bullets", "--corpus", str(corpus), "--n", "10", "--sheet", str(sheet)]
    assert cli_main([*args, "--skip", str(first_answers)]) == 0
    assert not read_ids(tmp_path / "cli.key.csv") & first
    bad = tmp_path / "bad.csv"
    bad.write_text("name\nx\n", encoding="utf-8")
    capsys.readouterr()
    assert cli_main([*args, "--skip", str(bad)]) == 2
    assert "no id column" in capsys.readouterr().err


def test_the_order_is_shuffled_per_article(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path, count=90)
    _, key = write_sheet(corpus, tmp_path / "s.md", n=30)
    with key.open(encoding="utf-8") as handle:
        firsts = [row["A"] for row in csv.DictReader(handle)]
    assert "ours" in firsts and "lead3" in firsts


def test_reading_a_filled_sheet_maps_answers_through_the_key(tmp_path: Path) -> None:
    key = tmp_path / "k.csv"
    key.write_text("id,A,B\n1,ours,lead3\n2,lead3,ours\n3,ours,lead3\n4,lead3,ours\n5,ours,lead3\n")
    filled = tmp_path / "f.csv"
    filled.write_text(
        "id,preferred,defects_A,defects_B,note\n"
        "1,A,,broken_clause,\n"  # ours wins
        "2,A,connective,,\n"  # Lead-3 wins; ours (B) has no defect, Lead-3 a connective
        "3,tie,repeat boilerplate,,\n"
        "4,B,,looks odd,\n"  # ours wins; free text counts as other
        "5,,,,\n"
    )
    result = read_answers(filled, key)
    assert "on 4 articles (1 unanswered)" in result
    assert "2 wins, 1 ties, 1 losses" in result
    assert "defects of ours: boilerplate 1, repeat 1, other 1" in result
    assert "defects of Lead-3: broken_clause 1, connective 1" in result


def test_reading_refuses_unknown_ids_and_answers(tmp_path: Path) -> None:
    key = tmp_path / "k.csv"
    key.write_text("id,A,B\n1,ours,lead3\n")
    filled = tmp_path / "f.csv"
    filled.write_text("id,preferred,defects_A,defects_B,note\n9,A,,,\n")
    with pytest.raises(ValueError, match="not in the key"):
        read_answers(filled, key)
    filled.write_text("id,preferred,defects_A,defects_B,note\n1,maybe,,,\n")
    with pytest.raises(ValueError, match="A, B or tie"):
        read_answers(filled, key)


def test_cli_writes_and_reads_a_sheet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = _corpus(tmp_path)
    sheet = tmp_path / "out.md"
    assert (
        cli_main(["eval", "bullets", "--corpus", str(corpus), "--n", "3", "--sheet", str(sheet)])
        == 0
    )
    key = tmp_path / "out.key.csv"
    answers = tmp_path / "out.csv"
    assert sheet.exists() and key.exists() and answers.exists()
    rows = answers.read_text(encoding="utf-8").splitlines()
    filled = tmp_path / "filled.csv"
    filled.write_text("\n".join([rows[0]] + [r.replace(",,,,", ",tie,,,") for r in rows[1:]]))
    capsys.readouterr()
    assert cli_main(["eval", "bullets", "--read", str(filled), "--key", str(key)]) == 0
    assert f"0 wins, {len(rows) - 1} ties, 0 losses" in capsys.readouterr().out
    assert cli_main(["eval", "bullets", "--read", str(filled)]) == 2


def test_automatic_defects_see_the_residue() -> None:
    text = (
        "نيويورك، الولايات المتحدة (CNN)— أعلنت شركة آبل عن هاتف جديد يعمل بالذكاء الاصطناعي.\n"
        "ويشمل الهاتف كاميرا جديدة ترصد الوجوه في الظلام الدامس بدقة عالية.\n"
        "يشمل العرض أيضا ساعة ذكية جديدة وسماعات لاسلكية لمحبي #الموسيقى_الهادئة في كل مكان.\n"
        "تابعوا المؤتمر مباشرة على موقع الشركة وحملوا التطبيق الرسمي الآن.\n"
    )

    class Fixed(ExtractiveSummarizer):
        def summarize(self, title: str, text: str, **_: object) -> tuple[str, ...]:
            return tuple(text.splitlines())

    counts = automatic_defects([SheetArticle("x", "آبل", text)], Fixed())
    assert counts.bullets == 4
    assert counts.dateline == 1
    assert counts.leading_connective == 1  # "ويشمل": the article uses "يشمل" on its own
    assert counts.hashtag == 1
    assert counts.call_to_action == 1
    assert counts.too_few == 0


def test_the_tech_filter_adds_other_desks_articles_it_passes(tmp_path: Path) -> None:
    # The judge half of a corpus's technology desk can be used up by earlier sheets; what the
    # bot summarises from a general feed is what its technology filter passes, any desk.
    corpus = _corpus(tmp_path)
    desk = {a.id for a in load_technology(corpus)}
    passed = {a.id for a in load_technology(corpus, lambda title, text: title.endswith("3"))}
    assert passed - desk == {"T-3"}  # the "sport" items whose title the filter passes
    assert desk <= passed
    assert {a.id for a in load_technology(corpus, lambda title, text: False)} == desk


def test_eval_bullets_tech_filter_runs_the_shipped_filter(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path)
    sheet = tmp_path / "sheet.md"
    code = cli_main(
        ["eval", "bullets", "--corpus", str(corpus), "--sheet", str(sheet), "--tech-filter"]
    )
    assert code == 0
    with sheet.with_suffix(".key.csv").open(encoding="utf-8") as handle:
        ids = [row["id"] for row in csv.DictReader(handle)]
    # the sport items are Samsung phone stories: the shipped filter passes them too
    assert any(int(i.split("-")[1]) % 3 == 0 for i in ids)
