"""The form of one case action (dispatch, urge, close...), opened with its defaults filled in.

Every field a move needs, and only those, with the catalogue's defaults: the category's
department and deadline for a dispatch, its joint departments for a comprehensive one, the
nearest available grid supervisor for a verification, the nearby cases for a merge. OK is
enabled once every required field is filled, so Enter sends and Esc cancels.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QDateTime, QEvent, Qt, QTimeZone
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from console.case_actions import (
    REASON_ACTIONS,
    ActionInput,
    CaseAction,
    closing_choices,
    default_deadline,
    find_cases,
    joint_departments,
    missing_field,
)
from console.case_texts import action_name, closing_name, distance_text, rule_text
from console.connection import tr_item
from console.item_models import URGENCY_NAMES, local_time
from models.case import Case, ClosingType
from models.catalogue import Urgency
from models.workflow import MAX_TEXT, MAX_URGE_LEVEL

if TYPE_CHECKING:
    from views.case_desk import CaseDesk

_NOTE_ACTIONS = frozenset(
    {
        CaseAction.ACCEPT,
        CaseAction.FILE,
        CaseAction.APPROVE_EXTENSION,
        CaseAction.DENY_EXTENSION,
        CaseAction.RESUME,
    }
)
_REASON_ACTIONS = REASON_ACTIONS | {CaseAction.CLOSE}  # a verified closing takes a note there
_DISPATCHES = frozenset({CaseAction.DISPATCH, CaseAction.DISPATCH_COMPREHENSIVE})


def _line(parent: QWidget, name: str, text: str = "") -> QLineEdit:
    edit = QLineEdit(text, parent)
    edit.setObjectName(name)
    edit.setMaxLength(MAX_TEXT)
    edit.setClearButtonEnabled(True)
    return edit


class CaseActionDialog(QDialog):
    """The form of ``action`` on ``cases``; :meth:`data` reads it back.

    Args:
        desk: The desk (catalogue, names, positions, nearby cases, the signed-in user).
        action: The action.
        cases: The cases it is for (at least one; the first gives the defaults shown).
        data: The form as it opens (defaults, or what a command line typed).
        parent: The window it opens over.

    Attributes:
        fields: Field name → its widget, for the fields this action has.
    """

    def __init__(
        self,
        desk: CaseDesk,
        action: CaseAction,
        cases: Sequence[Case],
        data: ActionInput,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        if not cases:
            raise ValueError("a case action needs at least one case")
        self.setObjectName("caseActionDialog")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.desk = desk
        self.action = action
        self.cases = list(cases)
        self._initial = data
        self.fields: dict[str, QWidget] = {}
        self._labels: dict[str, QLabel] = {}

        self.summary = QLabel(self)
        self.summary.setObjectName("caseActionSummary")
        self.summary.setWordWrap(True)
        self.form = QFormLayout()
        self.problem = QLabel(self)
        self.problem.setObjectName("caseActionProblem")
        self.problem.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(self.form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)

        self._build(data)
        self.retranslate_ui()
        self._validate()

    # -- building ---------------------------------------------------------------------------

    def _add(self, name: str, widget: QWidget) -> None:
        label = QLabel(self)
        label.setBuddy(widget)
        self._labels[name] = label
        self.fields[name] = widget
        self.form.addRow(label, widget)

    def _build(self, data: ActionInput) -> None:
        action = self.action
        first = self.cases[0]
        if action is CaseAction.FILE:
            self._add("category", self._category_combo(data.category or first.category))
            self._add("urgency", self._urgency_combo(data.urgency or first.urgency))
        if action is CaseAction.DISPATCH:
            self._add("department", self._department_combo(data.department))
        if action is CaseAction.DISPATCH_COMPREHENSIVE:
            self._add("departments", self._departments_list(data.departments))
        if action in _DISPATCHES:
            self.deadline_default = QCheckBox(self)
            self.deadline_default.setObjectName("deadlineDefault")
            self.deadline_default.setChecked(data.deadline is None)
            self._add("deadline_default", self.deadline_default)
            self._add("deadline", self._deadline_edit(data.deadline))
            self.deadline_default.toggled.connect(self._deadline_toggled)
            self._deadline_toggled(self.deadline_default.isChecked())
            self._add("instructions", _line(self, "instructions", data.instructions))
        if action is CaseAction.CLOSE:
            self._add("closing_type", self._closing_combo(data.closing_type))
        if action is CaseAction.URGE:
            level = QSpinBox(self)
            level.setObjectName("level")
            level.setRange(1, MAX_URGE_LEVEL)
            level.setValue(data.level)
            self._add("level", level)
            self._add("message", _line(self, "message", data.message))
        if action is CaseAction.ASSIGN_VERIFICATION:
            self._add("verifier", self._verifier_combo(data.verifier))
        if action is CaseAction.MERGE:
            self._add("into_case", self._into_combo(data.into_case))
        if action in _REASON_ACTIONS:
            text = data.note if action is CaseAction.CLOSE and data.closing_type is None else ""
            self._add("reason", _line(self, "reason", data.reason or text))
        if action is CaseAction.VOID:
            check = QCheckBox(self)
            check.setObjectName("invalidReport")
            check.setChecked(data.invalid_report)
            self._add("invalid_report", check)
        if action in _NOTE_ACTIONS:
            self._add("note", _line(self, "note", data.note))
        for widget in self.fields.values():
            if isinstance(widget, QLineEdit):
                widget.textChanged.connect(self._validate)
            elif isinstance(widget, QComboBox):
                widget.currentIndexChanged.connect(self._validate)
                widget.editTextChanged.connect(self._validate)
            elif isinstance(widget, QListWidget):
                widget.itemChanged.connect(self._validate)
            elif isinstance(widget, QDateTimeEdit):
                widget.dateTimeChanged.connect(self._validate)
        # The first field takes the keys, so the operator types straight away.
        editable = [w for w in self.fields.values() if isinstance(w, QLineEdit | QComboBox)]
        if editable:
            editable[0].setFocus()

    def _category_combo(self, current: str) -> QComboBox:
        combo = QComboBox(self)
        combo.setObjectName("category")
        for code in self.desk.catalogue.categories:
            combo.addItem(f"{code} {self.desk.category_name(code)}", code)
        combo.setCurrentIndex(max(0, combo.findData(current)))
        return combo

    def _urgency_combo(self, current: Urgency) -> QComboBox:
        combo = QComboBox(self)
        combo.setObjectName("urgency")
        for urgency in Urgency:
            combo.addItem(tr_item(URGENCY_NAMES[urgency]), urgency.value)
        combo.setCurrentIndex(max(0, combo.findData(current.value)))
        return combo

    def _department_combo(self, current: str | None) -> QComboBox:
        combo = QComboBox(self)
        combo.setObjectName("department")
        catalogue = self.desk.catalogue
        if len(self.cases) > 1:
            combo.addItem("", None)  # "each case's own department", named in retranslate_ui
        for department in catalogue.departments.values():
            if not department.joint_office:
                name = self.desk.department_name(department.code)
                combo.addItem(f"{name} ({department.code})", department.code)
        if current is None and len(self.cases) == 1:
            current = catalogue.category(self.cases[0].category).department
        combo.setCurrentIndex(max(0, combo.findData(current)))
        return combo

    def _departments_list(self, current: tuple[str, ...] | None) -> QListWidget:
        chosen = set(
            current
            if current is not None
            else joint_departments(self.cases[0], self.desk.catalogue)
        )
        box = QListWidget(self)
        box.setObjectName("departments")
        box.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        for department in self.desk.catalogue.departments.values():
            if department.joint_office:
                continue
            item = QListWidgetItem(
                f"{self.desk.department_name(department.code)} ({department.code})", box
            )
            item.setData(Qt.ItemDataRole.UserRole, department.code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = department.code in chosen
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        return box

    def _deadline_edit(self, current: datetime | None) -> QDateTimeEdit:
        edit = QDateTimeEdit(self)
        edit.setObjectName("deadline")
        edit.setTimeZone(QTimeZone(b"Asia/Shanghai"))
        edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        edit.setCalendarPopup(True)
        moment = current or self.default_deadline()
        edit.setDateTime(
            QDateTime.fromSecsSinceEpoch(int(moment.timestamp()), QTimeZone(b"Asia/Shanghai"))
        )
        return edit

    def _closing_combo(self, current: ClosingType | None) -> QComboBox:
        combo = QComboBox(self)
        combo.setObjectName("closingType")
        actor = self.desk.actor()
        choices = closing_choices(self.cases[0], actor) if actor is not None else []
        for choice in choices:
            combo.addItem(closing_name(choice), choice.value if choice else "")
        combo.setCurrentIndex(max(0, combo.findData(current.value if current else "")))
        combo.currentIndexChanged.connect(lambda _i: self.retranslate_ui())
        return combo

    def _verifier_combo(self, current: str) -> QComboBox:
        combo = QComboBox(self)
        combo.setObjectName("verifier")
        combo.setEditable(True)
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for suggestion in self.desk.verifier_suggestions(self.cases[0]):
            unit = suggestion.unit
            combo.addItem(
                f"{unit.callsign} · {distance_text(suggestion.distance_m)} ({unit.unit_id})",
                unit.unit_id,
            )
        index = combo.findData(current)
        if index >= 0:
            combo.setCurrentIndex(index)
        else:
            combo.setEditText(current)
        return combo

    def _into_combo(self, current: int | None) -> QComboBox:
        combo = QComboBox(self)
        combo.setObjectName("intoCase")
        combo.setEditable(True)
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for nearby in self.desk.merge_targets(self.cases[0]):
            case = nearby.case
            combo.addItem(
                f"{case.number} · {self.desk.category_name(case.category)} · "
                f"{distance_text(nearby.distance_m)}",
                case.id,
            )
        index = combo.findData(current)
        if index >= 0:
            combo.setCurrentIndex(index)
        elif current is not None:
            target = self.desk.store.cases.get(current)
            combo.setEditText(target.number if target else str(current))
        else:
            combo.setEditText("")
        return combo

    # -- reading ----------------------------------------------------------------------------

    def default_deadline(self) -> datetime:
        """When the first case would be due if dispatched now under the catalogue's rule."""
        desk = self.desk
        return default_deadline(self.cases[0], desk.catalogue, desk.policy, desk.clock())

    def _deadline_toggled(self, use_default: bool) -> None:
        self.fields["deadline"].setEnabled(not use_default)
        self._validate()

    def _text(self, name: str) -> str:
        widget = self.fields.get(name)
        return widget.text().strip() if isinstance(widget, QLineEdit) else ""

    @staticmethod
    def _combo_value(combo: QComboBox) -> object:
        """The chosen item's data, or what was typed into an editable combo."""
        index = combo.currentIndex()
        if index >= 0 and combo.currentText() == combo.itemText(index):
            return combo.itemData(index)
        return combo.currentText().strip()

    def data(self) -> ActionInput:
        """The form as it stands."""
        initial = self._initial
        fields = self.fields
        changes: dict[str, object] = {}
        if "note" in fields:
            changes["note"] = self._text("note")
        if "reason" in fields:
            changes["reason"] = self._text("reason")
        if "invalid_report" in fields:
            check = fields["invalid_report"]
            assert isinstance(check, QCheckBox)
            changes["invalid_report"] = check.isChecked()
        if "category" in fields:
            combo = fields["category"]
            assert isinstance(combo, QComboBox)
            changes["category"] = combo.currentData()
        if "urgency" in fields:
            combo = fields["urgency"]
            assert isinstance(combo, QComboBox)
            changes["urgency"] = Urgency(combo.currentData())
        if "department" in fields:
            combo = fields["department"]
            assert isinstance(combo, QComboBox)
            changes["department"] = combo.currentData()
        if "departments" in fields:
            box = fields["departments"]
            assert isinstance(box, QListWidget)
            codes = tuple(
                str(box.item(i).data(Qt.ItemDataRole.UserRole))
                for i in range(box.count())
                if box.item(i).checkState() == Qt.CheckState.Checked
            )
            changes["departments"] = codes or None
        if "deadline" in fields:
            edit = fields["deadline"]
            assert isinstance(edit, QDateTimeEdit)
            typed = datetime.fromtimestamp(edit.dateTime().toSecsSinceEpoch(), UTC)
            changes["deadline"] = None if self.deadline_default.isChecked() else typed
        if "instructions" in fields:
            changes["instructions"] = self._text("instructions")
        if "level" in fields:
            spin = fields["level"]
            assert isinstance(spin, QSpinBox)
            changes["level"] = spin.value()
        if "message" in fields:
            changes["message"] = self._text("message")
        if "verifier" in fields:
            combo = fields["verifier"]
            assert isinstance(combo, QComboBox)
            changes["verifier"] = str(self._combo_value(combo))
        if "closing_type" in fields:
            combo = fields["closing_type"]
            assert isinstance(combo, QComboBox)
            value = combo.currentData()
            closing = ClosingType(value) if value else None
            changes["closing_type"] = closing
            if closing is None:  # a passed verification takes a note, not a reason
                changes["note"], changes["reason"] = changes.get("reason", ""), ""
        if "into_case" in fields:
            combo = fields["into_case"]
            assert isinstance(combo, QComboBox)
            value = self._combo_value(combo)
            if isinstance(value, int):
                changes["into_case"] = value
            else:
                found = find_cases(str(value), self.desk.store.cases, limit=1)
                changes["into_case"] = found[0].id if found and str(value) else None
        return replace(initial, **changes)  # type: ignore[arg-type]

    def problem_text(self) -> str:
        """Why OK is disabled, in words; ``""`` when the form is complete."""
        data = self.data()
        missing = missing_field(self.action, data)
        if missing is not None:
            return self.tr("Required: {field}").format(field=self._field_name(missing))
        if data.deadline is not None and data.deadline <= self.desk.clock():
            return self.tr("The deadline must be in the future.")
        if data.into_case is not None and data.into_case in {c.id for c in self.cases}:
            return self.tr("A case cannot be merged into itself.")
        return ""

    def _validate(self) -> None:
        problem = self.problem_text()
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem))
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(not problem)
        ok.setDefault(True)

    # -- text -------------------------------------------------------------------------------

    def _field_name(self, name: str) -> str:
        names = {
            "category": self.tr("Category"),
            "urgency": self.tr("Urgency"),
            "department": self.tr("Department"),
            "departments": self.tr("Departments to convene"),
            "deadline_default": self.tr("Deadline"),
            "deadline": self.tr("Deadline (Shanghai time)"),
            "instructions": self.tr("Instructions"),
            "closing_type": self.tr("Closing type"),
            "level": self.tr("Supervision level"),
            "message": self.tr("Message"),
            "verifier": self.tr("Verifier"),
            "into_case": self.tr("Merge into case"),
            "reason": self.tr("Reason"),
            "invalid_report": self.tr("Invalid report"),
            "note": self.tr("Note"),
        }
        if (
            name == "reason"
            and self.action is CaseAction.CLOSE
            and self.data().closing_type is None
        ):
            return self.tr("Note")
        return names.get(name, name)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        """Retranslates on a language switch."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        """Sets every text in the current language."""
        desk = self.desk
        numbers = ", ".join(c.number for c in self.cases[:5])
        if len(self.cases) > 5:
            numbers += self.tr(" and {count} more").format(count=len(self.cases) - 5)
        title = action_name(self.action)
        self.setWindowTitle(self.tr("{action}: case {cases}").format(action=title, cases=numbers))
        first = self.cases[0]
        if len(self.cases) == 1:
            summary = self.tr("{action} case {case} ({category}, {address})").format(
                action=title,
                case=first.number,
                category=desk.category_name(first.category),
                address=first.location.address or "—",
            )
        else:
            summary = self.tr("{action} {count} cases: {cases}").format(
                action=title, count=len(self.cases), cases=numbers
            )
        if self.action is CaseAction.DISPATCH_COMPREHENSIVE:
            summary += "\n" + self.tr(
                "The joint-action office convenes the checked departments' forces "
                "(joint-patrol convening)."
            )
        self.summary.setText(summary)
        for name, label in self._labels.items():
            label.setText(self._field_name(name))
        if "deadline_default" in self.fields:
            if len(self.cases) == 1:
                rule = desk.catalogue.category(first.category).deadline(first.urgency)
                self.deadline_default.setText(
                    self.tr("From the catalogue: {rule}, due {time}").format(
                        rule=rule_text(rule), time=local_time(self.default_deadline())
                    )
                )
            else:
                self.deadline_default.setText(
                    self.tr("From the catalogue, by each case's category and urgency")
                )
        department = self.fields.get("department")
        if isinstance(department, QComboBox) and len(self.cases) > 1:
            department.setItemText(0, self.tr("Each case's own department (from its category)"))
        invalid = self.fields.get("invalid_report")
        if isinstance(invalid, QCheckBox):
            invalid.setText(self.tr("The report was not valid (counts against its reporter)"))
        self._validate()
