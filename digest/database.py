"""Opening a database: the SQLite file's folder, connection pragmas, schema migrations
(Alembic, safe when several processes start at once) and error messages fit for an
operator; the text of JSON columns. Used by digest.storage.SqlStorage."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from .errors import ConfigError, StorageError


def json_text(value: Any) -> str:
    """A JSON column's text: non-ASCII kept as is (Arabic stays readable in the database),
    keys sorted so that equal values store equal text."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def reason(exc: SQLAlchemyError) -> str:
    """The driver's own message, without the SQL statement and parameters SQLAlchemy
    appends (those are for a developer's traceback, not for an operator's terminal)."""
    original = getattr(exc, "orig", None)
    if original is not None:
        return f"{type(original).__name__}: {original}"
    return str(exc).split("\n", 1)[0]


def prepare_parent_folder(url: str, *, create_within: Path | None, create: bool) -> None:
    """SQLite creates the file but not its folder. A missing folder is created only
    inside `create_within` (the user data folder, which may be new on a fresh machine)
    or when `create` says so: a typo such as /nonexistent/dir must not silently make
    folders anywhere (running as root, it could). Raises ConfigError naming the folder."""
    from sqlalchemy.engine import make_url

    try:
        database = make_url(url).database
    except (SQLAlchemyError, ValueError):
        return  # create_engine reports the bad URL
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    folder = Path(database).expanduser().parent
    if folder.is_dir():
        return
    inside = create_within is not None and folder.resolve().is_relative_to(
        create_within.expanduser().resolve()
    )
    if not (create or inside):
        raise ConfigError(
            f"database_url: the folder {folder} does not exist; create it "
            f"(mkdir -p {folder}) or choose a database path in an existing folder"
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(f"cannot create the folder for {database}: {exc}") from exc


MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision (creating it on an empty database).
    A database made before migrations existed is stamped, since its tables already match."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import inspect

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        # Processes starting together on one database: one migrates, the others wait for
        # it (busy_timeout / the lock), then find nothing to do.
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7303158241)")
        elif conn.dialect.name == "sqlite":
            # pysqlite runs DDL outside any transaction (it only opens one before DML),
            # so two processes both saw no tables and both ran CREATE TABLE. An explicit
            # BEGIN IMMEDIATE takes SQLite's write lock before the schema is inspected;
            # the DDL then runs inside it, and the COMMIT of `begin()` releases it.
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        config.attributes["connection"] = conn
        tables = set(inspect(conn).get_table_names())
        if "alembic_version" not in tables and "articles" in tables:
            command.stamp(config, "head")
        else:
            command.upgrade(config, "head")


def sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the bot read while a poll writes; foreign keys are off by default in SQLite.
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # In WAL mode NORMAL still survives a killed process (SIGKILL) intact and consistent;
    # only a power cut may undo the last commits. FULL fsyncs every commit, which made
    # the per-feed and per-message commits of a poll round mostly disk waits.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
