"""Shared fixtures. PostgreSQL: a private cluster started once per session (``tests/pg.py``)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.pg import PgCluster, PgUnavailableError


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    """A private PostgreSQL cluster; fails (never skips) every test that needs it if it
    cannot start, with the reason and how to install PostgreSQL."""
    try:
        cluster = PgCluster.start()
    except PgUnavailableError as exc:
        pytest.fail(f"PostgreSQL tests cannot run: {exc}", pytrace=False)
    yield cluster
    cluster.stop()


@pytest.fixture
def pg_url(pg_cluster: PgCluster) -> Iterator[str]:
    """URL of a fresh, empty PostgreSQL database, dropped after the test."""
    name = f"t_{uuid.uuid4().hex[:16]}"
    url = pg_cluster.create_database(name)
    yield url
    pg_cluster.drop_database(name)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """URL of a fresh, empty database: a SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'grid.db'}"
    return str(request.getfixturevalue("pg_url"))
