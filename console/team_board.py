"""The team board's arithmetic: per agency and team, how many units are where, who has been
in a status too long, and who works the current shift. Plain Python and numpy, no Qt.

The live status and the time of the last fix are the store's position arrays
(:class:`console.store.UnitPositions`), rewritten by every position frame. What else the
board needs per unit (its team, department and street as small integer codes, and since
when it is in its status) is kept by :class:`BoardIndex` in arrays parallel to those,
updated when units change, not on every tick. A tick is then a few vectorised comparisons
and one ``bincount`` per column, whatever the number of units.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import timedelta
from enum import IntEnum
from typing import Final

import numpy as np
import numpy.typing as npt

from console.store import STATUS_CODES, STATUSES, ClientStore
from models.org import Unit, UnitStatus

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


class BoardColumn(IntEnum):
    """What the board counts per agency and team (in the order of its columns)."""

    ON_DUTY = 0  # 在岗: any status but off duty
    AVAILABLE = 1  # 可调派: on patrol, with a fresh position
    EN_ROUTE = 2
    ON_SCENE = 3
    BUSY = 4
    ON_BREAK = 5
    OFF_DUTY = 6
    STALE = 7  # 失联: on duty, but the last report is too old (or there is none)


STATUS_LIMITS: Final[Mapping[UnitStatus, timedelta]] = {
    UnitStatus.EN_ROUTE: timedelta(minutes=20),
    UnitStatus.ON_SCENE: timedelta(minutes=45),
    UnitStatus.BUSY: timedelta(minutes=60),
    UnitStatus.BREAK: timedelta(minutes=30),
}
"""How long a unit may stay in a status before the board flashes it (time-in-status
alarm); patrol and off duty have no limit."""

_OFF = STATUS_CODES[UnitStatus.OFF_DUTY]
_PATROL = STATUS_CODES[UnitStatus.PATROL]
_BY_STATUS: Final[dict[BoardColumn, int]] = {
    BoardColumn.EN_ROUTE: STATUS_CODES[UnitStatus.EN_ROUTE],
    BoardColumn.ON_SCENE: STATUS_CODES[UnitStatus.ON_SCENE],
    BoardColumn.BUSY: STATUS_CODES[UnitStatus.BUSY],
    BoardColumn.ON_BREAK: STATUS_CODES[UnitStatus.BREAK],
    BoardColumn.OFF_DUTY: _OFF,
}


def limits_array(limits: Mapping[UnitStatus, timedelta]) -> FloatArray:
    """Seconds allowed per status code (``inf``: no limit), for :func:`status_alarms`."""
    out = np.full(len(STATUSES), math.inf)
    for status, limit in limits.items():
        out[STATUS_CODES[status]] = limit.total_seconds()
    return out


def stale_mask(
    status: npt.ArrayLike, last_fix: FloatArray, now: float, stale_after: float
) -> BoolArray:
    """Units on duty whose last report is older than ``stale_after`` seconds or missing
    (as :meth:`models.org.Unit.is_stale`, for those on duty)."""
    fresh = (now - last_fix) <= stale_after  # NaN (never reported) compares False
    return (np.asarray(status) != _OFF) & ~fresh


def board_counts(
    status: npt.ArrayLike,
    last_fix: FloatArray,
    group: IntArray,
    groups: int,
    now: float,
    stale_after: float,
) -> IntArray:
    """Units per group and :class:`BoardColumn`: an array ``(groups, len(BoardColumn))``.

    Args:
        status: Status code per unit (:data:`console.store.STATUS_CODES`).
        last_fix: Unix time of each unit's last fix (NaN: never).
        group: Each unit's group (team) number; -1 leaves a unit out (filtered).
        groups: How many groups.
        now: Unix time now.
        stale_after: Seconds after which a report no longer counts.
    """
    status = np.asarray(status)
    counted = group >= 0
    g = group[counted]
    s = status[counted]
    stale = stale_mask(s, last_fix[counted], now, stale_after)
    on = s != _OFF
    masks: dict[BoardColumn, BoolArray] = {
        BoardColumn.ON_DUTY: on,
        BoardColumn.AVAILABLE: (s == _PATROL) & ~stale,
        BoardColumn.STALE: stale,
    }
    for column, code in _BY_STATUS.items():
        masks[column] = s == code
    out = np.zeros((groups, len(BoardColumn)), np.int64)
    for column, mask in masks.items():
        out[:, column] = np.bincount(g[mask], minlength=groups)[:groups]
    return out


def status_alarms(
    status: npt.ArrayLike, since: FloatArray, now: float, limits: FloatArray
) -> BoolArray:
    """Units in their status longer than its limit (``since`` NaN: never alarms)."""
    codes = np.asarray(status, np.int64)
    return (now - since) >= limits[codes]  # NaN compares False


def roster_mask(status: npt.ArrayLike, since: FloatArray, shift_start: float) -> BoolArray:
    """Units that work the shift that began at ``shift_start``: those on duty now, and
    those that went off duty since it began (they were on duty in it).

    The console knows a unit's status and since when it has it, not its whole day: a unit
    that went off duty in the first minute of the shift counts, one that stayed off all
    shift does not.
    """
    status = np.asarray(status)
    return (status != _OFF) | (since >= shift_start)


class _Codes:
    """Values as small integer codes, in order of first sight."""

    def __init__(self) -> None:
        self.code: dict[object, int] = {}
        self.values: list[object] = []

    def __call__(self, value: object) -> int:
        found = self.code.get(value)
        if found is None:
            found = self.code[value] = len(self.values)
            self.values.append(value)
        return found


class BoardIndex:
    """Per row of the store's position arrays: the unit's group (its agency and team), its
    department and street (codes) and since when it is in its status (Unix time, NaN
    unknown).

    Call :meth:`sync` when units change (the store's ``units_changed``, ``units_removed``
    and ``teams_changed``); the arrays then line up with ``store.positions`` row for row.

    Attributes:
        group: Group number per row (-1: a unit the store does not know).
        department: Department number per row.
        street: Street number per row.
        since: Status-since time per row.
    """

    def __init__(self) -> None:
        self._groups = _Codes()
        self._departments = _Codes()
        self._streets = _Codes()
        self.group: IntArray = np.empty(0, np.int64)
        self.department: IntArray = np.empty(0, np.int64)
        self.street: IntArray = np.empty(0, np.int64)
        self.since: FloatArray = np.empty(0)
        self._ids: list[str] | None = None
        self._count = 0

    @property
    def groups(self) -> list[tuple[str, str]]:
        """(department, team id) per group number."""
        return self._groups.values  # type: ignore[return-value]

    @property
    def departments(self) -> list[str]:
        return self._departments.values  # type: ignore[return-value]

    def department_code(self, code: str) -> int:
        """The number of a department code (-1: no unit or team of it)."""
        return self._departments.code.get(code, -1)

    def street_code(self, code: str) -> int:
        """The number of a street code (-1: no unit of it)."""
        return self._streets.code.get(code, -1)

    def sync(self, store: ClientStore, changed: Iterable[str] | None = None) -> None:
        """Bring the arrays up to date: the ``changed`` units' rows only, or everything
        (``None``, or when the store's rows moved: a snapshot, a unit removed)."""
        p = store.positions
        if changed is None or p.ids is not self._ids or p.count != self._count:
            self._rebuild(store)
            return
        for unit_id in changed:
            row = p.index.get(unit_id)
            unit = store.units.get(unit_id)
            if row is not None and unit is not None:
                self._write(row, unit)
        self._add_teams(store)

    def _rebuild(self, store: ClientStore) -> None:
        p = store.positions
        n = p.count
        self.group = np.full(n, -1, np.int64)
        self.department = np.full(n, -1, np.int64)
        self.street = np.full(n, -1, np.int64)
        self.since = np.full(n, np.nan)
        for row, unit_id in enumerate(p.ids):
            unit = store.units.get(unit_id)
            if unit is not None:
                self._write(row, unit)
        self._ids, self._count = p.ids, n
        self._add_teams(store)

    def _write(self, row: int, unit: Unit) -> None:
        self.group[row] = self._groups((unit.department, unit.team_id))
        self.department[row] = self._departments(unit.department)
        self.street[row] = self._streets(unit.street_code)
        since = unit.status_since
        self.since[row] = since.timestamp() if since is not None else np.nan

    def _add_teams(self, store: ClientStore) -> None:
        """Teams without a unit yet are groups too (their counts are zero)."""
        for team in store.teams.values():
            self._groups((team.department, team.team_id))
