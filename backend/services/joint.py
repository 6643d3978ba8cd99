"""The joint-operation service: every move is one transaction with its events and audit.

A move locks the operation, the units it concerns and the case it serves, asks
:mod:`models.joint` for the transition, and writes, in one transaction: the operation and
its participant rows, the units' new duty statuses (en route, on scene, back on patrol)
with their ``unit_changed`` events, the note in the case's history (convened, completed
with the outcome, cancelled) with its ``case_changed`` event, and last the operation's own
``joint_changed`` event, each with an audit row. Any error rolls it all back.

The operation's event is numbered last, so a console that applies it already has the
units and the case as the operation left them, and the command's answer (the last event)
names the operation. Locks are taken in one order (operation, units by id, case, then the
event counter) so writers cannot deadlock.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.engine import Connection

from backend.services import events as eventlog
from backend.services.cases import commit_transition, lock_case
from backend.services.clock import Clock, utc_now
from backend.services.errors import Conflict
from backend.services.records import CommittedEvent
from backend.services.units import unit_from_row, write_status
from backend.store.database import Database
from backend.store.migrate import check_schema
from backend.store.orm import JointOperationRow, JointParticipantRow, UnitRow, table
from models.case import Case
from models.catalogue import Catalogue
from models.cell_index import CellIndex
from models.deadlines import DeadlinePolicy
from models.errors import InvalidInput, UnknownId
from models.geography import CityMap
from models.joint import (
    OPEN_JOINT_STATES,
    Cancel,
    Complete,
    Convene,
    JointContext,
    JointMove,
    JointOperation,
    JointTransition,
    ParticipantState,
    apply_joint,
    check_point,
    convene,
)
from models.org import Actor, Unit, UnitStatus
from models.workflow import WorkflowContext, note_joint_operation

_OPS = table(JointOperationRow)
_PARTICIPANTS = table(JointParticipantRow)
_UNITS = table(UnitRow)
_LOCK_OP = select(_OPS.c.data).where(_OPS.c.id == bindparam("id")).with_for_update()
_NEXT_OP_ID = select(func.coalesce(func.max(_OPS.c.id), 0) + 1)
_INSERT_OP = _OPS.insert()
_UPDATE_OP = _OPS.update().where(_OPS.c.id == bindparam("b_id"))
_INSERT_PARTICIPANT = _PARTICIPANTS.insert()
_UPDATE_PARTICIPANT = _PARTICIPANTS.update().where(
    _PARTICIPANTS.c.operation_id == bindparam("b_op"),
    _PARTICIPANTS.c.unit_id == bindparam("b_unit"),
)
_LOCK_UNITS = (
    select(_UNITS)
    .where(_UNITS.c.unit_id.in_(bindparam("ids", expanding=True)))
    .order_by(_UNITS.c.unit_id)
    .with_for_update()
)
_ENGAGED_STATES = [s.value for s in ParticipantState if s.engaged]
_ENGAGED = select(_PARTICIPANTS.c.unit_id, _PARTICIPANTS.c.operation_id).where(
    _PARTICIPANTS.c.unit_id.in_(bindparam("ids", expanding=True)),
    _PARTICIPANTS.c.state.in_(_ENGAGED_STATES),
)

_CASE_NOTES = {Convene: "joint_convened", Complete: "joint_completed", Cancel: "joint_cancelled"}
"""The moves that leave a note in the case's history, and the note's name."""

_TRAVELLING = frozenset({UnitStatus.EN_ROUTE, UnitStatus.ON_SCENE})


class JointService:
    """Joint operations over one :class:`Database` (blocking; run through ``DbRunner``).

    Args:
        db: The database (migrated to the current schema).
        catalogue: The departments (agencies).
        policy: The deadline policy (for the case notes' workflow context).
        city: The grid map meeting points are located on.
        index: Its cell index.
        clock: Source of "now".

    Raises:
        SchemaError: ``db`` is not initialised or is at another schema revision.
    """

    def __init__(
        self,
        db: Database,
        catalogue: Catalogue,
        policy: DeadlinePolicy,
        city: CityMap,
        index: CellIndex,
        *,
        clock: Clock = utc_now,
    ) -> None:
        check_schema(db)
        self.db = db
        self.catalogue = catalogue
        self.policy = policy
        self.city = city
        self.index = index
        self.clock = clock

    # --- writes ------------------------------------------------------------------------

    def move(
        self,
        operation_id: int | None,
        move: JointMove,
        actor: Actor,
        expected_revision: int | None = None,
        *,
        command_key: str | None = None,
    ) -> CommittedEvent:
        """Make one move, in one transaction; returns the operation's event (the last).

        Args:
            operation_id: The operation, or ``None`` for a :class:`~models.joint.Convene`.
            move: The move.
            actor: Who makes it.
            expected_revision: The revision the actor saw (``Conflict`` if it moved on).
            command_key: The client's command id with its user: applied at most once.

        Raises:
            UnknownId: no such operation, case or unit.
            Conflict: ``expected_revision`` is not the operation's revision.
            IllegalMove: the operation's, participant's or case's state forbids it.
            NotPermitted: the actor's role or scope forbids it.
            InvalidInput: a field is missing or wrong.
        """
        if not isinstance(move, JointMove):
            raise InvalidInput("move", f"{type(move).__name__} is not a joint-operation move")
        if isinstance(move, Convene) != (operation_id is None):
            raise InvalidInput(
                "operation_id", "give none for convene and the operation for every other move"
            )
        at = self.clock()

        def write(conn: Connection) -> CommittedEvent:
            if isinstance(move, Convene):
                return self._convene(conn, move, actor, at)
            return self._move(conn, operation_id, move, actor, at, expected_revision)

        return eventlog.write_once(self.db, command_key, write)

    def _convene(
        self, conn: Connection, move: Convene, actor: Actor, at: datetime
    ) -> CommittedEvent:
        street = self._street_of(move.lon, move.lat)
        units = _lock_units(conn, move.units)
        case = lock_case(conn, move.case_id) if move.case_id is not None else None
        # The counter's lock, taken now, covers the new id (max + 1) as it covers cases'.
        seq = eventlog.next_seq(conn)
        operation_id = int(conn.execute(_NEXT_OP_ID).scalar_one())
        ctx = self._context(actor, at, units, _engaged(conn, move.units))
        transition = convene(
            move, operation_id=operation_id, street_code=street, ctx=ctx, case=case
        )
        op = transition.operation
        conn.execute(_INSERT_OP, {"id": op.id, **_op_columns(op)})
        _write_participants(conn, None, op)
        if case is not None:
            self._note(conn, case, move, transition, ctx, seq)
            seq = eventlog.next_seq(conn)
        return _record(conn, seq, transition)

    def _move(
        self,
        conn: Connection,
        operation_id: int | None,
        move: JointMove,
        actor: Actor,
        at: datetime,
        expected_revision: int | None,
    ) -> CommittedEvent:
        assert operation_id is not None
        op = _lock_operation(conn, operation_id)
        if expected_revision is not None and expected_revision != op.revision:
            raise Conflict(str(op.id), expected_revision, op.revision, kind="joint operation")
        named = [n for n in (getattr(move, "unit_id", None), getattr(move, "by", None)) if n]
        ids = sorted({*(p.unit_id for p in op.participants), *named})
        units = _lock_units(conn, ids)
        case = lock_case(conn, op.case_id) if op.case_id is not None else None
        ctx = self._context(actor, at, units, _engaged(conn, named))
        transition = apply_joint(op, move, ctx)
        new = transition.operation
        conn.execute(_UPDATE_OP, {"b_id": new.id, **_op_columns(new)})
        _write_participants(conn, op, new)
        for unit_id, status in sorted(transition.unit_statuses.items()):
            if _takes(units[unit_id], status):
                write_status(conn, unit_id, status, actor, at)
        if case is not None and type(move) in _CASE_NOTES:
            self._note(conn, case, move, transition, ctx, None)
        return _record(conn, eventlog.next_seq(conn), transition)

    def _note(
        self,
        conn: Connection,
        case: Case,
        move: JointMove,
        transition: JointTransition,
        ctx: JointContext,
        seq: int | None,
    ) -> None:
        """The operation's step in its case's history (convened, completed, cancelled)."""
        op = transition.operation
        details: dict[str, Any] = {
            "operation": op.id,
            "agencies": list(op.agencies),
            "units": [p.unit_id for p in op.participants],
            "commander": op.commander,
        }
        workflow = WorkflowContext(
            actor=ctx.actor, at=ctx.at, policy=self.policy, catalogue=self.catalogue
        )
        noted = note_joint_operation(
            case, _CASE_NOTES[type(move)], transition.entry.note, details, workflow
        )
        commit_transition(conn, noted, seq)

    # --- reads -------------------------------------------------------------------------

    def get(self, operation_id: int) -> JointOperation:
        """The operation as it now is.

        Raises:
            UnknownId: no such operation.
        """
        with self.db.transaction() as conn:
            op = conn.execute(select(_OPS.c.data).where(_OPS.c.id == operation_id)).scalar()
        if op is None:
            raise UnknownId("joint operation", operation_id)
        return op

    def current_operations(self, finished_since: datetime) -> list[JointOperation]:
        """Every open operation, and those finished at or after ``finished_since``."""
        if finished_since.tzinfo is None:
            raise InvalidInput("finished_since", "must carry a time zone")
        stmt = (
            select(_OPS.c.data)
            .where(
                or_(
                    _OPS.c.state.in_([s.value for s in OPEN_JOINT_STATES]),
                    _OPS.c.updated_at >= finished_since,
                )
            )
            .order_by(_OPS.c.id)
        )
        with self.db.transaction() as conn:
            return list(conn.execute(stmt).scalars())

    def answer_of(self, command_key: str) -> CommittedEvent | None:
        """The event a command already applied answered with, or ``None``."""
        with self.db.transaction() as conn:
            seq = eventlog.find_command(conn, command_key)
            return None if seq is None else eventlog.event_by_seq(conn, seq)

    # --- helpers -----------------------------------------------------------------------

    def _street_of(self, lon: float, lat: float) -> str:
        check_point(lon, lat)
        code = self.index.locate(lon, lat)
        if code is None:
            raise InvalidInput(
                "lon",
                f"the meeting point ({lon:.6f}, {lat:.6f}) is outside every grid cell of "
                f"{self.city.name_en}",
            )
        return self.city.cell(code).street_code

    def _context(
        self, actor: Actor, at: datetime, units: dict[str, Unit], engaged: dict[str, int]
    ) -> JointContext:
        if not isinstance(actor, Actor) or not actor.user_id:
            raise InvalidInput("actor", "a signed-in actor is required")
        return JointContext(
            actor=actor, at=at, catalogue=self.catalogue, units=units, engaged=engaged
        )


# --- write helpers -----------------------------------------------------------------------


def _lock_operation(conn: Connection, operation_id: int) -> JointOperation:
    if not isinstance(operation_id, int) or isinstance(operation_id, bool):
        raise InvalidInput("operation_id", f"{operation_id!r} is not an operation id")
    op = conn.execute(_LOCK_OP, {"id": operation_id}).scalar()
    if op is None:
        raise UnknownId("joint operation", operation_id)
    return op


def _lock_units(conn: Connection, unit_ids: Iterable[str]) -> dict[str, Unit]:
    """The units that exist among ``unit_ids``, locked in id order (missing ones are the
    model's to name, in the order the move lists them)."""
    ids = sorted({u for u in unit_ids if isinstance(u, str)})
    if not ids:
        return {}
    return {r.unit_id: unit_from_row(r) for r in conn.execute(_LOCK_UNITS, {"ids": ids})}


def _engaged(conn: Connection, unit_ids: Iterable[str]) -> dict[str, int]:
    ids = sorted(set(unit_ids))
    if not ids:
        return {}
    return {r.unit_id: r.operation_id for r in conn.execute(_ENGAGED, {"ids": ids})}


def _takes(unit: Unit, status: UnitStatus) -> bool:
    """Whether the operation should give ``unit`` the ``status`` now.

    Not if it already has it, and back on patrol only a unit still travelling for the
    operation: one its terminal meanwhile put on a break or off duty stays so.
    """
    if unit.status is status:
        return False
    return status is not UnitStatus.PATROL or unit.status in _TRAVELLING


def _op_columns(op: JointOperation) -> dict[str, Any]:
    return {
        "case_id": op.case_id,
        "state": op.state.value,
        "street_code": op.street_code,
        "convened_at": op.convened_at,
        "updated_at": op.updated_at,
        "revision": op.revision,
        "data": op,
    }


def _write_participants(
    conn: Connection, before: JointOperation | None, op: JointOperation
) -> None:
    """Insert or update the participant rows that changed."""
    old = {p.unit_id: p.state for p in before.participants} if before else {}
    for p in op.participants:
        if p.unit_id not in old:
            conn.execute(
                _INSERT_PARTICIPANT,
                {"operation_id": op.id, "unit_id": p.unit_id, "state": p.state.value},
            )
        elif old[p.unit_id] is not p.state:
            conn.execute(
                _UPDATE_PARTICIPANT, {"b_op": op.id, "b_unit": p.unit_id, "state": p.state.value}
            )


def _record(conn: Connection, seq: int, transition: JointTransition) -> CommittedEvent:
    """The operation's numbered event and its audit row."""
    op, entry = transition.operation, transition.entry
    payload = {
        "kind": "joint_changed",
        "operation": msgspec.to_builtins(op),
        "entry": msgspec.to_builtins(entry),
    }
    # Not filed under the case: readers of case events expect a case in the payload.
    event = eventlog.append_event(
        conn, seq=seq, at=entry.at, kind=f"joint.{entry.move}", case_id=None, payload=payload
    )
    target = f"joint operation {op.id}"
    if entry.unit_id is not None:
        target += f" unit {entry.unit_id}"
    eventlog.append_audit(
        conn,
        event_seq=seq,
        actor_id=entry.actor_id,
        role=entry.actor_role,
        terminal=entry.terminal,
        at=entry.at,
        action=f"joint_{entry.move}",
        target=target,
        before=transition.before,
        after=op,
    )
    return event
