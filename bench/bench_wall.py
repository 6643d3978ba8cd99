"""Leader wall soak: a simulated day at 4K, memory growth and frame times early vs late.

    .venv/bin/python bench/bench_wall.py                  # 24 h at ×300: about 5 minutes
    .venv/bin/python bench/bench_wall.py --speed 60       # the issue's ×60: 24 minutes
    .venv/bin/python bench/bench_wall.py --hours 72       # three days

The wall workspace (``main.build_console``'s wall panels: map, figures, charts, rankings,
ticker) runs full screen on a 3840×2160 offscreen monitor, on the qasync loop, fed through
the real path: a :class:`~console.store.ClientStore` holding the demo district
(``tests/map_scenario.CityScenario``: 5,000 cells, ``--units`` units, ``--cases`` open
cases), position frames for every moving unit at 4 Hz, and numbered case events: new
reports at the calibrated 1,500 a day (8 % urgent), each accepted, dispatched, handled and
closed over the next hours (about five events a case), and the opening backlog closed over
the day. Simulated time runs ``--speed`` times faster than the wall clock, starting at
09:30, so the run crosses the night palette (19:00), midnight (a new day: counts afresh,
the weekly baseline asked again) and the morning (07:00).

The wall's own intervals (evaluation every 30 s and at most every 10 s on case events,
pages every 20 s, the clock check every minute) are divided by ``speed / 60``: whatever the
speed, the wall does the work of a day at ×60. The evaluation is answered by a stand-in
server (fresh answers for the district, 36 streets and the departments, 20 ms away), so
what is measured is the console.

Measured, in the console process:

* RSS (``/proc/self/statm``) every 5 s; growth = the end minus the end of the first
  simulated hour (warm-up: caches, fonts, first answers, every page shown once), both
  after ``gc.collect()``; and the same for the bytes malloc has handed out (glibc's
  ``mallinfo2``), which tells a leak from memory the allocator keeps;
* frame time: every 2 s, a synchronous repaint of the whole 3840×2160 window
  (``QWidget.repaint``: every dock painted before the clock stops), compared between the
  first and the last fifth of the run;
* event-loop lag: how late a 10 ms asyncio sleep wakes up, first fifth against last fifth;
* for both, the least-squares trend over the run, in ms per simulated day.

Budget (issue 9): memory growth under 50 MB over the day; frame times stable (late p95
within noise of early p95).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ctypes
import gc
import heapq
import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
_SCREENS = Path(tempfile.mkdtemp(prefix="bench-wall-")) / "screens.json"
_SCREENS.write_text(
    json.dumps(
        {
            "screens": [
                {
                    "name": "wall",
                    "x": 0,
                    "y": 0,
                    "width": 3840,
                    "height": 2160,
                    "logicalDpi": 96,
                    "logicalBaseDpi": 96,
                    "dpr": 1,
                }
            ]
        }
    ),
    encoding="utf-8",
)
os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={_SCREENS}"
os.environ.setdefault("GRID_CONSOLE_CONFIG_DIR", str(_SCREENS.parent / "config"))

import msgspec  # noqa: E402
import numpy as np  # noqa: E402
import qasync  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from console.store import StoreSignals  # noqa: E402
from console.wall import NightMode, WallFeed  # noqa: E402
from console.workspace import Role  # noqa: E402
from main import reference_data  # noqa: E402
from models.calendar import SHANGHAI  # noqa: E402
from models.case import Case, CaseState, Location, Source  # noqa: E402
from models.catalogue import Urgency, load_catalogue  # noqa: E402
from models.evaluation import Counts, EvaluatedGroup, Indicators  # noqa: E402
from net.client import Answer, ClientStatus, StatusChange  # noqa: E402
from net.protocol import (  # noqa: E402
    CaseCountsResult,
    ClientMessage,
    EvaluationResult,
    QueryCaseCounts,
    QueryEvaluation,
)
from tests.map_scenario import CityScenario  # noqa: E402
from tests.unit.client_factories import case_event, make_case  # noqa: E402
from views.main_window import MainWindow  # noqa: E402
from views.wall import FiguresPanel, wall_panel_factories  # noqa: E402

START = datetime(2026, 11, 30, 9, 30, tzinfo=SHANGHAI)
REPORTS_PER_DAY = 1500
URGENT_SHARE = 0.08
TICK_S = 0.25
LAG_TICK_S = 0.010
# A case's life after its report, in simulated minutes: accepted, dispatched, handled, closed.
LIFE = (
    (CaseState.AWAITING_DISPATCH, 8),
    (CaseState.DISPATCHED, 25),
    (CaseState.IN_PROGRESS, 60),
    (CaseState.CLOSED, 240),
)


def rss_mb() -> float:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


class _MallInfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena",
            "ordblks",
            "smblks",
            "hblks",
            "hblkhd",
            "usmblks",
            "fsmblks",
            "uordblks",
            "fordblks",
            "keepcost",
        )
    ]


def heap_in_use_mb() -> float:
    """Bytes malloc has handed out and not had back (glibc's ``mallinfo2``), in MB.

    RSS also counts memory freed but kept by the allocator (a large temporary buffer
    raises glibc's mmap threshold, and the next one of that size comes from the heap and
    stays there when freed): a step in RSS without one here is the allocator, not a leak.
    """
    libc = ctypes.CDLL("libc.so.6")
    libc.mallinfo2.restype = _MallInfo2
    info = libc.mallinfo2()
    return (info.uordblks + info.hblkhd) / 2**20


def percentile(values: list[float], p: float) -> float:
    return float(np.percentile(values, p)) if values else float("nan")


class SimClock:
    """Simulated time: ``speed`` times the wall clock, from ``START``."""

    def __init__(self, speed: float) -> None:
        self.speed = speed
        self.t0 = time.monotonic()

    def __call__(self) -> datetime:
        return START + timedelta(seconds=(time.monotonic() - self.t0) * self.speed)


class StandInServer:
    """Answers the wall's queries with fresh figures, as the server would, after 20 ms."""

    def __init__(self, clock: SimClock, streets: list[tuple[str, str, str]]) -> None:
        self.clock = clock
        self.streets = streets
        catalogue = load_catalogue()
        self.departments = [(d.code, d.name_zh, d.name_en) for d in catalogue.departments.values()]
        self.rng = np.random.default_rng(9)
        self.answered = 0

    def submit(self, message: ClientMessage) -> None:
        raise AssertionError("the wall sends no commands")

    def _groups(self, keys: list[tuple[str, str, str]]) -> list[EvaluatedGroup]:
        rows = []
        for key, zh, en in keys:
            due = int(self.rng.integers(5, 120))
            handled = int(self.rng.integers(0, due + 1))
            counts = Counts(
                due_for_handling=due,
                handled=handled,
                handled_on_time=int(self.rng.integers(0, handled + 1)),
                overdue_pending=due - handled,
                due_for_closing=due,
                closed=handled,
                filed=due + 3,
                dispatched=due + 2,
            )
            rows.append(
                EvaluatedGroup(
                    key=key, name_zh=zh, name_en=en, indicators=Indicators.from_counts(counts)
                )
            )
        return rows

    async def query(self, message: ClientMessage) -> Answer:
        await asyncio.sleep(0.02)
        self.answered += 1
        if isinstance(message, QueryEvaluation):
            keys = {
                "district": [("all", "浦东新区", "Pudong")],
                "street": self.streets,
                "department": self.departments,
            }[message.dimension.value]
            return EvaluationResult(
                id=message.id,
                start=message.start,
                end=message.end,
                dimension=message.dimension,
                as_of=self.clock(),
                rows=self._groups(keys),
            )
        if isinstance(message, QueryCaseCounts):
            hours = int((message.end - message.start) / timedelta(hours=1))
            hourly = self.rng.poisson(REPORTS_PER_DAY / 24, hours).tolist()
            return CaseCountsResult(
                id=message.id,
                start=message.start,
                end=message.end,
                as_of=self.clock(),
                hourly=hourly,
            )
        raise AssertionError(f"unexpected query {message!r}")


@dataclass
class Samples:
    rss: list[tuple[float, float]] = field(default_factory=list)  # (sim hours, MB)
    frames: list[tuple[float, float]] = field(default_factory=list)  # (sim hours, ms)
    lags: list[tuple[float, float]] = field(default_factory=list)  # (sim hours, ms)
    baseline_rss: float = float("nan")
    baseline_heap: float = float("nan")
    warm_objects: int = 0


class CityDay:
    """The district's day: position ticks and case events into the store."""

    def __init__(self, scenario: CityScenario, clock: SimClock) -> None:
        self.scenario = scenario
        self.store = scenario.store
        self.clock = clock
        self.rng = np.random.default_rng(11)
        self.seq = 1
        self.next_id = 1_000_000
        self.events = 0
        self.reports = 0
        self.pending: list[tuple[datetime, int, int]] = []  # (when, case id, life step)
        cells = scenario.city.cells
        self.cells = cells
        catalogue = load_catalogue()
        self.categories = sorted(catalogue.categories)[:60]
        self.sources = list(Source)
        # The opening backlog closes over the first day, in random order.
        for case in scenario.cases:
            when = START + timedelta(minutes=float(self.rng.uniform(0, 20 * 60)))
            heapq.heappush(self.pending, (when, case.id, len(LIFE) - 1))
        self.last_report = clock()

    def _apply(self, case: Case) -> None:
        self.seq += 1
        self.events += 1
        self.store.apply(case_event(self.seq, case))

    def _report(self, now: datetime) -> None:
        self.next_id += 1
        cell = self.cells[int(self.rng.integers(0, len(self.cells)))]
        urgent = self.rng.random() < URGENT_SHARE
        case = make_case(
            self.next_id,
            number=f"PD{now:%Y%m%d}-{self.next_id % 100_000:05d}",
            reported_at=now,
            category=self.categories[int(self.rng.integers(0, len(self.categories)))],
            source=self.sources[int(self.rng.integers(0, len(self.sources)))],
            urgency=Urgency.URGENT if urgent else Urgency.NORMAL,
            joint=bool(self.rng.random() < 0.03),
            location=Location(
                lon=cell.centroid_lon,
                lat=cell.centroid_lat,
                address=f"测试路 {self.next_id % 997} 号",
                cell_code=cell.code,
                community_code=cell.community_code,
                street_code=cell.street_code,
            ),
        )
        self.reports += 1
        self._apply(case)
        jitter = float(self.rng.uniform(0.5, 1.5))
        heapq.heappush(self.pending, (now + timedelta(minutes=LIFE[0][1] * jitter), case.id, 0))

    def _move(self, now: datetime, case_id: int, step: int) -> None:
        case = self.store.cases.get(case_id)
        if case is None or case.state.is_terminal:
            return
        state, _minutes = LIFE[step]
        changes: dict[str, object] = {"state": state, "revision": case.revision + 1}
        if state is CaseState.CLOSED:
            changes["closed_at"] = now
            changes["overdue"] = False
        self._apply(msgspec.structs.replace(case, **changes))
        if step + 1 < len(LIFE):
            delay = LIFE[step + 1][1] - LIFE[step][1]
            when = now + timedelta(minutes=delay * float(self.rng.uniform(0.5, 1.5)))
            heapq.heappush(self.pending, (when, case_id, step + 1))

    def step(self) -> None:
        """Everything due up to now: reports at the day's rate, the moves they are due."""
        now = self.clock()
        due_reports = (now - self.last_report).total_seconds() * REPORTS_PER_DAY / 86_400
        for _ in range(int(self.rng.poisson(due_reports)) if due_reports > 0 else 0):
            self._report(now)
        self.last_report = now
        while self.pending and self.pending[0][0] <= now:
            _when, case_id, step = heapq.heappop(self.pending)
            self._move(now, case_id, step)
        self.scenario.tick()


async def soak(args: argparse.Namespace, app: QApplication) -> dict[str, object]:
    clock = SimClock(args.speed)
    scenario = CityScenario(args.units, args.cases)
    store = scenario.store
    signals = StoreSignals(store)
    reference = reference_data()
    streets = [(code, names[0], names[1]) for code, names in reference.streets.items()]
    server = StandInServer(clock, streets)
    store.sink = server
    scale = args.speed / 60  # the wall does the work of a day at ×60
    feed = WallFeed(
        store,
        signals,
        now=clock,
        rotation_s=max(1.0, 20 / scale),
        night_mode=NightMode.AUTO,
        refresh_ms=round(30_000 / scale),
        event_refresh_ms=round(10_000 / scale),
        clock_ms=round(60_000 / scale),
    )
    window = MainWindow(
        role=Role.WALL,
        panel_factories=wall_panel_factories(feed, store, signals, reference),
        config_dir=_SCREENS.parent / "config",
        apply_preferences=True,
    )
    window.show_wall_fullscreen("wall")
    store.apply(StatusChange(ClientStatus.ONLINE))
    day = CityDay(scenario, clock)
    samples = Samples()
    end_s = args.hours * 3600 / args.speed
    clock.t0 = time.monotonic()  # the day starts now that everything is built
    day.last_report = clock()
    started = time.monotonic()
    next_rss = next_frame = 0.0
    warm = False
    nights = 0
    last_night = feed.night

    async def probe() -> None:
        # The event loop's lag: how late a 10 ms sleep wakes up.
        while True:
            before = time.perf_counter()
            await asyncio.sleep(LAG_TICK_S)
            late = (time.perf_counter() - before - LAG_TICK_S) * 1000
            samples.lags.append(((time.monotonic() - started) * args.speed / 3600, late))

    lag_probe = asyncio.ensure_future(probe())
    while (elapsed := time.monotonic() - started) < end_s:
        await asyncio.sleep(TICK_S)
        hours = elapsed * args.speed / 3600
        day.step()
        if feed.night != last_night:
            nights += 1
            last_night = feed.night
        if not warm and hours >= 1.0:
            warm = True
            gc.collect()
            samples.baseline_rss = rss_mb()
            samples.baseline_heap = heap_in_use_mb()
            samples.warm_objects = len(gc.get_objects())
        if elapsed >= next_rss:
            next_rss = elapsed + 5
            samples.rss.append((hours, rss_mb()))
        if elapsed >= next_frame:
            next_frame = elapsed + 2
            t0 = time.perf_counter()
            window.repaint()
            samples.frames.append((hours, (time.perf_counter() - t0) * 1000))

    lag_probe.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await lag_probe
    gc.collect()
    final_rss = rss_mb()
    final_heap = heap_in_use_mb()
    if args.screenshot is not None:
        window.grab().save(str(args.screenshot))
    figures = window.panels["figures"]
    assert isinstance(figures, FiguresPanel)
    result: dict[str, object] = {
        "speed": args.speed,
        "sim_hours": args.hours,
        "wall_seconds": round(time.monotonic() - started, 1),
        "units": args.units,
        "opening_cases": args.cases,
        "reports": day.reports,
        "case_events": day.events,
        "position_ticks": scenario.ticks,
        "store_cases_end": len(store.cases),
        "evaluation_refreshes": feed.refreshes,
        "queries_answered": server.answered,
        "page_turns": feed.page,
        "palette_switches": nights,
        "ticker_items": len(feed.ticker),
        "tiles_end": figures.values(),
        "rss_baseline_mb": round(samples.baseline_rss, 1),
        "rss_end_mb": round(final_rss, 1),
        "rss_growth_mb": round(final_rss - samples.baseline_rss, 1),
        "rss_peak_mb": round(max(mb for _h, mb in samples.rss), 1),
        "heap_in_use_growth_mb": round(final_heap - samples.baseline_heap, 1),
        "python_objects_growth": len(gc.get_objects()) - samples.warm_objects,
    }
    for name, series in (("frame", samples.frames), ("lag", samples.lags)):
        values = [v for h, v in series if h >= 1.0]
        fifth = max(1, len(values) // 5)
        early, late = values[:fifth], values[-fifth:]
        result[f"{name}_early_p50_ms"] = round(statistics.median(early), 1)
        result[f"{name}_late_p50_ms"] = round(statistics.median(late), 1)
        result[f"{name}_early_p95_ms"] = round(percentile(early, 95), 1)
        result[f"{name}_late_p95_ms"] = round(percentile(late, 95), 1)
        result[f"{name}_samples"] = len(values)
        # The trend over the whole run (least squares), per simulated day: a wall slowing
        # down shows here even when the fifths' percentiles are noisy.
        settled = [(h, v) for h, v in series if h >= 1.0]
        slope = np.polyfit([h for h, _v in settled], [v for _h, v in settled], 1)[0]
        result[f"{name}_trend_ms_per_day"] = round(float(slope) * 24, 2)
    result["rss_series"] = [(round(h, 2), round(mb, 1)) for h, mb in samples.rss]
    result["frame_series"] = [(round(h, 2), round(ms, 1)) for h, ms in samples.frames]
    window.close()
    app.processEvents()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--speed", type=float, default=300.0, help="simulated s per real s")
    parser.add_argument("--hours", type=float, default=24.0, help="simulated hours")
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--cases", type=int, default=1500, help="open cases at the start")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--screenshot", type=Path, help="save the wall at the end (PNG)")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        result = loop.run_until_complete(soak(args, app))
    for key, value in result.items():
        if not key.endswith("_series"):  # in the JSON
            print(f"{key:>24}: {value}")
    if args.json is not None:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
