"""Joint operations: the state machine, who may move it, the recommendation and reminders."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

import pytest
from msgspec.structs import replace

from models.case import Case, CaseState, Location, Reporter, Source
from models.catalogue import Urgency, load_catalogue
from models.errors import IllegalMove, InvalidInput, NotPermitted, UnknownId
from models.geo import LocalProjection
from models.joint import (
    DEFAULT_ACK_LIMIT,
    Acknowledge,
    AddUnit,
    Arrive,
    Cancel,
    Complete,
    Convene,
    Depart,
    IllegalJointMove,
    JointContext,
    JointMove,
    JointNotPermitted,
    JointOperation,
    JointState,
    JointTransition,
    Participant,
    ParticipantState,
    Recommendation,
    Release,
    ReplaceUnit,
    allowed_joint_moves,
    apply_joint,
    convene,
    engaged_units,
    has_arrived,
    next_unit_move,
    overdue_acknowledgements,
    recommend_units,
    response_template,
)
from models.org import Actor, Role, Unit, UnitKind, UnitStatus

CATALOGUE = load_catalogue()
T0 = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
STREET = "310115005"
OTHER = "310115007"
POINT = (121.5071, 31.2386)
PROJ = LocalProjection(*POINT)

DISPATCHER = Actor(user_id="op1", role=Role.OPERATOR, terminal="console-1")
STREET_DISPATCHER = Actor(user_id="op2", role=Role.OPERATOR, scope=OTHER)
TERMINAL = Actor(user_id="t1", role=Role.FIELD, scope=STREET, terminal="handheld-1")
OTHER_TERMINAL = Actor(user_id="t2", role=Role.FIELD, scope=OTHER)
DEPARTMENT = Actor(user_id="cg1", role=Role.DEPARTMENT, department="CGZF")


def unit(
    unit_id: str,
    department: str,
    east_m: float,
    *,
    kind: UnitKind = UnitKind.PERSON,
    status: UnitStatus = UnitStatus.PATROL,
    fix_age: timedelta = timedelta(seconds=10),
    street: str = STREET,
    north_m: float = 0.0,
) -> Unit:
    """A unit ``east_m`` metres east of the meeting point, last heard ``fix_age`` ago."""
    lon, lat = PROJ.inverse(east_m, north_m)
    return Unit(
        unit_id=unit_id,
        callsign=f"{department}-{unit_id}",
        kind=kind,
        department=department,
        team_id=f"T-{department}",
        street_code=street,
        status=status,
        status_since=T0 - timedelta(hours=1),
        lon=lon,
        lat=lat,
        last_fix_at=T0 - fix_age,
    )


UNITS = {
    u.unit_id: u
    for u in (
        unit("CG1", "CGZF", 100),
        unit("CG2", "CGZF", 300),
        unit("GA1", "GA", 200),
        unit("GA2", "GA", 400, street=OTHER),
        unit("GA3", "GA", 500),
        unit("HW1", "HW", 50),
        unit("OFF", "CGZF", 20, status=UnitStatus.OFF_DUTY),
    )
}


def ctx(
    actor: Actor = DISPATCHER, at: datetime = T0, engaged: Mapping[str, int] | None = None
) -> JointContext:
    return JointContext(actor=actor, at=at, catalogue=CATALOGUE, units=UNITS, engaged=engaged or {})


def convene_move(**changes: object) -> Convene:
    move = Convene(
        agencies=("CGZF", "GA"),
        units=("CG1", "GA1"),
        commander="CG1",
        lon=POINT[0],
        lat=POINT[1],
        meet_at=T0 + timedelta(minutes=15),
        instructions="联合整治群租",
    )
    return replace(move, **changes)


def new_op(**changes: object) -> JointOperation:
    return convene(convene_move(**changes), operation_id=7, street_code=STREET, ctx=ctx()).operation


def step(
    op: JointOperation, move: JointMove, actor: Actor = TERMINAL, minutes: float = 1
) -> JointTransition:
    return apply_joint(op, move, ctx(actor, T0 + timedelta(minutes=minutes)))


def part(op: JointOperation, unit_id: str) -> Participant:
    p = op.participant(unit_id)
    assert p is not None, unit_id
    return p


def arrived_op() -> JointOperation:
    op = new_op()
    for minutes, move in enumerate((Acknowledge, Depart, Arrive), start=1):
        op = step(op, move(unit_id="CG1"), minutes=minutes).operation
    return op


# --- convening ---------------------------------------------------------------------------


def test_convening_orders_every_unit_and_names_the_commander() -> None:
    t = convene(convene_move(), operation_id=7, street_code=STREET, ctx=ctx())
    op = t.operation
    assert op.state is JointState.CONVENED
    assert op.revision == 1
    assert op.commander == "CG1"
    assert [(p.unit_id, p.state, p.notified_at) for p in op.participants] == [
        ("CG1", ParticipantState.NOTIFIED, T0),
        ("GA1", ParticipantState.NOTIFIED, T0),
    ]
    assert op.participants[1].callsign == "GA-GA1"
    assert op.instructions == "联合整治群租"
    assert t.entry.move == "convene"
    assert t.entry.from_state is None
    assert t.entry.details["units"] == ["CG1", "GA1"]
    assert t.unit_statuses == {}  # nobody has left the patrol yet


def test_convening_from_a_case_records_it() -> None:
    case = Case(
        id=41,
        number="PD20261130-0041",
        source=Source.HOTLINE,
        category="E0102",
        urgency=Urgency.NORMAL,
        location=Location(lon=POINT[0], lat=POINT[1], street_code=STREET),
        description="群租",
        reporter=Reporter(kind="citizen"),
        reported_at=T0,
        state=CaseState.IN_PROGRESS,
    )
    move = convene_move(case_id=41)
    op = convene(move, operation_id=1, street_code=STREET, ctx=ctx(), case=case).operation
    assert (op.case_id, op.case_number) == (41, "PD20261130-0041")
    closed = replace(case, state=CaseState.CLOSED)
    with pytest.raises(IllegalMove, match="finished case"):
        convene(move, operation_id=1, street_code=STREET, ctx=ctx(), case=closed)


@pytest.mark.parametrize(
    ("changes", "error", "match"),
    [
        ({"units": ("CG1", "NOPE")}, UnknownId, "unknown unit: 'NOPE'"),
        ({"agencies": ("CGZF", "XX")}, UnknownId, "unknown department: 'XX'"),
        ({"units": ("CG1", "HW1")}, InvalidInput, r"units\[1\].*HW, not one of the agencies"),
        ({"units": ("CG1", "CG2")}, InvalidInput, r"agencies\[1\].*no unit of GA"),
        ({"units": ("CG1", "GA1", "CG1")}, InvalidInput, r"units\[2\].*named twice"),
        ({"units": ()}, InvalidInput, "at least one unit"),
        ({"agencies": ()}, InvalidInput, "at least one agency"),
        ({"agencies": ("CGZF", "GA", "FGB")}, InvalidInput, "FGB.*no field forces"),
        ({"units": ("OFF", "GA1"), "commander": "OFF"}, InvalidInput, "OFF.*off duty"),
        ({"commander": "GA3"}, InvalidInput, "'commander'.*not one of the units"),
        ({"meet_at": T0 - timedelta(hours=1)}, InvalidInput, "'meet_at'.*in the past"),
        ({"meet_at": datetime(2026, 11, 30, 9, 15)}, InvalidInput, "time zone"),
        ({"lat": 91.0}, InvalidInput, "'lat'"),
        ({"instructions": "x" * 2001}, InvalidInput, "'instructions'.*longer"),
    ],
)
def test_bad_convening_is_refused_by_name(
    changes: dict[str, object], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        convene(convene_move(**changes), operation_id=7, street_code=STREET, ctx=ctx())


def test_a_unit_in_another_open_operation_cannot_be_ordered() -> None:
    busy = ctx(engaged={"GA1": 3})
    with pytest.raises(InvalidInput, match=r"GA1.*already in joint operation 3"):
        convene(convene_move(), operation_id=7, street_code=STREET, ctx=busy)


@pytest.mark.parametrize(
    ("actor", "match"),
    [
        (TERMINAL, "role 'field' may not"),
        (DEPARTMENT, "role 'department' may not"),
        (STREET_DISPATCHER, f"street {STREET} is outside scope {OTHER}"),
    ],
)
def test_only_the_centre_of_the_street_convenes(actor: Actor, match: str) -> None:
    with pytest.raises(JointNotPermitted, match=match) as raised:
        convene(convene_move(), operation_id=7, street_code=STREET, ctx=ctx(actor))
    assert raised.value.code == "not_permitted"
    assert isinstance(raised.value, NotPermitted)


# --- a unit's steps ------------------------------------------------------------------------


def test_a_unit_goes_from_notified_to_arrived_and_the_operation_becomes_active() -> None:
    op = new_op()
    t1 = step(op, Acknowledge(unit_id="CG1"), minutes=1)
    assert part(t1.operation, "CG1").state is ParticipantState.ACKNOWLEDGED
    assert part(t1.operation, "CG1").acknowledged_at == T0 + timedelta(minutes=1)
    assert t1.unit_statuses == {}
    assert t1.entry.unit_id == "CG1"
    t2 = step(t1.operation, Depart(unit_id="CG1"), minutes=2)
    assert t2.unit_statuses == {"CG1": UnitStatus.EN_ROUTE}
    assert t2.operation.state is JointState.CONVENED
    t3 = step(t2.operation, Arrive(unit_id="CG1"), minutes=3)
    op3 = t3.operation
    assert t3.unit_statuses == {"CG1": UnitStatus.ON_SCENE}
    assert op3.state is JointState.ACTIVE
    assert op3.activated_at == T0 + timedelta(minutes=3)
    assert op3.revision == 4
    p = part(op3, "CG1")
    assert (p.notified_at, p.acknowledged_at, p.departed_at, p.arrived_at) == (
        T0,
        T0 + timedelta(minutes=1),
        T0 + timedelta(minutes=2),
        T0 + timedelta(minutes=3),
    )
    assert t3.entry.from_state is JointState.CONVENED
    assert t3.entry.to_state is JointState.ACTIVE


UNIT_MOVES = {"acknowledge": Acknowledge, "depart": Depart, "arrive": Arrive}
ORDER = ["notified", "acknowledged", "en_route", "arrived"]
LEGAL = {("notified", "acknowledge"), ("acknowledged", "depart"), ("en_route", "arrive")}


def op_with_ga1_at(state: str) -> JointOperation:
    op = arrived_op()  # CG1 arrived: the operation is active
    for move in (Acknowledge, Depart, Arrive)[: ORDER.index(state)]:
        op = step(op, move(unit_id="GA1")).operation
    return op


@pytest.mark.parametrize("state", ORDER)
@pytest.mark.parametrize("move", list(UNIT_MOVES))
def test_each_unit_step_is_allowed_from_exactly_one_state(state: str, move: str) -> None:
    op = op_with_ga1_at(state)
    assert part(op, "GA1").state.value == state
    command = UNIT_MOVES[move](unit_id="GA1")
    if (state, move) in LEGAL:
        assert step(op, command).operation.revision == op.revision + 1
        assert next_unit_move(op, "GA1") is UNIT_MOVES[move]
    else:
        with pytest.raises(IllegalJointMove, match=f"unit GA1 is {state}") as raised:
            step(op, command)
        assert raised.value.details["operation"] == "7"
        assert raised.value.details["move"] == move


def test_a_terminal_moves_only_units_of_its_scope_and_the_centre_none() -> None:
    op = new_op()
    with pytest.raises(JointNotPermitted, match=f"street {STREET} is outside scope {OTHER}"):
        step(op, Acknowledge(unit_id="CG1"), actor=OTHER_TERMINAL)
    with pytest.raises(JointNotPermitted, match="role 'operator' may not; allowed: field"):
        step(op, Acknowledge(unit_id="CG1"), actor=DISPATCHER)
    with pytest.raises(IllegalJointMove, match="unit GA3 is not in it"):
        step(op, Acknowledge(unit_id="GA3"))


# --- the centre's moves --------------------------------------------------------------------


def test_completion_releases_everyone_and_only_departed_units_go_back_to_patrol() -> None:
    op = arrived_op()
    op = step(op, Acknowledge(unit_id="GA1")).operation
    t = step(op, Complete(outcome="群租已清退，已立案处罚"), actor=DISPATCHER, minutes=30)
    done = t.operation
    assert done.state is JointState.COMPLETED
    assert done.outcome == "群租已清退，已立案处罚"
    assert done.finished_at == T0 + timedelta(minutes=30)
    assert {p.state for p in done.participants} == {ParticipantState.RELEASED}
    assert t.unit_statuses == {"CG1": UnitStatus.PATROL}
    assert t.entry.note == "群租已清退，已立案处罚"
    assert t.entry.details == {"released": ["CG1", "GA1"]}
    with pytest.raises(IllegalJointMove, match="in state 'completed': cannot acknowledge"):
        step(done, Acknowledge(unit_id="GA1"))
    with pytest.raises(IllegalJointMove, match="the operation is over"):
        step(done, Cancel(reason="x"), actor=DISPATCHER)


def test_completion_needs_an_arrival_and_an_outcome() -> None:
    with pytest.raises(IllegalJointMove, match="only once a unit has arrived"):
        step(new_op(), Complete(outcome="done"), actor=DISPATCHER)
    with pytest.raises(InvalidInput, match="'outcome': is required"):
        step(arrived_op(), Complete(outcome="  "), actor=DISPATCHER)


def test_cancelling_before_anyone_arrived_releases_everyone() -> None:
    op = new_op()
    op = step(op, Acknowledge(unit_id="GA1")).operation
    op = step(op, Depart(unit_id="GA1")).operation
    t = step(op, Cancel(reason="当事人已自行整改"), actor=DISPATCHER)
    assert t.operation.state is JointState.CANCELLED
    assert t.operation.cancel_reason == "当事人已自行整改"
    assert t.unit_statuses == {"GA1": UnitStatus.PATROL}


def test_adding_a_unit_notifies_it() -> None:
    t = step(new_op(), AddUnit(unit_id="GA3"), actor=DISPATCHER, minutes=5)
    p = part(t.operation, "GA3")
    assert p.state is ParticipantState.NOTIFIED
    assert p.notified_at == T0 + timedelta(minutes=5)
    with pytest.raises(IllegalJointMove, match="GA3 was already ordered"):
        step(t.operation, AddUnit(unit_id="GA3"), actor=DISPATCHER)
    with pytest.raises(InvalidInput, match="HW, not one of the agencies"):
        step(new_op(), AddUnit(unit_id="HW1"), actor=DISPATCHER)
    with pytest.raises(UnknownId, match="unknown unit"):
        step(new_op(), AddUnit(unit_id="NOPE"), actor=DISPATCHER)


def test_replacing_the_commander_hands_over_command_and_frees_the_old_unit() -> None:
    op = arrived_op()  # CG1, the commander, is on scene
    t = step(op, ReplaceUnit(unit_id="CG1", by="CG2", reason="另有紧急任务"), actor=DISPATCHER)
    new = t.operation
    old = part(new, "CG1")
    assert old.state is ParticipantState.REPLACED
    assert old.replaced_by == "CG2"
    assert part(new, "CG2").state is ParticipantState.NOTIFIED
    assert new.commander == "CG2"
    assert t.unit_statuses == {"CG1": UnitStatus.PATROL}
    assert [p.unit_id for p in new.engaged] == ["GA1", "CG2"]
    with pytest.raises(IllegalJointMove, match="CG1 is replaced"):
        step(new, Release(unit_id="CG1"), actor=DISPATCHER)
    with pytest.raises(InvalidInput, match="'reason': is required"):
        step(op, ReplaceUnit(unit_id="GA1", by="GA3", reason=""), actor=DISPATCHER)


def test_the_commander_is_not_released_alone_but_others_are() -> None:
    op = arrived_op()
    with pytest.raises(IllegalJointMove, match="CG1 is the commander"):
        step(op, Release(unit_id="CG1"), actor=DISPATCHER)
    t = step(op, Release(unit_id="GA1", note="警力回撤"), actor=DISPATCHER)
    assert part(t.operation, "GA1").state is ParticipantState.RELEASED
    assert t.unit_statuses == {}  # GA1 never left its patrol
    with pytest.raises(JointNotPermitted, match="role 'field'"):
        step(op, Release(unit_id="GA1"), actor=TERMINAL)


def test_allowed_moves_follow_role_state_and_scope() -> None:
    op = new_op()
    assert allowed_joint_moves(op, DISPATCHER) == [
        "add_unit",
        "replace_unit",
        "release",
        "cancel",
    ]
    assert "complete" in allowed_joint_moves(arrived_op(), DISPATCHER)
    assert allowed_joint_moves(op, STREET_DISPATCHER) == []
    assert allowed_joint_moves(op, TERMINAL) == []


def test_engaged_units_are_those_of_open_operations() -> None:
    op = new_op()
    done = replace(op, id=8, state=JointState.COMPLETED)
    assert engaged_units([op, done]) == {"CG1": 7, "GA1": 7}


# --- reminders ---------------------------------------------------------------------------


def test_units_that_do_not_acknowledge_in_time_are_reminded() -> None:
    op = new_op()
    op = step(op, AddUnit(unit_id="GA3"), actor=DISPATCHER, minutes=2).operation
    op = step(op, Acknowledge(unit_id="CG1"), minutes=2).operation
    assert overdue_acknowledgements(op, T0 + DEFAULT_ACK_LIMIT - timedelta(seconds=1)) == ()
    late = overdue_acknowledgements(op, T0 + DEFAULT_ACK_LIMIT)
    assert [p.unit_id for p in late] == ["GA1"]
    late = overdue_acknowledgements(op, T0 + timedelta(minutes=10), timedelta(minutes=5))
    assert [p.unit_id for p in late] == ["GA1", "GA3"]  # oldest order first
    cancelled = step(op, Cancel(reason="x"), actor=DISPATCHER).operation
    assert overdue_acknowledgements(cancelled, T0 + timedelta(hours=1)) == ()


def test_arrival_is_within_thirty_metres() -> None:
    op = new_op()
    assert has_arrived(*PROJ.inverse(20, 20), op)
    assert not has_arrived(*PROJ.inverse(35, 0), op)


# --- recommendation ------------------------------------------------------------------------


def rec_ids(result: dict[str, list[Recommendation]]) -> dict[str, list[str]]:
    return {k: [r.unit_id for r in v] for k, v in result.items()}


def test_the_nearest_available_units_of_each_agency_come_first() -> None:
    units = [
        unit("C-far", "CGZF", 900),
        unit("C-near", "CGZF", 100),
        unit("C-mid", "CGZF", 400, north_m=100),
        unit("C-busy", "CGZF", 10, status=UnitStatus.BUSY),
        unit("C-break", "CGZF", 10, status=UnitStatus.BREAK),
        unit("C-stale", "CGZF", 5, fix_age=timedelta(minutes=6)),
        replace(unit("C-nofix", "CGZF", 5), lon=None, lat=None, last_fix_at=None),
        unit("G-1", "GA", 300),
        unit("H-1", "HW", 1),  # not an agency asked for
    ]
    result = recommend_units(units, *POINT, ["CGZF", "GA", "XF"], T0)
    assert rec_ids(result) == {"CGZF": ["C-near", "C-mid", "C-far"], "GA": ["G-1"], "XF": []}
    near = result["CGZF"][0]
    assert near.distance_m == pytest.approx(100, rel=0.01)
    assert near.eta_s == pytest.approx(100 * 1.3 / 1.4, rel=0.01)
    assert near.last_fix_at == T0 - timedelta(seconds=10)
    # A longer stale limit lets the stale unit back in; the limit is the caller's.
    wider = recommend_units(units, *POINT, ["CGZF"], T0, stale_after=timedelta(minutes=10))
    assert rec_ids(wider)["CGZF"][0] == "C-stale"
    assert rec_ids(recommend_units(units, *POINT, ["CGZF"], T0, per_agency=2)) == {
        "CGZF": ["C-near", "C-mid"]
    }
    assert (
        rec_ids(recommend_units(units, *POINT, ["CGZF"], T0, exclude={"C-near"}))["CGZF"][0]
        == "C-mid"
    )


def test_eta_ranks_a_farther_vehicle_before_a_nearer_walker_and_distance_does_not() -> None:
    units = [
        unit("walker", "GA", 300),
        unit("car", "GA", 1000, kind=UnitKind.VEHICLE),
    ]
    assert rec_ids(recommend_units(units, *POINT, ["GA"], T0))["GA"] == ["car", "walker"]
    by_distance = recommend_units(units, *POINT, ["GA"], T0, rank_by="distance")
    assert rec_ids(by_distance)["GA"] == ["walker", "car"]


def test_ties_go_to_the_fresher_position_then_to_the_unit_id() -> None:
    units = [
        unit("B-old", "GA", 200, fix_age=timedelta(seconds=90)),
        unit("A-old", "GA", 200, fix_age=timedelta(seconds=90)),
        unit("C-fresh", "GA", 200.3, fix_age=timedelta(seconds=5)),  # same metre, fresher
        unit("D-north", "GA", 0, north_m=200),  # same distance another way, same age
    ]
    ranked = rec_ids(recommend_units(units, *POINT, ["GA"], T0))["GA"]
    assert ranked == ["C-fresh", "D-north", "A-old", "B-old"]
    # Input order never matters.
    assert rec_ids(recommend_units(units[::-1], *POINT, ["GA"], T0))["GA"] == ranked


def test_recommendation_refuses_bad_arguments() -> None:
    with pytest.raises(InvalidInput, match="'per_agency'"):
        recommend_units([], *POINT, ["GA"], T0, per_agency=0)
    with pytest.raises(InvalidInput, match="'lon'"):
        recommend_units([], float("nan"), 31.0, ["GA"], T0)


def test_the_response_template_names_agencies_with_field_forces() -> None:
    assert response_template(CATALOGUE, "E0403") == ("XF", "GA")  # gas leak
    assert response_template(CATALOGUE, "E0501") == ("CGZF",)  # street vending
    assert response_template(CATALOGUE, "E0401") == ("JJ",)  # road collapse: JSJT has none
