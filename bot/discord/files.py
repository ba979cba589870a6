"""Files on Discord (issue #16 point 2): the attachment of /news feed import becomes
the invocation's IncomingFile, a reply's file (/news feed export) becomes a
discord.File. Discord states the attachment's size; bot.commands refuses a file over
the limit before `read` downloads it, and `read` refuses again if more bytes arrive."""

from __future__ import annotations

import io

import discord

from bot.chat import IncomingFile, OutgoingFile


def attachment_file(attachment: discord.Attachment) -> IncomingFile:
    """The attachment, downloaded only when read."""

    async def read(limit: int) -> bytes:
        if attachment.size > limit:
            raise ValueError(f"{attachment.size} bytes, more than {limit}")
        data = await attachment.read()
        if len(data) > limit:
            raise ValueError(f"{len(data)} bytes, more than {limit}")
        return data

    return IncomingFile(name=attachment.filename, size=attachment.size, read=read)


def discord_file(file: OutgoingFile) -> discord.File:
    return discord.File(io.BytesIO(file.content), filename=file.name)
