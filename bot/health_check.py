"""`newsdigest health`: ask a running bot's /healthz whether it is well.

For container HEALTHCHECKs and service monitors: one short line, exit 0 when the bot
answers 200 with ``"ok": true``, 1 otherwise (unreachable, slow, 503, not JSON). The
address is the operator's own (``http_port`` on 127.0.0.1, or ``--url``), so no
address policy applies; the answer is read with a size cap all the same.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import httpx

# /healthz answers a few hundred bytes; anything much larger is not our bot.
MAX_ANSWER_BYTES = 64_000


@dataclass(frozen=True)
class HealthResult:
    healthy: bool
    line: str  # what `newsdigest health` prints

    @property
    def exit_code(self) -> int:
        return 0 if self.healthy else 1


def health_url(port: int, host: str = "127.0.0.1") -> str:
    return f"http://{host}:{port}/healthz"


def check_health(
    url: str, *, timeout: float = 5.0, transport: httpx.BaseTransport | None = None
) -> HealthResult:
    """GET ``url`` once and judge the answer; never raises for network trouble."""
    try:
        with (
            httpx.Client(timeout=timeout, transport=transport, follow_redirects=False) as client,
            client.stream("GET", url) as response,
        ):
            body = b""
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > MAX_ANSWER_BYTES:
                    return HealthResult(False, f"unhealthy: {url} answered more than 64 kB")
            status = response.status_code
    except httpx.TimeoutException:
        return HealthResult(False, f"unreachable: {url} did not answer within {timeout:g} s")
    except httpx.HTTPError as exc:
        return HealthResult(False, f"unreachable: {url}: {type(exc).__name__}: {exc}")
    try:
        state = json.loads(body)
    except ValueError:
        return HealthResult(False, f"unhealthy: {url} answered HTTP {status}, not JSON")
    if not isinstance(state, dict):
        return HealthResult(False, f"unhealthy: {url} answered HTTP {status}, not a JSON object")
    details = _details(state)
    if status == 200 and state.get("ok") is True:
        return HealthResult(True, f"ok: {details}")
    return HealthResult(False, f"unhealthy (HTTP {status}): {details}")


def _details(state: dict[str, object]) -> str:
    parts = [
        f"{key.replace('_', ' ')} {state[key]}"
        for key in ("feeds", "failing_feeds", "outbox_pending")
        if key in state
    ]
    platforms = state.get("platforms")
    if isinstance(platforms, list):
        parts.append("platforms " + (", ".join(str(p) for p in platforms) or "none"))
    return "; ".join(parts) or "no details"
