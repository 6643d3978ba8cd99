"""Cases, units, teams and server messages for the console-side tests (client, store, models)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import msgspec

from models.case import Case, CaseState, HistoryEntry, Location, Reporter, Source
from models.catalogue import Urgency
from models.org import Role, Team, Unit, UnitKind, UnitStatus, User
from net.protocol import (
    PROTOCOL_VERSION,
    CaseChanged,
    Event,
    PositionFrame,
    SnapshotChunk,
    Synced,
    UnitChanged,
    Welcome,
)

T0 = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)
"""Monday 2026-11-30 09:00 in Shanghai."""

STREETS = ("310115005", "310115007", "310115103")
CATEGORIES = ("E0102", "C0101", "E0301", "C0203")
DESCRIPTIONS = ("绿化带内堆放生活垃圾", "井盖缺失 manhole missing", "共享单车乱停放", "占道经营")

OPERATOR = User(user_id="zhangmin", name="张敏", role=Role.OPERATOR)

_BASE = Case(
    id=1,
    number="PD20261130-0001",
    source=Source.PATROL,
    category="E0102",
    urgency=Urgency.NORMAL,
    location=Location(lon=121.5, lat=31.23, address="浦东南路 1 号", street_code=STREETS[0]),
    description=DESCRIPTIONS[0],
    reporter=Reporter(kind="user", ident="wangqiang"),
    reported_at=T0,
)


def make_case(case_id: int, revision: int = 1, **changes: object) -> Case:
    """A case with a readable number; any field may be overridden."""
    fields: dict[str, object] = {
        "id": case_id,
        "number": f"PD20261130-{case_id:04d}",
        "revision": revision,
    }
    fields.update(changes)
    return msgspec.structs.replace(_BASE, **fields)


def random_case(rng: random.Random, case_id: int, revision: int = 1) -> Case:
    """A case with random state, category, urgency, street, times and flags."""
    street = rng.choice(STREETS)
    return make_case(
        case_id,
        revision,
        state=rng.choice(list(CaseState)),
        category=rng.choice(CATEGORIES),
        urgency=rng.choice(list(Urgency)),
        source=rng.choice(list(Source)),
        location=Location(
            lon=121.5,
            lat=31.23,
            address=f"浦东南路 {rng.randrange(1, 3000)} 号",
            street_code=street,
        ),
        description=rng.choice(DESCRIPTIONS),
        reported_at=T0 + timedelta(minutes=rng.randrange(5000)),
        step_deadline=None if rng.random() < 0.2 else T0 + timedelta(minutes=rng.randrange(9000)),
        overdue=rng.random() < 0.1,
        warned=rng.random() < 0.2,
        urge_level=rng.choice((0, 0, 0, 1, 2)),
        joint=rng.random() < 0.1,
    )


def make_unit(unit_id: str, **changes: object) -> Unit:
    fields: dict[str, object] = {
        "unit_id": unit_id,
        "callsign": f"陆家嘴联勤{unit_id[-2:]}",
        "kind": UnitKind.PERSON,
        "department": "WGLQ",
        "team_id": "T-LJZ-2",
        "street_code": STREETS[0],
        "status": UnitStatus.PATROL,
        "status_since": T0,
        "lon": 121.5,
        "lat": 31.23,
        "last_fix_at": T0,
    }
    fields.update(changes)
    return Unit(**fields)  # type: ignore[arg-type]


def make_team(team_id: str, street: str = STREETS[0], department: str = "WGLQ") -> Team:
    return Team(
        team_id=team_id,
        name_zh=f"联勤{team_id}队",
        name_en=f"Joint patrol {team_id}",
        department=department,
        street_code=street,
    )


def welcome(resume: str = "snapshot", last_seq: int = 0, token: str = "tk-1") -> Welcome:
    return Welcome(
        protocol=PROTOCOL_VERSION,
        server_version="test",
        user=OPERATOR,
        token=token,
        token_expires_at=T0 + timedelta(hours=12),
        server_time=T0,
        last_seq=last_seq,
        resume=resume,  # type: ignore[arg-type]
    )


def snapshot(
    seq: int,
    cases: Sequence[Case] = (),
    units: Sequence[Unit] = (),
    teams: Sequence[Team] = (),
    *,
    chunks: int = 1,
    snapshot_id: str = "s-1",
) -> list[SnapshotChunk]:
    """A snapshot split into ``chunks`` chunks (cases spread over them, units in the last)."""
    parts: list[list[Case]] = [list(cases[i::chunks]) for i in range(chunks)]
    return [
        SnapshotChunk(
            snapshot_id=snapshot_id,
            index=i,
            count=chunks,
            seq=seq,
            cases=part,
            units=list(units) if i == chunks - 1 else [],
            teams=list(teams) if i == 0 else [],
            catalogue_version="cat-1",
            map_version="map-1",
        )
        for i, part in enumerate(parts)
    ]


def case_event(seq: int, case: Case) -> Event:
    entry = HistoryEntry(
        case_id=case.id,
        revision=case.revision,
        move="accept",
        actor_id="zhangmin",
        actor_role="operator",
        terminal="console-1",
        at=T0,
        from_state=None,
        to_state=case.state,
    )
    return Event(seq=seq, at=T0, body=CaseChanged(case=case, entry=entry))


def unit_event(seq: int, unit: Unit) -> Event:
    return Event(seq=seq, at=T0, body=UnitChanged(unit=unit))


def synced(seq: int) -> Synced:
    return Synced(seq=seq)


def position_frame(
    unit_ids: Sequence[str],
    lons: Sequence[float],
    lats: Sequence[float],
    *,
    at: datetime = T0,
    headings: Sequence[int | None] | None = None,
    statuses: Sequence[UnitStatus] | None = None,
) -> PositionFrame:
    n = len(unit_ids)
    return PositionFrame(
        at=at,
        unit_ids=list(unit_ids),
        lons=list(lons),
        lats=list(lats),
        headings=list(headings) if headings is not None else [None] * n,
        statuses=list(statuses) if statuses is not None else [UnitStatus.PATROL] * n,
    )
