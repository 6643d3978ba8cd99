"""What needs the dispatcher's attention now: one list, one clock, one acknowledgement.

One :class:`AttentionWatch` per console (like the urgent-case alert, it outlives the
panels of a workspace). Once a second it looks at:

* time in status: units in a status longer than its limit (``console.team_board``), with
  numpy over the store's arrays;
* joint orders not acknowledged in time (:func:`models.joint.overdue_acknowledgements`),
  which also sound (``QApplication.beep``) when they first appear;
* deadlines: open cases warned (预警) or overdue (超期), kept up to date from the case
  events, not recounted on every tick.

Each item has a key that names the condition and when it began (the unit's status and
since when, the order and when it was issued, the case's deadline), so acknowledging an
item silences that condition only: a unit that changes status and overstays the next one
alarms again. The team board flashes the unacknowledged time-in-status alarms; the alerts
panel lists every item.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import IntEnum
from typing import Final

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

from console.store import ClientStore, StoreSignals
from console.team_board import STATUS_LIMITS, BoardIndex, limits_array, status_alarms
from models.joint import DEFAULT_ACK_LIMIT, overdue_acknowledgements
from models.org import DEFAULT_STALE_AFTER, UnitStatus

TICK_MS: Final = 1000
"""How often the watch looks (and the board's alarms flash)."""


class AttentionKind(IntEnum):
    """What an item is about, most pressing first."""

    JOINT_ACK = 0  # a joint order not acknowledged in time
    OVERDUE = 1  # a case past its step's deadline
    STATUS_TIME = 2  # a unit in its status too long
    DEADLINE_WARNING = 3  # a case near its step's deadline


@dataclass(frozen=True)
class AttentionItem:
    """One thing that needs attention.

    Attributes:
        key: Names the condition and when it began; acknowledging uses it.
        kind: What it is about.
        at: When it began (status since, order issued) or falls due (a case's deadline).
        unit_id: The unit concerned, if any.
        case_id: The case concerned, if any.
        operation_id: The joint operation concerned, if any.
    """

    key: str
    kind: AttentionKind
    at: datetime
    unit_id: str | None = None
    case_id: int | None = None
    operation_id: int | None = None


def utc_now() -> datetime:
    return datetime.now(UTC)


class AttentionWatch(QObject):
    """Keeps the list of what needs attention, and the board's index of units.

    Args:
        store: The store.
        signals: Its signals (units, teams, cases, joint operations).
        clock: "Now" (aware); tests move their own.
        stale_after: Age after which a unit's report no longer counts.
        limits: Time-in-status limits per status.
        ack_limit: Time a unit has to acknowledge a joint order.
        sound: Makes the reminder's sound once.
        tick_ms: How often it looks (0: only when :meth:`check` is called).
        parent: Qt parent.

    Attributes:
        index: The board's per-unit arrays, kept in step with the store.
        phase: Flips every tick: alarms not yet acknowledged flash with it.
        items: What needs attention now (acknowledged items left out), most pressing first.

    Signals:
        ticked(): A tick passed (times in status and ages moved on; counts may have).
        items_changed(tuple[AttentionItem, ...]): The list changed.
    """

    ticked = Signal()
    items_changed = Signal(object)

    def __init__(
        self,
        store: ClientStore,
        signals: StoreSignals,
        *,
        clock: Callable[[], datetime] = utc_now,
        stale_after: timedelta = DEFAULT_STALE_AFTER,
        limits: Mapping[UnitStatus, timedelta] = STATUS_LIMITS,
        ack_limit: timedelta = DEFAULT_ACK_LIMIT,
        sound: Callable[[], object] = QApplication.beep,
        tick_ms: int = TICK_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.clock = clock
        self.stale_after = stale_after
        self.limits = dict(limits)
        self.ack_limit = ack_limit
        self._limits = limits_array(limits)
        self._sound = sound
        self.index = BoardIndex()
        self.phase = False
        self.items: tuple[AttentionItem, ...] = ()
        self._acknowledged: set[str] = set()
        self._case_items: dict[int, AttentionItem] = {}
        self._status_items: dict[str, AttentionItem] = {}
        self._joint_items: list[AttentionItem] = []
        self.index.sync(store)
        self._cases_changed(set(store.cases))
        signals.units_changed.connect(self._units_changed)
        signals.units_removed.connect(self._units_moved_rows)
        signals.teams_changed.connect(self._units_moved_rows)
        signals.cases_changed.connect(self._cases_changed)
        signals.cases_removed.connect(self._cases_removed)
        signals.joint_changed.connect(self._joint_changed)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.check)
        if tick_ms > 0:
            self._timer.start(tick_ms)

    def now(self) -> datetime:
        return self.clock()

    # -- reading

    def status_alarm(self, unit_id: str) -> AttentionItem | None:
        """The unit's time-in-status alarm, acknowledged or not (``None``: none)."""
        return self._status_items.get(unit_id)

    def is_acknowledged(self, key: str) -> bool:
        return key in self._acknowledged

    # -- acting

    def acknowledge(self, keys: Iterable[str]) -> None:
        """The dispatcher saw these items: leave them out until their condition changes."""
        new = set(keys) - self._acknowledged
        if new:
            self._acknowledged |= new
            self._publish()

    def check(self, *, tick: bool = True) -> None:
        """Look again now (the timer calls this every tick)."""
        now = self.now()
        self._status_items = self._status_alarms(now)
        before = {i.key for i in self._joint_items}
        self._joint_items = self._joint_reminders(now)
        if {i.key for i in self._joint_items} - before - self._acknowledged:
            self._sound()  # a reminder sounds once, when it first comes up
        # Acknowledgements of conditions that ended are forgotten.
        self._acknowledged &= {i.key for i in self._raw()}
        self._publish()
        if tick:
            self.phase = not self.phase
            self.ticked.emit()

    def _raw(self) -> list[AttentionItem]:
        return [*self._joint_items, *self._status_items.values(), *self._case_items.values()]

    def _publish(self) -> None:
        items = tuple(
            sorted(
                (i for i in self._raw() if i.key not in self._acknowledged),
                key=lambda i: (i.kind, i.at, i.key),
            )
        )
        if items != self.items:
            self.items = items
            self.items_changed.emit(items)

    # -- the conditions

    def _status_alarms(self, now: datetime) -> dict[str, AttentionItem]:
        p = self.store.positions
        n = min(p.count, len(self.index.since))
        since = self.index.since[:n]
        rows = np.flatnonzero(status_alarms(p.status[:n], since, now.timestamp(), self._limits))
        found: dict[str, AttentionItem] = {}
        for row in rows.tolist():
            unit_id = p.ids[row]
            at = datetime.fromtimestamp(float(since[row]), UTC)
            found[unit_id] = AttentionItem(
                key=f"status:{unit_id}:{at.isoformat()}",
                kind=AttentionKind.STATUS_TIME,
                at=at,
                unit_id=unit_id,
            )
        return found

    def _joint_reminders(self, now: datetime) -> list[AttentionItem]:
        return [
            AttentionItem(
                key=f"joint:{op.id}:{p.unit_id}:{p.notified_at.isoformat()}",
                kind=AttentionKind.JOINT_ACK,
                at=p.notified_at,
                unit_id=p.unit_id,
                case_id=op.case_id,
                operation_id=op.id,
            )
            for op in self.store.joint_operations.values()
            for p in overdue_acknowledgements(op, now, self.ack_limit)
        ]

    def _units_changed(self, unit_ids: set[str]) -> None:
        self.index.sync(self.store, unit_ids)

    def _units_moved_rows(self, *_changed: object) -> None:
        self.index.sync(self.store)

    def _joint_changed(self, _operation_ids: set[int]) -> None:
        self.check(tick=False)

    def _cases_changed(self, case_ids: set[int]) -> None:
        cases = self.store.cases
        for case_id in case_ids:
            case = cases.get(case_id)
            item = None
            deadline = case.step_deadline if case is not None else None
            if case is not None and deadline is not None and not case.state.is_terminal:
                if case.overdue:
                    item = AttentionItem(
                        key=f"overdue:{case_id}:{deadline.isoformat()}",
                        kind=AttentionKind.OVERDUE,
                        at=deadline,
                        case_id=case_id,
                    )
                elif case.warned:
                    item = AttentionItem(
                        key=f"warning:{case_id}:{deadline.isoformat()}",
                        kind=AttentionKind.DEADLINE_WARNING,
                        at=deadline,
                        case_id=case_id,
                    )
            if item is None:
                self._case_items.pop(case_id, None)
            else:
                self._case_items[case_id] = item
        self._publish()

    def _cases_removed(self, case_ids: set[int]) -> None:
        for case_id in case_ids:
            self._case_items.pop(case_id, None)
        self._publish()
