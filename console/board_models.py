"""Qt item models of the team board: the counts per agency and team, and the unit list.

Both are thin adapters: the counts are :func:`console.team_board.board_counts` over the
store's arrays on every tick of the :class:`~console.attention.AttentionWatch`; the unit
list is a :class:`~console.item_models.LiveTableModel` over the store's units whose time in
status and age of the last report move on with the same tick, and whose time-in-status
alarms flash until acknowledged.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, ClassVar, Final

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from console.attention import AttentionWatch
from console.convening import unit_tasks
from console.item_models import (
    ID_ROLE,
    UNIT_STATUS_NAMES,
    UNIT_STATUS_ORDER,
    ColumnDef,
    Key,
    KeyColumn,
    LiveTableModel,
    Reference,
    SearchText,
    TableFilter,
    _chinese,
    _english_and_translated,
    _searching,
    _seconds,
    _team_search,
    format_age,
    format_duration,
    tr,
    translate,
)
from console.joint_texts import participant_state_name
from console.joint_texts import tr as tr_joint
from console.panels import QT_TRANSLATE_NOOP
from console.store import ClientStore, StoreSignals
from console.team_board import BoardColumn, board_counts
from console.theme import STATUS_COLOURS
from models.joint import JointOperation
from models.org import Unit, UnitStatus

ALARM_COLOUR: Final = QColor(STATUS_COLOURS["overdue"])

COUNT_TITLES: Final[dict[BoardColumn, str]] = {
    BoardColumn.ON_DUTY: QT_TRANSLATE_NOOP("Joint", "On duty"),
    BoardColumn.AVAILABLE: QT_TRANSLATE_NOOP("Joint", "Available"),
    BoardColumn.EN_ROUTE: QT_TRANSLATE_NOOP("Joint", "En route"),
    BoardColumn.ON_SCENE: QT_TRANSLATE_NOOP("Joint", "On scene"),
    BoardColumn.BUSY: QT_TRANSLATE_NOOP("Joint", "Busy"),
    BoardColumn.ON_BREAK: QT_TRANSLATE_NOOP("Joint", "On break"),
    BoardColumn.OFF_DUTY: QT_TRANSLATE_NOOP("Joint", "Off duty"),
    BoardColumn.STALE: QT_TRANSLATE_NOOP("Joint", "Stale / offline"),
}


class TeamBoardModel(QAbstractTableModel):
    """Per agency (a bold total row) and each of its teams: units on duty, available, en
    route, on scene, busy, on break, off duty and stale.

    Args:
        store: The store (its position arrays and teams).
        watch: Its tick recounts; its index gives each unit's team, department, street.
        reference: Department names.
        parent: Qt parent.

    Attributes:
        rows: ``(department, None)`` for an agency's total, ``(department, team id)`` for
            one of its teams, per row.
        counts: One row of counts per row (:class:`BoardColumn` order).
    """

    def __init__(
        self,
        store: ClientStore,
        watch: AttentionWatch,
        reference: Reference,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.watch = watch
        self.reference = reference
        self.street: str | None = None
        self.agency: str | None = None
        self.rows: list[tuple[str, str | None]] = []
        self.counts = np.zeros((0, len(BoardColumn)), np.int64)
        self._bold = QFont()
        self._bold.setBold(True)
        self.refresh()
        watch.ticked.connect(self.refresh)

    def set_filter(self, *, street: str | None = None, agency: str | None = None) -> None:
        """Count only the units of one street/town and/or one agency (``None``: all)."""
        self.street, self.agency = street, agency
        self.refresh()

    def group_counts(self) -> np.ndarray:
        """Counts per group (agency and team) of the watch's index, for the units the
        filter keeps."""
        index, p = self.watch.index, self.store.positions
        n = min(p.count, len(index.group))
        keep = index.group[:n] >= 0
        if self.street is not None:
            keep &= index.street[:n] == index.street_code(self.street)
        if self.agency is not None:
            keep &= index.department[:n] == index.department_code(self.agency)
        group = np.where(keep, index.group[:n], -1)
        return board_counts(
            p.status[:n],
            p.last_fix[:n],
            group,
            len(index.groups),
            self.watch.now().timestamp(),
            self.watch.stale_after.total_seconds(),
        )

    def refresh(self) -> None:
        """Count again (every tick); rows come and go with the units the filter keeps."""
        index = self.watch.index
        per_group = self.group_counts()
        present = np.flatnonzero(
            per_group[:, BoardColumn.ON_DUTY] + per_group[:, BoardColumn.OFF_DUTY]
        )
        chinese = _chinese()
        agencies: dict[str, list[int]] = {}
        for group in present.tolist():
            agencies.setdefault(index.groups[group][0], []).append(group)
        rows: list[tuple[str, str | None]] = []
        counts: list[np.ndarray] = []
        for department in sorted(agencies):
            groups = sorted(
                agencies[department],
                key=lambda g: self._team_name(index.groups[g][1], chinese),
            )
            rows.append((department, None))
            counts.append(per_group[groups].sum(axis=0))
            for group in groups:
                rows.append(index.groups[group])
                counts.append(per_group[group])
        new = np.array(counts, np.int64).reshape(-1, len(BoardColumn))
        if rows != self.rows:
            self.beginResetModel()
            self.rows, self.counts = rows, new
            self.endResetModel()
        elif not np.array_equal(new, self.counts):
            self.counts = new
            if rows:
                self.dataChanged.emit(self.index(0, 1), self.index(len(rows) - 1, len(BoardColumn)))

    def _team_name(self, team_id: str, chinese: bool) -> str:
        team = self.store.teams.get(team_id)
        if team is None:
            return team_id
        return team.name_zh if chinese else team.name_en

    def row_name(self, row: int) -> str:
        department, team = self.rows[row]
        chinese = _chinese()
        if team is None:
            return self.reference.department(department, chinese)
        return self._team_name(team, chinese)

    def count(self, row: int, column: BoardColumn) -> int:
        return int(self.counts[row, column])

    # -- Qt's model interface

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else 1 + len(BoardColumn)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if section == 0:
            return translate("Joint", "Agency / team")
        if 1 <= section <= len(BoardColumn):
            return tr_joint(COUNT_TITLES[BoardColumn(section - 1)])
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row, column = index.row(), index.column()
        agency = self.rows[row][1] is None
        if role == ID_ROLE:
            return self.rows[row]
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                name = self.row_name(row)
                return name if agency else f"    {name}"
            return str(self.count(row, BoardColumn(column - 1)))
        if role == Qt.ItemDataRole.FontRole and agency:
            return self._bold
        if role == Qt.ItemDataRole.TextAlignmentRole and column > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and column == 1 + BoardColumn.STALE
            and self.count(row, BoardColumn.STALE)
        ):
            return ALARM_COLOUR
        return None

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(BoardColumn))
        self.refresh()
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, 0))


_OFF_ORDER: Final = UNIT_STATUS_ORDER[UnitStatus.OFF_DUTY]


def _roster_test(shift_start: float, key: KeyColumn) -> np.ndarray:
    """Rows of the units working the shift (see :func:`console.team_board.roster_mask`)."""
    since = key("in_status")
    return (key("status") != _OFF_ORDER) | (np.isfinite(since) & (since >= shift_start))


class BoardUnitModel(LiveTableModel):
    """The team board's unit list: status, time in status, current task, last report.

    The time in status flashes (in the alarm colour, every other tick) once it passes its
    status's limit, until the alarm is acknowledged; then it stays in the alarm colour.

    Args:
        store: The store.
        signals: Its signals (units, teams, joint operations).
        watch: The clock, the alarms and their acknowledgements.
        reference: Names of departments and streets.
        parent: Qt parent.
    """

    COLUMNS: ClassVar[tuple[ColumnDef, ...]] = (
        ColumnDef("callsign", QT_TRANSLATE_NOOP("ItemModels", "Call sign"), "cat"),
        ColumnDef("department", QT_TRANSLATE_NOOP("ItemModels", "Department"), "cat"),
        ColumnDef("team", QT_TRANSLATE_NOOP("ItemModels", "Team"), "cat"),
        ColumnDef("street", QT_TRANSLATE_NOOP("ItemModels", "Street"), "cat"),
        ColumnDef(
            "status",
            QT_TRANSLATE_NOOP("ItemModels", "Status"),
            "small",
            search=lambda i: _english_and_translated(UNIT_STATUS_NAMES[tuple(UnitStatus)[i]]),
            domain=len(UnitStatus),
        ),
        ColumnDef(
            "in_status", QT_TRANSLATE_NOOP("ItemModels", "Time in status"), "num", right=True
        ),
        ColumnDef("task", QT_TRANSLATE_NOOP("ItemModels", "Current task"), "cat"),
        ColumnDef(
            "last_report",
            QT_TRANSLATE_NOOP("ItemModels", "Last report"),
            "num",
            sortable=False,
            right=True,
        ),
    )

    def __init__(
        self,
        store: ClientStore,
        signals: StoreSignals,
        watch: AttentionWatch,
        reference: Reference,
        parent: QObject | None = None,
    ) -> None:
        searches: dict[str, SearchText] = {
            "department": reference.department_search,
            "street": reference.street_search,
            "team": functools.partial(_team_search, store),
        }
        super().__init__(_searching(self.COLUMNS, searches), parent)
        self.store = store
        self.watch = watch
        self.reference = reference
        self.tasks: dict[str, JointOperation] = unit_tasks(store.joint_operations.values())
        self._reload()
        signals.units_changed.connect(self._update)
        signals.units_removed.connect(self._on_units_removed)
        signals.teams_changed.connect(self.retranslate)
        signals.joint_changed.connect(self._on_joint_changed)
        watch.ticked.connect(self._on_tick)

    def _items(self) -> Mapping[str, Unit]:
        return self.store.units

    def _on_units_removed(self, unit_ids: set[str]) -> None:
        self._update((), unit_ids)

    def _on_tick(self) -> None:
        self._refresh_column("in_status")
        self._refresh_column("last_report")

    def _on_joint_changed(self, _ids: set[int]) -> None:
        tasks = unit_tasks(self.store.joint_operations.values())
        changed = {
            u for u in tasks.keys() | self.tasks.keys() if tasks.get(u) is not self.tasks.get(u)
        }
        self.tasks = tasks
        self._update(changed)

    def _row(self, unit: Unit) -> tuple[tuple[Key, ...], str]:
        op = self.tasks.get(unit.unit_id)
        keys: tuple[Key, ...] = (
            unit.callsign,
            unit.department,
            unit.team_id,
            unit.street_code,
            UNIT_STATUS_ORDER[unit.status],
            _seconds(unit.status_since) if unit.status_since else math.inf,
            f"{op.id:08d}" if op is not None else "",
            math.inf,
        )
        return keys, f"{unit.callsign} {unit.unit_id}"

    def set_filter_by(
        self,
        *,
        text: str = "",
        streets: Iterable[str] | None = None,
        departments: Iterable[str] | None = None,
        roster_from: datetime | None = None,
    ) -> None:
        """Filter in domain terms; ``roster_from``: only the roster of the shift that began
        then (units on duty, or gone off duty since)."""
        allowed: dict[str, frozenset[Any]] = {}
        if streets is not None:
            allowed["street"] = frozenset(streets)
        if departments is not None:
            allowed["department"] = frozenset(departments)
        where = (
            functools.partial(_roster_test, roster_from.timestamp())
            if roster_from is not None
            else None
        )
        self.set_filter(TableFilter(text=text, allowed=allowed, where=where))

    def _display(self, unit: Unit, column: int) -> str:
        name = self.columns[column].name
        chinese = self._chinese
        if name == "callsign":
            return unit.callsign
        if name == "department":
            return self.reference.department(unit.department, chinese)
        if name == "team":
            team = self.store.teams.get(unit.team_id)
            if team is None:
                return unit.team_id
            return team.name_zh if chinese else team.name_en
        if name == "street":
            return self.reference.street(unit.street_code, chinese)
        if name == "status":
            return tr(UNIT_STATUS_NAMES[unit.status])
        if name == "in_status":
            if unit.status_since is None:
                return ""
            return format_duration((self.watch.now() - unit.status_since).total_seconds())
        if name == "task":
            return self.task_text(unit.unit_id)
        row = self.store.positions.row_of(unit.unit_id)
        fix = float(self.store.positions.last_fix[row]) if row is not None else math.nan
        return "" if math.isnan(fix) else format_age(self.watch.now().timestamp() - fix)

    def task_text(self, unit_id: str) -> str:
        """The unit's current task in words: its joint operation, its case and its step."""
        op = self.tasks.get(unit_id)
        if op is None:
            return ""
        p = op.participant(unit_id)
        step = participant_state_name(p.state) if p is not None else ""
        what = translate("Joint", "Joint operation {id}").format(id=op.id)
        if op.case_number:
            what += f" · {op.case_number}"
        return f"{what} · {step}"

    def _foreground(self, unit: Unit, column: int) -> QColor | None:
        if self.columns[column].name != "in_status":
            return None
        alarm = self.watch.status_alarm(unit.unit_id)
        if alarm is None:
            return None
        if self.watch.is_acknowledged(alarm.key) or self.watch.phase:
            return ALARM_COLOUR
        return None

    def _tooltip(self, unit: Unit, column: int) -> str | None:
        if self.columns[column].name != "in_status":
            return None
        alarm = self.watch.status_alarm(unit.unit_id)
        if alarm is None:
            return None
        limit = self.watch.limits.get(unit.status)
        if limit is None:
            return None
        return translate("Joint", "Longer than {limit} in this status").format(
            limit=format_duration(limit.total_seconds())
        )
