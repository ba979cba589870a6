"""Label audit of the technology filter (digest.eval.filter_audit): blind sheet and score."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from digest.eval.filter_audit import (
    AuditItem,
    AuditScore,
    main,
    render_sheet,
    sample,
    score_answers,
)
from digest.relevance import CorpusRecord, Scores, TechRelevanceModel, is_held_out

SECRET_TITLE = "عنوان"


def rec(n: int, is_tech: bool, source: str = "SkyNews") -> CorpusRecord:
    # The id names outlet and desk, as ANT ids do; the sheet must show neither.
    desk = "technology" if is_tech else "sport"
    return CorpusRecord(f"SN-{desk}-{n}", source, f"{SECRET_TITLE} {n}", "", f"نص {n}", is_tech)


def decided_groups(missed: int, alarms: int, tp: int, tn: int) -> list[tuple[CorpusRecord, bool]]:
    out: list[tuple[CorpusRecord, bool]] = []
    n = 0
    for count, is_tech, predicted in (
        (missed, True, False),
        (alarms, False, True),
        (tp, True, True),
        (tn, False, False),
    ):
        for _ in range(count):
            out.append((rec(n, is_tech), predicted))
            n += 1
    return out


def test_sample_takes_40_disagreements_both_ways_and_20_agreements_shuffled() -> None:
    decided = decided_groups(missed=50, alarms=45, tp=300, tn=3000)
    items = sample(decided)
    assert len(items) == 60
    assert [item.number for item in items] == list(range(1, 61))
    kinds = [(item.desk, item.model) for item in items]
    assert kinds.count((True, False)) == 20 and kinds.count((False, True)) == 20
    assert kinds.count((True, True)) == 10 and kinds.count((False, False)) == 10
    # Shuffled: the groups are not in blocks, and the sample is the same every time.
    assert kinds[:20] != [(True, False)] * 20
    assert [i.record.id for i in sample(list(reversed(decided)))] == [i.record.id for i in items]


def test_a_side_with_few_disagreements_leaves_its_places_to_the_other() -> None:
    items = sample(decided_groups(missed=30, alarms=7, tp=50, tn=50))
    kinds = [(item.desk, item.model) for item in items]
    assert kinds.count((False, True)) == 7 and kinds.count((True, False)) == 30


def test_sheet_shows_title_and_text_but_no_label_outlet_id_or_score() -> None:
    long_text = "كلمة " * 600  # 3,000 characters: cut near 1,500
    record = CorpusRecord("BBC-technology-7-20180101", "BBC", "آبل تطلق هاتفا", "", long_text, True)
    sheet = render_sheet([AuditItem(1, record, True, False)])
    assert "آبل تطلق هاتفا" in sheet and "### 1" in sheet
    for leak in ("BBC", "technology-7", "desk", "score", "p="):
        assert leak not in sheet.split("## Articles")[1]
    article = sheet.split("### 1")[1]
    assert 1400 < len(article) < 1600


def key_for(items: list[AuditItem], held_out: Scores) -> dict[str, object]:
    from digest.eval.filter_audit import key_data

    return key_data(items, held_out, "test")


def test_score_counts_sides_and_projects_the_held_out_f1() -> None:
    items = [
        AuditItem(1, rec(1, True), True, False),  # missed by the model
        AuditItem(2, rec(2, True), True, False),
        AuditItem(3, rec(3, False), False, True),  # false alarm by the labels
        AuditItem(4, rec(4, False), False, True),
        AuditItem(5, rec(5, True), True, True),  # agreement
        AuditItem(6, rec(6, False), False, False),
    ]
    held_out = Scores(tp=80, fp=20, fn=20, tn=880)
    key = key_for(items, held_out)
    rows = [
        {"id": "1", "tech": "no", "note": "weather"},  # sides with the model
        {"id": "2", "tech": "yes", "note": ""},  # sides with the desk
        {"id": "3", "tech": "yes", "note": ""},  # model
        {"id": "4", "tech": "unsure", "note": ""},
        {"id": "5", "tech": "yes", "note": ""},
        {"id": "6", "tech": "yes", "note": ""},  # reader disagrees with both
    ]
    result = score_answers(rows, key)
    assert result == AuditScore(
        missed_model=1,
        missed_desk=1,
        alarms_model=1,
        alarms_unsure=1,
        agreements_same=1,
        agreements_other=1,
    )
    # Half of the 20 misses are really not technology; all decided false alarms are.
    projected = result.projected(held_out)
    assert projected == Scores(tp=100, fp=0, fn=10, tn=890)
    assert result.projected(held_out, unsure_to_desk=True) == Scores(tp=90, fp=10, fn=10, tn=890)
    report = result.report(held_out)
    assert "sided with the model 2, with the desk label 1, unsure 1" in report
    assert f"F1={projected.f1:.3f}" in report and f"F1={held_out.f1:.3f}" in report


def test_score_refuses_unknown_ids_and_answers() -> None:
    key = key_for([AuditItem(1, rec(1, True), True, False)], Scores(1, 1, 1, 1))
    with pytest.raises(ValueError, match="not on the sheet"):
        score_answers([{"id": "9", "tech": "yes"}], key)
    with pytest.raises(ValueError, match="yes, no or unsure"):
        score_answers([{"id": "1", "tech": "maybe"}], key)
    assert score_answers([{"id": "1", "tech": ""}], key).unanswered == 1


def test_build_and_score_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # A corpus whose held-out part has all four kinds for a model that calls every
    # article with "هاتف" technology.
    rows = []
    n = 0
    for is_tech, word, count in ((True, "هاتف", 30), (True, "مطر", 30), (False, "هاتف", 30)):
        made = 0
        while made < count:
            n += 1
            record_id = f"SN-x-{n}"
            if not is_held_out(record_id):
                continue
            made += 1
            rows.append(
                {
                    "id": record_id,
                    "label": "technology" if is_tech else "sport",
                    "source": "SkyNews",
                    "title": f"{word} {n}",
                    "text": f"{word} خبر {n}",
                }
            )
    rows += [
        {"id": f"SN-y-{i}", "label": "sport", "source": "SkyNews", "title": "مباراة", "text": "فوز"}
        for i in range(80)
    ]
    corpus = tmp_path / "pool.jsonl"
    corpus.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    model_path = tmp_path / "model.json"
    TechRelevanceModel(-5.0, {"هاتف": 20.0}, 0.5).save(model_path)
    sheet, answers, key = tmp_path / "a.md", tmp_path / "a.csv", tmp_path / "a.key.json"
    assert (
        main(
            [
                "build",
                "--corpus",
                str(corpus),
                "--model",
                str(model_path),
                "--out",
                str(sheet),
                "--answers",
                str(answers),
                "--key",
                str(key),
            ]
        )
        == 0
    )
    text = sheet.read_text("utf-8")
    assert "SN-" not in text and "SkyNews" not in text
    with answers.open(encoding="utf-8", newline="") as handle:
        blank = list(csv.DictReader(handle))
    assert len(blank) == 60 and all(row["tech"] == "" for row in blank)
    # The reader answers by the words: "هاتف" stories are technology, rain is not.
    numbers = [int(line[4:]) for line in text.splitlines() if line.startswith("### ")]
    assert sorted(numbers) == list(range(1, 61))
    stored = json.loads(key.read_text("utf-8"))
    by_id = {r["id"]: r for r in rows}
    filled = [
        {"id": str(item["number"]), "tech": "yes" if "هاتف" in by_id[item["id"]]["title"] else "no"}
        for item in stored["items"]
    ]
    with answers.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["id", "tech"])
        writer.writeheader()
        writer.writerows(filled)
    capsys.readouterr()
    assert main(["score", str(answers), "--key", str(key)]) == 0
    printed = capsys.readouterr().out
    assert "reader sided with the model 40, with the desk label 0" in printed
    assert "F1=1.000" in printed  # every disagreement resolved for the model
    assert "F1=0.500" in printed  # by the desk labels: tp 30, fp 30, fn 30


def test_the_committed_key_is_the_sheet_given_to_the_reader() -> None:
    key_path = Path(__file__).parent / "fixtures" / "judged" / "filter-audit.key.json"
    key = json.loads(key_path.read_text("utf-8"))
    items = key["items"]
    assert [item["number"] for item in items] == list(range(1, 61))
    assert sum(item["desk"] != item["model"] for item in items) == 40
    assert sum(item["desk"] and not item["model"] for item in items) == 20
    assert all(is_held_out(item["id"]) for item in items)
    blank = [{"id": str(item["number"]), "tech": ""} for item in items]
    assert score_answers(blank, key).unanswered == 60
