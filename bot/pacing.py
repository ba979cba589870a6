"""Pacing of outgoing messages: platform rate limits and the turns chats get to send.

* `RateLimiter` keeps one platform's overall and per-chat limits (sliding windows on the
  injected clock) and honours "retry after" blocks.
* `SendSlots` bounds the messages in flight and hands the slots to chats that are ready
  by their own pacing. A chat waiting for its per-chat limit (1 message a second in a
  Telegram private chat) waits without a slot, so a burst to many chats runs at the
  overall limit instead of at (slots x per-chat rate).

Single event loop: every check-and-record happens without an await in between.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

from digest.clock import Clock
from digest.models import ChatKind, ChatRef


@dataclass(frozen=True)
class RateLimit:
    """At most `count` messages in any `period` seconds. `even` also spaces them nearly
    period/count apart (a smooth stream instead of bursts)."""

    count: int
    period: float
    even: bool = False


@dataclass(frozen=True)
class RateLimits:
    """The limits of one platform. `margin` seconds are added to every window so that
    network jitter between us and the platform's clock cannot push us over."""

    overall: RateLimit
    private: RateLimit
    group: RateLimit
    channel: RateLimit
    margin: float = 0.05

    def for_chat(self, chat: ChatRef) -> RateLimit:
        if chat.kind is ChatKind.PRIVATE:
            return self.private
        return self.group if chat.kind is ChatKind.GROUP else self.channel


# Telegram Bot API FAQ: about 30 messages per second overall, one per second in a private
# chat, 20 per minute in a group or channel.
TELEGRAM_LIMITS = RateLimits(
    overall=RateLimit(30, 1.0, even=True),
    private=RateLimit(1, 1.0),
    group=RateLimit(20, 60.0),
    channel=RateLimit(20, 60.0),
)
# Discord: 5 messages per 5 s per channel; the global cap is 50 requests per second.
DISCORD_LIMITS = RateLimits(
    overall=RateLimit(50, 1.0, even=True),
    private=RateLimit(5, 5.0),
    group=RateLimit(5, 5.0),
    channel=RateLimit(5, 5.0),
)

Sleep = Callable[[float], Awaitable[None]]
_EPSILON = 1e-6
_EVEN_SPACING = 0.9


class _Window:
    """Send times within the last period (a sliding-window log), and for an even limit
    the moment the next message is due by the even pace."""

    __slots__ = ("blocked_until", "paced", "times")

    def __init__(self) -> None:
        self.times: deque[float] = deque()
        self.blocked_until = 0.0
        self.paced = 0.0

    def next_allowed(self, limit: RateLimit, margin: float, now: float) -> float:
        span = limit.period + margin
        while self.times and self.times[0] <= now - span:
            self.times.popleft()
        at = max(now, self.blocked_until)
        if len(self.times) >= limit.count:
            at = max(at, self.times[len(self.times) - limit.count] + span)
        if limit.even:
            at = max(at, self.paced)
        return at

    def add(self, limit: RateLimit, margin: float, now: float) -> None:
        self.times.append(now)
        if limit.even:
            # Slightly under the average gap: the window above sets the pace (anchored
            # to real send times), this only stops a whole window's worth from leaving
            # in one burst. The pace runs on from when the message was due, not from
            # when it went: a sender woken a little late (a loaded machine) does not
            # push every later message back by as much — up to a quarter gap is forgiven
            # (8 ms at 30/s: more than a loaded machine's usual lateness, and two messages
            # never leave closer than 3/4 of the gap).
            gap = _EVEN_SPACING * (limit.period + margin) / limit.count
            self.paced = max(self.paced, now - gap / 4) + gap

    def idle(self, now: float, span: float) -> bool:
        return self.blocked_until <= now and (not self.times or self.times[-1] <= now - span)


class RateLimiter:
    """Plans sends to stay under a platform's overall and per-chat limits.

    `acquire(chat)` waits (through the injected `sleep`) until both the overall window
    and the chat's window allow one more message, then records it. Single event loop:
    the check and the record happen without an await in between, so concurrent senders
    cannot both take the last slot.

    The per-chat window is the whole chat's (`ChatRef.whole_chat`): Telegram counts the
    messages to a group's forum topics against the group's 20 a minute."""

    def __init__(self, limits: RateLimits, clock: Clock, sleep: Sleep | None = None) -> None:
        self.limits = limits
        self._clock = clock
        self._sleep = sleep or asyncio.sleep
        self._overall = _Window()
        self._chats: dict[ChatRef, _Window] = {}
        self._acquired = 0

    def _now(self) -> float:
        return self._clock.now().timestamp()

    def delay(self, chat: ChatRef) -> float:
        """Seconds until a message to `chat` is allowed (0 when it is allowed now)."""
        now = self._now()
        return max(0.0, self._next_allowed(chat, now) - now)

    def chat_delay(self, chat: ChatRef) -> float:
        """Seconds until the chat's own limit (and a "retry after" for it) allows a
        message, leaving the overall limit aside: when a chat is ready to be served."""
        window = self._chats.get(chat.whole_chat)
        if window is None:
            return 0.0
        now = self._now()
        limit = self.limits.for_chat(chat)
        return max(0.0, window.next_allowed(limit, self.limits.margin, now) - now)

    def _next_allowed(self, chat: ChatRef, now: float) -> float:
        window = self._chats.get(chat.whole_chat)
        at = self._overall.next_allowed(self.limits.overall, self.limits.margin, now)
        if window is not None:
            at = max(at, window.next_allowed(self.limits.for_chat(chat), self.limits.margin, now))
        return at

    async def acquire(self, chat: ChatRef) -> None:
        """Wait for a free slot for one message to `chat` and take it."""
        while True:
            now = self._now()
            wait = self._next_allowed(chat, now) - now
            if wait <= _EPSILON:
                self._record(chat, now)
                return
            await self._sleep(max(wait, 0.001))

    def _record(self, chat: ChatRef, now: float) -> None:
        self._overall.add(self.limits.overall, self.limits.margin, now)
        self._chats.setdefault(chat.whole_chat, _Window()).add(
            self.limits.for_chat(chat), self.limits.margin, now
        )
        self._acquired += 1
        if self._acquired % 1000 == 0:
            self._forget_idle(now)

    def block(self, chat: ChatRef, seconds: float) -> None:
        """The platform said "retry after": send nothing to `chat` for `seconds`."""
        window = self._chats.setdefault(chat.whole_chat, _Window())
        window.blocked_until = max(window.blocked_until, self._now() + seconds)

    def block_all(self, seconds: float) -> None:
        self._overall.blocked_until = max(self._overall.blocked_until, self._now() + seconds)

    def _forget_idle(self, now: float) -> None:
        # Keep memory flat over thousands of chats: windows with nothing recent go.
        longest = max(self.limits.private.period, self.limits.group.period)
        span = max(longest, self.limits.channel.period) + self.limits.margin
        for chat in [c for c, w in self._chats.items() if w.idle(now, span)]:
            del self._chats[chat]

    @property
    def tracked_chats(self) -> int:
        return len(self._chats)


class _Gate:
    """A semaphore whose waiters are served by priority (lower first), then in the
    order they came."""

    def __init__(self, size: int) -> None:
        self._free = size
        self._waiters: list[tuple[int, int, asyncio.Future[None]]] = []
        self._arrivals = 0

    async def acquire(self, priority: int) -> None:
        if self._free > 0 and not self._waiters:
            self._free -= 1
            return
        self._arrivals += 1
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiters, (priority, self._arrivals, future))
        try:
            await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():
                self.release()  # granted just as it was cancelled: pass it on
            raise

    def release(self) -> None:
        while self._waiters:
            _, _, future = heapq.heappop(self._waiters)
            if not future.done():
                future.set_result(None)  # the slot passes straight to this waiter
                return
        self._free += 1


class SendSlots:
    """Turns to send for many chats: at most `concurrency` chats at a time hold a slot,
    a slot goes only to a chat its own pacing lets send now, and slot holders take the
    overall budget first come, first served.

    `take(limiter, chat, remaining)` waits — holding nothing — until the chat's own
    window allows a message, then queues for a slot: chats with more messages still to
    send first (a chat left with three messages at the end of a burst needs two more
    seconds of its own pacing), then in the order chats became ready.
    `send_turn(limiter, chat)`, called while holding the slot before each message, waits
    for the chat's own window (only a multi-message parcel can still be waiting for it)
    and then, in FIFO order per limiter, for the overall window. So a slot is never
    parked on a chat that is not ready while another chat is, and no holder is starved
    by others that happen to wake first.

    A chat keeps its slot from its first message until the parcel's last was accepted:
    the bound on slots is also the bound on what a crash can repeat (a message the
    platform accepted before its outbox row was marked sent)."""

    def __init__(self, concurrency: int, sleep: Sleep | None = None) -> None:
        self._gate = _Gate(max(1, concurrency))
        self._sleep = sleep or asyncio.sleep
        self._turns: dict[int, asyncio.Lock] = {}  # per limiter (platform), by id
        self._preparing = asyncio.Lock()
        # Set on every release (a parcel sent or given up): a reader of the outbox may
        # wait on it to top up the rows in hand.
        self.released = asyncio.Event()

    @contextlib.asynccontextmanager
    async def preparing(self) -> AsyncIterator[None]:
        """One chat at a time prepares its messages (storage reads, rendering: work
        without awaits), then gives the event loop a turn: preparing a batch of chats
        interleaves with the sends of those already prepared rather than holding every
        send up until the whole batch is prepared."""
        async with self._preparing:
            yield
            await asyncio.sleep(0)  # a yield to the loop, not a wait in (injected) time

    async def take(self, limiter: RateLimiter, chat: ChatRef, remaining: int = 1) -> None:
        """Wait until `chat` is ready by its own limit, then take a slot, ahead of chats
        with fewer than `remaining` messages to send. Pair with `release()`."""
        while True:
            await self._until_ready(limiter, chat)
            await self._gate.acquire(-remaining)
            if limiter.chat_delay(chat) <= _EPSILON:
                return
            # Blocked while queued (a "retry after" for this chat from another sender of
            # the same limiter): give the slot to someone ready.
            self._gate.release()

    def release(self) -> None:
        self._gate.release()
        self.released.set()

    async def send_turn(self, limiter: RateLimiter, chat: ChatRef) -> None:
        """With a slot held: wait until one message to `chat` is allowed and record it
        (`RateLimiter.acquire`), queueing FIFO with the other holders for the overall
        budget."""
        await self._until_ready(limiter, chat)
        turn = self._turns.setdefault(id(limiter), asyncio.Lock())
        async with turn:
            await limiter.acquire(chat)

    async def _until_ready(self, limiter: RateLimiter, chat: ChatRef) -> None:
        while (wait := limiter.chat_delay(chat)) > _EPSILON:
            await self._sleep(wait)
