"""Reference data in the database: the grid map and the catalogue's departments."""

from __future__ import annotations

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection

from backend.store.database import Database
from backend.store.orm import CellRow, CommunityRow, DepartmentRow, DistrictRow, StreetRow
from models.catalogue import Catalogue
from models.geography import Cell, CityMap, Community, Street


def sync_departments(conn: Connection, catalogue: Catalogue) -> int:
    """Insert the catalogue's departments that are missing and refresh the others' names.

    Departments are never deleted here: users, teams and units may still refer to them.

    Returns:
        How many departments were inserted.
    """
    existing = set(conn.execute(select(DepartmentRow.code)).scalars())
    added = 0
    for dept in catalogue.departments.values():
        values = {
            "name_zh": dept.name_zh,
            "name_en": dept.name_en,
            "field_forces": dept.field_forces,
            "joint_office": dept.joint_office,
        }
        if dept.code in existing:
            conn.execute(
                update(DepartmentRow).where(DepartmentRow.code == dept.code).values(**values)
            )
        else:
            conn.execute(insert(DepartmentRow).values(code=dept.code, **values))
            added += 1
    return added


def has_city(conn: Connection) -> bool:
    """Whether a grid map is stored."""
    return bool(conn.execute(select(func.count()).select_from(DistrictRow)).scalar_one())


def save_city(conn: Connection, city: CityMap) -> None:
    """Store a whole grid map (into a database that holds none yet)."""
    conn.execute(
        insert(DistrictRow).values(
            code=city.district_code,
            name_zh=city.name_zh,
            name_en=city.name_en,
            code_format=city.code_format,
            boundary=city.boundary,
            version=city.version,
        )
    )
    conn.execute(
        insert(StreetRow),
        [
            {
                "code": s.code,
                "name_zh": s.name_zh,
                "name_en": s.name_en,
                "kind": s.kind,
                "seat_lon": s.seat_lon,
                "seat_lat": s.seat_lat,
                "boundary": s.boundary,
            }
            for s in city.streets
        ],
    )
    conn.execute(
        insert(CommunityRow),
        [
            {
                "code": c.code,
                "street_code": c.street_code,
                "name_zh": c.name_zh,
                "name_en": c.name_en,
                "boundary": c.boundary,
            }
            for c in city.communities
        ],
    )
    conn.execute(
        insert(CellRow),
        [
            {
                "code": c.code,
                "street_code": c.street_code,
                "community_code": c.community_code,
                "ring": c.ring,
                "centroid_lon": c.centroid_lon,
                "centroid_lat": c.centroid_lat,
                "area_m2": c.area_m2,
            }
            for c in city.cells
        ],
    )


def load_city(db: Database) -> CityMap | None:
    """The stored grid map, or ``None`` when there is none.

    Raises:
        ValueError: the stored map's content does not match its recorded version (it was
            changed behind the application's back).
    """
    with db.session() as session:
        district = session.execute(select(DistrictRow)).scalar()
        if district is None:
            return None
        streets = [
            Street(
                code=r.code,
                name_zh=r.name_zh,
                name_en=r.name_en,
                kind="street" if r.kind == "street" else "town",
                seat_lon=r.seat_lon,
                seat_lat=r.seat_lat,
                boundary=r.boundary,
            )
            for r in session.execute(select(StreetRow)).scalars()
        ]
        communities = [
            Community(
                code=r.code,
                street_code=r.street_code,
                name_zh=r.name_zh,
                name_en=r.name_en,
                boundary=r.boundary,
            )
            for r in session.execute(select(CommunityRow)).scalars()
        ]
        cells = [
            Cell(
                code=r.code,
                street_code=r.street_code,
                community_code=r.community_code,
                ring=r.ring,
                centroid_lon=r.centroid_lon,
                centroid_lat=r.centroid_lat,
                area_m2=r.area_m2,
            )
            for r in session.execute(select(CellRow)).scalars()
        ]
        city = CityMap.build(
            district_code=district.code,
            name_zh=district.name_zh,
            name_en=district.name_en,
            streets=streets,
            communities=communities,
            cells=cells,
            boundary=district.boundary,
            code_format=district.code_format,
        )
        if city.version != district.version:
            raise ValueError(
                f"the grid map stored in {db.display_url} has version {city.version}, but "
                f"was saved as {district.version}: it was changed outside the application"
            )
        return city
