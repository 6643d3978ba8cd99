"""Qt item models of joint operations, their participants, patrol areas and the alerts.

Each is a small table over a list the store (or the attention watch) holds, reset when the
list changes: these lists hold tens of rows, not the case table's million.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Final, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from console.attention import AttentionItem, AttentionKind, AttentionWatch
from console.board_models import ALARM_COLOUR
from console.item_models import (
    ID_ROLE,
    ITEM_ROLE,
    UNIT_STATUS_NAMES,
    Reference,
    _chinese,
    format_duration,
    local_time,
    tr,
    translate,
)
from console.joint_texts import joint_state_name, participant_state_name
from console.joint_texts import tr as tr_joint
from console.panels import QT_TRANSLATE_NOOP
from console.store import ClientStore, StoreSignals
from models.calendar import SHANGHAI
from models.joint import (
    OPEN_JOINT_STATES,
    JointOperation,
    Participant,
    ParticipantState,
    overdue_acknowledgements,
)
from models.patrol import PatrolAssignment

T = TypeVar("T")


def clock_time(moment: datetime | None) -> str:
    """A moment as Shanghai wall-clock time to the second: "14:05:09"."""
    return "" if moment is None else moment.astimezone(SHANGHAI).strftime("%H:%M:%S")


class ListModel(QAbstractTableModel, Generic[T]):
    """A table of a short list of rows, reset whenever the list is set.

    Subclasses give the column titles (context ``Joint``) and each cell's text.
    """

    TITLES: tuple[str, ...] = ()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.items: list[T] = []

    def set_items(self, items: Sequence[T]) -> None:
        self.beginResetModel()
        self.items = list(items)
        self.endResetModel()

    def refresh_texts(self, *_changed: object) -> None:
        """Every cell's text may have changed (a clock moved on)."""
        if self.items:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self.items) - 1, len(self.TITLES) - 1)
            )

    def item(self, row: int) -> T | None:
        return self.items[row] if 0 <= row < len(self.items) else None

    def text(self, item: T, column: int) -> str:
        raise NotImplementedError

    def foreground(self, item: T, column: int) -> QColor | None:
        del item, column
        return None

    def item_id(self, item: T) -> Any:
        return None

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.TITLES)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.TITLES)
        ):
            return tr_joint(self.TITLES[section])
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        item = self.item(index.row()) if index.isValid() else None
        if item is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(item, index.column())
        if role == Qt.ItemDataRole.ForegroundRole:
            return self.foreground(item, index.column())
        if role == ID_ROLE:
            return self.item_id(item)
        if role == ITEM_ROLE:
            return item
        return None

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.TITLES) - 1)
        self.refresh_texts()


def _callsign(store: ClientStore, unit_id: str | None) -> str:
    if unit_id is None:
        return ""
    unit = store.units.get(unit_id)
    return unit.callsign if unit is not None else unit_id


class JointOperationsModel(ListModel[JointOperation]):
    """The joint operations the console knows: open ones first (oldest first), then the
    finished ones (newest first)."""

    TITLES = (
        QT_TRANSLATE_NOOP("Joint", "Operation"),
        QT_TRANSLATE_NOOP("Joint", "Case"),
        QT_TRANSLATE_NOOP("Joint", "State"),
        QT_TRANSLATE_NOOP("Joint", "Agencies"),
        QT_TRANSLATE_NOOP("Joint", "Commander"),
        QT_TRANSLATE_NOOP("Joint", "Meeting time"),
        QT_TRANSLATE_NOOP("Joint", "Arrived"),
        QT_TRANSLATE_NOOP("Joint", "Not acknowledged"),
    )

    def __init__(
        self,
        store: ClientStore,
        signals: StoreSignals,
        watch: AttentionWatch,
        reference: Reference,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.watch = watch
        self.reference = reference
        self.reload()
        signals.joint_changed.connect(self.reload)
        watch.items_changed.connect(self.refresh_texts)

    def reload(self, *_changed: object) -> None:
        """Take the operations from the store again."""
        ops = self.store.joint_operations.values()
        running = sorted((o for o in ops if o.state in OPEN_JOINT_STATES), key=lambda o: o.id)
        ended = sorted((o for o in ops if o.state not in OPEN_JOINT_STATES), key=lambda o: -o.id)
        self.set_items([*running, *ended])

    def row_of(self, operation_id: int) -> int | None:
        for row, op in enumerate(self.items):
            if op.id == operation_id:
                return row
        return None

    def item_id(self, item: JointOperation) -> int:
        return item.id

    def late(self, op: JointOperation) -> tuple[Participant, ...]:
        return overdue_acknowledgements(op, self.watch.now(), self.watch.ack_limit)

    def text(self, op: JointOperation, column: int) -> str:
        chinese = _chinese()
        match column:
            case 0:
                return f"#{op.id}"
            case 1:
                return op.case_number or "—"
            case 2:
                return joint_state_name(op.state)
            case 3:
                return ", ".join(self.reference.department(a, chinese) for a in op.agencies)
            case 4:
                return _callsign(self.store, op.commander)
            case 5:
                return local_time(op.meet_at)
            case 6:
                engaged = op.engaged
                arrived = sum(p.state is ParticipantState.ARRIVED for p in engaged)
                return f"{arrived}/{len(engaged)}"
            case _:
                late = self.late(op)
                return ", ".join(p.callsign for p in late)

    def foreground(self, op: JointOperation, column: int) -> QColor | None:
        return ALARM_COLOUR if column == 7 and self.late(op) else None


class ParticipantsModel(ListModel[Participant]):
    """The units of one joint operation, each with the time of every step it made."""

    TITLES = (
        QT_TRANSLATE_NOOP("Joint", "Unit"),
        QT_TRANSLATE_NOOP("Joint", "Agency"),
        QT_TRANSLATE_NOOP("Joint", "Step"),
        QT_TRANSLATE_NOOP("Joint", "Notified"),
        QT_TRANSLATE_NOOP("Joint", "Acknowledged"),
        QT_TRANSLATE_NOOP("Joint", "En route"),
        QT_TRANSLATE_NOOP("Joint", "Arrived"),
        QT_TRANSLATE_NOOP("Joint", "Released"),
    )

    def __init__(
        self,
        store: ClientStore,
        signals: StoreSignals,
        watch: AttentionWatch,
        reference: Reference,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.watch = watch
        self.reference = reference
        self.operation_id: int | None = None
        signals.joint_changed.connect(self._on_joint_changed)
        watch.ticked.connect(self.refresh_texts)

    @property
    def operation(self) -> JointOperation | None:
        if self.operation_id is None:
            return None
        return self.store.joint_operations.get(self.operation_id)

    def show_operation(self, operation_id: int | None) -> None:
        self.operation_id = operation_id
        op = self.operation
        self.set_items(op.participants if op is not None else ())

    def _on_joint_changed(self, ids: set[int]) -> None:
        if self.operation_id in ids:
            self.show_operation(self.operation_id)

    def item_id(self, item: Participant) -> str:
        return item.unit_id

    def text(self, p: Participant, column: int) -> str:
        match column:
            case 0:
                op = self.operation
                commander = op is not None and op.commander == p.unit_id
                return f"{p.callsign} ★" if commander else p.callsign
            case 1:
                return self.reference.department(p.department, _chinese())
            case 2:
                return participant_state_name(p.state)
            case 3:
                return clock_time(p.notified_at)
            case 4:
                return clock_time(p.acknowledged_at)
            case 5:
                return clock_time(p.departed_at)
            case 6:
                return clock_time(p.arrived_at)
            case _:
                return clock_time(p.released_at)

    def foreground(self, p: Participant, column: int) -> QColor | None:
        op = self.operation
        if column != 2 or op is None:
            return None
        late = overdue_acknowledgements(op, self.watch.now(), self.watch.ack_limit)
        if any(x.unit_id == p.unit_id for x in late) and self.watch.phase:
            return ALARM_COLOUR
        return None


KIND_TEXTS: Final[dict[AttentionKind, str]] = {
    AttentionKind.JOINT_ACK: QT_TRANSLATE_NOOP("Joint", "Joint order not acknowledged"),
    AttentionKind.OVERDUE: QT_TRANSLATE_NOOP("Joint", "Case overdue"),
    AttentionKind.STATUS_TIME: QT_TRANSLATE_NOOP("Joint", "Too long in status"),
    AttentionKind.DEADLINE_WARNING: QT_TRANSLATE_NOOP("Joint", "Deadline near"),
}


class AttentionModel(ListModel[AttentionItem]):
    """What needs attention now (the watch's items), most pressing first."""

    TITLES = (
        QT_TRANSLATE_NOOP("Joint", "Alert"),
        QT_TRANSLATE_NOOP("Joint", "Concerns"),
        QT_TRANSLATE_NOOP("Joint", "Since / due"),
        QT_TRANSLATE_NOOP("Joint", "For"),
    )

    def __init__(
        self, store: ClientStore, watch: AttentionWatch, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.watch = watch
        self.set_items(watch.items)
        watch.items_changed.connect(self.set_items)
        watch.ticked.connect(self.refresh_texts)

    def item_id(self, item: AttentionItem) -> str:
        return item.key

    def text(self, item: AttentionItem, column: int) -> str:
        match column:
            case 0:
                words = tr_joint(KIND_TEXTS[item.kind])
                unit = self.store.units.get(item.unit_id or "")
                if item.kind is AttentionKind.STATUS_TIME and unit is not None:
                    words += f" · {tr(UNIT_STATUS_NAMES[unit.status])}"
                return words
            case 1:
                parts = []
                if item.operation_id is not None:
                    parts.append(f"#{item.operation_id}")
                if item.unit_id is not None:
                    parts.append(_callsign(self.store, item.unit_id))
                if item.case_id is not None:
                    case = self.store.cases.get(item.case_id)
                    parts.append(case.number if case is not None else f"#{item.case_id}")
                return " · ".join(parts)
            case 2:
                return local_time(item.at)
            case _:
                return format_duration((self.watch.now() - item.at).total_seconds())

    def foreground(self, item: AttentionItem, column: int) -> QColor | None:
        if item.kind in (AttentionKind.JOINT_ACK, AttentionKind.OVERDUE) and column == 0:
            return ALARM_COLOUR
        return None


class PatrolModel(ListModel[PatrolAssignment]):
    """The patrol assignments of the store, by start then unit, with their coverage as
    far as it was asked for."""

    TITLES = (
        QT_TRANSLATE_NOOP("Joint", "Unit"),
        QT_TRANSLATE_NOOP("Joint", "From"),
        QT_TRANSLATE_NOOP("Joint", "To"),
        QT_TRANSLATE_NOOP("Joint", "Area"),
        QT_TRANSLATE_NOOP("Joint", "Coverage"),
        QT_TRANSLATE_NOOP("Joint", "Note"),
    )

    def __init__(
        self,
        store: ClientStore,
        signals: StoreSignals,
        coverage: Callable[[int], float | None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.coverage = coverage
        self.reload()
        signals.patrols_changed.connect(self.reload)

    def reload(self, *_changed: object) -> None:
        """Take the assignments from the store again."""
        self.set_items(
            sorted(self.store.patrols.values(), key=lambda a: (a.starts_at, a.unit_id, a.id))
        )

    def item_id(self, item: PatrolAssignment) -> int:
        return item.id

    def text(self, a: PatrolAssignment, column: int) -> str:
        match column:
            case 0:
                return _callsign(self.store, a.unit_id)
            case 1:
                return local_time(a.starts_at)
            case 2:
                return local_time(a.ends_at)
            case 3:
                parts = []
                if a.cells:
                    parts.append(translate("Joint", "{n} cells").format(n=len(a.cells)))
                if a.streets:
                    parts.append(translate("Joint", "{n} streets/towns").format(n=len(a.streets)))
                return ", ".join(parts)
            case 4:
                share = self.coverage(a.id)
                return "—" if share is None else f"{100 * share:.0f} %"
            case _:
                return a.note
