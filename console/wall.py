"""The leader wall's data: today's figures, rankings, charts and urgent cases, kept current.

One :class:`WallFeed` per console (like the urgent-case alert): the wall's panels are made
again with each workspace and read from it. It works only while a wall panel is open
(:meth:`WallFeed.attach`), so a dispatcher's console asks the server nothing for the wall.

Where each figure comes from (:mod:`console.wall_figures` says why):

* live from the store, recounted at most once a second while cases, units or joint
  operations change: reported and closed today, overdue now, joint operations under way,
  units on duty, cases per hour today, today's categories, channels and streets;
* from the server: today's evaluation (``query_evaluation``: the district, or the user's
  street, and every street and department) every ``refresh_ms`` and on case changes, at
  most every ``event_refresh_ms``; the cases per hour of the seven days before today
  (``query_case_counts``), once a day.

Built to run for days: every buffer is bounded (the ticker keeps ``ticker_capacity``
cases, the tallies are recounted, not appended to), a refresh replaces the last answers,
and one query runs at a time; a failed one keeps the last figures and says why
(``failed``). Read-only: nothing here writes to the store or sends a command.
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from datetime import time as clock_time
from enum import StrEnum
from typing import Final, cast

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

from console.actions import ActionRegistry
from console.evaluation import UnexpectedAnswer, fetch_evaluation
from console.item_models import URGENT
from console.preferences import Preferences
from console.shift_watch import ServerClock, query_failure
from console.store import ClientStore, ConnectionInfo, StoreSignals
from console.wall_figures import DayTally, hourly_mean, tally_day, today, week_before
from models.calendar import SHANGHAI
from models.case import Case
from models.evaluation import Dimension, EvaluatedGroup, Indicators, Period
from models.joint import OPEN_JOINT_STATES
from models.org import DISTRICT_SCOPE, UnitStatus
from net.client import Answer, ClientStatus, new_request_id
from net.protocol import CaseCountsResult, QueryCaseCounts

log = logging.getLogger(__name__)

REFRESH_MS: Final = 30_000
"""The evaluation is asked for at least this often (deadlines pass without events)."""

EVENT_REFRESH_MS: Final = 10_000
"""Case changes ask again at most this often: each answer costs the server a read of the
day's case records."""

LIVE_MS: Final = 1_000
"""The live counts follow the store at most once a second."""

CLOCK_MS: Final = 60_000
"""How often the day and the night palette are checked against the clock."""

TICKER_CAPACITY: Final = 20
"""The ticker keeps the newest urgent cases, at most this many."""

PAUSE_ACTION: Final = "wall.pause"
NEXT_PAGE_ACTION: Final = "wall.next_page"
NIGHT_ACTION: Final = "wall.night"
NIGHT_AUTO_ACTION: Final = "wall.night_auto"

NIGHT_FROM: Final = clock_time(19, 0)
NIGHT_UNTIL: Final = clock_time(7, 0)
"""The night palette's hours (local time), with :attr:`NightMode.AUTO`."""


class NightMode(StrEnum):
    """How the wall chooses its palette."""

    AUTO = "auto"  # by time of day
    DAY = "day"
    NIGHT = "night"


@dataclass(frozen=True)
class Evaluated:
    """The evaluation answers of one refresh.

    Attributes:
        period: The day evaluated.
        as_of: The server's clock when it evaluated.
        own: The indicators of the user's scope (the district, or their street).
        streets: Every street with anything to count, in key order.
        departments: Every department with anything to count, in key order.
    """

    period: Period
    as_of: datetime
    own: Indicators | None
    streets: tuple[EvaluatedGroup, ...]
    departments: tuple[EvaluatedGroup, ...]


def is_night(at: datetime) -> bool:
    """Whether ``at`` falls in the night palette's hours (Shanghai time)."""
    local = at.astimezone(SHANGHAI).time()
    return local >= NIGHT_FROM or local < NIGHT_UNTIL


class WallFeed(QObject):
    """Keeps what the leader wall shows; the wall's panels listen to it.

    Args:
        store: The store (read only).
        signals: The store's signals.
        now: "Now" (aware); ``None``: the server's time (:class:`ServerClock`).
        rotation_s: Seconds each page stays (see :meth:`set_rotation`).
        night_mode: How the palette is chosen.
        refresh_ms: The evaluation is asked for at least this often.
        event_refresh_ms: Case changes ask again at most this often.
        live_ms: The live counts follow the store at most this often.
        clock_ms: How often the day and the palette are checked.
        ticker_capacity: Most urgent cases the ticker keeps.
        parent: Qt parent.

    Attributes:
        tally: Today's live counts from the store.
        units_on_duty: Units not off duty.
        joint_active: Joint operations convened or under way (联勤联动).
        evaluated: The last evaluation answers (``None`` before the first).
        baseline: Mean cases per hour of day over the seven days before today (``None``
            until answered).
        ticker: The newest urgent cases as they arrived, newest first.
        page: The rotation's counter; panels show page ``page % their page count``.
        paused: Whether the rotation is paused.
        night: Whether the night palette is on.
        problem: Why the last query failed ("" after a good answer).
        refreshes: Refreshes answered so far.

    Signals:
        figures_changed(): The live counts changed.
        evaluation_changed(): New evaluation answers.
        baseline_changed(): The seven-day baseline changed.
        ticker_changed(): An urgent case came in.
        page_turned(int): The rotation moved on (the new counter).
        rotation_changed(bool): Rotation paused (True) or running.
        night_changed(bool): The night palette went on (True) or off.
        failed(str): A query failed; why, in words.
    """

    figures_changed = Signal()
    evaluation_changed = Signal()
    baseline_changed = Signal()
    ticker_changed = Signal()
    page_turned = Signal(int)
    rotation_changed = Signal(bool)
    night_changed = Signal(bool)
    failed = Signal(str)

    def __init__(
        self,
        store: ClientStore,
        signals: StoreSignals,
        *,
        now: Callable[[], datetime] | None = None,
        rotation_s: float = 20.0,
        night_mode: NightMode = NightMode.AUTO,
        refresh_ms: int = REFRESH_MS,
        event_refresh_ms: int = EVENT_REFRESH_MS,
        live_ms: int = LIVE_MS,
        clock_ms: int = CLOCK_MS,
        ticker_capacity: int = TICKER_CAPACITY,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self._server_clock: ServerClock | None = None
        if now is None:
            now = self._server_clock = ServerClock()
        self.now: Callable[[], datetime] = now
        self.day = today(now())
        self.tally = DayTally()
        self.units_on_duty = 0
        self.joint_active = 0
        self.evaluated: Evaluated | None = None
        self.baseline: tuple[float, ...] | None = None
        self._baseline_day: Period | None = None
        self.ticker: deque[Case] = deque(maxlen=ticker_capacity)
        self.page = 0
        self.paused = False
        self.night_mode = night_mode
        self.night = self._night_now()
        self.problem = ""
        self.refreshes = 0
        self._panels = 0
        self._task: asyncio.Task[tuple[Evaluated, tuple[float, ...] | None]] | None = None
        self._again = False
        self._asked_at = -float("inf")
        self._event_refresh_s = event_refresh_ms / 1000
        self._cases_dirty = True

        self._refresh = QTimer(self)
        self._refresh.setInterval(refresh_ms)
        self._refresh.timeout.connect(self.refresh)
        self._soon = QTimer(self)
        self._soon.setSingleShot(True)
        self._soon.timeout.connect(self.refresh)
        self._live = QTimer(self)
        self._live.setSingleShot(True)
        self._live.setInterval(live_ms)
        self._live.timeout.connect(self.recount)
        self._clock = QTimer(self)
        self._clock.setInterval(clock_ms)
        self._clock.timeout.connect(self.check_clock)
        self._rotate = QTimer(self)
        self._rotate.timeout.connect(self.next_page)
        self.set_rotation(rotation_s)

        signals.cases_changed.connect(self._on_cases_changed)
        signals.cases_removed.connect(self._on_cases_changed)
        signals.cases_arrived.connect(self._on_cases_arrived)
        signals.units_changed.connect(self._on_units_changed)
        signals.units_removed.connect(self._on_units_changed)
        signals.units_moved.connect(self._on_units_changed)
        signals.joint_changed.connect(self._on_units_changed)
        signals.connection_changed.connect(self._on_connection)

    # -- life: only while a wall panel is open

    @property
    def active(self) -> bool:
        """Whether a wall panel is open (the feed works only then)."""
        return self._panels > 0

    def attach(self, panel: QObject) -> None:
        """A wall panel opened: work until it (and every other) is gone."""
        self._panels += 1
        panel.destroyed.connect(self._detach)
        if self._panels == 1:
            for timer in (self._refresh, self._clock):
                timer.start()
            if not self.paused:
                self._rotate.start()
            self._cases_dirty = True
            self.recount()
            self.refresh()

    def _detach(self) -> None:
        self._panels -= 1
        if self._panels == 0:
            for timer in (self._refresh, self._soon, self._live, self._clock, self._rotate):
                timer.stop()

    # -- live counts

    def recount(self) -> None:
        """Count the live figures now (the store's changes call this at most every second)."""
        self._live.stop()
        on_duty = sum(
            n for s, n in self.store.unit_counts().items() if s is not UnitStatus.OFF_DUTY
        )
        joint = sum(op.state in OPEN_JOINT_STATES for op in self.store.joint_operations.values())
        changed = (on_duty, joint) != (self.units_on_duty, self.joint_active)
        self.units_on_duty, self.joint_active = on_duty, joint
        if self._cases_dirty:
            self._cases_dirty = False
            tally = tally_day(self.store.cases.values(), self.day)
            changed |= tally != self.tally
            self.tally = tally
        if changed:
            self.figures_changed.emit()

    def _schedule_live(self) -> None:
        if self.active and not self._live.isActive():
            self._live.start()

    def _on_cases_changed(self, _case_ids: set[int]) -> None:
        self._cases_dirty = True
        self._schedule_live()
        self._refresh_soon()

    def _refresh_soon(self) -> None:
        """Refresh now, or when ``event_refresh_ms`` have passed since the last one asked."""
        if not self.active:
            return
        wait = self._asked_at + self._event_refresh_s - time.monotonic()
        if wait <= 0:
            self.refresh()
        elif not self._soon.isActive():
            self._soon.start(int(wait * 1000) + 1)

    def _on_units_changed(self, *_args: object) -> None:
        # Units and joint operations: a cheap recount, at most once a second.
        self._schedule_live()

    def _on_cases_arrived(self, case_ids: set[int]) -> None:
        if not self.active:
            return
        cases = self.store.cases
        urgent = [
            c
            for i in sorted(case_ids)
            if (c := cases.get(i)) is not None and c.urgency in URGENT and not c.state.is_terminal
        ]
        for case in urgent:
            self.ticker.appendleft(case)
        if urgent:
            self.ticker_changed.emit()

    # -- the server's figures

    @property
    def asking(self) -> bool:
        """Whether a refresh is on its way."""
        return self._task is not None and not self._task.done()

    def refresh(self) -> asyncio.Task[tuple[Evaluated, tuple[float, ...] | None]] | None:
        """Ask the server for today's evaluation (and the baseline when due) now.

        Returns:
            The refresh on its way (the one already running, if one is), or ``None``
            when there is nothing to do (no wall panel open, or offline).
        """
        self._soon.stop()
        if self.asking:
            self._again = True  # what changed since it was sent is not in its answer
            return self._task
        if not self.active or self.store.connection.status is not ClientStatus.ONLINE:
            return None
        self._asked_at = time.monotonic()
        day = self.day
        task = asyncio.ensure_future(self._fetch(day, self._baseline_day != day))
        self._task = task
        me = weakref.ref(self)

        def done(finished: asyncio.Task[tuple[Evaluated, tuple[float, ...] | None]]) -> None:
            feed = me()
            if feed is not None and shiboken6.isValid(feed):
                feed._answered(finished, day)
            elif not finished.cancelled():
                finished.exception()  # retrieved: nobody waits for it any more

        task.add_done_callback(done)
        return task

    async def _fetch(
        self, day: Period, with_baseline: bool
    ) -> tuple[Evaluated, tuple[float, ...] | None]:
        query = self.store.query
        user = self.store.user
        if user is not None and user.scope != DISTRICT_SCOPE:
            # A street's wall: its own figures (the district is not theirs to see).
            own = await fetch_evaluation(query, day, Dimension.STREET, key=user.scope)
        else:
            own = await fetch_evaluation(query, day, Dimension.DISTRICT)
        streets = await fetch_evaluation(query, day, Dimension.STREET)
        departments = await fetch_evaluation(query, day, Dimension.DEPARTMENT)
        baseline = None
        if with_baseline:
            week = week_before(day)
            answer = await query(
                QueryCaseCounts(id=new_request_id("wk"), start=week.start, end=week.end)
            )
            if not isinstance(answer, CaseCountsResult):
                raise UnexpectedAnswer(f"query_case_counts answered with {type(answer).__name__}")
            baseline = hourly_mean(answer.hourly)
        evaluated = Evaluated(
            period=day,
            as_of=own.as_of,
            own=own.rows[0].indicators if own.rows else None,
            streets=tuple(streets.rows),
            departments=tuple(departments.rows),
        )
        return evaluated, baseline

    def _answered(
        self, task: asyncio.Task[tuple[Evaluated, tuple[float, ...] | None]], day: Period
    ) -> None:
        # The failure texts are the shift watch's: the same queries, the same words.
        problem = query_failure(cast("asyncio.Future[Answer]", task))
        if problem is None:
            evaluated, baseline = task.result()
            self.refreshes += 1
            self.problem = ""
            if self._server_clock is not None:
                self._server_clock.align(evaluated.as_of)
            self.evaluated = evaluated
            self.evaluation_changed.emit()
            if baseline is not None:
                self.baseline, self._baseline_day = baseline, day
                self.baseline_changed.emit()
        elif problem:
            exc = task.exception()
            if isinstance(exc, UnexpectedAnswer | ValueError):
                log.error("wall refresh: %s", exc)
            else:
                log.warning("wall refresh failed: %s", problem)
            self.problem = problem
            self.failed.emit(problem)
        if self._again:
            self._again = False
            self._refresh_soon()

    def _on_connection(self, info: ConnectionInfo) -> None:
        if info.status is ClientStatus.ONLINE:
            welcome = self.store.welcome
            if self._server_clock is not None and welcome is not None:
                self._server_clock.align(welcome.server_time)
            self.check_clock()
            self.refresh()

    # -- the clock: a new day, the night palette

    def check_clock(self) -> None:
        """A new day starts the counts afresh; the night palette follows the hour."""
        now = self.now()
        day = today(now)
        if day != self.day:
            self.day = day
            self._cases_dirty = True
            if self.active:
                self.recount()
                self.refresh()
        self._set_night(self._night_now(now))

    def _night_now(self, now: datetime | None = None) -> bool:
        if self.night_mode is NightMode.AUTO:
            return is_night(now if now is not None else self.now())
        return self.night_mode is NightMode.NIGHT

    def set_night_mode(self, mode: NightMode) -> None:
        """Choose the palette by hand (day, night) or by time of day (auto)."""
        self.night_mode = mode
        self._set_night(self._night_now())

    def _set_night(self, night: bool) -> None:
        if night != self.night:
            self.night = night
            self.night_changed.emit(night)

    # -- pages

    def set_rotation(self, seconds: float) -> None:
        """Each page stays ``seconds`` before the next.

        Raises:
            ValueError: ``seconds`` is under one second.
        """
        if seconds < 1:
            raise ValueError(f"a wall page must stay at least 1 s, not {seconds!r}")
        self._rotate.setInterval(round(seconds * 1000))

    @property
    def rotation_s(self) -> float:
        """Seconds each page stays."""
        return self._rotate.interval() / 1000

    def next_page(self) -> None:
        """Turn to the next page now (the rotation does this on its timer)."""
        self.page += 1
        self.page_turned.emit(self.page)
        if self._rotate.isActive():
            self._rotate.start()  # a page turned by hand also gets its full time

    def set_paused(self, paused: bool) -> None:
        """Pause the rotation (the page stays) or run it again."""
        if paused == self.paused:
            return
        self.paused = paused
        if paused:
            self._rotate.stop()
        elif self.active:
            self._rotate.start()
        self.rotation_changed.emit(paused)


def register_wall_actions(
    registry: ActionRegistry,
    feed: WallFeed,
    preferences: Preferences,
    save: Callable[[Preferences], object],
) -> None:
    """The wall's commands in the menus and the palette: pause, next page, night palette.

    The palette choice is remembered in ``preferences`` (saved with ``save``).
    """

    def choose(mode: NightMode) -> None:
        feed.set_night_mode(mode)
        preferences.wall_night = mode.value
        save(preferences)

    registry.add(
        PAUSE_ACTION,
        lambda: QCoreApplication.translate("Wall", "Pause wall page rotation"),
        lambda: feed.set_paused(not feed.paused),
        checked=lambda: feed.paused,
    )
    registry.add(
        NEXT_PAGE_ACTION,
        lambda: QCoreApplication.translate("Wall", "Next wall page"),
        feed.next_page,
    )
    registry.add(
        NIGHT_ACTION,
        lambda: QCoreApplication.translate("Wall", "Wall night palette"),
        lambda: choose(NightMode.DAY if feed.night else NightMode.NIGHT),
        checked=lambda: feed.night,
    )
    registry.add(
        NIGHT_AUTO_ACTION,
        lambda: QCoreApplication.translate("Wall", "Wall palette by time of day"),
        # Off: keep the palette shown now, by hand.
        lambda: choose(
            (NightMode.NIGHT if feed.night else NightMode.DAY)
            if feed.night_mode is NightMode.AUTO
            else NightMode.AUTO
        ),
        checked=lambda: feed.night_mode is NightMode.AUTO,
    )
    # The menus show the toggles' states, whoever changed them.
    feed.rotation_changed.connect(lambda _paused: registry.states_changed())
    feed.night_changed.connect(lambda _night: registry.states_changed())
