"""Several `newsdigest digest` processes started at the same moment on one database
(issue 12, item 4): on a new database (both create the schema) and on an existing one
(both store and queue the same stories). Real processes, released together by a barrier
(tests/barrier_child.py); SQLite always, PostgreSQL when NEWSDIGEST_TEST_POSTGRES_URL is
set."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.run_process import ROOT, fresh_postgres_database, markers_in, story_feed, write_config

POSTGRES_URL = os.environ.get("NEWSDIGEST_TEST_POSTGRES_URL")
PROCESSES = 3
FEEDS = 4
SIGNS_OF_A_RACE = ("Traceback", "IntegrityError", "already exists", "UNIQUE constraint")


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'shared.sqlite3'}"
        return
    if not POSTGRES_URL:
        pytest.skip("NEWSDIGEST_TEST_POSTGRES_URL is not set (`.ci/run` sets it)")
    with fresh_postgres_database(POSTGRES_URL, "nd_race") as url:
        yield url


def run_together(config: Path, barrier: Path, *argv: str) -> list[tuple[int, str, str]]:
    """Start PROCESSES children, release them at once, return (code, stdout, stderr)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSDIGEST_")}
    env.update(NEWSDIGEST_CONFIG=str(config), PYTHONPATH=str(ROOT))
    barrier.unlink(missing_ok=True)
    children = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.barrier_child", str(barrier), *argv],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    barrier.touch()
    results = []
    for child in children:
        out, err = child.communicate(timeout=180)
        results.append((child.returncode, out, err))
    return results


def printed(results: list[tuple[int, str, str]]) -> set[tuple[int, int]]:
    """Stories printed by any of the processes (one that found nothing left prints the
    plain «لا جديد» line, not JSON)."""
    found: set[tuple[int, int]] = set()
    for _, out, _ in results:
        if out.lstrip().startswith("["):
            found.update(m for story in json.loads(out) for m in markers_in(story["title"]))
    return found


def test_processes_started_together_on_a_new_then_an_existing_database(
    database_url: str, tmp_path: Path
) -> None:
    stories = {f: list(range(8)) for f in range(FEEDS)}
    paths = [tmp_path / f"f{f}.xml" for f in range(FEEDS)]

    def write_feeds() -> None:
        for f, numbers in stories.items():
            paths[f].write_text(story_feed(f, numbers), encoding="utf-8")

    def expected() -> set[tuple[int, int]]:
        return {(f, s) for f, numbers in stories.items() for s in numbers}

    write_feeds()
    config = write_config(tmp_path, [str(p) for p in paths], database_url=database_url)
    argv = ("digest", "--format", "json", "--limit", "1000")

    first = run_together(config, tmp_path / "go1", *argv)  # a new database
    for code, _out, err in first:
        assert code == 0 and not any(s in err for s in SIGNS_OF_A_RACE), err[-3000:]
    assert printed(first) == expected()

    for numbers in stories.values():  # news since: all of them queue the same new stories
        numbers.extend(range(8, 20))
    write_feeds()
    second = run_together(config, tmp_path / "go2", *argv)  # an existing database
    for code, _out, err in second:
        assert code == 0 and not any(s in err for s in SIGNS_OF_A_RACE), err[-3000:]
    assert printed(second) == expected() - printed(first)


def test_processes_remembering_one_backlog_together(database_url: str, tmp_path: Path) -> None:
    """A feed's first fetch stores its items without posting them (remember_entries):
    processes doing that at once for the same items all succeed, and each item is
    stored once."""
    paths = [tmp_path / f"f{f}.xml" for f in range(FEEDS)]
    for f, path in enumerate(paths):
        path.write_text(story_feed(f, range(30)), encoding="utf-8")
    config = write_config(tmp_path, [str(p) for p in paths], database_url=database_url)
    feeds_file = tmp_path / "feeds.yaml"
    feeds_file.write_text(
        feeds_file.read_text(encoding="utf-8").replace(
            "announce_backlog: true", "announce_backlog: false"
        ),
        encoding="utf-8",
    )
    results = run_together(config, tmp_path / "go", "digest", "--format", "json")
    for code, out, err in results:
        assert code == 0 and not any(s in err for s in SIGNS_OF_A_RACE), err[-3000:]
        assert out.strip() == "لا جديد"  # a backlog is remembered, not printed
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            count = conn.execute(text("SELECT count(*) FROM articles")).scalar()
    finally:
        engine.dispose()
    assert count == FEEDS * 30


async def test_a_second_run_on_one_sqlite_file_is_refused_until_the_first_dies(
    tmp_path: Path,
) -> None:
    """Two `newsdigest run` on one SQLite file would each post every story (SQLite has no
    row leases): the second exits 1 naming the first; once the first is SIGKILLed, a
    new one starts (the kernel dropped its lock, nothing stale is left)."""
    from tests.fake_telegram import FakeTelegram
    from tests.run_process import BotProcess, FeedServer, wait_until

    token = "777003:RACE-test-token-abcdefghijklmnop"
    database = tmp_path / "one.sqlite3"
    async with FakeTelegram(token) as fake, FeedServer() as feeds:
        feeds.set_feed("/f.xml", story_feed(0, [0]))
        config = write_config(tmp_path, [feeds.url("/f.xml")], database_url=f"sqlite:///{database}")
        env = {"NEWSDIGEST_TELEGRAM_TOKEN": token, "NEWSDIGEST_TELEGRAM_API_URL": fake.api_url}
        first = BotProcess(config, env, tmp_path / "first.log")
        second = BotProcess(config, env, tmp_path / "second.log")
        third = BotProcess(config, env, tmp_path / "third.log")
        try:
            first.start()
            await wait_until(lambda: "newsdigest running" in first.output(), 60, "the first run")
            second.start()
            assert second.proc is not None
            await wait_until(lambda: not second.alive(), 60, "the second run to give up")
            assert second.proc.returncode == 1
            assert f"another `newsdigest run` (pid {first.pid}) is using {database}" in (
                second.output()
            )
            assert first.alive()

            first.kill()
            third.start()
            await wait_until(lambda: "newsdigest running" in third.output(), 60, "a restart")
            assert third.stop() == 0, third.output()[-3000:]
        finally:
            for bot in (first, second, third):
                bot.kill()
