"""Joint operations (联勤联动): convening several agencies' units and following them to the end.

A joint operation (联勤行动) is called by the centre, from a case (comprehensive dispatch,
综合派单) or from nothing: the agencies it needs, the units that go, a commander among them,
a meeting point and a time. Each unit's terminal receives the order and is followed live:

    notified → acknowledged → en route → arrived → released      (or replaced at any step)

The operation itself is ``convened`` (orders out) until the first unit arrives, then
``active``, and ends ``completed`` with an outcome or ``cancelled`` with a reason.

Like the case workflow (:mod:`models.workflow`), every change is a typed move (a msgspec
Struct tagged with its name, carried by the wire protocol as is) and ``apply_joint`` is
the only way an operation changes: it returns the new operation, the entry that records
the move, and the unit statuses the move brings (en route on departure, on scene on
arrival, back on patrol on release), or raises a ``models.errors`` error naming the
operation, its state, the move and the reason.

Also here, because the convening desk needs them and they are plain arithmetic:
:func:`recommend_units` (who is nearest per agency), :func:`overdue_acknowledgements`
(the reminder) and :func:`response_template` (the agencies a category calls for).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Literal

import msgspec
from msgspec.structs import replace

from models.case import Case
from models.catalogue import Catalogue
from models.errors import DomainError, IllegalMove, InvalidInput, NotPermitted, UnknownId
from models.geo import haversine_m, haversine_m_array
from models.org import DEFAULT_STALE_AFTER, Actor, Role, Unit, UnitKind, UnitStatus
from models.workflow import clean_text

MAX_UNITS = 50
"""Most units one operation may involve at once (a street's forces, not a district's)."""

MEET_AT_GRACE = timedelta(minutes=5)
"""How far in the past a meeting time may lie (the dispatcher's clock, a slow form)."""

MEET_AT_HORIZON = timedelta(hours=24)
"""How far ahead a meeting may be set: a joint patrol is for this shift or the next."""

ARRIVAL_RADIUS_M = 30.0
"""A unit within this distance of the meeting point has arrived (a terminal's geofence)."""

DEFAULT_ACK_LIMIT = timedelta(minutes=3)
"""An order not acknowledged within this time raises a reminder."""

TRAVEL_SPEED_M_S: Mapping[UnitKind, float] = {UnitKind.PERSON: 1.4, UnitKind.VEHICLE: 8.0}
"""Planning speeds: a person on foot, a vehicle in city traffic (about 30 km/h)."""

DETOUR_FACTOR = 1.3
"""Street distance over straight-line distance in a city grid, for the ETA."""


class JointState(StrEnum):
    """Where a joint operation stands."""

    CONVENED = "convened"  # 已召集: orders sent, units on their way
    ACTIVE = "active"  # 行动中: at least one unit is at the meeting point
    COMPLETED = "completed"  # 已完成 (with an outcome)
    CANCELLED = "cancelled"  # 已取消 (with a reason)

    @property
    def is_terminal(self) -> bool:
        return self in (JointState.COMPLETED, JointState.CANCELLED)


OPEN_JOINT_STATES = frozenset({JointState.CONVENED, JointState.ACTIVE})


class ParticipantState(StrEnum):
    """Where one unit of a joint operation stands."""

    NOTIFIED = "notified"  # 已通知: the order reached the terminal
    ACKNOWLEDGED = "acknowledged"  # 已确认
    EN_ROUTE = "en_route"  # 前往中
    ARRIVED = "arrived"  # 已到达
    RELEASED = "released"  # 已解散: the unit went back to its own work
    REPLACED = "replaced"  # 已替换: another unit took its place

    @property
    def engaged(self) -> bool:
        """Whether the unit still belongs to the operation."""
        return self not in (ParticipantState.RELEASED, ParticipantState.REPLACED)

    @property
    def departed(self) -> bool:
        """Whether the unit left its patrol for the operation (its status was changed)."""
        return self in (ParticipantState.EN_ROUTE, ParticipantState.ARRIVED)


class Participant(msgspec.Struct, frozen=True, kw_only=True):
    """One unit of a joint operation, with the time of every step it made.

    Attributes:
        unit_id: The unit.
        callsign: Its callsign, so that a terminal or console shows it without a lookup.
        department: Its department (agency).
        street_code: Its street/town: whose terminals act for it.
        state: Its step.
        notified_at: When the order was issued to it.
        released_at: When it was released or replaced.
        replaced_by: The unit that took its place (state ``replaced``).
    """

    unit_id: str
    callsign: str
    department: str
    street_code: str
    state: ParticipantState = ParticipantState.NOTIFIED
    notified_at: datetime
    acknowledged_at: datetime | None = None
    departed_at: datetime | None = None
    arrived_at: datetime | None = None
    released_at: datetime | None = None
    replaced_by: str | None = None


class JointOperation(msgspec.Struct, frozen=True, kw_only=True):
    """A joint operation (联勤行动) and everyone in it.

    Attributes:
        id: Its number, from 1.
        revision: Grows with every move; a command against an older one is a conflict.
        case_id: The case it was convened for, or ``None`` (a patrol called from nothing).
        case_number: That case's readable number.
        street_code: The street/town of the meeting point: whose consoles run it.
        agencies: The departments it needs (联勤单位).
        commander: The unit in command on site (one of the engaged participants).
        lon: Meeting point, WGS-84.
        lat: Meeting point, WGS-84.
        meet_at: When the units are to be there.
        participants: Every unit that was ordered, in order; released and replaced ones
            stay, so the operation keeps its whole record.
        activated_at: When the first unit arrived.
        finished_at: When it was completed or cancelled.
    """

    id: int
    revision: int = 1
    case_id: int | None = None
    case_number: str | None = None
    street_code: str
    agencies: tuple[str, ...]
    commander: str
    lon: float
    lat: float
    meet_at: datetime
    instructions: str = ""
    state: JointState = JointState.CONVENED
    participants: tuple[Participant, ...] = ()
    outcome: str = ""
    cancel_reason: str = ""
    convened_by: str
    convened_at: datetime
    updated_at: datetime
    activated_at: datetime | None = None
    finished_at: datetime | None = None

    def participant(self, unit_id: str) -> Participant | None:
        """The unit's participation, or ``None`` if it was never ordered."""
        for p in self.participants:
            if p.unit_id == unit_id:
                return p
        return None

    @property
    def engaged(self) -> tuple[Participant, ...]:
        """The participants still in the operation."""
        return tuple(p for p in self.participants if p.state.engaged)

    @property
    def streets(self) -> frozenset[str]:
        """The meeting point's street and every participant's: who may follow it."""
        return frozenset({self.street_code, *(p.street_code for p in self.participants)})


class JointEntry(msgspec.Struct, frozen=True, kw_only=True):
    """One step of an operation: who did what, when, from where, to which unit.

    Attributes:
        unit_id: The unit the move concerns, if it concerns one.
        details: Structured facts of the move (units convened, replacement, agencies...).
    """

    operation_id: int
    revision: int
    move: str
    unit_id: str | None = None
    actor_id: str
    actor_role: str
    terminal: str
    at: datetime
    from_state: JointState | None
    to_state: JointState
    note: str = ""
    details: dict[str, Any] = msgspec.field(default_factory=dict)


# --- the moves -------------------------------------------------------------------------


class JointMove(
    msgspec.Struct, frozen=True, kw_only=True, tag_field="move", forbid_unknown_fields=True
):
    """Base of every joint-operation command."""


class Convene(JointMove, tag="convene", frozen=True, kw_only=True):
    """召集: order units of the agencies to a meeting point (a new operation).

    Attributes:
        case_id: The case it is convened for, or ``None``.
        agencies: The departments needed; every one must send at least one unit.
        units: The units ordered, each of one of ``agencies``.
        commander: One of ``units``.
        lon: Meeting point, WGS-84.
        lat: Meeting point, WGS-84.
        meet_at: Meeting time (aware).
    """

    case_id: int | None = None
    agencies: tuple[str, ...]
    units: tuple[str, ...]
    commander: str
    lon: float
    lat: float
    meet_at: datetime
    instructions: str = ""


class AddUnit(JointMove, tag="add_unit", frozen=True, kw_only=True):
    """增派: order one more unit (of one of the operation's agencies)."""

    unit_id: str


class ReplaceUnit(JointMove, tag="replace_unit", frozen=True, kw_only=True):
    """替换: another unit takes a participant's place (and command, if it had it)."""

    unit_id: str
    by: str
    reason: str


class Acknowledge(JointMove, tag="acknowledge", frozen=True, kw_only=True):
    """确认: the unit's terminal confirms the order."""

    unit_id: str


class Depart(JointMove, tag="depart", frozen=True, kw_only=True):
    """出发: the unit sets off for the meeting point (its status becomes en route)."""

    unit_id: str


class Arrive(JointMove, tag="arrive", frozen=True, kw_only=True):
    """到达: the unit is at the meeting point (its status becomes on scene)."""

    unit_id: str


class Release(JointMove, tag="release", frozen=True, kw_only=True):
    """解散: one unit goes back to its own work before the operation ends."""

    unit_id: str
    note: str = ""


class Complete(JointMove, tag="complete", frozen=True, kw_only=True):
    """完成: the operation ends with its outcome; every unit is released."""

    outcome: str


class Cancel(JointMove, tag="cancel", frozen=True, kw_only=True):
    """取消: the operation is called off; every unit is released."""

    reason: str


AnyJointMove = (
    Convene | AddUnit | ReplaceUnit | Acknowledge | Depart | Arrive | Release | Complete | Cancel
)

UnitMove = Acknowledge | Depart | Arrive
"""The moves a unit's own terminal makes."""


# --- errors ----------------------------------------------------------------------------


class IllegalJointMove(IllegalMove):
    """A move that the operation's state, or its participant's, does not allow.

    The details name ``operation`` (where a case error names ``case``), ``state``, ``move``
    and ``reason``.
    """

    def __init__(self, operation: int | None, state: str, move: str, reason: str) -> None:
        label = "(new)" if operation is None else str(operation)
        DomainError.__init__(
            self,
            f"joint operation {label} in state '{state}': cannot {move}: {reason}",
            operation=label,
            state=state,
            move=move,
            reason=reason,
        )
        self.case = label
        self.state = state
        self.move = move
        self.reason = reason


class JointNotPermitted(IllegalJointMove, NotPermitted):
    """The actor's role or scope does not allow the move on the operation."""

    code = "not_permitted"


# --- context and results ---------------------------------------------------------------


@dataclass(frozen=True)
class JointContext:
    """What a move needs besides the operation.

    Attributes:
        actor: Who makes it.
        at: When.
        catalogue: The departments (agencies must have field forces).
        units: The units the move may name, as stored now (a mapping of id to unit).
        engaged: Units engaged in an open operation: unit id to that operation's id.
    """

    actor: Actor
    at: datetime
    catalogue: Catalogue
    units: Mapping[str, Unit] = field(default_factory=dict)
    engaged: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class JointTransition:
    """The result of a legal move.

    Attributes:
        before: The operation before (``None`` for a convening).
        operation: The operation after.
        entry: What happened.
        unit_statuses: The duty statuses the move gives to units, to write with it. A
            unit released goes back to patrol; the store leaves alone one whose terminal
            meanwhile put it on a break or off duty (it knows the unit's present status).
    """

    before: JointOperation | None
    operation: JointOperation
    entry: JointEntry
    unit_statuses: dict[str, UnitStatus]


CENTRE_ROLES = frozenset({Role.OPERATOR, Role.SUPERVISOR})
"""Who convenes, adds, replaces, releases, completes and cancels (dispatchers, 值班长)."""

TERMINAL_ROLES = frozenset({Role.FIELD})
"""Who acknowledges, departs and arrives: the unit's own terminal."""


# --- helpers ---------------------------------------------------------------------------


def _name(move: JointMove | type[JointMove]) -> str:
    tag = move.__struct_config__.tag
    assert isinstance(tag, str)
    return tag


def _refuse_role(
    op: JointOperation | None, move: str, actor: Actor, roles: frozenset[Role]
) -> None:
    if actor.role not in roles:
        allowed = ", ".join(sorted(r.value for r in roles))
        raise JointNotPermitted(
            op.id if op else None,
            op.state.value if op else "new",
            move,
            f"role '{actor.role}' may not; allowed: {allowed}",
        )


def _refuse_scope(op: JointOperation | None, move: str, actor: Actor, street: str) -> None:
    if not actor.covers(street):
        raise JointNotPermitted(
            op.id if op else None,
            op.state.value if op else "new",
            move,
            f"street {street} is outside scope {actor.scope}",
        )


def _aware(field_name: str, value: datetime) -> datetime:
    if value.tzinfo is None:
        raise InvalidInput(field_name, "must carry a time zone")
    return value


def check_point(lon: float, lat: float) -> None:
    """Refuse a point that is not a WGS-84 position (``InvalidInput`` on ``lon``, ``lat``)."""
    for name, value, bound in (("lon", lon, 180.0), ("lat", lat, 90.0)):
        if not isinstance(value, int | float) or not math.isfinite(value) or abs(value) > bound:
            raise InvalidInput(name, f"{value!r} is not a WGS-84 coordinate")


def _unit_for(ctx: JointContext, unit_id: str, field_name: str, op_id: int | None) -> Unit:
    """A unit that can be ordered now: it exists, is on duty, and is in no other operation."""
    unit = ctx.units.get(unit_id)
    if unit is None:
        raise UnknownId("unit", unit_id)
    if unit.status is UnitStatus.OFF_DUTY:
        raise InvalidInput(field_name, f"unit {unit_id} ({unit.callsign}) is off duty")
    other = ctx.engaged.get(unit_id)
    if other is not None and other != op_id:
        raise InvalidInput(
            field_name, f"unit {unit_id} ({unit.callsign}) is already in joint operation {other}"
        )
    return unit


def _new_participant(unit: Unit, at: datetime) -> Participant:
    return Participant(
        unit_id=unit.unit_id,
        callsign=unit.callsign,
        department=unit.department,
        street_code=unit.street_code,
        notified_at=at,
    )


def _released(p: Participant, at: datetime, statuses: dict[str, UnitStatus]) -> Participant:
    """``p`` released at ``at``; a unit that had left its patrol goes back to it."""
    if p.state.departed:
        statuses[p.unit_id] = UnitStatus.PATROL
    return replace(p, state=ParticipantState.RELEASED, released_at=at)


def _with(op: JointOperation, new: Participant) -> tuple[Participant, ...]:
    return tuple(new if p.unit_id == new.unit_id else p for p in op.participants)


def check_agencies(agencies: Sequence[str], catalogue: Catalogue) -> tuple[str, ...]:
    """The agencies, checked: known departments with field forces, each named once.

    Raises:
        InvalidInput: none given, one named twice, or one without field forces.
        UnknownId: an unknown department.
    """
    if not agencies:
        raise InvalidInput("agencies", "name at least one agency")
    seen: set[str] = set()
    for i, code in enumerate(agencies):
        department = catalogue.department(code)
        if code in seen:
            raise InvalidInput(f"agencies[{i}]", f"{code} is named twice")
        if not department.field_forces:
            raise InvalidInput(
                f"agencies[{i}]", f"{code} ({department.name_en}) has no field forces to send"
            )
        seen.add(code)
    return tuple(agencies)


# --- convening -------------------------------------------------------------------------


def convene(
    move: Convene,
    *,
    operation_id: int,
    street_code: str,
    ctx: JointContext,
    case: Case | None = None,
) -> JointTransition:
    """Create an operation from a :class:`Convene` move.

    Args:
        move: The move.
        operation_id: The new operation's id.
        street_code: The street/town of the meeting point (located by the caller).
        ctx: Who, when, the units and who is engaged elsewhere.
        case: The case named by ``move.case_id`` (loaded by the caller), if any.

    Raises:
        JointNotPermitted: the actor's role or scope does not allow it.
        IllegalMove: the case is finished.
        InvalidInput: a bad field (names it: ``units[2]``, ``meet_at``...).
        UnknownId: an unknown unit or department.
    """
    name = _name(move)
    actor = ctx.actor
    _refuse_role(None, name, actor, CENTRE_ROLES)
    _refuse_scope(None, name, actor, street_code)
    if (case is None) != (move.case_id is None):
        raise InvalidInput("case_id", "the case given does not match the move")
    if case is not None:
        if case.state.is_terminal:
            raise IllegalMove(
                case.number, case.state.value, name, "a finished case needs no joint operation"
            )
        if not actor.covers(case.street_code):
            raise NotPermitted(
                case.number, case.state.value, name, f"the case is outside scope {actor.scope}"
            )
    check_point(move.lon, move.lat)
    meet_at = _aware("meet_at", move.meet_at)
    if meet_at < ctx.at - MEET_AT_GRACE:
        raise InvalidInput("meet_at", f"{meet_at.isoformat()} is in the past")
    if meet_at > ctx.at + MEET_AT_HORIZON:
        raise InvalidInput("meet_at", f"is more than {MEET_AT_HORIZON} ahead")
    agencies = check_agencies(move.agencies, ctx.catalogue)
    if not move.units:
        raise InvalidInput("units", "order at least one unit")
    if len(move.units) > MAX_UNITS:
        raise InvalidInput("units", f"{len(move.units)} units; at most {MAX_UNITS}")
    participants: list[Participant] = []
    for i, unit_id in enumerate(move.units):
        if unit_id in move.units[:i]:
            raise InvalidInput(f"units[{i}]", f"unit {unit_id} is named twice")
        unit = _unit_for(ctx, unit_id, f"units[{i}]", None)
        if unit.department not in agencies:
            raise InvalidInput(
                f"units[{i}]",
                f"unit {unit_id} is of {unit.department}, not one of the agencies "
                f"{', '.join(agencies)}",
            )
        participants.append(_new_participant(unit, ctx.at))
    sent = {p.department for p in participants}
    for i, code in enumerate(agencies):
        if code not in sent:
            raise InvalidInput(f"agencies[{i}]", f"no unit of {code} is ordered")
    if move.commander not in move.units:
        raise InvalidInput("commander", f"{move.commander!r} is not one of the units ordered")
    instructions = clean_text("instructions", move.instructions, required=False)
    op = JointOperation(
        id=operation_id,
        case_id=case.id if case else None,
        case_number=case.number if case else None,
        street_code=street_code,
        agencies=agencies,
        commander=move.commander,
        lon=float(move.lon),
        lat=float(move.lat),
        meet_at=meet_at,
        instructions=instructions,
        participants=tuple(participants),
        convened_by=actor.user_id,
        convened_at=ctx.at,
        updated_at=ctx.at,
    )
    details: dict[str, Any] = {
        "units": list(move.units),
        "agencies": list(agencies),
        "commander": move.commander,
        "case": op.case_number,
    }
    entry = _entry(op, name, None, ctx, instructions, details)
    return JointTransition(before=None, operation=op, entry=entry, unit_statuses={})


# --- the other moves -------------------------------------------------------------------

Effect = tuple[JointOperation, str, dict[str, Any], dict[str, UnitStatus]]
"""What a move's effect returns: the changed operation, a note, details, unit statuses."""


def _participant_in(op: JointOperation, move: str, unit_id: str) -> Participant:
    p = op.participant(unit_id)
    if p is None:
        raise IllegalJointMove(op.id, op.state.value, move, f"unit {unit_id} is not in it")
    return p


def _step(op: JointOperation, move: str, unit_id: str, expected: ParticipantState) -> Participant:
    p = _participant_in(op, move, unit_id)
    if p.state is not expected:
        raise IllegalJointMove(
            op.id,
            op.state.value,
            move,
            f"unit {unit_id} is {p.state.value}; only a unit {expected.value} can {move}",
        )
    return p


def _acknowledge(op: JointOperation, move: Acknowledge, ctx: JointContext) -> Effect:
    p = _step(op, "acknowledge", move.unit_id, ParticipantState.NOTIFIED)
    p = replace(p, state=ParticipantState.ACKNOWLEDGED, acknowledged_at=ctx.at)
    waited = (ctx.at - p.notified_at).total_seconds()
    return replace(op, participants=_with(op, p)), "", {"after_seconds": waited}, {}


def _depart(op: JointOperation, move: Depart, ctx: JointContext) -> Effect:
    p = _step(op, "depart", move.unit_id, ParticipantState.ACKNOWLEDGED)
    p = replace(p, state=ParticipantState.EN_ROUTE, departed_at=ctx.at)
    statuses = {p.unit_id: UnitStatus.EN_ROUTE}
    return replace(op, participants=_with(op, p)), "", {}, statuses


def _arrive(op: JointOperation, move: Arrive, ctx: JointContext) -> Effect:
    p = _step(op, "arrive", move.unit_id, ParticipantState.EN_ROUTE)
    p = replace(p, state=ParticipantState.ARRIVED, arrived_at=ctx.at)
    changes: dict[str, Any] = {"participants": _with(op, p)}
    if op.state is JointState.CONVENED:
        changes.update(state=JointState.ACTIVE, activated_at=ctx.at)
    late = (ctx.at - op.meet_at).total_seconds()
    return (
        replace(op, **changes),
        "",
        {"late_seconds": max(0.0, late)},
        {p.unit_id: UnitStatus.ON_SCENE},
    )


def _add_unit(op: JointOperation, move: AddUnit, ctx: JointContext) -> Effect:
    if op.participant(move.unit_id) is not None:
        raise IllegalJointMove(
            op.id, op.state.value, "add_unit", f"unit {move.unit_id} was already ordered"
        )
    if len(op.engaged) >= MAX_UNITS:
        raise IllegalJointMove(op.id, op.state.value, "add_unit", f"it has {MAX_UNITS} units")
    unit = _unit_for(ctx, move.unit_id, "unit_id", op.id)
    if unit.department not in op.agencies:
        raise InvalidInput(
            "unit_id",
            f"unit {unit.unit_id} is of {unit.department}, not one of the agencies "
            f"{', '.join(op.agencies)}",
        )
    p = _new_participant(unit, ctx.at)
    return replace(op, participants=(*op.participants, p)), "", {}, {}


def _replace_unit(op: JointOperation, move: ReplaceUnit, ctx: JointContext) -> Effect:
    reason = clean_text("reason", move.reason)
    old = _participant_in(op, "replace_unit", move.unit_id)
    if not old.state.engaged:
        raise IllegalJointMove(
            op.id, op.state.value, "replace_unit", f"unit {old.unit_id} is {old.state.value}"
        )
    if op.participant(move.by) is not None:
        raise IllegalJointMove(
            op.id, op.state.value, "replace_unit", f"unit {move.by} was already ordered"
        )
    unit = _unit_for(ctx, move.by, "by", op.id)
    if unit.department not in op.agencies:
        raise InvalidInput(
            "by",
            f"unit {unit.unit_id} is of {unit.department}, not one of the agencies "
            f"{', '.join(op.agencies)}",
        )
    statuses: dict[str, UnitStatus] = {}
    gone = replace(
        _released(old, ctx.at, statuses), state=ParticipantState.REPLACED, replaced_by=move.by
    )
    new = _new_participant(unit, ctx.at)
    commander = move.by if op.commander == old.unit_id else op.commander
    changed = replace(op, participants=(*_with(op, gone), new), commander=commander)
    details = {"by": move.by, "commander": commander == move.by}
    return changed, reason, details, statuses


def _release(op: JointOperation, move: Release, ctx: JointContext) -> Effect:
    p = _participant_in(op, "release", move.unit_id)
    if not p.state.engaged:
        raise IllegalJointMove(
            op.id, op.state.value, "release", f"unit {p.unit_id} is {p.state.value}"
        )
    if p.unit_id == op.commander:
        raise IllegalJointMove(
            op.id,
            op.state.value,
            "release",
            f"unit {p.unit_id} is the commander: replace it, or complete the operation",
        )
    statuses: dict[str, UnitStatus] = {}
    gone = _released(p, ctx.at, statuses)
    note = clean_text("note", move.note, required=False)
    return replace(op, participants=_with(op, gone)), note, {}, statuses


def _finish(op: JointOperation, ctx: JointContext, **changes: Any) -> Effect:
    statuses: dict[str, UnitStatus] = {}
    participants = tuple(
        _released(p, ctx.at, statuses) if p.state.engaged else p for p in op.participants
    )
    released = [p.unit_id for p in op.participants if p.state.engaged]
    new = replace(op, participants=participants, finished_at=ctx.at, **changes)
    return new, "", {"released": released}, statuses


def _complete(op: JointOperation, move: Complete, ctx: JointContext) -> Effect:
    outcome = clean_text("outcome", move.outcome)
    new, _, details, statuses = _finish(op, ctx, state=JointState.COMPLETED, outcome=outcome)
    return new, outcome, details, statuses


def _cancel(op: JointOperation, move: Cancel, ctx: JointContext) -> Effect:
    reason = clean_text("reason", move.reason)
    new, _, details, statuses = _finish(op, ctx, state=JointState.CANCELLED, cancel_reason=reason)
    return new, reason, details, statuses


@dataclass(frozen=True)
class _Spec:
    roles: frozenset[Role]
    states: frozenset[JointState]
    effect: Callable[[JointOperation, Any, JointContext], Effect]


JOINT_MOVES: dict[type[JointMove], _Spec] = {
    AddUnit: _Spec(CENTRE_ROLES, OPEN_JOINT_STATES, _add_unit),
    ReplaceUnit: _Spec(CENTRE_ROLES, OPEN_JOINT_STATES, _replace_unit),
    Acknowledge: _Spec(TERMINAL_ROLES, OPEN_JOINT_STATES, _acknowledge),
    Depart: _Spec(TERMINAL_ROLES, OPEN_JOINT_STATES, _depart),
    Arrive: _Spec(TERMINAL_ROLES, OPEN_JOINT_STATES, _arrive),
    Release: _Spec(CENTRE_ROLES, OPEN_JOINT_STATES, _release),
    Complete: _Spec(CENTRE_ROLES, frozenset({JointState.ACTIVE}), _complete),
    Cancel: _Spec(CENTRE_ROLES, OPEN_JOINT_STATES, _cancel),
}
"""Every move on an existing operation: who may make it, from which states, what it does.
A terminal's moves are further limited to units of its scope; the centre's to operations
of its scope."""


def _refusal_reason(states: frozenset[JointState]) -> str:
    if states == frozenset({JointState.ACTIVE}):
        return "only once a unit has arrived (cancel an operation no one reached)"
    return "the operation is over"


def apply_joint(op: JointOperation, move: JointMove, ctx: JointContext) -> JointTransition:
    """Make ``move`` on ``op`` (any move but :class:`Convene`, see :func:`convene`).

    Raises:
        IllegalJointMove: the operation's or the participant's state does not allow it.
        JointNotPermitted: the actor's role or scope does not allow it.
        InvalidInput: a field is missing or wrong.
        UnknownId: the move names a unit that does not exist.
    """
    if isinstance(move, Convene):
        raise InvalidInput("move", "convene makes a new operation; it is not made on one")
    spec = JOINT_MOVES[type(move)]
    name = _name(move)
    if op.state not in spec.states:
        raise IllegalJointMove(op.id, op.state.value, name, _refusal_reason(spec.states))
    _refuse_role(op, name, ctx.actor, spec.roles)
    if spec.roles is TERMINAL_ROLES:
        assert isinstance(move, UnitMove)
        p = _participant_in(op, name, move.unit_id)
        _refuse_scope(op, name, ctx.actor, p.street_code)
    else:
        _refuse_scope(op, name, ctx.actor, op.street_code)
    new, note, details, statuses = spec.effect(op, move, ctx)
    new = replace(new, revision=op.revision + 1, updated_at=ctx.at)
    unit_id = getattr(move, "unit_id", None)
    return JointTransition(
        before=op,
        operation=new,
        entry=_entry(new, name, op.state, ctx, note, details, unit_id),
        unit_statuses=statuses,
    )


def allowed_joint_moves(op: JointOperation, actor: Actor) -> list[str]:
    """Names of the operation-wide moves ``actor`` may make now (for enabling UI actions).

    Per-unit moves also depend on the unit's step: see :func:`next_unit_move`.
    """
    names: list[str] = []
    for move_type, spec in JOINT_MOVES.items():
        if op.state not in spec.states or actor.role not in spec.roles:
            continue
        if spec.roles is CENTRE_ROLES and actor.covers(op.street_code):
            names.append(_name(move_type))
    return names


_NEXT_UNIT_MOVE: dict[ParticipantState, type[UnitMove]] = {
    ParticipantState.NOTIFIED: Acknowledge,
    ParticipantState.ACKNOWLEDGED: Depart,
    ParticipantState.EN_ROUTE: Arrive,
}


def next_unit_move(op: JointOperation, unit_id: str) -> type[UnitMove] | None:
    """The move a unit's terminal makes next on ``op``, or ``None`` (done, or not in it)."""
    p = op.participant(unit_id)
    if p is None or op.state.is_terminal:
        return None
    return _NEXT_UNIT_MOVE.get(p.state)


def _entry(
    op: JointOperation,
    move: str,
    from_state: JointState | None,
    ctx: JointContext,
    note: str,
    details: dict[str, Any],
    unit_id: str | None = None,
) -> JointEntry:
    return JointEntry(
        operation_id=op.id,
        revision=op.revision,
        move=move,
        unit_id=unit_id,
        actor_id=ctx.actor.user_id,
        actor_role=ctx.actor.role.value,
        terminal=ctx.actor.terminal,
        at=ctx.at,
        from_state=from_state,
        to_state=op.state,
        note=note,
        details=details,
    )


# --- reminders ---------------------------------------------------------------------------


def overdue_acknowledgements(
    op: JointOperation, now: datetime, limit: timedelta = DEFAULT_ACK_LIMIT
) -> tuple[Participant, ...]:
    """The units that were ordered ``limit`` ago or longer and have not acknowledged.

    Oldest order first (then by unit id); empty once the operation is over.
    """
    if op.state.is_terminal:
        return ()
    late = [
        p
        for p in op.participants
        if p.state is ParticipantState.NOTIFIED and now - p.notified_at >= limit
    ]
    return tuple(sorted(late, key=lambda p: (p.notified_at, p.unit_id)))


def has_arrived(lon: float, lat: float, op: JointOperation) -> bool:
    """Whether a position lies within :data:`ARRIVAL_RADIUS_M` of the meeting point."""
    return haversine_m(lon, lat, op.lon, op.lat) <= ARRIVAL_RADIUS_M


# --- recommendation ----------------------------------------------------------------------


class Recommendation(msgspec.Struct, frozen=True, kw_only=True):
    """An available unit proposed for an agency, with how far it is and how soon there.

    Attributes:
        distance_m: Straight-line distance to the meeting point.
        eta_s: Estimated travel time: the distance with a city detour, at the planning
            speed of the unit's kind (:data:`TRAVEL_SPEED_M_S`).
        last_fix_at: When its position was reported.
    """

    unit_id: str
    callsign: str
    department: str
    kind: UnitKind
    street_code: str
    distance_m: float
    eta_s: float
    last_fix_at: datetime


def eta_seconds(distance_m: float, kind: UnitKind) -> float:
    """Travel time of a unit of ``kind`` over ``distance_m`` of straight line."""
    return distance_m * DETOUR_FACTOR / TRAVEL_SPEED_M_S[kind]


def recommend_units(
    units: Iterable[Unit],
    lon: float,
    lat: float,
    agencies: Sequence[str],
    now: datetime,
    stale_after: timedelta = DEFAULT_STALE_AFTER,
    *,
    per_agency: int = 5,
    rank_by: Literal["eta", "distance"] = "eta",
    exclude: Collection[str] = (),
) -> dict[str, list[Recommendation]]:
    """The nearest available units of each agency to a meeting point, best first.

    A unit qualifies when it is on patrol (available), has a position, its last report is
    not older than ``stale_after`` (a stale unit must not count as available), and it is
    not in ``exclude`` (e.g. units already in another operation).

    Ranking is by ETA (or by distance), compared in whole seconds (whole metres), so that
    near-equal candidates are told apart by what matters next: the other measure, then the
    fresher position, then the unit id, which makes the order deterministic.

    Args:
        units: Units with their live status and position.
        lon: Meeting point, WGS-84.
        lat: Meeting point, WGS-84.
        agencies: Department codes, in the order the result keeps.
        now: The present, for staleness.
        stale_after: Age after which a position no longer counts.
        per_agency: Most units proposed per agency.
        rank_by: ``"eta"`` or ``"distance"``.
        exclude: Unit ids never to propose.

    Returns:
        Agency code to its candidates (an empty list when none is available).

    Raises:
        InvalidInput: a bad point, ``per_agency`` below 1, or an unknown ``rank_by``.
    """
    check_point(lon, lat)
    if per_agency < 1:
        raise InvalidInput("per_agency", "must be at least 1")
    if rank_by not in ("eta", "distance"):
        raise InvalidInput("rank_by", f"{rank_by!r} is not 'eta' or 'distance'")
    wanted = set(agencies)
    candidates = [
        u
        for u in units
        if u.department in wanted
        and u.unit_id not in exclude
        and u.lon is not None
        and u.lat is not None
        and u.is_available(now, stale_after)
    ]
    result: dict[str, list[Recommendation]] = {code: [] for code in agencies}
    if not candidates:
        return result
    lons = [u.lon for u in candidates if u.lon is not None]
    lats = [u.lat for u in candidates if u.lat is not None]
    distances = haversine_m_array(lons, lats, lon, lat).tolist()
    ranked: list[tuple[tuple[float, float, float, str], Recommendation]] = []
    for unit, distance in zip(candidates, distances, strict=True):
        assert unit.last_fix_at is not None  # available units have a fix
        eta = eta_seconds(distance, unit.kind)
        first, second = (round(eta), round(distance))[:: 1 if rank_by == "eta" else -1]
        key = (first, second, -unit.last_fix_at.timestamp(), unit.unit_id)
        ranked.append(
            (
                key,
                Recommendation(
                    unit_id=unit.unit_id,
                    callsign=unit.callsign,
                    department=unit.department,
                    kind=unit.kind,
                    street_code=unit.street_code,
                    distance_m=distance,
                    eta_s=eta,
                    last_fix_at=unit.last_fix_at,
                ),
            )
        )
    ranked.sort(key=lambda item: item[0])
    for _, rec in ranked:
        chosen = result[rec.department]
        if len(chosen) < per_agency:
            chosen.append(rec)
    return result


def response_template(catalogue: Catalogue, category: str) -> tuple[str, ...]:
    """The agencies a joint operation for ``category`` calls for by default (run card).

    The category's responsible department and its joint departments, in that order, as
    far as they have field forces to send.

    Raises:
        UnknownId: an unknown category.
    """
    entry = catalogue.category(category)
    codes = dict.fromkeys((entry.department, *entry.joint_departments))
    return tuple(c for c in codes if catalogue.department(c).field_forces)


def engaged_units(operations: Iterable[JointOperation]) -> dict[str, int]:
    """Unit id to the open operation it is engaged in (for :class:`JointContext`)."""
    return {
        p.unit_id: op.id
        for op in operations
        if not op.state.is_terminal
        for p in op.participants
        if p.state.engaged
    }
