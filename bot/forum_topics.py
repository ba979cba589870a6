"""Forum topics, platform-neutral: a Telegram forum topic is a chat of its own
(``ChatRef.thread_id``, stored as "<chat_id>/<thread_id>"); these helpers find a group's
topics and name one in replies. The Telegram side is bot.telegram.forum."""

from __future__ import annotations

from typing import Protocol

from bot.reply_text import echo
from digest.models import ChatRef, ChatSettings


class TopicStore(Protocol):
    """The part of digest.ports.Storage the topics need."""

    def has_chat(self, chat: ChatRef) -> bool: ...

    def get_chat(self, chat: ChatRef) -> ChatSettings: ...

    def save_chat(self, settings: ChatSettings) -> None: ...

    def get_chats(self, *, include_paused: bool = False) -> list[ChatSettings]: ...


def group_topics(store: TopicStore, chat: ChatRef) -> list[ChatSettings]:
    """The stored topics of the group `chat` (paused ones too), by topic id. Reads every
    chat: it serves rare events (the bot removed or added back, /mysubs in General)."""
    found = [
        s
        for s in store.get_chats(include_paused=True)
        if s.chat.thread_id is not None
        and s.chat.platform is chat.platform
        and s.chat.chat_id == chat.chat_id
    ]
    return sorted(found, key=lambda s: s.chat.thread_id or 0)


def topic_label(settings: ChatSettings) -> str:
    """How replies name a topic: «name» (#id), or #id when its name is not known."""
    thread = f"#{settings.chat.thread_id}"
    return f"«{echo(settings.title)}» ({thread})" if settings.title else thread
