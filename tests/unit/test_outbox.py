from __future__ import annotations

import asyncio

from backend.outbox import Outbox


def test_events_keep_order_and_come_before_positions() -> None:
    box = Outbox()
    box.put_positions(b"p1")
    box.put_event(b"e1")
    box.put_event(b"e2")
    assert [box.take(), box.take(), box.take(), box.take()] == [b"e1", b"e2", b"p1", None]


def test_only_the_newest_position_frame_waits() -> None:
    box = Outbox()
    for i in range(5):
        box.put_positions(f"p{i}".encode())
    assert box.take() == b"p4"
    assert box.take() is None
    assert box.positions_dropped == 4


def test_a_client_that_lets_events_pile_up_overflows_and_loses_none_silently() -> None:
    box = Outbox(max_events=3)
    assert all(box.put_event(f"e{i}".encode()) for i in range(3))
    assert not box.put_event(b"e3")
    assert box.overflowed
    assert not box.put_event(b"e4")


def test_next_waits_for_a_frame_and_ends_when_closed() -> None:
    async def scenario() -> list[bytes | None]:
        box = Outbox()
        got: list[bytes | None] = []

        async def reader() -> None:
            while (frame := await box.next()) is not None:
                got.append(frame)
            got.append(None)

        task = asyncio.create_task(reader())
        await asyncio.sleep(0)
        box.put_event(b"e1")
        await asyncio.sleep(0)
        box.put_positions(b"p1")
        await asyncio.sleep(0)
        box.close()
        await asyncio.wait_for(task, 1)
        return got

    assert asyncio.run(scenario()) == [b"e1", b"p1", None]
