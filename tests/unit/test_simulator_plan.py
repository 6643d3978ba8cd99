"""The simulator's plan: the walking graph, the units' traits, shifts; all seeded."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from backend.simulator.clock import SimClock
from backend.simulator.plan import Crew, Mode, StreetGraph, build_graph, plan_units
from backend.simulator.shifts import BREAK, OFF_DUTY, PATROL, Duty, shift_number, shift_start
from models.demo_city import generate_demo_city
from models.geography import CityMap
from models.org import Unit, UnitKind, UnitStatus

SHANGHAI = timedelta(hours=8)


@pytest.fixture(scope="module")
def city() -> CityMap:
    return generate_demo_city(target_cells=500)


@pytest.fixture(scope="module")
def graph(city: CityMap) -> StreetGraph:
    return build_graph(city)


def make_units(city: CityMap, per_street: int = 20) -> list[Unit]:
    """Units of a few departments in every street, at cell centres, a quarter vehicles."""
    departments = ("WGLQ", "HW", "CGZF", "GA", "JJ")
    units = []
    for s, street in enumerate(city.streets):
        cells = [c for c in city.cells if c.street_code == street.code]
        for k in range(per_street):
            cell = cells[k % len(cells)]
            department = departments[k % len(departments)]
            units.append(
                Unit(
                    unit_id=f"U{s:02d}{k:03d}",
                    callsign=f"{department}-{k}",
                    kind=UnitKind.VEHICLE if k % 4 == 0 else UnitKind.PERSON,
                    department=department,
                    team_id=f"T-{department}-{street.code}",
                    street_code=street.code,
                    status=UnitStatus.PATROL,
                    lon=cell.centroid_lon,
                    lat=cell.centroid_lat,
                )
            )
    return units


def local(text: str) -> datetime:
    """A Shanghai wall-clock time as an aware UTC instant."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC) - SHANGHAI


def test_neighbours_share_an_edge_and_a_street(graph: StreetGraph) -> None:
    pairs = [(i, int(j)) for i in range(graph.size) for j in graph.neighbours[i].tolist() if j >= 0]
    assert len(pairs) > graph.size  # most cells have several neighbours
    for i, j in pairs:
        assert graph.street[i] == graph.street[j]
        side = graph.half[i] + graph.half[j]
        dx, dy = abs(graph.x[i] - graph.x[j]), abs(graph.y[i] - graph.y[j])
        # Edge neighbours of a square lattice: one step along one axis, none along the other.
        assert min(dx, dy) < 0.01 * side
        assert max(dx, dy) == pytest.approx(side, rel=0.01)
        assert i in graph.neighbours[j].tolist()


def test_a_route_walks_through_neighbours_of_one_street(graph: StreetGraph) -> None:
    street = int(graph.street[0])
    cells = graph.cells_of(street)
    route = graph.route(int(cells[0]), int(cells[-1]))
    assert route is not None
    assert route[0] == cells[0]
    assert route[-1] == cells[-1]
    for a, b in itertools.pairwise(route):
        assert b in graph.neighbours[a].tolist()
    other = int(np.flatnonzero(graph.street != street)[0])
    assert graph.route(int(cells[0]), other) is None


def test_the_same_seed_gives_the_same_units(graph: StreetGraph, city: CityMap) -> None:
    units = make_units(city)
    a, b = plan_units(units, graph, 7), plan_units(list(reversed(units)), graph, 7)
    assert a.ids == b.ids
    for name in ("street", "mode", "speed", "offset", "crew", "lag"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    c = plan_units(units, graph, 8)
    assert not np.array_equal(a.speed, c.speed)


def test_speeds_follow_the_travel_mode(graph: StreetGraph, city: CityMap) -> None:
    units = make_units(city)
    plan = plan_units(units, graph, 7)
    vehicle = np.array([u.kind is UnitKind.VEHICLE for u in sorted(units, key=lambda u: u.unit_id)])
    assert np.all(plan.mode[vehicle] == Mode.DRIVE)
    assert np.all((plan.speed[vehicle] >= 8.0) & (plan.speed[vehicle] <= 12.0))
    walking = plan.mode == Mode.WALK
    cycling = plan.mode == Mode.CYCLE
    assert np.all((plan.speed[walking] >= 1.2) & (plan.speed[walking] <= 1.6))
    assert np.all((plan.speed[cycling] >= 3.5) & (plan.speed[cycling] <= 4.5))
    assert np.mean(plan.speed[walking]) == pytest.approx(1.4, abs=0.05)
    assert np.mean(plan.speed[cycling]) == pytest.approx(4.0, abs=0.1)
    on_foot = (~vehicle).sum()
    assert 0.25 < cycling.sum() / on_foot < 0.45  # about a third cycle


def test_shift_numbers_follow_the_shanghai_clock() -> None:
    day = shift_number(local("2026-12-01T10:00"))
    assert day % 2 == Crew.DAY
    assert shift_number(local("2026-12-01T21:00")) == day + 1
    assert shift_number(local("2026-12-02T07:59")) == day + 1
    assert shift_number(local("2026-12-02T08:00")) == day + 2
    assert shift_start(day) == local("2026-12-01T08:00")


def test_crews_work_their_shift_and_hand_over(graph: StreetGraph, city: CityMap) -> None:
    plan = plan_units(make_units(city), graph, 7)
    duty = Duty(plan, 7)
    day_crew = plan.crew == Crew.DAY
    at_ten = duty.statuses(local("2026-12-01T10:00"))
    assert np.all(at_ten[~day_crew] == OFF_DUTY)
    working = at_ten[day_crew] != OFF_DUTY
    assert 0.85 < working.mean() < 0.95  # rest days and leave
    at_night = duty.statuses(local("2026-12-01T23:00"))
    assert np.all(at_night[day_crew] == OFF_DUTY)
    assert 0.85 < (at_night[~day_crew] != OFF_DUTY).mean() < 0.95
    # The handover spreads over twenty minutes around 20:00.
    early = duty.statuses(local("2026-12-01T19:52"))
    late = duty.statuses(local("2026-12-01T20:08"))
    assert 0 < (early[~day_crew] != OFF_DUTY).sum() < (late[~day_crew] != OFF_DUTY).sum()
    assert (late[day_crew] != OFF_DUTY).sum() < (early[day_crew] != OFF_DUTY).sum()


def test_most_units_take_one_break_mid_shift(graph: StreetGraph, city: CityMap) -> None:
    plan = plan_units(make_units(city), graph, 7)
    duty = Duty(plan, 7)
    start = local("2026-12-01T08:00")
    minutes = [duty.statuses(start + timedelta(minutes=m)) for m in range(0, 12 * 60, 5)]
    statuses = np.array(minutes)  # (time, unit)
    on_shift = (statuses != OFF_DUTY).any(axis=0) & (plan.crew == Crew.DAY)
    pausing = statuses[:, on_shift] == BREAK
    took_break = pausing.any(axis=0)
    assert 0.7 < took_break.mean() < 0.9
    length = pausing.sum(axis=0)[took_break] * 5
    assert length.min() >= 15
    assert length.max() <= 65
    first = np.argmax(pausing[:, took_break], axis=0) * 5
    assert first.min() >= 3 * 60 - 15
    assert first.max() <= 8 * 60 + 15
    assert np.all(statuses[: 2 * 12, on_shift] != BREAK)  # no break in the first two hours
    assert (statuses == PATROL).any()


def test_rosters_are_seeded(graph: StreetGraph, city: CityMap) -> None:
    plan = plan_units(make_units(city), graph, 7)
    at = local("2026-12-01T13:00")
    assert np.array_equal(Duty(plan, 7).statuses(at), Duty(plan, 7).statuses(at))
    assert not np.array_equal(Duty(plan, 7).statuses(at), Duty(plan, 9).statuses(at))


def test_the_simulated_clock_runs_at_its_speed() -> None:
    real = [100.0]
    start = local("2026-12-01T07:50")
    clock = SimClock(start, 60.0, monotonic=lambda: real[0])
    assert clock.now() == start
    real[0] += 10.0  # ten real seconds: ten simulated minutes
    assert clock.now() == local("2026-12-01T08:00")
    assert clock.real_seconds(3600.0) == 60.0
    clock.restart(local("2026-12-01T20:00"))
    real[0] += 1.0
    assert clock.now() == local("2026-12-01T20:01")
    with pytest.raises(ValueError, match="positive"):
        SimClock(start, 0.0)
