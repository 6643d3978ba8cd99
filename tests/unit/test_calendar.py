"""The working calendar: shipped holiday data, hand examples, properties and file checks.

Properties are checked against a deliberately naive day-by-day reference, so that the
week-skipping fast path of the calendar is compared with something that cannot share its
bugs.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.calendar import (
    DEFAULT_DAY,
    SHANGHAI,
    WorkCalendar,
    WorkPeriod,
    default_calendar,
    load_calendar,
)
from models.errors import InvalidInput, LoadError

SH = SHANGHAI
CAL = default_calendar()
HOUR = timedelta(hours=1)
MICRO = timedelta(microseconds=1)
ZERO = timedelta(0)
PROPERTY = settings(max_examples=200, deadline=None)


def sh(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SH)


# -- an independent reference ------------------------------------------------------------


def ref_intervals(cal: WorkCalendar, d: date) -> Iterator[tuple[datetime, datetime]]:
    if d in cal.holidays:
        periods: tuple[WorkPeriod, ...] = ()
    elif d in cal.makeup_days:
        periods = cal.week[cal.makeup_weekday]
    else:
        periods = cal.week[d.weekday()]
    for p in periods:
        yield (
            datetime.combine(d, p.start, tzinfo=cal.zone).astimezone(UTC),
            datetime.combine(d, p.end, tzinfo=cal.zone).astimezone(UTC),
        )


def ref_between(cal: WorkCalendar, a: datetime, b: datetime) -> timedelta:
    total = ZERO
    d = a.astimezone(cal.zone).date() - timedelta(days=1)
    last = b.astimezone(cal.zone).date() + timedelta(days=1)
    while d <= last:
        for s, e in ref_intervals(cal, d):
            total += max(ZERO, min(e, b) - max(s, a))
        d += timedelta(days=1)
    return total


def ref_is_working(cal: WorkCalendar, t: datetime) -> bool:
    d = t.astimezone(cal.zone).date()
    return any(s <= t < e for s, e in ref_intervals(cal, d))


# -- strategies ----------------------------------------------------------------------------

FIRST, LAST = date(2024, 12, 20), date(2026, 12, 20)
EDGES = [
    time(0),
    time(8, 29, 59, 999999),
    time(8, 30),
    time(10),
    time(11, 59, 59, 999999),
    time(12),
    time(12, 30),
    time(13),
    time(17, 29),
    time(17, 30),
    time(23),
]
SPECIAL_DAYS = sorted(CAL.holidays | CAL.makeup_days)


def _at(d: date, t: time, zone: ZoneInfo = SH) -> datetime:
    return datetime.combine(d, t, tzinfo=zone)


def instants(
    zone: ZoneInfo = SH, special: list[date] = SPECIAL_DAYS
) -> st.SearchStrategy[datetime]:
    """Instants anywhere, on period edges, and around holidays and make-up days."""
    anywhere = st.datetimes(
        min_value=datetime.combine(FIRST, time()),
        max_value=datetime.combine(LAST, time()),
        timezones=st.just(zone),
    )
    on_edge = st.builds(lambda d, t: _at(d, t, zone), st.dates(FIRST, LAST), st.sampled_from(EDGES))
    near_special = st.builds(
        lambda d, off, t: _at(d + timedelta(days=off), t, zone),
        st.sampled_from(special),
        st.integers(-3, 3),
        st.one_of(st.sampled_from(EDGES), st.times()),
    )
    base = st.one_of(anywhere, on_edge, near_special)
    # The same instants written in UTC must give the same answers.
    return st.one_of(base, base.map(lambda t: t.astimezone(UTC)))


durations = st.one_of(
    st.timedeltas(min_value=ZERO, max_value=timedelta(hours=8 * 25)),
    st.integers(0, 8 * 25 * 2).map(lambda n: n * timedelta(minutes=30)),
)
positive_durations = durations.filter(lambda d: d > ZERO)


# -- the shipped calendar ------------------------------------------------------------------


def test_shipped_calendar_holds_2025_and_2026_holidays_and_makeup_days() -> None:
    assert CAL.zone == SH
    assert CAL.holiday_years == frozenset({2025, 2026})
    assert len(CAL.holidays) == 28 + 33
    for d in [date(2025, 1, 1), date(2025, 1, 28), date(2025, 2, 4), date(2025, 10, 8)]:
        assert d in CAL.holidays
    for d in [date(2026, 1, 3), date(2026, 2, 15), date(2026, 2, 23), date(2026, 10, 7)]:
        assert d in CAL.holidays
    assert CAL.makeup_days == {
        date(2025, 1, 26),
        date(2025, 2, 8),
        date(2025, 4, 27),
        date(2025, 9, 28),
        date(2025, 10, 11),
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
    }
    assert all(d.weekday() >= 5 for d in CAL.makeup_days)
    assert CAL.standard_day_length == 8 * HOUR
    assert CAL.has_holiday_data(date(2026, 12, 31))
    assert not CAL.has_holiday_data(date(2027, 1, 1))


@pytest.mark.parametrize("year", [2025, 2026])
def test_each_year_has_248_working_days(year: int) -> None:
    span = CAL.working_between(sh(year, 1, 1), sh(year + 1, 1, 1))
    assert span == 248 * 8 * HOUR


def test_default_calendar_is_cached_and_equals_the_file() -> None:
    assert default_calendar() is CAL
    path = Path(__file__).parents[2] / "resources" / "calendar" / "shanghai.toml"
    assert load_calendar(path) == CAL


# -- hand examples ---------------------------------------------------------------------------


def test_period_is_half_open() -> None:
    assert not CAL.is_working(sh(2025, 3, 17, 8, 29))
    assert CAL.is_working(sh(2025, 3, 17, 8, 30))
    assert CAL.is_working(sh(2025, 3, 17, 12) - MICRO)
    assert not CAL.is_working(sh(2025, 3, 17, 12))
    assert CAL.is_working(sh(2025, 3, 17, 13))
    assert not CAL.is_working(sh(2025, 3, 17, 17, 30))
    assert not CAL.is_working(sh(2025, 3, 15, 10))  # Saturday
    assert not CAL.is_working(sh(2025, 10, 1, 10))  # National Day
    assert CAL.is_working(sh(2025, 10, 11, 10))  # make-up Saturday
    assert CAL.is_working(datetime(2025, 3, 17, 2, tzinfo=UTC))  # 10:00 in Shanghai


@pytest.mark.parametrize(
    ("t", "expected"),
    [
        (sh(2025, 3, 17, 9), sh(2025, 3, 17, 9)),
        (sh(2025, 3, 17, 12), sh(2025, 3, 17, 13)),
        (sh(2025, 3, 14, 17, 30), sh(2025, 3, 17, 8, 30)),
        (sh(2025, 9, 30, 23), sh(2025, 10, 9, 8, 30)),
        (sh(2025, 9, 27, 9), sh(2025, 9, 28, 8, 30)),  # Saturday → make-up Sunday
        (sh(2026, 2, 14, 18), sh(2026, 2, 24, 8, 30)),  # after the make-up day, Spring Festival
    ],
)
def test_next_working_instant(t: datetime, expected: datetime) -> None:
    result = CAL.next_working_instant(t)
    assert result == expected
    assert result.tzinfo is UTC


@pytest.mark.parametrize(
    ("start", "hours", "expected"),
    [
        # Friday 16:00: 1.5 h on Friday, 2.5 h from Monday 08:30 → 11:00 (08:30 start, not 09:00).
        (sh(2025, 3, 14, 16), 4, sh(2025, 3, 17, 11)),
        # An amount ending exactly at a period's end gives that end, not the next start.
        (sh(2025, 3, 17, 8, 30), 3.5, sh(2025, 3, 17, 12)),
        (sh(2025, 3, 17, 9), 8, sh(2025, 3, 18, 9)),
        (sh(2025, 3, 14, 13), 4.5, sh(2025, 3, 14, 17, 30)),
        (sh(2025, 3, 17, 12), 1, sh(2025, 3, 17, 14)),
        (sh(2025, 3, 17, 12, 30), 1, sh(2025, 3, 17, 14)),
        (sh(2025, 3, 14, 17, 30), 0.5, sh(2025, 3, 17, 9)),
        # Reported at 23:00 on the eve of National Day: counting starts on 9 October.
        (sh(2025, 9, 30, 23), 4, sh(2025, 10, 9, 13, 30)),
        (sh(2026, 9, 30, 23), 4, sh(2026, 10, 8, 13, 30)),
        # The make-up Saturday 11 October 2025 counts.
        (sh(2025, 10, 10, 16), 4, sh(2025, 10, 11, 11)),
        # Two working days across Spring Festival 2026 (make-up Saturday 14 February).
        (sh(2026, 2, 13, 10), 16, sh(2026, 2, 24, 10)),
        (sh(2026, 2, 12, 15), 16, sh(2026, 2, 14, 15)),
        # Twenty working days across National Day 2025 (make-up 28 Sep and 11 Oct count).
        (sh(2025, 9, 22, 8, 30), 160, sh(2025, 10, 23, 17, 30)),
    ],
)
def test_add_working(start: datetime, hours: float, expected: datetime) -> None:
    result = CAL.add_working(start, timedelta(hours=hours))
    assert result == expected
    assert result.tzinfo is UTC
    assert CAL.working_between(start, result) == timedelta(hours=hours)


def test_add_zero_returns_start_even_outside_working_time() -> None:
    assert CAL.add_working(sh(2025, 9, 30, 23), ZERO) == sh(2025, 9, 30, 23)


def test_working_between_examples() -> None:
    assert CAL.working_between(sh(2025, 3, 14, 16), sh(2025, 3, 17, 11)) == 4 * HOUR
    assert CAL.working_between(sh(2025, 10, 1), sh(2025, 10, 9)) == ZERO
    assert CAL.working_between(sh(2025, 3, 17, 11), sh(2025, 3, 17, 10)) == ZERO
    assert CAL.working_between(sh(2025, 3, 17, 10), sh(2025, 3, 17, 10)) == ZERO
    # Sunday 28 Sep (make-up) + Mon, Tue 29–30 Sep + Thu–Sat 9–11 Oct.
    assert CAL.working_between(sh(2025, 9, 27), sh(2025, 10, 12)) == 6 * 8 * HOUR


def test_working_day_length() -> None:
    assert CAL.working_day_length(date(2025, 3, 17)) == 8 * HOUR
    assert CAL.working_day_length(date(2025, 3, 15)) == ZERO
    assert CAL.working_day_length(date(2025, 10, 3)) == ZERO
    assert CAL.working_day_length(date(2025, 10, 11)) == 8 * HOUR
    with pytest.raises(InvalidInput):
        CAL.working_day_length(sh(2025, 3, 17))


def test_long_spans_skip_whole_weeks(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = 0
    original = WorkCalendar._intervals

    def counting(self: WorkCalendar, d: date) -> list[tuple[datetime, datetime]]:
        nonlocal calls
        calls += 1
        return original(self, d)

    monkeypatch.setattr(WorkCalendar, "_intervals", counting)
    start = sh(2027, 1, 4, 9)  # no holiday data for 2027: ordinary weeks throughout
    end = CAL.add_working(start, 250 * 8 * HOUR)
    assert CAL.working_between(start, end) == 250 * 8 * HOUR
    assert calls < 60


@pytest.mark.parametrize(
    "call",
    [
        lambda: CAL.is_working(datetime(2025, 3, 17, 9)),
        lambda: CAL.next_working_instant(datetime(2025, 3, 17, 9)),
        lambda: CAL.add_working(datetime(2025, 3, 17, 9), HOUR),
        lambda: CAL.working_between(datetime(2025, 3, 17, 9), sh(2025, 3, 18)),
        lambda: CAL.working_between(sh(2025, 3, 17), datetime(2025, 3, 18)),
        lambda: CAL.add_working(sh(2025, 3, 17, 9), -HOUR),
        lambda: CAL.is_working(date(2025, 3, 17)),  # type: ignore[arg-type]
    ],
)
def test_rejects_naive_datetimes_and_negative_durations(call: Any) -> None:
    with pytest.raises(InvalidInput):
        call()


# -- constructing calendars ------------------------------------------------------------------


def test_calendar_validation() -> None:
    overlapping = (WorkPeriod(time(8), time(12)), WorkPeriod(time(11), time(13)))
    with pytest.raises(InvalidInput, match="overlaps"):
        WorkCalendar(week=(overlapping,) + (DEFAULT_DAY,) * 4 + ((),) * 2)
    with pytest.raises(InvalidInput, match="7 days"):
        WorkCalendar(week=(DEFAULT_DAY,) * 5)
    with pytest.raises(InvalidInput, match="also a holiday"):
        WorkCalendar(
            holidays=frozenset({date(2025, 3, 15)}), makeup_days=frozenset({date(2025, 3, 15)})
        )
    with pytest.raises(InvalidInput, match="already a working day"):
        WorkCalendar(makeup_days=frozenset({date(2025, 3, 17)}))
    with pytest.raises(InvalidInput, match="no working periods"):
        WorkCalendar(makeup_weekday=6)
    with pytest.raises(InvalidInput):
        WorkPeriod(time(12), time(8))
    with pytest.raises(InvalidInput):
        WorkCalendar(holidays=frozenset({sh(2025, 3, 17)}))


def test_unsorted_periods_are_sorted() -> None:
    day = (DEFAULT_DAY[1], DEFAULT_DAY[0])
    cal = WorkCalendar(week=(day,) * 5 + ((),) * 2)
    assert cal == WorkCalendar()
    assert cal.add_working(sh(2025, 3, 17, 8, 30), 4 * HOUR) == sh(2025, 3, 17, 13, 30)


# A calendar in a zone with daylight saving time, working across the 02:00 change on Sundays,
# so that the week-skipping path must notice weeks whose length is not the usual one.
BERLIN = ZoneInfo("Europe/Berlin")
NIGHT_AND_DAY = (WorkPeriod(time(1), time(4)), WorkPeriod(time(9), time(17)))
BERLIN_CAL = WorkCalendar(
    zone=BERLIN,
    week=(DEFAULT_DAY,) * 5 + ((),) + (NIGHT_AND_DAY,),
    holidays=frozenset({date(2025, 4, 18), date(2025, 12, 25)}),
    makeup_days=frozenset({date(2025, 4, 12)}),
)
BERLIN_SPECIAL = [date(2025, 3, 30), date(2025, 10, 26), date(2025, 4, 18), date(2025, 4, 12)]


def test_dst_changes_working_time_of_the_day() -> None:
    assert BERLIN_CAL.working_day_length(date(2025, 3, 23)) == 11 * HOUR
    assert BERLIN_CAL.working_day_length(date(2025, 3, 30)) == 10 * HOUR
    assert BERLIN_CAL.working_day_length(date(2025, 10, 26)) == 12 * HOUR
    start = datetime(2025, 3, 3, 9, tzinfo=BERLIN)
    end = datetime(2025, 11, 3, 9, tzinfo=BERLIN)
    assert BERLIN_CAL.working_between(start, end) == ref_between(BERLIN_CAL, start, end)


# -- properties --------------------------------------------------------------------------------


@PROPERTY
@given(start=instants(), duration=durations)
def test_add_then_measure_gives_the_duration(start: datetime, duration: timedelta) -> None:
    end = CAL.add_working(start, duration)
    assert end >= start
    assert CAL.working_between(start, end) == duration


@PROPERTY
@given(start=instants(), duration=positive_durations)
def test_add_working_is_the_earliest_instant_and_ends_in_or_at_end_of_a_period(
    start: datetime, duration: timedelta
) -> None:
    end = CAL.add_working(start, duration)
    assert CAL.working_between(start, end - MICRO) < duration
    # Working time right before the result: inside a period or at its end, never at a start.
    assert CAL.is_working(end - MICRO)


@PROPERTY
@given(start=instants(), a=durations, b=durations)
def test_add_working_is_monotonic_in_duration(start: datetime, a: timedelta, b: timedelta) -> None:
    small, large = sorted((a, b))
    assert CAL.add_working(start, small) <= CAL.add_working(start, large)


@PROPERTY
@given(s1=instants(), s2=instants(), duration=durations)
def test_add_working_is_monotonic_in_start(s1: datetime, s2: datetime, duration: timedelta) -> None:
    early, late = sorted((s1, s2))
    assert CAL.add_working(early, duration) <= CAL.add_working(late, duration)


@PROPERTY
@given(a=instants(), span=st.timedeltas(min_value=-timedelta(days=2), max_value=timedelta(days=70)))
def test_working_between_matches_the_reference(a: datetime, span: timedelta) -> None:
    b = a + span
    expected = ref_between(CAL, a.astimezone(UTC), b.astimezone(UTC)) if span > ZERO else ZERO
    assert CAL.working_between(a, b) == expected


@PROPERTY
@given(a=instants(), b=instants(), c=instants())
def test_working_between_is_additive(a: datetime, b: datetime, c: datetime) -> None:
    a, b, c = sorted((a, b, c))
    assert CAL.working_between(a, c) == CAL.working_between(a, b) + CAL.working_between(b, c)


@PROPERTY
@given(t=instants())
def test_is_working_and_next_working_instant(t: datetime) -> None:
    assert CAL.is_working(t) == ref_is_working(CAL, t.astimezone(UTC))
    following = CAL.next_working_instant(t)
    assert following >= t
    assert CAL.is_working(following)
    assert CAL.working_between(t, following) == ZERO
    assert (following == t) == CAL.is_working(t)


@PROPERTY
@given(
    a=instants(BERLIN, BERLIN_SPECIAL),
    span=st.timedeltas(min_value=ZERO, max_value=timedelta(days=40)),
    duration=durations,
)
def test_dst_calendar_matches_the_reference(
    a: datetime, span: timedelta, duration: timedelta
) -> None:
    b = a + span
    assert BERLIN_CAL.working_between(a, b) == ref_between(
        BERLIN_CAL, a.astimezone(UTC), b.astimezone(UTC)
    )
    assert BERLIN_CAL.working_between(a, BERLIN_CAL.add_working(a, duration)) == duration


# -- loading calendar files ------------------------------------------------------------------

VALID = """
zone = "Asia/Shanghai"
holiday_years = [2025]

[[periods]]
days = ["mon", "tue", "wed", "thu", "fri"]
start = "08:30"
end = "12:00"

[[periods]]
days = ["mon", "tue", "wed", "thu", "fri"]
start = 13:00:00
end = "17:30"

[[holidays]]
name = "国庆节"
first = 2025-10-01
last = "2025-10-08"

[[makeup_days]]
name = "调休"
date = 2025-10-11
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "calendar.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_load_valid_file(tmp_path: Path) -> None:
    cal = load_calendar(write(tmp_path, VALID))
    assert cal.week == WorkCalendar().week
    assert cal.holidays == {date(2025, 10, d) for d in range(1, 9)}
    assert cal.makeup_days == {date(2025, 10, 11)}
    assert cal.add_working(sh(2025, 9, 30, 23), 4 * HOUR) == sh(2025, 10, 9, 13, 30)


def test_load_defaults_when_sections_are_omitted(tmp_path: Path) -> None:
    assert load_calendar(write(tmp_path, "")) == WorkCalendar()


def test_saturday_half_day(tmp_path: Path) -> None:
    text = VALID + '[[periods]]\ndays = ["sat"]\nstart = "09:00"\nend = "12:00"\n'
    cal = load_calendar(write(tmp_path, text.replace("date = 2025-10-11", "date = 2025-10-12")))
    assert cal.working_day_length(date(2025, 3, 15)) == 3 * HOUR


def _periods_entry(days: str = '["mon"]', start: str = '"08:30"', end: str = '"12:00"') -> str:
    return f"[[periods]]\ndays = {days}\nstart = {start}\nend = {end}\n"


BAD_FILES = [
    # (text, row, field, fragment of the problem)
    ('zone = "Mars/Olympus_Mons"', None, "zone", "unknown time zone"),
    ('zone = "../etc/passwd"', None, "zone", "unknown time zone"),
    ("zone = 8", None, "zone", "IANA"),
    ("holiday = []", None, "holiday", "unknown key"),
    ('makeup_weekday = "sun"', None, "makeup_weekday", "no working periods"),
    ('makeup_weekday = "someday"', None, "makeup_weekday", "not one of"),
    ('holiday_years = ["2025"]', None, "holiday_years", "list of years"),
    (_periods_entry(start='"25:00"'), 1, "periods.start", "not a time of day"),
    (_periods_entry(start='"8h30"'), 1, "periods.start", "not a time of day"),
    (_periods_entry(end='"12:60"'), 1, "periods.end", "not a time of day"),
    (_periods_entry(end='"08:00"'), 1, "periods.end", "not after start"),
    (_periods_entry(end='"08:30"'), 1, "periods.end", "not after start"),
    ("[[periods]]\ndays = ['mon']\nend = '12:00'\n", 1, "periods.start", "missing"),
    (_periods_entry(days='["monday"]'), 1, "periods.days", "not one of"),
    (_periods_entry(days="[]"), 1, "periods.days", "non-empty"),
    (_periods_entry(days='["mon", "mon"]'), 1, "periods.days", "twice"),
    (
        _periods_entry() + _periods_entry(days='["tue", "mon"]', start='"11:00"', end='"13:00"'),
        2,
        "periods.start",
        "overlaps",
    ),
    (
        _periods_entry()
        + "[[periods]]\ndays = ['tue']\nstart = '08:00'\nend = '12:00'\nroom = 1\n",
        2,
        "periods.room",
        "unknown field",
    ),
    ("periods = []", None, "periods", "at least one"),
    ('periods = "mon"', None, "periods", "list of tables"),
    ("[[holidays]]\nfirst = 2025-02-30\n", None, None, "not valid TOML"),
    ('[[holidays]]\nfirst = "2025-02-30"\n', 1, "holidays.first", "not a valid date"),
    ('[[holidays]]\nfirst = "30/02/2025"\n', 1, "holidays.first", "not a date"),
    ("[[holidays]]\nfirst = 2025-10-01T00:00:00\n", 1, "holidays.first", "not a date"),
    ('[[holidays]]\nname = "x"\n', 1, "holidays.first", "missing"),
    ("[[holidays]]\nname = 5\nfirst = 2025-10-01\n", 1, "holidays.name", "string"),
    (
        "[[holidays]]\nfirst = 2025-01-01\n[[holidays]]\nfirst = 2025-10-08\nlast = 2025-10-01\n",
        2,
        "holidays.last",
        "before first",
    ),
    ("holiday_years = [2025]\n[[holidays]]\nfirst = 2052-10-01\n", 1, "holidays.first", "2052"),
    ("[[holidays]]\nfirst = 2025-10-01\nlast = 2026-10-07\n", 1, "holidays.last", "longer"),
    ("[[makeup_days]]\ndate = 2025-10-10\n", 1, "makeup_days.date", "already a working day"),
    (
        "[[holidays]]\nfirst = 2025-10-01\nlast = 2025-10-12\n[[makeup_days]]\ndate = 2025-10-11\n",
        1,
        "makeup_days.date",
        "is a holiday",
    ),
    (
        "[[makeup_days]]\ndate = 2025-10-11\n[[makeup_days]]\ndate = 2025-10-11\n",
        2,
        "makeup_days.date",
        "repeats entry 1",
    ),
    ("[[makeup_days]]\nday = 2025-10-11\n", 1, "makeup_days.day", "unknown field"),
    ("zone = ", None, None, "not valid TOML"),
]


@pytest.mark.parametrize(("text", "row", "field", "problem"), BAD_FILES)
def test_bad_files_name_file_entry_and_field(
    tmp_path: Path, text: str, row: int | None, field: str | None, problem: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(LoadError) as caught:
        load_calendar(path)
    error = caught.value
    assert error.file == str(path)
    assert error.row == row
    assert error.field == field
    assert problem in error.problem
    assert str(path) in str(error)


def test_missing_and_undecodable_files(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="cannot read"):
        load_calendar(tmp_path / "absent.toml")
    path = tmp_path / "latin1.toml"
    path.write_bytes(b'zone = "\xe9"\n')
    with pytest.raises(LoadError, match="UTF-8"):
        load_calendar(path)
