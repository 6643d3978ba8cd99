"""The joint operations panel (联勤行动): every operation followed live, unit by unit.

Above, the operations (open ones first) with how many units arrived and who has not
acknowledged; below, the units of the chosen one with the time of each step: notified →
acknowledged → en route → arrived → released. A unit that does not acknowledge in time is
named in a banner (and the watch beeps once); the banner's button acknowledges the
reminder. The buttons make the centre's moves: add or replace a unit, release one,
complete with an outcome (it goes into the case's history) or cancel with a reason.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QItemSelection, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.attention import AttentionKind, AttentionWatch
from console.item_models import Reference
from console.joint_models import JointOperationsModel, ParticipantsModel
from console.store import ClientStore, StoreSignals
from models.joint import JointOperation, Participant, Recommendation
from models.workflow import MAX_TEXT
from views.joint_desk import JointDesk
from widgets.map.live_map import format_distance


class MoveDialog(QDialog):
    """A short form for one move: a choice of unit (optional) and a text (optional or
    required). OK stays disabled until what is required is given.

    Args:
        title: The window title.
        prompt: What to do, in words.
        choices: (unit id, label) to choose from, best first; none: no choice.
        text_label: The text field's label; ``""``: no text field.
        text_required: Whether the text must be given.
        parent: Qt parent.
    """

    def __init__(
        self,
        title: str,
        prompt: str,
        choices: Sequence[tuple[str, str]] = (),
        text_label: str = "",
        *,
        text_required: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("jointMoveDialog")
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.text_required = text_required
        layout = QVBoxLayout(self)
        label = QLabel(prompt, self)
        label.setWordWrap(True)
        layout.addWidget(label)
        self.choice = QComboBox(self)
        self.choice.setObjectName("jointMoveChoice")
        for unit_id, text in choices:
            self.choice.addItem(text, unit_id)
        self.choice.setVisible(bool(choices))
        layout.addWidget(self.choice)
        self.text = QLineEdit(self)
        self.text.setObjectName("jointMoveText")
        self.text.setMaxLength(MAX_TEXT)
        self.text.setPlaceholderText(text_label)
        self.text.setVisible(bool(text_label))
        layout.addWidget(self.text)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.text.textChanged.connect(self._check)
        self._has_choices = bool(choices)
        self._check()

    def chosen(self) -> str:
        data = self.choice.currentData()
        return str(data) if data else ""

    def _check(self) -> None:
        ok = (not self.text_required or bool(self.text.text().strip())) and (
            not self._has_choices or self.choice.count() > 0
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)


class JointPanel(QWidget):
    """The joint operations and their units, with the centre's moves.

    Args:
        store: The store.
        signals: Its signals.
        watch: Reminders and the clock.
        desk: Sends the moves and opens the convening form.
        reference: Names of departments.
        parent: Qt parent.

    Attributes:
        operations_model: The operations.
        participants_model: The units of the chosen operation.
        dialog: The move's form open now, if any.
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
        self.setObjectName("jointPanel")
        self.store = store
        self.watch = watch
        self.desk = desk
        self.dialog: MoveDialog | None = None
        self._chosen_unit: str | None = None
        self.operations_model = JointOperationsModel(store, signals, watch, reference, self)
        self.participants_model = ParticipantsModel(store, signals, watch, reference, self)

        self.banner = QLabel(self)
        self.banner.setObjectName("jointReminder")
        self.banner.setWordWrap(True)
        self.banner.setProperty("alarm", True)
        self.acknowledge_button = QPushButton(self)
        self.acknowledge_button.setObjectName("jointAcknowledge")
        self.acknowledge_button.clicked.connect(self.acknowledge_reminders)
        banner_row = QHBoxLayout()
        banner_row.addWidget(self.banner, 1)
        banner_row.addWidget(self.acknowledge_button)

        self.operations = self._table("jointOperations", self.operations_model)
        self.participants = self._table("jointParticipants", self.participants_model)
        self.operations.selectionModel().selectionChanged.connect(self._operation_chosen)
        self.participants.selectionModel().selectionChanged.connect(self._participant_chosen)
        self.operations.doubleClicked.connect(lambda _index: self._select_case())

        self.buttons: dict[str, QPushButton] = {}
        bar = QHBoxLayout()
        for key in ("convene", "add_unit", "replace_unit", "release", "complete", "cancel"):
            button = QPushButton(self)
            button.setObjectName(f"joint-{key}")
            button.clicked.connect(lambda _checked=False, k=key: self.start(k))
            bar.addWidget(button)
            self.buttons[key] = button
        bar.addStretch(1)

        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.operations)
        splitter.addWidget(self.participants)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(banner_row)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)

        signals.joint_changed.connect(self._joint_changed)
        signals.user_changed.connect(self._update_buttons)
        watch.items_changed.connect(self._show_reminders)
        self.retranslate_ui()
        self._joint_changed(set(store.joint_operations))

    def _table(self, name: str, model: JointOperationsModel | ParticipantsModel) -> QTableView:
        table = QTableView(self)
        table.setObjectName(name)
        table.setModel(model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.verticalHeader().setVisible(False)
        table.horizontalHeader().setStretchLastSection(True)
        return table

    # -- what is chosen

    def current_operation(self) -> JointOperation | None:
        return self.participants_model.operation

    def current_participant(self) -> Participant | None:
        rows = self.participants.selectionModel().selectedRows()
        return self.participants_model.item(rows[0].row()) if rows else None

    def show_operation(self, operation_id: int | None) -> None:
        """Choose an operation (its units are shown below)."""
        row = self.operations_model.row_of(operation_id) if operation_id is not None else None
        if row is None:
            self.operations.clearSelection()
            self.participants_model.show_operation(None)
        else:
            self.operations.selectRow(row)
            self.participants_model.show_operation(operation_id)
        self._update_buttons()

    def _operation_chosen(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        rows = self.operations.selectionModel().selectedRows()
        op = self.operations_model.item(rows[0].row()) if rows else None
        if op is not None and op.id != self.participants_model.operation_id:
            self.participants_model.show_operation(op.id)
        self._update_buttons()

    def _participant_chosen(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        p = self.current_participant()
        if p is not None:
            self._chosen_unit = p.unit_id
            if self.store.selection.units != {p.unit_id}:
                self.store.select_units([p.unit_id])
        self._update_buttons()

    def _select_case(self) -> None:
        op = self.current_operation()
        if op is not None and op.case_id is not None:
            self.store.select_cases([op.case_id])

    def _joint_changed(self, _ids: set[int]) -> None:
        # The model was reset: put the selection back on the operation shown, or on the
        # first open one when none is.
        shown = self.participants_model.operation_id
        if shown is None:
            running = [o for o in self.operations_model.items if not o.state.is_terminal]
            shown = running[0].id if running else None
        self.show_operation(shown)
        # The unit chosen before the change stays chosen (the table was reset).
        for row, p in enumerate(self.participants_model.items):
            if p.unit_id == self._chosen_unit:
                self.participants.selectRow(row)
        self._show_reminders()

    def _update_buttons(self, *_changed: object) -> None:
        op = self.current_operation()
        allowed = set(self.desk.allowed(op)) if op is not None else set()
        p = self.current_participant()
        engaged = p is not None and p.state.engaged
        self.buttons["convene"].setEnabled(self.desk.may_act())
        self.buttons["add_unit"].setEnabled("add_unit" in allowed)
        self.buttons["replace_unit"].setEnabled("replace_unit" in allowed and engaged)
        commander = op is not None and p is not None and p.unit_id == op.commander
        self.buttons["release"].setEnabled("release" in allowed and engaged and not commander)
        self.buttons["complete"].setEnabled("complete" in allowed)
        self.buttons["cancel"].setEnabled("cancel" in allowed)

    # -- reminders

    def reminders(self) -> list[str]:
        """Keys of the joint orders not acknowledged in time (not yet seen)."""
        return [i.key for i in self.watch.items if i.kind is AttentionKind.JOINT_ACK]

    def _show_reminders(self, *_changed: object) -> None:
        late = [i for i in self.watch.items if i.kind is AttentionKind.JOINT_ACK]
        self.banner.setVisible(bool(late))
        self.acknowledge_button.setVisible(bool(late))
        if late:
            names = []
            for item in late:
                unit = self.store.units.get(item.unit_id or "")
                names.append(unit.callsign if unit is not None else str(item.unit_id))
            self.banner.setText(
                self.tr("Not acknowledged in time: %1").replace("%1", ", ".join(names))
            )

    def acknowledge_reminders(self) -> None:
        self.watch.acknowledge(self.reminders())

    # -- the moves

    def start(self, move: str) -> MoveDialog | None:
        """Begin a move: convening opens its form; the others their short form."""
        if move == "convene":
            self.desk.open_convene()
            return None
        op = self.current_operation()
        if op is None:
            return None
        p = self.current_participant()
        dialog: MoveDialog | None = None
        if move == "add_unit":
            dialog = MoveDialog(
                self.tr("Add a unit"),
                self.tr("Nearest available units of the operation's agencies:"),
                self._choices(self.desk.candidates(op)),
                parent=self,
            )
            dialog.accepted.connect(lambda: self.desk.add_unit(op, dialog.chosen()))
        elif move == "replace_unit" and p is not None:
            dialog = MoveDialog(
                self.tr("Replace %1").replace("%1", p.callsign),
                self.tr("Nearest available units of the same agency:"),
                self._choices(self.desk.candidates(op, [p.department])),
                self.tr("Reason (required)"),
                text_required=True,
                parent=self,
            )
            dialog.accepted.connect(
                lambda: self.desk.replace_unit(op, p.unit_id, dialog.chosen(), dialog.text.text())
            )
        elif move == "release" and p is not None:
            self.desk.release(op, p.unit_id)
            return None
        elif move == "complete":
            dialog = MoveDialog(
                self.tr("Complete joint operation %1").replace("%1", str(op.id)),
                self.tr("The outcome goes into the case's history."),
                text_label=self.tr("Outcome (required)"),
                text_required=True,
                parent=self,
            )
            dialog.accepted.connect(lambda: self.desk.complete(op, dialog.text.text()))
        elif move == "cancel":
            dialog = MoveDialog(
                self.tr("Cancel joint operation %1").replace("%1", str(op.id)),
                self.tr("Every unit is released."),
                text_label=self.tr("Reason (required)"),
                text_required=True,
                parent=self,
            )
            dialog.accepted.connect(lambda: self.desk.cancel(op, dialog.text.text()))
        if dialog is not None:
            self.dialog = dialog
            dialog.finished.connect(lambda _r: dialog.deleteLater())
            dialog.open()
        return dialog

    def _choices(self, recs: Sequence[Recommendation]) -> list[tuple[str, str]]:
        return [
            (
                r.unit_id,
                f"{r.callsign} · {format_distance(r.distance_m)} · "
                + self.tr("%1 min").replace("%1", f"{r.eta_s / 60:.0f}"),
            )
            for r in recs
        ]

    # -- language

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        self.operations_model.retranslate()
        self.participants_model.retranslate()
        texts = {
            "convene": self.tr("Convene…"),
            "add_unit": self.tr("Add unit…"),
            "replace_unit": self.tr("Replace unit…"),
            "release": self.tr("Release unit"),
            "complete": self.tr("Complete…"),
            "cancel": self.tr("Cancel operation…"),
        }
        for key, button in self.buttons.items():
            button.setText(texts[key])
        self.acknowledge_button.setText(self.tr("Acknowledge reminder"))
        self._show_reminders()
