"""What the map draws, as numpy arrays kept up to date incrementally; no Qt.

The map's layers read arrays, never objects: a tick of 10,000 units or a burst of case
events must cost a few vectorised operations, not a Python loop per point per frame.

* :class:`CaseMarkers` — one row per case (map position, urgency, state group, overdue,
  cell), updated per changed case as events arrive.
* :class:`UnitMarkers` — the store's live position arrays projected onto the map, with a
  style code per unit (agency × status, stale units apart), rebuilt per tick.
* :class:`TrailBuffer` — the last minutes of each unit's positions, sampled sparsely.
* :class:`CoverageTracker` — which cells a unit has been in since the shift began.
* Functions for the map's questions: the nearest marker to a point, markers in a box or a
  circle, clusters of cases at a zoom level, a cell measure in classes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum, StrEnum
from typing import Final

import numpy as np
import numpy.typing as npt

from console.map_projection import MapProjection
from models.case import Case, CaseState
from models.catalogue import Urgency
from models.cell_index import CellIndex
from models.org import Unit, UnitStatus
from models.shifts import Shift, ShiftSchedule

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

# --- cases -----------------------------------------------------------------------------


class CaseGroup(IntEnum):
    """Where a case stands, as the map shows it (a marker shape each)."""

    NEW = 0  # waiting at the centre: acceptance, filing, dispatch, leader coordination
    WITH_DEPARTMENT = 1  # dispatched or being handled
    VERIFYING = 2  # awaiting verification on site
    SUSPENDED = 3
    DONE = 4  # closed, voided or merged: not drawn


CASE_GROUP_OF_STATE: Final[dict[CaseState, CaseGroup]] = {
    CaseState.AWAITING_ACCEPTANCE: CaseGroup.NEW,
    CaseState.AWAITING_FILING: CaseGroup.NEW,
    CaseState.AWAITING_DISPATCH: CaseGroup.NEW,
    CaseState.LEADER_COORDINATION: CaseGroup.NEW,
    CaseState.DISPATCHED: CaseGroup.WITH_DEPARTMENT,
    CaseState.IN_PROGRESS: CaseGroup.WITH_DEPARTMENT,
    CaseState.AWAITING_VERIFICATION: CaseGroup.VERIFYING,
    CaseState.SUSPENDED: CaseGroup.SUSPENDED,
    CaseState.CLOSED: CaseGroup.DONE,
    CaseState.VOIDED: CaseGroup.DONE,
    CaseState.MERGED: CaseGroup.DONE,
}

URGENCY_CODES: Final[dict[Urgency, int]] = {u: i for i, u in enumerate(Urgency)}
"""Urgency → code (0 normal, 1 urgent, 2 critical): higher is more urgent."""

CASE_STYLES: Final = len(URGENCY_CODES) * (len(CaseGroup) - 1)
"""Number of case marker styles: urgency × group (closed cases are not drawn)."""


def case_style(urgency: npt.ArrayLike, group: npt.ArrayLike) -> IntArray:
    """Style code of case markers: ``group * urgencies + urgency``."""
    return np.asarray(group, np.int64) * len(URGENCY_CODES) + np.asarray(urgency, np.int64)


class CaseMarkers:
    """Cases as rows of arrays for the map, updated per changed case.

    Rows are never reordered while the markers live (a removed case keeps its row, marked
    not shown), so a row number stays valid between two updates; :meth:`compact` is for a
    new snapshot.

    Args:
        projection: WGS-84 → map plane.
        cell_position: Cell code → its position in the city's cells (``-1`` if unknown).

    Attributes:
        ids: Case id per row.
        x, y: Map position.
        urgency: :data:`URGENCY_CODES`.
        group: :class:`CaseGroup`.
        overdue: The current step is overdue.
        cell: Position of the case's cell in the city map (-1: none).
        shown: The row is a live, open case (not removed, not done).
        version: Grows with every change, so that layers know to rebuild.
    """

    def __init__(self, projection: MapProjection, cell_position: Mapping[str, int]) -> None:
        self.projection = projection
        self.cell_position = cell_position
        self.row_of: dict[int, int] = {}
        self.ids: list[int] = []
        self._lonlat = np.empty((0, 2))
        self.x = np.empty(0)
        self.y = np.empty(0)
        self.urgency = np.empty(0, np.int8)
        self.group = np.empty(0, np.int8)
        self.overdue = np.empty(0, np.bool_)
        self.cell = np.empty(0, np.int64)
        self.shown = np.empty(0, np.bool_)
        self.version = 0

    @property
    def count(self) -> int:
        return len(self.ids)

    def _grow(self, needed: int) -> None:
        capacity = len(self.x)
        if needed <= capacity:
            return
        size = max(needed, 2 * capacity, 256)

        def grown(a: np.ndarray, fill: object) -> np.ndarray:
            new = np.full((size, *a.shape[1:]), fill, dtype=a.dtype)
            new[:capacity] = a
            return new

        self._lonlat = grown(self._lonlat, np.nan)
        self.x, self.y = grown(self.x, np.nan), grown(self.y, np.nan)
        self.urgency, self.group = grown(self.urgency, 0), grown(self.group, CaseGroup.DONE)
        self.overdue, self.cell = grown(self.overdue, False), grown(self.cell, -1)
        self.shown = grown(self.shown, False)

    def update(self, cases: Iterable[Case]) -> None:
        """Add or change these cases (their rows only)."""
        new_rows: list[int] = []
        for case in cases:
            row = self.row_of.get(case.id)
            if row is None:
                row = self.row_of[case.id] = len(self.ids)
                self.ids.append(case.id)
                self._grow(row + 1)
            loc = case.location
            if self._lonlat[row, 0] != loc.lon or self._lonlat[row, 1] != loc.lat:
                self._lonlat[row] = (loc.lon, loc.lat)
                new_rows.append(row)
            group = CASE_GROUP_OF_STATE[case.state]
            self.urgency[row] = URGENCY_CODES[case.urgency]
            self.group[row] = group
            self.overdue[row] = case.overdue and group is not CaseGroup.DONE
            code = loc.cell_code
            self.cell[row] = self.cell_position.get(code, -1) if code else -1
            self.shown[row] = group is not CaseGroup.DONE
        if new_rows:
            rows = np.asarray(new_rows)
            x, y = self.projection.forward(self._lonlat[rows, 0], self._lonlat[rows, 1])
            self.x[rows], self.y[rows] = x, y
        self.version += 1

    def remove(self, case_ids: Iterable[int]) -> None:
        """Hide these cases (their rows stay, unused, until :meth:`compact`)."""
        for case_id in case_ids:
            row = self.row_of.get(case_id)
            if row is not None:
                self.shown[row] = False
                self.overdue[row] = False
        self.version += 1

    def reproject(self, projection: MapProjection) -> None:
        """Move every marker into another display datum."""
        self.projection = projection
        n = self.count
        self.x[:n], self.y[:n] = projection.forward(self._lonlat[:n, 0], self._lonlat[:n, 1])
        self.version += 1

    def visible_rows(self) -> IntArray:
        """Rows of open cases with a position."""
        n = self.count
        return np.flatnonzero(self.shown[:n] & np.isfinite(self.x[:n]))

    def styles(self, rows: IntArray) -> IntArray:
        return case_style(self.urgency[rows], self.group[rows])


# --- units -----------------------------------------------------------------------------

UNIT_SHADES: Final = len(UnitStatus) + 1
"""Shades of a unit marker: one per status, and one for a stale unit (last report old)."""

STALE_SHADE: Final = len(UnitStatus)


def unit_style(agency: npt.ArrayLike, shade: npt.ArrayLike) -> IntArray:
    """Style code of unit markers: ``agency * shades + shade``."""
    return np.asarray(agency, np.int64) * UNIT_SHADES + np.asarray(shade, np.int64)


class UnitMarkers:
    """The store's live unit arrays on the map: positions, headings and styles.

    Rows follow the store's :class:`console.store.UnitPositions` (row ``i`` is
    ``positions.ids[i]``); :meth:`refresh` re-reads them each tick.

    Args:
        agencies: Department codes with field forces, in legend order; others share the
            last style ("other").
        projection: WGS-84 → map plane.
        stale_after: Seconds after which a unit's last fix makes it stale (greyed out).

    Attributes:
        x, y: Map positions (NaN: never reported).
        heading: Degrees clockwise from north (NaN: unknown).
        style: :func:`unit_style` per row.
        stale: The unit's last report is too old.
        version: Grows on every refresh.
    """

    def __init__(
        self, agencies: Sequence[str], projection: MapProjection, stale_after: float = 300.0
    ) -> None:
        self.agencies = tuple(agencies)
        self.agency_index = {code: i for i, code in enumerate(self.agencies)}
        self.projection = projection
        self.stale_after = stale_after
        self.ids: Sequence[str] = []
        self._agency_of_id: dict[str, int] = {}
        self._agency_rows = np.empty(0, np.int64)
        self._agency_key: tuple[int, int, int] | None = None
        self._learned = 0
        self.x = np.empty(0)
        self.y = np.empty(0)
        self.heading = np.empty(0, np.float32)
        self.style = np.empty(0, np.int64)
        self.stale = np.empty(0, np.bool_)
        self.version = 0

    @property
    def other_agency(self) -> int:
        """The agency index of units whose department has no style of its own."""
        return len(self.agencies)

    def set_units(self, units: Iterable[Unit]) -> None:
        """Learn the units' departments (on a snapshot or a unit event)."""
        other = self.other_agency
        for unit in units:
            self._agency_of_id[unit.unit_id] = self.agency_index.get(unit.department, other)
        self._learned += 1

    def forget(self, unit_ids: Iterable[str]) -> None:
        for unit_id in unit_ids:
            self._agency_of_id.pop(unit_id, None)
        self._learned += 1

    def _agencies_of(self, ids: Sequence[str]) -> IntArray:
        # The store appends and swap-removes rows in place (so the list and its length say
        # whether rows moved); units learned since also count. Otherwise reuse the last.
        key = (id(ids), len(ids), self._learned)
        if key != self._agency_key:
            other = self.other_agency
            get = self._agency_of_id.get
            self._agency_rows = np.fromiter((get(i, other) for i in ids), np.int64, len(ids))
            self._agency_key = key
        return self._agency_rows

    def refresh(
        self,
        ids: Sequence[str],
        lon: FloatArray,
        lat: FloatArray,
        heading: npt.NDArray[np.float32],
        status: npt.NDArray[np.int8],
        last_fix: FloatArray,
        now: float,
    ) -> None:
        """Re-read the live arrays (the store's ``positions``; first ``len(ids)`` rows)."""
        n = len(ids)
        self.ids = ids
        agency = self._agencies_of(ids)
        self.x, self.y = self.projection.forward(lon[:n], lat[:n])
        self.heading = heading[:n].copy()
        with np.errstate(invalid="ignore"):
            self.stale = ~(now - last_fix[:n] <= self.stale_after)
        shade = np.where(self.stale, STALE_SHADE, status[:n].astype(np.int64))
        self.style = unit_style(agency, shade)
        self.version += 1

    def visible_rows(self) -> IntArray:
        return np.flatnonzero(np.isfinite(self.x))


class TrailBuffer:
    """The last ``samples`` positions of every unit, one sample per call to :meth:`sample`.

    Sampled sparsely (every few seconds), so ten minutes of 10,000 units are a few
    megabytes; unit ids map to buffer rows, so the store reordering its rows (a unit taken
    out) does not mix trails up.

    Args:
        samples: How many samples each trail keeps (the trail's length in time is
            ``samples × sampling interval``).
    """

    def __init__(self, samples: int = 60) -> None:
        self.samples = samples
        self.row_of: dict[str, int] = {}
        self._x = np.full((0, samples), np.nan)
        self._y = np.full((0, samples), np.nan)
        self._next = 0

    def sample(self, ids: Sequence[str], x: FloatArray, y: FloatArray) -> None:
        """Record the current map positions of these units."""
        rows = np.empty(len(ids), np.int64)
        for k, unit_id in enumerate(ids):
            row = self.row_of.get(unit_id)
            if row is None:
                row = self.row_of[unit_id] = len(self.row_of)
            rows[k] = row
        if len(self.row_of) > len(self._x):
            grow = max(len(self.row_of), 2 * len(self._x)) - len(self._x)
            self._x = np.vstack([self._x, np.full((grow, self.samples), np.nan)])
            self._y = np.vstack([self._y, np.full((grow, self.samples), np.nan)])
        self._x[rows, self._next] = x
        self._y[rows, self._next] = y
        self._next = (self._next + 1) % self.samples

    def trails(
        self, unit_ids: Iterable[str]
    ) -> tuple[FloatArray, FloatArray, npt.NDArray[np.int32]]:
        """Oldest-first trails of these units as one polyline set for ``arrayToQPath``.

        Returns:
            ``(x, y, connect)``: concatenated points; ``connect[i]`` is 1 when point ``i``
            joins point ``i + 1`` (within one unit's trail, both known).
        """
        rows = np.asarray(
            [r for r in (self.row_of.get(u) for u in unit_ids) if r is not None], np.int64
        )
        if rows.size == 0:
            return np.empty(0), np.empty(0), np.empty(0, np.int32)
        order = (np.arange(self.samples) + self._next) % self.samples
        xs = self._x[np.ix_(rows, order)]
        ys = self._y[np.ix_(rows, order)]
        finite = np.isfinite(xs) & np.isfinite(ys)
        connect = finite.copy()
        connect[:, :-1] &= finite[:, 1:]
        connect[:, -1] = False
        return xs.ravel(), ys.ravel(), connect.ravel().astype(np.int32)


class CoverageTracker:
    """Cells visited by any unit during the current shift, from the live positions.

    Each :meth:`record` counts the units' cells once; at a shift boundary (by the shift
    schedule) the counts start afresh.

    Args:
        index: Point → cell.
        cells: Number of cells in the city.
        schedule: The shifts (day/night, Asia/Shanghai by default).

    Attributes:
        visits: Per cell, how many records found a unit in it this shift.
        shift: The shift being counted (``None`` before the first record).
    """

    def __init__(self, index: CellIndex, cells: int, schedule: ShiftSchedule) -> None:
        self.index = index
        self.schedule = schedule
        self.visits = np.zeros(cells, np.int64)
        self.shift: Shift | None = None

    def record(self, lons: FloatArray, lats: FloatArray, at: datetime) -> None:
        """Count each unit's current cell as visited (once per call) in the shift of ``at``."""
        if self.shift is None or at not in self.shift:
            self.shift = self.schedule.shift_at(at)
            self.visits[:] = 0
        known = np.isfinite(lons) & np.isfinite(lats)
        if not known.any():
            return
        cells = self.index.locate_many(lons[known], lats[known])
        cells = cells[cells >= 0]
        np.add.at(self.visits, np.unique(cells), 1)

    @property
    def share(self) -> float:
        """Share of cells visited at least once (0 … 1)."""
        return float((self.visits > 0).mean()) if len(self.visits) else 0.0


# --- cell measures ---------------------------------------------------------------------


class CellMeasure(StrEnum):
    """What the cells are filled by."""

    OPEN_CASES = "open_cases"
    OVERDUE_CASES = "overdue_cases"
    COVERAGE = "coverage"


MEASURE_BREAKS: Final[dict[CellMeasure, tuple[int, ...]]] = {
    CellMeasure.OPEN_CASES: (1, 2, 3, 5, 10),
    CellMeasure.OVERDUE_CASES: (1, 2, 3, 5),
    CellMeasure.COVERAGE: (1, 3, 10, 30),
}
"""Lower bounds of each class above zero; cells with 0 are left unfilled."""


def case_counts_per_cell(markers: CaseMarkers, cells: int, *, overdue_only: bool) -> IntArray:
    """Open (or overdue) cases per cell."""
    n = markers.count
    chosen = markers.shown[:n] & (markers.cell[:n] >= 0)
    if overdue_only:
        chosen &= markers.overdue[:n]
    return np.bincount(markers.cell[:n][chosen], minlength=cells)[:cells]


def classify(values: npt.ArrayLike, breaks: Sequence[int]) -> IntArray:
    """Class per value: 0 below the first break (not filled), else 1 … len(breaks)."""
    return np.searchsorted(np.asarray(breaks), np.asarray(values), side="right").astype(np.int64)


# --- questions the map asks ------------------------------------------------------------


def nearest(
    xs: FloatArray, ys: FloatArray, rows: IntArray, x: float, y: float, radius: float
) -> int:
    """The row among ``rows`` closest to (x, y) within ``radius``; -1 if none."""
    if rows.size == 0:
        return -1
    d2 = (xs[rows] - x) ** 2 + (ys[rows] - y) ** 2
    best = int(np.argmin(d2))
    return int(rows[best]) if d2[best] <= radius * radius else -1


def in_box(
    xs: FloatArray, ys: FloatArray, rows: IntArray, box: tuple[float, float, float, float]
) -> IntArray:
    """Rows inside the box ``(x0, y0, x1, y1)`` (any corner order)."""
    x0, x1 = sorted((box[0], box[2]))
    y0, y1 = sorted((box[1], box[3]))
    px, py = xs[rows], ys[rows]
    return rows[(px >= x0) & (px <= x1) & (py >= y0) & (py <= y1)]


def in_circle(
    xs: FloatArray, ys: FloatArray, rows: IntArray, x: float, y: float, radius: float
) -> IntArray:
    """Rows within ``radius`` of (x, y)."""
    return rows[(xs[rows] - x) ** 2 + (ys[rows] - y) ** 2 <= radius * radius]


@dataclass(frozen=True)
class Clusters:
    """Cases grouped by a grid of square bins, for drawing when zoomed out.

    Attributes:
        x, y: Mean position of each cluster's cases.
        count: Cases per cluster.
        urgency: Highest urgency code in the cluster.
        overdue: Whether any case of the cluster is overdue.
        members: Rows of each cluster's cases, as ``rows[starts[k]:starts[k + 1]]``.
        rows: Case rows ordered by cluster.
        starts: Start of each cluster in :attr:`rows` (one more than clusters).
        bin_size: Side of the bins in map metres.
    """

    x: FloatArray
    y: FloatArray
    count: IntArray
    urgency: IntArray
    overdue: BoolArray
    rows: IntArray
    starts: IntArray
    bin_size: float

    def members(self, k: int) -> IntArray:
        return self.rows[self.starts[k] : self.starts[k + 1]]


def cluster_bin_size(pixel_size: float, pixels: float = 48.0) -> float:
    """A bin side of about ``pixels`` screen pixels, snapped to a power of two in metres.

    Snapping keeps the bins (and so the clusters) unchanged while the user pans or zooms
    within a factor of two, instead of reshuffling on every wheel step.
    """
    return float(2.0 ** math.ceil(math.log2(max(pixel_size * pixels, 1.0))))


def cluster(markers: CaseMarkers, bin_size: float) -> Clusters:
    """Group the open cases by square bins of ``bin_size`` map metres."""
    rows = markers.visible_rows()
    x, y = markers.x[rows], markers.y[rows]
    if rows.size == 0:
        empty = np.empty(0)
        none = np.empty(0, np.int64)
        return Clusters(
            empty, empty, none, none, np.empty(0, np.bool_), none, np.zeros(1, np.int64), bin_size
        )
    keys = np.floor(x / bin_size).astype(np.int64) * (1 << 32) + np.floor(y / bin_size).astype(
        np.int64
    )
    order = np.argsort(keys, kind="stable")
    keys = keys[order]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    count = np.diff(np.r_[starts, keys.size])
    ordered = rows[order]
    cx = np.add.reduceat(x[order], starts) / count
    cy = np.add.reduceat(y[order], starts) / count
    urgency = np.maximum.reduceat(markers.urgency[ordered].astype(np.int64), starts)
    overdue = np.logical_or.reduceat(markers.overdue[ordered], starts)
    return Clusters(cx, cy, count, urgency, overdue, ordered, np.r_[starts, keys.size], bin_size)
