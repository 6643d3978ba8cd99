"""The numbered event log and the audit trail, written inside the caller's transaction.

Every change a console must hear about is one committed, numbered event. Numbers come from
the single ``event_counter`` row: ``UPDATE ... RETURNING`` locks it until the transaction
ends (PostgreSQL), and SQLite's write transactions hold the database's write lock from
``BEGIN IMMEDIATE``; either way the next writer gets the next number only after this one
committed, so numbers follow commit order and a rollback leaves no gap.

Use these functions in a write transaction (``Database.transaction(write=True)``), after
taking any other row locks the change needs, and commit promptly: the counter is a queue
that every writer waits in.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from backend.services.records import CommittedEvent
from backend.store.database import Database
from backend.store.orm import AuditRow, CommandRow, EventCounterRow, EventRow, table
from models.errors import InvalidInput
from models.org import Actor

MAX_COMMAND_KEY = 200
"""Longest command key (user id and client-made command id)."""

_COUNTER = table(EventCounterRow)
_EVENTS = table(EventRow)
_NEXT_SEQ = (
    _COUNTER.update()
    .where(_COUNTER.c.id == 1)
    .values(last=_COUNTER.c.last + 1)
    .returning(_COUNTER.c.last)
)
_LAST_SEQ = select(_COUNTER.c.last)
_COMMANDS = table(CommandRow)
_INSERT_COMMAND = _COMMANDS.insert()
_FIND_COMMAND = select(_COMMANDS.c.event_seq).where(_COMMANDS.c.key == bindparam("key"))
_INSERT_EVENT = _EVENTS.insert()
_INSERT_AUDIT = table(AuditRow).insert()
_COLUMNS = (_EVENTS.c.seq, _EVENTS.c.at, _EVENTS.c.kind, _EVENTS.c.case_id, _EVENTS.c.payload)
_BY_SEQ = select(*_COLUMNS).where(_EVENTS.c.seq == bindparam("seq"))
_SINCE = (
    select(*_COLUMNS)
    .where(_EVENTS.c.seq > bindparam("seq"))
    .order_by(_EVENTS.c.seq)
    .limit(bindparam("limit"))
)


def next_seq(conn: Connection) -> int:
    """Take the next event number; the counter stays locked until the transaction ends."""
    return int(conn.execute(_NEXT_SEQ).scalar_one())


def append_event(
    conn: Connection,
    *,
    at: datetime,
    kind: str,
    case_id: int | None,
    payload: Any,
    seq: int | None = None,
) -> CommittedEvent:
    """Insert one numbered event (numbered here unless ``seq`` was taken already).

    Args:
        conn: A connection in a write transaction.
        at: When the change was made (aware).
        kind: What changed, e.g. ``"case.accept"``.
        case_id: The case it is about, if any.
        payload: Plain JSON values (what readers will get back).
        seq: A number from :func:`next_seq` taken earlier in this transaction.
    """
    if seq is None:
        seq = next_seq(conn)
    conn.execute(
        _INSERT_EVENT, {"seq": seq, "at": at, "kind": kind, "case_id": case_id, "payload": payload}
    )
    return CommittedEvent(seq=seq, at=at, kind=kind, case_id=case_id, payload=payload)


def append_audit(
    conn: Connection,
    *,
    event_seq: int | None,
    actor_id: str,
    role: str,
    terminal: str,
    at: datetime,
    action: str,
    target: str,
    before: Any = None,
    after: Any = None,
) -> None:
    """Insert one audit record: who (as which role, from which terminal) did what, when,
    to what, and the target's state before and after (msgspec values or JSON values)."""
    conn.execute(
        _INSERT_AUDIT,
        {
            "event_seq": event_seq,
            "actor_id": actor_id,
            "role": role,
            "terminal": terminal,
            "at": at,
            "action": action,
            "target": target,
            "before": before,
            "after": after,
        },
    )


def append_change(
    conn: Connection,
    *,
    at: datetime,
    kind: str,
    payload: Any,
    actor: Actor,
    action: str,
    target: str,
    before: Any,
    after: Any,
    seq: int | None = None,
) -> CommittedEvent:
    """An actor's change to a record other than a case: its numbered event (not filed under
    a case) and the audit row saying who made it.

    Args are those of :func:`append_event` and :func:`append_audit`; the audit's who comes
    from ``actor``.
    """
    event = append_event(conn, seq=seq, at=at, kind=kind, case_id=None, payload=payload)
    append_audit(
        conn,
        event_seq=event.seq,
        actor_id=actor.user_id,
        role=actor.role.value,
        terminal=actor.terminal,
        at=at,
        action=action,
        target=target,
        before=before,
        after=after,
    )
    return event


def last_seq(conn: Connection) -> int:
    """Number of the last committed event (0 before the first)."""
    return int(conn.execute(_LAST_SEQ).scalar_one())


def event_by_seq(conn: Connection, seq: int) -> CommittedEvent | None:
    """The event numbered ``seq``, or ``None``."""
    row = conn.execute(_BY_SEQ, {"seq": seq}).first()
    return None if row is None else _event(row)


def events_since(conn: Connection, seq: int, limit: int) -> list[CommittedEvent]:
    """Events numbered after ``seq``, in order, at most ``limit``."""
    return [_event(r) for r in conn.execute(_SINCE, {"seq": seq, "limit": limit})]


def _event(row: Any) -> CommittedEvent:  # a Row of _COLUMNS
    return CommittedEvent(
        seq=row.seq, at=row.at, kind=row.kind, case_id=row.case_id, payload=row.payload
    )


def write_once(
    db: Database, command_key: str | None, write: Callable[[Connection], CommittedEvent]
) -> CommittedEvent:
    """Run ``write`` in one write transaction, at most once per ``command_key``.

    A command already applied is not applied again: the event it committed is returned
    instead, so a client that resends a command after a lost connection gets the same answer.

    Raises:
        InvalidInput: ``command_key`` is empty or longer than ``MAX_COMMAND_KEY``.
    """
    if command_key is None:
        with db.transaction(write=True) as conn:
            return write(conn)
    if not isinstance(command_key, str) or not 1 <= len(command_key) <= MAX_COMMAND_KEY:
        raise InvalidInput("command_key", f"give 1 to {MAX_COMMAND_KEY} characters")
    try:
        with db.transaction(write=True) as conn:
            done = _replayed(conn, command_key)
            if done is not None:
                return done
            event = write(conn)
            conn.execute(
                _INSERT_COMMAND, {"key": command_key, "event_seq": event.seq, "at": event.at}
            )
            return event
    except IntegrityError:
        # PostgreSQL: a retry of the same command committed while this one ran (SQLite's
        # write lock rules that out). Answer as the first one was answered.
        with db.transaction() as conn:
            done = _replayed(conn, command_key)
        if done is None:
            raise
        return done


def find_command(conn: Connection, command_key: str) -> int | None:
    """The event number a command already applied committed, or ``None``."""
    seq = conn.execute(_FIND_COMMAND, {"key": command_key}).scalar()
    return None if seq is None else int(seq)


def _replayed(conn: Connection, command_key: str) -> CommittedEvent | None:
    """The event a command already applied committed, or ``None``."""
    seq = find_command(conn, command_key)
    return None if seq is None else event_by_seq(conn, seq)
