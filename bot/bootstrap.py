"""The composition root: the one place that builds concrete parts and wires them.

Everything else receives its collaborators through its constructor, so tests can pass
fakes (a FakeClock, a storage on a temporary SQLite file, a fetcher for a loopback
server) by giving them to `bootstrap` instead of monkeypatching modules.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from digest.clock import Clock, SystemClock
from digest.cluster import StoryClusterer
from digest.errors import ParseError
from digest.models import Feed, FeedConfig
from digest.pipeline import ExtractedPage, PageLoader, Pipeline, PipelineSettings
from digest.ports import Fetcher, Storage, Summarizer, TopicClassifier
from digest.relevance import load_default_model
from digest.storage import SqlStorage
from digest.topics import LexiconClassifier, TagAcceptance, TopicCatalog, load_default_acceptance

from .feed_selection import run_feeds
from .settings import Settings, user_data_folder

log = logging.getLogger(__name__)


@dataclass
class Services:
    """Everything the CLI and the bots need, built once."""

    settings: Settings
    clock: Clock
    storage: Storage
    catalog: TopicCatalog
    classifier: TopicClassifier
    summarizer: Summarizer
    fetcher: Fetcher
    pipeline: Pipeline
    closers: list[Any] = field(default_factory=list)
    # Fetches what chat users name as feeds (/addfeed; the feeds only chats added):
    # the strict address policy when the fetcher is the real one.
    chat_feed_fetcher: Fetcher | None = None

    async def aclose(self) -> None:
        for closer in reversed(self.closers):
            result = closer()
            if hasattr(result, "__await__"):
                await result
        self.storage.close()

    def feeds(self) -> list[Feed]:
        return self.storage.get_feeds()


def build_summarizer(settings: Settings) -> Summarizer:
    from digest.summarize import ExtractiveSummarizer

    extractive = ExtractiveSummarizer()
    if not settings.llm.url:
        return extractive
    from digest.summarize.llm import LlmConfig, LlmSummarizer

    config = LlmConfig(
        url=settings.llm.url,
        model=settings.llm.model or "",
        api_key=settings.llm.api_key.value or None,
        timeout=settings.llm.timeout_seconds,
    )
    return LlmSummarizer(config, fallback=extractive)


def build_classifier(
    catalog: TopicCatalog, acceptance: TagAcceptance | None = None
) -> TopicClassifier:
    """The lexicon classifier with the shipped relevance model and tag acceptance model
    (`acceptance`, default digest/data/topic_acceptance.json: drops further tags a reader
    would likely reject; docs/topics-and-filter.md, topics13)."""
    return LexiconClassifier(
        catalog,
        load_default_model(),
        acceptance=acceptance if acceptance is not None else load_default_acceptance(),
    )


def build_clusterer() -> StoryClusterer:
    """The story clusterer: rewrite rules, the window's lead-word rule and the follow-up
    guard (digest.story_followup). The event model stays off (docs/stories.md)."""
    from digest.story_followup import FollowUpGuard

    return StoryClusterer(window=timedelta(days=2), follow_up=FollowUpGuard.shipped())


def build_fetchers(settings: Settings) -> tuple[Fetcher, PageLoader, PageLoader, list[Any]]:
    """The feed fetcher plus page loaders: one for full text of feed items and one for
    URLs typed by chat users. Both use the strict URL policy: an item's link is written
    by the feed's author, not by the operator, so a feed allowed on a private address
    (allow_private_feeds) must not make the bot fetch, summarise and post another
    private page (issue #12: an item linking to http://127.0.0.1:.../secret)."""
    from digest.fetch import HttpFetcher
    from digest.netguard import AddressPolicy

    cfg = settings.fetch
    feed_policy = AddressPolicy(
        allow_private=cfg.allow_private_feeds, allowed_hosts=cfg.allowed_hosts
    )
    url_policy = AddressPolicy(
        allow_private=cfg.allow_private_urls, allowed_hosts=cfg.allowed_hosts
    )
    fetcher = HttpFetcher(
        timeout=cfg.timeout_seconds,
        max_bytes=cfg.max_bytes,
        user_agent=cfg.user_agent,
        max_redirects=cfg.max_redirects,
        policy=feed_policy,
        page_policy=url_policy,
    )

    def loader(policy: AddressPolicy) -> PageLoader:
        async def load(url: str) -> ExtractedPage:
            # trafilatura is slow to import; only pay for it when a page is fetched.
            from digest.extract import extract_article

            content, _content_type, final_url = await fetcher.fetch_page(url, policy=policy)
            article = await asyncio.to_thread(extract_article, content, url=final_url)
            if article.is_listing:
                raise ParseError(url, "this is a list of articles, not one article")
            if not article.text.strip():
                raise ParseError(url, "no article text found on the page")
            return ExtractedPage(
                title=article.title,
                text=article.text,
                published=article.published,
                language=article.language,
                image_url=article.image_url,
            )

        return load

    page_loader = loader(url_policy)
    return fetcher, page_loader, page_loader, [fetcher.aclose]


def build_chat_feed_fetcher(fetcher: Fetcher) -> Fetcher:
    """The fetcher for feeds chat users add: an HttpFetcher's own strict URL policy
    (the one /summary uses: fetch.allow_private_urls and fetch.allowed_hosts), whatever
    configured feeds may reach. Another fetcher (a test's) is used as it is."""
    from digest.fetch import HttpFetcher, PolicyFetcher

    if isinstance(fetcher, HttpFetcher):
        return PolicyFetcher(fetcher, fetcher.page_policy)
    return fetcher


def bootstrap(
    settings: Settings,
    *,
    clock: Clock | None = None,
    storage: Storage | None = None,
    fetcher: Fetcher | None = None,
    summarizer: Summarizer | None = None,
    extra_feeds: tuple[FeedConfig, ...] = (),
    sync_feeds: bool = True,
) -> Services:
    """Build the services from settings; any part may be given instead (tests). The
    feeds are synced as `run` polls them (`feed_selection.run_feeds`), plus
    `extra_feeds` as given."""
    clock = clock or SystemClock()
    storage = storage or SqlStorage.from_url(
        settings.database_url, create_folder_within=user_data_folder()
    )
    if sync_feeds:
        # The database holds run's view: demo samples off unless poll.sample_feeds.
        storage.sync_feeds(run_feeds(settings) + extra_feeds)
    catalog = TopicCatalog.load(settings.topics_path)
    classifier = build_classifier(catalog)
    summarizer = summarizer or build_summarizer(settings)
    closers: list[Any] = []
    page_loader: PageLoader | None = None
    url_loader: PageLoader | None = None
    if fetcher is None:
        fetcher, page_loader, url_loader, closers = build_fetchers(settings)
    chat_feed_fetcher = build_chat_feed_fetcher(fetcher)
    close_summarizer = getattr(summarizer, "close", None)
    if callable(close_summarizer):
        closers.append(close_summarizer)
    backlog = settings.feed_announce_backlog | {f.url for f in extra_feeds}
    pipeline = Pipeline(
        storage=storage,
        fetcher=fetcher,
        summarizer=summarizer,
        classifier=classifier,
        clock=clock,
        settings=PipelineSettings(
            poll_interval=timedelta(minutes=settings.poll.interval_minutes),
            announce_backlog=settings.poll.announce_backlog,
            backlog_feeds=frozenset(backlog),
            max_failures=settings.poll.max_failures,
            backoff_base_seconds=settings.poll.backoff_base_seconds,
            backoff_max_seconds=settings.poll.backoff_max_seconds,
            max_items_per_feed=settings.poll.max_items_per_feed,
            full_text=settings.fetch.full_text,
            full_text_min_chars=settings.fetch.full_text_min_chars,
        ),
        clusterer=build_clusterer(),
        page_loader=page_loader,
        url_page_loader=url_loader,
        chat_feed_fetcher=chat_feed_fetcher,
    )
    return Services(
        settings=settings,
        clock=clock,
        storage=storage,
        catalog=catalog,
        classifier=classifier,
        summarizer=summarizer,
        fetcher=fetcher,
        pipeline=pipeline,
        closers=closers,
        chat_feed_fetcher=chat_feed_fetcher,
    )
