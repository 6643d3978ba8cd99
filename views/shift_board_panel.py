"""The shift supervisor's board (值班长看板): the shift's figures, who works it, what needs
attention, and the trend against earlier shifts.

::

    ┌ 白班 11-30 · 08:00–20:00 · figures as of 19:52:10                     [Refresh] ┐
    │ Received │ Filed │ Dispatched │ Closed │ On-time rate │ Overdue │ Returned │ Urged │
    │ Signed in                     │ [Overdue (3)] [Alarms (2)] [Joint (1)] [Returned ×2] │
    │ 演示操作员 · Operator · 2 …    │ PD20261130-0042 · In progress · 19:40 · 浦东南路…     │
    │ Trend: the last shifts' bars (received, dispatched, closed, overdue)              │
    └──────────────────────────────────────────────────────────────────────────────────┘

Where each part comes from:

* **Figures**: the shift answer (``store.shift.figures``), which the server counts with the
  handover packet's own function; the shift watch refreshes it as cases change.
* **Signed in**: ``query_presence``, asked every ``presence_ms``; each user's load is the
  open cases they hold (:func:`console.shift_board.operator_loads`).
* **Attention**: the packet's own lists over the store's cases
  (:func:`console.shift_board.attention`): overdue orders, alarms not yet acknowledged
  (clicking one, or "Acknowledge all", acknowledges it on this console), joint operations
  in progress, cases returned twice or more. A click selects the case in the store.
* **Trend**: ``query_shift`` about each of the last shifts (their figures, as counted over
  the whole shift), asked when the shift changes; the current shift is the last group.
"""

from __future__ import annotations

import asyncio
import logging
from functools import partial
from typing import Final

from PySide6.QtCore import QEvent, QModelIndex, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from console.item_models import ID_ROLE
from console.shift_board import (
    AlarmKey,
    Attention,
    alarm_key,
    attention,
    fetch_trend,
    operator_loads,
)
from console.shift_models import CaseLineModel, PresenceModel, PresenceRow
from console.shift_watch import ShiftWatch, query_failure, shift_name, when_answered
from console.store import ClientStore, StoreSignals
from models.handover import READER_ROLES
from models.org import Role
from net.client import Answer, ClientStatus, new_request_id
from net.protocol import PresenceResult, QueryPresence, ShiftResult
from widgets.figure_tiles import ShiftFigureTiles
from widgets.shift_trend import ShiftTrendChart

log = logging.getLogger(__name__)

PRESENCE_MS: Final = 30_000
"""Who is signed in is asked again this often."""

ATTENTION_MS: Final = 1_000
"""Case changes recompute the attention lists at most this often (one pass over the open
cases, as a packet makes it)."""

TREND_SHIFTS: Final = 6
"""Earlier shifts in the trend (three days of two shifts)."""

_ROLE_ORDER: Final = {role: i for i, role in enumerate(Role)}


def _table(parent: QWidget, name: str) -> QTableView:
    view = QTableView(parent)
    view.setObjectName(name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setStretchLastSection(True)
    view.setAlternatingRowColors(True)
    return view


class ShiftBoardPanel(QWidget):
    """The supervisor board of the current shift.

    Args:
        store: The store (shift, cases, selection).
        signals: The store's signals.
        watch: The shift watch (its clock is "now"; Refresh asks it).
        presence_ms: How often who is signed in is asked.
        attention_ms: Case changes recompute the lists at most this often.
        trend_shifts: Earlier shifts in the trend.
        parent: Qt parent.
    """

    def __init__(
        self,
        store: ClientStore,
        signals: StoreSignals,
        watch: ShiftWatch,
        *,
        presence_ms: int = PRESENCE_MS,
        attention_ms: int = ATTENTION_MS,
        trend_shifts: int = TREND_SHIFTS,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("shiftBoardPanel")
        self.store = store
        self.watch = watch
        self.now = watch.now
        self.trend_shifts = trend_shifts
        self.seen: set[AlarmKey] = set()
        self.current = Attention()
        self.sessions: PresenceResult | None = None
        self.earlier: list[ShiftResult] = []
        self._trend_for: str | None = None
        self._presence_future: asyncio.Future[Answer] | None = None

        self.header = QLabel(self)
        self.header.setObjectName("shiftBoardHeader")
        self.refresh_button = QPushButton(self)
        self.refresh_button.setObjectName("shiftBoardRefresh")
        self.refresh_button.clicked.connect(self.refresh)
        self.problem = QLabel(self)
        self.problem.setObjectName("shiftBoardProblem")
        self.problem.setWordWrap(True)
        self.problem.hide()
        self.tiles = ShiftFigureTiles(self)

        self.presence_model = PresenceModel(self.now, self)
        self.presence = _table(self, "shiftBoardPresence")
        self.presence.setModel(self.presence_model)

        self.overdue_model = CaseLineModel(self)
        self.alarm_model = CaseLineModel(self)
        self.joint_model = CaseLineModel(self)
        self.returned_model = CaseLineModel(self)
        self.lists = QTabWidget(self)
        self.lists.setObjectName("shiftBoardAttention")
        self.list_views: dict[str, QTableView] = {}
        for name, model in (
            ("overdue", self.overdue_model),
            ("alarms", self.alarm_model),
            ("joint", self.joint_model),
            ("returned", self.returned_model),
        ):
            view = _table(self, f"shiftBoard_{name}")
            view.setModel(model)
            view.clicked.connect(partial(self._on_case_clicked, name))
            view.activated.connect(partial(self._on_case_clicked, name))
            self.list_views[name] = view
        alarms_page = QWidget(self)
        self.acknowledge_button = QPushButton(alarms_page)
        self.acknowledge_button.setObjectName("shiftBoardAcknowledge")
        self.acknowledge_button.clicked.connect(self.acknowledge_alarms)
        alarms_layout = QVBoxLayout(alarms_page)
        alarms_layout.setContentsMargins(0, 0, 0, 0)
        alarms_layout.addWidget(self.list_views["alarms"])
        alarms_layout.addWidget(self.acknowledge_button)
        self.lists.addTab(self.list_views["overdue"], "")
        self.lists.addTab(alarms_page, "")
        self.lists.addTab(self.list_views["joint"], "")
        self.lists.addTab(self.list_views["returned"], "")

        self.trend = ShiftTrendChart(self)
        self.trend.setMinimumHeight(140)

        top = QHBoxLayout()
        top.addWidget(self.header, 1)
        top.addWidget(self.refresh_button)
        middle = QSplitter(Qt.Orientation.Horizontal, self)
        middle.addWidget(self.presence)
        middle.addWidget(self.lists)
        middle.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.problem)
        layout.addWidget(self.tiles)
        layout.addWidget(middle, 2)
        layout.addWidget(self.trend, 1)

        self._attention_timer = QTimer(self)
        self._attention_timer.setSingleShot(True)
        self._attention_timer.setInterval(attention_ms)
        self._attention_timer.timeout.connect(self.recompute)
        self._presence_timer = QTimer(self)
        self._presence_timer.setInterval(presence_ms)
        self._presence_timer.timeout.connect(self.ask_presence)
        self._presence_timer.start()

        signals.shift_changed.connect(self._on_shift_changed)
        signals.cases_changed.connect(self._schedule_recompute)
        signals.cases_removed.connect(self._schedule_recompute)
        signals.connection_changed.connect(self._on_connection)
        watch.failed.connect(self._show_problem)
        self.retranslate_ui()
        self._on_shift_changed(store.shift)
        self.ask_presence()

    # -- actions

    def refresh(self) -> None:
        """Ask the server again now: the shift and its figures, who is signed in (and the
        earlier shifts, if they could not be loaded)."""
        self.watch.refresh()
        self.ask_presence()
        if not self.earlier and self.store.shift is not None:
            self._load_trend(self.store.shift)

    def acknowledge_alarms(self) -> None:
        """The supervisor saw the alarms listed: they leave the list (on this console)."""
        self.seen |= {alarm_key(line.case) for line in self.current.alarms}
        self.recompute()

    def _on_case_clicked(self, list_name: str, index: QModelIndex) -> None:
        case_id = index.data(ID_ROLE)
        if case_id is None:
            return
        if list_name == "alarms":  # looked at: acknowledged
            line = self.alarm_model.item(index.row())
            if line is not None:
                self.seen.add(alarm_key(line))
                self._schedule_recompute()
        self.store.select_cases([case_id])

    # -- keeping current

    def _allowed(self) -> bool:
        user = self.store.user
        return (
            user is not None
            and user.role in READER_ROLES
            and self.store.connection.status is ClientStatus.ONLINE
        )

    def _on_connection(self, _info: object) -> None:
        if self._allowed() and self.sessions is None:
            self.ask_presence()

    def _schedule_recompute(self, *_args: object) -> None:
        if not self._attention_timer.isActive():
            self._attention_timer.start()

    def recompute(self) -> None:
        """The attention lists and the loads, from the store's cases now."""
        self._attention_timer.stop()
        answer = self.store.shift
        cases = self.store.cases.values()
        self.current = (
            attention(cases, answer.shift, self.now(), self.seen)
            if answer is not None
            else Attention()
        )
        a = self.current
        self.overdue_model.set_items(a.overdue)
        self.alarm_model.set_items([line.case for line in a.alarms])
        self.joint_model.set_items(a.joint)
        self.returned_model.set_items(a.returned_twice)
        self.acknowledge_button.setEnabled(bool(a.alarms))
        self._show_presence()
        self._show_list_titles()

    def _on_shift_changed(self, answer: ShiftResult | None) -> None:
        self.tiles.show_figures(answer.figures if answer is not None else None)
        self._show_header()
        if answer is not None:
            self.problem.hide()
            if answer.shift.id != self._trend_for:
                self._trend_for = answer.shift.id
                self.earlier = []
                self._load_trend(answer)
        self._show_trend()
        self.recompute()

    def _show_problem(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.show()

    # -- who is signed in

    def ask_presence(self) -> None:
        """Ask who is signed in (the timer does, every ``presence_ms``)."""
        if not self._allowed():
            return
        if self._presence_future is not None and not self._presence_future.done():
            return
        try:
            future = asyncio.ensure_future(
                self.store.query(QueryPresence(id=new_request_id("who")))
            )
        except ConnectionError:
            return
        self._presence_future = future
        when_answered(future, self, "_presence_answered")

    def _presence_answered(self, future: asyncio.Future[Answer]) -> None:
        problem = query_failure(future)
        if problem:
            self._show_problem(
                self.tr("Who is signed in is unknown: {reason}").format(reason=problem)
            )
            return
        if problem is None and isinstance(answer := future.result(), PresenceResult):
            self.sessions = answer
            self._show_presence()

    def _show_presence(self) -> None:
        if self.sessions is None:
            return
        loads = operator_loads(self.store.cases.values())
        rows = [PresenceRow(s, loads.get(s.user_id, 0)) for s in self.sessions.sessions]
        rows.sort(key=lambda r: (_ROLE_ORDER[r.session.role], r.session.since))
        self.presence_model.set_items(rows)

    # -- the trend

    def _load_trend(self, answer: ShiftResult) -> None:
        try:
            future = asyncio.ensure_future(fetch_trend(self.store.query, answer, self.trend_shifts))
        except ConnectionError:
            return
        when_answered(future, self, "_trend_loaded")

    def _trend_loaded(self, future: asyncio.Future[list[ShiftResult]]) -> None:
        if future.cancelled():
            return
        exc = future.exception()
        if exc is not None:
            log.warning("the trend could not be loaded: %s", exc)
            self._show_problem(self.tr("The earlier shifts could not be loaded."))
            return
        results = future.result()
        answer = self.store.shift
        if answer is not None and results and results[-1].next.id == answer.shift.id:
            self.earlier = results
            self._show_trend()

    def _show_trend(self) -> None:
        answer = self.store.shift
        shifts = [r.shift for r in self.earlier]
        figures = [r.figures for r in self.earlier]
        labels = [shift_name(s, short=True) for s in shifts]
        if answer is not None:
            labels.append(self.tr("now"))
            figures.append(answer.figures)
        self.trend.set_shifts(labels, figures)

    # -- text

    def _show_header(self) -> None:
        answer = self.store.shift
        if answer is None:
            self.header.setText(self.tr("Shift: not known yet"))
            return
        shift = answer.shift
        as_of = answer.as_of.astimezone(shift.local_start.tzinfo) if answer.as_of else None
        self.header.setText(
            self.tr("{shift} · {start}–{end} · figures as of {time}").format(
                shift=shift_name(shift),
                start=f"{shift.local_start:%H:%M}",
                end=f"{shift.local_end:%H:%M}",
                time=f"{as_of:%H:%M:%S}" if as_of else "—",
            )
        )

    def _show_list_titles(self) -> None:
        a = self.current
        titles = (
            self.tr("Overdue ({count})").format(count=a.overdue_total),
            self.tr("Unacknowledged alarms ({count})").format(count=a.alarms_total),
            self.tr("Joint operations ({count})").format(count=a.joint_total),
            self.tr("Returned twice ({count})").format(count=a.returned_twice_total),
        )
        for i, title in enumerate(titles):
            self.lists.setTabText(i, title)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        self.refresh_button.setText(self.tr("Refresh"))
        self.acknowledge_button.setText(self.tr("Acknowledge all"))
        for model in (
            self.presence_model,
            self.overdue_model,
            self.alarm_model,
            self.joint_model,
            self.returned_model,
        ):
            model.retranslate()
        self._show_header()
        self._show_list_titles()
        self._show_trend()
