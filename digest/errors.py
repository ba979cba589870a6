"""The newsdigest error family.

Each error says what the caller should do next. Adapters translate library errors
(httpx, feedparser, telegram, discord, SQLAlchemy) into these at their edge, so the
core never sees a third-party exception.
"""

from __future__ import annotations


class NewsdigestError(Exception):
    """Base of every error newsdigest raises on purpose."""


class ConfigError(NewsdigestError):
    """Settings or data files are invalid; the message names the file and field."""


# --- feeds -------------------------------------------------------------------------


class FeedError(NewsdigestError):
    """A feed could not be fetched or parsed. Other feeds are unaffected."""

    def __init__(self, url: str, message: str) -> None:
        super().__init__(f"{without_credentials(url)}: {message}")
        self.url = url
        self.reason = message


def without_credentials(url: str) -> str:
    """The URL with any user:password@ replaced, for messages and logs."""
    scheme, sep, rest = url.partition("://")
    if not sep or "@" not in rest.split("/", 1)[0]:
        return url
    host = rest.split("/", 1)[0].rsplit("@", 1)[1]
    tail = rest[len(rest.split("/", 1)[0]) :]
    return f"{scheme}://***@{host}{tail}"


class FetchError(FeedError):
    """Transport failure (timeout, connection, 5xx, too large). Retry later with backoff."""

    def __init__(self, url: str, message: str, *, status: int | None = None) -> None:
        super().__init__(url, message)
        self.status = status


class FeedGoneError(FeedError):
    """HTTP 410 (or equivalent): the feed is gone for good; disable it."""


class FeedNotFoundError(FeedError):
    """HTTP 404, or the feed is not in storage."""


class ParseError(FeedError):
    """The document is not a feed we can read (bad XML with nothing recoverable, HTML page...)."""


class BlockedAddressError(FetchError):
    """The URL resolves to a private, loopback or link-local address and that is not allowed."""


# --- storage -----------------------------------------------------------------------


class StorageError(NewsdigestError):
    """The database failed or is in an unexpected state."""


class NotFoundError(StorageError):
    """The requested row does not exist."""


# --- delivery ----------------------------------------------------------------------


class DeliveryError(NewsdigestError):
    """Sending to a chat failed. Subclasses say what to do next."""

    def __init__(self, chat_id: str, message: str) -> None:
        super().__init__(f"chat {chat_id}: {message}")
        self.chat_id = chat_id
        self.reason = message


class RetryAfter(DeliveryError):
    """The platform asks us to wait ``seconds`` before sending again. Nothing is dropped."""

    def __init__(self, chat_id: str, seconds: float) -> None:
        super().__init__(chat_id, f"rate limited, retry after {seconds:g}s")
        self.seconds = seconds


class ChatForbidden(DeliveryError):
    """The bot was blocked, kicked or lost permission; pause this chat's subscriptions."""


class ChatNotFound(DeliveryError):
    """The chat or channel no longer exists; pause its subscriptions."""


class ChatMigrated(DeliveryError):
    """A Telegram group became a supergroup; move its subscriptions to ``new_chat_id``."""

    def __init__(self, chat_id: str, new_chat_id: str) -> None:
        super().__init__(chat_id, f"migrated to {new_chat_id}")
        self.new_chat_id = new_chat_id


class MessageRejected(DeliveryError):
    """The platform refused the message itself (bad request); do not retry it unchanged."""


class TransientDeliveryError(DeliveryError):
    """Network trouble or a server error; retry with backoff."""
