"""Markers drawn by the thousand: a sprite sheet and one fragment call per paint.

Each marker style (agency × status, urgency × state…) is painted once into a sheet; a paint
maps the markers' positions to device pixels with numpy and hands Qt one array of pixmap
fragments (``QPainter.drawPixmapFragments``) — no Python object per marker, no per-marker
brush. The array's memory is pyqtgraph's ``PrimitiveArray``, the same trick pyqtgraph's own
``ScatterPlotItem`` uses, so the fragments are written with numpy in place.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt
from pyqtgraph.Qt import internals
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen, QPixmap, QPolygonF, QTransform

SpritePainter = Callable[[QPainter, float], None]
"""Paints one sprite centred on (0, 0) into a square of the given side (logical pixels)."""


class SpriteSheet:
    """Sprites of one size painted side by side into one pixmap.

    Args:
        painters: One painter per style code, in code order.
        size: Side of each sprite in logical pixels.
        device_pixel_ratio: Of the screen, so sprites stay sharp on high-DPI walls.
    """

    def __init__(
        self, painters: Sequence[SpritePainter], size: int, device_pixel_ratio: float = 1.0
    ) -> None:
        self.size = size
        self.device_pixel_ratio = device_pixel_ratio
        side = int(np.ceil(size * device_pixel_ratio))
        columns = max(1, int(np.ceil(np.sqrt(len(painters)))))
        rows = max(1, -(-len(painters) // columns))
        self.pixmap = QPixmap(columns * side, rows * side)
        self.pixmap.fill(Qt.GlobalColor.transparent)
        rects = np.zeros((len(painters), 4))
        painter = QPainter(self.pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for code, paint in enumerate(painters):
            col, row = code % columns, code // columns
            rects[code] = (col * side, row * side, side, side)
            painter.save()
            painter.translate(col * side + side / 2, row * side + side / 2)
            painter.scale(device_pixel_ratio, device_pixel_ratio)
            paint(painter, size)
            painter.restore()
        painter.end()
        self.source_rects = rects


class FragmentBatch:
    """Draws many sprites of a sheet in one call."""

    def __init__(self) -> None:
        self._fragments = internals.PrimitiveArray(QPainter.PixmapFragment, 10)

    def draw(
        self,
        painter: QPainter,
        sheet: SpriteSheet,
        x: npt.NDArray[np.float64],
        y: npt.NDArray[np.float64],
        styles: npt.NDArray[np.int64],
        *,
        rotation: npt.ArrayLike | None = None,
        opacity: float = 1.0,
    ) -> None:
        """Draw sprite ``styles[i]`` centred on the scene point ``(x[i], y[i])``.

        The painter's current transform maps the points to the device; sprites keep their
        pixel size (they do not grow when zoomed in). Points off the device are skipped.
        """
        if x.size == 0:
            return
        transform = painter.transform()
        dx, dy = map_points(transform, x, y)
        device = painter.device()
        margin = sheet.size
        keep = (
            (dx > -margin)
            & (dy > -margin)
            & (dx < device.width() + margin)
            & (dy < device.height() + margin)
        )
        if not keep.all():
            dx, dy, styles = dx[keep], dy[keep], styles[keep]
            if rotation is not None:
                rotation = np.asarray(rotation)[keep]
        if dx.size == 0:
            return
        self._fragments.resize(dx.size)
        frags = self._fragments.ndarray()
        frags[:, 0] = dx
        frags[:, 1] = dy
        frags[:, 2:6] = sheet.source_rects[styles]
        scale = 1.0 / sheet.device_pixel_ratio
        frags[:, 6] = scale
        frags[:, 7] = scale
        frags[:, 8] = 0.0 if rotation is None else np.nan_to_num(np.asarray(rotation, float))
        frags[:, 9] = opacity
        painter.save()
        painter.resetTransform()
        painter.drawPixmapFragments(*self._fragments.drawargs(), sheet.pixmap)  # type: ignore[call-arg]
        painter.restore()


def map_points(
    transform: QTransform, x: npt.NDArray[np.float64], y: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Scene points → device pixels through an affine ``transform`` (no rotation assumed
    away: the full 2×3 matrix is applied)."""
    m11, m12, m21, m22 = transform.m11(), transform.m12(), transform.m21(), transform.m22()
    return (m11 * x + m21 * y + transform.dx(), m12 * x + m22 * y + transform.dy())


# --- shapes ----------------------------------------------------------------------------


def shape_path(shape: str, radius: float) -> QPainterPath:
    """A marker outline centred on (0, 0): circle, square, triangle, diamond, hexagon,
    star, pentagon or cross."""
    path = QPainterPath()
    if shape == "circle":
        path.addEllipse(QPointF(0, 0), radius, radius)
        return path
    if shape == "square":
        r = radius * 0.85
        path.addRect(QRectF(-r, -r, 2 * r, 2 * r))
        return path
    corners = {"triangle": 3, "diamond": 4, "pentagon": 5, "hexagon": 6}.get(shape)
    if corners is not None:
        angles = -np.pi / 2 + 2 * np.pi * np.arange(corners) / corners
        points = [QPointF(radius * np.cos(a), radius * np.sin(a)) for a in angles]
        path.addPolygon(QPolygonF(points))
        path.closeSubpath()
        return path
    if shape == "star":
        angles = -np.pi / 2 + np.pi * np.arange(10) / 5
        radii = np.where(np.arange(10) % 2 == 0, radius, radius * 0.45)
        points = [QPointF(r * np.cos(a), r * np.sin(a)) for r, a in zip(radii, angles, strict=True)]
        path.addPolygon(QPolygonF(points))
        path.closeSubpath()
        return path
    if shape == "cross":
        w = radius * 0.38
        path.addRect(QRectF(-radius, -w, 2 * radius, 2 * w))
        path.addRect(QRectF(-w, -radius, 2 * w, 2 * radius))
        return path.simplified()
    raise ValueError(f"unknown marker shape {shape!r}")


def marker_painter(
    shape: str, fill: QColor, outline: QColor, outline_width: float = 1.5
) -> SpritePainter:
    """A sprite painter for a filled, outlined shape."""

    def paint(painter: QPainter, size: float) -> None:
        painter.setPen(QPen(outline, outline_width))
        painter.setBrush(fill)
        painter.drawPath(shape_path(shape, size / 2 - outline_width))

    return paint


def heading_painter(colour: QColor) -> SpritePainter:
    """A small wedge at the top edge of the sprite: rotated by a heading, it points the way
    the unit moves, just outside its marker."""

    def paint(painter: QPainter, size: float) -> None:
        r = size / 2
        wedge = QPolygonF(
            [QPointF(0, -r), QPointF(r * 0.3, -r * 0.55), QPointF(-r * 0.3, -r * 0.55)]
        )
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawPolygon(wedge)

    return paint


def disc_painter(radius: float, fill: QColor, outline: QColor) -> SpritePainter:
    """A disc of a fixed radius (a cluster), whatever the sprite's size."""

    def paint(painter: QPainter, size: float) -> None:
        painter.setPen(QPen(outline, 1.5))
        painter.setBrush(fill)
        painter.drawEllipse(QPointF(0, 0), radius, radius)

    return paint


def ring_painter(radius: float, colour: QColor, width: float = 2.5) -> SpritePainter:
    """An unfilled ring of a fixed radius."""

    def paint(painter: QPainter, size: float) -> None:
        painter.setPen(QPen(colour, width))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(QPointF(0, 0), radius, radius)

    return paint
