"""Files on Telegram (issue #16 point 2): an OPML document sent to the bot becomes an
/import invocation, and a reply's file (/export) goes out with sendDocument.

Which documents are imports: a file named *.opml or *.xml (or typed text/x-opml). In a
private chat any such file; in a group or channel only one sent with the caption
``/import`` (``/import @channel`` for a managed channel) or as a reply to one of the
bot's messages, so that an XML file members share is not taken for a command. Admin
rights are checked by bot.commands like for /addfeed, before anything is downloaded.

Sizes: Telegram says the document's size; bot.commands refuses a file over the limit
before downloading it, and `read` refuses again if more bytes arrive.
"""

from __future__ import annotations

import telegram
from telegram.constants import ChatType, ParseMode

from bot.chat import IncomingFile, OutgoingFile
from digest.format.telegram import escape_html

OPML_SUFFIXES = (".opml", ".xml")
OPML_TYPES = frozenset({"text/x-opml", "application/xml", "text/xml", "text/plain"})


def _is_opml(document: telegram.Document) -> bool:
    name = (document.file_name or "").casefold()
    return name.endswith(OPML_SUFFIXES) or (not name and (document.mime_type or "") in OPML_TYPES)


def import_arguments(message: telegram.Message, bot_id: int, bot_username: str) -> list[str] | None:
    """The /import arguments of a document message (e.g. ["@channel"]), or None when the
    document is not an import (see the module docstring)."""
    document = message.document
    if document is None or not _is_opml(document):
        return None
    caption = (message.caption or "").split()
    command = caption[0].casefold() if caption else ""
    name, _, addressee = command.partition("@")
    if name == "/import" and (not addressee or addressee == bot_username.casefold()):
        return caption[1:]
    replied = message.reply_to_message
    to_bot = (
        replied is not None and replied.from_user is not None and replied.from_user.id == bot_id
    )
    if message.chat.type == ChatType.PRIVATE or to_bot:
        return []
    return None


def incoming_file(bot: telegram.Bot, document: telegram.Document) -> IncomingFile:
    """The document, to be downloaded (getFile, then the file) only when read."""

    async def read(limit: int) -> bytes:
        if document.file_size is not None and document.file_size > limit:
            raise ValueError(f"{document.file_size} bytes, more than {limit}")
        remote = await bot.get_file(document.file_id)
        if remote.file_size is not None and remote.file_size > limit:
            raise ValueError(f"{remote.file_size} bytes, more than {limit}")
        data = bytes(await remote.download_as_bytearray())
        if len(data) > limit:
            raise ValueError(f"{len(data)} bytes, more than {limit}")
        return data

    return IncomingFile(name=document.file_name or "", size=document.file_size, read=read)


async def send_file(
    bot: telegram.Bot,
    chat_id: int | str,
    file: OutgoingFile,
    caption: str,
    *,
    thread_id: int | None = None,
) -> telegram.Message:
    """sendDocument with `caption` (plain text, escaped here). Raises TelegramError."""
    return await bot.send_document(
        chat_id,
        document=telegram.InputFile(file.content, filename=file.name),
        caption=escape_html(caption)[:1024] or None,
        parse_mode=ParseMode.HTML,
        message_thread_id=thread_id,
    )
