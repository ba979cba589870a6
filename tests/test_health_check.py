"""`newsdigest health` (the container HEALTHCHECK) against real HTTP servers on loopback:
the real runtime's /healthz, an unhealthy one, a server that is not ours, and none."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from bot.bootstrap import bootstrap
from bot.cli import main
from bot.health_check import check_health
from bot.ops import Metrics, health_app, start_health_server
from bot.runtime import start_runtime
from bot.settings import load_settings
from tests.fake_telegram import FakeTelegram
from tests.test_runtime import TOKEN, write_config


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def run_cli(*argv: str) -> int:
    # The command is synchronous (httpx.Client); the servers live on this test's loop.
    return await asyncio.to_thread(main, list(argv))


@pytest.fixture
async def serve() -> AsyncIterator[object]:
    runners: list[web.AppRunner] = []

    async def start(app: web.Application) -> str:
        port = free_port()
        runners.append(await start_health_server(app, port))
        return f"http://127.0.0.1:{port}/healthz"

    yield start
    for runner in runners:
        await runner.cleanup()


async def test_health_of_the_real_runtime_then_after_it_stopped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    port = free_port()
    cfg = write_config(tmp_path, port)
    async with FakeTelegram(TOKEN) as fake:
        env = {"NEWSDIGEST_TELEGRAM_TOKEN": TOKEN, "NEWSDIGEST_TELEGRAM_API_URL": fake.api_url}
        services = bootstrap(load_settings(cfg, env=env))
        runtime = await start_runtime(services, poll_at_start=False, drain_interval=0.2)
        try:
            assert await run_cli("--config", str(cfg), "health") == 0
            out = capsys.readouterr().out
            assert out.startswith("ok: feeds 1; failing feeds 0; outbox pending 0")
            assert "platforms telegram" in out
        finally:
            await runtime.stop()
            await services.aclose()
    assert await run_cli("--config", str(cfg), "health", "--timeout", "2") == 1
    assert f"unreachable: http://127.0.0.1:{port}/healthz" in capsys.readouterr().err


async def test_unhealthy_answer_exits_1(serve, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    url = await serve(health_app(Metrics(), lambda: {"ok": False, "feeds": 2}))
    assert await run_cli("health", "--url", url) == 1
    assert capsys.readouterr().err.strip() == "unhealthy (HTTP 503): feeds 2"


async def test_a_server_that_is_not_the_bot_is_unhealthy(serve) -> None:  # type: ignore[no-untyped-def]
    async def page(_request: web.Request) -> web.Response:
        return web.Response(text="<html>hello</html>", content_type="text/html")

    async def huge(_request: web.Request) -> web.Response:
        return web.json_response({"ok": True, "pad": "x" * 100_000})

    app = web.Application()
    app.router.add_get("/healthz", page)
    app.router.add_get("/big", huge)
    url = await serve(app)
    result = await asyncio.to_thread(check_health, url)
    assert not result.healthy and "not JSON" in result.line
    big = await asyncio.to_thread(check_health, url.replace("/healthz", "/big"))
    assert not big.healthy and "64 kB" in big.line


async def test_a_server_that_never_answers_times_out() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()  # accepts the connection, never answers
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/healthz"
        result = await asyncio.to_thread(check_health, url, timeout=0.5)
    assert not result.healthy
    assert result.line == f"unreachable: {url} did not answer within 0.5 s"
    assert result.exit_code == 1


def test_no_port_and_no_url_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = write_config(tmp_path)  # no http_port
    assert main(["--config", str(cfg), "health"]) == 2
    assert "set http_port" in capsys.readouterr().err
    assert main(["--config", str(cfg), "health", "--url", "http://x/", "--timeout", "nan"]) == 2
