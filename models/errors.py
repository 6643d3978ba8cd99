"""Domain errors: each names what was wrong in words a user or an operator can act on.

Errors carry a stable ``code`` and structured ``details`` so that the console can show a
translated message, and an English ``str()`` for logs and tests.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of every error the domain raises on purpose."""

    code = "domain_error"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class LoadError(DomainError):
    """A data file (catalogue, calendar, GeoJSON...) has a bad row or field.

    The message always names the file, the row (1-based, header excluded, or a feature
    index) and the field.
    """

    code = "bad_data"

    def __init__(self, file: str, row: int | None, field: str | None, problem: str) -> None:
        where = file
        if row is not None:
            where += f", row {row}"
        if field is not None:
            where += f", field '{field}'"
        super().__init__(f"{where}: {problem}", file=file, row=row, field=field, problem=problem)
        self.file = file
        self.row = row
        self.field = field
        self.problem = problem


class IllegalMove(DomainError):
    """A workflow move that the case's state, the actor's role or scope does not allow."""

    code = "illegal_move"

    def __init__(self, case: str, state: str, move: str, reason: str) -> None:
        super().__init__(
            f"case {case} in state '{state}': cannot {move}: {reason}",
            case=case,
            state=state,
            move=move,
            reason=reason,
        )
        self.case = case
        self.state = state
        self.move = move
        self.reason = reason


class NotPermitted(IllegalMove):
    """The actor's role or scope does not allow the move (the state may well allow it)."""

    code = "not_permitted"


class InvalidInput(DomainError):
    """A command or form field with a missing, malformed or out-of-range value."""

    code = "invalid_input"

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"field '{field}': {problem}", field=field, problem=problem)
        self.field = field
        self.problem = problem


class UnknownId(DomainError):
    """A reference to a case, unit, user, department or category that does not exist."""

    code = "unknown_id"

    def __init__(self, kind: str, ident: object) -> None:
        super().__init__(f"unknown {kind}: {ident!r}", kind=kind, ident=str(ident))
        self.kind = kind
        self.ident = ident
