"""The embedded backend: ``python main.py`` with no server runs its own, as a child process.

The child is ``python -m backend serve --demo`` on a free port with its own SQLite file in
the user's data directory: the first start creates and seeds the demo city, every start runs
the simulator, so a newcomer sees a living city at once. The console talks to it over the
same websocket protocol as to a production server; it never imports the backend.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from pathlib import Path

from console.workspace import default_data_dir

log = logging.getLogger(__name__)

DEMO_PASSWORD = "grid-demo-2026"
"""The password ``seed-demo`` gives every demo user (backend/demo.py; a test keeps the two
equal)."""

DEMO_USERS = {"dispatcher": "operator", "supervisor": "supervisor", "wall": "leader"}
"""Which demo user signs in for each workspace."""

START_TIMEOUT = 120.0
"""Seconds the first start may take: it creates the database and seeds the demo city."""


class BackendFailed(RuntimeError):
    """The embedded backend did not start; the message says why (its last output lines)."""


def default_database() -> Path:
    return default_data_dir() / "embedded.db"


class EmbeddedBackend:
    """Starts, watches and stops the backend child process.

    Args:
        database: The SQLite file (created and seeded on first start).
        port: 0 picks a free port; a restart reuses the first port so that consoles
            reconnect to the same address.
    """

    def __init__(self, database: Path | None = None, port: int = 0) -> None:
        self.database = database or default_database()
        self.port = port
        self.url: str | None = None
        self._process: subprocess.Popen[str] | None = None
        self._tail: list[str] = []

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def start(self) -> str:
        """Start the child and wait until it listens; returns its ``ws://`` URL.

        Raises:
            BackendFailed: it exited or did not listen within ``START_TIMEOUT``.
        """
        self.stop()  # a child that died is reaped and its pipes closed before the next
        self.database.parent.mkdir(parents=True, exist_ok=True)
        command = [
            sys.executable,
            "-m",
            "backend",
            "serve",
            "--demo",
            "--db",
            f"sqlite:///{self.database}",
            "--port",
            str(self.port),
            # The child ends when this process does, even if it is killed: the pipe closes.
            "--exit-with-stdin",
        ]
        root = Path(__file__).resolve().parents[1]
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(root)}
        self._process = subprocess.Popen(
            command,
            cwd=root,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
        url = self._wait_until_listening()
        self.url = url
        self.port = int(url.rsplit(":", 1)[1])
        # Keep draining the child's output, or it blocks once the pipe is full.
        threading.Thread(target=self._drain, name="backend-output", daemon=True).start()
        return url

    def _wait_until_listening(self) -> str:
        stdout = self._process.stdout if self._process is not None else None
        assert stdout is not None
        found: list[str] = []

        def read() -> None:
            for line in stdout:
                self._remember(line)
                if line.startswith("listening on "):
                    found.append(line.split()[-1])
                    return

        reader = threading.Thread(target=read, name="backend-start", daemon=True)
        reader.start()
        reader.join(START_TIMEOUT)
        if found:
            return found[0]
        self.stop()
        tail = "".join(self._tail[-8:]).strip() or "(no output)"
        raise BackendFailed(f"the embedded backend did not start: {tail}")

    def _remember(self, line: str) -> None:
        self._tail = [*self._tail[-50:], line]
        level = logging.WARNING if " ERROR " in line or " WARNING " in line else logging.DEBUG
        log.log(level, "backend: %s", line.rstrip())

    def _drain(self) -> None:
        process = self._process
        if process is None or process.stdout is None:
            return
        for line in process.stdout:
            self._remember(line)

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the child to stop (SIGTERM), and kill it if it does not within ``timeout``."""
        process, self._process = self._process, None
        if process is None:
            return
        if process.stdin is not None:
            process.stdin.close()
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process.stdout is not None:
            process.stdout.close()
