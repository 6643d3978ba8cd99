"""Deadline warnings and overdue flags raised by the server's clock, on time and after a
restart."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from models.case import CaseState
from net.protocol import DeadlineOverdue, DeadlineWarning, Event
from tests.integration.peer import Peer
from tests.integration.server_fixtures import copy_sqlite, make_seeded_sqlite, running_server
from tests.integration.support import ManualClock
from tests.integration.test_server_flows import acked, cells, report_at

START = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai, a Monday


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    # Seeded with the manual clock's date, so nothing in the seed is "in the future".
    path = tmp_path / "template.db"
    make_seeded_sqlite(path)
    return copy_sqlite(path, tmp_path / "grid.db")


def test_warning_and_overdue_arrive_on_time_and_after_a_restart(db_url: str) -> None:
    clock = ManualClock(START)
    cell = cells(db_url)[0]

    async def deadline_event(peer: Peer, kind: type, case_id: int) -> Event:
        message = await peer.wait_for(
            lambda m: (
                isinstance(m, Event) and isinstance(m.body, kind) and m.body.case.id == case_id
            ),  # type: ignore[union-attr]
            timeout=5,
        )
        assert isinstance(message, Event)
        return message

    async def scenario() -> None:
        async with running_server(db_url, clock=clock) as srv:
            console = await Peer.connect(srv.url, "operator")
            await console.synced()
            case_id = (await acked(console, report_at(cell))).result["case_id"]  # type: ignore[index]
            # Acceptance is due in 10 minutes; the warning comes at 80 %, 8 minutes.
            clock.advance(timedelta(minutes=7, seconds=59))
            await asyncio.sleep(1.5)
            assert not [e for e in console.events() if isinstance(e.body, DeadlineWarning)]
            clock.advance(timedelta(seconds=1))
            warning = await deadline_event(console, DeadlineWarning, case_id)
            assert warning.body.deadline == START + timedelta(minutes=10)  # type: ignore[union-attr]
            assert warning.body.step.value == "acceptance"  # type: ignore[union-attr]
            clock.advance(timedelta(minutes=2))
            overdue = await deadline_event(console, DeadlineOverdue, case_id)
            assert overdue.body.case.overdue  # type: ignore[union-attr]
            assert overdue.body.case.state is CaseState.AWAITING_ACCEPTANCE  # type: ignore[union-attr]
            await console.close()

        # Down for an hour: the next case's deadline passes while nobody is running.
        async with running_server(db_url, clock=clock) as srv:
            console = await Peer.connect(srv.url, "operator")
            await console.synced()
            second = (await acked(console, report_at(cell, "第二件"))).result["case_id"]  # type: ignore[index]
            await console.close()
        clock.advance(timedelta(hours=1))
        async with running_server(db_url, clock=clock) as srv:
            console = await Peer.connect(srv.url, "operator")
            await console.synced()
            # Raised at start-up, before this console signed in: its snapshot shows it.
            assert console.snapshot_cases()[second].overdue
            assert not console.snapshot_cases()[case_id].state.is_terminal
            # Raised once: the first case's overdue event is not repeated.
            repeats = [
                e
                for e in console.events()
                if isinstance(e.body, DeadlineOverdue) and e.body.case.id == case_id
            ]
            assert repeats == []
            await console.close()

    asyncio.run(asyncio.wait_for(scenario(), 60))
