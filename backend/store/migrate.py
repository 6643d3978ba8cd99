"""Schema migrations (Alembic), run from code: no alembic.ini is needed at run time."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from backend.store.database import Database

MIGRATIONS = Path(__file__).with_name("migrations")


class SchemaError(RuntimeError):
    """The database's schema is missing or at another revision than this code expects."""


def alembic_config(url: str | None = None) -> Config:
    """An Alembic configuration for our migrations, optionally pointing at ``url``.

    For writing a new revision: ``command.revision(alembic_config(url), "what",
    autogenerate=True)`` against a database at head, then edit the generated file.
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def head_revision() -> str:
    """The newest migration revision in this code."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the migrations folder has no revisions"
    return head


def current_revision(db: Database) -> str | None:
    """The revision ``db`` is migrated to, or ``None`` for a database never initialised."""
    with db.transaction() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(db: Database, revision: str = "head") -> None:
    """Migrate ``db`` to ``revision`` in one transaction (a no-op when already there)."""
    config = alembic_config()
    with db.transaction(write=True) as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)


def check_schema(db: Database) -> None:
    """Refuse to work on a database whose schema is not the one this code was written for.

    Raises:
        SchemaError: naming the database, what revision it has and what to run.
    """
    current = current_revision(db)
    head = head_revision()
    if current is None:
        raise SchemaError(
            f"database {db.display_url} is not initialised: run `python -m backend init-db`"
        )
    if current != head:
        raise SchemaError(
            f"database {db.display_url} is at schema revision {current}, this program needs "
            f"{head}: run `python -m backend init-db` to migrate it"
        )
