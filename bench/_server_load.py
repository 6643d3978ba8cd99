"""Load generator and bare lower-bound server for ``bench/bench_server.py``.

Each role runs as its own process so that its CPU time can be read from ``/proc``
separately from the server's and so that the consoles' reading does not delay the
command driver's clock::

    python bench/_server_load.py consoles --url ws://127.0.0.1:PORT --count 50
    python bench/_server_load.py driver --url ws://127.0.0.1:PORT --units 10000 ...
    python bench/_server_load.py bare-server

A load role connects, signs in, waits for ``synced`` and prints ``ready``. It then reads
one line ``go {schedule}`` from standard input (absolute ``time.monotonic()`` times, which
are one system-wide clock on Linux, so that all processes agree), runs the schedule,
prints ``result {json}`` and exits. The bare server prints ``listening on ws://HOST:PORT``
and serves until it is terminated.

Consoles decode cheaply: a position frame's units are counted by the commas of its
``unit_ids`` array (every 25th frame is also decoded and validated in full, and the count
compared), and only event frames are parsed, into a small struct holding the history
entry's note, which carries the driver's unique tag for the command.

The driver process holds the field terminals, the command driver and a separate ping
connection; see ``bench/bench_server.py`` for the method.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import math
import signal
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec
import numpy as np
from websockets.asyncio.client import ClientConnection, connect
from websockets.asyncio.server import ServerConnection, broadcast, serve
from websockets.exceptions import ConnectionClosed

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from any directory

from models.case import Source
from models.org import UnitStatus
from models.workflow import Accept, File, NewReport
from net import codec
from net.protocol import (
    PROTOCOL_VERSION,
    Ack,
    Command,
    Error,
    Hello,
    Ping,
    Pong,
    PositionBatch,
    PositionFrame,
    Report,
    Synced,
)

PASSWORD = "grid-demo-2026"
"""The demo users' password (``backend.demo.DEMO_PASSWORD``)."""

CONSOLE_USERS = ("operator", "supervisor", "leader")
DRIVER_USERS = ("operator", "supervisor")
"""Users of the command driver's connections: both may report, accept and file."""
GARBAGE = "E0102"
"""Exposed garbage: the category of every benchmark report."""

SAMPLE_EVERY = 25
"""A console fully decodes and validates every n-th position frame it receives."""

LAG_TICK = 0.02
"""Period of the loop-lag probe in every load process (seconds)."""

ACK_TIMEOUT = 10.0


# --- cheap parsing ---------------------------------------------------------------------


class _EntryPeek(msgspec.Struct):
    note: str = ""


class _BodyPeek(msgspec.Struct):
    kind: str = ""
    entry: _EntryPeek | None = None


class _EventPeek(msgspec.Struct):
    """The few fields of an ``event`` frame a benchmark console needs (others skipped)."""

    seq: int
    body: _BodyPeek


_peek_event = msgspec.json.Decoder(_EventPeek).decode

_UNIT_IDS = b'"unit_ids":['
_AT = b'"at":"'


def count_units(frame: bytes) -> int:
    """Units in a ``position_frame``, counted without decoding it (ids hold no comma)."""
    start = frame.find(_UNIT_IDS)
    if start < 0:
        return 0
    start += len(_UNIT_IDS)
    end = frame.find(b"]", start)
    if end == start:
        return 0
    return frame.count(b",", start, end) + 1


def frame_time(frame: bytes) -> float:
    """The ``at`` of a position frame, in epoch seconds (its first ``"at"`` member)."""
    start = frame.find(_AT) + len(_AT)
    end = frame.find(b'"', start)
    return datetime.fromisoformat(frame[start:end].decode()).timestamp()


# --- shared helpers --------------------------------------------------------------------


async def sign_in(
    url: str, user: str, kind: str, client_id: str, max_size: int | None = None
) -> ClientConnection:
    """Connect, say hello, and read until ``synced`` (snapshot chunks are skipped)."""
    ws = await connect(url, max_size=max_size, compression=None, open_timeout=30)
    hello = Hello(
        protocol=PROTOCOL_VERSION,
        client_kind=kind,  # type: ignore[arg-type]
        client_id=client_id,
        user=user,
        password=PASSWORD,
    )
    await ws.send(codec.encode(hello), text=True)
    async with asyncio.timeout(60):
        while True:
            frame = await ws.recv(decode=False)
            assert isinstance(frame, bytes)
            if frame.startswith(b'{"type":"synced"'):
                return ws
            if frame.startswith(b'{"type":"error"'):
                raise RuntimeError(f"{user} could not sign in: {frame[:300]!r}")


class LagProbe:
    """Measures this process's own event-loop lag: how late a 20 ms sleep wakes up."""

    def __init__(self) -> None:
        self.samples: list[tuple[float, float]] = []
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while True:
            before = time.monotonic()
            await asyncio.sleep(LAG_TICK)
            now = time.monotonic()
            self.samples.append((now, now - before - LAG_TICK))

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


async def wait_until(t: float) -> None:
    """Sleep until monotonic time ``t``."""
    delay = t - time.monotonic()
    if delay > 0:
        await asyncio.sleep(delay)


async def read_go() -> dict[str, float]:
    """Say ``ready`` and wait for the parent's ``go {schedule}`` line."""
    print("ready", flush=True)
    line = await asyncio.to_thread(sys.stdin.readline)
    if not line.startswith("go "):
        raise SystemExit(f"expected 'go {{...}}', got {line!r}")
    schedule: dict[str, float] = json.loads(line[3:])
    return schedule


def emit(result: dict[str, Any]) -> None:
    print("result " + json.dumps(result, separators=(",", ":")), flush=True)


async def close_all(connections: Sequence[ClientConnection]) -> None:
    await asyncio.gather(*(ws.close() for ws in connections), return_exceptions=True)


# --- consoles ----------------------------------------------------------------------------


@dataclass
class ConsoleLog:
    """What one console saw: position frames and case events, with arrival times."""

    name: str
    frames: list[tuple[float, int, float, int]] = field(default_factory=list)
    """Per position frame: monotonic arrival, units, wall-clock age of its ``at``, bytes."""
    events: dict[str, float] = field(default_factory=dict)
    """Monotonic arrival of the event whose entry note is the key (the command's tag)."""
    event_bytes: list[int] = field(default_factory=list)
    other: int = 0
    sampled: int = 0
    mismatches: int = 0
    goodbye: str = ""
    """The server's ``goodbye`` (e.g. ``too_slow``), if it cut this console off."""


async def console_reader(ws: ClientConnection, log: ConsoleLog) -> None:
    """Read until the connection closes, recording what arrives and when."""
    try:
        while True:
            frame = await ws.recv(decode=False)
            arrived = time.monotonic()
            assert isinstance(frame, bytes)
            if frame.startswith(b'{"type":"position_frame"'):
                units = count_units(frame)
                age = time.time() - frame_time(frame)
                log.frames.append((arrived, units, age, len(frame)))
                if len(log.frames) % SAMPLE_EVERY == 1:
                    decoded = codec.decode_server(frame)
                    assert isinstance(decoded, PositionFrame)
                    log.sampled += 1
                    log.mismatches += len(decoded.unit_ids) != units
            elif frame.startswith(b'{"type":"event"'):
                event = _peek_event(frame)
                log.event_bytes.append(len(frame))
                if event.body.entry is not None and event.body.entry.note:
                    log.events.setdefault(event.body.entry.note, arrived)
            elif frame.startswith(b'{"type":"goodbye"'):
                log.goodbye = frame.decode(errors="replace")
            else:
                log.other += 1
    except ConnectionClosed:
        pass


async def run_consoles(args: argparse.Namespace) -> None:
    """``consoles``: sign ``--count`` consoles in, record until the schedule ends."""
    names = [f"bench-console-{args.first + i:03d}" for i in range(args.count)]
    users = [CONSOLE_USERS[(args.first + i) % len(CONSOLE_USERS)] for i in range(args.count)]
    connections = list(
        await asyncio.gather(
            *(sign_in(args.url, u, "console", n) for u, n in zip(users, names, strict=True))
        )
    )
    logs = [ConsoleLog(n) for n in names]
    readers = [
        asyncio.create_task(console_reader(ws, log))
        for ws, log in zip(connections, logs, strict=True)
    ]
    probe = LagProbe()
    probe.start()
    schedule = await read_go()
    await wait_until(schedule["end"] + schedule.get("linger", 1.5))
    await probe.stop()
    await close_all(connections)
    await asyncio.gather(*readers, return_exceptions=True)
    emit(
        {
            "consoles": [
                {
                    "name": log.name,
                    "frames": [[round(t, 6), n, round(a, 6), b] for t, n, a, b in log.frames],
                    "event_bytes": log.event_bytes,
                    "events": {k: round(v, 6) for k, v in log.events.items()},
                    "other": log.other,
                    "sampled": log.sampled,
                    "mismatches": log.mismatches,
                    "goodbye": log.goodbye,
                }
                for log in logs
            ],
            "lag": [[round(t, 4), round(x, 6)] for t, x in probe.samples],
        }
    )


# --- terminals and the command driver ---------------------------------------------------


class Replies:
    """Routes replies with an ``id`` (ack, error, pong) to whoever awaits them."""

    def __init__(self) -> None:
        self.waiting: dict[str, asyncio.Future[tuple[float, Any]]] = {}
        self.unexpected: list[str] = []

    def expect(self, request_id: str) -> asyncio.Future[tuple[float, Any]]:
        future: asyncio.Future[tuple[float, Any]] = asyncio.get_running_loop().create_future()
        self.waiting[request_id] = future
        return future

    async def read(self, ws: ClientConnection) -> None:
        """Read replies; events and position frames are drained unparsed."""
        with contextlib.suppress(ConnectionClosed):
            while True:
                frame = await ws.recv(decode=False)
                arrived = time.monotonic()
                assert isinstance(frame, bytes)
                if frame.startswith((b'{"type":"event"', b'{"type":"position_frame"')):
                    continue
                message = codec.decode_server(frame)
                request_id = getattr(message, "id", None)
                future = self.waiting.pop(request_id, None) if request_id else None
                if future is not None and not future.done():
                    future.set_result((arrived, message))
                elif len(self.unexpected) < 20:
                    self.unexpected.append(frame[:300].decode(errors="replace"))


@dataclass
class CommandLog:
    """One command: its tag (the history note), kind, send and reply times, outcome."""

    tag: str
    kind: str
    sent: float
    replied: float = math.nan
    ok: bool = False
    late: float = 0.0
    error: str = ""


@dataclass
class OpenCase:
    """A case the driver reported and is taking through acceptance and filing."""

    case_id: int
    revision: int
    next_move: int = 1
    """1: accept, 2: file; the case is done after filing."""
    busy: bool = False
    """A move on it is waiting for its answer."""


class Driver:
    """Makes a workflow move every ``interval`` s: report a case, accept it, file it.

    Open loop: every slot sends one command on time, whatever the previous ones are
    doing, so a stalled server shows up as long delays rather than as fewer commands (no
    coordinated omission). The slots go round the connections (one console each, users
    ``operator`` and ``supervisor``); a slot moves a case of that connection whose last
    move has been answered, or else reports a new case. Each command carries a unique tag
    as the report's description or the move's note, so every console can tell which
    command an event answers.
    """

    def __init__(
        self,
        connections: Sequence[tuple[ClientConnection, Replies]],
        run_tag: str,
        points: list[list[float]],
    ) -> None:
        self.connections = list(connections)
        self.run_tag = run_tag
        self.points = points
        self.cases: list[list[OpenCase]] = [[] for _ in self.connections]
        self.log: list[CommandLog] = []
        self.pings: list[tuple[float, float]] = []

    def _next(self, conn: int, k: int, tag: str) -> tuple[Any, str, OpenCase | None]:
        """The command for slot ``k`` on connection ``conn``."""
        for case in self.cases[conn]:
            if not case.busy:
                case.busy = True
                move = Accept(note=tag) if case.next_move == 1 else File(note=tag)
                command = Command(
                    id=f"c{k}", case_id=case.case_id, expected_revision=case.revision, move=move
                )
                return command, "accept" if case.next_move == 1 else "file", case
        lon, lat = self.points[k % len(self.points)]
        report = NewReport(
            source=Source.HOTLINE,
            category=GARBAGE,
            lon=lon,
            lat=lat,
            description=tag,
            reporter_name="bench",
        )
        return Report(id=f"c{k}", report=report), "report", None

    async def _send(
        self, conn: int, message: Any, entry: CommandLog, case: OpenCase | None
    ) -> None:
        ws, replies = self.connections[conn]
        future = replies.expect(message.id)
        await ws.send(codec.encode(message), text=True)
        try:
            async with asyncio.timeout(ACK_TIMEOUT):
                entry.replied, reply = await future
        except TimeoutError:
            entry.error, reply = "timeout", None
        entry.ok = isinstance(reply, Ack)
        if isinstance(reply, Error):
            entry.error = str(reply.code)
        if case is None:
            if entry.ok and reply.result:
                self.cases[conn].append(OpenCase(int(reply.result["case_id"]), revision=1))
            return
        case.busy = False
        if entry.ok and case.next_move == 1:
            case.revision, case.next_move = case.revision + 1, 2
        else:  # filed, or refused: done with this case
            self.cases[conn].remove(case)

    async def run_commands(self, start: float, stop: float, interval: float) -> None:
        """Send command k at ``start + k * interval``, on connection k mod n."""
        in_flight: set[asyncio.Task[None]] = set()
        k = 0
        while (slot := start + k * interval) < stop:
            await wait_until(slot)
            conn = k % len(self.connections)
            k += 1
            tag = f"bench {self.run_tag} #{k}"
            message, kind, case = self._next(conn, k, tag)
            entry = CommandLog(tag=tag, kind=kind, sent=time.monotonic())
            entry.late = max(0.0, entry.sent - slot)
            self.log.append(entry)
            task = asyncio.create_task(self._send(conn, message, entry, case))
            in_flight.add(task)
            task.add_done_callback(in_flight.discard)
        await asyncio.gather(*in_flight)

    async def run_pings(self, start: float, stop: float, interval: float) -> None:
        """A ping every ``interval`` s, half a slot after the commands: server responsiveness."""
        ws, replies = self.connections[0]
        k = 0
        while (slot := start + (k + 0.5) * interval) < stop:
            await wait_until(slot)
            k += 1
            ping = Ping(id=f"p{k}", sent_at=datetime.now(UTC))
            future = replies.expect(ping.id)
            sent = time.monotonic()
            await ws.send(codec.encode(ping), text=True)
            try:
                async with asyncio.timeout(ACK_TIMEOUT):
                    arrived, _ = await future
            except TimeoutError:
                continue
            self.pings.append((sent, arrived - sent))


class Terminal:
    """A field terminal reporting a fixed group of units once a second, as one batch."""

    def __init__(self, ws: ClientConnection, unit_ids: list[str], rng: np.random.Generator):
        self.ws = ws
        self.unit_ids = unit_ids
        self.rng = rng
        n = len(unit_ids)
        self.lons = rng.uniform(121.45, 121.90, n)
        self.lats = rng.uniform(30.90, 31.35, n)
        self.headings = rng.uniform(0, 359, n).round(1)
        self.sent: list[tuple[float, int]] = []

    def batch(self) -> bytes:
        """The next batch: every unit moved a few metres, all fixed now."""
        n = len(self.unit_ids)
        self.lons += self.rng.normal(0, 2e-5, n)
        self.lats += self.rng.normal(0, 2e-5, n)
        now = datetime.now(UTC)
        return codec.encode(
            PositionBatch(
                unit_ids=self.unit_ids,
                at=[now] * n,
                lons=self.lons.round(6).tolist(),
                lats=self.lats.round(6).tolist(),
                speeds=[1.4] * n,
                headings=self.headings.tolist(),
            )
        )

    async def run(self, start: float, stop: float, period: float = 1.0) -> None:
        k = 0
        while (slot := start + k * period) < stop:
            await wait_until(slot)
            k += 1
            frame = self.batch()
            await self.ws.send(frame, text=True)
            self.sent.append((time.monotonic(), len(self.unit_ids)))


async def run_driver(args: argparse.Namespace) -> None:
    """``driver``: the terminals (positions), the command driver and the pinger."""
    points: list[list[float]] = json.loads(Path(args.points).read_text())
    ids = [f"U{i:05d}" for i in range(1, args.units + 1)]
    groups = [ids[i :: args.terminals] for i in range(args.terminals)]
    terminal_ws = list(
        await asyncio.gather(
            *(
                sign_in(args.url, "field", "terminal", f"bench-terminal-{i}")
                for i in range(args.terminals)
            )
        )
    )
    driver_ws = list(
        await asyncio.gather(
            *(
                sign_in(args.url, DRIVER_USERS[i % 2], "simulator", f"bench-driver-{i}")
                for i in range(args.drivers)
            )
        )
    )
    pinger_ws = await sign_in(args.url, "operator", "simulator", "bench-pinger")
    rng = np.random.default_rng(args.seed)
    terminals = [Terminal(ws, g, rng) for ws, g in zip(terminal_ws, groups, strict=True)]
    terminal_replies = [Replies() for _ in terminal_ws]
    driver_replies = [Replies() for _ in driver_ws]
    pinger_replies = Replies()
    pairs = [
        *zip(terminal_replies, terminal_ws, strict=True),
        *zip(driver_replies, driver_ws, strict=True),
        (pinger_replies, pinger_ws),
    ]
    readers = [asyncio.create_task(r.read(ws)) for r, ws in pairs]
    driver = Driver(list(zip(driver_ws, driver_replies, strict=True)), args.tag, points)
    # Pings on their own connection: a session handles its frames one at a time, so on
    # a driver's connection a ping would wait for the command before it.
    pinger = Driver([(pinger_ws, pinger_replies)], args.tag, points)
    probe = LagProbe()
    probe.start()
    schedule = await read_go()
    tasks = [
        driver.run_commands(schedule["commands"], schedule["end"], args.interval),
        pinger.run_pings(schedule["commands"], schedule["end"], args.interval),
    ]
    if schedule.get("positions") is not None:
        spread = 1.0 / len(terminals)
        tasks += [
            t.run(schedule["positions"] + i * spread, schedule["end"])
            for i, t in enumerate(terminals)
        ]
    await asyncio.gather(*tasks)
    await asyncio.sleep(0.5)
    await probe.stop()
    await close_all([*terminal_ws, *driver_ws, pinger_ws])
    await asyncio.gather(*readers, return_exceptions=True)
    unexpected = [s for r in [*driver_replies, pinger_replies] for s in r.unexpected]
    emit(
        {
            "commands": [
                [c.tag, c.kind, round(c.sent, 6), round(c.replied, 6), c.ok, c.error, c.late]
                for c in driver.log
            ],
            "pings": [[round(s, 6), round(r, 6)] for s, r in pinger.pings],
            "batches": [[round(t, 6), n] for term in terminals for t, n in term.sent],
            "terminal_replies": sum(len(r.unexpected) for r in terminal_replies),
            "terminal_samples": [s for r in terminal_replies for s in r.unexpected][:5],
            "driver_unexpected": unexpected[:5],
            "lag": [[round(t, 4), round(x, 6)] for t, x in probe.samples],
        }
    )


# --- the bare lower-bound server --------------------------------------------------------


class BareServer:
    """The least a server must do for the same load, without the product's logic.

    Decodes (and validates) every client frame with the same codec, keeps the newest fixes,
    and every tick encodes one ``position_frame`` of the units that moved and hands it to
    ``websockets.broadcast`` for all consoles. A report or move gets a case-event frame of
    about a real event's size, broadcast to every connection, then an ack. No database, no
    workflow, no scopes, no per-client queues.
    """

    def __init__(self, tick: float, event_bytes: int) -> None:
        self.tick = tick
        self.pad = "x" * event_bytes
        self.consoles: set[ServerConnection] = set()
        self.everyone: set[ServerConnection] = set()
        self.pending: dict[str, tuple[float, float, float | None]] = {}
        self.seq = 0
        self.case_ids = itertools.count(1)

    async def handle(self, ws: ServerConnection) -> None:
        hello = codec.decode_client(await ws.recv(decode=False))
        if not isinstance(hello, Hello):
            return
        await ws.send(codec.encode(Synced(seq=self.seq)), text=True)
        self.everyone.add(ws)
        if hello.client_kind == "console":
            self.consoles.add(ws)
        try:
            async for frame in ws:
                self._on_message(ws, codec.decode_client(frame))
        except ConnectionClosed:
            pass
        finally:
            self.everyone.discard(ws)
            self.consoles.discard(ws)

    def _on_message(self, ws: ServerConnection, message: Any) -> None:
        if isinstance(message, PositionBatch):
            headings = message.headings or [None] * len(message.unit_ids)
            for unit_id, lon, lat, heading in zip(
                message.unit_ids, message.lons, message.lats, headings, strict=True
            ):
                self.pending[unit_id] = (lon, lat, heading)
        elif isinstance(message, Report | Command):
            self.seq += 1
            if isinstance(message, Report):
                case_id, note = next(self.case_ids), message.report.description
            else:
                case_id, note = message.case_id, getattr(message.move, "note", "")
            event = msgspec.json.encode(
                {
                    "type": "event",
                    "seq": self.seq,
                    "at": datetime.now(UTC),
                    "body": {
                        "kind": "case_changed",
                        "case": {"id": case_id, "padding": self.pad},
                        "entry": {"case_id": case_id, "note": note},
                    },
                }
            )
            broadcast(self.everyone, event, text=True)
            ack = Ack(id=message.id, seq=self.seq, result={"case_id": case_id})
            broadcast([ws], codec.encode(ack), text=True)
        elif isinstance(message, Ping):
            pong = Pong(id=message.id, sent_at=message.sent_at, server_time=datetime.now(UTC))
            broadcast([ws], codec.encode(pong), text=True)

    async def ticker(self) -> None:
        next_at = time.monotonic()
        while True:
            next_at += self.tick
            await asyncio.sleep(max(0.0, next_at - time.monotonic()))
            if not self.pending:
                continue
            moved, self.pending = self.pending, {}
            values = list(moved.values())
            frame = PositionFrame(
                at=datetime.now(UTC),
                unit_ids=list(moved),
                lons=[v[0] for v in values],
                lats=[v[1] for v in values],
                headings=[round(v[2]) % 360 if v[2] is not None else None for v in values],
                statuses=[UnitStatus.PATROL] * len(values),
            )
            broadcast(self.consoles, codec.encode(frame), text=True)


async def run_bare_server(args: argparse.Namespace) -> None:
    """``bare-server``: serve until SIGTERM/SIGINT."""
    server = BareServer(args.tick, args.event_bytes)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with serve(server.handle, "127.0.0.1", 0, max_size=None, compression=None) as ws_server:
        ticker = asyncio.create_task(server.ticker())
        port = next(iter(ws_server.sockets)).getsockname()[1]
        print(f"listening on ws://127.0.0.1:{port}", flush=True)
        await stop.wait()
        ticker.cancel()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    roles = parser.add_subparsers(dest="role", required=True)
    consoles = roles.add_parser("consoles")
    consoles.add_argument("--url", required=True)
    consoles.add_argument("--count", type=int, default=50)
    consoles.add_argument("--first", type=int, default=0)
    driver = roles.add_parser("driver")
    driver.add_argument("--url", required=True)
    driver.add_argument("--units", type=int, default=10_000)
    driver.add_argument("--terminals", type=int, default=4)
    driver.add_argument("--interval", type=float, default=0.1)
    driver.add_argument("--drivers", type=int, default=5, help="command connections")
    driver.add_argument("--points", required=True, help="JSON file of [lon, lat] report spots")
    driver.add_argument("--tag", default="run")
    driver.add_argument("--seed", type=int, default=7)
    bare = roles.add_parser("bare-server")
    bare.add_argument("--tick", type=float, default=0.25)
    bare.add_argument("--event-bytes", type=int, default=1200, help="event padding")
    args = parser.parse_args(argv)
    runner = {"consoles": run_consoles, "driver": run_driver, "bare-server": run_bare_server}
    asyncio.run(runner[args.role](args))


if __name__ == "__main__":
    main()
