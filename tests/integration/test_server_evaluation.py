"""Evaluation over real sockets: a leader's figures follow the moves, the console's helper
joins the pages, and every refusal names its reason and leaves the connection usable."""

from __future__ import annotations

import asyncio
import contextlib
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from backend.services.users import UserService
from backend.store.database import Database
from console.evaluation import fetch_evaluation
from models.case import Source
from models.evaluation import DISTRICT_KEY, Dimension, Indicators, Period
from models.geography import Cell
from models.org import Role
from models.workflow import Accept, File, NewReport, Void
from net.client import GridClient
from net.protocol import (
    Ack,
    Command,
    Error,
    ErrorCode,
    EvaluationResult,
    Ping,
    Pong,
    QueryEvaluation,
    Report,
)
from tests.integration.peer import Peer, new_id, now
from tests.integration.server_fixtures import city_of, copy_sqlite, running_server
from tests.integration.support import fast_hasher_for_tests

PASSWORD = "grid-demo-2026"


@pytest.fixture
def db_url(seeded_template: Path, tmp_path: Path) -> str:
    return copy_sqlite(seeded_template, tmp_path / "grid.db")


def add_street_operator(url: str, street: str) -> None:
    db = Database.open(url)
    try:
        UserService(db, hasher=fast_hasher_for_tests()).create_user(
            "op-street", "街道操作员", Role.OPERATOR, street, None, PASSWORD
        )
    finally:
        db.close()


def report_at(cell: Cell) -> Report:
    return Report(
        id=new_id(),
        report=NewReport(
            source=Source.PATROL,
            category="E0102",
            lon=cell.centroid_lon,
            lat=cell.centroid_lat,
            description="暴露垃圾",
        ),
    )


def run(coro: Any, timeout: float = 90.0) -> Any:
    return asyncio.run(asyncio.wait_for(coro, timeout))


def ratio(ind: Indicators, name: str) -> tuple[int, int]:
    r = getattr(ind, name)
    return (r.numerator, r.denominator)


async def evaluation(
    peer: Peer, period: Period, dimension: Dimension, **kw: Any
) -> EvaluationResult:
    reply = await peer.request(
        QueryEvaluation(id=new_id(), start=period.start, end=period.end, dimension=dimension, **kw)
    )
    assert isinstance(reply, EvaluationResult), reply
    return reply


async def refused(peer: Peer, frame: dict[str, Any]) -> Error:
    frame = {"type": "query_evaluation", "id": new_id(), **frame}
    await peer.send_raw(json.dumps(frame))
    reply = await peer.wait_for(lambda m: getattr(m, "id", None) == frame["id"])
    assert isinstance(reply, Error), reply
    return reply


def test_a_leader_s_figures_follow_the_moves_and_the_console_joins_the_pages(
    db_url: str,
) -> None:
    city = city_of(db_url)
    street_a, street_b = city.streets[0], city.streets[1]
    cell_a = next(c for c in city.cells if c.street_code == street_a.code)
    cell_b = next(c for c in city.cells if c.street_code == street_b.code)

    async def scenario() -> None:
        async with running_server(db_url) as srv:
            field = await Peer.connect(srv.url, "field", kind="terminal")
            operator = await Peer.connect(srv.url, "operator")
            leader = await Peer.connect(srv.url, "leader")
            for peer in (field, operator, leader):
                await peer.synced()
            day = Period(now() - timedelta(hours=12), now() + timedelta(hours=12))
            a = await field.request(report_at(cell_a))
            b = await field.request(report_at(cell_b))
            assert isinstance(a, Ack)
            assert isinstance(b, Ack)
            case_a, case_b = a.result["case_id"], b.result["case_id"]  # type: ignore[index]
            for case_id, move in ((case_a, Accept()), (case_b, Void(reason="无此情况"))):
                reply = await operator.request(Command(id=new_id(), case_id=case_id, move=move))
                assert isinstance(reply, Ack), reply

            district = await evaluation(leader, day, Dimension.DISTRICT)
            assert [(r.key, r.name_zh) for r in district.rows] == [(DISTRICT_KEY, city.name_zh)]
            assert district.as_of >= district.start
            ind = district.rows[0].indicators
            assert ratio(ind, "valid_report") == (1, 2)  # case B voided as invalid
            assert ratio(ind, "on_time_acceptance") == (1, 1)  # accepted within minutes
            assert ratio(ind, "on_time_filing") == (0, 0)  # not filed yet, not due yet

            streets = await evaluation(leader, day, Dimension.STREET)
            by_key = {r.key: r for r in streets.rows}
            assert sorted(by_key) == sorted([street_a.code, street_b.code])
            assert by_key[street_a.code].name_zh == street_a.name_zh
            assert ratio(by_key[street_a.code].indicators, "valid_report") == (1, 1)
            assert ratio(by_key[street_b.code].indicators, "valid_report") == (0, 1)

            # One more move: only its indicator changes.
            reply = await operator.request(Command(id=new_id(), case_id=case_a, move=File()))
            assert isinstance(reply, Ack), reply
            after = (await evaluation(leader, day, Dimension.DISTRICT)).rows[0].indicators
            assert ratio(after, "on_time_filing") == (1, 1)
            assert ratio(after, "accurate_filing") == (1, 1)
            assert ratio(after, "valid_report") == (1, 2)
            assert ratio(after, "on_time_acceptance") == (1, 1)

            person = await evaluation(leader, day, Dimension.PERSON, key="field")
            assert [(r.key, r.name_zh) for r in person.rows] == [
                ("field", "演示网格监督员 Demo grid supervisor")
            ]

            # The console's helper, over the console's own client, gets the same rows.
            client = GridClient(srv.url, "leader", PASSWORD, client_id="console-eval-1")
            running = asyncio.create_task(_drain(client))
            try:
                joined = await fetch_evaluation(client.request, day, Dimension.STREET)
            finally:
                await client.close()
                await running
            assert joined.next_after is None
            assert [r.key for r in joined.rows] == [r.key for r in streets.rows]
            assert joined.rows[0].indicators.valid_report == streets.rows[0].indicators.valid_report
            for peer in (field, operator, leader):
                await peer.close()

    run(scenario())


async def _drain(client: GridClient) -> None:
    async with contextlib.aclosing(client.messages()) as messages:
        async for _ in messages:
            pass


def test_refusals_name_the_problem_and_the_connection_stays_usable(db_url: str) -> None:
    city = city_of(db_url)
    own, other = city.streets[0].code, city.streets[1].code
    add_street_operator(db_url, own)
    month = {"start": "2026-11-01T00:00:00+08:00", "end": "2026-12-01T00:00:00+08:00"}

    async def scenario() -> None:
        async with running_server(db_url) as srv:
            leader = await Peer.connect(srv.url, "leader")
            field = await Peer.connect(srv.url, "field", kind="terminal")
            handler = await Peer.connect(srv.url, "department", kind="terminal")
            street_op = await Peer.connect(srv.url, "op-street")
            for peer in (leader, field, handler, street_op):
                await peer.synced()

            error = await refused(
                leader,
                {
                    "dimension": "street",
                    "start": "2026-11-30T00:00:00+08:00",
                    "end": "2026-11-01T00:00:00+08:00",
                },
            )
            assert (error.code, error.details["field"]) == (ErrorCode.INVALID_FIELD, "$.end")
            error = await refused(
                leader,
                {
                    "dimension": "street",
                    "start": month["start"],
                    "end": "2027-12-31T00:00:00+08:00",
                },
            )
            assert error.code is ErrorCode.INVALID_INPUT
            assert error.details["field"] == "end"
            assert "366 days" in error.message
            error = await refused(leader, {"dimension": "department", "key": "NOPE", **month})
            assert error.code is ErrorCode.UNKNOWN_ID
            assert error.details == {"kind": "department", "ident": "NOPE"}

            for peer, role in ((field, "field"), (handler, "department")):
                error = await refused(peer, {"dimension": "street", **month})
                assert error.code is ErrorCode.NOT_PERMITTED
                assert f"role '{role}' may not" in error.message

            error = await refused(street_op, {"dimension": "district", **month})
            assert error.code is ErrorCode.NOT_PERMITTED
            assert f"limited to street {own}" in error.message
            error = await refused(street_op, {"dimension": "street", "key": other, **month})
            assert error.code is ErrorCode.NOT_PERMITTED
            assert f"outside scope {own}" in error.message

            # Still usable: a good query and a ping answer after all those refusals.
            period = Period(now() - timedelta(days=1), now())
            mine = await evaluation(street_op, period, Dimension.STREET, key=own)
            assert [r.key for r in mine.rows] == [own]
            pong = await leader.request(Ping(id=new_id(), sent_at=now()))
            assert isinstance(pong, Pong)
            for peer in (leader, field, handler, street_op):
                await peer.close()

    run(scenario())
