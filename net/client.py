"""The console's connection to the backend: one object owns the websocket.

::

    client = GridClient("ws://127.0.0.1:8765", "zhangmin", password, client_id="console-03")
    async with contextlib.aclosing(client.messages()) as stream:
        async for item in stream:          # ServerMessage or StatusChange, in order
            store.apply(item)
    ...
    ack = await client.request(Command(id="", case_id=5117, expected_revision=3, move=move))

:class:`GridClient` connects, signs in (the password the first time, then the token of the
last ``welcome``), receives the snapshot or the missed events up to ``synced``, then live
events, position frames and the answers to its requests. When the connection drops it
reconnects with exponential backoff and jitter and resumes from the last event number the
application applied, and it resends every unanswered request with its original id, so the
server applies each command once.

The decisions (what to sign in with, what a ``goodbye`` means, which request a message
answers, what to resend) are made by :class:`SessionLogic`, which does no I/O and is tested
without sockets; :class:`GridClient` only moves frames. No Qt here: the console binds this
to its qasync loop in ``console.connection``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import ssl as ssl_module
import time
import uuid
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum, StrEnum
from typing import Final, Literal

import msgspec
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI
from websockets.uri import parse_uri

from models.org import User
from net import codec
from net.codec import ProtocolError
from net.protocol import (
    MAX_PHOTO_FRAME_BYTES,
    PROTOCOL_VERSION,
    Ack,
    Bye,
    CaseCountsResult,
    CasesPage,
    ClientKind,
    ClientMessage,
    CoverageResult,
    Error,
    ErrorCode,
    EvaluationResult,
    Event,
    Goodbye,
    GoodbyeReason,
    HandoverResult,
    HandoversPage,
    Hello,
    HistoryResult,
    MapResult,
    PhotoResult,
    Ping,
    Pong,
    PresenceResult,
    ServerMessage,
    ShiftResult,
    SnapshotChunk,
    Synced,
    TrackResult,
    Welcome,
)

log = logging.getLogger(__name__)

Answer = (
    Ack
    | HistoryResult
    | CasesPage
    | TrackResult
    | PhotoResult
    | MapResult
    | EvaluationResult
    | CaseCountsResult
    | ShiftResult
    | HandoversPage
    | HandoverResult
    | PresenceResult
    | Pong
)
"""What a successful request returns: an ``ack`` for a command, a result for a query."""

ANSWER_TYPES: Final = (
    Ack,
    CoverageResult,
    Error,
    HistoryResult,
    CasesPage,
    TrackResult,
    PhotoResult,
    MapResult,
    EvaluationResult,
    CaseCountsResult,
    ShiftResult,
    HandoversPage,
    HandoverResult,
    PresenceResult,
    Pong,
)
"""Server messages that answer one request, by its id."""


class ClientStatus(StrEnum):
    """Where the connection stands, as the connection indicator shows it."""

    OFFLINE = "offline"  # not connected and not trying (never started, or stopped)
    CONNECTING = "connecting"  # the first connection is being made
    ONLINE = "online"  # signed in and live (after ``synced``)
    RECONNECTING = "reconnecting"  # the connection dropped; trying again with a backoff


class StopReason(StrEnum):
    """Why the client stopped for good; the console tells the user in words."""

    CLOSED = "closed"  # the application closed the client
    SIGNED_OUT = "signed_out"  # the server confirmed a sign-out (goodbye "bye")
    REPLACED = "replaced"  # the same client id signed in elsewhere
    SIGN_IN_FAILED = "sign_in_failed"  # wrong user or password: ask the user
    PASSWORD_REQUIRED = "password_required"  # token refused or expired and no password kept
    PROTOCOL_VERSION = "protocol_version"  # the server speaks another version: update


class Next(Enum):
    """What the client does after a message (see :class:`Reaction`)."""

    CONTINUE = "continue"  # keep reading
    RECONNECT = "reconnect"  # close this connection and open a new one
    STOP = "stop"  # close and stay closed


@dataclass(frozen=True)
class Reaction:
    """What :class:`SessionLogic` decided about one received message.

    Attributes:
        next: Keep reading, reconnect or stop.
        send: Messages to send now, in order (a new hello; the resends after ``synced``).
        answers: The id of the pending request this message answers, if any.
        status: The client's new status, if it changed.
        backoff: Whether a reconnect waits for the backoff (``False``: at once).
        note: Why, in English, for the log.
    """

    next: Next = Next.CONTINUE
    send: tuple[ClientMessage, ...] = ()
    answers: str | None = None
    status: ClientStatus | None = None
    backoff: bool = True
    note: str = ""


@dataclass(frozen=True)
class StatusChange:
    """The client's status changed; yielded by :meth:`GridClient.messages` in order.

    Attributes:
        status: The new status.
        stop_reason: Why the client stopped (only with ``OFFLINE``).
        goodbye: The server's goodbye reason that caused the change, if any.
        error: The error code that caused it (a refused sign-in), if any.
        detail: English detail for the log (an exception, the server's message).
        attempt: Consecutive failed connection attempts so far (0 once online).
        retry_in: Seconds until the next attempt (with ``RECONNECTING``).
    """

    status: ClientStatus
    stop_reason: StopReason | None = None
    goodbye: GoodbyeReason | None = None
    error: ErrorCode | None = None
    detail: str = ""
    attempt: int = 0
    retry_in: float | None = None


class RequestFailed(Exception):
    """The server refused a request: its :class:`~net.protocol.Error`.

    Attributes:
        error: The error message as received.
        code: Its code (``illegal_move``, ``conflict``, ``not_permitted``...).
        details: Its structured details, for a translated text.
    """

    def __init__(self, error: Error) -> None:
        super().__init__(f"{error.code.value}: {error.message}")
        self.error = error
        self.code = error.code
        self.details = error.details


class ClientClosed(Exception):
    """The client stopped before the request was answered (``reason`` says why)."""

    def __init__(self, reason: StopReason) -> None:
        super().__init__(f"the connection is closed ({reason.value})")
        self.reason = reason


def new_request_id(prefix: str = "r") -> str:
    """A fresh request id: ``prefix`` and a uuid (well inside the 64-character limit)."""
    return f"{prefix}-{uuid.uuid4().hex}"


# --- backoff ---------------------------------------------------------------------------


class Backoff:
    """Exponential backoff with jitter: 0.5 s, 1 s, 2 s ... up to ``cap``.

    Each delay is drawn uniformly from ``[(1 - jitter) * d, d]``, so consoles cut off
    together by a server restart do not all knock again in the same instant.

    Args:
        initial: The first delay in seconds.
        factor: Growth per failed attempt.
        cap: The longest delay.
        jitter: Share of each delay that is random (0: none, 1: anything down to zero).
        rng: Source of uniform numbers in [0, 1), injectable for tests.
    """

    def __init__(
        self,
        initial: float = 0.5,
        factor: float = 2.0,
        cap: float = 10.0,
        jitter: float = 0.5,
        rng: Callable[[], float] = random.random,
    ) -> None:
        if initial <= 0 or factor < 1 or cap < initial or not 0 <= jitter <= 1:
            raise ValueError("need 0 < initial <= cap, factor >= 1 and 0 <= jitter <= 1")
        self.initial = initial
        self.factor = factor
        self.cap = cap
        self.jitter = jitter
        self.rng = rng
        self.attempts = 0

    def next_delay(self) -> float:
        """The delay before the next attempt; each call counts one more failed attempt."""
        ceiling = min(self.cap, self.initial * self.factor**self.attempts)
        self.attempts += 1
        return ceiling * (1.0 - self.jitter * self.rng())

    def reset(self) -> None:
        """Back to the first delay (after a connection that reached ``synced``)."""
        self.attempts = 0


# --- the protocol logic, without I/O ---------------------------------------------------

Phase = Literal["disconnected", "signing_in", "catching_up", "live"]

_GOODBYE_STOPS: Final[dict[GoodbyeReason, StopReason]] = {
    GoodbyeReason.BYE: StopReason.SIGNED_OUT,
    GoodbyeReason.REPLACED: StopReason.REPLACED,
    GoodbyeReason.PROTOCOL_VERSION: StopReason.PROTOCOL_VERSION,
}
"""Goodbye reasons after which reconnecting would be wrong (docs/protocol.md)."""


class SessionLogic:
    """The client side of the protocol as a state machine: no sockets, no clock.

    Feed it what happens (:meth:`connected`, :meth:`receive`, :meth:`connection_lost`,
    :meth:`add_request`); it answers with what to send and whether to go on, reconnect or
    stop. :class:`GridClient` does the I/O.

    Args:
        user: The login name.
        password: The password, kept for when the token is refused or expires; ``None``
            when signing in with ``token`` only.
        client_kind: ``console``, ``terminal`` or ``simulator``.
        client_id: Stable id of this installation (command ids are unique per client id).
        token: A token from an earlier session, tried before the password.
        applied_seq: Returns the number of the last event the application applied (its
            store's ``last_seq``); the hello resumes from it. Without it, the last event
            this object saw is used.

    Attributes:
        phase: ``disconnected``, ``signing_in``, ``catching_up`` (after ``welcome``) or
            ``live`` (after ``synced``).
        welcome: The last ``welcome`` received.
        stopped: Why the client stopped, once it has; ``None`` while it runs.
        last_seq: The last event number seen (a snapshot's when it completed).
    """

    def __init__(
        self,
        user: str,
        password: str | None,
        *,
        client_kind: ClientKind = "console",
        client_id: str,
        token: str | None = None,
        applied_seq: Callable[[], int | None] | None = None,
    ) -> None:
        if password is None and token is None:
            raise ValueError("a password or a token is needed to sign in")
        self.user = user
        self.password = password
        self.client_kind: ClientKind = client_kind
        self.client_id = client_id
        self.token = token
        self.applied_seq = applied_seq
        self.phase: Phase = "disconnected"
        self.welcome: Welcome | None = None
        self.stopped: StopReason | None = None
        self.closing = False
        self.last_seq: int | None = None
        self._fresh_snapshot = False
        self._hello_with_token = False
        self._pending: dict[str, ClientMessage] = {}

    # -- requests

    @property
    def pending(self) -> list[ClientMessage]:
        """Requests not answered yet, in the order they were made."""
        return list(self._pending.values())

    def add_request(self, message: ClientMessage) -> bool:
        """Remember a request until it is answered; return whether to send it now.

        Requests made while the connection is down or catching up wait, and go out after
        ``synced`` (see :meth:`receive`).
        """
        request_id = getattr(message, "id", None)
        if not isinstance(request_id, str):
            raise ValueError(f"{type(message).__name__} has no request id")
        if request_id in self._pending:
            raise ValueError(f"request id {request_id!r} is already waiting for its answer")
        self._pending[request_id] = message
        return self.phase == "live"

    def forget_request(self, request_id: str) -> None:
        """Stop waiting for an answer (answered, timed out or abandoned by the caller)."""
        self._pending.pop(request_id, None)

    # -- the connection

    def hello(self) -> Hello:
        """The ``hello`` to send: the token if there is one, else the password."""
        use_token = self.token is not None
        self._hello_with_token = use_token
        last_seq = None if self._fresh_snapshot else self._resume_seq()
        return Hello(
            protocol=PROTOCOL_VERSION,
            client_kind=self.client_kind,
            client_id=self.client_id,
            user=self.user,
            password=None if use_token else self.password,
            token=self.token if use_token else None,
            last_seq=last_seq,
        )

    def _resume_seq(self) -> int | None:
        if self.applied_seq is not None:
            return self.applied_seq()
        return self.last_seq

    def connected(self) -> Hello:
        """A connection opened: the hello to send first."""
        self.phase = "signing_in"
        return self.hello()

    def connection_lost(self) -> Reaction:
        """The connection closed without a decision: reconnect unless stopped."""
        self.phase = "disconnected"
        if self.closing and self.stopped is None:
            self.stopped = StopReason.CLOSED
        if self.stopped is not None:
            return Reaction(Next.STOP, status=ClientStatus.OFFLINE)
        return Reaction(Next.RECONNECT, status=ClientStatus.RECONNECTING, note="connection lost")

    def close(self) -> Bye | None:
        """The application stops the client: the ``bye`` to send, if signed in."""
        self.closing = True
        if self.phase in ("catching_up", "live"):
            return Bye()
        self.stopped = self.stopped or StopReason.CLOSED
        return None

    def stop(self, reason: StopReason) -> Reaction:
        """Stop for good for ``reason``."""
        self.stopped = self.stopped or reason
        return Reaction(Next.STOP, status=ClientStatus.OFFLINE, note=reason.value)

    # -- received messages

    def receive(self, message: ServerMessage) -> Reaction:
        """Decide what a received message means for the session."""
        match message:
            case Goodbye():
                return self._goodbye(message)
            case Welcome():
                self.welcome = message
                self.token = message.token
                self.phase = "catching_up"
                self._fresh_snapshot = False
                return Reaction()
            case Error() if self.phase == "signing_in":
                return self._refused(message)
            case Event():
                self.last_seq = max(self.last_seq or 0, message.seq)
            case SnapshotChunk() if message.index == message.count - 1:
                self.last_seq = message.seq
            case Synced():
                self.last_seq = max(self.last_seq or 0, message.seq)
                if self.phase == "catching_up":
                    self.phase = "live"
                    return Reaction(send=tuple(self._pending.values()), status=ClientStatus.ONLINE)
        if isinstance(message, ANSWER_TYPES) and message.id in self._pending:
            return Reaction(answers=message.id)
        return Reaction()

    def _refused(self, error: Error) -> Reaction:
        """A refused ``hello``: fall back to the password, or stop, or try again later."""
        code = error.code
        if code is ErrorCode.TOKEN_EXPIRED or (
            code is ErrorCode.SIGN_IN_FAILED and self._hello_with_token
        ):
            # A token may also be refused after the server's secret changed; the password
            # still works then, and the user need not be asked.
            self.token = None
            if self.password is None:
                return self.stop(StopReason.PASSWORD_REQUIRED)
            return Reaction(send=(self.hello(),), note=f"{code.value}: signing in again")
        if code is ErrorCode.SIGN_IN_FAILED:
            return self.stop(StopReason.SIGN_IN_FAILED)
        if code is ErrorCode.PROTOCOL_VERSION:
            return self.stop(StopReason.PROTOCOL_VERSION)
        # rate_limited, server_error...: nothing wrong with us; try again after a pause.
        return Reaction(Next.RECONNECT, status=ClientStatus.RECONNECTING, note=code.value)

    def _goodbye(self, goodbye: Goodbye) -> Reaction:
        reason = goodbye.reason
        self.phase = "disconnected"
        if self.closing:
            return self.stop(StopReason.CLOSED)
        if reason in _GOODBYE_STOPS:
            return self.stop(_GOODBYE_STOPS[reason])
        if reason is GoodbyeReason.TOKEN_EXPIRED:
            self.token = None
            if self.password is None:
                return self.stop(StopReason.PASSWORD_REQUIRED)
            return Reaction(Next.RECONNECT, status=ClientStatus.RECONNECTING, backoff=False)
        if reason is GoodbyeReason.TOO_SLOW:
            # Replaying everything missed would only make a slow console slower: start
            # afresh from a snapshot.
            self._fresh_snapshot = True
        if reason in (GoodbyeReason.FRAME_TOO_LARGE, GoodbyeReason.RATE_LIMITED):
            log.error("the server closed the connection for %s: a client bug", reason.value)
        return Reaction(Next.RECONNECT, status=ClientStatus.RECONNECTING, note=reason.value)


# --- the client ------------------------------------------------------------------------


class GridClient:
    """Owns the websocket to the backend: connect, sign in, resume, reconnect, requests.

    Iterate :meth:`messages` (exactly one consumer) to run the connection; call
    :meth:`request` from any task on the same loop; :meth:`close` to sign out. A client
    that stopped stays stopped: signing in again (another user, a new password) takes a
    new client.

    Args:
        url: ``ws://host:port`` or ``wss://host:port``.
        user: The login name.
        password: The password; kept in memory to sign in again when the token expires.
        client_kind: What connects (``console`` receives snapshots and position frames).
        client_id: Stable id of this installation; a random one if not given (then a
            restart cannot resend old commands, which is fine: they are gone with it).
        ssl: TLS context for ``wss`` (``None``: the system's defaults for ``wss``).
        applied_seq: Returns the last event number the application applied; resuming
            starts after it. Without it, the last event yielded counts as applied.
        backoff: The reconnect backoff (0.5 s doubling to 10 s, half jitter by default).
        ping_interval: Seconds between pings (round trip and keep-alive); the server's
            ``limits.ping_interval`` is used when it is shorter.
        open_timeout: Seconds to open a connection before counting the attempt failed.
        clock: Monotonic seconds, injectable for tests.

    Attributes:
        status: Where the connection stands.
        round_trip: Seconds of the last ping's round trip; ``None`` before the first pong.
        last_event_at: ``clock()`` when the last event arrived; ``None`` before any.
        last_message_at: ``clock()`` when anything last arrived.
        logic: The protocol state machine (token, phase, pending requests, stop reason).
    """

    def __init__(
        self,
        url: str,
        user: str,
        password: str | None,
        *,
        client_kind: ClientKind = "console",
        client_id: str | None = None,
        ssl: ssl_module.SSLContext | None = None,
        token: str | None = None,
        applied_seq: Callable[[], int | None] | None = None,
        backoff: Backoff | None = None,
        ping_interval: float = 5.0,
        open_timeout: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        try:
            parse_uri(url)
        except InvalidURI as exc:
            raise ValueError(f"not a websocket URL: {url!r}") from exc
        if ping_interval <= 0:
            raise ValueError("ping_interval must be positive")
        self.url = url
        self.ssl = ssl
        self.logic = SessionLogic(
            user,
            password,
            client_kind=client_kind,
            client_id=client_id or f"{client_kind}-{uuid.uuid4().hex[:12]}",
            token=token,
            applied_seq=applied_seq,
        )
        self.backoff = backoff or Backoff()
        self.ping_interval = ping_interval
        self.open_timeout = open_timeout
        self.clock = clock
        self.status = ClientStatus.OFFLINE
        self.round_trip: float | None = None
        self.last_event_at: float | None = None
        self.last_message_at: float | None = None
        self._ws: ClientConnection | None = None
        self._futures: dict[str, asyncio.Future[Answer]] = {}
        self._pings: dict[str, float] = {}
        self._running = False
        self._wake = asyncio.Event()
        self._finished = asyncio.Event()
        self._finished.set()

    # -- properties

    @property
    def client_id(self) -> str:
        return self.logic.client_id

    @property
    def welcome(self) -> Welcome | None:
        """The last ``welcome``: the signed-in user, limits, token expiry."""
        return self.logic.welcome

    @property
    def user(self) -> User | None:
        """The signed-in user (role and scope), once a ``welcome`` arrived."""
        return self.logic.welcome.user if self.logic.welcome else None

    @property
    def stop_reason(self) -> StopReason | None:
        return self.logic.stopped

    # -- requests

    async def request(self, message: ClientMessage, *, timeout: float | None = None) -> Answer:
        """Send a request and wait for its answer, across reconnects.

        A message whose ``id`` is empty gets a fresh one. If the connection drops before
        the answer, the request is resent with the same id after the next ``synced``, so a
        command is applied once.

        Args:
            message: A command, report, upload, status change, query or ping.
            timeout: Seconds to wait; ``None`` waits until the answer or the client stops.
                After a timeout the request is no longer resent.

        Returns:
            The ``ack`` or the query's result.

        Raises:
            RequestFailed: The server answered with an ``error``.
            ClientClosed: The client stopped (closed, signed out, replaced...).
            TimeoutError: No answer within ``timeout``.
        """
        if self.logic.stopped is not None:
            raise ClientClosed(self.logic.stopped)
        if getattr(message, "id", None) == "":
            prefix = _PREFIX.get(type(message).__name__, "r")
            message = msgspec.structs.replace(message, id=new_request_id(prefix))
        request_id: str = message.id  # type: ignore[union-attr]
        future: asyncio.Future[Answer] = asyncio.get_running_loop().create_future()
        send_now = self.logic.add_request(message)
        self._futures[request_id] = future
        try:
            if send_now:
                await self._send_quietly(message)
            return await asyncio.wait_for(future, timeout)
        finally:
            self._futures.pop(request_id, None)
            self.logic.forget_request(request_id)

    async def _send(self, message: ClientMessage) -> None:
        ws = self._ws
        if ws is None:
            raise ConnectionError("not connected")
        if isinstance(message, Ping):
            self._pings[message.id] = self.clock()
            if len(self._pings) > 32:  # pongs that never came (a dropped connection)
                self._pings.pop(next(iter(self._pings)))
        await ws.send(codec.encode(message), text=True)

    async def _send_quietly(self, message: ClientMessage) -> None:
        # A request that cannot go out now stays pending and is resent after the next
        # synced; the failed send itself is the receive loop's business (it sees the close).
        with contextlib.suppress(ConnectionClosed, ConnectionError):
            await self._send(message)

    def _resolve(self, request_id: str, message: ServerMessage) -> None:
        future = self._futures.get(request_id)
        self.logic.forget_request(request_id)
        if future is None or future.done():
            return
        if isinstance(message, Error):
            future.set_exception(RequestFailed(message))
        else:
            future.set_result(message)  # type: ignore[arg-type]

    def _fail_all(self, reason: StopReason) -> None:
        for future in self._futures.values():
            if not future.done():
                future.set_exception(ClientClosed(reason))

    # -- running

    async def messages(self) -> AsyncGenerator[ServerMessage | StatusChange, None]:
        """Run the connection, yielding every decoded server message and status change.

        Ends when the client stops (:meth:`close`, or a goodbye or refusal after which
        reconnecting would be wrong); the last item is then a ``StatusChange`` to
        ``OFFLINE`` with the reason. Iterate it inside ``contextlib.aclosing`` so that
        leaving the loop early closes the websocket at once.
        """
        if self._running:
            raise RuntimeError("messages() is already running; it takes one consumer")
        self._running = True
        self._finished.clear()
        try:
            first = True
            while self.logic.stopped is None:
                status = ClientStatus.CONNECTING if first else ClientStatus.RECONNECTING
                first = False
                if status is not self.status:
                    yield self._set_status(StatusChange(status, attempt=self.backoff.attempts))
                reaction: Reaction | None = None
                cause = StatusChange(ClientStatus.RECONNECTING)
                try:
                    async with connect(
                        self.url,
                        ssl=self.ssl,
                        max_size=MAX_PHOTO_FRAME_BYTES,
                        compression=None,
                        open_timeout=self.open_timeout,
                        close_timeout=2,
                    ) as ws:
                        self._ws = ws
                        pinger = asyncio.create_task(self._ping_loop(ws), name="grid-ping")
                        try:
                            await self._send(self.logic.connected())
                            async for frame in ws:
                                message = self._decode(frame)
                                if message is None:
                                    continue
                                reaction = self._react(message)
                                for outgoing in reaction.send:
                                    await self._send_quietly(outgoing)
                                yield message
                                if reaction.status is ClientStatus.ONLINE:
                                    self.backoff.reset()
                                    yield self._set_status(StatusChange(ClientStatus.ONLINE))
                                if reaction.next is not Next.CONTINUE:
                                    cause = _cause_of(message, reaction)
                                    break
                                reaction = None
                        finally:
                            self._ws = None
                            pinger.cancel()
                            with contextlib.suppress(asyncio.CancelledError):
                                await pinger
                except (OSError, TimeoutError, ConnectionClosed, InvalidHandshake) as exc:
                    cause = StatusChange(ClientStatus.RECONNECTING, detail=_describe(exc))
                    log.info("connection to %s lost: %s", self.url, cause.detail)
                if reaction is None:
                    reaction = self.logic.connection_lost()
                self.logic.phase = "disconnected"
                if reaction.next is Next.STOP or self.logic.stopped is not None:
                    break
                delay = self.backoff.next_delay() if reaction.backoff else 0.0
                yield self._set_status(
                    StatusChange(
                        ClientStatus.RECONNECTING,
                        goodbye=cause.goodbye,
                        error=cause.error,
                        detail=cause.detail,
                        attempt=self.backoff.attempts,
                        retry_in=delay,
                    )
                )
                await self._pause(delay)
            reason = self.logic.stopped or StopReason.CLOSED
            self._fail_all(reason)
            yield self._set_status(
                StatusChange(
                    ClientStatus.OFFLINE,
                    stop_reason=reason,
                    goodbye=cause.goodbye if reaction is not None else None,
                    error=cause.error if reaction is not None else None,
                    detail=cause.detail if reaction is not None else "",
                )
            )
        finally:
            # Also when the consumer left early (aclosing): nobody will answer now.
            self.logic.stopped = self.logic.stopped or StopReason.CLOSED
            self.logic.phase = "disconnected"
            self._fail_all(self.logic.stopped)
            self.status = ClientStatus.OFFLINE
            self._running = False
            self._finished.set()

    def _set_status(self, change: StatusChange) -> StatusChange:
        self.status = change.status
        return change

    def _decode(self, frame: str | bytes) -> ServerMessage | None:
        try:
            message = codec.decode_server(frame)
        except ProtocolError as exc:
            # Lenient with the server: a frame we cannot read is logged and skipped; only a
            # welcome in another protocol version ends the session.
            log.warning("unreadable frame from the server: %s", exc.message)
            if exc.code is ErrorCode.PROTOCOL_VERSION:
                self.logic.stop(StopReason.PROTOCOL_VERSION)
                return Goodbye(reason=GoodbyeReason.PROTOCOL_VERSION, message=exc.message)
            return None
        now = self.clock()
        self.last_message_at = now
        if isinstance(message, Event):
            self.last_event_at = now
        elif isinstance(message, Pong):
            sent = self._pings.pop(message.id, None)
            if sent is not None:
                self.round_trip = now - sent
        return message

    def _react(self, message: ServerMessage) -> Reaction:
        if isinstance(message, Goodbye) and self.logic.stopped is not None:
            return Reaction(Next.STOP)  # a protocol_version welcome (see _decode)
        reaction = self.logic.receive(message)
        if reaction.answers is not None:
            self._resolve(reaction.answers, message)
        if reaction.note:
            log.info("session: %s", reaction.note)
        return reaction

    async def _pause(self, delay: float) -> None:
        self._wake.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), delay)

    async def _ping_loop(self, ws: ClientConnection) -> None:
        """Ping while live: the round trip for the indicator, and proof the link is alive."""
        while True:
            interval = self.ping_interval
            if self.logic.welcome is not None:
                interval = min(interval, self.logic.welcome.limits.ping_interval)
            if self.logic.phase == "live":
                silent = self.clock() - (self.last_message_at or self.clock())
                if silent > 3 * interval:
                    # Nothing at all (not even pongs) for three intervals: the link is dead
                    # even if TCP has not noticed; closing makes the receive loop reconnect.
                    log.warning("no message for %.0f s: reconnecting", silent)
                    await ws.close()
                    return
                ping = Ping(id=new_request_id("ping"), sent_at=datetime.now(UTC))
                try:
                    await self._send(ping)
                except (ConnectionClosed, ConnectionError):
                    return
                await asyncio.sleep(interval)
            else:
                await asyncio.sleep(0.05)

    async def close(self, timeout: float = 2.0) -> None:
        """Sign out and stop: ``bye``, wait briefly for the ``goodbye``, close.

        Pending requests fail with :class:`ClientClosed`. Safe to call more than once.
        """
        bye = self.logic.close()
        ws = self._ws
        if bye is not None and ws is not None:
            await self._send_quietly(bye)
        self._wake.set()
        if not self._running:
            self.logic.stopped = self.logic.stopped or StopReason.CLOSED
            self._fail_all(self.logic.stopped)
            return
        try:
            await asyncio.wait_for(self._finished.wait(), timeout)
        except TimeoutError:
            if self._ws is not None:
                await self._ws.close()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._finished.wait(), timeout)


_PREFIX: Final = {
    "Command": "c",
    "JointCommand": "j",
    "PatrolCommand": "pa",
    "QueryCoverage": "q",
    "Report": "rp",
    "UploadPhoto": "u",
    "SetUnitStatus": "s",
    "Ping": "p",
    "QueryHistory": "q",
    "QueryCases": "q",
    "QueryTrack": "q",
    "QueryPhoto": "q",
    "QueryMap": "q",
}
"""Id prefixes per request type: they make server logs readable at a glance."""


def _cause_of(message: ServerMessage, reaction: Reaction) -> StatusChange:
    """The status change a decisive message causes, with what the user needs to know."""
    status = ClientStatus.OFFLINE if reaction.next is Next.STOP else ClientStatus.RECONNECTING
    if isinstance(message, Goodbye):
        return StatusChange(status, goodbye=message.reason, detail=message.message)
    if isinstance(message, Error):
        return StatusChange(status, error=message.code, detail=message.message)
    return StatusChange(status, detail=reaction.note)


def _describe(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
