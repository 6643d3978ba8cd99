"""The dispatcher's work lists (工作列表): which cases wait for which kind of attention.

A dispatcher (信息平台操作员) works the closed loop (DOMAIN.md, "The case and its closed
loop") from lists, each answering one question of the shift:

=======================  ===========  =======================================================
work list                Chinese      holds the cases that
=======================  ===========  =======================================================
to accept                待受理       await acceptance (受理): ``AWAITING_ACCEPTANCE``
to file                  待立案       were accepted and await filing (立案):
                                      ``AWAITING_FILING``
to dispatch              待派遣       were filed and await an order: ``AWAITING_DISPATCH``
                                      and ``LEADER_COORDINATION`` (领导协调: the leaders
                                      decide, then dispatch; the state column tells them
                                      apart)
in progress              处置中       are with a department: ``DISPATCHED`` (派遣, not yet
                                      taken) and ``IN_PROGRESS`` (taken, being handled)
awaiting verification    待核查       were reported handled and await the grid
                                      supervisor's verification (核查):
                                      ``AWAITING_VERIFICATION``
overdue                  超期         are open and past their current step's deadline (the
                                      server's deadline clock raised the flag)
under supervision        督办         are open and were urged (督办) at least once
joint                    联勤联动     are open and went to comprehensive dispatch (综合派单),
                                      i.e. to the joint-action office (联勤联动办公室)
suspended                缓办/挂账    are suspended, their clock stopped: ``SUSPENDED``
closed today             今日结案     were closed (结案, any closing type) since local
                                      midnight: ``CLOSED``
=======================  ===========  =======================================================

"Open" is every state but the terminal ones (closed, voided, merged). Every state is in
exactly one of the first five lists or suspended, except the terminal ones: a closed case
is in "closed today" on its closing day only; voided reports (作废) and reports merged into
another case (已合并) were never cases to work on and are in no list. Overdue, under
supervision and joint cut across the others.

Each list is one :class:`WorkListRule` in :data:`RULES`, the only definition: numpy
evaluates it over whole columns (:func:`work_list_mask`), for a table of a million cases,
and for one case (:func:`work_lists_of`) with the very same code. :class:`WorkListCounter`
keeps every list's count as rows come, change and go, without looking at the other rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Final

import numpy as np

from models.calendar import SHANGHAI
from models.case import TERMINAL_STATES, Case, CaseState

# --- a case's flags as bits, and its state as a small code ------------------------------

FLAG_JOINT: Final = 1
"""Comprehensive dispatch (综合派单): the case went to the joint-action office."""
FLAG_SUPERVISED: Final = 2
"""Under supervision (督办): urged at least once."""
FLAG_WARNED: Final = 4
"""The current step's warning share of its allowance has elapsed (预警)."""
FLAG_OVERDUE: Final = 8
"""The current step is past its deadline (超期)."""
FLAG_LIMIT: Final = 16
"""Every combination of flags is below this."""

STATE_CODES: Final[Mapping[CaseState, int]] = {s: i for i, s in enumerate(CaseState)}
"""Case state → small integer code (its position in ``CaseState``), as tables keep it."""

OPEN_STATES: Final = frozenset(CaseState) - TERMINAL_STATES


def case_flags(case: Case) -> int:
    """The case's flags as bits (:data:`FLAG_OVERDUE`...)."""
    return (
        (FLAG_OVERDUE if case.overdue else 0)
        | (FLAG_WARNED if case.warned else 0)
        | (FLAG_SUPERVISED if case.supervised else 0)
        | (FLAG_JOINT if case.joint else 0)
    )


# --- the lists ---------------------------------------------------------------------------


class WorkList(StrEnum):
    """The work lists, in the order the desk shows them (see the module's table)."""

    TO_ACCEPT = "to_accept"  # 待受理
    TO_FILE = "to_file"  # 待立案
    TO_DISPATCH = "to_dispatch"  # 待派遣
    IN_PROGRESS = "in_progress"  # 处置中
    AWAITING_VERIFICATION = "awaiting_verification"  # 待核查
    OVERDUE = "overdue"  # 超期
    SUPERVISED = "supervised"  # 督办
    JOINT = "joint"  # 联勤联动 (综合派单)
    SUSPENDED = "suspended"  # 缓办/挂账
    CLOSED_TODAY = "closed_today"  # 今日结案


@dataclass(frozen=True)
class WorkListRule:
    """Which cases a work list holds: all of ``states``, ``flag`` and ``closed_today``.

    Attributes:
        states: The case must be in one of these states.
        flag: A flag bit that must be set (0: none).
        closed_today: The case must have closed since local midnight.
    """

    states: frozenset[CaseState]
    flag: int = 0
    closed_today: bool = False
    state_table: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        table = np.zeros(len(STATE_CODES), dtype=bool)
        table[[STATE_CODES[s] for s in self.states]] = True
        object.__setattr__(self, "state_table", table)


RULES: Final[Mapping[WorkList, WorkListRule]] = {
    WorkList.TO_ACCEPT: WorkListRule(frozenset({CaseState.AWAITING_ACCEPTANCE})),
    WorkList.TO_FILE: WorkListRule(frozenset({CaseState.AWAITING_FILING})),
    WorkList.TO_DISPATCH: WorkListRule(
        frozenset({CaseState.AWAITING_DISPATCH, CaseState.LEADER_COORDINATION})
    ),
    WorkList.IN_PROGRESS: WorkListRule(frozenset({CaseState.DISPATCHED, CaseState.IN_PROGRESS})),
    WorkList.AWAITING_VERIFICATION: WorkListRule(frozenset({CaseState.AWAITING_VERIFICATION})),
    WorkList.OVERDUE: WorkListRule(OPEN_STATES, flag=FLAG_OVERDUE),
    WorkList.SUPERVISED: WorkListRule(OPEN_STATES, flag=FLAG_SUPERVISED),
    WorkList.JOINT: WorkListRule(OPEN_STATES, flag=FLAG_JOINT),
    WorkList.SUSPENDED: WorkListRule(frozenset({CaseState.SUSPENDED})),
    WorkList.CLOSED_TODAY: WorkListRule(frozenset({CaseState.CLOSED}), closed_today=True),
}
"""Work list → its rule: the one definition of every list."""


def day_start(now: float) -> float:
    """Unix time of the last local (Shanghai) midnight at or before ``now``."""
    local = datetime.fromtimestamp(now, SHANGHAI)
    return local.replace(hour=0, minute=0, second=0, microsecond=0).timestamp()


def work_list_mask(
    work_list: WorkList,
    states: np.ndarray,
    flags: np.ndarray,
    closed_at: np.ndarray,
    today: float,
) -> np.ndarray:
    """Which rows belong to ``work_list``, one bool per row.

    Args:
        work_list: The list.
        states: Each row's :data:`STATE_CODES` code.
        flags: Each row's :func:`case_flags`.
        closed_at: Each row's closing time in Unix seconds (``inf`` or NaN: not closed).
        today: :func:`day_start` of now.
    """
    rule = RULES[work_list]
    mask = rule.state_table[states]
    if rule.flag:
        mask &= (flags & rule.flag) != 0
    if rule.closed_today:
        mask &= np.isfinite(closed_at) & (closed_at >= today)
    return mask


def work_lists_of(case: Case, today: float) -> set[WorkList]:
    """The work lists ``case`` belongs to (``today``: :func:`day_start` of now)."""
    states = np.array([STATE_CODES[case.state]])
    flags = np.array([case_flags(case)])
    closed = np.array([case.closed_at.timestamp() if case.closed_at else np.inf])
    return {w for w in WorkList if work_list_mask(w, states, flags, closed, today)[0]}


# --- counting ----------------------------------------------------------------------------

_CLOSED_TODAY_KINDS: Final = 2
KINDS: Final = len(STATE_CODES) * FLAG_LIMIT * _CLOSED_TODAY_KINDS
"""How many kinds of row the work lists tell apart: state × flags × closed today or not."""


def _kind_table() -> dict[WorkList, np.ndarray]:
    """Work list → which kinds of row it holds (the rules, evaluated once per kind)."""
    kinds = np.arange(KINDS)
    closed_today = kinds % _CLOSED_TODAY_KINDS == 1
    flags = (kinds // _CLOSED_TODAY_KINDS) % FLAG_LIMIT
    states = kinds // (_CLOSED_TODAY_KINDS * FLAG_LIMIT)
    closed_at = np.where(closed_today, 0.0, np.inf)
    return {w: work_list_mask(w, states, flags, closed_at, 0.0) for w in WorkList}


_KIND_LISTS: Final = _kind_table()


class WorkListCounter:
    """Every work list's count over a changing set of rows, in time independent of its size.

    Rows are tallied by kind (state, flags, closed today or not) in a histogram; a list's
    count is the sum of the kinds it holds. A change costs the changed rows only: take them
    out with their old keys (:meth:`remove`), put them back with the new (:meth:`add`).
    Call :meth:`reset` with every row again when the day changes.

    Attributes:
        today: :func:`day_start` the counts are for.
        histogram: Rows per kind.
    """

    def __init__(self, today: float = 0.0) -> None:
        self.today = today
        self.histogram = np.zeros(KINDS, dtype=np.int64)

    def _kinds(self, states: np.ndarray, flags: np.ndarray, closed_at: np.ndarray) -> np.ndarray:
        if len(flags) and int(flags.max()) >= FLAG_LIMIT:
            raise ValueError(f"flags must be below {FLAG_LIMIT}")
        closed_today = np.isfinite(closed_at) & (closed_at >= self.today)
        # Small integers throughout: the million-row reset stays a few milliseconds.
        kinds = states.astype(np.int32) * (FLAG_LIMIT * _CLOSED_TODAY_KINDS)
        kinds += flags.astype(np.int32) * _CLOSED_TODAY_KINDS
        kinds += closed_today
        return kinds

    def reset(
        self, states: np.ndarray, flags: np.ndarray, closed_at: np.ndarray, today: float
    ) -> None:
        """Count these rows only, for the day starting at ``today``."""
        self.today = today
        self.histogram = np.bincount(self._kinds(states, flags, closed_at), minlength=KINDS)

    def add(self, states: np.ndarray, flags: np.ndarray, closed_at: np.ndarray) -> None:
        """Count these rows too."""
        self.histogram += np.bincount(self._kinds(states, flags, closed_at), minlength=KINDS)

    def remove(self, states: np.ndarray, flags: np.ndarray, closed_at: np.ndarray) -> None:
        """Stop counting these rows (with the keys they were added with)."""
        self.histogram -= np.bincount(self._kinds(states, flags, closed_at), minlength=KINDS)

    def counts(self) -> dict[WorkList, int]:
        """Rows per work list."""
        return {w: int(self.histogram[kinds].sum()) for w, kinds in _KIND_LISTS.items()}
