"""The team board (力量看板): who is free, who is busy, who has been at it too long.

Above, per agency and team: units on duty, available, en route, on scene, busy, on break,
off duty and stale/offline, counted every second with numpy over the store's arrays.
Below, two tabs:

* the units: status, time in status (flashing past its limit until acknowledged), the
  current task (joint operation and its case), the age of the last report; optionally
  only the roster of the current shift;
* the patrol areas: the assignments, their coverage as a share, and the buttons to assign
  (the units selected here, the cells selected on the map), show the coverage on the map
  and withdraw.

Filters by street/town and agency apply to both the counts and the units.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QItemSelection, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from console.attention import AttentionWatch
from console.board_models import BoardUnitModel, TeamBoardModel
from console.item_models import ID_ROLE, Reference, local_time
from console.joint_models import PatrolModel
from console.shift_watch import shift_name
from console.store import ClientStore, StoreSignals
from models.shifts import Shift
from views.joint_desk import JointDesk
from views.joint_panel import MoveDialog
from widgets.map.live_map import is_chinese


class TeamBoardPanel(QWidget):
    """Counts per agency and team, the units, the roster and the patrol areas.

    Args:
        store: The store.
        signals: Its signals.
        watch: The tick, the alarms and their acknowledgement.
        desk: Convening, patrol areas and their coverage.
        reference: Names of departments and streets.
        parent: Qt parent.

    Attributes:
        counts_model: The counts.
        units_model: The units.
        patrols_model: The patrol assignments.
        shift: The shift whose roster is shown.
    """

    def __init__(
        self,
        store: ClientStore,
        signals: StoreSignals,
        watch: AttentionWatch,
        desk: JointDesk,
        reference: Reference,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("teamBoardPanel")
        self.store = store
        self.watch = watch
        self.desk = desk
        self.reference = reference
        self.dialog: MoveDialog | None = None
        self.shift: Shift = desk.schedule.shift_at(watch.now())
        self.counts_model = TeamBoardModel(store, watch, reference, self)
        self.units_model = BoardUnitModel(store, signals, watch, reference, self)
        self.patrols_model = PatrolModel(store, signals, desk.coverage_share, self)

        self.street = QComboBox(self)
        self.street.setObjectName("boardStreet")
        self.agency = QComboBox(self)
        self.agency.setObjectName("boardAgency")
        self.search = QLineEdit(self)
        self.search.setObjectName("boardSearch")
        self.search.setClearButtonEnabled(True)
        self.street.currentIndexChanged.connect(lambda _i: self._filter())
        self.agency.currentIndexChanged.connect(lambda _i: self._filter())
        self.search.textChanged.connect(lambda _t: self._filter())
        filters = QHBoxLayout()
        filters.addWidget(self.street)
        filters.addWidget(self.agency)
        filters.addWidget(self.search, 1)

        self.counts = self._table("boardCounts", self.counts_model, sortable=False)
        self.counts.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.roster = QCheckBox(self)
        self.roster.setObjectName("boardRoster")
        self.roster.toggled.connect(lambda _on: self._filter())
        self.roster_label = QLabel(self)
        self.roster_label.setObjectName("boardRosterLabel")
        self.units = self._table("boardUnits", self.units_model, sortable=True)
        self.units.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.units.selectionModel().selectionChanged.connect(self._units_chosen)
        self.acknowledge_button = QPushButton(self)
        self.acknowledge_button.setObjectName("boardAcknowledge")
        self.acknowledge_button.clicked.connect(self.acknowledge_selected)
        self.convene_button = QPushButton(self)
        self.convene_button.clicked.connect(lambda: desk.open_convene())
        unit_bar = QHBoxLayout()
        unit_bar.addWidget(self.roster)
        unit_bar.addWidget(self.roster_label, 1)
        unit_bar.addWidget(self.acknowledge_button)
        unit_bar.addWidget(self.convene_button)
        units_tab = QWidget(self)
        units_layout = QVBoxLayout(units_tab)
        units_layout.setContentsMargins(0, 0, 0, 0)
        units_layout.addLayout(unit_bar)
        units_layout.addWidget(self.units, 1)

        self.patrols = self._table("boardPatrols", self.patrols_model, sortable=False)
        self.patrols.selectionModel().selectionChanged.connect(lambda *_: self._patrol_buttons())
        self.assign_button = QPushButton(self)
        self.assign_button.setObjectName("boardAssign")
        self.assign_button.clicked.connect(lambda: desk.open_patrol())
        self.coverage_button = QPushButton(self)
        self.coverage_button.setObjectName("boardCoverage")
        self.coverage_button.clicked.connect(self.show_coverage)
        self.hide_coverage_button = QPushButton(self)
        self.hide_coverage_button.clicked.connect(self._hide_coverage)
        self.withdraw_button = QPushButton(self)
        self.withdraw_button.clicked.connect(self.withdraw_selected)
        self.coverage_label = QLabel(self)
        self.coverage_label.setObjectName("boardCoverageLabel")
        self.coverage_label.setWordWrap(True)
        patrol_bar = QHBoxLayout()
        for button in (
            self.assign_button,
            self.coverage_button,
            self.hide_coverage_button,
            self.withdraw_button,
        ):
            patrol_bar.addWidget(button)
        patrol_bar.addStretch(1)
        patrols_tab = QWidget(self)
        patrols_layout = QVBoxLayout(patrols_tab)
        patrols_layout.setContentsMargins(0, 0, 0, 0)
        patrols_layout.addLayout(patrol_bar)
        patrols_layout.addWidget(self.patrols, 1)
        patrols_layout.addWidget(self.coverage_label)

        self.tabs = QTabWidget(self)
        self.tabs.addTab(units_tab, "")
        self.tabs.addTab(patrols_tab, "")
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.counts)
        splitter.addWidget(self.tabs)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(filters)
        layout.addWidget(splitter, 1)

        watch.ticked.connect(self._tick)
        desk.coverage_changed.connect(self._coverage_changed)
        signals.patrols_changed.connect(self._patrol_buttons)
        signals.user_changed.connect(self._patrol_buttons)
        self.retranslate_ui()

    def _table(self, name: str, model: object, *, sortable: bool) -> QTableView:
        table = QTableView(self)
        table.setObjectName(name)
        table.setModel(model)  # type: ignore[arg-type]
        table.setSortingEnabled(sortable)
        if sortable:
            table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.verticalHeader().setVisible(False)
        table.horizontalHeader().setStretchLastSection(True)
        return table

    # -- filters

    def set_filter(self, *, street: str | None = None, agency: str | None = None) -> None:
        """Show one street/town and/or one agency (``None``: all)."""
        for combo, value in ((self.street, street), (self.agency, agency)):
            combo.setCurrentIndex(max(0, combo.findData(value or "")))
        self._filter()

    def _filter(self) -> None:
        street = self.street.currentData() or None
        agency = self.agency.currentData() or None
        self.counts_model.set_filter(street=street, agency=agency)
        self.units_model.set_filter_by(
            text=self.search.text(),
            streets=[street] if street else None,
            departments=[agency] if agency else None,
            roster_from=self.shift.start if self.roster.isChecked() else None,
        )
        self._show_roster()

    def _show_roster(self) -> None:
        shift = self.shift
        when = f"{local_time(shift.start)} – {local_time(shift.end)}"
        if self.roster.isChecked():
            self.roster_label.setText(
                self.tr("%1 (%2): %3 units on the roster")
                .replace("%1", shift_name(shift))
                .replace("%2", when)
                .replace("%3", str(self.units_model.rowCount()))
            )
        else:
            self.roster_label.setText(f"{shift_name(shift)} ({when})")

    def _tick(self) -> None:
        shift = self.desk.schedule.shift_at(self.watch.now())
        if shift.id != self.shift.id:  # a new shift: a new roster
            self.shift = shift
            self._filter()

    # -- units

    def selected_units(self) -> list[str]:
        rows = self.units.selectionModel().selectedRows()
        return [str(self.units_model.data(r, ID_ROLE)) for r in rows]

    def _units_chosen(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        units = self.selected_units()
        if units:
            self.store.select_units(units)

    def acknowledge_selected(self) -> None:
        """Acknowledge the time-in-status alarms of the selected units (they stop flashing)."""
        alarms = (self.watch.status_alarm(u) for u in self.selected_units())
        self.watch.acknowledge(a.key for a in alarms if a is not None)

    # -- patrol areas

    def selected_assignment(self) -> int | None:
        rows = self.patrols.selectionModel().selectedRows()
        item = self.patrols_model.item(rows[0].row()) if rows else None
        return item.id if item is not None else None

    def show_coverage(self) -> None:
        assignment = self.selected_assignment()
        if assignment is not None:
            self.coverage_label.setText(self.tr("Reading the track…"))
            self.desk.show_coverage(assignment)

    def _hide_coverage(self) -> None:
        self.desk.clear_coverage()
        self.coverage_label.clear()

    def _coverage_changed(self, assignment_id: int) -> None:
        self.patrols_model.refresh_texts()
        result = self.desk.coverage.get(assignment_id)
        if result is None:
            return
        unit = self.store.units.get(result.unit_id)
        self.coverage_label.setText(
            self.tr("Coverage of %1 this shift: %2 % (%3 of %4 cells visited, %5 fixes)")
            .replace("%1", unit.callsign if unit is not None else result.unit_id)
            .replace("%2", f"{100 * result.share:.0f}")
            .replace("%3", str(len(result.visited)))
            .replace("%4", str(len(result.cells)))
            .replace("%5", str(result.fixes))
        )

    def withdraw_selected(self) -> MoveDialog | None:
        assignment = self.selected_assignment()
        if assignment is None:
            return None
        dialog = MoveDialog(
            self.tr("Withdraw patrol assignment %1").replace("%1", str(assignment)),
            self.tr("The unit no longer patrols this area."),
            text_label=self.tr("Reason (required)"),
            text_required=True,
            parent=self,
        )
        dialog.accepted.connect(lambda: self.desk.withdraw(assignment, dialog.text.text()))
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        self.dialog = dialog
        dialog.open()
        return dialog

    def _patrol_buttons(self, *_changed: object) -> None:
        chosen = self.selected_assignment() is not None
        self.assign_button.setEnabled(self.desk.may_act())
        self.coverage_button.setEnabled(chosen)
        self.withdraw_button.setEnabled(chosen and self.desk.may_act())

    # -- language

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        chinese = is_chinese()
        street, agency = self.street.currentData(), self.agency.currentData()
        for combo in (self.street, self.agency):
            combo.blockSignals(True)
            combo.clear()
        self.street.addItem(self.tr("All streets/towns"), "")
        for code in sorted(self.reference.streets):
            self.street.addItem(self.reference.street(code, chinese), code)
        self.agency.addItem(self.tr("All agencies"), "")
        for department in self.desk.catalogue.departments.values():
            if department.field_forces:
                self.agency.addItem(
                    self.reference.department(department.code, chinese), department.code
                )
        for combo, value in ((self.street, street), (self.agency, agency)):
            combo.setCurrentIndex(max(0, combo.findData(value or "")))
            combo.blockSignals(False)
        self.search.setPlaceholderText(self.tr("Search: call sign, team, status…"))
        self.roster.setText(self.tr("Roster of the current shift"))
        self.acknowledge_button.setText(self.tr("Acknowledge alarm"))
        self.convene_button.setText(self.tr("Convene joint patrol…"))
        self.assign_button.setText(self.tr("Assign patrol area…"))
        self.coverage_button.setText(self.tr("Show coverage"))
        self.hide_coverage_button.setText(self.tr("Hide coverage"))
        self.withdraw_button.setText(self.tr("Withdraw…"))
        self.tabs.setTabText(0, self.tr("Units"))
        self.tabs.setTabText(1, self.tr("Patrol areas"))
        self.counts_model.retranslate()
        self.units_model.retranslate()
        self.patrols_model.retranslate()
        self._filter()
        self._patrol_buttons()
