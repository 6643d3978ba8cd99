"""Role workspaces: which panels a role works with, and where its windows were left.

Plain Python, no Qt: the model (:class:`WorkspaceState`) and its JSON file
(:class:`WorkspaceStore`). Reading the state off live windows and putting windows back is
the Qt side's job (:mod:`console.workspace_manager`), which uses :mod:`console.screens` for
every placement decision.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from platformdirs import user_config_dir, user_data_dir

from console.screens import Placement, Rect

log = logging.getLogger(__name__)

APP_NAME = "grid-console"
CONFIG_DIR_ENV = "GRID_CONSOLE_CONFIG_DIR"
"""Overrides the config directory: tests, and several consoles side by side on one machine."""
DATA_DIR_ENV = "GRID_CONSOLE_DATA_DIR"
"""Overrides the data directory (the embedded backend's database, cached grid maps)."""

FORMAT_VERSION = 1


class Role(StrEnum):
    """The roles a console is set up for; each has its own workspace."""

    DISPATCHER = "dispatcher"  # 调度员: takes cases in, dispatches them
    SUPERVISOR = "supervisor"  # 值班长: runs the shift
    WALL = "wall"  # 领导大屏: the leaders' wall display


class DockArea(StrEnum):
    """Where a docked panel sits in the main window by default."""

    LEFT = "left"
    RIGHT = "right"
    TOP = "top"
    BOTTOM = "bottom"


@dataclass(frozen=True, slots=True)
class PanelSpec:
    """A panel of a workspace and where it docks until the user moves it.

    Attributes:
        panel_id: The panel.
        area: The column (or row) it docks in; panels of one area stack in list order.
        weight: Its share of the area's length in a fresh layout, relative to the others.
    """

    panel_id: str
    area: DockArea
    weight: int = 1


ROLE_PANELS: dict[Role, tuple[PanelSpec, ...]] = {
    Role.DISPATCHER: (
        PanelSpec("map", DockArea.LEFT, 7),
        PanelSpec("case_queue", DockArea.RIGHT, 4),
        PanelSpec("case_detail", DockArea.RIGHT, 4),
        PanelSpec("units", DockArea.LEFT, 3),
        PanelSpec("teams", DockArea.LEFT, 4),
        PanelSpec("alerts", DockArea.RIGHT, 2),
        PanelSpec("joint", DockArea.RIGHT, 3),
    ),
    Role.SUPERVISOR: (
        PanelSpec("shift_board", DockArea.LEFT, 3),
        PanelSpec("case_queue", DockArea.RIGHT, 1),
        PanelSpec("map", DockArea.RIGHT, 1),
        PanelSpec("handover", DockArea.LEFT, 1),
        PanelSpec("evaluation", DockArea.LEFT, 2),
    ),
    Role.WALL: (
        PanelSpec("wall_map", DockArea.LEFT, 8),
        PanelSpec("figures", DockArea.RIGHT, 1),
        PanelSpec("charts", DockArea.RIGHT, 2),
        PanelSpec("rankings", DockArea.RIGHT, 2),
        PanelSpec("ticker", DockArea.LEFT, 1),
    ),
}
"""Each role's panels, in the order they are created (and listed in the View menu)."""


def default_config_dir() -> Path:
    """Where the console keeps its workspaces and preferences.

    ``$GRID_CONSOLE_CONFIG_DIR`` if set, else the platform's per-user config directory
    (``~/.config/grid-console`` on Linux).
    """
    override = os.environ.get(CONFIG_DIR_ENV)
    return Path(override) if override else Path(user_config_dir(APP_NAME))


def default_data_dir() -> Path:
    """Where the console keeps its data: the embedded backend's database, grid maps.

    ``$GRID_CONSOLE_DATA_DIR`` if set, else the platform's per-user data directory
    (``~/.local/share/grid-console`` on Linux).
    """
    override = os.environ.get(DATA_DIR_ENV)
    return Path(override) if override else Path(user_data_dir(APP_NAME))


@dataclass(slots=True)
class PanelState:
    """One panel of a workspace.

    Attributes:
        panel_id: The panel (see :data:`ROLE_PANELS`).
        visible: False when the user closed it (it can be shown again from the View menu).
        floating: True when torn off into a top-level window.
        placement: Where the torn-off window was (None while docked); for a window moved off
            a screen that went away this is still its home on that screen.
    """

    panel_id: str
    visible: bool = True
    floating: bool = False
    placement: Placement | None = None


@dataclass(slots=True)
class WindowState:
    """The main window.

    Attributes:
        placement: Its normal (not maximised) geometry and screen; None for "not yet known".
        maximised: Shown maximised on that screen.
        fullscreen: Shown full screen on that screen (walls).
    """

    placement: Placement | None = None
    maximised: bool = False
    fullscreen: bool = False


@dataclass(slots=True)
class WorkspaceState:
    """Everything a role's workspace remembers between runs.

    Attributes:
        role: Whose workspace this is.
        main: The main window.
        panels: The role's panels, in :data:`ROLE_PANELS` order.
        dock_layout: The docked arrangement (splitter sizes, tabs), as Qt saves it
            (``QMainWindow.saveState()``, base64); opaque here.
    """

    role: Role
    main: WindowState = field(default_factory=WindowState)
    panels: list[PanelState] = field(default_factory=list)
    dock_layout: str = ""

    @classmethod
    def default(cls, role: Role) -> WorkspaceState:
        """A fresh workspace: every panel of the role docked and visible."""
        return cls(role=role, panels=[PanelState(spec.panel_id) for spec in ROLE_PANELS[role]])

    def panel(self, panel_id: str) -> PanelState:
        """The state of one panel.

        Raises:
            KeyError: If the workspace has no such panel.
        """
        for panel in self.panels:
            if panel.panel_id == panel_id:
                return panel
        raise KeyError(panel_id)

    def to_json(self) -> str:
        """The workspace as the JSON text of its file."""
        return json.dumps(
            {
                "version": FORMAT_VERSION,
                "role": self.role.value,
                "main": {
                    "placement": _placement_to_json(self.main.placement),
                    "maximised": self.main.maximised,
                    "fullscreen": self.main.fullscreen,
                },
                "panels": [
                    {
                        "id": p.panel_id,
                        "visible": p.visible,
                        "floating": p.floating,
                        "placement": _placement_to_json(p.placement),
                    }
                    for p in self.panels
                ],
                "dock_layout": self.dock_layout,
            },
            ensure_ascii=False,
            indent=2,
        )

    @classmethod
    def from_json(cls, text: str) -> WorkspaceState:
        """Reads a workspace file.

        Panels the role no longer has are dropped and panels it gained are added docked, so
        a file from an older release still opens.

        Raises:
            ValueError: If the text is not a workspace of this format (what is wrong is said).
        """
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"not JSON: {exc}") from exc
        if not isinstance(data, dict):
            raise ValueError("a workspace is a JSON object")
        if data.get("version") != FORMAT_VERSION:
            raise ValueError(f"unknown workspace format version {data.get('version')!r}")
        try:
            role = Role(str(data.get("role")))
        except ValueError as exc:
            raise ValueError(f"unknown role {data.get('role')!r}") from exc
        main = _object(data.get("main", {}), "main")
        state = cls(
            role=role,
            main=WindowState(
                placement=_placement_from_json(main.get("placement")),
                maximised=_bool(main.get("maximised", False), "main.maximised"),
                fullscreen=_bool(main.get("fullscreen", False), "main.fullscreen"),
            ),
            dock_layout=_str(data.get("dock_layout", ""), "dock_layout"),
        )
        saved: dict[str, PanelState] = {}
        for item in data.get("panels", []):
            obj = _object(item, "panel")
            panel_id = _str(obj.get("id"), "panel.id")
            saved[panel_id] = PanelState(
                panel_id=panel_id,
                visible=_bool(obj.get("visible", True), "panel.visible"),
                floating=_bool(obj.get("floating", False), "panel.floating"),
                placement=_placement_from_json(obj.get("placement")),
            )
        state.panels = [
            saved.get(spec.panel_id, PanelState(spec.panel_id)) for spec in ROLE_PANELS[role]
        ]
        return state


class WorkspaceStore:
    """The workspace files of one user: ``workspace-<role>.json`` in a config directory.

    Args:
        directory: The config directory; :func:`default_config_dir` when None. Tests pass a
            temporary directory.
    """

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory if directory is not None else default_config_dir()

    def path_for(self, role: Role) -> Path:
        """The file of a role's workspace."""
        return self.directory / f"workspace-{role.value}.json"

    def load(self, role: Role) -> WorkspaceState | None:
        """The saved workspace of ``role``; None if there is none or it cannot be read.

        A damaged file is not fatal (the console starts with the default layout) but is
        logged with the reason, and left in place for whoever wants to look at it.
        """
        path = self.path_for(role)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except OSError as exc:
            log.warning("cannot read workspace %s: %s", path, exc)
            return None
        try:
            state = WorkspaceState.from_json(text)
        except ValueError as exc:
            log.warning("ignoring damaged workspace %s: %s", path, exc)
            return None
        if state.role is not role:
            log.warning("ignoring workspace %s: it is the %s workspace", path, state.role)
            return None
        return state

    def save(self, state: WorkspaceState) -> Path:
        """Writes a workspace atomically (a crash mid-write leaves the old file whole).

        Returns:
            The file written.
        """
        path = self.path_for(state.role)
        write_atomically(path, state.to_json())
        return path


def write_atomically(path: Path, text: str) -> None:
    """Writes ``text`` to ``path`` through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _placement_to_json(placement: Placement | None) -> dict[str, Any] | None:
    if placement is None:
        return None
    return {
        "screen": placement.screen,
        "screen_geometry": placement.screen_geometry.to_list(),
        "geometry": placement.geometry.to_list(),
    }


def _placement_from_json(value: object) -> Placement | None:
    if value is None:
        return None
    obj = _object(value, "placement")
    try:
        return Placement(
            screen=_str(obj.get("screen"), "placement.screen"),
            screen_geometry=Rect.from_list(_list(obj.get("screen_geometry"))),
            geometry=Rect.from_list(_list(obj.get("geometry"))),
        )
    except ValueError as exc:
        raise ValueError(f"placement: {exc}") from exc


def _object(value: object, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError(f"{what} must be an object, not {value!r}")
    return value


def _list(value: object) -> list[object]:
    if not isinstance(value, list):
        raise ValueError(f"expected a list, not {value!r}")
    return value


def _str(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{what} must be a string, not {value!r}")
    return value


def _bool(value: object, what: str) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{what} must be true or false, not {value!r}")
    return value
