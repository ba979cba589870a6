"""The outbox worker's vocabulary: retry policy and backoff (`retry_delay`, pure), the
drain report, the callables the worker is given, a send's outcome and log helpers."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from digest.models import (
    ChatRef,
    ChatSettings,
    Delivery,
    Platform,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetryPolicy:
    base_seconds: float = 5.0
    max_seconds: float = 3600.0
    max_attempts: int = 12  # then the rows are marked failed (kept for the record)
    max_inline_wait: float = 60.0  # RetryAfter up to this long is waited out in place
    max_inline_retries: int = 5
    no_route_seconds: float = 3600.0  # rows of a platform that is not running


def retry_delay(attempts: int, policy: RetryPolicy, random: Callable[[], float]) -> float:
    """Exponential backoff with "equal jitter": half the step is fixed, half random, so
    retries of many chats spread out but never come sooner than half the step."""
    step = min(policy.max_seconds, policy.base_seconds * 2.0 ** min(max(attempts, 0), 60))
    return step / 2 + random() * step / 2


@dataclass
class DrainReport:
    """What one drain did (counts of outbox rows, and messages accepted)."""

    sent: int = 0
    messages: int = 0
    retried: int = 0
    failed: int = 0
    paused_chats: int = 0
    migrated_chats: int = 0
    settled: set[int] = field(default_factory=set, repr=False)  # row ids given a new state

    def add(self, other: DrainReport) -> None:
        for name in ("sent", "messages", "retried", "failed", "paused_chats", "migrated_chats"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.settled |= other.settled

    @property
    def handled(self) -> int:
        return self.sent + self.retried + self.failed


OnPause = Callable[[ChatSettings, str], Awaitable[None]]
Claim = Callable[[datetime, int], Sequence[Delivery]]
"""(now, limit) -> due rows leased to this process, for several processes sharing one
database (PostgreSQL: ``FOR UPDATE SKIP LOCKED``, lease by moving ``due_at`` ahead)."""
Release = Callable[[Sequence[Delivery]], None]
"""(rows as the claim returned them) -> their lease ends: due again at once, for any
process (``SqlStorage.release_deliveries``)."""


def _by_chat(rows: Iterable[Delivery]) -> dict[ChatRef, list[Delivery]]:
    by_chat: dict[ChatRef, list[Delivery]] = {}
    for row in rows:
        by_chat.setdefault(row.chat, []).append(row)
    return by_chat


def chat_label(chat: ChatRef) -> str:
    """How logs name a chat: platform, kind and id, "<id>/<thread>" for a forum topic
    (ids are not secrets; titles and webhook URLs stay out of logs)."""
    return f"{chat.platform.value} {chat.kind.value} {chat.key}"


def _stories(count: int, qualifier: str = "") -> str:
    return f"{count} {qualifier}{'story' if count == 1 else 'stories'}"


def resumed_by(chat: ChatRef) -> str:
    """What lifts a delivery pause, for the log line that reports it (the commands that
    clear `paused_reason`)."""
    if chat.platform is Platform.DISCORD:
        return "resumes when an admin runs /news subscribe or /news schedule in that channel"
    return (
        "resumes on /start or any settings command in that chat, or when the bot is "
        "unblocked or added back"
    )


@dataclass(frozen=True)
class _Outcome:
    kind: str  # sent | rejected | forbidden | migrated | later | retry
    error: str = ""
    new_chat_id: str | None = None
    due_at: datetime | None = None
    message_ids: tuple[str, ...] = ()  # of the messages sent, when kind is "sent"
