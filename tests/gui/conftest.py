"""GUI tests run on Qt's offscreen platform with DESIGN.md's three screens.

Why the environment is set here, at import time: the offscreen platform reads its screens
file only when the ``QApplication`` is created, and pytest-qt creates one application for the
whole session (the first time a test asks for ``qapp`` or ``qtbot``). pytest imports every
conftest before running any test, so setting ``QT_QPA_PLATFORM`` here, before anything
imports a Qt application, gives the whole GUI session the three screens "left", "centre"
and "right" (whatever ``QT_QPA_PLATFORM`` the caller had, e.g. ``offscreen`` from ``make
test``). A restart with other screens cannot happen inside one process, so the tests that
need it run the console in a subprocess with another screens file (``workspace_probe.py``);
screens unplugged while running are simulated in-process (``offscreen.set_screens``).

The offscreen platform lists its screens by name, so its primary screen is the
alphabetically first one: "centre" of the three. Tests ask Qt which screen is primary.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.gui.offscreen import THREE_SCREENS, platform_for, write_config

_SESSION_DIR = Path(tempfile.mkdtemp(prefix="grid-gui-tests-"))
atexit.register(shutil.rmtree, _SESSION_DIR, ignore_errors=True)

SCREENS_FILE = write_config(_SESSION_DIR / "screens-3.json", THREE_SCREENS)
os.environ["QT_QPA_PLATFORM"] = platform_for(SCREENS_FILE)
# Nothing a test does may touch the real user's config or data directory.
os.environ["GRID_CONSOLE_CONFIG_DIR"] = str(_SESSION_DIR / "config")
os.environ["GRID_CONSOLE_DATA_DIR"] = str(_SESSION_DIR / "data")

from PySide6.QtWidgets import QApplication  # noqa: E402 (after the environment is set)

from console.theme import configure_high_dpi  # noqa: E402

configure_high_dpi()  # must precede the QApplication, as in main.py

# A console against a real backend: the seeded city, its server and the qasync loop.
from tests.gui.console_harness import loop, server  # noqa: E402, F401
from tests.integration.server_fixtures import seeded_template  # noqa: E402, F401

# The offscreen platform has no window manager and no input devices: it cannot raise windows,
# pass size hints on, or grab keyboard and mouse (as a popup such as the command palette
# does), and says so with a Qt warning each time. That is the test platform talking, not the
# console, so these exact messages, and no others, are let through.
OFFSCREEN_NOISE = (
    r"^This plugin does not support "
    r"(propagateSizeHints\(\)|raise\(\)|grabbing the keyboard|grabbing the mouse)$"
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Lets the offscreen platform's own warnings (and only those) pass in the GUI tests."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE))


@pytest.fixture
def english(qapp: QApplication) -> Iterator[None]:
    """The application in English for the test, and English again afterwards."""
    from console import i18n

    i18n.install_language(qapp, i18n.ENGLISH)
    yield
    i18n.install_language(qapp, i18n.ENGLISH)


@pytest.fixture
def three_screens(qapp: QApplication) -> Iterator[None]:
    """DESIGN.md's three screens, put back after a test that plugged screens in or out."""
    from tests.gui import offscreen

    yield
    if offscreen.hotplug_available():
        offscreen.set_screens(THREE_SCREENS)
