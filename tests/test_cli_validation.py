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
    code, _out, err = run(capsys, "digest")
    assert code == 2, err
    assert f"the folder {missing} does not exist" in err and "Traceback" not in err
    assert not (tmp_path / "nonexistent").exists()

    # inside the user data folder a missing folder is still created (a fresh machine)
    inside = tmp_path / "share" / "newsdigest" / "sub" / "x.sqlite3"
    monkeypatch.setenv("NEWSDIGEST_DATABASE_URL", f"sqlite:///{inside}")
    code, _out, err = run(capsys, "digest")
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
