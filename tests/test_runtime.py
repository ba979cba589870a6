"""`newsdigest run` end to end: the real runtime (PTB, APScheduler, pipeline, SQLite)
against the fake Bot API on loopback. Commands typed by a user subscribe the chat; the
bundled feeds are polled; the stories arrive once, and a restart sends nothing again."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from bot.bootstrap import bootstrap
from bot.runtime import gone_owners, pid_alive, pid_scope, process_owner, start_runtime
from bot.settings import DEFAULT_CONFIG_DIR, load_settings
from digest.errors import ConfigError
from tests.fake_telegram import FakeTelegram

TOKEN = "424242:RUNTIME-test-token-abcdefghijklmnop"
ALICE = 5001
SEED_TITLE_PART = "DeepSeek"


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(TOKEN) as server:
        server.add_user(ALICE, language_code="ar")
        server.add_chat(ALICE, "private")
        yield server


def write_config(tmp_path: Path, port: int | None = None) -> Path:
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(
        "feeds:\n"
        f"  - url: {DEFAULT_CONFIG_DIR / 'samples' / 'seed.xml'}\n"
        "    name: newsdigest\n"
        "    announce_backlog: true\n",
        encoding="utf-8",
    )
    cfg = tmp_path / "settings.yaml"
    cfg.write_text(
        f"feeds_file: {feeds}\ntopics_file: {DEFAULT_CONFIG_DIR / 'topics.yaml'}\n"
        f"database_url: sqlite:///{tmp_path / 'run.sqlite3'}\n"
        "poll:\n  interval_minutes: 0.05\n" + (f"http_port: {port}\n" if port else ""),
        encoding="utf-8",
    )
    return cfg


async def wait_for(predicate, timeout: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("timed out waiting")
        await asyncio.sleep(0.05)


async def test_subscribe_then_story_arrives_once_across_restart(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    env = {"NEWSDIGEST_TELEGRAM_TOKEN": TOKEN, "NEWSDIGEST_TELEGRAM_API_URL": fake.api_url}
    settings = load_settings(write_config(tmp_path, port), env=env)

    # First start without polling, so the user's /subscribe comes before the story.
    services = bootstrap(settings)
    runtime = await start_runtime(services, poll_at_start=False, drain_interval=0.2)
    try:
        fake.push_command(ALICE, ALICE, "/subscribe ai")
        await wait_for(lambda: len(fake.messages_to(ALICE)) >= 1)
        assert "ai" in services.storage.get_chats()[0].topics
        await runtime.scheduler.poll_now()
        await wait_for(lambda: any(SEED_TITLE_PART in m.text for m in fake.messages_to(ALICE)))
        async with httpx.AsyncClient() as client:
            health = (await client.get(f"http://127.0.0.1:{port}/healthz")).json()
            metrics = (await client.get(f"http://127.0.0.1:{port}/metrics")).text
        assert health["ok"] is True and health["platforms"] == ["telegram"]
        assert 'newsdigest_posts_total{platform="telegram"}' in metrics
    finally:
        await runtime.stop()
        await services.aclose()
    story_messages = [m for m in fake.messages_to(ALICE) if SEED_TITLE_PART in m.text]
    assert len(story_messages) == 1
    assert story_messages[0].parse_mode == "HTML"
    assert TOKEN not in "".join(m.text for m in fake.messages)

    # A restart polls again (the file is unchanged) and must not post the story twice.
    services = bootstrap(load_settings(write_config(tmp_path), env=env))
    runtime = await start_runtime(services, drain_interval=0.2)
    try:
        await runtime.scheduler.poll_now()
        await runtime.scheduler.drain_now()
        await asyncio.sleep(0.5)
    finally:
        await runtime.stop()
        await services.aclose()
    assert len([m for m in fake.messages_to(ALICE) if SEED_TITLE_PART in m.text]) == 1
    assert fake.rate_limited == []


async def test_run_without_tokens_is_a_clear_error(tmp_path: Path) -> None:
    services = bootstrap(load_settings(write_config(tmp_path), env={}))
    try:
        with pytest.raises(ConfigError, match="NEWSDIGEST_TELEGRAM_TOKEN"):
            await start_runtime(services)
    finally:
        await services.aclose()


async def test_both_platforms_in_one_process(
    fake: FakeTelegram, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Telegram and Discord run side by side; a Discord admin's /news subscribe and a
    Telegram user's /subscribe each get the story once, on their own platform."""
    import yarl
    from discord.gateway import DiscordWebSocket
    from discord.http import Route

    from tests.fake_discord import ADMIN_USER_ID, CHANNEL_ID, FakeDiscord

    async with FakeDiscord() as discord_fake:
        # Where discord.py connects is process-wide state: redirect it for this test only.
        monkeypatch.setattr(Route, "BASE", discord_fake.api_base)
        monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(discord_fake.gateway_url))
        env = {
            "NEWSDIGEST_TELEGRAM_TOKEN": TOKEN,
            "NEWSDIGEST_TELEGRAM_API_URL": fake.api_url,
            "NEWSDIGEST_DISCORD_TOKEN": discord_fake.token,
        }
        services = bootstrap(load_settings(write_config(tmp_path), env=env))
        runtime = await start_runtime(services, poll_at_start=False, drain_interval=0.2)
        try:
            fake.push_command(ALICE, ALICE, "/subscribe ai")
            payload = discord_fake.interaction_payload(
                "subscribe", {"topic_or_keyword": "ai"}, user_id=ADMIN_USER_ID
            )
            await discord_fake.wait_for_response(await discord_fake.inject_interaction(payload))
            await wait_for(lambda: len(services.storage.get_chats()) == 2)
            await runtime.scheduler.poll_now()
            await wait_for(lambda: any(SEED_TITLE_PART in m.text for m in fake.messages_to(ALICE)))

            def discord_posts() -> list[str]:
                posts = discord_fake.requests_to("POST", rf"/channels/{CHANNEL_ID}/messages")
                return [str(p.body) for p in posts]

            await wait_for(lambda: any(SEED_TITLE_PART in p for p in discord_posts()))
        finally:
            await runtime.stop()
            await services.aclose()
    assert len([p for p in discord_posts() if SEED_TITLE_PART in p]) == 1
    assert len([m for m in fake.messages_to(ALICE) if SEED_TITLE_PART in m.text]) == 1


def test_only_dead_processes_of_this_host_lose_their_leases() -> None:
    alive = {10, 11}
    owners = [
        "web1:S:10:a1",
        "web1:S:12:a2",
        "web1:S:13:a3",
        "web2:S:12:a4",
        "web1:S:99:me",
        "web1:12",
        "local",
        "web1:S:x:a5",
    ]
    gone = gone_owners(owners, me="web1:S:99:me", is_alive=alive.__contains__)
    # 12 and 13 died on this host; web2 is another machine, 99 is us, the rest unparsable
    # (web1:12 is an older version's form: its lease just runs out)
    assert gone == ["web1:S:12:a2", "web1:S:13:a3"]
    # a host name with colons (IPv6-like) splits at the last three
    assert gone_owners(["::1:S:5:n"], me="::1:S:6:m", is_alive=alive.__contains__) == ["::1:S:5:n"]


def test_containers_sharing_a_hostname_keep_each_others_leases(tmp_path: Path) -> None:
    """Issue 12, item 19: two containers named alike, each running the bot as PID 1, in
    their own PID namespaces. Neither frees the other's feeds; a restarted container
    (PID 1 again, a new process) frees what its crashed predecessor held."""
    from datetime import UTC, datetime

    from bot.runtime import process_owner, release_leases_of_gone_processes
    from digest.models import FeedConfig
    from digest.storage import SqlStorage

    first = process_owner(hostname="news", scope="b00t.4026532001", pid=1)
    second = process_owner(hostname="news", scope="b00t.4026532002", pid=1)
    restarted_first = process_owner(hostname="news", scope="b00t.4026532001", pid=1)
    assert len({first, second, restarted_first}) == 3
    # pid 57 of the other container does not run in ours: it must not look dead to us
    other_57 = process_owner(hostname="news", scope="b00t.4026532002", pid=57)

    storage = SqlStorage.from_url(f"sqlite:///{tmp_path / 'leases.sqlite3'}")
    try:
        now = datetime(2026, 12, 1, 9, tzinfo=UTC)
        urls = [f"http://f.test/{n}.xml" for n in range(3)]
        storage.sync_feeds(FeedConfig(url=u) for u in urls)
        for owner in (first, second, other_57):  # each claims one feed
            storage.claim_due_feeds(now=now, owner=owner, lease_seconds=600, limit=1)
        assert sorted(storage.feed_lease_owners()) == sorted([first, second, other_57])

        # the second container looks at the leases: nothing of the first is its business
        assert release_leases_of_gone_processes(storage, second) == 0
        # the first container's bot crashed and restarted as PID 1: its old lease goes
        assert release_leases_of_gone_processes(storage, restarted_first) == 1
        assert sorted(storage.feed_lease_owners()) == sorted([second, other_57])
    finally:
        storage.close()


def test_process_owner_names_this_process_and_its_pid_namespace() -> None:
    me = process_owner()
    _host, scope, pid, nonce = me.rsplit(":", 3)
    assert pid == str(os.getpid()) and len(nonce) == 8 and scope == pid_scope()
    assert process_owner() != me  # a fresh nonce per call: call it once per process
    child = subprocess.run(
        [sys.executable, "-c", "from bot.runtime import pid_scope; print(pid_scope())"],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert child.stdout.strip() == scope  # a child shares our namespace: same scope
    assert len(me) <= 128  # the lease_owner column


def test_pid_alive_sees_a_running_and_a_finished_process() -> None:
    assert pid_alive(os.getpid())
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()  # reaped: its pid no longer names a process (until reused)
    assert not pid_alive(child.pid)


async def test_busy_http_port_is_one_clear_error_before_anything_starts(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    """The real `newsdigest run` start-up with its http_port held by someone else: the
    port is bound before any bot starts, so the answer is one line and exit code 2 — no
    traceback, no Telegram polling begun and torn down, no coroutine left unawaited."""
    import socket

    from tests.run_process import BotProcess, wait_until

    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = int(held.getsockname()[1])
        env = {
            "NEWSDIGEST_TELEGRAM_TOKEN": TOKEN,
            "NEWSDIGEST_TELEGRAM_API_URL": fake.api_url,
            "NEWSDIGEST_HTTP_PORT": str(port),
        }
        bot = BotProcess(write_config(tmp_path), env, tmp_path / "bot.log")
        bot.start()
        try:
            await wait_until(lambda: not bot.alive(), 60, "newsdigest run to exit")
        finally:
            bot.kill()
    assert bot.proc is not None
    output = bot.output()
    assert bot.proc.returncode == 2, output
    for wrong in ("Traceback", "never awaited", "cannot read", "Error while"):
        assert wrong not in output, output
    errors = [line for line in output.splitlines() if line.startswith("newsdigest:")]
    assert len(errors) == 1, output
    assert f"http_port {port}" in errors[0] and "in use" in errors[0]
    assert fake.calls == []  # Telegram was never contacted
