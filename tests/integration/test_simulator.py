"""The simulator against a real server, seen from a dispatcher's console.

The simulator only speaks the protocol, so these tests watch what a console would see:
positions moving, reports arriving, departments signing and feeding back, supervisors
verifying, cases closing with a complete history.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from backend.core import Core
from backend.server import GridServer
from backend.simulator.runner import SimConfig, SimulationError, run_simulation
from backend.store.database import Database
from models.calendar import SHANGHAI
from models.case import CaseState
from net.protocol import (
    CaseBody,
    CaseChanged,
    Event,
    HistoryResult,
    PositionFrame,
    QueryHistory,
    UnitChanged,
)
from tests.integration.peer import Peer, new_id
from tests.integration.server_fixtures import city_of, copy_sqlite, running_server

ROOT = Path(__file__).resolve().parents[2]
LOOP = ["report", "accept", "file", "dispatch_single", "department_accept", "feedback"]


@pytest.fixture
def db_url(seeded_template: Path, tmp_path: Path) -> str:
    return copy_sqlite(seeded_template, tmp_path / "grid.db")


def morning() -> datetime:
    """Half past nine this morning in Shanghai: the day crew is out, reports are many."""
    local = datetime.now(SHANGHAI).replace(hour=9, minute=30, second=0, microsecond=0)
    return local.astimezone(UTC)


@contextlib.asynccontextmanager
async def serving_on(db_url: str, port: int) -> AsyncIterator[str]:
    """A server on a given port (``running_server`` picks a free one): a restart."""
    db = Database.open(db_url)
    core = Core(db)
    await core.start()
    try:
        async with GridServer(core).serving("127.0.0.1", port):
            yield f"ws://127.0.0.1:{port}"
    finally:
        await core.stop()
        db.close()


def is_subsequence(needles: list[str], haystack: list[str]) -> bool:
    it = iter(haystack)
    return all(any(n == h for h in it) for n in needles)


def case_events(peer: Peer) -> list[CaseChanged]:
    return [m.body for m in peer.events() if isinstance(m.body, CaseChanged)]


def test_the_simulated_city_lives_on_a_console(db_url: str) -> None:
    city = city_of(db_url)

    async def scenario() -> None:
        async with running_server(db_url) as srv:
            console = await Peer.connect(srv.url, "operator")
            await console.signed_in()
            await console.synced()
            stop = asyncio.Event()
            config = SimConfig(
                speed=1200, seed=3, start=morning(), daily_reports=300, stats_every=5
            )
            simulation = asyncio.create_task(run_simulation(srv.url, config, city=city, stop=stop))
            try:
                closed = await console.wait_for(
                    lambda m: (
                        isinstance(m, Event)
                        and isinstance(m.body, CaseChanged)
                        and m.body.entry.move == "verify_pass"
                    ),
                    timeout=45,
                )
                await asyncio.sleep(5)  # a few more seconds of city life
            finally:
                stop.set()
                stats = await asyncio.wait_for(simulation, 20)

            # Positions: many units, moving.
            frames = console.of_type(PositionFrame)
            seen_units = {u for f in frames for u in f.unit_ids}
            assert len(seen_units) >= 100, len(seen_units)
            first: dict[str, tuple[float, float]] = {}
            moved = set()
            for frame in frames:
                for unit, lon, lat in zip(frame.unit_ids, frame.lons, frame.lats, strict=True):
                    if first.setdefault(unit, (lon, lat)) != (lon, lat):
                        moved.add(unit)
            assert len(moved) >= 50, len(moved)

            # Statuses: the shifts and the tasks show on the unit board.
            statuses = Counter(
                m.body.unit.status.value
                for m in console.events()
                if isinstance(m.body, UnitChanged)
            )
            assert statuses["off_duty"] > 0
            assert statuses["en_route"] > 0
            assert statuses["busy"] + statuses["on_scene"] > 0

            # Cases: reported by terminals and the centre, worked by departments, verified.
            changes = case_events(console)
            moves = Counter(c.entry.move for c in changes)
            reports = [c for c in changes if c.entry.move == "report"]
            assert len(reports) >= 20
            assert all(c.entry.terminal.startswith("simulator:sim-") for c in reports)
            assert {c.case.source.value for c in reports} >= {"hotline", "patrol"}
            assert moves["department_accept"] > 0
            assert moves["feedback"] > 0
            assert moves["verify_pass"] > 0
            signers = {c.entry.actor_id for c in changes if c.entry.move == "department_accept"}
            assert all(s.startswith("dept-") for s in signers)
            verifiers = {c.entry.actor_id for c in changes if c.entry.move == "verify_pass"}
            assert verifiers == {"field"}
            # Some reports are left for the human dispatcher.
            untouched = {c.case.id for c in reports} - {
                c.case.id for c in changes if c.entry.move != "report"
            }
            assert untouched

            # A closed case has the whole loop in its history.
            assert isinstance(closed, Event)
            assert isinstance(closed.body, CaseBody)
            case = closed.body.case
            assert case.state is CaseState.CLOSED
            history = await console.request(QueryHistory(id=new_id(), case_id=case.id))
            assert isinstance(history, HistoryResult)
            names = [e.move for e in history.entries]
            assert names[0] == "report"
            assert names[-1] == "verify_pass"
            assert is_subsequence(["accept", "file"], names)
            assert is_subsequence(["department_accept", "feedback", "verify_pass"], names)

            assert stats.units == 300
            assert stats.fixes_sent > 0
            # Refusals are logged, not fatal; the simulator's own moves are almost all legal.
            assert stats.requests_refused <= 0.02 * stats.requests_sent, stats.refused_by_code
            await console.close()

    asyncio.run(asyncio.wait_for(scenario(), 90))


def test_a_server_with_another_map_is_refused_clearly(db_url: str) -> None:
    async def scenario() -> None:
        async with running_server(db_url) as srv:
            # A demo city of another size is not the map this server holds.
            config = SimConfig(speed=60, city_cells=800)
            with pytest.raises(SimulationError, match="map"):
                await asyncio.wait_for(run_simulation(srv.url, config), 30)

    asyncio.run(asyncio.wait_for(scenario(), 60))


def test_the_simulator_keeps_going_when_the_server_restarts(db_url: str) -> None:
    city = city_of(db_url)

    async def scenario() -> None:
        stop = asyncio.Event()
        config = SimConfig(speed=600, seed=5, start=morning(), daily_reports=600)
        async with running_server(db_url) as srv:
            simulation = asyncio.create_task(run_simulation(srv.url, config, city=city, stop=stop))
            console = await Peer.connect(srv.url, "operator")
            await console.signed_in()
            await console.wait_for(lambda m: isinstance(m, PositionFrame), timeout=20)
            await console.close()
            port = srv.url.rsplit(":", 1)[1]
        # The server is gone; the simulator waits and knocks again on the same port.
        await asyncio.sleep(1.5)
        assert not simulation.done()
        async with serving_on(db_url, int(port)) as url:
            console = await Peer.connect(url, "operator")
            await console.signed_in()
            await console.synced()
            report = await console.wait_for(
                lambda m: (
                    isinstance(m, Event)
                    and isinstance(m.body, CaseChanged)
                    and m.body.entry.move == "report"
                ),
                timeout=30,
            )
            assert report is not None
            await console.wait_for(lambda m: isinstance(m, PositionFrame), timeout=20)
            stop.set()
            await asyncio.wait_for(simulation, 20)
            await console.close()

    asyncio.run(asyncio.wait_for(scenario(), 90))


async def _read_lines(stream: asyncio.StreamReader, lines: list[str]) -> None:
    while line := await stream.readline():
        lines.append(line.decode("utf-8", "replace"))


def test_serve_demo_runs_the_simulator(tmp_path: Path) -> None:
    async def scenario() -> None:
        env = {k: v for k, v in os.environ.items() if k != "GRID_DB_URL"}
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "backend",
            "serve",
            "--demo",
            "--port",
            "0",
            "--sim-speed",
            "300",
            "--db",
            f"sqlite:///{tmp_path / 'demo.db'}",
            cwd=ROOT,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        assert process.stdout is not None
        lines: list[str] = []
        reader = asyncio.create_task(_read_lines(process.stdout, lines))
        try:
            async with asyncio.timeout(60):
                while not any(line.startswith("listening on ") for line in lines):
                    assert process.returncode is None, "".join(lines)
                    await asyncio.sleep(0.1)
            url = next(line for line in lines if line.startswith("listening on ")).split()[-1]
            console = await Peer.connect(url, "operator")
            await console.signed_in()
            await console.synced()
            frame = await console.wait_for(lambda m: isinstance(m, PositionFrame), timeout=30)
            assert isinstance(frame, PositionFrame)
            assert len(frame.unit_ids) > 100
            report = await console.wait_for(
                lambda m: (
                    isinstance(m, Event)
                    and isinstance(m.body, CaseChanged)
                    and m.body.entry.move == "report"
                ),
                timeout=30,
            )
            assert isinstance(report, Event)
            await console.close()
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
            try:
                code = await asyncio.wait_for(process.wait(), 20)
            except TimeoutError:
                process.kill()
                code = await process.wait()
            await reader
        output = "".join(lines)
        assert code == 0, output[-3000:]
        assert "Traceback" not in output, output[-3000:]
        assert "ERROR" not in output, output[-3000:]

    asyncio.run(asyncio.wait_for(scenario(), 120))


def test_the_simulate_command_runs_against_a_server(db_url: str) -> None:
    async def scenario() -> None:
        async with running_server(db_url) as srv:
            console = await Peer.connect(srv.url, "operator")
            await console.signed_in()
            await console.synced()
            env = {k: v for k, v in os.environ.items() if k != "GRID_DB_URL"}
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "backend",
                "simulate",
                "--url",
                srv.url,
                "--db",
                db_url,  # the small test city: its map comes from the database
                "--speed",
                "600",
                "--daily-reports",
                "2000",
                "--start",
                "10:00",
                "--duration",
                "8",
                cwd=ROOT,
                env=env,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
            out, err = await asyncio.wait_for(process.communicate(), 60)
            assert process.returncode == 0, err.decode()[-3000:]
            summary = out.decode()
            assert "300 units" in summary, summary
            assert "Traceback" not in err.decode()
            reports = [c for c in case_events(console) if c.entry.move == "report"]
            assert reports
            await console.close()

    asyncio.run(asyncio.wait_for(scenario(), 90))
