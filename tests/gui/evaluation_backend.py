"""The hand-counted day of ``tests/integration/test_evaluation_service.py`` behind a console.

Five cases made move by move through the real ``CaseService`` on a real SQLite database,
Monday 30 November 2026; their indicators were counted by hand there (district: 4 filed,
4 dispatched, on-time handling 2/4; street A 2/3, street B 0/1; departments HW 2/3,
CGZF 0/1). :class:`DayBackend` answers the console's ``query_evaluation`` and
``query_case_counts`` with the server's own services over that database, as of 18:00:
everything the server would do but the socket, so the wall and the evaluation panel can
be checked against the hand-counted figures.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from backend.services.case_counts import reported_per_hour
from backend.services.cases import CaseService
from backend.services.evaluation import EvaluationService
from backend.store.database import Database
from backend.store.migrate import upgrade
from backend.store.reference import save_city, sync_departments
from models.catalogue import load_catalogue
from models.cell_index import CellIndex
from models.deadlines import default_policy
from models.demo_city import generate_demo_city
from models.evaluation import Period
from net.client import Answer
from net.protocol import (
    CaseCountsResult,
    ClientMessage,
    EvaluationResult,
    QueryCaseCounts,
    QueryEvaluation,
)
from tests.integration.support import ManualClock
from tests.integration.test_evaluation_service import AS_OF, MONDAY, Day, local

__all__ = ["AS_OF", "MONDAY", "DayBackend", "local"]


class DayBackend:
    """The day's database and the server's evaluation services, answering queries.

    Args:
        directory: Where the SQLite file goes.

    Attributes:
        day: The day's cases (``day.street_a``, ``day.street_b``, ``day.ids``).
        queries: Every query answered, in order.
    """

    def __init__(self, directory: Path) -> None:
        city = generate_demo_city(target_cells=500)
        catalogue = load_catalogue()
        self.db = Database.open(f"sqlite:///{directory / 'day.db'}")
        upgrade(self.db)
        with self.db.transaction(write=True) as conn:
            sync_departments(conn, catalogue)
            save_city(conn, city)
        clock = ManualClock(local(9))
        cases = CaseService(
            self.db, catalogue, default_policy(), city, CellIndex(city.cells), clock=clock
        )
        self.day = Day(cases, clock, city)
        self.day.build()
        self.city = city
        self.evaluation = EvaluationService(self.db, catalogue, city)
        self.as_of: datetime = AS_OF
        self.queries: list[ClientMessage] = []

    def close(self) -> None:
        self.db.close()

    # -- the console's CommandSink

    def submit(self, message: ClientMessage) -> None:
        raise AssertionError(f"the wall and the evaluation send no commands: {message!r}")

    async def query(self, message: ClientMessage) -> Answer:
        self.queries.append(message)
        if isinstance(message, QueryEvaluation):
            period = Period(message.start, message.end)
            rows, next_after = self.evaluation.evaluate(
                period, self.as_of, message.dimension, key=message.key, after=message.after
            )
            return EvaluationResult(
                id=message.id,
                start=message.start,
                end=message.end,
                dimension=message.dimension,
                as_of=self.as_of,
                rows=rows,
                next_after=next_after,
            )
        if isinstance(message, QueryCaseCounts):
            hourly = reported_per_hour(self.db, Period(message.start, message.end))
            return CaseCountsResult(
                id=message.id,
                start=message.start,
                end=message.end,
                as_of=self.as_of,
                hourly=hourly,
            )
        raise AssertionError(f"unexpected query {message!r}")
