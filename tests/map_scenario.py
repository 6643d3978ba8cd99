"""A district on the map for the map's tests and benchmark: the demo city, units of every
agency spread over its cells, open cases in its cells, and position ticks that move them.

Everything goes into a real :class:`console.store.ClientStore` the way the server's
messages would (a snapshot, then position frames), so the map is fed by the real path.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache

import numpy as np

from console.store import ClientStore
from models.case import CaseState, Location
from models.catalogue import Urgency
from models.demo_city import generate_demo_city
from models.geography import CityMap
from models.org import Unit, UnitKind, UnitStatus
from net.protocol import PositionFrame
from tests.unit.client_factories import make_case, snapshot

AGENCIES = ("WGLQ", "CGZF", "GA", "JJ", "SCJG", "HW", "XF")
NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
OPEN_STATES = (
    CaseState.AWAITING_ACCEPTANCE,
    CaseState.AWAITING_DISPATCH,
    CaseState.DISPATCHED,
    CaseState.IN_PROGRESS,
    CaseState.AWAITING_VERIFICATION,
    CaseState.SUSPENDED,
)


@cache
def demo_city() -> CityMap:
    return generate_demo_city()


class CityScenario:
    """A store holding the demo city, ``units`` units and ``cases`` open cases.

    Args:
        units: How many units (spread over the agencies in turn).
        cases: How many open cases.
        seed: For the random placement.
        stale_share: Share of units whose last report is an hour old.
    """

    def __init__(self, units: int, cases: int, seed: int = 7, stale_share: float = 0.02) -> None:
        self.rng = np.random.default_rng(seed)
        self.city = city = demo_city()
        self.store = ClientStore()
        centroids = np.array([(c.centroid_lon, c.centroid_lat) for c in city.cells])
        unit_cells = self.rng.integers(0, len(city.cells), units)
        self.lon = centroids[unit_cells, 0] + self.rng.normal(0, 0.001, units)
        self.lat = centroids[unit_cells, 1] + self.rng.normal(0, 0.001, units)
        statuses = list(UnitStatus)
        stale = self.rng.random(units) < stale_share
        unit_list = [
            Unit(
                unit_id=f"U{i:05d}",
                callsign=f"{AGENCIES[i % len(AGENCIES)]}-{i:05d}",
                kind=UnitKind.VEHICLE if i % 5 == 0 else UnitKind.PERSON,
                department=AGENCIES[i % len(AGENCIES)],
                team_id=f"T{i % 40}",
                street_code=city.cells[unit_cells[i]].street_code,
                status=statuses[int(self.rng.integers(0, 4))] if i % 9 else UnitStatus.PATROL,
                status_since=NOW,
                lon=float(self.lon[i]),
                lat=float(self.lat[i]),
                last_fix_at=NOW - timedelta(hours=1) if stale[i] else NOW,
            )
            for i in range(units)
        ]
        case_cells = self.rng.integers(0, len(city.cells), cases)
        urgencies = list(Urgency)
        case_list = [
            make_case(
                i + 1,
                state=OPEN_STATES[i % len(OPEN_STATES)],
                urgency=urgencies[0 if i % 10 else (1 + i % 2)],
                overdue=i % 17 == 0,
                location=Location(
                    lon=float(centroids[c, 0]) + float(self.rng.normal(0, 0.0008)),
                    lat=float(centroids[c, 1]) + float(self.rng.normal(0, 0.0008)),
                    address=f"测试路 {i} 号",
                    cell_code=city.cells[c].code,
                    community_code=city.cells[c].community_code,
                    street_code=city.cells[c].street_code,
                ),
            )
            for i, c in enumerate(case_cells)
        ]
        self.units = unit_list
        self.cases = case_list
        self.unit_ids = [u.unit_id for u in unit_list]
        self.moving = ~stale
        for chunk in snapshot(1, case_list, unit_list):
            self.store.apply(chunk)
        self.store.set_city(city)
        self.ticks = 0

    def tick(self, step_deg: float = 0.0002) -> PositionFrame:
        """Move every fresh unit a little and write the frame into the store."""
        frame = self.next_frame(step_deg)
        self.store.apply(frame)
        return frame

    def next_frame(self, step_deg: float = 0.0002) -> PositionFrame:
        """The next position frame: every fresh unit moved a little (not applied)."""
        self.ticks += 1
        ids = [u for u, m in zip(self.unit_ids, self.moving, strict=True) if m]
        n = len(ids)
        self.lon[self.moving] += self.rng.normal(0, step_deg, n)
        self.lat[self.moving] += self.rng.normal(0, step_deg, n)
        return PositionFrame(
            at=NOW + timedelta(seconds=self.ticks / 4),
            unit_ids=ids,
            lons=self.lon[self.moving].tolist(),
            lats=self.lat[self.moving].tolist(),
            headings=[int(h) for h in self.rng.integers(0, 360, n)],
            statuses=[UnitStatus.PATROL] * n,
        )
