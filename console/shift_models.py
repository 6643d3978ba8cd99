"""Small Qt table models of the shift supervisor's panels: case lines, who is signed in,
handover summaries.

Each is a thin adapter over a short list of plain values that the panel hands it whole
(at most a hundred case lines, a few dozen connections, a page of handovers): a list
replaced is one model reset, which is all a view of that size needs. The live case table
and its million rows are :class:`console.item_models.CaseTableModel`'s business.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Final, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from console.item_models import ID_ROLE, STATE_NAMES, format_age, local_time
from console.item_models import tr as item_tr
from console.panels import QT_TRANSLATE_NOOP
from models.handover import CaseLine, HandoverState, HandoverSummary
from models.org import Role
from net.protocol import SignedIn

CONTEXT: Final = "ShiftModels"

HANDOVER_STATE_NAMES: Final[dict[HandoverState, str]] = {
    HandoverState.DRAFT: QT_TRANSLATE_NOOP("HandoverReport", "Draft"),
    HandoverState.SUBMITTED: QT_TRANSLATE_NOOP("HandoverReport", "Submitted, awaiting signature"),
    HandoverState.SIGNED: QT_TRANSLATE_NOOP("HandoverReport", "Signed"),
    HandoverState.RETURNED: QT_TRANSLATE_NOOP("HandoverReport", "Returned"),
}
"""Handover state → English name (context ``HandoverReport``, the printed record's)."""

ROLE_NAMES: Final[dict[Role, str]] = {
    Role.OPERATOR: QT_TRANSLATE_NOOP("ShiftModels", "Operator"),
    Role.SUPERVISOR: QT_TRANSLATE_NOOP("ShiftModels", "Shift supervisor"),
    Role.LEADER: QT_TRANSLATE_NOOP("ShiftModels", "Leader"),
    Role.FIELD: QT_TRANSLATE_NOOP("ShiftModels", "Field staff"),
    Role.DEPARTMENT: QT_TRANSLATE_NOOP("ShiftModels", "Department"),
    Role.ADMIN: QT_TRANSLATE_NOOP("ShiftModels", "Administrator"),
}
"""A user's role → English name."""

CLIENT_KIND_NAMES: Final[dict[str, str]] = {
    "console": QT_TRANSLATE_NOOP("ShiftModels", "Console"),
    "terminal": QT_TRANSLATE_NOOP("ShiftModels", "Terminal"),
    "simulator": QT_TRANSLATE_NOOP("ShiftModels", "Simulator"),
}


def translated(context: str, source: str) -> str:
    """``source`` (marked where written) in the current language. (Not named ``tr``:
    ``lupdate`` would take its first argument for a source text.)"""
    return QCoreApplication.translate(context, source)


def handover_state_name(state: HandoverState) -> str:
    return translated("HandoverReport", HANDOVER_STATE_NAMES[state])


T = TypeVar("T")


class ListTableModel(QAbstractTableModel, Generic[T]):
    """A read-only table over a list of values, replaced whole.

    Args:
        columns: Each column's title (marked with ``QT_TRANSLATE_NOOP`` in
            :data:`CONTEXT`) and how it shows an item.
        ident: An item's id, given for :data:`~console.item_models.ID_ROLE`.
        parent: Qt parent.
    """

    def __init__(
        self,
        columns: Sequence[tuple[str, Callable[[T], str]]],
        ident: Callable[[T], Any],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.columns = tuple(columns)
        self._ident = ident
        self.items: list[T] = []

    def set_items(self, items: Sequence[T]) -> None:
        """Show ``items`` (one reset)."""
        self.beginResetModel()
        self.items = list(items)
        self.endResetModel()

    def append_items(self, items: Sequence[T]) -> None:
        """Add ``items`` at the end (the next page of a search)."""
        if not items:
            return
        start = len(self.items)
        self.beginInsertRows(QModelIndex(), start, start + len(items) - 1)
        self.items.extend(items)
        self.endInsertRows()

    def item(self, row: int) -> T | None:
        return self.items[row] if 0 <= row < len(self.items) else None

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.columns)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.columns)
        ):
            return translated(CONTEXT, self.columns[section][0])
        return super().headerData(section, orientation, role)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        item = self.item(index.row()) if index.isValid() else None
        if item is None or not 0 <= index.column() < len(self.columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.columns[index.column()][1](item)
        if role == ID_ROLE:
            return self._ident(item)
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def retranslate(self) -> None:
        """Texts in the current language (models receive no LanguageChange)."""
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.columns) - 1)
        if self.items:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self.items) - 1, len(self.columns) - 1)
            )


def _place(line: CaseLine) -> str:
    return f"{line.address}：{line.description}" if line.address else line.description


class CaseLineModel(ListTableModel[CaseLine]):
    """Case lines of a handover packet or of the board (``ID_ROLE``: the case id)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(
            [
                (QT_TRANSLATE_NOOP("ShiftModels", "Case"), lambda c: c.number),
                (
                    QT_TRANSLATE_NOOP("ShiftModels", "State"),
                    lambda c: item_tr(STATE_NAMES[c.state]),
                ),
                (QT_TRANSLATE_NOOP("ShiftModels", "Deadline"), lambda c: local_time(c.deadline)),
                (QT_TRANSLATE_NOOP("ShiftModels", "Place and description"), _place),
            ],
            lambda c: c.case_id,
            parent,
        )


class PresenceRow:
    """A signed-in connection and its user's load (see :mod:`console.shift_board`)."""

    __slots__ = ("load", "session")

    def __init__(self, session: SignedIn, load: int) -> None:
        self.session = session
        self.load = load


class PresenceModel(ListTableModel[PresenceRow]):
    """Who is signed in, where, since when, and the load of each (``ID_ROLE``: user id).

    Args:
        now: The clock for "since" (the server's).
        parent: Qt parent.
    """

    def __init__(self, now: Callable[[], datetime], parent: QObject | None = None) -> None:
        self.now = now
        super().__init__(
            [
                (
                    QT_TRANSLATE_NOOP("ShiftModels", "Name"),
                    lambda r: f"{r.session.name} ({r.session.user_id})",
                ),
                (
                    QT_TRANSLATE_NOOP("ShiftModels", "Role"),
                    lambda r: translated(CONTEXT, ROLE_NAMES[r.session.role]),
                ),
                (QT_TRANSLATE_NOOP("ShiftModels", "Signed in at"), self._where),
                (QT_TRANSLATE_NOOP("ShiftModels", "Since"), self._since),
                (QT_TRANSLATE_NOOP("ShiftModels", "Open cases held"), lambda r: str(r.load)),
            ],
            lambda r: r.session.user_id,
            parent,
        )

    @staticmethod
    def _where(row: PresenceRow) -> str:
        s = row.session
        kind = CLIENT_KIND_NAMES.get(s.client_kind)
        return f"{translated(CONTEXT, kind) if kind else s.client_kind} {s.client_id}"

    def _since(self, row: PresenceRow) -> str:
        return format_age((self.now() - row.session.since).total_seconds())


class HandoverListModel(ListTableModel[HandoverSummary]):
    """Handover summaries of a search, newest shift first (``ID_ROLE``: handover id)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(
            [
                (QT_TRANSLATE_NOOP("ShiftModels", "Handover"), lambda h: h.id),
                (
                    QT_TRANSLATE_NOOP("ShiftModels", "State"),
                    lambda h: handover_state_name(h.state),
                ),
                (
                    QT_TRANSLATE_NOOP("ShiftModels", "Handed over by"),
                    lambda h: h.outgoing_name or h.outgoing,
                ),
                (
                    QT_TRANSLATE_NOOP("ShiftModels", "Taken over by"),
                    lambda h: h.incoming_name or h.incoming or "",
                ),
                (QT_TRANSLATE_NOOP("ShiftModels", "Signed at"), lambda h: local_time(h.signed_at)),
                (QT_TRANSLATE_NOOP("ShiftModels", "Open cases"), lambda h: str(h.open_total)),
                (QT_TRANSLATE_NOOP("ShiftModels", "Overdue"), lambda h: str(h.overdue_total)),
                (QT_TRANSLATE_NOOP("ShiftModels", "Returns"), lambda h: str(h.return_count)),
            ],
            lambda h: h.id,
            parent,
        )
