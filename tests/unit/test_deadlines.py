"""Deadline arithmetic and the policy the workflow uses: examples and properties."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.calendar import SHANGHAI, default_calendar
from models.catalogue import DeadlineRule, TimeUnit
from models.deadlines import (
    DeadlinePolicy,
    DeadlineStatus,
    Step,
    StepAllowances,
    allowance,
    closing_type_for,
    deadline_for,
    default_policy,
)
from models.errors import InvalidInput

SH = SHANGHAI
CAL = default_calendar()
POLICY = default_policy()
HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)
MICRO = timedelta(microseconds=1)
ZERO = timedelta(0)
PROPERTY = settings(max_examples=200, deadline=None)


def sh(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SH)


def wh(hours: float) -> DeadlineRule:
    return DeadlineRule(hours, TimeUnit.WORK_HOURS)


# -- strategies ----------------------------------------------------------------------------

FIRST, LAST = date(2024, 12, 20), date(2026, 10, 31)
EDGES = [time(0), time(8, 30), time(11, 59), time(12), time(13), time(17, 30), time(23)]
SPECIAL_DAYS = sorted(CAL.holidays | CAL.makeup_days)

instants = st.one_of(
    st.datetimes(
        min_value=datetime.combine(FIRST, time()),
        max_value=datetime.combine(LAST, time()),
        timezones=st.just(SH),
    ),
    st.builds(
        lambda d, off, t: datetime.combine(d + timedelta(days=off), t, tzinfo=SH),
        st.sampled_from(SPECIAL_DAYS),
        st.integers(-3, 3),
        st.one_of(st.sampled_from(EDGES), st.times()),
    ),
)
rules = st.one_of(
    st.builds(
        DeadlineRule,
        st.sampled_from([0.5, 1, 2, 4, 5, 8, 24, 40]),
        st.sampled_from([TimeUnit.WORK_HOURS, TimeUnit.CLOCK_HOURS]),
    ),
    st.builds(DeadlineRule, st.sampled_from([0.5, 1, 2, 15, 20]), st.just(TimeUnit.WORK_DAYS)),
    st.builds(DeadlineRule, st.sampled_from([10, 30, 90]), st.just(TimeUnit.CLOCK_MINUTES)),
    st.builds(
        DeadlineRule,
        st.floats(min_value=0.01, max_value=200, allow_nan=False),
        st.sampled_from(list(TimeUnit)),
    ),
)
offsets = st.timedeltas(min_value=ZERO, max_value=timedelta(days=40))


def elapsed(working: bool, a: datetime, b: datetime) -> timedelta:
    """The allowance time between two instants, as the policy counts it."""
    return CAL.working_between(a, b) if working else max(ZERO, b - a)


# -- steps and allowances ------------------------------------------------------------------


def test_step_values() -> None:
    assert [s.value for s in Step] == [
        "acceptance",
        "filing",
        "dispatch",
        "handling",
        "verification",
    ]


def test_default_allowances_are_clock_minutes() -> None:
    allowances = StepAllowances()
    assert allowances.rule_for(Step.ACCEPTANCE) == DeadlineRule(10, TimeUnit.CLOCK_MINUTES)
    for step in (Step.FILING, Step.DISPATCH, Step.VERIFICATION):
        assert allowances.rule_for(step) == DeadlineRule(30, TimeUnit.CLOCK_MINUTES)
    assert allowances.rule_for("filing") == DeadlineRule(30, TimeUnit.CLOCK_MINUTES)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="class"):
        allowances.rule_for(Step.HANDLING)
    with pytest.raises(InvalidInput, match="unknown step"):
        allowances.rule_for("closing")  # type: ignore[arg-type]


def test_allowances_are_configurable_and_validated() -> None:
    config = b'{"verification": {"amount": 1, "unit": "work_hours"}}'
    allowances = msgspec.json.decode(config, type=StepAllowances)
    assert allowances.verification == wh(1)
    assert allowances.acceptance == DeadlineRule(10, TimeUnit.CLOCK_MINUTES)
    with pytest.raises(InvalidInput, match="negative"):
        StepAllowances(filing=DeadlineRule(-5, TimeUnit.CLOCK_MINUTES))
    policy = DeadlinePolicy(CAL, allowances)
    # 17:00 + 1 working hour: 30 min today, 30 min tomorrow morning.
    assert policy.step_deadline(Step.VERIFICATION, sh(2025, 3, 17, 17)) == sh(2025, 3, 18, 9)


def test_policy_validation() -> None:
    assert DeadlinePolicy(CAL, warning_share=1).warning_share == 1
    for share in (0, -0.5, 1.5, float("nan")):
        with pytest.raises(InvalidInput):
            DeadlinePolicy(CAL, warning_share=share)
    assert POLICY.calendar is CAL
    assert POLICY.allowances == StepAllowances()
    assert POLICY.warning_share == 0.8


# -- deadline_for ---------------------------------------------------------------------------


def test_allowance_per_unit() -> None:
    assert allowance(DeadlineRule(30, TimeUnit.CLOCK_MINUTES), CAL) == 30 * MINUTE
    assert allowance(DeadlineRule(2, TimeUnit.CLOCK_HOURS), CAL) == 2 * HOUR
    assert allowance(wh(4), CAL) == 4 * HOUR
    assert allowance(DeadlineRule(2, TimeUnit.WORK_DAYS), CAL) == 16 * HOUR
    assert allowance(DeadlineRule(0.5, TimeUnit.WORK_DAYS), CAL) == 4 * HOUR


@pytest.mark.parametrize(
    ("start", "rule", "expected"),
    [
        # The centre works 7×24: clock allowances run through the night and the holiday.
        (sh(2025, 9, 30, 23), DeadlineRule(10, TimeUnit.CLOCK_MINUTES), sh(2025, 9, 30, 23, 10)),
        (sh(2025, 9, 30, 23), DeadlineRule(2, TimeUnit.CLOCK_HOURS), sh(2025, 10, 1, 1)),
        # Working hours wait for the holiday to end.
        (sh(2025, 9, 30, 23), wh(4), sh(2025, 10, 9, 13, 30)),
        (sh(2025, 3, 14, 16), wh(4), sh(2025, 3, 17, 11)),
        # Working days are standard 8-hour days of working time: Friday 10:00 → Tuesday 10:00.
        (sh(2025, 3, 14, 10), DeadlineRule(2, TimeUnit.WORK_DAYS), sh(2025, 3, 18, 10)),
        (sh(2026, 2, 13, 10), DeadlineRule(2, TimeUnit.WORK_DAYS), sh(2026, 2, 24, 10)),
        (sh(2025, 3, 17, 8, 30), DeadlineRule(1, TimeUnit.WORK_DAYS), sh(2025, 3, 17, 17, 30)),
        (sh(2025, 3, 17, 8, 30), DeadlineRule(0.5, TimeUnit.WORK_DAYS), sh(2025, 3, 17, 13, 30)),
        # Reported at night: counting starts the next morning.
        (sh(2025, 3, 17, 20), DeadlineRule(1, TimeUnit.WORK_DAYS), sh(2025, 3, 18, 17, 30)),
    ],
)
def test_deadline_for(start: datetime, rule: DeadlineRule, expected: datetime) -> None:
    result = deadline_for(start, rule, CAL)
    assert result == expected
    assert result.tzinfo is UTC


def test_clock_allowance_is_elapsed_time_across_dst() -> None:
    berlin = datetime(2025, 3, 30, 1, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    result = deadline_for(berlin, DeadlineRule(1, TimeUnit.CLOCK_HOURS), CAL)
    assert result - berlin == HOUR


@pytest.mark.parametrize(
    "call",
    [
        lambda: deadline_for(datetime(2025, 3, 17, 9), wh(4), CAL),
        lambda: deadline_for(sh(2025, 3, 17, 9), wh(-1), CAL),
        lambda: deadline_for(sh(2025, 3, 17, 9), wh(float("nan")), CAL),
        lambda: deadline_for(sh(2025, 3, 17, 9), wh(float("inf")), CAL),
        lambda: deadline_for(sh(2025, 3, 17, 9), DeadlineRule(1e12, TimeUnit.CLOCK_HOURS), CAL),
        lambda: POLICY.step_deadline(Step.HANDLING, sh(2025, 3, 17, 9)),
        lambda: POLICY.status(datetime(2025, 3, 17, 9), sh(2025, 3, 17), sh(2025, 3, 18), True),
        lambda: POLICY.resumed(sh(2025, 3, 18), True, sh(2025, 3, 17, 10), sh(2025, 3, 17, 9)),
        lambda: closing_type_for(datetime(2025, 3, 17), sh(2025, 3, 17)),
    ],
)
def test_invalid_input(call: Any) -> None:
    with pytest.raises(InvalidInput):
        call()


# -- the policy: examples ------------------------------------------------------------------


def test_step_deadlines_on_the_eve_of_national_day() -> None:
    reported = sh(2025, 9, 30, 23)
    assert POLICY.step_deadline(Step.ACCEPTANCE, reported) == sh(2025, 9, 30, 23, 10)
    assert POLICY.step_deadline(Step.FILING, reported) == sh(2025, 9, 30, 23, 30)
    assert POLICY.step_deadline(Step.DISPATCH, reported) == sh(2025, 9, 30, 23, 30)
    assert POLICY.step_deadline(Step.VERIFICATION, reported) == sh(2025, 9, 30, 23, 30)
    assert POLICY.handling_deadline(reported, wh(4)) == sh(2025, 10, 9, 13, 30)


def test_warning_and_status_of_a_working_deadline() -> None:
    start = sh(2025, 3, 17, 8, 30)
    deadline = POLICY.handling_deadline(start, wh(4))
    assert deadline == sh(2025, 3, 17, 13, 30)
    warning = POLICY.warning_at(start, deadline, working=True)
    assert warning == sh(2025, 3, 17, 11, 42)  # 3.2 of 4 working hours
    assert POLICY.status(warning - MICRO, start, deadline, True) is DeadlineStatus.ON_TIME
    assert POLICY.status(warning, start, deadline, True) is DeadlineStatus.WARNING
    assert POLICY.status(sh(2025, 3, 17, 12, 30), start, deadline, True) is DeadlineStatus.WARNING
    assert POLICY.status(deadline, start, deadline, True) is DeadlineStatus.WARNING
    assert POLICY.status(deadline + MICRO, start, deadline, True) is DeadlineStatus.OVERDUE


def test_warning_of_a_night_report_falls_in_working_time() -> None:
    start = sh(2025, 9, 30, 23)
    deadline = POLICY.handling_deadline(start, wh(4))
    assert POLICY.warning_at(start, deadline, working=True) == sh(2025, 10, 9, 11, 42)


def test_warning_of_a_clock_deadline() -> None:
    start = sh(2025, 9, 30, 23)
    deadline = POLICY.step_deadline(Step.VERIFICATION, start)
    assert POLICY.warning_at(start, deadline, working=False) == sh(2025, 9, 30, 23, 24)
    assert POLICY.warning_at(deadline, start, working=False) == start  # degenerate: deadline


def test_extension_counts_from_the_old_deadline() -> None:
    old = sh(2025, 3, 14, 17, 30)
    assert POLICY.extended(old, DeadlineRule(1, TimeUnit.WORK_DAYS)) == sh(2025, 3, 17, 17, 30)
    assert POLICY.extended(old, wh(2)) == sh(2025, 3, 17, 10, 30)
    assert POLICY.extended(old, DeadlineRule(2, TimeUnit.CLOCK_HOURS)) == sh(2025, 3, 14, 19, 30)
    # Across National Day 2025: Tuesday 30 Sep 17:30 + 1 working day → Thursday 9 Oct 17:30.
    assert POLICY.extended(sh(2025, 9, 30, 17, 30), DeadlineRule(1, TimeUnit.WORK_DAYS)) == sh(
        2025, 10, 9, 17, 30
    )


def test_resume_keeps_the_remaining_time() -> None:
    deadline = sh(2025, 3, 17, 11)  # Friday 16:00 + 4 working hours
    paused, resumed = sh(2025, 3, 14, 16), sh(2025, 3, 19, 9)
    # 4 working hours remained; Wednesday 09:00 + 4 h = 14:00.
    assert POLICY.resumed(deadline, True, paused, resumed) == sh(2025, 3, 19, 14)
    clock_deadline = sh(2025, 3, 14, 16, 30)
    assert POLICY.resumed(clock_deadline, False, paused, resumed) == sh(2025, 3, 19, 9, 30)
    # Paused after the deadline: the case stays overdue with its deadline.
    assert POLICY.resumed(deadline, True, sh(2025, 3, 17, 12), resumed) == deadline
    # Paused exactly at the deadline (not yet overdue): nothing remains.
    assert POLICY.resumed(deadline, True, deadline, resumed) == resumed
    # A pause and resume at once changes nothing.
    assert POLICY.resumed(deadline, True, paused, paused) == deadline


def test_closing_type() -> None:
    deadline = sh(2025, 3, 17, 11)
    assert closing_type_for(deadline, deadline) == "normal"
    assert closing_type_for(deadline - HOUR, deadline) == "normal"
    assert closing_type_for(deadline + MICRO, deadline) == "overdue"
    assert closing_type_for(datetime(2025, 3, 17, 3, 0, 1, tzinfo=UTC), deadline) == "overdue"


# -- the policy: properties ----------------------------------------------------------------


@PROPERTY
@given(start=instants, rule=rules)
def test_deadline_grants_exactly_the_allowance(start: datetime, rule: DeadlineRule) -> None:
    deadline = deadline_for(start, rule, CAL)
    assert elapsed(rule.unit.is_working_time, start, deadline) == allowance(rule, CAL)


@PROPERTY
@given(start=instants, rule=rules)
def test_warning_lies_at_the_share_of_the_allowance(start: datetime, rule: DeadlineRule) -> None:
    working = rule.unit.is_working_time
    deadline = POLICY.handling_deadline(start, rule)
    warning = POLICY.warning_at(start, deadline, working)
    assert start <= warning <= deadline
    total = elapsed(working, start, deadline)
    assert elapsed(working, start, warning) == total * POLICY.warning_share


@PROPERTY
@given(start=instants, rule=rules, a=offsets, b=offsets)
def test_status_moves_forward_only(
    start: datetime, rule: DeadlineRule, a: timedelta, b: timedelta
) -> None:
    working = rule.unit.is_working_time
    deadline = POLICY.handling_deadline(start, rule)
    order = [DeadlineStatus.ON_TIME, DeadlineStatus.WARNING, DeadlineStatus.OVERDUE]
    seen = [
        order.index(POLICY.status(start + offset, start, deadline, working))
        for offset in sorted((a, b, ZERO))
    ]
    assert seen == sorted(seen)
    assert POLICY.status(start, start, deadline, working) is DeadlineStatus.ON_TIME
    assert POLICY.status(deadline, start, deadline, working) is DeadlineStatus.WARNING
    assert POLICY.status(deadline + MICRO, start, deadline, working) is DeadlineStatus.OVERDUE


@PROPERTY
@given(start=instants, rule=rules, pause=offsets, suspension=offsets)
def test_resume_preserves_the_remaining_time(
    start: datetime, rule: DeadlineRule, pause: timedelta, suspension: timedelta
) -> None:
    working = rule.unit.is_working_time
    deadline = POLICY.handling_deadline(start, rule)
    paused_at = start + pause
    resumed_at = paused_at + suspension
    new = POLICY.resumed(deadline, working, paused_at, resumed_at)
    if paused_at > deadline:
        assert new == deadline
    else:
        assert new >= resumed_at
        assert elapsed(working, resumed_at, new) == elapsed(working, paused_at, deadline)


@PROPERTY
@given(start=instants, rule=rules, extension=rules)
def test_extension_adds_exactly_its_amount(
    start: datetime, rule: DeadlineRule, extension: DeadlineRule
) -> None:
    deadline = POLICY.handling_deadline(start, rule)
    new = POLICY.extended(deadline, extension)
    assert new >= deadline
    assert elapsed(extension.unit.is_working_time, deadline, new) == allowance(extension, CAL)
