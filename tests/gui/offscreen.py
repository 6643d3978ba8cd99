"""Qt's offscreen platform with several screens: the configuration file, and hot-plugging.

The offscreen platform takes its screens from a JSON file named in ``QT_QPA_PLATFORM``
(``offscreen:configfile=...``), read once when the application starts. It can also change
them while running (adding and removing ``QScreen``\\ s, with Qt's ``screenAdded`` and
``screenRemoved`` signals, as when a display is plugged in or out), but only through its
platform native interface, which PySide6 does not wrap. :func:`set_screens` reaches it with
ctypes: ``QGuiApplication::platformNativeInterface()`` (exported by QtGui), its
``nativeResourceForIntegration("setConfiguration")`` (a virtual function, found in the
vtable and checked before use), and a ``QJsonObject`` made by ``QJsonDocument::object()``.
That is test machinery for Linux/x86-64 with Qt 6 only; :func:`hotplug_available` says
whether it works here, and the tests that need it fail loudly if it does not.
"""

from __future__ import annotations

import ctypes
import json
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QByteArray, QJsonDocument, QLibraryInfo
from PySide6.QtGui import QGuiApplication


def screen(name: str, x: int, y: int, width: int = 1920, height: int = 1080) -> dict[str, Any]:
    """One screen of an offscreen configuration (96 dpi, device pixel ratio 1)."""
    return {
        "name": name,
        "x": x,
        "y": y,
        "width": width,
        "height": height,
        "logicalDpi": 96,
        "logicalBaseDpi": 96,
        "dpr": 1,
    }


THREE_SCREENS: list[dict[str, Any]] = [
    screen("left", 0, 0),
    screen("centre", 1920, 0),
    screen("right", 3840, 0),
]
"""DESIGN.md's three side-by-side 1920×1080 screens."""


def write_config(path: Path, screens: list[dict[str, Any]]) -> Path:
    """Writes an offscreen configuration file and returns its path."""
    path.write_text(json.dumps({"screens": screens}, indent=2), encoding="utf-8")
    return path


def platform_for(config: Path) -> str:
    """The ``QT_QPA_PLATFORM`` value selecting the offscreen platform with ``config``."""
    return f"offscreen:configfile={config}"


# Index of nativeResourceForIntegration in the vtable of QPlatformNativeInterface (after
# QObject's 12 entries: metaObject, qt_metacast, qt_metacall, two destructors, event,
# eventFilter, timerEvent, childEvent, customEvent, connectNotify, disconnectNotify).
_RESOURCE_FOR_INTEGRATION_SLOT = 12

_ResourceFn = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p)
_SetConfigurationFn = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p)


class _Offscreen:
    def __init__(self) -> None:
        libs = QLibraryInfo.path(QLibraryInfo.LibraryPath.LibrariesPath)
        gui = ctypes.CDLL(f"{libs}/libQt6Gui.so.6")
        self.core = ctypes.CDLL(f"{libs}/libQt6Core.so.6")
        native_interface = gui._ZN15QGuiApplication23platformNativeInterfaceEv
        native_interface.restype = ctypes.c_void_p
        self.iface = native_interface()
        if not self.iface:
            raise RuntimeError("no platform native interface")
        vtable = ctypes.cast(self.iface, ctypes.POINTER(ctypes.c_void_p))[0]
        slots = ctypes.cast(vtable, ctypes.POINTER(ctypes.c_void_p))
        self.resource = _ResourceFn(slots[_RESOURCE_FOR_INTEGRATION_SLOT])
        set_conf, get_conf, bogus = (
            self._resource(b"setConfiguration"),
            self._resource(b"configuration"),
            self._resource(b"no-such-resource"),
        )
        # The slot is right only if it answers the offscreen plugin's two names and nothing
        # else; anything else means another Qt layout, and we refuse to call into it.
        if not set_conf or not get_conf or set_conf == get_conf or bogus:
            raise RuntimeError("the offscreen platform's setConfiguration was not found")
        self.set_configuration = _SetConfigurationFn(set_conf)
        self.json_object = self.core._ZNK13QJsonDocument6objectEv
        self.json_object.restype = None
        self.json_object.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
        self.json_object_dtor = self.core._ZN11QJsonObjectD1Ev
        self.json_object_dtor.argtypes = [ctypes.c_void_p]

    def _resource(self, name: bytes) -> int:
        key = QByteArray(name)
        return int(self.resource(self.iface, shiboken6.getCppPointer(key)[0]) or 0)

    def apply(self, configuration: dict[str, Any]) -> None:
        document = QJsonDocument.fromJson(QByteArray(json.dumps(configuration).encode()))
        # A QJsonObject is one pointer; returned through a hidden result pointer (non-trivial
        # type in the Itanium C++ ABI). Room for more, to be safe.
        buffer = ctypes.create_string_buffer(64)
        self.json_object(ctypes.addressof(buffer), shiboken6.getCppPointer(document)[0])
        try:
            self.set_configuration(ctypes.addressof(buffer), self.iface)
        finally:
            self.json_object_dtor(ctypes.addressof(buffer))


_offscreen: _Offscreen | None = None


def hotplug_available() -> bool:
    """Whether screens can be changed at run time here (offscreen platform, found safely)."""
    try:
        _get()
    except (RuntimeError, OSError, AttributeError):
        return False
    return True


def _get() -> _Offscreen:
    global _offscreen
    if QGuiApplication.platformName() != "offscreen":
        raise RuntimeError(f"platform is {QGuiApplication.platformName()!r}, not offscreen")
    if _offscreen is None:
        _offscreen = _Offscreen()
    return _offscreen


def set_screens(screens: list[dict[str, Any]]) -> None:
    """Changes the running application's screens, as if displays were plugged in or out.

    Screens are matched by name: missing names are removed (``screenRemoved``), new names
    added (``screenAdded``), and the geometry of the others updated.
    """
    _get().apply({"screens": screens})
