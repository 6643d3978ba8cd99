"""A shift's figures as key-figure tiles, as the supervisor board reads them.

Eight :class:`widgets.figure_tile.FigureTile` (the walls' tile), four to a row: received,
filed, dispatched, closed, the on-time rate, overdue, returned, urged
(``models.handover.ShiftFigures``).
"""

from __future__ import annotations

from typing import Final

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QGridLayout, QWidget

from console.panels import QT_TRANSLATE_NOOP
from models.handover import ShiftFigures
from widgets.figure_tile import FigureTile

FIGURES: Final[tuple[tuple[str, str], ...]] = (
    ("received", QT_TRANSLATE_NOOP("ShiftFigureTiles", "Received")),
    ("filed", QT_TRANSLATE_NOOP("ShiftFigureTiles", "Filed")),
    ("dispatched", QT_TRANSLATE_NOOP("ShiftFigureTiles", "Dispatched")),
    ("closed", QT_TRANSLATE_NOOP("ShiftFigureTiles", "Closed")),
    ("on_time", QT_TRANSLATE_NOOP("ShiftFigureTiles", "On-time rate")),
    ("overdue", QT_TRANSLATE_NOOP("ShiftFigureTiles", "Overdue")),
    ("returned", QT_TRANSLATE_NOOP("ShiftFigureTiles", "Returned")),
    ("urged", QT_TRANSLATE_NOOP("ShiftFigureTiles", "Urged")),
)
"""Field of :class:`ShiftFigures` → the tile's English caption, in the order shown."""

TILE_HEIGHT: Final = 72
"""Pixels of a tile's height at least (its type is sized from its height)."""


class ShiftFigureTiles(QWidget):
    """A shift's figures as eight tiles, four to a row.

    Args:
        parent: Owning widget.

    Attributes:
        tiles: Figure (field of :class:`ShiftFigures`) → its tile.
        figures: The figures shown (``None``: not known yet).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shiftFigureTiles")
        self.tiles = {name: FigureTile(self) for name, _caption in FIGURES}
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for i, tile in enumerate(self.tiles.values()):
            tile.setMinimumHeight(TILE_HEIGHT)
            layout.addWidget(tile, i // 4, i % 4)
        self.figures: ShiftFigures | None = None
        self.retranslate_ui()

    def show_figures(self, figures: ShiftFigures | None) -> None:
        """Show ``figures`` (``None``: not known yet, a dash in each tile)."""
        self.figures = figures
        for name, tile in self.tiles.items():
            if figures is None:
                tile.set_value("—")
            elif name == "on_time":
                ratio = figures.on_time
                percent = ratio.percent
                tile.set_value(
                    "—" if percent is None else f"{percent:.2f} %",
                    f"{ratio.numerator}/{ratio.denominator}",
                )
            else:
                count: int = getattr(figures, name)
                tile.set_value(str(count), alarm=name == "overdue" and count > 0)

    def text(self, name: str) -> str:
        """The value a tile shows (``"12"``, ``"93.72 %"``)."""
        return self.tiles[name].value

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        for name, caption in FIGURES:
            self.tiles[name].set_caption(QCoreApplication.translate("ShiftFigureTiles", caption))
