"""When digests are due (timezones, DST) and the APScheduler wiring in a real loop."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from bot.delivery import (
    TELEGRAM_LIMITS,
    DeliveryPlanner,
    DeliveryWorker,
    PlatformRoute,
    RateLimiter,
    digest_window_start,
    due_digest_chats,
    last_scheduled_time,
)
from bot.scheduler import BotScheduler, poll_and_enqueue
from digest.clock import FakeClock
from digest.models import ChatSettings, DeliveryMode, Platform
from digest.storage import SqlStorage
from tests.fakes import FakeSender, add_article, add_feed, plain_renderer, tg


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def scheduled(
    at: str, zone: str, last: datetime | None = None, chat_id: str = "1", **kw: object
) -> ChatSettings:
    return ChatSettings(
        tg(chat_id),
        mode=DeliveryMode.SCHEDULED,
        schedule_time=at,
        timezone=zone,
        last_digest_at=last,
        **kw,  # type: ignore[arg-type]
    )


def due_ids(chats: list[ChatSettings], now: datetime) -> list[str]:
    return [c.chat.chat_id for c in due_digest_chats(chats, now)]


def test_digest_is_due_once_the_local_time_passed() -> None:
    riyadh = scheduled("08:00", "Asia/Riyadh", last=utc(2026, 3, 1, 5, 0))  # UTC+3
    assert due_ids([riyadh], utc(2026, 3, 2, 4, 59)) == []
    assert due_ids([riyadh], utc(2026, 3, 2, 5, 0)) == ["1"]
    assert due_ids([riyadh], utc(2026, 3, 2, 23, 0)) == ["1"]  # late (bot was down): still sent
    done = scheduled("08:00", "Asia/Riyadh", last=utc(2026, 3, 2, 5, 1))
    assert due_ids([done], utc(2026, 3, 3, 4, 0)) == []


def test_same_instant_different_zones() -> None:
    now = utc(2026, 3, 2, 6, 0)  # 09:00 Riyadh, 08:00 Cairo, 06:00 UTC, 01:00 New York
    last = utc(2026, 3, 1, 12, 0)
    chats = [
        scheduled("09:00", "Asia/Riyadh", last, "riyadh"),
        scheduled("08:30", "Africa/Cairo", last, "cairo"),
        scheduled("06:00", "UTC", last, "utc"),
        scheduled("07:00", "America/New_York", last, "ny"),
    ]
    assert due_ids(chats, now) == ["riyadh", "utc"]


def test_never_digested_chat_is_due_at_its_time_and_bad_data_is_skipped() -> None:
    now = utc(2026, 3, 2, 12, 0)
    chats = [
        scheduled("11:00", "UTC", None, "new"),
        scheduled("25:00", "UTC", None, "bad-time"),
        scheduled("11:00", "Nowhere/City", None, "bad-zone"),  # falls back to UTC
        scheduled("11:00", "UTC", None, "paused", paused_reason="blocked"),
        ChatSettings(tg("instant"), mode=DeliveryMode.INSTANT, schedule_time="11:00"),
        ChatSettings(tg("no-time"), mode=DeliveryMode.SCHEDULED),
    ]
    assert due_ids(chats, now) == ["new", "bad-zone"]


def test_spring_forward_gap_fires_after_the_jump() -> None:
    # New York, 8 March 2026: 02:00 EST jumps to 03:00 EDT, so 02:30 does not exist.
    moment = last_scheduled_time("02:30", "America/New_York", utc(2026, 3, 8, 12, 0))
    assert moment == utc(2026, 3, 8, 7, 30)  # 03:30 EDT
    chat = scheduled("02:30", "America/New_York", last=utc(2026, 3, 7, 7, 30))
    assert due_ids([chat], utc(2026, 3, 8, 7, 29)) == []
    assert due_ids([chat], utc(2026, 3, 8, 7, 30)) == ["1"]
    # the next day it is a normal 02:30 EDT
    assert last_scheduled_time("02:30", "America/New_York", utc(2026, 3, 9, 12, 0)) == utc(
        2026, 3, 9, 6, 30
    )


def test_fall_back_repeated_hour_fires_once() -> None:
    # New York, 1 November 2026: 01:30 happens at 05:30 UTC (EDT) and 06:30 UTC (EST).
    first = last_scheduled_time("01:30", "America/New_York", utc(2026, 11, 1, 7, 0))
    assert first == utc(2026, 11, 1, 5, 30)
    chat = scheduled("01:30", "America/New_York", last=utc(2026, 11, 1, 5, 31))
    assert due_ids([chat], utc(2026, 11, 1, 6, 45)) == []
    assert due_ids([chat], utc(2026, 11, 2, 6, 30)) == ["1"]  # 01:30 EST next day


def test_daily_time_follows_local_clock_across_dst() -> None:
    before = last_scheduled_time("08:00", "Europe/Berlin", utc(2026, 3, 28, 12, 0))
    after = last_scheduled_time("08:00", "Europe/Berlin", utc(2026, 3, 30, 12, 0))
    assert before == utc(2026, 3, 28, 7, 0)  # CET
    assert after == utc(2026, 3, 30, 6, 0)  # CEST


def test_digest_window_start() -> None:
    now = utc(2026, 3, 2, 12, 0)
    assert digest_window_start(None, now) == now - timedelta(hours=24)
    recent = now - timedelta(hours=2)
    assert digest_window_start(recent, now) == now - timedelta(hours=24)
    old = now - timedelta(days=3)
    assert digest_window_start(old, now) == old - timedelta(minutes=30)
    ancient = now - timedelta(days=30)
    assert digest_window_start(ancient, now) == now - timedelta(days=7)


# --- BotScheduler in a running loop ------------------------------------------------------


async def wait_for(condition: Callable[[], bool], limit: float = 10.0) -> None:
    """Wait until `condition` holds (fails the test after `limit` seconds)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while not condition():
        if loop.time() > deadline:
            pytest.fail("condition not reached")
        await asyncio.sleep(0.01)


async def test_scheduler_polls_queues_digests_and_drains() -> None:
    storage = SqlStorage.from_url("sqlite:///:memory:")
    add_feed(storage)
    clock = FakeClock(utc(2026, 3, 2, 9, 0))
    storage.save_chat(scheduled("08:00", "UTC", last=utc(2026, 3, 1, 8, 0), chat_id="42"))
    article_ids = [add_article(storage, f"خبر {i}", at=utc(2026, 3, 2, 7, i)) for i in range(2)]
    sender = FakeSender(clock)
    worker = DeliveryWorker(
        storage,
        {
            Platform.TELEGRAM: PlatformRoute(
                sender, plain_renderer, RateLimiter(TELEGRAM_LIMITS, clock)
            )
        },
        clock,
    )
    polls: list[int] = []

    async def poll_once() -> None:
        polls.append(len(polls))
        if len(polls) == 1:
            raise RuntimeError("first poll fails")  # must not stop the scheduler

    bot = BotScheduler(
        poll_once=poll_once,
        planner=DeliveryPlanner(storage, clock),
        worker=worker,
        poll_interval=0.05,
        digest_interval=0.05,
        drain_interval=0.05,
    )
    assert set(bot.jobs()) == set()
    bot.start()
    assert bot.running
    assert bot.jobs() == {
        "poll": timedelta(seconds=0.05),
        "digests": timedelta(seconds=0.05),
        "outbox": timedelta(seconds=0.05),
    }
    await wait_for(lambda: len(polls) >= 3 and len(sender.sent) >= 1)
    await bot.shutdown()
    assert not bot.running
    # one digest, carrying both stories, sent once despite many ticks
    assert len(sender.sent) == 1
    text = sender.sent[0].message.text
    assert all(f"[{i}]" in text for i in article_ids)
    assert all(storage.was_delivered(tg("42"), i) for i in article_ids)
    runs = (bot.poll_runs, bot.digest_runs, bot.drain_runs)
    await asyncio.sleep(0.2)
    assert (bot.poll_runs, bot.digest_runs, bot.drain_runs) == runs  # stopped for good
    storage.close()


async def test_drains_do_not_overlap() -> None:
    class SlowWorker:
        def __init__(self) -> None:
            self.active = 0
            self.most = 0
            self.calls = 0

        async def drain(self) -> None:
            self.calls += 1
            self.active += 1
            self.most = max(self.most, self.active)
            await asyncio.sleep(0.05)
            self.active -= 1

    slow = SlowWorker()
    bot = BotScheduler(poll_once=None, planner=None, worker=slow)  # type: ignore[arg-type]
    await asyncio.gather(bot.drain_now(), bot.drain_now(), bot.drain_now())
    assert slow.calls == 2  # the two asked for during the first became one more round
    bot.kick_outbox()
    await asyncio.gather(bot.drain_now(), bot.shutdown())
    assert slow.most == 1


async def test_poll_and_enqueue_queues_new_articles_for_instant_chats() -> None:
    storage = SqlStorage.from_url("sqlite:///:memory:")
    add_feed(storage)
    clock = FakeClock(utc(2026, 3, 2, 9, 0))
    storage.save_chat(ChatSettings(tg("1"), topics=frozenset({"ai"})))
    storage.save_chat(ChatSettings(tg("2"), topics=frozenset({"phones"})))
    new = add_article(storage, "نموذج", at=utc(2026, 3, 2, 8, 59), topics=("ai",))

    class Report:
        new_article_ids = (new,)

    async def poll() -> Report:
        return Report()

    poll_once = poll_and_enqueue(poll, DeliveryPlanner(storage, clock))
    assert await poll_once() == 1
    rows = storage.pending_deliveries(now=clock.now(), limit=10)
    assert [(r.chat.chat_id, r.article_id) for r in rows] == [("1", new)]
    storage.close()
