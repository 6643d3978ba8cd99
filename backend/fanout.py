"""Fan-out: which connected client receives which frame.

Each frame is encoded once and handed to every client whose scope covers it. A case event
goes to the district's consoles, to the consoles of the case's street/town, and to the
departments holding an order on it; a joint operation's event also to the terminals of its
units (their orders); a position frame goes to the consoles of its scope.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from backend.outbox import Outbox
from models.case import Case
from models.handover import READER_ROLES
from models.joint import JointOperation
from models.org import DISTRICT_SCOPE, Role, User
from net.protocol import ClientKind


@dataclass(eq=False)
class Client:
    """One signed-in connection as the fan-out sees it.

    Attributes:
        wants_positions: Consoles draw the map; terminals and the simulator do not need
            everyone's positions.
        kind: What connected (``console``, ``terminal``, ``simulator``), as its hello said.
        since: When it signed in (for who is online); ``None`` for a stand-in that never
            connected.
    """

    user: User
    client_id: str
    wants_positions: bool
    outbox: Outbox = field(default_factory=Outbox)
    kind: ClientKind = "console"
    since: datetime | None = None

    def sees_case(self, case: Case) -> bool:
        """Whether this client may see ``case`` (and so receives its events)."""
        user = self.user
        if user.role is Role.DEPARTMENT:
            return any(o.department == user.department for o in case.orders)
        return user.scope == DISTRICT_SCOPE or case.location.street_code == user.scope

    def sees_street(self, street_code: str) -> bool:
        return self.user.scope == DISTRICT_SCOPE or street_code == self.user.scope

    def sees_joint(self, op: JointOperation) -> bool:
        """Whether this client follows a joint operation: consoles and terminals of the
        meeting point's or a participant's street (a terminal acts for the units of its
        scope, so it receives their orders), and departments whose units take part."""
        user = self.user
        if user.role is Role.DEPARTMENT:
            return any(p.department == user.department for p in op.participants)
        return user.scope == DISTRICT_SCOPE or user.scope in op.streets

    def sees_handover(self, scope: str) -> bool:
        """Whether this client follows the handovers of ``scope`` (supervisors, leaders and
        administrators whose scope covers it)."""
        return self.user.role in READER_ROLES and (
            self.user.scope == DISTRICT_SCOPE or scope == self.user.scope
        )


class Hub:
    """The connected clients, and the delivery of frames to them."""

    def __init__(self) -> None:
        self._clients: set[Client] = set()

    def __iter__(self) -> Iterator[Client]:
        return iter(tuple(self._clients))

    def __len__(self) -> int:
        return len(self._clients)

    def add(self, client: Client) -> None:
        self._clients.add(client)

    def remove(self, client: Client) -> None:
        self._clients.discard(client)
        client.outbox.close()

    def publish_case(self, frame: bytes, case: Case, before: Case | None = None) -> None:
        """Send a case event to every client that sees the case now or saw it before.

        A department that just lost the order (returned, re-dispatched elsewhere) still
        gets the event that takes the case away from it.
        """
        for client in self._clients:
            if client.sees_case(case) or (before is not None and client.sees_case(before)):
                client.outbox.put_event(frame)

    def publish_street(self, frame: bytes, street_code: str) -> None:
        """Send an event about something in one street/town (a unit) to who sees it."""
        for client in self._clients:
            if client.user.role is not Role.DEPARTMENT and client.sees_street(street_code):
                client.outbox.put_event(frame)

    def publish_joint(self, frame: bytes, op: JointOperation) -> None:
        """Send a joint operation's event to every client that follows it (a unit that was
        released or replaced stays a participant, so its terminal hears of that too)."""
        for client in self._clients:
            if client.sees_joint(op):
                client.outbox.put_event(frame)

    def publish_handover(self, frame: bytes, scope: str) -> None:
        """Send a handover event to the clients that follow the handovers of ``scope``."""
        for client in self._clients:
            if client.sees_handover(scope):
                client.outbox.put_event(frame)

    def publish_all(self, frame: bytes) -> None:
        """Send an event that concerns every client (district-wide reference data)."""
        for client in self._clients:
            client.outbox.put_event(frame)

    def publish_positions(self, frames: dict[str, bytes]) -> None:
        """Offer each console the position frame of its scope, if there is one this tick."""
        for client in self._clients:
            if client.wants_positions:
                frame = frames.get(client.user.scope)
                if frame is not None:
                    client.outbox.put_positions(frame)
