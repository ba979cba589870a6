"""Helpers for tests that run `newsdigest run` as a real child process.

* `story_feed` writes an RSS document of distinct stories; each title carries a marker
  (`ND<feed>S<nn>X`) so a test can tell which stories a Telegram message carried.
* `FeedServer` serves such feeds on 127.0.0.1 (aiohttp, in the test's event loop),
  answers 304 to a matching If-None-Match, counts requests per path and can hold a
  path's requests until the test releases them.
* `write_config` writes a settings file and a feed list into a folder.
* `BotProcess` starts `python -m bot.cli run` with a given environment, kills it with
  SIGKILL or stops it with SIGTERM.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Self
from xml.sax.saxutils import escape

from aiohttp import web

if TYPE_CHECKING:
    from tests.fake_telegram import FakeTelegram

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def fresh_postgres_database(server_url: str, prefix: str) -> Iterator[str]:
    """A new, empty database on the test PostgreSQL server (its URL), dropped afterwards
    even while processes are still connected."""
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


MARKER = re.compile(r"ND(\d+)S(\d+)X")
_LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(_LETTERS) for _ in range(rng.randint(4, 7)))


def story_marker(feed: int, story: int) -> str:
    return f"ND{feed}S{story:02d}X"


def story_feed(feed: int, stories: Iterable[int], *, base_url: str = "http://news.test") -> str:
    """An RSS 2.0 feed whose items are unrelated made-up Arabic texts (so no two of them
    look like the same story to the clusterer), one marker per title."""
    items = []
    for story in stories:
        rng = random.Random(feed * 10_000 + story)
        title = " ".join(_word(rng) for _ in range(5)) + " " + story_marker(feed, story)
        sentences = [" ".join(_word(rng) for _ in range(12)) + "." for _ in range(6)]
        link = f"{base_url}/f{feed}/s{story}"
        items.append(
            "<item>"
            f"<title>{escape(title)}</title><link>{link}</link>"
            f"<guid>{link}</guid>"
            f"<description>{escape(' '.join(sentences))}</description>"
            "<pubDate>Tue, 01 Dec 2026 08:00:00 GMT</pubDate>"
            "</item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<rss version="2.0"><channel>'
        f"<title>feed {feed}</title><link>{base_url}/f{feed}</link>"
        "<description>test feed</description><language>ar</language>"
        + "".join(items)
        + "</channel></rss>"
    )


def markers_in(text: str) -> list[tuple[int, int]]:
    """(feed, story) of every marker in a message."""
    return [(int(f), int(s)) for f, s in MARKER.findall(text)]


class FeedServer:
    """Feeds on 127.0.0.1: `set_feed(path, body)`; ETag = hash of the body."""

    def __init__(self) -> None:
        self.bodies: dict[str, str] = {}
        self.requests: Counter[str] = Counter()
        self.not_modified: Counter[str] = Counter()
        self.holds: dict[str, asyncio.Event] = {}
        self.on_request: Callable[[str], None] | None = None
        self._runner: web.AppRunner | None = None
        self.port = 0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def set_feed(self, path: str, body: str) -> None:
        self.bodies[path] = body

    def hold(self, path: str) -> asyncio.Event:
        """Requests for `path` wait until the returned event is set."""
        event = asyncio.Event()
        self.holds[path] = event
        return event

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        self.requests[path] += 1
        if self.on_request is not None:
            self.on_request(path)
        held = self.holds.get(path)
        if held is not None:
            await held.wait()
        body = self.bodies.get(path)
        if body is None:
            return web.Response(status=404)
        etag = '"' + hashlib.sha1(body.encode()).hexdigest()[:16] + '"'
        if request.headers.get("If-None-Match") == etag:
            self.not_modified[path] += 1
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(
            body=body.encode(),
            headers={"ETag": etag, "Content-Type": "application/rss+xml; charset=utf-8"},
        )

    async def __aenter__(self) -> Self:
        app = web.Application()
        app.router.add_route("GET", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        return self

    async def __aexit__(self, *exc: object) -> None:
        for event in self.holds.values():
            event.set()
        if self._runner is not None:
            await self._runner.cleanup()


def write_config(
    folder: Path,
    feed_urls: Iterable[str],
    *,
    database_url: str,
    interval_minutes: float = 0.05,
) -> Path:
    """settings.yaml + feeds.yaml in `folder`; every feed announces its backlog (so the
    stories already in it are posted) and article pages are not fetched."""
    from bot.settings import DEFAULT_CONFIG_DIR

    feeds = folder / "feeds.yaml"
    feeds.write_text(
        "feeds:\n" + "".join(f"  - url: {u}\n    announce_backlog: true\n" for u in feed_urls),
        encoding="utf-8",
    )
    settings = folder / "settings.yaml"
    settings.write_text(
        f"feeds_file: {feeds}\n"
        f"topics_file: {DEFAULT_CONFIG_DIR / 'topics.yaml'}\n"
        f"database_url: {database_url}\n"
        f"poll:\n  interval_minutes: {interval_minutes}\n"
        "fetch:\n  full_text: false\n  timeout_seconds: 30\n",
        encoding="utf-8",
    )
    return settings


class BotProcess:
    """`newsdigest run` in a child process; its output goes to `log_path` (appended)."""

    def __init__(self, config: Path, env: Mapping[str, str], log_path: Path) -> None:
        self.config = config
        self.env = dict(env)
        self.log_path = log_path
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self) -> None:
        assert self.proc is None or self.proc.poll() is not None, "already running"
        env = {
            k: v for k, v in os.environ.items() if not k.startswith("NEWSDIGEST_")
        }  # nothing from the developer's own set-up
        env.update(self.env)
        env["NEWSDIGEST_CONFIG"] = str(self.config)
        env["PYTHONPATH"] = str(ROOT)
        with self.log_path.open("ab") as log:
            log.write(f"--- start {self.starts + 1}\n".encode())
            log.flush()
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "-v", "run"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.starts += 1

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL: no handler runs, nothing is flushed or committed."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self, timeout: float = 15.0) -> int:
        """SIGTERM and wait for a clean exit; returns the exit code."""
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise

    def output(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def sqlite_rows(path: Path, query: str, *args: object) -> list[tuple[object, ...]]:
    """Read the bot's SQLite file from the test (WAL lets us read while it writes)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    try:
        return list(conn.execute(query, args))
    finally:
        conn.close()


def delivered(fake: FakeTelegram) -> Counter[tuple[int, tuple[int, int]]]:
    """(chat, (feed, story)) -> how many messages the fake Bot API accepted carried it."""
    counts: Counter[tuple[int, tuple[int, int]]] = Counter()
    for message in fake.messages:
        for marker in markers_in(message.plain_text):
            counts[(message.chat_id, marker)] += 1
    return counts


def committed_sent(database: Path) -> set[tuple[str, tuple[int, int]]]:
    """(chat id as stored, (feed, story)) of every outbox row committed as sent in the
    bot's SQLite file."""
    rows = sqlite_rows(
        database,
        "SELECT d.chat_id, a.title FROM deliveries d JOIN articles a ON a.id = d.article_id "
        "WHERE d.state = 'sent'",
    )
    return {(str(chat), marker) for chat, title in rows for marker in markers_in(str(title))}


async def wait_until(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)
