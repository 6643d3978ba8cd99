"""Report calibration and arrivals: the shipped file is sound, and reports follow it."""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from backend.simulator.calibration import Calibration, load_calibration, parse_calibration
from backend.simulator.reports import ReportPlan
from models.case import Source
from models.catalogue import Catalogue, Urgency, load_catalogue
from models.demo_city import generate_demo_city
from models.errors import LoadError
from models.geo import point_in_ring
from models.geography import CityMap
from net import codec
from net.protocol import Report

RESOURCE = Path(__file__).resolve().parents[2] / "resources" / "simulator" / "calibration.toml"


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


@pytest.fixture(scope="module")
def calibration(catalogue: Catalogue) -> Calibration:
    return load_calibration(catalogue=catalogue)


@pytest.fixture(scope="module")
def city() -> CityMap:
    return generate_demo_city(target_cells=500)


def test_the_shipped_calibration_loads_and_adds_up(
    calibration: Calibration, catalogue: Catalogue
) -> None:
    assert len(calibration.hourly) == 24
    assert sum(calibration.hourly) == pytest.approx(1.0, abs=1e-9)
    assert all(share >= 0 for share in calibration.hourly)
    # Busier by day than at night, as every 311 series is.
    assert min(calibration.hourly[9:17]) > 3 * max(calibration.hourly[2:6])
    assert sum(calibration.channels.values()) == pytest.approx(1.0)
    assert set(calibration.channels) <= set(Source)
    assert sum(calibration.categories.values()) == pytest.approx(1.0)
    for code in calibration.categories:
        assert code in catalogue.categories, code
    assert len(calibration.categories) >= 30
    assert set(calibration.urgency) == set(Urgency)
    assert calibration.daily_reports > 0
    assert "calibrate_simulator.py" in calibration.method  # says how it was made


def test_a_category_missing_from_the_catalogue_is_named(catalogue: Catalogue) -> None:
    text = RESOURCE.read_text(encoding="utf-8").replace("E0102 =", "E9999 =")
    with pytest.raises(LoadError, match="E9999"):
        parse_calibration(text, catalogue)


def test_hourly_shares_must_add_up(catalogue: Catalogue) -> None:
    text = RESOURCE.read_text(encoding="utf-8").replace("0.0", "0.5", 1)
    with pytest.raises(LoadError, match="sum"):
        parse_calibration(text, catalogue)


def test_arrivals_follow_the_hourly_rhythm(calibration: Calibration, city: CityMap) -> None:
    plan = ReportPlan(calibration, city, seed=7)
    days = 10
    start = datetime(2026, 11, 30, 16, 0, tzinfo=UTC)  # midnight in Shanghai
    reports = plan.between(start, start + timedelta(days=days))
    per_day = len(reports) / days
    assert per_day == pytest.approx(calibration.daily_reports, rel=0.03)
    counts = np.zeros(24)
    for report in reports:
        counts[(report.at.hour + 8) % 24] += 1
    expected = np.array(calibration.hourly) * calibration.daily_reports * days
    # Poisson counts: within four standard deviations of the calibrated mean, every hour.
    assert np.all(np.abs(counts - expected) <= 4 * np.sqrt(expected) + 2)
    assert all(a.at <= b.at for a, b in itertools.pairwise(reports))


def test_channels_and_categories_follow_the_mix(calibration: Calibration, city: CityMap) -> None:
    plan = ReportPlan(calibration, city, seed=11)
    start = datetime(2026, 11, 30, 16, 0, tzinfo=UTC)
    reports = plan.between(start, start + timedelta(days=10))
    n = len(reports)
    sources = Counter(r.source for r in reports)
    for source, share in calibration.channels.items():
        assert sources[source] / n == pytest.approx(share, abs=4 * np.sqrt(share / n) + 1e-3)
    categories = Counter(r.category for r in reports)
    top = max(calibration.categories, key=calibration.categories.__getitem__)
    share = calibration.categories[top]
    assert categories[top] / n == pytest.approx(share, abs=4 * np.sqrt(share / n))


def test_the_same_seed_gives_the_same_reports(calibration: Calibration, city: CityMap) -> None:
    start = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
    until = start + timedelta(hours=5)
    a = ReportPlan(calibration, city, seed=7).between(start, until)
    b = ReportPlan(calibration, city, seed=7).between(start, until)
    assert a == b
    # Asking in small slices (a running simulator's ticks) gives the very same reports.
    sliced = []
    plan = ReportPlan(calibration, city, seed=7)
    t = start
    while t < until:
        sliced += plan.between(t, t + timedelta(seconds=97))
        t += timedelta(seconds=97)
    assert sliced == ReportPlan(calibration, city, seed=7).between(start, t)
    assert sliced[: len(a)] == a
    other = ReportPlan(calibration, city, seed=8).between(start, until)
    assert other != a


def test_reports_are_valid_and_placed_in_their_cell(
    calibration: Calibration, city: CityMap, catalogue: Catalogue
) -> None:
    plan = ReportPlan(calibration, city, seed=7)
    start = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
    reports = plan.between(start, start + timedelta(hours=3))
    assert reports
    for planned in reports:
        cell = city.cells[planned.cell]
        assert point_in_ring(planned.lon, planned.lat, cell.ring) or (
            abs(planned.lon - cell.centroid_lon) < 0.01
        )
        report = planned.to_report(city, catalogue)
        assert report.description
        assert cell.code in report.address
        # What goes on the wire decodes as the server will decode it.
        frame = codec.encode(Report(id="r-1", report=report))
        assert codec.decode_client(frame) == Report(id="r-1", report=report)
