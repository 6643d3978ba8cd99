"""The database schema as typed SQLAlchemy ORM classes.

The migrations in ``backend/store/migrations/versions`` are written to match this module
exactly (a test compares them); change both together.

Why some things are the way they are:

- A case is stored whole, as JSON (``cases.data``), beside the columns that queries filter
  and sort on. The domain's ``Case`` is the truth; the columns are indexes over it and are
  written from it in the same statement, so they cannot disagree.
- Cases carry their street/community/cell codes without foreign keys to the geography: a
  case keeps the codes it was filed under even when a new grid version replaces the cells.
- ``events.seq`` is not auto-generated: it comes from the single row of ``event_counter``,
  whose row lock serialises writers, so numbers follow commit order with no gaps.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from backend.store.columns import MsgspecJSON, UTCDateTime
from models.case import Case, HistoryEntry
from models.evaluation import CaseFacts
from models.geo import Ring, Rings
from models.geography import CodeFormat
from models.handover import Handover
from models.joint import JointOperation
from models.patrol import PatrolAssignment
from models.shifts import Shift

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
"""Constraint names are fixed by convention so that later migrations can address them."""

BigId = BigInteger().with_variant(Integer(), "sqlite")
"""A 64-bit key that SQLite still auto-numbers (only INTEGER PRIMARY KEY aliases its rowid)."""


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


# --- geography -------------------------------------------------------------------------


class DistrictRow(Base):
    """The district whose grid this database holds (one row), with its map's version."""

    __tablename__ = "districts"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    code_format: Mapped[CodeFormat] = mapped_column(MsgspecJSON(CodeFormat))
    boundary: Mapped[Rings] = mapped_column(MsgspecJSON(Rings))
    version: Mapped[str] = mapped_column(String(32))


class StreetRow(Base):
    """A street (街道) or town (镇): one sub-platform's area."""

    __tablename__ = "streets"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16))
    seat_lon: Mapped[float] = mapped_column(Float)
    seat_lat: Mapped[float] = mapped_column(Float)
    boundary: Mapped[Rings] = mapped_column(MsgspecJSON(Rings))


class CommunityRow(Base):
    """A community (社区) or village (村) inside a street."""

    __tablename__ = "communities"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    street_code: Mapped[str] = mapped_column(ForeignKey("streets.code"), index=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    boundary: Mapped[Rings] = mapped_column(MsgspecJSON(Rings))


class CellRow(Base):
    """A unit grid cell (单元网格); ``ring`` is its outline as ``[[lon, lat], ...]``."""

    __tablename__ = "cells"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    street_code: Mapped[str] = mapped_column(ForeignKey("streets.code"), index=True)
    community_code: Mapped[str] = mapped_column(ForeignKey("communities.code"), index=True)
    ring: Mapped[Ring] = mapped_column(MsgspecJSON(Ring))
    centroid_lon: Mapped[float] = mapped_column(Float)
    centroid_lat: Mapped[float] = mapped_column(Float)
    area_m2: Mapped[float] = mapped_column(Float)


# --- organisation ----------------------------------------------------------------------


class DepartmentRow(Base):
    """A department or agency (职能部门) that handles orders."""

    __tablename__ = "departments"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    field_forces: Mapped[bool] = mapped_column()
    joint_office: Mapped[bool] = mapped_column()


class TeamRow(Base):
    """A team of one department's field units in one street/town."""

    __tablename__ = "teams"

    team_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    department: Mapped[str] = mapped_column(ForeignKey("departments.code"), index=True)
    street_code: Mapped[str] = mapped_column(ForeignKey("streets.code"), index=True)


class UnitRow(Base):
    """A field unit (a person with a terminal, or a vehicle) and its last known fix."""

    __tablename__ = "units"

    unit_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    callsign: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    department: Mapped[str] = mapped_column(ForeignKey("departments.code"), index=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.team_id"), index=True)
    street_code: Mapped[str] = mapped_column(ForeignKey("streets.code"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    status_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    last_fix_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class UserRow(Base):
    """A user account; the password is kept only as an argon2 hash."""

    __tablename__ = "users"

    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16))
    scope: Mapped[str] = mapped_column(String(32))
    department: Mapped[str | None] = mapped_column(ForeignKey("departments.code"))
    active: Mapped[bool] = mapped_column()
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


# --- cases -----------------------------------------------------------------------------


class CaseRow(Base):
    """One case: the whole ``Case`` in ``data``, plus the columns queries need."""

    __tablename__ = "cases"
    __table_args__ = (
        # Keyset pagination orders by (reported_at DESC, id DESC); each filter gets an index
        # that starts with its column and continues with the sort key.
        Index("ix_cases_reported", "reported_at", "id"),
        Index("ix_cases_state_reported", "state", "reported_at", "id"),
        Index("ix_cases_street_reported", "street_code", "reported_at", "id"),
        Index("ix_cases_category_reported", "category", "reported_at", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    state: Mapped[str] = mapped_column(String(32))
    street_code: Mapped[str | None] = mapped_column(String(32))
    community_code: Mapped[str | None] = mapped_column(String(32))
    cell_code: Mapped[str | None] = mapped_column(String(32), index=True)
    category: Mapped[str] = mapped_column(String(16))
    urgency: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(32))
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revision: Mapped[int] = mapped_column(Integer)
    step_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    data: Mapped[Case] = mapped_column(MsgspecJSON(Case))


class OrderRow(Base):
    """An order (派遣单) of a case, for department work lists; a copy of ``Case.orders``."""

    __tablename__ = "orders"
    __table_args__ = (Index("ix_orders_department_state", "department", "state", "deadline"),)

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    no: Mapped[int] = mapped_column(Integer, primary_key=True)
    department: Mapped[str] = mapped_column(String(32))
    level: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    deadline: Mapped[datetime] = mapped_column(UTCDateTime())


class HistoryRow(Base):
    """One step of a case's flow (流转记录)."""

    __tablename__ = "case_history"
    __table_args__ = (UniqueConstraint("case_id", "revision"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    revision: Mapped[int] = mapped_column(Integer)
    move: Mapped[str] = mapped_column(String(32))
    actor_id: Mapped[str] = mapped_column(String(64))
    # Indexed for the shift's figures: which cases moved during a shift.
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    entry: Mapped[HistoryEntry] = mapped_column(MsgspecJSON(HistoryEntry))


class CaseNumberCounterRow(Base):
    """Last case number handed out on each (Shanghai) day, for numbers like PD20261129-0001."""

    __tablename__ = "case_number_counter"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    last: Mapped[int] = mapped_column(Integer)


class CaseFactsRow(Base):
    """A case's evaluation record (``models.evaluation.CaseFacts``), kept with the case.

    Rewritten from the case and its history in the transaction of every change of the case,
    like ``orders``, so it cannot disagree with them. ``first_at`` and ``last_at`` are the
    earliest and latest instant in the record: an evaluation reads only the records whose
    span meets its period (nothing outside the span can count in it).
    """

    __tablename__ = "case_facts"
    __table_args__ = (Index("ix_case_facts_span", "last_at", "first_at"),)

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    street_code: Mapped[str] = mapped_column(String(32))
    first_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_at: Mapped[datetime] = mapped_column(UTCDateTime())
    data: Mapped[CaseFacts] = mapped_column(MsgspecJSON(CaseFacts))


# --- events and audit ------------------------------------------------------------------


class EventRow(Base):
    """A committed, numbered event; consoles resume from the last number they saw."""

    __tablename__ = "events"

    seq: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    kind: Mapped[str] = mapped_column(String(32))
    case_id: Mapped[int | None] = mapped_column(BigId, index=True)
    payload: Mapped[Any] = mapped_column(MsgspecJSON())


class EventCounterRow(Base):
    """The single row holding the last event number (see the module docstring)."""

    __tablename__ = "event_counter"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(BigInteger)


class SettingRow(Base):
    """A server-wide setting, e.g. the secret that signs sign-in tokens."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(1000))


class CommandRow(Base):
    """A client command already applied, so that a retried command is applied once.

    ``key`` is the user and the client-made command id; ``event_seq`` is the event the
    command committed, which is the answer a retry gets again.
    """

    __tablename__ = "commands"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    event_seq: Mapped[int] = mapped_column(ForeignKey("events.seq"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class AuditRow(Base):
    """Who did what, as whom, from which console or terminal, and what it changed."""

    __tablename__ = "audit"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    event_seq: Mapped[int | None] = mapped_column(ForeignKey("events.seq"), index=True)
    actor_id: Mapped[str] = mapped_column(String(64), index=True)
    role: Mapped[str] = mapped_column(String(16))
    terminal: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(100))
    before: Mapped[Any] = mapped_column(MsgspecJSON(), nullable=True)
    after: Mapped[Any] = mapped_column(MsgspecJSON(), nullable=True)


# --- shifts and handovers --------------------------------------------------------------


class ShiftRow(Base):
    """A shift that was handed over, with its times under the schedule then in force."""

    __tablename__ = "shifts"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(16))
    start: Mapped[datetime] = mapped_column(UTCDateTime())
    end: Mapped[datetime] = mapped_column(UTCDateTime())
    data: Mapped[Shift] = mapped_column(MsgspecJSON(Shift))


class HandoverRow(Base):
    """One shift's handover in one scope: the whole ``Handover`` in ``data``, plus the
    columns its search filters and sorts on. A signed row is never updated again (the
    service's update statement excludes it)."""

    __tablename__ = "handovers"
    __table_args__ = (
        # Keyset pagination orders by (shift_start DESC, id DESC).
        Index("ix_handovers_shift_start", "shift_start", "id"),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    shift_id: Mapped[str] = mapped_column(ForeignKey("shifts.id"), index=True)
    scope: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(16))
    revision: Mapped[int] = mapped_column(Integer)
    shift_start: Mapped[datetime] = mapped_column(UTCDateTime())
    outgoing: Mapped[str] = mapped_column(String(64), index=True)
    incoming: Mapped[str | None] = mapped_column(String(64), index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    search_text: Mapped[str] = mapped_column(Text)
    data: Mapped[Handover] = mapped_column(MsgspecJSON(Handover))


# --- joint operations and patrol areas ----------------------------------------------


class JointOperationRow(Base):
    """A joint operation (联勤行动): the whole ``JointOperation`` in ``data``, plus the
    columns the server's start and a case's page look for (like ``cases``)."""

    __tablename__ = "joint_operations"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    state: Mapped[str] = mapped_column(String(16), index=True)
    street_code: Mapped[str] = mapped_column(String(32))
    convened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revision: Mapped[int] = mapped_column(Integer)
    data: Mapped[JointOperation] = mapped_column(MsgspecJSON(JointOperation))


class JointParticipantRow(Base):
    """A unit ordered to a joint operation; a copy of ``JointOperation.participants``, so
    that the operation a unit is engaged in is found by an index, inside the transaction
    that orders it elsewhere."""

    __tablename__ = "joint_participants"
    __table_args__ = (Index("ix_joint_participants_unit_state", "unit_id", "state"),)

    operation_id: Mapped[int] = mapped_column(ForeignKey("joint_operations.id"), primary_key=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.unit_id"), primary_key=True)
    state: Mapped[str] = mapped_column(String(16))


class PatrolAssignmentRow(Base):
    """A unit's patrol area for a shift: the whole ``PatrolAssignment`` in ``data``."""

    __tablename__ = "patrol_assignments"
    __table_args__ = (Index("ix_patrol_assignments_unit_ends", "unit_id", "ends_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.unit_id"))
    street_code: Mapped[str] = mapped_column(String(32))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    cancelled: Mapped[bool] = mapped_column()
    data: Mapped[PatrolAssignment] = mapped_column(MsgspecJSON(PatrolAssignment))


# --- positions and photos --------------------------------------------------------------


class PositionRow(Base):
    """One position fix of a unit, kept for track replay."""

    __tablename__ = "positions"
    __table_args__ = (Index("ix_positions_unit_at", "unit_id", "at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.unit_id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    speed: Mapped[float | None] = mapped_column(Float)
    heading: Mapped[float | None] = mapped_column(Float)


class PhotoRow(Base):
    """A photo attached to a report, feedback or verification."""

    __tablename__ = "photos"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    content_type: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


def table(cls: type[Base]) -> Table:
    """The Core table of a mapped class (for prebuilt statements on the hot path)."""
    t = cls.__table__
    assert isinstance(t, Table)
    return t
