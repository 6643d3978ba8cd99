"""Database work goes through the runner's threads, never on the asyncio loop's thread.

How long the loop may stall while moves commit is measured by bench/bench_loop_lag.py
(a benchmark, not a timed test); this test checks the mechanism that makes it short.
"""

from __future__ import annotations

import asyncio
import threading

from backend.services.cases import CaseService
from backend.services.runner import DbRunner
from models.geography import CityMap
from models.workflow import Accept
from tests.integration.support import OPERATOR, new_report


def test_writes_run_on_one_writer_thread_in_order_and_reads_elsewhere(
    service: CaseService, city: CityMap
) -> None:
    threads: dict[str, set[int]] = {"write": set(), "read": set()}

    def on_thread(kind: str, fn, *args):  # type: ignore[no-untyped-def]
        threads[kind].add(threading.get_ident())
        return fn(*args)

    async def main() -> tuple[int, list[int]]:
        loop_thread = threading.get_ident()
        async with DbRunner() as runner:
            opened = await asyncio.gather(
                *(
                    runner.write(
                        on_thread, "write", service.report, new_report(city.cells[i]), OPERATOR
                    )
                    for i in range(20)
                )
            )
            for event in opened:
                assert event.case_id is not None
                await runner.write(
                    on_thread, "write", service.move, event.case_id, Accept(), OPERATOR
                )
            await runner.read(on_thread, "read", service.get, opened[0].case_id)
        return loop_thread, [e.seq for e in opened]

    loop_thread, seqs = asyncio.run(main())
    assert len(threads["write"]) == 1
    assert loop_thread not in threads["write"] | threads["read"]
    assert threads["read"].isdisjoint(threads["write"])
    assert seqs == sorted(seqs), "writes commit in the order they were submitted"
    assert service.last_seq() == 40
