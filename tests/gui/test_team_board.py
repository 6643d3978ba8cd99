"""The team board, the alerts and the convening form over a real store, offscreen.

The district of ``tests.map_scenario`` (units of every agency, some of them stale) goes
into a real :class:`~console.store.ClientStore` as the server's messages would; the clock
is the test's, so time in status and reminders move when the test says so.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import msgspec
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from console.attention import AttentionKind, AttentionWatch
from console.board_models import ALARM_COLOUR, BoardUnitModel, TeamBoardModel
from console.convening import draft_for_case
from console.item_models import Reference
from console.store import ClientStore, StoreSignals
from console.team_board import BoardColumn
from models.catalogue import load_catalogue
from models.geo import haversine_m
from models.joint import (
    Cancel,
    Convene,
    JointEntry,
    JointOperation,
    Participant,
    ParticipantState,
    Release,
    eta_seconds,
    recommend_units,
)
from models.org import DEFAULT_STALE_AFTER, Role, Unit, UnitStatus, User
from models.response_templates import ResponseTemplate
from net.protocol import (
    ClientMessage,
    Event,
    JointChanged,
    JointCommand,
    SetResponseTemplate,
    UnitChanged,
)
from tests.map_scenario import NOW, CityScenario
from tests.unit.client_factories import make_unit, snapshot
from views.alerts_panel import AlertsPanel
from views.convene_dialog import ConveneDialog
from views.joint_desk import JointDesk
from views.joint_panel import JointPanel

STALE = DEFAULT_STALE_AFTER


@dataclass
class Clock:
    """The test's clock: "now" is what the test set."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now


@dataclass
class RecordingSink:
    """Stands for the connection: keeps what the store would send."""

    sent: list[ClientMessage] = field(default_factory=list)

    def submit(self, message: ClientMessage) -> None:
        self.sent.append(message)

    def query(self, message: ClientMessage) -> object:
        raise ConnectionError("no server in this test")


@pytest.fixture
def scenario() -> CityScenario:
    """A fresh district per test (the counts test moves its units)."""
    return CityScenario(units=3000, cases=50, seed=5, stale_share=0.05)


def watch_for(
    store: ClientStore, signals: StoreSignals, clock: Clock, **kw: object
) -> AttentionWatch:
    return AttentionWatch(store, signals, clock=clock, tick_ms=0, **kw)  # type: ignore[arg-type]


# --- the counts ----------------------------------------------------------------------------


Group = tuple[str, str]
"""An agency and one of its teams."""


def brute_force(units: list[Unit], now: datetime) -> dict[Group, Counter[BoardColumn]]:
    """Per agency and team, the board's counts, one unit at a time with ``models.org``'s
    own rules."""
    found: dict[Group, Counter[BoardColumn]] = {}
    by_status = {
        UnitStatus.EN_ROUTE: BoardColumn.EN_ROUTE,
        UnitStatus.ON_SCENE: BoardColumn.ON_SCENE,
        UnitStatus.BUSY: BoardColumn.BUSY,
        UnitStatus.BREAK: BoardColumn.ON_BREAK,
        UnitStatus.OFF_DUTY: BoardColumn.OFF_DUTY,
    }
    for unit in units:
        counts = found.setdefault((unit.department, unit.team_id), Counter())
        on = unit.status is not UnitStatus.OFF_DUTY
        counts[BoardColumn.ON_DUTY] += on
        counts[BoardColumn.AVAILABLE] += unit.is_available(now, STALE)
        counts[BoardColumn.STALE] += on and unit.is_stale(now, STALE)
        if unit.status in by_status:
            counts[by_status[unit.status]] += 1
    return found


def board(model: TeamBoardModel) -> dict[Group, dict[BoardColumn, int]]:
    return {
        (department, team): {c: model.count(row, c) for c in BoardColumn}
        for row, (department, team) in enumerate(model.rows)
        if team is not None
    }


def expected(found: dict[Group, Counter[BoardColumn]]) -> dict[Group, dict[BoardColumn, int]]:
    return {group: {c: counts[c] for c in BoardColumn} for group, counts in found.items()}


def test_team_board_counts_equal_a_brute_force_count(
    qtbot: QtBot, scenario: CityScenario, english: None
) -> None:
    store = scenario.store
    signals = StoreSignals(store)
    clock = Clock(NOW + timedelta(seconds=30))
    watch = watch_for(store, signals, clock)
    model = TeamBoardModel(store, watch, Reference())
    units = list(store.units.values())
    assert board(model) == expected(brute_force(units, clock.now))
    assert sum(c[BoardColumn.STALE] for c in board(model).values()) > 0
    # Each agency's row is the sum of its teams' rows.
    teams = board(model)
    for row, (department, team) in enumerate(model.rows):
        if team is None:
            for column in BoardColumn:
                assert model.count(row, column) == sum(
                    counts[column] for (d, _t), counts in teams.items() if d == department
                )

    # Filtered by street and agency.
    street, agency = units[0].street_code, "CGZF"
    model.set_filter(street=street, agency=agency)
    kept = [u for u in units if u.street_code == street and u.department == agency]
    assert board(model) == expected(brute_force(kept, clock.now))
    model.set_filter()

    # Units move (fresh fixes, on patrol) and time passes: the live arrays are counted.
    scenario.tick()
    clock.now = NOW + timedelta(minutes=4)
    watch.check()
    assert board(model) == expected(brute_force(store.live_units(), clock.now))
    clock.now = NOW + timedelta(minutes=6)  # the snapshot's fixes are stale now
    watch.check()
    assert board(model) == expected(brute_force(store.live_units(), clock.now))


# --- time in status ------------------------------------------------------------------------


T0 = datetime(2026, 11, 30, 2, 0, tzinfo=NOW.tzinfo)


def small_store() -> tuple[ClientStore, StoreSignals, list[Unit]]:
    units = [
        make_unit("U-01", status=UnitStatus.ON_SCENE, status_since=T0, last_fix_at=T0),
        make_unit("U-02", status=UnitStatus.PATROL, status_since=T0, last_fix_at=T0),
        make_unit("U-03", status=UnitStatus.BREAK, status_since=T0 + timedelta(minutes=20)),
    ]
    store = ClientStore()
    for chunk in snapshot(1, (), units):
        store.apply(chunk)
    return store, StoreSignals(store), units


def test_time_in_status_alarm_flashes_until_acknowledged(qtbot: QtBot, english: None) -> None:
    store, signals, units = small_store()
    clock = Clock(T0 + timedelta(minutes=30))
    watch = watch_for(store, signals, clock)
    model = BoardUnitModel(store, signals, watch, Reference())
    alerts = AlertsPanel(store, watch)
    qtbot.addWidget(alerts)
    column = model.rows.column_index("in_status")

    def colour(unit_id: str) -> object:
        row = model.row_of(unit_id)
        assert row is not None
        return model.data(model.index(row, column), Qt.ItemDataRole.ForegroundRole)

    watch.check()
    assert not watch.items
    assert model.data(model.index(model.row_of("U-01") or 0, column)) == "30 min"

    clock.now = T0 + timedelta(minutes=46)  # on scene for longer than 45 minutes
    watch.check()
    assert [(i.kind, i.unit_id) for i in watch.items] == [(AttentionKind.STATUS_TIME, "U-01")]
    flashes = []
    for _ in range(4):
        flashes.append(colour("U-01"))
        watch.check()
    assert flashes.count(ALARM_COLOUR) == 2, "it flashes"
    assert flashes.count(None) == 2
    assert colour("U-02") is None

    # The dispatcher acknowledges it in the alerts panel: off the list, steady colour.
    assert alerts.model.rowCount() == 1
    assert alerts.model.data(alerts.model.index(0, 0)) == "Too long in status · On scene"
    alerts.table.selectRow(0)
    qtbot.mouseClick(alerts.acknowledge_button, Qt.MouseButton.LeftButton)
    assert not watch.items
    assert alerts.count.text() == "All clear"
    for _ in range(2):
        watch.check()
        assert colour("U-01") == ALARM_COLOUR

    # The break began later; 30 minutes of it alarm on their own.
    clock.now = T0 + timedelta(minutes=49)
    watch.check()
    assert not watch.items
    clock.now = T0 + timedelta(minutes=50)
    watch.check()
    assert [i.unit_id for i in watch.items] == ["U-03"]

    # U-01 changes status: its alarm ends; a new stay on scene alarms again.
    moved = msgspec.structs.replace(
        units[0], status=UnitStatus.ON_SCENE, status_since=clock.now - timedelta(minutes=1)
    )
    store.apply(Event(seq=2, at=clock.now, body=UnitChanged(unit=moved)))
    signals.flush()
    watch.check()
    assert watch.status_alarm("U-01") is None
    clock.now += timedelta(minutes=45)
    watch.check()
    alarm = watch.status_alarm("U-01")
    assert alarm is not None
    assert not watch.is_acknowledged(alarm.key)

    # A click selects the unit concerned.
    row = next(i for i, item in enumerate(alerts.model.items) if item.unit_id == "U-01")
    alerts.select(alerts.model.items[row])
    assert store.selection.units == {"U-01"}


# --- joint orders not acknowledged ---------------------------------------------------------


def operation(units: list[Unit], at: datetime) -> JointOperation:
    return JointOperation(
        id=7,
        case_id=None,
        street_code=units[0].street_code,
        agencies=("WGLQ",),
        commander=units[0].unit_id,
        lon=121.5,
        lat=31.23,
        meet_at=at + timedelta(minutes=15),
        participants=tuple(
            Participant(
                unit_id=u.unit_id,
                callsign=u.callsign,
                department=u.department,
                street_code=u.street_code,
                notified_at=at,
            )
            for u in units
        ),
        convened_by="zhangmin",
        convened_at=at,
        updated_at=at,
    )


def joint_event(seq: int, op: JointOperation) -> Event:
    entry = JointEntry(
        operation_id=op.id,
        revision=op.revision,
        move="convene",
        actor_id="zhangmin",
        actor_role="operator",
        terminal="console-1",
        at=op.updated_at,
        from_state=None,
        to_state=op.state,
    )
    return Event(seq=seq, at=op.updated_at, body=JointChanged(operation=op, entry=entry))


def test_an_order_not_acknowledged_in_time_is_reminded_once_until_acknowledged(
    qtbot: QtBot, english: None
) -> None:
    store, signals, units = small_store()
    clock = Clock(T0)
    beeps: list[datetime] = []
    watch = watch_for(store, signals, clock, sound=lambda: beeps.append(clock.now))
    desk = JointDesk(store, signals, load_catalogue(), Reference(), watch)
    panel = JointPanel(store, signals, watch, desk, Reference())
    qtbot.addWidget(panel)
    op = operation(units[:2], T0)
    store.apply(joint_event(5, op))
    signals.flush()
    assert panel.current_operation() == op
    assert panel.participants_model.rowCount() == 2
    assert panel.participants_model.data(panel.participants_model.index(0, 2)) == "Notified"

    clock.now = T0 + timedelta(minutes=2, seconds=59)
    watch.check()
    assert beeps == []
    assert panel.banner.isHidden()
    clock.now = T0 + timedelta(minutes=3)
    watch.check()
    assert beeps == [clock.now], "one beep when the reminder comes up"
    assert not panel.banner.isHidden()
    assert panel.banner.text() == "Not acknowledged in time: 陆家嘴联勤01, 陆家嘴联勤02"
    assert panel.operations_model.data(panel.operations_model.index(0, 7)) == (
        "陆家嘴联勤01, 陆家嘴联勤02"
    )
    watch.check()
    assert len(beeps) == 1, "not again while it stands"

    # One unit acknowledges (an event); the other is acknowledged by the dispatcher.
    acked = msgspec.structs.replace(
        op,
        revision=2,
        participants=(
            msgspec.structs.replace(
                op.participants[0], state=ParticipantState.ACKNOWLEDGED, acknowledged_at=clock.now
            ),
            op.participants[1],
        ),
    )
    store.apply(joint_event(6, acked))
    signals.flush()
    assert panel.banner.text() == "Not acknowledged in time: 陆家嘴联勤02"
    assert panel.participants_model.data(panel.participants_model.index(0, 2)) == "Acknowledged"
    qtbot.mouseClick(panel.acknowledge_button, Qt.MouseButton.LeftButton)
    assert panel.banner.isHidden()
    watch.check()
    assert len(beeps) == 1

    # The centre's moves, against the revision shown: release a unit, cancel with a reason.
    sink = RecordingSink()
    store.sink = sink  # type: ignore[assignment]
    store.user = User(user_id="zhangmin", name="张敏", role=Role.OPERATOR)
    signals.flush()
    panel.participants.selectRow(0)
    assert not panel.buttons["release"].isEnabled(), "the commander is not released"
    panel.participants.selectRow(1)
    assert store.selection.units == {"U-02"}
    qtbot.mouseClick(panel.buttons["release"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(panel.buttons["cancel"], Qt.MouseButton.LeftButton)
    form = panel.dialog
    assert form is not None
    ok = form.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled(), "a reason is required"
    form.text.setText("现场已无摊贩")
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert [(m.operation_id, m.expected_revision, m.move) for m in sink.sent] == [  # type: ignore[union-attr]
        (7, 2, Release(unit_id="U-02")),
        (7, 2, Cancel(reason="现场已无摊贩")),
    ]


# --- convening -----------------------------------------------------------------------------


def test_the_convening_form_recommends_the_nearest_available_units_per_agency(
    qtbot: QtBot, scenario: CityScenario, english: None
) -> None:
    store = scenario.store
    signals = StoreSignals(store)
    sink = RecordingSink()
    store.sink = sink  # type: ignore[assignment]
    clock = Clock(NOW + timedelta(seconds=30))
    catalogue = load_catalogue()
    case = scenario.cases[3]
    category = case.category
    store.response_templates = {
        category: ResponseTemplate(
            category=category, agencies=("CGZF", "WGLQ"), set_by="supervisor", set_at=NOW
        )
    }
    draft = draft_for_case(case, catalogue, store.response_templates, clock.now)
    assert draft.agencies == ("CGZF", "WGLQ"), "the category's template"
    dialog = ConveneDialog(store, signals, catalogue, Reference(), draft, clock=clock)
    qtbot.addWidget(dialog)

    # The fixture's units, as the scenario made them: the brute truth.
    truth = recommend_units(
        scenario.units,
        case.location.lon,
        case.location.lat,
        ("CGZF", "WGLQ"),
        clock.now,
        per_agency=5,
    )
    assert dialog.found == truth
    stale = {u.unit_id for u in scenario.units if u.is_stale(clock.now, STALE)}
    assert stale, "the fixture has stale units"
    for agency, recs in dialog.found.items():
        assert recs
        assert not {r.unit_id for r in recs} & stale
        available = [
            u for u in scenario.units if u.department == agency and u.is_available(clock.now, STALE)
        ]
        # The nearest by ETA, found one unit at a time.
        best = min(
            available,
            key=lambda u: (round(eta_of(u, case.location.lon, case.location.lat)), u.unit_id),
        )
        assert recs[0].unit_id == best.unit_id
        etas = [r.eta_s for r in recs]
        assert etas == sorted(etas)
        assert len(available) > len(recs)
    # The best of each agency is chosen; the first commands.
    firsts = (truth["CGZF"][0].unit_id, truth["WGLQ"][0].unit_id)
    assert dialog.chosen_units() == firsts
    assert dialog.commander.currentData() == firsts[0]

    # A unit already in an open operation is not proposed again.
    busy = operation([store.units[firsts[0]]], clock.now)
    store.apply(joint_event(10_000, busy))
    dialog.recommend()
    assert firsts[0] not in {r.unit_id for r in dialog.found["CGZF"]}
    assert dialog.chosen_units()[1] == firsts[1]

    # Issuing sends the convening.
    dialog.accept()
    (command,) = sink.sent
    assert isinstance(command, JointCommand)
    assert isinstance(command.move, Convene)
    assert command.operation_id is None
    assert command.move.case_id == case.id
    assert command.move.agencies == ("CGZF", "WGLQ")
    assert set(command.move.units) == set(dialog.chosen_units())
    assert (command.move.lon, command.move.lat) == (case.location.lon, case.location.lat)

    # Only a supervisor of the district may save the agencies as the category's template.
    assert dialog.save_template.isHidden()
    store.user = User(user_id="supervisor", name="值班长", role=Role.SUPERVISOR)
    edited = ConveneDialog(store, signals, catalogue, Reference(), draft, clock=clock)
    qtbot.addWidget(edited)
    assert not edited.save_template.isHidden()
    edited.agencies.item(1).setCheckState(Qt.CheckState.Unchecked)  # WGLQ off
    qtbot.mouseClick(edited.save_template, Qt.MouseButton.LeftButton)
    assert sink.sent[-1] == SetResponseTemplate(
        id=sink.sent[-1].id,  # type: ignore[union-attr]
        category=category,
        agencies=["CGZF"],
    )
    assert list(edited.found) == ["CGZF"], "recommended again for the agencies checked"


def eta_of(unit: Unit, lon: float, lat: float) -> float:
    assert unit.lon is not None
    assert unit.lat is not None
    return eta_seconds(haversine_m(unit.lon, unit.lat, lon, lat), unit.kind)
