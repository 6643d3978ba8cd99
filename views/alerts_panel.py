"""The alerts panel (告警): one list of what needs attention now.

Joint orders not acknowledged in time, overdue cases, units too long in their status and
cases near their deadline, most pressing first (:class:`~console.attention.AttentionWatch`).
A click selects the case and the unit concerned everywhere (map, case detail, board);
"Acknowledge" takes the chosen items off the list until their condition changes.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.attention import AttentionItem, AttentionWatch
from console.joint_models import AttentionModel
from console.store import ClientStore


class AlertsPanel(QWidget):
    """What needs attention now, with acknowledgement.

    Args:
        store: The store (selection written through it).
        watch: The items.
        parent: Qt parent.
    """

    def __init__(
        self, store: ClientStore, watch: AttentionWatch, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("alertsPanel")
        self.store = store
        self.watch = watch
        self.model = AttentionModel(store, watch, self)
        self.count = QLabel(self)
        self.count.setObjectName("alertsCount")
        self.acknowledge_button = QPushButton(self)
        self.acknowledge_button.setObjectName("alertsAcknowledge")
        self.acknowledge_button.clicked.connect(self.acknowledge_selected)
        self.acknowledge_all_button = QPushButton(self)
        self.acknowledge_all_button.setObjectName("alertsAcknowledgeAll")
        self.acknowledge_all_button.clicked.connect(self.acknowledge_all)
        self.table = QTableView(self)
        self.table.setObjectName("alertsTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.clicked.connect(self._clicked)
        bar = QHBoxLayout()
        bar.addWidget(self.count, 1)
        bar.addWidget(self.acknowledge_button)
        bar.addWidget(self.acknowledge_all_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        watch.items_changed.connect(self._show_count)
        self.retranslate_ui()

    def selected(self) -> list[AttentionItem]:
        rows = self.table.selectionModel().selectedRows()
        return [item for r in rows if (item := self.model.item(r.row())) is not None]

    def acknowledge_selected(self) -> None:
        self.watch.acknowledge(i.key for i in self.selected())

    def acknowledge_all(self) -> None:
        self.watch.acknowledge(i.key for i in self.watch.items)

    def select(self, item: AttentionItem) -> None:
        """Select what the item concerns: its case and its unit."""
        self.store.clear_selection()
        if item.case_id is not None:
            self.store.select_cases([item.case_id], add=True)
        if item.unit_id is not None:
            self.store.select_units([item.unit_id], add=True)

    def _clicked(self, index: QModelIndex) -> None:
        item = self.model.item(index.row())
        if item is not None:
            self.select(item)

    def _show_count(self, *_changed: object) -> None:
        n = len(self.watch.items)
        self.count.setText(
            self.tr("%n item(s) need attention", "", n) if n else self.tr("All clear")
        )

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        self.model.retranslate()
        self.acknowledge_button.setText(self.tr("Acknowledge"))
        self.acknowledge_all_button.setText(self.tr("Acknowledge all"))
        self._show_count()
