"""`newsdigest classify --batch`: the pipeline's classifier over a JSONL file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.bootstrap import build_classifier
from bot.cli import main
from digest.topics import TopicCatalog, default_topics_path

ROWS = [
    {
        "id": "t1",
        "title": "مايكروسوفت تكشف عن نموذج ذكاء اصطناعي يكتب الشيفرة البرمجية",
        "text": "أعلنت مايكروسوفت عن نموذج ذكاء اصطناعي جديد.\u2029"
        "يساعد المطورين على كتابة الشيفرة.",
    },
    {
        "id": 7,
        "title": "ريال مدريد يفوز على برشلونة",
        "text": "فاز ريال مدريد بهدفين في الكلاسيكو.",
    },
    {"id": "no-title", "text": "أطلقت آبل هاتف آيفون جديدا بكاميرا أفضل."},
]


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("NEWSDIGEST_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    monkeypatch.delenv("NEWSDIGEST_CONFIG", raising=False)
    return tmp_path


def test_classify_batch_writes_one_line_per_good_input_line(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = env / "in.jsonl"
    lines = [json.dumps(row, ensure_ascii=False) for row in ROWS]
    lines.insert(1, '{"id": "broken"')
    lines.insert(3, '{"id": "no-text", "title": "x"}')
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    dst = env / "out.jsonl"
    code = main(["classify", "--batch", str(src), "--out", str(dst)])
    _, err = capsys.readouterr()
    assert code == 1  # bad lines are named and skipped; the others are written
    assert "in.jsonl:2" in err and "in.jsonl:4" in err
    out = [json.loads(line) for line in dst.read_text(encoding="utf-8").split("\n") if line]
    assert [row["id"] for row in out] == ["t1", 7, "no-title"]
    assert set(out[0]) == {"id", "tech", "tech_score", "topics"}

    # The same answers as the classifier the pipeline is built with.
    pipeline_classifier = build_classifier(TopicCatalog.load(default_topics_path()))
    for row, got in zip(ROWS, out, strict=True):
        title, text = str(row.get("title", "")), str(row["text"])
        assert got["tech"] == pipeline_classifier.is_technology(title, text)
        assert got["topics"] == [m.topic for m in pipeline_classifier.classify(title, text)]
        assert 0.0 <= got["tech_score"] <= 1.0
    assert out[0]["tech"] and "ai" in out[0]["topics"] and out[0]["tech_score"] > 0.5
    assert not out[1]["tech"] and out[1]["topics"] == [] and out[1]["tech_score"] < 0.5
    assert out[2]["tech"]  # no title: the body alone decides


def test_classify_batch_needs_both_files(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["classify", "--batch", str(env / "in.jsonl")])
    code = main(["classify", "--batch", str(env / "missing.jsonl"), "--out", str(env / "o")])
    assert code == 1 and "missing.jsonl" in capsys.readouterr().err
