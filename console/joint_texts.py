"""The words of joint operations, patrol areas and the board: states, steps, columns.

Sources are English, marked with ``QT_TRANSLATE_NOOP`` (context :data:`CONTEXT`) so that
``lupdate`` collects them, and translated when shown.
"""

from __future__ import annotations

from typing import Final

from PySide6.QtCore import QCoreApplication

from console.panels import QT_TRANSLATE_NOOP
from models.joint import JointState, ParticipantState

CONTEXT: Final = "Joint"
"""Translation context of every string of this module."""


def tr(source: str) -> str:
    """``source`` (marked in this module) in the current language."""
    return QCoreApplication.translate(CONTEXT, source)


JOINT_STATE_NAMES: Final[dict[JointState, str]] = {
    JointState.CONVENED: QT_TRANSLATE_NOOP("Joint", "Convened"),
    JointState.ACTIVE: QT_TRANSLATE_NOOP("Joint", "Active"),
    JointState.COMPLETED: QT_TRANSLATE_NOOP("Joint", "Completed"),
    JointState.CANCELLED: QT_TRANSLATE_NOOP("Joint", "Cancelled"),
}

PARTICIPANT_STATE_NAMES: Final[dict[ParticipantState, str]] = {
    ParticipantState.NOTIFIED: QT_TRANSLATE_NOOP("Joint", "Notified"),
    ParticipantState.ACKNOWLEDGED: QT_TRANSLATE_NOOP("Joint", "Acknowledged"),
    ParticipantState.EN_ROUTE: QT_TRANSLATE_NOOP("Joint", "En route"),
    ParticipantState.ARRIVED: QT_TRANSLATE_NOOP("Joint", "Arrived"),
    ParticipantState.RELEASED: QT_TRANSLATE_NOOP("Joint", "Released"),
    ParticipantState.REPLACED: QT_TRANSLATE_NOOP("Joint", "Replaced"),
}

JOINT_MOVE_NAMES: Final[dict[str, str]] = {
    "convene": QT_TRANSLATE_NOOP("Joint", "Convening"),
    "add_unit": QT_TRANSLATE_NOOP("Joint", "Adding a unit"),
    "replace_unit": QT_TRANSLATE_NOOP("Joint", "Replacing a unit"),
    "acknowledge": QT_TRANSLATE_NOOP("Joint", "Acknowledgement"),
    "depart": QT_TRANSLATE_NOOP("Joint", "Departure"),
    "arrive": QT_TRANSLATE_NOOP("Joint", "Arrival"),
    "release": QT_TRANSLATE_NOOP("Joint", "Release"),
    "complete": QT_TRANSLATE_NOOP("Joint", "Completion"),
    "cancel": QT_TRANSLATE_NOOP("Joint", "Cancellation"),
}
"""Joint move (``models.joint`` tag) → the name of the action, as a noun."""


def joint_state_name(state: JointState) -> str:
    return tr(JOINT_STATE_NAMES[state])


def participant_state_name(state: ParticipantState) -> str:
    return tr(PARTICIPANT_STATE_NAMES[state])


def joint_move_name(move: str) -> str:
    source = JOINT_MOVE_NAMES.get(move)
    return tr(source) if source else move
