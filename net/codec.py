"""Encoding and decoding of protocol frames: pure functions, no I/O.

::

    frame = encode(Ack(id="c-17", seq=1043))       # bytes: send as a *text* frame
    message = decode_client(frame)                  # raises ProtocolError, nothing else

Decoding validates the whole frame against :mod:`net.protocol` and raises
:class:`ProtocolError` naming the problem: the JSON path of a bad field (``$.move.reason``),
the unknown type, or the size. :func:`error_for` turns that, a domain error or any other
exception into the :class:`~net.protocol.Error` to send back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Final, get_args

import msgspec

from models.errors import DomainError
from net.protocol import (
    DEFAULT_MESSAGES,
    MAX_FRAME_BYTES,
    MAX_ID_LENGTH,
    MAX_PHOTO_FRAME_BYTES,
    PROTOCOL_VERSION,
    ClientMessage,
    Error,
    ErrorCode,
    FieldError,
    Hello,
    MapResult,
    Message,
    PhotoResult,
    ServerMessage,
    UploadPhoto,
    Welcome,
)


class ProtocolError(Exception):
    """A frame that is not a valid protocol message.

    Attributes:
        code: ``malformed_frame``, ``unknown_type``, ``invalid_field``, ``frame_too_large``
            or ``protocol_version``.
        message: What is wrong, in English, naming the field, type or size.
        field: JSON path of the offending field (``$.lons``), for ``invalid_field``.
        msg_type: The frame's ``type`` when it could be read.
        id: The frame's request ``id`` when it could be read, so that the error answers
            the request the client is waiting on.
        details: Further facts (``size`` and ``limit``; ``supported`` versions).
    """

    def __init__(
        self,
        code: ErrorCode,
        message: str,
        *,
        field: str | None = None,
        msg_type: str | None = None,
        id: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.msg_type = msg_type
        self.id = id
        self.details = details or {}

    def __repr__(self) -> str:
        return f"ProtocolError({self.code.value!r}, {self.message!r}, field={self.field!r})"


# --- encoding ----------------------------------------------------------------------------

_encoder: Final = msgspec.json.Encoder()


_LARGE: Final = (UploadPhoto, PhotoResult, MapResult)
"""The messages that may use the large-frame limit: photos and the grid map."""
_LARGE_TAGS: Final = frozenset(cls.__struct_config__.tag for cls in _LARGE)


def frame_limit(message_type: type[Message] | str) -> int:
    """The largest frame allowed for a message type (a class or its ``type`` tag)."""
    if message_type in _LARGE or message_type in _LARGE_TAGS:
        return MAX_PHOTO_FRAME_BYTES
    return MAX_FRAME_BYTES


def encode(message: Message) -> bytes:
    """Encode a message as UTF-8 JSON, ready to send as one websocket *text* frame.

    With websockets, send bytes as text with ``send(frame, text=True)`` or
    ``broadcast(connections, frame, text=True)``; plain ``send(frame)`` would make it a
    binary frame.

    Raises:
        ProtocolError: ``frame_too_large`` if the peer would refuse the frame; split the
            content (e.g. smaller snapshot chunks) instead.
    """
    frame = _encoder.encode(message)
    limit = frame_limit(type(message))
    if len(frame) > limit:
        raise ProtocolError(
            ErrorCode.FRAME_TOO_LARGE,
            f"{type(message).__name__} encodes to {len(frame)} bytes, over the {limit}-byte "
            "limit: split it",
            details={"size": len(frame), "limit": limit},
        )
    return frame


# --- decoding ----------------------------------------------------------------------------


class _Probe(msgspec.Struct):
    """Reads the envelope of any JSON object, for error reports (unknown fields ignored)."""

    type: Any = msgspec.UNSET
    id: Any = None
    protocol: Any = None


_probe_decoder: Final = msgspec.json.Decoder(_Probe)


@dataclass(frozen=True)
class _Side:
    """One direction of the protocol, as seen by its receiver."""

    sender: str
    other: str
    decoder: msgspec.json.Decoder[Any]
    tags: frozenset[str]
    other_tags: frozenset[str]
    large_tags: tuple[str, ...]


def _tags(union: Any) -> frozenset[str]:
    return frozenset(cls.__struct_config__.tag for cls in get_args(union))


_CLIENT_TAGS: Final = _tags(ClientMessage)
_SERVER_TAGS: Final = _tags(ServerMessage)
_FROM_CLIENT: Final = _Side(
    "client",
    "server",
    msgspec.json.Decoder(ClientMessage),
    _CLIENT_TAGS,
    _SERVER_TAGS,
    tuple(sorted(_CLIENT_TAGS & _LARGE_TAGS)),
)
_FROM_SERVER: Final = _Side(
    "server",
    "client",
    msgspec.json.Decoder(ServerMessage),
    _SERVER_TAGS,
    _CLIENT_TAGS,
    tuple(sorted(_SERVER_TAGS & _LARGE_TAGS)),
)


def decode_client(frame: bytes | str) -> ClientMessage:
    """Decode and validate a frame a client sent (the server's side).

    Args:
        frame: The frame as received: ``str`` for a text frame, or its UTF-8 bytes.

    Raises:
        ProtocolError: The frame is too large, not JSON, of no or unknown type, has a
            missing, mistyped, unknown or out-of-range field, or is a hello in another
            protocol version. No other exception escapes for any input.
    """
    message: ClientMessage = _decode(frame, _FROM_CLIENT)
    if isinstance(message, Hello) and message.protocol != PROTOCOL_VERSION:
        raise _version_error(message.protocol)
    return message


def decode_server(frame: bytes | str) -> ServerMessage:
    """Decode and validate a frame the server sent (the console's side).

    Raises:
        ProtocolError: As :func:`decode_client`; a welcome in another protocol version
            gives ``protocol_version``.
    """
    message: ServerMessage = _decode(frame, _FROM_SERVER)
    if isinstance(message, Welcome) and message.protocol != PROTOCOL_VERSION:
        raise _version_error(message.protocol, msg_type="welcome")
    return message


def _decode(frame: bytes | str, side: _Side) -> Any:
    try:
        return _decode_valid(frame, side)
    except UnicodeEncodeError as exc:
        # A str with lone surrogates (a broken client's text) cannot become UTF-8; msgspec
        # and the size check both stumble on it wherever it is.
        raise ProtocolError(
            ErrorCode.MALFORMED_FRAME, "the frame is not valid Unicode text"
        ) from exc


def _decode_valid(frame: bytes | str, side: _Side) -> Any:
    size = _frame_size(frame)
    if size > MAX_FRAME_BYTES:
        _admit_large(frame, size, side)
    try:
        return side.decoder.decode(frame)
    except msgspec.ValidationError as exc:  # before DecodeError: it is a subclass
        raise _refusal(exc, frame, side) from exc
    except msgspec.DecodeError as exc:
        raise _malformed(exc) from exc
    except DomainError as exc:
        # A domain type that checks itself in __post_init__ with a domain error (the map's
        # CodeFormat raises InvalidInput) is not wrapped by msgspec, which wraps only
        # ValueError and TypeError; the frame is still just invalid.
        try:
            probe = _probe_decoder.decode(frame)
        except msgspec.DecodeError as malformed:  # broken further on than the check
            raise _malformed(malformed) from exc
        kind = probe.type if isinstance(probe.type, str) else "message"
        raise ProtocolError(
            ErrorCode.INVALID_FIELD,
            f"{kind}: {exc.message}",
            field="$",
            msg_type=kind[:MAX_ID_LENGTH],
            id=_request_id(probe.id),
        ) from exc


def _frame_size(frame: bytes | str) -> int:
    """The frame's size in bytes, exactly when it could matter."""
    if not isinstance(frame, str):
        return len(frame)
    # isascii() is O(1) on CPython strings; a short string cannot exceed the limit even at
    # four bytes per character, so only long non-ASCII text pays for an encode.
    if frame.isascii() or len(frame) * 4 <= MAX_FRAME_BYTES:
        return len(frame)
    if len(frame) > MAX_PHOTO_FRAME_BYTES:
        return len(frame)
    return len(frame.encode("utf-8"))


def _admit_large(frame: bytes | str, size: int, side: _Side) -> None:
    """Let a frame over the general limit through only if it is a photo or the map within
    the large-frame limit."""
    kind: object = None
    request_id: str | None = None
    if size <= MAX_PHOTO_FRAME_BYTES:
        try:
            probe = _probe_decoder.decode(frame)
        except msgspec.DecodeError:
            pass  # neither JSON nor an object: too large either way
        else:
            if probe.type in side.large_tags:
                return
            kind, request_id = probe.type, _request_id(probe.id)
    raise ProtocolError(
        ErrorCode.FRAME_TOO_LARGE,
        f"frame of {size} bytes is over the {MAX_FRAME_BYTES}-byte limit; only "
        f"{' and '.join(side.large_tags)} may have up to {MAX_PHOTO_FRAME_BYTES}",
        msg_type=kind[:MAX_ID_LENGTH] if isinstance(kind, str) else None,
        id=request_id,
        details={"size": size, "limit": MAX_FRAME_BYTES},
    )


def _malformed(exc: msgspec.DecodeError) -> ProtocolError:
    return ProtocolError(ErrorCode.MALFORMED_FRAME, f"the frame is not valid JSON: {exc}")


_AT: Final = re.compile(r" - at `(\$[^`]*)`$")
_NAMED: Final = re.compile(r"^Object (?:missing required|contains unknown) field `([^`]*)`")


def _refusal(exc: msgspec.ValidationError, frame: bytes | str, side: _Side) -> ProtocolError:
    """Classify a validation failure: not an object, bad type, wrong version, bad field."""
    try:
        probe = _probe_decoder.decode(frame)
    except msgspec.ValidationError:
        return ProtocolError(
            ErrorCode.MALFORMED_FRAME, "a frame must be a JSON object with a `type` member"
        )
    except msgspec.DecodeError as malformed:
        # Validation stops at the first bad field; the JSON may be broken further on.
        return _malformed(malformed)
    request_id = _request_id(probe.id)
    kind = probe.type
    if kind is msgspec.UNSET:
        return ProtocolError(
            ErrorCode.UNKNOWN_TYPE, "the message has no `type` member", id=request_id
        )
    if not isinstance(kind, str):
        return ProtocolError(
            ErrorCode.UNKNOWN_TYPE,
            f"`type` must be a string, not {_short(kind)}",
            id=request_id,
        )
    if kind not in side.tags:
        if kind in side.other_tags:
            problem = f"{kind!r} is a {side.other} message; a {side.sender} cannot send it"
        else:
            problem = f"unknown message type {_short(kind)}"
        return ProtocolError(
            ErrorCode.UNKNOWN_TYPE, problem, msg_type=kind[:MAX_ID_LENGTH], id=request_id
        )
    version = probe.protocol
    if (
        kind in ("hello", "welcome")
        and isinstance(version, int)
        and not isinstance(version, bool)
        and version != PROTOCOL_VERSION
    ):
        # A hello from another version may have fields this one does not know; the
        # version is the real problem, and the client must be told so.
        return _version_error(version, msg_type=kind)
    field, problem = _field_of(exc)
    return ProtocolError(
        ErrorCode.INVALID_FIELD,
        f"{kind}: {problem}",
        field=field,
        msg_type=kind,
        id=request_id,
    )


def _field_of(exc: msgspec.ValidationError) -> tuple[str, str]:
    """The JSON path of the failing field, and the problem, from msgspec's error."""
    text = str(exc)
    at = _AT.search(text)
    path = at.group(1) if at else "$"
    cause = exc.__cause__
    if isinstance(cause, FieldError):
        field = f"{path}.{cause.field}"
        return field, f"{field} {cause.problem}"
    named = _NAMED.match(text)
    if named:
        # msgspec names a missing or unknown field beside the path of its parent object.
        return f"{path}.{named.group(1)}", text
    return path, text


def _version_error(version: object, msg_type: str = "hello") -> ProtocolError:
    return ProtocolError(
        ErrorCode.PROTOCOL_VERSION,
        f"protocol version {_short(version)} is not supported; this side speaks "
        f"version {PROTOCOL_VERSION}",
        field="$.protocol",
        msg_type=msg_type,
        details={"supported": [PROTOCOL_VERSION]},
    )


def _request_id(value: object) -> str | None:
    """The frame's ``id`` if it is one worth echoing (never megabytes of junk)."""
    if isinstance(value, str) and 0 < len(value) <= MAX_ID_LENGTH:
        return value
    return None


def _short(value: object, limit: int = 64) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


# --- errors to send ----------------------------------------------------------------------


def make_error(
    code: ErrorCode, *, id: str | None = None, message: str | None = None, **details: Any
) -> Error:
    """An :class:`Error` for a problem the server finds itself (``not_signed_in``,
    ``sign_in_failed``, ``conflict``, ``rate_limited``...), with the default message.
    """
    return Error(
        id=id,
        code=code,
        message=message if message is not None else DEFAULT_MESSAGES[code],
        details=_plain(details),
    )


def error_for(exc: BaseException, id: str | None = None) -> Error:
    """The :class:`Error` to send for an exception raised while handling a frame.

    Args:
        exc: A :class:`ProtocolError`, a :class:`models.errors.DomainError` (its ``code``
            becomes the error code: ``illegal_move``, ``not_permitted``, ``invalid_input``,
            ``unknown_id``, ``conflict``...), or anything else, which becomes a
            ``server_error`` that reveals nothing of the server's internals.
        id: The request id to answer; defaults to the one the protocol error read.
    """
    if isinstance(exc, ProtocolError):
        details = dict(exc.details)
        if exc.field is not None:
            details["field"] = exc.field
        if exc.msg_type is not None:
            details["type"] = exc.msg_type
        return Error(
            id=id if id is not None else exc.id,
            code=exc.code,
            message=exc.message,
            details=_plain(details),
        )
    if isinstance(exc, DomainError):
        try:
            code = ErrorCode(exc.code)
        except ValueError:
            # A domain error with no protocol meaning (e.g. a bad data file) is the
            # server's fault, not the request's.
            return make_error(ErrorCode.SERVER_ERROR, id=id, cause=exc.code)
        return Error(id=id, code=code, message=exc.message, details=_plain(exc.details))
    return make_error(ErrorCode.SERVER_ERROR, id=id)


def _plain(details: dict[str, Any]) -> dict[str, Any]:
    """Details as JSON-ready values; anything unusual becomes its ``str``."""
    plain = msgspec.to_builtins(details, str_keys=True, enc_hook=str)
    assert isinstance(plain, dict)
    return plain
