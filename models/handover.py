"""The shift handover (交接班): the packet passed on, and its signing, as plain values.

At the end of a shift the outgoing supervisor generates a packet from the centre's state
(:func:`build_packet`): the shift's figures, open cases by state, the overdue list, joint
operations in progress, notable incidents, open alarms and staffing. They add notes and
submit; the incoming supervisor signs it, or returns it with comments, after which it can be
regenerated and submitted again::

    generate ─▶ draft ─submit─▶ submitted ─sign─▶ signed (immutable)
                                    │ return
                                    ▼
                                 returned ─submit─▶ submitted ...

    (generating again refreshes the packet of a draft or a returned handover)

A signed handover is an immutable record: every move on it is refused with
:class:`HandoverSigned`. Until it is signed, :func:`reminder_level` says how urgently the
supervisors must be reminded after the shift's end.

Every move returns a new :class:`Handover` (immutable values, like cases) and never
changes the one it was given.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from enum import IntEnum, StrEnum

import msgspec
from msgspec.structs import replace

from models.calendar import to_utc
from models.case import STEP_OF_STATE, Case, CaseState, HistoryEntry
from models.case_facts import facts_of
from models.catalogue import Urgency
from models.errors import DomainError, InvalidInput
from models.evaluation import Period, Ratio, evaluate_one
from models.org import DEFAULT_STALE_AFTER, Actor, Role, Unit, UnitStatus
from models.shifts import DEFAULT_REMINDER_MINUTES, Roster, Shift
from models.workflow import MAX_TEXT

MAX_LINES = 100
"""Most cases one list of a packet shows; ``*_total`` says how many there are in all.

A packet travels whole in events and answers (1 MiB frames), and a supervisor reads the
first hundred overdue cases, not the thousandth.
"""

READER_ROLES = frozenset({Role.SUPERVISOR, Role.LEADER, Role.ADMIN})
"""Who may read handovers: the supervisors who write them, leaders and administrators."""

DESCRIPTION_CHARS = 60
"""A case line keeps the start of the description, enough to recognise the case."""


# --- errors --------------------------------------------------------------------------------


class IllegalHandoverMove(DomainError):
    """A handover move that the handover's state does not allow."""

    code = "illegal_move"

    def __init__(self, handover: str, state: str, move: str, reason: str) -> None:
        super().__init__(
            f"handover {handover} in state '{state}': cannot {move}: {reason}",
            handover=handover,
            state=state,
            move=move,
            reason=reason,
        )
        self.handover = handover
        self.state = state
        self.move = move
        self.reason = reason


class HandoverSigned(IllegalHandoverMove):
    """Any change to a signed handover: it is an immutable record."""

    def __init__(self, handover: str, move: str) -> None:
        super().__init__(
            handover, HandoverState.SIGNED.value, move, "a signed handover is immutable"
        )


class HandoverNotPermitted(IllegalHandoverMove):
    """The actor's role or scope does not allow the move (the state may well allow it)."""

    code = "not_permitted"


# --- the packet ----------------------------------------------------------------------------


class ShiftFigures(msgspec.Struct, frozen=True, kw_only=True):
    """What a shift did, counted from the case histories over the shift's period.

    Attributes:
        received: Cases reported during the shift (every source).
        filed: Cases filed (立案) during the shift.
        dispatched: Cases first dispatched during the shift.
        closed: Cases closed (结案) during the shift.
        on_time: The on-time handling rate (按期处置率) of the cases due for handling in
            the shift, as :func:`models.evaluation.evaluate_one` counts it.
        overdue: Cases whose deadline passed during the shift (超期).
        returned: Orders returned by a department during the shift (回退).
        urged: Supervision moves (督办) during the shift.
    """

    received: int = 0
    filed: int = 0
    dispatched: int = 0
    closed: int = 0
    on_time: Ratio = Ratio(0, 0)
    overdue: int = 0
    returned: int = 0
    urged: int = 0


class CaseLine(msgspec.Struct, frozen=True, kw_only=True):
    """A case as a handover lists it.

    Attributes:
        deadline: The current step's deadline, if a clock runs.
        department: The department holding the active order, if any.
    """

    case_id: int
    number: str
    state: CaseState
    category: str
    urgency: Urgency
    street_code: str | None
    address: str
    description: str
    reported_at: datetime
    deadline: datetime | None = None
    department: str | None = None


class NotableReason(StrEnum):
    """Why a case is among a handover's notable incidents."""

    URGENT = "urgent"  # 紧急/特急
    RETURNED_TWICE = "returned_twice"  # 两次以上回退
    SUPERVISED = "supervised"  # 督办中


class NotableCase(msgspec.Struct, frozen=True, kw_only=True):
    case: CaseLine
    reasons: tuple[NotableReason, ...]


class AlarmLine(msgspec.Struct, frozen=True, kw_only=True):
    """An open alarm: a step whose warning share has elapsed (预警), not yet overdue."""

    case: CaseLine
    step: str


class Staffing(msgspec.Struct, frozen=True, kw_only=True):
    """Who was on duty, as the packet shows it.

    Attributes:
        units_by_status: Field units in the handover's scope by duty status (off duty too).
        on_duty: Units not off duty.
        stale: Units on duty whose last position is older than the stale limit.
        operators: User ids of the operators who worked cases during the shift.
    """

    units_by_status: dict[UnitStatus, int] = msgspec.field(default_factory=dict)
    on_duty: int = 0
    stale: int = 0
    operators: tuple[str, ...] = ()


class HandoverPacket(msgspec.Struct, frozen=True, kw_only=True):
    """The content a shift passes on, generated from the centre's state at ``generated_at``.

    Each list holds at most :data:`MAX_LINES` items, the most pressing first; its
    ``*_total`` says how many there are.

    Attributes:
        figures: The shift's figures.
        open_by_state: Open cases by state (only states that have some).
        open_total: All open cases.
        overdue: Open cases past their current step's deadline, earliest deadline first.
        joint: Joint operations in progress (联勤联动: cases dispatched comprehensively).
        notable: Open cases that are urgent, returned twice or more, or under supervision.
        alarms: Open deadline alarms (预警), earliest deadline first.
        staffing: Units on duty by status and the shift's operators.
    """

    generated_at: datetime
    figures: ShiftFigures
    open_by_state: dict[CaseState, int]
    open_total: int
    overdue: tuple[CaseLine, ...] = ()
    overdue_total: int = 0
    joint: tuple[CaseLine, ...] = ()
    joint_total: int = 0
    notable: tuple[NotableCase, ...] = ()
    notable_total: int = 0
    alarms: tuple[AlarmLine, ...] = ()
    alarms_total: int = 0
    staffing: Staffing = msgspec.field(default_factory=Staffing)

    def case_numbers(self) -> set[str]:
        """Every case number the packet lists."""
        lines = [*self.overdue, *self.joint]
        lines += [n.case for n in self.notable] + [a.case for a in self.alarms]
        return {line.number for line in lines}


def shift_figures(
    records: Iterable[tuple[Case, Sequence[HistoryEntry]]], period: Period, as_of: datetime
) -> ShiftFigures:
    """The figures of a shift from the cases it touched and their whole histories.

    Args:
        records: Each case with its history in revision order; cases the shift did not
            touch may be included, they count nowhere.
        period: The shift, half-open.
        as_of: The instant the figures are taken at (later steps do not count).
    """
    as_of = to_utc(as_of, "as_of")

    def during(t: datetime) -> bool:
        # As in the evaluation: what happens after ``as_of`` has not happened yet.
        return t in period and t <= as_of

    facts = []
    received = closed = returned = urged = 0
    overdue: set[int] = set()
    for case, history in records:
        facts.append(facts_of(case, history))
        received += during(case.reported_at)
        if case.state is CaseState.CLOSED and case.closed_at is not None:
            closed += during(case.closed_at)
        for entry in history:
            if not during(entry.at):
                continue
            if entry.move == "deadline_overdue":
                overdue.add(entry.case_id)
            elif entry.move == "department_return":
                returned += 1
            elif entry.move == "urge":
                urged += 1
    indicators = evaluate_one(facts, period, as_of)
    return ShiftFigures(
        received=received,
        filed=indicators.counts.filed,
        dispatched=indicators.counts.dispatched,
        closed=closed,
        on_time=indicators.on_time_handling,
        overdue=len(overdue),
        returned=returned,
        urged=urged,
    )


def case_line(case: Case) -> CaseLine:
    """How a handover lists ``case``."""
    order = case.active_order
    description = case.description
    if len(description) > DESCRIPTION_CHARS:
        description = description[: DESCRIPTION_CHARS - 1] + "…"
    return CaseLine(
        case_id=case.id,
        number=case.number,
        state=case.state,
        category=case.category,
        urgency=case.urgency,
        street_code=case.street_code,
        address=case.location.address,
        description=description,
        reported_at=case.reported_at,
        deadline=case.step_deadline,
        department=order.department if order is not None else None,
    )


def notable_reasons(case: Case) -> tuple[NotableReason, ...]:
    """Why ``case`` is a notable incident (empty: it is not)."""
    reasons = []
    if case.urgency is not Urgency.NORMAL:
        reasons.append(NotableReason.URGENT)
    if case.return_count >= 2:
        reasons.append(NotableReason.RETURNED_TWICE)
    if case.supervised:
        reasons.append(NotableReason.SUPERVISED)
    return tuple(reasons)


def _by_deadline(case: Case) -> tuple[datetime, str]:
    assert case.step_deadline is not None
    return case.step_deadline, case.number


def build_packet(
    open_cases: Iterable[Case],
    records: Iterable[tuple[Case, Sequence[HistoryEntry]]],
    units: Iterable[Unit],
    shift: Shift,
    now: datetime,
    *,
    stale_after: timedelta = DEFAULT_STALE_AFTER,
) -> HandoverPacket:
    """Generate the packet of ``shift`` from plain state.

    Args:
        open_cases: The cases open now in the handover's scope (finished ones are skipped).
        records: The cases the shift touched, each with its whole history (for the
            figures); may overlap ``open_cases``.
        units: The field units in the handover's scope.
        shift: The shift handed over.
        now: When the packet is generated.
        stale_after: Age after which a unit's last position no longer counts.
    """
    now = to_utc(now, "now")
    records = list(records)
    live = sorted(
        (c for c in open_cases if not c.state.is_terminal), key=lambda c: (c.reported_at, c.id)
    )
    overdue = sorted((c for c in live if c.overdue and c.step_deadline), key=_by_deadline)
    alarms = sorted(
        (
            c
            for c in live
            if c.warned and not c.overdue and c.step_deadline and c.state in STEP_OF_STATE
        ),
        key=_by_deadline,
    )
    joint = [c for c in live if c.joint]
    notable = [(c, reasons) for c in live if (reasons := notable_reasons(c))]
    # Critical before urgent, then the oldest report first.
    notable.sort(key=lambda item: (item[0].urgency is not Urgency.CRITICAL, item[0].reported_at))
    units = list(units)
    on_duty = [u for u in units if u.status is not UnitStatus.OFF_DUTY]
    operators = {
        e.actor_id
        for _, history in records
        for e in history
        if e.actor_role == Role.OPERATOR.value and e.at in Period(shift.start, shift.end)
    }
    return HandoverPacket(
        generated_at=now,
        figures=shift_figures(records, Period(shift.start, shift.end), now),
        open_by_state=dict(sorted(Counter(c.state for c in live).items())),
        open_total=len(live),
        overdue=tuple(case_line(c) for c in overdue[:MAX_LINES]),
        overdue_total=len(overdue),
        joint=tuple(case_line(c) for c in joint[:MAX_LINES]),
        joint_total=len(joint),
        notable=tuple(
            NotableCase(case=case_line(c), reasons=reasons) for c, reasons in notable[:MAX_LINES]
        ),
        notable_total=len(notable),
        alarms=tuple(
            AlarmLine(case=case_line(c), step=STEP_OF_STATE[c.state].value)
            for c in alarms[:MAX_LINES]
        ),
        alarms_total=len(alarms),
        staffing=Staffing(
            units_by_status=dict(sorted(Counter(u.status for u in units).items())),
            on_duty=len(on_duty),
            stale=sum(u.is_stale(now, stale_after) for u in on_duty),
            operators=tuple(sorted(operators)),
        ),
    )


def observed_roster(supervisor: str, packet: HandoverPacket, units: Iterable[Unit]) -> Roster:
    """The roster of a shift as the packet saw it: its supervisor, operators and units on duty."""
    return Roster(
        supervisor=supervisor,
        operators=packet.staffing.operators,
        units=tuple(sorted(u.unit_id for u in units if u.status is not UnitStatus.OFF_DUTY)),
    )


# --- the handover and its moves --------------------------------------------------------------


class HandoverState(StrEnum):
    DRAFT = "draft"  # 草稿
    SUBMITTED = "submitted"  # 已提交待接班签收
    SIGNED = "signed"  # 已签收 (immutable)
    RETURNED = "returned"  # 已退回


class HandoverNotes(msgspec.Struct, frozen=True, kw_only=True):
    """The outgoing supervisor's notes (each at most ``MAX_TEXT`` characters).

    Attributes:
        staffing: Staffing notes (人员情况): absences, reinforcements...
        equipment: Equipment notes (设备情况): terminals, vehicles, screens...
        other: Anything else the next shift must know (其他事项).
    """

    staffing: str = ""
    equipment: str = ""
    other: str = ""


class HandoverEntry(msgspec.Struct, frozen=True, kw_only=True):
    """One step of a handover's life: who did what, when, and the comment."""

    move: str
    actor_id: str
    actor_name: str
    at: datetime
    comment: str = ""


class Handover(msgspec.Struct, frozen=True, kw_only=True):
    """One shift's handover in one scope.

    Attributes:
        id: ``"<scope>/<shift id>"``, e.g. ``"310115/2026-11-30/night"``: one per shift and
            scope.
        scope: ``DISTRICT_SCOPE`` or the street/town whose centre hands over.
        revision: Grows with every move; a move against an older revision is a conflict.
        outgoing: User id of the outgoing supervisor (who generated or last submitted).
        incoming: User id of the incoming supervisor who signed or returned it.
        submitted_at: When it was last submitted.
        signed_at: When it was signed.
        comments: The incoming supervisor's comments on the last return (or signature).
        log: Every move, oldest first.
    """

    id: str
    shift: Shift
    scope: str
    state: HandoverState
    revision: int
    packet: HandoverPacket
    notes: HandoverNotes = msgspec.field(default_factory=HandoverNotes)
    roster: Roster = msgspec.field(default_factory=Roster)
    outgoing: str
    outgoing_name: str = ""
    incoming: str | None = None
    incoming_name: str = ""
    submitted_at: datetime | None = None
    signed_at: datetime | None = None
    comments: str = ""
    log: tuple[HandoverEntry, ...] = ()

    @property
    def return_count(self) -> int:
        return sum(e.move == "return" for e in self.log)


class HandoverSummary(msgspec.Struct, frozen=True, kw_only=True):
    """A handover as a list shows it, without its packet (see :func:`summary`)."""

    id: str
    shift: Shift
    scope: str
    state: HandoverState
    revision: int
    outgoing: str
    outgoing_name: str
    incoming: str | None
    incoming_name: str
    submitted_at: datetime | None
    signed_at: datetime | None
    open_total: int
    overdue_total: int
    return_count: int


def summary(handover: Handover) -> HandoverSummary:
    h = handover
    return HandoverSummary(
        id=h.id,
        shift=h.shift,
        scope=h.scope,
        state=h.state,
        revision=h.revision,
        outgoing=h.outgoing,
        outgoing_name=h.outgoing_name,
        incoming=h.incoming,
        incoming_name=h.incoming_name,
        submitted_at=h.submitted_at,
        signed_at=h.signed_at,
        open_total=h.packet.open_total,
        overdue_total=h.packet.overdue_total,
        return_count=h.return_count,
    )


def search_text(handover: Handover) -> str:
    """What a text search of handovers looks in, lower-cased: supervisors, notes, comments
    and the case numbers the packet lists."""
    h = handover
    parts = [h.id, h.outgoing, h.outgoing_name, h.incoming or "", h.incoming_name]
    parts += [h.notes.staffing, h.notes.equipment, h.notes.other, h.comments]
    parts += [e.comment for e in h.log] + sorted(h.packet.case_numbers())
    return "\n".join(p for p in parts if p).lower()


def handover_id(scope: str, shift: Shift) -> str:
    return f"{scope}/{shift.id}"


def _text(field: str, value: str, *, required: bool = False) -> str:
    if not isinstance(value, str):
        raise InvalidInput(field, f"expected text, got {type(value).__name__}")
    value = value.strip()
    if required and not value:
        raise InvalidInput(field, "is required")
    if len(value) > MAX_TEXT:
        raise InvalidInput(field, f"is longer than {MAX_TEXT} characters")
    return value


def _check(
    handover: Handover | None,
    handover_ident: str,
    scope: str,
    move: str,
    actor: Actor,
    states: Iterable[HandoverState],
) -> None:
    """Refuse a move that the state, the actor's role or scope does not allow."""
    state = handover.state.value if handover is not None else "new"
    if handover is not None and handover.state is HandoverState.SIGNED:
        raise HandoverSigned(handover_ident, move)
    if actor.role is not Role.SUPERVISOR:
        raise HandoverNotPermitted(
            handover_ident, state, move, f"role '{actor.role}' may not; shift supervisors do"
        )
    if not (actor.is_district_wide or actor.scope == scope):
        raise HandoverNotPermitted(handover_ident, state, move, f"outside scope {actor.scope}")
    allowed = tuple(states)
    if handover is not None and handover.state not in allowed:
        raise IllegalHandoverMove(
            handover_ident, state, move, f"only allowed in: {', '.join(s.value for s in allowed)}"
        )


def _entry(move: str, actor: Actor, at: datetime, comment: str = "") -> HandoverEntry:
    return HandoverEntry(
        move=move, actor_id=actor.user_id, actor_name=actor.name, at=at, comment=comment
    )


def generate(
    existing: Handover | None,
    shift: Shift,
    scope: str,
    packet: HandoverPacket,
    roster: Roster,
    actor: Actor,
) -> Handover:
    """A new draft for ``shift``, or ``existing`` (a draft or returned one) regenerated.

    Regenerating replaces the packet and roster and keeps the notes, so a returned
    handover can be brought up to date before it is submitted again.

    Raises:
        HandoverSigned: ``existing`` is signed.
        IllegalHandoverMove: ``existing`` is submitted (sign or return it first).
        HandoverNotPermitted: The actor is not a supervisor of ``scope``.
    """
    ident = handover_id(scope, shift)
    _check(existing, ident, scope, "generate", actor, (HandoverState.DRAFT, HandoverState.RETURNED))
    at = packet.generated_at
    if existing is None:
        return Handover(
            id=ident,
            shift=shift,
            scope=scope,
            state=HandoverState.DRAFT,
            revision=1,
            packet=packet,
            roster=roster,
            outgoing=actor.user_id,
            outgoing_name=actor.name,
            log=(_entry("generate", actor, at),),
        )
    return replace(
        existing,
        revision=existing.revision + 1,
        packet=packet,
        roster=roster,
        outgoing=actor.user_id,
        outgoing_name=actor.name,
        log=(*existing.log, _entry("generate", actor, at)),
    )


def submit(handover: Handover, notes: HandoverNotes, actor: Actor, now: datetime) -> Handover:
    """The outgoing supervisor submits the handover with their notes (again, after a return).

    Raises:
        HandoverSigned, IllegalHandoverMove, HandoverNotPermitted, InvalidInput (a note too
        long).
    """
    allowed = (HandoverState.DRAFT, HandoverState.RETURNED)
    _check(handover, handover.id, handover.scope, "submit", actor, allowed)
    at = to_utc(now, "now")
    clean = HandoverNotes(
        staffing=_text("notes.staffing", notes.staffing),
        equipment=_text("notes.equipment", notes.equipment),
        other=_text("notes.other", notes.other),
    )
    return replace(
        handover,
        state=HandoverState.SUBMITTED,
        revision=handover.revision + 1,
        notes=clean,
        outgoing=actor.user_id,
        outgoing_name=actor.name,
        submitted_at=at,
        log=(*handover.log, _entry("submit", actor, at)),
    )


def _check_incoming(handover: Handover, move: str, actor: Actor) -> None:
    _check(handover, handover.id, handover.scope, move, actor, (HandoverState.SUBMITTED,))
    if actor.user_id == handover.outgoing:
        raise HandoverNotPermitted(
            handover.id,
            handover.state.value,
            move,
            "the incoming supervisor does this, not the one who submitted",
        )


def sign(handover: Handover, actor: Actor, now: datetime, comment: str = "") -> Handover:
    """The incoming supervisor signs: the handover becomes an immutable record.

    Raises:
        HandoverSigned, IllegalHandoverMove (not submitted), HandoverNotPermitted (not a
        supervisor of the scope, or the outgoing supervisor), InvalidInput.
    """
    _check_incoming(handover, "sign", actor)
    at = to_utc(now, "now")
    text = _text("comment", comment)
    return replace(
        handover,
        state=HandoverState.SIGNED,
        revision=handover.revision + 1,
        incoming=actor.user_id,
        incoming_name=actor.name,
        signed_at=at,
        comments=text or handover.comments,
        log=(*handover.log, _entry("sign", actor, at, text)),
    )


def return_handover(handover: Handover, comments: str, actor: Actor, now: datetime) -> Handover:
    """The incoming supervisor sends the handover back with comments (required).

    Raises:
        HandoverSigned, IllegalHandoverMove (not submitted), HandoverNotPermitted,
        InvalidInput (no comments).
    """
    _check_incoming(handover, "return", actor)
    at = to_utc(now, "now")
    text = _text("comments", comments, required=True)
    return replace(
        handover,
        state=HandoverState.RETURNED,
        revision=handover.revision + 1,
        incoming=actor.user_id,
        incoming_name=actor.name,
        comments=text,
        log=(*handover.log, _entry("return", actor, at, text)),
    )


# --- reminders -------------------------------------------------------------------------------


class ReminderLevel(IntEnum):
    """How urgently an unsigned handover must be chased after its shift's end."""

    NONE = 0  # signed, or the shift has not ended long enough ago
    REMIND = 1  # remind both supervisors
    REMIND_AGAIN = 2  # remind again, louder
    ESCALATE = 3  # tell the leader on duty


def reminder_level(
    handover: Handover | None,
    shift: Shift,
    now: datetime,
    after_minutes: Sequence[int] = DEFAULT_REMINDER_MINUTES,
) -> ReminderLevel:
    """The reminder an unsigned handover of ``shift`` calls for at ``now``.

    A shift with no handover at all is as unsigned as a draft.

    Args:
        handover: The shift's handover, if one was generated.
        shift: The shift handed over.
        now: The instant to judge at.
        after_minutes: Minutes after the shift's end at which each level begins (the
            schedule's ``reminder_minutes``); levels beyond ESCALATE stay ESCALATE.
    """
    now = to_utc(now, "now")
    if handover is not None and handover.state is HandoverState.SIGNED:
        return ReminderLevel.NONE
    late = now - shift.end
    level = sum(late >= timedelta(minutes=m) for m in after_minutes)
    return ReminderLevel(min(level, ReminderLevel.ESCALATE))
