"""Patrol areas: assignments of cells to units for a shift, and their coverage from tracks.

Each assignment or withdrawal is one transaction with its numbered ``patrol_changed``
event and an audit row. Coverage is read from the recorded track (the ``positions``
table), located on the grid.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy import bindparam, func, select
from sqlalchemy.engine import Connection

from backend.services import events as eventlog
from backend.services.clock import Clock, utc_now
from backend.services.positions import PositionService
from backend.services.records import CommittedEvent
from backend.services.units import unit_from_row
from backend.store.database import Database
from backend.store.migrate import check_schema
from backend.store.orm import PatrolAssignmentRow, UnitRow, table
from models.cell_index import CellIndex
from models.errors import InvalidInput, NotPermitted, UnknownId
from models.geography import CityMap
from models.org import Actor, Role
from models.patrol import (
    AssignPatrol,
    CancelPatrol,
    Coverage,
    PatrolAssignment,
    PatrolMove,
    assign_patrol,
    assigned_cells,
    cancel_patrol,
    coverage,
    visited_cells,
)

_ROWS = table(PatrolAssignmentRow)
_UNITS = table(UnitRow)
_LOCK_UNIT = select(_UNITS).where(_UNITS.c.unit_id == bindparam("id")).with_for_update()
_GET_ASSIGNMENT = select(_ROWS.c.data).where(_ROWS.c.id == bindparam("id"))
_LOCK_ASSIGNMENT = _GET_ASSIGNMENT.with_for_update()
_NEXT_ID = select(func.coalesce(func.max(_ROWS.c.id), 0) + 1)
_OF_UNIT = select(_ROWS.c.data).where(
    _ROWS.c.unit_id == bindparam("unit"),
    _ROWS.c.ends_at > bindparam("since"),
    _ROWS.c.cancelled.is_(False),
)
_INSERT = _ROWS.insert()
_UPDATE = _ROWS.update().where(_ROWS.c.id == bindparam("b_id"))


class CoverageReport(msgspec.Struct, frozen=True, kw_only=True):
    """The coverage of one assignment so far.

    Attributes:
        cells: Every cell of the assignment.
        fixes: Recorded fixes of the unit within the shift up to ``until``.
        until: The end of the stretch counted (now, or the shift's end).
    """

    assignment: PatrolAssignment
    cells: frozenset[str]
    coverage: Coverage
    fixes: int
    until: datetime


class PatrolService:
    """Patrol assignments over one :class:`Database` (blocking; run through ``DbRunner``).

    Raises:
        SchemaError: ``db`` is not initialised or is at another schema revision.
    """

    def __init__(
        self,
        db: Database,
        city: CityMap,
        index: CellIndex,
        positions: PositionService,
        *,
        clock: Clock = utc_now,
    ) -> None:
        check_schema(db)
        self.db = db
        self.city = city
        self.index = index
        self.positions = positions
        self.clock = clock

    def move(
        self, move: PatrolMove, actor: Actor, *, command_key: str | None = None
    ) -> CommittedEvent:
        """Assign or withdraw a patrol area, in one transaction; returns its event.

        Raises:
            UnknownId: no such unit, assignment, cell or street.
            NotPermitted: the actor's role or scope.
            IllegalMove: withdrawing a withdrawn or finished assignment.
            InvalidInput: bad times, no area, an overlapping assignment...
        """
        if not isinstance(move, PatrolMove):
            raise InvalidInput("move", f"{type(move).__name__} is not a patrol move")
        at = self.clock()

        def write(conn: Connection) -> CommittedEvent:
            if isinstance(move, AssignPatrol):
                row = conn.execute(_LOCK_UNIT, {"id": move.unit_id}).first()
                if row is None:
                    raise UnknownId("unit", move.unit_id)
                # Those that could overlap; a naive start is the model's to refuse.
                since = move.starts_at if move.starts_at.tzinfo is not None else at
                existing = conn.execute(_OF_UNIT, {"unit": move.unit_id, "since": since})
                seq = eventlog.next_seq(conn)  # its lock covers the new id (max + 1)
                assignment_id = int(conn.execute(_NEXT_ID).scalar_one())
                new = assign_patrol(
                    move,
                    assignment_id=assignment_id,
                    unit=unit_from_row(row),
                    city=self.city,
                    existing=list(existing.scalars()),
                    actor=actor,
                    at=at,
                )
                conn.execute(_INSERT, {"id": new.id, **_columns(new)})
                return _record(conn, seq, None, new, actor, at, "assign_patrol")
            assert isinstance(move, CancelPatrol)
            old = conn.execute(_LOCK_ASSIGNMENT, {"id": move.assignment_id}).scalar()
            if old is None:
                raise UnknownId("patrol assignment", move.assignment_id)
            new = cancel_patrol(old, move, actor, at)
            conn.execute(_UPDATE, {"b_id": new.id, **_columns(new)})
            return _record(conn, eventlog.next_seq(conn), old, new, actor, at, "cancel_patrol")

        return eventlog.write_once(self.db, command_key, write)

    def current_assignments(self, now: datetime) -> list[PatrolAssignment]:
        """Assignments in force or to come: not withdrawn, their shift not over at ``now``."""
        stmt = (
            select(_ROWS.c.data)
            .where(_ROWS.c.ends_at > now, _ROWS.c.cancelled.is_(False))
            .order_by(_ROWS.c.id)
        )
        with self.db.transaction() as conn:
            return list(conn.execute(stmt).scalars())

    def get(self, assignment_id: int) -> PatrolAssignment:
        """The assignment.

        Raises:
            UnknownId: no such assignment.
        """
        with self.db.transaction() as conn:
            assignment = conn.execute(_GET_ASSIGNMENT, {"id": assignment_id}).scalar()
        if assignment is None:
            raise UnknownId("patrol assignment", assignment_id)
        return assignment

    def coverage(self, assignment_id: int, actor: Actor) -> CoverageReport:
        """How much of the assignment's cells its unit's track covered so far.

        Raises:
            UnknownId: no such assignment.
            NotPermitted: a department, or the unit's street is outside the actor's scope.
        """
        assignment = self.get(assignment_id)
        label = f"patrol assignment {assignment_id}"
        if actor.role is Role.DEPARTMENT or not actor.covers(assignment.street_code):
            raise NotPermitted(label, "-", "read coverage", f"outside scope {actor.scope}")
        cells = assigned_cells(assignment, self.city)
        until = min(self.clock(), assignment.ends_at)
        fixes = []
        if until > assignment.starts_at:
            fixes = self.positions.track(assignment.unit_id, assignment.starts_at, until)
        visited = visited_cells(self.index, [f.lon for f in fixes], [f.lat for f in fixes])
        return CoverageReport(
            assignment=assignment,
            cells=cells,
            coverage=coverage(visited, cells),
            fixes=len(fixes),
            until=until,
        )

    def answer_of(self, command_key: str) -> CommittedEvent | None:
        """The event a command already applied answered with, or ``None``."""
        with self.db.transaction() as conn:
            seq = eventlog.find_command(conn, command_key)
            return None if seq is None else eventlog.event_by_seq(conn, seq)


def _columns(assignment: PatrolAssignment) -> dict[str, Any]:
    return {
        "unit_id": assignment.unit_id,
        "street_code": assignment.street_code,
        "starts_at": assignment.starts_at,
        "ends_at": assignment.ends_at,
        "cancelled": not assignment.active,
        "data": assignment,
    }


def _record(
    conn: Connection,
    seq: int,
    before: PatrolAssignment | None,
    after: PatrolAssignment,
    actor: Actor,
    at: datetime,
    action: str,
) -> CommittedEvent:
    payload = {"kind": "patrol_changed", "assignment": msgspec.to_builtins(after)}
    return eventlog.append_change(
        conn,
        seq=seq,
        at=at,
        kind=f"patrol.{action}",
        payload=payload,
        actor=actor,
        action=action,
        target=f"patrol assignment {after.id} unit {after.unit_id}",
        before=before,
        after=after,
    )
