"""Settings from file + environment, validated with errors that name file and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import DEFAULT_CONFIG_DIR, Secret, load_settings
from digest.errors import ConfigError


def write(tmp_path: Path, settings: str, feeds: str | None = None) -> Path:
    (tmp_path / "topics.yaml").write_text(
        (DEFAULT_CONFIG_DIR / "topics.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (tmp_path / "feeds.yaml").write_text(
        feeds if feeds is not None else "feeds:\n  - url: local.xml\n    announce_backlog: true\n",
        encoding="utf-8",
    )
    path = tmp_path / "settings.yaml"
    path.write_text(settings, encoding="utf-8")
    return path


def test_bundled_example_loads() -> None:
    settings = load_settings(DEFAULT_CONFIG_DIR / "settings.example.yaml", env={})
    samples = [f for f in settings.feeds if f.sample]
    real = [f for f in settings.feeds if not f.sample]
    assert len(samples) == 2 and all(Path(f.url).exists() for f in samples)
    # The real feeds are on: a bot token is all `run` needs to post real news.
    assert len(real) >= 10 and all(f.enabled and f.url.startswith("https://") for f in real)
    assert any(f.tech_only for f in real) and any(not f.tech_only for f in real)
    assert settings.feed_announce_backlog == {f.url for f in samples}
    assert settings.poll.sample_feeds is False
    assert settings.database_url.startswith("sqlite:///")
    assert not settings.telegram.token and not settings.fetch.allow_private_urls


def test_environment_wins_and_secrets_are_hidden(tmp_path: Path) -> None:
    path = write(tmp_path, "database_url: sqlite:///from-file.sqlite3\n")
    settings = load_settings(
        None,
        env={
            "NEWSDIGEST_CONFIG": str(path),
            "NEWSDIGEST_DATABASE_URL": "sqlite:////tmp/env.sqlite3",
            "NEWSDIGEST_TELEGRAM_TOKEN": "123:SECRET",
            "NEWSDIGEST_TELEGRAM_API_URL": "http://127.0.0.1:8081/",
        },
    )
    assert settings.database_url == "sqlite:////tmp/env.sqlite3"
    assert settings.telegram.token.value == "123:SECRET"
    assert settings.telegram.api_url == "http://127.0.0.1:8081"
    assert "SECRET" not in repr(settings) and "SECRET" not in str(settings.telegram.token)
    assert settings.feeds[0].url == str(tmp_path / "local.xml")


def test_relative_sqlite_path_is_beside_the_file(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, "database_url: sqlite:///data/nd.sqlite3\n"), env={})
    assert settings.database_url == f"sqlite:///{tmp_path / 'data' / 'nd.sqlite3'}"


@pytest.mark.parametrize(
    ("settings", "feeds", "message"),
    [
        ("poll:\n  interval_minutes: -5\n", None, "poll.interval_minutes: must be greater than 0"),
        ("poll:\n  interval_minutes: soon\n", None, "poll.interval_minutes: expected a number"),
        ("language: fr\n", None, "language: must be 'ar' or 'en'"),
        ("timezone: Mars/Olympus\n", None, "timezone: unknown time zone"),
        ("telegram:\n  token: abc\n", None, "tokens are read from the environment only"),
        ("llm:\n  url: http://127.0.0.1:1/v1\n", None, "llm.model: required"),
        ("fetch: [1, 2]\n", None, "fetch: expected a mapping"),
        ("{}", "feeds: []\n", "feeds: expected a non-empty list"),
        ("{}", "feeds:\n  - url: ftp://x/y\n", "only http(s), file:// or a path"),
        ("{}", "feeds:\n  - url: a.xml\n  - url: a.xml\n", "is listed twice"),
        ("{}", "feeds:\n  - url: a.xml\n    colour: red\n", "unknown field(s) colour"),
        ("{}", "feeds:\n  - url: a.xml\n    enabled: maybe\n", "expected true or false"),
        ("key: [unclosed\n", None, "invalid YAML"),
    ],
)
def test_invalid_settings_name_the_field(
    tmp_path: Path, settings: str, feeds: str | None, message: str
) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")) as info:
        load_settings(write(tmp_path, settings, feeds), env={})
    assert str(tmp_path) in str(info.value)


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load_settings(tmp_path / "nope.yaml", env={})


def test_secret_behaves() -> None:
    assert not Secret("") and Secret("x")
    assert repr(Secret("x")) == "Secret('***')"
