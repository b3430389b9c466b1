"""the Resolution 57 task register: units, tasks, extensions, progress, completions, evidence; unit accounts

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "unit",
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("emails", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_table(
        "task",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("content", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("source_document", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("objective", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("lead_unit_code", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("coordinating_unit_codes", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("kpi_indicator", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("kpi_target", sa.Float(), nullable=True),
        sa.Column("kpi_unit", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("import_file_id", sa.Integer(), nullable=True),
        sa.Column("origin", sa.String(length=24), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_file_id"],
            ["import_file.id"],
        ),
        sa.ForeignKeyConstraint(
            ["lead_unit_code"],
            ["unit.code"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_task_lead_unit_code"), ["lead_unit_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_task_level"), ["level"], unique=False)

    op.create_table(
        "task_completion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=False),
        sa.Column("result", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("reported_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("received_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("import_file_id", sa.Integer(), nullable=True),
        sa.Column("review_status", sa.String(length=16), nullable=False),
        sa.Column("review_reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("reviewed_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("reviewed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["import_file_id"],
            ["import_file.id"],
        ),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["task.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("task_completion", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_task_completion_review_status"), ["review_status"], unique=False)
        batch_op.create_index("ix_task_completion_task", ["task_id", "received_at"], unique=False)

    op.create_table(
        "task_extension",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("decision_number", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("decision_date", sa.Date(), nullable=False),
        sa.Column("recorded_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("recorded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["task.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("task_extension", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_task_extension_task_id"), ["task_id"], unique=False)

    op.create_table(
        "task_progress",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("percent", sa.Float(), nullable=True),
        sa.Column("result", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("difficulties", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("kpi_value", sa.Float(), nullable=True),
        sa.Column("reported_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("received_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("import_file_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["import_file_id"],
            ["import_file.id"],
        ),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["task.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("task_progress", schema=None) as batch_op:
        batch_op.create_index("ix_task_progress_task", ["task_id", "received_at"], unique=False)

    op.create_table(
        "task_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("completion_id", sa.Integer(), nullable=True),
        sa.Column("filename", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("media_type", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("uploaded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["completion_id"],
            ["task_completion.id"],
        ),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["task.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("task_evidence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_task_evidence_task_id"), ["task_id"], unique=False)

    # Room for a unit's task mail ("task:VP-UBND") beside the commune codes.
    with op.batch_alter_table("warning_delivery", schema=None) as batch_op:
        batch_op.alter_column(
            "scope",
            existing_type=sqlmodel.sql.sqltypes.AutoString(length=5),
            type_=sqlmodel.sql.sqltypes.AutoString(length=32),
            existing_nullable=False,
        )
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unit_code", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True))
        batch_op.create_foreign_key("fk_account_unit_code", "unit", ["unit_code"], ["code"])


def downgrade() -> None:
    with op.batch_alter_table("warning_delivery", schema=None) as batch_op:
        batch_op.alter_column(
            "scope",
            existing_type=sqlmodel.sql.sqltypes.AutoString(length=32),
            type_=sqlmodel.sql.sqltypes.AutoString(length=5),
            existing_nullable=False,
        )
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.drop_constraint("fk_account_unit_code", type_="foreignkey")
        batch_op.drop_column("unit_code")

    with op.batch_alter_table("task_evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_task_evidence_task_id"))

    op.drop_table("task_evidence")
    with op.batch_alter_table("task_progress", schema=None) as batch_op:
        batch_op.drop_index("ix_task_progress_task")

    op.drop_table("task_progress")
    with op.batch_alter_table("task_extension", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_task_extension_task_id"))

    op.drop_table("task_extension")
    with op.batch_alter_table("task_completion", schema=None) as batch_op:
        batch_op.drop_index("ix_task_completion_task")
        batch_op.drop_index(batch_op.f("ix_task_completion_review_status"))

    op.drop_table("task_completion")
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_task_level"))
        batch_op.drop_index(batch_op.f("ix_task_lead_unit_code"))

    op.drop_table("task")
    op.drop_table("unit")
