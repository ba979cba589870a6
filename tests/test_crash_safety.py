"""Crash safety of `newsdigest run` under a real SIGKILL (issue 7, point 1).

The test process runs the fake Bot API (tests.fake_telegram) and a feed server; the bot
is a child process (`python -m bot.cli run`) on a SQLite file, killed with SIGKILL at
chosen moments, restarted, and finally left to finish. The kills are deterministic:
they are done by the fake servers themselves while they hold a request.

What is guaranteed, and what is not:

* Every (chat, story) is delivered; none twice, whenever the process dies
  - during a poll (a feed's answer is held, so the poll cannot have finished; stories of
    the other feed are stored, some maybe not yet placed or queued: the next poll of
    that feed recognises them, see `Pipeline.poll_feed`). The killed process's feed
    leases would hold those feeds for 10 minutes; the restarted process frees them, as
    their owner (same host, its pid) no longer runs,
  - between two sends, after the outbox had recorded the accepted ones,
  - while a sendMessage request is in flight and the platform has not accepted it.
* The one window that remains: the platform ACCEPTED a message but the process died
  before committing "sent" for the outbox rows it carries (the reply is on the wire, or
  the commit was about to run). Those rows are still pending, so after the restart the
  stories of that one message are sent again (of that one parcel, to be exact: a story
  too long for one message is marked sent after its last part, so a kill between its
  parts repeats the earlier parts too). No outbox can close this window with the
  Bot API: sendMessage has no idempotency key. `test_the_remaining_window_...` kills the
  bot exactly there and shows that exactly that message's stories repeat, once.
"""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from digest.models import ChatKind, ChatRef, ChatSettings, Platform
from digest.storage import SqlStorage
from tests import run_process
from tests.fake_telegram import FakeTelegram
from tests.run_process import (
    BotProcess,
    FeedServer,
    delivered,
    markers_in,
    sqlite_rows,
    story_feed,
    wait_until,
    write_config,
)

TOKEN = "777001:CRASH-test-token-abcdefghijklmnop"
CHATS = [7001, 7002, 7003, 7004, 7005]

Hook = Callable[[dict[str, Any]], Awaitable[bool]]


class HookedTelegram(FakeTelegram):
    """The fake Bot API with hooks around sendMessage, so a test can kill the bot while
    the fake holds its request. `before_send` runs before the fake looks at the request
    (returning True answers 503 without recording anything: the bot is dead by then);
    `after_accept` runs after the fake recorded an accepted message, before it answers."""

    def __init__(self, token: str) -> None:
        super().__init__(token)
        self.before_send: Hook | None = None
        self.after_accept: Hook | None = None

    async def _api_sendMessage(self, params: dict[str, Any]) -> web.Response:
        if self.before_send is not None and await self.before_send(params):
            return self._error(503, "Service Unavailable: the bot was killed")
        response = await super()._api_sendMessage(params)
        if response.status == 200 and self.after_accept is not None:
            await self.after_accept(params)
        return response


@pytest.fixture
async def fake() -> AsyncIterator[HookedTelegram]:
    server = HookedTelegram(TOKEN)
    async with server:
        for chat_id in CHATS:
            server.add_chat(chat_id, "private")
        yield server


def subscribe_all(database: Path, chat_ids: list[int]) -> None:
    """Instant chats following nothing in particular, i.e. all technology."""
    storage = SqlStorage.from_url(f"sqlite:///{database}")
    try:
        for chat_id in chat_ids:
            storage.save_chat(
                ChatSettings(chat=ChatRef(Platform.TELEGRAM, str(chat_id), ChatKind.PRIVATE))
            )
    finally:
        storage.close()


def committed_sent(database: Path) -> set[tuple[int, tuple[int, int]]]:
    """(chat, (feed, story)) whose outbox row is committed as sent (Telegram chat ids are
    numbers, as `delivered` counts them)."""
    return {(int(chat), marker) for chat, marker in run_process.committed_sent(database)}


class Killer:
    """Kills the bot from inside the fake's request handler, then makes every later
    request of the dead process wait (it is never answered, nothing is recorded)."""

    def __init__(self, bot: BotProcess) -> None:
        self.bot = bot
        self.decided = asyncio.Event()  # the request that triggers the kill has come
        self.dead = asyncio.Event()

    def kill_now(self) -> None:
        self.decided.set()
        os.kill(self.bot.pid, signal.SIGKILL)
        self.dead.set()

    async def swallow(self) -> bool:
        """For requests that arrive after the kill was decided: never answered while
        the process lives."""
        await self.dead.wait()
        return True


async def wait_committed(fake: FakeTelegram, database: Path, timeout: float = 15.0) -> None:
    """Until every story the fake accepted so far is committed as sent in the outbox."""
    await wait_until(
        lambda: set(delivered(fake)) <= committed_sent(database),
        timeout,
        "the outbox to record the accepted messages",
    )


async def test_sigkill_at_any_point_delivers_every_story_exactly_once(
    fake: HookedTelegram, tmp_path: Path
) -> None:
    database = tmp_path / "bot.sqlite3"
    async with FeedServer() as feeds:
        feeds.set_feed("/a.xml", story_feed(1, range(15)))
        feeds.set_feed("/b.xml", story_feed(2, range(15)))
        config = write_config(
            tmp_path,
            [feeds.url("/a.xml"), feeds.url("/b.xml")],
            database_url=f"sqlite:///{database}",
        )
        subscribe_all(database, CHATS)
        env = {"NEWSDIGEST_TELEGRAM_TOKEN": TOKEN, "NEWSDIGEST_TELEGRAM_API_URL": fake.api_url}
        bot = BotProcess(config, env, tmp_path / "bot.log")
        expected = {(c, (f, s)) for c in CHATS for f in (1, 2) for s in range(15)}
        try:
            # 1. Killed during the first poll: feed B's answer is held (so the poll is not
            #    finished) while stories of feed A get stored.
            release_b = feeds.hold("/b.xml")
            bot.start()
            await wait_until(
                lambda: (
                    feeds.requests["/b.xml"] >= 1
                    and sqlite_rows(
                        database,
                        "SELECT count(*) FROM articles WHERE feed_url = ?",
                        feeds.url("/a.xml"),
                    )
                    != [(0,)]
                ),
                30,
                "stories of feed A stored while feed B is held",
            )
            bot.kill()
            assert fake.messages == []
            release_b.set()
            del feeds.holds["/b.xml"]
            # the dead process still holds feed B's lease (for 10 minutes): the restarted
            # one must see that its owner is gone and free it, or B is not polled in time
            held = "SELECT count(*) FROM feeds WHERE lease_owner IS NOT NULL"
            assert sqlite_rows(database, held) != [(0,)]

            # 2. Killed between two sends: once the third accepted message is answered
            #    and recorded as sent in the outbox (later requests are held unanswered).
            killer = Killer(bot)
            tasks: list[asyncio.Task[None]] = []

            async def kill_when_recorded() -> None:
                await wait_committed(fake, database)
                killer.kill_now()

            async def third_accepted(params: dict[str, Any]) -> bool:
                if len(fake.messages) == 3 and not killer.decided.is_set():
                    killer.decided.set()
                    tasks.append(asyncio.create_task(kill_when_recorded()))
                return False

            async def hold_after_decision(params: dict[str, Any]) -> bool:
                return await killer.swallow() if killer.decided.is_set() else False

            fake.before_send = hold_after_decision
            fake.after_accept = third_accepted
            bot.start()
            await asyncio.wait_for(killer.dead.wait(), 60)
            bot.kill()
            after_second = len(fake.messages)
            assert after_second == 3

            # 3. Killed while a sendMessage is in flight, before the fake accepted it
            #    (the messages accepted before it are recorded in the outbox by then).
            killer = Killer(bot)

            async def in_flight(params: dict[str, Any]) -> bool:
                if killer.decided.is_set():
                    return await killer.swallow()
                if len(fake.messages) < after_second + 2:
                    return False
                killer.decided.set()
                await wait_committed(fake, database)
                killer.kill_now()
                return True

            fake.before_send = in_flight
            fake.after_accept = None
            bot.start()
            await asyncio.wait_for(killer.dead.wait(), 60)
            bot.kill()
            assert len(fake.messages) == after_second + 2

            # 4. Restarted and left alone until everything is out.
            fake.before_send = None
            bot.start()
            try:
                await wait_until(lambda: set(delivered(fake)) >= expected, 50, "every story")
            except AssertionError as exc:
                missing = sorted(expected - set(delivered(fake)))
                raise AssertionError(f"{exc}: missing {missing}\n{bot.output()[-4000:]}") from None
            await wait_committed(fake, database)
            assert bot.stop() == 0
        finally:
            bot.kill()
    counts = delivered(fake)
    twice = {pair: n for pair, n in counts.items() if n != 1}
    assert twice == {}, f"delivered more than once: {twice}\n{bot.output()[-3000:]}"
    assert set(counts) == expected
    assert TOKEN not in bot.output()


async def test_the_remaining_window_repeats_only_the_accepted_message(
    fake: HookedTelegram, tmp_path: Path
) -> None:
    """Killed after the platform accepted message #3 but before the bot heard back (so
    before it could commit "sent"): that message's story is posted again after the
    restart, once; everything else exactly once."""
    database = tmp_path / "bot.sqlite3"
    chats = CHATS[:2]
    async with FeedServer() as feeds:
        feeds.set_feed("/a.xml", story_feed(1, range(4)))
        config = write_config(tmp_path, [feeds.url("/a.xml")], database_url=f"sqlite:///{database}")
        subscribe_all(database, chats)
        env = {"NEWSDIGEST_TELEGRAM_TOKEN": TOKEN, "NEWSDIGEST_TELEGRAM_API_URL": fake.api_url}
        bot = BotProcess(config, env, tmp_path / "bot.log")
        killer = Killer(bot)
        window: list[tuple[int, tuple[int, int]]] = []

        async def swallow_after_kill(params: dict[str, Any]) -> bool:
            return await killer.swallow() if killer.decided.is_set() else False

        async def accepted(params: dict[str, Any]) -> bool:
            if len(fake.messages) != 3 or killer.decided.is_set():
                return False
            killer.decided.set()
            last = fake.messages[-1]
            window.extend((last.chat_id, m) for m in markers_in(last.plain_text))
            # Everything accepted before this message is committed first, so that the
            # kill hits this one message's window and no other.
            earlier = {(m.chat_id, k) for m in fake.messages[:-1] for k in markers_in(m.plain_text)}
            await wait_until(lambda: earlier <= committed_sent(database), 15, "earlier commits")
            killer.kill_now()
            return False

        fake.before_send = swallow_after_kill
        fake.after_accept = accepted
        try:
            bot.start()
            await asyncio.wait_for(killer.dead.wait(), 60)
            bot.kill()
            fake.before_send = fake.after_accept = None
            bot.start()
            expected = {(c, (1, s)) for c in chats for s in range(4)}
            await wait_until(lambda: set(delivered(fake)) >= expected, 40, "every story")
            await wait_committed(fake, database)
            assert bot.stop() == 0
        finally:
            bot.kill()
    counts = delivered(fake)
    assert len(window) == 1  # four stories < collapse threshold: one story per message
    assert {pair: n for pair, n in counts.items() if n != 1} == {window[0]: 2}
    assert set(counts) == expected
