"""One `newsdigest run` per SQLite file.

SQLite cannot lease outbox rows to processes the way PostgreSQL does (FOR UPDATE SKIP
LOCKED), so two `run` processes on one file would each post every story. The second is
refused instead, with a message naming the first: an exclusive `flock` on a file beside
the database, held for the life of the process. The kernel drops the lock when the
process dies however it dies (SIGKILL included), so a restart after a crash is never
refused by a stale lock. PostgreSQL databases and in-memory SQLite take no lock.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO

from digest.errors import StorageError


def sqlite_file(database_url: str) -> Path | None:
    """The database file of a SQLite URL; None for other databases and in-memory ones."""
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        return None
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).expanduser()


class InstanceLock:
    """`acquire()` takes the lock or raises StorageError naming the holder's pid;
    `release()` gives it back (also done by the kernel when the process ends)."""

    def __init__(self, database: Path) -> None:
        self.database = database
        self.path = database.with_name(database.name + ".run.lock")
        self._handle: IO[str] | None = None

    def acquire(self) -> None:
        try:
            import fcntl
        except ImportError:  # not a Unix system: no lock to take (documented)
            return
        handle = self.path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.seek(0)
            holder = handle.read(32).strip() or "?"
            handle.close()
            raise StorageError(
                f"another `newsdigest run` (pid {holder}) is using {self.database}"
                "; stop it first (one process per SQLite file; several processes can share"
                " a PostgreSQL database)"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        if self._handle is not None:
            self._handle.close()  # closing the descriptor drops the flock
            self._handle = None
