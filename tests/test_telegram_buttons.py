"""/topics as an inline keyboard (issue #17, point 4): the pure keyboard and its callback
codec, then taps end to end: real python-telegram-bot, the real CommandService on SQLite,
and tests/fake_telegram.py delivering callback_query updates and checking
answerCallbackQuery and the edits like the Bot API."""

from __future__ import annotations

import string
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.commands import CommandService, TopicPanel
from bot.i18n import t
from bot.telegram import keyboards
from bot.telegram.app import TelegramBot
from bot.telegram.keyboards import Stale, Tap, TapKind
from digest.clock import FakeClock
from digest.format.bidi import strip_bidi_controls
from digest.models import ChatKind, ChatRef, ChatSettings, DeliveryMode, FeedConfig, Platform
from digest.storage import SqlStorage
from digest.topics import Topic, TopicCatalog
from tests.fake_telegram import (
    MAX_CALLBACK_DATA_BYTES,
    FakeTelegram,
    SentMessage,
    keyboard_problem,
)
from tests.test_telegram import (
    ALICE,
    BOB,
    FEED_NAME,
    FEED_URL,
    GROUP,
    START,
    TOKEN,
    catalog,
    populate,
    relaxed_fake_limits,
    relaxed_limiter,
    summary_story,
)

# --- the keyboard, pure --------------------------------------------------------------


def big_catalog(count: int) -> TopicCatalog:
    """`count` topics with long slugs and names (an operator's own topics.yaml)."""
    return TopicCatalog.from_topics(
        [
            Topic(
                f"topic-{i:03d}-" + "x" * 60,
                f"موضوع طويل الاسم جدًا رقم {i} " * 3,
                f"A topic with a very long name number {i} " * 3,
                0x112233,
            )
            for i in range(count)
        ]
    )


def panel(cat: TopicCatalog, **changes: Any) -> TopicPanel:
    chat = ChatRef(Platform.TELEGRAM, "1", ChatKind.PRIVATE)
    return TopicPanel(
        settings=replace(ChatSettings(chat=chat), **changes),
        language=str(changes.get("language", "ar")),
        topics=cat.topics,
        saved=True,
    )


def as_api(keyboard: keyboards.Keyboard) -> dict[str, Any]:
    """The reply_markup as PTB sends it to the Bot API."""
    return keyboards.to_markup(keyboard).to_dict()


@pytest.mark.parametrize("count", [3, 17, 21, 250])
def test_every_page_stays_within_telegrams_keyboard_limits(count: int) -> None:
    cat = big_catalog(count)
    pages = keyboards.page_count(count)
    reached: set[str] = set()
    for page in range(pages):
        for mode in DeliveryMode:
            shown = panel(cat, mode=mode, schedule_time="08:00", topics=frozenset(cat.slugs[:5]))
            keyboard = keyboards.panel_keyboard(shown, page)
            assert keyboard_problem(as_api(keyboard)) is None
            buttons = [b for row in keyboard for b in row]
            assert len(buttons) <= keyboards.MAX_KEYBOARD_BUTTONS
            assert all(len(b.data.encode()) <= MAX_CALLBACK_DATA_BYTES for b in buttons)
            for button in buttons:
                tap = keyboards.decode(button.data, cat.topics)
                assert isinstance(tap, Tap), button
                if tap.kind in (TapKind.FOLLOW, TapKind.UNFOLLOW):
                    reached.add(tap.value)
    assert reached == set(cat.slugs)  # every topic has a button on some page


def test_buttons_show_what_is_followed_and_what_a_tap_does() -> None:
    shown = panel(
        catalog(),
        topics=frozenset({"ai"}),
        mode=DeliveryMode.SCHEDULED,
        schedule_time="18:00",
        language="en",
    )
    keyboard = keyboards.panel_keyboard(shown)
    taps = {b.text: keyboards.decode(b.data, shown.topics) for row in keyboard for b in row}
    assert taps["✅ Artificial intelligence"] == Tap(TapKind.UNFOLLOW, "ai")
    assert taps["Smartphones"] == Tap(TapKind.FOLLOW, "phones")
    assert taps["✅ 🗓 Daily 18:00"] == Tap(TapKind.DAILY, "18:00")
    assert taps["✅ 18:00"] == Tap(TapKind.DAILY, "18:00")  # the digest times row
    assert taps["06:00"] == Tap(TapKind.DAILY, "06:00")
    assert taps["⚡ Instant"] == Tap(TapKind.INSTANT)
    assert taps["✅ English"] == Tap(TapKind.LANGUAGE, "en")
    assert taps["العربية"] == Tap(TapKind.LANGUAGE, "ar")
    instant = keyboards.panel_keyboard(
        replace(shown, settings=replace(shown.settings, mode=DeliveryMode.INSTANT))
    )
    assert not any(b.text == "06:00" for row in instant for b in row)  # times only when daily


def test_a_slug_too_long_for_callback_data_travels_as_its_hash() -> None:
    cat = big_catalog(2)
    slug = cat.slugs[1]
    data = keyboards.encode(Tap(TapKind.FOLLOW, slug, 0))
    assert len(data.encode()) <= 64 and slug not in data
    assert keyboards.decode(data, cat.topics) == Tap(TapKind.FOLLOW, slug, 0)
    assert keyboards.decode(data, cat.topics[:1]) == Stale("topic")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("nd1:f:ai:0", Tap(TapKind.FOLLOW, "ai")),
        ("nd1:u:ai:0", Tap(TapKind.UNFOLLOW, "ai")),
        ("nd1:d:0730:0", Tap(TapKind.DAILY, "07:30")),
        ("nd1:l:en:0", Tap(TapKind.LANGUAGE, "en")),
        ("nd1:f:quantum:0", Stale("topic")),  # left the catalogue
        ("nd0:f:ai:0", Stale("keyboard")),  # another layout version
        ("nd1:d:2561:0", Stale("keyboard")),
        ("nd1:l:fr:0", Stale("keyboard")),
        ("nd1:i:ai:0", Stale("keyboard")),
        ("", Stale("keyboard")),
        (None, Stale("keyboard")),
        ("nd1:f:" + "a" * 100 + ":0", Stale("keyboard")),
    ],
)
def test_callback_data_is_decoded_strictly(data: str | None, expected: Tap | Stale) -> None:
    assert keyboards.decode(data, catalog().topics) == expected


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=string.printable + "ابت✅:#", max_size=200))
def test_any_callback_data_decodes_without_error(data: str) -> None:
    assert isinstance(keyboards.decode(data, catalog().topics), Tap | Stale)


def test_answers_are_cut_to_telegrams_200_characters() -> None:
    long = t("admins_only", "ar") * 10
    assert len(keyboards.answer_text(long)) == keyboards.MAX_ANSWER_CHARS


# --- taps end to end -----------------------------------------------------------------


@dataclass
class World:
    server: FakeTelegram
    storage: SqlStorage
    bot: TelegramBot
    service: CommandService

    async def topics(self, chat_id: int, user_id: int) -> SentMessage:
        """Type /topics; the keyboard message the bot answered with."""
        before = len(self.server.messages_to(chat_id))
        handled = self.bot.commands_handled
        self.server.push_command(chat_id, user_id, "/topics")
        await self.server.wait_until(lambda: self.bot.commands_handled > handled)
        (sent,) = self.server.messages_to(chat_id)[before:]
        return sent

    async def tap(self, chat_id: int, user_id: int, message_id: int, data: str, **kw: Any) -> str:
        """Tap a button; returns the callback query id once the bot handled it."""
        assert self.bot.keyboards is not None
        handled = self.bot.keyboards.taps_handled
        query_id = self.server.push_callback_query(chat_id, user_id, message_id, data, **kw)
        await self.server.wait_until(lambda: self.bot.keyboards.taps_handled > handled)  # type: ignore[union-attr]
        return query_id

    async def tap_text(self, chat_id: int, user_id: int, message: SentMessage, text: str) -> str:
        """Tap the button labelled `text` on the message as it stands now."""
        current = self.server.message(chat_id, message.message_id)
        return await self.tap(chat_id, user_id, message.message_id, data_of(current, text))

    def settings(self, chat_id: int, kind: ChatKind = ChatKind.PRIVATE) -> ChatSettings:
        return self.storage.get_chat(ChatRef(Platform.TELEGRAM, str(chat_id), kind))


def labels(message: SentMessage) -> list[str]:
    assert message.reply_markup is not None
    return [b["text"] for row in message.reply_markup["inline_keyboard"] for b in row]


def data_of(message: SentMessage, text: str) -> str:
    assert message.reply_markup is not None
    for row in message.reply_markup["inline_keyboard"]:
        for button in row:
            if button["text"] in (text, f"✅ {text}"):  # exact, or the chosen one
                return str(button["callback_data"])
    raise AssertionError(f"no button {text!r} in {labels(message)}")


def visible(message: SentMessage) -> str:
    return strip_bidi_controls(message.plain_text)


@asynccontextmanager
async def open_world(fake: FakeTelegram, db: Path, cat: TopicCatalog) -> AsyncIterator[World]:
    storage = SqlStorage.from_url(f"sqlite:///{db}")
    storage.sync_feeds([FeedConfig(url=FEED_URL, name=FEED_NAME)])

    async def summarize_url(url: str) -> Any:
        return summary_story(url)

    service = CommandService(storage, cat, summarize_url, FakeClock(START))
    bot = TelegramBot(
        TOKEN,
        command_service=service,
        api_base_url=fake.api_url,
        poll_timeout=1,
        limiter=relaxed_limiter(),
        chat_store=storage,
        panels=service,
    )
    await bot.start()
    try:
        yield World(fake, storage, bot, service)
    finally:
        await bot.stop()
        storage.close()


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    async with FakeTelegram(TOKEN, limits=relaxed_fake_limits()) as fake:
        populate(fake)
        async with open_world(fake, tmp_path / "bot.db", catalog()) as opened:
            yield opened


def calls(world: World, *methods: str) -> list[str]:
    return [c.method for c in world.server.calls if c.method in methods]


async def test_topics_shows_a_keyboard_and_a_tap_follows_and_edits_in_place(
    world: World,
) -> None:
    keyboard = await world.topics(BOB, BOB)
    assert "Tap a topic" in visible(keyboard)
    assert "Artificial intelligence" in labels(keyboard)
    assert not any(label.startswith("✅") for label in labels(keyboard))  # nothing yet
    query = await world.tap_text(BOB, BOB, keyboard, "Artificial intelligence")
    assert world.settings(BOB).topics == {"ai"}
    assert world.settings(BOB).mode is DeliveryMode.INSTANT
    answered = world.server.callback_queries[query]
    assert answered.answered is not None and not answered.answered.get("show_alert")
    # Answered first, then the change shown by editing the same message.
    assert calls(world, "answerCallbackQuery", "editMessageText")[-2:] == [
        "answerCallbackQuery",
        "editMessageText",
    ]
    edited = world.server.message(BOB, keyboard.message_id)
    assert edited.edits == 1
    assert "✅ Artificial intelligence" in labels(edited)
    assert "Subscribed to: Artificial intelligence" in visible(edited)
    assert len(world.server.messages_to(BOB)) == 1  # no new message


async def test_unfollowing_the_last_topic_stops_delivery_as_typing_does(world: World) -> None:
    keyboard = await world.topics(BOB, BOB)
    await world.tap_text(BOB, BOB, keyboard, "Artificial intelligence")
    await world.tap_text(BOB, BOB, keyboard, "✅ Artificial intelligence")
    after = world.settings(BOB)
    assert after.topics == frozenset() and after.mode is DeliveryMode.OFF
    assert "Unsubscribed from: Artificial intelligence" in visible(
        world.server.message(BOB, keyboard.message_id)
    )


async def test_tapping_and_typing_store_the_same_settings(world: World) -> None:
    other = 1003
    world.server.add_user(other, language_code="en")
    keyboard = await world.topics(BOB, BOB)
    await world.tap_text(BOB, BOB, keyboard, "Smartphones")
    await world.tap_text(BOB, BOB, keyboard, "⚡ Instant")
    await world.tap_text(BOB, BOB, keyboard, "🗓 Daily 08:00")
    await world.tap_text(BOB, BOB, keyboard, "18:00")
    for text in ("/subscribe phones", "/schedule instant", "/schedule 08:00", "/schedule 18:00"):
        handled = world.bot.commands_handled
        world.server.push_command(other, other, text)
        await world.server.wait_until(lambda h=handled: world.bot.commands_handled > h)  # type: ignore[misc]
    tapped, typed = world.settings(BOB), world.settings(other)
    assert replace(tapped, chat=typed.chat) == typed
    assert tapped.mode is DeliveryMode.SCHEDULED and tapped.schedule_time == "18:00"


async def test_mode_and_language_rows(world: World) -> None:
    keyboard = await world.topics(ALICE, ALICE)
    await world.tap_text(ALICE, ALICE, keyboard, "الذكاء الاصطناعي")
    await world.tap_text(ALICE, ALICE, keyboard, "⏸ إيقاف")
    assert world.settings(ALICE).mode is DeliveryMode.OFF
    await world.tap_text(ALICE, ALICE, keyboard, "🗓 يوميًا 08:00")
    assert world.settings(ALICE).mode is DeliveryMode.SCHEDULED
    assert world.settings(ALICE).schedule_time == "08:00"
    await world.tap_text(ALICE, ALICE, keyboard, "English")
    now = world.server.message(ALICE, keyboard.message_id)
    assert world.settings(ALICE).language == "en"
    assert "Tap a topic" in visible(now) and "✅ English" in labels(now)
    assert "✅ 🗓 Daily 08:00" in labels(now) and "✅ Artificial intelligence" in labels(now)


async def test_a_double_tap_on_the_same_keyboard_does_not_undo_itself(world: World) -> None:
    keyboard = await world.topics(BOB, BOB)
    follow = data_of(keyboard, "Artificial intelligence")  # as the unedited keyboard shows
    await world.tap(BOB, BOB, keyboard.message_id, follow)
    await world.tap(BOB, BOB, keyboard.message_id, follow)  # the same button, again
    assert world.settings(BOB).topics == {"ai"}
    assert "Nothing changed." in visible(world.server.message(BOB, keyboard.message_id))


async def test_a_member_of_a_group_gets_an_alert_and_nothing_changes(world: World) -> None:
    world.server.set_member(GROUP, ALICE, "member")
    world.server.set_member(GROUP, BOB, "administrator")
    keyboard = await world.topics(GROUP, ALICE)  # reading is for everyone
    query = await world.tap_text(GROUP, ALICE, keyboard, "الذكاء الاصطناعي")
    answer = world.server.callback_queries[query].answered
    assert answer is not None and answer["show_alert"] is True
    assert answer["text"] == t("admins_only", "ar")
    assert not world.storage.has_chat(ChatRef(Platform.TELEGRAM, str(GROUP), ChatKind.GROUP))
    assert world.server.message(GROUP, keyboard.message_id).edits == 0
    await world.tap_text(GROUP, BOB, keyboard, "الذكاء الاصطناعي")
    assert world.settings(GROUP, ChatKind.GROUP).topics == {"ai"}


async def test_stale_buttons_get_a_clear_answer_and_change_nothing(world: World) -> None:
    keyboard = await world.topics(BOB, BOB)
    for data, key in (("nd0:f:ai:0", "stale_keyboard"), ("nd1:f:quantum:0", "stale_topic")):
        query = await world.tap(BOB, BOB, keyboard.message_id, data)
        answer = world.server.callback_queries[query].answered
        assert answer is not None and answer["show_alert"] is True
        assert answer["text"] == t(key, "en")
    assert not world.storage.has_chat(ChatRef(Platform.TELEGRAM, str(BOB), ChatKind.PRIVATE))


async def test_a_message_telegram_no_longer_shows_gets_a_fresh_keyboard(world: World) -> None:
    keyboard = await world.topics(BOB, BOB)
    follow = data_of(keyboard, "Artificial intelligence")
    query = await world.tap(BOB, BOB, keyboard.message_id, follow, inaccessible=True)
    answer = world.server.callback_queries[query].answered
    assert answer is not None and answer["text"] == t("stale_message", "en")
    assert world.settings(BOB).topics == frozenset()  # the user could not see the state
    fresh = world.server.messages_to(BOB)[-1]
    assert fresh.message_id != keyboard.message_id and "Artificial intelligence" in labels(fresh)


async def test_a_message_too_old_to_edit_is_followed_by_a_new_keyboard(world: World) -> None:
    keyboard = await world.topics(BOB, BOB)
    world.server.uneditable.add((BOB, keyboard.message_id))
    await world.tap_text(BOB, BOB, keyboard, "Artificial intelligence")
    assert world.settings(BOB).topics == {"ai"}  # the change was made and is shown anew
    fresh = world.server.messages_to(BOB)[-1]
    assert fresh.message_id != keyboard.message_id
    assert "✅ Artificial intelligence" in labels(fresh)
    assert "Subscribed to: Artificial intelligence" in visible(fresh)


async def test_pages_of_a_large_catalogue(tmp_path: Path) -> None:
    cat = big_catalog(45)
    async with FakeTelegram(TOKEN, limits=relaxed_fake_limits()) as fake:
        populate(fake)
        async with open_world(fake, tmp_path / "bot.db", cat) as world:
            keyboard = await world.topics(BOB, BOB)
            assert "Page 1 of 3" in visible(keyboard)
            await world.tap_text(BOB, BOB, keyboard, "Next ▶")
            second = world.server.message(BOB, keyboard.message_id)
            assert "Page 2 of 3" in visible(second)
            follow = next(label for label in labels(second) if "number 20" in label)
            await world.tap_text(BOB, BOB, keyboard, follow)
            assert world.settings(BOB).topics == {cat.slugs[20]}
            assert "Page 2 of 3" in visible(world.server.message(BOB, keyboard.message_id))


async def test_callback_answers_come_quickly(world: World) -> None:
    keyboard = await world.topics(BOB, BOB)
    query = await world.tap_text(BOB, BOB, keyboard, "Artificial intelligence")
    delay = world.server.callback_queries[query].answered_after
    assert delay is not None and delay < 2.0


async def test_the_keyboard_stays_in_the_forum_topic_it_was_asked_in(world: World) -> None:
    world.server.set_member(GROUP, BOB, "administrator")
    handled = world.bot.commands_handled
    world.server.push_command(GROUP, BOB, "/topics", thread_id=77)
    await world.server.wait_until(lambda: world.bot.commands_handled > handled)
    keyboard = world.server.messages_to(GROUP)[-1]
    assert keyboard.message_thread_id == 77 and keyboard.reply_markup is not None
    world.server.uneditable.add((GROUP, keyboard.message_id))
    await world.tap_text(GROUP, BOB, keyboard, "Artificial intelligence")
    fresh = world.server.messages_to(GROUP)[-1]
    assert fresh.message_id != keyboard.message_id and fresh.message_thread_id == 77


async def test_a_tap_in_a_forum_topic_changes_that_topic_not_the_group(world: World) -> None:
    """Found trying it as a new user (docs/new_user_run.md): the keyboard typed in a topic
    showed the topic's settings, but a tap followed the topic for the whole group."""
    world.server.set_member(GROUP, BOB, "administrator")
    world.server.add_topic(GROUP, 77, "Phones")
    handled = world.bot.commands_handled
    world.server.push_command(GROUP, BOB, "/topics", thread_id=77)
    await world.server.wait_until(lambda: world.bot.commands_handled > handled)
    keyboard = world.server.messages_to(GROUP)[-1]
    await world.tap_text(GROUP, BOB, keyboard, "Artificial intelligence")
    topic = ChatRef(Platform.TELEGRAM, str(GROUP), ChatKind.GROUP, 77)
    assert world.storage.get_chat(topic).topics == {"ai"}
    assert not world.storage.has_chat(topic.whole_chat)  # General is left as it was
    assert "✅ Artificial intelligence" in labels(world.server.message(GROUP, keyboard.message_id))
