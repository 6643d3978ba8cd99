"""Simulated units answering joint-operation orders (联勤联动), as their terminals would.

A unit ordered to a joint operation confirms the order after a short human delay, sets off
a little later, walks or drives to the meeting point (:meth:`FieldForce.dispatch`), and
reports its arrival once within :data:`~models.joint.ARRIVAL_RADIUS_M` of it; when the
operation releases it (or ends) it patrols on. A unit that is off duty never answers, so
the centre's reminder has something to remind.

Pure apart from the field force it moves: :meth:`JointResponder.observe` takes operations
as events bring them, and :meth:`JointResponder.tick` returns the moves to send now. Delays
are simulated seconds drawn from a generator seeded by the simulation's seed, the operation
and the unit, so a run is the same whatever order events arrive in.
"""

from __future__ import annotations

import zlib
from datetime import datetime, timedelta

import numpy as np

from backend.simulator.actors import Behaviour
from backend.simulator.field import FieldForce
from models.joint import (
    Acknowledge,
    Arrive,
    JointOperation,
    ParticipantState,
    UnitMove,
    has_arrived,
    next_unit_move,
)
from models.org import UnitStatus
from net.protocol import JointCommand

_TOLD = {
    ParticipantState.EN_ROUTE: UnitStatus.EN_ROUTE,
    ParticipantState.ARRIVED: UnitStatus.ON_SCENE,
}
"""The status the server gave a unit at each step of a joint operation."""


def _key(op_id: int, unit_id: str) -> tuple[str, int, str]:
    return ("joint", op_id, unit_id)


class JointResponder:
    """The simulated terminals' side of every joint operation they are ordered to.

    Args:
        behaviour: The delays.
        seed: The simulation's seed.
    """

    def __init__(self, behaviour: Behaviour, seed: int) -> None:
        self.behaviour = behaviour
        self.seed = seed
        self.operations: dict[int, JointOperation] = {}
        self._seen: dict[tuple[int, str, ParticipantState], datetime] = {}
        self._pending: set[tuple[int, str, str]] = set()

    def observe(self, op: JointOperation) -> None:
        """Take an operation as the server now has it (an event or a snapshot)."""
        current = self.operations.get(op.id)
        if current is None or op.revision >= current.revision:
            self.operations[op.id] = op

    def answered(self, op_id: int, unit_id: str, move: str) -> None:
        """A move sent for the unit was answered (acknowledged or refused): it may be
        decided again, from the operation as the events now show it."""
        self._pending.discard((op_id, unit_id, move))

    def tick(self, now: datetime, field: FieldForce) -> list[JointCommand]:
        """Move the units the operations concern, and return the moves due at ``now``."""
        commands: list[JointCommand] = []
        for op in list(self.operations.values()):
            for p in op.participants:
                if p.unit_id not in field.index:
                    continue  # not one of ours
                key = _key(op.id, p.unit_id)
                if op.state.is_terminal or not p.state.engaged:
                    field.release(key)
                    continue
                if p.state in _TOLD:
                    field.dispatch(key, p.unit_id, op.lon, op.lat)
                    field.told(p.unit_id, _TOLD[p.state])
                move = self._due(op, p.unit_id, p.state, now, field)
                if move is not None:
                    self._pending.add((op.id, p.unit_id, _name(move)))
                    commands.append(JointCommand(id="", operation_id=op.id, move=move))
            if op.state.is_terminal:
                del self.operations[op.id]
                self._seen = {k: v for k, v in self._seen.items() if k[0] != op.id}
        return commands

    def _due(
        self,
        op: JointOperation,
        unit_id: str,
        state: ParticipantState,
        now: datetime,
        field: FieldForce,
    ) -> UnitMove | None:
        step = next_unit_move(op, unit_id)
        if step is None or (op.id, unit_id, step.__struct_config__.tag) in self._pending:
            return None
        if step is Arrive:
            position = field.position(unit_id)
            if position is None or not has_arrived(*position, op):
                return None
            return Arrive(unit_id=unit_id)
        if field.is_off_duty(unit_id):
            return None  # nobody holds the terminal: the order waits for the reminder
        since = self._seen.setdefault((op.id, unit_id, state), now)
        bounds = (
            self.behaviour.acknowledge_delay if step is Acknowledge else self.behaviour.depart_delay
        )
        delay = self._delay(op.id, unit_id, state, bounds)
        if now - since < timedelta(seconds=delay):
            return None
        return step(unit_id=unit_id)

    def _delay(
        self, op_id: int, unit_id: str, state: ParticipantState, bounds: tuple[float, float]
    ) -> float:
        salt = zlib.crc32(f"{unit_id}|{state.value}".encode())
        rng = np.random.default_rng([self.seed, 8, op_id, salt])
        return float(rng.uniform(*bounds))


def _name(move: UnitMove) -> str:
    tag = move.__struct_config__.tag
    assert isinstance(tag, str)
    return tag
