"""Per-connection limits, as plain logic with an injectable clock (no I/O)."""

from __future__ import annotations

from collections import OrderedDict
from typing import Generic, TypeVar

V = TypeVar("V")


class TokenBucket:
    """Allows ``rate`` messages per second on average, bursts of up to ``burst``.

    Args:
        rate: Tokens added per second.
        burst: Bucket size.
        now: The current monotonic time in seconds.
    """

    def __init__(self, rate: float, burst: float, now: float) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be positive and burst at least 1")
        self.rate = rate
        self.burst = burst
        self._tokens = burst
        self._at = now

    def take(self, now: float, cost: float = 1.0) -> bool:
        """Spend ``cost`` tokens if there are enough; say whether the message may pass."""
        self._tokens = min(self.burst, self._tokens + (now - self._at) * self.rate)
        self._at = now
        if self._tokens >= cost:
            self._tokens -= cost
            return True
        return False


class RecentResults(Generic[V]):
    """The results of the most recent commands by id, so a resent command is answered again.

    A command id seen before returns its first result instead of being applied twice.
    Bounded: the oldest ids are forgotten first (a client resends within seconds, not days).
    """

    def __init__(self, capacity: int = 10_000) -> None:
        self.capacity = capacity
        self._results: OrderedDict[str, V] = OrderedDict()

    def get(self, key: str) -> V | None:
        return self._results.get(key)

    def put(self, key: str, value: V) -> None:
        self._results[key] = value
        self._results.move_to_end(key)
        while len(self._results) > self.capacity:
            self._results.popitem(last=False)

    def __len__(self) -> int:
        return len(self._results)
