"""Metrics, the /healthz and /metrics endpoints over real HTTP, JSON logs, redaction."""

from __future__ import annotations

import json
import logging
import socket

import httpx
import pytest

from bot.chat import OutgoingMessage
from bot.ops import (
    CountingSender,
    JsonFormatter,
    default_metrics,
    health_app,
    start_health_server,
)
from bot.redaction import SecretRedactor
from digest.errors import ChatForbidden
from digest.models import ChatKind, ChatRef, Platform
from digest.pipeline import FeedOutcome, FeedReport, PollReport

CHAT = ChatRef(Platform.TELEGRAM, "7", ChatKind.PRIVATE)


class ScriptedSender:
    """Accepts messages, or raises the errors it is given, in order."""

    def __init__(self, *outcomes: Exception | None) -> None:
        self.outcomes = list(outcomes)
        self.sent: list[OutgoingMessage] = []

    async def send(self, chat: ChatRef, message: OutgoingMessage) -> str:
        outcome = self.outcomes.pop(0) if self.outcomes else None
        if outcome is not None:
            raise outcome
        self.sent.append(message)
        return str(len(self.sent))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_counting_sender_and_metrics_text() -> None:
    pending = [3]
    metrics = default_metrics(lambda: pending[0])
    sender = CountingSender(ScriptedSender(None, ChatForbidden("7", "blocked")), metrics)
    assert await sender.send(CHAT, OutgoingMessage(text="x")) == "1"
    with pytest.raises(ChatForbidden):
        await sender.send(CHAT, OutgoingMessage(text="y"))
    metrics.observe_poll(
        PollReport(
            (
                FeedReport("a", FeedOutcome.NEW, new_article_ids=(1, 2)),
                FeedReport("b", FeedOutcome.ERROR, error='Fetch "x"'),
            )
        )
    )
    text = metrics.render()
    assert 'newsdigest_posts_total{platform="telegram"} 1' in text
    assert 'newsdigest_post_errors_total{error="ChatForbidden",platform="telegram"} 1' in text
    assert 'newsdigest_fetches_total{outcome="new"} 1' in text
    assert "newsdigest_articles_total 2" in text
    assert "newsdigest_outbox_pending 3" in text
    assert "# TYPE newsdigest_outbox_pending gauge" in text


async def test_health_server_over_http() -> None:
    metrics = default_metrics(lambda: 0)
    state = {"ok": True, "feeds": 2}
    port = free_port()
    runner = await start_health_server(health_app(metrics, lambda: dict(state)), port)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            ok = await client.get("/healthz")
            assert ok.status_code == 200 and ok.json() == {"ok": True, "feeds": 2}
            state["ok"] = False
            assert (await client.get("/healthz")).status_code == 503
            scraped = await client.get("/metrics")
            assert scraped.status_code == 200
            assert "newsdigest_outbox_pending 0" in scraped.text
    finally:
        await runner.cleanup()


def test_json_logs_redact_secrets() -> None:
    token = "123456:ABC-secret-token"
    record = logging.LogRecord(
        "httpx", logging.INFO, __file__, 1, "POST https://api/bot%s/sendMessage", (token,), None
    )
    assert SecretRedactor([token]).filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "POST https://api/bot[REDACTED]/sendMessage"
    assert line["level"] == "info" and line["logger"] == "httpx"
    assert token not in json.dumps(line)

    try:
        raise RuntimeError(f"failed with {token}")
    except RuntimeError:
        import sys

        failing = logging.LogRecord("x", logging.ERROR, __file__, 1, "boom", None, sys.exc_info())
    SecretRedactor([token]).filter(failing)
    assert token not in JsonFormatter().format(failing)
    assert "failed with [REDACTED]" in JsonFormatter().format(failing)
