"""The patrol-area form (分配责任区): which units patrol which cells or streets, for which shift.

It opens with the units selected (on the team board or the map) and the cells selected on
the map; whole streets/towns can be ticked instead of or besides cells. The shift is the
current one or the next (``models.shifts``). Issuing sends one ``assign_patrol`` per unit.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.item_models import Reference, local_time
from console.store import ClientStore
from models.shifts import Shift
from models.workflow import MAX_TEXT
from widgets.map.live_map import is_chinese

CODE_ROLE = int(Qt.ItemDataRole.UserRole)


def _checked(widget: QListWidget) -> tuple[str, ...]:
    return tuple(
        str(widget.item(i).data(CODE_ROLE))
        for i in range(widget.count())
        if widget.item(i).checkState() == Qt.CheckState.Checked
    )


class PatrolDialog(QDialog):
    """The form of a patrol assignment for one or more units.

    Args:
        store: The store (units, the selection, the streets of the map).
        reference: Names of streets.
        shifts: The shifts to choose from (the current one first).
        units: The units chosen as it opens.
        cells: The cells chosen as it opens.
        parent: The window it opens over.

    Attributes:
        cells: The cells assigned (those selected on the map when it opened).
    """

    def __init__(
        self,
        store: ClientStore,
        reference: Reference,
        shifts: Sequence[Shift],
        units: Sequence[str],
        cells: Sequence[str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("patrolDialog")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.store = store
        self.reference = reference
        self.shifts = tuple(shifts)
        self.cells = tuple(sorted(cells))
        chinese = is_chinese()

        self.units = QListWidget(self)
        self.units.setObjectName("patrolUnits")
        for unit_id in sorted(
            units, key=lambda u: store.units[u].callsign if u in store.units else u
        ):
            unit = store.units.get(unit_id)
            item = QListWidgetItem(unit.callsign if unit is not None else unit_id, self.units)
            item.setData(CODE_ROLE, unit_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
        self.cells_label = QLabel(self)
        self.cells_label.setObjectName("patrolCells")
        self.streets = QListWidget(self)
        self.streets.setObjectName("patrolStreets")
        self.streets.setMaximumHeight(140)
        city = store.city
        for street in city.streets if city is not None else ():
            item = QListWidgetItem(street.name_zh if chinese else street.name_en, self.streets)
            item.setData(CODE_ROLE, street.code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
        self.shift = QComboBox(self)
        self.shift.setObjectName("patrolShift")
        self.note = QLineEdit(self)
        self.note.setObjectName("patrolNote")
        self.note.setMaxLength(MAX_TEXT)
        self.problem = QLabel(self)
        self.problem.setObjectName("patrolProblem")
        self.problem.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._labels = {k: QLabel(self) for k in ("units", "cells", "streets", "shift", "note")}
        form = QFormLayout()
        form.addRow(self._labels["units"], self.units)
        form.addRow(self._labels["cells"], self.cells_label)
        form.addRow(self._labels["streets"], self.streets)
        form.addRow(self._labels["shift"], self.shift)
        form.addRow(self._labels["note"], self.note)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.retranslate_ui()

    def chosen_units(self) -> tuple[str, ...]:
        return _checked(self.units)

    def chosen_streets(self) -> tuple[str, ...]:
        return _checked(self.streets)

    def chosen_shift(self) -> Shift:
        return self.shifts[max(0, self.shift.currentIndex())]

    def accept(self) -> None:
        """Close if the form is complete (the desk sends it), or say what is missing."""
        if not self.chosen_units():
            self.problem.setText(self.tr("Choose at least one unit (select units on the board)."))
            return
        if not self.cells and not self.chosen_streets():
            self.problem.setText(
                self.tr("Select cells on the map, or tick streets/towns, for the area.")
            )
            return
        super().accept()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.tr("Assign patrol area"))
        self._labels["units"].setText(self.tr("Units:"))
        self._labels["cells"].setText(self.tr("Cells:"))
        self._labels["streets"].setText(self.tr("Whole streets/towns:"))
        self._labels["shift"].setText(self.tr("Shift:"))
        self._labels["note"].setText(self.tr("Note:"))
        self.cells_label.setText(
            self.tr("%n cell(s) selected on the map", "", len(self.cells))
            if self.cells
            else self.tr("none selected on the map")
        )
        current = self.shift.currentIndex()
        self.shift.clear()
        chinese = is_chinese()
        for shift in self.shifts:
            name = shift.name_zh if chinese else shift.name_en
            self.shift.addItem(f"{name}: {local_time(shift.start)} – {local_time(shift.end)}")
        self.shift.setCurrentIndex(max(0, current))
