"""The current shift as the console knows it, and the reminder of an unsigned handover.

One :class:`ShiftWatch` and one :class:`HandoverReminder` per console (like the urgent-case
alert: panels come and go with the workspace, these outlive them).

:class:`ShiftWatch` asks the server ``query_shift`` and hands the answer to the store
(``store.set_shift``), from where the supervisor board and the handover panel read it:

* when the console comes online (and again after each reconnect: events missed during a
  fresh snapshot include handover changes, and the answer brings the current ones back);
* when the shift is over: a tick compares the clock with the shift's end, so a boundary
  is noticed within a tick, also after the machine slept or the clock jumped;
* for the live figures, which the server counts from case histories the console does not
  hold: at most every ``figures_ms`` while cases change, and at least every ``idle_ms``.

Only supervisors, leaders and administrators may ask (``models.handover.READER_ROLES``);
for anyone else the watch stays silent and the store's shift stays ``None``.

"Now" is the server's: :class:`ServerClock` adds to the local clock the offset the last
welcome or shift answer showed, so a console whose clock is off by minutes still reminds and
prompts at the right moment. Tests pass their own clock instead.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Final, TypeVar

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

from console import i18n
from console.connection import error_text, translate
from console.item_models import format_duration
from console.store import ClientStore, ConnectionInfo, StoreSignals
from models.handover import READER_ROLES, Handover, ReminderLevel, handover_id, reminder_level
from models.org import Role
from models.shifts import DEFAULT_REMINDER_MINUTES, Shift
from net.client import Answer, ClientStatus, RequestFailed, new_request_id
from net.protocol import QueryShift, ShiftResult

log = logging.getLogger(__name__)

TICK_MS: Final = 15_000
"""How often the watch compares the clock with the shift's end (and the reminder its level)."""

FIGURES_MS: Final = 10_000
"""Case changes refresh the shift's figures at most this often: each refresh makes the
server read the shift's case histories."""

IDLE_MS: Final = 60_000
"""The figures are refreshed at least this often, also when nothing changes (the on-time
rate counts deadlines that pass)."""

REPEAT_MS: Final = 60_000
"""An escalated reminder sounds again this often until the handover is signed."""


T = TypeVar("T")


def utc_now() -> datetime:
    return datetime.now(UTC)


def shift_name(shift: Shift, *, short: bool = False) -> str:
    """The shift as the users name it: "白班 11-30" / "Day shift 11-30"; ``short`` for a
    chart's axis: "30 白班" / "30 Day"."""
    app = QCoreApplication.instance()
    chinese = app is not None and i18n.current_language(app) == i18n.CHINESE
    name = shift.name_zh if chinese else shift.name_en
    if short:
        return f"{shift.local_start:%d} {name.split()[0] if name else shift.name}"
    return f"{name} {shift.local_start:%m-%d}"


def query_failure(future: asyncio.Future[Answer]) -> str | None:
    """Why a query failed, in words (``None``: it answered; ``""``: it was cancelled)."""
    if future.cancelled():
        return ""
    exc = future.exception()
    if exc is None:
        return None
    if isinstance(exc, RequestFailed):
        return error_text(exc.code, exc.details)
    if isinstance(exc, TimeoutError):
        return translate("ShiftWatch", "no answer from the server")
    return translate("ShiftWatch", "not connected")


def when_answered(future: asyncio.Future[T], receiver: QObject, slot: str, *args: object) -> None:
    """Call ``receiver.<slot>(*args, future)`` when the query ends, if the receiver still
    exists then (a panel may have been closed meanwhile; it is held weakly till then).

    ``args`` say which query it was, for a receiver with several on their way.
    """
    ref = weakref.ref(receiver)

    def done(finished: asyncio.Future[T]) -> None:
        if not finished.cancelled():
            finished.exception()  # retrieved, so an answer nobody waits for is not "lost"
        obj = ref()
        if obj is not None and shiboken6.isValid(obj):
            getattr(obj, slot)(*args, finished)

    future.add_done_callback(done)


class ServerClock:
    """The server's "now" as the console estimates it: the local clock plus an offset.

    Args:
        local: The local clock (aware).
    """

    def __init__(self, local: Callable[[], datetime] = utc_now) -> None:
        self._local = local
        self.offset = timedelta(0)

    def __call__(self) -> datetime:
        return self._local() + self.offset

    def align(self, server_time: datetime) -> None:
        """The server said its time is ``server_time`` (just now)."""
        self.offset = server_time - self._local()


class ShiftWatch(QObject):
    """Keeps ``store.shift`` the server's current answer about the shift.

    Args:
        store: The store (the answer is written to it).
        signals: The store's signals (connection, user, cases).
        clock: "Now" (aware); ``None``: the server's time, estimated by :class:`ServerClock`.
        tick_ms: How often the clock is compared with the shift's end.
        figures_ms: Case changes refresh the figures at most this often.
        idle_ms: The figures are refreshed at least this often.
        parent: Qt parent.

    Signals:
        failed(str): A shift query failed; why, in words.
    """

    failed = Signal(str)

    def __init__(
        self,
        store: ClientStore,
        signals: StoreSignals,
        *,
        clock: Callable[[], datetime] | None = None,
        tick_ms: int = TICK_MS,
        figures_ms: int = FIGURES_MS,
        idle_ms: int = IDLE_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self._server_clock: ServerClock | None = None
        if clock is None:
            clock = self._server_clock = ServerClock()
        self.now: Callable[[], datetime] = clock
        self.idle = timedelta(milliseconds=idle_ms)
        self._asked_at: datetime | None = None
        self._future: asyncio.Future[Answer] | None = None
        self._again = False
        self._online = False
        self._tick = QTimer(self)
        self._tick.setInterval(tick_ms)
        self._tick.timeout.connect(self.check)
        self._figures = QTimer(self)
        self._figures.setSingleShot(True)
        self._figures.setInterval(figures_ms)
        self._figures.timeout.connect(self.refresh)
        signals.connection_changed.connect(self._on_connection)
        signals.user_changed.connect(self._on_user_changed)
        signals.cases_changed.connect(self._on_cases_changed)

    @property
    def allowed(self) -> bool:
        """Whether the signed-in user may ask about shifts."""
        user = self.store.user
        return user is not None and user.role in READER_ROLES

    @property
    def asking(self) -> bool:
        """Whether a question is on its way."""
        return self._future is not None and not self._future.done()

    def refresh(self) -> asyncio.Future[Answer] | None:
        """Ask the server about the current shift now (unless not allowed or offline).

        Returns:
            The query's future (the one on its way, if one is), or ``None``.
        """
        self._figures.stop()
        if self.asking:
            self._again = True  # what changed since it was sent is not in its answer
            return self._future
        if not self.allowed or self.store.connection.status is not ClientStatus.ONLINE:
            return None
        try:
            future = asyncio.ensure_future(self.store.query(QueryShift(id=new_request_id("sh"))))
        except ConnectionError:
            return None
        self._future = future
        self._asked_at = self.now()
        when_answered(future, self, "_answered")
        return future

    def check(self) -> None:
        """Ask again if the shift is over or the figures are old (the tick calls this)."""
        shift, now, asked = self.store.shift, self.now(), self._asked_at
        over = shift is None or now >= shift.shift.end
        if over or asked is None or now - asked >= self.idle:
            self.refresh()

    def _answered(self, future: asyncio.Future[Answer]) -> None:
        problem = query_failure(future)
        if problem is None:
            answer = future.result()
            if isinstance(answer, ShiftResult):
                if self._server_clock is not None and answer.as_of is not None:
                    self._server_clock.align(answer.as_of)
                self.store.set_shift(answer)
        elif problem:
            log.warning("shift query failed: %s", problem)
            self.failed.emit(problem)
        if self._again:
            self._again = False
            self._figures.start()

    def _on_connection(self, info: ConnectionInfo) -> None:
        # Asked when the console comes online, not at each round-trip measurement.
        online = info.status is ClientStatus.ONLINE and self.allowed
        if online and not self._online:
            self._tick.start()
            self.refresh()
        elif not online:
            self._tick.stop()
            self._figures.stop()
        self._online = online

    def _on_user_changed(self, _user: object) -> None:
        self._online = False  # another user: ask afresh for their scope
        self._on_connection(self.store.connection)

    def _on_cases_changed(self, _case_ids: set[int]) -> None:
        if self.allowed and not self._figures.isActive():
            self._figures.start()


def chased_shift(answer: ShiftResult, now: datetime) -> Shift:
    """The latest shift over at ``now``: the one whose handover is due (the answer's
    shift itself once it has ended and no newer answer came yet)."""
    return answer.shift if now >= answer.shift.end else answer.previous


class HandoverReminder(QObject):
    """Chases an unsigned handover after its shift's end, louder as time passes.

    The level is :func:`models.handover.reminder_level` of the last shift that is over, at
    the watch's "now", with the schedule's thresholds: 1 a banner (the handover panel shows
    it), 2 also the status bar and a sound, 3 (escalated to the leader on duty) a sound that
    repeats every ``repeat_ms`` until the handover is signed (or :meth:`silence`). A
    leader's console reminds at level 3 only: that is when the leader is told.

    Args:
        store: The store (shift and handovers).
        signals: The store's signals.
        now: "Now" (the shift watch's).
        sound: Makes the sound once (``QApplication.beep`` by default).
        check_ms: How often the level is recomputed as time passes.
        repeat_ms: How often an escalated reminder sounds again.
        parent: Qt parent.

    Attributes:
        level: The level now.
        shift: The shift whose handover is chased (the last one over).
        handover: Its handover, if one was generated.
        sound: Makes the sound (replaceable, e.g. by a test's counter).

    Signals:
        level_changed(int, str): The level changed; the reminder in words ("" at level 0).
    """

    level_changed = Signal(int, str)

    def __init__(
        self,
        store: ClientStore,
        signals: StoreSignals,
        now: Callable[[], datetime],
        *,
        sound: Callable[[], object] = QApplication.beep,
        check_ms: int = TICK_MS,
        repeat_ms: int = REPEAT_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.now = now
        self.sound = sound
        self.level = ReminderLevel.NONE
        self.shift: Shift | None = None
        self.handover: Handover | None = None
        self._check = QTimer(self)
        self._check.setInterval(check_ms)
        self._check.timeout.connect(self.check)
        self._check.start()
        self._repeat = QTimer(self)
        self._repeat.setInterval(repeat_ms)
        self._repeat.timeout.connect(self._ring)
        signals.shift_changed.connect(lambda _answer: self.check())
        signals.handovers_changed.connect(lambda _ids: self.check())
        signals.user_changed.connect(lambda _user: self.check())

    @property
    def ringing(self) -> bool:
        """Whether the escalated reminder's sound repeats."""
        return self._repeat.isActive()

    def silence(self) -> None:
        """The supervisor heard it: the escalated reminder stops sounding (its banner stays)
        until the level changes."""
        self._repeat.stop()

    def check(self) -> ReminderLevel:
        """Recompute the level now (the timer and every shift or handover change call it)."""
        store, user, answer = self.store, self.store.user, self.store.shift
        level = ReminderLevel.NONE
        if user is not None and user.role in READER_ROLES and answer is not None:
            now = self.now()
            self.shift = chased_shift(answer, now)
            self.handover = store.handovers.get(handover_id(user.scope, self.shift))
            minutes = tuple(answer.reminder_minutes) or DEFAULT_REMINDER_MINUTES
            level = reminder_level(self.handover, self.shift, now, minutes)
            if user.role is Role.LEADER and level < ReminderLevel.ESCALATE:
                level = ReminderLevel.NONE
        if level != self.level:
            rising = level > self.level
            self.level = level
            if level >= ReminderLevel.ESCALATE:
                self._repeat.start()
            else:
                self._repeat.stop()
            if rising and level >= ReminderLevel.REMIND_AGAIN:
                self._ring()
            self.level_changed.emit(int(level), self.text())
        return level

    def text(self) -> str:
        """The reminder in words, in the current language ("" when there is none)."""
        shift = self.shift
        if self.level is ReminderLevel.NONE or shift is None:
            return ""
        late = format_duration((self.now() - shift.end).total_seconds())
        name = shift_name(shift)
        if self.level is ReminderLevel.REMIND:
            return self.tr(
                "The handover of {shift} is not signed yet ({late} after its end)."
            ).format(shift=name, late=late)
        if self.level is ReminderLevel.REMIND_AGAIN:
            return self.tr(
                "Reminder: the handover of {shift} is still not signed ({late} after its end)."
            ).format(shift=name, late=late)
        return self.tr(
            "Escalated to the leader on duty: the handover of {shift} is not signed "
            "({late} after its end)."
        ).format(shift=name, late=late)

    def _ring(self) -> None:
        self.sound()
