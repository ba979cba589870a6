"""The outbox worker with leased rows (`claim`, as several processes sharing one
PostgreSQL outbox use it): every row the worker leases and does not settle is given
back at once, so no row waits for the lease (10 minutes in `newsdigest run`) to run out.
Real SQLite storage (`SqlStorage.claim_deliveries` leases there too), the fake sender
and the virtual clock of tests/test_delivery.py."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta

import pytest

from bot.delivery import DeliveryWorker, RetryPolicy
from digest.errors import ChatMigrated, TransientDeliveryError
from digest.models import ChatKind, Delivery, DeliveryMode, DeliveryState
from tests.fakes import VirtualSleeper, tg
from tests.test_delivery import T0, World

LEASE_SECONDS = 600.0  # as bot.runtime leases


@pytest.fixture
def world() -> Iterator[World]:
    w = World()
    w.sleeper = VirtualSleeper(w.clock)
    yield w
    w.storage.close()


def claim_of(world: World) -> object:
    def claim(now: datetime, limit: int) -> Sequence[Delivery]:
        return world.storage.claim_deliveries(now=now, limit=limit, lease_seconds=LEASE_SECONDS)

    return claim


async def test_a_row_retried_and_due_again_within_a_drain_is_not_left_leased(
    world: World,
) -> None:
    """One chat's send times out (retried 3.75 s later) while another chat's six stories
    keep the drain going for 5 s at 1 message a second. The drain's last read leases the
    retried row again: it must deliver it or give it back, not keep it out of reach of
    every drain for the lease's 10 minutes (two `newsdigest run` processes under load:
    posts pending far beyond 150 s)."""
    flaky, busy = world.chat(tg("1")), world.chat(tg("2"))
    ids = world.articles(6)
    world.storage.enqueue(flaky, ids[:1], due_at=T0)
    world.storage.enqueue(busy, ids, due_at=T0)
    world.telegram.fail("1", TransientDeliveryError("1", "timed out"))
    worker = world.worker(
        claim=claim_of(world),
        release=world.storage.release_deliveries,
        collapse_backlog=None,
        policy=RetryPolicy(),
    )
    await worker.drain()
    assert world.clock.now() - T0 >= timedelta(seconds=5)  # past the retry's due time
    # The next drains (every 2 s in `newsdigest run`) deliver it.
    for _ in range(5):
        world.clock.advance(timedelta(seconds=2))
        await worker.drain()
    assert world.telegram.texts("1") != []
    assert set(world.states().values()) == {DeliveryState.SENT.value}


async def test_leased_rows_a_migrating_group_leaves_unsent_are_given_back(
    world: World,
) -> None:
    """The group moves to a new id on the first send; the rows move with it, but leased
    rows are not due, so the task that sent to the old id cannot read them back: it
    gives them back, and the next drain sends them to the new id (they used to wait out
    the 10-minute lease)."""
    old = world.chat(tg("-10", ChatKind.GROUP))
    ids = world.articles(6)
    world.storage.enqueue(old, ids, due_at=T0)
    world.telegram.fail("-10", ChatMigrated("-10", "-10042"))
    worker = world.worker(
        claim=claim_of(world),
        release=world.storage.release_deliveries,
        collapse_backlog=None,
    )
    report = await worker.drain()
    world.clock.advance(timedelta(seconds=2))  # the next drain, as `newsdigest run` runs it
    report.add(await worker.drain())
    assert report.migrated_chats == 1 and report.sent == 6
    assert world.telegram.texts("-10") == []
    texts = world.telegram.texts("-10042")
    assert sorted(texts) == sorted(set(texts)) and len(texts) == 6


def test_release_gives_back_only_rows_still_leased_as_claimed(world: World) -> None:
    """`release_deliveries`: a leased row is due again at its old due time; a row sent
    or retried since it was claimed keeps what that settled."""
    chat = world.chat(tg("1"))
    ids = world.articles(3)
    world.storage.enqueue(chat, ids, due_at=T0)
    claimed = world.storage.claim_deliveries(now=T0, limit=10, lease_seconds=LEASE_SECONDS)
    assert len(claimed) == 3
    kept, sent, retried = claimed
    world.storage.mark_sent([sent.id], at=T0)
    later = T0 + timedelta(seconds=30)
    world.storage.mark_retry([retried.id], error="timed out", due_at=later)
    world.storage.release_deliveries(claimed)
    due = world.storage.pending_deliveries(now=T0, limit=10)
    assert [r.id for r in due] == [kept.id]
    assert due[0].due_at == T0 and due[0].attempts == 0
    (again,) = world.storage.pending_deliveries(now=later, limit=10)[1:]
    assert again.id == retried.id and again.due_at == later
    assert world.states()[("1", sent.article_id)] == DeliveryState.SENT.value


async def test_two_leasing_workers_post_each_story_of_a_digest_once(world: World) -> None:
    """A digest is sent whole, but with leases only the rows this worker leased are its
    own: reading the chat's other due rows too (as a single process does) would send
    rows the other process has leased, or is about to, a second time."""
    group = world.chat(tg("-5", ChatKind.GROUP), mode=DeliveryMode.SCHEDULED, schedule_time="08:00")
    ids = world.articles(12)
    world.storage.enqueue(group, ids, due_at=T0)

    def worker() -> DeliveryWorker:
        return world.worker(
            claim=claim_of(world), release=world.storage.release_deliveries, batch_size=4
        )

    reports = await asyncio.gather(worker().drain(), worker().drain())
    for _ in range(3):  # the next drains, if any row was given back
        world.clock.advance(timedelta(seconds=2))
        reports = [*reports, await worker().drain()]
    carried = [line for text in world.telegram.texts("-5") for line in text.split("\n")]
    stories = [line for line in carried if line.startswith("[")]
    assert sorted(stories) == sorted(set(stories)), "a story posted twice"
    assert len(stories) == 12
    assert set(world.states().values()) == {DeliveryState.SENT.value}


async def test_a_drain_cancelled_at_shutdown_gives_its_leased_rows_back(world: World) -> None:
    """One of several processes stops (a restart) in the middle of a chat's stories: the
    rows it leased and did not send are due again at once for the others, not after the
    10-minute lease."""
    chat = world.chat(tg("1"))
    ids = world.articles(3)
    world.storage.enqueue(chat, ids, due_at=T0)
    worker = world.worker(
        claim=claim_of(world), release=world.storage.release_deliveries, collapse_backlog=None
    )
    drain = asyncio.ensure_future(worker.drain())
    while not world.telegram.sent:
        await asyncio.sleep(0)
    drain.cancel()
    with pytest.raises(asyncio.CancelledError):
        await drain
    assert len(world.telegram.sent) == 1
    other = world.storage.claim_deliveries(
        now=world.clock.now(), limit=10, lease_seconds=LEASE_SECONDS
    )
    assert sorted(r.article_id for r in other) == ids[1:]
