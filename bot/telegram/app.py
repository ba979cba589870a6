"""`TelegramBot`: the python-telegram-bot Application of ``newsdigest run``: commands in,
replies out, chat membership changes, one update processor per chat."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from datetime import timedelta
from typing import Any, ClassVar, Protocol

import telegram.error as tg_error
from telegram import BotCommand, BotCommandScopeDefault, Update
from telegram.constants import ChatMemberStatus
from telegram.ext import (
    Application,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.chat import Invocation, OutgoingMessage, PlatformGate, Reply
from bot.delivery import (
    PlatformRoute,
    RateLimiter,
    telegram_renderer,
)
from bot.forum_topics import group_topics
from bot.i18n import command_descriptions, normalize_language, rtl_safe, t
from bot.reply_text import reason_text
from bot.telegram.files import import_arguments, incoming_file, send_file
from bot.telegram.forum import remember_topic_name, tell_topic_paused, topic_name
from bot.telegram.gate import TelegramGate, anonymous_admin_id, chat_kind
from bot.telegram.panel import TopicKeyboards, TopicPanels
from bot.telegram.render import TelegramReplyRenderer
from bot.telegram.sender import (
    DEFAULT_API_URL,
    TELEGRAM_SEND_LIMITS,
    TelegramSender,
    TokenRedactor,
    _api_chat_id,
)
from digest.clock import SystemClock
from digest.errors import (
    ConfigError,
    DeliveryError,
    NewsdigestError,
    RetryAfter,
    TransientDeliveryError,
)
from digest.format.telegram import escape_html
from digest.models import ChatKind, ChatRef, ChatSettings, Platform

# --- the bot -------------------------------------------------------------------------


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Updates of different chats run concurrently, so one slow /summary does not hold
    up every other user; updates of one chat run one after the other, in order, so
    "/subscribe ai" is stored before the "/mysubs" typed right after it is answered."""

    def __init__(self, max_concurrent_updates: int = 64) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._users: dict[int, int] = {}  # updates holding or waiting for each lock

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await coroutine
            return
        lock = self._locks.setdefault(chat.id, asyncio.Lock())
        self._users[chat.id] = self._users.get(chat.id, 0) + 1
        try:
            async with lock:  # asyncio.Lock is FIFO: arrival order is kept
                await coroutine
        finally:
            self._users[chat.id] -= 1
            if not self._users[chat.id]:
                del self._users[chat.id], self._locks[chat.id]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to free."""


class CommandServicePort(Protocol):
    """What TelegramBot needs from bot.commands.CommandService."""

    async def handle(self, inv: Invocation, gate: PlatformGate) -> Reply: ...


CommandList = Callable[[str], Sequence[tuple[str, str]]]


class TelegramChatStore(Protocol):
    """The part of digest.ports.Storage that membership changes need."""

    def get_chat(self, chat: ChatRef) -> ChatSettings: ...

    def has_chat(self, chat: ChatRef) -> bool: ...

    def save_chat(self, settings: ChatSettings) -> None: ...

    def pause_chat(self, chat: ChatRef, reason: str) -> None: ...

    def migrate_chat(self, chat: ChatRef, new_chat_id: str) -> ChatRef: ...

    def get_chats(self, *, include_paused: bool = False) -> list[ChatSettings]: ...


# Prefix of the pause reasons this adapter writes, so that being added back resumes only
# what a removal paused (not, say, a pause an operator set).
REMOVED_REASON = "telegram: "
_REMOVED_STATUSES = {ChatMemberStatus.LEFT, ChatMemberStatus.BANNED}

MAX_REPLY_ATTEMPTS = 5


def _topic_thread(update: Update) -> int | None:
    """The forum topic a command was typed in: its reply belongs there, not in General."""
    message = update.effective_message
    if message is not None and message.is_topic_message:
        return message.message_thread_id
    return None


def _telegram_commands(language: str) -> Sequence[tuple[str, str]]:
    return command_descriptions(language, platform="telegram")


class TelegramBot:
    """The Telegram side of `newsdigest run`: polls updates, runs commands, sends replies.

    * Commands: one CommandHandler per name of `commands` (menus set with setMyCommands
      in Arabic, English and Arabic as the default), unknown /commands go to the command
      service too; chats are served concurrently, one chat's updates in order.
    * Replies: rendered by `renderer` (escaped HTML, split under 4096 UTF-16 units) and
      paced by `limiter`, which `route` hands to the DeliveryWorker as well, so replies
      and deliveries share Telegram's budget; a 429 is waited out.
    * With `chat_store`: the bot being blocked/removed pauses the chat, being added back
      resumes it, a group upgraded to a supergroup moves its settings at once.
    * `on_pause` (the worker's OnPause) tells a group's or channel's admin in private.
    * With `panels` (the CommandService): /topics answers with an inline keyboard whose
      buttons change the chat's settings through the same commands
      (bot.telegram.panel).
    """

    def __init__(
        self,
        token: str,
        *,
        command_service: CommandServicePort,
        api_base_url: str = DEFAULT_API_URL,
        renderer: TelegramReplyRenderer | None = None,
        limiter: RateLimiter | None = None,
        logger: logging.Logger | None = None,
        commands: CommandList = _telegram_commands,
        poll_timeout: float = 10.0,
        read_timeout: float = 10.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        chat_store: TelegramChatStore | None = None,
        panels: TopicPanels | None = None,
    ) -> None:
        if not token:
            raise ValueError("a Telegram bot token is required (NEWSDIGEST_TELEGRAM_TOKEN)")
        self._log = logger or logging.getLogger("newsdigest.telegram")
        self._redactor = TokenRedactor(token)
        # Before PTB builds its Bot: it logs the base URL (with the token) at DEBUG.
        self._redactor.install([self._log])
        self._commands = command_service
        self._renderer = renderer or TelegramReplyRenderer()
        # Replies and deliveries share one limiter: Telegram counts them together.
        self._limiter = limiter or RateLimiter(TELEGRAM_SEND_LIMITS, SystemClock())
        self._command_list = commands
        self._poll_timeout = poll_timeout
        self._sleep = sleep
        self._chat_store = chat_store
        self.commands_handled = 0  # commands answered (replies sent or given up), for monitoring
        api = api_base_url.rstrip("/")
        self._api = api
        self._app = (
            Application.builder()
            .token(token)
            .base_url(f"{api}/bot")
            .base_file_url(f"{api}/file/bot")
            .read_timeout(read_timeout)
            # PTB adds the long-poll timeout to this itself; it also bounds the final
            # getUpdates of stop(), so keep it short.
            .get_updates_read_timeout(5.0)
            .job_queue(None)  # scheduling is APScheduler's job in bot.scheduler
            .concurrent_updates(PerChatUpdateProcessor())
            .build()
        )
        self._sender = TelegramSender(self._app.bot, redactor=self._redactor)
        self._gate = TelegramGate(self._app.bot, logger=self._log)
        self._keyboards: TopicKeyboards | None = None
        if panels is not None:
            self._keyboards = TopicKeyboards(
                self._app.bot, panels, self._gate, self._limiter, logger=self._log
            )
            self._app.add_handler(CallbackQueryHandler(self._on_callback_query))
        names = [name for name, _ in commands("en")]
        only_messages = filters.UpdateType.MESSAGE  # an edited command must not run twice
        for name in names:
            self._app.add_handler(CommandHandler(name, self._on_command, filters=only_messages))
        self._app.add_handler(
            MessageHandler(filters.COMMAND & only_messages, self._on_unknown_command)
        )
        # An OPML file sent to the bot imports it (bot.telegram.files).
        self._app.add_handler(
            MessageHandler(filters.Document.ALL & only_messages, self._on_document)
        )
        if chat_store is not None:
            self._app.add_handler(
                ChatMemberHandler(self._on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER)
            )
            self._app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, self._on_migrate))
        self._app.add_error_handler(self._on_error)

    @property
    def sender(self) -> TelegramSender:
        return self._sender

    @property
    def gate(self) -> TelegramGate:
        return self._gate

    @property
    def limiter(self) -> RateLimiter:
        return self._limiter

    @property
    def route(self) -> PlatformRoute:
        """What the DeliveryWorker needs for Telegram: this bot's sender, the Telegram
        story renderer and the limiter its replies use too."""
        return PlatformRoute(sender=self._sender, render=telegram_renderer, limiter=self._limiter)

    @property
    def application(self) -> Application[Any, Any, Any, Any, Any, Any]:
        return self._app

    async def start(self) -> None:
        """Connect (getMe), register the command menus and start long polling.

        Raises ConfigError when Telegram rejects the token, NewsdigestError when the Bot
        API cannot be reached (neither message contains the token)."""
        try:
            await self._app.initialize()
        except tg_error.InvalidToken:
            raise ConfigError(
                "Telegram rejected the bot token: check NEWSDIGEST_TELEGRAM_TOKEN "
                "(BotFather gives it as <digits>:<secret>)"
            ) from None
        except tg_error.TelegramError as exc:
            raise NewsdigestError(
                f"cannot reach the Telegram Bot API at {self._api}: "
                f"{self._redactor.redact(exc.message)}"
            ) from None
        await self.register_commands()
        await self._app.start()
        updater = self._app.updater
        assert updater is not None
        await updater.start_polling(
            timeout=timedelta(seconds=self._poll_timeout),
            allowed_updates=self._allowed_updates(),
            error_callback=self._on_polling_error,
        )
        self._log.info("Telegram bot @%s polling", self._app.bot.username)

    def _allowed_updates(self) -> list[str]:
        kinds = ["message"]
        if self._chat_store is not None:
            kinds.append("my_chat_member")
        if self._keyboards is not None:
            kinds.append("callback_query")
        return kinds

    @property
    def keyboards(self) -> TopicKeyboards | None:
        return self._keyboards

    async def stop(self) -> None:
        updater = self._app.updater
        if updater is not None and updater.running:
            await updater.stop()
        if self._app.running:
            await self._app.stop()
        await self._app.shutdown()

    async def register_commands(self) -> None:
        """setMyCommands in Arabic, English and (Arabic) for every other client language.
        A failure is logged, not fatal: commands still work without the menu."""
        for language in ("ar", "en", None):
            entries = self._command_list(language or "ar")
            commands = [BotCommand(name, description) for name, description in entries]
            try:
                await self._app.bot.set_my_commands(
                    commands, scope=BotCommandScopeDefault(), language_code=language
                )
            except tg_error.TelegramError as exc:
                self._log.warning(
                    "setMyCommands(%s) failed: %s", language or "default", exc.message
                )

    # --- updates -> invocations ------------------------------------------------------

    def _invocation(self, update: Update, args: Sequence[str]) -> Invocation | None:
        message = update.effective_message
        chat = update.effective_chat
        user = update.effective_user
        if message is None or chat is None or user is None or not message.text:
            return None
        command = message.text.split(maxsplit=1)[0][1:]
        name, _, addressee = command.partition("@")
        if addressee and addressee.lower() != (self._app.bot.username or "").lower():
            return None  # "/help@OtherBot" in a group is not for us
        user_id = str(user.id)
        if message.sender_chat is not None and message.sender_chat.id == chat.id:
            # An anonymous group admin: Telegram shows the group itself as the sender
            # (and "GroupAnonymousBot" as the user). Only admins can post that way.
            user_id = anonymous_admin_id(chat.id)
        return Invocation(
            # Typed in a forum topic: the topic is the chat it acts on (bot.telegram.forum).
            chat=ChatRef(
                Platform.TELEGRAM, str(chat.id), chat_kind(chat.type), _topic_thread(update)
            ),
            user_id=user_id,
            name=name.lower(),
            args=tuple(args),
            user_language=user.language_code,
        )

    async def _on_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        invocation = self._invocation(update, context.args or ())
        if invocation is not None:
            await self._run(invocation, _topic_thread(update))
            self._remember_topic(invocation.chat, update)

    async def _on_unknown_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        text = message.text if message is not None and message.text else ""
        invocation = self._invocation(update, text.split()[1:])
        if invocation is not None:
            await self._run(invocation, _topic_thread(update))

    async def _on_document(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A document: an /import when it is an OPML file meant for the bot."""
        message = update.effective_message
        chat = update.effective_chat
        user = update.effective_user
        if message is None or chat is None or user is None or message.document is None:
            return
        bot = self._app.bot
        args = import_arguments(message, bot.id, bot.username or "")
        if args is None:
            return
        user_id = str(user.id)
        if message.sender_chat is not None and message.sender_chat.id == chat.id:
            user_id = anonymous_admin_id(chat.id)  # as in _invocation
        invocation = Invocation(
            chat=ChatRef(
                Platform.TELEGRAM, str(chat.id), chat_kind(chat.type), _topic_thread(update)
            ),
            user_id=user_id,
            name="import",
            args=tuple(args),
            user_language=user.language_code,
            file=incoming_file(bot, message.document),
        )
        await self._run(invocation, _topic_thread(update))

    def _remember_topic(self, chat: ChatRef, update: Update) -> None:
        """A forum topic's name, kept with its settings for notices and /mysubs."""
        if self._chat_store is not None and chat.thread_id is not None:
            remember_topic_name(self._chat_store, chat, topic_name(update.effective_message))

    async def _run(self, invocation: Invocation, thread_id: int | None = None) -> None:
        if self._keyboards is not None and invocation.name == "topics" and not invocation.args:
            sent = False
            try:
                sent = await self._keyboards.send(invocation, thread_id=thread_id)
            except Exception:
                self._log.exception("the /topics keyboard failed; answering as text")
            if sent:
                self.commands_handled += 1
                return
        try:
            reply = await self._commands.handle(invocation, self._gate)
        except Exception:
            self._log.exception("command /%s failed", invocation.name)
            language = normalize_language(invocation.user_language) or "ar"
            reply = Reply(text=t("internal_error", language), language=language)
        try:
            await self.send_reply(invocation.chat, reply, thread_id=thread_id)
        finally:
            self.commands_handled += 1

    async def _on_callback_query(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.callback_query is not None and self._keyboards is not None:
            await self._keyboards.on_callback(update.callback_query)

    # --- membership and migration ------------------------------------------------------

    async def _on_my_chat_member(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The bot was blocked, kicked or removed (pause the chat at once instead of
        waiting for the next send to fail), or added back (resume what a removal paused).
        A forum group's topics with settings of their own go with it."""
        change = update.my_chat_member
        if change is None or self._chat_store is None:
            return
        ref = ChatRef(Platform.TELEGRAM, str(change.chat.id), chat_kind(change.chat.type))
        stored = [ref] if self._chat_store.has_chat(ref) else []
        if ref.kind is ChatKind.GROUP:
            stored += [s.chat for s in group_topics(self._chat_store, ref)]
        # (a chat we never stored: nothing to pause or resume)
        status = change.new_chat_member.status
        for target in stored:
            settings = self._chat_store.get_chat(target)
            if status in _REMOVED_STATUSES:
                what = (
                    "blocked by the user"
                    if ref.kind is ChatKind.PRIVATE
                    else "removed from the chat"
                )
                self._chat_store.pause_chat(target, f"{REMOVED_REASON}bot {what}")
                self._log.info("chat %s paused: bot %s", target.key, what)
            elif (
                status in (ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR)
                and settings.paused_reason is not None
                and settings.paused_reason.startswith(REMOVED_REASON)
            ):
                self._chat_store.save_chat(replace(settings, paused_reason=None))
                self._log.info("chat %s resumed: bot is back", target.key)

    async def _on_migrate(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A group became a supergroup: move its settings and outbox to the new id now."""
        message = update.effective_message
        if message is None or message.migrate_to_chat_id is None or self._chat_store is None:
            return  # the new supergroup's "migrated from" twin needs nothing
        ref = ChatRef(Platform.TELEGRAM, str(message.chat.id), ChatKind.GROUP)
        if not self._chat_store.has_chat(ref):
            return  # (a chat on "all" equals the defaults: has_chat, not ==, tells them apart)
        self._chat_store.migrate_chat(ref, str(message.migrate_to_chat_id))
        self._log.info("chat %s migrated to %s", ref.chat_id, message.migrate_to_chat_id)

    # --- telling admins about a pause ---------------------------------------------------

    _PAUSED_NOTICE: ClassVar[tuple[str, str]] = (
        "⚠️ توقف إرسال الأخبار إلى {chat}: {reason}\n"
        "أصلح صلاحيات البوت هناك، ثم غيّر أي إعداد لها (مثلًا {p}subscribe {ref} ai)"
        " ليعود الإرسال.",
        "⚠️ News stopped going to {chat}: {reason}\n"
        "Fix the bot's rights there, then change any of its settings (for example"
        " {p}subscribe {ref} ai) to resume.",
    )

    async def on_pause(self, settings: ChatSettings, reason: str) -> None:
        """bot.delivery's OnPause: when a group or channel stops receiving news, tell one
        of its human admins (the creator first) in a private chat. Only admins who have
        started the bot can be reached, and only while the bot can still see the admin
        list; otherwise the pause is only logged. A blocked private chat has nobody to tell.
        A paused forum topic is announced in the group's General topic instead.
        """
        chat = settings.chat
        if chat.platform is not Platform.TELEGRAM or chat.kind is ChatKind.PRIVATE:
            return
        if chat.thread_id is not None:
            # A forum topic (deleted, closed): the admins read the group's General topic.
            await tell_topic_paused(settings, self._redactor.redact(reason), self._post, self._log)
            return
        bot = self._app.bot
        try:
            admins = await bot.get_chat_administrators(_api_chat_id(chat.chat_id))
            info = await bot.get_chat(_api_chat_id(chat.chat_id))
        except tg_error.TelegramError as exc:
            self._log.info("chat %s paused; admins unreachable: %s", chat.chat_id, exc.message)
            return
        ref = f"@{info.username}" if info.username else chat.chat_id
        name = info.title or settings.title or ref
        arabic, english = self._PAUSED_NOTICE
        template = english if settings.language == "en" else arabic
        # The platform's reason is English: word it in the chat's language.
        worded = reason_text(self._redactor.redact(reason), settings.language)
        text = template.format(chat=name, reason=worded, p="/", ref=ref)
        text = rtl_safe(text, settings.language)
        humans = [a for a in admins if not a.user.is_bot]
        humans.sort(key=lambda a: a.status != ChatMemberStatus.OWNER)
        for admin in humans[:5]:
            target = ChatRef(Platform.TELEGRAM, str(admin.user.id), ChatKind.PRIVATE)
            try:
                await self._send_with_retry(target, OutgoingMessage(text=escape_html(text)))
            except DeliveryError:
                continue  # this admin never started the bot, or blocked it: try the next
            return
        self._log.info("chat %s paused; no admin could be told", chat.chat_id)

    # --- replies ---------------------------------------------------------------------

    async def _post(self, chat: ChatRef, text: str) -> str:
        """Send plain `text` (escaped here) to `chat`, paced and retried like replies."""
        return await self._send_with_retry(chat, OutgoingMessage(text=escape_html(text)))

    async def send_reply(self, chat: ChatRef, reply: Reply, *, thread_id: int | None = None) -> int:
        """Render and send a reply (into the forum topic `thread_id`, if any), paced like
        every other send; returns messages sent. A 429 is waited out (nothing dropped);
        other errors are logged."""
        if reply.file is not None:
            return await self._send_file(chat, reply, thread_id=thread_id)
        sent = 0
        for text in self._renderer.render(reply):
            message = OutgoingMessage(text=text, disable_preview=True)
            try:
                await self._send_with_retry(chat, message, thread_id=thread_id)
            except DeliveryError as exc:
                self._log.warning("reply to chat %s not sent: %s", chat.chat_id, exc.reason)
                return sent
            sent += 1
        return sent

    async def _send_file(self, chat: ChatRef, reply: Reply, *, thread_id: int | None) -> int:
        """A reply with a file (/export): sendDocument, the text as its caption."""
        assert reply.file is not None
        await self._limiter.acquire(chat)
        try:
            await send_file(
                self._app.bot,
                _api_chat_id(chat.chat_id),
                reply.file,
                reply.text,
                thread_id=thread_id,
            )
        except tg_error.TelegramError as exc:
            self._log.warning(
                "file to chat %s not sent: %s", chat.chat_id, self._redactor.redact(exc.message)
            )
            return 0
        return 1

    async def _send_with_retry(
        self, chat: ChatRef, message: OutgoingMessage, *, thread_id: int | None = None
    ) -> str:
        for attempt in range(1, MAX_REPLY_ATTEMPTS + 1):
            await self._limiter.acquire(chat)
            try:
                return await self._sender.send(chat, message, thread_id=thread_id)
            except RetryAfter as exc:
                if attempt == MAX_REPLY_ATTEMPTS:
                    raise
                self._limiter.block(chat, exc.seconds)  # the next acquire() waits it out
            except TransientDeliveryError:
                if attempt == MAX_REPLY_ATTEMPTS:
                    raise
                await self._sleep(min(2.0**attempt, 30.0))
        raise AssertionError("unreachable")

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        error = context.error
        self._log.error(
            "error while handling an update: %s",
            self._redactor.redact(repr(error)),
            exc_info=error if isinstance(error, BaseException) else None,
        )

    def _on_polling_error(self, error: tg_error.TelegramError) -> None:
        # Network trouble while polling: PTB retries by itself; say so once per error.
        self._log.warning("Telegram polling error: %s", self._redactor.redact(error.message))
