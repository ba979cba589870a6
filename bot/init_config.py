"""`newsdigest init`: a first, commented settings file for a new operator.

Writes `settings.yaml` and the feed catalogue `feeds.yaml` into the user data folder
(`~/.local/share/newsdigest` on Linux; `--dir` elsewhere), which every command then reads
by default (see `bot.settings.default_config_path`). The catalogue is the bundled feed
list without the demo samples, grouped: Arabic technology sites, then general news sites
whose technology stories only are kept (`tech_only`). Asks nothing that has a good
default: on a terminal it offers the few usual choices (Enter keeps the default), with
`--non-interactive` (or no terminal) it asks nothing at all. Never overwrites an existing
file without `--force`. Tokens are not written: they are read from the environment only.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from digest.errors import ConfigError
from digest.models import FeedConfig

from .settings import DEFAULT_CONFIG_DIR, load_feeds, user_data_folder


@dataclass(frozen=True)
class InitChoices:
    """What a new operator usually changes; everything else keeps its default."""

    language: str = "ar"
    timezone: str = "UTC"
    poll_minutes: float = 15.0


def add_init_parser(sub: Any) -> None:
    i = sub.add_parser("init", help="write a first settings file in the user data folder")
    i.add_argument(
        "--dir",
        type=Path,
        default=None,
        help="folder to write into (default: the user data folder)",
    )
    i.add_argument("--force", action="store_true", help="overwrite existing files")
    i.add_argument(
        "--non-interactive", action="store_true", help="ask nothing; use flags and defaults"
    )
    i.add_argument("--language", choices=("ar", "en"), default=None)
    i.add_argument("--timezone", default=None, help="e.g. Asia/Riyadh (default UTC)")
    i.add_argument("--poll-minutes", type=float, default=None, help="default 15")


def validate(choices: InitChoices) -> InitChoices:
    """The choices, or ConfigError naming the bad one. Pure."""
    if choices.language not in ("ar", "en"):
        raise ConfigError(f"language: must be ar or en, not {choices.language!r}")
    try:
        ZoneInfo(choices.timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"timezone: unknown time zone {choices.timezone!r}") from exc
    if not 0 < choices.poll_minutes <= 24 * 60:
        raise ConfigError(f"poll interval: 0 < minutes <= 1440, not {choices.poll_minutes}")
    return choices


def ask(
    defaults: InitChoices, prompt: Callable[[str], str], out: Callable[[str], None]
) -> InitChoices:
    """Offer each usual choice with its default (Enter keeps it); a bad answer is asked
    again."""

    def one(question: str, default: str, ok: Callable[[str], bool]) -> str:
        while True:
            answer = prompt(f"{question} [{default}]: ").strip() or default
            if ok(answer):
                return answer
            out(f"  not valid: {answer!r}")

    def is_zone(value: str) -> bool:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            return False
        return True

    def is_minutes(value: str) -> bool:
        try:
            return 0 < float(value) <= 24 * 60
        except ValueError:
            return False

    language = one(
        "Reply language for new chats / لغة الردود (ar, en)",
        defaults.language,
        lambda v: v in ("ar", "en"),
    )
    timezone = one("Time zone of daily digests (e.g. Asia/Riyadh)", defaults.timezone, is_zone)
    minutes = one("Minutes between feed polls", f"{defaults.poll_minutes:g}", is_minutes)
    return InitChoices(language=language, timezone=timezone, poll_minutes=float(minutes))


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar (names may hold ':' or '#')."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def feeds_text(feeds: Sequence[FeedConfig], today: date) -> str:
    """The feed catalogue file: the real feeds grouped, the samples left out. Pure."""
    tech = [f for f in feeds if not f.sample and not f.tech_only]
    general = [f for f in feeds if not f.sample and f.tech_only]
    lines = [
        f"# Feeds `newsdigest run` polls. Written by `newsdigest init` on {today.isoformat()}.",
        "# `newsdigest doctor` fetches each enabled feed once and tells which work from",
        "# here; set `enabled: false` on those that do not, add your own the same way.",
        "# Fields: url, name, enabled (default true), tech_only (keep only technology",
        "# stories), language (ar or en), announce_backlog (post the items already in the",
        "# feed on its first fetch; default: post only newer ones).",
        "feeds:",
        "  # Arabic technology sites: every story is posted (filtered by each chat's topics).",
    ]
    for feed in tech:
        lines += _feed_lines(feed)
    lines += ["", "  # General news sites: only their technology stories are posted."]
    for feed in general:
        lines += _feed_lines(feed)
    return "\n".join(lines) + "\n"


def _feed_lines(feed: FeedConfig) -> list[str]:
    lines = [f"  - url: {feed.url}"]
    if feed.name:
        lines.append(f"    name: {_quoted(feed.name)}")
    if feed.tech_only:
        lines.append("    tech_only: true")
    if feed.language != "ar":
        lines.append(f"    language: {feed.language}")
    lines.append(f"    enabled: {'true' if feed.enabled else 'false'}")
    return lines


def settings_text(choices: InitChoices, topics_file: Path, today: date) -> str:
    """The commented settings file. Pure."""
    return f"""\
# newsdigest settings, written by `newsdigest init` on {today.isoformat()}.
# Every newsdigest command reads this file unless --config or NEWSDIGEST_CONFIG names
# another. After editing it, run `newsdigest doctor`.
#
# Bot tokens are read from the environment only, never from this file:
#   export NEWSDIGEST_TELEGRAM_TOKEN=123456:ABC...   # from @BotFather
#   export NEWSDIGEST_DISCORD_TOKEN=...              # Discord developer portal

feeds_file: feeds.yaml   # the feed catalogue beside this file
# The topics shipped with newsdigest; copy the file here and point at the copy to edit it.
topics_file: {topics_file}
# database_url: sqlite:///newsdigest.sqlite3   # default: a file in the user data folder

language: {choices.language}   # reply language of new chats (ar or en); each chat: /lang
timezone: {choices.timezone}   # time zone of daily digests; each chat: /schedule 08:30 Asia/Riyadh

# Delivery mode: every chat starts with instant posts, one message per story; a chat's
# admins switch it to a daily digest with /schedule HH:MM, back with /schedule instant.
# Who may change a chat's settings: in a private chat its user; in groups and channels
# the chat's own admins.

poll:
  interval_minutes: {choices.poll_minutes:g}   # how often every feed is fetched
  sample_feeds: false     # true: `run` also posts the bundled demo stories
  max_failures: 10        # a feed failing this many times in a row is switched off

fetch:
  timeout_seconds: 20
  full_text: true             # fetch the article page when a feed item is only a teaser
  allow_private_urls: false   # /summary <url> from chat users: public addresses only

# http_port: 8080   # serve /healthz and /metrics on 127.0.0.1
"""


@dataclass(frozen=True)
class InitResult:
    settings_path: Path
    feeds_path: Path
    feeds: int


def write_config(folder: Path, choices: InitChoices, *, force: bool, today: date) -> InitResult:
    """Write settings.yaml and feeds.yaml into `folder`. Raises FileExistsError naming the
    first existing file unless `force`; ConfigError for bad choices."""
    validate(choices)
    settings_path = folder / "settings.yaml"
    feeds_path = folder / "feeds.yaml"
    if not force:
        for path in (settings_path, feeds_path):
            if path.exists():
                raise FileExistsError(path)
    bundled, _backlog = load_feeds(DEFAULT_CONFIG_DIR / "feeds.yaml")
    catalogue = [f for f in bundled if not f.sample]
    folder.mkdir(parents=True, exist_ok=True)
    feeds_path.write_text(feeds_text(bundled, today), encoding="utf-8")
    settings_path.write_text(
        settings_text(choices, DEFAULT_CONFIG_DIR / "topics.yaml", today), encoding="utf-8"
    )
    return InitResult(settings_path, feeds_path, len(catalogue))


def cmd_init(
    args: argparse.Namespace,
    *,
    prompt: Callable[[str], str] = input,
    interactive: bool | None = None,
) -> int:
    """The `init` command. Returns the exit code (1 when a file exists, 2 bad choice)."""
    folder = (args.dir or user_data_folder()).expanduser()
    given = InitChoices(
        language=args.language or "ar",
        timezone=args.timezone or "UTC",
        poll_minutes=args.poll_minutes or 15.0,
    )
    if interactive is None:
        interactive = not args.non_interactive and sys.stdin.isatty()
    try:
        validate(given)
        for path in (folder / "settings.yaml", folder / "feeds.yaml"):
            if path.exists() and not args.force:
                raise FileExistsError(path)
        if interactive and not (args.language and args.timezone and args.poll_minutes):
            given = ask(given, prompt, print)
        result = write_config(folder, given, force=args.force, today=date.today())
    except FileExistsError as exc:
        print(
            f"newsdigest: {exc.args[0]} exists; not overwritten (use --force to replace it)",
            file=sys.stderr,
        )
        return 1
    except ConfigError as exc:
        print(f"newsdigest: init: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {result.settings_path}")
    print(f"wrote {result.feeds_path} ({result.feeds} feeds)")
    print(
        "next: export NEWSDIGEST_TELEGRAM_TOKEN=..., "
        "then `newsdigest doctor`, then `newsdigest run`"
    )
    return 0
