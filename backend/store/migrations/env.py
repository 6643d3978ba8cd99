"""Alembic environment: migrations run on a connection handed over by ``backend.store.migrate``.

Run programmatically (``backend.store.migrate.upgrade``); no alembic.ini is needed. For
writing a new revision by hand with the alembic command line, see ``migrate.alembic_config``.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from backend.store.orm import Base

target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things in place: batch mode copies the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is None:
    # Command-line use: open the database named in the config (or the default one).
    from backend.store.database import Database

    db = Database.open(context.config.get_main_option("sqlalchemy.url") or None)
    try:
        with db.engine.connect() as conn:
            _run(conn)
            conn.commit()
    finally:
        db.close()
else:
    _run(connection)
