"""`newsdigest doctor`: is this installation ready for `newsdigest run`?

One check per line, each `ok`, `warn`, `FAIL` or `skip`:

- settings: the settings file loads (otherwise nothing else is checked; exit code 2);
- database: reachable, and its schema at the newest migration (a new database, or an
  older schema, is fine: `run` creates or migrates it; doctor itself writes nothing);
- telegram / discord: the token is accepted (`getMe`, `users/@me` at the configured API
  base URLs) and the bot's name;
- one line per feed `run` polls: fetched once (HTTP status, items, newest item date, time
  taken, encoding, Arabic or not) and full-text extraction tried on its newest item;
- health port: free to bind, when `http_port` is set.

A broken feed is a failed line, never the end of the run: every feed is checked within a
bounded time (`--timeout` for the feed, the same again for its article page). Feed URLs
are operator-configured and fetched with the feeds' address policy; item links are
third-party, so their pages are fetched with the strict policy (`fetch.allow_private_urls`,
`fetch.allowed_hosts`). Tokens never appear in the output.

Exit code: 0 when nothing failed (warnings allowed), 1 when a check failed, 2 when the
settings are invalid.
"""

from __future__ import annotations

import argparse
import asyncio
import errno
import json
import os
import socket
import sys
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from digest.arabic import is_arabic
from digest.errors import ConfigError, NewsdigestError
from digest.models import Entry, FeedConfig
from digest.parse import decode_document, parse_feed
from digest.pipeline import ExtractedPage
from digest.ports import Fetcher

from .settings import Settings

OK, WARN, FAIL, SKIP = "ok", "warn", "fail", "skip"
DEFAULT_DISCORD_API = "https://discord.com/api/v10"
# Titles and summaries of this many newest items decide whether a feed is Arabic.
LANGUAGE_SAMPLE_ITEMS = 10

PageLoad = Callable[[str], Awaitable[ExtractedPage]]


@dataclass(frozen=True)
class Check:
    """One line of the report. `data` holds the measured values for `--json`."""

    group: str  # settings | database | telegram | discord | feed | health port
    name: str
    status: str  # ok | warn | fail | skip
    detail: str
    data: Mapping[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "check": self.group,
            "name": self.name,
            "status": self.status,
            "detail": self.detail,
            **dict(self.data),
        }


def exit_code(checks: Sequence[Check]) -> int:
    """0 when nothing failed, else 1. Pure."""
    return 1 if any(c.status == FAIL for c in checks) else 0


def redact(text: str, secrets: Sequence[str]) -> str:
    """`text` with every secret replaced (error texts of HTTP libraries may quote URLs,
    and the Telegram token is part of every Bot API URL). Pure."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "[REDACTED]")
    return text


# --- database -------------------------------------------------------------------------


def check_database(url: str) -> Check:
    """Connect without creating or migrating anything; compare the schema revision with
    the newest migration."""
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from sqlalchemy import create_engine, inspect
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, SQLAlchemyError

    from digest.database import MIGRATIONS

    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        return Check("database", url, FAIL, f"not a database URL: {exc}")
    shown = parsed.render_as_string(hide_password=True)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(config).get_current_head()
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        path = Path(str(parsed.database))
        if not path.exists():
            folder = next((p for p in path.parents if p.exists()), None)
            if folder is None or not os.access(folder, os.W_OK):
                return Check("database", shown, FAIL, f"cannot create {path}: folder not writable")
            return Check(
                "database", shown, OK, "new database: `newsdigest run` creates it", {"new": True}
            )
    try:
        # A server that does not answer must not hold the report up.
        connect_args = {"connect_timeout": 10} if parsed.get_backend_name() == "postgresql" else {}
        engine = create_engine(url, connect_args=connect_args)
        try:
            with engine.connect() as conn:
                tables = set(inspect(conn).get_table_names())
                current = MigrationContext.configure(conn).get_current_revision()
        finally:
            engine.dispose()
    except (SQLAlchemyError, OSError, ImportError) as exc:
        return Check("database", shown, FAIL, f"unreachable: {type(exc).__name__}: {exc}"[:300])
    data = {"revision": current, "newest": head}
    if current == head:
        return Check("database", shown, OK, f"reachable, schema up to date ({head})", data)
    if current is None and not tables:
        return Check("database", shown, OK, "reachable, empty: `newsdigest run` creates it", data)
    return Check(
        "database",
        shown,
        WARN,
        f"reachable, schema at {current or 'unversioned'}, newest {head}: "
        "`newsdigest run` migrates it on start",
        data,
    )


# --- platforms ------------------------------------------------------------------------


async def check_telegram(http: httpx.AsyncClient, settings: Settings, timeout: float) -> Check:
    token = settings.telegram.token.value
    api = settings.telegram.api_url
    if not token:
        return Check("telegram", api, SKIP, "NEWSDIGEST_TELEGRAM_TOKEN is not set")
    try:
        response = await http.get(f"{api}/bot{token}/getMe", timeout=timeout)
        body = response.json() if response.content else {}
    except (httpx.HTTPError, ValueError) as exc:
        detail = f"cannot reach {api}: {type(exc).__name__}: {exc}"
        return Check("telegram", api, FAIL, redact(detail, [token]))
    if response.status_code == 200 and isinstance(body, dict) and body.get("ok"):
        me = body.get("result") or {}
        name = f"@{me.get('username', '?')}"
        return Check(
            "telegram",
            api,
            OK,
            f"token accepted: {name} ({me.get('first_name', '')})",
            {"bot": name},
        )
    description = body.get("description", "") if isinstance(body, dict) else ""
    detail = f"token refused: HTTP {response.status_code} {description}".strip()
    return Check("telegram", api, FAIL, redact(detail, [token]))


async def check_discord(http: httpx.AsyncClient, settings: Settings, timeout: float) -> Check:
    token = settings.discord.token.value
    api = (settings.discord.api_url or DEFAULT_DISCORD_API).rstrip("/")
    if not token:
        return Check("discord", api, SKIP, "NEWSDIGEST_DISCORD_TOKEN is not set")
    try:
        response = await http.get(
            f"{api}/users/@me", headers={"Authorization": f"Bot {token}"}, timeout=timeout
        )
        body = response.json() if response.content else {}
    except (httpx.HTTPError, ValueError) as exc:
        detail = f"cannot reach {api}: {type(exc).__name__}: {exc}"
        return Check("discord", api, FAIL, redact(detail, [token]))
    if response.status_code == 200 and isinstance(body, dict) and body.get("username"):
        name = str(body["username"])
        return Check("discord", api, OK, f"token accepted: {name}", {"bot": name})
    message = body.get("message", "") if isinstance(body, dict) else ""
    detail = f"token refused: HTTP {response.status_code} {message}".strip()
    return Check("discord", api, FAIL, redact(detail, [token]))


def no_platform(checks: Sequence[Check]) -> Check | None:
    """A failed line when neither platform has a token: `run` would refuse to start."""
    if all(c.status == SKIP for c in checks if c.group in ("telegram", "discord")):
        return Check(
            "platforms",
            "tokens",
            FAIL,
            "no bot token: `run` needs NEWSDIGEST_TELEGRAM_TOKEN and/or NEWSDIGEST_DISCORD_TOKEN",
        )
    return None


# --- health port ----------------------------------------------------------------------


def check_port(port: int | None) -> Check:
    if not port:
        return Check("health port", "-", SKIP, "http_port is not set")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError as exc:
            why = "in use (is `newsdigest run` already running?)"
            if exc.errno != errno.EADDRINUSE:
                why = f"cannot bind: {exc.strerror or exc}"
            return Check("health port", str(port), FAIL, f"127.0.0.1:{port} {why}")
    return Check("health port", str(port), OK, f"127.0.0.1:{port} is free")


# --- feeds ----------------------------------------------------------------------------


def newest_entry(entries: Sequence[Entry]) -> Entry | None:
    """The item with the latest date; feeds without dates list the newest first. Pure."""
    if not entries:
        return None
    dated = [e for e in entries if e.published is not None]
    if dated:
        return max(dated, key=lambda e: e.published or datetime.min)
    return entries[0]


def feed_language_is_arabic(entries: Sequence[Entry]) -> bool:
    """Whether the newest items' titles and summaries are mostly Arabic letters. Pure."""
    sample = " ".join(f"{e.title} {e.summary[:300]}" for e in entries[:LANGUAGE_SAMPLE_ITEMS])
    return is_arabic(sample)


@dataclass
class FeedDoctor:
    """Checks one feed at a time; never raises for a feed's problems."""

    fetcher: Fetcher
    load_page: PageLoad  # article pages: the strict address policy
    timeout: float
    monotonic: Callable[[], float] = time.monotonic

    async def check(self, feed: FeedConfig) -> Check:
        name = feed.name or feed.url
        started = self.monotonic()
        data: dict[str, Any] = {"url": feed.url}
        try:
            result = await asyncio.wait_for(
                self.fetcher.fetch(feed.url, etag=None, last_modified=None), self.timeout
            )
            # Parsing a large feed takes a while: off the loop, so other checks go on.
            parsed = await asyncio.to_thread(
                parse_feed, result.content, url=feed.url, content_type=result.content_type
            )
        except TimeoutError:
            data["seconds"] = round(self.monotonic() - started, 2)
            return Check(
                "feed", name, FAIL, f"{feed.url}: no answer within {self.timeout:g} s", data
            )
        except NewsdigestError as exc:
            data["seconds"] = round(self.monotonic() - started, 2)
            return Check("feed", name, FAIL, str(exc), data)
        except Exception as exc:  # one broken feed must not stop the others' checks
            data["seconds"] = round(self.monotonic() - started, 2)
            return Check("feed", name, FAIL, f"{feed.url}: {type(exc).__name__}: {exc}", data)
        seconds = self.monotonic() - started
        entries = parsed.entries
        newest = newest_entry(entries)
        arabic = feed_language_is_arabic(entries) if entries else None
        is_json = result.content.lstrip()[:1] in (b"{", b"[")
        encoding = (
            "utf-8 (JSON)"
            if is_json
            else decode_document(result.content, result.content_type).encoding
        )
        data.update(
            http_status=result.http_status,
            items=len(entries),
            newest=newest.published.isoformat() if newest and newest.published else None,
            seconds=round(seconds, 2),
            encoding=encoding,
            arabic=arabic,
        )
        full_text = await self._full_text(newest)
        data["full_text"] = full_text
        parts = [
            f"HTTP {result.http_status}" if result.http_status else "file",
            f"{len(entries)} items",
            f"newest {newest.published:%Y-%m-%d %H:%M}"
            if newest and newest.published
            else "no item dates",
            f"{seconds:.1f} s",
            encoding,
            "Arabic" if arabic else ("not Arabic" if arabic is False else "no text"),
            full_text["detail"],
        ]
        status = OK
        if not entries:
            status, parts[1] = WARN, "no items"
        elif (not arabic and feed.language == "ar") or not full_text["ok"]:
            status = WARN
        return Check("feed", name, status, f"{feed.url}: " + ", ".join(parts), data)

    async def _full_text(self, entry: Entry | None) -> dict[str, Any]:
        if entry is None or not entry.url:
            return {"ok": False, "detail": "full text: no item link"}
        try:
            page = await asyncio.wait_for(self.load_page(entry.url), self.timeout)
        except TimeoutError:
            return {"ok": False, "detail": f"full text: page took over {self.timeout:g} s"}
        except NewsdigestError as exc:
            reason = getattr(exc, "reason", str(exc))
            return {"ok": False, "detail": f"full text failed: {reason}", "url": entry.url}
        except Exception as exc:  # an odd page is a warning of this feed, nothing more
            return {"ok": False, "detail": f"full text failed: {type(exc).__name__}"}
        chars = len(page.text)
        return {"ok": True, "detail": f"full text {chars:,} chars", "chars": chars}


async def check_feeds(
    doctor: FeedDoctor,
    feeds: Sequence[FeedConfig],
    *,
    concurrency: int = 4,
    on_done: Callable[[Check], None] = lambda c: None,
) -> list[Check]:
    """Every feed checked, `concurrency` at a time; results in the feeds' order."""
    semaphore = asyncio.Semaphore(concurrency)

    async def one(feed: FeedConfig) -> Check:
        async with semaphore:
            check = await doctor.check(feed)
        on_done(check)
        return check

    return list(await asyncio.gather(*(one(f) for f in feeds)))


# --- the command ----------------------------------------------------------------------


def add_doctor_parser(sub: Any) -> None:
    d = sub.add_parser("doctor", help="check settings, database, tokens and every feed")
    d.add_argument("--json", action="store_true", help="print the report as JSON")
    d.add_argument(
        "--timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help="most time for one feed, and again for its article page "
        "(default: fetch.timeout_seconds)",
    )


async def run_checks(
    settings: Settings,
    *,
    timeout: float,
    on_check: Callable[[Check], None],
    on_feeds: Callable[[int], None] = lambda n: None,
) -> list[Check]:
    """Every check after the settings one, reported through `on_check` as each ends."""
    from .bootstrap import build_fetchers
    from .feed_selection import run_feeds

    checks: list[Check] = []

    def report(check: Check) -> None:
        checks.append(check)
        on_check(check)

    report(await asyncio.to_thread(check_database, settings.database_url))
    async with httpx.AsyncClient(follow_redirects=False) as http:
        report(await check_telegram(http, settings, timeout))
        report(await check_discord(http, settings, timeout))
    missing = no_platform(checks)
    if missing:
        report(missing)
    fetcher, _feed_pages, strict_pages, closers = build_fetchers(settings)
    try:
        feeds = [f for f in run_feeds(settings) if f.enabled]
        on_feeds(len(feeds))
        if not feeds:
            report(Check("feed", "-", FAIL, "no enabled feed: `run` would have nothing to post"))
        doctor = FeedDoctor(fetcher, strict_pages, timeout)
        await check_feeds(doctor, feeds, on_done=report)
    finally:
        for close in closers:
            await close()
    report(check_port(settings.http_port))
    return checks


def cmd_doctor(args: argparse.Namespace) -> int:
    """The `doctor` command. Returns the exit code."""
    from .settings import default_config_path, load_settings

    path = Path(args.config).expanduser() if args.config else default_config_path()
    try:
        settings = load_settings(path)
    except ConfigError as exc:
        check = Check("settings", str(path), FAIL, str(exc))
        _emit([check], args.json, settings_only=True)
        return 2
    from .feed_selection import run_feeds

    polled = [f for f in run_feeds(settings) if f.enabled]
    samples = [f for f in settings.feeds if f.sample and f not in polled]
    left_out = f" ({len(samples)} demo samples left out)" if samples else ""
    first = Check(
        "settings", str(path), OK, f"{path}: valid; run polls {len(polled)} feeds{left_out}"
    )
    timeout = args.timeout or settings.fetch.timeout_seconds
    if args.json:
        checks = asyncio.run(run_checks(settings, timeout=timeout, on_check=lambda c: None))
        _emit([first, *checks], True)
        return exit_code(checks)
    return asyncio.run(_interactive(first, settings, timeout))


async def _interactive(first: Check, settings: Settings, timeout: float) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    out = Console(highlight=False)
    if not out.is_terminal:
        out.width = 160  # a log file or pipe: keep table rows on one line
    out.print(line(first), markup=False, soft_wrap=True)
    # Lines printed on the same console while the bar runs appear above it.
    progress = Progress(
        TextColumn("checking feeds"),
        BarColumn(),
        MofNCompleteColumn(),
        console=out,
        transient=True,
        disable=not out.is_terminal,
    )
    task = progress.add_task("feeds", total=None)

    def on_check(check: Check) -> None:
        out.print(line(check), markup=False, soft_wrap=True)
        if check.group == "feed":
            progress.advance(task)

    with progress:
        checks = await run_checks(
            settings,
            timeout=timeout,
            on_check=on_check,
            on_feeds=lambda count: progress.update(task, total=count),
        )
    out.print(summary_table([first, *checks]))
    out.print(verdict(checks), markup=False, soft_wrap=True)
    return exit_code(checks)


_MARK = {OK: "ok  ", WARN: "warn", FAIL: "FAIL", SKIP: "skip"}


def line(check: Check) -> str:
    """The one line a check prints. Pure."""
    where = f" {check.name}" if check.group == "feed" else ""
    return f"[{_MARK[check.status]}] {check.group}{where}: {check.detail}"


def verdict(checks: Sequence[Check]) -> str:
    """The closing line: counts, and what a failure means for `run`. Pure."""
    failed = [c for c in checks if c.status == FAIL]
    warned = [c for c in checks if c.status == WARN]
    feeds = [c for c in checks if c.group == "feed" and c.data]
    working = [c for c in feeds if c.status != FAIL]
    counts = f"feeds working: {len(working)} of {len(feeds)}; "
    if not failed:
        return counts + f"ready for `newsdigest run` ({len(warned)} warnings)"
    return counts + (
        f"{len(failed)} checks failed, {len(warned)} warnings: see the FAIL lines "
        "(a failing feed does not stop `run`: it is retried, and switched off after "
        "poll.max_failures failures in a row)"
    )


def summary_table(checks: Sequence[Check]) -> Any:
    """The feeds' measured values side by side (rich Table)."""
    from rich.table import Table

    table = Table(title="feeds")
    columns = ("feed", "status", "HTTP", "items", "newest", "time", "encoding", "Arabic")
    for column in (*columns, "full text"):
        table.add_column(column)
    for c in checks:
        if c.group != "feed" or not c.data:
            continue
        d = c.data
        full = d.get("full_text") or {}
        table.add_row(
            c.name,
            _MARK[c.status].strip(),
            "" if d.get("http_status") is None else str(d["http_status"]),
            "" if d.get("items") is None else str(d["items"]),
            (d.get("newest") or "")[:16].replace("T", " "),
            "" if d.get("seconds") is None else f"{d['seconds']:.1f} s",
            d.get("encoding") or "",
            {True: "yes", False: "no"}.get(d["arabic"], "") if "arabic" in d else "",
            ("" if not full else f"{full['chars']:,} chars" if full.get("ok") else "no"),
        )
    return table


def _emit(checks: Sequence[Check], as_json: bool, *, settings_only: bool = False) -> None:
    if as_json:
        document = {"ok": exit_code(checks) == 0, "checks": [c.as_json() for c in checks]}
        print(json.dumps(document, ensure_ascii=False, indent=2))
        return
    for check in checks:
        print(line(check), file=sys.stderr if settings_only else sys.stdout)
