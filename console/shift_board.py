"""What the supervisor board shows, computed from the store's plain state (no Qt).

The lists of what needs attention are the handover packet's own: :func:`attention` runs
:func:`models.handover.build_packet` over the store's open cases, so an overdue order, an
open alarm or a joint operation in progress is listed on the board exactly when a packet
generated now would list it. The shift's figures are not counted here: they need the
cases' whole histories, which only the server holds; the shift answer brings them,
counted by the packet's own function (see :mod:`console.shift_watch`).

An operator's **load** (:func:`operator_loads`) is the number of open cases they hold:

* the cases whose active order they issued (dispatched to a department, not yet handled
  and verified, returned or cancelled), and
* the cases still at the desk (awaiting acceptance, filing or dispatch, or with the
  leaders) with no active order, that they reported themselves (a call they took).

A case has no holder when a field terminal or a citizen reported it and no order is out;
counted this way, the load comes from the case as it stands, with no history needed, and a
case is held by at most one user.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Set
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from models.case import Case, CaseState
from models.handover import (
    MAX_LINES,
    AlarmLine,
    CaseLine,
    NotableReason,
    build_packet,
    case_line,
    notable_reasons,
)
from models.shifts import Shift
from net.client import Answer, new_request_id
from net.protocol import ClientMessage, QueryShift, ShiftResult

DESK_STATES: Final = frozenset(
    {
        CaseState.AWAITING_ACCEPTANCE,
        CaseState.AWAITING_FILING,
        CaseState.AWAITING_DISPATCH,
        CaseState.LEADER_COORDINATION,
    }
)
"""States in which a case waits at the command centre, not with a department."""

AlarmKey = tuple[int, datetime | None]
"""An alarm as the supervisor acknowledges it: the case and its step's deadline (a new step
brings a new deadline, and a new alarm to acknowledge)."""


def holder(case: Case) -> str | None:
    """The user holding an open case, for the load (see the module's docstring)."""
    if case.state.is_terminal:
        return None
    order = case.active_order
    if order is not None:
        return order.issued_by
    if case.state in DESK_STATES and case.reporter.kind == "user" and case.reporter.ident:
        return case.reporter.ident
    return None


def operator_loads(cases: Iterable[Case]) -> Counter[str]:
    """User id → the open cases they hold."""
    return Counter(user for case in cases if (user := holder(case)) is not None)


def alarm_key(line: CaseLine) -> AlarmKey:
    return (line.case_id, line.deadline)


@dataclass(frozen=True)
class Attention:
    """The board's lists, each the most pressing first (at most ``MAX_LINES``), with totals.

    Attributes:
        overdue: Open cases past their step's deadline.
        alarms: Open deadline alarms (预警) the supervisor has not acknowledged.
        alarms_seen: Open alarms acknowledged already.
        joint: Joint operations in progress (cases dispatched comprehensively).
        returned_twice: Open cases returned by departments twice or more.
    """

    overdue: tuple[CaseLine, ...] = ()
    overdue_total: int = 0
    alarms: tuple[AlarmLine, ...] = ()
    alarms_total: int = 0
    alarms_seen: int = 0
    joint: tuple[CaseLine, ...] = ()
    joint_total: int = 0
    returned_twice: tuple[CaseLine, ...] = ()
    returned_twice_total: int = 0


def attention(
    cases: Iterable[Case], shift: Shift, now: datetime, seen: Set[AlarmKey] = frozenset()
) -> Attention:
    """What needs the supervisor's attention now, as a packet generated now lists it.

    Args:
        cases: The store's cases (finished ones are skipped).
        shift: The current shift.
        now: The instant (the server's).
        seen: Alarms the supervisor acknowledged.
    """
    cases = list(cases)
    packet = build_packet(cases, (), (), shift, now)
    alarms = packet
    if seen:
        # Only warned cases can be alarms; the packet decides which of them are.
        fresh = [c for c in cases if c.warned and (c.id, c.step_deadline) not in seen]
        alarms = build_packet(fresh, (), (), shift, now)
    returned = sorted(
        (
            c
            for c in cases
            if not c.state.is_terminal and NotableReason.RETURNED_TWICE in notable_reasons(c)
        ),
        key=lambda c: (c.reported_at, c.id),
    )
    return Attention(
        overdue=packet.overdue,
        overdue_total=packet.overdue_total,
        alarms=alarms.alarms,
        alarms_total=alarms.alarms_total,
        alarms_seen=packet.alarms_total - alarms.alarms_total,
        joint=packet.joint,
        joint_total=packet.joint_total,
        returned_twice=tuple(case_line(c) for c in returned[:MAX_LINES]),
        returned_twice_total=len(returned),
    )


class UnexpectedAnswer(Exception):
    """The server answered a shift query with something else (a server bug)."""


async def fetch_trend(
    query: Callable[[ClientMessage], Awaitable[Answer]], answer: ShiftResult, count: int
) -> list[ShiftResult]:
    """The server's answers about the ``count`` shifts before ``answer``'s, oldest first:
    each with its figures, counted over the whole shift as a packet counts them.

    Raises:
        RequestFailed, TimeoutError, ClientClosed, ConnectionError: From ``query``.
        UnexpectedAnswer: The server answered with another message.
    """
    found: list[ShiftResult] = []
    at = answer.previous.start
    for _ in range(count):
        result = await query(QueryShift(id=new_request_id("sh"), at=at))
        if not isinstance(result, ShiftResult):
            raise UnexpectedAnswer(f"query_shift answered with {type(result).__name__}")
        found.append(result)
        at = result.previous.start
    return found[::-1]
