"""Flatten a case and its flow history into the record the evaluation counts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from models.case import Case, CaseState, HistoryEntry, OrderState
from models.evaluation import CaseFacts


def _first(history: Sequence[HistoryEntry], move: str) -> HistoryEntry | None:
    return next((e for e in history if e.move == move), None)


def _last(history: Sequence[HistoryEntry], move: str) -> HistoryEntry | None:
    return next((e for e in reversed(history) if e.move == move), None)


def _deadline_set_by(entry: HistoryEntry | None) -> datetime | None:
    return entry.step_deadline if entry is not None else None


def facts_of(case: Case, history: Sequence[HistoryEntry]) -> CaseFacts:
    """The evaluation record of ``case``, read from its history (in revision order).

    Each step's deadline is the one recorded by the move that started the step: acceptance
    by the report, filing by the acceptance, the first dispatch by the filing. Handling is
    judged on the last order that was worked on (after a rework, the rework order), with
    its final deadline after approved extensions. A duplicate merged into another case
    counts as voided as a duplicate: its report was valid, and its steps are judged on the
    case it was merged into.
    """
    report = _first(history, "report")
    accept = _first(history, "accept")
    filed = _first(history, "file")
    dispatch = next((e for e in history if e.move.startswith("dispatch_")), None)
    verified = _last(history, "verify_pass")
    void = _last(history, "void")
    verification_started = _last(history, "assign_verification") or _last(history, "feedback")
    worked = [o for o in case.orders if o.state not in (OrderState.RETURNED, OrderState.CANCELLED)]
    order = worked[-1] if worked else None
    handled_at = order.handled_at if order is not None else None
    returns = [e for e in history if e.move == "department_return"]
    return CaseFacts(
        case_number=case.number,
        street_code=case.location.street_code or "",
        community_code=case.location.community_code or "",
        category_code=case.category,
        source=case.source.value,
        reported_at=case.reported_at,
        reporter=case.reporter.ident or None if case.reporter.kind == "user" else None,
        operator=dispatch.actor_id if dispatch is not None else None,
        department=order.department if order is not None else None,
        accepted_at=accept.at if accept is not None else None,
        acceptance_deadline=_deadline_set_by(report),
        filed_at=filed.at if filed is not None else None,
        filing_deadline=_deadline_set_by(accept),
        dispatched_at=dispatch.at if dispatch is not None else None,
        dispatch_deadline=_deadline_set_by(filed),
        handling_deadline=order.deadline if order is not None else None,
        handled_at=handled_at,
        verification_deadline=_deadline_set_by(verification_started) if handled_at else None,
        verified_at=verified.at if verified is not None else None,
        closed_at=case.closed_at if case.state is CaseState.CLOSED else None,
        closing_type=case.closing_type,
        voided=case.state in (CaseState.VOIDED, CaseState.MERGED),
        void_reason_invalid=bool(void is not None and void.details.get("invalid_report", False)),
        rework_count=case.rework_count,
        extension_count=sum(o.extensions_granted for o in case.orders),
        return_count=case.return_count,
        misdispatched=any(e.details.get("wrong_department", False) for e in returns),
    )
