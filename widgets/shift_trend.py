"""The trend of the last shifts: a small bar chart of their figures, oldest left.

Four figures per shift side by side (received, dispatched, closed, overdue), one bar item
per figure with one shared brush (pyqtgraph draws it in one go); the shifts are named on
the axis. The current shift, still running, is the right-most group.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget

from console.panels import QT_TRANSLATE_NOOP
from console.theme import OKABE_ITO
from models.handover import ShiftFigures

SERIES: Final[tuple[tuple[str, str, str], ...]] = (
    ("received", QT_TRANSLATE_NOOP("ShiftTrend", "Received"), OKABE_ITO["sky_blue"]),
    ("dispatched", QT_TRANSLATE_NOOP("ShiftTrend", "Dispatched"), OKABE_ITO["orange"]),
    ("closed", QT_TRANSLATE_NOOP("ShiftTrend", "Closed"), OKABE_ITO["bluish_green"]),
    ("overdue", QT_TRANSLATE_NOOP("ShiftTrend", "Overdue"), OKABE_ITO["vermillion"]),
)
"""Figure (field of ``ShiftFigures``) → English name and colour."""

_GROUP: Final = 0.8
"""Share of a shift's slot the group of bars takes."""


class ShiftTrendChart(QWidget):
    """Bars of the figures of a few shifts.

    Args:
        parent: Owning widget.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shiftTrend")
        self.plot = pg.PlotWidget(self)
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.showGrid(y=True, alpha=0.3)
        self.legend = self.plot.addLegend(offset=(8, 4), colCount=len(SERIES))
        width = _GROUP / len(SERIES)
        self.bars: dict[str, pg.BarGraphItem] = {}
        for i, (name, _title, colour) in enumerate(SERIES):
            bars = pg.BarGraphItem(
                x=[], height=[], width=width, brush=pg.mkBrush(colour), pen=pg.mkPen(None)
            )
            # Side by side within a shift's slot: each figure's bars shifted by its place.
            bars.setPos(-_GROUP / 2 + width * (i + 0.5), 0)
            self.plot.addItem(bars)
            self.bars[name] = bars
        self.labels: list[str] = []
        self._values: dict[str, list[int]] = {name: [] for name, _t, _c in SERIES}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)
        self.retranslate_ui()

    def set_shifts(self, labels: Sequence[str], figures: Sequence[ShiftFigures]) -> None:
        """Show the shifts named ``labels`` (oldest first) with their ``figures``."""
        self.labels = list(labels)
        xs = list(range(len(figures)))
        for name, _title, _colour in SERIES:
            values = [int(getattr(f, name)) for f in figures]
            self._values[name] = values
            self.bars[name].setOpts(x=xs, height=values)
        axis = self.plot.getAxis("bottom")
        axis.setTicks([list(enumerate(self.labels))])
        self.plot.setXRange(-0.6, max(len(xs), 1) - 0.4, padding=0)
        top = max((max(v, default=0) for v in self._values.values()), default=0)
        # Head room for the legend, one row across the top.
        self.plot.setYRange(0, max(top, 1) * 1.5, padding=0)

    def values(self, name: str) -> list[int]:
        """The heights of one figure's bars, oldest shift first."""
        return list(self._values[name])

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        self.legend.clear()
        for name, title, _colour in SERIES:
            self.legend.addItem(self.bars[name], QCoreApplication.translate("ShiftTrend", title))
