"""Which configured feeds each command polls.

`run` (and `digest`, `feeds`, `doctor`) work on the operator's feeds: the real ones in
the feed list. The bundled sample feeds (`sample: true`) exist for `demo` and the tests:
`run` leaves them out unless `poll.sample_feeds` is true. The database keeps the `run`
view of which feeds are enabled whatever command synced it last, so a `demo` next to a
running bot never switches the bot's feeds on or off.
"""

from __future__ import annotations

from dataclasses import replace

from digest.errors import ConfigError
from digest.models import FeedConfig

from .settings import DEFAULT_CONFIG_DIR, Settings, load_feeds


def run_feeds(settings: Settings) -> tuple[FeedConfig, ...]:
    """The feed list as `run` polls it: sample feeds switched off unless the settings
    turn them on (`poll.sample_feeds`). Pure."""
    if settings.poll.sample_feeds:
        return settings.feeds
    return tuple(replace(f, enabled=False) if f.sample else f for f in settings.feeds)


def demo_feeds(settings: Settings) -> tuple[FeedConfig, ...]:
    """The feeds `demo` polls: the sample feeds of the settings' feed list; when it
    lists none (a feed list written by `newsdigest init`), the bundled samples. Each is
    returned with the enabled state `run` gives it, so syncing it changes nothing for a
    running bot. Raises ConfigError when there is no sample feed at all."""
    listed = tuple(f for f in run_feeds(settings) if f.sample)
    if listed:
        return listed
    bundled, _backlog = load_feeds(DEFAULT_CONFIG_DIR / "feeds.yaml")
    samples = tuple(replace(f, enabled=settings.poll.sample_feeds) for f in bundled if f.sample)
    if not samples:
        raise ConfigError(f"{DEFAULT_CONFIG_DIR / 'feeds.yaml'}: no sample feed for demo")
    return samples
