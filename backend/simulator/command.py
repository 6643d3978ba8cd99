"""The simulator's command line: ``python -m backend simulate`` and ``serve --demo``.

``backend/cli.py`` owns the program and its other commands; it hands the ``simulate``
options and the ``serve --demo`` hook to the functions here. Problems the user can fix
raise :class:`~backend.simulator.runner.SimulationError` with a one-line message.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import ssl
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from backend.server import run_server
from backend.simulator.actors import Behaviour
from backend.simulator.runner import (
    DEMO_PASSWORD,
    SimConfig,
    SimulationError,
    serve_with_simulator,
    simulate_until_signalled,
)
from backend.store.database import Database
from backend.store.reference import load_city
from models.calendar import SHANGHAI
from models.geography import CityMap

PASSWORD_VARIABLE = "GRID_SIM_PASSWORD"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``simulate`` options (``--db`` is added by the CLI, as for every command)."""
    parser.add_argument("--url", default="ws://127.0.0.1:8765", help="server (default %(default)s)")
    parser.add_argument("--speed", type=float, default=60.0, help="simulated seconds per second")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument("--duration", type=float, default=None, help="real seconds to run")
    parser.add_argument(
        "--auto-dispatch",
        type=float,
        default=0.7,
        help="share of new reports the simulated operator takes through to dispatch; the "
        "rest wait for a human dispatcher (default 0.7)",
    )
    parser.add_argument("--daily-reports", type=float, default=None, help="reports per day")
    parser.add_argument("--start", default=None, help="simulated start: HH:MM, Shanghai, today")
    parser.add_argument("--tick", type=float, default=1.0, help="seconds between position fixes")
    parser.add_argument("--city-seed", type=int, default=2026, help="seed of the demo city map")
    parser.add_argument("--city-cells", type=int, default=5000, help="cells of the demo city map")


def _start(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        hour, minute = (int(part) for part in text.split(":"))
        local = datetime.now(SHANGHAI).replace(hour=hour, minute=minute, second=0, microsecond=0)
    except ValueError:
        raise SimulationError(f"--start {text!r} is not HH:MM") from None
    return local.astimezone(UTC)


def _map_from(db_url: str) -> CityMap:
    db = Database.open(db_url)
    try:
        city = load_city(db)
    finally:
        db.close()
    if city is None:
        raise SimulationError(f"database {db.display_url} holds no grid map")
    return city


def simulate(args: argparse.Namespace) -> str:
    """Run ``simulate`` until Ctrl-C, SIGTERM or ``--duration``; return a summary line."""
    if not args.speed > 0 or not args.tick > 0:
        raise SimulationError("--speed and --tick must be positive")
    if not 0.0 <= args.auto_dispatch <= 1.0:
        raise SimulationError("--auto-dispatch is a share from 0 to 1")
    config = SimConfig(
        speed=args.speed,
        seed=args.seed,
        tick=args.tick,
        duration=args.duration,
        start=_start(args.start),
        daily_reports=args.daily_reports,
        behaviour=Behaviour(auto_dispatch=args.auto_dispatch),
        password=os.environ.get(PASSWORD_VARIABLE) or DEMO_PASSWORD,
        city_seed=args.city_seed,
        city_cells=args.city_cells,
    )
    city = _map_from(args.db) if args.db is not None else None
    stats = asyncio.run(simulate_until_signalled(args.url, config, city=city))
    if stats.units == 0:
        return f"stopped before the server at {args.url} answered"
    return (
        f"simulated {stats.real_seconds:.0f} s: {stats.units} units, "
        f"{stats.fixes_per_second:.0f} fixes/s, {stats.reports_made} reports, "
        f"{stats.requests_sent} requests ({stats.requests_refused} refused)"
    )


def serve_demo(
    db_url: str,
    host: str,
    port: int,
    *,
    tls: ssl.SSLContext | None,
    tls_cert: Path | None,
    speed: float,
    announce: Callable[[str], None],
) -> None:
    """``serve --demo``: the server, and the simulator in-process once it listens.

    The map comes from the server's database (read once, before serving): it is the
    server's own reference data, so the simulator needs no assumption about the seed.
    """
    city = _map_from(db_url)
    client_tls = None
    if tls_cert is not None:
        # Our own server on this machine: trust its certificate, whatever name it bears.
        client_tls = ssl.create_default_context(cafile=str(tls_cert))
        client_tls.check_hostname = False
    asyncio.run(
        serve_with_simulator(
            lambda heard, stop: run_server(db_url, host, port, tls=tls, announce=heard, stop=stop),
            SimConfig(speed=speed),
            city=city,
            ssl=client_tls,
            announce=announce,
        )
    )
