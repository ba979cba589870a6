"""`newsdigest cluster --batch`: a JSONL stream through the bot's own clusterer."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from bot.cli import main
from digest.cluster_batch import parse_article
from digest.jsonl import jsonl_lines
from tests.test_cluster import OTHER_AI_STORY, OTHER_OUTLET_TEXT, OTHER_OUTLET_TITLE, SEED, T0


def seed_article() -> tuple[str, str]:
    title, body = SEED.read_text(encoding="utf-8").split("\n", 1)
    return title, body


def row(article_id: object, title: str, text: str, hours: float, source: str) -> str:
    published = (T0 + timedelta(hours=hours)).isoformat()
    item = {"id": article_id, "title": title, "text": text, "published": published}
    return json.dumps({**item, "source": source}, ensure_ascii=False)


def run(tmp_path: Path, lines: list[str]) -> tuple[int, list[dict[str, object]]]:
    src, dst = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code = main(["cluster", "--batch", str(src), "--out", str(dst)])
    return code, [json.loads(x) for x in dst.read_text(encoding="utf-8").splitlines()]


def test_stream_gives_each_article_the_id_of_its_storys_first_article(tmp_path: Path) -> None:
    title, body = seed_article()
    code, out = run(
        tmp_path,
        [
            row("cnn-1", title, body, 0, "CNN"),
            row("bbc-7", *OTHER_AI_STORY, 1, "BBC"),
            row(42, OTHER_OUTLET_TITLE, OTHER_OUTLET_TEXT, 3, "SkyNews"),
            # the same rewrite three days later is outside the bot's 2-day window
            row("late", OTHER_OUTLET_TITLE, OTHER_OUTLET_TEXT, 75, "France24"),
        ],
    )
    assert code == 0
    assert out == [
        {"id": "cnn-1", "story": "cnn-1"},
        {"id": "bbc-7", "story": "bbc-7"},
        {"id": 42, "story": "cnn-1"},
        {"id": "late", "story": "late"},
    ]


def test_bad_lines_are_reported_and_the_rest_still_clustered(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    title, body = seed_article()
    code, out = run(
        tmp_path,
        [
            row("a", title, body, 0, "CNN"),
            "{not json",
            json.dumps({"id": "b", "title": "x", "text": "y", "published": "yesterday"}),
            row("a", title, body, 1, "BBC"),  # an id seen before
            "",
            row("c", OTHER_OUTLET_TITLE, OTHER_OUTLET_TEXT, 2, "BBC"),
        ],
    )
    assert code == 1
    assert out == [{"id": "a", "story": "a"}, {"id": "c", "story": "a"}]
    err = capsys.readouterr().err
    assert ":2: skipped: not JSON" in err
    assert ":3: skipped: \"published\" is not ISO 8601: 'yesterday'" in err
    assert ":4: skipped: id 'a' seen before" in err


def test_lines_split_only_at_newline_not_at_unicode_separators(tmp_path: Path) -> None:
    text = "السطر الأول\u2029الفقرة الثانية\u2028و\u0085 \r نهاية"
    line = json.dumps({"id": 1, "title": "t", "text": text, "published": "2018-03-01T10:00:00Z"})
    # ensure_ascii=False keeps the separators raw inside the JSON string, as corpora do
    raw = json.dumps(json.loads(line), ensure_ascii=False)
    assert "\u2029" in raw
    path = tmp_path / "in.jsonl"
    path.write_text(raw + "\n\n" + raw, encoding="utf-8")
    lines = list(jsonl_lines(path))
    assert [n for n, _ in lines] == [1, 3]
    assert parse_article(lines[0][1]).text == text


def test_naive_times_are_utc_and_types_are_checked() -> None:
    article = parse_article(
        '{"id": "x", "title": "t", "text": "", "published": "2018-03-01 10:00"}'
    )
    assert article.published.isoformat() == "2018-03-01T10:00:00+00:00"
    for bad, reason in (
        ('{"id": true, "title": "t", "published": "2018-03-01"}', '"id" must be'),
        ('{"id": "x", "title": 5, "published": "2018-03-01"}', '"title" must be a string'),
        ('{"id": "x", "title": " ", "text": "", "published": "2018-03-01"}', "neither title"),
        ('{"id": "x", "title": "t"}', '"published" must be'),
        ("[1]", "not a JSON object"),
    ):
        with pytest.raises(ValueError, match=reason):
            parse_article(bad)
