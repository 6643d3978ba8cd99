"""The handover packet of a fixture day, the submit/sign/return flows, immutability once
signed, and the escalating reminders."""

from __future__ import annotations

from datetime import timedelta

import msgspec
import pytest

from models.case import CaseState
from models.catalogue import Urgency
from models.errors import InvalidInput
from models.evaluation import Ratio
from models.handover import (
    MAX_LINES,
    CaseLine,
    Handover,
    HandoverNotes,
    HandoverNotPermitted,
    HandoverPacket,
    HandoverSigned,
    HandoverState,
    IllegalHandoverMove,
    NotableReason,
    ReminderLevel,
    build_packet,
    generate,
    reminder_level,
    return_handover,
    sign,
    submit,
)
from models.org import Actor, Role, UnitStatus
from models.shifts import default_schedule
from tests.unit.handover_day import (
    GENERATED_AT,
    INCOMING,
    OPERATOR,
    OUTGOING,
    SHIFT,
    STREET,
    draft_handover,
    fixture_packet,
    local,
    records,
    report,
)

NOTES = HandoverNotes(
    staffing="U-05 病假，夜班由 U-06 顶岗", equipment="3 号大屏闪烁，已报修", other="注意 C 案督办"
)


def packet() -> HandoverPacket:
    return fixture_packet()


def draft() -> Handover:
    return draft_handover()


def numbers(lines: tuple[CaseLine, ...]) -> list[str]:
    return [line.number for line in lines]


def test_the_packet_of_the_fixture_day() -> None:
    p = packet()
    assert p.generated_at == GENERATED_AT
    figures = p.figures
    assert (figures.received, figures.filed, figures.dispatched, figures.closed) == (5, 4, 4, 1)
    # Due for handling: A (handled on time) and C (overdue, pending); B and D are due tomorrow.
    assert figures.on_time == Ratio(1, 2)
    assert (figures.overdue, figures.returned, figures.urged) == (1, 2, 1)
    assert p.open_by_state == {
        CaseState.AWAITING_ACCEPTANCE: 1,
        CaseState.AWAITING_FILING: 1,
        CaseState.DISPATCHED: 2,
        CaseState.IN_PROGRESS: 1,
    }
    assert p.open_total == 5
    assert numbers(p.overdue) == ["PD20261130-0003"]
    assert p.overdue[0].department == "HW"
    assert p.overdue[0].deadline == local(30, 16, 30)
    assert numbers(p.joint) == ["PD20261130-0004"]
    assert [(n.case.number, n.reasons) for n in p.notable] == [
        ("PD20261130-0002", (NotableReason.RETURNED_TWICE,)),
        ("PD20261130-0003", (NotableReason.SUPERVISED,)),
        ("PD20261130-0005", (NotableReason.URGENT,)),
    ]
    assert [(a.case.number, a.step) for a in p.alarms] == [("PD20261130-0005", "acceptance")]
    assert p.staffing.units_by_status == {
        UnitStatus.PATROL: 3,
        UnitStatus.BUSY: 1,
        UnitStatus.OFF_DUTY: 1,
    }
    assert (p.staffing.on_duty, p.staffing.stale) == (4, 1)
    # The night operator who accepted the old case worked the shift before, not this one.
    assert p.staffing.operators == (OPERATOR.user_id,)
    assert "PD20261130-0001" not in p.case_numbers()  # closed: nothing to hand over


def test_the_packet_travels_as_json_unchanged() -> None:
    handover = draft()
    again = msgspec.json.decode(msgspec.json.encode(handover), type=Handover)
    assert again == handover


def test_long_lists_are_cut_and_say_how_many_there_are() -> None:
    tracks = [
        report(f"PD20261130-{n:04d}", n, local(30, 9), urgency=Urgency.URGENT)
        for n in range(1, MAX_LINES + 6)
    ]
    p = build_packet([t.case for t in tracks], records(tracks), [], SHIFT, GENERATED_AT)
    assert len(p.notable) == MAX_LINES
    assert p.notable_total == MAX_LINES + 5
    assert p.figures.received == MAX_LINES + 5


def test_submit_then_sign_makes_an_immutable_record() -> None:
    handover = draft()
    assert handover.state is HandoverState.DRAFT
    assert handover.id == f"{STREET}/2026-11-30/day"
    assert handover.roster.units == ("U-01", "U-02", "U-03", "U-04")
    submitted = submit(handover, NOTES, OUTGOING, local(30, 19, 50))
    assert submitted.state is HandoverState.SUBMITTED
    assert submitted.notes == NOTES
    assert submitted.revision == handover.revision + 1
    assert handover.state is HandoverState.DRAFT  # values: the old one is untouched
    signed = sign(submitted, INCOMING, local(30, 20, 5), comment="已阅，接班")
    assert signed.state is HandoverState.SIGNED
    assert (signed.outgoing, signed.incoming) == ("zhaolei", "sunli")
    assert signed.signed_at == local(30, 20, 5)
    assert [e.move for e in signed.log] == ["generate", "submit", "sign"]
    assert signed.log[-1].comment == "已阅，接班"


def test_a_returned_handover_is_regenerated_and_resubmitted() -> None:
    submitted = submit(draft(), NOTES, OUTGOING, local(30, 19, 50))
    returned = return_handover(submitted, "超期案件未写明原因，请补充", INCOMING, local(30, 20, 2))
    assert returned.state is HandoverState.RETURNED
    assert returned.comments == "超期案件未写明原因，请补充"
    refreshed = generate(returned, SHIFT, STREET, packet(), returned.roster, OUTGOING)
    assert refreshed.state is HandoverState.RETURNED
    assert refreshed.notes == NOTES  # the notes survive a regeneration
    better = HandoverNotes(
        staffing=NOTES.staffing, equipment=NOTES.equipment, other="C 案已电话催办"
    )
    resubmitted = submit(refreshed, better, OUTGOING, local(30, 20, 10))
    assert resubmitted.state is HandoverState.SUBMITTED
    again = return_handover(resubmitted, "仍缺设备说明", INCOMING, local(30, 20, 15))
    assert again.return_count == 2
    final = sign(submit(again, better, OUTGOING, local(30, 20, 20)), INCOMING, local(30, 20, 25))
    assert [e.move for e in final.log] == [
        "generate",
        "submit",
        "return",
        "generate",
        "submit",
        "return",
        "submit",
        "sign",
    ]
    assert final.comments == "仍缺设备说明"  # the last comments stay on record


def test_every_change_to_a_signed_handover_is_refused() -> None:
    signed = sign(submit(draft(), NOTES, OUTGOING, local(30, 19, 50)), INCOMING, local(30, 20, 5))
    attempts = [
        lambda: submit(signed, HandoverNotes(other="改一下"), OUTGOING, local(30, 21)),
        lambda: sign(signed, INCOMING, local(30, 21)),
        lambda: return_handover(signed, "重来", INCOMING, local(30, 21)),
        lambda: generate(signed, SHIFT, STREET, packet(), signed.roster, OUTGOING),
    ]
    for attempt in attempts:
        with pytest.raises(HandoverSigned) as raised:
            attempt()
        assert raised.value.code == "illegal_move"
        assert "a signed handover is immutable" in str(raised.value)
        assert signed.id in str(raised.value)


def test_moves_out_of_order_or_by_the_wrong_person_are_refused() -> None:
    handover = draft()
    with pytest.raises(IllegalHandoverMove, match="only allowed in: submitted"):
        sign(handover, INCOMING, local(30, 20))
    submitted = submit(handover, NOTES, OUTGOING, local(30, 19, 50))
    with pytest.raises(IllegalHandoverMove, match="only allowed in: draft, returned"):
        submit(submitted, NOTES, OUTGOING, local(30, 19, 55))
    with pytest.raises(HandoverNotPermitted, match="incoming supervisor"):
        sign(submitted, OUTGOING, local(30, 20))
    leader = Actor(user_id="boss", role=Role.LEADER, name="领导")
    with pytest.raises(HandoverNotPermitted, match="role 'leader'") as raised:
        sign(submitted, leader, local(30, 20))
    assert raised.value.code == "not_permitted"
    other_street = Actor(user_id="sup9", role=Role.SUPERVISOR, scope="310115007")
    with pytest.raises(HandoverNotPermitted, match="outside scope 310115007"):
        sign(submitted, other_street, local(30, 20))
    with pytest.raises(InvalidInput, match="comments"):
        return_handover(submitted, "   ", INCOMING, local(30, 20))
    with pytest.raises(InvalidInput, match=r"notes\.other"):
        submit(handover, HandoverNotes(other="长" * 2001), OUTGOING, local(30, 19, 50))


def test_an_unsigned_handover_raises_escalating_reminders() -> None:
    end = SHIFT.end
    minutes = default_schedule().reminder_minutes
    handover = submit(draft(), NOTES, OUTGOING, local(30, 19, 50))
    expected = [
        (timedelta(minutes=-5), ReminderLevel.NONE),
        (timedelta(minutes=9, seconds=59), ReminderLevel.NONE),
        (timedelta(minutes=10), ReminderLevel.REMIND),
        (timedelta(minutes=30), ReminderLevel.REMIND_AGAIN),
        (timedelta(minutes=60), ReminderLevel.ESCALATE),
        (timedelta(hours=5), ReminderLevel.ESCALATE),
    ]
    for late, level in expected:
        assert reminder_level(handover, SHIFT, end + late, minutes) is level, late
    # No handover generated at all is as late as an unsigned one.
    assert reminder_level(None, SHIFT, end + timedelta(minutes=31), minutes) is (
        ReminderLevel.REMIND_AGAIN
    )
    signed = sign(handover, INCOMING, end + timedelta(minutes=45))
    assert reminder_level(signed, SHIFT, end + timedelta(hours=2), minutes) is ReminderLevel.NONE
