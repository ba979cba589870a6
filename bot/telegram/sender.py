"""Telegram delivery: `TelegramSender` sends rendered HTML messages (and photos) and
translates telegram.error into the digest.errors DeliveryError family (what the caller does
next: wait, pause, migrate...). The bot token never reaches logs: `TokenRedactor`."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

import telegram
import telegram.error as tg_error
from telegram import LinkPreviewOptions
from telegram.constants import ParseMode

from bot.chat import OutgoingMessage
from bot.delivery import (
    TELEGRAM_LIMITS,
)
from bot.redaction import SecretRedactor
from digest.errors import (
    ChatForbidden,
    ChatMigrated,
    ChatNotFound,
    DeliveryError,
    MessageRejected,
    RetryAfter,
    TransientDeliveryError,
)
from digest.models import ChatRef

DEFAULT_API_URL = "https://api.telegram.org"
# Telegram's limits with room for jitter: the times at which our messages reach Telegram
# wobble by tens of milliseconds (network, our own busy event loop), and at an even
# 30/s thirty sends span only 35 ms more than a second. 0.1 s of margin keeps a
# broadcast at about 27 msg/s with no 429 (see bench/telegram_broadcast.py).
TELEGRAM_SEND_LIMITS = replace(TELEGRAM_LIMITS, margin=0.1)
MAX_MESSAGE_UTF16 = 4096
MAX_CAPTION_UTF16 = 1024  # visible text of a photo caption

# Loggers that may print request URLs (and so the token): httpx logs every request at INFO,
# PTB logs its base URL at DEBUG. Filters on a logger do not apply to its children, so
# every logger PTB creates is named here.
_LIBRARY_LOGGERS = (
    "httpx",
    "httpcore",
    "telegram",
    "telegram.Bot",
    "telegram.ext",
    "telegram.ext.Application",
    "telegram.ext.ExtBot",
    "telegram.ext.Updater",
    "telegram.ext.JobQueue",
    "telegram.ext.AIORateLimiter",
    "telegram.ext.ConversationHandler",
    "telegram.request.BaseRequest",
    "telegram.request.HTTPXRequest",
)


# --- token redaction -----------------------------------------------------------------


class TokenRedactor(SecretRedactor):
    """Keeps the bot token (and its secret half) out of PTB, httpx and httpcore logs."""

    def __init__(self, token: str) -> None:
        # The part after the colon is the secret; redact it on its own too (URL-encoded
        # forms or a token split by a library would still leak it).
        secret = token.split(":", 1)[1] if ":" in token else token
        super().__init__(
            {token, secret}, logger_prefixes=(*_LIBRARY_LOGGERS, "telegram", "httpx", "httpcore")
        )
        self.token = token


# --- error translation ---------------------------------------------------------------


def _retry_seconds(exc: tg_error.RetryAfter) -> float:
    with warnings.catch_warnings():
        # PTB 22 warns that retry_after will become a timedelta; accept both.
        warnings.simplefilter("ignore")
        value: int | timedelta = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


_NOT_FOUND_MARKERS = ("chat not found", "peer_id_invalid", "user not found", "chat_id is empty")
# 400s that are about the bot's rights in the chat, not about the message: pause the chat.
_NO_RIGHTS_MARKERS = (
    "need administrator rights",
    "not enough rights",
    "have no rights",
    "chat_write_forbidden",
    "chat_admin_required",
)


# 400s about a forum topic (Bot API texts): deleted, closed, or an id that is no topic.
# The topic's subscription is paused, the group's other topics go on.
_TOPIC_MARKERS = ("message thread not found", "topic_deleted", "topic_closed", "topic_id_invalid")


def translate_error(
    exc: tg_error.TelegramError, chat_id: str, redact: Callable[[str], str] = str
) -> DeliveryError:
    """Map a telegram.error exception to the DeliveryError that says what to do next."""
    message = redact(exc.message)
    if isinstance(exc, tg_error.RetryAfter):
        return RetryAfter(chat_id, _retry_seconds(exc))
    if isinstance(exc, tg_error.ChatMigrated):
        return ChatMigrated(chat_id, str(exc.new_chat_id))
    if isinstance(exc, tg_error.Forbidden):
        return ChatForbidden(chat_id, message)
    if isinstance(exc, tg_error.BadRequest):  # before NetworkError: BadRequest subclasses it
        lowered = message.lower()
        if any(marker in lowered for marker in _TOPIC_MARKERS):
            return ChatNotFound(chat_id, message)
        if any(marker in lowered for marker in _NOT_FOUND_MARKERS):
            return ChatNotFound(chat_id, message)
        if any(marker in lowered for marker in _NO_RIGHTS_MARKERS):
            return ChatForbidden(chat_id, message)
        return MessageRejected(chat_id, message)
    if isinstance(exc, tg_error.TimedOut):
        return TransientDeliveryError(chat_id, f"timed out: {message}")
    if isinstance(exc, tg_error.InvalidToken):
        # Not the chat's fault: keep the delivery and retry once the operator fixes the token.
        return TransientDeliveryError(
            chat_id, "Telegram rejected the bot token; check NEWSDIGEST_TELEGRAM_TOKEN"
        )
    return TransientDeliveryError(chat_id, message)


def _api_chat_id(chat_id: str) -> int | str:
    """Telegram wants numeric ids as integers and channel names as '@name'."""
    try:
        return int(chat_id)
    except ValueError:
        return chat_id


def make_bot(
    token: str,
    api_base_url: str = DEFAULT_API_URL,
    *,
    read_timeout: float = 10.0,
    connection_pool_size: int = 64,
) -> telegram.Bot:
    """A PTB Bot talking to `api_base_url` (``https://api.telegram.org`` by default)."""
    api = api_base_url.rstrip("/")
    request = telegram.request.HTTPXRequest(
        connection_pool_size=connection_pool_size, read_timeout=read_timeout
    )
    return telegram.Bot(
        token, base_url=f"{api}/bot", base_file_url=f"{api}/file/bot", request=request
    )


# --- sender --------------------------------------------------------------------------


class TelegramSender:
    """bot.chat.ChatSender for Telegram: HTML parse mode, previews as the message asks.

    It sends exactly once per call (no pacing, no retries): the delivery worker plans the
    rate and handles the DeliveryError it raises.
    """

    def __init__(self, bot: telegram.Bot, *, redactor: TokenRedactor | None = None) -> None:
        self._bot = bot
        self._redactor = redactor or TokenRedactor(bot.token)

    @property
    def bot(self) -> telegram.Bot:
        return self._bot

    async def send(
        self, chat: ChatRef, message: OutgoingMessage, *, thread_id: int | None = None
    ) -> str:
        """Send one HTML message into the chat, or into its forum topic: `thread_id` when
        given, else `chat.thread_id`; returns Telegram's message id.

        Raises RetryAfter, ChatForbidden, ChatMigrated, ChatNotFound (also for a deleted
        or closed topic), MessageRejected or TransientDeliveryError."""
        if thread_id is None:
            thread_id = chat.thread_id
        if message.photo_url:
            try:
                photo = await self._bot.send_photo(
                    chat_id=_api_chat_id(chat.chat_id),
                    photo=message.photo_url,
                    caption=message.text,
                    parse_mode=ParseMode.HTML,
                    message_thread_id=thread_id,
                )
                return str(photo.message_id)
            except tg_error.BadRequest as exc:
                if not _photo_refused(exc):
                    raise translate_error(exc, chat.chat_id, self._redactor.redact) from None
                # Nothing was sent: the same story goes out as text, nothing lost or twice.
                logging.getLogger(__name__).info(
                    "Telegram refused the photo for chat %s (%s); sent as text",
                    chat.chat_id,
                    self._redactor.redact(str(exc)),
                )
            except tg_error.TelegramError as exc:
                raise translate_error(exc, chat.chat_id, self._redactor.redact) from None
        preview = LinkPreviewOptions(is_disabled=message.disable_preview)
        if message.preview_url and not message.disable_preview:
            preview = LinkPreviewOptions(
                url=message.preview_url, prefer_large_media=True, show_above_text=True
            )
        try:
            sent = await self._bot.send_message(
                chat_id=_api_chat_id(chat.chat_id),
                text=message.text,
                parse_mode=ParseMode.HTML,
                link_preview_options=preview,
                message_thread_id=thread_id,
            )
        except tg_error.TelegramError as exc:
            # `from None`: the library's exception chain may carry request details.
            raise translate_error(exc, chat.chat_id, self._redactor.redact) from None
        return str(sent.message_id)

    async def edit(
        self, chat: ChatRef, message_id: str, message: OutgoingMessage, *, photo: bool = False
    ) -> None:
        """Replace the HTML text of the bot's message `message_id` (bot.chat.MessageEditor):
        `editMessageCaption` for a photo post (its caption at most 1,024 visible UTF-16
        units, checked before asking), else `editMessageText` with the message's link
        preview. A photo post that went out as text (Telegram refused the photo) is
        edited as text. "Message is not modified" is a success: the edit is already there.

        Raises RetryAfter, ChatForbidden, ChatMigrated, ChatNotFound, MessageRejected or
        TransientDeliveryError."""
        from digest.format.telegram import visible_utf16_len

        chat_id = _api_chat_id(chat.chat_id)
        try:
            number = int(message_id)
        except ValueError:
            raise MessageRejected(chat.chat_id, f"not a message id: {message_id}") from None
        try:
            if photo:
                if visible_utf16_len(message.text) > MAX_CAPTION_UTF16:
                    raise MessageRejected(chat.chat_id, "the new caption is too long")
                try:
                    await self._bot.edit_message_caption(
                        chat_id=chat_id,
                        message_id=number,
                        caption=message.text,
                        parse_mode=ParseMode.HTML,
                    )
                    return
                except tg_error.BadRequest as exc:
                    if "no caption" not in str(exc.message).lower():
                        raise
            preview = LinkPreviewOptions(is_disabled=message.disable_preview)
            if message.preview_url and not message.disable_preview:
                preview = LinkPreviewOptions(
                    url=message.preview_url, prefer_large_media=True, show_above_text=True
                )
            await self._bot.edit_message_text(
                chat_id=chat_id,
                message_id=number,
                text=message.text,
                parse_mode=ParseMode.HTML,
                link_preview_options=preview,
            )
        except tg_error.BadRequest as exc:
            if "message is not modified" in str(exc.message).lower():
                return
            raise translate_error(exc, chat.chat_id, self._redactor.redact) from None
        except tg_error.TelegramError as exc:
            raise translate_error(exc, chat.chat_id, self._redactor.redact) from None


# Bot API answers when the photo itself is the problem (not the chat, not the caption).
_PHOTO_PROBLEMS = (
    "wrong file identifier",
    "failed to get http url content",
    "wrong type of the web page content",
    "image_process_failed",
    "photo_invalid",
    "wrong remote file",
    "photo_save_file_invalid",
)


def _photo_refused(exc: tg_error.BadRequest) -> bool:
    text = str(exc.message).lower()
    return any(problem in text for problem in _PHOTO_PROBLEMS)
