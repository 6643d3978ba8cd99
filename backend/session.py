"""One connection's protocol logic: sign-in state, limits, and what each message does.

No socket here: the server feeds frames in and sends what comes out, so the logic is
tested without a network. Replies are returned in order; the server queues them behind any
events already queued, so a command's event always reaches the client before its ack.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from backend.core import SERVER_VERSION, Core, SignInFailed
from backend.limits import TokenBucket
from backend.services.records import CaseQuery, HandoverQuery
from models.errors import DomainError
from models.org import User
from net import codec
from net.codec import ProtocolError
from net.protocol import (
    PROTOCOL_VERSION,
    Bye,
    ClientMessage,
    Command,
    Error,
    ErrorCode,
    GenerateHandover,
    Goodbye,
    GoodbyeReason,
    Hello,
    JointCommand,
    Limits,
    PatrolCommand,
    Ping,
    Pong,
    Position,
    PositionBatch,
    QueryCaseCounts,
    QueryCases,
    QueryCoverage,
    QueryEvaluation,
    QueryHandover,
    QueryHandovers,
    QueryHistory,
    QueryMap,
    QueryPhoto,
    QueryPresence,
    QueryShift,
    QueryTrack,
    Report,
    ReturnHandover,
    ServerMessage,
    SetResponseTemplate,
    SetUnitStatus,
    SignHandover,
    SubmitHandover,
    UploadPhoto,
    Welcome,
)

log = logging.getLogger(__name__)

MESSAGES_PER_SECOND = 50
BURST = 200
STRIKES_BEFORE_GOODBYE = 100
"""Rate-limited messages in a row after which a flooding client is disconnected."""


@dataclass
class Outcome:
    """What to send back for one frame, and whether to close afterwards."""

    replies: list[ServerMessage]
    close: Goodbye | None = None


class Session:
    """The protocol state of one connection.

    Args:
        core: The backend core.
        monotonic: Clock for the rate limit (seconds).
    """

    def __init__(self, core: Core, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.core = core
        self.monotonic = monotonic
        self.user: User | None = None
        self.hello: Hello | None = None
        self.limits = Limits(messages_per_second=MESSAGES_PER_SECOND)
        self._bucket = TokenBucket(MESSAGES_PER_SECOND, BURST, monotonic())
        self._strikes = 0

    @property
    def terminal(self) -> str:
        return f"{self.hello.client_kind}:{self.hello.client_id}" if self.hello else ""

    async def sign_in(self, frame: bytes | str) -> Outcome:
        """Handle the first frame, which must be ``hello``."""
        try:
            msg = codec.decode_client(frame)
        except ProtocolError as exc:
            return self._fatal(codec.error_for(exc))
        if not isinstance(msg, Hello):
            return Outcome([codec.make_error(ErrorCode.NOT_SIGNED_IN, id=getattr(msg, "id", None))])
        if msg.protocol != PROTOCOL_VERSION:
            return self._fatal(
                codec.make_error(ErrorCode.PROTOCOL_VERSION, supported=[PROTOCOL_VERSION])
            )
        try:
            user, token, expires = await self.core.sign_in(msg.user, msg.password, msg.token)
        except SignInFailed as exc:
            code = ErrorCode.TOKEN_EXPIRED if exc.expired else ErrorCode.SIGN_IN_FAILED
            return Outcome([codec.make_error(code)])
        self.user, self.hello = user, msg
        welcome = Welcome(
            protocol=PROTOCOL_VERSION,
            server_version=SERVER_VERSION,
            user=user,
            token=token,
            token_expires_at=expires,
            server_time=self.core.server_time(),
            last_seq=self.core.published_seq,
            resume="events" if self.core.can_resume(msg.last_seq) else "snapshot",
            limits=self.limits,
        )
        return Outcome([welcome])

    @staticmethod
    def _fatal(error: Error) -> Outcome:
        reason = {
            ErrorCode.FRAME_TOO_LARGE: GoodbyeReason.FRAME_TOO_LARGE,
            ErrorCode.PROTOCOL_VERSION: GoodbyeReason.PROTOCOL_VERSION,
        }.get(error.code)
        return Outcome([error], Goodbye(reason=reason, message=error.message) if reason else None)

    async def handle(self, frame: bytes | str) -> Outcome:
        """Handle one frame after sign-in."""
        assert self.user is not None, "sign in first"
        try:
            msg = codec.decode_client(frame)
        except ProtocolError as exc:
            error = codec.error_for(exc)
            if error.code is ErrorCode.FRAME_TOO_LARGE:
                return self._fatal(error)
            return Outcome([error])
        if not self._bucket.take(self.monotonic()):
            self._strikes += 1
            if self._strikes >= STRIKES_BEFORE_GOODBYE:
                return Outcome([], Goodbye(reason=GoodbyeReason.RATE_LIMITED))
            return Outcome([codec.make_error(ErrorCode.RATE_LIMITED, id=getattr(msg, "id", None))])
        self._strikes = 0
        try:
            return await self._dispatch(msg)
        except DomainError as exc:
            return Outcome([codec.error_for(exc, id=getattr(msg, "id", None))])
        except Exception as exc:  # a fault of ours must not kill the connection
            log.exception("request %s failed", type(msg).__name__)
            return Outcome([codec.error_for(exc, id=getattr(msg, "id", None))])

    async def _dispatch(self, msg: ClientMessage) -> Outcome:
        user, core = self.user, self.core
        assert user is not None
        match msg:
            case Command():
                return Outcome([await core.command(user, self.terminal, msg)])
            case Report():
                return Outcome([await core.report(user, self.terminal, msg)])
            case JointCommand():
                return Outcome([await core.joint_command(user, self.terminal, msg)])
            case PatrolCommand():
                return Outcome([await core.patrol_command(user, self.terminal, msg)])
            case SetResponseTemplate():
                return Outcome([await core.template_command(user, self.terminal, msg)])
            case QueryCoverage():
                return Outcome([await core.coverage(user, msg.id, msg.assignment_id)])
            case PositionBatch():
                unknown = core.positions(user, msg)
                return Outcome(self._unknown_units(unknown))
            case Position():
                batch = PositionBatch(
                    unit_ids=[msg.unit_id],
                    at=[msg.at],
                    lons=[msg.lon],
                    lats=[msg.lat],
                    speeds=[msg.speed],
                    headings=[msg.heading],
                )
                return Outcome(self._unknown_units(core.positions(user, batch)))
            case SetUnitStatus():
                return Outcome([await core.set_unit_status(user, self.terminal, msg)])
            case QueryHistory():
                return Outcome([await core.history(user, msg.id, msg.case_id)])
            case QueryCases():
                query = CaseQuery(
                    states=tuple(msg.states or ()),
                    street=msg.street,
                    category=msg.category,
                    reported_from=msg.reported_from,
                    reported_to=msg.reported_to,
                    limit=msg.limit,
                    cursor=msg.cursor,
                )
                return Outcome([await core.search(user, msg.id, query)])
            case GenerateHandover() | SubmitHandover() | SignHandover() | ReturnHandover():
                return Outcome([await core.handover_command(user, self.terminal, msg)])
            case QueryShift():
                return Outcome([await core.shift_status(user, msg.id, msg.at)])
            case QueryHandovers():
                found = HandoverQuery(
                    shift_id=msg.shift_id,
                    supervisor=msg.supervisor,
                    text=msg.text,
                    states=tuple(msg.states or ()),
                    limit=msg.limit,
                    cursor=msg.cursor,
                )
                return Outcome([await core.search_handovers(user, msg.id, found)])
            case QueryHandover():
                return Outcome([await core.handover(user, msg.id, msg.handover_id)])
            case QueryPresence():
                return Outcome([core.presence(user, msg.id)])
            case QueryTrack():
                return Outcome([await core.track(user, msg.id, msg.unit_id, msg.start, msg.end)])
            case QueryPhoto():
                return Outcome([await core.photo(msg.id, msg.photo_id)])
            case QueryMap():
                return Outcome([core.city_map(msg.id)])
            case QueryEvaluation():
                return Outcome([await core.evaluation(user, msg)])
            case QueryCaseCounts():
                return Outcome([await core.case_counts(user, msg)])
            case UploadPhoto():
                return Outcome([await core.upload_photo(msg.id, msg.content_type, msg.data)])
            case Ping():
                return Outcome(
                    [Pong(id=msg.id, sent_at=msg.sent_at, server_time=core.server_time())]
                )
            case Bye():
                return Outcome([], Goodbye(reason=GoodbyeReason.BYE))
            case Hello():
                return Outcome(
                    [codec.make_error(ErrorCode.INVALID_INPUT, message="already signed in")]
                )
        return Outcome([codec.make_error(ErrorCode.UNKNOWN_TYPE)])

    @staticmethod
    def _unknown_units(unknown: list[str]) -> list[ServerMessage]:
        if not unknown:
            return []
        return [
            codec.make_error(
                ErrorCode.UNKNOWN_ID,
                message=f"unknown unit {unknown[0]!r} ({len(unknown)} unknown in the batch)",
                kind="unit",
                ident=unknown[0],
                count=len(unknown),
            )
        ]
