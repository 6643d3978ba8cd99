"""Position tracks written in batches; photos with a size limit."""

from __future__ import annotations

from datetime import timedelta

import msgspec
import pytest
from sqlalchemy import func, insert, select

from backend.services.cases import CaseService
from backend.services.photos import PhotoService
from backend.services.positions import PositionService
from backend.services.records import PositionFix
from backend.store.database import Database
from backend.store.orm import PhotoRow, PositionRow, TeamRow, UnitRow
from models.errors import InvalidInput, UnknownId
from models.geography import CityMap
from models.workflow import NewReport
from tests.integration.support import OPERATOR, START, new_report

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 1000
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100


def _add_units(db: Database, city: CityMap, n: int) -> list[str]:
    street = city.streets[0].code
    ids = [f"U{i:03d}" for i in range(n)]
    with db.transaction(write=True) as conn:
        conn.execute(
            insert(TeamRow).values(
                team_id="T1", name_zh="队", name_en="team", department="WGLQ", street_code=street
            )
        )
        conn.execute(
            insert(UnitRow),
            [
                {
                    "unit_id": uid,
                    "callsign": uid,
                    "kind": "person",
                    "department": "WGLQ",
                    "team_id": "T1",
                    "street_code": street,
                    "status": "patrol",
                }
                for uid in ids
            ],
        )
    return ids


def _positions(db: Database) -> int:
    with db.session() as session:
        return session.execute(select(func.count()).select_from(PositionRow)).scalar_one()


def test_positions_are_written_in_batches_and_read_back_as_tracks(
    db_with_city: Database, small_city: CityMap
) -> None:
    db = db_with_city
    units = _add_units(db, small_city, 3)
    service = PositionService(db)
    batch = [
        PositionFix(
            unit_id=units[i % 3],
            at=START + timedelta(seconds=i),
            lon=121.5 + i * 1e-5,
            lat=31.2,
            speed=1.5,
            heading=float(i % 360),
        )
        for i in range(3000)
    ]
    assert service.record_positions(batch) == 3000
    assert service.record_positions([]) == 0
    track = service.track(units[1], START, START + timedelta(hours=1))
    assert track == [f for f in batch if f.unit_id == units[1]]
    assert service.track(units[1], START + timedelta(seconds=10), START + timedelta(seconds=13))
    with db.session() as session:
        unit = session.get(UnitRow, units[2])
        assert unit is not None
        assert unit.last_fix_at == batch[-1].at
        assert unit.lon == batch[-1].lon

    # A late batch with older fixes is kept in the track but does not move the unit back.
    late = [PositionFix(unit_id=units[2], at=START, lon=121.0, lat=31.0)]
    service.record_positions(late)
    with db.session() as session:
        unit = session.get(UnitRow, units[2])
        assert unit is not None
        assert unit.lon == batch[-1].lon


@pytest.mark.parametrize(
    ("fix", "field"),
    [
        (PositionFix(unit_id="U000", at=START.replace(tzinfo=None), lon=121, lat=31), "at"),
        (PositionFix(unit_id="U000", at=START, lon=999, lat=31), "lon"),
        (PositionFix(unit_id="U000", at=START, lon=121, lat=float("inf")), "lat"),
        (PositionFix(unit_id="U000", at=START, lon=121, lat=31, speed=-1), "speed"),
        (PositionFix(unit_id="U000", at=START, lon=121, lat=31, heading=360), "heading"),
    ],
)
def test_a_batch_with_one_bad_fix_is_refused_whole(
    db_with_city: Database, small_city: CityMap, fix: PositionFix, field: str
) -> None:
    units = _add_units(db_with_city, small_city, 1)
    good = PositionFix(unit_id=units[0], at=START, lon=121.5, lat=31.2)
    with pytest.raises(InvalidInput) as raised:
        PositionService(db_with_city).record_positions([good, good, fix])
    assert raised.value.field == f"fixes[2].{field}"
    assert _positions(db_with_city) == 0


def test_a_batch_naming_an_unknown_unit_is_refused_whole(
    db_with_city: Database, small_city: CityMap
) -> None:
    units = _add_units(db_with_city, small_city, 1)
    fixes = [
        PositionFix(unit_id=units[0], at=START, lon=121.5, lat=31.2),
        PositionFix(unit_id="ghost", at=START, lon=121.5, lat=31.2),
    ]
    with pytest.raises(UnknownId, match="ghost"):
        PositionService(db_with_city).record_positions(fixes)
    assert _positions(db_with_city) == 0


def test_photos_are_stored_and_checked(db: Database) -> None:
    photos = PhotoService(db, max_bytes=2000)
    photo_id = photos.store_photo(JPEG, "image/jpeg")
    stored = photos.get_photo(photo_id)
    assert stored.data == JPEG
    assert stored.size == len(JPEG)
    assert stored.content_type == "image/jpeg"
    assert photos.get_photo(photos.store_photo(PNG, "image/png")).data == PNG

    refusals = [
        (b"\xff\xd8\xff" + b"\x00" * 2000, "image/jpeg", "limit is 2,000 bytes"),
        (b"", "image/jpeg", "empty"),
        (JPEG, "image/gif", "not accepted"),
        (PNG, "image/jpeg", "not a image/jpeg file"),
    ]
    for data, content_type, message in refusals:
        with pytest.raises(InvalidInput, match=message):
            photos.store_photo(data, content_type)
    with db.session() as session:
        assert session.execute(select(func.count()).select_from(PhotoRow)).scalar_one() == 2
    with pytest.raises(UnknownId):
        photos.get_photo("nope")


def test_a_report_refers_to_stored_photos(
    service: CaseService, db: Database, city: CityMap
) -> None:
    photo_id = PhotoService(db).store_photo(JPEG, "image/jpeg")
    with_photo: NewReport = msgspec.structs.replace(new_report(city.cells[0]), photos=(photo_id,))
    event = service.report(with_photo, OPERATOR)
    assert event.case_change().case.photos == (photo_id,)
