"""Lead images and reading pages in posts: Telegram sends a single instant story with an
image as a photo with the story as caption when the caption fits 1,024 units, else as
text with the image previewed above it; a refused photo falls back to the text (one
message, nothing lost, nothing twice); Discord shows it as the embed's image; digests stay
text. All through the real python-telegram-bot against the loopback fake Bot API."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.chat import OutgoingMessage
from bot.delivery import (
    TELEGRAM_CAPTION_LIMIT,
    TELEGRAM_LIMITS,
    DeliveryWorker,
    PlatformRoute,
    RateLimiter,
    telegram_renderer,
)
from bot.telegram.sender import TelegramSender
from digest.clock import FakeClock
from digest.format import render_discord
from digest.format.telegram import visible_utf16_len
from digest.models import ChatSettings, Platform, Source, Story
from digest.storage import SqlStorage
from tests.fake_telegram import FakeTelegram
from tests.fakes import FakeSender, add_article, add_feed, tg
from tests.test_telegram import ALICE, private

IMAGE = "https://cdn.example/lead.jpg"


def story(bullets: int = 3, **kw: object) -> Story:
    return Story(
        article_id=1,
        title="DeepSeek يطلق نموذجًا جديدًا",
        url="https://news.example/deepseek",
        bullets=tuple(f"النقطة رقم {n} عن النموذج الجديد وأدائه." for n in range(bullets)),
        published=datetime(2026, 5, 1, 8, tzinfo=UTC),
        source=Source("موقع", "https://news.example/"),
        image_url=IMAGE,
        **kw,  # type: ignore[arg-type]
    )


def test_a_short_story_becomes_a_photo_with_its_caption() -> None:
    (message,) = telegram_renderer([story()], None, "ar")
    assert message.photo_url == IMAGE and message.preview_url == IMAGE
    assert visible_utf16_len(message.text) <= TELEGRAM_CAPTION_LIMIT


def test_a_long_story_is_text_with_the_image_previewed_above() -> None:
    long = replace(story(), bullets=tuple("نقطة طويلة جدا " * 20 for _ in range(5)))
    (message,) = telegram_renderer([long], None, "ar")
    assert visible_utf16_len(message.text) > TELEGRAM_CAPTION_LIMIT
    assert message.photo_url is None and message.preview_url == IMAGE
    assert not message.disable_preview


def test_digests_stay_text_without_images() -> None:
    messages = telegram_renderer([story(), story()], "ملخص اليوم", "ar")
    assert all(m.photo_url is None and m.preview_url is None for m in messages)
    payloads = render_discord([story()], header="ملخص اليوم", language="ar")
    assert all("image" not in e for p in payloads for e in p["embeds"])


def test_discord_instant_posts_carry_the_image() -> None:
    (payload,) = render_discord([story()], header=None, language="ar")
    assert payload["embeds"][0]["image"] == {"url": IMAGE}


def test_the_reading_page_is_linked_in_the_telegram_post() -> None:
    (message,) = telegram_renderer([story(reading_url="https://telegra.ph/page-1")], None, "ar")
    assert '<a href="https://telegra.ph/page-1">' in message.text
    assert "اقرأ داخل تيليغرام" in message.text
    (english,) = telegram_renderer([story(reading_url="https://telegra.ph/p")], None, "en")
    assert "Read in Telegram" in english.text


@pytest.fixture
async def server() -> FakeTelegram:  # type: ignore[misc]
    async with FakeTelegram("5555:IMAGES-test-token-abcdefghijklmnopq") as fake:
        fake.add_user(ALICE, language_code="ar")
        fake.add_chat(ALICE, "private")
        yield fake


@pytest.fixture
async def sender(server: FakeTelegram) -> TelegramSender:  # type: ignore[misc]
    from bot.telegram.sender import make_bot

    async with make_bot(server.token, server.api_url, read_timeout=2.0) as bot:
        yield TelegramSender(bot)


async def test_the_photo_reaches_telegram_with_its_html_caption(
    server: FakeTelegram, sender: TelegramSender
) -> None:
    (message,) = telegram_renderer([story()], None, "ar")
    message_id = await sender.send(private(ALICE), message)
    (sent,) = server.messages_to(ALICE)
    assert sent.photo == IMAGE and str(sent.message_id) == message_id
    assert "DeepSeek" in sent.plain_text and sent.parse_mode == "HTML"


async def test_a_refused_photo_falls_back_to_one_text_message(
    server: FakeTelegram, sender: TelegramSender
) -> None:
    server.refused_photos.add(IMAGE)
    (message,) = telegram_renderer([story()], None, "ar")
    await sender.send(private(ALICE), message)
    (sent,) = server.messages_to(ALICE)  # one message, not a photo and a text
    assert sent.photo is None and "DeepSeek" in sent.plain_text
    assert sent.link_preview_options is not None
    assert sent.link_preview_options.get("url") == IMAGE
    assert sent.link_preview_options.get("show_above_text") is True


async def test_text_with_a_previewed_image_asks_telegram_to_show_it_above(
    server: FakeTelegram, sender: TelegramSender
) -> None:
    message = OutgoingMessage(text="<b>نص طويل</b>", disable_preview=False, preview_url=IMAGE)
    await sender.send(private(ALICE), message)
    (sent,) = server.messages_to(ALICE)
    assert sent.link_preview_options == {
        "url": IMAGE,
        "prefer_large_media": True,
        "show_above_text": True,
    }


async def test_the_worker_leaves_the_image_out_where_images_are_off() -> None:
    storage = SqlStorage.from_url("sqlite:///:memory:")
    add_feed(storage)
    at = datetime(2026, 3, 2, 9, tzinfo=UTC)
    article_id = add_article(storage, "خبر بصورة", at=at, image_url=IMAGE)
    with_images, without = tg("1"), tg("2")
    storage.save_chat(ChatSettings(with_images))
    storage.save_chat(ChatSettings(without, images=False))
    for chat in (with_images, without):
        storage.enqueue(chat, [article_id], due_at=at)
    sender = FakeSender()
    clock = FakeClock(at)

    async def sleep(seconds: float) -> None:  # the pacing waits in the fake's time
        clock.advance(timedelta(seconds=seconds))

    route = PlatformRoute(sender, telegram_renderer, RateLimiter(TELEGRAM_LIMITS, clock, sleep))
    worker = DeliveryWorker(storage, {Platform.TELEGRAM: route}, clock, sleep=sleep)
    report = await worker.drain()
    assert report.sent == 2
    photos = {s.chat.chat_id: s.message.photo_url for s in sender.sent}
    assert photos == {"1": IMAGE, "2": None}
    storage.close()
