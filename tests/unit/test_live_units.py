from __future__ import annotations

import itertools
from datetime import UTC, datetime

import numpy as np

from backend.live_units import LiveUnits
from models.org import DISTRICT_SCOPE, Unit, UnitKind, UnitStatus

T0 = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)
LUJIAZUI, HUAMU = "310115005", "310115014"


def unit(unit_id: str, street: str, status: UnitStatus = UnitStatus.PATROL) -> Unit:
    return Unit(
        unit_id=unit_id,
        callsign=unit_id.upper(),
        kind=UnitKind.PERSON,
        department="WGLQ",
        team_id="t1",
        street_code=street,
        status=status,
    )


def live() -> LiveUnits:
    return LiveUnits([unit("a", LUJIAZUI), unit("b", HUAMU), unit("c", LUJIAZUI, UnitStatus.BREAK)])


def test_fixes_make_one_frame_per_scope_with_only_the_units_that_moved() -> None:
    units = live()
    t = T0.timestamp()
    unknown, _ = units.apply_fixes(
        ["a", "b", "zz"], [t, t, t], [121.5, 121.6, 0.0], [31.2, 31.3, 0.0], [90.4, np.nan, 0.0]
    )
    assert unknown == ["zz"]
    frames = units.take_frames(T0)
    assert set(frames) == {DISTRICT_SCOPE, LUJIAZUI, HUAMU}
    assert frames[DISTRICT_SCOPE].unit_ids == ["a", "b"]
    assert frames[LUJIAZUI].unit_ids == ["a"]
    assert frames[LUJIAZUI].headings == [90]
    assert frames[HUAMU].headings == [None]
    assert frames[HUAMU].lons == [121.6]
    assert units.take_frames(T0) == {}


def test_an_older_fix_does_not_overwrite_a_newer_one() -> None:
    units = live()
    t = T0.timestamp()
    units.apply_fixes(["a"], [t + 10], [121.51], [31.21], [np.nan])
    units.apply_fixes(["a"], [t], [121.0], [31.0], [np.nan])
    assert units.unit("a").lon == 121.51
    assert units.unit("a").last_fix_at == datetime.fromtimestamp(t + 10, UTC)


def test_status_changes_show_in_frames_and_units() -> None:
    units = live()
    units.set_unit(unit("c", LUJIAZUI, UnitStatus.EN_ROUTE))
    units.apply_fixes(["c"], [T0.timestamp()], [121.5], [31.2], [0.0])
    assert units.take_frames(T0)[LUJIAZUI].statuses == [UnitStatus.EN_ROUTE]
    assert [u.unit_id for u in units.units(HUAMU)] == ["b"]
    assert len(units.units(DISTRICT_SCOPE)) == 3


def test_the_track_keeps_one_fix_per_unit_per_interval_at_a_spread_phase() -> None:
    units = LiveUnits([unit("a", LUJIAZUI), unit("b", HUAMU)], track_interval=10)
    t = T0.timestamp()
    kept_at: dict[str, list[float]] = {"a": [], "b": []}
    for second in range(60):
        at = t + second
        ids = ["a", "a", "b"]  # a twice in the same second: at most one of them is kept
        _, kept = units.apply_fixes(ids, [at, at, at], [1, 2, 3], [1, 2, 3], [np.nan] * 3)
        for i in kept:
            kept_at[ids[i]].append(at)
    for times in kept_at.values():
        assert times[0] == t, "a unit's first fix is always kept"
        assert 6 <= len(times) <= 7
        assert all(b - a >= 10 for a, b in itertools.pairwise(times[1:]))
    # The units' phases differ, so a restart does not make every unit due at once.
    assert kept_at["a"][1] != kept_at["b"][1]
