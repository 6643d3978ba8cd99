"""The operator's console preferences: language, large-font mode, last workspace.

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
    """

    language: str | None = None
    large_font: bool = False
    role: str = Role.DISPATCHER.value
    server: str | None = None
    user: str | None = None


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
        if isinstance(data.get("large_font"), bool):
            prefs.large_font = data["large_font"]
        if data.get("role") in {r.value for r in Role}:
            prefs.role = data["role"]
        for key in ("server", "user"):
            if isinstance(data.get(key), str):
                setattr(prefs, key, data[key])
        return prefs

    def save(self, prefs: Preferences) -> None:
        """Writes the preferences atomically."""
        write_atomically(self.path, json.dumps(asdict(prefs), ensure_ascii=False, indent=2))
