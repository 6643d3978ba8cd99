"""Cases reported per hour (``query_case_counts``): the leader wall's weekly baseline.

The day of ``test_evaluation_service`` (five reports between 09:00 and 09:04, three in
street A, two in street B) counted by hand, then the query over a real server: who may
ask, a street-scoped user's own street, and a refused period.
"""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from backend.services.case_counts import reported_per_hour
from backend.services.cases import CaseService
from backend.store.database import Database
from models.catalogue import Catalogue
from models.cell_index import CellIndex
from models.deadlines import DeadlinePolicy
from models.errors import InvalidInput
from models.evaluation import Period
from models.geography import CityMap
from net.protocol import Ack, CaseCountsResult, Error, ErrorCode, QueryCaseCounts
from tests.integration.peer import Peer, new_id, now
from tests.integration.server_fixtures import copy_sqlite, running_server
from tests.integration.support import ManualClock
from tests.integration.test_evaluation_service import MONDAY, Day, local
from tests.integration.test_server_evaluation import add_street_operator, city_of, report_at


@pytest.fixture
def day(
    db_with_city: Database,
    catalogue: Catalogue,
    policy: DeadlinePolicy,
    small_city: CityMap,
) -> Day:
    clock = ManualClock(local(9))
    service = CaseService(
        db_with_city, catalogue, policy, small_city, CellIndex(small_city.cells), clock=clock
    )
    built = Day(service, clock, small_city)
    built.build()
    return built


def test_the_day_s_reports_by_hand(day: Day, db_with_city: Database) -> None:
    hourly = reported_per_hour(db_with_city, MONDAY)
    assert len(hourly) == 24
    assert hourly[9] == 5  # K1-K5, every source and state (K4 voided still came in)
    assert sum(hourly) == 5
    assert reported_per_hour(db_with_city, MONDAY, street=day.street_b)[9] == 2  # K3, K4
    # Hours run from the period's start; the last one is cut at its end.
    assert reported_per_hour(db_with_city, Period(local(7, 30), local(9, 3))) == [0, 3]
    with pytest.raises(InvalidInput, match="31 days"):
        reported_per_hour(db_with_city, Period(local(0), local(0) + timedelta(days=32)))


def run(coro: Any, timeout: float = 90.0) -> Any:
    return asyncio.run(asyncio.wait_for(coro, timeout))


def test_over_the_server_in_the_user_s_scope(seeded_template: Path, tmp_path: Path) -> None:
    db_url = copy_sqlite(seeded_template, tmp_path / "grid.db")
    city = city_of(db_url)
    own, other = city.streets[0].code, city.streets[1].code
    add_street_operator(db_url, own)
    cell_own = next(c for c in city.cells if c.street_code == own)
    cell_other = next(c for c in city.cells if c.street_code == other)

    async def counts(peer: Peer, period: Period) -> CaseCountsResult:
        reply = await peer.request(QueryCaseCounts(id=new_id(), start=period.start, end=period.end))
        assert isinstance(reply, CaseCountsResult), reply
        return reply

    async def scenario() -> None:
        async with running_server(db_url) as srv:
            field = await Peer.connect(srv.url, "field", kind="terminal")
            leader = await Peer.connect(srv.url, "leader")
            street_op = await Peer.connect(srv.url, "op-street")
            for peer in (field, leader, street_op):
                await peer.synced()
            hour = now().replace(minute=0, second=0, microsecond=0)
            period = Period(hour - timedelta(hours=2), hour + timedelta(hours=1))
            before = await counts(leader, period)
            mine_before = await counts(street_op, period)
            for cell in (cell_own, cell_other, cell_other):
                assert isinstance(await field.request(report_at(cell)), Ack)

            after = await counts(leader, period)
            assert len(after.hourly) == 3
            assert [a - b for a, b in zip(after.hourly, before.hourly, strict=True)] == [0, 0, 3]
            assert after.as_of >= hour
            mine = await counts(street_op, period)  # only its own street's report
            assert [a - b for a, b in zip(mine.hourly, mine_before.hourly, strict=True)] == [
                0,
                0,
                1,
            ]

            frame = {
                "type": "query_case_counts",
                "id": new_id(),
                "start": "2026-10-01T00:00:00+08:00",
                "end": "2026-12-01T00:00:00+08:00",
            }
            await leader.send_raw(json.dumps(frame))
            error = await leader.wait_for(lambda m: getattr(m, "id", None) == frame["id"])
            assert isinstance(error, Error)
            assert (error.code, error.details["field"]) == (ErrorCode.INVALID_INPUT, "end")
            refused = await field.request(
                QueryCaseCounts(id=new_id(), start=period.start, end=period.end)
            )
            assert isinstance(refused, Error)
            assert refused.code is ErrorCode.NOT_PERMITTED
            for peer in (field, leader, street_op):
                await peer.close()

    run(scenario())
