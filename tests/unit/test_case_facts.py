"""A case taken through the workflow yields the evaluation record the indicators expect."""

from __future__ import annotations

from datetime import timedelta

from models.case import ClosingType
from models.case_facts import facts_of
from models.evaluation import Dimension, Period, evaluate_one
from models.org import Role
from models.workflow import (
    Accept,
    AssignVerification,
    DepartmentAccept,
    DepartmentReturn,
    DispatchSingle,
    Feedback,
    File,
    Merge,
    Move,
    Transition,
    VerifyFail,
    VerifyPass,
    Void,
    apply,
)
from tests.unit.test_workflow import DEPARTMENT, MONDAY_9AM, ctx, reported


def run(moves: list[tuple[Move, Role, int] | tuple[Move, Role, int, str]]) -> list[Transition]:
    """The report, then each move some minutes after the one before (by a department)."""
    history = [reported()]
    at = MONDAY_9AM
    for move, role, minutes, *department in moves:
        at += timedelta(minutes=minutes)
        kwargs = {"department": department[0]} if department else {}
        history.append(apply(history[-1].case, move, ctx(role, at, **kwargs)))
    return history


def test_a_routine_case_on_time() -> None:
    transitions = run(
        [
            (Accept(), Role.OPERATOR, 5),
            (File(), Role.OPERATOR, 10),
            (DispatchSingle(), Role.OPERATOR, 5),
            (DepartmentAccept(), Role.DEPARTMENT, 15),
            (Feedback(result="已清理"), Role.DEPARTMENT, 60),
            (AssignVerification(verifier="field-1"), Role.OPERATOR, 2),
            (VerifyPass(), Role.FIELD, 20),
        ]
    )
    case = transitions[-1].case
    facts = facts_of(case, [t.entry for t in transitions])
    assert facts.reporter == "field-1"
    assert facts.operator == "operator-1"
    assert facts.accepted_at == MONDAY_9AM + timedelta(minutes=5)
    assert facts.acceptance_deadline == MONDAY_9AM + timedelta(minutes=10)
    assert facts.filing_deadline == MONDAY_9AM + timedelta(minutes=5 + 30)
    assert facts.dispatch_deadline == MONDAY_9AM + timedelta(minutes=15 + 30)
    assert facts.handling_deadline == case.orders[0].deadline
    assert facts.handled_at == MONDAY_9AM + timedelta(minutes=95)
    assert facts.verification_deadline == MONDAY_9AM + timedelta(minutes=97 + 30)
    assert facts.closing_type is ClosingType.NORMAL
    assert facts.department == case.orders[0].department
    period = Period(MONDAY_9AM, MONDAY_9AM + timedelta(days=30))
    indicators = evaluate_one(
        [facts], period, MONDAY_9AM + timedelta(days=30), by=Dimension.DISTRICT
    )
    assert indicators.on_time_handling.percent == 100.0
    assert indicators.closing.percent == 100.0
    assert indicators.on_time_acceptance.percent == 100.0
    assert indicators.on_time_dispatch.percent == 100.0
    assert indicators.on_time_verification.percent == 100.0


def test_returns_rework_and_voids_are_counted() -> None:
    transitions = run(
        [
            (Accept(), Role.OPERATOR, 5),
            (File(), Role.OPERATOR, 10),
            (DispatchSingle(department="GA"), Role.OPERATOR, 5),
            (DepartmentReturn(reason="非本部门"), Role.DEPARTMENT, 5, "GA"),
            (DispatchSingle(), Role.OPERATOR, 5),
            (DepartmentAccept(), Role.DEPARTMENT, 15),
            (Feedback(result="已清理"), Role.DEPARTMENT, 60),
            (VerifyFail(reason="仍有垃圾"), Role.FIELD, 20),
            (Feedback(result="再次清理"), Role.DEPARTMENT, 60),
            (VerifyPass(), Role.FIELD, 20),
        ]
    )
    case = transitions[-1].case
    facts = facts_of(case, [t.entry for t in transitions])
    assert facts.return_count == 1
    assert facts.misdispatched
    assert facts.rework_count == 1
    assert facts.department == case.orders[-1].department == DEPARTMENT
    assert facts.handled_at == case.orders[-1].handled_at
    assert facts.dispatched_at == MONDAY_9AM + timedelta(minutes=20)  # the first dispatch

    voided = run([(Void(reason="无效信息"), Role.OPERATOR, 5)])
    void_facts = facts_of(voided[-1].case, [t.entry for t in voided])
    assert void_facts.voided
    assert void_facts.void_reason_invalid


def test_a_merged_duplicate_counts_only_as_a_valid_report() -> None:
    # Merged before acceptance: its acceptance deadline passes, but the case it was merged
    # into carries the work, so the duplicate must not show as pending acceptance.
    merged = run([(Merge(into_case=99), Role.OPERATOR, 5)])
    facts = facts_of(merged[-1].case, [t.entry for t in merged])
    assert facts.voided
    assert not facts.void_reason_invalid
    month = Period(MONDAY_9AM, MONDAY_9AM + timedelta(days=30))
    indicators = evaluate_one([facts], month, MONDAY_9AM + timedelta(days=30))
    assert (indicators.valid_report.numerator, indicators.valid_report.denominator) == (1, 1)
    assert indicators.on_time_acceptance.denominator == 0
