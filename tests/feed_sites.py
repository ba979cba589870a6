"""A loopback web server standing in for the feed sites (aitnews.com, bbc.co.uk, ...).

A feed URL ``https://host/path`` is served at ``http://127.0.0.1:PORT/host/path``
(`FeedSites.local`); what each path answers is set per test: a document (real feed
snapshots from tests/fixtures), an HTTP status, or a stall longer than any timeout.
The content of a path may be replaced while a bot polls it (a site publishing a story).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import web

FIXTURES = Path(__file__).resolve().parent / "fixtures"
FORABI_FEED = FIXTURES / "feeds" / "arabic" / "forabi_net__index.xml"
FORABI_PAGE = FIXTURES / "articles" / "forabi_net" / "google-reader-rss.html"
RUSSIAN_CP1251_FEED = (
    FIXTURES / "feeds" / "tricky" / "encoding" / "picofeed__xakep.ru_windows-1251.xml"
)


@dataclass
class Answer:
    body: bytes = b""
    content_type: str = "application/rss+xml"
    status: int = 200
    stall_seconds: float = 0.0


@dataclass
class FeedSites:
    port: int = 0
    answers: dict[str, Answer] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def local(self, url: str) -> str:
        """Where the stand-in serves a site's URL."""
        return f"{self.base}/{url.split('://', 1)[1]}"

    def serve(self, url: str, answer: Answer) -> None:
        self.answers["/" + url.split("://", 1)[1]] = answer

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        self.requests.append(path)
        answer = self.answers.get(path)
        if answer is None and path.startswith("/forabi.net/post/"):
            # Any article page of the site stands in for each item's page.
            answer = Answer(FORABI_PAGE.read_bytes(), "text/html; charset=utf-8")
        if answer is None:
            return web.Response(status=404, text="not found")
        if answer.stall_seconds:
            await asyncio.sleep(answer.stall_seconds)
        if answer.status != 200:
            return web.Response(status=answer.status, text=f"error {answer.status}")
        return web.Response(body=answer.body, headers={"Content-Type": answer.content_type})


def forabi_feed(sites: FeedSites, *, drop_newest: int = 0) -> bytes:
    """The real forabi.net feed, its item links pointing at the stand-in; without its
    `drop_newest` newest items (the site before it published them)."""
    text = FORABI_FEED.read_text(encoding="utf-8")
    for _ in range(drop_newest):
        start = text.index("<item>")
        text = text[:start] + text[text.index("</item>", start) + len("</item>") :]
    return text.replace("https://forabi.net/", f"{sites.base}/forabi.net/").encode("utf-8")


def russian_feed(sites: FeedSites) -> bytes:
    """The real windows-1251 xakep.ru feed, its links pointing at the stand-in (which has
    no page for them: the test never resolves a name on the internet)."""
    raw = RUSSIAN_CP1251_FEED.read_bytes()
    return raw.replace(b"http://www.xakep.ru", f"{sites.base}/www.xakep.ru".encode("ascii"))


@asynccontextmanager
async def feed_sites() -> AsyncIterator[FeedSites]:
    sites = FeedSites()
    app = web.Application()
    app.router.add_route("GET", "/{tail:.*}", sites._handle)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    sites.port = int(runner.addresses[0][1])
    try:
        yield sites
    finally:
        await runner.cleanup()
