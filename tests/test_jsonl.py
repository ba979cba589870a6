"""JSONL readers split records at "\\n" only: U+2028/U+2029 inside a string are text."""

from __future__ import annotations

import json
from pathlib import Path

from digest.eval.clusters import read_ant
from digest.eval.summaries import load_corpus
from digest.jsonl import jsonl_lines
from digest.relevance import read_corpus

# ensure_ascii=False writes the separators raw, as the ANT pool does (3 lines hold U+2029).
TRICKY = "سطر أول\u2029فقرة ثانية\u2028سطر\x85بعد NEL"


def _write(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text(
        "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8"
    )
    return path


def _ant_row(n: int, label: str) -> dict[str, object]:
    return {
        "id": f"SK-{label}-{n}-20180218",
        "label": label,
        "source": "SkyNews",
        "time": "Sun, 18 Feb 2018 10:00:00 +0400",
        "title": f"عنوان {n}",
        "abstract": TRICKY,
        "text": TRICKY + " نص المقال",
    }


def test_jsonl_lines_keep_unicode_separators_inside_a_line(tmp_path: Path) -> None:
    path = _write(tmp_path / "x.jsonl", [{"a": TRICKY}, {"a": "b"}])
    path.write_text(path.read_text(encoding="utf-8") + "\n  \n", encoding="utf-8")
    lines = list(jsonl_lines(path))
    assert [number for number, _ in lines] == [1, 2]
    assert json.loads(lines[0][1]) == {"a": TRICKY}


def test_corpus_readers_accept_a_line_holding_u2029(tmp_path: Path) -> None:
    path = _write(tmp_path / "ant.jsonl", [_ant_row(1, "technology"), _ant_row(2, "sport")])
    records = read_corpus(path)
    assert [r.id for r in records] == ["SK-technology-1-20180218", "SK-sport-2-20180218"]
    assert records[0].abstract == TRICKY and records[0].is_tech
    docs = read_ant(path)
    assert [d.title for d in docs] == ["عنوان 1", "عنوان 2"]


def test_summary_corpus_reader_accepts_a_line_holding_u2029(tmp_path: Path) -> None:
    row = {"id": "e1", "text": TRICKY, "summaries": [TRICKY], "category": "c", "topic": 1}
    articles = load_corpus(_write(tmp_path / "easc.jsonl", [row]))
    assert articles[0].text == TRICKY
