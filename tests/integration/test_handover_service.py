"""The handover service on a real database: generate, submit, sign and return as numbered
events with audit rows, a signed handover that the database will not let change, search."""

from __future__ import annotations

from datetime import timedelta

import msgspec
import pytest
from sqlalchemy import func, select

from backend.services.cases import CaseService
from backend.services.errors import Conflict
from backend.services.handovers import HandoverService, store_handover
from backend.services.records import HandoverQuery
from backend.store.database import Database
from backend.store.orm import AuditRow, EventRow, HandoverRow, ShiftRow
from models.catalogue import Catalogue, Urgency
from models.cell_index import CellIndex
from models.deadlines import DeadlinePolicy
from models.errors import InvalidInput, UnknownId
from models.geography import CityMap
from models.handover import (
    Handover,
    HandoverNotes,
    HandoverNotPermitted,
    HandoverSigned,
    HandoverState,
    IllegalHandoverMove,
    ReminderLevel,
)
from models.org import Actor, Role, Unit, UnitKind, UnitStatus
from models.shifts import default_schedule
from models.workflow import Accept, DepartmentAccept, DepartmentReturn, DispatchSingle, File, Urge
from tests.integration.support import OPERATOR, SANITATION, START, ManualClock, new_report

OUTGOING = Actor(user_id="zhaolei", role=Role.SUPERVISOR, name="赵磊", terminal="console-2")
INCOMING = Actor(user_id="sunli", role=Role.SUPERVISOR, name="孙丽", terminal="console-5")
LEADER = Actor(user_id="boss", role=Role.LEADER, name="领导", terminal="console-9")
NOTES = HandoverNotes(staffing="夜班缺一人", equipment="2 号车送修", other="")
DAY = "2026-11-30/day"


class Centre:
    """A case service and a handover service over one database, on one manual clock."""

    def __init__(
        self,
        db: Database,
        catalogue: Catalogue,
        policy: DeadlinePolicy,
        city: CityMap,
        index: CellIndex,
    ) -> None:
        self.db = db
        self.city = city
        self.clock = ManualClock(START)  # Monday 09:00 in Shanghai: the day shift
        self.cases = CaseService(db, catalogue, policy, city, index, clock=self.clock)
        self.handovers = HandoverService(db, default_schedule(), clock=self.clock)

    def at(self, minutes: float) -> None:
        """Set the clock to ``minutes`` after 09:00."""
        self.clock.now = START + timedelta(minutes=minutes)

    def units(self) -> list[Unit]:
        street = self.city.cells[0].street_code
        return [
            Unit(
                unit_id=f"U-{i}",
                callsign=f"U-{i}",
                kind=UnitKind.PERSON,
                department="WGLQ",
                team_id="T-1",
                street_code=street,
                status=status,
                last_fix_at=self.clock(),
            )
            for i, status in enumerate((UnitStatus.PATROL, UnitStatus.BUSY, UnitStatus.OFF_DUTY))
        ]

    def handover(self, ident: str) -> Handover:
        with self.db.transaction() as conn:
            found = conn.execute(select(HandoverRow.data).where(HandoverRow.id == ident)).scalar()
        assert found is not None
        return found

    def rows(self) -> tuple[int, int]:
        with self.db.transaction() as conn:
            events = conn.execute(select(func.count()).select_from(EventRow)).scalar_one()
            audit = conn.execute(select(func.count()).select_from(AuditRow)).scalar_one()
        return events, audit


@pytest.fixture
def centre(
    db: Database, catalogue: Catalogue, policy: DeadlinePolicy, city: CityMap, cell_index: CellIndex
) -> Centre:
    return Centre(db, catalogue, policy, city, cell_index)


def a_busy_morning(centre: Centre) -> list[str]:
    """Three cases: one returned twice, one urged, one urgent and waiting; their numbers."""
    cells = centre.city.cells
    numbers = []
    for i, urgency in enumerate((Urgency.NORMAL, Urgency.NORMAL, Urgency.URGENT)):
        centre.at(i)
        report = msgspec.structs.replace(
            new_report(cells[i], description=f"垃圾 {i}"), urgency=urgency
        )
        event = centre.cases.report(report, OPERATOR)
        numbers.append(event.payload["case"]["number"])
        if urgency is Urgency.URGENT:
            continue
        case_id = event.case_id
        assert case_id is not None
        for minutes, move in ((5, Accept()), (10, File()), (15, DispatchSingle())):
            centre.at(i * 60 + minutes)
            centre.cases.move(case_id, move, OPERATOR)
        if i == 0:
            for minutes in (20, 30):
                centre.at(minutes)
                centre.cases.move(case_id, DepartmentReturn(reason="不属本单位"), SANITATION)
                centre.at(minutes + 5)
                centre.cases.move(case_id, DispatchSingle(), OPERATOR)
        else:
            centre.at(i * 60 + 20)
            centre.cases.move(case_id, DepartmentAccept(), SANITATION)
            centre.cases.move(case_id, Urge(message="请加快"), OPERATOR)
    return numbers


def test_generate_submit_sign_are_numbered_events_with_audit(centre: Centre) -> None:
    numbers = a_busy_morning(centre)
    events_before, audit_before = centre.rows()
    centre.at(10 * 60 + 50)  # 19:50
    generated = centre.handovers.generate(None, OUTGOING, centre.units())
    assert generated.kind == "handover.generate"
    assert generated.case_id is None
    assert generated.payload["kind"] == "handover_changed"
    handover = msgspec.convert(generated.payload["handover"], Handover)
    assert handover.id == f"310115/{DAY}"
    assert handover.state is HandoverState.DRAFT
    packet = handover.packet
    assert packet.open_total == 3
    assert packet.figures.received == 3
    assert (packet.figures.returned, packet.figures.urged) == (2, 1)
    assert {n.case.number for n in packet.notable} == set(numbers)
    assert packet.staffing.operators == (OPERATOR.user_id,)
    assert handover.roster.units == ("U-0", "U-1")
    assert centre.handover(handover.id) == handover

    centre.at(10 * 60 + 55)
    submitted = centre.handovers.submit(handover.id, NOTES, OUTGOING, expected_revision=1)
    centre.at(11 * 60 + 5)  # 20:05, the night shift has begun
    signed = centre.handovers.sign(handover.id, INCOMING, comment="接班", expected_revision=2)
    assert [e.seq for e in (generated, submitted, signed)] == [
        events_before + 1,
        events_before + 2,
        events_before + 3,
    ]
    assert centre.rows() == (events_before + 3, audit_before + 3)
    with centre.db.transaction() as conn:
        audit = conn.execute(
            select(AuditRow.action, AuditRow.actor_id, AuditRow.target)
            .where(AuditRow.event_seq > events_before)
            .order_by(AuditRow.id)
        ).all()
        shift = conn.execute(select(ShiftRow.start, ShiftRow.end)).one()
    assert [tuple(a) for a in audit] == [
        ("handover_generate", "zhaolei", f"handover {handover.id}"),
        ("handover_submit", "zhaolei", f"handover {handover.id}"),
        ("handover_sign", "sunli", f"handover {handover.id}"),
    ]
    assert tuple(shift) == (handover.shift.start, handover.shift.end)
    stored = centre.handover(handover.id)
    assert stored.state is HandoverState.SIGNED
    assert stored.notes == NOTES
    assert (stored.outgoing, stored.incoming) == ("zhaolei", "sunli")


def test_a_signed_handover_cannot_change_in_the_database(centre: Centre) -> None:
    centre.at(10 * 60 + 50)
    ident = msgspec.convert(
        centre.handovers.generate(None, OUTGOING, []).payload["handover"], Handover
    ).id
    centre.handovers.submit(ident, NOTES, OUTGOING)
    centre.at(11 * 60 + 5)
    centre.handovers.sign(ident, INCOMING)
    signed = centre.handover(ident)
    rows = centre.rows()

    centre.at(11 * 60 + 10)
    attempts = [
        lambda: centre.handovers.submit(ident, HandoverNotes(other="补充"), OUTGOING),
        lambda: centre.handovers.sign(ident, INCOMING),
        lambda: centre.handovers.send_back(ident, "重新填写", INCOMING),
        lambda: centre.handovers.generate(DAY, OUTGOING, []),
    ]
    for attempt in attempts:
        with pytest.raises(HandoverSigned, match="a signed handover is immutable"):
            attempt()
    # Even a caller that bypasses the model cannot overwrite the signed row.
    forged = msgspec.structs.replace(
        signed, state=HandoverState.DRAFT, notes=HandoverNotes(other="篡改"), revision=99
    )
    with pytest.raises(HandoverSigned), centre.db.transaction(write=True) as conn:
        store_handover(conn, forged, previous_revision=signed.revision)
    assert centre.handover(ident) == signed
    assert centre.rows() == rows


def test_send_back_then_resubmit_and_conflicts(centre: Centre) -> None:
    centre.at(10 * 60 + 50)
    ident = msgspec.convert(
        centre.handovers.generate(None, OUTGOING, []).payload["handover"], Handover
    ).id
    centre.handovers.submit(ident, NOTES, OUTGOING)
    centre.at(11 * 60)
    centre.handovers.send_back(ident, "设备情况写得不清楚", INCOMING, expected_revision=2)
    returned = centre.handover(ident)
    assert returned.state is HandoverState.RETURNED
    assert returned.comments == "设备情况写得不清楚"
    with pytest.raises(Conflict, match=r"handover .* changed meanwhile"):
        centre.handovers.submit(ident, NOTES, OUTGOING, expected_revision=2)
    # After 20:00 the day shift is the previous one: it can still be brought up to date.
    centre.handovers.generate(DAY, OUTGOING, [])
    better = HandoverNotes(staffing=NOTES.staffing, equipment="2 号车周三修好", other="")
    centre.handovers.submit(ident, better, OUTGOING, expected_revision=4)
    centre.handovers.sign(ident, INCOMING)
    final = centre.handover(ident)
    assert [e.move for e in final.log] == [
        "generate",
        "submit",
        "return",
        "generate",
        "submit",
        "sign",
    ]
    assert final.notes == better


def test_refusals_name_the_problem_and_write_nothing(centre: Centre) -> None:
    centre.at(10 * 60 + 50)
    rows = centre.rows()
    with pytest.raises(InvalidInput, match="neither the current shift"):
        centre.handovers.generate("2026-11-29/day", OUTGOING, [])
    with pytest.raises(InvalidInput, match="shift_id"):
        centre.handovers.generate("yesterday", OUTGOING, [])
    with pytest.raises(HandoverNotPermitted, match="role 'leader'"):
        centre.handovers.generate(None, LEADER, [])
    with pytest.raises(UnknownId):
        centre.handovers.submit("310115/2026-11-30/night", NOTES, OUTGOING)
    assert centre.rows() == rows
    ident = msgspec.convert(
        centre.handovers.generate(None, OUTGOING, []).payload["handover"], Handover
    ).id
    with pytest.raises(IllegalHandoverMove, match="only allowed in: submitted"):
        centre.handovers.sign(ident, INCOMING)
    centre.handovers.submit(ident, NOTES, OUTGOING)
    with pytest.raises(HandoverNotPermitted, match="incoming supervisor"):
        centre.handovers.sign(ident, OUTGOING)
    street = Actor(user_id="s1", role=Role.SUPERVISOR, scope="310115007")
    with pytest.raises(UnknownId):  # another scope's handover does not exist for this one
        centre.handovers.sign(ident, street)
    operator = Actor(user_id="op", role=Role.OPERATOR)
    with pytest.raises(HandoverNotPermitted, match="role 'operator'"):
        centre.handovers.get(ident, operator)


def test_search_by_shift_supervisor_and_text_in_pages(centre: Centre) -> None:
    # Six shifts, each handed over the next morning or evening and signed.
    ids = []
    for n in range(6):
        centre.at(n * 12 * 60 + 10 * 60 + 50)  # ten minutes before each shift ends
        supervisor = OUTGOING if n % 2 == 0 else INCOMING
        other = INCOMING if n % 2 == 0 else OUTGOING
        event = centre.handovers.generate(None, supervisor, [])
        ident = msgspec.convert(event.payload["handover"], Handover).id
        notes = HandoverNotes(equipment="大屏故障" if n == 3 else "正常")
        centre.handovers.submit(ident, notes, supervisor)
        centre.handovers.sign(ident, other)
        ids.append(ident)
    assert ids[1] == f"310115/{DAY.replace('day', 'night')}"

    first = centre.handovers.search(HandoverQuery(limit=4), LEADER)
    assert [h.id for h in first.handovers] == ids[::-1][:4]
    assert first.next_cursor is not None
    rest = centre.handovers.search(HandoverQuery(limit=4, cursor=first.next_cursor), LEADER)
    assert [h.id for h in rest.handovers] == ids[::-1][4:]
    assert rest.next_cursor is None
    with pytest.raises(InvalidInput, match="other filters"):
        centre.handovers.search(HandoverQuery(text="正常", cursor=first.next_cursor), LEADER)

    found = centre.handovers.search(HandoverQuery(text="大屏"), LEADER)
    assert [h.id for h in found.handovers] == [ids[3]]
    by_shift = centre.handovers.search(HandoverQuery(shift_id=DAY), LEADER)
    assert [h.id for h in by_shift.handovers] == [ids[0]]
    mine = centre.handovers.search(HandoverQuery(supervisor="zhaolei"), LEADER)
    assert len(mine.handovers) == 6  # outgoing on half, incoming on the other half
    street = Actor(user_id="s1", role=Role.LEADER, scope="310115007")
    assert centre.handovers.search(HandoverQuery(), street).handovers == ()


def test_shift_status_names_the_shift_and_the_reminder_due(centre: Centre) -> None:
    centre.at(10 * 60 + 50)
    ident = msgspec.convert(
        centre.handovers.generate(None, OUTGOING, []).payload["handover"], Handover
    ).id
    centre.at(11 * 60 + 35)  # 20:35: the day handover is 35 minutes late
    status = centre.handovers.shift_status(LEADER)
    assert status.shift.id == "2026-11-30/night"
    assert status.previous.id == DAY
    assert status.next.id == "2026-12-01/day"
    assert status.handover is None
    assert status.previous_handover is not None
    assert status.previous_handover.id == ident
    assert status.reminder is ReminderLevel.REMIND_AGAIN
    assert status.reminder_minutes == (10, 30, 60)
