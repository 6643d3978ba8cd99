"""The migrated schema is the ORM's; bad URLs, stale schemas and naive times are refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import insert, select
from sqlalchemy.exc import StatementError

from backend.services.cases import CaseService
from backend.store.columns import NaiveDatetimeError
from backend.store.database import Database, DatabaseUrlError
from backend.store.migrate import SchemaError, current_revision, head_revision, upgrade
from backend.store.orm import Base, PhotoRow
from models.catalogue import Catalogue
from models.cell_index import CellIndex
from models.deadlines import DeadlinePolicy
from models.geography import CityMap


def test_the_migrated_schema_matches_the_orm(db_url: str) -> None:
    db = Database.open(db_url)
    try:
        assert current_revision(db) is None
        upgrade(db)
        assert current_revision(db) == head_revision()
        with db.transaction() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        db.close()


def test_a_database_of_the_first_release_upgrades_and_keeps_its_cases(
    tmp_path: Path,
    catalogue: Catalogue,
    policy: DeadlinePolicy,
    city: CityMap,
    cell_index: CellIndex,
) -> None:
    """A console's embedded database from before shifts, evaluation and joint operations
    (revision 0001) is upgraded in place, keeping what it holds, and then serves."""
    db = Database.open(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        upgrade(db, "0001")
        with db.transaction() as conn:
            conn.exec_driver_sql("INSERT INTO settings (key, value) VALUES ('kept', 'yes')")
        upgrade(db)
        assert current_revision(db) == head_revision()
        with db.transaction() as conn:
            assert (
                conn.exec_driver_sql("SELECT value FROM settings WHERE key = 'kept'").scalar_one()
                == "yes"
            )
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
        CaseService(db, catalogue, policy, city, cell_index)  # checks the schema is current
    finally:
        db.close()


def test_services_refuse_a_database_that_is_not_initialised(
    db_url: str,
    catalogue: Catalogue,
    policy: DeadlinePolicy,
    city: CityMap,
    cell_index: CellIndex,
) -> None:
    db = Database.open(db_url)
    try:
        with pytest.raises(SchemaError, match="init-db"):
            CaseService(db, catalogue, policy, city, cell_index)
    finally:
        db.close()


def test_times_are_stored_as_utc_and_naive_times_refused(db: Database) -> None:
    shanghai = timezone(timedelta(hours=8))
    local = datetime(2026, 11, 30, 9, 30, tzinfo=shanghai)
    with db.transaction(write=True) as conn:
        conn.execute(
            insert(PhotoRow).values(
                id="p1", content_type="image/png", data=b"x", size=1, sha256="", created_at=local
            )
        )
    with db.session() as session:
        stored = session.execute(select(PhotoRow.created_at)).scalar_one()
    assert stored == local
    assert stored.tzinfo == UTC
    with pytest.raises(StatementError) as raised, db.transaction(write=True) as conn:
        conn.execute(
            insert(PhotoRow).values(
                id="p2",
                content_type="image/png",
                data=b"x",
                size=1,
                sha256="",
                created_at=datetime(2026, 11, 30, 9, 30),
            )
        )
    assert isinstance(raised.value.orig, NaiveDatetimeError)
    with db.session() as session:
        assert session.execute(select(PhotoRow.id)).scalars().all() == ["p1"]


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("oracle://u@h/db", "unsupported database 'oracle'"),
        ("sqlite:///:memory:", "give a file path"),
        ("postgresql+asyncpg://u@h/db", "use postgresql://"),
        ("postgresql://u@h", "name the database"),
        ("nonsense", "bad database URL"),
    ],
)
def test_bad_urls_are_refused_by_name(url: str, message: str) -> None:
    with pytest.raises(DatabaseUrlError, match=message):
        Database.open(url)


def test_a_sqlite_database_in_a_new_folder_is_created(tmp_path: Path) -> None:
    db = Database.open(f"sqlite:///{tmp_path / 'a' / 'b' / 'grid.db'}")
    try:
        upgrade(db)
        assert (tmp_path / "a" / "b" / "grid.db").exists()
    finally:
        db.close()
