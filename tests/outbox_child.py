"""A delivery process for the crash test: drains the outbox of a SQLite file into a
"platform" that is an append-only log (one fsync'd line per accepted message).

    python -m tests.outbox_child <database-file> <platform-log> [<hold-after>]

The parent test kills it with SIGKILL at arbitrary points and starts it again. With
<hold-after> = N the process accepts N messages and then holds: the N-th stays accepted
by the platform but never marked sent, and every later send waits before it is accepted,
so a kill is sure to land in that state however loaded the machine is.
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

    def __init__(self, path: str, hold_after: int | None = None) -> None:
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self._hold_after = hold_after
        self._accepted = 0

    async def send(self, chat: ChatRef, message: OutgoingMessage) -> str:
        if self._hold_after is not None and self._accepted >= self._hold_after:
            await asyncio.Event().wait()  # in flight, not accepted: until the kill
        # One line per message: "chat|article,article,..."
        ids = ",".join(message.text.splitlines())
        os.write(self._fd, f"{chat.chat_id}|{ids}\n".encode())
        os.fsync(self._fd)
        self._accepted += 1
        if self._accepted == self._hold_after:
            await asyncio.Event().wait()  # accepted, never marked sent: until the kill
        return "ok"


def one_per_story(
    stories: Sequence[Story], header: str | None, language: str, zone: tzinfo = UTC
) -> list[OutgoingMessage]:
    return [OutgoingMessage(text="\n".join(str(s.article_id) for s in stories))]


async def main(database: str, log_path: str, hold_after: int | None = None) -> None:
    storage = SqlStorage.from_url(f"sqlite:///{database}")
    clock = SystemClock()
    route = PlatformRoute(
        LogPlatform(log_path, hold_after), one_per_story, RateLimiter(FAST, clock)
    )
    worker = DeliveryWorker(
        storage, {Platform.TELEGRAM: route}, clock, concurrency=4, collapse_backlog=None
    )
    await worker.drain()
    storage.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else None))
