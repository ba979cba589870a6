"""`newsdigest feeds import|export` (issue #16 point 2) in-process, on a temporary
database: a chat's sources round-trip through an OPML file; the operator's import
prints feeds.yaml lines; hostile files are refused with a message and exit 1."""

from __future__ import annotations

from pathlib import Path

import pytest

from digest.opml import read_opml
from tests.test_bootstrap import settings_file
from tests.test_cli import plain, run
from tests.test_opml import BILLION_LAUGHS

LIST = """<?xml version="1.0" encoding="utf-8"?>
<opml version="1.1"><head><title>من قارئي</title></head><body>
  <outline text="تقنية">
    <outline type="rss" text="مدونة أ" xmlUrl="http://127.0.0.1:8001/a.xml"/>
    <outline type="rss" text="مدونة ب" xmlUrl="http://127.0.0.1:8001/b.xml"/>
  </outline>
  <outline type="rss" text="أ مكرر" xmlUrl="HTTP://127.0.0.1:8001/a.xml#x"/>
  <outline type="rss" text="شبكة داخلية" xmlUrl="http://192.168.1.20/feed"/>
  <outline type="rss" text="ملف محلي" xmlUrl="file:///etc/passwd"/>
</body></opml>
"""


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("NEWSDIGEST_DATABASE_URL", raising=False)
    return settings_file(tmp_path, "fetch:\n  allowed_hosts: ['127.0.0.1']\n")


def test_a_chats_sources_round_trip(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.opml"
    source.write_text(LIST, encoding="utf-8")
    code, out, _ = run(
        capsys, "--config", str(config), "feeds", "import", str(source), "--chat", "telegram:42"
    )
    text = plain(out)
    assert code == 0
    assert "5 feeds; 2 added, 0 already followed, 3 refused" in text
    assert "• مدونة أ — http://127.0.0.1:8001/a.xml" in text
    assert "HTTP://127.0.0.1:8001/a.xml#x: listed twice in the file" in text
    assert "http://192.168.1.20/feed: a private or local address" in text
    assert "file:///etc/passwd: not an http(s) web address" in text

    exported = tmp_path / "out.opml"
    code, _, _ = run(
        capsys,
        "--config",
        str(config),
        "feeds",
        "export",
        "--chat",
        "telegram:42",
        "--out",
        str(exported),
    )
    assert code == 0
    entries = read_opml(exported.read_bytes()).entries
    assert [(e.url, e.title) for e in entries] == [
        ("http://127.0.0.1:8001/a.xml", "مدونة أ"),
        ("http://127.0.0.1:8001/b.xml", "مدونة ب"),
    ]
    # ... and into another chat, where both are new; again: both already there
    for expected in ("2 added, 0 already", "0 added, 2 already"):
        code, out, _ = run(
            capsys,
            "--config",
            str(config),
            "feeds",
            "import",
            str(exported),
            "--chat",
            "discord:900000000000000101",
        )
        assert code == 0 and expected in out
    # stdout works too
    code, out, _ = run(capsys, "--config", str(config), "feeds", "export", "--chat", "telegram:42")
    assert code == 0 and out.startswith("<?xml") and "مدونة ب" in out


def test_operator_import_prints_feeds_yaml_lines(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.opml"
    source.write_text(LIST, encoding="utf-8")
    code, out, err = run(capsys, "--config", str(config), "feeds", "import", str(source))
    assert code == 0
    assert "  - url: http://127.0.0.1:8001/a.xml\n    name: مدونة أ" in out
    assert "http://192.168.1.20/feed" in out  # the operator's feeds may be private
    assert "refused: file:///etc/passwd: scheme" in err
    assert "3 feeds to add, 2 refused" in err
    code, out, _ = run(capsys, "--config", str(config), "feeds", "export")
    assert code == 0 and len(read_opml(out.encode()).entries) > 10  # the configured feeds


def test_hostile_files_and_bad_arguments(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    laughs = tmp_path / "lol.opml"
    laughs.write_text(BILLION_LAUGHS, encoding="utf-8")
    code, _, err = run(
        capsys, "--config", str(config), "feeds", "import", str(laughs), "--chat", "telegram:1"
    )
    assert code == 1 and "DOCTYPE" in err
    page = tmp_path / "page.opml"
    page.write_bytes(b"\x00\x01 not xml")
    code, _, err = run(capsys, "--config", str(config), "feeds", "import", str(page))
    assert code == 1 and "OPML" in err
    code, _, err = run(
        capsys, "--config", str(config), "feeds", "import", str(page), "--chat", "irc:1"
    )
    assert code == 2 and "telegram:<id>" in err


def test_a_forum_topics_sources_by_its_key(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Found trying it as a new user (docs/new_user_run.md): `--chat telegram:-100123/7`
    (a forum topic, as stored) was refused as "not a chat id". The topic's sources are
    its own: the group itself has none."""
    source = tmp_path / "in.opml"
    source.write_text(LIST, encoding="utf-8")
    topic = "telegram:-100123/7"
    code, out, _ = run(
        capsys, "--config", str(config), "feeds", "import", str(source), "--chat", topic
    )
    assert code == 0 and "2 added" in out
    code, out, _ = run(capsys, "--config", str(config), "feeds", "export", "--chat", topic)
    assert code == 0 and len(read_opml(out.encode()).entries) == 2
    code, out, _ = run(
        capsys, "--config", str(config), "feeds", "export", "--chat", "telegram:-100123"
    )
    assert code == 0 and read_opml(out.encode()).entries == ()
    code, _, err = run(capsys, "--config", str(config), "feeds", "export", "--chat", "telegram:5/7")
    assert code != 0 and "not a chat id" in err
