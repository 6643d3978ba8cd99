"""The simulation: its connections, and the tick that moves the city on.

Everything goes over the protocol, as real terminals and departments do; nothing touches
the store. The connections:

* ``field`` (:class:`~backend.simulator.desk.Desk`, client ``sim-field``): the field
  terminals' requests (status changes, reports from patrol, volunteers and workstations,
  answers to joint-operation orders) and the grid supervisors' verifications. Its
  snapshot also tells the simulator which units exist and which map the server has.
* ``field`` again (:class:`~backend.simulator.feed.PositionFeed`, ``sim-positions``): one
  position batch per tick for every unit on duty.
* ``operator`` (``sim-operator``): reports taken at the centre (12345 calls, video) and
  the auto-operator's accept, file and dispatch.
* ``dept-<code>`` for each department (``sim-dept-<code>``): sign for, return and feed
  back the orders their events show.

Each tick (one real second by default) the simulated clock moves on by ``speed`` seconds:
shifts and breaks change statuses, units move, the reports due are made.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import ssl as ssl_module
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from backend.simulator.actors import (
    Behaviour,
    Step,
    StepKind,
    department_step,
    operator_step,
    verifier_step,
)
from backend.simulator.calibration import Calibration, load_calibration
from backend.simulator.clock import SimClock
from backend.simulator.desk import Desk
from backend.simulator.feed import PositionFeed
from backend.simulator.field import FieldForce
from backend.simulator.joint import JointResponder
from backend.simulator.plan import build_graph
from backend.simulator.reports import CENTRE_SOURCES, ReportPlan
from models.calendar import SHANGHAI
from models.case import Case
from models.catalogue import Catalogue, load_catalogue
from models.demo_city import generate_demo_city
from models.geography import CityMap
from models.org import Unit, UnitStatus
from net.client import Answer, GridClient
from net.protocol import JointCommand, PositionBatch, Report

log = logging.getLogger(__name__)

DEMO_PASSWORD = "grid-demo-2026"
"""The demo users' password (``backend.demo.DEMO_PASSWORD``; not imported, so that the
simulator does not pull in the store)."""

VERIFIERS_DEPARTMENT = "WGLQ"
"""Grid supervisors belong to the joint-patrol force (网格联勤队伍)."""

UNITS_OF: dict[str, str] = {"LQLD": "WGLQ"}
"""Whose units go out for a department's orders: the joint-action office convenes the
joint-patrol force; every other department sends its own (if it has field forces)."""

WAIT_NOTICE = 10.0
"""Seconds between notices while the server cannot be reached at start."""

MAX_BATCH = 4_000
"""Fixes per position batch: well under the protocol's 10,000 and its 1 MiB frame."""


class SimulationError(Exception):
    """The simulation cannot run (unknown map, refused sign-in...); the message says why."""


@dataclass(frozen=True)
class SimConfig:
    """How to run the simulation.

    Attributes:
        speed: Simulated seconds per real second.
        seed: Seeds every random choice; the same seed gives the same plan.
        tick: Real seconds between ticks (one position batch each).
        duration: Real seconds to run from the start (waiting for the server included);
            ``None``: until stopped or cancelled.
        start: Simulated start instant; ``None``: now.
        daily_reports: Reports per simulated day; ``None``: the calibration's.
        behaviour: How the simulated people behave.
        password: The demo users' password.
        city_seed: Seed of the demo city to regenerate when no map is given.
        city_cells: Its number of cells.
        stats_every: Real seconds between progress lines in the log.
    """

    speed: float = 60.0
    seed: int = 7
    tick: float = 1.0
    duration: float | None = None
    start: datetime | None = None
    daily_reports: float | None = None
    behaviour: Behaviour = field(default_factory=Behaviour)
    password: str = DEMO_PASSWORD
    city_seed: int = 2026
    city_cells: int = 5000
    stats_every: float = 60.0


@dataclass
class SimStats:
    """What a run did (also logged every ``stats_every`` seconds)."""

    units: int = 0
    on_duty: int = 0
    ticks: int = 0
    fixes_sent: int = 0
    reports_made: int = 0
    status_changes: int = 0
    joint_moves: int = 0
    requests_sent: int = 0
    requests_refused: int = 0
    refused_by_code: dict[str, int] = field(default_factory=dict)
    real_seconds: float = 0.0
    simulated_until: datetime | None = None

    @property
    def fixes_per_second(self) -> float:
        return self.fixes_sent / self.real_seconds if self.real_seconds else 0.0


class Simulation:
    """One run of the simulated city against a server.

    Args:
        url: ``ws://host:port`` or ``wss://``.
        config: Speed, seed, behaviour...
        city: The server's map; ``None``: regenerate the demo city (``config.city_seed``,
            ``config.city_cells``) and check it is the server's by its version.
        ssl: TLS context for ``wss``.
        catalogue: The category catalogue (default: the shipped one).
        calibration: Report calibration (default: the shipped one).
    """

    def __init__(
        self,
        url: str,
        config: SimConfig | None = None,
        *,
        city: CityMap | None = None,
        ssl: ssl_module.SSLContext | None = None,
        catalogue: Catalogue | None = None,
        calibration: Calibration | None = None,
    ) -> None:
        self.url = url
        self.config = config or SimConfig()
        self.ssl = ssl
        self.catalogue = catalogue or load_catalogue()
        calibration = calibration or load_calibration(catalogue=self.catalogue)
        if self.config.daily_reports is not None:
            calibration = calibration.with_daily_reports(self.config.daily_reports)
        self.calibration = calibration
        self.city = city
        self.clock = SimClock(self.config.start or datetime.now(UTC), self.config.speed)
        self.stats = SimStats()
        self.field: FieldForce | None = None
        self.joint = JointResponder(self.config.behaviour, self.config.seed)
        self.desks: list[Desk] = []
        self.feed = PositionFeed(url, "field", self.config.password, ssl=ssl)
        self._first_units: asyncio.Future[tuple[list[Unit], str]] | None = None
        self._tasks: list[asyncio.Task[None]] = []

    # -- connections

    def _client(self, user: str) -> GridClient:
        return GridClient(
            self.url,
            user,
            self.config.password,
            client_kind="simulator",
            client_id=f"sim-{user}",
            ssl=self.ssl,
        )

    def _start(self, desk: Desk) -> Desk:
        self.desks.append(desk)
        self._tasks.append(asyncio.create_task(desk.run(), name=f"sim-{desk.name}"))
        return desk

    # -- running

    async def run(self, stop: asyncio.Event | None = None) -> SimStats:
        """Run until ``stop`` is set, ``config.duration`` has passed, or cancellation.

        Raises:
            SimulationError: the field user cannot sign in, or the server's map is not
                the one the simulator has.
        """
        config, behaviour, seed = self.config, self.config.behaviour, self.config.seed
        self._first_units = asyncio.get_running_loop().create_future()
        started = time.monotonic()
        field_desk = self._start(
            Desk(
                "field",
                self._client("field"),
                self.clock,
                lambda case: verifier_step(case, "field", behaviour, seed),
                on_planned=self._verifier_planned,
                on_done=self._verifier_done,
                on_units=self._units_seen,
                on_joint=self.joint.observe,
            )
        )
        try:
            found = await self._wait_for_units(field_desk, stop, started)
            if found is None:
                return self.stats
            units, map_version = found
            city = self._city(map_version)
            self.field = FieldForce(build_graph(city), units, seed)
            self.stats.units = self.field.size
            operator = self._start(
                Desk(
                    "operator",
                    self._client("operator"),
                    self.clock,
                    lambda case: operator_step(case, behaviour, seed),
                )
            )
            for code in self.catalogue.departments:
                self._start(self._department_desk(code))
            self._tasks.append(asyncio.create_task(self.feed.run(), name="sim-positions"))
            log.info(
                "simulator: %d units over %d streets/towns, ×%g, seed %d, %g reports/day, "
                "auto-dispatch %.0f%%",
                self.field.size,
                len(city.streets),
                config.speed,
                seed,
                self.calibration.daily_reports,
                100 * behaviour.auto_dispatch,
            )
            # Simulated time starts when the city starts moving, not when we began to wait.
            self.clock.restart(config.start or datetime.now(UTC))
            deadline = None if config.duration is None else started + config.duration
            await self._tick_loop(city, field_desk, operator, stop, deadline)
        finally:
            await self._shutdown()
        return self.stats

    async def _wait_for_units(
        self, field_desk: Desk, stop: asyncio.Event | None, started: float
    ) -> tuple[list[Unit], str] | None:
        """The units and map version of the field user's first snapshot.

        ``None`` when told to stop (or the duration ran out) before the server answered.
        """
        assert self._first_units is not None
        watchers = [asyncio.create_task(field_desk.stopped.wait())]
        if stop is not None:
            watchers.append(asyncio.create_task(stop.wait()))
        waiters: set[asyncio.Future[Any]] = {self._first_units, *watchers}
        try:
            while True:
                timeout = WAIT_NOTICE
                if self.config.duration is not None:
                    left = self.config.duration - (time.monotonic() - started)
                    if left <= 0:
                        return None
                    timeout = min(timeout, left)
                done, _ = await asyncio.wait(
                    waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
                )
                if done:
                    break
                log.warning("simulator: waiting for the server at %s", self.url)
        finally:
            for watcher in watchers:
                watcher.cancel()
            await asyncio.gather(*watchers, return_exceptions=True)
        if self._first_units.done():
            return self._first_units.result()
        if stop is not None and stop.is_set():
            return None
        raise SimulationError(
            f"the field user could not sign in at {self.url} (see the log): the "
            "simulator signs in as the demo users"
        )

    def _units_seen(self, units: list[Unit], map_version: str) -> None:
        if self.field is not None:
            self.field.observe(units)
        elif self._first_units is not None and not self._first_units.done():
            self._first_units.set_result((units, map_version))

    def _city(self, map_version: str) -> CityMap:
        city = self.city
        if city is None:
            city = generate_demo_city(
                seed=self.config.city_seed, target_cells=self.config.city_cells
            )
        if city.version != map_version:
            raise SimulationError(
                f"the server's map is version {map_version}, the simulator's {city.version}: "
                "pass the demo city's seed and cell count it was seeded with "
                "(--city-seed, --city-cells), or the database (--db)"
            )
        return city

    def _department_desk(self, code: str) -> Desk:
        behaviour, seed, catalogue = self.config.behaviour, self.config.seed, self.catalogue
        units_of = UNITS_OF.get(code, code)

        def planned(case: Case, step: Step) -> None:
            if step.kind is StepKind.FEEDBACK and self.field is not None:
                loc = case.location
                self.field.assign(
                    ("dept", case.id), units_of, loc.cell_code, loc.lon, loc.lat, UnitStatus.BUSY
                )

        def done(case: Case, step: Step, ok: bool) -> None:
            if step.kind in (StepKind.FEEDBACK, StepKind.RETURN) and self.field is not None:
                self.field.release(("dept", case.id))

        return Desk(
            f"dept-{code.lower()}",
            self._client(f"dept-{code.lower()}"),
            self.clock,
            lambda case: department_step(case, code, behaviour, seed, catalogue),
            on_planned=planned,
            on_done=done,
        )

    def _verifier_planned(self, case: Case, step: Step) -> None:
        if self.field is not None:
            loc = case.location
            self.field.assign(
                ("verify", case.id),
                VERIFIERS_DEPARTMENT,
                loc.cell_code,
                loc.lon,
                loc.lat,
                UnitStatus.ON_SCENE,
            )

    def _verifier_done(self, case: Case, step: Step, ok: bool) -> None:
        if self.field is not None:
            self.field.release(("verify", case.id))

    # -- the tick

    async def _tick_loop(
        self,
        city: CityMap,
        field_desk: Desk,
        operator: Desk,
        stop: asyncio.Event | None,
        deadline: float | None,
    ) -> None:
        assert self.field is not None
        config = self.config
        plan = ReportPlan(self.calibration, city, config.seed)
        started = next_tick = last_stats = time.monotonic()
        previous = self.clock.now()
        while stop is None or not stop.is_set():
            next_tick += config.tick
            await self._sleep_until(next_tick, stop)
            now = self.clock.now()
            seconds = (now - previous).total_seconds()
            for unit_id, status in self.field.advance(now, seconds):
                field_desk.queue_status(unit_id, status)
                self.stats.status_changes += 1
            for command in self.joint.tick(now, self.field):
                self._send_joint(field_desk, command)
            self.feed.offer(self._batches())
            for planned in plan.between(previous, now):
                report = Report(id="", report=planned.to_report(city, self.catalogue))
                desk = operator if planned.source in CENTRE_SOURCES else field_desk
                desk.submit(report, f"{planned.source} report of {planned.category}")
                self.stats.reports_made += 1
            previous = now
            self.stats.ticks += 1
            elapsed = time.monotonic() - started
            self._update_stats(elapsed, now)
            if time.monotonic() - last_stats >= config.stats_every:
                last_stats = time.monotonic()
                self._log_stats()
            if deadline is not None and time.monotonic() >= deadline:
                break

    def _send_joint(self, desk: Desk, command: JointCommand) -> None:
        """Send a unit's answer to its order; once answered, it may be decided again."""
        move = command.move
        assert command.operation_id is not None
        op_id, unit_id = command.operation_id, getattr(move, "unit_id", "")
        name = str(move.__struct_config__.tag)

        def answered(answer: Answer | None) -> None:
            self.joint.answered(op_id, unit_id, name)

        desk.submit(command, f"{name} of {unit_id} in joint operation {op_id}", answered)
        self.stats.joint_moves += 1

    def _batches(self) -> list[PositionBatch]:
        assert self.field is not None
        batch = self.field.batch(datetime.now(UTC))
        if batch is None:
            return []
        n = len(batch.unit_ids)
        if n <= MAX_BATCH:
            return [batch]
        return [
            PositionBatch(
                unit_ids=batch.unit_ids[i : i + MAX_BATCH],
                at=batch.at[i : i + MAX_BATCH],
                lons=batch.lons[i : i + MAX_BATCH],
                lats=batch.lats[i : i + MAX_BATCH],
                speeds=(batch.speeds or [])[i : i + MAX_BATCH],
                headings=(batch.headings or [])[i : i + MAX_BATCH],
            )
            for i in range(0, n, MAX_BATCH)
        ]

    @staticmethod
    async def _sleep_until(deadline: float, stop: asyncio.Event | None) -> None:
        wait = max(0.0, deadline - time.monotonic())
        if stop is None:
            await asyncio.sleep(wait)
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), wait)

    def _update_stats(self, elapsed: float, now: datetime) -> None:
        assert self.field is not None
        stats = self.stats
        stats.real_seconds = elapsed
        stats.simulated_until = now
        stats.on_duty = int(self.field.on_duty().size)
        stats.fixes_sent = self.feed.fixes_sent
        stats.requests_sent = sum(d.stats.sent for d in self.desks)
        stats.requests_refused = sum(d.stats.refused for d in self.desks)
        codes: dict[str, int] = {}
        for desk in self.desks:
            for code, n in desk.stats.by_code.items():
                codes[code] = codes.get(code, 0) + n
        stats.refused_by_code = codes

    def _log_stats(self) -> None:
        s = self.stats
        local = s.simulated_until.astimezone(SHANGHAI) if s.simulated_until else None
        log.info(
            "simulator: %s local, %d/%d units on duty, %.0f fixes/s, %d reports, "
            "%d requests (%d refused)",
            local.strftime("%Y-%m-%d %H:%M") if local else "-",
            s.on_duty,
            s.units,
            s.fixes_per_second,
            s.reports_made,
            s.requests_sent,
            s.requests_refused,
        )

    async def _shutdown(self) -> None:
        """Sign every connection out, then stop the tasks (also when cancelled)."""
        await self.feed.close()
        await asyncio.gather(*(d.close() for d in self.desks), return_exceptions=True)
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)


async def run_simulation(
    url: str,
    config: SimConfig | None = None,
    *,
    city: CityMap | None = None,
    ssl: ssl_module.SSLContext | None = None,
    stop: asyncio.Event | None = None,
) -> SimStats:
    """Run a :class:`Simulation` until ``stop``, its duration, or cancellation."""
    return await Simulation(url, config, city=city, ssl=ssl).run(stop)


async def simulate_until_signalled(
    url: str,
    config: SimConfig,
    *,
    city: CityMap | None = None,
    ssl: ssl_module.SSLContext | None = None,
) -> SimStats:
    """:func:`run_simulation` that stops cleanly on SIGINT or SIGTERM (the CLI's)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    return await run_simulation(url, config, city=city, ssl=ssl, stop=stop)


def loopback_url(listening: str) -> str:
    """The URL to reach a server that announced ``listening`` from the same machine."""
    scheme, _, rest = listening.partition("://")
    host, _, port = rest.rpartition(":")
    if host in ("0.0.0.0", "::", "[::]", ""):
        host = "127.0.0.1"
    return f"{scheme}://{host}:{port}"


async def serve_with_simulator(
    serve: Callable[[Callable[[str], None], asyncio.Event], Coroutine[Any, Any, None]],
    config: SimConfig,
    *,
    city: CityMap | None = None,
    ssl: ssl_module.SSLContext | None = None,
    announce: Callable[[str], None] = print,
) -> None:
    """Run a server and, once it listens, the simulator against it, in this process.

    Args:
        serve: Starts the server: called with an ``announce`` callback (which receives
            ``listening on ws://HOST:PORT``) and the server's stop event; returns the
            server's coroutine (``backend.server.run_server`` with those two filled in).
        config: The simulation's configuration.
        city: The server's map (read from its database).
        ssl: TLS context for the simulator's connections (``wss``).
        announce: Where the server's lines go (stdout).
    """
    stop = asyncio.Event()
    listening: asyncio.Future[str] = asyncio.get_running_loop().create_future()

    def heard(line: str) -> None:
        announce(line)
        if line.startswith("listening on ") and not listening.done():
            listening.set_result(line.removeprefix("listening on ").strip())

    server = asyncio.create_task(serve(heard, stop))
    waiters: set[asyncio.Future[Any]] = {server, listening}
    await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    if server.done():
        listening.cancel()
        await server  # it failed before listening: let its error out
        return
    simulation = asyncio.create_task(
        run_simulation(loopback_url(listening.result()), config, city=city, ssl=ssl, stop=stop)
    )
    try:
        # The server returns once its stop event is set (SIGINT/SIGTERM); the simulation
        # watches the same event and signs out meanwhile.
        running: set[asyncio.Future[Any]] = {server, simulation}
        await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
        if simulation.done() and simulation.exception() is not None:
            log.error("simulator stopped: %s", simulation.exception())
        await server
    finally:
        stop.set()
        simulation.cancel()
        await asyncio.gather(simulation, return_exceptions=True)
        if not server.done():
            server.cancel()
            await asyncio.gather(server, return_exceptions=True)
