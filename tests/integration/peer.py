"""A bare protocol peer for server tests: raw websockets and the codec, nothing else.

Deliberately not the console's client: these tests check the server against the protocol
as documented, frame by frame.
"""

from __future__ import annotations

import asyncio
import itertools
import ssl
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from websockets.asyncio.client import ClientConnection, connect

from net import codec
from net.protocol import (
    PROTOCOL_VERSION,
    ClientMessage,
    Error,
    Event,
    Hello,
    ServerMessage,
    SnapshotChunk,
    Synced,
    Welcome,
)

M = TypeVar("M", bound=ServerMessage)

_ids = itertools.count(1)


def new_id() -> str:
    return f"r{next(_ids)}"


class Peer:
    """One signed-in connection that records everything the server sends."""

    def __init__(self, ws: ClientConnection, kind: str) -> None:
        self.ws = ws
        self.kind = kind
        self.received: list[ServerMessage] = []
        self.welcome: Welcome | None = None
        self._arrived = asyncio.Event()
        self._reader = asyncio.create_task(self._read())

    @classmethod
    async def connect(
        cls,
        url: str,
        user: str,
        password: str | None = "grid-demo-2026",
        *,
        kind: str = "console",
        client_id: str | None = None,
        token: str | None = None,
        last_seq: int | None = None,
        ssl_context: ssl.SSLContext | None = None,
    ) -> Peer:
        ws = await connect(url, ssl=ssl_context, max_size=None)
        peer = cls(ws, kind)
        hello = Hello(
            protocol=PROTOCOL_VERSION,
            client_kind=kind,  # type: ignore[arg-type]
            client_id=client_id or f"{user}-{kind}",
            user=user,
            password=None if token else password,
            token=token,
            last_seq=last_seq,
        )
        await peer.send(hello)
        return peer

    async def _read(self) -> None:
        try:
            async for frame in self.ws:
                self.received.append(codec.decode_server(frame))
                self._arrived.set()
        finally:
            self._arrived.set()

    async def send(self, message: ClientMessage) -> None:
        await self.ws.send(codec.encode(message).decode())

    async def send_raw(self, frame: str | bytes) -> None:
        await self.ws.send(frame)

    async def wait_for(
        self, predicate: Callable[[ServerMessage], bool], timeout: float = 10.0, start: int = 0
    ) -> ServerMessage:
        """The first message (from index ``start``) matching ``predicate``."""
        async with asyncio.timeout(timeout):
            seen = start
            while True:
                for message in self.received[seen:]:
                    if predicate(message):
                        return message
                seen = len(self.received)
                if self._reader.done():
                    raise ConnectionError(f"connection closed; received: {self.received[-3:]}")
                self._arrived.clear()
                await self._arrived.wait()

    async def signed_in(self) -> Welcome:
        welcome = await self.wait_for(lambda m: isinstance(m, Welcome | Error))
        if isinstance(welcome, Error):
            raise AssertionError(f"sign-in refused: {welcome}")
        assert isinstance(welcome, Welcome)
        self.welcome = welcome
        return welcome

    async def synced(self) -> Synced:
        message = await self.wait_for(lambda m: isinstance(m, Synced))
        assert isinstance(message, Synced)
        return message

    async def request(self, message: Any, timeout: float = 10.0) -> ServerMessage:
        """Send a message with an ``id`` and wait for the reply with that id."""
        await self.send(message)
        return await self.wait_for(
            lambda m: getattr(m, "id", None) == message.id and not isinstance(m, Event), timeout
        )

    def events(self) -> list[Event]:
        return [m for m in self.received if isinstance(m, Event)]

    def snapshot_cases(self) -> dict[int, Any]:
        return {c.id: c for m in self.received if isinstance(m, SnapshotChunk) for c in m.cases}

    def of_type(self, kind: type[M]) -> list[M]:
        return [m for m in self.received if isinstance(m, kind)]

    async def close(self) -> None:
        await self.ws.close()
        await asyncio.gather(self._reader, return_exceptions=True)


def now() -> datetime:
    return datetime.now(UTC)
