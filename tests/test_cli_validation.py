"""The command line refuses bad settings and arguments with a clear message and exit
code 2, and never loses stories (issue 12, items 16, 17 and 18). Everything runs through
`bot.cli.main`, the entry point of `newsdigest`."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from bot.cli import main


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NEWSDIGEST_CONFIG", "NEWSDIGEST_DATABASE_URL", "NEWSDIGEST_HTTP_PORT"):
        monkeypatch.delenv(name, raising=False)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_database_in_a_missing_folder_outside_the_data_folder_is_refused(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    clean_env: None,
) -> None:
    """Item 18: `sqlite:////nonexistent/dir/x.sqlite3` made /nonexistent/dir (as root)."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    missing = tmp_path / "nonexistent" / "dir"
    monkeypatch.setenv("NEWSDIGEST_DATABASE_URL", f"sqlite:///{missing / 'x.sqlite3'}")
    code, _out, err = run(capsys, "demo")
    assert code == 2, err
    assert f"the folder {missing} does not exist" in err and "Traceback" not in err
    assert not (tmp_path / "nonexistent").exists()

    # inside the user data folder a missing folder is still created (a fresh machine)
    inside = tmp_path / "share" / "newsdigest" / "sub" / "x.sqlite3"
    monkeypatch.setenv("NEWSDIGEST_DATABASE_URL", f"sqlite:///{inside}")
    code, _out, err = run(capsys, "demo")
    assert code == 0, err
    assert inside.exists()


def _stored_stories(tmp_path: Path, count: int) -> tuple[Path, set[str]]:
    """A settings file whose one feed is empty, and a database already holding `count`
    announced stories of that feed (as a bot that polled for a long time leaves it)."""
    from datetime import UTC, datetime, timedelta

    from digest.models import Entry, FeedConfig
    from digest.storage import SqlStorage
    from tests.run_process import _word, story_feed, write_config

    feed = tmp_path / "feed.xml"
    feed.write_text(story_feed(0, []), encoding="utf-8")
    database = f"sqlite:///{tmp_path / 'many.sqlite3'}"
    config = write_config(tmp_path, [str(feed)], database_url=database)
    storage = SqlStorage.from_url(database)
    titles = set()
    try:
        storage.add_feed(FeedConfig(url=str(feed)))
        start = datetime(2026, 12, 1, tzinfo=UTC)
        for n in range(count):
            rng = random.Random(n)  # unrelated titles: no two look like one story
            title = " ".join(_word(rng) for _ in range(6)) + f" {n:04d}"
            titles.add(title)
            stored = storage.add_article(
                Entry(feed_url=str(feed), title=title, url=f"https://news.test/{n}"),
                keys=[f"url:https://news.test/{n}"],
                text="",
                canonical_url=None,
                fetched_at=start + timedelta(seconds=n),
                bullets=("one.", "two.", "three."),
                summary_method="test",
                topics=(),
                is_tech=True,
                announce=True,
            )
            assert stored is not None
        # the feed's last poll finished after storing them (nothing left to recover)
        storage.record_fetch_success(
            str(feed), at=start + timedelta(days=1), etag=None, last_modified=None, title=None
        )
    finally:
        storage.close()
    return config, titles


def _titles(out: str) -> list[str]:
    import json

    return [s["title"] for s in json.loads(out)] if out.lstrip().startswith("[") else []


def test_digest_loses_no_story_beyond_500_and_says_what_is_left(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], clean_env: None
) -> None:
    """Item 17: only the newest 500 stories were queued; the rest were never printed
    and the next run said «لا جديد». Now --limit pages through all of them."""
    config, titles = _stored_stories(tmp_path, 620)
    seen: list[str] = []
    code, out, err = run(
        capsys, "--config", str(config), "digest", "--format", "json", "--limit", "250"
    )
    assert code == 0, err
    seen += _titles(out)
    assert len(seen) == 250 and "قصص لم تُعرض بعد: 370" in err
    code, out, err = run(
        capsys, "--config", str(config), "digest", "--format", "json", "--limit", "1000"
    )
    assert code == 0, err
    seen += _titles(out)
    assert len(seen) == len(set(seen)) == 620 and set(seen) == titles
    assert "لم تُعرض" not in err
    code, out, err = run(capsys, "--config", str(config), "digest", "--language", "en")
    assert code == 0 and out.strip() == "No new stories"


@pytest.mark.parametrize("limit", ["-5", "0", "abc", "1e9"])
def test_digest_limit_must_be_a_positive_whole_number(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], clean_env: None, limit: str
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["digest", "--limit", limit])
    assert exit_info.value.code == 2
    assert "--limit" in capsys.readouterr().err


DEEP = "[" * 5000 + "]" * 5000
BAD_SETTINGS = {
    "max_bytes_inf": ("fetch:\n  max_bytes: .inf\n", "fetch.max_bytes: expected a finite number"),
    "http_port_inf": ("http_port: .inf\n", "http_port: expected a finite number"),
    "http_port_range": ("http_port: 70000\n", "http_port: must be at most 65535"),
    "redirects_nan": ("fetch:\n  max_redirects: .nan\n", "fetch.max_redirects: expected a finite"),
    "redirects_negative": (
        "fetch:\n  max_redirects: -1\n",
        "fetch.max_redirects: must be at least 0",
    ),
    "redirects_fraction": (
        "fetch:\n  max_redirects: 2.5\n",
        "fetch.max_redirects: expected a whole",
    ),
    "timeout_nan": (
        "fetch:\n  timeout_seconds: .nan\n",
        "fetch.timeout_seconds: expected a finite",
    ),
    "interval_inf": (
        "poll:\n  interval_minutes: .inf\n",
        "poll.interval_minutes: expected a finite",
    ),
    "llm_timeout": ("llm:\n  timeout_seconds: -3\n", "llm.timeout_seconds: must be greater than 0"),
    "bool_as_number": ("fetch:\n  max_bytes: true\n", "fetch.max_bytes: expected a number"),
    "deep_yaml": (f"fetch: {DEEP}\n", "invalid YAML: nested too deeply"),
    "typo_top": (
        "databse_url: sqlite:///x.sqlite3\n",
        "databse_url: unknown setting (did you mean database_url?)",
    ),
    "typo_section": (
        "fetch:\n  timout_seconds: 5\n",
        "fetch.timout_seconds: unknown setting (did you mean fetch.timeout_seconds?)",
    ),
    "llm_api_key": (
        "llm:\n  api_key: sk-very-secret-0123\n",
        "llm.api_key: API keys are read from the environment only",
    ),
    "api_url_type": ("telegram:\n  api_url: 5\n", "telegram.api_url: expected a non-empty string"),
    "database_url_garbage": (
        "database_url: not a url at all\n",
        "database_url: not a database URL",
    ),
    "database_url_driver": (
        "database_url: postgresql+pg8000://nd@127.0.0.1:1/nd\n",
        "database_url: bad database URL: No module named 'pg8000'",
    ),
    "database_url_kind": ("database_url: nosuchdb://host/db\n", "database_url: not a database URL"),
}


@pytest.mark.parametrize("case", sorted(BAD_SETTINGS))
def test_every_bad_setting_exits_2_naming_the_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], clean_env: None, case: str
) -> None:
    """Item 16: each of these gave a traceback, was accepted, or was silently ignored."""
    from bot.settings import DEFAULT_CONFIG_DIR

    snippet, expected = BAD_SETTINGS[case]
    lines = [
        f"feeds_file: {DEFAULT_CONFIG_DIR / 'feeds.yaml'}\n",
        f"topics_file: {DEFAULT_CONFIG_DIR / 'topics.yaml'}\n",
    ]
    if "database_url" not in snippet:
        lines.append(f"database_url: sqlite:///{tmp_path / 'ok.sqlite3'}\n")
    config = tmp_path / "settings.yaml"
    config.write_text("".join(lines) + snippet, encoding="utf-8")
    code, out, err = run(capsys, "--config", str(config), "digest")
    assert code == 2, (out, err)
    assert err.startswith("newsdigest: configuration error: ")
    # the file is named, except for a driver found missing when the database is opened
    assert str(config) in err or case == "database_url_driver"
    assert expected in err, err
    assert "Traceback" not in err and "sk-very-secret" not in err


def test_a_bad_number_in_the_environment_exits_2(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    clean_env: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NEWSDIGEST_HTTP_PORT", "nan")
    code, _out, err = run(capsys, "digest")
    assert code == 2 and "http_port: expected a finite number" in err
