"""The connection indicator of the status bar: online / reconnecting / offline at a glance.

Shows a coloured dot and a word (never colour alone: DESIGN.md and ``console.theme``), the
age of the last event ("last event 3 s ago": a quiet city and a dead feed look alike
otherwise) and the round trip of the last ping. The tooltip says why when the connection
is down (the server restarting, a sign-in refused...).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Final

from PySide6.QtCore import QEvent, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from console.connection import goodbye_text, status_text, stop_text
from console.item_models import format_age
from console.store import ClientStore, ConnectionInfo, StoreSignals
from console.theme import STATUS_COLOURS
from net.client import ClientStatus

STATUS_COLOUR_KEYS: Final[dict[ClientStatus, str]] = {
    ClientStatus.ONLINE: "on_time",
    ClientStatus.CONNECTING: "warning",
    ClientStatus.RECONNECTING: "warning",
    ClientStatus.OFFLINE: "overdue",
}
"""Status → key of ``console.theme.STATUS_COLOURS`` (green, yellow, vermillion)."""

STALE_AFTER: Final = 60.0
"""Seconds without any event after which the age is shown in the warning colour."""


class ConnectionIndicator(QWidget):
    """A small status-bar widget showing the connection's state, event age and round trip.

    Args:
        store: The store (connection info, age of the last event).
        signals: The store's signals (``connection_changed``).
        clock: Monotonic seconds (the store's clock), injectable for tests.
        refresh_ms: How often the age is refreshed.
        parent: Qt parent.

    Signals:
        None: the indicator only shows; it changes nothing.
    """

    def __init__(
        self,
        store: ClientStore,
        signals: StoreSignals | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        refresh_ms: int = 1000,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("connectionIndicator")
        self.store = store
        self.clock = clock
        self.dot = QLabel("●", self)
        self.status_label = QLabel(self)
        self.age_label = QLabel(self)
        self.round_trip_label = QLabel(self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.setSpacing(6)
        for label in (self.dot, self.status_label, self.age_label, self.round_trip_label):
            layout.addWidget(label)
        self._info = store.connection
        if signals is not None:
            signals.connection_changed.connect(self.set_connection)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.refresh)
        if refresh_ms > 0:
            self._timer.start(refresh_ms)
        self.retranslate_ui()

    def set_connection(self, info: ConnectionInfo) -> None:
        """Show a new connection state (the store's ``connection_changed``)."""
        self._info = info
        self.refresh()

    def refresh(self) -> None:
        """Redraw from the current state and clock (every second for the age)."""
        info = self._info
        colour = STATUS_COLOURS[STATUS_COLOUR_KEYS[info.status]]
        self.dot.setStyleSheet(f"color: {colour};")
        text = status_text(info.status)
        if info.status is ClientStatus.RECONNECTING and info.attempt > 1:
            text = self.tr("{status} (attempt {attempt})").format(status=text, attempt=info.attempt)
        self.status_label.setText(text)
        self.status_label.setToolTip(self._reason(info))
        self.setToolTip(self._reason(info))

        last = self.store.last_event_at
        if last is None:
            self.age_label.setText(self.tr("no events yet"))
            self.age_label.setStyleSheet("")
        else:
            age = self.clock() - last
            self.age_label.setText(self.tr("last event {age}").format(age=format_age(age)))
            stale = age > STALE_AFTER and info.status is ClientStatus.ONLINE
            self.age_label.setStyleSheet(f"color: {STATUS_COLOURS['warning']};" if stale else "")

        if info.round_trip is None or info.status is not ClientStatus.ONLINE:
            self.round_trip_label.setText("")
        else:
            self.round_trip_label.setText(
                self.tr("{ms} ms").format(ms=max(0, round(info.round_trip * 1000)))
            )

    def _reason(self, info: ConnectionInfo) -> str:
        """Why the connection is not online, in words (empty when online)."""
        if info.status is ClientStatus.OFFLINE and info.stop_reason is not None:
            return stop_text(info.stop_reason)
        if info.status is ClientStatus.RECONNECTING:
            why = goodbye_text(info.goodbye) if info.goodbye else self.tr("Connection lost")
            if info.retry_in is not None:
                return self.tr("{why}; next attempt in {seconds} s").format(
                    why=why, seconds=max(1, round(info.retry_in))
                )
            return why
        return ""

    # -- texts

    @property
    def texts(self) -> tuple[str, str, str]:
        """The status, age and round-trip texts as shown (for tests and accessibility)."""
        return self.status_label.text(), self.age_label.text(), self.round_trip_label.text()

    def retranslate_ui(self) -> None:
        """Texts in the current language."""
        self.dot.setAccessibleName(self.tr("Connection status"))
        self.refresh()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)
