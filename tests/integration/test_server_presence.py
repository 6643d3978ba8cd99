"""What the supervisor board asks the server: who is signed in (``query_presence``), and the
shift's figures so far (``shift_result.figures``), over a real server on port 0."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from backend.services.users import UserService
from backend.store.database import Database
from models.calendar import SHANGHAI
from models.org import Role
from net.protocol import (
    Ack,
    Error,
    ErrorCode,
    GenerateHandover,
    HandoverResult,
    PresenceResult,
    QueryHandover,
    QueryPresence,
    QueryShift,
    ShiftResult,
)
from tests.integration.peer import Peer, new_id
from tests.integration.server_fixtures import copy_sqlite, make_seeded_sqlite, running_server
from tests.integration.support import ManualClock, fast_hasher_for_tests
from tests.integration.test_server_flows import cells, report_at

EVENING = datetime(2026, 11, 30, 19, 50, tzinfo=SHANGHAI)
STREET = "310115005"


@pytest.fixture(scope="module")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("presence-seed") / "template.db"
    make_seeded_sqlite(path)
    db = Database.open(f"sqlite:///{path}")
    try:
        UserService(db, hasher=fast_hasher_for_tests()).create_user(
            "ljz-supervisor", "陆家嘴值班长", Role.SUPERVISOR, STREET, None, "street-pass-1"
        )
    finally:
        db.close()
    return path


def test_who_is_signed_in_and_the_shifts_figures_so_far(
    seeded_template: Path, tmp_path: Path
) -> None:
    url = copy_sqlite(seeded_template, tmp_path / "grid.db")
    clock = ManualClock(EVENING)

    async def scenario() -> None:
        async with running_server(url, clock=clock) as srv:
            supervisor = await Peer.connect(srv.url, "supervisor", client_id="console-sup-1")
            operator = await Peer.connect(srv.url, "operator", client_id="console-op-3")
            field = await Peer.connect(srv.url, "field", kind="terminal", client_id="pda-7")
            street = await Peer.connect(
                srv.url, "ljz-supervisor", "street-pass-1", client_id="console-ljz-1"
            )
            peers = (supervisor, operator, field, street)
            try:
                for peer in peers:
                    await peer.synced()

                answer = await supervisor.request(QueryPresence(id=new_id()))
                assert isinstance(answer, PresenceResult)
                assert answer.as_of == EVENING
                seen = {(s.user_id, s.role, s.client_kind, s.client_id) for s in answer.sessions}
                assert seen == {
                    ("supervisor", Role.SUPERVISOR, "console", "console-sup-1"),
                    ("operator", Role.OPERATOR, "console", "console-op-3"),
                    ("field", Role.FIELD, "terminal", "pda-7"),
                    ("ljz-supervisor", Role.SUPERVISOR, "console", "console-ljz-1"),
                }
                assert {s.since for s in answer.sessions} == {EVENING}
                # A street's supervisor sees the street's users only.
                mine = await street.request(QueryPresence(id=new_id()))
                assert isinstance(mine, PresenceResult)
                assert [s.user_id for s in mine.sessions] == ["ljz-supervisor"]
                refused = await operator.request(QueryPresence(id=new_id()))
                assert isinstance(refused, Error)
                assert refused.code is ErrorCode.NOT_PERMITTED

                # Figures so far, as a packet generated at this instant counts them.
                for cell in cells(url)[:2]:
                    ack = await operator.request(report_at(cell))
                    assert isinstance(ack, Ack), ack
                status = await supervisor.request(QueryShift(id=new_id()))
                assert isinstance(status, ShiftResult)
                assert status.as_of == EVENING
                assert status.figures.received == 2
                generated = await supervisor.request(GenerateHandover(id=new_id()))
                assert isinstance(generated, Ack), generated
                assert generated.result is not None
                whole = await supervisor.request(
                    QueryHandover(id=new_id(), handover_id=generated.result["handover_id"])
                )
                assert isinstance(whole, HandoverResult)
                assert whole.handover.packet.figures == status.figures
            finally:
                for peer in peers:
                    await peer.close()

    run(scenario())


def run(coro: Any) -> None:
    asyncio.run(asyncio.wait_for(coro, 90))
