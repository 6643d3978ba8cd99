"""Concurrent writers: event numbers are gapless, strictly increasing, in commit order."""

from __future__ import annotations

import threading

from backend.services.cases import CaseService
from backend.services.records import CommittedEvent
from backend.store.database import Database
from models.case import CaseState
from models.geography import CityMap
from models.workflow import Accept, DispatchSingle, File, Urge
from tests.integration.support import OPERATOR, report

THREADS = 4
MOVES = 50


def test_concurrent_writers_get_gapless_numbers_in_commit_order(
    service: CaseService, db: Database, city: CityMap
) -> None:
    cases: list[int] = []
    for i in range(THREADS + 1):
        case_id = report(service, city.cells[i * 7]).case_id
        assert case_id is not None
        for move in (Accept(), File(), DispatchSingle()):
            service.move(case_id, move, OPERATOR)
        cases.append(case_id)
    shared = cases[-1]
    start_seq = service.last_seq()

    results: list[list[CommittedEvent]] = [[] for _ in range(THREADS)]
    errors: list[BaseException] = []
    seen_by_reader: list[int] = []
    done = threading.Event()
    go = threading.Barrier(THREADS + 1)

    def writer(n: int) -> None:
        try:
            go.wait()
            for k in range(MOVES):
                # Half the moves go to one shared case, so writers also queue on its row.
                target = shared if k % 2 else cases[n]
                results[n].append(service.move(target, Urge(message=f"t{n} m{k}"), OPERATOR))
        except BaseException as exc:
            errors.append(exc)

    def reader() -> None:
        # A reader following the log must never see a number before all smaller ones:
        # that is what "numbered in commit order" means to a console that resumes.
        last = start_seq
        go.wait()
        while True:
            finished = done.is_set()
            for event in service.events_since(last):
                assert event.seq == last + 1, f"saw event {event.seq} right after {last}"
                last = event.seq
                seen_by_reader.append(event.seq)
            if finished:
                return

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(THREADS)]
    follower = threading.Thread(target=reader)
    for t in [*threads, follower]:
        t.start()
    for t in threads:
        t.join(timeout=120)
    done.set()
    follower.join(timeout=60)
    assert not errors, errors

    total = THREADS * MOVES
    seqs = sorted(e.seq for r in results for e in r)
    assert seqs == list(range(start_seq + 1, start_seq + total + 1))
    for r in results:
        mine = [e.seq for e in r]
        assert mine == sorted(mine)  # each writer's commits are numbered in its own order
    assert seen_by_reader == list(range(start_seq + 1, start_seq + total + 1))
    assert service.last_seq() == start_seq + total

    # Per case, revisions in the log rise by one with every event.
    by_case: dict[int, list[int]] = {}
    for event in service.events_since(start_seq, limit=total):
        assert event.case_id is not None
        by_case.setdefault(event.case_id, []).append(event.case_change().case.revision)
    for case_id, revisions in by_case.items():
        assert revisions == list(range(revisions[0], revisions[0] + len(revisions))), case_id
    assert service.get(shared).urge_count == total // 2
    assert service.get(shared).state is CaseState.DISPATCHED
