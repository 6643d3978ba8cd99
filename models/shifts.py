"""The shift schedule (班次): which shift an instant falls in, and who works it.

The centre works 7×24 in shifts handed over without a gap (DOMAIN.md): by default day
08:00–20:00 and night 20:00–08:00, Asia/Shanghai. The schedule is data
(``resources/shifts/schedule.toml``), loaded and validated here.

Conventions:

* A shift is half-open, ``[start, end)``: at 20:00 sharp the night shift has begun.
* A shift is named by the local date it *starts* on and its name: the night shift from
  2026-11-30 20:00 to 2026-12-01 08:00 is ``"2026-11-30/night"``.
* Each shift ends where the next one begins, computed the same way, so consecutive shifts
  touch exactly, also in a zone with daylight saving time (where a night shift may then last
  11 or 13 hours). Instants are aware datetimes; results are in UTC.
"""

from __future__ import annotations

import functools
import importlib.resources
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec

from models.calendar import SHANGHAI, to_utc
from models.errors import InvalidInput, LoadError

DEFAULT_REMINDER_MINUTES: tuple[int, ...] = (10, 30, 60)
"""Minutes after a shift's end at which an unsigned handover is reminded, reminded again
and escalated to the leader."""

_NAME_RE = re.compile(r"[a-z][a-z0-9_]{0,15}")
_TIME_RE = re.compile(r"(\d{1,2}):(\d{2})")
_ID_RE = re.compile(r"(\d{4}-\d{2}-\d{2})/([a-z][a-z0-9_]{0,15})")
_DAY = timedelta(days=1)


@dataclass(frozen=True)
class ShiftKind:
    """One shift of every day, as the schedule defines it.

    Attributes:
        name: Short name used in shift ids, e.g. ``"night"``.
        start: Local wall-clock time the shift begins; it ends when the next kind begins.
        name_zh: Display name in Chinese (白班).
        name_en: Display name in English.
    """

    name: str
    start: time
    name_zh: str = ""
    name_en: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not _NAME_RE.fullmatch(self.name):
            raise InvalidInput("name", f"{self.name!r} is not 1-16 of a-z, 0-9, _ (from a letter)")
        if not isinstance(self.start, time) or self.start.tzinfo is not None:
            raise InvalidInput("start", "must be a wall-clock time without a zone")


class Shift(msgspec.Struct, frozen=True, kw_only=True):
    """One concrete shift.

    Attributes:
        id: ``"<local start date>/<name>"``, e.g. ``"2026-11-30/night"``.
        name: The kind's name.
        name_zh: Display name in Chinese.
        name_en: Display name in English.
        start: First instant of the shift (UTC).
        end: First instant after it (UTC), the start of the next shift.
        zone: The schedule's zone (IANA name), to show the times as the centre sees them.
    """

    id: str
    name: str
    name_zh: str
    name_en: str
    start: datetime
    end: datetime
    zone: str

    def __contains__(self, instant: datetime) -> bool:
        return self.start <= to_utc(instant, "instant") < self.end

    @property
    def local_start(self) -> datetime:
        return self.start.astimezone(ZoneInfo(self.zone))

    @property
    def local_end(self) -> datetime:
        return self.end.astimezone(ZoneInfo(self.zone))


class Roster(msgspec.Struct, frozen=True, kw_only=True):
    """Who works a shift: plain data, as planned or as observed.

    Attributes:
        supervisor: The shift supervisor's user id (值班长), if known.
        operators: User ids of the platform operators (信息平台操作员).
        units: Ids of the field units on duty.
    """

    supervisor: str | None = None
    operators: tuple[str, ...] = ()
    units: tuple[str, ...] = ()


@dataclass(frozen=True)
class ShiftSchedule:
    """The shifts of every day, in one zone.

    Attributes:
        kinds: The shifts in order of start time; each runs until the next one starts (the
            last until the first of the next day).
        zone: The zone of the wall-clock start times.
        reminder_minutes: Minutes after a shift's end at which an unsigned handover raises
            its escalating reminders (increasing).

    Raises:
        InvalidInput: No shift, two shifts starting at the same time or with the same name,
            or reminder minutes that are not positive and increasing.
    """

    kinds: tuple[ShiftKind, ...]
    zone: tzinfo = SHANGHAI
    reminder_minutes: tuple[int, ...] = DEFAULT_REMINDER_MINUTES

    def __post_init__(self) -> None:
        if not self.kinds:
            raise InvalidInput("kinds", "a schedule needs at least one shift")
        kinds = tuple(sorted(self.kinds, key=lambda k: k.start))
        names = [k.name for k in kinds]
        if len(set(names)) != len(names):
            raise InvalidInput("kinds", f"a shift name is used twice: {names}")
        starts = [k.start for k in kinds]
        if len(set(starts)) != len(starts):
            raise InvalidInput("kinds", "two shifts start at the same time")
        if not isinstance(self.zone, tzinfo):
            raise InvalidInput("zone", f"expected a tzinfo, got {type(self.zone).__name__}")
        minutes = tuple(self.reminder_minutes)
        if any(m <= 0 for m in minutes) or list(minutes) != sorted(set(minutes)):
            raise InvalidInput("reminder_minutes", f"{list(minutes)} is not positive, increasing")
        object.__setattr__(self, "kinds", kinds)
        object.__setattr__(self, "reminder_minutes", minutes)

    @property
    def zone_name(self) -> str:
        return getattr(self.zone, "key", None) or str(self.zone)

    def kind(self, name: str) -> ShiftKind:
        """The kind named ``name``.

        Raises:
            InvalidInput: No shift of that name.
        """
        for kind in self.kinds:
            if kind.name == name:
                return kind
        raise InvalidInput("shift", f"no shift named {name!r} in the schedule")

    def _start(self, day: date, index: int) -> datetime:
        # Wall-clock time in the zone, then UTC: DST changes lengthen or shorten a shift.
        local = datetime.combine(day, self.kinds[index].start, tzinfo=self.zone)
        return local.astimezone(UTC)

    def _shift(self, day: date, index: int) -> Shift:
        kind = self.kinds[index]
        following = (day, index + 1) if index + 1 < len(self.kinds) else (day + _DAY, 0)
        return Shift(
            id=f"{day.isoformat()}/{kind.name}",
            name=kind.name,
            name_zh=kind.name_zh or kind.name,
            name_en=kind.name_en or kind.name,
            start=self._start(day, index),
            end=self._start(*following),
            zone=self.zone_name,
        )

    def shift_at(self, instant: datetime) -> Shift:
        """The shift ``instant`` falls in.

        Raises:
            InvalidInput: ``instant`` is naive.
        """
        u = to_utc(instant, "instant")
        local_day = u.astimezone(self.zone).date()
        # The shift may have begun the day before (a night shift after midnight).
        for day in (local_day, local_day - _DAY):
            for index in reversed(range(len(self.kinds))):
                if self._start(day, index) <= u:
                    return self._shift(day, index)
        raise AssertionError("unreachable: some shift of the day before has started")

    def shift(self, shift_id: str) -> Shift:
        """The shift with id ``shift_id`` (``"2026-11-30/night"``).

        Raises:
            InvalidInput: Malformed id, invalid date, or a name the schedule lacks.
        """
        match = _ID_RE.fullmatch(shift_id) if isinstance(shift_id, str) else None
        if match is None:
            raise InvalidInput("shift_id", f"{shift_id!r} is not like '2026-11-30/night'")
        try:
            day = date.fromisoformat(match[1])
        except ValueError:
            raise InvalidInput("shift_id", f"{match[1]!r} is not a valid date") from None
        kind = self.kind(match[2])
        return self._shift(day, self.kinds.index(kind))

    def next_shift(self, shift: Shift) -> Shift:
        """The shift after ``shift`` (it starts when ``shift`` ends)."""
        return self.shift_at(shift.end)

    def previous_shift(self, shift: Shift) -> Shift:
        """The shift before ``shift`` (it ends when ``shift`` starts)."""
        return self.shift_at(shift.start - timedelta(microseconds=1))


# -- loading ---------------------------------------------------------------------------

_TOP_KEYS = frozenset({"zone", "shifts", "reminder_minutes"})
_SHIFT_KEYS = frozenset({"name", "name_zh", "name_en", "start", "end"})


class _Loader:
    """Validates one schedule document; every error names file, entry and field."""

    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, row: int | None, field: str | None, problem: str) -> LoadError:
        return LoadError(self.file, row, field, problem)

    def time_of_day(self, entry: Mapping[str, Any], row: int, key: str) -> time:
        field = f"shifts.{key}"
        if key not in entry:
            raise self.fail(row, field, "missing")
        value = entry[key]
        if isinstance(value, time) and value.tzinfo is None:  # TOML local time 08:00:00
            return value
        if isinstance(value, str):
            match = _TIME_RE.fullmatch(value.strip())
            if match and int(match[1]) <= 23 and int(match[2]) <= 59:
                return time(int(match[1]), int(match[2]))
        raise self.fail(row, field, f"{value!r} is not a time of day HH:MM (00:00–23:59)")

    def text(self, entry: Mapping[str, Any], row: int, key: str) -> str:
        value = entry.get(key, "")
        if not isinstance(value, str) or len(value) > 32:
            raise self.fail(row, f"shifts.{key}", "expected a string of at most 32 characters")
        return value

    def load(self, doc: Mapping[str, Any]) -> ShiftSchedule:
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

        minutes = doc.get("reminder_minutes", list(DEFAULT_REMINDER_MINUTES))
        if (
            not isinstance(minutes, list)
            or not minutes
            or not all(isinstance(m, int) and not isinstance(m, bool) and m > 0 for m in minutes)
            or minutes != sorted(set(minutes))
        ):
            raise self.fail(
                None, "reminder_minutes", "expected increasing positive minutes such as [10, 30]"
            )

        entries = doc.get("shifts")
        if not isinstance(entries, list) or not entries:
            raise self.fail(None, "shifts", "expected at least one [[shifts]] table")
        parsed: list[tuple[int, ShiftKind, time]] = []
        for row, entry in enumerate(entries, start=1):
            if not isinstance(entry, dict):
                raise self.fail(row, "shifts", "expected a table")
            for name in entry:
                if name not in _SHIFT_KEYS:
                    allowed = ", ".join(sorted(_SHIFT_KEYS))
                    raise self.fail(row, f"shifts.{name}", f"unknown field (allowed: {allowed})")
            name = entry.get("name")
            if not isinstance(name, str) or not _NAME_RE.fullmatch(name):
                raise self.fail(
                    row, "shifts.name", f"{name!r} is not 1-16 of a-z, 0-9, _ (from a letter)"
                )
            for other_row, other, _ in parsed:
                if other.name == name:
                    raise self.fail(row, "shifts.name", f"{name!r} repeats entry {other_row}")
            start = self.time_of_day(entry, row, "start")
            end = self.time_of_day(entry, row, "end")
            for other_row, other, _ in parsed:
                if other.start == start:
                    raise self.fail(
                        row, "shifts.start", f"{start:%H:%M} is the start of entry {other_row} too"
                    )
            kind = ShiftKind(
                name, start, self.text(entry, row, "name_zh"), self.text(entry, row, "name_en")
            )
            parsed.append((row, kind, end))

        # Each shift must end exactly where the next (by start time, wrapping) begins.
        ordered = sorted(parsed, key=lambda item: item[1].start)
        for i, (row, kind, end) in enumerate(ordered):
            following = ordered[(i + 1) % len(ordered)][1]
            if end != following.start:
                problem = (
                    "leaves a gap before"
                    if _gap(end, kind.start, following.start)
                    else ("overlaps")
                )
                raise self.fail(
                    row,
                    "shifts.end",
                    f"{kind.name} ends at {end:%H:%M} but the next shift, {following.name}, "
                    f"starts at {following.start:%H:%M}: it {problem} {following.name}",
                )
        return ShiftSchedule(
            kinds=tuple(kind for _, kind, _ in parsed),
            zone=zone,
            reminder_minutes=tuple(minutes),
        )


def _gap(end: time, start: time, following: time) -> bool:
    """Whether a shift from ``start`` to ``end`` stops short of ``following`` (a gap), going
    round the clock from ``start``; otherwise it runs into it (an overlap)."""

    def span(t: time) -> int:
        minutes = (t.hour * 60 + t.minute - start.hour * 60 - start.minute) % (24 * 60)
        return minutes or 24 * 60

    return span(end) < span(following)


def _parse(data: bytes, file: str) -> ShiftSchedule:
    try:
        doc = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise LoadError(file, None, None, f"not UTF-8 text: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise LoadError(file, None, None, f"not valid TOML: {exc}") from None
    return _Loader(file).load(doc)


def load_schedule(path: str | os.PathLike[str]) -> ShiftSchedule:
    """Loads a shift schedule from a TOML file (see ``resources/shifts/schedule.toml``).

    Raises:
        LoadError: The file cannot be read or parsed, or an entry is invalid: the error
            names the file, the entry (1-based index in ``[[shifts]]``, as ``row``) and the
            field (such as ``shifts.end``).
    """
    file = os.fspath(path)
    try:
        with open(file, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise LoadError(file, None, None, f"cannot read the file: {exc.strerror}") from None
    return _parse(data, file)


@functools.cache
def default_schedule() -> ShiftSchedule:
    """The shipped schedule (``resources/shifts/schedule.toml``); cached, it is immutable."""
    resource = importlib.resources.files("resources").joinpath("shifts").joinpath("schedule.toml")
    return _parse(resource.read_bytes(), "resources/shifts/schedule.toml")
