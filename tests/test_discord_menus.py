"""Discord's topic menu and topic autocompletion (issue #17, point 4): the pure menus and
choices, then interactions end to end: real discord.py over a real gateway websocket and
REST to tests/fake_discord.py, the real CommandService on SQLite. Also
CommandService.set_topics, which Telegram's buttons and Discord's menus share."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import discord
import pytest

from bot import i18n
from bot.chat import Invocation, PlatformGate, Reply
from bot.commands import CommandLimits, CommandService, TopicPanel
from bot.discord import components
from bot.discord.app import DiscordBot
from bot.discord.menus import menu_view
from digest.clock import FakeClock
from digest.models import ChatKind, ChatRef, ChatSettings, DeliveryMode, DeliveryState, Platform
from digest.storage import SqlStorage
from digest.topics import Topic, TopicCatalog
from tests import test_discord
from tests.fake_discord import (
    ADMIN_USER_ID,
    CHANNEL_ID,
    MEMBER_USER_ID,
    FakeDiscord,
    choice_problems,
    component_problems,
)
from tests.fakes import FakeGate, add_article, add_feed, small_catalog
from tests.test_discord import T0, summarize_url
from tests.test_telegram import catalog as bundled_catalog

EPHEMERAL = 64
CHAT = ChatRef(Platform.DISCORD, CHANNEL_ID, ChatKind.CHANNEL)


def big_catalog(count: int) -> TopicCatalog:
    return TopicCatalog.from_topics(
        [
            Topic(f"t{i:03d}-" + "s" * 120, f"موضوع رقم {i} " * 12, f"Topic {i} " * 15, 0x123456)
            for i in range(count)
        ]
    )


def panel(cat: TopicCatalog, language: str = "ar", **changes: Any) -> TopicPanel:
    return TopicPanel(
        settings=replace(ChatSettings(chat=CHAT), **changes),
        language=language,
        topics=cat.topics,
        saved=True,
    )


# --- menus and choices, pure ---------------------------------------------------------


@pytest.mark.parametrize("count", [3, 17, 26, 125, 300])
def test_menus_stay_within_discords_component_limits(count: int) -> None:
    cat = big_catalog(count)
    shown = panel(cat, topics=frozenset(cat.slugs[::2]))
    rows = menu_view(shown).to_components()
    assert component_problems({"components": rows}) == {}
    options = [o for row in rows for select in row["components"] for o in select["options"]]
    assert len(options) == min(count, 125)
    followed = set(cat.slugs[::2])
    for menu in components.topic_menus(shown):
        values = [o.value for o in menu.options if o.default]
        choice = components.decode_selection(menu.custom_id, values, cat.topics)
        assert isinstance(choice, components.Selection)
        assert choice.wanted == followed & choice.among  # preselected = followed


def test_a_menu_sent_before_the_catalogue_changed_is_stale() -> None:
    cat = small_catalog()
    (menu,) = components.topic_menus(panel(cat))
    choice = components.decode_selection(menu.custom_id, ["ai"], cat.topics)
    assert choice == components.Selection(frozenset(cat.slugs), frozenset({"ai"}))
    fewer = TopicCatalog.from_topics(cat.topics[:2])
    assert components.decode_selection(menu.custom_id, ["ai"], fewer.topics) == (
        components.StaleMenu()
    )
    for custom_id, values in (
        ("nd0:topics:0:00000000", ["ai"]),  # another version
        (menu.custom_id, ["quantum"]),  # not an option of that menu
        (menu.custom_id, ["ai"] * 30),
        ("nd1:topics:9:" + menu.custom_id[-8:], []),
        ("x" * 5000, []),
    ):
        assert components.decode_selection(custom_id, values, cat.topics) == (
            components.StaleMenu()
        )


def test_choices_in_the_users_language_and_earlier_words_kept() -> None:
    topics = bundled_catalog().topics
    arabic = components.topic_choices(topics, "ذكاء", "ar")
    assert arabic[0] == ("الذكاء الاصطناعي (ai)", "ai")
    english = components.topic_choices(topics, "artif", "en")
    assert english[0] == ("Artificial intelligence", "ai")
    assert ("ai Smartphones", "ai phones") in components.topic_choices(topics, "ai smartph", "en")
    everything = components.topic_choices(topics, "", "en")
    assert len(everything) == len(topics)  # 17: all of them, in catalogue order
    assert components.topic_choices(topics, "ai ", "en")[0][1].startswith("ai ")
    keywords = components.topic_choices((), "deep", "en", extra=["DeepSeek", "OpenAI"])
    assert keywords == [("DeepSeek", "DeepSeek")]


def test_choices_stay_within_limits_for_any_input() -> None:
    topics = big_catalog(300).topics
    for typed in ("", "t1", "موضوع", "x" * 10_000, "a " * 5_000, "s" * 99 + " t"):
        started = time.perf_counter()
        choices = components.topic_choices(topics, typed, "ar")
        assert time.perf_counter() - started < 1.0
        data = {"choices": [{"name": n, "value": v} for n, v in choices]}
        assert choice_problems(data) == {}


# --- CommandService.set_topics ---------------------------------------------------------


@pytest.fixture
def storage(tmp_path: Path) -> Iterator[SqlStorage]:
    store = SqlStorage.from_url(f"sqlite:///{tmp_path / 'newsdigest.db'}")
    add_feed(store)
    try:
        yield store
    finally:
        store.close()


async def test_switching_topics_keeps_the_queued_stories_the_new_topic_wants(
    storage: SqlStorage,
) -> None:
    """From {ai} to {phones} in one choice: adding before dropping means the chat never
    follows nothing on the way, so the queued story about both is still delivered."""
    service = CommandService(storage, small_catalog(), summarize_url, FakeClock(T0))
    gate = FakeGate(admins={CHAT: {"admin"}})
    inv = Invocation(chat=CHAT, user_id="admin", name="topics", user_language="en")
    await service.handle(replace(inv, name="subscribe", args=("ai",)), gate)
    both = add_article(storage, "هاتف بالذكاء الاصطناعي", at=T0, topics=["ai", "phones"])
    storage.enqueue(CHAT, [both], due_at=T0)
    reply = await service.set_topics(inv, gate, {"phones"}, set(small_catalog().slugs))
    assert storage.get_chat(CHAT).topics == {"phones"}
    assert storage.get_chat(CHAT).mode is DeliveryMode.INSTANT
    pending = storage.pending_deliveries(now=T0, limit=10, chat=CHAT)
    assert [d.article_id for d in pending] == [both]
    assert pending[0].state is DeliveryState.PENDING
    assert "Subscribed to: Smartphones" in reply.text
    assert "Unsubscribed from: Artificial intelligence" in reply.text


async def test_set_topics_is_the_typed_commands(storage: SqlStorage) -> None:
    service = CommandService(storage, small_catalog(), summarize_url, FakeClock(T0))
    gate = FakeGate(admins={CHAT: {"admin"}})
    typed_chat = ChatRef(Platform.DISCORD, "42", ChatKind.CHANNEL)
    gate.admins[typed_chat] = {"admin"}
    inv = Invocation(chat=CHAT, user_id="admin", name="topics", user_language="en")
    await service.set_topics(inv, gate, {"ai", "security"}, {"ai", "security", "phones"})
    await service.handle(
        replace(inv, chat=typed_chat, name="subscribe", args=("ai", "security")), gate
    )
    assert replace(storage.get_chat(CHAT), chat=typed_chat) == storage.get_chat(typed_chat)
    refused = await service.set_topics(replace(inv, user_id="member"), gate, set(), {"ai"})
    assert refused.text == i18n.t("admins_only_discord", "en")
    assert storage.get_chat(CHAT).topics == {"ai", "security"}
    unchanged = await service.set_topics(inv, gate, {"ai"}, {"ai"})
    assert unchanged.text == i18n.t("panel_unchanged", "en")


# --- interactions end to end ---------------------------------------------------------


fake = test_discord.fake  # discord.py pointed at the fake, restored after the test


class SlowPanels:
    """The real service, with a change that takes longer than the bot waits to answer."""

    def __init__(self, service: CommandService) -> None:
        self._service = service

    def topic_panel(self, inv: Invocation) -> TopicPanel:
        return self._service.topic_panel(inv)

    async def may_change(self, inv: Invocation, gate: PlatformGate) -> Reply | None:
        return await self._service.may_change(inv, gate)

    async def set_topics(
        self, inv: Invocation, gate: PlatformGate, wanted: set[str], among: set[str]
    ) -> Reply:
        await asyncio.sleep(0.3)
        return await self._service.set_topics(inv, gate, wanted, among)


async def start_bot(fake: FakeDiscord, storage: SqlStorage, *, slow: bool = False) -> DiscordBot:
    service = CommandService(
        storage, small_catalog(), summarize_url, FakeClock(T0), CommandLimits()
    )
    bot = DiscordBot(
        fake.token,
        service,
        chat_store=storage,
        guild_ready_timeout=0.05,
        panels=SlowPanels(service) if slow else service,
        defer_after=0.05 if slow else 2.0,
    )
    await bot.start(ready_timeout=20)
    return bot


@pytest.fixture
async def bot(fake: FakeDiscord, storage: SqlStorage) -> AsyncIterator[DiscordBot]:
    started = await start_bot(fake, storage)
    try:
        yield started
    finally:
        await started.stop()


async def answer(fake: FakeDiscord, payload: dict[str, Any]) -> dict[str, Any]:
    interaction_id = await fake.inject_interaction(payload)
    return await fake.wait_for_response(interaction_id)


async def topics_menu(fake: FakeDiscord, **kw: Any) -> dict[str, Any]:
    """/news topics; the answer's data (content and components)."""
    response = await answer(fake, fake.interaction_payload("topics", None, **kw))
    assert response["type"] == 4
    data: dict[str, Any] = response["data"]
    return data


def select(data: dict[str, Any]) -> dict[str, Any]:
    (row,) = data["components"]
    (menu,) = row["components"]
    assert menu["type"] == 3
    return dict(menu)


def preselected(data: dict[str, Any]) -> set[str]:
    return {o["value"] for o in select(data)["options"] if o.get("default")}


async def choose(
    fake: FakeDiscord, data: dict[str, Any], values: list[str], **kw: Any
) -> dict[str, Any]:
    payload = fake.component_payload(
        select(data)["custom_id"], values, fake.message_json(data), **kw
    )
    return await answer(fake, payload)


async def test_topic_option_autocompletes_in_the_users_language(
    fake: FakeDiscord, bot: DiscordBot
) -> None:
    typed = {"topic_or_keyword": "ذكا"}
    turkish = await answer(
        fake, fake.autocomplete_payload("subscribe", typed, "topic_or_keyword", locale="tr")
    )
    assert turkish["type"] == 8
    assert turkish["data"]["choices"][0] == {"name": "الذكاء الاصطناعي (ai)", "value": "ai"}
    english = await answer(
        fake,
        fake.autocomplete_payload("subscribe", {"topic_or_keyword": "sec"}, "topic_or_keyword"),
    )
    assert english["data"]["choices"] == [{"name": "Cybersecurity", "value": "security"}]


async def test_unsubscribe_completes_what_the_channel_follows(
    fake: FakeDiscord, bot: DiscordBot, storage: SqlStorage
) -> None:
    storage.save_chat(
        ChatSettings(chat=CHAT, topics=frozenset({"phones"}), keywords=frozenset({"DeepSeek"}))
    )
    response = await answer(
        fake, fake.autocomplete_payload("unsubscribe", {"topic_or_keyword": ""}, "topic_or_keyword")
    )
    assert response["data"]["choices"] == [
        {"name": "Smartphones", "value": "phones"},
        {"name": "DeepSeek", "value": "DeepSeek"},
    ]


async def test_topics_menu_subscribes_and_unsubscribes_in_place(
    fake: FakeDiscord, bot: DiscordBot, storage: SqlStorage
) -> None:
    storage.save_chat(ChatSettings(chat=CHAT, topics=frozenset({"phones"}), language="en"))
    data = await topics_menu(fake, user_id=ADMIN_USER_ID)
    assert preselected(data) == {"phones"}
    assert select(data)["min_values"] == 0 and select(data)["max_values"] == 3
    updated = await choose(fake, data, ["ai", "security"], user_id=ADMIN_USER_ID)
    assert updated["type"] == 7  # the menu's message is updated in place
    assert storage.get_chat(CHAT).topics == {"ai", "security"}
    assert preselected(updated["data"]) == {"ai", "security"}
    assert "Unsubscribed from: Smartphones" in updated["data"]["content"]
    cleared = await choose(fake, updated["data"], [], user_id=ADMIN_USER_ID)
    assert storage.get_chat(CHAT).topics == frozenset()
    assert storage.get_chat(CHAT).mode is DeliveryMode.OFF  # as /news unsubscribe does
    assert preselected(cleared["data"]) == set()


async def test_a_member_cannot_change_topics_through_the_menu(
    fake: FakeDiscord, bot: DiscordBot, storage: SqlStorage
) -> None:
    data = await topics_menu(fake, user_id=MEMBER_USER_ID)  # reading is for everyone
    refused = await choose(fake, data, ["ai"], user_id=MEMBER_USER_ID)
    assert refused["type"] == 4 and refused["data"]["flags"] & EPHEMERAL
    assert "Manage Channels" in refused["data"]["content"]
    assert not storage.has_chat(CHAT)


async def test_a_stale_menu_gets_a_clear_answer_and_changes_nothing(
    fake: FakeDiscord, bot: DiscordBot, storage: SqlStorage
) -> None:
    data = await topics_menu(fake, user_id=ADMIN_USER_ID)
    old = fake.component_payload(
        "nd0:topics:0:deadbeef", ["ai"], fake.message_json(data), user_id=ADMIN_USER_ID
    )
    response = await answer(fake, old)
    assert response["type"] == 4 and response["data"]["flags"] & EPHEMERAL
    assert "/news topics" in response["data"]["content"]
    assert "out of date" in response["data"]["content"]
    assert not storage.has_chat(CHAT)


async def test_a_menu_from_before_a_restart_still_works(
    fake: FakeDiscord, storage: SqlStorage
) -> None:
    first = await start_bot(fake, storage)
    try:
        data = await topics_menu(fake, user_id=ADMIN_USER_ID)
    finally:
        await first.stop()
    second = await start_bot(fake, storage)
    try:
        updated = await choose(fake, data, ["ai"], user_id=ADMIN_USER_ID)
        assert updated["type"] == 7
        assert storage.get_chat(CHAT).topics == {"ai"}
    finally:
        await second.stop()


async def test_a_slow_change_is_deferred_then_the_message_edited(
    fake: FakeDiscord, storage: SqlStorage
) -> None:
    slow = await start_bot(fake, storage, slow=True)
    try:
        data = await topics_menu(fake, user_id=ADMIN_USER_ID)
        payload = fake.component_payload(
            select(data)["custom_id"], ["ai"], fake.message_json(data), user_id=ADMIN_USER_ID
        )
        interaction_id = await fake.inject_interaction(payload)
        response = await fake.wait_for_response(interaction_id)
        assert response["type"] == 6
        token = f"itoken-{interaction_id}"
        edits = await fake.wait_for(lambda: fake.original_edits.get(token))
        assert preselected(edits[0]) == {"ai"}
        assert storage.get_chat(CHAT).topics == {"ai"}
    finally:
        await slow.stop()


async def test_without_panels_topics_stays_a_text_answer(
    fake: FakeDiscord, storage: SqlStorage
) -> None:
    service = CommandService(storage, small_catalog(), summarize_url, FakeClock(T0))
    plain = DiscordBot(fake.token, service, guild_ready_timeout=0.05)
    await plain.start(ready_timeout=20)
    try:
        data = await topics_menu(fake, user_id=ADMIN_USER_ID)
        assert not data.get("components")
        assert "ai" in discord.utils.remove_markdown(data["content"])
    finally:
        await plain.stop()
