"""A news ticker for walls: short items scrolling right to left in one line, for days.

The items are laid out once when they change (a bounded list, one ``QStaticText`` each)
and each frame only moves an offset and paints them, so a ticker that runs for days costs
the same on the last day as on the first. The animation runs only while the ticker is
shown and has items.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import (
    QColor,
    QHideEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QShowEvent,
    QStaticText,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from console.theme import WALL_DAY
from widgets.figure_tile import wall_font

FRAME_MS = 33
"""About 30 frames a second: smooth to the eye, a few per cent of one core."""

SPEED = 1.5
"""Scrolling speed in text heights per second: readable from across the room."""

MARK = "●"

MAX_TEXT_PX = 96.0
"""The text fills half the strip's height, up to this: large on a 4K wall, never absurd."""


def text_pixels(height: int) -> float:
    """The ticker's type size in a strip ``height`` pixels high."""
    return min(MAX_TEXT_PX, max(10.0, height * 0.5))


class Ticker(QWidget):
    """Items scrolling right to left, each after a coloured mark.

    Args:
        capacity: Most items kept (the newest, as given by :meth:`set_items`).
        parent: Qt parent.

    Attributes:
        items: The texts shown, in order.
        offset: How far the line has scrolled, in pixels.
    """

    def __init__(self, capacity: int = 20, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ticker")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(24)
        self.capacity = capacity
        self.items: list[str] = []
        self.placeholder = ""
        self.colours: Mapping[str, str] = WALL_DAY
        self.offset = 0.0
        self._texts: list[QStaticText] = []
        self._mark = QStaticText(MARK)
        self._gap = 0.0
        self._strip = 0.0
        self._last = time.monotonic()
        self._timer = QTimer(self)
        self._timer.setInterval(FRAME_MS)
        self._timer.timeout.connect(self._advance)
        self._layout()

    def set_items(self, items: Sequence[str]) -> None:
        """Show ``items`` (the first ``capacity``); the line starts again from the right."""
        items = list(items[: self.capacity])
        if items == self.items:
            return
        self.items = items
        self.offset = 0.0
        self._layout()
        self._run()
        self.update()

    def set_placeholder(self, text: str) -> None:
        """What shows while there are no items."""
        self.placeholder = text
        self.update()

    def set_colours(self, colours: Mapping[str, str]) -> None:
        self.colours = colours
        self.update()

    # -- layout and animation

    def _font_pixels(self) -> float:
        return text_pixels(self.height())

    def _layout(self) -> None:
        font = wall_font(self._font_pixels())
        self._font = font
        self._texts = []
        for text in self.items:
            static = QStaticText(text)
            static.setTextFormat(Qt.TextFormat.PlainText)
            static.prepare(font=font)
            self._texts.append(static)
        self._mark.prepare(font=font)
        self._gap = self._font_pixels() * 2.5
        mark = self._mark.size().width() + self._font_pixels() * 0.4
        self._strip = sum(mark + t.size().width() + self._gap for t in self._texts)

    def _run(self) -> None:
        if self.items and self.isVisible():
            if not self._timer.isActive():
                self._last = time.monotonic()
                self._timer.start()
        else:
            self._timer.stop()

    def _advance(self) -> None:
        now = time.monotonic()
        # By elapsed time, not per frame: a late frame jumps a little, never slows the line.
        self.offset += (now - self._last) * SPEED * self._font_pixels() * 2
        self._last = now
        if self.width() - self.offset + self._strip < 0:
            self.offset = 0.0  # the whole line went by: in again from the right
        self.update()

    @property
    def running(self) -> bool:
        """Whether the line is scrolling."""
        return self._timer.isActive()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        if event.size().height() != event.oldSize().height():
            self._layout()
        super().resizeEvent(event)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self._run()

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 (Qt's name)
        self._timer.stop()
        super().hideEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        c = self.colours
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(c["tile"]))
        painter.setFont(self._font)
        if not self._texts:
            painter.setPen(QColor(c["dim"]))
            painter.drawText(QRectF(self.rect()), Qt.AlignmentFlag.AlignCenter, self.placeholder)
            painter.end()
            return
        mark_w = self._mark.size().width()
        space = self._font_pixels() * 0.4
        x = self.width() - self.offset
        right = float(self.width())
        for static in self._texts:
            size = static.size()
            y = (self.height() - size.height()) / 2
            end = x + mark_w + space + size.width()
            if end > 0 and x < right:  # only what is on screen
                painter.setPen(QColor(c["urgent"]))
                painter.drawStaticText(QPointF(x, y), self._mark)
                painter.setPen(QColor(c["text"]))
                painter.drawStaticText(QPointF(x + mark_w + space, y), static)
            x = end + self._gap
            if x >= right:
                break
        painter.end()
