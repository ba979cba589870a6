"""The ``/news`` slash-command tree of the Discord adapter: names, options, choices and
autocomplete, each subcommand handing its arguments to one runner (`DiscordBot._run`), so
the commands themselves stay written once in bot.commands."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import discord
from discord import app_commands

from bot.chat import IncomingFile
from bot.discord.files import attachment_file
from bot.discord.gate import ChannelOption
from bot.discord.menus import TopicMenus
from bot.discord.texts import _GROUP_DESCRIPTION, _command_text, _option_text, _text


class RunCommand(Protocol):
    """Runs one platform-neutral command for an interaction and answers it."""

    async def __call__(
        self,
        interaction: discord.Interaction[Any],
        name: str,
        args: Sequence[str] = (),
        channel: ChannelOption | None = None,
        *,
        file: IncomingFile | None = None,
    ) -> None: ...


WebhookCommand = Callable[
    [discord.Interaction[Any], str, "str | None", "str | None"], Awaitable[None]
]


@dataclass(frozen=True)
class NewsCommands:
    """What the tree needs from the bot: the runner, the topic menus (None: plain text
    /news topics, no autocomplete), whether the owners' group exists, and the webhook
    command (None when the bot has no chat store to keep webhooks in)."""

    run: RunCommand
    menus: TopicMenus | None = None
    owner_commands: bool = False
    webhook: WebhookCommand | None = None


def _completer(
    menus: TopicMenus, *, followed_only: bool
) -> Callable[[discord.Interaction[Any], str], Coroutine[Any, Any, list[app_commands.Choice[str]]]]:
    async def complete(
        interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        return await menus.complete(interaction, current, followed_only=followed_only)

    return complete


def build_news_group(commands: NewsCommands) -> app_commands.Group:
    """The ``/news`` slash-command group: every subcommand hands its arguments to
    `commands.run`, which runs the platform-neutral command (bot.commands)."""
    group = app_commands.Group(name="news", description=_text(*_GROUP_DESCRIPTION))
    run = commands.run

    @group.command(name="help", description=_command_text("help"))
    async def help_(interaction: discord.Interaction[Any]) -> None:
        await run(interaction, "help")

    @group.command(name="topics", description=_command_text("topics"))
    async def topics(interaction: discord.Interaction[Any]) -> None:
        if commands.menus is None or not await commands.menus.send(interaction):
            await run(interaction, "topics")

    @group.command(name="subscribe", description=_command_text("subscribe"))
    @app_commands.describe(
        topic_or_keyword=_option_text("topic_or_keyword"), channel=_option_text("channel")
    )
    async def subscribe(
        interaction: discord.Interaction[Any],
        topic_or_keyword: str,
        channel: ChannelOption | None = None,
    ) -> None:
        await run(interaction, "subscribe", topic_or_keyword.split(), channel)

    @group.command(name="unsubscribe", description=_command_text("unsubscribe"))
    @app_commands.describe(
        topic_or_keyword=_option_text("topic_or_keyword"), channel=_option_text("channel")
    )
    async def unsubscribe(
        interaction: discord.Interaction[Any],
        topic_or_keyword: str,
        channel: ChannelOption | None = None,
    ) -> None:
        await run(interaction, "unsubscribe", topic_or_keyword.split(), channel)

    @group.command(name="exclude", description=_command_text("exclude"))
    @app_commands.describe(
        topic_or_keyword=_option_text("topic_or_keyword"), channel=_option_text("channel")
    )
    async def exclude(
        interaction: discord.Interaction[Any],
        topic_or_keyword: str,
        channel: ChannelOption | None = None,
    ) -> None:
        await run(interaction, "exclude", topic_or_keyword.split(), channel)

    @group.command(name="include", description=_command_text("include"))
    @app_commands.describe(
        topic_or_keyword=_option_text("topic_or_keyword"), channel=_option_text("channel")
    )
    async def include(
        interaction: discord.Interaction[Any],
        topic_or_keyword: str,
        channel: ChannelOption | None = None,
    ) -> None:
        await run(interaction, "include", topic_or_keyword.split(), channel)

    if commands.menus is not None:
        subscribe.autocomplete("topic_or_keyword")(_completer(commands.menus, followed_only=False))
        unsubscribe.autocomplete("topic_or_keyword")(_completer(commands.menus, followed_only=True))

    @group.command(name="subscriptions", description=_command_text("subscriptions"))
    @app_commands.describe(channel=_option_text("channel"))
    async def subscriptions(
        interaction: discord.Interaction[Any],
        channel: ChannelOption | None = None,
    ) -> None:
        await run(interaction, "mysubs", (), channel)

    @group.command(name="digest", description=_command_text("digest"))
    async def digest(interaction: discord.Interaction[Any]) -> None:
        await run(interaction, "digest")

    @group.command(name="latest", description=_command_text("latest"))
    @app_commands.describe(n=_option_text("n"))
    async def latest(
        interaction: discord.Interaction[Any],
        n: app_commands.Range[int, 1, 20] | None = None,
    ) -> None:
        await run(interaction, "latest", () if n is None else (str(n),))

    @group.command(name="top", description=_command_text("top"))
    @app_commands.describe(n=_option_text("n"))
    async def top(
        interaction: discord.Interaction[Any],
        n: app_commands.Range[int, 1, 20] | None = None,
    ) -> None:
        await run(interaction, "top", () if n is None else (str(n),))

    @group.command(name="summary", description=_command_text("summary"))
    @app_commands.describe(url=_option_text("url"))
    async def summary(interaction: discord.Interaction[Any], url: str) -> None:
        await run(interaction, "summary", (url.strip(),))

    @group.command(name="schedule", description=_command_text("schedule"))
    @app_commands.describe(value=_option_text("value"), channel=_option_text("channel"))
    async def schedule(
        interaction: discord.Interaction[Any],
        value: str,
        channel: ChannelOption | None = None,
    ) -> None:
        await run(interaction, "schedule", value.split(), channel)

    @group.command(name="feeds", description=_command_text("feeds"))
    async def feeds(interaction: discord.Interaction[Any]) -> None:
        await run(interaction, "feeds")

    feed = app_commands.Group(name="feed", description=_command_text("myfeeds"), parent=group)

    @feed.command(name="add", description=_command_text("addfeed"))
    @app_commands.describe(url=_option_text("feed_url"), channel=_option_text("channel"))
    async def feed_add(
        interaction: discord.Interaction[Any],
        url: str,
        channel: ChannelOption | None = None,
    ) -> None:
        await run(interaction, "addfeed", (url.strip(),), channel)

    @feed.command(name="remove", description=_command_text("removefeed"))
    @app_commands.describe(feed=_option_text("feed_ref"), channel=_option_text("channel"))
    async def feed_remove(
        interaction: discord.Interaction[Any],
        feed: str,
        channel: ChannelOption | None = None,
    ) -> None:
        await run(interaction, "removefeed", (feed.strip(),), channel)

    @feed.command(name="list", description=_command_text("myfeeds"))
    @app_commands.describe(channel=_option_text("channel"))
    async def feed_list(
        interaction: discord.Interaction[Any],
        channel: ChannelOption | None = None,
    ) -> None:
        await run(interaction, "myfeeds", (), channel)

    @feed.command(name="import", description=_command_text("import"))
    @app_commands.describe(file=_option_text("opml_file"), channel=_option_text("channel"))
    async def feed_import(
        interaction: discord.Interaction[Any],
        file: discord.Attachment,
        channel: ChannelOption | None = None,
    ) -> None:
        await run(interaction, "import", (), channel, file=attachment_file(file))

    @feed.command(name="export", description=_command_text("export"))
    @app_commands.describe(channel=_option_text("channel"))
    async def feed_export(
        interaction: discord.Interaction[Any],
        channel: ChannelOption | None = None,
    ) -> None:
        await run(interaction, "export", (), channel)

    if commands.owner_commands:
        _build_owner_group(group, run)

    @group.command(name="lang", description=_command_text("lang"))
    @app_commands.describe(language=_option_text("language"))
    @app_commands.choices(
        language=[
            app_commands.Choice(name=_text("العربية", "Arabic"), value="ar"),
            app_commands.Choice(name=_text("English", "English"), value="en"),
        ]
    )
    async def lang(interaction: discord.Interaction[Any], language: str) -> None:
        await run(interaction, "lang", (language,))

    @group.command(name="images", description=_command_text("images"))
    @app_commands.describe(state=_option_text("images_state"), channel=_option_text("channel"))
    @app_commands.choices(
        state=[
            app_commands.Choice(name=_text("تشغيل", "on"), value="on"),
            app_commands.Choice(name=_text("إيقاف", "off"), value="off"),
        ]
    )
    async def images(
        interaction: discord.Interaction[Any], state: str, channel: ChannelOption | None = None
    ) -> None:
        await run(interaction, "images", (state,), channel)

    @group.command(name="health", description=_command_text("health"))
    async def health(interaction: discord.Interaction[Any]) -> None:
        await run(interaction, "health")

    webhook_command = commands.webhook
    if webhook_command is not None:

        @group.command(name="webhook", description=_command_text("webhook"))
        @app_commands.describe(
            url=_option_text("webhook_url"),
            name=_option_text("webhook_name"),
            avatar_url=_option_text("webhook_avatar"),
        )
        async def webhook(
            interaction: discord.Interaction[Any],
            url: str,
            name: app_commands.Range[str, 1, 80] | None = None,
            avatar_url: str | None = None,
        ) -> None:
            await webhook_command(interaction, url.strip(), name, avatar_url)

    return group


def _build_owner_group(group: app_commands.Group, run: RunCommand) -> None:
    """/news owner stats|feed|quota: Telegram's /stats and /feeds disable|enable|quota
    for the owners (NEWSDIGEST_OWNER_IDS). Discord shows subcommands to everyone:
    bot.commands answers anyone else with a refusal."""
    owner = app_commands.Group(name="owner", description=_command_text("owner"), parent=group)

    @owner.command(name="stats", description=_command_text("stats"))
    async def owner_stats(interaction: discord.Interaction[Any]) -> None:
        await run(interaction, "owner", ("stats",))

    @owner.command(name="feed", description=_command_text("owner_feed"))
    @app_commands.describe(action=_option_text("owner_action"), url=_option_text("owner_url"))
    @app_commands.choices(
        action=[
            app_commands.Choice(name="disable", value="disable"),
            app_commands.Choice(name="enable", value="enable"),
        ]
    )
    async def owner_feed(interaction: discord.Interaction[Any], action: str, url: str) -> None:
        await run(interaction, "owner", (action, url.strip()))

    @owner.command(name="quota", description=_command_text("owner_quota"))
    @app_commands.describe(channel_id=_option_text("owner_chat"), limit=_option_text("owner_limit"))
    async def owner_quota(
        interaction: discord.Interaction[Any], channel_id: str, limit: str
    ) -> None:
        await run(interaction, "owner", ("quota", channel_id.strip(), limit.strip()))
