"""Moving the units: they stay in their street/town, at their speed, and get where sent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from msgspec.structs import replace

from backend.simulator.field import FieldForce
from backend.simulator.movement import Fleet
from backend.simulator.plan import StreetGraph, UnitPlan, build_graph, plan_units
from models.cell_index import CellIndex
from models.demo_city import generate_demo_city
from models.geography import CityMap
from models.org import UnitStatus
from tests.unit.test_simulator_plan import make_units


@pytest.fixture(scope="module")
def city() -> CityMap:
    return generate_demo_city(target_cells=500)


@pytest.fixture(scope="module")
def graph(city: CityMap) -> StreetGraph:
    return build_graph(city)


@pytest.fixture(scope="module")
def index(city: CityMap) -> CellIndex:
    return CellIndex(city.cells)


@pytest.fixture
def plan(graph: StreetGraph, city: CityMap) -> UnitPlan:
    return plan_units(make_units(city), graph, 7)


def fleet_of(graph: StreetGraph, plan: UnitPlan, seed: int = 7) -> Fleet:
    rng = np.random.default_rng(0)
    cells = np.array(
        [int(rng.choice(graph.cells_of(int(s)))) for s in plan.street.tolist()], dtype=np.int64
    )
    return Fleet.place(graph, plan, cells, seed)


def streets_at(fleet: Fleet, index: CellIndex, graph: StreetGraph) -> np.ndarray:
    lon, lat = fleet.lonlat()
    cells = index.locate_many(lon, lat)
    assert np.all(cells >= 0), "a unit left the grid"
    return graph.street[cells]


def test_patrols_stay_inside_their_street(
    graph: StreetGraph, plan: UnitPlan, index: CellIndex
) -> None:
    fleet = fleet_of(graph, plan)
    fleet.moving[:] = True
    # Six simulated hours in one-minute steps: cars cross many cells per step.
    for _ in range(360):
        fleet.step(60.0)
        assert np.array_equal(streets_at(fleet, index, graph), plan.street)
    start = fleet_of(graph, plan)
    moved = np.hypot(fleet.x - start.x, fleet.y - start.y)
    assert np.median(moved) > 100.0  # they do get around


def test_sent_units_take_a_route_inside_their_street(
    graph: StreetGraph, plan: UnitPlan, index: CellIndex
) -> None:
    fleet = fleet_of(graph, plan)
    fleet.moving[:] = True
    rng = np.random.default_rng(3)
    targets = {}
    for unit in range(0, plan.size, 7):
        cells = graph.cells_of(int(plan.street[unit]))
        goal = int(rng.choice(cells))
        x, y = float(graph.x[goal]) + 10.0, float(graph.y[goal]) - 10.0
        if fleet.send_to(unit, goal, x, y):
            targets[unit] = (x, y)
    assert len(targets) > plan.size // 10
    arrived: set[int] = set()
    for _ in range(24 * 60):
        arrived.update(fleet.step(60.0))
        assert np.array_equal(streets_at(fleet, index, graph), plan.street)
        if arrived == set(targets):
            break
    assert arrived == set(targets)
    for unit, (x, y) in targets.items():
        assert fleet.arrived(unit)
        assert (fleet.x[unit], fleet.y[unit]) == pytest.approx((x, y))
    # Arrived units wait where they are until released.
    before = fleet.x.copy()
    fleet.step(600.0)
    assert np.array_equal(fleet.x[list(targets)], before[list(targets)])
    fleet.release(next(iter(targets)))
    assert not fleet.arrived(next(iter(targets)))


def test_units_move_at_their_own_speed(graph: StreetGraph, plan: UnitPlan) -> None:
    fleet = fleet_of(graph, plan)
    fleet.moving[:] = True
    fleet.step(1.0)  # leave the starting waypoint
    x, y = fleet.x.copy(), fleet.y.copy()
    fleet.step(1.0)
    moved = np.hypot(fleet.x - x, fleet.y - y)
    # Never faster than the speed; exactly it unless the second turned a corner.
    assert np.all(moved <= plan.speed + 1e-6)
    straight = np.isclose(moved, plan.speed, rtol=1e-6)
    assert straight.mean() > 0.9
    headings = fleet.heading[straight]
    assert np.all((headings >= 0) & (headings < 360))


def test_still_units_stay_put(graph: StreetGraph, plan: UnitPlan) -> None:
    fleet = fleet_of(graph, plan)
    fleet.moving[:] = False
    x = fleet.x.copy()
    fleet.step(3600.0)
    assert np.array_equal(fleet.x, x)


def test_the_same_seed_walks_the_same_paths(graph: StreetGraph, plan: UnitPlan) -> None:
    a, b, c = fleet_of(graph, plan, 7), fleet_of(graph, plan, 7), fleet_of(graph, plan, 8)
    for fleet in (a, b, c):
        fleet.moving[:] = True
        for _ in range(120):
            fleet.step(30.0)
    assert np.array_equal(a.x, b.x)
    assert np.array_equal(a.y, b.y)
    assert not np.array_equal(a.x, c.x)


def test_field_force_reports_statuses_and_positions(city: CityMap, graph: StreetGraph) -> None:
    units = make_units(city, per_street=10)
    field = FieldForce(graph, units, seed=7)
    ten = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
    changes = dict(field.advance(ten, 1.0))
    # Every unit was on patrol in the snapshot; the night crew now goes off duty.
    assert changes
    assert set(changes.values()) <= {UnitStatus.OFF_DUTY, UnitStatus.BREAK, UnitStatus.PATROL}
    assert field.advance(ten + timedelta(seconds=1), 1.0) == []  # nothing new to tell
    batch = field.batch(datetime.now(UTC))
    assert batch is not None
    on_duty = field.on_duty().size
    assert len(batch.unit_ids) == on_duty
    assert 0 < on_duty < field.size
    off = {u for u, s in changes.items() if s is UnitStatus.OFF_DUTY}
    assert not off & set(batch.unit_ids)

    # Send a joint-patrol unit to a cell of its street: en route, then on scene.
    cell = city.cells[len(city.cells) // 2]
    unit_id = field.assign(
        ("verify", 1), "WGLQ", cell.code, cell.centroid_lon, cell.centroid_lat, UnitStatus.ON_SCENE
    )
    assert unit_id is not None
    assert field.assign(("verify", 1), "WGLQ", cell.code, 0.0, 0.0, UnitStatus.ON_SCENE) is None
    at = ten + timedelta(seconds=2)
    assert (unit_id, UnitStatus.EN_ROUTE) in field.advance(at, 1.0)
    seen = []
    for _ in range(600):
        at += timedelta(seconds=60)
        seen += [s for u, s in field.advance(at, 60.0) if u == unit_id]
        if UnitStatus.ON_SCENE in seen:
            break
    assert seen[-1] is UnitStatus.ON_SCENE
    field.release(("verify", 1))
    at += timedelta(seconds=1)
    assert (unit_id, UnitStatus.PATROL) in field.advance(at, 1.0)

    # A snapshot that disagrees makes the status go out again.
    stale = next(u for u in units if u.unit_id == unit_id)
    field.observe([replace(stale, status=UnitStatus.BUSY)])
    assert (unit_id, UnitStatus.PATROL) in field.advance(at + timedelta(seconds=1), 1.0)
