"""Command line: ``python -m backend init-db | seed-demo | create-user | serve | simulate``.

Every command takes ``--db URL`` (default: ``$GRID_DB_URL``, else a SQLite file in the
user's data directory). Errors print one line naming what was wrong and exit with code 2;
nothing is half-written.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import ssl
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

from backend.demo import DEMO_PASSWORD, DEMO_USERS, is_seeded, seed_demo
from backend.server import run_server, tls_context
from backend.services.errors import AlreadyExists
from backend.services.users import UserService
from backend.simulator import command as simulator_command
from backend.simulator.runner import SimulationError
from backend.store.database import Database, DatabaseUrlError, default_url
from backend.store.migrate import SchemaError, check_schema, current_revision, upgrade
from backend.store.reference import sync_departments
from models.catalogue import load_catalogue
from models.errors import DomainError
from models.org import DISTRICT_SCOPE, Role

EXIT_ERROR = 2


class CliError(Exception):
    """A problem to report in one line (exit code 2)."""


def _db_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        metavar="URL",
        default=None,
        help="database URL: sqlite:///path/file.db or postgresql://user:pw@host:port/db "
        f"(default: $GRID_DB_URL, else {default_url()})",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (also documents the commands: ``--help``)."""
    parser = argparse.ArgumentParser(
        prog="python -m backend", description="Grid command-centre backend administration."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    init = commands.add_parser(
        "init-db",
        help="create or migrate the schema and load the catalogue's departments",
        description="Create or migrate the database schema to the current revision and "
        "load the category catalogue's departments. Safe to run again.",
    )
    _db_arg(init)

    roles = ", ".join(f"{uid} ({role.value})" for uid, _, role, _ in DEMO_USERS)
    seed = commands.add_parser(
        "seed-demo",
        help="fill an empty database with the demo city, teams, units and users",
        description="Initialise the database (as init-db) and fill it with the generated "
        "Pudong demo city (36 streets/towns, about 5,000 grid cells), teams of every "
        f"department with field forces, field units, and one user per role: {roles}. "
        f"Every demo user's password is '{DEMO_PASSWORD}'. Refuses a database that "
        "already holds a grid map.",
    )
    _db_arg(seed)
    seed.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    seed.add_argument("--units", type=int, default=2000, help="field units (default 2000)")
    seed.add_argument("--cells", type=int, default=5000, help="grid cells (default 5000)")

    user = commands.add_parser(
        "create-user",
        help="create a user account (password read from standard input)",
        description="Create a user. The password is read from the first line of "
        "standard input, e.g. `printf '%%s\\n' \"$PW\" | python -m backend create-user ...`.",
    )
    _db_arg(user)
    user.add_argument("--id", required=True, dest="user_id", help="login name")
    user.add_argument("--name", required=True, help="display name")
    user.add_argument("--role", required=True, help="one of: " + ", ".join(r.value for r in Role))
    user.add_argument(
        "--scope",
        default=DISTRICT_SCOPE,
        help=f"{DISTRICT_SCOPE} (whole district, default) or a street/town code",
    )
    user.add_argument("--department", default=None, help="department code (department users)")
    user.add_argument(
        "--password-stdin",
        action="store_true",
        required=True,
        help="read the password from standard input (required: never on the command line)",
    )
    serve = commands.add_parser(
        "serve",
        help="run the websocket server for consoles and terminals",
        description="Serve protocol v1 over websockets (wss with --tls-cert/--tls-key). "
        "Prints 'listening on ws://HOST:PORT' once bound; --port 0 picks a free port.",
    )
    _db_arg(serve)
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8765, help="port (default 8765; 0: any)")
    serve.add_argument("--tls-cert", type=Path, default=None, help="certificate chain (PEM)")
    serve.add_argument("--tls-key", type=Path, default=None, help="private key (PEM)")
    serve.add_argument(
        "--demo",
        action="store_true",
        help="initialise and seed an empty database with the demo city first, and run the "
        "simulator against the server once it listens",
    )
    serve.add_argument(
        "--exit-with-stdin",
        action="store_true",
        help="stop when standard input closes: an embedded backend ends with its console, "
        "even if the console is killed",
    )
    serve.add_argument(
        "--sim-speed", type=float, default=60.0, help="with --demo: simulated speed (default 60)"
    )
    simulate = commands.add_parser(
        "simulate",
        help="make the city live: field units, reports and departments over the protocol",
        description="Sign in to a server as the demo users (field terminals, the operator, "
        "one handler per department) and simulate the city: units moving and changing "
        "status with the shifts, reports with a calibrated daily rhythm, departments and "
        "supervisors answering. Stops on Ctrl-C or after --duration. The password is "
        "$GRID_SIM_PASSWORD, else the demo password; --db reads the map from a database.",
    )
    _db_arg(simulate)
    simulator_command.add_arguments(simulate)
    return parser


def _open(url: str | None) -> Database:
    return Database.open(url or os.environ.get("GRID_DB_URL") or default_url())


def init_db(db: Database) -> str:
    """Migrate ``db`` and synchronise departments; returns a line to print."""
    before = current_revision(db)
    upgrade(db)
    with db.transaction(write=True) as conn:
        added = sync_departments(conn, load_catalogue())
    after = current_revision(db)
    state = "created" if before is None else ("migrated" if before != after else "up to date")
    return (
        f"database {db.display_url}: schema {state} (revision {after}); {added} departments added"
    )


def _cmd_init(args: argparse.Namespace) -> None:
    db = _open(args.db)
    try:
        print(init_db(db))
    finally:
        db.close()


def _cmd_seed(args: argparse.Namespace) -> None:
    db = _open(args.db)
    try:
        print(init_db(db))
        try:
            summary = seed_demo(
                db, load_catalogue(), seed=args.seed, units=args.units, target_cells=args.cells
            )
        except AlreadyExists:
            raise CliError(
                f"database {db.display_url} already holds a grid map: seed-demo fills an "
                "empty database only; nothing was written"
            ) from None
    finally:
        db.close()
    print(
        f"seeded demo city {summary.city_version}: {summary.streets} streets/towns, "
        f"{summary.communities} communities, {summary.cells} cells, {summary.departments} "
        f"departments, {summary.teams} teams, {summary.units} units"
    )
    print(f"users: {', '.join(summary.users)}; password: {DEMO_PASSWORD}")


def _cmd_create_user(args: argparse.Namespace) -> None:
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise CliError("no password on standard input (give it as the first line)")
    db = _open(args.db)
    try:
        check_schema(db)
        user = UserService(db).create_user(
            args.user_id, args.name, args.role, args.scope, args.department, password
        )
    finally:
        db.close()
    print(f"created user {user.user_id} ({user.role.value}, scope {user.scope})")


def _cmd_serve(args: argparse.Namespace) -> None:
    if (args.tls_cert is None) != (args.tls_key is None):
        raise CliError("give both --tls-cert and --tls-key, or neither")
    tls = None
    if args.tls_cert is not None:
        try:
            tls = tls_context(args.tls_cert, args.tls_key)
        except (OSError, ssl.SSLError) as exc:
            raise CliError(f"cannot load the TLS certificate or key: {exc}") from None
    url = args.db or os.environ.get("GRID_DB_URL") or default_url()
    db = _open(url)
    try:
        if args.demo:
            print(init_db(db))
            if not is_seeded(db):
                seed_demo(db, load_catalogue())
                print(f"seeded the demo city; users' password: {DEMO_PASSWORD}")
        check_schema(db)
    finally:
        db.close()
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    if args.exit_with_stdin:
        _stop_when_stdin_closes()
    if args.demo:
        simulator_command.serve_demo(
            url,
            args.host,
            args.port,
            tls=tls,
            tls_cert=args.tls_cert,
            speed=args.sim_speed,
            announce=_announce,
        )
        return
    asyncio.run(run_server(url, args.host, args.port, tls=tls, announce=_announce))


def _cmd_simulate(args: argparse.Namespace) -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        print(simulator_command.simulate(args))
    except SimulationError as exc:
        raise CliError(str(exc)) from None


def _stop_when_stdin_closes() -> None:
    """Send ourselves SIGTERM when standard input reaches its end; the server's signal
    handler then shuts down cleanly (goodbyes sent, tracks flushed)."""

    def watch() -> None:
        while sys.stdin.buffer.read(4096):
            pass
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="stdin-watch", daemon=True).start()


def _announce(line: str) -> None:
    print(line, flush=True)


COMMANDS = {
    "init-db": _cmd_init,
    "seed-demo": _cmd_seed,
    "create-user": _cmd_create_user,
    "serve": _cmd_serve,
    "simulate": _cmd_simulate,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the process exit code."""
    args = build_parser().parse_args(argv)
    try:
        COMMANDS[args.command](args)
    except (CliError, DatabaseUrlError, SchemaError, DomainError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    return 0
