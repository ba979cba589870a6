"""Issue #19, end to end as a new user runs it: a fresh data folder, `newsdigest init`,
`newsdigest doctor`, `newsdigest run`, each a real child process of the installed command
line. The fake Bot API stands in for Telegram and a loopback server for the feed sites
(the feed catalogue `init` wrote is pointed at it): one site serves its real feed, one is
broken (HTTP 500), the others answer 404. Doctor names the broken feed and goes on; the bot
posts a story the site publishes after the start to the chat that subscribed, and never
the bundled demo stories. Run with `-s` to see the commands' output."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path

from tests.fake_telegram import FakeTelegram
from tests.feed_sites import Answer, feed_sites, forabi_feed

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "555123:FIRST-RUN-token-abcdefghijklmnopq"
ALICE = 7001
GOOD = "https://aitnews.com/feed/"
BROKEN = "https://arabhardware.net/news/feed"
NEW_STORY = "ما الجديد في الإصدار القادم من JavaScript"  # forabi.net's 2nd newest item


async def newsdigest(env: Mapping[str, str], *argv: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        *argv,
        cwd=ROOT,
        env=dict(env),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(process.communicate(), 120)
    text = out.decode("utf-8")
    print(f"$ newsdigest {' '.join(argv)}\n{text}(exit code {process.returncode})\n")
    return process.returncode or 0, text


def plain(text: str) -> str:
    """Without the bidi isolates the formatter puts around Latin words."""
    return "".join(ch for ch in text if ch not in "\u2066\u2067\u2068\u2069\u200e\u200f")


async def wait_until(predicate, timeout: float = 40.0) -> None:  # type: ignore[no-untyped-def]
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("timed out waiting")
        await asyncio.sleep(0.1)


async def test_init_doctor_run_posts_real_news_to_a_subscribed_chat(tmp_path: Path) -> None:
    data = tmp_path / "home" / ".local" / "share"
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSDIGEST_")}
    env.update(XDG_DATA_HOME=str(data), COLUMNS="160")
    folder = data / "newsdigest"

    async with feed_sites() as sites, FakeTelegram(TOKEN) as telegram:
        telegram.add_user(ALICE, language_code="ar")
        telegram.add_chat(ALICE, "private")
        env.update(NEWSDIGEST_TELEGRAM_TOKEN=TOKEN, NEWSDIGEST_TELEGRAM_API_URL=telegram.api_url)
        # The site as it was before it published its two newest stories.
        sites.serve(GOOD, Answer(forabi_feed(sites, drop_newest=2)))
        sites.serve(BROKEN, Answer(status=500))

        code, out = await newsdigest(env, "init", "--non-interactive", "--poll-minutes", "0.05")
        assert code == 0 and f"wrote {folder / 'settings.yaml'}" in out
        code, again = await newsdigest(env, "init", "--non-interactive")
        assert code == 1 and "--force" in again  # never overwritten silently

        # The feed sites live on the loopback stand-in in this test.
        catalogue = folder / "feeds.yaml"
        text = catalogue.read_text(encoding="utf-8")
        real_urls = re.findall(r"url: (https://\S+)", text)
        assert GOOD in real_urls and BROKEN in real_urls and len(real_urls) >= 10
        for url in real_urls:
            text = text.replace(f"url: {url}\n", f"url: {sites.local(url)}\n")
        catalogue.write_text(text, encoding="utf-8")

        code, report = await newsdigest(env, "doctor", "--timeout", "3")
        assert code == 1  # the broken feeds fail their lines...
        lines = report.splitlines()
        broken = next(line for line in lines if sites.local(BROKEN) in line)
        assert broken.startswith("[FAIL] feed عرب هاردوير") and "500" in broken
        good = next(line for line in lines if sites.local(GOOD) in line)
        assert good.startswith(("[ok  ]", "[warn]")) and "6 items" in good and "Arabic" in good
        assert any(line.startswith("[ok  ] telegram") and "@" in line for line in lines)
        # ...and every feed after them was still checked, the report is complete.
        assert sum(1 for line in lines if line.startswith("[") and "] feed " in line) == len(
            real_urls
        )
        assert "health port" in report and "feeds working: 1 of 12" in report

        fetched_before_run = sites.requests.count("/aitnews.com/feed/")
        bot = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.cli",
            "run",
            cwd=ROOT,
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            await wait_until(lambda: any(c.method == "getUpdates" for c in telegram.calls))
            telegram.push_command(ALICE, ALICE, "/subscribe software")
            await wait_until(lambda: len(telegram.messages_to(ALICE)) >= 1)
            # The first poll remembered the site's existing stories; it now publishes two.
            await wait_until(
                lambda: sites.requests.count("/aitnews.com/feed/") > fetched_before_run
            )
            sites.serve(GOOD, Answer(forabi_feed(sites)))
            await wait_until(
                lambda: any(NEW_STORY in plain(m.text) for m in telegram.messages_to(ALICE))
            )
            await asyncio.sleep(1.5)  # a further poll round must not repeat it
        finally:
            bot.terminate()
            _, err = await asyncio.wait_for(bot.communicate(), 30)
            print(f"$ newsdigest run   (stopped with SIGTERM)\n{err.decode()}")
        texts = [plain(m.text) for m in telegram.messages_to(ALICE)]
        print("messages to the subscribed chat:\n" + "\n---\n".join(texts))
        stories = [t for t in texts if NEW_STORY in t]
        assert len(stories) == 1 and "•" in stories[0]
        assert not any("DeepSeek" in t for t in texts)  # the demo's samples stay out of run
        assert bot.returncode == 0, err.decode()
        assert TOKEN not in err.decode()
