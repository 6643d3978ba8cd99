"""Joint operations and patrol areas over real sockets: a dispatcher convenes from a case,
the units' terminals receive their orders and answer, the dispatcher follows it live, and
the outcome lands in the case's history; bad requests are refused precisely."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import msgspec
import pytest

from backend.core import CoreConfig
from backend.services.units import UnitService
from backend.services.users import UserService
from backend.simulator.runner import SimConfig, run_simulation
from backend.store.database import Database
from backend.store.reference import load_city
from models.calendar import SHANGHAI
from models.case import Case, CaseState, Source
from models.geography import Cell, CityMap
from models.joint import (
    Acknowledge,
    AddUnit,
    Arrive,
    Complete,
    Convene,
    Depart,
    JointState,
    ParticipantState,
    ReplaceUnit,
    has_arrived,
    recommend_units,
)
from models.org import Role, Unit, UnitStatus
from models.patrol import AssignPatrol, CancelPatrol
from models.workflow import Accept, DispatchComprehensive, File, NewReport
from net.protocol import (
    Ack,
    Command,
    CoverageResult,
    Error,
    ErrorCode,
    Event,
    HistoryResult,
    JointChanged,
    JointCommand,
    PatrolChanged,
    PatrolCommand,
    Ping,
    Pong,
    Position,
    PositionFrame,
    QueryCoverage,
    QueryHistory,
    Report,
    ServerMessage,
    SnapshotChunk,
    UnitChanged,
)
from tests.integration.peer import Peer, new_id, now
from tests.integration.server_fixtures import copy_sqlite, running_server
from tests.integration.support import fast_hasher_for_tests

VENDING = "E0501"  # unlicensed street vending: urban management (CGZF)
PASSWORD = "terminal-pass-1"


@pytest.fixture
def db_url(seeded_template: Path, tmp_path: Path) -> str:
    return copy_sqlite(seeded_template, tmp_path / "grid.db")


@dataclass(frozen=True)
class Town:
    """A street/town with two urban-management units and two joint-patrol units."""

    street: str
    other_street: str
    cell: Cell
    city: CityMap


def prepare(db_url: str) -> Town:
    """Pick the street, and add a terminal user for it and one for another street."""
    db = Database.open(db_url)
    try:
        city = load_city(db)
        assert city is not None
        units, _ = UnitService(db).load()
        by_street: dict[str, list[Unit]] = {}
        for unit in units:
            by_street.setdefault(unit.street_code, []).append(unit)
        street = next(
            code
            for code, members in sorted(by_street.items())
            if sum(u.department == "CGZF" for u in members) >= 2
            and sum(u.department == "WGLQ" for u in members) >= 2
        )
        other = next(code for code in sorted(by_street) if code != street)
        users = UserService(db, hasher=fast_hasher_for_tests())
        users.create_user("term-a", "终端甲", Role.FIELD, street, None, PASSWORD)
        users.create_user("term-b", "终端乙", Role.FIELD, other, None, PASSWORD)
        users.create_user("op-b", "乙街道操作员", Role.OPERATOR, other, None, PASSWORD)
    finally:
        db.close()
    cell = city.cells_of(street)[0]
    return Town(street=street, other_street=other, cell=cell, city=city)


async def connect(
    url: str, user: str, password: str = "grid-demo-2026", kind: str = "console"
) -> Peer:
    peer = await Peer.connect(url, user, password, kind=kind)
    await peer.signed_in()
    await peer.synced()
    return peer


def snapshot_units(peer: Peer) -> list[Unit]:
    return [u for m in peer.of_type(SnapshotChunk) for u in m.units]


def joint_event(
    peer: Peer, test: Callable[[JointChanged], bool]
) -> Callable[[ServerMessage], bool]:
    def matches(m: ServerMessage) -> bool:
        return isinstance(m, Event) and isinstance(m.body, JointChanged) and test(m.body)

    return matches


async def next_joint(
    peer: Peer, test: Callable[[JointChanged], bool], timeout: float = 10.0
) -> JointChanged:
    message = await peer.wait_for(joint_event(peer, test), timeout)
    assert isinstance(message, Event)
    assert isinstance(message.body, JointChanged)
    return message.body


async def acked(peer: Peer, message: Any) -> Ack:
    reply = await peer.request(message)
    assert isinstance(reply, Ack), reply
    return reply


async def refused(peer: Peer, message: Any, code: ErrorCode) -> Error:
    reply = await peer.request(message)
    assert isinstance(reply, Error), reply
    assert reply.code is code, reply
    return reply


async def settled(peer: Peer) -> None:
    """Everything the server queued for ``peer`` before now has arrived (a ping's pong
    is queued behind it)."""
    reply = await peer.request(Ping(id=new_id(), sent_at=now()))
    assert isinstance(reply, Pong)


async def joint_case(console: Peer, cell: Cell) -> Case:
    """A street-vending case taken through to comprehensive dispatch (综合派单)."""
    report = Report(
        id=new_id(),
        report=NewReport(
            source=Source.HOTLINE,
            category=VENDING,
            lon=cell.centroid_lon,
            lat=cell.centroid_lat,
            description="夜市占道经营，需城管与联勤队伍联合整治",
        ),
    )
    case_id = (await acked(console, report)).result["case_id"]  # type: ignore[index]
    for move in (
        Accept(),
        File(),
        DispatchComprehensive(departments=("CGZF", "WGLQ"), instructions="联合整治"),
    ):
        await acked(console, Command(id=new_id(), case_id=case_id, move=move))
    message = await console.wait_for(
        lambda m: (
            isinstance(m, Event)
            and getattr(m.body, "case", None) is not None
            and m.body.case.id == case_id  # type: ignore[union-attr]
            and m.body.case.state is CaseState.DISPATCHED  # type: ignore[union-attr]
        )
    )
    assert isinstance(message, Event)
    return message.body.case  # type: ignore[union-attr]


def joint(operation_id: int | None, move: Any, revision: int | None = None) -> JointCommand:
    return JointCommand(
        id=new_id(), operation_id=operation_id, expected_revision=revision, move=move
    )


def test_a_joint_operation_from_convening_to_its_outcome_in_the_case_history(
    db_url: str,
) -> None:
    town = prepare(db_url)

    async def scenario() -> None:
        async with running_server(db_url) as srv:
            console = await connect(srv.url, "operator")
            terminal = await connect(srv.url, "term-a", PASSWORD, kind="terminal")
            elsewhere = await connect(srv.url, "term-b", PASSWORD, kind="terminal")
            urban = await connect(srv.url, "dept-cgzf")
            sanitation = await connect(srv.url, "dept-hw")
            case = await joint_case(console, town.cell)

            # The convening desk: the nearest available units of each agency, live.
            picks = recommend_units(
                [u for u in snapshot_units(console) if u.street_code == town.street],
                case.location.lon,
                case.location.lat,
                ["CGZF", "WGLQ"],
                now(),
                stale_after=timedelta(hours=1),
            )
            cg, cg2 = (r.unit_id for r in picks["CGZF"][:2])
            wg, wg2 = (r.unit_id for r in picks["WGLQ"][:2])
            convening = Convene(
                case_id=case.id,
                agencies=("CGZF", "WGLQ"),
                units=(cg, wg),
                commander=cg,
                lon=case.location.lon,
                lat=case.location.lat,
                meet_at=now() + timedelta(minutes=15),
                instructions="20:00 前到达夜市东口集合",
            )
            command = joint(None, convening)
            ack = await acked(console, command)
            op_id = ack.result["operation_id"]  # type: ignore[index]
            assert ack.result == {"operation_id": op_id, "revision": 1}
            # A resent command is answered again, not applied again.
            again = await acked(console, command)
            assert again.seq == ack.seq

            # The dispatcher sees it; the case's history says a joint operation was convened.
            body = await next_joint(console, lambda b: b.operation.id == op_id)
            op = body.operation
            assert body.entry.move == "convene"
            assert op.state is JointState.CONVENED
            assert (op.case_id, op.case_number) == (case.id, case.number)
            assert op.street_code == town.street
            assert [(p.unit_id, p.state) for p in op.participants] == [
                (cg, ParticipantState.NOTIFIED),
                (wg, ParticipantState.NOTIFIED),
            ]

            # The terminals of the units' street receive their orders; others do not.
            order = await next_joint(terminal, lambda b: b.operation.id == op_id)
            assert order.operation.instructions == "20:00 前到达夜市东口集合"
            assert (await next_joint(urban, lambda b: b.operation.id == op_id)).operation == op
            await settled(elsewhere)
            await settled(sanitation)
            for peer in (elsewhere, sanitation):
                assert not [m for m in peer.events() if isinstance(m.body, JointChanged)]
            # A terminal that was away catches up with its order from the events it missed.
            assert console.welcome is not None
            away = await Peer.connect(
                srv.url,
                "term-a",
                PASSWORD,
                kind="terminal",
                client_id="term-a-handheld-2",
                last_seq=console.welcome.last_seq,
            )
            assert (await away.signed_in()).resume == "events"
            await away.synced()
            assert (await next_joint(away, lambda b: b.operation.id == op_id)).operation == op
            await away.close()

            # The terminal answers: acknowledged, en route, arrived.
            for move in (Acknowledge(unit_id=cg), Depart(unit_id=cg), Arrive(unit_id=cg)):
                await acked(terminal, joint(op_id, move))
            active = await next_joint(console, lambda b: b.operation.state is JointState.ACTIVE)
            arrived = active.operation.participant(cg)
            assert arrived is not None
            assert arrived.state is ParticipantState.ARRIVED
            assert None not in (arrived.acknowledged_at, arrived.departed_at, arrived.arrived_at)
            assert active.entry.actor_id == "term-a"
            assert active.entry.terminal.startswith("terminal:")
            statuses = [
                m.body.unit.status
                for m in console.events()
                if isinstance(m.body, UnitChanged) and m.body.unit.unit_id == cg
            ]
            assert statuses == [UnitStatus.EN_ROUTE, UnitStatus.ON_SCENE]

            # One more unit; another replaces the joint-patrol unit that never answered.
            await acked(console, joint(op_id, AddUnit(unit_id=cg2)))
            await acked(
                console, joint(op_id, ReplaceUnit(unit_id=wg, by=wg2, reason="未确认指令，另派"))
            )
            replaced = await next_joint(terminal, lambda b: b.entry.move == "replace_unit")
            assert [p.unit_id for p in replaced.operation.engaged] == [cg, cg2, wg2]

            # Completion with its outcome frees the units and feeds the case's history.
            revision = replaced.operation.revision
            outcome = "联合整治完成：劝离流动摊贩 6 处，暂扣经营工具 2 件"
            done = await acked(console, joint(op_id, Complete(outcome=outcome), revision))
            assert done.result == {"operation_id": op_id, "revision": revision + 1}
            finished = await next_joint(console, lambda b: b.entry.move == "complete")
            assert finished.operation.state is JointState.COMPLETED
            assert finished.operation.outcome == outcome
            assert {p.state for p in finished.operation.participants} == {
                ParticipantState.RELEASED,
                ParticipantState.REPLACED,
            }
            back = await console.wait_for(
                lambda m: (
                    isinstance(m, Event)
                    and isinstance(m.body, UnitChanged)
                    and m.body.unit.unit_id == cg
                    and m.body.unit.status is UnitStatus.PATROL
                )
            )
            assert back is not None
            history = await console.request(QueryHistory(id=new_id(), case_id=case.id))
            assert isinstance(history, HistoryResult)
            notes = [e for e in history.entries if e.move.startswith("joint_")]
            assert [e.move for e in notes] == ["joint_convened", "joint_completed"]
            assert notes[1].note == outcome
            assert notes[1].details["operation"] == op_id
            assert notes[1].to_state is CaseState.DISPATCHED  # the flow itself goes on

            # A console that signs in later finds it in its snapshot; another street's
            # terminal does not.
            late = await connect(srv.url, "supervisor")
            ops = [op for m in late.of_type(SnapshotChunk) for op in m.joint_operations]
            assert [(o.id, o.state) for o in ops] == [(op_id, JointState.COMPLETED)]
            other = await connect(srv.url, "term-b", PASSWORD, kind="terminal")
            assert not [op for m in other.of_type(SnapshotChunk) for op in m.joint_operations]
            for peer in (console, terminal, elsewhere, urban, sanitation, late, other):
                await peer.close()

    asyncio.run(asyncio.wait_for(scenario(), 60))


def test_bad_joint_requests_are_refused_precisely_and_write_nothing(db_url: str) -> None:
    town = prepare(db_url)

    async def scenario() -> None:
        async with running_server(db_url) as srv:
            console = await connect(srv.url, "operator")
            terminal = await connect(srv.url, "term-a", PASSWORD, kind="terminal")
            elsewhere = await connect(srv.url, "term-b", PASSWORD, kind="terminal")
            street_op = await connect(srv.url, "op-b", PASSWORD)
            mine = [u for u in snapshot_units(console) if u.street_code == town.street]
            cg = next(u.unit_id for u in mine if u.department == "CGZF")
            wg = next(u.unit_id for u in mine if u.department == "WGLQ")
            point = (town.cell.centroid_lon, town.cell.centroid_lat)
            base = Convene(
                agencies=("CGZF", "WGLQ"),
                units=(cg, wg),
                commander=cg,
                lon=point[0],
                lat=point[1],
                meet_at=now() + timedelta(minutes=10),
            )

            def convening(**changes: Any) -> JointCommand:
                fields = {f: getattr(base, f) for f in base.__struct_fields__}
                return joint(None, Convene(**{**fields, **changes}))

            error = await refused(console, convening(units=(cg, "U-NOPE")), ErrorCode.UNKNOWN_ID)
            assert error.details == {"kind": "unit", "ident": "U-NOPE"}
            error = await refused(
                console, convening(commander=wg, units=(cg,)), ErrorCode.INVALID_INPUT
            )
            assert error.details["field"] == "agencies[1]"
            error = await refused(terminal, convening(), ErrorCode.NOT_PERMITTED)
            assert "role 'field' may not" in error.message
            error = await refused(street_op, convening(), ErrorCode.NOT_PERMITTED)
            assert f"outside scope {town.other_street}" in error.message
            error = await refused(console, convening(lon=0.0, lat=0.0), ErrorCode.INVALID_INPUT)
            assert "outside every grid cell" in error.message
            # A move on an operation without naming it is refused at the door.
            frame = msgspec.json.encode(
                {
                    "type": "joint_command",
                    "id": "no-op-1",
                    "move": {"move": "acknowledge", "unit_id": cg},
                }
            )
            await console.send_raw(frame.decode())
            error_message = await console.wait_for(
                lambda m: isinstance(m, Error) and m.id == "no-op-1"
            )
            assert isinstance(error_message, Error)
            assert error_message.code is ErrorCode.INVALID_FIELD
            assert error_message.details["field"] == "$.operation_id"

            ack = await acked(console, convening())
            op_id = ack.result["operation_id"]  # type: ignore[index]
            error = await refused(
                console, joint(op_id + 1, Acknowledge(unit_id=cg)), ErrorCode.UNKNOWN_ID
            )
            assert error.details == {"kind": "joint operation", "ident": str(op_id + 1)}
            error = await refused(
                console, joint(op_id, Acknowledge(unit_id=cg)), ErrorCode.NOT_PERMITTED
            )
            assert "role 'operator' may not; allowed: field" in error.message
            error = await refused(
                elsewhere, joint(op_id, Acknowledge(unit_id=cg)), ErrorCode.NOT_PERMITTED
            )
            assert error.details["reason"] == (
                f"street {town.street} is outside scope {town.other_street}"
            )
            error = await refused(
                terminal, joint(op_id, Arrive(unit_id=cg)), ErrorCode.ILLEGAL_MOVE
            )
            assert error.details == {
                "operation": str(op_id),
                "state": "convened",
                "move": "arrive",
                "reason": f"unit {cg} is notified; only a unit en_route can arrive",
            }
            error = await refused(
                console, joint(op_id, Complete(outcome="done")), ErrorCode.ILLEGAL_MOVE
            )
            assert "only once a unit has arrived" in error.message
            error = await refused(
                console, joint(op_id, Complete(outcome="x"), revision=7), ErrorCode.CONFLICT
            )
            assert "joint operation" in error.message
            # A second operation cannot take a unit the first one holds.
            error = await refused(console, convening(), ErrorCode.INVALID_INPUT)
            assert f"already in joint operation {op_id}" in error.message

            # Nothing of the refusals was written: the first real step is revision 2.
            ack = await acked(terminal, joint(op_id, Acknowledge(unit_id=cg)))
            assert ack.result == {"operation_id": op_id, "revision": 2}
            for peer in (console, terminal, elsewhere, street_op):
                await peer.close()

        # After a restart the operation is where it was, and still holds its units.
        async with running_server(db_url) as srv:
            console = await connect(srv.url, "operator")
            ops = [op for m in console.of_type(SnapshotChunk) for op in m.joint_operations]
            assert [(o.id, o.revision) for o in ops] == [(op_id, 2)]
            assert ops[0].participant(cg) is not None
            assert ops[0].participants[0].state is ParticipantState.ACKNOWLEDGED
            error = await refused(console, convening(), ErrorCode.INVALID_INPUT)
            assert f"already in joint operation {op_id}" in error.message
            await console.close()

    asyncio.run(asyncio.wait_for(scenario(), 60))


def test_patrol_areas_are_assigned_and_their_coverage_read_from_the_track(
    db_url: str,
) -> None:
    town = prepare(db_url)
    cells = town.city.cells_of(town.street)[:4]

    async def scenario() -> None:
        config = CoreConfig(track_interval=0.0, track_flush=0.1)
        async with running_server(db_url, config) as srv:
            console = await connect(srv.url, "operator")
            terminal = await connect(srv.url, "term-a", PASSWORD, kind="terminal")
            street_op = await connect(srv.url, "op-b", PASSWORD)
            unit = next(u.unit_id for u in snapshot_units(console) if u.street_code == town.street)
            start = now() - timedelta(minutes=5)
            assign = AssignPatrol(
                unit_id=unit,
                starts_at=start,
                ends_at=start + timedelta(hours=12),
                cells=tuple(c.code for c in cells),
                note="重点：菜场周边",
            )
            ack = await acked(console, PatrolCommand(id=new_id(), move=assign))
            assignment_id = ack.result["assignment_id"]  # type: ignore[index]
            made = await terminal.wait_for(
                lambda m: isinstance(m, Event) and isinstance(m.body, PatrolChanged)
            )
            assert isinstance(made, Event)
            assert isinstance(made.body, PatrolChanged)
            assert made.body.assignment.cells == assign.cells
            error = await refused(
                console, PatrolCommand(id=new_id(), move=assign), ErrorCode.INVALID_INPUT
            )
            assert f"already patrols assignment {assignment_id}" in error.message
            error = await refused(
                street_op, PatrolCommand(id=new_id(), move=assign), ErrorCode.NOT_PERMITTED
            )
            assert f"outside scope {town.other_street}" in error.message

            # The terminal walks through two of the four cells.
            t0 = datetime.now(UTC) - timedelta(seconds=3)  # after the seed's last fixes
            path = [cells[0], cells[0], cells[1]]
            for i, cell in enumerate(path):  # one fix a second, as a handheld reports
                fix = Position(
                    unit_id=unit,
                    at=t0 + timedelta(seconds=i),
                    lon=cell.centroid_lon,
                    lat=cell.centroid_lat,
                )
                await terminal.send(fix)
            await settled(terminal)
            result = await console.request(QueryCoverage(id=new_id(), assignment_id=assignment_id))
            assert isinstance(result, CoverageResult), result
            assert result.unit_id == unit
            assert result.cells == sorted(c.code for c in cells)
            assert result.visited == sorted({cells[0].code, cells[1].code})
            assert result.share == 0.5
            assert result.fixes == 3
            error = await refused(
                street_op,
                QueryCoverage(id=new_id(), assignment_id=assignment_id),
                ErrorCode.NOT_PERMITTED,
            )

            withdraw = CancelPatrol(assignment_id=assignment_id, reason="人员调整")
            await acked(console, PatrolCommand(id=new_id(), move=withdraw))
            late = await connect(srv.url, "operator")
            assert not [a for m in late.of_type(SnapshotChunk) for a in m.patrols]
            for peer in (console, terminal, street_op, late):
                await peer.close()

    asyncio.run(asyncio.wait_for(scenario(), 60))


def test_simulated_units_answer_their_orders_and_walk_to_the_meeting_point(
    db_url: str,
) -> None:
    town = prepare(db_url)

    async def scenario() -> None:
        async with running_server(db_url) as srv:
            console = await connect(srv.url, "operator")
            stop = asyncio.Event()
            config = SimConfig(speed=1200, seed=11, tick=0.5, start=morning(), daily_reports=50)
            simulation = asyncio.create_task(
                run_simulation(srv.url, config, city=town.city, stop=stop)
            )
            try:
                # The day crew is out once its terminals report positions.
                await console.wait_for(lambda m: isinstance(m, PositionFrame), timeout=30)
                await asyncio.sleep(2)  # the simulator tells the server who is off duty
                report = Report(
                    id=new_id(),
                    report=NewReport(
                        source=Source.HOTLINE,
                        category=VENDING,
                        lon=town.cell.centroid_lon,
                        lat=town.cell.centroid_lat,
                        description="占道经营，群众反映强烈",
                    ),
                )
                case_id = (await acked(console, report)).result["case_id"]  # type: ignore[index]
                units = live_units(console)
                picks = recommend_units(
                    [u for u in units.values() if u.street_code == town.street],
                    town.cell.centroid_lon,
                    town.cell.centroid_lat,
                    ["CGZF", "WGLQ"],
                    now(),
                    stale_after=timedelta(hours=1),
                )
                ordered = (picks["CGZF"][0].unit_id, picks["WGLQ"][0].unit_id)
                convening = Convene(
                    case_id=case_id,
                    agencies=("CGZF", "WGLQ"),
                    units=ordered,
                    commander=ordered[0],
                    lon=town.cell.centroid_lon,
                    lat=town.cell.centroid_lat,
                    meet_at=now() + timedelta(minutes=20),
                )
                ack = await acked(console, joint(None, convening))
                op_id = ack.result["operation_id"]  # type: ignore[index]

                everyone_there = await next_joint(
                    console,
                    lambda b: (
                        b.operation.id == op_id
                        and all(
                            p.state is ParticipantState.ARRIVED for p in b.operation.participants
                        )
                    ),
                    timeout=40,
                )
                op = everyone_there.operation
                assert op.state is JointState.ACTIVE
                for p in op.participants:
                    steps = (p.notified_at, p.acknowledged_at, p.departed_at, p.arrived_at)
                    assert None not in steps
                    assert list(steps) == sorted(steps)  # type: ignore[type-var]
                answers = [
                    m.body.entry
                    for m in console.events()
                    if isinstance(m.body, JointChanged) and m.body.entry.unit_id is not None
                ]
                assert {(e.move, e.actor_id) for e in answers} == {
                    (move, "field") for move in ("acknowledge", "depart", "arrive")
                }
                assert all(e.terminal == "simulator:sim-field" for e in answers)
                # Their terminals' positions put them at the meeting point.
                await asyncio.sleep(1.5)
                last = last_positions(console)
                for unit_id in ordered:
                    assert has_arrived(*last[unit_id], op), (unit_id, last[unit_id])

                outcome = "联合整治完成，占道摊点已清理"
                await acked(console, joint(op_id, Complete(outcome=outcome)))
                for unit_id in ordered:
                    await console.wait_for(back_on_patrol(unit_id))
                history = await console.request(QueryHistory(id=new_id(), case_id=case_id))
                assert isinstance(history, HistoryResult)
                completed = [e for e in history.entries if e.move == "joint_completed"]
                assert [e.note for e in completed] == [outcome]
            finally:
                stop.set()
                stats = await asyncio.wait_for(simulation, 20)
            assert stats.joint_moves >= 6
            await console.close()

    asyncio.run(asyncio.wait_for(scenario(), 120))


def back_on_patrol(unit_id: str) -> Callable[[ServerMessage], bool]:
    def matches(m: ServerMessage) -> bool:
        return (
            isinstance(m, Event)
            and isinstance(m.body, UnitChanged)
            and m.body.unit.unit_id == unit_id
            and m.body.unit.status is UnitStatus.PATROL
        )

    return matches


def live_units(console: Peer) -> dict[str, Unit]:
    """The units as the console knows them now: the snapshot, then the unit events."""
    units = {u.unit_id: u for u in snapshot_units(console)}
    for message in console.events():
        if isinstance(message.body, UnitChanged):
            units[message.body.unit.unit_id] = message.body.unit
    return units


def last_positions(console: Peer) -> dict[str, tuple[float, float]]:
    last: dict[str, tuple[float, float]] = {}
    for frame in console.of_type(PositionFrame):
        for unit_id, lon, lat in zip(frame.unit_ids, frame.lons, frame.lats, strict=True):
            last[unit_id] = (lon, lat)
    return last


def morning() -> datetime:
    """Half past nine this morning in Shanghai: the day crew is out."""
    local = datetime.now(SHANGHAI).replace(hour=9, minute=30, second=0, microsecond=0)
    return local.astimezone(UTC)
