"""When reports arrive, by which channel, about what and where. Pure and seeded.

Arrivals are a Poisson process whose rate follows the calibrated daily rhythm: in each
local hour the number of reports is Poisson with mean ``daily_reports * share[hour]``, at
uniform instants within the hour. Each report's channel, category and urgency are drawn
from the calibrated mixes; its place is a uniform point in a cell, the cells of the urban
streets (街道) weighing ``URBAN_WEIGHT`` times those of the towns (镇), because reports
are denser where people are. An hour's reports depend only on the seed and the hour, so
the same seed gives the same reports whatever the start time or speed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np

from backend.simulator.calibration import Calibration
from backend.simulator.shifts import SHANGHAI_OFFSET
from models.case import Source
from models.catalogue import Catalogue, Urgency
from models.geo import point_in_ring
from models.geography import CityMap
from models.workflow import NewReport

URBAN_WEIGHT = 3.0
"""How much more a cell of an urban street (街道) reports than a cell of a town (镇)."""

OPENINGS: dict[Source, str] = {
    Source.PATROL: "网格巡查发现",
    Source.JOINT_PATROL: "小区联勤巡查发现",
    Source.VOLUNTEER: "志愿者随手拍上报",
    Source.WORKSTATION: "村居工作站上报",
    Source.HOTLINE: "市民来电反映",
    Source.VIDEO: "视频监控发现",
    Source.EMERGENCY_TRANSFER: "110联动转办",
}
"""How each channel's report begins, as the staff would write it."""

CENTRE_SOURCES = frozenset({Source.HOTLINE, Source.VIDEO, Source.EMERGENCY_TRANSFER})
"""Channels entered at the centre by an operator (a call, a camera); the rest come from
field terminals."""


@dataclass(frozen=True)
class PlannedReport:
    """One report the simulator will make.

    Attributes:
        at: When (simulated time, UTC).
        number: Its place in the hour (with ``at``, a unique, stable name).
        cell: Index of its cell in the city map.
    """

    at: datetime
    number: int
    source: Source
    category: str
    urgency: Urgency
    cell: int
    lon: float
    lat: float

    def to_report(self, city: CityMap, catalogue: Catalogue) -> NewReport:
        """The wire report, with an address and a description in the staff's words."""
        cell = city.cells[self.cell]
        street = city.street(cell.street_code)
        community = city.community(cell.community_code)
        name = catalogue.category(self.category).name_zh
        address = f"{street.name_zh}{community.name_zh}，网格{cell.code}"
        return NewReport(
            source=self.source,
            category=self.category,
            urgency=self.urgency,
            lon=self.lon,
            lat=self.lat,
            address=address,
            description=f"{OPENINGS[self.source]}：{community.name_zh}附近{name}",
            reporter_name="市民" if self.source is Source.HOTLINE else "",
        )


def _hour_start(at: datetime) -> datetime:
    """The start of the local (Asia/Shanghai) hour containing ``at``, in UTC."""
    epoch = int(at.timestamp()) // 3600 * 3600
    return datetime.fromtimestamp(epoch, UTC)


class ReportPlan:
    """The arrival process over a city.

    Args:
        calibration: Rhythm and mixes.
        city: Where reports may come from.
        seed: The simulation's seed.
    """

    def __init__(self, calibration: Calibration, city: CityMap, seed: int) -> None:
        self.calibration = calibration
        self.city = city
        self.seed = seed
        kinds = {s.code: s.kind for s in city.streets}
        weight = np.array(
            [URBAN_WEIGHT if kinds[c.street_code] == "street" else 1.0 for c in city.cells]
        )
        self._cell_p = weight / weight.sum()
        self._sources = list(calibration.channels)
        self._source_p = np.array([calibration.channels[s] for s in self._sources])
        self._categories = list(calibration.categories)
        self._category_p = np.array([calibration.categories[c] for c in self._categories])
        self._urgencies = list(calibration.urgency)
        self._urgency_p = np.array([calibration.urgency[u] for u in self._urgencies])
        self._cache: dict[datetime, list[PlannedReport]] = {}

    def hour(self, start: datetime) -> list[PlannedReport]:
        """The reports of the hour beginning at ``start`` (a whole hour), in time order."""
        cached = self._cache.get(start)
        if cached is not None:
            return cached
        epoch_hour = int(start.timestamp()) // 3600
        rng = np.random.default_rng([self.seed, 5, epoch_hour])
        local_hour = (epoch_hour + SHANGHAI_OFFSET // 3600) % 24
        mean = self.calibration.daily_reports * self.calibration.hourly[local_hour]
        n = int(rng.poisson(mean))
        offsets = np.sort(rng.uniform(0.0, 3600.0, size=n))
        sources = rng.choice(len(self._sources), size=n, p=self._source_p)
        categories = rng.choice(len(self._categories), size=n, p=self._category_p)
        urgencies = rng.choice(len(self._urgencies), size=n, p=self._urgency_p)
        cells = rng.choice(len(self._cell_p), size=n, p=self._cell_p)
        reports = []
        for k in range(n):
            cell = int(cells[k])
            lon, lat = self._point_in(cell, rng)
            reports.append(
                PlannedReport(
                    at=start + timedelta(seconds=float(offsets[k])),
                    number=k,
                    source=self._sources[int(sources[k])],
                    category=self._categories[int(categories[k])],
                    urgency=self._urgencies[int(urgencies[k])],
                    cell=cell,
                    lon=lon,
                    lat=lat,
                )
            )
        if len(self._cache) > 4:
            self._cache.clear()  # only the current hour and its neighbours are asked for
        self._cache[start] = reports
        return reports

    def _point_in(self, cell_no: int, rng: np.random.Generator) -> tuple[float, float]:
        cell = self.city.cells[cell_no]
        lons = [p[0] for p in cell.ring]
        lats = [p[1] for p in cell.ring]
        for _ in range(20):
            lon = float(rng.uniform(min(lons), max(lons)))
            lat = float(rng.uniform(min(lats), max(lats)))
            if point_in_ring(lon, lat, cell.ring):
                return round(lon, 6), round(lat, 6)
        return cell.centroid_lon, cell.centroid_lat

    def between(self, after: datetime, until: datetime) -> list[PlannedReport]:
        """The reports with ``after < at <= until``, in time order."""
        out: list[PlannedReport] = []
        start = _hour_start(after)
        while start <= until:
            out.extend(r for r in self.hour(start) if after < r.at <= until)
            start += timedelta(hours=1)
        return out
