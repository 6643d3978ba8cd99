"""A seeded demo database and a real server on port 0, for the server's tests."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from backend.core import Core, CoreConfig
from backend.demo import seed_demo
from backend.server import GridServer
from backend.services.clock import Clock, utc_now
from backend.store.database import Database
from backend.store.migrate import upgrade
from backend.store.reference import load_city
from models.catalogue import load_catalogue
from models.geography import CityMap


def make_seeded_sqlite(path: Path) -> str:
    """A small seeded demo city (500 cells, 300 units) in a SQLite file."""
    url = f"sqlite:///{path}"
    db = Database.open(url)
    try:
        upgrade(db)
        seed_demo(
            db,
            load_catalogue(),
            units=300,
            target_cells=500,
            hasher=PasswordHasher(time_cost=1, memory_cost=8, parallelism=1),
        )
    finally:
        db.close()
    return url


def copy_sqlite(template: Path, target: Path) -> str:
    shutil.copyfile(template, target)
    return f"sqlite:///{target}"


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeded demo city, built once; each test serves a copy of it (``copy_sqlite``).

    A module whose tests need more (another user) defines its own ``seeded_template``.
    """
    path = tmp_path_factory.mktemp("seed") / "template.db"
    make_seeded_sqlite(path)
    return path


def city_of(url: str) -> CityMap:
    """The grid map stored in the database at ``url``."""
    db = Database.open(url)
    try:
        city = load_city(db)
    finally:
        db.close()
    assert city is not None
    return city


@dataclass
class Running:
    core: Core
    server: GridServer
    url: str


@contextlib.asynccontextmanager
async def running_server(
    db_url: str, config: CoreConfig | None = None, clock: Clock = utc_now
) -> AsyncIterator[Running]:
    db = Database.open(db_url)
    core = Core(db, config, clock=clock)
    await core.start()
    grid = GridServer(core)
    try:
        async with grid.serving("127.0.0.1", 0) as server:
            port = next(iter(server.sockets)).getsockname()[1]
            yield Running(core, grid, f"ws://127.0.0.1:{port}")
    finally:
        await core.stop()
        db.close()
