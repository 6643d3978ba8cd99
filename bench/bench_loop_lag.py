"""How long the asyncio loop stalls while workflow moves commit through the DbRunner.

Run: .venv/bin/python bench/bench_loop_lag.py [--runs 5] [--loops 40]

A 5 ms ticker measures the loop's lag (how late each tick wakes) while whole case loops
(report + 7 moves) commit through ``DbRunner`` on a SQLite file. Baseline in the same run:
the same ticker with no database work. Median and worst of the per-run maxima.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from backend.services.cases import CaseService
from backend.services.runner import DbRunner
from backend.store.database import Database
from backend.store.migrate import upgrade
from backend.store.reference import save_city, sync_departments
from models.case import Source
from models.catalogue import load_catalogue
from models.cell_index import CellIndex
from models.deadlines import default_policy
from models.demo_city import generate_demo_city
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

TICK = 0.005
OPERATOR = Actor(user_id="operator", role=Role.OPERATOR, terminal="bench")
FIELD = Actor(user_id="field", role=Role.FIELD, terminal="bench")


def handler(department: str) -> Actor:
    return Actor(user_id="handler", role=Role.DEPARTMENT, department=department, terminal="bench")


async def measure(service: CaseService | None, loops: int, cells: list) -> tuple[float, int]:  # type: ignore[type-arg]
    lag = 0.0
    writes = 0
    stop = asyncio.Event()

    async def ticker() -> None:
        nonlocal lag
        while not stop.is_set():
            before = time.perf_counter()
            await asyncio.sleep(TICK)
            lag = max(lag, time.perf_counter() - before - TICK)

    async def work(runner: DbRunner) -> None:
        nonlocal writes
        assert service is not None
        for i in range(loops):
            cell = cells[i % len(cells)]
            report = NewReport(
                source=Source.PATROL,
                category="E0102",
                lon=cell.centroid_lon,
                lat=cell.centroid_lat,
                description="bench",
            )
            opened = await runner.write(service.report, report, FIELD)
            department = service.catalogue.category("E0102").department
            moves: list[tuple[Actor, Move]] = [
                (OPERATOR, Accept()),
                (OPERATOR, File()),
                (OPERATOR, DispatchSingle()),
                (handler(department), DepartmentAccept()),
                (handler(department), Feedback(result="done")),
                (OPERATOR, AssignVerification(verifier="field")),
                (FIELD, VerifyPass()),
            ]
            for actor, move in moves:
                await runner.write(service.move, opened.case_id, move, actor)
            writes += 1 + len(moves)

    async with DbRunner() as runner:
        task = asyncio.create_task(ticker())
        await asyncio.sleep(0.05)
        if service is None:
            await asyncio.sleep(2.0)
        else:
            await work(runner)
        stop.set()
        await task
    return lag, writes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--loops", type=int, default=40)
    args = parser.parse_args()
    catalogue, city = load_catalogue(), generate_demo_city(target_cells=500)
    with tempfile.TemporaryDirectory() as tmp:
        db = Database.open(f"sqlite:///{Path(tmp) / 'lag.db'}")
        upgrade(db)
        with db.transaction(write=True) as conn:
            sync_departments(conn, catalogue)
            save_city(conn, city)
        service = CaseService(db, catalogue, default_policy(), city, CellIndex(city.cells))
        cells = list(city.cells)
        idle = [asyncio.run(measure(None, 0, cells))[0] for _ in range(args.runs)]
        busy = []
        for _ in range(args.runs):
            start = time.perf_counter()
            lag, writes = asyncio.run(measure(service, args.loops, cells))
            busy.append((lag, writes / (time.perf_counter() - start)))
        db.close()
    lags = [b[0] for b in busy]

    def ms(values: list[float]) -> str:
        return (
            f"median {statistics.median(values) * 1000:.1f} ms, worst {max(values) * 1000:.1f} ms"
        )

    ratio = statistics.median(lags) / max(statistics.median(idle), 1e-6)
    print(f"loop lag, idle ticker:       {ms(idle)}")
    print(f"loop lag, moves committing:  {ms(lags)}")
    print(f"writes/s while measuring:    {statistics.median(b[1] for b in busy):.0f}")
    print(f"ratio busy/idle (medians):   {ratio:.1f}x")


if __name__ == "__main__":
    main()
