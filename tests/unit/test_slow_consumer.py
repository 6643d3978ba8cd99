"""A console that reads slowly loses intermediate position frames, never an event; one
that falls too far behind is cut off with the reason said."""

from __future__ import annotations

import asyncio
import json

from backend.fanout import Client, Hub
from backend.outbox import Outbox
from backend.server import _pump
from models.org import Role, User


class SlowSocket:
    """Stands in for a websocket whose peer reads only when the test lets it."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.gate = asyncio.Event()
        self.closed = False

    async def send(self, frame: str | bytes, text: bool = False) -> None:
        await self.gate.wait()
        self.sent.append(frame.decode() if isinstance(frame, bytes) else frame)

    async def close(self) -> None:
        self.closed = True


def console(max_events: int) -> Client:
    user = User(user_id="op", name="op", role=Role.OPERATOR)
    return Client(user=user, client_id="c1", wants_positions=True, outbox=Outbox(max_events))


def test_slow_console_gets_every_event_and_only_the_newest_positions() -> None:
    async def scenario() -> list[str]:
        hub, client, socket = Hub(), console(100), SlowSocket()
        hub.add(client)
        pump = asyncio.create_task(_pump(socket, client))  # type: ignore[arg-type]
        await asyncio.sleep(0)
        for tick in range(10):
            hub.publish_positions(
                {"310115": json.dumps({"type": "position_frame", "tick": tick}).encode()}
            )
            if tick % 3 == 0:
                client.outbox.put_event(json.dumps({"type": "event", "seq": tick}).encode())
        socket.gate.set()
        await asyncio.sleep(0.05)
        client.outbox.close()
        await asyncio.wait_for(pump, 1)
        return socket.sent

    sent = [json.loads(f) for f in asyncio.run(scenario())]
    events = [m["seq"] for m in sent if m["type"] == "event"]
    positions = [m["tick"] for m in sent if m["type"] == "position_frame"]
    assert events == [0, 3, 6, 9]
    # The first frame was already being sent when the socket stalled; then only the newest.
    assert positions[-1] == 9
    assert len(positions) <= 2


def test_a_console_too_far_behind_is_told_why_and_disconnected() -> None:
    async def scenario() -> SlowSocket:
        hub, client, socket = Hub(), console(5), SlowSocket()
        hub.add(client)
        pump = asyncio.create_task(_pump(socket, client))  # type: ignore[arg-type]
        await asyncio.sleep(0)
        for seq in range(20):
            client.outbox.put_event(json.dumps({"type": "event", "seq": seq}).encode())
        assert client.outbox.overflowed
        socket.gate.set()
        await asyncio.wait_for(pump, 1)
        return socket

    socket = asyncio.run(scenario())
    last = json.loads(socket.sent[-1])
    assert last["type"] == "goodbye"
    assert last["reason"] == "too_slow"
    assert socket.closed
