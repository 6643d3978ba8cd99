"""The operator's console preferences: language, large-font mode, last workspace, alerts.

Plain Python, no Qt; one small JSON file (``preferences.json``) beside the workspaces.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from pathlib import Path

from console.workspace import Role, default_config_dir, write_atomically

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Preferences:
    """What the console remembers about how the operator likes it.

    Attributes:
        language: ``"zh_CN"`` or ``"en"``; None until chosen (then the system locale decides).
        large_font: Large-font mode (walls, tired eyes at 4 a.m.).
        role: The workspace the console opens with.
        server: The last server signed in to (``wss://…``); never the password.
        user: The last user name signed in with.
        urgent_alert: Sound and show an alert when a new urgent case arrives.
        wall_rotation_s: Seconds each page of the leader wall stays before the next.
        wall_night: The wall's night palette: ``"auto"`` (by time of day), ``"day"`` or
            ``"night"``.
    """

    language: str | None = None
    large_font: bool = False
    role: str = Role.DISPATCHER.value
    server: str | None = None
    user: str | None = None
    urgent_alert: bool = True
    wall_rotation_s: int = 20
    wall_night: str = "auto"


class PreferencesStore:
    """Reads and writes :class:`Preferences` in a config directory.

    Args:
        directory: The config directory; :func:`console.workspace.default_config_dir` when
            None.
    """

    FILE_NAME = "preferences.json"

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory if directory is not None else default_config_dir()

    @property
    def path(self) -> Path:
        """The preferences file."""
        return self.directory / self.FILE_NAME

    def load(self) -> Preferences:
        """The saved preferences; defaults for a missing or unreadable file (logged)."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return Preferences()
        except (OSError, ValueError) as exc:
            log.warning("ignoring unreadable preferences %s: %s", self.path, exc)
            return Preferences()
        prefs = Preferences()
        if not isinstance(data, dict):
            return prefs
        if isinstance(data.get("language"), str):
            prefs.language = data["language"]
        for flag in ("large_font", "urgent_alert"):
            if isinstance(data.get(flag), bool):
                setattr(prefs, flag, data[flag])
        if data.get("role") in {r.value for r in Role}:
            prefs.role = data["role"]
        for key in ("server", "user"):
            if isinstance(data.get(key), str):
                setattr(prefs, key, data[key])
        rotation = data.get("wall_rotation_s")
        if isinstance(rotation, int) and not isinstance(rotation, bool) and 5 <= rotation <= 3600:
            prefs.wall_rotation_s = rotation
        if data.get("wall_night") in ("auto", "day", "night"):
            prefs.wall_night = data["wall_night"]
        return prefs

    def save(self, prefs: Preferences) -> None:
        """Writes the preferences atomically."""
        write_atomically(self.path, json.dumps(asdict(prefs), ensure_ascii=False, indent=2))
