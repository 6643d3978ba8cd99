"""Binds the websocket client to the qasync loop and the store, and puts outcomes in words.

::

    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    store = ClientStore()
    signals = StoreSignals(store)
    client = GridClient(url, user, password, client_id=settings.client_id,
                        applied_seq=lambda: store.last_seq)
    connection = Connection(client, store)
    connection.start()                       # a task on the qasync loop
    ...                                      # views call store.send_move(...)
    loop.run_until_complete(connection.close())

:class:`Connection` runs ``client.messages()`` and applies every item to the store, and it
is the store's :class:`~console.store.CommandSink`: a command a view makes through the
store is sent from here, and its ack or error comes back to the store as a
:class:`~console.store.RequestOutcome` with a sentence the console can show ("Dispatch of
case PD20261130-0042 failed: the case changed meanwhile: look again"), in the user's
language. Error codes are translated through Qt's translation system; the server's English
``message`` goes to the log only.

Given a :class:`~console.city.CityMapCache`, it also keeps ``store.city`` the grid map the
snapshot names: after every ``synced`` it loads a map it does not hold yet, from the disk
or the server, and says in words (``store.city_error``) why when it cannot.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from typing import Any, Final

from PySide6.QtCore import QCoreApplication, QObject, Signal

from console.city import CityMapCache, MapUnusable
from console.item_models import STATE_NAMES, UNIT_STATUS_NAMES
from console.joint_texts import joint_move_name
from console.panels import QT_TRANSLATE_NOOP
from console.store import ClientStore, RequestOutcome
from models.case import CaseState
from models.org import UnitStatus
from net.client import (
    Answer,
    ClientClosed,
    ClientStatus,
    GridClient,
    RequestFailed,
    StatusChange,
    StopReason,
)
from net.protocol import (
    Ack,
    ClientMessage,
    Command,
    ErrorCode,
    GenerateHandover,
    GoodbyeReason,
    JointCommand,
    PatrolCommand,
    Pong,
    Report,
    ReturnHandover,
    SetResponseTemplate,
    SetUnitStatus,
    SignHandover,
    SubmitHandover,
    Synced,
    UploadPhoto,
)

log = logging.getLogger(__name__)

CONTEXT: Final = "Connection"
"""Translation context of every string of this module."""

DEFAULT_REQUEST_TIMEOUT: Final = 30.0
"""Seconds a command may wait for its answer (across reconnects) before the user is told
that no answer came."""


def tr(source: str) -> str:
    """``source`` in the current language (context :data:`CONTEXT`), for a source held in
    a variable (marked with ``QT_TRANSLATE_NOOP`` where it is written)."""
    return QCoreApplication.translate(CONTEXT, source)


def translate(context: str, source: str) -> str:
    """``source`` in the current language. Call it with literals, as
    ``translate("Connection", "...")``: that is the form ``lupdate`` collects."""
    return QCoreApplication.translate(context, source)


MOVE_TITLES: Final[dict[str, str]] = {
    "accept": QT_TRANSLATE_NOOP("Connection", "Acceptance"),
    "void": QT_TRANSLATE_NOOP("Connection", "Voiding"),
    "file": QT_TRANSLATE_NOOP("Connection", "Filing"),
    "dispatch_single": QT_TRANSLATE_NOOP("Connection", "Dispatch"),
    "dispatch_comprehensive": QT_TRANSLATE_NOOP("Connection", "Comprehensive dispatch"),
    "escalate": QT_TRANSLATE_NOOP("Connection", "Escalation to the leaders"),
    "department_accept": QT_TRANSLATE_NOOP("Connection", "Sign-off by the department"),
    "department_return": QT_TRANSLATE_NOOP("Connection", "Return by the department"),
    "request_extension": QT_TRANSLATE_NOOP("Connection", "Extension request"),
    "decide_extension": QT_TRANSLATE_NOOP("Connection", "Extension decision"),
    "feedback": QT_TRANSLATE_NOOP("Connection", "Feedback"),
    "assign_verification": QT_TRANSLATE_NOOP("Connection", "Verification assignment"),
    "verify_pass": QT_TRANSLATE_NOOP("Connection", "Verification passed"),
    "verify_fail": QT_TRANSLATE_NOOP("Connection", "Verification failed"),
    "close": QT_TRANSLATE_NOOP("Connection", "Closing"),
    "suspend": QT_TRANSLATE_NOOP("Connection", "Suspension"),
    "resume": QT_TRANSLATE_NOOP("Connection", "Resumption"),
    "urge": QT_TRANSLATE_NOOP("Connection", "Supervision"),
    "merge": QT_TRANSLATE_NOOP("Connection", "Merge"),
}
"""Workflow move (``models.workflow`` tag) → the name of the action, as a noun."""

ERROR_TEXTS: Final[dict[ErrorCode, str]] = {
    ErrorCode.MALFORMED_FRAME: QT_TRANSLATE_NOOP(
        "Connection", "the console sent a broken message (a fault of the console)"
    ),
    ErrorCode.UNKNOWN_TYPE: QT_TRANSLATE_NOOP(
        "Connection", "the server does not know this request (a fault of the console)"
    ),
    ErrorCode.INVALID_FIELD: QT_TRANSLATE_NOOP("Connection", "a field is missing or wrong"),
    ErrorCode.FRAME_TOO_LARGE: QT_TRANSLATE_NOOP("Connection", "the request is too large"),
    ErrorCode.NOT_SIGNED_IN: QT_TRANSLATE_NOOP("Connection", "not signed in"),
    ErrorCode.SIGN_IN_FAILED: QT_TRANSLATE_NOOP(
        "Connection", "sign-in failed: wrong user name or password"
    ),
    ErrorCode.TOKEN_EXPIRED: QT_TRANSLATE_NOOP(
        "Connection", "the session has expired: sign in again"
    ),
    ErrorCode.PROTOCOL_VERSION: QT_TRANSLATE_NOOP(
        "Connection", "this console does not match the server's version: update it"
    ),
    ErrorCode.ILLEGAL_MOVE: QT_TRANSLATE_NOOP("Connection", "not allowed at this step"),
    ErrorCode.NOT_PERMITTED: QT_TRANSLATE_NOOP("Connection", "you are not permitted to do this"),
    ErrorCode.INVALID_INPUT: QT_TRANSLATE_NOOP("Connection", "a value is not acceptable"),
    ErrorCode.UNKNOWN_ID: QT_TRANSLATE_NOOP("Connection", "not found"),
    ErrorCode.CONFLICT: QT_TRANSLATE_NOOP(
        "Connection", "the case changed in the meantime: look at it again"
    ),
    ErrorCode.RATE_LIMITED: QT_TRANSLATE_NOOP(
        "Connection", "too many requests: wait a moment and try again"
    ),
    ErrorCode.TOO_SLOW: QT_TRANSLATE_NOOP("Connection", "the connection fell behind"),
    ErrorCode.SERVER_ERROR: QT_TRANSLATE_NOOP(
        "Connection", "the server failed; nothing was changed"
    ),
}
"""Error code → what went wrong, in words (the server's ``message`` is for the log)."""

STOP_TEXTS: Final[dict[StopReason, str]] = {
    StopReason.CLOSED: QT_TRANSLATE_NOOP("Connection", "Signed out"),
    StopReason.SIGNED_OUT: QT_TRANSLATE_NOOP("Connection", "Signed out"),
    StopReason.REPLACED: QT_TRANSLATE_NOOP(
        "Connection", "This console signed in elsewhere; this session ended"
    ),
    StopReason.SIGN_IN_FAILED: QT_TRANSLATE_NOOP(
        "Connection", "Sign-in failed: wrong user name or password"
    ),
    StopReason.PASSWORD_REQUIRED: QT_TRANSLATE_NOOP(
        "Connection", "The session has expired: sign in with your password"
    ),
    StopReason.PROTOCOL_VERSION: QT_TRANSLATE_NOOP(
        "Connection", "The server does not support this console's version: update the console"
    ),
}
"""Why the client stopped, as the connection indicator's tooltip says it."""

GOODBYE_TEXTS: Final[dict[GoodbyeReason, str]] = {
    GoodbyeReason.SHUTDOWN: QT_TRANSLATE_NOOP("Connection", "The server is restarting"),
    GoodbyeReason.TOO_SLOW: QT_TRANSLATE_NOOP(
        "Connection", "The connection fell behind; reloading everything"
    ),
    GoodbyeReason.IDLE: QT_TRANSLATE_NOOP("Connection", "The connection was silent too long"),
    GoodbyeReason.TOKEN_EXPIRED: QT_TRANSLATE_NOOP(
        "Connection", "The session expired; signing in again"
    ),
    GoodbyeReason.FRAME_TOO_LARGE: QT_TRANSLATE_NOOP(
        "Connection", "The server refused a message (a fault of the console)"
    ),
    GoodbyeReason.RATE_LIMITED: QT_TRANSLATE_NOOP(
        "Connection", "The server refused a flood of messages (a fault of the console)"
    ),
}
"""Why the server closed a connection the client then reopens."""

STATUS_TEXTS: Final[dict[ClientStatus, str]] = {
    ClientStatus.OFFLINE: QT_TRANSLATE_NOOP("Connection", "Offline"),
    ClientStatus.CONNECTING: QT_TRANSLATE_NOOP("Connection", "Connecting"),
    ClientStatus.ONLINE: QT_TRANSLATE_NOOP("Connection", "Online"),
    ClientStatus.RECONNECTING: QT_TRANSLATE_NOOP("Connection", "Reconnecting"),
}


# --- words -----------------------------------------------------------------------------


def status_text(status: ClientStatus) -> str:
    """ "Online", "Reconnecting"... in the current language."""
    return tr(STATUS_TEXTS[status])


def stop_text(reason: StopReason) -> str:
    """Why the client stopped, in the current language."""
    return tr(STOP_TEXTS[reason])


def goodbye_text(reason: GoodbyeReason) -> str:
    """Why the server closed the connection, in the current language."""
    source = GOODBYE_TEXTS.get(reason)
    return tr(source) if source else translate("Connection", "Connection lost")


def error_text(code: ErrorCode, details: Mapping[str, Any] | None = None) -> str:
    """What an error code means, in the current language, with its details where useful."""
    details = details or {}
    text = tr(ERROR_TEXTS[code])
    if code is ErrorCode.ILLEGAL_MOVE:
        state = details.get("state")
        if isinstance(state, str) and state in CaseState._value2member_map_:
            state_name = tr_item(STATE_NAMES[CaseState(state)])
            return translate("Connection", "not allowed while the case is “{state}”").format(
                state=state_name
            )
    if code in (ErrorCode.INVALID_FIELD, ErrorCode.INVALID_INPUT) and details.get("field"):
        return translate("Connection", "{problem} (field {field})").format(
            problem=text, field=details["field"]
        )
    if code is ErrorCode.UNKNOWN_ID and details.get("ident"):
        return translate("Connection", "not found: {ident}").format(ident=details["ident"])
    return text


HANDOVER_COMMANDS: Final = (GenerateHandover, SubmitHandover, SignHandover, ReturnHandover)


def handover_error_text(code: ErrorCode, details: Mapping[str, Any] | None = None) -> str:
    """Why a handover command was refused, in the current language: the handover's own
    words where the generic ones would speak of a case."""
    details = details or {}
    if code is ErrorCode.ILLEGAL_MOVE and details.get("state") == "signed":
        return translate("Connection", "the handover is signed and can no longer change")
    if code is ErrorCode.ILLEGAL_MOVE and details.get("state") == "submitted":
        return translate(
            "Connection", "the handover is submitted: the incoming supervisor signs or returns it"
        )
    if code is ErrorCode.CONFLICT:
        return translate("Connection", "the handover changed in the meantime: look at it again")
    return error_text(code, details)


def joint_error_text(code: ErrorCode, details: Mapping[str, Any] | None = None) -> str:
    """Why a joint-operation command was refused, in the current language: the operation's
    own words where the generic ones would speak of a case."""
    details = details or {}
    if code is ErrorCode.ILLEGAL_MOVE and details.get("reason"):
        # The model's reason names the unit and its step ("unit U00021 is notified; only a
        # unit en_route can arrive"): the operator needs exactly that.
        return translate("Connection", "not allowed: {reason}").format(reason=details["reason"])
    if code is ErrorCode.CONFLICT:
        return translate(
            "Connection", "the joint operation changed in the meantime: look at it again"
        )
    return error_text(code, details)


def tr_item(source: str) -> str:
    """A name of ``console.item_models`` (state, unit status) in the current language."""
    return QCoreApplication.translate("ItemModels", source)


def action_text(message: ClientMessage, store: ClientStore) -> str:
    """What a request does, as a noun phrase: "Dispatch of case PD20261130-0042"."""
    if isinstance(message, Command):
        case = store.cases.get(message.case_id)
        number = case.number if case is not None else f"#{message.case_id}"
        action = tr(MOVE_TITLES.get(type(message.move).__struct_config__.tag, "Command"))  # type: ignore[arg-type]
        return translate("Connection", "{action} of case {case}").format(action=action, case=number)
    if isinstance(message, Report):
        return translate("Connection", "New report")
    if isinstance(message, SetUnitStatus):
        status = tr_item(UNIT_STATUS_NAMES[UnitStatus(message.status)])
        return translate("Connection", "Status “{status}” for unit {unit}").format(
            status=status, unit=message.unit_id
        )
    if isinstance(message, UploadPhoto):
        return translate("Connection", "Photo upload")
    if isinstance(message, JointCommand):
        tag = type(message.move).__struct_config__.tag
        move = joint_move_name(tag if isinstance(tag, str) else "")
        if message.operation_id is None:
            return translate("Connection", "{action} of a joint operation").format(action=move)
        return translate("Connection", "{action} in joint operation {id}").format(
            action=move, id=message.operation_id
        )
    if isinstance(message, PatrolCommand):
        unit = getattr(message.move, "unit_id", None)
        if unit is not None:
            return translate("Connection", "Patrol area for unit {unit}").format(unit=unit)
        return translate("Connection", "Withdrawing patrol assignment {id}").format(
            id=getattr(message.move, "assignment_id", "")
        )
    if isinstance(message, SetResponseTemplate):
        return translate("Connection", "Response template of category {category}").format(
            category=message.category
        )
    if isinstance(message, GenerateHandover):
        return translate("Connection", "Generating the handover")
    if isinstance(message, SubmitHandover):
        return translate("Connection", "Submitting handover {id}").format(id=message.handover_id)
    if isinstance(message, SignHandover):
        return translate("Connection", "Signing handover {id}").format(id=message.handover_id)
    if isinstance(message, ReturnHandover):
        return translate("Connection", "Sending back handover {id}").format(id=message.handover_id)
    return translate("Connection", "Request")


def success_text(message: ClientMessage, answer: Answer, store: ClientStore) -> str:
    """A request succeeded, in words."""
    if isinstance(message, Report) and isinstance(answer, Ack) and answer.result:
        number = answer.result.get("number") or answer.result.get("case_id")
        return translate("Connection", "New report filed as case {case}").format(case=number)
    return translate("Connection", "{action}: done").format(action=action_text(message, store))


def failure_text(message: ClientMessage, reason: str, store: ClientStore) -> str:
    """A request failed for ``reason`` (already in words)."""
    return translate("Connection", "{action} failed: {reason}").format(
        action=action_text(message, store), reason=reason
    )


# --- the connection --------------------------------------------------------------------


class Connection(QObject):
    """Runs a :class:`GridClient` on the (qasync) event loop and feeds the store.

    Also the store's command sink: the store's ``send_*`` methods end up in
    :meth:`submit`, and every command's outcome goes back to the store in words.

    Args:
        client: The client (not yet running).
        store: The store to feed; its ``sink`` is set to this connection.
        request_timeout: Seconds a command waits for its answer before the user is told.
        maps: Where grid maps are kept; ``None`` leaves ``store.city`` alone.
        parent: Qt parent.

    Signals:
        finished(StopReason): The client stopped for good (signed out, replaced, refused);
            the store's connection info says why in detail.
    """

    finished = Signal(object)

    def __init__(
        self,
        client: GridClient,
        store: ClientStore,
        *,
        request_timeout: float = DEFAULT_REQUEST_TIMEOUT,
        maps: CityMapCache | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.client = client
        self.store = store
        self.request_timeout = request_timeout
        self.maps = maps
        store.sink = self
        self._task: asyncio.Task[None] | None = None
        self._commands: set[asyncio.Task[RequestOutcome]] = set()
        self._city_task: asyncio.Task[None] | None = None
        self._city_version: str | None = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self) -> asyncio.Task[None]:
        """Start the client as a task on the current event loop (qasync's in the console)."""
        if self.running:
            raise RuntimeError("the connection is already running")
        self._task = _loop().create_task(self.run(), name="grid-connection")
        return self._task

    async def run(self) -> None:
        """Apply every message and status change to the store until the client stops."""
        store = self.store
        try:
            async with contextlib.aclosing(self.client.messages()) as stream:
                async for item in stream:
                    store.apply(item)
                    if isinstance(item, Pong):
                        store.set_round_trip(self.client.round_trip)
                    elif isinstance(item, Synced):
                        self.refresh_city()
        except Exception as exc:
            # A fault of ours (a bug), not of the network: the console must still say that
            # it is offline rather than freeze on its last state.
            log.exception("the connection failed")
            store.apply(
                StatusChange(ClientStatus.OFFLINE, stop_reason=StopReason.CLOSED, detail=repr(exc))
            )
        self.finished.emit(self.client.stop_reason)

    async def close(self, timeout: float = 2.0) -> None:
        """Sign out, wait for the client to stop and for the commands in flight to end."""
        city_task = self._city_task
        if city_task is not None and not city_task.done():
            city_task.cancel()  # a map no one will look at
            with contextlib.suppress(asyncio.CancelledError):
                await city_task
        await self.client.close(timeout)
        task = self._task
        if task is not None and not task.done():
            try:
                await asyncio.wait_for(asyncio.shield(task), timeout)
            except TimeoutError:
                # Cancelling closes the client's generator here, on the loop; left to
                # the garbage collector it would be closed with no loop to run on.
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        if self._commands:
            await asyncio.gather(*self._commands, return_exceptions=True)

    # -- the store's command sink

    def submit(self, message: ClientMessage) -> None:
        """Send a command in the background; its outcome reaches the store in words."""
        task = _loop().create_task(self.command(message))
        self._commands.add(task)
        task.add_done_callback(self._commands.discard)

    def query(self, message: ClientMessage) -> asyncio.Future[Answer]:
        """Send a query; the returned future gives its answer or raises ``RequestFailed``."""
        return _loop().create_task(self.client.request(message, timeout=self.request_timeout))

    async def command(self, message: ClientMessage) -> RequestOutcome:
        """Send a command, wait for its ack or error, record and return the outcome."""
        request_id = str(getattr(message, "id", ""))
        store = self.store
        try:
            answer = await self.client.request(message, timeout=self.request_timeout)
        except RequestFailed as exc:
            log.info("request %s refused: %s", request_id, exc)
            words = error_text
            if isinstance(message, HANDOVER_COMMANDS):
                words = handover_error_text
            elif isinstance(message, JointCommand):
                words = joint_error_text
            reason = words(exc.code, exc.details)
            outcome = RequestOutcome(
                request_id, ok=False, text=failure_text(message, reason, store), code=exc.code.value
            )
        except TimeoutError:
            reason = translate("Connection", "no answer from the server")
            outcome = RequestOutcome(
                request_id, ok=False, text=failure_text(message, reason, store), code="timeout"
            )
        except ClientClosed:
            reason = translate("Connection", "not sent: the console is offline")
            outcome = RequestOutcome(
                request_id, ok=False, text=failure_text(message, reason, store), code="offline"
            )
        else:
            outcome = RequestOutcome(
                request_id, ok=True, text=success_text(message, answer, store), answer=answer
            )
        store.record_outcome(outcome)
        return outcome

    # -- the grid map

    def refresh_city(self) -> asyncio.Task[None] | None:
        """Load the map the last snapshot named, unless the store holds it or it is loading.

        Called after every ``synced``, so a map that failed to load is tried again on the
        next connection. Returns the loading task, if one runs.
        """
        version = self.store.map_version
        city = self.store.city
        if self.maps is None or version is None or (city is not None and city.version == version):
            return None
        task = self._city_task
        if task is not None and not task.done():
            if self._city_version == version:
                return task
            task.cancel()  # the snapshot names another map now
        self._city_version = version
        self._city_task = _loop().create_task(self._load_city(self.maps, version), name="grid-map")
        return self._city_task

    async def _load_city(self, maps: CityMapCache, version: str) -> None:
        store = self.store
        try:
            city = await maps.get(version, store.query)
        except RequestFailed as exc:
            reason, detail = error_text(exc.code, exc.details), str(exc)
        except TimeoutError:
            reason, detail = translate("Connection", "no answer from the server"), "timeout"
        except ClientClosed as exc:
            reason, detail = translate("Connection", "the console is offline"), str(exc)
        except MapUnusable as exc:
            reason = translate(
                "Connection", "the server sent a damaged map, or not the one it announced"
            )
            detail = str(exc)
        except Exception as exc:
            # A fault of ours: the console goes on without the map and says so.
            log.exception("loading the grid map %s failed", version)
            reason, detail = translate("Connection", "a fault of the console"), repr(exc)
        else:
            store.set_city(city)
            return
        log.warning("grid map %s not loaded: %s", version, detail)
        store.set_city_error(
            translate("Connection", "The grid map could not be loaded: {reason}").format(
                reason=reason
            )
        )


def _loop() -> asyncio.AbstractEventLoop:
    """The running loop, or (outside a coroutine, e.g. in a Qt slot before the loop runs)
    the loop set for this thread: qasync's in the console."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.get_event_loop_policy().get_event_loop()
