"""The evaluation panel: the hand-counted day's indicators per group, a chart of one rate,
periods the server would refuse refused here with a reason, and a CSV that Excel opens
with the Chinese names and that says what the table said."""

from __future__ import annotations

import asyncio
import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
import qasync
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from console import i18n
from console.evaluation_model import PeriodKind
from console.store import ClientStore, StoreSignals
from models.evaluation import Dimension
from net.client import ClientStatus, StatusChange
from tests.gui.evaluation_backend import AS_OF, MONDAY, DayBackend
from views.evaluation_panel import EvaluationPanel


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DayBackend]:
    day = DayBackend(tmp_path_factory.mktemp("evaluation-day"))
    yield day
    day.close()


@pytest.fixture
def panel(
    qtbot: QtBot, backend: DayBackend, english: None, loop: qasync.QEventLoop
) -> EvaluationPanel:
    store = ClientStore()
    signals = StoreSignals(store)
    store.sink = backend
    store.apply(StatusChange(ClientStatus.ONLINE))
    made = EvaluationPanel(store, signals, now=lambda: AS_OF)
    made.signals = signals  # type: ignore[attr-defined]  # kept alive with the panel
    qtbot.addWidget(made)
    made.resize(1400, 900)
    made.show()
    return made


def choose(panel: EvaluationPanel, kind: PeriodKind, dimension: Dimension) -> None:
    panel.period.setCurrentIndex(list(PeriodKind).index(kind))
    panel.dimension.setCurrentIndex(panel.dimension.findData(dimension.value))


def answer(loop: qasync.QEventLoop, panel: EvaluationPanel) -> None:
    """Ask again and wait for the answer on the loop."""

    async def asked() -> None:
        task = panel.refresh()
        assert task is not None
        while panel.asking:  # a choice made meanwhile asks once more
            await asyncio.sleep(0.01)

    loop.run_until_complete(asyncio.wait_for(asked(), 30))


def table(panel: EvaluationPanel) -> list[list[str]]:
    model = panel.model
    return [[model.text(r, c) for c in range(model.columnCount())] for r in range(model.rowCount())]


def test_today_by_street_and_department_as_counted_by_hand(
    panel: EvaluationPanel, loop: qasync.QEventLoop, backend: DayBackend
) -> None:
    choose(panel, PeriodKind.TODAY, Dimension.STREET)
    answer(loop, panel)
    result = panel.result
    assert result is not None
    assert (result.start, result.end) == (MONDAY.start, MONDAY.end)
    day = backend.day
    header = [panel.model.headerData(c, Qt.Orientation.Horizontal) for c in range(4)]
    assert header == ["Name", "Code", "On-time handling rate", "Handling rate"]
    rows = {row[1]: row for row in table(panel)}
    assert set(rows) == {day.street_a, day.street_b}
    assert rows[day.street_a][2:4] == ["66.67 %", "100.00 %"]  # K1, K5 on time; K2 late
    assert rows[day.street_b][2:4] == ["0.00 %", "0.00 %"]  # K3 overdue
    tip = panel.model.index(0, 2).data(Qt.ItemDataRole.ToolTipRole)
    assert tip in ("2/3", "0/1")

    choose(panel, PeriodKind.TODAY, Dimension.DEPARTMENT)
    answer(loop, panel)
    rows = {row[1]: row for row in table(panel)}
    assert set(rows) == {"HW", "CGZF"}
    assert rows["HW"][2] == "66.67 %"
    assert rows["CGZF"][4] == "100.00 %"  # overdue-pending: K3 of one due

    # Sorted by the chart's rate, best first: the chart follows the table's order.
    panel.table.sortByColumn(2, Qt.SortOrder.DescendingOrder)
    assert [g.key for g in panel.model.groups()] == ["HW", "CGZF"]
    assert panel.chart.values.tolist() == [66.67, 0.0]
    panel.indicator.setCurrentIndex(panel.indicator.findData("overdue_pending"))
    assert panel.chart.values.tolist() == [0.0, 100.0]
    assert "2 rows" in panel.status.text()


def test_a_range_the_server_would_refuse_is_refused_here_with_the_reason(
    panel: EvaluationPanel, loop: qasync.QEventLoop, backend: DayBackend, qtbot: QtBot
) -> None:
    choose(panel, PeriodKind.CUSTOM, Dimension.STREET)  # from today to today
    answer(loop, panel)
    asked = len(backend.queries)
    with qtbot.waitSignal(panel.failed) as failed:
        panel.last.setDate(QDate(2026, 11, 1))
    assert "before the first" in failed.args[0]
    with qtbot.waitSignal(panel.failed) as failed:
        panel.first.setDate(QDate(2025, 1, 1))
    assert "670 days" in failed.args[0]
    assert len(backend.queries) == asked, "nothing was sent"
    assert panel.first.isEnabled()
    panel.first.setDate(QDate(2026, 11, 30))
    panel.last.setDate(QDate(2026, 11, 30))
    answer(loop, panel)
    assert panel.result is not None
    assert panel.result.start == MONDAY.start


def test_csv_export_says_what_the_table_shows_and_excel_reads_the_chinese(
    panel: EvaluationPanel, loop: qasync.QEventLoop, qapp: QApplication, tmp_path: Path
) -> None:
    choose(panel, PeriodKind.TODAY, Dimension.STREET)
    i18n.install_language(qapp, i18n.CHINESE)
    try:
        answer(loop, panel)
        panel.table.sortByColumn(2, Qt.SortOrder.DescendingOrder)
        shown = table(panel)
        headers = [
            panel.model.headerData(c, Qt.Orientation.Horizontal)
            for c in range(panel.model.columnCount())
        ]
        path = panel.export_csv(tmp_path / "评价.csv")
    finally:
        i18n.install_language(qapp, i18n.ENGLISH)
    assert path is not None
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the byte-order mark Excel needs for UTF-8
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == headers
    assert rows[1:] == shown
    assert any("\u4e00" <= ch <= "\u9fff" for ch in rows[1][0]), rows[1][0]  # Chinese name
    assert rows[1][2] == "66.67 %"
    assert not list(tmp_path.glob("*.tmp"))
    # A place that cannot be written to is said, and nothing is left behind.
    assert panel.export_csv(tmp_path / "missing" / "x.csv") is None
    assert "Could not save" in panel.status.text()
