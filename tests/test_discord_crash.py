"""The crash window on Discord under a real SIGKILL (issue 12, item 15).

`newsdigest run` is a child process posting to two channels of the fake Discord
(tests.fake_discord, REST + gateway on 127.0.0.1). The fake kills it with SIGKILL right
after it ACCEPTED a message and before answering, so the bot cannot have recorded that
message as sent. On Telegram that message is posted again after the restart
(tests/test_crash_safety.py shows it); on Discord the resend carries the same nonce with
enforce_nonce, and Discord (like the fake) answers with the message it already has.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from digest.models import ChatKind, ChatRef, ChatSettings, Platform
from digest.storage import SqlStorage
from tests.fake_discord import CHANNEL_ID, SECOND_CHANNEL_ID, FakeDiscord, Recorded
from tests.run_process import (
    BotProcess,
    FeedServer,
    committed_sent,
    markers_in,
    story_feed,
    wait_until,
    write_config,
)

CHANNELS = [CHANNEL_ID, SECOND_CHANNEL_ID]
_POST = re.compile(r"/channels/(\d+)/messages")

Hook = Callable[[str, dict[str, Any]], Awaitable[bool]]


class HookedDiscord(FakeDiscord):
    """The fake Discord with hooks around "create message" in the test's channels:
    `before_send(channel, body)` returning True answers 503 without recording anything
    (the bot is dead by then); `after_accept(channel, body)` runs after the fake created
    the message (or returned the one it had for that nonce), before it answers."""

    def __init__(self) -> None:
        super().__init__()
        self.before_send: Hook | None = None
        self.after_accept: Hook | None = None

    async def _answer(
        self, method: str, path: str, request: web.Request, record: Recorded
    ) -> web.Response:
        match = _POST.fullmatch(path)
        if method != "POST" or match is None or match.group(1) not in CHANNELS:
            return await super()._answer(method, path, request, record)
        channel, body = match.group(1), record.body or {}
        if self.before_send is not None and await self.before_send(channel, body):
            return web.json_response({"message": "killed", "code": 0}, status=503)
        response = await super()._answer(method, path, request, record)
        if response.status == 200 and self.after_accept is not None:
            await self.after_accept(channel, body)
        return response


@pytest.fixture
async def fake() -> AsyncIterator[HookedDiscord]:
    async with HookedDiscord() as server:
        yield server


def posted(fake: FakeDiscord) -> list[tuple[str, tuple[int, int]]]:
    """(channel, (feed, story)) of every story in every message the channels hold."""
    out = []
    for channel in CHANNELS:
        for message in fake.messages.get(channel, []):
            for embed in message["embeds"]:
                out.extend((channel, m) for m in markers_in(str(embed.get("title") or "")))
    return out


async def test_sigkill_after_discord_accepted_a_message_repeats_nothing(
    fake: HookedDiscord, tmp_path: Path
) -> None:
    database = tmp_path / "bot.sqlite3"
    async with FeedServer() as feeds:
        feeds.set_feed("/a.xml", story_feed(1, range(3)))
        config = write_config(tmp_path, [feeds.url("/a.xml")], database_url=f"sqlite:///{database}")
        storage = SqlStorage.from_url(f"sqlite:///{database}")
        for channel in CHANNELS:  # instant channels following all technology
            storage.save_chat(
                ChatSettings(chat=ChatRef(Platform.DISCORD, channel, ChatKind.CHANNEL))
            )
        storage.close()
        env = {"NEWSDIGEST_DISCORD_TOKEN": fake.token, "NEWSDIGEST_DISCORD_API_URL": fake.api_base}
        bot = BotProcess(config, env, tmp_path / "bot.log")
        decided, dead = asyncio.Event(), asyncio.Event()
        window: list[tuple[str, tuple[int, int]]] = []

        async def swallow_after_kill(channel: str, body: dict[str, Any]) -> bool:
            if decided.is_set():
                await dead.wait()  # never answered while the process lives
                return True
            return False

        async def third_accepted(channel: str, body: dict[str, Any]) -> bool:
            if len(posted(fake)) != 3 or decided.is_set():
                return False
            decided.set()
            titles = " ".join(str(e.get("title") or "") for e in body.get("embeds") or [])
            window.extend((channel, m) for m in markers_in(titles))
            # Everything accepted before is committed first: the kill hits this one
            # message's window and no other.
            earlier = set(posted(fake)) - set(window)
            await wait_until(lambda: earlier <= committed_sent(database), 15, "earlier commits")
            os.kill(bot.pid, signal.SIGKILL)
            dead.set()
            return False

        fake.before_send = swallow_after_kill
        fake.after_accept = third_accepted
        try:
            bot.start()
            await asyncio.wait_for(dead.wait(), 60)
            bot.kill()
            assert len(window) == 1 and window[0] not in committed_sent(database)  # open
            fake.before_send = fake.after_accept = None
            bot.start()
            expected = {(c, (1, s)) for c in CHANNELS for s in range(3)}
            await wait_until(lambda: set(posted(fake)) >= expected, 60, "every story")
            await wait_until(lambda: committed_sent(database) >= expected, 15, "all sent")
            assert bot.stop() == 0
        finally:
            bot.kill()
    counts = Counter(posted(fake))
    twice = {pair: n for pair, n in counts.items() if n != 1}
    assert twice == {}, f"posted more than once: {twice}\n{bot.output()[-3000:]}"
    assert set(counts) == expected
    # The restarted process did resend the window's message, with the first nonce.
    channel = window[0][0]
    nonces = Counter(
        r.body["nonce"] for r in fake.requests_to("POST", rf"/channels/{channel}/messages")
    )
    assert max(nonces.values()) == 2
    assert fake.token not in bot.output()
