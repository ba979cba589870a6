"""`TelegramGate`: the PlatformGate questions (is this user an admin here, may the bot post
to that channel) answered from the Bot API."""

from __future__ import annotations

import logging
import re

import telegram
import telegram.error as tg_error
from telegram.constants import ChatMemberStatus, ChatType

from bot.i18n import t
from bot.telegram.sender import _api_chat_id
from digest.models import ChatKind, ChatRef, Platform

# --- gate ----------------------------------------------------------------------------


class TargetRefused(PermissionError):
    """A managed target may not be used. `code` says why: not_admin | bot_not_admin |
    bot_cannot_post | private_chat | unavailable; `reason_in(lang)` words it for a reply
    (str() is the English wording, for logs)."""

    def __init__(self, target: str, code: str) -> None:
        self.target = target
        self.code = code
        super().__init__(self.reason_in("en"))

    def reason_in(self, language: str) -> str:
        """The refusal worded in `language` (the texts are bot.i18n's refused_<code>)."""
        return t(f"refused_{self.code}", language, target=self.target)


class TargetNotFound(LookupError):
    """Telegram does not know the chat named in the arguments."""

    def __init__(self, target: str, message: str) -> None:
        super().__init__(message)
        self.target = target


_ADMIN_STATUSES = {ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR}


def anonymous_admin_id(chat_id: int | str) -> str:
    """The Invocation.user_id of an anonymous admin of `chat_id` (who posts as the group)."""
    return f"anonymous-admin:{chat_id}"


def chat_kind(chat_type: str) -> ChatKind:
    """Telegram chat.type → our ChatKind (a supergroup is a group to us)."""
    if chat_type == ChatType.PRIVATE:
        return ChatKind.PRIVATE
    if chat_type == ChatType.CHANNEL:
        return ChatKind.CHANNEL
    return ChatKind.GROUP


_TARGET = re.compile(r"^(@[A-Za-z][A-Za-z0-9_]{3,31}|-?\d{1,20})$")


def looks_like_target(arg: str) -> bool:
    """True for '@channelname' or a numeric chat id such as -1001234567890."""
    return bool(_TARGET.match(arg))


class TelegramGate:
    """PlatformGate on the Bot API: getChat and getChatMember."""

    def __init__(self, bot: telegram.Bot, *, logger: logging.Logger | None = None) -> None:
        self._bot = bot
        self._log = logger or logging.getLogger(__name__)

    async def is_admin(self, chat: ChatRef, user_id: str) -> bool:
        """Private chats: always. Groups and channels: creator or administrator.
        Raises TargetRefused(code="unavailable") when Telegram cannot be asked right now."""
        if chat.kind is ChatKind.PRIVATE or user_id == anonymous_admin_id(chat.chat_id):
            return True
        try:
            member = await self._bot.get_chat_member(_api_chat_id(chat.chat_id), int(user_id))
        except (tg_error.BadRequest, tg_error.Forbidden) as exc:
            self._log.info("admin check in chat %s refused: %s", chat.chat_id, exc.message)
            return False
        except (ValueError, tg_error.TelegramError) as exc:
            raise TargetRefused(chat.chat_id, "unavailable") from exc
        return member.status in _ADMIN_STATUSES

    async def resolve_target(self, ref: str, user_id: str) -> ChatRef:
        """'@channel' or a numeric id → ChatRef, if the user administers that chat and the
        bot can post there. Raises TargetNotFound or TargetRefused (a PermissionError)."""
        ref = ref.strip()
        if not looks_like_target(ref):
            raise TargetNotFound(ref, f"{ref!r} is not a chat: use @channelname or a chat id")
        try:
            chat = await self._bot.get_chat(_api_chat_id(ref))
        except (tg_error.BadRequest, tg_error.Forbidden) as exc:
            raise TargetNotFound(
                ref,
                f"Telegram does not know {ref} (or the bot cannot see it): "
                "check the name and add the bot to it first",
            ) from exc
        except tg_error.TelegramError as exc:
            raise TargetRefused(ref, "unavailable") from exc
        if chat.type == ChatType.PRIVATE:
            raise TargetRefused(ref, "private_chat")
        kind = chat_kind(chat.type)
        bot_member = await self._member(ref, chat.id, self._bot.id)
        if not user_id.isdigit():  # an anonymous admin elsewhere: nobody to check
            raise TargetRefused(ref, "not_admin")
        user_member = await self._member(ref, chat.id, int(user_id))
        if user_member.status not in _ADMIN_STATUSES:
            raise TargetRefused(ref, "not_admin")
        if kind is ChatKind.CHANNEL:
            if bot_member.status != ChatMemberStatus.ADMINISTRATOR:
                raise TargetRefused(ref, "bot_not_admin")
            if not getattr(bot_member, "can_post_messages", False):
                raise TargetRefused(ref, "bot_cannot_post")
        elif bot_member.status in (ChatMemberStatus.LEFT, ChatMemberStatus.BANNED) or (
            bot_member.status == ChatMemberStatus.RESTRICTED
            and not getattr(bot_member, "can_send_messages", True)
        ):
            raise TargetRefused(ref, "bot_cannot_post")
        return ChatRef(Platform.TELEGRAM, str(chat.id), kind)

    async def _member(self, ref: str, chat_id: int, user_id: int) -> telegram.ChatMember:
        try:
            return await self._bot.get_chat_member(chat_id, user_id)
        except (tg_error.BadRequest, tg_error.Forbidden) as exc:
            # Channels hide their members from a bot that is not an admin there.
            raise TargetRefused(ref, "bot_not_admin") from exc
        except tg_error.TelegramError as exc:
            raise TargetRefused(ref, "unavailable") from exc
