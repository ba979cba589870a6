"""Settings: a YAML file (NEWSDIGEST_CONFIG or --config) plus environment variables.

Environment variables win over the file. Secrets (bot tokens, API keys) are read from
the environment only, never from the file, and never appear in `repr` or logs.
Every problem raises ConfigError naming the file and the field.
"""

from __future__ import annotations

import difflib
import math
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from platformdirs import user_data_dir

from digest.defaults import config_dir
from digest.errors import ConfigError
from digest.models import FeedConfig

from .owner import parse_owner_ids

DEFAULT_CONFIG_DIR = config_dir()


@dataclass(frozen=True)
class Secret:
    """A value that must not be printed."""

    value: str

    def __repr__(self) -> str:
        return "Secret('***')"

    def __str__(self) -> str:
        return "***"

    def __bool__(self) -> bool:
        return bool(self.value)


@dataclass(frozen=True)
class FetchSettings:
    timeout_seconds: float = 20.0
    max_bytes: int = 5_000_000
    user_agent: str = "newsdigest/0.1 (+https://github.com/newsdigest/newsdigest)"
    max_redirects: int = 5
    # Feeds come from the operator, so private hosts are allowed for them by default;
    # URLs typed by chat users (/summary) are checked against `allow_private_urls`.
    allow_private_feeds: bool = True
    allow_private_urls: bool = False
    allowed_hosts: frozenset[str] = frozenset()
    full_text: bool = True  # fetch the article page when a feed item carries only a teaser
    full_text_min_chars: int = 400


@dataclass(frozen=True)
class PollSettings:
    interval_minutes: float = 15.0
    # On a feed's first fetch, its existing items are remembered but not posted,
    # unless the feed (or this default) says announce_backlog.
    announce_backlog: bool = False
    max_failures: int = 10  # a run of failures this long disables the feed
    backoff_base_seconds: float = 60.0
    backoff_max_seconds: float = 6 * 3600.0
    max_items_per_feed: int = 50
    # `run` also polls the feeds marked `sample: true` (the bundled demo feeds).
    sample_feeds: bool = False


@dataclass(frozen=True)
class OwnFeedSettings:
    """Feeds chats add themselves (/addfeed, /news feed add)."""

    enabled: bool = True
    max_per_chat: int = 20  # own feeds one chat may follow
    max_total: int = 2000  # feeds only chats added, over all chats (each one is polled)
    discovery_timeout_seconds: float = 60.0  # finding and reading the feed, all fetches
    cooldown_seconds: float = 10.0  # between two additions by one user (each fetches)


@dataclass(frozen=True)
class LLMSettings:
    url: str | None = None  # OpenAI-compatible base URL, e.g. http://127.0.0.1:8080/v1
    model: str | None = None
    api_key: Secret = Secret("")
    timeout_seconds: float = 30.0


@dataclass(frozen=True)
class TelegramSettings:
    token: Secret = Secret("")
    api_url: str = "https://api.telegram.org"


@dataclass(frozen=True)
class TelegraphSettings:
    """Optional reading pages on telegra.ph for long articles (Telegram posts link them)."""

    token: Secret = Secret("")  # an account's access_token; environment only
    api_url: str = "https://api.telegra.ph"
    min_chars: int = 2500  # articles at least this long get a page
    author_name: str = "newsdigest"


@dataclass(frozen=True)
class DiscordSettings:
    token: Secret = Secret("")
    api_url: str | None = None  # None: discord.py's default REST base


@dataclass(frozen=True)
class Settings:
    database_url: str
    feeds: tuple[FeedConfig, ...]
    feed_announce_backlog: frozenset[str] = frozenset()
    topics_path: Path = DEFAULT_CONFIG_DIR / "topics.yaml"
    language: str = "ar"
    timezone: str = "UTC"
    fetch: FetchSettings = field(default_factory=FetchSettings)
    poll: PollSettings = field(default_factory=PollSettings)
    own_feeds: OwnFeedSettings = field(default_factory=OwnFeedSettings)
    llm: LLMSettings = field(default_factory=LLMSettings)
    telegram: TelegramSettings = field(default_factory=TelegramSettings)
    discord: DiscordSettings = field(default_factory=DiscordSettings)
    telegraph: TelegraphSettings = field(default_factory=TelegraphSettings)
    http_port: int | None = None  # /healthz and /metrics when set
    source_path: Path | None = None
    # NEWSDIGEST_OWNER_IDS: user ids that may use /stats and /feeds disable|enable.
    owner_ids: frozenset[str] = frozenset()


def user_data_folder() -> Path:
    """Where newsdigest keeps its data by default (~/.local/share/newsdigest on Linux);
    the only place where a missing database folder is created unasked."""
    return Path(user_data_dir("newsdigest", appauthor=False))


def default_database_url() -> str:
    return f"sqlite:///{user_data_folder() / 'newsdigest.sqlite3'}"


def default_config_path(environ: Mapping[str, str] | None = None) -> Path:
    """Which settings file is read when none is given: $NEWSDIGEST_CONFIG, else the one
    `newsdigest init` wrote in the user data folder, else the bundled example."""
    environ = os.environ if environ is None else environ
    if environ.get("NEWSDIGEST_CONFIG"):
        return Path(environ["NEWSDIGEST_CONFIG"]).expanduser()
    written = user_data_folder() / "settings.yaml"
    if written.is_file():
        return written
    return DEFAULT_CONFIG_DIR / "settings.example.yaml"


def load_settings(
    path: Path | str | None = None, *, env: Mapping[str, str] | None = None
) -> Settings:
    """Read settings. `path` defaults to $NEWSDIGEST_CONFIG, then the settings.yaml that
    `newsdigest init` wrote in the user data folder, then config/settings.example.yaml
    shipped with the project. Raises ConfigError."""
    environ = os.environ if env is None else env
    config_path = Path(path).expanduser() if path else default_config_path(environ)
    raw = _read_yaml(config_path)
    where = str(config_path)
    base = config_path.parent
    _refuse_secrets(raw, where)
    _refuse_unknown(raw, _TOP_LEVEL_KEYS, where, "")
    for name, known in _SECTION_KEYS.items():
        _refuse_unknown(_section(raw, name, where), known, where, f"{name}.")

    fetch = _fetch_settings(_section(raw, "fetch", where), where)
    poll = _poll_settings(_section(raw, "poll", where), where)
    own_feeds = _own_feed_settings(_section(raw, "own_feeds", where), where)
    feeds_file = raw.get("feeds_file", "feeds.yaml")
    feeds, backlog = load_feeds(_resolve(base, _str(feeds_file, f"{where}: feeds_file")))

    topics_path = _resolve(
        base, _str(raw.get("topics_file", "topics.yaml"), f"{where}: topics_file")
    )
    if not topics_path.exists():
        raise ConfigError(f"{where}: topics_file: {topics_path} does not exist")

    database_url = environ.get("NEWSDIGEST_DATABASE_URL") or raw.get("database_url")
    if database_url is None:
        database_url = default_database_url()
    database_url = _str(database_url, f"{where}: database_url")
    if database_url.startswith("sqlite:///") and not database_url.startswith("sqlite:////"):
        relative = database_url.removeprefix("sqlite:///")
        if relative and relative != ":memory:":
            database_url = f"sqlite:///{_resolve(base, relative)}"
    _check_database_url(database_url, f"{where}: database_url")

    language = _str(raw.get("language", "ar"), f"{where}: language")
    if language not in {"ar", "en"}:
        raise ConfigError(f"{where}: language: must be 'ar' or 'en', not {language!r}")
    timezone = _str(raw.get("timezone", "UTC"), f"{where}: timezone")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"{where}: timezone: unknown time zone {timezone!r}") from exc

    llm_raw = _section(raw, "llm", where)
    llm = LLMSettings(
        url=_optional_str(
            environ.get("NEWSDIGEST_LLM_URL") or llm_raw.get("url"), f"{where}: llm.url"
        ),
        model=_optional_str(
            environ.get("NEWSDIGEST_LLM_MODEL") or llm_raw.get("model"), f"{where}: llm.model"
        ),
        api_key=Secret(environ.get("NEWSDIGEST_LLM_API_KEY", "")),
        timeout_seconds=_number(
            llm_raw.get("timeout_seconds", 30.0),
            f"{where}: llm.timeout_seconds",
            positive=True,
            maximum=3600,
        ),
    )
    if llm.url and not llm.model:
        raise ConfigError(f"{where}: llm.model: required when llm.url is set")

    telegram_raw = _section(raw, "telegram", where)
    telegram = TelegramSettings(
        token=Secret(environ.get("NEWSDIGEST_TELEGRAM_TOKEN", "")),
        api_url=(
            _optional_str(
                environ.get("NEWSDIGEST_TELEGRAM_API_URL") or telegram_raw.get("api_url"),
                f"{where}: telegram.api_url",
            )
            or "https://api.telegram.org"
        ).rstrip("/"),
    )
    discord_raw = _section(raw, "discord", where)
    discord = DiscordSettings(
        token=Secret(environ.get("NEWSDIGEST_DISCORD_TOKEN", "")),
        api_url=_optional_str(
            environ.get("NEWSDIGEST_DISCORD_API_URL") or discord_raw.get("api_url"),
            f"{where}: discord.api_url",
        ),
    )

    telegraph_raw = _section(raw, "telegraph", where)
    telegraph = TelegraphSettings(
        token=Secret(environ.get("NEWSDIGEST_TELEGRAPH_TOKEN", "")),
        api_url=(
            _optional_str(
                environ.get("NEWSDIGEST_TELEGRAPH_API_URL") or telegraph_raw.get("api_url"),
                f"{where}: telegraph.api_url",
            )
            or TelegraphSettings.api_url
        ).rstrip("/"),
        min_chars=_whole(
            telegraph_raw.get("min_chars", TelegraphSettings.min_chars),
            f"{where}: telegraph.min_chars",
            minimum=1,
            maximum=1_000_000,
        ),
        author_name=_optional_str(
            telegraph_raw.get("author_name"), f"{where}: telegraph.author_name"
        )
        or TelegraphSettings.author_name,
    )

    port_raw = environ.get("NEWSDIGEST_HTTP_PORT") or raw.get("http_port")
    http_port = (
        None
        if port_raw in (None, "")
        else _whole(port_raw, f"{where}: http_port", minimum=1, maximum=65535)
    )

    try:
        owner_ids = parse_owner_ids(environ.get("NEWSDIGEST_OWNER_IDS", ""))
    except ValueError as exc:
        raise ConfigError(f"NEWSDIGEST_OWNER_IDS: {exc}") from exc

    return Settings(
        database_url=database_url,
        feeds=feeds,
        feed_announce_backlog=backlog,
        topics_path=topics_path,
        language=language,
        timezone=timezone,
        fetch=fetch,
        poll=poll,
        own_feeds=own_feeds,
        llm=llm,
        telegram=telegram,
        discord=discord,
        telegraph=telegraph,
        http_port=http_port,
        source_path=config_path,
        owner_ids=owner_ids,
    )


def load_feeds(path: Path) -> tuple[tuple[FeedConfig, ...], frozenset[str]]:
    """Read the feed list. Relative file paths are resolved against the file's folder.
    Returns the feeds and the URLs whose existing items are announced on first fetch."""
    raw = _read_yaml(path)
    where = str(path)
    _refuse_unknown(raw, {"feeds"}, where, "")
    items = raw.get("feeds")
    if not isinstance(items, list) or not items:
        raise ConfigError(f"{where}: feeds: expected a non-empty list")
    configs: list[FeedConfig] = []
    backlog: set[str] = set()
    seen: set[str] = set()
    for index, item in enumerate(items):
        field_where = f"{where}: feeds[{index}]"
        if not isinstance(item, dict):
            raise ConfigError(f"{field_where}: expected a mapping with 'url'")
        url = _str(item.get("url"), f"{field_where}.url")
        if "://" not in url:
            url = str(_resolve(path.parent, url))
        elif not url.startswith(("http://", "https://", "file://")):
            raise ConfigError(f"{field_where}.url: only http(s), file:// or a path, not {url!r}")
        if url in seen:
            raise ConfigError(f"{field_where}.url: {url} is listed twice")
        seen.add(url)
        unknown = set(item) - {
            "url",
            "name",
            "enabled",
            "tech_only",
            "language",
            "announce_backlog",
            "sample",
        }
        if unknown:
            raise ConfigError(f"{field_where}: unknown field(s) {', '.join(sorted(unknown))}")
        configs.append(
            FeedConfig(
                url=url,
                name=_optional_str(item.get("name"), f"{field_where}.name"),
                enabled=_bool(item.get("enabled", True), f"{field_where}.enabled"),
                tech_only=_bool(item.get("tech_only", False), f"{field_where}.tech_only"),
                language=_str(item.get("language", "ar"), f"{field_where}.language"),
                sample=_bool(item.get("sample", False), f"{field_where}.sample"),
            )
        )
        if _bool(item.get("announce_backlog", False), f"{field_where}.announce_backlog"):
            backlog.add(url)
    return tuple(configs), frozenset(backlog)


def _fetch_settings(raw: Mapping[str, Any], where: str) -> FetchSettings:
    d = FetchSettings()
    hosts = raw.get("allowed_hosts", [])
    if not isinstance(hosts, list) or not all(isinstance(h, str) for h in hosts):
        raise ConfigError(f"{where}: fetch.allowed_hosts: expected a list of host names")
    return FetchSettings(
        timeout_seconds=_number(
            raw.get("timeout_seconds", d.timeout_seconds),
            f"{where}: fetch.timeout_seconds",
            positive=True,
            maximum=600,
        ),
        max_bytes=_whole(
            raw.get("max_bytes", d.max_bytes),
            f"{where}: fetch.max_bytes",
            minimum=1,
            maximum=1_000_000_000,
        ),
        user_agent=_str(raw.get("user_agent", d.user_agent), f"{where}: fetch.user_agent"),
        max_redirects=_whole(
            raw.get("max_redirects", d.max_redirects),
            f"{where}: fetch.max_redirects",
            minimum=0,
            maximum=30,
        ),
        allow_private_feeds=_bool(
            raw.get("allow_private_feeds", d.allow_private_feeds),
            f"{where}: fetch.allow_private_feeds",
        ),
        allow_private_urls=_bool(
            raw.get("allow_private_urls", d.allow_private_urls),
            f"{where}: fetch.allow_private_urls",
        ),
        allowed_hosts=frozenset(h.strip().lower() for h in hosts),
        full_text=_bool(raw.get("full_text", d.full_text), f"{where}: fetch.full_text"),
        full_text_min_chars=_whole(
            raw.get("full_text_min_chars", d.full_text_min_chars),
            f"{where}: fetch.full_text_min_chars",
            minimum=0,
            maximum=1_000_000,
        ),
    )


def _poll_settings(raw: Mapping[str, Any], where: str) -> PollSettings:
    d = PollSettings()
    base = _number(
        raw.get("backoff_base_seconds", d.backoff_base_seconds),
        f"{where}: poll.backoff_base_seconds",
        positive=True,
        maximum=7 * 86400,
    )
    most = _number(
        raw.get("backoff_max_seconds", d.backoff_max_seconds),
        f"{where}: poll.backoff_max_seconds",
        positive=True,
        maximum=30 * 86400,
    )
    if most < base:
        raise ConfigError(
            f"{where}: poll.backoff_max_seconds: must be at least backoff_base_seconds "
            f"({base:g}), got {most:g}"
        )
    return PollSettings(
        interval_minutes=_number(
            raw.get("interval_minutes", d.interval_minutes),
            f"{where}: poll.interval_minutes",
            positive=True,
            maximum=7 * 24 * 60,
        ),
        announce_backlog=_bool(
            raw.get("announce_backlog", d.announce_backlog), f"{where}: poll.announce_backlog"
        ),
        max_failures=_whole(
            raw.get("max_failures", d.max_failures),
            f"{where}: poll.max_failures",
            minimum=1,
            maximum=1_000_000,
        ),
        backoff_base_seconds=base,
        backoff_max_seconds=most,
        max_items_per_feed=_whole(
            raw.get("max_items_per_feed", d.max_items_per_feed),
            f"{where}: poll.max_items_per_feed",
            minimum=1,
            maximum=100_000,
        ),
        sample_feeds=_bool(raw.get("sample_feeds", d.sample_feeds), f"{where}: poll.sample_feeds"),
    )


def _own_feed_settings(raw: Mapping[str, Any], where: str) -> OwnFeedSettings:
    d = OwnFeedSettings()

    def count(key: str, default: int) -> int:
        value = raw.get(key, default)
        return _whole(value, f"{where}: own_feeds.{key}", minimum=0, maximum=1_000_000)

    return OwnFeedSettings(
        enabled=_bool(raw.get("enabled", d.enabled), f"{where}: own_feeds.enabled"),
        max_per_chat=count("max_per_chat", d.max_per_chat),
        max_total=count("max_total", d.max_total),
        discovery_timeout_seconds=_number(
            raw.get("discovery_timeout_seconds", d.discovery_timeout_seconds),
            f"{where}: own_feeds.discovery_timeout_seconds",
            positive=True,
            maximum=600,
        ),
        cooldown_seconds=_number(
            raw.get("cooldown_seconds", d.cooldown_seconds),
            f"{where}: own_feeds.cooldown_seconds",
            minimum=0,
            maximum=86400,
        ),
    )


# Keys a settings file may hold. The sections follow their dataclasses, so a field added
# there is known here at once; secrets are refused separately (_SECRET_KEYS).
_SECRET_KEYS = {
    "telegram": ("token", "NEWSDIGEST_TELEGRAM_TOKEN"),
    "discord": ("token", "NEWSDIGEST_DISCORD_TOKEN"),
    "llm": ("api_key", "NEWSDIGEST_LLM_API_KEY"),
    "telegraph": ("token", "NEWSDIGEST_TELEGRAPH_TOKEN"),
}
_SECTION_KEYS: dict[str, frozenset[str]] = {
    "fetch": frozenset(f.name for f in fields(FetchSettings)),
    "poll": frozenset(f.name for f in fields(PollSettings)),
    "own_feeds": frozenset(f.name for f in fields(OwnFeedSettings)),
    "llm": frozenset(f.name for f in fields(LLMSettings)) - {"api_key"},
    "telegram": frozenset(f.name for f in fields(TelegramSettings)) - {"token"},
    "discord": frozenset(f.name for f in fields(DiscordSettings)) - {"token"},
    "telegraph": frozenset(f.name for f in fields(TelegraphSettings)) - {"token"},
}
_TOP_LEVEL_KEYS = frozenset(
    {"feeds_file", "topics_file", "database_url", "language", "timezone", "http_port"}
    | set(_SECTION_KEYS)
)
MAX_CONFIG_BYTES = 4_000_000  # a settings or feeds file is a few kB; this is a hostile one


def _refuse_secrets(raw: Mapping[str, Any], where: str) -> None:
    for section, (key, variable) in _SECRET_KEYS.items():
        if key in _section(raw, section, where):
            what = "tokens" if key == "token" else "API keys"
            raise ConfigError(
                f"{where}: {section}.{key}: {what} are read from the environment only "
                f"({variable}), remove it from the file"
            )


def _refuse_unknown(raw: Mapping[str, Any], known: Iterable[str], where: str, prefix: str) -> None:
    """A misspelt key (databse_url) would silently leave the default in force: refuse
    it, suggesting the nearest known key."""
    names = sorted(known)
    for key in raw:
        if key in names:
            continue
        text = str(key)
        close = difflib.get_close_matches(text, names, n=1, cutoff=0.6)
        hint = f" (did you mean {prefix}{close[0]}?)" if close else ""
        raise ConfigError(
            f"{where}: {prefix}{text[:80]}: unknown setting{hint}; "
            f"known: {', '.join(prefix + n for n in names)}"
        )


def _check_database_url(url: str, where: str) -> None:
    """The URL parses and names a database kind SQLAlchemy knows (the driver itself is
    imported when the database is opened)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    try:
        make_url(url).get_dialect()
    except (ArgumentError, NoSuchModuleError, ValueError) as exc:
        raise ConfigError(
            f"{where}: not a database URL SQLAlchemy understands ({exc}); "
            "e.g. sqlite:///path/newsdigest.sqlite3 or postgresql+psycopg://user@host/db"
        ) from exc


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            data_bytes = handle.read(MAX_CONFIG_BYTES + 1)
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: file not found") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from exc
    if len(data_bytes) > MAX_CONFIG_BYTES:
        raise ConfigError(f"{path}: larger than {MAX_CONFIG_BYTES:,} bytes; not a settings file")
    try:
        text = data_bytes.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: invalid YAML: {exc}") from exc
    except RecursionError as exc:  # thousands of nested [ or { : the parser recurses
        raise ConfigError(f"{path}: invalid YAML: nested too deeply") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level")
    return data


def _section(raw: Mapping[str, Any], name: str, where: str) -> Mapping[str, Any]:
    value = raw.get(name, {})
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: {name}: expected a mapping")
    return value


def _resolve(base: Path, value: str) -> Path:
    candidate = Path(value).expanduser()
    return candidate if candidate.is_absolute() else (base / candidate).resolve()


def _str(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}: expected a non-empty string, got {value!r}")
    return value.strip()


def _bool(value: Any, where: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in {"true", "yes", "1", "false", "no", "0"}:
        return value.lower() in {"true", "yes", "1"}
    raise ConfigError(f"{where}: expected true or false, got {value!r}")


def _optional_str(value: Any, where: str) -> str | None:
    return None if value is None else _str(value, where)


def _whole(
    value: Any, where: str, *, minimum: float | None = None, maximum: float | None = None
) -> int:
    """A whole number within [minimum, maximum] (see `_number`). Raises ConfigError."""
    return int(_number(value, where, minimum=minimum, maximum=maximum, integer=True))


def _number(
    value: Any,
    where: str,
    *,
    positive: bool = False,
    minimum: float | None = None,
    maximum: float | None = None,
    integer: bool = False,
) -> float:
    """A finite number (YAML's .inf and .nan are not), optionally whole, greater than
    0 (`positive`) and within [minimum, maximum]. Raises ConfigError naming the field."""
    if isinstance(value, bool):  # YAML true is not 1
        raise ConfigError(f"{where}: expected a number, got {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError) as exc:
        raise ConfigError(f"{where}: expected a number, got {value!r}"[:300]) from exc
    if not math.isfinite(number):
        raise ConfigError(f"{where}: expected a finite number, got {value!r}")
    if integer and not number.is_integer():
        raise ConfigError(f"{where}: expected a whole number, got {value!r}")
    if positive and number <= 0:
        raise ConfigError(f"{where}: must be greater than 0, got {value!r}")
    if minimum is not None and number < minimum:
        raise ConfigError(f"{where}: must be at least {minimum:g}, got {value!r}")
    if maximum is not None and number > maximum:
        raise ConfigError(f"{where}: must be at most {maximum:g}, got {value!r}")
    return number
