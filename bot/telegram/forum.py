"""Telegram forum topics: a topic of a forum supergroup is a subscription target of its own.

A command typed inside a topic acts on ``ChatRef(group, thread_id=topic)`` (its own settings
row, stored as "<group id>/<topic id>", its own outbox rows and pause), and everything for
it is posted into that topic (``message_thread_id``). The General topic is the group itself.
Admin rights and the platform's per-chat rate limit are the group's (``ChatRef.whole_chat``).

When Telegram says a topic is gone or closed ("message thread not found", TOPIC_DELETED,
TOPIC_CLOSED), the delivery worker pauses that topic only; `tell_topic_paused` then tells
the group's admins in the General topic. Typing a settings command in the topic (reopened)
resumes it, as for any paused chat.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace

from telegram import Message

from bot.forum_topics import TopicStore, topic_label
from bot.i18n import rtl_safe, t
from bot.reply_text import reason_text
from digest.errors import DeliveryError
from digest.models import ChatRef, ChatSettings

MAX_TOPIC_NAME = 128  # Telegram's limit for a topic name


def topic_thread(message: Message | None) -> int | None:
    """The forum topic a message was typed in; None in General or outside forums (a
    reply thread in an ordinary group also has a message_thread_id, but is no topic)."""
    if message is not None and message.is_topic_message:
        return message.message_thread_id
    return None


def topic_name(message: Message | None) -> str | None:
    """The topic's name when Telegram sent it along: a message in a topic replies to the
    topic's "topic created" service message, which carries the name."""
    if message is None or not message.is_topic_message:
        return None
    created = message.reply_to_message.forum_topic_created if message.reply_to_message else None
    name = created.name.strip() if created is not None and created.name else ""
    return name[:MAX_TOPIC_NAME] or None


def remember_topic_name(store: TopicStore, chat: ChatRef, name: str | None) -> bool:
    """Keep a stored topic's name as its title (notices and /mysubs name it so); True when
    it changed. Topics never stored (no command changed them) are left alone."""
    if chat.thread_id is None or not name or not store.has_chat(chat):
        return False
    settings = store.get_chat(chat)
    if settings.title == name:
        return False
    store.save_chat(replace(settings, title=name))
    return True


def topic_paused_text(settings: ChatSettings, reason: str) -> str:
    """The notice for the group's General topic when one of its topics was paused, in
    the topic's language (the platform's English reason worded by bot.reply_text)."""
    lang = settings.language
    text = t(
        "topic_paused_notice",
        lang,
        target=topic_label(settings),
        reason=reason_text(reason, lang),
        p="/",
    )
    return rtl_safe(text, lang)


Send = Callable[[ChatRef, str], Awaitable[object]]


async def tell_topic_paused(
    settings: ChatSettings, reason: str, send: Send, log: logging.Logger
) -> bool:
    """Tell the group's admins, in its General topic, that a topic stopped receiving
    news; `send(chat, plain_text)` posts (raising DeliveryError on failure). False when it could not
    be posted (the bot may have lost the whole group): then it is only logged."""
    chat = settings.chat
    try:
        await send(chat.whole_chat, topic_paused_text(settings, reason))
    except DeliveryError as exc:  # telling is best effort; the pause stands
        log.info("topic %s paused; the group could not be told: %s", chat.key, exc)
        return False
    return True
