"""Putting a workspace's windows on the screens there are, and keeping them there.

The Qt side of :mod:`console.workspace`: it reads a :class:`WorkspaceState` off a live main
window and its dock widgets, puts windows back where a saved state says (through
:func:`console.screens.place`, so a missing screen falls back to the primary one), moves
windows between screens, shows the wall full screen on a chosen screen, and follows screens
being plugged in and out while the console runs.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from PySide6.QtCore import QByteArray, QObject, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QDockWidget, QMainWindow, QWidget

from console.screens import (
    NO_FRAME,
    Margins,
    Placement,
    Rect,
    ScreenInfo,
    clamp_into,
    move_to,
    ordered_screens,
    place,
    primary_screen,
    screen_at,
)
from console.workspace import PanelState, Role, WindowState, WorkspaceState, WorkspaceStore

log = logging.getLogger(__name__)

MAIN_KEY = "main"
"""Key of the main window among the tracked windows; panels are ``"panel:<id>"``."""


def panel_key(panel_id: str) -> str:
    """Key of a torn-off panel's window among the tracked windows."""
    return f"panel:{panel_id}"


def rect(r: QRect) -> Rect:
    """A Qt rectangle as a plain one."""
    return Rect(r.x(), r.y(), r.width(), r.height())


def qrect(r: Rect) -> QRect:
    """A plain rectangle as a Qt one."""
    return QRect(r.x, r.y, r.width, r.height)


def screen_info(screen: QScreen) -> ScreenInfo:
    """What the placement logic needs to know about a Qt screen."""
    return ScreenInfo(screen.name(), rect(screen.geometry()), rect(screen.availableGeometry()))


def current_screens() -> list[ScreenInfo]:
    """The screens there are now, primary first (Qt's order)."""
    return [screen_info(s) for s in QGuiApplication.screens()]


def primary_name() -> str | None:
    """Name of the primary screen, None without screens."""
    screen = QGuiApplication.primaryScreen()
    return screen.name() if screen is not None else None


def qscreen_named(name: str) -> QScreen | None:
    """The Qt screen with this name, if it is there."""
    return next((s for s in QGuiApplication.screens() if s.name() == name), None)


def frame_margins(window: QWidget) -> Margins:
    """The frame a window manager (or Qt) draws around a shown window; none before it is."""
    if not window.isWindow() or window.windowHandle() is None or not window.isVisible():
        return NO_FRAME
    frame, inner = window.frameGeometry(), window.geometry()
    return Margins(
        max(0, inner.left() - frame.left()),
        max(0, inner.top() - frame.top()),
        max(0, frame.right() - inner.right()),
        max(0, frame.bottom() - inner.bottom()),
    )


def numbered_screens() -> list[ScreenInfo]:
    """The screens as numbered in "Move to screen N": left to right, then top down."""
    return ordered_screens(current_screens())


@dataclass(slots=True)
class _Displaced:
    """A window moved off a screen that went away, and where it goes when it comes back."""

    home: Placement
    fullscreen: bool
    maximised: bool


class WorkspaceManager(QObject):
    """Places a main window and its torn-off panels on screens, and saves where they are.

    Windows are tracked by key (:data:`MAIN_KEY`, :func:`panel_key`). When a screen goes
    away its windows move to the primary screen, keeping their position relative to the
    screen's corner where they fit (a full-screen wall becomes a normal window there rather
    than covering the operator's desk); when a screen of the same name comes back, they
    return to where they were.

    Args:
        store: Where workspaces are saved.
        parent: Owning QObject.

    Signals:
        screens_changed: A screen was added or removed (after windows were moved): menus
            that list screens rebuild.
        window_relocated(str, str): A tracked window (key) was moved to a screen (name)
            because screens changed.
    """

    screens_changed = Signal()
    window_relocated = Signal(str, str)

    def __init__(self, store: WorkspaceStore, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self._windows: dict[str, QWidget] = {}
        self._displaced: dict[str, _Displaced] = {}
        app = QGuiApplication.instance()
        if not isinstance(app, QGuiApplication):
            raise RuntimeError("a QGuiApplication must exist before the workspace manager")
        app.screenAdded.connect(self._on_screen_added)
        app.screenRemoved.connect(self._on_screen_removed)

    # -- tracking ---------------------------------------------------------------------------

    def track(self, key: str, window: QWidget) -> None:
        """Follows ``window`` (a top-level window, or a dock widget that may float)."""
        self._windows[key] = window
        window.destroyed.connect(lambda _=None, k=key: self.untrack(k))

    def untrack(self, key: str) -> None:
        """Stops following a window (it was closed for good or its workspace was left)."""
        self._windows.pop(key, None)
        self._displaced.pop(key, None)

    def home_of(self, key: str) -> Placement | None:
        """Where a window moved off a missing screen will go back to; None if not moved."""
        displaced = self._displaced.get(key)
        return displaced.home if displaced is not None else None

    # -- reading and applying placements ----------------------------------------------------

    def placement_of(self, window: QWidget) -> Placement:
        """Where a top-level window is: its normal geometry and the screen showing it."""
        maximised_or_full = window.isMaximized() or window.isFullScreen()
        geometry = rect(window.normalGeometry() if maximised_or_full else window.geometry())
        screens = current_screens()
        handle = window.windowHandle()
        if maximised_or_full and handle is not None and handle.screen() is not None:
            screen = screen_info(handle.screen())
        else:
            screen = screen_at(geometry, screens) or primary_screen(screens, primary_name())
        return Placement(screen.name, screen.geometry, geometry)

    def apply_placement(self, window: QWidget, placement: Placement) -> None:
        """Puts a (normal, not maximised) window at ``placement`` on the named screen."""
        screen = qscreen_named(placement.screen)
        handle = window.windowHandle()
        if screen is not None and handle is not None and handle.screen() is not screen:
            handle.setScreen(screen)
        window.setGeometry(qrect(placement.geometry))

    def move_to_screen(self, window: QWidget, number: int) -> Placement:
        """Moves a top-level window to screen ``number`` (1 = leftmost), keeping its state.

        The window keeps its offset from the screen's corner and its size where they fit; a
        maximised or full-screen window is maximised or full screen on the new screen.

        Returns:
            The new placement.

        Raises:
            ValueError: If there is no screen with that number.
        """
        screens = numbered_screens()
        if not 1 <= number <= len(screens):
            raise ValueError(f"there is no screen {number}; screens are 1 to {len(screens)}")
        target = screens[number - 1]
        return self._move(window.window(), target)

    def show_fullscreen_on(self, window: QWidget, screen_name: str) -> Placement:
        """Shows a window full screen on the named screen (the wall display).

        Raises:
            ValueError: If there is no screen of that name.
        """
        target = next((s for s in current_screens() if s.name == screen_name), None)
        if target is None:
            raise ValueError(f"there is no screen named {screen_name!r}")
        window = window.window()
        placement = self._move(window, target, keep_state=False)
        window.showFullScreen()
        return placement

    def _move(self, window: QWidget, target: ScreenInfo, *, keep_state: bool = True) -> Placement:
        fullscreen, maximised = window.isFullScreen(), window.isMaximized()
        if fullscreen or maximised:
            window.showNormal()
        placement = move_to(
            rect(window.geometry()), current_screens(), target, frame_margins(window)
        )
        self.apply_placement(window, placement)
        if keep_state and fullscreen:
            window.showFullScreen()
        elif keep_state and maximised:
            window.showMaximized()
        # Moved on purpose: it no longer belongs to a screen that went away.
        for key, tracked in self._windows.items():
            if tracked is window:
                self._displaced.pop(key, None)
        return placement

    # -- whole workspaces -------------------------------------------------------------------

    def capture(
        self, role: Role, main: QMainWindow, docks: Mapping[str, QDockWidget]
    ) -> WorkspaceState:
        """The state of a live workspace, ready to save.

        A window moved off a screen that went away is saved at its home on that screen, so
        the next start with the screen back puts it there.
        """
        state = WorkspaceState(role=role)
        state.main = self._window_state(MAIN_KEY, main)
        state.dock_layout = bytes(main.saveState().toBase64().data()).decode("ascii")
        for panel_id, dock in docks.items():
            panel = PanelState(panel_id, visible=not dock.isHidden(), floating=dock.isFloating())
            if dock.isFloating():
                displaced = self._displaced.get(panel_key(panel_id))
                panel.placement = (
                    displaced.home if displaced is not None else self.placement_of(dock)
                )
            state.panels.append(panel)
        return state

    def _window_state(self, key: str, window: QWidget) -> WindowState:
        displaced = self._displaced.get(key)
        if displaced is not None:
            return WindowState(displaced.home, displaced.maximised, displaced.fullscreen)
        return WindowState(self.placement_of(window), window.isMaximized(), window.isFullScreen())

    def save(self, role: Role, main: QMainWindow, docks: Mapping[str, QDockWidget]) -> None:
        """Captures and writes a workspace."""
        path = self.store.save(self.capture(role, main, docks))
        log.info("workspace %s saved to %s", role.value, path)

    def restore(
        self, state: WorkspaceState, main: QMainWindow, docks: Mapping[str, QDockWidget]
    ) -> None:
        """Puts a main window and its panels where ``state`` says, on the screens there are.

        Docked panels get Qt's saved arrangement back; torn-off panels and the main window
        go to their screen by name, or to the primary screen if it is missing. A window that
        was full screen on a missing screen comes back as a normal window (full screen on
        the primary screen would cover the operator's own desk).
        """
        screens, primary = current_screens(), primary_name()
        if state.dock_layout:
            layout = QByteArray.fromBase64(QByteArray(state.dock_layout.encode("ascii")))
            if not main.restoreState(layout):
                log.warning("ignoring a saved dock layout Qt could not read")
        if state.main.placement is not None:
            target = place(state.main.placement, screens, primary, frame_margins(main))
            self.apply_placement(main, target)
            on_home = target.screen == state.main.placement.screen
            if state.main.fullscreen and on_home:
                main.setWindowState(Qt.WindowState.WindowFullScreen)
            elif state.main.maximised or state.main.fullscreen:
                main.setWindowState(Qt.WindowState.WindowMaximized)
            else:
                main.setWindowState(Qt.WindowState.WindowNoState)
        for panel in state.panels:
            dock = docks.get(panel.panel_id)
            if dock is None:
                continue
            dock.setFloating(panel.floating)
            if panel.floating and panel.placement is not None:
                target = place(panel.placement, screens, primary, frame_margins(dock))
                self.apply_placement(dock, target)
            dock.setVisible(panel.visible)

    def keep_on_screen(self, window: QWidget) -> bool:
        """Pulls a shown normal window, frame included, inside its screen's available area.

        Restoring places windows before they are shown, when their frame is not known yet;
        this finishes the job once it is.

        Returns:
            True if the window had to move.
        """
        if not self._is_own_window(window) or window.isMaximized() or window.isFullScreen():
            return False
        screens = current_screens()
        geometry = rect(window.geometry())
        screen = screen_at(geometry, screens) or primary_screen(screens, primary_name())
        inside = clamp_into(geometry, frame_margins(window).shrink(screen.available))
        if inside == geometry:
            return False
        window.setGeometry(qrect(inside))
        return True

    def keep_all_on_screen(self) -> None:
        """:meth:`keep_on_screen` for every tracked window."""
        for window in list(self._windows.values()):
            self.keep_on_screen(window)

    # -- screens coming and going -----------------------------------------------------------

    def _on_screen_removed(self, screen: QScreen) -> None:
        gone = screen_info(screen)
        remaining = [s for s in current_screens() if s.name != gone.name]
        for key, window in self._windows.items():
            if not self._is_own_window(window) or key in self._displaced:
                continue
            fullscreen, maximised = window.isFullScreen(), window.isMaximized()
            normal = window.normalGeometry() if fullscreen or maximised else window.geometry()
            geometry = rect(normal)
            handle = window.windowHandle()
            on_gone = (handle is not None and handle.screen() is screen) or screen_at(
                geometry, [gone, *remaining]
            ) == gone
            if not on_gone:
                continue
            # Remember it against the screen as it was, before Qt moves anything.
            home = Placement(gone.name, gone.geometry, geometry)
            self._displaced[key] = _Displaced(home, fullscreen, maximised)
        # Qt moves leftover windows to the primary screen right after this signal; place
        # ours once it has, so its fallback does not undo the placement.
        QTimer.singleShot(0, self, self._place_displaced)

    def _on_screen_added(self, screen: QScreen) -> None:
        # The new screen's geometry may settle only after this signal on some platforms.
        QTimer.singleShot(0, self, self._place_displaced)

    def _place_displaced(self) -> None:
        screens, primary = current_screens(), primary_name()
        names = {s.name for s in screens}
        for key, displaced in list(self._displaced.items()):
            window = self._windows.get(key)
            if window is None:
                del self._displaced[key]
                continue
            back_home = displaced.home.screen in names
            target = place(displaced.home, screens, primary, frame_margins(window))
            if window.isFullScreen() or window.isMaximized():
                window.showNormal()
            self.apply_placement(window, target)
            if back_home:
                del self._displaced[key]
                if displaced.fullscreen:
                    window.showFullScreen()
                elif displaced.maximised:
                    window.showMaximized()
            elif displaced.maximised:
                window.showMaximized()
            self.window_relocated.emit(key, target.screen)
        self.screens_changed.emit()

    @staticmethod
    def _is_own_window(window: QWidget) -> bool:
        """A visible top-level window (a docked panel moves with its main window)."""
        return window.isWindow() and window.isVisible()
