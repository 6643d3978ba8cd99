"""Position tracks: fixes are written in batches (one executemany per batch) for replay."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, bindparam, delete, insert, or_, select, update

from backend.services.records import PositionFix
from backend.store.database import Database
from backend.store.orm import PositionRow, UnitRow
from models.errors import InvalidInput, UnknownId

MAX_BATCH = 50_000
"""Most fixes one batch may carry (a 4 Hz tick of 10,000 units at 1 Hz is 2,500)."""


class PositionService:
    """Unit position tracks in one :class:`Database`."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def record_positions(self, fixes: Sequence[PositionFix]) -> int:
        """Store a batch of fixes in one transaction and move each unit's last known fix.

        The whole batch is checked first; one bad fix refuses the batch and writes nothing.

        Returns:
            The number of fixes stored.

        Raises:
            InvalidInput: too many fixes, or a bad fix (its index in the batch and the
                field are named).
            UnknownId: a fix of a unit that does not exist.
        """
        if len(fixes) > MAX_BATCH:
            raise InvalidInput("fixes", f"{len(fixes)} fixes in one batch; at most {MAX_BATCH}")
        for i, fix in enumerate(fixes):
            _check_fix(i, fix)
        if not fixes:
            return 0
        latest: dict[str, PositionFix] = {}
        for fix in fixes:
            seen = latest.get(fix.unit_id)
            if seen is None or fix.at >= seen.at:
                latest[fix.unit_id] = fix
        rows = [
            {
                "unit_id": f.unit_id,
                "at": f.at,
                "lon": f.lon,
                "lat": f.lat,
                "speed": f.speed,
                "heading": f.heading,
            }
            for f in fixes
        ]
        with self.db.transaction(write=True) as conn:
            known = set(
                conn.execute(
                    select(UnitRow.unit_id).where(UnitRow.unit_id.in_(list(latest)))
                ).scalars()
            )
            for unit_id in latest:
                if unit_id not in known:
                    raise UnknownId("unit", unit_id)
            conn.execute(insert(PositionRow), rows)
            # Only a newer fix moves the unit: batches may arrive out of order.
            conn.execute(
                update(UnitRow)
                .where(
                    UnitRow.unit_id == bindparam("uid"),
                    or_(UnitRow.last_fix_at.is_(None), UnitRow.last_fix_at < bindparam("fix_at")),
                )
                .values(
                    lon=bindparam("fix_lon"),
                    lat=bindparam("fix_lat"),
                    last_fix_at=bindparam("fix_at"),
                ),
                [
                    {"uid": f.unit_id, "fix_lon": f.lon, "fix_lat": f.lat, "fix_at": f.at}
                    for f in latest.values()
                ],
            )
        return len(rows)

    def prune(self, before: datetime) -> int:
        """Delete fixes older than ``before`` (the track's retention); returns how many."""
        if before.tzinfo is None:
            raise InvalidInput("before", "must carry a time zone")
        with self.db.transaction(write=True) as conn:
            return conn.execute(delete(PositionRow).where(PositionRow.at < before)).rowcount

    def track(self, unit_id: str, since: datetime, until: datetime) -> list[PositionFix]:
        """A unit's fixes with ``since <= at < until``, oldest first.

        Raises:
            InvalidInput: a naive time or an empty window.
        """
        for name, value in (("since", since), ("until", until)):
            if value.tzinfo is None:
                raise InvalidInput(name, "must carry a time zone")
        if since >= until:
            raise InvalidInput("until", "must be after since")
        p = PositionRow
        with self.db.session() as session:
            rows = session.execute(
                select(p.unit_id, p.at, p.lon, p.lat, p.speed, p.heading)
                .where(and_(p.unit_id == unit_id, p.at >= since, p.at < until))
                .order_by(p.at, p.id)
            ).all()
        return [
            PositionFix(
                unit_id=r.unit_id, at=r.at, lon=r.lon, lat=r.lat, speed=r.speed, heading=r.heading
            )
            for r in rows
        ]


def _check_fix(i: int, fix: PositionFix) -> None:
    where = f"fixes[{i}]"
    if not isinstance(fix, PositionFix):
        raise InvalidInput(where, f"{type(fix).__name__} is not a PositionFix")
    if not isinstance(fix.unit_id, str) or not fix.unit_id:
        raise InvalidInput(f"{where}.unit_id", "is required")
    if not isinstance(fix.at, datetime) or fix.at.tzinfo is None:
        raise InvalidInput(f"{where}.at", "must be a datetime with a time zone")
    for name, value, bound in (("lon", fix.lon, 180.0), ("lat", fix.lat, 90.0)):
        if not isinstance(value, int | float) or not math.isfinite(value) or abs(value) > bound:
            raise InvalidInput(f"{where}.{name}", f"{value!r} is not a WGS-84 coordinate")
    if fix.speed is not None and (not math.isfinite(fix.speed) or fix.speed < 0):
        raise InvalidInput(f"{where}.speed", f"{fix.speed!r} is not a speed (m/s, 0 or more)")
    if fix.heading is not None and (not math.isfinite(fix.heading) or not 0 <= fix.heading < 360):
        raise InvalidInput(f"{where}.heading", f"{fix.heading!r} is not in [0, 360)")
