"""The demo city: Pudong's 36 streets/towns, ~1,300 communities, ~5,000 cells."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from pathlib import Path

import msgspec
import numpy as np
import pytest

from models.cell_index import PolygonIndex
from models.demo_city import (
    PUDONG_OUTLINE,
    generate_demo_city,
    load_town_facts,
    trace_lattice_rings,
)
from models.errors import InvalidInput, LoadError, UnknownId
from models.geo import point_in_ring, point_in_rings, ring_signed_area
from models.geography import CityMap, CodeFormat

SHARED_TOWNS = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "pudong_towns.csv"

STREETS_ZH = [
    "潍坊新村",
    "陆家嘴",
    "周家渡",
    "塘桥",
    "上钢新村",
    "南码头路",
    "沪东新村",
    "金杨新村",
    "洋泾",
    "浦兴路",
    "东明路",
    "花木",
]
TOWNS_ZH = [
    "川沙新",
    "高桥",
    "北蔡",
    "合庆",
    "唐",
    "曹路",
    "金桥",
    "高行",
    "高东",
    "张江",
    "三林",
    "惠南",
    "周浦",
    "新场",
    "大团",
    "康桥",
    "航头",
    "祝桥",
    "泥城",
    "宣桥",
    "书院",
    "万祥",
    "老港",
    "南汇新城",
]


@pytest.fixture(scope="module")
def city() -> CityMap:
    return generate_demo_city()


def test_thirty_six_streets_and_towns_with_official_codes_and_names(city: CityMap) -> None:
    assert city.district_code == "310115"
    assert len(city.streets) == 36
    by_name = {s.name_zh: s for s in city.streets}
    assert {n + "街道" for n in STREETS_ZH} <= set(by_name)
    assert {n + "镇" for n in TOWNS_ZH} <= set(by_name)
    assert Counter(s.kind for s in city.streets) == {"street": 12, "town": 24}
    assert by_name["川沙新镇"].code == "310115103"
    assert by_name["川沙新镇"].name_en == "Chuansha New Town"
    assert by_name["高行镇"].code == "310115121"
    assert by_name["陆家嘴街道"].name_en == "Lujiazui"
    for s in city.streets:
        # GB/T 10114: streets 001–099, towns 100–199.
        assert (int(s.code[6:]) < 100) == (s.kind == "street")


@pytest.mark.skipif(not SHARED_TOWNS.exists(), reason="shared reference data not present")
def test_packaged_town_facts_match_the_reference_list() -> None:
    with SHARED_TOWNS.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    facts = load_town_facts()
    assert [(r["code"], r["name"], r["kind"]) for r in rows] == [
        (f.code, f.name_zh, f.kind) for f in facts
    ]
    for r, f in zip(rows, facts, strict=True):
        assert (float(r["approx_lon"]), float(r["approx_lat"])) == (f.lon, f.lat)


def test_all_seats_lie_inside_the_outline() -> None:
    for f in load_town_facts():
        assert point_in_ring(f.lon, f.lat, PUDONG_OUTLINE), f.name_zh


def test_about_five_thousand_cells_and_thirteen_hundred_communities(city: CityMap) -> None:
    assert 4500 <= len(city.cells) <= 5500
    assert 1170 <= len(city.communities) <= 1430
    sizes = Counter(c.community_code for c in city.cells)
    assert set(sizes) == {c.code for c in city.communities}
    assert 3.5 <= len(city.cells) / len(city.communities) <= 4.5
    assert max(sizes.values()) <= 12
    # Cells are demo-sized squares: ~0.3 km² each, ~1,500 km² in all.
    areas = np.array([c.area_m2 for c in city.cells])
    assert 1.3e9 < areas.sum() < 1.7e9
    assert areas.std() / areas.mean() < 0.01


def test_codes_are_unique_valid_and_nested(city: CityMap) -> None:
    fmt = CodeFormat()
    codes = [c.code for c in city.cells]
    assert len(set(codes)) == len(codes)
    street_codes = {s.code for s in city.streets}
    community_codes = {c.code for c in city.communities}
    for c in city.communities:
        assert fmt.is_valid(c.code, "community")
        assert c.code.startswith(c.street_code)
        assert c.street_code in street_codes
    for cell in city.cells:
        assert fmt.is_valid(cell.code, "cell")
        assert len(cell.code) == 14
        assert cell.code.startswith("310115")
        assert cell.code.startswith(cell.community_code)
        assert cell.community_code.startswith(cell.street_code)
        assert cell.community_code in community_codes
        _district, street, community, number = fmt.split(cell.code)
        assert street == cell.street_code[-3:]
        assert int(community) >= 1
        assert int(number) >= 1


def test_same_seed_same_map_other_seed_other_map(city: CityMap) -> None:
    again = generate_demo_city(2026)
    assert again.version == city.version
    assert again == city
    other = generate_demo_city(7)
    assert other.version != city.version
    assert 4500 <= len(other.cells) <= 5500


def test_version_is_a_content_hash_that_survives_json(city: CityMap) -> None:
    decoded = msgspec.json.decode(msgspec.json.encode(city), type=CityMap)
    assert decoded == city
    assert decoded.verify_version()
    tampered = msgspec.structs.replace(city, name_en="Somewhere else")
    assert not tampered.verify_version()


def test_target_cells_scales_the_lattice() -> None:
    small = generate_demo_city(target_cells=1000)
    assert 900 <= len(small.cells) <= 1100
    assert len(small.streets) == 36
    with pytest.raises(InvalidInput):
        generate_demo_city(target_cells=100)


def test_cells_lie_inside_their_street_and_community(city: CityMap) -> None:
    street_index = PolygonIndex([s.boundary for s in city.streets])
    street_pos = {s.code: i for i, s in enumerate(city.streets)}
    # Probe every cell at its centre and just inside each corner.
    lons, lats, want = [], [], []
    for cell in city.cells:
        for vx, vy in [*cell.ring[:4], (cell.centroid_lon, cell.centroid_lat)]:
            lons.append(vx + 0.02 * (cell.centroid_lon - vx))
            lats.append(vy + 0.02 * (cell.centroid_lat - vy))
            want.append(street_pos[cell.street_code])
    got = street_index.locate_many(np.array(lons), np.array(lats))
    assert np.array_equal(got, np.array(want))
    for s in city.streets:
        assert point_in_rings(s.seat_lon, s.seat_lat, s.boundary), s.name_zh
    for cell in city.cells[::50]:
        community = city.community(cell.community_code)
        assert point_in_rings(cell.centroid_lon, cell.centroid_lat, community.boundary)


def test_communities_are_contiguous(city: CityMap) -> None:
    # Cells of the lattice share an edge when they share two ring vertices.
    by_community: dict[str, list[set[tuple[float, float]]]] = defaultdict(list)
    for cell in city.cells:
        by_community[cell.community_code].append(set(cell.ring))
    for code, cells in by_community.items():
        reached = {0}
        frontier = [0]
        while frontier:
            k = frontier.pop()
            for m, other in enumerate(cells):
                if m not in reached and len(cells[k] & other) >= 2:
                    reached.add(m)
                    frontier.append(m)
        assert len(reached) == len(cells), code


def test_boundaries_are_closed_ccw_rings(city: CityMap) -> None:
    for s in city.streets:
        assert s.boundary
        for ring in s.boundary:
            assert ring[0] == ring[-1]
            assert len(ring) >= 5
        assert sum(ring_signed_area(r) for r in s.boundary) > 0
    assert city.boundary
    assert sum(ring_signed_area(r) for r in city.boundary) > 0


def test_lookups_by_code(city: CityMap) -> None:
    cell = city.cells[123]
    assert city.cell(cell.code) is cell
    assert city.cells[city.cell_position(cell.code)] is cell
    assert city.community(cell.community_code).street_code == cell.street_code
    assert city.street("310115103").name_zh == "川沙新镇"
    assert all(c.street_code == "310115103" for c in city.communities_of("310115103"))
    assert {c.code for c in city.cells_of(cell.community_code)} >= {cell.code}
    assert len(city.cells_of("310115")) == len(city.cells)
    with pytest.raises(UnknownId):
        city.cell("31011599999999")
    with pytest.raises(UnknownId):
        city.street("310115999")


def test_trace_lattice_rings_handles_holes_and_corner_touches() -> None:
    ring_square = [(0, 0), (1, 0), (1, 1), (0, 1), (0, 0)]
    assert trace_lattice_rings([(0, 0)]) == [ring_square]
    # A 3×3 block without its middle: one outer ring and one clockwise hole.
    donut = [(i, j) for i in range(3) for j in range(3) if (i, j) != (1, 1)]
    rings = trace_lattice_rings(donut)
    assert len(rings) == 2
    areas = sorted(ring_signed_area([(float(x), float(y)) for x, y in r]) for r in rings)
    assert areas == [-1.0, 9.0]
    # Two squares touching at a corner: two separate rings, not a figure eight.
    rings = trace_lattice_rings([(0, 0), (1, 1)])
    assert len(rings) == 2
    assert all(len(r) == 5 for r in rings)


def test_town_facts_file_errors_name_row_and_field() -> None:
    header = "code,name,name_en,kind,approx_lon,approx_lat\n"
    with pytest.raises(LoadError) as err:
        load_town_facts(header + "310115004,潍坊新村街道,Weifang Xincun,village,121.5,31.2\n")
    assert (err.value.row, err.value.field) == (1, "kind")
    with pytest.raises(LoadError) as err:
        load_town_facts(header + "31011500,x,x,street,121.5,31.2\n")
    assert (err.value.row, err.value.field) == (1, "code")
    with pytest.raises(LoadError) as err:
        load_town_facts("code,name\n")
    assert err.value.field == "name_en"


def test_code_format_is_data_not_hard_coded_lengths() -> None:
    fmt = CodeFormat()
    assert fmt.total_length == 14
    assert fmt.split("31011510300102") == ("310115", "103", "001", "02")
    assert fmt.split("310115103") == ("310115", "103")
    assert fmt.join("310115", 103, 1, 2) == "31011510300102"
    assert fmt.parent("31011510300102", "street") == "310115103"
    assert fmt.level_of("310115103001") == "community"
    with pytest.raises(InvalidInput):
        fmt.validate("3101151030010", "cell")
    with pytest.raises(InvalidInput):
        fmt.validate("3101151030010X", "cell")
    with pytest.raises(InvalidInput):
        fmt.join("310115", 1000)
    fifteen = CodeFormat(lengths=(6, 3, 3, 3))
    assert fifteen.validate("310115103001002") == "310115103001002"
    assert not fifteen.is_valid("31011510300102")
    letters = CodeFormat(lengths=(6, 3, 3, 3), digits_only=False)
    assert letters.is_valid("3101151030A1B02")
    assert not fifteen.is_valid("3101151030A1B02")


def test_build_rejects_broken_hierarchies(city: CityMap) -> None:
    def build(**changes: object) -> CityMap:
        parts: dict[str, object] = {
            "district_code": city.district_code,
            "name_zh": city.name_zh,
            "name_en": city.name_en,
            "streets": city.streets,
            "communities": city.communities,
            "cells": city.cells,
            "boundary": city.boundary,
        }
        parts.update(changes)
        return CityMap.build(**parts)  # type: ignore[arg-type]

    assert build().version == city.version  # order-independent: build sorts by code
    assert build(cells=tuple(reversed(city.cells))).version == city.version
    with pytest.raises(InvalidInput, match="duplicate"):
        build(cells=(*city.cells, city.cells[0]))
    with pytest.raises(InvalidInput, match="no street"):
        build(streets=city.streets[1:])
    with pytest.raises(InvalidInput, match="no community"):
        build(communities=city.communities[1:])
    with pytest.raises(InvalidInput):
        build(district_code="310116")
