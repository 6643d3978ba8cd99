"""A search field over a short live list of matches: type, see the best ones, pick one.

The category search and the address search of the "new case" dialog are both one of these,
with different search functions. Up/Down/PageUp/PageDown in the field move through the list
without leaving it; Enter or a double click picks the line explicitly.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

_STEPS = {Qt.Key.Key_Up: -1, Qt.Key.Key_Down: 1, Qt.Key.Key_PageUp: -5, Qt.Key.Key_PageDown: 5}
"""How far each navigation key moves the selection."""


@dataclass(frozen=True)
class Choice:
    """One line of the list.

    Attributes:
        key: What the line stands for (a category code, a place code).
        text: What it says.
        tooltip: More about it, on hover.
    """

    key: str
    text: str
    tooltip: str = ""


class SearchPicker(QWidget):
    """A filter field and the list of what its search function finds for the text.

    Typing selects the first (best) match, so typing alone picks it; the operator moves to
    another with the arrow keys or the mouse.

    Args:
        search: Text → the matching choices, best first (a short list).
        visible_rows: Height of the list, in lines.
        parent: Owning widget.

    Signals:
        current_changed(object): The selected line changed: its key, or None when nothing
            is listed.
        choice_activated(str): A line was picked explicitly (Enter or double click).
    """

    current_changed = Signal(object)
    choice_activated = Signal(str)

    def __init__(
        self,
        search: Callable[[str], Sequence[Choice]],
        *,
        visible_rows: int = 6,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._search = search
        self._choices: list[Choice] = []
        self._current: str | None = None
        self.filter = QLineEdit(self)
        self.filter.setClearButtonEnabled(True)
        self.list = QListWidget(self)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # typing stays in the field
        self.list.setUniformItemSizes(True)
        rows = self.list.fontMetrics().height() + 6
        self.list.setFixedHeight(rows * visible_rows + 2 * self.list.frameWidth())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter)
        layout.addWidget(self.list)
        self.filter.textChanged.connect(lambda _text: self.refresh(keep_current=False))
        self.filter.returnPressed.connect(self._activate_current)
        self.filter.installEventFilter(self)
        self.list.currentRowChanged.connect(self._on_row_changed)
        self.list.itemActivated.connect(lambda _item: self._activate_current())

    # -- reading ----------------------------------------------------------------------------

    def text(self) -> str:
        """What is typed in the field."""
        return self.filter.text()

    def current_key(self) -> str | None:
        """The key of the selected line, or None."""
        return self._current

    def choices(self) -> list[Choice]:
        """The lines listed now, in order."""
        return list(self._choices)

    # -- changing ---------------------------------------------------------------------------

    def set_search(self, search: Callable[[str], Sequence[Choice]]) -> None:
        """Searches with another function from now on (e.g. a new map), and relists."""
        self._search = search
        self.refresh()

    def refresh(self, *, keep_current: bool = True) -> None:
        """Lists what the search finds for the text.

        Args:
            keep_current: Keep the selected line if it is still listed (a relisting in
                another language); otherwise, as after typing, select the first.
        """
        keep = self._current if keep_current else None
        self._choices = list(self._search(self.filter.text()))
        self.list.blockSignals(True)
        self.list.clear()
        for choice in self._choices:
            item = QListWidgetItem(choice.text)
            item.setData(Qt.ItemDataRole.UserRole, choice.key)
            if choice.tooltip:
                item.setToolTip(choice.tooltip)
            self.list.addItem(item)
        keys = [c.key for c in self._choices]
        row = keys.index(keep) if keep in keys else (0 if keys else -1)
        self.list.setCurrentRow(row)
        self.list.blockSignals(False)
        self._on_row_changed(row)

    # -- events -----------------------------------------------------------------------------

    def _on_row_changed(self, row: int) -> None:
        key = self._choices[row].key if 0 <= row < len(self._choices) else None
        if key != self._current:
            self._current = key
            self.current_changed.emit(key)

    def _activate_current(self) -> None:
        if self._current is not None:
            self.choice_activated.emit(self._current)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        """Up/Down/PageUp/PageDown in the field move through the list."""
        if (
            watched is self.filter
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in _STEPS
        ):
            if self._choices:
                row = self.list.currentRow() + _STEPS[Qt.Key(event.key())]
                self.list.setCurrentRow(min(max(row, 0), len(self._choices) - 1))
            return True
        return super().eventFilter(watched, event)
