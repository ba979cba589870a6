"""The blind-judged sheets kept in the repository (ids, answers and keys; never article
text) are complete and consistent, and their scorers read them."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from digest.eval.topic_sheet import score_answers

JUDGED = Path(__file__).parent / "fixtures" / "judged"


def rows(name: str) -> list[dict[str, str]]:
    with (JUDGED / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("sheet", ["topics-60", "topics-60b", "topics-60c", "topics-60d"])
def test_topic_sheet_every_tag_judged_on_the_sheets_articles(sheet: str) -> None:
    ids = (JUDGED / f"{sheet}.ids.txt").read_text(encoding="utf-8").split()
    answers = rows(f"{sheet}.csv")
    assert len(ids) == len(set(ids)) == 60
    assert {r["id"] for r in answers} <= set(ids)
    given = [r for r in answers if r["topic"] != "MISSING"]
    assert given and all(r["correct"] in ("yes", "no") for r in given)
    score = score_answers(answers, ids)
    assert score.articles == 60 and score.tags == len(given)


@pytest.mark.parametrize(
    "sheet",
    [
        "bullets-40",
        "bullets-40b",
        "bullets-40c",
        "bullets-40d",
        "bullets-40e",
        "bullets-40f",
        "bullets-40g",
    ],
)
def test_bullet_sheet_answers_match_its_key(sheet: str) -> None:
    answers, key = rows(f"{sheet}.csv"), rows(f"{sheet}.key.csv")
    assert [r["id"] for r in answers] == [r["id"] for r in key] and len(key) == 40
    assert all(r["preferred"] in ("A", "B", "tie") for r in answers)
    assert all({r["A"], r["B"]} == {"ours", "lead3"} for r in key)


def test_tune_reading_covers_only_tune_half_articles_and_every_tag() -> None:
    # The tuner's own reading of the TUNE half (not blind): it must never hold a judge-half
    # article, and every tag on it has a verdict.
    from digest.eval.topic_sheet import is_judge

    ids = (JUDGED / "topics-tune-216.ids.txt").read_text(encoding="utf-8").split()
    answers = rows("topics-tune-216.csv")
    assert len(ids) == len(set(ids)) == 216
    assert not any(is_judge(record_id) for record_id in ids)
    assert {r["id"] for r in answers} <= set(ids)
    given = [r for r in answers if r["topic"] != "MISSING"]
    assert given and all(r["correct"] in ("yes", "no") for r in given)
    assert score_answers(answers, ids).articles == 216


def test_filter_audit_answers_cover_the_sheet() -> None:
    answers = rows("filter-audit.csv")
    assert [r["id"] for r in answers] == [str(n) for n in range(1, 61)]
    assert all(r["tech"] in ("yes", "no", "unsure") for r in answers)


@pytest.mark.parametrize(
    "sheet",
    [f"topics-pool-tune-{end}" for end in (60, 120, 180, 240, 300)],
)
def test_pool_tune_readings_hold_only_tune_half_articles_outside_dev(sheet: str) -> None:
    # The fourth tuner's strict readings of ANT pool technology articles that are not in dev,
    # TUNE half by the same hash (not blind): never a judge-half article, every tag judged.
    from digest.eval.topic_sheet import is_judge

    ids = (JUDGED / f"{sheet}.ids.txt").read_text(encoding="utf-8").split()
    answers = rows(f"{sheet}.csv")
    assert len(ids) == len(set(ids)) == 60
    assert not any(is_judge(record_id) for record_id in ids)
    assert {r["id"] for r in answers} <= set(ids)
    given = [r for r in answers if r["topic"] != "MISSING"]
    assert given and all(r["correct"] in ("yes", "no") for r in given)
    assert score_answers(answers, ids).articles == 60
