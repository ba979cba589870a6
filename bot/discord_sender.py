"""Discord delivery: the ChatSender that posts stories to channels, as the bot or through a
channel's webhook, and the translation of Discord's errors into digest.errors.

Split from bot.discord_bot (which re-exports these names) so the adapter's command side and
its delivery side can change independently.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

import aiohttp
import discord
import yarl

from bot.chat import OutgoingMessage
from bot.redaction import SecretRedactor
from digest.errors import (
    ChatForbidden,
    ChatNotFound,
    DeliveryError,
    MessageRejected,
    RetryAfter,
    TransientDeliveryError,
)
from digest.models import ChatRef, ChatSettings, Platform

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
    ) -> None:
        self._client = client
        self._webhooks = webhooks
        self._redactor = redactor or TokenRedactor(
            (client.http.token or "") if client is not None else ""
        )
        self._session: aiohttp.ClientSession | None = None

    async def send(self, chat: ChatRef, message: OutgoingMessage) -> str:
        """Send one message (content + up to 10 embeds); returns Discord's message id.

        Raises RetryAfter, ChatForbidden, ChatNotFound, MessageRejected or
        TransientDeliveryError."""
        if len(message.embeds) > MAX_EMBEDS_PER_MESSAGE or len(message.text) > MAX_CONTENT:
            raise MessageRejected(chat.chat_id, "more than 10 embeds or 2000 characters")
        target = await self._webhooks(chat) if self._webhooks is not None else None
        try:
            if target is not None:
                return await self._send_webhook(target, message)
            return await self._send_bot(chat, message)
        except DeliveryError:
            raise
        except Exception as exc:
            # `from None`: the library's exception chain may carry request details.
            raise translate_error(exc, chat.chat_id, self._redactor.redact) from None

    async def _send_bot(self, chat: ChatRef, message: OutgoingMessage) -> str:
        if self._client is None:
            raise TransientDeliveryError(chat.chat_id, "no Discord bot connection configured")
        try:
            channel_id = int(chat.chat_id)
        except ValueError:
            raise ChatNotFound(chat.chat_id, "not a Discord channel id") from None
        channel = self._client.get_partial_messageable(channel_id)
        embeds = _embeds(message)
        sent = await channel.send(
            content=message.text or None,
            embeds=embeds,
            allowed_mentions=_NO_MENTIONS,
            # Suppressing would hide our own embeds too; only link previews of plain text.
            suppress_embeds=bool(message.disable_preview and not embeds),
        )
        return str(sent.id)

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
            raise translate_error(exc, "webhook", self._redactor.redact) from None
        if fetched.channel_id is None:
            raise ChatNotFound("webhook", "the webhook has no channel")
        return fetched.channel_id

    async def aclose(self) -> None:
        """Close the webhook session (the bot's own session belongs to its client)."""
        if self._session is not None:
            await self._session.close()
            self._session = None
