"""Evaluation indicators (综合评价) against hand-worked numbers.

The fixtures are written out case by case and the expected figures were counted by hand
(see the tables in the comments); nothing here re-derives them with the module's formula.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.case import ClosingType
from models.errors import InvalidInput
from models.evaluation import (
    DISTRICT_KEY,
    CaseFacts,
    Counts,
    Dimension,
    Indicators,
    Period,
    Ratio,
    evaluate,
    evaluate_one,
)

CST = timezone(timedelta(hours=8), "CST")


def at(day: int, hour: int, minute: int = 0, month: int = 5) -> datetime:
    """An instant in 2024, China Standard Time (default month May)."""
    return datetime(2024, month, day, hour, minute, tzinfo=CST)


MAY = Period(at(1, 0), at(1, 0, month=6))
AS_OF = at(5, 12, month=6)

D1, D2 = "D01", "D02"  # departments
SA, SB = "310115103", "310115121"  # streets: 川沙新镇, 高行镇
CA1, CA2, CB1 = "310115103001", "310115103002", "310115121001"  # communities
GARBAGE, PARKING = "event.0102", "event.0505"


def fact(number: str, **fields: Any) -> CaseFacts:
    fields.setdefault("street_code", SA)
    fields.setdefault("community_code", CA1)
    fields.setdefault("category_code", GARBAGE)
    fields.setdefault("source", "grid_patrol")
    return CaseFacts(case_number=number, **fields)


def ratio(ind: Indicators, name: str) -> tuple[int, int]:
    r = getattr(ind, name)
    assert isinstance(r, Ratio)
    return (r.numerator, r.denominator)


# ---------------------------------------------------------------------------------------
# The hand-worked fixture: 13 cases, May 2024, evaluated as of 5 June 12:00.
# Columns: department, street, community, category (g = garbage, p = parking), reporter,
# team, operator; then each step's outcome for May: on = on time, LATE, PEND = due and not
# done, out = settles outside May, - = no such step. (=) marks "exactly at the deadline".
#
# case dept st comm cat rep team op | accept file  disp     handle    verify  close
# C1   D01  A  A1   g   P1  T1   O1 | on     on    on       on        on      on
# C2   D01  A  A1   g   P1  T1   O1 | LATE   on    on       LATE      LATE    LATE (a)
# C3   D01  B  B1   g   P2  T2   O2 | on     on    on       on ext    on      on reworked
# C4   D02  B  B1   p   P2  T2   O2 | on     LATE  on(=)    PEND over -       PEND
# C5   D02  A  A1   p   P1  T1   O1 | on     on    on misd  on        LATE    on (d)
# C6   D02  B  B1   p   P3  T2   O2 | on     on    on       on (b)    LATE    out (June)
# C7   D01  B  B1   p   P3  T2   O1 | on     on    LATE     out (c)   out     out
# C8   D02  A  A2   p   P2  T2   O1 | on     on    LATE     not due   -       not due
# C9   -    A  A1   g   P3  T2   -  | voided as invalid: report validity only (invalid)
# C10  -    B  B1   g   P1  T1   -  | voided as duplicate: report validity only (valid)
# C11  D01  A  A2   g   -   -    O2 | hotline; on(=) on on(=) on on(=) on(=)
# C12  D02  A  A2   p   P1  T1   O2 | April report, May deadlines: handle LATE, verify on,
#                                   | close LATE (a)
# C13  D01  B  B1   g   P2  T2   O1 | on     on    on       out (e)   -       on, erroneous
# (a) no closing deadline: the handling deadline is used.
# (b) handled 31 May, deadline 2 June: counts in May.
# (c) handled exactly 1 June 00:00, the period end.
# (d) closed after the handling deadline, but handled before it: 按期结案 (a).
# (e) closed as filed in error without handling: not due for handling.
# ---------------------------------------------------------------------------------------

CASES: list[CaseFacts] = [
    fact(
        "C1",
        department=D1,
        reporter="P1",
        team="T1",
        operator="O1",
        reported_at=at(2, 8),
        accepted_at=at(2, 8, 5),
        acceptance_deadline=at(2, 8, 15),
        filed_at=at(2, 8, 10),
        filing_deadline=at(2, 8, 30),
        dispatched_at=at(2, 8, 20),
        dispatch_deadline=at(2, 8, 40),
        handling_deadline=at(2, 12),
        handled_at=at(2, 10, 20),  # 2 h after dispatch
        verification_deadline=at(2, 10, 50),
        verified_at=at(2, 10, 40),
        closing_deadline=at(2, 12),
        closed_at=at(2, 11),
        closing_type=ClosingType.NORMAL,
        satisfaction=1.0,
    ),
    fact(
        "C2",
        department=D1,
        reporter="P1",
        team="T1",
        operator="O1",
        reported_at=at(10, 9),
        accepted_at=at(10, 9, 20),  # 5 min late
        acceptance_deadline=at(10, 9, 15),
        filed_at=at(10, 9, 25),
        filing_deadline=at(10, 9, 45),
        dispatched_at=at(10, 9, 50),
        dispatch_deadline=at(10, 10),
        handling_deadline=at(10, 14),
        handled_at=at(10, 16, 50),  # late; 7 h after dispatch
        verification_deadline=at(10, 17, 20),
        verified_at=at(10, 17, 30),  # late
        closing_deadline=None,  # falls back to the handling deadline, 14:00
        closed_at=at(10, 18),
        closing_type="overdue",  # a plain string is accepted too
        satisfaction=0.5,
    ),
    fact(
        "C3",
        department=D1,
        street_code=SB,
        community_code=CB1,
        reporter="P2",
        team="T2",
        operator="O2",
        reported_at=at(15, 8),
        accepted_at=at(15, 8, 2),
        acceptance_deadline=at(15, 8, 15),
        filed_at=at(15, 8, 5),
        filing_deadline=at(15, 8, 30),
        dispatched_at=at(15, 8, 10),
        dispatch_deadline=at(15, 8, 40),
        extension_count=1,
        handling_deadline=at(17, 8, 10),  # after the extension
        handled_at=at(16, 15, 10),  # 31 h after dispatch
        verification_deadline=at(16, 15, 40),
        verified_at=at(16, 15, 30),
        rework_count=1,
        closing_deadline=at(17, 8, 10),
        closed_at=at(16, 16),
        closing_type=ClosingType.NORMAL,
        satisfaction=0.8,
    ),
    fact(
        "C4",
        department=D2,
        street_code=SB,
        community_code=CB1,
        category_code=PARKING,
        reporter="P2",
        team="T2",
        operator="O2",
        reported_at=at(20, 10),
        accepted_at=at(20, 10, 5),
        acceptance_deadline=at(20, 10, 15),
        filed_at=at(20, 10, 40),  # late
        filing_deadline=at(20, 10, 35),
        dispatched_at=at(20, 10, 50),  # exactly at the deadline: on time
        dispatch_deadline=at(20, 10, 50),
        handling_deadline=at(22, 10, 30),  # passed, never handled
        closing_deadline=at(22, 10, 30),
    ),
    fact(
        "C5",
        department=D2,
        category_code=PARKING,
        reporter="P1",
        team="T1",
        operator="O1",
        reported_at=at(25, 8),
        accepted_at=at(25, 8, 10),
        acceptance_deadline=at(25, 8, 15),
        filed_at=at(25, 8, 20),
        filing_deadline=at(25, 8, 30),
        dispatched_at=at(25, 8, 35),  # first went to D01, which returned it
        dispatch_deadline=at(25, 8, 40),
        return_count=1,
        misdispatched=True,
        handling_deadline=at(25, 16),
        handled_at=at(25, 15, 35),  # 7 h after dispatch
        verification_deadline=at(25, 16, 5),
        verified_at=at(25, 16, 10),  # late
        closed_at=at(25, 16, 30),  # after 16:00, but handled on time: closed on time
        closing_type=ClosingType.NORMAL,
    ),
    fact(
        "C6",
        department=D2,
        street_code=SB,
        community_code=CB1,
        category_code=PARKING,
        reporter="P3",
        team="T2",
        operator="O2",
        reported_at=at(31, 20),
        accepted_at=at(31, 20, 5),
        acceptance_deadline=at(31, 20, 15),
        filed_at=at(31, 20, 10),
        filing_deadline=at(31, 20, 30),
        dispatched_at=at(31, 20, 20),
        dispatch_deadline=at(31, 20, 40),
        handling_deadline=at(2, 20, 20, month=6),
        handled_at=at(31, 23, 20),  # early, in May: counts in May; 3 h after dispatch
        verification_deadline=at(31, 23, 50),
        verified_at=at(1, 0, 10, month=6),  # late: settles at its May deadline
        closing_deadline=at(2, 20, 20, month=6),
        closed_at=at(1, 1, month=6),  # early, in June: not in May
        closing_type=ClosingType.NORMAL,
        satisfaction=0.9,
    ),
    fact(
        "C7",
        department=D1,
        street_code=SB,
        community_code=CB1,
        category_code=PARKING,
        reporter="P3",
        team="T2",
        operator="O1",
        reported_at=at(31, 22),
        accepted_at=at(31, 22, 5),
        acceptance_deadline=at(31, 22, 15),
        filed_at=at(31, 22, 10),
        filing_deadline=at(31, 22, 30),
        dispatched_at=at(31, 22, 50),  # late
        dispatch_deadline=at(31, 22, 40),
        handling_deadline=at(1, 2, month=6),
        handled_at=at(1, 0, month=6),  # exactly at the period end: outside May
        verification_deadline=at(1, 0, 30, month=6),
        verified_at=at(1, 0, 20, month=6),
        closed_at=at(1, 0, 40, month=6),
        closing_type=ClosingType.NORMAL,
    ),
    fact(
        "C8",
        department=D2,
        community_code=CA2,
        category_code=PARKING,
        reporter="P2",
        team="T2",
        operator="O1",
        reported_at=at(28, 9),
        accepted_at=at(28, 9, 5),
        acceptance_deadline=at(28, 9, 15),
        filed_at=at(28, 9, 10),
        filing_deadline=at(28, 9, 30),
        dispatched_at=at(28, 9, 40),  # late
        dispatch_deadline=at(28, 9, 30),
        handling_deadline=at(10, 9, month=6),  # after as_of: not due yet
    ),
    fact(
        "C9",
        reporter="P3",
        team="T2",
        reported_at=at(12, 11),
        voided=True,
        void_reason_invalid=True,
    ),
    fact(
        "C10",
        street_code=SB,
        community_code=CB1,
        reporter="P1",
        team="T1",
        reported_at=at(18, 14),
        voided=True,  # a duplicate: the report itself was valid
    ),
    fact(
        "C11",
        department=D1,
        community_code=CA2,
        source="hotline_12345",
        operator="O2",
        reported_at=at(5, 9),
        accepted_at=at(5, 9, 30),  # every step exactly at its deadline: on time
        acceptance_deadline=at(5, 9, 30),
        filed_at=at(5, 9, 40),
        filing_deadline=at(5, 10),
        dispatched_at=at(5, 10),
        dispatch_deadline=at(5, 10),
        handling_deadline=at(6, 10),
        handled_at=at(6, 9),  # 23 h after dispatch
        verification_deadline=at(6, 9, 30),
        verified_at=at(6, 9, 30),
        closing_deadline=at(6, 10),
        closed_at=at(6, 10),
        closing_type=ClosingType.SPECIAL,
        satisfaction=0.6,
    ),
    fact(
        "C12",
        department=D2,
        community_code=CA2,
        category_code=PARKING,
        reporter="P1",
        team="T1",
        operator="O2",
        reported_at=at(30, 20, month=4),
        accepted_at=at(30, 20, 5, month=4),
        acceptance_deadline=at(30, 20, 15, month=4),
        filed_at=at(30, 20, 10, month=4),
        filing_deadline=at(30, 20, 30, month=4),
        dispatched_at=at(30, 20, 20, month=4),
        dispatch_deadline=at(30, 20, 40, month=4),
        handling_deadline=at(1, 8),
        handled_at=at(1, 9),  # late; 12 h 40 min after dispatch
        verification_deadline=at(1, 9, 30),
        verified_at=at(1, 9, 20),
        closed_at=at(1, 9, 40),  # closing deadline falls back to 1 May 08:00: late
        closing_type=ClosingType.OVERDUE,
        satisfaction=0.7,
    ),
    fact(
        "C13",
        department=D1,
        street_code=SB,
        community_code=CB1,
        reporter="P2",
        team="T2",
        operator="O1",
        reported_at=at(8, 14),
        accepted_at=at(8, 14, 5),
        acceptance_deadline=at(8, 14, 15),
        filed_at=at(8, 14, 10),
        filing_deadline=at(8, 14, 30),
        dispatched_at=at(8, 14, 20),
        dispatch_deadline=at(8, 14, 40),
        handling_deadline=at(8, 18, 20),  # passed unhandled, but the case is closed
        closed_at=at(8, 16),  # before the (fallback) deadline: on time
        closing_type=ClosingType.ERRONEOUS,
    ),
]


def test_district_every_indicator_by_hand() -> None:
    result = evaluate(CASES, MAY, AS_OF, Dimension.DISTRICT)
    assert list(result) == [DISTRICT_KEY]
    ind = result[DISTRICT_KEY]

    # Reports in May with a reporter: C1-C10, C13 = 11 (C11 has none, C12 is April);
    # C9 invalid -> 10 valid.
    assert ratio(ind, "valid_report") == (10, 11)
    assert ind.valid_report.percent == 90.91
    # Not voided, step settling in May: C1-C8, C11, C13 = 10 (C12 settled in April).
    # Acceptance late: C2.
    assert ratio(ind, "on_time_acceptance") == (9, 10)
    # Filing late: C4.
    assert ratio(ind, "on_time_filing") == (9, 10)
    # Filed in May: the same 10; filed in error: C13.
    assert ratio(ind, "accurate_filing") == (9, 10)
    # Dispatch late: C7, C8.
    assert ratio(ind, "on_time_dispatch") == (8, 10)
    # Dispatched in May: the same 10; misdispatched: C5.
    assert ratio(ind, "accurate_dispatch") == (9, 10)
    # Due for handling: C1, C2, C3, C4, C5, C6, C11, C12 = 8 (C7 handled 1 June 00:00,
    # C8 not due, C13 closed unhandled). Handled: all but C4 = 7.
    # On time: C1, C3, C5, C6, C11 = 5.
    assert ratio(ind, "handling") == (7, 8)
    assert ind.handling.percent == 87.5
    assert ratio(ind, "on_time_handling") == (5, 8)
    assert ind.on_time_handling.percent == 62.5
    assert ratio(ind, "overdue_pending") == (1, 8)  # C4
    assert ratio(ind, "extension") == (1, 8)  # C3
    # Handling times of the 7 handled: 2 + 7 + 31 + 7 + 3 + 23 h + 12 h 40 min = 85 h 40 min.
    assert ind.average_handling_time == timedelta(hours=12, minutes=14, seconds=17.142857)
    assert ind.counts.handling_time_samples == 7
    # Due for verification: C1, C2, C3, C5, C6 (settles at its 31 May deadline), C11, C12
    # = 7; on time: C1, C3, C11, C12 = 4.
    assert ratio(ind, "on_time_verification") == (4, 7)
    assert ind.on_time_verification.percent == 57.14
    # Due for closing: C1, C2, C3, C4, C5, C11, C12, C13 = 8 (C6, C7 closed in June, C8
    # not due). Closed: all but C4 = 7. On time: C1, C3, C5 (handled on time), C11, C13
    # = 5; C2 and C12 were handled late. Reworked: C3.
    assert ratio(ind, "closing") == (7, 8)
    assert ind.closing.percent == 87.5
    assert ratio(ind, "on_time_closing") == (5, 8)
    assert ind.on_time_closing.percent == 62.5
    assert ratio(ind, "rework") == (1, 8)
    assert ind.rework.percent == 12.5
    # Scores of the closed ones: C1 1.0, C2 0.5, C3 0.8, C11 0.6, C12 0.7 (C5, C13 none)
    # -> 3.6 / 5.
    assert ind.satisfaction == pytest.approx(0.72)
    assert ind.counts.satisfaction_samples == 5


def test_departments_by_hand() -> None:
    result = evaluate(CASES, MAY, AS_OF, Dimension.DEPARTMENT)
    # C9 and C10 have no department and belong to no department group.
    assert list(result) == [D1, D2]
    d1, d2 = result[D1], result[D2]

    # D01: C1, C2, C3, C7, C11, C13.
    assert ratio(d1, "valid_report") == (5, 5)  # C1, C2, C3, C7, C13
    assert ratio(d1, "on_time_acceptance") == (5, 6)  # C2 late
    assert ratio(d1, "on_time_filing") == (6, 6)
    assert ratio(d1, "accurate_filing") == (5, 6)  # C13
    assert ratio(d1, "on_time_dispatch") == (5, 6)  # C7 late
    assert ratio(d1, "accurate_dispatch") == (6, 6)
    assert ratio(d1, "handling") == (4, 4)  # C1, C2, C3, C11
    assert ratio(d1, "on_time_handling") == (3, 4)  # C2 late
    assert ratio(d1, "overdue_pending") == (0, 4)
    assert d1.overdue_pending.percent == 0.0
    assert ratio(d1, "extension") == (1, 4)
    assert d1.average_handling_time == timedelta(hours=15, minutes=45)  # (2+7+31+23)/4
    assert ratio(d1, "on_time_verification") == (3, 4)  # C2 late
    assert ratio(d1, "closing") == (5, 5)  # C1, C2, C3, C11, C13
    assert ratio(d1, "on_time_closing") == (4, 5)  # C2 late
    assert ratio(d1, "rework") == (1, 5)
    assert d1.satisfaction == pytest.approx(0.725)  # (1.0+0.5+0.8+0.6)/4

    # D02: C4, C5, C6, C8, C12.
    assert ratio(d2, "valid_report") == (4, 4)  # C4, C5, C6, C8
    assert ratio(d2, "on_time_acceptance") == (4, 4)
    assert ratio(d2, "on_time_filing") == (3, 4)  # C4 late
    assert ratio(d2, "accurate_filing") == (4, 4)
    assert ratio(d2, "on_time_dispatch") == (3, 4)  # C8 late
    assert ratio(d2, "accurate_dispatch") == (3, 4)  # C5
    assert ratio(d2, "handling") == (3, 4)  # C4, C5, C6, C12; C4 pending
    assert ratio(d2, "on_time_handling") == (2, 4)  # C5, C6
    assert ratio(d2, "overdue_pending") == (1, 4)
    assert ratio(d2, "extension") == (0, 4)
    assert d2.average_handling_time == timedelta(hours=7, minutes=33, seconds=20)  # 22h40/3
    assert ratio(d2, "on_time_verification") == (1, 3)  # C5, C6 late; C12 on time
    assert ratio(d2, "closing") == (2, 3)  # C4, C5, C12
    assert ratio(d2, "on_time_closing") == (1, 3)  # C5
    assert ratio(d2, "rework") == (0, 3)
    assert d2.satisfaction == pytest.approx(0.7)  # only C12 closed with a score


def test_grouping_by_street_and_community() -> None:
    streets = evaluate(CASES, MAY, AS_OF, Dimension.STREET)
    assert list(streets) == [SA, SB]
    # Street A: C1, C2, C5, C8, C9, C11, C12.
    assert ratio(streets[SA], "valid_report") == (4, 5)  # C1, C2, C5, C8, C9 (invalid)
    assert ratio(streets[SA], "on_time_handling") == (3, 5)  # C1, C5, C11 / +C2, C12
    assert ratio(streets[SA], "on_time_closing") == (3, 5)  # C1, C5, C11 / +C2, C12
    # Street B: C3, C4, C6, C7, C10, C13.
    assert ratio(streets[SB], "valid_report") == (6, 6)
    assert ratio(streets[SB], "handling") == (2, 3)  # C3, C6 / +C4
    assert ratio(streets[SB], "closing") == (2, 3)  # C3, C13 / +C4

    communities = evaluate(CASES, MAY, AS_OF, Dimension.COMMUNITY)
    assert list(communities) == [CA1, CA2, CB1]
    assert ratio(communities[CA1], "on_time_handling") == (2, 3)  # C1, C5 / +C2
    assert ratio(communities[CA2], "on_time_handling") == (1, 2)  # C11 / +C12; C8 not due
    assert ratio(communities[CB1], "on_time_handling") == (2, 3)  # same cases as street B


def test_grouping_by_person_team_operator_category() -> None:
    persons = evaluate(CASES, MAY, AS_OF, Dimension.PERSON)
    assert list(persons) == ["P1", "P2", "P3"]  # C11 (hotline) has no reporter
    assert ratio(persons["P1"], "valid_report") == (4, 4)  # C1, C2, C5, C10; C12 April
    assert ratio(persons["P2"], "valid_report") == (4, 4)  # C3, C4, C8, C13
    assert ratio(persons["P3"], "valid_report") == (2, 3)  # C6, C7, C9 invalid
    assert persons["P3"].valid_report.percent == 66.67

    teams = evaluate(CASES, MAY, AS_OF, Dimension.TEAM)
    assert list(teams) == ["T1", "T2"]
    assert ratio(teams["T1"], "valid_report") == (4, 4)  # C1, C2, C5, C10
    assert ratio(teams["T2"], "valid_report") == (6, 7)  # C3, C4, C6, C7, C8, C9, C13
    assert teams["T2"].valid_report.percent == 85.71

    operators = evaluate(CASES, MAY, AS_OF, Dimension.OPERATOR)
    assert list(operators) == ["O1", "O2"]
    # O1: C1, C2, C5, C7, C8, C13.
    assert ratio(operators["O1"], "on_time_filing") == (6, 6)
    assert ratio(operators["O1"], "accurate_filing") == (5, 6)  # C13
    assert ratio(operators["O1"], "on_time_dispatch") == (4, 6)  # C7, C8 late
    assert ratio(operators["O1"], "accurate_dispatch") == (5, 6)  # C5
    # O2: C3, C4, C6, C11, C12 (April).
    assert ratio(operators["O2"], "on_time_filing") == (3, 4)  # C4 late
    assert ratio(operators["O2"], "on_time_dispatch") == (4, 4)
    assert ratio(operators["O2"], "accurate_dispatch") == (4, 4)

    categories = evaluate(CASES, MAY, AS_OF, Dimension.CATEGORY)
    assert list(categories) == [GARBAGE, PARKING]
    # Garbage: C1, C2, C3, C9, C10, C11, C13; parking: C4-C8, C12.
    assert ratio(categories[GARBAGE], "on_time_dispatch") == (5, 5)
    assert ratio(categories[PARKING], "on_time_dispatch") == (3, 5)  # C7, C8 late
    assert ratio(categories[GARBAGE], "valid_report") == (5, 6)  # C1-C3, C9, C10, C13
    assert ratio(categories[PARKING], "handling") == (3, 4)  # C5, C6, C12 / +C4


def test_evaluate_one_selects_a_group() -> None:
    d2 = evaluate_one(CASES, MAY, AS_OF, by=Dimension.DEPARTMENT, key=D2)
    assert d2 == evaluate(CASES, MAY, AS_OF, Dimension.DEPARTMENT)[D2]
    district = evaluate_one(CASES, MAY, AS_OF)
    assert district == evaluate(CASES, MAY, AS_OF, Dimension.DISTRICT)[DISTRICT_KEY]
    with pytest.raises(InvalidInput):
        evaluate_one(CASES, MAY, AS_OF, by=Dimension.DISTRICT, key="310115")


# --- the published example ------------------------------------------------------------


def test_published_closing_rates_911_737_of_972() -> None:
    # 972 cases whose closing deadline (noon) falls in May: 737 closed in the morning
    # (on time), 174 closed in the evening (late), 61 never closed.
    facts = []
    for i in range(972):
        day = 1 + i % 31
        if i < 737:
            closed: datetime | None = at(day, 10)
        elif i < 911:
            closed = at(day, 18)
        else:
            closed = None
        facts.append(
            fact(
                f"P{i}",
                department=D1,
                reported_at=at(day, 8),
                dispatched_at=at(day, 8, 30),
                handling_deadline=at(day, 12),
                closing_deadline=at(day, 12),
                handled_at=None if closed is None else closed - timedelta(hours=1),
                closed_at=closed,
            )
        )
    ind = evaluate(facts, MAY, AS_OF, Dimension.DISTRICT)[DISTRICT_KEY]
    assert ratio(ind, "closing") == (911, 972)
    assert ind.closing.percent == 93.72
    assert ratio(ind, "on_time_closing") == (737, 972)
    assert ind.on_time_closing.percent == 75.82


# --- boundaries -------------------------------------------------------------------------


def _handled_case(deadline: datetime, handled: datetime | None) -> CaseFacts:
    return fact(
        "B1",
        department=D1,
        reported_at=at(1, 0, month=4),
        dispatched_at=at(1, 0, month=4),
        handling_deadline=deadline,
        handled_at=handled,
    )


def test_handled_exactly_at_period_end_is_outside() -> None:
    case = _handled_case(deadline=at(3, 12, month=6), handled=at(1, 0, month=6))
    may = evaluate_one([case], MAY, AS_OF)
    assert ratio(may, "handling") == (0, 0)
    june = evaluate_one([case], Period(at(1, 0, month=6), at(1, 0, month=7)), AS_OF)
    assert ratio(june, "on_time_handling") == (1, 1)


def test_handled_exactly_at_period_start_is_inside() -> None:
    case = _handled_case(deadline=at(3, 12), handled=at(1, 0))
    assert ratio(evaluate_one([case], MAY, AS_OF), "on_time_handling") == (1, 1)


def test_deadline_exactly_at_period_end_is_outside() -> None:
    case = _handled_case(deadline=at(1, 0, month=6), handled=None)
    assert ratio(evaluate_one([case], MAY, AS_OF), "handling") == (0, 0)


def test_as_of_before_the_deadline_means_not_yet_due() -> None:
    case = _handled_case(deadline=at(20, 12), handled=None)
    before = evaluate_one([case], MAY, at(20, 11, 59))
    assert ratio(before, "handling") == (0, 0)
    # At the deadline instant it is due but not yet overdue.
    on = evaluate_one([case], MAY, at(20, 12))
    assert ratio(on, "handling") == (0, 1)
    assert ratio(on, "overdue_pending") == (0, 1)
    after = evaluate_one([case], MAY, at(20, 12, 1))
    assert ratio(after, "overdue_pending") == (1, 1)


def test_events_after_as_of_have_not_happened_yet() -> None:
    case = _handled_case(deadline=at(20, 12), handled=at(20, 11))
    # Re-running May as of 20 May 10:00: the handling at 11:00 is unknown, deadline ahead.
    assert ratio(evaluate_one([case], MAY, at(20, 10)), "handling") == (0, 0)
    # As of 20 May 13:00 it was handled on time.
    assert ratio(evaluate_one([case], MAY, at(20, 13)), "on_time_handling") == (1, 1)


def test_late_case_counts_once_in_its_deadline_period() -> None:
    # Deadline 30 April, handled 2 May: a late April case, not a May case.
    case = _handled_case(deadline=at(30, 12, month=4), handled=at(2, 9))
    april = evaluate_one([case], Period(at(1, 0, month=4), at(1, 0)), AS_OF)
    assert ratio(april, "handling") == (1, 1)
    assert ratio(april, "on_time_handling") == (0, 1)
    assert ratio(evaluate_one([case], MAY, AS_OF), "handling") == (0, 0)


def test_early_case_counts_once_in_its_handled_period() -> None:
    # Handled 30 April, deadline 3 May: an on-time April case, not a May case.
    case = _handled_case(deadline=at(3, 12), handled=at(30, 9, month=4))
    april = evaluate_one([case], Period(at(1, 0, month=4), at(1, 0)), AS_OF)
    assert ratio(april, "on_time_handling") == (1, 1)
    assert ratio(evaluate_one([case], MAY, AS_OF), "handling") == (0, 0)


def test_voided_cases_count_only_in_report_validity() -> None:
    voided = fact(
        "V1",
        department=D1,
        reporter="P1",
        reported_at=at(3, 8),
        accepted_at=at(3, 9),
        acceptance_deadline=at(3, 8, 15),
        handling_deadline=at(4, 8),
        voided=True,
    )
    ind = evaluate_one([voided], MAY, AS_OF)
    assert ratio(ind, "valid_report") == (1, 1)
    assert ratio(ind, "on_time_acceptance") == (0, 0)
    assert ratio(ind, "handling") == (0, 0)


def test_on_time_closing_follows_the_handling_limit_unless_a_closing_deadline_is_set() -> None:
    # Handled 10:00 before the 12:00 limit, closed 13:00 after verification.
    base = fact(
        "K1",
        department=D1,
        reported_at=at(3, 8),
        dispatched_at=at(3, 8, 30),
        handling_deadline=at(3, 12),
        handled_at=at(3, 10),
        closed_at=at(3, 13),
    )
    by_handling = evaluate_one([base], MAY, AS_OF)
    assert ratio(by_handling, "on_time_closing") == (1, 1)
    # The same case with its own closing deadline of 12:30 is closed late.
    own = msgspec.structs.replace(base, closing_deadline=at(3, 12, 30))
    assert ratio(evaluate_one([own], MAY, AS_OF), "on_time_closing") == (0, 1)
    # Handled late (12:30): late, whatever the closing time.
    late = msgspec.structs.replace(base, handled_at=at(3, 12, 30))
    assert ratio(evaluate_one([late], MAY, AS_OF), "on_time_closing") == (0, 1)


def test_closed_without_handling_is_not_pending() -> None:
    special = fact(
        "K2",
        department=D1,
        reported_at=at(3, 8),
        dispatched_at=at(3, 8, 30),
        handling_deadline=at(3, 12),
        closed_at=at(4, 9),
        closing_type=ClosingType.SPECIAL,
    )
    # Before the special closing, it was overdue pending; after it, not due for handling.
    before = evaluate_one([special], MAY, at(4, 8))
    assert ratio(before, "overdue_pending") == (1, 1)
    after = evaluate_one([special], MAY, AS_OF)
    assert ratio(after, "handling") == (0, 0)
    assert ratio(after, "closing") == (1, 1)
    assert ratio(after, "on_time_closing") == (0, 1)  # closed after the 12:00 limit


# --- empty groups and the Ratio ---------------------------------------------------------


def test_empty_input_gives_no_groups_and_none_ratios() -> None:
    assert evaluate([], MAY, AS_OF, Dimension.DEPARTMENT) == {}
    ind = evaluate_one([], MAY, AS_OF)
    for name in Indicators.__struct_fields__:
        value = getattr(ind, name)
        if isinstance(value, Ratio):
            assert value.value is None, name
            assert value.percent is None, name
    assert ind.average_handling_time is None
    assert ind.satisfaction is None
    assert ind.counts == Counts()


def test_group_with_nothing_in_the_period_is_left_out() -> None:
    # D01 has only a case of last year; D02 one in May.
    old = _handled_case(deadline=at(3, 12, month=1), handled=at(2, 12, month=1))
    new = msgspec.structs.replace(old, department=D2, handling_deadline=at(3, 12), handled_at=None)
    result = evaluate([old, new], MAY, AS_OF, Dimension.DEPARTMENT)
    assert list(result) == [D2]
    empty = evaluate_one([old, new], MAY, AS_OF, by=Dimension.DEPARTMENT, key=D1)
    assert empty.handling.value is None


def test_ratio_value_and_percent() -> None:
    assert Ratio(911, 972).percent == 93.72
    assert Ratio(737, 972).percent == 75.82
    assert Ratio(1, 4).value == 0.25
    assert Ratio(0, 0).value is None
    assert Ratio(1, 800).percent == 0.13  # half-up, as reports round: 0.125 -> 0.13
    assert Ratio(2, 3).percent == 66.67
    with pytest.raises(InvalidInput):
        Ratio(3, 2)
    with pytest.raises(InvalidInput):
        Ratio(-1, 2)


# --- validation -------------------------------------------------------------------------


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(InvalidInput, match="handled_at"):
        fact("N1", reported_at=at(1, 8), handled_at=datetime(2024, 5, 1, 9))
    with pytest.raises(InvalidInput, match="start"):
        Period(datetime(2024, 5, 1), at(1, 0, month=6))
    with pytest.raises(InvalidInput, match="as_of"):
        evaluate([], MAY, datetime(2024, 6, 1), Dimension.DISTRICT)


def test_inconsistent_facts_are_refused() -> None:
    with pytest.raises(InvalidInput, match="end"):
        Period(at(2, 0), at(1, 0))
    with pytest.raises(InvalidInput, match="closing_type"):
        fact("X", reported_at=at(1, 8), closing_type="done")
    with pytest.raises(InvalidInput, match="satisfaction"):
        fact("X", reported_at=at(1, 8), satisfaction=1.5)
    with pytest.raises(InvalidInput, match="void_reason_invalid"):
        fact("X", reported_at=at(1, 8), void_reason_invalid=True)
    with pytest.raises(InvalidInput, match="misdispatched"):
        fact("X", reported_at=at(1, 8), misdispatched=True)
    with pytest.raises(InvalidInput, match="rework_count"):
        fact("X", reported_at=at(1, 8), rework_count=-1)


def test_facts_round_trip_through_msgspec() -> None:
    encoded = msgspec.json.encode(CASES)
    assert msgspec.json.decode(encoded, type=list[CaseFacts]) == CASES
    ind = evaluate_one(CASES, MAY, AS_OF)
    assert msgspec.json.decode(msgspec.json.encode(ind), type=Indicators) == ind


# --- properties -------------------------------------------------------------------------

_T0 = at(1, 0, month=4)
_offsets = st.integers(min_value=0, max_value=90 * 24 * 60)  # minutes into April-June


def _opt_instant() -> st.SearchStrategy[datetime | None]:
    return st.none() | _offsets.map(lambda m: _T0 + timedelta(minutes=m))


@st.composite
def _facts(draw: st.DrawFn) -> CaseFacts:
    returned = draw(st.integers(0, 2))
    voided = draw(st.booleans())
    return fact(
        "H",
        department=draw(st.sampled_from([D1, D2, None])),
        reporter=draw(st.sampled_from(["P1", "P2", None])),
        reported_at=_T0 + timedelta(minutes=draw(_offsets)),
        accepted_at=draw(_opt_instant()),
        acceptance_deadline=draw(_opt_instant()),
        filed_at=draw(_opt_instant()),
        filing_deadline=draw(_opt_instant()),
        dispatched_at=draw(_opt_instant()),
        dispatch_deadline=draw(_opt_instant()),
        handling_deadline=draw(_opt_instant()),
        handled_at=draw(_opt_instant()),
        verification_deadline=draw(_opt_instant()),
        verified_at=draw(_opt_instant()),
        closed_at=draw(_opt_instant()),
        closing_deadline=draw(_opt_instant()),
        voided=voided,
        void_reason_invalid=voided and draw(st.booleans()),
        rework_count=draw(st.integers(0, 2)),
        extension_count=draw(st.integers(0, 2)),
        return_count=returned,
        misdispatched=returned > 0 and draw(st.booleans()),
        satisfaction=draw(st.none() | st.floats(0.0, 1.0)),
        closing_type=draw(st.none() | st.sampled_from(ClosingType)),
    )


def _as_dict(counts: Counts) -> dict[str, Any]:
    return msgspec.structs.asdict(counts)


@settings(max_examples=100, deadline=None)
@given(
    facts=st.lists(_facts(), max_size=20),
    split=_offsets,
    as_of=_offsets,
)
def test_counts_add_up_over_consecutive_periods(
    facts: list[CaseFacts], split: int, as_of: int
) -> None:
    start, end = _T0, _T0 + timedelta(days=91)
    middle = _T0 + timedelta(minutes=split)
    when = _T0 + timedelta(minutes=as_of)
    whole = _as_dict(evaluate_one(facts, Period(start, end), when).counts)
    first = _as_dict(evaluate_one(facts, Period(start, middle), when).counts)
    second = _as_dict(evaluate_one(facts, Period(middle, end), when).counts)
    for name, total in whole.items():
        if isinstance(total, float):
            assert first[name] + second[name] == pytest.approx(total), name
        else:
            assert first[name] + second[name] == total, name


@settings(max_examples=100, deadline=None)
@given(facts=st.lists(_facts(), max_size=20), as_of=_offsets)
def test_groups_add_up_to_the_district_and_ratios_are_proportions(
    facts: list[CaseFacts], as_of: int
) -> None:
    period = Period(at(1, 0), at(1, 0, month=6))
    when = _T0 + timedelta(minutes=as_of)
    district = evaluate_one(facts, period, when).counts
    attributed = [f for f in facts if f.department is not None]
    groups = evaluate(attributed, period, when, Dimension.DEPARTMENT)
    whole = _as_dict(evaluate_one(attributed, period, when).counts)
    for name, total in whole.items():
        parts = [_as_dict(g.counts)[name] for g in groups.values()]
        if isinstance(total, float):
            assert sum(parts) == pytest.approx(total), name
        else:
            assert sum(parts, type(total)()) == total, name
    c = district
    assert c.handled_on_time <= c.handled <= c.due_for_handling
    assert c.overdue_pending + c.handled <= c.due_for_handling
    assert c.closed_on_time <= c.closed <= c.due_for_closing
    assert c.valid_reports <= c.reports
