"""Benchmark: the durable store (``backend/``) on SQLite and PostgreSQL.

Run: ``.venv/bin/python bench/bench_store.py`` (``--help`` for options)

Measures, in one run so that the ratios are fair on a shared, noisy machine:

* **Workflow moves committed per second** through ``CaseService`` (each move one
  transaction: lock and load the case, ``models.workflow.apply``, write case, orders,
  history, numbered event and audit row, commit): a case's whole loop (report, accept,
  file, dispatch, department accept, feedback, assign verification, verify) over and over,
  from one thread and from four. Baseline in the same run: bare commits of a one-row
  INSERT through the same ``Database.session(write=True)``. SQLite: a file in WAL mode
  with ``synchronous=NORMAL`` (as shipped). PostgreSQL 15: a private cluster started by
  ``tests/pg.py`` with its default durability (fsync and synchronous commit on).
* **A case page at the end of 1,000,000 cases**: ``CaseService.search`` with a keyset
  cursor (what the product does) against ``LIMIT/OFFSET`` over the same ordered query
  (the baseline), both decoding the same 50 cases; also the first page, and the last
  page of one street's cases. SQLite by default; PostgreSQL with ``--pg-million``.

Every figure is the median of repeated runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import msgspec
import numpy as np
from sqlalchemy import insert, select, text, tuple_

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from backend.services.cases import CaseService
from backend.services.records import CaseQuery
from backend.store.database import Database
from backend.store.migrate import upgrade
from backend.store.orm import CaseRow
from models.case import Case, CaseState, Location, Reporter, Source
from models.catalogue import Urgency, load_catalogue
from models.cell_index import CellIndex
from models.deadlines import default_policy
from models.demo_city import generate_demo_city
from models.geography import CityMap
from models.org import Actor, Role
from models.workflow import (
    Accept,
    AssignVerification,
    DepartmentAccept,
    DispatchSingle,
    Feedback,
    File,
    Move,
    NewReport,
    VerifyPass,
)
from tests.pg import PgCluster

START = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)
OPERATOR = Actor(user_id="op1", role=Role.OPERATOR, terminal="bench")
SANITATION = Actor(user_id="hw1", role=Role.DEPARTMENT, department="HW", terminal="bench")
FIELD = Actor(user_id="f1", role=Role.FIELD, terminal="bench")
LOOP: list[tuple[Actor, Move]] = [
    (OPERATOR, Accept()),
    (OPERATOR, File()),
    (OPERATOR, DispatchSingle()),
    (SANITATION, DepartmentAccept()),
    (SANITATION, Feedback(result="cleared")),
    (OPERATOR, AssignVerification(verifier="f1")),
    (FIELD, VerifyPass()),
]
PAGE = 50


def median(values: list[float]) -> float:
    return statistics.median(values)


class Clock:
    """Steps one second per reading (deadlines stay inside working hours)."""

    def __init__(self) -> None:
        self._n = 0
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            self._n += 1
            return START + timedelta(seconds=self._n)


# --- commit rates ----------------------------------------------------------------------


def bare_commits(db: Database, n: int) -> float:
    """Baseline: one-row INSERT commits per second through the same write sessions."""
    t0 = time.perf_counter()
    for i in range(n):
        with db.session(write=True) as session:
            session.execute(text("INSERT INTO bench_commit (v) VALUES (:v)"), {"v": i})
    return n / (time.perf_counter() - t0)


def loops(service: CaseService, city: CityMap, cases: int, offset: int) -> int:
    """Take ``cases`` reports round the whole loop; returns the writes committed."""
    writes = 0
    for i in range(cases):
        cell = city.cells[(offset + i * 37) % len(city.cells)]
        report = NewReport(
            source=Source.PATROL,
            category="E0102",
            lon=cell.centroid_lon,
            lat=cell.centroid_lat,
            description="exposed garbage",
        )
        case_id = service.report(report, OPERATOR).case_id
        assert case_id is not None
        writes += 1
        for actor, move in LOOP:
            service.move(case_id, move, actor)
            writes += 1
    return writes


def moves_per_second(
    service: CaseService, city: CityMap, cases: int, threads: int, offset: int
) -> float:
    per_thread = cases // threads
    counts = [0] * threads

    def work(k: int) -> None:
        counts[k] = loops(service, city, per_thread, offset + k * per_thread)

    workers = [threading.Thread(target=work, args=(k,)) for k in range(threads)]
    t0 = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return sum(counts) / (time.perf_counter() - t0)


def bench_commits(
    name: str, url: str, city: CityMap, index: CellIndex, runs: int, cases: int
) -> dict[str, float]:
    db = Database.open(url)
    try:
        upgrade(db)
        with db.transaction(write=True) as conn:
            key = "SERIAL" if db.dialect == "postgresql" else "INTEGER"
            conn.execute(text(f"CREATE TABLE bench_commit (id {key} PRIMARY KEY, v INTEGER)"))
        service = CaseService(db, load_catalogue(), default_policy(), city, index, clock=Clock())
        loops(service, city, 5, 0)  # warm-up: connections, caches
        bare, single, four = [], [], []
        for r in range(runs):
            bare.append(bare_commits(db, cases * 8))
            single.append(moves_per_second(service, city, cases, 1, 1000 * r))
            four.append(moves_per_second(service, city, cases, 4, 1000 * r + 500))
            print(
                f"  {name} run {r + 1}: bare {bare[-1]:,.0f}/s, moves 1 thread "
                f"{single[-1]:,.0f}/s, 4 threads {four[-1]:,.0f}/s",
                flush=True,
            )
        events = service.last_seq()
        assert [e.seq for e in service.events_since(events - 3)] == [
            events - 2,
            events - 1,
            events,
        ]
    finally:
        db.close()
    return {"bare": median(bare), "moves1": median(single), "moves4": median(four)}


# --- keyset vs OFFSET ------------------------------------------------------------------


def synthetic_cases(city: CityMap, n: int, seed: int = 7) -> Iterator[dict[str, Any]]:
    """Rows of ``n`` plausible cases (two reports per minute, so times tie)."""
    rng = np.random.default_rng(seed)
    states = list(CaseState)
    categories = ["E0102", "E0104", "E0201", "E0501", "E0504", "E0505", "C0101", "C0118"]
    cells = city.cells
    cell_of = rng.integers(0, len(cells), n)
    state_of = rng.integers(0, len(states), n)
    category_of = rng.integers(0, len(categories), n)
    encoder = msgspec.json.Encoder()
    for i in range(n):
        cell = cells[int(cell_of[i])]
        at = START + timedelta(seconds=30 * (i // 2))
        case = Case(
            id=i + 1,
            number=f"PD{at:%Y%m%d}-{i + 1:07d}",
            source=Source.PATROL,
            category=categories[int(category_of[i])],
            urgency=Urgency.NORMAL,
            location=Location(
                lon=cell.centroid_lon,
                lat=cell.centroid_lat,
                cell_code=cell.code,
                community_code=cell.community_code,
                street_code=cell.street_code,
            ),
            description="synthetic case for the pagination benchmark",
            reporter=Reporter(kind="user", ident="op1"),
            reported_at=at,
            state=states[int(state_of[i])],
            updated_at=at,
        )
        yield {
            "id": case.id,
            "number": case.number,
            "state": case.state.value,
            "street_code": cell.street_code,
            "community_code": cell.community_code,
            "cell_code": cell.code,
            "category": case.category,
            "urgency": case.urgency.value,
            "source": case.source.value,
            "reported_at": at,
            "updated_at": at,
            "revision": 1,
            "step_deadline": None,
            # Already JSON values: the column type passes them through unchanged.
            "data": msgspec.json.decode(encoder.encode(case)),
        }


def fill(db: Database, city: CityMap, n: int) -> float:
    t0 = time.perf_counter()
    batch: list[dict[str, Any]] = []
    with db.transaction(write=True) as conn:
        for row in synthetic_cases(city, n):
            batch.append(row)
            if len(batch) == 20_000:
                conn.execute(insert(CaseRow), batch)
                batch.clear()
        if batch:
            conn.execute(insert(CaseRow), batch)
    if db.dialect == "postgresql":
        with db.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                "VACUUM ANALYZE cases"
            )
    else:
        with db.transaction(write=True) as conn:
            conn.exec_driver_sql("ANALYZE")
    return time.perf_counter() - t0


def timed(fn: Callable[[], object], reads: int) -> float:
    fn()  # warm the cache: we compare the queries, not the disk
    times = []
    for _ in range(reads):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return median(times)


def offset_page(db: Database, street: str | None, offset: int) -> list[Case]:
    stmt = select(CaseRow.data, CaseRow.reported_at, CaseRow.id)
    if street is not None:
        stmt = stmt.where(CaseRow.street_code == street)
    stmt = stmt.order_by(CaseRow.reported_at.desc(), CaseRow.id.desc()).limit(PAGE).offset(offset)
    with db.session() as session:
        return [r.data for r in session.execute(stmt)]


def key_page(db: Database, after: Case | None, offset: int) -> list[int]:
    """Only the ids of a page: the query's own cost, without decoding 50 cases."""
    stmt = select(CaseRow.id)
    if after is not None:
        stmt = stmt.where(tuple_(CaseRow.reported_at, CaseRow.id) < (after.reported_at, after.id))
    stmt = stmt.order_by(CaseRow.reported_at.desc(), CaseRow.id.desc()).limit(PAGE).offset(offset)
    with db.transaction() as conn:
        return list(conn.execute(stmt).scalars())


def bench_pages(
    name: str, url: str, city: CityMap, index: CellIndex, n: int, reads: int
) -> dict[str, float]:
    db = Database.open(url)
    try:
        upgrade(db)
        print(f"  {name}: inserting {n:,} cases ...", flush=True)
        fill_s = fill(db, city, n)
        print(f"  {name}: filled in {fill_s:.1f} s", flush=True)
        street = city.streets[0].code
        with db.session() as session:
            in_street = session.execute(
                select(CaseRow.reported_at, CaseRow.id)
                .where(CaseRow.street_code == street)
                .order_by(CaseRow.reported_at.desc(), CaseRow.id.desc())
            ).all()
            before_last = session.execute(
                select(CaseRow.data)
                .order_by(CaseRow.reported_at.desc(), CaseRow.id.desc())
                .offset(n - PAGE - 1)
                .limit(1)
            ).scalar_one()
            before_street_last = session.execute(
                select(CaseRow.data).where(CaseRow.id == in_street[-PAGE - 1].id)
            ).scalar_one()
        service = CaseService(db, load_catalogue(), default_policy(), city, index)
        everything = CaseQuery(limit=PAGE)
        last = msgspec.structs.replace(
            everything, cursor=service.cursor_after(everything, before_last)
        )
        by_street = CaseQuery(street=street, limit=PAGE)
        street_last = msgspec.structs.replace(
            by_street, cursor=service.cursor_after(by_street, before_street_last)
        )
        # Both ways must return the very same page.
        keyset_ids = [c.id for c in service.search(last).cases]
        offset_ids = [c.id for c in offset_page(db, None, n - PAGE)]
        assert len(keyset_ids) == PAGE
        assert keyset_ids == offset_ids, "keyset and OFFSET pages differ"
        assert key_page(db, before_last, 0) == key_page(db, None, n - PAGE) == keyset_ids
        street_ids = [c.id for c in service.search(street_last).cases]
        assert street_ids == [c.id for c in offset_page(db, street, len(in_street) - PAGE)]
        figures = {
            "first": timed(lambda: service.search(everything), reads),
            "keyset_last": timed(lambda: service.search(last), reads),
            "offset_last": timed(lambda: offset_page(db, None, n - PAGE), reads),
            "street_keyset_last": timed(lambda: service.search(street_last), reads),
            "street_offset_last": timed(
                lambda: offset_page(db, street, len(in_street) - PAGE), reads
            ),
            "keys_keyset_last": timed(lambda: key_page(db, before_last, 0), reads),
            "keys_offset_last": timed(lambda: key_page(db, None, n - PAGE), reads),
            "street_cases": float(len(in_street)),
            "fill_s": fill_s,
        }
    finally:
        db.close()
    return figures


# --- main ------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per commit-rate figure")
    parser.add_argument("--cases", type=int, default=60, help="case loops per run (8 writes each)")
    parser.add_argument("--million", type=int, default=1_000_000, help="cases for paging")
    parser.add_argument("--reads", type=int, default=21, help="reads per page figure")
    parser.add_argument("--no-pg", action="store_true", help="SQLite only")
    parser.add_argument("--no-pages", action="store_true", help="commit rates only")
    parser.add_argument("--pg-million", action="store_true", help="also page 1M on PostgreSQL")
    args = parser.parse_args()

    city = generate_demo_city()
    index = CellIndex(city.cells)
    results: dict[str, dict[str, float]] = {}
    pages: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-store-") as tmp:
        print("commit rates (median of runs):", flush=True)
        results["SQLite (WAL)"] = bench_commits(
            "sqlite", f"sqlite:///{tmp}/commits.db", city, index, args.runs, args.cases
        )
        cluster = None if args.no_pg else PgCluster.start(durable=True)
        try:
            if cluster is not None:
                results["PostgreSQL 15"] = bench_commits(
                    "postgres",
                    cluster.create_database("commits"),
                    city,
                    index,
                    args.runs,
                    args.cases,
                )
            if not args.no_pages:
                print("pages at the end of the case table:", flush=True)
                pages["SQLite (WAL)"] = bench_pages(
                    "sqlite", f"sqlite:///{tmp}/million.db", city, index, args.million, args.reads
                )
            if cluster is not None and args.pg_million and not args.no_pages:
                pages["PostgreSQL 15"] = bench_pages(
                    "postgres",
                    cluster.create_database("million"),
                    city,
                    index,
                    args.million,
                    args.reads,
                )
        finally:
            if cluster is not None:
                cluster.stop()

    print("\n| database | bare commits/s | moves/s, 1 thread | moves/s, 4 threads | moves / bare |")
    print("|---|---:|---:|---:|---:|")
    for name, r in results.items():
        print(
            f"| {name} | {r['bare']:,.0f} | {r['moves1']:,.0f} | {r['moves4']:,.0f} | "
            f"{r['moves1'] / r['bare']:.2f} |"
        )
    if pages:
        print(
            f"\n| database ({args.million:,} cases) | first page | last page, keyset | "
            "last page, OFFSET | OFFSET / keyset | street's last page, keyset | ... OFFSET "
            "| ratio |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for name, p in pages.items():
            print(
                f"| {name} | {p['first'] * 1e3:.2f} ms | {p['keyset_last'] * 1e3:.2f} ms | "
                f"{p['offset_last'] * 1e3:.1f} ms | {p['offset_last'] / p['keyset_last']:,.0f}× | "
                f"{p['street_keyset_last'] * 1e3:.2f} ms | "
                f"{p['street_offset_last'] * 1e3:.1f} ms | "
                f"{p['street_offset_last'] / p['street_keyset_last']:,.0f}× |"
            )
        print("\n| database | ids of the last page, keyset | ... OFFSET | ratio |")
        print("|---|---:|---:|---:|")
        for name, p in pages.items():
            print(
                f"| {name} | {p['keys_keyset_last'] * 1e3:.3f} ms | "
                f"{p['keys_offset_last'] * 1e3:.1f} ms | "
                f"{p['keys_offset_last'] / p['keys_keyset_last']:,.0f}× |"
            )
    for name, p in pages.items():
        print(f"{name}: filled in {p['fill_s']:.0f} s; street has {p['street_cases']:,.0f} cases")


if __name__ == "__main__":
    main()
