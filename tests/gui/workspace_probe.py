"""Runs the console in a process of its own, for the tests that need a real restart.

Usage (the screens come from ``QT_QPA_PLATFORM=offscreen:configfile=...``)::

    python workspace_probe.py arrange CONFIG_DIR PLAN_JSON   # place windows, close (saves)
    python workspace_probe.py report CONFIG_DIR              # open, report, close

``arrange`` opens the dispatcher workspace and applies the plan —
``{"main": [x, y, w, h], "panels": {"alerts": [x, y, w, h], ...}}``: listed panels are
torn off and put at those geometries — then closes the window, which saves the workspace.
Both print a JSON report on stdout: the screens (name, geometry), the primary screen, and
for the main window and every panel whether it is floating and visible, its geometry, and
the screen Qt itself says the window is on.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, QRect, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from console.theme import apply_theme, configure_high_dpi


def _window_report(widget: QWidget) -> dict[str, Any]:
    geometry, frame = widget.geometry(), widget.frameGeometry()
    handle = widget.windowHandle() if widget.isWindow() else None
    return {
        "geometry": [geometry.x(), geometry.y(), geometry.width(), geometry.height()],
        "frame": [frame.x(), frame.y(), frame.width(), frame.height()],
        "screen": handle.screen().name() if handle is not None and handle.screen() else None,
        "visible": widget.isVisible(),
        "fullscreen": widget.isFullScreen(),
        "maximised": widget.isMaximized(),
    }


def _settle(app: QApplication) -> None:
    # Window-system events of the offscreen platform are queued: let them all arrive.
    # (A local loop: QApplication.quit() would close every window, as Qt 6 does.)
    for _ in range(5):
        app.processEvents()
        loop = QEventLoop()
        QTimer.singleShot(10, loop.quit)
        loop.exec()


def main(argv: list[str]) -> int:
    """Runs one probe; see the module docstring."""
    mode, config_dir = argv[1], Path(argv[2])
    configure_high_dpi()
    app = QApplication(argv[:1])
    apply_theme(app)

    from views.main_window import MainWindow

    window = MainWindow(config_dir=config_dir, role="dispatcher", apply_preferences=False)
    window.show()
    _settle(app)
    if mode == "arrange":
        plan = json.loads(argv[3])
        if "main" in plan:
            window.setGeometry(QRect(*plan["main"]))
        for panel_id, geometry in plan.get("panels", {}).items():
            dock = window.docks[panel_id]
            dock.setFloating(True)
            dock.setGeometry(QRect(*geometry))
            dock.show()
        _settle(app)

    screens = app.screens()
    primary = app.primaryScreen()
    report = {
        "screens": {
            s.name(): [
                s.geometry().x(),
                s.geometry().y(),
                s.geometry().width(),
                s.geometry().height(),
            ]
            for s in screens
        },
        "available": {
            s.name(): [
                s.availableGeometry().x(),
                s.availableGeometry().y(),
                s.availableGeometry().width(),
                s.availableGeometry().height(),
            ]
            for s in screens
        },
        "primary": primary.name() if primary is not None else None,
        "main": _window_report(window),
        "panels": {
            panel_id: {**_window_report(dock), "floating": dock.isFloating()}
            for panel_id, dock in window.docks.items()
        },
    }
    window.close()  # saves the workspace
    _settle(app)
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
