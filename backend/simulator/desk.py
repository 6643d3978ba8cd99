"""One simulated person or office on its own connection: a department's handler, the
auto-operator, the grid supervisors and the terminals' requests.

A :class:`Desk` signs in through :class:`net.client.GridClient` (which reconnects, resumes
and resends unanswered requests with their ids), keeps the cases it sees from the snapshot
and the events, asks its decision function (:mod:`backend.simulator.actors`) what each case
needs, and makes that move when its delay has passed, with the revision of the case as it
stands then. Every refusal is logged and counted, never fatal: the next event about the
case brings a fresh decision. Requests are paced under the server's per-connection limit.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import logging
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from backend.limits import TokenBucket
from backend.simulator.actors import Step, need_key
from backend.simulator.clock import SimClock
from models.case import Case
from models.joint import JointOperation
from models.org import Unit, UnitStatus
from net.client import Answer, ClientClosed, ClientStatus, GridClient, RequestFailed, StatusChange
from net.protocol import (
    CaseBody,
    ClientMessage,
    Command,
    Event,
    JointChanged,
    SetUnitStatus,
    SnapshotChunk,
)

log = logging.getLogger(__name__)

RATE = 40.0
"""Requests per second per connection: under the server's 50, leaving room for pings."""
BURST = 100.0
MAX_IN_FLIGHT = 32
MAX_WAITING = 2_000
"""Background requests that may wait (while the server is away) before new ones are dropped."""
REQUEST_TIMEOUT = 60.0
STATUS_WORKERS = 4

Decide = Callable[[Case], Step | None]
StepHook = Callable[[Case, Step], None]
DoneHook = Callable[[Case, Step, bool], None]


@dataclass
class DeskStats:
    """What one desk did."""

    sent: int = 0
    acked: int = 0
    refused: int = 0
    dropped: int = 0
    by_code: dict[str, int] = field(default_factory=dict)


@dataclass(order=True)
class _Due:
    due: float
    seq: int
    case_id: int = field(compare=False)
    step: Step = field(compare=False)


class Desk:
    """A signed-in simulated actor.

    Args:
        name: For the log ("dept-hw", "operator"...).
        client: Its connection (not yet running).
        clock: The simulated clock (turns a step's simulated delay into real seconds).
        decide: What a case needs from this actor; ``None`` for a desk that only sends
            reports or status changes.
        on_planned: Called when a step is planned (e.g. to send a supervisor on the way).
        on_done: Called after a step was answered (``True``: acknowledged).
        on_units: Called with the units and the map version of every complete snapshot.
        on_joint: Called with every joint operation a snapshot or an event brings.
    """

    def __init__(
        self,
        name: str,
        client: GridClient,
        clock: SimClock,
        decide: Decide | None = None,
        *,
        on_planned: StepHook | None = None,
        on_done: DoneHook | None = None,
        on_units: Callable[[list[Unit], str], None] | None = None,
        on_joint: Callable[[JointOperation], None] | None = None,
    ) -> None:
        self.name = name
        self.client = client
        self.clock = clock
        self.decide = decide
        self.on_planned = on_planned
        self.on_done = on_done
        self.on_units = on_units
        self.on_joint = on_joint
        self.cases: dict[int, Case] = {}
        self.stats = DeskStats()
        self.stopped = asyncio.Event()
        self._chunks: list[SnapshotChunk] = []
        self._planned: dict[int, _Due] = {}
        self._agenda: list[_Due] = []
        self._seq = 0
        self._in_flight: set[int] = set()
        self._wake = asyncio.Event()
        self._bucket = TokenBucket(RATE, BURST, time.monotonic())
        self._slots = asyncio.Semaphore(MAX_IN_FLIGHT)
        self._statuses: dict[str, UnitStatus] = {}
        self._status_ready = asyncio.Event()
        self._tasks: set[asyncio.Task[Any]] = set()

    # -- running

    async def run(self) -> None:
        """Consume the connection and work the agenda until cancelled or stopped."""
        workers = [
            asyncio.create_task(self._work_agenda(), name=f"{self.name}-agenda"),
            *(
                asyncio.create_task(self._send_statuses(), name=f"{self.name}-statuses")
                for _ in range(STATUS_WORKERS)
            ),
        ]
        try:
            await self._consume()
        except Exception:  # a fault of ours must not take the other desks down
            log.exception("%s: stopped by an error", self.name)
        finally:
            for task in (*workers, *self._tasks):
                task.cancel()
            await asyncio.gather(*workers, *self._tasks, return_exceptions=True)
            self.stopped.set()

    async def close(self) -> None:
        """Sign out (bye), then stop."""
        with contextlib.suppress(Exception):
            await self.client.close()

    async def _consume(self) -> None:
        async with contextlib.aclosing(self.client.messages()) as stream:
            async for item in stream:
                if isinstance(item, StatusChange):
                    self._status_changed(item)
                elif isinstance(item, SnapshotChunk):
                    self._snapshot_chunk(item)
                elif isinstance(item, Event):
                    self._event(item)

    def _status_changed(self, change: StatusChange) -> None:
        if change.status is ClientStatus.OFFLINE and change.stop_reason is not None:
            level = logging.DEBUG if change.stop_reason.value == "closed" else logging.ERROR
            log.log(level, "%s: stopped (%s) %s", self.name, change.stop_reason, change.detail)
        elif change.status is ClientStatus.RECONNECTING and change.retry_in is not None:
            # Every desk reconnects at once when the server restarts: keep the log readable.
            level = logging.INFO if change.attempt >= 5 else logging.DEBUG
            log.log(
                level, "%s: reconnecting in %.1f s (%s)", self.name, change.retry_in, change.detail
            )

    def _snapshot_chunk(self, chunk: SnapshotChunk) -> None:
        if chunk.index == 0:
            self._chunks = []
        self._chunks.append(chunk)
        if chunk.index != chunk.count - 1:
            return
        chunks, self._chunks = self._chunks, []
        self.cases = {c.id: c for part in chunks for c in part.cases if not c.state.is_terminal}
        if self.on_units is not None:
            self.on_units([u for part in chunks for u in part.units], chunk.map_version)
        if self.on_joint is not None:
            for op in (op for part in chunks for op in part.joint_operations):
                self.on_joint(op)
        for case in list(self.cases.values()):
            self._replan(case)

    def _event(self, event: Event) -> None:
        body = event.body
        # Unit events are left alone: they echo our own status changes, and statuses are
        # reconciled from snapshots (see FieldForce.observe).
        if isinstance(body, CaseBody):
            self._take_case(body.case)
        elif isinstance(body, JointChanged) and self.on_joint is not None:
            self.on_joint(body.operation)

    def _take_case(self, case: Case) -> None:
        if case.state.is_terminal:
            self.cases.pop(case.id, None)
        else:
            self.cases[case.id] = case
        self._replan(case)

    # -- the agenda

    def _replan(self, case: Case) -> None:
        if case.id in self._in_flight or self.decide is None:
            return
        step = None if case.state.is_terminal else self.decide(case)
        current = self._planned.get(case.id)
        if step is None:
            self._planned.pop(case.id, None)
            return
        if current is not None and current.step.key == step.key:
            return  # already planned; an event such as a deadline warning changes nothing
        self._seq += 1
        due = _Due(time.monotonic() + self.clock.real_seconds(step.delay), self._seq, case.id, step)
        self._planned[case.id] = due
        heapq.heappush(self._agenda, due)
        self._wake.set()
        if self.on_planned is not None:
            self.on_planned(case, step)

    async def _work_agenda(self) -> None:
        while True:
            now = time.monotonic()
            while self._agenda and self._agenda[0].due <= now:
                due = heapq.heappop(self._agenda)
                if self._planned.get(due.case_id) is not due:
                    continue  # replaced by a newer decision, or no longer needed
                del self._planned[due.case_id]
                self._spawn(self._execute(due.case_id, due.step))
            wait = 0.5 if not self._agenda else min(0.5, self._agenda[0].due - now)
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), max(0.0, wait))

    async def _execute(self, case_id: int, step: Step) -> None:
        case = self.cases.get(case_id)
        if case is None or need_key(case) != step.key:
            return  # the case moved on meanwhile (someone else acted)
        self._in_flight.add(case_id)
        try:
            command = Command(
                id="", case_id=case_id, expected_revision=case.revision, move=step.move
            )
            answer = await self.send(command, what=f"{step.kind} on case {case.number}")
        finally:
            self._in_flight.discard(case_id)
        if self.on_done is not None:
            self.on_done(case, step, answer is not None)
        current = self.cases.get(case_id)
        if current is not None:
            self._replan(current)

    # -- requests

    def _spawn(self, coro: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.create_task(self._guarded(coro))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _guarded(self, coro: Coroutine[Any, Any, Any]) -> None:
        try:
            await coro
        except Exception:
            log.exception("%s: a request failed", self.name)

    def submit(
        self,
        message: ClientMessage,
        what: str,
        on_answer: Callable[[Answer | None], None] | None = None,
    ) -> None:
        """Send a request in the background (a report); the outcome is logged, and given
        to ``on_answer`` (``None``: refused, lost or dropped)."""
        if len(self._tasks) >= MAX_WAITING:
            self.stats.dropped += 1
            log.warning("%s: %d requests waiting: %s dropped", self.name, len(self._tasks), what)
            if on_answer is not None:
                on_answer(None)
            return
        self._spawn(self._send_and_tell(message, what, on_answer))

    async def _send_and_tell(
        self,
        message: ClientMessage,
        what: str,
        on_answer: Callable[[Answer | None], None] | None,
    ) -> None:
        answer = await self.send(message, what=what)
        if on_answer is not None:
            on_answer(answer)

    def queue_status(self, unit_id: str, status: UnitStatus) -> None:
        """Report a unit's new status; a newer status for the same unit replaces this one."""
        self._statuses.pop(unit_id, None)
        self._statuses[unit_id] = status
        self._status_ready.set()

    @property
    def statuses_waiting(self) -> int:
        return len(self._statuses)

    async def _send_statuses(self) -> None:
        while True:
            if not self._statuses:
                self._status_ready.clear()
                await self._status_ready.wait()
                continue
            unit_id = next(iter(self._statuses))
            status = self._statuses.pop(unit_id)
            message = SetUnitStatus(id="", unit_id=unit_id, status=status)
            await self.send(message, what=f"status {status} of {unit_id}")

    async def send(self, message: ClientMessage, *, what: str) -> Answer | None:
        """Send a request under the rate limit; the answer, or ``None`` if refused or lost."""
        async with self._slots:
            while not self._bucket.take(time.monotonic()):
                await asyncio.sleep(1.0 / RATE)
            self.stats.sent += 1
            try:
                answer = await self.client.request(message, timeout=REQUEST_TIMEOUT)
            except RequestFailed as exc:
                self.stats.refused += 1
                code = exc.code.value
                self.stats.by_code[code] = self.stats.by_code.get(code, 0) + 1
                log.warning("%s: %s refused: %s", self.name, what, exc)
                return None
            except TimeoutError:
                log.warning("%s: %s: no answer in %.0f s", self.name, what, REQUEST_TIMEOUT)
                return None
            except ClientClosed as exc:
                log.info("%s: %s not sent: %s", self.name, what, exc)
                return None
            self.stats.acked += 1
            return answer
