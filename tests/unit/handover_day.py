"""A fixture day for the handover tests: the day shift of Monday 2026-11-30 in one street.

Every case is taken through the real workflow (and the deadline clock) at set times, so
its flags and history are what the server would have written:

=====================  =====================================================================
PD20261129-0031        reported the night before at 22:00, accepted: open, awaiting filing
PD20261130-0001 (A)    reported 09:00, handled and closed by 11:05: closed on time
PD20261130-0002 (B)    reported 10:00, returned twice by the department, dispatched again
PD20261130-0003 (C)    reported 11:00, dispatched 11:30, urged, overdue at 16:31
PD20261130-0004 (D)    reported 12:00, joint operation (comprehensive dispatch) at 17:00
PD20261130-0005 (E)    reported 19:30, urgent, acceptance warning at 19:39 (an open alarm)
=====================  =====================================================================

The packet is generated at 19:40.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from models.calendar import SHANGHAI
from models.case import Case, HistoryEntry, Location, Source
from models.catalogue import Urgency, load_catalogue
from models.deadlines import default_policy
from models.handover import Handover, HandoverPacket, build_packet, generate, observed_roster
from models.org import Actor, Role, Unit, UnitKind, UnitStatus
from models.shifts import Shift, default_schedule
from models.workflow import (
    Accept,
    AssignVerification,
    DepartmentAccept,
    DepartmentReturn,
    DispatchComprehensive,
    DispatchSingle,
    Feedback,
    File,
    Move,
    NewReport,
    Urge,
    VerifyPass,
    WorkflowContext,
    apply,
    check_deadline,
    open_case,
)

STREET = "310115005"
CATEGORY = "E0102"  # exposed garbage: HW, 4 working hours
CATALOGUE = load_catalogue()
POLICY = default_policy()
DEPARTMENT = CATALOGUE.category(CATEGORY).department


def local(day: int, hour: int, minute: int = 0) -> datetime:
    """A Shanghai wall-clock time in November/December 2026, as UTC."""
    month, day = (11, day) if day <= 30 else (12, day - 30)
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


GENERATED_AT = local(30, 19, 40)
SHIFT: Shift = default_schedule().shift("2026-11-30/day")

OPERATOR = Actor(user_id="zhangmin", role=Role.OPERATOR, name="张敏", terminal="console-3")
NIGHT_OPERATOR = Actor(user_id="lihua", role=Role.OPERATOR, name="李华", terminal="console-4")
FIELD = Actor(user_id="wangqiang", role=Role.FIELD, name="王强", terminal="handheld-7")
HANDLER = Actor(user_id="hw1", role=Role.DEPARTMENT, department=DEPARTMENT, terminal="dept")
SUPERVISOR = Actor(user_id="chenjing", role=Role.SUPERVISOR, name="陈静", terminal="console-1")
OUTGOING = Actor(user_id="zhaolei", role=Role.SUPERVISOR, name="赵磊", terminal="console-2")
INCOMING = Actor(user_id="sunli", role=Role.SUPERVISOR, name="孙丽", terminal="console-5")


@dataclass
class Track:
    """One case and its history as it is moved through the day."""

    case: Case
    history: list[HistoryEntry] = field(default_factory=list)

    def move(self, move: Move, actor: Actor, at: datetime) -> Track:
        ctx = WorkflowContext(actor=actor, at=at, policy=POLICY, catalogue=CATALOGUE)
        transition = apply(self.case, move, ctx)
        self.case = transition.case
        self.history.append(transition.entry)
        return self

    def clock(self, at: datetime) -> Track:
        transition = check_deadline(self.case, at, POLICY)
        assert transition is not None, f"nothing due on {self.case.number} at {at}"
        self.case = transition.case
        self.history.append(transition.entry)
        return self


def report(
    number: str,
    case_id: int,
    at: datetime,
    *,
    urgency: Urgency = Urgency.NORMAL,
    description: str = "绿化带内堆放生活垃圾",
    address: str = "浦东南路 1085 号",
) -> Track:
    new = NewReport(
        source=Source.PATROL,
        category=CATEGORY,
        urgency=urgency,
        lon=121.507,
        lat=31.238,
        address=address,
        description=description,
    )
    location = Location(lon=121.507, lat=31.238, address=address, street_code=STREET)
    ctx = WorkflowContext(actor=FIELD, at=at, policy=POLICY, catalogue=CATALOGUE)
    transition = open_case(new, case_id=case_id, number=number, location=location, ctx=ctx)
    return Track(transition.case, [transition.entry])


def _filed_and_dispatched(track: Track, at: datetime) -> Track:
    track.move(Accept(), OPERATOR, at + timedelta(minutes=5))
    track.move(File(), OPERATOR, at + timedelta(minutes=10))
    return track.move(DispatchSingle(), OPERATOR, at + timedelta(minutes=30))


def fixture_day() -> list[Track]:
    """The day's cases, in the order of the table above."""
    night = report("PD20261129-0031", 31, local(29, 22), description="人行道上有建筑垃圾")
    night.move(Accept(), NIGHT_OPERATOR, local(29, 22, 5))

    a = _filed_and_dispatched(report("PD20261130-0001", 101, local(30, 9)), local(30, 9))
    a.move(DepartmentAccept(), HANDLER, local(30, 9, 45))
    a.move(Feedback(result="已清运"), HANDLER, local(30, 10, 30))
    a.move(AssignVerification(verifier=FIELD.user_id), OPERATOR, local(30, 10, 35))
    a.move(VerifyPass(), FIELD, local(30, 11, 5))

    b = _filed_and_dispatched(report("PD20261130-0002", 102, local(30, 10)), local(30, 10))
    b.move(DepartmentReturn(reason="不属本单位"), HANDLER, local(30, 11))
    b.move(DispatchSingle(), OPERATOR, local(30, 11, 20))
    b.move(DepartmentReturn(reason="仍不属本单位"), HANDLER, local(30, 14))
    b.move(DispatchSingle(instructions="请协调处理"), OPERATOR, local(30, 15))

    c = _filed_and_dispatched(report("PD20261130-0003", 103, local(30, 11)), local(30, 11))
    c.move(DepartmentAccept(), HANDLER, local(30, 12))
    c.move(Urge(message="请加快处置"), SUPERVISOR, local(30, 15, 30))
    c.clock(local(30, 16)).clock(local(30, 16, 31))  # warning, then overdue at 16:30

    d = report("PD20261130-0004", 104, local(30, 12), description="群租整治需联合执法")
    d.move(Accept(), OPERATOR, local(30, 12, 5)).move(File(), OPERATOR, local(30, 12, 10))
    d.move(DispatchComprehensive(), OPERATOR, local(30, 17))

    e = report("PD20261130-0005", 105, local(30, 19, 30), urgency=Urgency.URGENT)
    e.clock(local(30, 19, 39))  # 80 % of the 10 acceptance minutes
    return [night, a, b, c, d, e]


def units() -> list[Unit]:
    """Five units of the street: three on patrol (one silent for an hour), one busy, one off."""

    def unit(ident: str, status: UnitStatus, last_fix: datetime) -> Unit:
        return Unit(
            unit_id=ident,
            callsign=ident,
            kind=UnitKind.PERSON,
            department="WGLQ",
            team_id="T-WGLQ-310115005",
            street_code=STREET,
            status=status,
            lon=121.5,
            lat=31.23,
            last_fix_at=last_fix,
        )

    fresh = GENERATED_AT - timedelta(seconds=20)
    return [
        unit("U-01", UnitStatus.PATROL, fresh),
        unit("U-02", UnitStatus.PATROL, fresh),
        unit("U-03", UnitStatus.PATROL, GENERATED_AT - timedelta(hours=1)),
        unit("U-04", UnitStatus.BUSY, fresh),
        unit("U-05", UnitStatus.OFF_DUTY, fresh),
    ]


def records(tracks: Sequence[Track]) -> list[tuple[Case, list[HistoryEntry]]]:
    return [(t.case, t.history) for t in tracks]


def fixture_packet() -> HandoverPacket:
    """The packet of the fixture day, generated at 19:40."""
    tracks = fixture_day()
    return build_packet([t.case for t in tracks], records(tracks), units(), SHIFT, GENERATED_AT)


def draft_handover() -> Handover:
    """The fixture day's handover, as the outgoing supervisor generated it."""
    packet = fixture_packet()
    roster = observed_roster(OUTGOING.user_id, packet, units())
    return generate(None, SHIFT, STREET, packet, roster, OUTGOING)
