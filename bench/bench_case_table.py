"""Case table: sort and filter 1,000,000 cases in ``console.item_models.CaseTableModel``.

Prints medians of repeated runs, and, measured in the same run as the baseline, what a
naive table does: Python's ``sorted()`` over the case objects and a list comprehension
over them for the filter::

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_case_table.py [--cases N]

A ``QTableView`` shows the model throughout. Each operation is timed twice: the model's
call alone (``sort`` / ``set_filter_by``: the work the budget is about, comparable with
the baseline), and with ``processEvents()`` until the view has taken the change in and
repainted (what the user waits for; the repaint of the visible rows is a constant that
does not grow with the table). Budgets (DESIGN.md): sort ≤ 300 ms, filter ≤ 200 ms at
1,000,000 rows.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from any directory

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QTableView

from console.item_models import CaseTableModel, Reference
from console.store import ClientStore
from models.case import Case, CaseState, Location, Reporter, Source
from models.catalogue import Urgency, load_catalogue
from models.demo_city import generate_demo_city

ROADS = ("浦东南路", "世纪大道", "张杨路", "陆家嘴环路", "东方路", "杨高中路", "锦绣路", "龙阳路")
DESCRIPTIONS = (
    "绿化带内堆放生活垃圾约 2 立方米",
    "井盖缺失 存在安全隐患",
    "共享单车乱停放 占用人行道",
    "占道经营 流动摊贩",
    "道路破损 坑洼积水",
    "违法张贴小广告",
    "路灯不亮 夜间通行不便",
    "建筑垃圾偷倒",
)
T0 = datetime(2026, 9, 1, tzinfo=UTC)
OPEN_STATES = (CaseState.DISPATCHED, CaseState.IN_PROGRESS, CaseState.AWAITING_DISPATCH)


def median_ms(run: Callable[[], object], repeats: int, setup: Callable[[], object] = int) -> float:
    """Median wall time of ``run`` in ms after one warm-up; ``setup`` runs untimed before each."""
    setup()
    run()
    times = []
    for _ in range(repeats):
        setup()
        gc.collect()
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def make_cases(n: int, streets: list[str], categories: list[str]) -> dict[int, Case]:
    """``n`` cases with random state, category, street, urgency, source, times and text."""
    rng = np.random.default_rng(20261130)
    states = list(CaseState)
    urgencies = list(Urgency)
    sources = list(Source)
    state_of = rng.integers(len(states), size=n)
    category_of = rng.integers(len(categories), size=n)
    street_of = rng.integers(len(streets), size=n)
    urgency_of = rng.choice(len(urgencies), size=n, p=[0.8, 0.15, 0.05])
    source_of = rng.integers(len(sources), size=n)
    reported = rng.integers(0, 90 * 86400, size=n)
    deadline = reported + rng.integers(600, 10 * 86400, size=n)
    no_deadline = rng.random(n) < 0.2
    flags = rng.random((n, 3)) < (0.08, 0.15, 0.05)
    house = rng.integers(1, 3000, size=n)
    road = rng.integers(len(ROADS), size=n)
    text = rng.integers(len(DESCRIPTIONS), size=n)
    reporter = Reporter(kind="user", ident="wangqiang")
    cases: dict[int, Case] = {}
    for i in range(n):
        at = T0 + timedelta(seconds=int(reported[i]))
        day_number = i % 9000 + 1
        cases[i + 1] = Case(
            id=i + 1,
            number=f"PD{at:%Y%m%d}-{day_number:04d}",
            source=sources[source_of[i]],
            category=categories[category_of[i]],
            urgency=urgencies[urgency_of[i]],
            location=Location(
                lon=121.5,
                lat=31.23,
                address=f"{ROADS[road[i]]} {house[i]} 号",
                street_code=streets[street_of[i]],
            ),
            description=DESCRIPTIONS[text[i]],
            reporter=reporter,
            reported_at=at,
            state=states[state_of[i]],
            step_deadline=None if no_deadline[i] else T0 + timedelta(seconds=int(deadline[i])),
            overdue=bool(flags[i, 0]),
            warned=bool(flags[i, 1]),
            urge_level=int(flags[i, 2]),
        )
    return cases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    n, repeats = args.cases, args.repeats

    app = QApplication([])
    catalogue = load_catalogue()
    city = generate_demo_city()
    reference = Reference.from_data(catalogue, city)
    streets = [s.code for s in city.streets]

    start = time.perf_counter()
    store = ClientStore()
    store.cases = make_cases(n, streets, list(catalogue.categories))
    made = time.perf_counter() - start
    start = time.perf_counter()
    model = CaseTableModel(store, reference=reference, tick_ms=0)
    loaded = time.perf_counter() - start
    view = QTableView()
    view.setModel(model)
    view.resize(1600, 900)
    view.show()
    app.processEvents()
    cases = list(store.cases.values())

    def settle() -> None:
        app.processEvents()

    def timed(call: Callable[[], object], clear: Callable[[], object] = int) -> tuple[float, float]:
        """(model alone, model and view) medians of ``call`` in ms."""

        def before() -> None:
            clear()
            settle()

        def with_view() -> None:
            call()
            settle()

        return median_ms(call, repeats, setup=before), median_ms(with_view, repeats, setup=before)

    print(f"# Case table, {n:,} cases, median of {repeats} runs ({sys.version.split()[0]})")
    print(f"made {n:,} cases in {made:.1f} s; model loaded in {loaded:.1f} s")
    print()
    print("| sort by | asc, model ms | desc, model ms | asc, model + view ms |")
    print("|---|---:|---:|---:|")
    sort_times: dict[str, float] = {}
    for column, definition in enumerate(model.columns):
        up, up_view = timed(partial(model.sort, column, Qt.SortOrder.AscendingOrder))
        down, _ = timed(partial(model.sort, column, Qt.SortOrder.DescendingOrder))
        sort_times[definition.name] = max(up, down)
        print(f"| {definition.name} | {up:.0f} | {down:.0f} | {up_view:.0f} |")

    base_repeats = 3
    naive_time = median_ms(lambda: sorted(cases, key=lambda c: c.reported_at), base_repeats)
    naive_state = median_ms(
        lambda: sorted(cases, key=lambda c: (list(CaseState).index(c.state), c.number)),
        base_repeats,
    )
    print()
    print("| baseline: Python `sorted()` over the case objects | ms | model is faster by |")
    print("|---|---:|---:|")
    for label, naive_ms, key in (
        ("by `reported_at`", naive_time, "reported_at"),
        ("by state, then number", naive_state, "state"),
    ):
        print(f"| {label} | {naive_ms:.0f} | {naive_ms / sort_times[key]:.1f}× |")

    model.sort(model.rows.column_index("reported_at"), Qt.SortOrder.DescendingOrder)
    some_number = cases[n // 2].number
    filters: list[tuple[str, dict[str, Any], Callable[[Case], bool]]] = [
        (
            f"text: one case number ({some_number})",
            {"text": some_number},
            lambda c: some_number.lower() in _row_text(c),
        ),
        ("text: a common word (垃圾)", {"text": "垃圾"}, lambda c: "垃圾" in _row_text(c)),
        (
            "text: two words (浦东南路 12)",
            {"text": "浦东南路 12"},
            lambda c: "浦东南路" in _row_text(c) and "12" in _row_text(c),
        ),
        (
            "states: three open states",
            {"states": OPEN_STATES},
            lambda c: c.state in OPEN_STATES,
        ),
        (
            "states + text (井盖)",
            {"states": OPEN_STATES, "text": "井盖"},
            lambda c: c.state in OPEN_STATES and "井盖" in _row_text(c),
        ),
    ]
    print()
    print(
        "| filter (sorted by reported_at) | rows | model ms | model + view ms | naive ms |"
        " naive / model |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    filter_times: list[float] = []
    for label, options, naive in filters:
        took, took_view = timed(partial(model.set_filter_by, **options), clear=model.set_filter_by)
        filter_times.append(took)
        rows = model.rowCount()
        naive_ms = median_ms(partial(_naive_filter, cases, naive), base_repeats)
        print(
            f"| {label} | {rows:,} | {took:.0f} | {took_view:.0f} | {naive_ms:.0f} |"
            f" {naive_ms / took:.0f}× |"
        )
    model.set_filter_by()

    rng = np.random.default_rng(7)

    def change_100() -> None:
        ids = rng.integers(1, n + 1, size=100)
        changed = set()
        for case_id in ids.tolist():
            old = store.cases[case_id]
            at = T0 + timedelta(seconds=int(rng.integers(0, 90 * 86400)))
            store.cases[case_id] = _with(old, reported_at=at, revision=old.revision + 1)
            changed.add(case_id)
        model._on_cases_changed(changed)

    update = median_ms(change_100, repeats, setup=settle)
    print()
    print(f"live batch: 100 changed cases re-sorted into the table: {update:.0f} ms (median)")
    print(
        f"worst sort: {max(sort_times.values()):.0f} ms (budget 300); "
        f"worst filter: {max(filter_times):.0f} ms (budget 200)"
    )


def _naive_filter(cases: list[Case], keep: Callable[[Case], bool]) -> list[Case]:
    return [c for c in cases if keep(c)]


def _row_text(case: Case) -> str:
    """What a naive filter searches: the row's texts, lowercased, per row and per query."""
    return f"{case.number} {case.location.address} {case.description}".lower()


def _with(case: Case, **changes: object) -> Case:
    import msgspec

    return msgspec.structs.replace(case, **changes)


if __name__ == "__main__":
    main()
