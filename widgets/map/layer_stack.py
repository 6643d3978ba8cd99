"""Layers drawn by one graphics item: fewer, larger paints instead of many small ones.

A map layer here is not a ``QGraphicsItem`` but a plain painter with a visibility and an
opacity; a :class:`LayerStack` item paints its layers in order. The map uses two stacks:
the layers that change rarely (cells, boundaries, labels, cases) in one stack that Qt
caches as a single device pixmap — so a tick of moving units costs one pixmap copy for all
of them, and a pan one scroll of it — and the layers that change every tick (units,
trails, rings…) in an uncached one on top.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

WORLD = QRectF(-2.1e7, -2.1e7, 4.2e7, 4.2e7)
"""The stacks cover the Web-Mercator world: their contents go anywhere. (Qt clips a
device cache to the viewport, so the size costs nothing.)"""


def visible_rect(painter: QPainter) -> QRectF:
    """The part of the map a paint can change, in map metres: the exposed area (a pan
    repaints a strip) or else the whole device."""
    if painter.hasClipping():
        return painter.clipBoundingRect()
    inverse, _ = painter.transform().inverted()
    device = painter.device()
    return inverse.mapRect(QRectF(0, 0, device.width(), device.height()))


class MapLayer:
    """One layer: what it draws, whether it is shown, how opaque.

    Subclasses implement :meth:`draw` and call :meth:`changed` when their data changed;
    they rebuild what they cache lazily, in the next :meth:`draw`.
    """

    def __init__(self) -> None:
        self.visible = True
        self.opacity = 1.0
        self._changed: Callable[[], None] = lambda: None

    def changed(self) -> None:
        """The layer must be painted again."""
        self._changed()

    def draw(self, painter: QPainter) -> None:
        raise NotImplementedError


class LayerStack(pg.GraphicsObject):
    """Paints its layers in order, each with its opacity; optionally cached by Qt.

    Args:
        layers: Bottom first.
        cached: Keep what was painted as a device pixmap (for rarely changing layers).
    """

    def __init__(self, layers: Sequence[MapLayer], *, cached: bool) -> None:
        super().__init__()
        self.layers = tuple(layers)
        for layer in self.layers:
            layer._changed = self._layer_changed
        if cached:
            self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    def _layer_changed(self) -> None:
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt's name)
        return WORLD

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        for layer in self.layers:
            if not layer.visible or layer.opacity <= 0:
                continue
            if layer.opacity >= 1:
                layer.draw(painter)  # an opacity below 1 makes Qt blend every pixel
                continue
            painter.save()
            painter.setOpacity(layer.opacity)
            layer.draw(painter)
            painter.restore()
