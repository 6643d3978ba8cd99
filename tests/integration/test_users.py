"""User accounts: argon2 hashes, validated role/scope/department, nothing half-written."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from backend.services.errors import AlreadyExists
from backend.services.users import UserService
from backend.store.database import Database
from backend.store.orm import AuditRow, UserRow
from models.errors import DomainError, InvalidInput, UnknownId
from models.org import DISTRICT_SCOPE, Role


def _rows(db: Database) -> tuple[int, int]:
    with db.session() as session:
        users = session.execute(select(func.count()).select_from(UserRow)).scalar_one()
        audit = session.execute(select(func.count()).select_from(AuditRow)).scalar_one()
        return users, audit


def test_users_are_created_with_a_hash_and_verified(
    db_with_city: Database, fast_hasher: PasswordHasher
) -> None:
    users = UserService(db_with_city, hasher=fast_hasher)
    street = "310115103"
    created = users.create_user("wang.li", "王力", "field", street, None, "s3cret-pass")
    assert created.role is Role.FIELD
    assert created.scope == street
    users.create_user("cg", "城管", Role.DEPARTMENT, DISTRICT_SCOPE, "CGZF", "another-pass")
    with db_with_city.session() as session:
        row = session.get(UserRow, "wang.li")
        assert row is not None
        assert row.password_hash.startswith("$argon2")
        assert "s3cret-pass" not in row.password_hash
        audit = session.execute(select(AuditRow)).scalars().all()
        assert [(a.action, a.target, a.event_seq) for a in audit] == [
            ("create_user", "user wang.li", None),
            ("create_user", "user cg", None),
        ]
        assert audit[0].after["role"] == "field"
        assert "password" not in str(audit[0].after)
    assert users.verify_password("wang.li", "s3cret-pass") == created
    assert users.verify_password("wang.li", "wrong-pass") is None
    assert users.verify_password("nobody", "s3cret-pass") is None
    assert users.get_user("cg").department == "CGZF"


@pytest.mark.parametrize(
    ("args", "error", "field_or_text"),
    [
        (("bad id!", "x", "operator", DISTRICT_SCOPE, None, "password1"), InvalidInput, "user_id"),
        (("u1", " ", "operator", DISTRICT_SCOPE, None, "password1"), InvalidInput, "name"),
        (("u1", "x", "boss", DISTRICT_SCOPE, None, "password1"), InvalidInput, "role"),
        (("u1", "x", "operator", DISTRICT_SCOPE, None, "short"), InvalidInput, "password"),
        (("u1", "x", "department", DISTRICT_SCOPE, None, "password1"), InvalidInput, "department"),
        (("u1", "x", "operator", "310115999", None, "password1"), UnknownId, "310115999"),
        (("u1", "x", "department", DISTRICT_SCOPE, "NOPE", "password1"), UnknownId, "NOPE"),
        (("taken", "x", "operator", DISTRICT_SCOPE, None, "password1"), AlreadyExists, "taken"),
    ],
)
def test_bad_users_are_refused_with_a_named_reason_and_nothing_written(
    db_with_city: Database,
    fast_hasher: PasswordHasher,
    args: tuple[str, str, str, str, str | None, str],
    error: type[DomainError],
    field_or_text: str,
) -> None:
    users = UserService(db_with_city, hasher=fast_hasher)
    users.create_user("taken", "Taken", "admin", DISTRICT_SCOPE, None, "password1")
    before = _rows(db_with_city)
    with pytest.raises(error) as raised:
        users.create_user(*args)
    if isinstance(raised.value, InvalidInput):
        assert raised.value.field == field_or_text
    else:
        assert field_or_text in str(raised.value)
    assert _rows(db_with_city) == before
