"""The field force as the simulator keeps it: statuses, movement, shifts and tasks.

Pure (no I/O): :meth:`FieldForce.advance` moves the clock on and returns the status
changes the terminals must report; :meth:`FieldForce.batch` gives the position fixes to
send. A unit's status comes from its roster (patrol, break, off duty) unless it has a task:
sent to a case it is ``en_route``, then ``busy`` (a department's unit handling it) or
``on_scene`` (a grid supervisor verifying), until the task is released. A unit ordered to a
joint operation (:meth:`FieldForce.dispatch`) keeps the status the operation's moves gave
it on the server.

``status`` holds what the server was last told. :meth:`observe` takes what a snapshot
says instead, so a status change lost with a dropped connection is sent again.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from backend.simulator.movement import Fleet, heading_list
from backend.simulator.plan import IntArray, StreetGraph, UnitPlan, plan_units
from backend.simulator.shifts import CODE, OFF_DUTY, PATROL, STATUSES, Duty, StatusArray
from models.org import Unit, UnitStatus
from net.protocol import PositionBatch

EN_ROUTE = CODE[UnitStatus.EN_ROUTE]
MAX_TASK_SECONDS = 6 * 3600.0
"""A task still open after this much simulated time is dropped (its case went elsewhere)."""


@dataclass
class Task:
    """A unit sent to a place for a case or a joint operation.

    Attributes:
        told: The server learns the unit's statuses from the task's own moves (a joint
            operation's departure and arrival), not from status changes sent for it.
    """

    unit: int
    on_arrival: UnitStatus
    started: datetime
    told: bool = False


def starting_cells(
    graph: StreetGraph, plan: UnitPlan, units: Sequence[Unit], seed: int
) -> tuple[IntArray, np.ndarray, np.ndarray]:
    """Where each planned unit starts: its last known position, if in its own street.

    A unit whose position is unknown or outside its street/town starts at the waypoint of
    a random cell of its street (seeded). Returns cells and positions in metres.
    """
    by_id = {u.unit_id: u for u in units}
    rng = np.random.default_rng([seed, 4])
    cells = np.zeros(plan.size, dtype=np.int64)
    wx, wy = np.zeros(plan.size), np.zeros(plan.size)
    known = np.zeros(plan.size, dtype=bool)
    for i, unit_id in enumerate(plan.ids):
        unit = by_id[unit_id]
        street_cells = graph.cells_of(int(plan.street[i]))
        if unit.lon is not None and unit.lat is not None:
            ux, uy = graph.proj.forward(unit.lon, unit.lat)
            d2 = (graph.x[street_cells] - ux) ** 2 + (graph.y[street_cells] - uy) ** 2
            cell = int(street_cells[int(np.argmin(d2))])
            inside = max(abs(graph.x[cell] - ux), abs(graph.y[cell] - uy)) < graph.half[cell]
            if inside:
                cells[i], wx[i], wy[i], known[i] = cell, ux, uy, True
                continue
        cells[i] = int(street_cells[int(rng.integers(street_cells.size))])
    x, y = graph.waypoint(cells, plan.offset)
    return cells, np.where(known, wx, x), np.where(known, wy, y)


class FieldForce:
    """Every simulated unit: where it is, what it does, what the server was told.

    Args:
        graph: The walking graph.
        units: The units as the server knows them (a snapshot).
        seed: The simulation's seed.
    """

    def __init__(self, graph: StreetGraph, units: Sequence[Unit], seed: int) -> None:
        self.graph = graph
        self.plan = plan_units(units, graph, seed)
        cells, x, y = starting_cells(graph, self.plan, units, seed)
        self.fleet = Fleet(graph, self.plan, cells, x, y, seed)
        self.duty = Duty(self.plan, seed)
        self.index = {unit_id: i for i, unit_id in enumerate(self.plan.ids)}
        self.cell_no = {code: i for i, code in enumerate(graph.codes)}
        self.street_no = {code: i for i, code in enumerate(graph.street_codes)}
        self.status: StatusArray = np.full(self.plan.size, OFF_DUTY, dtype=np.int8)
        self.observe(units)
        self.tasks: dict[Hashable, Task] = {}
        self._busy = np.zeros(self.plan.size, dtype=bool)
        self._department = np.array(self.plan.departments, dtype=object)
        self.now: datetime | None = None

    @property
    def size(self) -> int:
        return self.plan.size

    def observe(self, units: Sequence[Unit]) -> None:
        """Take the statuses the server holds (from a snapshot) as what it was told."""
        for unit in units:
            i = self.index.get(unit.unit_id)
            if i is not None:
                self.status[i] = CODE[unit.status]

    # -- the clock

    def advance(self, now: datetime, seconds: float) -> list[tuple[str, UnitStatus]]:
        """Move on by ``seconds`` of simulated time to ``now``.

        Returns:
            ``(unit_id, status)`` for every unit whose status the server must learn.
        """
        self.now = now
        for key, task in list(self.tasks.items()):
            if (now - task.started).total_seconds() > MAX_TASK_SECONDS:
                self.release(key)
        desired = self.duty.statuses(now)
        for task in self.tasks.values():
            if task.told:
                desired[task.unit] = self.status[task.unit]
                continue
            arrived = self.fleet.arrived(task.unit)
            desired[task.unit] = CODE[task.on_arrival] if arrived else EN_ROUTE
        self.fleet.moving = (desired == PATROL) | (desired == EN_ROUTE)
        for unit in self.fleet.step(seconds):
            done = self._task_of(unit)
            if done is not None and not done.told:
                desired[unit] = CODE[done.on_arrival]
        changed = np.flatnonzero(desired != self.status)
        self.status[changed] = desired[changed]
        return [(self.plan.ids[i], STATUSES[int(self.status[i])]) for i in changed.tolist()]

    def _task_of(self, unit: int) -> Task | None:
        for task in self.tasks.values():
            if task.unit == unit:
                return task
        return None

    # -- tasks

    def assign(
        self,
        key: Hashable,
        department: str,
        cell_code: str | None,
        lon: float,
        lat: float,
        on_arrival: UnitStatus,
    ) -> str | None:
        """Send the nearest free unit of ``department`` on patrol in the cell's street.

        Returns:
            The unit's id, or ``None`` when no unit of the department is free there (the
            work is then done without one on the map).
        """
        if key in self.tasks or self.now is None:
            return None
        cell = self.cell_no.get(cell_code or "")
        if cell is None:
            return None
        street = self.graph.street[cell]
        free = (
            (self.plan.street == street)
            & (self.status == PATROL)
            & ~self._busy
            & (self._department == department)
        )
        candidates = np.flatnonzero(free)
        if candidates.size == 0:
            return None
        x, y = self.graph.proj.forward(lon, lat)
        d2 = (self.fleet.x[candidates] - x) ** 2 + (self.fleet.y[candidates] - y) ** 2
        unit = int(candidates[int(np.argmin(d2))])
        if not self.fleet.send_to(unit, cell, x, y):
            return None
        self.tasks[key] = Task(unit=unit, on_arrival=on_arrival, started=self.now)
        self._busy[unit] = True
        return self.plan.ids[unit]

    def dispatch(self, key: Hashable, unit_id: str, lon: float, lat: float) -> bool:
        """Send one given unit to a point for a joint operation it departed for.

        The server already holds the unit en route (the departure said so). Any other task
        of the unit gives way. The unit walks its own street's cells to the one nearest
        the point, then straight to the point, which may lie in a neighbouring street.

        Returns:
            ``False`` if the unit is not simulated, already on this task, or cannot move.
        """
        unit = self.index.get(unit_id)
        if unit is None or key in self.tasks or self.now is None:
            return False
        for other, task in list(self.tasks.items()):
            if task.unit == unit:
                self.release(other)
        x, y = self.graph.proj.forward(lon, lat)
        own = self.graph.cells_of(int(self.plan.street[unit]))
        d2 = (self.graph.x[own] - x) ** 2 + (self.graph.y[own] - y) ** 2
        if not self.fleet.send_to(unit, int(own[int(np.argmin(d2))]), x, y):
            return False
        self.tasks[key] = Task(
            unit=unit, on_arrival=UnitStatus.ON_SCENE, started=self.now, told=True
        )
        self._busy[unit] = True
        self.status[unit] = EN_ROUTE
        return True

    def told(self, unit_id: str, status: UnitStatus) -> None:
        """The server gave the unit ``status`` (a joint operation's move did)."""
        unit = self.index.get(unit_id)
        if unit is not None:
            self.status[unit] = CODE[status]

    def position(self, unit_id: str) -> tuple[float, float] | None:
        """The unit's position (WGS-84), or ``None`` if it is not simulated."""
        unit = self.index.get(unit_id)
        if unit is None:
            return None
        lon, lat = self.graph.proj.inverse(float(self.fleet.x[unit]), float(self.fleet.y[unit]))
        return lon, lat

    def is_off_duty(self, unit_id: str) -> bool:
        unit = self.index.get(unit_id)
        return unit is None or int(self.status[unit]) == OFF_DUTY

    def release(self, key: Hashable) -> None:
        """The task is over: its unit goes back to what its roster says.

        A joint operation's unit was put back on patrol by the server when it released it.
        """
        task = self.tasks.pop(key, None)
        if task is not None:
            self._busy[task.unit] = False
            self.fleet.release(task.unit)
            if task.told:
                self.status[task.unit] = PATROL

    # -- positions

    def on_duty(self) -> IntArray:
        """Units whose terminals report (everyone not off duty)."""
        return np.flatnonzero(self.status != OFF_DUTY)

    def batch(self, at: datetime) -> PositionBatch | None:
        """One fix per unit on duty, stamped ``at`` (real time: the server's clock)."""
        rows = self.on_duty()
        if rows.size == 0:
            return None
        lon, lat = self.fleet.lonlat()
        speeds = np.where(self.fleet.moving[rows], self.plan.speed[rows], 0.0)
        return PositionBatch(
            unit_ids=[self.plan.ids[i] for i in rows.tolist()],
            at=[at] * rows.size,
            lons=np.round(lon[rows], 6).tolist(),
            lats=np.round(lat[rows], 6).tolist(),
            speeds=np.round(speeds, 2).tolist(),
            headings=heading_list(self.fleet.heading, rows),
        )
