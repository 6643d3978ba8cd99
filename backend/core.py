"""The backend's core: services, hot state, the deadline clock and the position ticker.

One ``Core`` per server process. Blocking database work runs on the ``DbRunner``'s
threads; everything else happens on the asyncio loop. Every committed event passes through
``_publish`` in number order, which updates the hot state (open cases, units) and hands the
event, encoded once, to the fan-out. Connections read the hot state for snapshots.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import heapq
import logging
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar, cast

import msgspec

from backend.fanout import Client, Hub
from backend.live_units import LiveUnits
from backend.services.case_counts import reported_per_hour
from backend.services.cases import CaseService
from backend.services.clock import Clock, utc_now
from backend.services.evaluation import EvaluationService, street_scope
from backend.services.handovers import HandoverService
from backend.services.joint import JointService
from backend.services.patrols import PatrolService
from backend.services.photos import PhotoService
from backend.services.positions import PositionService
from backend.services.records import CaseQuery, CommittedEvent, HandoverQuery, PositionFix
from backend.services.runner import DbRunner
from backend.services.settings import server_secret
from backend.services.templates import TemplateService
from backend.services.units import UnitService
from backend.services.users import UserService
from backend.store.database import Database
from backend.store.reference import load_city
from backend.tokens import TokenError, TokenSigner
from models.calendar import SHANGHAI
from models.case import Case
from models.catalogue import Catalogue, load_catalogue
from models.cell_index import CellIndex
from models.deadlines import DeadlinePolicy, default_policy
from models.errors import DomainError, InvalidInput, NotPermitted, UnknownId
from models.evaluation import Dimension, Period
from models.geography import CityMap
from models.handover import READER_ROLES
from models.joint import JointOperation
from models.org import DISTRICT_SCOPE, Actor, Role, Team, Unit, User
from models.patrol import PatrolAssignment
from models.response_templates import ResponseTemplate
from models.shifts import ShiftSchedule, default_schedule
from models.workflow import Merge, next_deadline_check
from net import codec
from net.protocol import (
    Ack,
    CaseChanged,
    CaseCountsResult,
    CasesPage,
    Command,
    CoverageResult,
    DeadlineOverdue,
    DeadlineWarning,
    EvaluationResult,
    Event,
    EventBody,
    GenerateHandover,
    HandoverChanged,
    HandoverResult,
    HandoversPage,
    HistoryResult,
    JointChanged,
    JointCommand,
    MapResult,
    PatrolChanged,
    PatrolCommand,
    PhotoResult,
    PhotoType,
    PositionBatch,
    PresenceResult,
    QueryCaseCounts,
    QueryEvaluation,
    Report,
    ResponseTemplateChanged,
    ReturnHandover,
    SetResponseTemplate,
    SetUnitStatus,
    ShiftResult,
    SignedIn,
    SignHandover,
    SnapshotChunk,
    SubmitHandover,
    Synced,
    TrackResult,
    UnitChanged,
)

log = logging.getLogger(__name__)

SERVER_VERSION = "0.1.0"

TRACK_JOB = 250
"""Fixes per track write: small enough that a command never waits long behind one."""


@dataclass(frozen=True)
class CoreConfig:
    """Tunables of one backend process.

    Attributes:
        position_tick: Seconds between position frames (4 Hz by default).
        track_flush: Seconds between writes of buffered fixes to the track table.
        resume_window: Most missed events replayed on reconnect; beyond, a snapshot.
        snapshot_cases_per_chunk: Cases per snapshot chunk (each chunk stays well under
            the 1 MiB frame limit).
        snapshot_joint_per_chunk: Joint operations per snapshot chunk (up to 50 units each).
        snapshot_patrols_per_chunk: Patrol assignments per snapshot chunk (up to 500 cells
            each).
        max_queued_events: Events waiting for one client before it is cut off as too slow.
        track_interval: Seconds between two fixes of one unit kept in the track table.
        track_retention: How long fixes stay in the track table.
    """

    position_tick: float = 0.25
    track_flush: float = 1.0
    resume_window: int = 20_000
    snapshot_cases_per_chunk: int = 300
    snapshot_units_per_chunk: int = 2_000
    snapshot_joint_per_chunk: int = 50
    snapshot_patrols_per_chunk: int = 100
    max_queued_events: int = 5_000
    track_interval: float = 10.0
    track_retention: timedelta = timedelta(days=30)


class SignInFailed(Exception):
    """Unknown user, wrong password, inactive account or bad token: never says which."""

    def __init__(self, reason: str, *, expired: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.expired = expired


def actor_of(user: User, terminal: str) -> Actor:
    return Actor(
        user_id=user.user_id,
        role=user.role,
        scope=user.scope,
        department=user.department,
        terminal=terminal,
        name=user.name,
    )


_CLOCK_BODIES: dict[str, type[DeadlineWarning] | type[DeadlineOverdue]] = {
    "deadline_warning": DeadlineWarning,
    "deadline_overdue": DeadlineOverdue,
}
"""The event bodies of the deadline clock's moves, which carry the step and its deadline."""


T = TypeVar("T")


def _split(items: list[T], size: int) -> list[list[T]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def event_message(event: CommittedEvent) -> Event:
    """The wire form of a committed event."""
    body: EventBody
    if event.kind.startswith("unit."):
        body = msgspec.convert(event.payload, UnitChanged)
    elif event.kind.startswith("joint."):
        body = msgspec.convert(event.payload, JointChanged)
    elif event.kind.startswith("patrol."):
        body = msgspec.convert(event.payload, PatrolChanged)
    elif event.kind.startswith("handover."):
        body = msgspec.convert(event.payload, HandoverChanged)
    elif event.kind.startswith("template."):
        body = msgspec.convert(event.payload, ResponseTemplateChanged)
    else:
        change = event.case_change()
        clock_body = _CLOCK_BODIES.get(change.entry.move)
        if clock_body is None:
            body = CaseChanged(case=change.case, entry=change.entry)
        else:
            details = change.entry.details
            body = clock_body(
                case=change.case,
                entry=change.entry,
                step=details["step"],
                deadline=datetime.fromisoformat(details["deadline"]),
            )
    return Event(seq=event.seq, at=event.at, body=body)


class Core:
    """Everything a connection needs, over one database.

    Args:
        db: A migrated, seeded database.
        config: Tunables.
        clock: Source of "now" for every service.
    """

    def __init__(
        self, db: Database, config: CoreConfig | None = None, *, clock: Clock = utc_now
    ) -> None:
        self.db = db
        self.config = config or CoreConfig()
        self.clock = clock
        self.catalogue: Catalogue = load_catalogue()
        self.policy: DeadlinePolicy = default_policy()
        city = load_city(db)
        if city is None:
            raise RuntimeError(
                f"database {db.display_url} has no city: run `python -m backend seed-demo` "
                "or import one"
            )
        self.city: CityMap = city
        self.index = CellIndex(city.cells)
        self.case_service = CaseService(
            db, self.catalogue, self.policy, city, self.index, clock=clock
        )
        self.users = UserService(db, clock=clock)
        self.photos = PhotoService(db, clock=clock)
        self.evaluation_service = EvaluationService(db, self.catalogue, city)
        # One evaluation at a time: a month's keeps a reader thread busy for seconds, and the
        # other reader must stay free for histories, searches and resumes.
        self._evaluating = asyncio.Semaphore(1)
        self.position_service = PositionService(db)
        self.unit_service = UnitService(db, clock=clock)
        self.joint_service = JointService(
            db, self.catalogue, self.policy, city, self.index, clock=clock
        )
        self.patrol_service = PatrolService(
            db, city, self.index, self.position_service, clock=clock
        )
        self.template_service = TemplateService(db, self.catalogue, clock=clock)
        self.schedule: ShiftSchedule = default_schedule()
        self.handover_service = HandoverService(db, self.schedule, clock=clock)
        self.signer = TokenSigner(server_secret(db))
        self.runner = DbRunner()
        self.hub = Hub()
        self.cases: dict[int, Case] = {}
        self.units = LiveUnits((), self.config.track_interval)
        self.teams: list[Team] = []
        self.joint_ops: dict[int, JointOperation] = {}
        self.patrols: dict[int, PatrolAssignment] = {}
        self.templates: dict[str, ResponseTemplate] = {}
        self.published_seq = 0
        self._held: dict[int, CommittedEvent] = {}
        self._deadlines: list[tuple[datetime, int, int]] = []
        self._deadline_added = asyncio.Event()
        self._track: list[PositionFix] = []
        self._tasks: list[asyncio.Task[None]] = []
        self._closed_since = self._start_of_today()

    # --- life cycle ----------------------------------------------------------------------

    async def start(self) -> None:
        """Load the hot state and start the clock, the position ticker and the flusher."""
        open_cases, units, teams, last = await self.runner.read(self._load)
        self.cases = {c.id: c for c in open_cases}
        self.units = LiveUnits(units, self.config.track_interval)
        self.teams = teams
        joint_ops, patrols = await self.runner.read(self._load_joint)
        self.joint_ops = {op.id: op for op in joint_ops}
        self.patrols = {a.id: a for a in patrols}
        templates = await self.runner.read(self.template_service.load)
        self.templates = {t.category: t for t in templates}
        self.published_seq = last
        for case in open_cases:
            self._schedule(case)
        self._tasks = [
            asyncio.create_task(self._run_clock(), name="deadline-clock"),
            asyncio.create_task(self._run_ticker(), name="position-ticker"),
            asyncio.create_task(self._run_flusher(), name="track-flusher"),
        ]

    def _load(self) -> tuple[list[Case], list[Unit], list[Team], int]:
        last = self.case_service.last_seq()
        open_cases = self.case_service.current_cases(self._closed_since)
        units, teams = self.unit_service.load()
        return open_cases, units, teams, last

    def _load_joint(self) -> tuple[list[JointOperation], list[PatrolAssignment]]:
        ops = self.joint_service.current_operations(self._closed_since)
        return ops, self.patrol_service.current_assignments(self.clock())

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._flush_track()
        await self.runner.__aexit__()

    def _start_of_today(self) -> datetime:
        local = self.clock().astimezone(SHANGHAI)
        return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)

    # --- sign-in ---------------------------------------------------------------------------

    async def sign_in(
        self, user_id: str, password: str | None, token: str | None
    ) -> tuple[User, str, datetime]:
        """Check credentials; return the user and a fresh token with its expiry.

        Raises:
            SignInFailed: for any reason, which is logged but not told to the client.
        """
        now = self.clock()
        if token is not None:
            try:
                claims = self.signer.check(token, now)
            except TokenError as exc:
                raise SignInFailed(exc.reason, expired=exc.reason == "token expired") from exc
            if claims.user_id != user_id:
                raise SignInFailed("token of another user")
            try:
                user = await self.runner.read(self.users.get_user, user_id)
            except UnknownId as exc:
                raise SignInFailed("token of a deleted user") from exc
            if not user.active:
                raise SignInFailed("inactive user")
        else:
            found = await self.runner.read(self.users.verify_password, user_id, password or "")
            if found is None or not found.active:
                raise SignInFailed("unknown user, wrong password or inactive user")
            user = found
        token, expires = self.signer.issue(user.user_id, now)
        return user, token, expires

    # --- attaching a connection -------------------------------------------------------

    def attach(self, client: Client, last_seq: int | None) -> tuple[int, list[bytes] | None]:
        """Register ``client`` for live events; return the seq it is consistent with.

        Returns ``(seq, frames)``: ``frames`` is the snapshot (encoded chunks plus
        ``synced``) when the client must start afresh, or ``None`` when it can resume with
        the events after ``last_seq`` up to ``seq`` (see :meth:`missed_events`). Runs
        without awaiting, so the snapshot, the seq and the registration are consistent:
        every event after ``seq`` reaches the client's outbox.
        """
        seq = self.published_seq
        self.hub.add(client)
        if self.can_resume(last_seq):
            return seq, None
        return seq, self._snapshot(client, seq)

    def can_resume(self, last_seq: int | None) -> bool:
        """Whether a client that saw up to ``last_seq`` can catch up by events alone."""
        return (
            last_seq is not None and 0 <= self.published_seq - last_seq <= self.config.resume_window
        )

    async def missed_events(self, client: Client, after: int, upto: int) -> list[bytes]:
        """The events a resuming client missed, in its scope, and ``synced``."""
        frames: list[bytes] = []
        seq = after
        while seq < upto:
            batch = await self.runner.read(
                self.case_service.events_since, seq, min(5_000, upto - seq)
            )
            if not batch:
                break
            for event in batch:
                if event.seq > upto:
                    break
                message = event_message(event)
                if self._visible(client, message):
                    frames.append(codec.encode(message))
                seq = event.seq
        frames.append(codec.encode(Synced(seq=upto)))
        return frames

    def _visible(self, client: Client, event: Event) -> bool:
        body = event.body
        if isinstance(body, UnitChanged):
            return client.user.role is not Role.DEPARTMENT and client.sees_street(
                body.unit.street_code
            )
        if isinstance(body, JointChanged):
            return client.sees_joint(body.operation)
        if isinstance(body, PatrolChanged):
            return client.user.role is not Role.DEPARTMENT and client.sees_street(
                body.assignment.street_code
            )
        if isinstance(body, HandoverChanged):
            return client.sees_handover(body.handover.scope)
        if isinstance(body, ResponseTemplateChanged):
            return True  # the district's run cards: every console convenes from them
        assert isinstance(body, CaseChanged | DeadlineWarning | DeadlineOverdue)
        return client.sees_case(body.case)

    def _snapshot(self, client: Client, seq: int) -> list[bytes]:
        cases = [c for c in self.cases.values() if client.sees_case(c)]
        scope = None if client.user.role is Role.DEPARTMENT else client.user.scope
        units = self.units.units(scope) if scope is not None else []
        teams = [t for t in self.teams if scope is not None and client.sees_street(t.street_code)]
        joint_ops = [op for op in self.joint_ops.values() if client.sees_joint(op)]
        now = self.clock()
        patrols = [
            a
            for a in self.patrols.values()
            if scope is not None and a.ends_at > now and client.sees_street(a.street_code)
        ]
        config = self.config
        # Each kind in chunks of its own, sized to stay well under the frame limit.
        parts: list[dict[str, Any]] = [
            {"cases": p} for p in _split(cases, config.snapshot_cases_per_chunk)
        ] or [{}]
        parts += [{"units": p} for p in _split(units, config.snapshot_units_per_chunk)]
        parts += [
            {"joint_operations": p} for p in _split(joint_ops, config.snapshot_joint_per_chunk)
        ]
        parts += [{"patrols": p} for p in _split(patrols, config.snapshot_patrols_per_chunk)]
        parts[0] = {**parts[0], "teams": teams, "response_templates": list(self.templates.values())}
        snapshot_id = uuid.uuid4().hex[:12]
        frames = [
            codec.encode(
                SnapshotChunk(
                    snapshot_id=snapshot_id,
                    index=i,
                    count=len(parts),
                    seq=seq,
                    catalogue_version=self.catalogue.version,
                    map_version=self.city.version,
                    **part,
                )
            )
            for i, part in enumerate(parts)
        ]
        frames.append(codec.encode(Synced(seq=seq)))
        return frames

    def detach(self, client: Client) -> None:
        self.hub.remove(client)

    # --- commands ----------------------------------------------------------------------

    async def command(self, user: User, terminal: str, msg: Command) -> Ack:
        """Apply a workflow move; a command id seen before gets its first answer again."""
        key = f"{user.user_id}:{msg.id}"
        seen = await self.runner.read(self.case_service.find_command, key)
        if seen is not None:
            return Ack(id=msg.id, seq=seen, result={"case_id": msg.case_id, "repeated": True})
        event = await self.runner.write(
            self.case_service.move,
            msg.case_id,
            msg.move,
            actor_of(user, terminal),
            msg.expected_revision,
            command_key=key,
        )
        await self._publish(event)
        last = event.seq
        if isinstance(msg.move, Merge):
            # A merge also commits the target's event, numbered right after the duplicate's:
            # publish it now, or consoles would not see the target count the duplicate
            # until some later event filled the gap.
            for counted in await self.runner.read(self.case_service.events_since, event.seq, 1):
                await self._publish(counted)
                last = counted.seq
        return Ack(id=msg.id, seq=last, result={"case_id": event.case_id})

    async def report(self, user: User, terminal: str, msg: Report) -> Ack:
        key = f"{user.user_id}:{msg.id}"
        seen = await self.runner.read(self.case_service.find_command, key)
        if seen is not None:
            return Ack(id=msg.id, seq=seen, result={"repeated": True})
        event = await self.runner.write(
            self.case_service.report, msg.report, actor_of(user, terminal), command_key=key
        )
        await self._publish(event)
        case = self.cases.get(event.case_id or 0)
        result = {"case_id": event.case_id, "number": case.number if case else None}
        return Ack(id=msg.id, seq=event.seq, result=result)

    async def set_unit_status(self, user: User, terminal: str, msg: SetUnitStatus) -> Ack:
        if msg.unit_id not in self.units:
            raise UnknownId("unit", msg.unit_id)
        self._check_unit_scope(user, msg.unit_id)
        event = await self.runner.write(
            self.unit_service.set_status, msg.unit_id, msg.status, actor_of(user, terminal)
        )
        await self._publish(event)
        return Ack(id=msg.id, seq=event.seq)

    def _check_unit_scope(self, user: User, unit_id: str) -> None:
        if user.role is not Role.FIELD:
            raise NotPermitted(unit_id, "unit", "report for a unit", f"role '{user.role}' may not")
        street = self.units.street_of(unit_id)
        if user.scope != DISTRICT_SCOPE and street != user.scope:
            raise NotPermitted(unit_id, "unit", "report for a unit", f"outside scope {user.scope}")

    def positions(self, user: User, batch: PositionBatch) -> list[str]:
        """Take a batch of fixes from a terminal; return unknown unit ids (ignored)."""
        if user.role is not Role.FIELD:
            raise NotPermitted("positions", "-", "report positions", f"role '{user.role}' may not")
        if user.scope != DISTRICT_SCOPE:
            for unit_id in batch.unit_ids:
                if unit_id in self.units and self.units.street_of(unit_id) != user.scope:
                    raise NotPermitted(
                        unit_id, "unit", "report positions", f"outside scope {user.scope}"
                    )
        n = len(batch.unit_ids)
        speeds = batch.speeds or [None] * n
        headings = batch.headings or [None] * n
        unknown, tracked = self.units.apply_fixes(
            batch.unit_ids,
            [t.timestamp() for t in batch.at],
            batch.lons,
            batch.lats,
            [h if h is not None else float("nan") for h in headings],
        )
        self._track.extend(
            PositionFix(
                unit_id=batch.unit_ids[i],
                at=batch.at[i],
                lon=batch.lons[i],
                lat=batch.lats[i],
                speed=speeds[i],
                heading=headings[i],
            )
            for i in tracked
        )
        return unknown

    async def handover_command(
        self,
        user: User,
        terminal: str,
        msg: GenerateHandover | SubmitHandover | SignHandover | ReturnHandover,
    ) -> Ack:
        """Generate, submit, sign or return a shift handover; a command id seen before gets
        its first answer again."""
        key = f"{user.user_id}:{msg.id}"
        seen = await self.runner.read(self.case_service.find_command, key)
        if seen is not None:
            return Ack(id=msg.id, seq=seen, result={"repeated": True})
        actor = actor_of(user, terminal)
        service = self.handover_service
        match msg:
            case GenerateHandover():
                units = self.units.units(user.scope)
                job = functools.partial(service.generate, msg.shift_id, actor, units)
            case SubmitHandover():
                job = functools.partial(
                    service.submit, msg.handover_id, msg.notes, actor, msg.expected_revision
                )
            case SignHandover():
                job = functools.partial(
                    service.sign, msg.handover_id, actor, msg.comment, msg.expected_revision
                )
            case ReturnHandover():
                job = functools.partial(
                    service.send_back, msg.handover_id, msg.comments, actor, msg.expected_revision
                )
        event = await self.runner.write(job, command_key=key)
        await self._publish(event)
        handover = msgspec.convert(event.payload, HandoverChanged).handover
        result = {"handover_id": handover.id, "revision": handover.revision}
        return Ack(id=msg.id, seq=event.seq, result=result)

    async def joint_command(self, user: User, terminal: str, msg: JointCommand) -> Ack:
        """Make a move on a joint operation (convene one); a command id seen before gets
        its first answer again. The ack names the operation and its revision."""
        key = f"{user.user_id}:{msg.id}"
        seen = await self.runner.read(self.joint_service.answer_of, key)
        if seen is None:
            seen = await self.runner.write(
                self.joint_service.move,
                msg.operation_id,
                msg.move,
                actor_of(user, terminal),
                msg.expected_revision,
                command_key=key,
            )
            await self._publish(seen)
        if not seen.kind.startswith("joint."):
            raise InvalidInput("id", f"{msg.id!r} already named another kind of request")
        op = msgspec.convert(seen.payload, JointChanged).operation
        return Ack(id=msg.id, seq=seen.seq, result={"operation_id": op.id, "revision": op.revision})

    async def patrol_command(self, user: User, terminal: str, msg: PatrolCommand) -> Ack:
        """Assign or withdraw a patrol area; the ack names the assignment."""
        key = f"{user.user_id}:{msg.id}"
        seen = await self.runner.read(self.patrol_service.answer_of, key)
        if seen is None:
            seen = await self.runner.write(
                self.patrol_service.move, msg.move, actor_of(user, terminal), command_key=key
            )
            await self._publish(seen)
        if not seen.kind.startswith("patrol."):
            raise InvalidInput("id", f"{msg.id!r} already named another kind of request")
        assignment = msgspec.convert(seen.payload, PatrolChanged).assignment
        return Ack(id=msg.id, seq=seen.seq, result={"assignment_id": assignment.id})

    async def template_command(self, user: User, terminal: str, msg: SetResponseTemplate) -> Ack:
        """Set a category's response template; the ack names the category."""
        key = f"{user.user_id}:{msg.id}"
        seen = await self.runner.read(self.template_service.answer_of, key)
        if seen is None:
            seen = await self.runner.write(
                self.template_service.set,
                msg.category,
                msg.agencies,
                actor_of(user, terminal),
                command_key=key,
            )
            await self._publish(seen)
        if not seen.kind.startswith("template."):
            raise InvalidInput("id", f"{msg.id!r} already named another kind of request")
        template = msgspec.convert(seen.payload, ResponseTemplateChanged).template
        return Ack(id=msg.id, seq=seen.seq, result={"category": template.category})

    # --- queries -----------------------------------------------------------------------

    async def coverage(self, user: User, msg_id: str, assignment_id: int) -> CoverageResult:
        """How much of a patrol area its unit's track covered so far (fixes flushed first)."""
        await self._flush_track()
        report = await self.runner.read(
            self.patrol_service.coverage, assignment_id, actor_of(user, "")
        )
        return CoverageResult(
            id=msg_id,
            assignment_id=assignment_id,
            unit_id=report.assignment.unit_id,
            cells=sorted(report.cells),
            visited=sorted(report.coverage.visited),
            share=report.coverage.share,
            fixes=report.fixes,
            until=report.until,
        )

    async def shift_status(self, user: User, msg_id: str, at: datetime | None) -> ShiftResult:
        status = await self.runner.read(self.handover_service.shift_status, actor_of(user, ""), at)
        return ShiftResult(
            id=msg_id,
            shift=status.shift,
            previous=status.previous,
            next=status.next,
            handover=status.handover,
            previous_handover=status.previous_handover,
            reminder=status.reminder,
            reminder_minutes=list(status.reminder_minutes),
            figures=status.figures,
            as_of=status.as_of,
        )

    def presence(self, user: User, msg_id: str) -> PresenceResult:
        """Who is signed in now: the connections of users in ``user``'s scope.

        Raises:
            NotPermitted: ``user`` neither supervises nor leads (nor administers).
        """
        if user.role not in READER_ROLES:
            raise NotPermitted(
                "presence", "-", "read", f"role '{user.role}' may not; supervisors and leaders may"
            )
        sessions = [
            SignedIn(
                user_id=c.user.user_id,
                name=c.user.name,
                role=c.user.role,
                scope=c.user.scope,
                client_kind=c.kind,
                client_id=c.client_id,
                since=c.since,
            )
            for c in self.hub
            if c.since is not None and (user.scope == DISTRICT_SCOPE or c.user.scope == user.scope)
        ]
        sessions.sort(key=lambda s: (s.since, s.user_id, s.client_id))
        return PresenceResult(id=msg_id, as_of=self.server_time(), sessions=sessions)

    async def search_handovers(
        self, user: User, msg_id: str, query: HandoverQuery
    ) -> HandoversPage:
        page = await self.runner.read(self.handover_service.search, query, actor_of(user, ""))
        return HandoversPage(
            id=msg_id, handovers=list(page.handovers), next_cursor=page.next_cursor
        )

    async def handover(self, user: User, msg_id: str, handover_id: str) -> HandoverResult:
        found = await self.runner.read(self.handover_service.get, handover_id, actor_of(user, ""))
        return HandoverResult(id=msg_id, handover=found)

    async def history(self, user: User, msg_id: str, case_id: int) -> HistoryResult:
        case = await self._visible_case(user, case_id)
        entries = await self.runner.read(self.case_service.history, case.id)
        return HistoryResult(id=msg_id, case_id=case_id, entries=entries)

    async def _visible_case(self, user: User, case_id: int) -> Case:
        case = self.cases.get(case_id)
        if case is None:
            case = await self.runner.read(self.case_service.get, case_id)
        if not Client(user=user, client_id="", wants_positions=False).sees_case(case):
            # Not "unknown": the id exists, and saying so to another street is harmless.
            raise NotPermitted(case.number, case.state.value, "read", f"outside scope {user.scope}")
        return case

    async def search(self, user: User, msg_id: str, query: CaseQuery) -> CasesPage:
        page = await self.runner.read(self.case_service.search, query, actor_of(user, ""))
        return CasesPage(id=msg_id, cases=list(page.cases), next_cursor=page.next_cursor)

    async def track(
        self, user: User, msg_id: str, unit_id: str, start: datetime, end: datetime
    ) -> TrackResult:
        if unit_id not in self.units:
            raise UnknownId("unit", unit_id)
        if user.scope != DISTRICT_SCOPE and self.units.street_of(unit_id) != user.scope:
            raise NotPermitted(unit_id, "unit", "read track", f"outside scope {user.scope}")
        if end - start > timedelta(days=1):
            raise InvalidInput("end", "a track query spans at most one day")
        await self._flush_track()
        fixes = await self.runner.read(self.position_service.track, unit_id, start, end)
        return TrackResult(
            id=msg_id,
            unit_id=unit_id,
            at=[f.at for f in fixes],
            lons=[f.lon for f in fixes],
            lats=[f.lat for f in fixes],
        )

    async def photo(self, msg_id: str, photo_id: str) -> PhotoResult:
        photo = await self.runner.read(self.photos.get_photo, photo_id)
        content_type = cast(PhotoType, photo.content_type)  # checked against the bytes on upload
        return PhotoResult(id=msg_id, photo_id=photo.id, content_type=content_type, data=photo.data)

    async def evaluation(self, user: User, msg: QueryEvaluation) -> EvaluationResult:
        """The indicators per group for a period, as of now, in the user's scope."""
        street = street_scope(user, msg.dimension, msg.key)
        async with self._evaluating:
            as_of = self.clock()
            rows, next_after = await self.runner.read(
                self.evaluation_service.evaluate,
                Period(msg.start, msg.end),
                as_of,
                msg.dimension,
                key=msg.key,
                street=street,
                after=msg.after,
            )
        return EvaluationResult(
            id=msg.id,
            start=msg.start,
            end=msg.end,
            dimension=msg.dimension,
            as_of=as_of,
            rows=rows,
            next_after=next_after,
        )

    async def case_counts(self, user: User, msg: QueryCaseCounts) -> CaseCountsResult:
        """Cases reported per hour in a period, in the user's scope (the wall's baseline)."""
        # The same readers as the evaluation; a street-scoped user counts their street.
        street = street_scope(user, Dimension.STREET, None)
        as_of = self.clock()
        hourly = await self.runner.read(
            reported_per_hour, self.db, Period(msg.start, msg.end), street
        )
        return CaseCountsResult(id=msg.id, start=msg.start, end=msg.end, as_of=as_of, hourly=hourly)

    def city_map(self, msg_id: str) -> MapResult:
        """The grid map, for any user: every console draws the whole district."""
        return MapResult(id=msg_id, map=self.city)

    async def upload_photo(self, msg_id: str, content_type: str, data: bytes) -> Ack:
        photo_id = await self.runner.write(self.photos.store_photo, data, content_type)
        return Ack(id=msg_id, result={"photo_id": photo_id})

    # --- publishing --------------------------------------------------------------------

    async def _publish(self, event: CommittedEvent) -> None:
        """Apply and fan out committed events strictly in number order.

        An event may arrive ahead of others (a merge commits two, the clock commits its
        own); the missing ones are read back from the store, so nothing is skipped.
        """
        if event.seq <= self.published_seq:
            return
        self._held[event.seq] = event
        if event.seq > self.published_seq + 1:
            missing = await self.runner.read(
                self.case_service.events_since, self.published_seq, event.seq - self.published_seq
            )
            for e in missing:
                self._held.setdefault(e.seq, e)
        while (next_event := self._held.pop(self.published_seq + 1, None)) is not None:
            self._deliver(next_event)
            self.published_seq = next_event.seq

    def _deliver(self, event: CommittedEvent) -> None:
        message = event_message(event)
        frame = codec.encode(message)
        body = message.body
        if isinstance(body, UnitChanged):
            self.units.set_unit(body.unit)
            self.hub.publish_street(frame, body.unit.street_code)
            return
        if isinstance(body, JointChanged):
            self.joint_ops[body.operation.id] = body.operation
            self.hub.publish_joint(frame, body.operation)
            return
        if isinstance(body, PatrolChanged):
            assignment = body.assignment
            if assignment.active:
                self.patrols[assignment.id] = assignment
            else:
                self.patrols.pop(assignment.id, None)
            self.hub.publish_street(frame, assignment.street_code)
            return
        if isinstance(body, HandoverChanged):
            self.hub.publish_handover(frame, body.handover.scope)
            return
        if isinstance(body, ResponseTemplateChanged):
            template = body.template
            if template.agencies:
                self.templates[template.category] = template
            else:
                self.templates.pop(template.category, None)
            self.hub.publish_all(frame)
            return
        assert isinstance(body, CaseChanged | DeadlineWarning | DeadlineOverdue)
        case = body.case
        before = self.cases.get(case.id)
        self.cases[case.id] = case
        self._schedule(case)
        self.hub.publish_case(frame, case, before)

    # --- the deadline clock ------------------------------------------------------------

    def _schedule(self, case: Case) -> None:
        due = next_deadline_check(case, self.policy)
        if due is not None:
            heapq.heappush(self._deadlines, (due, case.id, case.revision))
            self._deadline_added.set()

    async def _run_clock(self) -> None:
        while True:
            now = self.clock()
            while self._deadlines and self._deadlines[0][0] <= now:
                _, case_id, revision = heapq.heappop(self._deadlines)
                case = self.cases.get(case_id)
                if case is None or case.revision != revision:
                    continue  # the case moved on; its new check was scheduled then
                try:
                    event = await self.runner.write(self.case_service.check_deadline, case_id)
                except DomainError:
                    log.exception("deadline check of case %s failed", case_id)
                    continue
                if event is not None:
                    await self._publish(event)
            wait = 1.0
            if self._deadlines:
                wait = min(wait, max(0.0, (self._deadlines[0][0] - self.clock()).total_seconds()))
            self._deadline_added.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._deadline_added.wait(), wait)

    # --- positions ---------------------------------------------------------------------

    async def _run_ticker(self) -> None:
        tick = self.config.position_tick
        next_at = time.monotonic()
        while True:
            next_at += tick
            await asyncio.sleep(max(0.0, next_at - time.monotonic()))
            frames = self.units.take_frames(self.clock())
            if frames:
                self.hub.publish_positions({scope: codec.encode(f) for scope, f in frames.items()})
            if self.published_seq and self._closed_since < self._start_of_today():
                self._forget_yesterday()

    def _forget_yesterday(self) -> None:
        self._closed_since = self._start_of_today()
        self.cases = {
            k: c
            for k, c in self.cases.items()
            if not c.state.is_terminal
            or (c.closed_at or c.updated_at or c.reported_at) >= self._closed_since
        }
        self.joint_ops = {
            k: op
            for k, op in self.joint_ops.items()
            if not op.state.is_terminal or op.updated_at >= self._closed_since
        }
        now = self.clock()
        self.patrols = {k: a for k, a in self.patrols.items() if a.ends_at > now}

    async def _run_flusher(self) -> None:
        pruned_at = 0.0
        while True:
            await asyncio.sleep(self.config.track_flush)
            await self._flush_track()
            if time.monotonic() - pruned_at > 3600:
                pruned_at = time.monotonic()
                cutoff = self.clock() - self.config.track_retention
                await self.runner.write(self.position_service.prune, cutoff)

    async def _flush_track(self) -> None:
        """Write the buffered fixes to the track table (and each unit's last fix).

        In small writer jobs: commands share the one writer thread, and a command queued
        behind a 10,000-fix write would wait half a second (measured by
        bench/bench_server.py); behind a 250-fix job it waits a few milliseconds.
        """
        fixes, self._track = self._track, []
        for i in range(0, len(fixes), TRACK_JOB):
            try:
                await self.runner.write(
                    self.position_service.record_positions, fixes[i : i + TRACK_JOB]
                )
            except DomainError:
                log.exception("writing %d fixes to the track failed", len(fixes[i : i + TRACK_JOB]))

    def server_time(self) -> datetime:
        return self.clock()
