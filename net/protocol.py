"""The wire protocol, version 1: every message a console, terminal or server may send.

One websocket text frame carries one JSON object, a message, whose ``type`` member names
it. The types below are the protocol: the server and the console import them, the codec
(:mod:`net.codec`) validates every frame against them, and ``docs/protocol.schema.json``
is generated from them. ``docs/protocol.md`` explains the session with worked examples.

Workflow moves and the domain values (cases, units, teams, users, history entries) are the
very types of :mod:`models`, so a move typed in the console is the move the workflow
applies, with no translation layer in between.

Conventions that hold for every message:

* Times are RFC 3339 strings with a zone offset (naive times are refused).
* Coordinates are WGS-84 degrees (devices report WGS-84; GCJ-02 is a display concern).
* Client messages are strict: an unknown field is refused, so a misspelt option is never
  silently dropped. Server messages are read leniently, so a server may add a field with a
  default within a version without breaking consoles already deployed.
* Invariants that span fields (equal array lengths, one credential, a photo matching its
  content type) are checked in ``__post_init__``: msgspec runs it on decode, and it keeps
  the server from building a message its peers would refuse.
"""

from __future__ import annotations

import json
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Final, Literal, TypeAlias

import msgspec

from models.case import Case, CaseState, HistoryEntry
from models.deadlines import Step
from models.evaluation import Dimension, EvaluatedGroup
from models.geography import CityMap
from models.handover import (
    Handover,
    HandoverNotes,
    HandoverState,
    HandoverSummary,
    ReminderLevel,
    ShiftFigures,
)
from models.joint import AnyJointMove, Convene, JointEntry, JointOperation
from models.org import Role, Team, Unit, UnitStatus, User
from models.patrol import AnyPatrolMove, PatrolAssignment
from models.response_templates import ResponseTemplate
from models.shifts import Shift
from models.workflow import AnyMove, NewReport

PROTOCOL_VERSION: Final = 1
"""Bumped on any change an existing peer could not read (see docs/protocol.md)."""

MAX_FRAME_BYTES: Final = 1024 * 1024
"""Largest frame of any message but a photo, checked before the frame is parsed."""

MAX_PHOTO_BYTES: Final = 5 * 1024 * 1024
"""Largest photo (the decoded image bytes) in :class:`UploadPhoto` or :class:`PhotoResult`."""

MAX_PHOTO_FRAME_BYTES: Final = 4 * -(-MAX_PHOTO_BYTES // 3) + 16 * 1024
"""Largest photo frame: the photo in base64 plus room for the envelope.

Photos travel base64-encoded inside an ordinary JSON text frame rather than as binary
frames: one framing rule, one schema, and any websocket client can send them. The 33 %
overhead is acceptable for a few photos per report. A server sets its websocket library's
frame limit to this value and leaves the finer per-type limit to the codec. The grid map
(:class:`MapResult`, about 1.9 MB for 5,000 cells) travels within the same limit.
"""

MAX_ID_LENGTH: Final = 64
"""Longest request id, client id, user, unit or photo id."""

MAX_BATCH: Final = 10_000
"""Most positions in one :class:`PositionBatch` (about 0.7 MB of JSON)."""

MAX_PAGE: Final = 1000
"""Most cases in one :class:`CasesPage`."""

DEFAULT_PAGE: Final = 200

# --- field types -----------------------------------------------------------------------

RequestId = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=MAX_ID_LENGTH,
        pattern=r"^[A-Za-z0-9._:-]+$",
        description="Client-made id, unique per client_id; a resent id is applied once.",
    ),
]
Seq = Annotated[int, msgspec.Meta(ge=0, description="Event number (0: before any event).")]
CaseId = Annotated[int, msgspec.Meta(ge=1)]
Revision = Annotated[int, msgspec.Meta(ge=1)]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_ID_LENGTH)]
Secret = Annotated[str, msgspec.Meta(min_length=1, max_length=4096)]
Time = Annotated[datetime, msgspec.Meta(tz=True, description="RFC 3339 with a zone offset.")]
Lon = Annotated[float, msgspec.Meta(ge=-180.0, le=180.0, description="WGS-84 longitude.")]
Lat = Annotated[float, msgspec.Meta(ge=-90.0, le=90.0, description="WGS-84 latitude.")]
Speed = Annotated[float, msgspec.Meta(ge=0.0, le=1000.0, description="Metres per second.")]
Heading = Annotated[
    float, msgspec.Meta(ge=0.0, lt=360.0, description="Degrees clockwise from north.")
]
WholeHeading = Annotated[
    int, msgspec.Meta(ge=0, le=359, description="Whole degrees clockwise from north.")
]
ClientKind = Literal["console", "terminal", "simulator"]
PhotoType = Literal["image/jpeg", "image/png", "image/webp"]
"""The photo formats accepted; each must start with its format's signature."""
PhotoData = Annotated[bytes, msgspec.Meta(min_length=1, max_length=MAX_PHOTO_BYTES)]


class FieldError(ValueError):
    """An invariant across fields failed; raised in ``__post_init__``.

    msgspec turns it into a ``ValidationError`` that keeps it as ``__cause__``, so the codec
    can name the exact field (``$.lons``) and not only the message holding it.

    Attributes:
        field: Dotted path of the field relative to the message, e.g. ``report.lon``.
    """

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"`{field}` {problem}")
        self.field = field
        self.problem = problem


def _same_length(reference: str, length: int, arrays: dict[str, list[Any] | None]) -> None:
    for name, values in arrays.items():
        if values is not None and len(values) != length:
            raise FieldError(
                name, f"has {len(values)} items; expected {length}, as many as `{reference}`"
            )


def _check_position(prefix: str, lon: float, lat: float) -> None:
    # For positions inside models types (NewReport), which carry no range constraints.
    if not -180.0 <= lon <= 180.0:
        raise FieldError(f"{prefix}lon", f"is {lon}; expected a longitude in -180..180")
    if not -90.0 <= lat <= 90.0:
        raise FieldError(f"{prefix}lat", f"is {lat}; expected a latitude in -90..90")


_PHOTO_MAGIC: Final[dict[str, bytes]] = {
    "image/jpeg": b"\xff\xd8\xff",
    "image/png": b"\x89PNG\r\n\x1a\n",
    "image/webp": b"RIFF",  # then 4 bytes of size, then WEBP
}


def _check_photo(content_type: str, data: bytes) -> None:
    # A mislabelled upload would be stored and served under the wrong type; checking the
    # magic number is cheap and catches it at the door.
    ok = data.startswith(_PHOTO_MAGIC[content_type])
    if content_type == "image/webp":
        ok = ok and data[8:12] == b"WEBP"
    if not ok:
        raise FieldError("data", f"does not start like {content_type}")


# --- client → server -------------------------------------------------------------------


class ClientMsg(
    msgspec.Struct, frozen=True, kw_only=True, tag_field="type", forbid_unknown_fields=True
):
    """Base of every message a client sends (strict: unknown fields are refused)."""


class Hello(ClientMsg, tag="hello", frozen=True, kw_only=True):
    """Sign in: the first message of every connection.

    Attributes:
        protocol: The protocol version the client speaks; must be ``PROTOCOL_VERSION``.
        client_kind: What connects; it decides what the session receives (a terminal gets
            no position frames, a console gets a snapshot of its scope).
        client_id: Stable id of the installation or device. Command ids are unique per
            client id, so a command resent after a reconnect is still applied once.
        user: The user's login name.
        password: The password (first sign-in); exactly one of password and token.
        token: The token from an earlier :class:`Welcome` (reconnect without a password).
        last_seq: The number of the last event the client applied, to receive only what it
            missed; ``None`` (first start) asks for a snapshot.
    """

    protocol: int
    client_kind: ClientKind
    client_id: Name
    user: Name
    password: Secret | None = None
    token: Secret | None = None
    last_seq: Seq | None = None

    def __post_init__(self) -> None:
        if (self.password is None) == (self.token is None):
            raise FieldError("password", "or `token` is required, but not both")


class Command(ClientMsg, tag="command", frozen=True, kw_only=True):
    """A workflow move on one case; answered by an :class:`Ack` or an :class:`Error`.

    Attributes:
        id: Client-made id; a command resent with the same id gets the same answer and is
            applied at most once.
        case_id: The case the move is made on.
        expected_revision: The case revision the user saw; if the case changed since, the
            command fails with ``conflict`` instead of acting on stale information.
            ``None`` skips the check (terminals acting on their own orders).
        move: The move, exactly as :mod:`models.workflow` defines it.
    """

    id: RequestId
    case_id: CaseId
    expected_revision: Revision | None = None
    move: AnyMove


class Report(ClientMsg, tag="report", frozen=True, kw_only=True):
    """A new report (上报); the ack's result names the new case (``case_id``, ``number``)."""

    id: RequestId
    report: NewReport

    def __post_init__(self) -> None:
        _check_position("report.", self.report.lon, self.report.lat)


class JointCommand(ClientMsg, tag="joint_command", frozen=True, kw_only=True):
    """A move on a joint operation (联勤行动); answered by an :class:`Ack` or an :class:`Error`.

    The ack's result is ``{"operation_id", "revision"}``; the events it caused (the
    operation's ``joint_changed``, the units' ``unit_changed``, the case's note) come first.

    Attributes:
        id: Client-made id; a command resent with the same id is applied at most once.
        operation_id: The operation; ``None`` exactly for ``convene``, which makes one.
        expected_revision: The operation revision the user saw (``conflict`` if it moved
            on); ``None`` skips the check (terminals acting on their own orders).
        move: The move, exactly as :mod:`models.joint` defines it.
    """

    id: RequestId
    operation_id: Annotated[int, msgspec.Meta(ge=1)] | None = None
    expected_revision: Revision | None = None
    move: AnyJointMove

    def __post_init__(self) -> None:
        if isinstance(self.move, Convene):
            if self.operation_id is not None:
                raise FieldError("operation_id", "must be null for convene (it makes one)")
            if self.expected_revision is not None:
                raise FieldError("expected_revision", "must be null for convene")
            _check_position("move.", self.move.lon, self.move.lat)
        elif self.operation_id is None:
            raise FieldError("operation_id", "is required for every move but convene")


class PatrolCommand(ClientMsg, tag="patrol_command", frozen=True, kw_only=True):
    """Assign or withdraw a unit's patrol area (责任区) for a shift.

    Answered by an :class:`Ack` whose result is ``{"assignment_id"}``, after the
    ``patrol_changed`` event.
    """

    id: RequestId
    move: AnyPatrolMove


class SetResponseTemplate(ClientMsg, tag="set_response_template", frozen=True, kw_only=True):
    """Set the agencies a joint operation for a category calls for by default (its response
    template, 预案); the district's supervisors and administrators only.

    Answered by an :class:`Ack` whose result is ``{"category"}``, after the
    ``response_template_changed`` event that every console receives.

    Attributes:
        category: The category code (``E0501``...).
        agencies: Departments with field forces, each once, in the order the convening
            form lists them; empty puts the catalogue's default back.
    """

    id: RequestId
    category: Name
    agencies: Annotated[list[Name], msgspec.Meta(max_length=50)]


class UploadPhoto(ClientMsg, tag="upload_photo", frozen=True, kw_only=True):
    """A photo for a later report or feedback; the ack's result has its ``photo_id``.

    Upload first, then name the photo id in ``NewReport.photos``, ``Feedback.photos``...
    ``data`` is base64 in JSON; the decoded image may be up to ``MAX_PHOTO_BYTES``.
    """

    id: RequestId
    content_type: PhotoType
    data: PhotoData

    def __post_init__(self) -> None:
        _check_photo(self.content_type, self.data)


class QueryHistory(ClientMsg, tag="query_history", frozen=True, kw_only=True):
    """Ask for a case's flow history (流转记录); answered by :class:`HistoryResult`."""

    id: RequestId
    case_id: CaseId


class QueryCases(ClientMsg, tag="query_cases", frozen=True, kw_only=True):
    """Search cases beyond the snapshot (e.g. closed ones); answered by :class:`CasesPage`.

    All filters are optional and combine with AND. Results come newest report first; pass
    the previous page's ``next_cursor`` for the next page (keyset pagination).

    Attributes:
        states: Only cases in one of these states.
        street: Only cases in this street/town (9-digit code).
        category: Only cases of this category code (``E0102``...).
        reported_from: Reported at or after this time.
        reported_to: Reported before this time.
        limit: Most cases in one page.
        cursor: Opaque position returned as ``CasesPage.next_cursor``.
    """

    id: RequestId
    states: list[CaseState] | None = None
    street: Name | None = None
    category: Name | None = None
    reported_from: Time | None = None
    reported_to: Time | None = None
    limit: Annotated[int, msgspec.Meta(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE
    cursor: Annotated[str, msgspec.Meta(min_length=1, max_length=1024)] | None = None

    def __post_init__(self) -> None:
        if (
            self.reported_from is not None
            and self.reported_to is not None
            and self.reported_to <= self.reported_from
        ):
            raise FieldError("reported_to", "must be after `reported_from`")


class QueryTrack(ClientMsg, tag="query_track", frozen=True, kw_only=True):
    """Ask for a unit's recorded track for replay; answered by :class:`TrackResult`."""

    id: RequestId
    unit_id: Name
    start: Time
    end: Time

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise FieldError("end", "must be after `start`")


class QueryPhoto(ClientMsg, tag="query_photo", frozen=True, kw_only=True):
    """Ask for a stored photo by id; answered by :class:`PhotoResult`."""

    id: RequestId
    photo_id: Name


class QueryEvaluation(ClientMsg, tag="query_evaluation", frozen=True, kw_only=True):
    """Ask for the evaluation indicators (综合评价) of a period; answered by
    :class:`EvaluationResult`.

    Leaders, supervisors, operators and administrators may ask. A user limited to one street
    evaluates the cases of that street only, in any dimension but ``district``, and may not
    name another street. The server evaluates as of its own clock, by the counting rules of
    :mod:`models.evaluation`.

    Attributes:
        id: Client-made id.
        start: First instant of the period.
        end: First instant after the period; at most 366 days after ``start``.
        dimension: What a row is: a ``department``, ``street``, ``community``, ``team``,
            ``person`` (a reporter), ``operator``, ``category``, or the ``district`` (one
            row, key ``all``).
        key: Only this group, answered even when nothing counted in it; ``unknown_id``
            when the dimension has no such group.
        after: Only groups whose key sorts after this one: the previous answer's
            ``next_after``, for the next page.
    """

    id: RequestId
    start: Time
    end: Time
    dimension: Dimension
    key: Name | None = None
    after: Name | None = None

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise FieldError("end", "must be after `start`")
        if self.key is not None and self.after is not None:
            raise FieldError("after", "pages groups; a query for one `key` has one")


class QueryCaseCounts(ClientMsg, tag="query_case_counts", frozen=True, kw_only=True):
    """Count the cases reported per hour in a period; answered by :class:`CaseCountsResult`.

    The leader wall's baseline (the mean of the last seven days per hour of day). Who may
    ask, and the street a user is limited to, as for :class:`QueryEvaluation`. Every case
    reported in the period counts, whatever its source or state.

    Attributes:
        id: Client-made id.
        start: First instant of the period.
        end: First instant after the period; at most 31 days after ``start``.
    """

    id: RequestId
    start: Time
    end: Time

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise FieldError("end", "must be after `start`")


class QueryMap(ClientMsg, tag="query_map", frozen=True, kw_only=True):
    """Ask for the district's grid map; answered by :class:`MapResult`.

    Any signed-in user may ask. A console asks only when it holds no map of the version the
    snapshot names (``SnapshotChunk.map_version``), and keeps the answer on disk by version.
    """

    id: RequestId


ShiftId = Annotated[
    str,
    msgspec.Meta(
        pattern=r"^\d{4}-\d{2}-\d{2}/[a-z][a-z0-9_]{0,15}$",
        description="A shift: its local start date and name, e.g. 2026-11-30/night.",
    ),
]
HandoverId = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=MAX_ID_LENGTH,
        description="A handover: scope and shift, e.g. 310115/2026-11-30/night.",
    ),
]
Comment = Annotated[str, msgspec.Meta(max_length=2000)]


class GenerateHandover(ClientMsg, tag="generate_handover", frozen=True, kw_only=True):
    """Generate the handover packet (交接班) of a shift in the user's scope, or regenerate
    its draft or returned handover with the current state; supervisors only.

    Answered by an ack (``result``: ``handover_id``, ``revision``) after the
    ``handover_changed`` event.

    Attributes:
        shift_id: The shift handed over: the current one (``None``) or the one before.
    """

    id: RequestId
    shift_id: ShiftId | None = None


class SubmitHandover(ClientMsg, tag="submit_handover", frozen=True, kw_only=True):
    """The outgoing supervisor submits the handover with their notes (again after a return).

    Attributes:
        expected_revision: The handover revision the supervisor saw; ``conflict`` if it
            changed since. ``None`` skips the check.
    """

    id: RequestId
    handover_id: HandoverId
    expected_revision: Revision | None = None
    notes: HandoverNotes


class SignHandover(ClientMsg, tag="sign_handover", frozen=True, kw_only=True):
    """The incoming supervisor signs a submitted handover: it becomes an immutable record."""

    id: RequestId
    handover_id: HandoverId
    expected_revision: Revision | None = None
    comment: Comment = ""


class ReturnHandover(ClientMsg, tag="return_handover", frozen=True, kw_only=True):
    """The incoming supervisor sends a submitted handover back with comments (required)."""

    id: RequestId
    handover_id: HandoverId
    expected_revision: Revision | None = None
    comments: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]


class QueryShift(ClientMsg, tag="query_shift", frozen=True, kw_only=True):
    """Ask for the shift running at ``at`` (default: now) and the handovers around it in the
    user's scope; answered by :class:`ShiftResult`. Supervisors, leaders, administrators."""

    id: RequestId
    at: Time | None = None


class QueryHandovers(ClientMsg, tag="query_handovers", frozen=True, kw_only=True):
    """Search handovers in the user's scope, newest shift first; answered by
    :class:`HandoversPage` (summaries; ``query_handover`` gives one whole).

    Attributes:
        shift_id: Only this shift's handovers.
        supervisor: Only those this user (id) handed over or took over.
        text: Only those whose notes, comments, supervisors or listed case numbers contain
            this text.
        states: Only handovers in one of these states.
        limit: Most handovers in one page.
        cursor: Opaque position returned as ``HandoversPage.next_cursor``.
    """

    id: RequestId
    shift_id: ShiftId | None = None
    supervisor: Name | None = None
    text: Annotated[str, msgspec.Meta(min_length=1, max_length=100)] | None = None
    states: list[HandoverState] | None = None
    limit: Annotated[int, msgspec.Meta(ge=1, le=100)] = 20
    cursor: Annotated[str, msgspec.Meta(min_length=1, max_length=1024)] | None = None


class QueryHandover(ClientMsg, tag="query_handover", frozen=True, kw_only=True):
    """Ask for one handover, whole; answered by :class:`HandoverResult`."""

    id: RequestId
    handover_id: HandoverId


class QueryPresence(ClientMsg, tag="query_presence", frozen=True, kw_only=True):
    """Ask who is signed in now, in the user's scope; answered by :class:`PresenceResult`.
    Supervisors, leaders, administrators."""

    id: RequestId


class QueryCoverage(ClientMsg, tag="query_coverage", frozen=True, kw_only=True):
    """Ask how much of a patrol area its unit's track has covered so far; answered by
    :class:`CoverageResult`."""

    id: RequestId
    assignment_id: Annotated[int, msgspec.Meta(ge=1)]


class Position(ClientMsg, tag="position", frozen=True, kw_only=True):
    """One fix from a field terminal (about 1 Hz).

    Not acknowledged: it is superseded in a second. A bad one is answered by an
    :class:`Error` without id.
    """

    unit_id: Name
    at: Time
    lon: Lon
    lat: Lat
    speed: Speed | None = None
    heading: Heading | None = None


class PositionBatch(ClientMsg, tag="position_batch", frozen=True, kw_only=True):
    """Many fixes in parallel arrays, from the simulator or a vehicle gateway.

    Item ``i`` of every array belongs to ``unit_ids[i]``; ``speeds`` and ``headings`` may
    be left out as a whole, or hold ``null`` for a unit that does not know them.
    """

    unit_ids: Annotated[list[Name], msgspec.Meta(max_length=MAX_BATCH)]
    at: list[Time]
    lons: list[Lon]
    lats: list[Lat]
    speeds: list[Speed | None] | None = None
    headings: list[Heading | None] | None = None

    def __post_init__(self) -> None:
        _same_length(
            "unit_ids",
            len(self.unit_ids),
            {
                "at": self.at,
                "lons": self.lons,
                "lats": self.lats,
                "speeds": self.speeds,
                "headings": self.headings,
            },
        )


class SetUnitStatus(ClientMsg, tag="set_unit_status", frozen=True, kw_only=True):
    """A unit's duty status changes (巡查中, 前往中, 到场...); answered by an ack."""

    id: RequestId
    unit_id: Name
    status: UnitStatus


class Ping(ClientMsg, tag="ping", frozen=True, kw_only=True):
    """Keep-alive and round-trip probe; answered by :class:`Pong` with the same id."""

    id: RequestId
    sent_at: Time


class Bye(ClientMsg, tag="bye", frozen=True, kw_only=True):
    """The client signs out; the server answers :class:`Goodbye` and closes."""


ClientMessage: TypeAlias = (
    Hello
    | Command
    | Report
    | JointCommand
    | PatrolCommand
    | SetResponseTemplate
    | UploadPhoto
    | QueryHistory
    | QueryCases
    | QueryTrack
    | QueryPhoto
    | QueryEvaluation
    | QueryCaseCounts
    | QueryMap
    | QueryCoverage
    | Position
    | PositionBatch
    | SetUnitStatus
    | GenerateHandover
    | SubmitHandover
    | SignHandover
    | ReturnHandover
    | QueryShift
    | QueryHandovers
    | QueryHandover
    | QueryPresence
    | Ping
    | Bye
)
"""Every message a client may send."""


# --- server → client -------------------------------------------------------------------


class ServerMsg(msgspec.Struct, frozen=True, kw_only=True, tag_field="type"):
    """Base of every message the server sends (read leniently by clients)."""


class Limits(msgspec.Struct, frozen=True, kw_only=True):
    """What the server enforces on this session, so a client can stay within it.

    Attributes:
        max_frame_bytes: Largest frame but a photo.
        max_photo_bytes: Largest photo (decoded).
        messages_per_second: Sustained rate before ``rate_limited``; short bursts of four
            times as many are absorbed.
        ping_interval: Seconds; a client pings at least this often, and the server closes
            a connection that stayed silent for three intervals.
        position_tick: Seconds between position frames.
    """

    max_frame_bytes: int = MAX_FRAME_BYTES
    max_photo_bytes: int = MAX_PHOTO_BYTES
    messages_per_second: int = 50
    ping_interval: float = 15.0
    position_tick: float = 0.25


class Welcome(ServerMsg, tag="welcome", frozen=True, kw_only=True):
    """Signed in. What follows depends on ``resume``.

    Attributes:
        protocol: The server's protocol version (equal to the client's, or it would have
            refused with ``protocol_version``).
        server_version: The server software's version, for the about box and bug reports.
        user: Who is signed in, with role and scope.
        token: Send it as ``Hello.token`` on reconnect; every welcome issues a fresh one.
        token_expires_at: After this, a reconnect needs the password again.
        server_time: The server's clock, so the console can show deadlines against it.
        last_seq: The newest event number at sign-in.
        resume: ``events``: the events after ``Hello.last_seq`` follow; ``snapshot``: the
            client's state is too old (or it had none) and snapshot chunks follow.
        limits: What the server enforces on this session.
    """

    protocol: int
    server_version: str
    user: User
    token: str
    token_expires_at: Time
    server_time: Time
    last_seq: Seq
    resume: Literal["events", "snapshot"]
    limits: Limits = msgspec.field(default_factory=Limits)


class SnapshotChunk(ServerMsg, tag="snapshot_chunk", frozen=True, kw_only=True):
    """One part of a snapshot of everything in the user's scope.

    Chunks ``0 .. count-1`` arrive in order and nothing else arrives between them; the
    client replaces its state when it has the last one. Events with ``seq`` greater than
    the snapshot's follow.

    Attributes:
        snapshot_id: The same in every chunk of one snapshot.
        index: 0-based chunk number.
        count: How many chunks the snapshot has (at least 1).
        seq: The event number the snapshot is consistent with.
        cases: Open cases and those closed recently; older ones through ``query_cases``.
        units: Field units with their last position and status.
        teams: Teams of field units.
        joint_operations: Joint operations in the user's scope: the open ones and those
            finished today (a field terminal: those of its units; a department: those its
            units take part in).
        patrols: Patrol assignments of units in the user's scope whose shift is not over.
        response_templates: The response templates supervisors set (categories without
            one use the catalogue's default); in the first chunk.
        catalogue_version: The category catalogue's content hash; a console whose
            catalogue differs shows that it is out of date.
        map_version: The grid map's content hash, likewise.
    """

    snapshot_id: str
    index: Annotated[int, msgspec.Meta(ge=0)]
    count: Annotated[int, msgspec.Meta(ge=1)]
    seq: Seq
    cases: list[Case] = msgspec.field(default_factory=list)
    units: list[Unit] = msgspec.field(default_factory=list)
    teams: list[Team] = msgspec.field(default_factory=list)
    joint_operations: list[JointOperation] = msgspec.field(default_factory=list)
    patrols: list[PatrolAssignment] = msgspec.field(default_factory=list)
    response_templates: list[ResponseTemplate] = msgspec.field(default_factory=list)
    catalogue_version: str
    map_version: str

    def __post_init__(self) -> None:
        if self.index >= self.count:
            raise FieldError("index", f"is {self.index}; expected less than `count`")


# Event bodies: tagged by ``kind``; each carries everything the console needs to apply it
# (the whole new case or unit), so applying an event never needs a second request.


class EventBody(msgspec.Struct, frozen=True, kw_only=True, tag_field="kind"):
    """Base of what an event says happened."""


class CaseBody(EventBody, frozen=True, kw_only=True):
    """Base of the bodies that change a case: the console replaces its copy with ``case``.

    Attributes:
        case: The case as it is now (its ``revision`` grew).
        entry: The history entry that records the change.
    """

    case: Case
    entry: HistoryEntry


class CaseChanged(CaseBody, tag="case_changed", frozen=True, kw_only=True):
    """A case was reported, moved through the workflow, or merged into (``entry.move``)."""


class DeadlineWarning(CaseBody, tag="deadline_warning", frozen=True, kw_only=True):
    """A step's warning share of the allowance has elapsed (预警)."""

    step: Step
    deadline: Time


class DeadlineOverdue(CaseBody, tag="deadline_overdue", frozen=True, kw_only=True):
    """A step's deadline has passed (超期)."""

    step: Step
    deadline: Time


class UnitChanged(EventBody, tag="unit_changed", frozen=True, kw_only=True):
    """A unit was added or changed status, team or details; replace the console's copy."""

    unit: Unit


class UnitRemoved(EventBody, tag="unit_removed", frozen=True, kw_only=True):
    """A unit was taken out of service."""

    unit_id: str


class HandoverChanged(EventBody, tag="handover_changed", frozen=True, kw_only=True):
    """A shift's handover was generated, submitted, signed or returned (``move`` says which).

    Sent to the supervisors, leaders and administrators whose scope covers the handover's.

    Attributes:
        handover: The handover as it is now (its ``revision`` grew).
        move: ``generate``, ``submit``, ``sign`` or ``return``.
    """

    handover: Handover
    move: str


class JointChanged(EventBody, tag="joint_changed", frozen=True, kw_only=True):
    """A joint operation was convened or moved on; replace the console's copy.

    It reaches the consoles of the meeting point's and the participants' streets (and the
    district's), the terminals of the participants' streets (their orders), and the
    departments whose units take part.

    Attributes:
        operation: The operation as it is now (its ``revision`` grew).
        entry: What happened: the move, the unit it concerns, who made it.
    """

    operation: JointOperation
    entry: JointEntry


class PatrolChanged(EventBody, tag="patrol_changed", frozen=True, kw_only=True):
    """A patrol assignment was made or withdrawn; replace the console's copy."""

    assignment: PatrolAssignment


class ResponseTemplateChanged(
    EventBody, tag="response_template_changed", frozen=True, kw_only=True
):
    """A supervisor set (or reset: ``agencies`` empty) a category's response template."""

    template: ResponseTemplate


AnyEventBody: TypeAlias = (
    CaseChanged
    | DeadlineWarning
    | DeadlineOverdue
    | UnitChanged
    | UnitRemoved
    | HandoverChanged
    | JointChanged
    | PatrolChanged
    | ResponseTemplateChanged
)
"""Every kind of event body."""


class Event(ServerMsg, tag="event", frozen=True, kw_only=True):
    """Something committed, numbered in commit order.

    ``seq`` grows strictly; gaps are events outside the user's scope, not losses (the
    connection loses nothing, and a reconnect resumes from the last applied ``seq``).

    Attributes:
        seq: The event number, unique and in commit order across the whole server.
        at: When it was committed.
        body: What happened, with the new value of what changed.
    """

    seq: Annotated[int, msgspec.Meta(ge=1)]
    at: Time
    body: AnyEventBody


class Synced(ServerMsg, tag="synced", frozen=True, kw_only=True):
    """The client now has everything up to ``seq``; from here on events are live.

    Sent once per session, after the missed events or the last snapshot chunk, so that a
    console can tell "catching up" from "live" even when scope leaves gaps in ``seq``.
    """

    seq: Seq


class Ack(ServerMsg, tag="ack", frozen=True, kw_only=True):
    """A command, report, upload or status change succeeded.

    The event it caused reaches the sender before the ack, so the change is already in the
    client's state when the ack arrives.

    Attributes:
        id: The request's id.
        seq: The last event the request produced (``None`` when it produced none, e.g.
            an upload).
        result: What the request made: ``{"case_id", "revision"}`` for a command,
            ``{"case_id", "number"}`` for a report, ``{"photo_id"}`` for an upload.
    """

    id: str
    seq: Annotated[int, msgspec.Meta(ge=1)] | None = None
    result: dict[str, Any] | None = None


class ErrorCode(StrEnum):
    """Why a frame or request was refused."""

    MALFORMED_FRAME = "malformed_frame"  # not UTF-8 JSON, or not a JSON object
    UNKNOWN_TYPE = "unknown_type"  # no `type`, or one this side does not accept
    INVALID_FIELD = "invalid_field"  # a field is missing, of the wrong type or out of range
    FRAME_TOO_LARGE = "frame_too_large"  # over the frame limit; the connection is closed
    NOT_SIGNED_IN = "not_signed_in"  # anything but hello before the welcome
    SIGN_IN_FAILED = "sign_in_failed"  # never says whether the user or the secret was wrong
    TOKEN_EXPIRED = "token_expired"  # sign in with the password again
    PROTOCOL_VERSION = "protocol_version"  # details.supported lists what the server speaks
    ILLEGAL_MOVE = "illegal_move"  # the case's state or circumstances forbid the move
    NOT_PERMITTED = "not_permitted"  # the user's role or scope forbids it
    INVALID_INPUT = "invalid_input"  # well-typed but unacceptable value (empty reason...)
    UNKNOWN_ID = "unknown_id"  # no such case, unit, photo, department, category
    CONFLICT = "conflict"  # the case changed since expected_revision
    RATE_LIMITED = "rate_limited"  # slow down; the message was dropped
    TOO_SLOW = "too_slow"  # the client fell too far behind; the connection is closed
    SERVER_ERROR = "server_error"  # a fault on the server; nothing was written


CLOSES_CONNECTION: Final = frozenset(
    {ErrorCode.FRAME_TOO_LARGE, ErrorCode.PROTOCOL_VERSION, ErrorCode.TOO_SLOW}
)
"""Errors after which the server sends :class:`Goodbye` and closes; after any other the
connection stays usable."""

DEFAULT_MESSAGES: Final[dict[ErrorCode, str]] = {
    ErrorCode.MALFORMED_FRAME: "the frame is not a JSON object",
    ErrorCode.UNKNOWN_TYPE: "unknown message type",
    ErrorCode.INVALID_FIELD: "a field is missing or wrong",
    ErrorCode.FRAME_TOO_LARGE: "the frame is too large",
    ErrorCode.NOT_SIGNED_IN: "sign in first: the first message must be hello",
    # One message for an unknown user, a wrong password and a bad token alike, so that
    # the answer does not tell an attacker which user names exist.
    ErrorCode.SIGN_IN_FAILED: "sign-in failed: unknown user or wrong credentials",
    ErrorCode.TOKEN_EXPIRED: "the token has expired: sign in with the password",
    ErrorCode.PROTOCOL_VERSION: f"this server speaks protocol version {PROTOCOL_VERSION}",
    ErrorCode.ILLEGAL_MOVE: "the move is not allowed now",
    ErrorCode.NOT_PERMITTED: "you are not permitted to do this",
    ErrorCode.INVALID_INPUT: "a value is not acceptable",
    ErrorCode.UNKNOWN_ID: "no such object",
    ErrorCode.CONFLICT: "the case has changed since you loaded it: look again",
    ErrorCode.RATE_LIMITED: "too many messages: slow down",
    ErrorCode.TOO_SLOW: "the connection fell too far behind the event stream",
    ErrorCode.SERVER_ERROR: "the server failed to handle the request; nothing was written",
}
"""An English default message per code, for errors the server raises itself."""


class Error(ServerMsg, tag="error", frozen=True, kw_only=True):
    """A request or frame was refused, and nothing was written.

    Attributes:
        id: The refused request's id when it could be read, else ``None``.
        code: What kind of problem.
        message: An English sentence naming the problem (for logs; the console translates
            by ``code`` and ``details``).
        details: Structured facts, e.g. ``field`` (a JSON path such as ``$.move.reason``),
            ``type``, ``case``, ``state``, ``move``, ``reason``, ``revision``.
    """

    id: str | None = None
    code: ErrorCode
    message: str
    details: dict[str, Any] = msgspec.field(default_factory=dict)


class PositionFrame(ServerMsg, tag="position_frame", frozen=True, kw_only=True):
    """The units that reported a fix during one tick, in parallel arrays.

    One frame per tick and scope, encoded once and sent to every console of that scope.
    Item ``i`` of each array belongs to ``unit_ids[i]``; ``at`` is the tick, which the
    console takes as those units' ``last_fix_at``. Status changes are also events
    (``unit_changed``); the status here lets the map style a point without a lookup.
    """

    at: Time
    unit_ids: list[str]
    lons: list[Lon]
    lats: list[Lat]
    headings: list[WholeHeading | None]
    statuses: list[UnitStatus]

    def __post_init__(self) -> None:
        _same_length(
            "unit_ids",
            len(self.unit_ids),
            {
                "lons": self.lons,
                "lats": self.lats,
                "headings": self.headings,
                "statuses": self.statuses,
            },
        )


class HistoryResult(ServerMsg, tag="history_result", frozen=True, kw_only=True):
    """A case's history entries, oldest first."""

    id: str
    case_id: int
    entries: list[HistoryEntry]


class CasesPage(ServerMsg, tag="cases_page", frozen=True, kw_only=True):
    """One page of a case search; ``next_cursor`` is ``None`` on the last page."""

    id: str
    cases: list[Case]
    next_cursor: str | None = None


class TrackResult(ServerMsg, tag="track_result", frozen=True, kw_only=True):
    """A unit's recorded fixes in a time range, oldest first, in parallel arrays.

    ``truncated`` says the server stopped at its point limit; ask again from the last
    ``at`` for more.
    """

    id: str
    unit_id: str
    at: list[Time]
    lons: list[Lon]
    lats: list[Lat]
    truncated: bool = False

    def __post_init__(self) -> None:
        _same_length("at", len(self.at), {"lons": self.lons, "lats": self.lats})


class PhotoResult(ServerMsg, tag="photo_result", frozen=True, kw_only=True):
    """A stored photo (base64 in JSON, like an upload)."""

    id: str
    photo_id: str
    content_type: PhotoType
    data: PhotoData


class EvaluationResult(ServerMsg, tag="evaluation_result", frozen=True, kw_only=True):
    """The indicators per group, in key order (answer to :class:`QueryEvaluation`).

    Attributes:
        id: The query's id.
        start: The period's start, as asked.
        end: The period's end, as asked.
        dimension: The dimension, as asked.
        as_of: The server's clock when it evaluated: later events do not count, and a
            deadline after it is not yet due.
        rows: One per group with anything to count in the period (or the one group asked
            for), at most 500; names are ``""`` when unknown.
        next_after: When more groups follow, the ``after`` that asks for them.
    """

    id: str
    start: Time
    end: Time
    dimension: Dimension
    as_of: Time
    rows: list[EvaluatedGroup]
    next_after: str | None = None


class CaseCountsResult(ServerMsg, tag="case_counts_result", frozen=True, kw_only=True):
    """Cases reported per hour (answer to :class:`QueryCaseCounts`).

    Attributes:
        id: The query's id.
        start: The period's start, as asked.
        end: The period's end, as asked.
        as_of: The server's clock when it counted.
        hourly: Cases reported in each hour: ``hourly[i]`` counts ``[start + i h,
            start + (i + 1) h)``, the last hour cut at ``end``.
    """

    id: str
    start: Time
    end: Time
    as_of: Time
    hourly: list[int]


class CoverageResult(ServerMsg, tag="coverage_result", frozen=True, kw_only=True):
    """How much of a patrol area its unit's recorded track covered (answer to
    :class:`QueryCoverage`).

    Attributes:
        assignment_id: The assignment.
        unit_id: Its unit.
        cells: Every assigned cell (the named ones and those of the named streets), sorted.
        visited: The assigned cells the track passed through, sorted.
        share: ``len(visited) / len(cells)``.
        fixes: Recorded fixes of the unit within the shift so far.
        until: The end of the stretch counted: now, or the shift's end if it is over.
    """

    id: str
    assignment_id: int
    unit_id: str
    cells: list[str]
    visited: list[str]
    share: Annotated[float, msgspec.Meta(ge=0.0, le=1.0)]
    fixes: int
    until: Time


class MapResult(ServerMsg, tag="map_result", frozen=True, kw_only=True):
    """The district's whole grid map: boundary, streets, communities and cells (WGS-84).

    ``map.version`` is the content hash the snapshot names as ``map_version``; a receiver
    checks it with :meth:`~models.geography.CityMap.verify_version`. About 1.9 MB for
    5,000 cells, so it may use the large-frame limit (``MAX_PHOTO_FRAME_BYTES``).
    """

    id: str
    map: CityMap


class ShiftResult(ServerMsg, tag="shift_result", frozen=True, kw_only=True):
    """The shift running at the time asked about, and the handovers around it.

    Attributes:
        shift: The shift.
        previous: The shift before it.
        next: The shift after it.
        handover: The shift's handover in the user's scope, if generated.
        previous_handover: The previous shift's handover, if generated.
        reminder: How urgently the previous handover must be chased now: 0 none (signed,
            or not late), 1 remind, 2 remind again, 3 escalate to the leader.
        reminder_minutes: Minutes after a shift's end at which levels 1, 2, 3 begin.
        figures: The shift's figures in the user's scope so far (all of them for a shift
            that is over), counted as a handover packet generated now would count them.
        as_of: The server's clock when it answered: the figures are as of then.
    """

    id: str
    shift: Shift
    previous: Shift
    next: Shift
    handover: Handover | None = None
    previous_handover: Handover | None = None
    reminder: ReminderLevel = ReminderLevel.NONE
    reminder_minutes: list[int] = msgspec.field(default_factory=list)
    figures: ShiftFigures = msgspec.field(default_factory=ShiftFigures)
    as_of: Time | None = None


class HandoversPage(ServerMsg, tag="handovers_page", frozen=True, kw_only=True):
    """One page of a handover search; ``next_cursor`` is ``None`` on the last page."""

    id: str
    handovers: list[HandoverSummary]
    next_cursor: str | None = None


class HandoverResult(ServerMsg, tag="handover_result", frozen=True, kw_only=True):
    """One handover, whole."""

    id: str
    handover: Handover


class SignedIn(msgspec.Struct, frozen=True, kw_only=True):
    """One signed-in connection (a user may hold several).

    Attributes:
        user_id: Who.
        name: Their name.
        role: Their role.
        scope: Their scope (the district or a street/town).
        client_kind: What they are signed in with.
        client_id: Which console or terminal (the ``client_id`` of its hello).
        since: When this connection signed in.
    """

    user_id: str
    name: str
    role: Role
    scope: str
    client_kind: ClientKind
    client_id: str
    since: Time


class PresenceResult(ServerMsg, tag="presence_result", frozen=True, kw_only=True):
    """Who is signed in now (answer to :class:`QueryPresence`): the connections of users
    whose scope lies in the asker's, the oldest first.

    Attributes:
        as_of: The server's clock when it answered.
        sessions: The signed-in connections.
    """

    id: str
    as_of: Time
    sessions: list[SignedIn]


class Pong(ServerMsg, tag="pong", frozen=True, kw_only=True):
    """Answer to :class:`Ping`: ``sent_at`` echoed, plus the server's clock."""

    id: str
    sent_at: Time
    server_time: Time


class GoodbyeReason(StrEnum):
    """Why the server closes the connection, and what the client should do next."""

    BYE = "bye"  # the client said bye: stay signed out
    SHUTDOWN = "shutdown"  # the server stops: reconnect with a backoff
    REPLACED = "replaced"  # the same client_id signed in elsewhere: do not reconnect
    TOKEN_EXPIRED = "token_expired"  # sign in with the password again
    TOO_SLOW = "too_slow"  # the client fell behind: reconnect, expect a snapshot
    IDLE = "idle"  # nothing received for three ping intervals: reconnect
    FRAME_TOO_LARGE = "frame_too_large"  # an abusive frame: fix the client
    RATE_LIMITED = "rate_limited"  # kept flooding after rate_limited errors
    PROTOCOL_VERSION = "protocol_version"  # update the client


class Goodbye(ServerMsg, tag="goodbye", frozen=True, kw_only=True):
    """The last message before the server closes the connection."""

    reason: GoodbyeReason
    message: str = ""


ServerMessage: TypeAlias = (
    Welcome
    | SnapshotChunk
    | Event
    | Synced
    | Ack
    | Error
    | PositionFrame
    | HistoryResult
    | CasesPage
    | TrackResult
    | PhotoResult
    | EvaluationResult
    | CaseCountsResult
    | MapResult
    | CoverageResult
    | ShiftResult
    | HandoversPage
    | HandoverResult
    | PresenceResult
    | Pong
    | Goodbye
)
"""Every message a server may send."""

Message: TypeAlias = ClientMessage | ServerMessage


# --- the published schema ----------------------------------------------------------------

SCHEMA_PATH: Final = "docs/protocol.schema.json"
"""Where the generated schema is committed, relative to the repository root."""


def protocol_schema() -> dict[str, Any]:
    """The JSON Schema (2020-12) of both directions, generated from the types above.

    ``$defs`` holds every type; ``ClientMessage`` and ``ServerMessage`` are the two unions,
    discriminated by ``type``.
    """
    (client, server), components = msgspec.json.schema_components(
        [ClientMessage, ServerMessage], ref_template="#/$defs/{name}"
    )
    components = {**components, "ClientMessage": client, "ServerMessage": server}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"Grid command-centre wire protocol, version {PROTOCOL_VERSION}",
        "description": "One message per websocket text frame; see docs/protocol.md.",
        "x-protocol-version": PROTOCOL_VERSION,
        "x-max-frame-bytes": MAX_FRAME_BYTES,
        "x-max-photo-frame-bytes": MAX_PHOTO_FRAME_BYTES,
        "anyOf": [{"$ref": "#/$defs/ClientMessage"}, {"$ref": "#/$defs/ServerMessage"}],
        "$defs": components,
    }


def render_schema() -> str:
    """``protocol_schema()`` as the exact text committed in ``docs/protocol.schema.json``."""
    return json.dumps(protocol_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
