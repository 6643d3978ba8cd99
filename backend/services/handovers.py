"""The handover service: shifts and their handovers as records, each step one transaction.

Generating a handover reads the scope's open cases, the cases that moved during the shift
(with their histories) and the live units, builds the packet (``models.handover``) and
writes the shift row, the handover row, a numbered event and an audit row in one write
transaction. Submitting, signing and returning lock the handover row, apply the model's
move and write the same three things. Any error rolls everything back.

Every write takes the event counter first (``next_seq``) and only then the handover row, so
writers of handovers queue in one order and cannot deadlock (case moves lock case rows,
which handover writes never lock). A packet is built while the counter is held: handovers
are written a few times a shift, and the packet is then consistent with the event numbers.

A signed handover is an immutable record twice over: the model refuses every move on it,
and :func:`store_handover`'s update statement never matches a signed row, so not even a
caller that bypassed the model can change one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

import msgspec
from sqlalchemy import bindparam, or_, select, tuple_
from sqlalchemy.engine import Connection

from backend.services import events as eventlog
from backend.services.clock import Clock, utc_now
from backend.services.cursors import decode_cursor, encode_cursor, filter_key
from backend.services.errors import Conflict
from backend.services.records import (
    CommittedEvent,
    HandoverPage,
    HandoverQuery,
    ShiftStatus,
)
from backend.store.database import Database
from backend.store.migrate import check_schema
from backend.store.orm import CaseRow, HandoverRow, HistoryRow, ShiftRow, table
from models.case import TERMINAL_STATES, Case, HistoryEntry
from models.errors import InvalidInput, UnknownId
from models.evaluation import Period
from models.handover import (
    READER_ROLES,
    Handover,
    HandoverNotes,
    HandoverNotPermitted,
    HandoverSigned,
    HandoverState,
    build_packet,
    generate,
    handover_id,
    observed_roster,
    reminder_level,
    return_handover,
    search_text,
    shift_figures,
    sign,
    submit,
    summary,
)
from models.org import DEFAULT_STALE_AFTER, Actor, Unit
from models.shifts import Shift, ShiftSchedule

MAX_HANDOVER_PAGE = 100
"""Largest page a handover search returns (summaries, a few hundred bytes each)."""

_HANDOVERS = table(HandoverRow)
_SHIFTS = table(ShiftRow)
_LOCK = select(_HANDOVERS.c.data).where(_HANDOVERS.c.id == bindparam("id")).with_for_update()
_INSERT = _HANDOVERS.insert()
_UPDATE = _HANDOVERS.update().where(
    _HANDOVERS.c.id == bindparam("b_id"),
    _HANDOVERS.c.revision == bindparam("b_revision"),
    # The guard that keeps a signed record as it was signed.
    _HANDOVERS.c.state != HandoverState.SIGNED.value,
)


def _columns(handover: Handover) -> dict[str, Any]:
    return {
        "id": handover.id,
        "shift_id": handover.shift.id,
        "scope": handover.scope,
        "state": handover.state.value,
        "revision": handover.revision,
        "shift_start": handover.shift.start,
        "outgoing": handover.outgoing,
        "incoming": handover.incoming,
        "updated_at": handover.log[-1].at if handover.log else handover.packet.generated_at,
        "search_text": search_text(handover),
        "data": handover,
    }


def store_handover(conn: Connection, handover: Handover, previous_revision: int | None) -> None:
    """Insert a new handover (``previous_revision`` is ``None``) or update a stored one.

    Raises:
        HandoverSigned: The stored handover is signed: it is never updated.
        Conflict: The stored handover is not at ``previous_revision``.
    """
    values = _columns(handover)
    if previous_revision is None:
        conn.execute(_INSERT, values)
        return
    values["b_id"] = values.pop("id")
    result = conn.execute(_UPDATE, {**values, "b_revision": previous_revision})
    if result.rowcount == 1:
        return
    stored = conn.execute(_LOCK, {"id": handover.id}).scalar()
    if stored is None:
        raise UnknownId("handover", handover.id)
    if stored.state is HandoverState.SIGNED:
        raise HandoverSigned(handover.id, "update")
    raise Conflict(handover.id, previous_revision, stored.revision, kind="handover")


class HandoverService:
    """Shifts and handovers over one :class:`Database` (blocking; run through ``DbRunner``).

    Args:
        db: The database (migrated to the current schema).
        schedule: The shift schedule in force.
        clock: Source of "now" (aware).
        stale_after: Age after which a unit's last position no longer counts.

    Raises:
        SchemaError: ``db`` is not initialised or is at another schema revision.
    """

    def __init__(
        self,
        db: Database,
        schedule: ShiftSchedule,
        *,
        clock: Clock = utc_now,
        stale_after: timedelta = DEFAULT_STALE_AFTER,
    ) -> None:
        check_schema(db)
        self.db = db
        self.schedule = schedule
        self.clock = clock
        self.stale_after = stale_after

    # --- writes ------------------------------------------------------------------------

    def generate(
        self,
        shift_id: str | None,
        actor: Actor,
        units: Sequence[Unit],
        *,
        command_key: str | None = None,
    ) -> CommittedEvent:
        """Generate the handover of a shift in the actor's scope, or regenerate its draft.

        Args:
            shift_id: The shift; ``None`` for the current one. Only the current shift and
                the one before may be handed over.
            actor: The outgoing supervisor.
            units: The field units (with live statuses and positions); those outside the
                actor's scope are left out.
            command_key: The client's command id (with its user): applied at most once.

        Raises:
            InvalidInput: A malformed shift id, or a shift neither current nor previous.
            HandoverNotPermitted: The actor is not a supervisor.
            HandoverSigned: The shift's handover is signed already.
            IllegalHandoverMove: It is submitted (sign or return it first).
        """
        now = self.clock()
        current = self.schedule.shift_at(now)
        shift = current if shift_id is None else self.schedule.shift(shift_id)
        if shift not in (current, self.schedule.previous_shift(current)):
            raise InvalidInput(
                "shift_id",
                f"{shift.id} is neither the current shift ({current.id}) nor the one before: "
                "only those can be handed over",
            )
        scope = actor.scope
        mine = [u for u in units if actor.covers(u.street_code)]

        def write(conn: Connection) -> CommittedEvent:
            seq = eventlog.next_seq(conn)
            ident = handover_id(scope, shift)
            existing = conn.execute(_LOCK, {"id": ident}).scalar()
            open_cases, records = _shift_cases(conn, shift, now, actor)
            packet = build_packet(
                open_cases, records, mine, shift, now, stale_after=self.stale_after
            )
            roster = observed_roster(actor.user_id, packet, mine)
            new = generate(existing, shift, scope, packet, roster, actor)
            if (
                existing is None
                and conn.execute(select(_SHIFTS.c.id).where(_SHIFTS.c.id == shift.id)).first()
                is None
            ):
                conn.execute(
                    _SHIFTS.insert(),
                    {
                        "id": shift.id,
                        "name": shift.name,
                        "start": shift.start,
                        "end": shift.end,
                        "data": shift,
                    },
                )
            return _record(conn, seq, existing, new, "generate", actor, now)

        return eventlog.write_once(self.db, command_key, write)

    def submit(
        self,
        handover_ident: str,
        notes: HandoverNotes,
        actor: Actor,
        expected_revision: int | None = None,
        *,
        command_key: str | None = None,
    ) -> CommittedEvent:
        """The outgoing supervisor submits with notes (also after a return).

        Raises:
            UnknownId, Conflict, HandoverSigned, IllegalHandoverMove, HandoverNotPermitted,
            InvalidInput.
        """
        return self._move(
            handover_ident,
            "submit",
            lambda h, now: submit(h, notes, actor, now),
            actor,
            expected_revision,
            command_key,
        )

    def sign(
        self,
        handover_ident: str,
        actor: Actor,
        comment: str = "",
        expected_revision: int | None = None,
        *,
        command_key: str | None = None,
    ) -> CommittedEvent:
        """The incoming supervisor signs: from then on the handover is immutable.

        Raises:
            UnknownId, Conflict, HandoverSigned, IllegalHandoverMove, HandoverNotPermitted,
            InvalidInput.
        """
        return self._move(
            handover_ident,
            "sign",
            lambda h, now: sign(h, actor, now, comment),
            actor,
            expected_revision,
            command_key,
        )

    def send_back(
        self,
        handover_ident: str,
        comments: str,
        actor: Actor,
        expected_revision: int | None = None,
        *,
        command_key: str | None = None,
    ) -> CommittedEvent:
        """The incoming supervisor returns the handover with comments.

        Raises:
            UnknownId, Conflict, HandoverSigned, IllegalHandoverMove, HandoverNotPermitted,
            InvalidInput.
        """
        return self._move(
            handover_ident,
            "return",
            lambda h, now: return_handover(h, comments, actor, now),
            actor,
            expected_revision,
            command_key,
        )

    def _move(
        self,
        handover_ident: str,
        move: str,
        apply: Callable[[Handover, datetime], Handover],
        actor: Actor,
        expected_revision: int | None,
        command_key: str | None,
    ) -> CommittedEvent:
        if expected_revision is not None and (
            not isinstance(expected_revision, int) or expected_revision < 1
        ):
            raise InvalidInput("expected_revision", f"{expected_revision!r} is not a revision")

        def write(conn: Connection) -> CommittedEvent:
            seq = eventlog.next_seq(conn)
            now = self.clock()
            existing = conn.execute(_LOCK, {"id": handover_ident}).scalar()
            if existing is None or not _sees(actor, existing):
                # Another scope's handover is as good as unknown to this actor.
                raise UnknownId("handover", handover_ident)
            if existing.state is HandoverState.SIGNED:
                raise HandoverSigned(existing.id, move)
            if expected_revision is not None and expected_revision != existing.revision:
                raise Conflict(existing.id, expected_revision, existing.revision, kind="handover")
            return _record(conn, seq, existing, apply(existing, now), move, actor, now)

        return eventlog.write_once(self.db, command_key, write)

    # --- reads -------------------------------------------------------------------------

    def get(self, handover_ident: str, actor: Actor) -> Handover:
        """One handover, whole.

        Raises:
            HandoverNotPermitted: The actor's role may not read handovers.
            UnknownId: No such handover in the actor's scope.
        """
        _check_reader(actor, handover_ident)
        with self.db.transaction() as conn:
            found = conn.execute(
                select(_HANDOVERS.c.data).where(_HANDOVERS.c.id == handover_ident)
            ).scalar()
        if found is None or not _sees(actor, found):
            raise UnknownId("handover", handover_ident)
        return found

    def search(self, query: HandoverQuery, actor: Actor) -> HandoverPage:
        """One page of handover summaries in the actor's scope, newest shift first (keyset).

        Raises:
            HandoverNotPermitted: The actor's role may not read handovers.
            InvalidInput: A bad limit, shift id or text, or a cursor of another search.
        """
        _check_reader(actor, "search")
        if not isinstance(query.limit, int) or not 1 <= query.limit <= MAX_HANDOVER_PAGE:
            raise InvalidInput("limit", f"{query.limit!r} is not in 1..{MAX_HANDOVER_PAGE}")
        h = _HANDOVERS.c
        stmt = select(h.data, h.shift_start, h.id)
        if query.shift_id is not None:
            stmt = stmt.where(h.shift_id == self.schedule.shift(query.shift_id).id)
        if query.supervisor is not None:
            stmt = stmt.where(or_(h.outgoing == query.supervisor, h.incoming == query.supervisor))
        if query.text is not None:
            text = query.text.strip().lower()
            if not text:
                raise InvalidInput("text", "is empty")
            stmt = stmt.where(h.search_text.contains(text, autoescape=True))
        if query.states:
            stmt = stmt.where(h.state.in_([s.value for s in query.states]))
        if not actor.is_district_wide:
            stmt = stmt.where(h.scope == actor.scope)
        key = _filter_key(query, actor)
        if query.cursor is not None:
            after_start, after_id = decode_cursor(query.cursor, key, str)
            stmt = stmt.where(tuple_(h.shift_start, h.id) < (after_start, after_id))
        stmt = stmt.order_by(h.shift_start.desc(), h.id.desc()).limit(query.limit + 1)
        with self.db.transaction() as conn:
            rows = conn.execute(stmt).all()
        more = len(rows) > query.limit
        rows = rows[: query.limit]
        cursor = encode_cursor(rows[-1].shift_start, rows[-1].id, key) if more else None
        return HandoverPage(handovers=tuple(summary(r.data) for r in rows), next_cursor=cursor)

    def shift_status(self, actor: Actor, at: datetime | None = None) -> ShiftStatus:
        """The shift running at ``at`` (default now), its neighbours and their handovers in
        the actor's scope, and the reminder the previous handover calls for now.

        Raises:
            HandoverNotPermitted: The actor's role may not read handovers.
            InvalidInput: A naive ``at``.
        """
        _check_reader(actor, "shift")
        now = self.clock()
        shift = self.schedule.shift_at(now if at is None else at)
        previous = self.schedule.previous_shift(shift)
        ids = [handover_id(actor.scope, s) for s in (shift, previous)]
        with self.db.transaction() as conn:
            found = {
                h.id: h
                for h in conn.execute(
                    select(_HANDOVERS.c.data).where(_HANDOVERS.c.id.in_(ids))
                ).scalars()
            }
            records = _moved_records(conn, shift, now, actor)
        earlier = found.get(ids[1])
        return ShiftStatus(
            shift=shift,
            previous=previous,
            next=self.schedule.next_shift(shift),
            handover=found.get(ids[0]),
            previous_handover=earlier,
            reminder=reminder_level(earlier, previous, now, self.schedule.reminder_minutes),
            reminder_minutes=self.schedule.reminder_minutes,
            # The very count a packet generated now would hold (``build_packet``).
            figures=shift_figures(records, Period(shift.start, shift.end), now),
            as_of=now,
        )


# --- helpers -------------------------------------------------------------------------------


def _sees(actor: Actor, handover: Handover) -> bool:
    return actor.is_district_wide or actor.scope == handover.scope


def _check_reader(actor: Actor, what: str) -> None:
    if actor.role not in READER_ROLES:
        raise HandoverNotPermitted(
            what, "-", "read", f"role '{actor.role}' may not; supervisors and leaders may"
        )


def _in_scope(stmt: Any, actor: Actor) -> Any:
    return stmt if actor.is_district_wide else stmt.where(CaseRow.street_code == actor.scope)


def _shift_cases(
    conn: Connection, shift: Shift, now: datetime, actor: Actor
) -> tuple[list[Case], list[tuple[Case, list[HistoryEntry]]]]:
    """The scope's open cases, and the cases that moved during the shift with their whole
    histories (in revision order)."""
    finished = [s.value for s in TERMINAL_STATES]
    open_cases = list(
        conn.execute(
            _in_scope(select(CaseRow.data).where(CaseRow.state.not_in(finished)), actor)
        ).scalars()
    )
    return open_cases, _moved_records(conn, shift, now, actor)


def _moved_records(
    conn: Connection, shift: Shift, now: datetime, actor: Actor
) -> list[tuple[Case, list[HistoryEntry]]]:
    """The scope's cases that moved during the shift (until ``now``), with their whole
    histories (in revision order): what the shift's figures are counted from."""
    moved = (
        select(HistoryRow.case_id)
        .where(HistoryRow.at >= shift.start, HistoryRow.at < shift.end, HistoryRow.at <= now)
        .distinct()
        .scalar_subquery()
    )
    cases = {
        c.id: c
        for c in conn.execute(
            _in_scope(select(CaseRow.data).where(CaseRow.id.in_(moved)), actor)
        ).scalars()
    }
    histories: dict[int, list[HistoryEntry]] = {case_id: [] for case_id in cases}
    rows = conn.execute(
        select(HistoryRow.case_id, HistoryRow.entry)
        .where(HistoryRow.case_id.in_(list(cases)))
        .order_by(HistoryRow.case_id, HistoryRow.revision)
    )
    for case_id, entry in rows:
        histories[case_id].append(entry)
    return [(cases[i], histories[i]) for i in sorted(cases)]


def _record(
    conn: Connection,
    seq: int,
    before: Handover | None,
    after: Handover,
    move: str,
    actor: Actor,
    at: datetime,
) -> CommittedEvent:
    """Write the handover row, its numbered event (``seq``) and the audit row."""
    store_handover(conn, after, before.revision if before is not None else None)
    payload = {"kind": "handover_changed", "handover": msgspec.to_builtins(after), "move": move}
    return eventlog.append_change(
        conn,
        seq=seq,
        at=at,
        kind=f"handover.{move}",
        payload=payload,
        actor=actor,
        action=f"handover_{move}",
        target=f"handover {after.id}",
        before=before,
        after=after,
    )


def _filter_key(query: HandoverQuery, actor: Actor) -> str:
    """A short fingerprint of the filters, carried in the cursor to catch mixed-up pages."""
    filters = [
        query.shift_id,
        query.supervisor,
        query.text.strip().lower() if query.text else None,
        sorted(s.value for s in query.states),
        None if actor.is_district_wide else actor.scope,
    ]
    return filter_key(filters)
