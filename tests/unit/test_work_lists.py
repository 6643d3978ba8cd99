"""The dispatcher's work lists: every state in its list, flags across them, counts kept live."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pytest

from models.case import TERMINAL_STATES, Case, CaseState
from models.work_lists import (
    STATE_CODES,
    WorkList,
    WorkListCounter,
    case_flags,
    day_start,
    work_list_mask,
    work_lists_of,
)
from tests.unit.client_factories import T0, make_case, random_case

TODAY = day_start(T0.timestamp())
"""Monday 2026-11-30, 00:00 in Shanghai."""

STATE_LISTS = {
    WorkList.TO_ACCEPT,
    WorkList.TO_FILE,
    WorkList.TO_DISPATCH,
    WorkList.IN_PROGRESS,
    WorkList.AWAITING_VERIFICATION,
    WorkList.SUSPENDED,
}
"""The lists a case is in by its state alone."""


def test_the_day_starts_at_shanghai_midnight() -> None:
    assert datetime.fromtimestamp(TODAY, UTC) == datetime(2026, 11, 29, 16, 0, tzinfo=UTC)
    assert day_start(TODAY) == TODAY
    assert day_start(TODAY - 1) == TODAY - 86400


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        (CaseState.AWAITING_ACCEPTANCE, {WorkList.TO_ACCEPT}),
        (CaseState.AWAITING_FILING, {WorkList.TO_FILE}),
        (CaseState.AWAITING_DISPATCH, {WorkList.TO_DISPATCH}),
        (CaseState.LEADER_COORDINATION, {WorkList.TO_DISPATCH}),
        (CaseState.DISPATCHED, {WorkList.IN_PROGRESS}),
        (CaseState.IN_PROGRESS, {WorkList.IN_PROGRESS}),
        (CaseState.AWAITING_VERIFICATION, {WorkList.AWAITING_VERIFICATION}),
        (CaseState.SUSPENDED, {WorkList.SUSPENDED}),
        (CaseState.CLOSED, {WorkList.CLOSED_TODAY}),
        (CaseState.VOIDED, set()),
        (CaseState.MERGED, set()),
    ],
)
def test_each_state_is_in_its_list(state: CaseState, expected: set[WorkList]) -> None:
    closed_at = T0 if state.is_terminal else None
    assert work_lists_of(make_case(1, state=state, closed_at=closed_at), TODAY) == expected


def test_every_state_is_mapped() -> None:
    """Each open state is in exactly one state list; the terminal ones in none of those."""
    for state in CaseState:
        lists = work_lists_of(make_case(1, state=state, closed_at=T0), TODAY) & STATE_LISTS
        assert len(lists) == (0 if state in TERMINAL_STATES else 1), state


def test_a_case_closed_yesterday_is_not_closed_today() -> None:
    case = make_case(1, state=CaseState.CLOSED, closed_at=T0 - timedelta(hours=10))
    assert work_lists_of(case, TODAY) == set()
    assert work_lists_of(case, day_start(TODAY - 1)) == {WorkList.CLOSED_TODAY}


@pytest.mark.parametrize(
    ("flags", "work_list"),
    [
        ({"overdue": True}, WorkList.OVERDUE),
        ({"urge_level": 2}, WorkList.SUPERVISED),
        ({"joint": True}, WorkList.JOINT),
    ],
)
def test_overdue_supervised_and_joint_cut_across_the_open_states(
    flags: dict[str, Any], work_list: WorkList
) -> None:
    dispatched = make_case(1, state=CaseState.DISPATCHED, **flags)
    assert work_lists_of(dispatched, TODAY) == {WorkList.IN_PROGRESS, work_list}
    closed = make_case(2, state=CaseState.CLOSED, closed_at=T0, **flags)
    assert work_lists_of(closed, TODAY) == {WorkList.CLOSED_TODAY}, "only open cases"


def _columns(cases: list[Case]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    states = np.array([STATE_CODES[c.state] for c in cases], dtype=np.int16)
    flags = np.array([case_flags(c) for c in cases], dtype=np.int16)
    closed = np.array([c.closed_at.timestamp() if c.closed_at else np.inf for c in cases])
    return states, flags, closed


def _random_cases(rng: random.Random, count: int, first_id: int = 1) -> list[Case]:
    cases = []
    for case_id in range(first_id, first_id + count):
        case = random_case(rng, case_id)
        if case.state.is_terminal:
            closed = T0 + timedelta(hours=rng.randrange(-30, 20))
            case = make_case(case_id, state=case.state, closed_at=closed)
        cases.append(case)
    return cases


def test_the_vectorised_rule_and_the_counts_agree_with_each_case() -> None:
    cases = _random_cases(random.Random(5), 2000)
    states, flags, closed = _columns(cases)
    counter = WorkListCounter()
    counter.reset(states, flags, closed, TODAY)
    for work_list in WorkList:
        one_by_one = {c.id for c in cases if work_list in work_lists_of(c, TODAY)}
        mask = work_list_mask(work_list, states, flags, closed, TODAY)
        assert {c.id for c, hit in zip(cases, mask, strict=True) if hit} == one_by_one
        assert counter.counts()[work_list] == len(one_by_one), work_list
    assert sum(counter.counts().values()) > 2000, "the lists overlap"


def test_counts_kept_by_changes_equal_a_fresh_count() -> None:
    rng = random.Random(9)
    cases = {c.id: c for c in _random_cases(rng, 500)}
    counter = WorkListCounter(TODAY)
    counter.add(*_columns(list(cases.values())))
    for step in range(20):
        changed = [_random_cases(rng, 1, rng.randrange(1, 700))[0] for _ in range(15)]
        changed = list({c.id: c for c in changed}.values())
        gone = [cases[i] for i in rng.sample(sorted(cases), 5) if i not in {c.id for c in changed}]
        old = [cases[c.id] for c in changed if c.id in cases] + gone
        counter.remove(*_columns(old))
        counter.add(*_columns(changed))
        for case in gone:
            del cases[case.id]
        cases.update((c.id, c) for c in changed)
        fresh = WorkListCounter()
        fresh.reset(*_columns(list(cases.values())), TODAY)
        assert counter.counts() == fresh.counts(), step


def test_flags_beyond_the_known_bits_are_refused() -> None:
    counter = WorkListCounter()
    with pytest.raises(ValueError, match="flags must be below 16"):
        counter.add(np.array([0]), np.array([16]), np.array([np.inf]))
