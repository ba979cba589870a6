"""Label audit of the technology filter (digest.eval.filter_audit): blind sheet and score."""

from __future__ import annotations

import csv
import hashlib
import json
from collections import Counter
from pathlib import Path

import pytest

from digest.eval.filter_audit import (
    DEFAULT_SALT,
    AuditItem,
    AuditScore,
    held_out_scores,
    main,
    order_salt,
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


def phone_corpus(tmp_path: Path, per_kind: int) -> tuple[list[dict[str, str]], Path, Path]:
    """A corpus whose held-out part has all four kinds for a model that calls every
    article with "هاتف" technology: `per_kind` tech phone stories (agreements), tech rain
    stories (missed), sport phone stories (alarms), plus sport stories (agreements)."""
    rows = []
    n = 0
    for is_tech, word, count in (
        (True, "هاتف", per_kind),
        (True, "مطر", per_kind),
        (False, "هاتف", per_kind),
    ):
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
    return rows, corpus, model_path


def test_build_and_score_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows, corpus, model_path = phone_corpus(tmp_path, 30)
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


@pytest.mark.parametrize("name", ["filter-audit", "filter-audit-2"])
def test_the_committed_key_is_the_sheet_given_to_the_reader(name: str) -> None:
    key_path = Path(__file__).parent / "fixtures" / "judged" / f"{name}.key.json"
    key = json.loads(key_path.read_text("utf-8"))
    items = key["items"]
    assert [item["number"] for item in items] == list(range(1, 61))
    assert sum(item["desk"] != item["model"] for item in items) == 40
    assert sum(item["desk"] and not item["model"] for item in items) == 20
    assert all(is_held_out(item["id"]) for item in items)
    blank = [{"id": str(item["number"]), "tech": ""} for item in items]
    assert score_answers(blank, key).unanswered == 60


def test_the_second_key_is_independent_of_the_first() -> None:
    judged = Path(__file__).parent / "fixtures" / "judged"
    first, second = (
        json.loads((judged / f"{name}.key.json").read_text("utf-8"))
        for name in ("filter-audit", "filter-audit-2")
    )
    assert not {i["id"] for i in first["items"]} & {i["id"] for i in second["items"]}
    assert second["drawn"]["salt"] == "newsdigest-filter-audit-2"
    assert second["drawn"]["skipped_keys"] == ["tests/fixtures/judged/filter-audit.key.json"]
    ids = [item["id"] for item in second["items"]]
    assert ids == sha1_order("newsdigest-filter-audit-2-order|", ids)


def sha1_order(prefix: str, ids: list[str]) -> list[str]:
    # The documented hashes, written out here rather than taken from the module.
    return sorted(ids, key=lambda i: int(hashlib.sha1((prefix + i).encode()).hexdigest(), 16))


def test_the_default_salt_draws_with_the_first_sheets_hashes() -> None:
    decided = decided_groups(missed=50, alarms=45, tp=300, tn=300)
    items = sample(decided)
    assert [i.record.id for i in sample(decided, salt="newsdigest-filter-audit")] == [
        i.record.id for i in items
    ]
    expected: list[str] = []
    for kind, take in (((True, False), 20), ((False, True), 20), ((True, True), 10)):
        group = [r.id for r, predicted in decided if (r.is_tech, predicted) == kind]
        expected += sha1_order("newsdigest-filter-audit|", group)[:take]
    group = [r.id for r, predicted in decided if not r.is_tech and not predicted]
    expected += sha1_order("newsdigest-filter-audit|", group)[:10]
    assert [i.record.id for i in items] == sha1_order("newsdigest-filter-audit-order|", expected)
    # Another salt draws other articles in another order.
    other = [i.record.id for i in sample(decided, salt="newsdigest-filter-audit-2")]
    assert len(other) == 60 and set(other) != set(expected)


def test_the_committed_first_key_is_in_the_default_order() -> None:
    key_path = Path(__file__).parent / "fixtures" / "judged" / "filter-audit.key.json"
    ids = [item["id"] for item in json.loads(key_path.read_text("utf-8"))["items"]]
    assert ids == sha1_order("newsdigest-filter-audit-order|", ids)
    assert ids == sha1_order(order_salt(DEFAULT_SALT), ids)


def test_sample_never_takes_a_skipped_id() -> None:
    decided = decided_groups(missed=50, alarms=45, tp=300, tn=300)
    first = {i.record.id for i in sample(decided)}
    again = sample(decided, skip=frozenset(first))
    assert len(again) == 60 and not first & {i.record.id for i in again}


def _build(corpus: Path, model: Path, out: Path, *extra: str) -> None:
    args = ["build", "--corpus", str(corpus), "--model", str(model)]
    args += ["--out", str(out / "sheet.md"), "--answers", str(out / "blank.csv")]
    assert main([*args, "--key", str(out / "key.json"), *extra]) == 0


def test_a_further_sheet_skips_every_earlier_key_and_the_default_is_unchanged(
    tmp_path: Path,
) -> None:
    _, corpus, model = phone_corpus(tmp_path, 50)
    first, again, second, third = (tmp_path / name for name in ("1", "1b", "2", "3"))
    _build(corpus, model, first)
    _build(corpus, model, again)
    # Without --salt/--skip-key the build is the first sheet's, byte for byte.
    for name in ("sheet.md", "blank.csv", "key.json"):
        assert (again / name).read_bytes() == (first / name).read_bytes()
    first_key = json.loads((first / "key.json").read_text("utf-8"))
    assert "drawn" not in first_key
    skip_first = ["--skip-key", str(first / "key.json")]
    _build(corpus, model, second, "--salt", "newsdigest-filter-audit-2", *skip_first)
    second_key = json.loads((second / "key.json").read_text("utf-8"))
    first_ids = {item["id"] for item in first_key["items"]}
    second_ids = {item["id"] for item in second_key["items"]}
    assert len(second_ids) == 60 and not first_ids & second_ids
    assert sum(item["desk"] != item["model"] for item in second_key["items"]) == 40
    # Skipping narrows the sample only: the held-out counts are the whole held-out part's.
    assert second_key["held_out_full_text"] == first_key["held_out_full_text"]
    assert second_key["drawn"] == {
        "salt": "newsdigest-filter-audit-2",
        "skipped_keys": [(first / "key.json").as_posix()],
        "skipped_ids": 60,
    }
    # Repeatable: a third sheet shares no id with either.
    _build(
        corpus, model, third, "--salt", "x-3", *skip_first, "--skip-key", str(second / "key.json")
    )
    third_ids = {
        item["id"] for item in json.loads((third / "key.json").read_text("utf-8"))["items"]
    }
    assert third_ids and not third_ids & (first_ids | second_ids)


def kappa(first: list[str], second: list[str]) -> float:
    n = len(first)
    observed = sum(a == b for a, b in zip(first, second, strict=True)) / n
    a_counts, b_counts = Counter(first), Counter(second)
    chance = sum(a_counts[k] * b_counts[k] for k in a_counts) / n**2
    return (observed - chance) / (1 - chance)


def test_two_readers_of_one_sheet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    judged = Path(__file__).parent / "fixtures" / "judged"
    key_path = judged / "filter-audit.key.json"
    key = json.loads(key_path.read_text("utf-8"))
    with (judged / "filter-audit.csv").open(encoding="utf-8", newline="") as handle:
        first_rows = list(csv.DictReader(handle))
    # A second reader: the first one's answers, every third turned round, one left blank.
    turn = {"yes": "no", "no": "unsure", "unsure": "yes"}
    second_rows = [
        {
            "id": row["id"],
            "tech": "" if row["id"] == "5" else turn[row["tech"]] if i % 3 == 0 else row["tech"],
            "note": "",
        }
        for i, row in enumerate(first_rows)
    ]
    paths = []
    for name, rows in (("a.csv", first_rows), ("b.csv", second_rows)):
        path = tmp_path / name
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=["id", "tech", "note"])
            writer.writeheader()
            writer.writerows(rows)
        paths.append(str(path))
    capsys.readouterr()
    assert main(["score", *paths, "--key", str(key_path)]) == 0
    printed = capsys.readouterr().out

    held_out = held_out_scores(key)
    first = {row["id"]: row["tech"] for row in first_rows if row["tech"]}
    second = {row["id"]: row["tech"] for row in second_rows if row["tech"]}
    both = [n for n in first if n in second]
    same = [n for n in both if first[n] == second[n]]
    disputed = {str(item["number"]) for item in key["items"] if item["desk"] != item["model"]}
    same_disputed = sum(n in disputed for n in same)
    both_disputed = sum(n in disputed for n in both)
    assert f"same answer on {len(same)}/{len(both)} ({len(same) / len(both):.0%})" in printed
    assert f"{same_disputed}/{both_disputed} ({same_disputed / both_disputed:.0%})" in printed
    kappa_both = kappa([first[n] for n in both], [second[n] for n in both])
    assert f"Cohen's kappa {kappa_both:.2f}" in printed
    # Each reader's own lines, as a one-reader score prints them.
    for name, rows in zip(paths, (first_rows, second_rows), strict=True):
        alone = score_answers(rows, key)
        assert f"== {name}\n{alone.report(held_out)}\n" in printed
        f1 = f"{alone.projected(held_out).f1:.3f} / "
        f1 += f"{alone.projected(held_out, unsure_to_desk=True).f1:.3f}"
        assert f"  {name}: {f1}" in printed
    joint = [{"id": n, "tech": first[n] if first[n] == second[n] else "unsure"} for n in both]
    together = score_answers(joint, key)
    f1 = f"{together.projected(held_out).f1:.3f} / "
    f1 += f"{together.projected(held_out, unsure_to_desk=True).f1:.3f}"
    assert f"  consensus: {f1}" in printed
    # One reader still scores alone; three are refused.
    assert main(["score", paths[0], "--key", str(key_path)]) == 0
    assert "both readers" not in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["score", *paths, paths[0], "--key", str(key_path)])
