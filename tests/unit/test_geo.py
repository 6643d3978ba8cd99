"""Coordinates: GCJ-02, Web Mercator, distances, polygon helpers."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.geo import (
    CHINA_BBOX,
    LocalProjection,
    gcj02_to_wgs84,
    gcj02_to_wgs84_array,
    group_polygons,
    haversine_m,
    haversine_m_array,
    interior_point,
    lonlat_to_web_mercator,
    lonlat_to_web_mercator_array,
    point_in_ring,
    point_in_rings,
    ring_area_m2,
    ring_centroid,
    ring_signed_area,
    web_mercator_to_lonlat,
    web_mercator_to_lonlat_array,
    wgs84_to_gcj02,
    wgs84_to_gcj02_array,
)

# DOMAIN.md: a point in Pudong, WGS-84 → GCJ-02.
WGS = (121.5272106, 31.1774276)
GCJ = (121.531541859215, 31.17530398364597)

# China's box, kept 0.1° inside its edge: at the edge itself the published formula jumps
# from offset to identity, so a round trip there is not defined.
china_lon = st.floats(CHINA_BBOX[0] + 0.1, CHINA_BBOX[2] - 0.1)
china_lat = st.floats(CHINA_BBOX[1] + 0.1, CHINA_BBOX[3] - 0.1)


def test_domain_test_vector_wgs84_to_gcj02() -> None:
    lon, lat = wgs84_to_gcj02(*WGS)
    assert lon == pytest.approx(GCJ[0], abs=1e-9)
    assert lat == pytest.approx(GCJ[1], abs=1e-9)


def test_domain_test_vector_back_to_wgs84() -> None:
    lon, lat = gcj02_to_wgs84(*GCJ)
    assert lon == pytest.approx(WGS[0], abs=1e-9)
    assert lat == pytest.approx(WGS[1], abs=1e-9)


def test_offset_in_shanghai_is_about_500_m() -> None:
    assert 400 < haversine_m(*WGS, *GCJ) < 600


@settings(max_examples=300, deadline=None)
@given(china_lon, china_lat)
def test_gcj02_round_trip_inside_china(lon: float, lat: float) -> None:
    back = gcj02_to_wgs84(*wgs84_to_gcj02(lon, lat))
    assert abs(back[0] - lon) < 1e-7
    assert abs(back[1] - lat) < 1e-7


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(china_lon, china_lat), min_size=1, max_size=50))
def test_array_variants_match_scalar(points: list[tuple[float, float]]) -> None:
    lons = np.array([p[0] for p in points])
    lats = np.array([p[1] for p in points])
    glon, glat = wgs84_to_gcj02_array(lons, lats)
    wlon, wlat = gcj02_to_wgs84_array(glon, glat)
    for k, (lon, lat) in enumerate(points):
        g = wgs84_to_gcj02(lon, lat)
        assert (glon[k], glat[k]) == pytest.approx(g, abs=1e-12)
        assert abs(wlon[k] - lon) < 1e-7
        assert abs(wlat[k] - lat) < 1e-7


@pytest.mark.parametrize(
    ("lon", "lat"),
    [(2.35, 48.86), (-74.0, 40.7), (151.2, -33.9), (139.7, 60.0), (70.0, 30.0), (121.5, 0.5)],
)
def test_identity_outside_china(lon: float, lat: float) -> None:
    assert wgs84_to_gcj02(lon, lat) == (lon, lat)
    assert gcj02_to_wgs84(lon, lat) == (lon, lat)
    glon, glat = wgs84_to_gcj02_array([lon], [lat])
    assert (glon[0], glat[0]) == (lon, lat)
    wlon, wlat = gcj02_to_wgs84_array([lon], [lat])
    assert (wlon[0], wlat[0]) == (lon, lat)


def test_array_mixes_inside_and_outside() -> None:
    glon, glat = wgs84_to_gcj02_array([WGS[0], 2.35], [WGS[1], 48.86])
    assert glon[1] == 2.35
    assert glat[1] == 48.86
    assert glon[0] == pytest.approx(GCJ[0], abs=1e-9)


def test_web_mercator_known_values_and_round_trip() -> None:
    x, _ = lonlat_to_web_mercator(180.0, 0.0)
    assert x == pytest.approx(20037508.342789244)
    x, y = lonlat_to_web_mercator(*WGS)
    assert web_mercator_to_lonlat(x, y) == pytest.approx(WGS, abs=1e-9)
    # At Shanghai's latitude Web Mercator stretches by 1/cos(lat) ≈ 1.17.
    _, y2 = lonlat_to_web_mercator(WGS[0], WGS[1] + 0.001)
    assert (y2 - y) / 111.32 == pytest.approx(1 / math.cos(math.radians(WGS[1])), rel=1e-3)


def test_web_mercator_arrays_match_scalar_and_clamp_poles() -> None:
    lons = np.array([0.0, 121.5, -70.0, 10.0])
    lats = np.array([0.0, 31.2, -33.0, 89.9])
    xs, ys = lonlat_to_web_mercator_array(lons, lats)
    for k in range(lons.size):
        assert (xs[k], ys[k]) == pytest.approx(lonlat_to_web_mercator(lons[k], lats[k]))
    assert ys[3] == pytest.approx(20037508.342789244, rel=1e-9)  # clamped: a square world
    back_lon, back_lat = web_mercator_to_lonlat_array(xs[:3], ys[:3])
    np.testing.assert_allclose(back_lon, lons[:3], atol=1e-9)
    np.testing.assert_allclose(back_lat, lats[:3], atol=1e-9)


def test_haversine_known_distances() -> None:
    assert haversine_m(0, 0, 0, 1) == pytest.approx(111195.08, abs=0.01)
    # Lujiazui to Pudong airport: about 30 km.
    assert haversine_m(121.505, 31.236, 121.805, 31.151) == pytest.approx(30_000, rel=0.05)
    assert haversine_m(*WGS, *WGS) == 0.0
    got = haversine_m_array([0, 121.505], [0, 31.236], [0, 121.805], [1, 31.151])
    assert got[0] == pytest.approx(haversine_m(0, 0, 0, 1))
    assert got[1] == pytest.approx(haversine_m(121.505, 31.236, 121.805, 31.151))


def test_local_projection_round_trip_and_scale() -> None:
    proj = LocalProjection(121.6, 31.1)
    x, y = proj.forward(121.7, 31.2)
    assert proj.inverse(x, y) == pytest.approx((121.7, 31.2), abs=1e-12)
    assert math.hypot(x, y) == pytest.approx(haversine_m(121.6, 31.1, 121.7, 31.2), rel=2e-3)
    xs, ys = proj.forward_array([121.7], [31.2])
    assert (xs[0], ys[0]) == pytest.approx((x, y))
    lons, lats = proj.inverse_array(xs, ys)
    assert (lons[0], lats[0]) == pytest.approx((121.7, 31.2), abs=1e-12)


SQUARE = ((121.5, 31.2), (121.51, 31.2), (121.51, 31.21), (121.5, 31.21), (121.5, 31.2))
HOLE = (
    (121.503, 31.203),
    (121.503, 31.207),
    (121.507, 31.207),
    (121.507, 31.203),
    (121.503, 31.203),
)


def test_ring_area_and_centroid_of_a_small_square() -> None:
    proj = LocalProjection(121.505, 31.205)
    expected = (0.01 * proj.m_per_deg_lon) * (0.01 * proj.m_per_deg_lat)
    assert ring_area_m2(SQUARE) == pytest.approx(expected, rel=1e-4)
    assert ring_area_m2(tuple(reversed(SQUARE))) == pytest.approx(ring_area_m2(SQUARE))
    assert ring_centroid(SQUARE) == pytest.approx((121.505, 31.205), abs=1e-9)


def test_point_in_rings_even_odd_with_a_hole() -> None:
    rings = (SQUARE, HOLE)
    assert point_in_ring(121.501, 31.201, SQUARE)
    assert not point_in_ring(121.52, 31.201, SQUARE)
    assert point_in_rings(121.501, 31.201, rings)
    assert not point_in_rings(121.505, 31.205, rings)  # in the hole
    # The interior point avoids the hole although the centroid falls into it.
    lon, lat = interior_point(rings)
    assert point_in_rings(lon, lat, rings)


def test_point_on_a_shared_edge_belongs_to_exactly_one_side() -> None:
    left = ((0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0), (0.0, 0.0))
    right = ((1.0, 0.0), (2.0, 0.3), (2.0, 1.0), (1.0, 1.0), (1.0, 0.0))
    slanted_a = ((0.0, 0.0), (3.0, 1.0), (0.0, 1.0), (0.0, 0.0))
    slanted_b = ((0.0, 0.0), (3.0, 0.0), (3.0, 1.0), (0.0, 0.0))
    for x, y in [(1.0, 0.5), (1.0, 0.0), (1.5, 0.15)]:
        assert point_in_ring(x, y, left) + point_in_ring(x, y, right) <= 1
    # A point exactly on a diagonal shared edge: exactly one owner.
    assert point_in_ring(1.5, 0.5, slanted_a) != point_in_ring(1.5, 0.5, slanted_b)


def test_group_polygons_orients_outer_rings_ccw_and_holes_cw() -> None:
    other = tuple((x + 0.02, y) for x, y in SQUARE)
    groups = group_polygons((tuple(reversed(SQUARE)), HOLE, other))
    assert len(groups) == 2
    outer, hole = groups[0]
    assert ring_signed_area(outer) > 0
    assert ring_signed_area(hole) < 0
    assert groups[1] == [other]
