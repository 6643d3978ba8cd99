"""One client's bounded send queue, as plain logic (no I/O, no sockets).

Case and unit events are never dropped: a client that lets too many pile up is cut off
with a stated reason instead, and resumes from its last event number when it reconnects.
Position frames are ephemeral: only the newest one waits, replacing any older one not yet
sent, so a slow console loses intermediate positions but never falls behind on them.
"""

from __future__ import annotations

import asyncio
from collections import deque


class Outbox:
    """Frames waiting to be sent to one client.

    Args:
        max_events: How many event frames may wait before the client counts as too slow.
    """

    def __init__(self, max_events: int = 5_000) -> None:
        self.max_events = max_events
        self._events: deque[bytes] = deque()
        self._positions: bytes | None = None
        self._ready = asyncio.Event()
        self.overflowed = False
        self.closed = False
        self.positions_dropped = 0

    def put_event(self, frame: bytes) -> bool:
        """Queue an event frame; ``False`` (and ``overflowed``) when the client is too slow."""
        if self.closed or self.overflowed:
            return False
        if len(self._events) >= self.max_events:
            self.overflowed = True
            self._ready.set()
            return False
        self._events.append(frame)
        self._ready.set()
        return True

    def put_positions(self, frame: bytes) -> None:
        """Offer the newest position frame, replacing one that is still waiting."""
        if self.closed:
            return
        if self._positions is not None:
            self.positions_dropped += 1
        self._positions = frame
        self._ready.set()

    def close(self) -> None:
        """Stop accepting frames; the sender drains what waits, then finishes."""
        self.closed = True
        self._ready.set()

    def pending(self) -> int:
        return len(self._events) + (self._positions is not None)

    def take(self) -> bytes | None:
        """The next frame to send, events first (in order), then the newest positions."""
        if self._events:
            return self._events.popleft()
        frame, self._positions = self._positions, None
        if frame is None:
            self._ready.clear()
        return frame

    async def next(self) -> bytes | None:
        """Wait for the next frame; ``None`` on overflow, or once closed and drained."""
        while True:
            if self.overflowed:
                return None
            frame = self.take()
            if frame is not None:
                return frame
            if self.closed:
                return None
            await self._ready.wait()
