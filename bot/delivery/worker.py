"""The outbox worker (`DeliveryWorker`): drains due outbox rows, sends them through
each platform's sender under its rate limiter and marks them sent (see `bot.delivery`)."""

from __future__ import annotations

import asyncio
import logging
import random as _random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Protocol

from bot.chat import outbox_message_key
from bot.delivery.edits import SourceEdits
from bot.delivery.outbox import (
    Claim,
    DrainReport,
    OnPause,
    Release,
    RetryPolicy,
    _by_chat,
    _Outcome,
    _stories,
    chat_label,
    resumed_by,
    retry_delay,
)
from bot.delivery.planning import StoryLoader, chat_zone, digest_title, publication_order
from bot.delivery.rendering import Parcel, PlatformRoute, pack_parcels
from bot.i18n import t
from bot.pacing import (
    SendSlots,
    Sleep,
)
from bot.top_stories import rank_for_chat
from digest.clock import Clock
from digest.errors import (
    ChatForbidden,
    ChatMigrated,
    ChatNotFound,
    DeliveryError,
    MessageRejected,
    NotFoundError,
    RetryAfter,
)
from digest.exclusions import (
    exclusion_rule,
)
from digest.models import (
    ChatRef,
    ChatSettings,
    Delivery,
    DeliveryAction,
    DeliveryMode,
    Platform,
)
from digest.ports import Storage
from digest.stories import StoryBuilder

log = logging.getLogger(__name__)


class ReadingPagesPort(Protocol):
    """Makes the reading pages of long articles (bot.telegraph.ReadingPages)."""

    async def ensure(self, article_ids: Sequence[int]) -> None:
        """Make the missing pages of these articles; never raises (failures are logged and
        the posts go out without the link)."""
        ...


class DeliveryWorker:
    """Sends due outbox rows, at most once per (chat, article).

    Rows are grouped per chat. Instant chats get one message (or more, for a long story)
    per story — unless more than `collapse_backlog` stories wait for the chat at once,
    which are then packed like a digest; scheduled chats get one digest: a header and
    the stories. A row is marked
    sent right after the platform accepted the last message carrying it, so a crash
    repeats at most the one message in flight, and nothing is lost:

    * RetryAfter: that chat waits (in place up to `max_inline_wait`, else its rows are
      rescheduled for then); other chats go on.
    * ChatForbidden / ChatNotFound: the chat is paused (`Storage.pause_chat`) and its
      rows are marked failed with the reason (kept for the record, never retried blindly).
    * ChatMigrated: the chat and its rows move to the new id (`Storage.migrate_chat`)
      and the rows are sent there.
    * TransientDeliveryError (and unknown errors): rows are retried with exponential
      backoff and jitter; after `max_attempts` they are marked failed.
    * MessageRejected: the rows of that message are marked failed; the rest go on.
    """

    def __init__(
        self,
        storage: Storage,
        routes: Mapping[Platform, PlatformRoute],
        clock: Clock,
        *,
        stories: StoryLoader | None = None,
        policy: RetryPolicy | None = None,
        batch_size: int = 200,
        concurrency: int = 16,
        max_rounds: int = 50,
        random: Callable[[], float] | None = None,
        sleep: Sleep | None = None,
        on_pause: OnPause | None = None,
        collapse_backlog: int | None = 8,
        claim: Claim | None = None,
        release: Release | None = None,
        reading_pages: ReadingPagesPort | None = None,
    ) -> None:
        self._storage = storage
        self._reading_pages = reading_pages
        self._routes = dict(routes)
        self._clock = clock
        self._stories = stories or StoryBuilder(storage)
        self._policy = policy or RetryPolicy()
        self._batch_size = batch_size
        self._concurrency = max(1, concurrency)
        self._max_rounds = max_rounds
        self._random = random or _random.random
        self._sleep = sleep or asyncio.sleep
        self._on_pause = on_pause
        self._collapse_backlog = collapse_backlog
        self._claim = claim
        self._edits = SourceEdits(storage, clock)
        self._release = release

    async def drain(self) -> DrainReport:
        """Deliver due rows until none is due (at most `max_rounds` reads of the outbox).

        The outbox is read `batch_size` rows at a time and read again as soon as no more
        than half a batch is still unsent, not only when a whole batch is done: a burst
        keeps enough chats on the go to use the overall rate while each one waits for
        its own pacing (3 stories to each of many private chats would otherwise end every
        batch with a few chats sending once a second). One task serves a chat at a time;
        rows read for a chat still being served follow in order. A row is handed out at
        most once per drain, so rows left unsettled cannot make it spin.

        With leases (`claim`), every leased row that this drain will not deliver is given
        back (`release`) at once rather than left out of reach of every drain for the
        whole lease: a row a chat task left unsettled, and a row handed out before that
        is leased again (retried, and due again while the drain goes on)."""
        total = DrainReport()
        slots = SendSlots(self._concurrency, self._sleep)
        running: dict[ChatRef, tuple[asyncio.Task[None], DrainReport, list[Delivery]]] = {}
        following: dict[ChatRef, list[Delivery]] = {}
        seen: set[int] = set()
        left_over = 0  # rows of finished chat tasks they did not settle (still pending)
        reads = 0
        more = True  # whether a read may find rows not seen yet
        found = True  # whether the last read found any

        def start(chat: ChatRef, rows: list[Delivery]) -> None:
            report = DrainReport()
            task = asyncio.ensure_future(self._serve_chat(chat, rows, report, slots))
            running[chat] = (task, report, rows)

        def held() -> set[int]:
            """Rows handed out that no chat task has settled yet."""
            ids = {r.id for _, report, rows in running.values() for r in rows}
            ids.difference_update(*(report.settled for _, report, _ in running.values()))
            return ids.union(r.id for rows in following.values() for r in rows)

        try:
            while True:
                in_hand = sum(max(0, len(rows) - len(r.settled)) for _, r, rows in running.values())
                in_hand += sum(len(rows) for rows in following.values())
                if more and reads < self._max_rounds and in_hand <= self._batch_size // 2:
                    reads += 1
                    want = self._batch_size - in_hand
                    rows = self._read_due(want, in_hand + left_over, seen, held)
                    # Fewer than asked: nothing else is due now (or other processes
                    # claimed it); read again once every chat task has finished.
                    more = len(rows) >= want
                    found = bool(rows)
                    for chat, chat_rows in _by_chat(rows).items():
                        seen.update(r.id for r in chat_rows)
                        if chat in running:
                            following.setdefault(chat, []).extend(chat_rows)
                        else:
                            start(chat, chat_rows)
                    continue
                if not running:
                    if found and not more and reads < self._max_rounds:
                        more = True  # rows may have come due (or been queued) meanwhile
                        continue
                    break
                # Wake when a chat task ends or a parcel settles (a slot is released).
                slots.released.clear()
                progress = asyncio.ensure_future(slots.released.wait())
                tasks = [task for task, _, _ in running.values()]
                await asyncio.wait([*tasks, progress], return_when=asyncio.FIRST_COMPLETED)
                progress.cancel()
                for chat in [c for c, (task, _, _) in running.items() if task.done()]:
                    task, report, handed = running.pop(chat)
                    # _serve_chat contains every Exception; what is left (SystemExit,
                    # KeyboardInterrupt) means the process is going down: so does the drain.
                    if not task.cancelled() and task.exception() is not None:
                        raise task.exception()  # type: ignore[misc]
                    total.add(report)
                    unsettled = [r for r in handed if r.id not in report.settled]
                    left_over += len(unsettled)
                    if self._claim is not None:
                        self._give_back(unsettled)
                    later = following.pop(chat, [])
                    if report.migrated_chats:
                        # Read before the move, they name the old chat: forget them, a
                        # later read returns them as they are now.
                        seen.difference_update(r.id for r in later)
                        if self._claim is not None:
                            self._give_back(later)
                        later = []
                    # A digest sends every due row of its chat, also rows read meanwhile.
                    later = [r for r in later if r.id not in report.settled]
                    if later:
                        start(chat, later)
        finally:
            # Cancelled (shutdown): stop the chat tasks too; their rows stay pending.
            for task, _, _ in running.values():
                task.cancel()
            if running:
                await asyncio.gather(*(t for t, _, _ in running.values()), return_exceptions=True)
            if self._claim is not None:
                # Leased rows not sent go back to the other processes now, not in 10
                # minutes (a restart of one of several). The crash window is unchanged:
                # a message in flight at the cancel is repeated either way, sooner here
                # (within Discord's nonce window, which then drops the repeat).
                self._give_back(
                    [
                        r
                        for _, rep, rows in running.values()
                        for r in rows
                        if r.id not in rep.settled
                    ]
                    + [r for rows in following.values() for r in rows]
                )
        return total

    def _read_due(
        self, want: int, unsettled: int, seen: set[int], held: Callable[[], set[int]]
    ) -> list[Delivery]:
        """Up to `want` due rows not handed out yet. The plain outbox read also returns
        the `unsettled` rows still being delivered (they are pending until marked), so it
        asks for that many more. A claim leases rows: one handed out before in this drain
        comes back only once its lease ended, i.e. it was retried (or given back) and is
        due again; it is given back for the next drain (or another process), and one
        still `held()` by a chat task (a lease that ran out while it was being
        delivered) keeps the renewed lease."""
        now = self._clock.now()
        if self._claim is None:
            rows = self._storage.pending_deliveries(now=now, limit=want + unsettled)
            return [r for r in rows if r.id not in seen][:want]
        rows = list(self._claim(now, want))
        again = [r for r in rows if r.id in seen]
        if again:
            in_hand = held()
            self._give_back([r for r in again if r.id not in in_hand])
        return [r for r in rows if r.id not in seen][:want]

    def _give_back(self, rows: Sequence[Delivery]) -> None:
        """End the lease of claimed rows this drain will not deliver, so they do not wait
        for it to run out (with no `release`, they do)."""
        if not rows or self._release is None:
            return
        try:
            self._release(rows)
        except Exception:  # the lease running out is the fallback
            log.exception(
                "could not give back %s; due again when their lease ends",
                _stories(len(rows), "leased "),
            )

    async def deliver(self, rows: Sequence[Delivery]) -> DrainReport:
        """Deliver these outbox rows (grouped per chat, chats concurrently)."""
        slots = SendSlots(self._concurrency, self._sleep)
        by_chat = _by_chat(rows)
        reports = [DrainReport() for _ in by_chat]
        await asyncio.gather(
            *(
                self._serve_chat(chat, chat_rows, report, slots)
                for (chat, chat_rows), report in zip(by_chat.items(), reports, strict=True)
            )
        )
        total = DrainReport()
        for report in reports:
            total.add(report)
        return total

    async def _serve_chat(
        self, chat: ChatRef, rows: list[Delivery], report: DrainReport, slots: SendSlots
    ) -> None:
        """`_deliver_chat`, with a bug in it contained to this chat."""
        try:
            edits = [r for r in rows if r.action is DeliveryAction.EDIT]
            posts = [r for r in rows if r.action is not DeliveryAction.EDIT]
            if posts:
                await self._deliver_chat(chat, posts, report, slots, depth=0)
            if edits:  # after the posts, whose message ids they need
                await self._deliver_edits(chat, edits, report, slots)
        except Exception:
            # A bug must not stop other chats' deliveries; the rows not settled yet are
            # retried (never those already sent: that would repeat them).
            log.exception("delivery to %s failed unexpectedly", chat)
            leftover = [r for r in rows if r.id not in report.settled]
            try:
                self._retry(leftover, "internal error", report)
            except Exception:
                log.exception("could not reschedule deliveries to %s", chat)

    # one chat --------------------------------------------------------------------------

    async def _deliver_chat(
        self,
        chat: ChatRef,
        rows: list[Delivery],
        report: DrainReport,
        slots: SendSlots,
        *,
        depth: int,
    ) -> None:
        # One chat prepares at a time, with a turn of the event loop after each: the
        # storage reads and rendering of a batch's chats interleave with the sends of
        # the chats already prepared instead of holding them all up at the start.
        if self._reading_pages is not None and chat.platform is Platform.TELEGRAM:
            # Before the (synchronous) preparation reads the articles: long ones get
            # their reading page made once, and the posts link it.
            await self._reading_pages.ensure([r.article_id for r in rows])
        async with slots.preparing():
            prepared = self._prepare_chat(chat, rows, report)
        if prepared is None:
            return
        settings, route, row_of, parcels = prepared
        for index, parcel in enumerate(parcels):
            parcel_rows = [row_of[a] for a in parcel.article_ids if a in row_of]
            remaining = [row_of[a] for p in parcels[index:] for a in p.article_ids if a in row_of]
            later = sum(len(p.messages) for p in parcels[index + 1 :])
            outcome = await self._send_parcel(chat, parcel, route, report, slots, later)
            if outcome.kind == "sent":
                self._mark_sent(parcel, parcel_rows, outcome)
                report.sent += len(parcel_rows)
                report.settled.update(r.id for r in parcel_rows)
            elif outcome.kind == "rejected":
                self._fail(parcel_rows, f"rejected: {outcome.error}", report)
                log.warning(
                    "dropped %s for %s: the platform rejected the message (%s); "
                    "not retried, the chat's other stories go on",
                    _stories(len(parcel_rows)),
                    chat_label(chat),
                    outcome.error,
                )
            elif outcome.kind == "forbidden":
                self._storage.pause_chat(chat, outcome.error)
                report.paused_chats += 1
                self._fail(remaining, f"chat paused: {outcome.error}", report)
                log.warning(
                    "paused delivery to %s: %s; %s dropped; %s",
                    chat_label(chat),
                    outcome.error,
                    _stories(len(remaining), "queued "),
                    resumed_by(chat),
                )
                await self._notify_pause(settings, outcome.error)
                return
            elif outcome.kind == "migrated" and outcome.new_chat_id and depth < 2:
                new_chat = self._storage.migrate_chat(chat, outcome.new_chat_id)
                report.migrated_chats += 1
                # Only this task's rows: others of the chat are another read's to deliver
                # (sending them here too could send them twice).
                own = {r.id for r in row_of.values()}
                moved = [
                    r
                    for r in self._storage.pending_deliveries(
                        now=self._clock.now(), limit=10_000, chat=new_chat
                    )
                    if r.id in own
                ]
                if moved:
                    await self._deliver_chat(new_chat, moved, report, slots, depth=depth + 1)
                return
            elif outcome.kind == "later" and outcome.due_at is not None:
                self._storage.mark_retry(
                    [r.id for r in remaining], error=outcome.error, due_at=outcome.due_at
                )
                report.retried += len(remaining)
                report.settled.update(r.id for r in remaining)
                return
            else:
                self._retry(remaining, outcome.error, report)
                return

    def _prepare_chat(
        self, chat: ChatRef, rows: list[Delivery], report: DrainReport
    ) -> tuple[ChatSettings, PlatformRoute, dict[int, Delivery], list[Parcel]] | None:
        """Read the chat and its stories and render its parcels; None when there is
        nothing to send (rows it cannot send are settled here, with the reason)."""
        settings = self._storage.get_chat(chat)
        if settings.paused_reason is not None:
            self._fail(rows, f"chat paused: {settings.paused_reason}", report)
            log.warning(
                "dropped %s for %s: delivery is paused (%s); %s",
                _stories(len(rows), "queued "),
                chat_label(chat),
                settings.paused_reason,
                resumed_by(chat),
            )
            return None
        if settings.mode is DeliveryMode.OFF:
            self._fail(rows, "delivery turned off", report)
            log.info(
                "dropped %s for %s: delivery turned off there",
                _stories(len(rows), "queued "),
                chat_label(chat),
            )
            return None
        route = self._routes.get(chat.platform)
        if route is None:
            due = self._clock.now() + timedelta(seconds=self._policy.no_route_seconds)
            self._storage.mark_retry(
                [r.id for r in rows], error=f"{chat.platform} is not running", due_at=due
            )
            report.retried += len(rows)
            report.settled.update(r.id for r in rows)
            return None
        if settings.mode is DeliveryMode.SCHEDULED and self._claim is None:
            # The whole digest at once, even if the batch cut it (its posts: edit rows
            # are the edit step's). Not with leases: rows this process did not lease may
            # be another's to send (rows of the digest it leases later follow as a second
            # part).
            rows = [
                r
                for r in self._storage.pending_deliveries(
                    now=self._clock.now(), limit=10_000, chat=chat
                )
                if r.action is not DeliveryAction.EDIT
            ] or rows
        row_of = {r.article_id: r for r in rows}
        articles = []
        for article_id in list(row_of):
            try:
                article = self._storage.get_article(article_id)
            except NotFoundError:
                self._fail([row_of.pop(article_id)], "article no longer stored", report)
                continue
            if exclusion_rule(settings, article) is not None:
                # Planned before the chat excluded it (/exclude drops such rows too, but
                # a poll may have read the chat's settings just before the change).
                self._fail([row_of.pop(article_id)], "excluded by the chat", report)
                continue
            articles.append(article)
        if not articles:
            return None
        stories = self._stories.stories(publication_order(articles))
        if settings.images is False:  # /images off
            stories = [replace(story, image_url=None) for story in stories]
        language = settings.language
        zone = chat_zone(settings.timezone)
        try:
            if settings.mode is DeliveryMode.SCHEDULED:
                # Most important first (bot.top_stories: outlets, recency, interests).
                stories = rank_for_chat(stories, articles, settings, self._clock.now())
                header = digest_title(len(stories), language, settings, self._clock.now())
                parcels = pack_parcels(stories, header, route.render, language, zone)
            elif self._collapse_backlog is not None and len(stories) > self._collapse_backlog:
                # A pile-up (after downtime or a burst of news) in an instant chat: a few
                # packed messages instead of dozens, which would also take a group
                # (20 messages a minute) many minutes to get.
                header = t("backlog_header", language, count=len(stories))
                parcels = pack_parcels(stories, header, route.render, language, zone)
            else:
                parcels = [
                    Parcel(
                        (s.article_id,), tuple(route.render([s], None, language, zone)), single=True
                    )
                    for s in stories
                ]
        except Exception as error:
            # Rendering the same stories again would fail the same way.
            log.exception("rendering for %s failed", chat)
            self._fail(list(row_of.values()), f"render failed: {error}", report)
            return None

        return settings, route, row_of, parcels

    async def _send_parcel(
        self,
        chat: ChatRef,
        parcel: Parcel,
        route: PlatformRoute,
        report: DrainReport,
        slots: SendSlots,
        later: int = 0,
    ) -> _Outcome:
        """Send a parcel's messages in order. The chat holds a slot from its first
        message until the parcel's last one was accepted (its rows are marked sent right
        after): only that many accepted-but-unmarked messages can exist at once.
        `later` counts the chat's messages in the parcels after this one: chats with
        more to send get slots first (SendSlots.take)."""
        index = 0
        waits = 0
        holding = False
        message_ids: list[str] = []
        try:
            while index < len(parcel.messages):
                if not holding:
                    remaining = len(parcel.messages) - index + later
                    await slots.take(route.limiter, chat, remaining)
                    holding = True
                await slots.send_turn(route.limiter, chat)
                count = len(parcel.messages)
                key = outbox_message_key(chat, parcel.article_ids, index, count)
                try:
                    message_id = await route.sender.send(
                        chat, replace(parcel.messages[index], dedupe_key=key)
                    )
                except RetryAfter as error:
                    route.limiter.block(chat, error.seconds)
                    # A 429 may be about the whole bot: hold everything back briefly too.
                    route.limiter.block_all(min(error.seconds, 1.0))
                    waits += 1
                    if (
                        error.seconds <= self._policy.max_inline_wait
                        and waits <= self._policy.max_inline_retries
                    ):
                        if index == 0:
                            # Nothing of this parcel is out yet: wait without the slot.
                            slots.release()
                            holding = False
                        continue  # then the same message again
                    due = self._clock.now() + timedelta(seconds=error.seconds)
                    return _Outcome("later", error.reason, due_at=due)
                except ChatMigrated as error:
                    return _Outcome("migrated", error.reason, new_chat_id=error.new_chat_id)
                except (ChatForbidden, ChatNotFound) as error:
                    return _Outcome("forbidden", error.reason)
                except MessageRejected as error:
                    return _Outcome("rejected", error.reason)
                except DeliveryError as error:  # TransientDeliveryError and anything unnamed
                    return _Outcome("retry", error.reason)
                except Exception as error:
                    log.exception("sender for %s raised a non-delivery error", chat.platform)
                    return _Outcome("retry", f"{type(error).__name__}: {error}")
                report.messages += 1
                index += 1
                if isinstance(message_id, str) and message_id:
                    message_ids.append(message_id)
            return _Outcome("sent", message_ids=tuple(message_ids))
        finally:
            if holding:
                slots.release()

    # outcomes ------------------------------------------------------------------------

    def _mark_sent(self, parcel: Parcel, rows: Sequence[Delivery], outcome: _Outcome) -> None:
        """Mark a parcel's rows sent, with the id of the message that carries their
        sources line (the last one) when the platform gave it: a story posted alone in
        one message can then gain sources by an edit (bot.story_edits)."""
        ids = [r.id for r in rows]
        now = self._clock.now()
        if outcome.message_ids and len(outcome.message_ids) == len(parcel.messages):
            self._storage.record_sent_message(
                ids,
                at=now,
                message_id=outcome.message_ids[-1],
                alone=parcel.single and len(parcel.messages) == 1,
                photo=parcel.messages[-1].photo_url is not None,
            )
        self._storage.mark_sent(ids, at=now)

    async def _deliver_edits(
        self, chat: ChatRef, rows: Sequence[Delivery], report: DrainReport, slots: SendSlots
    ) -> None:
        """A chat's edit rows (bot.story_edits.SourceEdits), settled like posts."""
        route = self._routes.get(chat.platform)
        if route is None:
            due = self._clock.now() + timedelta(seconds=self._policy.no_route_seconds)
            self._later(rows, f"{chat.platform} is not running", due, report)
            return

        def sent(done: Sequence[Delivery]) -> None:
            self._storage.mark_sent([r.id for r in done], at=self._clock.now())
            report.sent += len(done)
            report.messages += len(done)
            report.settled.update(r.id for r in done)

        await self._edits.deliver(
            chat,
            rows,
            route,
            slots,
            sent=sent,
            fail=lambda failed, error: self._fail(failed, error, report),
            retry=lambda again, error: self._retry(again, error, report),
            later=lambda again, error, due: self._later(again, error, due, report),
        )

    def _later(
        self, rows: Sequence[Delivery], error: str, due: datetime, report: DrainReport
    ) -> None:
        if rows:
            self._storage.mark_retry([r.id for r in rows], error=error, due_at=due)
            report.retried += len(rows)
            report.settled.update(r.id for r in rows)

    def _fail(self, rows: Sequence[Delivery], error: str, report: DrainReport) -> None:
        if rows:
            self._storage.mark_failed([r.id for r in rows], error=error)
            report.failed += len(rows)
            report.settled.update(r.id for r in rows)

    def _retry(self, rows: Sequence[Delivery], error: str, report: DrainReport) -> None:
        if not rows:
            return
        attempts = max(r.attempts for r in rows)
        if attempts + 1 >= self._policy.max_attempts:
            self._fail(rows, f"gave up after {attempts + 1} attempts: {error}", report)
            log.warning(
                "dropped %s for %s: gave up after %d attempts (%s)",
                _stories(len(rows)),
                chat_label(rows[0].chat),
                attempts + 1,
                error,
            )
            return
        delay = retry_delay(attempts, self._policy, self._random)
        due = self._clock.now() + timedelta(seconds=delay)
        self._storage.mark_retry([r.id for r in rows], error=error, due_at=due)
        report.retried += len(rows)
        report.settled.update(r.id for r in rows)

    async def _notify_pause(self, settings: ChatSettings, reason: str) -> None:
        if self._on_pause is None:
            return
        try:
            await self._on_pause(settings, reason)
        except Exception:
            log.exception("pause notification for %s failed", settings.chat)
