"""The shift schedule: boundaries across midnight, ids, neighbours, and its data file."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from models.calendar import SHANGHAI
from models.errors import InvalidInput, LoadError
from models.shifts import ShiftKind, ShiftSchedule, default_schedule, load_schedule

SCHEDULE = default_schedule()


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.mark.parametrize(
    ("instant", "shift_id"),
    [
        ("2026-11-30T07:59:59.999999+08:00", "2026-11-29/night"),
        ("2026-11-30T08:00:00+08:00", "2026-11-30/day"),
        ("2026-11-30T19:59:59+08:00", "2026-11-30/day"),
        ("2026-11-30T20:00:00+08:00", "2026-11-30/night"),
        ("2026-11-30T23:59:59+08:00", "2026-11-30/night"),
        ("2026-12-01T00:00:00+08:00", "2026-11-30/night"),  # past midnight: still that night
        ("2026-12-01T07:59:00+08:00", "2026-11-30/night"),
        ("2026-12-31T21:00:00+08:00", "2026-12-31/night"),  # the night that ends the year
        ("2027-01-01T03:00:00+08:00", "2026-12-31/night"),
        ("2026-11-30T16:30:00Z", "2026-11-30/night"),  # 00:30 in Shanghai, given in UTC
    ],
)
def test_an_instant_falls_in_the_shift_the_centre_would_name(instant: str, shift_id: str) -> None:
    assert SCHEDULE.shift_at(at(instant)).id == shift_id


def test_the_night_shift_runs_twelve_hours_across_midnight() -> None:
    night = SCHEDULE.shift("2026-11-30/night")
    assert night.local_start == at("2026-11-30T20:00:00+08:00")
    assert night.local_end == at("2026-12-01T08:00:00+08:00")
    assert night.end - night.start == timedelta(hours=12)
    assert night.start.tzinfo == UTC
    assert (night.name_zh, night.name_en) == ("夜班", "Night shift")
    assert at("2026-12-01T07:59:59+08:00") in night
    assert at("2026-12-01T08:00:00+08:00") not in night


def test_shifts_follow_each_other_without_a_gap() -> None:
    shift = SCHEDULE.shift_at(at("2026-11-28T12:00:00+08:00"))
    for _ in range(10):
        following = SCHEDULE.next_shift(shift)
        assert following.start == shift.end
        assert SCHEDULE.previous_shift(following) == shift
        shift = following
    assert shift.id == "2026-12-03/day"


def test_a_zone_with_daylight_saving_time_gets_a_longer_night_and_no_gap() -> None:
    berlin = ShiftSchedule(
        kinds=(ShiftKind("day", time(8)), ShiftKind("night", time(20))),
        zone=ZoneInfo("Europe/Berlin"),
    )
    night = berlin.shift("2026-10-24/night")  # clocks go back at 03:00 on the 25th
    assert night.end - night.start == timedelta(hours=13)
    assert berlin.next_shift(night).start == night.end
    assert berlin.shift_at(at("2026-10-25T02:30:00+01:00")).id == "2026-10-24/night"


def test_bad_shift_ids_are_refused_by_name() -> None:
    for bad in ("2026-11-30", "2026-11-31/day", "2026-11-30/evening", "night/2026-11-30"):
        with pytest.raises(InvalidInput) as raised:
            SCHEDULE.shift(bad)
        assert raised.value.field in ("shift_id", "shift")
    with pytest.raises(InvalidInput, match="no time zone"):
        SCHEDULE.shift_at(datetime(2026, 11, 30, 9))


def test_the_shipped_file_is_the_default_schedule() -> None:
    assert [(k.name, k.start) for k in SCHEDULE.kinds] == [("day", time(8)), ("night", time(20))]
    assert SCHEDULE.zone == SHANGHAI
    assert SCHEDULE.reminder_minutes == (10, 30, 60)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "schedule.toml"
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """
zone = "Asia/Shanghai"
[[shifts]]
name = "day"
start = "08:00"
end = "20:00"
[[shifts]]
name = "night"
start = "20:00"
end = "08:00"
"""


def test_a_three_shift_schedule_loads(tmp_path: Path) -> None:
    text = """
zone = "Asia/Shanghai"
reminder_minutes = [5, 15]
[[shifts]]
name = "early"
start = "00:00"
end = "08:00"
[[shifts]]
name = "late"
start = "16:00"
end = "00:00"
[[shifts]]
name = "middle"
start = "08:00"
end = "16:00"
"""
    schedule = load_schedule(write(tmp_path, text))
    assert [k.name for k in schedule.kinds] == ["early", "middle", "late"]
    assert schedule.shift_at(at("2026-11-30T23:00:00+08:00")).id == "2026-11-30/late"
    assert schedule.shift_at(at("2026-12-01T00:00:00+08:00")).id == "2026-12-01/early"
    assert schedule.reminder_minutes == (5, 15)


@pytest.mark.parametrize(
    ("change", "row", "field", "problem"),
    [
        (('end = "20:00"', 'end = "19:00"'), 1, "shifts.end", "leaves a gap before night"),
        (('end = "20:00"', 'end = "21:00"'), 1, "shifts.end", "overlaps night"),
        (('start = "20:00"', 'start = "25:00"'), 2, "shifts.start", "not a time of day"),
        (('name = "night"', 'name = "Night shift"'), 2, "shifts.name", "is not 1-16"),
        (('name = "night"', 'name = "day"'), 2, "shifts.name", "repeats entry 1"),
        (('name = "night"', 'name = "night"\nlength = 12'), 2, "shifts.length", "unknown field"),
        (('zone = "Asia/Shanghai"', 'zone = "Asia/Pudong"'), None, "zone", "unknown time zone"),
        (('zone = "Asia/Shanghai"', "reminder_minutes = [30, 10]"), None, "reminder_minutes", ""),
    ],
)
def test_a_bad_schedule_file_names_file_entry_and_field(
    tmp_path: Path, change: tuple[str, str], row: int | None, field: str, problem: str
) -> None:
    old, new = change
    second = GOOD.index("[[shifts]]", GOOD.index("[[shifts]]") + 1)
    head, tail = (GOOD[:second], GOOD[second:]) if row == 2 else ("", GOOD)
    text = head + tail.replace(old, new, 1)
    path = write(tmp_path, text)
    with pytest.raises(LoadError) as raised:
        load_schedule(path)
    error = raised.value
    assert error.file == str(path)
    assert (error.row, error.field) == (row, field)
    assert problem in error.problem
    assert str(path) in str(error)


def test_an_unreadable_or_invalid_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="cannot read"):
        load_schedule(tmp_path / "missing.toml")
    with pytest.raises(LoadError, match="not valid TOML"):
        load_schedule(write(tmp_path, "[[shifts]\n"))
    with pytest.raises(LoadError, match="at least one"):
        load_schedule(write(tmp_path, 'zone = "Asia/Shanghai"\n'))
