"""GeoJSON import: real Pudong outlines in two datums, and every way a file can be wrong."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec
import numpy as np
import pytest

from models.demo_city import generate_demo_city
from models.errors import InvalidInput, LoadError
from models.geo import LocalProjection, Rings, point_in_rings
from models.geography import CityMap, CodeFormat
from models.geojson_import import (
    ImportedLayer,
    build_city_map,
    import_geojson,
    import_geojson_bytes,
    to_feature_collection,
)

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
GCJ_FILE = DATA / "pudong_district_gcj02.geojson"
CGCS_FILE = DATA / "pudong_district_cgcs2000.geojson"
needs_data = pytest.mark.skipif(not GCJ_FILE.exists(), reason="shared reference data not present")


# --------------------------------------------------------------------------- real outlines


def _distances_to_boundary(points: Rings, boundary: Rings) -> np.ndarray:
    """Metres from every vertex of ``points`` to the nearest edge of ``boundary``."""
    proj = LocalProjection(121.7, 31.1)
    segs = []
    for ring in boundary:
        x, y = proj.forward_array([p[0] for p in ring], [p[1] for p in ring])
        segs.append(np.stack([x[:-1], y[:-1], x[1:], y[1:]], axis=1))
    s = np.concatenate(segs)
    px, py = proj.forward_array(
        [p[0] for r in points for p in r[:-1]], [p[1] for r in points for p in r[:-1]]
    )
    ax, ay, dx, dy = s[:, 0], s[:, 1], s[:, 2] - s[:, 0], s[:, 3] - s[:, 1]
    t = np.clip(((px[:, None] - ax) * dx + (py[:, None] - ay) * dy) / (dx * dx + dy * dy), 0, 1)
    return np.hypot(ax + t * dx - px[:, None], ay + t * dy - py[:, None]).min(axis=1)


@pytest.fixture(scope="module")
def twin() -> ImportedLayer:
    return import_geojson(CGCS_FILE, datum="cgcs2000", level="district", code_property="adcode")


@needs_data
def test_real_gcj02_outline_imports_as_the_district(twin: ImportedLayer) -> None:
    layer = import_geojson(GCJ_FILE, datum="gcj02", level="district", code_property="adcode")
    assert layer.level == "district"
    assert layer.source_datum == "gcj02"
    (area,) = layer.areas
    assert area.code == "310115"
    assert area.name == "浦东新区"
    assert len(area.rings) == 3  # mainland and two islands
    assert sum(len(r) for r in area.rings) == 512
    assert all(r[0] == r[-1] for r in area.rings)
    (twin_area,) = twin.areas
    assert twin_area.code == "310115"
    assert len(twin_area.rings) == 3


@needs_data
def test_converted_gcj02_outline_lands_on_its_cgcs2000_twin(twin: ImportedLayer) -> None:
    converted = import_geojson(GCJ_FILE, datum="gcj02", level="district", code_property="adcode")
    raw = import_geojson(GCJ_FILE, datum="wgs84", level="district", code_property="adcode")
    twin_rings = twin.areas[0].rings
    d_conv = _distances_to_boundary(twin_rings, converted.areas[0].rings)
    d_raw = _distances_to_boundary(twin_rings, raw.areas[0].rings)
    # The two sources draw the sea coast differently (tidal flats, reclamation: their
    # mainland areas differ by ~200 km², so centroids differ by ~2.5 km whatever the datum).
    # Compare where they agree: the twin's vertices along the Huangpu and the land border
    # (west of 121.6°E), and the median over the whole outline.
    lons = np.array([p[0] for r in twin_rings for p in r[:-1]])
    west = lons < 121.6
    assert west.sum() > 30
    assert d_conv[west].mean() < 150.0
    assert d_raw[west].mean() > 250.0  # the ~500 m datum shift
    assert d_conv[west].mean() < d_raw[west].mean() / 3
    assert np.median(d_conv) < 100.0
    assert np.median(d_conv) < np.median(d_raw) / 4


# --------------------------------------------------------------------------- bad files


def _square(lon: float, lat: float, d: float = 0.001) -> list[list[float]]:
    return [[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]


def _collection() -> dict[str, Any]:
    """Two valid street features; the cases below break the second one."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"code": "310115103", "name": "川沙新镇"},
                "geometry": {"type": "Polygon", "coordinates": [_square(121.70, 31.19)]},
            },
            {
                "type": "Feature",
                "properties": {"code": "310115121", "name": "高行镇"},
                "geometry": {
                    "type": "MultiPolygon",
                    "coordinates": [[_square(121.60, 31.30)], [_square(121.61, 31.30)]],
                },
            },
        ],
    }


def _f2(doc: dict[str, Any]) -> dict[str, Any]:
    feature: dict[str, Any] = doc["features"][1]
    return feature


def _set(path: list[Any], value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(doc: dict[str, Any]) -> None:
        target: Any = _f2(doc)
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return mutate


def _delete(key: str, sub: str | None = None) -> Callable[[dict[str, Any]], None]:
    def mutate(doc: dict[str, Any]) -> None:
        target = _f2(doc)[sub] if sub else _f2(doc)
        del target[key]

    return mutate


def _second_polygon_ring(ring: list[Any]) -> Callable[[dict[str, Any]], None]:
    return _set(["geometry", "coordinates", 1, 0], ring)


BAD_FEATURES: list[tuple[str, Callable[[dict[str, Any]], None], str, str]] = [
    ("no geometry", _set(["geometry"], None), "geometry", "no geometry"),
    ("geometry missing", _delete("geometry"), "geometry", "no geometry"),
    (
        "point",
        _set(["geometry"], {"type": "Point", "coordinates": [121.6, 31.3]}),
        "geometry.type",
        "Point",
    ),
    ("line", _set(["geometry", "type"], "LineString"), "geometry.type", "LineString"),
    (
        "3 positions",
        _second_polygon_ring(_square(121.6, 31.3)[:3]),
        "geometry.coordinates",
        "3 positions",
    ),
    (
        "not closed",
        _second_polygon_ring([*_square(121.6, 31.3)[:4], [121.6, 31.3005]]),
        "geometry.coordinates",
        "not closed",
    ),
    (
        "lon out of range",
        _second_polygon_ring(_square(181.0, 31.3)),
        "geometry.coordinates",
        "longitude",
    ),
    (
        "lat out of range",
        _second_polygon_ring(_square(121.6, 90.5)),
        "geometry.coordinates",
        "latitude",
    ),
    (
        "text position",
        _second_polygon_ring([["121.6", 31.3], *_square(121.6, 31.3)[1:]]),
        "geometry.coordinates",
        "position 1",
    ),
    (
        "zero area",
        _second_polygon_ring([[121.6, 31.3], [121.7, 31.3], [121.8, 31.3], [121.6, 31.3]]),
        "geometry.coordinates",
        "no area",
    ),
    ("coordinates missing", _delete("coordinates", "geometry"), "geometry.coordinates", "missing"),
    ("missing code", _delete("code", "properties"), "code", "missing"),
    ("null properties", _set(["properties"], None), "code", "missing"),
    ("duplicate code", _set(["properties", "code"], "310115103"), "code", "first in feature 1"),
    ("code too short", _set(["properties", "code"], "31011512"), "code", "9"),
    ("cell code at street level", _set(["properties", "code"], "31011512100101"), "code", "9"),
    ("letters in code", _set(["properties", "code"], "3101151A1"), "code", "'A'"),
    ("code is a float", _set(["properties", "code"], 310115121.0), "code", "text"),
    ("code is true", _set(["properties", "code"], True), "code", "text"),
    ("missing name", _delete("name", "properties"), "name", "missing"),
    ("empty name", _set(["properties", "name"], "  "), "name", "empty"),
    ("wrong feature type", _set(["type"], "Geometry"), "type", "Feature"),
]


@pytest.mark.parametrize(
    ("mutate", "field", "words"),
    [pytest.param(m, f, w, id=i) for i, m, f, w in BAD_FEATURES],
)
def test_bad_feature_raises_naming_file_feature_and_field(
    tmp_path: Path, mutate: Callable[[dict[str, Any]], None], field: str, words: str
) -> None:
    doc = _collection()
    mutate(doc)
    path = tmp_path / "streets.geojson"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(LoadError) as err:
        import_geojson(path, datum="wgs84", level="street")
    assert err.value.file == str(path)
    assert err.value.row == 2
    assert err.value.field == field
    assert words in err.value.problem
    assert str(path) in str(err.value)
    assert "row 2" in str(err.value)


@pytest.mark.parametrize(
    ("content", "field", "words"),
    [
        pytest.param(b"{not json", None, "not valid JSON", id="not json"),
        pytest.param(b"\xff\xfe", None, "not valid JSON", id="binary"),
        pytest.param(b"[1, 2]", None, "not a GeoJSON object", id="array"),
        pytest.param(b'{"type": "Feature"}', "type", "FeatureCollection", id="feature"),
        pytest.param(b'{"type": "FeatureCollection"}', "features", "missing", id="no features"),
        pytest.param(
            b'{"type": "FeatureCollection", "features": []}', "features", "no features", id="empty"
        ),
    ],
)
def test_bad_file_raises_naming_file(
    tmp_path: Path, content: bytes, field: str | None, words: str
) -> None:
    path = tmp_path / "bad.geojson"
    path.write_bytes(content)
    with pytest.raises(LoadError) as err:
        import_geojson(path, datum="gcj02", level="street")
    assert err.value.file == str(path)
    assert err.value.row is None
    assert err.value.field == field
    assert words in err.value.problem


def test_feature_that_is_not_an_object(tmp_path: Path) -> None:
    doc = _collection()
    doc["features"][1] = "oops"
    with pytest.raises(LoadError) as err:
        import_geojson_bytes(
            json.dumps(doc).encode(), source="x.geojson", datum="wgs84", level="street"
        )
    assert err.value.row == 2


def test_missing_file_and_unknown_options(tmp_path: Path) -> None:
    with pytest.raises(LoadError) as err:
        import_geojson(tmp_path / "nowhere.geojson", datum="wgs84", level="street")
    assert "nowhere.geojson" in str(err.value)
    body = json.dumps(_collection()).encode()
    with pytest.raises(InvalidInput):
        import_geojson_bytes(body, source="x", datum="bd09", level="street")  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        import_geojson_bytes(body, source="x", datum="wgs84", level="town")  # type: ignore[arg-type]


def test_cells_must_be_single_rings() -> None:
    doc = _collection()
    doc["features"] = [
        {
            "type": "Feature",
            "properties": {"code": "31011512100101"},
            "geometry": {"type": "Polygon", "coordinates": [_square(121.6, 31.3)]},
        },
        {
            "type": "Feature",
            "properties": {"code": "31011512100102"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [_square(121.6, 31.3, 0.01), _square(121.602, 31.302)],
            },
        },
    ]
    with pytest.raises(LoadError) as err:
        import_geojson_bytes(
            json.dumps(doc).encode(),
            source="cells.geojson",
            datum="wgs84",
            level="cell",
            name_property=None,
        )
    assert (err.value.row, err.value.field) == (2, "geometry")


def test_valid_file_keeps_parts_integer_codes_and_drops_altitude() -> None:
    doc = _collection()
    doc["features"][0]["properties"]["code"] = 310115103
    doc["features"][0]["geometry"]["coordinates"][0][1].append(12.5)
    layer = import_geojson_bytes(
        json.dumps(doc).encode(), source="s", datum="wgs84", level="street"
    )
    assert [a.code for a in layer.areas] == ["310115103", "310115121"]
    assert [a.feature for a in layer.areas] == [1, 2]
    assert len(layer.areas[1].rings) == 2
    assert layer.areas[0].rings[0][1] == (121.70 + 0.001, 31.19)  # altitude dropped


def test_code_format_is_data_fifteen_digit_cells() -> None:
    fmt = CodeFormat(lengths=(6, 3, 3, 3))
    doc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"code": "310115121001001"},
                "geometry": {"type": "Polygon", "coordinates": [_square(121.6, 31.3)]},
            }
        ],
    }
    body = json.dumps(doc).encode()
    layer = import_geojson_bytes(
        body, source="c", datum="wgs84", level="cell", name_property=None, code_format=fmt
    )
    assert layer.areas[0].code == "310115121001001"
    with pytest.raises(LoadError):
        import_geojson_bytes(body, source="c", datum="wgs84", level="cell", name_property=None)


# --------------------------------------------------------------------------- whole maps


@pytest.fixture(scope="module")
def demo() -> CityMap:
    return generate_demo_city(target_cells=800)


def _write(tmp_path: Path, name: str, doc: dict[str, Any]) -> Path:
    path = tmp_path / name
    path.write_bytes(msgspec.json.encode(doc))
    return path


def test_demo_city_round_trips_through_geojson(tmp_path: Path, demo: CityMap) -> None:
    layers = {}
    for level in ("district", "street", "community", "cell"):
        path = _write(tmp_path, f"{level}.geojson", to_feature_collection(demo, level))
        layers[level] = import_geojson(path, datum="wgs84", level=level)
    rebuilt = build_city_map(
        district=layers["district"],
        streets=layers["street"],
        communities=layers["community"],
        cells=layers["cell"],
        district_name_en=demo.name_en,
    )
    assert rebuilt.district_code == demo.district_code
    assert rebuilt.name_zh == demo.name_zh
    assert [c.code for c in rebuilt.cells] == [c.code for c in demo.cells]
    assert [c.ring for c in rebuilt.cells] == [c.ring for c in demo.cells]
    assert [s.name_en for s in rebuilt.streets] == [s.name_en for s in demo.streets]
    assert [s.kind for s in rebuilt.streets] == [s.kind for s in demo.streets]
    for s in rebuilt.streets:
        assert point_in_rings(s.seat_lon, s.seat_lat, s.boundary)
    for a, b in zip(rebuilt.cells, demo.cells, strict=True):
        assert a.area_m2 == pytest.approx(b.area_m2, abs=0.1)


def test_gcj02_export_imports_back_to_wgs84(tmp_path: Path, demo: CityMap) -> None:
    path = _write(tmp_path, "cells.geojson", to_feature_collection(demo, "cell", datum="gcj02"))
    layer = import_geojson(path, datum="gcj02", level="cell")
    for area, cell in zip(layer.areas, demo.cells, strict=True):
        got = np.array(area.rings[0])
        assert np.abs(got - np.array(cell.ring)).max() < 1e-7


def test_missing_parent_names_the_feature(tmp_path: Path, demo: CityMap) -> None:
    streets_doc = to_feature_collection(demo, "street")
    dropped = streets_doc["features"].pop(0)["properties"]["code"]
    streets = import_geojson(
        _write(tmp_path, "s.geojson", streets_doc), datum="wgs84", level="street"
    )
    communities_doc = to_feature_collection(demo, "community")
    communities = import_geojson(
        _write(tmp_path, "c.geojson", communities_doc), datum="wgs84", level="community"
    )
    cells = import_geojson(
        _write(tmp_path, "g.geojson", to_feature_collection(demo, "cell")),
        datum="wgs84",
        level="cell",
    )
    with pytest.raises(LoadError) as err:
        build_city_map(streets=streets, communities=communities, cells=cells)
    first_orphan = next(
        k
        for k, f in enumerate(communities_doc["features"], start=1)
        if f["properties"]["code"].startswith(dropped)
    )
    assert err.value.file.endswith("c.geojson")
    assert (err.value.row, err.value.field) == (first_orphan, "code")
    assert dropped in err.value.problem


def test_layers_must_come_at_their_level(tmp_path: Path, demo: CityMap) -> None:
    streets = import_geojson(
        _write(tmp_path, "s.geojson", to_feature_collection(demo, "street")),
        datum="wgs84",
        level="street",
    )
    with pytest.raises(LoadError):
        build_city_map(streets=streets, communities=streets, cells=streets)


def test_import_is_all_or_nothing(tmp_path: Path) -> None:
    doc = _collection()
    good = copy.deepcopy(doc)
    doc["features"][1]["geometry"] = None
    path = tmp_path / "s.geojson"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(LoadError):
        import_geojson(path, datum="wgs84", level="street")
    path.write_text(json.dumps(good), encoding="utf-8")
    assert len(import_geojson(path, datum="wgs84", level="street").areas) == 2
