"""The names operators read for roles and panels, in the current language.

The ids live in :mod:`console.workspace` (plain Python); their titles are marked here with
``QT_TRANSLATE_NOOP`` so ``lupdate`` collects them, and translated when shown.
"""

from __future__ import annotations

from typing import Final

from PySide6.QtCore import QCoreApplication

from console.workspace import Role

PANEL_CONTEXT: Final = "Panels"
ROLE_CONTEXT: Final = "Roles"


def QT_TRANSLATE_NOOP(context: str, source: str) -> str:  # noqa: N802  (lupdate knows it so)
    """Marks ``source`` for translation in ``context``; returns it unchanged.

    PySide6's own marker is typed as returning ``object``; this one keeps the ``str``.
    """
    del context
    return source


PANEL_TITLES: Final[dict[str, str]] = {
    "map": QT_TRANSLATE_NOOP("Panels", "Map"),
    "case_queue": QT_TRANSLATE_NOOP("Panels", "Case queue"),
    "case_detail": QT_TRANSLATE_NOOP("Panels", "Case detail"),
    "units": QT_TRANSLATE_NOOP("Panels", "Units"),
    "teams": QT_TRANSLATE_NOOP("Panels", "Team board"),
    "joint": QT_TRANSLATE_NOOP("Panels", "Joint operations"),
    "alerts": QT_TRANSLATE_NOOP("Panels", "Alerts"),
    "shift_board": QT_TRANSLATE_NOOP("Panels", "Shift board"),
    "handover": QT_TRANSLATE_NOOP("Panels", "Handover"),
    "wall_map": QT_TRANSLATE_NOOP("Panels", "Wall map"),
    "figures": QT_TRANSLATE_NOOP("Panels", "Key figures"),
    "charts": QT_TRANSLATE_NOOP("Panels", "Charts"),
    "rankings": QT_TRANSLATE_NOOP("Panels", "Rankings"),
    "ticker": QT_TRANSLATE_NOOP("Panels", "Ticker"),
    "evaluation": QT_TRANSLATE_NOOP("Panels", "Evaluation"),
}
"""Panel id → English title (the translation source)."""

ROLE_TITLES: Final[dict[Role, str]] = {
    Role.DISPATCHER: QT_TRANSLATE_NOOP("Roles", "Dispatcher"),
    Role.SUPERVISOR: QT_TRANSLATE_NOOP("Roles", "Shift supervisor"),
    Role.WALL: QT_TRANSLATE_NOOP("Roles", "Leader wall"),
}
"""Role → English title (the translation source)."""


def panel_title(panel_id: str) -> str:
    """A panel's title in the current language (its id if it has no title)."""
    source = PANEL_TITLES.get(panel_id)
    return QCoreApplication.translate(PANEL_CONTEXT, source) if source else panel_id


def role_title(role: Role) -> str:
    """A role's title in the current language."""
    return QCoreApplication.translate(ROLE_CONTEXT, ROLE_TITLES[role])
