"""Issue #12, item 2: the full text of a teaser item is fetched with the strict address
policy, whatever the feed's own: a feed on a private address (allowed, as configured
feeds are) whose item links to another private page must not make the bot read it."""

from __future__ import annotations

from pathlib import Path

from bot.bootstrap import bootstrap
from bot.settings import load_settings
from digest.models import FeedConfig
from tests.run_process import FeedServer
from tests.test_bootstrap import settings_file

TEASER = "أعلنت شركة ناشئة عن تطبيق جديد لتعلم البرمجة. التفاصيل في الرابط."
SECRET = "SECRET-INTERNAL-TEXT " * 60


async def test_an_item_linking_to_a_private_page_is_not_fetched(tmp_path: Path) -> None:
    async with FeedServer() as server:
        secret_url = server.url("/secret")
        server.set_feed(
            "/secret",
            f"<html><head><title>داخلي</title></head><body><article><p>{SECRET}</p>"
            f"<p>{SECRET}</p></article></body></html>",
        )
        server.set_feed(
            "/feed.xml",
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            "<title>أخبار</title><link>http://127.0.0.1/</link><item>"
            f"<title>تطبيق جديد لتعلم البرمجة</title><link>{secret_url}</link>"
            f"<guid>{secret_url}</guid><description>{TEASER}</description>"
            "</item></channel></rss>",
        )
        feed_url = server.url("/feed.xml")
        settings = load_settings(settings_file(tmp_path), env={})
        assert settings.fetch.allow_private_feeds and settings.fetch.full_text
        services = bootstrap(settings, extra_feeds=(FeedConfig(feed_url),))
        try:
            report = await services.pipeline.poll([feed_url])
        finally:
            await services.aclose()

    assert server.requests["/feed.xml"] == 1  # the feed itself is allowed on loopback
    assert server.requests["/secret"] == 0  # its item's link is not
    [article] = services.storage.get_articles()
    assert report.new_article_ids == (article.id,)
    assert "SECRET" not in article.text and "SECRET" not in " ".join(article.bullets)
    assert article.text == TEASER  # the item falls back to its own feed text
