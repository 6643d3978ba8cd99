"""Benchmark: evaluation queries over the ``case_facts`` table, and what keeping it costs.

Run: ``.venv/bin/python bench/bench_evaluation.py`` (``--help`` for options; two to three
minutes, a third of it filling the table)

Measures, in one run on SQLite (WAL, as shipped), medians of repeated runs:

* **Queries** through ``EvaluationService.evaluate`` over the records of 100,000
  synthetic cases (1,500 reports a day, the simulator's calibrated volume, so 67 days):
  the last day, week, 30 days, and all of it, by street and by department. Baseline in
  the same run: ``models.evaluation.evaluate`` alone over the same records already in
  memory (what a server holding every record in memory would pay); the difference is
  reading and decoding the rows of the period.
* **Writes**: workflow moves per second through ``CaseService`` (whole loops, as
  bench_store.py), with the record rewritten in each move's transaction, and with that
  step replaced by a no-op (the baseline), alternating.
* **The in-memory alternative**: memory per record held as Python objects, and the time to
  rebuild one case's record from the database (case row, history rows, ``facts_of``), as a
  server would at start-up.
"""

from __future__ import annotations

import argparse
import functools
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import backend.services.cases as cases_module
from backend.services.cases import CaseService
from backend.services.evaluation import EvaluationService, span
from backend.store.database import Database
from backend.store.migrate import upgrade
from backend.store.orm import CaseFactsRow, CaseRow, HistoryRow
from bench.bench_store import START, Clock, loops, synthetic_cases
from models.case import ClosingType, HistoryEntry
from models.case_facts import facts_of
from models.catalogue import load_catalogue
from models.cell_index import CellIndex
from models.deadlines import default_policy
from models.demo_city import generate_demo_city
from models.evaluation import CaseFacts, Dimension, Period, evaluate
from models.geography import CityMap
from models.workflow import Transition

PER_DAY = 1500
DEPARTMENTS = ["HW", "CGZF", "SCJG", "FGB", "LHSR", "JSJT", "SW", "DL", "GA", "WYQY"]


def rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096


def synthetic_facts(city: CityMap, n: int, seed: int = 11) -> list[CaseFacts]:
    """Records of ``n`` plausible cases, one every 57.6 s; most on time, some late or open."""
    rng = np.random.default_rng(seed)
    cells = city.cells
    minutes = rng.uniform(1, 40, (n, 4)).tolist()
    hours = rng.uniform(0.5, 6.0, n).tolist()
    roll = rng.random(n).tolist()
    out = []
    for i in range(n):
        cell = cells[int(rng.integers(0, len(cells)))]
        reported = START + timedelta(seconds=57.6 * i)
        common: dict[str, Any] = {
            "case_number": f"PD{i:08d}",
            "street_code": cell.street_code,
            "community_code": cell.community_code,
            "category_code": "E0102",
            "source": "patrol",
            "reported_at": reported,
            "reporter": f"f{i % 300}",
        }
        if roll[i] < 0.02:
            out.append(CaseFacts(**common, voided=True, void_reason_invalid=roll[i] < 0.01))
            continue
        accepted = reported + timedelta(minutes=minutes[i][0] / 3)
        filed = accepted + timedelta(minutes=minutes[i][1])
        dispatched = filed + timedelta(minutes=minutes[i][2])
        deadline = dispatched + timedelta(hours=4)
        handled = None if roll[i] > 0.97 else dispatched + timedelta(hours=hours[i])
        verified = handled + timedelta(minutes=minutes[i][3]) if handled else None
        out.append(
            CaseFacts(
                **common,
                operator=f"op{i % 25}",
                department=DEPARTMENTS[i % len(DEPARTMENTS)],
                accepted_at=accepted,
                acceptance_deadline=reported + timedelta(minutes=10),
                filed_at=filed,
                filing_deadline=accepted + timedelta(minutes=30),
                dispatched_at=dispatched,
                dispatch_deadline=filed + timedelta(minutes=30),
                handling_deadline=deadline,
                handled_at=handled,
                verification_deadline=handled + timedelta(minutes=30) if handled else None,
                verified_at=verified,
                closed_at=verified,
                closing_type=(
                    None
                    if verified is None
                    else ClosingType.NORMAL
                    if handled and handled <= deadline
                    else ClosingType.OVERDUE
                ),
            )
        )
    return out


def fill(db: Database, city: CityMap, facts: list[CaseFacts]) -> None:
    rows = []
    for case_id, f in enumerate(facts, start=1):
        first, last = span(f)
        rows.append(
            {
                "case_id": case_id,
                "street_code": f.street_code,
                "first_at": first,
                "last_at": last,
                "data": f,
            }
        )
    with db.transaction(write=True) as conn:
        conn.execute(insert(CaseRow), list(synthetic_cases(city, len(facts))))
        for i in range(0, len(rows), 20_000):
            conn.execute(insert(CaseFactsRow), rows[i : i + 20_000])
    with db.transaction(write=True) as conn:
        conn.exec_driver_sql("ANALYZE")


def timed(fn: Callable[[], object], runs: int) -> float:
    fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def bench_queries(url: str, city: CityMap, n: int, runs: int) -> None:
    before = rss()
    facts = synthetic_facts(city, n)
    per_record = (rss() - before) / n
    db = Database.open(url)
    try:
        upgrade(db)
        t0 = time.perf_counter()
        fill(db, city, facts)
        print(f"filled {n:,} cases and records in {time.perf_counter() - t0:.1f} s")
        service = EvaluationService(db, load_catalogue(), city)
        end = START + timedelta(seconds=57.6 * n)
        as_of = end
        print(f"memory per record held as Python objects: {per_record:,.0f} B")
        print(
            "| period | records read | by | query (table) | evaluate() alone, in memory | "
            "table / memory |"
        )
        print("|---|---:|---|---:|---:|---:|")
        for label, days in (("1 day", 1), ("7 days", 7), ("30 days", 30), ("all", n / PER_DAY)):
            period = Period(end - timedelta(days=days), end)
            meeting = [f for f in facts if span(f)[1] >= period.start and span(f)[0] < period.end]
            for by in (Dimension.STREET, Dimension.DEPARTMENT):
                rows, _ = service.evaluate(period, as_of, by)
                assert {r.key: r.indicators for r in rows} == evaluate(facts, period, as_of, by)
                table = timed(functools.partial(service.evaluate, period, as_of, by), runs)
                memory = timed(functools.partial(evaluate, meeting, period, as_of, by), runs)
                print(
                    f"| {label} | {len(meeting):,} | {by.value} | {table * 1e3:,.1f} ms | "
                    f"{memory * 1e3:,.1f} ms | {table / memory:.1f}× |",
                    flush=True,
                )
    finally:
        db.close()


def _no_record(conn: Connection, transition: Transition) -> None:
    """The baseline's stand-in for ``record_facts``: the move without its record."""


def bench_writes(url: str, city: CityMap, runs: int, cases: int) -> None:
    db = Database.open(url)
    try:
        upgrade(db)
        index = CellIndex(city.cells)
        service = CaseService(db, load_catalogue(), default_policy(), city, index, clock=Clock())
        loops(service, city, 5, 0)
        kept = cases_module.record_facts
        with_facts: list[float] = []
        without: list[float] = []
        for r in range(runs):
            for enabled, results in ((True, with_facts), (False, without)):
                cases_module.record_facts = kept if enabled else _no_record
                t0 = time.perf_counter()
                writes = loops(service, city, cases, 1000 * r + (500 if enabled else 0))
                results.append(writes / (time.perf_counter() - t0))
        cases_module.record_facts = kept
        w, wo = statistics.median(with_facts), statistics.median(without)
        print(f"moves/s with the record kept: {w:,.0f}; without: {wo:,.0f} ({w / wo:.2f}×)")

        # The in-memory alternative's start-up: every case's record from case and history.
        with db.transaction() as conn:
            t0 = time.perf_counter()
            case_of = dict(conn.execute(select(CaseRow.id, CaseRow.data)).all())
            history: dict[int, list[HistoryEntry]] = {}
            for case_id, entry in conn.execute(
                select(HistoryRow.case_id, HistoryRow.entry).order_by(
                    HistoryRow.case_id, HistoryRow.revision
                )
            ):
                history.setdefault(case_id, []).append(entry)
            for case_id, case in case_of.items():
                facts_of(case, history[case_id])
            rebuild = (time.perf_counter() - t0) / len(case_of)
        print(f"rebuilding a record from the database: {rebuild * 1e6:,.0f} µs per case")
    finally:
        db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000, help="cases' records to query")
    parser.add_argument("--runs", type=int, default=3, help="repetitions per figure")
    parser.add_argument("--loops", type=int, default=20, help="case loops per write run")
    args = parser.parse_args()
    city = generate_demo_city(target_cells=500)
    with tempfile.TemporaryDirectory() as tmp:
        bench_queries(f"sqlite:///{tmp}/queries.db", city, args.cases, args.runs)
        bench_writes(f"sqlite:///{tmp}/writes.db", city, args.runs, args.loops)


if __name__ == "__main__":
    main()
