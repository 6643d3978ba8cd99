"""The case, unit and team tables: live updates, sorting and filtering in the model.

Every model runs under Qt's ``QAbstractItemModelTester`` (its complaints are Qt warnings,
which fail the test), while the store applies snapshots and events and ``StoreSignals``
flushes them in batches, as in the console. Order and filter are checked against plain
Python on the same cases.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import numpy as np
import pytest
from msgspec.structs import replace as msgspec_replace
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QApplication

from console.item_models import (
    FLAG_OVERDUE,
    ID_ROLE,
    MAX_RUNS,
    RADIX_MIN,
    SOURCE_NAMES,
    STATE_NAMES,
    URGENCY_NAMES,
    CaseTableModel,
    Reference,
    TeamTableModel,
    UnitTableModel,
    number_key,
    runs,
    stable_argsort,
)
from console.store import ClientStore, StoreSignals
from console.theme import STATUS_COLOURS
from models.case import Case, CaseState
from models.catalogue import Urgency
from models.org import UnitStatus
from tests.unit.client_factories import (
    STREETS,
    T0,
    case_event,
    make_case,
    make_team,
    make_unit,
    position_frame,
    random_case,
    snapshot,
    synced,
    unit_event,
)

ASC, DESC = Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder

REFERENCE = Reference(
    categories={
        "E0102": ("暴露垃圾", "Exposed garbage"),
        "C0101": ("上水井盖", "Water supply manhole cover"),
        "E0301": ("非法小广告", "Illegal small advertisements"),
        "C0203": ("路灯", "Street lamp"),
    },
    streets={STREETS[0]: ("陆家嘴街道", "Lujiazui"), STREETS[1]: ("塘桥街道", "Tangqiao")},
    departments={"WGLQ": ("网格联勤", "Grid joint patrol"), "HW": ("环卫", "Sanitation")},
)

NOW = (T0 + timedelta(hours=30)).timestamp()


def check_with_tester(model: Any) -> QAbstractItemModelTester:
    """Qt's model tester on ``model`` for the rest of the test, reporting problems as Qt
    warnings (which fail the test); the model owns it, so it lives as long as the model."""
    return QAbstractItemModelTester(
        model, QAbstractItemModelTester.FailureReportingMode.Warning, model
    )


@pytest.fixture
def live(qapp: QApplication) -> Iterator[tuple[ClientStore, StoreSignals]]:
    store = ClientStore()
    signals = StoreSignals(store)
    yield store, signals
    signals.deleteLater()


def load(
    store: ClientStore, signals: StoreSignals, cases: list[Case], seq: int = 1, chunks: int = 3
) -> None:
    for chunk in snapshot(seq, cases, chunks=chunks):
        store.apply(chunk)
    store.apply(synced(seq))
    signals.flush()


def shown(model: CaseTableModel) -> list[int]:
    return [model.data(model.index(row, 0), ID_ROLE) for row in range(model.rowCount())]


# --- the reference: sort keys and filters in plain Python --------------------------------


def reference_number(case: Case) -> tuple[int, int]:
    day, count = case.number[2:].split("-")
    return int(day), int(count)


KEYS: dict[str, Callable[[Case], Any]] = {
    "number": reference_number,
    "state": lambda c: list(CaseState).index(c.state),
    "category": lambda c: c.category,
    "urgency": lambda c: list(Urgency).index(c.urgency),
    "street": lambda c: c.location.street_code or "",
    "reported_at": lambda c: c.reported_at,
    "time_left": lambda c: c.step_deadline,  # None: missing
    "flags": lambda c: (
        (8 if c.overdue else 0)
        | (4 if c.warned else 0)
        | (2 if c.urge_level else 0)
        | (1 if c.joint else 0)
    ),
    "age": lambda c: -c.reported_at.timestamp(),  # youngest first
    "closed_at": lambda c: c.closed_at,  # None: missing
}


def assert_sorted(model: CaseTableModel, store: ClientStore, name: str, descending: bool) -> None:
    """The shown cases are in order of ``name`` (missing values last either way)."""
    keys = [KEYS[name](store.cases[i]) for i in shown(model)]
    present = [k for k in keys if k is not None]
    assert keys[: len(present)] == present, f"{name}: a missing value sorts before a value"
    assert present == sorted(present, reverse=descending), f"{name} not sorted"


def passes(case: Case, text: str = "", states: set[CaseState] | None = None) -> bool:
    if states is not None and case.state not in states:
        return False
    names = REFERENCE.categories.get(case.category, ("", ""))
    streets = REFERENCE.streets.get(case.location.street_code or "", ("", ""))
    haystack = " ".join(
        [
            case.number,
            case.location.address,
            case.description,
            case.category,
            *names,
            case.location.street_code or "",
            *streets,
            STATE_NAMES[case.state],  # names of enum values, in English (the test's language)
            URGENCY_NAMES[case.urgency],
            SOURCE_NAMES[case.source],
        ]
    ).lower()
    return all(term in haystack for term in text.lower().split())


# --- cases ---------------------------------------------------------------------------------


def test_sorting_each_column_matches_python(live: tuple[ClientStore, StoreSignals]) -> None:
    store, signals = live
    rng = random.Random(7)
    load(store, signals, [random_case(rng, i) for i in range(1, 501)])
    model = CaseTableModel(store, signals, reference=REFERENCE, tick_ms=0)
    check_with_tester(model)
    for column, definition in enumerate(model.columns):
        if definition.name == "source":
            continue  # enum order of sources; same mechanism as state and urgency
        for order in (ASC, DESC):
            model.sort(column, order)
            assert model.rowCount() == 500
            assert_sorted(model, store, definition.name, order == DESC)


def test_ties_keep_arrival_order_in_both_directions(
    live: tuple[ClientStore, StoreSignals],
) -> None:
    store, signals = live
    urgencies = [Urgency.URGENT, Urgency.NORMAL, Urgency.URGENT, Urgency.NORMAL, Urgency.URGENT]
    cases = [make_case(i + 1, urgency=u) for i, u in enumerate(urgencies)]
    load(store, signals, cases, chunks=1)  # one chunk: the cases arrive in id order
    model = CaseTableModel(store, signals, tick_ms=0)
    urgency = model.rows.column_index("urgency")
    model.sort(urgency, ASC)
    assert shown(model) == [2, 4, 1, 3, 5]
    model.sort(urgency, DESC)
    assert shown(model) == [1, 3, 5, 2, 4]
    model.sort(-1, ASC)
    assert shown(model) == [1, 2, 3, 4, 5]


def test_filters_match_python_in_either_language(
    live: tuple[ClientStore, StoreSignals], english: None
) -> None:
    store, signals = live
    rng = random.Random(11)
    load(store, signals, [random_case(rng, i) for i in range(1, 1201)])
    model = CaseTableModel(store, signals, reference=REFERENCE, tick_ms=0)
    check_with_tester(model)
    model.sort(model.rows.column_index("reported_at"), DESC)
    for text, states in [
        ("垃圾", None),  # a category's Chinese name: no row holds it as text
        ("GARBAGE", None),  # its English name, any case
        ("浦东南路 12", None),  # two words: both must occur
        ("lujiazui", None),  # a street's name
        ("manhole", {CaseState.DISPATCHED, CaseState.IN_PROGRESS}),
        ("PD20261130-0042", None),
        ("", {CaseState.SUSPENDED}),
        ("no such thing", None),
    ]:
        model.set_filter_by(text=text, states=states)
        expected = {c.id for c in store.cases.values() if passes(c, text, states)}
        assert set(shown(model)) == expected, text
        assert_sorted(model, store, "reported_at", True)
    model.set_filter_by()
    assert model.rowCount() == 1200


def test_flag_filter_keeps_overdue_cases(live: tuple[ClientStore, StoreSignals]) -> None:
    store, signals = live
    rng = random.Random(3)
    load(store, signals, [random_case(rng, i) for i in range(1, 301)])
    model = CaseTableModel(store, signals, tick_ms=0)
    model.set_filter_by(flags_all=FLAG_OVERDUE)
    assert set(shown(model)) == {c.id for c in store.cases.values() if c.overdue}


def expected_ids(model: CaseTableModel, store: ClientStore) -> set[int]:
    """The ids the model's current filter should show, by the Python reference."""
    table_filter = model.table_filter
    states = None
    if "state" in table_filter.allowed:
        states = {list(CaseState)[i] for i in table_filter.allowed["state"]}
    return {c.id for c in store.cases.values() if passes(c, table_filter.text, states)}


def assert_consistent(model: CaseTableModel, store: ClientStore) -> None:
    rows = shown(model)
    assert len(rows) == len(set(rows)), "a case is shown twice"
    assert set(rows) == expected_ids(model, store)
    column = model.rows.sort_column
    if column is not None:
        assert_sorted(model, store, model.columns[column].name, model.rows.descending)


def test_live_updates_pass_the_model_tester(
    live: tuple[ClientStore, StoreSignals], english: None
) -> None:
    """Inserts, in-place changes, moves and removals, as a dispatcher's table sees them."""
    store, signals = live
    rng = random.Random(2026)
    load(store, signals, [random_case(rng, i) for i in range(1, 2001)], seq=100)
    model = CaseTableModel(store, signals, reference=REFERENCE, tick_ms=0)
    check_with_tester(model)
    notices: list[str] = []
    for name in ("rowsInserted", "rowsRemoved", "layoutChanged", "dataChanged", "modelReset"):
        getattr(model, name).connect(lambda *_args, name=name: notices.append(name))
    model.sort(model.rows.column_index("reported_at"), DESC)
    open_states = {CaseState.DISPATCHED, CaseState.IN_PROGRESS, CaseState.AWAITING_DISPATCH}
    model.set_filter_by(states=open_states)
    assert_consistent(model, store)
    seq = 100

    def event(case: Case) -> None:
        nonlocal seq
        seq += 1
        store.apply(case_event(seq, case))

    def flush() -> list[str]:
        notices.clear()
        signals.flush()
        assert_consistent(model, store)
        return list(notices)

    # New reports, dispatched at once, the newest on top.
    for case_id in (2001, 2002, 2003):
        event(make_case(case_id, state=CaseState.DISPATCHED, reported_at=T0 + timedelta(days=9)))
    assert flush() == ["rowsInserted"]
    assert shown(model)[:3] == [2001, 2002, 2003]

    # Work goes on: cases change in place, some leave the open states (removed rows).
    shown_now = shown(model)
    for case_id in shown_now[10:14]:
        event(msgspec_replace(store.cases[case_id], description="处置中", revision=9))
    closing = shown_now[20]
    event(msgspec_replace(store.cases[closing], state=CaseState.CLOSED, revision=9))
    assert flush() == ["rowsRemoved", "dataChanged"]
    assert closing not in shown(model)

    # A correction of the report time moves a row; it stays selected.
    mover = shown(model)[30]
    selected = QPersistentModelIndex(model.index(30, 0))
    event(msgspec_replace(store.cases[mover], reported_at=T0 - timedelta(days=9), revision=9))
    assert flush() == ["layoutChanged", "dataChanged"]
    assert model.data(selected, ID_ROLE) == mover
    assert selected.row() == model.rowCount() - 1

    # A burst of mixed events, all in one flush.
    for _ in range(25):
        case_id = rng.randrange(1, 2100)
        old = store.cases.get(case_id)
        event(random_case(rng, case_id, old.revision + 1 if old else 1))
    flush()

    # A reconnect with a fresh snapshot that no longer holds some cases.
    survivors = [c for c in store.cases.values() if c.id % 7]
    for chunk in snapshot(seq + 50, survivors, chunks=2, snapshot_id="s-2"):
        store.apply(chunk)
    flush()
    assert not set(shown(model)) - {c.id for c in survivors}


def test_random_live_updates_match_python(
    live: tuple[ClientStore, StoreSignals], english: None
) -> None:
    """Many random batches under random sorts and filters (no tester: it is slow at this size)."""
    store, signals = live
    rng = random.Random(7)
    load(store, signals, [random_case(rng, i) for i in range(1, 3001)], seq=100)
    model = CaseTableModel(store, signals, reference=REFERENCE, tick_ms=0)
    seq = 100
    names = [c.name for c in model.columns if c.name != "source"]
    filters: list[dict[str, Any]] = [
        {},
        {"text": "垃圾"},
        {"states": {CaseState.DISPATCHED, CaseState.AWAITING_DISPATCH}},
        {"text": "lujiazui 12"},
    ]
    for step in range(60):
        if step % 7 == 0:
            name = rng.choice(names)
            model.sort(model.rows.column_index(name), rng.choice((ASC, DESC)))
        if step % 11 == 0:
            model.set_filter_by(**rng.choice(filters))
        for _ in range(rng.randrange(1, 80)):
            seq += 1
            case_id = rng.randrange(1, 3300)
            old = store.cases.get(case_id)
            store.apply(case_event(seq, random_case(rng, case_id, old.revision + 1 if old else 1)))
        signals.flush()
        assert_consistent(model, store)


def test_a_selected_case_stays_selected_when_its_row_moves(
    live: tuple[ClientStore, StoreSignals],
) -> None:
    store, signals = live
    load(
        store,
        signals,
        [make_case(i, reported_at=T0 + timedelta(minutes=i)) for i in range(1, 51)],
    )
    model = CaseTableModel(store, signals, tick_ms=0)
    check_with_tester(model)
    model.sort(model.rows.column_index("reported_at"), ASC)
    row = model.row_of(10)
    assert row == 9
    selected = QPersistentModelIndex(model.index(row, 2))

    store.apply(case_event(2, make_case(10, 2, reported_at=T0 + timedelta(days=1))))
    store.apply(case_event(3, make_case(60, reported_at=T0 - timedelta(days=1))))
    signals.flush()

    assert selected.isValid()
    assert selected.row() == 50  # last of 51 now
    assert selected.column() == 2
    assert model.data(selected, ID_ROLE) == 10
    assert shown(model)[0] == 60


def test_scattered_big_batches_reset_the_model(live: tuple[ClientStore, StoreSignals]) -> None:
    store, signals = live
    load(store, signals, [make_case(i) for i in range(1, 2001)])
    model = CaseTableModel(store, signals, tick_ms=0)
    check_with_tester(model)
    resets: list[int] = []
    model.modelReset.connect(lambda: resets.append(1))
    model.set_filter_by(text="")
    resets.clear()
    for seq, case_id in enumerate(range(2, 2001, 2), start=2):  # every other case changes
        store.apply(case_event(seq, make_case(case_id, 2, description="已处理")))
    signals.flush()
    assert not resets  # changes in place: dataChanged, no reset
    model.set_filter_by(text="已处理")
    assert model.rowCount() == 1000
    resets.clear()
    for seq, case_id in enumerate(range(1, 2001, 2), start=3000):  # the other half arrives
        store.apply(case_event(seq, make_case(case_id, 2, description="已处理")))
    signals.flush()
    assert len(runs(model.rows.view)) == 1
    assert resets == [1]  # 1000 single-row insertions: one reset instead
    assert model.rowCount() == 2000
    assert MAX_RUNS < 1000


def test_cells_show_names_times_and_deadline_colours(
    live: tuple[ClientStore, StoreSignals], english: None
) -> None:
    store, signals = live
    overdue = make_case(
        1,
        category="E0102",
        state=CaseState.DISPATCHED,
        step_deadline=T0 + timedelta(hours=29),
        overdue=True,
        urge_level=1,
    )
    running = make_case(2, step_deadline=T0 + timedelta(hours=32, minutes=5), warned=True)
    resting = make_case(3, state=CaseState.SUSPENDED, step_deadline=None)
    load(store, signals, [overdue, running, resting])
    model = CaseTableModel(store, signals, reference=REFERENCE, clock=lambda: NOW, tick_ms=0)

    def cell(case_id: int, name: str, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = model.row_of(case_id)
        assert row is not None
        return model.data(model.index(row, model.rows.column_index(name)), role)

    assert cell(1, "number") == "PD20261130-0001"
    assert cell(1, "state") == "Dispatched"
    assert cell(1, "category") == "Exposed garbage"
    assert cell(1, "street") == "Lujiazui"
    assert cell(1, "reported_at") == "2026-11-30 09:00"
    assert cell(1, "time_left") == "Overdue 1 h 00 min"
    assert cell(1, "flags") == "Overdue Supervised"
    assert cell(2, "time_left") == "2 h 05 min"
    assert cell(3, "time_left") == ""
    assert cell(1, "time_left", Qt.ItemDataRole.ForegroundRole) == QColor(STATUS_COLOURS["overdue"])
    assert cell(2, "flags", Qt.ItemDataRole.ForegroundRole) == QColor(STATUS_COLOURS["warning"])
    assert cell(3, "time_left", Qt.ItemDataRole.ForegroundRole) is None
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Number"


def test_the_clock_tick_repaints_the_time_left_and_age_columns(
    live: tuple[ClientStore, StoreSignals],
) -> None:
    store, signals = live
    load(store, signals, [make_case(i) for i in range(1, 11)])
    model = CaseTableModel(store, signals, tick_ms=0)
    changed: list[tuple[int, int, int, int]] = []
    model.dataChanged.connect(
        lambda a, b, _roles: changed.append((a.row(), a.column(), b.row(), b.column()))
    )
    model.refresh_time_left()
    ticking = [model.rows.column_index(name) for name in ("time_left", "age")]
    assert changed == [(0, column, 9, column) for column in ticking]


def test_an_empty_store_gives_an_empty_valid_model(qapp: QApplication) -> None:
    store = ClientStore()
    model = CaseTableModel(store, tick_ms=0)
    check_with_tester(model)
    assert model.rowCount() == 0
    assert model.columnCount() == 11
    assert model.rowCount(model.index(0, 0)) == 0
    assert model.data(QModelIndex()) is None
    model.sort(0, DESC)
    model.set_filter_by(text="x")


# --- units and teams --------------------------------------------------------------------


def test_the_unit_table_follows_events_positions_and_filters(
    live: tuple[ClientStore, StoreSignals], english: None
) -> None:
    store, signals = live
    units = [
        make_unit(f"U-{i:02d}", team_id=f"T-{i % 3}", street_code=STREETS[i % 2]) for i in range(20)
    ]
    teams = [make_team(f"T-{i}") for i in range(3)]
    for chunk in snapshot(1, [], units, teams):
        store.apply(chunk)
    signals.flush()
    model = UnitTableModel(store, signals, reference=REFERENCE, clock=lambda: T0.timestamp() + 75)
    check_with_tester(model)
    assert model.rowCount() == 20
    model.sort(model.rows.column_index("status"), ASC)

    store.apply(unit_event(2, make_unit("U-03", status=UnitStatus.BUSY, team_id="T-0")))
    store.apply(unit_event(3, make_unit("U-20", status=UnitStatus.EN_ROUTE)))
    from net.protocol import Event, UnitRemoved

    store.apply(Event(seq=4, at=T0, body=UnitRemoved(unit_id="U-07")))
    store.apply(position_frame(["U-05"], [121.6], [31.3], at=T0 + timedelta(seconds=60)))
    signals.flush()

    ids = [model.data(model.index(r, 0), ID_ROLE) for r in range(model.rowCount())]
    assert len(ids) == 20
    assert "U-07" not in ids
    statuses = [list(UnitStatus).index(store.units[i].status) for i in ids]
    assert statuses == sorted(statuses)

    def cell(unit_id: str, name: str) -> Any:
        row = model.row_of(unit_id)
        assert row is not None
        return model.data(model.index(row, model.rows.column_index(name)))

    assert cell("U-03", "status") == "Busy"
    assert cell("U-05", "last_fix") == "15 s ago"
    assert cell("U-06", "last_fix") == "1 min ago"
    assert cell("U-01", "team") == "Joint patrol T-1"
    assert cell("U-01", "department") == "Grid joint patrol"

    model.set_filter_by(statuses=[UnitStatus.PATROL], text="t-1")  # the team's id
    expected = {
        u.unit_id
        for u in store.units.values()
        if u.status is UnitStatus.PATROL and ("t-1" in u.team_id.lower())
    }
    shown_ids = {model.data(model.index(r, 0), ID_ROLE) for r in range(model.rowCount())}
    assert shown_ids == expected
    before = model.rows.order.copy()
    model.sort(model.rows.column_index("last_fix"), ASC)  # live column: not sortable
    assert (model.rows.order == before).all()


def test_the_team_table_counts_units_on_patrol(live: tuple[ClientStore, StoreSignals]) -> None:
    store, signals = live
    units = [make_unit(f"U-{i:02d}", team_id=f"T-{i % 2}") for i in range(6)]
    for chunk in snapshot(1, [], units, [make_team("T-0"), make_team("T-1", department="HW")]):
        store.apply(chunk)
    signals.flush()
    model = TeamTableModel(store, signals, reference=REFERENCE)
    check_with_tester(model)

    def counts() -> dict[str, tuple[str, str]]:
        units_col = model.rows.column_index("units")
        patrol_col = model.rows.column_index("on_patrol")
        return {
            model.data(model.index(r, 0), ID_ROLE): (
                model.data(model.index(r, units_col)),
                model.data(model.index(r, patrol_col)),
            )
            for r in range(model.rowCount())
        }

    assert counts() == {"T-0": ("3", "3"), "T-1": ("3", "3")}
    store.apply(unit_event(2, make_unit("U-00", team_id="T-0", status=UnitStatus.BUSY)))
    store.apply(unit_event(3, make_unit("U-09", team_id="T-1")))
    signals.flush()
    assert counts() == {"T-0": ("3", "2"), "T-1": ("4", "4")}
    model.sort(model.rows.column_index("on_patrol"), DESC)
    assert model.data(model.index(0, 0), ID_ROLE) == "T-1"
    model.set_filter_by(departments=["HW"])
    assert list(counts()) == ["T-1"]


def test_runs_groups_consecutive_positions() -> None:
    assert runs(np.array([], dtype=np.int64)) == []
    assert runs(np.array([1, 2, 3, 7, 9, 10])) == [(1, 4), (7, 8), (9, 11)]


def test_missing_deadlines_sort_last_in_both_directions(
    live: tuple[ClientStore, StoreSignals],
) -> None:
    store, signals = live
    cases = [
        make_case(1, step_deadline=None),
        make_case(2, step_deadline=T0 + timedelta(hours=1)),
        make_case(3, step_deadline=T0 + timedelta(hours=3)),
        make_case(4, step_deadline=None),
    ]
    load(store, signals, cases)
    model = CaseTableModel(store, signals, tick_ms=0)
    column = model.rows.column_index("time_left")
    model.sort(column, ASC)
    assert shown(model) == [2, 3, 1, 4]
    model.sort(column, DESC)
    assert shown(model) == [3, 2, 1, 4]
    assert not math.isnan(model.rows.keys[column][0])


@pytest.mark.parametrize(
    "make",
    [
        lambda rng, n: np.floor(rng.uniform(1.7e9, 1.8e9, n)),  # whole seconds
        lambda rng, n: rng.integers(0, 50, n).astype(np.float64),  # many ties
        lambda rng, n: rng.normal(0, 1e6, n),  # any floats, negative too
        lambda rng, n: -np.floor(rng.uniform(0, 1e12, n)),  # negated (descending) keys
        lambda rng, n: rng.integers(0, 70_000, n).astype(np.int32),  # wide category ranks
    ],
)
@pytest.mark.parametrize("infinite", [False, True])
def test_the_radix_sort_is_numpys_stable_argsort(make: Callable[..., Any], infinite: bool) -> None:
    rng = np.random.default_rng(5)
    keys = make(rng, RADIX_MIN + 1000)
    if infinite and keys.dtype.kind == "f":
        keys[rng.random(len(keys)) < 0.1] = np.inf
        keys[rng.random(len(keys)) < 0.01] = -np.inf
    assert np.array_equal(stable_argsort(keys), np.argsort(keys, kind="stable"))


def test_case_numbers_sort_by_day_then_count() -> None:
    numbers = ["PD20261130-9999", "PD20261201-0001", "PD20261130-10000", "PD20261129-0500", "X-1"]
    keys = [number_key(n, i) for i, n in enumerate(numbers)]
    assert sorted(numbers, key=lambda n: keys[numbers.index(n)]) == [
        "PD20261129-0500",
        "PD20261130-9999",
        "PD20261130-10000",
        "PD20261201-0001",
        "X-1",
    ]
