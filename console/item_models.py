"""Qt item models for cases, units and teams: thin adapters over the store, sorted and
filtered inside the model with numpy.

Why not ``QSortFilterProxyModel``: over a large live model it compares rows one Python call
at a time (DESIGN.md measured 217 s to sort and 21 s to filter 1,000,000 rows). Here each
model keeps one numpy key array per column, filled once per changed row; sorting is one
stable ``argsort`` of a key array, filtering is boolean masks and one vectorised substring
search, and ``rowCount``/``data`` are O(1) through the index array of the visible rows.

Layers:

* :class:`SortedRows` (no Qt) keeps the rows ("slots"), their keys, the filter verdicts,
  the sorted order and the visible rows, and works out what a batch of changes does to
  the visible rows: which leave, which move, which arrive, which only changed.
* :class:`LiveTableModel` (Qt) replays that as ``rowsRemoved``, ``layoutChanged`` (with
  persistent indexes moved along, so a selected case stays selected when it moves),
  ``rowsInserted`` and ``dataChanged`` in ranges; a batch too scattered for that becomes
  one model reset.
* :class:`CaseTableModel`, :class:`UnitTableModel` and :class:`TeamTableModel` say what
  the columns are and how a case, unit or team fills them; they follow the store's
  coalesced signals (``StoreSignals``).

Ties in a sort keep the order in which the rows arrived in the model; missing values
(a case without a running deadline) sort last in both directions.

Texts are translated; models are not widgets and get no ``LanguageChange`` event, so the
view calls :meth:`LiveTableModel.retranslate` from its ``retranslate_ui``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import math
import re
import time
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, ClassVar, Final, Literal

import numpy as np
from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor

from console import i18n
from console.panels import QT_TRANSLATE_NOOP
from console.store import ClientStore, StoreSignals
from console.theme import STATUS_COLOURS
from models.calendar import SHANGHAI
from models.case import Case, CaseState, Source
from models.catalogue import Catalogue, Urgency
from models.deadlines import DeadlinePolicy, DeadlineStatus, default_policy
from models.geography import CityMap
from models.org import Team, Unit, UnitKind, UnitStatus
from models.work_lists import (
    FLAG_JOINT,
    FLAG_OVERDUE,
    FLAG_SUPERVISED,
    FLAG_WARNED,
    STATE_CODES,
    WorkList,
    WorkListCounter,
    case_flags,
    day_start,
    work_list_mask,
)

CONTEXT: Final = "ItemModels"
"""Translation context of every string of this module."""

KeyKind = Literal["small", "num", "cat"]
"""How a column's sort key is kept.

* ``small``: a small integer (an enum's ordinal, a bit mask) in an ``int16`` array; numpy
  sorts those with a radix sort, about 15 times faster than floats.
* ``num``: a float (a time, a count); ``inf`` marks a missing value.
* ``cat``: a string from a modest set (category code, street code, team id), kept as an
  ``int32`` code; sorted by the rank of the string among all strings seen.
"""

SearchText = Callable[[Any], str]
"""Maps a column's key value (enum ordinal or category string) to lowercase search text."""

ItemId = Hashable

Key = int | float | str

KeyColumn = Callable[[str], np.ndarray]
"""Gives one column's keys (by column name) of the rows a filter is testing: ordinals or
bits for ``small`` columns, floats (``inf``: missing) for ``num`` ones."""

RowTest = Callable[[KeyColumn], np.ndarray]
"""A vectorised test of rows by their keys: one bool per row."""

Row = tuple[ItemId, tuple[Key, ...], str]
"""One row as the models hand it to :class:`SortedRows`: id, one key per column, and the
row's own free text for the search (number, address, description...)."""

TEXT_CAP: Final = 128
"""Bytes of a row's free text kept for the search (UTF-8, lowercase). A description longer
than that is searched in its first part only; the cap bounds memory (128 MB for 1,000,000
rows) and the time of a search, which is proportional to it."""

MAX_RUNS: Final = 200
"""A batch that removes or inserts rows in more separate runs than this resets the model
instead: one reset is cheaper for a view than hundreds of insert/remove notifications."""

MAX_DATA_RUNS: Final = 8
"""Changed rows in more separate runs than this are announced as one ``dataChanged`` span."""

ID_ROLE: Final = int(Qt.ItemDataRole.UserRole)
"""``data(index, ID_ROLE)``: the id of the row's case, unit or team."""

ITEM_ROLE: Final = int(Qt.ItemDataRole.UserRole) + 1
"""``data(index, ITEM_ROLE)``: the row's ``Case``, ``Unit`` or ``Team`` itself."""

_RIGHT: Final = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_LEFT: Final = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)


def tr(source: str) -> str:
    """``source`` in the current language (context :data:`CONTEXT`), for a source held in
    a variable (marked with ``QT_TRANSLATE_NOOP`` where it is written)."""
    return QCoreApplication.translate(CONTEXT, source)


def translate(context: str, source: str) -> str:
    """``source`` in the current language. Call it with literals, as
    ``translate("Connection", "...")``: that is the form ``lupdate`` collects."""
    return QCoreApplication.translate(context, source)


# --- names of enum values (translated when shown) --------------------------------------

STATE_NAMES: Final[dict[CaseState, str]] = {
    CaseState.AWAITING_ACCEPTANCE: QT_TRANSLATE_NOOP("ItemModels", "Awaiting acceptance"),
    CaseState.AWAITING_FILING: QT_TRANSLATE_NOOP("ItemModels", "Awaiting filing"),
    CaseState.AWAITING_DISPATCH: QT_TRANSLATE_NOOP("ItemModels", "Awaiting dispatch"),
    CaseState.LEADER_COORDINATION: QT_TRANSLATE_NOOP("ItemModels", "Leader coordination"),
    CaseState.DISPATCHED: QT_TRANSLATE_NOOP("ItemModels", "Dispatched"),
    CaseState.IN_PROGRESS: QT_TRANSLATE_NOOP("ItemModels", "In progress"),
    CaseState.AWAITING_VERIFICATION: QT_TRANSLATE_NOOP("ItemModels", "Awaiting verification"),
    CaseState.SUSPENDED: QT_TRANSLATE_NOOP("ItemModels", "Suspended"),
    CaseState.CLOSED: QT_TRANSLATE_NOOP("ItemModels", "Closed"),
    CaseState.VOIDED: QT_TRANSLATE_NOOP("ItemModels", "Voided"),
    CaseState.MERGED: QT_TRANSLATE_NOOP("ItemModels", "Merged"),
}
URGENCY_NAMES: Final[dict[Urgency, str]] = {
    Urgency.NORMAL: QT_TRANSLATE_NOOP("ItemModels", "Normal"),
    Urgency.URGENT: QT_TRANSLATE_NOOP("ItemModels", "Urgent"),
    Urgency.CRITICAL: QT_TRANSLATE_NOOP("ItemModels", "Critical"),
}
SOURCE_NAMES: Final[dict[Source, str]] = {
    Source.PATROL: QT_TRANSLATE_NOOP("ItemModels", "Grid patrol"),
    Source.JOINT_PATROL: QT_TRANSLATE_NOOP("ItemModels", "Joint patrol"),
    Source.VOLUNTEER: QT_TRANSLATE_NOOP("ItemModels", "Volunteer"),
    Source.WORKSTATION: QT_TRANSLATE_NOOP("ItemModels", "Workstation"),
    Source.HOTLINE: QT_TRANSLATE_NOOP("ItemModels", "12345 hotline"),
    Source.VIDEO: QT_TRANSLATE_NOOP("ItemModels", "Video"),
    Source.EMERGENCY_TRANSFER: QT_TRANSLATE_NOOP("ItemModels", "Emergency transfer"),
}
UNIT_STATUS_NAMES: Final[dict[UnitStatus, str]] = {
    UnitStatus.PATROL: QT_TRANSLATE_NOOP("ItemModels", "On patrol"),
    UnitStatus.EN_ROUTE: QT_TRANSLATE_NOOP("ItemModels", "En route"),
    UnitStatus.ON_SCENE: QT_TRANSLATE_NOOP("ItemModels", "On scene"),
    UnitStatus.BUSY: QT_TRANSLATE_NOOP("ItemModels", "Busy"),
    UnitStatus.BREAK: QT_TRANSLATE_NOOP("ItemModels", "On break"),
    UnitStatus.OFF_DUTY: QT_TRANSLATE_NOOP("ItemModels", "Off duty"),
}
UNIT_KIND_NAMES: Final[dict[UnitKind, str]] = {
    UnitKind.PERSON: QT_TRANSLATE_NOOP("ItemModels", "Person"),
    UnitKind.VEHICLE: QT_TRANSLATE_NOOP("ItemModels", "Vehicle"),
}

STATE_ORDER: Final = STATE_CODES
URGENCY_ORDER: Final = {u: i for i, u in enumerate(Urgency)}
URGENT: Final = frozenset({Urgency.URGENT, Urgency.CRITICAL})
"""Urgencies that call for the operator's attention at once (colour, new-case alert)."""
SOURCE_ORDER: Final = {s: i for i, s in enumerate(Source)}
UNIT_STATUS_ORDER: Final = {s: i for i, s in enumerate(UnitStatus)}
UNIT_KIND_ORDER: Final = {k: i for i, k in enumerate(UnitKind)}

# Case flags (``models.work_lists``) are bits of one small key: sorting by it descending
# puts overdue cases first.
FLAG_NAMES: Final[tuple[tuple[int, str], ...]] = (
    (FLAG_OVERDUE, QT_TRANSLATE_NOOP("ItemModels", "Overdue")),
    (FLAG_WARNED, QT_TRANSLATE_NOOP("ItemModels", "Warning")),
    (FLAG_SUPERVISED, QT_TRANSLATE_NOOP("ItemModels", "Supervised")),
    (FLAG_JOINT, QT_TRANSLATE_NOOP("ItemModels", "Joint")),
)


def _english_and_translated(source: str) -> str:
    """Search text of a name: English and the current language, so either finds it."""
    return f"{source} {tr(source)}".lower()


# --- reference names -------------------------------------------------------------------


@dataclass(frozen=True)
class Reference:
    """Names of codes from reference data, in Chinese and English.

    Attributes:
        categories: Category code → (Chinese, English) name.
        streets: Street/town code → (Chinese, English) name.
        departments: Department code → (Chinese, English) name.
    """

    categories: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    streets: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    departments: Mapping[str, tuple[str, str]] = field(default_factory=dict)

    @classmethod
    def from_data(
        cls, catalogue: Catalogue | None = None, city: CityMap | None = None
    ) -> Reference:
        """Names from a catalogue and a grid map (either may be missing: codes show)."""
        categories: dict[str, tuple[str, str]] = {}
        departments: dict[str, tuple[str, str]] = {}
        if catalogue is not None:
            categories = {c.code: (c.name_zh, c.name_en) for c in catalogue.categories.values()}
            departments = {d.code: (d.name_zh, d.name_en) for d in catalogue.departments.values()}
        streets = {s.code: (s.name_zh, s.name_en) for s in city.streets} if city else {}
        return cls(categories, streets, departments)

    @staticmethod
    def _pick(table: Mapping[str, tuple[str, str]], code: str, chinese: bool) -> str:
        names = table.get(code)
        if names is None:
            return code
        return names[0] if chinese else names[1]

    def category(self, code: str, chinese: bool) -> str:
        return self._pick(self.categories, code, chinese)

    def street(self, code: str, chinese: bool) -> str:
        return self._pick(self.streets, code, chinese)

    def department(self, code: str, chinese: bool) -> str:
        return self._pick(self.departments, code, chinese)

    @staticmethod
    def _search(table: Mapping[str, tuple[str, str]], code: str) -> str:
        names = table.get(code, ("", ""))
        return f"{code} {names[0]} {names[1]}".lower()

    def category_search(self, code: str) -> str:
        return self._search(self.categories, code)

    def street_search(self, code: str) -> str:
        return self._search(self.streets, code)

    def department_search(self, code: str) -> str:
        return self._search(self.departments, code)


def _chinese() -> bool:
    app = QCoreApplication.instance()
    return app is not None and i18n.current_language(app) == i18n.CHINESE


# --- columns and filters ---------------------------------------------------------------


@dataclass(frozen=True)
class ColumnDef:
    """One column of a table model.

    Attributes:
        name: Stable id (``"state"``), used by filters and saved layouts.
        title: Header text, English source (translated when shown).
        kind: How the sort key is kept (:data:`KeyKind`).
        sortable: Whether clicking the header sorts by it (live values that change
            every tick, like a fix's age, are not kept sorted).
        right: Right-aligned (numbers, times).
        search: For ``small`` and ``cat`` columns, the lowercase text a search term is
            matched against per key value (names in both languages), so "垃圾" finds the
            cases of every garbage category without storing the name in every row.
        domain: For searchable ``small`` columns, how many key values there are.
    """

    name: str
    title: str
    kind: KeyKind
    sortable: bool = True
    right: bool = False
    search: SearchText | None = None
    domain: int = 0


@dataclass(frozen=True)
class TableFilter:
    """What rows to show; every part must hold (AND).

    Attributes:
        text: Words, each of which must occur (case-insensitive) in the row's free text
            (number, address, description...) or in the name of one of its
            searchable column values (state, category, street...).
        allowed: Column name → the key values to keep (enum ordinals for ``small``
            columns, strings for ``cat`` columns). Missing: no restriction.
        flags_all: Bits that must all be set in the ``flags`` column.
        where: A test of the rows' keys that must hold (a work list, say); ``None``: none.
    """

    text: str = ""
    allowed: Mapping[str, frozenset[Any]] = field(default_factory=dict)
    flags_all: int = 0
    where: RowTest | None = None

    @property
    def terms(self) -> list[str]:
        return self.text.lower().split()

    @property
    def is_empty(self) -> bool:
        return not self.terms and not self.allowed and not self.flags_all and self.where is None


def encode_text(text: str) -> bytes:
    """A row's free text as kept for the search: lowercase UTF-8, at most TEXT_CAP bytes.

    A cut through a multi-byte character leaves a partial sequence at the end, which no
    whole search term (valid UTF-8) can match, so the cut never causes a false hit.
    """
    return text.lower().encode("utf-8")[:TEXT_CAP]


class _Categories:
    """Strings of a ``cat`` column as codes, with their sort ranks."""

    def __init__(self) -> None:
        self.codes: dict[str, int] = {}
        self.values: list[str] = []
        self._rank: np.ndarray | None = None

    def code(self, value: str) -> int:
        code = self.codes.get(value)
        if code is None:
            code = self.codes[value] = len(self.values)
            self.values.append(value)
            # A new string shifts later ranks but keeps the relative order of the old
            # ones, so rows already sorted stay sorted; only the table is rebuilt.
            self._rank = None
        return code

    def ranks(self) -> np.ndarray:
        if self._rank is None:
            n = len(self.values)
            order = sorted(range(n), key=self.values.__getitem__)
            rank = np.empty(n, dtype=np.int16 if n < 32_000 else np.int32)
            rank[order] = np.arange(n)
            self._rank = rank
        return self._rank


@dataclass(frozen=True)
class UpdatePlan:
    """What a batch of changes does to the visible rows, step by step.

    Replaying it keeps views and persistent indexes right: first ``removed`` (positions in
    the old visible rows), then, if ``moved`` is set, a layout change to it (the same rows
    in their new order), then ``inserted`` (positions in ``final``), then ``changed``
    (positions in ``final`` of rows that stayed and changed).
    """

    removed: np.ndarray
    moved: np.ndarray | None
    inserted: np.ndarray
    changed: np.ndarray
    final: np.ndarray


_EMPTY: Final = np.empty(0, dtype=np.int64)


class SortedRows:
    """Rows with per-column sort keys, a filter and the sorted, filtered visible rows; no Qt.

    Each row lives in a *slot*; every key array, ``alive`` and ``passes`` are indexed by
    slot. ``order`` holds every live slot sorted by the sort column (ties: by slot, i.e.
    arrival order); ``view`` holds the slots shown, in order (``order`` where ``passes``).

    Args:
        columns: The columns (their ``kind`` decides the key arrays).
    """

    def __init__(self, columns: Sequence[ColumnDef]) -> None:
        self.columns = tuple(columns)
        self._by_name = {c.name: i for i, c in enumerate(self.columns)}
        self._cats = {i: _Categories() for i, c in enumerate(self.columns) if c.kind == "cat"}
        self.ids: list[ItemId | None] = []
        self.slot_of: dict[ItemId, int] = {}
        self._free: list[int] = []
        self._allocate(64, 8)
        self.order = _EMPTY
        self.view = _EMPTY
        self.sort_column: int | None = None
        self.descending = False
        self.filter = TableFilter()

    # -- storage

    def _allocate(self, capacity: int, width: int) -> None:
        self.alive = np.zeros(capacity, dtype=bool)
        self.passes = np.zeros(capacity, dtype=bool)
        self.keys: list[np.ndarray] = [_key_array(c.kind, capacity) for c in self.columns]
        self.text = np.zeros(capacity, dtype=f"S{width}")

    @property
    def size(self) -> int:
        """Slots in use (live or free)."""
        return len(self.ids)

    @property
    def count(self) -> int:
        """Live rows (shown or filtered out)."""
        return len(self.slot_of)

    def _grow(self, needed: int) -> None:
        capacity = len(self.alive)
        if needed <= capacity:
            return
        new = max(needed, 2 * capacity)
        n = self.size
        for name in ("alive", "passes", "text"):
            old = getattr(self, name)
            grown = np.zeros(new, dtype=old.dtype)
            grown[:n] = old[:n]
            setattr(self, name, grown)
        for i, old in enumerate(self.keys):
            grown = _key_array(self.columns[i].kind, new)
            grown[:n] = old[:n]
            self.keys[i] = grown

    def _fit_text(self, width: int) -> None:
        if width > self.text.dtype.itemsize:
            wider = min(TEXT_CAP, max(width, 2 * self.text.dtype.itemsize))
            self.text = self.text.astype(f"S{wider}")

    def _write(self, slot: int, keys: tuple[Key, ...], text: bytes) -> None:
        for i, value in enumerate(keys):
            kind = self.columns[i].kind
            if kind == "cat":
                self.keys[i][slot] = self._cats[i].code(str(value))
            elif kind == "num":
                number = float(value)
                self.keys[i][slot] = math.inf if math.isnan(number) else number
            else:
                self.keys[i][slot] = value
        self._fit_text(len(text))
        self.text[slot] = text

    # -- bulk

    def load(self, rows: Iterable[Row]) -> None:
        """Replace every row at once (vectorised where it can be), then sort and filter."""
        rows = list(rows)
        n = len(rows)
        self.ids = [row[0] for row in rows]
        self.slot_of = {item_id: slot for slot, item_id in enumerate(self.ids)}
        if len(self.slot_of) != n:
            raise ValueError("duplicate ids in the rows")
        self._free = []
        texts = np.array([encode_text(row[2]) for row in rows] or [b""], dtype=bytes)
        self._allocate(max(64, n), max(8, texts.dtype.itemsize))
        self.alive[:n] = True
        self.text[:n] = texts[:n]
        for i, column in enumerate(self.columns):
            values = [row[1][i] for row in rows]
            if column.kind == "cat":
                cats = self._cats[i] = _Categories()
                self.keys[i][:n] = [cats.code(str(v)) for v in values]
            elif column.kind == "num":
                array = np.array(values, dtype=np.float64)
                array[np.isnan(array)] = np.inf
                self.keys[i][:n] = array
            else:
                self.keys[i][:n] = values
        self._recompute()

    def _recompute(self) -> None:
        n = self.size
        self.passes[:n] = self._evaluate(slice(0, n))
        self.order = self._sorted_all()
        self.view = self._visible(self.order)

    # -- sorting and filtering

    def _live(self) -> slice | np.ndarray:
        n = self.size
        return slice(0, n) if self.count == n else np.flatnonzero(self.alive[:n])

    def _effective(self, slots: slice | np.ndarray) -> np.ndarray:
        """The ascending sort key of ``slots`` (negated when sorting descending)."""
        column = self.sort_column
        if column is None:
            if isinstance(slots, slice):
                return np.arange(slots.start, slots.stop, dtype=np.int64)
            return slots.astype(np.int64)
        keys = self.keys[column][slots]
        kind = self.columns[column].kind
        if kind == "cat":
            keys = self._cats[column].ranks()[keys]
        if not self.descending:
            return keys
        if kind == "num":
            # Missing values (inf) stay last when descending too.
            return np.where(np.isinf(keys) & (keys > 0), np.inf, -keys)
        return np.negative(keys)

    def _sorted_all(self) -> np.ndarray:
        live = self._live()
        if isinstance(live, slice):
            live = np.arange(live.start, live.stop, dtype=np.int64)
        if self.sort_column is None:
            return live.astype(np.int64)
        keys = self._effective(live if len(live) != self.size else slice(0, self.size))
        return live[stable_argsort(keys)].astype(np.int64)

    def _visible(self, order: np.ndarray) -> np.ndarray:
        if self.filter.is_empty:
            return order
        return order[self.passes[order]]

    def sort(self, column: int | None, descending: bool = False) -> None:
        """Sort by ``column`` (``None``: arrival order)."""
        self.sort_column = column
        self.descending = descending
        self.order = self._sorted_all()
        self.view = self._visible(self.order)

    def set_filter(self, table_filter: TableFilter) -> None:
        """Show only the rows that pass ``table_filter``."""
        self.filter = table_filter
        n = self.size
        self.passes[:n] = self._evaluate(slice(0, n))
        self.view = self._visible(self.order)

    def column_index(self, name: str) -> int:
        return self._by_name[name]

    def _evaluate(self, slots: slice | np.ndarray) -> np.ndarray:
        """The filter's verdict on ``slots`` (dead slots never pass)."""
        table_filter = self.filter
        mask = np.array(self.alive[slots], dtype=bool, copy=True)
        for name, allowed in table_filter.allowed.items():
            i = self._by_name[name]
            if i in self._cats:
                codes = [self._cats[i].codes[v] for v in allowed if v in self._cats[i].codes]
            else:
                codes = list(allowed)
            mask &= np.isin(self.keys[i][slots], np.array(codes, dtype=self.keys[i].dtype))
        if table_filter.flags_all:
            bits = table_filter.flags_all
            mask &= (self.keys[self._by_name["flags"]][slots] & bits) == bits
        if table_filter.where is not None:
            mask &= table_filter.where(lambda name: self.keys[self._by_name[name]][slots])
        for term in table_filter.terms:
            mask &= self._matches(term, slots, mask)
        return mask

    def _matches(self, term: str, slots: slice | np.ndarray, candidates: np.ndarray) -> np.ndarray:
        """Which of ``slots`` contain ``term``: in their text or in a searchable name."""
        found = np.zeros(len(candidates), dtype=bool)
        for i, column in enumerate(self.columns):
            if column.search is None:
                continue
            if column.kind == "cat":
                values: Sequence[Any] = self._cats[i].values
            else:
                values = range(column.domain)
            hits = np.fromiter((term in column.search(v) for v in values), bool, len(values))
            if hits.any():
                found |= hits[self.keys[i][slots]]
        # Search the text only where nothing else matched and the row is still a candidate:
        # each earlier term and column narrows the work of the costly substring search.
        todo = candidates & ~found
        needle = term.encode("utf-8")
        if np.count_nonzero(todo) > 0.75 * len(todo):
            # Nearly all rows left: search them all in place. Gathering them first copies
            # their text (about a third of the cost of searching it), which pays only
            # when it saves searching more than a quarter of the rows.
            found |= todo & (np.strings.find(self.text[slots], needle) >= 0)
        elif todo.any():
            where = np.flatnonzero(todo)
            texts = self.text[slots][where] if isinstance(slots, np.ndarray) else None
            if texts is None:
                assert isinstance(slots, slice)
                texts = self.text[where + slots.start]
            found[where] = np.strings.find(texts, needle) >= 0
        return found

    # -- live updates

    def update(self, upserts: Iterable[Row], removals: Iterable[ItemId]) -> UpdatePlan:
        """Apply added, changed and removed rows; return what that does to ``view``."""
        old_view = self.view
        touched: list[int] = []
        freed: list[int] = []
        for item_id in removals:
            slot = self.slot_of.pop(item_id, None)
            if slot is None:
                continue
            self.alive[slot] = False
            self.passes[slot] = False
            self.ids[slot] = None
            self.text[slot] = b""
            touched.append(slot)
            freed.append(slot)
        for item_id, keys, text in upserts:
            slot = self.slot_of.get(item_id)
            if slot is None:
                slot = self._new_slot()
                self.slot_of[item_id] = slot
                self.ids[slot] = item_id
                self.alive[slot] = True
            self._write(slot, keys, encode_text(text))
            touched.append(slot)
        # Free slots only now: a slot emptied and refilled in one batch would look like a
        # row that stayed, and the view would not learn that it is another item.
        self._free.extend(freed)
        if not touched:
            return UpdatePlan(_EMPTY, None, _EMPTY, _EMPTY, old_view)
        slots = np.unique(np.array(touched, dtype=np.int64))
        self.passes[slots] = self._evaluate(slots)

        capacity = len(self.alive)
        affected = np.zeros(capacity, dtype=bool)
        affected[slots] = True
        rest = self.order[~affected[self.order]]
        live = slots[self.alive[slots]]
        if len(live):
            new_keys = self._effective(live)
            by_key = np.lexsort((live, new_keys))
            live, new_keys = live[by_key], new_keys[by_key]
            positions = self._insert_positions(rest, live, new_keys)
            self.order = np.insert(rest, positions, live)
        else:
            self.order = rest
        self.view = self._visible(self.order)
        return self._plan(old_view, self.view, slots, capacity)

    def _new_slot(self) -> int:
        if self._free:
            return self._free.pop()
        slot = self.size
        self._grow(slot + 1)
        self.ids.append(None)
        return slot

    def _insert_positions(
        self, rest: np.ndarray, slots: np.ndarray, keys: np.ndarray
    ) -> np.ndarray:
        """Where ``slots`` (sorted by key, then slot) go in ``rest`` (sorted likewise)."""
        rest_keys = self._effective(rest)
        low = np.searchsorted(rest_keys, keys, side="left")
        high = np.searchsorted(rest_keys, keys, side="right")
        positions = low.copy()
        # Equal keys: among them, rows stay in slot order (the stable sort's order).
        for i in np.flatnonzero(high > low):
            lo, hi = int(low[i]), int(high[i])
            positions[i] = lo + np.searchsorted(rest[lo:hi], slots[i])
        return positions

    @staticmethod
    def _plan(old: np.ndarray, new: np.ndarray, slots: np.ndarray, capacity: int) -> UpdatePlan:
        old_pos = np.full(capacity, -1, dtype=np.int64)
        old_pos[old] = np.arange(len(old))
        in_new = np.zeros(capacity, dtype=bool)
        in_new[new] = True
        was = old_pos[slots] >= 0
        now = in_new[slots]
        removed = np.sort(old_pos[slots[was & ~now]])
        entering = np.zeros(capacity, dtype=bool)
        entering[slots[~was & now]] = True
        staying = np.zeros(capacity, dtype=bool)
        staying[slots[was & now]] = True
        entering_in_new = entering[new]
        inserted = np.flatnonzero(entering_in_new)
        kept_old = np.delete(old, removed) if len(removed) else old
        kept_new = new[~entering_in_new] if len(inserted) else new
        moved = None if np.array_equal(kept_old, kept_new) else kept_new
        changed = np.flatnonzero(staying[new])
        return UpdatePlan(removed, moved, inserted, changed, new)


RADIX_MIN: Final = 50_000
"""From this many keys on, wide keys are sorted by :func:`stable_argsort`'s radix passes."""


def stable_argsort(keys: np.ndarray) -> np.ndarray:
    """``np.argsort(keys, kind="stable")``, two to three times faster for wide keys.

    numpy sorts 16-bit integers with a radix sort (about 10 ms for 1,000,000 keys here) but
    wider keys with a merge sort (about 170 ms). So wide keys are mapped, order-preserving,
    to unsigned integers counted from their minimum, and sorted least significant 16 bits
    first, one stable radix pass per 16 bits actually used: whole seconds over a few years
    need two passes, any float four. Same result as the stable argsort, equal keys in
    position order; ``+inf`` sorts last, ``-inf`` first. Keys must not be NaN.
    """
    if len(keys) < RADIX_MIN or keys.dtype.itemsize <= 2:
        return np.argsort(keys, kind="stable")
    unsigned = _ordered_unsigned(keys)
    bits = max(1, int(unsigned.max()).bit_length())
    order: np.ndarray | None = None
    for shift in range(0, bits, 16):
        source = unsigned if order is None else unsigned[order]
        digits = ((source >> np.uint64(shift)) & np.uint64(0xFFFF)).astype(np.uint16)
        step = np.argsort(digits, kind="stable")
        order = step if order is None else order[step]
    assert order is not None
    return order


def _ordered_unsigned(keys: np.ndarray) -> np.ndarray:
    """Unsigned integers in the same order as ``keys``, as small as the keys allow."""
    if keys.dtype.kind in "iu":
        wide = keys.astype(np.int64)
        return (wide - wide.min()).astype(np.uint64)
    finite = np.isfinite(keys)
    values = keys if finite.all() else keys[finite]
    if values.size and np.array_equal(values, np.floor(values)):
        low, high = float(values.min()), float(values.max())
        if high - low < 2.0**52:
            # Whole numbers (seconds, counts, packed case numbers): count from the minimum,
            # with -inf below it and +inf above it.
            unsigned = np.empty(len(keys), dtype=np.uint64)
            unsigned[finite] = (values - low + 1).astype(np.uint64)
            unsigned[keys == -np.inf] = 0
            unsigned[keys == np.inf] = np.uint64(high - low + 2)
            return unsigned
    # Any float: its IEEE 754 bits, sign-flipped so that the unsigned order is the float's.
    bits = np.ascontiguousarray(keys, dtype=np.float64).view(np.int64)
    flipped = np.where(bits < 0, ~bits, bits ^ np.int64(-(2**63)))
    return flipped.view(np.uint64)


def _key_array(kind: KeyKind, capacity: int) -> np.ndarray:
    if kind == "small":
        return np.zeros(capacity, dtype=np.int16)
    if kind == "cat":
        return np.zeros(capacity, dtype=np.int32)
    return np.full(capacity, np.inf, dtype=np.float64)


def runs(positions: np.ndarray) -> list[tuple[int, int]]:
    """Sorted positions as ``[start, stop)`` runs of consecutive values."""
    if len(positions) == 0:
        return []
    breaks = np.flatnonzero(np.diff(positions) != 1) + 1
    starts = np.concatenate(([0], breaks))
    stops = np.concatenate((breaks, [len(positions)]))
    return [
        (int(positions[a]), int(positions[b - 1]) + 1) for a, b in zip(starts, stops, strict=True)
    ]


# --- the Qt adapter --------------------------------------------------------------------


class LiveTableModel(QAbstractTableModel):
    """A flat table over :class:`SortedRows`, kept current by batches of changes.

    Subclasses define their columns, :meth:`_items` (the store's dict), :meth:`_row` (an
    item's keys and free text) and :meth:`_display`, and call :meth:`_reload` /
    :meth:`_update` from store signals.

    Args:
        columns: The columns.
        parent: Qt parent.

    Attributes:
        columns: The columns, in order.
        rows: The rows, their keys, order and filter.
    """

    def __init__(self, columns: Sequence[ColumnDef], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns = tuple(columns)
        self.rows = SortedRows(self.columns)
        self._visible = _EMPTY
        self._chinese = _chinese()

    # -- what subclasses provide

    def _items(self) -> Mapping[Any, Any]:
        raise NotImplementedError

    def _row(self, item: Any) -> tuple[tuple[Key, ...], str]:
        raise NotImplementedError

    def _display(self, item: Any, column: int) -> str:
        raise NotImplementedError

    def _foreground(self, item: Any, column: int) -> QColor | None:
        del item, column
        return None

    def _tooltip(self, item: Any, column: int) -> str | None:
        del item, column
        return None

    # -- Qt's model interface

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._visible)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.columns)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return super().headerData(section, orientation, role)
        if not 0 <= section < len(self.columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return tr(self.columns[section].title)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if self.columns[section].right else _LEFT
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        # Never has children: views skip asking for them, row after row.
        return (
            Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def item_id(self, row: int) -> ItemId | None:
        """The id of the item shown in ``row``."""
        if not 0 <= row < len(self._visible):
            return None
        return self.rows.ids[int(self._visible[row])]

    def item(self, row: int) -> Any:
        """The item (case, unit, team) shown in ``row``, or ``None``."""
        item_id = self.item_id(row)
        return None if item_id is None else self._items().get(item_id)

    def row_of(self, item_id: ItemId) -> int | None:
        """The row showing ``item_id``, or ``None`` if it is filtered out or unknown (O(n))."""
        slot = self.rows.slot_of.get(item_id)
        if slot is None:
            return None
        found = np.flatnonzero(self._visible == slot)
        return int(found[0]) if len(found) else None

    def rows_of(self, item_ids: Iterable[ItemId]) -> np.ndarray:
        """The rows showing any of ``item_ids``, ascending (one pass over the rows shown)."""
        slot_of = self.rows.slot_of
        slots = [slot for slot in map(slot_of.get, item_ids) if slot is not None]
        if not slots:
            return _EMPTY
        return np.flatnonzero(np.isin(self._visible, np.array(slots, dtype=np.int64)))

    def data(
        self,
        index: QModelIndex | QPersistentModelIndex,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if not (0 <= row < len(self._visible) and 0 <= column < len(self.columns)):
            return None
        item_id = self.rows.ids[int(self._visible[row])]
        if role == ID_ROLE:
            return item_id
        item = self._items().get(item_id)
        if item is None:
            return None  # gone from the store; the model learns it at the next flush
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(item, column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if self.columns[column].right else _LEFT
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._foreground(item, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(item, column)
        if role == ITEM_ROLE:
            return item
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by ``column`` (Qt calls this on a header click); -1 restores arrival order."""
        if column >= len(self.columns) or (column >= 0 and not self.columns[column].sortable):
            return
        self.layoutAboutToBeChanged.emit()
        old = self._visible
        self.rows.sort(column if column >= 0 else None, order == Qt.SortOrder.DescendingOrder)
        self._move_persistent(old, self.rows.view)
        self._visible = self.rows.view
        self.layoutChanged.emit()

    def set_filter(self, table_filter: TableFilter) -> None:
        """Show only the rows that pass ``table_filter`` (one model reset)."""
        self.beginResetModel()
        self.rows.set_filter(table_filter)
        self._visible = self.rows.view
        self.endResetModel()

    @property
    def table_filter(self) -> TableFilter:
        return self.rows.filter

    def retranslate(self) -> None:
        """Texts in the current language (call from the view's ``retranslate_ui``)."""
        self._chinese = _chinese()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.columns) - 1)
        if len(self._visible):
            self.dataChanged.emit(
                self.index(0, 0),
                self.index(len(self._visible) - 1, len(self.columns) - 1),
                [Qt.ItemDataRole.DisplayRole],
            )

    # -- keeping current

    def _reload(self) -> None:
        """Take every item from the store afresh (one reset)."""
        self.beginResetModel()
        self.rows.load((item_id, *self._row(item)) for item_id, item in self._items().items())
        self._visible = self.rows.view
        self.endResetModel()

    def _update(self, changed: Iterable[ItemId], removed: Iterable[ItemId] = ()) -> None:
        """Apply a batch: ids changed or added (read from the store) and ids removed."""
        items = self._items()
        upserts: list[Row] = []
        gone = list(removed)
        for item_id in changed:
            item = items.get(item_id)
            if item is None:
                gone.append(item_id)
            else:
                upserts.append((item_id, *self._row(item)))
        if not upserts and not gone:
            return
        plan = self.rows.update(upserts, gone)
        self._replay(plan)

    def _replay(self, plan: UpdatePlan) -> None:
        removed, inserted = runs(plan.removed), runs(plan.inserted)
        if len(removed) + len(inserted) > MAX_RUNS:
            self.beginResetModel()
            self._visible = plan.final
            self.endResetModel()
            return
        root = QModelIndex()
        for start, stop in reversed(removed):  # from the end, so earlier positions hold
            self.beginRemoveRows(root, start, stop - 1)
            self._visible = np.delete(self._visible, np.s_[start:stop])
            self.endRemoveRows()
        if plan.moved is not None:
            self.layoutAboutToBeChanged.emit()
            self._move_persistent(self._visible, plan.moved)
            self._visible = plan.moved
            self.layoutChanged.emit()
        for start, stop in inserted:  # from the start: each run's final position is right
            self.beginInsertRows(root, start, stop - 1)
            self._visible = np.insert(self._visible, start, plan.final[start:stop])
            self.endInsertRows()
        self._visible = plan.final
        changed = runs(plan.changed)
        last = len(self.columns) - 1
        if len(changed) > MAX_DATA_RUNS:
            # One span: a view repaints only what it shows anyway, and every signal costs
            # every listener a Python round trip.
            changed = [(changed[0][0], changed[-1][1])]
        for start, stop in changed:
            self.dataChanged.emit(self.index(start, 0), self.index(stop - 1, last))

    def _move_persistent(self, old: np.ndarray, new: np.ndarray) -> None:
        """Point persistent indexes (selections, editors) at their rows' new places."""
        persistent = self.persistentIndexList()
        if not persistent:
            return
        where = np.full(len(self.rows.alive), -1, dtype=np.int64)
        where[new] = np.arange(len(new))
        moved = []
        for index in persistent:
            row = index.row()
            target = int(where[old[row]]) if 0 <= row < len(old) else -1
            moved.append(self.createIndex(target, index.column()) if target >= 0 else QModelIndex())
        self.changePersistentIndexList(persistent, moved)

    def _refresh_column(self, name: str) -> None:
        """Tell views that one column's texts changed everywhere (a clock, a live age)."""
        if len(self._visible):
            column = self.rows.column_index(name)
            self.dataChanged.emit(
                self.index(0, column),
                self.index(len(self._visible) - 1, column),
                [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole],
            )


# --- formatting ------------------------------------------------------------------------


def format_duration(seconds: float) -> str:
    """A duration in words, coarse enough to read at a glance: "2 d 3 h", "1 h 05 min"."""
    minutes = int(abs(seconds) // 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    if days:
        return translate("ItemModels", "{days} d {hours} h").format(days=days, hours=hours)
    if hours:
        return translate("ItemModels", "{hours} h {minutes} min").format(
            hours=hours, minutes=f"{minutes:02d}"
        )
    return translate("ItemModels", "{minutes} min").format(minutes=minutes)


def format_countdown(seconds: float) -> str:
    """Time to (or past) a deadline: like :func:`format_duration`, to the second within the
    last hour, where a countdown must visibly move: "9 min 05 s"."""
    if abs(seconds) >= 3600:
        return format_duration(seconds)
    minutes, whole = divmod(int(abs(seconds)), 60)
    return translate("ItemModels", "{minutes} min {seconds} s").format(
        minutes=minutes, seconds=f"{whole:02d}"
    )


def format_age(seconds: float) -> str:
    """How long ago: "12 s ago", "3 min ago", "2 h ago"."""
    seconds = max(0, int(seconds))
    if seconds < 60:
        return translate("ItemModels", "{seconds} s ago").format(seconds=seconds)
    if seconds < 3600:
        return translate("ItemModels", "{minutes} min ago").format(minutes=seconds // 60)
    return translate("ItemModels", "{hours} h ago").format(hours=seconds // 3600)


def local_time(moment: datetime | None) -> str:
    """A moment as Shanghai wall-clock time (what the users read)."""
    if moment is None:
        return ""
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


_NUMBER: Final = re.compile(r"^[A-Za-z]*(\d{4})(\d{2})(\d{2})-(\d{1,6})$")
_DAY_SHIFT: Final = 18
"""Bits for the count within a day in :func:`number_key` (up to 262,143 cases a day)."""


def number_key(number: str, case_id: int) -> float:
    """Sort key of a case number: its date, then its count within the day, as numbers.

    ``PD20261130-0042`` → (day 2026-11-30) · 2¹⁸ + 42, so ``-10000`` sorts after ``-9999``
    (a string sort would not), and a table spanning a few years needs 32 bits: two radix
    passes (:func:`stable_argsort`). A number of another shape sorts after all those, by
    case id.
    """
    match = _NUMBER.match(number)
    if match is not None:
        year, month, day, count = (int(g) for g in match.groups())
        if count < 1 << _DAY_SHIFT:
            with contextlib.suppress(ValueError):
                return float((date(year, month, day).toordinal() << _DAY_SHIFT) + count)
    return 2.0**50 + case_id


def _seconds(moment: datetime) -> float:
    """A time as a sort key: whole seconds. The table shows minutes, and whole numbers sort
    in two radix passes where fractions need four (see :func:`stable_argsort`); ties within
    a second keep arrival order."""
    return float(math.floor(moment.timestamp()))


# --- cases -----------------------------------------------------------------------------


class CaseTableModel(LiveTableModel):
    """The case table (案件列表): every case in the store, sorted and filtered in the model.

    Besides the columns, the model keeps the count of every work list (``models.work_lists``)
    over all its cases, whatever the filter: counted once on a reload or at local midnight
    (the "closed today" list changes then), and after that adjusted by the changed cases
    only. A filter may restrict the rows to one work list (:meth:`set_filter_by`).

    Time left and age are live: a timer repaints them every ``tick_ms`` (nothing is
    re-sorted or reset, so selection and scroll position stay). The time left is coloured
    by the deadline policy: warning once its warning share of the step's allowance has
    elapsed (80 % by default), overdue after the deadline, or as soon as the server's clock
    raised the case's flag.

    Args:
        store: The store.
        signals: The store's signals (the model follows ``cases_changed`` and
            ``cases_removed``).
        reference: Names for category and street codes (codes show without it).
        clock: Unix time now, for the time left, the age and the day of "closed today".
        tick_ms: How often the live columns are refreshed (0: never; tests call
            :meth:`refresh_time_left`).
        policy: The deadline policy the warning colour follows (the shipped one by default).
        parent: Qt parent.

    Signals:
        work_list_counts_changed(dict[WorkList, int]): Some work list's count, or the number
            of cases, changed.
    """

    work_list_counts_changed = Signal(object)

    COLUMNS: ClassVar[tuple[ColumnDef, ...]] = (
        ColumnDef("number", QT_TRANSLATE_NOOP("ItemModels", "Number"), "num"),
        ColumnDef(
            "state",
            QT_TRANSLATE_NOOP("ItemModels", "State"),
            "small",
            search=lambda i: _english_and_translated(STATE_NAMES[tuple(CaseState)[i]]),
            domain=len(CaseState),
        ),
        ColumnDef("category", QT_TRANSLATE_NOOP("ItemModels", "Category"), "cat"),
        ColumnDef(
            "urgency",
            QT_TRANSLATE_NOOP("ItemModels", "Urgency"),
            "small",
            search=lambda i: _english_and_translated(URGENCY_NAMES[tuple(Urgency)[i]]),
            domain=len(Urgency),
        ),
        ColumnDef("street", QT_TRANSLATE_NOOP("ItemModels", "Street"), "cat"),
        ColumnDef(
            "source",
            QT_TRANSLATE_NOOP("ItemModels", "Source"),
            "small",
            search=lambda i: _english_and_translated(SOURCE_NAMES[tuple(Source)[i]]),
            domain=len(Source),
        ),
        ColumnDef("reported_at", QT_TRANSLATE_NOOP("ItemModels", "Reported"), "num", right=True),
        ColumnDef("time_left", QT_TRANSLATE_NOOP("ItemModels", "Time left"), "num", right=True),
        ColumnDef("flags", QT_TRANSLATE_NOOP("ItemModels", "Flags"), "small"),
        # Ages grow alike, so their order holds: sorted by the negated report time.
        ColumnDef("age", QT_TRANSLATE_NOOP("ItemModels", "Age"), "num", right=True),
        ColumnDef("closed_at", QT_TRANSLATE_NOOP("ItemModels", "Closed at"), "num", right=True),
    )

    WARNING_CACHE: ClassVar[int] = 4096
    """Warning instants remembered (one per case shown): a working-time one costs ≈0.13 ms
    to compute, and every visible row asks for it every second."""

    def __init__(
        self,
        store: ClientStore,
        signals: StoreSignals | None = None,
        *,
        reference: Reference | None = None,
        clock: Callable[[], float] = time.time,
        tick_ms: int = 1000,
        policy: DeadlinePolicy | None = None,
        parent: QObject | None = None,
    ) -> None:
        ref = reference or Reference()
        # The category and street columns search their names in this model's reference
        # data, so the column definitions are completed per model.
        searches = {"category": ref.category_search, "street": ref.street_search}
        super().__init__(_searching(self.COLUMNS, searches), parent)
        self.store = store
        self.reference = ref
        self.clock = clock
        self.policy = policy or default_policy()
        self.work_list: WorkList | None = None
        self._warning_at = functools.lru_cache(maxsize=self.WARNING_CACHE)(self.policy.warning_at)
        self._counter = WorkListCounter(day_start(clock()))
        self._counts: dict[WorkList, int] = {}
        self._total = 0
        self._reload()
        if signals is not None:
            signals.cases_changed.connect(self._on_cases_changed)
            signals.cases_removed.connect(self._on_cases_removed)
        self._timer = QTimer(self)
        if tick_ms > 0:
            self._timer.timeout.connect(self.refresh_time_left)
            self._timer.start(tick_ms)

    def _items(self) -> Mapping[int, Case]:
        return self.store.cases

    def _on_cases_changed(self, case_ids: set[int]) -> None:
        self._update(case_ids)

    def _on_cases_removed(self, case_ids: set[int]) -> None:
        self._update((), case_ids)

    def reload(self) -> None:
        """Rebuild from the store (one reset)."""
        self._reload()

    def refresh_time_left(self) -> None:
        """The clock moved: views repaint the time left and the age (nothing is re-sorted);
        past local midnight, "closed today" is counted (and filtered) for the new day."""
        today = day_start(self.clock())
        if today != self._counter.today:
            self._recount(today)
            if self.work_list is not None:
                self.set_filter(dataclasses.replace(self.table_filter, where=self._where()))
        self._refresh_column("time_left")
        self._refresh_column("age")

    # -- work lists

    @property
    def work_list_counts(self) -> dict[WorkList, int]:
        """Cases per work list, over all cases (the filter does not change them)."""
        return dict(self._counts)

    def _list_keys(self, slots: np.ndarray | slice) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The keys the work lists look at (state, flags, closing time) of ``slots``."""
        keys, column = self.rows.keys, self.rows.column_index
        return (
            keys[column("state")][slots],
            keys[column("flags")][slots],
            keys[column("closed_at")][slots],
        )

    def _recount(self, today: float | None = None) -> None:
        rows = self.rows
        live = np.flatnonzero(rows.alive[: rows.size])
        self._counter.reset(*self._list_keys(live), self._counter.today if today is None else today)
        self._publish_counts()

    def _publish_counts(self) -> None:
        counts = self._counter.counts()
        if counts != self._counts or self.rows.count != self._total:
            self._counts = counts
            self._total = self.rows.count
            self.work_list_counts_changed.emit(dict(counts))

    def _live_slots(self, item_ids: Iterable[ItemId]) -> np.ndarray:
        slot_of = self.rows.slot_of
        slots = [slot for slot in map(slot_of.get, item_ids) if slot is not None]
        return np.array(slots, dtype=np.int64)

    def _reload(self) -> None:
        super()._reload()
        self._recount()

    def _update(self, changed: Iterable[ItemId], removed: Iterable[ItemId] = ()) -> None:
        """The batch, and the work-list counts: the rows it touches leave the counts with
        their old keys and come back with their new ones (vectorised, O(batch))."""
        changed = set(changed)
        removed = set(removed)
        self._counter.remove(*self._list_keys(self._live_slots(changed | removed)))
        super()._update(changed, removed)
        self._counter.add(*self._list_keys(self._live_slots(changed)))
        self._publish_counts()

    def _where(self) -> RowTest | None:
        if self.work_list is None:
            return None
        return functools.partial(_in_work_list, self.work_list, self._counter.today)

    # -- rows

    def _row(self, case: Case) -> tuple[tuple[Key, ...], str]:
        deadline = case.step_deadline
        reported = _seconds(case.reported_at)
        keys: tuple[Key, ...] = (
            number_key(case.number, case.id),
            STATE_ORDER[case.state],
            case.category,
            URGENCY_ORDER[case.urgency],
            case.location.street_code or "",
            SOURCE_ORDER[case.source],
            reported,
            _seconds(deadline) if deadline is not None else math.inf,
            case_flags(case),
            -reported,
            _seconds(case.closed_at) if case.closed_at is not None else math.inf,
        )
        return keys, f"{case.number} {case.location.address} {case.description}"

    def set_filter_by(
        self,
        *,
        text: str = "",
        work_list: WorkList | None = None,
        states: Iterable[CaseState] | None = None,
        categories: Iterable[str] | None = None,
        urgencies: Iterable[Urgency] | None = None,
        streets: Iterable[str] | None = None,
        sources: Iterable[Source] | None = None,
        flags_all: int = 0,
    ) -> None:
        """Filter in domain terms (``None``: no restriction on that column or list)."""
        allowed: dict[str, frozenset[Any]] = {}
        if states is not None:
            allowed["state"] = frozenset(STATE_ORDER[s] for s in states)
        if categories is not None:
            allowed["category"] = frozenset(categories)
        if urgencies is not None:
            allowed["urgency"] = frozenset(URGENCY_ORDER[u] for u in urgencies)
        if streets is not None:
            allowed["street"] = frozenset(streets)
        if sources is not None:
            allowed["source"] = frozenset(SOURCE_ORDER[s] for s in sources)
        self.work_list = WorkList(work_list) if work_list is not None else None
        self.set_filter(
            TableFilter(text=text, allowed=allowed, flags_all=flags_all, where=self._where())
        )

    # -- cells

    def category_name(self, code: str) -> str:
        """A category's name in the current language (its code if unknown)."""
        return self.reference.category(code, self._chinese)

    def deadline_status(self, case: Case) -> DeadlineStatus | None:
        """Where the case's running step stands now (``None``: no clock runs).

        ``DeadlinePolicy.status`` with the warning instant cached; the server's flags count
        too, so the colour never lags behind the work lists.
        """
        deadline, start = case.step_deadline, case.step_started_at
        if deadline is None:
            return DeadlineStatus.OVERDUE if case.overdue else None
        now = self.clock()
        if case.overdue or now > deadline.timestamp():
            return DeadlineStatus.OVERDUE
        if case.warned:
            return DeadlineStatus.WARNING
        if start is not None:
            warning = self._warning_at(start, deadline, case.step_working)
            if now >= warning.timestamp():
                return DeadlineStatus.WARNING
        return DeadlineStatus.ON_TIME

    def _display(self, case: Case, column: int) -> str:
        name = self.columns[column].name
        if name == "number":
            return case.number
        if name == "state":
            return tr(STATE_NAMES[case.state])
        if name == "category":
            return self.reference.category(case.category, self._chinese)
        if name == "urgency":
            return tr(URGENCY_NAMES[case.urgency])
        if name == "street":
            code = case.location.street_code
            return self.reference.street(code, self._chinese) if code else ""
        if name == "source":
            return tr(SOURCE_NAMES[case.source])
        if name == "reported_at":
            return local_time(case.reported_at)
        if name == "time_left":
            return self._time_left(case)
        if name == "age":
            return format_duration(self.clock() - case.reported_at.timestamp())
        if name == "closed_at":
            return local_time(case.closed_at)
        return " ".join(tr(text) for bit, text in FLAG_NAMES if case_flags(case) & bit)

    def _time_left(self, case: Case) -> str:
        if case.step_deadline is None:
            return ""
        left = case.step_deadline.timestamp() - self.clock()
        if left < 0:
            return translate("ItemModels", "Overdue {duration}").format(
                duration=format_countdown(left)
            )
        return format_countdown(left)

    def _foreground(self, case: Case, column: int) -> QColor | None:
        name = self.columns[column].name
        if name == "urgency":
            return QColor(STATUS_COLOURS["urgent"]) if case.urgency in URGENT else None
        if name not in ("time_left", "flags"):
            return None
        status = self.deadline_status(case)
        if status is DeadlineStatus.OVERDUE:
            return QColor(STATUS_COLOURS["overdue"])
        if status is DeadlineStatus.WARNING:
            return QColor(STATUS_COLOURS["warning"])
        return None

    def _tooltip(self, case: Case, column: int) -> str | None:
        name = self.columns[column].name
        if name == "time_left" and case.step_deadline is not None:
            return translate("ItemModels", "Deadline {time}").format(
                time=local_time(case.step_deadline)
            )
        if name == "age":
            return translate("ItemModels", "Reported {time}").format(
                time=local_time(case.reported_at)
            )
        return None


def _in_work_list(work_list: WorkList, today: float, key: KeyColumn) -> np.ndarray:
    """The rows of ``work_list`` (a :data:`RowTest` over a case table's keys)."""
    return work_list_mask(work_list, key("state"), key("flags"), key("closed_at"), today)


def _searching(
    columns: Sequence[ColumnDef], searches: Mapping[str, SearchText]
) -> tuple[ColumnDef, ...]:
    """``columns`` with the search functions of ``searches`` filled in by column name."""
    return tuple(
        dataclasses.replace(c, search=searches[c.name]) if c.name in searches else c
        for c in columns
    )


# --- units -----------------------------------------------------------------------------


class UnitTableModel(LiveTableModel):
    """Field units (人员车辆): status, team, street and the age of their last fix.

    The last-fix column reads the live position arrays and refreshes on every position
    tick; it does not sort (its values change every tick), the other columns do.

    Args:
        store: The store.
        signals: The store's signals (``units_changed``, ``units_removed``, ``units_moved``,
            ``teams_changed``).
        reference: Names for department and street codes.
        clock: Unix time now, for the age of the last fix.
        parent: Qt parent.
    """

    COLUMNS: ClassVar[tuple[ColumnDef, ...]] = (
        ColumnDef("callsign", QT_TRANSLATE_NOOP("ItemModels", "Call sign"), "cat"),
        ColumnDef("unit_id", QT_TRANSLATE_NOOP("ItemModels", "Unit"), "cat"),
        ColumnDef(
            "kind",
            QT_TRANSLATE_NOOP("ItemModels", "Kind"),
            "small",
            search=lambda i: _english_and_translated(UNIT_KIND_NAMES[tuple(UnitKind)[i]]),
            domain=len(UnitKind),
        ),
        ColumnDef(
            "status",
            QT_TRANSLATE_NOOP("ItemModels", "Status"),
            "small",
            search=lambda i: _english_and_translated(UNIT_STATUS_NAMES[tuple(UnitStatus)[i]]),
            domain=len(UnitStatus),
        ),
        ColumnDef("department", QT_TRANSLATE_NOOP("ItemModels", "Department"), "cat"),
        ColumnDef("team", QT_TRANSLATE_NOOP("ItemModels", "Team"), "cat"),
        ColumnDef("street", QT_TRANSLATE_NOOP("ItemModels", "Street"), "cat"),
        ColumnDef(
            "status_since", QT_TRANSLATE_NOOP("ItemModels", "Status since"), "num", right=True
        ),
        ColumnDef(
            "last_fix",
            QT_TRANSLATE_NOOP("ItemModels", "Last fix"),
            "num",
            sortable=False,
            right=True,
        ),
    )

    def __init__(
        self,
        store: ClientStore,
        signals: StoreSignals | None = None,
        *,
        reference: Reference | None = None,
        clock: Callable[[], float] = time.time,
        parent: QObject | None = None,
    ) -> None:
        ref = reference or Reference()
        searches: dict[str, SearchText] = {
            "department": ref.department_search,
            "street": ref.street_search,
            # A function of the store, not a method of the model: the model holds its
            # columns, and a column holding the model would be a reference cycle.
            "team": functools.partial(_team_search, store),
        }
        super().__init__(_searching(self.COLUMNS, searches), parent)
        self.store = store
        self.reference = ref
        self.clock = clock
        self._reload()
        if signals is not None:
            signals.units_changed.connect(self._on_units_changed)
            signals.units_removed.connect(self._on_units_removed)
            signals.units_moved.connect(self._on_units_moved)
            signals.teams_changed.connect(self.retranslate)

    def _items(self) -> Mapping[str, Unit]:
        return self.store.units

    def _on_units_changed(self, unit_ids: set[str]) -> None:
        self._update(unit_ids)

    def _on_units_removed(self, unit_ids: set[str]) -> None:
        self._update((), unit_ids)

    def _on_units_moved(self) -> None:
        self._refresh_column("last_fix")

    def reload(self) -> None:
        self._reload()

    def _row(self, unit: Unit) -> tuple[tuple[Key, ...], str]:
        keys: tuple[Key, ...] = (
            unit.callsign,
            unit.unit_id,
            UNIT_KIND_ORDER[unit.kind],
            UNIT_STATUS_ORDER[unit.status],
            unit.department,
            unit.team_id,
            unit.street_code,
            _seconds(unit.status_since) if unit.status_since else math.inf,
            math.inf,
        )
        return keys, f"{unit.callsign} {unit.unit_id}"

    def set_filter_by(
        self,
        *,
        text: str = "",
        statuses: Iterable[UnitStatus] | None = None,
        departments: Iterable[str] | None = None,
        teams: Iterable[str] | None = None,
        streets: Iterable[str] | None = None,
    ) -> None:
        """Filter in domain terms (``None``: no restriction on that column)."""
        allowed: dict[str, frozenset[Any]] = {}
        if statuses is not None:
            allowed["status"] = frozenset(UNIT_STATUS_ORDER[s] for s in statuses)
        if departments is not None:
            allowed["department"] = frozenset(departments)
        if teams is not None:
            allowed["team"] = frozenset(teams)
        if streets is not None:
            allowed["street"] = frozenset(streets)
        self.set_filter(TableFilter(text=text, allowed=allowed))

    def _display(self, unit: Unit, column: int) -> str:
        name = self.columns[column].name
        chinese = self._chinese
        if name == "callsign":
            return unit.callsign
        if name == "unit_id":
            return unit.unit_id
        if name == "kind":
            return tr(UNIT_KIND_NAMES[unit.kind])
        if name == "status":
            return tr(UNIT_STATUS_NAMES[unit.status])
        if name == "department":
            return self.reference.department(unit.department, chinese)
        if name == "team":
            team = self.store.teams.get(unit.team_id)
            if team is None:
                return unit.team_id
            return team.name_zh if chinese else team.name_en
        if name == "street":
            return self.reference.street(unit.street_code, chinese)
        if name == "status_since":
            return local_time(unit.status_since)
        return self._last_fix(unit)

    def _fix_time(self, unit: Unit) -> float | None:
        row = self.store.positions.row_of(unit.unit_id)
        if row is None:
            return None
        fix = float(self.store.positions.last_fix[row])
        return None if math.isnan(fix) else fix

    def _last_fix(self, unit: Unit) -> str:
        fix = self._fix_time(unit)
        return "" if fix is None else format_age(self.clock() - fix)


def _team_search(store: ClientStore, team_id: str) -> str:
    """Search text of a team id: the id and the team's names."""
    team = store.teams.get(team_id)
    names = f" {team.name_zh} {team.name_en}" if team else ""
    return f"{team_id}{names}".lower()


# --- teams -----------------------------------------------------------------------------


class TeamTableModel(LiveTableModel):
    """Teams of field units, with how many units each has and how many are on patrol.

    Args:
        store: The store.
        signals: The store's signals (``teams_changed``, ``units_changed``,
            ``units_removed``: the counts follow the units).
        reference: Names for department and street codes.
        parent: Qt parent.
    """

    COLUMNS: ClassVar[tuple[ColumnDef, ...]] = (
        ColumnDef("name", QT_TRANSLATE_NOOP("ItemModels", "Team"), "cat"),
        ColumnDef("team_id", QT_TRANSLATE_NOOP("ItemModels", "Id"), "cat"),
        ColumnDef("department", QT_TRANSLATE_NOOP("ItemModels", "Department"), "cat"),
        ColumnDef("street", QT_TRANSLATE_NOOP("ItemModels", "Street"), "cat"),
        ColumnDef("units", QT_TRANSLATE_NOOP("ItemModels", "Units"), "num", right=True),
        ColumnDef("on_patrol", QT_TRANSLATE_NOOP("ItemModels", "On patrol"), "num", right=True),
    )

    def __init__(
        self,
        store: ClientStore,
        signals: StoreSignals | None = None,
        *,
        reference: Reference | None = None,
        parent: QObject | None = None,
    ) -> None:
        ref = reference or Reference()
        searches = {"department": ref.department_search, "street": ref.street_search}
        super().__init__(_searching(self.COLUMNS, searches), parent)
        self.store = store
        self.reference = ref
        self._counts: dict[str, tuple[int, int]] = {}
        self._count_units()
        self._reload()
        if signals is not None:
            signals.teams_changed.connect(self._on_teams_changed)
            signals.units_changed.connect(self._on_units_changed)
            signals.units_removed.connect(self._on_units_changed)

    def _items(self) -> Mapping[str, Team]:
        return self.store.teams

    def _count_units(self) -> set[str]:
        """Recount units per team; return the teams whose counts changed."""
        counts: dict[str, list[int]] = {}
        for unit in self.store.units.values():
            entry = counts.setdefault(unit.team_id, [0, 0])
            entry[0] += 1
            entry[1] += unit.status is UnitStatus.PATROL
        new = {team: (c[0], c[1]) for team, c in counts.items()}
        changed = {t for t in new.keys() | self._counts.keys() if new.get(t) != self._counts.get(t)}
        self._counts = new
        return changed

    def _on_teams_changed(self) -> None:
        self._count_units()
        items = self.store.teams
        gone = [t for t in self.rows.slot_of if t not in items]
        self._update(list(items), gone)

    def _on_units_changed(self, _unit_ids: set[str]) -> None:
        changed = self._count_units()
        self._update(t for t in changed if t in self.store.teams)

    def reload(self) -> None:
        self._count_units()
        self._reload()

    def _row(self, team: Team) -> tuple[tuple[Key, ...], str]:
        units, patrol = self._counts.get(team.team_id, (0, 0))
        keys: tuple[Key, ...] = (
            team.name_zh if self._chinese else team.name_en,
            team.team_id,
            team.department,
            team.street_code,
            float(units),
            float(patrol),
        )
        return keys, f"{team.team_id} {team.name_zh} {team.name_en}"

    def set_filter_by(
        self,
        *,
        text: str = "",
        departments: Iterable[str] | None = None,
        streets: Iterable[str] | None = None,
    ) -> None:
        """Filter in domain terms (``None``: no restriction on that column)."""
        allowed: dict[str, frozenset[Any]] = {}
        if departments is not None:
            allowed["department"] = frozenset(departments)
        if streets is not None:
            allowed["street"] = frozenset(streets)
        self.set_filter(TableFilter(text=text, allowed=allowed))

    def _display(self, team: Team, column: int) -> str:
        name = self.columns[column].name
        chinese = self._chinese
        if name == "name":
            return team.name_zh if chinese else team.name_en
        if name == "team_id":
            return team.team_id
        if name == "department":
            return self.reference.department(team.department, chinese)
        if name == "street":
            return self.reference.street(team.street_code, chinese)
        units, patrol = self._counts.get(team.team_id, (0, 0))
        return str(units if name == "units" else patrol)

    def retranslate(self) -> None:
        """Team names sort in the current language, so the rows are re-read."""
        self._chinese = _chinese()
        self._update(list(self.store.teams))
        super().retranslate()
