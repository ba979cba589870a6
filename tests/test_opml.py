"""OPML reading and writing (digest.opml) and the import decisions (bot.opml), on real
listparser and real SQLite storage: nested outlines, duplicates by canonical URL,
invalid entries, quotas, and hostile files (billion laughs, 10,000 outlines, 5 MB,
not XML at all) refused cleanly and quickly."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.opml import ImportLimits, OpmlFeeds, plan_entries, result_text, screen_entry
from digest.clock import FakeClock
from digest.errors import BlockedAddressError, FetchError
from digest.format.bidi import strip_bidi_controls
from digest.models import ChatKind, ChatRef, ChatSettings, Platform
from digest.netguard import AddressPolicy, check_url
from digest.opml import MAX_OUTLINES, OpmlEntry, OpmlError, OpmlFeed, read_opml, write_opml
from digest.storage import SqlStorage

NOW = datetime(2026, 12, 6, 20, 0, tzinfo=UTC)
CHAT = ChatRef(Platform.TELEGRAM, "42", ChatKind.PRIVATE)

NESTED = """<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>قائمتي</title></head>
  <body>
    <outline text="تقنية">
      <outline type="rss" text="مدونة أ" xmlUrl="https://A.example:443/feed#top"/>
      <outline text="عربي">
        <outline type="rss" text="مدونة ب" xmlUrl="http://b.example/rss.xml"/>
      </outline>
    </outline>
    <outline type="rss" text="أ مرة ثانية" xmlUrl="https://a.example/feed"/>
    <outline type="rss" text="سكربت" xmlUrl="javascript:alert(1)"/>
    <outline type="rss" text="ملف" xmlUrl="file:///etc/passwd"/>
    <outline type="rss" text="بلا مخطط" xmlUrl="example.com/feed"/>
    <outline type="rss" text="خاص" xmlUrl="http://10.0.0.7/feed"/>
    <outline type="rss" text="محلي" xmlUrl="http://[::1]:8080/feed"/>
  </body>
</opml>
"""

BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + "".join(
        f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'
        for i in range(1, 10)
    )
    + ']>\n<opml version="2.0"><body><outline type="rss" text="&lol9;"'
    ' xmlUrl="https://a.example/feed"/></body></opml>'
)


def storage(tmp_path: Path) -> SqlStorage:
    return SqlStorage.from_url(f"sqlite:///{tmp_path / 'db.sqlite'}")


def test_nested_outlines_titles_and_folders() -> None:
    document = read_opml(NESTED.encode())
    assert document.title == "قائمتي"
    first, second = document.entries[:2]
    assert (first.title, first.categories) == ("مدونة أ", ("تقنية",))
    assert (second.url, second.categories) == ("http://b.example/rss.xml", ("تقنية/عربي",))
    assert len(document.entries) == 8


def test_entries_are_screened_and_duplicates_found_by_canonical_url() -> None:
    planned = plan_entries(read_opml(NESTED.encode()).entries, ["http://b.example/rss.xml"])
    reasons = [(entry.title, url, reason) for entry, url, reason in planned]
    assert reasons[0] == ("مدونة أ", "https://a.example/feed", "")
    assert reasons[1][2] == "already"
    assert reasons[2] == ("أ مرة ثانية", "https://a.example/feed", "duplicate")
    assert [r[2] for r in reasons[3:6]] == ["scheme", "scheme", "not_url"]
    assert reasons[6][2] == reasons[7][2] == ""  # addresses are the policy's to judge
    assert screen_entry(OpmlEntry("")) == ("", "empty")
    assert screen_entry(OpmlEntry("https://a.example:99999/")) == ("", "not_url")
    assert screen_entry(OpmlEntry("https://")) == ("", "not_url")


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (BILLION_LAUGHS.encode(), "doctype"),
        (b'<!doctype html><opml version="2.0"><body/></opml>', "doctype"),
        (b"just some words, not XML at all", "not_opml"),
        (b"<html><body><p>a web page</p></body></html>", "not_opml"),
        (b'<rss version="2.0"><channel><title>x</title></channel></rss>', "not_opml"),
        (b"\xff\xfe\x00\xd8 broken", "not_text"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe\xfd", "not_text"),
    ],
)
def test_hostile_and_wrong_files_are_refused(data: bytes, code: str) -> None:
    started = time.monotonic()
    with pytest.raises(OpmlError) as refused:
        read_opml(data)
    assert refused.value.code == code
    assert time.monotonic() - started < 1.0


def test_size_and_outline_limits() -> None:
    outline = '<outline type="rss" text="x" xmlUrl="https://a.example/{}"/>\n'
    many = (
        '<opml version="2.0"><body>'
        + "".join(outline.format(i) for i in range(MAX_OUTLINES + 1))
        + "</body></opml>"
    ).encode()
    started = time.monotonic()
    with pytest.raises(OpmlError) as too_many:
        read_opml(many)
    assert too_many.value.code == "too_many" and too_many.value.limit == MAX_OUTLINES
    # exactly at the limit it is read
    at_limit = many.replace(outline.format(MAX_OUTLINES).encode(), b"")
    assert len(read_opml(at_limit).entries) == MAX_OUTLINES
    big = b'<opml version="2.0"><body>' + b" " * (5 * 1024 * 1024) + b"</body></opml>"
    with pytest.raises(OpmlError) as too_large:
        read_opml(big)
    assert too_large.value.code == "too_large"
    assert time.monotonic() - started < 10.0


def test_encodings_utf16_and_windows_1256() -> None:
    body = '<opml version="2.0"><body><outline type="rss" text="أخبار" xmlUrl="https://a.example/f"/></body></opml>'
    utf16 = ('<?xml version="1.0" encoding="UTF-16"?>' + body).encode("utf-16")
    cp1256 = ('<?xml version="1.0" encoding="windows-1256"?>' + body).encode("cp1256")
    for data in (utf16, cp1256, b"\xef\xbb\xbf" + body.encode()):
        assert read_opml(data).entries[0].title == "أخبار"


def test_written_opml_is_2_0_and_reads_back() -> None:
    feeds = [
        OpmlFeed("https://a.example/feed?x=1&y=2", 'مدونة "أ" <جديدة>', ("ai", "security")),
        OpmlFeed("https://b.example/rss.xml", "B & co"),
    ]
    data = write_opml("مصادري", feeds, created=NOW)
    assert data.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    assert b'<opml version="2.0">' in data and b"<dateCreated>Sun, 06 Dec 2026 20:00:00" in data
    document = read_opml(data)
    assert document.title == "مصادري"
    assert [(e.url, e.title) for e in document.entries] == [(f.url, f.title) for f in feeds]
    assert document.entries[0].categories == ("ai", "security")


def loopback_only_check() -> object:
    """The strict policy with 127.0.0.1 allowed, and no DNS: a name is "unresolved"."""
    policy = AddressPolicy(allowed_hosts=frozenset({"127.0.0.1"}))

    async def no_dns(host: str, port: int) -> list[str]:
        raise FetchError(f"http://{host}", f"cannot resolve {host}")

    async def check(url: str) -> None:
        await check_url(url, policy, resolver=no_dns)

    return check


async def test_import_adds_valid_entries_and_lists_every_refusal(tmp_path: Path) -> None:
    store = storage(tmp_path)
    opml = OpmlFeeds(
        store,
        FakeClock(NOW),
        loopback_only_check(),  # type: ignore[arg-type]
        quota=lambda chat: 3,
        max_total=100,
    )
    text = NESTED.replace("https://A.example:443/feed#top", "HTTP://127.0.0.1:8001/a#top")
    text = text.replace("https://a.example/feed", "http://127.0.0.1:8001/a")
    text = text.replace("http://b.example/rss.xml", "http://127.0.0.1:8001/b")
    result = await opml.import_opml(CHAT, text.encode(), user_id="7")
    added = [(o.url, o.title) for o in result.having("added")]
    assert added == [("http://127.0.0.1:8001/a", "مدونة أ"), ("http://127.0.0.1:8001/b", "مدونة ب")]
    refused = {o.title: o.reason for o in result.having("refused")}
    assert refused == {
        "أ مرة ثانية": "duplicate",
        "سكربت": "scheme",
        "ملف": "scheme",
        "بلا مخطط": "not_url",
        "خاص": "private",
        "محلي": "private",
    }
    assert [c.feed_url for c in store.get_chat_feeds(CHAT)] == [url for url, _ in added]
    feed = store.get_feed("http://127.0.0.1:8001/a")
    assert not feed.public and feed.last_fetched_at is None  # the poller fetches it
    report = strip_bidi_controls(result_text(result, "en"))
    assert "8 feeds; 2 added, 0 already followed, 6 refused" in report
    assert "javascript:alert(1): not an http(s) web address" in report

    again = await opml.import_opml(CHAT, text.encode(), user_id="7")
    assert len(again.having("already")) == 2 and not again.having("added")


async def test_import_stops_at_the_quota_and_checks_few_addresses(tmp_path: Path) -> None:
    store = storage(tmp_path)
    checked: list[str] = []

    async def check(url: str) -> None:
        checked.append(url)
        if "/bad" in url:
            raise BlockedAddressError(url, "private")

    opml = OpmlFeeds(
        store,
        FakeClock(NOW),
        check,
        quota=lambda chat: 2,
        max_total=100,
        limits=ImportLimits(check_concurrency=2),
    )
    outlines = ['<outline type="rss" text="bad" xmlUrl="https://x.example/bad"/>'] + [
        f'<outline type="rss" text="f{i}" xmlUrl="https://x.example/f{i}"/>' for i in range(500)
    ]
    data = f'<opml version="1.0"><body>{"".join(outlines)}</body></opml>'.encode()
    result = await opml.import_opml(CHAT, data, user_id="7")
    assert [o.title for o in result.having("added")] == ["f0", "f1"]
    assert len(checked) <= 4  # not 501
    reasons = [o.reason for o in result.having("refused")]
    assert reasons[0] == "private" and reasons.count("quota") == 498
    listed = strip_bidi_controls(result_text(result, "ar", listed=5))
    assert "… و494 غيرها" in listed


async def test_import_respects_the_global_limit(tmp_path: Path) -> None:
    store = storage(tmp_path)
    other = ChatRef(Platform.TELEGRAM, "43", ChatKind.PRIVATE)
    store.add_chat_feed(other, "https://x.example/known", title="k", language="ar", at=NOW)

    async def ok(url: str) -> None:
        return None

    opml = OpmlFeeds(store, FakeClock(NOW), ok, quota=lambda chat: 20, max_total=2)
    data = (
        b'<opml version="2.0"><body>'
        b'<outline type="rss" text="new1" xmlUrl="https://x.example/new1"/>'
        b'<outline type="rss" text="new2" xmlUrl="https://x.example/new2"/>'
        b"</body></opml>"
    )
    result = await opml.import_opml(CHAT, data, user_id="7")
    assert [o.title for o in result.having("added")] == ["new1"]
    assert [o.reason for o in result.having("refused")] == ["total"]


async def test_export_round_trip_with_the_chats_topics(tmp_path: Path) -> None:
    store = storage(tmp_path)
    store.save_chat(ChatSettings(chat=CHAT, topics=frozenset({"security", "ai"})))
    for i, title in enumerate(["مدونة أ", None]):
        store.add_chat_feed(CHAT, f"https://x.example/{i}", title=title, language="ar", at=NOW)

    async def ok(url: str) -> None:
        return None

    opml = OpmlFeeds(store, FakeClock(NOW), ok, quota=lambda chat: 20, max_total=100)
    data = opml.export_opml(CHAT, title="قناتي")
    entries = read_opml(data).entries
    assert [(e.url, e.title, e.categories) for e in entries] == [
        ("https://x.example/0", "مدونة أ", ("ai", "security")),
        ("https://x.example/1", "x.example", ("ai", "security")),
    ]
    elsewhere = ChatRef(Platform.DISCORD, "900", ChatKind.CHANNEL)
    result = await opml.import_opml(elsewhere, data, user_id="8")
    assert len(result.having("added")) == 2
    assert [c.feed_url for c in store.get_chat_feeds(elsewhere)] == [e.url for e in entries]
