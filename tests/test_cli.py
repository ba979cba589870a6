"""The `newsdigest` command line, run in-process on the bundled feeds and a temporary
database: what a new user sees first."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.settings import DEFAULT_CONFIG_DIR

SEED_TEXT = (DEFAULT_CONFIG_DIR.parent / "tests" / "fixtures" / "cli" / "seed.ar.txt").read_text(
    encoding="utf-8"
)
SEED_TITLE = SEED_TEXT.split("\n", 1)[0]
SEED_SENTENCES = SEED_TEXT.replace("\n", " ")


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("NEWSDIGEST_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    monkeypatch.delenv("NEWSDIGEST_CONFIG", raising=False)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def bullets_of(output: str, title: str) -> list[str]:
    block = output.split(title, 1)[1].split("\n\n", 1)[0]
    return [line.lstrip("\u200f").removeprefix("• ") for line in block.splitlines() if "•" in line]


def plain(text: str) -> str:
    """Without the bidi isolates the formatter adds around Latin runs."""
    return "".join(ch for ch in text if ch not in "\u2066\u2067\u2068\u2069\u200e\u200f")


def test_demo_prints_the_seed_article_then_nothing_new(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "demo")
    assert code == 0, err
    text = plain(out)
    assert SEED_TITLE in text
    bullets = bullets_of(text, SEED_TITLE)
    assert 3 <= len(bullets) <= 5
    for bullet in bullets:
        # Each bullet is a sentence of the article (a leading "و" may be dropped).
        core = bullet.rstrip(".")
        assert core in SEED_SENTENCES or ("و" + core) in SEED_SENTENCES, bullet

    code, out, _ = run(capsys, "demo")
    assert code == 0 and out.strip() == "لا جديد"

    code, out, _ = run(capsys, "demo", "--all", "--language", "en")
    assert SEED_TITLE in plain(out)


@pytest.mark.parametrize("fmt", ["telegram", "discord", "markdown", "json"])
def test_digest_formats(env: Path, capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    code, out, err = run(capsys, "demo", "--format", fmt)
    assert code == 0, err
    if fmt == "json":
        stories = json.loads(out)
        assert SEED_TITLE in [plain(s["title"]) for s in stories]
        assert all(3 <= len(s["bullets"]) <= 5 for s in stories)
    elif fmt == "discord":
        payloads = json.loads(out)
        titles = [plain(e["title"]) for p in payloads for e in p.get("embeds", [])]
        assert SEED_TITLE in titles
    elif fmt == "telegram":
        assert "<b>" in out and SEED_TITLE in plain(out)
    else:
        assert SEED_TITLE in plain(out)


def test_digest_of_an_adhoc_feed_file(
    env: Path, capsys: pytest.CaptureFixture[str], fixtures: Path
) -> None:
    feed = fixtures / "cli" / "two-items.xml"
    code, out, err = run(capsys, "digest", "--feed", str(feed), "--format", "json")
    assert code == 0, err
    titles = [s["title"] for s in json.loads(out)]
    assert len(titles) == 2 and SEED_TITLE not in titles


def test_malformed_feed_is_reported_not_fatal(
    env: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b"<html><body>this is not a feed</body></html>")
    code, _, err = run(capsys, "digest", "--feed", str(bad))
    assert code == 1  # every polled feed failed
    assert str(bad) in err and "not a feed" in err.lower()


def test_summarize_file_stdin_json_and_batch(
    env: Path,
    capsys: pytest.CaptureFixture[str],
    fixtures: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seed = fixtures / "cli" / "seed.ar.txt"
    code, out, err = run(capsys, "summarize", str(seed), "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["title"] == SEED_TITLE and 3 <= len(result["bullets"]) <= 5

    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(SEED_TEXT))
    code, out, _ = run(capsys, "summarize", "-")
    assert code == 0 and plain(out).startswith(SEED_TITLE)

    batch = tmp_path / "in.jsonl"
    batch.write_text(
        json.dumps({"id": "a", "text": SEED_TEXT}, ensure_ascii=False)
        + "\n"
        + "not json\n"
        + json.dumps(
            {
                "id": "b",
                "title": "عنوان",
                "text": "أعلنت الشركة اليوم عن هاتف جديد يدعم شبكات الجيل الخامس.",
            },
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    out_path = tmp_path / "out.jsonl"
    code, _, err = run(capsys, "summarize", "--batch", str(batch), "--out", str(out_path))
    assert code == 1 and "in.jsonl:2" in err  # the bad line is named, the others done
    lines = [json.loads(line) for line in out_path.read_text(encoding="utf-8").splitlines()]
    assert [line["id"] for line in lines] == ["a", "b"]
    assert 3 <= len(lines[0]["bullets"]) <= 5 and lines[1]["bullets"] == [
        "أعلنت الشركة اليوم عن هاتف جديد يدعم شبكات الجيل الخامس."
    ]


def test_why_and_feeds_status(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "demo")
    code, out, _ = run(capsys, "why", "https://newsdigest.example/tech/deepseek-challenges-us-ai")
    assert code == 0
    assert "الذكاء الاصطناعي" in out or "AI" in out
    assert "DeepSeek" in out  # the matched term is shown
    # big tech, four names once each deep in the body, is a passing mention: why says so
    assert "not tagged, mentioned in passing" in out and "مايكروسوفت" in out
    code, out, err = run(capsys, "why", "https://nowhere.example/x")
    assert code == 1 and "no stored article" in err

    code, out, _ = run(capsys, "feeds", "status")
    assert code == 0 and "last ok:" in out and "aitnews.com" in out


def test_bad_config_exits_2_with_the_field(
    env: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    cfg = tmp_path / "settings.yaml"
    cfg.write_text(
        f"feeds_file: {DEFAULT_CONFIG_DIR / 'feeds.yaml'}\n"
        f"topics_file: {DEFAULT_CONFIG_DIR / 'topics.yaml'}\nlanguage: fr\n",
        encoding="utf-8",
    )
    code, _, err = run(capsys, "--config", str(cfg), "demo")
    assert code == 2 and "language" in err and str(cfg) in err


def test_missing_file_is_a_clear_error(
    env: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, "summarize", str(tmp_path / "nope.html"))
    assert code == 1 and err.strip() == f"newsdigest: no such file: {tmp_path / 'nope.html'}"


def test_default_database_lives_in_the_user_data_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fresh machine: no settings, no database URL, a data folder that does not exist."""
    monkeypatch.delenv("NEWSDIGEST_DATABASE_URL", raising=False)
    monkeypatch.delenv("NEWSDIGEST_CONFIG", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "fresh-home" / ".local" / "share"))
    code, out, err = run(capsys, "demo")
    assert code == 0, err
    assert SEED_TITLE in plain(out)
    assert (tmp_path / "fresh-home/.local/share/newsdigest/newsdigest.sqlite3").exists()
