"""Reading pages on telegra.ph: a long article's extracted text as a right-to-left page
that opens inside Telegram (Instant View), made once per article and reused.

Optional: without `telegraph.token` (NEWSDIGEST_TELEGRAPH_TOKEN) nothing here runs. The
API base URL is a setting, so tests point it at a loopback fake.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Sequence
from typing import Any

import httpx

from digest.arabic import detect_language
from digest.errors import NewsdigestError, NotFoundError
from digest.models import Article
from digest.ports import Storage
from digest.stories import source_name

log = logging.getLogger(__name__)

MAX_CONTENT_BYTES = 60_000  # the API takes up to 64 kB of content nodes
MAX_TITLE = 256
RLM = "\u200f"  # starts each Arabic paragraph so Telegraph's automatic direction is RTL


class TelegraphError(NewsdigestError):
    """The Telegraph API refused or could not be reached (no token in the message)."""


def page_nodes(text: str, *, source_name: str, source_url: str | None) -> list[Any]:
    """Telegraph content nodes: one <p> per paragraph (RTL-marked when Arabic), cut to the
    API's size with a closing "…", then a link to the original article."""
    arabic = detect_language(text[:2000]) == "ar"
    footer: list[Any] = []
    if source_url:
        label = f"المصدر: {source_name}" if arabic else f"Source: {source_name}"
        footer = [
            {
                "tag": "p",
                "children": [{"tag": "a", "attrs": {"href": source_url}, "children": [label]}],
            }
        ]
    budget = MAX_CONTENT_BYTES - _size(footer) - 200
    nodes: list[Any] = []
    for paragraph in (p.strip() for p in text.split("\n")):
        if not paragraph:
            continue
        node = {"tag": "p", "children": [RLM + paragraph if arabic else paragraph]}
        cost = _size([node])
        if cost > budget:
            nodes.append({"tag": "p", "children": ["…"]})
            break
        nodes.append(node)
        budget -= cost
    return nodes + footer


def _size(nodes: Sequence[Any]) -> int:
    return len(json.dumps(nodes, ensure_ascii=False).encode("utf-8"))


class TelegraphClient:
    """createPage over HTTP. The token travels in the POST body, never in a URL."""

    def __init__(
        self,
        token: str,
        api_url: str = "https://api.telegra.ph",
        *,
        author_name: str = "newsdigest",
        timeout: float = 20.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._token = token
        self._api_url = api_url.rstrip("/")
        self._author_name = author_name
        self._client = httpx.AsyncClient(timeout=timeout, transport=transport)

    async def create_page(self, title: str, nodes: Sequence[Any], *, author_url: str | None) -> str:
        """The new page's URL. Raises TelegraphError."""
        form = {
            "access_token": self._token,
            "title": (title.strip() or "…")[:MAX_TITLE],
            "author_name": self._author_name,
            "content": json.dumps(list(nodes), ensure_ascii=False),
            "return_content": "false",
        }
        if author_url:
            form["author_url"] = author_url[:512]
        try:
            response = await self._client.post(f"{self._api_url}/createPage", data=form)
            answer = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise TelegraphError(f"Telegraph API unreachable: {type(exc).__name__}") from None
        if not isinstance(answer, dict) or not answer.get("ok"):
            error = answer.get("error") if isinstance(answer, dict) else None
            raise TelegraphError(f"Telegraph refused the page: {str(error)[:200]}")
        url = (answer.get("result") or {}).get("url")
        if not isinstance(url, str) or not url.startswith("https://"):
            raise TelegraphError("Telegraph answered without a page URL")
        return url

    async def aclose(self) -> None:
        await self._client.aclose()


class ReadingPages:
    """The reading page of an article: made on first need, stored, reused ever after."""

    def __init__(self, client: TelegraphClient, storage: Storage, *, min_chars: int) -> None:
        self._client = client
        self._storage = storage
        self._min_chars = min_chars
        self._locks: dict[int, asyncio.Lock] = {}

    async def ensure(self, article_ids: Sequence[int]) -> None:
        """Make the missing pages of these articles (DeliveryWorker calls it before a
        Telegram chat's posts are rendered); never raises."""
        for article_id in article_ids:
            try:
                article = self._storage.get_article(article_id)
                if article.reading_url or not self.wants_page(article):
                    continue
                await self.url_for(article, source_name=self._source_name(article))
            except Exception:
                log.exception("reading page for article %d failed", article_id)

    def _source_name(self, article: Article) -> str:
        try:
            feed = self._storage.get_feed(article.feed_url)
        except NotFoundError:
            feed = None
        return source_name(feed, article.feed_url)

    def wants_page(self, article: Article) -> bool:
        return len(article.text) >= self._min_chars

    async def url_for(self, article: Article, *, source_name: str) -> str | None:
        """The page URL, or None when the article is short or Telegraph failed (logged;
        the post goes out without the link)."""
        if article.reading_url:
            return article.reading_url
        if not self.wants_page(article):
            return None
        # Two chats getting the same story at once must not make two pages.
        lock = self._locks.setdefault(article.id, asyncio.Lock())
        async with lock:
            stored = self._storage.get_article(article.id).reading_url
            if stored:
                return stored
            nodes = page_nodes(article.text, source_name=source_name, source_url=article.url)
            try:
                url = await self._client.create_page(article.title, nodes, author_url=article.url)
            except TelegraphError as exc:
                log.warning("no reading page for article %d: %s", article.id, exc)
                return None
            self._storage.set_reading_url(article.id, url)
        self._locks.pop(article.id, None)
        return url
