"""The evaluation panel (综合评价): the indicators per group over a period, as a table and a
chart, exported to CSV.

The user picks a period (today, this week, this month, or a range of days) and what a row
is (department, street, team, person...); the panel asks the server
(``console.evaluation.fetch_evaluation``: every page joined) and shows the rows in an
:class:`~console.evaluation_model.EvaluationTableModel`, sortable by any column, with one
chosen rate per group as horizontal bars in the table's order. "Export CSV" writes the
table exactly as shown (UTF-8 with a byte-order mark, so Excel reads the Chinese names).

One query at a time: a choice changed while one is on its way asks again when it is
answered, and an answer for an older choice is not shown.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import cast

import shiboken6
from PySide6.QtCore import QDate, QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.evaluation import fetch_evaluation
from console.evaluation_model import (
    DIMENSION_NAMES,
    FULL_COLUMNS,
    PERIOD_NAMES,
    RATE_NAMES,
    BadPeriod,
    EvaluationTableModel,
    PeriodKind,
    group_name,
    percent_text,
    period_of,
    tr,
    write_csv,
)
from console.shift_watch import query_failure
from console.store import ClientStore, ConnectionInfo, StoreSignals
from models.calendar import SHANGHAI
from models.evaluation import Dimension, Period
from net.client import Answer, ClientStatus
from net.protocol import EvaluationResult
from widgets.charts import RankedBars

log = logging.getLogger(__name__)

CHART_BARS = 30
"""The chart shows the first this many groups of the table."""


def utc_now() -> datetime:
    return datetime.now(UTC)


class EvaluationPanel(QWidget):
    """Period and grouping pickers, the indicator table, a chart of one rate, CSV export.

    Args:
        store: The store (its ``query`` sends the evaluation query).
        signals: The store's signals (to ask again when the console comes online).
        now: "Now" (aware), for the periods; tests pass their own.
        parent: Qt parent.

    Attributes:
        result: The answer shown (``None`` before the first).

    Signals:
        loaded(int): An answer is shown: its number of rows.
        failed(str): A query failed or a choice was refused; why, in words.
    """

    loaded = Signal(int)
    failed = Signal(str)

    def __init__(
        self,
        store: ClientStore,
        signals: StoreSignals,
        now: Callable[[], datetime] = utc_now,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("evaluationPanel")
        self.store = store
        self.now = now
        self.result: EvaluationResult | None = None
        self._task: asyncio.Task[EvaluationResult] | None = None
        self._again = False

        self.period = QComboBox(self)
        self.period.setObjectName("evaluationPeriod")
        for kind in PeriodKind:
            self.period.addItem("", kind.value)
        self.first = QDateEdit(self)
        self.last = QDateEdit(self)
        for edit in (self.first, self.last):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setDate(self._today())
            edit.dateChanged.connect(lambda _d: self.refresh())
        self.dimension = QComboBox(self)
        self.dimension.setObjectName("evaluationDimension")
        for dimension in DIMENSION_NAMES:
            self.dimension.addItem("", dimension.value)
        self.refresh_button = QPushButton(self)
        self.refresh_button.clicked.connect(self.refresh)
        self.export_button = QPushButton(self)
        self.export_button.clicked.connect(self.choose_export)
        self.export_button.setEnabled(False)
        self.period_label = QLabel(self)
        self.dimension_label = QLabel(self)

        self.model = EvaluationTableModel(FULL_COLUMNS, self)
        self.table = QTableView(self)
        self.table.setObjectName("evaluationTable")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)

        self.indicator = QComboBox(self)
        self.indicator.setObjectName("evaluationIndicator")
        for key in RATE_NAMES:
            self.indicator.addItem("", key)
        self.indicator.currentIndexChanged.connect(lambda _i: self.update_chart())
        self.indicator_label = QLabel(self)
        self.chart = RankedBars(CHART_BARS, self)
        self.status = QLabel(self)
        self.status.setObjectName("evaluationStatus")
        self.status.setWordWrap(True)

        # Two short rows rather than one long one: the panel shares a column with others,
        # and a wide minimum would squeeze the docks beside it.
        choices = QHBoxLayout()
        controls = QHBoxLayout()
        rows: tuple[tuple[QHBoxLayout, tuple[QWidget, ...]], ...] = (
            (choices, (self.period_label, self.period, self.first, self.last)),
            (controls, (self.dimension_label, self.dimension, self.refresh_button)),
        )
        for row, widgets in rows:
            for widget in widgets:
                row.addWidget(widget)
        choices.addStretch(1)
        controls.addStretch(1)
        controls.addWidget(self.export_button)
        chart_bar = QHBoxLayout()
        chart_bar.addWidget(self.indicator_label)
        chart_bar.addWidget(self.indicator)
        chart_bar.addStretch(1)
        chart_box = QWidget(self)
        chart_layout = QVBoxLayout(chart_box)
        chart_layout.setContentsMargins(0, 0, 0, 0)
        chart_layout.addLayout(chart_bar)
        chart_layout.addWidget(self.chart, 1)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.table)
        split.addWidget(chart_box)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(choices)
        layout.addLayout(controls)
        layout.addWidget(split, 1)
        layout.addWidget(self.status)

        self.model.modelReset.connect(self.update_chart)
        self.model.layoutChanged.connect(self.update_chart)
        self.period.currentIndexChanged.connect(self._period_chosen)
        self.dimension.currentIndexChanged.connect(lambda _i: self.refresh())
        signals.connection_changed.connect(self._on_connection)
        self.dimension.setCurrentIndex(list(DIMENSION_NAMES).index(Dimension.STREET))
        self._period_chosen()
        self.retranslate_ui()

    # -- choices

    def _today(self) -> QDate:
        local = self.now().astimezone(SHANGHAI).date()
        return QDate(local.year, local.month, local.day)

    def chosen_kind(self) -> PeriodKind:
        return PeriodKind(self.period.currentData())

    def chosen_dimension(self) -> Dimension:
        return Dimension(self.dimension.currentData())

    def chosen_period(self) -> Period:
        """The period picked.

        Raises:
            BadPeriod: The custom range is not one the server evaluates (says why).
        """
        first, last = _date(self.first.date()), _date(self.last.date())
        return period_of(self.chosen_kind(), self.now(), first, last)

    def _period_chosen(self, _index: int = 0) -> None:
        custom = self.chosen_kind() is PeriodKind.CUSTOM
        self.first.setEnabled(custom)
        self.last.setEnabled(custom)
        self.refresh()

    # -- asking

    @property
    def asking(self) -> bool:
        return self._task is not None and not self._task.done()

    def refresh(self) -> asyncio.Task[EvaluationResult] | None:
        """Ask for the chosen period and grouping now.

        Returns:
            The query on its way, or ``None`` when none was sent (a bad range, offline).
        """
        if self.asking:
            self._again = True
            return self._task
        try:
            period = self.chosen_period()
        except BadPeriod as exc:
            self._fail(str(exc))
            return None
        if self.store.connection.status is not ClientStatus.ONLINE:
            self._show_status(self.tr("Not connected: the evaluation is asked for when online."))
            return None
        dimension = self.chosen_dimension()
        task = asyncio.ensure_future(fetch_evaluation(self.store.query, period, dimension))
        self._task = task
        self.refresh_button.setEnabled(False)
        self._show_status(self.tr("Asking the server…"))
        me = weakref.ref(self)

        def done(finished: asyncio.Task[EvaluationResult]) -> None:
            panel = me()
            if panel is not None and shiboken6.isValid(panel):
                panel._answered(finished, period, dimension)
            elif not finished.cancelled():
                finished.exception()  # retrieved: the panel is gone

        task.add_done_callback(done)
        return task

    def _answered(
        self, task: asyncio.Task[EvaluationResult], period: Period, dimension: Dimension
    ) -> None:
        self.refresh_button.setEnabled(True)
        # The failure texts are the shift watch's: the same kinds of query failure.
        problem = query_failure(cast("asyncio.Future[Answer]", task))
        if self._again:
            self._again = False
            try:
                current: tuple[Period, Dimension] | None = (
                    self.chosen_period(),
                    self.chosen_dimension(),
                )
            except BadPeriod:
                current = None
            if current != (period, dimension):
                self.refresh()  # the choice changed meanwhile: the answer is for the old one
                return
        if problem is None:
            self.show_result(task.result())
        elif problem:
            log.warning("evaluation query failed: %s", task.exception())
            self._fail(problem)

    def _on_connection(self, info: ConnectionInfo) -> None:
        if info.status is ClientStatus.ONLINE:
            self.refresh()

    # -- showing

    def show_result(self, result: EvaluationResult) -> None:
        """Show an answer (the query's; tests may hand one in)."""
        self.result = result
        self.model.set_rows(result.rows)
        self.export_button.setEnabled(bool(result.rows))
        self._show_status(self._result_text())
        self.loaded.emit(len(result.rows))

    def _result_text(self) -> str:
        result = self.result
        if result is None:
            return ""
        start = result.start.astimezone(SHANGHAI)
        last = (result.end.astimezone(SHANGHAI) - timedelta(microseconds=1)).date()
        return self.tr("{start} – {last} · as of {time} · {count} rows").format(
            start=f"{start:%Y-%m-%d}",
            last=f"{last:%Y-%m-%d}",
            time=f"{result.as_of.astimezone(SHANGHAI):%Y-%m-%d %H:%M}",
            count=len(result.rows),
        )

    def update_chart(self) -> None:
        """The chosen rate of the table's first groups, in the table's order."""
        key = self.indicator.currentData()
        if key is None:
            return
        names: list[str] = []
        values: list[float] = []
        texts: list[str] = []
        for group in self.model.groups():
            ratio = getattr(group.indicators, key)
            if ratio.percent is None:
                continue  # nothing to rate: no bar rather than a zero one
            names.append(group_name(group))
            values.append(ratio.percent)
            texts.append(percent_text(ratio))
            if len(names) == CHART_BARS:
                break
        self.chart.set_data(names, values, texts)

    def _show_status(self, text: str) -> None:
        self.status.setText(text)

    def _fail(self, problem: str) -> None:
        self._show_status(problem)
        self.failed.emit(problem)

    # -- export

    def default_file_name(self) -> str:
        result = self.result
        if result is None:
            return "evaluation.csv"
        start = result.start.astimezone(SHANGHAI)
        return f"evaluation-{result.dimension.value}-{start:%Y%m%d}.csv"

    def choose_export(self) -> None:
        """Ask where to save, then export (the button)."""
        path, _filter = QFileDialog.getSaveFileName(
            self,
            self.tr("Export evaluation"),
            self.default_file_name(),
            self.tr("CSV files (*.csv)"),
        )
        if path:
            self.export_csv(path)

    def export_csv(self, path: str | Path) -> Path | None:
        """Write the table as shown to ``path``; say so, or say why not.

        Returns:
            The file written, or ``None`` when it could not be (the status says why).
        """
        try:
            written = write_csv(self.model, path)
        except OSError as exc:
            self._fail(
                self.tr("Could not save {path}: {reason}").format(
                    path=path, reason=exc.strerror or exc
                )
            )
            return None
        self._show_status(
            self.tr("Saved {count} rows to {path}").format(
                count=self.model.rowCount(), path=written
            )
        )
        return written

    # -- language

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        self.period_label.setText(self.tr("Period"))
        self.dimension_label.setText(self.tr("Group by"))
        self.indicator_label.setText(self.tr("Chart"))
        for i, kind in enumerate(PeriodKind):
            self.period.setItemText(i, tr(PERIOD_NAMES[kind]))
        for i, dimension in enumerate(DIMENSION_NAMES):
            self.dimension.setItemText(i, tr(DIMENSION_NAMES[dimension]))
        for i, key in enumerate(RATE_NAMES):
            self.indicator.setItemText(i, tr(RATE_NAMES[key]))
        self.refresh_button.setText(self.tr("Refresh"))
        self.export_button.setText(self.tr("Export CSV…"))
        self.model.retranslate()
        self.update_chart()
        if self.result is not None and not self.asking:
            self._show_status(self._result_text())


def _date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())
