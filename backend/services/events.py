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

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection

from backend.services.records import CommittedEvent
from backend.store.orm import AuditRow, EventCounterRow, EventRow, table

_COUNTER = table(EventCounterRow)
_EVENTS = table(EventRow)
_NEXT_SEQ = (
    _COUNTER.update()
    .where(_COUNTER.c.id == 1)
    .values(last=_COUNTER.c.last + 1)
    .returning(_COUNTER.c.last)
)
_LAST_SEQ = select(_COUNTER.c.last)
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
