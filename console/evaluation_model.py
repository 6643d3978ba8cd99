"""Evaluation rows as a table: periods, columns, their texts, a thin Qt model, CSV export.

The rows are :class:`~models.evaluation.EvaluatedGroup` as ``query_evaluation`` answers
them; :class:`EvaluationTableModel` shows them (the evaluation panel with every indicator,
the wall's rankings with a few) and sorts them in place: a few hundred groups at most, so a
Python sort is instant here (the numpy machinery of :mod:`console.item_models` is for a
million cases). What a cell shows is one function, :meth:`EvaluationTableModel.text`, and
the CSV export writes exactly that, headers included, so the file says what the screen
said.

Rates show as percent, rounded half up as published reports round (``Ratio.percent``:
911/972 → 93.72 %), with "numerator/denominator" in the tooltip; a rate over nothing
shows "—".
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any, Final

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from console import i18n
from console.item_models import format_duration
from console.panels import QT_TRANSLATE_NOOP
from console.wall_figures import today
from models.calendar import SHANGHAI
from models.evaluation import Dimension, EvaluatedGroup, Period, Ratio

CONTEXT: Final = "Evaluation"
"""Translation context of this module's strings."""

NO_VALUE: Final = "—"
"""What a cell shows when there is nothing to show (a rate over no cases)."""

MAX_DAYS: Final = 366
"""Longest period the server evaluates."""

_RIGHT: Final = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_LEFT: Final = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)


def tr(source: str) -> str:
    """``source`` (marked with ``QT_TRANSLATE_NOOP`` in this context) in the language now."""
    return QCoreApplication.translate(CONTEXT, source)


RATE_NAMES: Final[dict[str, str]] = {
    "on_time_handling": QT_TRANSLATE_NOOP("Evaluation", "On-time handling rate"),
    "handling": QT_TRANSLATE_NOOP("Evaluation", "Handling rate"),
    "overdue_pending": QT_TRANSLATE_NOOP("Evaluation", "Overdue-pending rate"),
    "extension": QT_TRANSLATE_NOOP("Evaluation", "Extension rate"),
    "closing": QT_TRANSLATE_NOOP("Evaluation", "Closing rate"),
    "on_time_closing": QT_TRANSLATE_NOOP("Evaluation", "On-time closing rate"),
    "rework": QT_TRANSLATE_NOOP("Evaluation", "Rework rate"),
    "valid_report": QT_TRANSLATE_NOOP("Evaluation", "Valid-report rate"),
    "on_time_acceptance": QT_TRANSLATE_NOOP("Evaluation", "On-time acceptance rate"),
    "on_time_filing": QT_TRANSLATE_NOOP("Evaluation", "On-time filing rate"),
    "accurate_filing": QT_TRANSLATE_NOOP("Evaluation", "Accurate filing rate"),
    "accurate_dispatch": QT_TRANSLATE_NOOP("Evaluation", "Accurate dispatch rate"),
    "on_time_dispatch": QT_TRANSLATE_NOOP("Evaluation", "On-time dispatch rate"),
    "on_time_verification": QT_TRANSLATE_NOOP("Evaluation", "On-time verification rate"),
}
"""Every rate of :class:`~models.evaluation.Indicators`, in the order the table shows them."""

LOWER_IS_BETTER: Final = frozenset({"overdue_pending", "extension", "rework"})
"""Rates where less is better: a ranking by them puts the lowest first."""

COLUMN_NAMES: Final[dict[str, str]] = {
    "rank": QT_TRANSLATE_NOOP("Evaluation", "Rank"),
    "name": QT_TRANSLATE_NOOP("Evaluation", "Name"),
    "key": QT_TRANSLATE_NOOP("Evaluation", "Code"),
    **RATE_NAMES,
    "average_handling_time": QT_TRANSLATE_NOOP("Evaluation", "Average handling time"),
    "satisfaction": QT_TRANSLATE_NOOP("Evaluation", "Satisfaction"),
    "due_for_handling": QT_TRANSLATE_NOOP("Evaluation", "Due for handling"),
}
"""Every column a table of evaluation rows can have: ``rank``, ``name``, ``key``, a rate,
the two means, or the cases due for handling (a raw count of
:class:`~models.evaluation.Counts`)."""

FULL_COLUMNS: Final = (
    "name",
    "key",
    *RATE_NAMES,
    "average_handling_time",
    "satisfaction",
    "due_for_handling",
)
"""The evaluation panel's columns: everything."""

DIMENSION_NAMES: Final[dict[Dimension, str]] = {
    Dimension.DISTRICT: QT_TRANSLATE_NOOP("Evaluation", "District"),
    Dimension.STREET: QT_TRANSLATE_NOOP("Evaluation", "Street/town"),
    Dimension.DEPARTMENT: QT_TRANSLATE_NOOP("Evaluation", "Department"),
    Dimension.TEAM: QT_TRANSLATE_NOOP("Evaluation", "Team"),
    Dimension.PERSON: QT_TRANSLATE_NOOP("Evaluation", "Person (reporter)"),
    Dimension.OPERATOR: QT_TRANSLATE_NOOP("Evaluation", "Operator"),
    Dimension.COMMUNITY: QT_TRANSLATE_NOOP("Evaluation", "Community"),
    Dimension.CATEGORY: QT_TRANSLATE_NOOP("Evaluation", "Category"),
}
"""The dimensions the panel offers, in its order."""


# --- periods ---------------------------------------------------------------------------


class PeriodKind(StrEnum):
    """The periods the evaluation panel offers."""

    TODAY = "today"
    WEEK = "week"  # this calendar week, Monday to Sunday
    MONTH = "month"
    CUSTOM = "custom"  # whole days, first to last inclusive


PERIOD_NAMES: Final[dict[PeriodKind, str]] = {
    PeriodKind.TODAY: QT_TRANSLATE_NOOP("Evaluation", "Today"),
    PeriodKind.WEEK: QT_TRANSLATE_NOOP("Evaluation", "This week"),
    PeriodKind.MONTH: QT_TRANSLATE_NOOP("Evaluation", "This month"),
    PeriodKind.CUSTOM: QT_TRANSLATE_NOOP("Evaluation", "Custom range"),
}


class BadPeriod(ValueError):
    """A custom range the server would refuse; the message says why, in words."""


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=SHANGHAI)


def period_of(
    kind: PeriodKind, now: datetime, first: date | None = None, last: date | None = None
) -> Period:
    """The period ``kind`` means at ``now`` (Shanghai calendar days).

    Args:
        kind: Which period.
        now: Now (aware).
        first: A custom range's first day.
        last: A custom range's last day (included).

    Raises:
        BadPeriod: A custom range without both days, ending before it starts, or longer
            than :data:`MAX_DAYS` days.
    """
    day = today(now)
    start = day.start.date()
    match kind:
        case PeriodKind.TODAY:
            return day
        case PeriodKind.WEEK:
            monday = start - timedelta(days=start.weekday())
            return Period(_midnight(monday), _midnight(monday + timedelta(days=7)))
        case PeriodKind.MONTH:
            first_day = start.replace(day=1)
            next_month = (first_day + timedelta(days=32)).replace(day=1)
            return Period(_midnight(first_day), _midnight(next_month))
    if first is None or last is None:
        raise BadPeriod(
            QCoreApplication.translate("Evaluation", "Choose the first and the last day.")
        )
    if last < first:
        raise BadPeriod(
            QCoreApplication.translate("Evaluation", "The last day is before the first.")
        )
    days = (last - first).days + 1
    if days > MAX_DAYS:
        raise BadPeriod(
            QCoreApplication.translate(
                "Evaluation", "The range is {days} days long; at most {limit} can be evaluated."
            ).format(days=days, limit=MAX_DAYS)
        )
    return Period(_midnight(first), _midnight(last + timedelta(days=1)))


# --- texts -----------------------------------------------------------------------------


def percent_text(ratio: Ratio) -> str:
    """A rate as the console shows it: ``"93.72 %"``, or "—" over no cases."""
    percent = ratio.percent
    return NO_VALUE if percent is None else f"{percent:.2f} %"


def group_name(group: EvaluatedGroup) -> str:
    """A group's name in the language now (its key when it has none)."""
    app = QCoreApplication.instance()
    chinese = app is None or i18n.current_language(app) == i18n.CHINESE
    name = group.name_zh if chinese else group.name_en
    return name or group.name_zh or group.name_en or group.key


@dataclass(frozen=True)
class _Row:
    rank: int
    group: EvaluatedGroup


class EvaluationTableModel(QAbstractTableModel):
    """Evaluation rows as a table; sortable by any column.

    Args:
        columns: Column keys (see :data:`COLUMN_NAMES`), in order.
        parent: Qt parent.
    """

    def __init__(self, columns: Sequence[str] = FULL_COLUMNS, parent: QObject | None = None):
        super().__init__(parent)
        unknown = [c for c in columns if c not in COLUMN_NAMES]
        if unknown:
            raise ValueError(f"unknown evaluation columns {unknown}")
        self.columns: tuple[str, ...] = tuple(columns)
        self._rows: list[_Row] = []
        self._sorted: tuple[int, Qt.SortOrder] | None = None

    # -- content

    def set_rows(self, groups: Sequence[EvaluatedGroup], first_rank: int = 1) -> None:
        """Show ``groups`` (ranked in the order given, from ``first_rank``)."""
        self.beginResetModel()
        self._rows = [_Row(first_rank + i, g) for i, g in enumerate(groups)]
        if self._sorted is not None:
            self._sort_rows(*self._sorted)
        self.endResetModel()

    def groups(self) -> list[EvaluatedGroup]:
        """The rows' groups, in the order shown."""
        return [r.group for r in self._rows]

    def text(self, row: int, column: int) -> str:
        """What cell (row, column) shows."""
        entry = self._rows[row]
        key, group = self.columns[column], entry.group
        ind = group.indicators
        match key:
            case "rank":
                return str(entry.rank)
            case "name":
                return group_name(group)
            case "key":
                return group.key
            case "average_handling_time":
                avg = ind.average_handling_time
                return NO_VALUE if avg is None else format_duration(avg.total_seconds())
            case "satisfaction":
                sat = ind.satisfaction
                return NO_VALUE if sat is None else f"{sat * 100:.2f} %"
        if key in RATE_NAMES:
            return percent_text(getattr(ind, key))
        return str(getattr(ind.counts, key))

    def _sort_key(self, key: str) -> Callable[[_Row], tuple[Any, ...]]:
        # Missing values (a rate over nothing) sort last both ways: see _sort_rows.
        def value(row: _Row) -> tuple[Any, ...]:
            g, ind = row.group, row.group.indicators
            if key == "rank":
                return (row.rank,)
            if key == "name":
                return (group_name(g),)
            if key == "key":
                return (g.key,)
            if key in RATE_NAMES:
                v = getattr(ind, key).value
            elif key == "average_handling_time":
                avg = ind.average_handling_time
                v = None if avg is None else avg.total_seconds()
            elif key == "satisfaction":
                v = ind.satisfaction
            else:
                v = getattr(ind.counts, key)
            return () if v is None else (v,)

        return value

    def _sort_rows(self, column: int, order: Qt.SortOrder) -> None:
        key = self._sort_key(self.columns[column])
        present = [r for r in self._rows if key(r)]
        missing = [r for r in self._rows if not key(r)]
        present.sort(key=key, reverse=order == Qt.SortOrder.DescendingOrder)
        self._rows = present + missing

    # -- Qt's side

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.columns)

    def headerData(  # noqa: N802
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return tr(COLUMN_NAMES[self.columns[section]])
        return None

    def data(
        self,
        index: QModelIndex | QPersistentModelIndex,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        key = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(index.row(), index.column())
        if role == Qt.ItemDataRole.ToolTipRole and key in RATE_NAMES:
            ratio: Ratio = getattr(self._rows[index.row()].group.indicators, key)
            return f"{ratio.numerator}/{ratio.denominator}"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _LEFT if key in ("name", "key") else _RIGHT
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by ``column`` (rates over nothing last); later rows keep the order."""
        if not 0 <= column < len(self.columns):
            return
        self.layoutAboutToBeChanged.emit()
        self._sorted = (column, order)
        self._sort_rows(column, order)
        self.layoutChanged.emit()

    def retranslate(self) -> None:
        """Headers and names in the language now."""
        if self.columns:
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.columns) - 1)
        if self._rows:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._rows) - 1, len(self.columns) - 1)
            )


def write_csv(model: QAbstractTableModel, path: str | os.PathLike[str]) -> Path:
    """Write the table as shown (headers and cell texts, in the order shown) to ``path``.

    UTF-8 with a byte-order mark: Excel opens the Chinese names correctly only then.
    Written through a temporary file, so a failed write leaves no half file.

    Raises:
        OSError: The file cannot be written (the message names it).
    """
    target = Path(path)
    tmp = target.with_name(target.name + ".tmp")
    columns, rows = model.columnCount(), model.rowCount()
    display = Qt.ItemDataRole.DisplayRole
    try:
        with tmp.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(
                [model.headerData(c, Qt.Orientation.Horizontal, display) for c in range(columns)]
            )
            for r in range(rows):
                writer.writerow([model.index(r, c).data(display) for c in range(columns)])
        os.replace(tmp, target)
    except OSError:
        tmp.unlink(missing_ok=True)
        raise
    return target
