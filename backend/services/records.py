"""Plain records the services hand out and take in (never ORM objects)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from models.case import Case, CaseState, HistoryEntry
from models.handover import (
    Handover,
    HandoverState,
    HandoverSummary,
    ReminderLevel,
    ShiftFigures,
)
from models.shifts import Shift


class CaseChange(msgspec.Struct, frozen=True, kw_only=True):
    """The payload of a case event: the case as it now is, and the step that made it so."""

    case: Case
    entry: HistoryEntry


class CommittedEvent(msgspec.Struct, frozen=True, kw_only=True):
    """A committed, numbered event.

    Attributes:
        seq: Its number: events are numbered in commit order, from 1, without gaps.
        at: When the change was made (UTC).
        kind: ``"case.<move>"`` for case changes, e.g. ``"case.dispatch_single"``.
        case_id: The case it is about, if any.
        payload: The payload as JSON values (dicts, lists, strings...), exactly as stored;
            for case events use :meth:`case_change` to get the typed values.
    """

    seq: int
    at: datetime
    kind: str
    case_id: int | None
    payload: Any

    def case_change(self) -> CaseChange:
        """The typed payload of a case event.

        Raises:
            msgspec.ValidationError: the event is not a case event.
        """
        return msgspec.convert(self.payload, CaseChange)


class CaseQuery(msgspec.Struct, frozen=True, kw_only=True):
    """Filters and page size of a case search; results run newest report first.

    Attributes:
        states: Any of these states (empty: all).
        street: Only this street/town code.
        category: Only this catalogue category code.
        reported_from: Reported at or after this instant (aware).
        reported_to: Reported strictly before this instant (aware).
        limit: Cases per page, 1 to ``MAX_PAGE``.
        cursor: ``CasePage.next_cursor`` of the previous page, with the same filters.
    """

    states: tuple[CaseState, ...] = ()
    street: str | None = None
    category: str | None = None
    reported_from: datetime | None = None
    reported_to: datetime | None = None
    limit: int = 50
    cursor: str | None = None


class CasePage(msgspec.Struct, frozen=True, kw_only=True):
    """One page of a case search; ``next_cursor`` is ``None`` on the last page."""

    cases: tuple[Case, ...]
    next_cursor: str | None


class PositionFix(msgspec.Struct, frozen=True, kw_only=True):
    """One position report of a unit (WGS-84 degrees).

    Attributes:
        speed: Metres per second, if the terminal reports it.
        heading: Degrees clockwise from north, ``0 <= heading < 360``.
    """

    unit_id: str
    at: datetime
    lon: float
    lat: float
    speed: float | None = None
    heading: float | None = None


class Photo(msgspec.Struct, frozen=True, kw_only=True):
    """A stored photo."""

    id: str
    content_type: str
    data: bytes
    size: int
    sha256: str
    created_at: datetime


class HandoverQuery(msgspec.Struct, frozen=True, kw_only=True):
    """Filters and page size of a handover search; results run newest shift first.

    Attributes:
        shift_id: Only the handovers of this shift (``"2026-11-30/night"``).
        supervisor: Only those this user handed over or took over (user id).
        text: Only those whose notes, comments, supervisors or listed case numbers contain
            this text (case-insensitive).
        states: Any of these states (empty: all).
        limit: Handovers per page, 1 to ``MAX_HANDOVER_PAGE``.
        cursor: ``HandoverPage.next_cursor`` of the previous page, with the same filters.
    """

    shift_id: str | None = None
    supervisor: str | None = None
    text: str | None = None
    states: tuple[HandoverState, ...] = ()
    limit: int = 20
    cursor: str | None = None


class HandoverPage(msgspec.Struct, frozen=True, kw_only=True):
    """One page of a handover search; ``next_cursor`` is ``None`` on the last page."""

    handovers: tuple[HandoverSummary, ...]
    next_cursor: str | None


class ShiftStatus(msgspec.Struct, frozen=True, kw_only=True):
    """The current shift and the handovers around it, as one user's scope sees them.

    Attributes:
        shift: The shift running at the instant asked about.
        previous: The shift before it, whose handover should be signed by now.
        next: The shift after it.
        handover: The current shift's handover in the user's scope, if generated.
        previous_handover: The previous shift's handover, if generated.
        reminder: How urgently the previous handover must be chased (0: not at all).
        reminder_minutes: The schedule's reminder thresholds after a shift's end.
        figures: The shift's figures so far, counted as a handover packet counts them.
        as_of: The instant the figures (and the reminder) were taken at.
    """

    shift: Shift
    previous: Shift
    next: Shift
    handover: Handover | None = None
    previous_handover: Handover | None = None
    reminder: ReminderLevel = ReminderLevel.NONE
    reminder_minutes: tuple[int, ...] = ()
    figures: ShiftFigures = msgspec.field(default_factory=ShiftFigures)
    as_of: datetime | None = None
