"""Where windows go on the screens there are: plain geometry, no Qt.

The workspace remembers each window as (screen name, that screen's geometry, the window's
geometry). Screens come and go (a wall display is unplugged, a laptop is undocked), so a
placement is always *re-anchored* on a current screen: the same-named screen if it is there,
else the primary one, keeping the window's offset from the screen's corner and its size
where they fit, and clamping it into the screen's available area (the part not taken by
panels and task bars).

Everything here works on global, device-independent coordinates, the ones Qt reports for
``QScreen.geometry()`` and ``QWidget.geometry()``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Rect:
    """An axis-aligned rectangle: top-left corner and size, in global coordinates."""

    x: int
    y: int
    width: int
    height: int

    @property
    def right(self) -> int:
        """One past the last column (``x + width``)."""
        return self.x + self.width

    @property
    def bottom(self) -> int:
        """One past the last row (``y + height``)."""
        return self.y + self.height

    @property
    def area(self) -> int:
        """Width times height; 0 for an empty rectangle."""
        return max(0, self.width) * max(0, self.height)

    def intersection(self, other: Rect) -> Rect:
        """The overlap of two rectangles; an empty rectangle when they do not overlap."""
        x, y = max(self.x, other.x), max(self.y, other.y)
        right, bottom = min(self.right, other.right), min(self.bottom, other.bottom)
        return Rect(x, y, max(0, right - x), max(0, bottom - y))

    def contains(self, other: Rect) -> bool:
        """Whether ``other`` lies wholly inside this rectangle."""
        return (
            self.x <= other.x
            and self.y <= other.y
            and other.right <= self.right
            and other.bottom <= self.bottom
        )

    def translated(self, dx: int, dy: int) -> Rect:
        """The same rectangle moved by (dx, dy)."""
        return Rect(self.x + dx, self.y + dy, self.width, self.height)

    def to_list(self) -> list[int]:
        """``[x, y, width, height]``, the form the workspace file stores."""
        return [self.x, self.y, self.width, self.height]

    @classmethod
    def from_list(cls, values: Sequence[object]) -> Rect:
        """Reads ``[x, y, width, height]``.

        Raises:
            ValueError: If there are not four integers or the size is not positive.
        """
        if len(values) != 4 or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in values
        ):
            raise ValueError(f"a rectangle is four integers, not {values!r}")
        x, y, width, height = (int(v) for v in values)  # type: ignore[call-overload]
        if width <= 0 or height <= 0:
            raise ValueError(f"a rectangle needs a positive size, not {width}x{height}")
        return cls(x, y, width, height)


@dataclass(frozen=True, slots=True)
class Margins:
    """The window frame around a window's client area (title bar, borders), in pixels."""

    left: int = 0
    top: int = 0
    right: int = 0
    bottom: int = 0

    def shrink(self, area: Rect) -> Rect:
        """The part of ``area`` a client area may use so that its frame stays in ``area``."""
        return Rect(
            area.x + self.left,
            area.y + self.top,
            max(1, area.width - self.left - self.right),
            max(1, area.height - self.top - self.bottom),
        )


NO_FRAME = Margins()


@dataclass(frozen=True, slots=True)
class ScreenInfo:
    """One screen as the placement logic needs it.

    Attributes:
        name: The platform's name for the screen (``QScreen.name()``), stable across runs.
        geometry: The screen's whole area in the virtual desktop.
        available: The part windows may use (without task bars and docks).
    """

    name: str
    geometry: Rect
    available: Rect


@dataclass(frozen=True, slots=True)
class Placement:
    """Where one window is, or should go.

    Attributes:
        screen: Name of the screen the window is on.
        screen_geometry: That screen's geometry when the placement was taken; restoring
            re-anchors on the screen's current geometry, so a screen that moved in the
            virtual desktop (re-arranged displays) still gets its windows.
        geometry: The window's geometry (client area, global coordinates).
    """

    screen: str
    screen_geometry: Rect
    geometry: Rect


def screen_at(rect: Rect, screens: Sequence[ScreenInfo]) -> ScreenInfo | None:
    """The screen showing most of ``rect`` (the first such screen on a tie).

    Returns:
        The screen, or None if ``rect`` is on no screen at all (or there are no screens).
    """
    best: ScreenInfo | None = None
    best_area = 0
    for screen in screens:
        area = rect.intersection(screen.geometry).area
        if area > best_area:
            best, best_area = screen, area
    return best


def ordered_screens(screens: Sequence[ScreenInfo]) -> list[ScreenInfo]:
    """Screens numbered as an operator sees them on the desk: left to right, then top down.

    "Move to screen 1" means the leftmost screen, whatever order the platform lists them in.
    """
    return sorted(screens, key=lambda s: (s.geometry.x, s.geometry.y, s.name))


def clamp_into(geometry: Rect, area: Rect) -> Rect:
    """``geometry`` moved (and shrunk only if it is larger) so that it lies inside ``area``."""
    width = min(geometry.width, area.width)
    height = min(geometry.height, area.height)
    x = min(max(geometry.x, area.x), area.right - width)
    y = min(max(geometry.y, area.y), area.bottom - height)
    return Rect(x, y, width, height)


def relocate(geometry: Rect, source: Rect, target: ScreenInfo, frame: Margins = NO_FRAME) -> Rect:
    """A window's geometry carried from screen area ``source`` to screen ``target``.

    The offset from the screen's top-left corner is kept, so a panel in the top right of
    one screen stays near the top right of the other as far as the sizes allow; then the
    window, with its ``frame``, is clamped into the target's available area, keeping its
    size where it fits (a title bar off the screen could not be grabbed to move it back).
    """
    moved = geometry.translated(target.geometry.x - source.x, target.geometry.y - source.y)
    return clamp_into(moved, frame.shrink(target.available))


def primary_screen(screens: Sequence[ScreenInfo], primary: str | None) -> ScreenInfo:
    """The screen named ``primary``, else the first screen listed.

    Raises:
        ValueError: If there are no screens.
    """
    if not screens:
        raise ValueError("there are no screens to place windows on")
    for screen in screens:
        if screen.name == primary:
            return screen
    return screens[0]


def place(
    saved: Placement,
    screens: Sequence[ScreenInfo],
    primary: str | None = None,
    frame: Margins = NO_FRAME,
) -> Placement:
    """Where a window remembered at ``saved`` goes on the current ``screens``.

    The same-named screen if present (re-anchored on its current geometry), else the
    primary screen; clamped into the chosen screen's available area, keeping the size where
    it fits.

    Args:
        saved: The remembered placement.
        screens: The screens there are now.
        primary: Name of the primary screen; the first screen listed when None or unknown.
        frame: The window's frame, kept inside the available area too.

    Returns:
        The placement to apply, naming the screen chosen and its current geometry.

    Raises:
        ValueError: If there are no screens.
    """
    target = next((s for s in screens if s.name == saved.screen), None)
    if target is None:
        target = primary_screen(screens, primary)
    geometry = relocate(saved.geometry, saved.screen_geometry, target, frame)
    return Placement(target.name, target.geometry, geometry)


def move_to(
    geometry: Rect, screens: Sequence[ScreenInfo], target: ScreenInfo, frame: Margins = NO_FRAME
) -> Placement:
    """A window at ``geometry`` moved onto ``target``, keeping its relative position.

    The source screen is the one showing most of the window; a window on no screen is
    treated as if it were on the target (it is only clamped).
    """
    source = screen_at(geometry, screens)
    origin = source.geometry if source is not None else target.geometry
    return Placement(target.name, target.geometry, relocate(geometry, origin, target, frame))
