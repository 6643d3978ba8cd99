"""Simulated units answering joint-operation orders: after a human delay, on foot or by car
to the meeting point, arrival within 30 m, back on patrol when released."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from backend.simulator.actors import Behaviour
from backend.simulator.field import FieldForce
from backend.simulator.joint import JointResponder
from backend.simulator.plan import build_graph
from models.catalogue import load_catalogue
from models.demo_city import generate_demo_city
from models.geography import CityMap
from models.joint import (
    Complete,
    Convene,
    JointContext,
    JointOperation,
    JointState,
    ParticipantState,
    UnitMove,
    apply_joint,
    convene,
    has_arrived,
)
from models.org import Actor, Role, Unit, UnitStatus
from net.protocol import JointCommand
from tests.unit.test_simulator_plan import make_units

TEN = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai: the day crew is out
DISPATCHER = Actor(user_id="op", role=Role.OPERATOR)
TERMINAL = Actor(user_id="field", role=Role.FIELD)
CATALOGUE = load_catalogue()


@pytest.fixture(scope="module")
def city() -> CityMap:
    return generate_demo_city(target_cells=500)


class Server:
    """Applies the responder's moves as the backend would, one revision after another."""

    def __init__(self, units: list[Unit]) -> None:
        self.units = {u.unit_id: u for u in units}

    def ctx(self, actor: Actor, at: datetime) -> JointContext:
        return JointContext(actor=actor, at=at, catalogue=CATALOGUE, units=self.units)

    def answer(
        self, op: JointOperation, commands: list[JointCommand], at: datetime
    ) -> JointOperation:
        for command in commands:
            op = apply_joint(op, command.move, self.ctx(TERMINAL, at)).operation
        return op


def setting(city: CityMap) -> tuple[FieldForce, Server, list[str], str]:
    """A field force at 10:00, two units on duty in one street and one off duty there."""
    units = make_units(city, per_street=10)
    field = FieldForce(build_graph(city), units, seed=7)
    off = {u for u, s in field.advance(TEN, 1.0) if s is UnitStatus.OFF_DUTY}
    street = next(
        s
        for s in sorted({u.street_code for u in units})
        if sum(u.street_code == s and u.unit_id not in off for u in units) >= 2
        and any(u.street_code == s and u.unit_id in off for u in units)
    )
    on = [u.unit_id for u in units if u.street_code == street and u.unit_id not in off][:2]
    away = next(u.unit_id for u in units if u.street_code == street and u.unit_id in off)
    return field, Server(units), on, away


def convened(city: CityMap, server: Server, unit_ids: list[str]) -> JointOperation:
    units = [server.units[u] for u in unit_ids]
    street = units[0].street_code
    cell = city.cells_of(street)[-1]
    move = Convene(
        agencies=tuple(dict.fromkeys(u.department for u in units)),
        units=tuple(unit_ids),
        commander=unit_ids[0],
        lon=cell.centroid_lon,
        lat=cell.centroid_lat,
        meet_at=TEN + timedelta(minutes=20),
    )
    ctx = server.ctx(DISPATCHER, TEN)
    return convene(move, operation_id=1, street_code=street, ctx=ctx).operation


def state_of(op: JointOperation, unit_id: str) -> ParticipantState:
    p = op.participant(unit_id)
    assert p is not None
    return p.state


def test_units_acknowledge_set_off_arrive_and_patrol_on_when_released(city: CityMap) -> None:
    field, server, on, away = setting(city)
    op = convened(city, server, [*on, away])
    responder = JointResponder(Behaviour(), seed=3)
    responder.observe(op)
    at = TEN
    moves: list[tuple[str, str]] = []
    for _ in range(200):
        at += timedelta(seconds=10)
        assert all(u not in on for u, _ in field.advance(at, 10.0)), "statuses told by moves"
        commands = responder.tick(at, field)
        for command in commands:
            move = command.move
            assert isinstance(move, UnitMove)
            name = str(move.__struct_config__.tag)
            moves.append((name, move.unit_id))
            responder.answered(1, move.unit_id, name)
        op = server.answer(op, commands, at)
        responder.observe(op)
        if all(state_of(op, u) is ParticipantState.ARRIVED for u in on):
            break
    for unit_id in on:
        assert [m for m, u in moves if u == unit_id] == ["acknowledge", "depart", "arrive"]
        p = op.participant(unit_id)
        assert p is not None
        assert p.acknowledged_at is not None
        # A person does not answer in the same instant: at least the shortest delay.
        assert p.acknowledged_at - p.notified_at >= timedelta(seconds=20)
        position = field.position(unit_id)
        assert position is not None
        assert has_arrived(*position, op)
    # Nobody holds the off-duty unit's terminal: its order waits for the reminder.
    assert state_of(op, away) is ParticipantState.NOTIFIED
    assert op.state is JointState.ACTIVE

    done = apply_joint(op, Complete(outcome="完成"), server.ctx(DISPATCHER, at)).operation
    responder.observe(done)
    assert responder.tick(at, field) == []
    assert responder.operations == {}
    before = field.position(on[0])
    for _ in range(10):
        at += timedelta(seconds=60)
        changes = dict(field.advance(at, 60.0))
        assert on[0] not in changes or changes[on[0]] is not UnitStatus.EN_ROUTE
    assert field.position(on[0]) != before  # patrolling again


def test_the_same_seed_answers_at_the_same_moments(city: CityMap) -> None:
    field, server, on, _ = setting(city)
    op = convened(city, server, on)

    def first_answer(seed: int) -> datetime:
        responder = JointResponder(Behaviour(), seed=seed)
        responder.observe(op)
        at = TEN
        while not responder.tick(at, field):
            at += timedelta(seconds=1)
        return at

    assert first_answer(3) == first_answer(3)
    assert TEN + timedelta(seconds=20) <= first_answer(3) <= TEN + timedelta(seconds=120)
