"""A delivery process for the crash test: drains the outbox of a SQLite file into a
"platform" that is an append-only log (one fsync'd line per accepted message).

    python -m tests.outbox_child <database-file> <platform-log>

The parent test kills it with SIGKILL at arbitrary points and starts it again.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Sequence
from datetime import UTC, tzinfo

from bot.chat import OutgoingMessage
from bot.delivery import DeliveryWorker, PlatformRoute, RateLimit, RateLimiter, RateLimits
from digest.clock import SystemClock
from digest.models import ChatRef, Platform, Story
from digest.storage import SqlStorage

FAST = RateLimits(
    overall=RateLimit(2000, 1.0),
    private=RateLimit(1000, 1.0),
    group=RateLimit(1000, 1.0),
    channel=RateLimit(1000, 1.0),
    margin=0.0,
)


class LogPlatform:
    """Accepts a message once its line is durably in the log."""

    def __init__(self, path: str) -> None:
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    async def send(self, chat: ChatRef, message: OutgoingMessage) -> str:
        # One line per message: "chat|article,article,..."
        ids = ",".join(message.text.splitlines())
        os.write(self._fd, f"{chat.chat_id}|{ids}\n".encode())
        os.fsync(self._fd)
        return "ok"


def one_per_story(
    stories: Sequence[Story], header: str | None, language: str, zone: tzinfo = UTC
) -> list[OutgoingMessage]:
    return [OutgoingMessage(text="\n".join(str(s.article_id) for s in stories))]


async def main(database: str, log_path: str) -> None:
    storage = SqlStorage.from_url(f"sqlite:///{database}")
    clock = SystemClock()
    route = PlatformRoute(LogPlatform(log_path), one_per_story, RateLimiter(FAST, clock))
    worker = DeliveryWorker(
        storage, {Platform.TELEGRAM: route}, clock, concurrency=4, collapse_backlog=None
    )
    await worker.drain()
    storage.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
