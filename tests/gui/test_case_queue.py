"""The dispatcher's case queue: work lists with live counts, countdowns, the urgent-case alert
and the selection shared with the rest of the console.

The store is driven with snapshots and events as the connection would, and ``StoreSignals``
flushes them, so the panel sees what it sees in the console.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from msgspec.structs import replace as msgspec_replace
from PySide6.QtCore import QEvent, QItemSelectionModel, Qt
from PySide6.QtGui import QAction, QColor, QKeySequence
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from console.actions import ActionRegistry
from console.case_alert import ACKNOWLEDGE_ACTION, UrgentCaseAlert, register_alert_actions
from console.item_models import CaseTableModel
from console.preferences import Preferences, PreferencesStore
from console.store import ClientStore, StoreSignals
from console.theme import STATUS_COLOURS
from console.workspace import Role
from main import build_console
from models.case import Case, CaseState, Location
from models.catalogue import Urgency
from models.deadlines import default_policy
from models.work_lists import WorkList, day_start, work_lists_of
from tests.gui.test_item_models import (
    REFERENCE,
    assert_sorted,
    check_with_tester,
    load,
    passes,
    shown,
)
from tests.unit.client_factories import T0, case_event, make_case, random_case, snapshot
from views.case_queue_panel import CaseQueuePanel

ASC, DESC = Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder


class Clock:
    """A clock the test sets (Unix seconds)."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class Desk:
    """A store, its signals, the shared case model and the queue panel, as the console
    wires them; ``event`` applies a case event and ``flush`` hands it to the views."""

    def __init__(
        self,
        qtbot: QtBot,
        cases: list[Case],
        *,
        alert_on: bool = True,
        save: Callable[[Preferences], object] | None = None,
    ) -> None:
        self.store = ClientStore()
        self.signals = StoreSignals(self.store)
        self.seq = 100
        load(self.store, self.signals, cases, seq=self.seq)
        self.clock = Clock((T0 + timedelta(hours=1)).timestamp())
        self.model = CaseTableModel(
            self.store, self.signals, reference=REFERENCE, clock=self.clock, tick_ms=0
        )
        self.beeps = 0
        self.alert = UrgentCaseAlert(
            self.store,
            self.signals,
            preferences=Preferences(urgent_alert=alert_on),
            save=save,
            sound=self._beep,
            repeat_ms=40,
        )
        self.panel = CaseQueuePanel(self.model, self.store, self.signals, self.alert)
        qtbot.addWidget(self.panel)
        self.panel.resize(1200, 500)
        self.panel.show()

    def _beep(self) -> None:
        self.beeps += 1

    def event(self, case: Case) -> None:
        self.seq += 1
        self.store.apply(case_event(self.seq, case))

    def flush(self) -> None:
        self.signals.flush()

    def change(self, case_id: int, **changes: object) -> Case:
        old = self.store.cases[case_id]
        new = msgspec_replace(old, revision=old.revision + 1, **changes)
        self.event(new)
        return new

    def list_text(self, work_list: WorkList | None) -> str:
        rows = [self.panel.lists.item(i) for i in range(self.panel.lists.count())]
        return next(
            item.text() for item in rows if item.data(Qt.ItemDataRole.UserRole) == work_list
        )

    def selected_ids(self) -> set[int]:
        return self.panel._selected_ids()


DeskFactory = Callable[..., Desk]


@pytest.fixture
def desk_factory(qtbot: QtBot, english: None) -> Iterator[DeskFactory]:
    made: list[Desk] = []

    def make(cases: list[Case], **options: Any) -> Desk:
        desk = Desk(qtbot, cases, **options)
        made.append(desk)
        return desk

    yield make
    for desk in made:
        desk.alert.acknowledge()
        desk.signals.deleteLater()


def one_of_each_state() -> list[Case]:
    """Case ``i`` in the ``i``-th state; closed, voided and merged ones closed an hour ago."""
    return [
        make_case(i, state=state, closed_at=T0 if state.is_terminal else None)
        for i, state in enumerate(CaseState, start=1)
    ]


# --- work lists and their counts ----------------------------------------------------------


def test_each_work_list_shows_its_cases_and_counts_them(desk_factory: DeskFactory) -> None:
    cases = [
        *one_of_each_state(),
        make_case(20, state=CaseState.IN_PROGRESS, overdue=True, urge_level=1),
        make_case(21, state=CaseState.DISPATCHED, joint=True),
        make_case(22, state=CaseState.CLOSED, closed_at=T0 - timedelta(hours=12)),  # yesterday
    ]
    desk = desk_factory(cases)
    today = day_start(desk.clock())
    for work_list in WorkList:
        desk.panel.set_work_list(work_list)
        expected = {c.id for c in cases if work_list in work_lists_of(c, today)}
        assert set(shown(desk.model)) == expected, work_list
        assert desk.model.work_list_counts[work_list] == len(expected)
    assert set(shown(desk.model)) == {9}, "closed today: not the one closed yesterday"
    desk.panel.set_work_list(None)
    assert desk.model.rowCount() == len(cases)
    assert desk.list_text(None) == "All cases (14)"
    assert desk.list_text(WorkList.TO_DISPATCH) == "To dispatch (2)"  # with leader coordination
    assert desk.list_text(WorkList.IN_PROGRESS) == "In progress (4)"


def test_counts_follow_the_events_as_they_arrive(desk_factory: DeskFactory) -> None:
    desk = desk_factory(one_of_each_state())
    desk.panel.set_work_list(WorkList.TO_ACCEPT)
    counts: list[dict[WorkList, int]] = []
    desk.model.work_list_counts_changed.connect(counts.append)

    # Two reports come in.
    desk.event(make_case(30))
    desk.event(make_case(31))
    desk.flush()
    assert desk.list_text(WorkList.TO_ACCEPT) == "To accept (3)"
    assert set(shown(desk.model)) == {1, 30, 31}

    # One is accepted: it moves from "to accept" to "to file", and leaves the table.
    desk.change(30, state=CaseState.AWAITING_FILING)
    desk.flush()
    assert desk.list_text(WorkList.TO_ACCEPT) == "To accept (2)"
    assert desk.list_text(WorkList.TO_FILE) == "To file (2)"
    assert set(shown(desk.model)) == {1, 31}

    # The clock raises an overdue flag; the centre urges a department; a case is closed.
    desk.change(6, overdue=True)
    desk.change(5, urge_level=1)
    desk.change(7, state=CaseState.CLOSED, closed_at=T0 + timedelta(minutes=30))
    desk.flush()
    assert desk.list_text(WorkList.OVERDUE) == "Overdue (1)"
    assert desk.list_text(WorkList.SUPERVISED) == "Under supervision (1)"
    assert desk.list_text(WorkList.CLOSED_TODAY) == "Closed today (2)"
    assert desk.list_text(WorkList.AWAITING_VERIFICATION) == "Awaiting verification (0)"
    assert desk.list_text(WorkList.OVERDUE) == "Overdue (1)"
    overdue = desk.panel.lists.item(list(WorkList).index(WorkList.OVERDUE) + 1)
    assert overdue.foreground().color() == QColor(STATUS_COLOURS["overdue"])
    assert len(counts) == 3, "one update of the counts per flush"

    # A snapshot after a reconnect drops a case.
    survivors = [c for c in desk.store.cases.values() if c.id != 31]
    for chunk in snapshot(desk.seq + 10, survivors, chunks=2, snapshot_id="s-2"):
        desk.store.apply(chunk)
    desk.flush()
    assert desk.list_text(WorkList.TO_ACCEPT) == "To accept (1)"
    assert desk.list_text(None) == "All cases (12)"


def test_closed_today_turns_over_at_midnight(desk_factory: DeskFactory) -> None:
    desk = desk_factory(one_of_each_state())
    desk.panel.set_work_list(WorkList.CLOSED_TODAY)
    assert shown(desk.model) == [9]
    resets: list[int] = []
    desk.model.modelReset.connect(lambda: resets.append(1))
    desk.clock.now = day_start(desk.clock()) + 86400 + 5  # five seconds past the next midnight
    desk.model.refresh_time_left()
    assert shown(desk.model) == []
    assert desk.list_text(WorkList.CLOSED_TODAY) == "Closed today (0)"
    desk.model.refresh_time_left()
    assert len(resets) == 1, "the list is filtered again once, at midnight only"


def test_work_list_and_search_together_match_python_and_stay_sorted(
    desk_factory: DeskFactory,
) -> None:
    rng = random.Random(42)
    cases = [random_case(rng, i) for i in range(1, 1501)]
    desk = desk_factory(cases)
    check_with_tester(desk.model)
    today = day_start(desk.clock())
    time_left = desk.model.rows.column_index("time_left")

    def check(work_list: WorkList | None, text: str) -> None:
        expected = {
            c.id
            for c in desk.store.cases.values()
            if passes(c, text) and (work_list is None or work_list in work_lists_of(c, today))
        }
        assert set(shown(desk.model)) == expected, (work_list, text)
        assert_sorted(desk.model, desk.store, "time_left", False)

    assert desk.model.rows.sort_column == time_left, "nearest deadline first by default"
    for work_list in (WorkList.TO_ACCEPT, WorkList.IN_PROGRESS, WorkList.OVERDUE, None):
        desk.panel.set_work_list(work_list)
        for text in ("", "垃圾", "lujiazui", "浦东南路 1", "PD20261130-0042", "manhole"):
            desk.panel.set_search(text)
            check(work_list, text)

    # Events move cases in and out of the list and search shown.
    desk.panel.set_work_list(WorkList.IN_PROGRESS)
    desk.panel.set_search("浦东南路")
    for _ in range(40):
        case_id = rng.randrange(1, 1600)
        old = desk.store.cases.get(case_id)
        desk.event(random_case(rng, case_id, old.revision + 1 if old else 1))
        if rng.random() < 0.3:
            desk.flush()
            check(WorkList.IN_PROGRESS, "浦东南路")
    desk.flush()
    check(WorkList.IN_PROGRESS, "浦东南路")

    # Sorting inside the list, by the header, either way.
    for name in ("age", "urgency", "number"):
        for order in (ASC, DESC):
            desk.panel.table.sortByColumn(desk.model.rows.column_index(name), order)
            assert_sorted(desk.model, desk.store, name, order == DESC)
            assert set(shown(desk.model)) == {
                c.id
                for c in desk.store.cases.values()
                if passes(c, "浦东南路") and WorkList.IN_PROGRESS in work_lists_of(c, today)
            }


def test_typing_filters_after_a_pause_not_per_key(desk_factory: DeskFactory, qtbot: QtBot) -> None:
    desk = desk_factory(one_of_each_state())
    resets: list[int] = []
    desk.model.modelReset.connect(lambda: resets.append(1))
    qtbot.keyClicks(desk.panel.search, "0003")
    assert not resets, "not yet"
    qtbot.waitUntil(lambda: shown(desk.model) == [3])
    assert len(resets) == 1


# --- the countdown ------------------------------------------------------------------------


def test_the_countdown_colours_at_warning_and_at_overdue(desk_factory: DeskFactory) -> None:
    start = T0 + timedelta(hours=1)
    clocked = make_case(
        1,
        state=CaseState.AWAITING_FILING,
        step_started_at=start,
        step_deadline=start + timedelta(minutes=30),
    )
    # Handling in working hours, from Friday 17:00 to Monday 12:00 (Shanghai): 80 % of the
    # working time between has gone on Monday morning, not on Friday night.
    friday = T0 - timedelta(days=3) + timedelta(hours=8)
    working = make_case(
        2,
        state=CaseState.IN_PROGRESS,
        step_started_at=friday,
        step_deadline=T0 + timedelta(hours=3),
        step_working=True,
    )
    desk = desk_factory([clocked, working])
    model = desk.model
    column = model.rows.column_index("time_left")
    repaints: list[int] = []
    resets: list[int] = []
    model.dataChanged.connect(lambda a, _b, _roles: repaints.append(a.column()))
    model.modelReset.connect(lambda: resets.append(1))
    model.layoutChanged.connect(lambda: resets.append(1))
    desk.store.select_cases({1})
    desk.flush()

    def cell(case_id: int, role: Qt.ItemDataRole = Qt.ItemDataRole.DisplayRole) -> object:
        row = model.row_of(case_id)
        assert row is not None
        return model.data(model.index(row, column), role)

    def at(moment: float) -> None:
        desk.clock.now = moment
        model.refresh_time_left()

    fg = Qt.ItemDataRole.ForegroundRole
    warning, overdue = QColor(STATUS_COLOURS["warning"]), QColor(STATUS_COLOURS["overdue"])
    at((start + timedelta(minutes=23, seconds=59)).timestamp())
    assert cell(1) == "6 min 01 s"
    assert cell(1, fg) is None
    at((start + timedelta(minutes=24)).timestamp())  # 80 % of 30 minutes
    assert cell(1) == "6 min 00 s"
    assert cell(1, fg) == warning
    at((start + timedelta(minutes=30, seconds=7)).timestamp())
    assert cell(1) == "Overdue 0 min 07 s"
    assert cell(1, fg) == overdue

    warn_at = default_policy().warning_at(friday, T0 + timedelta(hours=3), True)
    assert T0 < warn_at < T0 + timedelta(hours=3), "warns on Monday morning"
    at(warn_at.timestamp() - 1)
    assert cell(2, fg) is None
    at(warn_at.timestamp())
    assert cell(2, fg) == warning

    assert column in repaints
    assert not resets, "the countdown repaints cells; it never resets or re-sorts the table"
    assert desk.selected_ids() == {1}


def test_the_servers_flags_colour_the_countdown_at_once(desk_factory: DeskFactory) -> None:
    start = T0 + timedelta(hours=1)
    case = make_case(
        1,
        state=CaseState.DISPATCHED,
        step_started_at=start,
        step_deadline=start + timedelta(hours=4),
    )
    desk = desk_factory([case])
    row, column = 0, desk.model.rows.column_index("time_left")
    fg = Qt.ItemDataRole.ForegroundRole
    assert desk.model.data(desk.model.index(row, column), fg) is None
    desk.change(1, warned=True)
    desk.flush()
    assert desk.model.data(desk.model.index(row, column), fg) == QColor(STATUS_COLOURS["warning"])
    desk.change(1, overdue=True)
    desk.flush()
    assert desk.model.data(desk.model.index(row, column), fg) == QColor(STATUS_COLOURS["overdue"])


# --- the urgent-case alert ----------------------------------------------------------------


def test_a_new_urgent_case_alerts_until_acknowledged(
    desk_factory: DeskFactory, qtbot: QtBot
) -> None:
    # Urgent cases of the first snapshot are old news: no alert.
    desk = desk_factory([make_case(1, urgency=Urgency.URGENT), make_case(2)])
    banner = desk.panel.banner
    assert banner is not None
    assert not banner.isVisible()
    assert desk.beeps == 0

    # A normal report, and a change to a known urgent case: no alert either.
    desk.event(make_case(3))
    desk.change(1, description="更新")
    desk.flush()
    assert not desk.alert.pending
    assert desk.beeps == 0

    # An urgent report: banner, blinking, and a sound that repeats.
    location = Location(lon=121.5, lat=31.23, address="浦东南路 12 号")
    desk.event(make_case(4, urgency=Urgency.CRITICAL, category="C0101", location=location))
    desk.flush()
    assert desk.alert.pending == (4,)
    assert banner.isVisible()
    assert banner.blinking
    assert banner.text.text() == (
        "New urgent case. Critical case PD20261130-0004: Water supply manhole cover, 浦东南路 12 号"
    )
    qtbot.waitUntil(lambda: desk.beeps >= 3)
    assert banner.property("blink") in (True, False)

    # Another one while the first is pending.
    desk.event(make_case(5, urgency=Urgency.URGENT))
    desk.flush()
    assert banner.text.text().startswith("2 new urgent cases. Latest: Urgent case PD20261130-0005")

    # "Show" selects them.
    banner.show_button.click()
    desk.flush()
    assert desk.store.selection.cases == {4, 5}
    assert desk.selected_ids() == {4, 5}

    # Acknowledged (the F9 action): silence, and the banner goes.
    registry = ActionRegistry()
    register_alert_actions(registry, desk.alert)
    registry.trigger(ACKNOWLEDGE_ACTION)
    assert not banner.isVisible()
    assert not desk.alert.ringing
    beeps = desk.beeps
    qtbot.wait(150)
    assert desk.beeps == beeps, "no sound after the acknowledgement"


def test_only_reports_alert_never_a_snapshot(desk_factory: DeskFactory) -> None:
    """After a reconnect a fresh snapshot may hold urgent cases the console never saw: they
    come as a state, not as reports, and do not alert; an event right after them does."""
    desk = desk_factory([make_case(1)])
    cases = [make_case(1), make_case(2, urgency=Urgency.URGENT)]
    for chunk in snapshot(desk.seq + 10, cases, chunks=2, snapshot_id="s-2"):
        desk.store.apply(chunk)
    desk.store.apply(case_event(desk.seq + 11, make_case(3, urgency=Urgency.URGENT)))
    desk.flush()  # snapshot and event in one flush
    assert desk.alert.pending == (3,)


def test_switched_off_no_case_alerts_and_the_choice_is_remembered(
    desk_factory: DeskFactory, tmp_path: Path
) -> None:
    preferences = PreferencesStore(tmp_path)
    desk = desk_factory([make_case(1)], alert_on=False, save=preferences.save)
    assert not desk.panel.alert_button.isChecked()
    desk.event(make_case(2, urgency=Urgency.URGENT))
    desk.flush()
    assert not desk.alert.pending
    assert desk.beeps == 0
    banner = desk.panel.banner
    assert banner is not None
    assert not banner.isVisible()

    desk.panel.alert_button.click()  # on again
    assert desk.alert.enabled
    assert preferences.load().urgent_alert is True
    desk.event(make_case(3, urgency=Urgency.URGENT))
    desk.flush()
    assert desk.alert.pending == (3,)
    assert desk.beeps == 1

    desk.panel.alert_button.click()  # off: a pending alert ends too
    assert preferences.load().urgent_alert is False
    assert not desk.alert.pending
    assert not desk.alert.ringing
    assert not banner.isVisible()


def test_panels_come_and_go_the_alert_stays(desk_factory: DeskFactory) -> None:
    """The queue is rebuilt with each workspace; the alert is the console's, it stays, and a
    panel gone hears nothing more from the model, the store or the alert."""
    desk = desk_factory([make_case(1)])
    desk.event(make_case(2, urgency=Urgency.URGENT))
    desk.flush()
    other = CaseQueuePanel(desk.model, desk.store, desk.signals, desk.alert)
    other.show()
    assert other.banner is not None
    assert other.banner.isVisible()
    other.close()
    other.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    desk.event(make_case(3, urgency=Urgency.URGENT))
    desk.change(1, state=CaseState.AWAITING_FILING)
    desk.store.select_cases({1})
    desk.flush()
    desk.model.set_filter_by(text="PD")
    desk.alert.acknowledge()
    banner = desk.panel.banner
    assert banner is not None
    assert not banner.isVisible()
    assert desk.selected_ids() == {1}


# --- the selection, shared with the console -----------------------------------------------


def test_selecting_rows_selects_the_cases_in_the_store(
    desk_factory: DeskFactory, qtbot: QtBot
) -> None:
    desk = desk_factory([make_case(i) for i in range(1, 31)])
    table = desk.panel.table
    rect = table.visualRect(desk.model.index(2, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    desk.flush()
    clicked = desk.model.item_id(2)
    assert desk.store.selection.cases == {clicked}

    rect = table.visualRect(desk.model.index(4, 0))
    qtbot.mouseClick(
        table.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.ControlModifier,
        rect.center(),
    )
    desk.flush()
    assert desk.store.selection.cases == {clicked, desk.model.item_id(4)}


def test_a_selection_made_elsewhere_selects_and_scrolls_to_its_row(
    desk_factory: DeskFactory,
) -> None:
    desk = desk_factory([make_case(i) for i in range(1, 501)])
    table = desk.panel.table
    far = desk.model.item_id(450)
    assert isinstance(far, int)
    desk.store.select_cases({far})  # as the map would
    desk.flush()
    assert desk.selected_ids() == {far}
    row = desk.model.row_of(far)
    assert row is not None
    assert table.viewport().rect().intersects(table.visualRect(desk.model.index(row, 0)))
    assert table.selectionModel().currentIndex().row() == row

    desk.store.clear_selection()
    desk.flush()
    assert desk.selected_ids() == set()


def test_a_selected_case_leaving_the_list_stays_selected(desk_factory: DeskFactory) -> None:
    desk = desk_factory([make_case(i) for i in range(1, 11)])
    desk.panel.set_work_list(WorkList.TO_ACCEPT)
    desk.store.select_cases({3})
    desk.flush()
    assert desk.selected_ids() == {3}

    # Accepted (here or by a colleague): it leaves "to accept" but stays the selected case.
    desk.change(3, state=CaseState.AWAITING_FILING)
    desk.flush()
    assert 3 not in shown(desk.model)
    assert desk.store.selection.cases == {3}

    # A search or another list does not drop it either; where it shows, it is selected.
    desk.panel.set_search("PD2026")
    desk.panel.set_work_list(WorkList.TO_FILE)
    assert desk.store.selection.cases == {3}
    assert desk.selected_ids() == {3}


def test_the_panel_keeps_the_selection_when_rows_move(desk_factory: DeskFactory) -> None:
    desk = desk_factory([make_case(i, step_deadline=T0 + timedelta(hours=i)) for i in range(1, 11)])
    desk.panel.table.selectionModel().select(
        desk.model.index(0, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    desk.flush()
    assert desk.store.selection.cases == {1}
    desk.change(1, step_deadline=T0 + timedelta(hours=20))  # now the last deadline
    desk.flush()
    assert shown(desk.model)[-1] == 1
    assert desk.selected_ids() == {1}
    assert desk.store.selection.cases == {1}


def test_the_console_opens_the_queue_with_its_alert(qtbot: QtBot, english: None) -> None:
    console = build_console("ws://127.0.0.1:9", "zhangmin", "secret", Role.DISPATCHER)
    qtbot.addWidget(console.window)
    panel = console.window.panels["case_queue"]
    assert isinstance(panel, CaseQueuePanel)
    assert panel.alert is console.alert
    assert panel.model is console.cases
    assert console.alert.preferences is console.window.preferences, "one preferences object"
    action = console.window.findChild(QAction, f"action-{ACKNOWLEDGE_ACTION}")
    assert action is not None
    assert action.shortcut() == QKeySequence("F9")
