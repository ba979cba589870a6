"""Delivering edit rows: a story already posted gets its further sources (issue #14).

The planning half (which chats' posts get an edit row, and when a post may be edited) is
`bot.story_edits`; this is the worker's half: `SourceEdits.deliver` re-renders the post's
story as built now and edits the sent message, paced like sends, settling each row on its
own (a failed edit never touches the post). See bot.story_edits for what is edited and why.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from bot.chat import MessageEditor
from bot.delivery.planning import chat_zone
from bot.delivery.rendering import PlatformRoute
from bot.pacing import SendSlots
from bot.story_edits import EditLimits, edit_decision
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
from digest.models import ChatRef, Delivery, DeliveryMode
from digest.ports import Storage
from digest.stories import StoryBuilder

log = logging.getLogger(__name__)


Settle = Callable[[Sequence[Delivery], str], None]
"""Marks rows failed (or retried) with a reason, counting them in the drain's report."""


class SourceEdits:
    """Delivers a chat's edit rows for the DeliveryWorker (see the module docstring)."""

    def __init__(
        self,
        storage: Storage,
        clock: Clock,
        *,
        limits: EditLimits | None = None,
    ) -> None:
        self._storage = storage
        self._clock = clock
        self._limits = limits or EditLimits()
        # Built as the post was: the same story, now with one more source.
        self._stories = StoryBuilder(storage)

    async def deliver(
        self,
        chat: ChatRef,
        rows: Sequence[Delivery],
        route: PlatformRoute,
        slots: SendSlots,
        *,
        sent: Callable[[Sequence[Delivery]], None],
        fail: Settle,
        retry: Settle,
        later: Callable[[Sequence[Delivery], str, datetime], None],
    ) -> None:
        """Edit the posts these rows add a source to, one by one, paced like sends.
        Never pauses or migrates the chat: an edit that cannot be made is dropped."""
        settings = self._storage.get_chat(chat)
        if settings.paused_reason is not None or settings.mode is DeliveryMode.OFF:
            fail(rows, "edit dropped: delivery is paused or off in this chat")
            return
        editor = route.sender if isinstance(route.sender, MessageEditor) else None
        if editor is None:
            fail(rows, f"edit dropped: {chat.platform.value} sender cannot edit")
            return
        zone = chat_zone(settings.timezone)
        for index, row in enumerate(rows):
            now = self._clock.now()
            try:
                report = self._storage.get_article(row.article_id)
                cluster = [
                    a.id
                    for a in self._storage.get_cluster(report.cluster_id or report.id)
                    if a.id != report.id
                ]
            except NotFoundError:
                fail([row], "edit dropped: article no longer stored")
                continue
            decision = edit_decision(
                self._storage.story_posts(cluster, chat=chat), now, self._limits.window
            )
            if decision.kind == "wait":
                retry([row], decision.reason)
                continue
            if decision.kind != "edit" or decision.post is None or decision.sent is None:
                fail([row], f"edit dropped: {decision.reason}")
                continue
            try:
                post_article = self._storage.get_article(decision.post.article_id)
            except NotFoundError:
                fail([row], "edit dropped: the post's article is no longer stored")
                continue
            story = self._stories.story(post_article)
            if settings.images is False:
                story = replace(story, image_url=None)
            messages = route.render([story], None, settings.language, zone)
            if len(messages) != 1:
                fail([row], "edit dropped: the story no longer fits one message")
                continue
            await slots.take(route.limiter, chat, len(rows) - index)
            try:
                await slots.send_turn(route.limiter, chat)
                await editor.edit(
                    chat, decision.sent.message_id, messages[0], photo=decision.sent.photo
                )
            except RetryAfter as error:
                route.limiter.block(chat, error.seconds)
                due = self._clock.now() + timedelta(seconds=error.seconds)
                later(rows[index:], error.reason, due)
                return
            except (MessageRejected, ChatForbidden, ChatNotFound, ChatMigrated) as error:
                # For good: the message is gone, too old, or no longer ours to edit.
                log.info("edit of message in %s dropped: %s", chat.chat_id, error.reason)
                fail([row], f"edit failed: {error.reason}")
                continue
            except DeliveryError as error:
                retry([row], error.reason)
                continue
            except Exception as error:
                log.exception("editor for %s raised a non-delivery error", chat.platform)
                retry([row], f"{type(error).__name__}: {error}")
                continue
            finally:
                slots.release()
            sent([row])
