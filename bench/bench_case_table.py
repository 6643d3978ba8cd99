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

``--parts work-lists`` runs the dispatcher queue's part alone (after making the cases):
each work list as a filter, alone and with a search, sorting inside a list, counting
every list afresh, and a live batch with the counts kept; the naive baselines are list
comprehensions over the case objects applying the same rules (``models.work_lists``).
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
from models.work_lists import RULES, WorkList, case_flags, day_start

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
NOW = T0 + timedelta(days=90)
"""The benchmark's "now": the day after the last report; closing times run up to it."""
PARTS = ("sort", "filter", "work-lists")


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
    """``n`` cases with random state, category, street, urgency, source, times and text;
    5 % joint, and the terminal ones closed up to 30 days after their report (capped at
    :data:`NOW`)."""
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
    # Drawn after the draws above, so the cases of earlier runs keep their values.
    joint = rng.random(n) < 0.05
    closed = np.minimum(reported + rng.integers(600, 30 * 86400, size=n), 90 * 86400)
    terminal = np.array([s.is_terminal for s in states])[state_of]
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
            joint=bool(joint[i]),
            closed_at=T0 + timedelta(seconds=int(closed[i])) if terminal[i] else None,
        )
    return cases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument(
        "--parts", nargs="+", choices=PARTS, default=list(PARTS), help="what to measure"
    )
    args = parser.parse_args()
    n, repeats, parts = args.cases, args.repeats, set(args.parts)

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
    model = CaseTableModel(store, reference=reference, clock=NOW.timestamp, tick_ms=0)
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
    summary: list[str] = []
    if "sort" in parts:
        summary.append(bench_sorts(model, cases, timed))
    if "filter" in parts:
        summary.append(bench_filters(model, store, cases, timed, repeats))
    if "work-lists" in parts:
        summary.append(bench_work_lists(model, store, cases, timed, repeats))
    print()
    print("; ".join(summary))


Timed = Callable[..., tuple[float, float]]
"""``timed(call, clear=...)``: (model alone, model and view) medians of ``call`` in ms."""

BASE_REPEATS = 3
"""Runs of each naive baseline (seconds each at a million cases)."""


def bench_sorts(model: CaseTableModel, cases: list[Case], timed: Timed) -> str:
    print()
    print("| sort by | asc, model ms | desc, model ms | asc, model + view ms |")
    print("|---|---:|---:|---:|")
    sort_times: dict[str, float] = {}
    for column, definition in enumerate(model.columns):
        up, up_view = timed(partial(model.sort, column, Qt.SortOrder.AscendingOrder))
        down, _ = timed(partial(model.sort, column, Qt.SortOrder.DescendingOrder))
        sort_times[definition.name] = max(up, down)
        print(f"| {definition.name} | {up:.0f} | {down:.0f} | {up_view:.0f} |")

    naive_time = median_ms(lambda: sorted(cases, key=lambda c: c.reported_at), BASE_REPEATS)
    naive_state = median_ms(
        lambda: sorted(cases, key=lambda c: (list(CaseState).index(c.state), c.number)),
        BASE_REPEATS,
    )
    print()
    print("| baseline: Python `sorted()` over the case objects | ms | model is faster by |")
    print("|---|---:|---:|")
    for label, naive_ms, key in (
        ("by `reported_at`", naive_time, "reported_at"),
        ("by state, then number", naive_state, "state"),
    ):
        print(f"| {label} | {naive_ms:.0f} | {naive_ms / sort_times[key]:.1f}× |")
    return f"worst sort: {max(sort_times.values()):.0f} ms (budget 300)"


def bench_filters(
    model: CaseTableModel, store: ClientStore, cases: list[Case], timed: Timed, repeats: int
) -> str:
    model.sort(model.rows.column_index("reported_at"), Qt.SortOrder.DescendingOrder)
    some_number = cases[len(cases) // 2].number
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
        naive_ms = median_ms(partial(_naive_filter, cases, naive), BASE_REPEATS)
        print(
            f"| {label} | {rows:,} | {took:.0f} | {took_view:.0f} | {naive_ms:.0f} |"
            f" {naive_ms / took:.0f}× |"
        )
    model.set_filter_by()

    rng = np.random.default_rng(7)
    n = len(cases)

    def change_100() -> None:
        ids = rng.integers(1, n + 1, size=100)
        changed = set()
        for case_id in ids.tolist():
            old = store.cases[case_id]
            at = T0 + timedelta(seconds=int(rng.integers(0, 90 * 86400)))
            store.cases[case_id] = _with(old, reported_at=at, revision=old.revision + 1)
            changed.add(case_id)
        model._on_cases_changed(changed)

    update = median_ms(change_100, repeats, setup=QApplication.processEvents)
    print()
    print(f"live batch: 100 changed cases re-sorted into the table: {update:.0f} ms (median)")
    return f"worst filter: {max(filter_times):.0f} ms (budget 200)"


def bench_work_lists(
    model: CaseTableModel, store: ClientStore, cases: list[Case], timed: Timed, repeats: int
) -> str:
    """The dispatcher's queue: work lists as filters (alone, with a search, sorted inside)
    and their counts, against list comprehensions applying the same rules."""
    today = day_start(NOW.timestamp())
    column = model.rows.column_index
    model.set_filter_by()
    model.sort(column("time_left"), Qt.SortOrder.AscendingOrder)  # the queue's default

    print()
    print(
        "| work list (sorted by time left) | rows | model ms | model + view ms | naive ms |"
        " naive / model |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    list_times: list[float] = []
    for work_list in WorkList:
        took, took_view = timed(
            partial(model.set_filter_by, work_list=work_list), clear=model.set_filter_by
        )
        list_times.append(took)
        rows = model.rowCount()
        naive_ms = median_ms(partial(_naive_work_list, cases, work_list, today), BASE_REPEATS)
        print(
            f"| {work_list.value} | {rows:,} | {took:.0f} | {took_view:.0f} | {naive_ms:.0f} |"
            f" {naive_ms / took:.0f}× |"
        )

    some_number = cases[len(cases) // 3].number
    searches: list[tuple[WorkList | None, str]] = [
        (WorkList.TO_ACCEPT, "浦东南路 12"),
        (WorkList.IN_PROGRESS, "井盖"),
        (WorkList.OVERDUE, "垃圾"),
        (WorkList.SUPERVISED, "lujiazui"),
        (None, some_number),
    ]
    print()
    print("| work list + search | rows | model ms | model + view ms | naive ms | naive / model |")
    print("|---|---:|---:|---:|---:|---:|")
    search_times: list[float] = []
    for chosen, text in searches:
        took, took_view = timed(
            partial(model.set_filter_by, work_list=chosen, text=text),
            clear=model.set_filter_by,
        )
        search_times.append(took)
        rows = model.rowCount()
        naive_ms = median_ms(
            partial(_naive_search, cases, chosen, text, today, model.reference), BASE_REPEATS
        )
        label = f"{chosen.value if chosen else 'all'} + {text}"
        print(
            f"| {label} | {rows:,} | {took:.0f} | {took_view:.0f} | {naive_ms:.0f} |"
            f" {naive_ms / took:.0f}× |"
        )

    print()
    print("| sort inside a work list | rows | asc, model ms | desc, model ms | asc + view ms |")
    print("|---|---:|---:|---:|---:|")
    sort_times: list[float] = []
    for shown, name in (
        (None, "age"),
        (None, "closed_at"),
        (WorkList.TO_ACCEPT, "number"),
        (WorkList.IN_PROGRESS, "time_left"),
        (WorkList.IN_PROGRESS, "age"),
        (WorkList.CLOSED_TODAY, "closed_at"),
    ):
        model.set_filter_by(work_list=shown)
        up, up_view = timed(partial(model.sort, column(name), Qt.SortOrder.AscendingOrder))
        down, _ = timed(partial(model.sort, column(name), Qt.SortOrder.DescendingOrder))
        sort_times.append(max(up, down))
        label = f"{shown.value if shown else 'all'} by {name}"
        print(f"| {label} | {model.rowCount():,} | {up:.0f} | {down:.0f} | {up_view:.0f} |")
    model.set_filter_by()

    recount = median_ms(model._recount, repeats)
    naive_counts = median_ms(partial(_naive_counts, cases, today), BASE_REPEATS)
    assert _naive_counts(cases, today) == model.work_list_counts, "counts disagree"

    rng = np.random.default_rng(11)
    n = len(cases)
    states = list(CaseState)
    model.set_filter_by(work_list=WorkList.TO_DISPATCH)

    def move_100() -> None:
        """100 cases change state and flags, as a busy minute's events do."""
        changed = set()
        for case_id in rng.integers(1, n + 1, size=100).tolist():
            old = store.cases[case_id]
            store.cases[case_id] = _with(
                old,
                state=states[int(rng.integers(len(states)))],
                overdue=bool(rng.random() < 0.1),
                urge_level=int(rng.random() < 0.1),
                revision=old.revision + 1,
            )
            changed.add(case_id)
        model._on_cases_changed(changed)

    moved = median_ms(move_100, repeats, setup=QApplication.processEvents)
    slots = np.arange(100, dtype=np.int64) * (n // 100)

    def count_100() -> None:
        keys = model._list_keys(slots)
        model._counter.remove(*keys)
        model._counter.add(*keys)

    counted = median_ms(count_100, repeats)
    model.set_filter_by()
    print()
    print("| counts of the 10 work lists | ms |")
    print("|---|---:|")
    print(f"| counted afresh (snapshot, midnight), model | {recount:.1f} |")
    print(f"| counted afresh, naive | {naive_counts:.0f} |")
    print(f"| kept up for a batch of 100 changed cases | {counted:.2f} |")
    print(
        f"| live batch: 100 cases change state, table (in a work list) and counts | {moved:.0f} |"
    )
    return (
        f"worst work list: {max(list_times):.0f} ms, with a search {max(search_times):.0f} ms"
        f" (budget 200); worst sort in a list: {max(sort_times):.0f} ms (budget 300);"
        f" all counts afresh: {recount:.0f} ms (naive {naive_counts:.0f} ms)"
    )


def _naive_in(case: Case, work_list: WorkList, today: float) -> bool:
    """A work list's rule applied to one case object, as a naive table would per row."""
    rule = RULES[work_list]
    if case.state not in rule.states:
        return False
    if rule.flag and not case_flags(case) & rule.flag:
        return False
    return not rule.closed_today or (
        case.closed_at is not None and case.closed_at.timestamp() >= today
    )


def _naive_work_list(cases: list[Case], work_list: WorkList, today: float) -> list[Case]:
    return [c for c in cases if _naive_in(c, work_list, today)]


def _naive_search(
    cases: list[Case], work_list: WorkList | None, text: str, today: float, reference: Reference
) -> list[Case]:
    """Work list, then every word in the row's text or its category's or street's names."""
    terms = text.lower().split()

    def hit(case: Case) -> bool:
        if work_list is not None and not _naive_in(case, work_list, today):
            return False
        haystack = (
            f"{_row_text(case)} {reference.category_search(case.category)}"
            f" {reference.street_search(case.location.street_code or '')}"
        )
        return all(term in haystack for term in terms)

    return [c for c in cases if hit(c)]


def _naive_counts(cases: list[Case], today: float) -> dict[WorkList, int]:
    """Every list's count in one pass over the case objects (each case's flags and closing
    time worked out once)."""
    counts = dict.fromkeys(WorkList, 0)
    rules = list(RULES.items())
    for case in cases:
        flags = case_flags(case)
        closed_today = case.closed_at is not None and case.closed_at.timestamp() >= today
        for work_list, rule in rules:
            if (
                case.state in rule.states
                and (not rule.flag or flags & rule.flag)
                and (closed_today or not rule.closed_today)
            ):
                counts[work_list] += 1
    return counts


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
