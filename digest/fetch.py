"""Fetch phase: conditional GET of feeds and on-demand article pages with httpx.

Every fetch has a total deadline (a server dripping one byte a second cannot hold us),
a body size cap enforced while streaming, and redirects followed hop by hop so each hop
is checked against the AddressPolicy. Library errors become digest.errors types here.
"""

from __future__ import annotations

import asyncio
import contextlib
import zlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import httpx

from .errors import BlockedAddressError, FeedGoneError, FeedNotFoundError, FetchError
from .models import FetchResult, FetchStatus
from .netguard import AddressPolicy, Resolver, check_peer, check_url

DEFAULT_USER_AGENT = "newsdigest/0.1 (+https://github.com/newsdigest/newsdigest; RSS reader)"
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_PERMANENT = frozenset({301, 308})
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class _Response:
    """One completed GET after redirects: what both fetch() and fetch_page() need."""

    status: int
    content: bytes
    headers: httpx.Headers
    final_url: str
    permanent_redirect: str | None


class HttpFetcher:
    """digest.ports.Fetcher over httpx.AsyncClient.

    timeout: total seconds for one fetch including redirects and body (the deadline);
    connect_timeout / read_timeout: per-phase limits inside it.
    max_bytes: the cap on a body (after Content-Encoding is undone), also for local files.
    policy: for feeds (configured feeds: AddressPolicy(allow_private=True), which also
    accepts local paths and file:// URLs); page_policy: for fetch_page (strict default).
    client / transport: inject a client or transport (tests, proxies); a client passed in
    is not closed by aclose().
    """

    def __init__(
        self,
        *,
        timeout: float = 30.0,
        connect_timeout: float = 10.0,
        read_timeout: float = 15.0,
        max_bytes: int = 5 * 1024 * 1024,
        user_agent: str = DEFAULT_USER_AGENT,
        max_redirects: int = 5,
        policy: AddressPolicy | None = None,
        page_policy: AddressPolicy | None = None,
        client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        resolver: Resolver | None = None,
    ) -> None:
        if timeout <= 0 or max_bytes <= 0 or max_redirects < 0:
            raise ValueError("timeout and max_bytes must be positive, max_redirects >= 0")
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.user_agent = user_agent
        self.max_redirects = max_redirects
        self.policy = policy if policy is not None else AddressPolicy(allow_private=True)
        self.page_policy = page_policy if page_policy is not None else AddressPolicy()
        self._resolver = resolver
        self._httpx_timeout = httpx.Timeout(
            connect=min(connect_timeout, timeout),
            read=min(read_timeout, timeout),
            write=min(read_timeout, timeout),
            pool=min(connect_timeout, timeout),
        )
        # Only the encodings _BoundedBody can inflate within the size cap.
        self._base_headers = {"User-Agent": user_agent, "Accept-Encoding": "gzip, deflate"}
        self._transport = transport
        self._client = client
        self._client_loop: asyncio.AbstractEventLoop | None = None
        self._owns_client = client is None

    # --- lifecycle -------------------------------------------------------------------

    def _http(self) -> httpx.AsyncClient:
        loop = asyncio.get_running_loop()
        if self._owns_client and self._client is not None and self._client_loop is not loop:
            # Pooled connections belong to the loop that opened them; a second
            # asyncio.run() (CLI commands) gets a fresh client instead of dead sockets.
            self._client = None
        if self._client is None:
            self._client_loop = loop
            self._client = httpx.AsyncClient(
                transport=self._transport,
                timeout=self._httpx_timeout,
                follow_redirects=False,  # we follow them ourselves, checking each hop
                trust_env=False,  # no surprise proxies from the environment
                headers=self._base_headers,
            )
        return self._client

    async def aclose(self) -> None:
        if self._client is not None and self._owns_client:
            # A client from an earlier event loop cannot be closed from this one; its
            # sockets went with that loop.
            if self._client_loop is asyncio.get_running_loop():
                await self._client.aclose()
            self._client = None

    async def __aenter__(self) -> HttpFetcher:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    # --- feeds -----------------------------------------------------------------------

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        policy: AddressPolicy | None = None,
    ) -> FetchResult:
        """Conditional GET of one feed; local paths and file:// URLs are read from disk
        when the policy allows private sources.

        Raises: FetchError (retry later: timeout, connection, 5xx, 429, too large,
        redirect loop), FeedGoneError (410), FeedNotFoundError (404, missing file),
        BlockedAddressError (the policy refuses the address or scheme).
        """
        policy = policy or self.policy
        local = _local_path(url)
        if local is not None:
            if not policy.allow_private:
                raise BlockedAddressError(url, "local files can only be configured feeds")
            return FetchResult(
                requested_url=url,
                status=FetchStatus.OK,
                content=await self._read_file(url, local),
                content_type=None,
                final_url=url,
            )
        headers = {"Accept": FEED_ACCEPT}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        response = await self._get(_feed_scheme_to_http(url), headers, policy, what="feed")
        if response.status == 304:
            return FetchResult(
                requested_url=url,
                status=FetchStatus.NOT_MODIFIED,
                http_status=304,
                final_url=response.final_url,
                permanent_redirect=response.permanent_redirect,
                etag=response.headers.get("etag") or etag,
                last_modified=response.headers.get("last-modified") or last_modified,
                headers=dict(response.headers),
            )
        return FetchResult(
            requested_url=url,
            status=FetchStatus.OK,
            http_status=response.status,
            content=response.content,
            content_type=response.headers.get("content-type"),
            final_url=response.final_url,
            permanent_redirect=response.permanent_redirect,
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
            headers=dict(response.headers),
        )

    # --- pages -----------------------------------------------------------------------

    async def fetch_page(
        self, url: str, *, policy: AddressPolicy | None = None
    ) -> tuple[bytes, str | None, str]:
        """GET an article page for on-demand summaries: (body, content type, final URL).

        Only http(s); the strict page policy by default (no private or local addresses,
        checked on every redirect hop and on the connected peer).

        Raises: BlockedAddressError, FetchError, FeedNotFoundError (404),
        FeedGoneError (410).
        """
        response = await self._get(
            url, {"Accept": PAGE_ACCEPT}, policy or self.page_policy, what="page"
        )
        return response.content, response.headers.get("content-type"), response.final_url

    # --- the GET loop ----------------------------------------------------------------

    async def _get(
        self, url: str, headers: dict[str, str], policy: AddressPolicy, *, what: str
    ) -> _Response:
        try:
            async with asyncio.timeout(self.timeout):
                return await self._follow(url, headers, policy, what=what)
        except TimeoutError as exc:
            raise FetchError(url, f"timed out after {self.timeout:g}s") from exc

    async def _follow(
        self, url: str, headers: dict[str, str], policy: AddressPolicy, *, what: str
    ) -> _Response:
        current = url
        visited = {current}
        permanent = True
        for _hop in range(self.max_redirects + 1):
            await check_url(current, policy, resolver=self._resolver)
            async with self._stream(url, current, headers) as response:
                _check_peer(current, response, policy)
                status = response.status_code
                if status in _REDIRECTS and "location" in response.headers:
                    target = _redirect_target(current, response.headers["location"])
                    if target in visited:
                        raise FetchError(url, f"redirect loop at {target}", status=status)
                    visited.add(target)
                    permanent = permanent and status in _PERMANENT
                    current = target
                    continue
                _raise_for_status(url, status, response.headers, what=what)
                content = b"" if status == 304 else await self._read_body(url, response)
                moved = current if permanent and current != url else None
                return _Response(status, content, response.headers, current, moved)
        raise FetchError(url, f"too many redirects (more than {self.max_redirects})")

    @contextlib.asynccontextmanager
    async def _stream(
        self, url: str, current: str, headers: dict[str, str]
    ) -> AsyncIterator[httpx.Response]:
        try:
            # Per-request settings, so that an injected client cannot switch off the
            # hop-by-hop redirect checks or the timeouts.
            async with self._http().stream(
                "GET",
                current,
                headers={**self._base_headers, **headers},
                follow_redirects=False,
                timeout=self._httpx_timeout,
            ) as response:
                yield response
        except httpx.TimeoutException as exc:
            raise FetchError(url, f"timed out ({type(exc).__name__})") from exc
        except httpx.InvalidURL as exc:
            raise FetchError(url, f"invalid URL ({exc})") from exc
        except httpx.UnsupportedProtocol as exc:
            raise BlockedAddressError(url, f"unsupported scheme ({exc})") from exc
        except httpx.DecodingError as exc:
            raise FetchError(url, f"undecodable response body ({exc})") from exc
        except (httpx.TransportError, httpx.StreamError) as exc:
            raise FetchError(url, f"connection failed ({type(exc).__name__}: {exc})") from exc

    async def _read_body(self, url: str, response: httpx.Response) -> bytes:
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > self.max_bytes:
            raise FetchError(url, f"too large: {declared} bytes (limit {self.max_bytes})")
        # We undo Content-Encoding ourselves, with a bound on every step: httpx would
        # inflate a whole network chunk at once (a 64 KB gzip bomb is 64 MB).
        body = _BoundedBody(url, self.max_bytes, response.headers.get("content-encoding"))
        async for raw in response.aiter_raw(_CHUNK):
            body.feed(raw)
        return body.finish()

    async def _read_file(self, url: str, path: Path) -> bytes:
        def read() -> bytes:
            with path.open("rb") as handle:
                data = handle.read(self.max_bytes + 1)
            if len(data) > self.max_bytes:
                raise FetchError(url, f"too large: over {self.max_bytes} bytes")
            return data

        try:
            return await asyncio.get_running_loop().run_in_executor(None, read)
        except FileNotFoundError as exc:
            raise FeedNotFoundError(url, f"no such file: {path}") from exc
        except OSError as exc:
            raise FetchError(url, f"cannot read {path} ({exc.strerror or exc})") from exc


# --- helpers -------------------------------------------------------------------------


class _BoundedBody:
    """Collects a response body, inflating gzip/deflate, never holding more than
    `limit` decoded bytes (plus one bounded step)."""

    def __init__(self, url: str, limit: int, encoding: str | None) -> None:
        self.url = url
        self.limit = limit
        self.size = 0
        self.parts: list[bytes] = []
        codings = [c.strip().lower() for c in (encoding or "").split(",") if c.strip()]
        codings = [c for c in codings if c != "identity"]
        if len(codings) > 1 or (codings and codings[0] not in ("gzip", "x-gzip", "deflate")):
            raise FetchError(url, f"unsupported Content-Encoding {encoding!r}")
        self.coding = codings[0] if codings else None
        self.inflater: Any = None
        if self.coding in ("gzip", "x-gzip"):
            self.inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif self.coding == "deflate":
            self.inflater = zlib.decompressobj()  # zlib wrapper; raw deflate retried below
        self._started = False

    def feed(self, raw: bytes) -> None:
        if self.inflater is None:
            self._add(raw)
            return
        if self.coding == "deflate" and not self._started and not _looks_like_zlib(raw):
            self.inflater = zlib.decompressobj(-zlib.MAX_WBITS)  # some servers send raw deflate
        self._started = True
        data = raw
        try:
            while data:
                out = self.inflater.decompress(data, _CHUNK)
                self._add(out)
                data = self.inflater.unconsumed_tail
                if self.inflater.eof:
                    break
        except zlib.error as exc:
            raise FetchError(self.url, f"corrupt {self.coding} body ({exc})") from exc

    def finish(self) -> bytes:
        if self.inflater is not None:
            try:
                self._add(self.inflater.flush())
            except zlib.error as exc:
                raise FetchError(self.url, f"corrupt {self.coding} body ({exc})") from exc
        return b"".join(self.parts)

    def _add(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self.limit:
            raise FetchError(self.url, f"too large: over {self.limit} bytes")
        if data:
            self.parts.append(data)


def _looks_like_zlib(data: bytes) -> bool:
    return len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] * 256 + data[1]) % 31 == 0


def _local_path(url: str) -> Path | None:
    """A filesystem path for local feeds (plain path or file:// URL), else None."""
    text = url.strip()
    parts = urlsplit(text)
    if parts.scheme.lower() == "file":
        if parts.netloc not in ("", "localhost"):
            return None  # file://otherhost/... is not local
        return Path(unquote(parts.path))
    if parts.scheme == "" or (len(parts.scheme) == 1 and text[1:3] in (":\\", ":/")):
        return Path(text).expanduser()  # plain path (or a Windows drive letter)
    return None


def _feed_scheme_to_http(url: str) -> str:
    """Old "feed:" links: feed://host/rss and feed:https://host/rss."""
    text = url.strip()
    if text[:5].lower() != "feed:":
        return url
    rest = text[5:]
    return rest if rest.lower().startswith(("http://", "https://")) else "http:" + rest


def _redirect_target(current: str, location: str) -> str:
    target = urljoin(current, location.strip())
    return target.split("#", 1)[0]


def _check_peer(url: str, response: httpx.Response, policy: AddressPolicy) -> None:
    stream = response.extensions.get("network_stream")
    if stream is None or policy.allow_private:
        return  # in-memory transports have no socket to check
    peer = stream.get_extra_info("server_addr")
    if isinstance(peer, tuple) and peer:
        check_peer(url, str(peer[0]), policy)


def _raise_for_status(url: str, status: int, headers: httpx.Headers, *, what: str) -> None:
    if status < 300 or status == 304:
        return
    if status == 404:
        raise FeedNotFoundError(url, f"{what} not found (HTTP 404)")
    if status == 410:
        raise FeedGoneError(url, f"{what} is gone (HTTP 410)")
    if status in _REDIRECTS:
        raise FetchError(url, f"HTTP {status} redirect without Location", status=status)
    wait = headers.get("retry-after")
    note = f", retry after {wait.strip()[:40]}" if wait else ""
    if status == 429:
        raise FetchError(url, f"rate limited (HTTP 429{note})", status=status)
    if status >= 500:
        raise FetchError(url, f"server error (HTTP {status}{note})", status=status)
    raise FetchError(url, f"HTTP {status}", status=status)


class PolicyFetcher:
    """digest.ports.Fetcher that fetches feeds through an HttpFetcher with a fixed
    address policy: the strict one for feeds chat users added (/addfeed), whatever the
    operator allows for configured feeds (fetch.allow_private_feeds)."""

    def __init__(self, fetcher: HttpFetcher, policy: AddressPolicy) -> None:
        self._fetcher = fetcher
        self.policy = policy

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        """As HttpFetcher.fetch, with this policy (local files are refused with it)."""
        return await self._fetcher.fetch(
            url, etag=etag, last_modified=last_modified, policy=self.policy
        )
