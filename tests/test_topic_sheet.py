"""The blind topic judging sheet (build) and the scoring of a filled answer file."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from digest.eval.topic_sheet import (
    build_sheet,
    is_judge,
    main,
    score_answers,
    sheet_articles,
    sheet_ids,
)
from digest.relevance import CorpusRecord
from digest.topics import LexiconClassifier, TopicCatalog, default_topics_path

TITLES = [
    ("آبل تطلق هاتف آيفون جديدا بكاميرا أفضل", "أعلنت آبل عن آيفون جديد. آيفون يأتي بشاشة أكبر."),
    ("ناسا ترسل مسبارا إلى المريخ", "أطلقت ناسا مسبارا جديدا نحو المريخ لدراسة سطحه."),
    ("مقال بلا موضوع", "نص عادي لا يذكر شيئا محددا."),
]


def corpus(n: int = 200) -> list[CorpusRecord]:
    records = []
    for i in range(n):
        title, text = TITLES[i % len(TITLES)]
        records.append(CorpusRecord(f"SK-technology-{i}-2018", "SkyNews", title, "", text, True))
        records.append(CorpusRecord(f"SK-sport-{i}-2018", "SkyNews", title, "", text, False))
    return records


@pytest.fixture(scope="module")
def classifier() -> LexiconClassifier:
    return LexiconClassifier(TopicCatalog.load(default_topics_path()))


def test_sheet_holds_60_judge_half_technology_articles_with_their_tags(
    classifier: LexiconClassifier,
) -> None:
    records = corpus()
    chosen = sheet_articles(records)
    assert len(chosen) == 60 and all(r.is_tech and is_judge(r.id) for r in chosen)
    assert chosen == sheet_articles(list(reversed(records)))  # order fixed by the hash
    sheet, rows = build_sheet(records, classifier)
    assert sheet_ids(sheet) == [r.id for r in chosen]
    assert "Judging rule" in sheet and "`health-tech`" in sheet  # catalogue listed
    by_id = {r.id: r for r in chosen}
    for record_id, topic, answer in rows:
        record = by_id[record_id]
        assert topic in [m.topic for m in classifier.classify(record.title, record.text)]
        assert answer == ""
    assert "(none)" in sheet  # an untagged article is on the sheet, with no rows


def test_scoring_counts_precision_and_articles_with_a_correct_topic() -> None:
    rows = [
        {"id": "a", "topic": "phones", "correct": "yes"},
        {"id": "a", "topic": "gadgets", "correct": "no"},
        {"id": "b", "topic": "space", "correct": "yes"},
        {"id": "c", "topic": "science", "correct": "no"},
        {"id": "c", "topic": "MISSING", "correct": "health-tech"},
    ]
    score = score_answers(rows, ["a", "b", "c", "d"])  # d had no tag at all
    assert (score.tags, score.correct_tags, score.articles, score.covered) == (4, 2, 4, 2)
    assert score.precision == 0.5 and score.covered_share == 0.5
    assert score.missing == {"health-tech": 1}
    assert "NOT MET" in score.report()
    with pytest.raises(ValueError, match="yes or no"):
        score_answers([{"id": "a", "topic": "x", "correct": "maybe"}], ["a"])


def test_build_and_score_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "dev.jsonl"
    import json

    source.write_text(
        "".join(
            json.dumps(
                {
                    "id": r.id,
                    "label": "technology" if r.is_tech else "sport",
                    "title": r.title,
                    "text": r.text,
                },
                ensure_ascii=False,
            )
            + "\n"
            for r in corpus(150)
        ),
        encoding="utf-8",
    )
    sheet, answers = tmp_path / "s.md", tmp_path / "s.csv"
    assert (
        main(["build", "--corpus", str(source), "--out", str(sheet), "--answers", str(answers)])
        == 0
    )
    with answers.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and list(rows[0]) == ["id", "topic", "correct"]
    for row in rows:
        row["correct"] = "yes"
    with answers.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["id", "topic", "correct"])
        writer.writeheader()
        writer.writerows(rows)
    assert main(["score", str(answers)]) == 0
    out = capsys.readouterr().out
    assert "tag precision 1.000" in out


def test_build_skips_the_articles_of_an_earlier_sheet(
    tmp_path: Path, classifier: LexiconClassifier
) -> None:
    records = corpus(300)
    first = [r.id for r in sheet_articles(records)]
    second = sheet_articles(records, skip=frozenset(first))
    assert len(second) == 60 and not {r.id for r in second} & set(first)
    assert all(r.is_tech and is_judge(r.id) for r in second)
    source = tmp_path / "dev.jsonl"
    import json

    source.write_text(
        "".join(
            json.dumps(
                {
                    "id": r.id,
                    "label": "technology" if r.is_tech else "sport",
                    "title": r.title,
                    "text": r.text,
                },
                ensure_ascii=False,
            )
            + "\n"
            for r in records
        ),
        encoding="utf-8",
    )
    ids = tmp_path / "first.ids.txt"
    ids.write_text("\n".join(first) + "\n", encoding="utf-8")
    sheet, answers = tmp_path / "b.md", tmp_path / "b.csv"
    argv = ["build", "--corpus", str(source), "--out", str(sheet), "--answers", str(answers)]
    assert main([*argv, "--skip-ids", str(ids)]) == 0
    built = sheet_ids(sheet.read_text(encoding="utf-8"))
    assert built == [r.id for r in second]


def test_a_tune_half_sheet_for_reading_while_tuning(
    tmp_path: Path, classifier: LexiconClassifier
) -> None:
    records = corpus(300)
    tune = sheet_articles(records, half="tune")
    assert len(tune) == 60 and all(r.is_tech and not is_judge(r.id) for r in tune)
    later = sheet_articles(records, half="tune", start=50, size=20)
    assert [r.id for r in later[:10]] == [r.id for r in tune[50:]]
    with pytest.raises(ValueError, match="half"):
        sheet_articles(records, half="both")
    sheet, _ = build_sheet(records, classifier, half="tune", start=50)
    assert "tune half" in sheet and "### 51. id:" in sheet
    assert sheet_ids(sheet) == [r.id for r in sheet_articles(records, half="tune", start=50)]


def test_known_verdicts_rescore_the_current_tags() -> None:
    # A verdict on (article, topic) applies to the same tag given by newer code; a tag nobody
    # judged is new; an article is covered by a tag judged yes or listed by the judge.
    from digest.eval.topic_sheet import Verdicts, known_report, rescore

    rows = [
        {"id": "a", "topic": "ai", "correct": "yes"},
        {"id": "a", "topic": "phones", "correct": "no"},
        {"id": "b", "topic": "science", "correct": "no"},
        {"id": "b", "topic": "MISSING", "correct": "health-tech"},
        {"id": "c", "topic": "space", "correct": "no"},
    ]
    verdicts = Verdicts.from_rows("s", rows, ["a", "b", "c", "d"])
    before = {"a": ["ai", "phones"], "b": ["science"], "c": ["space"], "d": []}
    after = {"a": ["ai"], "b": ["health-tech"], "c": ["gaming"], "d": ["ev"]}
    old, new = rescore(verdicts, before), rescore(verdicts, after)
    assert (old.right, old.wrong, old.new, old.covered, old.articles) == (1, 3, 0, 1, 4)
    assert (new.right, new.wrong, new.new, new.covered) == (1, 0, 3, 2)
    assert old.precision == 0.25 and new.precision == 1.0
    table = known_report([("validation", verdicts)], after, {"c": "a title"})
    assert "(validation)" in table and "(all blind)" in table
    assert "c [gaming] gaming=new UNCOVERED | a title" in table
    with pytest.raises(ValueError):
        Verdicts.from_rows("s", [{"id": "a", "topic": "ai", "correct": "maybe"}], ["a"])


def test_known_verdicts_of_the_kept_blind_sheets_load() -> None:
    from digest.eval.topic_sheet import BLIND_SHEETS, Verdicts

    judged = Path(__file__).parent / "fixtures" / "judged"
    # every blind topic sheet kept (the tuners' readings are named "tune") is known
    kept = {p.name.removesuffix(".ids.txt") for p in judged.glob("topics-*.ids.txt")}
    assert {name for _, name in BLIND_SHEETS} == {n for n in kept if "tune" not in n}
    assert {group for group, _ in BLIND_SHEETS} == {"dev", "pool"}
    for _, name in BLIND_SHEETS:
        verdicts = Verdicts.load(judged, name)
        assert len(verdicts.ids) == (48 if name == "topics-48f" else 60) and verdicts.judged
        assert {record_id for record_id, _ in verdicts.judged} <= set(verdicts.ids)
