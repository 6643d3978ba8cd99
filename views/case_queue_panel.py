"""The dispatcher's case queue (案件队列): work lists with live counts, search, the table.

::

    ┌ ! New urgent case PD20261130-0042 · Road collapse · 浦东南路 12 号  [Show] [Acknowledge] ┐
    │ All (1,204)           │ [search: number, address, text, category, street…] [Alert] │
    │ To accept (12)        │ Number │ Urgency │ Time left │ Category │ Street │ …         │
    │ To file (3)  …        │ …                                                         │
    └───────────────────────┴───────────────────────────────────────────────────────────┘

Everything is in the shared :class:`~console.item_models.CaseTableModel`: the work list and
the search are one filter of the model (numpy masks, instant at a million rows), and the
counts are the model's. The panel only shows them and passes on what the operator does.

Selection flows one way (DESIGN.md): a selection made here goes to the store
(``store.select_cases``); the panel selects and scrolls to what the store says, whoever
selected it (the map, the detail panel, this table). Rows leaving the table because the model
changed (a case accepted leaves "To accept") do not deselect the case in the store.
"""

from __future__ import annotations

from typing import Any, Final

from PySide6.QtCore import QCoreApplication, QEvent, QItemSelection, QItemSelectionModel, Qt, QTimer
from PySide6.QtGui import QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from console.case_alert import ACKNOWLEDGE_SHORTCUT, UrgentCaseAlert
from console.item_models import ID_ROLE, URGENCY_NAMES, CaseTableModel, runs, tr
from console.panels import QT_TRANSLATE_NOOP
from console.store import ClientStore, Selection, StoreSignals
from console.theme import STATUS_COLOURS
from models.work_lists import WorkList

CONTEXT: Final = "CaseQueuePanel"

WORK_LIST_NAMES: Final[dict[WorkList | None, str]] = {
    None: QT_TRANSLATE_NOOP("CaseQueuePanel", "All cases"),
    WorkList.TO_ACCEPT: QT_TRANSLATE_NOOP("CaseQueuePanel", "To accept"),
    WorkList.TO_FILE: QT_TRANSLATE_NOOP("CaseQueuePanel", "To file"),
    WorkList.TO_DISPATCH: QT_TRANSLATE_NOOP("CaseQueuePanel", "To dispatch"),
    WorkList.IN_PROGRESS: QT_TRANSLATE_NOOP("CaseQueuePanel", "In progress"),
    WorkList.AWAITING_VERIFICATION: QT_TRANSLATE_NOOP("CaseQueuePanel", "Awaiting verification"),
    WorkList.OVERDUE: QT_TRANSLATE_NOOP("CaseQueuePanel", "Overdue"),
    WorkList.SUPERVISED: QT_TRANSLATE_NOOP("CaseQueuePanel", "Under supervision"),
    WorkList.JOINT: QT_TRANSLATE_NOOP("CaseQueuePanel", "Joint action"),
    WorkList.SUSPENDED: QT_TRANSLATE_NOOP("CaseQueuePanel", "Suspended"),
    WorkList.CLOSED_TODAY: QT_TRANSLATE_NOOP("CaseQueuePanel", "Closed today"),
}
"""Work list (``None``: every case) → its English name, in the order the desk lists them."""

WORK_LIST_ROLE: Final = int(Qt.ItemDataRole.UserRole)
"""An item of the work-list selector holds its work list (``None``: all cases) here."""

SEARCH_DELAY_MS: Final = 150
"""Typing waits this long before it filters (Enter filters at once): a search over a
million rows takes about 0.1 s, which must not be paid per keystroke."""

BLINK_MS: Final = 500

COLUMN_ORDER: Final = (
    "number",
    "urgency",
    "time_left",
    "category",
    "street",
    "source",
    "age",
    "state",
    "flags",
    "closed_at",
    "reported_at",
)
"""The order the queue shows the model's columns in (a dispatcher reads left to right)."""

HIDDEN: Final = frozenset({"reported_at"})
"""Columns the queue leaves out: the age says it, with the report time as its tooltip."""

_BANNER_STYLE: Final = f"""
QFrame#urgentBanner {{ background: {STATUS_COLOURS["urgent"]}; border-radius: 4px; }}
QFrame#urgentBanner[blink="true"] {{ background: {STATUS_COLOURS["overdue"]}; }}
QFrame#urgentBanner QLabel {{ color: #000000; font-weight: bold; }}
"""


def _translate(source: str) -> str:
    return QCoreApplication.translate(CONTEXT, source)


class UrgentBanner(QFrame):
    """The urgent-case banner: blinks while the alert is pending, hidden otherwise.

    Args:
        alert: The alert it shows.
        model: The case table model (its reference names the category).
        parent: Qt parent.
    """

    def __init__(
        self, alert: UrgentCaseAlert, model: CaseTableModel, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("urgentBanner")
        self.setStyleSheet(_BANNER_STYLE)
        self.alert = alert
        self.model = model
        self.text = QLabel(self)
        self.text.setObjectName("urgentBannerText")
        self.text.setWordWrap(True)
        self.show_button = QPushButton(self)
        self.show_button.setObjectName("urgentBannerShow")
        self.acknowledge_button = QPushButton(self)
        self.acknowledge_button.setObjectName("urgentBannerAcknowledge")
        self.acknowledge_button.clicked.connect(alert.acknowledge)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.show_button)
        layout.addWidget(self.acknowledge_button)
        self._blink = QTimer(self)
        self._blink.setInterval(BLINK_MS)
        self._blink.timeout.connect(self._toggle_blink)
        alert.pending_changed.connect(self._on_pending)
        self.retranslate_ui()
        self._on_pending(alert.pending)

    @property
    def blinking(self) -> bool:
        return self._blink.isActive()

    def _on_pending(self, pending: tuple[int, ...]) -> None:
        self.setVisible(bool(pending))
        if pending:
            self._blink.start()
        else:
            self._blink.stop()
            self._set_blink(False)
        self._show_text()

    def _toggle_blink(self) -> None:
        self._set_blink(not self.property("blink"))

    def _set_blink(self, on: bool) -> None:
        self.setProperty("blink", on)
        # A dynamic property changes the style only when the widget is polished again.
        self.style().unpolish(self)
        self.style().polish(self)

    def _show_text(self) -> None:
        pending = self.alert.pending
        case = self.model.store.cases.get(pending[-1]) if pending else None
        if case is None:
            self.text.setText("")
            return
        latest = self.tr("{urgency} case {number}: {category}, {address}").format(
            urgency=tr(URGENCY_NAMES[case.urgency]),
            number=case.number,
            category=self.model.category_name(case.category),
            address=case.location.address,
        )
        if len(pending) == 1:
            self.text.setText(self.tr("New urgent case. {latest}").format(latest=latest))
        else:
            self.text.setText(
                self.tr("{count} new urgent cases. Latest: {latest}").format(
                    count=len(pending), latest=latest
                )
            )

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        self.show_button.setText(self.tr("Show"))
        shortcut = QKeySequence(ACKNOWLEDGE_SHORTCUT).toString(
            QKeySequence.SequenceFormat.NativeText
        )
        self.acknowledge_button.setText(
            self.tr("Acknowledge ({shortcut})").format(shortcut=shortcut)
        )
        self._show_text()


class CaseQueuePanel(QWidget):
    """The case queue: work lists with live counts, a search field and the case table.

    Args:
        model: The shared case table model (its filter is the panel's work list and search).
        store: The store: the selection is read from it and written to it.
        signals: The store's signals (``selection_changed``).
        alert: The new-urgent-case alert (banner and on/off button); ``None``: none.
        parent: Qt parent.
    """

    def __init__(
        self,
        model: CaseTableModel,
        store: ClientStore,
        signals: StoreSignals,
        alert: UrgentCaseAlert | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("caseQueuePanel")
        self.model = model
        self.store = store
        self.alert = alert
        # Above zero while the model or the store, not the operator, changes the selection.
        self._quiet = 0

        self.banner: UrgentBanner | None = None
        if alert is not None:
            self.banner = UrgentBanner(alert, model, self)
            self.banner.show_button.clicked.connect(self.show_pending)

        self.lists = QListWidget(self)
        self.lists.setObjectName("workLists")
        for work_list in WORK_LIST_NAMES:
            item = QListWidgetItem(self.lists)
            item.setData(WORK_LIST_ROLE, work_list)
        self.lists.setCurrentRow(list(WORK_LIST_NAMES).index(model.work_list))
        self.lists.currentItemChanged.connect(self._apply_filter)

        self.search = QLineEdit(self)
        self.search.setObjectName("caseSearch")
        self.search.setClearButtonEnabled(True)
        self.search.setText(model.table_filter.text)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._apply_filter)
        self.search.textEdited.connect(lambda _text: self._search_timer.start())
        self.search.returnPressed.connect(self._apply_filter)

        self.alert_button = QToolButton(self)
        self.alert_button.setObjectName("urgentAlertToggle")
        self.alert_button.setCheckable(True)
        self.alert_button.setVisible(alert is not None)
        if alert is not None:
            self.alert_button.setChecked(alert.enabled)
            self.alert_button.toggled.connect(alert.set_enabled)
            alert.enabled_changed.connect(self.alert_button.setChecked)

        self.table = QTableView(self)
        self.table.setObjectName("caseTable")
        # The model's "about to" signals reach the panel before the view's selection model
        # (connected first), its "done" signals after it (connected after ``setModel``), so
        # whatever the selection model does in between is known not to be the operator.
        model.rowsAboutToBeRemoved.connect(self._model_changing)
        model.rowsAboutToBeInserted.connect(self._model_changing)
        model.layoutAboutToBeChanged.connect(self._model_changing)
        model.modelAboutToBeReset.connect(self._model_changing)
        self.table.setModel(model)
        model.rowsRemoved.connect(self._model_changed)
        model.rowsInserted.connect(self._model_changed)
        model.layoutChanged.connect(self._model_changed)
        model.modelReset.connect(self._model_changed)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        for visual, name in enumerate(COLUMN_ORDER):
            header.moveSection(header.visualIndex(model.rows.column_index(name)), visual)
        for name in HIDDEN:
            self.table.setColumnHidden(model.rows.column_index(name), True)
        # Sized from the font, not the contents: measuring a million rows would take seconds.
        header.resizeSection(
            model.rows.column_index("number"),
            self.table.fontMetrics().horizontalAdvance("PD20261130-00000") + 16,
        )
        # Nearest deadline first: the case to act on next is at the top. The indicator is set
        # first, so that enabling sorting sorts the model once (a million rows: ≈0.1 s).
        header.setSortIndicator(model.rows.column_index("time_left"), Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.selectionModel().selectionChanged.connect(self._on_view_selection)
        signals.selection_changed.connect(self._show_selection)
        model.work_list_counts_changed.connect(self._show_counts)

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.search, 1)
        top.addWidget(self.alert_button)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addLayout(top)
        right_layout.addWidget(self.table)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.lists)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([170, 600])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        if self.banner is not None:
            layout.addWidget(self.banner)
        layout.addWidget(self.splitter, 1)
        self._show_closing_column()
        self.retranslate_ui()
        self._show_selection(store.selection)

    # -- work lists and search

    @property
    def work_list(self) -> WorkList | None:
        """The work list shown (``None``: every case)."""
        item = self.lists.currentItem()
        value: WorkList | None = item.data(WORK_LIST_ROLE) if item is not None else None
        return value

    def set_work_list(self, work_list: WorkList | None) -> None:
        """Show ``work_list`` (``None``: every case), as a click in the list does."""
        self.lists.setCurrentRow(list(WORK_LIST_NAMES).index(work_list))

    def set_search(self, text: str) -> None:
        """Search for ``text`` now, as typing it and pressing Enter does."""
        self.search.setText(text)
        self._apply_filter()

    def _apply_filter(self, *_args: Any) -> None:
        self._search_timer.stop()
        self.model.set_filter_by(text=self.search.text(), work_list=self.work_list)
        self._show_closing_column()

    def _show_closing_column(self) -> None:
        column = self.model.rows.column_index("closed_at")
        self.table.setColumnHidden(column, self.model.work_list is not WorkList.CLOSED_TODAY)

    def _show_counts(self, counts: dict[WorkList, int] | None = None) -> None:
        counts = counts if counts is not None else self.model.work_list_counts
        for row, work_list in enumerate(WORK_LIST_NAMES):
            item = self.lists.item(row)
            count = counts.get(work_list, 0) if work_list is not None else self.model.rows.count
            item.setText(
                self.tr("{name} ({count})").format(
                    name=_translate(WORK_LIST_NAMES[work_list]), count=f"{count:,}"
                )
            )
            alarming = work_list is WorkList.OVERDUE and count > 0
            colour = QColor(STATUS_COLOURS["overdue"]) if alarming else None
            item.setData(Qt.ItemDataRole.ForegroundRole, colour)

    # -- selection

    def _model_changing(self, *_args: Any) -> None:
        self._quiet += 1

    def _model_changed(self, *_args: Any) -> None:
        self._quiet -= 1
        if self._quiet == 0:
            # A case selected in the store that just came (back) into the table is selected
            # in it again; a filter change or reload cleared the view's selection.
            self._show_selection(self.store.selection, scroll=False)

    def _selected_ids(self) -> set[int]:
        return {index.data(ID_ROLE) for index in self.table.selectionModel().selectedRows()}

    def _on_view_selection(self, *_args: Any) -> None:
        if self._quiet:
            return
        self.store.select_cases(self._selected_ids())

    def _show_selection(self, selection: Selection, scroll: bool = True) -> None:
        """Select the store's selected cases that the table shows; scroll to the first."""
        wanted = selection.cases
        selected = self._selected_ids()
        if selected == wanted:
            return  # the usual case, and cheap: nothing to look up among the rows
        rows = self.model.rows_of(wanted)
        if selected == {self.model.item_id(int(row)) for row in rows}:
            return
        last = self.model.columnCount() - 1
        chosen = QItemSelection()
        for start, stop in runs(rows):
            chosen.select(self.model.index(start, 0), self.model.index(stop - 1, last))
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        self._quiet += 1
        try:
            self.table.selectionModel().select(chosen, flags)
            if len(rows):
                first = self.model.index(int(rows[0]), 0)
                self.table.selectionModel().setCurrentIndex(
                    first, QItemSelectionModel.SelectionFlag.NoUpdate
                )
                if scroll:
                    self.table.scrollTo(first)
        finally:
            self._quiet -= 1

    def show_pending(self) -> None:
        """Select the cases of the urgent-case alert (all cases shown if the list lacks them)."""
        if self.alert is None or not self.alert.pending:
            return
        if not len(self.model.rows_of(self.alert.pending)):
            self.set_work_list(None)
        self.store.select_cases(self.alert.pending)

    # -- text

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        self.model.retranslate()  # models are not widgets: no LanguageChange reaches them
        self.search.setPlaceholderText(self.tr("Search: number, address, text, category, street…"))
        self.alert_button.setText(self.tr("Alert"))
        self.alert_button.setToolTip(self.tr("Sound and banner for new urgent cases"))
        self._show_counts()
