"""The supervisor board's lists and loads on the handover fixture day (no Qt)."""

from __future__ import annotations

from datetime import timedelta

from msgspec.structs import replace

from console.shift_board import alarm_key, attention, operator_loads
from tests.unit.handover_day import GENERATED_AT, SHIFT, fixture_day, fixture_packet


def test_the_boards_lists_are_the_packets_lists() -> None:
    cases = [t.case for t in fixture_day()]
    packet = fixture_packet()
    now = attention(cases, SHIFT, GENERATED_AT)
    assert now.overdue == packet.overdue
    assert [line.number for line in now.overdue] == ["PD20261130-0003"]
    assert now.alarms == packet.alarms
    assert [a.case.number for a in now.alarms] == ["PD20261130-0005"]
    assert now.joint == packet.joint
    assert [line.number for line in now.joint] == ["PD20261130-0004"]
    assert [line.number for line in now.returned_twice] == ["PD20261130-0002"]
    assert (now.overdue_total, now.alarms_total, now.joint_total) == (1, 1, 1)


def test_an_acknowledged_alarm_leaves_the_list_until_its_step_changes() -> None:
    cases = [t.case for t in fixture_day()]
    alarm = attention(cases, SHIFT, GENERATED_AT).alarms[0]
    seen = {alarm_key(alarm.case)}
    after = attention(cases, SHIFT, GENERATED_AT, seen)
    assert after.alarms == ()
    assert (after.alarms_total, after.alarms_seen) == (0, 1)
    # The same case at its next step (another deadline) alarms again.
    later = [
        replace(c, step_deadline=c.step_deadline + timedelta(hours=1))
        if c.id == alarm.case.case_id and c.step_deadline is not None
        else c
        for c in cases
    ]
    again = attention(later, SHIFT, GENERATED_AT, seen)
    assert [a.case.number for a in again.alarms] == ["PD20261130-0005"]


def test_the_load_is_the_open_cases_a_user_holds() -> None:
    loads = operator_loads(t.case for t in fixture_day())
    # The operator issued the active orders of B, C and D; A is closed; the night case
    # and E wait at the desk, reported by the grid supervisor's terminal.
    assert loads == {"zhangmin": 3, "wangqiang": 2}
