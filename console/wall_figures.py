"""Today's figures for the leader wall, counted from the store's cases; plain Python, no Qt.

What the wall counts itself, live, and what it asks the server for:

* **Counted here** from the cases the console holds (the server sends every open case
  and every case that ended today, so every case reported or closed today is there):
  reported today (every source), closed today, overdue now, cases per hour today, and
  today's top categories, source channels and streets. Joint operations and units on
  duty come from the store's own tables (``console.wall``).
* **Asked for** (:mod:`console.wall`): the evaluation indicators of today (filed,
  dispatched, on-time handling rate...; ``query_evaluation``), which need every case's
  history, and the cases reported per hour over the last seven days
  (``query_case_counts``), which the console does not hold.

"Today" is the Shanghai calendar day (DOMAIN.md: the district works in local time).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from models.calendar import SHANGHAI
from models.case import Case, CaseState
from models.evaluation import EvaluatedGroup, Period, Ratio

HOURS = 24
WEEK_DAYS = 7
TOP = 10
"""Most entries of a breakdown (categories, channels, streets) the wall shows."""


def today(now: datetime) -> Period:
    """The Shanghai calendar day containing ``now`` (aware), half-open."""
    local = now.astimezone(SHANGHAI)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return Period(start, start + timedelta(days=1))


def week_before(day: Period) -> Period:
    """The seven days before ``day``: the baseline of the cases-per-hour chart."""
    return Period(day.start - timedelta(days=WEEK_DAYS), day.start)


@dataclass(frozen=True)
class DayTally:
    """What the wall counts from the store's cases for one day.

    Attributes:
        reported: Cases reported in the day (every source, voided ones too: they came in).
        closed: Cases closed (结案) in the day.
        overdue_now: Open cases past a deadline now.
        hourly: Cases reported per hour of the day, 24 values.
        categories: The day's reports per category code, most first, at most :data:`TOP`.
        sources: Per source channel, most first.
        streets: Per street/town code, most first, at most :data:`TOP`.
    """

    reported: int = 0
    closed: int = 0
    overdue_now: int = 0
    hourly: tuple[int, ...] = (0,) * HOURS
    categories: tuple[tuple[str, int], ...] = ()
    sources: tuple[tuple[str, int], ...] = ()
    streets: tuple[tuple[str, int], ...] = ()


def _top(counter: Counter[str], n: int) -> tuple[tuple[str, int], ...]:
    # Ties by code, so that equal counts do not swap places from one refresh to the next.
    return tuple(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:n])


def tally_day(cases: Iterable[Case], day: Period, top: int = TOP) -> DayTally:
    """Count one day's figures over ``cases`` (the store's, any order, any days).

    Args:
        cases: Cases; those of other days count only in the "now" figures.
        day: The day (see :func:`today`); its hours are counted from its start.
        top: Most entries per breakdown (sources are few and all kept).
    """
    start, end = day.start, day.end
    hours = max(1, round((end - start) / timedelta(hours=1)))
    hourly = [0] * hours
    categories: Counter[str] = Counter()
    sources: Counter[str] = Counter()
    streets: Counter[str] = Counter()
    reported = closed = overdue = 0
    for case in cases:
        if case.state.is_terminal:
            if (
                case.state is CaseState.CLOSED
                and case.closed_at is not None
                and start <= case.closed_at < end
            ):
                closed += 1
        else:
            overdue += case.overdue
        at = case.reported_at
        if start <= at < end:
            reported += 1
            hourly[min(hours - 1, int((at - start) / timedelta(hours=1)))] += 1
            categories[case.category] += 1
            sources[case.source.value] += 1
            street = case.location.street_code
            if street is not None:
                streets[street] += 1
    return DayTally(
        reported=reported,
        closed=closed,
        overdue_now=overdue,
        hourly=tuple(hourly),
        categories=_top(categories, top),
        sources=_top(sources, len(sources)),
        streets=_top(streets, top),
    )


def hourly_mean(counts: Sequence[int], hours_per_day: int = HOURS) -> tuple[float, ...]:
    """The mean count per hour of day over whole days of hourly ``counts``.

    Args:
        counts: Counts per hour from a midnight, a whole number of days of them.

    Raises:
        ValueError: ``counts`` is empty or not whole days.
    """
    days, rest = divmod(len(counts), hours_per_day)
    if not days or rest:
        raise ValueError(f"{len(counts)} hourly counts are not whole days of {hours_per_day}")
    return tuple(
        sum(counts[d * hours_per_day + h] for d in range(days)) / days for h in range(hours_per_day)
    )


def ratio_of(group: EvaluatedGroup, indicator: str) -> Ratio:
    """The ratio ``indicator`` of a group (a field of its indicators)."""
    value = getattr(group.indicators, indicator)
    if not isinstance(value, Ratio):
        raise ValueError(f"{indicator!r} is not a rate")
    return value


def rank(
    groups: Iterable[EvaluatedGroup], indicator: str, higher_is_better: bool = True
) -> list[EvaluatedGroup]:
    """``groups`` best first by the rate ``indicator``.

    Ties go to the group with more cases behind its rate (a full record beats a lucky
    one), then by key; groups with nothing to rate (an empty denominator) come last.
    """

    def key(group: EvaluatedGroup) -> tuple[int, float, int, str]:
        ratio = ratio_of(group, indicator)
        value = ratio.value
        if value is None:
            return (1, 0.0, 0, group.key)
        return (0, -value if higher_is_better else value, -ratio.denominator, group.key)

    return sorted(groups, key=key)
