"""Errors the services add to the domain's (``models.errors``)."""

from __future__ import annotations

from models.errors import DomainError


class Conflict(DomainError):
    """A command was made against an older revision of a case (or a handover, as ``kind``
    says) than the stored one.

    The loser of two dispatchers racing on one case gets this, names the case and both
    revisions, and can reload the case and decide again.
    """

    code = "conflict"

    def __init__(self, case: str, expected: int, actual: int, *, kind: str = "case") -> None:
        super().__init__(
            f"{kind} {case} changed meanwhile: the command was made against revision "
            f"{expected}, the {kind} is now at revision {actual}; reload it and try again",
            case=case,
            expected=expected,
            actual=actual,
        )
        self.case = case
        self.expected = expected
        self.actual = actual


class AlreadyExists(DomainError):
    """Something with this identifier exists already (a user, a seeded city...)."""

    code = "already_exists"

    def __init__(self, kind: str, ident: object) -> None:
        super().__init__(f"{kind} {ident!r} already exists", kind=kind, ident=str(ident))
        self.kind = kind
        self.ident = ident
