"""Stories from stored articles: the one place that names sources and gathers the other
sources of a story's cluster. Used by the pipeline, the commands and the outbox worker."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

from .errors import NotFoundError
from .models import Article, Feed, Source, Story
from .ports import Storage

FeedOf = Callable[[str], Feed | None]


def source_name(feed: Feed | None, feed_url: str) -> str:
    """A feed's display name: its configured name, its title, else its host name."""
    if feed is not None and (feed.name or feed.title):
        return feed.name or feed.title or feed_url
    host = urlsplit(feed_url).hostname
    return host.removeprefix("www.") if host else feed_url.rsplit("/", 1)[-1]


def feed_lookup(storage: Storage) -> FeedOf:
    """`storage.get_feed` remembered for one piece of work: each feed is read once, and a
    feed no longer stored is None (its reports are named by their address)."""
    feeds: dict[str, Feed | None] = {}

    def feed(url: str) -> Feed | None:
        if url not in feeds:
            try:
                feeds[url] = storage.get_feed(url)
            except NotFoundError:
                feeds[url] = None
        return feeds[url]

    return feed


def most_complete(reports: Sequence[Article]) -> Article:
    """The report whose title, link and bullets a merged story shows: the one with the
    most bullets, then the longest text (a full article rather than a teaser), then the
    earliest stored. `reports` is not empty."""
    return max(reports, key=lambda a: (len(a.bullets), len(a.text), -a.id))


class StoryBuilder:
    """Builds Stories, reading only the feeds and clusters the articles name.

    A story of several reports shows the title, link and bullets of the most complete
    one (`most_complete`, among the summarised reports in the article's language that
    may be named to everybody) and every outlet in its sources line, that report's
    first. Its time, topics and article id stay the article's (the outbox row's)."""

    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    def story(self, article: Article) -> Story:
        return self.stories([article])[0]

    def stories(self, articles: Sequence[Article]) -> list[Story]:
        """One Story per article, in the same order."""
        feed = feed_lookup(self._storage)
        return [self._build(article, feed) for article in articles]

    def _build(self, article: Article, feed: FeedOf) -> Story:
        reports: list[Article] = []
        if article.cluster_id is not None:
            for other in self._storage.get_cluster(article.cluster_id):
                other_feed = feed(other.feed_url)
                if other.id != article.id and other_feed is not None and not other_feed.public:
                    # A source only some chats added (/addfeed) is theirs: it is not
                    # named under a story other chats receive.
                    continue
                reports.append(other)
        if not any(r.id == article.id for r in reports):
            reports.insert(0, article)
        lead = article
        usable = [r for r in reports if r.bullets and r.language == article.language]
        if usable and article.bullets:
            lead = most_complete(usable)
        source = Source(source_name(feed(lead.feed_url), lead.feed_url), lead.url)
        others: list[Source] = []
        # The lead's image first; else the story's own article's; else the first report's.
        image = lead.image_url or article.image_url
        for other in sorted(reports, key=lambda r: r.id):
            image = image or other.image_url
            name = source_name(feed(other.feed_url), other.feed_url)
            known = {source.name} | {s.name for s in others}
            if other.id != lead.id and name not in known:
                others.append(Source(name, other.url))
        return Story(
            article_id=article.id,
            title=lead.title,
            url=lead.url or lead.canonical_url,
            bullets=lead.bullets,
            # The footer shows a time; a feed without dates gets the time we saw the item.
            published=article.published or article.fetched_at,
            source=source,
            topics=tuple(m.topic for m in article.topics if not m.topic.startswith("kw:")),
            other_sources=tuple(others),
            language=article.language,
            image_url=image,
            reading_url=lead.reading_url,
        )
