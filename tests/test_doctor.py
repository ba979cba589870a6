"""`newsdigest doctor` through the real command line, against the fake Bot API, the fake
Discord REST API and a loopback server standing in for the feed sites: a good Arabic
feed, a slow one, a broken one and a non-Arabic one."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.cli import main
from bot.settings import DEFAULT_CONFIG_DIR
from digest.storage import SqlStorage
from tests.fake_discord import FakeDiscord
from tests.fake_telegram import FakeTelegram
from tests.feed_sites import Answer, FeedSites, feed_sites, forabi_feed, russian_feed

TOKEN = "777001:DOCTOR-test-token-abcdefghijklmnop"
GOOD = "https://aitnews.com/feed/"
SLOW = "https://www.tech-wd.com/wd/feed/"
BROKEN = "https://arabhardware.net/news/feed"
RUSSIAN = "https://arabic.rt.com/rss/"


@pytest.fixture
async def sites() -> AsyncIterator[FeedSites]:
    async with feed_sites() as server:
        server.serve(GOOD, Answer(forabi_feed(server)))
        server.serve(SLOW, Answer(forabi_feed(server), stall_seconds=30))
        server.serve(BROKEN, Answer(status=500))
        server.serve(RUSSIAN, Answer(russian_feed(server), "text/xml"))
        yield server


def write_config(tmp_path: Path, sites: FeedSites, extra: str = "") -> Path:
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(
        "feeds:\n"
        + "".join(
            f"  - url: {sites.local(url)}\n    name: {name}\n"
            for url, name in ((GOOD, "good"), (SLOW, "slow"), (BROKEN, "broken"), (RUSSIAN, "ru"))
        ),
        encoding="utf-8",
    )
    path = tmp_path / "settings.yaml"
    path.write_text(
        f"feeds_file: {feeds}\ntopics_file: {DEFAULT_CONFIG_DIR / 'topics.yaml'}\n"
        f"database_url: sqlite:///{tmp_path / 'db' / 'nd.sqlite3'}\n{extra}",
        encoding="utf-8",
    )
    return path


async def doctor(*argv: str) -> int:
    # The command runs its own event loop; the fakes keep serving on this one.
    return await asyncio.to_thread(main, ["--config", *argv])


def lines_of(out: str) -> dict[str, str]:
    """The report's lines by what they check ('feed good', 'telegram', ...)."""
    found = {}
    for text in out.splitlines():
        if text.startswith("[") and ": " in text:
            found[text[7:].split(":", 1)[0]] = text
    return found


async def test_every_check_has_its_line_and_a_broken_feed_does_not_stop_the_run(
    sites: FeedSites,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    config = write_config(
        tmp_path, sites, f"http_port: {port}\nfetch:\n  allowed_hosts: ['127.0.0.1']\n"
    )
    async with FakeTelegram(TOKEN) as telegram, FakeDiscord() as discord:
        monkeypatch.setenv("NEWSDIGEST_TELEGRAM_TOKEN", TOKEN)
        monkeypatch.setenv("NEWSDIGEST_TELEGRAM_API_URL", telegram.api_url)
        monkeypatch.setenv("NEWSDIGEST_DISCORD_TOKEN", discord.token)
        monkeypatch.setenv("NEWSDIGEST_DISCORD_API_URL", discord.api_base)
        started = time.monotonic()
        code = await doctor(str(config), "doctor", "--timeout", "1")
        elapsed = time.monotonic() - started
    out = capsys.readouterr().out
    lines = lines_of(out)

    assert code == 1  # the slow and the broken feed failed
    assert lines["settings"].startswith("[ok  ]") and str(config) in lines["settings"]
    assert lines["database"].startswith("[ok  ]") and "creates it" in lines["database"]
    assert lines["telegram"].startswith("[ok  ]") and "@newsdigest_test_bot" in lines["telegram"]
    assert lines["discord"].startswith("[ok  ]") and "newsdigest" in lines["discord"]
    good = lines["feed good"]
    assert good.startswith("[ok  ]"), good
    for part in ("HTTP 200", "8 items", "newest 2016-11-23 00:00", "utf-8", "Arabic"):
        assert part in good, (part, good)
    assert "full text" in good and "chars" in good
    assert lines["feed slow"].startswith("[FAIL]") and "no answer within 1 s" in lines["feed slow"]
    assert lines["feed broken"].startswith("[FAIL]") and "500" in lines["feed broken"]
    russian = lines["feed ru"]
    assert russian.startswith("[warn]") and "not Arabic" in russian and "cp1251" in russian
    assert lines["health port"].startswith("[ok  ]") and str(port) in lines["health port"]
    assert "feeds working: 2 of 4" in out
    # Every feed was checked although one stalled for 30 s: time per feed is bounded.
    assert elapsed < 15
    assert TOKEN not in out and discord.token not in out


async def test_json_report_strict_policy_for_item_pages_and_refused_token(
    sites: FeedSites,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Item links are third-party: without an allowed host the loopback article page is
    refused (a warning of the feed, not a failure). A wrong token is a failed line that
    does not show the token. A port in use fails its line."""
    config = write_config(tmp_path, sites)
    (tmp_path / "db").mkdir(exist_ok=True)
    SqlStorage.from_url(f"sqlite:///{tmp_path / 'db' / 'nd.sqlite3'}").close()  # migrated
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    port = int(busy.getsockname()[1])
    config.write_text(config.read_text(encoding="utf-8") + f"http_port: {port}\n", "utf-8")
    wrong = "777001:WRONG-token-abcdefghijklmnopqrstu"
    try:
        async with FakeTelegram(TOKEN) as telegram:
            monkeypatch.setenv("NEWSDIGEST_TELEGRAM_TOKEN", wrong)
            monkeypatch.setenv("NEWSDIGEST_TELEGRAM_API_URL", telegram.api_url)
            monkeypatch.delenv("NEWSDIGEST_DISCORD_TOKEN", raising=False)
            code = await doctor(str(config), "doctor", "--json", "--timeout", "1")
    finally:
        busy.close()
    out = capsys.readouterr().out
    report = json.loads(out)
    by_name = {(c["check"], c["name"]): c for c in report["checks"]}

    assert code == 1 and report["ok"] is False
    assert wrong not in out
    telegram_check = by_name[("telegram", telegram.api_url)]
    assert telegram_check["status"] == "fail" and "401" in telegram_check["detail"]
    assert by_name[("discord", "https://discord.com/api/v10")]["status"] == "skip"
    database = next(c for c in report["checks"] if c["check"] == "database")
    assert database["status"] == "ok" and database["revision"] == database["newest"]
    good = by_name[("feed", "good")]
    assert good["status"] == "warn" and good["items"] == 8 and good["arabic"] is True
    assert good["full_text"]["ok"] is False and "private" in good["full_text"]["detail"]
    assert isinstance(good["seconds"], float) and good["newest"].startswith("2016-11-23")
    assert by_name[("feed", "broken")]["status"] == "fail"
    assert by_name[("feed", "ru")]["arabic"] is False
    assert by_name[("health port", str(port))]["status"] == "fail"


def test_invalid_settings_are_one_failed_line_and_exit_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "settings.yaml"
    config.write_text(
        f"feeds_file: {DEFAULT_CONFIG_DIR / 'feeds.yaml'}\n"
        f"topics_file: {DEFAULT_CONFIG_DIR / 'topics.yaml'}\nlanguage: fr\n",
        encoding="utf-8",
    )
    assert main(["--config", str(config), "doctor"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("[FAIL] settings:") and "language" in err
