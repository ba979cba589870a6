"""`newsdigest run`: the bots, the scheduler and the ops server in one event loop.

Built from `bot.bootstrap.Services`; each platform starts only when its token is set.
Stops cleanly on SIGINT/SIGTERM. A SIGKILL loses nothing: the outbox in storage says
what is still to be sent, and the next start sends it.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import os
import secrets
import signal
import socket
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from digest.models import ChatKind, ChatRef, ChatSettings, Delivery, Platform
from digest.ports import Storage
from digest.storage import SqlStorage

from .bootstrap import Services
from .chat import OutgoingMessage
from .commands import CommandLimits, CommandService
from .delivery import DeliveryPlanner, DeliveryWorker, PlatformRoute
from .opml import OpmlFeeds
from .ops import (
    CountingSender,
    Metrics,
    bind_port,
    default_metrics,
    health_app,
    start_health_server,
)
from .own_feeds import FeedStopNotices, OwnFeedLimits, OwnFeeds, Tell
from .owner import owner_chats
from .scheduler import BotScheduler

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    """Everything `newsdigest run` started, so tests can drive and stop it."""

    services: Services
    scheduler: BotScheduler
    commands: CommandService
    metrics: Metrics
    bots: list[Any] = field(default_factory=list)
    stoppers: list[Callable[[], Awaitable[None]]] = field(default_factory=list)

    async def stop(self) -> None:
        await self.scheduler.shutdown()
        for stop in reversed(self.stoppers):
            try:
                await stop()
            except Exception:  # stopping one part must not keep the others running
                log.exception("error while stopping")


def pid_scope() -> str:
    """Which process ids this process can see: the kernel's boot id and the inode of its
    PID namespace (each container has its own, and PID 1 in every one of them). Two
    owners with the same scope are processes of one PID namespace on one running
    kernel, so one can ask whether the other's pid still runs. "0" where Linux's /proc
    is not there (never equal to a Linux scope; such hosts do not share hostnames
    between containers)."""
    parts = []
    try:
        boot = Path("/proc/sys/kernel/random/boot_id").read_text(encoding="ascii")
        parts.append(boot.strip().replace("-", "")[:8])
        namespace = os.readlink("/proc/self/ns/pid")  # "pid:[4026531836]"
        parts.append("".join(ch for ch in namespace if ch.isdigit()))
    except OSError:
        return "0"
    return ".".join(parts)


def process_owner(
    *,
    hostname: str | None = None,
    scope: str | None = None,
    pid: int | None = None,
    nonce: str | None = None,
) -> str:
    """Who holds feed leases: ``host:scope:pid:nonce``, readable in the database and
    unique per process even where containers share a hostname and each runs as PID 1
    (the random nonce differs, the scope tells PID namespaces apart). Call it once per
    process; the arguments are for tests."""
    host = (hostname if hostname is not None else socket.gethostname())[:64] or "localhost"
    return ":".join(
        (
            host,
            scope if scope is not None else pid_scope(),
            str(pid if pid is not None else os.getpid()),
            nonce if nonce is not None else secrets.token_hex(4),
        )
    )


def pid_alive(pid: int) -> bool:
    """Whether a process with this id runs on this machine (signal 0 checks, sends
    nothing)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process (PermissionError), or cannot tell: keep
    return True


def gone_owners(
    owners: Sequence[str], *, me: str, is_alive: Callable[[int], bool] = pid_alive
) -> list[str]:
    """Lease owners (``host:scope:pid:nonce``, see `process_owner`) that are processes of
    this host and PID namespace that no longer run: their feeds can be freed at once
    instead of after the lease runs out. One is gone when its pid does not run, or when
    its pid is ours but its nonce is not (a restarted container's PID 1). Owners of
    another host or namespace, ours, and anything not in that form (such as the
    ``host:pid`` of older versions) are left alone: when in doubt, the lease runs out."""
    mine = me.rsplit(":", 3)
    if len(mine) != 4:
        return []
    host, scope, my_pid, _nonce = mine
    gone: list[str] = []
    for owner in owners:
        parts = owner.rsplit(":", 3)
        if len(parts) != 4 or owner == me:
            continue
        owner_host, owner_scope, pid, _ = parts
        if owner_host != host or owner_scope != scope or not pid.isdigit():
            continue
        if pid == my_pid or not is_alive(int(pid)):
            gone.append(owner)
    return gone


def release_leases_of_gone_processes(storage: Storage, me: str) -> int:
    """Free the feed leases of this host's processes that died (a SIGKILL, a crash):
    a restarted bot polls their feeds now rather than up to 10 minutes later."""
    released = 0
    for owner in gone_owners(storage.feed_lease_owners(), me=me):
        count = storage.release_feed_leases(owner)
        released += count
        log.info("released %d feed leases of %s, which no longer runs", count, owner)
    return released


def build_own_feeds(services: Services) -> OwnFeeds:
    """/addfeed and friends, fetching with the chat users' fetcher (strict policy)."""
    cfg = services.settings.own_feeds
    return OwnFeeds(
        services.storage,
        services.chat_feed_fetcher or services.fetcher,
        services.pipeline,
        services.clock,
        OwnFeedLimits(
            enabled=cfg.enabled,
            max_per_chat=cfg.max_per_chat,
            max_total=cfg.max_total,
            discovery_timeout_seconds=cfg.discovery_timeout_seconds,
            cooldown_seconds=cfg.cooldown_seconds,
        ),
    )


def build_opml(services: Services, own_feeds: OwnFeeds) -> OpmlFeeds:
    """OPML import/export of chats' own sources (bot.opml): addresses are checked with
    the strict policy of the chat users' fetcher (no fetch), limits those of /addfeed."""
    from digest.netguard import AddressPolicy, check_scheme, check_url

    fetcher = services.chat_feed_fetcher or services.fetcher
    policy = getattr(fetcher, "policy", None)

    async def check(url: str) -> None:
        if isinstance(policy, AddressPolicy):
            await check_url(url, policy)
        else:  # a test's fetcher: it decides what it serves
            check_scheme(url)

    return OpmlFeeds(
        services.storage,
        services.clock,
        check,
        quota=own_feeds.quota,
        max_total=own_feeds.limits.max_total,
    )


def build_commands(services: Services) -> CommandService:
    """The commands every platform answers, on the services' storage, catalogue, pipeline
    and clock, with the settings' default time zone and language, the owners, /addfeed
    (`build_own_feeds`) and OPML (`build_opml`)."""
    settings = services.settings
    own_feeds = build_own_feeds(services)
    return CommandService(
        services.storage,
        services.catalog,
        services.pipeline.summarize_url,
        services.clock,
        CommandLimits(
            default_timezone=settings.timezone,
            default_language=settings.language,
            owner_ids=settings.owner_ids,
        ),
        stories=services.pipeline,
        own_feeds=own_feeds,
        opml=build_opml(services, own_feeds),
    )


def build_tell(
    routes: Mapping[Platform, PlatformRoute],
    *,
    send_dm: Callable[[str, str], Awaitable[None]] | None = None,
) -> Tell:
    """Sends a notice (plain text) to a chat through its platform's route, paced by the
    route's limiter like every other send. A Discord private chat is a user: `send_dm`
    (DiscordBot.send_dm) writes to them, the owners' notices. Raises DeliveryError."""

    async def tell(chat: ChatRef, text: str) -> None:
        route = routes.get(chat.platform)
        if route is None:
            return
        if chat.platform is Platform.DISCORD:
            from discord.utils import escape_markdown

            body = escape_markdown(text)
            if chat.kind is ChatKind.PRIVATE:
                if send_dm is not None:
                    await route.limiter.acquire(chat)
                    await send_dm(chat.chat_id, body)
                return
        else:
            body = html.escape(text, quote=False)  # Telegram messages are sent as HTML
        await route.limiter.acquire(chat)
        await route.sender.send(chat, OutgoingMessage(text=body))

    return tell


async def start_runtime(
    services: Services,
    *,
    poll_at_start: bool = True,
    drain_interval: float = 2.0,
) -> Runtime:
    """Start the configured bots and the scheduler. Raises ConfigError when no platform
    token is set or `http_port` cannot be bound (checked before anything starts)."""
    from digest.errors import ConfigError

    settings = services.settings
    if not settings.telegram.token and not settings.discord.token:
        raise ConfigError(
            "no bot token: set NEWSDIGEST_TELEGRAM_TOKEN and/or NEWSDIGEST_DISCORD_TOKEN"
        )
    # Bound first: a busy port must stop the start before any bot is started.
    listener = bind_port(settings.http_port) if settings.http_port else None
    try:
        return await _start(services, listener, poll_at_start, drain_interval)
    except BaseException:
        if listener is not None:
            listener.close()  # not handed to the health server (which would close it)
        raise


async def _start(
    services: Services,
    listener: socket.socket | None,
    poll_at_start: bool,
    drain_interval: float,
) -> Runtime:
    settings = services.settings
    storage = services.storage
    clock = services.clock
    metrics = default_metrics(lambda: float(storage.count_pending()))
    commands = build_commands(services)
    routes: dict[Platform, PlatformRoute] = {}
    send_dm: Callable[[str, str], Awaitable[None]] | None = None
    bots: list[Any] = []
    stoppers: list[Callable[[], Awaitable[None]]] = []

    def counted(route: PlatformRoute) -> PlatformRoute:
        return PlatformRoute(
            sender=CountingSender(route.sender, metrics), render=route.render, limiter=route.limiter
        )

    try:
        if settings.telegram.token:
            from .telegram.app import TelegramBot

            telegram = TelegramBot(
                settings.telegram.token.value,
                command_service=commands,
                api_base_url=settings.telegram.api_url,
                chat_store=storage,
                panels=commands,
            )
            await telegram.start()
            stoppers.append(telegram.stop)
            bots.append(telegram)
            routes[Platform.TELEGRAM] = counted(telegram.route)
        if settings.discord.token:
            from .discord.app import DiscordBot
            from .discord.sender import stored_webhooks

            colours = {t.slug: t.colour for t in services.catalog.topics}
            discord_bot = DiscordBot(
                settings.discord.token.value,
                commands,
                topic_colours=colours,
                topic_names={
                    t.slug: (t.name_ar, t.name_en, *t.aliases) for t in services.catalog.topics
                },
                api_base_url=settings.discord.api_url,
                webhooks=stored_webhooks(storage),
                chat_store=storage,
                logger=logging.getLogger("newsdigest.discord"),
                owner_commands=bool(settings.owner_ids),
                panels=commands,
            )
            await discord_bot.start()
            stoppers.append(discord_bot.stop)
            bots.append(discord_bot)
            routes[Platform.DISCORD] = counted(discord_bot.route)
            send_dm = discord_bot.send_dm
    except BaseException:
        for stop in reversed(stoppers):
            with contextlib.suppress(Exception):
                await stop()
        raise

    pause_notifiers = [bot.on_pause for bot in bots if hasattr(bot, "on_pause")]

    async def on_pause(chat: ChatSettings, reason: str) -> None:
        # Each notifier ignores chats of other platforms.
        for notify in pause_notifiers:
            try:
                await notify(chat, reason)
            except Exception:  # telling admins is best effort; the pause itself is stored
                log.exception("could not tell admins that %s was paused", chat.chat)

    planner = DeliveryPlanner(storage, clock, platforms=tuple(routes))
    claim = release = None
    if isinstance(storage, SqlStorage) and storage.engine.dialect.name != "sqlite":
        # Several `newsdigest run` processes may drain one PostgreSQL outbox: each sends
        # only the rows it leased (a row of a killed process is due again in 10 min;
        # one the worker will not deliver now it gives back at once).
        shared = storage
        release = shared.release_deliveries

        def claim(now: datetime, limit: int) -> Sequence[Delivery]:
            return shared.claim_deliveries(now=now, limit=limit, lease_seconds=600)

    reading_pages = None
    telegraph = services.settings.telegraph
    if telegraph.token.value and Platform.TELEGRAM in routes:
        from .telegraph import ReadingPages, TelegraphClient

        client = TelegraphClient(
            telegraph.token.value, telegraph.api_url, author_name=telegraph.author_name
        )
        stoppers.append(client.aclose)
        reading_pages = ReadingPages(client, storage, min_chars=telegraph.min_chars)
    worker = DeliveryWorker(
        storage,
        routes,
        clock,
        stories=services.pipeline,
        on_pause=on_pause,
        claim=claim,
        release=release,
        reading_pages=reading_pages,
    )
    owner = process_owner()
    release_leases_of_gone_processes(storage, owner)
    stop_notices = FeedStopNotices(
        storage,
        build_tell(routes, send_dm=send_dm),
        owners=owner_chats(settings.owner_ids, routes),
        owner_language=settings.language,
    )

    async def poll_once() -> object:
        queued = 0

        def plan(article_ids: Sequence[int]) -> None:
            # Called per feed inside the poll, before the feed's success is recorded, so
            # a crash mid-poll leaves its articles recognisable as unplanned.
            nonlocal queued
            queued += planner.enqueue_article_ids(article_ids)

        report = await services.pipeline.poll(owner=owner, due_only=True, plan=plan)
        metrics.observe_poll(report)
        try:
            await stop_notices.after_poll(report.feeds)
        except Exception:  # telling chats is best effort; the poll itself is recorded
            log.exception("could not tell chats about their stopped feeds")
        if report.new_article_ids:
            log.info("poll: %d new articles, %d posts queued", len(report.new_article_ids), queued)
        return report

    scheduler = BotScheduler(
        poll_once=poll_once,
        planner=planner,
        worker=worker,
        poll_interval=max(1.0, settings.poll.interval_minutes * 60 / 3),
        drain_interval=drain_interval,
        poll_at_start=poll_at_start,
    )
    scheduler.start()
    runtime = Runtime(services, scheduler, commands, metrics, bots, stoppers)

    if listener is not None:

        def healthy() -> dict[str, object]:
            feeds = storage.get_feeds(enabled=True)
            failing = [f.url for f in feeds if f.error_count]
            return {
                "ok": scheduler.running,
                "feeds": len(feeds),
                "failing_feeds": len(failing),
                "outbox_pending": storage.count_pending(),
                "platforms": sorted(p.value for p in routes),
            }

        runner = await start_health_server(health_app(metrics, healthy), sock=listener)
        stoppers.append(runner.cleanup)
    return runtime


async def run_bots(services: Services) -> int:
    """Run until SIGINT/SIGTERM. Returns the process exit code. Raises StorageError when
    another `run` process uses the same SQLite file (see bot.instance_lock)."""
    from .instance_lock import InstanceLock, sqlite_file

    database = sqlite_file(services.settings.database_url)
    lock = InstanceLock(database) if database is not None else None
    if lock is not None:
        lock.acquire()
    try:
        return await _run_until_stopped(services)
    finally:
        if lock is not None:
            lock.release()


async def _run_until_stopped(services: Services) -> int:
    runtime = await start_runtime(services)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # not on every platform
            loop.add_signal_handler(sig, stop.set)
    names = ", ".join(type(b).__name__ for b in runtime.bots)
    log.warning("newsdigest running (%s); stop with Ctrl-C", names)
    try:
        await stop.wait()
    finally:
        await runtime.stop()
    return 0
