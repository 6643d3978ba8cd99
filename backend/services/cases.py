"""The case service: every workflow move is one transaction with its event and audit row.

A move locks and loads its case, asks ``models.workflow`` for the transition, and writes the
new case, its orders, the history entry, a numbered event and an audit row, then commits.
Any error rolls the whole transaction back: nothing of a refused move is ever written.

Event numbers follow commit order without gaps (see ``backend.services.events``). Locks are
always taken in the same order (case rows by id, then the event counter, then the day's
case-number counter) so writers cannot deadlock.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy import bindparam, func, or_, select, tuple_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from backend.services import events as eventlog
from backend.services.clock import Clock, utc_now
from backend.services.cursors import decode_cursor, encode_cursor, filter_key
from backend.services.errors import Conflict
from backend.services.evaluation import record_facts
from backend.services.records import CaseChange, CasePage, CaseQuery, CommittedEvent
from backend.store.database import Database
from backend.store.migrate import check_schema
from backend.store.orm import (
    CaseNumberCounterRow,
    CaseRow,
    HistoryRow,
    OrderRow,
    PhotoRow,
    table,
)
from models.calendar import SHANGHAI
from models.case import TERMINAL_STATES, Case, HistoryEntry, Location, Order
from models.catalogue import Catalogue
from models.cell_index import CellIndex
from models.deadlines import DeadlinePolicy
from models.errors import InvalidInput, UnknownId
from models.geography import CityMap
from models.org import Actor
from models.workflow import (
    MAX_TEXT,
    Merge,
    Move,
    NewReport,
    Transition,
    WorkflowContext,
    apply,
    merge_into,
    open_case,
)
from models.workflow import check_deadline as workflow_check_deadline

NUMBER_PREFIX = "PD"
"""Case numbers read ``PD20261129-0001``: prefix, Shanghai date, number of the day."""

MAX_PAGE = 500
"""Largest page a case search returns."""

MAX_EVENTS = 10_000
"""Most events one ``events_since`` call returns."""

# Statements of the write path, built once: each move runs about eight of them, and
# building them anew with literal values costs more than SQLite takes to run them.
_CASES = table(CaseRow)
_ORDERS = table(OrderRow)
_DAYS = table(CaseNumberCounterRow)
_LOCK_CASES = (
    select(_CASES.c.id, _CASES.c.data)
    .where(_CASES.c.id.in_(bindparam("ids", expanding=True)))
    .order_by(_CASES.c.id)
    .with_for_update()
)
_NEXT_CASE_ID = select(func.coalesce(func.max(_CASES.c.id), 0) + 1)
_INSERT_CASE = _CASES.insert()
_UPDATE_CASE = _CASES.update().where(_CASES.c.id == bindparam("b_id"))
_INSERT_ORDER = _ORDERS.insert()
_UPDATE_ORDER = _ORDERS.update().where(
    _ORDERS.c.case_id == bindparam("b_case"), _ORDERS.c.no == bindparam("b_no")
)
_INSERT_HISTORY = table(HistoryRow).insert()
_FIND_PHOTOS = select(PhotoRow.id).where(PhotoRow.id.in_(bindparam("ids", expanding=True)))
_NEXT_OF_DAY = {
    name: (
        upsert(_DAYS)
        .values(day=bindparam("day"), last=1)
        .on_conflict_do_update(index_elements=[_DAYS.c.day], set_={"last": _DAYS.c.last + 1})
        .returning(_DAYS.c.last)
    )
    for name, upsert in (("postgresql", pg_insert), ("sqlite", sqlite_insert))
}


class CaseService:
    """Cases, their moves, history and events, over one :class:`Database`.

    Args:
        db: The database (migrated to the current schema).
        catalogue: The category catalogue in force.
        policy: The deadline policy in force.
        city: The grid map that reports are located on.
        index: The cell index of ``city``.
        clock: Source of "now" (aware); tests pass a fixed or stepping clock.

    Raises:
        SchemaError: ``db`` is not initialised or is at another schema revision.

    Every method is blocking; call them from the event loop through
    ``backend.services.runner.DbRunner``.
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

    def report(
        self, report: NewReport, actor: Actor, *, command_key: str | None = None
    ) -> CommittedEvent:
        """Open a case from a report (上报); it waits for acceptance.

        The position is resolved to cell, community and street on the grid map.

        Args:
            report: The report.
            actor: Who reports.
            command_key: The client's command id (with its user): a command already
                applied is not applied again; its first event is returned instead.

        Raises:
            InvalidInput: bad position (not a number, or outside every grid cell), address
                too long, empty description...
            NotPermitted: the actor's role may not report, or the place is outside their
                scope.
            UnknownId: unknown category or photo.
        """
        location = self._locate(report)
        ctx = self._context(actor)

        def write(conn: Connection) -> CommittedEvent:
            _check_photos(conn, report.photos)
            seq = eventlog.next_seq(conn)
            # Every case is inserted here, under the event counter's row lock (or SQLite's
            # write lock), so max(id) + 1 cannot race with another reporter.
            case_id = int(conn.execute(_NEXT_CASE_ID).scalar_one())
            number = _next_number(conn, ctx.at)
            transition = open_case(
                report, case_id=case_id, number=number, location=location, ctx=ctx
            )
            conn.execute(_INSERT_CASE, _case_columns(transition.case))
            return _record(conn, seq, transition)

        return self._write_once(command_key, write)

    def move(
        self,
        case_id: int,
        move: Move,
        actor: Actor,
        expected_revision: int | None = None,
        *,
        command_key: str | None = None,
    ) -> CommittedEvent:
        """Make one workflow move on a case, in one transaction.

        A :class:`~models.workflow.Merge` changes two cases in the same transaction: the
        duplicate (``case_id``) and the case it is merged into. It commits two events, the
        duplicate's (returned) and the target's, numbered one after the other.

        Args:
            case_id: The case.
            move: The move (a ``models.workflow`` command).
            actor: Who makes it.
            expected_revision: The revision the actor's decision was based on; when given
                and the case has moved on since, the move is refused with ``Conflict``.
            command_key: The client's command id (with its user): a command already
                applied is not applied again; its first event is returned instead.

        Raises:
            UnknownId: no such case (or merge target), or the move names an unknown
                department, category or photo.
            Conflict: ``expected_revision`` is not the case's revision.
            IllegalMove: the case's state does not allow the move.
            NotPermitted: the actor's role or scope does not allow it.
            InvalidInput: a field of the move is missing or wrong.
        """
        if not isinstance(move, Move):
            raise InvalidInput("move", f"{type(move).__name__} is not a workflow move")
        if expected_revision is not None and (
            not isinstance(expected_revision, int) or expected_revision < 1
        ):
            raise InvalidInput("expected_revision", f"{expected_revision!r} is not a revision")
        ctx = self._context(actor)

        def write(conn: Connection) -> CommittedEvent:
            if isinstance(move, Merge):
                return _merge(conn, case_id, move, ctx, expected_revision)
            case = _lock_cases(conn, [case_id])[case_id]
            _check_revision(case, expected_revision)
            transition = apply(case, move, ctx)
            _check_photos(conn, getattr(move, "photos", ()))
            _write_case(conn, transition)
            return _record(conn, eventlog.next_seq(conn), transition)

        return self._write_once(command_key, write)

    def check_deadline(self, case_id: int) -> CommittedEvent | None:
        """Raise the case's warning or overdue flag if its time has come (the SLA clock).

        Returns:
            The committed event, or ``None`` when nothing was due (nothing is written).

        Raises:
            UnknownId: no such case.
        """
        now = self.clock()
        with self.db.transaction(write=True) as conn:
            case = _lock_cases(conn, [case_id])[case_id]
            transition = workflow_check_deadline(case, now, self.policy)
            if transition is None:
                return None
            _write_case(conn, transition)
            return _record(conn, eventlog.next_seq(conn), transition)

    def _write_once(
        self, command_key: str | None, write: Callable[[Connection], CommittedEvent]
    ) -> CommittedEvent:
        """Run ``write`` in one write transaction, at most once per ``command_key``."""
        return eventlog.write_once(self.db, command_key, write)

    def find_command(self, command_key: str) -> int | None:
        """The event number a command already applied committed, or ``None``."""
        with self.db.transaction() as conn:
            return eventlog.find_command(conn, command_key)

    # --- reads -------------------------------------------------------------------------

    def get(self, case_id: int) -> Case:
        """The case as it now is.

        Raises:
            UnknownId: no such case.
        """
        with self.db.transaction() as conn:
            case = conn.execute(select(CaseRow.data).where(CaseRow.id == case_id)).scalar()
        if case is None:
            raise UnknownId("case", case_id)
        return case

    def history(self, case_id: int) -> list[HistoryEntry]:
        """The case's flow (流转记录), oldest first.

        Raises:
            UnknownId: no such case.
        """
        with self.db.transaction() as conn:
            if conn.execute(select(CaseRow.id).where(CaseRow.id == case_id)).first() is None:
                raise UnknownId("case", case_id)
            rows = conn.execute(
                select(HistoryRow.entry)
                .where(HistoryRow.case_id == case_id)
                .order_by(HistoryRow.revision)
            )
            return list(rows.scalars())

    def current_cases(self, closed_since: datetime) -> list[Case]:
        """Every open case, and the finished ones changed at or after ``closed_since``.

        What a server loads into memory at start (e.g. with the start of today).

        Raises:
            InvalidInput: a naive ``closed_since``.
        """
        if closed_since.tzinfo is None:
            raise InvalidInput("closed_since", "must carry a time zone")
        finished = [s.value for s in TERMINAL_STATES]
        stmt = (
            select(_CASES.c.data)
            .where(or_(_CASES.c.state.not_in(finished), _CASES.c.updated_at >= closed_since))
            .order_by(_CASES.c.id)
        )
        with self.db.transaction() as conn:
            return list(conn.execute(stmt).scalars())

    def last_seq(self) -> int:
        """Number of the last committed event (0 before the first)."""
        with self.db.transaction() as conn:
            return eventlog.last_seq(conn)

    def events_since(self, seq: int, limit: int = 1000) -> list[CommittedEvent]:
        """Committed events numbered after ``seq``, in order, at most ``limit`` of them.

        Raises:
            InvalidInput: negative ``seq`` or ``limit`` outside 1..``MAX_EVENTS``.
        """
        if not isinstance(seq, int) or seq < 0:
            raise InvalidInput("seq", f"{seq!r} is not an event number (0 or more)")
        if not isinstance(limit, int) or not 1 <= limit <= MAX_EVENTS:
            raise InvalidInput("limit", f"{limit!r} is not in 1..{MAX_EVENTS}")
        with self.db.transaction() as conn:
            return eventlog.events_since(conn, seq, limit)

    def search(self, query: CaseQuery, actor: Actor | None = None) -> CasePage:
        """One page of cases matching ``query``, newest report first (keyset pagination).

        Pages are cut by the last (reported_at, id) seen, not by an offset, so a page deep
        in a million cases costs the same as the first, and a case reported meanwhile does
        not shift later pages.

        Args:
            query: Filters, page size and the cursor of the previous page.
            actor: When given and limited to one street, only that street's cases.

        Raises:
            InvalidInput: a bad limit, a naive or reversed time window, or a cursor that is
                malformed or belongs to a query with other filters.
        """
        _check_query(query)
        key = _filter_key(query, actor)
        stmt = select(CaseRow.data, CaseRow.reported_at, CaseRow.id)
        if query.states:
            stmt = stmt.where(CaseRow.state.in_([s.value for s in query.states]))
        if query.street is not None:
            stmt = stmt.where(CaseRow.street_code == query.street)
        if actor is not None and not actor.is_district_wide:
            stmt = stmt.where(CaseRow.street_code == actor.scope)
        if query.category is not None:
            stmt = stmt.where(CaseRow.category == query.category)
        if query.reported_from is not None:
            stmt = stmt.where(CaseRow.reported_at >= query.reported_from)
        if query.reported_to is not None:
            stmt = stmt.where(CaseRow.reported_at < query.reported_to)
        if query.cursor is not None:
            after_at, after_id = decode_cursor(query.cursor, key, int)
            stmt = stmt.where(tuple_(CaseRow.reported_at, CaseRow.id) < (after_at, after_id))
        stmt = stmt.order_by(CaseRow.reported_at.desc(), CaseRow.id.desc()).limit(query.limit + 1)
        with self.db.transaction() as conn:
            rows = conn.execute(stmt).all()
        more = len(rows) > query.limit
        rows = rows[: query.limit]
        cursor = encode_cursor(rows[-1].reported_at, rows[-1].id, key) if more else None
        return CasePage(cases=tuple(r.data for r in rows), next_cursor=cursor)

    @staticmethod
    def cursor_after(query: CaseQuery, case: Case, actor: Actor | None = None) -> str:
        """A cursor that continues ``query`` after ``case`` (e.g. resume at a selected case).

        The cursor is only valid with the same filters (and actor scope) as ``query``.
        """
        return encode_cursor(case.reported_at, case.id, _filter_key(query, actor))

    # --- helpers -----------------------------------------------------------------------

    def _context(self, actor: Actor) -> WorkflowContext:
        if not isinstance(actor, Actor):
            raise InvalidInput("actor", f"{type(actor).__name__} is not an Actor")
        # The audit columns have these widths; say so rather than fail in the database.
        for field, value, width in (
            ("actor.user_id", actor.user_id, 64),
            ("actor.terminal", actor.terminal, 100),
        ):
            if len(value) > width:
                raise InvalidInput(field, f"is longer than {width} characters")
        if not actor.user_id:
            raise InvalidInput("actor.user_id", "is required")
        return WorkflowContext(
            actor=actor, at=self.clock(), policy=self.policy, catalogue=self.catalogue
        )

    def _locate(self, report: NewReport) -> Location:
        lon, lat = report.lon, report.lat
        for name, value, bound in (("lon", lon, 180.0), ("lat", lat, 90.0)):
            if not isinstance(value, int | float) or not math.isfinite(value) or abs(value) > bound:
                raise InvalidInput(name, f"{value!r} is not a WGS-84 coordinate")
        address = report.address.strip()
        if len(address) > MAX_TEXT:
            raise InvalidInput("address", f"is longer than {MAX_TEXT} characters")
        code = self.index.locate(lon, lat)
        if code is None:
            raise InvalidInput(
                "position",
                f"({lon:.6f}, {lat:.6f}) is outside every grid cell of {self.city.name_en}",
            )
        cell = self.city.cell(code)
        return Location(
            lon=lon,
            lat=lat,
            address=address,
            cell_code=cell.code,
            community_code=cell.community_code,
            street_code=cell.street_code,
        )


# --- write helpers -----------------------------------------------------------------------


def _next_number(conn: Connection, at: datetime) -> str:
    """The next readable case number of the (Shanghai) day of ``at``."""
    day = at.astimezone(SHANGHAI).date()
    # An upsert: the day's first report makes the row, the others count up in it.
    n = int(conn.execute(_NEXT_OF_DAY[conn.dialect.name], {"day": day}).scalar_one())
    return f"{NUMBER_PREFIX}{day:%Y%m%d}-{n:04d}"


def _check_photos(conn: Connection, photos: Iterable[str]) -> None:
    wanted = set(photos)
    if not wanted:
        return
    found = set(conn.execute(_FIND_PHOTOS, {"ids": list(wanted)}).scalars())
    missing = sorted(wanted - found)
    if missing:
        raise UnknownId("photo", missing[0])


def _lock_cases(conn: Connection, case_ids: Sequence[int]) -> dict[int, Case]:
    """Load and lock cases (PostgreSQL: ``FOR UPDATE``, in id order, so no deadlocks)."""
    for case_id in case_ids:
        if not isinstance(case_id, int) or isinstance(case_id, bool):
            raise InvalidInput("case_id", f"{case_id!r} is not a case id")
    rows = conn.execute(_LOCK_CASES, {"ids": sorted(set(case_ids))}).all()
    found = {r.id: r.data for r in rows}
    for case_id in case_ids:
        if case_id not in found:
            raise UnknownId("case", case_id)
    return found


def _check_revision(case: Case, expected: int | None) -> None:
    if expected is not None and expected != case.revision:
        raise Conflict(case.number, expected, case.revision)


def _merge(
    conn: Connection,
    case_id: int,
    move: Merge,
    ctx: WorkflowContext,
    expected_revision: int | None,
) -> CommittedEvent:
    """Both halves of a merge in the caller's transaction; returns the duplicate's event."""
    cases = _lock_cases(conn, [case_id, move.into_case])
    duplicate, target = cases[case_id], cases[move.into_case]
    _check_revision(duplicate, expected_revision)
    merged = apply(duplicate, move, ctx)
    counted = merge_into(target, duplicate, ctx)
    _write_case(conn, merged)
    _write_case(conn, counted)
    event = _record(conn, eventlog.next_seq(conn), merged)
    _record(conn, eventlog.next_seq(conn), counted)
    return event


def _case_columns(case: Case) -> dict[str, Any]:
    loc = case.location
    return {
        "id": case.id,
        "number": case.number,
        "state": case.state.value,
        "street_code": loc.street_code,
        "community_code": loc.community_code,
        "cell_code": loc.cell_code,
        "category": case.category,
        "urgency": case.urgency.value,
        "source": case.source.value,
        "reported_at": case.reported_at,
        "updated_at": case.updated_at or case.reported_at,
        "revision": case.revision,
        "step_deadline": case.step_deadline,
        "data": case,
    }


def _order_columns(order: Order) -> dict[str, Any]:
    return {
        "department": order.department,
        "level": order.level.value,
        "state": order.state.value,
        "issued_at": order.issued_at,
        "deadline": order.deadline,
    }


def _write_case(conn: Connection, transition: Transition) -> None:
    """Update a case row and insert or update the orders that changed."""
    case = transition.case
    values = _case_columns(case)
    values["b_id"] = values.pop("id")
    conn.execute(_UPDATE_CASE, values)
    before = {o.no: o for o in transition.before.orders} if transition.before else {}
    for order in case.orders:
        old = before.get(order.no)
        if old == order:
            continue
        if old is None:
            conn.execute(
                _INSERT_ORDER, {"case_id": case.id, "no": order.no, **_order_columns(order)}
            )
        else:
            conn.execute(
                _UPDATE_ORDER, {"b_case": case.id, "b_no": order.no, **_order_columns(order)}
            )


def _record(conn: Connection, seq: int, transition: Transition) -> CommittedEvent:
    """Write the history entry, the evaluation record, the numbered event and the audit row
    of a transition."""
    case, entry = transition.case, transition.entry
    conn.execute(
        _INSERT_HISTORY,
        {
            "case_id": case.id,
            "revision": entry.revision,
            "move": entry.move,
            "actor_id": entry.actor_id,
            "at": entry.at,
            "entry": entry,
        },
    )
    record_facts(conn, transition)
    # Plain JSON values (lists, not tuples), exactly what a reader gets back from the table.
    payload = msgspec.json.decode(msgspec.json.encode(CaseChange(case=case, entry=entry)))
    event = eventlog.append_event(
        conn, seq=seq, at=entry.at, kind=f"case.{entry.move}", case_id=case.id, payload=payload
    )
    eventlog.append_audit(
        conn,
        event_seq=seq,
        actor_id=entry.actor_id,
        role=entry.actor_role,
        terminal=entry.terminal,
        at=entry.at,
        action=entry.move,
        target=f"case {case.number}",
        before=transition.before,
        after=case,
    )
    return event


def lock_case(conn: Connection, case_id: int) -> Case:
    """Load and lock one case in the caller's write transaction, for a change that another
    record makes with it (a joint operation's note in the case history).

    Raises:
        UnknownId: no such case.
    """
    return _lock_cases(conn, [case_id])[case_id]


def commit_transition(
    conn: Connection, transition: Transition, seq: int | None = None
) -> CommittedEvent:
    """Write a case transition in the caller's write transaction: the case and its orders,
    the history entry, the numbered event (numbered here unless ``seq`` was taken already in
    this transaction) and the audit row."""
    _write_case(conn, transition)
    return _record(conn, eventlog.next_seq(conn) if seq is None else seq, transition)


# --- search helpers ----------------------------------------------------------------------


def _check_query(query: CaseQuery) -> None:
    if not isinstance(query.limit, int) or not 1 <= query.limit <= MAX_PAGE:
        raise InvalidInput("limit", f"{query.limit!r} is not in 1..{MAX_PAGE}")
    for name in ("reported_from", "reported_to"):
        value = getattr(query, name)
        if value is not None and value.tzinfo is None:
            raise InvalidInput(name, "must carry a time zone")
    if (
        query.reported_from is not None
        and query.reported_to is not None
        and query.reported_from >= query.reported_to
    ):
        raise InvalidInput("reported_to", "must be after reported_from")


def _filter_key(query: CaseQuery, actor: Actor | None) -> str:
    """A short fingerprint of the filters, carried in the cursor to catch mixed-up pages."""
    scope = actor.scope if actor is not None and not actor.is_district_wide else None
    filters = [
        sorted(s.value for s in query.states),
        query.street,
        query.category,
        query.reported_from.isoformat() if query.reported_from else None,
        query.reported_to.isoformat() if query.reported_to else None,
        scope,
    ]
    return filter_key(filters)
