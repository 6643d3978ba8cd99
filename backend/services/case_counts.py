"""Cases reported per hour: the baseline of the leader wall's cases-per-hour chart.

The wall counts today's reports from the cases it holds; for the mean of the seven days
before it asks ``query_case_counts``, answered here. Only the report time is read (the
``(reported_at, id)`` index, or ``(street_code, reported_at, id)`` for one street), never
a case's JSON: a week of a busy district (about 10,000 cases) is counted in milliseconds
and answered in one small frame, where searching the cases would send megabytes.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from backend.store.database import Database
from backend.store.orm import CaseRow
from models.errors import InvalidInput
from models.evaluation import Period

MAX_SPAN = timedelta(days=31)
"""Longest period one count covers: 744 hours."""

HOUR = timedelta(hours=1)


def reported_per_hour(db: Database, period: Period, street: str | None = None) -> list[int]:
    """Cases reported in each hour of ``period``, every source and state.

    Args:
        db: The database.
        period: Half-open, at most :data:`MAX_SPAN`; hour ``i`` is ``[start + i h,
            start + (i + 1) h)``, the last one cut at ``end``.
        street: Only the cases of this street/town (a street-scoped user's).

    Returns:
        One count per hour, ``ceil((end - start) / 1 h)`` of them.

    Raises:
        InvalidInput: The period is longer than :data:`MAX_SPAN`.

    Blocking; call it through ``backend.services.runner.DbRunner``.
    """
    if period.end - period.start > MAX_SPAN:
        raise InvalidInput("end", f"a count spans at most {MAX_SPAN.days} days")
    hours = -(-(period.end - period.start) // HOUR)
    stmt = select(CaseRow.reported_at).where(
        CaseRow.reported_at >= period.start, CaseRow.reported_at < period.end
    )
    if street is not None:
        stmt = stmt.where(CaseRow.street_code == street)
    counts = [0] * hours
    with db.transaction() as conn:
        for (reported_at,) in conn.execute(stmt):
            counts[(reported_at - period.start) // HOUR] += 1
    return counts
