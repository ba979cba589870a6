"""Operations: Prometheus metrics, /healthz and /metrics over HTTP, structured logs.

The metrics registry is a small in-process one (counters and gauges with labels in the
Prometheus text format) so the bot needs no extra dependency for it.
"""

from __future__ import annotations

import errno
import json
import logging
import re
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from aiohttp import web

from bot.chat import ChatSender, MessageEditor, OutgoingMessage
from bot.redaction import SecretRedactor
from digest.errors import ConfigError, DeliveryError, MessageRejected
from digest.models import ChatRef
from digest.pipeline import PollReport

_LABEL_VALUE = re.compile(r'["\\\n]')


@dataclass
class _Metric:
    name: str
    help: str
    kind: str  # counter | gauge
    values: dict[tuple[tuple[str, str], ...], float] = field(default_factory=dict)


class Metrics:
    """Counters and gauges; `render()` gives the Prometheus text exposition format."""

    def __init__(self) -> None:
        self._metrics: dict[str, _Metric] = {}
        self._gauges: dict[str, Callable[[], float]] = {}

    def counter(self, name: str, help_text: str) -> None:
        self._metrics.setdefault(name, _Metric(name, help_text, "counter"))

    def inc(self, name: str, amount: float = 1.0, **labels: str) -> None:
        metric = self._metrics[name]
        key = tuple(sorted(labels.items()))
        metric.values[key] = metric.values.get(key, 0.0) + amount

    def value(self, name: str, **labels: str) -> float:
        return self._metrics[name].values.get(tuple(sorted(labels.items())), 0.0)

    def gauge(self, name: str, help_text: str, read: Callable[[], float]) -> None:
        """A gauge read when scraped (e.g. the outbox length)."""
        self._metrics.setdefault(name, _Metric(name, help_text, "gauge"))
        self._gauges[name] = read

    def render(self) -> str:
        lines: list[str] = []
        for metric in self._metrics.values():
            lines.append(f"# HELP {metric.name} {metric.help}")
            lines.append(f"# TYPE {metric.name} {metric.kind}")
            if metric.name in self._gauges:
                try:
                    lines.append(f"{metric.name} {_number(self._gauges[metric.name]())}")
                except Exception:  # a broken gauge must not break the scrape
                    logging.getLogger(__name__).exception("gauge %s failed", metric.name)
                continue
            for labels, value in sorted(metric.values.items()):
                lines.append(f"{metric.name}{_labels(labels)} {_number(value)}")
        return "\n".join(lines) + "\n"

    def observe_poll(self, report: PollReport) -> None:
        for feed in report.feeds:
            self.inc("newsdigest_fetches_total", outcome=feed.outcome.value)
            if feed.error:
                self.inc("newsdigest_fetch_errors_total")
            self.inc("newsdigest_articles_total", len(feed.new_article_ids))


def default_metrics(pending: Callable[[], float]) -> Metrics:
    metrics = Metrics()
    metrics.counter("newsdigest_fetches_total", "Feed fetches by outcome.")
    metrics.counter("newsdigest_fetch_errors_total", "Feed fetches that failed.")
    metrics.counter("newsdigest_articles_total", "New articles stored.")
    metrics.counter("newsdigest_posts_total", "Messages accepted by a platform.")
    metrics.counter("newsdigest_post_errors_total", "Messages a platform refused, by error.")
    metrics.gauge("newsdigest_outbox_pending", "Deliveries waiting in the outbox.", pending)
    return metrics


def _escape(value: str) -> str:
    return _LABEL_VALUE.sub(lambda m: "\\n" if m.group(0) == "\n" else "\\" + m.group(0), value)


def _labels(labels: Iterable[tuple[str, str]]) -> str:
    parts = [f'{key}="{_escape(value)}"' for key, value in labels]
    return "{" + ",".join(parts) + "}" if parts else ""


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


class CountingSender:
    """A ChatSender decorator that counts posts and refusals per platform."""

    def __init__(self, inner: ChatSender, metrics: Metrics) -> None:
        self._inner = inner
        self._metrics = metrics

    async def send(self, chat: ChatRef, message: OutgoingMessage) -> str:
        try:
            message_id = await self._inner.send(chat, message)
        except DeliveryError as exc:
            self._metrics.inc(
                "newsdigest_post_errors_total",
                platform=chat.platform.value,
                error=type(exc).__name__,
            )
            raise
        self._metrics.inc("newsdigest_posts_total", platform=chat.platform.value)
        return message_id

    async def edit(
        self, chat: ChatRef, message_id: str, message: OutgoingMessage, *, photo: bool = False
    ) -> None:
        """Edits pass through uncounted (bot.story_edits); a sender that cannot edit
        refuses them for good."""
        if not isinstance(self._inner, MessageEditor):
            raise MessageRejected(chat.chat_id, "this sender cannot edit messages")
        await self._inner.edit(chat, message_id, message, photo=photo)


def health_app(metrics: Metrics, healthy: Callable[[], dict[str, object]]) -> web.Application:
    """GET /healthz (JSON, 200 or 503) and GET /metrics (Prometheus text)."""

    async def healthz(_request: web.Request) -> web.Response:
        state = healthy()
        status = 200 if state.get("ok") else 503
        return web.json_response(state, status=status)

    async def metrics_view(_request: web.Request) -> web.Response:
        return web.Response(text=metrics.render(), content_type="text/plain", charset="utf-8")

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics_view)
    return app


def bind_port(port: int, host: str = "127.0.0.1") -> socket.socket:
    """Bind and listen on the ops HTTP port now, before any bot starts: a busy port is
    then a configuration error (exit code 2) instead of a failure half-way through
    start-up, with Telegram already polling. Raises ConfigError; the caller owns the
    socket (`start_health_server(..., sock=)` takes it over)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        # Like aiohttp's own sites: a restart may bind while old connections linger in
        # TIME_WAIT (a port someone listens on is still refused).
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            reason = f"{host}:{port} is in use by another process"
        else:
            reason = f"cannot listen on {host}:{port}: {exc.strerror or exc}"
        raise ConfigError(
            f"http_port {port} (NEWSDIGEST_HTTP_PORT): {reason}; choose another port"
        ) from None
    return sock


async def start_health_server(
    app: web.Application,
    port: int | None = None,
    host: str = "127.0.0.1",
    *,
    sock: socket.socket | None = None,
) -> web.AppRunner:
    """Serve `app` on `sock` (from `bind_port`), else on host:port."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site: web.BaseSite = (
        web.SockSite(runner, sock) if sock is not None else web.TCPSite(runner, host, port)
    )
    await site.start()
    return runner


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, and exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        # exc_text first: filters (the secret redactor) leave their cleaned copy there.
        if record.exc_text:
            entry["exception"] = record.exc_text
        elif record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(*, level: int, json_lines: bool, secrets: Iterable[str] = ()) -> None:
    """Root logging to stderr, optionally as JSON lines, with secrets redacted."""
    handler = logging.StreamHandler()
    handler.setFormatter(
        JsonFormatter()
        if json_lines
        else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    handler.addFilter(SecretRedactor(secrets))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # httpx logs every request at INFO (each poll and send): only with -vv.
    logging.getLogger("httpx").setLevel(
        max(level, logging.WARNING) if level > logging.DEBUG else level
    )
