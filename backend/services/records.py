"""Plain records the services hand out and take in (never ORM objects)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from models.case import Case, CaseState, HistoryEntry


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
