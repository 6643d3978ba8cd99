"""Coordinates: WGS-84 ↔ GCJ-02, Web Mercator, distances and small polygon helpers.

Conventions used across the project:

* Every coordinate pair is ``(lon, lat)`` in degrees, in that order (GeoJSON order).
* Devices report WGS-84; Chinese web basemaps use GCJ-02. The domain stores WGS-84 only and
  converts at the edges (imports of GCJ-02 data, drawing on a GCJ-02 basemap).
* A ring is a closed sequence of positions: its last position equals its first. A polygon
  is a flat sequence of rings read with the even–odd rule, so outer rings, holes and
  separate parts need no orientation bookkeeping.

Scalar functions take and return Python floats; ``*_array`` variants take anything
``numpy.asarray`` accepts and return float64 arrays of the broadcast shape.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

Coord = tuple[float, float]
"""A position ``(lon, lat)`` in degrees."""
Ring = tuple[Coord, ...]
"""A closed ring: first position repeated at the end."""
Rings = tuple[Ring, ...]
"""A polygon as rings under the even–odd rule (parts and holes alike)."""

FloatArray = npt.NDArray[np.float64]
ArrayLike = npt.ArrayLike

EARTH_RADIUS_M = 6371008.8
"""Mean Earth radius (IUGG), for great-circle distances and areas."""
WEB_MERCATOR_RADIUS_M = 6378137.0
"""Sphere radius of Web Mercator (EPSG:3857), the WGS-84 semi-major axis."""
WEB_MERCATOR_MAX_LAT = 85.051128779806592
"""Latitude at which Web Mercator becomes a square world; beyond it we clamp."""

# The published GCJ-02 ("Mars coordinates") constants. The ellipsoid is Krasovsky 1940.
_GCJ_A = 6378245.0
_GCJ_EE = 0.00669342162296594323

CHINA_BBOX = (72.004, 0.8293, 137.8347, 55.8271)
"""``(min_lon, min_lat, max_lon, max_lat)`` inside which the GCJ-02 offset applies.

It is the box that the public implementations of the formula use; outside it GCJ-02 equals
WGS-84. The formula is discontinuous at the box edge, which only runs through sea and
neighbouring countries.
"""


# --------------------------------------------------------------------------- GCJ-02


def in_china(lon: float, lat: float) -> bool:
    """Tell whether the GCJ-02 offset applies at a position.

    Args:
        lon: Longitude in degrees.
        lat: Latitude in degrees.

    Returns:
        True inside :data:`CHINA_BBOX`.
    """
    return CHINA_BBOX[0] <= lon <= CHINA_BBOX[2] and CHINA_BBOX[1] <= lat <= CHINA_BBOX[3]


def in_china_array(lons: ArrayLike, lats: ArrayLike) -> npt.NDArray[np.bool_]:
    """Vectorised :func:`in_china`."""
    x = np.asarray(lons, dtype=np.float64)
    y = np.asarray(lats, dtype=np.float64)
    return (x >= CHINA_BBOX[0]) & (x <= CHINA_BBOX[2]) & (y >= CHINA_BBOX[1]) & (y <= CHINA_BBOX[3])


def _gcj_offset(lon: float, lat: float) -> Coord:
    """The GCJ-02 offset (dlon, dlat) in degrees at a WGS-84 position, box not checked."""
    x = lon - 105.0
    y = lat - 35.0
    # The operation order follows the published formula so results match it to the last bit
    # or nearly: the DOMAIN.md test vector is checked to 1e-9 degrees.
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    dlat += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    dlat += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    dlat += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    dlon += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    dlon += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    dlon += (
        (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    )
    radlat = lat / 180.0 * math.pi
    magic = math.sin(radlat)
    magic = 1 - _GCJ_EE * magic * magic
    sqrtmagic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_GCJ_A * (1 - _GCJ_EE)) / (magic * sqrtmagic) * math.pi)
    dlon = (dlon * 180.0) / (_GCJ_A / sqrtmagic * math.cos(radlat) * math.pi)
    return dlon, dlat


def _gcj_offset_array(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Vectorised :func:`_gcj_offset` (same operation order)."""
    x = lon - 105.0
    y = lat - 35.0
    pi = math.pi
    common = (20.0 * np.sin(6.0 * x * pi) + 20.0 * np.sin(2.0 * x * pi)) * 2.0 / 3.0
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    dlat += common
    dlat += (20.0 * np.sin(y * pi) + 40.0 * np.sin(y / 3.0 * pi)) * 2.0 / 3.0
    dlat += (160.0 * np.sin(y / 12.0 * pi) + 320 * np.sin(y * pi / 30.0)) * 2.0 / 3.0
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    dlon += common
    dlon += (20.0 * np.sin(x * pi) + 40.0 * np.sin(x / 3.0 * pi)) * 2.0 / 3.0
    dlon += (150.0 * np.sin(x / 12.0 * pi) + 300.0 * np.sin(x / 30.0 * pi)) * 2.0 / 3.0
    radlat = lat / 180.0 * pi
    magic = np.sin(radlat)
    magic = 1 - _GCJ_EE * magic * magic
    sqrtmagic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_GCJ_A * (1 - _GCJ_EE)) / (magic * sqrtmagic) * pi)
    dlon = (dlon * 180.0) / (_GCJ_A / sqrtmagic * np.cos(radlat) * pi)
    return dlon, dlat


def wgs84_to_gcj02(lon: float, lat: float) -> Coord:
    """Convert a WGS-84 position to GCJ-02 (identity outside China's box).

    Args:
        lon: WGS-84 longitude in degrees.
        lat: WGS-84 latitude in degrees.

    Returns:
        ``(lon, lat)`` in GCJ-02.
    """
    if not in_china(lon, lat):
        return lon, lat
    dlon, dlat = _gcj_offset(lon, lat)
    return lon + dlon, lat + dlat


def gcj02_to_wgs84(
    lon: float, lat: float, *, tolerance: float = 1e-12, max_iterations: int = 30
) -> Coord:
    """Convert a GCJ-02 position back to WGS-84 by fixed-point iteration.

    The offset changes slowly with position (its gradient is about 1e-2), so each step
    shrinks the error about a hundredfold: five steps reach 1e-12 degrees.

    Args:
        lon: GCJ-02 longitude in degrees.
        lat: GCJ-02 latitude in degrees.
        tolerance: Stop once the forward transform of the estimate is this close (degrees).
        max_iterations: Upper bound on steps.

    Returns:
        ``(lon, lat)`` in WGS-84; identity outside China's box.
    """
    if not in_china(lon, lat):
        return lon, lat
    wlon, wlat = lon, lat
    for _ in range(max_iterations):
        # The offset is applied without the box test: at the box edge, switching to the
        # identity mid-iteration would make the estimate oscillate.
        dlon, dlat = _gcj_offset(wlon, wlat)
        err_lon = wlon + dlon - lon
        err_lat = wlat + dlat - lat
        wlon -= err_lon
        wlat -= err_lat
        if abs(err_lon) < tolerance and abs(err_lat) < tolerance:
            break
    return wlon, wlat


def wgs84_to_gcj02_array(lons: ArrayLike, lats: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Vectorised :func:`wgs84_to_gcj02`.

    Args:
        lons: WGS-84 longitudes in degrees.
        lats: WGS-84 latitudes in degrees (broadcastable with ``lons``).

    Returns:
        New arrays ``(lons, lats)`` in GCJ-02.
    """
    x, y = np.broadcast_arrays(np.asarray(lons, np.float64), np.asarray(lats, np.float64))
    inside = in_china_array(x, y)
    dlon, dlat = _gcj_offset_array(x, y)
    return np.where(inside, x + dlon, x), np.where(inside, y + dlat, y)


def gcj02_to_wgs84_array(
    lons: ArrayLike, lats: ArrayLike, *, tolerance: float = 1e-12, max_iterations: int = 30
) -> tuple[FloatArray, FloatArray]:
    """Vectorised :func:`gcj02_to_wgs84`.

    Args:
        lons: GCJ-02 longitudes in degrees.
        lats: GCJ-02 latitudes in degrees (broadcastable with ``lons``).
        tolerance: Stop once every estimate maps back within this many degrees.
        max_iterations: Upper bound on steps.

    Returns:
        New arrays ``(lons, lats)`` in WGS-84.
    """
    glon, glat = np.broadcast_arrays(np.asarray(lons, np.float64), np.asarray(lats, np.float64))
    inside = in_china_array(glon, glat)
    wlon = np.array(glon, dtype=np.float64, copy=True)
    wlat = np.array(glat, dtype=np.float64, copy=True)
    if not inside.any():
        return wlon, wlat
    gx = glon[inside]
    gy = glat[inside]
    ex, ey = gx.copy(), gy.copy()
    for _ in range(max_iterations):
        dlon, dlat = _gcj_offset_array(ex, ey)
        err_lon = ex + dlon - gx
        err_lat = ey + dlat - gy
        ex -= err_lon
        ey -= err_lat
        worst = max(float(np.max(np.abs(err_lon))), float(np.max(np.abs(err_lat))))
        if worst < tolerance:
            break
    wlon[inside] = ex
    wlat[inside] = ey
    return wlon, wlat


# --------------------------------------------------------------------------- Web Mercator


def lonlat_to_web_mercator(lon: float, lat: float) -> Coord:
    """Project to Web Mercator (EPSG:3857) metres; latitude is clamped to ±85.0511°.

    Args:
        lon: Longitude in degrees.
        lat: Latitude in degrees.

    Returns:
        ``(x, y)`` in metres.
    """
    lat = min(max(lat, -WEB_MERCATOR_MAX_LAT), WEB_MERCATOR_MAX_LAT)
    x = WEB_MERCATOR_RADIUS_M * math.radians(lon)
    y = WEB_MERCATOR_RADIUS_M * math.log(math.tan(math.pi / 4.0 + math.radians(lat) / 2.0))
    return x, y


def web_mercator_to_lonlat(x: float, y: float) -> Coord:
    """Inverse of :func:`lonlat_to_web_mercator`.

    Args:
        x: Easting in metres.
        y: Northing in metres.

    Returns:
        ``(lon, lat)`` in degrees.
    """
    lon = math.degrees(x / WEB_MERCATOR_RADIUS_M)
    lat = math.degrees(2.0 * math.atan(math.exp(y / WEB_MERCATOR_RADIUS_M)) - math.pi / 2.0)
    return lon, lat


def lonlat_to_web_mercator_array(lons: ArrayLike, lats: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Vectorised :func:`lonlat_to_web_mercator`."""
    lon = np.asarray(lons, dtype=np.float64)
    lat = np.clip(np.asarray(lats, dtype=np.float64), -WEB_MERCATOR_MAX_LAT, WEB_MERCATOR_MAX_LAT)
    x = WEB_MERCATOR_RADIUS_M * np.radians(lon)
    y = WEB_MERCATOR_RADIUS_M * np.log(np.tan(math.pi / 4.0 + np.radians(lat) / 2.0))
    bx, by = np.broadcast_arrays(x, y)
    return bx.copy(), by.copy()


def web_mercator_to_lonlat_array(xs: ArrayLike, ys: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Vectorised :func:`web_mercator_to_lonlat`."""
    x = np.asarray(xs, dtype=np.float64)
    y = np.asarray(ys, dtype=np.float64)
    lon = np.degrees(x / WEB_MERCATOR_RADIUS_M)
    lat = np.degrees(2.0 * np.arctan(np.exp(y / WEB_MERCATOR_RADIUS_M)) - math.pi / 2.0)
    blon, blat = np.broadcast_arrays(lon, lat)
    return blon.copy(), blat.copy()


# --------------------------------------------------------------------------- distances


def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance on the mean-radius sphere (error ≤ 0.5 % against WGS-84).

    Args:
        lon1: Longitude of the first position, degrees.
        lat1: Latitude of the first position, degrees.
        lon2: Longitude of the second position, degrees.
        lat2: Latitude of the second position, degrees.

    Returns:
        Distance in metres.
    """
    p1 = math.radians(lat1)
    p2 = math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    h = math.sin(dp / 2.0) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2.0) ** 2
    return 2.0 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def haversine_m_array(
    lons1: ArrayLike, lats1: ArrayLike, lons2: ArrayLike, lats2: ArrayLike
) -> FloatArray:
    """Vectorised :func:`haversine_m` (arguments broadcast)."""
    p1 = np.radians(np.asarray(lats1, dtype=np.float64))
    p2 = np.radians(np.asarray(lats2, dtype=np.float64))
    dl = np.radians(np.asarray(lons2, dtype=np.float64) - np.asarray(lons1, dtype=np.float64))
    h = np.sin((p2 - p1) / 2.0) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2.0) ** 2
    return np.asarray(2.0 * EARTH_RADIUS_M * np.arcsin(np.minimum(1.0, np.sqrt(h))))


class LocalProjection:
    """Equirectangular metres around a reference point, for city-sized geometry.

    Over a district (±30 km) the scale error is below 0.5 %, which is plenty for laying out
    cells, measuring cell areas and nearest-neighbour work; it keeps lon and lat separable,
    so a lattice of squares in metres is a lattice of rectangles in degrees.

    Args:
        lon0: Reference longitude in degrees (x = 0).
        lat0: Reference latitude in degrees (y = 0).
    """

    __slots__ = ("lat0", "lon0", "m_per_deg_lat", "m_per_deg_lon")

    def __init__(self, lon0: float, lat0: float) -> None:
        self.lon0 = float(lon0)
        self.lat0 = float(lat0)
        self.m_per_deg_lat = math.pi * EARTH_RADIUS_M / 180.0
        self.m_per_deg_lon = self.m_per_deg_lat * math.cos(math.radians(lat0))

    def forward(self, lon: float, lat: float) -> Coord:
        """Degrees to metres ``(x east, y north)``."""
        return (lon - self.lon0) * self.m_per_deg_lon, (lat - self.lat0) * self.m_per_deg_lat

    def inverse(self, x: float, y: float) -> Coord:
        """Metres to degrees ``(lon, lat)``."""
        return self.lon0 + x / self.m_per_deg_lon, self.lat0 + y / self.m_per_deg_lat

    def forward_array(self, lons: ArrayLike, lats: ArrayLike) -> tuple[FloatArray, FloatArray]:
        """Vectorised :meth:`forward`."""
        x = (np.asarray(lons, dtype=np.float64) - self.lon0) * self.m_per_deg_lon
        y = (np.asarray(lats, dtype=np.float64) - self.lat0) * self.m_per_deg_lat
        return x, y

    def inverse_array(self, xs: ArrayLike, ys: ArrayLike) -> tuple[FloatArray, FloatArray]:
        """Vectorised :meth:`inverse`."""
        lon = self.lon0 + np.asarray(xs, dtype=np.float64) / self.m_per_deg_lon
        lat = self.lat0 + np.asarray(ys, dtype=np.float64) / self.m_per_deg_lat
        return lon, lat


# --------------------------------------------------------------------------- polygons


def ring_area_m2(ring: Sequence[Coord]) -> float:
    """Area enclosed by a ring on the mean-radius sphere, in square metres.

    Uses the spherical-trapezoid sum of Chamberlain & Duquette (2007), accurate for rings
    of any size that do not wrap a pole.

    Args:
        ring: Closed ring of ``(lon, lat)``.

    Returns:
        The absolute area (orientation ignored).
    """
    n = len(ring)
    if n < 4:
        return 0.0
    total = 0.0
    # The closing position repeats the first, so the n-1 distinct vertices are 0..n-2.
    m = n - 1
    for i in range(m):
        lon_prev = ring[i - 1 if i > 0 else m - 1][0]
        lon_next = ring[i + 1][0]
        total += math.radians(lon_next - lon_prev) * math.sin(math.radians(ring[i][1]))
    return abs(total) * EARTH_RADIUS_M * EARTH_RADIUS_M / 2.0


def ring_centroid(ring: Sequence[Coord]) -> Coord:
    """Area centroid of a ring (planar, with longitudes scaled by cos(lat)).

    Args:
        ring: Closed ring of ``(lon, lat)``.

    Returns:
        ``(lon, lat)`` of the centroid; the vertex mean for degenerate rings.
    """
    if not ring:
        raise ValueError("empty ring")
    lon0, lat0 = ring[0]
    k = math.cos(math.radians(lat0))
    a2 = 0.0
    cx = 0.0
    cy = 0.0
    for i in range(len(ring) - 1):
        # Relative to the first vertex, to keep the products small and exact enough.
        x1 = (ring[i][0] - lon0) * k
        y1 = ring[i][1] - lat0
        x2 = (ring[i + 1][0] - lon0) * k
        y2 = ring[i + 1][1] - lat0
        cross = x1 * y2 - x2 * y1
        a2 += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    if abs(a2) < 1e-18:
        distinct = ring[:-1] if len(ring) > 1 else ring
        return (
            sum(p[0] for p in distinct) / len(distinct),
            sum(p[1] for p in distinct) / len(distinct),
        )
    return lon0 + cx / (3.0 * a2) / k, lat0 + cy / (3.0 * a2)


def rings_centroid(rings: Sequence[Sequence[Coord]]) -> Coord:
    """Area centroid of an even–odd polygon, assuming its rings do not cross.

    Each ring's area counts positively when it lies inside an even number of the other
    rings (an outer part) and negatively otherwise (a hole).

    Args:
        rings: Closed rings of ``(lon, lat)``.

    Returns:
        ``(lon, lat)`` of the centroid.
    """
    sx = 0.0
    sy = 0.0
    sa = 0.0
    for i, ring in enumerate(rings):
        depth = sum(
            1
            for j, other in enumerate(rings)
            if j != i and point_in_ring(ring[0][0], ring[0][1], other)
        )
        sign = 1.0 if depth % 2 == 0 else -1.0
        area = ring_area_m2(ring) * sign
        cx, cy = ring_centroid(ring)
        sx += cx * area
        sy += cy * area
        sa += area
    if sa == 0.0:
        return ring_centroid(rings[0])
    return sx / sa, sy / sa


def point_in_ring(lon: float, lat: float, ring: Sequence[Coord]) -> bool:
    """Crossing-number test of a point against one closed ring.

    The rule is half-open (an edge counts when exactly one end lies strictly above the
    point and the crossing is strictly east of it) and every edge is evaluated from its
    lower end, so a point on an edge shared by two adjacent polygons belongs to exactly
    one of them. :class:`models.cell_index.CellIndex` applies the same arithmetic.

    Args:
        lon: Longitude of the point.
        lat: Latitude of the point.
        ring: Closed ring of ``(lon, lat)``.

    Returns:
        True when the point is inside.
    """
    inside = False
    for i in range(len(ring) - 1):
        x0, y0 = ring[i]
        x1, y1 = ring[i + 1]
        if (y0 > lat) == (y1 > lat):
            continue
        if y0 > y1:
            x0, y0, x1, y1 = x1, y1, x0, y0
        if lon < x0 + (lat - y0) * ((x1 - x0) / (y1 - y0)):
            inside = not inside
    return inside


def point_in_rings(lon: float, lat: float, rings: Sequence[Sequence[Coord]]) -> bool:
    """Even–odd test of a point against a polygon given as rings (parts and holes).

    Args:
        lon: Longitude of the point.
        lat: Latitude of the point.
        rings: Closed rings of ``(lon, lat)``.

    Returns:
        True when the point lies inside an odd number of rings.
    """
    inside = False
    for ring in rings:
        if point_in_ring(lon, lat, ring):
            inside = not inside
    return inside


def interior_point(rings: Sequence[Sequence[Coord]]) -> Coord:
    """A point guaranteed inside an even–odd polygon, near its middle.

    The area centroid is used when it lies inside; otherwise (concave shapes, rings with
    holes) the midpoint of the widest inside span on the horizontal line through the
    centroid, as GEOS's interior point does.

    Args:
        rings: Closed rings of ``(lon, lat)`` enclosing a non-zero area.

    Returns:
        ``(lon, lat)`` inside the polygon.
    """
    cx, cy = rings_centroid(rings)
    if point_in_rings(cx, cy, rings):
        return cx, cy
    lats = sorted({p[1] for ring in rings for p in ring})
    # Try the centroid's latitude first, then lines halfway between vertex latitudes, so
    # the scan line never passes through a vertex.
    mids = [(a + b) / 2.0 for a, b in itertools.pairwise(lats)]
    candidates = [cy, *sorted(mids, key=lambda m: abs(m - cy))]
    for y in candidates:
        xs: list[float] = []
        for ring in rings:
            for i in range(len(ring) - 1):
                x0, y0 = ring[i]
                x1, y1 = ring[i + 1]
                if (y0 > y) != (y1 > y):
                    xs.append(x0 + (y - y0) * (x1 - x0) / (y1 - y0))
        xs.sort()
        best = -1.0
        mid = cx
        for a, b in zip(xs[0::2], xs[1::2], strict=False):
            if b - a > best:
                best = b - a
                mid = (a + b) / 2.0
        if best > 0.0 and point_in_rings(mid, y, rings):
            return mid, y
    raise ValueError("polygon has no interior")


def ring_signed_area(ring: Sequence[Coord]) -> float:
    """Signed planar area in square degrees: positive for counter-clockwise rings."""
    total = 0.0
    for i in range(len(ring) - 1):
        total += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1]
    return total / 2.0


def group_polygons(rings: Sequence[Ring]) -> list[list[Ring]]:
    """Group even–odd rings into GeoJSON polygons: outer ring first, then its holes.

    Rings are assumed not to cross nor share edges (they may touch at vertices), which
    holds for the outlines this package traces. Outer rings come back counter-clockwise
    and holes clockwise (RFC 7946's right-hand rule).

    Args:
        rings: Closed rings under the even–odd rule.

    Returns:
        One list per polygon: ``[outer, hole, hole, ...]``.
    """
    probes: list[Coord] = []
    for ring in rings:
        # The middle of the first edge lies on this ring only, unlike a vertex, which a
        # touching ring may share.
        (x0, y0), (x1, y1) = ring[0], ring[1]
        probes.append(((x0 + x1) / 2.0, (y0 + y1) / 2.0))
    containers: list[list[int]] = [
        [j for j, other in enumerate(rings) if j != i and point_in_ring(*probes[i], other)]
        for i in range(len(rings))
    ]
    depth = [len(c) for c in containers]
    polygons: dict[int, list[Ring]] = {}
    order: list[int] = []
    for i, ring in enumerate(rings):
        if depth[i] % 2 == 0:
            ccw = ring if ring_signed_area(ring) > 0 else tuple(reversed(ring))
            polygons[i] = [ccw]
            order.append(i)
    for i, ring in enumerate(rings):
        if depth[i] % 2 == 1:
            parent = next(j for j in containers[i] if depth[j] == depth[i] - 1)
            cw = ring if ring_signed_area(ring) < 0 else tuple(reversed(ring))
            polygons[parent].append(cw)
    return [polygons[i] for i in order]
