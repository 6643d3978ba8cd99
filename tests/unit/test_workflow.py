"""The case state machine, tested from its own table.

Every (move, state) pair is generated from ``MOVES``: a legal move succeeds and records
history; an illegal one raises the named error and leaves the case as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from msgspec.structs import replace

from models.case import Case, CaseState, ClosingType, Location, OrderState, Source
from models.catalogue import DeadlineRule, TimeUnit, Urgency, load_catalogue
from models.deadlines import default_policy
from models.errors import IllegalMove, InvalidInput, NotPermitted, UnknownId
from models.org import DISTRICT_SCOPE, Actor, Role
from models.workflow import (
    MOVES,
    Accept,
    AssignVerification,
    Close,
    DecideExtension,
    DepartmentAccept,
    DepartmentReturn,
    DispatchComprehensive,
    DispatchSingle,
    EscalateToLeader,
    Feedback,
    File,
    Merge,
    Move,
    NewReport,
    RequestExtension,
    Resume,
    Suspend,
    Transition,
    Urge,
    VerifyFail,
    VerifyPass,
    Void,
    WorkflowContext,
    allowed_moves,
    apply,
    check_deadline,
    merge_into,
    next_deadline_check,
    open_case,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY_9AM = datetime(2026, 11, 30, 9, 0, tzinfo=SHANGHAI).astimezone(UTC)
STREET = "310115005"
OTHER_STREET = "310115007"
CATEGORY = "E0102"  # exposed garbage (暴露垃圾)

CATALOGUE = load_catalogue()
POLICY = default_policy()
DEPARTMENT = CATALOGUE.category(CATEGORY).department

SAMPLE_MOVES: dict[type[Move], Move] = {
    Accept: Accept(),
    Void: Void(reason="重复上报"),
    File: File(),
    DispatchSingle: DispatchSingle(),
    DispatchComprehensive: DispatchComprehensive(),
    EscalateToLeader: EscalateToLeader(reason="涉及多个部门，职责不清"),
    DepartmentAccept: DepartmentAccept(),
    DepartmentReturn: DepartmentReturn(reason="非本部门职责"),
    RequestExtension: RequestExtension(
        amount=DeadlineRule(1, TimeUnit.WORK_DAYS), reason="需调机械"
    ),
    DecideExtension: DecideExtension(approve=True),
    Feedback: Feedback(result="已清理", photos=("p1",)),
    AssignVerification: AssignVerification(verifier="field-1"),
    VerifyPass: VerifyPass(),
    VerifyFail: VerifyFail(reason="现场仍有垃圾"),
    Close: Close(closing_type=ClosingType.SPECIAL, reason="历史遗留，挂账处理"),
    Suspend: Suspend(reason="等待产权认定"),
    Resume: Resume(),
    Urge: Urge(level=2, message="请加快处置"),
    Merge: Merge(into_case=999),
}


def actor(role: Role, *, scope: str = DISTRICT_SCOPE, department: str | None = None) -> Actor:
    if role is Role.DEPARTMENT and department is None:
        department = DEPARTMENT
    return Actor(
        user_id=f"{role.value}-1", role=role, scope=scope, department=department, terminal="test"
    )


def ctx(role: Role, at: datetime = MONDAY_9AM, **kwargs: str) -> WorkflowContext:
    return WorkflowContext(actor=actor(role, **kwargs), at=at, policy=POLICY, catalogue=CATALOGUE)


def reported(
    at: datetime = MONDAY_9AM, street: str = STREET, urgency: Urgency = Urgency.NORMAL
) -> Transition:
    report = NewReport(
        source=Source.PATROL,
        category=CATEGORY,
        urgency=urgency,
        lon=121.5,
        lat=31.23,
        address="浦东大道100号",
        description="路边垃圾堆积",
    )
    location = Location(lon=121.5, lat=31.23, street_code=street, address="浦东大道100号")
    return open_case(
        report, case_id=1, number="PD20261130-0001", location=location, ctx=ctx(Role.FIELD, at)
    )


def new_case(
    at: datetime = MONDAY_9AM, street: str = STREET, urgency: Urgency = Urgency.NORMAL
) -> Case:
    return reported(at, street, urgency).case


def step(case: Case, move: Move, role: Role, minutes: float = 10) -> Case:
    """Apply ``move`` some minutes after the case's last change."""
    assert case.updated_at is not None
    return apply(case, move, ctx(role, case.updated_at + timedelta(minutes=minutes))).case


PATHS: dict[CaseState, Callable[[], Case]] = {}


def _path(state: CaseState) -> Callable[[Callable[[], Case]], Callable[[], Case]]:
    def register(build: Callable[[], Case]) -> Callable[[], Case]:
        PATHS[state] = build
        return build

    return register


@_path(CaseState.AWAITING_ACCEPTANCE)
def _awaiting_acceptance() -> Case:
    return new_case()


@_path(CaseState.AWAITING_FILING)
def _awaiting_filing() -> Case:
    return step(new_case(), Accept(), Role.OPERATOR)


@_path(CaseState.AWAITING_DISPATCH)
def _awaiting_dispatch() -> Case:
    return step(_awaiting_filing(), File(), Role.OPERATOR)


@_path(CaseState.LEADER_COORDINATION)
def _leader() -> Case:
    return step(_awaiting_dispatch(), EscalateToLeader(reason="职责不清"), Role.OPERATOR)


@_path(CaseState.DISPATCHED)
def _dispatched() -> Case:
    return step(_awaiting_dispatch(), DispatchSingle(), Role.OPERATOR)


@_path(CaseState.IN_PROGRESS)
def _in_progress() -> Case:
    return step(_dispatched(), DepartmentAccept(), Role.DEPARTMENT)


@_path(CaseState.AWAITING_VERIFICATION)
def _awaiting_verification() -> Case:
    return step(_in_progress(), Feedback(result="已清理"), Role.DEPARTMENT, minutes=60)


@_path(CaseState.SUSPENDED)
def _suspended() -> Case:
    return step(_in_progress(), Suspend(reason="等待产权认定"), Role.SUPERVISOR)


@_path(CaseState.CLOSED)
def _closed() -> Case:
    return step(_awaiting_verification(), VerifyPass(), Role.FIELD)


@_path(CaseState.VOIDED)
def _voided() -> Case:
    return step(new_case(), Void(reason="无效信息"), Role.OPERATOR)


@_path(CaseState.MERGED)
def _merged() -> Case:
    return step(new_case(), Merge(into_case=7), Role.OPERATOR)


def _with_pending_extension() -> Case:
    return step(_in_progress(), SAMPLE_MOVES[RequestExtension], Role.DEPARTMENT)


def case_in(state: CaseState, move_type: type[Move]) -> Case:
    """A case in ``state`` that satisfies the move's other conditions where it can."""
    if move_type is DecideExtension and state is CaseState.IN_PROGRESS:
        return _with_pending_extension()
    return PATHS[state]()


def test_every_state_has_a_path() -> None:
    assert set(PATHS) == set(CaseState)
    for state, build in PATHS.items():
        assert build().state is state


PAIRS = [(spec.move_type, state) for spec in MOVES.values() for state in CaseState]


@pytest.mark.parametrize(
    ("move_type", "state"), PAIRS, ids=lambda v: getattr(v, "__name__", str(v))
)
def test_move_from_state(move_type: type[Move], state: CaseState) -> None:
    spec = MOVES[move_type]
    case = case_in(state, move_type)
    before = replace(case)
    role = sorted(spec.roles)[0]
    assert case.updated_at is not None
    context = ctx(role, case.updated_at + timedelta(minutes=5))
    if state in spec.states:
        transition = apply(case, SAMPLE_MOVES[move_type], context)
        assert transition.case.revision == case.revision + 1
        assert transition.entry.move == spec.name
        assert transition.entry.from_state is state
        assert transition.entry.to_state is transition.case.state
        assert transition.entry.actor_id == context.actor.user_id
        assert transition.entry.actor_role == role.value
        assert transition.entry.terminal == "test"
        assert transition.entry.at == context.at
        assert transition.before == before
    else:
        with pytest.raises(IllegalMove) as raised:
            apply(case, SAMPLE_MOVES[move_type], context)
        assert type(raised.value) is IllegalMove
        assert raised.value.case == case.number
        assert raised.value.state == state.value
        assert raised.value.move == spec.name
        assert case.number in str(raised.value)
        assert state.value in str(raised.value)
    assert case == before


ROLE_PAIRS = [
    (spec.move_type, role) for spec in MOVES.values() for role in Role if role not in spec.roles
]


@pytest.mark.parametrize(
    ("move_type", "role"), ROLE_PAIRS, ids=lambda v: getattr(v, "__name__", str(v))
)
def test_roles_outside_the_matrix_are_refused(move_type: type[Move], role: Role) -> None:
    spec = MOVES[move_type]
    state = sorted(spec.states)[0]
    case = case_in(state, move_type)
    assert case.updated_at is not None
    with pytest.raises(NotPermitted, match=f"role '{role.value}' may not"):
        apply(case, SAMPLE_MOVES[move_type], ctx(role, case.updated_at + timedelta(minutes=5)))


def test_permission_matrix_is_what_the_centre_expects() -> None:
    matrix = {spec.name: {r.value for r in spec.roles} for spec in MOVES.values()}
    assert matrix["accept"] == {"operator", "supervisor"}
    assert matrix["dispatch_single"] == {"operator", "supervisor", "leader"}
    assert matrix["department_accept"] == {"department"}
    assert matrix["feedback"] == {"department"}
    assert matrix["verify_pass"] == {"field", "supervisor"}
    assert matrix["decide_extension"] == {"supervisor", "leader"}
    assert matrix["close"] == {"supervisor", "leader"}
    assert all("admin" not in roles for roles in matrix.values())


def test_street_scope_limits_the_centre() -> None:
    case = _awaiting_filing()
    at = MONDAY_9AM + timedelta(hours=1)
    with pytest.raises(NotPermitted, match="outside scope 310115007"):
        apply(case, File(), ctx(Role.OPERATOR, at, scope=OTHER_STREET))
    assert (
        apply(case, File(), ctx(Role.OPERATOR, at, scope=STREET)).case.state
        is CaseState.AWAITING_DISPATCH
    )
    assert allowed_moves(case, actor(Role.OPERATOR, scope=OTHER_STREET)) == []
    assert "file" in allowed_moves(case, actor(Role.OPERATOR, scope=STREET))


def test_a_department_acts_only_on_its_own_orders() -> None:
    case = _dispatched()
    at = MONDAY_9AM + timedelta(hours=1)
    with pytest.raises(NotPermitted, match=f"addressed to department {DEPARTMENT}"):
        apply(case, DepartmentAccept(), ctx(Role.DEPARTMENT, at, department="GA"))
    assert allowed_moves(case, actor(Role.DEPARTMENT)) == ["department_accept", "department_return"]


def test_operator_cannot_dispatch_under_leader_coordination() -> None:
    case = _leader()
    at = MONDAY_9AM + timedelta(hours=1)
    with pytest.raises(NotPermitted, match="leader or supervisor"):
        apply(case, DispatchSingle(), ctx(Role.OPERATOR, at))
    dispatched = apply(case, DispatchSingle(), ctx(Role.LEADER, at)).case
    assert dispatched.orders[-1].level.value == "leader"


def test_only_the_assigned_verifier_verifies() -> None:
    case = step(_awaiting_verification(), AssignVerification(verifier="field-7"), Role.OPERATOR)
    assert case.updated_at is not None
    with pytest.raises(NotPermitted, match="assigned to field-7"):
        apply(case, VerifyPass(), ctx(Role.FIELD, case.updated_at))


def test_the_whole_loop_records_every_step() -> None:
    t0 = MONDAY_9AM
    transitions: list[Transition] = []
    report = NewReport(
        source=Source.HOTLINE,
        category=CATEGORY,
        lon=121.5,
        lat=31.23,
        description="小区门口垃圾没人清",
        reporter_name="王先生",
        reporter_phone="13800000000",
    )
    location = Location(lon=121.5, lat=31.23, street_code=STREET)
    first = open_case(
        report, case_id=5, number="PD-5", location=location, ctx=ctx(Role.OPERATOR, t0)
    )
    assert first.case.reporter.kind == "citizen"
    assert first.case.step_deadline == t0 + timedelta(minutes=10)  # acceptance allowance
    transitions.append(first)
    moves: list[tuple[Move, Role, int]] = [
        (Accept(), Role.OPERATOR, 3),
        (File(), Role.OPERATOR, 5),
        (DispatchSingle(), Role.OPERATOR, 5),
        (DepartmentAccept(), Role.DEPARTMENT, 20),
        (Feedback(result="已清运", photos=("ph-1",)), Role.DEPARTMENT, 90),
        (AssignVerification(verifier="field-1"), Role.OPERATOR, 2),
        (VerifyPass(note="现场整洁"), Role.FIELD, 25),
    ]
    case = first.case
    at = t0
    for move, role, minutes in moves:
        at += timedelta(minutes=minutes)
        transition = apply(case, move, ctx(role, at))
        transitions.append(transition)
        case = transition.case
    assert case.state is CaseState.CLOSED
    assert case.closing_type is ClosingType.NORMAL
    assert case.closed_at == at
    assert case.revision == len(transitions)
    assert [t.entry.move for t in transitions] == [
        "report",
        "accept",
        "file",
        "dispatch_single",
        "department_accept",
        "feedback",
        "assign_verification",
        "verify_pass",
    ]
    assert [t.entry.revision for t in transitions] == list(range(1, len(transitions) + 1))
    assert case.orders[0].state is OrderState.DONE
    assert case.orders[0].department == DEPARTMENT
    assert case.orders[0].photos == ("ph-1",)


def test_handling_deadline_comes_from_catalogue_and_urgency() -> None:
    case = _dispatched()
    order = case.orders[0]
    rule = CATALOGUE.category(CATEGORY).deadline(Urgency.NORMAL)
    assert order.deadline == POLICY.handling_deadline(order.issued_at, rule)
    assert order.working is rule.unit.is_working_time
    assert case.step_deadline == order.deadline


def test_late_feedback_closes_as_overdue() -> None:
    case = _in_progress()
    late = case.orders[-1].deadline + timedelta(minutes=1)
    case = apply(case, Feedback(result="已清理"), ctx(Role.DEPARTMENT, late)).case
    case = apply(case, VerifyPass(), ctx(Role.FIELD, late + timedelta(minutes=20))).case
    assert case.closing_type is ClosingType.OVERDUE


def test_return_goes_back_for_dispatch_and_redispatch_makes_a_new_order() -> None:
    case = step(_dispatched(), DepartmentReturn(reason="非本部门职责"), Role.DEPARTMENT)
    assert case.state is CaseState.AWAITING_DISPATCH
    assert case.return_count == 1
    assert case.orders[0].state is OrderState.RETURNED
    assert case.active_order is None
    case = step(case, DispatchSingle(department="CGZF"), Role.OPERATOR)
    assert [o.no for o in case.orders] == [1, 2]
    assert case.orders[1].department == "CGZF"


def test_failed_verification_sends_rework_to_the_same_department() -> None:
    case = step(_awaiting_verification(), VerifyFail(reason="仍有垃圾"), Role.FIELD)
    assert case.state is CaseState.IN_PROGRESS
    assert case.rework_count == 1
    assert case.orders[0].state is OrderState.CANCELLED
    rework = case.orders[1]
    assert rework.rework
    assert rework.department == case.orders[0].department
    assert rework.state is OrderState.ACCEPTED


def test_approved_extension_moves_the_deadline_denied_one_does_not() -> None:
    pending = _with_pending_extension()
    old = pending.orders[-1].deadline
    approved = step(pending, DecideExtension(approve=True), Role.SUPERVISOR)
    assert approved.orders[-1].deadline == POLICY.extended(old, DeadlineRule(1, TimeUnit.WORK_DAYS))
    assert approved.orders[-1].deadline > old
    assert approved.step_deadline == approved.orders[-1].deadline
    assert approved.orders[-1].extensions_granted == 1
    denied = step(pending, DecideExtension(approve=False), Role.SUPERVISOR)
    assert denied.orders[-1].deadline == old
    assert denied.orders[-1].extension is None
    with pytest.raises(IllegalMove, match="no extension request is pending"):
        step(denied, DecideExtension(approve=True), Role.SUPERVISOR)


def test_second_extension_request_while_one_is_pending_is_refused() -> None:
    with pytest.raises(IllegalMove, match="already pending"):
        step(_with_pending_extension(), SAMPLE_MOVES[RequestExtension], Role.DEPARTMENT)


def test_suspension_keeps_the_remaining_time() -> None:
    case = _in_progress()
    order = case.orders[-1]
    suspended = step(case, Suspend(reason="等待产权认定"), Role.SUPERVISOR)
    assert suspended.step_deadline is None
    resumed_at = suspended.updated_at + timedelta(days=3)  # type: ignore[operator]
    resumed = apply(suspended, Resume(), ctx(Role.SUPERVISOR, resumed_at)).case
    assert resumed.state is CaseState.IN_PROGRESS
    expected = POLICY.resumed(order.deadline, order.working, suspended.suspended_at, resumed_at)  # type: ignore[arg-type]
    assert resumed.orders[-1].deadline == expected
    assert resumed.orders[-1].deadline > order.deadline


def test_urge_raises_supervision_without_changing_state() -> None:
    case = step(_in_progress(), Urge(level=2, message="请加快"), Role.LEADER)
    case = step(case, Urge(level=1, message="再催"), Role.OPERATOR)
    assert case.state is CaseState.IN_PROGRESS
    assert case.urge_level == 2
    assert case.urge_count == 2
    assert case.supervised


def test_merge_counts_the_duplicate_on_the_target() -> None:
    target = _in_progress()
    duplicate = new_case()
    at = MONDAY_9AM + timedelta(hours=2)
    merged = apply(duplicate, Merge(into_case=target.id + 1), ctx(Role.OPERATOR, at)).case
    assert merged.state is CaseState.MERGED
    counted = merge_into(target, merged, ctx(Role.OPERATOR, at))
    assert counted.case.duplicate_count == 1
    assert counted.case.merged_from == (duplicate.id,)
    assert counted.case.revision == target.revision + 1
    assert counted.entry.move == "merged_duplicate"
    with pytest.raises(IllegalMove, match="finished case"):
        merge_into(_closed(), merged, ctx(Role.OPERATOR, at))


def test_comprehensive_dispatch_goes_to_the_joint_office() -> None:
    case = step(
        _awaiting_dispatch(), DispatchComprehensive(departments=("GA", "CGZF")), Role.OPERATOR
    )
    assert case.joint
    assert case.orders[-1].department == CATALOGUE.joint_office.code
    assert case.orders[-1].level.value == "comprehensive"


@pytest.mark.parametrize(
    ("state", "move", "field"),
    [
        (CaseState.AWAITING_ACCEPTANCE, Void(reason="  "), "reason"),
        (CaseState.AWAITING_DISPATCH, EscalateToLeader(reason=""), "reason"),
        (CaseState.IN_PROGRESS, Urge(level=5, message="快"), "level"),
        (CaseState.IN_PROGRESS, Urge(level=1, message=""), "message"),
        (CaseState.IN_PROGRESS, Feedback(result=""), "result"),
        (
            CaseState.AWAITING_DISPATCH,
            DispatchSingle(deadline=MONDAY_9AM - timedelta(days=1)),
            "deadline",
        ),
        (CaseState.AWAITING_VERIFICATION, VerifyFail(reason=""), "reason"),
        (CaseState.IN_PROGRESS, Close(closing_type=ClosingType.NORMAL, reason="x"), "closing_type"),
        (CaseState.AWAITING_ACCEPTANCE, Void(reason="长" * 2001), "reason"),
    ],
)
def test_bad_fields_name_the_field(state: CaseState, move: Move, field: str) -> None:
    case = case_in(state, type(move))
    role = sorted(MOVES[type(move)].roles)[-1]
    if type(move) in (Feedback,):
        role = Role.DEPARTMENT
    assert case.updated_at is not None
    with pytest.raises(InvalidInput) as raised:
        apply(case, move, ctx(role, case.updated_at + timedelta(minutes=1)))
    assert raised.value.field == field


def test_unknown_department_is_named() -> None:
    with pytest.raises(UnknownId, match="NOPE"):
        step(_awaiting_dispatch(), DispatchSingle(department="NOPE"), Role.OPERATOR)


def test_reports_need_a_reporting_role_and_a_known_category() -> None:
    report = NewReport(source=Source.PATROL, category="E9999", lon=121.5, lat=31.2, description="x")
    location = Location(lon=121.5, lat=31.2, street_code=STREET)
    with pytest.raises(UnknownId, match="E9999"):
        open_case(report, case_id=1, number="N", location=location, ctx=ctx(Role.FIELD))
    with pytest.raises(NotPermitted, match="may not report"):
        open_case(
            replace(report, category=CATEGORY),
            case_id=1,
            number="N",
            location=location,
            ctx=ctx(Role.DEPARTMENT),
        )


def test_clock_warns_then_flags_overdue_once_each() -> None:
    case = _dispatched()
    assert case.step_started_at is not None
    assert case.step_deadline is not None
    warn_at = POLICY.warning_at(case.step_started_at, case.step_deadline, case.step_working)
    assert check_deadline(case, warn_at - timedelta(seconds=1), POLICY) is None
    warned = check_deadline(case, warn_at, POLICY)
    assert warned is not None
    assert warned.entry.move == "deadline_warning"
    assert warned.case.warned
    assert not warned.case.overdue
    assert check_deadline(warned.case, warn_at + timedelta(seconds=1), POLICY) is None
    overdue = check_deadline(warned.case, case.step_deadline, POLICY)
    assert overdue is not None
    assert overdue.entry.move == "deadline_overdue"
    assert overdue.case.overdue
    assert overdue.case.ever_overdue
    assert next_deadline_check(overdue.case, POLICY) is None
    # The next step starts a fresh clock; the case remembers it was once overdue.
    accepted = apply(
        overdue.case, DepartmentAccept(), ctx(Role.DEPARTMENT, case.step_deadline)
    ).case
    assert not accepted.overdue
    assert accepted.ever_overdue


def test_a_deadline_missed_while_the_server_was_down_is_raised_at_once() -> None:
    case = _awaiting_filing()
    assert case.step_deadline is not None
    late = check_deadline(case, case.step_deadline + timedelta(hours=5), POLICY)
    assert late is not None
    assert late.entry.move == "deadline_overdue"
    assert late.case.warned


def test_no_clock_runs_on_finished_or_suspended_cases() -> None:
    for state in (CaseState.CLOSED, CaseState.VOIDED, CaseState.MERGED, CaseState.SUSPENDED):
        case = PATHS[state]()
        assert next_deadline_check(case, POLICY) is None
        assert check_deadline(case, MONDAY_9AM + timedelta(days=400), POLICY) is None
