"""The command line refuses bad settings and arguments with a clear message and exit
code 2, and never loses stories (issue 12, items 16, 17 and 18). Everything runs through
`bot.cli.main`, the entry point of `newsdigest`."""

from __future__ import annotations

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
