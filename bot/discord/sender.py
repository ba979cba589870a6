"""Discord delivery: the ChatSender that posts stories to channels, as the bot or through a
channel's webhook, and the translation of Discord's errors into digest.errors.

Apart from the command side (`bot.discord.app`) so that the two can change independently.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

import aiohttp
import discord
import yarl

from bot.chat import OutgoingMessage
from bot.discord.forum import FORUM_TYPES, TopicNames, pick_tags, post_name
from bot.redaction import SecretRedactor
from digest.errors import (
    ChatForbidden,
    ChatNotFound,
    DeliveryError,
    MessageRejected,
    RetryAfter,
    TransientDeliveryError,
)
from digest.models import ChatKind, ChatRef, ChatSettings, Platform

MAX_CONTENT = 2000  # characters of message content
MAX_EMBEDS_PER_MESSAGE = 10
DEFAULT_RETRY_SECONDS = 60.0  # a 429 that does not say how long (Cloudflare ban)

_WEBHOOK_TOKEN = re.compile(r"/webhooks/\d+/([A-Za-z0-9.\-_]{20,})")
# Secrets we cannot know in advance: webhook and interaction tokens in URLs, and "token"
# fields of gateway payloads that discord.py logs at DEBUG level.
_SECRET_SHAPES = (
    re.compile(r"((?:webhooks|interactions)/\d{15,21}/)[A-Za-z0-9.\-_]{20,}"),
    re.compile(r"""(['"]token['"]:\s*['"])[^'"]+"""),
)
_WEBHOOK_URL = re.compile(
    r"^https://(?:(?:canary|ptb)\.)?discord(?:app)?\.com/api/(?:v\d+/)?webhooks/"
    r"(\d{15,21})/([A-Za-z0-9.\-_]{60,})/?$"
)
_DISCORD_LOGGER_PREFIXES = ("discord", "aiohttp")


# --- token redaction -----------------------------------------------------------------


class TokenRedactor(SecretRedactor):
    """Keeps the bot token and webhook/interaction tokens out of discord.py and aiohttp
    logs. Webhook URLs carry their token in the path and discord.py logs request URLs at
    DEBUG level, so every webhook token the sender uses is added with `add_secret`."""

    def __init__(self, token: str = "") -> None:
        super().__init__(
            {token} if token else (),
            shapes=_SECRET_SHAPES,
            logger_prefixes=_DISCORD_LOGGER_PREFIXES,
        )
        self.token = token


# --- error translation ---------------------------------------------------------------


def _retry_after_of(exc: discord.HTTPException) -> float:
    response = exc.response
    header = response.headers.get("Retry-After") if response is not None else None
    try:
        return float(header) if header else DEFAULT_RETRY_SECONDS
    except ValueError:
        return DEFAULT_RETRY_SECONDS


def translate_error(
    exc: BaseException, chat_id: str, redact: Callable[[str], str] = str
) -> DeliveryError:
    """Map a discord.py / aiohttp exception to the DeliveryError that says what to do next."""
    if isinstance(exc, discord.RateLimited):
        return RetryAfter(chat_id, float(exc.retry_after))
    if isinstance(exc, discord.HTTPException):
        detail = redact(f"{exc.status} {exc.text or ''} (code {exc.code})".strip())
        if isinstance(exc, discord.Forbidden):
            return ChatForbidden(chat_id, detail)
        if isinstance(exc, discord.NotFound):
            return ChatNotFound(chat_id, detail)
        if exc.status == 429:
            return RetryAfter(chat_id, _retry_after_of(exc))
        if exc.status == 401:
            # Not the channel's fault: keep the delivery and retry once the token is fixed.
            return TransientDeliveryError(
                chat_id, "Discord rejected the bot token; check NEWSDIGEST_DISCORD_TOKEN"
            )
        if exc.status >= 500 or isinstance(exc, discord.DiscordServerError):
            return TransientDeliveryError(chat_id, detail)
        return MessageRejected(chat_id, detail)
    if isinstance(exc, (aiohttp.ClientError, asyncio.TimeoutError, OSError)):
        return TransientDeliveryError(chat_id, redact(f"network: {type(exc).__name__}: {exc}"))
    return TransientDeliveryError(chat_id, redact(f"{type(exc).__name__}: {exc}"))


# --- sender --------------------------------------------------------------------------


@dataclass(frozen=True)
class WebhookTarget:
    """Deliver to a channel through one of its webhooks, under a custom name and avatar
    (None: the name and avatar the webhook was created with)."""

    url: str  # https://discord.com/api/webhooks/<id>/<token>
    username: str | None = None
    avatar_url: str | None = None

    @classmethod
    def from_setting(cls, value: str) -> WebhookTarget:
        """Read ``ChatSettings.webhook_url``: the webhook URL, optionally followed by
        ``?username=…&avatar_url=…`` (how we keep the custom name and avatar)."""
        url = yarl.URL(value)
        return cls(
            url=str(url.with_query(None)),
            username=url.query.get("username") or None,
            avatar_url=url.query.get("avatar_url") or None,
        )

    def to_setting(self) -> str:
        query = {
            k: v for k, v in (("username", self.username), ("avatar_url", self.avatar_url)) if v
        }
        return str(yarl.URL(self.url).with_query(query or None))


def parse_webhook_url(value: str) -> tuple[int, str] | None:
    """A Discord webhook URL → (webhook id, token); None when it is not one."""
    match = _WEBHOOK_URL.match(value.strip())
    return (int(match.group(1)), match.group(2)) if match else None


WebhookLookup = Callable[[ChatRef], Awaitable[WebhookTarget | None]]


class ChatStore(Protocol):
    """The part of digest.ports.Storage the webhook settings need."""

    def get_chat(self, chat: ChatRef) -> ChatSettings: ...

    def save_chat(self, settings: ChatSettings) -> None: ...


def stored_webhooks(store: ChatStore) -> WebhookLookup:
    """A WebhookLookup reading each channel's ``webhook_url`` from storage."""

    async def lookup(chat: ChatRef) -> WebhookTarget | None:
        if chat.platform is not Platform.DISCORD:
            return None
        value = store.get_chat(chat).webhook_url
        return WebhookTarget.from_setting(value) if value else None

    return lookup


_NO_MENTIONS = discord.AllowedMentions.none()  # news text must never ping anyone


def _embeds(message: OutgoingMessage) -> list[discord.Embed]:
    return [discord.Embed.from_dict(dict(e)) for e in message.embeds]


# Discord's codes for a webhook that no longer works: deleted (404 Unknown Webhook) or a
# URL whose token does not match (401 Invalid Webhook Token). Neither heals by retrying.
DEAD_WEBHOOK_CODES = frozenset({10015, 50027})


def is_dead_webhook(exc: BaseException) -> bool:
    """Did Discord answer a webhook request with "this webhook does not exist"?"""
    return isinstance(exc, discord.HTTPException) and exc.code in DEAD_WEBHOOK_CODES


def message_nonce(key: str) -> str:
    """The Discord message nonce for an OutgoingMessage's ``dedupe_key``: 25 characters
    (Discord's limit), the same for the same key in every process, so a message resent
    after a crash carries the nonce of the first attempt and ``enforce_nonce`` makes
    Discord answer with the message it already created instead of posting it again."""
    return "nd" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:23]


DeadWebhook = Callable[[ChatRef, WebhookTarget, str, DeliveryError | None], Awaitable[None]]
"""Called once when a channel's webhook turns out deleted, after the bot tried to post the
message itself: (channel, webhook, reason, why the bot could not post or None)."""


class DiscordSender:
    """bot.chat.ChatSender for Discord channels.

    Bot messages go through discord.py's REST client (login is enough, no gateway);
    channels with a webhook (``webhooks`` lookup) get it through the webhook instead, on a
    session of their own, so webhook delivery needs neither login nor gateway.
    It sends exactly once per call; discord.py itself waits out short rate limits
    (up to ``max_ratelimit_timeout`` of the client), longer ones raise RetryAfter.
    """

    def __init__(
        self,
        client: discord.Client | None,
        *,
        webhooks: WebhookLookup | None = None,
        redactor: TokenRedactor | None = None,
        on_dead_webhook: DeadWebhook | None = None,
        logger: logging.Logger | None = None,
        topic_names: TopicNames | None = None,
    ) -> None:
        self._client = client
        # Forum channels (bot.discord.forum): tags are picked by these topic names.
        self._topic_names = topic_names or TopicNames({})
        self._plain_channels: set[int] = set()  # checked once: not forums (ids never change)
        self._open_posts: dict[int, int] = {}  # forum id -> the post its last digest opened
        self._webhooks = webhooks
        self._redactor = redactor or TokenRedactor(
            (client.http.token or "") if client is not None else ""
        )
        self._on_dead_webhook = on_dead_webhook
        self._log = logger or logging.getLogger(__name__)
        self._session: aiohttp.ClientSession | None = None
        # Webhook URLs Discord said are gone: never tried again by this process, even if a
        # lookup without storage keeps returning them.
        self._dead_webhooks: set[str] = set()

    async def send(self, chat: ChatRef, message: OutgoingMessage) -> str:
        """Send one message (content + up to 10 embeds); returns Discord's message id.

        A channel whose webhook Discord reports deleted gets the message from the bot
        instead: the webhook is reported once (``on_dead_webhook``, which drops it from the
        settings) and not used again. A bot message carries a nonce derived from
        ``message.dedupe_key`` with ``enforce_nonce``, so sending the same key again within
        Discord's nonce window (a few minutes) returns the first message, not a second one.

        Raises RetryAfter, ChatForbidden, ChatNotFound, MessageRejected or
        TransientDeliveryError."""
        if len(message.embeds) > MAX_EMBEDS_PER_MESSAGE or len(message.text) > MAX_CONTENT:
            raise MessageRejected(chat.chat_id, "more than 10 embeds or 2000 characters")
        target = await self._webhooks(chat) if self._webhooks is not None else None
        if target is not None and target.url in self._dead_webhooks:
            target = None
        if target is not None and self._client is not None and chat.chat_id.isdigit():
            cached = self._client.get_channel(int(chat.chat_id))
            if getattr(cached, "type", None) in FORUM_TYPES:
                target = None  # a forum takes posts: the bot makes them (no forum webhooks)
        try:
            if target is not None:
                try:
                    return await self._send_webhook(target, message)
                except discord.HTTPException as exc:
                    if not is_dead_webhook(exc):
                        raise
                    dead = self._redactor.redact(f"{exc.status} {exc.text} (code {exc.code})")
                self._dead_webhooks.add(target.url)
                try:
                    sent = await self._send_bot_instead_of(chat, message, dead)
                except DeliveryError as error:
                    await self._webhook_died(chat, target, dead, error)
                    raise
                await self._webhook_died(chat, target, dead, None)
                return sent
            return await self._send_bot(chat, message)
        except DeliveryError as error:
            self._log_rejected(chat, error)
            raise
        except Exception as exc:
            # `from None`: the library's exception chain may carry request details.
            translated = translate_error(exc, chat.chat_id, self._redactor.redact)
            self._log_rejected(chat, translated)
            raise translated from None

    def _log_rejected(self, chat: ChatRef, error: DeliveryError) -> None:
        # A rejected message is dropped for good (its stories are marked failed): say so
        # once, here, with the channel and Discord's reason. Pauses are logged by on_pause.
        if isinstance(error, MessageRejected):
            self._log.warning(
                "discord: channel %s rejected a message, its stories are dropped: %s"
                " (nothing to resume; later messages go on)",
                chat.chat_id,
                error.reason,
            )

    async def _webhook_died(
        self, chat: ChatRef, target: WebhookTarget, reason: str, error: DeliveryError | None
    ) -> None:
        """Log a dead webhook once and report it (``on_dead_webhook``), after the bot tried
        to post the message itself: `error` is why it could not (None: it did)."""
        if error is None:
            outcome = "the bot posts there itself from now on"
        elif isinstance(error, (ChatForbidden, ChatNotFound)):
            outcome = "the bot may not post there either, so the channel is paused"
        else:
            outcome = f"the bot will post there itself (this try failed: {error.reason})"
        self._log.warning(
            "discord: the webhook of channel %s is gone (%s); dropped it, %s;"
            " /news webhook <url> in that server sets a new one",
            chat.chat_id,
            reason,
            outcome,
        )
        if self._on_dead_webhook is not None:
            try:
                await self._on_dead_webhook(chat, target, reason, error)
            except Exception:  # dropping/telling is best effort; the delivery goes on
                self._log.exception("discord: could not drop the webhook of %s", chat.chat_id)

    async def _send_bot_instead_of(self, chat: ChatRef, message: OutgoingMessage, dead: str) -> str:
        """The same message from the bot after the webhook died; if the bot cannot post
        there either, the pause reason says both (the notice then offers a new webhook)."""
        if self._client is None:
            raise ChatNotFound(
                chat.chat_id, f"webhook deleted ({dead}); set a new one with /news webhook"
            )
        try:
            return await self._send_bot(chat, message)
        except (discord.Forbidden, discord.NotFound) as exc:
            detail = self._redactor.redact(f"{exc.status} {exc.text} (code {exc.code})")
            raise ChatForbidden(
                chat.chat_id,
                f"webhook deleted ({dead}) and the bot may not post there: {detail}",
            ) from None

    async def _send_bot(self, chat: ChatRef, message: OutgoingMessage) -> str:
        if self._client is None:
            raise TransientDeliveryError(chat.chat_id, "no Discord bot connection configured")
        try:
            channel_id = int(chat.chat_id)
        except ValueError:
            raise ChatNotFound(chat.chat_id, "not a Discord channel id") from None
        forum = await self._forum(chat, channel_id)
        if forum is not None:
            return await self._post_in_forum(forum, message)
        return await self._send_into(channel_id, message)

    async def _send_into(self, channel_id: int, message: OutgoingMessage) -> str:
        """Post `message` as the bot in a channel or thread."""
        assert self._client is not None
        channel = self._client.get_partial_messageable(channel_id)
        embeds = _embeds(message)
        sent = await channel.send(
            content=message.text or None,
            embeds=embeds,
            allowed_mentions=_NO_MENTIONS,
            # Suppressing would hide our own embeds too; only link previews of plain text.
            suppress_embeds=bool(message.disable_preview and not embeds),
            # discord.py sends every nonce with enforce_nonce. A message without a key
            # (not from the outbox) gets a random one, as discord.py would pick.
            nonce=message_nonce(message.dedupe_key or secrets.token_hex(16)),
        )
        return str(sent.id)

    async def _forum(self, chat: ChatRef, channel_id: int) -> discord.ForumChannel | None:
        """The forum channel `channel_id` is, or None for any other channel (remembered:
        a channel's type never changes). From the gateway's cache when it has the channel
        (tags kept current by Discord's events), else asked once over REST."""
        if chat.kind is ChatKind.PRIVATE or channel_id in self._plain_channels:
            return None
        assert self._client is not None
        channel = self._client.get_channel(channel_id)
        if channel is None:
            channel = await self._client.fetch_channel(channel_id)
        if isinstance(channel, discord.ForumChannel) and channel.type in FORUM_TYPES:
            return channel
        self._plain_channels.add(channel_id)
        return None

    async def _post_in_forum(self, forum: discord.ForumChannel, message: OutgoingMessage) -> str:
        """A new post (thread) for a story or a digest's first message, with the forum's
        tags for its topics; the rest of a digest goes into the post its first message
        opened (a post deleted meanwhile: a new one). Discord has no nonce for a new post:
        a crash between the post and the outbox update can repeat that post."""
        open_post = self._open_posts.get(forum.id)
        if message.continues_post and open_post is not None:
            try:
                return await self._send_into(open_post, message)
            except discord.NotFound:
                del self._open_posts[forum.id]
        tags = pick_tags(
            message.post_topics,
            forum.available_tags,
            self._topic_names,
            require_tag=forum.flags.require_tag,
        )
        embeds = _embeds(message)
        created = await forum.create_thread(
            name=post_name(message),
            content=message.text or None,
            embeds=embeds,
            applied_tags=tags,
            allowed_mentions=_NO_MENTIONS,
            suppress_embeds=bool(message.disable_preview and not embeds),
        )
        self._open_posts[forum.id] = created.thread.id
        return str(created.message.id)

    async def _send_webhook(self, target: WebhookTarget, message: OutgoingMessage) -> str:
        token = _WEBHOOK_TOKEN.search(target.url)
        if token:
            self._redactor.add_secret(token.group(1))
        try:
            webhook = discord.Webhook.from_url(target.url, session=self._webhook_session())
        except ValueError:
            raise MessageRejected("webhook", "not a Discord webhook URL") from None
        embeds = _embeds(message)
        sent = await webhook.send(
            content=message.text or discord.utils.MISSING,
            embeds=embeds,
            username=target.username or discord.utils.MISSING,
            avatar_url=target.avatar_url or discord.utils.MISSING,
            allowed_mentions=_NO_MENTIONS,
            suppress_embeds=bool(message.disable_preview and not embeds),
            wait=True,
        )
        return str(sent.id)

    async def edit(
        self, chat: ChatRef, message_id: str, message: OutgoingMessage, *, photo: bool = False
    ) -> None:
        """Replace the content and embeds of our message `message_id` in the channel
        (bot.chat.MessageEditor). A webhook can edit only what it posted and the bot only
        what the bot posted: with a webhook set, the webhook tries first, and a message it
        does not know (404) is then edited as the bot's. Editing the same text again is a
        success on Discord. `photo` is Telegram's; Discord embeds carry their image.

        Raises RetryAfter, ChatForbidden, ChatNotFound, MessageRejected or
        TransientDeliveryError."""
        if len(message.embeds) > MAX_EMBEDS_PER_MESSAGE or len(message.text) > MAX_CONTENT:
            raise MessageRejected(chat.chat_id, "more than 10 embeds or 2000 characters")
        try:
            number = int(message_id)
        except ValueError:
            raise MessageRejected(chat.chat_id, f"not a message id: {message_id}") from None
        target = await self._webhooks(chat) if self._webhooks is not None else None
        if target is not None and target.url in self._dead_webhooks:
            target = None
        try:
            if target is not None:
                token = _WEBHOOK_TOKEN.search(target.url)
                if token:
                    self._redactor.add_secret(token.group(1))
                webhook = discord.Webhook.from_url(target.url, session=self._webhook_session())
                try:
                    await webhook.edit_message(
                        number,
                        content=message.text or None,
                        embeds=_embeds(message),
                        allowed_mentions=_NO_MENTIONS,
                    )
                    return
                except discord.NotFound:
                    pass  # not this webhook's message (or the webhook is gone): the bot's?
            if self._client is None:
                raise MessageRejected(chat.chat_id, "no Discord bot connection to edit with")
            channel = self._client.get_partial_messageable(int(chat.chat_id))
            await channel.get_partial_message(number).edit(
                content=message.text or None,
                embeds=_embeds(message),
                allowed_mentions=_NO_MENTIONS,
            )
        except DeliveryError:
            raise
        except Exception as exc:
            # `from None`: the library's exception chain may carry request details.
            raise translate_error(exc, chat.chat_id, self._redactor.redact) from None

    def _webhook_session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        return self._session

    async def webhook_channel(self, url: str) -> int:
        """The id of the channel a webhook posts to (asks Discord with the webhook's own
        token). Raises ChatNotFound for a deleted webhook, MessageRejected for a URL that
        is not a webhook, TransientDeliveryError when Discord cannot be asked."""
        parsed = parse_webhook_url(url)
        if parsed is None:
            raise MessageRejected("webhook", "not a Discord webhook URL")
        self._redactor.add_secret(parsed[1])
        webhook = discord.Webhook.from_url(url, session=self._webhook_session())
        try:
            fetched = await webhook.fetch()
        except Exception as exc:
            if is_dead_webhook(exc):  # also 401 Invalid Webhook Token: not the bot's token
                raise ChatNotFound("webhook", "Discord does not know this webhook") from None
            raise translate_error(exc, "webhook", self._redactor.redact) from None
        if fetched.channel_id is None:
            raise ChatNotFound("webhook", "the webhook has no channel")
        return fetched.channel_id

    async def aclose(self) -> None:
        """Close the webhook session (the bot's own session belongs to its client)."""
        if self._session is not None:
            await self._session.close()
            self._session = None
