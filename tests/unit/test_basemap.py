"""Basemaps without Qt: tile arithmetic, the basemap list, MBTiles files, the tile cache."""

from __future__ import annotations

import math
import re
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from console.basemap import (
    WORLD,
    WORLD_HALF_M,
    BasemapSpec,
    ByteBoundedLru,
    MBTilesSource,
    MercatorRect,
    SourceKind,
    TileKey,
    choose_zoom,
    load_basemaps,
    parse_basemaps,
    plan_tiles,
    tile_at,
    tile_bounds,
    tile_span_m,
    tiles_covering,
    user_basemaps,
)
from console.map_projection import Datum
from models.errors import InvalidInput, LoadError
from models.geo import lonlat_to_web_mercator
from tests.tiles import tile_png, write_mbtiles

# Lujiazui, Shanghai, and the OpenStreetMap tile that holds it at zoom 12.
LUJIAZUI = (121.5, 31.24)


def slippy_tile(lon: float, lat: float, z: int) -> tuple[int, int]:
    """The OpenStreetMap wiki's formula for the tile of a position, in degrees."""
    n = 2**z
    x = int((lon + 180.0) / 360.0 * n)
    lat_r = math.radians(lat)
    y = int((1.0 - math.asinh(math.tan(lat_r)) / math.pi) / 2.0 * n)
    return x, y


def block(z: int, x0: int, y0: int, columns: int, rows: int) -> MercatorRect:
    """The rectangle exactly covering a block of tiles."""
    north_west = tile_bounds(TileKey(z, x0, y0))
    south_east = tile_bounds(TileKey(z, x0 + columns - 1, y0 + rows - 1))
    return MercatorRect(north_west.xmin, south_east.ymin, south_east.xmax, north_west.ymax)


# --------------------------------------------------------------------------- tile arithmetic


def test_zoom_zero_is_the_whole_world_and_zoom_one_its_quarters() -> None:
    assert tile_bounds(TileKey(0, 0, 0)) == WORLD
    north_west = tile_bounds(TileKey(1, 0, 0))
    assert north_west == MercatorRect(-WORLD_HALF_M, 0.0, 0.0, WORLD_HALF_M)
    south_east = tile_bounds(TileKey(1, 1, 1))
    assert south_east == MercatorRect(0.0, -WORLD_HALF_M, WORLD_HALF_M, 0.0)
    assert tile_span_m(0) == pytest.approx(40_075_016.686, abs=1e-3)


@pytest.mark.parametrize("z", [0, 5, 12, 17, 20])
def test_the_tile_of_a_position_matches_the_slippy_map_formula(z: int) -> None:
    x, y = lonlat_to_web_mercator(*LUJIAZUI)
    key = tile_at(x, y, z)
    assert (key.x, key.y) == slippy_tile(*LUJIAZUI, z)
    bounds = tile_bounds(key)
    assert bounds.xmin <= x < bounds.xmax
    assert bounds.ymin < y <= bounds.ymax


@given(
    x=st.floats(-WORLD_HALF_M, WORLD_HALF_M * 0.999999),
    y=st.floats(-WORLD_HALF_M * 0.999999, WORLD_HALF_M),
    z=st.integers(0, 22),
)
def test_every_point_lies_in_its_tile(x: float, y: float, z: int) -> None:
    bounds = tile_bounds(tile_at(x, y, z))
    span = tile_span_m(z)
    # The float slack of a tile edge in metres (edges of far tiles are sums of many spans).
    slack = 1e-9 * WORLD_HALF_M
    assert bounds.xmin - slack <= x <= bounds.xmax + slack
    assert bounds.ymin - slack <= y <= bounds.ymax + slack
    assert bounds.width == pytest.approx(span)


def test_ancestors_and_children_are_the_same_ground() -> None:
    key = TileKey(14, 13722, 6693)
    assert key.ancestor(2) == TileKey(12, 3430, 1673)
    children = key.children()
    assert {c.ancestor() for c in children} == {key}
    parent = tile_bounds(key)
    union = MercatorRect(
        min(tile_bounds(c).xmin for c in children),
        min(tile_bounds(c).ymin for c in children),
        max(tile_bounds(c).xmax for c in children),
        max(tile_bounds(c).ymax for c in children),
    )
    for got, want in zip(
        (union.xmin, union.ymin, union.xmax, union.ymax),
        (parent.xmin, parent.ymin, parent.xmax, parent.ymax),
        strict=True,
    ):
        assert got == pytest.approx(want, abs=1e-6)
    assert str(key) == "14/13722/6693"


def test_a_block_of_tiles_is_covered_by_exactly_its_tiles_centre_first() -> None:
    rect = block(12, 3429, 1672, 3, 3)
    keys = tiles_covering(rect, 12)
    assert sorted(keys) == sorted(
        TileKey(12, x, y) for x in range(3429, 3432) for y in range(1672, 1675)
    )
    assert keys[0] == TileKey(12, 3430, 1673)  # the middle one first


def test_covering_clips_to_the_world_and_skips_what_is_outside() -> None:
    assert len(tiles_covering(MercatorRect(-1e9, -1e9, 1e9, 1e9), 2)) == 16
    assert tiles_covering(MercatorRect(3e7, 0.0, 4e7, 1.0), 3) == []
    assert tiles_covering(MercatorRect(0.0, 0.0, 0.0, 1.0), 3) == []  # no area


@pytest.mark.parametrize(
    ("scale", "expected"),
    [(1.0, 15), (1.3, 15), (0.75, 15), (1.5, 14), (0.6, 16)],
)
def test_the_zoom_is_the_one_drawn_nearest_one_to_one(scale: float, expected: int) -> None:
    # ``scale``: how many tile pixels of zoom 15 one screen pixel shows.
    metres_per_pixel = tile_span_m(15) / 256 * scale
    assert choose_zoom(metres_per_pixel, 0, 20) == expected


def test_the_zoom_stays_within_the_basemaps_levels_and_counts_big_tiles() -> None:
    native_15 = tile_span_m(15) / 256
    assert choose_zoom(native_15, 0, 13) == 13
    assert choose_zoom(native_15, 16, 18) == 16
    assert choose_zoom(native_15, 0, 20, tile_size=512) == 14
    with pytest.raises(ValueError, match="positive"):
        choose_zoom(0.0, 0, 20)
    with pytest.raises(ValueError, match="positive"):
        choose_zoom(math.nan, 0, 20)


def test_a_full_hd_view_needs_a_screenful_of_tiles() -> None:
    x, y = lonlat_to_web_mercator(*LUJIAZUI)
    metres_per_pixel = tile_span_m(16) / 256
    view = MercatorRect(
        x - 960 * metres_per_pixel,
        y - 540 * metres_per_pixel,
        x + 960 * metres_per_pixel,
        y + 540 * metres_per_pixel,
    )
    plan = plan_tiles(view, metres_per_pixel, min_zoom=0, max_zoom=18)
    assert plan.zoom == 16
    assert 8 * 5 <= len(plan.tiles) <= 9 * 6
    assert plan.extent is not None
    assert plan.extent.xmin <= view.xmin
    assert plan.extent.xmax >= view.xmax
    assert plan.extent.ymin <= view.ymin
    assert plan.extent.ymax >= view.ymax
    assert plan.tiles[0] == tile_at(x, y, 16)


def test_a_plan_keeps_to_the_basemaps_bounds_and_to_a_sane_number_of_tiles() -> None:
    x, y = lonlat_to_web_mercator(*LUJIAZUI)
    span = tile_span_m(14)
    view = MercatorRect(x - 3 * span, y - 3 * span, x + 3 * span, y + 3 * span)
    home = tile_bounds(tile_at(x, y, 14))
    plan = plan_tiles(view, span / 256, min_zoom=0, max_zoom=18, bounds=home)
    assert plan.tiles == (tile_at(x, y, 14),)
    elsewhere = MercatorRect(0.0, 0.0, 1.0, 1.0)
    assert plan_tiles(view, span / 256, min_zoom=0, max_zoom=18, bounds=elsewhere).tiles == ()
    # The whole world at a basemap's coarsest level of 12: 16 million tiles. None, then.
    world_plan = plan_tiles(WORLD, WORLD_HALF_M / 500, min_zoom=12, max_zoom=18)
    assert world_plan.zoom == 12
    assert world_plan.tiles == ()
    assert world_plan.extent is None


# --------------------------------------------------------------------------- the spec


def test_a_spec_builds_tile_urls_and_knows_a_local_server() -> None:
    spec = BasemapSpec(
        "local", SourceKind.XYZ, url="http://127.0.0.1:8080/{z}/{x}/{y}.png", datum=Datum.GCJ02
    )
    assert spec.tile_url(TileKey(12, 3430, 1673)) == "http://127.0.0.1:8080/12/3430/1673.png"
    assert spec.is_local_server()
    assert spec.datum is Datum.GCJ02
    assert not BasemapSpec(
        "lan", SourceKind.XYZ, url="http://tiles.lan/{z}/{x}/{y}"
    ).is_local_server()
    assert BasemapSpec("lo", SourceKind.XYZ, url="http://localhost:1/{z}/{x}/{y}").is_local_server()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": " "}, "name"),
        ({"kind": "wms"}, "kind"),
        ({"path": None}, "path"),
        ({"url": "http://h/{z}/{x}/{y}"}, "url"),
        ({"datum": "bd09"}, "datum"),
        ({"min_zoom": -1}, "min_zoom"),
        ({"max_zoom": 25}, "max_zoom"),
        ({"max_zoom": True}, "max_zoom"),
        ({"min_zoom": 12, "max_zoom": 10}, "max_zoom"),
        ({"tile_size": 300}, "tile_size"),
        ({"attribution": 5}, "attribution"),
    ],
)
def test_a_bad_mbtiles_spec_names_its_field(fields: dict[str, object], field: str) -> None:
    values: dict[str, object] = {
        "name": "offline",
        "kind": SourceKind.MBTILES,
        "path": Path("a.mbtiles"),
    }
    values.update(fields)
    with pytest.raises(InvalidInput) as caught:
        BasemapSpec(**values)  # type: ignore[arg-type]
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        (None, "needs a URL"),
        ("ftp://h/{z}/{x}/{y}", "http"),
        ("http:///{z}/{x}/{y}", "host"),
        ("http://h/{z}/{x}/{y}/{s}", "unknown placeholder {s}"),
        ("http://h/{z}/{x}.png", "lacks {y}"),
        ("http://h/{z}/{x}/{y", "braces"),
    ],
)
def test_a_bad_url_template_says_what_is_wrong(url: str | None, problem: str) -> None:
    with pytest.raises(InvalidInput, match=re.escape(problem)) as caught:
        BasemapSpec("server", SourceKind.XYZ, url=url)
    assert caught.value.field == "url"
    with pytest.raises(InvalidInput) as caught:
        BasemapSpec("server", SourceKind.XYZ, url="http://h/{z}/{x}/{y}", path=Path("x"))
    assert caught.value.field == "path"


# --------------------------------------------------------------------------- basemaps.toml

GOOD_LIST = """
[[basemap]]
name = "浦东 offline"
kind = "mbtiles"
path = "tiles/pudong.mbtiles"
max_zoom = 17
attribution = "© OpenStreetMap contributors"

[[basemap]]
name = "Street map"
kind = "XYZ"
url = "http://127.0.0.1:8080/{z}/{x}/{y}.png"
datum = "GCJ-02"
tile_size = 512
"""


def test_a_basemap_list_reads_with_paths_beside_the_file(tmp_path: Path) -> None:
    file = tmp_path / "basemaps.toml"
    file.write_text(GOOD_LIST, encoding="utf-8")
    offline, street = load_basemaps(file)
    assert offline == BasemapSpec(
        "浦东 offline",
        SourceKind.MBTILES,
        path=tmp_path / "tiles" / "pudong.mbtiles",
        max_zoom=17,
        attribution="© OpenStreetMap contributors",
    )
    assert offline.datum is Datum.WGS84
    assert street.kind is SourceKind.XYZ
    assert street.datum is Datum.GCJ02
    assert street.tile_size == 512
    assert user_basemaps(tmp_path) == [offline, street]


def test_no_basemap_list_means_no_basemaps(tmp_path: Path) -> None:
    assert user_basemaps(tmp_path) == []


@pytest.mark.parametrize(
    ("text", "row", "field", "problem"),
    [
        (
            '[[basemap]]\nname = "a"\nkind = "mbtiles"\npath = "a"\ncolour = 1',
            1,
            "basemap.colour",
            "unknown field",
        ),
        ('[[basemap]]\nkind = "mbtiles"\npath = "a"', 1, "basemap.name", "missing"),
        (
            '[[basemap]]\nname = "a"\nkind = "wms"',
            1,
            "basemap.kind",
            "'wms' is not one of mbtiles, xyz",
        ),
        (
            '[[basemap]]\nname = "a"\nkind = "mbtiles"\npath = "a"\ndatum = "BD-09"',
            1,
            "basemap.datum",
            "'BD-09'",
        ),
        (
            '[[basemap]]\nname = "a"\nkind = "mbtiles"\npath = "a"\nmax_zoom = "18"',
            1,
            "basemap.max_zoom",
            "'18'",
        ),
        ('[[basemap]]\nname = "a"\nkind = "mbtiles"', 1, "basemap.path", "needs the path"),
        (
            '[[basemap]]\nname = "a"\nkind = "mbtiles"\npath = 3',
            1,
            "basemap.path",
            "not a file path",
        ),
        (
            '[[basemap]]\nname = "a"\nkind = "mbtiles"\npath = "a"\n'
            '[[basemap]]\nname = "a"\nkind = "xyz"\nurl = "http://h/{z}/{x}/{y}"',
            2,
            "basemap.name",
            "already the name of entry 1",
        ),
        ('[[basemaps]]\nname = "a"', None, "basemaps", "unknown table"),
        ('basemap = "a"', None, "basemap", "list of tables"),
        ("[[basemap]\n", None, None, "not valid TOML"),
    ],
)
def test_a_bad_basemap_list_names_file_entry_and_field(
    tmp_path: Path, text: str, row: int | None, field: str | None, problem: str
) -> None:
    file = tmp_path / "basemaps.toml"
    file.write_text(text, encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        load_basemaps(file)
    error = caught.value
    assert (error.file, error.row, error.field) == (str(file), row, field)
    assert problem in error.problem
    assert str(file) in str(error)


def test_an_unreadable_basemap_list_says_so(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="cannot read the file"):
        load_basemaps(tmp_path / "absent.toml")
    latin1 = tmp_path / "latin1.toml"
    latin1.write_bytes('name = "caf\u00e9"'.encode("latin-1"))
    with pytest.raises(LoadError, match="not UTF-8"):
        load_basemaps(latin1)
    assert parse_basemaps("", file="empty", base_dir=tmp_path) == []


# --------------------------------------------------------------------------- MBTiles

RED = (230, 30, 30)
BLUE = (30, 30, 230)


def test_mbtiles_serves_tiles_by_xyz_key_and_reads_its_metadata(tmp_path: Path) -> None:
    # An awkward but legal file name: a space, Chinese and URI-special characters.
    path = tmp_path / "浦东 tiles#1?.mbtiles"
    red, blue = tile_png(RED), tile_png(BLUE)
    write_mbtiles(
        path,
        {TileKey(12, 3430, 1673): red, TileKey(12, 3430, 1674): blue},
        {
            "name": "Pudong",
            "format": "PNG",
            "bounds": "121.3,30.8,122.0,31.5",
            "minzoom": "10",
            "maxzoom": "16",
        },
    )
    before = path.read_bytes()
    with MBTilesSource(path) as source:
        assert source.tile(TileKey(12, 3430, 1673)) == red
        assert source.tile(TileKey(12, 3430, 1674)) == blue  # the row below: south
        assert source.tile(TileKey(12, 3431, 1673)) is None
        assert source.format == "png"
        assert source.bounds == (121.3, 30.8, 122.0, 31.5)
        assert (source.min_zoom, source.max_zoom) == (10, 16)
        assert source.metadata["name"] == "Pudong"
    with pytest.raises(LoadError, match="closed"):
        source.tile(TileKey(12, 3430, 1673))
    assert path.read_bytes() == before  # opened read-only: not a byte changed
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


def test_mbtiles_without_metadata_takes_its_zoom_levels_from_the_tiles(tmp_path: Path) -> None:
    path = tmp_path / "bare.mbtiles"
    write_mbtiles(
        path, {TileKey(9, 428, 208): tile_png(RED), TileKey(11, 1715, 836): tile_png(BLUE)}, {}
    )
    with MBTilesSource(path) as source:
        assert (source.min_zoom, source.max_zoom) == (9, 11)
        assert source.format is None
        assert source.bounds is None


def corrupt_after_first_page(path: Path) -> None:
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    data[page:] = bytes((i * 7 + 3) % 256 for i in range(len(data) - page))
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (lambda p: None, "no such file"),
        (lambda p: p.mkdir(), "not a file"),
        (
            lambda p: p.write_bytes(b"PK\x03\x04 this is a zip, not SQLite" * 200),
            "not a readable MBTiles file",
        ),
        (lambda p: p.write_bytes(b""), "has no 'tiles' table"),
        (
            lambda p: sqlite3.connect(p).execute("CREATE TABLE other (a)").connection.close(),
            "no 'tiles' table",
        ),
        (lambda p: write_mbtiles(p, {}), "holds no tiles"),
        (lambda p: write_mbtiles(p, {TileKey(1, 0, 0): b"x"}, {"format": "pbf"}), "vector tiles"),
        (
            lambda p: write_mbtiles(p, {TileKey(1, 0, 0): b"x"}, {"format": "tiff"}),
            "unsupported tile format",
        ),
        (
            lambda p: write_mbtiles(p, {TileKey(1, 0, 0): b"x"}, {"bounds": "1,2,3"}),
            "'west,south,east,north'",
        ),
        (
            lambda p: write_mbtiles(p, {TileKey(1, 0, 0): b"x"}, {"bounds": "5,2,3,4"}),
            "'west,south,east,north'",
        ),
        (
            lambda p: write_mbtiles(p, {TileKey(1, 0, 0): b"x"}, {"minzoom": "low"}),
            "not a whole number",
        ),
        (
            lambda p: write_mbtiles(p, {TileKey(1, 0, 0): b"x"}, {"maxzoom": "40"}),
            "not a zoom level",
        ),
        (
            lambda p: write_mbtiles(p, {TileKey(1, 0, 0): b"x"}, {"minzoom": "8", "maxzoom": "5"}),
            "below minzoom",
        ),
    ],
)
def test_a_bad_mbtiles_file_is_refused_with_the_reason(
    tmp_path: Path, make: object, problem: str
) -> None:
    path = tmp_path / "bad.mbtiles"
    make(path)  # type: ignore[operator]
    with pytest.raises(LoadError) as caught:
        MBTilesSource(path)
    assert problem in str(caught.value)
    assert str(path) in str(caught.value)


def test_a_corrupt_mbtiles_file_is_refused_not_crashed_on(tmp_path: Path) -> None:
    path = tmp_path / "corrupt.mbtiles"
    write_mbtiles(
        path,
        {
            TileKey(14, x, y): tile_png((x % 256, y % 256, 0), 64)
            for x in range(20)
            for y in range(20)
        },
    )
    corrupt_after_first_page(path)
    with pytest.raises(LoadError, match="not a readable MBTiles file"):
        MBTilesSource(path)


# --------------------------------------------------------------------------- the tile cache


def test_the_cache_drops_the_least_recently_used_beyond_its_budget() -> None:
    cache: ByteBoundedLru[str, bytes] = ByteBoundedLru(10, len)
    cache.put("a", b"1234")
    cache.put("b", b"1234")
    assert cache.get("a") == b"1234"  # "a" is now the most recent
    cache.put("c", b"1234")
    assert "b" not in cache
    assert "a" in cache
    assert "c" in cache
    assert cache.total == 8
    cache.put("a", b"12")  # replacing a value re-counts it
    assert cache.total == 6


def test_the_cache_keeps_what_is_on_screen_even_over_budget() -> None:
    cache: ByteBoundedLru[str, bytes] = ByteBoundedLru(6, len)
    cache.put("a", b"1234")
    cache.put("b", b"1234", keep={"a", "b"})
    assert len(cache) == 2
    assert cache.total == 8
    cache.put("c", b"1234", keep={"c"})
    assert [k for k in "abc" if k in cache] == ["c"]
    cache.clear()
    assert len(cache) == 0
    assert cache.total == 0
