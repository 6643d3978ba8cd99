"""Point-to-cell lookup agrees with a brute-force point-in-polygon test."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import msgspec
import numpy as np
import pytest

from models.cell_index import CellIndex, PolygonIndex
from models.demo_city import generate_demo_city
from models.errors import InvalidInput
from models.geo import Coord, point_in_ring, point_in_rings, wgs84_to_gcj02_array
from models.geography import CityMap, Level
from models.geojson_import import build_city_map, import_geojson

Polygon = Sequence[Sequence[Coord]]


def brute_force(polygons: Sequence[Polygon], lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
    """The lowest index of a polygon containing each point (bounding boxes first)."""
    boxes = np.array(
        [
            [
                min(p[0] for r in poly for p in r),
                min(p[1] for r in poly for p in r),
                max(p[0] for r in poly for p in r),
                max(p[1] for r in poly for p in r),
            ]
            for poly in polygons
        ]
    )
    out = np.full(lons.size, -1, dtype=np.int64)
    for k, (x, y) in enumerate(zip(lons.tolist(), lats.tolist(), strict=True)):
        near = np.flatnonzero(
            (boxes[:, 0] <= x) & (x <= boxes[:, 2]) & (boxes[:, 1] <= y) & (y <= boxes[:, 3])
        )
        for j in near.tolist():
            if point_in_rings(x, y, polygons[j]):
                out[k] = j
                break
    return out


def probe_points(
    polygons: Sequence[Polygon], rng: np.random.Generator, n_random: int, n_edge: int
) -> tuple[np.ndarray, np.ndarray]:
    """Random points over the area and a margin, plus points on and next to edges."""
    allx = np.array([p[0] for poly in polygons for r in poly for p in r])
    ally = np.array([p[1] for poly in polygons for r in poly for p in r])
    mx = (allx.max() - allx.min()) * 0.05
    my = (ally.max() - ally.min()) * 0.05
    lons = [rng.uniform(allx.min() - mx, allx.max() + mx, n_random)]
    lats = [rng.uniform(ally.min() - my, ally.max() + my, n_random)]
    edges = [(r[i], r[i + 1]) for poly in polygons for r in poly for i in range(len(r) - 1)]
    pick = rng.integers(0, len(edges), n_edge)
    a = np.array([edges[k][0] for k in pick])
    b = np.array([edges[k][1] for k in pick])
    t = rng.uniform(0, 1, n_edge)
    on = a + (b - a) * t[:, None]
    normal = np.stack([-(b - a)[:, 1], (b - a)[:, 0]], axis=1)
    normal /= np.linalg.norm(normal, axis=1)[:, None]
    for eps in (0.0, 1e-12, -1e-12, 1e-9, -1e-9, 1e-6, -1e-6):
        lons.append(on[:, 0] + eps * normal[:, 0])
        lats.append(on[:, 1] + eps * normal[:, 1])
    # Exact vertices and midpoints of edges.
    lons += [a[:, 0], (a[:, 0] + b[:, 0]) / 2]
    lats += [a[:, 1], (a[:, 1] + b[:, 1]) / 2]
    return np.concatenate(lons), np.concatenate(lats)


@pytest.fixture(scope="module")
def demo() -> CityMap:
    return generate_demo_city()


@pytest.fixture(scope="module")
def demo_index(demo: CityMap) -> CellIndex:
    return CellIndex(demo.cells)


def test_demo_city_matches_brute_force(demo: CityMap, demo_index: CellIndex) -> None:
    rng = np.random.default_rng(11)
    polygons = [(c.ring,) for c in demo.cells]
    lons, lats = probe_points(polygons, rng, n_random=3000, n_edge=300)
    got = demo_index.locate_many(lons, lats)
    want = brute_force(polygons, lons, lats)
    assert np.array_equal(got, want)
    assert (got >= 0).any()
    assert (got < 0).any()
    for k in range(0, lons.size, 7):
        assert demo_index.locate_index(float(lons[k]), float(lats[k])) == want[k]


def test_every_cell_finds_itself_at_its_centroid(demo: CityMap, demo_index: CellIndex) -> None:
    lons = np.array([c.centroid_lon for c in demo.cells])
    lats = np.array([c.centroid_lat for c in demo.cells])
    assert np.array_equal(demo_index.locate_many(lons, lats), np.arange(len(demo.cells)))
    cell = demo.cells[42]
    assert demo_index.locate(cell.centroid_lon, cell.centroid_lat) == cell.code
    assert demo_index.locate(0.0, 0.0) is None


def test_shared_edges_inside_the_grid_always_have_an_owner(
    demo: CityMap, demo_index: CellIndex
) -> None:
    # Points exactly on a vertex or edge between cells must not fall through the cracks.
    lons = np.array([c.ring[k][0] for c in demo.cells for k in range(4)])
    lats = np.array([c.ring[k][1] for c in demo.cells for k in range(4)])
    got = demo_index.locate_many(lons, lats)
    # A vertex shared by four cells is interior to the grid.
    counts: dict[tuple[float, float], int] = {}
    for p in zip(lons.tolist(), lats.tolist(), strict=True):
        counts[p] = counts.get(p, 0) + 1
    interior = np.array([counts[p] == 4 for p in zip(lons.tolist(), lats.tolist(), strict=True)])
    assert interior.sum() > 1000
    assert (got[interior] >= 0).all()


def _irregular_layers(tmp_path: Path) -> CityMap:
    """A jittered 14×10 lattice of concave, 4- to 8-sided cells, with gaps, in GCJ-02."""
    rng = np.random.default_rng(3)
    n, m, d = 14, 10, 0.004
    lon0, lat0 = 121.60, 31.20

    def jitter(x: float, y: float, amount: float) -> Coord:
        return (x + rng.uniform(-amount, amount) * d, y + rng.uniform(-amount, amount) * d)

    corner = {
        (i, j): jitter(lon0 + i * d, lat0 + j * d, 0.2) for i in range(n + 1) for j in range(m + 1)
    }

    def bend(a: Coord, b: Coord) -> list[Coord]:
        # About half the edges get a bent midpoint, shared by both neighbours.
        if rng.random() < 0.5:
            return []
        nx, ny = -(b[1] - a[1]), b[0] - a[0]
        s = rng.uniform(-0.25, 0.25)
        return [((a[0] + b[0]) / 2 + s * nx, (a[1] + b[1]) / 2 + s * ny)]

    h_mid = {(i, j): bend(corner[i, j], corner[i + 1, j]) for i in range(n) for j in range(m + 1)}
    v_mid = {(i, j): bend(corner[i, j], corner[i, j + 1]) for i in range(n + 1) for j in range(m)}
    features: dict[Level, list[dict[str, Any]]] = {"street": [], "community": [], "cell": []}
    boxes: dict[str, list[Coord]] = {}
    counter: dict[str, int] = {}
    for i in range(n):
        for j in range(m):
            if rng.random() < 0.06:
                continue  # a gap in the grid
            ring = [
                corner[i, j],
                *h_mid[i, j],
                corner[i + 1, j],
                *v_mid[i + 1, j],
                corner[i + 1, j + 1],
                *reversed(h_mid[i, j + 1]),
                corner[i, j + 1],
                *reversed(v_mid[i, j]),
                corner[i, j],
            ]
            street = f"310115{100 + i // 5:03d}"
            community = f"{street}{1 + (i % 5) // 3 + 2 * (j // 5):03d}"
            counter[community] = counter.get(community, 0) + 1
            code = f"{community}{counter[community]:02d}"
            features["cell"].append(_feature(code, [ring]))
            boxes.setdefault(street, []).extend(ring)
            boxes.setdefault(community, []).extend(ring)
    for code, pts in sorted(boxes.items()):
        level: Level = "street" if len(code) == 9 else "community"
        xs = [p[0] for p in pts]
        ys = [p[1] for p in pts]
        x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
        rect = [(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]
        features[level].append(_feature(code, [rect], name=f"area {code}"))
    layers = {}
    for level, feats in features.items():
        path = tmp_path / f"{level}.geojson"
        path.write_bytes(msgspec.json.encode({"type": "FeatureCollection", "features": feats}))
        layers[level] = import_geojson(
            path, datum="gcj02", level=level, name_property=None if level == "cell" else "name"
        )
    return build_city_map(
        streets=layers["street"], communities=layers["community"], cells=layers["cell"]
    )


def _feature(code: str, rings: list[list[Coord]], name: str | None = None) -> dict[str, Any]:
    out_rings = []
    for ring in rings:
        glon, glat = wgs84_to_gcj02_array([p[0] for p in ring], [p[1] for p in ring])
        out_rings.append([[x, y] for x, y in zip(glon.tolist(), glat.tolist(), strict=True)])
    props: dict[str, Any] = {"code": code}
    if name:
        props["name"] = name
    return {
        "type": "Feature",
        "properties": props,
        "geometry": {"type": "Polygon", "coordinates": out_rings},
    }


def test_irregular_imported_cells_match_brute_force(tmp_path: Path) -> None:
    city = _irregular_layers(tmp_path)
    assert len(city.cells) > 120
    assert {len(c.ring) for c in city.cells} >= {5, 6, 7, 8}
    index = CellIndex(city.cells)
    polygons = [(c.ring,) for c in city.cells]
    rng = np.random.default_rng(5)
    lons, lats = probe_points(polygons, rng, n_random=4000, n_edge=400)
    got = index.locate_many(lons, lats)
    want = brute_force(polygons, lons, lats)
    assert np.array_equal(got, want)
    assert (want < 0).sum() > 100  # the gaps and the margin
    for k in range(0, lons.size, 5):
        assert index.locate_index(float(lons[k]), float(lats[k])) == want[k]


@pytest.mark.parametrize("buckets", [1, 3, 8, 20])
def test_bucket_resolution_changes_speed_not_answers(tmp_path: Path, buckets: int) -> None:
    city = _irregular_layers(tmp_path)
    polygons = [(c.ring,) for c in city.cells]
    lons, lats = probe_points(polygons, np.random.default_rng(buckets), n_random=1500, n_edge=150)
    index = CellIndex(city.cells, buckets_per_polygon=buckets)
    assert np.array_equal(index.locate_many(lons, lats), brute_force(polygons, lons, lats))


def test_polygons_with_holes_parts_and_overlaps() -> None:
    outer = ((0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0), (0.0, 0.0))
    hole = ((3.0, 3.0), (3.0, 7.0), (7.0, 7.0), (7.0, 3.0), (3.0, 3.0))
    island = ((4.0, 4.0), (6.0, 4.0), (5.0, 6.0), (4.0, 4.0))
    far_part = ((20.0, 0.0), (22.0, 0.0), (21.0, 3.0), (20.0, 0.0))
    overlapping = ((8.0, 8.0), (12.0, 8.0), (12.0, 12.0), (8.0, 12.0), (8.0, 8.0))
    star = tuple(
        (
            15.0 + (4.0 if k % 2 == 0 else 1.5) * np.cos(k * np.pi / 5),
            15.0 + (4.0 if k % 2 == 0 else 1.5) * np.sin(k * np.pi / 5),
        )
        for k in range(10)
    )
    star = (*star, star[0])
    polygons: list[Polygon] = [(outer, hole, far_part), (island,), (overlapping,), (star,)]
    index = PolygonIndex(polygons)
    assert index.locate_index(1.0, 1.0) == 0
    assert index.locate_index(5.0, 5.0) == 1  # in the hole of 0, on the island 1
    assert index.locate_index(3.5, 6.5) == -1  # in the hole, off the island
    assert index.locate_index(21.0, 1.0) == 0  # second part of polygon 0
    assert index.locate_index(9.0, 9.0) == 0  # overlap: the lower index wins
    assert index.locate_index(11.0, 11.0) == 2
    lons, lats = probe_points(polygons, np.random.default_rng(8), n_random=5000, n_edge=500)
    assert np.array_equal(index.locate_many(lons, lats), brute_force(polygons, lons, lats))


def test_degenerate_inputs() -> None:
    empty = PolygonIndex([])
    assert empty.locate_index(1.0, 1.0) == -1
    assert empty.locate_many(np.array([1.0]), np.array([2.0])).tolist() == [-1]
    square = ((0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0), (0.0, 0.0))
    index = PolygonIndex([(square,)])
    got = index.locate_many(
        np.array([0.5, np.nan, 0.5, 1e9, -np.inf]), np.array([0.5, 0.5, np.nan, 0.5, 0.5])
    )
    assert got.tolist() == [0, -1, -1, -1, -1]
    assert index.locate_many(np.zeros(0), np.zeros(0)).shape == (0,)
    assert index.locate_many([0.5, 0.25], [0.5, 0.75]).dtype == np.int64
    with pytest.raises(InvalidInput):
        index.locate_many(np.zeros(3), np.zeros(2))
    with pytest.raises(InvalidInput):
        PolygonIndex([(square[:3],)])
    assert point_in_ring(0.5, 0.5, square)
