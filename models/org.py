"""The organisation: users and their roles and scope, teams and field units."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

import msgspec

DISTRICT_SCOPE = "310115"
"""Scope value that means "the whole district" (the district's division code)."""


class Role(StrEnum):
    """What a signed-in user does; the workflow checks every move against it."""

    OPERATOR = "operator"  # 信息平台操作员 / dispatcher
    SUPERVISOR = "supervisor"  # 值班长 / shift supervisor
    LEADER = "leader"  # 领导
    FIELD = "field"  # 网格监督员等一线人员 (handheld terminal)
    DEPARTMENT = "department"  # 职能部门处置人员
    ADMIN = "admin"  # 系统管理员


class Actor(msgspec.Struct, frozen=True, kw_only=True):
    """Who makes a move, as the workflow and the audit see them.

    Attributes:
        user_id: The user's login name.
        role: The user's role.
        scope: ``DISTRICT_SCOPE`` or a 9-digit street/town code the user is limited to.
        department: For department handlers (and field staff of a department's forces), the
            department code; otherwise ``None``.
        terminal: Which console or terminal the move came from (for the audit trail).
        name: Display name.
    """

    user_id: str
    role: Role
    scope: str = DISTRICT_SCOPE
    department: str | None = None
    terminal: str = ""
    name: str = ""

    @property
    def is_district_wide(self) -> bool:
        return self.scope == DISTRICT_SCOPE

    def covers(self, street_code: str | None) -> bool:
        """Whether the actor's scope includes a place in ``street_code``."""
        return self.is_district_wide or (street_code is not None and street_code == self.scope)


class User(msgspec.Struct, frozen=True, kw_only=True):
    """A user account (the password hash stays in the store, never here)."""

    user_id: str
    name: str
    role: Role
    scope: str = DISTRICT_SCOPE
    department: str | None = None
    active: bool = True


class UnitKind(StrEnum):
    PERSON = "person"
    VEHICLE = "vehicle"


class UnitStatus(StrEnum):
    """A field unit's duty status as its terminal reports it."""

    PATROL = "patrol"  # 巡查中 (on duty, available)
    EN_ROUTE = "en_route"  # 前往中
    ON_SCENE = "on_scene"  # 到场
    BUSY = "busy"  # 处置中
    BREAK = "break"  # 休息
    OFF_DUTY = "off_duty"  # 下班


class Team(msgspec.Struct, frozen=True, kw_only=True):
    """A team of field units belonging to one department (agency) in one street/town."""

    team_id: str
    name_zh: str
    name_en: str
    department: str
    street_code: str


class Unit(msgspec.Struct, frozen=True, kw_only=True):
    """A field unit: one person with a handheld terminal, or one vehicle.

    Attributes:
        last_fix_at: When the last position was reported; ``None`` if never.
    """

    unit_id: str
    callsign: str
    kind: UnitKind
    department: str
    team_id: str
    street_code: str
    status: UnitStatus = UnitStatus.OFF_DUTY
    status_since: datetime | None = None
    lon: float | None = None
    lat: float | None = None
    last_fix_at: datetime | None = None

    def is_stale(self, now: datetime, max_age: timedelta) -> bool:
        """A unit whose last report is older than ``max_age`` must not count as available."""
        return self.last_fix_at is None or now - self.last_fix_at > max_age

    def is_available(self, now: datetime, max_age: timedelta) -> bool:
        return self.status == UnitStatus.PATROL and not self.is_stale(now, max_age)


DEFAULT_STALE_AFTER = timedelta(minutes=5)
"""Default age after which a unit's last position no longer counts (configurable per call)."""
