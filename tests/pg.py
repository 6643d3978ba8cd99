"""A private, throw-away PostgreSQL cluster for tests and benchmarks.

The cluster lives in a temporary directory, listens on a free TCP port on 127.0.0.1 only
(its socket stays in the same directory), trusts local connections and is removed when
stopped. When it cannot be started, :class:`PgUnavailableError` says exactly why and how to fix
it: tests fail loudly instead of skipping PostgreSQL silently.

Usage::

    with PgCluster.start() as cluster:
        url = cluster.create_database("grid_test")
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

import psycopg
from psycopg import sql

INSTALL_HINT = (
    "Install Debian's PostgreSQL server (`apt-get install postgresql`) or point "
    "GRID_PG_BINDIR at a directory holding initdb, pg_ctl and postgres."
)
SUPERUSER = "grid"
"""Name of the cluster's superuser (the same whether or not the tests run as root)."""


class PgUnavailableError(RuntimeError):
    """The private PostgreSQL cluster could not be found or started."""


def find_bindir() -> Path:
    """Find the directory of PostgreSQL's server programs.

    Order: ``$GRID_PG_BINDIR``; ``pg_config --bindir`` when it holds ``initdb`` (Debian's
    ``pg_config`` in ``/usr/bin`` comes with libpq and may point elsewhere); the newest
    ``/usr/lib/postgresql/<version>/bin``.

    Raises:
        PgUnavailableError: no directory with ``initdb``, ``pg_ctl`` and ``postgres`` was found.
    """
    candidates: list[Path] = []
    if env := os.environ.get("GRID_PG_BINDIR"):
        candidates.append(Path(env))
    if pg_config := shutil.which("pg_config"):
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            out = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, check=True, timeout=10
            ).stdout.strip()
            candidates.append(Path(out))

    def version(p: Path) -> tuple[int, ...]:
        return tuple(int(x) for x in re.findall(r"\d+", p.parent.name)) or (0,)

    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=version, reverse=True)
    for bindir in candidates:
        if all((bindir / prog).is_file() for prog in ("initdb", "pg_ctl", "postgres")):
            return bindir
    tried = ", ".join(str(c) for c in candidates) or "none"
    raise PgUnavailableError(
        f"PostgreSQL server programs (initdb, pg_ctl, postgres) not found (looked in: {tried}). "
        + INSTALL_HINT
    )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PgCluster:
    """A running private cluster. Use :meth:`start`; stop with :meth:`stop` or ``with``."""

    def __init__(self, bindir: Path, base: Path, port: int, as_user: str | None) -> None:
        self.bindir = bindir
        self.base = base
        self.data = base / "data"
        self.port = port
        self._as_user = as_user

    @property
    def host(self) -> str:
        return "127.0.0.1"

    @classmethod
    def start(cls, *, durable: bool = False) -> PgCluster:
        """Create and start a cluster in a fresh temporary directory.

        Args:
            durable: Keep PostgreSQL's default durability (fsync on every commit). Tests run
                with ``fsync=off`` for speed; benchmarks of commit rates need it on.

        Raises:
            PgUnavailableError: with the reason (programs missing, no ``postgres`` OS user when
                running as root, initdb or startup failure with the server log's tail).
        """
        bindir = find_bindir()
        as_user: str | None = None
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            # PostgreSQL refuses to run as root: run it as Debian's "postgres" account.
            as_user = "postgres"
            if shutil.which("runuser") is None:
                raise PgUnavailableError(
                    "running as root but `runuser` is missing. " + INSTALL_HINT
                )
            try:
                import pwd

                pw = pwd.getpwnam(as_user)
            except KeyError:
                raise PgUnavailableError(
                    "running as root and there is no 'postgres' OS user to run the server as. "
                    + INSTALL_HINT
                ) from None
        base = Path(tempfile.mkdtemp(prefix="grid-pg-"))
        if as_user is not None:
            os.chown(base, pw.pw_uid, pw.pw_gid)
        cluster = cls(bindir, base, _free_port(), as_user)
        try:
            cluster._initdb()
            cluster._start(durable)
        except BaseException:
            cluster._remove()
            raise
        return cluster

    def _cmd(self, program: str, *args: str) -> list[str]:
        cmd = [str(self.bindir / program), *args]
        if self._as_user is not None:
            cmd = ["runuser", "-u", self._as_user, "--", *cmd]
        return cmd

    def _run(self, what: str, cmd: Sequence[str], timeout: float = 120) -> None:
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PgUnavailableError(f"{what} failed to run ({' '.join(cmd)}): {exc}") from exc
        if proc.returncode != 0:
            log = self._log_tail()
            raise PgUnavailableError(
                f"{what} failed with exit code {proc.returncode} ({' '.join(cmd)}):\n"
                f"{proc.stdout}{proc.stderr}{log}"
            )

    def _log_tail(self) -> str:
        log = self.base / "server.log"
        if not log.exists():
            return ""
        lines = log.read_text(errors="replace").splitlines()[-20:]
        return "\nserver log (last lines):\n" + "\n".join(lines)

    def _initdb(self) -> None:
        self._run(
            "initdb",
            self._cmd(
                "initdb",
                "-D",
                str(self.data),
                "-U",
                SUPERUSER,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
            ),
        )

    def _start(self, durable: bool) -> None:
        settings = [
            f"-p {self.port}",
            "-c listen_addresses=127.0.0.1",
            f"-c unix_socket_directories={self.base}",
            "-c max_connections=60",
            "-c shared_buffers=64MB",
        ]
        if not durable:
            settings += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        self._run(
            "starting PostgreSQL (pg_ctl start)",
            self._cmd(
                "pg_ctl",
                "-D",
                str(self.data),
                "-l",
                str(self.base / "server.log"),
                "-o",
                " ".join(settings),
                "-w",
                "-t",
                "60",
                "start",
            ),
        )

    def url(self, database: str = "postgres") -> str:
        """SQLAlchemy URL (psycopg 3 driver) of ``database`` on this cluster."""
        return f"postgresql+psycopg://{SUPERUSER}@{self.host}:{self.port}/{database}"

    def _admin(self, statement: str, name: str) -> None:
        """Run ``statement`` (with one ``{}`` for a database name) outside a transaction."""
        dsn = f"host={self.host} port={self.port} user={SUPERUSER} dbname=postgres"
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(sql.SQL(statement).format(sql.Identifier(name)))

    def create_database(self, name: str | None = None) -> str:
        """Create an empty database (a unique name when ``name`` is None); return its URL."""
        name = name or f"t_{uuid.uuid4().hex[:16]}"
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
            raise ValueError(f"database name {name!r}: use lower-case letters, digits and _")
        self._admin("CREATE DATABASE {}", name)
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop ``name``, disconnecting anyone still connected."""
        self._admin("DROP DATABASE IF EXISTS {} WITH (FORCE)", name)

    def stop(self) -> None:
        """Stop the server and remove its directory."""
        try:
            if (self.data / "postmaster.pid").exists():
                self._run(
                    "stopping PostgreSQL (pg_ctl stop)",
                    self._cmd("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop"),
                )
        finally:
            self._remove()

    def _remove(self) -> None:
        shutil.rmtree(self.base, ignore_errors=True)

    def __enter__(self) -> PgCluster:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
