"""The desk's case actions as plain logic: what is enabled, the catalogue's defaults, the
moves they make, the suggested verifier, duplicates nearby, and the palette's verbs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import msgspec
import pytest

from console.case_actions import (
    ActionInput,
    CaseAction,
    actor_for,
    build_move,
    closing_choices,
    default_deadline,
    default_department,
    default_input,
    enabled_actions,
    find_cases,
    find_departments,
    joint_departments,
    merge_pair,
    merge_plan,
    missing_field,
    nearby_cases,
    propose,
    split_legal,
    suggest_verifiers,
    verbs_matching,
)
from console.store import UnitPositions
from models.case import (
    Case,
    CaseState,
    ClosingType,
    DispatchLevel,
    ExtensionRequest,
    Location,
    Order,
    OrderState,
)
from models.catalogue import Catalogue, DeadlineRule, TimeUnit, Urgency, load_catalogue
from models.deadlines import default_policy
from models.errors import InvalidInput
from models.org import Actor, Role, UnitStatus, User
from models.workflow import (
    MAX_URGE_LEVEL,
    AssignVerification,
    Close,
    DispatchComprehensive,
    DispatchSingle,
    File,
    Merge,
    Urge,
    VerifyPass,
)
from tests.unit.client_factories import STREETS, T0, make_case, make_unit

A = CaseAction


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


def actor(role: Role, *, scope: str = "310115", department: str | None = None) -> Actor:
    return actor_for(
        User(user_id=role.value, name=role.value, role=role, scope=scope, department=department)
    )


OPERATOR = actor(Role.OPERATOR)
SUPERVISOR = actor(Role.SUPERVISOR)
LEADER = actor(Role.LEADER)
FIELD = actor(Role.FIELD)
DEPARTMENT = actor(Role.DEPARTMENT, department="HW")

ORDER = Order(
    no=1,
    department="HW",
    level=DispatchLevel.SINGLE,
    issued_at=T0,
    issued_by="operator",
    deadline=T0 + timedelta(hours=4),
    working=True,
)
EXTENSION = ExtensionRequest(
    rule=DeadlineRule(2, TimeUnit.WORK_HOURS),
    reason="需要调机械",
    requested_at=T0,
    requested_by="hw1",
)


def in_state(state: CaseState, **changes: object) -> Case:
    return msgspec.structs.replace(make_case(1), state=state, **changes)


CASES = {
    "awaiting acceptance": in_state(CaseState.AWAITING_ACCEPTANCE),
    "awaiting filing": in_state(CaseState.AWAITING_FILING),
    "awaiting dispatch": in_state(CaseState.AWAITING_DISPATCH),
    "leader coordination": in_state(CaseState.LEADER_COORDINATION),
    "dispatched": in_state(CaseState.DISPATCHED, orders=(ORDER,)),
    "extension asked": in_state(
        CaseState.IN_PROGRESS,
        orders=(msgspec.structs.replace(ORDER, state=OrderState.ACCEPTED, extension=EXTENSION),),
    ),
    "awaiting verification": in_state(
        CaseState.AWAITING_VERIFICATION,
        orders=(msgspec.structs.replace(ORDER, state=OrderState.HANDLED, handled_at=T0),),
    ),
    "suspended": in_state(CaseState.SUSPENDED, suspended_from=CaseState.AWAITING_DISPATCH),
    "closed": in_state(CaseState.CLOSED, closing_type=ClosingType.NORMAL),
}

EXPECTED = {
    # state: (operator, supervisor, leader)
    "awaiting acceptance": (
        {A.ACCEPT, A.VOID, A.MERGE},
        {A.ACCEPT, A.VOID, A.MERGE},
        set(),
    ),
    "awaiting filing": ({A.FILE, A.VOID, A.MERGE}, {A.FILE, A.VOID, A.MERGE}, set()),
    "awaiting dispatch": (
        {A.DISPATCH, A.DISPATCH_COMPREHENSIVE, A.ESCALATE},
        {A.DISPATCH, A.DISPATCH_COMPREHENSIVE, A.ESCALATE, A.SUSPEND, A.CLOSE},
        {A.DISPATCH, A.DISPATCH_COMPREHENSIVE, A.SUSPEND, A.CLOSE},
    ),
    # An operator may not dispatch what the leaders coordinate.
    "leader coordination": (
        set(),
        {A.DISPATCH, A.DISPATCH_COMPREHENSIVE, A.SUSPEND, A.CLOSE},
        {A.DISPATCH, A.DISPATCH_COMPREHENSIVE, A.SUSPEND, A.CLOSE},
    ),
    "dispatched": (
        {A.URGE, A.ESCALATE},
        {A.URGE, A.ESCALATE, A.SUSPEND, A.CLOSE},
        {A.URGE, A.SUSPEND, A.CLOSE},
    ),
    "extension asked": (
        {A.URGE, A.ESCALATE},
        {A.APPROVE_EXTENSION, A.DENY_EXTENSION, A.URGE, A.ESCALATE, A.SUSPEND, A.CLOSE},
        {A.APPROVE_EXTENSION, A.DENY_EXTENSION, A.URGE, A.SUSPEND, A.CLOSE},
    ),
    "awaiting verification": (
        {A.ASSIGN_VERIFICATION, A.URGE},
        {A.ASSIGN_VERIFICATION, A.URGE, A.CLOSE, A.REWORK},
        {A.URGE, A.CLOSE},
    ),
    "suspended": (set(), {A.RESUME, A.CLOSE}, {A.RESUME, A.CLOSE}),
    "closed": (set(), set(), set()),
}


@pytest.mark.parametrize("state", list(CASES))
def test_enabled_actions_follow_the_workflow_for_each_state_and_role(state: str) -> None:
    case = CASES[state]
    operator, supervisor, leader = EXPECTED[state]
    assert enabled_actions(case, OPERATOR) == operator
    assert enabled_actions(case, SUPERVISOR) == supervisor
    assert enabled_actions(case, LEADER) == leader
    # Departments and field staff work from their terminals: no desk action but a
    # verifier's verdict.
    assert enabled_actions(case, DEPARTMENT) == set()
    field = {A.CLOSE, A.REWORK} if state == "awaiting verification" else set()
    assert enabled_actions(case, FIELD) == field


def test_a_case_outside_the_users_scope_enables_nothing() -> None:
    street_user = actor(Role.SUPERVISOR, scope=STREETS[1])
    for case in CASES.values():
        assert enabled_actions(case, street_user) == set()
    own = msgspec.structs.replace(
        CASES["awaiting acceptance"],
        location=Location(lon=121.5, lat=31.23, street_code=STREETS[1]),
    )
    assert A.ACCEPT in enabled_actions(own, street_user)


def test_a_multi_selection_splits_into_legal_and_skipped_cases() -> None:
    a = make_case(1, state=CaseState.AWAITING_ACCEPTANCE)
    b = make_case(2, state=CaseState.AWAITING_FILING)
    c = make_case(3, state=CaseState.AWAITING_ACCEPTANCE)
    legal, skipped = split_legal(A.ACCEPT, [a, b, c], OPERATOR)
    assert [x.id for x in legal] == [1, 3]
    assert [x.id for x in skipped] == [2]


def test_dispatch_defaults_come_from_the_category_and_urgency(catalogue: Catalogue) -> None:
    garbage = make_case(1, category="E0102", state=CaseState.AWAITING_DISPATCH)
    assert default_department(garbage, catalogue).code == "HW"
    policy = default_policy()
    # Exposed garbage: 4 working hours from Monday 09:00 in Shanghai, the lunch hour not
    # counted: 14:00.
    due = default_deadline(garbage, catalogue, policy, T0)
    assert due == datetime(2026, 11, 30, 6, 0, tzinfo=UTC)
    urgent = msgspec.structs.replace(garbage, urgency=Urgency.URGENT)
    rule = catalogue.category("E0102").deadline(Urgency.URGENT)
    assert default_deadline(urgent, catalogue, policy, T0) == policy.handling_deadline(T0, rule)
    assert default_deadline(urgent, catalogue, policy, T0) < due
    # Road collapse convenes the traffic police with the roads department.
    collapse = make_case(2, category="E0401")
    assert joint_departments(collapse, catalogue) == ("JJ",)
    # The form leaves department and deadline to the catalogue, so the server applies the
    # category's rule in working time; typed values replace them.
    data = default_input(A.DISPATCH, garbage, OPERATOR)
    assert build_move(A.DISPATCH, garbage, data) == DispatchSingle()
    typed = ActionInput(department="CGZF", deadline=T0 + timedelta(hours=2), instructions="快")
    assert build_move(A.DISPATCH, garbage, typed) == DispatchSingle(
        department="CGZF", deadline=T0 + timedelta(hours=2), instructions="快"
    )
    joint = build_move(A.DISPATCH_COMPREHENSIVE, collapse, ActionInput(departments=("JJ", "GA")))
    assert joint == DispatchComprehensive(departments=("JJ", "GA"))


def test_other_defaults_urge_level_and_closing(catalogue: Catalogue) -> None:
    dispatched = CASES["dispatched"]
    assert default_input(A.URGE, dispatched, OPERATOR).level == 1
    urged = msgspec.structs.replace(dispatched, urge_level=MAX_URGE_LEVEL, urge_count=5)
    assert default_input(A.URGE, urged, OPERATOR).level == MAX_URGE_LEVEL
    verified = CASES["awaiting verification"]
    assert closing_choices(verified, SUPERVISOR) == [
        None,
        ClosingType.ERRONEOUS,
        ClosingType.SPECIAL,
    ]
    assert closing_choices(verified, LEADER) == [ClosingType.ERRONEOUS, ClosingType.SPECIAL]
    assert closing_choices(verified, OPERATOR) == []
    assert default_input(A.CLOSE, verified, SUPERVISOR).closing_type is None
    assert default_input(A.CLOSE, verified, LEADER).closing_type is ClosingType.ERRONEOUS
    assert default_input(A.ASSIGN_VERIFICATION, verified, OPERATOR, verifier="U00042") == (
        ActionInput(verifier="U00042")
    )


def test_moves_built_from_forms_and_missing_fields_named() -> None:
    case = CASES["awaiting filing"]
    assert build_move(A.FILE, case, ActionInput()) == File()
    assert build_move(A.FILE, case, ActionInput(category="E0102", urgency=Urgency.NORMAL)) == File()
    assert build_move(A.FILE, case, ActionInput(urgency=Urgency.URGENT)) == File(
        urgency=Urgency.URGENT
    )
    assert missing_field(A.VOID, ActionInput()) == "reason"
    with pytest.raises(InvalidInput) as refused:
        build_move(A.VOID, case, ActionInput(reason="   "))
    assert refused.value.field == "reason"
    assert missing_field(A.URGE, ActionInput()) == "message"
    assert build_move(A.URGE, CASES["dispatched"], ActionInput(message="请尽快", level=2)) == Urge(
        level=2, message="请尽快"
    )
    with pytest.raises(InvalidInput, match="level"):
        build_move(A.URGE, case, ActionInput(message="x", level=MAX_URGE_LEVEL + 1))
    verified = CASES["awaiting verification"]
    assert build_move(A.CLOSE, verified, ActionInput(note="ok")) == VerifyPass(note="ok")
    assert missing_field(A.CLOSE, ActionInput(closing_type=ClosingType.SPECIAL)) == "reason"
    assert build_move(
        A.CLOSE, verified, ActionInput(closing_type=ClosingType.SPECIAL, reason="拆迁")
    ) == Close(closing_type=ClosingType.SPECIAL, reason="拆迁")
    with pytest.raises(InvalidInput, match="closing_type"):
        build_move(A.CLOSE, verified, ActionInput(closing_type=ClosingType.NORMAL, reason="x"))
    assert missing_field(A.ASSIGN_VERIFICATION, ActionInput()) == "verifier"
    assert build_move(A.ASSIGN_VERIFICATION, verified, ActionInput(verifier=" U1 ")) == (
        AssignVerification(verifier="U1")
    )
    assert missing_field(A.MERGE, ActionInput()) == "into_case"
    assert build_move(A.MERGE, case, ActionInput(into_case=7)) == Merge(into_case=7)


def test_the_nearest_available_grid_supervisor_of_the_street_is_suggested() -> None:
    case = make_case(1, location=Location(lon=121.5, lat=31.23, street_code=STREETS[0]))
    now = T0 + timedelta(minutes=1)
    units = {
        u.unit_id: u
        for u in (
            make_unit("U01", lon=121.503, lat=31.23),  # ~285 m
            make_unit("U02", lon=121.501, lat=31.23),  # ~95 m: nearest
            make_unit("U03", lon=121.5001, lat=31.23, status=UnitStatus.BUSY),
            make_unit("U04", lon=121.5001, lat=31.23, last_fix_at=T0 - timedelta(hours=1)),
            make_unit("U05", lon=121.5001, lat=31.23, street_code=STREETS[1]),
            make_unit("U06", lon=121.5001, lat=31.23, department="CGZF"),
        )
    }
    positions = UnitPositions()
    positions.reset(units.values())
    found = suggest_verifiers(case, units, positions, now)
    assert [s.unit.unit_id for s in found] == ["U02", "U01"]
    assert 90 < found[0].distance_m < 100
    # Live positions count, not the snapshot's: U01 walked right up to the case.
    positions.lon[positions.row_of("U01")] = 121.5
    assert suggest_verifiers(case, units, positions, now)[0].unit.unit_id == "U01"
    assert suggest_verifiers(case, units, positions, now + timedelta(hours=1)) == []


def test_nearby_cases_of_the_same_category_and_how_they_merge() -> None:
    here = make_case(1, state=CaseState.AWAITING_DISPATCH, reported_at=T0)
    near = make_case(
        2,
        location=Location(lon=121.501, lat=31.23, street_code=STREETS[0]),
        reported_at=T0 + timedelta(hours=1),
    )
    other_category = make_case(3, category="C0101", reported_at=T0)
    far = make_case(4, location=Location(lon=121.52, lat=31.23), reported_at=T0)
    old = make_case(5, reported_at=T0 - timedelta(days=10))
    voided = make_case(6, state=CaseState.VOIDED, reported_at=T0)
    same_place = make_case(7, reported_at=T0 - timedelta(hours=1))
    cases = [here, near, other_category, far, old, voided, same_place]
    found = nearby_cases(here, cases, T0 + timedelta(hours=2))
    assert [(n.case.id, round(n.distance_m)) for n in found] == [(7, 0), (2, 95)]
    # The duplicate still unfiled goes into the case already being worked.
    assert merge_pair(here, near, OPERATOR) == (near, here)
    # Both unfiled: the newer report goes into the older one.
    assert merge_pair(near, same_place, OPERATOR) == (near, same_place)
    assert merge_pair(here, near, LEADER) is None
    target, duplicates = merge_plan([near, here, same_place], OPERATOR) or (None, [])
    assert target is here
    assert [c.id for c in duplicates] == [2, 7]
    assert merge_plan([here], OPERATOR) is None


def test_cases_and_departments_found_as_typed(catalogue: Catalogue) -> None:
    cases = {i: make_case(i) for i in (1, 2, 42)}
    cases[43] = make_case(43, number="PD20261201-0042")
    cases[50] = make_case(50, number="PD20261130-0099")
    cases[51] = make_case(51, number="PD20261201-0099")
    assert [c.id for c in find_cases("42", cases)] == [42, 43]  # the id, then numbers ending so
    assert [c.id for c in find_cases("PD20261201-0042", cases)] == [43]
    assert [c.id for c in find_cases("pd20261130-0042", cases)] == [42]
    assert [c.id for c in find_cases("99", cases)] == [51, 50]  # no such id: newest first
    assert find_cases("nothing", cases) == []
    assert [d.code for d in find_departments("cgzf", catalogue)] == ["CGZF"]
    assert [d.code for d in find_departments("城管", catalogue)] == ["CGZF"]
    assert "LQLD" not in [d.code for d in find_departments("joint", catalogue)]
    assert [v.action for v in verbs_matching("d")] == [A.DISPATCH, A.DENY_EXTENSION]
    assert [v.action for v in verbs_matching("派遣")] == [A.DISPATCH]


def test_verbs_typed_in_the_palette(catalogue: Catalogue) -> None:
    cases = {
        1: make_case(1, state=CaseState.AWAITING_ACCEPTANCE),
        2: make_case(2, state=CaseState.AWAITING_DISPATCH),
        3: make_case(3, state=CaseState.DISPATCHED, orders=(ORDER,)),
        4: make_case(4, state=CaseState.AWAITING_ACCEPTANCE),
    }

    def read(text: str, selection: frozenset[int] = frozenset(), who: Actor = OPERATOR) -> list:
        return [
            (p.action, [c.id for c in p.cases], p.data, p.missing)
            for p in propose(
                text,
                cases=cases,
                selection=selection,
                actor=who,
                catalogue=catalogue,
                verifier_for=lambda c: "U00042",
            )
        ]

    assert read("dispatch 2 CGZF extra words") == [
        (A.DISPATCH, [2], ActionInput(department="CGZF", instructions="extra words"), None)
    ]
    assert read("dispatch 2") == [(A.DISPATCH, [2], ActionInput(), None)]
    assert read("派遣 2 城管") == read("dispatch 2 CGZF")
    assert read("dispatch 2 nosuchdepartment") == []
    assert read("dispatch 1") == [], "an illegal move is not proposed"
    assert read("accept 1") == [(A.ACCEPT, [1], ActionInput(), None)]
    assert read("受理 1 已核实") == [(A.ACCEPT, [1], ActionInput(note="已核实"), None)]
    # Without a case: the selection (the legal part of it), else the newest legal cases.
    assert read("acc", frozenset({1, 2, 4})) == [(A.ACCEPT, [1, 4], ActionInput(), None)]
    assert [r[1] for r in read("accept")] == [[4], [1]]
    assert read("urge 3") == [(A.URGE, [3], ActionInput(level=1), "message")]
    assert read("urge 3 请 尽快") == [(A.URGE, [3], ActionInput(level=1, message="请 尽快"), None)]
    assert read("merge 4 into 1") == [(A.MERGE, [4], ActionInput(into_case=1), None)]
    assert read("merge 4 into 4") == []
    assert read("joint 2 JJ GA") == [
        (A.DISPATCH_COMPREHENSIVE, [2], ActionInput(departments=("JJ", "GA")), None)
    ]
    assert read("close 3 special 重复立案", who=SUPERVISOR) == [
        (A.CLOSE, [3], ActionInput(closing_type=ClosingType.SPECIAL, reason="重复立案"), None)
    ]
    assert read("close 3") == [], "operators do not close"
    verified = msgspec.structs.replace(cases[3], state=CaseState.AWAITING_VERIFICATION)
    cases[3] = verified
    assert read("verify 3") == [(A.ASSIGN_VERIFICATION, [3], ActionInput(verifier="U00042"), None)]
    assert read("verify 3 field") == [
        (A.ASSIGN_VERIFICATION, [3], ActionInput(verifier="field"), None)
    ]
    assert read("file") == []
    assert read("") == []
    assert propose("accept 1", cases=cases, selection=(), actor=None, catalogue=catalogue) == []
