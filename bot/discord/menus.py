"""`TopicMenus`: /news topics as select menus, the component interactions they send back,
and topic autocompletion (the discord.py side; the menus themselves are
bot.discord.components, pure).

A menu choice is handled like a command: a stale menu (another version, or sent before
the catalogue changed) is answered privately and changes nothing; then the permission
check of the changing commands (CommandService.may_change: Manage Channels or Manage
Server, from the interaction's own permission data) answers a refusal privately; then
the change runs through CommandService.set_topics (the typed /subscribe and
/unsubscribe) and the message is updated in place (response type 7, or 6 and an edit
when the change takes longer than `defer_after`).

Component interactions are answered by custom_id (`on_component`), not by a discord.py
View kept in memory, so a menu keeps working after the bot restarts.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any, Protocol

import discord
from discord import app_commands

from bot import i18n
from bot.chat import Invocation, PlatformGate, Reply
from bot.commands import TopicPanel
from bot.discord import components
from bot.discord.gate import DiscordGate, chat_of
from bot.discord.sender import _NO_MENTIONS
from bot.discord.texts import _locale_code


class TopicPanels(Protocol):
    """What the menus need from bot.commands.CommandService."""

    def topic_panel(self, inv: Invocation) -> TopicPanel: ...

    async def may_change(self, inv: Invocation, gate: PlatformGate) -> Reply | None: ...

    async def set_topics(
        self, inv: Invocation, gate: PlatformGate, wanted: set[str], among: set[str]
    ) -> Reply: ...


class _Unstored(discord.ui.View):
    """A view that is only sent, never kept: `TopicMenus.on_component` answers its
    interactions by custom_id (so menus sent before a restart still work)."""

    def is_dispatchable(self) -> bool:
        return False


def menu_view(panel: TopicPanel) -> discord.ui.View:
    """The select menus of `panel` as discord.py sends them."""
    view = _Unstored(timeout=None)
    for menu in components.topic_menus(panel):
        view.add_item(
            discord.ui.Select(
                custom_id=menu.custom_id,
                placeholder=menu.placeholder,
                min_values=0,
                max_values=menu.max_values,
                options=[
                    discord.SelectOption(
                        label=o.label, value=o.value, description=o.description, default=o.default
                    )
                    for o in menu.options
                ],
            )
        )
    return view


def _content(panel: TopicPanel, status: str | None = None) -> str:
    text = discord.utils.escape_markdown(components.menu_text(panel, status))
    return text[: components.MAX_CONTENT]


class TopicMenus:
    """Sends topic menus, answers their interactions, completes topic options."""

    def __init__(
        self,
        client: discord.Client,
        panels: TopicPanels,
        *,
        defer_after: float = 2.0,
        logger: logging.Logger | None = None,
    ) -> None:
        self._client = client
        self._panels = panels
        self._defer_after = defer_after
        self._log = logger or logging.getLogger(__name__)
        self.components_handled = 0  # menu interactions answered (tests, monitoring)

    def _invocation(self, interaction: discord.Interaction[Any]) -> Invocation:
        here = chat_of(interaction.channel_id or 0, in_guild=interaction.guild_id is not None)
        return Invocation(
            chat=here,
            user_id=str(interaction.user.id),
            name="topics",
            user_language=_locale_code(interaction.locale),
        )

    async def send(self, interaction: discord.Interaction[Any]) -> bool:
        """Answer /news topics with the menus; False when the catalogue is empty (the
        caller answers with the command's text)."""
        panel = self._panels.topic_panel(self._invocation(interaction))
        if not panel.topics:
            return False
        await interaction.response.send_message(
            _content(panel), view=menu_view(panel), allowed_mentions=_NO_MENTIONS
        )
        return True

    async def on_component(self, interaction: discord.Interaction[Any]) -> None:
        """Answer a menu choice (see the module docstring). Interactions of other
        components are left alone."""
        data: dict[str, Any] = dict(interaction.data or {})
        custom_id = str(data.get("custom_id") or "")
        if not components.is_menu_id(custom_id):
            return
        try:
            await self._on_component(interaction, custom_id, list(data.get("values") or []))
        except discord.HTTPException as exc:
            self._log.warning("discord: could not answer a topic menu: %s", exc)
        finally:
            self.components_handled += 1

    async def _on_component(
        self, interaction: discord.Interaction[Any], custom_id: str, values: list[str]
    ) -> None:
        inv = self._invocation(interaction)
        panel = self._panels.topic_panel(inv)
        choice = components.decode_selection(custom_id, values, panel.topics)
        if isinstance(choice, components.StaleMenu):
            text = i18n.t("menu_stale", panel.language, p="/news ")
            await interaction.response.send_message(
                discord.utils.escape_markdown(text), ephemeral=True
            )
            return
        gate = DiscordGate(interaction, self._client)
        refusal = await self._panels.may_change(inv, gate)
        if refusal is not None:
            await interaction.response.send_message(
                discord.utils.escape_markdown(refusal.text), ephemeral=True
            )
            return
        task = asyncio.create_task(
            self._panels.set_topics(inv, gate, set(choice.wanted), set(choice.among))
        )
        done, _ = await asyncio.wait({task}, timeout=self._defer_after)
        deferred = task not in done
        if deferred:
            await interaction.response.defer()  # type 6: the message is updated later
        reply = await task
        panel = self._panels.topic_panel(inv)
        content, view = _content(panel, reply.text), menu_view(panel)
        if deferred:
            await interaction.edit_original_response(content=content, view=view)
        else:
            await interaction.response.edit_message(content=content, view=view)  # type 7

    async def complete(
        self, interaction: discord.Interaction[Any], current: str, *, followed_only: bool
    ) -> list[app_commands.Choice[str]]:
        """Autocomplete choices for a topic_or_keyword option in the user's language.
        `followed_only` (/news unsubscribe): the chat's own topics and keywords, when it
        follows any."""
        inv = self._invocation(interaction)
        panel = self._panels.topic_panel(inv)
        language = i18n.pick_language(None, _locale_code(interaction.locale))
        topics: Sequence[Any] = panel.topics
        extra: list[str] = []
        settings = panel.settings
        if followed_only and (settings.topics or settings.keywords):
            topics = [topic for topic in panel.topics if topic.slug in settings.topics]
            extra = sorted(settings.keywords)
        return [
            app_commands.Choice(name=name, value=value)
            for name, value in components.topic_choices(topics, current, language, extra=extra)
        ]
