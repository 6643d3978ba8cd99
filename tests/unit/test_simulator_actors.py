"""The simulated people's decisions, played through the real workflow."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from msgspec.structs import replace

from backend.simulator.actors import (
    Behaviour,
    Step,
    StepKind,
    department_step,
    handling_seconds,
    is_auto,
    operator_step,
    verifier_step,
)
from models.case import Case, CaseState, HistoryEntry, Location, Source
from models.catalogue import Catalogue, load_catalogue
from models.deadlines import DeadlinePolicy, default_policy
from models.org import Actor, Role
from models.workflow import (
    Accept,
    DepartmentAccept,
    DispatchSingle,
    File,
    NewReport,
    WorkflowContext,
    apply,
    open_case,
)

START = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
BEHAVIOUR = Behaviour()
SEED = 7


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


@pytest.fixture(scope="module")
def policy() -> DeadlinePolicy:
    return default_policy()


def new_case(case_id: int, category: str, catalogue: Catalogue, policy: DeadlinePolicy) -> Case:
    field = Actor(user_id="field", role=Role.FIELD)
    report = NewReport(
        source=Source.PATROL, category=category, lon=121.5, lat=31.2, description="巡查发现"
    )
    location = Location(lon=121.5, lat=31.2, cell_code="31011500500101", street_code="310115005")
    ctx = WorkflowContext(actor=field, at=START, policy=policy, catalogue=catalogue)
    return open_case(report, case_id=case_id, number=f"T{case_id}", location=location, ctx=ctx).case


def next_step(case: Case, catalogue: Catalogue) -> tuple[Actor, Step] | None:
    """Who acts next on ``case`` and how, as the simulator's desks would decide."""
    step = operator_step(case, BEHAVIOUR, SEED)
    if step is not None:
        return Actor(user_id="operator", role=Role.OPERATOR), step
    order = case.active_order
    if order is not None:
        step = department_step(case, order.department, BEHAVIOUR, SEED, catalogue)
        if step is not None:
            actor = Actor(
                user_id=f"dept-{order.department.lower()}",
                role=Role.DEPARTMENT,
                department=order.department,
            )
            return actor, step
    step = verifier_step(case, "field", BEHAVIOUR, SEED)
    if step is not None:
        return Actor(user_id="field", role=Role.FIELD), step
    return None


def play(
    case: Case, catalogue: Catalogue, policy: DeadlinePolicy
) -> tuple[Case, list[HistoryEntry]]:
    """Let the simulated people work on a case until nobody has anything to do."""
    at = START
    history: list[HistoryEntry] = []
    for _ in range(40):
        turn = next_step(case, catalogue)
        if turn is None:
            break
        actor, step = turn
        at += timedelta(seconds=step.delay)
        ctx = WorkflowContext(actor=actor, at=at, policy=policy, catalogue=catalogue)
        transition = apply(case, step.move, ctx)  # raises if a simulated move were illegal
        case = transition.case
        history.append(transition.entry)
    return case, history


def test_the_loop_closes_through_the_simulated_people(
    catalogue: Catalogue, policy: DeadlinePolicy
) -> None:
    outcomes: Counter[str] = Counter()
    moves: Counter[str] = Counter()
    for case_id in range(1, 601):
        case = new_case(case_id, "E0102", catalogue, policy)
        final, history = play(case, catalogue, policy)
        names = [e.move for e in history]
        moves.update(names)
        if not is_auto(case, BEHAVIOUR, SEED):
            # Left for the human dispatcher: nobody simulated touches it.
            assert final.state is CaseState.AWAITING_ACCEPTANCE
            outcomes["human"] += 1
            continue
        outcomes[final.state.value] += 1
        if final.state is CaseState.CLOSED:
            assert names[:4] == ["accept", "file", "dispatch_single", "department_accept"] or (
                "department_return" in names
            )
            assert names[-2:] == ["feedback", "verify_pass"]
        else:
            assert final.state is CaseState.VOIDED
            assert names == ["void"]
    auto = 600 - outcomes["human"]
    assert auto / 600 == pytest.approx(BEHAVIOUR.auto_dispatch, abs=0.06)
    assert outcomes["closed"] + outcomes["voided"] == auto  # every auto case finishes
    assert outcomes["voided"] / auto == pytest.approx(BEHAVIOUR.void_share, abs=0.03)
    signed = moves["department_accept"] + moves["department_return"]
    assert moves["department_return"] / signed == pytest.approx(BEHAVIOUR.return_share, abs=0.03)
    assert moves["dispatch_comprehensive"] == moves["department_return"]  # returned: joint office
    verdicts = moves["verify_pass"] + moves["verify_fail"]
    assert moves["verify_fail"] / verdicts == pytest.approx(
        1 - BEHAVIOUR.verify_pass_share, abs=0.04
    )


def in_progress(case: Case, catalogue: Catalogue, policy: DeadlinePolicy) -> Case:
    """The case accepted, filed, dispatched to its department and signed for."""
    operator = Actor(user_id="operator", role=Role.OPERATOR)
    for move in (Accept(), File(), DispatchSingle()):
        ctx = WorkflowContext(actor=operator, at=START, policy=policy, catalogue=catalogue)
        case = apply(case, move, ctx).case
    department = case.orders[-1].department
    handler = Actor(user_id="dept", role=Role.DEPARTMENT, department=department)
    ctx = WorkflowContext(actor=handler, at=START, policy=policy, catalogue=catalogue)
    return apply(case, DepartmentAccept(), ctx).case


def test_handling_is_mostly_on_time(catalogue: Catalogue, policy: DeadlinePolicy) -> None:
    allowance = handling_seconds(catalogue.category("E0107").deadline_normal)  # 1 working day
    delays = []
    for case_id in range(1, 1001):
        case = in_progress(new_case(case_id, "E0107", catalogue, policy), catalogue, policy)
        step = department_step(case, "HW", BEHAVIOUR, SEED, catalogue)
        assert step is not None
        assert step.kind is StepKind.FEEDBACK
        delays.append(step.delay)
    late = sum(d > allowance for d in delays) / len(delays)
    assert late == pytest.approx(BEHAVIOUR.late_share, abs=0.03)
    assert min(delays) >= BEHAVIOUR.min_handling


def test_decisions_depend_on_the_case_not_on_timing(
    catalogue: Catalogue, policy: DeadlinePolicy
) -> None:
    case = new_case(42, "E0505", catalogue, policy)
    assert operator_step(case, BEHAVIOUR, SEED) == operator_step(case, BEHAVIOUR, SEED)
    # A deadline warning bumps the revision but does not change what is needed.
    warned = replace(case, revision=case.revision + 1, warned=True)
    assert operator_step(warned, BEHAVIOUR, SEED) == operator_step(case, BEHAVIOUR, SEED)


def test_nobody_simulated_acts_when_auto_dispatch_is_off(
    catalogue: Catalogue, policy: DeadlinePolicy
) -> None:
    manual = Behaviour(auto_dispatch=0.0)
    for case_id in range(1, 50):
        assert operator_step(new_case(case_id, "E0102", catalogue, policy), manual, SEED) is None


def test_a_supervisor_leaves_cases_assigned_to_someone_else(
    catalogue: Catalogue, policy: DeadlinePolicy
) -> None:
    case = replace(new_case(1, "E0102", catalogue, policy), state=CaseState.AWAITING_VERIFICATION)
    assert verifier_step(case, "field", BEHAVIOUR, SEED) is not None
    assert verifier_step(replace(case, verifier="wangqiang"), "field", BEHAVIOUR, SEED) is None
    assert verifier_step(replace(case, verifier="field"), "field", BEHAVIOUR, SEED) is not None
    # After two reworks the work is accepted.
    for case_id in range(1, 200):
        worn = replace(case, id=case_id, rework_count=2)
        step = verifier_step(worn, "field", BEHAVIOUR, SEED)
        assert step is not None
        assert step.kind is StepKind.VERIFY_PASS
