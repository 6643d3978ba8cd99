"""The wire protocol: every message round-trips, bad frames get precise errors, nothing but
``ProtocolError`` ever escapes the decoder, and the published schema and docs stay true.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, get_args

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.case import Case, CaseState, ClosingType, HistoryEntry, Location, Reporter, Source
from models.catalogue import DeadlineRule, TimeUnit, Urgency
from models.deadlines import Step
from models.demo_city import generate_demo_city
from models.errors import DomainError, IllegalMove, InvalidInput, LoadError, NotPermitted, UnknownId
from models.evaluation import Counts, Dimension, EvaluatedGroup, Indicators
from models.geography import Cell, CityMap, Community, Street
from models.handover import HandoverNotes, HandoverState, ReminderLevel, summary
from models.joint import (
    Acknowledge,
    AddUnit,
    AnyJointMove,
    Arrive,
    Cancel,
    Complete,
    Convene,
    Depart,
    JointEntry,
    JointMove,
    JointOperation,
    JointState,
    Participant,
    ParticipantState,
    Release,
    ReplaceUnit,
)
from models.org import Role, Team, Unit, UnitKind, UnitStatus, User
from models.patrol import AssignPatrol, CancelPatrol, PatrolAssignment
from models.response_templates import ResponseTemplate
from models.workflow import (
    Accept,
    AnyMove,
    AssignVerification,
    Close,
    DecideExtension,
    DepartmentAccept,
    DepartmentReturn,
    DispatchComprehensive,
    DispatchSingle,
    EscalateToLeader,
    Feedback,
    File,
    Merge,
    Move,
    NewReport,
    RequestExtension,
    Resume,
    Suspend,
    Urge,
    VerifyFail,
    VerifyPass,
    Void,
)
from net.codec import (
    ProtocolError,
    decode_client,
    decode_server,
    encode,
    error_for,
    frame_limit,
    make_error,
)
from net.protocol import (
    CLOSES_CONNECTION,
    DEFAULT_MESSAGES,
    MAX_FRAME_BYTES,
    MAX_PHOTO_BYTES,
    MAX_PHOTO_FRAME_BYTES,
    PROTOCOL_VERSION,
    SCHEMA_PATH,
    Ack,
    AnyEventBody,
    Bye,
    CaseChanged,
    CaseCountsResult,
    CasesPage,
    ClientMessage,
    Command,
    CoverageResult,
    DeadlineOverdue,
    DeadlineWarning,
    Error,
    ErrorCode,
    EvaluationResult,
    Event,
    FieldError,
    GenerateHandover,
    Goodbye,
    GoodbyeReason,
    HandoverChanged,
    HandoverResult,
    HandoversPage,
    Hello,
    HistoryResult,
    JointChanged,
    JointCommand,
    MapResult,
    Message,
    PatrolChanged,
    PatrolCommand,
    PhotoResult,
    Ping,
    Pong,
    Position,
    PositionBatch,
    PositionFrame,
    PresenceResult,
    QueryCaseCounts,
    QueryCases,
    QueryCoverage,
    QueryEvaluation,
    QueryHandover,
    QueryHandovers,
    QueryHistory,
    QueryMap,
    QueryPhoto,
    QueryPresence,
    QueryShift,
    QueryTrack,
    Report,
    ResponseTemplateChanged,
    ReturnHandover,
    ServerMessage,
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
    UnitRemoved,
    UploadPhoto,
    Welcome,
    protocol_schema,
    render_schema,
)
from tests.unit.handover_day import draft_handover

ROOT = Path(__file__).resolve().parents[2]
AT = datetime(2026, 11, 30, 1, 31, 5, tzinfo=UTC)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 "

HANDOVER = draft_handover()
CLIENT_TYPES: tuple[type[Any], ...] = get_args(ClientMessage)
SERVER_TYPES: tuple[type[Any], ...] = get_args(ServerMessage)

# --- samples: one of every message, event body and move ------------------------------

MOVES: dict[type[Move], AnyMove] = {
    Accept: Accept(note="已核实"),
    Void: Void(reason="重复上报", invalid_report=False),
    File: File(category="E0104", urgency=Urgency.URGENT, note="改为道路不洁"),
    DispatchSingle: DispatchSingle(department="HW", deadline=AT + timedelta(hours=4)),
    DispatchComprehensive: DispatchComprehensive(departments=("FGB", "CGZF")),
    EscalateToLeader: EscalateToLeader(reason="涉及多个部门，职责不清"),
    DepartmentAccept: DepartmentAccept(),
    DepartmentReturn: DepartmentReturn(reason="非本部门职责"),
    RequestExtension: RequestExtension(
        amount=DeadlineRule(1.5, TimeUnit.WORK_DAYS), reason="需调机械"
    ),
    DecideExtension: DecideExtension(approve=False, note="不予延期"),
    Feedback: Feedback(result="已清理", photos=("ph-1", "ph-2")),
    AssignVerification: AssignVerification(verifier="wangqiang"),
    VerifyPass: VerifyPass(photos=("ph-3",)),
    VerifyFail: VerifyFail(reason="现场仍有垃圾"),
    Close: Close(closing_type=ClosingType.SPECIAL, reason="历史遗留"),
    Suspend: Suspend(reason="等待产权认定"),
    Resume: Resume(),
    Urge: Urge(level=2, message="请加快处置"),
    Merge: Merge(into_case=41),
}

REPORT = NewReport(
    source=Source.HOTLINE,
    category="E0102",
    urgency=Urgency.URGENT,
    lon=121.50712,
    lat=31.23861,
    address="浦东南路 1085 号",
    description="绿化带内堆放生活垃圾",
    photos=("ph-1",),
    reporter_name="李先生",
    reporter_phone="13800000000",
)

CASE = Case(
    id=5117,
    number="PD20261130-0042",
    source=Source.PATROL,
    category="E0102",
    urgency=Urgency.NORMAL,
    location=Location(lon=121.50712, lat=31.23861, street_code="310115005"),
    description="路边垃圾堆积",
    reporter=Reporter(kind="user", ident="wangqiang", name="王强"),
    reported_at=AT,
    state=CaseState.DISPATCHED,
    revision=4,
    updated_at=AT,
    step_started_at=AT,
    step_deadline=AT + timedelta(hours=5),
    step_working=True,
)

ENTRY = HistoryEntry(
    case_id=5117,
    revision=4,
    move="dispatch_single",
    actor_id="zhangmin",
    actor_role="operator",
    terminal="console-ljz-03",
    at=AT,
    from_state=CaseState.AWAITING_DISPATCH,
    to_state=CaseState.DISPATCHED,
    note="请今日内清运",
    details={"order": 1, "department": "HW"},
)

UNIT = Unit(
    unit_id="U-LJZ-017",
    callsign="陆家嘴联勤17",
    kind=UnitKind.PERSON,
    department="WGLQ",
    team_id="T-LJZ-2",
    street_code="310115005",
    status=UnitStatus.PATROL,
    status_since=AT,
    lon=121.505,
    lat=31.237,
    last_fix_at=AT,
)

USER = User(user_id="zhangmin", name="张敏", role=Role.OPERATOR, scope="310115005")
TEAM = Team(
    team_id="T-LJZ-2",
    name_zh="陆家嘴联勤二队",
    name_en="Lujiazui joint patrol 2",
    department="WGLQ",
    street_code="310115005",
)

RING = ((121.50, 31.23), (121.51, 31.23), (121.51, 31.24), (121.50, 31.24), (121.50, 31.23))
CITY = CityMap.build(
    district_code="310115",
    name_zh="浦东新区",
    name_en="Pudong New Area",
    boundary=(RING,),
    streets=[
        Street(
            code="310115005",
            name_zh="陆家嘴街道",
            name_en="Lujiazui Subdistrict",
            kind="street",
            seat_lon=121.505,
            seat_lat=31.235,
            boundary=(RING,),
        )
    ],
    communities=[
        Community(
            code="310115005003",
            street_code="310115005",
            name_zh="梅园社区",
            name_en="Meiyuan Community",
            boundary=(RING,),
        )
    ],
    cells=[
        Cell(
            code="31011500500301",
            street_code="310115005",
            community_code="310115005003",
            ring=RING,
            centroid_lon=121.505,
            centroid_lat=31.235,
            area_m2=1_056_000.0,
        )
    ],
)

JOINT_MOVES: dict[type[JointMove], AnyJointMove] = {
    Convene: Convene(
        case_id=5117,
        agencies=("CGZF", "WGLQ"),
        units=("U-LJZ-017", "U-LJZ-021"),
        commander="U-LJZ-017",
        lon=121.50712,
        lat=31.23861,
        meet_at=AT + timedelta(minutes=15),
        instructions="东口集合",
    ),
    AddUnit: AddUnit(unit_id="U-LJZ-030"),
    ReplaceUnit: ReplaceUnit(unit_id="U-LJZ-021", by="U-LJZ-022", reason="未确认"),
    Acknowledge: Acknowledge(unit_id="U-LJZ-017"),
    Depart: Depart(unit_id="U-LJZ-017"),
    Arrive: Arrive(unit_id="U-LJZ-017"),
    Release: Release(unit_id="U-LJZ-030", note="回撤"),
    Complete: Complete(outcome="整治完成"),
    Cancel: Cancel(reason="当事人已整改"),
}

JOINT_OP = JointOperation(
    id=12,
    revision=3,
    case_id=5117,
    case_number="PD20261130-0042",
    street_code="310115005",
    agencies=("CGZF", "WGLQ"),
    commander="U-LJZ-017",
    lon=121.50712,
    lat=31.23861,
    meet_at=AT + timedelta(minutes=15),
    state=JointState.ACTIVE,
    participants=(
        Participant(
            unit_id="U-LJZ-017",
            callsign="CGZF-005-01",
            department="CGZF",
            street_code="310115005",
            state=ParticipantState.ARRIVED,
            notified_at=AT,
            acknowledged_at=AT,
            departed_at=AT,
            arrived_at=AT,
        ),
    ),
    convened_by="zhangmin",
    convened_at=AT,
    updated_at=AT,
    activated_at=AT,
)
JOINT_ENTRY = JointEntry(
    operation_id=12,
    revision=3,
    move="arrive",
    unit_id="U-LJZ-017",
    actor_id="wangqiang",
    actor_role="field",
    terminal="terminal:t-0417",
    at=AT,
    from_state=JointState.CONVENED,
    to_state=JointState.ACTIVE,
    details={"late_seconds": 0.0},
)
PATROL = PatrolAssignment(
    id=3,
    unit_id="U-LJZ-017",
    street_code="310115005",
    starts_at=AT,
    ends_at=AT + timedelta(hours=12),
    cells=("31011500500301",),
    streets=("310115005",),
    assigned_by="zhangmin",
    assigned_at=AT,
)

CLIENT_SAMPLES: list[Any] = [
    Hello(
        protocol=1,
        client_kind="console",
        client_id="console-ljz-03",
        user="zhangmin",
        password="secret",
    ),
    Hello(
        protocol=1,
        client_kind="terminal",
        client_id="terminal-0417",
        user="wangqiang",
        token="tk_abc",
        last_seq=1043,
    ),
    *(
        Command(id=f"c-{i}", case_id=5117, expected_revision=4, move=move)
        for i, move in enumerate(MOVES.values())
    ),
    Command(id="c-none", case_id=1, move=Accept()),
    Report(id="r-1", report=REPORT),
    UploadPhoto(id="u-1", content_type="image/jpeg", data=JPEG),
    UploadPhoto(id="u-2", content_type="image/png", data=PNG),
    UploadPhoto(id="u-3", content_type="image/webp", data=WEBP),
    QueryHistory(id="q-1", case_id=5117),
    QueryCases(id="q-2"),
    QueryCases(
        id="q-3",
        states=[CaseState.CLOSED, CaseState.VOIDED],
        street="310115005",
        category="E0102",
        reported_from=AT - timedelta(days=30),
        reported_to=AT,
        limit=1000,
        cursor="opaque-cursor",
    ),
    QueryTrack(id="q-4", unit_id="U-LJZ-017", start=AT - timedelta(hours=1), end=AT),
    QueryPhoto(id="q-5", photo_id="ph-1"),
    QueryMap(id="q-6"),
    QueryEvaluation(id="q-7", start=AT - timedelta(days=30), end=AT, dimension=Dimension.STREET),
    QueryEvaluation(
        id="q-8",
        start=AT - timedelta(days=1),
        end=AT,
        dimension=Dimension.DEPARTMENT,
        key="HW",
    ),
    QueryCaseCounts(id="q-12", start=AT - timedelta(days=7), end=AT),
    Position(unit_id="U-LJZ-017", at=AT, lon=121.5, lat=31.2, speed=1.4, heading=359.9),
    Position(unit_id="U-LJZ-017", at=AT, lon=-180.0, lat=90.0),
    PositionBatch(
        unit_ids=["a", "b"],
        at=[AT, AT + timedelta(seconds=1)],
        lons=[121.5, 121.6],
        lats=[31.2, 31.3],
        speeds=[0.0, None],
        headings=[None, 0.0],
    ),
    PositionBatch(unit_ids=[], at=[], lons=[], lats=[]),
    SetUnitStatus(id="s-1", unit_id="U-LJZ-017", status=UnitStatus.EN_ROUTE),
    GenerateHandover(id="h-1"),
    GenerateHandover(id="h-2", shift_id="2026-11-30/day"),
    SubmitHandover(
        id="h-3",
        handover_id=HANDOVER.id,
        expected_revision=1,
        notes=HandoverNotes(staffing="王强病假", equipment="3 号大屏闪烁"),
    ),
    SignHandover(id="h-4", handover_id=HANDOVER.id, comment="接班"),
    ReturnHandover(id="h-5", handover_id=HANDOVER.id, expected_revision=2, comments="请补充"),
    QueryShift(id="q-7"),
    QueryShift(id="q-8", at=AT),
    QueryHandovers(id="q-9", text="大屏", states=[HandoverState.SIGNED], limit=10),
    QueryHandover(id="q-10", handover_id=HANDOVER.id),
    QueryPresence(id="q-11"),
    JointCommand(id="j-0", move=JOINT_MOVES[Convene]),
    *(
        JointCommand(id=f"j-{i}", operation_id=12, expected_revision=3, move=move)
        for i, move in enumerate(list(JOINT_MOVES.values())[1:], start=1)
    ),
    PatrolCommand(
        id="pa-1",
        move=AssignPatrol(
            unit_id="U-LJZ-017",
            starts_at=AT,
            ends_at=AT + timedelta(hours=12),
            cells=("31011500500301",),
        ),
    ),
    PatrolCommand(id="pa-2", move=CancelPatrol(assignment_id=3, reason="调整")),
    SetResponseTemplate(id="rt-1", category="E0501", agencies=["CGZF", "WGLQ"]),
    QueryCoverage(id="q-11", assignment_id=3),
    Ping(id="p-1", sent_at=AT),
    Bye(),
]

WELCOME = Welcome(
    protocol=1,
    server_version="0.1.0",
    user=USER,
    token="tk_abc",
    token_expires_at=AT + timedelta(hours=12),
    server_time=AT,
    last_seq=1042,
    resume="snapshot",
)
UNIT_EVENT = Event(seq=1046, at=AT, body=UnitChanged(unit=UNIT))
ACK = Ack(id="c-1", seq=1043, result={"case_id": 5117, "revision": 4})
FRAME = PositionFrame(
    at=AT,
    unit_ids=["U-1", "U-2"],
    lons=[121.5, 121.6],
    lats=[31.2, 31.3],
    headings=[0, None],
    statuses=[UnitStatus.PATROL, UnitStatus.BUSY],
)

SERVER_SAMPLES: list[Any] = [
    WELCOME,
    SnapshotChunk(
        snapshot_id="s-1",
        index=0,
        count=2,
        seq=1042,
        cases=[CASE],
        units=[UNIT],
        teams=[TEAM],
        catalogue_version="404c42d83ef6",
        map_version="m-1",
    ),
    SnapshotChunk(snapshot_id="s-2", index=0, count=1, seq=0, catalogue_version="", map_version=""),
    Event(seq=1043, at=AT, body=CaseChanged(case=CASE, entry=ENTRY)),
    Event(
        seq=1044,
        at=AT,
        body=DeadlineWarning(case=CASE, entry=ENTRY, step=Step.HANDLING, deadline=AT),
    ),
    Event(
        seq=1045,
        at=AT,
        body=DeadlineOverdue(case=CASE, entry=ENTRY, step=Step.DISPATCH, deadline=AT),
    ),
    UNIT_EVENT,
    Event(seq=1047, at=AT, body=UnitRemoved(unit_id="U-LJZ-017")),
    Synced(seq=1047),
    ACK,
    Ack(id="u-1", result={"photo_id": "ph-1"}),
    Error(id="c-2", code=ErrorCode.CONFLICT, message="changed", details={"revision": 5}),
    Error(code=ErrorCode.MALFORMED_FRAME, message="not JSON"),
    FRAME,
    HistoryResult(id="q-1", case_id=5117, entries=[ENTRY]),
    CasesPage(id="q-2", cases=[CASE], next_cursor="next"),
    CasesPage(id="q-3", cases=[]),
    TrackResult(id="q-4", unit_id="U-1", at=[AT], lons=[121.5], lats=[31.2], truncated=True),
    PhotoResult(id="q-5", photo_id="ph-1", content_type="image/jpeg", data=JPEG),
    MapResult(id="q-6", map=CITY),
    Event(seq=1048, at=AT, body=HandoverChanged(handover=HANDOVER, move="generate")),
    ShiftResult(
        id="q-7",
        shift=HANDOVER.shift,
        previous=HANDOVER.shift,
        next=HANDOVER.shift,
        handover=HANDOVER,
        reminder=ReminderLevel.REMIND,
        reminder_minutes=[10, 30, 60],
        figures=HANDOVER.packet.figures,
        as_of=AT,
    ),
    PresenceResult(
        id="q-11",
        as_of=AT,
        sessions=[
            SignedIn(
                user_id="zhangmin",
                name="张敏",
                role=Role.OPERATOR,
                scope="310115005",
                client_kind="console",
                client_id="console-ljz-03",
                since=AT,
            )
        ],
    ),
    HandoversPage(id="q-9", handovers=[summary(HANDOVER)], next_cursor="next"),
    HandoverResult(id="q-10", handover=HANDOVER),
    EvaluationResult(
        id="q-7",
        start=AT - timedelta(days=30),
        end=AT,
        dimension=Dimension.STREET,
        as_of=AT,
        rows=[
            EvaluatedGroup(
                key="310115005",
                name_zh="陆家嘴街道",
                name_en="Lujiazui",
                indicators=Indicators.from_counts(
                    Counts(
                        due_for_handling=972,
                        handled=911,
                        handled_on_time=737,
                        handling_time_samples=911,
                        handling_time_total=timedelta(hours=3200),
                        satisfaction_samples=2,
                        satisfaction_total=1.5,
                    )
                ),
            )
        ],
        next_after="310115005",
    ),
    CaseCountsResult(id="q-12", start=AT - timedelta(hours=3), end=AT, as_of=AT, hourly=[4, 0, 17]),
    Event(seq=1049, at=AT, body=JointChanged(operation=JOINT_OP, entry=JOINT_ENTRY)),
    Event(seq=1050, at=AT, body=PatrolChanged(assignment=PATROL)),
    Event(
        seq=1051,
        at=AT,
        body=ResponseTemplateChanged(
            template=ResponseTemplate(
                category="E0501", agencies=("CGZF", "WGLQ"), set_by="supervisor", set_at=AT
            )
        ),
    ),
    SnapshotChunk(
        snapshot_id="s-3",
        index=0,
        count=1,
        seq=1050,
        joint_operations=[JOINT_OP],
        patrols=[PATROL],
        catalogue_version="",
        map_version="",
    ),
    CoverageResult(
        id="q-11",
        assignment_id=3,
        unit_id="U-LJZ-017",
        cells=["31011500500301", "31011500500302"],
        visited=["31011500500301"],
        share=0.5,
        fixes=120,
        until=AT,
    ),
    Pong(id="p-1", sent_at=AT, server_time=AT + timedelta(milliseconds=3)),
    Goodbye(reason=GoodbyeReason.SHUTDOWN, message="maintenance"),
]


def _decoder_for(message: Message) -> Callable[[bytes | str], Message]:
    return decode_client if isinstance(message, CLIENT_TYPES) else decode_server


def _dict(message: Message) -> dict[str, Any]:
    value = json.loads(encode(message))
    assert isinstance(value, dict)
    return value


def test_samples_cover_every_message_move_and_event_kind() -> None:
    assert {type(m) for m in CLIENT_SAMPLES} == set(CLIENT_TYPES)
    assert {type(m) for m in SERVER_SAMPLES} == set(SERVER_TYPES)
    assert set(MOVES) == set(get_args(AnyMove))
    assert set(JOINT_MOVES) == set(get_args(AnyJointMove))
    bodies = {type(m.body) for m in SERVER_SAMPLES if isinstance(m, Event)}
    assert bodies == set(get_args(AnyEventBody))


def test_type_tags_are_unique_across_both_directions() -> None:
    tags = [cls.__struct_config__.tag for cls in (*CLIENT_TYPES, *SERVER_TYPES)]
    assert len(tags) == len(set(tags))


# --- round trips -----------------------------------------------------------------------


@pytest.mark.parametrize("message", CLIENT_SAMPLES + SERVER_SAMPLES, ids=lambda m: type(m).__name__)
def test_every_message_round_trips(message: Message) -> None:
    frame = encode(message)
    assert isinstance(frame, bytes)
    assert _decoder_for(message)(frame) == message
    # A text frame arrives as str; it decodes the same.
    assert _decoder_for(message)(frame.decode("utf-8")) == message


def test_command_carries_the_models_move_types_unchanged() -> None:
    frame = encode(Command(id="c-1", case_id=7, move=MOVES[DispatchSingle]))
    assert json.loads(frame)["move"] == json.loads(msgspec.json.encode(MOVES[DispatchSingle]))
    decoded = decode_client(frame)
    assert isinstance(decoded, Command)
    assert type(decoded.move) is DispatchSingle


def test_photo_bytes_travel_as_base64() -> None:
    frame = json.loads(encode(UploadPhoto(id="u-1", content_type="image/jpeg", data=JPEG)))
    assert base64.b64decode(frame["data"]) == JPEG


def test_chinese_text_is_sent_as_utf8_not_escaped() -> None:
    assert "陆家嘴联勤17".encode() in encode(UNIT_EVENT)


# --- bad frames from a client ----------------------------------------------------------

VALID_PING = {"type": "ping", "id": "p-1", "sent_at": "2026-11-30T01:31:05Z"}
VALID_COMMAND = {"type": "command", "id": "c-1", "case_id": 5117, "move": {"move": "accept"}}
VALID_HELLO = {
    "type": "hello",
    "protocol": 1,
    "client_kind": "console",
    "client_id": "console-1",
    "user": "zhangmin",
    "password": "secret",
}
VALID_POSITION = {
    "type": "position",
    "unit_id": "U-1",
    "at": "2026-11-30T01:31:05Z",
    "lon": 121.5,
    "lat": 31.2,
}
VALID_BATCH = {
    "type": "position_batch",
    "unit_ids": ["a", "b"],
    "at": ["2026-11-30T01:31:05Z", "2026-11-30T01:31:06Z"],
    "lons": [121.5, 121.6],
    "lats": [31.2, 31.3],
}


def _with(base: dict[str, Any], **changes: Any) -> bytes:
    frame = {**base, **changes}
    return json.dumps({k: v for k, v in frame.items() if v is not ...}).encode()


def _upload(data: bytes, content_type: str = "image/jpeg") -> bytes:
    return json.dumps(
        {
            "type": "upload_photo",
            "id": "u-1",
            "content_type": content_type,
            "data": base64.b64encode(data).decode(),
        }
    ).encode()


BAD_CLIENT_FRAMES: list[tuple[str, bytes | str, ErrorCode, str | None, str]] = [
    # (case, frame, code, field, words the message must contain)
    ("not json", b"{not json", ErrorCode.MALFORMED_FRAME, None, "not valid JSON"),
    ("empty", b"", ErrorCode.MALFORMED_FRAME, None, "not valid JSON"),
    ("truncated", b'{"type":"ping","id":"p-1"', ErrorCode.MALFORMED_FRAME, None, "JSON"),
    ("broken after a bad type", b'{"type":"fly", x', ErrorCode.MALFORMED_FRAME, None, "JSON"),
    ("invalid utf-8", b'{"type":"\xff"}', ErrorCode.MALFORMED_FRAME, None, "UTF-8"),
    ("lone surrogate", '{"type":"\ud800"}', ErrorCode.MALFORMED_FRAME, None, "Unicode"),
    ("array", b"[1, 2]", ErrorCode.MALFORMED_FRAME, None, "JSON object"),
    ("string", b'"hello"', ErrorCode.MALFORMED_FRAME, None, "JSON object"),
    ("no type", b'{"id": "c-1"}', ErrorCode.UNKNOWN_TYPE, None, "no `type`"),
    ("unknown type", b'{"type": "fly"}', ErrorCode.UNKNOWN_TYPE, None, "'fly'"),
    ("type not a string", b'{"type": 7}', ErrorCode.UNKNOWN_TYPE, None, "string"),
    ("server type", b'{"type": "welcome"}', ErrorCode.UNKNOWN_TYPE, None, "server message"),
    (
        "wrong field type",
        _with(VALID_COMMAND, case_id="5117"),
        ErrorCode.INVALID_FIELD,
        "$.case_id",
        "Expected `int`",
    ),
    (
        "missing field",
        _with(VALID_COMMAND, case_id=...),
        ErrorCode.INVALID_FIELD,
        "$.case_id",
        "missing required field `case_id`",
    ),
    (
        "missing field of a move",
        _with(VALID_COMMAND, move={"move": "void"}),
        ErrorCode.INVALID_FIELD,
        "$.move.reason",
        "`reason`",
    ),
    (
        "wrong type in a move",
        _with(VALID_COMMAND, move={"move": "urge", "level": "high", "message": "快"}),
        ErrorCode.INVALID_FIELD,
        "$.move.level",
        "Expected `int`",
    ),
    (
        "unknown move",
        _with(VALID_COMMAND, move={"move": "teleport"}),
        ErrorCode.INVALID_FIELD,
        "$.move.move",
        "'teleport'",
    ),
    (
        "unknown field",
        _with(VALID_COMMAND, expected_revison=3),
        ErrorCode.INVALID_FIELD,
        "$.expected_revison",
        "unknown field",
    ),
    ("case id zero", _with(VALID_COMMAND, case_id=0), ErrorCode.INVALID_FIELD, "$.case_id", ">="),
    ("empty id", _with(VALID_COMMAND, id=""), ErrorCode.INVALID_FIELD, "$.id", "length"),
    ("long id", _with(VALID_COMMAND, id="c" * 65), ErrorCode.INVALID_FIELD, "$.id", "length"),
    ("id with a space", _with(VALID_COMMAND, id="c 1"), ErrorCode.INVALID_FIELD, "$.id", "match"),
    (
        "naive time",
        _with(VALID_PING, sent_at="2026-11-30T09:31:05"),
        ErrorCode.INVALID_FIELD,
        "$.sent_at",
        "timezone",
    ),
    ("lon too big", _with(VALID_POSITION, lon=180.5), ErrorCode.INVALID_FIELD, "$.lon", "180"),
    ("lat too small", _with(VALID_POSITION, lat=-91), ErrorCode.INVALID_FIELD, "$.lat", "-90"),
    ("lon overflow", b'{"type":"position","lon":1e999}', ErrorCode.INVALID_FIELD, "$.lon", ""),
    (
        "heading 360",
        _with(VALID_POSITION, heading=360),
        ErrorCode.INVALID_FIELD,
        "$.heading",
        "360",
    ),
    (
        "report lon out of range",
        _with(
            {"type": "report", "id": "r-1"},
            report={
                "source": "patrol",
                "category": "E0102",
                "lon": 231.5,
                "lat": 31.2,
                "description": "垃圾",
            },
        ),
        ErrorCode.INVALID_FIELD,
        "$.report.lon",
        "longitude",
    ),
    (
        "report lat out of range",
        _with(
            {"type": "report", "id": "r-1"},
            report={
                "source": "patrol",
                "category": "E0102",
                "lon": 121.5,
                "lat": 131.2,
                "description": "垃圾",
            },
        ),
        ErrorCode.INVALID_FIELD,
        "$.report.lat",
        "latitude",
    ),
    (
        "batch of unequal lengths",
        _with(VALID_BATCH, lons=[121.5]),
        ErrorCode.INVALID_FIELD,
        "$.lons",
        "has 1 items; expected 2",
    ),
    (
        "batch of unequal optional array",
        _with(VALID_BATCH, headings=[1.0, 2.0, 3.0]),
        ErrorCode.INVALID_FIELD,
        "$.headings",
        "has 3 items",
    ),
    (
        "batch lat out of range",
        _with(VALID_BATCH, lats=[31.2, 95.0]),
        ErrorCode.INVALID_FIELD,
        "$.lats[1]",
        "90",
    ),
    (
        "hello with both secrets",
        _with(VALID_HELLO, token="tk"),
        ErrorCode.INVALID_FIELD,
        "$.password",
        "not both",
    ),
    (
        "hello with no secret",
        _with(VALID_HELLO, password=...),
        ErrorCode.INVALID_FIELD,
        "$.password",
        "required",
    ),
    (
        "hello of an unknown client kind",
        _with(VALID_HELLO, client_kind="toaster"),
        ErrorCode.INVALID_FIELD,
        "$.client_kind",
        "'toaster'",
    ),
    (
        "hello in version 2",
        _with(VALID_HELLO, protocol=2),
        ErrorCode.PROTOCOL_VERSION,
        "$.protocol",
        "version 2",
    ),
    (
        "hello in version 2 with new fields",
        _with(VALID_HELLO, protocol=2, compression="zstd"),
        ErrorCode.PROTOCOL_VERSION,
        "$.protocol",
        "version 2",
    ),
    (
        "track ending before it starts",
        _with(
            {"type": "query_track", "id": "q-1", "unit_id": "U-1"},
            start="2026-11-30T02:00:00Z",
            end="2026-11-30T01:00:00Z",
        ),
        ErrorCode.INVALID_FIELD,
        "$.end",
        "after `start`",
    ),
    (
        "evaluation of a reversed period",
        _with(
            {"type": "query_evaluation", "id": "q-1", "dimension": "street"},
            start="2026-11-30T02:00:00Z",
            end="2026-11-30T02:00:00Z",
        ),
        ErrorCode.INVALID_FIELD,
        "$.end",
        "after `start`",
    ),
    (
        "case counts of a reversed period",
        _with(
            {"type": "query_case_counts", "id": "q-1"},
            start="2026-11-30T02:00:00Z",
            end="2026-11-30T01:00:00Z",
        ),
        ErrorCode.INVALID_FIELD,
        "$.end",
        "after `start`",
    ),
    (
        "evaluation by an unknown dimension",
        _with(
            {"type": "query_evaluation", "id": "q-1", "dimension": "planet"},
            start="2026-11-01T00:00:00+08:00",
            end="2026-12-01T00:00:00+08:00",
        ),
        ErrorCode.INVALID_FIELD,
        "$.dimension",
        "'planet'",
    ),
    (
        "evaluation of one group, paged",
        _with(
            {"type": "query_evaluation", "id": "q-1", "dimension": "street", "key": "310115005"},
            start="2026-11-01T00:00:00+08:00",
            end="2026-12-01T00:00:00+08:00",
            after="310115004",
        ),
        ErrorCode.INVALID_FIELD,
        "$.after",
        "one `key`",
    ),
    (
        "query with a reversed period",
        _with(
            {"type": "query_cases", "id": "q-1"},
            reported_from="2026-11-30T02:00:00Z",
            reported_to="2026-11-30T01:00:00Z",
        ),
        ErrorCode.INVALID_FIELD,
        "$.reported_to",
        "after `reported_from`",
    ),
    (
        "page too large",
        _with({"type": "query_cases", "id": "q-1"}, limit=5000),
        ErrorCode.INVALID_FIELD,
        "$.limit",
        "<= 1000",
    ),
    (
        "unknown case state",
        _with({"type": "query_cases", "id": "q-1"}, states=["closed", "lost"]),
        ErrorCode.INVALID_FIELD,
        "$.states[1]",
        "'lost'",
    ),
    (
        "photo not like its type",
        _upload(PNG, "image/jpeg"),
        ErrorCode.INVALID_FIELD,
        "$.data",
        "image/jpeg",
    ),
    (
        "webp without WEBP",
        _upload(b"RIFF\x00\x00\x00\x00AVI ", "image/webp"),
        ErrorCode.INVALID_FIELD,
        "$.data",
        "webp",
    ),
    (
        "photo of no type",
        _upload(JPEG, "image/gif"),
        ErrorCode.INVALID_FIELD,
        "$.content_type",
        "gif",
    ),
    (
        "photo not base64",
        _with({"type": "upload_photo", "id": "u-1", "content_type": "image/jpeg"}, data="!!"),
        ErrorCode.INVALID_FIELD,
        "$.data",
        "base64",
    ),
]


@pytest.mark.parametrize(
    ("frame", "code", "field", "words"),
    [case[1:] for case in BAD_CLIENT_FRAMES],
    ids=[case[0] for case in BAD_CLIENT_FRAMES],
)
def test_bad_client_frame_gets_a_precise_error(
    frame: bytes | str, code: ErrorCode, field: str | None, words: str
) -> None:
    with pytest.raises(ProtocolError) as caught:
        decode_client(frame)
    assert caught.value.code is code
    assert caught.value.field == field
    assert words in caught.value.message


def test_invalid_field_error_answers_the_request_id() -> None:
    with pytest.raises(ProtocolError) as caught:
        decode_client(_with(VALID_COMMAND, id="c-77", move={"move": "void"}))
    error = error_for(caught.value)
    assert error.id == "c-77"
    assert error.code is ErrorCode.INVALID_FIELD
    assert error.details == {"field": "$.move.reason", "type": "command"}
    assert "command" in error.message


def test_unknown_type_error_names_the_type() -> None:
    with pytest.raises(ProtocolError) as caught:
        decode_client(b'{"type": "fly", "id": "x-1"}')
    error = error_for(caught.value)
    assert error.details == {"type": "fly"}
    assert error.id == "x-1"


def test_an_absurd_id_is_not_echoed() -> None:
    with pytest.raises(ProtocolError) as caught:
        decode_client(_with(VALID_COMMAND, id="c" * 10_000))
    assert caught.value.id is None


def test_protocol_version_error_lists_what_is_supported() -> None:
    with pytest.raises(ProtocolError) as caught:
        decode_client(_with(VALID_HELLO, protocol=2))
    error = error_for(caught.value)
    assert error.details["supported"] == [PROTOCOL_VERSION]
    assert error.code in CLOSES_CONNECTION


# --- frame size ------------------------------------------------------------------------


def test_oversized_frame_is_refused_before_parsing() -> None:
    # Not even JSON: were it parsed, the error would be malformed_frame.
    frame = b"x" * (MAX_PHOTO_FRAME_BYTES + 1)
    with pytest.raises(ProtocolError) as caught:
        decode_client(frame)
    assert caught.value.code is ErrorCode.FRAME_TOO_LARGE
    assert caught.value.details == {"size": len(frame), "limit": MAX_FRAME_BYTES}
    assert ErrorCode.FRAME_TOO_LARGE in CLOSES_CONNECTION


def test_frame_over_the_limit_is_too_large_unless_it_is_a_photo() -> None:
    padding = "x" * MAX_FRAME_BYTES
    frame = _with(VALID_COMMAND, id="c-9", move={"move": "accept", "note": padding})
    with pytest.raises(ProtocolError) as caught:
        decode_client(frame)
    assert caught.value.code is ErrorCode.FRAME_TOO_LARGE
    assert caught.value.id == "c-9"
    assert "upload_photo" in caught.value.message
    # Just under the limit is fine.
    small = _with(VALID_COMMAND, move={"move": "accept", "note": ""})
    fits = _with(
        VALID_COMMAND, move={"move": "accept", "note": "x" * (MAX_FRAME_BYTES - len(small))}
    )
    assert len(fits) == MAX_FRAME_BYTES
    assert isinstance(decode_client(fits), Command)


def test_non_ascii_text_frame_is_measured_in_utf8_bytes() -> None:
    note = "垃" * (MAX_FRAME_BYTES // 3)  # fewer characters than the limit, more bytes
    frame = json.dumps(
        {**VALID_COMMAND, "move": {"move": "accept", "note": note}}, ensure_ascii=False
    )
    assert len(frame) < MAX_FRAME_BYTES < len(frame.encode())
    with pytest.raises(ProtocolError) as caught:
        decode_client(frame)
    assert caught.value.code is ErrorCode.FRAME_TOO_LARGE


def test_photo_may_use_the_photo_limit() -> None:
    data = JPEG + bytes(MAX_PHOTO_BYTES - len(JPEG))
    frame = _upload(data)
    assert MAX_FRAME_BYTES < len(frame) <= MAX_PHOTO_FRAME_BYTES
    decoded = decode_client(frame)
    assert isinstance(decoded, UploadPhoto)
    assert decoded.data == data
    photo = PhotoResult(id="q-1", photo_id="ph-1", content_type="image/jpeg", data=data)
    assert decode_server(encode(photo)) == photo


def test_the_whole_demo_map_travels_in_one_large_frame() -> None:
    city = generate_demo_city()  # 5,000 cells, as a district's map
    frame = encode(MapResult(id="q-1", map=city))
    assert MAX_FRAME_BYTES < len(frame) <= MAX_PHOTO_FRAME_BYTES
    assert frame_limit(MapResult) == frame_limit("map_result") == MAX_PHOTO_FRAME_BYTES
    answer = decode_server(frame.decode("utf-8"))
    assert isinstance(answer, MapResult)
    assert answer.map == city
    assert answer.map.verify_version()


def test_a_client_may_not_send_a_large_frame_that_is_no_photo() -> None:
    # The map's allowance is the server's: a client frame that big is refused unread.
    frame = json.dumps({"type": "query_map", "id": "q-1", "pad": "x" * MAX_FRAME_BYTES})
    with pytest.raises(ProtocolError) as caught:
        decode_client(frame)
    assert caught.value.code is ErrorCode.FRAME_TOO_LARGE
    assert "only upload_photo may" in caught.value.message


def test_a_map_with_a_bad_code_format_is_an_invalid_field_not_a_crash() -> None:
    # The map's CodeFormat refuses itself with a domain error, which msgspec passes on.
    frame = _dict(MapResult(id="q-6", map=CITY))
    frame["map"]["code_format"]["lengths"] = [0, 3, 3, 2]
    with pytest.raises(ProtocolError) as caught:
        decode_server(json.dumps(frame))
    assert caught.value.code is ErrorCode.INVALID_FIELD
    assert caught.value.id == "q-6"
    assert "every segment needs at least 1 character" in caught.value.message


def test_photo_over_the_photo_limit_is_refused() -> None:
    with pytest.raises(ProtocolError) as caught:
        decode_client(_upload(JPEG + bytes(MAX_PHOTO_BYTES)))
    assert caught.value.code is ErrorCode.INVALID_FIELD
    assert caught.value.field == "$.data"


def test_encode_refuses_to_make_a_frame_the_peer_must_refuse() -> None:
    cases = [msgspec.structs.replace(CASE, id=i, description="垃" * 1000) for i in range(1, 400)]
    chunk = SnapshotChunk(
        snapshot_id="s", index=0, count=1, seq=1, cases=cases, catalogue_version="", map_version=""
    )
    with pytest.raises(ProtocolError) as caught:
        encode(chunk)
    assert caught.value.code is ErrorCode.FRAME_TOO_LARGE
    assert frame_limit(SnapshotChunk) == MAX_FRAME_BYTES
    assert frame_limit("upload_photo") == MAX_PHOTO_FRAME_BYTES


# --- invariants hold at construction too ------------------------------------------------


@pytest.mark.parametrize(
    "build",
    [
        lambda: PositionFrame(
            at=AT, unit_ids=["a"], lons=[1.0], lats=[1.0], headings=[], statuses=[]
        ),
        lambda: PositionBatch(unit_ids=["a"], at=[AT], lons=[], lats=[1.0]),
        lambda: TrackResult(id="q", unit_id="a", at=[AT], lons=[1.0], lats=[]),
        lambda: Hello(protocol=1, client_kind="console", client_id="c", user="u"),
        lambda: SnapshotChunk(
            snapshot_id="s", index=2, count=2, seq=0, catalogue_version="", map_version=""
        ),
        lambda: UploadPhoto(id="u", content_type="image/png", data=JPEG),
        lambda: Report(id="r", report=msgspec.structs.replace(REPORT, lat=-95.0)),
    ],
)
def test_server_cannot_build_a_message_its_peer_would_refuse(build: Callable[[], Any]) -> None:
    with pytest.raises(FieldError):
        build()


# --- bad frames from the server --------------------------------------------------------


def test_console_refuses_a_position_frame_of_unequal_arrays() -> None:
    frame = _dict(FRAME)
    frame["statuses"] = ["patrol"]
    with pytest.raises(ProtocolError) as caught:
        decode_server(json.dumps(frame))
    assert caught.value.code is ErrorCode.INVALID_FIELD
    assert caught.value.field == "$.statuses"


def test_console_refuses_client_messages_and_other_versions() -> None:
    with pytest.raises(ProtocolError) as caught:
        decode_server(encode(Bye()))
    assert caught.value.code is ErrorCode.UNKNOWN_TYPE
    assert "client message" in caught.value.message
    welcome = _dict(WELCOME)
    with pytest.raises(ProtocolError) as caught:
        decode_server(json.dumps({**welcome, "protocol": 2}))
    assert caught.value.code is ErrorCode.PROTOCOL_VERSION


def test_console_ignores_fields_a_newer_server_adds() -> None:
    ack = {**_dict(ACK), "added_in_a_later_release": True}
    assert decode_server(json.dumps(ack)) == ACK


def test_console_refuses_an_unknown_event_kind_precisely() -> None:
    event = _dict(UNIT_EVENT)
    event["body"]["kind"] = "weather_changed"
    with pytest.raises(ProtocolError) as caught:
        decode_server(json.dumps(event))
    assert caught.value.code is ErrorCode.INVALID_FIELD
    assert caught.value.field == "$.body.kind"


# --- errors to send --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("exc", "code"),
    [
        (IllegalMove("PD-1", "dispatched", "verify_pass", "not yet"), ErrorCode.ILLEGAL_MOVE),
        (NotPermitted("PD-1", "dispatched", "urge", "outside scope"), ErrorCode.NOT_PERMITTED),
        (InvalidInput("reason", "is required"), ErrorCode.INVALID_INPUT),
        (UnknownId("department", "XX"), ErrorCode.UNKNOWN_ID),
    ],
)
def test_domain_errors_keep_their_code_and_details(exc: DomainError, code: ErrorCode) -> None:
    error = error_for(exc, "c-1")
    assert (error.id, error.code, error.message) == ("c-1", code, exc.message)
    assert error.details == exc.details
    assert decode_server(encode(error)) == error


def test_a_domain_error_with_another_code_passes_through_when_the_protocol_knows_it() -> None:
    class ConflictError(DomainError):
        code = "conflict"

    error = error_for(ConflictError("case PD-1 is at revision 5", revision=5, seen=AT), "c-1")
    assert error.code is ErrorCode.CONFLICT
    assert error.details == {"revision": 5, "seen": "2026-11-30T01:31:05Z"}


def test_internal_failures_become_server_errors_that_reveal_nothing() -> None:
    leaky = RuntimeError("password hash for zhangmin is $argon2id$...")
    error = error_for(leaky, "c-1")
    assert error.code is ErrorCode.SERVER_ERROR
    assert error.message == DEFAULT_MESSAGES[ErrorCode.SERVER_ERROR]
    assert "argon2" not in encode(error).decode()
    bad_data = error_for(LoadError("/srv/grid/categories.csv", 3, "deadline", "bad"))
    assert bad_data.code is ErrorCode.SERVER_ERROR
    assert "/srv" not in encode(bad_data).decode()


def test_make_error_has_a_default_message_for_every_code() -> None:
    assert set(DEFAULT_MESSAGES) == set(ErrorCode)
    error = make_error(ErrorCode.SIGN_IN_FAILED)
    assert error.id is None
    assert "password" not in error.message  # never says which part was wrong
    conflict = make_error(ErrorCode.CONFLICT, id="c-1", revision=5)
    assert conflict.details == {"revision": 5}


# --- fuzzing: nothing but ProtocolError escapes ------------------------------------------

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5)
    ),
    max_leaves=25,
)
# Characters that make text look like JSON, plus lone surrogates (never valid UTF-8).
JSONISH = [*'{}[]":,\\ 0.e-typeid', "\ud800", "\udfff", "\u00e9", "垃"]
TAGS = [cls.__struct_config__.tag for cls in (*CLIENT_TYPES, *SERVER_TYPES)]
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _decodes_or_refuses(decode: Callable[[bytes | str], Message], frame: bytes | str) -> None:
    """Decode ``frame``; any exception but a ProtocolError fails the test by escaping."""
    refusal: ProtocolError | None = None
    try:
        decode(frame)
    except ProtocolError as exc:
        refusal = exc
    if refusal is not None:
        assert isinstance(refusal.code, ErrorCode)
        assert refusal.message
        encode(error_for(refusal))  # always turns into a sendable error


@FUZZ
@given(st.binary(max_size=200))
def test_fuzz_random_bytes(frame: bytes) -> None:
    _decodes_or_refuses(decode_client, frame)
    _decodes_or_refuses(decode_server, frame)


@FUZZ
@given(st.text(max_size=100) | st.text(st.sampled_from(JSONISH), max_size=40))
def test_fuzz_random_text(frame: str) -> None:
    _decodes_or_refuses(decode_client, frame)
    _decodes_or_refuses(decode_server, frame)


@FUZZ
@given(JSON_VALUES, st.sampled_from([None, *TAGS]))
def test_fuzz_random_json(value: Any, tag: str | None) -> None:
    if tag is not None and isinstance(value, dict):
        value = {**value, "type": tag}
    frame = json.dumps(value).encode()
    _decodes_or_refuses(decode_client, frame)
    _decodes_or_refuses(decode_server, frame)


def _mutate(value: Any, data: st.DataObject, depth: int = 0) -> Any:
    """Change one spot in a decoded frame: drop, replace or add a member, or recurse."""
    if isinstance(value, dict) and value:
        key = data.draw(st.sampled_from(sorted(value)))
        action = data.draw(st.sampled_from(["drop", "replace", "add", "recurse"]))
        mutated = dict(value)
        if action == "drop":
            del mutated[key]
        elif action == "replace":
            mutated[key] = data.draw(JSON_VALUES)
        elif action == "add":
            mutated[data.draw(st.text(max_size=8))] = data.draw(JSON_VALUES)
        else:
            mutated[key] = _mutate(value[key], data, depth + 1)
        return mutated
    if isinstance(value, list) and value:
        index = data.draw(st.integers(0, len(value) - 1))
        action = data.draw(st.sampled_from(["drop", "replace", "append", "recurse"]))
        mutated_list = list(value)
        if action == "drop":
            del mutated_list[index]
        elif action == "replace":
            mutated_list[index] = data.draw(JSON_VALUES)
        elif action == "append":
            mutated_list.append(data.draw(JSON_VALUES))
        else:
            mutated_list[index] = _mutate(value[index], data, depth + 1)
        return mutated_list
    return data.draw(JSON_VALUES)


@FUZZ
@given(st.sampled_from(CLIENT_SAMPLES + SERVER_SAMPLES), st.data())
def test_fuzz_mutated_valid_frames(message: Message, data: st.DataObject) -> None:
    frame = json.dumps(_mutate(_dict(message), data)).encode()
    _decodes_or_refuses(decode_client, frame)
    _decodes_or_refuses(decode_server, frame)


@FUZZ
@given(st.sampled_from(CLIENT_SAMPLES + SERVER_SAMPLES), st.data())
def test_fuzz_byte_level_damage(message: Message, data: st.DataObject) -> None:
    frame = bytearray(encode(message))
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(frame)))
        action = data.draw(st.sampled_from(["flip", "insert", "delete", "cut"]))
        if action == "flip" and at < len(frame):
            frame[at] ^= data.draw(st.integers(1, 255))
        elif action == "insert":
            frame[at:at] = data.draw(st.binary(min_size=1, max_size=4))
        elif action == "delete":
            del frame[at : at + data.draw(st.integers(1, 4))]
        else:
            del frame[at:]
    _decodes_or_refuses(decode_client, bytes(frame))
    _decodes_or_refuses(decode_server, bytes(frame))


# --- the published schema and the documentation ----------------------------------------


def test_schema_file_is_current() -> None:
    committed = (ROOT / SCHEMA_PATH).read_text(encoding="utf-8")
    assert committed == render_schema(), (
        "docs/protocol.schema.json is stale: run python scripts/gen_schema.py"
    )


def test_schema_names_the_version_and_every_message() -> None:
    schema = protocol_schema()
    assert schema["x-protocol-version"] == PROTOCOL_VERSION
    for union, types in (("ClientMessage", CLIENT_TYPES), ("ServerMessage", SERVER_TYPES)):
        mapping = schema["$defs"][union]["discriminator"]["mapping"]
        assert set(mapping) == {cls.__struct_config__.tag for cls in types}
    assert schema["$defs"]["Command"]["additionalProperties"] is False
    assert "additionalProperties" not in schema["$defs"]["Ack"]


DOC = (ROOT / "docs" / "protocol.md").read_text(encoding="utf-8")
DOC_EXAMPLES = re.findall(r"```json\n(.*?)\n```", DOC, flags=re.S)


def _contained(example: Any, actual: Any, path: str = "$") -> None:
    """Every member the example shows is what the encoder writes (it may write more)."""
    if isinstance(example, dict):
        assert isinstance(actual, dict), path
        for key, value in example.items():
            assert key in actual, f"{path}.{key} is not a field"
            _contained(value, actual[key], f"{path}.{key}")
    elif isinstance(example, list):
        assert isinstance(actual, list), path
        assert len(actual) == len(example), path
        for i, (a, b) in enumerate(zip(example, actual, strict=True)):
            _contained(a, b, f"{path}[{i}]")
    else:
        assert example == actual, f"{path}: {example!r} != {actual!r}"


def test_docs_have_a_worked_session() -> None:
    types = [json.loads(block).get("type") for block in DOC_EXAMPLES]
    for tag in ("hello", "welcome", "snapshot_chunk", "synced", "command", "event", "ack"):
        assert tag in types
    for tag in ("error", "position_frame", "goodbye"):
        assert tag in types
    assert types.count("hello") == 2  # sign-in and reconnect


@pytest.mark.parametrize("block", DOC_EXAMPLES, ids=lambda b: json.loads(b).get("type"))
def test_docs_example_decodes_and_matches_the_encoder(block: str) -> None:
    value = json.loads(block)
    decode = (
        decode_client
        if value["type"] in {c.__struct_config__.tag for c in CLIENT_TYPES}
        else decode_server
    )
    message = decode(block)
    _contained(value, json.loads(encode(message)))


def test_docs_table_lists_every_message_and_code() -> None:
    for cls in (*CLIENT_TYPES, *SERVER_TYPES):
        assert f"| `{cls.__struct_config__.tag}` |" in DOC, cls.__name__
    for code in ErrorCode:
        assert f"| `{code.value}` |" in DOC, code
    for kind in ("case_changed", "deadline_warning", "deadline_overdue", "unit_changed"):
        assert f"| `{kind}` |" in DOC
