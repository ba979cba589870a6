"""Time classification of one article: topics plus the technology filter, as the pipeline
does it (bootstrap.build_classifier: classify() then is_technology()).

    python bench/classify.py [--corpus ../shared/corpora/ant/pool.jsonl] [--count 2000]

Uses the first COUNT held-out ANT articles (full text; a fresh classifier, so the token
caches start empty as after a restart). Prints mean and p95 milliseconds per article and
the CPU time; goal: < 5 ms per article.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.bootstrap import build_classifier  # noqa: E402 - after the path set-up above
from digest.relevance import read_corpus, split  # noqa: E402
from digest.topics import TopicCatalog, default_topics_path  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "ant" / "pool.jsonl"


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--count", type=int, default=2000)
    args = parser.parse_args()
    _, held_out = split(read_corpus(args.corpus))
    articles = held_out[: args.count]
    classifier = build_classifier(TopicCatalog.load(default_topics_path()))
    times = []
    cpu_started = time.process_time()
    for record in articles:
        started = time.perf_counter()
        classifier.classify(record.title, record.text)
        classifier.is_technology(record.title, record.text)
        times.append((time.perf_counter() - started) * 1000)
    cpu = (time.process_time() - cpu_started) * 1000 / max(1, len(articles))
    times.sort()
    p95 = times[int(0.95 * (len(times) - 1))]
    chars = statistics.mean(len(r.title) + len(r.text) for r in articles)
    print(f"{len(articles)} articles (mean {chars:.0f} characters) from {args.corpus}")
    print(
        f"classification: mean {statistics.mean(times):.2f} ms, p95 {p95:.2f} ms, "
        f"CPU {cpu:.2f} ms per article (goal < 5 ms)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
