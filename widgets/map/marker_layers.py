"""The map's moving and numerous things: units, cases, trails, convergences, selection.

Each layer reads the arrays of :mod:`console.map_data` when painted and draws them with one
fragment call per sprite sheet (:mod:`widgets.map.sprites`) or one path; ``refresh()``
only invalidates, the work happens in the next paint, once, however many ticks came.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt
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

from console.map_data import CaseMarkers, Clusters, UnitMarkers, cluster, cluster_bin_size
from widgets.map.layer_stack import MapLayer
from widgets.map.sprites import FragmentBatch, SpriteSheet, map_points
from widgets.map.style import (
    COMPACT_MARKER_PX,
    MARKER_PX,
    PULSE_PHASES,
    SELECTION_COLOUR,
    URGENCY_COLOURS,
    case_sprites,
    cluster_size_class,
    cluster_sprites,
    heading_sprites,
    pulse_sprites,
    unit_sprites,
)


class UnitLayer(MapLayer):
    """Every unit as a marker (agency, status, stale) with a heading wedge when zoomed in,
    smaller markers when zoomed out to the whole district.

    Attributes:
        show_headings: Draw the heading wedges (zoomed in).
        compact: Draw the small markers (zoomed out).
    """

    def __init__(self, markers: UnitMarkers, dpr: float = 1.0) -> None:
        super().__init__()
        self.markers = markers
        self.show_headings = False
        self.compact = False
        self._sheet = unit_sprites(markers.agencies, dpr)
        self._compact_sheet = unit_sprites(markers.agencies, dpr, COMPACT_MARKER_PX)
        self._headings = heading_sprites(dpr)
        self._batch = FragmentBatch()
        self._heading_batch = FragmentBatch()

    @property
    def sheet(self) -> SpriteSheet:
        return self._sheet

    def draw(self, painter: QPainter) -> None:
        m = self.markers
        if m.x.size == 0:
            return
        # Headings only when zoomed in: over the whole district the markers crowd and a
        # rotated sprite costs several times a plain one.
        moving = np.flatnonzero(np.isfinite(m.heading) & ~m.stale & np.isfinite(m.x))
        if self.show_headings and moving.size:
            self._heading_batch.draw(
                painter,
                self._headings,
                m.x[moving],
                m.y[moving],
                np.zeros(moving.size, np.int64),
                rotation=m.heading[moving],
            )
        sheet = self._compact_sheet if self.compact else self._sheet
        self._batch.draw(painter, sheet, m.x, m.y, m.style)


class CaseLayer(MapLayer):
    """Open cases: single markers by urgency and state, and discs with counts where they
    crowd. Cases change far less often than units move: the map puts this layer in its
    cached stack."""

    def __init__(self, markers: CaseMarkers, dpr: float = 1.0) -> None:
        super().__init__()
        self.markers = markers
        self._sheet = case_sprites(dpr)
        self._discs = cluster_sprites(dpr)
        self._batch = FragmentBatch()
        self._disc_batch = FragmentBatch()
        self._clusters: Clusters | None = None
        self._clustered_at: tuple[int, float] | None = None
        self.pixel_size = 10.0
        self._font = QFont()
        self._font.setPointSizeF(8.5)
        self._font.setBold(True)
        self._texts: dict[int, QStaticText] = {}

    @property
    def sheet(self) -> SpriteSheet:
        return self._sheet

    def set_pixel_size(self, pixel_size: float) -> None:
        if cluster_bin_size(pixel_size) != cluster_bin_size(self.pixel_size):
            self.changed()
        self.pixel_size = pixel_size

    def clusters(self) -> Clusters:
        """The clusters at the current zoom, recomputed only when the cases or the zoom's
        bin size changed."""
        bin_size = cluster_bin_size(self.pixel_size)
        key = (self.markers.version, bin_size)
        if self._clusters is None or key != self._clustered_at:
            self._clusters = cluster(self.markers, bin_size)
            self._clustered_at = key
        return self._clusters

    def _text(self, count: int) -> QStaticText:
        text = self._texts.get(count)
        if text is None:
            text = self._texts[count] = QStaticText(str(count))
            text.prepare(QTransform(), self._font)
        return text

    def draw(self, painter: QPainter) -> None:
        c = self.clusters()
        if c.count.size == 0:
            return
        single = c.count == 1
        rows = c.rows[c.starts[:-1][single]]
        self._batch.draw(painter, self._sheet, c.x[single], c.y[single], self.markers.styles(rows))
        several = np.flatnonzero(~single)
        if several.size == 0:
            return
        styles = cluster_size_class(c.count[several]) * len(URGENCY_COLOURS) + c.urgency[several]
        self._disc_batch.draw(painter, self._discs, c.x[several], c.y[several], styles)
        dx, dy = map_points(painter.transform(), c.x[several], c.y[several])
        width, height = painter.device().width(), painter.device().height()
        on_screen = (dx > -40) & (dy > -40) & (dx < width + 40) & (dy < height + 40)
        painter.save()
        painter.resetTransform()
        painter.setFont(self._font)
        painter.setPen(QColor("#14181E"))
        for k in np.flatnonzero(on_screen):
            text = self._text(int(c.count[several[k]]))
            size = text.size()
            painter.drawStaticText(
                QPointF(dx[k] - size.width() / 2, dy[k] - size.height() / 2), text
            )
        painter.restore()


class OverdueLayer(MapLayer):
    """A ring that swells and fades around overdue cases and clusters holding one."""

    def __init__(self, cases: CaseLayer, dpr: float = 1.0) -> None:
        super().__init__()
        self.cases = cases
        self._sheet = pulse_sprites(dpr)
        self._batch = FragmentBatch()
        self.phase = 0

    def set_phase(self, share: float) -> None:
        """Where the pulse is, 0 … 1; repaints only when there is something overdue."""
        phase = int(share * PULSE_PHASES) % PULSE_PHASES
        if phase != self.phase:
            self.phase = phase
            if self.cases.markers.overdue.any():
                self.changed()

    def draw(self, painter: QPainter) -> None:
        c = self.cases.clusters()
        overdue = np.flatnonzero(c.overdue)
        if overdue.size == 0:
            return
        size_class = np.where(c.count[overdue] == 1, -1, cluster_size_class(c.count[overdue]))
        styles = (size_class + 1) * PULSE_PHASES + self.phase
        self._batch.draw(painter, self._sheet, c.x[overdue], c.y[overdue], styles)


class TrailLayer(MapLayer):
    """Recent trails of some units, one polyline path, rebuilt when sampled or chosen."""

    def __init__(self) -> None:
        super().__init__()
        self._path = QPainterPath()
        self._pen = QPen(QColor(86, 180, 233, 170), 2.0)
        self._pen.setCosmetic(True)

    def set_trails(
        self, x: npt.NDArray[np.float64], y: npt.NDArray[np.float64], connect: npt.NDArray[np.int32]
    ) -> None:
        self._path = (
            pg.arrayToQPath(x, y, connect=connect, finiteCheck=True) if x.size else QPainterPath()
        )
        self.changed()

    @property
    def empty(self) -> bool:
        return self._path.isEmpty()

    def draw(self, painter: QPainter) -> None:
        if not self._path.isEmpty():
            painter.setPen(self._pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(self._path)


@dataclass(frozen=True)
class Convergence:
    """Units converging on a point: a joint operation's meeting point, or the units near
    a case that the dispatcher asked about.

    Attributes:
        x, y: The point on the map.
        unit_ids: The units.
        labels: Text beside each unit's line (e.g. its distance), or empty.
    """

    x: float
    y: float
    unit_ids: tuple[str, ...]
    labels: tuple[str, ...] = ()


class ConvergenceLayer(MapLayer):
    """Meeting points and a line from each converging unit's live position to its point."""

    def __init__(self, units: UnitMarkers, colour: str) -> None:
        super().__init__()
        self.units = units
        self.convergences: tuple[Convergence, ...] = ()
        self.row_of: dict[str, int] = {}
        self._pen = QPen(QColor(colour), 2.0, Qt.PenStyle.DashLine)
        self._pen.setCosmetic(True)
        self._point_pen = QPen(QColor("#FFFFFF"), 2.0)
        self._point_brush = QBrush(QColor(colour))
        self._font = QFont()
        self._font.setPointSizeF(8.5)

    def set_convergences(self, convergences: Sequence[Convergence], row_of: dict[str, int]) -> None:
        self.convergences = tuple(convergences)
        self.row_of = row_of
        self.changed()

    def draw(self, painter: QPainter) -> None:
        if not self.convergences:
            return
        transform = painter.transform()
        painter.save()
        painter.resetTransform()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setFont(self._font)
        m = self.units
        for conv in self.convergences:
            rows = [self.row_of.get(u, -1) for u in conv.unit_ids]
            known = [r for r in rows if 0 <= r < m.x.size and np.isfinite(m.x[r])]
            px, py = map_points(transform, np.array([conv.x]), np.array([conv.y]))
            point = QPointF(float(px[0]), float(py[0]))
            if known:
                ux, uy = map_points(transform, m.x[known], m.y[known])
                painter.setPen(self._pen)
                for k in range(len(known)):
                    painter.drawLine(point, QPointF(ux[k], uy[k]))
                painter.setPen(QColor("#F2F5F8"))
                for k, r in enumerate(rows):
                    if conv.labels and r in known and k < len(conv.labels):
                        j = known.index(r)
                        mid = QPointF((ux[j] + point.x()) / 2 + 4, (uy[j] + point.y()) / 2 - 4)
                        painter.drawText(mid, conv.labels[k])
            painter.setPen(self._point_pen)
            painter.setBrush(self._point_brush)
            painter.drawEllipse(point, 7.0, 7.0)
        painter.restore()


class SelectionLayer(MapLayer):
    """Rings around the selected units and cases, and the selected cell's outline."""

    def __init__(self, units: UnitMarkers, cases: CaseMarkers) -> None:
        super().__init__()
        self.units = units
        self.cases = cases
        self.unit_rows: npt.NDArray[np.int64] = np.empty(0, np.int64)
        self.case_rows: npt.NDArray[np.int64] = np.empty(0, np.int64)
        self.cell_path = QPainterPath()
        self._pen = QPen(QColor(SELECTION_COLOUR), 3.0)
        self._cell_pen = QPen(QColor(SELECTION_COLOUR), 3.0)
        self._cell_pen.setCosmetic(True)

    def set_selection(
        self, unit_rows: Sequence[int], case_rows: Sequence[int], cell_path: QPainterPath
    ) -> None:
        self.unit_rows = np.asarray(unit_rows, np.int64)
        self.case_rows = np.asarray(case_rows, np.int64)
        self.cell_path = cell_path
        self.changed()

    def draw(self, painter: QPainter) -> None:
        if not self.cell_path.isEmpty():
            painter.setPen(self._cell_pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(self.cell_path)
        unit_rows = self.unit_rows[self.unit_rows < self.units.x.size]
        xs = np.r_[self.units.x[unit_rows], self.cases.x[self.case_rows]]
        ys = np.r_[self.units.y[unit_rows], self.cases.y[self.case_rows]]
        finite = np.isfinite(xs) & np.isfinite(ys)
        if not finite.any():
            return
        dx, dy = map_points(painter.transform(), xs[finite], ys[finite])
        painter.save()
        painter.resetTransform()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(self._pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        radius = MARKER_PX / 2 + 5
        for x, y in zip(dx, dy, strict=True):
            painter.drawEllipse(QPointF(x, y), radius, radius)
        painter.restore()
