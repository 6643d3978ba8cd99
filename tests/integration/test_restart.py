"""Restart: write, close the database, reopen it: everything is there and numbering goes on."""

from __future__ import annotations

from sqlalchemy import text

from backend.services.cases import CaseService
from backend.store.database import Database
from backend.store.migrate import upgrade
from models.case import CaseState
from models.catalogue import Catalogue
from models.cell_index import CellIndex
from models.deadlines import DeadlinePolicy
from models.geography import CityMap
from models.workflow import Accept, DispatchSingle, File
from tests.integration.support import OPERATOR, StepClock, report


def test_after_a_restart_everything_is_there_and_event_numbers_continue(
    db_url: str,
    catalogue: Catalogue,
    policy: DeadlinePolicy,
    city: CityMap,
    cell_index: CellIndex,
) -> None:
    clock = StepClock()
    db = Database.open(db_url)
    upgrade(db)
    service = CaseService(db, catalogue, policy, city, cell_index, clock=clock)
    first = report(service, city.cells[10]).case_id
    second = report(service, city.cells[20]).case_id
    assert first is not None
    assert second is not None
    for move in (Accept(), File(), DispatchSingle()):
        service.move(first, move, OPERATOR)
    case_before = service.get(first)
    history_before = service.history(first)
    events_before = service.events_since(0)
    assert service.last_seq() == 5
    db.close()

    db = Database.open(db_url)
    try:
        upgrade(db)  # a no-op on a database at head: starting twice is safe
        service = CaseService(db, catalogue, policy, city, cell_index, clock=clock)
        assert service.get(first) == case_before
        assert service.get(first).state is CaseState.DISPATCHED
        assert service.history(first) == history_before
        assert service.events_since(0) == events_before
        assert service.last_seq() == 5

        assert service.move(second, Accept(), OPERATOR).seq == 6
        third = report(service, city.cells[30])
        assert third.seq == 7
        assert third.case_id == 3
        assert third.case_change().case.number == "PD20261130-0003"
        assert [e.seq for e in service.events_since(0)] == list(range(1, 8))
        if db.dialect == "sqlite":
            with db.transaction() as conn:
                assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
                assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    finally:
        db.close()
