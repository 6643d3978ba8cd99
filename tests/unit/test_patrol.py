"""Patrol areas: assigning cells for a shift, and the coverage a track achieved."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pytest

from models.cell_index import CellIndex
from models.demo_city import generate_demo_city
from models.errors import IllegalMove, InvalidInput, NotPermitted, UnknownId
from models.geography import CityMap
from models.org import Actor, Role, Unit, UnitKind
from models.patrol import (
    AssignPatrol,
    CancelPatrol,
    PatrolAssignment,
    assign_patrol,
    assigned_cells,
    cancel_patrol,
    coverage,
    visited_cells,
)

T0 = datetime(2026, 11, 30, 0, 0, tzinfo=UTC)  # 08:00 in Shanghai: the day shift begins
DAY_END = T0 + timedelta(hours=12)


@pytest.fixture(scope="module")
def city() -> CityMap:
    return generate_demo_city(target_cells=500)


@pytest.fixture(scope="module")
def index(city: CityMap) -> CellIndex:
    return CellIndex(city.cells)


def street_of(city: CityMap) -> str:
    """The street/town with the most cells."""
    return max(city.streets, key=lambda s: len(city.cells_of(s.code))).code


def other_street(city: CityMap) -> str:
    return next(s.code for s in city.streets if s.code != street_of(city))


def the_unit(city: CityMap) -> Unit:
    return Unit(
        unit_id="U1",
        callsign="WGLQ-001-01",
        kind=UnitKind.PERSON,
        department="WGLQ",
        team_id="T",
        street_code=street_of(city),
    )


def dispatcher(scope: str = "310115") -> Actor:
    return Actor(user_id="op1", role=Role.OPERATOR, scope=scope)


def assign(
    city: CityMap, existing: tuple[PatrolAssignment, ...] = (), **changes: object
) -> PatrolAssignment:
    cells = tuple(c.code for c in city.cells_of(street_of(city))[:3])
    fields: dict[str, object] = {
        "unit_id": "U1",
        "starts_at": T0,
        "ends_at": DAY_END,
        "cells": cells,
        "note": "重点巡查菜场周边",
    }
    fields.update(changes)
    actor = fields.pop("actor", dispatcher())
    return assign_patrol(
        AssignPatrol(**fields),  # type: ignore[arg-type]
        assignment_id=1,
        unit=the_unit(city),
        city=city,
        existing=existing,
        actor=actor,  # type: ignore[arg-type]
        at=T0,
    )


def test_an_assignment_names_the_unit_its_shift_and_its_cells(city: CityMap) -> None:
    a = assign(city)
    assert (a.unit_id, a.street_code, a.starts_at, a.ends_at) == (
        "U1",
        street_of(city),
        T0,
        DAY_END,
    )
    assert len(a.cells) == 3
    assert a.active
    assert a.assigned_by == "op1"


def test_a_whole_street_counts_all_its_cells(city: CityMap) -> None:
    street = street_of(city)
    a = assign(city, cells=(), streets=(street,))
    assert assigned_cells(a, city) == frozenset(c.code for c in city.cells_of(street))


@pytest.mark.parametrize(
    ("changes", "error", "match"),
    [
        ({"ends_at": T0}, InvalidInput, "'ends_at': must be after starts_at"),
        ({"ends_at": T0 + timedelta(hours=25)}, InvalidInput, "at most 1 day"),
        ({"starts_at": datetime(2026, 11, 30, 8)}, InvalidInput, "time zone"),
        ({"cells": ()}, InvalidInput, "at least one cell or street"),
        ({"cells": ("31011599999999",)}, UnknownId, "unknown cell"),
        ({"streets": ("310115999",)}, UnknownId, "unknown street"),
        ({"actor": Actor(user_id="f", role=Role.FIELD)}, NotPermitted, "role 'field' may not"),
        ({"actor": dispatcher("310115999")}, NotPermitted, "outside scope 310115999"),
    ],
)
def test_bad_assignments_are_refused_by_name(
    city: CityMap, changes: dict[str, Any], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        assign(city, **changes)


def test_a_cell_of_another_street_needs_a_wider_scope(city: CityMap) -> None:
    own, other = street_of(city), other_street(city)
    foreign = city.cells_of(other)[0].code
    with pytest.raises(NotPermitted, match=f"street {other} is outside scope {own}"):
        assign(city, cells=(foreign,), actor=dispatcher(own))
    assert assign(city, cells=(foreign,)).cells == (foreign,)  # the district may


def test_overlapping_shifts_of_one_unit_are_refused_unless_withdrawn(city: CityMap) -> None:
    first = assign(city)
    with pytest.raises(InvalidInput, match="already patrols assignment 1"):
        assign(
            city,
            existing=(first,),
            starts_at=T0 + timedelta(hours=11),
            ends_at=DAY_END + timedelta(hours=1),
        )
    # The next shift touches the first without overlapping.
    assign(city, existing=(first,), starts_at=DAY_END, ends_at=DAY_END + timedelta(hours=12))
    withdrawn = cancel_patrol(
        first, CancelPatrol(assignment_id=1, reason="人员调整"), dispatcher(), T0
    )
    assert not withdrawn.active
    assert withdrawn.cancel_reason == "人员调整"
    assert withdrawn.revision == 2
    assign(city, existing=(withdrawn,))
    with pytest.raises(IllegalMove, match="already withdrawn"):
        cancel_patrol(withdrawn, CancelPatrol(assignment_id=1, reason="x"), dispatcher(), T0)
    with pytest.raises(IllegalMove, match="its shift is over"):
        cancel_patrol(first, CancelPatrol(assignment_id=1, reason="x"), dispatcher(), DAY_END)


def test_coverage_counts_the_assigned_cells_a_track_passed_through(
    city: CityMap, index: CellIndex
) -> None:
    cells = city.cells_of(street_of(city))[:4]
    area = frozenset(c.code for c in cells)
    outside = city.cells_of(other_street(city))[0]
    # A track: several fixes in the first two cells, one outside the area, one off the map.
    lons = [cells[0].centroid_lon] * 3 + [cells[1].centroid_lon, outside.centroid_lon, 0.0]
    lats = [cells[0].centroid_lat] * 3 + [cells[1].centroid_lat, outside.centroid_lat, 0.0]
    seen = visited_cells(index, np.array(lons), np.array(lats))
    assert seen == {cells[0].code, cells[1].code, outside.code}
    result = coverage(seen, area)
    assert result.visited == {cells[0].code, cells[1].code}
    assert result.assigned == 4
    assert result.share == 0.5
    assert coverage(seen, ()).share == 0.0
    assert visited_cells(index, [], []) == frozenset()
