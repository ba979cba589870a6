"""Reading pages on telegra.ph against a loopback fake of the Telegraph API: made once per
article and reused (also by a new process), none for short articles, a refusal logged
without the token, content right-to-left and within the API's size."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.settings import load_settings
from bot.telegraph import RLM, ReadingPages, TelegraphClient, page_nodes
from digest.errors import ConfigError
from digest.models import FeedConfig
from digest.storage import SqlStorage
from tests.fake_telegraph import FakeTelegraph
from tests.fakes import add_article
from tests.test_runtime import write_config

TOKEN = "telegraph-token-0123456789abcdef"
FEED = "https://news.example/feed"
LONG = "\n".join(f"الفقرة رقم {n} من نص المقال الطويل عن الذكاء الاصطناعي." for n in range(80))


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegraph]:
    async with FakeTelegraph(TOKEN) as server:
        yield server


@pytest.fixture
def storage(tmp_path: Path) -> SqlStorage:
    store = SqlStorage.from_url(f"sqlite:///{tmp_path / 't.sqlite3'}")
    store.add_feed(FeedConfig(FEED))
    return store


def add(storage: SqlStorage, n: int, text: str) -> int:
    at = datetime(2026, 5, 1, tzinfo=UTC)
    url = f"https://news.example/{n}"
    return add_article(storage, f"مقال {n}", at=at, text=text, url=url, feed_url=FEED)


async def test_a_long_article_gets_one_page_reused_ever_after(
    fake: FakeTelegraph, storage: SqlStorage
) -> None:
    client = TelegraphClient(TOKEN, fake.api_url, author_name="أخبار التقنية")
    pages = ReadingPages(client, storage, min_chars=1000)
    long_id, short_id = add(storage, 1, LONG), add(storage, 2, "نص قصير.")
    article = storage.get_article(long_id)
    first, second = await asyncio.gather(
        pages.url_for(article, source_name="موقع"), pages.url_for(article, source_name="موقع")
    )
    assert first == second == "https://telegra.ph/page-1" and fake.requests == 1
    assert storage.get_article(long_id).reading_url == first
    # a new process (new ReadingPages) reuses the stored page
    again = ReadingPages(client, storage, min_chars=1000)
    assert await again.url_for(storage.get_article(long_id), source_name="موقع") == first
    assert await again.url_for(storage.get_article(short_id), source_name="موقع") is None
    assert fake.requests == 1
    (page,) = fake.pages
    assert page.title == "مقال 1" and page.author_name == "أخبار التقنية"
    assert page.author_url == "https://news.example/1"
    assert page.content[0] == {
        "tag": "p",
        "children": [RLM + "الفقرة رقم 0 من نص المقال الطويل عن الذكاء الاصطناعي."],
    }
    link = page.content[-1]["children"][0]
    assert link["attrs"]["href"] == "https://news.example/1" and link["children"] == [
        "المصدر: موقع"
    ]
    await client.aclose()


async def test_a_refusal_is_logged_without_the_token_and_the_post_goes_on(
    fake: FakeTelegraph, storage: SqlStorage, caplog: pytest.LogCaptureFixture
) -> None:
    fake.fail_with = "FLOOD_WAIT_5"
    client = TelegraphClient(TOKEN, fake.api_url)
    pages = ReadingPages(client, storage, min_chars=100)
    article = storage.get_article(add(storage, 1, LONG))
    with caplog.at_level(logging.WARNING):
        assert await pages.url_for(article, source_name="موقع") is None
    assert "FLOOD_WAIT_5" in caplog.text and TOKEN not in caplog.text
    fake.fail_with = None  # a later post tries again
    assert await pages.url_for(article, source_name="موقع") == "https://telegra.ph/page-1"
    wrong = ReadingPages(TelegraphClient("wrong", fake.api_url), storage, min_chars=100)
    other = storage.get_article(add(storage, 2, LONG))
    with caplog.at_level(logging.WARNING):
        assert await wrong.url_for(other, source_name="موقع") is None
    assert "ACCESS_TOKEN_INVALID" in caplog.text
    await client.aclose()


async def test_an_unreachable_api_is_a_logged_miss(storage: SqlStorage) -> None:
    client = TelegraphClient(TOKEN, "http://127.0.0.1:9", timeout=2)
    pages = ReadingPages(client, storage, min_chars=100)
    assert await pages.url_for(storage.get_article(add(storage, 1, LONG)), source_name="x") is None
    await client.aclose()


def test_huge_articles_are_cut_to_the_apis_size() -> None:
    nodes = page_nodes(LONG * 200, source_name="موقع", source_url="https://news.example/1")
    assert len(json.dumps(nodes, ensure_ascii=False).encode()) <= 64 * 1024
    assert nodes[-2] == {"tag": "p", "children": ["…"]}
    english = page_nodes("A plain English paragraph.\n\nAnother.", source_name="S", source_url=None)
    assert english == [
        {"tag": "p", "children": ["A plain English paragraph."]},
        {"tag": "p", "children": ["Another."]},
    ]


def test_settings_read_the_token_from_the_environment_only(tmp_path: Path) -> None:
    cfg = write_config(tmp_path)
    settings = load_settings(
        cfg,
        env={
            "NEWSDIGEST_TELEGRAPH_TOKEN": TOKEN,
            "NEWSDIGEST_TELEGRAPH_API_URL": "http://127.0.0.1:1/",
        },
    )
    assert (
        settings.telegraph.token.value == TOKEN
        and settings.telegraph.api_url == "http://127.0.0.1:1"
    )
    assert settings.telegraph.min_chars == 2500
    cfg.write_text(cfg.read_text() + "telegraph:\n  token: abc\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="NEWSDIGEST_TELEGRAPH_TOKEN"):
        load_settings(cfg, env={})


async def test_newsdigest_run_links_a_long_storys_reading_page_once(
    fake: FakeTelegraph, tmp_path: Path
) -> None:
    """The real runtime: Telegram (fake Bot API) and Telegraph (fake) on loopback; a
    subscribed chat gets the long story with «اقرأ داخل تيليغرام» linking the one page."""
    from bot.bootstrap import bootstrap
    from bot.runtime import start_runtime
    from tests.fake_telegram import FakeTelegram
    from tests.test_runtime import ALICE, wait_for

    body = "".join(f"<p>{line}</p>" for line in LONG.split("\n"))
    feed = tmp_path / "long.xml"
    feed.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>موقع</title>'
        "<link>https://news.example/</link><item><title>مقال طويل عن الذكاء الاصطناعي</title>"
        "<link>https://news.example/long</link><guid>long-1</guid>"
        f"<description><![CDATA[{body}]]></description></item></channel></rss>",
        encoding="utf-8",
    )
    cfg = write_config(tmp_path)  # writes tmp_path/feeds.yaml (the seed): replaced below
    (tmp_path / "feeds.yaml").write_text(
        f"feeds:\n  - url: {feed}\n    announce_backlog: true\n", encoding="utf-8"
    )
    cfg.write_text(cfg.read_text() + "telegraph:\n  min_chars: 1000\n", encoding="utf-8")
    token = "424242:TELEGRAPH-run-token-abcdefghijklmnop"
    async with FakeTelegram(token) as telegram_api:
        telegram_api.add_user(ALICE, language_code="ar")
        telegram_api.add_chat(ALICE, "private")
        env = {
            "NEWSDIGEST_TELEGRAM_TOKEN": token,
            "NEWSDIGEST_TELEGRAM_API_URL": telegram_api.api_url,
            "NEWSDIGEST_TELEGRAPH_TOKEN": TOKEN,
            "NEWSDIGEST_TELEGRAPH_API_URL": fake.api_url,
        }
        services = bootstrap(load_settings(cfg, env=env))
        runtime = await start_runtime(services, poll_at_start=False, drain_interval=0.2)
        try:
            telegram_api.push_command(ALICE, ALICE, "/subscribe all")
            await wait_for(lambda: len(telegram_api.messages_to(ALICE)) >= 1)
            await runtime.scheduler.poll_now()
            await wait_for(
                lambda: any("مقال طويل" in m.text for m in telegram_api.messages_to(ALICE))
            )
        finally:
            await runtime.stop()
            await services.aclose()
    (post,) = [m for m in telegram_api.messages_to(ALICE) if "مقال طويل" in m.text]
    assert '<a href="https://telegra.ph/page-1">اقرأ داخل تيليغرام</a>' in post.text.replace(
        "\u2068", ""
    ).replace("\u2069", "")
    assert fake.requests == 1 and fake.pages[0].title == "مقال طويل عن الذكاء الاصطناعي"
    assert TOKEN not in post.text
