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


@pytest.mark.parametrize(
    "sheet",
    [
        "topics-60",
        "topics-60b",
        "topics-60c",
        "topics-60d",
        "topics-60e",
        "topics-60e-second",
        "topics-pool-blind-600",
        "topics-pool-blind-660",
        "topics-48f",
        "topics-pool-judge-60",
        "topics-pool-judge-120",
        "topics-pool-judge-120-second",
        "topics-pool-judge-180",
        "topics-pool-judge-180-second",
        "topics-pool-judge-240",
        "topics-pool-judge-240-second",
        "topics-pool-judge-300",
        "topics-pool-judge-300-second",
        "topics-pool-judge-360",
        "topics-pool-judge-360-second",
        "topics-pool-judge-420",
        "topics-pool-judge-420-second",
        "topics-pool-judge-480",
        "topics-pool-judge-480-second",
        "topics-pool-judge-540",
        "topics-pool-judge-540-second",
        "topics-pool-judge-600",
        "topics-pool-judge-600-second",
    ],
)
def test_topic_sheet_every_tag_judged_on_the_sheets_articles(sheet: str) -> None:
    # topics-48f: the last 48 judge-half dev technology articles (dev's judge half is used up).
    size = 48 if sheet == "topics-48f" else 60
    ids = (JUDGED / f"{sheet}.ids.txt").read_text(encoding="utf-8").split()
    answers = rows(f"{sheet}.csv")
    assert len(ids) == len(set(ids)) == size
    assert {r["id"] for r in answers} <= set(ids)
    given = [r for r in answers if r["topic"] != "MISSING"]
    assert given and all(r["correct"] in ("yes", "no") for r in given)
    score = score_answers(answers, ids)
    assert score.articles == size and score.tags == len(given)


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
        "bullets-40h",
        "bullets-40i",
        "bullets-40j",
        "bullets-40k",
        "bullets-40l",
        "bullets-40m",
        "bullets-40n",
        "bullets-40o",
        "bullets-40p",
        "bullets-40q",
        "bullets-40r",
        "bullets-40s",
        "bullets-40t",
        "bullets-40u",
        "bullets-40v",
        "bullets-40w",
        "bullets-11x",
    ],
)
def test_bullet_sheet_answers_match_its_key(sheet: str) -> None:
    # Every sheet holds only judge-half articles (the split by a hash of the id that the
    # tuners never read), 40i onwards from the pool outside dev by the same hash.
    from digest.eval.bullets import is_judge

    # bullets-40w and 11x: from 40w on, the judge-half technology desk of the pool was used
    # up (17 left), so these add other desks' articles the technology filter passes
    # (`eval bullets --tech-filter`): 11x is what was left after 40w.
    size = 11 if sheet == "bullets-11x" else 40
    answers, key = rows(f"{sheet}.csv"), rows(f"{sheet}.key.csv")
    assert [r["id"] for r in answers] == [r["id"] for r in key] and len(key) == size
    assert all(is_judge(r["id"]) for r in key)
    assert all(r["preferred"] in ("A", "B", "tie") for r in answers)
    assert all({r["A"], r["B"]} == {"ours", "lead3"} for r in key)


@pytest.mark.parametrize(
    ("sheet", "tags"),
    [
        ("topics-60e", 63),
        ("topics-pool-judge-120", 66),
        ("topics-pool-judge-180", 69),
        ("topics-pool-judge-240", 64),
        ("topics-pool-judge-300", 64),
        ("topics-pool-judge-360", 66),
        ("topics-pool-judge-420", 63),
        ("topics-pool-judge-480", 62),
        ("topics-pool-judge-540", 61),
        ("topics-pool-judge-600", 63),
    ],
)
def test_two_blind_readings_of_one_topic_sheet_judge_the_same_tags(sheet: str, tags: int) -> None:
    # Read by two judges independently: the same given tags, each judged.
    first, second = rows(f"{sheet}.csv"), rows(f"{sheet}-second.csv")
    given = [{(r["id"], r["topic"]) for r in s if r["topic"] != "MISSING"} for s in (first, second)]
    assert given[0] == given[1] and len(given[0]) == tags


@pytest.mark.parametrize("sheet", ["filter-audit", "filter-audit-2", "filter-audit-2-second"])
def test_filter_audit_answers_cover_the_sheet(sheet: str) -> None:
    answers = rows(f"{sheet}.csv")
    assert [r["id"] for r in answers] == [str(n) for n in range(1, 61)]
    assert all(r["tech"] in ("yes", "no", "unsure") for r in answers)


@pytest.mark.parametrize(
    ("sheet", "size"),
    [("topics-tune-216", 216)] + [(f"topics-pool-tune-{end}", 60) for end in range(60, 541, 60)],
)
def test_tuners_readings_hold_only_tune_half_articles_and_every_tag(sheet: str, size: int) -> None:
    # The tuners' own readings (not blind): the dev TUNE half (topics-tune-216) and ANT pool
    # technology articles outside dev, TUNE half by the same hash (topics-pool-tune-*). They
    # must never hold a judge-half article, and every tag on them has a verdict.
    from digest.eval.topic_sheet import is_judge

    ids = (JUDGED / f"{sheet}.ids.txt").read_text(encoding="utf-8").split()
    answers = rows(f"{sheet}.csv")
    assert len(ids) == len(set(ids)) == size
    assert not any(is_judge(record_id) for record_id in ids)
    assert {r["id"] for r in answers} <= set(ids)
    given = [r for r in answers if r["topic"] != "MISSING"]
    assert given and all(r["correct"] in ("yes", "no") for r in given)
    assert score_answers(answers, ids).articles == size


@pytest.mark.parametrize("sheet", ["topics-pool-blind-600", "topics-pool-blind-660"])
def test_validation_sheets_hold_pool_tune_half_articles_read_by_no_tuner(sheet: str) -> None:
    # Pool TUNE-half articles 541-660 of the tune order, judged blind on the topics5 code;
    # no tuner's reading (topics-pool-tune-*) holds any of them.
    from digest.eval.topic_sheet import is_judge

    ids = set((JUDGED / f"{sheet}.ids.txt").read_text(encoding="utf-8").split())
    assert not any(is_judge(record_id) for record_id in ids)
    for end in range(60, 541, 60):
        read = (JUDGED / f"topics-pool-tune-{end}.ids.txt").read_text(encoding="utf-8").split()
        assert not ids & set(read)
