"""A console wired to a real backend: the server's thread, the qasync loop, their fixtures.

The server (seeded SQLite demo city) runs on port 0 in a thread of its own, as the embedded
backend runs in a process of its own; the console runs on a qasync loop in the test's
thread. Scenarios are coroutines driven with ``drive``; they wait for Qt signals through a
future (``signalled``) or poll state (``until``), never with ``qtbot.wait*``, which would
nest a Qt loop inside qasync's.

The GUI tests get the fixtures from their conftest (``server`` serves a copy of
``server_fixtures.seeded_template``); a module overrides one by defining its own (a server on
a manual clock, a template with more users).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import gc
import threading
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import pytest
import qasync
from PySide6.QtCore import SignalInstance
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from backend.services.clock import Clock, utc_now
from console.embedded import DEMO_PASSWORD, DEMO_USERS
from console.workspace import Role
from main import Console, build_console
from tests.integration.server_fixtures import Running, copy_sqlite, running_server

T = TypeVar("T")


# --- the server in a thread of its own ---------------------------------------------------


class ServerThread:
    """A real server on port 0 with its own asyncio loop, in a background thread.

    ``clock`` is the server's "now" (a test's manual clock moves it).
    """

    def __init__(self, db_url: str, clock: Clock = utc_now) -> None:
        self.db_url = db_url
        self.clock = clock
        self.url = ""
        self.loop: asyncio.AbstractEventLoop | None = None
        self.running: Running | None = None
        self._ready = threading.Event()
        self._failure: BaseException | None = None
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._main, name="grid-server", daemon=True)

    def _main(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as exc:  # reported to the test thread
            self._failure = exc
            self._ready.set()

    async def _serve(self) -> None:
        self.loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        async with running_server(self.db_url, clock=self.clock) as running:
            self.running = running
            self.url = running.url
            self._ready.set()
            await self._stop.wait()

    def __enter__(self) -> ServerThread:
        self._thread.start()
        self._ready.wait(60)
        if self._failure is not None or not self.url:
            raise RuntimeError("the server did not start") from self._failure
        return self

    def __exit__(self, *exc: object) -> None:
        assert self.loop is not None
        assert self._stop is not None
        self.loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(30)

    def call(self, fn: Callable[[Running], Coroutine[Any, Any, T]]) -> Awaitable[T]:
        """Run ``fn(running)`` on the server's loop; await the result from the test's loop."""
        assert self.loop is not None
        assert self.running is not None
        future: concurrent.futures.Future[T] = asyncio.run_coroutine_threadsafe(
            fn(self.running), self.loop
        )
        return asyncio.wrap_future(future)


# --- fixtures ------------------------------------------------------------------------------


@pytest.fixture
def server(seeded_template: Path, tmp_path: Path) -> Iterator[ServerThread]:
    with ServerThread(copy_sqlite(seeded_template, tmp_path / "grid.db")) as running:
        yield running


@pytest.fixture
def loop(qapp: QApplication) -> Iterator[qasync.QEventLoop]:
    """The console's event loop: asyncio on top of Qt's."""
    qloop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(qloop)
    yield qloop
    # Let what the client left behind (ping loop, keepalive) finish before the loop closes.
    pending = [t for t in asyncio.all_tasks(qloop) if not t.done()]
    for task in pending:
        task.cancel()
    if pending:
        qloop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
    qloop.close()
    asyncio.set_event_loop(None)
    # Free this test's Qt objects here, on the GUI thread: left to the cycle collector they
    # could be deleted on the server's thread, which Qt does not survive.
    gc.collect()


# --- the console ----------------------------------------------------------------------------


def shown_console(
    qtbot: QtBot,
    url: str,
    user: str = DEMO_USERS["dispatcher"],
    password: str = DEMO_PASSWORD,
    role: Role = Role.DISPATCHER,
    *,
    clock: Callable[[], datetime] | None = None,
) -> Console:
    """``main.py``'s console for ``user``, its window shown (it connects once started).

    Call it outside the loop (it waits for the window to be exposed); pytest-qt closes and
    deletes the window after the test.
    """
    console = build_console(url, user, password, role, clock=clock)
    qtbot.addWidget(console.window)
    console.window.show()
    qtbot.waitExposed(console.window)
    return console


# --- driving the loop ----------------------------------------------------------------------


def drive(loop: qasync.QEventLoop, scenario: Coroutine[Any, Any, T], timeout: float = 60) -> T:
    return loop.run_until_complete(asyncio.wait_for(scenario, timeout))


def signalled(
    signal: SignalInstance, predicate: Callable[..., bool] = lambda *_: True, timeout: float = 10
) -> asyncio.Future[tuple[Any, ...]]:
    """A future of the arguments of the next emission of ``signal`` matching ``predicate``.

    Connected at once (not when awaited), so an emission between this call and the
    ``await`` is not missed; fails with ``TimeoutError`` after ``timeout`` seconds.
    """
    loop = asyncio.get_running_loop()
    future: asyncio.Future[tuple[Any, ...]] = loop.create_future()

    def slot(*args: Any) -> None:
        if not future.done() and predicate(*args):
            future.set_result(args)

    def expire() -> None:
        if not future.done():
            future.set_exception(TimeoutError(f"no matching {signal} within {timeout} s"))

    timer = loop.call_later(timeout, expire)
    signal.connect(slot)

    def done(_: asyncio.Future[tuple[Any, ...]]) -> None:
        timer.cancel()
        signal.disconnect(slot)

    future.add_done_callback(done)
    return future


async def until(condition: Callable[[], bool], timeout: float = 10) -> None:
    """Poll ``condition`` on the loop (for state, not signals) until it holds."""
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.01)
