"""Moving every unit at once: vectorised steps along waypoints of the street graph.

A patrolling unit walks from cell waypoint to neighbouring cell waypoint (see
:mod:`backend.simulator.plan`), mostly straight on, sometimes turning, rarely back, which
reads on the map as a patrol along a street grid. A unit sent somewhere follows the
shortest chain of neighbouring cells to the target's cell, then the last metres to the
target itself, and stops there. One :meth:`Fleet.step` moves all moving units by their
speed times the simulated seconds elapsed, through as many waypoints as that covers; only
units that reached a waypoint need any per-unit work, and that is vectorised too except
for units on a route.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from backend.simulator.plan import FloatArray, IntArray, StreetGraph, UnitPlan

MAX_LEGS_PER_STEP = 64
"""Waypoints one unit may pass in one step (a car at ×600 covers about 15 cells)."""

STRAIGHT, TURN, BACK = 6.0, 2.0, 0.3
"""Relative weights of going straight on, turning, and turning back at a waypoint."""


@dataclass
class _Route:
    cells: list[int]
    goal: tuple[float, float]
    heading_for_goal: bool = False
    arrived: bool = False


class Fleet:
    """Positions, targets and headings of every planned unit.

    Args:
        graph: The walking graph.
        plan: The units (their speeds and offsets).
        start_cell: Each unit's starting cell (in its own street).
        start_x: Starting positions, metres east (inside the starting cell).
        start_y: Starting positions, metres north.
        seed: Seeds the choices at waypoints.

    Attributes:
        moving: Units that move this step (the caller sets it from their status).
        heading: Degrees clockwise from north of the last movement (NaN before any).
    """

    def __init__(
        self,
        graph: StreetGraph,
        plan: UnitPlan,
        start_cell: IntArray,
        start_x: FloatArray,
        start_y: FloatArray,
        seed: int,
    ) -> None:
        self.graph = graph
        self.plan = plan
        self.rng = np.random.default_rng([seed, 3])
        self.cell = np.asarray(start_cell, dtype=np.int64).copy()
        self.prev = self.cell.copy()
        self.x = np.asarray(start_x, dtype=np.float64).copy()
        self.y = np.asarray(start_y, dtype=np.float64).copy()
        self.tx, self.ty = graph.waypoint(self.cell, plan.offset)
        self.moving = np.zeros(plan.size, dtype=bool)
        self.heading = np.full(plan.size, np.nan)
        self.routes: dict[int, _Route] = {}

    @classmethod
    def place(cls, graph: StreetGraph, plan: UnitPlan, cells: IntArray, seed: int) -> Fleet:
        """A fleet whose units start at the waypoints of ``cells``."""
        x, y = graph.waypoint(cells, plan.offset)
        return cls(graph, plan, cells, x, y, seed)

    # -- positions

    def lonlat(self) -> tuple[FloatArray, FloatArray]:
        """Every unit's position in WGS-84 degrees."""
        return self.graph.proj.inverse_array(self.x, self.y)

    # -- routes

    def send_to(self, unit: int, cell: int, x: float, y: float) -> bool:
        """Send ``unit`` to the point ``(x, y)`` in ``cell``; ``False`` if it cannot get there.

        The unit first finishes the leg it is on (so it never cuts across a cell it is not
        in), then follows neighbouring cells to ``cell``, then goes to the point.
        """
        path = self.graph.route(int(self.cell[unit]), cell)
        if path is None:
            return False
        self.routes[unit] = _Route(cells=path[1:], goal=(x, y))
        return True

    def arrived(self, unit: int) -> bool:
        """Whether ``unit`` reached the end of the route it was sent on."""
        route = self.routes.get(unit)
        return route is not None and route.arrived

    def release(self, unit: int) -> None:
        """Forget ``unit``'s route: it patrols on from where it stands."""
        self.routes.pop(unit, None)
        # Back to the waypoint of the cell it stands in: a leg inside one cell.
        tx, ty = self.graph.waypoint(int(self.cell[unit]), self.plan.offset[unit])
        self.tx[unit], self.ty[unit] = float(tx), float(ty)

    # -- stepping

    def step(self, seconds: float) -> list[int]:
        """Move the moving units for ``seconds`` of simulated time.

        Returns:
            Units that arrived at the end of their route during this step.
        """
        arrivals: list[int] = []
        if seconds <= 0:
            return arrivals
        left = np.where(self.moving, self.plan.speed * seconds, 0.0)
        for unit, route in self.routes.items():
            if route.arrived:
                left[unit] = 0.0
        start_x, start_y = self.x.copy(), self.y.copy()
        for _ in range(MAX_LEGS_PER_STEP):
            active = np.flatnonzero(left > 0)
            if active.size == 0:
                break
            dx = self.tx[active] - self.x[active]
            dy = self.ty[active] - self.y[active]
            dist = np.hypot(dx, dy)
            reach = dist <= left[active]
            go = active[~reach]
            frac = left[go] / dist[~reach]
            self.x[go] += dx[~reach] * frac
            self.y[go] += dy[~reach] * frac
            left[go] = 0.0
            done = active[reach]
            self.x[done] = self.tx[done]
            self.y[done] = self.ty[done]
            left[done] -= dist[reach]
            if done.size:
                arrivals.extend(self._next_waypoints(done, left))
        moved_x, moved_y = self.x - start_x, self.y - start_y
        moved = (moved_x != 0) | (moved_y != 0)
        self.heading[moved] = np.degrees(np.arctan2(moved_x[moved], moved_y[moved])) % 360.0
        return arrivals

    def _next_waypoints(self, units: IntArray, left: FloatArray) -> list[int]:
        """Give units that reached their waypoint the next one; return route arrivals."""
        arrivals: list[int] = []
        routed = np.array([u in self.routes for u in units.tolist()], dtype=bool)
        for unit in units[routed].tolist():
            route = self.routes[unit]
            if route.heading_for_goal:
                route.arrived = True
                left[unit] = 0.0
                arrivals.append(unit)
            elif route.cells:
                nxt = route.cells.pop(0)
                self.prev[unit], self.cell[unit] = self.cell[unit], nxt
                tx, ty = self.graph.waypoint(nxt, self.plan.offset[unit])
                self.tx[unit], self.ty[unit] = float(tx), float(ty)
            else:
                route.heading_for_goal = True
                self.tx[unit], self.ty[unit] = route.goal
        walkers = units[~routed]
        if walkers.size:
            self._wander(walkers, left)
        return arrivals

    def _wander(self, units: IntArray, left: FloatArray) -> None:
        """Pick each patrolling unit's next cell: mostly straight on, rarely back."""
        graph = self.graph
        cell, prev = self.cell[units], self.prev[units]
        options = graph.neighbours[cell]  # (n, k), -1 padded
        valid = options >= 0
        safe = np.where(valid, options, 0)
        # Direction of travel so far versus the direction to each option.
        hx, hy = graph.x[cell] - graph.x[prev], graph.y[cell] - graph.y[prev]
        ox = graph.x[safe] - graph.x[cell][:, None]
        oy = graph.y[safe] - graph.y[cell][:, None]
        dot = ox * hx[:, None] + oy * hy[:, None]
        weight = np.where(dot > 1e-6, STRAIGHT, np.where(dot < -1e-6, BACK, TURN))
        weight = np.where(valid, weight, 0.0)
        total = weight.sum(axis=1)
        stuck = total <= 0  # a cell with no neighbour in its street: stay and idle
        pick = (weight.cumsum(axis=1) < (self.rng.random(units.size) * total)[:, None]).sum(axis=1)
        pick = np.minimum(pick, options.shape[1] - 1)
        nxt = np.where(stuck, cell, options[np.arange(units.size), pick])
        self.prev[units] = np.where(stuck, prev, cell)
        self.cell[units] = nxt
        tx, ty = graph.waypoint(nxt, self.plan.offset[units])
        if stuck.any():
            # Idle in place for the rest of the step.
            tx = np.where(stuck, self.x[units], tx)
            ty = np.where(stuck, self.y[units], ty)
            left[units[stuck]] = 0.0
        self.tx[units], self.ty[units] = tx, ty


def heading_list(heading: FloatArray, rows: npt.NDArray[np.int64]) -> list[float | None]:
    """Headings of ``rows`` for the wire (``None`` where unknown), in [0, 360)."""
    out: list[float | None] = []
    for h in heading[rows].tolist():
        out.append(None if math.isnan(h) else min(round(h, 1), 359.9))
    return out
