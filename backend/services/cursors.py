"""Keyset-pagination cursors: the last row's sort key and a fingerprint of the filters.

A page is cut after the last (time, id) seen rather than at an offset, so a page deep in a
million rows costs the same as the first. The cursor also carries a short fingerprint of the
search's filters, so that a cursor handed to a search with other filters is refused instead
of silently skipping rows.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from datetime import datetime
from typing import Any, TypeVar

import msgspec

from models.errors import InvalidInput

Ident = TypeVar("Ident", int, str)


def filter_key(filters: Any) -> str:
    """A short fingerprint of a search's filters (any JSON-encodable value)."""
    return hashlib.blake2s(msgspec.json.encode(filters), digest_size=6).hexdigest()


def encode_cursor(at: datetime, ident: int | str, key: str) -> str:
    """The cursor after the row sorted at ``(at, ident)`` in the search fingerprinted ``key``."""
    raw = msgspec.json.encode([at.isoformat(), ident, key])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, key: str, ident_type: type[Ident]) -> tuple[datetime, Ident]:
    """The ``(time, id)`` a cursor continues after.

    Raises:
        InvalidInput: The cursor is malformed, or belongs to a search with other filters.
    """
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        at_text, raw_ident, cursor_key = msgspec.json.decode(raw, type=tuple[str, Any, str])
        ident = msgspec.convert(raw_ident, ident_type)
        at = datetime.fromisoformat(at_text)
    except (binascii.Error, ValueError, msgspec.DecodeError, msgspec.ValidationError):
        raise InvalidInput("cursor", "is not a cursor this server issued") from None
    if cursor_key != key or at.tzinfo is None:
        raise InvalidInput("cursor", "belongs to a search with other filters; start again")
    return at, ident
