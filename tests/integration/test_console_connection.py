"""The console's connection against the real backend, on the qasync loop as in the console.

A real ``GridServer`` (seeded SQLite demo city) runs on port 0 in a thread of its own, as
the embedded backend runs in a process of its own; the console side (``GridClient``,
``ClientStore``, ``StoreSignals``, ``Connection``, ``CaseTableModel``) runs on a qasync
loop in the test's thread. Scenarios are coroutines driven with
``loop.run_until_complete(asyncio.wait_for(...))``; they wait for Qt signals through a
future (never ``qtbot.wait*``, which would nest a Qt loop inside qasync's).
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything creates the app

import asyncio
import concurrent.futures
import gc
import threading
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
import qasync
from PySide6.QtCore import SignalInstance
from PySide6.QtWidgets import QApplication

from backend.store.database import Database
from backend.store.reference import load_city
from console.connection import Connection
from console.item_models import ID_ROLE, CaseTableModel
from console.store import ClientStore, RequestOutcome, StoreSignals
from models.case import CaseState, Source
from models.geography import Cell
from models.workflow import Accept, NewReport
from net.client import Backoff, ClientStatus, GridClient, StopReason
from net.protocol import Ack, Ping, Pong, Report
from tests.integration.peer import Peer, new_id, now
from tests.integration.server_fixtures import (
    Running,
    copy_sqlite,
    make_seeded_sqlite,
    running_server,
)

T = TypeVar("T")

PASSWORD = "grid-demo-2026"
ROUND_TRIPS = 10_000


# --- the server in a thread of its own ---------------------------------------------------


class ServerThread:
    """A real server on port 0 with its own asyncio loop, in a background thread."""

    def __init__(self, db_url: str) -> None:
        self.db_url = db_url
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
        async with running_server(self.db_url) as running:
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


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("console-seed") / "template.db"
    make_seeded_sqlite(path)
    return path


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
    qloop.close()
    asyncio.set_event_loop(None)
    # Free this test's Qt objects here, on the GUI thread: left to the cycle collector they
    # could be deleted on the server's thread, which Qt does not survive.
    gc.collect()


@pytest.fixture
def english(qapp: QApplication) -> Iterator[None]:
    """Texts in English for the test (the outcomes' words are compared)."""
    from console import i18n

    i18n.install_language(qapp, i18n.ENGLISH)
    yield
    i18n.install_language(qapp, i18n.ENGLISH)


@pytest.fixture(scope="session")
def cells(seeded_template: Path) -> list[Cell]:
    db = Database.open(f"sqlite:///{seeded_template}")
    try:
        city = load_city(db)
    finally:
        db.close()
    assert city is not None
    return list(city.cells)


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


class Console:
    """The console's core wired as ``main.py`` wires it."""

    def __init__(self, url: str, *, backoff: Backoff | None = None) -> None:
        self.store = ClientStore()
        self.signals = StoreSignals(self.store)
        self.client = GridClient(
            url,
            "operator",
            PASSWORD,
            client_id="console-it-1",
            applied_seq=lambda: self.store.last_seq,
            backoff=backoff or Backoff(initial=0.05, cap=0.5),
        )
        self.connection = Connection(self.client, self.store)
        self.cases = CaseTableModel(self.store, self.signals, tick_ms=0)

    async def start(self) -> None:
        online = signalled(
            self.signals.connection_changed, lambda info: info.status is ClientStatus.ONLINE
        )
        self.connection.start()
        await online

    async def close(self) -> None:
        await self.connection.close()
        self.signals.flush()

    def table_ids(self) -> list[int]:
        model = self.cases
        return [model.data(model.index(r, 0), ID_ROLE) for r in range(model.rowCount())]


def report_of(cell: Cell, text: str) -> NewReport:
    return NewReport(
        source=Source.PATROL,
        category="E0102",
        lon=cell.centroid_lon,
        lat=cell.centroid_lat,
        address="浦东南路 1 号",
        description=text,
    )


async def report_cases(running: Running, cells: list[Cell], texts: list[str]) -> list[int]:
    """A field terminal reports one case per text; returns the new case ids."""
    terminal = await Peer.connect(running.url, "field", kind="terminal")
    try:
        await terminal.synced()
        ids = []
        for i, text in enumerate(texts):
            ack = await terminal.request(Report(id=new_id(), report=report_of(cells[i], text)))
            assert isinstance(ack, Ack), ack
            assert ack.result is not None
            ids.append(int(ack.result["case_id"]))
        return ids
    finally:
        await terminal.close()


async def server_cases(running: Running) -> dict[int, int]:
    """Case id → revision as the server holds them (the district operator sees them all)."""
    return {case_id: case.revision for case_id, case in running.core.cases.items()}


async def kill_connections(running: Running) -> int:
    """Cut every connection without a goodbye (a network failure)."""
    connections = list(running.server.connections)
    for ws in connections:
        ws.transport.abort()
    return len(connections)


# --- the scenarios -------------------------------------------------------------------------


def test_sign_in_snapshot_command_ack_and_event(
    server: ServerThread, loop: qasync.QEventLoop, cells: list[Cell], english: None
) -> None:
    async def scenario() -> None:
        case_ids = await server.call(lambda r: report_cases(r, cells, ["暴露垃圾", "井盖缺失"]))
        console = Console(server.url)
        await console.start()
        store = console.store
        assert store.user is not None
        assert store.user.user_id == "operator"
        assert set(case_ids) <= set(store.cases)
        assert store.positions.count == 300  # the demo units, with positions for the map
        console.signals.flush()
        assert sorted(console.table_ids()) == sorted(store.cases)

        # A command through the store: its event reaches the store before its ack.
        case = store.cases[case_ids[0]]
        succeeded = signalled(console.signals.request_succeeded)
        request_id = store.send_move(case.id, Accept(), expected_revision=case.revision)
        (outcome,) = await succeeded
        assert isinstance(outcome, RequestOutcome)
        assert outcome.request_id == request_id
        assert outcome.ok
        assert outcome.text == f"Acceptance of case {case.number}: done"
        assert isinstance(outcome.answer, Ack)
        assert store.cases[case.id].state is CaseState.AWAITING_FILING
        assert store.cases[case.id].revision == case.revision + 1
        assert store.last_seq is not None
        assert outcome.answer.seq is not None
        assert store.last_seq >= outcome.answer.seq

        # The same move again is refused, in words.
        failed = signalled(console.signals.request_failed)
        store.send_move(case.id, Accept(), expected_revision=None)
        (refusal,) = await failed
        assert not refusal.ok
        assert refusal.code == "illegal_move"
        assert refusal.text == (
            f"Acceptance of case {case.number} failed: "
            "not allowed while the case is “Awaiting filing”"
        )

        # A stale revision is a conflict.
        failed = signalled(console.signals.request_failed)
        store.send_move(case_ids[1], Accept(), expected_revision=99)
        (conflict,) = await failed
        assert conflict.code == "conflict"

        # A report from the console itself becomes a case with a number.
        succeeded = signalled(console.signals.request_succeeded)
        store.send_report(report_of(cells[7], "来电反映路灯不亮"))
        (reported,) = await succeeded
        assert reported.text.startswith("New report filed as case PD")

        # Round trip measured, connection online.
        await until(lambda: store.connection.round_trip is not None)
        online = store.connection
        await console.close()
        closed = store.connection
        assert online.status is ClientStatus.ONLINE
        assert closed.status is ClientStatus.OFFLINE
        assert closed.stop_reason is StopReason.CLOSED

    drive(loop, scenario())


def test_thousands_of_round_trips_on_the_qasync_loop(
    server: ServerThread, loop: qasync.QEventLoop, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The regression test of DESIGN.md's PySide6 crash: thousands of websocket round trips
    on the qasync loop (PySide6 6.12.0 aborted with none_dealloc here; 6.11 does not)."""
    import backend.session

    # The server limits a session to 50 messages/s; this test is about the console's loop.
    monkeypatch.setattr(backend.session, "MESSAGES_PER_SECOND", 100_000)
    monkeypatch.setattr(backend.session, "BURST", 100_000)

    async def scenario() -> int:
        console = Console(server.url)
        await console.start()
        client = console.client
        done = 0
        # One at a time (latency), then in waves of 50 in flight (throughput).
        for _ in range(ROUND_TRIPS // 2):
            pong = await client.request(Ping(id="", sent_at=now()))
            assert isinstance(pong, Pong)
            done += 1
        while done < ROUND_TRIPS:
            wave = [client.request(Ping(id="", sent_at=now())) for _ in range(50)]
            for pong in await asyncio.gather(*wave):
                assert isinstance(pong, Pong)
            done += len(wave)
        assert client.status is ClientStatus.ONLINE
        await console.close()
        return done

    assert drive(loop, scenario(), timeout=240) >= ROUND_TRIPS


def test_a_killed_connection_resumes_with_no_case_missing_or_doubled(
    server: ServerThread, loop: qasync.QEventLoop, cells: list[Cell]
) -> None:
    async def scenario() -> None:
        await server.call(lambda r: report_cases(r, cells, [f"事件{i}" for i in range(5)]))
        # A slow first retry leaves time for other consoles' work while this one is away.
        console = Console(server.url, backoff=Backoff(initial=1.0, cap=1.0, jitter=0.0))
        await console.start()
        store = console.store
        before = store.last_seq
        assert before is not None

        reconnecting = signalled(
            console.signals.connection_changed,
            lambda info: info.status is ClientStatus.RECONNECTING,
        )
        assert await server.call(kill_connections) == 1
        await reconnecting
        # While the console is cut off: new reports and a move on an old case.
        new_ids = await server.call(
            lambda r: report_cases(r, cells[10:], [f"断线期间{i}" for i in range(7)])
        )
        await signalled(
            console.signals.connection_changed,
            lambda info: info.status is ClientStatus.ONLINE,
            timeout=15,
        )
        expected = await server.call(server_cases)
        await until(lambda: {i: c.revision for i, c in store.cases.items()} == expected)
        console.signals.flush()

        assert set(new_ids) <= set(store.cases)
        ids = console.table_ids()
        assert len(ids) == len(set(ids)) == len(expected), "a case missing or shown twice"
        assert store.ignored_events == 0
        # It resumed from its last event: no fresh snapshot was needed.
        assert console.client.welcome is not None
        assert console.client.welcome.resume == "events"

        # A command made right after the reconnect is acknowledged once.
        case = store.cases[new_ids[0]]
        succeeded = signalled(console.signals.request_succeeded)
        store.send_move(case.id, Accept(), expected_revision=case.revision)
        (outcome,) = await succeeded
        assert outcome.ok
        await console.close()

    drive(loop, scenario(), timeout=90)


def test_a_server_restart_goodbye_is_followed_by_a_reconnect(
    server: ServerThread, loop: qasync.QEventLoop
) -> None:
    async def scenario() -> None:
        console = Console(server.url)
        await console.start()
        reconnecting = signalled(
            console.signals.connection_changed,
            lambda info: info.status is ClientStatus.RECONNECTING,
        )
        from net.protocol import GoodbyeReason

        async def say_goodbye(running: Running) -> None:
            await running.server.say_goodbye(GoodbyeReason.SHUTDOWN)

        await server.call(say_goodbye)
        (info,) = await reconnecting
        assert info.goodbye is GoodbyeReason.SHUTDOWN
        await signalled(
            console.signals.connection_changed, lambda i: i.status is ClientStatus.ONLINE
        )
        await console.close()

    drive(loop, scenario())


def test_a_wrong_password_stops_with_the_reason(
    server: ServerThread, loop: qasync.QEventLoop
) -> None:
    async def scenario() -> None:
        store = ClientStore()
        signals = StoreSignals(store)
        client = GridClient(server.url, "operator", "wrong", client_id="console-it-2")
        connection = Connection(client, store)
        offline = signalled(
            signals.connection_changed, lambda info: info.status is ClientStatus.OFFLINE
        )
        finished = signalled(connection.finished)
        connection.start()
        (info,) = await offline
        assert info.stop_reason is StopReason.SIGN_IN_FAILED
        (reason,) = await finished
        assert reason is StopReason.SIGN_IN_FAILED
        await connection.close()

    drive(loop, scenario())
