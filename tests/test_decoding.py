"""Issue #12, item 5: one invalid byte in a UTF-8 feed no longer turns the whole feed
into mojibake («Ù‚Ù†Ø§Ø©» for «قناة»); single-byte Arabic feeds still decode as
windows-1256."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from digest.parse import decode_document, parse_feed

MOJIBAKE = "Ù‚Ù†Ø§Ø©"


def test_a_utf8_feed_with_one_invalid_byte_stays_utf8(fixtures: Path) -> None:
    content = (fixtures / "hostile" / "utf8-one-invalid-byte.xml").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")  # the fixture really holds an invalid byte

    feed = parse_feed(content, url="https://tech.example/feed")

    assert feed.title == "قناة التقنية"
    [entry] = feed.entries
    assert entry.title == "قناة جديدة للأخبار التقنية على تيليجرام"
    assert "أطلقت الشركة قناة جديدة" in entry.summary and MOJIBAKE not in entry.summary
    assert "\ufffd" in entry.summary  # the bad byte, and only it, is replaced
    assert any("invalid UTF-8" in w for w in feed.warnings)


def test_newsdigest_digest_prints_it_in_arabic(
    fixtures: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("NEWSDIGEST_DATABASE_URL", f"sqlite:///{tmp_path / 'u.sqlite3'}")
    monkeypatch.delenv("NEWSDIGEST_CONFIG", raising=False)
    feed = fixtures / "hostile" / "utf8-one-invalid-byte.xml"
    assert main(["digest", "--feed", str(feed), "--format", "json"]) == 0
    [story] = json.loads(capsys.readouterr().out)
    assert story["title"] == "قناة جديدة للأخبار التقنية على تيليجرام"
    assert not any(MOJIBAKE in bullet for bullet in story["bullets"])


def test_windows_1256_and_latin_documents_are_not_taken_for_broken_utf8(
    fixtures: Path,
) -> None:
    utf8 = (fixtures / "hostile" / "utf8-one-invalid-byte.xml").read_bytes()
    text = utf8.decode("utf-8", errors="ignore").replace('encoding="UTF-8"', "")
    cp1256 = text.encode("cp1256")
    decoded = decode_document(cp1256)
    assert decoded.encoding == "cp1256" and "قناة جديدة للأخبار" in decoded.text
    latin = ("<rss><channel><title>Café à Montréal, été</title></channel></rss>" * 3).encode(
        "cp1252"
    )
    assert "Café à Montréal" in decode_document(latin).text


def test_a_genuine_replacement_character_is_not_counted_as_an_invalid_byte() -> None:
    text = "نص عربي سليم تماما " * 3 + "\ufffd"
    decoded = decode_document(text.encode("utf-8"))
    assert decoded.encoding == "utf-8" and decoded.warning is None
