"""A joint patrol from a case to its outcome at the dispatcher's console, with simulated
units answering: ``main.py``'s console, a real backend, the real simulator.

The shift supervisor sets the response template of street vending (urban management and
the joint-patrol force). The operator takes a street-vending report through to
comprehensive dispatch (综合派单) at the case desk; the convening form opens by itself,
filled in from the template, with the nearest available unit of each agency chosen (the
same as ``recommend_units`` over the console's live units). Issuing it orders the units;
the simulated terminals acknowledge, set off and arrive, which the joint panel shows step
by step with times, and the map draws them converging. Completion with an outcome goes
into the case's history.

Then a patrol area: the units selected on the board and the cells selected on the map are
assigned for the shift; a terminal walks through two of four cells; the coverage read from
its track is drawn on the map and shown as a share.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import TypeVar

import qasync
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from backend.simulator.actors import Behaviour
from backend.simulator.runner import SimConfig, SimStats, run_simulation
from console.case_actions import CaseAction
from console.store import ClientStore
from main import Console
from models.calendar import SHANGHAI
from models.case import CaseState, Source
from models.cell_index import CellIndex
from models.joint import JointOperation, JointState, ParticipantState, recommend_units
from models.org import DEFAULT_STALE_AFTER, Unit, UnitStatus
from models.workflow import NewReport
from net.protocol import Ack, Position, Report, SetResponseTemplate
from tests.gui.console_harness import ServerThread, drive, shown_console, until
from tests.integration.peer import Peer, new_id
from tests.integration.server_fixtures import Running
from views.case_action_dialog import CaseActionDialog
from views.case_desk import ActionState, CaseDesk
from views.case_detail_panel import CaseDetailPanel
from views.convene_dialog import ConveneDialog
from views.joint_panel import JointPanel, MoveDialog
from views.map_panel import MapPanel
from views.patrol_dialog import PatrolDialog
from views.team_board_panel import TeamBoardPanel

P = TypeVar("P")

VENDING = "E0501"  # unlicensed street vending: urban management (CGZF) by default
AGENCIES = ("CGZF", "WGLQ")


# --- the others: supervisor, field terminal, the simulator --------------------------------


async def set_template(running: Running) -> None:
    supervisor = await Peer.connect(running.url, "supervisor")
    try:
        await supervisor.synced()
        message = SetResponseTemplate(id=new_id(), category=VENDING, agencies=list(AGENCIES))
        assert isinstance(await supervisor.request(message), Ack)
    finally:
        await supervisor.close()


async def report_vending(running: Running, lon: float, lat: float) -> int:
    terminal = await Peer.connect(running.url, "field", kind="terminal", client_id="e2e-field")
    try:
        await terminal.synced()
        report = NewReport(
            source=Source.PATROL,
            category=VENDING,
            lon=lon,
            lat=lat,
            address="夜市东口",
            description="夜市占道经营，需城管与联勤队伍联合整治",
        )
        ack = await terminal.request(Report(id=new_id(), report=report))
        assert isinstance(ack, Ack), ack
        assert ack.result is not None
        return int(ack.result["case_id"])
    finally:
        await terminal.close()


def morning() -> datetime:
    """Half past nine this morning in Shanghai: the day crew is out."""
    local = datetime.now(SHANGHAI).replace(hour=9, minute=30, second=0, microsecond=0)
    return local.astimezone(UTC)


async def start_simulation(running: Running) -> tuple[asyncio.Task[SimStats], asyncio.Event]:
    """The simulated city on the server's loop: its terminals answer joint orders. Its
    operator and departments keep their hands off our case (no auto-dispatch, no signing)."""
    stop = asyncio.Event()
    config = SimConfig(
        speed=1200,
        seed=11,
        tick=0.5,
        start=morning(),
        daily_reports=1,
        behaviour=Behaviour(auto_dispatch=0.0, sign_delay=(1e6, 2e6)),
    )
    task = asyncio.create_task(
        run_simulation(running.url, config, city=running.core.city, stop=stop)
    )
    return task, stop


async def stop_simulation(task: asyncio.Task[SimStats], stop: asyncio.Event) -> SimStats:
    stop.set()
    return await asyncio.wait_for(task, 30)


async def walk(
    running: Running, unit_id: str, points: list[tuple[float, float]], after: datetime
) -> None:
    """A terminal's fixes through ``points``, eleven seconds apart (the track keeps one fix
    per unit every ten seconds), after the unit's last fix (an older one is ignored) and as
    little in the future as may be; returns once the last is in the past."""
    terminal = await Peer.connect(running.url, "field", kind="terminal", client_id="e2e-walk")
    try:
        await terminal.synced()
        span = timedelta(seconds=11 * (len(points) - 1))
        start = max(after + timedelta(seconds=1), datetime.now(UTC) - span)
        for i, (lon, lat) in enumerate(points):
            at = start + timedelta(seconds=11 * i)
            await terminal.send(Position(unit_id=unit_id, at=at, lon=lon, lat=lat))
        wait = (start + span - datetime.now(UTC)).total_seconds() + 1.0
        await asyncio.sleep(max(1.0, wait))  # no ack for positions; the last one is past
    finally:
        await terminal.close()


# --- the console -------------------------------------------------------------------------


def panel_of(console: Console, panel_id: str, kind: type[P]) -> P:
    panel = console.window.panels[panel_id]
    assert isinstance(panel, kind), panel
    return panel


def in_state(store: ClientStore, case_id: int, state: CaseState) -> bool:
    return store.cases[case_id].state is state


def answered(desk: CaseDesk, case_id: int, action: CaseAction) -> bool:
    return any(
        r.case_id == case_id and r.action is action and r.state is ActionState.DONE
        for r in desk.records.values()
    )


def test_a_joint_patrol_from_a_case_to_its_outcome_with_simulated_units(
    server: ServerThread,
    loop: qasync.QEventLoop,
    qtbot: QtBot,
    english: None,
) -> None:
    console = shown_console(qtbot, server.url)
    store = console.store
    detail = panel_of(console, "case_detail", CaseDetailPanel)
    desk = detail.desk
    joint_panel = panel_of(console, "joint", JointPanel)
    board = panel_of(console, "teams", TeamBoardPanel)
    map_panel = panel_of(console, "map", MapPanel)

    async def city_running() -> tuple[asyncio.Task[SimStats], asyncio.Event]:
        await server.call(set_template)
        console.connection.start()
        await until(lambda: store.synced and store.city is not None, timeout=60)
        await until(lambda: VENDING in store.response_templates)
        started.append(datetime.now(UTC))
        simulation = await server.call(start_simulation)
        # The day crew reports positions: units of both agencies are available.
        await until(lambda: len(available()) > 20, timeout=60)
        return simulation

    def available() -> list[Unit]:
        now = console.watch.now()
        return [
            u
            for u in store.live_units()
            if u.department in AGENCIES and u.is_available(now, DEFAULT_STALE_AFTER)
        ]

    started: list[datetime] = []
    task, stop = drive(loop, city_running(), timeout=120)
    try:
        # A street-vending report in the cell of an available urban-management unit.
        city = store.city
        assert city is not None
        index = CellIndex(city.cells)
        near = next(
            u
            for u in available()
            if u.department == "CGZF"
            and u.lon is not None
            and u.lat is not None
            and index.locate(u.lon, u.lat) is not None
        )
        assert near.lon is not None
        assert near.lat is not None
        code = index.locate(near.lon, near.lat)
        assert code is not None
        lon, lat = city.cell(code).centroid_lon, city.cell(code).centroid_lat

        async def reported() -> int:
            case_id = await server.call(lambda r: report_vending(r, lon, lat))
            await until(lambda: case_id in store.cases)
            return case_id

        case_id = drive(loop, reported())
        for action, state in (
            (CaseAction.ACCEPT, CaseState.AWAITING_FILING),
            (CaseAction.FILE, CaseState.AWAITING_DISPATCH),
        ):
            desk.trigger(action, [case_id])
            drive(loop, until(partial(in_state, store, case_id, state)))
            console.signals.flush()

        # What the form recommends, and what recommend_units says over the same live
        # units, at the moment it opens.
        opened: list[tuple[object, ...]] = []

        def on_opened(form: object) -> None:
            if isinstance(form, ConveneDialog):
                d = form.draft()
                assert d.lon is not None
                assert d.lat is not None
                truth = recommend_units(
                    store.live_units(), d.lon, d.lat, d.agencies, form.clock(), per_agency=5
                )
                opened.append((form.found, form.chosen_units(), truth))

        console.joint.dialog_opened.connect(on_opened)

        # Comprehensive dispatch at the case desk, through its form.
        desk.trigger(CaseAction.DISPATCH_COMPREHENSIVE, [case_id], edit=True)
        form = desk.dialog
        assert isinstance(form, CaseActionDialog)
        qtbot.mouseClick(
            form.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton
        )

        async def dispatched() -> None:
            await until(lambda: answered(desk, case_id, CaseAction.DISPATCH_COMPREHENSIVE))
            console.signals.flush()

        drive(loop, dispatched())
        assert store.cases[case_id].state is CaseState.DISPATCHED

        # The convening form opened by itself, filled in from the case and the template.
        dialog = console.joint.dialog
        assert isinstance(dialog, ConveneDialog)
        case = store.cases[case_id]
        draft = dialog.draft()
        assert (draft.case_id, draft.agencies) == (case_id, AGENCIES)
        assert (draft.lon, draft.lat) == (case.location.lon, case.location.lat)
        ((found, chosen_then, truth),) = opened
        assert found == truth
        assert isinstance(truth, dict)
        assert all(truth[a] for a in AGENCIES)
        chosen = (truth["CGZF"][0].unit_id, truth["WGLQ"][0].unit_id)
        assert chosen_then == chosen, "the nearest available unit of each agency"
        assert dialog.chosen_units() == chosen
        assert dialog.commander.currentData() == chosen[0]
        dialog.instructions.setText("夜市东口集合，联合整治占道经营")
        qtbot.mouseClick(
            dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton
        )

        # The orders reach the simulated terminals; the panel follows each unit.
        def operation() -> JointOperation | None:
            return next((o for o in store.joint_operations.values() if o.case_id == case_id), None)

        def convened() -> JointOperation:
            op = operation()
            assert op is not None
            return op

        async def everyone_arrived() -> None:
            await until(lambda: operation() is not None)
            await until(
                lambda: all(p.state is ParticipantState.ARRIVED for p in convened().participants),
                timeout=60,
            )
            console.signals.flush()

        drive(loop, everyone_arrived(), timeout=90)
        op = convened()
        assert op.state is JointState.ACTIVE
        assert op.commander == chosen[0]
        assert joint_panel.current_operation() == op
        ops = joint_panel.operations_model
        row = ops.row_of(op.id)
        assert row is not None
        assert ops.data(ops.index(row, 2)) == "Active"
        assert ops.data(ops.index(row, 6)) == "2/2"
        people = joint_panel.participants_model
        assert people.rowCount() == 2
        for r in range(2):
            assert people.data(people.index(r, 2)) == "Arrived"
            times = [people.data(people.index(r, c)) for c in range(3, 7)]
            assert all(times), times  # notified, acknowledged, en route, arrived
            assert times == sorted(times)
        assert people.data(people.index(0, 0)).endswith("★")  # the commander
        # The map draws the units converging on the meeting point.
        (drawn,) = map_panel.map.joint_layer.convergences
        assert set(drawn.unit_ids) == set(chosen)
        # The board says what each unit is doing.
        assert board.units_model.task_text(chosen[1]).startswith(f"Joint operation {op.id}")

        # Completed with an outcome, through the panel's form.
        qtbot.mouseClick(joint_panel.buttons["complete"], Qt.MouseButton.LeftButton)
        form_complete = joint_panel.dialog
        assert isinstance(form_complete, MoveDialog)
        outcome = "联合整治完成：劝离流动摊贩 6 处"
        form_complete.text.setText(outcome)
        qtbot.mouseClick(
            form_complete.buttons.button(QDialogButtonBox.StandardButton.Ok),
            Qt.MouseButton.LeftButton,
        )

        async def completed() -> None:
            await until(lambda: convened().state is JointState.COMPLETED)
            store.select_cases([case_id])
            console.signals.flush()
            await until(lambda: "joint_completed" in detail.timeline.moves(), timeout=20)

        drive(loop, completed(), timeout=40)
        moves = detail.timeline.moves()
        assert moves.index("joint_convened") < moves.index("joint_completed")
        assert map_panel.map.joint_layer.convergences == ()

        # A patrol area: a unit selected on the board, four cells of its street selected
        # on the map.
        p = store.positions

        def untouched(unit: Unit) -> bool:
            """Off duty since before the simulation: its track this shift is the test's
            walk alone."""
            row = p.row_of(unit.unit_id)
            fix = float(p.last_fix[row]) if row is not None else float("nan")
            return unit.status is UnitStatus.OFF_DUTY and not fix >= started[0].timestamp()

        unit_id = next(
            u.unit_id
            for u in store.units.values()
            if untouched(u) and len(city.cells_of(u.street_code)) >= 4
        )
        street = store.units[unit_id].street_code
        cells = city.cells_of(street)[:4]
        store.select_units([unit_id])
        store.select_cells([c.code for c in cells], add=True)
        console.signals.flush()
        patrol = console.joint.open_patrol()
        assert isinstance(patrol, PatrolDialog)
        assert patrol.chosen_units() == (unit_id,)
        assert patrol.cells == tuple(sorted(c.code for c in cells))
        patrol.note.setText("重点：夜市周边")
        qtbot.mouseClick(
            patrol.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton
        )

        async def assigned_and_walked() -> int:
            await until(lambda: any(a.unit_id == unit_id for a in store.patrols.values()))
            console.signals.flush()
            points = [(cells[0].centroid_lon, cells[0].centroid_lat)] * 2
            points.append((cells[1].centroid_lon, cells[1].centroid_lat))
            row = p.row_of(unit_id)
            assert row is not None
            fix = float(p.last_fix[row])
            last = datetime.fromtimestamp(fix, UTC) if fix == fix else datetime.now(UTC)  # NaN
            await server.call(lambda r: walk(r, unit_id, points, last))
            return next(a.id for a in store.patrols.values() if a.unit_id == unit_id)

        assignment_id = drive(loop, assigned_and_walked(), timeout=60)
        row = board.patrols_model.items.index(store.patrols[assignment_id])
        board.tabs.setCurrentIndex(1)
        board.patrols.selectRow(row)
        qtbot.mouseClick(board.coverage_button, Qt.MouseButton.LeftButton)

        async def covered() -> None:
            await until(lambda: assignment_id in console.joint.coverage, timeout=20)

        drive(loop, covered())
        result = console.joint.coverage[assignment_id]
        assert set(result.cells) == {c.code for c in cells}
        assert set(result.visited) == {cells[0].code, cells[1].code}
        assert result.share == 0.5
        assert result.fixes == 3
        assert board.patrols_model.data(board.patrols_model.index(row, 4)) == "50 %"
        assert board.coverage_label.text().startswith(
            f"Coverage of {store.units[unit_id].callsign}"
        )
        assert map_panel.map.patrol_area == (
            frozenset(result.cells),
            frozenset(result.visited),
        )
        assert not map_panel.map.patrol_layer.empty
    finally:
        if not task.done():

            async def stopped() -> SimStats:
                return await server.call(lambda _r: stop_simulation(task, stop))

            drive(loop, stopped(), timeout=40)

    async def closed() -> None:
        await console.connection.close()
        console.signals.flush()

    drive(loop, closed())
