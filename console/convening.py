"""The convening desk's logic: a joint operation's form, its defaults and the move it
makes. Plain Python, no Qt (the dialog in ``views.convene_dialog`` shows it).

A draft starts from a case (comprehensive dispatch, 综合派单: the agencies of the case's
category's response template, the case's location) or from nothing. The units proposed for
each agency are :func:`models.joint.recommend_units` over the store's live units (status and
position of the last tick), stale units and units already in an open operation excluded;
the first of each agency is chosen and the first chosen commands, until the dispatcher
changes it. :func:`build_convene` turns the draft into the ``Convene`` move, or names the
field that is missing.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from models.case import Case
from models.catalogue import Catalogue
from models.errors import InvalidInput
from models.joint import (
    OPEN_JOINT_STATES,
    Convene,
    JointOperation,
    Recommendation,
    engaged_units,
    recommend_units,
)
from models.org import DEFAULT_STALE_AFTER, Unit
from models.response_templates import ResponseTemplate, template_agencies

DEFAULT_LEAD = timedelta(minutes=15)
"""How far ahead the meeting is set by default: time for units across a street to walk."""

PER_AGENCY = 5
"""Units proposed per agency."""


@dataclass(frozen=True)
class ConveneDraft:
    """A joint operation as the convening form holds it.

    Attributes:
        case_id: The case it is convened for, or ``None`` (from nothing).
        case_number: That case's number, for the form's title.
        category: The category whose template gave the agencies (``None``: none).
        agencies: The departments it needs, in the form's order.
        units: The units chosen, in order.
        commander: The unit in command (one of ``units``), or ``None``.
        lon: Meeting point (WGS-84), or ``None`` until picked.
        lat: Meeting point (WGS-84), or ``None`` until picked.
        meet_at: When the units are to be there.
        instructions: What they are to do.
    """

    case_id: int | None
    case_number: str | None
    category: str | None
    agencies: tuple[str, ...]
    units: tuple[str, ...]
    commander: str | None
    lon: float | None
    lat: float | None
    meet_at: datetime
    instructions: str = ""

    @property
    def has_point(self) -> bool:
        return self.lon is not None and self.lat is not None


def blank_draft(now: datetime) -> ConveneDraft:
    """A joint patrol convened from nothing: no agencies, no place yet."""
    return ConveneDraft(
        case_id=None,
        case_number=None,
        category=None,
        agencies=(),
        units=(),
        commander=None,
        lon=None,
        lat=None,
        meet_at=now + DEFAULT_LEAD,
    )


def draft_for_case(
    case: Case,
    catalogue: Catalogue,
    templates: Mapping[str, ResponseTemplate],
    now: datetime,
) -> ConveneDraft:
    """A joint operation for ``case``: its category's template, its place, its
    comprehensive order's instructions (if it has one)."""
    order = case.active_order
    return ConveneDraft(
        case_id=case.id,
        case_number=case.number,
        category=case.category,
        agencies=template_agencies(catalogue, case.category, templates),
        units=(),
        commander=None,
        lon=case.location.lon,
        lat=case.location.lat,
        meet_at=now + DEFAULT_LEAD,
        instructions=order.instructions if order is not None else "",
    )


def busy_units(operations: Iterable[JointOperation]) -> frozenset[str]:
    """Units engaged in an open joint operation (never proposed for another)."""
    return frozenset(engaged_units(operations))


def recommendations(
    draft: ConveneDraft,
    units: Iterable[Unit],
    operations: Iterable[JointOperation],
    now: datetime,
    *,
    stale_after: timedelta = DEFAULT_STALE_AFTER,
    per_agency: int = PER_AGENCY,
) -> dict[str, list[Recommendation]]:
    """The nearest available units of each of the draft's agencies to its meeting point,
    best first (empty lists while it has no point).

    Args:
        draft: The form.
        units: Units with their live status and position (``ClientStore.live_units``).
        operations: The joint operations known (units in an open one are left out).
        now: The present, for staleness.
        stale_after: Age after which a report no longer counts.
        per_agency: Most units per agency.
    """
    if draft.lon is None or draft.lat is None:
        return {code: [] for code in draft.agencies}
    return recommend_units(
        units,
        draft.lon,
        draft.lat,
        draft.agencies,
        now,
        stale_after,
        per_agency=per_agency,
        exclude=busy_units(operations),
    )


def with_first_choices(
    draft: ConveneDraft, found: Mapping[str, Sequence[Recommendation]]
) -> ConveneDraft:
    """``draft`` with the best unit of each agency chosen (where it has none chosen) and,
    if no chosen unit commands, the first chosen in command."""
    chosen = list(draft.units)
    by_agency = {r.unit_id: r.department for recs in found.values() for r in recs}
    covered = {by_agency.get(u) for u in chosen}
    for agency in draft.agencies:
        recs = found.get(agency, ())
        if agency not in covered and recs:
            chosen.append(recs[0].unit_id)
    commander = draft.commander if draft.commander in chosen else (chosen[0] if chosen else None)
    return replace(draft, units=tuple(chosen), commander=commander)


def build_convene(draft: ConveneDraft) -> Convene:
    """The ``Convene`` move of a complete draft.

    Raises:
        InvalidInput: a missing agency, unit, commander or meeting point (names the field);
            the server checks the rest (units of the agencies, on duty, time window...).
    """
    if not draft.agencies:
        raise InvalidInput("agencies", "choose at least one agency")
    if not draft.units:
        raise InvalidInput("units", "choose at least one unit")
    if draft.commander is None or draft.commander not in draft.units:
        raise InvalidInput("commander", "choose the commander among the units")
    if draft.lon is None or draft.lat is None:
        raise InvalidInput("lon", "pick the meeting point")
    if not (math.isfinite(draft.lon) and math.isfinite(draft.lat)):
        raise InvalidInput("lon", "the meeting point is not a position")
    if draft.meet_at.tzinfo is None:
        raise InvalidInput("meet_at", "must carry a time zone")
    return Convene(
        case_id=draft.case_id,
        agencies=draft.agencies,
        units=draft.units,
        commander=draft.commander,
        lon=draft.lon,
        lat=draft.lat,
        meet_at=draft.meet_at,
        instructions=draft.instructions.strip(),
    )


def open_operations(operations: Iterable[JointOperation]) -> list[JointOperation]:
    """The operations still running, oldest first."""
    return sorted((op for op in operations if op.state in OPEN_JOINT_STATES), key=lambda o: o.id)


def unit_tasks(operations: Iterable[JointOperation]) -> dict[str, JointOperation]:
    """Unit id → the open operation it is engaged in (its current task)."""
    ops = {op.id: op for op in operations}
    return {unit_id: ops[op_id] for unit_id, op_id in engaged_units(ops.values()).items()}
