"""A live table panel: a search field over a table view of one of the store's models."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QAbstractItemView, QLineEdit, QTableView, QVBoxLayout, QWidget

from console.item_models import LiveTableModel, TableFilter


class TablePanel(QWidget):
    """Search and a sortable table over a ``LiveTableModel`` (sorting and filtering happen
    in the model, with numpy, so they stay instant on large tables).

    Args:
        model: The table model.
        object_name: For styles and tests.
    """

    def __init__(
        self, model: LiveTableModel, object_name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.model = model
        self.search = QLineEdit(self)
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter)
        self.table = QTableView(self)
        self.table.setModel(model)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.search)
        layout.addWidget(self.table)
        self.retranslate_ui()

    def _filter(self, text: str) -> None:
        self.model.set_filter(TableFilter(text=text))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        self.model.retranslate()  # headers and names: models are not widgets, no event reaches them
        self.search.setPlaceholderText(self.tr("Search: number, address, text, category, street…"))
