"""Issue #16, point 1: a chat adds its own source, as a new user would.

Everything real: the composition root's parts (bootstrap: storage on SQLite, the
HttpFetcher with the strict policy for chat users' URLs, the pipeline with the extractive
summarizer), the TelegramBot through python-telegram-bot against the loopback fake Bot
API, and a loopback web site whose page links its feed (tests/feed_sites.py). The strict
policy refuses loopback, so the settings allow exactly 127.0.0.1 (fetch.allowed_hosts),
as an operator would allow one intranet host; every other private address stays refused.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.bootstrap import Services, bootstrap
from bot.delivery import DeliveryPlanner, DeliveryWorker
from bot.i18n import t
from bot.own_feeds import FeedStopNotices
from bot.owner import parse_owner_ids, telegram_owner_chats
from bot.runtime import build_commands, build_tell
from bot.settings import load_settings
from bot.telegram.app import TelegramBot
from digest.models import ChatKind, ChatRef, FeedConfig, Platform
from tests.fake_telegram import FakeTelegram
from tests.feed_sites import Answer, FeedSites, feed_sites, forabi_feed
from tests.test_bootstrap import settings_file
from tests.test_telegram import (
    ALICE,
    BOB,
    GROUP,
    TOKEN,
    populate,
    relaxed_fake_limits,
    visible,
)

PAGE = "https://blog.example/"
FEED = "https://blog.example/feed.xml"
NEWEST_TITLE = "الإعلان عن WebCeph"  # the first <item> of the forabi.net snapshot
FEED_TITLE = "مدوّنة فوّاز"


def page_linking(feed_path: str) -> bytes:
    return (
        '<!doctype html><html lang="ar"><head><meta charset="utf-8"><title>مدونة</title>'
        '<link rel="stylesheet" href="/style.css">'
        f'<link rel="alternate" type="application/rss+xml" title="RSS" href="{feed_path}">'
        "</head><body><p>مرحبًا</p></body></html>"
    ).encode()


@dataclass
class Site:
    sites: FeedSites
    services: Services
    server: FakeTelegram
    bot: TelegramBot

    async def ask(self, chat_id: int, user_id: int, text: str) -> str:
        before = len(self.server.messages_to(chat_id))
        handled = self.bot.commands_handled
        self.server.push_command(chat_id, user_id, text)
        await self.server.wait_until(lambda: self.bot.commands_handled > handled, timeout=30)
        return visible(self.server.messages_to(chat_id)[before:])

    def requests(self, path: str) -> int:
        return self.sites.requests.count(path)


@asynccontextmanager
async def open_site(
    tmp_path: Path, extra: str = "", env: dict[str, str] | None = None
) -> AsyncIterator[Site]:
    # Tests add several feeds in a row: no cooldown unless the test sets one.
    if "cooldown_seconds" not in extra:
        if "own_feeds:\n" in extra:
            extra = extra.replace("own_feeds:\n", "own_feeds:\n  cooldown_seconds: 0\n")
        else:
            extra += "own_feeds:\n  cooldown_seconds: 0\n"
    settings = load_settings(
        settings_file(
            tmp_path,
            "fetch:\n  allowed_hosts: ['127.0.0.1']\n  max_bytes: 60000\n"
            "  timeout_seconds: 2\n" + extra,
        ),
        env=env or {},
    )
    async with (
        feed_sites() as sites,
        FakeTelegram(TOKEN, limits=relaxed_fake_limits()) as server,
    ):
        populate(server)
        services = bootstrap(settings)
        commands = build_commands(services)
        bot = TelegramBot(
            TOKEN,
            command_service=commands,
            api_base_url=server.api_url,
            poll_timeout=1,
            chat_store=services.storage,
        )
        await bot.start()
        try:
            yield Site(sites, services, server, bot)
        finally:
            await bot.stop()
            await services.aclose()


async def test_a_new_chat_adds_a_page_and_receives_its_new_items(tmp_path: Path) -> None:
    async with open_site(tmp_path) as site:
        sites = site.sites
        sites.serve(PAGE, Answer(page_linking("/blog.example/feed.xml"), "text/html"))
        sites.serve(FEED, Answer(forabi_feed(sites, drop_newest=1)))
        storage = site.services.storage
        # BOB's chat follows all technology: the blog is not his, so not for him.
        await site.ask(BOB, BOB, "/schedule instant")
        bob = ChatRef(Platform.TELEGRAM, str(BOB), ChatKind.PRIVATE)
        assert storage.has_chat(bob) and not storage.get_chat(bob).topics

        answer = await site.ask(ALICE, ALICE, f"/addfeed {sites.local(PAGE)}")

        assert FEED_TITLE in answer
        assert t("feed_added", "ar", title=FEED_TITLE, target="") in answer
        # three newest items, summarised (bullets), and not the one not yet published
        assert answer.count("•") >= 3 and NEWEST_TITLE not in answer
        assert "ما الجديد في الإصدار القادم من JavaScript" in answer
        # fetched once: the page, then the feed it links; no second fetch by a poll
        assert site.requests("/blog.example/") == 1
        assert site.requests("/blog.example/feed.xml") == 1
        feed_url = sites.local(FEED)
        feed = storage.get_feed(feed_url)
        assert not feed.public and feed.last_success_at is not None
        alice = ChatRef(Platform.TELEGRAM, str(ALICE), ChatKind.PRIVATE)
        assert [c.feed_url for c in storage.get_chat_feeds(alice)] == [feed_url]

        listing = await site.ask(ALICE, ALICE, "/myfeeds")
        assert f"1. {FEED_TITLE} — {feed_url}" in listing

        # The blog publishes: the next poll delivers the new item to ALICE only.
        sites.serve(FEED, Answer(forabi_feed(sites)))
        planner = DeliveryPlanner(storage, site.services.clock)
        queued = 0

        def plan(ids: object) -> None:
            nonlocal queued
            queued += planner.enqueue_article_ids(ids)  # type: ignore[arg-type]

        report = await site.services.pipeline.poll([feed_url], plan=plan)
        assert len(report.new_article_ids) == 1 and queued == 1
        worker = DeliveryWorker(
            storage,
            {Platform.TELEGRAM: site.bot.route},
            site.services.clock,
            stories=site.services.pipeline,
        )
        before_bob = len(site.server.messages_to(BOB))
        await worker.drain()
        posted = visible(site.server.messages_to(ALICE)[-1:])
        assert NEWEST_TITLE in posted and FEED_TITLE in posted
        assert len(site.server.messages_to(BOB)) == before_bob
        # /latest of another chat does not show a feed only ALICE added
        assert NEWEST_TITLE not in await site.ask(BOB, BOB, "/latest")

        removed = await site.ask(ALICE, ALICE, "/removefeed 1")
        assert t("feed_removed", "ar", title=FEED_TITLE, target="") in removed
        assert storage.get_chat_feeds(alice) == []
        assert not storage.get_feed(feed_url).enabled  # no longer polled
        assert not storage.get_feed(feed_url).public  # its items stay ALICE's only
        assert NEWEST_TITLE not in await site.ask(BOB, BOB, "/latest")


async def test_a_feed_url_and_the_common_paths(tmp_path: Path) -> None:
    async with open_site(tmp_path) as site:
        sites = site.sites
        # A page that links nothing: /feed of the site is tried, then /rss.xml answers.
        sites.serve(PAGE, Answer(b"<html><body>no links</body></html>", "text/html"))
        sites.answers["/rss.xml"] = Answer(forabi_feed(sites))
        answer = await site.ask(BOB, BOB, f"/addfeed {sites.local(PAGE)}")
        assert "Added «" + FEED_TITLE in answer
        assert site.requests("/feed") == 1 and site.requests("/rss.xml") == 1
        # The same feed typed directly is already there (one row, fetched once more only
        # to find out what it is).
        again = await site.ask(BOB, BOB, f"/addfeed {sites.base}/rss.xml")
        assert "already" in again
        assert len(site.services.storage.get_feeds(enabled=True)) > 1


@pytest.mark.parametrize(
    ("answer", "key"),
    [
        (Answer(b"<html><body>just a page</body></html>", "text/html"), "feed_not_a_feed"),
        (Answer(b"", status=404), "feed_not_found"),
        (Answer(b"", status=410), "feed_gone"),
    ],
)
async def test_why_a_link_is_not_added(tmp_path: Path, answer: Answer, key: str) -> None:
    async with open_site(tmp_path) as site:
        site.sites.serve(PAGE, answer)
        text = await site.ask(BOB, BOB, f"/addfeed {site.sites.local(PAGE)}")
        assert text == t(key, "en")
        assert site.services.storage.private_feed_urls() == frozenset()


async def test_too_big_timed_out_and_private_addresses_are_refused(tmp_path: Path) -> None:
    async with open_site(tmp_path) as site:
        sites = site.sites
        sites.serve(PAGE, Answer(b"<rss>" + b" " * 100_000, "application/rss+xml"))
        big = await site.ask(BOB, BOB, f"/addfeed {sites.local(PAGE)}")
        assert big == t("feed_fetch_failed", "en", reason=t("reason_too_large", "en"))
        slow = "https://slow.example/feed"
        sites.serve(slow, Answer(b"", stall_seconds=5))
        timed_out = await site.ask(BOB, BOB, f"/addfeed {sites.local(slow)}")
        assert timed_out == t("feed_fetch_failed", "en", reason=t("reason_timeout", "en"))
        # Private, link-local (cloud metadata) and non-web addresses: refused before any
        # connection (127.0.0.1 is this test's one allowed host).
        for url in ("http://10.0.0.7/feed", "http://169.254.169.254/latest/", "http://[::1]/"):
            assert await site.ask(BOB, BOB, f"/addfeed {url}") == t("feed_blocked", "en")
        assert "/addfeed" in await site.ask(BOB, BOB, "/addfeed javascript:alert(1)")
        assert site.services.storage.private_feed_urls() == frozenset()


async def test_a_linked_feed_on_a_private_address_is_not_fetched(tmp_path: Path) -> None:
    """The page is allowed; the feed it links to lives on a private address: refused on
    the way (every candidate goes through the strict policy), so no feed is found."""
    async with open_site(tmp_path) as site:
        sites = site.sites
        sites.serve(PAGE, Answer(page_linking("http://10.1.2.3/feed.xml"), "text/html"))
        text = await site.ask(BOB, BOB, f"/addfeed {sites.local(PAGE)}")
        assert text == t("feed_not_a_feed", "en")


async def test_group_members_cannot_add_and_quota_is_kept(tmp_path: Path) -> None:
    async with open_site(tmp_path, "own_feeds:\n  max_per_chat: 1\n") as site:
        sites = site.sites
        sites.serve(FEED, Answer(forabi_feed(sites)))
        site.server.set_member(GROUP, BOB, "member")
        refused = await site.ask(GROUP, BOB, f"/addfeed {sites.local(FEED)}")
        assert refused == t("admins_only", "en")
        assert site.requests("/blog.example/feed.xml") == 0  # nothing fetched for a refusal
        site.server.set_member(GROUP, BOB, "administrator")
        added = await site.ask(GROUP, BOB, f"/addfeed {sites.local(FEED)}")
        assert FEED_TITLE in added
        other = "https://other.example/feed.xml"
        sites.serve(other, Answer(forabi_feed(sites)))
        full = await site.ask(GROUP, BOB, f"/addfeed {sites.local(other)}")
        assert full == t("feed_quota", "en", limit=1, p="/")
        assert site.requests("/other.example/feed.xml") == 0


async def test_an_operator_listed_feed_stays_public(tmp_path: Path) -> None:
    """A chat adding a feed the operator configured follows it (every item), and the
    feed stays shown to everyone; removing it does not stop the operator's feed."""
    async with open_site(tmp_path) as site:
        sites = site.sites
        sites.serve(FEED, Answer(forabi_feed(sites)))
        storage = site.services.storage
        storage.sync_feeds([FeedConfig(url=sites.local(FEED))])
        await site.ask(BOB, BOB, f"/addfeed {sites.local(FEED)}")
        assert storage.get_feed(sites.local(FEED)).public
        await site.ask(BOB, BOB, "/removefeed " + sites.local(FEED))
        assert storage.get_feed(sites.local(FEED)).public


async def test_a_chats_feed_is_polled_with_the_strict_policy(tmp_path: Path) -> None:
    """Configured feeds may live on private hosts (fetch.allow_private_feeds, the
    default); a feed only chats added may not, at every poll, not only when added."""
    async with open_site(tmp_path) as site:
        storage = site.services.storage
        assert site.services.settings.fetch.allow_private_feeds
        chat = ChatRef(Platform.TELEGRAM, str(BOB), ChatKind.PRIVATE)
        private = "http://[::1]:9/feed.xml"  # loopback, but not the allowed host
        storage.add_chat_feed(chat, private, title="x", language="ar", at=site.services.clock.now())
        report = await site.services.pipeline.poll([private])
        assert report.feeds[0].error is not None and "private" in report.feeds[0].error


async def test_a_chat_is_told_once_when_its_feed_stops(tmp_path: Path) -> None:
    """Issue #16 point 4: a 410 disables the feed; the chat that added it is told once,
    in its language, how to add it again or remove it; adding it again re-enables it."""
    async with open_site(tmp_path) as site:
        sites = site.sites
        sites.serve(FEED, Answer(forabi_feed(sites)))
        storage = site.services.storage
        await site.ask(ALICE, ALICE, f"/addfeed {sites.local(FEED)}")
        feed_url = sites.local(FEED)
        sites.serve(FEED, Answer(b"", status=410))
        notices = FeedStopNotices(storage, build_tell({Platform.TELEGRAM: site.bot.route}))
        before = len(site.server.messages_to(ALICE))

        report = await site.services.pipeline.poll([feed_url])
        assert await notices.after_poll(report.feeds) == 1
        assert await notices.after_poll(report.feeds) == 0  # once
        assert not storage.get_feed(feed_url).enabled
        [notice] = site.server.messages_to(ALICE)[before:]
        text = visible([notice])
        assert FEED_TITLE in text and feed_url in text
        assert "/removefeed" in text and "/addfeed" in text
        assert "متوقف" in await site.ask(ALICE, ALICE, "/myfeeds")

        sites.serve(FEED, Answer(forabi_feed(sites)))
        await site.ask(ALICE, ALICE, f"/addfeed {feed_url}")  # works again: re-enabled
        assert storage.get_feed(feed_url).enabled
        alice = ChatRef(Platform.TELEGRAM, str(ALICE), ChatKind.PRIVATE)
        assert not storage.get_chat_feeds(alice)[0].told_disabled


async def test_the_global_limit_of_chat_feeds(tmp_path: Path) -> None:
    """own_feeds.max_total bounds the feeds only chats added, over all chats; a chat may
    still follow a feed that is already polled (it costs nothing more)."""
    async with open_site(tmp_path, "own_feeds:\n  max_total: 1\n") as site:
        sites = site.sites
        other = "https://other.example/feed.xml"
        sites.serve(FEED, Answer(forabi_feed(sites)))
        sites.serve(other, Answer(forabi_feed(sites)))
        assert FEED_TITLE in await site.ask(ALICE, ALICE, f"/addfeed {sites.local(FEED)}")
        refused = await site.ask(BOB, BOB, f"/addfeed {sites.local(other)}")
        assert refused == t("feed_total_quota", "en")
        assert "Added" in await site.ask(BOB, BOB, f"/addfeed {sites.local(FEED)}")
        assert len(site.services.storage.private_feed_urls()) == 1


async def test_owner_stats_and_feed_switch(tmp_path: Path) -> None:
    """Issue #16 point 3: NEWSDIGEST_OWNER_IDS may see /stats and switch a feed off and
    on; for anyone else these commands do not exist."""
    async with open_site(tmp_path, env={"NEWSDIGEST_OWNER_IDS": f"telegram:{ALICE}"}) as site:
        sites = site.sites
        sites.serve(FEED, Answer(forabi_feed(sites)))
        await site.ask(BOB, BOB, f"/addfeed {sites.local(FEED)}")
        feed_url = sites.local(FEED)

        stats = await site.ask(ALICE, ALICE, "/stats")
        assert "تيليجرام 1" in stats and "أضافتها المحادثات 1" in stats
        unknown = t("unknown_command", "en", p="/", name="stats")
        assert (await site.ask(BOB, BOB, "/stats")).startswith(unknown)

        # not an owner: /feeds with arguments is the plain list, nothing switched
        await site.ask(BOB, BOB, f"/feeds disable {feed_url}")
        assert site.services.storage.get_feed(feed_url).enabled
        off = await site.ask(ALICE, ALICE, f"/feeds disable {feed_url}")
        assert off == t("feed_owner_disabled", "ar", url=feed_url)
        assert not site.services.storage.get_feed(feed_url).enabled
        # a chat adding it again does not switch the owner's decision back
        await site.ask(BOB, BOB, f"/addfeed {feed_url}")
        assert not site.services.storage.get_feed(feed_url).enabled
        on = await site.ask(ALICE, ALICE, f"/feeds enable {feed_url}")
        assert on == t("feed_owner_enabled", "ar", url=feed_url)
        assert site.services.storage.get_feed(feed_url).enabled

        # the owner changes one chat's limit: BOB's chat may follow only the one it has
        other = "https://other.example/feed.xml"
        sites.serve(other, Answer(forabi_feed(sites)))
        quota = await site.ask(ALICE, ALICE, f"/feeds quota {BOB} 1")
        assert quota == t("feed_owner_quota", "ar", chat=str(BOB), limit=1)
        refused = await site.ask(BOB, BOB, f"/addfeed {sites.local(other)}")
        assert refused == t("feed_quota", "en", limit=1, p="/")
        assert "(1 of 1)" in await site.ask(BOB, BOB, "/myfeeds")
        await site.ask(BOB, BOB, f"/feeds quota {BOB} 5")  # not an owner: nothing changes
        bob = ChatRef(Platform.TELEGRAM, str(BOB))
        assert site.services.storage.get_chat_feed_quota(bob) == 1
        await site.ask(ALICE, ALICE, f"/feeds quota {BOB} default")
        assert "Added" in await site.ask(BOB, BOB, f"/addfeed {sites.local(other)}")


async def test_one_user_cannot_make_the_bot_fetch_in_a_loop(tmp_path: Path) -> None:
    """Each /addfeed may fetch up to seven URLs: one user waits between two of them."""
    async with open_site(tmp_path, "own_feeds:\n  cooldown_seconds: 600\n") as site:
        sites = site.sites
        sites.serve(PAGE, Answer(b"<html><body>no feed</body></html>", "text/html"))
        await site.ask(BOB, BOB, f"/addfeed {sites.local(PAGE)}")
        fetched = len(sites.requests)
        again = await site.ask(BOB, BOB, f"/addfeed {sites.local(PAGE)}")
        assert again.startswith("Please wait") and "before adding another source" in again
        assert len(sites.requests) == fetched


async def test_the_owner_is_told_when_an_operator_feed_stops(tmp_path: Path) -> None:
    """Issue #16 point 4: a feed from config/feeds.yaml that is disabled (here: 410) is
    told to the bot's Telegram owners, with how to switch it back on."""
    async with open_site(tmp_path) as site:
        sites = site.sites
        storage = site.services.storage
        feed_url = sites.local(FEED)
        storage.sync_feeds([FeedConfig(url=feed_url, name="مدونة المشغّل")])
        sites.serve(FEED, Answer(b"", status=410))
        notices = FeedStopNotices(
            storage,
            build_tell({Platform.TELEGRAM: site.bot.route}),
            owners=telegram_owner_chats(parse_owner_ids(f"{ALICE}, discord:99")),
        )
        await site.ask(ALICE, ALICE, "/start")  # an owner who started the bot
        before = len(site.server.messages_to(ALICE))
        report = await site.services.pipeline.poll([feed_url])
        assert await notices.after_poll(report.feeds) == 1
        [notice] = site.server.messages_to(ALICE)[before:]
        text = visible([notice])
        assert "مدونة المشغّل" in text and f"/feeds enable {feed_url}" in text


async def test_mysubs_of_a_chat_that_follows_only_its_own_sources(tmp_path: Path) -> None:
    """Found trying it as a new user (docs/new_user_run.md): after /addfeed alone, /mysubs
    said "Topics: all technology news", while such a chat gets only its own sources
    (bot.delivery.only_own_feeds). A chat on all technology still reads so."""
    async with open_site(tmp_path) as site:
        sites = site.sites
        sites.serve(PAGE, Answer(page_linking("/blog.example/feed.xml"), "text/html"))
        sites.serve(FEED, Answer(forabi_feed(sites)))
        await site.ask(BOB, BOB, "/schedule instant")
        await site.ask(ALICE, ALICE, f"/addfeed {sites.local(PAGE)}")

        mine = await site.ask(ALICE, ALICE, "/mysubs")
        assert t("mysubs_own_only", "ar", p="/") in mine
        assert t("all_technology", "ar") not in mine
        assert t("all_technology", "en") in await site.ask(BOB, BOB, "/mysubs")
        await site.ask(ALICE, ALICE, "/subscribe ai")
        assert t("mysubs_own_only", "ar", p="/") not in await site.ask(ALICE, ALICE, "/mysubs")
