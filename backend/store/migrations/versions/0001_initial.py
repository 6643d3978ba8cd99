"""Initial schema: geography, organisation, cases, events, audit, positions, photos.

Revision ID: 0001
Revises:
Create Date: 2026-11-29

Written to match ``backend/store/orm.py`` (a test compares them on SQLite and PostgreSQL).
Column types are spelled here, not imported from the ORM, so that later changes to the ORM
cannot silently change what this revision creates.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from backend.store.columns import MsgspecJSON, UTCDateTime

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
"""A 64-bit key that SQLite still auto-numbers (only INTEGER PRIMARY KEY aliases its rowid)."""


def upgrade() -> None:
    op.create_table(
        "case_number_counter",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_case_number_counter")),
    )
    op.create_table(
        "cases",
        sa.Column("id", BigId, autoincrement=False, nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("street_code", sa.String(length=32), nullable=True),
        sa.Column("community_code", sa.String(length=32), nullable=True),
        sa.Column("cell_code", sa.String(length=32), nullable=True),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("urgency", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("reported_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("step_deadline", UTCDateTime(), nullable=True),
        sa.Column("data", MsgspecJSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
        sa.UniqueConstraint("number", name=op.f("uq_cases_number")),
    )
    op.create_index(
        "ix_cases_category_reported", "cases", ["category", "reported_at", "id"], unique=False
    )
    op.create_index(op.f("ix_cases_cell_code"), "cases", ["cell_code"], unique=False)
    op.create_index("ix_cases_reported", "cases", ["reported_at", "id"], unique=False)
    op.create_index(
        "ix_cases_state_reported", "cases", ["state", "reported_at", "id"], unique=False
    )
    op.create_index(op.f("ix_cases_step_deadline"), "cases", ["step_deadline"], unique=False)
    op.create_index(
        "ix_cases_street_reported", "cases", ["street_code", "reported_at", "id"], unique=False
    )
    op.create_table(
        "departments",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name_zh", sa.String(length=100), nullable=False),
        sa.Column("name_en", sa.String(length=100), nullable=False),
        sa.Column("field_forces", sa.Boolean(), nullable=False),
        sa.Column("joint_office", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_departments")),
    )
    op.create_table(
        "districts",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name_zh", sa.String(length=100), nullable=False),
        sa.Column("name_en", sa.String(length=100), nullable=False),
        sa.Column("code_format", MsgspecJSON(), nullable=False),
        sa.Column("boundary", MsgspecJSON(), nullable=False),
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_districts")),
    )
    op.create_table(
        "event_counter",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_event_counter_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_counter")),
    )
    op.create_table(
        "events",
        sa.Column("seq", BigId, autoincrement=False, nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("case_id", BigId, nullable=True),
        sa.Column("payload", MsgspecJSON(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_events")),
    )
    op.create_index(op.f("ix_events_case_id"), "events", ["case_id"], unique=False)
    op.create_table(
        "photos",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("content_type", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_photos")),
    )
    op.create_table(
        "streets",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name_zh", sa.String(length=100), nullable=False),
        sa.Column("name_en", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("seat_lon", sa.Float(), nullable=False),
        sa.Column("seat_lat", sa.Float(), nullable=False),
        sa.Column("boundary", MsgspecJSON(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_streets")),
    )
    op.create_table(
        "audit",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("event_seq", BigId, nullable=True),
        sa.Column("actor_id", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("terminal", sa.String(length=100), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("target", sa.String(length=100), nullable=False),
        sa.Column("before", MsgspecJSON(), nullable=True),
        sa.Column("after", MsgspecJSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_seq"], ["events.seq"], name=op.f("fk_audit_event_seq_events")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit")),
    )
    op.create_index(op.f("ix_audit_actor_id"), "audit", ["actor_id"], unique=False)
    op.create_index(op.f("ix_audit_at"), "audit", ["at"], unique=False)
    op.create_index(op.f("ix_audit_event_seq"), "audit", ["event_seq"], unique=False)
    op.create_table(
        "case_history",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("case_id", BigId, nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("move", sa.String(length=32), nullable=False),
        sa.Column("actor_id", sa.String(length=64), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("entry", MsgspecJSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_history_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_history")),
        sa.UniqueConstraint("case_id", "revision", name=op.f("uq_case_history_case_id_revision")),
    )
    op.create_table(
        "settings",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.String(length=1000), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_settings")),
    )
    op.create_table(
        "commands",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("event_seq", BigId, nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_seq"], ["events.seq"], name=op.f("fk_commands_event_seq_events")
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_commands")),
    )
    op.create_index(op.f("ix_commands_event_seq"), "commands", ["event_seq"], unique=False)
    op.create_table(
        "communities",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("street_code", sa.String(length=32), nullable=False),
        sa.Column("name_zh", sa.String(length=100), nullable=False),
        sa.Column("name_en", sa.String(length=100), nullable=False),
        sa.Column("boundary", MsgspecJSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["street_code"], ["streets.code"], name=op.f("fk_communities_street_code_streets")
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_communities")),
    )
    op.create_index(
        op.f("ix_communities_street_code"), "communities", ["street_code"], unique=False
    )
    op.create_table(
        "orders",
        sa.Column("case_id", BigId, nullable=False),
        sa.Column("no", sa.Integer(), nullable=False),
        sa.Column("department", sa.String(length=32), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("issued_at", UTCDateTime(), nullable=False),
        sa.Column("deadline", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_orders_case_id_cases")),
        sa.PrimaryKeyConstraint("case_id", "no", name=op.f("pk_orders")),
    )
    op.create_index(
        "ix_orders_department_state", "orders", ["department", "state", "deadline"], unique=False
    )
    op.create_table(
        "teams",
        sa.Column("team_id", sa.String(length=64), nullable=False),
        sa.Column("name_zh", sa.String(length=100), nullable=False),
        sa.Column("name_en", sa.String(length=100), nullable=False),
        sa.Column("department", sa.String(length=32), nullable=False),
        sa.Column("street_code", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["department"], ["departments.code"], name=op.f("fk_teams_department_departments")
        ),
        sa.ForeignKeyConstraint(
            ["street_code"], ["streets.code"], name=op.f("fk_teams_street_code_streets")
        ),
        sa.PrimaryKeyConstraint("team_id", name=op.f("pk_teams")),
    )
    op.create_index(op.f("ix_teams_department"), "teams", ["department"], unique=False)
    op.create_index(op.f("ix_teams_street_code"), "teams", ["street_code"], unique=False)
    op.create_table(
        "users",
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("scope", sa.String(length=32), nullable=False),
        sa.Column("department", sa.String(length=32), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["department"], ["departments.code"], name=op.f("fk_users_department_departments")
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_users")),
    )
    op.create_table(
        "cells",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("street_code", sa.String(length=32), nullable=False),
        sa.Column("community_code", sa.String(length=32), nullable=False),
        sa.Column("ring", MsgspecJSON(), nullable=False),
        sa.Column("centroid_lon", sa.Float(), nullable=False),
        sa.Column("centroid_lat", sa.Float(), nullable=False),
        sa.Column("area_m2", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_code"],
            ["communities.code"],
            name=op.f("fk_cells_community_code_communities"),
        ),
        sa.ForeignKeyConstraint(
            ["street_code"], ["streets.code"], name=op.f("fk_cells_street_code_streets")
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_cells")),
    )
    op.create_index(op.f("ix_cells_community_code"), "cells", ["community_code"], unique=False)
    op.create_index(op.f("ix_cells_street_code"), "cells", ["street_code"], unique=False)
    op.create_table(
        "units",
        sa.Column("unit_id", sa.String(length=64), nullable=False),
        sa.Column("callsign", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("department", sa.String(length=32), nullable=False),
        sa.Column("team_id", sa.String(length=64), nullable=False),
        sa.Column("street_code", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("status_since", UTCDateTime(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("last_fix_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["department"], ["departments.code"], name=op.f("fk_units_department_departments")
        ),
        sa.ForeignKeyConstraint(
            ["street_code"], ["streets.code"], name=op.f("fk_units_street_code_streets")
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.team_id"], name=op.f("fk_units_team_id_teams")
        ),
        sa.PrimaryKeyConstraint("unit_id", name=op.f("pk_units")),
    )
    op.create_index(op.f("ix_units_department"), "units", ["department"], unique=False)
    op.create_index(op.f("ix_units_street_code"), "units", ["street_code"], unique=False)
    op.create_index(op.f("ix_units_team_id"), "units", ["team_id"], unique=False)
    op.create_table(
        "positions",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("unit_id", sa.String(length=64), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("speed", sa.Float(), nullable=True),
        sa.Column("heading", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.unit_id"], name=op.f("fk_positions_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_positions")),
    )
    op.create_index(op.f("ix_positions_at"), "positions", ["at"], unique=False)
    op.create_index("ix_positions_unit_at", "positions", ["unit_id", "at"], unique=False)
    # The single event-counter row: event numbers start at 1.
    counter = sa.table(
        "event_counter", sa.column("id", sa.Integer), sa.column("last", sa.BigInteger)
    )
    op.bulk_insert(counter, [{"id": 1, "last": 0}])


def downgrade() -> None:
    op.drop_index("ix_positions_unit_at", table_name="positions")
    op.drop_index(op.f("ix_positions_at"), table_name="positions")
    op.drop_table("positions")
    op.drop_index(op.f("ix_units_team_id"), table_name="units")
    op.drop_index(op.f("ix_units_street_code"), table_name="units")
    op.drop_index(op.f("ix_units_department"), table_name="units")
    op.drop_table("units")
    op.drop_index(op.f("ix_cells_street_code"), table_name="cells")
    op.drop_index(op.f("ix_cells_community_code"), table_name="cells")
    op.drop_table("cells")
    op.drop_table("users")
    op.drop_index(op.f("ix_teams_street_code"), table_name="teams")
    op.drop_index(op.f("ix_teams_department"), table_name="teams")
    op.drop_table("teams")
    op.drop_index("ix_orders_department_state", table_name="orders")
    op.drop_table("orders")
    op.drop_index(op.f("ix_communities_street_code"), table_name="communities")
    op.drop_table("communities")
    op.drop_table("settings")
    op.drop_index(op.f("ix_commands_event_seq"), table_name="commands")
    op.drop_table("commands")
    op.drop_table("case_history")
    op.drop_index(op.f("ix_audit_event_seq"), table_name="audit")
    op.drop_index(op.f("ix_audit_at"), table_name="audit")
    op.drop_index(op.f("ix_audit_actor_id"), table_name="audit")
    op.drop_table("audit")
    op.drop_table("streets")
    op.drop_table("photos")
    op.drop_index(op.f("ix_events_case_id"), table_name="events")
    op.drop_table("events")
    op.drop_table("event_counter")
    op.drop_table("districts")
    op.drop_table("departments")
    op.drop_index("ix_cases_street_reported", table_name="cases")
    op.drop_index(op.f("ix_cases_step_deadline"), table_name="cases")
    op.drop_index("ix_cases_state_reported", table_name="cases")
    op.drop_index("ix_cases_reported", table_name="cases")
    op.drop_index(op.f("ix_cases_cell_code"), table_name="cases")
    op.drop_index("ix_cases_category_reported", table_name="cases")
    op.drop_table("cases")
    op.drop_table("case_number_counter")
