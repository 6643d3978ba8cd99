"""The leader wall: full screen on a 4K monitor with every tile filled, the figures the
evaluation counted by hand, a bounded ticker of urgent cases, rotating pages, the night
palette, and a map that writes nothing.

The store is the map's demo district (``tests/map_scenario.CityScenario``: 300 units, 400
open cases reported at 09:00 today); the evaluation comes from the server's services over
the hand-counted day of ``tests/integration/test_evaluation_service.py``
(:class:`tests.gui.evaluation_backend.DayBackend`); "now" is that day, 18:00.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import qasync
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from console.actions import ActionRegistry
from console.preferences import Preferences
from console.store import StoreSignals
from console.theme import WALL_DAY, WALL_NIGHT
from console.wall import (
    NEXT_PAGE_ACTION,
    NIGHT_ACTION,
    NIGHT_AUTO_ACTION,
    PAUSE_ACTION,
    Evaluated,
    NightMode,
    WallFeed,
    register_wall_actions,
)
from console.wall_figures import today
from console.workspace import Role
from main import reference_data
from models.case import CaseState, Source
from models.catalogue import Urgency
from models.evaluation import Counts, EvaluatedGroup, Indicators
from models.joint import JointState
from net.client import ClientStatus, StatusChange
from tests.gui import offscreen
from tests.gui.evaluation_backend import AS_OF, DayBackend, local
from tests.gui.offscreen import THREE_SCREENS
from tests.map_scenario import CityScenario
from tests.unit.client_factories import case_event, make_case
from tests.unit.test_joint_store import joint_event
from tests.unit.test_joint_store import op as joint_op
from views.main_window import MainWindow
from views.wall import (
    ROWS_PER_PAGE,
    ChartsPanel,
    FiguresPanel,
    RankingsPanel,
    TickerPanel,
    WallMapPanel,
    wall_panel_factories,
)

WALL_SCREEN = offscreen.screen("wall", 5760, 0, 3840, 2160)


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DayBackend]:
    day = DayBackend(tmp_path_factory.mktemp("wall-day"))
    yield day
    day.close()


@pytest.fixture
def wall_screen(three_screens: None) -> None:
    """A 3840×2160 monitor beside the three desk screens (``three_screens`` unplugs it)."""
    assert offscreen.hotplug_available(), "the offscreen platform's screens cannot be changed"
    offscreen.set_screens([*THREE_SCREENS, WALL_SCREEN])


class Wall:
    """A wall workspace over a demo district: store, feed, window."""

    def __init__(self, qtbot: QtBot, tmp_path: Path, now: Any = lambda: AS_OF, **feed: Any) -> None:
        self.scenario = CityScenario(300, 400)
        self.store = self.scenario.store
        self.signals = StoreSignals(self.store)
        self.feed = WallFeed(self.store, self.signals, now=now, **feed)
        self.window = MainWindow(
            role=Role.WALL,
            panel_factories=wall_panel_factories(
                self.feed, self.store, self.signals, reference_data()
            ),
            config_dir=tmp_path / "config",
            apply_preferences=False,
        )
        qtbot.addWidget(self.window)
        self.seq = 1
        self.next_id = 10_000

    def panel(self, panel_id: str, kind: type[Any]) -> Any:
        panel = self.window.panels[panel_id]
        assert isinstance(panel, kind)
        return panel

    def arrive(self, **fields: Any) -> int:
        """A case first seen through an event (a new report); returns its id."""
        self.next_id += 1
        self.seq += 1
        fields.setdefault("reported_at", local(17))
        self.store.apply(case_event(self.seq, make_case(self.next_id, **fields)))
        return self.next_id


def test_full_screen_at_4k_every_tile_filled_with_the_figures_counted_by_hand(
    qtbot: QtBot,
    tmp_path: Path,
    loop: qasync.QEventLoop,
    backend: DayBackend,
    wall_screen: None,
    english: None,
) -> None:
    wall = Wall(qtbot, tmp_path, night_mode=NightMode.DAY)
    wall.store.sink = backend
    window = wall.window
    window.show_wall_fullscreen("wall")
    qtbot.waitUntil(lambda: window.isFullScreen() and window.width() == 3840)
    assert window.height() == 2160
    # Today's other news: two urgent reports, one closed case, one more case; joint
    # operations: one convened, one under way, one completed.
    wall.arrive(urgency=Urgency.CRITICAL, category="C0101", source=Source.HOTLINE)
    wall.arrive(urgency=Urgency.URGENT, category="E0301", source=Source.VIDEO)
    wall.arrive(state=CaseState.CLOSED, closed_at=local(16), reported_at=local(11))
    wall.arrive(joint=True, state=CaseState.IN_PROGRESS, reported_at=local(15))
    for op_id, state in enumerate((JointState.CONVENED, JointState.ACTIVE, JointState.COMPLETED)):
        wall.seq += 1
        wall.store.apply(joint_event(wall.seq, joint_op(op_id + 1, state=state)))

    async def online() -> None:
        wall.store.apply(StatusChange(ClientStatus.ONLINE))
        wall.signals.flush()  # the connection comes online: the feed asks
        task = wall.feed.refresh()
        assert task is not None
        await task

    loop.run_until_complete(asyncio.wait_for(online(), 60))
    wall.feed.recount()
    QApplication.processEvents()

    figures = wall.panel("figures", FiguresPanel)
    values = figures.values()
    assert all(v and v != "—" for v in values.values()), values
    # Live from the store: 400 open cases at 09:00 and the four above; one closed today.
    assert values["reported"] == "404"
    assert values["closed"] == "1"
    assert values["overdue"] == str(sum(c.overdue for c in wall.store.cases.values()))
    assert values["joint"] == "2"  # convened or under way
    assert values["on_duty"] == str(
        sum(1 for u in wall.scenario.units if u.status.value != "off_duty")
    )
    # From the evaluation, as counted by hand: K1, K2, K3, K5 filed and dispatched;
    # handled on time K1 and K5 of the four due.
    assert (values["filed"], values["dispatched"], values["on_time"]) == ("4", "4", "50.00 %")
    assert figures.tiles["on_time"].note.startswith("2/4")

    charts = wall.panel("charts", ChartsPanel)
    hourly = charts.hourly.heights()
    assert hourly.sum() == 404
    assert hourly[9] == 400
    assert hourly[17] == 2
    assert len(charts.hourly.line.getData()[0]) == 24  # the 7-day mean, one per hour
    for bars in (charts.categories, charts.sources, charts.streets):
        assert bars.names
        assert bars.values.sum() > 0
    assert "12345 hotline" in charts.sources.names

    rankings = wall.panel("rankings", RankingsPanel)
    day = backend.day
    names = {s.code: s.name_en for s in backend.city.streets}
    assert rankings.model.groups()[0].key == day.street_a  # 2/3 before 0/1
    shown = [
        [rankings.model.text(r, c) for c in range(rankings.model.columnCount())]
        for r in range(rankings.model.rowCount())
    ]
    assert shown == [
        ["1", names[day.street_a], "66.67 %", "100.00 %", "100.00 %", "0.00 %", "3"],
        ["2", names[day.street_b], "0.00 %", "0.00 %", "0.00 %", "100.00 %", "1"],
    ]
    rankings.show_page(1)
    assert [(g.key, rankings.model.text(i, 2)) for i, g in enumerate(rankings.model.groups())] == [
        ("HW", "66.67 %"),
        ("CGZF", "0.00 %"),
    ]

    ticker = wall.panel("ticker", TickerPanel)
    assert len(ticker.ticker.items) == 2
    assert ticker.ticker.running

    live_map = wall.panel("wall_map", WallMapPanel).map
    assert live_map.read_only
    assert live_map.measure_values().sum() == 400  # cells shaded by the open cases in them
    assert live_map.units.x.size == 300

    image = window.grab().toImage()
    assert (image.width(), image.height()) == (3840, 2160)


def test_the_ticker_shows_new_urgent_cases_newest_first_and_stays_bounded(
    qtbot: QtBot, tmp_path: Path, english: None
) -> None:
    wall = Wall(qtbot, tmp_path, ticker_capacity=5)
    wall.window.show()
    ticker = wall.panel("ticker", TickerPanel).ticker
    assert ticker.items == []
    assert not ticker.running
    ids = []
    for i in range(12):
        ids.append(
            wall.arrive(urgency=Urgency.URGENT, reported_at=local(17) + timedelta(minutes=i))
        )
        wall.arrive(urgency=Urgency.NORMAL)  # not urgent: not on the ticker
        wall.signals.flush()
    assert len(wall.feed.ticker) == 5
    assert [c.id for c in wall.feed.ticker] == ids[::-1][:5]
    assert len(ticker.items) == 5
    assert ticker.items[0].endswith(f"PD20261130-{ids[-1]:04d}")
    assert ticker.running
    offset = ticker.offset
    qtbot.waitUntil(lambda: ticker.offset > offset, timeout=2000)  # it scrolls
    # A closed urgent case, or one from a snapshot, does not come in as news.
    wall.arrive(urgency=Urgency.CRITICAL, state=CaseState.CLOSED)
    wall.signals.flush()
    assert [c.id for c in wall.feed.ticker] == ids[::-1][:5]


def test_pages_rotate_on_a_timer_pause_and_turn_by_hand(
    qtbot: QtBot, tmp_path: Path, english: None
) -> None:
    wall = Wall(qtbot, tmp_path, rotation_s=1.0)
    wall.window.show()
    charts = wall.panel("charts", ChartsPanel)
    rankings = wall.panel("rankings", RankingsPanel)
    assert charts.stack.currentIndex() == 0
    first_title = charts.title.text()
    with qtbot.waitSignal(wall.feed.page_turned, timeout=3000):
        pass
    assert charts.stack.currentIndex() == 1
    assert charts.title.text() != first_title
    assert charts.page_label.text() == "2 / 4"
    assert rankings.page_label.text().endswith("/ 2")  # a page of streets, one of departments

    registry = ActionRegistry()
    saved: list[Preferences] = []
    register_wall_actions(registry, wall.feed, Preferences(), saved.append)
    registry.trigger(PAUSE_ACTION)
    assert wall.feed.paused
    page = charts.stack.currentIndex()
    with qtbot.assertNotEmitted(wall.feed.page_turned, wait=1800):
        pass
    registry.trigger(NEXT_PAGE_ACTION)  # by hand, also while paused
    assert charts.stack.currentIndex() == (page + 1) % 4
    registry.trigger(PAUSE_ACTION)
    with qtbot.waitSignal(wall.feed.page_turned, timeout=3000):
        pass


def test_rankings_page_through_every_street(tmp_path: Path, qtbot: QtBot, english: None) -> None:
    wall = Wall(qtbot, tmp_path)
    wall.window.show()
    rankings = wall.panel("rankings", RankingsPanel)
    sample = make_case(1).reported_at
    groups = [
        EvaluatedGroup(
            key=f"S{i:02d}",
            name_en=f"Street {i}",
            indicators=Indicators.from_counts(
                Counts(due_for_handling=30, handled=30, handled_on_time=i)
            ),
        )
        for i in range(30)
    ]
    wall.feed.evaluated = Evaluated(
        period=today(sample), as_of=sample, own=None, streets=tuple(groups), departments=()
    )
    wall.feed.evaluation_changed.emit()
    assert len(rankings.pages) == 3 + 1  # 30 streets in pages of 12, and the departments
    seen = []
    for page in range(3):
        rankings.show_page(page)
        seen += [g.key for g in rankings.model.groups()]
        assert rankings.model.rowCount() <= ROWS_PER_PAGE
    assert seen == [f"S{i:02d}" for i in range(29, -1, -1)]  # every street, best first
    assert rankings.model.text(0, 0) == "25"  # ranks run on across pages


def test_night_palette_by_time_of_day_and_by_hand(
    qtbot: QtBot, tmp_path: Path, english: None
) -> None:
    clock = {"now": local(18, 59)}
    wall = Wall(qtbot, tmp_path, now=lambda: clock["now"])
    wall.window.show()
    figures = wall.panel("figures", FiguresPanel)
    ticker = wall.panel("ticker", TickerPanel).ticker
    assert not wall.feed.night
    assert figures.tiles["reported"].colours is WALL_DAY
    clock["now"] = local(19, 0)
    with qtbot.waitSignal(wall.feed.night_changed):
        wall.feed.check_clock()
    assert wall.feed.night
    assert figures.tiles["reported"].colours is WALL_NIGHT
    assert ticker.colours is WALL_NIGHT
    assert WALL_NIGHT["ground"] in figures.styleSheet()
    grab = figures.tiles["reported"].grab().toImage()
    corner = grab.pixelColor(grab.width() // 2, 4).name().upper()
    assert corner == WALL_NIGHT["tile"].upper()

    registry = ActionRegistry()
    saved: list[Preferences] = []
    preferences = Preferences()
    register_wall_actions(registry, wall.feed, preferences, saved.append)
    registry.trigger(NIGHT_ACTION)  # by hand: day, although it is night
    assert not wall.feed.night
    assert wall.feed.night_mode is NightMode.DAY
    assert preferences.wall_night == "day"
    assert saved
    clock["now"] = local(23)
    wall.feed.check_clock()
    assert not wall.feed.night  # chosen by hand: the hour does not change it
    registry.trigger(NIGHT_AUTO_ACTION)  # by time of day again
    assert wall.feed.night
    assert preferences.wall_night == "auto"
    clock["now"] = local(7, 0, day=1)
    wall.feed.check_clock()
    assert not wall.feed.night


def test_the_wall_map_writes_nothing(qtbot: QtBot, tmp_path: Path, english: None) -> None:
    wall = Wall(qtbot, tmp_path)
    wall.window.show()
    live_map = wall.panel("wall_map", WallMapPanel).map
    unit = wall.scenario.units[0]
    x, y = live_map.projection.point(unit.lon, unit.lat)
    live_map.canvas.view.clicked.emit(QPointF(x, y), Qt.KeyboardModifier.NoModifier)
    live_map.canvas.view.box_selected.emit(live_map.canvas.home)
    live_map.begin_pick()
    live_map.canvas.view.clicked.emit(QPointF(x, y), Qt.KeyboardModifier.NoModifier)
    wall.signals.flush()
    assert wall.store.selection.units == frozenset()
    assert wall.store.selection.cases == frozenset()
    assert wall.store.selection.cells == frozenset()


def test_the_feed_asks_nothing_without_a_wall_panel(
    qtbot: QtBot, tmp_path: Path, backend: DayBackend
) -> None:
    scenario = CityScenario(10, 10)
    signals = StoreSignals(scenario.store)
    feed = WallFeed(scenario.store, signals, now=lambda: AS_OF)
    scenario.store.sink = backend
    asked = len(backend.queries)
    scenario.store.apply(StatusChange(ClientStatus.ONLINE))
    signals.flush()
    assert feed.refresh() is None
    assert len(backend.queries) == asked
    assert not feed.active


def test_the_feed_rests_while_another_workspace_is_open(
    qtbot: QtBot, tmp_path: Path, english: None
) -> None:
    wall = Wall(qtbot, tmp_path)
    wall.window.show()
    assert wall.feed.active
    wall.window.switch_workspace(Role.DISPATCHER)
    qtbot.waitUntil(lambda: not wall.feed.active)  # the wall's panels are gone
    wall.feed.failed.emit("offline")  # reaches no dead panel
    wall.feed.next_page()
    wall.arrive(urgency=Urgency.URGENT)
    wall.signals.flush()
    assert not wall.feed.ticker  # no wall open: nothing collected for it
    wall.window.switch_workspace(Role.WALL)
    assert wall.feed.active
    assert wall.panel("figures", FiguresPanel).values()["reported"] == "401"
