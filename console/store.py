"""The console's state: what the server sent, applied in order, and what changed since.

Data flows one way (DESIGN.md, "Data flow in the console")::

    GridClient ─ decoded messages ─▶ ClientStore.apply() ─ marks changes ─▶ StoreSignals
        (≈30 Hz) ─ coalesced, past-tense signals ─▶ item models, map layers ─▶ widgets

:class:`ClientStore` is plain Python (no Qt): dicts of cases, units and teams, numpy arrays
of unit positions for the map, the selection, the last event number, the connection's
state; every ``apply_*`` marks what it changed. :class:`StoreSignals` is the thin Qt
adapter: a timer takes the marked changes at most about 30 times a second and emits one
signal per kind, so a burst of 500 events costs the views one update, not 500.

User intent goes the other way: views call the store's ``send_*`` methods, which hand the
command to the connection (a :class:`CommandSink`); views never touch the socket.
"""

from __future__ import annotations

import logging
import math
import time
import weakref
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Final, Protocol

import msgspec
import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

from models.case import Case
from models.geography import CityMap
from models.handover import Handover, HandoverNotes
from models.joint import AnyJointMove, JointOperation
from models.org import Team, Unit, UnitStatus, User
from models.patrol import AnyPatrolMove, PatrolAssignment
from models.response_templates import ResponseTemplate
from models.workflow import AnyMove, NewReport
from net.client import Answer, ClientStatus, StatusChange, StopReason, new_request_id
from net.protocol import (
    CaseBody,
    ClientMessage,
    Command,
    ErrorCode,
    Event,
    GenerateHandover,
    GoodbyeReason,
    HandoverChanged,
    JointChanged,
    JointCommand,
    PatrolChanged,
    PatrolCommand,
    PositionFrame,
    Report,
    ResponseTemplateChanged,
    ReturnHandover,
    ServerMessage,
    SetResponseTemplate,
    SetUnitStatus,
    ShiftResult,
    SignHandover,
    SnapshotChunk,
    SubmitHandover,
    Synced,
    UnitChanged,
    UnitRemoved,
    Welcome,
)

log = logging.getLogger(__name__)

STATUS_CODES: Final[dict[UnitStatus, int]] = {s: i for i, s in enumerate(UnitStatus)}
"""Unit status → the small integer kept in :attr:`UnitPositions.status`."""

STATUSES: Final[tuple[UnitStatus, ...]] = tuple(UnitStatus)
"""Status code → unit status (the inverse of :data:`STATUS_CODES`)."""

NO_HEADING: Final = np.float32(np.nan)


# --- values the store hands out --------------------------------------------------------


@dataclass(frozen=True)
class Selection:
    """What the user selected, shared by the map and the tables."""

    cases: frozenset[int] = frozenset()
    units: frozenset[str] = frozenset()
    cells: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ConnectionInfo:
    """The connection as the indicator shows it.

    Attributes:
        status: Offline, connecting, online or reconnecting.
        stop_reason: Why the client stopped (with offline).
        goodbye: The server's goodbye reason behind the last change, if any.
        error: The error code behind the last change (a refused sign-in), if any.
        detail: English detail for logs and tooltips.
        attempt: Failed connection attempts in a row.
        retry_in: Seconds to the next attempt, when reconnecting.
        round_trip: Seconds of the last ping's round trip.
    """

    status: ClientStatus = ClientStatus.OFFLINE
    stop_reason: StopReason | None = None
    goodbye: GoodbyeReason | None = None
    error: ErrorCode | None = None
    detail: str = ""
    attempt: int = 0
    retry_in: float | None = None
    round_trip: float | None = None


@dataclass(frozen=True)
class RequestOutcome:
    """How a request the user made ended, in words the console can show.

    Attributes:
        request_id: The request's id.
        ok: Whether it succeeded.
        text: What happened, in the user's language (translated by the connection).
        code: The error code when refused (``illegal_move``...), ``"timeout"`` when no
            answer came in time, ``"offline"`` when it could not be sent.
        answer: The ack or result, when it succeeded.
    """

    request_id: str
    ok: bool
    text: str
    code: str | None = None
    answer: Answer | None = None


@dataclass
class Changes:
    """What changed since the last :meth:`ClientStore.take_changes`.

    Attributes:
        cases: Ids of cases added or changed.
        cases_removed: Ids of cases gone (only a new snapshot removes cases).
        cases_arrived: Of ``cases``, those first seen through an event (a new report),
            not in a snapshot.
        units: Ids of units added or changed (status, team, details).
        units_removed: Ids of units taken out of service.
        units_moved: Positions changed (the arrays of :class:`UnitPositions`).
        teams: The teams changed.
        city: The grid map (or why it is missing) changed.
        selection: The selection changed.
        connection: The connection's status or round trip changed.
        user: The signed-in user changed.
        handovers: Ids of shift handovers added or changed.
        shift: The current shift (or its figures) changed.
        joint: Ids of joint operations added or changed (or gone with a new snapshot).
        patrols: Ids of patrol assignments added, changed or withdrawn (gone).
        templates: The response templates changed.
        outcomes: Requests that were answered, in order.
    """

    cases: set[int] = field(default_factory=set)
    cases_removed: set[int] = field(default_factory=set)
    cases_arrived: set[int] = field(default_factory=set)
    units: set[str] = field(default_factory=set)
    units_removed: set[str] = field(default_factory=set)
    units_moved: bool = False
    teams: bool = False
    city: bool = False
    selection: bool = False
    connection: bool = False
    user: bool = False
    handovers: set[str] = field(default_factory=set)
    shift: bool = False
    joint: set[int] = field(default_factory=set)
    patrols: set[int] = field(default_factory=set)
    templates: bool = False
    outcomes: list[RequestOutcome] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(
            self.cases
            or self.cases_removed
            or self.units
            or self.units_removed
            or self.units_moved
            or self.teams
            or self.city
            or self.selection
            or self.connection
            or self.user
            or self.handovers
            or self.shift
            or self.joint
            or self.patrols
            or self.templates
            or self.outcomes
        )


class CommandSink(Protocol):
    """Where the store sends what the user asks for: the connection."""

    def submit(self, message: ClientMessage) -> None:
        """Send a command; its outcome comes back through :meth:`ClientStore.record_outcome`."""

    def query(self, message: ClientMessage) -> Awaitable[Answer]:
        """Send a query and return its answer (raises on refusal)."""
        ...


# --- unit positions --------------------------------------------------------------------


class UnitPositions:
    """Unit positions as parallel numpy arrays, written straight from position frames.

    Row ``i`` of every array belongs to ``ids[i]``; only the first :attr:`count` rows are
    valid. The map reads the arrays as a whole (``lon[:count]``...); a frame of 10,000
    units costs one dictionary look-up per unit and a few vectorised assignments.

    Attributes:
        ids: Unit id per row.
        index: Unit id → row.
        lon: WGS-84 longitude (NaN: never reported).
        lat: WGS-84 latitude (NaN: never reported).
        heading: Whole degrees clockwise from north (NaN: unknown).
        status: :data:`STATUS_CODES` of the unit's status.
        last_fix: Unix time of the last fix (NaN: never).
    """

    def __init__(self, capacity: int = 1024) -> None:
        self.ids: list[str] = []
        self.index: dict[str, int] = {}
        self._frame_ids: list[str] = []
        self._frame_rows = np.empty(0, np.int64)
        self._frame_rows_valid = False
        self._allocate(max(16, capacity))

    def _allocate(self, capacity: int) -> None:
        self.lon: np.ndarray = np.full(capacity, np.nan)
        self.lat: np.ndarray = np.full(capacity, np.nan)
        self.heading: np.ndarray = np.full(capacity, NO_HEADING, dtype=np.float32)
        self.status: np.ndarray = np.zeros(capacity, dtype=np.int8)
        self.last_fix: np.ndarray = np.full(capacity, np.nan)

    def _arrays(self) -> tuple[np.ndarray, ...]:
        return (self.lon, self.lat, self.heading, self.status, self.last_fix)

    @property
    def count(self) -> int:
        return len(self.ids)

    def _grow(self, needed: int) -> None:
        capacity = len(self.lon)
        if needed <= capacity:
            return
        old = self._arrays()
        self._allocate(max(needed, 2 * capacity))
        n = self.count
        for new, before in zip(self._arrays(), old, strict=True):
            new[:n] = before[:n]

    def reset(self, units: Iterable[Unit]) -> None:
        """Replace everything with ``units`` (a snapshot)."""
        units = list(units)
        self._frame_rows_valid = False
        self.ids = [u.unit_id for u in units]
        self.index = {unit_id: i for i, unit_id in enumerate(self.ids)}
        self._allocate(max(16, len(units)))
        for i, unit in enumerate(units):
            self._write(i, unit)

    def upsert(self, unit: Unit) -> int:
        """Add or update one unit (an event); return its row."""
        row = self.index.get(unit.unit_id)
        if row is None:
            row = self.count
            self._frame_rows_valid = False  # a unit the last frame skipped is known now
            self._grow(row + 1)
            self.ids.append(unit.unit_id)
            self.index[unit.unit_id] = row
        self._write(row, unit)
        return row

    def _write(self, row: int, unit: Unit) -> None:
        self.status[row] = STATUS_CODES[unit.status]
        fix = unit.last_fix_at.timestamp() if unit.last_fix_at else np.nan
        if not fix <= self.last_fix[row]:  # also when the row has no fix yet (NaN)
            # A status event carries the position the server stored with it, which may be
            # older than the last frame's: the map must not jump back to it.
            self.lon[row] = unit.lon if unit.lon is not None else np.nan
            self.lat[row] = unit.lat if unit.lat is not None else np.nan
            self.last_fix[row] = fix
        # An event carries no heading; keep the last one the frames gave.

    def remove(self, unit_id: str) -> None:
        """Take a unit out; the last row moves into its place (rows are not stable)."""
        row = self.index.pop(unit_id, None)
        if row is None:
            return
        self._frame_rows_valid = False
        last = self.count - 1
        if row != last:
            moved = self.ids[last]
            self.ids[row] = moved
            self.index[moved] = row
            for array in self._arrays():
                array[row] = array[last]
        self.ids.pop()

    def apply_frame(self, frame: PositionFrame) -> int:
        """Write a position frame into the arrays; return how many units it moved.

        Units the store does not know (not in the snapshot yet) are skipped.
        """
        # The server sends a scope's units in the same order tick after tick: then the
        # rows of the last frame serve again (a list comparison, not 10,000 look-ups).
        if frame.unit_ids == self._frame_ids and self._frame_rows_valid:
            rows = self._frame_rows
        else:
            index = self.index
            rows = np.fromiter(
                (index.get(u, -1) for u in frame.unit_ids), np.int64, len(frame.unit_ids)
            )
            self._frame_ids, self._frame_rows, self._frame_rows_valid = frame.unit_ids, rows, True
        known = rows >= 0
        if not known.all():
            rows = rows[known]
        if rows.size == 0:
            return 0
        self.lon[rows] = np.asarray(frame.lons, dtype=np.float64)[known]
        self.lat[rows] = np.asarray(frame.lats, dtype=np.float64)[known]
        headings = np.array(frame.headings, dtype=np.float32)  # None becomes NaN
        self.heading[rows] = headings[known]
        codes = np.fromiter((STATUS_CODES[s] for s in frame.statuses), np.int8, len(frame.statuses))
        self.status[rows] = codes[known]
        self.last_fix[rows] = frame.at.timestamp()
        return int(rows.size)

    def row_of(self, unit_id: str) -> int | None:
        return self.index.get(unit_id)


# --- the store -------------------------------------------------------------------------


@dataclass
class _PendingSnapshot:
    snapshot_id: str
    count: int
    chunks: list[SnapshotChunk]


class ClientStore:
    """Everything the console knows, kept as the server's messages say; no Qt.

    Feed it with :meth:`apply` (every item of ``GridClient.messages()``); read the dicts and
    arrays; take what changed with :meth:`take_changes` (``StoreSignals`` does that at
    about 30 Hz). Events apply in number order: an event numbered at or below
    :attr:`last_seq` is a duplicate (a resend, a replay overlapping the snapshot) and is
    ignored, so no case is ever applied twice. A snapshot replaces the state only when its
    last chunk arrived, all at once; a snapshot cut off by a dropped connection changes
    nothing.

    Args:
        clock: Monotonic seconds, for the age of the last event.

    Attributes:
        cases: Case id → case, as the last event or snapshot gave it.
        units: Unit id → unit (its position fields are those of the snapshot or last
            event; :attr:`positions` has the live ones).
        teams: Team id → team.
        positions: Live unit positions for the map.
        last_seq: The number of the last event applied (or of the snapshot); the client
            resumes from it after a reconnect. ``None`` before the first snapshot.
        synced: Whether the catch-up ended (``synced``) on the current connection.
        user: The signed-in user.
        welcome: The last welcome.
        selection: What the user selected.
        connection: The connection's state for the indicator.
        last_event_at: ``clock()`` when the last event was applied.
        catalogue_version: The server's catalogue hash, from the snapshot.
        map_version: The server's grid map hash, from the snapshot.
        city: The grid map to draw (``None`` until loaded). It may still be an older
            version than :attr:`map_version` while the new one loads.
        city_error: Why the map named by :attr:`map_version` could not be loaded, in the
            user's language; ``None`` once it is (or while it loads).
        ignored_events: Events ignored as duplicates or older than :attr:`last_seq`.
        handovers: Handover id → shift handover, from ``handover_changed`` events and the
            shift answers (supervisors, leaders and administrators only receive them).
        shift: The last answer about the current shift (``None`` until asked).
        joint_operations: Operation id → joint operation: the open ones and those finished
            today (from the snapshot), and every one an event brought since.
        patrols: Assignment id → patrol assignment not withdrawn whose shift is not over
            (as of the snapshot; a finished shift's assignment stays until the next one).
        response_templates: Category → the response template a supervisor set (categories
            without one use the catalogue's default).
        sink: Where commands go (set by the connection).
        on_dirty: Called once when the first change after a :meth:`take_changes` is
            marked, so an adapter can schedule the next flush instead of polling.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.cases: dict[int, Case] = {}
        self.units: dict[str, Unit] = {}
        self.teams: dict[str, Team] = {}
        self.positions = UnitPositions()
        self.last_seq: int | None = None
        self.synced = False
        self.user: User | None = None
        self.welcome: Welcome | None = None
        self.selection = Selection()
        self.connection = ConnectionInfo()
        self.last_event_at: float | None = None
        self.catalogue_version: str | None = None
        self.map_version: str | None = None
        self.city: CityMap | None = None
        self.city_error: str | None = None
        self.ignored_events = 0
        self.handovers: dict[str, Handover] = {}
        self.shift: ShiftResult | None = None
        self.joint_operations: dict[int, JointOperation] = {}
        self.patrols: dict[int, PatrolAssignment] = {}
        self.response_templates: dict[str, ResponseTemplate] = {}
        self._sink: weakref.ReferenceType[CommandSink] | None = None
        self.on_dirty: Callable[[], None] | None = None
        self._snapshot: _PendingSnapshot | None = None
        self._changes = Changes()
        self._dirty = False

    # -- changes

    @property
    def sink(self) -> CommandSink | None:
        """Where commands go; held weakly (see :class:`StoreSignals` on reference cycles)."""
        return self._sink() if self._sink is not None else None

    @sink.setter
    def sink(self, sink: CommandSink | None) -> None:
        self._sink = weakref.ref(sink) if sink is not None else None

    def _touch(self) -> Changes:
        if not self._dirty:
            self._dirty = True
            if self.on_dirty is not None:
                self.on_dirty()
        return self._changes

    def take_changes(self) -> Changes:
        """What changed since the last call (and start collecting afresh)."""
        changes, self._changes = self._changes, Changes()
        self._dirty = False
        return changes

    # -- applying what the server sent

    def apply(self, item: ServerMessage | StatusChange) -> None:
        """Apply one item of ``GridClient.messages()``; items of no concern are ignored."""
        match item:
            case Event():
                self.apply_event(item)
            case PositionFrame():
                self.apply_position_frame(item)
            case SnapshotChunk():
                self.apply_snapshot_chunk(item)
            case Synced():
                self.apply_synced(item)
            case Welcome():
                self.apply_welcome(item)
            case StatusChange():
                self.apply_status(item)

    def apply_welcome(self, welcome: Welcome) -> None:
        """Signed in: the user, and the end of any snapshot the old connection cut off."""
        self.welcome = welcome
        self._snapshot = None
        self.synced = False
        if welcome.user != self.user:
            self.user = welcome.user
            self._touch().user = True
            if self.handovers or self.shift is not None:  # another user's scope and role
                self._touch().handovers |= self.handovers.keys()
                self.handovers, self.shift = {}, None
                self._touch().shift = True

    def apply_snapshot_chunk(self, chunk: SnapshotChunk) -> None:
        """Collect a snapshot's chunks; replace the state when the last one is in."""
        pending = self._snapshot
        if chunk.index == 0:
            pending = self._snapshot = _PendingSnapshot(chunk.snapshot_id, chunk.count, [])
        elif (
            pending is None
            or chunk.snapshot_id != pending.snapshot_id
            or chunk.count != pending.count
            or chunk.index != len(pending.chunks)
        ):
            # Chunks come in order with nothing between them; anything else means a
            # snapshot we cannot complete. Keep the old state until a whole one arrives.
            log.warning(
                "snapshot chunk %s/%s of %s out of order: snapshot dropped",
                chunk.index,
                chunk.count,
                chunk.snapshot_id,
            )
            self._snapshot = None
            return
        pending.chunks.append(chunk)
        if len(pending.chunks) == pending.count:
            self._snapshot = None
            self._replace(pending.chunks)

    def _replace(self, chunks: list[SnapshotChunk]) -> None:
        """Replace the whole state with a complete snapshot, marking only real changes."""
        changes = self._touch()
        cases = {c.id: c for chunk in chunks for c in chunk.cases}
        old_cases = self.cases
        changes.cases_removed |= old_cases.keys() - cases.keys()
        changes.cases -= changes.cases_removed
        changes.cases_arrived -= changes.cases_removed
        for case_id, case in cases.items():
            before = old_cases.get(case_id)
            # The revision grows with every change of a case (deadline flags included).
            if before is None or before.revision != case.revision:
                changes.cases.add(case_id)
        self.cases = cases

        units = {u.unit_id: u for chunk in chunks for u in chunk.units}
        removed_units = self.units.keys() - units.keys()
        changes.units_removed |= removed_units
        changes.units -= removed_units
        changes.units |= {i for i, u in units.items() if self.units.get(i) != u}
        self.units = units
        self.positions.reset(units.values())
        changes.units_moved = True

        teams = {t.team_id: t for chunk in chunks for t in chunk.teams}
        if teams != self.teams:
            self.teams = teams
            changes.teams = True

        ops = {op.id: op for chunk in chunks for op in chunk.joint_operations}
        changes.joint |= _changed_keys(self.joint_operations, ops)
        self.joint_operations = ops
        patrols = {a.id: a for chunk in chunks for a in chunk.patrols}
        changes.patrols |= _changed_keys(self.patrols, patrols)
        self.patrols = patrols
        templates = {t.category: t for chunk in chunks for t in chunk.response_templates}
        if templates != self.response_templates:
            self.response_templates = templates
            changes.templates = True

        last = chunks[-1]
        self.last_seq = last.seq
        self.catalogue_version = last.catalogue_version
        self.map_version = last.map_version
        kept = Selection(
            frozenset(i for i in self.selection.cases if i in cases),
            frozenset(i for i in self.selection.units if i in units),
            self.selection.cells,
        )
        if kept != self.selection:
            self.selection = kept
            changes.selection = True

    def apply_event(self, event: Event) -> None:
        """Apply one numbered event, unless it is not newer than :attr:`last_seq`."""
        if self.last_seq is not None and event.seq <= self.last_seq:
            self.ignored_events += 1
            return
        self.last_seq = event.seq
        self.last_event_at = self.clock()
        body = event.body
        changes = self._touch()
        if isinstance(body, CaseBody):
            if body.case.id not in self.cases:
                changes.cases_arrived.add(body.case.id)
            self.cases[body.case.id] = body.case
            changes.cases.add(body.case.id)
            changes.cases_removed.discard(body.case.id)
        elif isinstance(body, UnitChanged):
            unit = body.unit
            self.units[unit.unit_id] = unit
            self.positions.upsert(unit)
            changes.units.add(unit.unit_id)
            changes.units_removed.discard(unit.unit_id)
            changes.units_moved = True
        elif isinstance(body, UnitRemoved) and self.units.pop(body.unit_id, None) is not None:
            self.positions.remove(body.unit_id)
            changes.units.discard(body.unit_id)
            changes.units_removed.add(body.unit_id)
            changes.units_moved = True
            if body.unit_id in self.selection.units:
                self._set_selection(
                    replace(self.selection, units=self.selection.units - {body.unit_id})
                )
        elif isinstance(body, HandoverChanged):
            self._put_handover(body.handover)
        elif isinstance(body, JointChanged):
            self.joint_operations[body.operation.id] = body.operation
            changes.joint.add(body.operation.id)
        elif isinstance(body, PatrolChanged):
            assignment = body.assignment
            if assignment.active:
                self.patrols[assignment.id] = assignment
            else:
                self.patrols.pop(assignment.id, None)
            changes.patrols.add(assignment.id)
        elif isinstance(body, ResponseTemplateChanged):
            template = body.template
            if template.agencies:
                self.response_templates[template.category] = template
            else:
                self.response_templates.pop(template.category, None)
            changes.templates = True

    def _put_handover(self, handover: Handover | None) -> None:
        # A shift answer may be older than an event applied meanwhile: keep the newer.
        if handover is None:
            return
        known = self.handovers.get(handover.id)
        if known is None or known.revision < handover.revision:
            self.handovers[handover.id] = handover
            self._touch().handovers.add(handover.id)

    def set_shift(self, answer: ShiftResult) -> None:
        """The server's answer about the current shift (asked by the shift watch)."""
        self.shift = answer
        self._touch().shift = True
        self._put_handover(answer.handover)
        self._put_handover(answer.previous_handover)

    def apply_synced(self, synced: Synced) -> None:
        """Caught up: live from here. Everything in scope up to ``seq`` is applied."""
        self.synced = True
        # Events beyond our scope leave gaps; synced vouches for them, so resuming from
        # here does not replay what we could never see.
        self.last_seq = max(self.last_seq or 0, synced.seq)

    def apply_position_frame(self, frame: PositionFrame) -> None:
        """Write a tick of positions into the arrays."""
        if self.positions.apply_frame(frame):
            self._touch().units_moved = True

    def apply_status(self, change: StatusChange) -> None:
        """The client's status changed (online, reconnecting, offline and why)."""
        if change.status is not ClientStatus.ONLINE:
            self.synced = False
        self.connection = ConnectionInfo(
            status=change.status,
            stop_reason=change.stop_reason,
            goodbye=change.goodbye,
            error=change.error,
            detail=change.detail,
            attempt=change.attempt,
            retry_in=change.retry_in,
            round_trip=self.connection.round_trip,
        )
        self._touch().connection = True

    def set_round_trip(self, seconds: float | None) -> None:
        """A new round-trip measurement (from the client's pings)."""
        if seconds != self.connection.round_trip:
            self.connection = replace(self.connection, round_trip=seconds)
            self._touch().connection = True

    def set_city(self, city: CityMap) -> None:
        """The grid map arrived (from the cache or the server; called by the loader)."""
        if city is not self.city or self.city_error is not None:
            self.city = city
            self.city_error = None
            self._touch().city = True

    def set_city_error(self, text: str) -> None:
        """The grid map could not be loaded: ``text`` says why, in words."""
        if text != self.city_error:
            self.city_error = text
            self._touch().city = True

    # -- selection

    def _set_selection(self, selection: Selection) -> None:
        if selection != self.selection:
            self.selection = selection
            self._touch().selection = True

    def select_cases(self, case_ids: Iterable[int], *, add: bool = False) -> None:
        """Select cases (known ones only); ``add`` keeps what was selected."""
        chosen = frozenset(i for i in case_ids if i in self.cases)
        cases = self.selection.cases | chosen if add else chosen
        self._set_selection(replace(self.selection, cases=cases))

    def select_units(self, unit_ids: Iterable[str], *, add: bool = False) -> None:
        """Select units (known ones only); ``add`` keeps what was selected."""
        chosen = frozenset(i for i in unit_ids if i in self.units)
        units = self.selection.units | chosen if add else chosen
        self._set_selection(replace(self.selection, units=units))

    def select_cells(self, cell_codes: Iterable[str], *, add: bool = False) -> None:
        """Select grid cells (codes of the current map only); ``add`` keeps what was selected."""
        city = self.city
        chosen = frozenset(c for c in cell_codes if city is not None and city.has_code(c))
        cells = self.selection.cells | chosen if add else chosen
        self._set_selection(replace(self.selection, cells=cells))

    def clear_selection(self) -> None:
        self._set_selection(Selection())

    # -- commands (views call these; the connection sends)

    def send_move(self, case_id: int, move: AnyMove, expected_revision: int | None) -> str:
        """Make a workflow move on a case; return the request id.

        Args:
            case_id: The case.
            move: The move, as ``models.workflow`` defines it.
            expected_revision: The revision the user was looking at (the server refuses
                with ``conflict`` if the case changed since); ``None`` skips the check.
        """
        command = Command(
            id=new_request_id("c"),
            case_id=case_id,
            expected_revision=expected_revision,
            move=move,
        )
        return self._submit(command)

    def send_report(self, report: NewReport) -> str:
        """Report a new case (an operator taking a call); return the request id."""
        return self._submit(Report(id=new_request_id("rp"), report=report))

    def send_unit_status(self, unit_id: str, status: UnitStatus) -> str:
        """Set a unit's duty status; return the request id."""
        return self._submit(SetUnitStatus(id=new_request_id("s"), unit_id=unit_id, status=status))

    def send_generate_handover(self, shift_id: str | None = None) -> str:
        """Generate (or refresh) the handover of a shift (``None``: the current one)."""
        return self._submit(GenerateHandover(id=new_request_id("ho"), shift_id=shift_id))

    def send_submit_handover(
        self, handover_id: str, notes: HandoverNotes, expected_revision: int | None
    ) -> str:
        """Submit a handover with the outgoing supervisor's notes; return the request id."""
        return self._submit(
            SubmitHandover(
                id=new_request_id("ho"),
                handover_id=handover_id,
                expected_revision=expected_revision,
                notes=notes,
            )
        )

    def send_sign_handover(
        self, handover_id: str, comment: str, expected_revision: int | None
    ) -> str:
        """Sign a submitted handover (the incoming supervisor); return the request id."""
        return self._submit(
            SignHandover(
                id=new_request_id("ho"),
                handover_id=handover_id,
                expected_revision=expected_revision,
                comment=comment,
            )
        )

    def send_return_handover(
        self, handover_id: str, comments: str, expected_revision: int | None
    ) -> str:
        """Send a submitted handover back with comments; return the request id."""
        return self._submit(
            ReturnHandover(
                id=new_request_id("ho"),
                handover_id=handover_id,
                expected_revision=expected_revision,
                comments=comments,
            )
        )

    def send_joint(
        self, operation_id: int | None, move: AnyJointMove, expected_revision: int | None = None
    ) -> str:
        """Make a move on a joint operation (``None`` and a ``Convene``: call a new one);
        return the request id.

        Args:
            operation_id: The operation; ``None`` exactly for a convening.
            move: The move, as ``models.joint`` defines it.
            expected_revision: The revision the user was looking at (``conflict`` if the
                operation moved on since); ``None`` skips the check.
        """
        command = JointCommand(
            id=new_request_id("j"),
            operation_id=operation_id,
            expected_revision=expected_revision,
            move=move,
        )
        return self._submit(command)

    def send_patrol(self, move: AnyPatrolMove) -> str:
        """Assign or withdraw a patrol area; return the request id."""
        return self._submit(PatrolCommand(id=new_request_id("pa"), move=move))

    def send_template(self, category: str, agencies: Iterable[str]) -> str:
        """Set a category's response template (no agencies: back to the catalogue's);
        return the request id."""
        return self._submit(
            SetResponseTemplate(id=new_request_id("rt"), category=category, agencies=list(agencies))
        )

    def _submit(self, message: ClientMessage) -> str:
        request_id = str(getattr(message, "id", ""))
        sink = self.sink
        if sink is None:
            self.record_outcome(
                RequestOutcome(request_id, ok=False, text="not connected", code="offline")
            )
        else:
            sink.submit(message)
        return request_id

    def query(self, message: ClientMessage) -> Awaitable[Answer]:
        """Send a query (history, cases, track, photo, map) and return its answer.

        Raises:
            ConnectionError: No connection is attached.
        """
        sink = self.sink
        if sink is None:
            raise ConnectionError("not connected")
        return sink.query(message)

    def record_outcome(self, outcome: RequestOutcome) -> None:
        """A request was answered (called by the connection)."""
        self._touch().outcomes.append(outcome)

    # -- reading

    def case_ids(self) -> list[int]:
        return list(self.cases)

    def live_units(self) -> list[Unit]:
        """The units with their live status and position from the last tick (those that
        reported a position), as the recommendation and the board read them."""
        p = self.positions
        units = self.units
        live: list[Unit] = []
        for row, unit_id in enumerate(p.ids):
            unit = units.get(unit_id)
            if unit is None or not math.isfinite(p.lon[row]):
                continue
            fix = float(p.last_fix[row])
            live.append(
                msgspec.structs.replace(
                    unit,
                    status=STATUSES[p.status[row]],
                    lon=float(p.lon[row]),
                    lat=float(p.lat[row]),
                    last_fix_at=datetime.fromtimestamp(fix, UTC) if math.isfinite(fix) else None,
                )
            )
        return live

    def unit_counts(self) -> Mapping[UnitStatus, int]:
        """Units per status (from the live arrays)."""
        n = self.positions.count
        counts = np.bincount(self.positions.status[:n], minlength=len(STATUSES))
        return {status: int(counts[i]) for i, status in enumerate(STATUSES)}


def _changed_keys(old: Mapping[int, msgspec.Struct], new: Mapping[int, msgspec.Struct]) -> set[int]:
    """Keys added, removed or whose value differs between two snapshots of a dict."""
    return {k for k in old.keys() | new.keys() if old.get(k) != new.get(k)}


# --- the Qt adapter --------------------------------------------------------------------

DEFAULT_RATE_HZ: Final = 30.0


class StoreSignals(QObject):
    """Emits the store's changes as coalesced Qt signals, at most ``rate_hz`` times a second.

    The first change after a flush schedules the next flush one frame later, so a quiet
    store costs nothing and a busy one is flushed about 30 times a second; each flush
    emits each signal at most once, with everything of its kind since the last.

    Args:
        store: The store to watch (its ``on_dirty`` hook is taken over).
        rate_hz: Most flushes per second.
        parent: Qt parent.

    Signals:
        connection_changed(ConnectionInfo): Status, reason, attempt or round trip changed.
        user_changed(User | None): A different user signed in.
        teams_changed(): The teams changed.
        city_changed(CityMap | None): The grid map was loaded or replaced, or it failed to
            load (then ``store.city_error`` says why, and the map is the old one or None).
        units_removed(set[str]): Units were taken out of service (or left the snapshot).
        units_changed(set[str]): Units were added or changed (status, team, details).
        units_moved(): Positions changed; read ``store.positions``.
        cases_removed(set[int]): Cases left (a new snapshot without them).
        cases_changed(set[int]): Cases were added or changed.
        cases_arrived(set[int]): Of the cases just changed, those first seen through an
            event (new reports), never those of a snapshot.
        selection_changed(Selection): The selection changed.
        handovers_changed(set[str]): Shift handovers were added or changed (ids).
        shift_changed(ShiftResult | None): The current shift, its figures or the answer
            about it changed.
        joint_changed(set[int]): Joint operations were convened or moved on (ids; an id
            no longer in ``store.joint_operations`` left with a new snapshot).
        patrols_changed(set[int]): Patrol assignments were made or withdrawn (ids; an id
            no longer in ``store.patrols`` was withdrawn or left).
        templates_changed(): The response templates changed.
        request_succeeded(RequestOutcome): A request was acknowledged (text in words).
        request_failed(RequestOutcome): A request was refused or got no answer.
    """

    connection_changed = Signal(object)
    user_changed = Signal(object)
    teams_changed = Signal()
    city_changed = Signal(object)
    units_removed = Signal(object)
    units_changed = Signal(object)
    units_moved = Signal()
    cases_removed = Signal(object)
    cases_changed = Signal(object)
    cases_arrived = Signal(object)
    selection_changed = Signal(object)
    handovers_changed = Signal(object)
    shift_changed = Signal(object)
    joint_changed = Signal(object)
    patrols_changed = Signal(object)
    templates_changed = Signal()
    request_succeeded = Signal(object)
    request_failed = Signal(object)

    def __init__(
        self, store: ClientStore, rate_hz: float = DEFAULT_RATE_HZ, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.store = store
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(max(1, round(1000 / rate_hz)))
        self._timer.timeout.connect(self.flush)
        # The store holds this adapter (and its sink) only weakly. A strong reference would
        # make a cycle between Qt objects and plain ones, which only Python's cycle collector
        # frees: at any moment and on any thread, and a QObject deleted off its own thread
        # (its timer still registered on the GUI thread) crashes Qt later.
        me = weakref.ref(self)

        def schedule() -> None:
            adapter = me()
            if adapter is not None:
                adapter._schedule()

        store.on_dirty = schedule
        if store._dirty:  # changes made before the adapter existed
            self._schedule()

    def _schedule(self) -> None:
        if not self._timer.isActive():
            self._timer.start()

    def flush(self) -> Changes:
        """Emit what changed now (the timer calls this; tests may too); return it."""
        changes = self.store.take_changes()
        if not changes:
            return changes
        store = self.store
        # Order matters to listeners: who is signed in and the connection first, the map
        # before what is drawn on it, removals before additions (a model must not show a
        # row twice), selection last (it may name rows just added).
        if changes.user:
            self.user_changed.emit(store.user)
        if changes.connection:
            self.connection_changed.emit(store.connection)
        if changes.teams:
            self.teams_changed.emit()
        if changes.city:
            self.city_changed.emit(store.city)
        if changes.units_removed:
            self.units_removed.emit(changes.units_removed)
        if changes.units:
            self.units_changed.emit(changes.units)
        if changes.units_moved:
            self.units_moved.emit()
        if changes.cases_removed:
            self.cases_removed.emit(changes.cases_removed)
        if changes.cases:
            self.cases_changed.emit(changes.cases)
        if changes.cases_arrived:
            self.cases_arrived.emit(changes.cases_arrived)
        if changes.selection:
            self.selection_changed.emit(store.selection)
        if changes.handovers:
            self.handovers_changed.emit(changes.handovers)
        if changes.shift:
            self.shift_changed.emit(store.shift)
        if changes.templates:
            self.templates_changed.emit()
        if changes.joint:
            self.joint_changed.emit(changes.joint)
        if changes.patrols:
            self.patrols_changed.emit(changes.patrols)
        for outcome in changes.outcomes:
            (self.request_succeeded if outcome.ok else self.request_failed).emit(outcome)
        return changes
