"""Simulated time: the real clock run faster by a speed factor.

The server keeps real time (its deadlines, its event stamps, the fixes' ``at``); only the
simulated people live on this clock: when reports arrive, when shifts change, how long
handling takes. At ×60 a simulated hour passes in a real minute.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta


class SimClock:
    """Simulated time from ``start``, running ``speed`` times as fast as the real clock.

    Args:
        start: The simulated instant at creation (time-zone aware).
        speed: Simulated seconds per real second (> 0).
        monotonic: Real seconds (injectable for tests).
    """

    def __init__(
        self, start: datetime, speed: float, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        if start.tzinfo is None:
            raise ValueError("start must carry a time zone")
        if not speed > 0:
            raise ValueError("speed must be positive")
        self.start = start
        self.speed = float(speed)
        self.monotonic = monotonic
        self._origin = monotonic()

    def restart(self, start: datetime) -> None:
        """Make ``start`` the simulated instant now (the speed is kept)."""
        if start.tzinfo is None:
            raise ValueError("start must carry a time zone")
        self.start = start
        self._origin = self.monotonic()

    def now(self) -> datetime:
        """The simulated instant now."""
        return self.start + timedelta(seconds=(self.monotonic() - self._origin) * self.speed)

    def real_seconds(self, simulated: float) -> float:
        """Real seconds that ``simulated`` seconds take."""
        return simulated / self.speed
