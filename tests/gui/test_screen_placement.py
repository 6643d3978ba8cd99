"""Where windows go when screens differ from last time: the plain placement rules.

No Qt here (these could live in tests/unit; they sit beside the GUI tests they underpin).
Qt's offscreen platform cannot give a screen an available area smaller than the screen
(there is no task bar), so clamping into the available area is shown here.
"""

from __future__ import annotations

from console.screens import (
    Placement,
    Rect,
    ScreenInfo,
    clamp_into,
    move_to,
    ordered_screens,
    place,
    screen_at,
)

LEFT = ScreenInfo("left", Rect(0, 0, 1920, 1080), Rect(0, 0, 1920, 1040))  # task bar below
CENTRE = ScreenInfo("centre", Rect(1920, 0, 1920, 1080), Rect(1920, 0, 1920, 1080))
RIGHT = ScreenInfo("right", Rect(3840, 0, 2560, 1440), Rect(3840, 0, 2560, 1440))
LAPTOP = ScreenInfo("eDP-1", Rect(0, 0, 1366, 768), Rect(0, 32, 1366, 736))  # top bar


def test_a_window_returns_to_its_screen_with_the_same_geometry() -> None:
    saved = Placement("right", RIGHT.geometry, Rect(4000, 100, 800, 600))
    assert place(saved, [LEFT, CENTRE, RIGHT], "left") == saved


def test_a_window_follows_its_screen_when_the_screens_are_rearranged() -> None:
    # The operator swapped the cables: "right" is now left of "left" in the virtual desktop.
    saved = Placement("right", RIGHT.geometry, Rect(4000, 100, 800, 600))
    moved_right = ScreenInfo("right", Rect(-2560, 0, 2560, 1440), Rect(-2560, 0, 2560, 1440))
    result = place(saved, [LEFT, moved_right], "left")
    assert result.screen == "right"
    assert result.geometry == Rect(-2560 + 160, 100, 800, 600)


def test_a_window_of_a_missing_screen_goes_to_the_primary_keeping_its_offset() -> None:
    saved = Placement("right", RIGHT.geometry, Rect(3840 + 300, 200, 800, 600))
    result = place(saved, [LEFT, CENTRE], primary="centre")
    assert result.screen == "centre"
    assert result.screen_geometry == CENTRE.geometry
    assert result.geometry == Rect(1920 + 300, 200, 800, 600)


def test_a_window_too_far_out_for_the_primary_is_pulled_inside_its_available_area() -> None:
    # Bottom-right corner of a 2560×1440 screen; the primary is a laptop with a top bar.
    saved = Placement("right", RIGHT.geometry, Rect(3840 + 1700, 1000, 800, 400))
    result = place(saved, [LAPTOP], primary="eDP-1")
    assert result.screen == "eDP-1"
    assert LAPTOP.available.contains(result.geometry)
    assert (result.geometry.width, result.geometry.height) == (800, 400)  # size kept: it fits
    assert result.geometry.right == LAPTOP.available.right  # as far right as it can be
    assert result.geometry.bottom == LAPTOP.available.bottom


def test_a_window_larger_than_the_primary_shrinks_to_its_available_area() -> None:
    saved = Placement("right", RIGHT.geometry, Rect(3840, 0, 2560, 1440))
    result = place(saved, [LAPTOP], primary="eDP-1")
    assert result.geometry == LAPTOP.available


def test_a_window_is_kept_off_the_task_bar_of_its_own_screen() -> None:
    saved = Placement("left", LEFT.geometry, Rect(100, 900, 600, 170))
    result = place(saved, [LEFT, CENTRE], primary="left")
    assert result.geometry == Rect(100, 1040 - 170, 600, 170)


def test_an_unknown_primary_name_falls_back_to_the_first_screen() -> None:
    saved = Placement("gone", Rect(0, 0, 800, 600), Rect(10, 10, 100, 100))
    assert place(saved, [CENTRE, LEFT], primary=None).screen == "centre"


def test_screens_are_numbered_left_to_right() -> None:
    assert [s.name for s in ordered_screens([RIGHT, CENTRE, LEFT])] == ["left", "centre", "right"]


def test_the_screen_of_a_window_is_the_one_showing_most_of_it() -> None:
    straddling = Rect(1920 - 100, 0, 500, 300)  # 100 px on left, 400 px on centre
    assert screen_at(straddling, [LEFT, CENTRE, RIGHT]) == CENTRE
    assert screen_at(Rect(-5000, -5000, 10, 10), [LEFT]) is None


def test_moving_to_another_screen_keeps_the_offset_from_its_corner() -> None:
    result = move_to(Rect(200, 150, 800, 600), [LEFT, CENTRE, RIGHT], RIGHT)
    assert result == Placement("right", RIGHT.geometry, Rect(3840 + 200, 150, 800, 600))


def test_clamp_leaves_a_window_that_fits_where_it_is() -> None:
    assert clamp_into(Rect(10, 20, 30, 40), LEFT.available) == Rect(10, 20, 30, 40)
