"""Fixtures of the store tests: the demo city, and a migrated database per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher

from backend.services.cases import CaseService
from backend.store.database import Database
from backend.store.migrate import upgrade
from backend.store.reference import save_city, sync_departments
from models.catalogue import Catalogue, load_catalogue
from models.cell_index import CellIndex
from models.deadlines import DeadlinePolicy, default_policy
from models.demo_city import generate_demo_city
from models.geography import CityMap

# The seeded demo city of the server tests (a module may define its own).
from tests.integration.server_fixtures import seeded_template  # noqa: F401
from tests.integration.support import StepClock


@pytest.fixture(scope="session")
def city() -> CityMap:
    return generate_demo_city()


@pytest.fixture(scope="session")
def cell_index(city: CityMap) -> CellIndex:
    return CellIndex(city.cells)


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return load_catalogue()


@pytest.fixture(scope="session")
def policy() -> DeadlinePolicy:
    return default_policy()


@pytest.fixture(scope="session")
def fast_hasher() -> PasswordHasher:
    """Cheap argon2 parameters: the tests check behaviour, not hashing strength."""
    return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    """A migrated, empty database (SQLite file, then PostgreSQL)."""
    database = Database.open(db_url)
    upgrade(database)
    yield database
    database.close()


@pytest.fixture(scope="session")
def small_city() -> CityMap:
    """The demo city with few cells (the same 36 streets): quick to store."""
    return generate_demo_city(target_cells=500)


@pytest.fixture
def db_with_city(db: Database, small_city: CityMap, catalogue: Catalogue) -> Database:
    """``db`` holding a small demo city and the catalogue's departments (no units, users)."""
    with db.transaction(write=True) as conn:
        sync_departments(conn, catalogue)
        save_city(conn, small_city)
    return db


@pytest.fixture
def clock() -> StepClock:
    return StepClock()


@pytest.fixture
def service(
    db: Database,
    catalogue: Catalogue,
    policy: DeadlinePolicy,
    city: CityMap,
    cell_index: CellIndex,
    clock: StepClock,
) -> CaseService:
    return CaseService(db, catalogue, policy, city, cell_index, clock=clock)
