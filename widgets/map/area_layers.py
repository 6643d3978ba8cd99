"""The map's areas: boundaries, labels and the grid cells filled by a measure.

These layers change rarely (a new map, another measure's classes, another zoom band), so
each keeps its ``QPainterPath`` objects built from numpy arrays in one call
(``arrayToQPath``), invalidates them when its data changes and rebuilds them lazily in the
next paint; Qt caches what they drew in device pixels (``DeviceCoordinateCache``), so a tick
of moving units repaints them as one pixmap copy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from typing import ClassVar

import numpy as np
import numpy.typing as npt
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QPainter,
    QPainterPath,
    QPen,
    QStaticText,
    QTransform,
)

from console.map_projection import MapProjection
from models.geo import Ring, interior_point
from models.geography import CityMap
from widgets.map.layer_stack import MapLayer, visible_rect
from widgets.map.sprites import map_points


class ZoomBand(IntEnum):
    """How much detail the current zoom shows (see :func:`zoom_band`)."""

    DISTRICT = 0  # streets and towns
    STREET = 1  # + communities
    CELL = 2  # + cell outlines and community names


BAND_LIMITS: tuple[float, float] = (20.0, 8.0)
"""Map metres per pixel at which the map passes to the next band."""


def zoom_band(pixel_size: float) -> ZoomBand:
    if pixel_size > BAND_LIMITS[0]:
        return ZoomBand.DISTRICT
    if pixel_size > BAND_LIMITS[1]:
        return ZoomBand.STREET
    return ZoomBand.CELL


@dataclass(frozen=True)
class ProjectedRings:
    """Rings on the map plane as one polyline set (what ``arrayToQPath`` takes)."""

    x: npt.NDArray[np.float64]
    y: npt.NDArray[np.float64]
    connect: npt.NDArray[np.int32]
    owner: npt.NDArray[np.int64]
    """Index of the area each point belongs to."""

    def tiled(self, areas: npt.NDArray[np.bool_] | None = None, grid: int = 8) -> TiledPath:
        """The rings (of the chosen areas) as paths cut by a ``grid`` × ``grid`` of tiles.

        Each area goes whole into the tile of its centre, so no ring is cut; a tile's
        bounds are those of its rings.
        """
        keep = np.ones(self.x.size, np.bool_) if areas is None else areas[self.owner]
        if not keep.any():
            return TiledPath(())
        counts = np.bincount(self.owner, minlength=1).astype(float)
        cx = np.bincount(self.owner, weights=self.x) / np.maximum(counts, 1)
        cy = np.bincount(self.owner, weights=self.y) / np.maximum(counts, 1)
        x0, x1, y0, y1 = self.x.min(), self.x.max(), self.y.min(), self.y.max()
        col = np.clip(((cx - x0) / max(x1 - x0, 1e-9) * grid).astype(int), 0, grid - 1)
        row = np.clip(((cy - y0) / max(y1 - y0, 1e-9) * grid).astype(int), 0, grid - 1)
        tile_of_point = (row * grid + col)[self.owner]
        tiles = []
        for tile in np.unique(tile_of_point[keep]):
            chosen = keep & (tile_of_point == tile)
            x, y = self.x[chosen], self.y[chosen]
            bounds = QRectF(float(x.min()), float(y.min()), float(np.ptp(x)), float(np.ptp(y)))
            path = pg.arrayToQPath(x, y, connect=self.connect[chosen], finiteCheck=False)
            tiles.append((bounds, path))
        return TiledPath(tuple(tiles))

    def path(self, areas: npt.NDArray[np.bool_] | None = None) -> QPainterPath:
        """A path of every ring, or of the rings of the chosen areas."""
        if areas is None:
            return pg.arrayToQPath(self.x, self.y, connect=self.connect, finiteCheck=False)
        keep = areas[self.owner]
        if not keep.any():
            return QPainterPath()
        return pg.arrayToQPath(
            self.x[keep], self.y[keep], connect=self.connect[keep], finiteCheck=False
        )


@dataclass(frozen=True)
class TiledPath:
    """A large path cut into spatial tiles: a paint draws the tiles it can see, so a pan
    (which repaints a strip) or a view of a few streets costs a share of the whole."""

    tiles: tuple[tuple[QRectF, QPainterPath], ...]

    def fill(self, painter: QPainter, brush: QBrush) -> None:
        visible = visible_rect(painter)
        for bounds, path in self.tiles:
            if bounds.intersects(visible):
                painter.fillPath(path, brush)

    def stroke(self, painter: QPainter) -> None:
        """Draw the outlines with the painter's pen."""
        visible = visible_rect(painter)
        for bounds, path in self.tiles:
            if bounds.intersects(visible):
                painter.drawPath(path)


def project_rings(
    rings_per_area: Sequence[Sequence[Ring]], projection: MapProjection
) -> ProjectedRings:
    """Concatenate every ring of every area, projected; each ring starts a new sub-path."""
    lon: list[float] = []
    lat: list[float] = []
    connect: list[int] = []
    owner: list[int] = []
    for area, rings in enumerate(rings_per_area):
        for ring in rings:
            if len(ring) < 2:
                continue
            closed = list(ring) if ring[0] == ring[-1] else [*ring, ring[0]]
            lon.extend(p[0] for p in closed)
            lat.extend(p[1] for p in closed)
            # arrayToQPath: connect[i] joins point i to point i + 1.
            connect.extend([1] * (len(closed) - 1) + [0])
            owner.extend([area] * len(closed))
    x, y = projection.forward(lon, lat)
    return ProjectedRings(x, y, np.asarray(connect, np.int32), np.asarray(owner, np.int64))


class BoundaryLayer(MapLayer):
    """Outlines of the district, its streets/towns, communities and (zoomed in) cells."""

    PENS: ClassVar[dict[str, tuple[str, float]]] = {
        "district": ("#E8EEF5", 2.6),
        "streets": ("#C3CCD8", 1.4),
        "communities": ("#7D8896", 0.7),
        "cells": ("#55606E", 0.5),
    }

    def __init__(self) -> None:
        super().__init__()
        self._rings: dict[str, ProjectedRings] = {}
        self._paths: dict[str, TiledPath] = {}
        self._pens = {k: _cosmetic_pen(c, w) for k, (c, w) in self.PENS.items()}
        self.band = ZoomBand.DISTRICT

    def set_city(self, city: CityMap, projection: MapProjection) -> None:
        self._rings = {
            "district": project_rings(
                [city.boundary] if city.boundary else [s.boundary for s in city.streets], projection
            ),
            "streets": project_rings([s.boundary for s in city.streets], projection),
            "communities": project_rings([c.boundary for c in city.communities], projection),
            "cells": project_rings([[c.ring] for c in city.cells], projection),
        }
        self._paths.clear()  # rebuilt lazily, when painted
        self.changed()

    def set_band(self, band: ZoomBand) -> None:
        if band != self.band:
            self.band = band
            self.changed()

    def _path(self, level: str) -> TiledPath:
        path = self._paths.get(level)
        if path is None:
            path = self._paths[level] = self._rings[level].tiled()
        return path

    def draw(self, painter: QPainter) -> None:
        if not self._rings:
            return
        levels = ["streets", "district"]
        if self.band >= ZoomBand.STREET:
            levels.insert(0, "communities")
        if self.band >= ZoomBand.CELL:
            levels.insert(0, "cells")
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for level in levels:
            painter.setPen(self._pens[level])
            self._path(level).stroke(painter)


class CellLayer(MapLayer):
    """The grid cells filled by class: one path and one shared brush per class."""

    def __init__(self) -> None:
        super().__init__()
        self._rings: ProjectedRings | None = None
        self._classes = np.zeros(0, np.int64)
        self._brushes: list[QBrush] = []
        self._paths: list[TiledPath] | None = None

    def set_city(self, city: CityMap, projection: MapProjection) -> None:
        self._rings = project_rings([[c.ring] for c in city.cells], projection)
        self._classes = np.zeros(len(city.cells), np.int64)
        self._paths = None
        self.changed()

    def set_classes(self, classes: npt.NDArray[np.int64], colours: Sequence[str]) -> None:
        """Fill cell ``i`` with ``colours[classes[i] - 1]`` (class 0: not filled)."""
        brushes = [QBrush(QColor(c)) for c in colours]
        if np.array_equal(classes, self._classes) and [b.color() for b in brushes] == [
            b.color() for b in self._brushes
        ]:
            return
        self._classes = np.asarray(classes, np.int64).copy()
        self._brushes = brushes
        self._paths = None
        self.changed()

    @property
    def classes(self) -> npt.NDArray[np.int64]:
        return self._classes

    def draw(self, painter: QPainter) -> None:
        if self._rings is None:
            return
        if self._paths is None:
            self._paths = [
                self._rings.tiled(self._classes == k + 1) for k in range(len(self._brushes))
            ]
        painter.setPen(Qt.PenStyle.NoPen)
        for path, brush in zip(self._paths, self._brushes, strict=True):
            path.fill(painter, brush)


@dataclass
class _Labels:
    x: npt.NDArray[np.float64]
    y: npt.NDArray[np.float64]
    zh: tuple[str, ...]
    en: tuple[str, ...]
    _texts: dict[bool, list[QStaticText]] = field(default_factory=dict)

    def static_texts(self, chinese: bool, font: QFont) -> list[QStaticText]:
        """The names laid out once per language (``QStaticText`` skips layout per paint)."""
        texts = self._texts.get(chinese)
        if texts is None:
            texts = []
            for name in self.zh if chinese else self.en:
                text = QStaticText(name)
                text.prepare(QTransform(), font)
                texts.append(text)
            self._texts[chinese] = texts
        return texts


class LabelLayer(MapLayer):
    """Names of streets/towns (always) and communities (zoomed in), in pixels that do not
    scale with the map; only the labels on screen are drawn."""

    def __init__(self) -> None:
        super().__init__()
        self._streets: _Labels | None = None
        self._communities: _Labels | None = None
        self.band = ZoomBand.DISTRICT
        self.chinese = True
        self._street_font = QFont()
        self._street_font.setPointSizeF(10.5)
        self._street_font.setBold(True)
        self._community_font = QFont()
        self._community_font.setPointSizeF(8.5)

    def set_city(self, city: CityMap, projection: MapProjection) -> None:
        def labels(areas: Sequence[tuple[Sequence[Ring], str, str]]) -> _Labels:
            points = [interior_point(rings) if rings else (np.nan, np.nan) for rings, _, _ in areas]
            x, y = projection.forward([p[0] for p in points], [p[1] for p in points])
            return _Labels(x, y, tuple(a[1] for a in areas), tuple(a[2] for a in areas))

        self._streets = labels([(s.boundary, s.name_zh, s.name_en) for s in city.streets])
        self._communities = labels([(c.boundary, c.name_zh, c.name_en) for c in city.communities])
        self.changed()

    def set_band(self, band: ZoomBand) -> None:
        if band != self.band:
            self.band = band
            self.changed()

    def set_chinese(self, chinese: bool) -> None:
        if chinese != self.chinese:
            self.chinese = chinese
            self.changed()

    def draw(self, painter: QPainter) -> None:
        if self._streets is None or self._communities is None:
            return
        transform = painter.transform()
        painter.save()
        painter.resetTransform()
        if self.band >= ZoomBand.CELL:
            self._draw(
                painter, transform, self._communities, self._community_font, QColor("#AEB7C2")
            )
        self._draw(painter, transform, self._streets, self._street_font, QColor("#F2F5F8"))
        painter.restore()

    def _draw(
        self, painter: QPainter, transform: QTransform, labels: _Labels, font: QFont, colour: QColor
    ) -> None:
        dx, dy = map_points(transform, labels.x, labels.y)
        device = painter.device()
        on_screen = np.flatnonzero(
            (dx > -200) & (dy > -40) & (dx < device.width() + 200) & (dy < device.height() + 40)
        )
        texts = labels.static_texts(self.chinese, font)
        painter.setFont(font)
        shadow = QColor(20, 24, 30, 220)
        for i in on_screen:
            text = texts[i]
            size = text.size()
            at = QPointF(dx[i] - size.width() / 2, dy[i] - size.height() / 2)
            # A dark shadow on two sides keeps the name legible over any fill.
            painter.setPen(shadow)
            painter.drawStaticText(at + QPointF(1, 1), text)
            painter.drawStaticText(at + QPointF(-1, -1), text)
            painter.setPen(colour)
            painter.drawStaticText(at, text)


def _cosmetic_pen(colour: str, width: float) -> QPen:
    pen = QPen(QColor(colour), width)
    pen.setCosmetic(True)  # the same pixel width at every zoom
    return pen


class PatrolAreaLayer(MapLayer):
    """A patrol area and its coverage: the assigned cells outlined, those the unit's track
    visited filled."""

    def __init__(self, colour: str = "#009E73") -> None:
        super().__init__()
        self.assigned = QPainterPath()
        self.visited = QPainterPath()
        self._pen = _cosmetic_pen(colour, 2.0)
        self._pen.setStyle(Qt.PenStyle.DashLine)
        fill = QColor(colour)
        fill.setAlpha(110)
        self._brush = QBrush(fill)

    def set_area(self, assigned: QPainterPath, visited: QPainterPath) -> None:
        self.assigned = assigned
        self.visited = visited
        self.changed()

    @property
    def empty(self) -> bool:
        return self.assigned.isEmpty() and self.visited.isEmpty()

    def draw(self, painter: QPainter) -> None:
        if not self.visited.isEmpty():
            painter.setPen(Qt.PenStyle.NoPen)
            painter.fillPath(self.visited, self._brush)
        if not self.assigned.isEmpty():
            painter.setPen(self._pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(self.assigned)
