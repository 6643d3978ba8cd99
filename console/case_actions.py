"""What an operator can do to a case from the desk, as plain logic (no widgets).

The desk's buttons, shortcuts and command-line verbs all come down to three questions this
module answers, so that they always agree:

* **Which actions now?** :func:`enabled_actions` asks ``models.workflow.allowed_moves``
  with the signed-in user as the actor; nothing here repeats the workflow's table of who
  may do what from which state.
* **With which defaults?** :func:`default_input` fills an action's form from the
  catalogue: the category's department, its joint departments, the next supervision
  level, the nearest available grid supervisor (:func:`suggest_verifiers`).
* **As which move?** :func:`build_move` turns an :class:`ActionInput` into the
  ``models.workflow`` move the store sends; what is still missing is named by
  :func:`missing_field`.

Command-line verbs typed in the palette (``dispatch PD20261130-0042 CGZF``, ``accept 42``,
``urge 42 请尽快处置``) are read by :func:`propose` into :class:`Proposal`\\ s, one per way
the text can be completed. :func:`nearby_cases` and :func:`merge_pair` find duplicates.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Reversible
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from itertools import islice
from typing import Final

import numpy as np

from console.store import STATUS_CODES, UnitPositions
from models.case import Case, CaseState, ClosingType
from models.catalogue import Catalogue, Department, Urgency
from models.deadlines import DeadlinePolicy
from models.errors import InvalidInput
from models.geo import haversine_m, haversine_m_array
from models.org import DEFAULT_STALE_AFTER, Actor, Unit, UnitStatus, User
from models.workflow import (
    MAX_URGE_LEVEL,
    MOVES,
    Accept,
    AnyMove,
    AssignVerification,
    Close,
    DecideExtension,
    DispatchComprehensive,
    DispatchSingle,
    EscalateToLeader,
    File,
    Merge,
    Move,
    Resume,
    Suspend,
    Urge,
    VerifyFail,
    VerifyPass,
    Void,
    allowed_moves,
)

VERIFIER_DEPARTMENT: Final = "WGLQ"
"""Grid supervisors (网格监督员) belong to the town's joint-patrol force (网格联勤队伍):
verification is suggested from its units."""

NEARBY_DAYS: Final = 7
"""Cases reported this many days back count as possible duplicates."""

NEARBY_RADIUS_M: Final = 300.0
"""Cases this close (metres) count as possible duplicates."""


class CaseAction(StrEnum):
    """What the desk offers; each is one or two workflow moves (see :data:`ACTION_MOVES`)."""

    ACCEPT = "accept"  # 受理
    VOID = "void"  # 作废
    FILE = "file"  # 立案
    DISPATCH = "dispatch"  # 单一派单
    DISPATCH_COMPREHENSIVE = "dispatch_comprehensive"  # 综合派单
    ESCALATE = "escalate"  # 领导协调
    APPROVE_EXTENSION = "approve_extension"  # 延期批准
    DENY_EXTENSION = "deny_extension"  # 延期驳回
    URGE = "urge"  # 督办
    ASSIGN_VERIFICATION = "assign_verification"  # 派核查
    CLOSE = "close"  # 结案 (after verification, or erroneous/special)
    REWORK = "rework"  # 返工 (verification failed)
    SUSPEND = "suspend"  # 缓办
    RESUME = "resume"  # 恢复
    MERGE = "merge"  # 合并


ACTION_MOVES: Final[dict[CaseAction, tuple[type[Move], ...]]] = {
    CaseAction.ACCEPT: (Accept,),
    CaseAction.VOID: (Void,),
    CaseAction.FILE: (File,),
    CaseAction.DISPATCH: (DispatchSingle,),
    CaseAction.DISPATCH_COMPREHENSIVE: (DispatchComprehensive,),
    CaseAction.ESCALATE: (EscalateToLeader,),
    CaseAction.APPROVE_EXTENSION: (DecideExtension,),
    CaseAction.DENY_EXTENSION: (DecideExtension,),
    CaseAction.URGE: (Urge,),
    CaseAction.ASSIGN_VERIFICATION: (AssignVerification,),
    # A verified case closes normally (or overdue, as its history says); erroneous and
    # special closings are decided. Either way the operator asks to "close".
    CaseAction.CLOSE: (VerifyPass, Close),
    CaseAction.REWORK: (VerifyFail,),
    CaseAction.SUSPEND: (Suspend,),
    CaseAction.RESUME: (Resume,),
    CaseAction.MERGE: (Merge,),
}
"""Each action → the workflow moves that carry it out; enabled when any of them is legal."""

DECIDED_CLOSINGS: Final = (ClosingType.ERRONEOUS, ClosingType.SPECIAL)
"""Closing types decided by a chief (``Close``); normal and overdue follow verification."""


def move_name(move_type: type[Move]) -> str:
    """The workflow's name (wire tag) of a move type, e.g. ``"dispatch_single"``."""
    return MOVES[move_type].name


# --- who, and what they may do ---------------------------------------------------------


def actor_for(user: User, terminal: str = "") -> Actor:
    """The signed-in user as the workflow sees them."""
    return Actor(
        user_id=user.user_id,
        role=user.role,
        scope=user.scope,
        department=user.department,
        terminal=terminal,
        name=user.name,
    )


def enabled_actions(case: Case, actor: Actor) -> frozenset[CaseAction]:
    """The actions ``actor`` may take on ``case`` now (straight from ``allowed_moves``)."""
    allowed = set(allowed_moves(case, actor))
    return frozenset(
        action
        for action, moves in ACTION_MOVES.items()
        if any(move_name(m) in allowed for m in moves)
    )


def split_legal(
    action: CaseAction, cases: Iterable[Case], actor: Actor
) -> tuple[list[Case], list[Case]]:
    """Cases of a multi-selection on which ``action`` is legal, and those it skips."""
    legal: list[Case] = []
    skipped: list[Case] = []
    for case in cases:
        (legal if action in enabled_actions(case, actor) else skipped).append(case)
    return legal, skipped


def closing_choices(case: Case, actor: Actor) -> list[ClosingType | None]:
    """How ``actor`` may close ``case``: ``None`` (verification passed, normal or overdue
    from the history) and/or the decided types."""
    allowed = set(allowed_moves(case, actor))
    choices: list[ClosingType | None] = []
    if move_name(VerifyPass) in allowed:
        choices.append(None)
    if move_name(Close) in allowed:
        choices.extend(DECIDED_CLOSINGS)
    return choices


# --- the form of an action -------------------------------------------------------------


@dataclass(frozen=True)
class ActionInput:
    """What an action's form holds; each action reads the fields it needs.

    ``None`` means "the catalogue's default" for ``department``, ``departments`` and
    ``deadline``: the server then applies the category's rule itself (in working time).

    Attributes:
        note: Optional note (accept, file, resume, extension decisions, verified closing).
        reason: Required reason (void, escalate, decided closing, rework, suspend).
        invalid_report: With void: the report was not valid (counts against its reporter).
        category: With file: the corrected category code (``None``: unchanged).
        urgency: With file: the corrected urgency (``None``: unchanged).
        department: With single dispatch: the department code.
        departments: With comprehensive dispatch: the departments to convene.
        deadline: With dispatch: a deadline typed in (a point in time).
        instructions: With dispatch: instructions to the department.
        message: With urge: the message to the department.
        level: With urge: the supervision level, 1 to ``MAX_URGE_LEVEL``.
        verifier: With assign verification: who verifies on site.
        closing_type: With close: ``None`` after verification, else erroneous or special.
        into_case: With merge: the id of the case the duplicate is merged into.
    """

    note: str = ""
    reason: str = ""
    invalid_report: bool = True
    category: str | None = None
    urgency: Urgency | None = None
    department: str | None = None
    departments: tuple[str, ...] | None = None
    deadline: datetime | None = None
    instructions: str = ""
    message: str = ""
    level: int = 1
    verifier: str = ""
    closing_type: ClosingType | None = None
    into_case: int | None = None


REASON_ACTIONS: Final = frozenset(
    {
        CaseAction.VOID,
        CaseAction.ESCALATE,
        CaseAction.REWORK,
        CaseAction.SUSPEND,
    }
)
"""Actions that always need a reason (a decided closing needs one too)."""

QUICK_ACTIONS: Final = frozenset(
    {
        CaseAction.ACCEPT,
        CaseAction.FILE,
        CaseAction.DISPATCH,
        CaseAction.APPROVE_EXTENSION,
        CaseAction.RESUME,
    }
)
"""Actions complete with their defaults alone: a shortcut makes them at once."""


def missing_field(action: CaseAction, data: ActionInput) -> str | None:
    """The name of the first required field still empty, or ``None`` when complete."""
    if action in REASON_ACTIONS and not data.reason.strip():
        return "reason"
    if action is CaseAction.CLOSE and data.closing_type is not None and not data.reason.strip():
        return "reason"
    if action is CaseAction.URGE and not data.message.strip():
        return "message"
    if action is CaseAction.ASSIGN_VERIFICATION and not data.verifier.strip():
        return "verifier"
    if action is CaseAction.MERGE and data.into_case is None:
        return "into_case"
    return None


def default_input(
    action: CaseAction,
    case: Case,
    actor: Actor,
    *,
    verifier: str = "",
) -> ActionInput:
    """The form of ``action`` on ``case`` as it opens: every default filled in.

    Department, deadline and joint departments are left to the catalogue (``None``); see
    :func:`default_department`, :func:`default_deadline` and :func:`joint_departments`
    for what that means for the case, to show it.

    Args:
        action: The action.
        case: The case it is for.
        actor: Who takes it (decides how a case may be closed).
        verifier: The suggested verifier (:func:`suggest_verifiers`), for assignment.
    """
    if action is CaseAction.URGE:
        return ActionInput(level=min(case.urge_level + 1, MAX_URGE_LEVEL))
    if action is CaseAction.ASSIGN_VERIFICATION:
        return ActionInput(verifier=verifier)
    if action is CaseAction.CLOSE:
        choices = closing_choices(case, actor)
        return ActionInput(closing_type=choices[0] if choices else ClosingType.SPECIAL)
    return ActionInput()


def default_department(case: Case, catalogue: Catalogue) -> Department:
    """The department the case's category goes to (single dispatch's default)."""
    return catalogue.department(catalogue.category(case.category).department)


def joint_departments(case: Case, catalogue: Catalogue) -> tuple[str, ...]:
    """The departments a joint patrol for the case's category convenes."""
    return catalogue.category(case.category).joint_departments


def default_deadline(
    case: Case, catalogue: Catalogue, policy: DeadlinePolicy, now: datetime
) -> datetime:
    """When a dispatch made ``now`` would be due under the category's rule for the case's
    urgency (the server computes the same with its own calendar)."""
    rule = catalogue.category(case.category).deadline(case.urgency)
    return policy.handling_deadline(now, rule)


def build_move(action: CaseAction, case: Case, data: ActionInput) -> AnyMove:
    """The workflow move ``action`` makes on ``case`` with the form ``data``.

    Raises:
        InvalidInput: A required field is empty (see :func:`missing_field`) or a value
            is out of range; names the field.
    """
    field = missing_field(action, data)
    if field is not None:
        raise InvalidInput(field, "is required")
    match action:
        case CaseAction.ACCEPT:
            return Accept(note=data.note)
        case CaseAction.VOID:
            return Void(reason=data.reason, invalid_report=data.invalid_report)
        case CaseAction.FILE:
            return File(
                category=data.category if data.category not in (None, case.category) else None,
                urgency=data.urgency if data.urgency not in (None, case.urgency) else None,
                note=data.note,
            )
        case CaseAction.DISPATCH:
            return DispatchSingle(
                department=data.department, deadline=data.deadline, instructions=data.instructions
            )
        case CaseAction.DISPATCH_COMPREHENSIVE:
            return DispatchComprehensive(
                departments=data.departments or (),
                deadline=data.deadline,
                instructions=data.instructions,
            )
        case CaseAction.ESCALATE:
            return EscalateToLeader(reason=data.reason)
        case CaseAction.APPROVE_EXTENSION:
            return DecideExtension(approve=True, note=data.note)
        case CaseAction.DENY_EXTENSION:
            return DecideExtension(approve=False, note=data.note)
        case CaseAction.URGE:
            if not 1 <= data.level <= MAX_URGE_LEVEL:
                raise InvalidInput("level", f"must be from 1 to {MAX_URGE_LEVEL}")
            return Urge(level=data.level, message=data.message)
        case CaseAction.ASSIGN_VERIFICATION:
            return AssignVerification(verifier=data.verifier.strip())
        case CaseAction.CLOSE:
            if data.closing_type is None:
                return VerifyPass(note=data.note)
            if data.closing_type not in DECIDED_CLOSINGS:
                raise InvalidInput("closing_type", "only erroneous or special closing is decided")
            return Close(closing_type=data.closing_type, reason=data.reason)
        case CaseAction.REWORK:
            return VerifyFail(reason=data.reason)
        case CaseAction.SUSPEND:
            return Suspend(reason=data.reason)
        case CaseAction.RESUME:
            return Resume(note=data.note)
        case CaseAction.MERGE:
            assert data.into_case is not None  # missing_field checked it
            return Merge(into_case=data.into_case)
    raise AssertionError(f"unhandled action {action}")


# --- who verifies ----------------------------------------------------------------------


@dataclass(frozen=True)
class VerifierSuggestion:
    """A unit that could verify a case on site, and how far it is from the case."""

    unit: Unit
    distance_m: float


def suggest_verifiers(
    case: Case,
    units: Mapping[str, Unit],
    positions: UnitPositions,
    now: datetime,
    *,
    department: str = VERIFIER_DEPARTMENT,
    max_age: timedelta = DEFAULT_STALE_AFTER,
    limit: int = 5,
) -> list[VerifierSuggestion]:
    """The nearest available grid supervisors for an on-site verification, nearest first.

    Only units of ``department`` in the case's street/town count, and only those on patrol
    whose last fix (the live one in ``positions``) is younger than ``max_age``: a unit not
    heard from lately must not be sent (DOMAIN.md, "stale" positions).
    """
    street = case.street_code
    if street is None:
        return []
    candidates = [
        (row, unit)
        for unit in units.values()
        if unit.department == department
        and unit.street_code == street
        and (row := positions.row_of(unit.unit_id)) is not None
    ]
    if not candidates:
        return []
    rows = np.fromiter((row for row, _ in candidates), np.int64, len(candidates))
    lon, lat = positions.lon[rows], positions.lat[rows]
    available = (
        (positions.status[rows] == STATUS_CODES[UnitStatus.PATROL])
        & (positions.last_fix[rows] >= (now - max_age).timestamp())
        & ~np.isnan(lon)
        & ~np.isnan(lat)
    )
    distances = haversine_m_array(case.location.lon, case.location.lat, lon, lat)
    chosen = np.flatnonzero(available)
    chosen = chosen[np.argsort(distances[chosen], kind="stable")][:limit]
    return [VerifierSuggestion(candidates[i][1], float(distances[i])) for i in chosen]


# --- duplicates ------------------------------------------------------------------------


@dataclass(frozen=True)
class NearbyCase:
    """A case near another one, of the same category: a possible duplicate."""

    case: Case
    distance_m: float


_NOT_CASES: Final = frozenset({CaseState.VOIDED, CaseState.MERGED})


def nearby_cases(
    case: Case,
    cases: Iterable[Case],
    now: datetime,
    *,
    days: float = NEARBY_DAYS,
    radius_m: float = NEARBY_RADIUS_M,
) -> list[NearbyCase]:
    """Cases of the same category reported in the last ``days`` within ``radius_m`` of
    ``case``, nearest first (voided and merged reports are left out)."""
    since = now - timedelta(days=days)
    lon, lat = case.location.lon, case.location.lat
    found = []
    for other in cases:
        if (
            other.category != case.category
            or other.id == case.id
            or other.reported_at < since
            or other.state in _NOT_CASES
        ):
            continue
        distance = haversine_m(lon, lat, other.location.lon, other.location.lat)
        if distance <= radius_m:
            found.append(NearbyCase(other, distance))
    found.sort(key=lambda n: (n.distance_m, n.case.id))
    return found


def _can_take(target: Case, actor: Actor) -> bool:
    # The other half of a merge (models.workflow.merge_into): an open case in scope.
    return not target.state.is_terminal and actor.covers(target.street_code)


def merge_pair(a: Case, b: Case, actor: Actor) -> tuple[Case, Case] | None:
    """How two cases can be merged by ``actor``, as (duplicate, target), or ``None``.

    The newer report is merged into the older one when both ways are possible.
    """
    newer, older = (a, b) if (a.reported_at, a.id) > (b.reported_at, b.id) else (b, a)
    for duplicate, target in ((newer, older), (older, newer)):
        if CaseAction.MERGE in enabled_actions(duplicate, actor) and _can_take(target, actor):
            return duplicate, target
    return None


def merge_plan(cases: Collection[Case], actor: Actor) -> tuple[Case, list[Case]] | None:
    """Merging a multi-selection: (target, duplicates), or ``None`` if nothing can merge.

    The target is a case already filed if there is one (it cannot be a duplicate itself),
    else the earliest report; every other case that may be merged goes into it.
    """
    targets = sorted(
        (c for c in cases if _can_take(c, actor)),
        key=lambda c: (CaseAction.MERGE in enabled_actions(c, actor), c.reported_at, c.id),
    )
    for target in targets:
        duplicates = [
            c for c in cases if c.id != target.id and CaseAction.MERGE in enabled_actions(c, actor)
        ]
        if duplicates:
            return target, duplicates
    return None


# --- command-line verbs ----------------------------------------------------------------


@dataclass(frozen=True)
class Verb:
    """A command-line verb of the palette: its action and the words that name it."""

    action: CaseAction
    names: tuple[str, ...]


VERBS: Final[tuple[Verb, ...]] = (
    Verb(CaseAction.ACCEPT, ("accept", "受理")),
    Verb(CaseAction.VOID, ("void", "作废")),
    Verb(CaseAction.FILE, ("file", "立案")),
    Verb(CaseAction.DISPATCH, ("dispatch", "派遣", "派单")),
    Verb(CaseAction.DISPATCH_COMPREHENSIVE, ("joint", "综合派单")),
    Verb(CaseAction.ESCALATE, ("escalate", "领导协调")),
    Verb(CaseAction.APPROVE_EXTENSION, ("approve", "批准延期")),
    Verb(CaseAction.DENY_EXTENSION, ("deny", "驳回延期")),
    Verb(CaseAction.URGE, ("urge", "督办")),
    Verb(CaseAction.ASSIGN_VERIFICATION, ("verify", "核查")),
    Verb(CaseAction.CLOSE, ("close", "结案")),
    Verb(CaseAction.REWORK, ("rework", "返工")),
    Verb(CaseAction.SUSPEND, ("suspend", "缓办")),
    Verb(CaseAction.RESUME, ("resume", "恢复")),
    Verb(CaseAction.MERGE, ("merge", "合并")),
)
"""Every verb, English first (the form the help shows), then the users' Chinese words."""

CLOSING_WORDS: Final[dict[str, ClosingType | None]] = {
    "verified": None,
    "normal": None,
    "正常": None,
    "erroneous": ClosingType.ERRONEOUS,
    "错误": ClosingType.ERRONEOUS,
    "special": ClosingType.SPECIAL,
    "特殊": ClosingType.SPECIAL,
}
URGENCY_WORDS: Final[dict[str, Urgency]] = {
    "normal": Urgency.NORMAL,
    "一般": Urgency.NORMAL,
    "urgent": Urgency.URGENT,
    "紧急": Urgency.URGENT,
    "critical": Urgency.CRITICAL,
    "特急": Urgency.CRITICAL,
}
INTO_WORDS: Final = frozenset({"into", "to", "->", "到", "并入"})

SCAN_LIMIT: Final = 5000
"""Most recent cases looked at when a verb lists candidate cases (keeps typing instant)."""


@dataclass(frozen=True)
class Proposal:
    """One way to complete what was typed: an action on cases with its form filled in.

    Attributes:
        action: The action.
        cases: The cases it applies to (legal for each).
        data: The form, defaults plus what was typed.
        missing: A required field still empty (then the form must be shown), or ``None``.
    """

    action: CaseAction
    cases: tuple[Case, ...]
    data: ActionInput
    missing: str | None


def verbs_matching(word: str) -> list[Verb]:
    """Verbs one of whose names starts with ``word`` (exact names only, if any is exact)."""
    word = word.casefold()
    exact = [v for v in VERBS if word in v.names]
    return exact or [v for v in VERBS if any(name.startswith(word) for name in v.names)]


def _newest_first(cases: Mapping[int, Case]) -> Iterator[Case]:
    # A dict keeps arrival order, so its values reversed are the newest reports first.
    values = cases.values()
    return reversed(values) if isinstance(values, Reversible) else reversed(list(values))


def find_cases(token: str, cases: Mapping[int, Case], limit: int = 10) -> list[Case]:
    """The cases a typed reference may mean, best first.

    An id (``42``), a whole number (``PD20261130-0042``, any case), the count at the end
    of a number (``42`` or ``0042`` for ``…-0042``, newest first) or the start of a number.
    """
    text = token.strip().casefold()
    if not text:
        return []
    found: dict[int, Case] = {}
    if text.isdigit() and (by_id := cases.get(int(text))) is not None:
        found[by_id.id] = by_id
    count = int(text) if text.isdigit() else None
    for case in _newest_first(cases):
        if len(found) >= limit:
            break
        number = case.number.casefold()
        _, dash, tail = number.rpartition("-")
        if (
            number == text
            or number.startswith(text)
            or (count is not None and dash and tail.isdigit() and int(tail) == count)
        ):
            found.setdefault(case.id, case)
    exact = [c for c in found.values() if c.number.casefold() == text]
    return exact or list(found.values())


def find_departments(
    token: str, catalogue: Catalogue, *, with_office: bool = False
) -> list[Department]:
    """Departments a typed word names: the exact code, else a code prefix or part of a
    Chinese or English name. The joint-action office only ``with_office``."""
    text = token.strip().casefold()
    departments = [d for d in catalogue.departments.values() if with_office or not d.joint_office]
    exact = [d for d in departments if d.code.casefold() == text]
    if exact or not text:
        return exact
    return [
        d
        for d in departments
        if d.code.casefold().startswith(text)
        or text in d.name_zh.casefold()
        or text in d.name_en.casefold()
    ]


def _inputs(
    action: CaseAction,
    base: ActionInput,
    args: list[str],
    *,
    cases: Mapping[int, Case],
    catalogue: Catalogue,
    limit: int,
) -> list[ActionInput]:
    """The forms that ``args`` (what follows the case) can mean for ``action``; empty when
    they cannot be read (an unknown department, say)."""
    rest = " ".join(args)
    match action:
        case CaseAction.DISPATCH:
            if not args:
                return [base]
            found = find_departments(args[0], catalogue)[:limit]
            text = " ".join(args[1:])
            return [replace(base, department=d.code, instructions=text) for d in found]
        case CaseAction.DISPATCH_COMPREHENSIVE:
            codes = []
            for word in args:
                found = find_departments(word, catalogue)
                if len(found) != 1:
                    return []
                codes.append(found[0].code)
            return [replace(base, departments=tuple(codes) if codes else None)]
        case CaseAction.FILE:
            data = base
            while args:
                word = args[0].casefold()
                if word in URGENCY_WORDS:
                    data = replace(data, urgency=URGENCY_WORDS[word])
                elif word.upper() in catalogue.categories:
                    data = replace(data, category=word.upper())
                else:
                    break
                args = args[1:]
            return [replace(data, note=" ".join(args))]
        case CaseAction.ASSIGN_VERIFICATION:
            return [replace(base, verifier=args[0]) if args else base]
        case CaseAction.CLOSE:
            if args and args[0].casefold() in CLOSING_WORDS:
                closing = CLOSING_WORDS[args[0].casefold()]
                args = args[1:]
                base = replace(base, closing_type=closing)
            text = " ".join(args)
            return [
                replace(base, note=text)
                if base.closing_type is None
                else replace(base, reason=text)
            ]
        case CaseAction.MERGE:
            if args and args[0].casefold() in INTO_WORDS:
                args = args[1:]
            if not args:
                return [base]
            return [replace(base, into_case=c.id) for c in find_cases(args[0], cases, limit)]
        case CaseAction.URGE:
            return [replace(base, message=rest)]
        case CaseAction.VOID | CaseAction.ESCALATE | CaseAction.REWORK | CaseAction.SUSPEND:
            return [replace(base, reason=rest)]
        case _:
            return [replace(base, note=rest)]


def propose(
    text: str,
    *,
    cases: Mapping[int, Case],
    selection: Collection[int],
    actor: Actor | None,
    catalogue: Catalogue,
    verifier_for: Callable[[Case], str] = lambda _case: "",
    limit: int = 10,
) -> list[Proposal]:
    """Read a command line typed in the palette into what it can mean, best first.

    ``<verb> [<case>] [arguments]``: the verb by a prefix of any of its names; the case
    by id or number (see :func:`find_cases`); without a case, the selected cases, or with
    none selected, the newest cases the action is legal for. Only legal proposals are
    made; a proposal with a required field still empty says so in ``missing``.

    Args:
        text: What was typed.
        cases: The store's cases.
        selection: Ids of the selected cases.
        actor: The signed-in user (``None``: nothing is proposed).
        catalogue: For departments and categories.
        verifier_for: The suggested verifier of a case (for ``verify`` without one).
        limit: Most proposals.
    """
    words = text.split()
    if actor is None or not words:
        return []
    proposals: list[Proposal] = []
    for verb in verbs_matching(words[0]):
        action = verb.action
        args = words[1:]
        named = find_cases(args[0], cases, limit) if args else []
        targets: list[tuple[Case, ...]]
        if named:
            targets = [(c,) for c in named]
            args = args[1:]
        elif selection:
            targets = [tuple(cases[i] for i in sorted(selection) if i in cases)]
        elif not args:
            recent = islice(_newest_first(cases), SCAN_LIMIT)
            legal_recent = (c for c in recent if action in enabled_actions(c, actor))
            targets = [(c,) for c in islice(legal_recent, limit)]
        else:
            continue
        for group in targets:
            legal, _skipped = split_legal(action, group, actor)
            if not legal:
                continue
            first = legal[0]
            verifier = verifier_for(first) if action is CaseAction.ASSIGN_VERIFICATION else ""
            base = default_input(action, first, actor, verifier=verifier)
            for data in _inputs(action, base, args, cases=cases, catalogue=catalogue, limit=limit):
                if action is CaseAction.MERGE and data.into_case in {c.id for c in legal}:
                    continue
                proposals.append(Proposal(action, tuple(legal), data, missing_field(action, data)))
                if len(proposals) >= limit:
                    return proposals
    return proposals
