"""Patrol areas (巡查责任区): which cells a unit patrols in a shift, and how much it covered.

The centre assigns each unit on duty a set of grid cells (or whole streets/towns) for a
shift. The shift's coverage is the share of those cells its track visited: the positions
it reported, located on the grid (:class:`models.cell_index.CellIndex`).

Plain values and functions, no I/O: the backend keeps assignments as records, the console
draws them and the coverage.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime, timedelta

import msgspec
import numpy as np
import numpy.typing as npt
from msgspec.structs import replace

from models.cell_index import CellIndex
from models.errors import IllegalMove, InvalidInput, NotPermitted
from models.geography import CityMap
from models.org import Actor, Role, Unit
from models.workflow import clean_text

MAX_SHIFT = timedelta(hours=24)
"""Longest patrol assignment: one shift, or a day at most."""

MAX_CELLS = 500
"""Most cells one assignment may name one by one (a whole street/town is named as such)."""

PATROL_ROLES = frozenset({Role.OPERATOR, Role.SUPERVISOR})
"""Who assigns and cancels patrol areas."""


class PatrolAssignment(msgspec.Struct, frozen=True, kw_only=True):
    """One unit's patrol area for a stretch of time (a shift).

    Attributes:
        id: Its number, from 1.
        unit_id: The unit.
        street_code: The unit's street/town (whose consoles see the assignment).
        starts_at: Start of the shift, inclusive.
        ends_at: End of the shift, exclusive.
        cells: Cell codes assigned one by one.
        streets: Street/town codes assigned whole (every cell of them).
        cancelled_at: When it was withdrawn, if it was.
    """

    id: int
    revision: int = 1
    unit_id: str
    street_code: str
    starts_at: datetime
    ends_at: datetime
    cells: tuple[str, ...] = ()
    streets: tuple[str, ...] = ()
    note: str = ""
    assigned_by: str
    assigned_at: datetime
    cancelled_at: datetime | None = None
    cancelled_by: str | None = None
    cancel_reason: str = ""

    @property
    def active(self) -> bool:
        """Not withdrawn (it may still lie in the past or the future)."""
        return self.cancelled_at is None

    def overlaps(self, starts_at: datetime, ends_at: datetime) -> bool:
        return self.starts_at < ends_at and starts_at < self.ends_at


class PatrolMove(
    msgspec.Struct, frozen=True, kw_only=True, tag_field="move", forbid_unknown_fields=True
):
    """Base of the patrol-area commands."""


class AssignPatrol(PatrolMove, tag="assign_patrol", frozen=True, kw_only=True):
    """分配责任区: give a unit cells and/or whole streets to patrol from ``starts_at``."""

    unit_id: str
    starts_at: datetime
    ends_at: datetime
    cells: tuple[str, ...] = ()
    streets: tuple[str, ...] = ()
    note: str = ""


class CancelPatrol(PatrolMove, tag="cancel_patrol", frozen=True, kw_only=True):
    """撤销: withdraw an assignment, with a reason."""

    assignment_id: int
    reason: str


AnyPatrolMove = AssignPatrol | CancelPatrol


def _refuse(actor: Actor, what: str, street: str, label: str) -> None:
    if actor.role not in PATROL_ROLES:
        allowed = ", ".join(sorted(r.value for r in PATROL_ROLES))
        raise NotPermitted(label, "-", what, f"role '{actor.role}' may not; allowed: {allowed}")
    if not actor.covers(street):
        raise NotPermitted(label, "-", what, f"street {street} is outside scope {actor.scope}")


def assign_patrol(
    move: AssignPatrol,
    *,
    assignment_id: int,
    unit: Unit,
    city: CityMap,
    existing: Iterable[PatrolAssignment],
    actor: Actor,
    at: datetime,
) -> PatrolAssignment:
    """A new assignment from ``move``, checked.

    Args:
        move: The move.
        assignment_id: The new assignment's id.
        unit: The unit named by the move (looked up by the caller).
        city: The grid map the cells and streets must belong to.
        existing: The unit's other assignments (an active one must not overlap).
        actor: Who assigns.
        at: When.

    Raises:
        NotPermitted: the actor's role, or a street outside their scope.
        InvalidInput: bad times, no area, too many cells, an overlapping assignment.
        UnknownId: an unknown cell or street.
    """
    label = f"unit {unit.unit_id}"
    _refuse(actor, "assign_patrol", unit.street_code, label)
    for name in ("starts_at", "ends_at"):
        if getattr(move, name).tzinfo is None:
            raise InvalidInput(name, "must carry a time zone")
    if move.ends_at <= move.starts_at:
        raise InvalidInput("ends_at", "must be after starts_at")
    if move.ends_at - move.starts_at > MAX_SHIFT:
        raise InvalidInput("ends_at", f"an assignment lasts at most {MAX_SHIFT}")
    if move.ends_at <= at:
        raise InvalidInput("ends_at", "is in the past: the shift is over")
    if not move.cells and not move.streets:
        raise InvalidInput("cells", "name at least one cell or street")
    if len(move.cells) > MAX_CELLS:
        raise InvalidInput("cells", f"{len(move.cells)} cells; at most {MAX_CELLS}")
    for field, codes in (("cells", move.cells), ("streets", move.streets)):
        if len(set(codes)) != len(codes):
            raise InvalidInput(field, "a code is named twice")
    for code in move.cells:
        _refuse(actor, "assign_patrol", city.cell(code).street_code, label)
    for code in move.streets:
        _refuse(actor, "assign_patrol", city.street(code).code, label)
    for other in existing:
        if (
            other.unit_id == unit.unit_id
            and other.active
            and other.overlaps(move.starts_at, move.ends_at)
        ):
            raise InvalidInput(
                "starts_at",
                f"unit {unit.unit_id} already patrols assignment {other.id} from "
                f"{other.starts_at.isoformat()} to {other.ends_at.isoformat()}",
            )
    return PatrolAssignment(
        id=assignment_id,
        unit_id=unit.unit_id,
        street_code=unit.street_code,
        starts_at=move.starts_at,
        ends_at=move.ends_at,
        cells=move.cells,
        streets=move.streets,
        note=clean_text("note", move.note, required=False),
        assigned_by=actor.user_id,
        assigned_at=at,
    )


def cancel_patrol(
    assignment: PatrolAssignment, move: CancelPatrol, actor: Actor, at: datetime
) -> PatrolAssignment:
    """``assignment`` withdrawn.

    Raises:
        NotPermitted: the actor's role or scope.
        IllegalMove: already withdrawn, or its shift is over.
        InvalidInput: no reason.
    """
    label = f"patrol assignment {assignment.id}"
    _refuse(actor, "cancel_patrol", assignment.street_code, label)
    state = "cancelled" if not assignment.active else "active"
    if not assignment.active:
        raise IllegalMove(label, state, "cancel_patrol", "it is already withdrawn")
    if assignment.ends_at <= at:
        raise IllegalMove(label, state, "cancel_patrol", "its shift is over")
    reason = clean_text("reason", move.reason)
    return replace(
        assignment,
        revision=assignment.revision + 1,
        cancelled_at=at,
        cancelled_by=actor.user_id,
        cancel_reason=reason,
    )


def assigned_cells(assignment: PatrolAssignment, city: CityMap) -> frozenset[str]:
    """Every cell of the assignment: those named, and those of the streets named."""
    cells = set(assignment.cells)
    for street in assignment.streets:
        cells.update(c.code for c in city.cells_of(street))
    return frozenset(cells)


def visited_cells(index: CellIndex, lons: npt.ArrayLike, lats: npt.ArrayLike) -> frozenset[str]:
    """The cells that positions (a track's fixes) fall in; positions off the grid count
    for nothing."""
    found = index.locate_many(lons, lats)
    return frozenset(index.codes[i] for i in np.unique(found[found >= 0]).tolist())


class Coverage(msgspec.Struct, frozen=True, kw_only=True):
    """How much of a patrol area a track covered.

    Attributes:
        visited: The assigned cells that were visited.
        assigned: How many cells were assigned.
        share: ``len(visited) / assigned`` (0 when nothing was assigned).
    """

    visited: frozenset[str]
    assigned: int
    share: float


def coverage(visited: Collection[str], assigned: Collection[str]) -> Coverage:
    """The coverage of ``assigned`` cells by ``visited`` ones (cells outside are ignored)."""
    area = frozenset(assigned)
    seen = area.intersection(visited)
    return Coverage(visited=seen, assigned=len(area), share=len(seen) / len(area) if area else 0.0)
