"""Speed of the fetch, parse and extract phases on this machine. Prints numbers; asserts
nothing (speed goals live here, not in tests).

    .venv/bin/python bench/fetch_parse.py [--feeds 2000] [--concurrency 100]

- parse: every fixture feed in tests/fixtures/feeds through parse_feed;
- fetch: one conditional-GET round over N feeds on a local aiohttp server, a tenth
  changed (200 with a real Arabic feed body), the rest answering 304;
- extract: the article fixtures through extract_article.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sys
import time
from pathlib import Path

from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from digest.errors import ParseError  # noqa: E402
from digest.extract import extract_article  # noqa: E402
from digest.fetch import HttpFetcher  # noqa: E402
from digest.models import FetchStatus  # noqa: E402
from digest.netguard import AddressPolicy  # noqa: E402
from digest.parse import parse_feed  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"


def bench_parse() -> None:
    files = [
        p
        for p in sorted((FIXTURES / "feeds").rglob("*"))
        if p.is_file() and not p.name.endswith((".json", ".md", ".csv"))
    ]
    blobs = [p.read_bytes() for p in files]
    started = time.perf_counter()
    entries = errors = 0
    for blob in blobs:
        try:
            entries += len(parse_feed(blob, url="https://bench.example/feed").entries)
        except ParseError:
            errors += 1
    elapsed = time.perf_counter() - started
    size = sum(map(len, blobs)) / 1e6
    print(
        f"parse: {len(blobs)} documents, {size:.1f} MB, {entries} entries, {errors} ParseError "
        f"in {elapsed:.2f} s ({size / elapsed:.1f} MB/s, {entries / elapsed:.0f} entries/s)"
    )


def bench_extract() -> None:
    pages = sorted((FIXTURES / "articles").rglob("*.html"))
    blobs = [p.read_bytes() for p in pages]
    extract_article(blobs[0], url=None)  # imports and lazy initialisation
    started = time.perf_counter()
    chars = sum(len(extract_article(blob, url=None).text) for blob in blobs)
    elapsed = time.perf_counter() - started
    print(
        f"extract: {len(blobs)} pages in {elapsed:.2f} s "
        f"({1000 * elapsed / len(blobs):.0f} ms/page, {chars} chars of text)"
    )


async def bench_fetch(feeds: int, concurrency: int) -> None:
    body = (FIXTURES / "feeds" / "arabic" / "forabi_net__index.xml").read_bytes()

    async def feed(request: web.Request) -> web.StreamResponse:
        number = int(request.match_info["n"])
        etag = f'"{number}-v1"'
        if number % 10 != 0 and request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(body=body, content_type="application/rss+xml", headers={"ETag": etag})

    app = web.Application()
    app.router.add_get("/feed/{n}.xml", feed)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    gate = asyncio.Semaphore(concurrency)
    counts = {FetchStatus.OK: 0, FetchStatus.NOT_MODIFIED: 0}

    async with HttpFetcher(policy=AddressPolicy(allow_private=True), timeout=30) as fetcher:

        async def one(number: int) -> None:
            async with gate:
                result = await fetcher.fetch(
                    f"http://127.0.0.1:{port}/feed/{number}.xml",
                    etag=f'"{number}-v1"',
                    last_modified=None,
                )
                counts[result.status] += 1
                if result.status is FetchStatus.OK:
                    parse_feed(result.content, url=result.requested_url)

        started = time.perf_counter()
        await asyncio.gather(*(one(n) for n in range(feeds)))
        elapsed = time.perf_counter() - started
    await runner.cleanup()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"fetch: {feeds} feeds ({counts[FetchStatus.OK]} changed and parsed, "
        f"{counts[FetchStatus.NOT_MODIFIED]} not modified), concurrency {concurrency}: "
        f"round {elapsed:.2f} s ({feeds / elapsed:.0f} feeds/s); peak RSS {peak_mb:.0f} MB "
        "(server in the same process)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--feeds", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=100)
    args = parser.parse_args()
    bench_parse()
    bench_extract()
    asyncio.run(bench_fetch(args.feeds, args.concurrency))


if __name__ == "__main__":
    main()
