"""The case workflow: one explicit state machine for every move of the closed loop.

Every move is a typed command (a msgspec Struct tagged with its name, so the wire protocol
carries the very same types) plus one row of ``MOVES``: who may make it, from which states,
what else must hold, and what it does. ``apply`` is the only way a case changes:

    transition = apply(case, DispatchSingle(), ctx)

It either returns the new case with the history entry that records the move, or raises a
``models.errors`` error that names the case, its state, the move and the reason; the old
case is never modified (cases are immutable values).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

import msgspec
from msgspec.structs import replace

from models.case import (
    STEP_OF_STATE,
    Case,
    CaseState,
    ClosingType,
    DispatchLevel,
    ExtensionRequest,
    HistoryEntry,
    Location,
    Order,
    OrderState,
    Reporter,
    Source,
)
from models.catalogue import Catalogue, DeadlineRule, Urgency
from models.deadlines import DeadlinePolicy, Step, closing_type_for
from models.errors import IllegalMove, InvalidInput, NotPermitted
from models.org import Actor, Role

MAX_TEXT = 2000
"""Longest free text (reason, note, message) a move accepts."""

MAX_URGE_LEVEL = 3


# --- the moves -------------------------------------------------------------------------


class Move(msgspec.Struct, frozen=True, kw_only=True, tag_field="move", forbid_unknown_fields=True):
    """Base of every workflow command."""


class Accept(Move, tag="accept", frozen=True, kw_only=True):
    """受理: take a report in."""

    note: str = ""


class Void(Move, tag="void", frozen=True, kw_only=True):
    """作废: refuse a report (not valid, out of scope...) with a reason."""

    reason: str
    invalid_report: bool = True


class File(Move, tag="file", frozen=True, kw_only=True):
    """立案: file the case, optionally correcting category and urgency."""

    category: str | None = None
    urgency: Urgency | None = None
    note: str = ""


class DispatchSingle(Move, tag="dispatch_single", frozen=True, kw_only=True):
    """单一派单: to one department; department and deadline default from the catalogue."""

    department: str | None = None
    deadline: datetime | None = None
    instructions: str = ""


class DispatchComprehensive(Move, tag="dispatch_comprehensive", frozen=True, kw_only=True):
    """综合派单: to the joint-action office, which convenes several departments."""

    departments: tuple[str, ...] = ()
    deadline: datetime | None = None
    instructions: str = ""


class EscalateToLeader(Move, tag="escalate", frozen=True, kw_only=True):
    """领导协调: hand a case that cannot be solved by dispatch to the leaders."""

    reason: str


class DepartmentAccept(Move, tag="department_accept", frozen=True, kw_only=True):
    """签收: the department takes the order."""

    note: str = ""


class DepartmentReturn(Move, tag="department_return", frozen=True, kw_only=True):
    """回退: the department returns a misrouted order; the case goes back for dispatch."""

    reason: str
    wrong_department: bool = True


class RequestExtension(Move, tag="request_extension", frozen=True, kw_only=True):
    """延期申请: the department asks for more time."""

    amount: DeadlineRule
    reason: str


class DecideExtension(Move, tag="decide_extension", frozen=True, kw_only=True):
    """延期审批: approve or deny the pending extension request."""

    approve: bool
    note: str = ""


class Feedback(Move, tag="feedback", frozen=True, kw_only=True):
    """处理反馈: the department reports the result, usually with photos."""

    result: str
    photos: tuple[str, ...] = ()


class AssignVerification(Move, tag="assign_verification", frozen=True, kw_only=True):
    """派核查: name the grid supervisor who verifies on site."""

    verifier: str


class VerifyPass(Move, tag="verify_pass", frozen=True, kw_only=True):
    """核查通过: the case closes; normal or overdue follows from the history."""

    note: str = ""
    photos: tuple[str, ...] = ()


class VerifyFail(Move, tag="verify_fail", frozen=True, kw_only=True):
    """核查不通过: rework (返工) by the same department."""

    reason: str
    photos: tuple[str, ...] = ()


class Close(Move, tag="close", frozen=True, kw_only=True):
    """结案 by decision (erroneous or special closing) with a reason."""

    closing_type: ClosingType
    reason: str


class Suspend(Move, tag="suspend", frozen=True, kw_only=True):
    """缓办/挂账: stop the clock, with a reason."""

    reason: str


class Resume(Move, tag="resume", frozen=True, kw_only=True):
    """恢复: restart from where the case was suspended; the remaining time is kept."""

    note: str = ""


class Urge(Move, tag="urge", frozen=True, kw_only=True):
    """督办: press the department on a lagging order."""

    level: int = 1
    message: str


class Merge(Move, tag="merge", frozen=True, kw_only=True):
    """合并: this (duplicate) report is merged into an existing case."""

    into_case: int


AnyMove = (
    Accept
    | Void
    | File
    | DispatchSingle
    | DispatchComprehensive
    | EscalateToLeader
    | DepartmentAccept
    | DepartmentReturn
    | RequestExtension
    | DecideExtension
    | Feedback
    | AssignVerification
    | VerifyPass
    | VerifyFail
    | Close
    | Suspend
    | Resume
    | Urge
    | Merge
)


class NewReport(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A new report (上报) from a terminal, an operator taking a call, video or a volunteer."""

    source: Source
    category: str
    urgency: Urgency = Urgency.NORMAL
    lon: float
    lat: float
    address: str = ""
    description: str
    photos: tuple[str, ...] = ()
    reporter_name: str = ""
    reporter_phone: str = ""


# --- context and results ---------------------------------------------------------------


@dataclass(frozen=True)
class WorkflowContext:
    """What a move needs besides the case: who, when, and the rules in force."""

    actor: Actor
    at: datetime
    policy: DeadlinePolicy
    catalogue: Catalogue


@dataclass(frozen=True)
class Transition:
    """The result of a legal move: the new case and the history entry that records it."""

    before: Case | None
    case: Case
    entry: HistoryEntry


M = TypeVar("M", bound=Move)
Effect = tuple[Case, str, dict[str, Any]]
"""What a move's effect returns: the changed case, the history note, and details."""


@dataclass(frozen=True)
class MoveSpec(Generic[M]):
    """One row of the state machine.

    Attributes:
        name: The move's tag on the wire and in the history.
        roles: Roles that may make it at all.
        states: States it may be made from.
        effect: Computes the new case (state, clocks, orders, flags) from a valid move.
        condition: What else the case must satisfy (returns why not, or ``None``).
        permission: What else the actor must satisfy beyond role and scope, e.g. being the
            department the order is addressed to (returns why not, or ``None``).
    """

    name: str
    move_type: type[M]
    roles: frozenset[Role]
    states: frozenset[CaseState]
    effect: Callable[[Case, M, WorkflowContext], Effect]
    condition: Callable[[Case], str | None] | None = None
    permission: Callable[[Case, Actor], str | None] | None = None


# --- validation helpers ----------------------------------------------------------------


def _text(field: str, value: str, *, required: bool = True) -> str:
    value = value.strip()
    if required and not value:
        raise InvalidInput(field, "is required")
    if len(value) > MAX_TEXT:
        raise InvalidInput(field, f"is longer than {MAX_TEXT} characters")
    return value


def clean_text(field: str, value: str, *, required: bool = True) -> str:
    """A free-text field of a command, stripped and checked (for moves outside this module).

    Raises:
        InvalidInput: empty although required, or longer than ``MAX_TEXT``.
    """
    return _text(field, value, required=required)


def _aware(field: str, value: datetime) -> datetime:
    if value.tzinfo is None:
        raise InvalidInput(field, "must carry a time zone")
    return value


# --- clocks ----------------------------------------------------------------------------


def _enter(case: Case, state: CaseState, ctx: WorkflowContext, **changes: Any) -> Case:
    """Move ``case`` into ``state`` and start that state's step clock.

    Handling runs on the active order's deadline; the other steps on the policy's
    allowances. Entering a state always clears the per-step overdue and warning flags.
    """
    step = STEP_OF_STATE.get(state)
    case = replace(case, state=state, overdue=False, warned=False, **changes)
    if step is None:
        return replace(case, step_started_at=None, step_deadline=None, step_working=False)
    if step is Step.HANDLING:
        order = case.active_order
        assert order is not None, "handling states always have an active order"
        return replace(
            case,
            step_started_at=order.issued_at,
            step_deadline=order.deadline,
            step_working=order.working,
        )
    return replace(
        case,
        step_started_at=ctx.at,
        step_deadline=ctx.policy.step_deadline(step, ctx.at),
        step_working=ctx.policy.allowances.rule_for(step).unit.is_working_time,
    )


def _with_order(case: Case, order: Order) -> Case:
    """Replace the case's last order with ``order`` (the active one)."""
    return replace(case, orders=(*case.orders[:-1], order))


def _handling_rule(case: Case, ctx: WorkflowContext) -> DeadlineRule:
    return ctx.catalogue.category(case.category).deadline(case.urgency)


def _issue_order(
    case: Case,
    ctx: WorkflowContext,
    *,
    department: str,
    level: DispatchLevel,
    deadline: datetime | None,
    instructions: str,
    rework: bool = False,
    state: OrderState = OrderState.ISSUED,
) -> Order:
    ctx.catalogue.department(department)  # raises UnknownId for a department we do not have
    rule = _handling_rule(case, ctx)
    if deadline is None:
        deadline = ctx.policy.handling_deadline(ctx.at, rule)
        working = rule.unit.is_working_time
    else:
        # A deadline typed in by the dispatcher is a point in time, not an allowance.
        deadline = _aware("deadline", deadline)
        if deadline <= ctx.at:
            raise InvalidInput("deadline", "must be in the future")
        working = False
    return Order(
        no=len(case.orders) + 1,
        department=department,
        level=level,
        issued_at=ctx.at,
        issued_by=ctx.actor.user_id,
        deadline=deadline,
        working=working,
        state=state,
        instructions=instructions,
        accepted_at=ctx.at if state is OrderState.ACCEPTED else None,
        rework=rework,
    )


# --- effects ---------------------------------------------------------------------------


def _accept(case: Case, move: Accept, ctx: WorkflowContext) -> Effect:
    return (
        _enter(case, CaseState.AWAITING_FILING, ctx),
        _text("note", move.note, required=False),
        {},
    )


def _void(case: Case, move: Void, ctx: WorkflowContext) -> Effect:
    reason = _text("reason", move.reason)
    new = _enter(case, CaseState.VOIDED, ctx, void_reason=reason, closed_at=ctx.at)
    return new, reason, {"invalid_report": move.invalid_report}


def _file(case: Case, move: File, ctx: WorkflowContext) -> Effect:
    details: dict[str, Any] = {}
    changes: dict[str, Any] = {}
    if move.category is not None and move.category != case.category:
        ctx.catalogue.category(move.category)
        changes["category"] = move.category
        details["category"] = [case.category, move.category]
    if move.urgency is not None and move.urgency != case.urgency:
        changes["urgency"] = move.urgency
        details["urgency"] = [case.urgency.value, move.urgency.value]
    new = _enter(case, CaseState.AWAITING_DISPATCH, ctx, **changes)
    return new, _text("note", move.note, required=False), details


def _dispatch_single(case: Case, move: DispatchSingle, ctx: WorkflowContext) -> Effect:
    department = move.department or ctx.catalogue.category(case.category).department
    level = (
        DispatchLevel.LEADER
        if case.state is CaseState.LEADER_COORDINATION
        else DispatchLevel.SINGLE
    )
    order = _issue_order(
        case,
        ctx,
        department=department,
        level=level,
        deadline=move.deadline,
        instructions=_text("instructions", move.instructions, required=False),
    )
    new = _enter(case, CaseState.DISPATCHED, ctx, orders=(*case.orders, order), verifier=None)
    details = {"order": order.no, "department": department, "deadline": order.deadline.isoformat()}
    return new, order.instructions, details


def _dispatch_comprehensive(
    case: Case, move: DispatchComprehensive, ctx: WorkflowContext
) -> Effect:
    category = ctx.catalogue.category(case.category)
    departments = move.departments or category.joint_departments
    for code in departments:
        ctx.catalogue.department(code)
    office = ctx.catalogue.joint_office.code
    order = _issue_order(
        case,
        ctx,
        department=office,
        level=DispatchLevel.COMPREHENSIVE,
        deadline=move.deadline,
        instructions=_text("instructions", move.instructions, required=False),
    )
    new = _enter(
        case, CaseState.DISPATCHED, ctx, orders=(*case.orders, order), joint=True, verifier=None
    )
    details = {
        "order": order.no,
        "department": office,
        "departments": list(departments),
        "deadline": order.deadline.isoformat(),
    }
    return new, order.instructions, details


def _escalate(case: Case, move: EscalateToLeader, ctx: WorkflowContext) -> Effect:
    reason = _text("reason", move.reason)
    orders = case.orders
    if case.active_order is not None:
        orders = (*orders[:-1], replace(orders[-1], state=OrderState.CANCELLED))
    new = _enter(case, CaseState.LEADER_COORDINATION, ctx, orders=orders, escalation_reason=reason)
    return new, reason, {}


def _department_accept(case: Case, move: DepartmentAccept, ctx: WorkflowContext) -> Effect:
    order = case.active_order
    assert order is not None
    case = _with_order(case, replace(order, state=OrderState.ACCEPTED, accepted_at=ctx.at))
    new = _enter(case, CaseState.IN_PROGRESS, ctx)
    return new, _text("note", move.note, required=False), {"order": order.no}


def _department_return(case: Case, move: DepartmentReturn, ctx: WorkflowContext) -> Effect:
    reason = _text("reason", move.reason)
    order = case.active_order
    assert order is not None
    case = _with_order(case, replace(order, state=OrderState.RETURNED, return_reason=reason))
    new = _enter(case, CaseState.AWAITING_DISPATCH, ctx, return_count=case.return_count + 1)
    details = {
        "order": order.no,
        "department": order.department,
        "wrong_department": move.wrong_department,
    }
    return new, reason, details


def _request_extension(case: Case, move: RequestExtension, ctx: WorkflowContext) -> Effect:
    reason = _text("reason", move.reason)
    if move.amount.amount <= 0:
        raise InvalidInput("amount", "must be positive")
    order = case.active_order
    assert order is not None
    request = ExtensionRequest(
        rule=move.amount, reason=reason, requested_at=ctx.at, requested_by=ctx.actor.user_id
    )
    new = _with_order(case, replace(order, extension=request))
    details = {"order": order.no, "amount": move.amount.amount, "unit": move.amount.unit.value}
    return new, reason, details


def _decide_extension(case: Case, move: DecideExtension, ctx: WorkflowContext) -> Effect:
    order = case.active_order
    assert order is not None
    assert order.extension is not None
    details: dict[str, Any] = {"order": order.no, "approved": move.approve}
    if move.approve:
        deadline = ctx.policy.extended(order.deadline, order.extension.rule)
        order = replace(
            order,
            deadline=deadline,
            extension=None,
            extensions_granted=order.extensions_granted + 1,
        )
        details["deadline"] = deadline.isoformat()
        case = _enter(_with_order(case, order), case.state, ctx)
    else:
        case = _with_order(case, replace(order, extension=None))
    return case, _text("note", move.note, required=False), details


def _feedback(case: Case, move: Feedback, ctx: WorkflowContext) -> Effect:
    result = _text("result", move.result)
    order = case.active_order
    assert order is not None
    order = replace(
        order, state=OrderState.HANDLED, handled_at=ctx.at, result=result, photos=move.photos
    )
    new = _enter(_with_order(case, order), CaseState.AWAITING_VERIFICATION, ctx)
    on_time = ctx.at <= order.deadline
    return new, result, {"order": order.no, "photos": list(move.photos), "on_time": on_time}


def _assign_verification(case: Case, move: AssignVerification, ctx: WorkflowContext) -> Effect:
    verifier = _text("verifier", move.verifier)
    # The verification clock restarts from the assignment: the supervisor has 30 minutes.
    new = _enter(case, CaseState.AWAITING_VERIFICATION, ctx, verifier=verifier)
    return new, "", {"verifier": verifier}


def _verify_pass(case: Case, move: VerifyPass, ctx: WorkflowContext) -> Effect:
    order = case.active_order
    assert order is not None
    assert order.handled_at is not None
    closing = ClosingType(closing_type_for(order.handled_at, order.deadline))
    case = _with_order(case, replace(order, state=OrderState.DONE))
    new = _enter(case, CaseState.CLOSED, ctx, closing_type=closing, closed_at=ctx.at)
    note = _text("note", move.note, required=False)
    return new, note, {"closing_type": closing.value, "photos": list(move.photos)}


def _verify_fail(case: Case, move: VerifyFail, ctx: WorkflowContext) -> Effect:
    reason = _text("reason", move.reason)
    failed = case.active_order
    assert failed is not None
    # Rework goes straight back to the same department, already accepted: it knows the job.
    rework = _issue_order(
        case,
        ctx,
        department=failed.department,
        level=failed.level,
        deadline=None,
        instructions=reason,
        rework=True,
        state=OrderState.ACCEPTED,
    )
    orders = (*case.orders[:-1], replace(failed, state=OrderState.CANCELLED), rework)
    new = _enter(
        case, CaseState.IN_PROGRESS, ctx, orders=orders, rework_count=case.rework_count + 1
    )
    return (
        new,
        reason,
        {"order": rework.no, "department": failed.department, "photos": list(move.photos)},
    )


def _close(case: Case, move: Close, ctx: WorkflowContext) -> Effect:
    reason = _text("reason", move.reason)
    if move.closing_type not in (ClosingType.ERRONEOUS, ClosingType.SPECIAL):
        raise InvalidInput(
            "closing_type",
            "only erroneous or special closing is decided; normal and overdue follow verification",
        )
    orders = case.orders
    if case.active_order is not None:
        orders = (*orders[:-1], replace(orders[-1], state=OrderState.CANCELLED))
    new = _enter(
        case, CaseState.CLOSED, ctx, orders=orders, closing_type=move.closing_type, closed_at=ctx.at
    )
    return new, reason, {"closing_type": move.closing_type.value}


def _suspend(case: Case, move: Suspend, ctx: WorkflowContext) -> Effect:
    reason = _text("reason", move.reason)
    new = _enter(
        case,
        CaseState.SUSPENDED,
        ctx,
        suspended_from=case.state,
        suspended_at=ctx.at,
        suspend_reason=reason,
    )
    return new, reason, {"from": case.state.value}


def _resume(case: Case, move: Resume, ctx: WorkflowContext) -> Effect:
    back_to, paused_at = case.suspended_from, case.suspended_at
    assert back_to is not None
    assert paused_at is not None
    order = case.active_order
    details: dict[str, Any] = {"to": back_to.value}
    if order is not None:
        # The department keeps the time it had left when the clock stopped.
        deadline = ctx.policy.resumed(order.deadline, order.working, paused_at, ctx.at)
        case = _with_order(case, replace(order, deadline=deadline))
        details["deadline"] = deadline.isoformat()
    new = _enter(case, back_to, ctx, suspended_from=None, suspended_at=None, suspend_reason="")
    return new, _text("note", move.note, required=False), details


def _urge(case: Case, move: Urge, ctx: WorkflowContext) -> Effect:
    message = _text("message", move.message)
    if not 1 <= move.level <= MAX_URGE_LEVEL:
        raise InvalidInput("level", f"must be from 1 to {MAX_URGE_LEVEL}")
    new = replace(case, urge_level=max(case.urge_level, move.level), urge_count=case.urge_count + 1)
    order = case.active_order
    return new, message, {"level": move.level, "order": order.no if order else None}


def _merge(case: Case, move: Merge, ctx: WorkflowContext) -> Effect:
    if move.into_case == case.id:
        raise InvalidInput("into_case", "a case cannot be merged into itself")
    new = _enter(case, CaseState.MERGED, ctx, merged_into=move.into_case, closed_at=ctx.at)
    return new, "", {"into_case": move.into_case}


# --- conditions and permissions ------------------------------------------------------


def _has_order(case: Case) -> str | None:
    return None if case.active_order is not None else "the case has no active order"


def _no_pending_extension(case: Case) -> str | None:
    order = case.active_order
    if order is not None and order.extension is not None:
        return "an extension request is already pending"
    return _has_order(case)


def _pending_extension(case: Case) -> str | None:
    order = case.active_order
    if order is None or order.extension is None:
        return "no extension request is pending"
    return None


def _own_department(case: Case, actor: Actor) -> str | None:
    order = case.active_order
    if order is not None and actor.department != order.department:
        return f"the order is addressed to department {order.department}"
    return None


def _assigned_verifier(case: Case, actor: Actor) -> str | None:
    if actor.role is Role.FIELD and case.verifier is not None and case.verifier != actor.user_id:
        return f"verification is assigned to {case.verifier}"
    return None


def _leader_for_coordination(case: Case, actor: Actor) -> str | None:
    if case.state is CaseState.LEADER_COORDINATION and actor.role is Role.OPERATOR:
        return "a case under leader coordination is dispatched by a leader or supervisor"
    return None


# --- the table -------------------------------------------------------------------------

_CENTRE = frozenset({Role.OPERATOR, Role.SUPERVISOR})
_DISPATCHERS = frozenset({Role.OPERATOR, Role.SUPERVISOR, Role.LEADER})
_CHIEFS = frozenset({Role.SUPERVISOR, Role.LEADER})
_DEPARTMENT = frozenset({Role.DEPARTMENT})
_VERIFIERS = frozenset({Role.FIELD, Role.SUPERVISOR})

_UNFILED = frozenset({CaseState.AWAITING_ACCEPTANCE, CaseState.AWAITING_FILING})
_WITH_DEPARTMENT = frozenset({CaseState.DISPATCHED, CaseState.IN_PROGRESS})
_TO_DISPATCH = frozenset({CaseState.AWAITING_DISPATCH, CaseState.LEADER_COORDINATION})
_OPEN_AFTER_FILING = frozenset(
    {
        CaseState.AWAITING_DISPATCH,
        CaseState.LEADER_COORDINATION,
        CaseState.DISPATCHED,
        CaseState.IN_PROGRESS,
        CaseState.AWAITING_VERIFICATION,
    }
)


def _spec(
    move_type: type[M],
    roles: frozenset[Role],
    states: frozenset[CaseState] | set[CaseState],
    effect: Callable[[Case, M, WorkflowContext], Effect],
    *,
    condition: Callable[[Case], str | None] | None = None,
    permission: Callable[[Case, Actor], str | None] | None = None,
) -> MoveSpec[M]:
    name = move_type.__struct_config__.tag
    assert isinstance(name, str)
    return MoveSpec(name, move_type, roles, frozenset(states), effect, condition, permission)


MOVES: dict[type[Move], MoveSpec[Any]] = {
    spec.move_type: spec
    for spec in (
        _spec(Accept, _CENTRE, {CaseState.AWAITING_ACCEPTANCE}, _accept),
        _spec(Void, _CENTRE, _UNFILED, _void),
        _spec(File, _CENTRE, {CaseState.AWAITING_FILING}, _file),
        _spec(
            DispatchSingle,
            _DISPATCHERS,
            _TO_DISPATCH,
            _dispatch_single,
            permission=_leader_for_coordination,
        ),
        _spec(
            DispatchComprehensive,
            _DISPATCHERS,
            _TO_DISPATCH,
            _dispatch_comprehensive,
            permission=_leader_for_coordination,
        ),
        _spec(
            EscalateToLeader,
            _CENTRE,
            {CaseState.AWAITING_DISPATCH, CaseState.DISPATCHED, CaseState.IN_PROGRESS},
            _escalate,
        ),
        _spec(
            DepartmentAccept,
            _DEPARTMENT,
            {CaseState.DISPATCHED},
            _department_accept,
            permission=_own_department,
        ),
        _spec(
            DepartmentReturn,
            _DEPARTMENT,
            {CaseState.DISPATCHED},
            _department_return,
            permission=_own_department,
        ),
        _spec(
            RequestExtension,
            _DEPARTMENT,
            {CaseState.IN_PROGRESS},
            _request_extension,
            condition=_no_pending_extension,
            permission=_own_department,
        ),
        _spec(
            DecideExtension,
            _CHIEFS,
            {CaseState.IN_PROGRESS},
            _decide_extension,
            condition=_pending_extension,
        ),
        _spec(
            Feedback,
            _DEPARTMENT,
            {CaseState.IN_PROGRESS},
            _feedback,
            permission=_own_department,
        ),
        _spec(AssignVerification, _CENTRE, {CaseState.AWAITING_VERIFICATION}, _assign_verification),
        _spec(
            VerifyPass,
            _VERIFIERS,
            {CaseState.AWAITING_VERIFICATION},
            _verify_pass,
            permission=_assigned_verifier,
        ),
        _spec(
            VerifyFail,
            _VERIFIERS,
            {CaseState.AWAITING_VERIFICATION},
            _verify_fail,
            permission=_assigned_verifier,
        ),
        _spec(Close, _CHIEFS, _OPEN_AFTER_FILING | {CaseState.SUSPENDED}, _close),
        _spec(Suspend, _CHIEFS, _OPEN_AFTER_FILING - {CaseState.AWAITING_VERIFICATION}, _suspend),
        _spec(Resume, _CHIEFS, {CaseState.SUSPENDED}, _resume),
        _spec(
            Urge,
            _DISPATCHERS,
            _WITH_DEPARTMENT | {CaseState.AWAITING_VERIFICATION},
            _urge,
            condition=_has_order,
        ),
        _spec(Merge, _CENTRE, _UNFILED, _merge),
    )
}
"""The state machine: every move, who may make it, from where, and what it does."""

MOVE_NAMES: dict[str, type[Move]] = {spec.name: t for t, spec in MOVES.items()}


# --- applying --------------------------------------------------------------------------


def _refusal(case: Case, spec: MoveSpec[Any], actor: Actor) -> IllegalMove | None:
    """Why ``actor`` cannot make ``spec`` on ``case`` as it stands, or ``None`` if they can."""
    state = case.state.value
    if case.state not in spec.states:
        allowed = ", ".join(sorted(s.value for s in spec.states))
        return IllegalMove(case.number, state, spec.name, f"only allowed in: {allowed}")
    if actor.role not in spec.roles:
        allowed = ", ".join(sorted(r.value for r in spec.roles))
        return NotPermitted(
            case.number, state, spec.name, f"role '{actor.role}' may not; allowed: {allowed}"
        )
    if actor.role is not Role.DEPARTMENT and not actor.covers(case.street_code):
        return NotPermitted(
            case.number, state, spec.name, f"the case is outside scope {actor.scope}"
        )
    if spec.condition is not None and (reason := spec.condition(case)) is not None:
        return IllegalMove(case.number, state, spec.name, reason)
    if spec.permission is not None and (reason := spec.permission(case, actor)) is not None:
        return NotPermitted(case.number, state, spec.name, reason)
    return None


def allowed_moves(case: Case, actor: Actor) -> list[str]:
    """Names of the moves ``actor`` may make on ``case`` now (for enabling UI actions)."""
    return [spec.name for spec in MOVES.values() if _refusal(case, spec, actor) is None]


def apply(case: Case, move: Move, ctx: WorkflowContext) -> Transition:
    """Make ``move`` on ``case``.

    Raises:
        IllegalMove: the state or the case's circumstances do not allow the move.
        NotPermitted: the actor's role or scope does not allow it.
        InvalidInput: a field of the move is missing or wrong.
        UnknownId: the move names a category or department that does not exist.
    """
    spec = MOVES[type(move)]
    refusal = _refusal(case, spec, ctx.actor)
    if refusal is not None:
        raise refusal
    new, note, details = spec.effect(case, move, ctx)
    new = replace(new, revision=case.revision + 1, updated_at=ctx.at)
    return Transition(
        before=case, case=new, entry=_entry(new, spec.name, case.state, ctx, note, details)
    )


def _entry(
    case: Case,
    move: str,
    from_state: CaseState | None,
    ctx: WorkflowContext,
    note: str,
    details: dict[str, Any],
) -> HistoryEntry:
    return HistoryEntry(
        case_id=case.id,
        revision=case.revision,
        move=move,
        actor_id=ctx.actor.user_id,
        actor_role=ctx.actor.role.value,
        terminal=ctx.actor.terminal,
        at=ctx.at,
        from_state=from_state,
        to_state=case.state,
        note=note,
        details=details,
        step_deadline=case.step_deadline,
    )


REPORTER_ROLES = frozenset({Role.FIELD, Role.OPERATOR, Role.SUPERVISOR})

CITIZEN_SOURCES = frozenset({Source.HOTLINE, Source.EMERGENCY_TRANSFER})
"""Sources whose reporter is a citizen (name and phone from the report), not the user."""


def open_case(
    report: NewReport,
    *,
    case_id: int,
    number: str,
    location: Location,
    ctx: WorkflowContext,
) -> Transition:
    """Create a case from a report: it waits for acceptance with its clock running.

    ``location`` is the report's position resolved to cell, community and street by the
    caller (the grid index lives outside the workflow).
    """
    actor = ctx.actor
    if actor.role not in REPORTER_ROLES:
        raise NotPermitted(number, "new", "report", f"role '{actor.role}' may not report cases")
    if not actor.covers(location.street_code):
        raise NotPermitted(number, "new", "report", f"the location is outside scope {actor.scope}")
    ctx.catalogue.category(report.category)
    description = _text("description", report.description)
    reporter = (
        Reporter(kind="citizen", name=report.reporter_name, phone=report.reporter_phone)
        if report.source in CITIZEN_SOURCES
        else Reporter(kind="user", ident=actor.user_id, name=actor.name)
    )
    draft = Case(
        id=case_id,
        number=number,
        source=report.source,
        category=report.category,
        urgency=report.urgency,
        location=location,
        description=description,
        photos=report.photos,
        reporter=reporter,
        reported_at=ctx.at,
        updated_at=ctx.at,
    )
    case = _enter(draft, CaseState.AWAITING_ACCEPTANCE, ctx)
    entry = _entry(case, "report", None, ctx, description, {"source": report.source.value})
    return Transition(before=None, case=case, entry=entry)


def merge_into(target: Case, duplicate: Case, ctx: WorkflowContext) -> Transition:
    """The other half of a merge: the target case counts the duplicate report.

    Call after ``apply(duplicate, Merge(into_case=target.id), ctx)`` succeeded, in the same
    transaction.
    """
    if target.state.is_terminal:
        raise IllegalMove(
            target.number, target.state.value, "merge", "cannot merge into a finished case"
        )
    if not ctx.actor.covers(target.street_code):
        raise NotPermitted(
            target.number,
            target.state.value,
            "merge",
            f"the case is outside scope {ctx.actor.scope}",
        )
    new = replace(
        target,
        duplicate_count=target.duplicate_count + 1 + duplicate.duplicate_count,
        merged_from=(*target.merged_from, duplicate.id),
        revision=target.revision + 1,
        updated_at=ctx.at,
    )
    details = {"duplicate": duplicate.id, "duplicate_number": duplicate.number}
    entry = _entry(new, "merged_duplicate", target.state, ctx, "", details)
    return Transition(before=target, case=new, entry=entry)


JOINT_NOTES = frozenset({"joint_convened", "joint_completed", "joint_cancelled"})
"""History moves that record a joint operation (联勤联动) convened for a case, completed
with its outcome (the feedback the joint action brings back), or cancelled."""


def note_joint_operation(
    case: Case, move: str, note: str, details: dict[str, Any], ctx: WorkflowContext
) -> Transition:
    """Record in a case's history what a joint operation convened for it did.

    The case's state and clocks do not change: the joint action is how the joint-action
    office works the order, and the office still feeds back and the case is still verified
    through the ordinary moves. Call in the transaction that changes the operation.

    Args:
        case: The case the operation was convened for.
        move: One of ``JOINT_NOTES``.
        note: The outcome or reason (free text, already checked), or the instructions.
        details: The operation's id and what the console shows of it (units, agencies...).
        ctx: Who and when.

    Raises:
        NotPermitted: the case is outside the actor's scope.
    """
    assert move in JOINT_NOTES, move
    if not ctx.actor.covers(case.street_code):
        raise NotPermitted(
            case.number, case.state.value, move, f"the case is outside scope {ctx.actor.scope}"
        )
    new = replace(case, revision=case.revision + 1, updated_at=ctx.at)
    entry = _entry(new, move, case.state, ctx, note, details)
    return Transition(before=case, case=new, entry=entry)


# --- the deadline clock ----------------------------------------------------------------

CLOCK_ACTOR_ID = "clock"
CLOCK_ROLE = "system"


def next_deadline_check(case: Case, policy: DeadlinePolicy) -> datetime | None:
    """When the clock must next look at ``case``: its warning instant, then its deadline."""
    if case.step_deadline is None or case.step_started_at is None or case.overdue:
        return None
    if not case.warned:
        return policy.warning_at(case.step_started_at, case.step_deadline, case.step_working)
    return case.step_deadline


def check_deadline(case: Case, now: datetime, policy: DeadlinePolicy) -> Transition | None:
    """Raise the current step's warning or overdue flag when its time has come.

    The server's clock calls this for every open case whose ``next_deadline_check`` has
    passed, also right after a restart, so a deadline that passed while the server was down
    is raised at once. Returns ``None`` when nothing is due.
    """
    due = next_deadline_check(case, policy)
    if due is None or now < due:
        return None
    assert case.step_deadline is not None
    if now >= case.step_deadline:
        new = replace(case, warned=True, overdue=True, ever_overdue=True)
        move = "deadline_overdue"
    else:
        new = replace(case, warned=True)
        move = "deadline_warning"
    new = replace(new, revision=case.revision + 1, updated_at=now)
    step = STEP_OF_STATE[case.state]
    entry = HistoryEntry(
        case_id=case.id,
        revision=new.revision,
        move=move,
        actor_id=CLOCK_ACTOR_ID,
        actor_role=CLOCK_ROLE,
        terminal="server",
        at=now,
        from_state=case.state,
        to_state=case.state,
        details={"step": step.value, "deadline": case.step_deadline.isoformat()},
        step_deadline=case.step_deadline,
    )
    return Transition(before=case, case=new, entry=entry)
