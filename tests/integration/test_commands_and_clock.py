"""Retried commands apply once; the SLA clock raises flags as committed events."""

from __future__ import annotations

from datetime import timedelta

import pytest

from backend.services.cases import CaseService
from backend.store.database import Database
from models.case import CaseState
from models.catalogue import Catalogue
from models.cell_index import CellIndex
from models.deadlines import DeadlinePolicy
from models.errors import InvalidInput, UnknownId
from models.geography import CityMap
from models.workflow import Accept, Urge, Void
from tests.integration.support import OPERATOR, START, ManualClock, counts, new_report, report


def test_a_retried_command_is_applied_once(
    service: CaseService, db: Database, city: CityMap
) -> None:
    first = service.report(new_report(city.cells[0]), OPERATOR, command_key="op1:c1")
    again = service.report(new_report(city.cells[0]), OPERATOR, command_key="op1:c1")
    assert again == first
    assert service.find_command("op1:c1") == first.seq
    assert service.find_command("op1:nope") is None
    case_id = first.case_id
    assert case_id is not None

    accepted = service.move(case_id, Accept(), OPERATOR, command_key="op1:c2")
    before = counts(db)
    # The retry would be illegal now (the case is no longer awaiting acceptance), but it
    # is the same command: it gets the first answer and writes nothing.
    assert service.move(case_id, Accept(), OPERATOR, command_key="op1:c2") == accepted
    assert counts(db) == before
    assert service.get(case_id).revision == 2
    with pytest.raises(InvalidInput, match="command_key"):
        service.move(case_id, Urge(message="x"), OPERATOR, command_key="")


def test_a_refused_command_is_not_remembered(service: CaseService, city: CityMap) -> None:
    case_id = report(service, city.cells[0]).case_id
    assert case_id is not None
    with pytest.raises(UnknownId):
        service.move(999, Accept(), OPERATOR, command_key="op1:k")
    assert service.find_command("op1:k") is None
    assert service.move(case_id, Accept(), OPERATOR, command_key="op1:k").seq == 2


def test_the_clock_raises_warning_then_overdue_as_events(
    db: Database,
    catalogue: Catalogue,
    policy: DeadlinePolicy,
    city: CityMap,
    cell_index: CellIndex,
) -> None:
    clock = ManualClock()
    service = CaseService(db, catalogue, policy, city, cell_index, clock=clock)
    case_id = report(service, city.cells[0]).case_id
    assert case_id is not None
    deadline = service.get(case_id).step_deadline
    assert deadline is not None
    before = counts(db)
    assert service.check_deadline(case_id) is None  # nothing due yet: nothing written
    assert counts(db) == before

    clock.now = deadline - timedelta(seconds=1)
    warning = service.check_deadline(case_id)
    assert warning is not None
    assert warning.kind == "case.deadline_warning"
    assert service.get(case_id).warned
    assert not service.get(case_id).overdue

    clock.now = deadline + timedelta(minutes=1)
    overdue = service.check_deadline(case_id)
    assert overdue is not None
    assert overdue.seq == warning.seq + 1
    case = service.get(case_id)
    assert case.overdue
    assert case.ever_overdue
    assert [h.move for h in service.history(case_id)][-2:] == [
        "deadline_warning",
        "deadline_overdue",
    ]
    assert service.check_deadline(case_id) is None
    with pytest.raises(UnknownId):
        service.check_deadline(12345)


def test_current_cases_are_the_open_ones_and_those_finished_lately(
    db: Database,
    catalogue: Catalogue,
    policy: DeadlinePolicy,
    city: CityMap,
    cell_index: CellIndex,
) -> None:
    clock = ManualClock()
    service = CaseService(db, catalogue, policy, city, cell_index, clock=clock)
    ids = [report(service, city.cells[i]).case_id or 0 for i in range(3)]
    service.move(ids[0], Void(reason="yesterday's mistake"), OPERATOR)
    clock.advance(timedelta(days=1))
    service.move(ids[1], Void(reason="today's mistake"), OPERATOR)
    today = START + timedelta(days=1)
    current = service.current_cases(today)
    assert [c.id for c in current] == ids[1:]
    assert current[0].state is CaseState.VOIDED
    with pytest.raises(InvalidInput):
        service.current_cases(today.replace(tzinfo=None))
