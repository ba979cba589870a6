"""Summarizer speed: articles/s and latency percentiles on the EASC articles, ours vs
sumy LexRank (over our sentence splitter and tokenizer), in the same run, on one core.

Run: ``python bench/summarize.py [--corpus ../shared/corpora/easc/dev.jsonl] [--rounds 3]``
"""

from __future__ import annotations

import os

# one core for numpy too (sumy's LexRank uses it); must be set before numpy is imported
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from digest.eval.summaries import EvalArticle, load_corpus, sumy_method  # noqa: E402
from digest.sentences import segment  # noqa: E402
from digest.summarize import ExtractiveSummarizer  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "easc" / "dev.jsonl"


def _pin_to_one_core(cpu: int | None) -> str:
    if hasattr(os, "sched_setaffinity"):
        if cpu is None:
            cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    return "not pinned (no sched_setaffinity)"


def _percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def _measure(
    articles: Sequence[EvalArticle],
    runs: Sequence[Callable[[EvalArticle], object]],
    rounds: int,
    clock: Callable[[], float],
    statistic: Callable[[Sequence[float]], float],
) -> list[list[float]]:
    """Per-article latency of each run: `statistic` (min by default) of `rounds`
    timings, so that a preemption or a cache flushed by another process on a shared
    machine does not count as either side's time. The runs alternate article by article
    so that both see the same machine load, and both are warmed up on every article
    first (imports, regex compilation, caches: ours keeps a term cache, LexRank's
    stemmer and numpy have their own)."""
    for article in articles:
        for run in runs:
            run(article)
    samples: list[list[list[float]]] = [[[] for _ in articles] for _ in runs]
    for round_number in range(rounds):
        for article_number, article in enumerate(articles):
            order = list(range(len(runs)))
            if (round_number + article_number) % 2:
                order.reverse()
            for index in order:
                start = clock()
                runs[index](article)
                samples[index][article_number].append(clock() - start)
    return [[statistic(timings) for timings in per_run] for per_run in samples]


def _line(name: str, latencies: Sequence[float]) -> str:
    total = sum(latencies)
    return (
        f"{name:<26}{len(latencies) / total:>10.1f}{1000 * statistics.median(latencies):>10.2f}"
        f"{1000 * _percentile(latencies, 0.95):>10.2f}{1000 * max(latencies):>10.2f}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--rounds", type=int, default=5, help="timings per article")
    parser.add_argument("--cpu", type=int, default=None, help="CPU to pin to")
    parser.add_argument(
        "--wall",
        action="store_true",
        help="time with the wall clock instead of this process's CPU time (CPU time is "
        "the default: on a shared machine it does not count time spent preempted)",
    )
    parser.add_argument(
        "--statistic",
        choices=("min", "median"),
        default="min",
        help="per-article statistic of the timings, the same for both sides (min: the "
        "run least disturbed by other processes)",
    )
    args = parser.parse_args(argv)
    if not args.corpus.exists():
        print(f"error: corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    pinned = _pin_to_one_core(args.cpu)
    articles = load_corpus(args.corpus)
    ours = ExtractiveSummarizer()

    def run_ours(article: EvalArticle) -> object:
        return ours.summarize(article.title, article.text)

    lexrank = sumy_method("lexrank")

    def run_lexrank(article: EvalArticle) -> object:
        # the same job: split the article, pick 5 sentences
        return lexrank(article, segment(article.text), 5, None)

    clock = time.perf_counter if args.wall else time.process_time
    statistic = min if args.statistic == "min" else statistics.median
    ours_latencies, lexrank_latencies = _measure(
        articles, [run_ours, run_lexrank], args.rounds, clock, statistic
    )
    print(
        f"Summarizer speed on {len(articles)} EASC articles, {args.statistic} of {args.rounds} "
        f"timings per article ({'wall clock' if args.wall else 'process CPU time'}), "
        f"one process, {pinned}"
    )
    print(f"{'method':<26}{'art/s':>10}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}")
    print(_line("ours (extractive, bullets)", ours_latencies))
    print(_line("sumy LexRank (5 sentences)", lexrank_latencies))
    speedup = (sum(lexrank_latencies) / len(lexrank_latencies)) / (
        sum(ours_latencies) / len(ours_latencies)
    )
    print(f"speed-up (mean latency, LexRank / ours): {speedup:.1f}x")
    print(f"ours p95 per article: {1000 * _percentile(ours_latencies, 0.95):.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
