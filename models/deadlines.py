"""Deadlines of a case's steps, their warnings, suspensions and extensions.

The command centre works 7×24, so its own steps (acceptance, filing, dispatch,
verification) have clock allowances; handling by a department is due within the catalogue
class's rule, usually in working hours or working days (DOMAIN.md). :class:`DeadlinePolicy`
is the one object the workflow asks.

Conventions:

* Clock units add elapsed time (in UTC, so a DST change never stretches an allowance).
* ``WORK_HOURS`` add working time on the calendar; ``WORK_DAYS`` add ``amount ×`` the
  calendar's standard working-day length (8 h by default) of working time, so 2 working days
  from Friday 10:00 end on Tuesday 10:00, and half a working day is 4 working hours.
* A deadline is met by anything done at or before it: the case becomes overdue only after
  the deadline instant.
* All results are UTC-aware datetimes; naive inputs raise
  :class:`~models.errors.InvalidInput`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Literal

import msgspec

from models.calendar import WorkCalendar, default_calendar, to_utc
from models.catalogue import DeadlineRule, TimeUnit
from models.errors import InvalidInput


class Step(StrEnum):
    """The steps of a case that carry a deadline."""

    ACCEPTANCE = "acceptance"  # 受理
    FILING = "filing"  # 立案
    DISPATCH = "dispatch"  # 派遣
    HANDLING = "handling"  # 处置
    VERIFICATION = "verification"  # 核查


class DeadlineStatus(StrEnum):
    """Where a running step stands against its deadline."""

    ON_TIME = "on_time"
    WARNING = "warning"  # the warning share of the allowance has elapsed
    OVERDUE = "overdue"  # past the deadline instant


ClosingKind = Literal["normal", "overdue"]
"""What :func:`closing_type_for` returns; the workflow maps it onto its ClosingType."""


def _check_rule(rule: DeadlineRule, name: str) -> None:
    if not isinstance(rule, DeadlineRule):
        raise InvalidInput(name, f"expected a DeadlineRule, got {type(rule).__name__}")
    if not isinstance(rule.amount, int | float) or not math.isfinite(rule.amount):
        raise InvalidInput(f"{name}.amount", f"{rule.amount!r} is not a finite number")
    if rule.amount < 0:
        raise InvalidInput(f"{name}.amount", f"{rule.amount} is negative")


class StepAllowances(msgspec.Struct, frozen=True, kw_only=True):
    """Allowances of the command centre's own steps; configurable, clock time by default.

    Handling has no entry: its rule comes from the case's catalogue class and urgency.

    Attributes:
        acceptance: From report to acceptance (受理): 10 clock minutes.
        filing: From acceptance to filing (立案): 30 clock minutes.
        dispatch: From filing to dispatch (派遣): 30 clock minutes.
        verification: From handling reported to verification (核查) by the nearest grid
            supervisor: 30 clock minutes.
    """

    acceptance: DeadlineRule = DeadlineRule(10, TimeUnit.CLOCK_MINUTES)
    filing: DeadlineRule = DeadlineRule(30, TimeUnit.CLOCK_MINUTES)
    dispatch: DeadlineRule = DeadlineRule(30, TimeUnit.CLOCK_MINUTES)
    verification: DeadlineRule = DeadlineRule(30, TimeUnit.CLOCK_MINUTES)

    def __post_init__(self) -> None:
        # Fail when the configuration is read, not at the first case of the day.
        for step in (Step.ACCEPTANCE, Step.FILING, Step.DISPATCH, Step.VERIFICATION):
            _check_rule(getattr(self, step.value), step.value)

    def rule_for(self, step: Step) -> DeadlineRule:
        """The allowance of ``step``.

        Raises:
            InvalidInput: For :attr:`Step.HANDLING`, whose rule depends on the case's class.
        """
        try:
            step = Step(step)
        except ValueError:
            raise InvalidInput("step", f"unknown step {step!r}") from None
        if step is Step.HANDLING:
            raise InvalidInput(
                "step", "the handling deadline depends on the case's class: use its rule"
            )
        rule: DeadlineRule = getattr(self, step.value)
        return rule


def allowance(rule: DeadlineRule, calendar: WorkCalendar) -> timedelta:
    """The time a rule grants: clock time for clock units, working time for working units.

    Args:
        rule: The allowance, such as 4 working hours.
        calendar: Gives the standard working-day length for ``WORK_DAYS``.

    Raises:
        InvalidInput: If the amount is negative, not finite or too large, or the unit unknown.
    """
    _check_rule(rule, "rule")
    try:
        if rule.unit is TimeUnit.CLOCK_MINUTES:
            return timedelta(minutes=rule.amount)
        if rule.unit in (TimeUnit.CLOCK_HOURS, TimeUnit.WORK_HOURS):
            return timedelta(hours=rule.amount)
        if rule.unit is TimeUnit.WORK_DAYS:
            return calendar.standard_day_length * rule.amount
    except OverflowError:
        raise InvalidInput("rule.amount", f"{rule.amount} is too large") from None
    raise InvalidInput("rule.unit", f"unknown time unit {rule.unit!r}")


def deadline_for(start: datetime, rule: DeadlineRule, calendar: WorkCalendar) -> datetime:
    """The instant ``rule`` runs out when counted from ``start``.

    Clock units add elapsed time. Working units add working time with
    :meth:`WorkCalendar.add_working` (counting starts at the next working instant, an amount
    ending at a period's end gives that end); ``WORK_DAYS`` count as ``amount`` standard
    working days of working time.

    Args:
        start: Aware datetime the allowance starts.
        rule: The allowance.
        calendar: The working calendar.

    Returns:
        A UTC datetime.

    Raises:
        InvalidInput: If ``start`` is naive or the rule invalid.
    """
    begin = to_utc(start, "start")
    length = allowance(rule, calendar)
    if rule.unit.is_working_time:
        return calendar.add_working(begin, length)
    return begin + length


def closing_type_for(handled_at: datetime, deadline: datetime) -> ClosingKind:
    """``"normal"`` if handled at or before the deadline, else ``"overdue"``.

    Raises:
        InvalidInput: If either datetime is naive.
    """
    return (
        "normal" if to_utc(handled_at, "handled_at") <= to_utc(deadline, "deadline") else "overdue"
    )


@dataclass(frozen=True)
class DeadlinePolicy:
    """Deadlines, warnings, suspensions and extensions, as the workflow needs them.

    ``working`` arguments tell whether a deadline counts working time, i.e.
    ``rule.unit.is_working_time`` of the rule that produced it.

    Attributes:
        calendar: The working calendar.
        allowances: Allowances of the centre's own steps.
        warning_share: Share of the allowance after which a step is in WARNING (0 < s <= 1).

    Raises:
        InvalidInput: If ``warning_share`` is not in (0, 1].
    """

    calendar: WorkCalendar
    allowances: StepAllowances = field(default_factory=StepAllowances)
    warning_share: float = 0.8

    def __post_init__(self) -> None:
        share = self.warning_share
        if not isinstance(share, int | float) or not math.isfinite(share) or not 0 < share <= 1:
            raise InvalidInput("warning_share", f"{share!r} is not in (0, 1]")

    def step_deadline(self, step: Step, start: datetime) -> datetime:
        """The deadline of one of the centre's own steps started at ``start``.

        Raises:
            InvalidInput: For :attr:`Step.HANDLING` (use :meth:`handling_deadline`) or a
                naive ``start``.
        """
        return deadline_for(start, self.allowances.rule_for(step), self.calendar)

    def handling_deadline(self, start: datetime, rule: DeadlineRule) -> datetime:
        """The handling deadline under the case class's ``rule``, counted from ``start``."""
        return deadline_for(start, rule, self.calendar)

    def extended(self, deadline: datetime, rule: DeadlineRule) -> datetime:
        """The deadline after an approved extension (延期) of ``rule``.

        The extension is counted from the old deadline, even if it has passed, so the
        department gets exactly the granted amount beyond what it had.
        """
        return deadline_for(deadline, rule, self.calendar)

    def resumed(
        self, deadline: datetime, working: bool, paused_at: datetime, resumed_at: datetime
    ) -> datetime:
        """The deadline after a suspension (缓办) from ``paused_at`` to ``resumed_at``.

        The remaining time (working or clock) from ``paused_at`` to the deadline is kept:
        the new deadline is ``resumed_at`` plus that remaining time. A case paused after its
        deadline was already overdue; the suspension does not rescue it, and the old deadline
        is returned. Paused exactly at its deadline, nothing remains: due at ``resumed_at``.

        Raises:
            InvalidInput: If a datetime is naive or ``resumed_at`` is before ``paused_at``.
        """
        due = to_utc(deadline, "deadline")
        paused = to_utc(paused_at, "paused_at")
        resumed = to_utc(resumed_at, "resumed_at")
        if resumed < paused:
            raise InvalidInput("resumed_at", "is before paused_at")
        if paused > due:
            return due
        if working:
            remaining = self.calendar.working_between(paused, due)
            return self.calendar.add_working(resumed, remaining)
        return resumed + (due - paused)

    def warning_at(self, start: datetime, deadline: datetime, working: bool) -> datetime:
        """The instant ``warning_share`` of the allowance ``start``→``deadline`` has elapsed.

        With working time, the share is of the working time between them, so a case reported
        at night warns during the next working day, not overnight. If ``deadline`` is not
        after ``start``, the deadline itself is returned.

        Raises:
            InvalidInput: If a datetime is naive.
        """
        begin = to_utc(start, "start")
        due = to_utc(deadline, "deadline")
        if due <= begin:
            return due
        if working:
            total = self.calendar.working_between(begin, due)
            return self.calendar.add_working(begin, total * self.warning_share)
        return begin + (due - begin) * self.warning_share

    def status(
        self, now: datetime, start: datetime, deadline: datetime, working: bool
    ) -> DeadlineStatus:
        """ON_TIME, then WARNING from :meth:`warning_at`, then OVERDUE after the deadline.

        Raises:
            InvalidInput: If a datetime is naive.
        """
        current = to_utc(now, "now")
        if current > to_utc(deadline, "deadline"):
            return DeadlineStatus.OVERDUE
        if current >= self.warning_at(start, deadline, working):
            return DeadlineStatus.WARNING
        return DeadlineStatus.ON_TIME


def default_policy() -> DeadlinePolicy:
    """The policy with the shipped Shanghai calendar and the default step allowances."""
    return DeadlinePolicy(default_calendar())
