"""The convening form (召集联勤): agencies, the units proposed for each, a commander, a
meeting point and a time; issuing it sends the ``convene`` move.

It opens filled in (``console.convening``): from a case, with the agencies of the case's
category's response template and the case's location; from nothing, empty. The units of
each agency are recommended from live positions (nearest by ETA first, stale units and
units in another operation left out) and recomputed when the agencies or the meeting
point change; the best of each agency is chosen. A supervisor may save the agencies as
the category's template for everyone.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QDateTime, QEvent, Qt, QTimeZone, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.convening import (
    ConveneDraft,
    build_convene,
    recommendations,
    with_first_choices,
)
from console.item_models import Reference, format_age
from console.store import ClientStore, StoreSignals
from models.catalogue import Catalogue
from models.errors import InvalidInput
from models.joint import Recommendation
from models.org import DEFAULT_STALE_AFTER, DISTRICT_SCOPE, User
from models.response_templates import TEMPLATE_ROLES
from models.workflow import MAX_TEXT
from widgets.map.live_map import format_distance, is_chinese

SHANGHAI_ZONE = QTimeZone(b"Asia/Shanghai")
UNIT_ROLE = int(Qt.ItemDataRole.UserRole)


def may_edit_templates(user: User | None) -> bool:
    """Whether ``user`` may change the district's response templates."""
    return user is not None and user.role in TEMPLATE_ROLES and user.scope == DISTRICT_SCOPE


class ConveneDialog(QDialog):
    """The form of one joint operation; OK issues the orders.

    Args:
        store: The store (live units, operations, templates; the convening is sent through it).
        signals: Its signals (templates changed while the form is open).
        catalogue: The departments (the agencies a form may name).
        reference: Names of departments.
        draft: The form as it opens.
        clock: "Now", for staleness and the recommendation.
        stale_after: Age after which a unit's report no longer counts.
        parent: The window it opens over.

    Attributes:
        found: The last recommendation, agency → units best first.
        request_id: The convening's request id once issued.

    Signals:
        pick_requested(): "Pick on map": the next click on a map should call
            :meth:`set_point`.
        issued(str): The convening was sent (its request id).
    """

    pick_requested = Signal()
    issued = Signal(str)

    def __init__(
        self,
        store: ClientStore,
        signals: StoreSignals,
        catalogue: Catalogue,
        reference: Reference,
        draft: ConveneDraft,
        *,
        clock: Callable[[], datetime],
        stale_after: timedelta = DEFAULT_STALE_AFTER,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("conveneDialog")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.store = store
        self.catalogue = catalogue
        self.reference = reference
        self.clock = clock
        self.stale_after = stale_after
        self._draft = draft
        self.found: dict[str, list[Recommendation]] = {}
        self.request_id: str | None = None

        self.summary = QLabel(self)
        self.summary.setObjectName("conveneSummary")
        self.summary.setWordWrap(True)
        self.agencies = QListWidget(self)
        self.agencies.setObjectName("conveneAgencies")
        self.agencies.setMaximumHeight(120)
        chinese = is_chinese()
        field_forces = [d for d in catalogue.departments.values() if d.field_forces]
        order = {code: i for i, code in enumerate(draft.agencies)}
        field_forces.sort(key=lambda d: (order.get(d.code, len(order)), d.code))
        for department in field_forces:
            name = department.name_zh if chinese else department.name_en
            item = QListWidgetItem(f"{name} ({department.code})", self.agencies)
            item.setData(UNIT_ROLE, department.code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = department.code in draft.agencies
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.agencies.itemChanged.connect(self._agencies_changed)
        self.save_template = QPushButton(self)
        self.save_template.setObjectName("conveneSaveTemplate")
        self.save_template.clicked.connect(self.save_as_template)
        self.save_template.setVisible(draft.category is not None and may_edit_templates(store.user))

        self.units = QTreeWidget(self)
        self.units.setObjectName("conveneUnits")
        self.units.setColumnCount(4)
        self.units.setRootIsDecorated(True)
        self.units.itemChanged.connect(self._units_changed)
        self.recommend_button = QPushButton(self)
        self.recommend_button.clicked.connect(self.recommend)
        self.commander = QComboBox(self)
        self.commander.setObjectName("conveneCommander")

        self.point = QLabel(self)
        self.point.setObjectName("convenePoint")
        self.pick_button = QPushButton(self)
        self.pick_button.setObjectName("convenePick")
        self.pick_button.clicked.connect(self.pick_requested)
        self.case_point_button = QPushButton(self)
        self.case_point_button.clicked.connect(self._use_case_point)
        self.case_point_button.setVisible(draft.case_id is not None)
        self.meet_at = QDateTimeEdit(self)
        self.meet_at.setObjectName("conveneMeetAt")
        self.meet_at.setTimeZone(SHANGHAI_ZONE)
        self.meet_at.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.meet_at.setCalendarPopup(True)
        self.meet_at.setDateTime(
            QDateTime.fromSecsSinceEpoch(int(draft.meet_at.timestamp()), SHANGHAI_ZONE)
        )
        self.instructions = QLineEdit(draft.instructions, self)
        self.instructions.setObjectName("conveneInstructions")
        self.instructions.setMaxLength(MAX_TEXT)
        self.problem = QLabel(self)
        self.problem.setObjectName("conveneProblem")
        self.problem.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        self.form = QFormLayout()
        self._labels = {name: QLabel(self) for name in ("agencies", "units", "commander")}
        self._labels.update({name: QLabel(self) for name in ("point", "meet_at", "instructions")})
        agencies_row = QVBoxLayout()
        agencies_row.addWidget(self.agencies)
        agencies_row.addWidget(self.save_template, 0, Qt.AlignmentFlag.AlignLeft)
        units_row = QVBoxLayout()
        units_row.addWidget(self.units)
        units_row.addWidget(self.recommend_button, 0, Qt.AlignmentFlag.AlignLeft)
        point_row = QHBoxLayout()
        point_row.addWidget(self.point, 1)
        point_row.addWidget(self.pick_button)
        point_row.addWidget(self.case_point_button)
        self.form.addRow(self._labels["agencies"], agencies_row)
        self.form.addRow(self._labels["point"], point_row)
        self.form.addRow(self._labels["units"], units_row)
        self.form.addRow(self._labels["commander"], self.commander)
        self.form.addRow(self._labels["meet_at"], self.meet_at)
        self.form.addRow(self._labels["instructions"], self.instructions)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(self.form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.resize(640, 620)
        self.retranslate_ui()
        self.recommend()
        signals.templates_changed.connect(self._templates_changed)

    # -- reading the form

    def chosen_agencies(self) -> tuple[str, ...]:
        """The agencies checked, in the list's order."""
        codes = []
        for row in range(self.agencies.count()):
            item = self.agencies.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                codes.append(str(item.data(UNIT_ROLE)))
        return tuple(codes)

    def chosen_units(self) -> tuple[str, ...]:
        """The units checked, agency by agency, best first."""
        units = []
        for a in range(self.units.topLevelItemCount()):
            agency = self.units.topLevelItem(a)
            assert agency is not None
            for u in range(agency.childCount()):
                item = agency.child(u)
                if item is not None and item.checkState(0) == Qt.CheckState.Checked:
                    units.append(str(item.data(0, UNIT_ROLE)))
        return tuple(units)

    def draft(self) -> ConveneDraft:
        """The form as it stands."""
        commander = self.commander.currentData()
        moment = datetime.fromtimestamp(self.meet_at.dateTime().toSecsSinceEpoch(), UTC)
        return replace(
            self._draft,
            agencies=self.chosen_agencies(),
            units=self.chosen_units(),
            commander=str(commander) if commander else None,
            meet_at=moment,
            instructions=self.instructions.text(),
        )

    # -- changing it

    def set_point(self, lon: float, lat: float) -> None:
        """The meeting point (picked on the map); the units are recommended again."""
        self._draft = replace(self._draft, lon=lon, lat=lat)
        self.recommend()
        self.raise_()
        self.activateWindow()

    def _use_case_point(self) -> None:
        case = self.store.cases.get(self._draft.case_id or 0)
        if case is not None:
            self.set_point(case.location.lon, case.location.lat)

    def _agencies_changed(self, _item: QListWidgetItem) -> None:
        self.recommend()

    def _templates_changed(self) -> None:
        self.retranslate_ui()

    def recommend(self) -> None:
        """Recommend the units again from the live positions, keeping the choices still
        possible and choosing the best of each agency that has none."""
        current = self.draft()
        if not self.units.topLevelItemCount():  # opening: the draft's own choices
            current = replace(current, units=self._draft.units, commander=self._draft.commander)
        self.found = recommendations(
            current,
            self.store.live_units(),
            self.store.joint_operations.values(),
            self.clock(),
            stale_after=self.stale_after,
        )
        proposed = {r.unit_id for recs in self.found.values() for r in recs}
        kept = replace(current, units=tuple(u for u in current.units if u in proposed))
        self._draft = with_first_choices(kept, self.found)
        self._fill_units()

    def _fill_units(self) -> None:
        chosen = set(self._draft.units)
        chinese = is_chinese()
        now = self.clock()
        self.units.blockSignals(True)
        self.units.clear()
        for agency, recs in self.found.items():
            top = QTreeWidgetItem(self.units, [self.reference.department(agency, chinese)])
            top.setFirstColumnSpanned(not recs)
            if not recs:
                top.setText(0, f"{top.text(0)} — {self.tr('no unit available')}")
            for rec in recs:
                item = QTreeWidgetItem(
                    top,
                    [
                        rec.callsign,
                        format_distance(rec.distance_m),
                        self.tr("%1 min").replace("%1", f"{rec.eta_s / 60:.0f}"),
                        format_age((now - rec.last_fix_at).total_seconds()),
                    ],
                )
                item.setData(0, UNIT_ROLE, rec.unit_id)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                on = rec.unit_id in chosen
                item.setCheckState(0, Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
            top.setExpanded(True)
        self.units.blockSignals(False)
        self._fill_commanders(self._draft.commander)
        self._show_point()

    def _units_changed(self, _item: QTreeWidgetItem, _column: int) -> None:
        self._draft = replace(self._draft, units=self.chosen_units())
        self._fill_commanders(self.commander.currentData())

    def _fill_commanders(self, current: str | None) -> None:
        units = self.chosen_units()
        callsigns = {r.unit_id: r.callsign for recs in self.found.values() for r in recs}
        self.commander.blockSignals(True)
        self.commander.clear()
        for unit_id in units:
            self.commander.addItem(callsigns.get(unit_id, unit_id), unit_id)
        index = self.commander.findData(current)
        self.commander.setCurrentIndex(max(0, index) if units else -1)
        self.commander.blockSignals(False)

    def _show_point(self) -> None:
        d = self._draft
        if d.lon is None or d.lat is None:
            self.point.setText(self.tr("Not chosen yet: pick it on the map"))
        else:
            self.point.setText(f"{d.lon:.5f}, {d.lat:.5f}")

    def save_as_template(self) -> str | None:
        """Send the agencies checked as the category's response template; the request id."""
        category = self._draft.category
        if category is None or not may_edit_templates(self.store.user):
            return None
        return self.store.send_template(category, self.chosen_agencies())

    # -- issuing

    def accept(self) -> None:
        """Issue the orders, or say in the form what is missing."""
        try:
            move = build_convene(self.draft())
        except InvalidInput as exc:
            self.problem.setText(self._problem_text(exc))
            return
        self.request_id = self.store.send_joint(None, move)
        self.issued.emit(self.request_id)
        super().accept()

    def _problem_text(self, exc: InvalidInput) -> str:
        texts: Mapping[str, str] = {
            "agencies": self.tr("Choose at least one agency."),
            "units": self.tr("Choose at least one unit."),
            "commander": self.tr("Choose the commander among the units."),
            "lon": self.tr("Pick the meeting point on the map."),
            "meet_at": self.tr("Set the meeting time."),
        }
        return texts.get(exc.field, exc.problem)

    # -- language

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        d = self._draft
        if d.case_number is not None:
            self.setWindowTitle(
                self.tr("Convene a joint operation for case %1").replace("%1", d.case_number)
            )
            category = self.reference.category(d.category or "", is_chinese())
            self.summary.setText(
                self.tr("Case %1 (%2): the agencies come from the category's response template.")
                .replace("%1", d.case_number)
                .replace("%2", category)
            )
        else:
            self.setWindowTitle(self.tr("Convene a joint patrol"))
            self.summary.setText(self.tr("Choose the agencies and pick the meeting point."))
        self._labels["agencies"].setText(self.tr("Agencies:"))
        self._labels["units"].setText(self.tr("Units (nearest first):"))
        self._labels["commander"].setText(self.tr("Commander:"))
        self._labels["point"].setText(self.tr("Meeting point:"))
        self._labels["meet_at"].setText(self.tr("Meeting time:"))
        self._labels["instructions"].setText(self.tr("Instructions:"))
        self.save_template.setText(self.tr("Save as the category's template"))
        self.units.setHeaderLabels(
            [self.tr("Unit"), self.tr("Distance"), self.tr("ETA"), self.tr("Last report")]
        )
        self.recommend_button.setText(self.tr("Recommend again"))
        self.pick_button.setText(self.tr("Pick on map"))
        self.case_point_button.setText(self.tr("Case location"))
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(self.tr("Issue orders"))
        self._show_point()
