"""Helpers for the store tests: actors, a stepping clock, row counts."""

from __future__ import annotations

import itertools
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy import func, select

from backend.services.cases import CaseService
from backend.services.records import CommittedEvent
from backend.store.database import Database
from backend.store.orm import AuditRow, CaseRow, EventRow, HistoryRow, OrderRow
from models.case import Source
from models.geography import Cell
from models.org import Actor, Role
from models.workflow import NewReport

START = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)
"""Monday 2026-11-30 09:00 in Shanghai: inside working hours, so deadlines are plain."""

OPERATOR = Actor(user_id="op1", role=Role.OPERATOR, terminal="console-1", name="Operator")
SUPERVISOR = Actor(user_id="sup1", role=Role.SUPERVISOR, terminal="console-2")
FIELD = Actor(user_id="f1", role=Role.FIELD, terminal="handheld-7")
SANITATION = Actor(user_id="hw1", role=Role.DEPARTMENT, department="HW", terminal="dept-hw")
URBAN_MGMT = Actor(user_id="cg1", role=Role.DEPARTMENT, department="CGZF", terminal="dept-cg")

GARBAGE = "E0102"
"""Exposed garbage: handled by the sanitation contractor (HW), 4 working hours."""


class StepClock:
    """A thread-safe clock that advances one second per reading."""

    def __init__(self, start: datetime = START, step: timedelta = timedelta(seconds=1)) -> None:
        self._ticks = itertools.count()
        self._lock = threading.Lock()
        self.start = start
        self.step = step

    def __call__(self) -> datetime:
        with self._lock:
            return self.start + self.step * next(self._ticks)


def new_report(cell: Cell, *, category: str = GARBAGE, description: str = "garbage") -> NewReport:
    return NewReport(
        source=Source.PATROL,
        category=category,
        lon=cell.centroid_lon,
        lat=cell.centroid_lat,
        address="浦东南路 1 号",
        description=description,
    )


def report(service: CaseService, cell: Cell, **kwargs: Any) -> CommittedEvent:
    return service.report(new_report(cell, **kwargs), OPERATOR)


def counts(db: Database) -> dict[str, int]:
    """Rows in the tables a case change writes."""
    with db.session() as session:
        return {
            row.__tablename__: session.execute(select(func.count()).select_from(row)).scalar_one()
            for row in (CaseRow, OrderRow, HistoryRow, EventRow, AuditRow)
        }


def case_row(db: Database, case_id: int) -> dict[str, Any]:
    """Every column of a case row (to show it did not change)."""
    with db.session() as session:
        row = session.execute(select(CaseRow.__table__).where(CaseRow.id == case_id)).one()
        return dict(row._mapping)


class ManualClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, by: timedelta) -> None:
        self.now += by


def fast_hasher_for_tests() -> PasswordHasher:
    """Cheap argon2 parameters: the tests check behaviour, not hashing strength."""
    return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
