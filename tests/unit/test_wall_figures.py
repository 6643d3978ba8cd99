"""What the wall counts itself, and the periods the evaluation panel offers, by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from console.evaluation_model import BadPeriod, PeriodKind, period_of
from console.wall import is_night
from console.wall_figures import hourly_mean, rank, tally_day, today, week_before
from models.calendar import SHANGHAI
from models.case import CaseState, Location, Source
from models.evaluation import Counts, EvaluatedGroup, Indicators, Period
from tests.unit.client_factories import make_case


def local(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


def where(street: str | None) -> Location:
    return Location(lon=121.5, lat=31.2, street_code=street)


def test_today_is_the_shanghai_calendar_day() -> None:
    # 23:30 UTC on the 29th is 07:30 on the 30th in Shanghai.
    assert today(datetime(2026, 11, 29, 23, 30, tzinfo=UTC)) == Period(
        local(30, 0), local(1, 0, month=12)
    )
    assert today(datetime(2026, 11, 29, 15, 59, tzinfo=UTC)).start == local(29, 0)
    assert week_before(Period(local(30, 0), local(1, 0, month=12))) == Period(
        local(23, 0), local(30, 0)
    )


def test_a_day_s_tally_by_hand() -> None:
    day = Period(local(30, 0), local(1, 0, month=12))
    cases = [
        # reported today: hours 0, 9, 9, 23; categories E0102 ×3, C0101; streets A ×2, B
        make_case(1, reported_at=local(30, 0), location=where("A")),
        make_case(2, reported_at=local(30, 9, 5), location=where("A"), overdue=True),
        make_case(
            3,
            reported_at=local(30, 9, 59),
            category="C0101",
            source=Source.HOTLINE,
            location=where("B"),
            state=CaseState.IN_PROGRESS,
        ),
        make_case(4, reported_at=local(30, 23, 59), location=where(None), state=CaseState.VOIDED),
        # yesterday's: closed today, and one still open and overdue
        make_case(
            5,
            reported_at=local(29, 10),
            state=CaseState.CLOSED,
            closed_at=local(30, 8),
            location=where("B"),
        ),
        make_case(6, reported_at=local(29, 11), overdue=True, location=where("B")),
        # closed yesterday: counts nowhere today; voided today: not "closed"
        make_case(7, reported_at=local(28, 10), state=CaseState.CLOSED, closed_at=local(29, 9)),
        # tomorrow's (a clock ahead): not today
        make_case(8, reported_at=local(1, 0, month=12), location=where("A")),
    ]
    tally = tally_day(cases, day)
    assert tally.reported == 4
    assert tally.closed == 1
    assert tally.overdue_now == 2  # 2 and yesterday's 6, both open
    assert tally.hourly[0] == 1
    assert tally.hourly[9] == 2
    assert tally.hourly[23] == 1
    assert sum(tally.hourly) == 4
    assert tally.categories == (("E0102", 3), ("C0101", 1))
    assert tally.sources == (("patrol", 3), ("hotline", 1))
    assert tally.streets == (("A", 2), ("B", 1))  # the case without a street is left out


def test_the_top_is_bounded_and_ties_keep_their_order() -> None:
    day = Period(local(30, 0), local(1, 0, month=12))
    cases = [
        make_case(i, reported_at=local(30, 10), category=f"E{i % 15:04d}") for i in range(1, 31)
    ]
    tally = tally_day(cases, day, top=10)
    assert len(tally.categories) == 10
    assert tally.categories[0] == ("E0000", 2)  # equal counts: by code
    assert [c for c, _ in tally.categories] == sorted(c for c, _ in tally.categories)


def test_the_hourly_mean_over_whole_days() -> None:
    week = [h for _day in range(7) for h in range(24)]
    assert hourly_mean(week) == tuple(float(h) for h in range(24))
    assert hourly_mean([2] * 24 + [4] * 24) == (3.0,) * 24
    with pytest.raises(ValueError, match="whole days"):
        hourly_mean([1] * 30)
    with pytest.raises(ValueError, match="whole days"):
        hourly_mean([])


def group(key: str, on_time: int, due: int) -> EvaluatedGroup:
    counts = Counts(due_for_handling=due, handled=due, handled_on_time=on_time)
    return EvaluatedGroup(key=key, indicators=Indicators.from_counts(counts))


def test_ranking_best_first_fuller_records_first_and_nothing_to_rate_last() -> None:
    groups = [group("a", 1, 2), group("b", 0, 0), group("c", 9, 10), group("d", 2, 4)]
    assert [g.key for g in rank(groups, "on_time_handling")] == ["c", "d", "a", "b"]
    assert [g.key for g in rank(groups, "on_time_handling", higher_is_better=False)] == [
        "d",
        "a",
        "c",
        "b",
    ]
    with pytest.raises(ValueError, match="not a rate"):
        rank(groups, "average_handling_time")


def test_the_panel_s_periods() -> None:
    now = local(30, 18)  # a Monday
    assert period_of(PeriodKind.TODAY, now) == Period(local(30, 0), local(1, 0, month=12))
    assert period_of(PeriodKind.WEEK, local(6, 12, month=12)) == Period(
        local(30, 0), local(7, 0, month=12)
    )
    assert period_of(PeriodKind.MONTH, now) == Period(local(1, 0), local(1, 0, month=12))
    december = period_of(PeriodKind.MONTH, local(31, 23, month=12))
    assert december == Period(local(1, 0, month=12), datetime(2027, 1, 1, tzinfo=SHANGHAI))
    custom = period_of(PeriodKind.CUSTOM, now, date(2026, 11, 1), date(2026, 11, 30))
    assert custom == Period(local(1, 0), local(1, 0, month=12))  # the last day included
    assert custom.end - custom.start == timedelta(days=30)
    with pytest.raises(BadPeriod, match="before the first"):
        period_of(PeriodKind.CUSTOM, now, date(2026, 11, 30), date(2026, 11, 1))
    with pytest.raises(BadPeriod, match="367 days"):
        period_of(PeriodKind.CUSTOM, now, date(2025, 11, 29), date(2026, 11, 30))
    longest = period_of(PeriodKind.CUSTOM, now, date(2025, 11, 30), date(2026, 11, 30))
    assert longest.end - longest.start == timedelta(days=366)  # what the server takes


def test_night_hours() -> None:
    assert not is_night(local(30, 18, 59))
    assert is_night(local(30, 19))
    assert is_night(local(30, 3))
    assert not is_night(local(30, 7))
