"""The look: status colours colour-blind operators tell apart, legible text, large fonts.

The measure for "tell apart": CIEDE2000 colour difference (the CIE's current formula) of
every pair of status colours, for normal vision and for protanopia, deuteranopia and
tritanopia simulated with Machado et al. (2009) at full severity — the worst case, where
anomalous trichromats see less confusion. A pair must stay at ΔE00 ≥ 10, where colours read
as different at a glance rather than "slightly off" (ΔE00 ≈ 1 is just noticeable side by
side). The formula and the simulation are checked against published values and a palette
known to fail.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from console import theme
from console.colour import Vision, contrast_ratio, delta_e2000, lab, linear_rgb, simulate
from console.preferences import PreferencesStore
from views.main_window import MainWindow

MIN_STATUS_DIFFERENCE = 10.0
SURFACES = ("window", "base", "alternate", "raised")


@pytest.mark.parametrize(
    ("lab1", "lab2", "expected"),
    [
        # Sharma, Wu & Dalal (2005), test data pairs 1, 7, 17 and 25.
        ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
        ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
        ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
        ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ],
)
def test_ciede2000_matches_the_published_test_data(
    lab1: tuple[float, float, float], lab2: tuple[float, float, float], expected: float
) -> None:
    assert delta_e2000(lab1, lab2) == pytest.approx(expected, abs=1e-4)


def test_the_simulation_keeps_greys_and_confuses_red_with_green() -> None:
    for vision in Vision:
        assert simulate(linear_rgb("#808080"), vision) == pytest.approx(
            linear_rgb("#808080"), abs=2e-3
        )
    # The common chart red and green: far apart normally, nearly one colour for deuteranopes.
    red, green = "#D62728", "#2CA02C"
    assert delta_e2000(lab(red), lab(green)) > 60
    assert delta_e2000(lab(red, Vision.DEUTERANOPIA), lab(green, Vision.DEUTERANOPIA)) < 5


@pytest.mark.parametrize("vision", list(Vision))
def test_every_pair_of_status_colours_stays_apart(vision: Vision) -> None:
    too_close = [
        (a, b, round(delta_e2000(lab(ca, vision), lab(cb, vision)), 1))
        for (a, ca), (b, cb) in itertools.combinations(theme.STATUS_COLOURS.items(), 2)
        if delta_e2000(lab(ca, vision), lab(cb, vision)) < MIN_STATUS_DIFFERENCE
    ]
    assert not too_close, f"status colours too alike for {vision}: {too_close}"


def test_status_colours_are_okabe_ito_and_each_has_a_shape() -> None:
    assert set(theme.STATUS_COLOURS.values()) <= set(theme.OKABE_ITO.values())
    assert set(theme.STATUS_SYMBOLS) == set(theme.STATUS_COLOURS)
    assert len(set(theme.STATUS_SYMBOLS.values())) == len(theme.STATUS_SYMBOLS)


@pytest.mark.parametrize("surface", SURFACES)
def test_status_marks_and_text_stand_out_from_every_surface(surface: str) -> None:
    ground = theme.COLOURS[surface]
    for status, colour in theme.STATUS_COLOURS.items():
        assert contrast_ratio(colour, ground) >= 3.0, status  # WCAG: graphical objects
    assert contrast_ratio(theme.COLOURS["text"], ground) >= 7.0  # WCAG AAA for body text
    assert contrast_ratio(theme.COLOURS["text_dim"], ground) >= 4.5  # WCAG AA
    assert contrast_ratio("#FFFFFF", theme.COLOURS["accent"]) >= 4.5  # selected rows


def test_the_stylesheet_is_complete_in_both_sizes() -> None:
    normal, large = theme.stylesheet(False), theme.stylesheet(True)
    assert "$" not in normal
    assert "$" not in large
    assert theme.COLOURS["window"] in normal
    assert f"font-size: {theme.BASE_POINT_SIZE * 2:g}pt" in normal
    assert f"font-size: {theme.BASE_POINT_SIZE * 2 * theme.LARGE_FONT_SCALE:g}pt" in large


def test_high_dpi_uses_the_screens_own_scale(qapp: QApplication) -> None:
    assert QGuiApplication.highDpiScaleFactorRoundingPolicy() == (
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    assert theme.configure_high_dpi() is False  # too late once the application exists


def test_large_font_mode_scales_the_fonts_and_is_remembered(
    qtbot: QtBot, qapp: QApplication, tmp_path: Path, english: None
) -> None:
    window = MainWindow(config_dir=tmp_path, apply_preferences=False)
    qtbot.addWidget(window)
    theme.apply_theme(qapp)
    normal = qapp.font().pointSizeF()
    try:
        with qtbot.waitSignal(window.large_font_toggled):
            window.registry.trigger("view.large_font")
        assert qapp.font().pointSizeF() == pytest.approx(normal * theme.LARGE_FONT_SCALE)
        qaction = window.findChild(QAction, "action-view.large_font")
        assert qaction is not None
        assert qaction.isChecked()
        assert PreferencesStore(tmp_path).load().large_font is True
        assert window.registry.get("view.large_font").checked is not None
        assert window.registry.get("view.large_font").checked()  # type: ignore[misc]
    finally:
        window.set_large_font(False)
    assert qapp.font().pointSizeF() == pytest.approx(normal)


def test_the_theme_prefers_a_chinese_font(qapp: QApplication) -> None:
    theme.apply_theme(qapp)
    assert qapp.font().families()[0] == "Noto Sans CJK SC"
    assert qapp.styleSheet() == theme.stylesheet(False)


@pytest.mark.parametrize("palette", [theme.WALL_DAY, theme.WALL_NIGHT], ids=["day", "night"])
def test_the_wall_palettes_are_legible_from_across_the_room(palette: dict[str, str]) -> None:
    assert palette.keys() == theme.WALL_DAY.keys()
    for surface in ("ground", "tile"):
        assert contrast_ratio(palette["text"], palette[surface]) >= 7
        assert contrast_ratio(palette["value"], palette[surface]) >= 7
        assert contrast_ratio(palette["dim"], palette[surface]) >= 4.5
        for mark in ("today", "baseline", "bar", "alarm", "urgent"):
            assert contrast_ratio(palette[mark], palette[surface]) >= 3, mark


def test_the_night_palette_is_darker_and_warmer() -> None:
    day, night = theme.WALL_DAY, theme.WALL_NIGHT
    for name in day:
        assert lab(night[name])[0] <= lab(day[name])[0], name  # L*: never brighter
    # Warmer text: yellower (b* up), less of the blue light that keeps a night shift awake.
    assert lab(night["text"])[2] > lab(day["text"])[2] + 5
