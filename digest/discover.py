"""Finding the feed behind a URL a chat user typed (/addfeed).

The URL may be the feed itself or a web page. A page is searched for
``<link rel="alternate" type="application/rss+xml|application/atom+xml">`` (parsed with
libxml2, linear on hostile markup), then the common paths (/feed, /rss.xml, /feed.xml,
/atom.xml, /rss) of its site are tried. Every URL is fetched once, through the `fetch`
given (the composition root passes the strict address policy, which checks every
redirect hop too), and the whole search has one deadline and a bounded number of
candidates.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from lxml import html as lxml_html

from .errors import FeedError, FetchError, ParseError
from .models import FetchResult, ParsedFeed
from .netguard import check_scheme
from .parse import parse_feed

FEED_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/feed+json", "text/xml"}
)
COMMON_PATHS = ("/feed", "/rss.xml", "/feed.xml", "/atom.xml", "/rss")
MAX_LINKED = 4  # alternates taken from one page

FetchFeed = Callable[[str], Awaitable[FetchResult]]


class NotAFeedError(ParseError):
    """The URL is neither a feed nor a page that leads to one."""


@dataclass(frozen=True)
class DiscoveredFeed:
    """A feed found and read: where it lives (after redirects), its bytes and parse."""

    url: str
    result: FetchResult
    parsed: ParsedFeed


def normalize_url(url: str) -> str:
    """One spelling per feed address, so that one feed is fetched once however chats
    typed it: lower-case scheme and host, no default port, no fragment, a path."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    if port is not None and (scheme, port) not in (("http", 80), ("https", 443)):
        host = f"{host}:{port}"
    return urlunsplit((scheme, host, parts.path or "/", parts.query, ""))


def feed_links(content: bytes, base_url: str) -> list[str]:
    """Feed URLs a page announces with <link rel="alternate" type=...>, absolute, in page
    order, at most MAX_LINKED."""
    if not content.strip():
        return []
    try:
        root: Any = lxml_html.document_fromstring(content)
    except Exception:  # lxml raises ParserError, ValueError on junk
        return []
    found: list[str] = []
    for link in root.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower().split(";")[0].strip()
        href = (link.get("href") or "").strip()
        if "alternate" not in rel or kind not in FEED_TYPES or not href:
            continue
        url = urljoin(base_url, href)
        if url not in found:
            found.append(url)
        if len(found) >= MAX_LINKED:
            break
    return found


def common_feed_urls(page_url: str) -> list[str]:
    """The usual feed addresses of the page's site."""
    parts = urlsplit(page_url)
    return [urlunsplit((parts.scheme, parts.netloc, path, "", "")) for path in COMMON_PATHS]


def _read(result: FetchResult, url: str) -> ParsedFeed | None:
    try:
        parsed = parse_feed(result.content, url=url, content_type=result.content_type)
    except ParseError:
        return None
    return parsed


async def discover_feed(url: str, fetch: FetchFeed, *, deadline: float = 60.0) -> DiscoveredFeed:
    """The feed at `url`, or the one its page leads to.

    Raises: BlockedAddressError (not http(s), or an address the policy refuses),
    FeedNotFoundError / FeedGoneError (the URL itself is 404 / 410), FetchError
    (timeout, too large, connection...), NotAFeedError (no feed found).
    """
    check_scheme(url)
    try:
        async with asyncio.timeout(deadline):
            return await _discover(url, fetch)
    except TimeoutError as exc:
        raise FetchError(url, f"timed out after {deadline:g}s") from exc


async def _discover(url: str, fetch: FetchFeed) -> DiscoveredFeed:
    first = await fetch(url)
    final = first.final_url or url
    parsed = _read(first, final)
    if parsed is not None:
        return DiscoveredFeed(final, first, parsed)
    tried = {url, final}
    candidates = feed_links(first.content, final)
    candidates += [c for c in common_feed_urls(final) if c not in candidates]
    for candidate in candidates:
        if candidate in tried:
            continue
        tried.add(candidate)
        try:
            check_scheme(candidate)
            result = await fetch(candidate)
        except FeedError:
            # A missing, refused (private address), slow or oversized candidate: the
            # next one may still be the feed.
            continue
        where = result.final_url or candidate
        parsed = _read(result, where)
        if parsed is not None:
            return DiscoveredFeed(where, result, parsed)
    raise NotAFeedError(url, "not a feed, and the page links to no feed")
