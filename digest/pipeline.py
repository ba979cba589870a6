"""The pipeline: fetch → parse → dedup → (full text) → summarize → classify → cluster → store.

Each phase is a named method so reports and logs can say where a feed failed. Decisions
(backoff, disabling, announcing, whether to fetch full text) are pure functions below.
Errors of one feed never stop the others: they are recorded on the feed and reported.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol
from urllib.parse import urlsplit

from .arabic import detect_language
from .clock import Clock
from .errors import (
    FeedError,
    FeedGoneError,
    FeedNotFoundError,
    FetchError,
    NewsdigestError,
    ParseError,
)
from .identity import article_keys, canonical_url
from .models import Article, Entry, Feed, FetchResult, FetchStatus, ParsedFeed, Source, Story
from .parse import html_to_text, parse_feed
from .ports import Fetcher, Storage, Summarizer, TopicClassifier
from .stories import StoryBuilder

log = logging.getLogger(__name__)

OVER_BUDGET = "over-budget"
"""The summary_method of an article stored without summary because it used up its
time budget (PipelineSettings.article_budget)."""


class StoryClusterer(Protocol):
    """Groups the same story from several sources (digest.cluster.StoryClusterer)."""

    def add(
        self,
        article_id: int,
        title: str,
        text: str,
        published: datetime | None,
        source: str | None = None,
    ) -> int:
        """Returns the cluster id: the id of the first article of the same story.
        `source` names the outlet (independent reports join only across outlets)."""
        ...


@dataclass(frozen=True)
class ExtractedPage:
    title: str | None
    text: str
    published: datetime | None = None
    language: str | None = None
    image_url: str | None = None  # the page's og:image / twitter:image (https only)


PageLoader = Callable[[str], Awaitable[ExtractedPage]]
"""Fetches one article page and extracts its main text (raises FetchError/ParseError)."""

PlanDelivery = Callable[[Sequence[int]], object]
"""Queues the posts of newly stored announceable articles
(DeliveryPlanner.enqueue_article_ids)."""


@dataclass(frozen=True)
class PipelineSettings:
    poll_interval: timedelta = timedelta(minutes=15)
    announce_backlog: bool = False
    backlog_feeds: frozenset[str] = frozenset()
    max_failures: int = 10
    backoff_base_seconds: float = 60.0
    backoff_max_seconds: float = 6 * 3600.0
    max_items_per_feed: int = 50
    full_text: bool = True
    full_text_min_chars: int = 400
    # Per-article bounds (issue #12): the text the summarizer, classifier and clusterer
    # see is cut to max_article_chars (the longest real article in the corpora is ~30k
    # characters; 100k is summarised in ~0.2 s), and an article still busy after
    # article_budget is stored unannounced without bullets (see Pipeline._ingest).
    max_article_chars: int = 100_000
    article_budget: timedelta = timedelta(seconds=60)


class FeedOutcome(StrEnum):
    NEW = "new"
    UNCHANGED = "unchanged"  # 304, or nothing new in the feed
    ERROR = "error"
    DISABLED = "disabled"  # gone (410) or too many failures


@dataclass(frozen=True)
class FeedReport:
    url: str
    outcome: FeedOutcome
    new_article_ids: tuple[int, ...] = ()
    seen: int = 0  # entries that were already stored
    error: str | None = None
    warnings: tuple[str, ...] = ()
    moved_to: str | None = None


@dataclass(frozen=True)
class PollReport:
    feeds: tuple[FeedReport, ...] = field(default_factory=tuple)

    @property
    def new_article_ids(self) -> tuple[int, ...]:
        return tuple(i for f in self.feeds for i in f.new_article_ids)

    @property
    def errors(self) -> tuple[FeedReport, ...]:
        return tuple(
            f for f in self.feeds if f.outcome in (FeedOutcome.ERROR, FeedOutcome.DISABLED)
        )


# --- decisions (pure) -------------------------------------------------------------------


def backoff_seconds(failures: int, *, base: float, cap: float, rng: random.Random) -> float:
    """Exponential backoff with full jitter on the upper half: base·2^(n-1), capped."""
    ceiling = min(cap, base * 2.0 ** max(0, failures - 1))
    return ceiling / 2 + rng.random() * ceiling / 2


def should_disable(failures: int, max_failures: int) -> bool:
    return failures >= max_failures


def should_announce(
    *, first_fetch: bool, backlog: bool, tech_only: bool, is_tech: bool, joins_cluster: bool
) -> bool:
    """Whether a new article may be posted (it is stored either way, so it is never
    reconsidered): not on a feed's first fetch unless backlog is wanted, not when a
    general feed's item is not technology, not when another source already told it."""
    if first_fetch and not backlog:
        return False
    if tech_only and not is_tech:
        return False
    return not joins_cluster


def needs_full_text(entry: Entry, *, min_chars: int) -> bool:
    """A feed item that carries only a teaser gets its page fetched."""
    body = entry.content or entry.summary
    return bool(entry.url) and len(body) < min_chars and _is_http(entry.url or "")


def over_budget(started: datetime, now: datetime, budget: timedelta) -> bool:
    """Whether an article that started being processed at `started` has used up its
    time budget."""
    return now - started > budget


def bounded_text(text: str, max_chars: int) -> str:
    """At most `max_chars` characters of `text`, cut at the last paragraph or sentence
    end before the bound when there is one in its second half."""
    if len(text) <= max_chars:
        return text
    head = text[:max_chars]
    cut = max(head.rfind("\n"), head.rfind(". "), head.rfind("؟ "))
    return head[: cut + 1] if cut >= max_chars // 2 else head


def _is_http(url: str) -> bool:
    return url.startswith(("http://", "https://"))


# --- the pipeline -----------------------------------------------------------------------


class Pipeline:
    """Polls feeds into storage and turns stored articles into stories."""

    def __init__(
        self,
        *,
        storage: Storage,
        fetcher: Fetcher,
        summarizer: Summarizer,
        classifier: TopicClassifier,
        clock: Clock,
        settings: PipelineSettings | None = None,
        clusterer: StoryClusterer | None = None,
        page_loader: PageLoader | None = None,
        url_page_loader: PageLoader | None = None,
        rng: random.Random | None = None,
        concurrency: int = 8,
        chat_feed_fetcher: Fetcher | None = None,
    ) -> None:
        self._storage = storage
        self._fetcher = fetcher
        # Feeds only chats added (Feed.public false) are a chat user's URL: fetched with
        # the strict address policy (digest.fetch.PolicyFetcher), like /summary pages.
        self._chat_feed_fetcher = chat_feed_fetcher or fetcher
        self._summarizer = summarizer
        self._classifier = classifier
        self._clock = clock
        self._settings = settings or PipelineSettings()
        self._clusterer = clusterer
        self._page_loader = page_loader
        # On-demand URLs from chat users go through a stricter loader (address guard).
        self._url_page_loader = url_page_loader or page_loader
        self._rng = rng or random.Random()
        self._concurrency = concurrency
        self._stories = StoryBuilder(storage)
        self._clusterer_warm = clusterer is None

    @property
    def storage(self) -> Storage:
        return self._storage

    # poll ------------------------------------------------------------------------------

    async def poll(
        self,
        urls: Sequence[str] | None = None,
        *,
        owner: str = "local",
        due_only: bool = False,
        plan: PlanDelivery | None = None,
    ) -> PollReport:
        """Poll the given feeds (default: every enabled feed; `due_only`: those whose
        backoff/interval has passed, leased to `owner` so processes share the work).
        `plan` is called with each feed's new article ids before that feed's poll is
        recorded as done (see `poll_feed`)."""
        if due_only:
            feeds = self._storage.claim_due_feeds(
                now=self._clock.now(), owner=owner, lease_seconds=600, limit=10_000
            )
        elif urls is None:
            feeds = self._storage.get_feeds(enabled=True)
        else:
            feeds = [self._storage.get_feed(u) for u in urls]
        self._warm_clusterer()
        semaphore = asyncio.Semaphore(self._concurrency)

        async def one(feed: Feed) -> FeedReport:
            async with semaphore:
                try:
                    return await self.poll_feed(feed, plan=plan)
                finally:
                    if due_only:
                        self._storage.release_feed(feed.url, owner)

        reports = await asyncio.gather(*(one(f) for f in feeds))
        return PollReport(tuple(reports))

    async def poll_feed(self, feed: Feed, *, plan: PlanDelivery | None = None) -> FeedReport:
        """Run every phase for one feed. Never raises for feed problems.

        Crash safety: a poll that died after storing articles but before `plan` queued
        them would lose them (they are never "new" again). Such articles are recognised
        by being fetched after the feed's last recorded success, which is written only
        after `plan` ran; they are reported (and planned) again with the next poll."""
        now = self._clock.now()
        url = feed.url
        recovered = self._unplanned(feed)
        if recovered:
            log.info("feed %s: %d stored articles not yet planned", url, len(recovered))
            if plan is not None:
                plan(recovered)
        return await self._poll_feed(feed, now, recovered, plan)

    def _unplanned(self, feed: Feed) -> tuple[int, ...]:
        """Announceable articles of the feed stored by a poll that did not finish. One
        that died between storing an article and placing it (cluster_id still unset)
        is placed now."""
        found = self._storage.get_articles(feed_url=feed.url, since=feed.last_success_at)
        if not found:
            return ()
        self._warm_clusterer()
        first_fetch = feed.last_success_at is None
        backlog = self._wants_backlog(feed)
        ids = []
        for article in sorted(found, key=lambda a: a.id):
            announce = article.announce
            if article.cluster_id is None:
                announce = self._place(
                    article.id,
                    title=article.title,
                    text=article.text,
                    published=article.published,
                    feed=feed,
                    first_fetch=first_fetch,
                    backlog=backlog,
                    is_tech=article.is_tech,
                )
            if announce:
                ids.append(article.id)
        return tuple(ids)

    async def adopt(self, feed: Feed, result: FetchResult) -> FeedReport:
        """Store a feed's first fetch that was made elsewhere (a chat's /addfeed read the
        feed to answer), instead of fetching it again: its items are remembered as seen,
        its validators and next poll time recorded."""
        return await self._poll_feed(feed, self._clock.now(), (), None, prefetched=result)

    async def _poll_feed(
        self,
        feed: Feed,
        now: datetime,
        recovered: tuple[int, ...],
        plan: PlanDelivery | None,
        *,
        prefetched: FetchResult | None = None,
    ) -> FeedReport:
        url = feed.url
        fetcher = self._fetcher if feed.public else self._chat_feed_fetcher
        try:
            result = prefetched or await fetcher.fetch(
                url, etag=feed.etag, last_modified=feed.last_modified
            )
        except FeedGoneError as exc:
            self._storage.record_fetch_error(url, at=now, error=exc.reason, next_fetch_at=None)
            self._storage.disable_feed(url, f"gone: {exc.reason}")
            log.warning("feed disabled (gone): %s", url)
            return FeedReport(
                url, FeedOutcome.DISABLED, new_article_ids=recovered, error=exc.reason
            )
        except FeedError as exc:
            return _with_ids(self._failed(feed, exc, now), recovered)

        moved_to: str | None = None
        if result.permanent_redirect and result.permanent_redirect != url:
            self._storage.move_feed(url, result.permanent_redirect)
            moved_to = url = result.permanent_redirect
            log.info("feed moved permanently: %s -> %s", feed.url, url)

        next_fetch = now + self._settings.poll_interval
        if result.status is FetchStatus.NOT_MODIFIED:
            self._storage.record_fetch_success(
                url,
                at=now,
                etag=result.etag or feed.etag,
                last_modified=result.last_modified or feed.last_modified,
                title=None,
                next_fetch_at=next_fetch,
            )
            return FeedReport(
                url, FeedOutcome.UNCHANGED, new_article_ids=recovered, moved_to=moved_to
            )

        try:
            # A hostile document can keep feedparser busy for seconds: not in the loop.
            parsed = await asyncio.to_thread(
                parse_feed, result.content, url=url, content_type=result.content_type
            )
        except ParseError as exc:
            return _with_ids(self._failed(feed, exc, now, url=url), recovered)

        first_fetch = feed.last_success_at is None
        backlog = self._wants_backlog(feed)
        new_ids: list[int] = []
        announced: list[int] = []
        seen = 0
        entries = [
            entry if entry.feed_url == url else _with_feed(entry, url)
            for entry in parsed.entries[: self._settings.max_items_per_feed]
        ]
        if first_fetch and not backlog:
            # Remembered so they are never posted; nobody sees them, so they are not
            # summarized, classified or clustered, and all go in one transaction: this
            # keeps the first poll of a long feed list cheap.
            remembered = self._storage.remember_entries(
                [(e, article_keys(e), canonical_url(e.url) if e.url else None) for e in entries],
                fetched_at=now,
            )
            new_ids.extend(remembered)
            seen += len(entries) - len(remembered)
            entries = []
        for entry in entries:
            article = await self._ingest(
                entry, feed=feed, first_fetch=first_fetch, backlog=backlog, now=now
            )
            if article is None:
                seen += 1
            else:
                new_ids.append(article.id)
                if article.announce or article.bullets:
                    # Not announced (joined a story, not technology) still goes to the
                    # chats that added this feed themselves (bot.own_feeds); the
                    # planner posts only announced ones to everybody else.
                    announced.append(article.id)

        if plan is not None and announced:
            plan(tuple(announced))  # before the success is recorded: see poll_feed
        warning = "; ".join(parsed.warnings) or None
        self._storage.record_fetch_success(
            url,
            at=now,
            etag=result.etag,
            last_modified=result.last_modified,
            title=parsed.title,
            next_fetch_at=next_fetch,
            warning=warning,
        )
        outcome = FeedOutcome.NEW if new_ids else FeedOutcome.UNCHANGED
        return FeedReport(
            url,
            outcome,
            new_article_ids=recovered + tuple(new_ids),
            seen=seen,
            warnings=parsed.warnings,
            moved_to=moved_to,
        )

    def _wants_backlog(self, feed: Feed) -> bool:
        """Whether a feed's items already there on its first fetch are posted."""
        return self._settings.announce_backlog or feed.url in self._settings.backlog_feeds

    def _warm_clusterer(self, window: int = 3000) -> None:
        """Teach a fresh clusterer the recent stories, so that a restart does not post a
        story again when one more source reports it."""
        if self._clusterer_warm or self._clusterer is None:
            return
        self._clusterer_warm = True
        for article in reversed(self._storage.get_articles(limit=window)):
            self._clusterer.add(
                article.id,
                article.title,
                article.text,
                article.published,
                _outlet(article.feed_url),
            )

    def _failed(
        self, feed: Feed, exc: FeedError, now: datetime, url: str | None = None
    ) -> FeedReport:
        url = url or feed.url
        failures = feed.error_count + 1
        delay = backoff_seconds(
            failures,
            base=self._settings.backoff_base_seconds,
            cap=self._settings.backoff_max_seconds,
            rng=self._rng,
        )
        kind = type(exc).__name__
        failures = self._storage.record_fetch_error(
            url, at=now, error=f"{kind}: {exc.reason}", next_fetch_at=now + timedelta(seconds=delay)
        )
        if should_disable(failures, self._settings.max_failures) or (
            isinstance(exc, FeedNotFoundError)
            and should_disable(failures, max(3, self._settings.max_failures // 2))
        ):
            self._storage.disable_feed(url, f"{failures} failures in a row, last: {exc.reason}")
            log.warning("feed disabled after %d failures: %s", failures, url)
            return FeedReport(url, FeedOutcome.DISABLED, error=exc.reason)
        level = logging.INFO if isinstance(exc, FetchError) else logging.WARNING
        log.log(level, "feed failed (%s), retry in %.0fs: %s", kind, delay, exc)
        return FeedReport(url, FeedOutcome.ERROR, error=f"{kind}: {exc.reason}")

    # phases for one entry ----------------------------------------------------------------

    async def _ingest(
        self, entry: Entry, *, feed: Feed, first_fetch: bool, backlog: bool, now: datetime
    ) -> Article | None:
        keys = article_keys(entry)
        if self._storage.has_article(keys):  # dedup
            return None
        # The time budget of one article. A summarizer thread cannot be cancelled, so
        # the budget is not a timeout around the work: the work itself is bounded (every
        # regex over feed text is linear, tests/test_regex_linear.py; the text of each
        # phase is capped at max_article_chars; page fetches have their own timeout) and
        # the budget is checked between phases, so a slow article is dropped at the next
        # phase boundary instead of holding up the poll round further. A process pool
        # would make the bound hard but cost a process and a pickled copy of the
        # summarizer's model and caches per worker on small machines, for work that is
        # bounded already.
        started = self._clock.now()
        full_text, page_image = await self._full_text(entry)
        text = bounded_text(full_text, self._settings.max_article_chars)
        if entry.image_url is None and page_image is not None:
            entry = replace(entry, image_url=page_image)
        if over_budget(started, self._clock.now(), self._settings.article_budget):
            return self._store_over_budget(entry, keys, text, started, now, "full text")
        language = entry.language or feed.language or "ar"
        bullets, method = await self._summarize_with_method(entry.title, text, language)
        if over_budget(started, self._clock.now(), self._settings.article_budget):
            return self._store_over_budget(entry, keys, text, started, now, "summary")
        topics = self._classifier.classify(entry.title, text)
        is_tech = self._classifier.is_technology(entry.title, text) if feed.tech_only else True
        # Store first (the id is the cluster handle), then decide announcing by cluster.
        article = self._storage.add_article(
            entry,
            keys=keys,
            text=text,
            canonical_url=canonical_url(entry.url) if entry.url else None,
            fetched_at=now,
            bullets=bullets,
            summary_method=method,
            topics=topics,
            is_tech=is_tech,
            announce=False,
        )
        if article is None:
            return None
        self._place(
            article.id,
            title=entry.title,
            text=text,
            published=entry.published,
            feed=feed,
            first_fetch=first_fetch,
            backlog=backlog,
            is_tech=is_tech,
        )
        return self._storage.get_article(article.id)

    def _store_over_budget(
        self,
        entry: Entry,
        keys: Sequence[str],
        text: str,
        started: datetime,
        now: datetime,
        phase: str,
    ) -> Article | None:
        """Store an article that used up its time budget as "over-budget": no bullets,
        never announced, its own story (so it is not processed again next poll)."""
        spent = (self._clock.now() - started).total_seconds()
        log.warning(
            "article over its %.0f s budget after %s (%.1f s), stored without summary: %s",
            self._settings.article_budget.total_seconds(),
            phase,
            spent,
            entry.url or entry.title,
        )
        article = self._storage.add_article(
            entry,
            keys=keys,
            text=text,
            canonical_url=canonical_url(entry.url) if entry.url else None,
            fetched_at=now,
            bullets=(),
            summary_method=OVER_BUDGET,
            topics=(),
            is_tech=False,
            announce=False,
        )
        if article is None:
            return None
        self._storage.set_placement(article.id, cluster_id=article.id, announce=False)
        return self._storage.get_article(article.id)

    def _place(
        self,
        article_id: int,
        *,
        title: str,
        text: str,
        published: datetime | None,
        feed: Feed,
        first_fetch: bool,
        backlog: bool,
        is_tech: bool,
    ) -> bool:
        """Record a stored article's cluster and whether it is announced; returns that."""
        cluster_id = article_id
        if self._clusterer is not None:
            cluster_id = self._clusterer.add(article_id, title, text, published, _outlet(feed.url))
        announce = should_announce(
            first_fetch=first_fetch,
            backlog=backlog,
            tech_only=feed.tech_only,
            is_tech=is_tech,
            joins_cluster=cluster_id != article_id,
        )
        self._storage.set_placement(article_id, cluster_id=cluster_id, announce=announce)
        return announce

    async def _full_text(self, entry: Entry) -> tuple[str, str | None]:
        """The article's text (the page's when the feed has a teaser) and the page's
        lead image when the page was read."""
        text = entry.content or entry.summary
        if (
            self._page_loader is None
            or not self._settings.full_text
            or not needs_full_text(entry, min_chars=self._settings.full_text_min_chars)
        ):
            return text, None
        try:
            page = await self._page_loader(entry.url or "")
        except NewsdigestError as exc:
            log.info("full text unavailable for %s: %s", entry.url, exc)
            return text, None
        return (page.text if len(page.text) > len(text) else text), page.image_url

    async def _summarize(self, title: str, text: str, language: str) -> tuple[str, ...]:
        bullets, _method = await self._summarize_with_method(title, text, language)
        return bullets

    async def _summarize_with_method(
        self, title: str, text: str, language: str
    ) -> tuple[tuple[str, ...], str]:
        """Bullets and the method that really made them (an LLM backend may fall back)."""
        with_method = getattr(self._summarizer, "summarize_with_method", None)
        # Summarizers may block (an LLM call): keep the event loop free for the bots.
        if callable(with_method):
            result: tuple[tuple[str, ...], str] = await asyncio.to_thread(
                with_method, title, text, language=language
            )
            return result
        bullets = await asyncio.to_thread(
            self._summarizer.summarize, title, text, language=language
        )
        return bullets, self._summarizer.name

    # stories ---------------------------------------------------------------------------

    def story(self, article: Article) -> Story:
        """The digest entry for an article, listing every source of its story."""
        return self._stories.story(article)

    def stories(self, articles: Sequence[Article]) -> list[Story]:
        return self._stories.stories(articles)

    # on demand ---------------------------------------------------------------------------

    async def summarize_url(self, url: str) -> Story:
        """Summarize one article page (for /summary and the CLI). A stored article is
        answered from storage. Raises FetchError, BlockedAddressError, ParseError."""
        known = self._storage.find_article(url) or self._storage.find_article(canonical_url(url))
        if known is not None and known.bullets:
            return self.story(known)
        if self._url_page_loader is None:
            raise FetchError(url, "fetching article pages is not configured")
        page = await self._url_page_loader(url)
        title = page.title or url
        # a page of a chat user's choosing: bounded like the full text of feed items
        text = bounded_text(page.text, self._settings.max_article_chars)
        language = page.language or detect_language(text)
        bullets = await self._summarize(title, text, language)
        if not bullets:
            raise ParseError(url, "no article text found on the page")
        host = urlsplit(url).hostname or url
        return Story(
            article_id=0,
            title=title,
            url=url,
            bullets=bullets,
            published=page.published,
            source=Source(host.removeprefix("www."), url),
            topics=tuple(m.topic for m in self._classifier.classify(title, text)),
            language=language,
        )

    async def preview(self, parsed: ParsedFeed, count: int = 3) -> list[Story]:
        """The `count` newest items of a feed summarised from what the feed carries
        (nothing more is fetched, nothing stored): the answer to a chat's /addfeed."""
        entries = sorted(
            parsed.entries[: self._settings.max_items_per_feed],
            key=lambda e: e.published.timestamp() if e.published else float("-inf"),
            reverse=True,
        )
        stories = []
        name = parsed.title or urlsplit(parsed.url).hostname or parsed.url
        for entry in entries[:count]:
            text = bounded_text(entry.content or entry.summary, self._settings.max_article_chars)
            language = entry.language or parsed.language or detect_language(text)
            bullets = await self._summarize(entry.title, text, language) if text else ()
            stories.append(
                Story(
                    article_id=0,
                    title=entry.title,
                    url=entry.url,
                    bullets=bullets,
                    published=entry.published,
                    source=Source(name, parsed.link or parsed.url),
                    language=language[:2] if language else "ar",
                )
            )
        return stories

    def summarize_text(
        self, title: str, text_or_html: str, *, language: str | None = None
    ) -> tuple[str, ...]:
        """Bullets for a text or HTML document (the `summarize` CLI)."""
        text = (
            html_to_text(text_or_html)
            if "<" in text_or_html and ">" in text_or_html
            else text_or_html
        )
        return self._summarizer.summarize(title, text, language=language or detect_language(text))


def _with_ids(report: FeedReport, ids: tuple[int, ...]) -> FeedReport:
    return replace(report, new_article_ids=ids + report.new_article_ids) if ids else report


def _with_feed(entry: Entry, feed_url: str) -> Entry:
    return replace(entry, feed_url=feed_url)


def _outlet(feed_url: str) -> str:
    """The outlet of a feed for the story clusterer: its host (one outlet's feeds share it)."""
    return (urlsplit(feed_url).hostname or feed_url).removeprefix("www.")
