"""Shift handovers over a real server on port 0: the commands, their events to the right
consoles, the queries, and the refusals, frame by frame."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from backend.services.users import UserService
from backend.store.database import Database
from models.calendar import SHANGHAI
from models.case import Source
from models.catalogue import Urgency
from models.handover import HandoverNotes, HandoverState, ReminderLevel
from models.org import Role
from models.workflow import NewReport
from net.protocol import (
    Ack,
    Error,
    ErrorCode,
    Event,
    GenerateHandover,
    HandoverChanged,
    HandoverResult,
    HandoversPage,
    QueryHandover,
    QueryHandovers,
    QueryShift,
    Report,
    ReturnHandover,
    ShiftResult,
    SignHandover,
    SubmitHandover,
)
from tests.integration.peer import Peer, new_id
from tests.integration.server_fixtures import copy_sqlite, make_seeded_sqlite, running_server
from tests.integration.support import ManualClock, fast_hasher_for_tests
from tests.integration.test_server_flows import cells

EVENING = datetime(2026, 11, 30, 19, 50, tzinfo=SHANGHAI)
NOTES = HandoverNotes(staffing="王强病假", equipment="3 号大屏闪烁", other="")


@pytest.fixture(scope="module")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("seed") / "template.db"
    make_seeded_sqlite(path)
    db = Database.open(f"sqlite:///{path}")
    try:
        UserService(db, hasher=fast_hasher_for_tests()).create_user(
            "supervisor2", "接班值班长", Role.SUPERVISOR, "310115", None, "night-shift-1"
        )
    finally:
        db.close()
    return path


@pytest.fixture
def db_url(seeded_template: Path, tmp_path: Path) -> str:
    return copy_sqlite(seeded_template, tmp_path / "grid.db")


def run(coro: Any, timeout: float = 90.0) -> Any:
    return asyncio.run(asyncio.wait_for(coro, timeout))


async def acked(peer: Peer, message: Any) -> Ack:
    reply = await peer.request(message)
    assert isinstance(reply, Ack), reply
    return reply


async def refused(peer: Peer, message: Any) -> Error:
    reply = await peer.request(message)
    assert isinstance(reply, Error), reply
    return reply


def handover_events(peer: Peer) -> list[HandoverChanged]:
    return [e.body for e in peer.events() if isinstance(e.body, HandoverChanged)]


async def handover_event(peer: Peer, move: str, start: int = 0) -> HandoverChanged:
    event = await peer.wait_for(
        lambda m: (
            isinstance(m, Event) and isinstance(m.body, HandoverChanged) and m.body.move == move
        ),
        start=start,
    )
    assert isinstance(event, Event)
    assert isinstance(event.body, HandoverChanged)
    return event.body


def test_a_shift_is_handed_over_returned_and_signed_over_the_wire(db_url: str) -> None:
    cell = cells(db_url)[0]
    clock = ManualClock(EVENING)

    async def scenario() -> None:
        async with running_server(db_url, clock=clock) as srv:
            peers = {}
            for user, password in (
                ("operator", "grid-demo-2026"),
                ("supervisor", "grid-demo-2026"),
                ("supervisor2", "night-shift-1"),
                ("leader", "grid-demo-2026"),
            ):
                peers[user] = await Peer.connect(srv.url, user, password)
                await peers[user].synced()
            op, out, inc, leader = peers.values()
            seq_before = srv.core.published_seq

            urgent = NewReport(
                source=Source.PATROL,
                category="E0102",
                urgency=Urgency.URGENT,
                lon=cell.centroid_lon,
                lat=cell.centroid_lat,
                description="主干道上大量暴露垃圾",
            )
            number = (await acked(op, Report(id=new_id(), report=urgent))).result["number"]  # type: ignore[index]

            shift = await out.request(QueryShift(id=new_id()))
            assert isinstance(shift, ShiftResult)
            assert shift.shift.id == "2026-11-30/day"
            assert (shift.previous.id, shift.next.id) == ("2026-11-29/night", "2026-11-30/night")
            assert shift.handover is None

            generate = GenerateHandover(id=new_id())
            ack = await acked(out, generate)
            handover_id = ack.result["handover_id"]  # type: ignore[index]
            assert handover_id == "310115/2026-11-30/day"
            assert ack.result["revision"] == 1  # type: ignore[index]
            again = await acked(out, generate)  # the same command id: applied once
            assert again.seq == ack.seq
            generated = await handover_event(leader, "generate")
            assert number in generated.handover.packet.case_numbers()
            assert generated.handover.packet.figures.received == 1

            await acked(
                out,
                SubmitHandover(
                    id=new_id(), handover_id=handover_id, expected_revision=1, notes=NOTES
                ),
            )
            await acked(
                inc,
                ReturnHandover(id=new_id(), handover_id=handover_id, comments="请补充设备情况"),
            )
            returned = await handover_event(out, "return")
            assert returned.handover.state is HandoverState.RETURNED
            assert returned.handover.comments == "请补充设备情况"
            await acked(
                out,
                SubmitHandover(
                    id=new_id(), handover_id=handover_id, expected_revision=3, notes=NOTES
                ),
            )
            clock.advance(timedelta(minutes=15))  # 20:05: the night shift has begun
            await acked(inc, SignHandover(id=new_id(), handover_id=handover_id, comment="接班"))
            signed = await handover_event(leader, "sign")
            assert signed.handover.state is HandoverState.SIGNED
            assert signed.handover.incoming == "supervisor2"

            # Immutable: the server refuses, names the handover and why, writes nothing.
            seq = srv.core.published_seq
            error = await refused(
                out, SubmitHandover(id=new_id(), handover_id=handover_id, notes=NOTES)
            )
            assert error.code is ErrorCode.ILLEGAL_MOVE
            assert "a signed handover is immutable" in error.message
            assert error.details["handover"] == handover_id
            assert srv.core.published_seq == seq

            # Leaders read; operators neither read nor hear about handovers.
            page = await leader.request(QueryHandovers(id=new_id(), text=number))
            assert isinstance(page, HandoversPage)
            assert [h.id for h in page.handovers] == [handover_id]
            whole = await leader.request(QueryHandover(id=new_id(), handover_id=handover_id))
            assert isinstance(whole, HandoverResult)
            assert whole.handover == signed.handover
            status = await leader.request(QueryShift(id=new_id()))
            assert isinstance(status, ShiftResult)
            assert status.shift.id == "2026-11-30/night"
            assert status.previous_handover == signed.handover
            assert status.reminder is ReminderLevel.NONE
            assert handover_events(op) == []
            assert (await refused(op, QueryShift(id=new_id()))).code is ErrorCode.NOT_PERMITTED
            denied = await refused(leader, GenerateHandover(id=new_id()))
            assert denied.code is ErrorCode.NOT_PERMITTED
            assert "role 'leader'" in denied.message

            moves = [b.move for b in handover_events(leader)]
            assert moves == ["generate", "submit", "return", "submit", "sign"]

            # A console that reconnects gets the handover events it missed.
            late = await Peer.connect(
                srv.url, "leader", client_id="leader-wall", last_seq=seq_before
            )
            await late.synced()
            assert [b.move for b in handover_events(late)] == moves
            for peer in (*peers.values(), late):
                await peer.close()

    run(scenario())


def test_an_unsigned_handover_raises_the_reminder_level(db_url: str) -> None:
    clock = ManualClock(EVENING)

    async def scenario() -> None:
        async with running_server(db_url, clock=clock) as srv:
            out = await Peer.connect(srv.url, "supervisor")
            await out.synced()
            await acked(out, GenerateHandover(id=new_id()))
            levels = []
            for minutes in (15, 25, 45, 75):  # 20:05, 20:15, 20:35, 21:05
                clock.now = EVENING + timedelta(minutes=minutes)
                status = await out.request(QueryShift(id=new_id()))
                assert isinstance(status, ShiftResult)
                levels.append(status.reminder)
            assert levels == [
                ReminderLevel.NONE,
                ReminderLevel.REMIND,
                ReminderLevel.REMIND_AGAIN,
                ReminderLevel.ESCALATE,
            ]
            await out.close()

    run(scenario())
