"""Load: poll 2,000 feeds and deliver to 1,000 chats through the real stack (issue 7.5).

    .venv/bin/python bench/load.py [--feeds 2000] [--chats 1000] [--rounds 4] [--items 10]

* Feeds: a separate process serves N feeds on 127.0.0.1 (aiohttp). Every feed has
  `--items` stories at first; from round 2 on, a tenth of the feeds get one new story
  per round (the oldest drops out); the others answer 304 to If-None-Match.
* The real pipeline, built by `bot.bootstrap.bootstrap` from a settings file listing
  the N feed URLs: HttpFetcher, parse, dedup, extractive summarizer, classifier,
  clusterer, SqlStorage on SQLite. Rounds are `Pipeline.poll(due_only=True)` with a
  FakeClock moved on by the poll interval, as `newsdigest run` polls, planning each
  feed's new stories with DeliveryPlanner (as the runtime does).
* Delivery: 1,000 private chats, each following one keyword; each new story names the
  keywords of about chats/(feeds/10) chats, so every chat gets one post per round.
  DeliveryWorker + the Telegram route (TelegramSender over python-telegram-bot) to the
  fake Bot API of tests/fake_telegram.py, which enforces Telegram's limits (30 msg/s
  overall, 1/s per private chat) and answers 429 beyond them.

Prints round times (first and steady state), peak memory, the delivery rate against
the allowed 30/s, 429 answers, lost and duplicate posts, and PASS/FAIL per goal.
Always exits 0: numbers, not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import multiprocessing
import random
import re
import resource
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.bootstrap import bootstrap  # noqa: E402
from bot.chat import Invocation, PlatformGate, Reply  # noqa: E402
from bot.delivery import DeliveryPlanner, DeliveryWorker  # noqa: E402
from bot.settings import DEFAULT_CONFIG_DIR, load_settings  # noqa: E402
from bot.telegram.app import TelegramBot  # noqa: E402
from digest.clock import FakeClock  # noqa: E402
from digest.models import ChatKind, ChatRef, ChatSettings, Platform  # noqa: E402
from tests.fake_telegram import FakeTelegram  # noqa: E402

TOKEN = "123456:load-bench-token-not-a-secret"
ALLOWED_RATE = 30.0  # Telegram: about 30 messages per second overall
MARKER = re.compile(r"LD(\d+)S(\d+)X")
_LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"

# --- the feeds (served by a child process) ----------------------------------------------


def keyword(chat: int) -> str:
    return f"kwd{chat:04d}"


@dataclass(frozen=True)
class FeedPlan:
    """Which stories feed f shows after round r (pure, shared by server and checker)."""

    feeds: int
    chats: int
    items: int
    words: tuple[str, ...] = ()

    def changed(self, feed: int, round_no: int) -> bool:
        return round_no >= 2 and feed % 10 == round_no % 10

    def stories(self, feed: int, round_no: int) -> list[int]:
        """Story numbers visible in the feed, newest first."""
        new = [r for r in range(2, round_no + 1) if self.changed(feed, r)]
        numbers = list(range(self.items)) + [self.items + i for i in range(len(new))]
        return list(reversed(numbers))[: self.items]

    def round_of(self, feed: int, story: int) -> int | None:
        """The round in which a story appeared (None: there from the start)."""
        if story < self.items:
            return None
        rounds = [r for r in range(2, 10_000) if self.changed(feed, r)]
        return rounds[story - self.items]

    def changed_feeds(self, round_no: int) -> list[int]:
        return [f for f in range(self.feeds) if self.changed(f, round_no)]

    def chats_for(self, feed: int, round_no: int) -> list[int]:
        """The chats whose keyword the story added to `feed` in `round_no` names."""
        changed = self.changed_feeds(round_no)
        if feed not in changed or not changed:
            return []
        per_story = math.ceil(self.chats / len(changed))
        index = changed.index(feed)
        return list(range(index * per_story, min(self.chats, (index + 1) * per_story)))


def vocabulary(size: int) -> list[str]:
    """`size` made-up Arabic words (a news site's vocabulary is bounded; word caches and
    indexes in the pipeline saturate at its size, as they would on real feeds)."""
    rng = random.Random(7)
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(_LETTERS) for _ in range(rng.randint(3, 8))))
    return sorted(words)


def _words(rng: random.Random, count: int, words: Sequence[str]) -> str:
    if not words:  # --vocabulary 0: every word new
        return " ".join(
            "".join(rng.choice(_LETTERS) for _ in range(rng.randint(4, 7))) for _ in range(count)
        )
    return " ".join(rng.choice(words) for _ in range(count))


def item_xml(plan: FeedPlan, feed: int, story: int) -> str:
    rng = random.Random(feed * 100_003 + story)
    appeared = plan.round_of(feed, story)
    keywords = " ".join(keyword(c) for c in plan.chats_for(feed, appeared)) if appeared else ""
    title = f"{_words(rng, 5, plan.words)} LD{feed}S{story}X"
    body = " ".join(f"{_words(rng, 12, plan.words)}." for _ in range(6))
    if keywords:
        body = f"{body} {keywords}."
    link = f"http://news.bench/f{feed}/s{story}"
    return (
        f"<item><title>{escape(title)}</title><link>{link}</link><guid>{link}</guid>"
        f"<description>{escape(body)}</description>"
        "<pubDate>Tue, 01 Dec 2026 08:00:00 GMT</pubDate></item>"
    )


def serve_feeds(plan: FeedPlan, ports: multiprocessing.Queue[int]) -> None:  # child process
    from aiohttp import web

    state = {"round": 1}
    items: dict[tuple[int, int], str] = {}
    bodies: dict[tuple[int, tuple[int, ...]], bytes] = {}
    counts: Counter[str] = Counter()

    def body(feed: int, stories: list[int]) -> bytes:
        key = (feed, tuple(stories))
        cached = bodies.get(key)
        if cached is None:
            parts = []
            for story in stories:
                xml = items.get((feed, story))
                if xml is None:
                    xml = items[(feed, story)] = item_xml(plan, feed, story)
                parts.append(xml)
            cached = bodies[key] = (
                '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                f"<title>bench feed {feed}</title><link>http://news.bench/f{feed}</link>"
                "<description>load bench</description><language>ar</language>"
                + "".join(parts)
                + "</channel></rss>"
            ).encode()
        return cached

    async def feed_handler(request: web.Request) -> web.Response:
        feed = int(request.match_info["feed"])
        stories = plan.stories(feed, state["round"])
        etag = f'"{feed}-{stories[0]}"'
        if request.headers.get("If-None-Match") == etag:
            counts["304"] += 1
            return web.Response(status=304, headers={"ETag": etag})
        counts["200"] += 1
        return web.Response(
            body=body(feed, stories),
            headers={"ETag": etag, "Content-Type": "application/rss+xml; charset=utf-8"},
        )

    async def round_handler(request: web.Request) -> web.Response:
        answer = f"{counts['200']} {counts['304']}"
        counts.clear()
        state["round"] = int(request.match_info["n"])
        return web.Response(text=answer)

    async def main() -> None:
        app = web.Application()
        app.router.add_get("/f{feed}.xml", feed_handler)
        app.router.add_get("/_round/{n}", round_handler)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
        await site.start()
        ports.put(int(runner.addresses[0][1]))
        await asyncio.Event().wait()

    asyncio.run(main())


# --- the bench ---------------------------------------------------------------------------


class NoCommands:
    async def handle(self, inv: Invocation, gate: PlatformGate) -> Reply:
        return Reply(text="bench")


@dataclass
class RoundResult:
    number: int
    poll_seconds: float
    fetched_200: int
    fetched_304: int
    new_articles: int
    queued: int
    drain_seconds: float = 0.0
    messages: int = 0
    rate: float = float("nan")
    rss_mb: float = 0.0
    errors: list[str] = field(default_factory=list)


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def write_settings(folder: Path, port: int, feeds: int) -> Path:
    feed_file = folder / "feeds.yaml"
    feed_file.write_text(
        "feeds:\n" + "".join(f"  - url: http://127.0.0.1:{port}/f{f}.xml\n" for f in range(feeds)),
        encoding="utf-8",
    )
    settings = folder / "settings.yaml"
    settings.write_text(
        f"feeds_file: {feed_file}\ntopics_file: {DEFAULT_CONFIG_DIR / 'topics.yaml'}\n"
        f"database_url: sqlite:///{folder / 'load.sqlite3'}\n"
        "poll:\n  interval_minutes: 15\n"
        "fetch:\n  full_text: false\n  timeout_seconds: 60\n",
        encoding="utf-8",
    )
    return settings


async def control(port: int, round_no: int) -> tuple[int, int]:
    import httpx

    async with httpx.AsyncClient() as client:
        answer = (await client.get(f"http://127.0.0.1:{port}/_round/{round_no}")).text
    ok, not_modified = answer.split()
    return int(ok), int(not_modified)


def rate_of(times: Sequence[float]) -> float:
    if len(times) < 2:
        return float("nan")
    span = times[-1] - times[0]
    return (len(times) - 1) / span if span > 0 else float("nan")


async def run(args: argparse.Namespace) -> None:
    plan = FeedPlan(args.feeds, args.chats, args.items, tuple(vocabulary(args.vocabulary)))
    ports: multiprocessing.Queue[int] = multiprocessing.Queue()
    server = multiprocessing.Process(target=serve_feeds, args=(plan, ports), daemon=True)
    server.start()
    port = ports.get(timeout=30)
    if args.tracemalloc:
        tracemalloc.start()
    results: list[RoundResult] = []
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(write_settings(Path(tmp), port, args.feeds), env={})
        clock = FakeClock(datetime(2026, 12, 1, 8, 0, tzinfo=UTC))
        started = time.monotonic()
        services = bootstrap(settings, clock=clock)
        print(
            f"bootstrap (sync {args.feeds} feeds): {time.monotonic() - started:.1f} s, "
            f"RSS {rss_mb():.0f} MB"
        )
        storage = services.storage
        async with FakeTelegram(TOKEN) as fake:
            for chat in range(args.chats):
                chat_id = 100_000 + chat
                fake.add_chat(chat_id, "private")
                storage.save_chat(
                    ChatSettings(
                        chat=ChatRef(Platform.TELEGRAM, str(chat_id), ChatKind.PRIVATE),
                        keywords=frozenset({keyword(chat)}),
                    )
                )
            bot = TelegramBot(TOKEN, command_service=NoCommands(), api_base_url=fake.api_url)
            await bot.application.initialize()
            limits = bot.route.limiter.limits
            ceiling = limits.overall.count / (limits.overall.period + limits.margin)
            planner = DeliveryPlanner(storage, clock, platforms=(Platform.TELEGRAM,))
            worker = DeliveryWorker(
                storage, {Platform.TELEGRAM: bot.route}, clock, stories=services.pipeline
            )
            try:
                for number in range(1, args.rounds + 1):
                    await control(port, number)
                    queued = 0

                    def plan_posts(ids: Sequence[int]) -> None:
                        nonlocal queued
                        queued += planner.enqueue_article_ids(ids)

                    t0 = time.monotonic()
                    report = await services.pipeline.poll(
                        owner="bench", due_only=True, plan=plan_posts
                    )
                    poll_seconds = time.monotonic() - t0
                    ok, not_modified = await control(port, number)
                    result = RoundResult(
                        number,
                        poll_seconds,
                        ok,
                        not_modified,
                        len(report.new_article_ids),
                        queued,
                        errors=[f"{f.url}: {f.error}" for f in report.errors],
                    )
                    before = len(fake.messages)
                    t1 = time.monotonic()
                    await worker.drain()
                    result.drain_seconds = time.monotonic() - t1
                    sent = fake.messages[before:]
                    result.messages = len(sent)
                    result.rate = rate_of([m.at for m in sent])
                    result.rss_mb = rss_mb()
                    results.append(result)
                    print(
                        f"round {number}: poll {poll_seconds:6.1f} s  "
                        f"(200: {ok}, 304: {not_modified}, new articles: "
                        f"{result.new_articles}, errors: {len(result.errors)})  "
                        f"queued {queued}  delivered {len(sent)} in "
                        f"{result.drain_seconds:.1f} s  rate {result.rate:.1f}/s  "
                        f"peak RSS {result.rss_mb:.0f} MB",
                        flush=True,
                    )
                    for error in result.errors[:3]:
                        print(f"    error: {error}")
                    clock.advance(timedelta(minutes=15))
            finally:
                await bot.application.shutdown()
            counts: Counter[tuple[int, tuple[int, int]]] = Counter()
            for message in fake.messages:
                for feed_no, story in MARKER.findall(message.plain_text):
                    counts[(message.chat_id, (int(feed_no), int(story)))] += 1
            rate_limited = len(fake.rate_limited)
            top_allocations = (
                tracemalloc.take_snapshot().statistics("lineno") if args.tracemalloc else []
            )
        await services.aclose()
    server.terminate()
    server.join(5)

    expected: set[tuple[int, tuple[int, int]]] = set()
    for number in range(2, args.rounds + 1):
        for feed in plan.changed_feeds(number):
            story = plan.stories(feed, number)[0]
            for chat in plan.chats_for(feed, number):
                expected.add((100_000 + chat, (feed, story)))
    lost = expected - set(counts)
    duplicates = sum(n - 1 for n in counts.values() if n > 1)
    unexpected = set(counts) - expected

    steady = results[1:]
    first = results[0]
    worst_steady = max((r.poll_seconds for r in steady), default=float("nan"))
    rates = [r.rate for r in steady if r.messages > 1]
    mean_rate = sum(rates) / len(rates) if rates else float("nan")
    peak = rss_mb()
    print()
    print(
        f"feeds {args.feeds}, chats {args.chats}, rounds {args.rounds}, "
        f"items/feed {args.items}, vocabulary {args.vocabulary or 'unbounded'}"
    )
    print(
        f"first round (every feed new, {first.new_articles} articles): {first.poll_seconds:.1f} s"
    )
    if steady:
        times = ", ".join(f"{r.poll_seconds:.1f}" for r in steady)
        print(f"steady rounds (a tenth changed, rest 304): {times} s (worst {worst_steady:.1f})")
    print(f"peak RSS: {peak:.0f} MB")
    if args.tracemalloc:
        _, traced_peak = tracemalloc.get_traced_memory()
        print(f"tracemalloc peak (Python objects): {traced_peak / 2**20:.0f} MB")
        for stat in top_allocations[:12]:
            print(f"    {stat.size / 2**20:6.1f} MB  {stat.traceback[0]}")
    print(
        f"delivery rate: {mean_rate:.1f} msg/s of {ALLOWED_RATE:.0f} allowed "
        f"({', '.join(f'{r:.1f}' for r in rates)})"
    )
    print(
        f"  (our limiter's ceiling: {ceiling:.1f}/s = {limits.overall.count} per "
        f"{limits.overall.period:g} s + {limits.margin:g} s margin)"
    )
    print(f"429 answers: {rate_limited}")
    print(
        f"posts expected {len(expected)}, delivered {sum(counts.values())}, lost {len(lost)}, "
        f"duplicates {duplicates}, unexpected {len(unexpected)}"
    )
    print()

    def goal(name: str, ok: bool) -> None:
        print(f"{'PASS' if ok else 'FAIL'}  {name}")

    goal(f"steady poll round < 60 s (worst {worst_steady:.1f} s)", worst_steady < 60)
    goal(f"first poll round < 60 s ({first.poll_seconds:.1f} s)", first.poll_seconds < 60)
    goal(f"peak RSS < 300 MB ({peak:.0f} MB)", peak < 300)
    goal(
        f"delivery within 10% of {ALLOWED_RATE:.0f}/s ({mean_rate:.1f}/s)",
        mean_rate >= 0.9 * ALLOWED_RATE,
    )
    goal(f"zero 429s ({rate_limited})", rate_limited == 0)
    goal(
        f"nothing lost, nothing twice (lost {len(lost)}, duplicates {duplicates})",
        not lost and duplicates == 0 and not unexpected,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--feeds", type=int, default=2000)
    parser.add_argument("--chats", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--items", type=int, default=10, help="stories per feed")
    parser.add_argument(
        "--vocabulary", type=int, default=30_000, help="distinct words (0: all words new)"
    )
    parser.add_argument(
        "--tracemalloc", action="store_true", help="also trace Python allocations (slower)"
    )
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
