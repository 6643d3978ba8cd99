"""Server-wide settings kept in the database, so every restart (and node) shares them."""

from __future__ import annotations

import secrets

from sqlalchemy import select

from backend.store.database import Database
from backend.store.orm import SettingRow, table

TOKEN_SECRET = "token_secret"


def server_secret(db: Database) -> bytes:
    """The secret that signs sign-in tokens, made on first use.

    Kept in the database rather than in memory so that a console's token survives a server
    restart: a reconnect after a crash needs no password.
    """
    with db.transaction(write=True) as conn:
        value = conn.execute(
            select(SettingRow.value).where(SettingRow.key == TOKEN_SECRET)
        ).scalar()
        if value is None:
            value = secrets.token_hex(32)
            conn.execute(table(SettingRow).insert().values(key=TOKEN_SECRET, value=value))
    return bytes.fromhex(value)
