"""The case detail panel: everything about the selected case, and what can be done to it.

It shows the store's selected case (the first, when several are selected): every field,
the actions legal now for the signed-in user (disabled otherwise; with several cases
selected each action applies to every case it is legal for), what became of the actions
taken (pending, then done or the server's refusal in words), and in tabs the flow timeline
(asked of the server again whenever the case's revision changes), the orders with their
deadlines and states, the photos (thumbnails; Enter opens one full size), merged duplicate
reports and the cases nearby that may be duplicates, offered for merging.

A small map of the case's surroundings goes in :attr:`CaseDetailPanel.map_container`:
pass it as ``map_widget`` or call :meth:`CaseDetailPanel.set_map_widget`; the panel's
``case_shown`` signal says which case to centre on.
"""

from __future__ import annotations

import asyncio
from functools import partial
from typing import Final

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.case_actions import (
    NEARBY_DAYS,
    NEARBY_RADIUS_M,
    QUICK_ACTIONS,
    CaseAction,
    NearbyCase,
    merge_pair,
)
from console.case_texts import (
    action_name,
    closing_name,
    distance_text,
    level_name,
    order_state_name,
)
from console.connection import error_text, tr_item, translate
from console.item_models import (
    FLAG_NAMES,
    SOURCE_NAMES,
    STATE_NAMES,
    URGENCY_NAMES,
    case_flags,
    format_duration,
    local_time,
)
from console.shift_watch import when_answered
from console.store import Selection
from models.case import Case
from net.client import Answer, RequestFailed
from net.protocol import HistoryResult, PhotoResult
from views.case_desk import ActionRecord, ActionState, CaseDesk, shortcut_hint
from widgets.case_timeline import CaseTimeline
from widgets.photo_strip import PhotoStrip, PhotoViewer

ACTION_ORDER: Final = (
    CaseAction.ACCEPT,
    CaseAction.FILE,
    CaseAction.DISPATCH,
    CaseAction.DISPATCH_COMPREHENSIVE,
    CaseAction.ESCALATE,
    CaseAction.URGE,
    CaseAction.ASSIGN_VERIFICATION,
    CaseAction.CLOSE,
    CaseAction.REWORK,
    CaseAction.APPROVE_EXTENSION,
    CaseAction.DENY_EXTENSION,
    CaseAction.SUSPEND,
    CaseAction.RESUME,
    CaseAction.MERGE,
    CaseAction.VOID,
)
"""The action buttons, in the order of the closed loop."""

DIRECT: Final = QUICK_ACTIONS - {CaseAction.DISPATCH}
"""Buttons that act at once with the defaults; the others open their form (the Dispatch
button too, so a click shows department and deadline; F4 sends them as they are)."""

BUTTON_KEYS: Final = {
    CaseAction.ACCEPT: "accept",
    CaseAction.FILE: "file",
    CaseAction.DISPATCH: "dispatch_edit",
    CaseAction.ASSIGN_VERIFICATION: "assign_verification",
    CaseAction.URGE: "urge",
    CaseAction.CLOSE: "close",
}
"""Buttons whose registered action has a key (shown in the tooltip)."""

RECORDS_SHOWN: Final = 20
NEARBY_REFRESH_MS: Final = 2000
"""Longest wait before a new case nearby shows in the list of possible duplicates."""
STATE_MARKS: Final = {
    ActionState.PENDING: "…",
    ActionState.DONE: "✓",
    ActionState.FAILED: "✗",
    ActionState.SKIPPED: "–",
}
RECORD_ROLE: Final = int(Qt.ItemDataRole.UserRole)
"""``item.data(RECORD_ROLE)`` in the results list: the :class:`ActionRecord`."""
CASE_ROLE: Final = int(Qt.ItemDataRole.UserRole)
"""``item.data(0, CASE_ROLE)`` in the nearby list: the case id."""

FIELDS: Final = (
    "number",
    "id",
    "state",
    "category",
    "urgency",
    "source",
    "description",
    "address",
    "position",
    "cell",
    "community",
    "street",
    "reporter",
    "reported_at",
    "updated_at",
    "revision",
    "step",
    "flags",
    "supervision",
    "returns",
    "reworks",
    "duplicates",
    "merged_into",
    "merged_from",
    "verifier",
    "closing",
    "void_reason",
    "suspended",
    "escalation_reason",
)
"""The rows of the details form, in order; a row without a value is hidden."""


def _failure(future: asyncio.Future[Answer]) -> str | None:
    """Why a query failed, in words; ``None`` if it answered."""
    if future.cancelled():
        return ""
    exc = future.exception()
    if exc is None:
        return None
    if isinstance(exc, RequestFailed):
        return error_text(exc.code, exc.details)
    if isinstance(exc, TimeoutError):
        return translate("CaseDetailPanel", "no answer from the server")
    return str(exc)


class CaseDetailPanel(QWidget):
    """The selected case in full, with its actions.

    Args:
        desk: The desk that acts on cases (store, catalogue, names).
        map_widget: The small map of the case's surroundings, if there is one yet.
        parent: Owning widget.

    Signals:
        case_shown(Case | None): Another case is shown (or none); a map centres on it.
    """

    case_shown = Signal(object)

    def __init__(
        self, desk: CaseDesk, map_widget: QWidget | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("caseDetailPanel")
        self.desk = desk
        self.case: Case | None = None
        self.viewer: PhotoViewer | None = None
        self._history_key: tuple[int, int] | None = None
        self._nearby: list[NearbyCase] = []
        self._nearby_key: tuple[int, int] | None = None

        self.title = QLabel(self)
        self.title.setObjectName("caseTitle")
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.title.setFont(font)
        self.status = QLabel(self)
        self.status.setObjectName("caseStatus")
        self.status.setWordWrap(True)
        self.deadline = QLabel(self)
        self.deadline.setObjectName("caseDeadline")
        self.selection_note = QLabel(self)
        self.selection_note.setObjectName("caseSelectionNote")
        self.selection_note.setWordWrap(True)
        heading = QVBoxLayout()
        for label in (self.title, self.status, self.deadline, self.selection_note):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            heading.addWidget(label)
        heading.addStretch(1)

        self.map_container = QFrame(self)
        self.map_container.setObjectName("caseMapContainer")
        self.map_container.setFrameShape(QFrame.Shape.StyledPanel)
        self.map_container.setMinimumSize(200, 140)
        self._map_layout = QVBoxLayout(self.map_container)
        self._map_layout.setContentsMargins(0, 0, 0, 0)
        self.map_placeholder = QLabel(self.map_container)
        self.map_placeholder.setObjectName("caseMapPlaceholder")
        self.map_placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.map_placeholder.setWordWrap(True)
        self._map_layout.addWidget(self.map_placeholder)
        self.map_widget: QWidget | None = None

        top = QHBoxLayout()
        top.addLayout(heading, 1)
        top.addWidget(self.map_container)

        self.buttons: dict[CaseAction, QPushButton] = {}
        grid = QGridLayout()
        grid.setSpacing(4)
        for i, action in enumerate(ACTION_ORDER):
            button = QPushButton(self)
            button.setObjectName(f"caseAction-{action.value}")
            button.setEnabled(False)
            button.clicked.connect(partial(self._clicked, action))
            self.buttons[action] = button
            grid.addWidget(button, i // 5, i % 5)

        self.results = QListWidget(self)
        self.results.setObjectName("caseActionResults")
        self.results.setMaximumHeight(96)
        self.results.setWordWrap(True)

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("caseDetailTabs")
        self.fields_page = QWidget()
        self.form = QFormLayout(self.fields_page)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._field_labels: dict[str, QLabel] = {}
        self._field_values: dict[str, QLabel] = {}
        for name in FIELDS:
            label, value = QLabel(), QLabel()
            value.setObjectName(f"caseField-{name}")
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self._field_labels[name], self._field_values[name] = label, value
            self.form.addRow(label, value)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.fields_page)
        self.timeline = CaseTimeline(desk.department_name, self)
        self.orders = QTreeWidget(self)
        self.orders.setObjectName("caseOrders")
        self.orders.setRootIsDecorated(False)
        self.orders.setColumnCount(8)
        self.orders.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.photos = PhotoStrip(self)
        self.photos.photo_activated.connect(self.open_photo)
        duplicates = QWidget(self)
        self.merged = QLabel(duplicates)
        self.merged.setObjectName("caseMerged")
        self.merged.setWordWrap(True)
        self.nearby_note = QLabel(duplicates)
        self.nearby_note.setWordWrap(True)
        self.nearby = QTreeWidget(duplicates)
        self.nearby.setObjectName("caseNearby")
        self.nearby.setRootIsDecorated(False)
        self.nearby.setColumnCount(5)
        self.nearby.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.nearby.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.nearby.itemActivated.connect(self._nearby_activated)
        self.nearby.currentItemChanged.connect(lambda *_: self._update_merge_button())
        self.merge_button = QPushButton(duplicates)
        self.merge_button.setObjectName("caseMergeNearby")
        self.merge_button.clicked.connect(self.merge_nearby)
        box = QVBoxLayout(duplicates)
        box.addWidget(self.merged)
        box.addWidget(self.nearby_note)
        box.addWidget(self.nearby, 1)
        box.addWidget(self.merge_button)
        self.tabs.addTab(scroll, "")
        self.tabs.addTab(self.timeline, "")
        self.tabs.addTab(self.orders, "")
        self.tabs.addTab(self.photos, "")
        self.tabs.addTab(duplicates, "")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addLayout(grid)
        layout.addWidget(self.results)
        layout.addWidget(self.tabs, 1)

        # Other cases coming and going nearby are looked for at most this often: the look
        # goes through every case the store holds.
        self._nearby_timer = QTimer(self)
        self._nearby_timer.setSingleShot(True)
        self._nearby_timer.setInterval(NEARBY_REFRESH_MS)
        self._nearby_timer.timeout.connect(self._refresh_nearby)
        # The countdown to the deadline moves on its own.
        self._clock = QTimer(self)
        self._clock.setInterval(15_000)
        self._clock.timeout.connect(self._show_deadline)
        self._clock.start()

        signals = desk.signals
        signals.selection_changed.connect(self._on_selection_changed)
        signals.cases_changed.connect(self._on_cases_changed)
        signals.cases_removed.connect(self._on_cases_changed)
        desk.actions_changed.connect(self._update_buttons)
        desk.action_recorded.connect(self._on_action_recorded)
        if map_widget is not None:
            self.set_map_widget(map_widget)
        self.retranslate_ui()

    # -- the map ----------------------------------------------------------------------------

    def set_map_widget(self, widget: QWidget) -> None:
        """Put the small map of the case's surroundings in place of the placeholder."""
        if self.map_widget is not None:
            self._map_layout.removeWidget(self.map_widget)
            self.map_widget.deleteLater()
        self.map_placeholder.hide()
        widget.setParent(self.map_container)
        self._map_layout.addWidget(widget)
        self.map_widget = widget

    # -- showing ----------------------------------------------------------------------------

    def refresh(self) -> None:
        """Show the desk's focus case (the first selected) as the store has it now."""
        case = self.desk.focus_case()
        before = self.case
        self.case = case
        if case is None:
            self._show_nothing()
        else:
            self._show_case(case)
        self._update_buttons()
        if (before.id if before else None) != (case.id if case else None):
            self.case_shown.emit(case)

    def _show_nothing(self) -> None:
        self.title.setText(self.tr("No case selected"))
        self.status.setText(self.tr("Select a case in the queue or on the map."))
        self.deadline.setText("")
        self.selection_note.hide()
        for name in FIELDS:
            self._field_values[name].setText("")
            self.form.setRowVisible(self._field_labels[name], False)
        self.timeline.set_entries([])
        self.orders.clear()
        self.photos.set_photos([])
        self.merged.setText("")
        self.nearby.clear()
        self._nearby = []
        self._history_key = None
        self._nearby_key = None
        self._update_merge_button()

    def _show_case(self, case: Case) -> None:
        desk = self.desk
        self.title.setText(case.number)
        flags = " · ".join(tr_item(text) for bit, text in FLAG_NAMES if case_flags(case) & bit)
        status = [
            tr_item(STATE_NAMES[case.state]),
            tr_item(URGENCY_NAMES[case.urgency]),
            desk.category_name(case.category),
        ]
        if case.street_code:
            status.append(desk.street_name(case.street_code))
        self.status.setText(" · ".join(status) + (f" · {flags}" if flags else ""))
        self._show_deadline()
        selected = len(self.desk.store.selection.cases)
        self.selection_note.setVisible(selected > 1)
        self.selection_note.setText(
            self.tr(
                "{count} cases selected: actions apply to each case they are allowed for."
            ).format(count=selected)
        )
        values = self._values(case)
        for name in FIELDS:
            text = values.get(name, "")
            self._field_values[name].setText(text)
            self.form.setRowVisible(self._field_labels[name], bool(text))
        self._show_orders(case)
        self._show_photos(case)
        self._show_duplicates(case)
        self._load_history(case)

    def _show_deadline(self) -> None:
        case = self.case
        if case is None:
            return
        deadline = case.step_deadline
        if deadline is None:
            self.deadline.setText(self.tr("No deadline runs in this state."))
            return
        left = (deadline - self.desk.clock()).total_seconds()
        if left >= 0:
            text = self.tr("Due {time}: {left} left").format(
                time=local_time(deadline), left=format_duration(left)
            )
        else:
            text = self.tr("Overdue since {time}: {late} late").format(
                time=local_time(deadline), late=format_duration(-left)
            )
        self.deadline.setText(text)

    def _number(self, case_id: int) -> str:
        case = self.desk.store.cases.get(case_id)
        return case.number if case is not None else f"#{case_id}"

    def _values(self, case: Case) -> dict[str, str]:
        """Every field of the case in words (empty: nothing to show)."""
        desk = self.desk
        loc = case.location
        reporter = case.reporter
        who = " ".join(p for p in (reporter.name, reporter.phone) if p)
        if reporter.ident:
            who = f"{who} ({reporter.ident})" if who else reporter.ident
        flags = [tr_item(text) for bit, text in FLAG_NAMES if case_flags(case) & bit]
        if case.ever_overdue and not case.overdue:
            flags.append(self.tr("was overdue"))
        step = ""
        if case.step_deadline is not None:
            step = self.tr("since {start}, due {deadline}").format(
                start=local_time(case.step_started_at), deadline=local_time(case.step_deadline)
            )
            if case.step_working:
                step += " " + self.tr("(working time)")
        closing = ""
        if case.closing_type is not None:
            closing = f"{closing_name(case.closing_type)}, {local_time(case.closed_at)}"
        elif case.closed_at is not None:
            closing = local_time(case.closed_at)
        suspended = ""
        if case.suspended_from is not None:
            suspended = self.tr("since {time}, from “{state}”: {reason}").format(
                time=local_time(case.suspended_at),
                state=tr_item(STATE_NAMES[case.suspended_from]),
                reason=case.suspend_reason,
            )
        supervision = ""
        if case.urge_count:
            supervision = self.tr("level {level}, urged {count} times").format(
                level=case.urge_level, count=case.urge_count
            )
        return {
            "number": case.number,
            "id": str(case.id),
            "state": tr_item(STATE_NAMES[case.state]),
            "category": f"{case.category} {desk.category_name(case.category)}",
            "urgency": tr_item(URGENCY_NAMES[case.urgency]),
            "source": tr_item(SOURCE_NAMES[case.source]),
            "description": case.description,
            "address": loc.address,
            "position": f"{loc.lat:.6f}, {loc.lon:.6f}",
            "cell": loc.cell_code or "",
            "community": loc.community_code or "",
            "street": f"{desk.street_name(loc.street_code)} ({loc.street_code})"
            if loc.street_code
            else "",
            "reporter": who,
            "reported_at": local_time(case.reported_at),
            "updated_at": local_time(case.updated_at),
            "revision": str(case.revision),
            "step": step,
            "flags": " · ".join(flags),
            "supervision": supervision,
            "returns": str(case.return_count) if case.return_count else "",
            "reworks": str(case.rework_count) if case.rework_count else "",
            "duplicates": str(case.duplicate_count) if case.duplicate_count else "",
            "merged_into": self._number(case.merged_into) if case.merged_into else "",
            "merged_from": ", ".join(self._number(i) for i in case.merged_from),
            "verifier": case.verifier or "",
            "closing": closing,
            "void_reason": case.void_reason,
            "suspended": suspended,
            "escalation_reason": case.escalation_reason,
        }

    def _show_orders(self, case: Case) -> None:
        self.orders.clear()
        for order in case.orders:
            extension = ""
            if order.extension is not None:
                extension = self.tr("requested: {reason}").format(reason=order.extension.reason)
            elif order.extensions_granted:
                extension = self.tr("{count} granted").format(count=order.extensions_granted)
            result = order.result or order.return_reason or order.instructions
            item = QTreeWidgetItem(
                [
                    str(order.no),
                    f"{self.desk.department_name(order.department)} ({order.department})",
                    level_name(order.level) + (" · " + self.tr("rework") if order.rework else ""),
                    local_time(order.issued_at),
                    local_time(order.deadline),
                    order_state_name(order.state),
                    extension,
                    result,
                ]
            )
            self.orders.addTopLevelItem(item)

    def _show_photos(self, case: Case) -> None:
        ids = [*case.photos, *(p for order in case.orders for p in order.photos)]
        self.photos.set_photos(ids)
        for photo_id in ids:
            if photo_id in self.photos.images:
                continue
            try:
                future = self.desk.photo(photo_id)
            except ConnectionError:
                self.photos.set_failed(photo_id, self.tr("Not connected"))
                continue
            when_answered(future, self, "_photo_loaded", photo_id)

    def _photo_loaded(self, photo_id: str, future: asyncio.Future[Answer]) -> None:
        problem = _failure(future)
        if problem is not None:
            self.photos.set_failed(photo_id, problem)
            return
        answer = future.result()
        if isinstance(answer, PhotoResult):
            self.photos.set_image(photo_id, answer.data)

    def open_photo(self, photo_id: str) -> None:
        """Show a photo full size (once its image has arrived)."""
        pixmap = self.photos.images.get(photo_id)
        if pixmap is None:
            return
        number = self.case.number if self.case else ""
        self.viewer = PhotoViewer(
            pixmap, self.tr("Case {case}: photo {photo}").format(case=number, photo=photo_id), self
        )
        self.viewer.open()

    # -- the timeline -----------------------------------------------------------------------

    def _load_history(self, case: Case) -> None:
        key = (case.id, case.revision)
        if key == self._history_key:
            return
        if self._history_key is None or self._history_key[0] != case.id:
            self.timeline.set_message(self.tr("Loading the flow…"))
        self._history_key = key
        try:
            future = self.desk.history(case.id)
        except ConnectionError:
            self.timeline.set_message(self.tr("Not connected: the flow cannot be loaded."))
            self._history_key = None
            return
        when_answered(future, self, "_history_loaded", key)

    def _history_loaded(self, key: tuple[int, int], future: asyncio.Future[Answer]) -> None:
        if key != self._history_key:
            return  # an older request; a newer one is on its way
        problem = _failure(future)
        if problem is not None:
            self._history_key = None  # try again on the next change
            self.timeline.set_message(
                self.tr("The flow could not be loaded: {reason}").format(reason=problem)
            )
            return
        answer = future.result()
        if isinstance(answer, HistoryResult):
            self.timeline.set_entries(answer.entries)

    # -- duplicates -------------------------------------------------------------------------

    def _show_duplicates(self, case: Case) -> None:
        parts = []
        if case.merged_into is not None:
            parts.append(
                self.tr("This report was merged into case {case}.").format(
                    case=self._number(case.merged_into)
                )
            )
        if case.merged_from:
            parts.append(
                self.tr("{count} duplicate reports merged into this case: {cases}").format(
                    count=case.duplicate_count,
                    cases=", ".join(self._number(i) for i in case.merged_from),
                )
            )
        self.merged.setText("\n".join(parts) or self.tr("No duplicate reports merged."))
        key = (case.id, case.revision)
        if key != self._nearby_key:
            self._refresh_nearby()

    def _refresh_nearby(self) -> None:
        case = self.case
        if case is None:
            return
        self._nearby_key = (case.id, case.revision)
        current = self.nearby.currentItem()
        chosen = current.data(0, CASE_ROLE) if current is not None else None
        self._nearby = self.desk.nearby(case)
        self.nearby.clear()
        for near in self._nearby:
            other = near.case
            item = QTreeWidgetItem(
                [
                    other.number,
                    tr_item(STATE_NAMES[other.state]),
                    distance_text(near.distance_m),
                    local_time(other.reported_at),
                    other.location.address,
                ]
            )
            item.setData(0, CASE_ROLE, other.id)
            self.nearby.addTopLevelItem(item)
            if other.id == chosen:
                self.nearby.setCurrentItem(item)
        first = self.nearby.topLevelItem(0)
        if self.nearby.currentItem() is None and first is not None:
            self.nearby.setCurrentItem(first)
        self._update_merge_button()

    def _merge_pair(self) -> tuple[Case, Case] | None:
        item = self.nearby.currentItem()
        actor = self.desk.actor()
        if item is None or self.case is None or actor is None:
            return None
        other = self.desk.store.cases.get(item.data(0, CASE_ROLE))
        return merge_pair(self.case, other, actor) if other is not None else None

    def _update_merge_button(self) -> None:
        pair = self._merge_pair()
        self.merge_button.setEnabled(pair is not None)
        if pair is None:
            self.merge_button.setText(self.tr("Merge (choose a nearby case that can merge)"))
        else:
            duplicate, target = pair
            self.merge_button.setText(
                self.tr("Merge {duplicate} into {target}").format(
                    duplicate=duplicate.number, target=target.number
                )
            )

    def merge_nearby(self) -> None:
        """Merge the chosen nearby case and this one (the newer report into the older)."""
        pair = self._merge_pair()
        if pair is not None:
            self.desk.merge(*pair)

    def _nearby_activated(self, item: QTreeWidgetItem) -> None:
        # Enter or a double click opens the nearby case here (it becomes the selection).
        self.desk.store.select_cases([item.data(0, CASE_ROLE)])

    # -- actions ----------------------------------------------------------------------------

    def _clicked(self, action: CaseAction) -> None:
        self.desk.trigger(action, edit=action not in DIRECT)

    def _update_buttons(self) -> None:
        enabled = self.desk.enabled_set(self.desk.cases())
        for action, button in self.buttons.items():
            button.setEnabled(action in enabled)
        self._update_merge_button()

    def enabled_actions(self) -> frozenset[CaseAction]:
        """The actions whose buttons are enabled now."""
        return frozenset(a for a, b in self.buttons.items() if b.isEnabled())

    def _on_action_recorded(self, _record: ActionRecord) -> None:
        self.results.clear()
        for record in reversed(list(self.desk.records.values())[-RECORDS_SHOWN:]):
            item = QListWidgetItem(f"{STATE_MARKS[record.state]} {record.text}")
            item.setData(RECORD_ROLE, record)
            item.setToolTip(record.text)
            self.results.addItem(item)

    def result_texts(self) -> list[str]:
        """The results list as shown, newest first."""
        return [self.results.item(i).text() for i in range(self.results.count())]

    # -- store signals ----------------------------------------------------------------------

    def _on_selection_changed(self, _selection: Selection) -> None:
        self.refresh()

    def _on_cases_changed(self, case_ids: set[int]) -> None:
        case = self.case
        if case is None or case.id in case_ids or case_ids & self.desk.store.selection.cases:
            self.refresh()
            return
        # Another case of the same category may have become (or stopped being) nearby.
        cases = self.desk.store.cases
        if not self._nearby_timer.isActive() and any(
            (other := cases.get(i)) is None or other.category == case.category for i in case_ids
        ):
            self._nearby_timer.start()

    # -- text -------------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        """Retranslates on a language switch."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def _field_names(self) -> dict[str, str]:
        return {
            "number": self.tr("Number"),
            "id": self.tr("Case id"),
            "state": self.tr("State"),
            "category": self.tr("Category"),
            "urgency": self.tr("Urgency"),
            "source": self.tr("Source"),
            "description": self.tr("Description"),
            "address": self.tr("Address"),
            "position": self.tr("Position (WGS-84)"),
            "cell": self.tr("Grid cell"),
            "community": self.tr("Community"),
            "street": self.tr("Street/town"),
            "reporter": self.tr("Reporter"),
            "reported_at": self.tr("Reported"),
            "updated_at": self.tr("Last change"),
            "revision": self.tr("Revision"),
            "step": self.tr("Current step"),
            "flags": self.tr("Flags"),
            "supervision": self.tr("Supervision"),
            "returns": self.tr("Returned by departments"),
            "reworks": self.tr("Reworks"),
            "duplicates": self.tr("Duplicate reports"),
            "merged_into": self.tr("Merged into"),
            "merged_from": self.tr("Merged from"),
            "verifier": self.tr("Verifier"),
            "closing": self.tr("Closed"),
            "void_reason": self.tr("Void reason"),
            "suspended": self.tr("Suspended"),
            "escalation_reason": self.tr("Leader coordination reason"),
        }

    def retranslate_ui(self) -> None:
        """Sets every text in the current language (and shows the case again)."""
        for name, text in self._field_names().items():
            self._field_labels[name].setText(text)
        for action, button in self.buttons.items():
            name = action_name(action)
            button.setText(name if action in DIRECT else f"{name}…")
            key = BUTTON_KEYS.get(action)
            hint = shortcut_hint(key) if key else ""
            button.setToolTip(f"{name} ({hint})" if hint else name)
        self.map_placeholder.setText(self.tr("Map of the case's surroundings"))
        for index, title in enumerate(
            (
                self.tr("Details"),
                self.tr("Flow"),
                self.tr("Orders"),
                self.tr("Photos"),
                self.tr("Duplicates and nearby"),
            )
        ):
            self.tabs.setTabText(index, title)
        self.orders.setHeaderLabels(
            [
                self.tr("No."),
                self.tr("Department"),
                self.tr("Level"),
                self.tr("Issued"),
                self.tr("Deadline"),
                self.tr("State"),
                self.tr("Extension"),
                self.tr("Result or instructions"),
            ]
        )
        self.nearby.setHeaderLabels(
            [
                self.tr("Number"),
                self.tr("State"),
                self.tr("Distance"),
                self.tr("Reported"),
                self.tr("Address"),
            ]
        )
        self.nearby_note.setText(
            self.tr("Cases of the same category within {radius} in the last {days} days:").format(
                radius=distance_text(NEARBY_RADIUS_M), days=NEARBY_DAYS
            )
        )
        self.refresh()
