"""User accounts: creation with validated role, scope and department; password checks."""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from backend.services.clock import Clock, utc_now
from backend.services.errors import AlreadyExists
from backend.store.database import Database
from backend.store.orm import AuditRow, DepartmentRow, StreetRow, UserRow
from models.errors import InvalidInput, UnknownId
from models.org import DISTRICT_SCOPE, Actor, Role, User

USER_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}")
MIN_PASSWORD = 8
MAX_PASSWORD = 256

SYSTEM_ACTOR = Actor(user_id="system", role=Role.ADMIN, terminal="cli", name="system")
"""Who creates users from the command line, in the audit trail."""


class UserService:
    """User accounts in one :class:`Database`.

    Args:
        db: The database.
        clock: Source of "now".
        hasher: The argon2 hasher (tests may pass cheaper parameters).
    """

    def __init__(
        self, db: Database, *, clock: Clock = utc_now, hasher: PasswordHasher | None = None
    ) -> None:
        self.db = db
        self.clock = clock
        self.hasher = hasher or PasswordHasher()
        self._dummy_hash: str | None = None

    def create_user(
        self,
        user_id: str,
        name: str,
        role: str | Role,
        scope: str,
        department: str | None,
        password: str,
        *,
        by: Actor = SYSTEM_ACTOR,
    ) -> User:
        """Create a user; the password is stored only as an argon2 hash.

        Args:
            user_id: Login name: letters, digits, ``_ . -``, at most 64.
            name: Display name.
            role: One of :class:`models.org.Role`'s values.
            scope: ``models.org.DISTRICT_SCOPE`` or a street/town code in the database.
            department: A department code in the database; required for department users.
            password: At least ``MIN_PASSWORD`` characters.
            by: Who creates the user (recorded in the audit trail).

        Raises:
            InvalidInput: a malformed field (named in the error).
            UnknownId: unknown street (scope) or department.
            AlreadyExists: the user id is taken.
        """
        if not isinstance(user_id, str) or not USER_ID.fullmatch(user_id):
            raise InvalidInput("user_id", f"{user_id!r}: use 1-64 letters, digits, '_', '.', '-'")
        name = name.strip() if isinstance(name, str) else ""
        if not name or len(name) > 100:
            raise InvalidInput("name", "is required, at most 100 characters")
        try:
            role = Role(role)
        except ValueError:
            allowed = ", ".join(r.value for r in Role)
            raise InvalidInput("role", f"unknown role {role!r}; one of: {allowed}") from None
        if not isinstance(password, str) or not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
            raise InvalidInput("password", f"must have {MIN_PASSWORD} to {MAX_PASSWORD} characters")
        if not isinstance(scope, str) or not scope:
            raise InvalidInput("scope", f"{scope!r}: give {DISTRICT_SCOPE} or a street/town code")
        if department is not None and not isinstance(department, str):
            raise InvalidInput("department", f"{department!r} is not a department code")
        if role is Role.DEPARTMENT and not department:
            raise InvalidInput("department", "is required for role 'department'")
        password_hash = self.hasher.hash(password)  # slow on purpose: outside the transaction
        user = User(user_id=user_id, name=name, role=role, scope=scope, department=department)
        now = self.clock()
        with self.db.session(write=True) as session:
            if scope != DISTRICT_SCOPE:
                found = session.execute(select(StreetRow.code).where(StreetRow.code == scope))
                if found.first() is None:
                    raise UnknownId("street (scope)", scope)
            if department is not None:
                found = session.execute(
                    select(DepartmentRow.code).where(DepartmentRow.code == department)
                )
                if found.first() is None:
                    raise UnknownId("department", department)
            if session.get(UserRow, user_id) is not None:
                raise AlreadyExists("user", user_id)
            session.add(
                UserRow(
                    user_id=user_id,
                    name=name,
                    role=role.value,
                    scope=scope,
                    department=department,
                    active=True,
                    password_hash=password_hash,
                    created_at=now,
                )
            )
            try:
                session.flush()
            except IntegrityError:
                # Another process created the same id between our check and the insert.
                raise AlreadyExists("user", user_id) from None
            session.execute(
                insert(AuditRow).values(
                    event_seq=None,
                    actor_id=by.user_id,
                    role=by.role.value,
                    terminal=by.terminal,
                    at=now,
                    action="create_user",
                    target=f"user {user_id}",
                    before=None,
                    after=user,
                )
            )
        return user

    def get_user(self, user_id: str) -> User:
        """The user ``user_id``.

        Raises:
            UnknownId: no such user.
        """
        with self.db.session() as session:
            row = session.get(UserRow, user_id)
            if row is None:
                raise UnknownId("user", user_id)
            return _user(row)

    def verify_password(self, user_id: str, password: str) -> User | None:
        """The user when ``password`` is theirs and the account is active, else ``None``.

        An unknown user costs the same hashing work as a wrong password, so response times
        do not tell which user ids exist.
        """
        with self.db.session() as session:
            row = session.get(UserRow, user_id)
            stored = row.password_hash if row is not None else None
            user = _user(row) if row is not None else None
        try:
            self.hasher.verify(stored or self._dummy(), password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return None
        if user is None or not user.active:
            return None
        if stored is not None and self.hasher.check_needs_rehash(stored):
            with self.db.session(write=True) as session:
                session.execute(
                    update(UserRow)
                    .where(UserRow.user_id == user_id)
                    .values(password_hash=self.hasher.hash(password))
                )
        return user

    def _dummy(self) -> str:
        if self._dummy_hash is None:
            self._dummy_hash = self.hasher.hash("not a password anyone has")
        return self._dummy_hash


def _user(row: UserRow) -> User:
    return User(
        user_id=row.user_id,
        name=row.name,
        role=Role(row.role),
        scope=row.scope,
        department=row.department,
        active=row.active,
    )
