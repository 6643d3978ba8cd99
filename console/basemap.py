"""Raster basemaps: what one is, where the list comes from, MBTiles, and tile arithmetic.

A basemap is an optional picture under the map's layers: an offline MBTiles file, or a tile
server on the console's machine or network that answers ``…/{z}/{x}/{y}.png``. Each basemap
is drawn in one datum (WGS-84, or GCJ-02 for tiles cut from Chinese web maps), and the map
adopts that datum (:class:`console.map_projection.MapProjection`), so that the overlays line
up with the streets on the tiles.

Tiles follow the usual Web Mercator pyramid (XYZ, "slippy map"): at zoom ``z`` the square
world is cut into ``2**z × 2**z`` tiles; ``x`` counts east from the antimeridian and ``y``
counts south from the top (85.05° N). MBTiles stores rows the other way up (TMS: row 0 at
the south), which :class:`MBTilesSource` hides. Every rectangle here is in Web Mercator
metres, y north, the plane of the map.

Plain Python (stdlib ``sqlite3`` and ``tomllib``); no Qt. Fetching, decoding, caching and
drawing tiles is :mod:`widgets.map.basemap_layer`'s job.
"""

from __future__ import annotations

import ipaddress
import math
import os
import sqlite3
import string
import threading
import tomllib
from collections import OrderedDict
from collections.abc import Callable, Container, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from types import TracebackType
from typing import Any, Final, Generic, NamedTuple, TypeVar
from urllib.parse import urlsplit

from console.map_projection import Datum
from console.workspace import default_config_dir
from models.errors import InvalidInput, LoadError
from models.geo import WEB_MERCATOR_MAX_LAT, WEB_MERCATOR_RADIUS_M, lonlat_to_web_mercator

WORLD_HALF_M: Final = math.pi * WEB_MERCATOR_RADIUS_M
"""Half the width of the square Web Mercator world, in metres (20,037,508.34 m)."""
WORLD_M: Final = 2.0 * WORLD_HALF_M
"""Width (and height) of the square Web Mercator world, in metres."""
MAX_ZOOM: Final = 24
"""Deepest zoom level a basemap may declare (about 1 cm per pixel)."""
TILE_SIZES: Final = (256, 512)
"""Tile edges in pixels that basemaps come in (512 for "retina" tile sets)."""
MAX_TILES_PER_VIEW: Final = 400
"""Most tiles one view may ask for: a 4K wall at the finest matching zoom needs ≈290.

A view zoomed out far beyond a basemap's coarsest level would need thousands; it is drawn
without the basemap instead of flooding the source."""
RASTER_FORMATS: Final = frozenset({"png", "jpg", "jpeg", "webp"})
"""MBTiles ``format`` values this console can draw."""
VECTOR_FORMATS: Final = frozenset({"pbf", "mvt"})
BASEMAPS_FILE: Final = "basemaps.toml"
"""Name of the user's basemap list in the config directory."""


# --------------------------------------------------------------------------- tile arithmetic


class TileKey(NamedTuple):
    """One tile of the pyramid, in the XYZ scheme (``y`` counts south from the top).

    Attributes:
        z: Zoom level (0 = the whole world in one tile).
        x: Column, 0 at the antimeridian, growing east.
        y: Row, 0 at the top (north), growing south.
    """

    z: int
    x: int
    y: int

    def ancestor(self, levels: int = 1) -> TileKey:
        """The tile ``levels`` zoom levels up that contains this one."""
        return TileKey(self.z - levels, self.x >> levels, self.y >> levels)

    def children(self) -> tuple[TileKey, TileKey, TileKey, TileKey]:
        """The four tiles one level down that make up this one (NW, NE, SW, SE)."""
        z, x, y = self.z + 1, self.x * 2, self.y * 2
        return (
            TileKey(z, x, y),
            TileKey(z, x + 1, y),
            TileKey(z, x, y + 1),
            TileKey(z, x + 1, y + 1),
        )

    def __str__(self) -> str:
        return f"{self.z}/{self.x}/{self.y}"


@dataclass(frozen=True, slots=True)
class MercatorRect:
    """An axis-aligned rectangle of the map plane (Web Mercator metres, y north).

    Attributes:
        xmin: West edge.
        ymin: South edge.
        xmax: East edge.
        ymax: North edge.
    """

    xmin: float
    ymin: float
    xmax: float
    ymax: float

    @property
    def width(self) -> float:
        """East–west extent in metres."""
        return self.xmax - self.xmin

    @property
    def height(self) -> float:
        """North–south extent in metres."""
        return self.ymax - self.ymin

    def is_empty(self) -> bool:
        """True when the rectangle covers no area (or has NaN edges)."""
        return not (self.xmax > self.xmin and self.ymax > self.ymin)

    def intersection(self, other: MercatorRect) -> MercatorRect:
        """The overlap of two rectangles (possibly empty)."""
        return MercatorRect(
            max(self.xmin, other.xmin),
            max(self.ymin, other.ymin),
            min(self.xmax, other.xmax),
            min(self.ymax, other.ymax),
        )


WORLD: Final = MercatorRect(-WORLD_HALF_M, -WORLD_HALF_M, WORLD_HALF_M, WORLD_HALF_M)
"""The whole square world of Web Mercator."""


def tile_span_m(z: int) -> float:
    """Edge of a tile at zoom ``z``, in Web Mercator metres."""
    return WORLD_M / (1 << z)


def tile_bounds(key: TileKey) -> MercatorRect:
    """Where a tile lies on the map plane."""
    span = tile_span_m(key.z)
    west = -WORLD_HALF_M + key.x * span
    north = WORLD_HALF_M - key.y * span
    return MercatorRect(west, north - span, west + span, north)


def tile_at(x: float, y: float, z: int) -> TileKey:
    """The tile at zoom ``z`` that contains the map point ``(x, y)`` (clamped to the world).

    A point on a tile edge belongs to the tile east of it and south of it.
    """
    n = 1 << z
    span = tile_span_m(z)
    column = min(max(math.floor((x + WORLD_HALF_M) / span), 0), n - 1)
    row = min(max(math.floor((WORLD_HALF_M - y) / span), 0), n - 1)
    return TileKey(z, column, row)


_EDGE_SLACK: Final = 1e-6
"""Share of a tile under which a rectangle's overlap into it is float noise (< 1 mm at z 16)."""


def _tile_ranges(rect: MercatorRect, z: int) -> tuple[range, range] | None:
    """Columns and rows (XYZ) of the tiles at ``z`` overlapping ``rect``; None if none."""
    area = rect.intersection(WORLD)
    if area.is_empty():
        return None
    n = 1 << z
    span = tile_span_m(z)
    # A rectangle ending on a tile edge does not reach into the next tile, even when the
    # edge was computed in floats and misses by an ulp or two (_EDGE_SLACK of a tile).
    x0 = max(math.floor((area.xmin + WORLD_HALF_M) / span + _EDGE_SLACK), 0)
    x1 = min(math.ceil((area.xmax + WORLD_HALF_M) / span - _EDGE_SLACK), n)
    y0 = max(math.floor((WORLD_HALF_M - area.ymax) / span + _EDGE_SLACK), 0)
    y1 = min(math.ceil((WORLD_HALF_M - area.ymin) / span - _EDGE_SLACK), n)
    if x1 <= x0 or y1 <= y0:
        return None
    return range(x0, x1), range(y0, y1)


def tiles_covering(rect: MercatorRect, z: int) -> list[TileKey]:
    """The tiles at zoom ``z`` that overlap ``rect``, the ones nearest its centre first.

    Centre first because that is where the operator looks: those tiles are fetched first.
    """
    ranges = _tile_ranges(rect, z)
    if ranges is None:
        return []
    columns, rows = ranges
    span = tile_span_m(z)
    # The centre in fractional tile coordinates; a tile's own centre is at index + 0.5.
    cx = ((rect.xmin + rect.xmax) / 2.0 + WORLD_HALF_M) / span
    cy = (WORLD_HALF_M - (rect.ymin + rect.ymax) / 2.0) / span
    keys = [TileKey(z, x, y) for y in rows for x in columns]
    keys.sort(key=lambda k: (k.x + 0.5 - cx) ** 2 + (k.y + 0.5 - cy) ** 2)
    return keys


def choose_zoom(metres_per_pixel: float, min_zoom: int, max_zoom: int, tile_size: int = 256) -> int:
    """The zoom level whose tiles are drawn nearest 1:1 at a given scale.

    The nearest level in log scale, so a tile is drawn between 0.71× and 1.41× its size;
    outside the basemap's levels the nearest available level is stretched or shrunk.

    Args:
        metres_per_pixel: Map metres per device pixel of the view.
        min_zoom: Coarsest level the basemap has.
        max_zoom: Finest level the basemap has.
        tile_size: Tile edge in pixels.

    Returns:
        A level in ``[min_zoom, max_zoom]``.

    Raises:
        ValueError: If ``metres_per_pixel`` is not a positive finite number.
    """
    if not (math.isfinite(metres_per_pixel) and metres_per_pixel > 0.0):
        raise ValueError(f"metres per pixel must be positive and finite, not {metres_per_pixel}")
    exact = math.log2(WORLD_M / (tile_size * metres_per_pixel))
    return min(max(math.floor(exact + 0.5), min_zoom), max_zoom)


@dataclass(frozen=True, slots=True)
class TilePlan:
    """The tiles that one view of the map needs.

    Attributes:
        zoom: The level drawn.
        tiles: The tiles to draw, nearest the view's centre first; empty when the view shows
            none of the basemap, or would need more than the per-view limit.
        extent: The area the tiles cover together (None when there are none).
    """

    zoom: int
    tiles: tuple[TileKey, ...] = ()
    extent: MercatorRect | None = None


def plan_tiles(
    view: MercatorRect,
    metres_per_pixel: float,
    *,
    min_zoom: int,
    max_zoom: int,
    tile_size: int = 256,
    bounds: MercatorRect | None = None,
    max_tiles: int = MAX_TILES_PER_VIEW,
) -> TilePlan:
    """Which tiles to draw for a view: the level nearest 1:1 and the tiles covering it.

    Args:
        view: The visible area of the map.
        metres_per_pixel: Map metres per device pixel.
        min_zoom: Coarsest level the basemap has.
        max_zoom: Finest level the basemap has.
        tile_size: Tile edge in pixels.
        bounds: Where the basemap has tiles at all (None: the whole world).
        max_tiles: Above this many tiles the plan is left empty (see
            :data:`MAX_TILES_PER_VIEW`).

    Returns:
        The plan (never None; its ``tiles`` may be empty).
    """
    zoom = choose_zoom(metres_per_pixel, min_zoom, max_zoom, tile_size)
    area = view if bounds is None else view.intersection(bounds)
    ranges = _tile_ranges(area, zoom)
    if ranges is None or len(ranges[0]) * len(ranges[1]) > max_tiles:
        return TilePlan(zoom)
    columns, rows = ranges
    north_west = tile_bounds(TileKey(zoom, columns[0], rows[0]))
    south_east = tile_bounds(TileKey(zoom, columns[-1], rows[-1]))
    extent = MercatorRect(north_west.xmin, south_east.ymin, south_east.xmax, north_west.ymax)
    return TilePlan(zoom, tuple(tiles_covering(area, zoom)), extent)


def lonlat_bounds_to_mercator(bounds: tuple[float, float, float, float]) -> MercatorRect:
    """``(west, south, east, north)`` in degrees → the map rectangle they span."""
    west, south = lonlat_to_web_mercator(bounds[0], bounds[1])
    east, north = lonlat_to_web_mercator(bounds[2], bounds[3])
    return MercatorRect(west, south, east, north)


# --------------------------------------------------------------------------- the spec


class SourceKind(StrEnum):
    """Where a basemap's tiles come from."""

    MBTILES = "mbtiles"  # an offline MBTiles file (SQLite)
    XYZ = "xyz"  # a tile server answering …/{z}/{x}/{y}.png


_URL_FIELDS: Final = frozenset({"z", "x", "y"})


@dataclass(frozen=True, slots=True)
class BasemapSpec:
    """One basemap the operator can choose.

    Attributes:
        name: What the basemap is called in the console (unique in a list).
        kind: MBTiles file or XYZ tile server.
        path: The MBTiles file (``kind`` mbtiles only).
        url: The tile URL template with ``{z}``, ``{x}`` and ``{y}``, e.g.
            ``http://127.0.0.1:8080/{z}/{x}/{y}.png`` (``kind`` xyz only).
        datum: The datum the tiles are drawn in; the map switches to it.
        min_zoom: Coarsest level to use.
        max_zoom: Finest level to use; closer in, tiles of this level are enlarged.
        tile_size: Tile edge in pixels (256, or 512 for "retina" sets).
        attribution: The credit the map must show with the tiles ("© OpenStreetMap
            contributors").

    Raises:
        InvalidInput: On construction, naming the first field that is wrong.
    """

    name: str
    kind: SourceKind
    path: Path | None = None
    url: str | None = None
    datum: Datum = Datum.WGS84
    min_zoom: int = 0
    max_zoom: int = 18
    tile_size: int = 256
    attribution: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise InvalidInput("name", "a basemap needs a name")
        if not isinstance(self.kind, SourceKind):
            raise InvalidInput("kind", f"{self.kind!r} is not one of {_choices(SourceKind)}")
        if self.kind is SourceKind.MBTILES:
            if not isinstance(self.path, Path):
                raise InvalidInput("path", "an MBTiles basemap needs the path of its file")
            if self.url is not None:
                raise InvalidInput("url", "an MBTiles basemap reads a file; it takes no URL")
        else:
            if self.path is not None:
                raise InvalidInput("path", "an XYZ basemap is fetched from a URL; it takes no path")
            _check_url(self.url)
        if not isinstance(self.datum, Datum):
            raise InvalidInput("datum", f"{self.datum!r} is not one of {_choices(Datum)}")
        for name in ("min_zoom", "max_zoom"):
            value = getattr(self, name)
            if not _is_int(value) or not 0 <= value <= MAX_ZOOM:
                raise InvalidInput(name, f"{value!r} is not a zoom level from 0 to {MAX_ZOOM}")
        if self.min_zoom > self.max_zoom:
            raise InvalidInput("max_zoom", f"{self.max_zoom} is below min_zoom {self.min_zoom}")
        if self.tile_size not in TILE_SIZES or not _is_int(self.tile_size):
            sizes = " or ".join(str(s) for s in TILE_SIZES)
            raise InvalidInput("tile_size", f"{self.tile_size!r} is not {sizes} pixels")
        if not isinstance(self.attribution, str):
            raise InvalidInput("attribution", f"{self.attribution!r} is not text")

    @property
    def source(self) -> str:
        """The file or URL template, for messages."""
        return str(self.path) if self.path is not None else str(self.url)

    def tile_url(self, key: TileKey) -> str:
        """The URL of one tile (XYZ basemaps)."""
        if self.url is None:
            raise ValueError(f"basemap {self.name!r} is not fetched from a URL")
        return self.url.format(z=key.z, x=key.x, y=key.y)

    def is_local_server(self) -> bool:
        """True when the tile server is this machine (loopback), so no proxy applies."""
        if self.url is None:
            return False
        host = urlsplit(self.url).hostname or ""
        if host == "localhost":
            return True
        try:
            return ipaddress.ip_address(host).is_loopback
        except ValueError:
            return False


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _choices(kind: type[StrEnum]) -> str:
    return ", ".join(str(member.value) for member in kind)


def _check_url(url: object) -> None:
    if not isinstance(url, str) or not url.strip():
        raise InvalidInput("url", "an XYZ basemap needs a URL template with {z}, {x} and {y}")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput("url", f"{url!r} is not an http:// or https:// URL with a host")
    try:
        fields = {name for _, name, _, _ in string.Formatter().parse(url) if name is not None}
    except ValueError as exc:
        raise InvalidInput("url", f"{url!r} has unbalanced braces: {exc}") from None
    unknown = fields - _URL_FIELDS
    if unknown:
        names = ", ".join("{" + name + "}" for name in sorted(unknown))
        raise InvalidInput("url", f"unknown placeholder {names}; use {{z}}, {{x}} and {{y}}")
    missing = _URL_FIELDS - fields
    if missing:
        names = ", ".join("{" + name + "}" for name in sorted(missing))
        raise InvalidInput("url", f"the template lacks {names}")


# --------------------------------------------------------------------------- basemaps.toml

_ENTRY_FIELDS: Final = frozenset(
    {"name", "kind", "path", "url", "datum", "min_zoom", "max_zoom", "tile_size", "attribution"}
)


def _datum(value: object) -> object:
    """``"WGS-84"``, ``"wgs84"``, ``"GCJ_02"``… → the datum; anything else passes unchanged
    so that the spec's check names it."""
    if isinstance(value, str):
        folded = value.strip().lower().replace("-", "").replace("_", "")
        if folded in Datum._value2member_map_:
            return Datum(folded)
    return value


def _kind(value: object) -> object:
    if isinstance(value, str) and value.strip().lower() in SourceKind._value2member_map_:
        return SourceKind(value.strip().lower())
    return value


def parse_basemaps(text: str, *, file: str, base_dir: Path) -> list[BasemapSpec]:
    """Reads a basemap list from TOML text.

    The document holds one ``[[basemap]]`` table per basemap with the fields of
    :class:`BasemapSpec` (``datum`` as ``"wgs84"`` or ``"gcj02"``, hyphens allowed). A
    relative ``path`` is taken from ``base_dir``, so a list and its MBTiles files can move
    together::

        [[basemap]]
        name = "浦东 offline"
        kind = "mbtiles"
        path = "tiles/pudong.mbtiles"
        datum = "wgs84"
        max_zoom = 17
        attribution = "© OpenStreetMap contributors"

        [[basemap]]
        name = "Street map (local server)"
        kind = "xyz"
        url = "http://127.0.0.1:8080/{z}/{x}/{y}.png"
        datum = "gcj02"

    Args:
        text: The TOML document.
        file: Its name, for errors.
        base_dir: Directory that relative paths start from.

    Returns:
        The basemaps in file order.

    Raises:
        LoadError: Naming the file, the entry (1-based, as ``row``) and the field.
    """
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LoadError(file, None, None, f"not valid TOML: {exc}") from None
    for key in doc:
        if key != "basemap":
            raise LoadError(file, None, key, "unknown table; list basemaps as [[basemap]]")
    entries = doc.get("basemap", [])
    if not isinstance(entries, list):
        raise LoadError(file, None, "basemap", "expected a list of tables ([[basemap]])")
    specs: list[BasemapSpec] = []
    rows_by_name: dict[str, int] = {}
    for row, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            raise LoadError(file, row, "basemap", "expected a table")
        specs.append(_spec_from_entry(entry, file=file, row=row, base_dir=base_dir))
        name = specs[-1].name
        if name in rows_by_name:
            raise LoadError(
                file,
                row,
                "basemap.name",
                f"{name!r} is already the name of entry {rows_by_name[name]}",
            )
        rows_by_name[name] = row
    return specs


def _spec_from_entry(
    entry: Mapping[str, Any], *, file: str, row: int, base_dir: Path
) -> BasemapSpec:
    for key in entry:
        if key not in _ENTRY_FIELDS:
            allowed = ", ".join(sorted(_ENTRY_FIELDS))
            raise LoadError(file, row, f"basemap.{key}", f"unknown field (allowed: {allowed})")
    for key in ("name", "kind"):
        if key not in entry:
            raise LoadError(file, row, f"basemap.{key}", "missing")
    path = entry.get("path")
    if path is not None:
        if not isinstance(path, str) or not path.strip():
            raise LoadError(file, row, "basemap.path", f"{path!r} is not a file path")
        path = base_dir / Path(path).expanduser()
    fields: dict[str, Any] = {k: v for k, v in entry.items() if k != "path"}
    fields["path"] = path
    fields["kind"] = _kind(entry["kind"])
    if "datum" in entry:
        fields["datum"] = _datum(entry["datum"])
    try:
        return BasemapSpec(**fields)
    except InvalidInput as exc:
        raise LoadError(file, row, f"basemap.{exc.field}", exc.problem) from None


def load_basemaps(path: str | os.PathLike[str]) -> list[BasemapSpec]:
    """Reads a basemap list from a TOML file (see :func:`parse_basemaps` for the format).

    Raises:
        LoadError: If the file cannot be read, is not TOML, or an entry is wrong; the error
            names the file, the entry and the field.
    """
    file = os.fspath(path)
    try:
        data = Path(file).read_bytes()
    except OSError as exc:
        raise LoadError(file, None, None, f"cannot read the file: {exc.strerror}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LoadError(file, None, None, f"not UTF-8 text: {exc}") from None
    return parse_basemaps(text, file=file, base_dir=Path(file).resolve().parent)


def user_basemaps(directory: Path | None = None) -> list[BasemapSpec]:
    """The operator's basemaps: ``basemaps.toml`` in the config directory, if there is one.

    Args:
        directory: The config directory; :func:`console.workspace.default_config_dir` when
            None.

    Returns:
        The basemaps, or an empty list when the file does not exist (no basemap is a normal
        set-up).

    Raises:
        LoadError: If the file exists but is wrong (see :func:`load_basemaps`).
    """
    path = (directory if directory is not None else default_config_dir()) / BASEMAPS_FILE
    if not path.exists():
        return []
    return load_basemaps(path)


# --------------------------------------------------------------------------- MBTiles


class MBTilesSource:
    """Tiles from an MBTiles file (SQLite), read-only and safe to share between threads.

    The file is checked when opened: a missing file, a file that is not SQLite, one without
    a ``tiles`` table, vector tiles, or unreadable metadata give a :class:`LoadError` that
    says so. Reads are serialised by a lock: one read takes well under a millisecond, so the
    decoding threads that call :meth:`tile` hardly wait.

    Args:
        path: The MBTiles file.

    Attributes:
        path: The file.
        metadata: The ``metadata`` table as text (empty if the file has none).
        format: Tile image format from the metadata (``png``, ``jpg``, ``webp``), or None
            when the file does not say (the decoder recognises the bytes).
        bounds: ``(west, south, east, north)`` degrees from the metadata, in the datum the
            tiles are drawn in, or None.
        min_zoom: Coarsest level held (metadata ``minzoom``, else the tiles themselves).
        max_zoom: Finest level held (metadata ``maxzoom``, else the tiles themselves).

    Raises:
        LoadError: If the file cannot be used as a raster basemap.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._file = os.fspath(path)
        self._lock = threading.Lock()
        if not self.path.exists():
            raise LoadError(self._file, None, None, "no such file")
        if not self.path.is_file():
            raise LoadError(self._file, None, None, "not a file")
        uri = self.path.resolve().as_uri() + "?mode=ro"
        try:
            self._db: sqlite3.Connection | None = sqlite3.connect(
                uri, uri=True, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise LoadError(self._file, None, None, f"cannot open: {exc}") from None
        try:
            self.metadata, self.format, self.bounds, self.min_zoom, self.max_zoom = self._check()
        except sqlite3.DatabaseError as exc:
            self.close()
            raise LoadError(self._file, None, None, f"not a readable MBTiles file: {exc}") from None
        except LoadError:
            self.close()
            raise

    def _check(
        self,
    ) -> tuple[dict[str, str], str | None, tuple[float, float, float, float] | None, int, int]:
        db = self._connection()
        tables = {
            name
            for (name,) in db.execute(
                "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')"
            )
        }
        if "tiles" not in tables:
            raise LoadError(self._file, None, None, "has no 'tiles' table: not an MBTiles file")
        metadata: dict[str, str] = {}
        if "metadata" in tables:
            metadata = {
                str(name): str(value)
                for name, value in db.execute("SELECT name, value FROM metadata")
                if name is not None and value is not None
            }
        fmt = metadata.get("format", "").strip().lower() or None
        if fmt in VECTOR_FORMATS:
            raise LoadError(
                self._file,
                None,
                "metadata.format",
                f"holds vector tiles ({fmt}); a basemap needs png, jpg or webp tiles",
            )
        if fmt is not None and fmt not in RASTER_FORMATS:
            raise LoadError(self._file, None, "metadata.format", f"unsupported tile format {fmt!r}")
        bounds = self._bounds(metadata.get("bounds"))
        low, high = db.execute("SELECT MIN(zoom_level), MAX(zoom_level) FROM tiles").fetchone()
        if low is None:
            raise LoadError(self._file, None, None, "holds no tiles")
        min_zoom = self._zoom(metadata, "minzoom", int(low))
        max_zoom = self._zoom(metadata, "maxzoom", int(high))
        if min_zoom > max_zoom:
            raise LoadError(
                self._file, None, "metadata.maxzoom", f"{max_zoom} is below minzoom {min_zoom}"
            )
        return metadata, fmt, bounds, min_zoom, max_zoom

    def _zoom(self, metadata: Mapping[str, str], name: str, default: int) -> int:
        text = metadata.get(name)
        if text is None or not text.strip():
            return default
        try:
            value = int(text.strip())
        except ValueError:
            raise LoadError(
                self._file, None, f"metadata.{name}", f"{text!r} is not a whole number"
            ) from None
        if not 0 <= value <= MAX_ZOOM:
            raise LoadError(
                self._file, None, f"metadata.{name}", f"{value} is not a zoom level 0–{MAX_ZOOM}"
            )
        return value

    def _bounds(self, text: str | None) -> tuple[float, float, float, float] | None:
        if text is None or not text.strip():
            return None
        problem = f"{text!r} is not 'west,south,east,north' in degrees"
        try:
            west, south, east, north = (float(part) for part in text.split(","))
        except ValueError:
            raise LoadError(self._file, None, "metadata.bounds", problem) from None
        inside = (
            -180.0 <= west < east <= 180.0
            and -WEB_MERCATOR_MAX_LAT - 1e-6 <= south < north <= WEB_MERCATOR_MAX_LAT + 1e-6
        )
        if not inside:
            raise LoadError(self._file, None, "metadata.bounds", problem)
        return west, south, east, north

    def _connection(self) -> sqlite3.Connection:
        if self._db is None:
            raise LoadError(self._file, None, None, "the file has been closed")
        return self._db

    def tile(self, key: TileKey) -> bytes | None:
        """The image bytes of one tile, or None if the file has no such tile.

        Args:
            key: The tile in the XYZ scheme (the TMS row flip is done here).

        Raises:
            LoadError: If the file cannot be read (corrupt, gone, or closed).
        """
        row = (1 << key.z) - 1 - key.y
        with self._lock:
            try:
                found = (
                    self._connection()
                    .execute(
                        "SELECT tile_data FROM tiles"
                        " WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?",
                        (key.z, key.x, row),
                    )
                    .fetchone()
                )
            except sqlite3.Error as exc:
                raise LoadError(self._file, None, None, f"cannot read tile {key}: {exc}") from None
        if found is None or found[0] is None:
            return None
        return bytes(found[0])

    def close(self) -> None:
        """Closes the file; further reads raise :class:`LoadError`. Idempotent."""
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    def __enter__(self) -> MBTilesSource:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


# --------------------------------------------------------------------------- cache

K = TypeVar("K")
V = TypeVar("V")


class ByteBoundedLru(Generic[K, V]):
    """A least-recently-used cache bounded by the bytes its values take.

    Args:
        budget: Bytes the values may take together.
        cost: How many bytes a value takes.
    """

    def __init__(self, budget: int, cost: Callable[[V], int]) -> None:
        self.budget = budget
        self.cost = cost
        self._items: OrderedDict[K, tuple[V, int]] = OrderedDict()
        self._total = 0

    @property
    def total(self) -> int:
        """Bytes the cached values take now."""
        return self._total

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: object) -> bool:
        """Whether ``key`` is cached (without counting as a use)."""
        return key in self._items

    def get(self, key: K) -> V | None:
        """The value for ``key``, which becomes the most recently used; None if absent."""
        item = self._items.get(key)
        if item is None:
            return None
        self._items.move_to_end(key)
        return item[0]

    def put(self, key: K, value: V, keep: Container[K] = ()) -> None:
        """Caches a value, then drops the least recently used ones until within budget.

        Args:
            key: The key.
            value: The value.
            keep: Keys never dropped now (what is on screen); the cache may exceed its
                budget when they alone do, rather than drop a tile it must fetch again.
        """
        old = self._items.pop(key, None)
        if old is not None:
            self._total -= old[1]
        size = self.cost(value)
        self._items[key] = (value, size)
        self._total += size
        if self._total <= self.budget:
            return
        for victim in list(self._items):
            if self._total <= self.budget:
                break
            if victim == key or victim in keep:
                continue
            self._total -= self._items.pop(victim)[1]

    def clear(self) -> None:
        """Drops everything."""
        self._items.clear()
        self._total = 0
