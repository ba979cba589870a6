"""Scoring the clusterer on judged same-event pairs: collecting the answer files, the
judges' agreement, which pairs count, and recall/precision over a real stream."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.bootstrap import build_clusterer
from digest.eval.story_pair_scores import (
    JudgedPair,
    bot_clusterer,
    collect,
    judge,
    read_labels,
    score,
    stream_stories,
)
from digest.eval.story_pairs import Article
from tests.test_cluster import OTHER_AI_STORY, OTHER_OUTLET_TEXT, OTHER_OUTLET_TITLE, SEED

T0 = datetime(2018, 3, 1, 9, tzinfo=UTC)


def answers(folder: Path, sheet: str, rows: list[tuple[str, str, str]]) -> None:
    with (folder / f"pairs-{sheet}.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(("pair_id", "label", "note"))
        writer.writerows(rows)


def candidate(pid: str, split: str = "report", bucket: str = "c3/title") -> dict[str, str]:
    return {"pair_id": pid, "id_a": pid + "a", "id_b": pid + "b", "split": split, "bucket": bucket}


def test_collect_then_judge_keeps_only_agreed_sure_labels(tmp_path: Path) -> None:
    answers(
        tmp_path,
        "01",
        [("p1", "same", "both: a launch"), ("p2", "Different", ""), ("p3", "same", "")],
    )
    answers(
        tmp_path,
        "02",
        [("p3", "different", "A, B: two matches"), ("p4", "unsure", ""), ("p2", "different", "")],
    )
    out = tmp_path / "labels.csv"
    assert collect(tmp_path, out) == 6
    labels = read_labels(out)
    assert labels == {
        "p1": ["same"],
        "p2": ["different", "different"],
        "p3": ["same", "different"],
        "p4": ["unsure"],
    }
    judging = judge([candidate(p) for p in ("p1", "p2", "p3", "p4", "p5")], labels)
    assert [(p.pair_id, p.same) for p in judging.pairs] == [("p1", True), ("p2", False)]
    assert (judging.unsure, judging.disagreed) == (1, 1)
    assert (judging.doubles, judging.doubles_agreed) == (2, 1)
    # one agreement (different/different), one disagreement (same/different): kappa 0
    assert judging.kappa == pytest.approx(0.0)
    assert "A, B: two matches" in out.read_text(encoding="utf-8")  # the note survives quoting


def test_collect_refuses_a_blank_or_unknown_label(tmp_path: Path) -> None:
    answers(tmp_path, "01", [("p1", "", "")])
    with pytest.raises(ValueError, match="pair p1: label ''"):
        collect(tmp_path, tmp_path / "labels.csv")


def test_scores_over_the_bots_clusterer_in_publication_order() -> None:
    title, body = SEED.read_text(encoding="utf-8").split("\n", 1)
    articles = [
        Article(
            "b", "BBC", "technology", T0 + timedelta(hours=3), OTHER_OUTLET_TITLE, OTHER_OUTLET_TEXT
        ),
        Article("a", "CNN", "technology", T0, title, body),
        Article("c", "SkyNews", "technology", T0 + timedelta(hours=1), *OTHER_AI_STORY),
    ]
    story = stream_stories(articles)
    assert story == {"a": "a", "b": "a", "c": "c"}  # b joins a although it is listed first
    pairs = [
        JudgedPair("p1", "a", "b", "report", "c4/title", True),
        JudgedPair("p2", "a", "c", "report", "hard/technology", False),
        JudgedPair("p3", "b", "c", "report", "c2/other", True),  # a judged-same pair missed
    ]
    s = score(pairs, lambda p: story[p.id_a] == story[p.id_b])
    assert (s.same, s.joined_same, s.different, s.joined_different) == (2, 1, 1, 0)
    assert (s.hard, s.hard_joined) == (1, 0)
    assert s.recall == 0.5 and s.precision == 1.0


def test_the_eval_uses_the_clusterer_the_bot_builds() -> None:
    ours, bots = bot_clusterer(), build_clusterer()
    assert type(ours) is type(bots)
    assert (ours.window, ours.max_items) == (bots.window, bots.max_items)
    assert (ours.signals is None) == (bots.signals is None)
    if ours.signals is not None and bots.signals is not None:
        assert ours.signals.model == bots.signals.model
    assert ours.follow_up == bots.follow_up and bots.follow_up is not None


def test_the_committed_labels_cover_every_candidate_from_each_of_its_sheets() -> None:
    from digest.eval.story_pair_scores import LABELS
    from digest.eval.story_pairs import DEFAULT_OUT, read_candidates

    candidates = read_candidates(DEFAULT_OUT)
    with LABELS.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(line for line in f if not line.startswith("#")))
    given = {(r["pair_id"], r["sheet"]) for r in rows}
    expected = {(c["pair_id"], sheet) for c in candidates for sheet in c["sheets"].split(";")}
    assert given == expected and len(rows) == len(given)
    assert {r["label"] for r in rows} <= {"same", "different", "unsure"}
    judging = judge(candidates, read_labels(LABELS))
    # both kinds are well represented in both halves
    for split in ("tune", "report"):
        part = [p for p in judging.pairs if p.split == split]
        assert sum(p.same for p in part) >= 100 and sum(not p.same for p in part) >= 100


def test_collect_fresh_reads_only_the_done_files_and_keeps_the_sheet(tmp_path: Path) -> None:
    # The fresh sheets dir holds the blank pairs-NN.csv next to the judges' .done.csv:
    # only the filled ones count, and the sheet is "01", not "01.done".
    answers(tmp_path, "01", [("p1", "", "")])  # blank sheet: collect would refuse it
    answers(tmp_path, "01.done", [("p1", "same", "both: a launch")])
    answers(tmp_path, "02.done", [("p2", "different", "")])
    out = tmp_path / "fresh_labels.csv"
    assert collect(tmp_path, out, "pairs-*.done.csv") == 2
    rows = list(csv.DictReader(ln for ln in out.open(encoding="utf-8") if ln[0] != "#"))
    assert [(r["pair_id"], r["sheet"], r["label"]) for r in rows] == [
        ("p1", "01", "same"),
        ("p2", "02", "different"),
    ]


def _pool_and_sets(tmp_path: Path) -> dict[str, Path]:
    """A tiny pool, a tune set of one same-event pair (two outlets' DeepSeek reports, joined)
    and a fresh report set of one pair labelled same that the clusterer does not join,
    written as the eval reads them."""
    import json

    title, body = SEED.read_text(encoding="utf-8").split("\n", 1)
    docs = [  # each set is its own stream: the fresh pair never meets the tune articles
        ("t1", "CNN", T0, title, body),
        ("t2", "BBC", T0 + timedelta(hours=3), OTHER_OUTLET_TITLE, OTHER_OUTLET_TEXT),
        ("f1", "CNN", T0, title, body),
        ("f2", "BBC", T0 + timedelta(hours=2), *OTHER_AI_STORY),
    ]
    pool = tmp_path / "pool.jsonl"
    pool.write_text(
        "\n".join(
            json.dumps(
                {
                    "id": i,
                    "source": src,
                    "label": "technology",
                    "published": when.isoformat(),
                    "title": title,
                    "text": text,
                }
            )
            for i, src, when, title, text in docs
        ),
        encoding="utf-8",
    )
    paths = {"pool": pool}
    for name, (a, b, label) in {
        "tune": ("t1", "t2", "same"),
        "fresh": ("f1", "f2", "same"),
    }.items():
        cands, labels = tmp_path / f"{name}_c.csv", tmp_path / f"{name}_l.csv"
        cands.write_text(
            "pair_id,id_a,id_b,bucket,split\n"
            f"{name}-p,{a},{b},c3/title,{'report' if name == 'fresh' else 'tune'}\n",
            encoding="utf-8",
        )
        labels.write_text(f"pair_id,sheet,label,note\n{name}-p,01,{label},\n", encoding="utf-8")
        paths[name + "_c"], paths[name + "_l"] = cands, labels
    return paths


def test_the_eval_tunes_on_five_samples_and_reports_on_fresh5_once_labelled(
    tmp_path: Path,
) -> None:
    from digest.eval.story_pair_scores import (
        FRESH4_LABELS,
        REPORT_CANDIDATES,
        REPORT_LABELS,
        run_story_pair_eval,
    )

    # fresh4 was scored once and looked at: it is tune data now; fresh5 is the report set.
    assert REPORT_CANDIDATES.name == "story_pairs_fresh5_candidates.csv"
    assert REPORT_LABELS.name == "story_pairs_fresh5_labels.csv"
    assert FRESH4_LABELS.name == "story_pairs_fresh4_labels.csv"
    p = _pool_and_sets(tmp_path)
    kwargs = {
        "fresh_candidates": p["tune_c"],
        "fresh_labels": p["tune_l"],
        "fresh2_candidates": p["tune_c"],
        "fresh2_labels": p["tune_l"],
        "fresh3_candidates": p["tune_c"],
        "fresh3_labels": p["tune_l"],
        "fresh4_candidates": p["tune_c"],
        "fresh4_labels": p["tune_l"],
    }
    text = run_story_pair_eval(
        p["pool"],
        p["tune_c"],
        p["tune_l"],
        report_candidates=p["fresh_c"],
        report_labels=p["fresh_l"],
        **kwargs,
    )
    joined = " ".join(ln.strip() for ln in text.splitlines())
    # tune: the rewrite pair is joined (in all five tune streams); report: the two
    # unrelated stories are not
    assert "tune (first sample): recall 1.00 (1/1 same-event pairs joined)" in joined
    assert "tune (fresh4 sample): recall 1.00 (1/1 same-event pairs joined)" in joined
    assert "tune, all samples: recall 1.00 (5/5 same-event pairs joined)" in joined
    assert "report (fresh5): recall 0.00 (0/1 same-event pairs joined)" in joined
    missing = tmp_path / "none.csv"
    text = run_story_pair_eval(
        p["pool"],
        p["tune_c"],
        p["tune_l"],
        report_candidates=p["fresh_c"],
        report_labels=missing,
        **kwargs,
    )
    assert "fresh5 set's labels are not in yet" in text
    assert "report (fresh5): recall" not in text and "tune (fresh4 sample): recall" in text
    # candidates without labels (or labels without candidates): skipped quietly as well
    text = run_story_pair_eval(
        p["pool"],
        p["tune_c"],
        p["tune_l"],
        report_candidates=missing,
        report_labels=p["fresh_l"],
        **kwargs,
    )
    assert "report (fresh5): recall" not in text and "tune, all samples" in text


def test_the_committed_tune_samples_include_fresh4_and_the_report_set_is_fresh5() -> None:
    from digest.eval.story_model import tune_sets
    from digest.eval.story_pair_scores import (
        FRESH4_CANDIDATES,
        FRESH4_LABELS,
        REPORT_CANDIDATES,
        judge,
        read_labels,
    )
    from digest.eval.story_pairs import read_candidates

    fresh4 = judge(read_candidates(FRESH4_CANDIDATES), read_labels(FRESH4_LABELS)).pairs
    sets = tune_sets()
    assert len(sets) == 5 and sets[-1] == fresh4 and len(fresh4) >= 230
    assert sum(len(pairs) for pairs in sets) >= 1380
    assert "fresh5" in REPORT_CANDIDATES.name


def test_the_committed_fresh_labels_cover_every_fresh_candidate_from_its_sheet() -> None:
    from digest.eval.story_pair_scores import FRESH_CANDIDATES, FRESH_LABELS
    from digest.eval.story_pairs import read_candidates

    candidates = read_candidates(FRESH_CANDIDATES)
    with FRESH_LABELS.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(line for line in f if not line.startswith("#")))
    given = {(r["pair_id"], r["sheet"]) for r in rows}
    assert given == {(c["pair_id"], c["sheets"]) for c in candidates} and len(rows) == len(given)
    assert {r["label"] for r in rows} <= {"same", "different", "unsure"}
    judging = judge(candidates, read_labels(FRESH_LABELS))
    assert {p.split for p in judging.pairs} == {"report"}
    assert sum(p.same for p in judging.pairs) >= 60 and sum(not p.same for p in judging.pairs) >= 60
