"""pyqtgraph charts for walls and reports: cases per hour, and ranked horizontal bars.

Each chart makes its graphics items once and updates them in place (``setOpts``,
``setData``, ``setTicks``, ``setText``): a wall refreshes them for days, and an item made
per refresh would pile up in the scene. Read-only: no mouse panning, no context menu.
Type is sized from the chart's height (see :mod:`widgets.figure_tile` on why walls size
type by pixels).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor, QResizeEvent
from PySide6.QtWidgets import QWidget

from console.theme import WALL_DAY
from widgets.figure_tile import wall_font

TICK_SHARE = 0.045
"""Axis type as a share of the chart's height (bounded, see :func:`_tick_pixels`)."""


def _tick_pixels(height: int) -> float:
    return min(48.0, max(11.0, height * TICK_SHARE))


class _Chart(pg.PlotWidget):
    """A read-only plot: no mouse, no menu, no auto-range button."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMenuEnabled(False)
        self.setMouseEnabled(x=False, y=False)
        self.hideButtons()
        self.plotItem.vb.setDefaultPadding(0.02)
        self.colours: Mapping[str, str] = WALL_DAY

    def set_colours(self, colours: Mapping[str, str]) -> None:
        self.colours = colours
        self.setBackground(QColor(colours["tile"]))
        for name in ("left", "bottom"):
            axis = self.getAxis(name)
            axis.setPen(pg.mkPen(colours["border"]))
            axis.setTextPen(pg.mkPen(colours["text"]))

    def resizeEvent(self, event: QResizeEvent | None) -> None:  # noqa: N802 (Qt's name)
        # pyqtgraph calls this itself, with None, while the view is being made.
        if event is not None and hasattr(self, "plotItem"):
            font = wall_font(_tick_pixels(event.size().height()))
            for name in ("left", "bottom"):
                self.getAxis(name).setStyle(tickFont=font)
        super().resizeEvent(event)


class HourlyChart(_Chart):
    """Cases per hour of a day as bars, a baseline per hour as a line over them.

    Args:
        hours: Bars (24 for a day).
        parent: Qt parent.
    """

    def __init__(self, hours: int = 24, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("hourlyChart")
        self.hours = hours
        self._x = np.arange(hours, dtype=float)
        self.bars = pg.BarGraphItem(x=self._x, height=np.zeros(hours), width=0.7, pen=None)
        self.line = pg.PlotDataItem()
        self.addItem(self.bars)
        self.addItem(self.line)
        self.getAxis("bottom").setTicks(
            [[(h, f"{h:02d}") for h in range(0, hours, 3)], [(h, "") for h in range(hours)]]
        )
        self.setXRange(-0.6, hours - 0.4, padding=0)
        self.set_colours(self.colours)

    def set_colours(self, colours: Mapping[str, str]) -> None:
        super().set_colours(colours)
        self.bars.setOpts(brush=pg.mkBrush(colours["today"]))
        self.line.setPen(pg.mkPen(colours["baseline"], width=4))
        self.line.setSymbolBrush(pg.mkBrush(colours["baseline"]))
        self.line.setSymbolPen(None)

    def set_data(self, counts: Sequence[int], baseline: Sequence[float] | None) -> None:
        """Show ``counts`` per hour and, when known, the ``baseline`` per hour."""
        heights = np.zeros(self.hours)
        heights[: min(len(counts), self.hours)] = counts[: self.hours]
        self.bars.setOpts(height=heights)
        top = float(heights.max())
        if baseline is None:
            self.line.setData([], [])
        else:
            values = np.asarray(baseline[: self.hours], dtype=float)
            self.line.setData(self._x[: values.size], values, symbol="o", symbolSize=10)
            top = max(top, float(values.max()) if values.size else 0.0)
        self.setYRange(0, max(1.0, top) * 1.15, padding=0)

    def heights(self) -> np.ndarray:
        """The bars as shown (for tests)."""
        return np.asarray(self.bars.opts["height"], dtype=float)


class RankedBars(_Chart):
    """Named values as horizontal bars, largest first, with the value at each bar's end.

    Args:
        capacity: Most bars; the items for them are made once, here.
        parent: Qt parent.
    """

    def __init__(self, capacity: int = 10, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("rankedBars")
        self.capacity = capacity
        self._y = np.arange(capacity, dtype=float)
        self.bars = pg.BarGraphItem(x0=0, y=self._y, height=0.7, width=np.zeros(capacity), pen=None)
        self.addItem(self.bars)
        self.labels = [pg.TextItem(anchor=(0, 0.5)) for _ in range(capacity)]
        for label in self.labels:
            self.addItem(label)
            label.hide()
        self.getViewBox().invertY(True)
        self.getAxis("bottom").hide()
        self.setYRange(-0.6, capacity - 0.4, padding=0)
        self.names: list[str] = []
        self.values = np.zeros(0)
        self.set_colours(self.colours)

    def set_colours(self, colours: Mapping[str, str]) -> None:
        super().set_colours(colours)
        self.bars.setOpts(brush=pg.mkBrush(colours["bar"]))
        for label in self.labels:
            label.setColor(QColor(colours["value"]))

    def set_data(self, names: Sequence[str], values: Sequence[float], texts: Sequence[str]) -> None:
        """Show the first ``capacity`` of ``names`` with ``values`` and their ``texts``."""
        n = min(self.capacity, len(names))
        widths = np.zeros(self.capacity)
        widths[:n] = values[:n]
        self.bars.setOpts(width=widths)
        self.names = list(names[:n])
        self.values = widths[:n].copy()
        self.getAxis("left").setTicks([[(i, name) for i, name in enumerate(self.names)]])
        for i, label in enumerate(self.labels):
            if i < n:
                label.setText(f" {texts[i]}")
                label.setPos(float(widths[i]), float(i))
                label.show()
            else:
                label.hide()
        top = float(widths.max()) if n else 1.0
        self.setXRange(0, (top if top > 0 else 1.0) * 1.25, padding=0)

    def resizeEvent(self, event: QResizeEvent | None) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        if event is not None and hasattr(self, "labels"):
            font = wall_font(_tick_pixels(event.size().height()))
            for label in self.labels:
                label.setFont(font)
