"""End to end, as a user runs it: ``main.py``'s console over the embedded backend process.

Start the backend child (demo city, simulator), sign in as the demo dispatcher, see units
and cases arrive in the tables; kill the backend: the indicator goes offline and the last
state stays on screen; start it again: the console resumes with no case missing or doubled.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
import qasync
from pytestqt.qtbot import QtBot

from backend.demo import DEMO_PASSWORD as SEEDED_PASSWORD
from console.embedded import DEMO_PASSWORD, EmbeddedBackend
from console.item_models import ID_ROLE
from main import Console
from net.client import ClientStatus
from tests.gui.console_harness import shown_console, until


def test_the_console_knows_the_demo_password_the_seed_gives() -> None:
    assert DEMO_PASSWORD == SEEDED_PASSWORD


@pytest.fixture
def backend(tmp_path: Path) -> Iterator[EmbeddedBackend]:
    child = EmbeddedBackend(database=tmp_path / "embedded.db")
    yield child
    child.stop()


def case_ids_shown(console: Console) -> list[int]:
    model = console.cases
    return [model.index(row, 0).data(ID_ROLE) for row in range(model.rowCount())]


def test_embedded_backend_killed_and_restarted_the_console_resumes(
    backend: EmbeddedBackend, loop: qasync.QEventLoop, qtbot: QtBot
) -> None:
    url = backend.start()
    console = shown_console(qtbot, url)

    async def scenario() -> None:
        console.connection.start()
        store = console.store
        await until(lambda: store.synced and console.units.rowCount() >= 2000, timeout=30)
        # The simulator reports cases; they arrive in the queue.
        await until(lambda: console.cases.rowCount() >= 3, timeout=60)
        assert store.connection.status is ClientStatus.ONLINE
        online_text = console.indicator.texts[0]

        backend._process.kill()  # type: ignore[union-attr]  # as a crash would
        await until(lambda: store.connection.status is not ClientStatus.ONLINE, timeout=30)
        # Events that came in just before the drop may still wait for the next coalesced
        # flush (at most 1/30 s): take them in, then the screen must hold still.
        console.signals.flush()
        before_ids = set(case_ids_shown(console))
        rows, units = console.cases.rowCount(), console.units.rowCount()
        await asyncio.sleep(1.0)
        assert console.cases.rowCount() == rows, "the last state stays on screen"
        assert console.units.rowCount() == units
        await until(lambda: console.indicator.texts[0] != online_text, timeout=5)

        backend.start()  # same port: the console reconnects by itself
        await until(lambda: store.connection.status is ClientStatus.ONLINE and store.synced, 60)
        await until(lambda: console.cases.rowCount() > rows, timeout=60)
        await console.connection.close()
        console.signals.flush()  # hand the store's last changes to the models now
        shown = case_ids_shown(console)
        assert len(shown) == len(set(shown)), "no case doubled"
        assert before_ids <= set(shown), "no case missing"
        assert set(shown) == set(store.cases)

    loop.run_until_complete(asyncio.wait_for(scenario(), 240))
