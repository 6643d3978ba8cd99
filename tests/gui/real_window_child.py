"""Opens the console's main window, in Chinese, on a real X server (run by test_real_window).

Usage: ``QT_QPA_PLATFORM=xcb DISPLAY=:N python real_window_child.py CONFIG_DIR``

Once the window is shown and painted, prints one JSON line on stdout saying where things
are (global, device pixels) and which fonts Qt found, then waits to be terminated (at most
two minutes) while the test grabs the screen from outside.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRect, Qt, QTimer
from PySide6.QtGui import QFontDatabase, QFontInfo, QFontMetrics
from PySide6.QtWidgets import QApplication, QLabel

from console import i18n
from console.theme import apply_theme, configure_high_dpi

WINDOW = QRect(40, 30, 1840, 1000)
COMPARED_PANELS = ("map", "alerts")  # 地图 and 告警: two characters each


def _text_rect(label: QLabel, dpr: float) -> list[int]:
    """Where a centred label's text is drawn, in global device pixels."""
    metrics = QFontMetrics(label.font())
    width, height = metrics.horizontalAdvance(label.text()), metrics.height()
    inner = label.contentsRect()
    local = QRect(
        inner.x() + (inner.width() - width) // 2,
        inner.y() + (inner.height() - height) // 2,
        width,
        height,
    )
    top_left = label.mapToGlobal(local.topLeft())
    return [round(v * dpr) for v in (top_left.x(), top_left.y(), width, height)]


def main(argv: list[str]) -> int:
    """Shows the window; see the module docstring."""
    configure_high_dpi()
    app = QApplication(argv[:1])
    i18n.install_language(app, i18n.CHINESE)
    apply_theme(app)

    from views.main_window import MainWindow, PlaceholderPanel

    window = MainWindow(config_dir=Path(argv[1]), role="dispatcher", apply_preferences=False)
    window.setGeometry(WINDOW)
    window.show()

    def report() -> None:
        dpr = window.devicePixelRatioF()
        labels: dict[str, Any] = {}
        for panel_id in COMPARED_PANELS:
            panel = window.panels[panel_id]
            assert isinstance(panel, PlaceholderPanel)
            title = panel.title
            info = QFontInfo(title.font())
            labels[panel_id] = {
                "text": title.text(),
                "rect": _text_rect(title, dpr),
                "family": info.family(),
                "in_font": all(QFontMetrics(title.font()).inFont(ch) for ch in title.text()),
            }
        frame = window.frameGeometry()
        print(
            json.dumps(
                {
                    "platform": app.platformName(),
                    "title": window.windowTitle(),
                    "menus": [a.text() for a in window.menuBar().actions()],
                    "window": [
                        round(v * dpr)
                        for v in (frame.x(), frame.y(), frame.width(), frame.height())
                    ],
                    "dpr": dpr,
                    "cjk_families": QFontDatabase.families(
                        QFontDatabase.WritingSystem.SimplifiedChinese
                    ),
                    "labels": labels,
                },
                ensure_ascii=False,
            ),
            flush=True,
        )

    # Give the X server time to map the window and Qt to paint it, then tell the test.
    QTimer.singleShot(1500, report)
    QTimer.singleShot(120_000, app.quit)  # never outlive a test that forgot us
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
