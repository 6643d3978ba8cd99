"""Where things go on the map: WGS-84 longitude/latitude → the map's plane, and back.

The map's plane is Web Mercator metres (x east, y north), the plane of every raster tile
scheme. The data (grid, units, cases) is WGS-84; a basemap may be drawn in another datum —
Chinese web maps are in GCJ-02, offset from WGS-84 by a few hundred metres around Shanghai.
So the *display datum* is a property of the map, chosen per basemap: with a GCJ-02 basemap
every overlay is shifted into GCJ-02 before it is projected, and the overlays line up with
the streets on the tiles. Everything that places a point on the map goes through one
:class:`MapProjection`, so a change of datum moves every layer at once.

Plain Python and numpy; no Qt.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from models.geo import (
    gcj02_to_wgs84_array,
    lonlat_to_web_mercator_array,
    web_mercator_to_lonlat_array,
    wgs84_to_gcj02_array,
)

FloatArray = npt.NDArray[np.float64]


class Datum(StrEnum):
    """The geodetic datum a basemap is drawn in."""

    WGS84 = "wgs84"
    GCJ02 = "gcj02"


@dataclass(frozen=True)
class MapProjection:
    """WGS-84 ↔ map plane (Web Mercator metres of the display datum).

    Attributes:
        datum: The datum the map is drawn in (the basemap's).
    """

    datum: Datum = Datum.WGS84

    def forward(self, lons: npt.ArrayLike, lats: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
        """WGS-84 degrees → map metres; NaN stays NaN (a unit that never reported)."""
        lon = np.asarray(lons, dtype=np.float64)
        lat = np.asarray(lats, dtype=np.float64)
        if self.datum is Datum.GCJ02:
            lon, lat = wgs84_to_gcj02_array(lon, lat)
        return lonlat_to_web_mercator_array(lon, lat)

    def inverse(self, xs: npt.ArrayLike, ys: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
        """Map metres → WGS-84 degrees."""
        lon, lat = web_mercator_to_lonlat_array(xs, ys)
        if self.datum is Datum.GCJ02:
            lon, lat = gcj02_to_wgs84_array(lon, lat)
        return lon, lat

    def point(self, lon: float, lat: float) -> tuple[float, float]:
        """One point, WGS-84 → map metres."""
        x, y = self.forward([lon], [lat])
        return float(x[0]), float(y[0])

    def lonlat(self, x: float, y: float) -> tuple[float, float]:
        """One point, map metres → WGS-84."""
        lon, lat = self.inverse([x], [y])
        return float(lon[0]), float(lat[0])


def ground_metres_per_map_metre(y: float) -> float:
    """How many metres on the ground one map metre is at northing ``y``.

    Web Mercator stretches by ``1 / cos(latitude)``: around Shanghai (31° N) a map metre is
    0.86 m on the ground, so a scale bar must shrink its labels accordingly.
    """
    _, lat = web_mercator_to_lonlat_array([0.0], [y])
    return math.cos(math.radians(float(lat[0])))
