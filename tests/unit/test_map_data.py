"""The map's arrays and questions, without Qt: projection, markers, picking, clusters,
classes, trails, coverage."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import msgspec
import numpy as np
import pytest

from console.map_data import (
    STALE_SHADE,
    UNIT_SHADES,
    CaseGroup,
    CaseMarkers,
    CoverageTracker,
    TrailBuffer,
    UnitMarkers,
    case_counts_per_cell,
    classify,
    cluster,
    cluster_bin_size,
    in_box,
    in_circle,
    nearest,
    unit_style,
)
from console.map_projection import Datum, MapProjection, ground_metres_per_map_metre
from console.store import STATUS_CODES
from models.case import Case, CaseState, Location
from models.catalogue import Urgency
from models.cell_index import CellIndex
from models.geo import haversine_m, wgs84_to_gcj02
from models.org import UnitStatus
from models.shifts import default_schedule
from tests.map_scenario import demo_city
from tests.unit.client_factories import make_case, make_unit

LUJIAZUI = (121.4998, 31.2397)


def test_projection_round_trip_in_both_datums() -> None:
    rng = np.random.default_rng(3)
    lon = rng.uniform(121.3, 122.0, 1000)
    lat = rng.uniform(30.8, 31.5, 1000)
    for datum in Datum:
        projection = MapProjection(datum)
        x, y = projection.forward(lon, lat)
        back_lon, back_lat = projection.inverse(x, y)
        assert np.abs(back_lon - lon).max() < 1e-6
        assert np.abs(back_lat - lat).max() < 1e-6


def test_gcj02_datum_moves_overlays_onto_chinese_basemaps() -> None:
    wgs, gcj = MapProjection(Datum.WGS84), MapProjection(Datum.GCJ02)
    gx, gy = gcj.point(*LUJIAZUI)
    # Drawn on a GCJ-02 basemap, a WGS-84 point sits where GCJ-02 says it is...
    assert (gx, gy) == pytest.approx(wgs.point(*wgs84_to_gcj02(*LUJIAZUI)), abs=1e-6)
    # ...a few hundred metres from its WGS-84 place (the offset the datum exists for).
    wx, wy = wgs.point(*LUJIAZUI)
    offset = math.hypot(gx - wx, gy - wy) * ground_metres_per_map_metre(wy)
    assert 300 < offset < 800
    assert gcj.lonlat(gx, gy) == pytest.approx(LUJIAZUI, abs=1e-6)


def test_ground_scale_at_shanghai() -> None:
    _, y = MapProjection().point(*LUJIAZUI)
    assert ground_metres_per_map_metre(y) == pytest.approx(
        math.cos(math.radians(31.2397)), rel=1e-6
    )
    # Check it against a real distance: 0.01° of longitude.
    x0, _ = MapProjection().point(121.50, 31.2397)
    x1, _ = MapProjection().point(121.51, 31.2397)
    ground = haversine_m(121.50, 31.2397, 121.51, 31.2397)
    # Within the two spheres' difference (Web Mercator's 6,378 km, haversine's 6,371 km).
    assert (x1 - x0) * ground_metres_per_map_metre(y) == pytest.approx(ground, rel=2e-3)


def _case(case_id: int, cell: str, **changes: object) -> Case:
    city = demo_city()
    c = city.cell(cell)
    location = Location(
        lon=c.centroid_lon, lat=c.centroid_lat, cell_code=cell, street_code=c.street_code
    )
    return msgspec.structs.replace(make_case(case_id, location=location), **changes)


def test_case_markers_follow_changes_and_count_per_cell() -> None:
    city = demo_city()
    cells = [city.cells[0].code, city.cells[1].code]
    markers = CaseMarkers(MapProjection(), {c.code: i for i, c in enumerate(city.cells)})
    markers.update(
        [
            _case(1, cells[0]),
            _case(2, cells[0], overdue=True, state=CaseState.IN_PROGRESS, urgency=Urgency.CRITICAL),
            _case(3, cells[1], state=CaseState.AWAITING_VERIFICATION),
        ]
    )
    counts = case_counts_per_cell(markers, len(city.cells), overdue_only=False)
    assert counts[0] == 2
    assert counts[1] == 1
    assert counts.sum() == 3
    assert case_counts_per_cell(markers, len(city.cells), overdue_only=True).sum() == 1
    row = markers.row_of[2]
    assert markers.group[row] == CaseGroup.WITH_DEPARTMENT
    assert markers.urgency[row] == 2

    # Closing a case takes it off the map and out of the counts; its row stays put.
    markers.update([_case(2, cells[0], state=CaseState.CLOSED, overdue=True)])
    assert markers.row_of[2] == row
    assert not markers.shown[row]
    assert not markers.overdue[row]
    assert case_counts_per_cell(markers, len(city.cells), overdue_only=False)[0] == 1
    markers.remove([1])
    assert case_counts_per_cell(markers, len(city.cells), overdue_only=False).sum() == 1
    assert set(markers.visible_rows()) == {markers.row_of[3]}


def test_classify_leaves_zero_unfilled() -> None:
    assert classify([0, 1, 2, 3, 4, 5, 9, 10, 500], (1, 2, 3, 5, 10)).tolist() == [
        0,
        1,
        2,
        3,
        3,
        4,
        4,
        5,
        5,
    ]


def test_nearest_picks_the_right_point_among_thousands() -> None:
    rng = np.random.default_rng(11)
    xs, ys = rng.uniform(0, 50_000, 20_000), rng.uniform(0, 50_000, 20_000)
    rows = np.arange(xs.size)
    for target in rng.integers(0, xs.size, 50):
        # A click 2 m off the marker picks it, unless another lies nearer to the click.
        x, y = xs[target] + 1.5, ys[target] - 1.2
        brute = int(np.argmin((xs - x) ** 2 + (ys - y) ** 2))
        assert nearest(xs, ys, rows, x, y, radius=30) == brute
    assert nearest(xs, ys, rows, -1000, -1000, radius=30) == -1
    # Only the rows offered count (e.g. units that reported a position).
    assert nearest(xs, ys, rows[rows != 5], xs[5], ys[5], radius=0.001) == -1


def test_box_and_circle_selection_match_brute_force() -> None:
    rng = np.random.default_rng(5)
    xs, ys = rng.uniform(0, 1000, 5000), rng.uniform(0, 1000, 5000)
    rows = np.arange(5000)
    inside = in_box(xs, ys, rows, (700, 600, 200, 100))  # corners in any order
    assert set(inside) == set(np.flatnonzero((xs >= 200) & (xs <= 700) & (ys >= 100) & (ys <= 600)))
    near = in_circle(xs, ys, rows, 500, 500, 120)
    assert set(near) == set(np.flatnonzero(np.hypot(xs - 500, ys - 500) <= 120))


def test_clusters_keep_every_case_and_the_worst_of_each() -> None:
    city = demo_city()
    markers = CaseMarkers(MapProjection(), {c.code: i for i, c in enumerate(city.cells)})
    cases = [
        _case(
            i + 1,
            city.cells[i % 40].code,
            urgency=Urgency.URGENT if i == 7 else Urgency.NORMAL,
            overdue=i == 9,
        )
        for i in range(400)
    ]
    markers.update(cases)
    coarse = cluster(markers, cluster_bin_size(200.0))
    assert coarse.count.sum() == 400
    assert sorted(np.concatenate([coarse.members(k) for k in range(coarse.count.size)])) == list(
        range(400)
    )
    assert coarse.urgency.max() == 1
    assert coarse.overdue.sum() >= 1
    fine = cluster(markers, 1.0)
    assert fine.count.size >= 40 > coarse.count.size


def test_cluster_bins_snap_so_small_zooms_keep_clusters() -> None:
    assert cluster_bin_size(10.0) == cluster_bin_size(9.0) == 512.0
    assert cluster_bin_size(12.0) == 1024.0


def test_unit_styles_by_agency_status_and_staleness() -> None:
    markers = UnitMarkers(("WGLQ", "GA"), MapProjection(), stale_after=300)
    units = [
        make_unit("U1", department="WGLQ"),
        make_unit("U2", department="GA"),
        make_unit("U3", department="SW"),  # no style of its own: "other"
    ]
    markers.set_units(units)
    ids = ["U1", "U2", "U3"]
    lon = np.array([121.5, 121.51, 121.52])
    lat = np.array([31.2, 31.21, 31.22])
    heading = np.array([90, np.nan, 0], np.float32)
    status = np.array(
        [
            STATUS_CODES[UnitStatus.PATROL],
            STATUS_CODES[UnitStatus.BUSY],
            STATUS_CODES[UnitStatus.PATROL],
        ],
        np.int8,
    )
    now = 1_000_000.0
    last_fix = np.array([now - 10, now - 10, now - 3600])
    markers.refresh(ids, lon, lat, heading, status, last_fix, now)
    assert markers.style.tolist() == [
        unit_style(0, STATUS_CODES[UnitStatus.PATROL]),
        unit_style(1, STATUS_CODES[UnitStatus.BUSY]),
        unit_style(2, STALE_SHADE),
    ]
    assert markers.stale.tolist() == [False, False, True]
    # The store swap-removes a unit: rows move, and the styles follow the ids.
    markers.refresh(
        ["U3", "U2"],
        lon[[2, 1]],
        lat[[2, 1]],
        heading[[2, 1]],
        status[[2, 1]],
        last_fix[[2, 1]],
        now,
    )
    assert (markers.style // UNIT_SHADES).tolist() == [2, 1]


def test_trails_oldest_first_and_never_joined_across_units() -> None:
    trails = TrailBuffer(samples=3)
    for k in range(4):  # one more than it keeps
        trails.sample(["A", "B"], np.array([k, 10 + k], float), np.array([0.0, 0.0]))
    x, _, connect = trails.trails(["A", "B"])
    assert x.tolist() == [1, 2, 3, 11, 12, 13]
    assert connect.tolist() == [1, 1, 0, 1, 1, 0]
    # A unit seen later has a shorter trail; the unknown parts are not drawn.
    trails.sample(["A", "C"], np.array([4.0, 50.0]), np.array([0.0, 0.0]))
    x, _, connect = trails.trails(["C"])
    assert np.isfinite(x).sum() == 1
    assert connect.sum() == 0
    assert trails.trails(["nobody"])[0].size == 0


def test_coverage_counts_cells_visited_this_shift() -> None:
    city = demo_city()
    tracker = CoverageTracker(CellIndex(city.cells), len(city.cells), default_schedule())
    cells = city.cells[:10]
    lons = np.array([c.centroid_lon for c in cells])
    lats = np.array([c.centroid_lat for c in cells])
    morning = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai: the day shift
    tracker.record(lons, lats, morning)
    tracker.record(lons[:3], lats[:3], morning + timedelta(minutes=1))
    tracker.record(np.array([np.nan, 0.0]), np.array([np.nan, 0.0]), morning)  # no fix, outside
    assert tracker.visits[:10].tolist() == [2, 2, 2, 1, 1, 1, 1, 1, 1, 1]
    assert tracker.share == pytest.approx(10 / len(city.cells))
    assert tracker.shift is not None
    assert tracker.shift.id.endswith("/day")
    # 20:00 in Shanghai: the night shift counts afresh.
    tracker.record(lons[:1], lats[:1], datetime(2026, 11, 30, 12, 0, tzinfo=UTC))
    assert tracker.visits[:10].tolist() == [1, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    assert tracker.shift.id.endswith("/night")
