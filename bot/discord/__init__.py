"""The Discord adapter: slash commands under ``/news``, a ChatSender and a PlatformGate.

Commands are written once in ``bot.commands.CommandService``; this package only turns an
interaction into an ``Invocation`` (`app`; the ``/news`` tree itself in `slash`), answers
the gate's questions from Discord's permission data (`gate`), renders the ``Reply``
(`render`: text as message content, stories as embeds) and posts stories (`sender`, as
the bot or through a webhook).

discord.py keeps its REST base (``discord.http.Route.BASE``) and default gateway
(``DiscordWebSocket.DEFAULT_GATEWAY``) as class attributes, so a custom ``api_base_url``
applies to the whole process: one Discord bot per process.

Discord has no Arabic client locale, so command descriptions are registered with the
Arabic text as the default and English as the ``en-US``/``en-GB`` localisation (`texts`).

The package is named after the platform; inside it ``import discord`` still means the
discord.py library (absolute imports).
"""
