"""The simulated city, planned once and seeded: where units may walk, and how fast.

Pure (no I/O, no clock). Two things are planned here:

* :class:`StreetGraph`: the grid cells as a walking graph. Two cells are neighbours when
  they share an edge and lie in the same street/town; a unit walks from the waypoint of
  one cell to the waypoint of a neighbour. A waypoint is the cell's centre shifted by the
  unit's own fixed offset (under half the cell), so units do not all tread the same line.
  For the demo city's square cells a leg between two edge-sharing cells at the same offset
  never leaves them, so a unit never leaves its street/town: the street area is the union
  of its cells, and the union is what the walk is confined to.
* :class:`UnitPlan`: every unit's travel mode (walking 1.4 m/s, cycling 4 m/s, driving
  8-12 m/s), its own speed within the mode's range, its waypoint offset and its crew
  (day or night shift). The same units and seed give the same plan.

Coordinates are metres on a local equirectangular projection of the district, which keeps
lon and lat separable, so square cells in degrees stay rectangles in metres.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum

import numpy as np
import numpy.typing as npt

from models.geo import LocalProjection
from models.geography import CityMap
from models.org import Unit, UnitKind

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

MAX_OFFSET = 0.35
"""Largest waypoint offset, as a share of half the cell's side (< 1 keeps it inside)."""


class Mode(IntEnum):
    """How a unit moves."""

    WALK = 0
    CYCLE = 1
    DRIVE = 2


SPEEDS: dict[Mode, tuple[float, float]] = {
    Mode.WALK: (1.2, 1.6),
    Mode.CYCLE: (3.5, 4.5),
    Mode.DRIVE: (8.0, 12.0),
}
"""Range of each mode's speed in metres per (simulated) second; each unit draws its own."""

CYCLE_SHARE = 0.35
"""Share of units on foot who patrol by bicycle or e-bike instead of walking."""

DAY_CREW_SHARE: dict[str, float] = {
    "HW": 0.8,  # sanitation works mostly by day
    "SCJG": 0.9,  # market regulation keeps office hours
    "CGZF": 0.7,
    "WGLQ": 0.6,
    "JJ": 0.55,
    "XF": 0.5,  # fire and rescue: round the clock
    "GA": 0.4,  # public-security patrol is heavier at night
}
"""Share of a department's units in the day crew (DOMAIN.md: day shift mostly city
appearance, night shift mostly public-security patrol); others default to 0.6."""

DEFAULT_DAY_CREW_SHARE = 0.6


@dataclass(frozen=True, eq=False)
class StreetGraph:
    """The cells as a walking graph confined to each street/town.

    Attributes:
        proj: The metres projection.
        codes: Cell codes, in the city map's order (index = cell number).
        x: Cell centres, metres east.
        y: Cell centres, metres north.
        half: Half of each cell's side (square root of its area, halved), metres.
        street: Street number of each cell (index into ``street_codes``).
        street_codes: The streets/towns' codes.
        neighbours: ``(cells, k)`` neighbour cell numbers in the same street, padded -1.
    """

    proj: LocalProjection
    codes: tuple[str, ...]
    x: FloatArray
    y: FloatArray
    half: FloatArray
    street: IntArray
    street_codes: tuple[str, ...]
    neighbours: IntArray

    @property
    def size(self) -> int:
        return len(self.codes)

    def cells_of(self, street_no: int) -> IntArray:
        """The cell numbers of one street/town."""
        return np.flatnonzero(self.street == street_no)

    def waypoint(self, cell: int | IntArray, offset: FloatArray) -> tuple[FloatArray, FloatArray]:
        """The waypoint(s) of ``cell`` for a unit with ``offset`` (shares of half a side)."""
        half = self.half[cell]
        return self.x[cell] + offset[..., 0] * half, self.y[cell] + offset[..., 1] * half

    def route(self, start: int, goal: int) -> list[int] | None:
        """Cells from ``start`` to ``goal`` (both included) through neighbours, or ``None``.

        Breadth-first: a street has a few hundred cells at most, so this is cheap enough
        for the handful of units sent somewhere each second.
        """
        if self.street[start] != self.street[goal]:
            return None
        came: dict[int, int] = {start: start}
        queue = deque([start])
        while queue:
            cell = queue.popleft()
            if cell == goal:
                path = [goal]
                while path[-1] != start:
                    path.append(came[path[-1]])
                return path[::-1]
            for n in self.neighbours[cell].tolist():
                if n >= 0 and n not in came:
                    came[n] = cell
                    queue.append(n)
        return None


def build_graph(city: CityMap) -> StreetGraph:
    """The walking graph of a city map.

    Neighbours share an edge, found as two shared vertices (vertices compared at 1e-7°,
    about 1 cm, the precision the map is stored with).
    """
    cells = city.cells
    lons = np.array([c.centroid_lon for c in cells])
    lats = np.array([c.centroid_lat for c in cells])
    proj = LocalProjection(float(lons.mean()), float(lats.mean()))
    x, y = proj.forward_array(lons, lats)
    half = np.sqrt(np.array([c.area_m2 for c in cells])) / 2.0
    street_codes = tuple(s.code for s in city.streets)
    street_no = {code: i for i, code in enumerate(street_codes)}
    street = np.array([street_no[c.street_code] for c in cells], dtype=np.int64)

    by_vertex: dict[tuple[float, float], list[int]] = defaultdict(list)
    for i, cell in enumerate(cells):
        for lon, lat in set(cell.ring):
            by_vertex[(round(lon, 7), round(lat, 7))].append(i)
    shared: dict[tuple[int, int], int] = defaultdict(int)
    for owners in by_vertex.values():
        for a in range(len(owners)):
            for b in range(a + 1, len(owners)):
                i, j = owners[a], owners[b]
                if street[i] == street[j]:
                    shared[(min(i, j), max(i, j))] += 1
    adjacent: list[list[int]] = [[] for _ in cells]
    for (i, j), count in shared.items():
        if count >= 2:
            adjacent[i].append(j)
            adjacent[j].append(i)
    width = max((len(a) for a in adjacent), default=0) or 1
    neighbours = np.full((len(cells), width), -1, dtype=np.int64)
    for i, adj in enumerate(adjacent):
        neighbours[i, : len(adj)] = sorted(adj)
    return StreetGraph(
        proj=proj,
        codes=tuple(c.code for c in cells),
        x=x,
        y=y,
        half=half,
        street=street,
        street_codes=street_codes,
        neighbours=neighbours,
    )


class Crew(IntEnum):
    """Which shift a unit works."""

    DAY = 0  # 白班 08:00-20:00
    NIGHT = 1  # 夜班 20:00-08:00


@dataclass(frozen=True, eq=False)
class UnitPlan:
    """The simulated units and their fixed traits, in unit-id order.

    Attributes:
        ids: Unit ids (sorted, so the plan does not depend on the order they arrived in).
        departments: Each unit's department code.
        street: Each unit's street number (index into the graph's ``street_codes``).
        mode: Travel mode (:class:`Mode` values).
        speed: Own speed, metres per simulated second.
        offset: ``(n, 2)`` waypoint offsets, shares of half a cell's side.
        crew: :class:`Crew` values.
        lag: Seconds each unit's shift starts late (negative: early), so a shift change
            spreads over twenty minutes instead of happening in one instant.
    """

    ids: tuple[str, ...]
    departments: tuple[str, ...]
    street: IntArray
    mode: npt.NDArray[np.int8]
    speed: FloatArray
    offset: FloatArray
    crew: npt.NDArray[np.int8]
    lag: FloatArray

    @property
    def size(self) -> int:
        return len(self.ids)


def plan_units(units: Sequence[Unit], graph: StreetGraph, seed: int) -> UnitPlan:
    """Plan the units that belong to a street/town of ``graph`` (others are left out)."""
    street_no = {code: i for i, code in enumerate(graph.street_codes)}
    chosen = sorted((u for u in units if u.street_code in street_no), key=lambda u: u.unit_id)
    n = len(chosen)
    rng = np.random.default_rng([seed, 1])
    vehicle = np.array([u.kind is UnitKind.VEHICLE for u in chosen], dtype=bool)
    cycles = rng.random(n) < CYCLE_SHARE
    mode = np.where(vehicle, Mode.DRIVE, np.where(cycles, Mode.CYCLE, Mode.WALK)).astype(np.int8)
    low = np.array([SPEEDS[Mode(m)][0] for m in mode.tolist()])
    high = np.array([SPEEDS[Mode(m)][1] for m in mode.tolist()])
    speed = low + rng.random(n) * (high - low)
    offset = rng.uniform(-MAX_OFFSET, MAX_OFFSET, size=(n, 2))
    day_share = np.array([DAY_CREW_SHARE.get(u.department, DEFAULT_DAY_CREW_SHARE) for u in chosen])
    crew = np.where(rng.random(n) < day_share, Crew.DAY, Crew.NIGHT).astype(np.int8)
    lag = rng.uniform(-600.0, 600.0, size=n)
    return UnitPlan(
        ids=tuple(u.unit_id for u in chosen),
        departments=tuple(u.department for u in chosen),
        street=np.array([street_no[u.street_code] for u in chosen], dtype=np.int64),
        mode=mode,
        speed=speed,
        offset=offset,
        crew=crew,
        lag=lag,
    )
