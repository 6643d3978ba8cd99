"""Field units and teams: loading them, and their status changes as events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection

from backend.services.clock import Clock, utc_now
from backend.services.events import append_change
from backend.services.records import CommittedEvent
from backend.store.database import Database
from backend.store.orm import TeamRow, UnitRow, table
from models.errors import UnknownId
from models.org import Actor, Team, Unit, UnitKind, UnitStatus

_UNITS = table(UnitRow)
_SET_STATUS = (
    _UNITS.update()
    .where(_UNITS.c.unit_id == bindparam("b_unit"))
    .values(status=bindparam("status"), status_since=bindparam("status_since"))
)


def unit_from_row(row: Any) -> Unit:
    """A unit from a ``units`` row (ORM object or Core row: same attribute names)."""
    return Unit(
        unit_id=row.unit_id,
        callsign=row.callsign,
        kind=UnitKind(row.kind),
        department=row.department,
        team_id=row.team_id,
        street_code=row.street_code,
        status=UnitStatus(row.status),
        status_since=row.status_since,
        lon=row.lon,
        lat=row.lat,
        last_fix_at=row.last_fix_at,
    )


class UnitService:
    """Units and teams over one :class:`Database` (blocking; run through ``DbRunner``)."""

    def __init__(self, db: Database, *, clock: Clock = utc_now) -> None:
        self.db = db
        self.clock = clock

    def load(self) -> tuple[list[Unit], list[Team]]:
        """Every unit with its last stored fix, and every team."""
        with self.db.session() as session:
            units = [
                unit_from_row(r) for r in session.scalars(select(UnitRow).order_by(UnitRow.unit_id))
            ]
            teams = [
                Team(
                    team_id=r.team_id,
                    name_zh=r.name_zh,
                    name_en=r.name_en,
                    department=r.department,
                    street_code=r.street_code,
                )
                for r in session.scalars(select(TeamRow).order_by(TeamRow.team_id))
            ]
        return units, teams

    def set_status(self, unit_id: str, status: UnitStatus, actor: Actor) -> CommittedEvent:
        """Change a unit's duty status: one transaction with its event and audit row.

        Raises:
            UnknownId: no such unit.
        """
        with self.db.transaction(write=True) as conn:
            return write_status(conn, unit_id, status, actor, self.clock())


def write_status(
    conn: Connection, unit_id: str, status: UnitStatus, actor: Actor, at: datetime
) -> CommittedEvent:
    """Change a unit's duty status in the caller's write transaction: the row, a numbered
    ``unit_changed`` event and an audit row (a joint operation moves its units this way).

    Raises:
        UnknownId: no such unit.
    """
    row = conn.execute(select(_UNITS).where(_UNITS.c.unit_id == unit_id).with_for_update()).first()
    if row is None:
        raise UnknownId("unit", unit_id)
    old = unit_from_row(row)
    new = msgspec.structs.replace(old, status=status, status_since=at)
    conn.execute(_SET_STATUS, {"b_unit": unit_id, "status": status.value, "status_since": at})
    payload = {"kind": "unit_changed", "unit": msgspec.to_builtins(new)}
    return append_change(
        conn,
        at=at,
        kind="unit.status",
        payload=payload,
        actor=actor,
        action="set_unit_status",
        target=f"unit {unit_id}",
        before=old,
        after=new,
    )
