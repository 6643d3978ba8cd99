"""The words of a case the desk shows: actions, steps of its flow, roles, orders, closings.

Sources are English, marked with ``QT_TRANSLATE_NOOP`` (context :data:`CONTEXT`) so that
``lupdate`` collects them, and translated when shown. Move names as nouns come from
:data:`console.connection.MOVE_TITLES` (the same words as the outcome messages).
"""

from __future__ import annotations

from typing import Final

from PySide6.QtCore import QCoreApplication

from console.case_actions import ACTION_MOVES, CaseAction, move_name
from console.connection import MOVE_TITLES
from console.connection import tr as tr_connection
from console.panels import QT_TRANSLATE_NOOP
from models.case import ClosingType, DispatchLevel, OrderState
from models.catalogue import DeadlineRule, TimeUnit
from models.org import Role
from models.workflow import CLOCK_ROLE

CONTEXT: Final = "CaseTexts"
"""Translation context of every string of this module."""


def tr(source: str) -> str:
    """``source`` (marked in this module) in the current language."""
    return QCoreApplication.translate(CONTEXT, source)


ACTION_NAMES: Final[dict[CaseAction, str]] = {
    CaseAction.ACCEPT: QT_TRANSLATE_NOOP("CaseTexts", "Accept"),
    CaseAction.VOID: QT_TRANSLATE_NOOP("CaseTexts", "Void"),
    CaseAction.FILE: QT_TRANSLATE_NOOP("CaseTexts", "File"),
    CaseAction.DISPATCH: QT_TRANSLATE_NOOP("CaseTexts", "Dispatch"),
    CaseAction.DISPATCH_COMPREHENSIVE: QT_TRANSLATE_NOOP("CaseTexts", "Comprehensive dispatch"),
    CaseAction.ESCALATE: QT_TRANSLATE_NOOP("CaseTexts", "Leader coordination"),
    CaseAction.APPROVE_EXTENSION: QT_TRANSLATE_NOOP("CaseTexts", "Approve extension"),
    CaseAction.DENY_EXTENSION: QT_TRANSLATE_NOOP("CaseTexts", "Deny extension"),
    CaseAction.URGE: QT_TRANSLATE_NOOP("CaseTexts", "Urge"),
    CaseAction.ASSIGN_VERIFICATION: QT_TRANSLATE_NOOP("CaseTexts", "Assign verification"),
    CaseAction.CLOSE: QT_TRANSLATE_NOOP("CaseTexts", "Close"),
    CaseAction.REWORK: QT_TRANSLATE_NOOP("CaseTexts", "Rework"),
    CaseAction.SUSPEND: QT_TRANSLATE_NOOP("CaseTexts", "Suspend"),
    CaseAction.RESUME: QT_TRANSLATE_NOOP("CaseTexts", "Resume"),
    CaseAction.MERGE: QT_TRANSLATE_NOOP("CaseTexts", "Merge"),
}
"""Each action as a button says it (a verb)."""

USAGES: Final[dict[CaseAction, str]] = {
    CaseAction.ACCEPT: QT_TRANSLATE_NOOP("CaseTexts", "accept <case> [note]"),
    CaseAction.VOID: QT_TRANSLATE_NOOP("CaseTexts", "void <case> <reason>"),
    CaseAction.FILE: QT_TRANSLATE_NOOP(
        "CaseTexts", "file <case> [category] [normal|urgent|critical] [note]"
    ),
    CaseAction.DISPATCH: QT_TRANSLATE_NOOP(
        "CaseTexts", "dispatch <case> [department] [instructions]"
    ),
    CaseAction.DISPATCH_COMPREHENSIVE: QT_TRANSLATE_NOOP(
        "CaseTexts", "joint <case> [departments…]"
    ),
    CaseAction.ESCALATE: QT_TRANSLATE_NOOP("CaseTexts", "escalate <case> <reason>"),
    CaseAction.APPROVE_EXTENSION: QT_TRANSLATE_NOOP("CaseTexts", "approve <case> [note]"),
    CaseAction.DENY_EXTENSION: QT_TRANSLATE_NOOP("CaseTexts", "deny <case> [note]"),
    CaseAction.URGE: QT_TRANSLATE_NOOP("CaseTexts", "urge <case> <message>"),
    CaseAction.ASSIGN_VERIFICATION: QT_TRANSLATE_NOOP("CaseTexts", "verify <case> [verifier]"),
    CaseAction.CLOSE: QT_TRANSLATE_NOOP(
        "CaseTexts", "close <case> [verified|erroneous|special] [reason]"
    ),
    CaseAction.REWORK: QT_TRANSLATE_NOOP("CaseTexts", "rework <case> <reason>"),
    CaseAction.SUSPEND: QT_TRANSLATE_NOOP("CaseTexts", "suspend <case> <reason>"),
    CaseAction.RESUME: QT_TRANSLATE_NOOP("CaseTexts", "resume <case> [note]"),
    CaseAction.MERGE: QT_TRANSLATE_NOOP("CaseTexts", "merge <case> into <case>"),
}
"""How each command-line verb is typed (the palette shows it beside a proposal)."""

HISTORY_STEPS: Final[dict[str, str]] = {
    "report": QT_TRANSLATE_NOOP("CaseTexts", "Report"),
    "merged_duplicate": QT_TRANSLATE_NOOP("CaseTexts", "Duplicate merged in"),
    "deadline_warning": QT_TRANSLATE_NOOP("CaseTexts", "Deadline warning"),
    "deadline_overdue": QT_TRANSLATE_NOOP("CaseTexts", "Deadline passed"),
    "joint_convened": QT_TRANSLATE_NOOP("CaseTexts", "Joint operation convened"),
    "joint_completed": QT_TRANSLATE_NOOP("CaseTexts", "Joint operation completed"),
    "joint_cancelled": QT_TRANSLATE_NOOP("CaseTexts", "Joint operation cancelled"),
}
"""History entries that are not workflow moves (those are named by ``MOVE_TITLES``)."""

ROLE_NAMES: Final[dict[str, str]] = {
    Role.OPERATOR.value: QT_TRANSLATE_NOOP("CaseTexts", "Operator"),
    Role.SUPERVISOR.value: QT_TRANSLATE_NOOP("CaseTexts", "Shift supervisor"),
    Role.LEADER.value: QT_TRANSLATE_NOOP("CaseTexts", "Leader"),
    Role.FIELD.value: QT_TRANSLATE_NOOP("CaseTexts", "Field staff"),
    Role.DEPARTMENT.value: QT_TRANSLATE_NOOP("CaseTexts", "Department"),
    Role.ADMIN.value: QT_TRANSLATE_NOOP("CaseTexts", "Administrator"),
    CLOCK_ROLE: QT_TRANSLATE_NOOP("CaseTexts", "Deadline clock"),
}
"""A history entry's ``actor_role`` in words."""

ORDER_STATE_NAMES: Final[dict[OrderState, str]] = {
    OrderState.ISSUED: QT_TRANSLATE_NOOP("CaseTexts", "Issued"),
    OrderState.ACCEPTED: QT_TRANSLATE_NOOP("CaseTexts", "Being handled"),
    OrderState.RETURNED: QT_TRANSLATE_NOOP("CaseTexts", "Returned"),
    OrderState.HANDLED: QT_TRANSLATE_NOOP("CaseTexts", "Handled"),
    OrderState.DONE: QT_TRANSLATE_NOOP("CaseTexts", "Verified"),
    OrderState.CANCELLED: QT_TRANSLATE_NOOP("CaseTexts", "Cancelled"),
}

LEVEL_NAMES: Final[dict[DispatchLevel, str]] = {
    DispatchLevel.SINGLE: QT_TRANSLATE_NOOP("CaseTexts", "Single dispatch"),
    DispatchLevel.COMPREHENSIVE: QT_TRANSLATE_NOOP("CaseTexts", "Comprehensive dispatch"),
    DispatchLevel.LEADER: QT_TRANSLATE_NOOP("CaseTexts", "After leader coordination"),
}

CLOSING_NAMES: Final[dict[ClosingType, str]] = {
    ClosingType.NORMAL: QT_TRANSLATE_NOOP("CaseTexts", "Normal"),
    ClosingType.OVERDUE: QT_TRANSLATE_NOOP("CaseTexts", "Overdue"),
    ClosingType.ERRONEOUS: QT_TRANSLATE_NOOP("CaseTexts", "Erroneous"),
    ClosingType.SPECIAL: QT_TRANSLATE_NOOP("CaseTexts", "Special"),
}

VERIFIED_CLOSING: Final = QT_TRANSLATE_NOOP(
    "CaseTexts", "Verification passed (normal or overdue, as the deadline says)"
)
"""The closing made by a passed verification (its type follows from the history)."""


def action_name(action: CaseAction) -> str:
    """An action as a button says it, in the current language."""
    return tr(ACTION_NAMES[action])


def action_noun(action: CaseAction) -> str:
    """An action as a noun ("Acceptance", "Dispatch", "Closing"), as the outcome messages
    name its move, in the current language."""
    return tr_connection(MOVE_TITLES[move_name(ACTION_MOVES[action][-1])])


def usage(action: CaseAction) -> str:
    """How the action's verb is typed, in the current language."""
    return tr(USAGES[action])


def history_step(move: str) -> str:
    """A history entry's ``move`` in words (the move itself if unknown)."""
    if move in HISTORY_STEPS:
        return tr(HISTORY_STEPS[move])
    if move in MOVE_TITLES:
        return tr_connection(MOVE_TITLES[move])
    return move


def role_name(role: str) -> str:
    """A history entry's ``actor_role`` in words (the value itself if unknown)."""
    source = ROLE_NAMES.get(role)
    return tr(source) if source else role


def order_state_name(state: OrderState) -> str:
    return tr(ORDER_STATE_NAMES[state])


def level_name(level: DispatchLevel) -> str:
    return tr(LEVEL_NAMES[level])


def closing_name(closing: ClosingType | None) -> str:
    """A closing type in words; ``None`` is the closing a passed verification makes."""
    return tr(VERIFIED_CLOSING if closing is None else CLOSING_NAMES[closing])


def distance_text(metres: float) -> str:
    """A distance as operators read it: "85 m", "1.2 km"."""
    if metres < 1000:
        return QCoreApplication.translate("CaseTexts", "{metres} m").format(metres=f"{metres:.0f}")
    return QCoreApplication.translate("CaseTexts", "{km} km").format(km=f"{metres / 1000:.1f}")


def rule_text(rule: DeadlineRule) -> str:
    """A deadline rule in words: "4 working hours", "30 minutes"."""
    amount = f"{rule.amount:g}"
    match TimeUnit(rule.unit):
        case TimeUnit.WORK_HOURS:
            return QCoreApplication.translate("CaseTexts", "{n} working hours").format(n=amount)
        case TimeUnit.WORK_DAYS:
            return QCoreApplication.translate("CaseTexts", "{n} working days").format(n=amount)
        case TimeUnit.CLOCK_MINUTES:
            return QCoreApplication.translate("CaseTexts", "{n} minutes").format(n=amount)
        case TimeUnit.CLOCK_HOURS:
            return QCoreApplication.translate("CaseTexts", "{n} hours").format(n=amount)
