"""The map's canvas: a pyqtgraph view in Web-Mercator metres, north up, with the gestures
of a dispatcher's map.

Mouse: drag pans, the wheel zooms about the cursor, a click picks, right click asks for the
context menu; Shift+drag selects a box, Ctrl+drag a circle. Keyboard: arrows pan, +/- zoom,
Home shows the whole district. A scale bar in ground metres (Web Mercator stretches by
1/cos(latitude): 17 % at Shanghai) sits in the bottom-left corner.
"""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QKeyEvent, QPainter, QPen
from PySide6.QtWidgets import (
    QGraphicsEllipseItem,
    QGraphicsItem,
    QGraphicsRectItem,
    QStyleOptionGraphicsItem,
    QWidget,
)

from console.map_projection import ground_metres_per_map_metre
from widgets.map.style import SELECTION_COLOUR

PAN_STEP = 0.15
"""Share of the view an arrow key pans."""

ZOOM_STEP = 1.5


def nice_length(metres: float) -> float:
    """The largest 1, 2 or 5 × 10ⁿ not above ``metres``."""
    if metres <= 0:
        return 0.0
    power = 10 ** math.floor(math.log10(metres))
    for factor in (5, 2, 1):
        if factor * power <= metres:
            return factor * power
    return power


def format_length(metres: float) -> str:
    return f"{metres / 1000:g} km" if metres >= 1000 else f"{metres:g} m"


class ScaleBar(QGraphicsItem):
    """A bar of a round ground length, about 120 pixels long, in the view's corner."""

    def __init__(self, parent: QGraphicsItem) -> None:
        super().__init__(parent)
        self.pixels = 0.0
        self.label = ""
        self._font = QFont()
        self._font.setPointSizeF(8.5)

    def set_scale(self, map_metres_per_pixel: float, northing: float) -> None:
        ground_per_pixel = map_metres_per_pixel * ground_metres_per_map_metre(northing)
        length = nice_length(120 * ground_per_pixel)
        self.prepareGeometryChange()
        self.pixels = length / ground_per_pixel if ground_per_pixel > 0 else 0.0
        self.label = format_length(length)
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt's name)
        return QRectF(-4, -22, self.pixels + 60, 30)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        if self.pixels <= 0:
            return
        pen = QPen(QColor("#F2F5F8"), 2)
        painter.setPen(pen)
        painter.drawLine(QPointF(0, 0), QPointF(self.pixels, 0))
        painter.drawLine(QPointF(0, -5), QPointF(0, 0))
        painter.drawLine(QPointF(self.pixels, -5), QPointF(self.pixels, 0))
        painter.setFont(self._font)
        painter.drawText(QPointF(self.pixels + 6, 4), self.label)


class MapViewBox(pg.ViewBox):
    """A view box whose gestures are the map's (see the module's docstring).

    Signals:
        clicked(QPointF, Qt.KeyboardModifier): A left click at a map point.
        context_requested(QPointF, QPoint): A right click at a map point (and the screen point).
        box_selected(QRectF): A Shift+drag box, in map metres.
        circle_selected(QPointF, float): A Ctrl+drag circle: centre and radius in map metres.
    """

    clicked = Signal(object, object)
    context_requested = Signal(object, object)
    box_selected = Signal(object)
    circle_selected = Signal(object, float)

    def __init__(self) -> None:
        super().__init__(lockAspect=True, enableMenu=False, invertY=False)
        self.setMouseEnabled(x=True, y=True)
        self.disableAutoRange()
        pen = QPen(QColor(SELECTION_COLOUR), 1.5, Qt.PenStyle.DashLine)
        pen.setCosmetic(True)
        self._box = QGraphicsRectItem()
        self._box.setPen(pen)
        self._circle = QGraphicsEllipseItem()
        self._circle.setPen(pen)
        for item in (self._box, self._circle):
            item.setZValue(1e6)
            item.hide()
            self.addItem(item, ignoreBounds=True)

    def mouseClickEvent(self, ev: object) -> None:  # noqa: N802 (pyqtgraph's name)
        point = self.mapSceneToView(ev.scenePos())  # type: ignore[attr-defined]
        if ev.button() == Qt.MouseButton.LeftButton:  # type: ignore[attr-defined]
            ev.accept()  # type: ignore[attr-defined]
            self.clicked.emit(point, ev.modifiers())  # type: ignore[attr-defined]
        elif ev.button() == Qt.MouseButton.RightButton:  # type: ignore[attr-defined]
            ev.accept()  # type: ignore[attr-defined]
            self.context_requested.emit(point, ev.screenPos().toPoint())  # type: ignore[attr-defined]

    def mouseDragEvent(self, ev: object, axis: object = None) -> None:  # noqa: N802
        modifiers = ev.modifiers()  # type: ignore[attr-defined]
        shift = bool(modifiers & Qt.KeyboardModifier.ShiftModifier)
        ctrl = bool(modifiers & Qt.KeyboardModifier.ControlModifier)
        if ev.button() != Qt.MouseButton.LeftButton or not (shift or ctrl):  # type: ignore[attr-defined]
            super().mouseDragEvent(ev, axis)
            return
        ev.accept()  # type: ignore[attr-defined]
        start = self.mapSceneToView(ev.buttonDownScenePos())  # type: ignore[attr-defined]
        end = self.mapSceneToView(ev.scenePos())  # type: ignore[attr-defined]
        if shift:
            rect = QRectF(start, end).normalized()
            self._box.setRect(rect)
            self._box.setVisible(not ev.isFinish())  # type: ignore[attr-defined]
            if ev.isFinish():  # type: ignore[attr-defined]
                self.box_selected.emit(rect)
        else:
            radius = math.hypot(end.x() - start.x(), end.y() - start.y())
            self._circle.setRect(
                QRectF(start.x() - radius, start.y() - radius, 2 * radius, 2 * radius)
            )
            self._circle.setVisible(not ev.isFinish())  # type: ignore[attr-defined]
            if ev.isFinish():  # type: ignore[attr-defined]
                self.circle_selected.emit(start, radius)


class MapCanvas(pg.GraphicsView):
    """The view: a :class:`MapViewBox` filling the widget, a scale bar, the keyboard.

    Args:
        parent: Qt parent.

    Signals:
        view_changed(QRectF, float): The visible map rectangle and map metres per pixel.
        hovered(QPointF): The cursor is over this map point.
        left(): The cursor left the map.
    """

    view_changed = Signal(object, float)
    hovered = Signal(object)
    left = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, background=QColor("#14181E"))
        self.setObjectName("mapCanvas")
        self.view = MapViewBox()
        self.setCentralItem(self.view)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.scale_bar = ScaleBar(self.view)
        self.scale_bar.setZValue(1e6)
        self.home = QRectF()
        self.view.sigRangeChanged.connect(self._range_changed)
        self.view.sigResized.connect(self._range_changed)
        self.scene().sigMouseMoved.connect(self._mouse_moved)

    # -- view

    def pixel_size(self) -> float:
        """Map metres per screen pixel (the aspect is locked, so x tells)."""
        width = self.view.width()
        if width <= 0:
            return 1.0
        return self.view.viewRect().width() / width

    def set_home(self, rect: QRectF) -> None:
        """The whole district: what Home shows, and the first view."""
        self.home = QRectF(rect)
        self.show_rect(rect)

    def show_rect(self, rect: QRectF, padding: float = 0.03) -> None:
        if rect.isValid():
            self.view.setRange(rect=rect, padding=padding)

    def centre_on(self, x: float, y: float) -> None:
        view = self.view.viewRect()
        self.view.translateBy(x=x - view.center().x(), y=y - view.center().y())

    def zoom(self, factor: float) -> None:
        """Zoom about the view's centre; ``factor`` > 1 zooms in."""
        self.view.scaleBy((1 / factor, 1 / factor))

    def pan(self, dx_share: float, dy_share: float) -> None:
        view = self.view.viewRect()
        self.view.translateBy(x=view.width() * dx_share, y=view.height() * dy_share)

    def _range_changed(self, *args: object) -> None:
        size = self.pixel_size()
        rect = self.view.viewRect()
        self.scale_bar.setPos(16, self.view.height() - 16)
        self.scale_bar.set_scale(size, rect.center().y())
        self.view_changed.emit(rect, size)

    # -- input

    def _mouse_moved(self, scene_pos: QPointF) -> None:
        if self.view.sceneBoundingRect().contains(scene_pos):
            self.hovered.emit(self.view.mapSceneToView(scene_pos))

    def leaveEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        self.left.emit()
        super().leaveEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        key = event.key()
        steps = {
            Qt.Key.Key_Left: (-PAN_STEP, 0.0),
            Qt.Key.Key_Right: (PAN_STEP, 0.0),
            Qt.Key.Key_Up: (0.0, PAN_STEP),
            Qt.Key.Key_Down: (0.0, -PAN_STEP),
        }
        if key in steps:
            self.pan(*steps[Qt.Key(key)])
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom(ZOOM_STEP)
        elif key == Qt.Key.Key_Minus:
            self.zoom(1 / ZOOM_STEP)
        elif key == Qt.Key.Key_Home:
            self.show_rect(self.home)
        else:
            super().keyPressEvent(event)
            return
        event.accept()
