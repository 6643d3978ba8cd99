"""The new-urgent-case alert: a sound and a banner that last until the operator acknowledges.

One :class:`UrgentCaseAlert` per console (not per panel: the queue panel is rebuilt with
each workspace, an alert must outlive that). It follows the store's ``cases_arrived``
signal, so only cases first seen through an event (new reports) alert; the cases of a
snapshot, the first one or one after a reconnect, never do.

A case alerts when its urgency is urgent or critical and it is still open. The sound is
Qt Multimedia-free: ``QApplication.beep()`` (the PySide6 wheels installed here lack
QtMultimedia), repeated every few seconds until :meth:`UrgentCaseAlert.acknowledge`. The
operator switches the alert off and on (remembered in the preferences); switched off, no
case alerts and a pending alert ends.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

from console.actions import ActionRegistry
from console.item_models import URGENT
from console.preferences import Preferences
from console.store import ClientStore, StoreSignals

CONTEXT: Final = "CaseAlert"
"""Translation context of this module's strings."""

ACKNOWLEDGE_ACTION: Final = "alerts.acknowledge"
TOGGLE_ACTION: Final = "alerts.urgent_cases"
ACKNOWLEDGE_SHORTCUT: Final = "F9"
"""Acknowledges the alert from anywhere in the console (also from torn-off panels)."""

REPEAT_MS: Final = 3000
"""The sound repeats this often until the alert is acknowledged."""


class UrgentCaseAlert(QObject):
    """Raises an alert for new urgent cases and keeps it up until acknowledged.

    Args:
        store: The store (the cases are read from it).
        signals: The store's signals (``cases_arrived``, ``cases_removed``).
        preferences: Where the on/off choice is kept (``urgent_alert``); changed in place.
        save: Called with ``preferences`` after the operator switched the alert on or off.
        sound: Makes the sound once (``QApplication.beep`` by default).
        repeat_ms: How often the sound repeats while the alert is pending.
        parent: Qt parent.

    Signals:
        pending_changed(tuple[int, ...]): The cases waiting for acknowledgement changed,
            oldest first; empty when the alert ended.
        enabled_changed(bool): The alert was switched on or off.
    """

    pending_changed = Signal(object)
    enabled_changed = Signal(bool)

    def __init__(
        self,
        store: ClientStore,
        signals: StoreSignals,
        *,
        preferences: Preferences | None = None,
        save: Callable[[Preferences], object] | None = None,
        sound: Callable[[], object] = QApplication.beep,
        repeat_ms: int = REPEAT_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.preferences = preferences if preferences is not None else Preferences()
        self._save = save
        self._sound = sound
        self._pending: list[int] = []
        self._timer = QTimer(self)
        self._timer.setInterval(repeat_ms)
        self._timer.timeout.connect(self._ring)
        signals.cases_arrived.connect(self._on_cases_arrived)
        signals.cases_removed.connect(self._on_cases_removed)

    @property
    def enabled(self) -> bool:
        """Whether new urgent cases alert."""
        return self.preferences.urgent_alert

    @property
    def pending(self) -> tuple[int, ...]:
        """The new urgent cases not yet acknowledged, oldest first."""
        return tuple(self._pending)

    @property
    def ringing(self) -> bool:
        """Whether the sound is repeating."""
        return self._timer.isActive()

    def set_enabled(self, on: bool) -> None:
        """Switch the alert on or off, and remember it; off also ends a pending alert."""
        if on == self.enabled:
            return
        self.preferences.urgent_alert = on
        if self._save is not None:
            self._save(self.preferences)
        if not on:
            self.acknowledge()
        self.enabled_changed.emit(on)

    def acknowledge(self) -> None:
        """The operator saw it: silence and clear the alert."""
        self._timer.stop()
        if self._pending:
            self._pending.clear()
            self.pending_changed.emit(())

    def _on_cases_arrived(self, case_ids: set[int]) -> None:
        if not self.enabled:
            return
        cases = self.store.cases
        urgent = [
            case_id
            for case_id in sorted(case_ids)
            if (case := cases.get(case_id)) is not None
            and case.urgency in URGENT
            and not case.state.is_terminal
        ]
        if not urgent:
            return
        self._pending.extend(urgent)
        self.pending_changed.emit(self.pending)
        self._ring()
        self._timer.start()

    def _on_cases_removed(self, case_ids: set[int]) -> None:
        kept = [case_id for case_id in self._pending if case_id not in case_ids]
        if len(kept) == len(self._pending):
            return
        self._pending = kept
        if not kept:
            self._timer.stop()
        self.pending_changed.emit(self.pending)

    def _ring(self) -> None:
        self._sound()


def register_alert_actions(registry: ActionRegistry, alert: UrgentCaseAlert) -> None:
    """The alert's commands in the menus and the palette: acknowledge, and switch on/off."""
    registry.add(
        ACKNOWLEDGE_ACTION,
        lambda: QCoreApplication.translate("CaseAlert", "Acknowledge urgent-case alert"),
        alert.acknowledge,
        ACKNOWLEDGE_SHORTCUT,
    )
    registry.add(
        TOGGLE_ACTION,
        lambda: QCoreApplication.translate("CaseAlert", "Alert on new urgent cases"),
        lambda: alert.set_enabled(not alert.enabled),
        checked=lambda: alert.enabled,
    )
    # Menus show the toggle's state; the queue panel's button switches it too.
    alert.enabled_changed.connect(lambda _on: registry.states_changed())
