"""Workspaces on several screens: saved and restored, screens missing, screens unplugged.

The restarts are real: the console runs in a subprocess (``workspace_probe.py``) once with
DESIGN.md's three screens to lay the windows out and save, then again with the same or
fewer screens to restore and report where Qt put each window.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDockWidget, QLabel, QWidget
from pytestqt.qtbot import QtBot

from console.workspace import Role, WorkspaceStore
from tests.gui import offscreen
from tests.gui.conftest import OFFSCREEN_NOISE
from tests.gui.offscreen import THREE_SCREENS, platform_for, screen, write_config
from views.main_window import MainWindow, PlaceholderPanel

ROOT = Path(__file__).resolve().parents[2]
PROBE = Path(__file__).with_name("workspace_probe.py")

# Main window on the centre screen; one panel torn off onto each screen.
PLAN: dict[str, Any] = {
    "main": [1920 + 100, 60, 1600, 900],
    "panels": {
        "map": [200, 120, 1200, 800],  # left
        "case_queue": [1920 + 1000, 300, 700, 600],  # centre
        "alerts": [3840 + 860, 600, 900, 400],  # right
    },
}
SCREEN_OF = {"map": "left", "case_queue": "centre", "alerts": "right"}

MakeWindow = Callable[..., MainWindow]


def run_probe(tmp_path: Path, screens: list[dict[str, Any]], *args: str) -> dict[str, Any]:
    """Runs the console in a subprocess with ``screens``; returns its JSON report."""
    config = write_config(tmp_path / f"screens-{len(list(tmp_path.iterdir()))}.json", screens)
    env = {**os.environ, "QT_QPA_PLATFORM": platform_for(config), "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, str(PROBE), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    # The console must not make Qt complain in the child either (only the platform may).
    complaints = [
        line for line in result.stderr.splitlines() if line and not re.match(OFFSCREEN_NOISE, line)
    ]
    assert not complaints, result.stderr
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def _inside(rect: list[int], area: list[int]) -> bool:
    x, y, w, h = rect
    ax, ay, aw, ah = area
    return ax <= x and ay <= y and x + w <= ax + aw and y + h <= ay + ah


@pytest.fixture
def saved_layout(tmp_path: Path) -> Path:
    """A dispatcher workspace laid out over three screens by one run and saved on close."""
    config_dir = tmp_path / "config"
    report = run_probe(tmp_path, THREE_SCREENS, "arrange", str(config_dir), json.dumps(PLAN))
    assert set(report["screens"]) == {"left", "centre", "right"}
    for panel_id, geometry in PLAN["panels"].items():
        assert report["panels"][panel_id]["floating"]
        assert report["panels"][panel_id]["geometry"] == geometry
    return config_dir


def test_three_screen_layout_is_restored_on_the_same_screens(
    tmp_path: Path, saved_layout: Path
) -> None:
    saved = WorkspaceStore(saved_layout).load(Role.DISPATCHER)
    assert saved is not None
    assert {p.panel_id: p.placement.screen for p in saved.panels if p.placement} == SCREEN_OF

    report = run_probe(tmp_path, THREE_SCREENS, "report", str(saved_layout))

    assert report["main"]["geometry"] == PLAN["main"]
    assert report["main"]["screen"] == "centre"
    for panel_id, geometry in PLAN["panels"].items():
        panel = report["panels"][panel_id]
        assert panel["floating"], panel_id
        assert panel["visible"], panel_id
        assert panel["geometry"] == geometry, panel_id
        assert panel["screen"] == SCREEN_OF[panel_id], panel_id  # as Qt itself sees it
    for panel_id in ("case_detail", "units"):
        assert not report["panels"][panel_id]["floating"]  # still docked


def test_with_a_screen_missing_its_panel_lands_on_the_primary_inside_its_area(
    tmp_path: Path, saved_layout: Path
) -> None:
    two_screens = [s for s in THREE_SCREENS if s["name"] != "right"]
    report = run_probe(tmp_path, two_screens, "report", str(saved_layout))

    primary = report["primary"]
    alerts = report["panels"]["alerts"]
    assert alerts["floating"]
    assert alerts["visible"]
    assert alerts["screen"] == primary
    assert _inside(alerts["geometry"], report["available"][primary])
    px, py, _pw, _ph = report["screens"][primary]
    # Same size, same offset from the screen's corner as it had on "right".
    assert alerts["geometry"] == [px + 860, py + 600, 900, 400]
    # Windows whose screens are still there did not move.
    assert report["panels"]["map"]["geometry"] == PLAN["panels"]["map"]
    assert report["panels"]["map"]["screen"] == "left"
    assert report["main"]["geometry"] == PLAN["main"]


def test_with_the_primary_screen_of_last_time_missing_its_windows_move_too(
    tmp_path: Path, saved_layout: Path
) -> None:
    without_centre = [s for s in THREE_SCREENS if s["name"] != "centre"]
    report = run_probe(tmp_path, without_centre, "report", str(saved_layout))

    primary = report["primary"]
    assert primary == "left"  # the platform's first screen now
    for window in (report["main"], report["panels"]["case_queue"]):
        assert window["screen"] == "left"
        assert _inside(window["geometry"], report["available"]["left"])
    assert report["main"]["geometry"][2:] == PLAN["main"][2:]  # size kept: it fits
    assert report["panels"]["alerts"]["screen"] == "right"


def test_on_a_single_small_screen_every_window_fits_inside_it(
    tmp_path: Path, saved_layout: Path
) -> None:
    laptop = [screen("laptop", 0, 0, 1366, 768)]
    report = run_probe(tmp_path, laptop, "report", str(saved_layout))

    area = report["available"]["laptop"]
    windows = [report["main"]] + [report["panels"][p] for p in PLAN["panels"]]
    for window in windows:
        assert window["screen"] == "laptop"
        assert _inside(window["frame"], area), window  # title bar and borders included
    assert report["panels"]["alerts"]["geometry"][2:] == [900, 400]  # fits: size kept
    main_frame = report["main"]["frame"]
    assert main_frame[2:] == [1366, 768]  # too big: shrunk to fill the screen exactly


# -- in one process: screens plugged in and out while the console runs ---------------------


@pytest.fixture
def make_window(qtbot: QtBot, tmp_path: Path, english: None) -> MakeWindow:
    def make(role: str = "dispatcher", **kwargs: Any) -> MainWindow:
        window = MainWindow(
            role=role, config_dir=tmp_path / "config", apply_preferences=False, **kwargs
        )
        qtbot.addWidget(window)
        window.setGeometry(QRect(1920 + 100, 60, 1600, 900))
        window.show()
        qtbot.waitExposed(window)
        return window

    return make


def _tear_off(qtbot: QtBot, dock: QDockWidget, geometry: QRect) -> None:
    dock.setFloating(True)
    dock.setGeometry(geometry)
    dock.show()
    qtbot.waitExposed(dock)


def _screen_of(widget: QWidget) -> str:
    handle = widget.windowHandle()
    assert handle is not None
    return handle.screen().name()


def _screen_geometry(name: str) -> QRect:
    found = [s for s in QGuiApplication.screens() if s.name() == name]
    assert found, name
    return found[0].geometry()


@pytest.fixture
def hotplug(three_screens: None) -> None:
    assert offscreen.hotplug_available(), "the offscreen platform's screens cannot be changed"


def test_unplugging_a_screen_moves_its_panel_to_the_primary_and_back(
    qtbot: QtBot, make_window: MakeWindow, hotplug: None, tmp_path: Path
) -> None:
    window = make_window()
    alerts = window.docks["alerts"]
    home = QRect(3840 + 860, 600, 900, 400)
    _tear_off(qtbot, alerts, home)

    with qtbot.waitSignal(window.workspaces.screens_changed):
        offscreen.set_screens([s for s in THREE_SCREENS if s["name"] != "right"])

    primary = QGuiApplication.primaryScreen()
    assert alerts.isVisible()
    assert primary.availableGeometry().contains(alerts.geometry())
    assert alerts.geometry().size() == home.size()
    # Same offset from its screen's corner as on "right" (which starts at x = 3840).
    assert alerts.geometry().topLeft() - primary.geometry().topLeft() == QPoint(860, 600)
    qtbot.waitUntil(lambda: _screen_of(alerts) == primary.name())
    # The main window's menu now offers two screens.
    assert "window.move_to_screen.3" not in window.registry
    assert "window.move_to_screen.2" in window.registry

    # Saved meanwhile, the panel's home is still the right screen.
    window.save_workspace()
    saved = WorkspaceStore(tmp_path / "config").load(Role.DISPATCHER)
    assert saved is not None
    placement = saved.panel("alerts").placement
    assert placement is not None
    assert (placement.screen, placement.geometry.to_list()) == ("right", [4700, 600, 900, 400])

    with qtbot.waitSignal(window.workspaces.screens_changed):
        offscreen.set_screens(THREE_SCREENS)

    assert alerts.geometry() == home
    qtbot.waitUntil(lambda: _screen_of(alerts) == "right")
    assert window.workspaces.home_of("panel:alerts") is None
    assert "window.move_to_screen.3" in window.registry


def test_unplugging_the_wall_screen_makes_a_window_on_the_primary_then_full_screen_again(
    qtbot: QtBot, make_window: MakeWindow, hotplug: None
) -> None:
    window = make_window()
    window.show_wall_fullscreen("right")
    assert window.role is Role.WALL
    qtbot.waitUntil(
        lambda: window.isFullScreen() and window.geometry() == _screen_geometry("right")
    )

    with qtbot.waitSignal(window.workspaces.screens_changed):
        offscreen.set_screens([s for s in THREE_SCREENS if s["name"] != "right"])

    # Not full screen over the operator's own desk: a normal window inside the primary.
    qtbot.waitUntil(lambda: not window.isFullScreen())
    primary = QGuiApplication.primaryScreen()
    assert primary.availableGeometry().contains(window.geometry())

    with qtbot.waitSignal(window.workspaces.screens_changed):
        offscreen.set_screens(THREE_SCREENS)

    qtbot.waitUntil(
        lambda: window.isFullScreen() and window.geometry() == _screen_geometry("right")
    )
    assert _screen_of(window) == "right"


def test_move_to_screen_n_counts_screens_left_to_right(
    qtbot: QtBot, make_window: MakeWindow
) -> None:
    window = make_window()
    assert window.geometry() == QRect(1920 + 100, 60, 1600, 900)

    window.registry.trigger("window.move_to_screen.1")
    assert window.geometry() == QRect(100, 60, 1600, 900)
    qtbot.waitUntil(lambda: _screen_of(window) == "left")

    units = window.docks["units"]
    _tear_off(qtbot, units, QRect(300, 200, 500, 300))
    window.move_window_to_screen(3, units)
    assert units.geometry() == QRect(3840 + 300, 200, 500, 300)
    qtbot.waitUntil(lambda: _screen_of(units) == "right")
    assert window.geometry() == QRect(100, 60, 1600, 900)  # only the panel moved

    with pytest.raises(ValueError, match="no screen 4"):
        window.move_window_to_screen(4)


def test_a_maximised_window_is_maximised_on_the_screen_it_moves_to(
    qtbot: QtBot, make_window: MakeWindow
) -> None:
    window = make_window()
    window.showMaximized()
    qtbot.waitUntil(window.isMaximized)
    window.move_window_to_screen(3)
    qtbot.waitUntil(lambda: window.isMaximized() and _screen_of(window) == "right")
    assert _screen_geometry("right").contains(window.geometry())


def test_each_workspace_keeps_its_own_layout(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window()
    _tear_off(qtbot, window.docks["alerts"], QRect(3840 + 100, 100, 640, 480))

    with qtbot.waitSignal(window.workspace_switched):
        window.registry.trigger("workspace.supervisor")
    assert list(window.docks) == ["shift_board", "case_queue", "map", "handover", "evaluation"]
    assert not any(d.isFloating() for d in window.docks.values())

    window.registry.trigger("workspace.dispatcher")
    alerts = window.docks["alerts"]
    assert alerts.isFloating()
    assert alerts.geometry() == QRect(3840 + 100, 100, 640, 480)
    assert window.findChildren(QDockWidget, "panel-alerts") == [alerts]  # old docks gone


def test_panels_come_from_the_factories_given_and_placeholders_fill_the_rest(
    make_window: MakeWindow,
) -> None:
    made: list[str] = []

    def case_queue() -> QWidget:
        made.append("case_queue")
        return QLabel("the real case queue")

    window = make_window(panel_factories={"case_queue": case_queue})
    assert made == ["case_queue"]
    assert isinstance(window.panels["case_queue"], QLabel)
    placeholder = window.panels["map"]
    assert isinstance(placeholder, PlaceholderPanel)
    assert placeholder.property("placeholder") is True
    assert placeholder.note.text() == "Panel under construction: Map"
    for dock in window.docks.values():
        features = dock.features()
        assert features & QDockWidget.DockWidgetFeature.DockWidgetFloatable
        assert features & QDockWidget.DockWidgetFeature.DockWidgetMovable
