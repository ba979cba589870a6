"""Delivery benchmarks: recipient planning, outbox worker overhead, real-time send rate.

    .venv/bin/python bench/delivery.py [--chats 1000] [--articles 200] [--realtime 300]

Prints numbers; asserts nothing (speed goals are read off these figures).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path

from bot.chat import OutgoingMessage
from bot.delivery import (
    TELEGRAM_LIMITS,
    DeliveryPlanner,
    DeliveryWorker,
    PlatformRoute,
    RateLimiter,
    plan_recipients,
)
from digest.clock import FakeClock, SystemClock
from digest.models import (
    Article,
    ChatKind,
    ChatRef,
    ChatSettings,
    Entry,
    FeedConfig,
    Platform,
    Story,
    TopicMatch,
)
from digest.storage import SqlStorage

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SLUGS = ("ai", "phones", "security", "space", "games", "startups")
TEXT = (
    "أعلنت شركة ديب سيك الصينية عن نموذج جديد للذكاء الاصطناعي ينافس النماذج الأمريكية "
    "بتكلفة أقل، وقالت الشركة إن النموذج متاح مفتوح المصدر للمطورين والباحثين. "
) * 12
KEYWORDS = ("DeepSeek", "نفيديا", "Apple", "سامسونج", "OpenAI", "آيفون")


def chats(count: int, rng: random.Random) -> list[ChatSettings]:
    out = []
    for i in range(count):
        topics = frozenset(rng.sample(SLUGS, rng.randint(1, 3)))
        keywords = frozenset(rng.sample(KEYWORDS, 1)) if rng.random() < 0.2 else frozenset()
        out.append(
            ChatSettings(ChatRef(Platform.TELEGRAM, str(i)), topics=topics, keywords=keywords)
        )
    return out


def articles(count: int, rng: random.Random) -> list[Article]:
    return [
        Article(
            id=i + 1,
            feed_url="https://tech.example/feed",
            title=f"خبر تقني رقم {i}",
            url=f"https://tech.example/{i}",
            canonical_url=None,
            guid=None,
            text=TEXT,
            published=None,
            fetched_at=T0,
            topics=(TopicMatch(rng.choice(SLUGS), 1.0),),
        )
        for i in range(count)
    ]


def bench_planning(n_chats: int, n_articles: int) -> None:
    rng = random.Random(7)
    all_chats = chats(n_chats, rng)
    stored = articles(n_articles, rng)
    start = time.perf_counter()
    pairs = sum(len(plan_recipients(a, all_chats)) for a in stored)
    elapsed = time.perf_counter() - start
    print(
        f"plan_recipients: {n_articles} articles x {n_chats} chats -> {pairs} deliveries "
        f"in {elapsed:.2f} s ({n_articles / elapsed:.0f} articles/s)"
    )


class NullSender:
    def __init__(self) -> None:
        self.count = 0

    async def send(self, chat: ChatRef, message: OutgoingMessage) -> str:
        self.count += 1
        return str(self.count)


def one_message(
    stories: Sequence[Story], header: str | None, language: str, zone: tzinfo = UTC
) -> list[OutgoingMessage]:
    return [OutgoingMessage(text="\n".join(s.title for s in stories))]


async def bench_worker(n_chats: int) -> None:
    """Outbox overhead: storage + worker bookkeeping per message, rate limits lifted."""
    with tempfile.TemporaryDirectory() as folder:
        storage = SqlStorage.from_url(f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
        storage.sync_feeds([FeedConfig(url="https://tech.example/feed", name="bench")])
        added = storage.add_article(
            Entry(feed_url="https://tech.example/feed", title="خبر", url="https://tech.example/a"),
            keys=["a"],
            text=TEXT,
            canonical_url=None,
            fetched_at=T0,
            bullets=("أ", "ب", "ج"),
            summary_method="bench",
            topics=(TopicMatch("ai", 1.0),),
            is_tech=True,
            announce=True,
        )
        assert added is not None
        for i in range(n_chats):
            storage.save_chat(
                ChatSettings(ChatRef(Platform.TELEGRAM, str(i)), topics=frozenset({"ai"}))
            )
        clock = FakeClock(T0 + timedelta(minutes=1))
        start = time.perf_counter()
        queued = DeliveryPlanner(storage, clock).enqueue_instant([added])
        planned = time.perf_counter() - start

        async def no_sleep(seconds: float) -> None:
            clock.advance(seconds)

        sender = NullSender()
        limiter = RateLimiter(TELEGRAM_LIMITS, clock, no_sleep)
        worker = DeliveryWorker(
            storage, {Platform.TELEGRAM: PlatformRoute(sender, one_message, limiter)}, clock
        )
        start = time.perf_counter()
        report = await worker.drain()
        elapsed = time.perf_counter() - start
        virtual = (clock.now() - T0 - timedelta(minutes=1)).total_seconds()
        print(
            f"enqueue_instant: {queued} rows in {planned:.2f} s; worker: {report.sent} sent in "
            f"{elapsed:.2f} s wall ({report.sent / elapsed:.0f} msg/s of CPU headroom), "
            f"{virtual:.1f} s of planned send time ({report.sent / virtual:.1f} msg/s)"
        )
        storage.close()


async def bench_realtime(n_messages: int) -> None:
    """The limiter on the real clock: the achieved rate against Telegram's 30 msg/s."""
    limiter = RateLimiter(TELEGRAM_LIMITS, SystemClock())
    stamps = []
    for i in range(n_messages):
        await limiter.acquire(ChatRef(Platform.TELEGRAM, str(i), ChatKind.PRIVATE))
        stamps.append(time.perf_counter())
    window = max(sum(1 for t in stamps if s <= t < s + 1.0) for s in stamps)
    rate = (len(stamps) - 1) / (stamps[-1] - stamps[0])
    print(f"real-time limiter: {n_messages} sends at {rate:.1f} msg/s, busiest 1 s window {window}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chats", type=int, default=1000)
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--realtime", type=int, default=150)
    args = parser.parse_args()
    bench_planning(args.chats, args.articles)
    asyncio.run(bench_worker(args.chats))
    if args.realtime:
        asyncio.run(bench_realtime(args.realtime))


if __name__ == "__main__":
    main()
