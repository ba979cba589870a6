"""Platform-neutral types shared by the command logic and the Telegram/Discord adapters.

Commands are written once (bot.commands.CommandService) against these types; each
adapter turns its library's update/interaction into an `Invocation`, answers the
`PlatformGate` questions with its own API, and renders the `Reply`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from digest.models import ChatRef, Story


@dataclass(frozen=True)
class IncomingFile:
    """A file a user sent with a command (a Telegram document, a Discord attachment),
    not downloaded yet: `size` is what the platform says (None: it did not say), and
    `read(limit)` downloads it, raising ValueError past `limit` bytes."""

    name: str
    size: int | None
    read: Callable[[int], Awaitable[bytes]]


@dataclass(frozen=True)
class Invocation:
    """One command as typed by a user."""

    chat: ChatRef  # where the command was typed
    user_id: str
    name: str  # ASCII command name without the slash: "subscribe"
    args: tuple[str, ...] = ()
    user_language: str | None = None  # client language hint ("ar", "en-US"...)
    file: IncomingFile | None = None  # /import: the OPML file sent with it


@dataclass(frozen=True)
class OutgoingFile:
    """A file to answer with (/export): Telegram sendDocument, a Discord attachment."""

    name: str
    content: bytes


@dataclass(frozen=True)
class Reply:
    """What to answer. `text` is plain text (the adapter escapes/formats it);
    `stories` are rendered with the platform's story formatter."""

    text: str = ""
    stories: tuple[Story, ...] = ()
    header: str | None = None  # digest header shown before the stories
    ephemeral: bool = False  # Discord: visible to the caller only
    language: str = "ar"
    timezone: str = "UTC"  # the chat's: story times are shown in it
    file: OutgoingFile | None = None  # sent with `text` as its caption


class PlatformGate(Protocol):
    """Questions only the platform can answer."""

    async def is_admin(self, chat: ChatRef, user_id: str) -> bool:
        """May this user change the chat's subscriptions? (Telegram: creator/administrator;
        Discord: Manage Channels or Manage Server; private chats: always True.)"""
        ...

    async def resolve_target(self, ref: str, user_id: str) -> ChatRef:
        """Resolve a managed target named in arguments (`@channel`, `<#123>`), checking
        that the user administers it and the bot can post there.
        Raises PermissionError with a user-facing reason, or LookupError if unknown."""
        ...


@dataclass(frozen=True)
class OutgoingMessage:
    """A rendered message ready for a platform sender."""

    text: str = ""  # Telegram: HTML; Discord: message content
    embeds: Sequence[dict[str, object]] = field(default_factory=tuple)  # Discord embeds
    disable_preview: bool = True
    # Telegram: send as a photo with `text` as its caption (the caller checked it fits);
    # a photo the platform refuses falls back to the text with `preview_url` above it.
    photo_url: str | None = None
    # Telegram: the link preview shows this URL (the lead image) above the text.
    preview_url: str | None = None
    # The same for a resend of this message after a crash (see `outbox_message_key`);
    # senders that can deduplicate use it (Discord: the message nonce). Not part of equality.
    dedupe_key: str | None = field(default=None, compare=False)
    # Discord forum channels, where every message must open a post (a thread) or go into
    # one: the post's title and the topic slugs its tags are picked by (bot.discord.forum).
    # `continues_post`: this message belongs to the post the previous message to the same
    # channel opened (the rest of a digest), not a post of its own.
    post_title: str | None = None
    post_topics: tuple[str, ...] = ()
    continues_post: bool = False


def outbox_message_key(chat: ChatRef, article_ids: Sequence[int], index: int, count: int) -> str:
    """A key for message `index` of the `count` messages carrying these outbox rows (one row
    per chat and article): the same whenever the same rows are sent again in the same
    messages, e.g. by the next process after a SIGKILL, and different for any other rows."""
    ids = ",".join(str(i) for i in sorted(article_ids))
    return f"{chat.platform.value}:{chat.key}:{ids}:{index}/{count}"


class ChatSender(Protocol):
    """Sends rendered messages. Raises the digest.errors DeliveryError family only."""

    async def send(self, chat: ChatRef, message: OutgoingMessage) -> str:
        """Returns the platform's message id."""
        ...


@runtime_checkable
class MessageEditor(Protocol):
    """A ChatSender that can also replace a sent message's text (bot.story_edits)."""

    async def edit(
        self, chat: ChatRef, message_id: str, message: OutgoingMessage, *, photo: bool = False
    ) -> None:
        """Replace the text of the bot's message `message_id` in `chat` with `message`
        (`photo`: the message is a photo whose caption is the text). An edit that changes
        nothing is a success. Raises the digest.errors DeliveryError family."""
        ...
