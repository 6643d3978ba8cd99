"""The console under a living city: commit-to-model delay and event-loop lag.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_console.py [--seconds 60] [--runs 3]

The embedded backend (``serve --demo``: the demo city, 2,000 simulated units at ×60, reports,
departments and supervisors) runs as a child process, exactly as ``python main.py`` starts
it; the console is ``main.build_console`` on the qasync loop, offscreen, with its window
shown. Measured in the console process:

* commit → model: for every case the store's coalesced ``cases_changed`` signal delivers to
  the models, now minus the case's ``updated_at`` (stamped by the backend in the committing
  transaction; same machine, same clock);
* event-loop lag: a 10 ms asyncio ticker's lateness.

Baseline in the same run: the ticker's lag with the console shown but not connected.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import qasync
from PySide6.QtWidgets import QApplication

from console.embedded import DEMO_PASSWORD, DEMO_USERS, EmbeddedBackend
from console.workspace import Role
from main import build_console

TICK = 0.010


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] if ordered else float("nan")


async def lag_while(seconds: float) -> list[float]:
    lags: list[float] = []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        before = time.perf_counter()
        await asyncio.sleep(TICK)
        lags.append(time.perf_counter() - before - TICK)
    return lags


async def one_run(url: str, seconds: float) -> dict[str, float]:
    console = build_console(url, DEMO_USERS["dispatcher"], DEMO_PASSWORD, Role.DISPATCHER)
    console.window.show()
    idle = await lag_while(5.0)
    delays: list[float] = []

    def on_cases(ids: set[int]) -> None:
        now = time.time()
        for case_id in ids:
            case = console.store.cases.get(case_id)
            if case is not None and case.updated_at is not None:
                delays.append(now - case.updated_at.timestamp())

    console.connection.start()
    async with asyncio.timeout(120):
        while not (console.store.synced and console.units.rowCount() >= 2000):
            await asyncio.sleep(0.1)
    console.signals.cases_changed.connect(on_cases)
    busy = await lag_while(seconds)
    console.signals.cases_changed.disconnect(on_cases)
    await console.connection.close()
    console.window.close()
    return {
        "cases": len(delays),
        "delay_p50": percentile(delays, 50) * 1000,
        "delay_p99": percentile(delays, 99) * 1000,
        "lag_idle_p99": percentile(idle, 99) * 1000,
        "lag_p50": percentile(busy, 50) * 1000,
        "lag_p99": percentile(busy, 99) * 1000,
        "lag_max": max(busy) * 1000,
        "units": console.units.rowCount(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    app = QApplication(sys.argv[:1])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with tempfile.TemporaryDirectory() as tmp:
        backend = EmbeddedBackend(database=Path(tmp) / "bench.db")
        try:
            url = backend.start()
            results = [
                loop.run_until_complete(one_run(url, args.seconds)) for _ in range(args.runs)
            ]
        finally:
            backend.stop()
    for key in results[0]:
        values = [r[key] for r in results]
        print(f"{key:>14}: median {statistics.median(values):9.1f}   runs {values}")


if __name__ == "__main__":
    main()
