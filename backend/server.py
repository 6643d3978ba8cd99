"""The websocket server: a thin asyncio layer over ``Session`` and ``Core``."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import ssl
from collections.abc import AsyncIterator, Callable
from pathlib import Path

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from backend.core import Core
from backend.fanout import Client
from backend.outbox import Outbox
from backend.session import Outcome, Session
from backend.store.database import Database
from net import codec
from net.codec import ProtocolError
from net.protocol import (
    MAX_PHOTO_FRAME_BYTES,
    ErrorCode,
    Goodbye,
    GoodbyeReason,
    ServerMessage,
)

log = logging.getLogger(__name__)

HELLO_TIMEOUT = 10.0
"""Seconds a new connection has to sign in."""


def tls_context(cert: Path, key: Path) -> ssl.SSLContext:
    """A server TLS context (wss) from a certificate chain and its key (PEM files)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert, key)
    return context


class GridServer:
    """Accepts consoles and terminals and runs each connection's session.

    Args:
        core: The started backend core.
    """

    def __init__(self, core: Core) -> None:
        self.core = core
        self.connections: set[ServerConnection] = set()

    @contextlib.asynccontextmanager
    async def serving(
        self, host: str = "127.0.0.1", port: int = 0, tls: ssl.SSLContext | None = None
    ) -> AsyncIterator[Server]:
        """Serve until the block exits; port 0 picks a free port (see ``server.sockets``)."""
        async with serve(
            self.handle,
            host,
            port,
            ssl=tls,
            # The codec refuses oversized frames with a precise error; websockets cuts off
            # only frames no client of ours would ever send.
            max_size=MAX_PHOTO_FRAME_BYTES,
            max_queue=64,
            ping_interval=20,
            ping_timeout=20,
            compression=None,
        ) as server:
            try:
                yield server
            finally:
                await self.say_goodbye(GoodbyeReason.SHUTDOWN)

    async def say_goodbye(self, reason: GoodbyeReason) -> None:
        frame = codec.encode(Goodbye(reason=reason))
        for connection in list(self.connections):
            with contextlib.suppress(ConnectionClosed):
                await connection.send(frame.decode())
                await connection.close()

    async def handle(self, connection: ServerConnection) -> None:
        self.connections.add(connection)
        try:
            await self._run(connection)
        except ConnectionClosed:
            pass
        finally:
            self.connections.discard(connection)

    async def _run(self, connection: ServerConnection) -> None:
        session = Session(self.core)
        while session.user is None:
            try:
                frame = await asyncio.wait_for(connection.recv(), HELLO_TIMEOUT)
            except TimeoutError:
                await _send_outcome(
                    connection,
                    Outcome(
                        [codec.make_error(ErrorCode.NOT_SIGNED_IN)],
                        Goodbye(reason=GoodbyeReason.IDLE),
                    ),
                )
                return
            outcome = await session.sign_in(frame)
            if not await _send_outcome(connection, outcome):
                return
        assert session.hello is not None
        client = Client(
            user=session.user,
            client_id=session.hello.client_id,
            wants_positions=session.hello.client_kind == "console",
            outbox=Outbox(self.core.config.max_queued_events),
            kind=session.hello.client_kind,
            since=self.core.server_time(),
        )
        seq, snapshot = self.core.attach(client, session.hello.last_seq)
        try:
            if snapshot is None:
                assert session.hello.last_seq is not None
                frames = await self.core.missed_events(client, session.hello.last_seq, seq)
            else:
                frames = snapshot
            for frame in frames:
                await connection.send(frame.decode())
            writer = asyncio.create_task(_pump(connection, client))
            try:
                async for frame in connection:
                    outcome = await session.handle(frame)
                    for reply in outcome.replies:
                        client.outbox.put_event(_encode_reply(reply))
                    if outcome.close is not None:
                        client.outbox.put_event(codec.encode(outcome.close))
                        break
                    if writer.done():
                        break
            finally:
                await _finish(writer, client)
        finally:
            self.core.detach(client)


def _encode_reply(reply: ServerMessage) -> bytes:
    """The frame of a reply, or of a ``server_error`` for one too large to send (a map of
    a huge district): the request fails, the connection lives on."""
    try:
        return codec.encode(reply)
    except ProtocolError as exc:
        log.error("cannot send %s: %s", type(reply).__name__, exc.message)
        return codec.encode(codec.make_error(ErrorCode.SERVER_ERROR, id=getattr(reply, "id", None)))


async def _pump(connection: ServerConnection, client: Client) -> None:
    """Send the client's outbox; on overflow say why and close."""
    outbox = client.outbox
    while (frame := await outbox.next()) is not None:
        await connection.send(frame, text=True)  # JSON text frames, without a decode copy
    if outbox.overflowed:
        log.warning("client %s too slow: disconnected", client.client_id)
        goodbye = Goodbye(reason=GoodbyeReason.TOO_SLOW, message="too many events waiting")
        with contextlib.suppress(ConnectionClosed):
            await connection.send(codec.encode(goodbye).decode())
    await connection.close()


async def _finish(writer: asyncio.Task[None], client: Client) -> None:
    client.outbox.close()
    with contextlib.suppress(ConnectionClosed, asyncio.CancelledError):
        await asyncio.wait_for(writer, 5)


async def _send_outcome(connection: ServerConnection, outcome: Outcome) -> bool:
    """Send replies directly (before sign-in); ``False`` when the connection must close."""
    for reply in outcome.replies:
        await connection.send(codec.encode(reply).decode())
    if outcome.close is not None:
        await connection.send(codec.encode(outcome.close).decode())
        await connection.close()
        return False
    return True


async def run_server(
    db_url: str,
    host: str,
    port: int,
    *,
    tls: ssl.SSLContext | None = None,
    announce: Callable[[str], None] = print,
    stop: asyncio.Event | None = None,
) -> None:
    """Run the backend until ``stop`` is set (or SIGINT/SIGTERM).

    ``announce`` receives one line, ``listening on ws://host:port``, once the socket is
    bound: with port 0 it tells a parent process which port was picked.
    """
    # One line per connection opened and closed drowns what matters in a city of terminals.
    logging.getLogger("websockets").setLevel(logging.WARNING)
    db = Database.open(db_url)
    core = Core(db)
    await core.start()
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    try:
        async with GridServer(core).serving(host, port, tls) as server:
            bound = next(iter(server.sockets)).getsockname()
            scheme = "wss" if tls else "ws"
            announce(f"listening on {scheme}://{bound[0]}:{bound[1]}")
            await stop.wait()
    finally:
        await core.stop()
        db.close()
