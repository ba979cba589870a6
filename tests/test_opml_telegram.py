"""Issue #16 point 2 on Telegram: an OPML document sent to the bot imports it, /export
answers with the chat's OPML file (sendDocument). python-telegram-bot against the
loopback fake Bot API (getFile, the file download, sendDocument), the composition
root's parts, the loopback feed site (see tests/test_own_feeds.py)."""

from __future__ import annotations

from pathlib import Path

from bot.i18n import t
from bot.opml import too_large_text
from digest.models import ChatKind, ChatRef, Platform
from digest.opml import read_opml
from tests.feed_sites import Answer, forabi_feed
from tests.test_opml import BILLION_LAUGHS
from tests.test_own_feeds import FEED, FEED_TITLE, Site, open_site
from tests.test_telegram import ALICE, BOB, GROUP, visible

OTHER = "https://other.example/feed.xml"


def opml_of(*urls: str) -> bytes:
    outlines = "".join(f'<outline type="rss" text="{u}" xmlUrl="{u}"/>' for u in urls)
    return (
        '<?xml version="1.0" encoding="utf-8"?><opml version="2.0"><head><title>قائمتي'
        f"</title></head><body><outline text='تقنية'>{outlines}</outline></body></opml>"
    ).encode()


async def send_document(
    site: Site, chat_id: int, user_id: int, content: bytes, **kw: object
) -> str:
    before = len(site.server.messages_to(chat_id))
    handled = site.bot.commands_handled
    site.server.push_document(chat_id, user_id, "feeds.opml", content, **kw)  # type: ignore[arg-type]
    await site.server.wait_until(lambda: site.bot.commands_handled > handled, timeout=30)
    return visible(site.server.messages_to(chat_id)[before:])


async def test_import_a_document_then_export_it(tmp_path: Path) -> None:
    async with open_site(tmp_path) as site:
        sites = site.sites
        sites.serve(FEED, Answer(forabi_feed(sites)))
        sites.serve(OTHER, Answer(forabi_feed(sites)))
        feed, other = sites.local(FEED), sites.local(OTHER)
        content = opml_of(feed, other, feed + "#again", "javascript:alert(1)", "http://10.9.8.7/f")

        answer = await send_document(site, ALICE, ALICE, content)

        assert t("opml_imported", "ar", total=5, added=2, already=0, refused=3) in answer
        assert "javascript:alert(1): " + t("opml_reason_scheme", "ar") in answer
        assert "http://10.9.8.7/f: " + t("opml_reason_private", "ar") in answer
        assert t("opml_reason_duplicate", "ar") in answer
        alice = ChatRef(Platform.TELEGRAM, str(ALICE), ChatKind.PRIVATE)
        storage = site.services.storage
        assert [c.feed_url for c in storage.get_chat_feeds(alice)] == [feed, other]
        assert len(site.server.downloads) == 1
        assert sites.requests == []  # nothing fetched while the chat waited
        # the poller reads them: the first poll stores the items, posts none of them
        report = await site.services.pipeline.poll([feed, other])
        assert not report.errors and storage.get_feed(feed).title == FEED_TITLE

        before = len(site.server.documents)
        caption = await site.ask(ALICE, ALICE, "/export")
        assert caption == ""  # the text is the document's caption
        [document] = site.server.documents[before:]
        assert document.chat_id == ALICE and document.file_name.endswith(".opml")
        assert document.caption == t("opml_export_caption", "ar", count=2)
        entries = read_opml(document.content).entries
        assert [e.url for e in entries] == [feed, other]

        # BOB imports ALICE's file: the same two sources, nothing refused
        again = await send_document(site, BOB, BOB, document.content)
        assert t("opml_imported", "en", total=2, added=2, already=0, refused=0) in again


async def test_group_imports_are_for_admins_and_hostile_files_are_refused(
    tmp_path: Path,
) -> None:
    async with open_site(tmp_path) as site:
        sites = site.sites
        content = opml_of(sites.local(FEED))
        # A file shared in a group without /import is not a command: no answer at all
        site.server.set_member(GROUP, BOB, "administrator")
        before = len(site.server.calls)
        site.server.push_document(GROUP, BOB, "shared.xml", content)
        handled = site.bot.commands_handled
        await site.ask(BOB, BOB, "/help")  # processed after the document
        assert site.bot.commands_handled == handled + 1
        assert "getFile" not in [c.method for c in site.server.calls[before:]]

        site.server.set_member(GROUP, BOB, "member")
        refused = await send_document(site, GROUP, BOB, content, caption="/import")
        assert refused == t("admins_only", "en")
        assert site.server.downloads == []  # refused before downloading

        site.server.set_member(GROUP, BOB, "administrator")
        added = await send_document(site, GROUP, BOB, content, reply_to_bot=True)
        assert t("opml_imported", "en", total=1, added=1, already=0, refused=0) in added

        big = await send_document(site, BOB, BOB, content, declared_size=6 * 1024 * 1024)
        assert big == too_large_text(5 * 1024 * 1024, "en")
        laughs = await send_document(site, BOB, BOB, BILLION_LAUGHS.encode())
        assert laughs == t("opml_refused_doctype", "en")
        page = await send_document(site, BOB, BOB, b"<html><body>hello</body></html>")
        assert page == t("opml_refused_not_opml", "en")
        how = await site.ask(BOB, BOB, "/import")
        assert how == t("opml_import_how", "en")
        nothing = await site.ask(ALICE, ALICE, "/export")
        assert nothing == t("opml_export_none", "ar", p="/")
