"""The console's connection against the real backend, on the qasync loop as in the console.

A real ``GridServer`` (seeded SQLite demo city) runs on port 0 in a thread of its own, as
the embedded backend runs in a process of its own; the console side (``GridClient``,
``ClientStore``, ``StoreSignals``, ``Connection``, ``CaseTableModel``) runs on a qasync
loop in the test's thread. The server's thread, the loop and the ways of driving it are
``tests.gui.console_harness``'s, shared with the GUI end-to-end tests.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything creates the app

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
import qasync
from PySide6.QtWidgets import QApplication

from backend.core import Core
from console.city import CityMapCache
from console.connection import Connection
from console.item_models import ID_ROLE, CaseTableModel
from console.store import ClientStore, RequestOutcome, StoreSignals
from models.case import CaseState, Source
from models.errors import NotPermitted
from models.geography import Cell, CityMap
from models.workflow import Accept, NewReport
from net.client import Backoff, ClientStatus, GridClient, StopReason
from net.protocol import Ack, MapResult, Ping, Pong, Report
from tests.gui import console_harness
from tests.gui.console_harness import ServerThread, drive, signalled, until
from tests.integration.peer import Peer, new_id, now
from tests.integration.server_fixtures import Running
from tests.integration.server_fixtures import city_of as stored_city

PASSWORD = "grid-demo-2026"
ROUND_TRIPS = 10_000


# --- fixtures ------------------------------------------------------------------------------

# The console harness's server and loop, used by name in this module's tests.
server = console_harness.server
loop = console_harness.loop


@pytest.fixture
def english(qapp: QApplication) -> Iterator[None]:
    """Texts in English for the test (the outcomes' words are compared)."""
    from console import i18n

    i18n.install_language(qapp, i18n.ENGLISH)
    yield
    i18n.install_language(qapp, i18n.ENGLISH)


@pytest.fixture(scope="module")
def cells(seeded_template: Path) -> list[Cell]:
    return list(stored_city(f"sqlite:///{seeded_template}").cells)


class Console:
    """The console's core wired as ``main.py`` wires it."""

    def __init__(
        self, url: str, *, backoff: Backoff | None = None, maps: CityMapCache | None = None
    ) -> None:
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
        self.connection = Connection(self.client, self.store, maps=maps)
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


# --- the grid map ----------------------------------------------------------------------------


@pytest.fixture
def map_queries(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ids of the ``query_map`` requests the server answers, in order."""
    asked: list[str] = []
    answer = Core.city_map

    def counted(core: Core, msg_id: str) -> MapResult:
        asked.append(msg_id)
        return answer(core, msg_id)

    monkeypatch.setattr(Core, "city_map", counted)
    return asked


async def city_of(console: Console) -> CityMap:
    """Start the console and wait until its store holds a grid map."""
    loaded = signalled(console.signals.city_changed, lambda city: city is not None)
    await console.start()
    (city,) = await loaded
    assert isinstance(city, CityMap)
    return city


def test_the_console_gets_the_servers_map_once_and_then_from_its_disk(
    server: ServerThread, loop: qasync.QEventLoop, tmp_path: Path, map_queries: list[str]
) -> None:
    assert server.running is not None
    served = server.running.core.city

    async def scenario() -> None:
        first = Console(server.url, maps=CityMapCache(tmp_path))
        city = await city_of(first)
        assert city.version == first.store.map_version == served.version
        assert city == served
        assert first.store.city_error is None
        assert (tmp_path / "maps" / f"{served.version}.json").is_file()
        await first.close()
        assert len(map_queries) == 1

        # The next start (a new console on the same disk) draws the map it kept.
        second = Console(server.url, maps=CityMapCache(tmp_path))
        assert await city_of(second) == served
        await second.close()
        assert len(map_queries) == 1, "the kept map was downloaded again"

    drive(loop, scenario())


def test_a_damaged_map_file_is_replaced_by_the_servers_copy(
    server: ServerThread, loop: qasync.QEventLoop, tmp_path: Path, map_queries: list[str]
) -> None:
    assert server.running is not None
    served = server.running.core.city
    cache = CityMapCache(tmp_path)
    path = cache.path(served.version)
    path.parent.mkdir(parents=True)
    path.write_text('{"district_code": "310115", "cells": [', encoding="utf-8")

    async def scenario() -> None:
        console = Console(server.url, maps=cache)
        assert await city_of(console) == served
        await console.close()

    drive(loop, scenario())
    assert len(map_queries) == 1
    assert cache.load(served.version) == served


def test_a_refused_map_is_explained_and_tried_again_on_the_next_connection(
    server: ServerThread,
    loop: qasync.QEventLoop,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    english: None,
) -> None:
    answer = Core.city_map
    refusals = [NotPermitted("map", "-", "read", "not today")]

    def refusing(core: Core, msg_id: str) -> MapResult:
        if refusals:
            raise refusals.pop()
        return answer(core, msg_id)

    monkeypatch.setattr(Core, "city_map", refusing)

    async def scenario() -> None:
        console = Console(server.url, maps=CityMapCache(tmp_path))
        failed = signalled(console.signals.city_changed)
        await console.start()
        (city,) = await failed
        assert city is None
        assert console.store.city_error == (
            "The grid map could not be loaded: you are not permitted to do this"
        )
        assert console.store.connection.status is ClientStatus.ONLINE, "the console works on"

        loaded = signalled(console.signals.city_changed, lambda city: city is not None)
        assert await server.call(kill_connections) == 1
        (city,) = await loaded
        assert city.version == console.store.map_version
        assert console.store.city_error is None
        await console.close()

    drive(loop, scenario())
