"""The command line, run as a user would: ``python -m backend ...`` on a temporary SQLite file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from backend.demo import DEMO_PASSWORD
from backend.services.users import UserService
from backend.store.database import Database
from backend.store.orm import (
    AuditRow,
    CellRow,
    DepartmentRow,
    StreetRow,
    TeamRow,
    UnitRow,
    UserRow,
)
from models.geo import point_in_rings
from models.org import Role

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "GRID_DB_URL"}
    return subprocess.run(
        [sys.executable, "-m", "backend", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )


def counts(url: str) -> dict[str, int]:
    db = Database.open(url)
    try:
        with db.session() as session:
            return {
                t.__tablename__: session.execute(select(func.count()).select_from(t)).scalar_one()
                for t in (StreetRow, CellRow, DepartmentRow, TeamRow, UnitRow, UserRow, AuditRow)
            }
    finally:
        db.close()


def test_init_db_seed_demo_and_create_user(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'sub' / 'grid.db'}"
    init = run("init-db", "--db", url)
    assert init.returncode == 0, init.stderr
    assert "schema created" in init.stdout
    assert counts(url)["departments"] == 20
    again = run("init-db", "--db", url)
    assert again.returncode == 0, again.stderr
    assert "up to date" in again.stdout

    seed = run("seed-demo", "--db", url)
    assert seed.returncode == 0, seed.stderr
    assert DEMO_PASSWORD in seed.stdout
    seeded = counts(url)
    assert seeded["streets"] == 36
    assert 4950 <= seeded["cells"] <= 5050
    assert seeded["units"] == 2000
    assert seeded["users"] == 6 + 20  # one per role, one handler per department

    db = Database.open(url)
    try:
        with db.session() as session:
            roles = sorted(session.execute(select(UserRow.role)).scalars())
            assert set(roles) == {r.value for r in Role}
            per_street = dict(
                session.execute(
                    select(UnitRow.street_code, func.count()).group_by(UnitRow.street_code)
                ).all()
            )
            assert len(per_street) == 36
            boundaries = dict(session.execute(select(StreetRow.code, StreetRow.boundary)).all())
            units = session.execute(select(UnitRow)).scalars().all()
            for unit in units[::50]:
                assert unit.lon is not None
                assert unit.lat is not None
                assert point_in_rings(unit.lon, unit.lat, boundaries[unit.street_code])
            assert {u.kind for u in units} == {"person", "vehicle"}
        user = UserService(db).verify_password("department", DEMO_PASSWORD)
        assert user is not None
        assert user.role is Role.DEPARTMENT
        assert user.department == "CGZF"
    finally:
        db.close()

    refused = run("seed-demo", "--db", url)
    assert refused.returncode == 2
    assert "already holds a grid map" in refused.stderr
    assert counts(url) == seeded

    created = run(
        "create-user",
        "--db",
        url,
        "--id",
        "zhang",
        "--name",
        "张三",
        "--role",
        "operator",
        "--scope",
        "310115103",
        "--password-stdin",
        stdin="correct horse\n",
    )
    assert created.returncode == 0, created.stderr
    db = Database.open(url)
    try:
        assert UserService(db).verify_password("zhang", "correct horse") is not None
    finally:
        db.close()

    after = counts(url)
    base = ["create-user", "--db", url, "--name", "x", "--password-stdin"]
    refusals = [
        (["--id", "u2", "--role", "boss"], "unknown role 'boss'"),
        (["--id", "u2", "--role", "field", "--scope", "310115999"], "310115999"),
        (["--id", "zhang", "--role", "operator"], "'zhang' already exists"),
        (["--id", "u2", "--role", "department", "--department", "XX"], "department: 'XX'"),
    ]
    for extra, message in refusals:
        result = run(*base, *extra, stdin="a-long-password\n")
        assert result.returncode == 2, (extra, result.stderr)
        assert message in result.stderr, (extra, result.stderr)
        assert result.stderr.startswith("error: ")
    empty = run(*base, "--id", "u3", "--role", "operator", stdin="")
    assert empty.returncode == 2
    assert "no password" in empty.stderr
    assert counts(url) == after


def test_bad_database_urls_get_a_clear_message(tmp_path: Path) -> None:
    cases = [
        ("mysql://u@h/db", "unsupported database 'mysql'"),
        ("sqlite://", "give a file path"),
        ("postgresql://user:topsecret@127.0.0.1:1/grid", "cannot open database"),
        ("::not a url::", "bad database URL"),
    ]
    for url, message in cases:
        result = run("init-db", "--db", url)
        assert result.returncode == 2, url
        assert message in result.stderr, (url, result.stderr)
        assert "topsecret" not in result.stderr
        assert "Traceback" not in result.stderr


def test_create_user_on_an_uninitialised_database_says_what_to_run(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    result = run(
        "create-user",
        "--db",
        url,
        "--id",
        "a",
        "--name",
        "a",
        "--role",
        "admin",
        "--password-stdin",
        stdin="password1\n",
    )
    assert result.returncode == 2
    assert "init-db" in result.stderr
