"""The same-event candidate pairs (digest/eval/story_pairs.py): the committed set keeps its
constraints, and the sampler is deterministic and never breaks them."""

from __future__ import annotations

import json
import random
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from digest.eval.story_pairs import (
    BANDS,
    CSV_FIELDS,
    DEFAULT_OUT,
    DEFAULT_POOL,
    HARD_QUOTA,
    Article,
    assign_sheets,
    cross_outlet_pairs,
    main,
    pair_id,
    read_candidates,
    sample,
    scaled,
    split_of,
    write_sheets,
)

LETTERS = "بتثجحخدذرزسشصضطظعغفقكمنهي"


def _words(count: int, seed: int) -> list[str]:
    """Made-up 4-letter Arabic words: a vocabulary where unrelated articles share little."""
    rng = random.Random(seed)
    return sorted({"".join(rng.choices(LETTERS, k=4)) for _ in range(count)})


WORDS = _words(400, 3)


def _articles(count: int = 80, seed: int = 7) -> list[Article]:
    """Synthetic articles over 6 days from 3 outlets; some stories are retold by a second
    outlet (shared words), so every similarity band has something in it."""
    rng = random.Random(seed)
    start = datetime(2018, 5, 1, tzinfo=UTC)
    out = []
    for n in range(count):
        title_words, body = rng.sample(WORDS, 8), rng.choices(WORDS, k=60)
        if n and rng.random() < 0.5:  # a retelling of an earlier article, partly reworded
            told = out[rng.randrange(len(out))]
            keep = rng.randint(2, 7)  # how much of it: spreads the similarity
            title_words = told.title.split()[:keep] + title_words[keep:]
            body = told.text.split()[9 : 9 + keep * 8] + body[keep * 8 :]
        title = " ".join(title_words)
        out.append(
            Article(
                f"A{n:03d}",
                ("SkyNews", "BBC", "CNN")[n % 3],
                ("technology", "sport")[n % 2],
                start + timedelta(hours=rng.uniform(0, 144)),
                title,
                title + ". " + " ".join(body),
            )
        )
    return sorted(out, key=lambda a: (a.published, a.id))


def _small_sample(articles: list[Article]) -> list[tuple[str, str, str, str]]:
    bands = (("c0", 0.15, 0.3, 6), ("c1", 0.3, 0.5, 6), ("c2", 0.5, 1.01, 6))
    candidates = sample(articles, bands, {"technology": 3, "sport": 3})
    return [(c.pair_id, c.id_a, c.id_b, c.bucket) for c in candidates]


def test_sampler_keeps_the_constraints_and_is_deterministic() -> None:
    articles = _articles()
    by_id = {a.id: a for a in articles}
    first = _small_sample(articles)
    assert first == _small_sample(list(articles))  # same input, same pairs
    assert 10 <= len(first) <= 24
    assert len({frozenset((a, b)) for _, a, b, _ in first}) == len(first)  # no duplicates
    for pid, id_a, id_b, _ in first:
        a, b = by_id[id_a], by_id[id_b]
        assert a.source != b.source
        assert timedelta(0) <= b.published - a.published <= timedelta(hours=48)
        assert pid == pair_id(id_b, id_a)
    assert {bucket.split("/")[0] for *_, bucket in first} >= {"c0", "c1", "c2"}


def test_cross_outlet_pairs_are_exactly_the_pairs_within_48_hours() -> None:
    articles = _articles(40)
    brute = {
        (i, j)
        for i in range(len(articles))
        for j in range(i + 1, len(articles))
        if articles[i].source != articles[j].source
        and articles[j].published - articles[i].published <= timedelta(hours=48)
    }
    assert set(cross_outlet_pairs(articles)) == brute
    assert brute  # the fixture has such pairs


def test_split_is_a_hash_of_the_pair_id_about_half_each() -> None:
    ids = [pair_id(f"x{n}", f"y{n}") for n in range(2000)]
    counts = Counter(split_of(pid) for pid in ids)
    assert set(counts) == {"tune", "report"}
    assert 900 <= counts["tune"] <= 1100
    assert all(split_of(pid) == split_of(pid) for pid in ids[:10])


def test_committed_candidates_keep_the_constraints() -> None:
    rows = read_candidates(DEFAULT_OUT)
    assert tuple(rows[0]) == CSV_FIELDS  # ids and figures only, no corpus text
    assert 450 <= len(rows) <= 550
    assert len({frozenset((r["id_a"], r["id_b"])) for r in rows}) == len(rows)
    for r in rows:
        assert r["source_a"] != r["source_b"]
        assert r["id_a"][:2] != r["id_b"][:2]  # the ANT id starts with the outlet
        assert 0.0 <= float(r["hours"]) <= 48.0
        assert r["pair_id"] == pair_id(r["id_a"], r["id_b"])
        assert r["split"] == split_of(r["pair_id"])
        if r["bucket"].startswith("hard/"):
            assert r["label_a"] == r["label_b"] == r["bucket"].removeprefix("hard/")
    splits = Counter(r["split"] for r in rows)
    assert abs(splits["tune"] - splits["report"]) <= len(rows) // 10
    twice = [r for r in rows if ";" in r["sheets"]]
    assert 35 <= len(twice) <= 45
    assert all(len(set(r["sheets"].split(";"))) == 2 for r in twice)
    sheets = Counter(n for r in rows for n in r["sheets"].split(";"))
    assert max(sheets.values()) - min(sheets.values()) <= 1


def test_sheets_are_even_and_doubles_go_to_another_sheet() -> None:
    articles = _articles()
    candidates = sample(articles, (("c0", 0.15, 0.5, 12), ("c1", 0.5, 1.01, 12)), {"technology": 3})
    where = assign_sheets(candidates, sheets=3, double=5)
    assert sum(len(ns) == 2 for ns in where.values()) == 5
    assert all(len(set(ns)) == len(ns) for ns in where.values())
    sizes = Counter(n for ns in where.values() for n in ns)
    assert max(sizes.values()) - min(sizes.values()) <= 1


@pytest.mark.skipif(not DEFAULT_POOL.exists(), reason="needs ../shared/corpora/ant/pool.jsonl")
def test_committed_candidates_match_the_pool() -> None:
    rows = read_candidates(DEFAULT_OUT)
    wanted = {r["id_a"] for r in rows} | {r["id_b"] for r in rows}
    found: dict[str, dict[str, str]] = {}
    with Path(DEFAULT_POOL).open(encoding="utf-8") as lines:
        for line in lines:
            if line.split('"', 4)[3] in wanted:  # each line starts with {"id": "...
                row = json.loads(line)
                found[row["id"]] = row
    assert set(found) == wanted
    for r in rows:
        a, b = found[r["id_a"]], found[r["id_b"]]
        assert (a["source"], b["source"]) == (r["source_a"], r["source_b"])
        hours = (
            datetime.fromisoformat(b["published"]) - datetime.fromisoformat(a["published"])
        ) / timedelta(hours=1)
        assert abs(hours - float(r["hours"])) < 0.01
        assert 0 <= hours <= 48


def test_sheets_show_texts_but_no_bucket_or_similarity(tmp_path: Path) -> None:
    articles = _articles()
    candidates = sample(articles, (("c0", 0.15, 0.5, 12), ("c1", 0.5, 1.01, 12)), {"technology": 3})
    where = assign_sheets(candidates, sheets=3, double=5)
    sizes = write_sheets(tmp_path, candidates, where, {a.id: a for a in articles}, "RULE")
    assert sum(sizes.values()) == len(candidates) + 5
    for n, size in sizes.items():
        sheet = (tmp_path / f"pairs-{n:02d}.md").read_text(encoding="utf-8")
        answers = read_candidates(tmp_path / f"pairs-{n:02d}.csv")
        assert len(answers) == size
        assert all(row["label"] == row["note"] == "" for row in answers)
        assert all(row["pair_id"] in sheet for row in answers)
        assert "RULE" in sheet
        assert not any(c.bucket in sheet or f"{c.cos}" in sheet for c in candidates)
        shown = {c.id_a for c in candidates if n in where[c.pair_id]}
        assert all(next(a for a in articles if a.id == i).title in sheet for i in shown)
    double = read_candidates(tmp_path / "double_labelled.csv")
    assert {row["pair_id"] for row in double} == {p for p, ns in where.items() if len(ns) == 2}


FRESH = DEFAULT_OUT.with_name("story_pairs_fresh_candidates.csv")


def test_a_salted_draw_with_exclusions_shares_no_pair_and_no_article() -> None:
    articles = _articles(120)
    bands = (("c0", 0.15, 0.3, 6), ("c1", 0.3, 0.5, 6), ("c2", 0.5, 1.01, 6))
    first = sample(articles, bands, {"technology": 3, "sport": 3})
    used = frozenset(i for c in first for i in (c.id_a, c.id_b))
    fresh = sample(
        articles,
        bands,
        {"technology": 3, "sport": 3},
        salt="fresh1",
        exclude_articles=used,
        exclude_pairs=frozenset(c.pair_id for c in first),
        split="report",
    )
    assert fresh  # the pool still has pairs to give
    assert not {c.pair_id for c in fresh} & {c.pair_id for c in first}
    assert not {i for c in fresh for i in (c.id_a, c.id_b)} & used
    assert {c.split for c in fresh} == {"report"}
    # the salt alone changes the draw (same pool, no exclusions)
    salted = sample(articles, bands, {"technology": 3, "sport": 3}, salt="fresh1")
    assert {c.pair_id for c in salted} != {c.pair_id for c in first}


def test_scaled_quotas_keep_the_proportions() -> None:
    bands, quota = scaled(180)
    assert 170 <= sum(b[3] for b in bands) + sum(quota.values()) <= 190
    full = sum(b[3] for b in BANDS) + sum(HARD_QUOTA.values())
    for (name, _, _, count), original in zip(bands, BANDS, strict=True):
        assert name == original[0]
        assert abs(count - original[3] * 180 / full) <= 0.5
    assert quota["technology"] > quota["culture"] >= 1


def test_committed_fresh_candidates_are_disjoint_from_the_first_sample() -> None:
    old, fresh = read_candidates(DEFAULT_OUT), read_candidates(FRESH)
    assert tuple(fresh[0]) == CSV_FIELDS
    assert 170 <= len(fresh) <= 190
    assert not {r["pair_id"] for r in old} & {r["pair_id"] for r in fresh}
    old_ids = {i for r in old for i in (r["id_a"], r["id_b"])}
    assert not {i for r in fresh for i in (r["id_a"], r["id_b"])} & old_ids
    for r in fresh:
        assert r["source_a"] != r["source_b"]
        assert 0.0 <= float(r["hours"]) <= 48.0
        assert r["pair_id"] == pair_id(r["id_a"], r["id_b"])
        assert r["split"] == "report"
        assert r["sheets"] in ("01", "02")
    assert Counter(r["sheets"] for r in fresh) == {"01": 90, "02": 90}
    assert {r["bucket"].split("/")[0] for r in fresh} >= {"c0", "c3", "c6", "hard"}


def test_the_cli_draws_a_fresh_set_and_its_two_sheets(tmp_path: Path) -> None:
    articles = _articles(120)
    pool = tmp_path / "pool.jsonl"
    pool.write_text(
        "\n".join(
            json.dumps(
                {
                    "id": a.id,
                    "source": a.source,
                    "label": a.label,
                    "published": a.published.isoformat(),
                    "title": a.title,
                    "text": a.text,
                }
            )
            for a in articles
        ),
        encoding="utf-8",
    )
    first, fresh = tmp_path / "first.csv", tmp_path / "fresh.csv"
    assert main(["--pool", str(pool), "--out", str(first), "--pairs", "30"]) == 0
    args = ["--pool", str(pool), "--out", str(fresh), "--pairs", "30", "--salt", "f1"]
    args += ["--exclude", str(first), "--sheet-count", "2", "--double", "0"]
    args += ["--split", "report", "--sheets", str(tmp_path / "sheets")]
    assert main(args) == 0
    old, new = read_candidates(first), read_candidates(fresh)
    assert new
    assert not {i for r in new for i in (r["id_a"], r["id_b"])} & {
        i for r in old for i in (r["id_a"], r["id_b"])
    }
    assert sorted(p.name for p in (tmp_path / "sheets").glob("pairs-*")) == [
        "pairs-01.csv",
        "pairs-01.md",
        "pairs-02.csv",
        "pairs-02.md",
    ]
