"""Time the story clusterer: per-article near-duplicate check against a 3,000-article window.

    python bench/cluster.py [--corpus ../shared/corpora/ant/dev.jsonl] [--event-model]
        [--pool ../shared/corpora/ant/pool.jsonl]

With the ANT corpus the window is 3,000 real articles and the new articles are 500
rewrites (half of stories in the window, half new). Without it, the window is made of
rewrites of the nabd_sharqi fixture posts (a harder case: every article is similar).
Prints wall-clock and CPU times; goal: check <= 2 ms per new article (p95).
`--event-model` times the clusterer with `EventSignals.shipped()` (off in the bot);
`--pool` also runs the whole pool (26,074 articles) as one stream, as
`digest.eval.story_pair_scores --whole-pool` does (goal: < 60 s).
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from digest.eval.clusters import (  # noqa: E402 - after the path set-up above
    DEFAULT_CORPUS,
    FIXTURES,
    Doc,
    read_ant,
    read_nabd,
    rewrite,
    timing,
)
from digest.story_followup import FollowUpGuard  # noqa: E402
from digest.story_signals import EventSignals  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--event-model", action="store_true", help="with EventSignals.shipped()")
    parser.add_argument("--pool", type=Path, default=None, help="also time this pool as a stream")
    args = parser.parse_args()
    signals = EventSignals.shipped() if args.event_model else None
    if args.corpus.exists():
        docs = read_ant(args.corpus)
        background = docs[:3000]
        source = docs[2750:3250]
        print(f"window: 3000 ANT articles from {args.corpus}")
    else:
        posts = [doc for doc in read_nabd(FIXTURES / "nabd_it") if "#" not in doc.key]
        background = [
            Doc(f"{post.key}#{n}", *rewrite(post.title, post.text, f"{post.key}#{n}")[:2])
            for n in range(250)
            for post in posts
        ][:3000]
        source = background[:500]
        print("window: 3000 rewrites of the nabd_sharqi fixture posts (no ANT corpus found)")
    probes = [
        Doc(d.key + "#probe", *rewrite(d.title, d.text, d.key + "#probe")[:2]) for d in source
    ]
    for line in timing(background, probes, signals):
        print(line)
    if args.pool is not None:
        from digest.cluster import StoryClusterer
        from digest.eval.story_pair_scores import stream_stories
        from digest.eval.story_pairs import read_pool

        articles = read_pool(args.pool)
        wall, cpu = time.perf_counter(), time.process_time()
        clusterer = StoryClusterer(
            window=timedelta(days=2), signals=signals, follow_up=FollowUpGuard.shipped()
        )
        stream_stories(articles, clusterer)
        print(
            f"whole pool as one stream ({len(articles)} articles):"
            f" {time.perf_counter() - wall:.1f} s wall, {time.process_time() - cpu:.1f} s CPU"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
