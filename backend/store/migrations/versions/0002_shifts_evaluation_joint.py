"""Shifts and handovers, case facts for evaluation, joint operations and patrol areas.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30

Written to match ``backend/store/orm.py`` (a test compares them on SQLite and PostgreSQL).
Cases that exist before this revision get their evaluation facts at their next change.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from backend.store.columns import MsgspecJSON, UTCDateTime

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
"""A 64-bit key that SQLite still auto-numbers (only INTEGER PRIMARY KEY aliases its rowid)."""


def upgrade() -> None:
    op.create_index(op.f("ix_case_history_at"), "case_history", ["at"], unique=False)
    op.create_table(
        "shifts",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=16), nullable=False),
        sa.Column("start", UTCDateTime(), nullable=False),
        sa.Column("end", UTCDateTime(), nullable=False),
        sa.Column("data", MsgspecJSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shifts")),
    )
    op.create_table(
        "handovers",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("shift_id", sa.String(length=32), nullable=False),
        sa.Column("scope", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("shift_start", UTCDateTime(), nullable=False),
        sa.Column("outgoing", sa.String(length=64), nullable=False),
        sa.Column("incoming", sa.String(length=64), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("data", MsgspecJSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["shift_id"], ["shifts.id"], name=op.f("fk_handovers_shift_id_shifts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handovers")),
    )
    op.create_index(op.f("ix_handovers_incoming"), "handovers", ["incoming"], unique=False)
    op.create_index(op.f("ix_handovers_outgoing"), "handovers", ["outgoing"], unique=False)
    op.create_index("ix_handovers_shift_start", "handovers", ["shift_start", "id"], unique=False)
    op.create_index(op.f("ix_handovers_shift_id"), "handovers", ["shift_id"], unique=False)
    op.create_table(
        "case_facts",
        sa.Column("case_id", BigId, nullable=False),
        sa.Column("street_code", sa.String(length=32), nullable=False),
        sa.Column("first_at", UTCDateTime(), nullable=False),
        sa.Column("last_at", UTCDateTime(), nullable=False),
        sa.Column("data", MsgspecJSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_facts_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_case_facts")),
    )
    op.create_index("ix_case_facts_span", "case_facts", ["last_at", "first_at"], unique=False)
    op.create_table(
        "joint_operations",
        sa.Column("id", BigId, autoincrement=False, nullable=False),
        sa.Column("case_id", BigId, nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("street_code", sa.String(length=32), nullable=False),
        sa.Column("convened_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("data", MsgspecJSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_joint_operations_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_joint_operations")),
    )
    op.create_index(
        op.f("ix_joint_operations_case_id"), "joint_operations", ["case_id"], unique=False
    )
    op.create_index(op.f("ix_joint_operations_state"), "joint_operations", ["state"], unique=False)
    op.create_table(
        "joint_participants",
        sa.Column("operation_id", BigId, nullable=False),
        sa.Column("unit_id", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["operation_id"],
            ["joint_operations.id"],
            name=op.f("fk_joint_participants_operation_id_joint_operations"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.unit_id"], name=op.f("fk_joint_participants_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("operation_id", "unit_id", name=op.f("pk_joint_participants")),
    )
    op.create_index(
        "ix_joint_participants_unit_state",
        "joint_participants",
        ["unit_id", "state"],
        unique=False,
    )
    op.create_table(
        "patrol_assignments",
        sa.Column("id", BigId, autoincrement=False, nullable=False),
        sa.Column("unit_id", sa.String(length=64), nullable=False),
        sa.Column("street_code", sa.String(length=32), nullable=False),
        sa.Column("starts_at", UTCDateTime(), nullable=False),
        sa.Column("ends_at", UTCDateTime(), nullable=False),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        sa.Column("data", MsgspecJSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.unit_id"], name=op.f("fk_patrol_assignments_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patrol_assignments")),
    )
    op.create_index(
        op.f("ix_patrol_assignments_ends_at"), "patrol_assignments", ["ends_at"], unique=False
    )
    op.create_index(
        "ix_patrol_assignments_unit_ends",
        "patrol_assignments",
        ["unit_id", "ends_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_patrol_assignments_unit_ends", table_name="patrol_assignments")
    op.drop_index(op.f("ix_patrol_assignments_ends_at"), table_name="patrol_assignments")
    op.drop_table("patrol_assignments")
    op.drop_index("ix_joint_participants_unit_state", table_name="joint_participants")
    op.drop_table("joint_participants")
    op.drop_index(op.f("ix_joint_operations_state"), table_name="joint_operations")
    op.drop_index(op.f("ix_joint_operations_case_id"), table_name="joint_operations")
    op.drop_table("joint_operations")
    op.drop_index("ix_case_facts_span", table_name="case_facts")
    op.drop_table("case_facts")
    op.drop_index(op.f("ix_handovers_shift_id"), table_name="handovers")
    op.drop_index("ix_handovers_shift_start", table_name="handovers")
    op.drop_index(op.f("ix_handovers_outgoing"), table_name="handovers")
    op.drop_index(op.f("ix_handovers_incoming"), table_name="handovers")
    op.drop_table("handovers")
    op.drop_table("shifts")
    op.drop_index(op.f("ix_case_history_at"), table_name="case_history")
