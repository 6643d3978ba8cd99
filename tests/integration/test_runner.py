"""Database work through the runner never stalls the asyncio loop for more than 20 ms."""

from __future__ import annotations

import asyncio
import gc
import time

from backend.services.cases import CaseService
from backend.services.runner import DbRunner
from models.geography import CityMap
from models.org import Actor
from models.workflow import (
    Accept,
    AssignVerification,
    DepartmentAccept,
    DispatchSingle,
    Feedback,
    File,
    Move,
    VerifyPass,
)
from tests.integration.support import FIELD, OPERATOR, SANITATION, new_report

TICK = 0.005
MAX_LAG = 0.020
LOOP: list[tuple[Actor, Move]] = [
    (OPERATOR, Accept()),
    (OPERATOR, File()),
    (OPERATOR, DispatchSingle()),
    (SANITATION, DepartmentAccept()),
    (SANITATION, Feedback(result="done")),
    (OPERATOR, AssignVerification(verifier=FIELD.user_id)),
    (FIELD, VerifyPass()),
]


def test_the_loop_keeps_ticking_while_300_moves_commit(service: CaseService, city: CityMap) -> None:
    async def main() -> tuple[float, int, int]:
        lag = 0.0
        ticks = 0
        stop = asyncio.Event()

        async def ticker() -> None:
            nonlocal lag, ticks
            while not stop.is_set():
                before = time.perf_counter()
                await asyncio.sleep(TICK)
                lag = max(lag, time.perf_counter() - before - TICK)
                ticks += 1

        async def work(runner: DbRunner) -> int:
            writes = 0
            i = 0
            while writes < 300:
                opened = await runner.write(service.report, new_report(city.cells[i]), OPERATOR)
                i += 1
                writes += 1
                assert opened.case_id is not None
                for actor, move in LOOP:
                    await runner.write(service.move, opened.case_id, move, actor)
                    writes += 1
                await runner.read(service.get, opened.case_id)
            return writes

        async with DbRunner() as runner:
            tick_task = asyncio.create_task(ticker())
            await asyncio.sleep(0.05)  # let the ticker settle
            writes = await work(runner)
            stop.set()
            await tick_task
        return lag, ticks, writes

    # The test session holds a large heap (cities, catalogues, pytest's own objects); a full
    # garbage collection over it pauses every thread, whatever the database does. Freeze
    # what exists now, as a long-running server does after loading, and report collections.
    pauses: list[float] = []
    started: list[float] = []

    def on_gc(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started.append(time.perf_counter())
        elif started:
            pauses.append(time.perf_counter() - started.pop())

    gc.collect()
    gc.freeze()
    gc.callbacks.append(on_gc)
    try:
        lag, ticks, writes = asyncio.run(main())
    finally:
        gc.callbacks.remove(on_gc)
        gc.unfreeze()
    assert writes >= 300
    assert ticks > 10
    longest_gc = max(pauses, default=0.0)
    assert lag < MAX_LAG, (
        f"the event loop stalled {lag * 1000:.1f} ms "
        f"(longest garbage collection meanwhile: {longest_gc * 1000:.1f} ms)"
    )
    assert service.last_seq() == writes
