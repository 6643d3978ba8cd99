"""A merge over the wire: every console sees both cases change, before the ack."""

from __future__ import annotations

import asyncio
from pathlib import Path

from backend.store.database import Database
from backend.store.reference import load_city
from models.case import Source
from models.workflow import Merge, NewReport
from net.protocol import Ack, CaseChanged, Command, Event, Report
from tests.integration.peer import Peer, new_id
from tests.integration.server_fixtures import copy_sqlite, running_server


def test_a_merge_reaches_every_console_with_both_cases_changed(
    seeded_template: Path, tmp_path: Path
) -> None:
    url = copy_sqlite(seeded_template, tmp_path / "grid.db")
    db = Database.open(url)
    try:
        city = load_city(db)
    finally:
        db.close()
    assert city is not None
    cell = city.cells[0]

    async def scenario() -> None:
        async with running_server(url) as srv:
            operator = await Peer.connect(srv.url, "operator")
            watcher = await Peer.connect(srv.url, "supervisor")
            await operator.synced()
            await watcher.synced()
            ids = []
            for text in ("路边垃圾", "路边垃圾又一次"):
                report = NewReport(
                    source=Source.PATROL,
                    category="E0102",
                    lon=cell.centroid_lon,
                    lat=cell.centroid_lat,
                    description=text,
                )
                ack = await operator.request(Report(id=new_id(), report=report))
                assert isinstance(ack, Ack)
                assert ack.result is not None
                ids.append(int(ack.result["case_id"]))
            target, duplicate = ids
            start = len(operator.received)
            ack = await operator.request(
                Command(id=new_id(), case_id=duplicate, move=Merge(into_case=target))
            )
            assert isinstance(ack, Ack), ack
            # Both events arrived before the ack, numbered one after the other.
            events = [m for m in operator.received[start:] if isinstance(m, Event)]
            changed = [(e.seq, e.body) for e in events if isinstance(e.body, CaseChanged)]
            assert [body.case.id for _, body in changed] == [duplicate, target]
            assert [body.entry.move for _, body in changed] == ["merge", "merged_duplicate"]
            assert changed[1][0] == changed[0][0] + 1
            assert ack.seq == changed[1][0]
            assert changed[1][1].case.duplicate_count == 1
            # Another console sees the target count the duplicate without any later event.
            counted = await watcher.wait_for(
                lambda m: (
                    isinstance(m, Event)
                    and isinstance(m.body, CaseChanged)
                    and m.body.case.id == target
                    and m.body.case.duplicate_count == 1
                )
            )
            assert isinstance(counted, Event)
            for peer in (operator, watcher):
                await peer.close()

    asyncio.run(asyncio.wait_for(scenario(), 90))
