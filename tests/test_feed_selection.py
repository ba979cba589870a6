"""Which feeds each command polls: `run` the real feeds, `demo` the bundled samples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.feed_selection import demo_feeds, run_feeds
from bot.settings import DEFAULT_CONFIG_DIR, load_settings
from digest.storage import SqlStorage

EXAMPLE = DEFAULT_CONFIG_DIR / "settings.example.yaml"


def write_settings(tmp_path: Path, extra: str = "", feeds: str | None = None) -> Path:
    feeds_file = DEFAULT_CONFIG_DIR / "feeds.yaml"
    if feeds is not None:
        feeds_file = tmp_path / "feeds.yaml"
        feeds_file.write_text(feeds, encoding="utf-8")
    path = tmp_path / "settings.yaml"
    path.write_text(
        f"feeds_file: {feeds_file}\ntopics_file: {DEFAULT_CONFIG_DIR / 'topics.yaml'}\n"
        f"database_url: sqlite:///{tmp_path / 'nd.sqlite3'}\n{extra}",
        encoding="utf-8",
    )
    return path


def test_run_polls_the_real_feeds_and_leaves_the_samples_out() -> None:
    settings = load_settings(EXAMPLE, env={})
    chosen = run_feeds(settings)
    on = [f for f in chosen if f.enabled]
    assert on and not any(f.sample for f in on)
    assert {f.url for f in on} == {f.url for f in settings.feeds if not f.sample}
    assert [f.url for f in demo_feeds(settings)] == [f.url for f in settings.feeds if f.sample]


def test_settings_can_turn_the_samples_on_for_run(tmp_path: Path) -> None:
    settings = load_settings(write_settings(tmp_path, "poll:\n  sample_feeds: true\n"), env={})
    assert all(f.enabled for f in run_feeds(settings))


def test_demo_uses_the_bundled_samples_when_the_feed_list_has_none(tmp_path: Path) -> None:
    feeds = "feeds:\n  - url: https://aitnews.com/feed/\n    name: AIT\n"
    settings = load_settings(write_settings(tmp_path, feeds=feeds), env={})
    samples = demo_feeds(settings)
    assert [Path(f.url).name for f in samples] == ["seed.xml", "explainers.xml"]
    assert not any(f.enabled for f in samples)  # run leaves them out


def test_demo_next_to_run_keeps_the_databases_feeds_as_run_wants_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`demo` polls the samples (the seed is its first story) without switching them on
    in the database a running bot reads; the real feeds stay on."""
    config = write_settings(tmp_path)
    assert main(["--config", str(config), "demo", "--format", "json"]) == 0
    stories = json.loads(capsys.readouterr().out)
    assert "DeepSeek" in stories[0]["title"]
    storage = SqlStorage.from_url(f"sqlite:///{tmp_path / 'nd.sqlite3'}")
    try:
        enabled = {f.url for f in storage.get_feeds(enabled=True)}
    finally:
        storage.close()
    assert "https://aitnews.com/feed/" in enabled
    assert not any(url.endswith(("seed.xml", "explainers.xml")) for url in enabled)
