"""Fan-out: which connected client receives which frame.

Each frame is encoded once and handed to every client whose scope covers it. A case event
goes to the district's consoles, to the consoles of the case's street/town, and to the
departments holding an order on it; a position frame goes to the consoles of its scope.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from backend.outbox import Outbox
from models.case import Case
from models.org import DISTRICT_SCOPE, Role, User


@dataclass(eq=False)
class Client:
    """One signed-in connection as the fan-out sees it.

    Attributes:
        wants_positions: Consoles draw the map; terminals and the simulator do not need
            everyone's positions.
    """

    user: User
    client_id: str
    wants_positions: bool
    outbox: Outbox = field(default_factory=Outbox)

    def sees_case(self, case: Case) -> bool:
        """Whether this client may see ``case`` (and so receives its events)."""
        user = self.user
        if user.role is Role.DEPARTMENT:
            return any(o.department == user.department for o in case.orders)
        return user.scope == DISTRICT_SCOPE or case.location.street_code == user.scope

    def sees_street(self, street_code: str) -> bool:
        return self.user.scope == DISTRICT_SCOPE or street_code == self.user.scope


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

    def publish_positions(self, frames: dict[str, bytes]) -> None:
        """Offer each console the position frame of its scope, if there is one this tick."""
        for client in self._clients:
            if client.wants_positions:
                frame = frames.get(client.user.scope)
                if frame is not None:
                    client.outbox.put_positions(frame)
