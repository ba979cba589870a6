"""Child process for the concurrency tests: `python -m tests.barrier_child BARRIER ARGS...`.

Imports the whole CLI first (the slow part, which varies by a second or more between
processes), then waits until the file BARRIER exists and runs `newsdigest ARGS...`. Several
children released by one barrier start their real work within about a millisecond of each
other, so races on a shared database actually happen instead of depending on luck.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import alembic.command  # noqa: F401  (imported lazily by migrate: warm it before the barrier)

import bot.bootstrap  # noqa: F401
from bot.cli import main


def _wait_for(barrier: Path, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not barrier.exists():
        if time.monotonic() > deadline:
            raise SystemExit(f"barrier {barrier} never appeared")
        time.sleep(0.0005)


if __name__ == "__main__":
    _wait_for(Path(sys.argv[1]))
    raise SystemExit(main(sys.argv[2:]))
