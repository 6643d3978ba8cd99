"""The joint-operation and patrol services on SQLite and PostgreSQL: one transaction per
move with its numbered events and audit rows, and nothing written when a move is refused."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from backend.demo import seed_demo
from backend.services.cases import CaseService
from backend.services.joint import JointService
from backend.services.patrols import PatrolService
from backend.services.positions import PositionService
from backend.services.records import PositionFix
from backend.services.units import UnitService
from backend.store.database import Database
from backend.store.migrate import upgrade
from backend.store.orm import (
    AuditRow,
    EventRow,
    JointOperationRow,
    JointParticipantRow,
    PatrolAssignmentRow,
    UnitRow,
)
from backend.store.reference import load_city
from models.catalogue import load_catalogue
from models.cell_index import CellIndex
from models.deadlines import default_policy
from models.errors import IllegalMove
from models.geography import CityMap
from models.joint import Acknowledge, Arrive, Complete, Convene, Depart, JointOperation
from models.org import Actor, Role, Unit, UnitStatus
from models.patrol import AssignPatrol
from tests.integration.support import OPERATOR, StepClock, fast_hasher_for_tests, new_report

TERMINAL = Actor(user_id="t1", role=Role.FIELD, terminal="handheld-1")


@dataclass
class World:
    db: Database
    city: CityMap
    units: list[Unit]
    cases: CaseService
    joint: JointService
    patrols: PatrolService
    positions: PositionService
    clock: StepClock


@pytest.fixture
def world(db_url: str) -> Iterator[World]:
    db = Database.open(db_url)
    upgrade(db)
    catalogue = load_catalogue()
    clock = StepClock()
    seed_demo(
        db, catalogue, units=300, target_cells=500, clock=clock, hasher=fast_hasher_for_tests()
    )
    city = load_city(db)
    assert city is not None
    index = CellIndex(city.cells)
    policy = default_policy()
    positions = PositionService(db)
    yield World(
        db=db,
        city=city,
        units=UnitService(db).load()[0],
        cases=CaseService(db, catalogue, policy, city, index, clock=clock),
        joint=JointService(db, catalogue, policy, city, index, clock=clock),
        patrols=PatrolService(db, city, index, positions, clock=clock),
        positions=positions,
        clock=clock,
    )
    db.close()


def rows(db: Database) -> dict[str, int]:
    with db.session() as session:
        return {
            t.__tablename__: session.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (EventRow, AuditRow, JointOperationRow, JointParticipantRow)
        }


def convene_for(world: World) -> tuple[JointOperation, list[str], int]:
    """A joint operation convened for a fresh case, by the district's operator."""
    street = next(
        s
        for s in sorted({u.street_code for u in world.units})
        if {"CGZF", "WGLQ"} <= {u.department for u in world.units if u.street_code == s}
    )
    ids = [
        next(u.unit_id for u in world.units if u.street_code == street and u.department == d)
        for d in ("CGZF", "WGLQ")
    ]
    cell = world.city.cells_of(street)[0]
    case_id = world.cases.report(new_report(cell), OPERATOR).case_id
    assert case_id is not None
    move = Convene(
        case_id=case_id,
        agencies=("CGZF", "WGLQ"),
        units=tuple(ids),
        commander=ids[0],
        lon=cell.centroid_lon,
        lat=cell.centroid_lat,
        meet_at=world.clock.start + timedelta(minutes=20),
    )
    event = world.joint.move(None, move, OPERATOR)
    op = world.joint.get(event.payload["operation"]["id"])
    return op, ids, case_id


def test_each_move_is_one_transaction_with_its_events_in_order(world: World) -> None:
    op, (cg, wg), case_id = convene_for(world)
    with world.db.session() as session:
        kinds = session.execute(select(EventRow.kind).order_by(EventRow.seq)).scalars().all()
        states = dict(
            session.execute(select(JointParticipantRow.unit_id, JointParticipantRow.state)).all()
        )
    # The case's note first, the operation's event last (the command's answer).
    assert kinds[-2:] == ["case.joint_convened", "joint.convene"]
    assert states == {cg: "notified", wg: "notified"}

    for move in (Acknowledge(unit_id=cg), Depart(unit_id=cg)):
        world.joint.move(op.id, move, TERMINAL)
    before = rows(world.db)
    event = world.joint.move(op.id, Arrive(unit_id=cg), TERMINAL)
    after = rows(world.db)
    # One unit event and the operation's event, each with its audit row.
    assert after["events"] - before["events"] == 2
    assert after["audit"] - before["audit"] == 2
    assert event.kind == "joint.arrive"
    with world.db.session() as session:
        status = session.execute(select(UnitRow.status).where(UnitRow.unit_id == cg)).scalar()
        unit_event = session.execute(select(EventRow.kind).where(EventRow.seq == event.seq - 1))
        assert unit_event.scalar() == "unit.status"
    assert status == UnitStatus.ON_SCENE.value

    done = world.joint.move(op.id, Complete(outcome="已整治"), OPERATOR, expected_revision=4)
    final = world.joint.get(op.id)
    assert final.state.value == "completed"
    assert done.payload["operation"]["revision"] == 5
    history = world.cases.history(case_id)
    assert [e.move for e in history][-1] == "joint_completed"
    assert history[-1].note == "已整治"
    with world.db.session() as session:
        status = session.execute(select(UnitRow.status).where(UnitRow.unit_id == cg)).scalar()
        engaged = session.execute(
            select(func.count())
            .select_from(JointParticipantRow)
            .where(JointParticipantRow.state != "released")
        ).scalar_one()
        audit = session.execute(
            select(AuditRow.action, AuditRow.target).where(AuditRow.event_seq == done.seq)
        ).one()
    assert status == UnitStatus.PATROL.value
    assert engaged == 0
    assert tuple(audit) == ("joint_complete", f"joint operation {op.id}")


def test_a_refused_move_writes_nothing(world: World) -> None:
    op, (cg, _), _ = convene_for(world)
    before = rows(world.db)
    with pytest.raises(IllegalMove, match="only a unit en_route can arrive"):
        world.joint.move(op.id, Arrive(unit_id=cg), TERMINAL)
    assert rows(world.db) == before
    assert world.joint.get(op.id) == op


def test_patrol_coverage_comes_from_the_recorded_track(world: World) -> None:
    unit = next(u for u in world.units if len(world.city.cells_of(u.street_code)) >= 2)
    cells = world.city.cells_of(unit.street_code)[:2]
    start = world.clock.start
    event = world.patrols.move(
        AssignPatrol(
            unit_id=unit.unit_id,
            starts_at=start,
            ends_at=start + timedelta(hours=12),
            cells=tuple(c.code for c in cells),
        ),
        OPERATOR,
    )
    assignment_id = event.payload["assignment"]["id"]
    world.positions.record_positions(
        [
            PositionFix(
                unit_id=unit.unit_id,
                at=start + timedelta(seconds=1),
                lon=cells[0].centroid_lon,
                lat=cells[0].centroid_lat,
            )
        ]
    )
    report = world.patrols.coverage(assignment_id, OPERATOR)
    assert report.coverage.visited == {cells[0].code}
    assert report.coverage.share == 0.5
    assert report.fixes == 1
    with world.db.session() as session:
        stored = session.execute(select(func.count()).select_from(PatrolAssignmentRow))
        assert stored.scalar_one() == 1
