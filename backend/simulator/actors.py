"""What the simulated people do with a case, and after how long. Pure and seeded.

Each function looks at a case as its actor sees it and returns the next :class:`Step`
(a workflow move and a delay in simulated seconds) or ``None`` when the case needs nothing
from that actor now. The connections (:mod:`backend.simulator.desk`) send the move, with
the case's revision, when the delay has passed and the case still needs it.

* The **auto-operator** takes a configurable share of new reports (the rest wait for the
  human dispatcher): it accepts (or voids a few as invalid), files, and dispatches to the
  catalogue's department; a case a department returned goes to the joint-action office
  (综合派单), which convenes the departments it needs.
* A **department** signs for its orders after a few minutes, or returns a few as "not our
  responsibility"; it feeds back after a handling time drawn against the category's
  deadline: mostly within it, some late.
* A **grid supervisor** verifies handled cases on site within about half an hour: most
  pass, some fail and go back for rework (never more than twice).

Randomness comes from a generator seeded by the simulation seed, the case and the step, so
a case gets the same decisions whatever order events arrive in, and a restarted simulator
decides as before.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from models.case import Case, CaseState, OrderState
from models.catalogue import Catalogue, DeadlineRule, TimeUnit
from models.workflow import (
    Accept,
    AnyMove,
    DepartmentAccept,
    DepartmentReturn,
    DispatchComprehensive,
    DispatchSingle,
    Feedback,
    File,
    VerifyFail,
    VerifyPass,
    Void,
)

WORKING_DAY_HOURS = 8.0
"""A working day's allowance, counted as this many hours of handling time."""

MAX_REWORK = 2
"""After this many failed verifications the next one passes: rework does get done."""


@dataclass(frozen=True)
class Behaviour:
    """How the simulated people behave; delays are simulated seconds (low, high).

    Attributes:
        auto_dispatch: Share of new reports the auto-operator takes through to dispatch.
        void_share: Share of those it voids as invalid instead.
        return_share: Share of orders a department returns (回退) as misrouted.
        late_share: Share of orders handled after their deadline.
        verify_pass_share: Share of verifications that pass.
        operator_delay: Per step of accept, file, dispatch.
        sign_delay: Before a department signs for (or returns) an order.
        verify_delay: Before the supervisor's verdict.
        acknowledge_delay: Before a unit's terminal confirms a joint operation's order.
        depart_delay: From that confirmation to setting off for the meeting point.
    """

    auto_dispatch: float = 0.7
    void_share: float = 0.03
    return_share: float = 0.05
    late_share: float = 0.1
    verify_pass_share: float = 0.9
    operator_delay: tuple[float, float] = (30.0, 240.0)
    sign_delay: tuple[float, float] = (120.0, 1200.0)
    verify_delay: tuple[float, float] = (300.0, 1800.0)
    acknowledge_delay: tuple[float, float] = (20.0, 120.0)
    depart_delay: tuple[float, float] = (10.0, 90.0)
    min_handling: float = 300.0


class StepKind(StrEnum):
    """What a step does (also how the connections decide which unit to move)."""

    ACCEPT = "accept"
    VOID = "void"
    FILE = "file"
    DISPATCH = "dispatch"
    REDISPATCH = "redispatch"
    SIGN = "sign"
    RETURN = "return"
    FEEDBACK = "feedback"
    VERIFY_PASS = "verify_pass"
    VERIFY_FAIL = "verify_fail"


@dataclass(frozen=True)
class Step:
    """The next move an actor makes on a case.

    Attributes:
        key: What the step answers (state and counters of the case); a case whose key
            changed needs a new decision.
        kind: What the step does.
        delay: Simulated seconds from when the need was seen.
        move: The workflow move to send.
    """

    key: tuple[str, int, int, int]
    kind: StepKind
    delay: float
    move: AnyMove


def need_key(case: Case) -> tuple[str, int, int, int]:
    """What a case needs next is decided by its state and how often it went round."""
    return (case.state.value, len(case.orders), case.rework_count, case.return_count)


def _rng(seed: int, case: Case, tag: str) -> np.random.Generator:
    key = need_key(case)
    salt = zlib.crc32(f"{tag}|{key}".encode())
    return np.random.default_rng([seed, 6, case.id, salt])


def _uniform(rng: np.random.Generator, bounds: tuple[float, float]) -> float:
    return float(rng.uniform(*bounds))


def is_auto(case: Case, behaviour: Behaviour, seed: int) -> bool:
    """Whether the auto-operator handles this case (decided once per case)."""
    rng = np.random.default_rng([seed, 7, case.id])
    return bool(rng.random() < behaviour.auto_dispatch)


def operator_step(case: Case, behaviour: Behaviour, seed: int) -> Step | None:
    """The auto-operator's next step: accept or void, file, dispatch or re-dispatch."""
    if not is_auto(case, behaviour, seed):
        return None
    rng = _rng(seed, case, "operator")
    delay = _uniform(rng, behaviour.operator_delay)
    key = need_key(case)
    match case.state:
        case CaseState.AWAITING_ACCEPTANCE:
            if rng.random() < behaviour.void_share:
                move: AnyMove = Void(reason="经核实为无效上报（现场无此问题），作废")
                return Step(key, StepKind.VOID, delay, move)
            return Step(key, StepKind.ACCEPT, delay, Accept(note="已受理"))
        case CaseState.AWAITING_FILING:
            return Step(key, StepKind.FILE, delay, File(note="符合立案条件"))
        case CaseState.AWAITING_DISPATCH if case.return_count == 0:
            move = DispatchSingle(instructions="请按时限处置并反馈")
            return Step(key, StepKind.DISPATCH, delay, move)
        case CaseState.AWAITING_DISPATCH:
            move = DispatchComprehensive(instructions="部门退单，请联勤联动办公室牵头处置")
            return Step(key, StepKind.REDISPATCH, delay, move)
    return None


def handling_seconds(rule: DeadlineRule) -> float:
    """A deadline rule as simulated seconds of handling time.

    Working hours count as hours and a working day as ``WORKING_DAY_HOURS``: the
    simulator's people work when they are on duty and do not keep office hours.
    """
    if rule.unit is TimeUnit.CLOCK_MINUTES:
        return rule.amount * 60.0
    if rule.unit is TimeUnit.WORK_DAYS:
        return rule.amount * WORKING_DAY_HOURS * 3600.0
    return rule.amount * 3600.0


def department_step(
    case: Case, department: str, behaviour: Behaviour, seed: int, catalogue: Catalogue
) -> Step | None:
    """A department's next step on its active order: sign or return, then feed back."""
    order = case.active_order
    if order is None or order.department != department:
        return None
    rng = _rng(seed, case, f"department:{department}")
    key = need_key(case)
    if case.state is CaseState.DISPATCHED and order.state is OrderState.ISSUED:
        delay = _uniform(rng, behaviour.sign_delay)
        may_return = (
            case.return_count == 0
            and department != catalogue.joint_office.code
            and not order.rework
        )
        if may_return and rng.random() < behaviour.return_share:
            move: AnyMove = DepartmentReturn(reason="经核实非本部门职责，申请退回重新派遣")
            return Step(key, StepKind.RETURN, delay, move)
        return Step(key, StepKind.SIGN, delay, DepartmentAccept(note="已签收，安排人员处置"))
    if (
        case.state is CaseState.IN_PROGRESS
        and order.state is OrderState.ACCEPTED
        and order.extension is None
    ):
        allowance = handling_seconds(catalogue.category(case.category).deadline(case.urgency))
        late = rng.random() < behaviour.late_share
        share = float(rng.uniform(1.05, 1.6) if late else rng.uniform(0.15, 0.9))
        if order.rework:
            share *= 0.5  # the department knows the site and the job by now
        delay = max(behaviour.min_handling, share * allowance)
        result = "返工完成，已整改到位" if order.rework else "已按要求处置完毕，现场已恢复"
        return Step(key, StepKind.FEEDBACK, delay, Feedback(result=result))
    return None


def verifier_step(case: Case, user_id: str, behaviour: Behaviour, seed: int) -> Step | None:
    """A grid supervisor's verdict on a handled case (if no one else was assigned)."""
    if case.state is not CaseState.AWAITING_VERIFICATION:
        return None
    if case.verifier is not None and case.verifier != user_id:
        return None
    rng = _rng(seed, case, "verifier")
    delay = _uniform(rng, behaviour.verify_delay)
    key = need_key(case)
    if case.rework_count < MAX_REWORK and rng.random() >= behaviour.verify_pass_share:
        move: AnyMove = VerifyFail(reason="现场核查：问题未处置到位，请返工")
        return Step(key, StepKind.VERIFY_FAIL, delay, move)
    return Step(key, StepKind.VERIFY_PASS, delay, VerifyPass(note="现场核查：已处置到位"))
