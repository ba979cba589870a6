"""Broadcast stories to N Telegram chats through the real stack and print the rate.

    .venv/bin/python bench/telegram_broadcast.py [--chats 404] [--groups 0] [--stories 1 3]

Runs once per `--stories` value (stories per chat, each its own message): 1 is the plain
fan-out, 3 is where per-chat pacing (1 message/s in a private chat) competes with the
overall limit (30/s).

TelegramBot (python-telegram-bot over HTTP) + DeliveryWorker + SQLite, against the fake
Bot API of tests/fake_telegram.py on 127.0.0.1, which enforces Telegram's flood limits.
Prints the achieved rate and how many 429s the fake answered; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.chat import Invocation, PlatformGate, Reply  # noqa: E402
from bot.delivery import DeliveryPlanner, DeliveryWorker  # noqa: E402
from bot.telegram.app import TelegramBot  # noqa: E402
from digest.clock import FakeClock  # noqa: E402
from digest.identity import article_keys  # noqa: E402
from digest.models import (  # noqa: E402
    ChatKind,
    ChatRef,
    ChatSettings,
    Entry,
    FeedConfig,
    Platform,
    TopicMatch,
)
from digest.storage import SqlStorage  # noqa: E402
from tests.fake_telegram import FakeTelegram  # noqa: E402

TOKEN = "123456:bench-token-not-a-secret"
FEED = "https://bench.example/feed.xml"


class NoCommands:
    async def handle(self, inv: Invocation, gate: PlatformGate) -> Reply:
        return Reply(text="bench")


async def run(chats: int, groups: int, stories: int) -> None:
    now = datetime(2026, 3, 1, 6, 0, tzinfo=UTC)
    with tempfile.TemporaryDirectory() as tmp:
        storage = SqlStorage.from_url(f"sqlite:///{Path(tmp) / 'bench.db'}")
        storage.sync_feeds([FeedConfig(url=FEED, name="bench")])
        async with FakeTelegram(TOKEN) as fake:
            ids: list[int] = []
            for n in range(chats):
                chat_id = 10_000 + n
                fake.add_chat(chat_id, "private")
                ref = ChatRef(Platform.TELEGRAM, str(chat_id), ChatKind.PRIVATE)
                storage.save_chat(ChatSettings(chat=ref, topics=frozenset({"ai"})))
                ids.append(chat_id)
            for n in range(groups):
                chat_id = -(10_000 + n)
                fake.add_chat(chat_id, "supergroup")
                ref = ChatRef(Platform.TELEGRAM, str(chat_id), ChatKind.GROUP)
                storage.save_chat(ChatSettings(chat=ref, topics=frozenset({"ai"})))
                ids.append(chat_id)
            articles = []
            for n in range(stories):
                entry = Entry(
                    feed_url=FEED,
                    title=f"خبر {n + 1} عن DeepSeek",
                    url=f"https://bench.example/{n + 1}",
                )
                article = storage.add_article(
                    entry,
                    keys=article_keys(entry),
                    text=f"نص {n + 1}",
                    canonical_url=entry.url,
                    fetched_at=now,
                    bullets=("النقطة الأولى", "النقطة الثانية", "النقطة الثالثة"),
                    summary_method="bench",
                    topics=(TopicMatch("ai", 1.0),),
                    is_tech=True,
                    announce=True,
                )
                assert article is not None
                articles.append(article)
            clock = FakeClock(now)
            bot = TelegramBot(TOKEN, command_service=NoCommands(), api_base_url=fake.api_url)
            await bot.application.initialize()
            try:
                DeliveryPlanner(storage, clock).enqueue_instant(articles)
                worker = DeliveryWorker(storage, {Platform.TELEGRAM: bot.route}, clock)
                started = time.monotonic()
                report = await worker.drain()
                elapsed = time.monotonic() - started
            finally:
                await bot.application.shutdown()
            accepted = [m for m in fake.messages if m.chat_id in set(ids)]
            span = accepted[-1].at - accepted[0].at if len(accepted) > 1 else 0.0
            rate = (len(accepted) - 1) / span if span > 0 else float("nan")
            print(f"stories per chat: {stories}")
            print(f"chats:            {len(ids)} ({chats} private, {groups} groups)")
            print(f"delivered:        {len(accepted)} (worker says sent={report.sent})")
            print(f"elapsed:          {elapsed:.2f} s")
            print(f"achieved rate:    {rate:.1f} msg/s (Telegram allows about 30)")
            print(f"429 answers:      {len(fake.rate_limited)}")
        storage.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=404)
    parser.add_argument("--groups", type=int, default=0)
    parser.add_argument("--stories", type=int, nargs="+", default=[1, 3])
    args = parser.parse_args()
    for index, stories in enumerate(args.stories):
        if index:
            print()
        asyncio.run(run(args.chats, args.groups, stories))


if __name__ == "__main__":
    main()
