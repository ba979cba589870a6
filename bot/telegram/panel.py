"""`TopicKeyboards`: /topics as an inline keyboard and the callback queries its buttons
send (the Bot API side; the keyboard itself is bot.telegram.keyboards, pure).

A tap is handled in this order:

1. decode the callback data against today's catalogue; stale data (another layout, a
   topic that left the catalogue, a message Telegram no longer lets us see) is answered
   with an alert, nothing changes, and the keyboard is refreshed (or re-sent);
2. the admin check of the changing commands (CommandService.may_change): a refusal is
   answered as an alert and nothing changes;
3. answerCallbackQuery at once (Telegram shows a spinner until then and gives up after
   a few seconds), then the change, through the typed commands' code
   (CommandService.set_topics, or handle() with /schedule or /lang);
4. the message is edited in place: keyboard and text show the settings as stored now,
   with the command's reply as the last line. A message that can no longer be edited
   gets a fresh keyboard in a new message.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Protocol

import telegram
import telegram.error as tg_error
from telegram import CallbackQuery, MaybeInaccessibleMessage, Message
from telegram.constants import ParseMode

from bot.chat import Invocation, PlatformGate, Reply
from bot.commands import TopicPanel
from bot.i18n import t
from bot.pacing import RateLimiter
from bot.telegram import keyboards
from bot.telegram.gate import chat_kind
from bot.telegram.keyboards import Stale, Tap, TapKind
from bot.telegram.sender import _api_chat_id
from digest.format.telegram import escape_html
from digest.models import ChatRef, Platform

MAX_SEND_ATTEMPTS = 3
# Bot API descriptions of an edit that cannot happen (the message is gone or too old).
_CANNOT_EDIT = ("message can't be edited", "message to edit not found")


class TopicPanels(Protocol):
    """What the keyboard needs from bot.commands.CommandService."""

    async def handle(self, inv: Invocation, gate: PlatformGate) -> Reply: ...

    def topic_panel(self, inv: Invocation) -> TopicPanel: ...

    async def may_change(self, inv: Invocation, gate: PlatformGate) -> Reply | None: ...

    async def set_topics(
        self, inv: Invocation, gate: PlatformGate, wanted: set[str], among: set[str]
    ) -> Reply: ...


class TopicKeyboards:
    """Sends /topics keyboards and answers their buttons (see the module docstring)."""

    def __init__(
        self,
        bot: telegram.Bot,
        panels: TopicPanels,
        gate: PlatformGate,
        limiter: RateLimiter,
        *,
        logger: logging.Logger | None = None,
    ) -> None:
        self._bot = bot
        self._panels = panels
        self._gate = gate
        self._limiter = limiter
        self._log = logger or logging.getLogger(__name__)
        self.taps_handled = 0  # callback queries answered (for tests and monitoring)

    async def send(
        self, inv: Invocation, *, thread_id: int | None = None, status: str | None = None
    ) -> bool:
        """Post the keyboard of `inv.chat` (into forum topic `thread_id`). False when the
        catalogue is empty (the caller answers /topics as text) or the send failed."""
        panel = self._panels.topic_panel(inv)
        if not panel.topics:
            return False
        text = escape_html(keyboards.panel_text(panel, 0, status))
        markup = keyboards.to_markup(keyboards.panel_keyboard(panel, 0))
        for attempt in range(1, MAX_SEND_ATTEMPTS + 1):
            await self._limiter.acquire(inv.chat)
            try:
                await self._bot.send_message(
                    _api_chat_id(inv.chat.chat_id),
                    text,
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup,
                    message_thread_id=thread_id,
                )
                return True
            except tg_error.RetryAfter as exc:
                if attempt == MAX_SEND_ATTEMPTS:
                    break
                self._limiter.block(inv.chat, _seconds(exc.retry_after))
            except tg_error.TelegramError as exc:
                self._log.warning("keyboard for chat %s not sent: %s", inv.chat.chat_id, exc)
                return False
        return False

    async def on_callback(self, query: CallbackQuery) -> None:
        """Answer one button tap (see the module docstring). Never raises for Telegram
        refusals: they are logged."""
        try:
            await self._on_callback(query)
        finally:
            self.taps_handled += 1

    async def _on_callback(self, query: CallbackQuery) -> None:
        message = query.message
        user = query.from_user
        if message is None:  # a button of an inline-mode message: not one of ours
            await self._answer(query, None)
            return
        chat = message.chat
        thread_id = None
        if isinstance(message, Message) and message.is_topic_message:
            thread_id = message.message_thread_id
        # A keyboard in a forum topic shows and changes that topic's settings (as /topics
        # typed there does), not the group's General settings.
        ref = ChatRef(Platform.TELEGRAM, str(chat.id), chat_kind(chat.type), thread_id)
        inv = Invocation(
            chat=ref, user_id=str(user.id), name="topics", user_language=user.language_code
        )
        panel = self._panels.topic_panel(inv)
        lang = panel.language
        if not message.is_accessible:
            # Telegram no longer shows us the message (deleted, or too old): the user
            # cannot have seen its state, so nothing changes; a fresh keyboard follows.
            await self._answer(query, t("stale_message", lang), alert=True)
            await self.send(inv, thread_id=thread_id)
            return
        tap = keyboards.decode(query.data, panel.topics)
        if isinstance(tap, Stale):
            text = t(f"stale_{tap.reason}", lang)
            await self._answer(query, text, alert=True)
            await self._show(message, inv, panel, 0, None, thread_id)
            return
        if tap.kind is TapKind.PAGE:
            await self._answer(query, None)
            await self._show(message, inv, panel, tap.page, None, thread_id)
            return
        refusal = await self._panels.may_change(inv, self._gate)
        if refusal is not None:
            await self._answer(query, refusal.text, alert=True)
            return
        await self._answer(query, None)  # at once: the change comes after
        reply = await self._apply(inv, tap)
        panel = self._panels.topic_panel(inv)
        await self._show(message, inv, panel, tap.page, reply.text, thread_id)

    async def _apply(self, inv: Invocation, tap: Tap) -> Reply:
        """The tap, run as the typed command it stands for."""
        if tap.kind in (TapKind.FOLLOW, TapKind.UNFOLLOW):
            wanted = {tap.value} if tap.kind is TapKind.FOLLOW else set()
            return await self._panels.set_topics(inv, self._gate, wanted, {tap.value})
        command = tap.command()
        if command is None:
            return Reply()
        name, args = command
        return await self._panels.handle(replace(inv, name=name, args=args), self._gate)

    async def _show(
        self,
        message: MaybeInaccessibleMessage,
        inv: Invocation,
        panel: TopicPanel,
        page: int,
        status: str | None,
        thread_id: int | None,
    ) -> None:
        """Edit `message` to show `panel`; a fresh message when it cannot be edited."""
        text = escape_html(keyboards.panel_text(panel, page, status))
        markup = keyboards.to_markup(keyboards.panel_keyboard(panel, page))
        await self._limiter.acquire(inv.chat)
        try:
            await self._bot.edit_message_text(
                text,
                chat_id=message.chat.id,
                message_id=message.message_id,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
            )
        except tg_error.BadRequest as exc:
            description = exc.message.casefold()
            if "message is not modified" in description:
                return  # the same state again (a double tap): nothing to show
            if any(reason in description for reason in _CANNOT_EDIT):
                note = t("stale_message", panel.language)
                await self.send(inv, thread_id=thread_id, status=status or note)
                return
            self._log.warning("keyboard in chat %s not updated: %s", inv.chat.chat_id, exc)
        except tg_error.RetryAfter as exc:
            # Flood control on edits: the change is stored; the keyboard shows it at the
            # next tap or /topics.
            self._limiter.block(inv.chat, _seconds(exc.retry_after))
        except tg_error.TelegramError as exc:
            self._log.warning("keyboard in chat %s not updated: %s", inv.chat.chat_id, exc)

    async def _answer(self, query: CallbackQuery, text: str | None, *, alert: bool = False) -> None:
        try:
            await query.answer(
                keyboards.answer_text(text) if text else None, show_alert=alert and bool(text)
            )
        except tg_error.TelegramError as exc:
            # Too late (the query expired) or Telegram is unreachable: the change and the
            # edit below still happen.
            self._log.info("callback query not answered: %s", exc)


def _seconds(retry_after: object) -> float:
    total = getattr(retry_after, "total_seconds", None)
    return float(total()) if callable(total) else float(retry_after)  # type: ignore[arg-type]
