"""The console's main window: menus, status bar, and the role workspace's panels as docks.

Panels are dock widgets made by factories the caller passes in (one per panel id); a panel
without a factory is a clearly marked placeholder until a later part fills it. Docks float
(tear off into top-level windows that can live on any screen) and move. Every command is an
action in the central :class:`~console.actions.ActionRegistry`; the menus and the command
palette (Ctrl+K) are both made from it.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator, Mapping
from functools import partial
from pathlib import Path

import shiboken6
from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QGuiApplication,
    QKeySequence,
    QShowEvent,
    QWindow,
)
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFrame,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from console import i18n, theme
from console.actions import Action, ActionRegistry
from console.panels import panel_title, role_title
from console.preferences import Preferences, PreferencesStore
from console.screens import Placement, Rect, clamp_into
from console.workspace import ROLE_PANELS, DockArea, Role, WorkspaceState, WorkspaceStore
from console.workspace_manager import (
    MAIN_KEY,
    WorkspaceManager,
    current_screens,
    numbered_screens,
    panel_key,
    primary_name,
    qrect,
)
from widgets.command_palette import CommandPalette

log = logging.getLogger(__name__)

PanelFactory = Callable[[], QWidget]
"""Makes one panel's widget; called each time its workspace is opened."""

VERSION = "0.1.0"

_DOCK_AREAS = {
    DockArea.LEFT: Qt.DockWidgetArea.LeftDockWidgetArea,
    DockArea.RIGHT: Qt.DockWidgetArea.RightDockWidgetArea,
    DockArea.TOP: Qt.DockWidgetArea.TopDockWidgetArea,
    DockArea.BOTTOM: Qt.DockWidgetArea.BottomDockWidgetArea,
}

_WORKSPACE_SHORTCUTS = {Role.DISPATCHER: "Ctrl+1", Role.SUPERVISOR: "Ctrl+2", Role.WALL: "Ctrl+3"}

MOVE_PREFIX = "window.move_to_screen."
WALL_PREFIX = "wall.fullscreen."
PANEL_PREFIX = "panel."
LANGUAGE_PREFIX = "language."


class PlaceholderPanel(QFrame):
    """Stands in for a panel a later part builds: its title, big, and a clear note.

    Args:
        panel_id: The panel it stands in for.
        parent: Owning widget.
    """

    def __init__(self, panel_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.panel_id = panel_id
        self.setObjectName("placeholderPanel")
        self.setProperty("placeholder", True)
        self.title = QLabel(self)
        self.title.setObjectName("placeholderTitle")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.note = QLabel(self)
        self.note.setObjectName("placeholderNote")
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.title)
        layout.addWidget(self.note)
        layout.addStretch(1)
        self.retranslate_ui()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        """Retranslates on a language switch."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        """Sets every text in the current language."""
        name = panel_title(self.panel_id)
        self.title.setText(name)
        self.note.setText(self.tr("Panel under construction: {name}").format(name=name))


def placeholder_factory(panel_id: str) -> PanelFactory:
    """A factory making a :class:`PlaceholderPanel` for ``panel_id``."""
    return lambda: PlaceholderPanel(panel_id)


class MainWindow(QMainWindow):
    """The console's main window for one role workspace at a time.

    Args:
        role: The workspace to open; the one used last (preferences) when None.
        panel_factories: Panel id → factory; panels without one get a placeholder.
        registry: The central action registry (a new one when None); the window registers
            its own actions in it, and the caller may register more, before or after.
        config_dir: Where workspaces and preferences are kept; the user's config dir when
            None (tests pass a temporary directory).
        apply_preferences: Install the remembered language (else the system's) and theme on
            the application. False leaves language and theme to the caller.
        preferences: The preferences, when the caller shares them with other parts (the
            urgent-case alert): the window changes and saves that very object. Read from
            ``config_dir`` when None.
        parent: Owning widget (normally None).

    Signals:
        workspace_switched(str): Another role's workspace was opened (the role's value).
        language_switched(str): The language was switched (``"zh_CN"`` or ``"en"``).
        large_font_toggled(bool): Large-font mode was switched on or off.
        workspace_saved(str): A workspace was written to its file (the role's value).
    """

    workspace_switched = Signal(str)
    language_switched = Signal(str)
    large_font_toggled = Signal(bool)
    workspace_saved = Signal(str)

    def __init__(
        self,
        *,
        role: Role | str | None = None,
        panel_factories: Mapping[str, PanelFactory] | None = None,
        registry: ActionRegistry | None = None,
        config_dir: Path | None = None,
        apply_preferences: bool = True,
        preferences: Preferences | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setDockNestingEnabled(True)
        self.setDockOptions(
            QMainWindow.DockOption.AnimatedDocks
            | QMainWindow.DockOption.AllowNestedDocks
            | QMainWindow.DockOption.AllowTabbedDocks
        )
        self._preferences_store = PreferencesStore(config_dir)
        self.preferences: Preferences = (
            preferences if preferences is not None else self._preferences_store.load()
        )
        self.role = Role(role) if role is not None else Role(self.preferences.role)
        self.panel_factories: dict[str, PanelFactory] = dict(panel_factories or {})
        self.registry = registry if registry is not None else ActionRegistry()
        self.registry.shortcut_text = native_shortcut
        self.workspaces = WorkspaceManager(WorkspaceStore(config_dir), self)
        self.docks: dict[str, QDockWidget] = {}
        self.panels: dict[str, QWidget] = {}
        self._qactions: dict[str, QAction] = {}
        self._menus: dict[str, QMenu] = {}
        self._sync_suspended = 0
        self._last_active: QWidget = self
        self._shown_once = False
        self._built = False  # no retranslation before the parts to translate exist
        self._sizes_pending = False

        app = _app()
        if apply_preferences:
            i18n.install_language(app, self.preferences.language or i18n.default_language())
            theme.apply_theme(app, large_font=self.preferences.large_font)

        self.command_palette = CommandPalette([self.registry], self)
        self._build_status_bar()
        with self._batch():
            self._register_actions()
            self._register_screen_actions()
            self._build_panels()
        self.registry.add_listener(self._sync_actions)
        self.registry.add_state_listener(self._refresh_checks)
        self.workspaces.track(MAIN_KEY, self)
        self.workspaces.screens_changed.connect(self._on_screens_changed)
        app.focusWindowChanged.connect(self._on_focus_window_changed)
        self._restore_workspace()
        self._built = True
        self.retranslate_ui()

    # -- public API -------------------------------------------------------------------------

    def add_status_widget(self, widget: QWidget) -> None:
        """Adds a permanent widget at the right of the status bar (e.g. the connection)."""
        self.statusBar().addPermanentWidget(widget)

    def menu(self, key: str) -> QMenu | None:
        """A menu of the menu bar by key: file, view, window, language, help, actions."""
        return self._menus.get(key)

    def save_workspace(self) -> None:
        """Writes the current workspace (window and panel placements) to its file."""
        self.workspaces.save(self.role, self, self.docks)
        self.workspace_saved.emit(self.role.value)

    def switch_workspace(self, role: Role | str) -> None:
        """Saves this workspace and opens ``role``'s, with its panels where it left them."""
        new = Role(role)
        if new is self.role:
            return
        self.save_workspace()
        with self._batch():
            self._teardown_panels()
            self.role = new
            self._build_panels()
        self._restore_workspace()
        self.preferences.role = new.value
        self._save_preferences()
        self.retranslate_ui()
        self.workspace_switched.emit(new.value)

    def reset_workspace(self) -> None:
        """Puts every panel of this workspace back in its default dock (the window stays)."""
        with self._batch():
            self._teardown_panels()
            self._build_panels()
        self._sizes_pending = True
        QTimer.singleShot(0, self, self._default_dock_sizes)
        self.retranslate_ui()

    def set_language(self, language: str) -> None:
        """Switches the whole console to ``language`` now, and remembers it."""
        i18n.install_language(_app(), language)
        self.preferences.language = language
        self._save_preferences()
        self._refresh_checks()
        self.language_switched.emit(language)

    def set_large_font(self, on: bool) -> None:
        """Switches large-font mode (walls) on or off, and remembers it."""
        theme.apply_theme(_app(), large_font=on)
        for dock in self.docks.values():
            # Dock title bars keep the height of their old font until their layout is redone.
            layout = dock.layout()
            if layout is not None:
                layout.invalidate()
            dock.updateGeometry()
        self.preferences.large_font = on
        self._save_preferences()
        self._refresh_checks()
        self.large_font_toggled.emit(on)

    def open_palette(self) -> None:
        """Opens the command palette over this window."""
        self.command_palette.open_palette()

    def move_window_to_screen(self, number: int, window: QWidget | None = None) -> Placement:
        """Moves ``window`` (default: the console window used last) to screen ``number``.

        Screens are numbered left to right from 1.
        """
        return self.workspaces.move_to_screen(window or self._target_window(), number)

    def show_wall_fullscreen(self, screen_name: str) -> Placement:
        """Opens the leader wall workspace full screen on the named screen."""
        self.switch_workspace(Role.WALL)
        return self.workspaces.show_fullscreen_on(self, screen_name)

    def toggle_fullscreen(self) -> None:
        """Full screen on the window's screen, or back to normal."""
        window = self._target_window()
        if window.isFullScreen():
            window.showNormal()
        else:
            window.showFullScreen()

    # -- panels -----------------------------------------------------------------------------

    def _build_panels(self) -> None:
        for spec in ROLE_PANELS[self.role]:
            factory = self.panel_factories.get(spec.panel_id) or placeholder_factory(spec.panel_id)
            widget = factory()
            dock = QDockWidget(panel_title(spec.panel_id), self)
            # saveState()/restoreState() find docks by object name.
            dock.setObjectName(f"panel-{spec.panel_id}")
            dock.setFeatures(
                QDockWidget.DockWidgetFeature.DockWidgetMovable
                | QDockWidget.DockWidgetFeature.DockWidgetFloatable
                | QDockWidget.DockWidgetFeature.DockWidgetClosable
            )
            dock.setWidget(widget)
            self.addDockWidget(_DOCK_AREAS[spec.area], dock)
            dock.visibilityChanged.connect(lambda _visible: self._refresh_checks())
            self.docks[spec.panel_id] = dock
            self.panels[spec.panel_id] = widget
            self.workspaces.track(panel_key(spec.panel_id), dock)
            self.registry.add(
                f"{PANEL_PREFIX}{spec.panel_id}",
                partial(self._panel_text, spec.panel_id),
                partial(self._toggle_panel, dock),
                checked=partial(_is_shown, dock),
            )

    def _teardown_panels(self) -> None:
        self.registry.unregister_prefix(PANEL_PREFIX)
        for panel_id, dock in self.docks.items():
            self.workspaces.untrack(panel_key(panel_id))
            self.removeDockWidget(dock)
            dock.hide()
            # A dying dock must not answer to its name when the next workspace's layout is
            # restored (shared panels such as the map have the same name in both).
            dock.setObjectName("")
            dock.deleteLater()
        self.docks.clear()
        self.panels.clear()
        self._last_active = self

    def _panel_text(self, panel_id: str) -> str:
        return self.tr("Panel: {name}").format(name=panel_title(panel_id))

    def _toggle_panel(self, dock: QDockWidget) -> None:
        if dock.isHidden():
            dock.show()
            dock.raise_()
        else:
            dock.hide()

    def _restore_workspace(self) -> None:
        state: WorkspaceState | None = self.workspaces.store.load(self.role)
        if state is None:
            if self._built:
                # A role never used before: its panels in their default docks, the window
                # where the operator has it (only out of full screen).
                self.setWindowState(Qt.WindowState.WindowNoState)
            else:
                self._default_placement()
            self._sizes_pending = True  # docks take sizes only once the window is laid out
            if self.isVisible():
                QTimer.singleShot(0, self, self._default_dock_sizes)
            return
        self.workspaces.restore(state, self, self.docks)

    def _default_placement(self) -> None:
        """First run: 1600×900 (or what fits) centred on the primary screen."""
        screens = current_screens()
        primary = next((s for s in screens if s.name == primary_name()), None)
        if primary is None:
            return
        area = primary.available
        width, height = min(1600, area.width), min(900, area.height)
        left, top = area.x + (area.width - width) // 2, area.y + (area.height - height) // 2
        self.setGeometry(qrect(clamp_into(Rect(left, top, width, height), area)))

    def _default_dock_sizes(self) -> None:
        """Gives the first (left) panel, usually the map, the larger share of a fresh layout."""
        if not self._sizes_pending or not self.docks:
            return
        self._sizes_pending = False
        columns: dict[DockArea, list[tuple[QDockWidget, int]]] = {}
        for spec in ROLE_PANELS[self.role]:
            columns.setdefault(spec.area, []).append((self.docks[spec.panel_id], spec.weight))
        # A layout without a central widget gives leftover space to the last area: keep the
        # defaults to columns (left, right), whose stacked panels share a splitter.
        left = columns.get(DockArea.LEFT, [])
        if left and DockArea.RIGHT in columns:
            self.resizeDocks([left[0][0]], [int(self.width() * 0.6)], Qt.Orientation.Horizontal)
        for area, docks in columns.items():
            total = sum(weight for _dock, weight in docks)
            length = self.height() if area in (DockArea.LEFT, DockArea.RIGHT) else self.width()
            orientation = (
                Qt.Orientation.Vertical
                if area in (DockArea.LEFT, DockArea.RIGHT)
                else Qt.Orientation.Horizontal
            )
            self.resizeDocks(
                [dock for dock, _ in docks],
                [int(length * weight / total) for _, weight in docks],
                orientation,
            )

    # -- actions ----------------------------------------------------------------------------

    def _register_actions(self) -> None:
        add = self.registry.add
        add("palette.open", lambda: self.tr("Command palette…"), self.open_palette, "Ctrl+K")
        add("workspace.save", lambda: self.tr("Save workspace"), self.save_workspace, "Ctrl+S")
        add("app.quit", lambda: self.tr("Quit"), self.close, "Ctrl+Q")
        add(
            "view.large_font",
            lambda: self.tr("Large-font mode"),
            lambda: self.set_large_font(not self.preferences.large_font),
            "Ctrl+Shift+L",
            checked=lambda: self.preferences.large_font,
        )
        add(
            "view.fullscreen",
            lambda: self.tr("Full screen"),
            self.toggle_fullscreen,
            "F11",
            checked=lambda: self._target_window().isFullScreen(),
        )
        for role in Role:
            add(
                f"workspace.{role.value}",
                partial(self._workspace_text, role),
                partial(self.switch_workspace, role),
                _WORKSPACE_SHORTCUTS[role],
                checked=partial(self._is_role, role),
            )
        add("workspace.reset", lambda: self.tr("Reset workspace layout"), self.reset_workspace)
        for language in i18n.LANGUAGES:
            add(
                f"{LANGUAGE_PREFIX}{language}",
                partial(self._language_name, language),
                partial(self.set_language, language),
                checked=partial(_is_language, language),
            )
        add("help.shortcuts", lambda: self.tr("Keyboard shortcuts"), self.open_palette, "F1")
        add("help.about", lambda: self.tr("About"), self._about)

    def _register_screen_actions(self) -> None:
        """One "move to screen N" and one "wall on screen N" per screen there is now."""
        self.registry.unregister_prefix(MOVE_PREFIX)
        self.registry.unregister_prefix(WALL_PREFIX)
        for number, screen in enumerate(numbered_screens(), start=1):
            name = screen.name
            self.registry.add(
                f"{MOVE_PREFIX}{number}",
                partial(self._move_text, number, name),
                partial(self.move_window_to_screen, number),
                f"Ctrl+Alt+{number}" if number <= 9 else "",
            )
            self.registry.add(
                f"{WALL_PREFIX}{number}",
                partial(self._wall_text, number, name),
                partial(self.show_wall_fullscreen, name),
            )

    def _workspace_text(self, role: Role) -> str:
        return self.tr("Workspace: {role}").format(role=role_title(role))

    def _is_role(self, role: Role) -> bool:
        return self.role is role

    def _move_text(self, number: int, name: str) -> str:
        return self.tr("Move window to screen {number} ({name})").format(number=number, name=name)

    def _wall_text(self, number: int, name: str) -> str:
        return self.tr("Full-screen wall on screen {number} ({name})").format(
            number=number, name=name
        )

    def _language_name(self, language: str) -> str:
        """A language's name in the current language, and in itself when that differs."""
        names = {i18n.CHINESE: self.tr("Simplified Chinese"), i18n.ENGLISH: self.tr("English")}
        translated, native = names[language], i18n.NATIVE_NAMES[language]
        return native if translated == native else f"{translated} ({native})"

    def _menu_layout(self) -> list[tuple[str, str, list[str | None]]]:
        """(menu key, title, action ids or ``prefix*`` or None for a separator)."""
        return [
            ("file", self.tr("&File"), ["workspace.save", None, "app.quit"]),
            (
                "view",
                self.tr("&View"),
                ["palette.open", "view.large_font", "view.fullscreen", None, f"{PANEL_PREFIX}*"],
            ),
            (
                "window",
                self.tr("&Window"),
                [
                    *(f"workspace.{role.value}" for role in Role),
                    "workspace.reset",
                    None,
                    f"{MOVE_PREFIX}*",
                    None,
                    f"{WALL_PREFIX}*",
                ],
            ),
            ("language", self.tr("&Language"), [f"{LANGUAGE_PREFIX}*"]),
            ("help", self.tr("&Help"), ["help.shortcuts", "help.about"]),
        ]

    def _sync_actions(self) -> None:
        """Makes a QAction per registered action and rebuilds the menus from the registry."""
        if self._sync_suspended:
            return
        registered = {action.id: action for action in self.registry}
        for action_id in list(self._qactions):
            if action_id not in registered:
                qaction = self._qactions.pop(action_id)
                self.removeAction(qaction)
                qaction.deleteLater()
        for action in registered.values():
            if action.id not in self._qactions:
                self._qactions[action.id] = self._make_qaction(action)

        menu_bar = self.menuBar()
        menu_bar.clear()
        self._menus.clear()
        placed: set[str] = set()
        layout = self._menu_layout()
        for key, title, entries in layout:
            menu = menu_bar.addMenu(title)
            menu.setObjectName(f"menu-{key}")
            self._menus[key] = menu
            for entry in entries:
                if entry is None:
                    if not menu.isEmpty():
                        menu.addSeparator()
                    continue
                for action_id in _expand(entry, registered):
                    menu.addAction(self._qactions[action_id])
                    placed.add(action_id)
        # Actions a later part registers without a menu of their own still get one.
        extra = [a for a in registered if a not in placed]
        if extra:
            menu = menu_bar.addMenu(self.tr("&Actions"))
            menu.setObjectName("menu-actions")
            self._menus["actions"] = menu
            for action_id in extra:
                menu.addAction(self._qactions[action_id])
        self._refresh_checks()

    def _make_qaction(self, action: Action) -> QAction:
        qaction = QAction(action.text(), self)
        qaction.setObjectName(f"action-{action.id}")
        if action.shortcut:
            qaction.setShortcut(QKeySequence(action.shortcut))
            # Torn-off panels are windows of their own: shortcuts must work there too.
            qaction.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        qaction.setCheckable(action.checkable)
        qaction.setEnabled(action.is_enabled())
        qaction.triggered.connect(lambda _checked=False, a=action: self._run(a))
        self.addAction(qaction)
        return qaction

    def _run(self, action: Action) -> None:
        action.callback()
        self._refresh_checks()

    def _refresh_checks(self) -> None:
        # Docks still report visibility while the window is torn down at exit.
        if not shiboken6.isValid(self):
            return
        for action in self.registry:
            qaction = self._qactions.get(action.id)
            if qaction is None:
                continue
            if action.checked is not None:
                qaction.setChecked(action.checked())
            if action.enabled is not None:
                qaction.setEnabled(action.enabled())

    @contextlib.contextmanager
    def _batch(self) -> Iterator[None]:
        """Registers many actions with one menu rebuild at the end."""
        self._sync_suspended += 1
        try:
            yield
        finally:
            self._sync_suspended -= 1
            if not self._sync_suspended:
                self._sync_actions()

    # -- screens and windows ----------------------------------------------------------------

    def _on_screens_changed(self) -> None:
        with self._batch():
            self._register_screen_actions()
        self._update_status()

    def _on_focus_window_changed(self, window: QWindow | None) -> None:
        if window is None:
            return
        for widget in (self, *self.docks.values()):
            if widget.isWindow() and widget.windowHandle() is window:
                self._last_active = widget
                return

    def _target_window(self) -> QWidget:
        """The console window an action on "the window" means: the one used last."""
        window = self._last_active
        if window is self or (window.isWindow() and window.isVisible()):
            return window
        return self

    # -- text -------------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        """Retranslates on a language switch."""
        if event.type() == QEvent.Type.LanguageChange and self._built:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        """Sets every text of the window, its menus, actions and docks in the language now."""
        self.setWindowTitle(
            self.tr("Grid Command Centre — {role}").format(role=role_title(self.role))
        )
        for key, title, _entries in self._menu_layout():
            menu = self._menus.get(key)
            if menu is not None:
                menu.setTitle(title)
        if "actions" in self._menus:
            self._menus["actions"].setTitle(self.tr("&Actions"))
        for action in self.registry:
            qaction = self._qactions.get(action.id)
            if qaction is not None:
                qaction.setText(action.text())
        for panel_id, dock in self.docks.items():
            dock.setWindowTitle(panel_title(panel_id))
        self._update_status()

    def _build_status_bar(self) -> None:
        self._role_label = QLabel(self)
        self._role_label.setObjectName("statusRole")
        self._screens_label = QLabel(self)
        self._screens_label.setObjectName("statusScreens")
        self.statusBar().addWidget(self._role_label)
        self.statusBar().addPermanentWidget(self._screens_label)

    def _update_status(self) -> None:
        self._role_label.setText(self.tr("Workspace: {role}").format(role=role_title(self.role)))
        self._screens_label.setText(
            self.tr("Screens: {count}").format(count=len(QGuiApplication.screens()))
        )

    def _about(self) -> None:
        box = QMessageBox(self)
        box.setWindowTitle(self.tr("About"))
        box.setText(
            self.tr("Grid Command Centre console, version {version}.").format(version=VERSION)
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    # -- lifecycle --------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        """On first show, pulls windows whose frame ended up off their screen back in."""
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            # Floating panels are shown right after their main window: wait for them.
            QTimer.singleShot(0, self, self.workspaces.keep_all_on_screen)
            QTimer.singleShot(0, self, self._default_dock_sizes)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        """Saves the workspace and preferences before the window goes."""
        try:
            self.save_workspace()
            self._save_preferences()
        except OSError as exc:
            # Losing a layout must not keep the operator from closing the console.
            log.error("could not save the workspace: %s", exc)
        self.command_palette.close()
        super().closeEvent(event)

    def _save_preferences(self) -> None:
        self._preferences_store.save(self.preferences)


def native_shortcut(portable: str) -> str:
    """A portable key sequence as the operator's platform writes it."""
    return QKeySequence(portable).toString(QKeySequence.SequenceFormat.NativeText)


def _is_shown(dock: QDockWidget) -> bool:
    return not dock.isHidden()


def _is_language(language: str) -> bool:
    return i18n.current_language(_app()) == language


def _expand(entry: str, registered: Mapping[str, Action]) -> list[str]:
    if entry.endswith("*"):
        prefix = entry[:-1]
        return [action_id for action_id in registered if action_id.startswith(prefix)]
    return [entry] if entry in registered else []


def _app() -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        raise RuntimeError("the console needs a QApplication")
    return app
