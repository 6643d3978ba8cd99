"""The units' hot state: metadata by id, and their last positions as numpy arrays.

Terminals report positions at about 1 Hz each; 10,000 units make 10,000 fixes a second.
Fixes land in arrays (no per-fix Python object survives), and once per tick the units that
moved are gathered per scope into one ``PositionFrame`` each, which the hub encodes once
and sends to every console of that scope.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt
from msgspec.structs import replace

from models.org import DISTRICT_SCOPE, Unit, UnitStatus
from net.protocol import PositionFrame

_STATUSES = list(UnitStatus)
_STATUS_CODE = {s: i for i, s in enumerate(_STATUSES)}


def _epoch(t: datetime | None) -> float:
    return t.timestamp() if t is not None else np.nan


class LiveUnits:
    """Every unit's status and last fix, kept for fan-out and snapshots.

    Args:
        units: The units as stored (their last fix included).
        track_interval: Seconds between two fixes of a unit kept for its track; the map
            shows every fix, the track table needs far fewer (a city of 2,000 terminals at
            1 Hz would write 170 million rows a day).
    """

    def __init__(self, units: Iterable[Unit], track_interval: float = 10.0) -> None:
        self.track_interval = track_interval
        self._units = {u.unit_id: u for u in units}
        self.ids = list(self._units)
        self.index = {unit_id: i for i, unit_id in enumerate(self.ids)}
        n = len(self.ids)
        self.lon = np.array([u.lon if u.lon is not None else np.nan for u in self._units.values()])
        self.lat = np.array([u.lat if u.lat is not None else np.nan for u in self._units.values()])
        self.heading = np.full(n, np.nan)
        self.fix_at = np.array([_epoch(u.last_fix_at) for u in self._units.values()])
        self.status = np.array([_STATUS_CODE[u.status] for u in self._units.values()], np.int8)
        self._streets = sorted({u.street_code for u in self._units.values()})
        street_no = {code: i for i, code in enumerate(self._streets)}
        self.street = np.array([street_no[u.street_code] for u in self._units.values()], np.int32)
        self._moved = np.zeros(n, bool)
        self._tracked_at = np.full(n, -np.inf)
        self._rng = np.random.default_rng(0)

    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, unit_id: str) -> bool:
        return unit_id in self.index

    def street_of(self, unit_id: str) -> str:
        return self._units[unit_id].street_code

    def apply_fixes(
        self,
        unit_ids: Sequence[str],
        at: npt.ArrayLike,
        lons: npt.ArrayLike,
        lats: npt.ArrayLike,
        headings: npt.ArrayLike,
    ) -> tuple[list[str], list[int]]:
        """Take a batch of fixes (epoch seconds, degrees).

        A fix older than the unit's last one is ignored: batches from a terminal that was
        offline may arrive after newer single fixes.

        Returns:
            The unknown unit ids, and the positions in the batch of the fixes to keep for
            the track (at most one per unit per ``track_interval``).
        """
        unknown = [u for u in unit_ids if u not in self.index]
        rows = np.array([self.index.get(u, -1) for u in unit_ids], np.int64)
        at_a = np.asarray(at, float)
        # NaN (never reported) compares false, so a first fix is always newer.
        newer = (rows >= 0) & ~(at_a < self.fix_at[np.maximum(rows, 0)])
        picked = np.flatnonzero(newer)
        rows_p = rows[picked]
        self.fix_at[rows_p] = at_a[picked]
        self.lon[rows_p] = np.asarray(lons, float)[picked]
        self.lat[rows_p] = np.asarray(lats, float)[picked]
        self.heading[rows_p] = np.asarray(headings, float)[picked]
        self._moved[rows_p] = True
        # One fix per unit per interval: the first of a unit within the batch that is due.
        due = at_a[picked] - self._tracked_at[rows_p] >= self.track_interval
        _, first = np.unique(rows_p[due], return_index=True)
        tracked = picked[due][first]
        tracked_rows = rows[tracked]
        # A unit's first kept fix starts its interval at a random phase, so that units that
        # all came on line together (a restart) do not all fall due in the same second.
        fresh = np.isinf(self._tracked_at[tracked_rows])
        phase = self._rng.uniform(0.0, self.track_interval, int(fresh.sum()))
        self._tracked_at[tracked_rows] = at_a[tracked]
        self._tracked_at[tracked_rows[fresh]] -= phase
        return unknown, sorted(tracked.tolist())

    def set_unit(self, unit: Unit) -> None:
        """Take a changed unit record (status, team...) from a committed event."""
        i = self.index[unit.unit_id]
        self._units[unit.unit_id] = unit
        self.status[i] = _STATUS_CODE[unit.status]

    def unit(self, unit_id: str) -> Unit:
        """The unit with its live position."""
        i = self.index[unit_id]
        unit = self._units[unit_id]
        if np.isnan(self.fix_at[i]):
            return unit
        return replace(
            unit,
            lon=float(self.lon[i]),
            lat=float(self.lat[i]),
            last_fix_at=datetime.fromtimestamp(float(self.fix_at[i]), UTC),
        )

    def units(self, street: str | None = None) -> list[Unit]:
        """All units (with live positions), or those of one street/town."""
        return [
            self.unit(u)
            for u in self.ids
            if street is None or street == DISTRICT_SCOPE or self._units[u].street_code == street
        ]

    def take_frames(self, at: datetime) -> dict[str, PositionFrame]:
        """The units that moved since the last call, one frame per scope that has any.

        Keys are ``DISTRICT_SCOPE`` (every unit) and street codes (that street's units).
        """
        moved = np.flatnonzero(self._moved)
        self._moved[moved] = False
        if moved.size == 0:
            return {}
        frames = {DISTRICT_SCOPE: self._frame(at, moved)}
        streets = self.street[moved]
        order = np.argsort(streets, kind="stable")
        bounds = np.flatnonzero(np.diff(streets[order])) + 1
        for group in np.split(moved[order], bounds):
            frames[self._streets[int(self.street[group[0]])]] = self._frame(at, group)
        return frames

    def _frame(self, at: datetime, rows: npt.NDArray[np.int64]) -> PositionFrame:
        headings = self.heading[rows]
        whole = np.where(np.isnan(headings), -1, np.rint(headings) % 360).astype(int).tolist()
        return PositionFrame(
            at=at,
            unit_ids=[self.ids[i] for i in rows.tolist()],
            lons=self.lon[rows].tolist(),
            lats=self.lat[rows].tolist(),
            headings=[h if h >= 0 else None for h in whole],
            statuses=[_STATUSES[s] for s in self.status[rows].tolist()],
        )
