"""The services' notion of "now": injectable, so tests can fix or step time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]
"""Returns the current time, aware."""


def utc_now() -> datetime:
    """The default clock."""
    return datetime.now(UTC)
