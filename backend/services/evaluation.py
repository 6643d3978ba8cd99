"""Evaluation (综合评价) in the backend: every case's facts kept with it, queries over them.

The indicators are ``models.evaluation.evaluate``; this module only keeps its input up to
date and selects it. Each case's :class:`~models.evaluation.CaseFacts` live in the
``case_facts`` table, rewritten by :func:`record_facts` (from the case and its history, with
``models.case_facts.facts_of``) in the transaction of every change of the case: only the
changed case is recomputed, and the record cannot disagree with the case. A query reads
the records whose span meets the period (an index on ``(last_at, first_at)``), optionally
of one street, and hands them to ``evaluate``: a record none of whose instants falls in
the period counts in no indicator of it, so the answer is exactly ``evaluate`` over every
record.

Why a table rather than facts in the server's memory (bench/bench_evaluation.py, numbers
in docs/benchmarks.md): a record costs about 1 KB as Python objects, and rebuilding it at
start-up from the case and its history 0.1-0.4 ms. At the calibrated 1,500 reports a day
that is some 600 MB and one to three minutes of start-up per year of cases, while the
server otherwise keeps only open cases and today's closed ones in memory. The table costs
two statements per case change (0.7-0.8x the moves per second, still far above the peak
load) and a query pays for decoding the records of its period only.

Teams. Users carry no team; a team is one department's forces in one street. A case's team
is the team of its reporter's department in the case's street, the department read from
the users table when a query asks by team.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

import msgspec
from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection

from backend.store.database import Database
from backend.store.orm import CaseFactsRow, HistoryRow, TeamRow, UserRow, table
from models.case_facts import facts_of
from models.catalogue import Catalogue
from models.errors import InvalidInput, NotPermitted, UnknownId
from models.evaluation import (
    DISTRICT_KEY,
    CaseFacts,
    Dimension,
    EvaluatedGroup,
    Period,
    evaluate,
    evaluate_one,
)
from models.geography import CityMap
from models.org import DISTRICT_SCOPE, Role, User
from models.workflow import Transition

MAX_SPAN = timedelta(days=366)
"""Longest period one evaluation covers (a leap year)."""

MAX_ROWS = 500
"""Most groups in one answer (about 650 KB of JSON, under the 1 MiB frame limit)."""

EVALUATING_ROLES = frozenset({Role.LEADER, Role.SUPERVISOR, Role.OPERATOR, Role.ADMIN})
"""Roles that may read evaluations: leaders, shift supervisors, dispatchers, administrators."""

FACT_INSTANTS: tuple[str, ...] = tuple(
    f.name for f in msgspec.structs.fields(CaseFacts) if f.type in (datetime, datetime | None)
)
"""The instants of a record; every count of ``evaluate`` is placed at one of them."""

_FACTS = table(CaseFactsRow)
_INSERT_FACTS = _FACTS.insert()
_UPDATE_FACTS = _FACTS.update().where(_FACTS.c.case_id == bindparam("b_case"))
_HISTORY = (
    select(HistoryRow.entry)
    .where(HistoryRow.case_id == bindparam("case_id"))
    .order_by(HistoryRow.revision)
)


def span(facts: CaseFacts) -> tuple[datetime, datetime]:
    """The earliest and the latest instant of a record.

    ``evaluate`` places every count of a record at one of its instants (a step's
    completion or deadline, the report, the filing, the first dispatch), so a record whose
    span does not meet a period counts in none of its indicators.
    """
    instants = [i for i in (getattr(facts, name) for name in FACT_INSTANTS) if i is not None]
    return min(instants), max(instants)


def record_facts(conn: Connection, transition: Transition) -> None:
    """Rewrite the evaluation record of the case ``transition`` changed.

    Call it in the transition's own transaction, after its history entry is written.
    """
    case = transition.case
    if transition.before is None:
        history = [transition.entry]  # a new case: its report is all of its history
    else:
        history = list(conn.execute(_HISTORY, {"case_id": case.id}).scalars())
    facts = facts_of(case, history)
    first_at, last_at = span(facts)
    values = {
        "street_code": facts.street_code,
        "first_at": first_at,
        "last_at": last_at,
        "data": facts,
    }
    # A case written without its record (bulk-loaded by an import or a benchmark) gets one
    # at its next change.
    if (
        transition.before is None
        or conn.execute(_UPDATE_FACTS, {"b_case": case.id, **values}).rowcount == 0
    ):
        conn.execute(_INSERT_FACTS, {"case_id": case.id, **values})


def street_scope(user: User, by: Dimension, key: str | None) -> str | None:
    """The street an evaluation for ``user`` is limited to, or ``None`` for the district.

    A street-scoped user evaluates the cases of their own street only, in any dimension
    but the district's, and no other street.

    Raises:
        NotPermitted: the role may not read evaluations, or the user asks for the district
            or another street while limited to one street.
    """
    if user.role not in EVALUATING_ROLES:
        raise NotPermitted("evaluation", "-", "read evaluations", f"role '{user.role}' may not")
    if user.scope == DISTRICT_SCOPE:
        return None
    if by is Dimension.DISTRICT:
        raise NotPermitted(
            "evaluation", "-", "evaluate the district", f"limited to street {user.scope}"
        )
    if by is Dimension.STREET and key is not None and key != user.scope:
        raise NotPermitted(
            "evaluation", "-", f"evaluate street {key}", f"outside scope {user.scope}"
        )
    return user.scope


class EvaluationService:
    """Evaluation queries over the ``case_facts`` table.

    Args:
        db: The database (migrated).
        catalogue: For department and category names.
        city: For street, community and district names.

    Every method is blocking; call them through ``backend.services.runner.DbRunner``.
    """

    def __init__(self, db: Database, catalogue: Catalogue, city: CityMap) -> None:
        self.db = db
        self.catalogue = catalogue
        self.city = city

    def evaluate(
        self,
        period: Period,
        as_of: datetime,
        by: Dimension,
        *,
        key: str | None = None,
        street: str | None = None,
        after: str | None = None,
        limit: int = MAX_ROWS,
    ) -> tuple[list[EvaluatedGroup], str | None]:
        """The indicators per group of ``by`` over ``period``, as known at ``as_of``.

        Args:
            period: The evaluated period, half-open, at most ``MAX_SPAN`` long.
            as_of: The instant the evaluation is taken at (normally now).
            by: The grouping.
            key: Only this group; it is answered even when nothing counted in it.
            street: Only the cases of this street (a street-scoped user's).
            after: Only groups whose key sorts after this one (the next page).
            limit: Most groups answered.

        Returns:
            The groups in key order (those with something to count, or the one asked for),
            and the key to pass as ``after`` for the next page, or ``None`` on the last.

        Raises:
            InvalidInput: a period longer than ``MAX_SPAN`` or a bad limit.
            UnknownId: ``key`` is no group of ``by``.
        """
        if period.end - period.start > MAX_SPAN:
            raise InvalidInput("end", f"an evaluation spans at most {MAX_SPAN.days} days")
        if not 1 <= limit <= MAX_ROWS:
            raise InvalidInput("limit", f"{limit!r} is not in 1..{MAX_ROWS}")
        with self.db.transaction() as conn:
            if key is not None:
                self._check_key(conn, by, key)
            facts = _facts_in(conn, period, street)
            if by is Dimension.TEAM:
                facts = _with_teams(conn, facts)
            if key is not None:
                groups = {key: evaluate_one(facts, period, as_of, by=by, key=key)}
            else:
                groups = evaluate(facts, period, as_of, by)
            keys = [k for k in groups if after is None or k > after]
            page, more = keys[:limit], len(keys) > limit
            names = self._names(conn, by, page)
        rows = [
            EvaluatedGroup(key=k, name_zh=names[k][0], name_en=names[k][1], indicators=groups[k])
            for k in page
        ]
        return rows, page[-1] if more else None

    def _check_key(self, conn: Connection, by: Dimension, key: str) -> None:
        known: bool
        match by:
            case Dimension.DISTRICT:
                known = key == DISTRICT_KEY
            case Dimension.DEPARTMENT:
                known = key in self.catalogue.departments
            case Dimension.CATEGORY:
                known = key in self.catalogue.categories
            case Dimension.STREET:
                known = any(s.code == key for s in self.city.streets)
            case Dimension.COMMUNITY:
                known = any(c.code == key for c in self.city.communities)
            case Dimension.TEAM:
                found = conn.execute(select(TeamRow.team_id).where(TeamRow.team_id == key))
                known = found.first() is not None
            case Dimension.PERSON | Dimension.OPERATOR:
                found = conn.execute(select(UserRow.user_id).where(UserRow.user_id == key))
                known = found.first() is not None
        if not known:
            raise UnknownId(by.value, key)

    def _names(
        self, conn: Connection, by: Dimension, keys: Sequence[str]
    ) -> dict[str, tuple[str, str]]:
        names: dict[str, tuple[str, str]] = {}
        match by:
            case Dimension.DISTRICT:
                names = {DISTRICT_KEY: (self.city.name_zh, self.city.name_en)}
            case Dimension.DEPARTMENT:
                departments = self.catalogue.departments
                names = {k: (d.name_zh, d.name_en) for k in keys if (d := departments.get(k))}
            case Dimension.CATEGORY:
                categories = self.catalogue.categories
                names = {k: (c.name_zh, c.name_en) for k in keys if (c := categories.get(k))}
            case Dimension.STREET:
                names = {s.code: (s.name_zh, s.name_en) for s in self.city.streets}
            case Dimension.COMMUNITY:
                names = {c.code: (c.name_zh, c.name_en) for c in self.city.communities}
            case Dimension.TEAM:
                rows = conn.execute(
                    select(TeamRow.team_id, TeamRow.name_zh, TeamRow.name_en).where(
                        TeamRow.team_id.in_(keys)
                    )
                )
                names = {r.team_id: (r.name_zh, r.name_en) for r in rows}
            case Dimension.PERSON | Dimension.OPERATOR:
                rows = conn.execute(
                    select(UserRow.user_id, UserRow.name).where(UserRow.user_id.in_(keys))
                )
                names = {r.user_id: (r.name, r.name) for r in rows}
        return {k: names.get(k, ("", "")) for k in keys}


def _facts_in(conn: Connection, period: Period, street: str | None) -> list[CaseFacts]:
    """The records that may count in ``period``: those whose span meets it."""
    stmt = select(_FACTS.c.data).where(
        _FACTS.c.last_at >= period.start, _FACTS.c.first_at < period.end
    )
    if street is not None:
        stmt = stmt.where(_FACTS.c.street_code == street)
    return list(conn.execute(stmt).scalars())


def _with_teams(conn: Connection, facts: Iterable[CaseFacts]) -> list[CaseFacts]:
    """``facts`` with ``team`` set: the reporter's department's team in the case's street.

    A department with more than one team in a street leaves its reports without a team:
    nothing says which of them the reporter belongs to.
    """
    department_of = dict(
        conn.execute(
            select(UserRow.user_id, UserRow.department).where(UserRow.department.is_not(None))
        ).all()
    )
    team_of: dict[tuple[str, str], str | None] = {}
    for team_id, team_department, street in conn.execute(
        select(TeamRow.team_id, TeamRow.department, TeamRow.street_code)
    ):
        place = (team_department, street)
        team_of[place] = None if place in team_of else team_id
    out = []
    for f in facts:
        department = department_of.get(f.reporter) if f.reporter is not None else None
        team = team_of.get((department, f.street_code)) if department is not None else None
        out.append(msgspec.structs.replace(f, team=team) if team is not None else f)
    return out
