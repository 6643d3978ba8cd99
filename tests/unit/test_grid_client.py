"""GridClient over real sockets against a small scripted server (no Qt, no backend).

The scripted server speaks just enough of protocol v1 (sign-in, snapshot or missed events,
commands applied once per id, pings, goodbyes) to show what a console does when the
connection drops: it reconnects, signs in with its token, resumes after the last event it
applied and resends its unanswered commands with their ids, and none of that applies a
command twice or loses an event. ``tests/integration`` does the same against the real
backend.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import TypeVar

import pytest
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from console.store import ClientStore
from models.case import Case
from models.workflow import Accept
from net import codec
from net.client import (
    Backoff,
    ClientClosed,
    ClientStatus,
    GridClient,
    RequestFailed,
    StatusChange,
    StopReason,
)
from net.protocol import (
    Ack,
    Bye,
    Command,
    Error,
    ErrorCode,
    Goodbye,
    GoodbyeReason,
    Hello,
    Ping,
    Pong,
    ServerMessage,
)
from tests.unit.client_factories import T0, case_event, make_case, snapshot, synced, welcome

T = TypeVar("T")


@dataclass
class ScriptedServer:
    """A protocol-v1 server in miniature: one list of cases, a log of numbered events."""

    cases: dict[int, Case] = field(default_factory=dict)
    events: list[tuple[int, Case]] = field(default_factory=list)
    applied: dict[str, int] = field(default_factory=dict)
    hellos: list[Hello] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)
    connections: set[ServerConnection] = field(default_factory=set)
    refuse_tokens: bool = False
    drop_before_ack: bool = False
    tokens_issued: int = 0
    server: Server | None = None

    @property
    def seq(self) -> int:
        return self.events[-1][0] if self.events else 0

    @property
    def url(self) -> str:
        assert self.server is not None
        port = self.server.sockets[0].getsockname()[1]
        return f"ws://127.0.0.1:{port}"

    async def send(self, ws: ServerConnection, message: ServerMessage) -> None:
        await ws.send(codec.encode(message), text=True)

    async def handle(self, ws: ServerConnection) -> None:
        self.connections.add(ws)
        try:
            await self._session(ws)
        except ConnectionClosed:
            pass
        finally:
            self.connections.discard(ws)

    async def _session(self, ws: ServerConnection) -> None:
        while True:
            hello = codec.decode_client(await ws.recv())
            assert isinstance(hello, Hello)
            self.hellos.append(hello)
            if hello.token is not None and self.refuse_tokens:
                await self.send(ws, Error(code=ErrorCode.TOKEN_EXPIRED, message="expired"))
                continue
            break
        self.tokens_issued += 1
        resume = "events" if hello.last_seq is not None else "snapshot"
        await self.send(ws, welcome(resume, self.seq, token=f"tk-{self.tokens_issued}"))
        if hello.last_seq is None:
            for chunk in snapshot(self.seq, list(self.cases.values()), chunks=2):
                await self.send(ws, chunk)
        else:
            for seq, case in self.events:
                if seq > hello.last_seq:
                    await self.send(ws, case_event(seq, case))
        await self.send(ws, synced(self.seq))
        async for frame in ws:
            message = codec.decode_client(frame)
            match message:
                case Ping():
                    await self.send(
                        ws, Pong(id=message.id, sent_at=message.sent_at, server_time=T0)
                    )
                case Command():
                    await self._command(ws, message)
                case Bye():
                    await self.send(ws, Goodbye(reason=GoodbyeReason.BYE))
                    await ws.close()
                    return

    async def _command(self, ws: ServerConnection, command: Command) -> None:
        self.commands.append(command.id)
        if command.id in self.applied:  # a resend: the first answer again, nothing applied
            await self.send(ws, Ack(id=command.id, seq=self.applied[command.id]))
            return
        case = self.cases.get(command.case_id)
        if case is None:
            await self.send(
                ws, Error(id=command.id, code=ErrorCode.UNKNOWN_ID, message="no such case")
            )
            return
        if command.expected_revision is not None and command.expected_revision != case.revision:
            await self.send(ws, Error(id=command.id, code=ErrorCode.CONFLICT, message="changed"))
            return
        changed = make_case(case.id, case.revision + 1)
        self.cases[case.id] = changed
        seq = self.seq + 1
        self.events.append((seq, changed))
        self.applied[command.id] = seq
        if self.drop_before_ack:
            self.drop_before_ack = False
            ws.transport.abort()  # applied, but the answer never leaves
            return
        await self.send(ws, case_event(seq, changed))
        await self.send(ws, Ack(id=command.id, seq=seq, result={"case_id": case.id}))

    async def goodbye(self, reason: GoodbyeReason) -> None:
        for ws in list(self.connections):
            with contextlib.suppress(ConnectionClosed):
                await self.send(ws, Goodbye(reason=reason))
                await ws.close()

    def drop(self) -> None:
        """Cut every connection without a word (a network failure)."""
        for ws in list(self.connections):
            ws.transport.abort()


@contextlib.asynccontextmanager
async def scripted(cases: int = 3) -> AsyncIterator[ScriptedServer]:
    fake = ScriptedServer(cases={i: make_case(i) for i in range(1, cases + 1)})
    async with serve(fake.handle, "127.0.0.1", 0) as server:
        fake.server = server
        yield fake


class Console:
    """A client feeding a store, as ``console.connection`` does (without Qt)."""

    def __init__(self, url: str, **kwargs: object) -> None:
        self.store = ClientStore()
        self.statuses: list[StatusChange] = []
        self.client = GridClient(
            url,
            "zhangmin",
            "secret",
            client_id="console-test",
            applied_seq=lambda: self.store.last_seq,
            backoff=Backoff(initial=0.02, cap=0.1),
            **kwargs,  # type: ignore[arg-type]
        )
        self.task = asyncio.create_task(self._run())
        self._online = asyncio.Event()

    async def _run(self) -> None:
        async with contextlib.aclosing(self.client.messages()) as stream:
            async for item in stream:
                self.store.apply(item)
                if isinstance(item, StatusChange):
                    self.statuses.append(item)
                    if item.status is ClientStatus.ONLINE:
                        self._online.set()
                    else:
                        self._online.clear()

    async def online(self) -> None:
        await asyncio.wait_for(self._online.wait(), 5)

    async def stopped(self) -> None:
        await asyncio.wait_for(self.task, 5)


def run(scenario: Callable[[], Awaitable[T]]) -> T:
    async def bounded() -> T:
        return await asyncio.wait_for(scenario(), 20)

    return asyncio.run(bounded())


def test_the_console_signs_in_receives_the_snapshot_and_goes_online() -> None:
    async def scenario() -> None:
        async with scripted() as server:
            console = Console(server.url)
            await console.online()
            assert sorted(console.store.cases) == [1, 2, 3]
            assert console.store.user is not None
            assert [s.status for s in console.statuses] == [
                ClientStatus.CONNECTING,
                ClientStatus.ONLINE,
            ]
            assert server.hellos[0].password == "secret"
            assert server.hellos[0].last_seq is None
            await console.client.close()
            await console.stopped()
            assert console.statuses[-1].status is ClientStatus.OFFLINE
            assert console.statuses[-1].stop_reason is StopReason.CLOSED

    run(scenario)


def test_a_command_is_acknowledged_after_its_event_reached_the_store() -> None:
    async def scenario() -> None:
        async with scripted() as server:
            console = Console(server.url)
            await console.online()
            answer = await console.client.request(
                Command(id="", case_id=2, expected_revision=1, move=Accept())
            )
            assert isinstance(answer, Ack)
            assert answer.id.startswith("c-")
            assert console.store.cases[2].revision == 2  # already applied when acked
            assert console.store.last_seq == answer.seq
            await console.client.close()

    run(scenario)


def test_a_refused_command_raises_with_its_code() -> None:
    async def scenario() -> None:
        async with scripted() as server:
            console = Console(server.url)
            await console.online()
            with pytest.raises(RequestFailed) as failed:
                await console.client.request(
                    Command(id="c-x", case_id=2, expected_revision=5, move=Accept())
                )
            assert failed.value.code is ErrorCode.CONFLICT
            await console.client.close()

    run(scenario)


def test_pings_measure_the_round_trip() -> None:
    async def scenario() -> None:
        async with scripted() as server:
            console = Console(server.url, ping_interval=0.05)
            await console.online()
            for _ in range(100):
                if console.client.round_trip is not None:
                    break
                await asyncio.sleep(0.02)
            assert console.client.round_trip is not None
            assert 0 <= console.client.round_trip < 1
            answer = await console.client.request(Ping(id="", sent_at=T0))
            assert isinstance(answer, Pong)
            await console.client.close()

    run(scenario)


def test_after_a_network_failure_the_console_resumes_and_resends_once() -> None:
    async def scenario() -> None:
        async with scripted(cases=5) as server:
            console = Console(server.url)
            await console.online()
            # Meanwhile another console changes case 4 (an event the drop makes us miss).
            server.drop_before_ack = True
            pending = asyncio.create_task(
                console.client.request(Command(id="c-once", case_id=3, move=Accept()))
            )
            answer = await asyncio.wait_for(pending, 5)

            assert isinstance(answer, Ack)
            assert server.commands == ["c-once", "c-once"]  # resent with its id...
            assert server.cases[3].revision == 2  # ...and applied once
            assert console.store.cases[3].revision == 2
            assert sorted(console.store.cases) == [1, 2, 3, 4, 5]
            reconnect = server.hellos[-1]
            assert reconnect.token == "tk-1"
            assert reconnect.password is None
            assert reconnect.last_seq == 0  # nothing applied before the drop
            statuses = [s.status for s in console.statuses]
            assert statuses.count(ClientStatus.ONLINE) == 2
            assert ClientStatus.RECONNECTING in statuses
            await console.client.close()

    run(scenario)


def test_missed_events_arrive_on_resume_and_nothing_is_doubled() -> None:
    async def scenario() -> None:
        async with scripted(cases=4) as server:
            console = Console(server.url)
            await console.online()
            await console.client.request(Command(id="c-1", case_id=1, move=Accept()))
            server.drop()
            # While the console is away, two more changes are committed.
            for case_id in (2, 4):
                changed = make_case(case_id, server.cases[case_id].revision + 1)
                server.cases[case_id] = changed
                server.events.append((server.seq + 1, changed))
            await asyncio.sleep(0.05)
            await console.online()
            for _ in range(100):
                if console.store.last_seq == server.seq:
                    break
                await asyncio.sleep(0.01)
            assert server.hellos[-1].last_seq == 1
            assert {i: c.revision for i, c in console.store.cases.items()} == {
                1: 2,
                2: 2,
                3: 1,
                4: 2,
            }
            assert console.store.ignored_events == 0
            await console.client.close()

    run(scenario)


def test_a_refused_token_falls_back_to_the_password() -> None:
    async def scenario() -> None:
        async with scripted() as server:
            console = Console(server.url)
            await console.online()
            server.refuse_tokens = True
            server.drop()
            await asyncio.sleep(0.05)
            await console.online()
            assert [(h.token is not None, h.password is not None) for h in server.hellos] == [
                (False, True),
                (True, False),
                (False, True),
            ]
            await console.client.close()

    run(scenario)


def test_replaced_stops_the_client_and_fails_pending_requests() -> None:
    async def scenario() -> None:
        async with scripted() as server:
            console = Console(server.url)
            await console.online()
            await server.goodbye(GoodbyeReason.REPLACED)
            await console.stopped()
            last = console.statuses[-1]
            assert last.status is ClientStatus.OFFLINE
            assert last.stop_reason is StopReason.REPLACED
            assert last.goodbye is GoodbyeReason.REPLACED
            with pytest.raises(ClientClosed):
                await console.client.request(Ping(id="", sent_at=T0))
            assert len(server.hellos) == 1

    run(scenario)


def test_a_server_restart_is_followed_by_a_reconnect() -> None:
    async def scenario() -> None:
        async with scripted() as server:
            console = Console(server.url)
            await console.online()
            await server.goodbye(GoodbyeReason.SHUTDOWN)
            await asyncio.sleep(0.05)
            await console.online()
            reconnecting = [s for s in console.statuses if s.status is ClientStatus.RECONNECTING]
            assert reconnecting[0].goodbye is GoodbyeReason.SHUTDOWN
            assert reconnecting[0].retry_in is not None
            assert len(server.hellos) == 2
            await console.client.close()

    run(scenario)


def test_a_request_made_while_offline_goes_out_once_online() -> None:
    async def scenario() -> None:
        async with scripted() as server:
            console = Console(server.url)
            early = asyncio.create_task(
                console.client.request(Command(id="c-early", case_id=1, move=Accept()))
            )
            await console.online()
            answer = await asyncio.wait_for(early, 5)
            assert isinstance(answer, Ack)
            assert server.commands == ["c-early"]
            await console.client.close()

    run(scenario)


def test_an_unreachable_server_keeps_reconnecting_until_closed() -> None:
    async def scenario() -> None:
        async with scripted() as server:
            url = server.url
        console = Console(url, open_timeout=0.5)  # the server is gone: refused connections
        for _ in range(200):
            if sum(s.status is ClientStatus.RECONNECTING for s in console.statuses) >= 3:
                break
            await asyncio.sleep(0.01)
        attempts = [s.attempt for s in console.statuses if s.status is ClientStatus.RECONNECTING]
        assert attempts[:3] == [1, 2, 3]
        assert console.statuses[0].status is ClientStatus.CONNECTING
        await console.client.close()
        await console.stopped()
        assert console.statuses[-1].stop_reason is StopReason.CLOSED

    run(scenario)


def test_the_client_refuses_a_bad_url() -> None:
    with pytest.raises(ValueError, match="websocket URL"):
        GridClient("http://example.org", "u", "p")


def test_messages_has_one_consumer() -> None:
    async def scenario() -> None:
        async with scripted() as server:
            console = Console(server.url)
            await console.online()
            with pytest.raises(RuntimeError, match="one consumer"):
                await anext(console.client.messages())
            await console.client.close()

    run(scenario)


def test_a_stray_error_without_id_is_passed_on_not_raised() -> None:
    # A stray error without id (e.g. rate_limited for a ping) is passed on, not raised.
    async def scenario() -> None:
        async with scripted() as server:
            console = Console(server.url)
            await console.online()
            for ws in server.connections:
                await server.send(ws, Error(code=ErrorCode.RATE_LIMITED, message="slow"))
            await asyncio.sleep(0.05)
            assert console.client.status is ClientStatus.ONLINE
            await console.client.close()

    run(scenario)
