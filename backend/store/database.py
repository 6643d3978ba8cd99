"""Opening the database: SQLite (embedded default) or PostgreSQL (production), by URL.

One :class:`Database` per process holds the engine; every unit of work takes its own
session from :meth:`Database.session` and ends with a commit or a rollback.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from backend.store.columns import json_dumps, json_loads

APP_NAME = "grid-console"
DB_FILE = "grid.db"
SQLITE_BUSY_TIMEOUT_MS = 10_000
"""How long a SQLite writer waits for another one before "database is locked"."""

_WRITE = "grid_write"
"""Execution option marking connections of write sessions (SQLite: BEGIN IMMEDIATE)."""


class DatabaseUrlError(ValueError):
    """The database URL is malformed, names an unsupported database, or cannot be reached."""


def default_url() -> str:
    """The embedded default: a SQLite file in the user's data directory."""
    return f"sqlite:///{Path(platformdirs.user_data_dir(APP_NAME)) / DB_FILE}"


def _masked(url_text: str) -> str:
    """``url_text`` with any password replaced by ``***`` (it goes into messages)."""
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url_text)


def _normalise(url_text: str) -> URL:
    """Parse ``url_text``; refuse anything but SQLite files and PostgreSQL (via psycopg 3)."""
    shown = _masked(url_text)
    try:
        url = make_url(url_text)
    except ArgumentError as exc:
        raise DatabaseUrlError(
            f"bad database URL {shown!r}: expected sqlite:///path/to/file.db or "
            "postgresql://user:password@host:port/database"
        ) from exc
    backend = url.get_backend_name()
    if backend == "sqlite":
        if url.drivername != "sqlite" and url.get_driver_name() != "pysqlite":
            raise DatabaseUrlError(f"database URL {shown!r}: use plain sqlite:///path")
        if not url.database or url.database == ":memory:":
            raise DatabaseUrlError(
                f"database URL {shown!r}: give a file path (sqlite:///path/to/file.db); "
                "an in-memory database would lose everything at exit"
            )
        return url
    if backend in ("postgresql", "postgres"):
        # psycopg 3 is the only PostgreSQL driver we install; plain postgresql:// would pick
        # psycopg2 and fail with an import error that names the wrong package.
        if url.drivername not in ("postgresql", "postgres", "postgresql+psycopg"):
            raise DatabaseUrlError(
                f"database URL {shown!r}: use postgresql:// or postgresql+psycopg://"
            )
        if not url.database:
            raise DatabaseUrlError(f"database URL {shown!r}: name the database after the /")
        return url.set(drivername="postgresql+psycopg")
    raise DatabaseUrlError(
        f"database URL {shown!r}: unsupported database {backend!r}; "
        "use sqlite:///path/to/file.db or postgresql://user@host/database"
    )


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Take transaction control away from the sqlite3 module (its legacy mode does not BEGIN
    # before SELECTs) and let the "begin" hook below emit the BEGIN itself, as the
    # SQLAlchemy pysqlite documentation recommends.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")  # readers never wait for the writer
        cursor.execute("PRAGMA synchronous=NORMAL")  # durable at checkpoints; WAL keeps it safe
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    finally:
        cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    # A writer takes the write lock up front (BEGIN IMMEDIATE): two writers never interleave,
    # and the second one waits (busy_timeout) instead of failing at its first write with
    # SQLITE_BUSY after having read stale data. Readers begin a deferred (shared) snapshot.
    if conn.get_execution_options().get(_WRITE):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


class Database:
    """An open database: the engine and the session factories for reads and writes.

    Use :meth:`open`; close with :meth:`close` (or ``with``).
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.url = engine.url
        self._read = sessionmaker(engine, expire_on_commit=False)
        self._write = sessionmaker(
            engine.execution_options(**{_WRITE: True}), expire_on_commit=False
        )

    @property
    def dialect(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self.engine.dialect.name

    @property
    def display_url(self) -> str:
        """The URL without its password, for messages and logs."""
        return self.url.render_as_string(hide_password=True)

    @classmethod
    def open(cls, url: str | None = None, *, echo: bool = False) -> Database:
        """Open (and for SQLite, create the directory of) the database at ``url``.

        Args:
            url: ``sqlite:///path/to/file.db`` or ``postgresql://user:pw@host:port/db``;
                ``None`` means :func:`default_url`.
            echo: Log every SQL statement (debugging).

        Raises:
            DatabaseUrlError: the URL is malformed or unsupported, or the database cannot be
                reached (the message names the URL without its password, and the reason).
        """
        parsed = _normalise(url or default_url())
        kwargs: dict[str, Any] = {
            "echo": echo,
            "json_serializer": json_dumps,
            "json_deserializer": json_loads,
        }
        if parsed.get_backend_name() == "sqlite":
            assert parsed.database is not None
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        else:
            kwargs["pool_pre_ping"] = True
            kwargs["connect_args"] = {"connect_timeout": 10}
        try:
            engine = create_engine(parsed, **kwargs)
        except (ArgumentError, NoSuchModuleError, ImportError) as exc:
            raise DatabaseUrlError(f"database URL {parsed!r}: {exc}") from exc
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_connect)
            event.listen(engine, "begin", _sqlite_begin)
        db = cls(engine)
        try:
            with engine.connect() as conn:
                conn.exec_driver_sql("SELECT 1")
        except OperationalError as exc:
            engine.dispose()
            reason = str(exc.orig).strip() if exc.orig is not None else str(exc)
            raise DatabaseUrlError(f"cannot open database {db.display_url}: {reason}") from exc
        return db

    @contextmanager
    def session(self, *, write: bool = False) -> Iterator[Session]:
        """One unit of work: commits when the block ends normally, rolls back on any error.

        Args:
            write: The unit writes. On SQLite it then takes the write lock at BEGIN, so
                writers queue instead of interleaving; on PostgreSQL it changes nothing.
        """
        factory = self._write if write else self._read
        with factory() as session, session.begin():
            yield session

    @contextmanager
    def transaction(self, *, write: bool = False) -> Iterator[Connection]:
        """A Core connection in one transaction (bulk loads, migrations); see :meth:`session`."""
        engine = self.engine.execution_options(**{_WRITE: True}) if write else self.engine
        with engine.begin() as conn:
            yield conn

    def close(self) -> None:
        """Close every pooled connection. The object is unusable afterwards."""
        self.engine.dispose()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
