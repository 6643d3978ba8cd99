"""The console's look: dark control-room theme, colour-blind-safe status colours, large fonts.

* The stylesheet is ``resources/styles/dark.qss``; its ``$``-placeholders (colours, font
  sizes) are filled in here, so large-font mode only changes numbers.
* :data:`STATUS_COLOURS` come from the Okabe–Ito palette, chosen so that every pair stays
  clearly apart (CIEDE2000 ≥ 10) for normal vision and simulated protanopia, deuteranopia
  and tritanopia, and stands out from the dark ground (WCAG contrast ≥ 3); the tests check
  both (:mod:`console.colour` says how). Status is never shown by colour alone: each status
  also has a marker shape (:data:`STATUS_SYMBOLS`).
* High DPI: :func:`configure_high_dpi` must run before the ``QApplication`` exists.
"""

from __future__ import annotations

from importlib import resources
from string import Template
from typing import Final

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

OKABE_ITO: Final[dict[str, str]] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
"""Okabe & Ito (2008), "Color Universal Design": eight colours told apart by dichromats."""

STATUS_COLOURS: Final[dict[str, str]] = {
    "on_time": OKABE_ITO["bluish_green"],  # 正常: running within its allowance
    "warning": OKABE_ITO["yellow"],  # 预警: 80 % of the allowance gone
    "overdue": OKABE_ITO["vermillion"],  # 超期: past the deadline
    "urgent": OKABE_ITO["orange"],  # 紧急: urgent category / alarm
    "in_progress": OKABE_ITO["sky_blue"],  # 处置中: with a department, being handled
    "suspended": OKABE_ITO["reddish_purple"],  # 挂账/缓办: clock stopped
}
"""Status → colour. Black and blue of Okabe–Ito are left out: too dark on the dark ground
(blue is the selection accent instead)."""

STATUS_SYMBOLS: Final[dict[str, str]] = {
    "on_time": "o",
    "warning": "t",
    "overdue": "s",
    "urgent": "star",
    "in_progress": "d",
    "suspended": "h",
}
"""Status → marker shape (pyqtgraph symbol codes), the second cue besides colour."""

COLOURS: Final[dict[str, str]] = {
    "window": "#14181E",  # the ground: dark blue-grey, not black (light text halates on black)
    "base": "#1B2129",  # panels, lists
    "alternate": "#212834",  # alternate rows
    "raised": "#232B36",  # menus, title bars, status bar
    "border": "#2F3945",
    "text": "#D7DEE6",  # off-white: high contrast (≥ 10:1 on every surface) without glare
    "text_dim": "#9AA7B4",  # secondary text, still ≥ 4.5:1 on every surface
    "accent": OKABE_ITO["blue"],  # selection (white text on it: 5.2:1)
    "focus": OKABE_ITO["sky_blue"],  # focus ring, current tab
}
"""The theme's own colours (surfaces and text)."""

WALL_DAY: Final[dict[str, str]] = {
    "ground": COLOURS["window"],
    "tile": COLOURS["base"],
    "border": COLOURS["border"],
    "text": COLOURS["text"],
    "dim": COLOURS["text_dim"],
    "value": "#F2F5F8",  # the big figures: brightest thing on the wall
    "today": OKABE_ITO["sky_blue"],  # today's bars
    "baseline": OKABE_ITO["orange"],  # the 7-day mean
    "bar": OKABE_ITO["bluish_green"],  # breakdowns
    "alarm": STATUS_COLOURS["overdue"],  # overdue now
    "urgent": STATUS_COLOURS["urgent"],  # the ticker's urgent cases
}
"""The leader wall's colours by day: the console's ground, Okabe–Ito marks."""

WALL_NIGHT: Final[dict[str, str]] = {
    "ground": "#07090B",  # near black: a lit wall must not light up a dark control room
    "tile": "#0E1116",
    "border": "#1E252D",
    "text": "#B5AD9E",  # warm grey: less blue light, still ≥ 7:1 on the ground
    "dim": "#857F74",  # ≥ 4.5:1 on every night surface
    "value": "#D9CFBC",
    "today": "#3F86AE",  # the day's hues, darker: charts stay readable, the room stays dark
    "baseline": "#B07A00",
    "bar": "#00845F",
    "alarm": "#C25400",
    "urgent": "#C08400",
}
"""The leader wall's night palette (by time of day or by hand): darker and warmer."""


BASE_POINT_SIZE: Final = 10.0
"""Body text size in normal mode, in points (scaled by the screen's DPI, so crisp at any)."""

LARGE_FONT_SCALE: Final = 1.6
"""Large-font mode multiplies every font size by this: legible on a wall from a few metres."""

FONT_FAMILIES: Final = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Microsoft YaHei UI",
    "PingFang SC",
    "WenQuanYi Micro Hei",
    "Sans Serif",
)
"""Preferred UI fonts, first found wins: Simplified Chinese first (Latin is covered too)."""


def configure_high_dpi() -> bool:
    """Lets Qt use fractional scale factors (125 %, 150 %) exactly as each screen asks.

    Without it, a 150 % screen would be rounded to 100 % or 200 % on some set-ups: text too
    small or blurry. PassThrough is Qt 6's default, but an environment variable or a later
    default could change that; it must be set before the application object exists, so
    call this first thing in ``main``.

    Returns:
        True if applied; False if a ``QGuiApplication`` already existed (nothing changed).
    """
    if QGuiApplication.instance() is not None:
        return False
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    return True


def font_scale(large_font: bool) -> float:
    """The factor applied to every font size."""
    return LARGE_FONT_SCALE if large_font else 1.0


def stylesheet(large_font: bool = False) -> str:
    """The dark stylesheet with colours and (scaled) font sizes filled in."""
    template = (resources.files("resources") / "styles" / "dark.qss").read_text(encoding="utf-8")
    scale = font_scale(large_font)
    return Template(template).substitute(
        COLOURS,
        base_pt=f"{BASE_POINT_SIZE * scale:g}",
        title_pt=f"{BASE_POINT_SIZE * 2.0 * scale:g}",
        palette_pt=f"{BASE_POINT_SIZE * 1.3 * scale:g}",
    )


def dark_palette() -> QPalette:
    """The palette matching the stylesheet, for what Fusion paints from the palette."""
    palette = QPalette()
    colour = {name: QColor(value) for name, value in COLOURS.items()}
    role = QPalette.ColorRole
    for r, c in (
        (role.Window, colour["window"]),
        (role.WindowText, colour["text"]),
        (role.Base, colour["base"]),
        (role.AlternateBase, colour["alternate"]),
        (role.ToolTipBase, colour["raised"]),
        (role.ToolTipText, colour["text"]),
        (role.PlaceholderText, colour["text_dim"]),
        (role.Text, colour["text"]),
        (role.Button, colour["raised"]),
        (role.ButtonText, colour["text"]),
        (role.BrightText, QColor("#FFFFFF")),
        (role.Highlight, colour["accent"]),
        (role.HighlightedText, QColor("#FFFFFF")),
        (role.Link, colour["focus"]),
        (role.Mid, colour["border"]),
        (role.Dark, colour["window"]),
    ):
        palette.setColor(r, c)
    disabled = QPalette.ColorGroup.Disabled
    for r in (role.WindowText, role.Text, role.ButtonText):
        palette.setColor(disabled, r, colour["text_dim"])
    return palette


def ui_font(large_font: bool = False) -> QFont:
    """The application font: CJK-first family list, scaled for large-font mode."""
    font = QFont()
    font.setFamilies(list(FONT_FAMILIES))
    font.setPointSizeF(BASE_POINT_SIZE * font_scale(large_font))
    # Full hinting blurs CJK strokes less at small sizes on low-DPI desks; high-DPI screens
    # ignore hinting anyway.
    font.setHintingPreference(QFont.HintingPreference.PreferFullHinting)
    return font


def apply_theme(app: QApplication, *, large_font: bool = False) -> None:
    """Applies the dark theme (again, after a large-font switch) to the whole application."""
    app.setStyle("Fusion")
    app.setPalette(dark_palette())
    app.setFont(ui_font(large_font))
    app.setStyleSheet(stylesheet(large_font))
