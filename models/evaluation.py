"""The evaluation indicators (综合评价) as pure functions over flat case records.

The workflow turns each case's history into one :class:`CaseFacts`; :func:`evaluate`
groups the facts by a :class:`Dimension` and computes every indicator per group for one
:class:`Period`, as known at an instant ``as_of``. One pass over the facts, no I/O.

Counting rules
==============
Notation: the period is half-open, ``[start, end)``. An event *has happened* when its
timestamp is set and ``<= as_of``; a later timestamp is treated as not yet happened, so a
report for a past period can be re-run with the same ``as_of`` and give the same numbers.

**Timeliness steps.** Acceptance, filing, dispatch, handling, verification and closing
each have a completion time ``done`` and a deadline. A case is *due* for a step in the
period when its *settling instant* lies in ``[start, end)``, where the settling instant is

* ``done``, if the step has happened by its deadline (or the step has no deadline);
* the deadline, if the step happened late or has not happened and the deadline is
  ``<= as_of``;
* none (not due anywhere yet) if the step has not happened and the deadline is still
  ahead of ``as_of``, or there is neither a completion nor a deadline.

This is the standard "due = deadline reached, plus not yet due but already done"
(到期应结案数 + 未到期已结案数), with one refinement: every case settles in exactly one
instant, so it is counted in exactly one period. A case finished early counts in the
period it was finished; a case finished late counts in the period of its deadline (as a
late one), not again in the period it was finished. Counts therefore add up over
consecutive periods, and a month's figures never change because next month happened
(apart from late completions turning "pending" into "late").

* *on time* = happened and ``done <= deadline`` (a step with no deadline cannot be late;
  a completion exactly at the deadline is on time), except for closing, below;
* *overdue pending* = due for handling, not handled by ``as_of`` and deadline
  ``< as_of`` (at the deadline instant itself a case is due but not yet overdue).

**Indicators** (numerator / denominator; every denominator is a set of cases):

=====================  ======================================================================
handling               handled / due for handling
on_time_handling       handled on time / due for handling
overdue_pending        overdue and still pending / due for handling
extension              cases with an approved extension / due for handling
closing                closed / due for closing (any closing type counts as closed)
on_time_closing        closed on time / due for closing (按期结案, see below)
rework                 cases with at least one rework / due for closing
valid_report           valid reports / reports
on_time_acceptance     accepted on time / due for acceptance
on_time_filing         filed on time / due for filing
accurate_filing        filed cases not closed as erroneous / cases filed in period
accurate_dispatch      dispatched cases not misdispatched / cases first dispatched in period
on_time_dispatch       first dispatch on time / due for dispatch
on_time_verification   verified on time / due for verification
average_handling_time  mean of ``handled_at - dispatched_at`` over the *handled* cases of the
                       handling cohort (clock time, not working time)
satisfaction           mean satisfaction over the *closed* cases of the closing cohort that
                       have a score
=====================  ======================================================================

* The handling deadline is the final one, after approved extensions: an extension is not
  a lateness, it shows up in the extension rate instead.
* Closing. The closing deadline falls back to the handling deadline when the workflow
  sets none: "due for closing" is then the standard 应结案数 (handling time limit reached,
  or closed before it). A case *closed on time* (按期结案) is closed and, with the
  fallback, was *handled* on time (or, never handled, e.g. a special closing, closed on
  time): the time limit of the loop is the handling time limit, which is also what the
  workflow's closing type records (normal vs overdue), and the centre's own verification
  delay is judged by the on-time verification rate, not charged to the department. With
  an explicit closing deadline, ``closed_at <= closing_deadline`` decides. Either way a
  case settles at ``min(closed_at, deadline)`` like any step.
* *Accurate filing* uses the cases filed in the period; a case closed as ``erroneous``
  (错误结案, filed in error) by ``as_of`` was filed inaccurately.
* *Reports* are cases with ``reported_at`` in the period and a ``reporter`` (a
  supervisor or staff member; hotline and video cases have none). A report is *valid*
  unless it was voided because it was not valid: a report voided as a duplicate still
  saw a real problem.
* *Accurate dispatch* uses the cases first dispatched in the period; ``misdispatched``
  is the case's current flag (a return may come after ``as_of``, the record has no time
  for it).
* Voided cases count only in the report-validity indicator.
* A case closed by ``as_of`` without ever being handled (an erroneous or special
  closing) is not due for handling: there was no handling to judge, and it must not
  show as overdue pending forever. It still counts for closing.
* Counts are of cases, not of events: a case reworked twice is one reworked case.

**Groups.** Each fact goes to one group, its key in the chosen :class:`Dimension`
(``department``, ``street_code``, ...). A fact whose key is ``None`` (e.g. no reporter
for a hotline case when grouping by person) is not attributed to any group of that
dimension, so groups need not add up to the district. :attr:`Dimension.DISTRICT` puts
every fact in the one group :data:`DISTRICT_KEY` (``"all"``; the records carry no
district code and code lengths are data, not something to slice by). A group appears in
the result only when at least one indicator has a non-empty denominator.

Every indicator is computed for every group; which ones are meaningful depends on the
dimension: departments are judged on handling, closing, rework, extension and overdue;
persons and teams on report validity; operators on acceptance, filing and dispatch;
streets, communities, categories and the district on all of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from operator import attrgetter

import msgspec

from models.case import ClosingType
from models.errors import InvalidInput

__all__ = [
    "DISTRICT_KEY",
    "CaseFacts",
    "Counts",
    "Dimension",
    "EvaluatedGroup",
    "Indicators",
    "Period",
    "Ratio",
    "evaluate",
    "evaluate_one",
]

DISTRICT_KEY = "all"
"""The single group key of :attr:`Dimension.DISTRICT`."""


def _require_aware(field: str, value: datetime) -> None:
    # Comparing naive with aware datetimes raises deep inside evaluate(); refuse them at
    # the boundary instead, where the field can be named.
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInput(field, "datetime must be timezone-aware")


_FACT_DATETIMES = (
    "reported_at",
    "accepted_at",
    "acceptance_deadline",
    "filed_at",
    "filing_deadline",
    "dispatched_at",
    "dispatch_deadline",
    "handling_deadline",
    "handled_at",
    "verification_deadline",
    "verified_at",
    "closed_at",
    "closing_deadline",
)


class CaseFacts(msgspec.Struct, frozen=True, kw_only=True):
    """One case's history flattened into what the indicators need.

    Datetimes are timezone-aware; an optional one is ``None`` when the step did not
    happen (or has no deadline). Where a step can repeat, the field holds the instance
    that counts: the *first* dispatch (re-dispatch after a return is judged by
    ``misdispatched``), the *final* handling deadline after approved extensions, the
    feedback finally accepted as handled and the verification of that feedback.

    Attributes:
        case_number: The case's number.
        street_code: Code of the street/town sub-platform the case belongs to.
        community_code: Code of the community (社区/村).
        category_code: Catalogue class of the case.
        source: Information source (grid patrol, hotline, video...).
        reporter: Person id of the reporting supervisor or staff; ``None`` for citizen
            and machine sources.
        team: The reporter's team, or ``None``.
        operator: Person id of the operator who filed and dispatched, or ``None``.
        department: The department that handled the case, or ``None``.
        reported_at: When the report came in.
        accepted_at: When an operator accepted the report (受理).
        acceptance_deadline: Deadline for acceptance.
        filed_at: When the case was filed (立案).
        filing_deadline: Deadline for filing.
        dispatched_at: When the case was first dispatched (派遣).
        dispatch_deadline: Deadline for the first dispatch.
        handling_deadline: The final handling deadline, after approved extensions.
        handled_at: When the feedback was accepted as handled.
        verification_deadline: Deadline for verifying that feedback.
        verified_at: When the verification passed.
        closed_at: When the case was closed (结案).
        closing_deadline: Deadline for closing; ``None`` means the handling deadline.
        closing_type: How the case was closed, ``None`` while open.
        voided: The case was voided (作废).
        void_reason_invalid: Voided because the report was not valid (not e.g. a
            duplicate). Implies ``voided``.
        rework_count: Failed verifications sent back for rework (返工).
        extension_count: Approved extensions (延期).
        return_count: Orders returned by a department (回退).
        misdispatched: At least one return was for the wrong department.
        satisfaction: Satisfaction score in ``[0, 1]``, or ``None`` when not surveyed.
    """

    case_number: str
    street_code: str
    community_code: str
    category_code: str
    source: str
    reported_at: datetime
    reporter: str | None = None
    team: str | None = None
    operator: str | None = None
    department: str | None = None
    accepted_at: datetime | None = None
    acceptance_deadline: datetime | None = None
    filed_at: datetime | None = None
    filing_deadline: datetime | None = None
    dispatched_at: datetime | None = None
    dispatch_deadline: datetime | None = None
    handling_deadline: datetime | None = None
    handled_at: datetime | None = None
    verification_deadline: datetime | None = None
    verified_at: datetime | None = None
    closed_at: datetime | None = None
    closing_deadline: datetime | None = None
    closing_type: ClosingType | None = None
    voided: bool = False
    void_reason_invalid: bool = False
    rework_count: int = 0
    extension_count: int = 0
    return_count: int = 0
    misdispatched: bool = False
    satisfaction: float | None = None

    def __post_init__(self) -> None:
        for name in _FACT_DATETIMES:
            value = getattr(self, name)
            if value is not None:
                _require_aware(name, value)
        if self.closing_type is not None:
            try:
                ClosingType(self.closing_type)
            except ValueError:
                raise InvalidInput(
                    "closing_type", f"unknown closing type {self.closing_type!r}"
                ) from None
        for name in ("rework_count", "extension_count", "return_count"):
            if getattr(self, name) < 0:
                raise InvalidInput(name, "must not be negative")
        if self.satisfaction is not None and not 0.0 <= self.satisfaction <= 1.0:
            raise InvalidInput("satisfaction", "must be between 0 and 1")
        if self.void_reason_invalid and not self.voided:
            raise InvalidInput("void_reason_invalid", "set on a case that is not voided")
        if self.misdispatched and self.return_count == 0:
            raise InvalidInput("misdispatched", "set on a case that was never returned")


class Period(msgspec.Struct, frozen=True):
    """A half-open time interval ``[start, end)``.

    Attributes:
        start: First instant inside the period.
        end: First instant after the period.
    """

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        _require_aware("start", self.start)
        _require_aware("end", self.end)
        if self.end < self.start:
            raise InvalidInput("end", "period ends before it starts")

    def __contains__(self, instant: datetime) -> bool:
        return self.start <= instant < self.end


class Dimension(StrEnum):
    """What the facts are grouped by; the value names the grouping, not the field."""

    DEPARTMENT = "department"
    STREET = "street"
    COMMUNITY = "community"
    TEAM = "team"
    PERSON = "person"  # the reporter
    OPERATOR = "operator"
    CATEGORY = "category"
    DISTRICT = "district"  # everything, one group


_KEY_FIELD: dict[Dimension, str] = {
    Dimension.DEPARTMENT: "department",
    Dimension.STREET: "street_code",
    Dimension.COMMUNITY: "community_code",
    Dimension.TEAM: "team",
    Dimension.PERSON: "reporter",
    Dimension.OPERATOR: "operator",
    Dimension.CATEGORY: "category_code",
}

_CENT = Decimal("0.01")


class Ratio(msgspec.Struct, frozen=True):
    """A rate kept as its two counts, so that it can be re-aggregated and shown as "n/d".

    Attributes:
        numerator: Cases that meet the indicator.
        denominator: Cases the indicator is taken over.
    """

    numerator: int
    denominator: int

    def __post_init__(self) -> None:
        if not 0 <= self.numerator <= self.denominator:
            raise InvalidInput(
                "numerator", f"{self.numerator}/{self.denominator} is not a proportion"
            )

    @property
    def value(self) -> float | None:
        """The ratio in ``[0, 1]``, or ``None`` when nothing was counted."""
        if self.denominator == 0:
            return None
        return self.numerator / self.denominator

    @property
    def percent(self) -> float | None:
        """The ratio in percent, rounded half-up to 2 decimals (911/972 → 93.72).

        Half-up (四舍五入), as published reports round, rather than the float
        round-half-even: 1/800 gives 0.13, not 0.12.
        """
        if self.denominator == 0:
            return None
        exact = Decimal(self.numerator * 100) / Decimal(self.denominator)
        return float(exact.quantize(_CENT, rounding=ROUND_HALF_UP))


class Counts(msgspec.Struct, frozen=True, kw_only=True):
    """The raw counts behind :class:`Indicators`; all of them add up over groups and periods.

    Attributes:
        reports: Reports by a reporter in the period.
        valid_reports: Those not voided as invalid.
        due_for_acceptance: Cases due for acceptance.
        accepted_on_time: Of those, accepted on time.
        due_for_filing: Cases due for filing.
        filed_on_time: Of those, filed on time.
        filed: Cases filed in the period.
        filed_in_error: Of those, closed as erroneous.
        dispatched: Cases first dispatched in the period.
        misdispatched: Of those, returned at least once for the wrong department.
        due_for_dispatch: Cases due for (first) dispatch.
        dispatched_on_time: Of those, dispatched on time.
        due_for_handling: Cases due for handling.
        handled: Of those, handled.
        handled_on_time: Of those, handled on time.
        overdue_pending: Of those, past the deadline and not handled.
        extended: Of those, with at least one approved extension.
        due_for_verification: Cases due for verification.
        verified_on_time: Of those, verified on time.
        due_for_closing: Cases due for closing.
        closed: Of those, closed.
        closed_on_time: Of those, closed on time.
        reworked: Of those, reworked at least once.
        handling_time_samples: Handled cases with a dispatch time.
        handling_time_total: Sum of their handling times.
        satisfaction_samples: Closed cases with a satisfaction score.
        satisfaction_total: Sum of their scores.
    """

    reports: int = 0
    valid_reports: int = 0
    due_for_acceptance: int = 0
    accepted_on_time: int = 0
    due_for_filing: int = 0
    filed_on_time: int = 0
    filed: int = 0
    filed_in_error: int = 0
    dispatched: int = 0
    misdispatched: int = 0
    due_for_dispatch: int = 0
    dispatched_on_time: int = 0
    due_for_handling: int = 0
    handled: int = 0
    handled_on_time: int = 0
    overdue_pending: int = 0
    extended: int = 0
    due_for_verification: int = 0
    verified_on_time: int = 0
    due_for_closing: int = 0
    closed: int = 0
    closed_on_time: int = 0
    reworked: int = 0
    handling_time_samples: int = 0
    handling_time_total: timedelta = timedelta(0)
    satisfaction_samples: int = 0
    satisfaction_total: float = 0.0

    @property
    def is_empty(self) -> bool:
        """True when no indicator has anything to be taken over."""
        return not (
            self.reports
            or self.due_for_acceptance
            or self.due_for_filing
            or self.filed
            or self.dispatched
            or self.due_for_dispatch
            or self.due_for_handling
            or self.due_for_verification
            or self.due_for_closing
        )


class Indicators(msgspec.Struct, frozen=True, kw_only=True):
    """Every evaluation indicator of one group over one period.

    Build it with :meth:`from_counts`; the ratios are derived from :attr:`counts`.

    Attributes:
        handling: Handling rate (处置率).
        on_time_handling: On-time handling rate (按期处置率).
        overdue_pending: Overdue-pending rate (超期未处置率).
        extension: Extension rate (延期率).
        closing: Closing rate (结案率).
        on_time_closing: On-time closing rate (按期结案率).
        rework: Rework rate (返工率).
        valid_report: Valid-report rate of reporters (上报准确率).
        on_time_acceptance: On-time acceptance rate (按时受理率).
        on_time_filing: On-time filing rate (按时立案率).
        accurate_filing: Accurate filing rate (立案准确率).
        accurate_dispatch: Accurate dispatch rate (派遣准确率).
        on_time_dispatch: On-time dispatch rate (按时派遣率).
        on_time_verification: On-time verification rate (按时核查率).
        average_handling_time: Mean time from first dispatch to handled, or ``None``.
        satisfaction: Mean satisfaction in ``[0, 1]``, or ``None``.
        counts: The raw counts everything above is derived from.
    """

    handling: Ratio
    on_time_handling: Ratio
    overdue_pending: Ratio
    extension: Ratio
    closing: Ratio
    on_time_closing: Ratio
    rework: Ratio
    valid_report: Ratio
    on_time_acceptance: Ratio
    on_time_filing: Ratio
    accurate_filing: Ratio
    accurate_dispatch: Ratio
    on_time_dispatch: Ratio
    on_time_verification: Ratio
    average_handling_time: timedelta | None
    satisfaction: float | None
    counts: Counts

    @classmethod
    def from_counts(cls, counts: Counts) -> Indicators:
        """Derives every indicator from raw counts (e.g. counts summed over periods).

        Args:
            counts: The raw counts of one group.

        Returns:
            The indicators; ratios over an empty denominator have a ``None`` value.
        """
        c = counts
        return cls(
            handling=Ratio(c.handled, c.due_for_handling),
            on_time_handling=Ratio(c.handled_on_time, c.due_for_handling),
            overdue_pending=Ratio(c.overdue_pending, c.due_for_handling),
            extension=Ratio(c.extended, c.due_for_handling),
            closing=Ratio(c.closed, c.due_for_closing),
            on_time_closing=Ratio(c.closed_on_time, c.due_for_closing),
            rework=Ratio(c.reworked, c.due_for_closing),
            valid_report=Ratio(c.valid_reports, c.reports),
            on_time_acceptance=Ratio(c.accepted_on_time, c.due_for_acceptance),
            on_time_filing=Ratio(c.filed_on_time, c.due_for_filing),
            accurate_filing=Ratio(c.filed - c.filed_in_error, c.filed),
            accurate_dispatch=Ratio(c.dispatched - c.misdispatched, c.dispatched),
            on_time_dispatch=Ratio(c.dispatched_on_time, c.due_for_dispatch),
            on_time_verification=Ratio(c.verified_on_time, c.due_for_verification),
            average_handling_time=(
                c.handling_time_total / c.handling_time_samples if c.handling_time_samples else None
            ),
            satisfaction=(
                c.satisfaction_total / c.satisfaction_samples if c.satisfaction_samples else None
            ),
            counts=c,
        )


class EvaluatedGroup(msgspec.Struct, frozen=True, kw_only=True):
    """One group's indicators with its display names: a row of an evaluation table.

    Attributes:
        key: The group's key in its dimension (department code, street code, user id...).
        name_zh: Chinese name, ``""`` when unknown.
        name_en: English name, ``""`` when unknown (a person's one name is in both).
        indicators: The group's indicators.
    """

    key: str
    name_zh: str = ""
    name_en: str = ""
    indicators: Indicators


# Outcome of one timeliness step for one case in the period.
_OUT = 0  # not due in this period (or not at all yet)
_PENDING = 1  # due, not done by as_of
_LATE = 2  # due, done after the deadline
_ON_TIME = 3  # due, done by the deadline (or no deadline)


def _step(
    done: datetime | None,
    deadline: datetime | None,
    start: datetime,
    end: datetime,
    as_of: datetime,
) -> int:
    # The settling-instant rule of the module docstring; small ints rather than a
    # tuple so that the hot loop allocates nothing.
    if done is not None and done <= as_of:
        if deadline is None or done <= deadline:
            return _ON_TIME if start <= done < end else _OUT
        return _LATE if start <= deadline < end else _OUT
    if deadline is not None and deadline <= as_of and start <= deadline < end:
        return _PENDING
    return _OUT


class _Tally:
    """Mutable counters for one group while the facts stream past (fields of Counts)."""

    __slots__ = (
        "accepted_on_time",
        "closed",
        "closed_on_time",
        "dispatched",
        "dispatched_on_time",
        "due_for_acceptance",
        "due_for_closing",
        "due_for_dispatch",
        "due_for_filing",
        "due_for_handling",
        "due_for_verification",
        "extended",
        "filed",
        "filed_in_error",
        "filed_on_time",
        "handled",
        "handled_on_time",
        "handling_time_samples",
        "handling_time_total",
        "misdispatched",
        "overdue_pending",
        "reports",
        "reworked",
        "satisfaction_samples",
        "satisfaction_total",
        "valid_reports",
        "verified_on_time",
    )

    def __init__(self) -> None:
        self.reports = 0
        self.valid_reports = 0
        self.due_for_acceptance = 0
        self.accepted_on_time = 0
        self.due_for_filing = 0
        self.filed_on_time = 0
        self.filed = 0
        self.filed_in_error = 0
        self.dispatched = 0
        self.misdispatched = 0
        self.due_for_dispatch = 0
        self.dispatched_on_time = 0
        self.due_for_handling = 0
        self.handled = 0
        self.handled_on_time = 0
        self.overdue_pending = 0
        self.extended = 0
        self.due_for_verification = 0
        self.verified_on_time = 0
        self.due_for_closing = 0
        self.closed = 0
        self.closed_on_time = 0
        self.reworked = 0
        self.handling_time_samples = 0
        self.handling_time_total = timedelta(0)
        self.satisfaction_samples = 0
        self.satisfaction_total = 0.0

    def add(self, f: CaseFacts, start: datetime, end: datetime, as_of: datetime) -> None:
        if f.reporter is not None and start <= f.reported_at < end and f.reported_at <= as_of:
            self.reports += 1
            if not f.void_reason_invalid:
                self.valid_reports += 1
        if f.voided:
            return

        r = _step(f.accepted_at, f.acceptance_deadline, start, end, as_of)
        if r:
            self.due_for_acceptance += 1
            if r == _ON_TIME:
                self.accepted_on_time += 1

        closed_at = f.closed_at
        filed_at = f.filed_at
        if filed_at is not None and start <= filed_at < end and filed_at <= as_of:
            self.filed += 1
            if (
                f.closing_type == ClosingType.ERRONEOUS
                and closed_at is not None
                and closed_at <= as_of
            ):
                self.filed_in_error += 1
        r = _step(filed_at, f.filing_deadline, start, end, as_of)
        if r:
            self.due_for_filing += 1
            if r == _ON_TIME:
                self.filed_on_time += 1

        dispatched_at = f.dispatched_at
        if dispatched_at is not None and start <= dispatched_at < end and dispatched_at <= as_of:
            self.dispatched += 1
            if f.misdispatched:
                self.misdispatched += 1
        r = _step(dispatched_at, f.dispatch_deadline, start, end, as_of)
        if r:
            self.due_for_dispatch += 1
            if r == _ON_TIME:
                self.dispatched_on_time += 1

        handling_deadline = f.handling_deadline
        handled_at = f.handled_at
        if handled_at is None and closed_at is not None and closed_at <= as_of:
            # Closed without handling (erroneous or special closing): nothing is pending.
            r = _OUT
        else:
            r = _step(handled_at, handling_deadline, start, end, as_of)
        if r:
            self.due_for_handling += 1
            if f.extension_count:
                self.extended += 1
            if r == _PENDING:
                # _PENDING implies a deadline <= as_of; strictly before is overdue.
                if handling_deadline is not None and handling_deadline < as_of:
                    self.overdue_pending += 1
            else:
                self.handled += 1
                if r == _ON_TIME:
                    self.handled_on_time += 1
                if dispatched_at is not None and handled_at is not None:
                    self.handling_time_samples += 1
                    self.handling_time_total += handled_at - dispatched_at

        r = _step(f.verified_at, f.verification_deadline, start, end, as_of)
        if r:
            self.due_for_verification += 1
            if r == _ON_TIME:
                self.verified_on_time += 1

        own_closing_deadline = f.closing_deadline
        r = _step(
            closed_at,
            handling_deadline if own_closing_deadline is None else own_closing_deadline,
            start,
            end,
            as_of,
        )
        if r:
            self.due_for_closing += 1
            if f.rework_count:
                self.reworked += 1
            if r != _PENDING:
                self.closed += 1
                if own_closing_deadline is None and handled_at is not None:
                    # 按期结案 is judged by the handling time limit (module docstring).
                    on_time = handling_deadline is None or handled_at <= handling_deadline
                else:
                    on_time = r == _ON_TIME
                if on_time:
                    self.closed_on_time += 1
                if f.satisfaction is not None:
                    self.satisfaction_samples += 1
                    self.satisfaction_total += f.satisfaction

    def counts(self) -> Counts:
        return Counts(**{name: getattr(self, name) for name in self.__slots__})


def _key_of(by: Dimension) -> Callable[[CaseFacts], str | None]:
    if by == Dimension.DISTRICT:
        return lambda _fact: DISTRICT_KEY
    return attrgetter(_KEY_FIELD[by])


def evaluate(
    facts: Iterable[CaseFacts], period: Period, as_of: datetime, by: Dimension
) -> dict[str, Indicators]:
    """Computes every indicator per group, in one pass over the facts.

    Args:
        facts: Case records; any order, any time span (cases outside the period simply
            do not count).
        period: The evaluated period, half-open.
        as_of: The instant the evaluation is taken at; later events are ignored.
        by: The grouping; :attr:`Dimension.DISTRICT` gives the single key
            :data:`DISTRICT_KEY`.

    Returns:
        Indicators per group key, sorted by key. Facts with no key in the dimension are
        left out; groups with nothing to count in the period do not appear.

    Raises:
        InvalidInput: ``as_of`` is not timezone-aware.
    """
    _require_aware("as_of", as_of)
    key_of = _key_of(by)
    start, end = period.start, period.end
    tallies: dict[str, _Tally] = {}
    for fact in facts:
        key = key_of(fact)
        if key is None:
            continue
        tally = tallies.get(key)
        if tally is None:
            tally = tallies[key] = _Tally()
        tally.add(fact, start, end, as_of)
    result: dict[str, Indicators] = {}
    for key in sorted(tallies):
        counts = tallies[key].counts()
        if not counts.is_empty:
            result[key] = Indicators.from_counts(counts)
    return result


def evaluate_one(
    facts: Iterable[CaseFacts],
    period: Period,
    as_of: datetime,
    *,
    by: Dimension = Dimension.DISTRICT,
    key: str = DISTRICT_KEY,
) -> Indicators:
    """Computes the indicators of a single group.

    With the defaults every fact counts, so a caller that has already selected the facts
    (say, one department's) gets their indicators directly.

    Args:
        facts: Case records, as for :func:`evaluate`.
        period: The evaluated period, half-open.
        as_of: The instant the evaluation is taken at.
        by: The dimension ``key`` belongs to.
        key: The group, e.g. a department id when ``by`` is ``DEPARTMENT``.

    Returns:
        The group's indicators; all ratios have ``None`` values if nothing counted.

    Raises:
        InvalidInput: ``as_of`` is not timezone-aware, or ``by`` is ``DISTRICT`` with a
            key other than :data:`DISTRICT_KEY`.
    """
    _require_aware("as_of", as_of)
    if by == Dimension.DISTRICT and key != DISTRICT_KEY:
        raise InvalidInput("key", f"the district group is {DISTRICT_KEY!r}, not {key!r}")
    key_of = _key_of(by)
    start, end = period.start, period.end
    tally = _Tally()
    for fact in facts:
        if key_of(fact) == key:
            tally.add(fact, start, end, as_of)
    return Indicators.from_counts(tally.counts())
