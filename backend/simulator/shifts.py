"""Shifts and breaks: who is on duty at a simulated instant. Pure and seeded.

Work runs 7×24 in two shifts (DOMAIN.md): day 08:00-20:00 and night 20:00-08:00,
Asia/Shanghai. Each unit belongs to one crew (:class:`~backend.simulator.plan.Crew`); on
each of its crew's shifts it is on duty with probability ``ON_DUTY_SHARE`` (rest days and
leave), and most units take one break in the middle of the shift. Each unit's shift clock
runs a few minutes early or late (``UnitPlan.lag``), so a handover spreads over twenty
minutes, as a real one does, instead of flipping 2,000 units in one instant.

Shanghai has kept UTC+8 without daylight saving since 1991, so local time is plain epoch
arithmetic here, vectorised over all units.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
import numpy.typing as npt

from backend.simulator.plan import UnitPlan
from models.org import UnitStatus

SHANGHAI_OFFSET = 8 * 3600
DAY_START_HOUR = 8
SHIFT_SECONDS = 12 * 3600
ON_DUTY_SHARE = 0.9
BREAK_SHARE = 0.8
BREAK_AFTER = (3 * 3600.0, 8 * 3600.0)
"""A break starts between three and eight hours into the shift."""
BREAK_LENGTH = (20 * 60.0, 60 * 60.0)

STATUSES: tuple[UnitStatus, ...] = tuple(UnitStatus)
"""Status codes used in the simulator's arrays: the position in this tuple."""
CODE = {status: i for i, status in enumerate(STATUSES)}
PATROL, BREAK, OFF_DUTY = CODE[UnitStatus.PATROL], CODE[UnitStatus.BREAK], CODE[UnitStatus.OFF_DUTY]

StatusArray = npt.NDArray[np.int8]


@dataclass(frozen=True, eq=False)
class Roster:
    """Who works one shift, and when they pause.

    Attributes:
        shift: The shift's number (0: the day shift starting 1970-01-01 08:00 local).
        on_duty: Per unit: works this shift (members of the other crew never do).
        break_start: Seconds into the shift when the unit's break starts (NaN: none).
        break_end: Seconds into the shift when it ends.
    """

    shift: int
    on_duty: npt.NDArray[np.bool_]
    break_start: npt.NDArray[np.float64]
    break_end: npt.NDArray[np.float64]


def shift_number(at: datetime) -> int:
    """The number of the shift ``at`` falls in (even: day shift, odd: night shift)."""
    local = at.timestamp() + SHANGHAI_OFFSET - DAY_START_HOUR * 3600
    return int(local // SHIFT_SECONDS)


def shift_start(shift: int) -> datetime:
    """When shift ``shift`` starts (UTC)."""
    seconds = shift * SHIFT_SECONDS + DAY_START_HOUR * 3600 - SHANGHAI_OFFSET
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=seconds)


def make_roster(plan: UnitPlan, seed: int, shift: int) -> Roster:
    """The roster of one shift: the same plan, seed and shift always give the same one."""
    rng = np.random.default_rng([seed, 2, shift])
    n = plan.size
    crew_on = plan.crew == shift % 2
    on_duty = crew_on & (rng.random(n) < ON_DUTY_SHARE)
    has_break = rng.random(n) < BREAK_SHARE
    start = rng.uniform(*BREAK_AFTER, size=n)
    length = rng.uniform(*BREAK_LENGTH, size=n)
    return Roster(
        shift=shift,
        on_duty=on_duty,
        break_start=np.where(has_break, start, np.nan),
        break_end=np.where(has_break, start + length, np.nan),
    )


class Duty:
    """Answers "what should each unit be doing now" from the rosters (cached).

    Args:
        plan: The units.
        seed: The simulation's seed.
    """

    def __init__(self, plan: UnitPlan, seed: int) -> None:
        self.plan = plan
        self.seed = seed
        self._rosters: dict[int, Roster] = {}

    def roster(self, shift: int) -> Roster:
        roster = self._rosters.get(shift)
        if roster is None:
            if len(self._rosters) > 8:
                self._rosters.clear()  # only the current and next shift are ever asked for
            roster = self._rosters[shift] = make_roster(self.plan, self.seed, shift)
        return roster

    def statuses(self, at: datetime) -> StatusArray:
        """Each unit's duty status at ``at``: patrol, break or off duty."""
        local = at.timestamp() + self.plan.lag + SHANGHAI_OFFSET - DAY_START_HOUR * 3600
        shifts = np.floor_divide(local, SHIFT_SECONDS).astype(np.int64)
        into = local - shifts * SHIFT_SECONDS
        status = np.full(self.plan.size, OFF_DUTY, dtype=np.int8)
        for shift in np.unique(shifts).tolist():
            rows = np.flatnonzero(shifts == shift)
            roster = self.roster(shift)
            on = roster.on_duty[rows]
            t = into[rows]
            with np.errstate(invalid="ignore"):  # NaN (no break) compares False: fine
                pausing = (t >= roster.break_start[rows]) & (t < roster.break_end[rows])
            status[rows] = np.where(on, np.where(pausing, BREAK, PATROL), OFF_DUTY)
        return status
