"""The server over real sockets on port 0: sign-in, snapshot, commands, events, resume."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from models.case import CaseState, Source
from models.workflow import Accept, File, NewReport
from net.protocol import Ack, Command, Error, ErrorCode, Event, Report, SnapshotChunk, Welcome
from tests.integration.peer import Peer, new_id
from tests.integration.server_fixtures import copy_sqlite, running_server


@pytest.fixture
def db_url(seeded_template: Path, tmp_path: Path) -> str:
    return copy_sqlite(seeded_template, tmp_path / "grid.db")


def a_cell_centre(url: str) -> tuple[float, float, str]:
    from backend.store.database import Database
    from backend.store.reference import load_city

    db = Database.open(url)
    try:
        city = load_city(db)
    finally:
        db.close()
    assert city is not None
    cell = city.cells[len(city.cells) // 2]
    return cell.centroid_lon, cell.centroid_lat, cell.street_code


def test_a_terminal_report_reaches_a_dispatcher(db_url: str) -> None:
    lon, lat, street = a_cell_centre(db_url)

    async def scenario() -> None:
        async with running_server(db_url) as srv:
            console = await Peer.connect(srv.url, "operator")
            welcome = await console.signed_in()
            assert isinstance(welcome, Welcome)
            assert welcome.user.user_id == "operator"
            assert welcome.resume == "snapshot"
            await console.synced()
            chunks = console.of_type(SnapshotChunk)
            assert chunks
            assert sum(len(c.units) for c in chunks) == 300
            terminal = await Peer.connect(srv.url, "field", kind="terminal")
            await terminal.signed_in()
            report = NewReport(
                source=Source.PATROL,
                category="E0102",
                lon=lon,
                lat=lat,
                description="暴露垃圾",
            )
            ack = await terminal.request(Report(id=new_id(), report=report))
            assert isinstance(ack, Ack), ack
            case_id = ack.result["case_id"]  # type: ignore[index]
            event = await console.wait_for(
                lambda m: isinstance(m, Event) and m.body.case.id == case_id
            )  # type: ignore[union-attr]
            assert isinstance(event, Event)
            assert event.body.case.location.street_code == street  # type: ignore[union-attr]
            assert event.body.case.state is CaseState.AWAITING_ACCEPTANCE  # type: ignore[union-attr]
            accepted = await console.request(Command(id=new_id(), case_id=case_id, move=Accept()))
            assert isinstance(accepted, Ack)
            refused = await console.request(Command(id=new_id(), case_id=case_id, move=Accept()))
            assert isinstance(refused, Error)
            assert refused.code is ErrorCode.ILLEGAL_MOVE
            filed = await console.request(Command(id=new_id(), case_id=case_id, move=File()))
            assert isinstance(filed, Ack)
            await console.close()
            await terminal.close()

    asyncio.run(asyncio.wait_for(scenario(), 60))
