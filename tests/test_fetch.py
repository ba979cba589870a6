"""HttpFetcher against a real HTTP server on 127.0.0.1 (aiohttp), and local files."""

from __future__ import annotations

import asyncio
import gzip
import zlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from aiohttp import web

from digest.errors import BlockedAddressError, FeedGoneError, FeedNotFoundError, FetchError
from digest.fetch import HttpFetcher
from digest.models import FetchStatus
from digest.netguard import AddressPolicy
from digest.parse import parse_feed

FEED = (
    '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>تقنية</title>'
    "<item><title>خبر أول</title><link>https://news.example/1</link></item></channel></rss>"
).encode()
ETAG = '"v1"'
LAST_MODIFIED = "Tue, 01 Dec 2026 08:00:00 GMT"
CAP = 64 * 1024


@dataclass
class Server:
    base: str
    port: int
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def headers_of(self, path: str) -> list[dict[str, str]]:
        return [h for p, h in self.requests if p == path]


def _app(server: Server) -> web.Application:
    async def record(request: web.Request) -> None:
        server.requests.append((request.path, dict(request.headers)))

    async def etag_feed(request: web.Request) -> web.StreamResponse:
        await record(request)
        if request.headers.get("If-None-Match") == ETAG:
            return web.Response(status=304, headers={"ETag": ETAG})
        return web.Response(body=FEED, content_type="application/rss+xml", headers={"ETag": ETAG})

    async def lm_feed(request: web.Request) -> web.StreamResponse:
        await record(request)
        if request.headers.get("If-Modified-Since") == LAST_MODIFIED:
            return web.Response(status=304)
        return web.Response(
            body=FEED, content_type="application/rss+xml", headers={"Last-Modified": LAST_MODIFIED}
        )

    def redirect(status: int, to: str) -> object:
        async def handler(request: web.Request) -> web.StreamResponse:
            await record(request)
            location = to.replace("{port}", str(server.port))
            return web.Response(status=status, headers={"Location": location})

        return handler

    def status(code: int, headers: dict[str, str] | None = None) -> object:
        async def handler(request: web.Request) -> web.StreamResponse:
            await record(request)
            return web.Response(status=code, text="nope", headers=headers)

        return handler

    async def slow_drip(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
        await response.prepare(request)
        for _ in range(200):  # 1 byte every 0.1 s: each read is fast, the whole is not
            await response.write(b" ")
            await asyncio.sleep(0.1)
        return response

    async def stall(request: web.Request) -> web.StreamResponse:
        await asyncio.sleep(30)
        return web.Response(body=FEED)

    async def big_declared(request: web.Request) -> web.StreamResponse:
        return web.Response(body=b"x" * (CAP * 2), content_type="application/rss+xml")

    async def big_chunked(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        for _ in range(10):
            await response.write(b"y" * (CAP // 4))
        return response

    async def gzip_bomb(request: web.Request) -> web.StreamResponse:
        body = gzip.compress(b"<" * (CAP * 20))
        return web.Response(
            body=body, headers={"Content-Encoding": "gzip", "Content-Type": "application/xml"}
        )

    def encoded(coding: str, body: bytes) -> object:
        async def handler(request: web.Request) -> web.StreamResponse:
            await record(request)
            return web.Response(
                body=body, headers={"Content-Encoding": coding, "Content-Type": "application/xml"}
            )

        return handler

    async def page(request: web.Request) -> web.StreamResponse:
        await record(request)
        return web.Response(
            text="<html><body><p>مرحبا</p></body></html>", content_type="text/html", charset="utf-8"
        )

    app = web.Application()
    routes = {
        "/feed.xml": etag_feed,
        "/lm.xml": lm_feed,
        "/p301": redirect(301, "/feed.xml"),
        "/p308": redirect(308, "/p301"),
        "/t302": redirect(302, "/feed.xml"),
        "/mixed": redirect(301, "/t302"),
        "/t307": redirect(307, "http://127.0.0.1:{port}/lm.xml"),
        "/loop-a": redirect(302, "/loop-b"),
        "/loop-b": redirect(302, "/loop-a"),
        "/self": redirect(301, "/self"),
        "/to-other-loopback": redirect(302, "http://127.0.0.2:{port}/page.html"),
        "/to-file": redirect(302, "file:///etc/passwd"),
        "/missing": status(404),
        "/gone": status(410),
        "/error": status(500),
        "/busy": status(503, {"Retry-After": "30"}),
        "/forbidden": status(403),
        "/limited": status(429, {"Retry-After": "120"}),
        "/slow": slow_drip,
        "/stall": stall,
        "/big": big_declared,
        "/big-chunked": big_chunked,
        "/gzip-bomb": gzip_bomb,
        "/page.html": page,
        "/gzip": encoded("gzip", gzip.compress(FEED)),
        "/zlib": encoded("deflate", zlib.compress(FEED)),
        "/raw-deflate": encoded("deflate", zlib.compress(FEED)[2:-4]),
        "/brotli": encoded("br", b"\x1b\x00"),
        "/corrupt-gzip": encoded("gzip", gzip.compress(FEED)[:20] + b"\x00garbage" * 10),
    }
    for path, handler in routes.items():
        app.router.add_get(path, handler)  # type: ignore[arg-type]
    for n in range(8):  # a chain longer than max_redirects
        app.router.add_get(f"/chain{n}", redirect(302, f"/chain{n + 1}"))  # type: ignore[arg-type]
    return app


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    holder = Server(base="", port=0)
    runner = web.AppRunner(_app(holder), shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    holder.port = runner.addresses[0][1]
    holder.base = f"http://127.0.0.1:{holder.port}"
    yield holder
    await runner.cleanup()


@pytest.fixture
async def fetcher() -> AsyncIterator[HttpFetcher]:
    async with HttpFetcher(
        timeout=1.5, read_timeout=1.0, max_bytes=CAP, policy=AddressPolicy(allow_private=True)
    ) as f:
        yield f


# --- 200 and conditional GET ---------------------------------------------------------


async def test_200_returns_body_validators_and_a_parseable_feed(
    server: Server, fetcher: HttpFetcher
) -> None:
    result = await fetcher.fetch(server.url("/feed.xml"), etag=None, last_modified=None)
    assert result.status is FetchStatus.OK and result.http_status == 200
    assert result.content == FEED
    assert result.etag == ETAG
    assert result.content_type is not None and result.content_type.startswith("application/rss")
    assert result.final_url == server.url("/feed.xml") and result.permanent_redirect is None
    assert parse_feed(result.content, url=result.requested_url).entries[0].title == "خبر أول"
    sent = server.headers_of("/feed.xml")[0]
    assert sent["User-Agent"].startswith("newsdigest/")
    assert "If-None-Match" not in sent


async def test_304_with_etag(server: Server, fetcher: HttpFetcher) -> None:
    result = await fetcher.fetch(server.url("/feed.xml"), etag=ETAG, last_modified=None)
    assert result.status is FetchStatus.NOT_MODIFIED and result.http_status == 304
    assert result.content == b""
    assert result.etag == ETAG
    assert server.headers_of("/feed.xml")[0]["If-None-Match"] == ETAG


async def test_304_with_last_modified(server: Server, fetcher: HttpFetcher) -> None:
    first = await fetcher.fetch(server.url("/lm.xml"), etag=None, last_modified=None)
    assert first.status is FetchStatus.OK and first.last_modified == LAST_MODIFIED
    again = await fetcher.fetch(server.url("/lm.xml"), etag=None, last_modified=first.last_modified)
    assert again.status is FetchStatus.NOT_MODIFIED
    assert again.last_modified == LAST_MODIFIED  # kept even though the 304 did not repeat it
    assert server.headers_of("/lm.xml")[1]["If-Modified-Since"] == LAST_MODIFIED


async def test_feed_scheme_urls_are_fetched_over_http(server: Server, fetcher: HttpFetcher) -> None:
    for url in (
        server.url("/feed.xml").replace("http:", "feed:"),
        "feed:" + server.url("/feed.xml"),
    ):
        result = await fetcher.fetch(url, etag=None, last_modified=None)
        assert result.content == FEED
        assert result.requested_url == url


# --- redirects -----------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/p301", "/p308"])
async def test_permanent_redirects_are_reported(
    path: str, server: Server, fetcher: HttpFetcher
) -> None:
    result = await fetcher.fetch(server.url(path), etag=None, last_modified=None)
    assert result.status is FetchStatus.OK and result.content == FEED
    assert result.final_url == server.url("/feed.xml")
    assert result.permanent_redirect == server.url("/feed.xml")


@pytest.mark.parametrize("path", ["/t302", "/mixed", "/t307"])
async def test_temporary_hops_do_not_move_the_feed(
    path: str, server: Server, fetcher: HttpFetcher
) -> None:
    result = await fetcher.fetch(server.url(path), etag=None, last_modified=None)
    assert result.status is FetchStatus.OK and result.content == FEED
    assert result.final_url != server.url(path)
    assert result.permanent_redirect is None


async def test_conditional_headers_follow_redirects(server: Server, fetcher: HttpFetcher) -> None:
    result = await fetcher.fetch(server.url("/p301"), etag=ETAG, last_modified=None)
    assert result.status is FetchStatus.NOT_MODIFIED
    assert result.permanent_redirect == server.url("/feed.xml")


@pytest.mark.parametrize("path", ["/loop-a", "/self"])
async def test_redirect_loop_is_a_fetch_error(
    path: str, server: Server, fetcher: HttpFetcher
) -> None:
    with pytest.raises(FetchError, match="redirect loop"):
        await fetcher.fetch(server.url(path), etag=None, last_modified=None)


async def test_too_many_redirects(server: Server, fetcher: HttpFetcher) -> None:
    with pytest.raises(FetchError, match="too many redirects"):
        await fetcher.fetch(server.url("/chain0"), etag=None, last_modified=None)
    assert len(server.headers_of("/chain0") + server.headers_of("/chain5")) == 2


async def test_redirect_to_a_non_web_scheme_is_refused(
    server: Server, fetcher: HttpFetcher
) -> None:
    with pytest.raises(BlockedAddressError):
        await fetcher.fetch(server.url("/to-file"), etag=None, last_modified=None)


async def test_injected_client_cannot_bypass_redirect_checks(server: Server) -> None:
    async with httpx.AsyncClient(follow_redirects=True, timeout=60) as client:
        fetcher = HttpFetcher(client=client, policy=AddressPolicy(allow_private=True))
        result = await fetcher.fetch(server.url("/p308"), etag=None, last_modified=None)
        assert result.permanent_redirect == server.url("/feed.xml")
        with pytest.raises(FetchError, match="redirect loop"):
            await fetcher.fetch(server.url("/loop-a"), etag=None, last_modified=None)
        await fetcher.aclose()
        assert not client.is_closed  # the owner closes an injected client


# --- status codes --------------------------------------------------------------------


async def test_404_is_feed_not_found(server: Server, fetcher: HttpFetcher) -> None:
    with pytest.raises(FeedNotFoundError):
        await fetcher.fetch(server.url("/missing"), etag=None, last_modified=None)


async def test_410_is_feed_gone(server: Server, fetcher: HttpFetcher) -> None:
    with pytest.raises(FeedGoneError):
        await fetcher.fetch(server.url("/gone"), etag=None, last_modified=None)


@pytest.mark.parametrize(("path", "code"), [("/error", 500), ("/busy", 503), ("/forbidden", 403)])
async def test_server_errors_carry_their_status(
    path: str, code: int, server: Server, fetcher: HttpFetcher
) -> None:
    with pytest.raises(FetchError) as info:
        await fetcher.fetch(server.url(path), etag=None, last_modified=None)
    assert info.value.status == code
    assert not isinstance(info.value, FeedNotFoundError | FeedGoneError)


async def test_429_and_503_keep_the_retry_after_hint(server: Server, fetcher: HttpFetcher) -> None:
    with pytest.raises(FetchError, match="retry after 120") as info:
        await fetcher.fetch(server.url("/limited"), etag=None, last_modified=None)
    assert info.value.status == 429
    with pytest.raises(FetchError, match="retry after 30"):
        await fetcher.fetch(server.url("/busy"), etag=None, last_modified=None)


async def test_connection_refused_is_a_fetch_error(fetcher: HttpFetcher) -> None:
    with pytest.raises(FetchError, match="connection failed"):
        await fetcher.fetch("http://127.0.0.1:9/feed.xml", etag=None, last_modified=None)


# --- time and size caps --------------------------------------------------------------


async def test_slow_drip_hits_the_total_deadline(server: Server, fetcher: HttpFetcher) -> None:
    # Each byte arrives well within read_timeout (1 s); only the 1.5 s deadline can stop
    # a 20 s drip, and its message says so.
    with pytest.raises(FetchError, match=r"timed out after 1\.5s"):
        await fetcher.fetch(server.url("/slow"), etag=None, last_modified=None)


async def test_server_that_never_answers_times_out(server: Server, fetcher: HttpFetcher) -> None:
    with pytest.raises(FetchError, match="timed out"):
        await fetcher.fetch(server.url("/stall"), etag=None, last_modified=None)


@pytest.mark.parametrize("path", ["/big", "/big-chunked", "/gzip-bomb"])
async def test_oversize_bodies_are_refused(path: str, server: Server, fetcher: HttpFetcher) -> None:
    with pytest.raises(FetchError, match="too large"):
        await fetcher.fetch(server.url(path), etag=None, last_modified=None)


@pytest.mark.parametrize("path", ["/gzip", "/zlib", "/raw-deflate"])
async def test_compressed_bodies_are_inflated(
    path: str, server: Server, fetcher: HttpFetcher
) -> None:
    result = await fetcher.fetch(server.url(path), etag=None, last_modified=None)
    assert result.content == FEED
    assert server.headers_of(path)[0]["Accept-Encoding"] == "gzip, deflate"


@pytest.mark.parametrize(
    ("path", "message"), [("/brotli", "Content-Encoding"), ("/corrupt-gzip", "corrupt gzip")]
)
async def test_bodies_we_cannot_inflate_are_fetch_errors(
    path: str, message: str, server: Server, fetcher: HttpFetcher
) -> None:
    with pytest.raises(FetchError, match=message):
        await fetcher.fetch(server.url(path), etag=None, last_modified=None)


def test_one_fetcher_survives_several_event_loops(tmp_path: Path) -> None:
    # CLI commands call asyncio.run() more than once with the same fetcher.
    async def serve_and_fetch(fetcher: HttpFetcher) -> bytes:
        async def feed(request: web.Request) -> web.Response:
            return web.Response(body=FEED)

        app = web.Application()
        app.router.add_get("/f", feed)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        try:
            url = f"http://127.0.0.1:{runner.addresses[0][1]}/f"
            return (await fetcher.fetch(url, etag=None, last_modified=None)).content
        finally:
            await runner.cleanup()

    fetcher = HttpFetcher(policy=AddressPolicy(allow_private=True))
    assert asyncio.run(serve_and_fetch(fetcher)) == FEED
    assert asyncio.run(serve_and_fetch(fetcher)) == FEED
    asyncio.run(fetcher.aclose())


# --- local files ---------------------------------------------------------------------


async def test_local_path_and_file_url(tmp_path: Path, fetcher: HttpFetcher) -> None:
    path = tmp_path / "عربي.xml"
    path.write_bytes(FEED)
    for url in (str(path), path.as_uri()):
        result = await fetcher.fetch(url, etag=None, last_modified=None)
        assert result.status is FetchStatus.OK and result.content == FEED
        assert result.http_status is None


async def test_missing_or_oversize_local_file(tmp_path: Path, fetcher: HttpFetcher) -> None:
    with pytest.raises(FeedNotFoundError):
        await fetcher.fetch(str(tmp_path / "nope.xml"), etag=None, last_modified=None)
    big = tmp_path / "big.xml"
    big.write_bytes(b"x" * (CAP + 1))
    with pytest.raises(FetchError, match="too large"):
        await fetcher.fetch(str(big), etag=None, last_modified=None)
    with pytest.raises(FetchError):
        await fetcher.fetch(str(tmp_path), etag=None, last_modified=None)  # a directory


# --- address guard -------------------------------------------------------------------


async def test_strict_policy_refuses_loopback_before_connecting(server: Server) -> None:
    async with HttpFetcher(policy=AddressPolicy()) as strict:
        with pytest.raises(BlockedAddressError, match=r"127\.0\.0\.1"):
            await strict.fetch(server.url("/feed.xml"), etag=None, last_modified=None)
        with pytest.raises(BlockedAddressError):
            await strict.fetch_page(server.url("/page.html"))
        with pytest.raises(BlockedAddressError):
            await strict.fetch("/etc/hostname", etag=None, last_modified=None)
    assert server.requests == []  # nothing reached the server


async def test_fetch_page_uses_the_strict_page_policy_by_default(
    server: Server, fetcher: HttpFetcher
) -> None:
    # `fetcher` may read private feeds, but on-demand pages are another matter.
    with pytest.raises(BlockedAddressError):
        await fetcher.fetch_page(server.url("/page.html"))
    with pytest.raises(BlockedAddressError, match="file"):
        await fetcher.fetch_page("file:///etc/passwd")


async def test_allowed_host_can_be_fetched_but_each_redirect_hop_is_checked(
    server: Server,
) -> None:
    policy = AddressPolicy(allowed_hosts=frozenset({"127.0.0.1"}))
    async with HttpFetcher(page_policy=policy) as guarded:
        body, content_type, final_url = await guarded.fetch_page(server.url("/page.html"))
        assert "مرحبا" in body.decode("utf-8")
        assert content_type is not None and content_type.startswith("text/html")
        assert final_url == server.url("/page.html")
        with pytest.raises(BlockedAddressError, match=r"127\.0\.0\.2"):
            await guarded.fetch_page(server.url("/to-other-loopback"))


async def test_dns_rebinding_is_caught_at_the_connected_peer(server: Server) -> None:
    async def lying_resolver(host: str, port: int) -> list[str]:
        return ["93.184.216.34"]  # says public; the connection goes to 127.0.0.1

    async with HttpFetcher(resolver=lying_resolver) as guarded:
        with pytest.raises(BlockedAddressError, match="connected to"):
            await guarded.fetch_page(f"http://localhost:{server.port}/page.html")
