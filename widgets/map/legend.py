"""The map's legend: agencies' unit markers, case markers, and the cell classes of the
measure shown, drawn from the very sprites and colours the map uses (so it cannot lie)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from widgets.map.sprites import SpriteSheet


def sprite_icon(sheet: SpriteSheet, style: int) -> QPixmap:
    """One sprite of a sheet as a pixmap (for a legend or a list)."""
    x, y, w, h = (int(v) for v in sheet.source_rects[style])
    pixmap = sheet.pixmap.copy(QRect(x, y, w, h))
    pixmap.setDevicePixelRatio(sheet.device_pixel_ratio)
    return pixmap


def swatch(colour: str, size: int = 12) -> QPixmap:
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(colour))
    return pixmap


class MapLegend(QWidget):
    """A row of (icon, text) entries; the map panel fills it and refills it on change."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mapLegend")
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(6, 2, 6, 2)
        self._layout.setSpacing(10)

    def set_entries(self, entries: Sequence[tuple[QPixmap, str]]) -> None:
        while self._layout.count():
            item = self._layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for icon, text in entries:
            pic = QLabel(self)
            pic.setPixmap(icon)
            label = QLabel(text, self)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
            self._layout.addWidget(pic)
            self._layout.addWidget(label)
        self._layout.addStretch(1)

    def texts(self) -> list[str]:
        """The entries' texts, in order (for tests and accessibility)."""
        return [
            w.text()
            for i in range(self._layout.count())
            if (item := self._layout.itemAt(i)) is not None
            and isinstance(w := item.widget(), QLabel)
            and w.text()
        ]
