"""Keeping secrets out of logs: one logging filter for every token and key.

Libraries log request URLs (the Telegram token is part of every Bot API URL; Discord
webhook and interaction tokens are in theirs), so the filter rewrites each record's
message, exception text and stack before any handler formats it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

REDACTED = "[REDACTED]"


class SecretRedactor(logging.Filter):
    """Replaces known secrets, and text of the given secret `shapes`, with [REDACTED].

    shapes: regular expressions whose first group is kept and whose rest of the match is
    the secret (e.g. ``(webhooks/\\d+/)\\S+``), for tokens learned only at run time.
    logger_prefixes: the library loggers `install` attaches to.
    """

    def __init__(
        self,
        secrets: Iterable[str] = (),
        *,
        shapes: Iterable[re.Pattern[str]] = (),
        logger_prefixes: Iterable[str] = (),
    ) -> None:
        super().__init__()
        self._prefixes = tuple(logger_prefixes)
        # Very short values would redact ordinary words; real tokens are long.
        self._secrets = {s for s in secrets if s and len(s) >= 6}
        self._shapes = tuple(shapes)
        self._pattern: re.Pattern[str] | None = None
        self._compile()

    def add_secret(self, secret: str) -> None:
        if secret and len(secret) >= 6 and secret not in self._secrets:
            self._secrets.add(secret)
            self._compile()

    def _compile(self) -> None:
        parts = sorted(self._secrets, key=len, reverse=True)
        self._pattern = re.compile("|".join(re.escape(p) for p in parts)) if parts else None

    def redact(self, text: str) -> str:
        if self._pattern is not None:
            text = self._pattern.sub(REDACTED, text)
        for shape in self._shapes:
            text = shape.sub(rf"\1{REDACTED}", text)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: leave it to logging's own error handling
            return True
        redacted = self.redact(message)
        if redacted != message:
            record.msg = redacted
            record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True

    def install(self, extra_loggers: Iterable[logging.Logger] = ()) -> None:
        """Attach to every logger whose name starts with one of `logger_prefixes` (those
        that exist now, and the prefixes themselves), the root logger's handlers and
        `extra_loggers`. Idempotent."""
        starts = self._prefixes
        names = set(starts) | {
            name for name in logging.root.manager.loggerDict if starts and name.startswith(starts)
        }
        targets: list[logging.Filterer] = [logging.getLogger(name) for name in names]
        targets.extend(extra_loggers)
        targets.extend(logging.getLogger().handlers)
        for target in targets:
            if self not in target.filters:
                target.addFilter(self)

    def uninstall(self) -> None:
        targets: list[logging.Filterer] = [
            logging.getLogger(name) for name in logging.root.manager.loggerDict
        ]
        targets.append(logging.getLogger())
        targets.extend(logging.getLogger().handlers)
        for target in targets:
            target.removeFilter(self)
