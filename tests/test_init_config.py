"""`newsdigest init`: a commented settings file and the grouped feed catalogue in the user
data folder, read by every command afterwards; never overwritten without --force."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import build_parser, main
from bot.init_config import cmd_init
from bot.settings import load_settings


@pytest.fixture
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "share"
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    monkeypatch.delenv("NEWSDIGEST_CONFIG", raising=False)
    monkeypatch.delenv("NEWSDIGEST_DATABASE_URL", raising=False)
    return home / "newsdigest"


def test_non_interactive_init_writes_files_every_command_then_reads(
    data_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["init", "--non-interactive", "--language", "en", "--poll-minutes", "5"]) == 0
    settings_file = data_home / "settings.yaml"
    text = settings_file.read_text(encoding="utf-8")
    assert "NEWSDIGEST_TELEGRAM_TOKEN" in text and "token:" not in text  # env only
    assert "/schedule" in text  # how delivery mode is changed is explained
    catalogue = (data_home / "feeds.yaml").read_text(encoding="utf-8")
    tech_at = catalogue.index("# Arabic technology sites")
    general_at = catalogue.index("# General news sites")
    assert tech_at < catalogue.index("aitnews.com") < general_at
    assert general_at < catalogue.index("skynewsarabia.com")
    assert "samples/" not in catalogue  # the demo feeds are not part of a real setup

    settings = load_settings(env={})  # no --config, no NEWSDIGEST_CONFIG: init's file
    assert settings.source_path == settings_file
    assert settings.language == "en" and settings.poll.interval_minutes == 5
    assert len(settings.feeds) >= 10 and all(f.enabled for f in settings.feeds)
    by_url = {f.url: f for f in settings.feeds}
    assert by_url["https://www.skynewsarabia.com/web/rss"].tech_only
    assert not by_url["https://aitnews.com/feed/"].tech_only
    capsys.readouterr()
    assert main(["feeds", "list"]) == 0  # the command line reads it too
    listed = capsys.readouterr().out
    assert "aitnews.com" in listed and "samples" not in listed


def test_init_refuses_to_overwrite_without_force(
    data_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_home.mkdir(parents=True)
    settings_file = data_home / "settings.yaml"
    settings_file.write_text("language: en\n", encoding="utf-8")
    assert main(["init", "--non-interactive"]) == 1
    assert "--force" in capsys.readouterr().err
    assert settings_file.read_text(encoding="utf-8") == "language: en\n"
    assert not (data_home / "feeds.yaml").exists()  # nothing half-written
    assert main(["init", "--non-interactive", "--force"]) == 0
    assert "feeds_file: feeds.yaml" in settings_file.read_text(encoding="utf-8")


def test_interactive_init_offers_defaults_and_asks_again_on_a_bad_answer(
    data_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = iter(["", "Mars/Olympus", "Asia/Riyadh", "0", "30"])
    asked: list[str] = []

    def prompt(question: str) -> str:
        asked.append(question)
        return next(answers)

    args = build_parser().parse_args(["init"])
    assert cmd_init(args, prompt=prompt, interactive=True) == 0
    assert asked[0].endswith("[ar]: ") and len(asked) == 5
    settings = load_settings(env={})
    assert settings.language == "ar" and settings.timezone == "Asia/Riyadh"
    assert settings.poll.interval_minutes == 30


def test_bad_flag_value_is_exit_code_2(data_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", "--non-interactive", "--timezone", "Mars/Olympus"]) == 2
    assert "timezone" in capsys.readouterr().err and not data_home.exists()
