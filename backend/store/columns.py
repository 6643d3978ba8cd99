"""Column types shared by every table: aware UTC times and msgspec values stored as JSON."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import msgspec
from sqlalchemy import JSON
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.types import DateTime, TypeDecorator, TypeEngine


class NaiveDatetimeError(ValueError):
    """A datetime without a time zone was about to be stored."""


class UTCDateTime(TypeDecorator[datetime]):
    """A point in time, stored in UTC and always read back as an aware UTC ``datetime``.

    Naive datetimes are refused: the server runs in China Standard Time, devices report
    UTC, and a guessed zone would shift a deadline by eight hours without anyone noticing.
    On SQLite (which has no time zones) the value is stored as naive UTC text, so text order
    equals time order and keyset pagination stays correct.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime, got {type(value).__name__}: {value!r}")
        if value.tzinfo is None or value.utcoffset() is None:
            raise NaiveDatetimeError(
                f"naive datetime {value.isoformat()} refused: give it a time zone"
            )
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class MsgspecJSON(TypeDecorator[Any]):
    """A msgspec value (Struct, list, dict...) stored as JSON (``jsonb`` on PostgreSQL).

    Args:
        type_: When given, values read back are converted to this type (e.g. ``Case``);
            otherwise they come back as plain JSON values (dicts, lists...).

    Values are turned into JSON-compatible builtins with ``msgspec.to_builtins`` on the way
    in (datetimes become ISO 8601 text) and converted back with ``msgspec.convert``, which
    validates them: a row that no longer matches its type fails loudly when read.
    """

    impl = JSON
    cache_ok = True

    def __init__(self, type_: Any = None) -> None:
        super().__init__()
        self.type_ = type_

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(JSONB())
        return dialect.type_descriptor(JSON())

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        return msgspec.to_builtins(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        if value is None or self.type_ is None:
            return value
        return msgspec.convert(value, self.type_)

    def __repr__(self) -> str:
        # Alembic renders column types with repr(); keep the migration free of domain types.
        return "MsgspecJSON()"


def json_dumps(value: Any) -> str:
    """The engines' JSON serializer: msgspec is several times faster than the stdlib."""
    return msgspec.json.encode(value).decode()


def json_loads(text: str | bytes) -> Any:
    """The engines' JSON deserializer (see :func:`json_dumps`)."""
    return msgspec.json.decode(text)
