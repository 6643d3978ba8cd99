"""Demo data: the generated Pudong grid, teams and field units, and one user per role.

Everything is written in one transaction: a failed seed leaves the database as it was.
"""

from __future__ import annotations

import math

import msgspec
import numpy as np
from argon2 import PasswordHasher
from sqlalchemy import func, insert, select

from backend.services.clock import Clock, utc_now
from backend.services.errors import AlreadyExists
from backend.store.database import Database
from backend.store.orm import AuditRow, DepartmentRow, TeamRow, UnitRow, UserRow
from backend.store.reference import has_city, save_city, sync_departments
from models.catalogue import Catalogue, Department
from models.demo_city import generate_demo_city
from models.errors import InvalidInput
from models.geo import point_in_ring
from models.geography import Cell, CityMap
from models.org import DISTRICT_SCOPE, Role, UnitKind, UnitStatus, User

DEMO_PASSWORD = "grid-demo-2026"
"""Password of every demo user (documented in ``python -m backend seed-demo --help``)."""

URBAN_MANAGEMENT = "CGZF"
"""The department of the demo department user: urban management law enforcement (城管)."""

DEMO_USERS: tuple[tuple[str, str, Role, str | None], ...] = (
    ("operator", "演示操作员 Demo operator", Role.OPERATOR, None),
    ("supervisor", "演示值班长 Demo supervisor", Role.SUPERVISOR, None),
    ("leader", "演示领导 Demo leader", Role.LEADER, None),
    ("field", "演示网格监督员 Demo grid supervisor", Role.FIELD, None),
    (
        "department",
        "演示城管处置员 Demo urban-management handler",
        Role.DEPARTMENT,
        URBAN_MANAGEMENT,
    ),
    ("admin", "演示管理员 Demo administrator", Role.ADMIN, None),
)
"""User id, name, role and department of the demo users; all are district-wide."""

TEAM_WEIGHT = {"WGLQ": 4.0, "CGZF": 2.0, "HW": 2.0}
"""Relative team sizes: the joint-patrol force is the largest on the street (default 1)."""

VEHICLE_DEPARTMENTS = frozenset({"JJ", "XF"})
"""Departments whose units are mostly vehicles (traffic police, fire and rescue)."""

MAX_UNITS = 100_000


class SeedSummary(msgspec.Struct, frozen=True, kw_only=True):
    """What a seed wrote."""

    city_version: str
    streets: int
    communities: int
    cells: int
    departments: int
    teams: int
    units: int
    users: tuple[str, ...]


def is_seeded(db: Database) -> bool:
    """Whether ``db`` already holds a grid map (demo or real)."""
    with db.transaction() as conn:
        return has_city(conn)


def seed_demo(
    db: Database,
    catalogue: Catalogue,
    *,
    seed: int = 2026,
    units: int = 2000,
    target_cells: int = 5000,
    clock: Clock = utc_now,
    hasher: PasswordHasher | None = None,
) -> SeedSummary:
    """Fill a migrated, empty database with the demo city, teams, units and users.

    Args:
        db: A database at the current schema, holding no grid map yet.
        catalogue: Its departments are synchronised into the database first.
        seed: The same seed always gives the same city, units and positions.
        units: Number of field units, spread over the streets by their number of cells.
        target_cells: Wanted number of grid cells.
        clock: Source of "now" (units' last fix, users' creation).
        hasher: argon2 hasher for the demo passwords.

    Raises:
        AlreadyExists: the database already holds a grid map; nothing is written.
        InvalidInput: ``units`` or ``target_cells`` out of range.
    """
    if not isinstance(units, int) or not 1 <= units <= MAX_UNITS:
        raise InvalidInput("units", f"{units!r} is not in 1..{MAX_UNITS}")
    if is_seeded(db):
        raise AlreadyExists("grid map in database", db.display_url)
    city = generate_demo_city(seed=seed, target_cells=target_cells)
    now = clock()
    rng = np.random.default_rng(seed)
    forces = [d for d in catalogue.departments.values() if d.field_forces]
    teams = [
        _team(dept, street.code, street.name_zh, street.name_en)
        for street in city.streets
        for dept in forces
    ]
    unit_rows = _units(city, forces, units, rng, now)
    hasher = hasher or PasswordHasher()
    password_hash = hasher.hash(DEMO_PASSWORD)
    with db.transaction(write=True) as conn:
        if has_city(conn):  # checked again under the write lock: two seeders at once
            raise AlreadyExists("grid map in database", db.display_url)
        sync_departments(conn, catalogue)
        save_city(conn, city)
        conn.execute(insert(TeamRow), teams)
        conn.execute(insert(UnitRow), unit_rows)
        for user_id, name, role, department in demo_users(catalogue):
            conn.execute(
                insert(UserRow).values(
                    user_id=user_id,
                    name=name,
                    role=role.value,
                    scope=DISTRICT_SCOPE,
                    department=department,
                    active=True,
                    password_hash=password_hash,
                    created_at=now,
                )
            )
            user = User(user_id=user_id, name=name, role=role, department=department)
            conn.execute(
                insert(AuditRow).values(
                    actor_id="system",
                    role=Role.ADMIN.value,
                    terminal="seed-demo",
                    at=now,
                    action="create_user",
                    target=f"user {user_id}",
                    after=user,
                )
            )
        departments = conn.execute(select(func.count()).select_from(DepartmentRow)).scalar_one()
    return SeedSummary(
        city_version=city.version,
        streets=len(city.streets),
        communities=len(city.communities),
        cells=len(city.cells),
        departments=departments,
        teams=len(teams),
        units=len(unit_rows),
        users=tuple(u[0] for u in demo_users(catalogue)),
    )


def demo_users(catalogue: Catalogue) -> list[tuple[str, str, Role, str | None]]:
    """``DEMO_USERS`` plus one handler per department (``dept-cgzf``...), so that the
    simulator can answer every department's orders as that department's staff would."""
    handlers = [
        (
            f"dept-{d.code.lower()}",
            f"{d.name_zh}处置员 {d.name_en} handler",
            Role.DEPARTMENT,
            d.code,
        )
        for d in catalogue.departments.values()
    ]
    return [*DEMO_USERS, *handlers]


def _team(dept: Department, street_code: str, street_zh: str, street_en: str) -> dict[str, str]:
    return {
        "team_id": f"T-{dept.code}-{street_code}",
        "name_zh": f"{street_zh}{dept.name_zh}队",
        "name_en": f"{dept.name_en}, {street_en} team",
        "department": dept.code,
        "street_code": street_code,
    }


def _apportion(weights: list[float], total: int) -> list[int]:
    """Split ``total`` in proportion to ``weights`` (largest remainder, sums exactly)."""
    whole = sum(weights)
    shares = [w * total / whole for w in weights]
    counts = [math.floor(s) for s in shares]
    by_remainder = sorted(range(len(shares)), key=lambda i: counts[i] - shares[i])
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _point_in_cell(cell: Cell, rng: np.random.Generator) -> tuple[float, float]:
    """A random point inside the cell (rejection sampling in its bounding box)."""
    lons = [p[0] for p in cell.ring]
    lats = [p[1] for p in cell.ring]
    for _ in range(20):
        lon = float(rng.uniform(min(lons), max(lons)))
        lat = float(rng.uniform(min(lats), max(lats)))
        if point_in_ring(lon, lat, cell.ring):
            return round(lon, 7), round(lat, 7)
    return cell.centroid_lon, cell.centroid_lat


def _units(
    city: CityMap,
    forces: list[Department],
    total: int,
    rng: np.random.Generator,
    now: object,
) -> list[dict[str, object]]:
    cells_by_street: dict[str, list[Cell]] = {s.code: [] for s in city.streets}
    for cell in city.cells:
        cells_by_street[cell.street_code].append(cell)
    per_street = _apportion([float(len(cells_by_street[s.code])) for s in city.streets], total)
    weights = [TEAM_WEIGHT.get(d.code, 1.0) for d in forces]
    rows: list[dict[str, object]] = []
    for street, count in zip(city.streets, per_street, strict=True):
        cells = cells_by_street[street.code]
        for dept, n in zip(forces, _apportion(weights, count), strict=True):
            for k in range(n):
                vehicle = (
                    dept.code in VEHICLE_DEPARTMENTS and rng.random() < 0.7
                ) or rng.random() < 0.1
                lon, lat = _point_in_cell(cells[int(rng.integers(len(cells)))], rng)
                rows.append(
                    {
                        "unit_id": f"U{len(rows) + 1:05d}",
                        "callsign": f"{dept.code}-{street.code[-3:]}-{k + 1:02d}",
                        "kind": (UnitKind.VEHICLE if vehicle else UnitKind.PERSON).value,
                        "department": dept.code,
                        "team_id": f"T-{dept.code}-{street.code}",
                        "street_code": street.code,
                        "status": UnitStatus.PATROL.value,
                        "status_since": now,
                        "lon": lon,
                        "lat": lat,
                        "last_fix_at": now,
                    }
                )
    return rows
