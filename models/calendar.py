"""The working calendar and arithmetic in working time (工作时/工作日).

Handling deadlines are counted in working hours or working days (DOMAIN.md), so the
platform needs to know when departments work: working periods per weekday, public holidays
and make-up working days (调休), all in one time zone (default Asia/Shanghai).

Conventions, shared by every method:

* Instants are timezone-aware ``datetime`` values; naive ones are rejected with
  :class:`~models.errors.InvalidInput`. Results are returned in UTC. Calendar logic (which
  day it is, when a period begins) is done in the calendar's zone.
* A working period is half-open: ``[start, end)``. At 12:00 sharp with a 08:30–12:00
  period the department is no longer working, so ``is_working`` is false and
  ``next_working_instant`` gives 13:00.
* ``add_working(start, d)`` is the *earliest* instant by which ``d`` of working time has
  elapsed since ``start``. Hence an amount that runs out exactly at a period's end gives
  that end (08:30 + 3.5 h → 12:00, not 13:00); an amount that is positive never yields a
  period's start; and ``add_working(start, 0)`` is ``start`` itself, wherever it lies.
  Counting starts at the next working instant when ``start`` is outside working time.
* ``working_between(start, add_working(start, d)) == d`` exactly (microsecond arithmetic,
  no floats), which the deadline policy relies on for warnings, suspensions and extensions.
* Make-up working days use the periods of ``makeup_weekday`` (Monday by default), and
  that weekday's length is the *standard working day* used to turn working days into
  working time.
"""

from __future__ import annotations

import bisect
import functools
import importlib.resources
import itertools
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from models.errors import InvalidInput, LoadError

SHANGHAI = ZoneInfo("Asia/Shanghai")

WEEKDAY_NAMES: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""Weekday names as used in calendar files, indexed like ``date.weekday()``."""

_DAY = timedelta(days=1)
_WEEK = timedelta(days=7)
_ZERO = timedelta(0)


@dataclass(frozen=True)
class WorkPeriod:
    """A span of working wall-clock time within one day: ``start`` included, ``end`` not.

    Attributes:
        start: Local wall-clock time the period begins (no tzinfo; the calendar has the zone).
        end: Local wall-clock time the period ends; must be after ``start`` on the same day.
    """

    start: time
    end: time

    def __post_init__(self) -> None:
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise InvalidInput("period", "times must be wall-clock times without a zone")
        if self.end <= self.start:
            raise InvalidInput("period.end", f"{self.end} is not after start {self.start}")

    @property
    def length(self) -> timedelta:
        """The wall-clock length of the period."""
        return datetime.combine(date.min, self.end) - datetime.combine(date.min, self.start)


DEFAULT_DAY: tuple[WorkPeriod, ...] = (
    WorkPeriod(time(8, 30), time(12, 0)),
    WorkPeriod(time(13, 0), time(17, 30)),
)
"""08:30–12:00 and 13:00–17:30: eight working hours."""

DEFAULT_WEEK: tuple[tuple[WorkPeriod, ...], ...] = (DEFAULT_DAY,) * 5 + ((),) * 2
"""Monday to Friday work the default day; Saturday and Sunday are rest days."""


def to_utc(value: object, name: str) -> datetime:
    """Checks that ``value`` is an aware datetime and returns it in UTC.

    Args:
        value: The value to check.
        name: The field to name in the error.

    Raises:
        InvalidInput: If ``value`` is not a datetime or is naive.
    """
    if not isinstance(value, datetime):
        raise InvalidInput(name, f"expected a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInput(name, f"{value.isoformat()} has no time zone")
    return value.astimezone(UTC)


@dataclass(frozen=True)
class WorkCalendar:
    """When departments work, and arithmetic in working time.

    Attributes:
        zone: Time zone of the wall-clock periods and of the dates below.
        week: Seven tuples of working periods, Monday first; an empty tuple is a rest day.
        holidays: Dates with no working time, whatever their weekday.
        makeup_days: Rest days that are worked (调休); they use the ``makeup_weekday`` periods.
        makeup_weekday: Weekday (0 = Monday) whose periods make-up days follow; its length is
            the standard working day.
        holiday_years: Years for which ``holidays``/``makeup_days`` hold the official notice;
            outside them the calendar only knows the weekly pattern.

    Raises:
        InvalidInput: On overlapping periods, a make-up day that is a holiday or already a
            working day, or a ``makeup_weekday`` without periods.
    """

    zone: tzinfo = SHANGHAI
    week: tuple[tuple[WorkPeriod, ...], ...] = DEFAULT_WEEK
    holidays: frozenset[date] = frozenset()
    makeup_days: frozenset[date] = frozenset()
    makeup_weekday: int = 0
    holiday_years: frozenset[int] = frozenset()

    # Derived in __post_init__ so that long spans can skip whole ordinary weeks.
    _exceptions: tuple[date, ...] = field(init=False, repr=False, compare=False)
    _week_length: timedelta = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.zone, tzinfo):
            raise InvalidInput("zone", f"expected a tzinfo, got {type(self.zone).__name__}")
        if len(self.week) != 7:
            raise InvalidInput("week", f"needs 7 days (Monday first), got {len(self.week)}")
        week = tuple(tuple(sorted(day, key=lambda p: p.start)) for day in self.week)
        for index, day in enumerate(week):
            for before, after in itertools.pairwise(day):
                if after.start < before.end:
                    raise InvalidInput(
                        "week",
                        f"{WEEKDAY_NAMES[index]}: {after.start}–{after.end} overlaps "
                        f"{before.start}–{before.end}",
                    )
        holidays = frozenset(self.holidays)
        makeup_days = frozenset(self.makeup_days)
        for name, dates in (("holidays", holidays), ("makeup_days", makeup_days)):
            for d in dates:
                # A datetime is a date too, but would never compare equal to a day.
                if isinstance(d, datetime) or not isinstance(d, date):
                    raise InvalidInput(name, f"{d!r} is not a date")
        if not 0 <= self.makeup_weekday <= 6:
            raise InvalidInput("makeup_weekday", f"{self.makeup_weekday} is not 0 (Mon) to 6")
        if not week[self.makeup_weekday]:
            raise InvalidInput(
                "makeup_weekday", f"{WEEKDAY_NAMES[self.makeup_weekday]} has no working periods"
            )
        for d in sorted(makeup_days):
            if d in holidays:
                raise InvalidInput("makeup_days", f"{d} is also a holiday")
            if week[d.weekday()]:
                raise InvalidInput(
                    "makeup_days", f"{d} is a {WEEKDAY_NAMES[d.weekday()]}, already a working day"
                )
        object.__setattr__(self, "week", week)
        object.__setattr__(self, "holidays", holidays)
        object.__setattr__(self, "makeup_days", makeup_days)
        object.__setattr__(self, "holiday_years", frozenset(self.holiday_years))
        object.__setattr__(self, "_exceptions", tuple(sorted(holidays | makeup_days)))
        object.__setattr__(
            self, "_week_length", sum((p.length for day in week for p in day), _ZERO)
        )

    # -- day-level helpers -------------------------------------------------------------

    def periods_on(self, d: date) -> tuple[WorkPeriod, ...]:
        """The wall-clock working periods of local date ``d`` (empty on a day off)."""
        if d in self.holidays:
            return ()
        if d in self.makeup_days:
            return self.week[self.makeup_weekday]
        return self.week[d.weekday()]

    def _intervals(self, d: date) -> list[tuple[datetime, datetime]]:
        """The working intervals of local date ``d`` as UTC instants, in time order."""
        out = []
        for period in self.periods_on(d):
            start = datetime.combine(d, period.start, tzinfo=self.zone).astimezone(UTC)
            end = datetime.combine(d, period.end, tzinfo=self.zone).astimezone(UTC)
            # A period swallowed by a DST gap would come out empty or inverted.
            if end > start:
                out.append((start, end))
        return out

    def _local_date(self, t: datetime) -> date:
        return t.astimezone(self.zone).date()

    def _is_ordinary_week(self, d: date) -> bool:
        """True if the seven days from ``d`` hold no holiday, no make-up day, no DST change.

        Such a week has exactly ``_week_length`` of working time and can be skipped whole.
        """
        i = bisect.bisect_left(self._exceptions, d)
        if i < len(self._exceptions) and self._exceptions[i] < d + _WEEK:
            return False
        midnight = time(0)
        offset_before = datetime.combine(d, midnight, tzinfo=self.zone).utcoffset()
        offset_after = datetime.combine(d + _WEEK, midnight, tzinfo=self.zone).utcoffset()
        return offset_before == offset_after

    # -- public API ----------------------------------------------------------------------

    @property
    def standard_day_length(self) -> timedelta:
        """The length of a standard working day (``makeup_weekday``'s periods): 8 h by default."""
        return sum((p.length for p in self.week[self.makeup_weekday]), _ZERO)

    def has_holiday_data(self, d: date) -> bool:
        """Whether the calendar holds the official holiday notice for ``d``'s year.

        Outside those years, holidays are unknown and only the weekly pattern applies; the
        console can use this to warn that the calendar file needs its yearly update.
        """
        return d.year in self.holiday_years

    def working_day_length(self, d: date) -> timedelta:
        """The working time of local date ``d``: 0 on a rest day or holiday.

        Args:
            d: A calendar date in the calendar's zone (not a datetime).

        Raises:
            InvalidInput: If ``d`` is a datetime or not a date.
        """
        if isinstance(d, datetime) or not isinstance(d, date):
            raise InvalidInput("d", f"expected a date, got {type(d).__name__}")
        return sum((end - start for start, end in self._intervals(d)), _ZERO)

    def is_working(self, t: datetime) -> bool:
        """Whether ``t`` lies inside a working period (start included, end excluded).

        Raises:
            InvalidInput: If ``t`` is naive.
        """
        u = to_utc(t, "t")
        return any(start <= u < end for start, end in self._intervals(self._local_date(u)))

    def next_working_instant(self, t: datetime) -> datetime:
        """``t`` itself if it is working time, else the start of the next working period.

        Returns:
            A UTC datetime.

        Raises:
            InvalidInput: If ``t`` is naive.
        """
        u = to_utc(t, "t")
        d = self._local_date(u)
        # Terminates: __post_init__ ensures a working weekday and the holidays are finite.
        while True:
            for start, end in self._intervals(d):
                if end > u:
                    return max(start, u)
            d += _DAY

    def add_working(self, start: datetime, duration: timedelta) -> datetime:
        """The earliest instant by which ``duration`` of working time has elapsed from ``start``.

        Counting begins at the next working instant if ``start`` is outside working time.
        An amount that runs out exactly at a period's end returns that end (Monday 08:30 +
        3.5 h → Monday 12:00, not 13:00); a zero duration returns ``start``.

        Args:
            start: Aware datetime to count from.
            duration: Working time to add; not negative.

        Returns:
            A UTC datetime ``r`` with ``working_between(start, r) == duration``.

        Raises:
            InvalidInput: If ``start`` is naive or ``duration`` negative.
        """
        u = to_utc(start, "start")
        if not isinstance(duration, timedelta):
            raise InvalidInput("duration", f"expected a timedelta, got {type(duration).__name__}")
        if duration < _ZERO:
            raise InvalidInput("duration", f"{duration} is negative")
        if duration == _ZERO:
            return u
        remaining = duration
        d = self._local_date(u)
        first_day = True
        while True:
            # Strictly greater, so an amount that fills the week exactly ends on its last
            # period's end instead of skipping past it.
            if not first_day and remaining > self._week_length and self._is_ordinary_week(d):
                remaining -= self._week_length
                d += _WEEK
                continue
            for period_start, period_end in self._intervals(d):
                if period_end <= u:
                    continue
                begin = max(period_start, u)
                available = period_end - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
            first_day = False
            d += _DAY

    def working_between(self, a: datetime, b: datetime) -> timedelta:
        """The working time in ``[a, b]``; zero if ``b <= a``.

        Raises:
            InvalidInput: If ``a`` or ``b`` is naive.
        """
        ua = to_utc(a, "a")
        ub = to_utc(b, "b")
        if ub <= ua:
            return _ZERO
        first = self._local_date(ua)
        last = self._local_date(ub)
        total = _ZERO
        d = first
        while d <= last:
            # Days strictly between the first and the last lie wholly inside [a, b].
            if first < d and d + _WEEK <= last and self._is_ordinary_week(d):
                total += self._week_length
                d += _WEEK
                continue
            for start, end in self._intervals(d):
                overlap = min(end, ub) - max(start, ua)
                if overlap > _ZERO:
                    total += overlap
            d += _DAY
        return total


# -- loading ---------------------------------------------------------------------------

_TIME_RE = re.compile(r"(\d{1,2}):(\d{2})")
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MAX_HOLIDAY_SPAN = timedelta(days=31)
_TOP_KEYS = frozenset(
    {"zone", "makeup_weekday", "holiday_years", "periods", "holidays", "makeup_days"}
)
_ENTRY_KEYS = {
    "periods": frozenset({"days", "start", "end"}),
    "holidays": frozenset({"name", "first", "last"}),
    "makeup_days": frozenset({"name", "date"}),
}


class _Loader:
    """Validates one calendar document; every error names file, entry and field."""

    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, row: int | None, field_name: str | None, problem: str) -> LoadError:
        return LoadError(self.file, row, field_name, problem)

    def entries(self, doc: Mapping[str, Any], key: str) -> list[tuple[int, Mapping[str, Any]]]:
        value = doc.get(key, [])
        if not isinstance(value, list):
            raise self.fail(None, key, f"expected a list of tables ([[{key}]])")
        out: list[tuple[int, Mapping[str, Any]]] = []
        for row, entry in enumerate(value, start=1):
            if not isinstance(entry, dict):
                raise self.fail(row, key, "expected a table")
            for name in entry:
                if name not in _ENTRY_KEYS[key]:
                    allowed = ", ".join(sorted(_ENTRY_KEYS[key]))
                    raise self.fail(row, f"{key}.{name}", f"unknown field (allowed: {allowed})")
            out.append((row, entry))
        return out

    def weekday(self, value: object, row: int | None, field_name: str) -> int:
        if isinstance(value, str) and value.lower() in WEEKDAY_NAMES:
            return WEEKDAY_NAMES.index(value.lower())
        raise self.fail(row, field_name, f"{value!r} is not one of {', '.join(WEEKDAY_NAMES)}")

    def time_of_day(self, entry: Mapping[str, Any], row: int, key: str) -> time:
        field_name = f"periods.{key}"
        if key not in entry:
            raise self.fail(row, field_name, "missing")
        value = entry[key]
        if isinstance(value, time):  # a TOML local time such as 08:30:00
            return value
        if isinstance(value, str):
            match = _TIME_RE.fullmatch(value.strip())
            if match:
                hour, minute = int(match[1]), int(match[2])
                if hour <= 23 and minute <= 59:
                    return time(hour, minute)
        raise self.fail(row, field_name, f"{value!r} is not a time of day HH:MM (00:00–23:59)")

    def day(self, entry: Mapping[str, Any], row: int, key: str, field_name: str) -> date:
        if key not in entry:
            raise self.fail(row, field_name, "missing")
        value = entry[key]
        # TOML local dates arrive as date; offset/local date-times are datetimes, not days.
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        if isinstance(value, str) and _DATE_RE.fullmatch(value.strip()):
            try:
                return date.fromisoformat(value.strip())
            except ValueError as exc:
                raise self.fail(row, field_name, f"{value!r} is not a valid date: {exc}") from None
        raise self.fail(row, field_name, f"{value!r} is not a date YYYY-MM-DD")

    def name(self, entry: Mapping[str, Any], row: int, key: str) -> None:
        if "name" in entry and not isinstance(entry["name"], str):
            raise self.fail(row, f"{key}.name", "expected a string")

    def load(self, doc: Mapping[str, Any]) -> WorkCalendar:
        for key in doc:
            if key not in _TOP_KEYS:
                raise self.fail(None, key, f"unknown key (allowed: {', '.join(sorted(_TOP_KEYS))})")

        zone_name = doc.get("zone", "Asia/Shanghai")
        if not isinstance(zone_name, str):
            raise self.fail(None, "zone", "expected an IANA zone name such as 'Asia/Shanghai'")
        try:
            zone = ZoneInfo(zone_name)
        except (ZoneInfoNotFoundError, ValueError):
            raise self.fail(None, "zone", f"unknown time zone {zone_name!r}") from None

        years_value = doc.get("holiday_years", [])
        if not isinstance(years_value, list) or not all(
            isinstance(y, int) and not isinstance(y, bool) and 1900 <= y <= 9999
            for y in years_value
        ):
            raise self.fail(None, "holiday_years", "expected a list of years such as [2025, 2026]")
        years = frozenset(years_value)

        week = self.load_periods(doc)
        makeup_weekday = self.weekday(doc.get("makeup_weekday", "mon"), None, "makeup_weekday")
        if not week[makeup_weekday]:
            raise self.fail(
                None, "makeup_weekday", f"{WEEKDAY_NAMES[makeup_weekday]} has no working periods"
            )

        holidays: dict[date, int] = {}
        for row, entry in self.entries(doc, "holidays"):
            self.name(entry, row, "holidays")
            first = self.day(entry, row, "first", "holidays.first")
            last = self.day(entry, row, "last", "holidays.last") if "last" in entry else first
            if last < first:
                raise self.fail(row, "holidays.last", f"{last} is before first {first}")
            # Official holidays last days, not months; a long span is a typo in a year.
            if last - first > _MAX_HOLIDAY_SPAN:
                raise self.fail(
                    row,
                    "holidays.last",
                    f"{first}–{last} is longer than {_MAX_HOLIDAY_SPAN.days} days",
                )
            if years and first.year not in years:
                raise self.fail(row, "holidays.first", f"{first.year} is not in holiday_years")
            if years and last.year not in years:
                raise self.fail(row, "holidays.last", f"{last.year} is not in holiday_years")
            d = first
            while d <= last:
                holidays.setdefault(d, row)
                d += _DAY

        makeup_days: dict[date, int] = {}
        for row, entry in self.entries(doc, "makeup_days"):
            self.name(entry, row, "makeup_days")
            d = self.day(entry, row, "date", "makeup_days.date")
            if d in makeup_days:
                raise self.fail(row, "makeup_days.date", f"{d} repeats entry {makeup_days[d]}")
            if d in holidays:
                raise self.fail(
                    row, "makeup_days.date", f"{d} is a holiday (holidays entry {holidays[d]})"
                )
            if week[d.weekday()]:
                raise self.fail(
                    row,
                    "makeup_days.date",
                    f"{d} is a {WEEKDAY_NAMES[d.weekday()]}, already a working day",
                )
            if years and d.year not in years:
                raise self.fail(row, "makeup_days.date", f"{d.year} is not in holiday_years")
            makeup_days[d] = row

        try:
            return WorkCalendar(
                zone=zone,
                week=week,
                holidays=frozenset(holidays),
                makeup_days=frozenset(makeup_days),
                makeup_weekday=makeup_weekday,
                holiday_years=years,
            )
        except InvalidInput as exc:  # the checks above should have caught it first
            raise self.fail(None, exc.field, exc.problem) from exc

    def load_periods(self, doc: Mapping[str, Any]) -> tuple[tuple[WorkPeriod, ...], ...]:
        if "periods" not in doc:
            # An omitted section means the default working week, not "never working".
            return DEFAULT_WEEK
        days: list[list[tuple[WorkPeriod, int]]] = [[] for _ in WEEKDAY_NAMES]
        entries = self.entries(doc, "periods")
        if not entries:
            raise self.fail(None, "periods", "at least one working period is needed")
        for row, entry in entries:
            weekdays = entry.get("days")
            if not isinstance(weekdays, list) or not weekdays:
                raise self.fail(row, "periods.days", "expected a non-empty list such as ['mon']")
            indices = [self.weekday(w, row, "periods.days") for w in weekdays]
            if len(set(indices)) != len(indices):
                raise self.fail(row, "periods.days", "a weekday is listed twice")
            start = self.time_of_day(entry, row, "start")
            end = self.time_of_day(entry, row, "end")
            if end <= start:
                raise self.fail(row, "periods.end", f"{end:%H:%M} is not after start {start:%H:%M}")
            period = WorkPeriod(start, end)
            for index in indices:
                for other, other_row in days[index]:
                    if period.start < other.end and other.start < period.end:
                        raise self.fail(
                            row,
                            "periods.start",
                            f"{WEEKDAY_NAMES[index]} {start:%H:%M}–{end:%H:%M} overlaps "
                            f"{other.start:%H:%M}–{other.end:%H:%M} of entry {other_row}",
                        )
                days[index].append((period, row))
        return tuple(
            tuple(p for p, _ in sorted(day, key=lambda item: item[0].start)) for day in days
        )


def _parse(data: bytes, file: str) -> WorkCalendar:
    try:
        doc = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise LoadError(file, None, None, f"not UTF-8 text: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise LoadError(file, None, None, f"not valid TOML: {exc}") from None
    return _Loader(file).load(doc)


def load_calendar(path: str | os.PathLike[str]) -> WorkCalendar:
    """Loads a working calendar from a TOML file.

    The file holds ``zone``, ``makeup_weekday``, ``holiday_years`` and the lists
    ``[[periods]]`` (``days``, ``start``, ``end``), ``[[holidays]]`` (``name``, ``first``,
    optional ``last``, inclusive) and ``[[makeup_days]]`` (``name``, ``date``); see
    ``resources/calendar/shanghai.toml``.

    Args:
        path: The file to read.

    Returns:
        The validated calendar.

    Raises:
        LoadError: If the file cannot be read or parsed, or an entry is invalid: the error
            names the file, the entry (1-based index in its list, as ``row``) and the field
            (such as ``holidays.last``).
    """
    file = os.fspath(path)
    try:
        with open(file, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise LoadError(file, None, None, f"cannot read the file: {exc.strerror}") from None
    return _parse(data, file)


@functools.cache
def default_calendar() -> WorkCalendar:
    """The shipped Shanghai calendar with Mainland China's holidays (2025 and 2026).

    Cached: the calendar is immutable.
    """
    resource = importlib.resources.files("resources").joinpath("calendar").joinpath("shanghai.toml")
    return _parse(resource.read_bytes(), "resources/calendar/shanghai.toml")
