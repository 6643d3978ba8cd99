"""Photos attached to reports, feedback and verification, with a size limit."""

from __future__ import annotations

import hashlib
import uuid

from sqlalchemy import insert

from backend.services.clock import Clock, utc_now
from backend.services.records import Photo
from backend.store.database import Database
from backend.store.orm import PhotoRow
from models.errors import InvalidInput, UnknownId

MAX_PHOTO_BYTES = 5 * 1024 * 1024
"""Default limit: a handheld terminal's JPEG at full resolution is 2-4 MB."""

SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/webp": (b"RIFF",),
}
"""Accepted content types and the bytes their files start with."""


class PhotoService:
    """Photo storage in one :class:`Database`.

    Args:
        db: The database.
        max_bytes: Largest photo accepted.
        clock: Source of "now".
    """

    def __init__(
        self, db: Database, *, max_bytes: int = MAX_PHOTO_BYTES, clock: Clock = utc_now
    ) -> None:
        self.db = db
        self.max_bytes = max_bytes
        self.clock = clock

    def store_photo(self, data: bytes, content_type: str) -> str:
        """Store a photo and return its id (to put in a report's or a move's ``photos``).

        Raises:
            InvalidInput: empty or too large, an unsupported content type, or bytes that
                are not what the content type says.
        """
        if not isinstance(data, bytes | bytearray | memoryview):
            raise InvalidInput("photo", f"{type(data).__name__} is not bytes")
        data = bytes(data)
        if not data:
            raise InvalidInput("photo", "is empty")
        if len(data) > self.max_bytes:
            raise InvalidInput(
                "photo", f"is {len(data):,} bytes; the limit is {self.max_bytes:,} bytes"
            )
        signatures = SIGNATURES.get(content_type)
        if signatures is None:
            allowed = ", ".join(SIGNATURES)
            raise InvalidInput(
                "content_type", f"{content_type!r} is not accepted; one of: {allowed}"
            )
        if not data.startswith(signatures) or (
            content_type == "image/webp" and data[8:12] != b"WEBP"
        ):
            raise InvalidInput("photo", f"the bytes are not a {content_type} file")
        photo_id = uuid.uuid4().hex
        with self.db.session(write=True) as session:
            session.execute(
                insert(PhotoRow).values(
                    id=photo_id,
                    content_type=content_type,
                    data=data,
                    size=len(data),
                    sha256=hashlib.sha256(data).hexdigest(),
                    created_at=self.clock(),
                )
            )
        return photo_id

    def get_photo(self, photo_id: str) -> Photo:
        """The photo ``photo_id``.

        Raises:
            UnknownId: no such photo.
        """
        with self.db.session() as session:
            row = session.get(PhotoRow, photo_id)
            if row is None:
                raise UnknownId("photo", photo_id)
            return Photo(
                id=row.id,
                content_type=row.content_type,
                data=row.data,
                size=row.size,
                sha256=row.sha256,
                created_at=row.created_at,
            )
