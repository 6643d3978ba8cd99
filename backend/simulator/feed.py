"""The terminals' position feed: one connection that sends every fix of every tick.

Positions are fire-and-forget (``position_batch`` has no id and no answer), which
:class:`net.client.GridClient` does not offer: it matches requests to answers. This is the
one connection the simulator runs itself, with websockets and the codec, and it does only
what a vehicle gateway does: sign in, send the newest batch each tick, ping, read (and
drop) what the server sends, log any error, and reconnect with a backoff when the
connection drops. A batch that could not be sent is simply superseded by the next one:
positions are ephemeral (docs/protocol.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl as ssl_module
import time
from datetime import UTC, datetime

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

from net import codec
from net.client import Backoff, new_request_id
from net.codec import ProtocolError
from net.protocol import (
    MAX_PHOTO_FRAME_BYTES,
    PROTOCOL_VERSION,
    Bye,
    Error,
    Goodbye,
    Hello,
    Ping,
    PositionBatch,
    Welcome,
)

log = logging.getLogger(__name__)

SIGN_IN_TIMEOUT = 30.0
"""Seconds to wait for ``welcome`` (a busy server may take a while to answer)."""

_ERROR_PREFIX = '{"type":"error"'
_GOODBYE_PREFIX = '{"type":"goodbye"'


class PositionFeed:
    """Sends the simulator's position batches as one terminal gateway.

    Args:
        url: The server.
        user: A field user whose scope covers the units (the district's).
        password: Its password.
        client_id: This gateway's id.
        ssl: TLS context for ``wss``.

    Attributes:
        fixes_sent: Fixes sent so far.
        batches_sent: Batches sent so far.
        errors: Errors the server answered with.
    """

    def __init__(
        self,
        url: str,
        user: str,
        password: str,
        *,
        client_id: str = "sim-positions",
        ssl: ssl_module.SSLContext | None = None,
    ) -> None:
        self.url = url
        self.user = user
        self.password = password
        self.client_id = client_id
        self.ssl = ssl
        self.fixes_sent = 0
        self.batches_sent = 0
        self.errors = 0
        self.connected = asyncio.Event()
        self._latest: list[PositionBatch] = []
        self._wake = asyncio.Event()
        self._closing = False

    def offer(self, batches: list[PositionBatch]) -> None:
        """The newest fixes; replaces any not yet sent."""
        self._latest = batches
        self._wake.set()

    async def close(self) -> None:
        """Say bye and stop (``run`` returns)."""
        self._closing = True
        self._wake.set()

    async def run(self) -> None:
        """Connect, send, reconnect; until :meth:`close` or cancellation."""
        backoff = Backoff()
        while not self._closing:
            try:
                async with connect(
                    self.url,
                    ssl=self.ssl,
                    max_size=MAX_PHOTO_FRAME_BYTES,
                    compression=None,
                    open_timeout=10,
                    close_timeout=2,
                ) as ws:
                    welcome = await self._sign_in(ws)
                    if welcome is not None:
                        backoff.reset()
                        await self._session(ws, welcome.limits.ping_interval)
            except (OSError, TimeoutError, ConnectionClosed, InvalidHandshake) as exc:
                log.info("position feed: connection lost (%s)", type(exc).__name__)
            except InvalidURI:
                log.error("position feed: not a websocket URL: %s", self.url)
                return
            finally:
                self.connected.clear()
            if not self._closing:
                await asyncio.sleep(backoff.next_delay())

    async def _sign_in(self, ws: ClientConnection) -> Welcome | None:
        hello = Hello(
            protocol=PROTOCOL_VERSION,
            client_kind="terminal",
            client_id=self.client_id,
            user=self.user,
            password=self.password,
        )
        await ws.send(codec.encode(hello), text=True)
        async with asyncio.timeout(SIGN_IN_TIMEOUT):
            while True:
                frame = await ws.recv()
                try:
                    message = codec.decode_server(frame)
                except ProtocolError as exc:
                    log.warning("position feed: unreadable frame: %s", exc.message)
                    continue
                if isinstance(message, Welcome):
                    return message
                if isinstance(message, Error):
                    log.error("position feed: sign-in refused: %s", message.message)
                    return None

    async def _session(self, ws: ClientConnection, ping_interval: float) -> None:
        self.connected.set()
        reader = asyncio.create_task(self._drain(ws), name="position-feed-reader")
        last_ping = time.monotonic()
        try:
            while not self._closing and not reader.done():
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), ping_interval / 2)
                batches, self._latest = self._latest, []
                for batch in batches:
                    await ws.send(codec.encode(batch), text=True)
                    self.batches_sent += 1
                    self.fixes_sent += len(batch.unit_ids)
                if time.monotonic() - last_ping >= ping_interval / 2:
                    ping = Ping(id=new_request_id("p"), sent_at=datetime.now(UTC))
                    await ws.send(codec.encode(ping), text=True)
                    last_ping = time.monotonic()
            if self._closing:
                with contextlib.suppress(ConnectionClosed):
                    await ws.send(codec.encode(Bye()), text=True)
        finally:
            reader.cancel()
            await asyncio.gather(reader, return_exceptions=True)

    async def _drain(self, ws: ClientConnection) -> None:
        """Read everything (the server must not wait on us); log errors and goodbyes."""
        with contextlib.suppress(ConnectionClosed):
            async for frame in ws:
                text = frame if isinstance(frame, str) else frame.decode("utf-8", "replace")
                if text.startswith(_ERROR_PREFIX):
                    self.errors += 1
                    log.warning("position feed: server error: %s", text[:300])
                elif text.startswith(_GOODBYE_PREFIX):
                    with contextlib.suppress(ProtocolError):
                        message = codec.decode_server(text)
                        if isinstance(message, Goodbye):
                            log.info("position feed: goodbye (%s)", message.reason)
