"""The bot's clockwork: APScheduler 3.11 (AsyncIO) running three jobs in the bot's loop.

* poll:    every `poll_interval` seconds, `poll_once()` (fetch feeds, store articles and
           queue instant posts; the composition root provides it), then a drain;
* digests: every minute, `DeliveryPlanner.enqueue_due_digests()`, then a drain;
* outbox:  every `drain_interval` seconds, `DeliveryWorker.drain()`.

Drains never overlap: a drain asked for while one runs makes that one go round once
more. A failing job is logged and runs again at its next time; nothing here stops the
scheduler.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any, Protocol

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.delivery import DeliveryPlanner, DeliveryWorker

log = logging.getLogger(__name__)

PollOnce = Callable[[], Awaitable[object]]


class _PollResult(Protocol):
    @property
    def new_article_ids(self) -> tuple[int, ...]: ...


def poll_and_enqueue(
    poll: Callable[[], Awaitable[_PollResult]], planner: DeliveryPlanner
) -> PollOnce:
    """The poll job for a pipeline: poll (e.g. ``lambda: pipeline.poll(due_only=True,
    owner=...)``), then queue the new articles for instant chats. Queued before the job
    ends, so a crash after the poll cannot lose them (the outbox has them)."""

    async def poll_once() -> int:
        report = await poll()
        return planner.enqueue_article_ids(report.new_article_ids)

    return poll_once


class BotScheduler:
    """Owns one AsyncIOScheduler; `start()` inside the running event loop, then
    `await shutdown()`."""

    def __init__(
        self,
        *,
        poll_once: PollOnce | None,
        planner: DeliveryPlanner | None,
        worker: DeliveryWorker | None,
        poll_interval: float = 900.0,
        digest_interval: float = 60.0,
        drain_interval: float = 2.0,
        poll_at_start: bool = True,
        scheduler: AsyncIOScheduler | None = None,
    ) -> None:
        self._poll_once = poll_once
        self._planner = planner
        self._worker = worker
        self._poll_interval = poll_interval
        self._digest_interval = digest_interval
        self._drain_interval = drain_interval
        self._poll_at_start = poll_at_start
        self._scheduler = scheduler or AsyncIOScheduler(timezone="UTC")
        self._draining = False
        self._drain_again = False
        self._tasks: set[asyncio.Task[None]] = set()
        self.poll_runs = 0
        self.digest_runs = 0
        self.drain_runs = 0

    @property
    def running(self) -> bool:
        return bool(self._scheduler.running)

    def start(self) -> None:
        """Add the jobs and start; must be called with the bot's event loop running."""
        if self.running:
            return
        job_options: dict[str, Any] = {"coalesce": True, "max_instances": 1}
        if self._poll_once is not None:
            first = datetime.now().astimezone() if self._poll_at_start else None
            self._scheduler.add_job(
                self.poll_now,
                "interval",
                seconds=self._poll_interval,
                id="poll",
                name="poll feeds",
                next_run_time=first,
                misfire_grace_time=max(1, int(self._poll_interval)),
                **job_options,
            )
        if self._planner is not None:
            self._scheduler.add_job(
                self.enqueue_digests_now,
                "interval",
                seconds=self._digest_interval,
                id="digests",
                name="queue due digests",
                misfire_grace_time=max(1, int(self._digest_interval)),
                **job_options,
            )
        if self._worker is not None:
            self._scheduler.add_job(
                self.drain_now,
                "interval",
                seconds=self._drain_interval,
                id="outbox",
                name="drain outbox",
                misfire_grace_time=max(1, int(self._drain_interval * 5)),
                **job_options,
            )
        self._scheduler.start()

    async def shutdown(self, *, timeout: float = 10.0) -> None:
        """Stop the jobs; a drain in progress may finish its current work for `timeout`
        seconds (so a sent message gets marked sent) before it is cancelled."""
        if self.running:
            self._scheduler.shutdown(wait=False)
            await asyncio.sleep(0)  # AsyncIOScheduler shuts down on its loop
        if self._tasks:
            _, pending = await asyncio.wait(set(self._tasks), timeout=timeout)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)

    def jobs(self) -> dict[str, timedelta]:
        """Job id -> interval, for status output and tests."""
        return {
            job.id: job.trigger.interval
            for job in self._scheduler.get_jobs()
            if hasattr(job.trigger, "interval")
        }

    # the jobs ---------------------------------------------------------------------------

    async def poll_now(self) -> None:
        """Poll feeds once, then send what became due."""
        if self._poll_once is None:
            return
        self.poll_runs += 1
        try:
            await self._poll_once()
        except Exception:
            log.exception("feed poll failed")
        self.kick_outbox()

    async def enqueue_digests_now(self) -> int:
        """Queue every digest that is due; returns the number of new outbox rows."""
        if self._planner is None:
            return 0
        self.digest_runs += 1
        try:
            added = self._planner.enqueue_due_digests()
        except Exception:
            log.exception("queueing digests failed")
            return 0
        if added:
            self.kick_outbox()
        return added

    async def drain_now(self) -> None:
        """Drain the outbox, unless a drain runs already (then it goes round once more)."""
        if self._worker is None:
            return
        if self._draining:
            self._drain_again = True
            return
        self._draining = True
        try:
            while True:
                self._drain_again = False
                self.drain_runs += 1
                try:
                    await self._worker.drain()
                except Exception:
                    log.exception("outbox drain failed")
                if not self._drain_again:
                    break
        finally:
            self._draining = False

    def kick_outbox(self) -> None:
        """Ask for a drain soon (without waiting for the next outbox tick)."""
        if self._worker is None:
            return
        if self._draining:
            self._drain_again = True
            return
        task = asyncio.get_running_loop().create_task(self.drain_now())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
